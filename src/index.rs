//! The index: its schema and analyzers, building it from files, opening it for search.
//!
//! Schema (field → how it is used):
//!
//! | field         | type                              | used for                           |
//! |---------------|-----------------------------------|------------------------------------|
//! | `id`          | string, stored                    | showing the article's id           |
//! | `path`        | string, indexed, stored           | showing the file; deleting by file |
//! | `title`       | text (`en`), stored               | ranking (boosted), display         |
//! | `body`        | text (`en`), stored               | ranking, snippets                  |
//! | `company`     | lower-cased keyword, fast, stored | `--company`, `company:` and facets |
//! | `year`        | u64, indexed, fast, stored        | `--year`/`--since`/`--until`, facets (0 = unknown) |
//! | `date_key`    | u64 `YYYYMMDD`, fast              | newest-first sorting (0 = unknown) |
//! | `date`, `date_source`, `url`, `source` | stored   | display                            |
//!
//! A build writes every article with one `IndexWriter` fed from rayon threads and
//! commits once at the end, so a reader sees either the old index or the new one.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    Stemmer, TextAnalyzer,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument};

use crate::article::Article;
use crate::error::SearchError;
use crate::extract::{extract, ExtractContext};
use crate::ingest::{self, InputFile, RawRecord, RecordSink, Warning};

/// Bumped whenever the schema, the analyzers or the stored values change meaning.
pub const SCHEMA_VERSION: u32 = 1;
/// Name of the English analyzer used for `title` and `body`.
pub const TEXT_ANALYZER: &str = "en_stem_fold";
/// Name of the keyword analyzer used for `company`.
pub const KEYWORD_ANALYZER: &str = "keyword_lower";
/// The file beside tantivy's own that describes how the index was built.
pub const META_FILE: &str = "search-meta.json";

/// Handles to the schema's fields.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Article id.
    pub id: Field,
    /// Source file.
    pub path: Field,
    /// Headline.
    pub title: Field,
    /// Text.
    pub body: Field,
    /// Canonical company names (multi-valued).
    pub company: Field,
    /// Publication year, 0 when unknown.
    pub year: Field,
    /// `YYYYMMDD` (or `YYYY0000` when only the year is known), 0 when unknown.
    pub date_key: Field,
    /// `YYYY-MM-DD`, when the day is known.
    pub date: Field,
    /// `explicit`, `inferred` or `unknown`.
    pub date_source: Field,
    /// URL, if any.
    pub url: Field,
    /// Publisher, if any.
    pub source: Field,
}

impl Fields {
    /// Looks the fields up in a schema built by [`build_schema`].
    pub fn from_schema(schema: &Schema) -> Result<Fields, SearchError> {
        let get = |name: &str| {
            schema
                .get_field(name)
                .map_err(|_| SearchError::IncompatibleIndex {
                    path: PathBuf::from("."),
                    found: format!("no `{name}` field"),
                })
        };
        Ok(Fields {
            id: get("id")?,
            path: get("path")?,
            title: get("title")?,
            body: get("body")?,
            company: get("company")?,
            year: get("year")?,
            date_key: get("date_key")?,
            date: get("date")?,
            date_source: get("date_source")?,
            url: get("url")?,
            source: get("source")?,
        })
    }
}

/// The schema described in the module docs.
pub fn build_schema() -> Schema {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TEXT_ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let company = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(KEYWORD_ANALYZER)
                .set_index_option(IndexRecordOption::Basic),
        )
        .set_fast("raw")
        .set_stored();
    b.add_text_field("id", STRING | STORED);
    b.add_text_field("path", STRING | STORED);
    b.add_text_field("title", text.clone());
    b.add_text_field("body", text);
    b.add_text_field("company", company);
    b.add_u64_field("year", INDEXED | FAST | STORED);
    b.add_u64_field("date_key", FAST);
    b.add_text_field("date", STORED);
    b.add_text_field("date_source", STORED);
    b.add_text_field("url", STORED);
    b.add_text_field("source", STORED);
    b.build()
}

/// Registers the analyzers the schema names on `index`.
pub fn register_analyzers(index: &Index) {
    let english = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::English))
        .build();
    index.tokenizers().register(TEXT_ANALYZER, english);
    let keyword = TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .build();
    index.tokenizers().register(KEYWORD_ANALYZER, keyword);
}

/// What an index records about how it was built.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct IndexMeta {
    /// [`SCHEMA_VERSION`] of the binary that built it.
    pub schema_version: u32,
    /// Version of `search` that built it.
    pub built_by: String,
    /// The paths it was built from, as given.
    pub paths: Vec<String>,
    /// Number of articles.
    pub articles: u64,
    /// When the build finished (RFC 3339).
    pub built_at: String,
}

