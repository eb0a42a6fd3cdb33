//! How the app writes dates and ranges in French, shared by the CLI and the shells' compare table so
//! both read the same.

/// "2026-03-02" → "02/03/2026"; anything else as it is (the catalogue keeps what the source gave).
pub fn date(iso: &str) -> String {
    match crate::dates::parse_iso(iso) {
        Some(d) if iso.trim().len() == 10 => civil_date(d),
        _ => iso.to_string(),
    }
}

/// A civil date the one way the app writes dates: "04/12/2017".
pub fn civil_date(d: jiff::civil::Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), d.month(), d.year())
}

/// A YYYYMMDD number as "04/12/2017" (as given when it is no real day).
pub fn date_number(n: u32) -> String {
    crate::dates::from_number(n)
        .map(civil_date)
        .unwrap_or_else(|| n.to_string())
}

/// "de Marseille", "d'Aix-en-Provence": the preposition elided before a vowel or a mute h.
pub fn de(name: &str) -> String {
    let elide = crate::text::fold(name)
        .chars()
        .next()
        .is_some_and(|c| "aeiouyh".contains(c));
    if elide {
        format!("d'{name}")
    } else {
        format!("de {name}")
    }
}

/// Thousands separated by a narrow no-break space (French typography), so a figure never breaks across
/// lines: "18 795".
pub fn integer(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// A number with at most one decimal, comma-separated, no trailing ",0": "575,5", "1 500", "3,4".
pub fn number(x: f64) -> String {
    if !x.is_finite() {
        return "?".into();
    }
    let tenths = (x * 10.0).round() as i64;
    let whole = integer(tenths / 10);
    match (tenths % 10).unsigned_abs() {
        0 => whole,
        d if tenths < 0 && tenths / 10 == 0 => format!("-0,{d}"),
        d => format!("{whole},{d}"),
    }
}

/// A distance as the app writes it: "850 m" under a kilometre, "3,4 km" under ten, "42 km" above.
pub fn distance_km(km: f64) -> String {
    if km < 1.0 {
        let m = ((km * 1000.0 / 50.0).round() * 50.0).max(50.0);
        format!("{} m", m as i64)
    } else if km < 10.0 {
        format!("{} km", number(km))
    } else {
        format!("{} km", integer(km.round() as i64))
    }
}

/// A period from optional ISO dates: "du 02/03/2026 au 30/06/2026", "à partir du …", "jusqu'au …".
pub fn period(start: Option<&str>, end: Option<&str>) -> String {
    match (start, end) {
        (Some(s), Some(e)) => format!("du {} au {}", date(s), date(e)),
        (Some(s), None) => format!("à partir du {}", date(s)),
        (None, Some(e)) => format!("jusqu'au {}", date(e)),
        (None, None) => "dates non précisées".into(),
    }
}

/// "300 h à 450 h", or one value when both ends are the same or one is missing.
pub fn range<T: PartialEq + Copy>(
    lo: Option<T>,
    hi: Option<T>,
    show: impl Fn(T) -> String,
) -> Option<String> {
    match (lo, hi) {
        (Some(a), Some(b)) if a != b => Some(format!("{} à {}", show(a), show(b))),
        (Some(a), _) | (None, Some(a)) => Some(show(a)),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_day_first_and_odd_values_stay_as_given() {
        assert_eq!(date("2026-03-02"), "02/03/2026");
        assert_eq!(date("2026-03"), "2026-03");
        assert_eq!(date("2026-03-02T10:00"), "2026-03-02T10:00");
        assert_eq!(date("ééé"), "ééé");
    }

    #[test]
    fn de_elides_before_a_vowel() {
        assert_eq!(de("Aix-en-Provence (13)"), "d'Aix-en-Provence (13)");
        assert_eq!(de("Marseille (13001)"), "de Marseille (13001)");
        assert_eq!(de("Évry"), "d'Évry");
    }

    #[test]
    fn numbers_are_written_the_french_way() {
        assert_eq!(integer(18795), "18\u{202f}795");
        assert_eq!(integer(-1234567), "-1\u{202f}234\u{202f}567");
        assert_eq!(integer(999), "999");
        assert_eq!(number(575.5), "575,5");
        assert_eq!(number(575.0), "575");
        assert_eq!(number(-0.4), "-0,4");
        assert_eq!(number(f64::NAN), "?");
        assert_eq!(distance_km(3.44), "3,4 km");
        assert_eq!(distance_km(0.83), "850 m");
        assert_eq!(date_number(2017_12_04), "04/12/2017");
        assert_eq!(date("2017-02-30"), "2017-02-30");
    }

    #[test]
    fn periods_say_what_is_known() {
        assert_eq!(
            period(Some("2026-03-02"), Some("2026-06-30")),
            "du 02/03/2026 au 30/06/2026"
        );
        assert_eq!(period(Some("2026-03-02"), None), "à partir du 02/03/2026");
        assert_eq!(period(None, Some("2026-06-30")), "jusqu'au 30/06/2026");
        assert_eq!(period(None, None), "dates non précisées");
    }

    #[test]
    fn ranges_collapse_equal_or_missing_ends() {
        let h = |v: u32| format!("{v} h");
        assert_eq!(
            range(Some(300), Some(450), h).as_deref(),
            Some("300 h à 450 h")
        );
        assert_eq!(range(Some(300), Some(300), h).as_deref(), Some("300 h"));
        assert_eq!(range(None, Some(450), h).as_deref(), Some("450 h"));
        assert_eq!(range::<u32>(None, None, h), None);
    }
}
