//! Our search engine: an in-memory inverted index over French word forms, built from the same documents as
//! the FTS5 index and saved with the catalogue so opening it costs a read, not a rebuild.
//!
//! A query word matches a document word when they have the same stem (gender and number folded), when it
//! is the beginning of it (the word being typed), when it is within one or two edits of it (typos, weighed
//! for AZERTY slips), or through the synonym table. Exact and prefix matches are worth more than fuzzy ones,
//! a word in the title more than one in the body. Documents are ranked by how much of the query they cover,
//! how rare the matched words are, and how much of their title the query covers; jobs are grouped by fiche.

use super::doc::{Doc, Located};
use super::filters::{Facets, Filters, SessionInfo, TrainingInfo};
use super::{french, fuzzy, Hit, Kind, Query};
use super::{Badge, BadgeKind};
use crate::codes::{Funding, TeachingMode};
use crate::error::{Error, Result};
use crate::territory;
use crate::text;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

const BODY_WEIGHT: f32 = 0.3;
const EXACT: f32 = 1.0;
const SYNONYM: f32 = 0.9;
/// Prefix matches score in [PREFIX_MIN, PREFIX_MIN + 0.3], fuzzy ones below FUZZY_MAX: a fuzzy match never
/// outweighs an exact or prefix one.
const PREFIX_MIN: f32 = 0.6;
const FUZZY_MAX: f32 = 0.55;
/// Subtracted from the ranking key of a document that matched a word of the titles only through a typo
/// neighbour: more than any score, so it ranks below every document that has the word.
const TYPO_TIER: f32 = 1.0e4;
/// How many completions of a word being typed are looked at (the most frequent ones).
const MAX_COMPLETIONS: usize = 48;
/// For a prefix of three letters or fewer, only the first postings of each completion are read: documents are
/// stored in static-rank order, so these are the likeliest ones.
const SHORT_PREFIX_POSTINGS: usize = 1000;
const MAX_QUERY_WORDS: usize = 12;
/// Words whose alternatives are remembered between keystrokes (then the memory starts again).
const ALT_CACHE_SIZE: usize = 4096;
const MAX_WORD_LEN: usize = 40;
const SYNONYMS: &str = include_str!("../../../data/search/synonyms.tsv");

/// Issue 16: words the ROME never uses (word families, compounds, neighbours, domains and levels).
#[path = "engine_words.rs"]
mod words;

/// Issue 10: the place and intent among the words (reading.rs).
#[path = "reading.rs"]
mod reading;

/// Many strings in one buffer.
#[derive(Default, Clone)]
struct Strings {
    offsets: Vec<u32>,
    bytes: Vec<u8>,
}

/// The words found in titles, for the typo search: a typo is looked for among the names of things, not
/// among every word of every description.
struct TitleWords<'a> {
    terms: &'a Strings,
    ids: &'a [u32],
}

impl fuzzy::Terms for TitleWords<'_> {
    fn count(&self) -> usize {
        self.ids.len()
    }
    fn term(&self, i: usize) -> &[u8] {
        self.terms.bytes_of(self.ids[i] as usize)
    }
}

impl Strings {
    fn push(&mut self, s: &str) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.bytes.extend_from_slice(s.as_bytes());
        self.offsets.push(self.bytes.len() as u32);
    }
    fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }
    fn bytes_of(&self, i: usize) -> &[u8] {
        &self.bytes[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }
    fn get(&self, i: usize) -> &str {
        std::str::from_utf8(self.bytes_of(i)).unwrap_or("")
    }
}

/// Per-query work arrays, one slot per document; kept between queries to avoid reallocating.
struct Scratch {
    word: Vec<f32>,
    word_title: Vec<bool>,
    word_touched: Vec<u32>,
    group: Vec<f32>,
    group_title: Vec<bool>,
    group_touched: Vec<u32>,
    slot: Vec<f32>,
    slot_title: Vec<bool>,
    slot_touched: Vec<u32>,
    /// The document matched the current word otherwise than through a typo neighbour.
    slot_plain: Vec<bool>,
    total: Vec<f32>,
    /// Words of the query the document matched only through a typo neighbour while the word itself is
    /// a word of the titles: it then ranks below every document that has the word.
    typo_only: Vec<u8>,
    matched: Vec<u8>,
    title_matched: Vec<u8>,
    candidates: Vec<u32>,
}

impl Scratch {
    fn new(n: usize) -> Scratch {
        Scratch {
            word: vec![0.0; n],
            word_title: vec![false; n],
            word_touched: Vec::new(),
            group: vec![0.0; n],
            group_title: vec![false; n],
            group_touched: Vec::new(),
            slot: vec![0.0; n],
            slot_title: vec![false; n],
            slot_touched: Vec::new(),
            slot_plain: vec![false; n],
            total: vec![0.0; n],
            typo_only: vec![0; n],
            matched: vec![0; n],
            title_matched: vec![0; n],
            candidates: Vec::new(),
        }
    }
}

/// One way a query word can be found: a dictionary term and how good a match it is.
#[derive(Debug, Clone, Copy)]
struct Alt {
    term: u32,
    quality: f32,
    /// Read only the first postings (short prefixes).
    capped: bool,
    /// A typo neighbour of the word ("caviste" for "cariste"): never ranks above the word itself.
    typo: bool,
}

/// A query word: found if any group of words is found; a group of several words is a synonym expansion
/// ("atsem" → "agent territorial spécialisé écoles maternelles") and counts by the share of its words found.
#[derive(Debug, Default)]
struct Slot {
    groups: Vec<Vec<Vec<Alt>>>,
    /// How informative the query word is: the rarity of what it means, shared by all its alternatives so
    /// that a rare completion or typo does not outweigh the word's likely meaning.
    weight: f32,
    /// Issue 16: documents the word matches through a domain label or a level word, with the quality.
    extra: Vec<(u32, f32)>,
    /// The word (or its stem) is a word of the titles: a document matching it only through a typo
    /// neighbour ranks below those that have it.
    exact_title: bool,
}

/// Filters that apply to places: the point and the radius.
#[derive(Debug, Clone, Copy)]
struct Area<'q> {
    center: territory::Point,
    radius_km: f64,
    /// The area codes of the place searched around, for aids limited to a territory.
    codes: &'q [String],
}

/// What a search returns: the hits, and how far the radius had to widen to find enough.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Results {
    pub hits: Vec<Hit>,
    /// Set when fewer than the wanted results lay within the radius and it was widened to this many km.
    pub widened_to_km: Option<f64>,
    /// Counts per kind (before the kind filter) and per filter value, before the limit.
    pub facets: Facets,
    /// The place searched around: given, or read among the words (issue 10).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub near: Option<super::Near>,
    /// The kind the words asked for first.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intent: Option<super::Intent>,
    /// Said above the results: a place was understood but nothing of the kind asked is located near
    /// it ("aucune formation localisée trouvée près de Marseille (13)").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    /// The words searched once the place and generic intent words are taken out (to highlight with).
    pub searched: String,
    #[serde(skip)]
    no_local: Option<Kind>,
}

/// What the reading of the query changes in the ranking.
#[derive(Debug, Clone, Copy, Default)]
struct Understood {
    intent: Option<Kind>,
    /// The place was read among the words (not given): national programmes stay, unrelated located
    /// results go, and the page says when nothing of the kind is near.
    place_from_words: bool,
}

/// Added to the score of a document of the kind the words ask for: a boost, not a filter.
const INTENT_BOOST: f32 = 0.3;
/// Near a place read among the words, a located result scoring below this share of the best is
/// unrelated to the query: not shown.
const RELATED_SHARE: f32 = 0.5;

/// Training facts for the filters, in flat arrays (0 = unknown); sessions of document d are
/// `session_at[d]..session_at[d + 1]`.
#[derive(Default)]
struct Facts {
    level: Vec<u8>,
    funding: Vec<u8>,
    modes: Vec<u8>,
    hours: Vec<u32>,
    /// bit 0: is a training with facts; bit 1: disability access.
    flags: Vec<u8>,
    session_at: Vec<u32>,
    start: Vec<u32>,
    registration_start: Vec<u32>,
    registration_end: Vec<u32>,
    recruitment: Vec<u8>,
}

impl Facts {
    fn push(&mut self, t: Option<&TrainingInfo>) {
        if self.session_at.is_empty() {
            self.session_at.push(0);
        }
        let t = t.cloned();
        let has = t.is_some();
        let t = t.unwrap_or_default();
        self.level.push(t.level.unwrap_or(0));
        self.funding.push(t.funding);
        self.modes.push(t.modes);
        self.hours.push(t.hours.unwrap_or(0));
        self.flags
            .push(u8::from(has) | (u8::from(t.disability_access) << 1));
        for s in &t.sessions {
            self.start.push(s.start.unwrap_or(0));
            self.registration_start
                .push(s.registration_start.unwrap_or(0));
            self.registration_end.push(s.registration_end.unwrap_or(0));
            self.recruitment.push(s.recruitment.unwrap_or(0));
        }
        self.session_at.push(self.start.len() as u32);
    }

    fn training(&self, d: usize) -> Option<TrainingInfo> {
        if self.flags[d] & 1 == 0 {
            return None;
        }
        let some = |v: u32| (v != 0).then_some(v);
        let range = self.session_at[d] as usize..self.session_at[d + 1] as usize;
        Some(TrainingInfo {
            level: (self.level[d] != 0).then_some(self.level[d]),
            funding: self.funding[d],
            modes: self.modes[d],
            hours: some(self.hours[d]),
            disability_access: self.flags[d] & 2 != 0,
            sessions: range
                .map(|i| SessionInfo {
                    start: some(self.start[i]),
                    registration_start: some(self.registration_start[i]),
                    registration_end: some(self.registration_end[i]),
                    recruitment: (self.recruitment[i] != 0).then_some(self.recruitment[i]),
                })
                .collect(),
        })
    }
}

