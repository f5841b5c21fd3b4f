//! Names joined by punctuation in a plain query (`AT&T`, `Wal-Mart`,
//! `e-mail`, `U.S.`): each is searched as the phrase of its parts, in the
//! title (boosted) and the body, as one unit beside the other words, not
//! as an OR of its fragments (`AT&T` was `t` once the stop word `at` was
//! dropped, and found T-Mobile first).
//!
//! A code written with capitals and digits (`3M`, `G7`, `F1`) is a name
//! too: the word as the index reads it (`3m`) in articles that write it
//! with its capitals (the `codes` field), so `3M` is not `£3m`.
//!
//! A query with such a name is ranked as other plain queries are, but
//! without the one-pass plan (which reads single terms only) and without
//! the exact-phrase tier: articles with every unit (word or name) first,
//! then the others.

use std::collections::HashSet;

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{Score, Term};

use super::compiled::{MainQuery, Marks};
use super::request::Ranking;
use super::words::{analyze, any_word, bm25_doc_count, body_terms, tier_step, MAX_TIERED_TERMS};
use crate::index::{SearchIndex, TEXT_ANALYZER};

/// The characters that join the parts of a name.
const JOINERS: [char; 3] = ['&', '-', '.'];

/// Splits the joined names out of a plain query: the text without them
/// (each replaced by a space) and the names as typed. A name is a
/// whitespace-separated word, cut of the punctuation around it, whose
/// letters and digits are joined by `&`, `-` or `.` alone and which the
/// index's analyzer reads as two tokens or more.
pub(super) fn split_names(idx: &SearchIndex, text: &str) -> (String, Vec<String>) {
    let mut rest = String::with_capacity(text.len());
    let mut names = Vec::new();
    for word in text.split_whitespace() {
        let core = word.trim_matches(|c: char| !c.is_alphanumeric());
        let joined = is_joined(core) && analyze(idx, TEXT_ANALYZER, core).len() >= 2;
        if joined || crate::index::is_code(core) {
            names.push(core.to_string());
            rest.push(' ');
        } else {
            rest.push_str(word);
            rest.push(' ');
        }
    }
    (rest, names)
}

/// True if `word` is letters and digits with at least one joiner, every
/// joiner between two letters or digits.
fn is_joined(word: &str) -> bool {
    let chars: Vec<char> = word.chars().collect();
    let mut joined = false;
    for (i, &c) in chars.iter().enumerate() {
        if c.is_alphanumeric() {
            continue;
        }
        let between = i > 0
            && i + 1 < chars.len()
            && chars[i - 1].is_alphanumeric()
            && chars[i + 1].is_alphanumeric();
        if !JOINERS.contains(&c) || !between {
            return false;
        }
        joined = true;
    }
    joined
}

