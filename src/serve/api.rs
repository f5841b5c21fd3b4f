//! The JSON API: `/api/search`, `/api/articles/{id}`, `/api/facets`, `/api/health`.
//!
//! Parameters are those of `search query` and `search facets` under the same
//! names; bodies are the documents those commands print with `--json`, written
//! by the same function ([`output::print_json`]). Every error is
//! `{"error": "..."}` with its status: 400 for a bad parameter or query, 404
//! for an unknown article or route, 405 for a method other than GET, 413 and
//! 414 for an over-long request, 503 when the index cannot be used or a query
//! runs out of time, 500 (without any panic text) for a bug.

use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Serialize;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{TantivyDocument, Term};

use super::{json_error, AppState, MAX_BODY_BYTES, MAX_URI_BYTES};
use crate::article::DateSource;
use crate::error::SearchError;
use crate::index::{SearchIndex, Stored};
use crate::output::{self, Facet, FacetsJson};
use crate::query::{run_query, DateBound, MatchMode, QueryRequest, SortOrder};

/// Most hits one request may ask for.
pub const MAX_LIMIT: usize = 1000;
/// Most hits one request may skip.
pub const MAX_OFFSET: usize = 100_000;
/// Longest query text, in characters.
pub const MAX_QUERY_CHARS: usize = 1000;
/// Most `company` parameters in one request.
pub const MAX_COMPANIES: usize = 100;

/// The API's routes (the state is given by [`super::router`]).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/search", get(search))
        .route("/api/articles/{id}", get(article))
        .route("/api/similar/{id}", get(similar))
        .route("/api/facets", get(facets))
        .route("/api/health", get(health))
}

/// An error answer: a status and a one-line message.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn bad(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    fn unavailable(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::SERVICE_UNAVAILABLE,
            message: message.into(),
        }
    }
}

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> ApiError {
        let status = match &e {
            SearchError::QuerySyntax { .. }
            | SearchError::InvalidQuery(_)
            | SearchError::BadArgument(_) => StatusCode::BAD_REQUEST,
            SearchError::NoIndex(_)
            | SearchError::IncompatibleIndex { .. }
            | SearchError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError {
            status,
            message: e.to_string(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_error(self.status, self.message)
    }
}

/// Answers an unknown route.
pub async fn not_found(request: Request) -> Response {
    json_error(
        StatusCode::NOT_FOUND,
        format!(
            "no such endpoint: {} (see /api/search, /api/articles/ID, /api/facets, /api/health)",
            crate::text::truncate_words(request.uri().path(), 80)
        ),
    )
}

/// Answers a method other than GET (or HEAD).
pub async fn method_not_allowed() -> Response {
    json_error(
        StatusCode::METHOD_NOT_ALLOWED,
        "only GET requests are answered",
    )
}

/// The answer to a request whose handler panicked: a JSON 500 without the
/// panic's text (it goes to the server's stderr); the server goes on.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    json_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal error while answering this request; the server is still running",
    )
}

/// Refuses over-long request lines (414) and bodies (413) before routing.
pub async fn limit_request(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let uri_len = uri.path().len() + uri.query().map_or(0, |q| q.len() + 1);
    if uri_len > MAX_URI_BYTES {
        return json_error(
            StatusCode::URI_TOO_LONG,
            format!("the request is {uri_len} bytes long; at most {MAX_URI_BYTES} are accepted"),
        );
    }
    let body_len = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if body_len.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return json_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("request bodies are limited to {MAX_BODY_BYTES} bytes"),
        );
    }
    next.run(request).await
}

/// A request's query-string parameters, checked against the names allowed.
struct Params(Vec<(String, String)>);

