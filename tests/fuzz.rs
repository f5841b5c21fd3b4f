//! Property tests ("fuzzing") of the code that takes user input: the query path
//! and the article parser. Each property runs many generated cases; none may
//! panic. Raise the counts with PROPTEST_CASES=N for a longer run.

use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use proptest::prelude::*;
use search::extract::{extract, ExtractContext};
use search::index::{build_index, open_index, BuildOptions, SearchIndex, Silent};
use search::ingest::{read_from, FileKind, RawRecord, RecordSink, Warning};
use search::query::{run_query, QueryRequest, SortOrder};
use search::SearchError;

/// Cases per property: `PROPTEST_CASES` if set, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One index of the test fixtures, shared by all query cases.
fn index() -> &'static Mutex<SearchIndex> {
    static INDEX: OnceLock<Mutex<SearchIndex>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let opts = BuildOptions {
            index_dir: dir.join("idx"),
            paths: vec![root.join("seeds"), root.join("tests/data/news")],
            memory_bytes: 50 << 20,
            writer_threads: 1,
            rebuild: false,
            companies_file: None,
            walk: Default::default(),
            prune: false,
        };
        build_index(&opts, &Silent).unwrap();
        Mutex::new(open_index(&dir.join("idx")).unwrap())
    })
}

/// Query text: pieces of query syntax, words, and any Unicode.
fn query_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just(" AND ".to_string()),
        Just(" OR ".to_string()),
        Just(" NOT ".to_string()),
        Just("-".to_string()),
        Just("+".to_string()),
        Just(":".to_string()),
        Just("title:".to_string()),
        Just("company:".to_string()),
        Just("year:".to_string()),
        Just("nosuchfield:".to_string()),
        Just("[2020 TO 2025]".to_string()),
        Just("^2".to_string()),
        Just("~1".to_string()),
        Just("*".to_string()),
        Just("\\".to_string()),
        Just("\u{0}\u{1b}[31m".to_string()),
        Just("\u{202e}".to_string()),
        Just("return to office".to_string()),
        Just("amazon".to_string()),
        Just(" ".to_string()),
        "[a-z]{1,8}",
        "\\PC{0,6}",
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

fn check_query(
    text: String,
    companies: Vec<String>,
    year: Option<u16>,
    sort_by_date: bool,
    offset: usize,
) {
    let idx = index().lock().unwrap_or_else(|e| e.into_inner());
    let req = QueryRequest {
        text,
        companies,
        year,
        limit: 10,
        offset,
        sort: if sort_by_date {
            SortOrder::Date
        } else {
            SortOrder::Relevance
        },
        company_facet_limit: 10,
        ..QueryRequest::default()
    };
    match run_query(&idx, &req) {
        Ok(r) => {
            assert!(r.hits.len() <= 10);
            let year_total: u64 = r.facets.year.iter().map(|f| f.count).sum();
            assert_eq!(year_total, r.total, "year facet covers every match");
            for hit in &r.hits {
                let chars = hit.snippet.text.chars().count();
                for [a, b] in &hit.snippet.highlights {
                    assert!(a < b && *b <= chars, "highlight inside the snippet");
                }
            }
        }
        Err(SearchError::QuerySyntax { .. } | SearchError::InvalidQuery(_)) => {}
        Err(other) => panic!("unexpected error kind: {other}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(1500)))]

    #[test]
    fn any_query_gives_results_or_a_clear_error(
        text in query_text(),
        companies in prop::collection::vec("\\PC{0,12}", 0..2),
        year in prop::option::of(1u16..3000),
        sort_by_date in any::<bool>(),
        offset in prop_oneof![Just(0usize), 0usize..20, Just(usize::MAX)],
    ) {
        check_query(text, companies, year, sort_by_date, offset);
    }
}

#[test]
fn a_ten_thousand_character_query_is_fine() {
    let long = "amazon layoffs \"return to office ".repeat(300);
    check_query(long, vec![], None, false, 0);
    check_query("x".repeat(10_000), vec![], None, false, 0);
}

struct Discard;
impl RecordSink for Discard {
    fn record(&self, _: RawRecord) {}
    fn warn(&self, w: Warning) {
        assert!(!w.reason.is_empty());
    }
}

/// Bytes that look like articles: header lines, dates, JSON fragments, junk.
fn article_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b" date 2025-01-29 ".to_vec()),
        Just(b"Updated Feb 3\n".to_vec()),
        Just(b"English\n\n".to_vec()),
        Just(b"Published 3 February 2025 10:30 am ET | ".to_vec()),
        Just(b"---\ntitle: x\n---\n".to_vec()),
        Just(b"{\"title\":\"T\",\"body\":\"B\",\"date\":\"2024\"}\n".to_vec()),
        Just(b"{\"body\": ".to_vec()),
        Just(b"[".to_vec()),
        Just(b"\xef\xbb\xbf".to_vec()),
        Just(b"\xff\xfe".to_vec()),
        Just(b"\xa3\xe9\x80".to_vec()),
        Just(b"\0".to_vec()),
        Just(b"\n".to_vec()),
        Just(
            "Amazon's AWS and Apple. Next year Meta\u{2019}s"
                .as_bytes()
                .to_vec()
        ),
        Just("é€😀\u{202e}".as_bytes().to_vec()),
        prop::collection::vec(any::<u8>(), 0..40),
        "\\PC{0,40}".prop_map(String::into_bytes),
    ];
    prop::collection::vec(piece, 0..16).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(3000)))]

    #[test]
    fn the_parser_never_panics(bytes in article_bytes(), kind in 0usize..4) {
        let kind = [FileKind::Text, FileKind::Markdown, FileKind::Json, FileKind::JsonLines][kind];
        read_from(kind, "fuzz", &bytes[..], bytes.len() as u64, &Discard);
    }

    #[test]
    fn extraction_never_panics(bytes in article_bytes(), title in prop::option::of("\\PC{0,30}"), date in prop::option::of("\\PC{0,30}")) {
        let raw = RawRecord {
            path: "fuzz".into(),
            body: String::from_utf8_lossy(&bytes).into_owned(),
            title,
            date,
            ..RawRecord::default()
        };
        let (article, _) = extract(raw, &ExtractContext::builtin());
        if let Some(y) = article.date.year {
            prop_assert!((1800..=2200).contains(&y));
        }
    }
}
