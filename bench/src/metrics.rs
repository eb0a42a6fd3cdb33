//! Ranking metrics. A query is found at rank r when the r-th JOB result's ROME code is acceptable;
//! results of other kinds (trainings, places, aids) are skipped, so they neither help nor hurt.

use orientation_core::search::{Hit, Kind};
use serde::Serialize;

/// Only the first `DEPTH` job results count (MRR@10).
pub const DEPTH: usize = 10;

/// 1-based rank of the first acceptable job result among the first `depth` job results.
pub fn job_rank(hits: &[Hit], acceptable: &[String], depth: usize) -> Option<usize> {
    hits.iter()
        .filter(|h| h.kind == Kind::Job)
        .take(depth)
        .position(|h| {
            h.rome
                .as_deref()
                .is_some_and(|r| acceptable.iter().any(|a| a == r))
        })
        .map(|i| i + 1)
}

/// The first job result, for showing what came instead of the expected fiche.
pub fn first_job(hits: &[Hit]) -> Option<&Hit> {
    hits.iter().find(|h| h.kind == Kind::Job)
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Scores {
    pub queries: usize,
    pub top1: usize,
    pub top5: usize,
    /// Sum of reciprocal ranks (0 when not found in the first `DEPTH`).
    pub rr_sum: f64,
}

impl Scores {
    pub fn add(&mut self, rank: Option<usize>) {
        self.queries += 1;
        if let Some(r) = rank.filter(|r| *r >= 1 && *r <= DEPTH) {
            if r == 1 {
                self.top1 += 1;
            }
            if r <= 5 {
                self.top5 += 1;
            }
            self.rr_sum += 1.0 / r as f64;
        }
    }

    pub fn merge(&mut self, other: &Scores) {
        self.queries += other.queries;
        self.top1 += other.top1;
        self.top5 += other.top5;
        self.rr_sum += other.rr_sum;
    }

    fn ratio(&self, n: f64) -> f64 {
        if self.queries == 0 {
            0.0
        } else {
            n / self.queries as f64
        }
    }
    pub fn top1_rate(&self) -> f64 {
        self.ratio(self.top1 as f64)
    }
    pub fn top5_rate(&self) -> f64 {
        self.ratio(self.top5 as f64)
    }
    pub fn mrr(&self) -> f64 {
        self.ratio(self.rr_sum)
    }

    pub fn rates(&self) -> Rates {
        Rates {
            queries: self.queries,
            top1: self.top1_rate(),
            top5: self.top5_rate(),
            mrr10: self.mrr(),
        }
    }
}

/// The figures as fractions, for the JSON output.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Rates {
    pub queries: usize,
    pub top1: f64,
    pub top5: f64,
    pub mrr10: f64,
}

/// Latency summary in microseconds: nearest-rank percentiles.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Latency {
    pub n: usize,
    pub p50_us: f64,
    pub p99_us: f64,
    pub max_us: f64,
}

pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub fn latency(samples_us: &[f64]) -> Latency {
    let mut s = samples_us.to_vec();
    s.sort_by(f64::total_cmp);
    Latency {
        n: s.len(),
        p50_us: percentile(&s, 50.0),
        p99_us: percentile(&s, 99.0),
        max_us: s.last().copied().unwrap_or(0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(kind: Kind, rome: Option<&str>) -> Hit {
        Hit {
            kind,
            id: rome.unwrap_or("x").to_string(),
            title: String::new(),
            subtitle: None,
            rome: rome.map(str::to_string),
            score: 0.0,
            distance_km: None,
            location: None,
            badges: Vec::new(),
        }
    }

    fn codes(c: &[&str]) -> Vec<String> {
        c.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn rank_counts_only_job_results() {
        let hits = vec![
            hit(Kind::Training, None),
            hit(Kind::Job, Some("D1104")),
            hit(Kind::Place, None),
            hit(Kind::Job, Some("D1102")),
        ];
        assert_eq!(job_rank(&hits, &codes(&["D1102"]), DEPTH), Some(2));
        assert_eq!(job_rank(&hits, &codes(&["D1104", "D1102"]), DEPTH), Some(1));
        assert_eq!(job_rank(&hits, &codes(&["A1101"]), DEPTH), None);
        assert_eq!(job_rank(&[], &codes(&["A1101"]), DEPTH), None);
        // Beyond the depth it is a miss even if present.
        assert_eq!(job_rank(&hits, &codes(&["D1102"]), 1), None);
        assert_eq!(
            first_job(&hits).and_then(|h| h.rome.as_deref()),
            Some("D1104")
        );
    }

    #[test]
    fn top_k_and_mrr_on_hand_made_rankings() {
        let mut s = Scores::default();
        // Ranks 1, 2, 5, 6, not found: top-1 = 1/5, top-5 = 3/5,
        // MRR = (1 + 1/2 + 1/5 + 1/6 + 0) / 5 = 1.8667 / 5.
        for r in [Some(1), Some(2), Some(5), Some(6), None] {
            s.add(r);
        }
        assert_eq!(s.queries, 5);
        assert_eq!(s.top1, 1);
        assert_eq!(s.top5, 3);
        assert!((s.top1_rate() - 0.2).abs() < 1e-12);
        assert!((s.top5_rate() - 0.6).abs() < 1e-12);
        let expected = (1.0 + 0.5 + 0.2 + 1.0 / 6.0) / 5.0;
        assert!((s.mrr() - expected).abs() < 1e-12);
        // Rank 11 is outside MRR@10.
        let mut t = Scores::default();
        t.add(Some(11));
        assert_eq!(t.mrr(), 0.0);
        let mut all = s.clone();
        all.merge(&t);
        assert_eq!(all.queries, 6);
        assert!((all.mrr() - expected * 5.0 / 6.0).abs() < 1e-12);
        assert_eq!(Scores::default().mrr(), 0.0);
    }

    #[test]
    fn percentiles_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        let l = latency(&v);
        assert_eq!(
            (l.n, l.p50_us, l.p99_us, l.max_us),
            (100, 50.0, 99.0, 100.0)
        );
        let l = latency(&[3.0, 1.0, 2.0]);
        assert_eq!((l.p50_us, l.p99_us, l.max_us), (2.0, 3.0, 3.0));
        assert_eq!(latency(&[]).max_us, 0.0);
    }
}
