//! Searching: turning a query string and filters into a tantivy query, ranking,
//! counting facets over the whole matched set, and cutting snippets for the hits shown.
//!
//! Ranking of a plain list of words (`return to office`) is BM25 over `title`
//! (boosted) and `body`, in tiers: articles with the words as an exact phrase come
//! first, then those with all the words, then those with some. The tiers are
//! constant score bonuses larger than any BM25 score the query can reach, so the
//! order inside a tier is plain BM25 and nothing is ever dropped: it is never a
//! silent AND. Long natural-language queries (more than [`MAX_TIERED_TERMS`] words)
//! are ranked by BM25 alone. Counts and facets without hits, and hits by date,
//! read an unscored form of the query.
//!
//! A query with operators (`"exact phrase"`, `AND`, `OR`, `-term`, `title:…`,
//! `company:…`, `year:…`) goes to tantivy's query parser as written.

mod facets;
mod plain;

use facets::{year_counts, FacetCollector};

use std::collections::HashSet;
use std::ops::Bound;
use std::time::Instant;

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query,
    QueryParser, QueryParserError, RangeQuery, TermQuery,
};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Order, Score, TantivyDocument, Term};

use crate::article::DateSource;
use crate::error::SearchError;
use crate::extract::companies::Gazetteer;
use crate::index::{Fields, SearchIndex, QUERY_ANALYZER, TEXT_ANALYZER};
pub use crate::snippet::Snippet;
use crate::snippet::SnippetMaker;

/// How plain queries are ranked. The default is what `search query` uses;
/// `search eval` can change each knob to measure it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranking {
    /// Weight of the separate headline field; the headline also counts in
    /// `body`, which holds the whole article.
    pub title_boost: Score,
    /// Rank phrase matches, then all-word matches, above the rest (short queries).
    pub tiers: bool,
    /// Leave English stop words out of the words a document must or may match
    /// (the exact-phrase tier still uses every word).
    pub drop_stop_words: bool,
    /// Which inverse document frequency weighs the words.
    pub idf: Idf,
}

/// The inverse document frequency of a term in `N` documents, `n` of which have it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idf {
    /// tantivy's (Lucene's) `ln(1 + (N - n + 0.5) / (n + 0.5))`: never below zero,
    /// so a word in every document still adds to the score.
    Classic,
    /// Robertson–Spärck Jones `ln((N - n + 0.5) / (n + 0.5))`, floored at a tiny
    /// positive value as SQLite FTS5 does: words in half the documents or more
    /// count (almost) nothing.
    Floored,
}

/// The floor of [`Idf::Floored`] (FTS5 uses 1e-6).
const IDF_FLOOR: f32 = 1e-6;

impl Default for Ranking {
    fn default() -> Self {
        Ranking {
            title_boost: 1.0,
            tiers: true,
            drop_stop_words: true,
            idf: Idf::Classic,
        }
    }
}
/// Plain queries with up to this many terms are ranked in phrase/all/some tiers.
pub const MAX_TIERED_TERMS: usize = 8;
/// The BM25 `k1` parameter tantivy uses; bounds a term's score.
const BM25_K1: f32 = 1.2;

/// A bound of a date filter: a whole year, or one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum DateBound {
    /// A year: from its first day or to its last.
    Year(u16),
    /// A day (`YYYY-MM-DD`).
    Day(#[serde(serialize_with = "day_as_string")] jiff::civil::Date),
}

fn day_as_string<S: serde::Serializer>(d: &jiff::civil::Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&d.to_string())
}

impl DateBound {
    /// The smallest `date_key` inside the bound. Articles known only by their
    /// year (`YYYY0000`) count as the year's first day.
    pub fn first_key(self) -> u64 {
        match self {
            DateBound::Year(y) => y as u64 * 10_000,
            // From January 1st on, articles known only by their year belong in.
            DateBound::Day(d) if d.month() == 1 && d.day() == 1 => d.year() as u64 * 10_000,
            DateBound::Day(d) => d.year() as u64 * 10_000 + d.month() as u64 * 100 + d.day() as u64,
        }
    }

    /// The largest `date_key` inside the bound.
    pub fn last_key(self) -> u64 {
        match self {
            DateBound::Year(y) => y as u64 * 10_000 + 9_999,
            DateBound::Day(d) => d.year() as u64 * 10_000 + d.month() as u64 * 100 + d.day() as u64,
        }
    }
}

impl std::fmt::Display for DateBound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DateBound::Year(y) => write!(f, "{y}"),
            DateBound::Day(d) => write!(f, "{d}"),
        }
    }
}

impl std::str::FromStr for DateBound {
    type Err = String;

    /// `2024` or `2024-03-01`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Ok(year) = s.parse::<u16>() {
            if (1..=9999).contains(&year) {
                return Ok(DateBound::Year(year));
            }
        }
        s.parse::<jiff::civil::Date>()
            .ok()
            .filter(|d| d.year() >= 1)
            .map(DateBound::Day)
            .ok_or_else(|| format!("`{s}` is not a year (2024) or a date (2024-03-01)"))
    }
}

/// How hits are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// Best match first.
    #[default]
    Relevance,
    /// Newest first (articles without a date last).
    Date,
}

