//! What a located higher-education offer leads to: a Parcoursup or master label ("BTS   Services   Comptabilite
//! et gestion") matched to the Onisep Idéo programme it teaches, or else to its certification, by diploma type
//! and speciality. The programme gives the accented title, the level and the jobs; an offer with no
//! convincing match keeps its own label and lists no job rather than a wrong one.

use crate::error::Result;
use crate::text::fold;
use rusqlite::Connection;
use std::collections::{BTreeSet, HashMap};

/// A Parcoursup label cut into its diploma type and the rest. The uploader turned " - " into three spaces,
/// which now separate type, domain, speciality and options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The type prefix as written ("BTS", "Licence", "D.E Infirmier").
    pub kind: String,
    /// The parts after the type, in order.
    pub parts: Vec<String>,
}

/// BTS labels carry a domain ("Services", "Production") between the type and the speciality.
const BTS_DOMAINS: &[&str] = &["services", "production", "agricole"];

impl Label {
    pub fn parse(raw: &str) -> Option<Label> {
        let mut parts = raw
            .split("   ")
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty());
        let kind = parts.next()?;
        let mut rest: Vec<String> = parts.collect();
        if fold(&kind) == "bts" && rest.len() > 1 {
            if let Some(first) = rest.first() {
                if BTS_DOMAINS.contains(&fold(first).as_str()) {
                    rest.remove(0);
                }
            }
        }
        Some(Label { kind, parts: rest })
    }

    /// The label as shown when no programme gives a better one: its parts joined by dashes again.
    pub fn display(&self) -> String {
        let mut out = self.kind.clone();
        for p in &self.parts {
            out.push_str(" – ");
            out.push_str(p);
        }
        out
    }

    /// The European level the diploma type itself gives (a BTS is level 5 whatever its speciality), for
    /// the types where that holds.
    pub fn level(&self) -> Option<i64> {
        let k = fold(&self.kind);
        Some(match k.as_str() {
            "bts" | "deust" => 5,
            "but" | "licence" | "licence professionnelle" | "double licence" | "dn made" => 6,
            "diplome de comptabilite et de gestion" | "d.e infirmier" => 6,
            k if k.starts_with("formation d ingenieur") => 7,
            _ => return None,
        })
    }
}

/// Which Onisep types a Parcoursup type may match; `None`: any sheet, matched on the whole label.
fn family(kind: &str) -> Option<&'static [&'static str]> {
    let k = fold(kind);
    Some(match k.as_str() {
        "bts" => &[
            "brevet de technicien superieur",
            "brevet de technicien superieur agricole",
        ],
        "but" => &["bachelor universitaire de technologie"],
        "licence" => &["licence"],
        "licence professionnelle" => &["licence professionnelle"],
        "cpge" => &[
            "classe preparatoire litteraire et artistique",
            "classe preparatoire scientifique et technologique",
            "classe preparatoire economique et commerciale",
        ],
        "dn made" => &["diplome national des metiers d art et du design"],
        "certificat de specialisation" => {
            &["certificat de specialisation", "mention complementaire"]
        }
        "deust" => &["diplome d etudes universitaires scientifiques et techniques"],
        "bpjeps" => &["brevet professionnel de la jeunesse de l education populaire et du sport"],
        "fcil" => &["formation complementaire d initiative locale"],
        "master" => &["master"],
        _ => return None,
    })
}

/// Folded, with punctuation as spaces: "diplôme national des métiers d'art" → "diplome national des metiers d art".
fn flat(text: &str) -> String {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Words that say nothing of the speciality: articles, and the words of the diploma types themselves.
const STOP: &[&str] = &[
    "a",
    "au",
    "aux",
    "d",
    "de",
    "des",
    "du",
    "en",
    "et",
    "l",
    "la",
    "le",
    "les",
    "ou",
    "pour",
    "sur",
    "option",
    "options",
    "mention",
    "parcours",
    "specialite",
    "portail",
    "annee",
    "1re",
    "2e",
    "grade",
    "bts",
    "btsa",
    "but",
    "licence",
    "diplome",
    "etat",
    "national",
    "dn",
    "made",
    "classe",
    "preparatoire",
    "cpge",
    "master",
    "brevet",
    "technicien",
    "superieur",
    "e",
    "ou",
    "formation",
];

/// The significant words of a label, folded and lightly stemmed (plural and feminine endings), so
/// "Infirmière" and "infirmier", "Services" and "service" meet.
fn words(text: &str) -> BTreeSet<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !STOP.contains(w))
        .map(|w| {
            let w = w.strip_suffix('s').filter(|r| r.len() > 3).unwrap_or(w);
            let w = w.strip_suffix('e').filter(|r| r.len() > 4).unwrap_or(w);
            w.to_string()
        })
        .collect()
}

