use super::super::test_support::*;
use super::*;
use crate::catalogue::import::source::DirSource;
use rusqlite::Connection;
use std::collections::BTreeSet;

fn romes_of(conn: &Connection, id: &str) -> BTreeSet<String> {
    let mut stmt = conn
        .prepare("SELECT rome FROM certification_rome WHERE cert_id = ?1")
        .unwrap();
    let rows = stmt.query_map([id], |r| r.get(0)).unwrap();
    rows.collect::<rusqlite::Result<_>>().unwrap()
}

fn set(codes: &[&str]) -> BTreeSet<String> {
    codes.iter().map(|s| s.to_string()).collect()
}

type CertRow = (
    String,
    Option<String>,
    Option<i64>,
    Option<bool>,
    Option<String>,
    String,
);

fn cert(conn: &Connection, id: &str) -> Option<CertRow> {
    conn.query_row(
        "SELECT title, type, level_eu, active, certifier, source FROM certification WHERE id = ?1",
        [id],
        |r| r.try_into(),
    )
    .ok()
}

#[test]
fn codes_levels_and_bodies_are_normalised() {
    assert_eq!(rncp_id("RNCP1000").as_deref(), Some("RNCP1000"));
    assert_eq!(rncp_id(" rncp 01000 ").as_deref(), Some("RNCP1000"));
    assert_eq!(rncp_id("34529").as_deref(), Some("RNCP34529"));
    assert_eq!(rncp_id("RNCP"), None);
    assert_eq!(rncp_id("RS34529"), None);
    assert_eq!(rs_id("5638").as_deref(), Some("RS5638"));
    assert_eq!(level_eu("niveau4"), Ok(Some(4)));
    assert_eq!(level_eu("Niveau 7"), Ok(Some(7)));
    assert_eq!(level_eu(""), Ok(None));
    assert!(level_eu("niveauX").is_err());
    assert!(level_eu("niveau9").is_err());
    assert_eq!(
        split_bodies("Université A,Ministère du travail, de la santé,Université B"),
        "Université A; Ministère du travail, de la santé; Université B"
    );
}

