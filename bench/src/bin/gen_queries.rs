//! Generates data/search/eval/appellations_typos.tsv from the ROME 4.0 appellations: realistic,
//! misspelt, sometimes unfinished queries whose expected fiche is known. Deterministic (seeded):
//! re-running it rewrites the same file.
//!
//!     cargo run -p orientation-bench --bin gen_queries [-- --count 150 --seed 20240601 --out FILE]

use orientation_bench::rng::Rng;
use orientation_bench::{Error, Result};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use unicode_normalization::UnicodeNormalization;

const APPELLATIONS: &str = "rome/rome4_v460/unix_referentiel_appellation_v460_utf8.csv";
const DEFAULT_SEED: u64 = 20_240_601;
const DEFAULT_COUNT: usize = 150;

/// AZERTY letter rows; the keyboard is staggered, so a key touches (r, c±1), (r-1, c), (r-1, c+1),
/// (r+1, c-1) and (r+1, c).
const ROWS: [&str; 3] = ["azertyuiop", "qsdfghjklm", "wxcvbn"];

fn azerty_neighbours(c: char) -> Vec<char> {
    let Some((r, col)) = ROWS
        .iter()
        .enumerate()
        .find_map(|(r, row)| row.chars().position(|x| x == c).map(|i| (r, i)))
    else {
        return Vec::new();
    };
    let at = |r: isize, c: isize| -> Option<char> {
        if r < 0 || c < 0 {
            return None;
        }
        ROWS.get(r as usize)?.chars().nth(c as usize)
    };
    let (r, col) = (r as isize, col as isize);
    [
        (r, col - 1),
        (r, col + 1),
        (r - 1, col),
        (r - 1, col + 1),
        (r + 1, col - 1),
        (r + 1, col),
    ]
    .into_iter()
    .filter_map(|(r, c)| at(r, c))
    .collect()
}

