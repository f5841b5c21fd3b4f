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
//! | file | holds |
//! |---|---|
//! | `schema.rs` | the fields, the analyzers, [`SCHEMA_VERSION`], article → document |
//! | `meta.rs` | [`IndexMeta`] (`search-meta.json`), compatibility, atomic writes |
//! | `record.rs` | the file record (`search-files.json`) and the commit payload tying it to the commit |
//! | `companies.rs` | the index's company list (built-in, or with `companies.toml`) |
//! | `open.rs` | [`open_index`], [`open_index_streaming`] and [`SearchIndex`] |
//! | `build.rs` | building and updating from files, the writer lock |
//! | `check.rs` | `search check`, and the quick checks made on opening and after writing |
//! | `facet_file.rs` | flat per-segment copies of the facet columns |
//! | `stem.rs` | the cached English stemmer |

mod build;
mod check;
mod companies;
pub mod facet_file;
mod folder;
mod meta;
mod open;
mod record;
mod roots;
mod schema;
mod stem;

pub use build::{build_index, writer_budget, BuildObserver, BuildOptions, BuildSummary, Silent};
pub use check::{check_index, CheckReport};
pub use companies::{gazetteer_fingerprint, index_gazetteer, USER_COMPANIES_FILE};
pub(crate) use meta::write_atomically;
pub use meta::{incompatibility, read_meta, IndexMeta, META_FILE};
pub use open::{open_index, open_index_streaming, SearchIndex};
pub use record::{RecordedRoot, STOPPED_EXIT, STOP_AFTER_COMMIT_ENV};
pub use schema::{
    build_schema, day_key, folding_analyzer, is_code, register_analyzers, to_document, year_key,
    Fields, Stored, ANALYZER_VERSION, EXACT_ANALYZER, KEYWORD_ANALYZER, LONGEST_WORD_BYTES,
    QUERY_ANALYZER, QUESTION_ANALYZER, SCHEMA_VERSION, TEXT_ANALYZER,
};
pub use stem::{stem_in_place, CachedStemmer};

/// Indexes `corpus` into `index_dir` on one thread, as a test fixture
/// (each call is one run, so one commit: several calls make several segments).
#[cfg(test)]
pub(crate) fn build_for_tests(index_dir: &std::path::Path, corpus: &std::path::Path) {
    let opts = BuildOptions {
        index_dir: index_dir.to_path_buf(),
        paths: vec![corpus.to_path_buf()],
        memory_bytes: 50 << 20,
        writer_threads: 1,
        rebuild: false,
        companies_file: None,
        walk: Default::default(),
        prune: false,
    };
    build_index(&opts, &Silent).expect("the test corpus indexes");
}
