//! Measures the "Découvrir" quiz on the real catalogue (a bench, not a test: it prints figures).
//!
//! ```sh
//! cargo run --release -p orientation-core --example discover_bench -- [CATALOGUE.db] [--sample N]
//! ```
//! Without a catalogue path, one is built from data/ into a temporary directory first.
//!
//! - Persona recovery: for each ROME fiche (or N drawn at random, fixed seed), a simulated person answers
//!   every question the quiz asks from the fiche's own data (its centres d'intérêt, RIASEC letters, work
//!   contexts: `Quiz::persona_answer`); after 6, 10 and 15 answers, is the fiche's own job family (ROME
//!   parent code) among the top 10 jobs? Also: the fiche itself in the top 10. Then the same with noisy
//!   personas (one answer in five moved one step on the scale, one in ten 'je ne sais pas').
//! - Diversity: 500 random answer sets of 10 answers (questions in the quiz's own order, answers drawn
//!   uniformly from the scale): distinct grands domaines among the top 10.
//! - Latency: one answer → next question + top 10 results, p50 and p99, over the persona runs: wall time,
//!   and the fastest of 5 runs of each step (back, same answer), which other programs sharing the cores
//!   do not inflate.

use orientation_core::catalogue::import::source::DirSource;
use orientation_core::catalogue::Catalogue;
use orientation_core::discover::{Answer, Formality, Quiz, ResultFilters, Session};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// xorshift64*: a fixed, dependency-free sequence so every run draws the same sample.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

const CHECKPOINTS: [usize; 3] = [6, 10, 15];

