//! Labelled query sets: `query<TAB>acceptable ROME codes (space-separated)<TAB>note`, UTF-8, one per line;
//! lines starting with '#' are comments (the first says how the file was made), blank lines are ignored.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    pub query: String,
    pub acceptable: Vec<String>,
    pub note: String,
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct QuerySet {
    /// File stem, e.g. "everyday".
    pub name: String,
    pub path: PathBuf,
    /// The comment lines, '#' removed.
    pub header: Vec<String>,
    pub queries: Vec<Labelled>,
    /// Lines that could not be used: (line, reason in French). They are skipped, not fatal.
    pub problems: Vec<(usize, String)>,
}

/// A ROME 4.0 fiche code: one capital letter A–N then four digits.
pub fn is_rome_code(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5 && (b'A'..=b'N').contains(&b[0]) && b[1..].iter().all(u8::is_ascii_digit)
}

pub fn parse(name: &str, path: &Path, text: &str) -> QuerySet {
    let mut set = QuerySet {
        name: name.to_string(),
        path: path.to_path_buf(),
        header: Vec::new(),
        queries: Vec::new(),
        problems: Vec::new(),
    };
    let mut seen = std::collections::HashSet::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let raw = raw.trim_end_matches('\r');
        if let Some(c) = raw.strip_prefix('#') {
            set.header.push(c.trim().to_string());
            continue;
        }
        if raw.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = raw.split('\t').collect();
        if cols.len() < 2 || cols.len() > 3 {
            set.problems.push((
                line,
                format!(
                    "{} colonnes au lieu de 2 ou 3 (séparateur : tabulation)",
                    cols.len()
                ),
            ));
            continue;
        }
        let query = cols[0].trim();
        if query.is_empty() {
            set.problems.push((line, "requête vide".into()));
            continue;
        }
        let codes: Vec<String> = cols[1].split_whitespace().map(str::to_string).collect();
        if codes.is_empty() {
            set.problems
                .push((line, format!("aucun code ROME pour « {query} »")));
            continue;
        }
        if let Some(bad) = codes.iter().find(|c| !is_rome_code(c)) {
            set.problems
                .push((line, format!("code ROME mal formé « {bad} »")));
            continue;
        }
        if !seen.insert(query.to_string()) {
            set.problems
                .push((line, format!("requête en double « {query} »")));
            continue;
        }
        set.queries.push(Labelled {
            query: query.to_string(),
            acceptable: codes,
            note: cols
                .get(2)
                .map(|s| s.trim().to_string())
                .unwrap_or_default(),
            line,
        });
    }
    set
}

pub fn load(path: &Path) -> Result<QuerySet> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    Ok(parse(&name, path, &text))
}

/// Every `*.tsv` file of a directory, in name order (so output order is stable).
pub fn list(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let p = e.map_err(|e| Error::io(dir, e))?.path();
        if p.extension().is_some_and(|x| x == "tsv") {
            out.push(p);
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn parses_comments_codes_and_notes_and_skips_bad_lines() {
        let text = "# made by hand\n\nboulanger\tD1102 D1108\tnote\nmaçon\tF1703\n\
                    bad line\n\tD1102\tx\nfoo\tZ9999\tx\nbar\t\tx\nboulanger\tD1102\tdup\n";
        let s = parse("t", Path::new("t.tsv"), text);
        assert_eq!(s.header, ["made by hand"]);
        assert_eq!(s.queries.len(), 2);
        assert_eq!(s.queries[0].acceptable, ["D1102", "D1108"]);
        assert_eq!(s.queries[0].note, "note");
        assert_eq!(s.queries[0].line, 3);
        assert_eq!(s.queries[1].note, "");
        let lines: Vec<usize> = s.problems.iter().map(|p| p.0).collect();
        assert_eq!(lines, [5, 6, 7, 8, 9]);
    }

    #[test]
    fn rome_code_shape() {
        assert!(is_rome_code("A1101"));
        assert!(is_rome_code("N4403"));
        assert!(!is_rome_code("O1101"));
        assert!(!is_rome_code("a1101"));
        assert!(!is_rome_code("A110"));
        assert!(!is_rome_code("A11011"));
    }

    /// The fiche codes, read from the ROME file with a plain line split (not the csv crate the
    /// importer uses), so the check does not share the importer's parsing.
    fn rome_codes() -> HashSet<String> {
        let path = crate::default_data_dir()
            .join("rome/rome4_v460/unix_referentiel_code_rome_v460_utf8.csv");
        let text = std::fs::read_to_string(path).unwrap();
        text.lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().trim_matches('"').to_string())
            .collect()
    }

    #[test]
    fn every_set_file_parses_and_every_code_exists() {
        let codes = rome_codes();
        assert_eq!(codes.len(), 1584, "SOURCES.md: 1,584 fiches");
        let files = list(&crate::default_sets_dir()).unwrap();
        let names: Vec<String> = files
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        for expected in [
            "activities.tsv",
            "appellations_typos.tsv",
            "everyday.tsv",
            "family_levels.tsv",
            "job_families.tsv",
            "unseen.tsv",
        ] {
            assert!(names.iter().any(|n| n == expected), "{expected} manquant");
        }
        let mut total = 0;
        for f in &files {
            let set = load(f).unwrap();
            assert!(
                set.problems.is_empty(),
                "{}: {:?}",
                f.display(),
                set.problems
            );
            assert!(
                set.header.first().is_some_and(|h| h.len() > 40),
                "{}: la première ligne doit dire comment le fichier a été fait",
                f.display()
            );
            // Counted independently of the parser: non-comment, non-blank lines.
            let raw = std::fs::read_to_string(f).unwrap();
            let lines = raw
                .lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                .count();
            assert_eq!(set.queries.len(), lines, "{}", f.display());
            for q in &set.queries {
                for c in &q.acceptable {
                    assert!(
                        codes.contains(c),
                        "{}:{} code {c} absent des fiches ROME",
                        f.display(),
                        q.line
                    );
                }
            }
            total += set.queries.len();
        }
        assert!(total >= 300, "{total} requêtes");
    }

    #[test]
    fn job_family_queries_are_verbatim_fap_labels() {
        let path = crate::default_data_dir().join("labour_market/fap2021_nomenclature_dares.csv");
        let text = std::fs::read_to_string(path).unwrap();
        let labels: HashSet<&str> = text
            .lines()
            .skip(1)
            .flat_map(|l| {
                let cols: Vec<&str> = l.split(';').collect();
                [cols[1], cols[3]]
            })
            .collect();
        let set = load(&crate::default_sets_dir().join("job_families.tsv")).unwrap();
        assert!(set.queries.len() >= 50);
        for q in &set.queries {
            assert!(labels.contains(q.query.as_str()), "« {} » absent", q.query);
        }
    }
}