impl Params {
    fn parse(raw: Option<&str>, allowed: &[&str]) -> Result<Params, ApiError> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if let Some((name, _)) = pairs.iter().find(|(k, _)| !allowed.contains(&k.as_str())) {
            return Err(ApiError::bad(format!(
                "unknown parameter `{}` (expected one of: {})",
                crate::text::truncate_words(name, 40),
                allowed.join(", ")
            )));
        }
        Ok(Params(pairs))
    }

    /// The value of a parameter given at most once.
    fn one(&self, name: &str) -> Result<Option<&str>, ApiError> {
        let mut values = self.0.iter().filter(|(k, _)| k == name);
        let first = values.next().map(|(_, v)| v.as_str());
        if values.next().is_some() {
            return Err(ApiError::bad(format!("`{name}` is given more than once")));
        }
        Ok(first)
    }

    /// Every value of a repeatable parameter, empty ones left out.
    fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// A number between `min` and `max`, `default` when absent.
    fn number(
        &self,
        name: &str,
        default: usize,
        min: usize,
        max: usize,
    ) -> Result<usize, ApiError> {
        match self.one(name)? {
            None => Ok(default),
            Some(v) => v
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| {
                    ApiError::bad(format!(
                        "`{name}` must be a whole number from {min} to {max}, not `{}`",
                        crate::text::truncate_words(v, 40)
                    ))
                }),
        }
    }

    /// The query text and filters shared by search and facets.
    fn filters(&self) -> Result<QueryRequest, ApiError> {
        let text = self.one("q")?.unwrap_or("").to_string();
        let chars = text.chars().count();
        if chars > MAX_QUERY_CHARS {
            return Err(ApiError::bad(format!(
                "`q` is {chars} characters long; at most {MAX_QUERY_CHARS} are accepted"
            )));
        }
        let companies: Vec<String> = self.all("company").into_iter().map(String::from).collect();
        if companies.len() > MAX_COMPANIES {
            return Err(ApiError::bad(format!(
                "at most {MAX_COMPANIES} `company` parameters are accepted"
            )));
        }
        let year = match self.one("year")? {
            None => None,
            Some(v) => Some(
                v.trim()
                    .parse::<u16>()
                    .ok()
                    .filter(|y| (1..=9999).contains(y))
                    .ok_or_else(|| {
                        ApiError::bad(format!(
                            "`year` must be a year from 1 to 9999, not `{}`",
                            crate::text::truncate_words(v, 40)
                        ))
                    })?,
            ),
        };
        let bound = |name: &str| -> Result<Option<DateBound>, ApiError> {
            self.one(name)?
                .filter(|v| !v.trim().is_empty())
                .map(|v| {
                    v.parse::<DateBound>().map_err(|e| {
                        ApiError::bad(format!("`{name}`: {}", crate::text::truncate_words(&e, 80)))
                    })
                })
                .transpose()
        };
        let (since, until) = (bound("since")?, bound("until")?);
        if year.is_some() && (since.is_some() || until.is_some()) {
            return Err(ApiError::bad(
                "`year` cannot be combined with `since` or `until`",
            ));
        }
        let match_mode = match self.one("match")?.map(str::trim) {
            None | Some("" | "all") => MatchMode::All,
            Some("any") => MatchMode::Any,
            Some(other) => {
                return Err(ApiError::bad(format!(
                    "`match` must be `all` or `any`, not `{}`",
                    crate::text::truncate_words(other, 40)
                )))
            }
        };
        let exact = match self.one("exact")?.map(str::trim) {
            None | Some("" | "false" | "0") => false,
            Some("true" | "1") => true,
            Some(other) => {
                return Err(ApiError::bad(format!(
                    "`exact` must be `true` or `false`, not `{}`",
                    crate::text::truncate_words(other, 40)
                )))
            }
        };
        let flag = |name: &str, default: bool| -> Result<bool, ApiError> {
            match self.one(name)?.map(str::trim) {
                None | Some("") => Ok(default),
                Some("false" | "0") => Ok(false),
                Some("true" | "1") => Ok(true),
                Some(other) => Err(ApiError::bad(format!(
                    "`{name}` must be `true` or `false`, not `{}`",
                    crate::text::truncate_words(other, 40)
                ))),
            }
        };
        let collapse = flag("collapse", true)?;
        let count = match self.one("count")?.map(str::trim) {
            None | Some("" | "articles") => crate::query::Counting::Articles,
            Some("stories") => crate::query::Counting::Stories,
            Some(other) => {
                return Err(ApiError::bad(format!(
                    "`count` must be `articles` or `stories`, not `{}`",
                    crate::text::truncate_words(other, 40)
                )))
            }
        };
        Ok(QueryRequest {
            text,
            companies,
            year,
            since,
            until,
            match_mode,
            exact,
            keep_duplicates: !collapse,
            count,
            ..QueryRequest::default()
        })
    }
}