/// A search as the library takes it (the CLI converts its flags into this).
#[derive(Debug, Clone, Default)]
pub struct QueryRequest {
    /// The query text; empty means every article (filtered), newest first.
    pub text: String,
    /// Keep only articles mentioning one of these companies (any name or alias).
    pub companies: Vec<String>,
    /// Keep only articles from this year.
    pub year: Option<u16>,
    /// Keep only articles from this year or day or later.
    pub since: Option<DateBound>,
    /// Keep only articles from this year or day or earlier.
    pub until: Option<DateBound>,
    /// Number of hits to return; 0 returns only counts and facets.
    pub limit: usize,
    /// Number of hits to skip.
    pub offset: usize,
    /// Order of the hits.
    pub sort: SortOrder,
    /// How many companies the company facet lists.
    pub company_facet_limit: usize,
    /// Read the text as plain words even if it contains query syntax.
    pub literal: bool,
    /// How plain queries are ranked.
    pub ranking: Ranking,
}

/// One matching article.
#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    /// 1-based rank in the whole result list.
    pub rank: usize,
    /// The article's id.
    pub id: String,
    /// The file it came from.
    pub path: String,
    /// The headline.
    pub title: String,
    /// `YYYY-MM-DD`, when the day is known.
    pub date: Option<String>,
    /// `explicit`, `inferred` or `unknown`.
    pub date_source: DateSource,
    /// The year, when known.
    pub year: Option<u16>,
    /// Companies the article mentions.
    pub companies: Vec<String>,
    /// Those of `companies` found by corporate cues (`X Securities`, `Y Inc`)
    /// rather than the gazetteer: less certain.
    pub detected_companies: Vec<String>,
    /// BM25 score (title boosted); `null` when sorted by date or listing without a query.
    pub score: Option<f32>,
    /// The best passage of the body.
    pub snippet: Snippet,
    /// The article's URL, if the input had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A facet value and how many matching articles have it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FacetCount {
    /// Company name, or year as text (`"2025"`, `"unknown"`).
    pub value: String,
    /// Number of matching articles with this value.
    pub count: u64,
}

/// Facet counts over all matching articles (not just the hits shown).
#[derive(Debug, Clone, Serialize, Default)]
pub struct Facets {
    /// Companies, most mentioned first, at most `company_facet_limit`.
    pub company: Vec<FacetCount>,
    /// Every year, newest first, `unknown` last.
    pub year: Vec<FacetCount>,
}

/// The filters as applied, after resolving company aliases.
#[derive(Debug, Clone, Serialize, Default)]
pub struct AppliedFilters {
    /// Canonical company names searched for.
    pub companies: Vec<String>,
    /// Earliest year (a number) or day (`"YYYY-MM-DD"`) kept.
    pub since: Option<DateBound>,
    /// Latest year (a number) or day (`"YYYY-MM-DD"`) kept.
    pub until: Option<DateBound>,
}

/// The answer to a [`QueryRequest`].
#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    /// The query text.
    pub query: String,
    /// Filters applied.
    pub filters: AppliedFilters,
    /// Order of the hits.
    pub sort: SortOrder,
    /// Number of matching articles.
    pub total: u64,
    /// Hits skipped.
    pub offset: usize,
    /// Hits asked for.
    pub limit: usize,
    /// The hits, best first.
    pub hits: Vec<Hit>,
    /// Counts over all matching articles.
    pub facets: Facets,
    /// Time spent searching, in milliseconds.
    pub took_ms: f64,
    /// Things the user should know, e.g. a `--company` no article mentions.
    pub warnings: Vec<String>,
}

/// Runs a search.
pub fn run_query(idx: &SearchIndex, req: &QueryRequest) -> Result<SearchResults, SearchError> {
    run_query_with(idx, req, true)
}

