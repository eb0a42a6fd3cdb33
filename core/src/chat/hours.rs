//! Opening hours of the service (chat and phone), in Europe/Paris time: the calendar and the zone's
//! rules are jiff's (the zone embedded, as for every date of the app: `crate::dates::paris`); the French
//! public holidays are ours, Easter-based ones computed with the Meeus/Jones/Butcher algorithm.
//!
//! Instants are Unix seconds (UTC); intervals are half-open: open at 9:00, closed again at 17:00.

use jiff::{civil, tz::AmbiguousOffset, SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// A day of the Gregorian calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

const EPOCH: civil::Date = civil::date(1970, 1, 1);

impl Date {
    /// A valid date, or `None` (month 13, 30 February, a year jiff cannot hold…).
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        let d = civil::Date::new(
            i16::try_from(year).ok()?,
            i8::try_from(month).ok()?,
            i8::try_from(day).ok()?,
        )
        .ok()?;
        Some(Date::of(d))
    }

    fn of(d: civil::Date) -> Date {
        Date {
            year: i32::from(d.year()),
            month: d.month().unsigned_abs(),
            day: d.day().unsigned_abs(),
        }
    }

    /// The civil date; fields out of range (the fields are public) are brought to the nearest valid day.
    fn civil(self) -> civil::Date {
        let year = i16::try_from(self.year.clamp(-9999, 9999)).unwrap_or(1970);
        let month = i8::try_from(self.month.clamp(1, 12)).unwrap_or(1);
        let first = civil::Date::new(year, month, 1).unwrap_or(EPOCH);
        let day = i8::try_from(self.day).unwrap_or(i8::MAX).max(1);
        first
            .with()
            .day(day.min(first.days_in_month()))
            .build()
            .unwrap_or(first)
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        self.civil().duration_since(EPOCH).as_secs() / DAY
    }

    /// The inverse of [`Date::days_since_epoch`] (held to jiff's years -9999 to 9999).
    pub fn from_days_since_epoch(days: i64) -> Date {
        let d = EPOCH
            .checked_add(SignedDuration::from_secs(days.saturating_mul(DAY)))
            .unwrap_or(if days < 0 {
                civil::Date::MIN
            } else {
                civil::Date::MAX
            });
        Date::of(d)
    }

    pub fn add_days(self, n: i64) -> Date {
        Date::from_days_since_epoch(self.days_since_epoch().saturating_add(n))
    }

    pub fn weekday(self) -> Weekday {
        Weekday::from_index(
            self.civil()
                .weekday()
                .to_monday_zero_offset()
                .unsigned_abs() as usize,
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Weekday {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    fn from_index(i: usize) -> Weekday {
        Weekday::ALL[i % 7]
    }

    /// Monday is 0.
    pub fn index(self) -> usize {
        self as usize
    }

    pub fn french(self) -> &'static str {
        [
            "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
        ][self.index()]
    }
}

/// Easter Sunday of a Gregorian year (Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> Date {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date {
        year,
        month: month as u8,
        day: day as u8,
    }
}

const DAY: i64 = 86_400;

/// Instants handled: from year 1 to the end of jiff's range, so that no input overflows.
const MIN_INSTANT: i64 = -62_135_596_800;
const MAX_INSTANT: i64 = 253_402_207_200;

fn timestamp(utc: i64) -> Timestamp {
    Timestamp::from_second(utc.clamp(MIN_INSTANT, MAX_INSTANT)).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Offset of Europe/Paris from UTC at an instant, in seconds: +1 h in winter, +2 h in summer.
pub fn paris_offset(utc: i64) -> i64 {
    i64::from(crate::dates::paris().to_offset(timestamp(utc)).seconds())
}

/// Wall-clock time in Paris.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalTime {
    pub date: Date,
    /// Seconds since local midnight.
    pub seconds: u32,
}

impl LocalTime {
    pub fn hour(self) -> u32 {
        self.seconds / 3600
    }
    pub fn minute(self) -> u32 {
        self.seconds / 60 % 60
    }
}

pub fn to_paris(utc: i64) -> LocalTime {
    let local = crate::dates::paris().to_datetime(timestamp(utc));
    let t = local.time();
    LocalTime {
        date: Date::of(local.date()),
        seconds: (i32::from(t.hour()) * 3600 + i32::from(t.minute()) * 60 + i32::from(t.second()))
            .unsigned_abs(),
    }
}