/// "licence mention droit" → "Licence mention droit": Onisep writes some titles in lower case.
fn capitalised(title: &str) -> String {
    let mut chars = title.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Upper-case words in brackets ("(MPSI)"): the acronym a CPGE label gives alone.
fn acronyms(title: &str) -> BTreeSet<String> {
    title
        .split('(')
        .skip(1)
        .filter_map(|s| s.split(')').next())
        .flat_map(|s| s.split([',', ' ']))
        .filter(|w| w.len() >= 2 && w.chars().all(|c| c.is_ascii_uppercase()))
        .map(str::to_lowercase)
        .collect()
}

/// An Onisep sheet or a certification an offer can be linked to.
#[derive(Debug, Clone)]
pub struct Programme {
    /// `onisep:FOR.1054`, or a certification id (`RNCP8940`) when no Onisep sheet matched.
    pub id: String,
    pub title: String,
    pub kind: Option<String>,
    pub level: Option<i64>,
    pub rncp: Option<String>,
    family: String,
    words: BTreeSet<String>,
    acronyms: BTreeSet<String>,
}

/// A match and how good it was (the share of the offer's words found, times the share of the programme's
/// words the offer has).
#[derive(Debug, Clone)]
pub struct Link<'a> {
    pub programme: &'a Programme,
    pub score: f64,
}

/// Below this, a match is too loose to show jobs for (docs/catalogue.md gives the rate and the precision
/// measured on a hand-checked sample).
const MIN_SCORE: f64 = 0.5;
/// A label of no known diploma type is matched on all its words against every sheet: only a near-identical
/// title counts ("Architecture" is not "Formation d'assistant en architecture").
const MIN_SCORE_ANY_TYPE: f64 = 0.8;

pub struct Programmes {
    onisep: Vec<Programme>,
    certifications: Vec<Programme>,
    by_word: HashMap<String, Vec<usize>>,
}

impl Programmes {
    /// The Onisep national sheets and the active certifications of a catalogue being built.
    pub fn load(conn: &Connection) -> Result<Programmes> {
        let mut onisep = Vec::new();
        let mut st = conn.prepare(
            "SELECT id, title, type, level_exit, rncp FROM training WHERE source = 'onisep' ORDER BY id",
        )?;
        let rows = st.query_map([], |r| r.try_into())?;
        for row in rows {
            let (id, title, kind, level, rncp): (
                String,
                String,
                Option<String>,
                Option<i64>,
                Option<String>,
            ) = row?;
            // "brevet de technicien supérieur (BTS)": the type without its acronym.
            let kind_text = kind.as_deref().unwrap_or("");
            let family = flat(
                kind_text
                    .rsplit_once(" (")
                    .map_or(kind_text, |(name, _)| name),
            );
            onisep.push(Programme {
                family,
                words: words(&title),
                acronyms: acronyms(&title),
                id,
                title: capitalised(&title),
                kind,
                level,
                rncp,
            });
        }
        let mut certifications = Vec::new();
        let mut st = conn.prepare(
            "SELECT id, title, type, level_eu FROM certification
             WHERE coalesce(active, 1) = 1 AND type LIKE 'Diplôme d%Etat%' ORDER BY id",
        )?;
        let rows = st.query_map([], |r| r.try_into())?;
        for row in rows {
            let (id, title, kind, level): (String, String, Option<String>, Option<i64>) = row?;
            // Certification titles often leave the type out ("Infirmier de bloc opératoire").
            let full = match &kind {
                Some(k) if !fold(&title).starts_with(&fold(k)) => format!("{k} {title}"),
                _ => title.clone(),
            };
            certifications.push(Programme {
                family: "diplome d etat".into(),
                words: words(&full),
                acronyms: BTreeSet::new(),
                rncp: Some(id.clone()),
                id,
                title: full,
                kind,
                level,
            });
        }
        let mut by_word: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in onisep.iter().enumerate() {
            for w in p.words.iter().chain(&p.acronyms) {
                by_word.entry(w.clone()).or_default().push(i);
            }
        }
        Ok(Programmes {
            onisep,
            certifications,
            by_word,
        })
    }

