//! The articles a request selects, unranked, for visiting every match
//! segment by segment (`search export`): the same query text, filters and
//! counting rule as [`super::run_query`] (what its `total` counts).

use tantivy::collector::Count;
use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::Searcher;

use super::filter::{filter_clauses, resolve_filters, with_filters};
use super::request::{AppliedFilters, MatchMode, QueryRequest};
use super::syntax::search_failure;
use crate::error::SearchError;
use crate::index::SearchIndex;

/// The articles a request matches.
pub struct Selection {
    /// Selects the matching documents (no useful scores).
    pub query: Box<dyn Query>,
    /// The filters as applied.
    pub filters: AppliedFilters,
    /// What the selection counts (the articles with all the words, or any).
    pub counted: MatchMode,
    /// Things the user should know, e.g. a `--company` no article mentions.
    pub warnings: Vec<String>,
    /// The query text, for error messages.
    text: String,
}

impl Selection {
    /// The selection's weight for `searcher`, scoring disabled; errors that
    /// only show when a query runs (`nosuchfield:*`) become one-line errors.
    pub fn weight(&self, searcher: &Searcher) -> Result<Box<dyn Weight>, SearchError> {
        self.query
            .weight(EnableScoring::disabled_from_searcher(searcher))
            .map_err(|e| search_failure(&self.text, e))
    }
}

/// What `req` selects (its text, companies, year, dates and counting rule;
/// limit, offset, sort and ranking do not matter): the articles
/// [`super::run_query`] counts in `total`.
pub fn select(idx: &SearchIndex, req: &QueryRequest) -> Result<Selection, SearchError> {
    let searcher = idx.reader.searcher();
    let text = req.text.trim();
    let main = super::main_query(idx, &searcher, text, req.literal, &req.ranking, !req.exact)?;
    let (filters, warnings) = resolve_filters(req, &searcher, idx.fields, &idx.dir);
    let clauses = filter_clauses(&filters, idx.fields);
    // The articles with all the words, when some article has them all.
    let all_words = main
        .all_words
        .filter(|_| req.match_mode == MatchMode::All)
        .map(|q| with_filters(q, &clauses))
        .filter(|q| searcher.search(q, &Count).is_ok_and(|n| n > 0));
    let (query, counted): (Box<dyn Query>, MatchMode) = match all_words {
        Some(all) => (Box::new(all), MatchMode::All),
        None if clauses.is_empty() => (main.matching, MatchMode::Any),
        None => (
            Box::new(with_filters(main.matching, &clauses)),
            MatchMode::Any,
        ),
    };
    Ok(Selection {
        query,
        filters,
        counted,
        warnings,
        text: text.to_string(),
    })
}
