//! What a search asks for ([`QueryRequest`], with its [`Ranking`] and date
//! bounds) and what it answers ([`SearchResults`]: hits, counts, facets).
//! These types are the library's query interface and the shape of
//! `search query --json`.

use serde::Serialize;
use tantivy::Score;

pub use super::typos::Correction;
use crate::article::DateSource;
use crate::index::{day_key, year_key};
pub use crate::snippet::Snippet;

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
    /// What changes for long questions (many distinct words); shorter
    /// queries are ranked by the knobs above alone.
    pub long: LongQuery,
}

/// The ranking of long, natural-language questions: which queries count as
/// long, how much their common words weigh, and pseudo-relevance feedback
/// (RM3: the query expanded with the words of its best matches).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LongQuery {
    /// A plain query with at least this many distinct words (stop words
    /// dropped) is long; 0 turns every long-query measure off.
    pub min_words: usize,
    /// Leave out of a long question the words of NLTK's English stop list
    /// too (`what`, `which`, `about`, `how`, `i`, ...), not only the short
    /// list every query drops.
    pub stop_words: bool,
    /// The inverse document frequency of a long query's words.
    pub idf: Idf,
    /// Feedback documents: the best matches of the query read for expansion
    /// words (0: no feedback).
    pub feedback_docs: usize,
    /// Expansion words kept (the most probable in the feedback documents).
    pub feedback_terms: usize,
    /// Share of the expanded query's weight that goes to the feedback model
    /// (RM3's `1 - λ`); the rest stays with the words as typed.
    pub feedback_weight: f32,
    /// Weight of the proximity bonus: each pair of neighbouring query words
    /// found near each other in the body (within `proximity_slop` extra
    /// positions) adds its BM25 phrase score times this (0: no bonus).
    pub proximity: f32,
    /// How many positions a pair's words may stray from their distance in
    /// the query and still count as near.
    pub proximity_slop: u32,
}

impl LongQuery {
    /// No long-query measure: every query ranked as a short one.
    pub const OFF: LongQuery = LongQuery {
        min_words: 0,
        stop_words: false,
        idf: Idf::Classic,
        feedback_docs: 0,
        feedback_terms: 0,
        feedback_weight: 0.0,
        proximity: 0.0,
        proximity_slop: 0,
    };
}

impl Default for LongQuery {
    /// Five distinct words or more make a long question; its NLTK stop words
    /// are dropped and its words weighed by FTS5's floored IDF. Feedback and
    /// the proximity bonus are off: they lowered MAP on the collections of
    /// BENCHMARKS.md ("Long questions").
    fn default() -> Self {
        LongQuery {
            min_words: LONG_QUESTION_WORDS,
            stop_words: true,
            idf: Idf::Floored,
            ..LongQuery::OFF
        }
    }
}

/// The fewest distinct words (stop words dropped) of a long question: shorter
/// queries (1 to 4 words) are ranked as they always were.
pub const LONG_QUESTION_WORDS: usize = 5;

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
    /// The classic IDF squared (the query's own word weight times the
    /// document's, as in the vector-space model), scaled by the largest
    /// IDF of the index so that a word never weighs more than under
    /// [`Idf::Classic`]: rare words lead, common ones fall away.
    Squared,
}

impl Default for Ranking {
    fn default() -> Self {
        Ranking {
            title_boost: 1.0,
            tiers: true,
            drop_stop_words: true,
            idf: Idf::Classic,
            long: LongQuery::default(),
        }
    }
}

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
            DateBound::Year(y) => year_key(y.into()),
            // From January 1st on, articles known only by their year belong in.
            DateBound::Day(d) if d.month() == 1 && d.day() == 1 => year_key(d.year() as u64),
            DateBound::Day(d) => day_key(d),
        }
    }

    /// The largest `date_key` inside the bound.
    pub fn last_key(self) -> u64 {
        match self {
            DateBound::Year(y) => year_key(y.into()) + 9_999,
            DateBound::Day(d) => day_key(d),
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

/// Which articles the count and the facets of a plain query of several
/// words describe. Either way every article with any of the words is listed,
/// those with all of them first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchMode {
    /// The articles with every word, when at least one article has them all
    /// (else every article with any of them).
    #[default]
    All,
    /// Every article with any of the words.
    Any,
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
    /// Which articles the count and the facets describe.
    pub match_mode: MatchMode,
    /// Search the words as typed: no typo correction.
    pub exact: bool,
    /// How plain queries are ranked.
    pub ranking: Ranking,
    /// List every article, near-copies too (`--no-collapse`); by default
    /// one hit per group of near-duplicates is shown.
    pub keep_duplicates: bool,
    /// What `total`, `partial` and the facets count: articles (the default)
    /// or stories (each group of near-copies once).
    pub count: Counting,
}

/// What the count and the facets count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Counting {
    /// Every matching article, near-copies too.
    #[default]
    Articles,
    /// Every matching story: a group of near-copies counts once.
    Stories,
}

/// A near-copy of a hit (another article of its group).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SimilarArticle {
    /// Its id.
    pub id: String,
    /// Its file.
    pub path: String,
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
    /// `explicit`, `metadata`, `path`, `inferred` or `unknown`.
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
    /// The article's near-copies in the index (whether or not they match),
    /// in index order, the first [`SIMILAR_LISTED`] of them; empty when it
    /// has none. Collapsed away unless `--no-collapse`.
    pub similar: Vec<SimilarArticle>,
    /// How many near-copies the article has in all (`similar` lists at most
    /// [`SIMILAR_LISTED`]).
    pub similar_count: usize,
    /// Its group of near-copies in the searched snapshot, if it has copies
    /// (not in the JSON: what a walk over pages leaves out once shown).
    #[serde(skip)]
    pub group: Option<u32>,
}

/// The most near-copies a hit lists (each is a stored document to read).
pub const SIMILAR_LISTED: usize = 10;

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
    /// Number of matching articles: with `match` all, those with every
    /// word; else every article the query matches.
    pub total: u64,
    /// Articles listed after the `total` ones that have only some of the
    /// words (0 unless `match` is all).
    pub partial: u64,
    /// What `total` and the facets count: `all` (the articles with every
    /// word of a plain query of several words) or `any` (every article the
    /// query matches: one word, query syntax, `--match any`, or no article
    /// with all the words).
    #[serde(rename = "match")]
    pub counted: MatchMode,
    /// Whether `total`, `partial` and the facets count articles or stories.
    pub counts: Counting,
    /// Whether near-copies were collapsed into one hit each.
    pub collapsed: bool,
    /// Query words no article has that were replaced by a close word of the
    /// index (typo tolerance; empty with `--exact`).
    pub corrections: Vec<Correction>,
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
