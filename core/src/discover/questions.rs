//! The quiz's questions, read from `data/discover/questions.tsv` (data, not code): each question's text in
//! both forms of address, the ROME tags it asks about and why.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// The questions shipped with the app, embedded at build time.
pub const BUILTIN: &str = include_str!("../../../data/discover/questions.tsv");

/// How the app speaks to the user: "tu" by default (a 15-year-old), "vous" as an option (an adult).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Formality {
    #[default]
    Tu,
    Vous,
}

impl Formality {
    pub fn code(self) -> &'static str {
        match self {
            Formality::Tu => "tu",
            Formality::Vous => "vous",
        }
    }

    pub fn parse(text: &str) -> Option<Formality> {
        match text.trim().to_lowercase().as_str() {
            "tu" => Some(Formality::Tu),
            "vous" => Some(Formality::Vous),
            _ => None,
        }
    }
}

/// The answer scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Oui,
    PlutotOui,
    PlutotNon,
    Non,
    NeSaisPas,
}

impl Answer {
    /// In the order the choices are shown.
    pub const ALL: [Answer; 5] = [
        Answer::Oui,
        Answer::PlutotOui,
        Answer::PlutotNon,
        Answer::Non,
        Answer::NeSaisPas,
    ];

    /// The code scripts pass (`--answer dehors=plutot_oui`) and the profile stores.
    pub fn code(self) -> &'static str {
        match self {
            Answer::Oui => "oui",
            Answer::PlutotOui => "plutot_oui",
            Answer::PlutotNon => "plutot_non",
            Answer::Non => "non",
            Answer::NeSaisPas => "ne_sais_pas",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Answer::Oui => "Oui",
            Answer::PlutotOui => "Plutôt oui",
            Answer::PlutotNon => "Plutôt non",
            Answer::Non => "Non",
            Answer::NeSaisPas => "Je ne sais pas",
        }
    }

    /// A code or a label as typed: "plutot_oui", "Plutôt oui", "plutôt-non", "je ne sais pas", "nsp".
    pub fn parse(text: &str) -> Option<Answer> {
        let folded = crate::text::fold(text.trim());
        let key: String = folded
            .split(|c: char| c.is_whitespace() || c == '_' || c == '-' || c == '\'')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("_");
        match key.as_str() {
            "nsp" | "je_ne_sais_pas" | "sais_pas" | "ne_sais_pas" => Some(Answer::NeSaisPas),
            k => Answer::ALL.into_iter().find(|a| a.code() == k),
        }
    }

    /// Where the answer sits on the scale, from -1 (non) to 1 (oui); None for "je ne sais pas".
    pub fn value(self) -> Option<f32> {
        match self {
            Answer::Oui => Some(1.0),
            Answer::PlutotOui => Some(0.5),
            Answer::PlutotNon => Some(-0.5),
            Answer::Non => Some(-1.0),
            Answer::NeSaisPas => None,
        }
    }

    pub fn is_yes(self) -> bool {
        matches!(self, Answer::Oui | Answer::PlutotOui)
    }
}

/// One question and the data it asks about.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub id: String,
    pub tu: String,
    pub vous: String,
    /// ROME centre d'intérêt codes ("14").
    pub interests: Vec<String>,
    /// RIASEC letters.
    pub riasec: Vec<char>,
    /// ROME work-context OGR codes ("300783").
    pub contexts: Vec<String>,
    /// A "non" refuses the contexts (rather than only weighing in the score).
    pub constraint: bool,
    pub reason_tu: String,
    pub reason_vous: String,
    pub why: String,
}

impl Question {
    pub fn text(&self, f: Formality) -> &str {
        match f {
            Formality::Tu => &self.tu,
            Formality::Vous => &self.vous,
        }
    }

    pub fn reason(&self, f: Formality) -> &str {
        match f {
            Formality::Tu => &self.reason_tu,
            Formality::Vous => &self.reason_vous,
        }
    }
}

const COLUMNS: [&str; 10] = [
    "id",
    "tu",
    "vous",
    "centres_interet",
    "riasec",
    "contextes",
    "contrainte",
    "raison_tu",
    "raison_vous",
    "pourquoi",
];

