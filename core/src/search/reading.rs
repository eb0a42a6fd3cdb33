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
    "pres", "proche", "autour", "vers", "a", "sur", "de", "du", "d", "dans", "le", "la", "en",
    "au", "cote",
];
/// Of those, the ones that say a place follows (a commune that is also a common word needs one).
const STRONG_MARKERS: [&str; 6] = ["pres", "proche", "autour", "vers", "a", "sur"];
/// Beyond this many words, the text is searched as typed (no place, no intent read).
const MAX_SCAN_WORDS: usize = 24;

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
        let words: Vec<String> = text::words(&q.text);
        // A pasted page is no query with a place: searched as typed.
        if words.len() > MAX_SCAN_WORDS {
            return Reading::default();
        }
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
                for (seen, k) in keep.iter_mut().filter(|k| **k).enumerate() {
                    if (at..at + len).contains(&seen) {
                        *k = false;
                    }
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
                    if span.iter().any(|w| w.chars().all(|c| c.is_ascii_digit())) {
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
                    let dep = words.get(to).and_then(|w| territory::departement_word(w));
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
                    // A one-word village whose name is a word of the jobs' titles or definitions
                    // ("peintre", "bois", "ongles") is a place only after "à", "près de"… (a town of
                    // several postcodes, "Tours", is one).
                    let village = f.areas.iter().filter(|a| a.starts_with("cp:")).count() < 3;
                    if len == 1 && !marked && village && self.in_job_words(&key.to_lowercase()) {
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
                let Some(code) = territory::departement_word(w) else {
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
        // After a level word, an intent word names a domain: "cadres de la formation", "employés de
        // l'aide à domicile" are job families (issue 16).
        let before: Vec<String> = words
            .get(..hit.1)
            .unwrap_or_default()
            .iter()
            .filter(|w| !super::french::is_stop_word(w))
            .cloned()
            .collect();
        if crate::search::domains::levels_named(&before) != 0 {
            return None;
        }
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

    /// Whether a job's title or definition holds this word (or its stem): the ROME never names a
    /// town, so such a word is first a word ("peintre", "bois", "ongles").
    fn in_job_words(&self, word: &str) -> bool {
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
                .any(|&p| self.kind[(p >> 1) as usize] == 0)
        })
    }

    /// Whether one title (of a job, training or aid; not of the kind `except`) holds every word, each
    /// as itself, its stem or an everyday synonym (not a typo neighbour nor a word family: "électricien"
    /// is not in "génie électrique"); with `whole`, a title made of those words only.
    pub(crate) fn a_title_holds(
        &self,
        words: &[String],
        whole: bool,
        except: Option<Kind>,
    ) -> bool {
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
                    .filter(|&&p| {
                        !whole || self.title_words[(p >> 1) as usize] as usize <= words.len()
                    })
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

#[cfg(test)]
mod tests {
    use super::super::Engine;
    use crate::search::doc::Doc;
    use crate::search::{Kind, NearFrom, Query};
    use crate::territory::{Gazetteer, Point};

    /// Communes as the catalogue holds them (La Poste spelling, arrondissements, homonyms).
    fn gazetteer() -> Gazetteer {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE commune (insee TEXT, name TEXT, postcode TEXT, lat REAL, lon REAL,
                                   departement TEXT);
             CREATE TABLE departement (code TEXT, name TEXT, region_code TEXT);
             CREATE TABLE place (id TEXT, name TEXT);
             INSERT INTO commune VALUES
               ('13055', 'MARSEILLE', '13000', 43.29, 5.42, '13'),
               ('13055', 'MARSEILLE 01', '13001', 43.29, 5.42, '13'),
               ('13055', 'MARSEILLE 02', '13002', 43.29, 5.42, '13'),
               ('13055', 'MARSEILLE 03', '13003', 43.29, 5.42, '13'),
               ('60387', 'MARSEILLE EN BEAUVAISIS', '60690', 49.57, 1.95, '60'),
               ('07152', 'MARS', '07320', 45.02, 4.33, '07'),
               ('13001', 'AIX EN PROVENCE', '13090', 43.53, 5.45, '13'),
               ('13001', 'AIX EN PROVENCE', '13100', 43.53, 5.45, '13'),
               ('69123', 'LYON 01', '69001', 45.76, 4.83, '69'),
               ('69123', 'LYON 02', '69002', 45.76, 4.83, '69'),
               ('69123', 'LYON 03', '69003', 45.76, 4.83, '69'),
               ('35238', 'RENNES', '35000', 48.11, -1.68, '35'),
               ('35238', 'RENNES', '35200', 48.11, -1.68, '35'),
               ('35238', 'RENNES', '35700', 48.11, -1.68, '35'),
               ('39411', 'PEINTRE', '39290', 47.19, 5.49, '39'),
               ('42218', 'ST ETIENNE', '42000', 45.43, 4.39, '42'),
               ('42218', 'ST ETIENNE', '42100', 45.43, 4.39, '42'),
               ('93066', 'ST DENIS', '93200', 48.93, 2.35, '93'),
               ('93066', 'ST DENIS', '93210', 48.93, 2.35, '93'),
               ('11339', 'ST DENIS', '11310', 43.35, 2.22, '11');
             INSERT INTO departement VALUES ('13', 'Bouches-du-Rhône', '93'), ('69', 'Rhône', '84'),
               ('35', 'Ille-et-Vilaine', '53'), ('93', 'Seine-Saint-Denis', '11'), ('11', 'Aude', '76');
             INSERT INTO place VALUES ('commune:13055', 'Marseille'), ('commune:69123', 'Lyon'),
               ('commune:42218', 'Saint-Étienne'), ('commune:13001', 'Aix-en-Provence'),
               ('commune:35238', 'Rennes'), ('commune:39411', 'Peintre'),
               ('commune:93066', 'Saint-Denis'), ('commune:11339', 'Saint-Denis'),
               ('commune:60387', 'Marseille-en-Beauvaisis'), ('commune:07152', 'Mars');",
        )
        .unwrap();
        Gazetteer::load(&conn).unwrap()
    }

    fn doc(kind: &'static str, id: &str, title: &str, at: Option<(f64, f64)>) -> Doc {
        Doc {
            kind,
            id: id.into(),
            title: title.into(),
            rome: (kind == "job").then(|| id.into()),
            lat: at.map(|p| p.0),
            lon: at.map(|p| p.1),
            head: true,
            ..Default::default()
        }
    }

    fn engine() -> Engine {
        let marseille = Some((43.30, 5.40));
        let lyon = Some((45.75, 4.85));
        let e = Engine::build(&[
            doc("job", "J1501", "Aide-soignant / Aide-soignante", None),
            doc("job", "F1606", "Peintre en bâtiment", None),
            doc("job", "D1102", "Boulanger / Boulangère", None),
            doc(
                "job",
                "M1304",
                "Directeur / Directrice de mission locale",
                None,
            ),
            doc("training", "t-deas", "Diplôme d'État d'aide-soignant", None),
            doc("training", "t-bts", "BTS Commerce international", None),
            doc("training", "t-bts-lyon", "BTS Commerce international", lyon),
            doc("training", "t-aide", "Aide à la personne", marseille),
            doc("training", "t-cap", "CAP Boulanger", None),
            doc("aid", "a-permis", "Aide au permis de conduire", None),
            doc("place", "ml-13", "Mission Locale de Marseille", marseille),
            doc("place", "ml-69", "Mission Locale de Lyon", lyon),
            doc("place", "commune:13055", "Marseille", marseille),
        ]);
        e.set_places(gazetteer());
        e
    }

    fn ids(r: &super::super::Results) -> Vec<&str> {
        r.hits.iter().map(|h| h.id.as_str()).collect()
    }

    #[test]
    fn a_commune_in_the_words_is_the_place_searched_near() {
        let e = engine();
        let r = e
            .search_results(&Query::new("aide soignante marseille"))
            .unwrap();
        let near = r.near.as_ref().expect("Marseille understood");
        assert_eq!(near.label, "Marseille (13)");
        assert_eq!(near.found_by, NearFrom::Commune);
        assert_eq!(near.words.as_deref(), Some("marseille"));
        assert_eq!(near.said, "près de Marseille (13)");
        // "aide" is part of a job title here: no aid intent.
        assert_eq!(r.intent, None);
        // The job and the national diploma, not the unrelated training that happens to be there.
        assert_eq!(ids(&r).first(), Some(&"J1501"));
        assert!(ids(&r).contains(&"t-deas"), "{:?}", ids(&r));
        assert!(!ids(&r).contains(&"t-aide"), "{:?}", ids(&r));
        assert_eq!(
            r.notice.as_deref(),
            Some("Aucune formation localisée trouvée près de Marseille (13)")
        );
        assert_eq!(r.searched, "aide soignante ");

        let r = e.search_results(&Query::new("bts commerce lyon")).unwrap();
        assert_eq!(r.near.as_ref().map(|n| n.label.as_str()), Some("Lyon (69)"));
        let located = r.hits.iter().find(|h| h.id == "t-bts-lyon").unwrap();
        assert!(located.distance_km.is_some_and(|d| d < 5.0));
        assert_eq!(r.notice, None);
        assert_eq!(r.intent.as_ref().map(|i| i.kind), Some(Kind::Training));
    }

    #[test]
    fn postcodes_departements_markers_and_saint() {
        let e = engine();
        let near = |t: &str| e.search_results(&Query::new(t)).unwrap().near;
        let n = near("bts commerce 13001").unwrap();
        assert_eq!(
            (n.label.as_str(), n.found_by),
            ("Marseille (13001)", NearFrom::Postcode)
        );
        let n = near("bts commerce 13").unwrap();
        assert_eq!(n.found_by, NearFrom::Departement);
        assert_eq!(n.label, "Bouches-du-Rhône (13)");
        assert_eq!(n.said, "Bouches-du-Rhône (13), autour de Marseille");
        let n = near("boulanger près de Rennes").unwrap();
        assert_eq!(n.words.as_deref(), Some("pres de rennes"));
        assert_eq!(n.label, "Rennes (35)");
        assert_eq!(near("bts st etienne").unwrap().label, "Saint-Étienne (42)");
        assert_eq!(
            near("boulanger saint-étienne").unwrap().label,
            "Saint-Étienne (42)"
        );
        assert_eq!(
            near("boulanger aix en provence").unwrap().label,
            "Aix-en-Provence (13)"
        );
        // Homonyms: the main town (more postcodes), or the one given after the name, or the nearest
        // to the user's own location.
        assert_eq!(
            near("boulanger saint denis").unwrap().label,
            "Saint-Denis (93)"
        );
        assert_eq!(
            near("boulanger saint denis 11").unwrap().label,
            "Saint-Denis (11)"
        );
        let mut q = Query::new("boulanger saint denis");
        q.near = Some(Point {
            lat: 43.3,
            lon: 2.2,
        });
        q.near_label = None;
        assert_eq!(
            e.read_query(&q).place.map(|p| p.found.label),
            Some("Saint-Denis (11)".to_string())
        );
    }

    #[test]
    fn words_that_are_not_places() {
        let e = engine();
        let near = |t: &str| e.search_results(&Query::new(t)).unwrap().near;
        // A village named like a job word needs "à"; a place alone is searched as a word.
        assert_eq!(near("peintre en batiment"), None);
        assert_eq!(
            near("boulanger à peintre").map(|n| n.label),
            Some("Peintre (39)".into())
        );
        assert_eq!(near("marseille"), None);
        // Being typed: "mars" is on its way to "marseille".
        assert_eq!(near("aide soignante mars"), None);
        // The words are a title: "Mission Locale de Marseille" is not read as a training title, but
        // a job title holding every word wins over the place.
        assert!(near("mission locale marseille").is_some());
        // Numbers that are not départements.
        assert_eq!(near("bts 1"), None);
        assert_eq!(near("bts 20"), None);
        // The shell's removed chip: the words as typed.
        let mut q = Query::new("bts commerce lyon");
        q.read_place = false;
        let r = e.search_results(&q).unwrap();
        assert_eq!(r.near, None);
        assert_eq!(r.searched, "bts commerce lyon");
    }

    #[test]
    fn a_given_place_is_kept() {
        let e = engine();
        let mut q = Query::new("bts commerce marseille");
        q.near = Some(Point {
            lat: 45.75,
            lon: 4.85,
        });
        q.near_label = Some("Lyon (69)".into());
        let r = e.search_results(&q).unwrap();
        let n = r.near.unwrap();
        assert_eq!(
            (n.label.as_str(), n.found_by),
            ("Lyon (69)", NearFrom::Given)
        );
        assert_eq!(
            r.searched, "bts commerce marseille",
            "far from the given place: words kept"
        );
        q.text = "bts commerce lyon".into();
        let r = e.search_results(&q).unwrap();
        assert_eq!(r.near.unwrap().words.as_deref(), Some("lyon"));
        assert_eq!(r.searched, "bts commerce ");
    }

    #[test]
    fn intent_words_rank_a_kind_first_unless_they_are_a_title() {
        let e = engine();
        let r = e
            .search_results(&Query::new("mission locale marseille"))
            .unwrap();
        assert_eq!(r.intent.as_ref().map(|i| i.kind), Some(Kind::Place));
        assert_eq!(ids(&r).first(), Some(&"ml-13"), "{:?}", ids(&r));
        assert_eq!(r.notice, None);
        let r = e.search_results(&Query::new("métier boulanger")).unwrap();
        let i = r.intent.unwrap();
        assert_eq!((i.kind, i.words.as_str()), (Kind::Job, "metier"));
        assert_eq!(i.said, "métiers en premier");
        assert_eq!(r.searched, "boulanger", "still being typed");
        let r = e
            .search_results(&Query::new("formation boulanger"))
            .unwrap();
        assert_eq!(ids(&r).first(), Some(&"t-cap"), "{:?}", ids(&r));
        let r = e.search_results(&Query::new("aide permis")).unwrap();
        assert_eq!(r.intent.map(|i| i.kind), Some(Kind::Aid));
        let r = e.search_results(&Query::new("aide soignante")).unwrap();
        assert_eq!(r.intent, None);
        assert_eq!(ids(&r).first(), Some(&"J1501"));
    }

    #[test]
    fn an_intent_word_after_a_level_word_names_a_domain() {
        let e = engine();
        // "formation" alone asks for trainings; after "cadres de la" it is the family's domain.
        let r = e.search_results(&Query::new("formation ")).unwrap();
        assert_eq!(r.intent.map(|i| i.kind), Some(Kind::Training));
        let r = e
            .search_results(&Query::new("cadres de la formation "))
            .unwrap();
        assert_eq!(r.intent, None);
        assert!(r.searched.contains("formation"), "{}", r.searched);
    }

    #[test]
    fn hostile_text_never_panics() {
        let e = engine();
        let long = "marseille 13 ".repeat(1000);
        for t in [
            "",
            " ",
            "à",
            "près de",
            "13",
            "13001",
            "2a 2b 974",
            "saint",
            "st st st",
            "de de de lyon",
            "'''",
            "🙂 lyon",
            "lyon 🙂",
            "\u{0}13",
            "bts 13 13 13 13001 lyon marseille",
            &long,
        ] {
            let _ = e.search_results(&Query::new(t)).unwrap();
        }
    }
}
