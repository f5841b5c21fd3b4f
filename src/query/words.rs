//! A plain list of words (`return to office`) as queries, built straight from
//! the analyzer's tokens so that no character of the user's text is read as
//! syntax. Each distinct non-stop word scores `BM25(body) + title_boost ×
//! BM25(title)`; for 2 to [`MAX_TIERED_TERMS`] words, constant bonuses rank
//! the exact phrase first, then articles with all the words, then the rest.
//! Names joined by punctuation (`AT&T`) are phrases (`names.rs`).

use std::collections::HashSet;

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{Score, Term};

use super::compiled::{MainQuery, Marks};
use super::plain::{PlainPlan, Word};
use super::request::{Idf, Ranking};
use super::typos::{closest_word, Correction};
use crate::index::{SearchIndex, EXACT_ANALYZER, QUERY_ANALYZER, TEXT_ANALYZER};

/// Plain queries with up to this many terms are ranked in phrase/all/some tiers.
pub const MAX_TIERED_TERMS: usize = 8;
/// The BM25 `k1` parameter tantivy uses; bounds a term's score.
const BM25_K1: f32 = 1.2;
/// The floor of [`Idf::Floored`] (FTS5 uses 1e-6).
const IDF_FLOOR: f32 = 1e-6;

/// Builds the (tiered) query for a plain list of words, and its one-pass plan.
pub(super) fn compile(
    idx: &SearchIndex,
    searcher: &tantivy::Searcher,
    text: &str,
    ranking: &Ranking,
    correct_typos: bool,
) -> MainQuery {
    // Names joined by punctuation (`AT&T`) are phrases of their parts.
    let (rest, names) = super::names::split_names(idx, text);
    if !names.is_empty() {
        let only_stop_words = analyze(idx, QUERY_ANALYZER, &rest).is_empty();
        let rest = if only_stop_words { "" } else { rest.as_str() };
        let untiered = Ranking {
            tiers: false,
            ..*ranking
        };
        let words = compile(idx, searcher, rest, &untiered, correct_typos);
        return super::names::compile(idx, searcher, words, &names, ranking);
    }
    let f = idx.fields;
    // BM25's document count, as tantivy's scorer sees it: deleted documents
    // not yet merged away still count, so the tier bonus must allow for them.
    let num_docs: u64 = searcher
        .segment_readers()
        .iter()
        .map(|r| u64::from(r.max_doc()))
        .sum();
    let tokens = analyze(idx, TEXT_ANALYZER, text);
    let mut words = if ranking.drop_stop_words {
        analyze(idx, QUERY_ANALYZER, text)
    } else {
        Vec::new()
    };
    if words.is_empty() {
        // Only stop words (`the who`), or stop words kept: match every word.
        words = tokens.clone();
    }
    // A word no article has stands for the closest word of the index,
    // the edits counted between the words as written.
    let mut corrections: Vec<Correction> = Vec::new();
    if correct_typos {
        let written = analyze(idx, EXACT_ANALYZER, text);
        for (position, word) in &words {
            let absent = searcher
                .doc_freq(&Term::from_field_text(f.body, word))
                .unwrap_or(0)
                == 0;
            if !absent || corrections.iter().any(|c| &c.from_stem == word) {
                continue;
            }
            let Some((_, typed)) = written.iter().find(|(p, _)| p == position) else {
                continue;
            };
            let Some(to) = closest_word(searcher, f.exact, typed) else {
                continue;
            };
            let Some((_, to_stem)) = analyze(idx, TEXT_ANALYZER, &to).into_iter().next() else {
                continue;
            };
            corrections.push(Correction {
                from: typed.clone(),
                to,
                from_stem: word.clone(),
                to_stem,
            });
        }
    }
    let mut tokens = tokens;
    for (_, token) in words.iter_mut().chain(tokens.iter_mut()) {
        if let Some(c) = corrections.iter().find(|c| &c.from_stem == token) {
            *token = c.to_stem.clone();
        }
    }
    // Distinct words, each with how often the query says it (a word said
    // twice weighs twice, as in FTS5 and BM25's query term frequency).
    let mut unique: Vec<&str> = Vec::new();
    let mut query_tf: Vec<Score> = Vec::new();
    for (_, token) in &words {
        match unique.iter().position(|u| *u == token.as_str()) {
            Some(i) => query_tf[i] += 1.0,
            None => {
                unique.push(token);
                query_tf.push(1.0);
            }
        }
    }
    if unique.is_empty() {
        return MainQuery {
            ranked: Box::new(EmptyQuery),
            matching: Box::new(EmptyQuery),
            all_words: None,
            tier_step: 0.0,
            marks: Some(Marks {
                words: HashSet::new(),
                phrase: Vec::new(),
                phrase_only: HashSet::new(),
            }),
            plan: None,
            notes: Vec::new(),
            corrections: Vec::new(),
        };
    }
    // BM25's score of a term is idf × tf-part; a boost of idf'/idf turns
    // tantivy's idf into another one without touching the tf part.
    let idf_boost = |term: &Term| -> Score {
        match ranking.idf {
            Idf::Classic => 1.0,
            Idf::Floored => {
                let n = searcher.doc_freq(term).unwrap_or(0) as f32;
                let docs = num_docs as f32;
                let classic = (1.0 + (docs - n + 0.5) / (n + 0.5)).ln();
                let floored = ((docs - n + 0.5) / (n + 0.5)).ln().max(IDF_FLOOR);
                if classic > 0.0 {
                    floored / classic
                } else {
                    1.0
                }
            }
        }
    };
    // Each word's terms and boosts, worked out once for both forms of the query.
    let plan_words: Vec<Word> = unique
        .iter()
        .zip(&query_tf)
        .map(|(t, &tf)| {
            let title = Term::from_field_text(f.title, t);
            let body = Term::from_field_text(f.body, t);
            Word {
                title_boost: tf * ranking.title_boost * idf_boost(&title),
                body_boost: tf * idf_boost(&body),
                title,
                body,
            }
        })
        .collect();
    let any = any_word(&plan_words);
    let matching = body_terms(&plan_words, Occur::Should);
    let marks = Marks {
        words: unique.iter().map(|w| w.to_string()).collect(),
        phrase: tokens.iter().map(|(_, t)| t.clone()).collect(),
        phrase_only: HashSet::new(),
    };
    if !ranking.tiers || !(2..=MAX_TIERED_TERMS).contains(&unique.len()) || tokens.len() < 2 {
        return MainQuery {
            ranked: any,
            matching,
            all_words: None,
            tier_step: 0.0,
            marks: Some(marks),
            plan: Some(PlainPlan {
                words: plan_words,
                phrase: Vec::new(),
                step: 0.0,
            }),
            notes: Vec::new(),
            corrections,
        };
    }
    // The tiers only select documents, and `body` holds the headline too, so
    // they read `body` alone: half the postings of title-or-body, same documents.
    let phrase: Vec<(usize, Term)> = tokens
        .iter()
        .map(|(pos, t)| (*pos, Term::from_field_text(f.body, t)))
        .collect();
    let exact = PhraseQuery::new_with_offset(phrase.clone());
    let weight: Score = query_tf.iter().sum();
    let step = tier_step(num_docs, weight.ceil() as usize, ranking.title_boost);
    let ranked = BooleanQuery::new(vec![
        (Occur::Should, any),
        (
            Occur::Should,
            Box::new(ConstScoreQuery::new(
                body_terms(&plan_words, Occur::Must),
                step,
            )),
        ),
        (
            Occur::Should,
            Box::new(ConstScoreQuery::new(Box::new(exact), step)),
        ),
    ]);
    MainQuery {
        ranked: Box::new(ranked),
        matching,
        all_words: Some(body_terms(&plan_words, Occur::Must)),
        tier_step: step,
        marks: Some(marks),
        plan: Some(PlainPlan {
            words: plan_words,
            phrase,
            step,
        }),
        notes: Vec::new(),
        corrections,
    }
}

