//! The screens' texts and figures (orientation_core::shell_text), for the Android and iOS shells: they
//! render these strings as they are instead of formatting in Kotlin or Swift.

use crate::search::ItemKind;
use crate::sheets::HiringFigures;
use orientation_core::{shell_text, text_fr};

/// "à 3,5 km".
#[uniffi::export]
pub fn distance_label(km: f64) -> String {
    shell_text::distance(km)
}

/// "1 250 €", "Gratuit".
#[uniffi::export]
pub fn price_label(eur: f64) -> String {
    shell_text::price(eur)
}

/// "450 h".
#[uniffi::export]
pub fn hours_label(hours: i64) -> String {
    shell_text::hours(hours)
}

/// "2026-03-02" → "02/03/2026".
#[uniffi::export]
pub fn date_label(iso: String) -> String {
    text_fr::date(&iso)
}

/// "du 02/03/2026 au 30/06/2026", "à partir du …", "dates non précisées".
#[uniffi::export]
pub fn period_label(start: Option<String>, end: Option<String>) -> String {
    text_fr::period(start.as_deref(), end.as_deref())
}

/// "Aucun résultat", "1 résultat", "12 résultats".
#[uniffi::export]
pub fn results_count_label(count: u32) -> String {
    shell_text::results_count(u64::from(count))
}

/// "Peu de résultats près de toi : rayon élargi à 100 km" (from `SearchPage.widened_to_km`).
#[uniffi::export]
pub fn widened_label(km: f64) -> String {
    shell_text::widened(km)
}

/// The empty state of a search that found nothing.
#[uniffi::export]
pub fn no_results_label() -> String {
    shell_text::no_results().to_string()
}

/// The search screen's hint before anything is typed.
#[uniffi::export]
pub fn search_hint_label() -> String {
    shell_text::search_hint().to_string()
}

/// Shown where the user exports their favourites: the file holds their notes in clear, never the chat.
#[uniffi::export]
pub fn export_notice_label() -> String {
    shell_text::export_notice().to_string()
}

/// The star's action, read by screen readers: "Ajouter aux favoris" / "Retirer des favoris".
#[uniffi::export]
pub fn favourite_action_label(is_favourite: bool) -> String {
    shell_text::favourite_action(is_favourite).to_string()
}

/// "Métier" / "Métiers", "Formation" / "Formations", "Lieu" / "Lieux", "Aide" / "Aides".
#[uniffi::export]
pub fn kind_label(kind: ItemKind, plural: bool) -> String {
    shell_text::kind(kind.into(), plural).to_string()
}

/// "Catalogue du 01/12/2026" from `CatalogueInfo.built_at`.
#[uniffi::export]
pub fn catalogue_date_label(built_at: Option<i64>) -> String {
    shell_text::catalogue_date(built_at)
}

/// One bar of [HiringChart]: `fraction` (0 to 1) is its length.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ChartBar {
    pub label: String,
    pub value: String,
    pub fraction: f64,
}

/// The job sheet's BMO chart: bars, a caption naming the job family, a sentence for screen readers.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct HiringChart {
    pub title: String,
    pub bars: Vec<ChartBar>,
    pub caption: String,
    pub summary: String,
}

#[uniffi::export]
pub fn hiring_chart(figures: HiringFigures) -> HiringChart {
    let c = shell_text::hiring_chart(
        &figures.fap_label,
        figures.match_score,
        figures.planned_hires,
        figures.difficult,
        figures.seasonal,
    );
    HiringChart {
        title: c.title,
        bars: c
            .bars
            .into_iter()
            .map(|b| ChartBar {
                label: b.label,
                value: b.value,
                fraction: b.fraction,
            })
            .collect(),
        caption: c.caption,
        summary: c.summary,
    }
}

/// The `tel:` link of a phone number as a sheet shows it ("04 91 00 00 00" → "tel:0491000000"): digits
/// and a leading "+" kept, the rest dropped. `None` when no digit is left.
#[uniffi::export]
pub fn phone_uri(display: String) -> Option<String> {
    shell_text::phone_uri(&display)
}

/// Under a chat message: "envoi…", "nouvel essai…", "envoyé", "lu", "échec de l'envoi" ("" when received).
#[cfg(feature = "chat")]
#[uniffi::export]
pub fn message_state_label(state: crate::chat::MessageState, read: bool, attempts: u32) -> String {
    use crate::chat::MessageState as M;
    use shell_text::Delivery as D;
    let d = match state {
        M::Sending => D::Sending,
        M::Sent => D::Sent,
        M::Failed => D::Failed,
        M::Received => D::Received,
    };
    shell_text::delivery(d, read, attempts).to_string()
}

/// "de 16 à 25 ans", "à partir de 16 ans", "jusqu'à 25 ans" (an aid's ages); `None` when neither is known.
#[uniffi::export]
pub fn age_range_label(min: Option<i64>, max: Option<i64>) -> Option<String> {
    shell_text::ages(min, max)
}

/// "Région", "France Travail", "CPF"…: the same labels as the funding facets.
#[uniffi::export]
pub fn funding_label(funding: crate::search::Funding) -> String {
    orientation_core::codes::Funding::from(funding)
        .label()
        .to_string()
}
