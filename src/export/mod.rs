//! Exporting the extracted articles to other engines: Quickwit
//! ([`quickwit`]), OpenSearch / Elasticsearch ([`opensearch`]) and plain JSON
//! lines ([`jsonl`]).
//!
//! The articles are read back from the index's document store, segment by
//! segment, in index order, through the same selection `search query` makes
//! (query text, `--company` aliases, `--year`, `--since`, `--until`:
//! [`crate::query::select`]). One article is held at a time, so memory stays
//! flat whatever the size of the index.
//!
//! Quickwit and OpenSearch get the same document per article
//! ([`EngineDoc`]): the fields in [`FIELDS`], each target mapping them to its
//! own types. Every document carries a stable id ([`stable_id`]): the same
//! article gets the same id on every export and after `search index
//! --rebuild`, so re-ingesting replaces instead of duplicating.

pub mod jsonl;
pub mod opensearch;
pub mod quickwit;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Serialize;
use tantivy::query::Weight;
use tantivy::{DocSet, Searcher, TantivyDocument, TERMINATED};

use crate::article::DateSource;
use crate::error::SearchError;
use crate::index::{Fields, SearchIndex, Stored};
use crate::query::{AppliedFilters, QueryRequest};

/// Where the articles go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// A Quickwit index config, the documents as NDJSON and a README.
    Quickwit,
    /// An OpenSearch / Elasticsearch mapping, `_bulk` files and a README.
    Opensearch,
    /// The articles as JSON lines, in a shape `search index` reads back.
    Jsonl,
}

impl Target {
    /// The name used on the command line and in the summary.
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Quickwit => "quickwit",
            Target::Opensearch => "opensearch",
            Target::Jsonl => "jsonl",
        }
    }
}

/// The default `--max-bytes`: 10 MB, under both Quickwit's request limit
/// (10 MiB) and OpenSearch's default `http.max_content_length` (100 MB).
pub const DEFAULT_MAX_BYTES: u64 = 10_000_000;

/// What to export and where.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// The target format.
    pub target: Target,
    /// The folder for Quickwit and OpenSearch; the file (or `-`, standard
    /// output) for JSON lines.
    pub out: PathBuf,
    /// The index name in the engine (`index_id` in Quickwit).
    pub name: String,
    /// The largest `_bulk` file (OpenSearch), in bytes.
    pub max_bytes: u64,
    /// Which articles: query text and filters as `search query` reads them
    /// (limit, offset, sort and ranking are ignored).
    pub request: QueryRequest,
}

/// What an export wrote.
#[derive(Debug, Clone, Serialize)]
pub struct ExportSummary {
    /// The target format.
    pub target: Target,
    /// The folder or file written (`-`: standard output).
    pub out: String,
    /// The index name in the engine (`null` for JSON lines).
    pub name: Option<String>,
    /// The query text (empty: every article passing the filters).
    pub query: String,
    /// The filters as applied.
    pub filters: AppliedFilters,
    /// Articles exported.
    pub articles: u64,
    /// Articles with a known day (a `published` date).
    pub dated: u64,
    /// Bytes written, all files together.
    pub bytes: u64,
    /// The files written, in order.
    pub files: Vec<String>,
    /// Quickwit: the timestamp field set in the index config (`published`
    /// when every article has a day, else `null`).
    pub timestamp_field: Option<String>,
    /// Seconds spent.
    pub seconds: f64,
    /// Articles written per second.
    pub articles_per_second: f64,
    /// Things the user should know.
    pub warnings: Vec<String>,
}

/// Hears how an export goes (for a progress bar).
pub trait ExportObserver {
    /// The export starts; `articles` will be written.
    fn start(&self, articles: u64) {
        let _ = articles;
    }
    /// One more article was written.
    fn exported(&self) {}
}

/// An observer that ignores everything.
pub struct Quiet;

impl ExportObserver for Quiet {}

/// An article as the index stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredArticle {
    /// The record's id, else its path (`path:N` inside a multi-article file).
    pub id: String,
    /// The file it came from.
    pub path: String,
    /// The headline.
    pub title: String,
    /// The text.
    pub body: String,
    /// Canonical names of the companies mentioned.
    pub companies: Vec<String>,
    /// Those of `companies` found by corporate cues.
    pub detected_companies: Vec<String>,
    /// The year, when known.
    pub year: Option<u16>,
    /// The day, when known.
    pub date: Option<jiff::civil::Date>,
    /// Where the date came from.
    pub date_source: DateSource,
    /// The URL, if any.
    pub url: Option<String>,
    /// The publisher, if any.
    pub source: Option<String>,
}

