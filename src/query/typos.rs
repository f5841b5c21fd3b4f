//! Typo tolerance in the spirit of Meilisearch: a plain query word that no
//! article has, of 5 letters or more, is replaced by the index's most
//! frequent word one edit away (two from 9 letters), found with a
//! Levenshtein automaton over each segment's term dictionary. The search
//! says what it did ([`Correction`]); `--exact` searches as typed.

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
    /// The word as analyzed from the query (lower case, stemmed).
    pub from: String,
    /// The word searched instead, as the index holds it.
    pub to: String,
}

/// The edits allowed for a word of `chars` characters.
fn edits(chars: usize) -> Option<u8> {
    match chars {
        c if c >= TWO_EDITS_CHARS => Some(2),
        c if c >= MIN_CORRECTED_CHARS => Some(1),
        _ => None,
    }
}

/// The word of `field` that `word` (an analyzed token no document has)
/// most likely means: within the allowed edits, the one in the most
/// documents (ties to the smaller word). `None` when the word is short,
/// present, or has no close word.
pub(super) fn closest_word(searcher: &Searcher, field: Field, word: &str) -> Option<String> {
    let distance = edits(word.chars().count())?;
    let term = Term::from_field_text(field, word);
    if searcher.doc_freq(&term).unwrap_or(0) > 0 {
        return None;
    }
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
        .filter_map(|(bytes, n)| Some((String::from_utf8(bytes).ok()?, n)))
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