pub struct Engine {
    kind: Vec<u8>,
    group: Vec<u32>,
    prior: Vec<f32>,
    lat: Vec<f32>,
    lon: Vec<f32>,
    distance_learning: Vec<bool>,
    title_words: Vec<u8>,
    /// Grand domaine letter of jobs, 0 otherwise.
    domain: Vec<u8>,
    /// Per group: the document that names it best (a job's fiche), or u32::MAX.
    head: Vec<u32>,
    facts: Facts,
    ids: Strings,
    titles: Strings,
    subtitles: Strings,
    romes: Strings,
    /// Per document: `Located` code, the commune or département a non-exact point stands for, and where
    /// an aid applies (area codes; "?" when not known).
    located: Vec<u8>,
    place_names: Strings,
    areas: Strings,
    terms: Strings,
    postings_at: Vec<u32>,
    postings: Vec<u32>,
    /// Surface words (not marked stems) that appear in a title, ascending.
    title_terms: Vec<u32>,
    /// The likeliest completions of short prefixes, computed on first use.
    completions: Mutex<HashMap<String, Vec<u32>>>,
    /// Alternatives of recently searched words, by (word, being typed).
    alt_cache: Mutex<HashMap<(String, bool), Vec<Alt>>>,
    synonyms: HashMap<String, Vec<String>>,
    interrupts: AtomicUsize,
    scratch: Mutex<Vec<Scratch>>,
    /// Issue 16: domain and level reading, built on first use (engine_words.rs).
    extras: std::sync::OnceLock<words::Extras>,
    /// Issue 16: acronyms spelt out from the job titles, built on first use (engine_words.rs).
    acronyms: std::sync::OnceLock<words::Acronyms>,
    /// Issue 10: the communes, postcodes and départements, to read a place among the words; given
    /// once by whoever opens the catalogue (`set_places`).
    places: std::sync::OnceLock<territory::Gazetteer>,
    /// Issue 16: the vector neighbours of words the catalogue does not use, saved with the index (issue
    /// 11: in the catalogue, not the library); empty for an engine built from documents alone.
    neighbours: super::expand::Neighbours,
}

fn kind_code(kind: &str) -> u8 {
    match kind {
        "job" => 0,
        "training" => 1,
        "aid" => 2,
        _ => 3,
    }
}

fn kind_of(code: u8) -> Kind {
    match code {
        0 => Kind::Job,
        1 => Kind::Training,
        2 => Kind::Aid,
        _ => Kind::Place,
    }
}

fn parse_synonyms(text: &str) -> HashMap<String, Vec<String>> {
    let mut map = HashMap::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let mut cols = line.split('\t');
        let (Some(word), Some(expansion)) = (cols.next(), cols.next()) else {
            continue;
        };
        let key = text::fold(word.trim());
        // Issue 16: "a | b" lists other readings after the first; engine_words.rs reads those.
        let expansion = expansion.split('|').next().unwrap_or_default();
        let words: Vec<String> = text::words(expansion);
        if !key.is_empty() && !words.is_empty() {
            map.insert(key, words);
        }
    }
    map
}

/// Stems live in the same sorted dictionary as surface words, behind this mark, so that a typed word is
/// never mistaken for the stem of another ("boul" is the stem of "boule", not a word typed in full).
const STEM_MARK: char = '#';

/// The index terms of a word: its folded form and, when different, its marked stem.
fn forms(word: &str) -> (String, Option<String>) {
    let stem = french::stem(word);
    let marked = (stem != word).then(|| format!("{STEM_MARK}{stem}"));
    (word.to_string(), marked)
}

impl Engine {
    /// Builds the index. Documents are reordered by static rank (planned hires, then kind) so that
    /// truncated postings keep the likeliest documents.
    pub fn build(docs: &[Doc]) -> Engine {
        let mut order: Vec<usize> = (0..docs.len()).collect();
        order.sort_by(|&a, &b| {
            docs[b]
                .prior
                .total_cmp(&docs[a].prior)
                .then(kind_code(docs[a].kind).cmp(&kind_code(docs[b].kind)))
                .then(a.cmp(&b))
        });
        let n = docs.len();
        let mut engine = Engine {
            kind: Vec::with_capacity(n),
            group: Vec::with_capacity(n),
            prior: Vec::with_capacity(n),
            lat: Vec::with_capacity(n),
            lon: Vec::with_capacity(n),
            distance_learning: Vec::with_capacity(n),
            title_words: Vec::with_capacity(n),
            domain: Vec::with_capacity(n),
            head: Vec::new(),
            facts: Facts::default(),
            ids: Strings::default(),
            titles: Strings::default(),
            subtitles: Strings::default(),
            romes: Strings::default(),
            located: Vec::with_capacity(n),
            place_names: Strings::default(),
            areas: Strings::default(),
            terms: Strings::default(),
            postings_at: Vec::new(),
            postings: Vec::new(),
            title_terms: Vec::new(),
            completions: Mutex::new(HashMap::new()),
            alt_cache: Mutex::new(HashMap::new()),
            synonyms: parse_synonyms(SYNONYMS),
            interrupts: AtomicUsize::new(0),
            scratch: Mutex::new(Vec::new()),
            extras: std::sync::OnceLock::new(),
            acronyms: std::sync::OnceLock::new(),
            neighbours: Default::default(),
            places: std::sync::OnceLock::new(),
        };
        let mut groups: HashMap<(u8, String), u32> = HashMap::new();
        let mut postings: HashMap<String, Vec<u32>> = HashMap::new();
        let mut add = |term: String, value: u32| {
            let list = postings.entry(term).or_default();
            if list.last() != Some(&value) {
                list.push(value);
            }
        };
        for (new, &old) in order.iter().enumerate() {
            let d = &docs[old];
            let code = kind_code(d.kind);
            let key = (code, d.rome.clone().unwrap_or_else(|| d.id.clone()));
            let next = groups.len() as u32;
            let group = *groups.entry(key).or_insert(next);
            engine.group.push(group);
            if engine.head.len() <= group as usize {
                engine.head.resize(group as usize + 1, u32::MAX);
            }
            if d.head {
                engine.head[group as usize] = new as u32;
            }
            engine.kind.push(code);
            engine.prior.push(d.prior as f32);
            engine.lat.push(d.lat.map(|v| v as f32).unwrap_or(f32::NAN));
            engine.lon.push(d.lon.map(|v| v as f32).unwrap_or(f32::NAN));
            engine.distance_learning.push(d.distance_learning);
            engine.domain.push(
                d.domain
                    .filter(char::is_ascii_uppercase)
                    .map_or(0, |c| c as u8),
            );
            engine.facts.push(d.training.as_ref());
            engine.ids.push(&d.id);
            engine.titles.push(&d.title);
            engine.subtitles.push(d.subtitle.as_deref().unwrap_or(""));
            engine.romes.push(d.rome.as_deref().unwrap_or(""));
            engine.located.push(d.located.code());
            engine
                .place_names
                .push(d.place_name.as_deref().unwrap_or(""));
            engine.areas.push(d.areas.as_deref().unwrap_or("?"));
            let doc = new as u32;
            let mut stems: Vec<String> = Vec::new();
            for w in text::words(&d.title) {
                let stem = french::stem(&w);
                if !french::is_stop_word(&w) && !stems.contains(&stem) {
                    stems.push(stem);
                }
                let (surface, marked) = forms(&w);
                add(surface, doc << 1);
                if let Some(m) = marked {
                    add(m, doc << 1);
                }
            }
            engine.title_words.push(stems.len().clamp(1, 255) as u8);
            for w in text::words(&d.body) {
                let (surface, marked) = forms(&w);
                add(surface, (doc << 1) | 1);
                if let Some(m) = marked {
                    add(m, (doc << 1) | 1);
                }
            }
        }
        let mut terms: Vec<(String, Vec<u32>)> = postings.into_iter().collect();
        terms.sort_by(|a, b| a.0.cmp(&b.0));
        engine.postings_at.push(0);
        for (i, (term, mut list)) in terms.into_iter().enumerate() {
            list.sort_unstable();
            list.dedup();
            if !term.starts_with(STEM_MARK) && list.iter().any(|p| p & 1 == 0) {
                engine.title_terms.push(i as u32);
            }
            engine.terms.push(&term);
            engine.postings.extend_from_slice(&list);
            engine.postings_at.push(engine.postings.len() as u32);
        }
        engine
    }

    pub fn len(&self) -> usize {
        self.kind.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kind.is_empty()
    }

    /// Gives the engine the catalogue's communes, so that a place among the words is read (once; a
    /// second call is ignored).
    pub fn set_places(&self, places: territory::Gazetteer) {
        let _ = self.places.set(places);
    }

    /// Gives the engine the vector-neighbour table (the catalogue build reads it from the data; a loaded
    /// engine has the one saved with it).
    pub fn set_neighbours(&mut self, table: super::expand::Neighbours) {
        self.neighbours = table;
        // Alternatives read without the table are stale.
        self.alt_cache = Mutex::new(HashMap::new());
    }

    pub fn neighbours(&self) -> &super::expand::Neighbours {
        &self.neighbours
    }

    /// Stops every search running now (they return `Error::Interrupted`); later searches run normally.
    pub fn interrupt(&self) {
        self.interrupts.fetch_add(1, Ordering::SeqCst);
    }

