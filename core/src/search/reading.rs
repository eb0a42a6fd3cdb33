//! Issue 10: reading the whole query before searching it. A place among the words ("bts commerce
//! lyon", "cap cuisine 13", "infirmier près de Rennes", "formation cariste 13001") becomes the place to
//! search near, and intent words ("formation", "métier", "aide", "mission locale"…) rank one kind first.
//! Both only when the words are not the title of something: "aide soignante" is a job, "École spéciale
//! militaire de Saint-Cyr" a school. The commune names come from `territory::Gazetteer`, read once when
//! the catalogue opens; nothing here touches SQL.

use super::{Engine, Kind, Query};
use crate::territory::{self, FoundBy, Gazetteer};
use crate::text;

/// Words that announce a place: "près de Rennes", "à Lyon", "sur Marseille". They go with the place.
const PLACE_MARKERS: [&str; 15] = [
    "pres", "proche", "autour", "vers", "a", "sur", "de", "du", "d", "dans", "le", "la", "en", "au",
    "cote",
];
/// Of those, the ones that say a place follows (a commune that is also a common word needs one).
const STRONG_MARKERS: [&str; 6] = ["pres", "proche", "autour", "vers", "a", "sur"];
/// The most words read around one place (markers, name, département).
const MAX_SCAN_WORDS: usize = 16;

/// Intent phrases (folded words) and the kind they ask for; `generic` ones only name a kind and are
/// not searched for ("formation cariste" searches "cariste" among trainings first).
struct IntentWord {
    words: &'static [&'static str],
    kind: Kind,
    generic: bool,
}

const fn iw(words: &'static [&'static str], kind: Kind, generic: bool) -> IntentWord {
    IntentWord {
        words,
        kind,
        generic,
    }
}

const INTENTS: &[IntentWord] = &[
    iw(&["se", "former"], Kind::Training, true),
    iw(&["me", "former"], Kind::Training, true),
    iw(&["formation"], Kind::Training, true),
    iw(&["formations"], Kind::Training, true),
    iw(&["diplome"], Kind::Training, false),
    iw(&["diplomes"], Kind::Training, false),
    iw(&["ecole"], Kind::Training, false),
    iw(&["ecoles"], Kind::Training, false),
    iw(&["etudes"], Kind::Training, false),
    iw(&["bts"], Kind::Training, false),
    iw(&["cap"], Kind::Training, false),
    iw(&["licence"], Kind::Training, false),
    iw(&["master"], Kind::Training, false),
    iw(&["but"], Kind::Training, false),
    iw(&["dut"], Kind::Training, false),
    iw(&["bac"], Kind::Training, false),
    iw(&["cpge"], Kind::Training, false),
    iw(&["prepa"], Kind::Training, false),
    iw(&["bachelor"], Kind::Training, false),
    iw(&["apprentissage"], Kind::Training, false),
    iw(&["alternance"], Kind::Training, false),
    iw(&["travailler", "comme"], Kind::Job, true),
    iw(&["travailler", "en", "tant", "que"], Kind::Job, true),
    iw(&["metier"], Kind::Job, true),
    iw(&["metiers"], Kind::Job, true),
    iw(&["devenir"], Kind::Job, true),
    iw(&["emploi"], Kind::Job, false),
    iw(&["aide"], Kind::Aid, false),
    iw(&["aides"], Kind::Aid, false),
    iw(&["financement"], Kind::Aid, false),
    iw(&["financer"], Kind::Aid, false),
    iw(&["bourse"], Kind::Aid, false),
    iw(&["allocation"], Kind::Aid, false),
    iw(&["mission", "locale"], Kind::Place, false),
    iw(&["agence"], Kind::Place, false),
    iw(&["lycee"], Kind::Place, false),
    iw(&["lycees"], Kind::Place, false),
    iw(&["cio"], Kind::Place, false),
    iw(&["france", "travail"], Kind::Place, false),
    iw(&["pole", "emploi"], Kind::Place, false),
];

