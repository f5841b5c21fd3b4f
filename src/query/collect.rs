//! Collecting a search: the number of matches, the facets and the hits
//! asked for, by the path that fits the request (counts only, hits by date,
//! ranked hits of a plain query in one pass, or tantivy's collectors).
//!
//! The counting rule ([`MatchMode`]): a plain query of several words ranked
//! in tiers lists every article with any of the words, those with all of
//! them first; its count and facets describe the articles with all the words
//! when there are any, and the others are counted apart (`partial`).

use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query};
use tantivy::{DocAddress, Order, Searcher};

use super::facets::{FacetCollector, FacetFruit};
use super::filter::{with_filters, Clauses};
use super::plain::{self, PlainPlan};
use super::request::{MatchMode, SortOrder};

/// What a search collects.
pub(super) struct Collected {
    /// The articles counted (see [`MatchMode`]).
    pub total: usize,
    /// Articles listed after the counted ones with only some of the words.
    pub partial: usize,
    /// The rule `total` and the facets follow.
    pub counted: MatchMode,
    /// Facets of the counted articles.
    pub facets: FacetFruit,
    /// The hits asked for, with their scores when ranked.
    pub top: Vec<(Option<f32>, DocAddress)>,
}

/// The queries a search collects from, each without its filters.
pub(super) struct Queries<'a> {
    /// Ranks the matches (tier bonuses included).
    pub ranked: &'a dyn Query,
    /// Selects the matches, unscored.
    pub matching: &'a dyn Query,
    /// Selects the matches with all the words, when the all-words rule applies.
    pub all_words: Option<&'a dyn Query>,
    /// The plain query for the one-pass search, if it may be used.
    pub plan: Option<&'a PlainPlan>,
}

/// What to collect.
pub(super) struct Wanted<'a> {
    pub filters: &'a Clauses,
    /// The years the filters keep, when that is all they do.
    pub years: Option<std::ops::RangeInclusive<u16>>,
    pub sort: SortOrder,
    pub offset: usize,
    /// Hits wanted (0: counts and facets only); at most the documents left after `offset`.
    pub limit: usize,
}

/// Collects the search of `queries`.
pub(super) fn collect(
    searcher: &Searcher,
    queries: &Queries<'_>,
    wanted: &Wanted<'_>,
    facets: &FacetCollector,
) -> tantivy::Result<Collected> {
    let filtered = |q: &dyn Query| with_filters(q.box_clone(), wanted.filters);
    let any = filtered(queries.matching);
    let all = queries.all_words.map(filtered);
    if wanted.limit == 0 {
        if let Some(all) = &all {
            let (total, fruit) = searcher.search(all, &(Count, facets.clone()))?;
            if total > 0 {
                let partial = searcher.search(&any, &Count)? - total;
                return Ok(counted_all(total, partial, fruit, Vec::new()));
            }
        }
        let (total, fruit) = searcher.search(&any, &(Count, facets.clone()))?;
        return Ok(counted_any(total, fruit, Vec::new()));
    }
    if wanted.sort == SortOrder::Date {
        let by_date = |offset: usize, limit: usize| {
            TopDocs::with_limit(limit)
                .and_offset(offset)
                .order_by_u64_field("date_key", Order::Desc)
        };
        let unscored =
            |top: Vec<(Option<u64>, DocAddress)>| top.into_iter().map(|(_, a)| (None, a));
        if let Some(all) = &all {
            let (total, fruit, top) = searcher.search(
                all,
                &(Count, facets.clone(), by_date(wanted.offset, wanted.limit)),
            )?;
            if total > 0 {
                let partial = searcher.search(&any, &Count)? - total;
                let mut hits: Vec<_> = unscored(top).collect();
                // The articles with only some of the words come after, by date too.
                let room = wanted.limit - hits.len();
                if room > 0 && partial > 0 {
                    let some_only = BooleanQuery::new(vec![
                        (Occur::Must, Box::new(any.clone()) as Box<dyn Query>),
                        (Occur::MustNot, Box::new(all.clone())),
                    ]);
                    let skip = wanted.offset.saturating_sub(total);
                    hits.extend(unscored(searcher.search(&some_only, &by_date(skip, room))?));
                }
                return Ok(counted_all(total, partial, fruit, hits));
            }
        }
        let (total, fruit, top) = searcher.search(
            &any,
            &(Count, facets.clone(), by_date(wanted.offset, wanted.limit)),
        )?;
        return Ok(counted_any(total, fruit, unscored(top).collect()));
    }
    if let Some(plan) = queries.plan {
        let filter = (!wanted.filters.is_empty()).then(|| {
            BooleanQuery::new(
                wanted
                    .filters
                    .iter()
                    .map(|(o, q)| (*o, q.box_clone()))
                    .collect(),
            )
        });
        let filter = plain::Filter {
            query: filter.as_ref().map(|f| f as &dyn Query),
            years: wanted.years.clone(),
            all_words_facets: all.is_some(),
        };
        let found = plain::search(plan, searcher, filter, facets, wanted.offset, wanted.limit)?;
        let top = found.top.into_iter().map(|(s, a)| (Some(s), a)).collect();
        if all.is_some() && found.total_all > 0 {
            let partial = found.total - found.total_all;
            return Ok(counted_all(found.total_all, partial, found.facets, top));
        }
        let fruit = if all.is_some() {
            // No article has all the words: the facets count them all.
            searcher.search(&any, facets)?
        } else {
            found.facets
        };
        return Ok(counted_any(found.total, fruit, top));
    }
    let range = TopDocs::with_limit(wanted.limit).and_offset(wanted.offset);
    let ranked = filtered(queries.ranked);
    let (total, fruit, top) =
        searcher.search(&ranked, &(Count, facets.clone(), range.order_by_score()))?;
    let top = top.into_iter().map(|(s, a)| (Some(s), a)).collect();
    if let Some(all) = &all {
        let (total_all, fruit_all) = searcher.search(all, &(Count, facets.clone()))?;
        if total_all > 0 {
            return Ok(counted_all(total_all, total - total_all, fruit_all, top));
        }
    }
    Ok(counted_any(total, fruit, top))
}

fn counted_all(
    total: usize,
    partial: usize,
    facets: FacetFruit,
    top: Vec<(Option<f32>, DocAddress)>,
) -> Collected {
    Collected {
        total,
        partial,
        counted: MatchMode::All,
        facets,
        top,
    }
}

fn counted_any(total: usize, facets: FacetFruit, top: Vec<(Option<f32>, DocAddress)>) -> Collected {
    Collected {
        total,
        partial: 0,
        counted: MatchMode::Any,
        facets,
        top,
    }
}