/// Settings for [`build_index`].
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Folder of the index; created if missing.
    pub index_dir: PathBuf,
    /// Files and folders to index.
    pub paths: Vec<PathBuf>,
    /// Memory budget of tantivy's writer, in bytes, shared by its threads.
    pub memory_bytes: usize,
    /// Indexing threads of tantivy's writer (parsing uses rayon's pool).
    pub writer_threads: usize,
}

/// What a build did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BuildSummary {
    /// Articles written to the index.
    pub indexed: u64,
    /// Article files read.
    pub files: u64,
    /// Bytes read.
    pub bytes: u64,
    /// Files or records left out, by reason.
    pub skipped: std::collections::BTreeMap<String, u64>,
    /// Warnings that did not leave anything out (re-encoded, truncated, bad dates).
    pub warnings: u64,
    /// Files in the walked folders that are not article files.
    pub ignored_files: u64,
    /// Wall time in seconds.
    pub seconds: f64,
    /// Articles per second.
    pub articles_per_second: f64,
    /// Megabytes (10^6 bytes) read per second.
    pub megabytes_per_second: f64,
    /// Where the index is.
    pub index: String,
}

impl BuildSummary {
    /// Total of the skipped counts.
    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }
}

/// Where progress and warnings of a build are reported.
pub trait BuildObserver: Sync {
    /// Called once with the total bytes of the files to read.
    fn start(&self, files: u64, bytes: u64);
    /// Called after each file with the bytes it had.
    fn file_done(&self, bytes: u64);
    /// Called for every warning.
    fn warning(&self, warning: &Warning);
}

/// An observer that reports nothing.
pub struct Silent;

impl BuildObserver for Silent {
    fn start(&self, _: u64, _: u64) {}
    fn file_done(&self, _: u64) {}
    fn warning(&self, _: &Warning) {}
}

/// Files that tantivy or `search` keep in an index folder.
fn is_index_file(name: &str) -> bool {
    const EXTENSIONS: &[&str] = &["idx", "pos", "term", "store", "fast", "fieldnorm", "del"];
    name == "meta.json"
        || name == ".managed.json"
        || name.starts_with(".tantivy-")
        || name.starts_with("search-")
        || name
            .rsplit_once('.')
            .is_some_and(|(_, ext)| EXTENSIONS.contains(&ext))
}