    fn term_id(&self, term: &str) -> Option<u32> {
        let n = self.terms.len();
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.terms.bytes_of(mid).cmp(term.as_bytes()) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid as u32),
            }
        }
        None
    }

    fn prefix_range(&self, prefix: &str) -> (usize, usize) {
        let p = prefix.as_bytes();
        let n = self.terms.len();
        let lower = partition(n, |i| self.terms.bytes_of(i) < p);
        let upper = lower + partition(n - lower, |i| self.terms.bytes_of(lower + i).starts_with(p));
        (lower, upper)
    }

    fn df(&self, term: u32) -> usize {
        (self.postings_at[term as usize + 1] - self.postings_at[term as usize]) as usize
    }

    fn idf(&self, term: u32) -> f32 {
        (1.0 + self.len() as f32 / (1.0 + self.df(term) as f32)).ln()
    }

    /// Every way to find one query word in the index. Kept for the next keystrokes, which repeat the
    /// words before the one being typed.
    fn alternatives(&self, word: &str, typing: bool) -> Vec<Alt> {
        let key = (word.to_string(), typing);
        if let Some(hit) = self
            .alt_cache
            .lock()
            .ok()
            .and_then(|c| c.get(&key).cloned())
        {
            return hit;
        }
        let alts = self.compute_alternatives(word, typing);
        if let Ok(mut cache) = self.alt_cache.lock() {
            if cache.len() >= ALT_CACHE_SIZE {
                cache.clear();
            }
            cache.insert(key, alts.clone());
        }
        alts
    }

    fn compute_alternatives(&self, word: &str, typing: bool) -> Vec<Alt> {
        let mut alts: Vec<Alt> = Vec::new();
        let push =
            |alts: &mut Vec<Alt>, term: u32, quality: f32, capped: bool, typo: bool| match alts
                .iter_mut()
                .find(|a| a.term == term)
            {
                Some(a) if a.quality < quality => {
                    a.quality = quality;
                    a.capped = capped;
                    a.typo = typo;
                }
                Some(_) => {}
                None => alts.push(Alt {
                    term,
                    quality,
                    capped,
                    typo,
                }),
            };
        let surface = word.to_string();
        if let Some(t) = self.term_id(&surface) {
            push(&mut alts, t, EXACT, false, false);
        }
        // Same stem: "boulangères" finds "boulanger" and "boulangère". While a word is being typed, a
        // match on stem only is a guess, like a completion.
        let stem_quality = if typing { 0.8 } else { EXACT };
        for t in self.stem_terms(&french::stem(word)) {
            push(&mut alts, t, stem_quality, false, false);
        }
        let len = word.chars().count();
        if typing {
            let range = self.completions_of(&surface, len);
            // The likelier completion is the more frequent and the closer one: "boul" is "boulanger"
            // before "boule".
            let max_df = range.iter().map(|&i| self.df(i)).max().unwrap_or(1).max(2) as f32;
            let damp = if self.is_known_word(&surface) {
                0.7
            } else {
                1.0
            };
            for i in range.into_iter().map(|t| t as usize) {
                let term_len = self.terms.get(i).chars().count().max(1);
                let closeness = (len as f32 / term_len as f32).min(1.0);
                let popularity = (1.0 + self.df(i as u32) as f32).ln() / (1.0 + max_df).ln();
                let q = (PREFIX_MIN + 0.1 * closeness + 0.2 * popularity) * damp;
                push(&mut alts, i as u32, q, len <= 3, false);
            }
        }
        // A word unknown as typed (no word, stem, completion or synonym) is a typo: one edit is tried,
        // then two for a long word that one edit did not place. A known word gets its one-edit
        // neighbours too, below it: they bridge close forms the stemmer misses ("peindre" → "peintre").
        let known = !alts.is_empty() || self.synonyms.contains_key(word);
        let max_k = match (known, fuzzy::max_edits(len)) {
            (true, k) if len >= 5 => k.min(1),
            (true, _) => 0,
            (false, k) => k,
        };
        if max_k > 0 && surface.is_ascii() {
            let vocabulary = TitleWords {
                terms: &self.terms,
                ids: &self.title_terms,
            };
            let mut found = Vec::new();
            fuzzy::search(&vocabulary, surface.as_bytes(), 1, &mut found);
            let mut ids: Vec<usize> = found
                .iter()
                .map(|&i| self.title_terms[i] as usize)
                .collect();
            if ids.is_empty() && max_k >= 2 {
                // Two edits only among words with the same first letter: a slip on the first letter
                // is rare, and the walk is then a fraction of the dictionary.
                let first = surface.as_bytes().first().copied().unwrap_or(0);
                let lo = self
                    .title_terms
                    .partition_point(|&t| self.terms.bytes_of(t as usize)[0] < first);
                let hi = self
                    .title_terms
                    .partition_point(|&t| self.terms.bytes_of(t as usize)[0] <= first);
                let same_letter = TitleWords {
                    terms: &self.terms,
                    ids: &self.title_terms[lo..hi],
                };
                fuzzy::search(&same_letter, surface.as_bytes(), 2, &mut found);
                ids = found
                    .iter()
                    .map(|&i| self.title_terms[lo + i] as usize)
                    .collect();
            }
            for i in ids {
                let cost = fuzzy::weighted_distance(surface.as_bytes(), self.terms.bytes_of(i));
                if cost > 0.0 {
                    push(
                        &mut alts,
                        i as u32,
                        (FUZZY_MAX - 0.1 * cost).max(0.2),
                        false,
                        true,
                    );
                }
            }
        }
        // Issue 16 hook: word families, compounds and neighbours (engine_words.rs).
        self.more_alternatives(word, known, &mut alts);
        alts
    }

    /// The terms of every word with this stem: the marked stem, and the word that is its own stem.
    fn stem_terms(&self, stem: &str) -> impl Iterator<Item = u32> {
        [
            self.term_id(&format!("{STEM_MARK}{stem}")),
            self.term_id(stem),
        ]
        .into_iter()
        .flatten()
    }

    /// The most frequent completions of a prefix: fewer for a short one, which says little; those of
    /// short prefixes are kept, since every search starts with them.
    fn completions_of(&self, prefix: &str, len: usize) -> Vec<u32> {
        let max = match len {
            0..=2 => MAX_COMPLETIONS / 6,
            3 => MAX_COMPLETIONS / 3,
            _ => MAX_COMPLETIONS,
        };
        let cache = len <= 3;
        if cache {
            if let Some(hit) = self
                .completions
                .lock()
                .ok()
                .and_then(|c| c.get(prefix).cloned())
            {
                return hit;
            }
        }
        let (lo, hi) = self.prefix_range(prefix);
        let mut range: Vec<u32> = (lo as u32..hi as u32).collect();
        if range.len() > max {
            range.select_nth_unstable_by_key(max, |&i| std::cmp::Reverse(self.df(i)));
            range.truncate(max);
        }
        if cache {
            if let Ok(mut c) = self.completions.lock() {
                c.insert(prefix.to_string(), range.clone());
            }
        }
        range
    }

    /// A word the index or the synonym table knows as it is: its completions are less likely meant.
    fn is_known_word(&self, surface: &str) -> bool {
        self.synonyms.contains_key(surface) || self.term_id(surface).is_some()
    }

    fn slot(&self, word: &str, typing: bool) -> Slot {
        let mut own = self.alternatives(word, typing);
        let mut groups = Vec::new();
        let expansion = self
            .synonyms
            .get(word)
            .or_else(|| self.synonyms.get(&french::stem(word)));
        if let Some(words) = expansion {
            let expanded: Vec<Vec<Alt>> = words
                .iter()
                .map(|w| {
                    self.term_id(w)
                        .into_iter()
                        .chain(self.stem_terms(&french::stem(w)))
                        .map(|term| Alt {
                            term,
                            quality: SYNONYM,
                            capped: false,
                            typo: false,
                        })
                        .collect()
                })
                .collect();
            if expanded.len() == 1 {
                own.extend(expanded.into_iter().flatten());
            } else {
                groups.push(expanded);
            }
        }
        // Issue 16 hook: an acronym spelt out from the job titles ("vl" → véhicule léger), and the other
        // readings of an everyday word ("maisons" → bâtiment | immobilier).
        groups.extend(self.acronym_groups(word, typing));
        groups.extend(self.other_readings(word));
        let weight = self.slot_weight(&own, &groups);
        let exact_title = own.iter().any(|a| a.typo) && self.is_title_word(word);
        groups.insert(0, vec![own]);
        Slot {
            groups,
            weight,
            extra: Vec::new(),
            exact_title,
        }
    }

    /// Whether a word, as typed or by its stem, is a word of titles: found in the titles of at least
    /// three documents (a name met once, "Gence" in one school's title, is not what a typo meant).
    fn is_title_word(&self, word: &str) -> bool {
        let terms = self
            .term_id(word)
            .into_iter()
            .chain(self.stem_terms(&french::stem(word)));
        let mut docs: Vec<u32> = Vec::new();
        for t in terms {
            let (from, to) = (
                self.postings_at[t as usize] as usize,
                self.postings_at[t as usize + 1] as usize,
            );
            for &p in &self.postings[from..to] {
                if p & 1 == 0 && !docs.contains(&(p >> 1)) {
                    docs.push(p >> 1);
                    if docs.len() >= 3 {
                        return true;
                    }
                }
            }
        }
        false
    }

    fn slot_weight(&self, own: &[Alt], expansions: &[Vec<Vec<Alt>>]) -> f32 {
        let best_quality = own
            .iter()
            .chain(expansions.iter().flatten().flatten())
            .map(|a| a.quality)
            .fold(0.0, f32::max);
        // The idf of the best-quality alternatives (the exact word, else its synonyms, else the likeliest
        // completions or corrections), the most frequent of them when several tie.
        own.iter()
            .chain(expansions.iter().flatten().flatten())
            .filter(|a| a.quality >= best_quality - 1e-3)
            .map(|a| self.idf(a.term))
            .fold(f32::INFINITY, f32::min)
            .clamp(0.0, 20.0)
    }

    fn check(&self, start: usize) -> Result<()> {
        if self.interrupts.load(Ordering::Relaxed) != start {
            return Err(Error::Interrupted);
        }
        Ok(())
    }

    /// Scores the documents for one query word into `s.slot`, and adds it to the totals.
    fn score_slot(&self, slot: &Slot, s: &mut Scratch, start: usize) -> Result<f32> {
        let mut mass: f32 = 0.0;
        // Reads the postings of a word's alternatives into (best value, in title) per document.
        let read = |word: &[Alt],
                    best: &mut [f32],
                    in_title: &mut [bool],
                    touched: &mut Vec<u32>,
                    plain: &mut [bool],
                    mass: &mut f32|
         -> Result<()> {
            for alt in word {
                let from = self.postings_at[alt.term as usize] as usize;
                let mut to = self.postings_at[alt.term as usize + 1] as usize;
                if alt.capped {
                    to = to.min(from + SHORT_PREFIX_POSTINGS);
                }
                let idf = slot.weight;
                *mass = mass.max(idf * alt.quality);
                let (title_v, body_v) = (alt.quality * idf, alt.quality * idf * BODY_WEIGHT);
                for (i, &p) in self.postings[from..to].iter().enumerate() {
                    if i % 4096 == 4095 {
                        self.check(start)?;
                    }
                    let doc = (p >> 1) as usize;
                    let title = p & 1 == 0;
                    let v = if title { title_v } else { body_v };
                    if best[doc] == 0.0 {
                        touched.push(doc as u32);
                    }
                    if v > best[doc] {
                        best[doc] = v;
                    }
                    in_title[doc] |= title;
                    plain[doc] |= !alt.typo;
                }
            }
            Ok(())
        };
        if let [group] = slot.groups.as_slice() {
            if let [word] = group.as_slice() {
                // One word, no synonym expansion: straight into the slot.
                read(
                    word,
                    &mut s.slot,
                    &mut s.slot_title,
                    &mut s.slot_touched,
                    &mut s.slot_plain,
                    &mut mass,
                )?;
            }
        }
        let simple = matches!(slot.groups.as_slice(), [g] if g.len() == 1);
        for group in slot.groups.iter().filter(|_| !simple) {
            let n = group.len().max(1) as f32;
            for word in group {
                read(
                    word,
                    &mut s.word,
                    &mut s.word_title,
                    &mut s.word_touched,
                    &mut s.slot_plain,
                    &mut mass,
                )?;
                for &d in &s.word_touched {
                    let d = d as usize;
                    if s.group[d] == 0.0 {
                        s.group_touched.push(d as u32);
                    }
                    s.group[d] += s.word[d] / n;
                    s.group_title[d] |= s.word_title[d];
                    s.word[d] = 0.0;
                    s.word_title[d] = false;
                }
                s.word_touched.clear();
            }
            for &d in &s.group_touched {
                let d = d as usize;
                if s.slot[d] == 0.0 {
                    s.slot_touched.push(d as u32);
                }
                if s.group[d] > s.slot[d] {
                    s.slot[d] = s.group[d];
                }
                s.slot_title[d] |= s.group_title[d];
                s.group[d] = 0.0;
                s.group_title[d] = false;
            }
            s.group_touched.clear();
        }
        // Issue 16 hook: documents the word matches through a domain label or a level word, as if their
        // title held it (engine_words.rs).
        for &(d, quality) in &slot.extra {
            let d = d as usize;
            let v = quality * slot.weight;
            if s.slot[d] == 0.0 {
                s.slot_touched.push(d as u32);
            }
            if v > s.slot[d] {
                s.slot[d] = v;
            }
            s.slot_title[d] = true;
            s.slot_plain[d] = true;
        }
        for &d in &s.slot_touched {
            let d = d as usize;
            if s.total[d] == 0.0 && s.matched[d] == 0 {
                s.candidates.push(d as u32);
            }
            s.total[d] += s.slot[d];
            s.matched[d] += 1;
            s.title_matched[d] += u8::from(s.slot_title[d]);
            if slot.exact_title && !s.slot_plain[d] {
                s.typo_only[d] = s.typo_only[d].saturating_add(1);
            }
            s.slot[d] = 0.0;
            s.slot_title[d] = false;
            s.slot_plain[d] = false;
        }
        s.slot_touched.clear();
        Ok(mass)
    }

    fn distance(&self, doc: usize, center: territory::Point) -> Option<f64> {
        let (lat, lon) = (self.lat[doc], self.lon[doc]);
        (!lat.is_nan()).then(|| {
            territory::distance_km(
                center,
                territory::Point {
                    lat: lat as f64,
                    lon: lon as f64,
                },
            )
        })
    }

    /// Whether a document may be shown for an area: located ones within the radius; jobs and aids have no
    /// place; distance-learning trainings are reachable from anywhere.
    fn in_area(&self, doc: usize, area: Option<&Area>) -> (bool, Option<f64>) {
        let Some(area) = area else {
            return (true, None);
        };
        match self.distance(doc, area.center) {
            Some(d) => (d <= area.radius_km, Some(d)),
            None => match kind_of(self.kind[doc]) {
                Kind::Job => (true, None),
                Kind::Aid => (self.aid_applies(doc, area.codes), None),
                Kind::Training => (self.distance_learning[doc], None),
                Kind::Place => (false, None),
            },
        }
    }

    /// An aid limited to a territory applies near that territory only; a national aid everywhere; one
    /// whose territory is not known (an intercommunality) is left out rather than shown in the wrong place.
    fn aid_applies(&self, doc: usize, near: &[String]) -> bool {
        let areas = self.areas.get(doc);
        if areas.is_empty() {
            return true;
        }
        areas.split(';').any(|a| near.iter().any(|n| n == a))
    }

    /// Where a result is, in words: "3,4 km"; "à Marseille" (or "à Marseille, 27 km") for what only has
    /// its commune's centre; "Bouches-du-Rhône, 30 km" for what only has its département.
    fn location(&self, d: usize, distance: Option<f64>) -> Option<String> {
        let km = distance?;
        let name = self.place_names.get(d);
        let far = km >= 2.0;
        Some(
            match (Located::from_code(self.located[d]), name.is_empty()) {
                (Located::Exact, _) | (_, true) => crate::text_fr::distance_km(km),
                (Located::Commune, false) if far => {
                    format!("à {name}, {}", crate::text_fr::distance_km(km))
                }
                (Located::Commune, false) => format!("à {name}"),
                (Located::Departement, false) => {
                    format!("{name}, environ {}", crate::text_fr::distance_km(km))
                }
            },
        )
    }

    fn take_scratch(&self) -> Scratch {
        let pooled = self.scratch.lock().ok().and_then(|mut p| p.pop());
        match pooled {
            Some(s) if s.total.len() == self.len() => s,
            _ => Scratch::new(self.len()),
        }
    }

    fn give_back(&self, mut s: Scratch) {
        for &d in &s.candidates {
            let d = d as usize;
            s.total[d] = 0.0;
            s.matched[d] = 0;
            s.title_matched[d] = 0;
            s.typo_only[d] = 0;
        }
        s.candidates.clear();
        for &d in &s.slot_touched {
            s.slot_plain[d as usize] = false;
        }
        // Only what a search touched is dirty, also when it was interrupted half-way.
        for (arr, title, touched) in [
            (&mut s.word, &mut s.word_title, &mut s.word_touched),
            (&mut s.group, &mut s.group_title, &mut s.group_touched),
            (&mut s.slot, &mut s.slot_title, &mut s.slot_touched),
        ] {
            for &d in touched.iter() {
                arr[d as usize] = 0.0;
                title[d as usize] = false;
            }
            touched.clear();
        }
        if let Ok(mut pool) = self.scratch.lock() {
            if pool.len() < 4 {
                pool.push(s);
            }
        }
    }

    /// Searches; `Error::Interrupted` if `interrupt()` is called meanwhile.
    pub fn search(&self, q: &Query) -> Result<Vec<Hit>> {
        Ok(self.search_results(q)?.hits)
    }

    pub fn search_results(&self, q: &Query) -> Result<Results> {
        // Taken first: an interrupt while the words are read stops this search too.
        let start = self.interrupts.load(Ordering::SeqCst);
        let reading = self.read_query(q);
        let given = q.near.is_some() && q.near_label.is_some();
        let mut near = q.near_label.as_ref().map(|label| super::Near {
            label: label.clone(),
            found_by: super::NearFrom::Given,
            words: None,
            said: crate::shell_text::near(label, None),
            areas: q.near_areas.clone(),
            point: q.near,
        });
        let mut owned = None;
        if reading.text.is_some() || reading.place.is_some() {
            let mut c = q.clone();
            if let Some(t) = &reading.text {
                c.text = t.clone();
            }
            if let Some(p) = &reading.place {
                if p.same_as_given {
                    if let Some(n) = near.as_mut() {
                        n.words = Some(p.words.clone());
                    }
                } else {
                    c.near = Some(p.found.point);
                    c.near_areas = p.found.areas.clone();
                    near = Some(super::Near {
                        label: p.found.label.clone(),
                        found_by: reading::found_by(p.found.found_by),
                        words: Some(p.words.clone()),
                        said: crate::shell_text::near(&p.found.label, p.found.centre.as_deref()),
                        areas: p.found.areas.clone(),
                        point: Some(p.found.point),
                    });
                }
            }
            owned = Some(c);
        }
        let q = owned.as_ref().unwrap_or(q);
        let understood = Understood {
            intent: reading.intent.as_ref().map(|i| i.0),
            place_from_words: reading.place.as_ref().is_some_and(|p| !p.same_as_given) && !given,
        };
        let mut results = self.search_understood(q, understood, start)?;
        results.notice = match (results.no_local, &near) {
            (Some(kind), Some(n)) => Some(crate::shell_text::no_local(kind, &n.label)),
            _ => None,
        };
        results.near = near;
        results.intent = reading.intent.map(|(kind, words)| super::Intent {
            kind,
            words: words.join(" "),
            said: crate::shell_text::intent(kind),
        });
        results.searched = q.text.clone();
        Ok(results)
    }

    fn search_understood(
        &self,
        q: &Query,
        understood: Understood,
        start: usize,
    ) -> Result<Results> {
        let mut words: Vec<String> = text::words(&q.text)
            .into_iter()
            .filter(|w| w.chars().count() <= MAX_WORD_LEN)
            .collect();
        let typing = !q
            .text
            .ends_with(|c: char| c.is_whitespace() || c.is_ascii_punctuation());
        let content: Vec<String> = words
            .iter()
            .filter(|w| !french::is_stop_word(w))
            .cloned()
            .collect();
        let last_kept = words.last().is_some_and(|w| content.last() == Some(w));
        if !content.is_empty() {
            words = content;
        }
        words.truncate(MAX_QUERY_WORDS);
        let n_words = words.len();
        let mut slots: Vec<Slot> = words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                // Issue 16: a known word of one or two letters after other words is an abbreviation
                // typed in full ("chauffeur VL"), not the start of a longer word ("vlogueur").
                let abbreviation = n_words > 1 && w.len() <= 2 && self.is_known_word(w);
                let typing = typing && !abbreviation;
                self.slot(w, typing && i + 1 == n_words && (last_kept || n_words == 1))
            })
            .collect();
        // Issue 16 hook: domain labels and level words (engine_words.rs).
        for (slot, extra) in slots.iter_mut().zip(self.virtual_matches(&words)) {
            slot.extra = extra;
        }
        self.check(start)?;
        let mut s = self.take_scratch();
        let result = self.rank(q, &slots, &mut s, start, understood);
        self.give_back(s);
        result
    }

    fn rank(
        &self,
        q: &Query,
        slots: &[Slot],
        s: &mut Scratch,
        start: usize,
        understood: Understood,
    ) -> Result<Results> {
        let mut mass = 0.0;
        for slot in slots {
            mass += self.score_slot(slot, s, start)?;
        }
        if slots.is_empty() {
            // Browsing: every document of the kind (or every located one) is a candidate.
            let implied = if q.filters.on_trainings() {
                Some(Kind::Training)
            } else if q.filters.grand_domaine.is_some() {
                Some(Kind::Job)
            } else {
                None
            };
            s.candidates.extend((0..self.len() as u32).filter(|&d| {
                let k = kind_of(self.kind[d as usize]);
                match q.kind.or(implied) {
                    Some(kind) => k == kind,
                    None => q.near.is_some() && matches!(k, Kind::Training | Kind::Place),
                }
            }));
        }
        self.check(start)?;
        let n_slots = slots.len().max(1) as f32;
        let mass = mass.max(1e-3);
        let score_of = |d: usize| -> f32 {
            if slots.is_empty() {
                return self.prior[d] * 0.01;
            }
            let coverage = s.matched[d] as f32 / n_slots;
            let in_title = s.title_matched[d] as f32;
            (s.total[d] / mass) * coverage
                + 0.3 * in_title / n_slots
                + 0.2 * (in_title / self.title_words[d] as f32).min(1.0)
                + 0.01 * self.prior[d]
                + if self.kind[d] == 0 { 0.02 } else { 0.0 }
                + if understood.intent == Some(kind_of(self.kind[d])) {
                    INTENT_BOOST
                } else {
                    0.0
                }
        };
        let wanted = q.limit.max(1);
        let today = q.today.unwrap_or_else(crate::dates::today_number);
        let mut radius = q.radius_km;
        let mut widened = None;
        loop {
            let area = q.near.map(|center| Area {
                center,
                radius_km: radius,
                codes: &q.near_areas,
            });
            let mut counter = FacetCounter::new(self.head.len());
            let no_filters = q.filters.is_empty();
            let mut scored: Vec<(f32, u32, Option<f64>)> = Vec::new();
            for (i, &d) in s.candidates.iter().enumerate() {
                if i % 8192 == 8191 {
                    self.check(start)?;
                }
                let d = d as usize;
                let (mut inside, distance) = self.in_area(d, area.as_ref());
                // Near a place read among the words, the national programmes still say what to study.
                if understood.place_from_words && distance.is_none() && self.kind[d] == 1 {
                    inside = true;
                }
                if !inside || (!no_filters && !self.passes(d, &q.filters, today)) {
                    continue;
                }
                counter.kind(self.kind[d], self.group[d]);
                if q.kind.is_some_and(|k| k != kind_of(self.kind[d])) {
                    continue;
                }
                counter.values(self, d);
                let mut score = score_of(d);
                if slots.is_empty() && q.near.is_some() {
                    // Browsing near a point: nearest first.
                    score = -(distance.unwrap_or(1e6) as f32);
                }
                scored.push((score, d as u32, distance));
            }
            let mut no_local = None;
            if understood.place_from_words && !slots.is_empty() {
                // Located results far below the best match are unrelated to the words: left out, and
                // the page says when nothing of the kind asked is near.
                let best = scored.iter().map(|e| e.0).fold(0.0f32, f32::max);
                scored.retain(|e| e.2.is_none() || e.0 >= RELATED_SHARE * best);
                let wanted_kind = match understood.intent {
                    Some(Kind::Place) => Some(Kind::Place),
                    Some(Kind::Job | Kind::Aid) => None,
                    _ => Some(Kind::Training),
                };
                no_local = wanted_kind.filter(|&k| {
                    !scored
                        .iter()
                        .any(|e| e.2.is_some() && kind_of(self.kind[e.1 as usize]) == k)
                });
            }
            if q.near.is_some() && !slots.is_empty() {
                // A place named among the words asks for what is there: results with no place (a
                // job, a national programme) then rank as if a little beyond the nearest offer.
                let unlocated_km = if understood.place_from_words {
                    UNLOCATED_BEYOND_NEAREST_KM
                } else {
                    0.0
                };
                blend_distance(&mut scored, unlocated_km);
            }
            // An exact word never loses to a typo neighbour: what matched a word of the titles only
            // through a look-alike ("caviste" for "cariste") comes after everything else.
            for e in scored.iter_mut() {
                if s.typo_only[e.1 as usize] > 0 {
                    e.0 -= TYPO_TIER;
                }
            }
            let mut hits = self.top(&mut scored, wanted);
            for hit in hits.iter_mut() {
                if s.typo_only[hit.1 as usize] > 0 {
                    hit.0 += TYPO_TIER;
                }
            }
            // A job is shown under its fiche's title when the fiche's title holds as many of the query's
            // words as the appellation that won ("Infirmier / Infirmière en soins généraux", not
            // "… en stomatothérapie").
            for hit in hits.iter_mut() {
                let d = hit.1 as usize;
                let head = self
                    .head
                    .get(self.group[d] as usize)
                    .copied()
                    .unwrap_or(u32::MAX);
                if head != u32::MAX
                    && head as usize != d
                    && s.title_matched[head as usize] >= s.title_matched[d]
                {
                    hit.1 = head;
                }
            }
            let enough = hits.len() >= wanted.min(5);
            if q.near.is_some() && !enough && radius < 100.0 {
                radius = 100.0_f64.max(q.radius_km);
                widened = Some(radius);
                continue;
            }
            return Ok(Results {
                hits: hits
                    .into_iter()
                    .map(|(score, d, distance)| self.hit(d as usize, score, distance, today))
                    .collect(),
                widened_to_km: widened,
                facets: counter.finish(),
                no_local,
                ..Default::default()
            });
        }
    }

    /// Whether a document passes the filters: training filters keep trainings that match them, the grand
    /// domaine filter keeps jobs of that domaine.
    fn passes(&self, d: usize, f: &Filters, today: u32) -> bool {
        if let Some(gd) = f.grand_domaine {
            if self.kind[d] != 0 || self.domain[d] != gd.to_ascii_uppercase() as u8 {
                return false;
            }
        }
        if f.on_trainings() {
            return self
                .facts
                .training(d)
                .is_some_and(|t| f.accepts_training(&t, today));
        }
        true
    }

    /// The best `wanted` documents, one per group (a job fiche and its appellations are one group).
    fn top(
        &self,
        scored: &mut [(f32, u32, Option<f64>)],
        wanted: usize,
    ) -> Vec<(f32, u32, Option<f64>)> {
        let cmp = |a: &(f32, u32, Option<f64>), b: &(f32, u32, Option<f64>)| {
            b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
        };
        let mut window = wanted.saturating_mul(8).max(64);
        loop {
            let slice: &mut [(f32, u32, Option<f64>)] = if scored.len() > window {
                scored.select_nth_unstable_by(window, cmp);
                &mut scored[..window]
            } else {
                &mut scored[..]
            };
            slice.sort_by(cmp);
            let mut seen = std::collections::HashSet::new();
            let out: Vec<_> = slice
                .iter()
                .filter(|(_, d, _)| seen.insert(self.group[*d as usize]))
                .take(wanted)
                .cloned()
                .collect();
            if out.len() >= wanted || window >= scored.len() {
                return out;
            }
            window = window.saturating_mul(4);
        }
    }

    /// The small labels a result carries, from the facts the engine already holds.
    fn badges(&self, d: usize, today: u32) -> Vec<Badge> {
        let mut badges = Vec::new();
        if let Some(t) = self.facts.training(d) {
            if t.sessions.iter().any(|s| s.open_on(today)) {
                badges.push(Badge::new(BadgeKind::RegistrationOpen));
            }
            if t.modes & TeachingMode::Distance.bit() != 0 {
                badges.push(Badge::new(BadgeKind::DistanceLearning));
            }
        }
        badges
    }

    fn hit(&self, d: usize, score: f32, distance: Option<f64>, today: u32) -> Hit {
        let location = self.location(d, distance);
        let mut subtitle = self.subtitles.get(d);
        // "BTS · Lycée X · Marseille" beside "à Marseille": the town is said once, by the location.
        let name = self.place_names.get(d);
        if !name.is_empty()
            && location
                .as_deref()
                .is_some_and(|l| l.strip_prefix("à ").is_some_and(|l| l.starts_with(name)))
        {
            if let Some(rest) = subtitle
                .strip_suffix(name)
                .and_then(|r| r.strip_suffix(" · "))
            {
                subtitle = rest;
            }
        }
        let rome = self.romes.get(d);
        Hit {
            badges: self.badges(d, today),
            kind: kind_of(self.kind[d]),
            id: self.ids.get(d).to_string(),
            title: self.titles.get(d).to_string(),
            subtitle: (!subtitle.is_empty()).then(|| subtitle.to_string()),
            rome: (!rome.is_empty()).then(|| rome.to_string()),
            score: (score as f64 * 1000.0).round() / 1000.0,
            distance_km: distance.map(|d| (d * 10.0).round() / 10.0),
            location,
        }
    }

    /// Char ranges of the title words a query matches (same stem, completion or close typo), to highlight.
    pub fn matched_ranges(&self, query: &str, title: &str) -> Vec<(usize, usize)> {
        let words = text::words(query);
        let n = words.len();
        let typing = !query.ends_with(char::is_whitespace);
        let mut terms = std::collections::HashSet::new();
        for (i, w) in words.iter().enumerate() {
            for alt in self.alternatives(w, typing && i + 1 == n) {
                terms.insert(alt.term);
            }
        }
        text::word_spans(title)
            .into_iter()
            .filter(|(_, _, w)| {
                let (surface, marked) = forms(w);
                [Some(surface), marked]
                    .iter()
                    .flatten()
                    .any(|f| self.term_id(f).is_some_and(|t| terms.contains(&t)))
            })
            .map(|(a, b, _)| (a, b))
            .collect()
    }
}