/// A place read among the words.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PlaceRead {
    pub found: territory::Found,
    /// The words read as the place, as folded ("pres de rennes").
    pub words: String,
    /// The user's own location was given and the words name a place within the radius of it: the
    /// given one is kept, the words are dropped.
    pub same_as_given: bool,
}

/// What was understood of a query.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Reading {
    /// The words to search, when they differ from the text typed (a place or a generic intent word
    /// removed).
    pub text: Option<String>,
    pub place: Option<PlaceRead>,
    pub intent: Option<(Kind, Vec<String>)>,
}

impl Engine {
    /// Reads the place and the intent of a query (cheap: a few binary searches per word; the title
    /// checks run only when a candidate is there).
    pub(crate) fn read_query(&self, q: &Query) -> Reading {
        let mut words: Vec<String> = text::words(&q.text);
        words.truncate(MAX_SCAN_WORDS);
        let typing = !q
            .text
            .ends_with(|c: char| c.is_whitespace() || c.is_ascii_punctuation());
        let mut reading = Reading::default();
        let mut keep = vec![true; words.len()];
        let gazetteer = self.places.get();
        if let (true, Some(g)) = (q.read_place, gazetteer) {
            if let Some((from, to, found)) = self.find_place(g, &words, typing, q) {
                let same_as_given = match (q.near, q.near_label.is_some()) {
                    (Some(given), true) => {
                        territory::distance_km(given, found.point) <= q.radius_km
                    }
                    _ => false,
                };
                let given = q.near.is_some() && q.near_label.is_some();
                if !given || same_as_given {
                    let span: Vec<&str> = words
                        .get(from..to)
                        .unwrap_or_default()
                        .iter()
                        .map(String::as_str)
                        .collect();
                    for k in keep.iter_mut().take(to).skip(from) {
                        *k = false;
                    }
                    reading.place = Some(PlaceRead {
                        found,
                        words: span.join(" "),
                        same_as_given,
                    });
                }
            }
        }
        let rest: Vec<String> = words
            .iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(w, _)| w.clone())
            .collect();
        if let Some((kind, at, len, generic)) = self.find_intent(&rest) {
            let phrase: Vec<String> = rest.get(at..at + len).unwrap_or_default().to_vec();
            let others = rest
                .iter()
                .enumerate()
                .any(|(i, w)| !(at..at + len).contains(&i) && !super::french::is_stop_word(w));
            if generic && others {
                // Drop the phrase from the words searched: map positions of `rest` back to `words`.
                let mut seen = 0;
                for k in keep.iter_mut().filter(|k| **k) {
                    if (at..at + len).contains(&seen) {
                        *k = false;
                    }
                    seen += 1;
                }
            }
            reading.intent = Some((kind, phrase));
        }
        if keep.iter().any(|k| !k) {
            let last_removed = keep.last() == Some(&false);
            let t: Vec<&str> = words
                .iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(w, _)| w.as_str())
                .collect();
            let mut text = t.join(" ");
            // The word being typed was the place: what is left is typed in full.
            if !text.is_empty() && (last_removed || !typing) {
                text.push(' ');
            }
            reading.text = Some(text);
        }
        reading
    }

    /// The place among the words: a postcode, else the longest commune name (the later one on a tie),
    /// else a département number. (first word, end, place).
    fn find_place(
        &self,
        g: &Gazetteer,
        words: &[String],
        typing: bool,
        q: &Query,
    ) -> Option<(usize, usize, territory::Found)> {
        let n = words.len();
        let content = |from: usize, to: usize| {
            words
                .iter()
                .enumerate()
                .filter(|(i, w)| {
                    !(from..to).contains(i)
                        && !super::french::is_stop_word(w)
                        && !PLACE_MARKERS.contains(&w.as_str())
                })
                .count()
        };
        let around = q.near;
        let mut best: Option<(usize, usize, territory::Found)> = None;
        // Postcodes.
        for (i, w) in words.iter().enumerate() {
            if territory::is_postcode_word(w) && content(i, i + 1) > 0 {
                if let Some(f) = g.postcode(w) {
                    best = Some((i, i + 1, f));
                }
            }
        }
        // Communes: the longest name, the later one on a tie.
        if best.is_none() {
            let max = g.max_words().clamp(1, 6);
            let mut found: Option<(usize, usize, territory::Found)> = None;
            for len in (1..=max.min(n)).rev() {
                for from in (0..=n - len).rev() {
                    let to = from + len;
                    let Some(span) = words.get(from..to) else {
                        continue;
                    };
                    if span
                        .iter()
                        .any(|w| w.chars().all(|c| c.is_ascii_digit()))
                    {
                        continue;
                    }
                    let key = territory::commune_key(&span.join(" "));
                    if key.is_empty() || content(from, to) == 0 {
                        continue;
                    }
                    let being_typed = typing && to == n;
                    if being_typed && g.larger_town_starts_with(&key) {
                        continue;
                    }
                    // "Saint-Denis 93": a département right after the name chooses among homonyms.
                    let dep = words.get(to).and_then(|w| territory::departement_code(w));
                    let Some(f) = g.commune(&key, dep.as_deref(), around) else {
                        continue;
                    };
                    let marked = from > 0
                        && words
                            .get(..from)
                            .unwrap_or_default()
                            .iter()
                            .rev()
                            .take(2)
                            .any(|w| STRONG_MARKERS.contains(&w.as_str()));
                    // A one-word village whose name is a word of job titles ("peintre", "bois") is a
                    // place only after "à", "près de"… (a town of several postcodes, "Tours", is one).
                    let village = f.areas.iter().filter(|a| a.starts_with("cp:")).count() < 3;
                    if len == 1 && !marked && village && self.in_job_titles(&key.to_lowercase()) {
                        continue;
                    }
                    let consumed_dep = dep
                        .as_ref()
                        .is_some_and(|d| f.areas.contains(&format!("dep:{d}")));
                    let end = if consumed_dep { to + 1 } else { to };
                    found = Some((from, end, f));
                    break;
                }
                if found.is_some() {
                    break;
                }
            }
            best = found;
        }
        // Départements: a number of two digits (or 2A, 2B, 97x) after other words.
        if best.is_none() {
            for (i, w) in words.iter().enumerate().rev() {
                let Some(code) = territory::departement_code(w) else {
                    continue;
                };
                let after_number = i > 0
                    && words
                        .get(i - 1)
                        .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()));
                if i == 0 || after_number || content(i, i + 1) == 0 {
                    continue;
                }
                if let Some(f) = g.departement(&code) {
                    best = Some((i, i + 1, f));
                    break;
                }
            }
        }
        let (mut from, to, found) = best?;
        // The words that announce the place go with it ("près de", "à").
        while from > 0
            && words
                .get(from - 1)
                .is_some_and(|w| PLACE_MARKERS.contains(&w.as_str()))
            && content(from - 1, to) > 0
        {
            from -= 1;
        }
        // The title reading wins: "École spéciale militaire de Saint-Cyr", "Mission locale de Lyon" as
        // a training title, are names, not places.
        let all: Vec<String> = words
            .iter()
            .filter(|w| !super::french::is_stop_word(w))
            .cloned()
            .collect();
        if self.a_title_holds(&all, false, None) {
            return None;
        }
        Some((from, to, found))
    }

    /// The intent phrase among the words: (kind, at, length, generic). None when the words are the
    /// title of something of another kind, nothing more: "aide soignante" is a job, not an aid, while
    /// "mission locale" stays a place even though "Directeur de mission locale" holds it, and "BUT
    /// informatique" a training.
    fn find_intent(&self, words: &[String]) -> Option<(Kind, usize, usize, bool)> {
        let mut hit = None;
        'scan: for at in 0..words.len() {
            for w in INTENTS {
                let len = w.words.len();
                let matches = words
                    .get(at..at + len)
                    .is_some_and(|s| s.iter().zip(w.words).all(|(a, b)| a == b));
                if matches {
                    hit = Some((w.kind, at, len, w.generic));
                    break 'scan;
                }
            }
        }
        let hit = hit?;
        let content: Vec<String> = words
            .iter()
            .filter(|w| !super::french::is_stop_word(w))
            .cloned()
            .collect();
        if content.len() > 1 && self.a_title_holds(&content, true, Some(hit.0)) {
            return None;
        }
        Some(hit)
    }

    /// Whether a job title holds this word (or its stem): job titles never name a town, so such a
    /// word is first a word ("peintre", "bois").
    fn in_job_titles(&self, word: &str) -> bool {
        let mut terms = self
            .term_id(word)
            .into_iter()
            .chain(self.stem_terms(&super::french::stem(word)));
        terms.any(|t| {
            let (from, to) = (
                self.postings_at[t as usize] as usize,
                self.postings_at[t as usize + 1] as usize,
            );
            self.postings[from..to]
                .iter()
                .any(|&p| p & 1 == 0 && self.kind[(p >> 1) as usize] == 0)
        })
    }

    /// Whether one title (of a job, training or aid; not of the kind `except`) holds every word, each
    /// as itself, its stem or an everyday synonym (not a typo neighbour nor a word family: "électricien"
    /// is not in "génie électrique"); with `whole`, a title made of those words only.
    pub(crate) fn a_title_holds(&self, words: &[String], whole: bool, except: Option<Kind>) -> bool {
        if words.is_empty() {
            return false;
        }
        let terms: Vec<Vec<u32>> = words
            .iter()
            .map(|w| {
                self.alternatives(w, false)
                    .iter()
                    .filter(|a| !a.typo && a.quality >= super::SYNONYM)
                    .map(|a| a.term)
                    .collect()
            })
            .collect();
        let size = |ts: &Vec<u32>| -> usize { ts.iter().map(|&t| self.df(t)).sum() };
        let Some(smallest) = (0..terms.len()).min_by_key(|&i| terms.get(i).map_or(0, size)) else {
            return false;
        };
        let mut docs: Vec<u32> = Vec::new();
        for &t in terms.get(smallest).into_iter().flatten() {
            let (from, to) = (
                self.postings_at[t as usize] as usize,
                self.postings_at[t as usize + 1] as usize,
            );
            docs.extend(
                self.postings[from..to]
                    .iter()
                    .filter(|&&p| p & 1 == 0 && self.kind[(p >> 1) as usize] != 3)
                    .filter(|&&p| except != Some(super::kind_of(self.kind[(p >> 1) as usize])))
                    .filter(|&&p| !whole || self.title_words[(p >> 1) as usize] as usize <= words.len())
                    .map(|&p| p >> 1),
            );
        }
        docs.sort_unstable();
        docs.dedup();
        for (i, ts) in terms.iter().enumerate() {
            if i == smallest {
                continue;
            }
            docs.retain(|&d| {
                ts.iter().any(|&t| {
                    let (from, to) = (
                        self.postings_at[t as usize] as usize,
                        self.postings_at[t as usize + 1] as usize,
                    );
                    self.postings[from..to].binary_search(&(d << 1)).is_ok()
                })
            });
            if docs.is_empty() {
                return false;
            }
        }
        !docs.is_empty()
    }
}

/// How a place was found, for the page.
pub(crate) fn found_by(f: FoundBy) -> crate::search::NearFrom {
    match f {
        FoundBy::Postcode => crate::search::NearFrom::Postcode,
        FoundBy::Departement => crate::search::NearFrom::Departement,
        FoundBy::Commune | FoundBy::Coordinates => crate::search::NearFrom::Commune,
    }
}
