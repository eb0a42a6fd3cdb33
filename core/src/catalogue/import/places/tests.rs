use super::*;
use crate::catalogue::import::source::DirSource;
use crate::catalogue::import::test_support::{count, data_dir, open_db, stats};
use std::collections::HashSet;
use std::io::{BufRead, Read};
use std::path::Path;

fn gunzip_lines(path: &Path) -> Vec<String> {
    let mut s = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_string(&mut s)
        .unwrap();
    s.lines().map(str::to_string).collect()
}

#[test]
fn geo_on_real_data() {
    let tmp = tempfile::tempdir().unwrap();
    let mut conn = open_db(tmp.path());
    let tx = conn.transaction().unwrap();
    let src = DirSource(data_dir());
    let mut ctx = Ctx::new(&tx, &src);
    import_geo(&mut ctx).unwrap();

    // Independent count: data lines of the gzip, and distinct keys / INSEE codes by plain splitting
    // (the file has no quoted fields).
    let lines = gunzip_lines(&data_dir().join(COMMUNES.path));
    let data: Vec<Vec<&str>> = lines[1..].iter().map(|l| l.split(',').collect()).collect();
    assert_eq!(data.len(), 44_356);
    let keys: HashSet<(&str, &str, &str)> = data.iter().map(|f| (f[0], f[2], f[1])).collect();
    let insees: HashSet<&str> = data.iter().map(|f| f[0]).collect();
    let s = stats(&ctx.report, COMMUNES.path);
    assert_eq!(s.rows_read, 44_356);
    assert_eq!(s.rows_kept + s.rows_skipped, 44_356);
    assert_eq!(s.rows_skipped, 0);
    // Every coordinate of the file is in France (Clipperton included): nothing to report.
    assert!(!ctx.report.issues.iter().any(|i| i.file == COMMUNES.path));
    let n: usize = count(&tx, "SELECT count(*) FROM commune");
    assert_eq!(n, keys.len());
    let n: usize = count(&tx, "SELECT count(*) FROM place WHERE kind = 'commune'");
    assert_eq!(n, insees.len());
    // 482 rows of the source have no coordinates: kept, with NULL.
    let no_coords = data.iter().filter(|f| f[5].is_empty()).count();
    assert_eq!(no_coords, 482);
    let (lat, dept): (Option<f64>, String) = tx
        .query_row(
            "SELECT lat, departement FROM commune WHERE insee = '49069' LIMIT 1",
            [],
            |r| r.try_into(),
        )
        .unwrap();
    assert_eq!((lat, dept.as_str()), (None, "49"));

    // Marseille: one place, readable name, lowest postcode, coordinates of the file.
    let (name, pc, dept, lat, lon): (String, String, String, f64, f64) = tx
        .query_row(
            "SELECT name, postcode, departement, lat, lon FROM place WHERE id = 'commune:13055'",
            [],
            |r| r.try_into(),
        )
        .unwrap();
    assert_eq!(
        (name.as_str(), pc.as_str(), dept.as_str()),
        ("Marseille", "13000", "13")
    );
    assert!((lat - 43.291737).abs() < 1e-6 && (lon - 5.420525).abs() < 1e-6);
    let name: String = tx
        .query_row(
            "SELECT name FROM place WHERE id = 'commune:01001'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(name, "L Abergement Clemenciat");
    let dept: String = tx
        .query_row(
            "SELECT departement FROM place WHERE id = 'commune:2A004'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(dept, "2A");

    // Départements: 122 rows, 3 of them are not départements.
    // Départements: 122 rows; académie-only rows have no département code, and 3 codes (Andorre,
    // old Mayotte code, "Autre pays") are not départements.
    let text = std::fs::read_to_string(data_dir().join(DEPARTEMENTS.path)).unwrap();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(';').collect())
        .collect();
    let without_code = rows.iter().filter(|f| f[3].is_empty()).count();
    assert_eq!((rows.len(), without_code), (122, 12));
    let s = stats(&ctx.report, DEPARTEMENTS.path);
    assert_eq!(
        (s.rows_read, s.rows_kept, s.rows_skipped),
        (122, 122 - 12 - 3, 12 + 3)
    );
    let (name, region, academie): (String, String, String) = tx
        .query_row(
            "SELECT name, region, academie FROM departement WHERE code = '01'",
            [],
            |r| r.try_into(),
        )
        .unwrap();
    assert_eq!(
        (name.as_str(), region.as_str(), academie.as_str()),
        ("Ain", "Auvergne-Rhône-Alpes", "Lyon")
    );
    for code in ["2A", "2B", "971", "976"] {
        let n: usize = tx
            .query_row(
                "SELECT count(*) FROM departement WHERE code = ?1",
                [code],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "{code}");
    }
    let region: String = tx
        .query_row(
            "SELECT region FROM place WHERE id = 'commune:13055'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(region, "Provence-Alpes-Côte d'Azur");
}

fn agency_rows() -> Vec<csv::StringRecord> {
    csv::Reader::from_path(data_dir().join(AGENCES.path))
        .unwrap()
        .records()
        .map(|r| r.unwrap())
        .collect()
}

#[test]
fn structures_on_real_data() {
    let tmp = tempfile::tempdir().unwrap();
    let mut conn = open_db(tmp.path());
    let tx = conn.transaction().unwrap();
    let src = DirSource(data_dir());
    let mut ctx = Ctx::new(&tx, &src);
    import_geo(&mut ctx).unwrap();
    import_structures(&mut ctx).unwrap();

    let agencies = agency_rows();
    assert_eq!(agencies.len(), 959);
    let s = stats(&ctx.report, AGENCES.path);
    assert_eq!((s.rows_read, s.rows_kept), (959, 959));
    let n: usize = count(
        &tx,
        "SELECT count(*) FROM place WHERE kind = 'agence_france_travail'",
    );
    assert_eq!(n, 959);

    // Trévoux, as in the file.
    let (name, city, dept, region, lat, lon, details): (
        String,
        String,
        String,
        String,
        f64,
        f64,
        String,
    ) = tx
        .query_row(
            "SELECT name, city, departement, region, lat, lon, details FROM place
                 WHERE id = 'ft:ARA0283005901'",
            [],
            |r| r.try_into(),
        )
        .unwrap();
    assert_eq!(name, "TREVOUX");
    assert_eq!(city, "Trevoux");
    assert_eq!(dept, "01");
    assert_eq!(region, "Auvergne-Rhône-Alpes");
    assert!((lat - 45.942833).abs() < 1e-6 && (lon - 4.754614).abs() < 1e-6);
    assert!(details.contains("agence locale"), "{details}");
    let address: String = tx
        .query_row(
            "SELECT address FROM place WHERE id = 'ft:PES0001005145'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(address, "RESIDENCE LE BROADWAY, 390 RUE D ESTIENNE D ORVES");

    // Geocoding errors found by reading the file: Saint-Pierre-et-Miquelon placed in Martinique,
    // Saint-Louis (Réunion) in Alsace, Lomme (Nord) in the Sarthe. Kept, without coordinates.
    for id in [
        "ft:SPM0001005310",
        "ft:REU0051005127",
        "ft:HDF0058002756",
        "ft:GUA0070005907",
    ] {
        let (lat, n): (Option<f64>, usize) = tx
            .query_row(
                "SELECT lat, (SELECT count(*) FROM place WHERE id = ?1) FROM place WHERE id = ?1",
                [id],
                |r| r.try_into(),
            )
            .unwrap();
        assert_eq!((lat, n), (None, 1), "{id}");
    }
    let line_of = |reference: &str| {
        let i = agencies.iter().position(|r| &r[0] == reference).unwrap();
        i as u64 + 2
    };
    for reference in ["SPM0001005310", "HDF0058002756"] {
        let line = line_of(reference);
        assert!(
            ctx.report
                .issues
                .iter()
                .any(|i| i.file == AGENCES.path && i.line == line),
            "{reference} not reported"
        );
    }
    let dept: String = tx
        .query_row(
            "SELECT departement FROM place WHERE id = 'ft:COR0001005970'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(dept, "2A", "Ajaccio CEDEX 20700 is found by its name");
    // Every kept coordinate lies in France.
    let outside: usize = count(&tx, "SELECT count(*) FROM place WHERE kind = 'agence_france_travail' AND lat IS NOT NULL
                 AND NOT (lat BETWEEN 41 AND 52 AND lon BETWEEN -6 AND 10) AND departement NOT LIKE '97%'");
    assert_eq!(outside, 0);

    // Missions locales: 450 rows; the two technical entries are skipped and reported.
    let ml = std::io::BufReader::new(
        std::fs::File::open(data_dir().join(MISSIONS_LOCALES.path)).unwrap(),
    )
    .lines()
    .count()
        - 1;
    assert_eq!(ml, 450);
    let s = stats(&ctx.report, MISSIONS_LOCALES.path);
    assert_eq!((s.rows_read, s.rows_kept, s.rows_skipped), (450, 448, 2));
    assert!(ctx
        .report
        .issues
        .iter()
        .any(|i| i.file == MISSIONS_LOCALES.path
            && i.line == 2
            && i.reason.contains("temporaire pour Fusion")));
    let n: usize = count(
        &tx,
        "SELECT count(*) FROM place WHERE id IN ('ml:99994S00', 'ml:65441S00')",
    );
    assert_eq!(n, 0);
    let (name, dept, region): (String, String, String) = tx
        .query_row(
            "SELECT name, departement, region FROM place WHERE id = 'ml:2A004S00'",
            [],
            |r| r.try_into(),
        )
        .unwrap();
    assert_eq!(
        (name.as_str(), dept.as_str(), region.as_str()),
        ("MISSION LOCALE D'AJACCIO", "2A", "Corse")
    );
    let name: String = tx
        .query_row("SELECT name FROM place WHERE id = 'ml:38169S00'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(
        name, "ML ISERE DRAC VERCORS",
        "no nom_usuel: official name without its code"
    );
}

#[test]
fn broken_rows_are_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("structures")).unwrap();
    std::fs::create_dir_all(root.join("geo")).unwrap();
    let header = "reference_pe,nom,code_safir,type_site,region,libelle_region,complement_adresse,\
                      dc_complementadrsitephysique,adresse,code_postal,commune,dn_latitude,dn_longitude\n";
    let mut agences = header.as_bytes().to_vec();
    agences.extend_from_slice(
        b"X1,AGENCE A,1,ALE,84,AUVERGNE,,,1 RUE,01000,BOURG EN BRESSE,46.2,5.2\n",
    );
    agences.extend_from_slice(b"X2,AGENCE TRONQUEE,1,ALE,84\n");
    agences
        .extend_from_slice(b"X3,AGENCE \xe9T\xe9,1,ALE,84,AUVERGNE,,,1 RUE,01000,BOURG,46.2,5.2\n");
    agences.extend_from_slice(b"X4,AGENCE B,1,ALE,84,AUVERGNE,,,1 RUE,01000,BOURG,abc,5.2\n");
    agences.extend_from_slice(b"X5,AGENCE C,1,ALE,84,AUVERGNE,,,1 RUE,01000,BOURG,-33.9,151.2\n");
    agences.extend_from_slice(b",SANS REFERENCE,1,ALE,84,AUVERGNE,,,1 RUE,01000,BOURG,46.2,5.2\n");
    std::fs::write(root.join(AGENCES.path), agences).unwrap();
    std::fs::write(
            root.join(MISSIONS_LOCALES.path),
            "id,nom_officiel,nom_usuel,code_departement,nom_departement,code_region,nom_region\n\
             1S00,01-ML TEST,,01,x,84,x\n2S00,01-ML BOURG,ML de Bourg,01,x,84,x\n3S00,ML,ML 3,ZZ,x,84,x\n",
        )
        .unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(
            &mut gz,
            b"code_commune_insee,nom_commune,code_postal,libelle_acheminement,ligne_5,latitude,longitude\n\
              01053,BOURG EN BRESSE,01000,BOURG EN BRESSE,,46.205013,5.2455926\n\
              0105,TROP COURT,01000,X,,46.2,5.2\n\
              01054,SANS COORD,01000,X,,,\n",
        )
        .unwrap();
    std::fs::write(root.join(COMMUNES.path), gz.finish().unwrap()).unwrap();
    std::fs::write(
            root.join(DEPARTEMENTS.path),
            "libelleRegion;codeAcademie;codeRegion;codeDepartement;libelleAcademie;libelleDepartement\n\
             Auvergne-Rhône-Alpes;10;84;001;Lyon;Ain\nX;1;1;XYZ;X;X\nY;1\n",
        )
        .unwrap();

    let mut conn = open_db(root);
    let tx = conn.transaction().unwrap();
    let src = DirSource(root.to_path_buf());
    let mut ctx = Ctx::new(&tx, &src);
    import_geo(&mut ctx).unwrap();
    import_structures(&mut ctx).unwrap();

    let issues = |path: &str| -> Vec<(u64, String)> {
        ctx.report
            .issues
            .iter()
            .filter(|i| i.file == path)
            .map(|i| (i.line, i.reason.clone()))
            .collect()
    };
    let s = stats(&ctx.report, AGENCES.path);
    assert_eq!((s.rows_read, s.rows_kept, s.rows_skipped), (6, 3, 3));
    let a = issues(AGENCES.path);
    assert!(
        a.iter().any(|(l, r)| *l == 3 && r.contains("colonnes")),
        "{a:?}"
    );
    assert!(
        a.iter().any(|(l, r)| *l == 4 && r.contains("UTF-8")),
        "{a:?}"
    );
    assert!(
        a.iter().any(|(l, r)| *l == 5 && r.contains("illisibles")),
        "{a:?}"
    );
    assert!(
        a.iter()
            .any(|(l, r)| *l == 6 && r.contains("hors du territoire")),
        "{a:?}"
    );
    assert!(
        a.iter().any(|(l, r)| *l == 7 && r.contains("référence")),
        "{a:?}"
    );
    let n: usize = count(
        &tx,
        "SELECT count(*) FROM place WHERE id IN ('ft:X4', 'ft:X5') AND lat IS NULL",
    );
    assert_eq!(n, 2);

    let s = stats(&ctx.report, MISSIONS_LOCALES.path);
    assert_eq!((s.rows_read, s.rows_kept, s.rows_skipped), (3, 2, 1));
    assert!(issues(MISSIONS_LOCALES.path)
        .iter()
        .any(|(l, r)| *l == 4 && r.contains("ZZ")));

    let s = stats(&ctx.report, COMMUNES.path);
    assert_eq!((s.rows_read, s.rows_kept, s.rows_skipped), (3, 2, 1));
    assert!(issues(COMMUNES.path)
        .iter()
        .any(|(l, r)| *l == 3 && r.contains("INSEE")));
    let s = stats(&ctx.report, DEPARTEMENTS.path);
    assert_eq!((s.rows_read, s.rows_kept, s.rows_skipped), (3, 1, 2));
}
