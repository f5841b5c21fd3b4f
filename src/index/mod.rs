//! The index: its schema and analyzers, building it from files, opening it for search.
//!
//! Schema (field → how it is used):
//!
//! | field         | type                              | used for                           |
//! |---------------|-----------------------------------|------------------------------------|
//! | `id`          | string, stored                    | showing the article's id           |
//! | `path`        | string, indexed, stored           | showing the file; deleting by file |
//! | `title`       | text (`en`), stored               | ranking (boosted), display         |
//! | `body`        | text (`en`), headline + body, not stored | ranking (one BM25 over the whole article), phrases |
//! | `text`        | stored                            | the body, for snippets and display |
//! | `company`     | lower-cased keyword, fast, stored | `--company`, `company:` and facets |
//! | `company_detected` | stored                       | which companies were found by cues |
//! | `year`        | u64, indexed, fast, stored        | `--year`/`--since`/`--until`, facets (0 = unknown) |
//! | `date_key`    | u64 `YYYYMMDD`, indexed, fast     | date filters, newest-first sorting (0 = unknown) |
//! | `date`, `date_source`, `url`, `source` | stored   | display                            |
//!
//! Building (and updating) lives in [`build`]; this module holds the schema,
//! the analyzers, the metadata kept beside the index, and opening it for search.

mod build;
pub mod facet_file;
mod stem;

pub use build::{build_index, writer_budget, BuildObserver, BuildOptions, BuildSummary, Silent};

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, Lock, MmapDirectory, WatchCallback, WatchHandle,
};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    StopWordFilter, TextAnalyzer, TextAnalyzerBuilder, Tokenizer,
};
use tantivy::{Index, IndexReader, ReloadPolicy, TantivyDocument};

use crate::article::Article;
use crate::error::SearchError;
use crate::extract::companies::{Gazetteer, UserCompanies};
pub use stem::{stem_in_place, CachedStemmer};

/// Bumped whenever the schema, the analyzers or the stored values change meaning.
pub const SCHEMA_VERSION: u32 = 5;
/// Names the analyzers' behaviour; an index built with other analyzers must be rebuilt.
pub const ANALYZER_VERSION: &str = "simple+long40+lower+ascii-fold+stem-en/1";
/// Words of more bytes than this are not indexed (nor marked in snippets).
pub const LONGEST_WORD_BYTES: usize = 39;
/// Name of the English analyzer used for `title` and `body`.
pub const TEXT_ANALYZER: &str = "en_stem_fold";
/// Name of the analyzer for plain query words: [`TEXT_ANALYZER`] without English stop words.
pub const QUERY_ANALYZER: &str = "en_stem_fold_query";
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
    /// Headline and text, indexed together (not stored).
    pub body: Field,
    /// The text as stored, for snippets.
    pub text: Field,
    /// Canonical company names (multi-valued).
    pub company: Field,
    /// The companies found by corporate cues rather than the gazetteer.
    pub company_detected: Field,
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
            text: get("text")?,
            company: get("company")?,
            company_detected: get("company_detected")?,
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
    // The whole article is one field for ranking (BM25 over headline and body
    // together saturates like BM25F); the body is stored apart for snippets.
    let whole = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TEXT_ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    b.add_text_field("body", whole);
    b.add_text_field("text", STORED);
    b.add_text_field("company", company);
    b.add_text_field("company_detected", STORED);
    b.add_u64_field("year", INDEXED | FAST | STORED);
    b.add_u64_field("date_key", INDEXED | FAST);
    b.add_text_field("date", STORED);
    b.add_text_field("date_source", STORED);
    b.add_text_field("url", STORED);
    b.add_text_field("source", STORED);
    b.build()
}

/// The index's English analyzer ([`TEXT_ANALYZER`]) without its last step:
/// words split, over-long ones dropped, lower-cased and folded to ASCII.
/// [`stem_in_place`] applied to each of its tokens gives the full analyzer's
/// tokens; snippets use the two halves to stem only the words that may match.
pub fn folding_analyzer() -> TextAnalyzer {
    folding().build()
}

/// The steps of the English analyzer before stemming.
fn folding() -> TextAnalyzerBuilder<impl Tokenizer> {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(LONGEST_WORD_BYTES + 1))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
}

