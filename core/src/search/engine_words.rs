//! The engine's side of issue 16 (words the ROME never uses), kept apart from engine.rs: a child module
//! of `engine`, so it reads the engine's arrays, and is called from two marked hooks there —
//! `compute_alternatives` (more ways to read one word: `expand.rs`) and `search_results` (documents a
//! word matches through a domain label or a level word: `domains.rs`).

use super::{Alt, Engine};
use crate::search::domains::{self, DomainWords};
use crate::search::{expand, french};
use std::collections::HashMap;

/// What the family-label reading needs, computed once per engine on first use (under a millisecond).
pub(super) struct Extras {
    domains: DomainWords,
    /// Grand domaine letter or domaine professionnel code → the fiche documents (heads) of that domain.
    by_code: HashMap<String, Vec<u32>>,
    /// Every fiche document with its level bits, computed when a query first holds a level word.
    levels: std::sync::OnceLock<Vec<(u32, u8)>>,
}

/// How many completions of a compound's base are looked at ("basket" → "basketball").
const BASE_COMPLETIONS: usize = 6;
/// How much a typo reading of a word the vector table knows still weighs.
const TYPO_OF_REAL_WORD: f32 = 0.6;
/// How many phrases an acronym may stand for (the most frequent in the job titles).
const ACRONYM_PHRASES: usize = 2;
/// Quality of the words of a phrase an acronym spells ("vl" → "véhicule léger").
const ACRONYM: f32 = 0.85;

/// The job titles' content words (split on first use, 2–3 MB) and the phrases of the acronyms met so far.
#[derive(Default)]
pub(super) struct Acronyms {
    titles: Vec<Vec<String>>,
    phrases: std::sync::Mutex<HashMap<String, Vec<Vec<String>>>>,
}

impl Engine {
    fn extras(&self) -> &Extras {
        self.extras.get_or_init(|| {
            let mut by_code: HashMap<String, Vec<u32>> = HashMap::new();
            for h in self.fiche_docs() {
                let code = self.romes.get(h as usize);
                if let (Some(gd), Some(dp)) = (code.get(..1), code.get(..3)) {
                    by_code.entry(gd.to_string()).or_default().push(h);
                    by_code.entry(dp.to_string()).or_default().push(h);
                }
            }
            Extras {
                domains: DomainWords::load(),
                by_code,
                levels: std::sync::OnceLock::new(),
            }
        })
    }

