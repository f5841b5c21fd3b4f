//! What the query text compiles to: the queries a search runs and what its
//! snippets mark. Built by [`super::syntax`] (query syntax) or
//! [`super::words`] (a plain list of words); run by [`super::run_query`].

use std::collections::HashSet;

use tantivy::query::{AllQuery, Query};
use tantivy::Score;

use super::plain::PlainPlan;

/// A search's queries: the one that ranks, and the one that only selects
/// (for counts and facets), with what snippets mark.
pub(super) struct MainQuery {
    /// Ranks the matching documents: BM25, plus the tier bonuses of a tiered
    /// plain query.
    pub ranked: Box<dyn Query>,
    /// The same documents as `ranked`, unscored and as cheap as possible.
    pub matching: Box<dyn Query>,
    /// The documents with all the words, unscored: for a plain query of
    /// several words ranked in tiers, whose count and facets describe them
    /// ([`super::MatchMode::All`]).
    pub all_words: Option<Box<dyn Query>>,
    /// The bonus of one tier (0 when not tiered).
    pub tier_step: Score,
    /// What snippets mark.
    pub marks: Option<Marks>,
    /// A plain list of words, searched in one pass (`plain.rs`) when ranked.
    pub plan: Option<PlainPlan>,
    /// What was read differently from the grammar (`pasted.rs`), for the user.
    pub notes: Vec<String>,
    /// Words replaced by close words of the index (`typos.rs`).
    pub corrections: Vec<super::typos::Correction>,
}

impl MainQuery {
    /// Every article: an empty query.
    pub fn everything() -> MainQuery {
        MainQuery {
            ranked: Box::new(AllQuery),
            matching: Box::new(AllQuery),
            all_words: None,
            tier_step: 0.0,
            marks: None,
            plan: None,
            notes: Vec::new(),
            corrections: Vec::new(),
        }
    }
}

/// The BM25 part of a score, without the bonus of its tier (`tier_step`).
pub(super) fn bm25_part(score: Score, tier_step: Score) -> Score {
    if tier_step > 0.0 {
        score % tier_step
    } else {
        score
    }
}

/// What snippets mark for a query.
pub(super) struct Marks {
    /// Analyzed words to mark.
    pub words: HashSet<String>,
    /// The analyzed tokens of a phrase to mark as one span.
    pub phrase: Vec<String>,
    /// Words marked only inside the phrase.
    pub phrase_only: HashSet<String>,
}
