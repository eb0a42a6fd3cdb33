//! Search records shaped for the result screen: the query with its filters, a page of items ready to draw
//! (kind, title, subtitle, distance, what to highlight, badges, star), and the facet counts for the filter
//! chips. Checking the query and converting the core's results happen here; the search itself is the core's.

use crate::error::{OrientationError, Result};
use orientation_core::search::{filters, geo, Hit, Kind, Query};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum ItemKind {
    Job,
    Training,
    Place,
    Aid,
}

impl From<Kind> for ItemKind {
    fn from(k: Kind) -> Self {
        match k {
            Kind::Job => ItemKind::Job,
            Kind::Training => ItemKind::Training,
            Kind::Place => ItemKind::Place,
            Kind::Aid => ItemKind::Aid,
        }
    }
}

impl From<ItemKind> for Kind {
    fn from(k: ItemKind) -> Self {
        match k {
            ItemKind::Job => Kind::Job,
            ItemKind::Training => Kind::Training,
            ItemKind::Place => Kind::Place,
            ItemKind::Aid => Kind::Aid,
        }
    }
}

/// Who pays for a training, as the filters and facets group the LHEO funder codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Funding {
    Region,
    FranceTravail,
    Cpf,
    Opco,
    Agefiph,
    Etat,
    Entreprise,
    Personnel,
}

impl Funding {
    pub const ALL: [Funding; 8] = [
        Funding::Region,
        Funding::FranceTravail,
        Funding::Cpf,
        Funding::Opco,
        Funding::Agefiph,
        Funding::Etat,
        Funding::Entreprise,
        Funding::Personnel,
    ];

    /// The core's name of the category, which is also the label shown on screen.
    pub fn label(self) -> &'static str {
        match self {
            Funding::Region => "Région",
            Funding::FranceTravail => "France Travail",
            Funding::Cpf => "CPF",
            Funding::Opco => "OPCO",
            Funding::Agefiph => "Agefiph",
            Funding::Etat => "État",
            Funding::Entreprise => "Entreprise",
            Funding::Personnel => "Personnel",
        }
    }

    pub fn from_label(name: &str) -> Option<Funding> {
        Funding::ALL.into_iter().find(|f| f.label() == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum TeachingMode {
    Presentiel,
    Mixte,
    Distance,
}

impl TeachingMode {
    pub const ALL: [TeachingMode; 3] = [
        TeachingMode::Presentiel,
        TeachingMode::Mixte,
        TeachingMode::Distance,
    ];

    /// The core's (and the catalogue's) code of the mode.
    pub fn code(self) -> &'static str {
        match self {
            TeachingMode::Presentiel => "presentiel",
            TeachingMode::Mixte => "mixte",
            TeachingMode::Distance => "distance",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TeachingMode::Presentiel => "En présentiel",
            TeachingMode::Mixte => "Mixte",
            TeachingMode::Distance => "À distance",
        }
    }

    pub fn from_code(code: &str) -> Option<TeachingMode> {
        TeachingMode::ALL.into_iter().find(|m| m.code() == code)
    }
}

/// A European qualification level (1 to 8) as a person reads it.
pub fn level_label(level: u8) -> String {
    let detail = match level {
        1 | 2 => " (savoirs de base)",
        3 => " (CAP, BEP)",
        4 => " (bac)",
        5 => " (bac + 2)",
        6 => " (bac + 3 ou 4)",
        7 => " (bac + 5)",
        8 => " (doctorat)",
        _ => "",
    };
    format!("Niveau {level}{detail}")
}

/// Where to search around.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum Location {
    /// What the user typed: a postcode, a commune, or "lat,lon".
    Typed { text: String },
    /// The device's position.
    Coordinates { lat: f64, lon: f64 },
}

