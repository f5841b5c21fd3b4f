//! Filters: company names resolved to canonical ones, and date bounds turned
//! into zero-score clauses that select articles without changing their rank.

use std::ops::Bound;

use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

use super::request::{AppliedFilters, DateBound, QueryRequest};
use crate::extract::companies::Gazetteer;
use crate::index::Fields;

/// The filters of a search as required clauses of a boolean query: one
/// clause for the companies (any of them), one for the dates.
pub(super) type Clauses = Vec<(Occur, Box<dyn Query>)>;

/// The zero-score clauses that keep only what `filters` allows.
pub(super) fn filter_clauses(filters: &AppliedFilters, f: Fields) -> Clauses {
    let mut clauses: Clauses = Vec::new();
    if !filters.companies.is_empty() {
        let any_company: Clauses = filters
            .companies
            .iter()
            .map(|c| {
                let term = Term::from_field_text(f.company, &c.to_lowercase());
                let q: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::Basic));
                (Occur::Should, q)
            })
            .collect();
        clauses.push((Occur::Must, filter(BooleanQuery::new(any_company))));
    }
    if let Some(dates) = date_filter(filters.since, filters.until, f) {
        clauses.push((Occur::Must, filter(dates)));
    }
    clauses
}

/// `query` as a required clause, with the filters.
pub(super) fn with_filters(
    query: Box<dyn Query>,
    filters: &[(Occur, Box<dyn Query>)],
) -> BooleanQuery {
    let mut clauses = vec![(Occur::Must, query)];
    clauses.extend(filters.iter().map(|(o, q)| (*o, q.box_clone())));
    BooleanQuery::new(clauses)
}

/// Wraps a filter so that it selects documents without adding to their score.
fn filter(q: impl Query) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(Box::new(q), 0.0))
}

/// When the only filter (`filters` holds them all) is a span of several
/// whole years, the years it keeps (a plain search then reads each
/// article's year from the facet files instead of skipping through the
/// years' posting lists).
pub(super) fn year_span(filters: &AppliedFilters) -> Option<std::ops::RangeInclusive<u16>> {
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
pub(super) fn date_filter(
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

/// Company names as an index knows them: any alias to its canonical name.
/// Without a user company file names resolve by scanning the built-in list;
/// the full gazetteer is loaded only for a user file or a hint.
pub(super) struct CompanyNames<'a> {
    dir: &'a std::path::Path,
    has_user_file: bool,
    full: std::cell::OnceCell<std::borrow::Cow<'static, Gazetteer>>,
}

impl<'a> CompanyNames<'a> {
    /// The names of the index in `dir`.
    pub fn new(dir: &'a std::path::Path) -> CompanyNames<'a> {
        CompanyNames {
            dir,
            has_user_file: dir.join(crate::index::USER_COMPANIES_FILE).exists(),
            full: std::cell::OnceCell::new(),
        }
    }

    /// The index's full gazetteer (with its user file), loaded once.
    pub fn gazetteer(&self) -> &Gazetteer {
        self.full.get_or_init(|| {
            crate::index::index_gazetteer(self.dir)
                .map(|(g, _)| g)
                .unwrap_or(std::borrow::Cow::Borrowed(Gazetteer::builtin()))
        })
    }

    /// The canonical name of `name` (any alias, any case), or `name` itself
    /// (whitespace folded) when no company has it.
    pub fn canonical(&self, name: &str) -> String {
        if self.has_user_file {
            self.gazetteer().canonical(name).map(str::to_string)
        } else {
            Gazetteer::builtin_canonical(name).map(str::to_string)
        }
        .unwrap_or_else(|| crate::text::squash_whitespace(name))
    }
}

/// Resolves company names to canonical ones and years to a range. A company
/// that no article mentions gets a warning, with the closest known name.
pub(super) fn resolve_filters(
    req: &QueryRequest,
    searcher: &tantivy::Searcher,
    f: Fields,
    dir: &std::path::Path,
) -> (AppliedFilters, Vec<String>) {
    let mut companies: Vec<String> = Vec::new();
    let mut warnings = Vec::new();
    if !req.companies.is_empty() {
        let names = CompanyNames::new(dir);
        for name in &req.companies {
            let canonical = names.canonical(name);
            let term = Term::from_field_text(f.company, &canonical.to_lowercase());
            if searcher.doc_freq(&term).unwrap_or(0) == 0 {
                let hint = names
                    .gazetteer()
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
