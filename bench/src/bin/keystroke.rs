//! Per-keystroke latency of our engine, plain FTS5 and Tantivy: every query of the labelled sets is
//! typed character by character and each prefix is searched (all kinds, 10 results), on (1) the real
//! catalogue and (2) a catalogue scaled to 1,000,000 documents synthesised from the real ones (see
//! orientation_bench::synth). Also prints the peak memory of our engine and the cold time to a first
//! result. Deterministic: query samples and the synthetic catalogue come from a seeded generator;
//! bounded: each engine stops measuring a catalogue once its time budget is spent.
//!
//!     scripts/bench [--quick] [--seed N] [--docs N] [--budget SECONDS] [--rebuild]

use orientation_bench::catalogue;
use orientation_bench::engines::{Fts, Ours, SearchEngine};
use orientation_bench::fts::{self, search_fts};
use orientation_bench::mem;
use orientation_bench::metrics::{latency, Latency};
use orientation_bench::rng::Rng;
use orientation_bench::sets;
use orientation_bench::synth;
use orientation_bench::tantivy_engine::TantivyEngine;
use orientation_bench::{Error, Result};
use orientation_core::catalogue::index;
use orientation_core::catalogue::Catalogue;
use orientation_core::search::doc::Doc;
use orientation_core::search::Query;
use std::path::PathBuf;
use std::time::{Duration, Instant};

const USAGE: &str =
    "usage : keystroke [--quick] [--seed N] [--docs N] [--budget SECONDES] [--rebuild] [--data DOSSIER]";
/// First searches of each engine on each catalogue are not measured: they pay one-time costs
/// (statement preparation, lazy loading) that the cold-start figure reports instead.
const WARMUP: usize = 10;
const LIMIT: usize = 10;

struct Args {
    quick: bool,
    seed: u64,
    docs: usize,
    budget: Duration,
    rebuild: bool,
    data: PathBuf,
    db: PathBuf,
    /// Queries typed on the real catalogue (None = all) and on the scaled one.
    real_queries: Option<usize>,
    scaled_queries: usize,
}

fn parse_args() -> Result<Args> {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let quick = raw.iter().any(|a| a == "--quick");
    let mut a = Args {
        quick,
        seed: 20_240_601,
        docs: if quick { 100_000 } else { 1_000_000 },
        budget: Duration::from_secs(if quick { 10 } else { 90 }),
        rebuild: false,
        data: orientation_bench::default_data_dir(),
        db: catalogue::default_path(),
        real_queries: if quick { Some(40) } else { None },
        scaled_queries: if quick { 25 } else { 120 },
    };
    let mut it = raw.into_iter();
    while let Some(arg) = it.next() {
        let mut num = |name: &str| -> Result<u64> {
            it.next()
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| Error::Usage(format!("{name} : nombre attendu\n{USAGE}")))
        };
        match arg.as_str() {
            "--quick" => {}
            "--rebuild" => a.rebuild = true,
            "--seed" => a.seed = num("--seed")?,
            "--docs" => a.docs = num("--docs")? as usize,
            "--budget" => a.budget = Duration::from_secs(num("--budget")?),
            "--data" => {
                a.data =
                    PathBuf::from(it.next().ok_or_else(|| {
                        Error::Usage(format!("--data attend un dossier\n{USAGE}"))
                    })?)
            }
            _ => return Err(Error::Usage(format!("option inconnue : {arg}\n{USAGE}"))),
        }
    }
    Ok(a)
}

/// Every prefix as typed: "bou" → "b", "bo", "bou" (spaces included: they are keystrokes too).
fn keystrokes(query: &str) -> Vec<String> {
    query
        .char_indices()
        .map(|(i, c)| query[..i + c.len_utf8()].to_string())
        .collect()
}

