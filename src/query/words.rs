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
use super::plain::{Alternate, PlainPlan, Word, ALTERNATE_WEIGHT};
use super::request::{Idf, Ranking};
use super::typos::{closest_word, might_be_a_typo, Correction, FAR_MORE};
use crate::index::{SearchIndex, EXACT_ANALYZER, QUERY_ANALYZER, QUESTION_ANALYZER, TEXT_ANALYZER};

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
    let num_docs = bm25_doc_count(searcher);
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
    // A long question (many distinct words) is ranked by its own knobs: its
    // question words and pronouns are stop words too.
    let long = ranking.long.min_words > 0 && distinct(&words) >= ranking.long.min_words;
    if long && ranking.long.stop_words && ranking.drop_stop_words {
        let question = analyze(idx, QUESTION_ANALYZER, text);
        if !question.is_empty() {
            words = question;
        }
    }
    // A word no article has stands for the closest word of the index,
    // the edits counted between the words as written.
    let mut corrections: Vec<Correction> = Vec::new();
    if correct_typos {
        // The words as written, read only once a word may be a typo.
        let written = std::cell::OnceCell::new();
        for (position, word) in &words {
            let body_df = |stem: &str| {
                searcher
                    .doc_freq(&Term::from_field_text(f.body, stem))
                    .unwrap_or(0)
            };
            let df = body_df(word);
            if !might_be_a_typo(df, num_docs) || corrections.iter().any(|c| &c.from_stem == word) {
                continue;
            }
            let written = written.get_or_init(|| analyze(idx, EXACT_ANALYZER, text));
            let Some((_, typed)) = written.iter().find(|(p, _)| p == position) else {
                continue;
            };
            let Some(to) = closest_word(searcher, f.exact, typed) else {
                continue;
            };
            let Some((_, to_stem)) = analyze(idx, TEXT_ANALYZER, &to).into_iter().next() else {
                continue;
            };
            // A word some articles have is kept, the close word matched
            // beside it, when that one is in far more articles.
            if df > 0 && (to_stem == *word || body_df(&to_stem) < FAR_MORE * df) {
                continue;
            }
            corrections.push(Correction {
                from: typed.clone(),
                to,
                also: df > 0,
                from_stem: word.clone(),
                to_stem,
            });
        }
    }
    let mut tokens = tokens;
    for (_, token) in words.iter_mut().chain(tokens.iter_mut()) {
        if let Some(c) = corrections
            .iter()
            .find(|c| &c.from_stem == token && !c.also)
        {
            *token = c.to_stem.clone();
        }
    }
    // Rare words searched with their close word beside them.
    let alternates: Vec<(String, String)> = corrections
        .iter()
        .filter(|c| c.also)
        .map(|c| (c.from_stem.clone(), c.to_stem.clone()))
        .collect();
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
    let idf = if long { ranking.long.idf } else { ranking.idf };
    // BM25's score of a term is idf × tf-part; a boost of idf'/idf turns
    // tantivy's idf into another one without touching the tf part.
    let idf_boost = |term: &Term| -> Score {
        if idf == Idf::Classic {
            return 1.0;
        }
        let n = searcher.doc_freq(term).unwrap_or(0) as f32;
        let docs = num_docs as f32;
        let classic = (1.0 + (docs - n + 0.5) / (n + 0.5)).ln();
        let (new, old) = match idf {
            Idf::Floored => (((docs - n + 0.5) / (n + 0.5)).ln().max(IDF_FLOOR), classic),
            // classic² / max, as a boost of classic: classic / max.
            _ => (classic, (1.0 + (docs + 0.5) / 0.5).ln()),
        };
        if old > 0.0 {
            new / old
        } else {
            1.0
        }
    };
    // Each word's terms and boosts, worked out once for both forms of the query.
    let to_words = |weighted: &[(&str, Score)]| -> Vec<Word> {
        weighted
            .iter()
            .map(|&(t, weight)| {
                let title = Term::from_field_text(f.title, t);
                let body = Term::from_field_text(f.body, t);
                let alternate = alternates
                    .iter()
                    .find(|(w, _)| w == t)
                    .map(|(_, c)| Alternate {
                        title: Term::from_field_text(f.title, c),
                        body: Term::from_field_text(f.body, c),
                    });
                Word {
                    title_boost: weight * ranking.title_boost * idf_boost(&title),
                    body_boost: weight * idf_boost(&body),
                    title,
                    body,
                    alternate,
                }
            })
            .collect()
    };
    let typed: Vec<(&str, Score)> = unique
        .iter()
        .copied()
        .zip(query_tf.iter().copied())
        .collect();
    let mut plan_words = to_words(&typed);
    // A long question's best matches lend it their words (RM3). Feedback is
    // an improvement, never a condition: if reading them fails, the query
    // stays as typed.
    let feedback = &ranking.long;
    let mut expanded = false;
    if long && feedback.feedback_docs > 0 && feedback.feedback_terms > 0 {
        let first = any_word(&plan_words);
        if let Ok(model) = super::feedback::relevance_model(
            idx,
            searcher,
            first.as_ref(),
            feedback.feedback_docs,
            feedback.feedback_terms,
        ) {
            let weighted = super::feedback::interpolate(&typed, &model, feedback.feedback_weight);
            if weighted.len() > typed.len() {
                let weighted: Vec<(&str, Score)> =
                    weighted.iter().map(|(w, s)| (w.as_str(), *s)).collect();
                plan_words = to_words(&weighted);
                expanded = true;
            }
        }
    }
    let mut any = any_word(&plan_words);
    // A long question's neighbouring words found near each other earn a
    // bonus (a sequential-dependence model): phrase queries, which the
    // one-pass plan does not evaluate, so such a query has no plan.
    let near = if long && feedback.proximity > 0.0 {
        near_pairs(&words, f.body, feedback.proximity_slop)
    } else {
        Vec::new()
    };
    let proximity = !near.is_empty();
    if proximity {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, any)];
        for pair in near {
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(pair), feedback.proximity)),
            ));
        }
        any = Box::new(BooleanQuery::new(clauses));
    }
    let matching = body_terms(&plan_words, Occur::Should);
    let marks = Marks {
        words: unique.iter().map(|w| w.to_string()).collect(),
        phrase: tokens.iter().map(|(_, t)| t.clone()).collect(),
        phrase_only: HashSet::new(),
    };
    // An expanded query is not tiered: its tiers would ask for the new words.
    if expanded
        || proximity
        || !ranking.tiers
        || !(2..=MAX_TIERED_TERMS).contains(&unique.len())
        || tokens.len() < 2
    {
        return MainQuery {
            ranked: any,
            matching,
            all_words: None,
            tier_step: 0.0,
            marks: Some(marks),
            plan: (!proximity).then_some(PlainPlan {
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

/// Phrase queries of each two neighbouring distinct words of `words` (the
/// query's non-stop tokens with their positions) in `field`, at their
/// distance in the query give or take `slop` positions.
fn near_pairs(
    words: &[(usize, String)],
    field: tantivy::schema::Field,
    slop: u32,
) -> Vec<PhraseQuery> {
    words
        .windows(2)
        .filter(|w| w[0].1 != w[1].1 && w[1].0 > w[0].0)
        .map(|w| {
            PhraseQuery::new_with_offset_and_slop(
                vec![
                    (0, Term::from_field_text(field, &w[0].1)),
                    (w[1].0 - w[0].0, Term::from_field_text(field, &w[1].1)),
                ],
                slop,
            )
        })
        .collect()
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
                let mut fields = vec![
                    (Occur::Should, scored(&w.title, w.title_boost)),
                    (Occur::Should, scored(&w.body, w.body_boost)),
                ];
                if let Some(alt) = &w.alternate {
                    fields.push((
                        Occur::Should,
                        scored(&alt.title, w.title_boost * ALTERNATE_WEIGHT),
                    ));
                    fields.push((
                        Occur::Should,
                        scored(&alt.body, w.body_boost * ALTERNATE_WEIGHT),
                    ));
                }
                let both: Box<dyn Query> = Box::new(BooleanQuery::new(fields));
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
                let term = |t: &Term| -> Box<dyn Query> {
                    Box::new(TermQuery::new(t.clone(), IndexRecordOption::Basic))
                };
                let q: Box<dyn Query> = match &w.alternate {
                    // The word or its close word.
                    Some(alt) => Box::new(BooleanQuery::new(vec![
                        (Occur::Should, term(&w.body)),
                        (Occur::Should, term(&alt.body)),
                    ])),
                    None => term(&w.body),
                };
                (occur, q)
            })
            .collect(),
    ))
}

