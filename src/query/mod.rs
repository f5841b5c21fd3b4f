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
//!
//! The module is a front: [`run_query`] and [`rank_ids`] here, the rest by concern:
//!
//! | file | holds |
//! |---|---|
//! | `request.rs` | [`QueryRequest`], [`Ranking`], [`DateBound`]; [`SearchResults`], [`Hit`], [`Facets`] |
//! | `syntax.rs` | queries in tantivy's syntax: detection, parsing, marks, errors |
//! | `pasted.rs` | pasted text made safe: only the documented syntax is syntax |
//! | `words.rs` | a plain list of words as tiered BM25 queries |
//! | `names.rs` | names joined by punctuation (`AT&T`) in plain words, as phrases of their parts |
//! | `after.rs` | search-after paging: the hits after a cursor, a page's top-k at any depth |
//! | `typos.rs` | typo tolerance: a word no article has stands for the closest word |
//! | `compiled.rs` | what either becomes: the queries a search runs, what snippets mark |
//! | `filter.rs` | company and date filters |
//! | `plain.rs` | the one-pass search of plain word lists (same results as the boolean query) |
//! | `facets.rs` | counting years and companies over every match |
//! | `hit.rs` | stored fields and snippets of the hits shown |
//! | `guard.rs` | engine panics turned into errors |
//! | `select.rs` | the articles a request selects, unranked (`search export`) |
//! | `collapse.rs` | near-copies collapsed into one hit; counting stories |
//! | `like.rs` | `search similar`: articles like one article, by its distinctive words |

mod after;
mod collapse;
mod collect;
mod compiled;
mod facets;
mod feedback;
mod filter;
mod guard;
mod hit;
mod like;
mod names;
mod pasted;
mod plain;
mod request;
mod select;
mod syntax;
mod typos;
mod words;

use std::time::Instant;

use tantivy::collector::TopDocs;
use tantivy::schema::Value;
use tantivy::{Score, TantivyDocument};

use crate::error::SearchError;
use crate::index::SearchIndex;
use compiled::MainQuery;
use facets::{year_counts, FacetCollector};
use filter::{filter_clauses, resolve_filters, year_span};
use guard::guarded;
use syntax::search_failure;

pub use after::Cursor;
pub use like::{similar, Similar};
pub use request::{
    AppliedFilters, Correction, Counting, DateBound, FacetCount, Facets, Hit, Idf, LongQuery,
    MatchMode, QueryRequest, Ranking, SearchResults, SimilarArticle, Snippet, SortOrder,
    LONG_QUESTION_WORDS,
};
pub use select::{select, Selection};
pub use syntax::uses_query_syntax;
pub use words::MAX_TIERED_TERMS;

/// Runs a search.
pub fn run_query(idx: &SearchIndex, req: &QueryRequest) -> Result<SearchResults, SearchError> {
    Ok(run_query_with(idx, req, true, None)?.0)
}

/// Runs a search for the page of `req.limit` hits after `after` (see
/// [`Cursor`]), and says where the next page starts (`None` after the
/// last). Near-copies are collapsed within the page only (the walker leaves
/// out the groups of earlier pages: `search query --jsonl`). From
/// [`Cursor::Start`], `req.offset` hits are skipped first and the counts
/// and facets are those [`run_query`] gives; deeper pages give the hits
/// alone (`total` 0, no facets), each a top-k of one page whatever its
/// depth. `req.offset` numbers the hits (`rank` is `req.offset + 1` on).
/// The walk gives the hits in the order of [`run_query`] with a limit
/// large enough for them all. A cursor holds document addresses: it is
/// valid for the same reader snapshot (`search` opens its reader without
/// reloading, so one process sees one snapshot).
pub fn run_query_after(
    idx: &SearchIndex,
    req: &QueryRequest,
    after: Cursor,
) -> Result<(SearchResults, Option<Cursor>), SearchError> {
    run_query_with(idx, req, true, Some(after))
}

