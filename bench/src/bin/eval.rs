//! Search-quality evaluation: top-1, top-5 and MRR@10 of our engine, plain FTS5 and Tantivy on the
//! labelled query sets of data/search/eval/, all on the same documents and queries.
//!
//!     scripts/eval [--json FILE] [--rebuild] [--data DIR] [--worst N] [SET.tsv ...]

use orientation_bench::catalogue;
use orientation_bench::engines::{Fts, Ours, SearchEngine};
use orientation_bench::metrics::{first_job, job_rank, Rates, Scores, DEPTH};
use orientation_bench::sets::{self, QuerySet};
use orientation_bench::tantivy_engine::TantivyEngine;
use orientation_bench::{Error, Result};
use orientation_core::catalogue::index;
use orientation_core::search::engine::Engine;
use orientation_core::search::Kind;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::time::Instant;

struct Args {
    files: Vec<PathBuf>,
    /// Sets of queries with a place or an intent (issue 10), under an `understood` folder.
    understood: Vec<PathBuf>,
    json: Option<PathBuf>,
    rebuild: bool,
    data: PathBuf,
    db: PathBuf,
    worst: usize,
    /// Whose worst misses to list (ours by default).
    misses_of: String,
}

const USAGE: &str = "usage : eval [--json FICHIER] [--rebuild] [--data DOSSIER] [--db FICHIER] [--worst N] [--misses nôtre|fts5|tantivy] [JEU.tsv ...]";