const SEARCH_PARAMS: &[&str] = &[
    "q",
    "company",
    "year",
    "since",
    "until",
    "limit",
    "offset",
    "sort",
    "facet_limit",
    "match",
    "exact",
    "collapse",
    "count",
];

/// The [`QueryRequest`] of `/api/search` parameters, with the defaults of `search query`.
fn search_request(raw: Option<&str>) -> Result<QueryRequest, ApiError> {
    let p = Params::parse(raw, SEARCH_PARAMS)?;
    let sort = match p.one("sort")?.map(str::trim) {
        None | Some("" | "relevance") => SortOrder::Relevance,
        Some("date") => SortOrder::Date,
        Some(other) => {
            return Err(ApiError::bad(format!(
                "`sort` must be `relevance` or `date`, not `{}`",
                crate::text::truncate_words(other, 40)
            )))
        }
    };
    Ok(QueryRequest {
        limit: p.number("limit", 10, 0, MAX_LIMIT)?,
        offset: p.number("offset", 0, 0, MAX_OFFSET)?,
        sort,
        company_facet_limit: p.number("facet_limit", 10, 0, MAX_LIMIT)?,
        ..p.filters()?
    })
}

/// Runs `work` on the blocking pool against the current index, within the time limit.
async fn blocking<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce(&SearchIndex) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let index = state.live.index().map_err(ApiError::unavailable)?;
    let task = tokio::task::spawn_blocking(move || work(&index));
    match tokio::time::timeout(state.query_timeout, task).await {
        Err(_) => Err(ApiError::unavailable(format!(
            "the search took longer than {} s and was given up; narrow the query down",
            state.query_timeout.as_secs_f64()
        ))),
        Ok(Err(_)) => Err(ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: "internal error while searching; the server is still running".into(),
        }),
        Ok(Ok(outcome)) => outcome,
    }
}