/// Runs a search; plain lists of words ranked by relevance go through the
/// one-pass search (`plain.rs`) when `one_pass` is set, else through
/// tantivy's boolean query, which gives the same results (tests compare them).
/// With `after`, the page after that cursor and the next cursor.
fn run_query_with(
    idx: &SearchIndex,
    req: &QueryRequest,
    one_pass: bool,
    after: Option<Cursor>,
) -> Result<(SearchResults, Option<Cursor>), SearchError> {
    run_main(idx, req, one_pass, None, after)
}

/// Runs a search of `req`, or of `compiled` (a query made elsewhere, such
/// as `search similar`'s) in place of the request's text; with `after`,
/// the page after that cursor and the next cursor, `None` at the end.
fn run_main(
    idx: &SearchIndex,
    req: &QueryRequest,
    one_pass: bool,
    compiled: Option<MainQuery>,
    after: Option<Cursor>,
) -> Result<(SearchResults, Option<Cursor>), SearchError> {
    let started = Instant::now();
    if let (Some(since), Some(until)) = (req.since, req.until) {
        if since.first_key() > until.last_key() {
            return Err(SearchError::BadArgument(format!(
                "--since {since} is after --until {until}: no article can be in that range"
            )));
        }
    }
    let searcher = idx.reader.searcher();
    let f = idx.fields;
    let text = req.text.trim();

    let num_docs = searcher.num_docs();
    let main = match compiled {
        Some(main) => main,
        None => main_query(idx, &searcher, text, req.literal, &req.ranking, !req.exact)?,
    };
    let (filters, mut warnings) = resolve_filters(req, &searcher, f, &idx.dir);
    warnings.extend(main.notes.iter().cloned());
    let sort = if text.is_empty() {
        SortOrder::Date
    } else {
        req.sort
    };
    let facet_collector = FacetCollector {
        company_limit: req.company_facet_limit,
        files: std::sync::Arc::clone(&idx.facet_files),
    };
    let queries = collect::Queries {
        ranked: main.ranked.as_ref(),
        matching: main.matching.as_ref(),
        all_words: main
            .all_words
            .as_deref()
            .filter(|_| req.match_mode == MatchMode::All),
        // A word matched with its close word is not searched in one pass.
        plan: main
            .plan
            .as_ref()
            .filter(|p| one_pass && p.words.iter().all(|w| w.alternate.is_none())),
    };
    let filters_clauses = filter_clauses(&filters, f);
    // Never ask a collector for more hits than there are documents.
    let limit = req
        .limit
        .min((num_docs as usize).saturating_sub(req.offset));
    // The groups of near-copies serve the hits (collapsed, or listing their
    // copies) and story counts; counts of articles alone do not read them.
    let groups = if limit > 0 || req.count == Counting::Stories {
        idx.groups()?
    } else {
        std::sync::Arc::default()
    };
    let collapse = !req.keep_duplicates && !groups.is_empty();
    let shown = req.offset.saturating_add(limit);
    let mut window = collapse::first_window(shown);
    let collapsing = collapse && limit > 0;
    let mut collected = loop {
        // A walk (`after`) pages the hits as ranked, uncollapsed: each page
        // keeps the first member of its groups, and the walker leaves out
        // the groups of earlier pages.
        let windowed = collapsing && after.is_none();
        let (offset, limit) = match after {
            _ if windowed => (0, window.min(num_docs as usize)),
            Some(Cursor::Start) | None => (req.offset, limit),
            Some(_) => (0, limit),
        };
        let wanted = collect::Wanted {
            filters: &filters_clauses,
            years: year_span(&filters),
            sort,
            offset,
            limit,
            after,
        };
        let mut collected = guarded(|| {
            collect::collect(&searcher, &queries, &wanted, &facet_collector)
                .map_err(|e| search_failure(text, e))
        })?;
        if after.is_some() {
            if limit == 0 || collected.top.len() < limit {
                collected.next = None;
            }
            if collapsing {
                collected.top = collapse::first_of_each_group(collected.top, &groups);
            }
            break collected;
        }
        if !windowed {
            break collected;
        }
        let exhausted = collected.top.len() < limit || limit >= num_docs as usize;
        let kept = collapse::first_of_each_group(std::mem::take(&mut collected.top), &groups);
        if kept.len() >= shown || exhausted {
            collected.top = kept.into_iter().skip(req.offset).take(req.limit).collect();
            break collected;
        }
        window = window.saturating_mul(2);
    };
    if req.count == Counting::Stories {
        let stories = collapse::count_stories(idx, &searcher, req, &groups, &facet_collector)?;
        collected.total = stories.total as usize;
        collected.partial = stories.partial as usize;
        collected.facets = stories.facets;
    }
    let (years, companies) = collected.facets;
    let hits = hit::fetch_hits(
        idx,
        &searcher,
        main.marks,
        main.tier_step,
        collected.top,
        req.offset,
        &groups,
    )?;

    let results = SearchResults {
        query: req.text.clone(),
        filters,
        sort,
        total: collected.total as u64,
        partial: collected.partial as u64,
        counted: collected.counted,
        counts: req.count,
        collapsed: collapsing,
        corrections: main.corrections.clone(),
        offset: req.offset,
        limit: req.limit,
        hits,
        facets: Facets {
            company: companies,
            year: year_counts(years),
        },
        warnings,
        took_ms: started.elapsed().as_secs_f64() * 1e3,
    };
    Ok((results, collected.next))
}

