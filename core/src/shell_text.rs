//! Texts and figures the app screens show (Android and iOS alike), written once here: distances,
//! prices, counts, the widening message, the star's label, kind names, the catalogue's date and the
//! BMO hiring chart. The shells render these strings as they are.

use crate::search::Kind;

/// Thousands grouped as the whole app writes them (`text_fr::integer`).
pub use crate::text_fr::integer;

/// "à 800 m", "à 3,5 km", "à 42 km" (`text_fr::distance_km`).
pub fn distance(km: f64) -> String {
    if !km.is_finite() || km < 0.0 {
        return "distance inconnue".into();
    }
    format!("à {}", crate::text_fr::distance_km(km))
}

/// "Gratuit", "1 250 €", "99,50 €".
pub fn price(eur: f64) -> String {
    if !eur.is_finite() || eur < 0.0 {
        return "prix non précisé".into();
    }
    if eur == 0.0 {
        return "Gratuit".into();
    }
    let cents = (eur * 100.0).round() as i64;
    if cents % 100 == 0 {
        format!("{}\u{a0}€", integer(cents / 100))
    } else {
        format!("{},{:02}\u{a0}€", integer(cents / 100), cents % 100)
    }
}

/// "450 h".
pub fn hours(h: i64) -> String {
    format!("{}\u{a0}h", integer(h))
}

/// The result count above a list: "Aucun résultat", "1 résultat", "12 résultats".
pub fn results_count(n: u64) -> String {
    match n {
        0 => "Aucun résultat".into(),
        1 => "1 résultat".into(),
        n => format!(
            "{} résultats",
            integer(i64::try_from(n).unwrap_or(i64::MAX))
        ),
    }
}

/// Said when the search had too few results in the asked radius and looked further.
pub fn widened(km: f64) -> String {
    let km = if km.is_finite() && km > 0.0 {
        km.round() as i64
    } else {
        0
    };
    format!(
        "Peu de résultats près de toi : rayon élargi à {} km",
        integer(km)
    )
}

/// The place a search runs around, as the page says it: "près de Marseille (13)"; a département is
/// searched around its main town: "Bouches-du-Rhône (13), autour de Marseille".
pub fn near(label: &str, centre: Option<&str>) -> String {
    match centre {
        Some(town) => format!("{label}, autour {}", crate::text_fr::de(town)),
        None => format!("près de {label}"),
    }
}

/// The kind the words asked for, first: "formations en premier".
pub fn intent(kind: Kind) -> String {
    format!("{} en premier", kind.plural_label())
}

/// A place was understood but nothing of that kind is located near it: said instead of showing
/// unrelated things that are ("Aucune formation localisée trouvée près de Marseille (13)").
pub fn no_local(kind: Kind, label: &str) -> String {
    let what = match kind {
        Kind::Place => "Aucun lieu trouvé",
        _ => "Aucune formation localisée trouvée",
    };
    format!("{what} près de {label}")
}

/// The empty state of a search that found nothing (never repeats what was typed).
pub fn no_results() -> &'static str {
    "Rien trouvé. Vérifie l'orthographe, essaie un mot plus court ou enlève un filtre."
}

/// The hint of the search screen before anything is typed.
pub fn search_hint() -> &'static str {
    "Tape un métier, une formation, une aide ou une ville : les résultats arrivent à chaque lettre."
}

/// Said where the user exports their favourites (before sharing the file): the export is theirs to
/// share, so it is in clear by design, and the conversation is never in it (docs/privacy.md).
pub fn export_notice() -> &'static str {
    "Ce fichier contient vos favoris avec leurs notes, étiquettes et recherches enregistrées, en clair : \
     toute personne qui le reçoit peut les lire. La discussion avec les conseillers n'y figure jamais."
}

/// What the star does when tapped (read aloud by TalkBack / VoiceOver).
pub fn favourite_action(is_favourite: bool) -> &'static str {
    if is_favourite {
        "Retirer des favoris"
    } else {
        "Ajouter aux favoris"
    }
}

/// "Métier" / "Métiers", "Formation" / "Formations", …: the tabs of the results and the kinds of favourites.
pub fn kind(kind: Kind, plural: bool) -> &'static str {
    match (kind, plural) {
        (Kind::Job, false) => "Métier",
        (Kind::Job, true) => "Métiers",
        (Kind::Training, false) => "Formation",
        (Kind::Training, true) => "Formations",
        (Kind::Place, false) => "Lieu",
        (Kind::Place, true) => "Lieux",
        (Kind::Aid, false) => "Aide",
        (Kind::Aid, true) => "Aides",
    }
}

