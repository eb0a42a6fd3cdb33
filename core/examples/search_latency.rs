//! Quick per-keystroke latency of our engine on a built catalogue, for profiling:
//! `cargo run --release -p orientation-core --example search_latency -- CATALOGUE.db [QUERIES.tsv] [as-typed]`
//! (`as-typed`: no place read among the words, to measure what the reading costs).

use orientation_core::catalogue::Catalogue;
use orientation_core::search::Query;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let db = args.get(1).ok_or("catalogue path missing")?;
    let t = Instant::now();
    let cat = Catalogue::open(std::path::Path::new(db))?;
    let opened = t.elapsed();
    let engine = cat.engine()?;
    let loaded = t.elapsed();
    let t_places = Instant::now();
    let places = orientation_core::territory::Gazetteer::load(cat.conn())?;
    println!(
        "communes for the query reading read again on their own: {:.1} ms",
        t_places.elapsed().as_secs_f64() * 1e3
    );
    drop(places);
    // The index alone, streamed from its blob as `Catalogue::engine` does (the communes apart, above).
    let t_index = Instant::now();
    let blob = cat
        .conn()
        .blob_open(rusqlite::MAIN_DB, "search_engine", "data", 1, true)?;
    let size = blob.len();
    let index = orientation_core::search::engine::Engine::read_from(blob, size)?;
    println!(
        "index of {:.2} MB read on its own: {:.1} ms",
        size as f64 / 1e6,
        t_index.elapsed().as_secs_f64() * 1e3
    );
    drop(index);
    let first = engine.search(&Query::new("boulanger".to_string()))?;
    println!(
        "open {:.1} ms + load index {:.1} ms + first search {:.2} ms = {:.1} ms to the first result ({} hits)",
        opened.as_secs_f64() * 1e3,
        (loaded - opened).as_secs_f64() * 1e3,
        (t.elapsed() - loaded).as_secs_f64() * 1e3,
        t.elapsed().as_secs_f64() * 1e3,
        first.len()
    );
    let file = args
        .get(2)
        .map(String::as_str)
        .unwrap_or("data/search/eval/everyday.tsv");
    let text = std::fs::read_to_string(file)?;
    let queries: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| l.split('\t').next())
        .collect();
    let as_typed = args.get(3).is_some_and(|a| a == "as-typed");
    let mut times = Vec::new();
    for _ in 0..1 {
        for q in &queries {
            let chars: Vec<char> = q.chars().collect();
            for i in 1..=chars.len() {
                let prefix: String = chars[..i].iter().collect();
                let mut query = Query::new(prefix);
                query.read_place = !as_typed;
                let t = Instant::now();
                let hits = engine.search(&query)?;
                times.push((t.elapsed().as_secs_f64() * 1e6, i, q.to_string()));
                std::hint::black_box(hits);
            }
        }
    }
    times.sort_by(|a, b| a.0.total_cmp(&b.0));
    let p = |q: f64| times[((times.len() as f64 - 1.0) * q) as usize].0;
    println!(
        "{} keystrokes: p50 {:.0} µs, p90 {:.0} µs, p99 {:.0} µs, max {:.0} µs",
        times.len(),
        p(0.5),
        p(0.9),
        p(0.99),
        times.last().map(|t| t.0).unwrap_or(0.0)
    );
    // The peak resident memory of this whole session: open, load, every keystroke (Linux only).
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM")) {
            println!(
                "peak memory of the session: {}",
                line.trim_start_matches("VmHWM:").trim()
            );
        }
    }
    for (us, i, q) in times.iter().rev().take(8) {
        let prefix: String = q.chars().take(*i).collect();
        println!("  {us:>8.0} µs  « {prefix} »");
    }
    Ok(())
}