fn list(cell: &str) -> Vec<String> {
    cell.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// A questions file we ship that cannot be read as it should: a bug of ours, said with the reason.
pub(crate) fn bad_questions(why: String) -> Error {
    Error::BadSource {
        file: "questions du quiz".into(),
        why,
    }
}

/// Reads a questions file. Every line must be well formed: a broken question file is a bug of ours, so it
/// is refused whole, with the line, rather than half-read.
pub fn parse(text: &str) -> Result<Vec<Question>> {
    let bad = |line: usize, why: String| bad_questions(format!("ligne {line} : {why}"));
    let mut out: Vec<Question> = Vec::new();
    let mut header = false;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim_end_matches('\r');
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').map(str::trim).collect();
        if !header {
            if cells != COLUMNS {
                return Err(bad(n, format!("en-tête attendu : {}", COLUMNS.join(", "))));
            }
            header = true;
            continue;
        }
        if cells.len() != COLUMNS.len() {
            return Err(bad(
                n,
                format!("{} colonnes au lieu de {}", cells.len(), COLUMNS.len()),
            ));
        }
        let id = cells[0];
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        {
            return Err(bad(n, format!("identifiant invalide « {id} »")));
        }
        if out.iter().any(|q| q.id == id) {
            return Err(bad(n, format!("identifiant « {id} » en double")));
        }
        let mut riasec = Vec::new();
        for letter in list(cells[4]) {
            match letter.as_str() {
                "R" | "I" | "A" | "S" | "E" | "C" => riasec.extend(letter.chars()),
                other => return Err(bad(n, format!("lettre RIASEC inconnue « {other} »"))),
            }
        }
        let contexts = list(cells[5]);
        let constraint = match (cells[6], contexts.is_empty()) {
            ("oui", false) => true,
            ("non", false) | ("", true) => false,
            (v, _) => {
                return Err(bad(
                    n,
                    format!("contrainte « {v} » : oui ou non pour une question sur des contextes, vide sinon"),
                ))
            }
        };
        let q = Question {
            id: id.to_string(),
            tu: cells[1].to_string(),
            vous: cells[2].to_string(),
            interests: list(cells[3]),
            riasec,
            contexts,
            constraint,
            reason_tu: cells[7].to_string(),
            reason_vous: cells[8].to_string(),
            why: cells[9].to_string(),
        };
        if q.interests.is_empty() && q.riasec.is_empty() && q.contexts.is_empty() {
            return Err(bad(
                n,
                "aucune étiquette (centre d'intérêt, RIASEC ou contexte)".into(),
            ));
        }
        if [&q.tu, &q.vous, &q.reason_tu, &q.reason_vous, &q.why]
            .iter()
            .any(|t| t.is_empty())
        {
            return Err(bad(n, "texte, raison ou « pourquoi » vide".into()));
        }
        out.push(q);
    }
    if out.is_empty() {
        return Err(bad_questions("aucune question".into()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_parse_from_codes_and_labels() {
        for a in Answer::ALL {
            assert_eq!(Answer::parse(a.code()), Some(a));
            assert_eq!(Answer::parse(a.label()), Some(a));
        }
        assert_eq!(Answer::parse("plutôt-non"), Some(Answer::PlutotNon));
        assert_eq!(Answer::parse(" OUI "), Some(Answer::Oui));
        assert_eq!(Answer::parse("nsp"), Some(Answer::NeSaisPas));
        assert_eq!(Answer::parse("peut-être"), None);
        assert_eq!(Answer::parse(""), None);
    }

    #[test]
    fn builtin_questions_parse_and_speak_both_ways() {
        let qs = parse(BUILTIN).unwrap();
        assert!(qs.len() >= 30, "{}", qs.len());
        let tutoiement = [" tu ", " te ", " t'", " ton ", " ta ", " tes ", " toi"];
        for q in &qs {
            let vous = format!(" {} ", q.vous.to_lowercase());
            assert!(
                !tutoiement.iter().any(|w| vous.contains(w)),
                "{} : tutoiement dans « {} »",
                q.id,
                q.vous
            );
            assert!(!q.tu.to_lowercase().contains("vous"), "{}", q.id);
            assert!(q.reason_tu.starts_with("tu "), "{}", q.id);
            assert!(q.reason_vous.starts_with("vous "), "{}", q.id);
        }
    }

    #[test]
    fn a_broken_question_file_is_refused_with_its_line() {
        let head = COLUMNS.join("\t");
        let ok = "a\tTu ?\tVous ?\t1\t\t\t\ttu a\tvous a\tcar";
        assert_eq!(parse(&format!("{head}\n{ok}\n")).unwrap().len(), 1);
        let cases = [
            format!("{head}\n{ok}\n{ok}\n"),
            format!("{head}\nb\tTu ?\tVous ?\t\tX\t\t\ttu\tvous\tcar\n"),
            format!("{head}\nc\tTu ?\tVous ?\t\t\t\t\ttu\tvous\tcar\n"),
            format!("{head}\nd\tTu ?\tVous ?\t\t\t300783\tpeut-être\ttu\tvous\tcar\n"),
            format!("{head}\ne\tTu ?\n"),
            format!("{ok}\n"),
            String::new(),
        ];
        for text in cases {
            let err = parse(&text).unwrap_err().to_string();
            assert!(err.contains("questions du quiz"), "{err}");
        }
    }
}