/// A seeded random order of the queries (all of them, or the first `n`), so that when a time budget
/// stops an engine early, what it measured is a random subset of the queries, each typed in full,
/// and a slower engine's subset is the start of a faster one's.
fn sample(queries: &[String], n: Option<usize>, rng: &mut Rng) -> Vec<String> {
    let mut q = queries.to_vec();
    rng.shuffle(&mut q);
    if let Some(n) = n {
        q.truncate(n);
    }
    q
}

struct Run {
    engine: &'static str,
    build: Option<Duration>,
    lat: Latency,
    planned: usize,
    stopped: bool,
}

fn measure(
    e: &dyn SearchEngine,
    prefixes: &[String],
    budget: Duration,
    build: Option<Duration>,
) -> Result<Run> {
    for p in prefixes.iter().take(WARMUP) {
        e.search(p, None, LIMIT)?;
    }
    let mut samples = Vec::with_capacity(prefixes.len());
    let start = Instant::now();
    let mut stopped = false;
    for p in prefixes {
        if start.elapsed() > budget {
            stopped = true;
            break;
        }
        let t = Instant::now();
        let hits = e.search(p, None, LIMIT)?;
        samples.push(t.elapsed().as_secs_f64() * 1e6);
        std::hint::black_box(hits);
    }
    Ok(Run {
        engine: e.name(),
        build,
        lat: latency(&samples),
        planned: prefixes.len(),
        stopped,
    })
}

fn ms(us: f64) -> String {
    format!("{:.3} ms", us / 1000.0)
}

fn print_runs(runs: &[Run], budget: Duration) {
    println!(
        "  {:<8} {:>8} {:>11} {:>11} {:>11}  {:>12}",
        "moteur", "frappes", "p50", "p99", "max", "construction"
    );
    for r in runs {
        let stop = if r.stopped {
            format!(
                "  (budget de {} s atteint : {} frappes sur {})",
                budget.as_secs(),
                r.lat.n,
                r.planned
            )
        } else {
            String::new()
        };
        println!(
            "  {:<8} {:>8} {:>11} {:>11} {:>11}  {:>12}{stop}",
            r.engine,
            r.lat.n,
            ms(r.lat.p50_us),
            ms(r.lat.p99_us),
            ms(r.lat.max_us),
            r.build
                .map(|d| format!("{:.2} s", d.as_secs_f64()))
                .unwrap_or_else(|| "—".into()),
        );
    }
}

fn first_query(queries: &[String]) -> Query {
    let mut q = Query::new(queries.first().map(String::as_str).unwrap_or("boulanger"));
    q.limit = LIMIT;
    q
}

