//! Small text helpers shared by importers: readable case for upper-case sources, HTML entities, and HTML
//! or Markdown to plain text. Accent folding is `crate::text::fold`, the same for importers and search.

/// Words that stay in lower case inside a place name ("Bourg en Bresse", "La Roche sur Yon").
const NAME_PARTICLES: &[&str] = &[
    "de", "du", "des", "d", "la", "le", "les", "l", "sur", "sous", "en", "et", "a", "aux", "au",
    "lès", "lez", "dit",
];

/// Readable case for a name the source writes in capitals without accents ("MARSEILLE 01" ->
/// "Marseille 01"). Accents and apostrophes are not recoverable, so "L ABERGEMENT CLEMENCIAT" becomes
/// "L Abergement Clemenciat". Hyphenated parts are capitalised each.
pub fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, word) in s.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let lower = word.to_lowercase();
        if i > 0 && NAME_PARTICLES.contains(&lower.as_str()) {
            out.push_str(&lower);
            continue;
        }
        let mut start = true;
        for c in lower.chars() {
            if start {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
            start = c == '-';
        }
    }
    out
}

/// Collapses runs of blanks inside each line and drops empty lines.
fn tidy_lines(s: &str) -> String {
    s.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The HTML entities French producers write (aides-jeunes descriptions, LHEO texts escaped twice or
/// unescaped at the XML level), and numeric references ("&#232;", "&#xE8;"). quick-xml's `escape-html`
/// table was not used: in 0.38 it maps hundreds of names to the wrong characters.
pub fn html_entity(name: &str) -> Option<String> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).map(String::from);
    }
    let s = match name {
        "nbsp" => " ",
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "rsquo" => "’",
        "lsquo" => "‘",
        "laquo" => "«",
        "raquo" => "»",
        "eacute" => "é",
        "Eacute" => "É",
        "egrave" => "è",
        "Egrave" => "È",
        "ecirc" => "ê",
        "euml" => "ë",
        "agrave" => "à",
        "Agrave" => "À",
        "acirc" => "â",
        "ccedil" => "ç",
        "Ccedil" => "Ç",
        "ocirc" => "ô",
        "icirc" => "î",
        "iuml" => "ï",
        "ucirc" => "û",
        "ugrave" => "ù",
        "oelig" => "œ",
        "euro" => "€",
        "deg" => "°",
        "hellip" => "…",
        "ndash" => "–",
        "mdash" => "—",
        "bull" => "•",
        "middot" => "·",
        _ => return None,
    };
    Some(s.to_string())
}

/// The entity that starts a text just after its '&' ("eacute; la suite"): what it stands for and how many
/// bytes it takes with its ';' (its name is ASCII, so as many characters). None when it is no entity we
/// know, or its name is longer than any of them: the '&' is then kept as written.
pub fn entity_at(after_amp: &str) -> Option<(String, usize)> {
    let (name, _) = after_amp.split_once(';')?;
    if name.len() > 8 {
        return None;
    }
    Some((html_entity(name)?, name.len() + 1))
}

