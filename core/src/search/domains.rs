//! Job-family labels (issue 16): a query such as "ouvriers qualifiés du bois" or "cadres de la banque"
//! names a **domain** and a **level**, words the fiche titles seldom hold. This module reads both:
//!
//! - a query word found in the label of one of the ROME's 14 grands domaines or 110 domaines
//!   professionnels ("bois" → H22 "Bois", "banque" → C12 "Banque" and C "Banque, Assurance,
//!   Immobilier") matches the fiches of that domain, as if their title held it, at a lower quality;
//! - a level word (cadres, ingénieurs, techniciens, agents de maîtrise, employés, ouvriers qualifiés /
//!   non qualifiés / peu qualifiés) matches the fiches of that level: the ROME's cadre flag
//!   (`emploi_cadre`), the words of the title (technicien, chef d'équipe, aide, ouvrier…) and the domain
//!   (production and building fiches are workers' jobs, services fiches employees').
//!
//! The domain labels and the cadre flag come from the ROME files the catalogue is built from, compiled in
//! (a few hundred KB); the domaine professionnel of a fiche is the first three characters of its code.

use super::french;
use crate::text;
use std::collections::HashMap;

/// Quality of a match through a domaine professionnel label, and through a grand domaine label.
pub const DOMAIN: f32 = 0.6;
pub const GRAND_DOMAIN: f32 = 0.45;
/// Quality of a match through a level word.
pub const LEVEL: f32 = 0.55;

const GRANDS_DOMAINES: &str =
    include_str!("../../../data/rome/rome4_v460/unix_grand_domaine_v460_utf8.csv");
const DOMAINES: &str =
    include_str!("../../../data/rome/rome4_v460/unix_domaine_professionnel_v460_utf8.csv");
const FICHES: &str =
    include_str!("../../../data/rome/rome4_v460/unix_referentiel_code_rome_v460_utf8.csv");

/// Levels, as bits.
pub const CADRE: u8 = 1;
pub const MAITRISE: u8 = 2;
pub const TECHNICIEN: u8 = 4;
pub const EMPLOYE: u8 = 8;
pub const OUVRIER_QUALIFIE: u8 = 16;
pub const OUVRIER_NON_QUALIFIE: u8 = 32;

/// The level a query word asks for, given the words around it ("non"/"peu" before "qualifiés", "agents"
/// before "de maîtrise"). None for a word that is not a level word.
pub fn level_of(words: &[String], i: usize) -> Option<u8> {
    // Words are compared by stem, so plural and feminine forms count.
    let is = |w: Option<&str>, base: &str| w.is_some_and(|w| french::stem(w) == french::stem(base));
    let w = words.get(i).map(String::as_str);
    let next = words.get(i + 1).map(String::as_str);
    let prev = i
        .checked_sub(1)
        .and_then(|p| words.get(p))
        .map(String::as_str);
    let unskilled = |w: Option<&str>| matches!(w, Some("non" | "peu" | "sans"));
    let any_ouvrier = OUVRIER_QUALIFIE | OUVRIER_NON_QUALIFIE;
    Some(
        if is(w, "cadre") || is(w, "ingenieur") || is(w, "dirigeant") {
            CADRE
        } else if is(w, "technicien") {
            TECHNICIEN
        } else if is(w, "maitrise") || (is(w, "agent") && is(next, "maitrise")) {
            MAITRISE
        } else if is(w, "employe") {
            EMPLOYE
        } else if is(w, "ouvrier") {
            if unskilled(next) {
                OUVRIER_NON_QUALIFIE
            } else if is(next, "qualifie") {
                OUVRIER_QUALIFIE
            } else {
                any_ouvrier
            }
        } else if unskilled(w) && is(next, "qualifie") {
            OUVRIER_NON_QUALIFIE
        } else if is(w, "qualifie") {
            if unskilled(prev) {
                OUVRIER_NON_QUALIFIE
            } else if is(prev, "ouvrier") {
                OUVRIER_QUALIFIE
            } else {
                OUVRIER_QUALIFIE | TECHNICIEN | EMPLOYE
            }
        } else if is(w, "patron") {
            // "Patrons et cadres d'hôtels, cafés, restaurants" (FAP-2009 S3Z).
            CADRE
        } else if is(w, "intermediaire") {
            // "Professions intermédiaires": the INSEE level between employees and executives.
            TECHNICIEN | MAITRISE
        } else if is(w, "categorie") {
            // The civil service's categories, read on "catégorie" alone (one level word, not two):
            // "(catégorie B et assimilés)". "A" is a stop word and never reaches here; "cadres" says it.
            match next {
                Some("b") => TECHNICIEN | MAITRISE,
                Some("c") => EMPLOYE,
                _ => return None,
            }
        } else if is(w, "assimile") {
            // "agents de maîtrise et assimilés": the level named before it.
            return (0..i).rev().find_map(|j| level_of(words, j));
        } else {
            return None;
        },
    )
}