fn parse_args() -> Result<Args> {
    let mut a = Args {
        files: Vec::new(),
        understood: Vec::new(),
        json: None,
        rebuild: false,
        data: orientation_bench::default_data_dir(),
        db: catalogue::default_path(),
        worst: 10,
        misses_of: "nôtre".into(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut val = |name: &str| {
            it.next()
                .ok_or_else(|| Error::Usage(format!("{name} attend une valeur\n{USAGE}")))
        };
        match arg.as_str() {
            "--json" => a.json = Some(PathBuf::from(val("--json")?)),
            "--data" => a.data = PathBuf::from(val("--data")?),
            "--db" => a.db = PathBuf::from(val("--db")?),
            "--rebuild" => a.rebuild = true,
            "--misses" => {
                a.misses_of = match val("--misses")?.as_str() {
                    "ours" | "notre" | "nôtre" => "nôtre".into(),
                    "fts5" | "fts" => "fts5".into(),
                    "tantivy" => "tantivy".into(),
                    other => {
                        return Err(Error::Usage(format!(
                            "--misses : moteur inconnu « {other} » (nôtre, fts5, tantivy)"
                        )))
                    }
                }
            }
            "--worst" => {
                a.worst = val("--worst")?
                    .parse()
                    .map_err(|_| Error::Usage("--worst : nombre attendu".into()))?
            }
            "-h" | "--help" => return Err(Error::Usage(USAGE.into())),
            s if s.starts_with("--") => {
                return Err(Error::Usage(format!("option inconnue : {s}\n{USAGE}")))
            }
            file if std::path::Path::new(file)
                .components()
                .any(|c| c.as_os_str() == "understood") =>
            {
                a.understood.push(PathBuf::from(file))
            }
            file => a.files.push(PathBuf::from(file)),
        }
    }
    if a.files.is_empty() && a.understood.is_empty() {
        a.files = sets::list(&a.data.join("search/eval"))?;
        a.understood = orientation_bench::understood::list(&a.data.join("search/eval/understood"));
    }
    Ok(a)
}

#[derive(Serialize)]
struct Miss {
    query: String,
    expected: Vec<String>,
    rank: Option<usize>,
    first: Option<String>,
}

#[derive(Serialize)]
struct SetResult {
    set: String,
    queries: usize,
    /// engine → counts
    #[serde(skip)]
    scores: BTreeMap<String, Scores>,
    /// engine → top-1, top-5, MRR@10
    rates: BTreeMap<String, Rates>,
    /// The worst misses of the engine chosen with --misses (ours by default).
    worst: Vec<Miss>,
}

#[derive(Serialize)]
struct Output {
    catalogue: String,
    documents: usize,
    job_documents: usize,
    depth: usize,
    note: &'static str,
    sets: Vec<SetResult>,
    all: BTreeMap<String, Rates>,
    seconds: f64,
}

const NOTE: &str =
    "rang = position parmi les résultats de type métier (les résultats d'autres types \
                    sont ignorés pour le classement) ; requêtes lancées avec kind=job, limit=10";

fn main() {
    if let Err(e) = run() {
        eprintln!("erreur : {e}");
        std::process::exit(1);
    }
}

fn pct(x: f64) -> String {
    format!("{:5.1} %", x * 100.0)
}

fn run() -> Result<()> {
    let start = Instant::now();
    let args = parse_args()?;
    let mut loaded: Vec<QuerySet> = Vec::new();
    for f in &args.files {
        let set = sets::load(f)?;
        for (line, reason) in &set.problems {
            eprintln!("attention : {}:{line} ignorée : {reason}", f.display());
        }
        loaded.push(set);
    }

    let (cat, note) = catalogue::open_or_build(&args.db, &args.data, args.rebuild)?;
    println!("{note}");
    let conn = cat.conn();
    let jobs: HashSet<String> = {
        let mut st = conn.prepare("SELECT code_rome FROM job")?;
        let rows = st.query_map([], |r| r.get::<_, String>(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    if jobs.is_empty() {
        return Err(Error::Usage(
            "le catalogue ne contient aucun métier : l'import ROME a-t-il tourné ?".into(),
        ));
    }
    for set in &loaded {
        for q in &set.queries {
            for c in q.acceptable.iter().filter(|c| !jobs.contains(*c)) {
                eprintln!(
                    "attention : {}:{} code {c} absent du catalogue",
                    set.path.display(),
                    q.line
                );
            }
        }
    }

    let t = Instant::now();
    let docs = index::collect(conn)?;
    let job_docs = docs.iter().filter(|d| d.kind == "job").count();
    println!(
        "{} documents ({} de type métier) lus en {:.2} s",
        docs.len(),
        job_docs,
        t.elapsed().as_secs_f64()
    );
    let neighbours = catalogue::saved_neighbours(&cat)?;
    let t = Instant::now();
    let ours = Ours(catalogue::ours_over(&neighbours, &docs));
    // Issue 10: the engine reads places among the words, as the app's does.
    ours.0
        .set_places(orientation_core::territory::Gazetteer::load(conn)?);
    println!(
        "moteur nôtre construit en {:.2} s",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    // One indexing thread: document order, hence tie order, is then the same on every run.
    let tantivy = TantivyEngine::build(&docs, 1)?;
    println!(
        "index Tantivy construit en {:.2} s ({} segments)",
        t.elapsed().as_secs_f64(),
        tantivy.segments()
    );
    let t = Instant::now();
    let fts_dir = tempfile::tempdir().map_err(|e| Error::io("tempdir", e))?;
    let fts_conn = orientation_bench::fts::build(&fts_dir.path().join("fts.db"), &docs)?;
    println!("index FTS5 construit en {:.2} s", t.elapsed().as_secs_f64());
    let fts = Fts(&fts_conn);
    let engines: [&dyn SearchEngine; 3] = [&ours, &fts, &tantivy];

    let mut results = Vec::new();
    let mut all: BTreeMap<String, Scores> = BTreeMap::new();
    for set in &loaded {
        let mut scores: BTreeMap<String, Scores> = BTreeMap::new();
        let mut misses: Vec<(usize, Miss)> = Vec::new();
        for (i, q) in set.queries.iter().enumerate() {
            for e in engines {
                let hits = e.search(&q.query, Some(Kind::Job), DEPTH)?;
                let rank = job_rank(&hits, &q.acceptable, DEPTH);
                scores.entry(e.name().to_string()).or_default().add(rank);
                if e.name() == args.misses_of && rank != Some(1) {
                    misses.push((
                        i,
                        Miss {
                            query: q.query.clone(),
                            expected: q.acceptable.clone(),
                            rank,
                            first: first_job(&hits).map(|h| {
                                format!("{} {}", h.rome.as_deref().unwrap_or("?"), h.title)
                            }),
                        },
                    ));
                }
            }
        }
        // Worst first: not found, then the deepest ranks; file order breaks ties.
        misses.sort_by_key(|(i, m)| (std::cmp::Reverse(m.rank.unwrap_or(usize::MAX)), *i));
        for (name, s) in &scores {
            all.entry(name.clone()).or_default().merge(s);
        }
        results.push(SetResult {
            set: set.name.clone(),
            queries: set.queries.len(),
            rates: scores.iter().map(|(k, s)| (k.clone(), s.rates())).collect(),
            scores,
            worst: misses
                .into_iter()
                .take(args.worst)
                .map(|(_, m)| m)
                .collect(),
        });
    }

    println!();
    println!("Évaluation de la recherche de métiers — {NOTE}.");
    println!(
        "{:<22} {:>8}  {:<8} {:>8} {:>8} {:>8}",
        "jeu", "requêtes", "moteur", "top-1", "top-5", "MRR@10"
    );
    let order = [ours.name(), fts.name(), tantivy.name()];
    let print_block = |name: &str, n: usize, scores: &BTreeMap<String, Scores>| {
        for (k, e) in order.iter().enumerate() {
            if let Some(s) = scores.get(*e) {
                let (label, count) = if k == 0 {
                    (name.to_string(), n.to_string())
                } else {
                    (String::new(), String::new())
                };
                println!(
                    "{:<22} {:>8}  {:<8} {:>8} {:>8} {:>8.3}",
                    label,
                    count,
                    e,
                    pct(s.top1_rate()),
                    pct(s.top5_rate()),
                    s.mrr()
                );
            }
        }
    };
    for r in &results {
        print_block(&r.set, r.queries, &r.scores);
    }
    let total: usize = results.iter().map(|r| r.queries).sum();
    print_block("TOUS", total, &all);

    for r in &results {
        if r.worst.is_empty() {
            continue;
        }
        println!();
        println!(
            "{} : les {} pires requêtes pour le moteur {} (rang, requête → attendu ; premier métier proposé)",
            r.set,
            r.worst.len(),
            args.misses_of
        );
        for m in &r.worst {
            let rank = m.rank.map_or("absent".to_string(), |r| format!("rang {r}"));
            let mut expected = m.expected.join(" ");
            if expected.len() > 40 {
                expected = format!("{}…", &expected[..35]);
            }
            println!(
                "  {:<9} « {} » → {} ; {}",
                rank,
                m.query,
                expected,
                m.first.as_deref().unwrap_or("(aucun résultat)")
            );
        }
    }
    understood_sets(&args, &ours.0, &docs, conn)?;
    let seconds = start.elapsed().as_secs_f64();
    println!();
    println!("durée totale : {seconds:.1} s");

    if let Some(path) = &args.json {
        let out = Output {
            catalogue: args.db.display().to_string(),
            documents: docs.len(),
            job_documents: job_docs,
            depth: DEPTH,
            note: NOTE,
            sets: results,
            all: all.iter().map(|(k, s)| (k.clone(), s.rates())).collect(),
            seconds,
        };
        let text = serde_json::to_string_pretty(&out)?;
        std::fs::write(path, text).map_err(|e| Error::io(path, e))?;
        println!("résultats JSON écrits dans {}", path.display());
    }
    Ok(())
}

/// Issue 10 §4: the queries that carry a place or an intent (data/search/eval/understood/), ours
/// only (the baselines read no place), every kind, 10 results.
fn understood_sets(
    args: &Args,
    engine: &Engine,
    docs: &[orientation_core::search::doc::Doc],
    conn: &rusqlite::Connection,
) -> Result<()> {
    use orientation_bench::understood;
    use orientation_core::territory::Point;
    let files = &args.understood;
    if files.is_empty() {
        return Ok(());
    }
    let points: std::collections::HashMap<String, Point> = docs
        .iter()
        .filter_map(|d| {
            Some((
                d.id.clone(),
                Point {
                    lat: d.lat?,
                    lon: d.lon?,
                },
            ))
        })
        .collect();
    let mut communes = std::collections::HashMap::new();
    {
        let mut st = conn.prepare(
            "SELECT insee, avg(lat), avg(lon) FROM commune WHERE lat IS NOT NULL GROUP BY insee",
        )?;
        let rows = st.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, f64>(1)?,
                r.get::<_, f64>(2)?,
            ))
        })?;
        for row in rows {
            let (insee, lat, lon) = row?;
            communes.insert(insee, Point { lat, lon });
        }
    }
    for f in files {
        let set = understood::load(f)?;
        for (line, reason) in &set.problems {
            eprintln!("attention : {}:{line} ignorée : {reason}", f.display());
        }
        let (fig, outcomes) = understood::evaluate(engine, &set, &points, &communes)?;
        let n = fig.queries.max(1) as f64;
        println!();
        println!(
            "Lieux et intentions ({}, {} requêtes ; tous types, 10 résultats ; juste = le bon type, la bonne chose, à {} km ou moins du bon lieu quand l'étiquette le demande)",
            set.name,
            fig.queries,
            understood::WITHIN_KM
        );
        println!(
            "  top-1 {}   top-5 {}   lieu compris {}   intention comprise {}",
            pct(fig.top1 as f64 / n),
            pct(fig.top5 as f64 / n),
            pct(fig.place_ok as f64 / n),
            pct(fig.intent_ok as f64 / n)
        );
        let mut misses: Vec<&understood::Outcome> = outcomes
            .iter()
            .filter(|o| o.rank.is_none_or(|r| r > 5) || !o.place_ok || !o.intent_ok)
            .collect();
        misses.truncate(args.worst.max(10));
        for o in misses {
            println!(
                "  {:<7} lieu {} intention {}  « {} » (lieu lu : {}) ; premier : {}",
                o.rank.map_or("absent".into(), |r| format!("rang {r}")),
                if o.place_ok { "ok " } else { "NON" },
                if o.intent_ok { "ok " } else { "NON" },
                o.query,
                o.near,
                o.first
            );
        }
    }
    Ok(())
}