/// Documents with any of the words, each word scored in title (boosted) and body.
pub(super) fn any_word(words: &[Word]) -> Box<dyn Query> {
    let scored = |term: &Term, boost: Score| -> Box<dyn Query> {
        let query = TermQuery::new(term.clone(), IndexRecordOption::WithFreqs);
        Box::new(BoostQuery::new(Box::new(query), boost))
    };
    Box::new(BooleanQuery::new(
        words
            .iter()
            .map(|w| {
                let both: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
                    (Occur::Should, scored(&w.title, w.title_boost)),
                    (Occur::Should, scored(&w.body, w.body_boost)),
                ]));
                (Occur::Should, both)
            })
            .collect(),
    ))
}

/// The words' body terms, unscored, each clause with `occur`.
pub(super) fn body_terms(words: &[Word], occur: Occur) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        words
            .iter()
            .map(|w| {
                let q: Box<dyn Query> =
                    Box::new(TermQuery::new(w.body.clone(), IndexRecordOption::Basic));
                (occur, q)
            })
            .collect(),
    ))
}

/// The tokens of `text` by the named analyzer, with their positions.
pub(super) fn analyze(idx: &SearchIndex, analyzer: &str, text: &str) -> Vec<(usize, String)> {
    let Some(mut analyzer) = idx.index.tokenizers().get(analyzer) else {
        return Vec::new();
    };
    let mut stream = analyzer.token_stream(text);
    let mut tokens = Vec::new();
    while let Some(token) = stream.next() {
        tokens.push((token.position, token.text.clone()));
    }
    tokens
}

/// A score bonus larger than any BM25 score a plain query of `terms` distinct
/// terms can reach in an index of `num_docs` documents: BM25's score for one
/// term in one field is at most `idf_max * (k1 + 1)`, and a term counts in the
/// title (boosted) and the body.
pub(super) fn tier_step(num_docs: u64, terms: usize, title_boost: Score) -> Score {
    let n = num_docs as f32;
    let idf_max = (1.0 + (n + 0.5) / 0.5).ln();
    let bound = terms as f32 * idf_max * (BM25_K1 + 1.0) * (1.0 + title_boost.max(0.0));
    // A power of two, so that the bonus comes off the score exactly.
    if !bound.is_finite() {
        return 0.0;
    }
    let mut step = 1.0;
    while step <= bound {
        step *= 2.0;
    }
    step
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tier_step_exceeds_bm25_bound() {
        let step = tier_step(200_000, 3, 2.0);
        let idf_max = (1.0f32 + 200_000.5 / 0.5).ln();
        assert!(step > 3.0 * idf_max * 2.2 * 3.0);
        assert!(step.log2().fract() == 0.0);
    }
}