/// What a search for `text` marks in its hits' snippets, to mark the same
/// words in a whole article (`None` for an empty query, which marks nothing).
pub fn snippet_maker(
    idx: &SearchIndex,
    text: &str,
) -> Result<Option<crate::snippet::SnippetMaker>, SearchError> {
    let searcher = idx.reader.searcher();
    let main = main_query(
        idx,
        &searcher,
        text.trim(),
        false,
        &Ranking::default(),
        true,
    )?;
    Ok(main.marks.map(|m| {
        crate::snippet::SnippetMaker::new(m.words, m.phrase).with_phrase_only(m.phrase_only)
    }))
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
    let main = main_query(idx, &searcher, text, true, ranking, true)?;
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

/// Compiles the text: everything when empty, tantivy's syntax when the text
/// uses the documented syntax (and `literal` is off), else plain words.
/// Whatever the grammar would have read differently from what was typed
/// (an unclosed quote, a colon after a word that is no field) is read as
/// words; the notes say so.
fn main_query(
    idx: &SearchIndex,
    searcher: &tantivy::Searcher,
    text: &str,
    literal: bool,
    ranking: &Ranking,
    correct_typos: bool,
) -> Result<MainQuery, SearchError> {
    if text.is_empty() {
        return Ok(MainQuery::everything());
    }
    if !literal && uses_query_syntax(text) {
        let cleaned = pasted::clean(text);
        let mut notes = cleaned.notes;
        if cleaned.syntax {
            match syntax::compile(idx, &cleaned.text, ranking) {
                Ok(mut main) => {
                    main.notes = notes;
                    return Ok(main);
                }
                // What the cleaning missed is read as words, never an error.
                Err(SearchError::QuerySyntax { message, .. }) => {
                    notes.push(format!("read as plain words ({message})"));
                }
                Err(other) => return Err(other),
            }
        }
        let mut main = words::compile(idx, searcher, text, ranking, correct_typos);
        main.notes = notes;
        return Ok(main);
    }
    Ok(words::compile(idx, searcher, text, ranking, correct_typos))
}

#[cfg(test)]
mod tests {
    use std::ops::Bound;

    use tantivy::collector::Count;
    use tantivy::query::{AllQuery, Query, RangeQuery, TermQuery};
    use tantivy::schema::IndexRecordOption;
    use tantivy::Term;

    use super::filter::date_filter;
    use super::*;
    use crate::index::facet_file::FacetFiles;

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
        let build = || crate::index::build_for_tests(&tmp.path().join("idx"), &corpus);
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
        let (mut compared, mut counted_all) = (0, 0);
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
                for match_mode in [MatchMode::All, MatchMode::Any] {
                    let req = QueryRequest {
                        match_mode,
                        ..req.clone()
                    };
                    let fast = run_query_with(&idx, &req, true, None).unwrap().0;
                    let slow = run_query_with(&idx, &req, false, None).unwrap().0;
                    let hits = |r: &SearchResults| -> Vec<(String, Option<f32>)> {
                        r.hits.iter().map(|h| (h.id.clone(), h.score)).collect()
                    };
                    assert_eq!(fast.total, slow.total, "{text} {req:?}");
                    assert_eq!(fast.partial, slow.partial, "{text} {req:?}");
                    assert_eq!(fast.counted, slow.counted, "{text} {req:?}");
                    assert_eq!(hits(&fast), hits(&slow), "{text} {req:?}");
                    assert_eq!(fast.facets.company, slow.facets.company, "{text}");
                    assert_eq!(fast.facets.year, slow.facets.year, "{text}");
                    if fast.counted == MatchMode::All {
                        counted_all += 1;
                    }
                    compared += fast.hits.len();
                }
            }
        }
        assert!(compared > 500, "the queries find hits ({compared})");
        assert!(
            counted_all > 10,
            "the all-words rule is exercised ({counted_all})"
        );
    }

    /// Every hit of `req` (from its offset on) by walking pages of `page`
    /// hits with the search-after cursor.
    fn walked(idx: &SearchIndex, req: &QueryRequest, page: usize) -> Vec<Hit> {
        let mut hits = Vec::new();
        let mut cursor = Cursor::Start;
        loop {
            let asked = page.min(req.limit - hits.len());
            let page_req = QueryRequest {
                offset: req.offset + hits.len(),
                limit: asked,
                ..req.clone()
            };
            let (results, next) = run_query_after(idx, &page_req, cursor).unwrap();
            let got = results.hits.len();
            hits.extend(results.hits);
            match next {
                Some(next) if got == asked && hits.len() < req.limit => cursor = next,
                _ => return hits,
            }
        }
    }

    #[test]
    fn walking_with_a_cursor_gives_the_hits_of_one_big_top_k() {
        let (_tmp, idx) = generated_index();
        let long = "bank rates shares film awards music world cup final mobile phones the";
        assert!(long.split(' ').count() > MAX_TIERED_TERMS);
        let queries = [
            "mobile phones",
            "phones",
            "return to office",
            "interest rates rise",
            "\"mobile phones\" OR shares",
            "title:bank OR cup",
            long,
            "",
        ];
        let (mut compared, mut tied) = (0, 0);
        for text in queries {
            for sort in [SortOrder::Relevance, SortOrder::Date] {
                for match_mode in [MatchMode::All, MatchMode::Any] {
                    for (companies, offset) in [(vec![], 0), (vec![], 5), (vec!["Sony".into()], 2)]
                    {
                        let req = QueryRequest {
                            text: text.to_string(),
                            companies,
                            offset,
                            limit: 1000,
                            sort,
                            match_mode,
                            company_facet_limit: 10,
                            // Pages collapse near-copies only within themselves.
                            keep_duplicates: true,
                            ..QueryRequest::default()
                        };
                        let reference = run_query(&idx, &req).unwrap();
                        let key = |h: &Hit| (h.rank, h.id.clone(), h.score.map(f32::to_bits));
                        let expected: Vec<_> = reference.hits.iter().map(key).collect();
                        for page in [1, 7, 50] {
                            let got: Vec<_> = walked(&idx, &req, page).iter().map(key).collect();
                            assert_eq!(got, expected, "{text:?} {sort:?} {match_mode:?} {page}");
                        }
                        let (first, _) = run_query_after(
                            &idx,
                            &QueryRequest {
                                limit: 7,
                                ..req.clone()
                            },
                            Cursor::Start,
                        )
                        .unwrap();
                        assert_eq!(first.total, reference.total, "{text:?}");
                        assert_eq!(first.partial, reference.partial, "{text:?}");
                        assert_eq!(first.facets.year, reference.facets.year, "{text:?}");
                        compared += expected.len();
                        tied += expected
                            .windows(2)
                            .filter(|w| w[0].2.is_some() && w[0].2 == w[1].2)
                            .count();
                    }
                }
            }
        }
        assert!(compared > 2000, "the walks find hits ({compared})");
        assert!(tied > 5, "tied scores are walked through ({tied})");
    }

    #[test]
    fn collapsed_hits_are_the_reference_collapse_of_all_hits() {
        let (_tmp, idx) = generated_index();
        let groups = idx.groups().unwrap();
        assert!(groups.len() >= 3, "the index has near-copies ({groups:?})");
        let searcher = idx.reader.searcher();
        let everything = searcher.num_docs() as usize;
        let mut compared = 0;
        for text in [
            "",
            "shares",
            "mobile phones",
            "return to office",
            "world cup final",
        ] {
            for sort in [SortOrder::Relevance, SortOrder::Date] {
                for (offset, limit) in [(0, 10), (0, 1), (3, 7), (20, 30), (0, 500)] {
                    let req = QueryRequest {
                        text: text.to_string(),
                        sort,
                        offset,
                        limit,
                        company_facet_limit: 10,
                        ..QueryRequest::default()
                    };
                    let fast = run_query(&idx, &req).unwrap();
                    assert!(fast.collapsed);
                    let all = run_query(
                        &idx,
                        &QueryRequest {
                            keep_duplicates: true,
                            offset: 0,
                            limit: everything,
                            ..req.clone()
                        },
                    )
                    .unwrap();
                    assert!(!all.collapsed);
                    // The reference: every hit, then the first of each group.
                    let mut seen = std::collections::HashSet::new();
                    let firsts: Vec<&Hit> = all
                        .hits
                        .iter()
                        .filter(|h| {
                            let mut key: Vec<&str> =
                                h.similar.iter().map(|s| s.id.as_str()).collect();
                            key.push(&h.id);
                            key.sort();
                            seen.insert(key.join(" "))
                        })
                        .collect();
                    let reference: Vec<String> = firsts
                        .iter()
                        .skip(offset)
                        .take(limit)
                        .map(|h| h.id.clone())
                        .collect();
                    let ids: Vec<String> = fast.hits.iter().map(|h| h.id.clone()).collect();
                    assert_eq!(ids, reference, "{text:?} {sort:?} {offset} {limit}");
                    let ranks: Vec<usize> = fast.hits.iter().map(|h| h.rank).collect();
                    assert_eq!(
                        ranks,
                        (offset + 1..offset + 1 + ids.len()).collect::<Vec<_>>()
                    );
                    assert_eq!(fast.total, all.total, "articles are counted by default");
                    compared += ids.len();
                    // Stories: each group once, over what `total` counts.
                    if text.split_whitespace().count() <= 1 {
                        let stories = run_query(
                            &idx,
                            &QueryRequest {
                                count: Counting::Stories,
                                ..req.clone()
                            },
                        )
                        .unwrap();
                        assert_eq!(stories.total as usize, seen.len(), "{text:?}");
                        let year_total: u64 = stories.facets.year.iter().map(|y| y.count).sum();
                        assert_eq!(year_total, stories.total);
                        assert!(stories.total <= fast.total);
                    }
                }
            }
        }
        assert!(compared > 200, "{compared}");
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
}