/// Registers the analyzers the schema names on `index`.
pub fn register_analyzers(index: &Index) {
    let english = folding().filter(CachedStemmer).build();
    index.tokenizers().register(TEXT_ANALYZER, english);
    let mut query = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(LONGEST_WORD_BYTES + 1))
        .filter(LowerCaser)
        .dynamic();
    if let Some(stop_words) = StopWordFilter::new(Language::English) {
        query = query.filter_dynamic(stop_words);
    }
    let query = query
        .filter_dynamic(AsciiFoldingFilter)
        .filter_dynamic(CachedStemmer)
        .build();
    index.tokenizers().register(QUERY_ANALYZER, query);
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
    /// [`ANALYZER_VERSION`] of the binary that built it (empty if older).
    #[serde(default)]
    pub analyzer: String,
    /// Fingerprint of the company gazetteer the articles were tagged with.
    #[serde(default)]
    pub gazetteer: String,
    /// Fingerprint of the user's `companies.toml` applied (empty: none).
    #[serde(default)]
    pub user_companies: String,
    /// Version of `search` that built it.
    pub built_by: String,
    /// The paths it was built from, as given.
    pub paths: Vec<String>,
    /// Number of articles.
    pub articles: u64,
    /// When the build finished (RFC 3339).
    pub built_at: String,
}

impl IndexMeta {
    /// The metadata this binary writes for an index of `paths` holding `articles`.
    pub fn new(paths: &[PathBuf], articles: u64) -> IndexMeta {
        IndexMeta {
            schema_version: SCHEMA_VERSION,
            analyzer: ANALYZER_VERSION.to_string(),
            gazetteer: gazetteer_fingerprint(),
            user_companies: String::new(),
            built_by: format!("search {}", env!("CARGO_PKG_VERSION")),
            paths: paths.iter().map(|p| p.display().to_string()).collect(),
            articles,
            built_at: jiff::Timestamp::now().to_string(),
        }
    }
}

/// A short fingerprint of the built-in gazetteer: articles tagged with another
/// company list need re-extraction.
pub fn gazetteer_fingerprint() -> String {
    format!(
        "{:016x}",
        xxhash_rust::xxh3::xxh3_64(crate::extract::companies::BUILTIN_TSV.as_bytes())
    )
}

/// The user's company file inside an index folder.
pub const USER_COMPANIES_FILE: &str = "companies.toml";

/// The gazetteer an index uses: the built-in one, changed by the index's
/// `companies.toml` if there is one; and the fingerprint of that file.
pub fn index_gazetteer(
    dir: &Path,
) -> Result<(std::borrow::Cow<'static, Gazetteer>, String), SearchError> {
    let path = dir.join(USER_COMPANIES_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok((
                std::borrow::Cow::Borrowed(Gazetteer::builtin()),
                String::new(),
            ))
        }
        Err(source) => return Err(SearchError::Io { path, source }),
    };
    let bad = |reason: String| {
        SearchError::BadArgument(format!("{}: {reason}", crate::error::shown(&path)))
    };
    let user = UserCompanies::parse(&text).map_err(bad)?;
    let gazetteer = Gazetteer::with_user(Gazetteer::builtin(), &user).map_err(bad)?;
    let fingerprint = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(text.as_bytes()));
    Ok((std::borrow::Cow::Owned(gazetteer), fingerprint))
}

/// Why an index cannot be used as it is by this binary, if it cannot.
pub fn incompatibility(meta: &IndexMeta) -> Option<String> {
    if meta.schema_version != SCHEMA_VERSION {
        Some(format!(
            "{}, schema version {} (this binary writes {SCHEMA_VERSION})",
            meta.built_by, meta.schema_version
        ))
    } else if meta.analyzer != ANALYZER_VERSION {
        Some(format!("{}, analyzer {}", meta.built_by, meta.analyzer))
    } else {
        None
    }
}

/// Writes `search-meta.json` atomically.
pub(crate) fn write_meta(dir: &Path, meta: &IndexMeta) -> Result<(), SearchError> {
    let json = serde_json::to_vec_pretty(meta).expect("meta serialises");
    write_atomically(&dir.join(META_FILE), &json)
}

