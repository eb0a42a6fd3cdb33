//! Field-level conversions for LHEO values: dates, numbers, codes, and the HTML that producers put in
//! free-text fields.

use super::super::text::html_to_lines;

/// Turns a free-text field into plain text for a phone screen: HTML tags become line breaks or list
/// dashes, HTML entities are decoded, spaces are collapsed and runs of blank lines shortened.
/// None when nothing is left (or only "-").
pub fn plain_text(raw: &str) -> Option<String> {
    let text = html_to_lines(raw);
    let mut out = String::new();
    let mut blank = false;
    for line in text.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        out.push_str(&line);
    }
    Some(out).filter(|s| !s.is_empty() && s != "-")
}

/// One line: all whitespace, line breaks included, collapsed.
pub fn one_line(raw: &str) -> Option<String> {
    let s = html_to_lines(raw)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Some(s).filter(|s| !s.is_empty() && s != "-")
}

/// Which end of a period a date is: a month-precise date ("AAAAMM00") or a year ("AAAA0000") becomes its
/// first day as a start and its last day as an end, so that "still open on day X" filters stay right.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Bound {
    Start,
    End,
}

/// An LHEO date (AAAAMMJJ, also AAAAMM00 and AAAA0000 per the LHEO definition of `debut`/`fin`) as ISO
/// YYYY-MM-DD. Err with the reason (in French) for "00000000"/"99999999" (LHEO's "unknown") and invalid
/// dates. ISO dates are accepted as they are, as some exports write them.
pub fn lheo_date(raw: &str, bound: Bound) -> Result<String, String> {
    let s = raw.trim();
    if s == "00000000" || s == "99999999" {
        return Err(format!("date inconnue ({s})"));
    }
    let iso = matches!(s.as_bytes(), [_, _, _, _, b'-', _, _, b'-', _, _]);
    let digits: String = if iso {
        s.replace('-', "")
    } else {
        s.to_string()
    };
    if digits.len() != 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("date illisible « {s} » (AAAAMMJJ attendu)"));
    }
    let num = |r: std::ops::Range<usize>| {
        digits
            .get(r)
            .and_then(|d| d.parse::<u32>().ok())
            .unwrap_or(0)
    };
    let (year, mut month, mut day) = (num(0..4), num(4..6), num(6..8));
    if !(1900..=2100).contains(&year) || month > 12 || (month == 0 && day != 0) {
        return Err(format!("date invalide « {s} »"));
    }
    if month == 0 {
        month = if bound == Bound::Start { 1 } else { 12 };
    }
    let invalid = || format!("date invalide « {s} »");
    // The calendar is jiff's; year and month are in range here, so only an impossible day fails.
    let first = jiff::civil::Date::new(
        i16::try_from(year).map_err(|_| invalid())?,
        i8::try_from(month).map_err(|_| invalid())?,
        1,
    )
    .map_err(|_| invalid())?;
    let last = u32::try_from(first.days_in_month()).map_err(|_| invalid())?;
    if day == 0 {
        day = if bound == Bound::Start { 1 } else { last };
    }
    if day > last {
        return Err(invalid());
    }
    Ok(format!("{year:04}-{month:02}-{day:02}"))
}

/// A number written by a person: "697", "697,5", "2 500,00 €", "1500 EUR". None when unreadable or negative.
pub fn number(raw: &str) -> Option<f64> {
    let cleaned: String = raw
        .trim()
        .trim_end_matches("TTC")
        .trim_end()
        .trim_end_matches("EUR")
        .trim_end_matches("euros")
        .trim_end_matches('€')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    cleaned
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite() && *n >= 0.0)
}

/// Hours in a `duree-indicative` such as "40 heures" or "35h"; None for other units ("5 jours", "2 ans").
pub fn hours_in(duration: &str) -> Option<i64> {
    let lower = duration.trim().to_lowercase();
    let split = lower.find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.' || c == ' '))?;
    let (n, unit) = lower.split_at(split);
    let unit = unit.trim();
    if unit == "h" || unit.starts_with("heure") {
        number(n).map(|h| h.round() as i64)
    } else {
        None
    }
}

/// A 5-digit code (postcode, INSEE commune code with 2A/2B), None for "00000" and anything else.
pub fn commune_code(raw: &str, insee: bool) -> Option<String> {
    let s = raw.trim().to_ascii_uppercase();
    let ok = s.len() == 5
        && s != "00000"
        && (s.bytes().all(|b| b.is_ascii_digit())
            || (insee
                && (s.starts_with("2A") || s.starts_with("2B"))
                && s.bytes().skip(2).all(|b| b.is_ascii_digit())));
    ok.then_some(s)
}

/// A URL for a link: LHEO exports often omit the scheme ("www.exemple.fr").
pub fn url(raw: &str) -> Option<String> {
    let s = raw.trim();
    if s.is_empty() || s == "-" || s.contains(char::is_whitespace) {
        return None;
    }
    let lower = s.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        Some(s.to_string())
    } else if s.contains('.') {
        Some(format!("http://{s}"))
    } else {
        None
    }
}

/// A lower-case, ASCII-folded key of letters and digits joined by "-", for ids built from addresses.
pub fn slug(parts: &[&str]) -> String {
    let folded: String = crate::text::fold(&parts.join(" "))
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    folded
        .split_whitespace()
        .filter(|w| w.is_ascii())
        .collect::<Vec<_>>()
        .join("-")
}