/// The levels a whole query names, joined: a family label may span several ("Techniciens et agents
/// de maîtrise du BTP", "Employés et techniciens commerciaux de la banque"), and each of its level
/// words then accepts a fiche of any of them. 0 when the query names no level.
pub fn levels_named(words: &[String]) -> u8 {
    levels_joined(&levels_of(words))
}

/// Each word's level ([`level_of`]), computed once for a query.
pub fn levels_of(words: &[String]) -> Vec<Option<u8>> {
    (0..words.len()).map(|i| level_of(words, i)).collect()
}

/// The levels of [`levels_of`] joined, as [`levels_named`] gives them.
pub fn levels_joined(levels: &[Option<u8>]) -> u8 {
    levels.iter().flatten().fold(0, |all, l| all | l)
}

/// How well a fiche of level `fiche` answers a level word asking for `wanted`: fully when the levels
/// meet; half for the other kind of worker (a painter is a skilled worker, yet a fair answer to
/// "ouvriers peu qualifiés en peinture"); not at all otherwise.
pub fn level_match(wanted: u8, fiche: u8) -> f32 {
    let workers = OUVRIER_QUALIFIE | OUVRIER_NON_QUALIFIE;
    if wanted & fiche != 0 {
        LEVEL
    } else if wanted & workers != 0 && fiche & workers != 0 {
        LEVEL * 0.5
    } else {
        0.0
    }
}

/// Per fiche: its level bits, from the cadre flag, its title and its domain.
pub fn fiche_level(code: &str, title: &str, cadre: bool) -> u8 {
    let words: Vec<String> = text::words(title)
        .into_iter()
        .map(|w| french::stem(&w))
        .collect();
    let has = |w: &str| {
        let w = french::stem(w);
        words.contains(&w)
    };
    let first = words.first().map(String::as_str).unwrap_or("");
    let first_is = |w: &str| first == french::stem(w);
    let gd = code.as_bytes().first().copied().unwrap_or(b'?');
    let dp = code.get(..3).unwrap_or("");
    if cadre
        || ["directeur", "ingenieur", "cadre", "dirigeant", "manager"]
            .iter()
            .any(|w| first_is(w))
    {
        return CADRE;
    }
    if has("chef")
        || has("contremaitre")
        || has("superviseur")
        || has("gouvernant")
        || has("encadrant")
        || matches!(dp, "F12" | "I11" | "N13" | "N42")
    {
        return MAITRISE;
    }
    if has("technicien")
        || has("dessinateur")
        || has("projeteur")
        || has("metreur")
        || has("controleur")
        || matches!(dp, "H12" | "H14" | "H15")
    {
        return TECHNICIEN;
    }
    let unskilled = has("aide")
        || has("manoeuvre")
        || has("equipier")
        || has("commis")
        || has("manutentionnaire")
        || has("cueilleur")
        || has("polyvalent")
        || (first_is("agent") && matches!(gd, b'A' | b'F' | b'H' | b'I' | b'N'))
        || (first_is("operateur") && gd == b'H');
    let workshop = matches!(gd, b'A' | b'B' | b'F' | b'H' | b'I')
        || matches!(dp, "N11" | "K22" | "K23" | "D11" | "G16")
        || has("ouvrier")
        || has("operateur")
        || has("monteur")
        || has("soudeur");
    match (workshop, unskilled) {
        (true, true) => OUVRIER_NON_QUALIFIE,
        (true, false) => OUVRIER_QUALIFIE,
        (false, _) => EMPLOYE,
    }
}

