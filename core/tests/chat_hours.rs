//! Opening hours on fixed dates. Expected instants were computed independently (Python's zoneinfo,
//! Europe/Paris) and Easter dates come from published calendars.
#![cfg(feature = "chat")]

use orientation_core::chat::hours::{
    easter_sunday, french_public_holiday, from_paris, paris_offset, to_paris, Date, OpeningHours,
};

fn date(y: i32, m: u8, d: u8) -> Date {
    Date::new(y, m, d).unwrap()
}

#[test]
fn tuesday_at_ten_is_open_until_five() {
    let h = OpeningHours::default();
    let a = h.availability(1_749_542_400); // Tuesday 10 June 2025, 10:00 Paris
    assert!(a.open);
    assert_eq!(a.closes_at, Some(1_749_567_600)); // 17:00 Paris
    assert_eq!(a.summary(1_749_542_400), "Ouvert jusqu'à 17 h.");
}

#[test]
fn whit_monday_is_closed_and_reopens_on_tuesday() {
    let h = OpeningHours::default();
    let now = 1_749_456_000; // Monday 9 June 2025 (lundi de Pentecôte), 10:00 Paris
    let a = h.availability(now);
    assert!(!a.open);
    assert_eq!(a.holiday, Some("lundi de Pentecôte"));
    assert_eq!(a.next_opening, Some(1_749_538_800)); // Tuesday 10 June, 9:00 Paris
    assert_eq!(
        a.summary(now),
        "Fermé (lundi de Pentecôte). Réouverture demain à 9 h."
    );
    // The Friday before: the long weekend runs to Tuesday.
    let a = h.availability(1_749_222_060); // Friday 6 June 2025, 17:01
    assert_eq!(a.next_opening, Some(1_749_538_800));
    assert_eq!(a.holiday, None);
    assert_eq!(
        a.summary(1_749_222_060),
        "Fermé. Réouverture mardi 10 juin à 9 h."
    );
}

#[test]
fn friday_one_minute_past_five_is_closed_until_monday() {
    let h = OpeningHours::default();
    assert!(h.is_open(1_749_826_740)); // Friday 13 June 2025, 16:59
    assert!(!h.is_open(1_749_826_800)); // 17:00: closing time is closed
    let a = h.availability(1_749_826_860); // 17:01
    assert!(!a.open);
    assert_eq!(a.next_opening, Some(1_750_057_200)); // Monday 16 June, 9:00
}

#[test]
fn opening_hours_follow_the_clock_changes() {
    let h = OpeningHours::default();
    // Friday 28 March 2025 17:01 (winter time) → Monday 31 March 9:00 (summer time) = 07:00 UTC.
    assert_eq!(
        h.availability(1_743_177_660).next_opening,
        Some(1_743_404_400)
    );
    // 07:30 UTC is 8:30 in winter (closed) and 9:30 in summer (open).
    assert!(!h.is_open(1_742_801_400)); // Monday 24 March
    assert!(h.is_open(1_743_406_200)); // Monday 31 March
                                       // Friday 24 October 2025 17:01 (summer) → Monday 27 October 9:00 (winter) = 08:00 UTC.
    assert_eq!(
        h.availability(1_761_318_060).next_opening,
        Some(1_761_552_000)
    );
    assert!(!h.is_open(1_761_550_200)); // 8:30 winter time
    assert!(h.is_open(1_761_553_800)); // 9:30

    // The switch itself: 01:00 UTC on the last Sundays of March and October.
    assert_eq!(paris_offset(1_743_296_399), 3600);
    assert_eq!(paris_offset(1_743_296_400), 7200);
    assert_eq!(paris_offset(1_761_440_399), 7200);
    assert_eq!(paris_offset(1_761_440_400), 3600);
    let t = to_paris(1_743_296_400);
    assert_eq!((t.date, t.hour(), t.minute()), (date(2025, 3, 30), 3, 0));
    // 2:30 does not exist on 30 March: the instant the clocks jump to; on 26 October it happens
    // twice: the first.
    assert_eq!(
        from_paris(date(2025, 3, 30), 2 * 3600 + 1800),
        1_743_296_400
    );
    assert_eq!(
        from_paris(date(2025, 10, 26), 2 * 3600 + 1800),
        1_761_440_399 - 1799
    );
}

#[test]
fn easter_by_meeus_jones_butcher() {
    for (y, m, d) in [
        (2019, 4, 21),
        (2024, 3, 31),
        (2025, 4, 20),
        (2026, 4, 5),
        (2027, 3, 28),
        (2038, 4, 25),
        (1818, 3, 22), // earliest possible
        (1943, 4, 25), // latest possible
        (2285, 3, 22),
    ] {
        assert_eq!(easter_sunday(y), date(y, m, d), "{y}");
    }
}

#[test]
fn french_public_holidays_including_movable_ones() {
    let expected_2026 = [
        ((1, 1), "jour de l'An"),
        ((4, 6), "lundi de Pâques"),
        ((5, 1), "fête du Travail"),
        ((5, 8), "Victoire 1945"),
        ((5, 14), "Ascension"),
        ((5, 25), "lundi de Pentecôte"),
        ((7, 14), "fête nationale"),
        ((8, 15), "Assomption"),
        ((11, 1), "Toussaint"),
        ((11, 11), "Armistice 1918"),
        ((12, 25), "Noël"),
    ];
    let mut found = Vec::new();
    let mut d = date(2026, 1, 1);
    while d.year == 2026 {
        if let Some(name) = french_public_holiday(d) {
            found.push(((d.month, d.day), name));
        }
        d = d.add_days(1);
    }
    assert_eq!(found, expected_2026);
    // Easter Sunday and Whit Sunday are Sundays anyway, not listed.
    assert_eq!(french_public_holiday(date(2025, 4, 20)), None);
}

#[test]
fn christmas_eve_evening_reopens_after_christmas() {
    let h = OpeningHours::default();
    let a = h.availability(1_766_593_800); // Wednesday 24 December 2025, 17:30
    assert_eq!(a.next_opening, Some(1_766_736_000)); // Friday 26 December, 9:00
}

#[test]
fn configured_hours_and_closures() {
    let mut h = OpeningHours::default();
    h.closed_dates.push(date(2025, 6, 10));
    // Tuesday 10 June closed as a bridge: Whit Monday then this: Wednesday 11 June, 9:00 Paris.
    let a = h.availability(1_749_456_000);
    assert_eq!(a.next_opening, Some(1_749_538_800 + 86_400));
    // Without public holidays, Whit Monday is an ordinary Monday.
    h.closed_on_public_holidays = false;
    assert!(h.is_open(1_749_456_000));
    // Parsed from the Region's configuration (JSON).
    let json = r#"{"week": [[{"start": 540, "end": 720}, {"start": 840, "end": 1020}], [], [], [], [], [], []],
                   "closed_on_public_holidays": true}"#;
    let h: OpeningHours = serde_json::from_str(json).unwrap();
    assert!(h.is_open(1_749_456_000 - 86_400 * 7)); // Monday 2 June 2025, 10:00
    assert!(!h.is_open(1_749_456_000 - 86_400 * 7 + 3 * 3600)); // 13:00: lunch break
}