/// Runs a search; plain lists of words ranked by relevance go through the
/// one-pass search (`plain.rs`) when `one_pass` is set, else through
/// tantivy's boolean query, which gives the same results (tests compare them).
fn run_query_with(
    idx: &SearchIndex,
    req: &QueryRequest,
    one_pass: bool,
) -> Result<SearchResults, SearchError> {
    let started = Instant::now();
    let searcher = idx.reader.searcher();
    let f = idx.fields;
    let text = req.text.trim();

    let num_docs = searcher.num_docs();
    let main = main_query(idx, &searcher, text, req.literal, &req.ranking)?;

    let (filters, warnings) = resolve_filters(req, &searcher, f, &idx.dir);
    let mut filter_clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if !filters.companies.is_empty() {
        let any_company: Vec<(Occur, Box<dyn Query>)> = filters
            .companies
            .iter()
            .map(|c| {
                let term = Term::from_field_text(f.company, &c.to_lowercase());
                let q: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                (Occur::Should, q)
            })
            .collect();
        filter_clauses.push((Occur::Must, filter(BooleanQuery::new(any_company))));
    }
    if let Some(dates) = date_filter(filters.since, filters.until, f) {
        filter_clauses.push((Occur::Must, filter(dates)));
    }

    let sort = if text.is_empty() {
        SortOrder::Date
    } else {
        req.sort
    };
    let facet_collector = FacetCollector {
        company_limit: req.company_facet_limit,
        files: std::sync::Arc::clone(&idx.facet_files),
    };
    // Never ask the collector for more hits than there are documents.
    let limit = req
        .limit
        .min((num_docs as usize).saturating_sub(req.offset));
    // Counts and facets alone, or hits by date, need which documents match,
    // not how well: the unscored query lets tantivy walk the postings in
    // blocks. Ranked hits come with counts in one pass (a separate pass for
    // the top hits measured slower).
    let scored = limit > 0 && sort == SortOrder::Relevance;
    let query = with_filters(
        if scored { main.ranked } else { main.matching },
        &filter_clauses,
    );
    let searched = guarded(|| {
        let failed = |e| search_failure(text, e);
        Ok(if limit == 0 {
            let (total, facets) = searcher
                .search(&query, &(Count, facet_collector))
                .map_err(failed)?;
            (total, facets, Vec::new())
        } else if sort == SortOrder::Date {
            let range = TopDocs::with_limit(limit).and_offset(req.offset);
            let by_date = range.order_by_u64_field("date_key", Order::Desc);
            let (total, facets, top) = searcher
                .search(&query, &(Count, facet_collector, by_date))
                .map_err(failed)?;
            let top: Vec<(Option<f32>, DocAddress)> =
                top.into_iter().map(|(_, a)| (None, a)).collect();
            (total, facets, top)
        } else if let Some(plan) = main.plan.as_ref().filter(|_| one_pass) {
            let filter = (!filter_clauses.is_empty()).then(|| {
                BooleanQuery::new(
                    filter_clauses
                        .iter()
                        .map(|(o, q)| (*o, q.box_clone()))
                        .collect(),
                )
            });
            let filter = plain::Filter {
                query: filter.as_ref().map(|f| f as &dyn Query),
                years: year_span(&filters),
            };
            let found = plain::search(plan, &searcher, filter, &facet_collector, req.offset, limit)
                .map_err(failed)?;
            let top: Vec<(Option<f32>, DocAddress)> =
                found.top.into_iter().map(|(s, a)| (Some(s), a)).collect();
            (found.total, found.facets, top)
        } else {
            let range = TopDocs::with_limit(limit).and_offset(req.offset);
            let (total, facets, top) = searcher
                .search(&query, &(Count, facet_collector, range.order_by_score()))
                .map_err(failed)?;
            let top: Vec<(Option<f32>, DocAddress)> =
                top.into_iter().map(|(s, a)| (Some(s), a)).collect();
            (total, facets, top)
        })
    })?;
    let (total, (years, companies), top) = searched;
    let (marks, tier_step) = (main.marks, main.tier_step);

    let snippets =
        marks.map(|m| SnippetMaker::new(m.words, m.phrase).with_phrase_only(m.phrase_only));
    // Stored documents and snippets of the hits shown, on the search threads.
    let hits = idx.index.search_executor().map(
        |(i, (score, address)): (usize, (Option<f32>, DocAddress))| {
            let doc: TantivyDocument = searcher.doc(address)?;
            // Report the BM25 part of the score, without the tier bonus.
            let score = score.map(|s| if tier_step > 0.0 { s % tier_step } else { s });
            Ok(make_hit(
                &doc,
                &f,
                req.offset + i + 1,
                score,
                snippets.as_ref(),
            ))
        },
        top.into_iter().enumerate(),
    )?;

    Ok(SearchResults {
        query: req.text.clone(),
        filters,
        sort,
        total: total as u64,
        offset: req.offset,
        limit: req.limit,
        hits,
        facets: Facets {
            company: companies,
            year: year_counts(years),
        },
        warnings,
        took_ms: (started.elapsed().as_secs_f64() * 1e5).round() / 100.0,
    })
}

/// What a search for `text` marks in its hits' snippets, to mark the same
/// words in a whole article (`None` for an empty query, which marks nothing).
pub fn snippet_maker(idx: &SearchIndex, text: &str) -> Result<Option<SnippetMaker>, SearchError> {
    let searcher = idx.reader.searcher();
    let main = main_query(idx, &searcher, text.trim(), false, &Ranking::default())?;
    Ok(main
        .marks
        .map(|m| SnippetMaker::new(m.words, m.phrase).with_phrase_only(m.phrase_only)))
}

/// How many guarded searches are running (in any thread: segments are
/// searched on a thread pool, and a panic there reaches the caller).
static GUARDED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// True while a search that turns engine panics into errors runs; the
/// binary's panic hook stays quiet then.
pub fn in_guarded_search() -> bool {
    GUARDED.load(std::sync::atomic::Ordering::SeqCst) > 0
}

/// Runs a search, turning a panic inside the engine (tantivy has debug
/// assertions that some odd queries trip) into a one-line error.
fn guarded<T>(search: impl FnOnce() -> Result<T, SearchError>) -> Result<T, SearchError> {
    GUARDED.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(search));
    GUARDED.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    outcome.unwrap_or_else(|_| {
        Err(SearchError::InvalidQuery(
            "the search engine failed on this query; try rephrasing it".into(),
        ))
    })
}

/// `query` as a required clause, with the filters.
fn with_filters(query: Box<dyn Query>, filters: &[(Occur, Box<dyn Query>)]) -> BooleanQuery {
    let mut clauses = vec![(Occur::Must, query)];
    clauses.extend(filters.iter().map(|(o, q)| (*o, q.box_clone())));
    BooleanQuery::new(clauses)
}

/// A search's queries: the one that ranks, and the one that only selects
/// (for counts and facets), with what snippets mark.
struct MainQuery {
    /// Ranks the matching documents: BM25, plus the tier bonuses of a tiered
    /// plain query.
    ranked: Box<dyn Query>,
    /// The same documents as `ranked`, unscored and as cheap as possible.
    matching: Box<dyn Query>,
    /// The bonus of one tier (0 when not tiered).
    tier_step: Score,
    /// What snippets mark.
    marks: Option<Marks>,
    /// A plain list of words, searched in one pass (`plain.rs`) when ranked.
    plan: Option<plain::PlainPlan>,
}

/// What snippets mark for a query.
struct Marks {
    /// Analyzed words to mark.
    words: HashSet<String>,
    /// The analyzed tokens of a phrase to mark as one span.
    phrase: Vec<String>,
    /// Words marked only inside the phrase.
    phrase_only: HashSet<String>,
}