/// The domains a query word names: (code, quality); a code is a grand domaine letter ("C") or a
/// domaine professionnel ("C12").
pub struct DomainWords {
    by_stem: HashMap<String, Vec<(String, f32)>>,
}

/// The ROME's `emploi_cadre` flag of every fiche (read only when a query holds a level word).
pub struct CadreFlags(HashMap<String, bool>);

impl CadreFlags {
    pub fn load() -> CadreFlags {
        let mut cadre = HashMap::new();
        for row in csv_rows(FICHES) {
            if let (Some(code), Some(flag)) = (row.get(0), row.get(8)) {
                cadre.insert(code.to_string(), flag == "O");
            }
        }
        CadreFlags(cadre)
    }

    pub fn is_cadre(&self, code: &str) -> bool {
        self.0.get(code).copied().unwrap_or(false)
    }
}

fn csv_rows(text: &str) -> Vec<csv::StringRecord> {
    csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes())
        .records()
        .filter_map(|r| r.ok())
        .collect()
}

impl DomainWords {
    pub fn load() -> DomainWords {
        let mut by_stem: HashMap<String, Vec<(String, f32)>> = HashMap::new();
        for (text_, quality) in [(GRANDS_DOMAINES, GRAND_DOMAIN), (DOMAINES, DOMAIN)] {
            for row in csv_rows(text_) {
                let (Some(code), Some(label)) = (row.get(0), row.get(1)) else {
                    continue;
                };
                for w in text::words(label) {
                    if french::is_stop_word(&w) || w.len() < 3 {
                        continue;
                    }
                    let list = by_stem.entry(french::stem(&w)).or_default();
                    if !list.iter().any(|(c, _)| c == code) {
                        list.push((code.to_string(), quality));
                    }
                }
            }
        }
        // A word in many labels ("production", "travaux") names no domain in particular.
        by_stem.retain(|_, codes| codes.len() <= 3);
        DomainWords { by_stem }
    }

    /// The domains a folded query word names.
    pub fn domains_of(&self, word: &str) -> &[(String, f32)] {
        if word.len() < 3 || french::is_stop_word(word) {
            return &[];
        }
        self.by_stem
            .get(&french::stem(word))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        text::words(s)
            .into_iter()
            .filter(|w| !french::is_stop_word(w))
            .collect()
    }

    #[test]
    fn level_words_are_read_with_their_neighbours() {
        let q = w("ouvriers non qualifiés du bois");
        assert_eq!(level_of(&q, 0), Some(OUVRIER_NON_QUALIFIE));
        assert_eq!(level_of(&q, 1), Some(OUVRIER_NON_QUALIFIE));
        assert_eq!(level_of(&q, 2), Some(OUVRIER_NON_QUALIFIE));
        assert_eq!(level_of(&q, 3), None);
        let q = w("ouvriers qualifiés du bois");
        assert_eq!(level_of(&q, 0), Some(OUVRIER_QUALIFIE));
        let q = w("Techniciens et agents de maîtrise du BTP");
        assert_eq!(level_of(&q, 0), Some(TECHNICIEN));
        assert_eq!(level_of(&q, 1), Some(MAITRISE));
        assert_eq!(level_of(&q, 2), Some(MAITRISE));
        assert_eq!(level_of(&w("cadres de la banque"), 0), Some(CADRE));
        assert_eq!(level_of(&w("employés de banque"), 0), Some(EMPLOYE));
        // "agent" alone is a title word, not a level.
        assert_eq!(level_of(&w("agent immobilier"), 0), None);
    }