impl StoredArticle {
    /// Reads the stored fields of a document.
    pub fn from_doc(doc: &TantivyDocument, f: &Fields) -> StoredArticle {
        let s = Stored::new(doc, f);
        StoredArticle {
            id: s.text_or_empty(f.id),
            path: s.text_or_empty(f.path),
            title: s.text_or_empty(f.title),
            body: s.text_or_empty(f.text),
            companies: s.all(f.company),
            detected_companies: s.all(f.company_detected),
            year: s.year(),
            date: s.text(f.date).and_then(|d| d.parse().ok()),
            date_source: s.date_source(),
            url: s.text(f.url),
            source: s.text(f.source),
        }
    }

    /// The article's stable id ([`stable_id`] of its path and id).
    pub fn uid(&self) -> String {
        stable_id(&self.path, &self.id)
    }
}

/// A stable id for the article of `id` read from `path`: the xxh3-128 hash
/// of the two, as 32 hex digits. It depends on nothing but the article's
/// identity in the index, so it is the same on every export and after a
/// rebuild; two articles of one index share it only if they share both path
/// and id.
pub fn stable_id(path: &str, id: &str) -> String {
    let mut key = Vec::with_capacity(path.len() + id.len() + 1);
    key.extend_from_slice(path.as_bytes());
    key.push(0);
    key.extend_from_slice(id.as_bytes());
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&key))
}

/// How a field of [`EngineDoc`] is indexed, whichever the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// English full text with positions and norms (BM25, phrases).
    Text,
    /// One exact string (filters, aggregations when `fast`).
    Keyword,
    /// Several exact strings.
    Keywords,
    /// The publication year (absent when unknown).
    Year,
    /// The publication day as an RFC 3339 timestamp at midnight UTC (absent
    /// when the day is unknown).
    Date,
}

/// The fields of an exported document: name, kind, whether aggregations
/// need it (a fast field in Quickwit), and what it holds.
pub const FIELDS: &[(&str, FieldKind, bool, &str)] = &[
    (
        "uid",
        FieldKind::Keyword,
        false,
        "stable id of the article (xxh3-128 of path and id)",
    ),
    (
        "id",
        FieldKind::Keyword,
        false,
        "the record's id, else its path",
    ),
    (
        "path",
        FieldKind::Keyword,
        false,
        "the file the article came from",
    ),
    ("title", FieldKind::Text, false, "the headline"),
    ("body", FieldKind::Text, false, "the text"),
    (
        "company",
        FieldKind::Keywords,
        true,
        "canonical names of the companies mentioned",
    ),
    (
        "company_detected",
        FieldKind::Keywords,
        false,
        "those found by corporate cues (less certain)",
    ),
    (
        "year",
        FieldKind::Year,
        true,
        "publication year, absent when unknown",
    ),
    (
        "published",
        FieldKind::Date,
        true,
        "publication day, absent when only the year or nothing is known",
    ),
    (
        "date_source",
        FieldKind::Keyword,
        false,
        "explicit, metadata, path, inferred or unknown",
    ),
    ("url", FieldKind::Keyword, false, "the URL, if any"),
    ("source", FieldKind::Keyword, false, "the publisher, if any"),
];

/// The document Quickwit and OpenSearch receive for an article.
#[derive(Debug, Serialize)]
pub struct EngineDoc<'a> {
    /// See [`FIELDS`].
    pub uid: String,
    /// See [`FIELDS`].
    pub id: &'a str,
    /// See [`FIELDS`].
    pub path: &'a str,
    /// See [`FIELDS`].
    pub title: &'a str,
    /// See [`FIELDS`].
    pub body: &'a str,
    /// See [`FIELDS`].
    pub company: &'a [String],
    /// See [`FIELDS`].
    pub company_detected: &'a [String],
    /// See [`FIELDS`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<u16>,
    /// See [`FIELDS`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// See [`FIELDS`].
    pub date_source: &'static str,
    /// See [`FIELDS`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<&'a str>,
    /// See [`FIELDS`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<&'a str>,
}