/// Whether the XML declaration at the start of a file names a Latin-1 / Windows-1252 encoding.
pub fn declared_latin(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let head = String::from_utf8_lossy(head.get(..200).unwrap_or(head)).to_ascii_lowercase();
    head.starts_with("<?xml")
        && [
            "iso-8859-1",
            "iso-8859-15",
            "latin1",
            "latin-1",
            "windows-1252",
            "cp1252",
        ]
        .iter()
        .any(|enc| {
            head.contains(&format!("encoding=\"{enc}\""))
                || head.contains(&format!("encoding='{enc}'"))
        })
}

/// A piece of a file as UTF-8: without its byte-order mark, and converted from Windows-1252 when the
/// file declares a Latin encoding and the piece is not already valid UTF-8 (some exports lie). Other
/// bytes are returned as they are. Line breaks are kept, so line numbers do not change.
pub fn decode(mut bytes: Vec<u8>, latin: bool) -> Vec<u8> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
        return bytes;
    }
    if !latin || std::str::from_utf8(&bytes).is_ok() {
        return bytes;
    }
    // Windows-1252 is a superset of Latin-1's printable characters; 0x80-0x9F are its extras.
    const CP1252: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9f => CP1252
                .get(usize::from(b - 0x80))
                .copied()
                .unwrap_or('\u{fffd}'),
            _ => b as char,
        })
        .collect::<String>()
        .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(lheo_date("20171204", Bound::Start).unwrap(), "2017-12-04");
        assert_eq!(
            lheo_date(" 2015-01-01 ", Bound::Start).unwrap(),
            "2015-01-01"
        );
        assert_eq!(lheo_date("20180200", Bound::Start).unwrap(), "2018-02-01");
        assert_eq!(lheo_date("20160200", Bound::End).unwrap(), "2016-02-29");
        assert_eq!(lheo_date("20190000", Bound::End).unwrap(), "2019-12-31");
        assert_eq!(lheo_date("20190000", Bound::Start).unwrap(), "2019-01-01");
        for bad in [
            "00000000", "99999999", "20180230", "20181301", "2018", "abcdefgh", "20180010", "",
        ] {
            assert!(lheo_date(bad, Bound::Start).is_err(), "{bad}");
        }
        assert!(lheo_date("00000000", Bound::Start)
            .unwrap_err()
            .contains("inconnue"));
    }

    #[test]
    fn html_becomes_plain_text() {
        let raw = "<p>A la fois vendeur</p><ul><li>Gestion ( 5 h )</li><li>Relation &amp; client</li></ul>\
                   niveau < bac &eacute;t&#233; &bogus;";
        assert_eq!(
            plain_text(raw).unwrap(),
            "A la fois vendeur\n- Gestion ( 5 h )\n- Relation & client\nniveau < bac été &bogus;"
        );
        assert_eq!(plain_text("  -  "), None);
        assert_eq!(plain_text("a\n\n\n\n b  c\n"), Some("a\n\nb c".into()));
        assert_eq!(
            one_line("UT2J\nCampus du Mirail\n"),
            Some("UT2J Campus du Mirail".into())
        );
    }

    #[test]
    fn numbers_and_hours() {
        assert_eq!(number("2 500,50 €"), Some(2500.5));
        assert_eq!(number("1500 EUR"), Some(1500.0));
        assert_eq!(number("697"), Some(697.0));
        assert_eq!(number("-3"), None);
        assert_eq!(number("gratuit"), None);
        assert_eq!(hours_in("40 heures"), Some(40));
        assert_eq!(hours_in("35h"), Some(35));
        assert_eq!(hours_in("5 jours"), None);
        assert_eq!(hours_in("2 ans"), None);
    }

    #[test]
    fn codes() {
        assert_eq!(commune_code("06130", false).as_deref(), Some("06130"));
        assert_eq!(commune_code("00000", false), None);
        assert_eq!(commune_code("2A004", true).as_deref(), Some("2A004"));
        assert_eq!(commune_code("2A004", false), None);
    }

    #[test]
    fn urls_and_slugs() {
        assert_eq!(
            url("lyceedekerneuzec.fr").as_deref(),
            Some("http://lyceedekerneuzec.fr")
        );
        assert_eq!(url("https://a.fr/x").as_deref(), Some("https://a.fr/x"));
        assert_eq!(url("-"), None);
        assert_eq!(
            slug(&["LE PASSOIR", "37250"]),
            slug(&["Le Passoir", "37250"])
        );
        assert_eq!(
            slug(&["Propriété de l'Archette", "Œuvre"]),
            "propriete-de-l-archette-oeuvre"
        );
    }

    #[test]
    fn latin1_is_reencoded() {
        let latin =
            b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<a>Caf\xe9 \x80</a>".to_vec();
        let utf8 = decode(latin.clone(), declared_latin(&latin));
        assert_eq!(
            String::from_utf8(utf8).unwrap(),
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<a>Café €</a>"
        );
        let already = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>Café</a>"
            .as_bytes()
            .to_vec();
        assert_eq!(decode(already.clone(), declared_latin(&already)), already);
        assert_eq!(decode(b"\xEF\xBB\xBF<a/>".to_vec(), false), b"<a/>");
    }
}
