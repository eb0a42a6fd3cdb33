//! Search records shaped for the result screen: the query with its filters, a page of items ready to draw
//! (kind, title, subtitle, distance, what to highlight, badges, star), and the facet counts for the filter
//! chips. Checking the query and converting the core's results happen here; the search itself is the core's.

use crate::error::Result;
use orientation_core::codes;
use orientation_core::search::{self as core_search, filters, Hit, Kind, Query, QueryRequest};
use orientation_core::territory::{Point, Resolved};
use orientation_core::Error as CoreError;

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

impl From<Funding> for codes::Funding {
    fn from(f: Funding) -> Self {
        match f {
            Funding::Region => codes::Funding::Region,
            Funding::FranceTravail => codes::Funding::FranceTravail,
            Funding::Cpf => codes::Funding::Cpf,
            Funding::Opco => codes::Funding::Opco,
            Funding::Agefiph => codes::Funding::Agefiph,
            Funding::Etat => codes::Funding::Etat,
            Funding::Entreprise => codes::Funding::Entreprise,
            Funding::Personnel => codes::Funding::Personnel,
        }
    }
}

impl From<codes::Funding> for Funding {
    fn from(f: codes::Funding) -> Self {
        match f {
            codes::Funding::Region => Funding::Region,
            codes::Funding::FranceTravail => Funding::FranceTravail,
            codes::Funding::Cpf => Funding::Cpf,
            codes::Funding::Opco => Funding::Opco,
            codes::Funding::Agefiph => Funding::Agefiph,
            codes::Funding::Etat => Funding::Etat,
            codes::Funding::Entreprise => Funding::Entreprise,
            codes::Funding::Personnel => Funding::Personnel,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum TeachingMode {
    Presentiel,
    Mixte,
    Distance,
}

impl From<TeachingMode> for codes::TeachingMode {
    fn from(m: TeachingMode) -> Self {
        match m {
            TeachingMode::Presentiel => codes::TeachingMode::Presentiel,
            TeachingMode::Mixte => codes::TeachingMode::Mixte,
            TeachingMode::Distance => codes::TeachingMode::Distance,
        }
    }
}

impl From<codes::TeachingMode> for TeachingMode {
    fn from(m: codes::TeachingMode) -> Self {
        match m {
            codes::TeachingMode::Presentiel => TeachingMode::Presentiel,
            codes::TeachingMode::Mixte => TeachingMode::Mixte,
            codes::TeachingMode::Distance => TeachingMode::Distance,
        }
    }
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
    /// Read a place among the words ("bts commerce lyon" → near Lyon). False to search the words as
    /// typed: what the shell sends when the user removes the place chip of `SearchPage.near`.
    #[uniffi(default = true)]
    pub read_place: bool,
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

impl From<core_search::Badge> for Badge {
    fn from(b: core_search::Badge) -> Self {
        Badge {
            kind: match b.kind {
                core_search::BadgeKind::RegistrationOpen => BadgeKind::RegistrationOpen,
                core_search::BadgeKind::DistanceLearning => BadgeKind::DistanceLearning,
            },
            label: b.label.to_string(),
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
    /// Where it is, in words, to show instead of a number: "3,4 km", or "à Marseille" for what is only
    /// placed at its commune's centre.
    pub location: Option<String>,
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

/// How the place searched around was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum NearFoundBy {
    /// The query's `near` (the user's location or chosen place).
    Given,
    /// A postcode among the words.
    Postcode,
    /// A commune name among the words.
    Commune,
    /// A département number among the words.
    Departement,
}

/// The place the search ran around: a chip the user can remove (search again with
/// `SearchQuery.read_place = false`) when it was read among the words.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct NearPlace {
    /// "Marseille (13)".
    pub label: String,
    pub found_by: NearFoundBy,
    /// The words read as the place ("pres de rennes"), none for a given place.
    pub words: Option<String>,
    /// What to show: "près de Marseille (13)".
    pub said: String,
}

/// The kind the words asked for first ("formation", "BTS" → trainings): ranked first, not filtered.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SearchIntent {
    pub kind: ItemKind,
    /// The words that said it ("formation").
    pub words: String,
    /// "formations en premier".
    pub said: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SearchPage {
    pub items: Vec<SearchItem>,
    /// Set when too few results lay within `radius_km` and the search widened to this radius: say so.
    pub widened_to_km: Option<f64>,
    pub facets: Facets,
    /// The place searched around, given or read among the words.
    pub near: Option<NearPlace>,
    pub intent: Option<SearchIntent>,
    /// A sentence to show above the results: "Aucune formation localisée trouvée près de Marseille (13)".
    pub notice: Option<String>,
}

impl From<core_search::Near> for NearPlace {
    fn from(n: core_search::Near) -> Self {
        NearPlace {
            label: n.label,
            found_by: match n.found_by {
                core_search::NearFrom::Given => NearFoundBy::Given,
                core_search::NearFrom::Postcode => NearFoundBy::Postcode,
                core_search::NearFrom::Commune => NearFoundBy::Commune,
                core_search::NearFrom::Departement => NearFoundBy::Departement,
            },
            words: n.words,
            said: n.said,
        }
    }
}

impl From<core_search::Intent> for SearchIntent {
    fn from(i: core_search::Intent) -> Self {
        SearchIntent {
            kind: i.kind.into(),
            words: i.words,
            said: i.said,
        }
    }
}

impl SearchQuery {
    fn request(&self, near: Option<Point>) -> QueryRequest {
        let f = &self.filters;
        QueryRequest {
            text: self.text.clone(),
            kind: self.kind.map(Kind::from),
            near,
            radius_km: Some(self.radius_km),
            limit: Some(self.limit.into()),
            level_min: f.level_min.and_then(|l| u8::try_from(l).ok()),
            level_max: f.level_max.and_then(|l| u8::try_from(l).ok()),
            funding: f.funding.iter().map(|&x| x.into()).collect(),
            modes: f.modes.iter().map(|&m| m.into()).collect(),
            start_after: f.start_after.clone(),
            start_before: f.start_before.clone(),
            registration_open: f.registration_open,
            max_hours: f.max_hours.map(i64::from),
            disability_access: f.disability_access,
            grand_domaine: f.grand_domaine.clone(),
            no_place_in_words: !self.read_place,
        }
    }

    /// The core's request for this query; `locate` turns the location into a point, the words to say it
    /// back and its territory (it needs the catalogue).
    pub(crate) fn to_core(
        &self,
        locate: impl FnOnce(Located) -> std::result::Result<Resolved, CoreError>,
    ) -> Result<Query> {
        Ok(self.checked(locate)?)
    }

    /// As `to_core`, with the core's error (its message is what `Catalogue.checkQuery` returns).
    pub(crate) fn checked(
        &self,
        locate: impl FnOnce(Located) -> std::result::Result<Resolved, CoreError>,
    ) -> std::result::Result<Query, CoreError> {
        let near = match &self.near {
            None => None,
            Some(Location::Coordinates { lat, lon }) => {
                Some(locate(Located::Point(Point::checked(*lat, *lon)?))?)
            }
            Some(Location::Typed { text }) => Some(locate(Located::Typed(text))?),
        };
        let f = &self.filters;
        for l in [f.level_min, f.level_max].into_iter().flatten() {
            codes::checked_level(l.into())?;
        }
        let mut q = self.request(near.as_ref().map(|r| r.point)).validate()?;
        if let Some(r) = near {
            q.near_label = Some(r.label);
            q.near_areas = r.areas;
        }
        Ok(q)
    }
}

/// A location already checked, for the catalogue to resolve.
pub(crate) enum Located<'a> {
    Typed(&'a str),
    Point(Point),
}

/// Resolves a location against the catalogue: the closure `to_core` takes.
pub(crate) fn locate(
    cat: &orientation_core::catalogue::Catalogue,
    l: Located,
) -> std::result::Result<Resolved, CoreError> {
    match l {
        Located::Typed(text) => cat.resolve_place(text),
        Located::Point(p) => cat.resolve_point(p),
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

pub(crate) fn item(hit: Hit, highlights: Vec<TextRange>) -> SearchItem {
    SearchItem {
        location: hit.location,
        badges: hit.badges.into_iter().map(Badge::from).collect(),
        kind: hit.kind.into(),
        id: hit.id,
        title: hit.title,
        subtitle: hit.subtitle,
        rome: hit.rome,
        distance_km: hit.distance_km,
        title_highlights: highlights,
        is_favourite: false,
    }
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

pub(crate) fn facets(
    core: filters::Facets,
    domain_label: impl Fn(char) -> Option<String>,
) -> Facets {
    Facets {
        kinds: core
            .kinds
            .into_iter()
            .map(|(k, n)| KindCount {
                kind: k.into(),
                count: count(n),
            })
            .collect(),
        grand_domaines: core
            .grand_domaines
            .into_iter()
            .map(|(code, n)| DomainCount {
                label: domain_label(code).unwrap_or_else(|| code.to_string()),
                code: code.to_string(),
                count: count(n),
            })
            .collect(),
        levels: core
            .levels
            .into_iter()
            .map(|(l, n)| LevelCount {
                level: i32::from(l),
                label: codes::level_label(l),
                count: count(n),
            })
            .collect(),
        funding: core
            .funding
            .into_iter()
            .map(|(f, n)| FundingCount {
                funding: f.into(),
                label: f.label().to_string(),
                count: count(n),
            })
            .collect(),
        modes: core
            .modes
            .into_iter()
            .map(|(m, n)| ModeCount {
                mode: m.into(),
                label: m.label().to_string(),
                count: count(n),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::OrientationError;

    fn query(text: &str) -> SearchQuery {
        SearchQuery {
            text: text.into(),
            kind: None,
            near: None,
            radius_km: 30.0,
            limit: 20,
            filters: SearchFilters::default(),
            read_place: true,
        }
    }

    fn no_place(l: Located) -> std::result::Result<Resolved, CoreError> {
        match l {
            Located::Typed(text) => Err(CoreError::UnknownPlace(text.into())),
            Located::Point(point) => Ok(Resolved {
                point,
                label: String::new(),
                found_by: orientation_core::territory::FoundBy::Coordinates,
                commune: None,
                areas: Vec::new(),
            }),
        }
    }

    #[test]
    fn every_funding_and_mode_maps_to_the_core_and_back() {
        for f in codes::Funding::ALL {
            assert_eq!(codes::Funding::from(Funding::from(f)), f);
        }
        for m in codes::TeachingMode::ALL {
            assert_eq!(codes::TeachingMode::from(TeachingMode::from(m)), m);
        }
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
            codes::Funding::Cpf.bit() | codes::Funding::Region.bit()
        );
        assert_eq!(f.modes, codes::TeachingMode::Distance.bit());
        assert_eq!(
            (f.start_after, f.start_before),
            (Some(20_260_115), Some(20_261_231))
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
            Box::new(|q| q.filters.start_before = Some("2026-02-31".into())),
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
            orientation_core::search::MAX_TEXT_CHARS
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
            kinds: vec![(Kind::Job, 3), (Kind::Training, 2)],
            grand_domaines: vec![('D', 3)],
            levels: vec![(3, 2)],
            funding: vec![(codes::Funding::Cpf, 1)],
            modes: vec![(codes::TeachingMode::Distance, 1)],
        };
        let f = facets(core, |c| (c == 'D').then(|| "Commerce".to_string()));
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
