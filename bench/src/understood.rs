//! Issue 10 §4: queries that carry a place or an intent, in `data/search/eval/understood/*.tsv`:
//! `query<TAB>place<TAB>intent<TAB>expected<TAB>note`, where `place` is the INSEE code of the commune
//! meant, `dep:CODE/INSEE` for a département (with its prefecture, the centre of the 30 km check) or
//! `-`; `intent` is training, job, aid, place or `-`; `expected` lists what a correct top-5 holds, any of
//! `job:ROME`, `KIND:word+word` (a result of that kind whose folded title holds every word, as a word
//! start) and `KIND@:word+word` (the same, located within 30 km of the place).

use crate::error::{Error, Result};
use orientation_core::search::engine::Engine;
use orientation_core::search::{Kind, NearFrom, Query};
use orientation_core::territory::{distance_km, Point};
use orientation_core::text;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// How far a located result may lie from the place meant.
pub const WITHIN_KM: f64 = 30.0;

#[derive(Debug, Clone, PartialEq)]
pub enum Place {
    None,
    Commune(String),
    Departement { code: String, centre: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    pub kind: Kind,
    /// A ROME code for `job:`, else title words.
    pub rome: Option<String>,
    pub words: Vec<String>,
    pub located: bool,
}

#[derive(Debug, Clone)]
pub struct Labelled {
    pub query: String,
    pub place: Place,
    pub intent: Option<Kind>,
    pub expected: Vec<Expect>,
    pub line: usize,
}

pub struct Set {
    pub name: String,
    pub queries: Vec<Labelled>,
    pub problems: Vec<(usize, String)>,
}

fn parse_expect(token: &str) -> Option<Expect> {
    let (head, rest) = token.split_once(':')?;
    let (kind, located) = match head.strip_suffix('@') {
        Some(k) => (k, true),
        None => (head, false),
    };
    let kind = Kind::parse(kind)?;
    if kind == Kind::Job && !located && crate::sets::is_rome_code(rest) {
        return Some(Expect {
            kind,
            rome: Some(rest.to_string()),
            words: Vec::new(),
            located,
        });
    }
    let words: Vec<String> = rest.split('+').map(text::fold).collect();
    (!words.iter().any(String::is_empty)).then_some(Expect {
        kind,
        rome: None,
        words,
        located,
    })
}

pub fn parse(name: &str, text: &str) -> Set {
    let mut set = Set {
        name: name.to_string(),
        queries: Vec::new(),
        problems: Vec::new(),
    };
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.starts_with('#') || raw.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = raw.split('\t').collect();
        let [query, place, intent, expected, ..] = cols.as_slice() else {
            set.problems.push((line, "5 colonnes attendues".into()));
            continue;
        };
        let place = match *place {
            "-" => Place::None,
            p => match p.strip_prefix("dep:").and_then(|d| d.split_once('/')) {
                Some((code, centre)) => Place::Departement {
                    code: code.to_string(),
                    centre: centre.to_string(),
                },
                None => Place::Commune(p.to_string()),
            },
        };
        let intent = match *intent {
            "-" => None,
            k => match Kind::parse(k) {
                Some(k) => Some(k),
                None => {
                    set.problems
                        .push((line, format!("intention inconnue « {k} »")));
                    continue;
                }
            },
        };
        let expected: Option<Vec<Expect>> = expected.split_whitespace().map(parse_expect).collect();
        match expected {
            Some(e) if !e.is_empty() => set.queries.push(Labelled {
                query: query.to_string(),
                place,
                intent,
                expected: e,
                line,
            }),
            _ => set.problems.push((line, "attendu illisible".into())),
        }
    }
    set
}

pub fn list(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "tsv"))
        .collect();
    out.sort();
    out
}

pub fn load(path: &Path) -> Result<Set> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(parse(&name, &text))
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Figures {
    pub queries: usize,
    pub top1: usize,
    pub top5: usize,
    pub place_ok: usize,
    pub intent_ok: usize,
}

pub struct Outcome {
    pub query: String,
    pub rank: Option<usize>,
    pub place_ok: bool,
    pub intent_ok: bool,
    pub first: String,
    pub near: String,
}

/// Runs every query of a set: `points` gives each document's place (id → point), `communes` each
/// INSEE code's centre (both read from the catalogue, not from the engine).
pub fn evaluate(
    engine: &Engine,
    set: &Set,
    points: &HashMap<String, Point>,
    communes: &HashMap<String, Point>,
) -> Result<(Figures, Vec<Outcome>)> {
    let mut f = Figures::default();
    let mut outcomes = Vec::new();
    for q in &set.queries {
        let mut query = Query::new(q.query.clone());
        query.limit = 10;
        let page = engine.search_results(&query)?;
        let centre = match &q.place {
            Place::None => None,
            Place::Commune(insee) => communes.get(insee).copied(),
            Place::Departement { centre, .. } => communes.get(centre).copied(),
        };
        let good = |h: &orientation_core::search::Hit| {
            q.expected.iter().any(|e| {
                if h.kind != e.kind {
                    return false;
                }
                if let Some(rome) = &e.rome {
                    return h.rome.as_deref() == Some(rome.as_str());
                }
                let title = text::words(&h.title);
                let holds = e
                    .words
                    .iter()
                    .all(|w| title.iter().any(|t| t.starts_with(w.as_str())));
                let near = !e.located
                    || match (points.get(&h.id), centre) {
                        (Some(p), Some(c)) => distance_km(*p, c) <= WITHIN_KM,
                        _ => false,
                    };
                holds && near
            })
        };
        let rank = page.hits.iter().position(good).map(|r| r + 1);
        f.queries += 1;
        f.top1 += usize::from(rank == Some(1));
        f.top5 += usize::from(rank.is_some_and(|r| r <= 5));
        let read = page.near.as_ref().filter(|n| n.found_by != NearFrom::Given);
        let place_ok = match (&q.place, read) {
            (Place::None, None) => true,
            (Place::Commune(insee), Some(n)) => n.areas.contains(&format!("com:{insee}")),
            (Place::Departement { code, .. }, Some(n)) => {
                n.found_by == NearFrom::Departement && n.areas.contains(&format!("dep:{code}"))
            }
            _ => false,
        };
        let intent_ok = page.intent.as_ref().map(|i| i.kind) == q.intent;
        f.place_ok += usize::from(place_ok);
        f.intent_ok += usize::from(intent_ok);
        outcomes.push(Outcome {
            query: q.query.clone(),
            rank,
            place_ok,
            intent_ok,
            first: page
                .hits
                .first()
                .map(|h| format!("{} {}", h.kind.as_str(), h.title))
                .unwrap_or_default(),
            near: read.map(|n| n.label.clone()).unwrap_or_else(|| "-".into()),
        });
    }
    Ok((f, outcomes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_frozen_set_parses_whole() {
        let dir = crate::default_sets_dir().join("understood");
        let files = list(&dir);
        assert!(!files.is_empty());
        let mut n = 0;
        for f in files {
            let set = load(&f).unwrap();
            assert!(set.problems.is_empty(), "{:?}", set.problems);
            n += set.queries.len();
        }
        assert!(n >= 60, "{n}");
        let s = parse(
            "t",
            "# x\nbts lyon\t69123\ttraining\ttraining@:bts job:D1102\tn\nbad\t-\tfoo\tjob:D1102\tn\n",
        );
        assert_eq!(s.queries.len(), 1);
        assert_eq!(s.problems.len(), 1);
        assert!(s.queries[0].expected[0].located);
        assert_eq!(s.queries[0].expected[1].rome.as_deref(), Some("D1102"));
    }
}