/// Per checkpoint: how many personas find their family, and their own fiche, in the top 10.
fn recovery(
    quiz: &Arc<Quiz>,
    fiches: &[usize],
    filters: &ResultFilters,
    noisy: bool,
    rng: &mut Rng,
    latencies: &mut Vec<(f64, Option<f64>)>,
) -> ([usize; 3], [usize; 3]) {
    let mut family_hits = [0usize; 3];
    let mut own_hits = [0usize; 3];
    for &j in fiches {
        let job = &quiz.jobs()[j];
        let mut s = Session::new(quiz.clone(), Formality::Tu);
        let mut asked = 0;
        let mut next = s.next_question();
        while let Some(q) = next {
            let qi = quiz.question_index(&q.id).expect("question of the quiz");
            let mut a = quiz.persona_answer(qi, j);
            if noisy {
                // One answer in five moves one step on the scale, one in ten becomes "je ne sais pas".
                a = match (rng.below(10), a) {
                    (0, _) => Answer::NeSaisPas,
                    (1 | 2, Answer::Oui) => Answer::PlutotOui,
                    (1, Answer::PlutotOui) => Answer::Oui,
                    (2, Answer::PlutotOui) => Answer::PlutotNon,
                    (1 | 2, Answer::Non) => Answer::PlutotNon,
                    (_, a) => a,
                };
            }
            let t = Instant::now();
            s.answer(&q.id, a).expect("known question");
            next = s.next_question();
            let mut top = s.results(filters);
            let wall = t.elapsed().as_secs_f64() * 1000.0;
            if !noisy {
                // The same step again 4 times (back, then the same answer): the fastest of the 5 is what
                // the step costs when no other program takes the core meanwhile.
                let mut best = wall;
                for _ in 0..4 {
                    s.back();
                    let t = Instant::now();
                    s.answer(&q.id, a).expect("known question");
                    next = s.next_question();
                    top = s.results(filters);
                    best = best.min(t.elapsed().as_secs_f64() * 1000.0);
                }
                latencies.push((wall, Some(best)));
            }
            asked += 1;
            if let Some(k) = CHECKPOINTS.iter().position(|&c| c == asked) {
                let family = top.iter().any(|r| r.parent_rome == job.parent_rome);
                family_hits[k] += usize::from(family);
                own_hits[k] += usize::from(top.iter().any(|r| r.rome == job.rome));
            }
            if asked >= 15 {
                break;
            }
        }
        // A fiche the quiz could not tell apart before a checkpoint keeps its last ranking.
        for (k, &c) in CHECKPOINTS.iter().enumerate() {
            if asked < c {
                let top = s.results(filters);
                family_hits[k] += usize::from(top.iter().any(|r| r.parent_rome == job.parent_rome));
                own_hits[k] += usize::from(top.iter().any(|r| r.rome == job.rome));
            }
        }
    }
    (family_hits, own_hits)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut sample: Option<usize> = None;
    let mut path: Option<PathBuf> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--sample" => sample = it.next().and_then(|n| n.parse().ok()),
            p => path = Some(PathBuf::from(p)),
        }
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = path.unwrap_or_else(|| dir.path().join("catalogue.db"));
    if !path.exists() {
        eprintln!(
            "Construction du catalogue depuis data/ dans {}…",
            path.display()
        );
        let data = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../data"));
        Catalogue::build(&path, &DirSource(data), &|_: usize, _: usize, _: &str| {})
            .expect("catalogue build");
    }
    let cat = Catalogue::open(&path).expect("open catalogue");
    let start = Instant::now();
    let quiz = Arc::new(Quiz::load(&cat).expect("load quiz"));
    let load_ms = start.elapsed().as_secs_f64() * 1000.0;
    let n_jobs = quiz.jobs().len();
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let mut fiches: Vec<usize> = (0..n_jobs).collect();
    if let Some(n) = sample.filter(|&n| n < n_jobs) {
        for i in 0..n {
            let k = i + rng.below(n_jobs - i);
            fiches.swap(i, k);
        }
        fiches.truncate(n);
    }
    let filters = ResultFilters::default();
    let mut latencies: Vec<(f64, Option<f64>)> = Vec::new();
    println!(
        "Quiz : {} questions, {} fiches ROME, chargé en {load_ms:.0} ms",
        quiz.questions().len(),
        n_jobs
    );
    for noisy in [false, true] {
        let (family, own) = recovery(&quiz, &fiches, &filters, noisy, &mut rng, &mut latencies);
        let label = if noisy {
            "bruitées (1 réponse sur 5 décalée d'un cran, 1 sur 10 « je ne sais pas »)"
        } else {
            "fidèles à leur fiche"
        };
        println!(
            "Retrouver sa famille (code ROME parent dans le top 10), {} personas {label} :",
            fiches.len()
        );
        let n = fiches.len() as f64;
        for (k, c) in CHECKPOINTS.iter().enumerate() {
            println!(
                "  après {c:>2} réponses : famille {:.3}   fiche elle-même {:.3}",
                family[k] as f64 / n,
                own[k] as f64 / n
            );
        }
    }
    // Diversity of random answer sets.
    let mut domains_count: Vec<usize> = Vec::new();
    for _ in 0..500 {
        let mut s = Session::new(quiz.clone(), Formality::Tu);
        for _ in 0..10 {
            let Some(q) = s.next_question() else {
                break;
            };
            let a = Answer::ALL[rng.below(Answer::ALL.len())];
            s.answer(&q.id, a).expect("known question");
        }
        let top = s.results(&filters);
        let distinct: HashSet<Option<String>> =
            top.iter().map(|r| r.grand_domaine.clone()).collect();
        domains_count.push(distinct.len());
    }
    domains_count.sort_unstable();
    let mean = domains_count.iter().sum::<usize>() as f64 / domains_count.len() as f64;
    println!(
        "Diversité (500 jeux de 10 réponses au hasard) : grands domaines distincts dans le top 10 : moyenne {mean:.2}, \
         médiane {}, min {}, max {}",
        domains_count[domains_count.len() / 2],
        domains_count[0],
        domains_count[domains_count.len() - 1]
    );
    let mut wall: Vec<f64> = latencies.iter().map(|l| l.0).collect();
    wall.sort_by(f64::total_cmp);
    println!(
        "Latence réponse → question suivante + top 10 ({} mesures), temps écoulé : p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        wall.len(),
        percentile(&wall, 0.5),
        percentile(&wall, 0.99),
        wall.last().copied().unwrap_or(0.0)
    );
    let mut cpu: Vec<f64> = latencies.iter().filter_map(|l| l.1).collect();
    if !cpu.is_empty() {
        cpu.sort_by(f64::total_cmp);
        println!(
            "  le plus rapide de 5 essais de chaque pas (hors attente d'un cœur) : p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
            percentile(&cpu, 0.5),
            percentile(&cpu, 0.99),
            cpu.last().copied().unwrap_or(0.0)
        );
    }
    println!(
        "Charge de la machine : {}",
        std::fs::read_to_string("/proc/loadavg")
            .unwrap_or_default()
            .trim()
    );
}