impl<'a> EngineDoc<'a> {
    /// The engine document of `a`.
    pub fn of(a: &'a StoredArticle) -> EngineDoc<'a> {
        EngineDoc {
            uid: a.uid(),
            id: &a.id,
            path: &a.path,
            title: &a.title,
            body: &a.body,
            company: &a.companies,
            company_detected: &a.detected_companies,
            year: a.year,
            published: a.date.map(|d| format!("{d}T00:00:00Z")),
            date_source: a.date_source.as_str(),
            url: a.url.as_deref(),
            source: a.source.as_deref(),
        }
    }
}

/// How many documents of `searcher` the weight selects (deleted ones left out).
pub fn count(searcher: &Searcher, weight: &dyn Weight) -> Result<u64, SearchError> {
    let mut total = 0u64;
    for segment in searcher.segment_readers() {
        total += u64::from(weight.count(segment)?);
    }
    Ok(total)
}

/// Calls `visit` with every live document the weight selects, segment by
/// segment, in document order; returns how many it visited. Only the
/// current document is held (and the store reader's last block).
pub fn for_each_article(
    searcher: &Searcher,
    fields: &Fields,
    weight: &dyn Weight,
    mut visit: impl FnMut(StoredArticle) -> Result<(), SearchError>,
) -> Result<u64, SearchError> {
    let mut visited = 0u64;
    for segment in searcher.segment_readers() {
        // Documents come in order, so one cached block decompresses each block once.
        let store = segment
            .get_store_reader(1)
            .map_err(tantivy::TantivyError::from)?;
        let alive = segment.alive_bitset();
        let mut scorer = weight.scorer(segment, 1.0)?;
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                let stored: TantivyDocument = store.get(doc)?;
                visit(StoredArticle::from_doc(&stored, fields))?;
                visited += 1;
            }
            doc = scorer.advance();
        }
    }
    Ok(visited)
}

/// Index names both engines accept: a lower-case ASCII letter, then
/// lower-case letters, digits, `-` or `_`; 3 to 255 characters.
pub fn check_name(name: &str) -> Result<(), SearchError> {
    let ok = (3..=255).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(SearchError::BadArgument(format!(
            "`{}` is not a usable index name: use 3 to 255 lower-case letters, digits, `-` or `_`, starting with a letter",
            crate::text::sanitize_for_terminal(name)
        )))
    }
}

/// Runs an export.
pub fn export(
    idx: &SearchIndex,
    opts: &ExportOptions,
    observer: &dyn ExportObserver,
) -> Result<ExportSummary, SearchError> {
    let started = Instant::now();
    if opts.target != Target::Jsonl {
        check_name(&opts.name)?;
    }
    let selection = crate::query::select(idx, &opts.request)?;
    let searcher = idx.reader.searcher();
    let weight = selection.weight(&searcher)?;
    observer.start(count(&searcher, weight.as_ref())?);
    let mut summary = ExportSummary {
        target: opts.target,
        out: if opts.out == Path::new("-") {
            "-".to_string()
        } else {
            crate::error::shown(&opts.out)
        },
        name: (opts.target != Target::Jsonl).then(|| opts.name.clone()),
        query: opts.request.text.clone(),
        filters: selection.filters.clone(),
        articles: 0,
        dated: 0,
        bytes: 0,
        files: Vec::new(),
        timestamp_field: None,
        seconds: 0.0,
        articles_per_second: 0.0,
        warnings: selection.warnings.clone(),
    };
    let mut each = |visit: &mut dyn FnMut(&StoredArticle) -> Result<(), SearchError>| {
        for_each_article(&searcher, &idx.fields, weight.as_ref(), |a| {
            visit(&a)?;
            observer.exported();
            Ok(())
        })
    };
    match opts.target {
        Target::Jsonl => jsonl::export(&opts.out, &mut each, &mut summary)?,
        Target::Quickwit => quickwit::export(&opts.out, &opts.name, &mut each, &mut summary)?,
        Target::Opensearch => opensearch::export(
            &opts.out,
            &opts.name,
            opts.max_bytes,
            &mut each,
            &mut summary,
        )?,
    }
    let seconds = started.elapsed().as_secs_f64();
    summary.seconds = (seconds * 1000.0).round() / 1000.0;
    summary.articles_per_second = if seconds > 0.0 {
        (summary.articles as f64 / seconds).round()
    } else {
        0.0
    };
    Ok(summary)
}

/// Visits the selected articles: what the targets are handed.
pub(crate) type Articles<'a> = dyn FnMut(&mut dyn FnMut(&StoredArticle) -> Result<(), SearchError>) -> Result<u64, SearchError>
    + 'a;

