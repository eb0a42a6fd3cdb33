//! The same searches as tests/kotlin/src/bench, in Rust: through the core's engine alone, and through the
//! FFI crate's `Catalogue::search` (checks, records, highlights, badges) without crossing a language
//! boundary. scripts/bench-ffi runs both and the Kotlin one and prints the figures side by side. Then the
//! FFI search again once the user has favourites (up to 200, among the items the queries find): the cost of the stars on each page.
//!
//!   cargo run --profile release-mobile -p orientation-ffi --example bench_search -- CATALOGUE [ROUNDS]
//!
//! CATALOGUE: a built catalogue file (built from data/ first when it does not exist).

use orientation_core::search::Query;
use orientation_ffi::{CatalogueSource, Orientation, OrientationConfig, SearchQuery};
use std::path::PathBuf;
use std::time::Instant;

/// Kept identical to the Kotlin bench's list.
const QUERIES: [&str; 10] = [
    "boulanger",
    "infirmière",
    "prof de sport",
    "formation cariste",
    "mission locale",
    "aide soignant",
    "developpeur web",
    "cuisto",
    "plombier chauffagiste",
    "électricien",
];
const WARMUP_ROUNDS: usize = 20;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(label: &str, mut micros: Vec<f64>) {
    micros.sort_by(f64::total_cmp);
    let mean = micros.iter().sum::<f64>() / micros.len() as f64;
    println!(
        "{label:<44} median {:>8.1} µs   p90 {:>8.1} µs   mean {:>8.1} µs   ({} searches)",
        percentile(&micros, 0.5),
        percentile(&micros, 0.9),
        mean,
        micros.len()
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let catalogue = PathBuf::from(
        args.next()
            .ok_or("usage: bench_search CATALOGUE [ROUNDS]")?,
    );
    let rounds: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(200);
    let dir = catalogue.parent().ok_or("CATALOGUE must be a file path")?;
    if !catalogue.exists() {
        let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../data");
        let builder = Orientation::new(OrientationConfig {
            data_dir: dir.display().to_string(),
            catalogue_source: CatalogueSource::OpenData { dir: data.into() },
            homeserver_url: None,
            locale: "fr-FR".into(),
            catalogue_update_url: None,
            catalogue_public_key: None,
            today: None,
        })?;
        let rt = tokio::runtime::Builder::new_current_thread().build()?;
        rt.block_on(builder.build_catalogue(None))?;
        if dir.join("catalogue.db") != catalogue {
            std::fs::rename(dir.join("catalogue.db"), &catalogue)?;
        }
    }
    // The user database of the bench, emptied at each run so the first figures are without favourites.
    let user_dir = dir.join("bench-user");
    if user_dir.exists() {
        std::fs::remove_dir_all(&user_dir)?;
    }
    let app = Orientation::new(OrientationConfig {
        data_dir: user_dir.display().to_string(),
        catalogue_source: CatalogueSource::File {
            path: catalogue.display().to_string(),
        },
        homeserver_url: None,
        locale: "fr-FR".into(),
        catalogue_update_url: None,
        catalogue_public_key: None,
        today: None,
    })?;
    let cat = app.catalogue()?;
    let core = orientation_core::catalogue::Catalogue::open(&catalogue)?;
    let engine = core.engine()?;

    let ffi_query = |text: &str| SearchQuery {
        text: text.into(),
        kind: None,
        near: None,
        radius_km: 30.0,
        limit: 20,
        filters: Default::default(),
        read_place: true,
    };
    for _ in 0..WARMUP_ROUNDS {
        for q in QUERIES {
            engine.search_results(&Query {
                limit: 20,
                ..Query::new(q)
            })?;
            cat.search(ffi_query(q))?;
        }
    }
    let mut engine_us = Vec::new();
    let mut ffi_us = Vec::new();
    for _ in 0..rounds {
        for q in QUERIES {
            let start = Instant::now();
            let page = engine.search_results(&Query {
                limit: 20,
                ..Query::new(q)
            })?;
            engine_us.push(start.elapsed().as_secs_f64() * 1e6);
            std::hint::black_box(page);
            let start = Instant::now();
            let page = cat.search(ffi_query(q))?;
            ffi_us.push(start.elapsed().as_secs_f64() * 1e6);
            std::hint::black_box(page);
        }
    }
    report("Rust: core engine search_results", engine_us);
    report("Rust: orientation_ffi Catalogue::search", ffi_us);

    // Favourites among the very items the queries return, so every page has stars to draw.
    let favs = app.favourites()?;
    let mut added = 0;
    'fill: for q in QUERIES {
        for item in cat.search(ffi_query(q))?.items {
            favs.add(item.id, None, None)?;
            added += 1;
            if added == 200 {
                break 'fill;
            }
        }
    }
    // Counted from the store: an item two queries find is one favourite.
    let kept = favs.list(Default::default())?.len();
    let mut starred_us = Vec::new();
    let mut stars = 0;
    for _ in 0..rounds {
        for q in QUERIES {
            let start = Instant::now();
            let page = cat.search(ffi_query(q))?;
            starred_us.push(start.elapsed().as_secs_f64() * 1e6);
            stars += page.items.iter().filter(|i| i.is_favourite).count();
        }
    }
    report(
        &format!("Rust: Catalogue::search, {kept} favourites"),
        starred_us,
    );
    println!(
        "  ({:.1} stars a page on average)",
        stars as f64 / (rounds * QUERIES.len()) as f64
    );
    Ok(())
}