/// "infirmier marseille": how far beyond the nearest located result a job or a national programme
/// ranks, in its band of text score, when the place was named among the words. A few km: the nearest
/// offers come first, then the job, then the farther offers.
const UNLOCATED_BEYOND_NEAREST_KM: f64 = 3.0;

/// Near a place, among results whose words match comparably, nearest comes first: results are put in
/// bands of text score (fifths of the best), and within a band they order by distance, then by text.
/// A result matching every word so stays above a nearer one matching half of them, while "agence",
/// "lycée", "mission locale" (the same words in every title) list nearest first. Results with no place
/// (jobs, aids) rank in their band as a result `unlocated_km` beyond the nearest does.
fn blend_distance(scored: &mut [(f32, u32, Option<f64>)], unlocated_km: f64) {
    const BANDS: f32 = 5.0;
    const SCALE_KM: f64 = 5.0;
    let best = scored.iter().map(|s| s.0).fold(0.0f32, f32::max);
    if best <= 0.0 {
        return;
    }
    let nearest = scored
        .iter()
        .filter_map(|s| s.2)
        .min_by(|a, b| a.total_cmp(b))
        .unwrap_or(0.0);
    for s in scored.iter_mut() {
        let share = (s.0 / best).clamp(0.0, 1.0);
        // The best result's band is the top one (share 1.0 would start a band of its own).
        let band = (share * BANDS).floor().min(BANDS - 1.0);
        let d = s.2.unwrap_or(nearest + unlocated_km);
        let near = ((SCALE_KM + nearest) / (SCALE_KM + d)) as f32;
        s.0 = band * 10.0 + near + share * 0.01;
    }
}

