//! The ROME part of the catalogue, built from the real files in data/.

use orientation_core::catalogue::import::source::DirSource;
use orientation_core::catalogue::Catalogue;
use std::path::PathBuf;

fn data_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../data"))
}

/// Counts the data rows of a CSV with an independent method: records of the csv crate, blank ones left out.
fn csv_rows(rel: &str) -> usize {
    let path = data_dir().join(rel);
    let file = std::fs::File::open(&path).unwrap();
    let reader: Box<dyn std::io::Read> = if rel.ends_with(".gz") {
        Box::new(flate2::read::GzDecoder::new(file))
    } else {
        Box::new(file)
    };
    csv::ReaderBuilder::new()
        .from_reader(reader)
        .records()
        .filter(|r| {
            r.as_ref()
                .map(|r| r.iter().any(|f| !f.is_empty()))
                .unwrap_or(true)
        })
        .count()
}

#[test]
fn rome_counts_and_joins_match_the_source() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalogue.db");
    let report = Catalogue::build(
        &path,
        &DirSource(data_dir()),
        &|_: usize, _: usize, _: &str| {},
    )
    .unwrap();
    let cat = Catalogue::open(&path).unwrap();
    let count = |sql: &str| -> usize {
        cat.conn()
            .query_row(sql, [], |r| r.get::<_, i64>(0))
            .unwrap() as usize
    };
    let skipped = |file: &str| -> usize {
        report
            .sources
            .iter()
            .find(|s| s.file.ends_with(file))
            .map(|s| s.rows_skipped as usize)
            .unwrap()
    };
    let fiches = "rome/rome4_v460/unix_referentiel_code_rome_v460_utf8.csv";
    let appellations = "rome/rome4_v460/unix_referentiel_appellation_v460_utf8.csv";
    assert_eq!(
        count("SELECT count(*) FROM job"),
        csv_rows(fiches) - skipped(fiches)
    );
    assert_eq!(count("SELECT count(*) FROM job"), 1584);
    assert_eq!(
        count("SELECT count(*) FROM appellation"),
        csv_rows(appellations) - skipped(appellations)
    );
    assert_eq!(count("SELECT count(*) FROM appellation"), 13120);
    assert_eq!(count("SELECT count(*) FROM interest"), 30);
    assert_eq!(count("SELECT count(DISTINCT parent_rome) FROM job"), 532);
    // Every fiche has a definition, a domain, RIASEC and at least one skill.
    assert_eq!(count("SELECT count(*) FROM job WHERE definition IS NULL OR grand_domaine IS NULL OR riasec_major IS NULL"), 0);
    assert_eq!(count("SELECT count(*) FROM job j WHERE NOT EXISTS (SELECT 1 FROM job_skill s WHERE s.code_rome = j.code_rome)"), 0);

    // A job sheet joins its appellations, skills, contexts and mobilities: D1102 (boulangerie).
    let title: String = cat
        .conn()
        .query_row("SELECT title FROM job WHERE code_rome = 'D1102'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(title.contains("Boulanger"), "{title}");
    assert!(count("SELECT count(*) FROM appellation WHERE code_rome = 'D1102' AND title LIKE '%Boulangère%'") >= 1);
    assert!(count("SELECT count(*) FROM job_skill js JOIN skill s USING (code_ogr) WHERE js.code_rome = 'D1102' AND s.rubrique = 1") >= 5);
    assert!(count("SELECT count(*) FROM job_skill js JOIN skill s USING (code_ogr) WHERE js.code_rome = 'D1102' AND s.rubrique = 3") >= 1);
    assert!(count("SELECT count(*) FROM job_context WHERE code_rome = 'D1102'") >= 1);
    assert!(count("SELECT count(*) FROM job_mobility WHERE code_rome = 'D1102'") >= 1);
    // Doubled apostrophes of unix_texte are undone.
    assert_eq!(
        count("SELECT count(*) FROM job WHERE definition LIKE '%''''%' OR access LIKE '%''''%'"),
        0
    );
}