/// The instant a Paris wall-clock time names. In the spring gap (02:00–03:00 does not exist) the
/// instant the clocks jump to; in the autumn overlap (02:00–03:00 happens twice) the first one.
pub fn from_paris(date: Date, seconds: u32) -> i64 {
    let midnight = date.civil().to_datetime(civil::Time::midnight());
    let local = midnight
        .checked_add(SignedDuration::from_secs(i64::from(seconds)))
        .unwrap_or(midnight);
    let paris = crate::dates::paris();
    let ambiguous = paris.to_ambiguous_timestamp(local);
    let instant = match ambiguous.offset() {
        // After the gap with the winter offset; the transition just before it is the jump itself.
        AmbiguousOffset::Gap { before, .. } => before.to_timestamp(local).ok().map(|after_gap| {
            paris
                .preceding(after_gap)
                .next()
                .map_or(after_gap, |jump| jump.timestamp())
        }),
        _ => ambiguous.earlier().ok(),
    };
    instant.map_or_else(|| midnight_estimate(date), |t| t.as_second())
}

/// Only for dates at the very ends of jiff's range, where no offset can be applied.
fn midnight_estimate(date: Date) -> i64 {
    date.days_since_epoch().saturating_mul(DAY)
}

/// The French public holiday (national list) falling on a date, with its name.
pub fn french_public_holiday(date: Date) -> Option<&'static str> {
    let fixed = match (date.month, date.day) {
        (1, 1) => Some("jour de l'An"),
        (5, 1) => Some("fête du Travail"),
        (5, 8) => Some("Victoire 1945"),
        (7, 14) => Some("fête nationale"),
        (8, 15) => Some("Assomption"),
        (11, 1) => Some("Toussaint"),
        (11, 11) => Some("Armistice 1918"),
        (12, 25) => Some("Noël"),
        _ => None,
    };
    if fixed.is_some() {
        return fixed;
    }
    let easter = easter_sunday(date.year).days_since_epoch();
    match date.days_since_epoch() - easter {
        1 => Some("lundi de Pâques"),
        39 => Some("Ascension"),
        50 => Some("lundi de Pentecôte"),
        _ => None,
    }
}

/// An opening interval within a day, in minutes since local midnight: `[start, end)`; `end` may be
/// 1440 (midnight at the end of the day).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interval {
    pub start: u16,
    pub end: u16,
}

impl Interval {
    pub const fn hours(start_h: u16, end_h: u16) -> Interval {
        Interval {
            start: start_h * 60,
            end: end_h * 60,
        }
    }
}

/// When a channel (chat or phone) is staffed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpeningHours {
    /// Per weekday, Monday first: the opening intervals.
    pub week: [Vec<Interval>; 7],
    /// Closed on French public holidays.
    pub closed_on_public_holidays: bool,
    /// Other closed days (bridges, training days…).
    #[serde(default)]
    pub closed_dates: Vec<Date>,
}

impl Default for OpeningHours {
    /// Monday to Friday, 9:00 to 17:00, closed on public holidays.
    fn default() -> Self {
        let day = vec![Interval::hours(9, 17)];
        OpeningHours {
            week: [
                day.clone(),
                day.clone(),
                day.clone(),
                day.clone(),
                day,
                Vec::new(),
                Vec::new(),
            ],
            closed_on_public_holidays: true,
            closed_dates: Vec::new(),
        }
    }
}

/// Whether a channel is open now, and when it closes or opens next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Availability {
    pub open: bool,
    /// While open: when this opening ends (Unix seconds).
    pub closes_at: Option<i64>,
    /// While closed: the next opening (Unix seconds); `None` if none within a year.
    pub next_opening: Option<i64>,
    /// While closed because of a public holiday: its name.
    pub holiday: Option<&'static str>,
}

impl OpeningHours {
    /// Why a day is closed whole: a public holiday (its name) or a listed closure.
    fn closed_day(&self, date: Date) -> Option<&'static str> {
        if self.closed_on_public_holidays {
            if let Some(name) = french_public_holiday(date) {
                return Some(name);
            }
        }
        self.closed_dates
            .contains(&date)
            .then_some("fermeture exceptionnelle")
    }

    /// Intervals of a day as instants, skipping empty or inverted ones.
    fn day_intervals(&self, date: Date) -> impl Iterator<Item = (i64, i64)> + '_ {
        self.week[date.weekday().index()]
            .iter()
            .filter(|i| i.start < i.end && i.end <= 1440)
            .map(move |i| {
                let start = from_paris(date, u32::from(i.start) * 60);
                let end = if i.end == 1440 {
                    from_paris(date.add_days(1), 0)
                } else {
                    from_paris(date, u32::from(i.end) * 60)
                };
                (start, end)
            })
    }

    pub fn availability(&self, now: i64) -> Availability {
        let now = now.clamp(MIN_INSTANT, MAX_INSTANT - 400 * DAY);
        let today = to_paris(now).date;
        let holiday = if self.closed_on_public_holidays {
            french_public_holiday(today)
        } else {
            None
        };
        // Yesterday too: an interval ending at midnight is still open just after a DST jump.
        for offset in -1..=370 {
            let date = today.add_days(offset);
            if self.closed_day(date).is_some() {
                continue;
            }
            let mut intervals: Vec<(i64, i64)> = self.day_intervals(date).collect();
            intervals.sort_unstable();
            for (start, end) in intervals {
                if now < start {
                    return Availability {
                        open: false,
                        closes_at: None,
                        next_opening: Some(start),
                        holiday,
                    };
                }
                if now < end {
                    return Availability {
                        open: true,
                        closes_at: Some(end),
                        next_opening: None,
                        holiday: None,
                    };
                }
            }
        }
        Availability {
            open: false,
            closes_at: None,
            next_opening: None,
            holiday,
        }
    }

    pub fn is_open(&self, now: i64) -> bool {
        self.availability(now).open
    }
}