/// Opens the index folder for writing. Returns the index and whether it was
/// created by this call.
///
/// * a missing or empty folder gets a new index;
/// * an index of this schema version is opened;
/// * an index of another version has its index files replaced (nothing else);
/// * any other non-empty folder is refused, so a mistyped `--index` never
///   touches a user's files.
fn open_for_writing(dir: &Path) -> Result<(Index, bool), SearchError> {
    let io = |source| SearchError::Io {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let names: Vec<String> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let visible = names.iter().any(|n| !n.starts_with('.'));
    let meta = read_meta(dir);
    match meta {
        Some(m) if m.schema_version == SCHEMA_VERSION && dir.join("meta.json").exists() => {
            let index = Index::open_in_dir(dir)?;
            register_analyzers(&index);
            return Ok((index, false));
        }
        Some(_) => {
            // Built by another version of search: replace its files, and only those.
            for name in names.iter().filter(|n| is_index_file(n)) {
                let path = dir.join(name);
                if path.is_file() {
                    std::fs::remove_file(&path)
                        .map_err(|source| SearchError::Io { path, source })?;
                }
            }
        }
        None if visible => {
            return Err(SearchError::BadArgument(format!(
                "{} is not empty and is not a search index; give an empty or new folder with --index",
                crate::error::shown(dir)
            )));
        }
        None => {}
    }
    let index = Index::create_in_dir(dir, build_schema())?;
    write_meta(dir, &IndexMeta::new(&[], 0))?;
    register_analyzers(&index);
    Ok((index, true))
}

/// Removes the files of an index this run created and left empty.
fn remove_created_index(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.filter_map(Result::ok) {
            if is_index_file(&entry.file_name().to_string_lossy()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    let _ = std::fs::remove_dir(dir);
}

impl IndexMeta {
    /// The metadata this binary writes for an index of `paths` holding `articles`.
    pub fn new(paths: &[PathBuf], articles: u64) -> IndexMeta {
        IndexMeta {
            schema_version: SCHEMA_VERSION,
            built_by: format!("search {}", env!("CARGO_PKG_VERSION")),
            paths: paths.iter().map(|p| p.display().to_string()).collect(),
            articles,
            built_at: jiff::Timestamp::now().to_string(),
        }
    }
}

/// Writes `search-meta.json` atomically (temporary file, then rename).
fn write_meta(dir: &Path, meta: &IndexMeta) -> Result<(), SearchError> {
    let path = dir.join(META_FILE);
    let tmp = dir.join(format!("{META_FILE}.tmp"));
    let json = serde_json::to_string_pretty(meta).expect("meta serialises");
    std::fs::write(&tmp, json)
        .and_then(|()| std::fs::rename(&tmp, &path))
        .map_err(|source| SearchError::Io { path, source })
}

fn read_meta(dir: &Path) -> Option<IndexMeta> {
    let text = std::fs::read_to_string(dir.join(META_FILE)).ok()?;
    serde_json::from_str(&text).ok()
}

/// Converts an article into a tantivy document.
pub fn to_document(article: &Article, f: &Fields) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, &article.id);
    doc.add_text(f.path, &article.path);
    doc.add_text(f.title, &article.title);
    doc.add_text(f.body, &article.body);
    for company in &article.companies {
        doc.add_text(f.company, company);
    }
    let year = article.date.year.map_or(0, |y| y.max(0) as u64);
    doc.add_u64(f.year, year);
    let date_key = match article.date.date {
        Some(d) => d.year() as u64 * 10_000 + d.month() as u64 * 100 + d.day() as u64,
        None => year * 10_000,
    };
    doc.add_u64(f.date_key, date_key);
    if let Some(d) = article.date.date {
        doc.add_text(f.date, d.to_string());
    }
    doc.add_text(f.date_source, article.date.source.as_str());
    if let Some(url) = &article.url {
        doc.add_text(f.url, url);
    }
    if let Some(source) = &article.source {
        doc.add_text(f.source, source);
    }
    doc
}

/// Extracts and writes records as they are parsed; counts what happens.
struct Writer<'a> {
    writer: &'a IndexWriter,
    fields: Fields,
    ctx: ExtractContext<'a>,
    observer: &'a dyn BuildObserver,
    indexed: AtomicU64,
    warnings: AtomicU64,
    skipped: Mutex<std::collections::BTreeMap<String, u64>>,
    failure: Mutex<Option<tantivy::TantivyError>>,
}

impl RecordSink for Writer<'_> {
    fn record(&self, record: RawRecord) {
        let where_ = (record.path.clone(), record.record);
        let (article, notes) = extract(record, &self.ctx);
        for note in notes {
            self.warn(Warning {
                path: where_.0.clone(),
                record: where_.1,
                kind: "date",
                reason: note,
                skipped: false,
            });
        }
        match self
            .writer
            .add_document(to_document(&article, &self.fields))
        {
            Ok(_) => {
                self.indexed.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => {
                self.failure.lock().expect("lock").get_or_insert(e);
            }
        }
    }

    fn warn(&self, warning: Warning) {
        if warning.skipped {
            *self
                .skipped
                .lock()
                .expect("lock")
                .entry(warning.kind.to_string())
                .or_default() += 1;
        } else {
            self.warnings.fetch_add(1, Ordering::Relaxed);
        }
        self.observer.warning(&warning);
    }
}