#[test]
fn real_data_counts_links_and_merges() {
    let dir = tempfile::tempdir().unwrap();
    let mut conn = open_db(dir.path());
    let tx = conn.transaction().unwrap();
    let job_codes = insert_real_jobs(&tx);
    let source = DirSource(data_dir());
    let mut ctx = Ctx::new(&tx, &source);
    import(&mut ctx).unwrap();
    let report = ctx.report;

    // Every row of every file is read, as counted without the CSV parser (and as SOURCES.md says).
    for (info, documented) in [
        (&RNCP_INFO, 17_470),
        (&RNCP_CERTIFIERS, 36_279),
        (&RNCP_ROME, 45_165),
        (&CERTIF_INFO, 10_067),
    ] {
        let s = stats(&report, info.path);
        assert_eq!(
            s.rows_read,
            count_rows(&gunzip(info.path), b';'),
            "{}",
            info.path
        );
        assert_eq!(s.rows_read, documented, "{}", info.path);
        assert_eq!(s.rows_kept + s.rows_skipped, s.rows_read);
    }
    assert_eq!(stats(&report, RNCP_INFO.path).rows_skipped, 0);
    // Repeated CodeRNCP rows (other AncienneFiche/NouvelleFiche) are one fiche: 17,369 distinct codes.
    let rncp = count(
        &tx,
        "SELECT count(*) FROM certification WHERE source = 'RNCP 2021'",
    );
    assert_eq!(rncp, 17_369);

    // rncp_rome: a row is skipped exactly when its Rome field (3rd, before the free-text libellé)
    // is not a ROME code; every other row becomes a link.
    let text = String::from_utf8(gunzip(RNCP_ROME.path)).unwrap();
    let unknown = text
        .lines()
        .skip(1)
        .filter(|l| !job_codes.contains(l.split(';').nth(2).unwrap()))
        .count() as u64;
    assert!(unknown > 100, "domain codes such as B11 are in the file");
    assert_eq!(stats(&report, RNCP_ROME.path).rows_skipped, unknown);
    let issues = issues_of(&report, RNCP_ROME.path);
    assert!(issues
        .iter()
        .any(|(_, r)| r.contains("RNCP13647") && r.contains("« B11 »")));

    // Certifiers: a repeated name is kept once; several bodies are joined with "; ".
    let c = cert(&tx, "RNCP34001").unwrap();
    assert_eq!(c.0, "Agent d'accueil des voyageurs");
    assert_eq!((c.2, c.3), (Some(4), Some(true)));
    assert_eq!(c.4.as_deref(), Some("INSTITUT AERO FORMATIONS"));
    assert_eq!(
        romes_of(&tx, "RNCP34001"),
        set(&["A1101", "G1101", "N2201"])
    );
    // Expected certifiers straight from the file's lines (no quoting in this file).
    let certifiers = String::from_utf8(gunzip(RNCP_CERTIFIERS.path)).unwrap();
    let from_file = |id: &str| {
        let prefix = format!("{id};");
        let mut names: Vec<&str> = Vec::new();
        for name in certifiers
            .lines()
            .filter_map(|l| l.strip_prefix(prefix.as_str()))
            .map(|l| l.split(';').next().unwrap())
        {
            if !name.is_empty() && !names.contains(&name) {
                names.push(name);
            }
        }
        names.join("; ")
    };
    let c = cert(&tx, "RNCP10000").unwrap();
    assert_eq!(c.4, Some(from_file("RNCP10000")));
    assert_eq!(c.4.unwrap().matches("; ").count(), 2);
    let c = cert(&tx, "RNCP1000").unwrap();
    assert_eq!(
        c,
        (
            "Métiers de la pierre".into(),
            Some("Brevet professionnel".into()),
            Some(4),
            Some(false),
            Some(from_file("RNCP1000")),
            "RNCP 2021".into()
        )
    );

    // Certif Info 107997 names RNCP34529: it lands on that fiche, adds its ROME codes and fills the
    // type the RNCP left empty, without replacing title, certifier or source.
    let c = cert(&tx, "RNCP34529").unwrap();
    assert_eq!(
        c.0,
        "Responsable ressources humaines et finances de l'action humanitaire"
    );
    assert_eq!(
        c.1.as_deref(),
        Some("Autre titre inscrit sur demande au RNCP (niveau 6)")
    );
    assert_eq!(c.4.as_deref(), Some("INSTITUT BIOFORCE"));
    assert_eq!(c.5, "RNCP 2021");
    assert_eq!(
        romes_of(&tx, "RNCP34529"),
        set(&["M1202", "M1205", "M1206", "M1503"])
    );
    assert!(cert(&tx, "CI107997").is_none());

    // A Certif Info diploma with no code: CI id, valideur as certifier, non-certifying so no state.
    let c = cert(&tx, "CI1879").unwrap();
    assert_eq!(c.0, "DU actuaire");
    assert_eq!(c.3, None);
    assert_eq!(c.4.as_deref(), Some("Université de Strasbourg"));
    assert_eq!(c.5, "Certif Info 2024");
    // Five diplomas share RS5638 (habilitation): one certification.
    let c = cert(&tx, "RS5638").unwrap();
    assert!(c
        .0
        .starts_with("Attestation d'aptitude à la manipulation des fluides frigorigènes"));
    assert_eq!(c.3, Some(true));
    // Code 48047 appears on two rows with two RS codes: both registrations exist.
    assert!(cert(&tx, "RS2754").is_some() && cert(&tx, "RS6316").is_some());
    // An RNCP code registered after 2021 still gets its RNCP id, from Certif Info.
    let c = cert(&tx, "RNCP37301").unwrap();
    assert!(c.0.starts_with("CAP arts du bois"), "{}", c.0);
    assert_eq!(c.5, "Certif Info 2024");

    // A repeated Code_Diplome is read and kept, never skipped.
    let ci = stats(&report, CERTIF_INFO.path);
    assert_eq!((ci.rows_kept, ci.rows_skipped), (10_067, 0));
    // No link points outside the ROME or to a missing certification.
    let orphans = count(&tx, "SELECT count(*) FROM certification_rome l
                 WHERE NOT EXISTS (SELECT 1 FROM certification c WHERE c.id = l.cert_id)
                    OR NOT EXISTS (SELECT 1 FROM job j WHERE j.parent_rome = l.rome OR j.code_rome = l.rome)");
    assert_eq!(orphans, 0);
}

/// Builds a Certif Info row from the real header, with the given columns set.
fn ci_row(header: &str, values: &[(&str, &str)]) -> String {
    header
        .split(';')
        .map(|h| {
            values
                .iter()
                .find(|(k, _)| *k == h)
                .map(|(_, v)| v.to_string())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(";")
}

#[test]
fn broken_rows_are_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut info = b"CodeRNCP;intituleDiplome;date_fin_validite_enregistrement;ActiveInactive;EtatFiche;NiveauEurope;CodeTypeCertif;TypeCertif;AncienneFiche;NouvelleFiche;TypeEnregistrement\n\
RNCP1;Titre un;;ACTIVE;Publi\xc3\xa9e;niveau4;TP;Titre professionnel;;;\n\
RNCP2;Titre tronqu\xc3\xa9;;ACTIVE\n"
            .to_vec();
    info.extend_from_slice(b"RNCP3;Ma\xe7on;;ACTIVE;Publi\xe9e;niveau3;;;;;\n");
    info.extend_from_slice(b"XYZ;Sans code;;ACTIVE;;niveau3;;;;;\n");
    info.extend_from_slice(b"RNCP5;;;ACTIVE;;niveau3;;;;;\n");
    info.extend_from_slice(b"RNCP6;Niveau bizarre;;PEUT-ETRE;;niveauX;;;;;\n");
    write_gz(&data, RNCP_INFO.path, &info);
    write_gz(
            &data,
            RNCP_CERTIFIERS.path,
            b"CodeRNCP;Certificateur;siret_organisme;\nRNCP1;Organisme A;;\nRNCP1;Organisme B;;\nRNCP1;Organisme A;;\nRNCP9;Inconnu;;\nRNCP6;;;\n",
        );
    write_gz(
            &data,
            RNCP_ROME.path,
            b"CodeRNCP;EtatFiche;Rome;libelle;;\nRNCP1;;A1101;Conduite d''engins;;\nRNCP1;;B11;Arts;;\nRNCP9;;A1101;x;;\n",
        );
    let header = String::from_utf8(gunzip(CERTIF_INFO.path))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    let mut ci = format!("{header}\n");
    for row in [
        ci_row(
            &header,
            &[
                ("Code_Diplome", "10"),
                ("Libelle_Diplome", "Diplôme fusionné"),
                ("Libelle_Type_Diplome", "Titre"),
                ("Code_RNCP", "1"),
                ("Code_Rome_1", "K2111"),
                ("Code_Rome_2", "Z9999"),
                ("Etat", "0"),
            ],
        ),
        ci_row(
            &header,
            &[
                ("Code_Diplome", "11"),
                ("Libelle_Diplome", "Diplôme ancien"),
                ("Code_Niveau_Europeen", "3"),
                ("Annee_Derniere_Session", "2021"),
                ("Etat", "0"),
            ],
        ),
        ci_row(&header, &[("Code_Diplome", "12"), ("Etat", "0")]),
        "13;tronqué;Titre".to_string(),
    ] {
        ci.push_str(&row);
        ci.push('\n');
    }
    write_gz(&data, CERTIF_INFO.path, ci.as_bytes());

    let mut conn = open_db(dir.path());
    let tx = conn.transaction().unwrap();
    for (code, parent) in [("A1101", "A1101"), ("K2111", "K2111")] {
        tx.execute(
            "INSERT INTO job(code_rome, title, parent_rome) VALUES (?1, 'x', ?2)",
            (code, parent),
        )
        .unwrap();
    }
    let source = DirSource(data);
    let mut ctx = Ctx::new(&tx, &source);
    import(&mut ctx).unwrap();
    let report = ctx.report;

    let s = stats(&report, RNCP_INFO.path);
    assert_eq!((s.rows_read, s.rows_kept, s.rows_skipped), (6, 2, 4));
    let issues = issues_of(&report, RNCP_INFO.path);
    assert!(issues.contains(&(
        3,
        "4 colonnes au lieu de 11 (ligne tronquée ou mal découpée)"
    )));
    assert!(issues.contains(&(4, "octets invalides en UTF-8 (mauvais encodage)")));
    assert!(issues.contains(&(5, "code RNCP absent ou invalide : « XYZ »")));
    assert!(issues.contains(&(6, "RNCP5 : intitulé absent")));
    assert!(issues.contains(&(7, "RNCP6 : niveau européen illisible : « niveauX »")));
    assert!(issues
        .iter()
        .any(|(l, r)| *l == 7 && r.contains("PEUT-ETRE")));
    let c = cert(&tx, "RNCP6").unwrap();
    assert_eq!((c.2, c.3), (None, None));
    assert!(cert(&tx, "RNCP2").is_none() && cert(&tx, "RNCP3").is_none());

    let s = stats(&report, RNCP_CERTIFIERS.path);
    assert_eq!((s.rows_read, s.rows_kept, s.rows_skipped), (5, 3, 2));
    let issues = issues_of(&report, RNCP_CERTIFIERS.path);
    assert!(issues.contains(&(5, "RNCP9 : certification inconnue du RNCP")));
    assert!(issues.contains(&(6, "RNCP6 : nom du certificateur absent")));

    let s = stats(&report, RNCP_ROME.path);
    assert_eq!((s.rows_read, s.rows_kept, s.rows_skipped), (3, 1, 2));
    assert!(issues_of(&report, RNCP_ROME.path).contains(&(3, "RNCP1 : code ROME inconnu « B11 »")));

    let s = stats(&report, CERTIF_INFO.path);
    assert_eq!((s.rows_read, s.rows_kept, s.rows_skipped), (4, 2, 2));
    let issues = issues_of(&report, CERTIF_INFO.path);
    assert!(issues.contains(&(2, "diplôme 10 : code ROME inconnu « Z9999 », lien ignoré")));
    assert!(issues.contains(&(4, "diplôme 12 : intitulé absent")));
    assert!(issues
        .iter()
        .any(|(l, r)| *l == 5 && r.contains("colonnes au lieu de 37")));

    let c = cert(&tx, "RNCP1").unwrap();
    assert_eq!(c.0, "Titre un");
    assert_eq!(c.4.as_deref(), Some("Organisme A; Organisme B"));
    assert_eq!(romes_of(&tx, "RNCP1"), set(&["A1101", "K2111"]));
    assert!(cert(&tx, "CI10").is_none());
    let c = cert(&tx, "CI11").unwrap();
    assert_eq!((c.2, c.3), (Some(3), Some(false)));
}