/// "9 h", "9 h 30".
pub fn french_hour(t: LocalTime) -> String {
    match t.minute() {
        0 => format!("{} h", t.hour()),
        m => format!("{} h {m:02}", t.hour()),
    }
}

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// "lundi 9 juin à 9 h", in Paris time; "aujourd'hui à 14 h" / "demain à 9 h" relative to `now`.
pub fn french_moment(at: i64, now: i64) -> String {
    let t = to_paris(at);
    let today = to_paris(now).date;
    let day = if t.date == today {
        "aujourd'hui".to_string()
    } else if t.date == today.add_days(1) {
        "demain".to_string()
    } else {
        let d = if t.date.day == 1 {
            "1er".to_string()
        } else {
            t.date.day.to_string()
        };
        format!(
            "{} {d} {}",
            t.date.weekday().french(),
            MONTHS[usize::from(t.date.month - 1)]
        )
    };
    format!("{day} à {}", french_hour(t))
}

impl Availability {
    /// One sentence for the screen.
    pub fn summary(&self, now: i64) -> String {
        if self.open {
            return match self.closes_at {
                Some(end) => format!("Ouvert jusqu'à {}.", french_hour(to_paris(end))),
                None => "Ouvert.".to_string(),
            };
        }
        let why = match self.holiday {
            Some(name) => format!("Fermé ({name})."),
            None => "Fermé.".to_string(),
        };
        match self.next_opening {
            Some(at) => format!("{why} Réouverture {}.", french_moment(at, now)),
            None => why,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_across_centuries() {
        for days in (-800_000..800_000).step_by(997) {
            assert_eq!(Date::from_days_since_epoch(days).days_since_epoch(), days);
        }
        assert_eq!(Date::new(1970, 1, 1).unwrap().weekday(), Weekday::Thursday);
        assert_eq!(Date::new(2000, 2, 29).unwrap().weekday(), Weekday::Tuesday);
        assert_eq!(Date::new(2023, 2, 29), None);
        assert_eq!(Date::new(2024, 13, 1), None);
        // The fields are public: a day past the month's end counts as its last day, without a panic.
        let odd = Date {
            year: 2025,
            month: 2,
            day: 31,
        };
        assert_eq!(odd.add_days(1), Date::new(2025, 3, 1).unwrap());
        assert_eq!(Date::from_days_since_epoch(i64::MAX).year, 9999);
    }

    #[test]
    fn interval_ending_at_midnight_and_empty_ones() {
        let mut h = OpeningHours {
            week: Default::default(),
            closed_on_public_holidays: false,
            closed_dates: Vec::new(),
        };
        // A Saturday evening service until midnight, and a broken (inverted) interval ignored.
        h.week[5] = vec![
            Interval {
                start: 20 * 60,
                end: 1440,
            },
            Interval {
                start: 600,
                end: 500,
            },
        ];
        let sat = Date::new(2025, 1, 4).unwrap();
        assert!(h.is_open(from_paris(sat, 23 * 3600 + 59 * 60)));
        assert!(!h.is_open(from_paris(sat, 9 * 3600)));
        let a = h.availability(from_paris(sat, 21 * 3600));
        assert_eq!(a.closes_at, Some(from_paris(sat.add_days(1), 0)));
        // Nothing open at all: no next opening, no panic.
        let never = OpeningHours {
            week: Default::default(),
            closed_on_public_holidays: true,
            closed_dates: Vec::new(),
        };
        let a = never.availability(0);
        assert!(!a.open);
        assert_eq!(a.next_opening, None);
    }
}