/// The query for plain words (`words`, compiled without tiers from the
/// text left when the names were taken out) and joined `names`.
pub(super) fn compile(
    idx: &SearchIndex,
    searcher: &tantivy::Searcher,
    words: MainQuery,
    names: &[String],
    ranking: &Ranking,
) -> MainQuery {
    let f = idx.fields;
    let num_docs = bm25_doc_count(searcher);
    let plan_words = words.plan.map(|p| p.words).unwrap_or_default();
    let mut ranked: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut matching: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut all: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if !plan_words.is_empty() {
        ranked.push((Occur::Should, any_word(&plan_words)));
        matching.push((Occur::Should, body_terms(&plan_words, Occur::Should)));
        all.push((Occur::Must, body_terms(&plan_words, Occur::Must)));
    }
    let mut weight: Score = plan_words.iter().map(|w| w.body_boost.max(1.0)).sum();
    let mut name_tokens: Vec<Vec<String>> = Vec::new();
    for name in names {
        let tokens = analyze(idx, TEXT_ANALYZER, name);
        if tokens.len() == 1 && crate::index::is_code(name) {
            // A code: its one token, in articles that write it in capitals.
            let written: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(f.codes, name),
                IndexRecordOption::Basic,
            ));
            let term = |field| -> Box<dyn Query> {
                Box::new(TermQuery::new(
                    Term::from_field_text(field, &tokens[0].1),
                    IndexRecordOption::WithFreqs,
                ))
            };
            let with_capitals = |scored: Box<dyn Query>| -> Box<dyn Query> {
                Box::new(BooleanQuery::new(vec![
                    (Occur::Must, scored),
                    (
                        Occur::Must,
                        Box::new(BoostQuery::new(written.box_clone(), 0.0)),
                    ),
                ]))
            };
            let scored: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(term(f.title), ranking.title_boost)) as Box<dyn Query>,
                ),
                (Occur::Should, term(f.body)),
            ]));
            ranked.push((Occur::Should, with_capitals(scored)));
            matching.push((Occur::Should, with_capitals(term(f.body))));
            all.push((Occur::Must, with_capitals(term(f.body))));
            weight += 1.0;
            name_tokens.push(vec![tokens[0].1.clone()]);
            continue;
        }
        let phrase = |field| -> PhraseQuery {
            PhraseQuery::new_with_offset(
                tokens
                    .iter()
                    .map(|(pos, t)| (*pos, Term::from_field_text(field, t)))
                    .collect(),
            )
        };
        let scored: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
            (
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(phrase(f.title)),
                    ranking.title_boost,
                )) as Box<dyn Query>,
            ),
            (Occur::Should, Box::new(phrase(f.body))),
        ]));
        ranked.push((Occur::Should, scored));
        matching.push((Occur::Should, Box::new(phrase(f.body))));
        all.push((Occur::Must, Box::new(phrase(f.body))));
        // A phrase's BM25 weighs the idf of each of its parts.
        weight += tokens.len() as Score;
        name_tokens.push(tokens.into_iter().map(|(_, t)| t).collect());
    }
    let units = plan_words.len() + names.len();
    let any: Box<dyn Query> = Box::new(BooleanQuery::new(ranked));
    let tiered = ranking.tiers && (2..=MAX_TIERED_TERMS).contains(&units);
    let (ranked, all_words, step): (Box<dyn Query>, Option<Box<dyn Query>>, Score) = if tiered {
        let step = tier_step(num_docs, weight.ceil() as usize, ranking.title_boost);
        let all: Box<dyn Query> = Box::new(BooleanQuery::new(all));
        let ranked = BooleanQuery::new(vec![
            (Occur::Should, any),
            (
                Occur::Should,
                Box::new(ConstScoreQuery::new(all.box_clone(), step)),
            ),
        ]);
        (Box::new(ranked), Some(all), step)
    } else {
        (any, None, 0.0)
    };
    let mut marks = words.marks.unwrap_or(Marks {
        words: HashSet::new(),
        phrase: Vec::new(),
        phrase_only: HashSet::new(),
    });
    // The first name is marked as one span, its parts not on their own
    // (`AT&T` marks no lone `at`) unless the words have them too.
    let plain_words = marks.words.clone();
    marks.phrase = name_tokens[0].clone();
    marks.phrase_only = name_tokens[0]
        .iter()
        .filter(|t| !plain_words.contains(*t))
        .cloned()
        .collect();
    marks.words.extend(name_tokens.into_iter().flatten());
    MainQuery {
        ranked,
        matching: Box::new(BooleanQuery::new(matching)),
        all_words,
        tier_step: step,
        marks: Some(marks),
        plan: None,
        notes: Vec::new(),
        corrections: words.corrections,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joined_words_are_names() {
        for name in [
            "AT&T",
            "Wal-Mart",
            "e-mail",
            "U.S",
            "3.5",
            "Q&A",
            "P&O-Ferries",
        ] {
            assert!(is_joined(name), "{name}");
        }
        for word in [
            "3M", "green", "Glazer's", "a--b", "-x", "x-", "a&&b", "24/7", "",
        ] {
            assert!(!is_joined(word), "{word}");
        }
    }
}