    /// The document of every job fiche (the head of its group).
    fn fiche_docs(&self) -> impl Iterator<Item = u32> + '_ {
        self.head
            .iter()
            .copied()
            .filter(|&h| h != u32::MAX && self.kind.get(h as usize) == Some(&0))
    }

    fn levels(&self) -> &[(u32, u8)] {
        self.extras().levels.get_or_init(|| {
            let flags = domains::CadreFlags::load();
            self.fiche_docs()
                .map(|h| {
                    let code = self.romes.get(h as usize);
                    let title = self.titles.get(h as usize);
                    (h, domains::fiche_level(code, title, flags.is_cadre(code)))
                })
                .collect()
        })
    }

    fn push_alt(alts: &mut Vec<Alt>, term: u32, quality: f32) {
        match alts.iter_mut().find(|a| a.term == term) {
            Some(a) if a.quality < quality => {
                a.quality = quality;
                a.capped = false;
                a.typo = false;
            }
            Some(_) => {}
            None => alts.push(Alt {
                term,
                quality,
                capped: false,
                typo: false,
            }),
        }
    }

    /// The terms of a word as it is and by its stem.
    fn word_terms(&self, w: &str) -> Vec<u32> {
        self.term_id(w)
            .into_iter()
            .chain(self.stem_terms(&french::stem(w)))
            .collect()
    }

    /// Hook from `compute_alternatives`: family forms of any word, and for a word the catalogue does not
    /// know (`known` false: no word, stem, completion or synonym), the known word a compound hides, else
    /// its vector neighbours. Each at a quality below the word's own forms.
    pub(super) fn more_alternatives(&self, word: &str, known: bool, alts: &mut Vec<Alt>) {
        for form in expand::family_forms(word) {
            for t in self.word_terms(&form) {
                Self::push_alt(alts, t, expand::FAMILY);
            }
        }
        if known {
            return;
        }
        let mut found = false;
        let bases = expand::compound_bases(word);
        for base in &bases {
            // The base as a word of the catalogue, exactly: its stem would let "rappe" (of "rappeur")
            // pass for a word.
            // And a word of titles: one met only in a description says little.
            let mut terms: Vec<u32> = self
                .term_id(base)
                .filter(|t| self.title_terms.binary_search(t).is_ok())
                .into_iter()
                .collect();
            // The base inside a longer catalogue word: "basket" in "basketball".
            let (lo, hi) = self.prefix_range(base);
            let mut longer: Vec<u32> = (lo as u32..hi as u32)
                .filter(|&t| !self.terms.get(t as usize).starts_with(super::STEM_MARK))
                .collect();
            longer.sort_by_key(|&t| std::cmp::Reverse(self.df(t)));
            longer.truncate(BASE_COMPLETIONS);
            for t in &terms {
                Self::push_alt(alts, *t, expand::COMPOUND);
            }
            if base.len() >= 5 {
                for t in longer {
                    Self::push_alt(alts, t, expand::COMPOUND - 0.1);
                }
            }
            // A base the synonyms table knows ("tiktok").
            if let Some(words) = self.synonyms.get(base.as_str()) {
                for w in words {
                    terms.extend(self.word_terms(w));
                    for t in self.word_terms(w) {
                        Self::push_alt(alts, t, expand::COMPOUND * super::SYNONYM);
                    }
                }
            }
            // A short base says too little to be completed ("rapp" of "rappeur" is not "rapport").
            found |= !terms.is_empty() || (hi > lo && base.len() >= 5);
            if found {
                break;
            }
        }
        if found {
            return;
        }
        // The first of its masculine singular ("youtubeuse" → youtubeur: the commoner form has the
        // better vector), the word itself and its compound bases that the table has.
        let stem = french::stem(word);
        let neighbours = [stem.as_str(), word]
            .into_iter()
            .chain(bases.iter().map(String::as_str))
            .map(|w| self.neighbours.of(w))
            .find(|n| !n.is_empty())
            .unwrap_or_default();
        if !neighbours.is_empty() {
            // A word the vectors know is a real word, not a typo: its one-edit look-alikes (the only
            // alternatives an unknown word has so far) become less likely than its meaning
            // ("rappeur" is not "frappeur").
            for a in alts.iter_mut() {
                a.quality *= TYPO_OF_REAL_WORD;
            }
        }
        for (neighbour, cos) in neighbours {
            for t in self.word_terms(neighbour) {
                Self::push_alt(alts, t, expand::NEIGHBOUR * cos);
            }
        }
    }

    fn acronyms(&self) -> &Acronyms {
        self.acronyms.get_or_init(|| Acronyms {
            titles: (0..self.len())
                .filter(|&d| self.kind[d] == 0)
                .map(|d| {
                    crate::text::words(self.titles.get(d))
                        .into_iter()
                        .filter(|w| !french::is_stop_word(w))
                        .collect()
                })
                .collect(),
            phrases: Default::default(),
        })
    }

    /// The phrases an acronym spells, the most frequent first (remembered).
    fn acronym_phrases(&self, word: &str) -> Vec<Vec<String>> {
        let a = self.acronyms();
        if let Some(hit) = a.phrases.lock().ok().and_then(|m| m.get(word).cloned()) {
            return hit;
        }
        let phrases: Vec<Vec<String>> =
            expand::acronym_phrases(a.titles.iter().map(Vec::as_slice), word)
                .into_iter()
                .take(ACRONYM_PHRASES)
                .map(|(p, _)| p)
                .collect();
        if let Ok(mut m) = a.phrases.lock() {
            if m.len() >= 4096 {
                m.clear();
            }
            m.insert(word.to_string(), phrases.clone());
        }
        phrases
    }

    /// Hook from `slot`: the phrases an acronym-like word spells, as groups of alternatives (a group
    /// counts by the share of its words found, like a synonym of several words).
    /// A word being typed is read as an acronym only when the titles hold it as a word ("vl" of
    /// "Mécanicien VL"): "pr", "ch", "tr" are the first letters of longer words, and the first such
    /// word would otherwise build the acronym table on a keystroke.
    pub(super) fn acronym_groups(&self, word: &str, typing: bool) -> Vec<Vec<Vec<Alt>>> {
        let title_word = || {
            self.term_id(word)
                .is_some_and(|t| self.title_terms.binary_search(&t).is_ok())
        };
        if !expand::is_acronym(word) || (typing && !title_word()) {
            return Vec::new();
        }
        self.acronym_phrases(word)
            .iter()
            .map(|phrase| {
                phrase
                    .iter()
                    .map(|w| {
                        self.word_terms(w)
                            .into_iter()
                            .map(|term| Alt {
                                term,
                                quality: ACRONYM,
                                capped: false,
                                typo: false,
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect()
    }

    /// Hook from `slot`: the readings of an everyday word after its first one, written "a | b" in
    /// `data/search/synonyms.tsv` ("maisons" → bâtiment | immobilier: a house is built, and sold).
    pub(super) fn other_readings(&self, word: &str) -> Vec<Vec<Vec<Alt>>> {
        static READINGS: std::sync::OnceLock<HashMap<String, Vec<Vec<String>>>> =
            std::sync::OnceLock::new();
        let readings = READINGS.get_or_init(|| {
            let mut map: HashMap<String, Vec<Vec<String>>> = HashMap::new();
            for line in super::SYNONYMS.lines().filter(|l| !l.starts_with('#')) {
                let mut cols = line.split('\t');
                let (Some(w), Some(expansion)) = (cols.next(), cols.next()) else {
                    continue;
                };
                let others: Vec<Vec<String>> = expansion
                    .split('|')
                    .skip(1)
                    .map(crate::text::words)
                    .filter(|w| !w.is_empty())
                    .collect();
                if !others.is_empty() {
                    map.insert(crate::text::fold(w.trim()), others);
                }
            }
            map
        });
        let Some(others) = readings
            .get(word)
            .or_else(|| readings.get(&french::stem(word)))
        else {
            return Vec::new();
        };
        others
            .iter()
            .map(|phrase| {
                phrase
                    .iter()
                    .map(|w| {
                        self.word_terms(w)
                            .into_iter()
                            .map(|term| Alt {
                                term,
                                quality: super::SYNONYM,
                                capped: false,
                                typo: false,
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect()
    }

    /// Hook from `search_results`: for each query word, the fiche documents it matches through a domain
    /// label or a level word, with the quality of that match.
    pub(super) fn virtual_matches(&self, words: &[String]) -> Vec<Vec<(u32, f32)>> {
        let mut out = vec![Vec::new(); words.len()];
        // Each word's level, once: most queries name none.
        let levels = domains::levels_of(words);
        let any_level = levels.iter().any(Option::is_some);
        // A single word that is no level word: nothing to add, and nothing to build.
        if !any_level && words.len() < 2 {
            return out;
        }
        let ex = self.extras();
        // A label naming several levels ("techniciens et agents de maîtrise") accepts any of them at
        // each of its level words.
        let named = domains::levels_joined(&levels);
        for (i, w) in words.iter().enumerate() {
            if levels.get(i).is_some_and(Option::is_some) {
                let level = named;
                out[i].extend(self.levels().iter().filter_map(|&(d, l)| {
                    let q = domains::level_match(level, l);
                    (q > 0.0).then_some((d, q))
                }));
                continue;
            }
            // A domain word counts when the query also names a level (a family label) or has several
            // words; a single word is better served by the titles.
            if !any_level && words.len() < 2 {
                continue;
            }
            for (code, quality) in ex.domains.domains_of(w) {
                if let Some(docs) = ex.by_code.get(code) {
                    out[i].extend(docs.iter().map(|&d| (d, *quality)));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::search::doc::Doc;
    use crate::search::engine::Engine;
    use crate::search::{Kind, Query};

    fn job(code: &str, title: &str, body: &str) -> Doc {
        Doc {
            kind: "job",
            id: code.into(),
            title: title.into(),
            rome: Some(code.into()),
            body: body.into(),
            head: true,
            ..Default::default()
        }
    }

    fn engine() -> Engine {
        Engine::build(&[
            job(
                "L1401",
                "Joueur professionnel de basket-ball",
                "Pratique un sport",
            ),
            job("I1606", "Réparateur de cycles", "Répare des vélos"),
            job("D1214", "Vendeur en prêt-à-porter", "Conseille les clients"),
            job(
                "E1406",
                "Influenceur web",
                "Publie des vidéos suivies par ses followers",
            ),
            job("H2206", "Menuisier", "Fabrique des meubles"),
            job("H2205", "Scieur", "Débite des grumes"),
            job("H2204", "Contremaître en menuiserie", "Encadre un atelier"),
            job("F1703", "Maçon", "Monte des murs en bois ou en pierre"),
            job("C1207", "Directeur d'agence bancaire", "Dirige une agence"),
            job(
                "C1206",
                "Conseiller de clientèle bancaire",
                "Conseille les clients",
            ),
            job("J1502", "Cadre de santé", "Encadre une unité de soins"),
            job("N4104", "Coursier Véhicule Léger", "Livre des plis"),
            job("K1723", "Conducteur Véhicule Léger de l'armée", "Conduit"),
            job("E1104", "Vlogueur", "Crée des vidéos"),
            job("I1604", "Mécanicien VL", "Répare les voitures"),
        ])
    }

    fn ids(e: &Engine, text: &str) -> Vec<String> {
        let mut q = Query::new(text);
        q.kind = Some(Kind::Job);
        e.search(&q).unwrap().into_iter().map(|h| h.id).collect()
    }

    #[test]
    fn family_forms_reach_agent_and_action_nouns() {
        let e = engine();
        // "réparer" is in no title; its agent noun "réparateur" is.
        assert_eq!(ids(&e, "réparer ")[0], "I1606");
        assert_eq!(ids(&e, "vendre ")[0], "D1214");
    }

    #[test]
    fn a_compound_finds_the_word_it_hides() {
        let e = engine();
        assert_eq!(ids(&e, "basketteur")[0], "L1401");
        assert_eq!(ids(&e, "basketteuse ")[0], "L1401");
        // An unknown word with no known base and no neighbour finds nothing.
        assert!(ids(&e, "zzqqeur ").is_empty());
    }

    #[test]
    fn an_unknown_word_reaches_its_vector_neighbours() {
        let mut e = engine();
        assert!(
            !ids(&e, "youtubeur ")
                .iter()
                .take(2)
                .any(|h| h == "E1406" || h == "E1104"),
            "without the table, no neighbour reading"
        );
        e.set_neighbours(crate::search::expand::tests::shipped_table());
        // data/search/neighbours.tsv: youtubeur → followers, videos, video (ROME words).
        let hits = ids(&e, "youtubeur ");
        assert!(
            hits.iter().take(2).any(|h| h == "E1406" || h == "E1104"),
            "{hits:?}"
        );
    }

    #[test]
    fn domain_and_level_words_land_on_their_family() {
        let e = engine();
        // "bois" names domain H22 (Bois): the menuisier and the scieur come before the maçon whose
        // body says "bois".
        let hits = ids(&e, "ouvriers qualifiés du bois");
        assert!(
            hits.len() >= 2 && hits[..2].iter().all(|h| h.starts_with("H22")),
            "{hits:?}"
        );
        // "cadres" is a level: the bank's executive (ROME flag) before the "Cadre de santé" title.
        let hits = ids(&e, "cadres de la banque");
        assert_eq!(hits[0], "C1207", "{hits:?}");
    }

    #[test]
    fn each_level_word_of_a_label_accepts_every_level_it_names() {
        let e = engine();
        let words: Vec<String> = ["techniciens", "agents", "maitrise", "bois"]
            .iter()
            .map(|w| w.to_string())
            .collect();
        let matches = e.virtual_matches(&words);
        let codes = |slot: &[(u32, f32)]| -> Vec<String> {
            slot.iter()
                .map(|&(d, _)| e.romes.get(d as usize).to_string())
                .collect()
        };
        // "techniciens" also accepts the foreman (agent de maîtrise), the label naming both levels.
        assert!(
            codes(&matches[0]).contains(&"H2204".to_string()),
            "{:?}",
            codes(&matches[0])
        );
        // Alone, "techniciens" does not.
        let alone = e.virtual_matches(&["techniciens".to_string(), "bois".to_string()]);
        assert!(!codes(&alone[0]).contains(&"H2204".to_string()));
    }

    #[test]
    fn an_acronym_is_spelt_out_and_not_completed() {
        let e = engine();
        let hits = ids(&e, "chauffeur VL");
        assert!(hits[0] == "N4104" || hits[0] == "K1723", "{hits:?}");
        assert!(!hits.iter().any(|h| h == "E1104"), "{hits:?}");
    }
}