/// A set of group numbers, as bits.
struct GroupSet(Vec<u64>);

impl GroupSet {
    fn new(groups: usize) -> GroupSet {
        GroupSet(vec![0; groups.div_ceil(64)])
    }
    /// Adds a group; true when it was not there yet.
    fn insert(&mut self, g: u32) -> bool {
        let (word, bit) = ((g / 64) as usize, 1u64 << (g % 64));
        match self.0.get_mut(word) {
            Some(w) if *w & bit == 0 => {
                *w |= bit;
                true
            }
            _ => false,
        }
    }
}

/// Counts results per kind (one per job fiche) and per filter value.
struct FacetCounter {
    kinds: [usize; 4],
    seen_groups: GroupSet,
    domain_groups: GroupSet,
    domains: std::collections::BTreeMap<char, usize>,
    levels: [usize; 9],
    funding: [usize; 8],
    modes: [usize; 3],
}

impl FacetCounter {
    fn new(groups: usize) -> FacetCounter {
        FacetCounter {
            kinds: [0; 4],
            seen_groups: GroupSet::new(groups),
            domain_groups: GroupSet::new(groups),
            domains: Default::default(),
            levels: [0; 9],
            funding: [0; 8],
            modes: [0; 3],
        }
    }

    fn kind(&mut self, kind: u8, group: u32) {
        if kind != 0 || self.seen_groups.insert(group) {
            self.kinds[kind as usize] += 1;
        }
    }