/// Builds the ranking query for the text: everything when empty, tantivy's
/// syntax when the text uses it (and `literal` is off), else plain words.
fn main_query(
    idx: &SearchIndex,
    searcher: &tantivy::Searcher,
    text: &str,
    literal: bool,
    ranking: &Ranking,
) -> Result<MainQuery, SearchError> {
    Ok(if text.is_empty() {
        MainQuery {
            ranked: Box::new(AllQuery),
            matching: Box::new(AllQuery),
            tier_step: 0.0,
            marks: None,
            plan: None,
        }
    } else if !literal && uses_query_syntax(text) {
        let query = syntax_query(idx, text, ranking)?;
        let mut words = HashSet::new();
        query.query_terms(&mut |term, _| {
            if term.field() == idx.fields.body {
                if let Some(word) = term.value().as_str() {
                    words.insert(word.to_string());
                }
            }
        });
        // The first quoted phrase is highlighted as one span; its words are
        // not marked on their own unless the query also has them outside
        // quotes (`"return to office"` marks no lone `to`).
        let (quoted, outside) = split_quoted(text);
        let mut phrase_only = HashSet::new();
        // The first exact quoted phrase of two words or more (not `"a b"~2`
        // or `"a b"*`, whose matches need not be the words side by side).
        let tokens_of = |q: &str| -> Vec<String> {
            analyze(idx, TEXT_ANALYZER, q)
                .into_iter()
                .map(|(_, t)| t)
                .collect()
        };
        let chosen = quoted
            .iter()
            .position(|(q, exact)| *exact && tokens_of(q).len() >= 2);
        let phrase: Vec<String> = chosen.map(|i| tokens_of(quoted[i].0)).unwrap_or_default();
        if let Some(chosen) = chosen {
            let elsewhere: HashSet<String> = tokens_of(&outside)
                .into_iter()
                .chain(
                    quoted
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| *i != chosen)
                        .flat_map(|(_, (q, _))| tokens_of(q)),
                )
                .collect();
            phrase_only = words
                .iter()
                .filter(|w| !elsewhere.contains(*w) && phrase.contains(*w))
                .cloned()
                .collect();
        }
        MainQuery {
            matching: query.box_clone(),
            ranked: query,
            tier_step: 0.0,
            marks: Some(Marks {
                words,
                phrase,
                phrase_only,
            }),
            plan: None,
        }
    } else {
        let plain = plain_query(idx, searcher, text, ranking);
        MainQuery {
            ranked: plain.ranked,
            matching: plain.matching,
            tier_step: plain.tier_step,
            marks: Some(Marks {
                words: plain.words,
                phrase: plain.phrase,
                phrase_only: HashSet::new(),
            }),
            plan: plain.plan,
        }
    })
}

/// The ids of the `depth` best articles for `text` read as plain words, with
/// their scores: what a relevance evaluation needs, without facets or snippets.
pub fn rank_ids(
    idx: &SearchIndex,
    text: &str,
    ranking: &Ranking,
    depth: usize,
) -> Result<Vec<(String, Score)>, SearchError> {
    let searcher = idx.reader.searcher();
    let text = text.trim();
    if text.is_empty() || depth == 0 {
        return Ok(Vec::new());
    }
    let depth = depth.min(searcher.num_docs() as usize);
    if depth == 0 {
        return Ok(Vec::new());
    }
    let main = main_query(idx, &searcher, text, true, ranking)?;
    let top = guarded(|| {
        Ok(searcher.search(
            main.ranked.as_ref(),
            &TopDocs::with_limit(depth).order_by_score(),
        )?)
    })?;
    let mut ranked = Vec::with_capacity(top.len());
    for (score, address) in top {
        let doc: TantivyDocument = searcher.doc(address)?;
        let id = doc
            .get_first(idx.fields.id)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string();
        ranked.push((id, score));
    }
    Ok(ranked)
}

/// Wraps a filter so that it selects documents without adding to their score.
fn filter(q: impl Query) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(Box::new(q), 0.0))
}

/// When the only filter (`filters` holds them all) is a span of several
/// whole years, the years it keeps (a plain search then reads each
/// article's year from the facet files instead of skipping through the
/// years' posting lists).
fn year_span(filters: &AppliedFilters) -> Option<std::ops::RangeInclusive<u16>> {
    if !filters.companies.is_empty() {
        return None;
    }
    let (lo, hi) = whole_years(filters.since, filters.until)?;
    let hi = hi.unwrap_or(u16::MAX);
    (hi > lo).then_some(lo..=hi)
}

/// The first and last year (`None`: no end) `since` and `until` keep when
/// at least one is set and neither is a day.
fn whole_years(since: Option<DateBound>, until: Option<DateBound>) -> Option<(u16, Option<u16>)> {
    let year = |b: Option<DateBound>| match b {
        None => Some(None),
        Some(DateBound::Year(y)) => Some(Some(y)),
        Some(DateBound::Day(_)) => None,
    };
    let (lo, hi) = (year(since)?, year(until)?);
    (since.is_some() || until.is_some()).then(|| (lo.unwrap_or(1).max(1), hi))
}

/// Year ranges up to this many years are read as one term per year.
const MAX_YEARS_AS_TERMS: u64 = 64;