/// Replaces Markdown links `[words](url)` by their words; the URL is not useful in a plain-text field and
/// the aid's own link is stored apart.
fn strip_markdown_links(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some((before, after)) = rest.split_once('[') {
        let link = after.split_once("](").and_then(|(text, url)| {
            if text.contains('[') || text.contains('\n') {
                return None;
            }
            url.split_once(')')
                .map(|(_, after_link)| (text, after_link))
        });
        out.push_str(before);
        match link {
            Some((text, after_link)) => {
                out.push_str(text);
                rest = after_link;
            }
            None => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// HTML as lines of plain text: tags removed (their words kept), block tags (`<p>`, `<br>`, `<div>`, lists,
/// headings, table rows) as one line break however many follow each other, list items as "- " lines, and
/// entities decoded. Something that does not look like a tag ("niveau < bac") or an entity ("A & B") is
/// kept as written. Used by every importer that reads HTML (LHEO free text, aid descriptions).
pub fn html_to_lines(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some((before, tail)) = rest.find(['<', '&']).and_then(|i| rest.split_at_checked(i)) {
        out.push_str(before);
        if let Some(after) = tail.strip_prefix('<') {
            // Only something that looks like a tag is a tag: "niveau < bac" stays.
            let looks_like_tag = after
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
            match after.find('>') {
                Some(end) if looks_like_tag => {
                    let tag = after
                        .get(..end)
                        .unwrap_or_default()
                        .trim_start_matches('/')
                        .to_ascii_lowercase();
                    let name: String = tag
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric())
                        .collect();
                    // Block tags break the line, but a run of them ("</p><ul><li>") only once.
                    let at_line_start =
                        out.trim_end_matches([' ', '\t']).ends_with('\n') || out.trim().is_empty();
                    match name.as_str() {
                        "li" if !after.starts_with('/') => {
                            out.push_str(if at_line_start { "- " } else { "\n- " })
                        }
                        "br" | "p" | "div" | "ul" | "ol" | "li" | "tr" | "h1" | "h2" | "h3"
                        | "h4" | "h5" | "h6"
                            if !at_line_start =>
                        {
                            out.push('\n')
                        }
                        _ => {}
                    }
                    rest = after.get(end + 1..).unwrap_or_default();
                }
                _ => {
                    out.push('<');
                    rest = after;
                }
            }
        } else {
            let after = tail.strip_prefix('&').unwrap_or_default();
            match entity_at(after) {
                Some((text, len)) => {
                    out.push_str(&text);
                    rest = after.get(len..).unwrap_or_default();
                }
                None => {
                    out.push('&');
                    rest = after;
                }
            }
        }
    }
    out.push_str(rest);
    out
}

/// Plain text from the HTML/Markdown mix the aides-jeunes catalogue uses: the HTML read as lines
/// (`html_to_lines`), then Markdown links and emphasis reduced to their words, blank lines dropped.
pub fn html_to_text(s: &str) -> String {
    let out = strip_markdown_links(&html_to_lines(s))
        .replace("**", "")
        .replace("__", "");
    tidy_lines(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_entities_named_and_numeric() {
        assert_eq!(html_entity("eacute").as_deref(), Some("é"));
        assert_eq!(html_entity("rsquo").as_deref(), Some("’"));
        assert_eq!(html_entity("#232").as_deref(), Some("è"));
        assert_eq!(html_entity("#xE8").as_deref(), Some("è"));
        assert_eq!(html_entity("#xD800"), None);
        assert_eq!(html_entity("#99999999999"), None);
        assert_eq!(html_entity("nimportequoi"), None);
        // The aids' reader and the LHEO reader decode the same way.
        assert_eq!(html_to_text("Caf&eacute; &#224; 3&euro;"), "Café à 3€");
    }

    #[test]
    fn title_case_of_upper_case_names() {
        assert_eq!(title_case("MARSEILLE 01"), "Marseille 01");
        assert_eq!(
            title_case("L ABERGEMENT CLEMENCIAT"),
            "L Abergement Clemenciat"
        );
        assert_eq!(title_case("BOURG EN BRESSE"), "Bourg en Bresse");
        assert_eq!(title_case("LA ROCHE SUR YON"), "La Roche sur Yon");
        assert_eq!(title_case("SAINT-ETIENNE"), "Saint-Etienne");
        assert_eq!(title_case("SAINTE MARIE D ALVEY"), "Sainte Marie d Alvey");
        assert_eq!(title_case("CAUCHY A LA TOUR"), "Cauchy a la Tour");
    }

    #[test]
    fn html_tags_entities_and_links_become_words() {
        let s = "Cumulable avec <a target=\"_blank\" href=\" https://x.fr/a\">Erasmus+</a> et\
                 &nbsp;d’autres aides.<br><br>Voir <strong>ici</strong> &amp; là : 3 &lt; 4.";
        assert_eq!(
            html_to_text(s),
            "Cumulable avec Erasmus+ et d’autres aides.\nVoir ici & là : 3 < 4."
        );
        assert_eq!(
            html_to_text("Lire [la notice](https://ex.fr/n) et **signer**."),
            "Lire la notice et signer."
        );
        // Not tags, not entities: kept as written.
        assert_eq!(html_to_text("a < b & c [x] (y)"), "a < b & c [x] (y)");
        assert_eq!(
            html_to_text("<abbr title=\"180 jours\">6 mois</abbr>"),
            "6 mois"
        );
    }
}