/// A JSON body written by the CLI's own writer.
fn json_body<T: Serialize>(value: &T) -> Result<Response, ApiError> {
    let mut body = Vec::new();
    output::print_json(&mut body, value).map_err(|e| ApiError {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        message: format!("cannot write the answer: {e}"),
    })?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// `GET /api/search`: the `search query --json` document.
async fn search(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let request = search_request(raw.as_deref())?;
    let results = blocking(&state, move |idx| Ok(run_query(idx, &request)?)).await?;
    json_body(&output::rounded(results))
}

const FACET_PARAMS: &[&str] = &[
    "field", "q", "company", "year", "since", "until", "limit", "match", "exact",
];

/// `GET /api/facets`: the `search facets --json` document.
async fn facets(
    State(state): State<AppState>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let p = Params::parse(raw.as_deref(), FACET_PARAMS)?;
    let field = match p.one("field")?.map(str::trim) {
        Some("company") => Facet::Company,
        Some("year") => Facet::Year,
        Some(other) => {
            return Err(ApiError::bad(format!(
                "`field` must be `company` or `year`, not `{}`",
                crate::text::truncate_words(other, 40)
            )))
        }
        None => return Err(ApiError::bad("`field` is required: `company` or `year`")),
    };
    // As `search facets`: no hits, 20 companies unless told.
    let request = QueryRequest {
        limit: 0,
        company_facet_limit: p.number("limit", 20, 0, MAX_LIMIT)?,
        ..p.filters()?
    };
    let results = blocking(&state, move |idx| Ok(run_query(idx, &request)?)).await?;
    json_body(&FacetsJson::new(&output::rounded(results), field))
}

/// `GET /api/similar/{id}[?limit=N&collapse=false]`: the articles like the
/// article with this id or path (`search similar --json`).
async fn similar(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let p = Params::parse(raw.as_deref(), &["limit", "collapse", "facet_limit"])?;
    let collapse = match p.one("collapse")?.map(str::trim) {
        None | Some("" | "true" | "1") => true,
        Some("false" | "0") => false,
        Some(other) => {
            return Err(ApiError::bad(format!(
                "`collapse` must be `true` or `false`, not `{}`",
                crate::text::truncate_words(other, 40)
            )))
        }
    };
    if id.len() > MAX_ID_BYTES {
        return Err(ApiError {
            status: StatusCode::NOT_FOUND,
            message: "no article has an id this long".into(),
        });
    }
    let request = QueryRequest {
        limit: p.number("limit", 10, 0, MAX_LIMIT)?,
        company_facet_limit: p.number("facet_limit", 10, 0, MAX_LIMIT)?,
        keep_duplicates: !collapse,
        ..QueryRequest::default()
    };
    let results = blocking(&state, move |idx| {
        match crate::query::similar(idx, &id, &request) {
            Ok(found) => Ok(found.results),
            Err(SearchError::BadArgument(message)) if message.starts_with("no article") => {
                Err(ApiError {
                    status: StatusCode::NOT_FOUND,
                    message,
                })
            }
            Err(e) => Err(e.into()),
        }
    })
    .await?;
    json_body(&output::rounded(results))
}

/// One article as `/api/articles/{id}` answers it.
#[derive(Debug, Serialize)]
pub struct ArticleJson {
    /// The article's id.
    pub id: String,
    /// The file it came from.
    pub path: String,
    /// The headline.
    pub title: String,
    /// `YYYY-MM-DD`, when the day is known.
    pub date: Option<String>,
    /// How the date was found: `explicit`, `metadata`, `path`, `inferred` or `unknown`.
    pub date_source: DateSource,
    /// The year, when known.
    pub year: Option<u16>,
    /// Companies the article mentions.
    pub companies: Vec<String>,
    /// Those found by corporate cues rather than the gazetteer.
    pub detected_companies: Vec<String>,
    /// The URL, if the input had one.
    pub url: Option<String>,
    /// The publisher, if the input named one.
    pub source: Option<String>,
    /// The whole text.
    pub text: String,
    /// What `q` matches in the title, as `[start, end)` character offsets.
    pub title_highlights: Vec<[usize; 2]>,
    /// What `q` matches in the text, as `[start, end)` character offsets.
    pub highlights: Vec<[usize; 2]>,
}

/// Longest article id accepted.
const MAX_ID_BYTES: usize = 512;

/// `GET /api/articles/{id}[?q=...]`: one article, whole, with what `q` matches marked.
async fn article(
    State(state): State<AppState>,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    let p = Params::parse(raw.as_deref(), &["q"])?;
    let q = p.one("q")?.unwrap_or("").to_string();
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::bad(format!(
            "`q` is longer than {MAX_QUERY_CHARS} characters"
        )));
    }
    if id.len() > MAX_ID_BYTES {
        return Err(ApiError {
            status: StatusCode::NOT_FOUND,
            message: "no article has an id this long".into(),
        });
    }
    let found = blocking(&state, move |idx| find_article(idx, &id, &q)).await?;
    json_body(&found)
}