/// The query keeping the articles between `since` and `until`, if either is
/// set; articles of unknown date never pass. Whole years read the `year`
/// field (0 = unknown), which has one posting list per year; a day reads
/// `date_key` (YYYYMMDD; YYYY0000 when only the year is known; 0 unknown).
fn date_filter(
    since: Option<DateBound>,
    until: Option<DateBound>,
    f: Fields,
) -> Option<Box<dyn Query>> {
    if since.is_none() && until.is_none() {
        return None;
    }
    let (field, lo, hi) = match whole_years(since, until) {
        Some((lo, hi)) => (f.year, u64::from(lo), hi.map(u64::from)),
        None => {
            let lo = since.map_or(1, |b| b.first_key()).max(1);
            (f.date_key, lo, until.map(|b| b.last_key()))
        }
    };
    let term = |value: u64| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_u64(field, value),
            IndexRecordOption::Basic,
        ))
    };
    Some(match hi {
        Some(hi) if hi == lo => term(lo),
        // A few whole years: their posting lists, which skip ahead faster
        // than a range over the column.
        Some(hi) if field == f.year && hi > lo && hi - lo < MAX_YEARS_AS_TERMS => Box::new(
            BooleanQuery::new((lo..=hi).map(|y| (Occur::Should, term(y))).collect()),
        ),
        _ => Box::new(RangeQuery::new(
            Bound::Included(Term::from_field_u64(field, lo)),
            hi.map_or(Bound::Unbounded, |hi| {
                Bound::Included(Term::from_field_u64(field, hi))
            }),
        )),
    })
}

/// Resolves company names to canonical ones and years to a range. A company
/// that no article mentions gets a warning, with the closest known name.
fn resolve_filters(
    req: &QueryRequest,
    searcher: &tantivy::Searcher,
    f: Fields,
    dir: &std::path::Path,
) -> (AppliedFilters, Vec<String>) {
    let mut companies: Vec<String> = Vec::new();
    let mut warnings = Vec::new();
    if !req.companies.is_empty() {
        // Without a user company file, names resolve by scanning the built-in
        // list; the full gazetteer is loaded only for a user file or a hint.
        let has_user_file = dir.join(crate::index::USER_COMPANIES_FILE).exists();
        let full = std::cell::OnceCell::new();
        let gazetteer = || {
            full.get_or_init(|| {
                crate::index::index_gazetteer(dir)
                    .map(|(g, _)| g)
                    .unwrap_or(std::borrow::Cow::Borrowed(Gazetteer::builtin()))
            })
        };
        for name in &req.companies {
            let canonical = if has_user_file {
                gazetteer().canonical(name).map(str::to_string)
            } else {
                Gazetteer::builtin_canonical(name).map(str::to_string)
            }
            .unwrap_or_else(|| crate::text::squash_whitespace(name));
            let term = Term::from_field_text(f.company, &canonical.to_lowercase());
            if searcher.doc_freq(&term).unwrap_or(0) == 0 {
                let hint = gazetteer()
                    .closest(&canonical)
                    .filter(|c| !c.eq_ignore_ascii_case(&canonical))
                    .map(|c| format!(" (did you mean {c}?)"))
                    .unwrap_or_default();
                warnings.push(format!(
                    "no article mentions a company named `{}`{hint}",
                    crate::text::sanitize_for_terminal(name)
                ));
            }
            if !companies.iter().any(|c| c.eq_ignore_ascii_case(&canonical)) {
                companies.push(canonical);
            }
        }
    }
    let (since, until) = match req.year {
        Some(y) => (Some(DateBound::Year(y)), Some(DateBound::Year(y))),
        None => (req.since, req.until),
    };
    let filters = AppliedFilters {
        companies,
        since,
        until,
    };
    (filters, warnings)
}

/// The quoted parts of a query in order, each with whether it is an exact
/// phrase (no `~` slop or `*` prefix after the closing quote), and the text
/// outside them.
fn split_quoted(text: &str) -> (Vec<(&str, bool)>, String) {
    let mut quoted = Vec::new();
    let mut outside = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('"') {
        outside.push_str(&rest[..open]);
        outside.push(' ');
        let after = &rest[open + 1..];
        match after.find('"') {
            Some(close) => {
                let exact = !after[close + 1..].starts_with(['~', '*']);
                quoted.push((&after[..close], exact));
                rest = &after[close + 1..];
            }
            None => {
                rest = after;
                break;
            }
        }
    }
    outside.push_str(rest);
    (quoted, outside)
}

/// True if the query uses any of tantivy's query syntax.
pub fn uses_query_syntax(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(
            c,
            '"' | ':' | '(' | ')' | '[' | ']' | '{' | '}' | '^' | '~' | '*' | '+' | '\\'
        )
    }) || text.split_whitespace().any(|w| {
        matches!(w, "AND" | "OR" | "NOT" | "IN" | "&&" | "||")
            || (w.starts_with('-') && w.len() > 1)
    })
}

fn parser(idx: &SearchIndex, ranking: &Ranking) -> QueryParser {
    let mut parser = QueryParser::for_index(&idx.index, vec![idx.fields.title, idx.fields.body]);
    parser.set_field_boost(idx.fields.title, ranking.title_boost);
    parser
}

/// The deepest nesting of parentheses a query may have.
const MAX_NESTING: usize = 64;