fn strip_accents(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfd() {
        match c {
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            c if unicode_normalization::char::is_combining_mark(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// "Conducteur / Conductrice d'engins agricoles" → ("Conducteur d'engins agricoles",
/// "Conductrice d'engins agricoles"): the complement is written once, after the feminine form, so
/// the masculine form gets the feminine part minus as many words as the masculine part has.
fn forms(label: &str) -> (String, Option<String>) {
    let Some((masc, fem)) = label.split_once(" / ") else {
        return (label.trim().to_string(), None);
    };
    let masc_words = masc.split_whitespace().count();
    let fem_words: Vec<&str> = fem.split_whitespace().collect();
    let complement = fem_words.get(masc_words..).unwrap_or(&[]).join(" ");
    let masc = if complement.is_empty() {
        masc.trim().to_string()
    } else {
        format!("{} {complement}", masc.trim())
    };
    (masc, Some(fem.trim().to_string()))
}

fn key(s: &str) -> String {
    strip_accents(&s.to_lowercase())
}

#[derive(Clone, Copy, Debug)]
enum Typo {
    Neighbour,
    Swap,
    Double,
    Missing,
}

impl Typo {
    fn label(self) -> &'static str {
        match self {
            Typo::Neighbour => "touche voisine AZERTY",
            Typo::Swap => "lettres inversées",
            Typo::Double => "lettre doublée",
            Typo::Missing => "lettre oubliée",
        }
    }
}

/// Applies one typo inside a word of at least 4 letters (never on its first letter, which people
/// rarely miss). Returns false when no word can take it.
fn apply_typo(words: &mut [Vec<char>], typo: Typo, rng: &mut Rng) -> bool {
    let candidates: Vec<usize> = words
        .iter()
        .enumerate()
        .filter(|(_, w)| w.iter().filter(|c| c.is_alphabetic()).count() >= 4)
        .map(|(i, _)| i)
        .collect();
    let Some(&wi) = rng.pick(&candidates) else {
        return false;
    };
    let w = &mut words[wi];
    let letters: Vec<usize> = (1..w.len()).filter(|&i| w[i].is_alphabetic()).collect();
    let Some(&i) = rng.pick(&letters) else {
        return false;
    };
    match typo {
        Typo::Neighbour => {
            let n = azerty_neighbours(w[i]);
            let Some(&c) = rng.pick(&n) else { return false };
            w[i] = c;
        }
        Typo::Swap => {
            if i + 1 >= w.len() || !w[i + 1].is_alphabetic() || w[i] == w[i + 1] {
                return false;
            }
            w.swap(i, i + 1);
        }
        Typo::Double => w.insert(i, w[i]),
        Typo::Missing => {
            w.remove(i);
        }
    }
    true
}

struct Args {
    data: PathBuf,
    out: PathBuf,
    count: usize,
    seed: u64,
}

fn parse_args() -> Result<Args> {
    let mut a = Args {
        data: orientation_bench::default_data_dir(),
        out: orientation_bench::default_sets_dir().join("appellations_typos.tsv"),
        count: DEFAULT_COUNT,
        seed: DEFAULT_SEED,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut val = |name: &str| {
            it.next()
                .ok_or_else(|| Error::Usage(format!("{name} attend une valeur")))
        };
        match arg.as_str() {
            "--data" => a.data = PathBuf::from(val("--data")?),
            "--out" => a.out = PathBuf::from(val("--out")?),
            "--count" => {
                a.count = val("--count")?
                    .parse()
                    .map_err(|_| Error::Usage("--count : nombre attendu".into()))?
            }
            "--seed" => {
                a.seed = val("--seed")?
                    .parse()
                    .map_err(|_| Error::Usage("--seed : nombre attendu".into()))?
            }
            other => return Err(Error::Usage(format!("option inconnue : {other}"))),
        }
    }
    Ok(a)
}

struct Appellation {
    ogr: String,
    label: String,
    code: String,
}

fn main() {
    if let Err(e) = run() {
        eprintln!("erreur : {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let args = parse_args()?;
    let g = generate(&args.data, args.count, args.seed)?;
    if let Some(dir) = args.out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    std::fs::write(&args.out, &g.text).map_err(|e| Error::io(&args.out, e))?;
    println!(
        "{} requêtes écrites dans {} ({} appellations lues, {} lignes illisibles ignorées)",
        g.rows,
        args.out.display(),
        g.read,
        g.skipped
    );
    Ok(())
}

struct Generated {
    text: String,
    rows: usize,
    read: usize,
    skipped: usize,
}

/// The whole file's text, for `count` queries drawn with `seed`.
fn generate(data: &Path, count: usize, seed: u64) -> Result<Generated> {
    let path = data.join(APPELLATIONS);
    let mut rdr = csv::Reader::from_path(&path).map_err(|e| Error::csv(&path, e))?;
    let headers = rdr.headers().map_err(|e| Error::csv(&path, e))?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| Error::Usage(format!("{} : colonne {name} absente", path.display())))
    };
    let (c_ogr, c_label, c_code, c_rare) = (
        col("code_ogr")?,
        col("libelle_appellation_long")?,
        col("code_rome")?,
        col("peu_usite")?,
    );
    let mut all = Vec::new();
    let mut skipped = 0usize;
    for rec in rdr.records() {
        let Ok(rec) = rec else {
            skipped += 1;
            continue;
        };
        let get = |i: usize| rec.get(i).unwrap_or("").trim().to_string();
        let (ogr, label, code) = (get(c_ogr), get(c_label), get(c_code));
        if label.is_empty() || !orientation_bench::sets::is_rome_code(&code) {
            skipped += 1;
            continue;
        }
        // Rarely used names are not what people type.
        if get(c_rare) == "O" {
            continue;
        }
        all.push(Appellation { ogr, label, code });
    }
    // A form shared by several fiches (same words, accents and case aside) accepts all of them.
    let mut by_form: HashMap<String, BTreeSet<String>> = HashMap::new();
    for a in &all {
        let (m, f) = forms(&a.label);
        for form in std::iter::once(m).chain(f) {
            by_form
                .entry(key(&form))
                .or_default()
                .insert(a.code.clone());
        }
    }

    let mut rng = Rng::new(seed);
    let mut order: Vec<usize> = (0..all.len()).collect();
    rng.shuffle(&mut order);
    let mut seen = HashSet::new();
    let mut rows = Vec::new();
    for idx in order {
        if rows.len() >= count {
            break;
        }
        let a = &all[idx];
        let (masc, fem) = forms(&a.label);
        let (form, gender) = match fem {
            Some(f) if rng.chance(0.5) => (f, "féminin"),
            Some(_) => (masc, "masculin"),
            None => (masc, "forme unique"),
        };
        let acceptable = by_form
            .get(&key(&form))
            .cloned()
            .unwrap_or_else(|| BTreeSet::from([a.code.clone()]));
        let mut text = form.to_lowercase();
        let mut steps = vec![gender.to_string()];
        if rng.chance(0.5) {
            text = strip_accents(&text);
            steps.push("sans accents".into());
        }
        let mut words: Vec<Vec<char>> = text.split(' ').map(|w| w.chars().collect()).collect();
        // As-you-type: the last word is not finished yet.
        let mut truncated = false;
        if rng.chance(0.3) {
            if let Some(last) = words.last_mut() {
                if last.len() >= 6 && last.iter().all(|c| c.is_alphabetic()) {
                    let keep = 4 + rng.below(last.len() - 4);
                    last.truncate(keep);
                    truncated = true;
                }
            }
        }
        let clean: String = words
            .iter()
            .map(|w| w.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ");
        let n_typos = 1 + rng.below(2);
        let mut applied = Vec::new();
        let mut attempts = 0;
        while applied.len() < n_typos && attempts < 20 {
            attempts += 1;
            let typo = [Typo::Neighbour, Typo::Swap, Typo::Double, Typo::Missing][rng.below(4)];
            if apply_typo(&mut words, typo, &mut rng) {
                applied.push(typo.label());
            }
        }
        let query: String = words
            .iter()
            .map(|w| w.iter().collect::<String>())
            .collect::<Vec<_>>()
            .join(" ");
        // Fewer than 5 letters identify no job: not a fair query.
        let letters = query.chars().filter(|c| c.is_alphabetic()).count();
        if applied.is_empty() || query == clean || letters < 5 || !seen.insert(query.clone()) {
            continue;
        }
        steps.push(applied.join(", "));
        if truncated {
            steps.push("dernier mot tronqué".into());
        }
        let codes: Vec<String> = acceptable.into_iter().collect();
        rows.push((
            query,
            codes.join(" "),
            format!("{} (ogr {}) ; {}", a.label, a.ogr, steps.join(" ; ")),
        ));
    }

    let mut out = String::new();
    let _ = writeln!(
        out,
        "# appellations_typos.tsv — GENERATED by `cargo run -p orientation-bench --bin gen_queries` (seed {}, {} queries); do not edit by hand. Source: data/{APPELLATIONS} (appellations marked peu_usite=O left out). For each randomly drawn appellation: the masculine or feminine form (split of \"Masc / Fém complement\"), lower-cased, accents dropped half of the time, the last word (6+ letters) cut to 4 or more letters as if still being typed 30% of the time, queries under 5 letters dropped, then 1–2 typos (AZERTY neighbour key, swapped letters, doubled letter, missing letter; never the first letter of a word). Acceptable codes = the appellation's code_rome, plus any other fiche with an appellation of the very same form; they come straight from the source file.",
        seed,
        rows.len()
    );
    for (q, c, n) in &rows {
        let _ = writeln!(out, "{q}\t{c}\t{n}");
    }
    Ok(Generated {
        text: out,
        rows: rows.len(),
        read: all.len(),
        skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed file is exactly what the program writes: it was not edited by hand, and
    /// re-running the generator reproduces it.
    #[test]
    fn committed_file_is_reproducible() {
        let g = generate(
            &orientation_bench::default_data_dir(),
            DEFAULT_COUNT,
            DEFAULT_SEED,
        )
        .unwrap();
        assert_eq!(g.rows, DEFAULT_COUNT);
        let committed = std::fs::read_to_string(
            orientation_bench::default_sets_dir().join("appellations_typos.tsv"),
        )
        .unwrap();
        assert_eq!(g.text, committed);
        // Every query differs from its appellation: check a known shape on the first data line.
        let first = committed.lines().nth(1).unwrap();
        let cols: Vec<&str> = first.split('\t').collect();
        assert_eq!(cols.len(), 3);
        let (masc, fem) = forms(cols[2].split(" (ogr ").next().unwrap());
        let clean: Vec<String> = std::iter::once(masc).chain(fem).map(|f| key(&f)).collect();
        assert!(!clean.contains(&key(cols[0])));
    }

    #[test]
    fn splits_masculine_and_feminine_with_the_complement() {
        assert_eq!(
            forms("Conducteur / Conductrice d'engins agricoles"),
            (
                "Conducteur d'engins agricoles".to_string(),
                Some("Conductrice d'engins agricoles".to_string())
            )
        );
        assert_eq!(
            forms("Ouvrier forestier / Ouvrière forestière"),
            (
                "Ouvrier forestier".to_string(),
                Some("Ouvrière forestière".to_string())
            )
        );
        assert_eq!(
            forms("Homme sage-femme / Sage-femme"),
            (
                "Homme sage-femme".to_string(),
                Some("Sage-femme".to_string())
            )
        );
        assert_eq!(forms("Accessoiriste"), ("Accessoiriste".to_string(), None));
    }

    #[test]
    fn azerty_neighbours_are_adjacent_keys() {
        let n = azerty_neighbours('e');
        for c in ['z', 'r', 's', 'd'] {
            assert!(n.contains(&c), "{c}");
        }
        assert!(!n.contains(&'e') && !n.contains(&'a'));
        assert_eq!(azerty_neighbours('q'), ['s', 'a', 'z', 'w']);
        assert!(azerty_neighbours('é').is_empty());
    }

    #[test]
    fn typos_change_one_word_and_keep_its_first_letter() {
        let mut rng = Rng::new(1);
        for typo in [Typo::Neighbour, Typo::Swap, Typo::Double, Typo::Missing] {
            for _ in 0..50 {
                let mut words = vec![
                    "de".chars().collect::<Vec<_>>(),
                    "boulanger".chars().collect(),
                ];
                if apply_typo(&mut words, typo, &mut rng) {
                    let w: String = words[1].iter().collect();
                    assert_ne!(w, "boulanger", "{typo:?}");
                    assert!(w.starts_with('b'));
                    assert_eq!(words[0], ['d', 'e']);
                }
            }
        }
    }
}
