//! Our own search engine (in memory), built from the same documents as the FTS5 index.
//! PLACEHOLDER: a linear scan until the real engine lands; the API is the one the bench and eval use.

use super::index::Doc;
use super::{text, Hit, Kind, Query};
use crate::error::Result;

pub struct Engine {
    docs: Vec<Doc>,
}

impl Engine {
    pub fn build(docs: &[Doc]) -> Engine {
        Engine {
            docs: docs.to_vec(),
        }
    }

    pub fn search(&self, q: &Query) -> Result<Vec<Hit>> {
        let words = text::words(&q.text);
        let mut hits: Vec<Hit> = self
            .docs
            .iter()
            .filter(|d| q.kind.is_none_or(|k| k.as_str() == d.kind))
            .filter_map(|d| {
                let title = text::fold(&d.title);
                let n = words.iter().filter(|w| title.contains(w.as_str())).count();
                (n > 0).then(|| Hit {
                    kind: Kind::parse(d.kind).unwrap_or(Kind::Place),
                    id: d.id.clone(),
                    title: d.title.clone(),
                    subtitle: d.subtitle.clone(),
                    rome: d.rome.clone(),
                    score: n as f64,
                    distance_km: None,
                })
            })
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score));
        hits.truncate(q.limit);
        Ok(hits)
    }
}