/// Makes `dir` ready for an export: created if missing; if it exists it must
/// hold only files an export of this kind writes (`ours`), which are removed
/// so that no file of an earlier, larger export is left behind.
pub(crate) fn prepare_dir(dir: &Path, ours: impl Fn(&str) -> bool) -> Result<(), SearchError> {
    let io = |source| SearchError::Io {
        path: dir.to_path_buf(),
        source,
    };
    if dir.exists() && !dir.is_dir() {
        return Err(SearchError::BadArgument(format!(
            "{} is not a folder",
            crate::error::shown(dir)
        )));
    }
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut mine = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !ours(&name) || !entry.file_type().map_err(io)?.is_file() {
            return Err(SearchError::BadArgument(format!(
                "{} holds `{}`, which `search export` did not write; export into an empty or new folder",
                crate::error::shown(dir),
                crate::text::sanitize_for_terminal(&name)
            )));
        }
        mine.push(entry.path());
    }
    for path in mine {
        std::fs::remove_file(&path).map_err(|source| SearchError::Io { path, source })?;
    }
    Ok(())
}

/// A buffered file that counts the bytes written to it.
pub(crate) struct CountingFile {
    out: BufWriter<Box<dyn Write>>,
    path: PathBuf,
    /// Bytes written so far.
    pub bytes: u64,
}

impl CountingFile {
    /// Creates (truncates) the file at `path`; `-` is standard output.
    pub fn create(path: &Path) -> Result<CountingFile, SearchError> {
        let out: Box<dyn Write> = if path == Path::new("-") {
            Box::new(std::io::stdout())
        } else {
            Box::new(File::create(path).map_err(|source| SearchError::Io {
                path: path.to_path_buf(),
                source,
            })?)
        };
        Ok(CountingFile {
            out: BufWriter::with_capacity(1 << 16, out),
            path: path.to_path_buf(),
            bytes: 0,
        })
    }

    /// Writes all of `bytes`.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), SearchError> {
        self.bytes += bytes.len() as u64;
        self.out.write_all(bytes).map_err(|source| SearchError::Io {
            path: self.path.clone(),
            source,
        })
    }

    /// Flushes the file; returns its size.
    pub fn finish(mut self) -> Result<u64, SearchError> {
        self.out.flush().map_err(|source| SearchError::Io {
            path: self.path.clone(),
            source,
        })?;
        Ok(self.bytes)
    }
}

/// Writes a small file whole and records it in the summary.
pub(crate) fn write_file(
    dir: &Path,
    name: &str,
    bytes: &[u8],
    summary: &mut ExportSummary,
) -> Result<(), SearchError> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).map_err(|source| SearchError::Io {
        path: path.clone(),
        source,
    })?;
    summary.bytes += bytes.len() as u64;
    summary.files.push(path.display().to_string());
    Ok(())
}

