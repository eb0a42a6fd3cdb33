//! Is-favourite lookup for a page of 50 search results, as a shell draws the stars: p50/p99 over many
//! pages, on user databases of a realistic and of an extreme size. Target: ≤ 0.2 ms per page.
//!
//! cargo run --release -p orientation-core --example bench_favourites [PAGES]

use orientation_core::favourites::{ItemKind, Store};
use std::time::{Duration, Instant};

const PAGE: usize = 50;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn document(n: usize) -> String {
    let favourites: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let (kind, id) = match i % 4 {
                0 => ("job", format!("J{i:04}")),
                1 => ("training", format!("lheo:{i}")),
                2 => ("place", format!("uai:{i:07}X")),
                _ => ("aid", format!("aide-{i}")),
            };
            serde_json::json!({"kind": kind, "id": id, "created_at": 1, "updated_at": 1,
                               "snapshot": {"title": format!("Favori {i}")}})
        })
        .collect();
    serde_json::json!({"format": "orientation-favoris", "version": 1, "exported_at": 0,
                       "favourites": favourites, "saved_searches": []})
    .to_string()
}

fn run(favourites: usize, pages: usize) -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let key = orientation_core::db::crypt::UserKey::generate();
    let store = Store::open(&dir.path().join("user.db"), &key)?;
    store.import_json(document(favourites).as_bytes())?;
    // Pages mixing kinds, about one result in five a favourite, the rest ids nobody saved.
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let all_pages: Vec<Vec<(ItemKind, String)>> = (0..pages)
        .map(|_| {
            (0..PAGE)
                .map(|_| {
                    let r = next();
                    let i = (r >> 8) as usize % favourites;
                    let saved = r % 5 == 0;
                    match i % 4 {
                        0 => (
                            ItemKind::Job,
                            format!("{}{i:04}", if saved { "J" } else { "K" }),
                        ),
                        1 => (
                            ItemKind::Training,
                            format!("lheo:{i}{}", if saved { "" } else { "x" }),
                        ),
                        2 => (
                            ItemKind::Place,
                            format!("uai:{i:07}{}", if saved { "X" } else { "Y" }),
                        ),
                        _ => (
                            ItemKind::Aid,
                            format!("aide-{i}{}", if saved { "" } else { "-z" }),
                        ),
                    }
                })
                .collect()
        })
        .collect();
    let mut times = Vec::with_capacity(pages);
    let mut stars = 0usize;
    for (round, page) in all_pages.iter().enumerate() {
        let refs: Vec<(ItemKind, &str)> = page.iter().map(|(k, id)| (*k, id.as_str())).collect();
        let start = Instant::now();
        let found = store.contains_many(&refs)?;
        let took = start.elapsed();
        // The first pages warm the statement cache and the page cache: not what a user sees later.
        if round >= 20 {
            times.push(took);
        }
        stars += found.iter().filter(|s| **s).count();
    }
    times.sort();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "{favourites:>6} favourites, {} pages of {PAGE}: p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs ({:.0}% starred)",
        times.len(),
        us(percentile(&times, 0.50)),
        us(percentile(&times, 0.99)),
        us(*times.last().unwrap_or(&Duration::ZERO)),
        stars as f64 * 100.0 / (pages * PAGE) as f64
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let pages: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5_000);
    println!("is-favourite lookup per page of {PAGE} results (target ≤ 200 µs)");
    for n in [200, 5_000] {
        run(n, pages)?;
    }
    Ok(())
}