/// "Catalogue du 01/12/2026" from the build time (Unix seconds, shown as the Paris date).
pub fn catalogue_date(built_at_secs: Option<i64>) -> String {
    let day = built_at_secs
        .filter(|&s| s >= 0)
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
        .map(|t| t.to_zoned_datetime(crate::dates::paris()).date());
    match day {
        Some(d) => format!("Catalogue du {}", crate::text_fr::civil_date(d)),
        None => "Catalogue de date inconnue".into(),
    }
}

/// The `tel:` link of a phone number as written ("04 91 00 00 00" → "tel:0491000000"; "+33 1 …" keeps
/// its "+"). `None` when there is no digit.
pub fn phone_uri(display: &str) -> Option<String> {
    let trimmed = display.trim_start();
    let mut out = String::from("tel:");
    if trimmed.starts_with('+') {
        out.push('+');
    }
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    out.push_str(&digits);
    Some(out)
}

/// Who an aid is for by age: "de 16 à 25 ans", "à partir de 16 ans", "jusqu'à 25 ans".
pub fn ages(min: Option<i64>, max: Option<i64>) -> Option<String> {
    match (min, max) {
        (Some(a), Some(b)) if a == b => Some(format!("{a} ans")),
        (Some(a), Some(b)) => Some(format!("de {a} à {b} ans")),
        (Some(a), None) => Some(format!("à partir de {a} ans")),
        (None, Some(b)) => Some(format!("jusqu'à {b} ans")),
        (None, None) => None,
    }
}

/// Where a chat message stands, for its label under the bubble.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Sending,
    Sent,
    Failed,
    Received,
}

/// "envoi…", "nouvel essai…", "envoyé", "lu", "échec de l'envoi" (empty for a message received).
pub fn delivery(state: Delivery, read: bool, attempts: u32) -> &'static str {
    match (state, read) {
        (Delivery::Sending, _) if attempts > 0 => "nouvel essai…",
        (Delivery::Sending, _) => "envoi…",
        (Delivery::Failed, _) => "échec de l'envoi",
        (Delivery::Sent, true) => "lu",
        (Delivery::Sent, false) => "envoyé",
        (Delivery::Received, _) => "",
    }
}

/// One bar of the hiring chart: `fraction` (0 to 1) is the bar's length.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: String,
    pub fraction: f64,
}

/// The small BMO chart of a job sheet: the hires planned, and the share of them said difficult and
/// seasonal; the caption names the family and says the link to the job is computed.
#[derive(Debug, Clone, PartialEq)]
pub struct HiringChart {
    pub title: String,
    pub bars: Vec<Bar>,
    pub caption: String,
    /// One sentence for screen readers, the chart's content in words.
    pub summary: String,
}

fn pct(part: i64, whole: i64) -> f64 {
    if whole <= 0 {
        0.0
    } else {
        (part.max(0) as f64 / whole as f64).clamp(0.0, 1.0)
    }
}

