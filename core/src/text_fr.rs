//! How the app writes dates and ranges in French, shared by the CLI and the shells' compare table so
//! both read the same.

/// "2026-03-02" → "02/03/2026"; anything else as it is (the catalogue keeps what the source gave).
pub fn date(iso: &str) -> String {
    match (iso.get(0..4), iso.get(5..7), iso.get(8..10)) {
        (Some(y), Some(m), Some(d)) if iso.len() == 10 => format!("{d}/{m}/{y}"),
        _ => iso.to_string(),
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