    #[test]
    fn fap_level_wording_is_read() {
        // "qualifiés" after "ouvriers" qualifies the workers only.
        let q = w("ouvriers qualifiés de la mécanique");
        assert_eq!(level_of(&q, 1), Some(OUVRIER_QUALIFIE));
        assert_eq!(levels_named(&q), OUVRIER_QUALIFIE);
        assert_eq!(level_of(&w("patrons et cadres d'hôtels"), 0), Some(CADRE));
        let q = w("Professions intermédiaires administratives de la fonction publique (catégorie B et assimilés)");
        assert_eq!(
            level_of(&q, 0),
            None,
            "the level is read once, on « intermédiaires »"
        );
        assert_eq!(level_of(&q, 1), Some(TECHNICIEN | MAITRISE));
        let cat = q.iter().position(|x| x == "categorie").unwrap_or(0);
        assert_eq!(level_of(&q, cat), Some(TECHNICIEN | MAITRISE));
        assert_eq!(level_of(&q, cat + 1), None);
        assert_eq!(
            level_of(&q, q.len() - 1),
            Some(TECHNICIEN | MAITRISE),
            "assimilés"
        );
        let q = w("Cadres de la fonction publique (catégorie A et assimilés)");
        assert_eq!(levels_named(&q), CADRE);
        let q = w("Employés administratifs de la fonction publique (catégorie C et assimilés)");
        assert_eq!(levels_named(&q), EMPLOYE);
        // "assimilés" with no level before it is no level; nor is "catégorie" alone.
        assert_eq!(level_of(&w("assimilés"), 0), None);
        assert_eq!(level_of(&w("catégorie poids"), 0), None);
    }

    #[test]
    fn a_label_spanning_levels_names_them_all() {
        let q = w("Techniciens et agents de maîtrise du BTP");
        assert_eq!(levels_named(&q), TECHNICIEN | MAITRISE);
        let q = w("Employés et techniciens commerciaux de la banque");
        assert_eq!(levels_named(&q), EMPLOYE | TECHNICIEN);
        assert_eq!(levels_named(&w("cadres de la banque")), CADRE);
        assert_eq!(levels_named(&w("agent immobilier")), 0);
    }

    #[test]
    fn levels_meet_fully_or_between_kinds_of_workers() {
        assert_eq!(level_match(CADRE, CADRE), LEVEL);
        assert_eq!(
            level_match(OUVRIER_NON_QUALIFIE, OUVRIER_QUALIFIE),
            LEVEL * 0.5
        );
        assert_eq!(level_match(CADRE, EMPLOYE), 0.0);
        assert_eq!(level_match(TECHNICIEN, OUVRIER_QUALIFIE), 0.0);
    }

    #[test]
    fn fiches_get_a_level_from_flag_title_and_domain() {
        assert_eq!(
            fiche_level("C1207", "Directeur / Directrice d'agence bancaire", false),
            CADRE
        );
        assert_eq!(
            fiche_level("C1203", "Chargé / Chargée d'affaires", true),
            CADRE
        );
        assert_eq!(
            fiche_level("F1202", "Chef / Cheffe de chantier bâtiment", false),
            MAITRISE
        );
        assert_eq!(
            fiche_level(
                "H1203",
                "Dessinateur-projeteur / Dessinatrice-projeteuse",
                false
            ),
            TECHNICIEN
        );
        assert_eq!(
            fiche_level("H2206", "Menuisier / Menuisière", false),
            OUVRIER_QUALIFIE
        );
        assert_eq!(
            fiche_level("F1704", "Manœuvre bâtiment", false),
            OUVRIER_NON_QUALIFIE
        );
        assert_eq!(
            fiche_level(
                "C1206",
                "Conseiller / Conseillère de clientèle bancaire",
                false
            ),
            EMPLOYE
        );
    }

    #[test]
    fn domain_labels_name_their_domains_and_the_cadre_flag_is_read() {
        let d = DomainWords::load();
        let flags = CadreFlags::load();
        let codes = |word: &str| -> Vec<String> {
            d.domains_of(word).iter().map(|(c, _)| c.clone()).collect()
        };
        assert!(
            codes("bois").contains(&"H22".to_string()),
            "{:?}",
            codes("bois")
        );
        let banque = codes("banque");
        assert!(banque.contains(&"C12".to_string()) && banque.contains(&"C".to_string()));
        assert!(codes("hotellerie").contains(&"G".to_string()));
        assert!(codes("de").is_empty() && codes("zzz").is_empty());
        // emploi_cadre = O for A1504 (Vétérinaire), N for C1203, empty for C1206 in
        // unix_referentiel_code_rome_v460_utf8.csv.
        assert!(flags.is_cadre("A1504") && !flags.is_cadre("C1203") && !flags.is_cadre("C1206"));
        assert!(!flags.is_cadre("Z9999"));
    }
}