/// Training filters (they keep trainings only) and the job filter (grand domaine). Every field has a
/// default: `SearchFilters()` filters nothing.
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct SearchFilters {
    /// European exit level, 1 to 8.
    #[uniffi(default = None)]
    pub level_min: Option<i32>,
    #[uniffi(default = None)]
    pub level_max: Option<i32>,
    /// Any of these (empty: any funding).
    #[uniffi(default = [])]
    pub funding: Vec<Funding>,
    /// Any of these (empty: any mode).
    #[uniffi(default = [])]
    pub modes: Vec<TeachingMode>,
    /// A session starting on or after this day, "AAAA-MM-JJ".
    #[uniffi(default = None)]
    pub start_after: Option<String>,
    /// A session starting on or before this day, "AAAA-MM-JJ".
    #[uniffi(default = None)]
    pub start_before: Option<String>,
    #[uniffi(default = false)]
    pub registration_open: bool,
    #[uniffi(default = None)]
    pub max_hours: Option<i32>,
    #[uniffi(default = false)]
    pub disability_access: bool,
    /// Jobs of one ROME grand domaine, a letter from A to N.
    #[uniffi(default = None)]
    pub grand_domaine: Option<String>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SearchQuery {
    /// What the user typed; the last word counts as being typed unless the text ends with a space.
    pub text: String,
    /// Only this kind (the facet counts still cover every kind, for the tabs).
    #[uniffi(default = None)]
    pub kind: Option<ItemKind>,
    #[uniffi(default = None)]
    pub near: Option<Location>,
    /// Around `near`; widened to 100 km when too few results lie within it (see `SearchPage`).
    #[uniffi(default = 30.0)]
    pub radius_km: f64,
    /// 1 to 500.
    #[uniffi(default = 20)]
    pub limit: i32,
    #[uniffi(default)]
    pub filters: SearchFilters,
}

/// A span of a text to highlight, in UTF-16 code units (what Android's `Spannable` and iOS's `NSRange`
/// count), end excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct TextRange {
    pub start: i32,
    pub end: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum BadgeKind {
    /// A session of the training takes registrations today.
    RegistrationOpen,
    /// The training can be followed at a distance.
    DistanceLearning,
}

/// A small label drawn on a result: `label` is the French text, `kind` chooses icon and colour.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Badge {
    pub kind: BadgeKind,
    pub label: String,
}

