//! French text folding shared by indexing and querying: case, accents, ligatures, elisions, punctuation.

#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

use unicode_normalization::UnicodeNormalization;

/// Lower-cases and removes accents; expands ligatures (œ → oe) so "coeur" and "cœur" meet.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfd() {
        match c {
            'œ' | 'Œ' => out.push_str("oe"),
            'æ' | 'Æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            '\u{2019}' | '\u{2018}' | '\u{02bc}' | '`' | '´' => out.push('\''),
            c if unicode_normalization::char::is_combining_mark(c) => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Elided articles and pronouns that stick to the next word: "l'aide", "d'accueil", "qu'il".
const ELISIONS: [&str; 9] = ["l", "d", "qu", "j", "n", "s", "c", "m", "t"];

/// Splits folded text into words: letters and digits only; elisions are cut off ("d'accueil" → "accueil").
pub fn words(text: &str) -> Vec<String> {
    let folded = fold(text);
    let mut out = Vec::new();
    for raw in folded.split(|c: char| !(c.is_alphanumeric() || c == '\'')) {
        let mut rest = raw.trim_matches('\'');
        // Elisions: "l'aide" → "aide"; a lone apostrophe inside other words splits them.
        while let Some((head, tail)) = rest.split_once('\'') {
            if !ELISIONS.contains(&head) && !head.is_empty() {
                out.push(head.to_string());
            }
            rest = tail;
        }
        if !rest.is_empty() {
            out.push(rest.to_string());
        }
    }
    out
}

/// The words of a text with their positions (in chars), for highlighting: (start, end, folded word).
pub fn word_spans(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let chars: Vec<char> = text.chars().collect();
    for i in 0..=chars.len() {
        let is_word = chars.get(i).is_some_and(|c| c.is_alphanumeric());
        match (is_word, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                let word: String = chars.get(s..i).unwrap_or_default().iter().collect();
                out.push((s, i, fold(&word)));
                start = None;
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_removes_accents_case_and_ligatures() {
        assert_eq!(
            fold("Infirmière ŒNOLOGUE Cœur"),
            "infirmiere oenologue coeur"
        );
        assert_eq!(fold("l’aide"), "l'aide");
    }

    #[test]
    fn words_cut_elisions_and_punctuation() {
        assert_eq!(
            words("Agent / Agente d'accueil"),
            ["agent", "agente", "accueil"]
        );
        assert_eq!(words("L'AIDE qu'il faut"), ["aide", "il", "faut"]);
        assert_eq!(words("Technicien(ne)"), ["technicien", "ne"]);
        assert_eq!(words("' '' ''' *"), Vec::<String>::new());
        assert_eq!(words("aujourd'hui"), ["aujourd", "hui"]);
    }

    #[test]
    fn word_spans_are_char_positions() {
        let spans = word_spans("Œnologue / Boulangère");
        assert_eq!(spans[0], (0, 8, "oenologue".to_string()));
        assert_eq!(spans[1], (11, 21, "boulangere".to_string()));
    }
}