/// How deep parentheses nest in `text`. Parentheses inside quotes count too:
/// quotes can be escaped (`a\"`), so only this count is safe.
fn nesting_depth(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for c in text.chars() {
        match c {
            '(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Parses a query written in tantivy's syntax, pointing at the character of a syntax error.
fn syntax_query(
    idx: &SearchIndex,
    text: &str,
    ranking: &Ranking,
) -> Result<Box<dyn Query>, SearchError> {
    // The parser and the search recurse once per level of parentheses and
    // per `NOT`: a query nested thousands deep would overflow the stack.
    let depth = nesting_depth(text);
    if depth > MAX_NESTING {
        return Err(SearchError::InvalidQuery(format!(
            "parentheses nest {depth} deep in the query; at most {MAX_NESTING} are allowed"
        )));
    }
    let nots = text.split_whitespace().filter(|w| *w == "NOT").count();
    if nots > MAX_NESTING {
        return Err(SearchError::InvalidQuery(format!(
            "the query has {nots} NOT operators; at most {MAX_NESTING} are allowed"
        )));
    }
    let (ast, errors) = tantivy::query_grammar::parse_query_lenient(text);
    if let Some(err) = errors.first() {
        let at = err.pos.min(text.len());
        let at = (0..=at)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        let pos = text[..at].chars().count();
        return Err(SearchError::syntax(text, pos, err.message.clone()));
    }
    parser(idx, ranking)
        .build_query_from_user_input_ast(ast)
        .map_err(|e| explain_parser_error(text, e))
}

/// A plain list of words, as queries ready to run.
struct PlainQuery {
    /// Documents with any of the words, scored by BM25.
    ranked: Box<dyn Query>,
    /// The same documents, unscored: any word in `body` (which holds the
    /// headline too).
    matching: Box<dyn Query>,
    /// The bonus of one tier (0 when the query is not tiered).
    tier_step: Score,
    /// The analyzed words a document may match.
    words: HashSet<String>,
    /// Every analyzed token of the query, in order.
    phrase: Vec<String>,
    /// The same query for the one-pass search.
    plan: Option<plain::PlainPlan>,
}

/// Builds the tiered query for a plain list of words straight from the
/// analyzer's tokens, so no character of the user's text is read as syntax.
fn plain_query(
    idx: &SearchIndex,
    searcher: &tantivy::Searcher,
    text: &str,
    ranking: &Ranking,
) -> PlainQuery {
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
    let term_clause = |token: &str, weight: Score| -> Box<dyn Query> {
        let title_term = Term::from_field_text(f.title, token);
        let body_term = Term::from_field_text(f.body, token);
        let title_boost = weight * ranking.title_boost * idf_boost(&title_term);
        let body_boost = weight * idf_boost(&body_term);
        let title = TermQuery::new(title_term, IndexRecordOption::WithFreqs);
        let body = TermQuery::new(body_term, IndexRecordOption::WithFreqs);
        Box::new(BooleanQuery::new(vec![
            (
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(title), title_boost)),
            ),
            (
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(body), body_boost)),
            ),
        ]))
    };
    let clauses = |occur: Occur| -> Box<dyn Query> {
        Box::new(BooleanQuery::new(
            unique
                .iter()
                .zip(&query_tf)
                .map(|(t, &tf)| (occur, term_clause(t, tf)))
                .collect(),
        ))
    };
    if unique.is_empty() {
        return PlainQuery {
            ranked: Box::new(EmptyQuery),
            matching: Box::new(EmptyQuery),
            tier_step: 0.0,
            words: HashSet::new(),
            phrase: Vec::new(),
            plan: None,
        };
    }
    let body_terms = |occur: Occur| -> Box<dyn Query> {
        Box::new(BooleanQuery::new(
            unique
                .iter()
                .map(|t| {
                    let term = Term::from_field_text(f.body, t);
                    let q: Box<dyn Query> =
                        Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                    (occur, q)
                })
                .collect(),
        ))
    };
    let matching = body_terms(Occur::Should);
    let marks: HashSet<String> = unique.iter().map(|w| w.to_string()).collect();
    let phrase: Vec<String> = tokens.iter().map(|(_, t)| t.clone()).collect();
    let any = clauses(Occur::Should);
    let plan_words: Vec<plain::Word> = unique
        .iter()
        .zip(&query_tf)
        .map(|(t, &tf)| {
            let title = Term::from_field_text(f.title, t);
            let body = Term::from_field_text(f.body, t);
            plain::Word {
                title_boost: tf * ranking.title_boost * idf_boost(&title),
                body_boost: tf * idf_boost(&body),
                title,
                body,
            }
        })
        .collect();
    if !ranking.tiers || !(2..=MAX_TIERED_TERMS).contains(&unique.len()) || tokens.len() < 2 {
        return PlainQuery {
            ranked: any,
            matching,
            tier_step: 0.0,
            words: marks,
            phrase,
            plan: Some(plain::PlainPlan {
                words: plan_words,
                phrase: Vec::new(),
                step: 0.0,
            }),
        };
    }
    // The tiers only select documents, and `body` holds the headline too, so
    // they read `body` alone: half the postings of title-or-body, same documents.
    let exact = PhraseQuery::new_with_offset(
        tokens
            .iter()
            .map(|(pos, t)| (*pos, Term::from_field_text(f.body, t)))
            .collect(),
    );
    let weight: Score = query_tf.iter().sum();
    let step = tier_step(num_docs, weight.ceil() as usize, ranking.title_boost);
    let ranked = BooleanQuery::new(vec![
        (Occur::Should, any),
        (
            Occur::Should,
            Box::new(ConstScoreQuery::new(body_terms(Occur::Must), step)),
        ),
        (
            Occur::Should,
            Box::new(ConstScoreQuery::new(Box::new(exact), step)),
        ),
    ]);
    PlainQuery {
        ranked: Box::new(ranked),
        matching,
        tier_step: step,
        words: marks,
        phrase,
        plan: Some(plain::PlainPlan {
            words: plan_words,
            phrase: tokens
                .iter()
                .map(|(pos, t)| (*pos, Term::from_field_text(f.body, t)))
                .collect(),
            step,
        }),
    }
}

