//! Tantivy as a third baseline, in memory, over the same documents as ours and FTS5.
//!
//! Analyzer: simple tokenizer (letters and digits), lower case, ASCII folding ("Boulangère" →
//! "boulangere"), tokens over 40 bytes dropped. Query: each token as a fuzzy term (Levenshtein distance
//! 1 from 4 letters, 2 from 8, a transposition costs 1), the last token also as a prefix while it is
//! being typed, all OR-ed; the exact token is added as a BM25 term query, since Tantivy scores
//! automaton (fuzzy, prefix) matches with a constant. Title clauses weigh ten times body clauses, as in
//! the FTS5 baseline.

use crate::error::Result;
use orientation_core::search::doc::Doc;
use orientation_core::search::{Hit, Kind};
use std::collections::HashSet;
use tantivy::columnar::Column;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, TermQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, STRING,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer,
};
use tantivy::{collector::TopDocs, Index, IndexWriter, Searcher, TantivyDocument, Term};

const TOKENIZER: &str = "fr_fold";
const TITLE_BOOST: f32 = 10.0;
/// What a fuzzy or prefix match adds, relative to its field's weight: below a typical BM25 exact match.
const AUTOMATON_WEIGHT: f32 = 0.5;

struct Meta {
    kind: Kind,
    id: String,
    title: String,
    subtitle: Option<String>,
    rome: Option<String>,
}

pub struct TantivyEngine {
    searcher: Searcher,
    analyzer: TextAnalyzer,
    title: Field,
    body: Field,
    kind: Field,
    /// Per segment: document → position in `metas` (a fast field, so no stored-document reads).
    ords: Vec<Column<u64>>,
    metas: Vec<Meta>,
}

fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