/// Writes a file so that readers see the old content or the new, never a
/// mixture: a temporary file beside it, then a rename.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), SearchError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::File::create(&tmp)?;
        std::io::Write::write_all(&mut file, bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|source| SearchError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Reads `search-meta.json`, if it is there and readable.
pub fn read_meta(dir: &Path) -> Option<IndexMeta> {
    let text = std::fs::read_to_string(dir.join(META_FILE)).ok()?;
    serde_json::from_str(&text).ok()
}

/// Converts an article into a tantivy document.
pub fn to_document(article: &Article, f: &Fields) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, &article.id);
    doc.add_text(f.path, &article.path);
    doc.add_text(f.title, &article.title);
    doc.add_text(f.body, &article.title);
    doc.add_text(f.body, &article.body);
    doc.add_text(f.text, &article.body);
    for company in &article.companies {
        doc.add_text(f.company, company);
    }
    for company in &article.detected_companies {
        doc.add_text(f.company_detected, company);
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
    /// The flat facet copies of its segments, read as queries need them.
    pub facet_files: std::sync::Arc<facet_file::FacetFiles>,
}

/// Opens the index at `dir` for searching.
pub fn open_index(dir: &Path) -> Result<SearchIndex, SearchError> {
    if !dir.join("meta.json").exists() {
        return Err(SearchError::NoIndex(dir.to_path_buf()));
    }
    match read_meta(dir) {
        Some(meta) => {
            if let Some(found) = incompatibility(&meta) {
                return Err(SearchError::IncompatibleIndex {
                    path: dir.to_path_buf(),
                    found,
                });
            }
        }
        None => {
            return Err(SearchError::IncompatibleIndex {
                path: dir.to_path_buf(),
                found: format!("no readable {META_FILE}"),
            })
        }
    }
    let directory = MmapDirectory::open(dir).map_err(tantivy::TantivyError::from)?;
    let facet_files = facet_file::FacetFiles::new(Box::new(directory.clone()));
    let mut index = Index::open(ReadOnlyTolerant(directory))?;
    register_analyzers(&index);
    // Segments are searched in parallel, one thread per core (at most 4):
    // counting facets over tens of thousands of matches is most of a query.
    // The threads get the main thread's 8 MiB of stack: a deeply nested query
    // is searched recursively. If they cannot be started, one thread does.
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    if threads > 1 && index.searchable_segment_ids()?.len() > 1 {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .stack_size(8 << 20)
            .thread_name(|n| format!("search-{n}"))
            .build();
        if let Ok(pool) = pool {
            index.set_executor(tantivy::Executor::ThreadPool(std::sync::Arc::new(pool)));
        }
    }
    let fields = Fields::from_schema(&index.schema())?;
    let reader = index
        .reader_builder()
        .reload_policy(ReloadPolicy::Manual)
        .try_into()?;
    Ok(SearchIndex {
        facet_files: std::sync::Arc::new(facet_files),
        index,
        reader,
        fields,
        dir: dir.to_path_buf(),
    })
}

/// The index folder as tantivy sees it for searching: a memory-mapped
/// directory that also works on read-only media. Readers take a lock file
/// while loading the index metadata; on a read-only file system no file can
/// be created, and nobody can be writing either, so searching goes on without it.
#[derive(Debug, Clone)]
struct ReadOnlyTolerant(MmapDirectory);

impl Directory for ReadOnlyTolerant {
    fn get_file_handle(
        &self,
        path: &Path,
    ) -> Result<std::sync::Arc<dyn tantivy::directory::FileHandle>, OpenReadError> {
        self.0.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.0.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.0.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<tantivy::directory::WritePtr, OpenWriteError> {
        self.0.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.0.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.0.atomic_write(path, data)
    }

    fn sync_directory(&self) -> std::io::Result<()> {
        self.0.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        match self.0.acquire_lock(lock) {
            Err(LockError::IoError(e)) if e.kind() == std::io::ErrorKind::ReadOnlyFilesystem => {
                Ok(DirectoryLock::from(Box::new(())))
            }
            other => other,
        }
    }

    fn watch(&self, callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.0.watch(callback)
    }
}
