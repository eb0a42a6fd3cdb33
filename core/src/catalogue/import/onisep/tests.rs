use super::super::certifications;
use super::super::test_support::*;
use super::*;
use crate::catalogue::import::source::DirSource;
use rusqlite::Connection;
use std::collections::BTreeSet;

/// Loads the real communes file into `commune`, read here on its own since the geo importer is not
/// under test.
fn insert_real_communes(conn: &Connection) {
    let text = String::from_utf8(gunzip("geo/communes_codes_postaux_gps_2025.csv.gz")).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (insee, name, code, lat, lon) = (
        col("code_commune_insee"),
        col("nom_commune"),
        col("code_postal"),
        col("latitude"),
        col("longitude"),
    );
    let mut stmt = conn
            .prepare(
                "INSERT OR IGNORE INTO commune(insee, name, postcode, lat, lon) VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .unwrap();
    for rec in rdr.records() {
        let rec = rec.unwrap();
        let coord = |i: usize| rec[i].parse::<f64>().ok();
        stmt.execute(params![
            &rec[insee],
            &rec[name],
            &rec[code],
            coord(lat),
            coord(lon)
        ])
        .unwrap();
    }
}

fn romes_of(conn: &Connection, training: &str) -> BTreeSet<String> {
    let mut stmt = conn
        .prepare("SELECT rome FROM training_rome WHERE training_id = ?1")
        .unwrap();
    let rows = stmt.query_map([training], |r| r.get(0)).unwrap();
    rows.collect::<rusqlite::Result<_>>().unwrap()
}

fn place_insee(conn: &Connection, id: &str) -> Option<String> {
    conn.query_row("SELECT insee FROM place WHERE id = ?1", [id], |r| r.get(0))
        .unwrap()
}

#[test]
fn names_levels_and_codes() {
    assert_eq!(
        address_key("St-Didier-au-Mont-d'Or"),
        address_key("SAINT DIDIER AU MONT D OR")
    );
    assert_eq!(address_key("Le Mont-Dore"), address_key("MONT DORE"));
    assert_eq!(
        address_key("Terrasson-Lavilledieu"),
        address_key("TERRASSON LA VILLEDIEU")
    );
    assert_eq!(address_key("Paris Cedex 05"), address_key("PARIS"));
    assert_eq!(level_exit("3", "niveau 5 (bac + 2)"), Ok(Some(5)));
    assert_eq!(level_exit("1", ""), Ok(Some(7)));
    assert_eq!(level_exit("0", "non inscrit au RNCP"), Ok(None));
    assert!(level_exit("9", "??").is_err());
    assert_eq!(postcode("8200").as_deref(), Some("08200"));
    assert_eq!(postcode("97670").as_deref(), Some("97670"));
    assert_eq!(postcode("CEDEX"), None);
    assert_eq!(
        onisep_id(
            "http://www.onisep.fr/http/redirection/formation/slug/FOR.6913",
            "FOR."
        ),
        Some("FOR.6913")
    );
    assert_eq!(onisep_id("http://www.onisep.fr/formation/", "FOR."), None);
    assert!(is_uai("0271282X") && !is_uai("027128X") && !is_uai(""));
    // 8 bytes, the 8th inside a two-byte letter: was cut inside "é" (a panic).
    assert!(!is_uai("123456é") && !is_uai("1234567é") && !is_uai("é234567X"));
}

#[test]
fn real_data_trainings_lycees_and_map() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = open_db(dir.path());
    let tx = conn.transaction().unwrap();
    insert_real_jobs(&tx);
    insert_real_communes(&tx);
    let source = DirSource(data_dir());
    let mut ctx = Ctx::new(&tx, &source);
    certifications::import(&mut ctx).unwrap();
    import(&mut ctx).unwrap();
    let report = ctx.report;

    for (info, documented) in [
        (&FORMATIONS, 6_086),
        (&SPECIALITES, 2_452),
        (&OPTIONS, 2_682),
    ] {
        let s = stats(&report, info.path);
        assert_eq!(
            s.rows_read,
            count_rows(&gunzip(info.path), b';'),
            "{}",
            info.path
        );
        assert_eq!(s.rows_read, documented, "{}", info.path);
        assert_eq!(s.rows_skipped, 0, "{}", info.path);
    }
    assert_eq!(
        count(&tx, "SELECT count(*) FROM training WHERE source = 'onisep'"),
        6_086
    );
    assert_eq!(
        count(&tx, "SELECT count(*) FROM training WHERE source = 'lycee'"),
        5_134
    );
    assert_eq!(
        count(
            &tx,
            "SELECT count(*) FROM action a JOIN training t ON t.id = a.training_id
                 JOIN place p ON p.id = a.place_id WHERE t.source = 'lycee' AND p.kind = 'lycee'"
        ),
        5_134
    );
    // One place per Onisep site sheet (ENS id), whichever file or files name it.
    let mut sites = BTreeSet::new();
    for info in [&SPECIALITES, &OPTIONS] {
        let text = String::from_utf8(gunzip(info.path)).unwrap();
        for piece in text.split("/slug/ENS.").skip(1) {
            let digits: String = piece.chars().take_while(char::is_ascii_digit).collect();
            sites.insert(digits);
        }
    }
    assert_eq!(
        count(&tx, "SELECT count(*) FROM place WHERE kind = 'lycee'"),
        sites.len()
    );

    // FOR.6913 "Chargé d'accompagnement social et professionnel", RNCP 7426 level "niveau 5 (bac+2)":
    // its jobs are its certification's, which include the five of the RNCP file.
    let (title, kind, level, rncp, certifying, url): (String, String, i64, String, bool, String) = tx
            .query_row(
                "SELECT title, type, level_exit, rncp, certifying, url FROM training WHERE id = 'onisep:FOR.6913'",
                [],
                |r| r.try_into(),
            )
            .unwrap();
    assert_eq!(title, "Chargé d'accompagnement social et professionnel");
    assert_eq!(kind, "formation d'école spécialisée");
    assert_eq!((level, rncp.as_str(), certifying), (5, "RNCP7426", true));
    assert!(url.ends_with("/FOR.6913"));
    let rncp_rome =
        String::from_utf8(gunzip("formations/rncp/rncp_rome_v1.4_2021-03.csv.gz")).unwrap();
    let from_file: BTreeSet<String> = rncp_rome
        .lines()
        .filter_map(|l| l.strip_prefix("RNCP7426;"))
        .map(|l| l.split(';').nth(1).unwrap().to_string())
        .collect();
    assert_eq!(from_file.len(), 5);
    let links = romes_of(&tx, "onisep:FOR.6913");
    assert!(links.is_superset(&from_file), "{links:?}");
    // Every training with a known certification lists exactly that certification's jobs.
    let mismatched = count(
            &tx,
            "SELECT count(*) FROM training t JOIN certification_rome c ON c.cert_id = t.rncp
             WHERE t.source = 'onisep'
               AND NOT EXISTS (SELECT 1 FROM training_rome tr WHERE tr.training_id = t.id AND tr.rome = c.rome)",
        ) + count(
            &tx,
            "SELECT count(*) FROM training_rome tr JOIN training t ON t.id = tr.training_id
             WHERE NOT EXISTS (SELECT 1 FROM certification_rome c WHERE c.cert_id = t.rncp AND c.rome = tr.rome)",
        );
    assert_eq!(mismatched, 0);
    assert!(count(&tx, "SELECT count(DISTINCT training_id) FROM training_rome") > 2_000);
    // FCIL row: type with its sigle, several domains, not registered in the RNCP.
    let (kind, domains, certifying, level): (String, String, bool, Option<i64>) = tx
            .query_row(
                "SELECT type, domains, certifying, level_exit FROM training WHERE id = 'onisep:FOR.7172'",
                [],
                |r| r.try_into(),
            )
            .unwrap();
    assert_eq!(kind, "formation complémentaire d'initiative locale (FCIL)");
    assert_eq!(
        domains,
        "arts, culture, artisanat/artisanat d'art | arts, culture, artisanat/arts du spectacle"
    );
    assert_eq!((certifying, level), (false, None));

    // AF.23666: Lycée privé Jeanne d'Arc - Saint-Anselme, Bernay (27056).
    let (training, place, mode): (String, String, String) = tx
            .query_row(
                "SELECT training_id, place_id, teaching_mode FROM action WHERE id = 'onisep:AF.23666:action'",
                [],
                |r| r.try_into(),
            )
            .unwrap();
    assert_eq!(
        (training.as_str(), place.as_str(), mode.as_str()),
        ("onisep:AF.23666", "uai:0271282X", "presentiel")
    );
    let content: String = tx
        .query_row(
            "SELECT content FROM training WHERE id = 'onisep:AF.23666'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(content.starts_with("sciences économiques et sociales / "));
    assert_eq!(place_insee(&tx, "uai:0271282X").as_deref(), Some("27056"));
    // CEDEX postcodes: Cachan 94235, Orléans 45074, Châtillon-sur-Seine 21402 (with a BP).
    assert_eq!(place_insee(&tx, "uai:0940580V").as_deref(), Some("94016"));
    assert_eq!(place_insee(&tx, "uai:0451526P").as_deref(), Some("45234"));
    assert_eq!(place_insee(&tx, "uai:0210013A").as_deref(), Some("21154"));
    let address: String = tx
        .query_row(
            "SELECT address FROM place WHERE id = 'uai:0210013A'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(address, "19 rue de Seine, BP 61");
    // Lycée Sainte-Marie (0690521S): main site in Lyon, annexes in Meyzieu and La Verpillière.
    assert_eq!(
        place_insee(&tx, "uai:0690521S").as_deref().map(|s| &s[..2]),
        Some("69")
    );
    assert_eq!(
        place_insee(&tx, "uai:0690521S:ENS.23297").as_deref(),
        Some("69282")
    );
    assert_eq!(
        place_insee(&tx, "uai:0690521S:ENS.6707").as_deref(),
        Some("38537")
    );

    let lycees = count(&tx, "SELECT count(*) FROM place WHERE kind = 'lycee'");
    let on_map = count(
        &tx,
        "SELECT count(*) FROM place WHERE kind = 'lycee' AND lat IS NOT NULL",
    );
    let unplaced = report
        .issues
        .iter()
        .filter(|i| i.reason.contains("non placé sur la carte"))
        .count();
    eprintln!(
        "lycées placés : {on_map} / {lycees} ({:.1} %)",
        100.0 * on_map as f64 / lycees as f64
    );
    // Lycées left off the map are the ones whose commune the communes file has without coordinates
    // (Polynésie, Nouvelle-Calédonie, Monaco) or not at all; each is reported.
    let no_coordinates = report
        .issues
        .iter()
        .filter(|i| i.reason.contains("connue mais sans coordonnées"))
        .count();
    eprintln!("dont {no_coordinates} dans une commune sans coordonnées");
    // CEDEX overseas: 97825 Le Port is La Réunion's Le Port (97407).
    assert_eq!(
            tx.query_row(
                "SELECT insee FROM place WHERE kind = 'lycee' AND postcode = '97825' AND city = 'Le Port'",
                [],
                |r| r.get::<_, String>(0)
            )
            .unwrap(),
            "97407"
        );
    assert_eq!(on_map + unplaced, lycees);
    assert!(on_map * 100 >= lycees * 98, "{on_map} / {lycees}");
    assert!(
        lycees - on_map - no_coordinates <= 10,
        "{on_map} / {lycees}"
    );
}

/// insee, lat, postcode, address of a place.
type PlaceRow = (Option<String>, Option<f64>, String, Option<String>);

fn header(info: &FileInfo) -> String {
    String::from_utf8(gunzip(info.path))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string()
}

#[allow(clippy::too_many_arguments)]
fn lycee(
    af: &str,
    content: &str,
    ens: &str,
    uai: &str,
    name: &str,
    bp: &str,
    cp: &str,
    city: &str,
) -> String {
    format!(
            "{af};\"{content}\";https://www.onisep.fr/http/redirection/etablissement/slug/{ens};{uai};\"{name}\";\"1 rue X\";{bp};{cp};\"{city}\";Dépt;Région;Académie;06/06/2020;01/01/2024\n"
        )
}

#[test]
fn broken_rows_places_and_links() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let for_url = "http://www.onisep.fr/http/redirection/formation/slug";
    let mut formations = format!("{}\n", header(&FORMATIONS)).into_bytes();
    formations.extend_from_slice(
            format!(
                ";CAP;\"Certificat d'aptitude professionnelle\";\"CAP boulanger\";;\"2 ans\";12345;5;\"niveau 3 (niveau CAP)\";\"non renseigné\";{for_url}/FOR.1;\"alimentation/boulangerie| hôtellerie/cuisine\"\n\
                 ;CAP;\"tronquée\";\"x\"\n"
            )
            .as_bytes(),
        );
    formations.extend_from_slice(
            format!(";;\"formation\";\"Maçon\";;\"1 an\";;0;\"non inscrit au RNCP\";x;{for_url}/FOR.2;\"a/b\"\n")
                .as_bytes(),
        );
    // The same row saved in Latin-1: "ç" is the single byte 0xE7.
    formations.extend_from_slice(b";;\"formation\";\"Ma\xe7on\";;\"1 an\";;0;\"non inscrit au RNCP\";x;http://www.onisep.fr/http/redirection/formation/slug/FOR.3;\"a/b\"\n");
    formations.extend_from_slice(
        format!(
            ";;\"formation\";\"Sans lien\";;;;0;;x;http://www.onisep.fr/formation;\"a/b\"\n\
                 ;;\"formation\";\"Doublon\";;;;0;;x;{for_url}/FOR.1;\"a/b\"\n\
                 ;;\"formation\";\"Niveau inconnu\";;;99999;9;\"??\";x;{for_url}/FOR.7;\"a/b\"\n"
        )
        .as_bytes(),
    );
    write_gz(&data, FORMATIONS.path, &formations);

    let mut specialites = format!("{}\n", header(&SPECIALITES)).into_bytes();
    specialites.extend_from_slice(
        lycee(
            "AF.1",
            "mathématiques / physique-chimie",
            "ENS.10",
            "0000001A",
            "Lycée A",
            "BP 1",
            "69321",
            "Lyon",
        )
        .as_bytes(),
    );
    specialites.extend_from_slice(
        lycee(
            "AF.2",
            "mathématiques",
            "ENS.20",
            "0000001A",
            "Lycée A - annexe",
            "",
            "38290",
            "La Verpillière",
        )
        .as_bytes(),
    );
    specialites
        .extend_from_slice(b"AF.9;\"tronqu\xc3\xa9e\";https://www.onisep.fr/x/ENS.90;0000009K\n");
    specialites.extend_from_slice(
        lycee(
            "AF.10",
            "mathématiques",
            "ENS.91",
            "0000009K",
            "Lycée D",
            "",
            "69001",
            "Lyon",
        )
        .as_bytes(),
    );
    let bad = specialites.len();
    specialites.extend_from_slice(b"AF.11;\"math\xe9matiques\";https://www.onisep.fr/x/ENS.92;0000009K;\"Lyc\xe9e\";\"1 rue X\";;69001;\"Lyon\";D;R;A;06/06/2020;01/01/2024\n");
    assert!(std::str::from_utf8(&specialites[bad..]).is_err());
    specialites.extend_from_slice(
        lycee(
            "AF.3",
            "mathématiques",
            "ENS.30",
            "",
            "Lycée sans UAI",
            "",
            "8200",
            "Sedan",
        )
        .as_bytes(),
    );
    specialites.extend_from_slice(
        lycee(
            "AF.4",
            "mathématiques",
            "ENS.40",
            "0000004D",
            "Lycée d'Andorre",
            "",
            "99999",
            "Andorre-la-Vella",
        )
        .as_bytes(),
    );
    specialites.extend_from_slice(
        lycee(
            "XX",
            "mathématiques",
            "ENS.50",
            "0000005E",
            "Mauvais id",
            "",
            "69001",
            "Lyon",
        )
        .as_bytes(),
    );
    write_gz(&data, SPECIALITES.path, &specialites);

    let mut options = format!("{}\n", header(&OPTIONS)).into_bytes();
    options.extend_from_slice(
        lycee(
            "AF.6",
            "LV1 : anglais",
            "ENS.10",
            "0000001A",
            "Lycée A",
            "BP 1",
            "69321",
            "Lyon",
        )
        .as_bytes(),
    );
    options.extend_from_slice(
        lycee(
            "AF.1",
            "LV1 : anglais",
            "ENS.10",
            "0000001A",
            "Lycée A",
            "BP 1",
            "69321",
            "Lyon",
        )
        .as_bytes(),
    );
    options.extend_from_slice(
        lycee(
            "AF.7",
            "LV1 : anglais",
            "ENS.70",
            "0000007G",
            "Lycée B",
            "",
            "38290",
            "Saint-Quentin-Fallavier",
        )
        .as_bytes(),
    );
    options.extend_from_slice(
        lycee(
            "AF.8", "", "ENS.80", "0000008H", "Lycée C", "", "38290", "Ailleurs",
        )
        .as_bytes(),
    );
    write_gz(&data, OPTIONS.path, &options);

    let mut conn = open_db(dir.path());
    let tx = conn.transaction().unwrap();
    tx.execute_batch(
            "INSERT INTO commune(insee, name, postcode, lat, lon) VALUES
               ('69123', 'LYON 01', '69001', 45.76, 4.83), ('69123', 'LYON 02', '69002', 45.75, 4.82),
               ('38537', 'LA VERPILLIERE', '38290', 45.63, 5.14),
               ('38449', 'SAINT QUENTIN FALLAVIER', '38290', 45.64, 5.11),
               ('08409', 'SEDAN', '08200', 49.70, 4.94);
             INSERT INTO certification(id, title, source) VALUES ('RNCP12345', 'CAP boulanger', 'test');
             INSERT INTO certification_rome(cert_id, rome) VALUES ('RNCP12345', 'D1102'), ('RNCP12345', 'D1104');",
        )
        .unwrap();
    let source = DirSource(data);
    let mut ctx = Ctx::new(&tx, &source);
    import(&mut ctx).unwrap();
    let report = ctx.report;

    let s = stats(&report, FORMATIONS.path);
    assert_eq!((s.rows_read, s.rows_kept, s.rows_skipped), (7, 3, 4));
    let issues = issues_of(&report, FORMATIONS.path);
    assert!(issues.contains(&(
        3,
        "4 colonnes au lieu de 12 (ligne tronquée ou mal découpée)"
    )));
    assert!(issues.contains(&(5, "octets invalides en UTF-8 (mauvais encodage)")));
    assert!(issues.contains(&(
        6,
        "lien onisep.fr sans identifiant FOR.xxxx : « http://www.onisep.fr/formation »"
    )));
    assert!(issues.contains(&(7, "FOR.1 déjà lu ligne 2 : doublon ignoré")));
    assert!(issues.contains(&(8, "FOR.7 : niveau RNCP « 9 » (??) inconnu")));
    assert!(issues.contains(&(
        8,
        "FOR.7 : RNCP99999 absent des certifications, aucun métier associé"
    )));
    let (kind, level, domains, certifying): (String, i64, String, bool) = tx
        .query_row(
            "SELECT type, level_exit, domains, certifying FROM training WHERE id = 'onisep:FOR.1'",
            [],
            |r| r.try_into(),
        )
        .unwrap();
    assert_eq!(kind, "Certificat d'aptitude professionnelle (CAP)");
    assert_eq!(level, 3);
    assert_eq!(domains, "alimentation/boulangerie | hôtellerie/cuisine");
    assert!(certifying);
    assert_eq!(
        romes_of(&tx, "onisep:FOR.1"),
        ["D1102", "D1104"].iter().map(|s| s.to_string()).collect()
    );
    assert!(romes_of(&tx, "onisep:FOR.7").is_empty());

    let s = stats(&report, SPECIALITES.path);
    assert_eq!((s.rows_read, s.rows_kept, s.rows_skipped), (8, 5, 3));
    let issues = issues_of(&report, SPECIALITES.path);
    assert!(issues.contains(&(
        4,
        "4 colonnes au lieu de 14 (ligne tronquée ou mal découpée)"
    )));
    assert!(issues.contains(&(6, "octets invalides en UTF-8 (mauvais encodage)")));
    assert!(issues.contains(&(9, "identifiant d'action de formation invalide : « XX »")));
    assert!(issues
        .iter()
        .any(|(l, r)| *l == 7 && r.contains("UAI absent")));
    assert!(issues.iter().any(|(l, r)| *l == 8
        && r.contains("non placé sur la carte")
        && r.contains("introuvable")));
    let s = stats(&report, OPTIONS.path);
    assert_eq!((s.rows_read, s.rows_kept, s.rows_skipped), (4, 3, 1));
    let issues = issues_of(&report, OPTIONS.path);
    assert!(issues.iter().any(|(l, r)| *l == 3
        && r.starts_with("AF.1 déjà lu (")
        && r.ends_with("ligne 2) : doublon ignoré")));
    assert!(issues.contains(&(5, "AF.8 : liste des enseignements vide")));

    let place = |id: &str| -> Option<PlaceRow> {
        tx.query_row(
            "SELECT insee, lat, postcode, address FROM place WHERE id = ?1 AND kind = 'lycee'",
            [id],
            |r| r.try_into(),
        )
        .ok()
    };
    // CEDEX 69321 "Lyon": the first arrondissement of Lyon.
    let a = place("uai:0000001A").unwrap();
    assert_eq!((a.0.as_deref(), a.1), (Some("69123"), Some(45.76)));
    assert_eq!(a.3.as_deref(), Some("1 rue X, BP 1"));
    // The annex (higher ENS number) keeps its own town; the postcode matches by name.
    assert_eq!(
        place("uai:0000001A:ENS.20").unwrap().0.as_deref(),
        Some("38537")
    );
    // No UAI: identified by its Onisep sheet; the lost leading zero of the postcode is restored.
    let c = place("onisep:ENS.30").unwrap();
    assert_eq!((c.0.as_deref(), c.2.as_str()), (Some("08409"), "08200"));
    // Unknown commune: kept, off the map.
    let d = place("uai:0000004D").unwrap();
    assert_eq!((d.0, d.1), (None, None));
    assert_eq!(place("uai:0000007G").unwrap().0.as_deref(), Some("38449"));
    // Unknown name: first commune of the postcode (lowest INSEE code).
    assert_eq!(place("uai:0000008H").unwrap().0.as_deref(), Some("38449"));
    // "Lyon" at 69001: the postcode's commune is named "LYON 01", so the first of the postcode.
    assert_eq!(place("uai:0000009K").unwrap().0.as_deref(), Some("69123"));
    assert_eq!(count(&tx, "SELECT count(*) FROM place"), 7);

    // One training and one action per kept row, the action at the lycée, both files alike.
    assert_eq!(
        count(&tx, "SELECT count(*) FROM training WHERE source = 'lycee'"),
        8
    );
    assert_eq!(count(&tx, "SELECT count(*) FROM action"), 8);
    let (title, place_id, organisme): (String, String, String) = tx
            .query_row(
                "SELECT t.title, a.place_id, t.organisme_id FROM training t JOIN action a ON a.training_id = t.id
                 WHERE t.id = 'onisep:AF.6' AND a.id = 'onisep:AF.6:action' AND a.teaching_mode = 'presentiel'",
                [],
                |r| r.try_into(),
            )
            .unwrap();
    assert_eq!(title, "Enseignements optionnels de 2de GT");
    assert_eq!(
        (place_id.as_str(), organisme.as_str()),
        ("uai:0000001A", "uai:0000001A")
    );
    let content: String = tx
        .query_row(
            "SELECT content FROM training WHERE id = 'onisep:AF.1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(content, "mathématiques / physique-chimie");
}