impl Badge {
    pub fn new(kind: BadgeKind) -> Badge {
        let label = match kind {
            BadgeKind::RegistrationOpen => "inscriptions ouvertes",
            BadgeKind::DistanceLearning => "à distance",
        };
        Badge {
            kind,
            label: label.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SearchItem {
    pub kind: ItemKind,
    /// Opens the sheet: `Catalogue.sheet(id)` (or `job`, `training`, `place`, `aid`).
    pub id: String,
    pub title: String,
    pub subtitle: Option<String>,
    /// The job's ROME fiche code (jobs only).
    pub rome: Option<String>,
    /// From `near`, rounded to 100 m; none without `near` or for what has no place.
    pub distance_km: Option<f64>,
    /// Words of `title` the query matched.
    pub title_highlights: Vec<TextRange>,
    pub is_favourite: bool,
    pub badges: Vec<Badge>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct KindCount {
    pub kind: ItemKind,
    pub count: i32,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DomainCount {
    /// The ROME grand domaine letter, to pass back as `SearchFilters.grand_domaine`.
    pub code: String,
    pub label: String,
    pub count: i32,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LevelCount {
    pub level: i32,
    pub label: String,
    pub count: i32,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct FundingCount {
    pub funding: Funding,
    pub label: String,
    pub count: i32,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ModeCount {
    pub mode: TeachingMode,
    pub label: String,
    pub count: i32,
}

/// How many results each filter value would give, counted on all results (before `limit`), after the
/// filters; `kinds` is counted before the kind filter. Values with no result are left out.
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct Facets {
    pub kinds: Vec<KindCount>,
    pub grand_domaines: Vec<DomainCount>,
    pub levels: Vec<LevelCount>,
    pub funding: Vec<FundingCount>,
    pub modes: Vec<ModeCount>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SearchPage {
    pub items: Vec<SearchItem>,
    /// Set when too few results lay within `radius_km` and the search widened to this radius: say so.
    pub widened_to_km: Option<f64>,
    pub facets: Facets,
}

fn invalid() -> OrientationError {
    OrientationError::InvalidQuery
}

fn level(value: Option<i32>) -> Result<Option<u8>> {
    value
        .map(|l| {
            u8::try_from(l)
                .ok()
                .filter(|l| (1..=8).contains(l))
                .ok_or_else(invalid)
        })
        .transpose()
}

/// "AAAA-MM-JJ" as the core's YYYYMMDD number, refusing what is not a plausible day.
fn date(value: &Option<String>) -> Result<Option<u32>> {
    let Some(text) = value else {
        return Ok(None);
    };
    let ok = text.len() == 10
        && text.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    let n = ok
        .then(|| filters::date_number(text))
        .flatten()
        .ok_or_else(invalid)?;
    let (month, day) = (n / 100 % 100, n % 100);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(invalid());
    }
    Ok(Some(n))
}

/// Limits that keep one call cheap whatever a shell sends.
const MAX_LIMIT: i32 = 500;
const MAX_TEXT_CHARS: usize = 200;

impl SearchQuery {
    /// Checks the query and converts it; `resolve` turns a typed location into a point (it needs the
    /// catalogue).
    pub(crate) fn to_core(
        &self,
        resolve: impl FnOnce(&str) -> Result<geo::Point>,
    ) -> Result<Query> {
        // A pasted page of text is not a query: search its beginning.
        let text: String = self.text.chars().take(MAX_TEXT_CHARS).collect();
        let mut q = Query::new(text);
        q.kind = self.kind.map(Kind::from);
        if !(1..=MAX_LIMIT).contains(&self.limit) {
            return Err(invalid());
        }
        q.limit = self.limit as usize;
        if !(self.radius_km.is_finite() && self.radius_km > 0.0 && self.radius_km <= 1000.0) {
            return Err(invalid());
        }
        q.radius_km = self.radius_km;
        q.near = match &self.near {
            None => None,
            Some(Location::Coordinates { lat, lon }) => {
                if !((-90.0..=90.0).contains(lat) && (-180.0..=180.0).contains(lon)) {
                    return Err(invalid());
                }
                Some(geo::Point {
                    lat: *lat,
                    lon: *lon,
                })
            }
            Some(Location::Typed { text }) => Some(resolve(text)?),
        };
        let f = &self.filters;
        let cf = &mut q.filters;
        cf.level_min = level(f.level_min)?;
        cf.level_max = level(f.level_max)?;
        cf.funding = f
            .funding
            .iter()
            .fold(0, |acc, x| acc | filters::funding_bit(x.label()));
        cf.modes = f
            .modes
            .iter()
            .fold(0, |acc, m| acc | filters::mode_bit(m.code()));
        cf.start_after = date(&f.start_after)?;
        cf.start_before = date(&f.start_before)?;
        cf.registration_open = f.registration_open;
        cf.max_hours = f
            .max_hours
            .map(|h| u32::try_from(h).map_err(|_| invalid()))
            .transpose()?;
        cf.disability_access = f.disability_access;
        cf.grand_domaine = match f.grand_domaine.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => {
                let mut chars = text.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if ('A'..='N').contains(&c.to_ascii_uppercase()) => {
                        Some(c.to_ascii_uppercase())
                    }
                    _ => return Err(invalid()),
                }
            }
        };
        Ok(q)
    }
}

/// Char ranges (what the core's highlighter gives) as UTF-16 ranges of the same text.
pub(crate) fn utf16_ranges(text: &str, char_ranges: &[(usize, usize)]) -> Vec<TextRange> {
    // Offsets in UTF-16 units of every char boundary, the end included.
    let mut at = Vec::with_capacity(text.len() + 1);
    let mut units = 0usize;
    for c in text.chars() {
        at.push(units);
        units += c.len_utf16();
    }
    at.push(units);
    char_ranges
        .iter()
        .filter_map(|&(s, e)| {
            let (start, end) = (*at.get(s)?, *at.get(e)?);
            let range = TextRange {
                start: i32::try_from(start).ok()?,
                end: i32::try_from(end).ok()?,
            };
            (start < end).then_some(range)
        })
        .collect()
}

/// The highlights of many titles for one query, computed with one call to the core's highlighter: it
/// works out the query's word forms (completions, typo corrections) on each call, which costs far more
/// than matching them, so the titles go in together, one per line, and the ranges are shared out after.
pub(crate) fn highlights(
    matched_ranges: impl Fn(&str) -> Vec<(usize, usize)>,
    titles: &[&str],
) -> Vec<Vec<TextRange>> {
    let mut combined = String::new();
    // (first char, char count) of each title in `combined`.
    let mut spans = Vec::with_capacity(titles.len());
    let mut at = 0usize;
    for title in titles {
        let n = title.chars().count();
        spans.push((at, n));
        combined.push_str(title);
        // Not a word character: no range can cross from one title into the next.
        combined.push('\n');
        at += n + 1;
    }
    let ranges = matched_ranges(&combined);
    titles
        .iter()
        .zip(&spans)
        .map(|(title, &(start, n))| {
            let own: Vec<(usize, usize)> = ranges
                .iter()
                .filter(|&&(s, e)| s >= start && e <= start + n)
                .map(|&(s, e)| (s - start, e - start))
                .collect();
            utf16_ranges(title, &own)
        })
        .collect()
}

pub(crate) fn item(hit: Hit, highlights: Vec<TextRange>, badges: Vec<Badge>) -> SearchItem {
    SearchItem {
        kind: hit.kind.into(),
        id: hit.id,
        title: hit.title,
        subtitle: hit.subtitle,
        rome: hit.rome,
        distance_km: hit.distance_km,
        title_highlights: highlights,
        // Favourites are not part of the core yet: the star lights up once they are (see lib.rs).
        is_favourite: false,
        badges,
    }
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

pub(crate) fn facets(
    core: filters::Facets,
    domain_label: impl Fn(&str) -> Option<String>,
) -> Facets {
    Facets {
        kinds: core
            .kinds
            .into_iter()
            .filter_map(|(k, n)| {
                Some(KindCount {
                    kind: Kind::parse(&k)?.into(),
                    count: count(n),
                })
            })
            .collect(),
        grand_domaines: core
            .grand_domaines
            .into_iter()
            .map(|(code, n)| DomainCount {
                label: domain_label(&code).unwrap_or_else(|| code.clone()),
                code,
                count: count(n),
            })
            .collect(),
        levels: core
            .levels
            .into_iter()
            .map(|(l, n)| LevelCount {
                level: i32::from(l),
                label: level_label(l),
                count: count(n),
            })
            .collect(),
        funding: core
            .funding
            .into_iter()
            .filter_map(|(name, n)| {
                let funding = Funding::from_label(&name)?;
                Some(FundingCount {
                    funding,
                    label: funding.label().to_string(),
                    count: count(n),
                })
            })
            .collect(),
        modes: core
            .modes
            .into_iter()
            .filter_map(|(code, n)| {
                let mode = TeachingMode::from_code(&code)?;
                Some(ModeCount {
                    mode,
                    label: mode.label().to_string(),
                    count: count(n),
                })
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(text: &str) -> SearchQuery {
        SearchQuery {
            text: text.into(),
            kind: None,
            near: None,
            radius_km: 30.0,
            limit: 20,
            filters: SearchFilters::default(),
        }
    }

    fn no_place(_: &str) -> Result<geo::Point> {
        Err(OrientationError::UnknownPlace)
    }

    #[test]
    fn every_funding_and_mode_is_one_the_core_knows() {
        let mut bits = 0u8;
        for f in Funding::ALL {
            let bit = filters::funding_bit(f.label());
            assert_ne!(bit, 0, "{f:?}");
            bits |= bit;
        }
        assert_eq!(usize::from(bits.count_ones() as u8), filters::FUNDING.len());
        for m in TeachingMode::ALL {
            assert_ne!(filters::mode_bit(m.code()), 0, "{m:?}");
        }
        assert_eq!(TeachingMode::ALL.len(), filters::MODES.len());
    }

    #[test]
    fn filters_become_the_core_masks_and_numbers() {
        let mut q = query("cariste");
        q.kind = Some(ItemKind::Training);
        q.limit = 5;
        q.filters = SearchFilters {
            level_min: Some(3),
            level_max: Some(4),
            funding: vec![Funding::Cpf, Funding::Region],
            modes: vec![TeachingMode::Distance],
            start_after: Some("2026-01-15".into()),
            start_before: Some("2026-12-31".into()),
            registration_open: true,
            max_hours: Some(400),
            disability_access: true,
            grand_domaine: Some("n".into()),
        };
        let c = q.to_core(no_place).unwrap();
        assert_eq!(c.kind, Some(Kind::Training));
        assert_eq!(c.limit, 5);
        let f = &c.filters;
        assert_eq!((f.level_min, f.level_max), (Some(3), Some(4)));
        assert_eq!(
            f.funding,
            filters::funding_bit("CPF") | filters::funding_bit("Région")
        );
        assert_eq!(f.modes, filters::mode_bit("distance"));
        assert_eq!(
            (f.start_after, f.start_before),
            (
                filters::date_number("2026-01-15"),
                filters::date_number("2026-12-31")
            )
        );
        assert!(f.registration_open && f.disability_access);
        assert_eq!(f.max_hours, Some(400));
        assert_eq!(f.grand_domaine, Some('N'));
    }

    #[test]
    fn bad_values_are_refused_not_guessed() {
        type Change = Box<dyn Fn(&mut SearchQuery)>;
        let bad: Vec<Change> = vec![
            Box::new(|q| q.limit = 0),
            Box::new(|q| q.limit = -3),
            Box::new(|q| q.limit = 501),
            Box::new(|q| q.radius_km = 0.0),
            Box::new(|q| q.radius_km = f64::NAN),
            Box::new(|q| q.radius_km = f64::INFINITY),
            Box::new(|q| q.filters.level_min = Some(9)),
            Box::new(|q| q.filters.level_max = Some(0)),
            Box::new(|q| q.filters.start_after = Some("2026-13-01".into())),
            Box::new(|q| q.filters.start_before = Some("demain".into())),
            Box::new(|q| q.filters.start_before = Some("20260101".into())),
            Box::new(|q| q.filters.max_hours = Some(-1)),
            Box::new(|q| q.filters.grand_domaine = Some("Z".into())),
            Box::new(|q| q.filters.grand_domaine = Some("AB".into())),
            Box::new(|q| {
                q.near = Some(Location::Coordinates {
                    lat: 91.0,
                    lon: 0.0,
                })
            }),
        ];
        for (i, change) in bad.iter().enumerate() {
            let mut q = query("x");
            change(&mut q);
            assert_eq!(
                q.to_core(no_place).err(),
                Some(OrientationError::InvalidQuery),
                "case {i}"
            );
        }
        let mut q = query("x");
        q.near = Some(Location::Typed {
            text: "Atlantide".into(),
        });
        assert_eq!(
            q.to_core(no_place).err(),
            Some(OrientationError::UnknownPlace)
        );
    }

    #[test]
    fn a_huge_text_is_cut_not_refused() {
        let q = query(&"boulanger ".repeat(10_000));
        assert_eq!(
            q.to_core(no_place).unwrap().text.chars().count(),
            MAX_TEXT_CHARS
        );
    }

    #[test]
    fn highlight_ranges_count_utf16_units() {
        // "𝄞" is one char but two UTF-16 units: what follows it shifts by one more unit.
        let text = "𝄞 Œnologue / Boulangère";
        let ranges = utf16_ranges(text, &[(2, 10), (13, 23), (40, 45)]);
        assert_eq!(
            ranges,
            [
                TextRange { start: 3, end: 11 },
                TextRange { start: 14, end: 24 }
            ]
        );
        let units: Vec<u16> = text.encode_utf16().collect();
        assert_eq!(String::from_utf16_lossy(&units[3..11]), "Œnologue");
        assert_eq!(String::from_utf16_lossy(&units[14..24]), "Boulangère");
    }

    #[test]
    fn highlights_of_many_titles_come_from_one_call_and_stay_in_their_title() {
        let calls = std::cell::Cell::new(0);
        // A stand-in highlighter: the chars of every "boulang…" word.
        let matcher = |text: &str| {
            calls.set(calls.get() + 1);
            let chars: Vec<char> = text.chars().collect();
            let mut out = Vec::new();
            let mut i = 0;
            while i < chars.len() {
                let rest: String = chars[i..].iter().take(7).collect();
                if rest.to_lowercase() == "boulang" {
                    let end = (i..chars.len())
                        .find(|&j| !chars[j].is_alphanumeric())
                        .unwrap_or(chars.len());
                    out.push((i, end));
                    i = end;
                } else {
                    i += 1;
                }
            }
            out
        };
        let got = highlights(matcher, &["CAP Boulanger", "Plombier", "𝄞 Boulangère"]);
        assert_eq!(calls.get(), 1);
        assert_eq!(
            got,
            [
                vec![TextRange { start: 4, end: 13 }],
                vec![],
                vec![TextRange { start: 3, end: 13 }]
            ]
        );
    }

    #[test]
    fn facets_get_labels_and_typed_values() {
        let core = filters::Facets {
            kinds: vec![("job".into(), 3), ("training".into(), 2)],
            grand_domaines: vec![("D".into(), 3)],
            levels: vec![(3, 2)],
            funding: vec![("CPF".into(), 1)],
            modes: vec![("distance".into(), 1)],
        };
        let f = facets(core, |c| (c == "D").then(|| "Commerce".to_string()));
        assert_eq!(
            f.kinds,
            [
                KindCount {
                    kind: ItemKind::Job,
                    count: 3
                },
                KindCount {
                    kind: ItemKind::Training,
                    count: 2
                }
            ]
        );
        assert_eq!(f.grand_domaines[0].label, "Commerce");
        assert_eq!(f.levels[0].label, "Niveau 3 (CAP, BEP)");
        assert_eq!(f.funding[0].funding, Funding::Cpf);
        assert_eq!(f.modes[0].mode, TeachingMode::Distance);
        assert_eq!(f.modes[0].label, "À distance");
    }
}