/// Levenshtein distance allowed for a token of `n` characters.
pub fn fuzzy_distance(n: usize) -> u8 {
    match n {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

impl TantivyEngine {
    /// Indexes `docs` in RAM with `threads` indexing threads.
    pub fn build(docs: &[Doc], threads: usize) -> Result<TantivyEngine> {
        let mut sb = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        let title = sb.add_text_field("title", text.clone());
        let body = sb.add_text_field("body", text);
        let kind = sb.add_text_field("kind", STRING);
        let ord = sb.add_u64_field("ord", NumericOptions::default().set_fast());
        let index = Index::create_in_ram(sb.build());
        index.tokenizers().register(TOKENIZER, analyzer());
        let threads = threads.max(1);
        let mut writer: IndexWriter =
            index.writer_with_num_threads(threads, threads * 60_000_000)?;
        let mut metas = Vec::with_capacity(docs.len());
        for (i, d) in docs.iter().enumerate() {
            let mut doc = TantivyDocument::new();
            doc.add_text(title, &d.title);
            doc.add_text(body, &d.body);
            doc.add_text(kind, d.kind);
            doc.add_u64(ord, i as u64);
            writer.add_document(doc)?;
            metas.push(Meta {
                kind: Kind::parse(d.kind).unwrap_or(Kind::Place),
                id: d.id.clone(),
                title: d.title.clone(),
                subtitle: d.subtitle.clone(),
                rome: d.rome.clone(),
            });
        }
        writer.commit()?;
        writer.wait_merging_threads()?;
        let reader = index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()?;
        let searcher: Searcher = reader.searcher();
        let ords = searcher
            .segment_readers()
            .iter()
            .map(|s| s.fast_fields().u64("ord"))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(TantivyEngine {
            searcher,
            analyzer: analyzer(),
            title,
            body,
            kind,
            ords,
            metas,
        })
    }

    pub fn segments(&self) -> usize {
        self.ords.len()
    }

    fn tokens(&self, text: &str) -> Vec<String> {
        // The analyzer needs `&mut`; a clone is cheap (it shares the filters).
        let mut a = self.analyzer.clone();
        let mut stream = a.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    fn build_query(&self, text: &str, kind: Option<Kind>) -> Option<Box<dyn Query>> {
        let tokens = self.tokens(text);
        let typing_last = !text.ends_with(char::is_whitespace);
        let n = tokens.len();
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (i, tok) in tokens.iter().enumerate() {
            let dist = fuzzy_distance(tok.chars().count());
            for (field, weight) in [(self.title, TITLE_BOOST), (self.body, 1.0)] {
                let term = Term::from_field_text(field, tok);
                should.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
                        weight,
                    )),
                ));
                if dist > 0 {
                    should.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(
                            Box::new(FuzzyTermQuery::new(term.clone(), dist, true)),
                            weight * AUTOMATON_WEIGHT,
                        )),
                    ));
                }
                if i + 1 == n && typing_last {
                    should.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(
                            Box::new(FuzzyTermQuery::new_prefix(term, dist, true)),
                            weight * AUTOMATON_WEIGHT,
                        )),
                    ));
                }
            }
        }
        if should.is_empty() {
            return None;
        }
        let words: Box<dyn Query> = Box::new(BooleanQuery::new(should));
        Some(match kind {
            None => words,
            Some(k) => {
                let filter = TermQuery::new(
                    Term::from_field_text(self.kind, k.as_str()),
                    IndexRecordOption::Basic,
                );
                Box::new(BooleanQuery::new(vec![
                    (
                        Occur::Must,
                        Box::new(ConstScoreQuery::new(Box::new(filter), 0.0)),
                    ),
                    (Occur::Must, words),
                ]))
            }
        })
    }

    /// Best `limit` hits, one per (kind, id) like the FTS5 baseline (a job has one document per
    /// appellation, all with the fiche's id).
    pub fn search(&self, text: &str, kind: Option<Kind>, limit: usize) -> Result<Vec<Hit>> {
        let Some(query) = self.build_query(text, kind) else {
            return Ok(Vec::new());
        };
        let pool = (limit * 20).max(200);
        let top = self
            .searcher
            .search(&query, &TopDocs::with_limit(pool).order_by_score())?;
        let mut seen: HashSet<(Kind, &str)> = HashSet::new();
        let mut out = Vec::new();
        for (score, addr) in top {
            let Some(ord) = self
                .ords
                .get(addr.segment_ord as usize)
                .and_then(|c| c.first(addr.doc_id))
            else {
                continue;
            };
            let Some(m) = self.metas.get(ord as usize) else {
                continue;
            };
            if !seen.insert((m.kind, m.id.as_str())) {
                continue;
            }
            out.push(Hit {
                kind: m.kind,
                id: m.id.clone(),
                title: m.title.clone(),
                subtitle: m.subtitle.clone(),
                rome: m.rome.clone(),
                score: f64::from(score),
                distance_km: None,
                location: None,
                badges: Vec::new(),
            });
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(kind: &'static str, id: &str, title: &str, body: &str) -> Doc {
        Doc {
            kind,
            id: id.into(),
            title: title.into(),
            subtitle: None,
            rome: (kind == "job").then(|| id.to_string()),
            lat: None,
            lon: None,
            distance_learning: false,
            prior: 0.0,
            body: body.into(),
            ..Default::default()
        }
    }

    #[test]
    fn folds_accents_tolerates_typos_prefixes_and_filters_kind() {
        let docs = vec![
            doc("job", "D1102", "Boulanger / Boulangère", "fabrique du pain"),
            doc("job", "D1102", "Aide-boulanger / Aide-boulangère", ""),
            doc("job", "D1104", "Pâtissier / Pâtissière", "gâteaux"),
            doc("training", "T1", "CAP Boulanger", "pain"),
        ];
        let e = TantivyEngine::build(&docs, 1).unwrap();
        let ids = |text: &str, kind| -> Vec<String> {
            e.search(text, kind, 10)
                .unwrap()
                .into_iter()
                .map(|h| h.id)
                .collect()
        };
        // Accent-free and feminine, one per id.
        assert_eq!(ids("boulangere ", Some(Kind::Job)), ["D1102"]);
        // Swapped letters (distance 1 with transpositions) and as-you-type prefix.
        assert_eq!(ids("boulagner ", Some(Kind::Job)), ["D1102"]);
        assert_eq!(ids("patis", Some(Kind::Job)), ["D1104"]);
        // Without a kind, the training comes too.
        let all = ids("boulanger ", None);
        assert!(all.contains(&"T1".to_string()) && all.contains(&"D1102".to_string()));
        assert!(ids("", None).is_empty());
        assert!(ids("zzzz ", None).is_empty());
    }

    #[test]
    fn distance_grows_with_length() {
        assert_eq!(
            (
                fuzzy_distance(3),
                fuzzy_distance(4),
                fuzzy_distance(7),
                fuzzy_distance(8)
            ),
            (0, 1, 1, 2)
        );
    }
}
