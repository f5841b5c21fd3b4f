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
use tantivy::{DocAddress, Order, Score, Searcher};

use super::after::{score_key, By, Cursor, Last, TopAfter};
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
    /// With a cursor: where the walk is after these hits.
    pub next: Option<Cursor>,
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
    /// Search-after paging: the hits after this cursor (then `offset`
    /// skips hits after it). Counts and facets are collected only from
    /// [`Cursor::Start`]; deeper pages give hits alone.
    pub after: Option<Cursor>,
}

/// Collects the search of `queries`.
pub(super) fn collect(
    searcher: &Searcher,
    queries: &Queries<'_>,
    wanted: &Wanted<'_>,
    facets: &FacetCollector,
) -> tantivy::Result<Collected> {
    if let Some(cursor) = wanted.after {
        return collect_after(searcher, queries, wanted, facets, cursor);
    }
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
        let filter = filters_query(wanted.filters);
        let filter = plain::Filter {
            query: filter.as_ref().map(|f| f as &dyn Query),
            years: wanted.years.clone(),
            all_words_facets: all.is_some(),
        };
        let range = plain::Range {
            after: None,
            offset: wanted.offset,
            limit: wanted.limit,
        };
        let found = plain::search(plan, searcher, filter, facets, range)?;
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
        next: None,
    }
}

fn counted_any(total: usize, facets: FacetFruit, top: Vec<(Option<f32>, DocAddress)>) -> Collected {
    Collected {
        total,
        partial: 0,
        counted: MatchMode::Any,
        facets,
        top,
        next: None,
    }
}

/// [`collect`] with a search-after cursor: the page of hits after `cursor`
/// in the order the offset paging gives (score, or date with the all-words
/// run first), each page a top-k of `offset + limit` whatever its depth.
fn collect_after(
    searcher: &Searcher,
    queries: &Queries<'_>,
    wanted: &Wanted<'_>,
    facets: &FacetCollector,
    cursor: Cursor,
) -> tantivy::Result<Collected> {
    let mut collected = if cursor == Cursor::Start {
        let counting = Wanted {
            filters: wanted.filters,
            years: wanted.years.clone(),
            sort: wanted.sort,
            offset: 0,
            limit: 0,
            after: None,
        };
        collect(searcher, queries, &counting, facets)?
    } else {
        counted_any(0, Default::default(), Vec::new())
    };
    if wanted.limit == 0 {
        collected.next = Some(cursor);
        return Ok(collected);
    }
    let filtered = |q: &dyn Query| with_filters(q.box_clone(), wanted.filters);
    let any = filtered(queries.matching);
    let all = queries.all_words.map(filtered);
    let (top, next) = if wanted.sort == SortOrder::Date {
        by_date_after(searcher, &any, all.as_ref(), wanted, cursor, &collected)?
    } else {
        let last = match cursor {
            Cursor::Score { score, address } => Some(Last {
                key: score_key(score),
                address,
            }),
            _ => None,
        };
        let top: Vec<(Score, DocAddress)> = match queries.plan {
            Some(plan) => {
                let filter = filters_query(wanted.filters);
                let filter = plain::Filter {
                    query: filter.as_ref().map(|f| f as &dyn Query),
                    years: wanted.years.clone(),
                    all_words_facets: false,
                };
                let range = plain::Range {
                    after: last,
                    offset: wanted.offset,
                    limit: wanted.limit,
                };
                plain::search(plan, searcher, filter, &no_facets(facets), range)?.top
            }
            None => {
                let collector = TopAfter {
                    by: By::Score,
                    last,
                    offset: wanted.offset,
                    limit: wanted.limit,
                };
                // The scores again, from the same weight the collector saw.
                let ranked = filtered(queries.ranked);
                scored(searcher, &ranked, collector)?
            }
        };
        let next = match top.last() {
            Some(&(score, address)) => Cursor::Score { score, address },
            None => cursor,
        };
        (top.into_iter().map(|(s, a)| (Some(s), a)).collect(), next)
    };
    collected.top = top;
    collected.next = Some(next);
    Ok(collected)
}

/// A facet collector that names no company: the deeper pages of a walk
/// need no facets, and this one costs least.
fn no_facets(facets: &FacetCollector) -> FacetCollector {
    FacetCollector {
        company_limit: 0,
        ..facets.clone()
    }
}

/// The hits of `collector` (by score) with their exact scores.
fn scored(
    searcher: &Searcher,
    query: &dyn Query,
    collector: TopAfter,
) -> tantivy::Result<Vec<(Score, DocAddress)>> {
    Ok(searcher
        .search(query, &collector)?
        .into_iter()
        .map(|(key, address)| (score_of_key(key), address))
        .collect())
}

/// The score whose [`score_key`] is `key`.
fn score_of_key(key: u64) -> Score {
    let ordered = key as u32;
    let bits = if ordered >> 31 == 1 {
        ordered & 0x7fff_ffff
    } else {
        !ordered
    };
    Score::from_bits(bits)
}

type Page = (Vec<(Option<f32>, DocAddress)>, Cursor);

/// The hits by date after `cursor`: with the all-words rule, the articles
/// with all the words by date, then those with only some by date.
fn by_date_after(
    searcher: &Searcher,
    any: &BooleanQuery,
    all: Option<&BooleanQuery>,
    wanted: &Wanted<'_>,
    cursor: Cursor,
    counted: &Collected,
) -> tantivy::Result<Page> {
    let (in_some, last) = match cursor {
        Cursor::Date {
            some_words,
            date,
            address,
        } => (some_words, Some(Last { key: date, address })),
        _ => (false, None),
    };
    let by_date = |last: Option<Last>, offset: usize, limit: usize| TopAfter {
        by: By::Date,
        last,
        offset,
        limit,
    };
    let mut hits: Vec<(bool, u64, DocAddress)> = Vec::new();
    let (second, second_last, skip) = match all {
        Some(all) => {
            let mut skip = wanted.offset;
            if !in_some {
                let first = searcher.search(all, &by_date(last, wanted.offset, wanted.limit))?;
                // From the start, the offset runs over the all-words run first.
                if counted.counted == MatchMode::All {
                    skip = skip.saturating_sub(counted.total);
                }
                hits.extend(first.into_iter().map(|(d, a)| (false, d, a)));
            }
            let some_only = BooleanQuery::new(vec![
                (Occur::Must, Box::new(any.clone()) as Box<dyn Query>),
                (Occur::MustNot, Box::new(all.clone())),
            ]);
            (Some(some_only), if in_some { last } else { None }, skip)
        }
        None => {
            let first = searcher.search(any, &by_date(last, wanted.offset, wanted.limit))?;
            hits.extend(first.into_iter().map(|(d, a)| (false, d, a)));
            (None, None, 0)
        }
    };
    let room = wanted.limit - hits.len();
    if let Some(some_only) = second.filter(|_| room > 0) {
        let more = searcher.search(&some_only, &by_date(second_last, skip, room))?;
        hits.extend(more.into_iter().map(|(d, a)| (true, d, a)));
    }
    let next = match hits.last() {
        Some(&(some_words, date, address)) => Cursor::Date {
            some_words,
            date,
            address,
        },
        None => cursor,
    };
    Ok((hits.into_iter().map(|(_, _, a)| (None, a)).collect(), next))
}

/// The request's filter clauses as one query, `None` without filters.
fn filters_query(filters: &[(Occur, Box<dyn Query>)]) -> Option<BooleanQuery> {
    (!filters.is_empty())
        .then(|| BooleanQuery::new(filters.iter().map(|(o, q)| (*o, q.box_clone())).collect()))
}