    fn values(&mut self, e: &Engine, d: usize) {
        if e.kind[d] == 0 {
            if e.domain[d] != 0 && self.domain_groups.insert(e.group[d]) {
                *self.domains.entry(e.domain[d] as char).or_default() += 1;
            }
            return;
        }
        if e.facts.flags[d] & 1 == 0 {
            return;
        }
        if let Some(n) = self.levels.get_mut(e.facts.level[d] as usize) {
            *n += 1;
        }
        for (i, f) in Funding::ALL.iter().enumerate() {
            if e.facts.funding[d] & f.bit() != 0 {
                self.funding[i] += 1;
            }
        }
        for (i, m) in TeachingMode::ALL.iter().enumerate() {
            if e.facts.modes[d] & m.bit() != 0 {
                self.modes[i] += 1;
            }
        }
    }

    fn finish(self) -> Facets {
        Facets {
            kinds: [Kind::Job, Kind::Training, Kind::Aid, Kind::Place]
                .into_iter()
                .zip(self.kinds)
                .filter(|(_, n)| *n > 0)
                .collect(),
            grand_domaines: self.domains.into_iter().collect(),
            levels: (1..=8u8)
                .zip(self.levels[1..].iter().copied())
                .filter(|(_, n)| *n > 0)
                .collect(),
            funding: Funding::ALL
                .into_iter()
                .zip(self.funding)
                .filter(|(_, n)| *n > 0)
                .collect(),
            modes: TeachingMode::ALL
                .into_iter()
                .zip(self.modes)
                .filter(|(_, n)| *n > 0)
                .collect(),
        }
    }
}

