//! Typo tolerance in the spirit of Meilisearch: a plain query word that no
//! article has, of 5 letters or more as typed, is replaced by the index's
//! most frequent word one edit away (two from 9 letters). The edits are
//! counted between the words as written (folded, not stemmed: the `exact`
//! field's words), found with a Levenshtein automaton over each segment's
//! term dictionary; the word found is then searched as plain words are,
//! stemmed. A word that a few articles have (at most 3, or one in 5,000)
//! keeps its matches, ranked first, and also matches a close word found in
//! [`FAR_MORE`] times as many articles, at half its weight
//! (`goverment` → `government`). The search says what it did ([`Correction`], in the words as
//! written: `microsfot` → `microsoft`); `--exact` searches as typed.

use std::collections::HashMap;

use serde::Serialize;
use tantivy::query::FuzzyTermQuery;
use tantivy::schema::Field;
use tantivy::{Searcher, Term};

/// Words shorter than this (in characters) are never corrected.
pub const MIN_CORRECTED_CHARS: usize = 5;
/// Words of this many characters or more may be two edits away.
pub const TWO_EDITS_CHARS: usize = 9;

/// A query word replaced by a word of the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Correction {
    /// The word as typed (lower case, folded to ASCII, not stemmed).
    pub from: String,
    /// The word searched instead, as articles write it (lower case, folded).
    pub to: String,
    /// Whether `from` is searched too: some articles have it, but `to` is
    /// in far more ([`FAR_MORE`] times), so it also matches, ranked below.
    pub also: bool,
    /// `from` as the query analyzer stems it: the token replaced.
    #[serde(skip)]
    pub(super) from_stem: String,
    /// `to` stemmed: the token searched.
    #[serde(skip)]
    pub(super) to_stem: String,
}

/// A word in some articles also matches its close word when that one is in
/// at least this many times as many articles.
pub const FAR_MORE: u64 = 20;

/// Whether a word in `df` of `num_docs` articles may be a typo worth the
/// look-up: in none, or in very few (at most 3, or one in 5,000).
pub(super) fn might_be_a_typo(df: u64, num_docs: u64) -> bool {
    df <= (num_docs / 5_000).max(3)
}

/// The edits allowed for a word of `chars` characters.
fn edits(chars: usize) -> Option<u8> {
    match chars {
        c if c >= TWO_EDITS_CHARS => Some(2),
        c if c >= MIN_CORRECTED_CHARS => Some(1),
        _ => None,
    }
}

/// The word of `field` that `word` (a word no document has) most likely
/// means: within the edits allowed for its length, the one in the most
/// documents (ties to the smaller word). `None` when the word is short or
/// has no close word.
pub(super) fn closest_word(searcher: &Searcher, field: Field, word: &str) -> Option<String> {
    let distance = edits(word.chars().count())?;
    let term = Term::from_field_text(field, word);
    let mut found: HashMap<Vec<u8>, u64> = HashMap::new();
    for reader in searcher.segment_readers() {
        let automaton = FuzzyTermQuery::new(term.clone(), distance, true)
            .automaton()
            .ok()?;
        let index = reader.inverted_index(field).ok()?;
        let mut stream = index.terms().search(automaton).into_stream().ok()?;
        while stream.advance() {
            *found.entry(stream.key().to_vec()).or_default() += u64::from(stream.value().doc_freq);
        }
    }
    found
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .filter_map(|(bytes, n)| Some((String::from_utf8(bytes).ok()?, n)))
        .filter(|(w, _)| w != word)
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
        .map(|(w, _)| w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_words_are_never_corrected() {
        assert_eq!(edits(4), None);
        assert_eq!(edits(5), Some(1));
        assert_eq!(edits(8), Some(1));
        assert_eq!(edits(9), Some(2));
    }
}