/// The tokens of `text` by the named analyzer, with their positions.
fn analyze(idx: &SearchIndex, analyzer: &str, text: &str) -> Vec<(usize, String)> {
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

/// Turns an error of the search itself into one the user can act on: a query
/// such as `nosuchfield:*` names its field only when it runs.
fn search_failure(text: &str, err: tantivy::TantivyError) -> SearchError {
    match err {
        tantivy::TantivyError::FieldNotFound(field) => {
            explain_parser_error(text, QueryParserError::FieldDoesNotExist(field))
        }
        tantivy::TantivyError::SchemaError(message)
        | tantivy::TantivyError::InvalidArgument(message) => SearchError::InvalidQuery(format!(
            "{message} in `{}` (`field:*` works on company and year only)",
            crate::text::sanitize_for_terminal(text)
        )),
        other => other.into(),
    }
}

fn explain_parser_error(text: &str, err: QueryParserError) -> SearchError {
    match err {
        QueryParserError::FieldDoesNotExist(field) => SearchError::InvalidQuery(format!(
            "unknown field `{field}` in `{}` (fields: title, body, company, year, path, id)",
            crate::text::sanitize_for_terminal(text)
        )),
        other => SearchError::InvalidQuery(format!(
            "{other} in `{}`",
            crate::text::sanitize_for_terminal(text)
        )),
    }
}

/// A score bonus larger than any BM25 score a plain query of `terms` distinct
/// terms can reach in an index of `num_docs` documents: BM25's score for one
/// term in one field is at most `idf_max * (k1 + 1)`, and a term counts in the
/// title (boosted) and the body.
fn tier_step(num_docs: u64, terms: usize, title_boost: Score) -> Score {
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

fn make_hit(
    doc: &TantivyDocument,
    f: &Fields,
    rank: usize,
    score: Option<f32>,
    snippets: Option<&SnippetMaker>,
) -> Hit {
    let text = |field| {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let body = text(f.text).unwrap_or_default();
    let snippet = snippets.map_or_else(|| crate::snippet::lead(&body), |m| m.make(&body));
    let year = doc
        .get_first(f.year)
        .and_then(|v| v.as_u64())
        .filter(|&y| y > 0)
        .map(|y| y as u16);
    Hit {
        rank,
        id: text(f.id).unwrap_or_default(),
        path: text(f.path).unwrap_or_default(),
        title: text(f.title).unwrap_or_default(),
        date: text(f.date),
        date_source: DateSource::parse(&text(f.date_source).unwrap_or_default()),
        year,
        companies: doc
            .get_all(f.company)
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        detected_companies: doc
            .get_all(f.company_detected)
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        score: score.map(|s| (s * 1000.0).round() / 1000.0),
        snippet,
        url: text(f.url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::facet_file::FacetFiles;

    #[test]
    fn nesting_depth_counts_every_parenthesis() {
        assert_eq!(nesting_depth("a (b (c) d) (e)"), 2);
        assert_eq!(nesting_depth("a\\\" ((((x"), 4);
        assert_eq!(nesting_depth("))(("), 2);
    }

    #[test]
    fn quoted_parts_and_the_rest() {
        let (quoted, outside) = split_quoted("\"return to office\" -meta \"rto\"~2 x");
        assert_eq!(quoted, [("return to office", true), ("rto", false)]);
        assert_eq!(
            outside.split_whitespace().collect::<Vec<_>>(),
            ["-meta", "~2", "x"]
        );
        let (quoted, outside) = split_quoted("a \"unclosed b");
        assert!(quoted.is_empty());
        assert_eq!(
            outside.split_whitespace().collect::<Vec<_>>(),
            ["a", "unclosed", "b"]
        );
    }

    #[test]
    fn detects_query_syntax() {
        assert!(!uses_query_syntax("return to office"));
        assert!(!uses_query_syntax("e-commerce layoffs and cuts"));
        assert!(uses_query_syntax("\"return to office\""));
        assert!(uses_query_syntax("layoffs -amazon"));
        assert!(uses_query_syntax("company:amazon"));
        assert!(uses_query_syntax("amazon AND meta"));
    }

    /// An index of generated articles in three commits (so several
    /// segments), one article rewritten (so a deleted document), two
    /// articles alike (so tied scores).
    fn generated_index() -> (tempfile::TempDir, SearchIndex) {
        let tmp = tempfile::TempDir::new().unwrap();
        let corpus = tmp.path().join("news");
        std::fs::create_dir(&corpus).unwrap();
        let words = [
            "return", "to", "office", "shares", "rise", "interest", "rates", "bank", "the",
            "world", "cup", "final", "mobile", "phones", "bye", "film", "awards", "music",
        ];
        let companies = ["Amazon", "Meta", "Google", "Barclays", "Sony"];
        let write = |i: usize| {
            let w = |k: usize| words[(i * 7 + k * 5 + k * k) % words.len()];
            let title = format!("{} {} {}", w(1), w(2), w(3));
            let body: Vec<&str> = (0..10 + i % 40).map(w).collect();
            std::fs::write(
                corpus.join(format!("a{i:03}.txt")),
                format!(
                    "{title}\n\n date 20{:02}-05-0{} {} said. {}\n",
                    10 + i % 12,
                    1 + i % 9,
                    companies[i % 5],
                    body.join(" ")
                ),
            )
            .unwrap();
        };
        let build = || {
            let opts = crate::index::BuildOptions {
                index_dir: tmp.path().join("idx"),
                paths: vec![corpus.clone()],
                memory_bytes: 50 << 20,
                writer_threads: 1,
                rebuild: false,
                companies_file: None,
            };
            crate::index::build_index(&opts, &crate::index::Silent).unwrap();
        };
        for i in 0..120 {
            write(i);
        }
        std::fs::write(
            corpus.join("twin1.txt"),
            "Mobile phones\n\nMobile phones rise.\n",
        )
        .unwrap();
        std::fs::write(
            corpus.join("twin2.txt"),
            "Mobile phones\n\nMobile phones rise.\n",
        )
        .unwrap();
        build();
        for i in 120..200 {
            write(i);
        }
        build();
        std::fs::write(
            corpus.join("a005.txt"),
            "Return to office\n\nBanks return to office.\n",
        )
        .unwrap();
        build();
        let idx = crate::index::open_index(&tmp.path().join("idx")).unwrap();
        (tmp, idx)
    }

    #[test]
    fn one_pass_search_gives_what_the_boolean_query_gives() {
        let (_tmp, idx) = generated_index();
        assert!(idx.reader.searcher().segment_readers().len() >= 2);
        let queries = [
            "return to office",
            "shares",
            "interest rates rise",
            "world cup final",
            "mobile phones",
            "bye bye",
            "the",
            "office office return",
            "bank rates shares film awards music world cup final",
            "nosuchword",
            "phones nosuchword",
        ];
        let mut compared = 0;
        for text in queries {
            let years = |a, b| (Some(DateBound::Year(a)), Some(DateBound::Year(b)));
            let none = (None, None);
            for (companies, year, (since, until), offset, limit) in [
                (vec![], None, none, 0, 10),
                (vec![], None, none, 3, 5),
                (vec![], None, none, 0, 500),
                (vec!["Amazon".to_string()], None, none, 0, 10),
                (vec![], Some(2015), none, 1, 4),
                (vec![], None, years(2012, 2016), 0, 10),
                (vec![], None, (Some(DateBound::Year(2019)), None), 2, 300),
                (vec!["Sony".to_string()], None, years(2010, 2013), 0, 10),
            ] {
                let req = QueryRequest {
                    text: text.to_string(),
                    companies,
                    year,
                    since,
                    until,
                    offset,
                    limit,
                    company_facet_limit: 10,
                    ..QueryRequest::default()
                };
                let fast = run_query_with(&idx, &req, true).unwrap();
                let slow = run_query_with(&idx, &req, false).unwrap();
                let hits = |r: &SearchResults| -> Vec<(String, Option<f32>)> {
                    r.hits.iter().map(|h| (h.id.clone(), h.score)).collect()
                };
                assert_eq!(fast.total, slow.total, "{text} {req:?}");
                assert_eq!(hits(&fast), hits(&slow), "{text} {req:?}");
                assert_eq!(fast.facets.company, slow.facets.company, "{text}");
                assert_eq!(fast.facets.year, slow.facets.year, "{text}");
                compared += fast.hits.len();
            }
        }
        assert!(compared > 500, "the queries find hits ({compared})");
    }

    #[test]
    fn facet_files_and_columns_count_alike() {
        let (tmp, idx) = generated_index();
        let searcher = idx.reader.searcher();
        for segment in searcher.segment_readers() {
            assert!(
                idx.facet_files.get(segment).is_some(),
                "every segment has a file"
            );
        }
        let collector = |files: std::sync::Arc<FacetFiles>| FacetCollector {
            company_limit: 100,
            files,
        };
        let with_files = collector(std::sync::Arc::clone(&idx.facet_files));
        let columns = collector(std::sync::Arc::new(FacetFiles::new(Box::new(
            tantivy::directory::RamDirectory::create(),
        ))));
        // One segment without its file: files and columns meet by name.
        let first = searcher.segment_readers()[0].segment_id();
        let dir = tmp.path().join("idx");
        std::fs::remove_file(dir.join(crate::index::facet_file::file_name(first))).unwrap();
        let reopened = crate::index::open_index(&dir).unwrap();
        let mixed = collector(std::sync::Arc::clone(&reopened.facet_files));
        let shares = TermQuery::new(
            Term::from_field_text(idx.fields.body, "share"),
            IndexRecordOption::Basic,
        );
        let queries: [&dyn Query; 2] = [&AllQuery, &shares];
        for query in queries {
            let (years, companies) = searcher.search(query, &with_files).unwrap();
            assert!(
                companies.len() >= 4 && years.len() >= 4,
                "{years:?} {companies:?}"
            );
            assert_eq!(
                searcher.search(query, &columns).unwrap(),
                (years.clone(), companies.clone())
            );
            let searcher = reopened.reader.searcher();
            assert_eq!(searcher.search(query, &mixed).unwrap(), (years, companies));
        }
    }

    #[test]
    fn year_ranges_as_terms_select_what_a_range_selects() {
        let (_tmp, idx) = generated_index();
        let searcher = idx.reader.searcher();
        let f = idx.fields;
        let range = |lo: u64, hi: u64| {
            RangeQuery::new(
                Bound::Included(Term::from_field_u64(f.year, lo)),
                Bound::Included(Term::from_field_u64(f.year, hi)),
            )
        };
        for (lo, hi) in [(2012, 2015), (2010, 2021), (2000, 2011), (2019, 2030)] {
            let terms = date_filter(Some(DateBound::Year(lo)), Some(DateBound::Year(hi)), f)
                .expect("a filter");
            let expected = searcher
                .search(&range(lo as u64, hi as u64), &Count)
                .unwrap();
            assert!(expected > 0);
            assert_eq!(searcher.search(terms.as_ref(), &Count).unwrap(), expected);
        }
    }

    #[test]
    fn tier_step_exceeds_bm25_bound() {
        let step = tier_step(200_000, 3, 2.0);
        let idf_max = (1.0f32 + 200_000.5 / 0.5).ln();
        assert!(step > 3.0 * idf_max * 2.2 * 3.0);
        assert!(step.log2().fract() == 0.0);
    }
}
