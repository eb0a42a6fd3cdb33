//! The query path on the small real catalogue: any text, kind, place (a point, or text resolved as the
//! CLI and the apps resolve it), radius, limit, filters and date, then the highlights of every hit.
//! The text goes through the query reading too (issue 10: a place or an intent among the words).
//!
//! An input is the query text (UTF-8, lossy), a 0 byte, then the rest of the query read by `arbitrary`
//! (missing bytes read as zeros and None), so the seeds are real queries followed by "\0".
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use orientation_core::search::filters::Filters;
use orientation_core::search::{Kind, Query};
use orientation_core::territory::Point;

#[derive(Arbitrary, Debug)]
enum Near {
    Point(f64, f64),
    Text(String),
}

#[derive(Arbitrary, Debug)]
struct Options {
    kind: Option<u8>,
    near: Option<Near>,
    radius_km: f64,
    limit: usize,
    level_min: Option<u8>,
    level_max: Option<u8>,
    funding: u8,
    modes: u8,
    start_after: Option<u32>,
    start_before: Option<u32>,
    registration_open: bool,
    max_hours: Option<u32>,
    disability_access: bool,
    grand_domaine: Option<char>,
    today: Option<u32>,
    /// Issue 10: read a place among the words (the default), or search them as typed.
    words_as_typed: bool,
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (text, rest) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let Ok(input) = Options::arbitrary(&mut Unstructured::new(rest)) else {
        return;
    };
    let s = orientation_fuzz::search();
    let resolved = match input.near {
        None => None,
        Some(Near::Point(lat, lon)) => {
            let catalogue = s.catalogue.lock().unwrap_or_else(|e| e.into_inner());
            Point::checked(lat, lon)
                .ok()
                .and_then(|p| catalogue.resolve_point(p).ok())
        }
        Some(Near::Text(text)) => {
            let catalogue = s.catalogue.lock().unwrap_or_else(|e| e.into_inner());
            catalogue.resolve_place(&text).ok()
        }
    };
    let near = resolved.as_ref().map(|r| r.point);
    let kind = input.kind.and_then(|k| {
        [Kind::Job, Kind::Training, Kind::Place, Kind::Aid]
            .get(usize::from(k))
            .copied()
    });
    let q = Query {
        text: String::from_utf8_lossy(text).into_owned(),
        kind,
        near,
        radius_km: input.radius_km,
        limit: input.limit,
        filters: Filters {
            level_min: input.level_min,
            level_max: input.level_max,
            funding: input.funding,
            modes: input.modes,
            start_after: input.start_after,
            start_before: input.start_before,
            registration_open: input.registration_open,
            max_hours: input.max_hours,
            disability_access: input.disability_access,
            grand_domaine: input.grand_domaine,
        },
        today: input.today,
        near_label: resolved.as_ref().map(|r| r.label.clone()),
        near_areas: resolved.map(|r| r.areas).unwrap_or_default(),
        read_place: !input.words_as_typed,
    };
    let Ok(results) = s.engine.search_results(&q) else {
        return;
    };
    assert!(
        results.hits.len() <= q.limit.max(1),
        "{} hits for limit {}",
        results.hits.len(),
        q.limit
    );
    if let Some(k) = q.kind {
        assert!(results.hits.iter().all(|h| h.kind == k), "kind {k:?} asked");
    }
    for hit in &results.hits {
        let chars = hit.title.chars().count();
        for (start, end) in s.engine.matched_ranges(&results.searched, &hit.title) {
            assert!(
                start < end && end <= chars,
                "range {start}..{end} in {:?}",
                hit.title
            );
        }
    }
});