/// The number of leading indices in 0..n for which `pred` holds (pred is true then false).
fn partition(n: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

#[cfg(test)]
mod tests;

/// Saving and loading, checked on load so a damaged file is an error, not a panic later. Byte and float
/// arrays are stored flat (little-endian); integer arrays as LEB128 varints, the rising ones (postings within
/// a term, offsets of strings, session ranges, term numbers) as differences from the previous value. Most
/// values then take one byte instead of four: the arrays went from 21.4 to 13.8 MB (issue 11), for about
/// 8 ms more to load them (`search_latency`: 11–13 → 18–20 ms on our 2-core machine). The whole is then one
/// zstd frame with its checksum (13.8 → 3.2 MB in the catalogue), decompressed as it streams in.
mod storage {
    use super::{Engine, Facts, Strings};
    use crate::error::{Error, Result};
    use std::io::Read;
    use std::sync::atomic::AtomicUsize;
    use std::sync::Mutex;

    const MAGIC: &[u8; 8] = b"ORSRCH05";
    /// zstd level of the saved index: 13.8 MB of arrays and strings take 3.2 MB at 9 (3.7 at 3, 2.9 at 19
    /// for six seconds of build); decompressing costs the same at any level.
    const LEVEL: i32 = 9;
    /// A damaged header cannot make the reader allocate more than this for the decompressed index.
    const MAX_EXPANSION: usize = 64;

    /// How an integer array is written: each value, or its difference from the one before (wrapping, so
    /// any array round-trips; only rising ones get smaller). `Runs` restarts the differences at each
    /// boundary of the given ranges (a term's postings rise, the next term's start low again).
    #[derive(Clone, Copy)]
    enum Packing<'a> {
        Values,
        Rising,
        Runs(&'a [u32]),
    }

    /// The `n` values of `put_packed`'s bytes, in one pass over them (loading is on the way to the first
    /// result: about 2.5 million varints). Exactly `n` values must end exactly at the last byte.
    fn decode(bytes: &[u8], n: usize, packing: Packing) -> Result<Vec<u32>> {
        let mut v = Vec::with_capacity(n);
        let mut rest = bytes;
        match packing {
            Packing::Values => values(&mut rest, n, false, &mut v)?,
            Packing::Rising => values(&mut rest, n, true, &mut v)?,
            Packing::Runs(runs) => {
                // Each run rises from zero again; the values after the last boundary form the last run.
                let mut start = 0usize;
                for end in runs.iter().map(|&b| b as usize).chain([n]) {
                    let end = end.clamp(start, n);
                    values(&mut rest, end - start, true, &mut v)?;
                    start = end;
                }
            }
        }
        if !rest.is_empty() {
            return Err(damaged());
        }
        Ok(v)
    }

    /// `count` varints from the front of `rest`, as differences from the one before when `rising`.
    fn values(rest: &mut &[u8], count: usize, rising: bool, v: &mut Vec<u32>) -> Result<()> {
        let mut prev = 0u32;
        let mut bytes = rest.iter();
        for _ in 0..count {
            let mut x = 0u32;
            let mut shift = 0u32;
            loop {
                let b = *bytes.next().ok_or_else(damaged)?;
                // A u32 takes five bytes at most, the fifth holding its top four bits.
                if shift == 28 && b > 0x0f {
                    return Err(damaged());
                }
                x |= u32::from(b & 0x7f) << shift;
                if b < 0x80 {
                    break;
                }
                shift += 7;
            }
            prev = if rising { prev.wrapping_add(x) } else { x };
            v.push(prev);
        }
        *rest = bytes.as_slice();
        Ok(())
    }

    fn put_varint(out: &mut Vec<u8>, mut x: u32) {
        while x >= 0x80 {
            out.push((x as u8) | 0x80);
            x >>= 7;
        }
        out.push(x as u8);
    }

    /// Count, byte length, then the varints: a reader knows the size of what follows before reading it.
    fn put_packed(out: &mut Vec<u8>, v: &[u32], packing: Packing) {
        let mut bytes = Vec::with_capacity(v.len() + v.len() / 2);
        let mut prev = 0u32;
        let mut next_run = 0usize;
        for (i, &x) in v.iter().enumerate() {
            match packing {
                Packing::Values => prev = 0,
                Packing::Rising => {}
                Packing::Runs(at) => {
                    while at.get(next_run).is_some_and(|&b| b as usize <= i) {
                        prev = 0;
                        next_run += 1;
                    }
                }
            }
            put_varint(&mut bytes, x.wrapping_sub(prev));
            prev = x;
        }
        put_len(out, v.len());
        put_u8s(out, &bytes);
    }

    /// Offsets as the lengths of the strings, which are short.
    fn put_strings(out: &mut Vec<u8>, s: &Strings) {
        put_packed(out, &s.offsets, Packing::Rising);
        put_u8s(out, &s.bytes);
    }

    fn put_len(out: &mut Vec<u8>, n: usize) {
        out.extend_from_slice(&(n as u64).to_le_bytes());
    }
    fn put_u8s(out: &mut Vec<u8>, v: &[u8]) {
        put_len(out, v.len());
        out.extend_from_slice(v);
    }
    fn put_f32s(out: &mut Vec<u8>, v: &[f32]) {
        put_len(out, v.len());
        for x in v {
            out.extend_from_slice(&x.to_le_bytes());
        }
    }
    /// The magic, the decompressed length, then one zstd frame (with its checksum) of the arrays.
    pub fn to_bytes(e: &Engine) -> Result<Vec<u8>> {
        let body = body_bytes(e);
        let compress = || -> std::io::Result<Vec<u8>> {
            let mut out = Vec::with_capacity(body.len() / 3);
            out.extend_from_slice(MAGIC);
            put_len(&mut out, body.len());
            let mut z = zstd::stream::Encoder::new(out, LEVEL)?;
            z.include_checksum(true)?;
            std::io::Write::write_all(&mut z, &body)?;
            z.finish()
        };
        compress().map_err(|_| Error::Internal("compression de l'index de recherche impossible"))
    }

    fn body_bytes(e: &Engine) -> Vec<u8> {
        let mut out = Vec::with_capacity(e.postings.len() * 2 + e.titles.bytes.len() * 2);
        put_u8s(&mut out, &e.kind);
        put_packed(&mut out, &e.group, Packing::Values);
        put_f32s(&mut out, &e.prior);
        put_f32s(&mut out, &e.lat);
        put_f32s(&mut out, &e.lon);
        let dl: Vec<u8> = e.distance_learning.iter().map(|&b| u8::from(b)).collect();
        put_u8s(&mut out, &dl);
        put_u8s(&mut out, &e.title_words);
        put_u8s(&mut out, &e.domain);
        put_packed(&mut out, &e.head, Packing::Values);
        let f = &e.facts;
        for v in [&f.level, &f.funding, &f.modes, &f.flags, &f.recruitment] {
            put_u8s(&mut out, v);
        }
        put_packed(&mut out, &f.hours, Packing::Values);
        put_packed(&mut out, &f.session_at, Packing::Rising);
        for v in [&f.start, &f.registration_start, &f.registration_end] {
            put_packed(&mut out, v, Packing::Values);
        }
        put_u8s(&mut out, &e.located);
        for s in [
            &e.ids,
            &e.titles,
            &e.subtitles,
            &e.romes,
            &e.place_names,
            &e.areas,
            &e.terms,
        ] {
            put_strings(&mut out, s);
        }
        put_packed(&mut out, &e.postings_at, Packing::Rising);
        put_packed(&mut out, &e.postings, Packing::Runs(&e.postings_at));
        put_packed(&mut out, &e.title_terms, Packing::Rising);
        put_u8s(&mut out, e.neighbours.text().as_bytes());
        out
    }

    /// Reads the saved arrays straight into their final vectors: loading is on the cold path from opening
    /// the catalogue to the first result, so no intermediate copy of the whole index is made.
    struct Reader<R> {
        src: R,
        /// Bytes not read yet: a damaged length is refused before anything is allocated for it.
        left: usize,
    }

    fn damaged() -> Error {
        Error::Corrupt("l'index de recherche est illisible ; reconstruisez le catalogue".into())
    }

    impl<R: Read> Reader<R> {
        fn fill(&mut self, buf: &mut [u8]) -> Result<()> {
            if buf.len() > self.left {
                return Err(damaged());
            }
            self.src.read_exact(buf).map_err(|_| damaged())?;
            self.left -= buf.len();
            Ok(())
        }
        fn len(&mut self, width: usize) -> Result<usize> {
            let mut b = [0u8; 8];
            self.fill(&mut b)?;
            let n = u64::from_le_bytes(b) as usize;
            if n.checked_mul(width).is_none_or(|bytes| bytes > self.left) {
                return Err(damaged());
            }
            Ok(n)
        }
        fn u8s(&mut self) -> Result<Vec<u8>> {
            let n = self.len(1)?;
            let mut v = vec![0u8; n];
            self.fill(&mut v)?;
            Ok(v)
        }
        fn f32s(&mut self) -> Result<Vec<f32>> {
            let n = self.len(4)?;
            let mut v = vec![0u32; n];
            self.fill(bytemuck::cast_slice_mut(&mut v))?;
            // The file is little-endian; on a big-endian machine this swaps, elsewhere it compiles away.
            Ok(v.into_iter()
                .map(|x| f32::from_bits(u32::from_le(x)))
                .collect())
        }
        /// An array written by `put_packed` with the same packing: exactly its count of varints in exactly
        /// its bytes, or the file is damaged.
        fn packed(&mut self, packing: Packing) -> Result<Vec<u32>> {
            let n = self.len(1)?;
            let bytes = self.u8s()?;
            if n > bytes.len() {
                return Err(damaged());
            }
            decode(&bytes, n, packing)
        }
        fn strings(&mut self) -> Result<Strings> {
            let offsets = self.packed(Packing::Rising)?;
            let bytes = self.u8s()?;
            let ok = offsets.windows(2).all(|w| w[0] <= w[1])
                && offsets.last().is_none_or(|&l| l as usize == bytes.len())
                && offsets.first().is_none_or(|&f| f == 0);
            if !ok {
                return Err(damaged());
            }
            Ok(Strings { offsets, bytes })
        }
    }

    pub fn from_bytes(data: &[u8]) -> Result<Engine> {
        read(data, data.len())
    }

    /// Loads an engine saved by `to_bytes` from a reader of exactly `total` bytes.
    pub fn read(src: impl Read, total: usize) -> Result<Engine> {
        let mut head = Reader { src, left: total };
        let mut magic = [0u8; MAGIC.len()];
        head.fill(&mut magic)?;
        if &magic != MAGIC {
            return Err(damaged());
        }
        let mut b = [0u8; 8];
        head.fill(&mut b)?;
        let body = u64::from_le_bytes(b) as usize;
        if body > head.left.saturating_mul(MAX_EXPANSION) {
            return Err(damaged());
        }
        let z = zstd::stream::read::Decoder::new(head.src.take(head.left as u64))
            .map_err(|_| damaged())?;
        let mut r = Reader { src: z, left: body };
        let e = read_body(&mut r)?;
        // Past the last array the frame must end, its checksum hold, and its end be the blob's end.
        let mut past = [0u8; 1];
        if !matches!(r.src.read(&mut past), Ok(0)) {
            return Err(damaged());
        }
        let rest = r.src.finish();
        if !rest.buffer().is_empty() || rest.get_ref().limit() != 0 {
            return Err(damaged());
        }
        Ok(e)
    }

    fn read_body<R: Read>(r: &mut Reader<R>) -> Result<Engine> {
        let kind = r.u8s()?;
        let n = kind.len();
        let mut e = Engine {
            group: r.packed(Packing::Values)?,
            prior: r.f32s()?,
            lat: r.f32s()?,
            lon: r.f32s()?,
            distance_learning: r.u8s()?.into_iter().map(|b| b != 0).collect(),
            title_words: r.u8s()?,
            domain: r.u8s()?,
            head: r.packed(Packing::Values)?,
            facts: Facts {
                level: r.u8s()?,
                funding: r.u8s()?,
                modes: r.u8s()?,
                flags: r.u8s()?,
                recruitment: r.u8s()?,
                hours: r.packed(Packing::Values)?,
                session_at: r.packed(Packing::Rising)?,
                start: r.packed(Packing::Values)?,
                registration_start: r.packed(Packing::Values)?,
                registration_end: r.packed(Packing::Values)?,
            },
            located: r.u8s()?,
            ids: r.strings()?,
            titles: r.strings()?,
            subtitles: r.strings()?,
            romes: r.strings()?,
            place_names: r.strings()?,
            areas: r.strings()?,
            terms: r.strings()?,
            postings_at: r.packed(Packing::Rising)?,
            postings: Vec::new(),
            title_terms: Vec::new(),
            completions: Mutex::new(std::collections::HashMap::new()),
            alt_cache: Mutex::new(std::collections::HashMap::new()),
            kind,
            synonyms: super::parse_synonyms(super::SYNONYMS),
            interrupts: AtomicUsize::new(0),
            scratch: Mutex::new(Vec::new()),
            extras: std::sync::OnceLock::new(),
            acronyms: std::sync::OnceLock::new(),
            neighbours: Default::default(),
            places: std::sync::OnceLock::new(),
        };
        // The postings restart their differences at each term's start, which the array just read gives.
        e.postings = r.packed(Packing::Runs(&e.postings_at))?;
        e.title_terms = r.packed(Packing::Rising)?;
        let neighbours = String::from_utf8(r.u8s()?).map_err(|_| damaged())?;
        e.neighbours = crate::search::expand::Neighbours::new(neighbours);
        let per_doc = [
            e.group.len(),
            e.prior.len(),
            e.lat.len(),
            e.lon.len(),
            e.distance_learning.len(),
            e.title_words.len(),
            e.domain.len(),
            e.facts.level.len(),
            e.facts.funding.len(),
            e.facts.modes.len(),
            e.facts.flags.len(),
            e.facts.hours.len(),
            e.ids.len(),
            e.titles.len(),
            e.subtitles.len(),
            e.romes.len(),
            e.located.len(),
            e.place_names.len(),
            e.areas.len(),
        ];
        let consistent = per_doc.iter().all(|&l| l == n)
            && e.kind.iter().all(|&k| k <= 3)
            && e.title_words.iter().all(|&w| w >= 1)
            && e.group.iter().all(|&g| (g as usize) < e.head.len())
            && e.head.iter().all(|&h| h == u32::MAX || (h as usize) < n)
            && e.postings_at.len() == e.terms.len() + 1
            && e.postings_at.first() == Some(&0)
            && e.postings_at.windows(2).all(|w| w[0] <= w[1])
            && e.postings_at
                .last()
                .is_some_and(|&l| l as usize == e.postings.len())
            && e.postings.iter().all(|&p| ((p >> 1) as usize) < n)
            && (1..e.terms.len()).all(|i| e.terms.bytes_of(i - 1) < e.terms.bytes_of(i))
            && (0..e.terms.len()).all(|i| !e.terms.bytes_of(i).is_empty())
            && e.title_terms.windows(2).all(|w| w[0] < w[1])
            && e.title_terms
                .last()
                .is_none_or(|&t| (t as usize) < e.terms.len())
            && e.facts.session_at.len() == n + 1
            && e.facts.session_at.first() == Some(&0)
            && e.facts.session_at.windows(2).all(|w| w[0] <= w[1])
            && e.facts
                .session_at
                .last()
                .is_some_and(|&l| l as usize == e.facts.start.len())
            && [
                e.facts.registration_start.len(),
                e.facts.registration_end.len(),
                e.facts.recruitment.len(),
            ]
            .iter()
            .all(|&l| l == e.facts.start.len())
            && r.left == 0;
        if !consistent {
            return Err(damaged());
        }
        Ok(e)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn reader(bytes: &[u8]) -> Reader<&[u8]> {
            Reader {
                src: bytes,
                left: bytes.len(),
            }
        }

        fn round_trip(v: &[u32], packing: Packing) -> (Vec<u32>, usize) {
            let mut out = Vec::new();
            put_packed(&mut out, v, packing);
            (reader(&out).packed(packing).unwrap(), out.len())
        }

        #[test]
        fn packed_arrays_round_trip_and_rising_ones_shrink() {
            let edge = [0, 127, 128, 16_383, 16_384, u32::MAX, 5, 3, u32::MAX - 1, 0];
            for packing in [Packing::Values, Packing::Rising, Packing::Runs(&[0, 4, 7])] {
                assert_eq!(round_trip(&edge, packing).0, edge);
            }
            assert_eq!(round_trip(&[], Packing::Rising).0, Vec::<u32>::new());
            // 1,000 rising values from 100,000: one byte each as differences, three as values.
            let rising: Vec<u32> = (100_000..101_000).collect();
            let (back, rising_bytes) = round_trip(&rising, Packing::Rising);
            assert_eq!(back, rising);
            assert_eq!(rising_bytes, 16 + 3 + 999);
            assert_eq!(round_trip(&rising, Packing::Values).1, 16 + 3_000);
            // Two runs that each rise from low values: restarting keeps every difference small.
            let runs = [5, 6, 9, 1, 2, 3];
            let (back, bytes) = round_trip(&runs, Packing::Runs(&[0, 3]));
            assert_eq!(back, runs);
            assert_eq!(bytes, 16 + 6);
        }

        #[test]
        fn overlong_or_short_varints_are_damage() {
            for bad in [
                // six bytes for one value
                vec![0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
                // a fifth byte above the top four bits of a u32
                vec![0xff, 0xff, 0xff, 0xff, 0x1f],
                // unfinished
                vec![0x80],
            ] {
                let mut out = Vec::new();
                put_len(&mut out, 1);
                put_u8s(&mut out, &bad);
                assert!(reader(&out).packed(Packing::Values).is_err(), "{bad:?}");
            }
            // More bytes than the values use.
            let mut out = Vec::new();
            put_len(&mut out, 1);
            put_u8s(&mut out, &[1, 2]);
            assert!(reader(&out).packed(Packing::Values).is_err());
        }
    }
}

impl Engine {
    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        storage::to_bytes(self)
    }

    pub fn from_bytes(data: &[u8]) -> Result<Engine> {
        storage::from_bytes(data)
    }

    /// Loads an engine saved by `to_bytes` from a reader of exactly `len` bytes (a SQLite blob handle).
    pub fn read_from(src: impl std::io::Read, len: usize) -> Result<Engine> {
        storage::read(src, len)
    }
}

#[cfg(test)]
mod storage_tests {
    use super::*;

    #[test]
    fn saved_engine_answers_like_the_built_one_and_damage_is_an_error() {
        let docs = vec![
            Doc {
                kind: "job",
                id: "D1102".into(),
                title: "Boulanger / Boulangère".into(),
                subtitle: Some("Boulangerie".into()),
                rome: Some("D1102".into()),
                lat: None,
                lon: None,
                distance_learning: false,
                prior: 3.0,
                body: "pain".into(),
                domain: Some('D'),
                ..Default::default()
            },
            Doc {
                kind: "place",
                id: "commune:13055".into(),
                title: "Marseille".into(),
                subtitle: None,
                rome: None,
                lat: Some(43.3),
                lon: Some(5.4),
                distance_learning: false,
                prior: 0.0,
                body: String::new(),
                ..Default::default()
            },
            Doc {
                kind: "training",
                id: "lheo:1".into(),
                title: "CAP Boulanger".into(),
                lat: Some(43.3),
                lon: Some(5.4),
                training: Some(TrainingInfo {
                    level: Some(3),
                    funding: 1,
                    modes: 1,
                    hours: Some(800),
                    disability_access: true,
                    sessions: vec![SessionInfo {
                        start: Some(2026_12_01),
                        recruitment: Some(1),
                        ..Default::default()
                    }],
                }),
                ..Default::default()
            },
        ];
        let built = Engine::build(&docs);
        let bytes = built.to_bytes().unwrap();
        let loaded = Engine::from_bytes(&bytes).unwrap();
        for q in ["boulang", "marseille", "pain ", "boulnager"] {
            assert_eq!(
                built.search(&Query::new(q)).unwrap(),
                loaded.search(&Query::new(q)).unwrap()
            );
        }
        // Cut anywhere, or with any byte changed (the zstd frame carries a checksum), the file is refused.
        for cut in 0..bytes.len() {
            assert!(Engine::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0xa5;
            assert!(Engine::from_bytes(&b).is_err(), "byte {i} changed");
        }
        assert!(matches!(
            Engine::from_bytes(b"garbage"),
            Err(Error::Corrupt(_))
        ));
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] = 0xff; // a posting pointing past the last document
        assert!(Engine::from_bytes(&flipped).is_err());
        // Streamed loading: the same bytes load; a source shorter than announced is an error.
        let streamed = Engine::read_from(&bytes[..], bytes.len()).unwrap();
        assert_eq!(
            built.search(&Query::new("boulang")).unwrap(),
            streamed.search(&Query::new("boulang")).unwrap()
        );
        assert!(Engine::read_from(&bytes[..bytes.len() - 10], bytes.len()).is_err());
        assert!(Engine::read_from(&bytes[..], bytes.len() + 10).is_err());
    }
}