/// Builds the index at `opts.index_dir` from `opts.paths`, replacing what it held.
///
/// The previous contents stay readable until the single commit at the end.
pub fn build_index(
    opts: &BuildOptions,
    observer: &dyn BuildObserver,
) -> Result<BuildSummary, SearchError> {
    let started = Instant::now();
    let found = ingest::discover(&opts.paths, Some(&opts.index_dir))?;
    let (index, created) = open_for_writing(&opts.index_dir)?;
    let fields = Fields::from_schema(&index.schema())?;
    let (threads, budget) = writer_budget(opts.writer_threads, opts.memory_bytes);
    let mut writer: IndexWriter = index.writer_with_num_threads(threads, budget)?;
    writer.delete_all_documents()?;

    let total_bytes: u64 = found.files.iter().map(|f| f.size).sum();
    observer.start(found.files.len() as u64, total_bytes);
    let sink = Writer {
        writer: &writer,
        fields,
        ctx: ExtractContext::builtin(),
        observer,
        indexed: AtomicU64::new(0),
        warnings: AtomicU64::new(0),
        skipped: Mutex::new(Default::default()),
        failure: Mutex::new(None),
    };
    for warning in found.warnings {
        sink.warn(warning);
    }
    let bytes_read = AtomicU64::new(0);
    let files_read = AtomicUsize::new(0);
    found.files.par_iter().for_each(|file: &InputFile| {
        ingest::read_file(file, &sink);
        bytes_read.fetch_add(file.size, Ordering::Relaxed);
        files_read.fetch_add(1, Ordering::Relaxed);
        observer.file_done(file.size);
    });
    if let Some(err) = sink.failure.lock().expect("lock").take() {
        return Err(err.into());
    }
    let indexed = sink.indexed.load(Ordering::Relaxed);
    let skipped = std::mem::take(&mut *sink.skipped.lock().expect("lock"));
    let warnings = sink.warnings.load(Ordering::Relaxed);
    drop(sink);
    if indexed == 0 {
        // Nothing to write: keep the previous index as it was.
        writer.rollback()?;
        drop(writer);
        if created {
            remove_created_index(&opts.index_dir);
        }
        let shown: Vec<String> = opts.paths.iter().map(|p| p.display().to_string()).collect();
        return Err(SearchError::NothingToIndex(shown.join(", ")));
    }
    writer.commit()?;
    writer.wait_merging_threads()?;
    write_meta(&opts.index_dir, &IndexMeta::new(&opts.paths, indexed))?;

    let elapsed = started.elapsed();
    let secs = elapsed.as_secs_f64().max(1e-9);
    let bytes = bytes_read.load(Ordering::Relaxed);
    Ok(BuildSummary {
        indexed,
        files: files_read.load(Ordering::Relaxed) as u64,
        bytes,
        skipped,
        warnings,
        ignored_files: found.ignored as u64,
        seconds: round3(elapsed),
        articles_per_second: (indexed as f64 / secs).round(),
        megabytes_per_second: ((bytes as f64 / 1e6 / secs) * 10.0).round() / 10.0,
        index: crate::error::shown(&opts.index_dir),
    })
}

/// Smallest and largest writer memory per thread that tantivy accepts.
const THREAD_BUDGET: std::ops::RangeInclusive<usize> = 15_000_000..=4_000_000_000;

/// Splits a total memory budget over writer threads within tantivy's limits:
/// fewer threads when the budget is small, each thread capped when it is large.
/// Returns the thread count and the total budget actually used.
pub fn writer_budget(threads: usize, memory_bytes: usize) -> (usize, usize) {
    let threads = threads
        .max(1)
        .min((memory_bytes / THREAD_BUDGET.start()).max(1));
    let per_thread = (memory_bytes / threads).clamp(*THREAD_BUDGET.start(), *THREAD_BUDGET.end());
    (threads, per_thread * threads)
}

fn round3(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0).round() / 1000.0
}

/// An index opened for searching.
pub struct SearchIndex {
    /// The tantivy index.
    pub index: Index,
    /// A reader on its last commit.
    pub reader: IndexReader,
    /// Field handles.
    pub fields: Fields,
    /// Where it is.
    pub dir: PathBuf,
}

/// Opens the index at `dir` for searching.
pub fn open_index(dir: &Path) -> Result<SearchIndex, SearchError> {
    if !dir.join("meta.json").exists() {
        return Err(SearchError::NoIndex(dir.to_path_buf()));
    }
    match read_meta(dir) {
        Some(meta) if meta.schema_version == SCHEMA_VERSION => {}
        Some(meta) => {
            return Err(SearchError::IncompatibleIndex {
                path: dir.to_path_buf(),
                found: format!("{}, schema version {}", meta.built_by, meta.schema_version),
            })
        }
        None => {
            return Err(SearchError::IncompatibleIndex {
                path: dir.to_path_buf(),
                found: format!("no readable {META_FILE}"),
            })
        }
    }
    let index = Index::open_in_dir(dir)?;
    register_analyzers(&index);
    let fields = Fields::from_schema(&index.schema())?;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    Ok(SearchIndex {
        index,
        reader,
        fields,
        dir: dir.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writer_budget_stays_within_tantivy_limits() {
        assert_eq!(writer_budget(2, 256 << 20), (2, 256 << 20));
        assert_eq!(writer_budget(64, 32 << 20), (2, 2 * ((32 << 20) / 2)));
        let (t, total) = writer_budget(1, 16384 << 20);
        assert_eq!((t, total), (1, 4_000_000_000));
        assert_eq!(writer_budget(8, 1), (1, 15_000_000));
    }

    #[test]
    fn index_files_are_recognised() {
        for name in [
            "meta.json",
            ".managed.json",
            ".tantivy-writer.lock",
            "ab12.idx",
            "ab12.store",
            "search-meta.json",
        ] {
            assert!(is_index_file(name), "{name}");
        }
        for name in ["notes.txt", "article.json", "feed.jsonl"] {
            assert!(!is_index_file(name), "{name}");
        }
    }
}