/// The stored article with this id, marked for `q`.
fn find_article(idx: &SearchIndex, id: &str, q: &str) -> Result<ArticleJson, ApiError> {
    let f = idx.fields;
    let searcher = idx.reader.searcher();
    let term = TermQuery::new(Term::from_field_text(f.id, id), IndexRecordOption::Basic);
    let top = searcher
        .search(
            &term,
            &tantivy::collector::TopDocs::with_limit(1).order_by_score(),
        )
        .map_err(SearchError::from)?;
    let Some((_, address)) = top.first() else {
        return Err(ApiError {
            status: StatusCode::NOT_FOUND,
            message: format!(
                "no article with id `{}`",
                crate::text::truncate_words(id, 80)
            ),
        });
    };
    let doc: TantivyDocument = searcher.doc(*address).map_err(SearchError::from)?;
    let s = Stored::new(&doc, &f);
    let title = s.text_or_empty(f.title);
    let body = s.text_or_empty(f.text);
    let marker = if q.trim().is_empty() {
        None
    } else {
        crate::query::snippet_maker(idx, q)?
    };
    let (title_highlights, highlights) = match &marker {
        Some(m) => (m.mark_all(&title), m.mark_all(&body)),
        None => (Vec::new(), Vec::new()),
    };
    Ok(ArticleJson {
        id: s.text_or_empty(f.id),
        path: s.text_or_empty(f.path),
        date: s.text(f.date),
        date_source: s.date_source(),
        year: s.year(),
        companies: s.all(f.company),
        detected_companies: s.all(f.company_detected),
        url: s.text(f.url),
        source: s.text(f.source),
        title,
        text: body,
        title_highlights,
        highlights,
    })
}

/// `GET /api/health`.
#[derive(Debug, Serialize)]
pub struct Health {
    /// `ok`.
    pub status: &'static str,
    /// This binary's version.
    pub version: &'static str,
    /// Articles in the commit being searched.
    pub articles: u64,
    /// When the last index run committed (RFC 3339), if recorded.
    pub last_commit: Option<String>,
    /// Segments in the commit being searched.
    pub segments: usize,
}

async fn health(State(state): State<AppState>) -> Result<Response, ApiError> {
    let health = blocking(&state, |idx: &SearchIndex| {
        let searcher = idx.reader.searcher();
        Ok(Health {
            status: "ok",
            version: env!("CARGO_PKG_VERSION"),
            articles: searcher.num_docs(),
            last_commit: crate::index::read_meta(&idx.dir).map(|m| m.built_at),
            segments: searcher.segment_readers().len(),
        })
    })
    .await?;
    json_body(&health)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_parameters_as_the_cli_takes_them() {
        let r = search_request(Some("q=return+to+office&company=AWS&company=Meta&since=2024&until=2025-06-30&limit=5&offset=10&sort=date&facet_limit=3")).unwrap();
        assert_eq!(r.text, "return to office");
        assert_eq!(r.companies, ["AWS", "Meta"]);
        assert_eq!(r.since, Some(DateBound::Year(2024)));
        assert_eq!(r.until, "2025-06-30".parse().ok());
        assert_eq!((r.limit, r.offset, r.company_facet_limit), (5, 10, 3));
        assert_eq!(r.sort, SortOrder::Date);
        let d = search_request(None).unwrap();
        assert_eq!((d.limit, d.offset, d.company_facet_limit), (10, 0, 10));
        assert_eq!(d.sort, SortOrder::Relevance);
    }

    #[test]
    fn bad_parameters_say_which() {
        for (raw, needle) in [
            ("limit=1001", "`limit`"),
            ("limit=-1", "`limit`"),
            ("year=abc", "`year`"),
            ("year=2024&since=2023", "cannot be combined"),
            ("since=yesterday", "`since`"),
            ("sort=best", "`sort`"),
            ("limit=1&limit=2", "more than once"),
            ("qq=x", "unknown parameter `qq`"),
        ] {
            let e = search_request(Some(raw)).unwrap_err();
            assert_eq!(e.status, StatusCode::BAD_REQUEST, "{raw}");
            assert!(e.message.contains(needle), "{raw}: {}", e.message);
        }
        let long = format!("q={}", "a".repeat(MAX_QUERY_CHARS + 1));
        assert!(search_request(Some(&long)).is_err());
    }
}
