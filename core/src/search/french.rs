//! French word forms: a light stemmer that folds feminine and plural forms onto one key
//! ("boulangère", "boulangers" → "boulanger"), and the stop words that carry little meaning in a query.

#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

/// Folds gender and number. Input is already folded (lower case, no accents). The same function runs on
/// documents and queries, so a rule only has to be consistent, not linguistically perfect.
pub fn stem(word: &str) -> String {
    let mut w = word.to_string();
    if w.len() <= 3 || !w.is_ascii() || w.bytes().any(|b| b.is_ascii_digit()) {
        return w;
    }
    // Plural.
    if w.ends_with("eaux") {
        w.pop();
    } else if w.ends_with("aux") && w.len() > 4 {
        w.truncate(w.len() - 3);
        w.push_str("al");
    } else if (w.ends_with('s') && !w.ends_with("ss")) || w.ends_with('x') {
        w.pop();
    }
    // Feminine, longest suffix first.
    const RULES: [(&str, &str); 9] = [
        ("trice", "teur"),
        ("euse", "eur"),
        ("ienne", "ien"),
        ("onne", "on"),
        ("elle", "el"),
        ("ette", "et"),
        ("ere", "er"),
        ("ive", "if"),
        ("ffe", "f"),
    ];
    for (suffix, replacement) in RULES {
        if w.len() > suffix.len() + 2 && w.ends_with(suffix) {
            w.truncate(w.len() - suffix.len());
            w.push_str(replacement);
            return w;
        }
    }
    // A mute final "e" ("agente", "employée" → "employe" → "employ", like "employé").
    for _ in 0..2 {
        if w.len() > 4 && w.ends_with('e') {
            w.pop();
        }
    }
    w
}

/// Words that only link others. Removed from a query unless nothing else is left.
pub fn is_stop_word(word: &str) -> bool {
    matches!(
        word,
        "de" | "du"
            | "des"
            | "la"
            | "le"
            | "les"
            | "un"
            | "une"
            | "et"
            | "ou"
            | "en"
            | "a"
            | "au"
            | "aux"
            | "pour"
            | "par"
            | "dans"
            | "sur"
            | "avec"
            | "je"
            | "me"
            | "mon"
            | "ma"
            | "mes"
            | "son"
            | "sa"
            | "ses"
            | "veux"
            | "voudrais"
            | "aime"
            | "aimerais"
            | "qui"
            | "que"
            | "il"
            | "elle"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &str, b: &str) {
        assert_eq!(stem(a), stem(b), "{a} / {b}");
    }

    #[test]
    fn feminine_and_plural_forms_meet() {
        same("boulangere", "boulanger");
        same("boulangers", "boulanger");
        same("infirmieres", "infirmier");
        same("vendeuse", "vendeur");
        same("conductrice", "conducteur");
        same("technicienne", "technicien");
        same("agente", "agent");
        same("cheffe", "chef");
        same("sportive", "sportif");
        same("professionnelle", "professionnel");
        same("employee", "employe");
        same("animaux", "animal");
        same("chevaux", "cheval");
        same("bureaux", "bureau");
        same("avocate", "avocat");
    }

    #[test]
    fn short_words_and_codes_are_left_alone() {
        assert_eq!(stem("bus"), "bus");
        assert_eq!(stem("cap"), "cap");
        assert_eq!(stem("13001"), "13001");
        assert_ne!(stem("boulanger"), stem("boucher"));
    }
}