/// The number of distinct tokens.
fn distinct(tokens: &[(usize, String)]) -> usize {
    tokens.iter().map(|(_, t)| t).collect::<HashSet<_>>().len()
}

/// BM25's document count, as tantivy's scorer sees it: deleted documents
/// not yet merged away still count, so a tier bonus must allow for them.
pub(super) fn bm25_doc_count(searcher: &tantivy::Searcher) -> u64 {
    searcher
        .segment_readers()
        .iter()
        .map(|r| u64::from(r.max_doc()))
        .sum()
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
    use crate::query::{rank_ids, LongQuery};

    /// An index of `articles` (headline, text), with ids `d0`, `d1`, ...
    fn index_of(articles: &[(&str, &str)]) -> (tempfile::TempDir, SearchIndex) {
        let tmp = tempfile::TempDir::new().unwrap();
        let corpus = tmp.path().join("news");
        std::fs::create_dir(&corpus).unwrap();
        let lines: Vec<String> = articles
            .iter()
            .enumerate()
            .map(|(i, (title, body))| {
                serde_json::json!({"id": format!("d{i}"), "title": title, "body": body}).to_string()
            })
            .collect();
        std::fs::write(corpus.join("news.jsonl"), lines.join("\n") + "\n").unwrap();
        crate::index::build_for_tests(&tmp.path().join("idx"), &corpus);
        let idx = crate::index::open_index(&tmp.path().join("idx")).unwrap();
        (tmp, idx)
    }

    /// Twelve articles that all say `market` and `report`; `yukos`,
    /// `pipeline` and `siberia` are rare.
    fn news() -> (tempfile::TempDir, SearchIndex) {
        let mut articles = vec![
            (
                "Yukos pipeline",
                "The market report on the Yukos pipeline in Siberia.",
            ),
            (
                "Siberia oil",
                "A market report: Siberia pipeline oil for Yukos.",
            ),
        ];
        for _ in 0..10 {
            articles.push((
                "Shares",
                "The market report said shares rose on the market.",
            ));
        }
        index_of(&articles)
    }

    /// The body boost of each word of the compiled plan.
    fn boosts(idx: &SearchIndex, text: &str, ranking: &Ranking) -> Vec<(String, Score)> {
        let searcher = idx.reader.searcher();
        let main = compile(idx, &searcher, text, ranking, false);
        let plan = main.plan.expect("a plain query has a plan");
        plan.words
            .iter()
            .map(|w| (w.body.value().as_str().unwrap().to_string(), w.body_boost))
            .collect()
    }

    #[test]
    fn a_long_question_drops_question_words_and_floors_common_ones() {
        let (_tmp, idx) = news();
        let question =
            "what does the market report say about which pipeline Yukos built in Siberia";
        let long = boosts(&idx, question, &Ranking::default());
        let words: Vec<&str> = long.iter().map(|(w, _)| w.as_str()).collect();
        // `what`, `does`, `about`, `which` are NLTK stop words; `say` and `built` are not.
        assert_eq!(
            words,
            ["market", "report", "say", "pipelin", "yuko", "built", "siberia"]
        );
        let weight = |w: &str| long.iter().find(|(x, _)| x == w).unwrap().1;
        // In every article: FTS5's floor, next to nothing; rare words keep their IDF.
        assert!(weight("market") < 1e-3, "{long:?}");
        assert!((weight("yuko") - 1.0).abs() < 0.2, "{long:?}");
        // The same question ranked as a short query keeps both.
        let off = Ranking {
            long: LongQuery::OFF,
            ..Ranking::default()
        };
        let short = boosts(&idx, question, &off);
        assert!(short.iter().any(|(w, _)| w == "what"));
        assert!(short.iter().all(|(_, b)| *b == 1.0), "{short:?}");
    }

    #[test]
    fn short_queries_rank_as_without_long_question_measures() {
        let (_tmp, idx) = news();
        let off = Ranking {
            long: LongQuery::OFF,
            ..Ranking::default()
        };
        for text in [
            "market",
            "what market",
            "market report yukos",
            "which market about yukos",
            "the market report on pipeline",
        ] {
            assert_eq!(
                boosts(&idx, text, &Ranking::default()),
                boosts(&idx, text, &off),
                "{text}"
            );
            assert_eq!(
                rank_ids(&idx, text, &Ranking::default(), 20).unwrap(),
                rank_ids(&idx, text, &off, 20).unwrap(),
                "{text}"
            );
        }
    }

    #[test]
    fn feedback_adds_the_words_of_the_best_matches() {
        let (_tmp, idx) = news();
        let question = "market report about the Yukos pipeline in cold places";
        let with = |docs: usize| Ranking {
            long: LongQuery {
                feedback_docs: docs,
                feedback_terms: 20,
                feedback_weight: 0.3,
                ..LongQuery::default()
            },
            ..Ranking::default()
        };
        let typed = boosts(&idx, question, &with(0));
        let expanded = boosts(&idx, question, &with(2));
        assert!(!typed.iter().any(|(w, _)| w == "siberia"));
        // Both Yukos articles mention Siberia: it joins the query.
        assert!(
            expanded.iter().any(|(w, b)| w == "siberia" && *b > 0.0),
            "{expanded:?}"
        );
        // The words as typed keep the larger share.
        let typed_weight: Score = expanded[..typed.len()].iter().map(|(_, b)| b).sum();
        let new_weight: Score = expanded[typed.len()..].iter().map(|(_, b)| b).sum();
        assert!(typed_weight > new_weight, "{expanded:?}");
    }

    #[test]
    fn proximity_ranks_neighbouring_words_first() {
        let (_tmp, idx) = index_of(&[
            ("One", "office film shares bank rates interest"),
            ("Two", "interest rates bank shares film office"),
        ]);
        let question = "interest rates bank shares film office";
        let near = Ranking {
            long: LongQuery {
                proximity: 0.2,
                ..LongQuery::default()
            },
            ..Ranking::default()
        };
        let ranked = rank_ids(&idx, question, &near, 10).unwrap();
        assert_eq!(ranked.len(), 2);
        // d1 has every neighbouring pair of the question; d0 none.
        assert_eq!(ranked[0].0, "d1", "{ranked:?}");
        assert!(ranked[0].1 > ranked[1].1);
        let untiered = Ranking {
            tiers: false,
            ..Ranking::default()
        };
        let plain = rank_ids(&idx, question, &untiered, 10).unwrap();
        assert_eq!(plain[0].1, plain[1].1, "{plain:?}");
    }

    #[test]
    fn tier_step_exceeds_bm25_bound() {
        let step = tier_step(200_000, 3, 2.0);
        let idf_max = (1.0f32 + 200_000.5 / 0.5).ln();
        assert!(step > 3.0 * idf_max * 2.2 * 3.0);
        assert!(step.log2().fract() == 0.0);
    }
}
