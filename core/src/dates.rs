//! Civil dates: "today" as the user lives it (Europe/Paris), dates as people type them, the catalogue's
//! ISO dates, and the YYYYMMDD numbers the engine compares. Calendar rules come from `jiff`.

use crate::error::InputError;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// The time zone every date the user sees is judged in.
pub fn paris() -> TimeZone {
    jiff::tz::get!("Europe/Paris")
}

/// Today in Paris (not in UTC: between midnight and 1 or 2 a.m. the UTC date is still yesterday).
pub fn today() -> Date {
    jiff::Timestamp::now().to_zoned_datetime(paris()).date()
}

/// Today in Paris as YYYYMMDD.
pub fn today_number() -> u32 {
    number(today())
}

/// A date as the comparable number YYYYMMDD.
pub fn number(d: Date) -> u32 {
    // Years of the civil calendar we handle are positive (jiff's range is -9999..=9999).
    let y = u32::try_from(d.year()).unwrap_or(0);
    y * 10_000 + u32::from(d.month().unsigned_abs()) * 100 + u32::from(d.day().unsigned_abs())
}

/// The date of a YYYYMMDD number, when it is a real day.
pub fn from_number(n: u32) -> Option<Date> {
    let y = i16::try_from(n / 10_000).ok()?;
    let m = i8::try_from(n / 100 % 100).ok()?;
    let d = i8::try_from(n % 100).ok()?;
    Date::new(y, m, d).ok()
}

fn digits(text: &str) -> Option<u32> {
    (!text.is_empty() && text.len() <= 4 && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

fn civil(y: u32, m: u32, d: u32) -> Option<Date> {
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

/// A catalogue date "YYYY-MM-DD" (what the sources give; a time after it is ignored), when it is a real day.
pub fn parse_iso(text: &str) -> Option<Date> {
    let head = text.trim().get(..10)?;
    let mut parts = head.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    civil(digits(y)?, digits(m)?, digits(d)?)
}

/// A catalogue date as YYYYMMDD, when it is a real day.
pub fn iso_number(text: &str) -> Option<u32> {
    parse_iso(text).map(number)
}

/// A date as a person types it: "2026-12-01" or "01/12/2026" (French order; "1/12/2026" too). Anything
/// else — and any day that does not exist, such as 2026-02-31 — is refused with the same message on every
/// face.
pub fn parse_typed(text: &str) -> Result<Date, InputError> {
    let t = text.trim();
    let refuse = || InputError::Date(crate::error::echo(t));
    let date = if t.contains('/') {
        let mut parts = t.split('/');
        let (d, m, y) = (parts.next(), parts.next(), parts.next());
        match (d, m, y, parts.next()) {
            (Some(d), Some(m), Some(y), None) if y.len() == 4 && d.len() <= 2 && m.len() <= 2 => {
                civil(
                    digits(y).ok_or_else(refuse)?,
                    digits(m).ok_or_else(refuse)?,
                    digits(d).ok_or_else(refuse)?,
                )
            }
            _ => None,
        }
    } else if t.len() == 10 {
        parse_iso(t)
    } else {
        None
    };
    date.ok_or_else(refuse)
}

/// A typed date as YYYYMMDD (see `parse_typed`).
pub fn typed_number(text: &str) -> Result<u32, InputError> {
    parse_typed(text).map(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_dates_in_both_orders_and_only_real_days() {
        assert_eq!(typed_number("2026-12-01"), Ok(2026_12_01));
        assert_eq!(typed_number("01/12/2026"), Ok(2026_12_01));
        assert_eq!(typed_number(" 1/2/2027 "), Ok(2027_02_01));
        assert_eq!(typed_number("29/02/2028"), Ok(2028_02_29));
        for bad in [
            "2026-13-45",
            "2026-02-31",
            "29/02/2027",
            "31/04/2026",
            "2026/12/01",
            "12-01-2026",
            "01/12/26",
            "20261201",
            "demain",
            "",
            "0001-01-0é",
            "１２/１２/２０２６",
        ] {
            assert!(
                matches!(typed_number(bad), Err(InputError::Date(_))),
                "{bad} accepted"
            );
        }
    }

    #[test]
    fn catalogue_dates_and_numbers() {
        assert_eq!(iso_number("2018-05-22"), Some(2018_05_22));
        assert_eq!(iso_number("2018-05-22T10:00:00"), Some(2018_05_22));
        assert_eq!(iso_number("2018-02-30"), None);
        assert_eq!(iso_number("2018-5-2"), None);
        assert_eq!(iso_number("ééééééééééé"), None);
        assert_eq!(from_number(2026_02_28).map(number), Some(2026_02_28));
        assert_eq!(from_number(2026_02_29), None);
    }

    #[test]
    fn today_is_the_paris_date() {
        // At 23:30 UTC on 31 December, Paris is already in the new year (UTC+1 in winter).
        let ts: jiff::Timestamp = "2026-12-31T23:30:00Z".parse().unwrap();
        assert_eq!(
            ts.to_zoned_datetime(paris()).date(),
            Date::new(2027, 1, 1).unwrap()
        );
        // In summer Paris is UTC+2: 22:30 UTC on 30 June is 00:30 on 1 July.
        let ts: jiff::Timestamp = "2026-06-30T22:30:00Z".parse().unwrap();
        assert_eq!(
            ts.to_zoned_datetime(paris()).date(),
            Date::new(2026, 7, 1).unwrap()
        );
        let t = today_number();
        assert!(from_number(t).is_some());
    }
}
