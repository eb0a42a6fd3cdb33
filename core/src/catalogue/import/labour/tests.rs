use super::*;
use crate::catalogue::import::source::DirSource;
use crate::catalogue::import::test_support::{
    count, data_dir, insert_real_appellations, insert_real_jobs, open_db, stats,
};
use std::io::Read;

fn distinct<T: std::hash::Hash + Eq>(v: impl IntoIterator<Item = T>) -> usize {
    v.into_iter()
        .collect::<std::collections::HashSet<_>>()
        .len()
}

fn faps_of(tx: &rusqlite::Transaction, code: &str) -> Vec<(String, f64)> {
    let mut stmt = tx
        .prepare("SELECT fap, score FROM job_fap WHERE code_rome = ?1 ORDER BY fap")
        .unwrap();
    stmt.query_map([code], |r| r.try_into())
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

#[test]
fn words_are_folded() {
    assert_eq!(label_words("Boulanger / Boulangère"), vec!["boulanger"]);
    assert_eq!(
        label_words("Boulangers, pâtissiers"),
        vec!["boulanger", "patissier"]
    );
    assert_eq!(
        label_words("Conducteur / Conductrice de poids lourd"),
        vec!["conducteur", "poid", "lourd"]
    );
    assert_eq!(
        label_words("Aide-soignant / Aide-soignante"),
        vec!["aide", "soignant"]
    );
    assert_eq!(label_words("Aides-soignants"), vec!["aide", "soignant"]);
    // The plural in -aux meets its singular (the search stemmer's rule).
    assert_eq!(
        label_words("Assistants sociaux / Assistante sociale"),
        vec!["assistant", "social"]
    );
    // A combining form is one word with what follows: "médico-sociaux" is not "social".
    let secretaries = label_words("Secrétaires médicaux et assistants médicaux ou médico-sociaux");
    assert!(
        secretaries.contains(&"medicosocial".to_string()),
        "{secretaries:?}"
    );
    assert!(
        !secretaries.contains(&"social".to_string()),
        "{secretaries:?}"
    );
    assert_eq!(secretaries.len(), 4, "{secretaries:?}");
    let educators = label_words("Éducateurs spécialisés et autres intervenants socio-éducatifs");
    assert!(
        educators.contains(&"socioeducatif".to_string()),
        "{educators:?}"
    );
    // "Aide-soignant" (above) has no combining form: it stays two words.
    assert_eq!(label_words("Maçon / Maçonne"), vec!["macon"]);
    assert_eq!(
        label_words("Infirmier / Infirmière en soins généraux (IDE)"),
        vec!["infirmier", "soin", "general"]
    );
    assert_eq!(word_credit("developpeur", "developpement"), 0.5);
    assert_eq!(word_credit("conducteur", "conduite"), 0.0);
}

#[test]
fn labour_on_real_data() {
    let tmp = tempfile::tempdir().unwrap();
    let mut conn = open_db(tmp.path());
    let tx = conn.transaction().unwrap();
    insert_real_jobs(&tx);
    insert_real_appellations(&tx);
    let src = DirSource(data_dir());
    let mut ctx = Ctx::new(&tx, &src);
    import(&mut ctx).unwrap();

    // BMO: independent count of the gzip's data lines, of "*" in met, and of distinct keys.
    let mut text = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(data_dir().join(BMO.path)).unwrap())
        .read_to_string(&mut text)
        .unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), 53_443);
    let secret_met = records.iter().filter(|r| &r[11] == "*").count();
    assert_eq!(secret_met, 10_891);
    let s = stats(&ctx.report, BMO.path);
    assert_eq!(
        (s.rows_read, s.rows_kept, s.rows_skipped),
        (53_443, 53_443, 0)
    );
    let (n, null_met, null_xmet): (usize, usize, usize) = tx
        .query_row(
            "SELECT count(*), sum(hires IS NULL), sum(difficult IS NULL) FROM bmo",
            [],
            |r| r.try_into(),
        )
        .unwrap();
    assert_eq!((n, null_met, null_xmet), (53_443, 10_891, 20_507));
    // (fap, area) repeats in areas spanning several départements: 1,149 keys in the 2024 file.
    let pairs = distinct(records.iter().map(|r| (r[1].to_string(), r[9].to_string())));
    assert_eq!(records.len() - pairs, 1_149 + 101);
    let keys = distinct(
        records
            .iter()
            .map(|r| (r[1].to_string(), r[9].to_string(), r[7].to_string())),
    );
    assert_eq!(
        keys,
        records.len(),
        "with the département, the key is unique"
    );
    let parts: Vec<(String, i64)> = tx
        .prepare(
            "SELECT departement, hires FROM bmo WHERE fap = 'A0X40' AND area = '1118' ORDER BY 1",
        )
        .unwrap()
        .query_map([], |r| r.try_into())
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(parts, vec![("77".to_string(), 6), ("91".to_string(), 12)]);
    // The first rows of the file, as read there.
    let (label, family, hires, difficult, seasonal, dept): (String, String, i64, i64, i64, String) =
        tx.query_row(
            "SELECT fap_label, family, hires, difficult, seasonal, departement FROM bmo
                 WHERE fap = 'A0X40' AND area = '101'",
            [],
            |r| r.try_into(),
        )
        .unwrap();
    assert_eq!(
        (
            label.as_str(),
            family.as_str(),
            hires,
            difficult,
            seasonal,
            dept.as_str()
        ),
        ("Agriculteurs", "Autres métiers", 95, 31, 44, "971")
    );
    let (hires, difficult): (i64, Option<i64>) = tx
        .query_row(
            "SELECT hires, difficult FROM bmo WHERE fap = 'A0X40' AND area = '103'",
            [],
            |r| r.try_into(),
        )
        .unwrap();
    assert_eq!(
        (hires, difficult),
        (17, None),
        "\"*\" is secrecy, stored as NULL"
    );

    // Unemployment: 500 rows, codes as in `departement`.
    let s = stats(&ctx.report, CHOMAGE.path);
    assert_eq!((s.rows_read, s.rows_kept, s.rows_skipped), (500, 500, 0));
    let rate: f64 = tx
        .query_row(
            "SELECT rate FROM unemployment WHERE departement = '01' AND year = 2023",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(rate, 5.7);
    let n: usize = tx
            .query_row(
                "SELECT count(DISTINCT departement) FROM unemployment WHERE departement IN ('2A', '2B', '971', '974')",
                [],
                |r| r.get(0),
            )
            .unwrap();
    assert_eq!(n, 4);
    let s = stats(&ctx.report, FAP.path);
    assert_eq!((s.rows_read, s.rows_kept), (341, 341));

    // job_fap on the real ROME: known jobs get their obvious FAP.
    let has = |code: &str, fap: &str| {
        faps_of(&tx, code)
            .iter()
            .any(|(f, s)| f == fap && *s >= MIN_SCORE)
    };
    assert!(
        has("D1102", "S0X42"),
        "Boulanger: {:?}",
        faps_of(&tx, "D1102")
    );
    assert!(
        has("J1506", "V1X80"),
        "Infirmier: {:?}",
        faps_of(&tx, "J1506")
    );
    assert!(
        has("J1501", "V0X60"),
        "Aide-soignant: {:?}",
        faps_of(&tx, "J1501")
    );
    assert!(has("F1703", "B1X31"), "Maçon: {:?}", faps_of(&tx, "F1703"));
    assert!(
        has("D1202", "T0X60"),
        "Coiffeur: {:?}",
        faps_of(&tx, "D1202")
    );
    // A social worker is in the action sociale, not among the medical secretaries, whose label says
    // "médico-sociaux".
    assert!(
        has("K1201", "V4X85"),
        "Assistant social: {:?}",
        faps_of(&tx, "K1201")
    );
    assert!(
        !faps_of(&tx, "K1201")
            .iter()
            .any(|(f, _)| f.starts_with("L0X")),
        "Assistant social: {:?}",
        faps_of(&tx, "K1201")
    );
    // A specialist doctor has no word in common with "Médecins": its domain (J11) gives it.
    let psy = faps_of(&tx, "J1131");
    assert_eq!(
        psy.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>(),
        vec!["V2X90"]
    );
    assert!(psy[0].1 < MIN_SCORE);
    // Every linked FAP has BMO figures and every fiche at most MAX_TIES FAPs.
    let orphans: usize = count(
        &tx,
        "SELECT count(*) FROM job_fap WHERE fap NOT IN (SELECT fap FROM bmo)",
    );
    assert_eq!(orphans, 0);
    let most: usize = tx
        .query_row(
            "SELECT max(n) FROM (SELECT count(*) AS n FROM job_fap GROUP BY code_rome)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(most <= MAX_TIES);
}

#[test]
fn broken_rows_are_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("labour_market");
    std::fs::create_dir_all(&root).unwrap();
    let header = "annee,Code métier BMO,Nom métier BMO,Famille_met,Lbl_fam_met,REG,NOM_REG,Dept,NomDept,BE24,NOMBE24,met,xmet,smet\n";
    let mut bmo = header.as_bytes().to_vec();
    bmo.extend_from_slice(b"2024,S0X42,Boulangers,V,Vente,84,ARA,01,Ain,8401,Bourg,12,*,*\n");
    bmo.extend_from_slice(b"2024,S0X42,Boulangers,V,Vente,84,ARA,01,Ain,8401,Bourg,12,*,*\n");
    bmo.extend_from_slice(b"2024,S0X42,Boulangers,V,Vente,84,ARA,38,Is\xe8re,8401,Bourg,3,1,0\n");
    bmo.extend_from_slice(b"2024,S0X42,Boulangers,V,Vente,84\n");
    bmo.extend_from_slice(b"2024,S0X42,Boulangers,V,Vente,84,ARA,38,Isere,8401,Bourg,3,n/a,0\n");
    bmo.extend_from_slice(b"2024,??,Boulangers,V,Vente,84,ARA,38,Isere,8402,X,3,1,0\n");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &bmo).unwrap();
    std::fs::write(dir.path().join(BMO.path), gz.finish().unwrap()).unwrap();
    std::fs::write(
            dir.path().join(CHOMAGE.path),
            "codeDepartement;libelleDepartement;rentreeScolaire;tauxChomage\n\
             001;AIN;2023;5,7\n02A;CORSE-DU-SUD;2023;6\nXX;?;2023;5\n003;ALLIER;deux;5\n004;X;2023;beaucoup\n001;AIN;2023;5,7\n",
        )
        .unwrap();
    std::fs::write(
            dir.path().join(FAP.path),
            "Code_FAP341;Intitulé_FAP341;Code_FAP228;Intitulé_FAP228;Code_FAP86;Intitulé_FAP86;Code_FAP22;Intitulé_FAP22\n\
             S0X42a;Boulangers;S0X42;Boulangers, pâtissiers;S0X;Bouchers;S;Commerce\n",
        )
        .unwrap();
    let mut conn = open_db(dir.path());
    let tx = conn.transaction().unwrap();
    tx.execute(
            "INSERT INTO job(code_rome, title, parent_rome) VALUES ('D1102', 'Boulanger / Boulangère', 'D1102')",
            [],
        )
        .unwrap();
    let src = DirSource(dir.path().to_path_buf());
    let mut ctx = Ctx::new(&tx, &src);
    import(&mut ctx).unwrap();
    let at = |path: &str, line: u64, what: &str| {
        ctx.report
            .issues
            .iter()
            .any(|i| i.file == path && i.line == line && i.reason.contains(what))
    };
    let s = stats(&ctx.report, BMO.path);
    assert_eq!((s.rows_read, s.rows_kept, s.rows_skipped), (6, 2, 4));
    assert!(at(BMO.path, 3, "doublon"));
    assert!(at(BMO.path, 4, "UTF-8"));
    assert!(at(BMO.path, 5, "colonnes"));
    assert!(
        at(BMO.path, 6, "xmet"),
        "unreadable count reported, row kept"
    );
    assert!(at(BMO.path, 7, "code métier"));
    let s = stats(&ctx.report, CHOMAGE.path);
    assert_eq!((s.rows_read, s.rows_kept, s.rows_skipped), (6, 2, 4));
    assert!(at(CHOMAGE.path, 4, "XX"));
    assert!(at(CHOMAGE.path, 5, "année"));
    assert!(at(CHOMAGE.path, 6, "taux"));
    assert!(at(CHOMAGE.path, 7, "doublon"));
    assert_eq!(faps_of(&tx, "D1102"), vec![("S0X42".to_string(), 1.0)]);
}

