//! Pseudo-relevance feedback for long questions (RM3, Lavrenko & Croft's
//! relevance model interpolated with the query): the best matches of the
//! query as typed are read, the words most probable in them (each document
//! weighted by its share of the scores) join the query, and the words as
//! typed keep `1 - feedback_weight` of the query's weight.

use std::collections::HashMap;

use tantivy::collector::TopDocs;
use tantivy::query::Query;
use tantivy::{Score, Searcher, TantivyDocument};

use super::words::analyze;
use crate::index::{SearchIndex, Stored, QUERY_ANALYZER};

/// The relevance model of the `docs` best matches of `query`: its `terms`
/// most probable words (stop words left out, stemmed as the index is), with
/// probabilities summing to 1. Empty when nothing matches.
pub(super) fn relevance_model(
    idx: &SearchIndex,
    searcher: &Searcher,
    query: &dyn Query,
    docs: usize,
    terms: usize,
) -> tantivy::Result<Vec<(String, Score)>> {
    let top = searcher.search(query, &TopDocs::with_limit(docs).order_by_score())?;
    let mut read = Vec::with_capacity(top.len());
    for (score, address) in top {
        let doc: TantivyDocument = searcher.doc(address)?;
        let stored = Stored::new(&doc, &idx.fields);
        let text = format!(
            "{}\n{}",
            stored.text_or_empty(idx.fields.title),
            stored.text_or_empty(idx.fields.text)
        );
        let tokens = analyze(idx, QUERY_ANALYZER, &text)
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        read.push((score, tokens));
    }
    Ok(rm1(&read, terms))
}

/// RM1 over scored documents: `P(w) = Σ_d P(w|d) · s_d / Σ s`, with
/// `P(w|d) = tf(w, d) / |d|`; the `terms` most probable words, renormalised
/// to sum to 1 (ties to the word first in the alphabet, so the model does
/// not depend on hashing).
pub(super) fn rm1(docs: &[(Score, Vec<String>)], terms: usize) -> Vec<(String, Score)> {
    let total: Score = docs.iter().map(|(s, _)| s.max(0.0)).sum();
    if terms == 0 || total <= 0.0 {
        return Vec::new();
    }
    let mut model: HashMap<&str, Score> = HashMap::new();
    for (score, tokens) in docs {
        if tokens.is_empty() || *score <= 0.0 {
            continue;
        }
        let weight = score / total / tokens.len() as Score;
        for t in tokens {
            *model.entry(t.as_str()).or_insert(0.0) += weight;
        }
    }
    let mut ranked: Vec<(String, Score)> =
        model.into_iter().map(|(t, p)| (t.to_string(), p)).collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    ranked.truncate(terms);
    let kept: Score = ranked.iter().map(|(_, p)| p).sum();
    for (_, p) in &mut ranked {
        *p /= kept;
    }
    ranked
}

/// RM3's interpolation: each word's weight in the expanded query, `(1 - w)
/// · qtf / Σ qtf + w · P_model`, scaled so that the weights still sum to
/// `Σ qtf` (the scale of the query as typed, which bounds its BM25 score).
/// The typed words come first, in their order, then the new ones.
pub(super) fn interpolate(
    typed: &[(&str, Score)],
    model: &[(String, Score)],
    weight: Score,
) -> Vec<(String, Score)> {
    let total: Score = typed.iter().map(|(_, tf)| tf).sum();
    if total <= 0.0 {
        return Vec::new();
    }
    let weight = weight.clamp(0.0, 1.0);
    let mut out: Vec<(String, Score)> = typed
        .iter()
        .map(|(w, tf)| (w.to_string(), (1.0 - weight) * tf))
        .collect();
    for (term, p) in model {
        let add = weight * p * total;
        if add <= 0.0 {
            continue;
        }
        match out.iter_mut().find(|(w, _)| w == term) {
            Some((_, v)) => *v += add,
            None => out.push((term.clone(), add)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(score: Score, words: &str) -> (Score, Vec<String>) {
        (score, words.split(' ').map(str::to_string).collect())
    }

    #[test]
    fn rm1_weighs_words_by_document_score_and_frequency() {
        // P(oil) = 3/4 · 2/4 + 1/4 · 0 = 0.375; P(price) = 3/4 · 1/4 + 1/4 · 1/2 = 0.3125
        // P(yukos) = 3/4 · 1/4 = 0.1875; P(bank) = 1/4 · 1/2 = 0.125
        let docs = vec![doc(3.0, "oil oil price yukos"), doc(1.0, "bank price")];
        let all = rm1(&docs, 10);
        let words: Vec<&str> = all.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(words, ["oil", "price", "yukos", "bank"]);
        assert!((all[0].1 - 0.375).abs() < 1e-6);
        assert!((all[1].1 - 0.3125).abs() < 1e-6);
        // Cut to two words and renormalised.
        let two = rm1(&docs, 2);
        assert_eq!(two.len(), 2);
        assert!((two[0].1 - 0.375 / 0.6875).abs() < 1e-6);
        assert!((two.iter().map(|(_, p)| p).sum::<Score>() - 1.0).abs() < 1e-6);
    }

    #[test]
    fn rm1_of_nothing_is_empty() {
        assert!(rm1(&[], 10).is_empty());
        assert!(rm1(&[doc(0.0, "a b")], 10).is_empty());
        assert!(rm1(&[doc(1.0, "a b")], 0).is_empty());
    }

    #[test]
    fn interpolation_keeps_the_query_scale() {
        let typed = [("oil", 2.0), ("price", 1.0)];
        let model = vec![("oil".to_string(), 0.5), ("yukos".to_string(), 0.5)];
        let out = interpolate(&typed, &model, 0.5);
        // oil: 0.5·2 + 0.5·0.5·3 = 1.75; price: 0.5; yukos: 0.5·0.5·3 = 0.75
        assert_eq!(
            out,
            vec![
                ("oil".to_string(), 1.75),
                ("price".to_string(), 0.5),
                ("yukos".to_string(), 0.75)
            ]
        );
        let sum: Score = out.iter().map(|(_, w)| w).sum();
        assert!((sum - 3.0).abs() < 1e-6);
        // Weight 0 is the query as typed.
        assert_eq!(
            interpolate(&typed, &model, 0.0),
            vec![("oil".to_string(), 2.0), ("price".to_string(), 1.0)]
        );
    }
}