/// Appends `value` as one JSON line to `buf`.
pub(crate) fn json_line(buf: &mut Vec<u8>, value: &impl Serialize) {
    serde_json::to_writer(&mut *buf, value).expect("an article serialises");
    buf.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_ids_depend_on_path_and_id_only() {
        let a = stable_id("news/a.txt", "news/a.txt");
        assert_eq!(a.len(), 32);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(a, stable_id("news/a.txt", "news/a.txt"));
        assert_ne!(a, stable_id("news/b.txt", "news/a.txt"));
        // The separator keeps `ab`+`c` apart from `a`+`bc`.
        assert_ne!(stable_id("ab", "c"), stable_id("a", "bc"));
        // A fixed value: the id must not change between versions of search.
        assert_eq!(
            stable_id("feed.jsonl", "wire-1"),
            format!(
                "{:032x}",
                xxhash_rust::xxh3::xxh3_128(b"feed.jsonl\0wire-1")
            )
        );
    }

    #[test]
    fn index_names() {
        for ok in ["news", "news-2025", "a_b"] {
            assert!(check_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "ab",
            "News",
            "1news",
            "-news",
            "news feed",
            "news/x",
            "_n",
        ] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn engine_docs_hold_exactly_the_mapped_fields() {
        let a = StoredArticle {
            id: "x".into(),
            path: "p.txt".into(),
            title: "T".into(),
            body: "B".into(),
            companies: vec!["Amazon".into()],
            detected_companies: vec![],
            year: Some(2025),
            date: Some(jiff::civil::date(2025, 1, 29)),
            date_source: DateSource::Explicit,
            url: Some("https://e.com".into()),
            source: Some("Wire".into()),
        };
        let doc = serde_json::to_value(EngineDoc::of(&a)).unwrap();
        let keys: Vec<&str> = doc
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        let mut names: Vec<&str> = FIELDS.iter().map(|f| f.0).collect();
        names.sort();
        let mut keys = keys.clone();
        keys.sort();
        assert_eq!(keys, names);
        assert_eq!(doc["published"], "2025-01-29T00:00:00Z");
        // Unknown values are left out rather than sent as null or 0.
        let b = StoredArticle {
            year: None,
            date: None,
            url: None,
            source: None,
            date_source: DateSource::Unknown,
            ..a
        };
        let doc = serde_json::to_value(EngineDoc::of(&b)).unwrap();
        for absent in ["year", "published", "url", "source"] {
            assert!(doc.get(absent).is_none(), "{absent}");
        }
        assert_eq!(doc["date_source"], "unknown");
    }

    /// Visiting the selection segment by segment finds exactly the articles
    /// `run_query` lists for the same request (the reference), in an index of
    /// several segments with a deleted document.
    #[test]
    fn streamed_selection_is_what_search_query_lists() {
        let tmp = tempfile::TempDir::new().unwrap();
        let corpus = tmp.path().join("news");
        std::fs::create_dir(&corpus).unwrap();
        let companies = ["Amazon Web Services", "Meta", "Google", "Barclays"];
        let write = |i: usize| {
            std::fs::write(
                corpus.join(format!("a{i:03}.txt")),
                format!(
                    "Story {i} about shares\n\n date 20{:02}-0{}-1{} {} said shares rose{}.\n",
                    10 + i % 12,
                    1 + i % 9,
                    i % 10,
                    companies[i % 4],
                    if i.is_multiple_of(3) {
                        " at the office"
                    } else {
                        ""
                    }
                ),
            )
            .unwrap();
        };
        let build = || crate::index::build_for_tests(&tmp.path().join("idx"), &corpus);
        (0..60).for_each(write);
        build();
        (60..100).for_each(write);
        build();
        std::fs::write(corpus.join("a007.txt"), "Rewritten\n\nNo shares here.\n").unwrap();
        build();
        let idx = crate::index::open_index(&tmp.path().join("idx")).unwrap();
        let searcher = idx.reader.searcher();
        assert!(searcher.segment_readers().len() >= 2);
        assert!(searcher
            .segment_readers()
            .iter()
            .any(|s| s.num_deleted_docs() > 0));
        let requests = [
            QueryRequest::default(),
            QueryRequest {
                text: "office".into(),
                ..QueryRequest::default()
            },
            QueryRequest {
                companies: vec!["AWS".into()],
                since: Some(crate::query::DateBound::Year(2014)),
                ..QueryRequest::default()
            },
            QueryRequest {
                text: "shares -office".into(),
                until: "2016-05-01".parse().ok(),
                ..QueryRequest::default()
            },
        ];
        for req in requests {
            let reference = crate::query::run_query(
                &idx,
                &QueryRequest {
                    limit: 1000,
                    // Export writes every article, near-copies too.
                    keep_duplicates: true,
                    ..req.clone()
                },
            )
            .unwrap();
            let mut expected: Vec<String> = reference.hits.iter().map(|h| h.id.clone()).collect();
            expected.sort();
            let selection = crate::query::select(&idx, &req).unwrap();
            let weight = selection.weight(&searcher).unwrap();
            let mut streamed = Vec::new();
            let n = for_each_article(&searcher, &idx.fields, weight.as_ref(), |a| {
                streamed.push(a.id);
                Ok(())
            })
            .unwrap();
            streamed.sort();
            assert!(!expected.is_empty(), "{req:?}");
            assert_eq!(streamed, expected, "{req:?}");
            assert_eq!(n, reference.total);
            assert_eq!(count(&searcher, weight.as_ref()).unwrap(), reference.total);
        }
    }

    #[test]
    fn prepare_dir_refuses_foreign_files_and_clears_its_own() {
        let tmp = tempfile::TempDir::new().unwrap();
        let dir = tmp.path().join("out");
        prepare_dir(&dir, |n| n.ends_with(".ndjson")).unwrap();
        std::fs::write(dir.join("bulk-0009.ndjson"), "old").unwrap();
        prepare_dir(&dir, |n| n.ends_with(".ndjson")).unwrap();
        assert!(!dir.join("bulk-0009.ndjson").exists());
        std::fs::write(dir.join("notes.txt"), "mine").unwrap();
        let err = prepare_dir(&dir, |n| n.ends_with(".ndjson")).unwrap_err();
        assert!(err.to_string().contains("notes.txt"), "{err}");
        assert!(dir.join("notes.txt").exists());
    }
}