    /// The programme a label teaches, when one matches well enough.
    pub fn link(&self, label: &Label) -> Option<Link<'_>> {
        let kind = fold(&label.kind);
        // State diplomas of health and social work: the type carries the speciality ("D.E Infirmier").
        if let Some(rest) = kind.strip_prefix("d.e ") {
            let wanted = words(rest);
            return best(
                self.certifications.iter().chain(
                    self.onisep
                        .iter()
                        .filter(|p| p.title.to_lowercase().starts_with("diplôme d'etat")),
                ),
                &wanted,
                None,
            );
        }
        let families = family(&label.kind);
        // The speciality alone, then with its options and parcours: the better of the two.
        let mut specs: Vec<String> = Vec::new();
        if let Some(first) = label.parts.first() {
            specs.push(first.clone());
        }
        if label.parts.len() > 1 {
            specs.push(label.parts.join(" "));
        }
        if families.is_none() {
            specs = vec![format!("{} {}", label.kind, label.parts.join(" "))];
        }
        let mut found: Option<Link> = None;
        for spec in specs {
            let wanted = words(&spec);
            if wanted.is_empty() {
                continue;
            }
            let mut pool: BTreeSet<usize> = BTreeSet::new();
            for w in &wanted {
                if let Some(list) = self.by_word.get(w) {
                    pool.extend(list.iter().copied());
                }
            }
            let candidates = pool
                .into_iter()
                .filter_map(|i| self.onisep.get(i))
                .filter(|p| families.is_none_or(|f| f.contains(&p.family.as_str())));
            let acronym = (wanted.len() == 1)
                .then(|| wanted.iter().next().cloned())
                .flatten();
            let floor = if families.is_some() {
                MIN_SCORE
            } else {
                MIN_SCORE_ANY_TYPE
            };
            if let Some(l) =
                best(candidates, &wanted, acronym.as_deref()).filter(|l| l.score >= floor)
            {
                if found.as_ref().is_none_or(|f| l.score > f.score) {
                    found = Some(l);
                }
            }
        }
        found
    }
}

fn best<'a>(
    candidates: impl Iterator<Item = &'a Programme>,
    wanted: &BTreeSet<String>,
    acronym: Option<&str>,
) -> Option<Link<'a>> {
    let mut top: Option<Link> = None;
    for p in candidates {
        let score = if acronym.is_some_and(|a| p.acronyms.contains(a)) {
            // "CPGE MPSI": the acronym names the class; the first year is the one Parcoursup offers.
            if p.title.contains("1re année") {
                0.95
            } else {
                0.9
            }
        } else {
            let common = wanted.intersection(&p.words).count() as f64;
            if common == 0.0 || p.words.is_empty() {
                continue;
            }
            (common / wanted.len() as f64) * (common / p.words.len() as f64)
        };
        // Equal scores: the shorter title is the general programme, not one school's variant.
        let better = top.as_ref().is_none_or(|t| {
            score > t.score || (score == t.score && p.title.len() < t.programme.title.len())
        });
        if better {
            top = Some(Link {
                programme: p,
                score,
            });
        }
    }
    top.filter(|t| t.score >= MIN_SCORE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_cut_at_the_lost_dashes_and_the_bts_domain_is_dropped() {
        let l = Label::parse("BTS   Services   Comptabilite et gestion").unwrap();
        assert_eq!(l.kind, "BTS");
        assert_eq!(l.parts, vec!["Comptabilite et gestion"]);
        assert_eq!(l.display(), "BTS – Comptabilite et gestion");
        assert_eq!(l.level(), Some(5));
        let l = Label::parse("D.E Infirmier").unwrap();
        assert!(l.parts.is_empty());
        assert_eq!(l.level(), Some(6));
        assert!(Label::parse("   ").is_none());
    }

    #[test]
    fn words_meet_across_plural_feminine_and_accents() {
        assert_eq!(words("Infirmière"), words("infirmiers"));
        assert_eq!(words("licence mention psychologie"), words("Psychologie"));
        assert_eq!(
            acronyms("Classe préparatoire (MPSI), 1re année"),
            ["mpsi".to_string()].into()
        );
    }
}