/// Prints 30 fiches drawn at random with their FAP, for the quality estimate in the comment above:
/// `cargo test -p orientation-core quality_sample -- --ignored --nocapture`.
#[test]
#[ignore]
fn quality_sample() {
    let tmp = tempfile::tempdir().unwrap();
    let mut conn = open_db(tmp.path());
    let tx = conn.transaction().unwrap();
    insert_real_jobs(&tx);
    insert_real_appellations(&tx);
    let src = DirSource(data_dir());
    let mut ctx = Ctx::new(&tx, &src);
    import(&mut ctx).unwrap();
    let seed: u64 = std::env::var("SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let mut stmt = tx
        .prepare(
            "SELECT j.code_rome, j.title,
                        (SELECT group_concat(f.fap || ' ' || printf('%.2f', f.score) || ' ' ||
                                (SELECT fap_label FROM bmo WHERE fap = f.fap LIMIT 1), ' | ')
                         FROM job_fap f WHERE f.code_rome = j.code_rome)
                 FROM job j ORDER BY j.code_rome",
        )
        .unwrap();
    let all: Vec<(String, String, Option<String>)> = stmt
        .query_map([], |r| r.try_into())
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    // xorshift64*: a reproducible draw without a dependency.
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut picked = std::collections::BTreeSet::new();
    while picked.len() < 30 {
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        picked.insert((x.wrapping_mul(0x2545_F491_4F6C_DD1D) % all.len() as u64) as usize);
    }
    for i in picked {
        let (code, title, faps) = &all[i];
        eprintln!("{code} {title} -> {}", faps.as_deref().unwrap_or("-"));
    }
    let (jobs, linked, by_label): (usize, usize, usize) = tx
        .query_row(
            "SELECT (SELECT count(*) FROM job), (SELECT count(DISTINCT code_rome) FROM job_fap),
                        (SELECT count(DISTINCT code_rome) FROM job_fap WHERE score >= ?1)",
            [MIN_SCORE],
            |r| r.try_into(),
        )
        .unwrap();
    eprintln!("{jobs} fiches, {linked} linked, {by_label} by their own labels");
}