pub fn hiring_chart(
    family_label: &str,
    match_score: f64,
    planned: i64,
    difficult: i64,
    seasonal: i64,
) -> HiringChart {
    let planned = planned.max(0);
    let hard = pct(difficult, planned);
    let season = pct(seasonal, planned);
    let pc = |f: f64| format!("{}\u{a0}%", (f * 100.0).round() as i64);
    let approx = if match_score < 0.999 {
        " (rapprochement calculé, non officiel)"
    } else {
        ""
    };
    HiringChart {
        title: "Embauches prévues (BMO 2024)".into(),
        bars: vec![
            Bar {
                label: "Projets d'embauche".into(),
                value: integer(planned),
                fraction: if planned > 0 { 1.0 } else { 0.0 },
            },
            Bar {
                label: "Jugés difficiles".into(),
                value: pc(hard),
                fraction: hard,
            },
            Bar {
                label: "Saisonniers".into(),
                value: pc(season),
                fraction: season,
            },
        ],
        caption: format!("Famille « {family_label} »{approx}"),
        summary: format!(
            "{} projets d'embauche prévus, dont {} jugés difficiles et {} saisonniers.",
            integer(planned),
            pc(hard),
            pc(season)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_read_as_french_people_say_them() {
        assert_eq!(distance(0.8), "à 800 m");
        assert_eq!(distance(0.01), "à 50 m");
        assert_eq!(distance(3.46), "à 3,5 km");
        assert_eq!(distance(42.4), "à 42 km");
        assert_eq!(distance(1234.0), "à 1\u{202f}234 km");
        assert_eq!(distance(f64::NAN), "distance inconnue");
    }

    #[test]
    fn prices_have_grouped_thousands_and_cents_only_when_there_are_some() {
        assert_eq!(price(0.0), "Gratuit");
        assert_eq!(price(1250.0), "1\u{202f}250\u{a0}€");
        assert_eq!(price(99.5), "99,50\u{a0}€");
        assert_eq!(price(-3.0), "prix non précisé");
        assert_eq!(hours(1200), "1\u{202f}200\u{a0}h");
    }

    #[test]
    fn counts_agree_in_number() {
        assert_eq!(results_count(0), "Aucun résultat");
        assert_eq!(results_count(1), "1 résultat");
        assert_eq!(results_count(12), "12 résultats");
        assert_eq!(results_count(12_000), "12\u{202f}000 résultats");
    }

    #[test]
    fn widening_says_the_new_radius() {
        assert_eq!(
            widened(100.0),
            "Peu de résultats près de toi : rayon élargi à 100 km"
        );
    }

    #[test]
    fn the_star_says_what_it_will_do() {
        assert_eq!(favourite_action(false), "Ajouter aux favoris");
        assert_eq!(favourite_action(true), "Retirer des favoris");
        assert_eq!(kind(Kind::Place, true), "Lieux");
        assert_eq!(kind(Kind::Training, false), "Formation");
    }

    #[test]
    fn phone_links_keep_digits_and_the_plus() {
        assert_eq!(
            phone_uri("04 91 00 00 00").as_deref(),
            Some("tel:0491000000")
        );
        assert_eq!(phone_uri(" +33 (0)1 23").as_deref(), Some("tel:+330123"));
        assert_eq!(phone_uri("néant"), None);
    }

    #[test]
    fn age_ranges_say_what_is_known() {
        assert_eq!(ages(Some(16), Some(25)).as_deref(), Some("de 16 à 25 ans"));
        assert_eq!(ages(Some(18), None).as_deref(), Some("à partir de 18 ans"));
        assert_eq!(ages(None, Some(30)).as_deref(), Some("jusqu'à 30 ans"));
        assert_eq!(ages(Some(18), Some(18)).as_deref(), Some("18 ans"));
        assert_eq!(ages(None, None), None);
    }

    #[test]
    fn a_message_says_where_it_stands() {
        assert_eq!(delivery(Delivery::Sending, false, 0), "envoi…");
        assert_eq!(delivery(Delivery::Sending, false, 2), "nouvel essai…");
        assert_eq!(delivery(Delivery::Sent, false, 0), "envoyé");
        assert_eq!(delivery(Delivery::Sent, true, 0), "lu");
        assert_eq!(delivery(Delivery::Failed, false, 3), "échec de l'envoi");
        assert_eq!(delivery(Delivery::Received, true, 0), "");
    }

    #[test]
    fn catalogue_dates_are_day_first() {
        // 2026-12-01T10:00:00Z
        assert_eq!(
            catalogue_date(Some(1_796_119_200)),
            "Catalogue du 01/12/2026"
        );
        assert_eq!(catalogue_date(Some(0)), "Catalogue du 01/01/1970");
        // 2024-02-29 (a leap day)
        assert_eq!(
            catalogue_date(Some(1_709_164_800)),
            "Catalogue du 29/02/2024"
        );
        assert_eq!(catalogue_date(None), "Catalogue de date inconnue");
    }

    #[test]
    fn the_hiring_chart_gives_shares_of_the_planned_hires() {
        let c = hiring_chart("Enseignants", 0.8, 1200, 600, 300);
        assert_eq!(c.bars.len(), 3);
        assert_eq!(c.bars[0].value, "1\u{202f}200");
        assert_eq!(c.bars[0].fraction, 1.0);
        assert_eq!(c.bars[1].value, "50\u{a0}%");
        assert_eq!(c.bars[1].fraction, 0.5);
        assert_eq!(c.bars[2].fraction, 0.25);
        assert!(c.caption.contains("non officiel"));
        assert!(c.summary.starts_with("1\u{202f}200 projets"));
        // no hires: no division by zero, empty bars
        let none = hiring_chart("X", 1.0, 0, 5, 5);
        assert!(none.bars.iter().all(|b| b.fraction == 0.0));
        assert!(!none.caption.contains("non officiel"));
    }
}