fn main() {
    if let Err(e) = run() {
        eprintln!("erreur : {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let start = Instant::now();
    let args = parse_args()?;
    let mut rng = Rng::new(args.seed);

    let mut queries: Vec<String> = Vec::new();
    for f in sets::list(&args.data.join("search/eval"))? {
        for q in sets::load(&f)?.queries {
            if !queries.contains(&q.query) {
                queries.push(q.query);
            }
        }
    }
    if queries.is_empty() {
        return Err(Error::Usage("aucune requête dans data/search/eval".into()));
    }
    let real_q = sample(&queries, args.real_queries, &mut rng);
    let scaled_q = sample(&queries, Some(args.scaled_queries), &mut rng);
    let real_p: Vec<String> = real_q.iter().flat_map(|q| keystrokes(q)).collect();
    let scaled_p: Vec<String> = scaled_q.iter().flat_map(|q| keystrokes(q)).collect();

    println!(
        "Latence par frappe{} — chaque requête des jeux data/search/eval tapée caractère par caractère, \
         une recherche par préfixe (tous types, {LIMIT} résultats) ; les {WARMUP} premières recherches \
         de chaque moteur ne sont pas mesurées ; graine {} ; budget {} s par moteur et par catalogue.",
        if args.quick { " (--quick)" } else { "" },
        args.seed,
        args.budget.as_secs()
    );

    let (cat, note) = catalogue::open_or_build(&args.db, &args.data, args.rebuild)?;
    println!("{note}");
    drop(cat);

    // Cold start, each engine from a closed catalogue to its first result (disk cache warm).
    let fq = first_query(&real_q);
    let t = Instant::now();
    // Ours loads the index saved with the catalogue.
    let cat = Catalogue::open(&args.db)?;
    let engine = cat.engine()?;
    let hits = engine.search(&fq)?;
    let cold_ours = t.elapsed();
    std::hint::black_box(hits);
    drop((engine, cat));
    // FTS5 opens the baseline index the bench built beside the catalogue (the catalogue has none).
    let fts_dir = tempfile::tempdir().map_err(|e| Error::io("tempdir", e))?;
    let fts_path = fts_dir.path().join("fts.db");
    {
        let cat = Catalogue::open(&args.db)?;
        drop(fts::build(&fts_path, &index::collect(cat.conn())?)?);
    }
    let t = Instant::now();
    let fts_conn = rusqlite::Connection::open(&fts_path)?;
    let hits = search_fts(&fts_conn, &fq)?;
    let cold_fts = t.elapsed();
    std::hint::black_box(hits);
    let t = Instant::now();
    let cat = Catalogue::open(&args.db)?;
    let docs = index::collect(cat.conn())?;
    let tv = TantivyEngine::build(&docs, 2)?;
    let hits = tv.search(&fq.text, None, LIMIT)?;
    let cold_tv = t.elapsed();
    std::hint::black_box(hits);
    drop((tv, docs, cat));

    // (1) The real catalogue.
    let cat = Catalogue::open(&args.db)?;
    let docs = index::collect(cat.conn())?;
    let neighbours = catalogue::saved_neighbours(&cat)?;
    println!();
    println!(
        "(1) catalogue réel : {} documents, {} requêtes, {} frappes",
        docs.len(),
        real_q.len(),
        real_p.len()
    );
    let rss_before = mem::vm_rss_kb();
    let reset = mem::reset_hwm();
    let t = Instant::now();
    let ours = Ours(catalogue::ours_over(&neighbours, &docs));
    // Issue 10: the engine reads places among the words, as the app's does (communes read once).
    ours.0
        .set_places(orientation_core::territory::Gazetteer::load(cat.conn())?);
    let ours_build = t.elapsed();
    let mut runs = vec![measure(&ours, &real_p, args.budget, Some(ours_build))?];
    let hwm_real = mem::vm_hwm_kb();
    drop(ours);
    runs.push(measure(&Fts(&fts_conn), &real_p, args.budget, None)?);
    let t = Instant::now();
    let tv = TantivyEngine::build(&docs, 2)?;
    let tv_build = t.elapsed();
    runs.push(measure(&tv, &real_p, args.budget, Some(tv_build))?);
    drop(tv);
    print_runs(&runs, args.budget);
    println!(
        "  démarrage à froid (ouverture du catalogue + chargement de l'index enregistré (nôtre) ou construction (tantivy) + 1re recherche « {} », cache disque chaud) : \
         nôtre {:.1} ms, fts5 {:.1} ms, tantivy {:.1} ms",
        fq.text,
        cold_ours.as_secs_f64() * 1e3,
        cold_fts.as_secs_f64() * 1e3,
        cold_tv.as_secs_f64() * 1e3
    );
    println!(
        "  mémoire, moteur nôtre : pic (VmHWM) {} après construction et recherches{} ; RSS avant construction {}",
        mem::fmt_kb(hwm_real),
        if reset { "" } else { " (pic de tout le processus : remise à zéro refusée)" },
        mem::fmt_kb(rss_before)
    );

    // (2) The scaled catalogue.
    let t = Instant::now();
    let communes = synth::load_communes(&args.data)?;
    let (skills, domains) = synth::load_phrases(cat.conn())?;
    let big: Vec<Doc> = synth::scale(&docs, args.docs, &communes, &skills, &domains, args.seed);
    let synth_time = t.elapsed();
    let real_count = docs.len().min(big.len());
    let big_places = orientation_core::territory::Gazetteer::load(cat.conn())?;
    drop((docs, cat));
    println!();
    println!(
        "(2) catalogue synthétique : {} documents ({} réels + copies « titre réel – commune réelle » de type formation, \
         corps = compétence ROME réelle ; domaine ROME réel ; début du corps réel ; {} communes, {} compétences, {} domaines ; \
         synthèse {:.1} s), {} requêtes, {} frappes",
        big.len(),
        real_count,
        communes.len(),
        skills.len(),
        domains.len(),
        synth_time.as_secs_f64(),
        scaled_q.len(),
        scaled_p.len()
    );
    let mut runs = Vec::new();
    let sq = first_query(&scaled_q);
    let rss_before = mem::vm_rss_kb();
    let reset = mem::reset_hwm();
    let t = Instant::now();
    let ours = Ours(catalogue::ours_over(&neighbours, &big));
    ours.0.set_places(big_places);
    let ours_build = t.elapsed();
    let first = Instant::now();
    std::hint::black_box(ours.0.search(&sq)?);
    let cold_ours = ours_build + first.elapsed();
    runs.push(measure(&ours, &scaled_p, args.budget, Some(ours_build))?);
    let hwm_big = mem::vm_hwm_kb();
    drop(ours);

    let dir = tempfile::tempdir().map_err(|e| Error::io("tempdir", e))?;
    let path = dir.path().join("scaled.db");
    let t = Instant::now();
    drop(fts::build(&path, &big)?);
    let fts_build = t.elapsed();
    let t = Instant::now();
    let conn = orientation_core::db::open_read_only(&path)?;
    std::hint::black_box(search_fts(&conn, &sq)?);
    let cold_fts = t.elapsed();
    runs.push(measure(
        &Fts(&conn),
        &scaled_p,
        args.budget,
        Some(fts_build),
    )?);
    drop(conn);

    let t = Instant::now();
    let tv = TantivyEngine::build(&big, 2)?;
    let tv_build = t.elapsed();
    let first = Instant::now();
    std::hint::black_box(tv.search(&sq.text, None, LIMIT)?);
    let cold_tv = tv_build + first.elapsed();
    let segments = tv.segments();
    runs.push(measure(&tv, &scaled_p, args.budget, Some(tv_build))?);
    drop(tv);
    print_runs(&runs, args.budget);
    println!(
        "  démarrage à froid (construction ou ouverture + 1re recherche, documents déjà en mémoire) : \
         nôtre {:.2} s, fts5 {:.1} ms (SQLite temporaire), tantivy {:.2} s (index en mémoire, {} segments)",
        cold_ours.as_secs_f64(),
        cold_fts.as_secs_f64() * 1e3,
        cold_tv.as_secs_f64(),
        segments
    );
    println!(
        "  mémoire, moteur nôtre : pic (VmHWM) {} après construction et recherches{} ; RSS avant construction {} (documents synthétisés déjà chargés)",
        mem::fmt_kb(hwm_big),
        if reset { "" } else { " (pic de tout le processus)" },
        mem::fmt_kb(rss_before)
    );
    println!();
    println!("durée totale : {:.1} s", start.elapsed().as_secs_f64());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keystrokes_are_every_prefix_including_spaces_and_accents() {
        assert_eq!(keystrokes("é b"), ["é", "é ", "é b"]);
        assert!(keystrokes("").is_empty());
    }

    #[test]
    fn sampling_is_seeded_and_bounded() {
        let q: Vec<String> = (0..30).map(|i| i.to_string()).collect();
        let a = sample(&q, Some(5), &mut Rng::new(1));
        assert_eq!(a, sample(&q, Some(5), &mut Rng::new(1)));
        assert_eq!(a.len(), 5);
        let mut all = sample(&q, None, &mut Rng::new(1));
        assert_ne!(all, q);
        all.sort_by_key(|s| s.parse::<u32>().unwrap());
        assert_eq!(all, q);
        assert_eq!(sample(&q, Some(100), &mut Rng::new(1)).len(), 30);
    }
}
