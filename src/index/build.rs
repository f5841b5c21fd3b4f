//! Building and updating the index from files.
//!
//! A run walks the input paths, hashes every article file (xxh3 over its
//! bytes) and compares the hash with the one recorded for that path by the
//! previous run (`search-files.json`). Only new and changed files are read,
//! parsed and extracted; the documents of changed and vanished files are
//! deleted by their `path` term. Everything becomes visible in one commit at
//! the end; the file states go with the commit (see `record.rs`), so that a
//! run killed at any point leaves a record that agrees with the index.
//!
//! Only one process may write an index: a lock file (`.search-writer.lock`,
//! holding the writer's pid) is locked for the whole run.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;
use tantivy::{IndexWriter, Term};

use super::companies::USER_COMPANIES_FILE;
use super::companies::{check_company_file, index_gazetteer};
use super::folder::{
    open_for_writing, remove_created_index, share_like_own_files, Opened, WriterLock,
};
use super::meta::{read_meta, write_atomically, write_meta, IndexMeta};
use super::record::{self, FileState, Recorded, RecordedRoot};
use super::roots::{key_is_under, key_of, resolve_roots, Root};
use super::schema::{to_document, Fields};
use crate::error::{shown, SearchError};
use crate::extract::{extract, ExtractContext};
use crate::ingest::{self, InputFile, RawRecord, RecordSink, Warning, WarningKind};

/// Indexed when no path is given and the index records none.
pub(super) const DEFAULT_PATH: &str = "seeds";

/// Settings for [`build_index`].
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Folder of the index; created if missing.
    pub index_dir: PathBuf,
    /// Files and folders to index. Empty: the paths the index was built from
    /// (or `seeds` for a new index).
    pub paths: Vec<PathBuf>,
    /// Memory budget of tantivy's writer, in bytes, shared by its threads.
    pub memory_bytes: usize,
    /// Indexing threads of tantivy's writer (parsing uses rayon's pool).
    pub writer_threads: usize,
    /// Throw the index's contents away and index everything again.
    pub rebuild: bool,
    /// A company file (`companies.toml`) to install in the index folder; it
    /// then applies to this and later runs, and to queries.
    pub companies_file: Option<PathBuf>,
    /// How folders are walked: ignore files, `--exclude` globs.
    pub walk: ingest::WalkOptions,
    /// Without PATHs: remove the articles of recorded paths that have
    /// vanished or hold no article file (otherwise they are kept, with a warning).
    pub prune: bool,
}

/// What a build did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BuildSummary {
    /// Articles written to the index by this run.
    pub indexed: u64,
    /// Article files read and parsed by this run (new or changed).
    pub files: u64,
    /// Bytes of the files parsed.
    pub bytes: u64,
    /// Files not indexed before.
    pub added: u64,
    /// Files whose content changed since the last run.
    pub updated: u64,
    /// Files indexed before that are gone: their articles were removed.
    pub removed: u64,
    /// Files whose content is unchanged: left as they are.
    pub unchanged: u64,
    /// Articles in the index after the run.
    pub total_articles: u64,
    /// Files or records left out, by reason.
    pub skipped: BTreeMap<String, u64>,
    /// Warnings that did not leave anything out (re-encoded, truncated, bad dates).
    pub warnings: u64,
    /// Files in the walked folders that are not article files.
    pub ignored_files: u64,
    /// Files and folders left out by ignore files (`.gitignore`, `.ignore`,
    /// `.searchignore`) or `--exclude` globs; a folder counts once.
    pub excluded: u64,
    /// Wall time in seconds.
    pub seconds: f64,
    /// Articles per second.
    pub articles_per_second: f64,
    /// Megabytes (10^6 bytes) parsed per second.
    pub megabytes_per_second: f64,
    /// Where the index is.
    pub index: String,
    /// The paths indexed (canonical absolute paths).
    pub paths: Vec<String>,
    /// Recorded paths that have vanished or hold no article file; their
    /// articles are kept (unless `prune`).
    pub vanished: Vec<String>,
    /// Articles kept from the vanished paths.
    pub kept: u64,
    /// Why the file record was not used, when it did not match the last
    /// commit: every file was then read again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repaired: Option<String>,
}

impl BuildSummary {
    /// Total of the skipped counts.
    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }
}

/// Where progress and warnings of a build are reported.
pub trait BuildObserver: Sync {
    /// Called once with the number and total bytes of the files to look at.
    fn start(&self, files: u64, bytes: u64);
    /// Called after each file with the bytes it had.
    fn file_done(&self, bytes: u64);
    /// Called for every warning.
    fn warning(&self, warning: &Warning);
    /// Called when every file is read and the commit (with segment merges) starts.
    fn committing(&self) {}
    /// Called for each file or folder left out by an ignore file or an
    /// exclude glob, before the files are read.
    fn excluded(&self, _path: &Path) {}
}

/// An observer that reports nothing.
pub struct Silent;

impl BuildObserver for Silent {
    fn start(&self, _: u64, _: u64) {}
    fn file_done(&self, _: u64) {}
    fn warning(&self, _: &Warning) {}
}

/// xxh3 of a file's bytes, read in large blocks.
fn hash_file(path: &Path) -> std::io::Result<u64> {
    let mut file = File::open(path)?;
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; 256 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(hasher.digest());
        }
        hasher.update(&buf[..n]);
    }
}

/// Extracts and writes records as they are parsed; counts what happens.
struct Writer<'a> {
    writer: &'a IndexWriter,
    fields: Fields,
    ctx: ExtractContext<'a>,
    observer: &'a dyn BuildObserver,
    indexed: AtomicU64,
    warnings: AtomicU64,
    skipped: Mutex<BTreeMap<String, u64>>,
    failure: Mutex<Option<tantivy::TantivyError>>,
}

impl RecordSink for Writer<'_> {
    fn record(&self, record: RawRecord) {
        let (path, number) = (record.path.clone(), record.record);
        let (article, notes) = extract(record, &self.ctx);
        for note in notes {
            self.warn(Warning::note(&path, number, WarningKind::Date, note));
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
                .entry(warning.kind.as_str().to_string())
                .or_default() += 1;
        } else {
            self.warnings.fetch_add(1, Ordering::Relaxed);
        }
        self.observer.warning(&warning);
    }
}

/// Counts the articles and skips of one file on their way to the [`Writer`].
struct PerFile<'a> {
    inner: &'a Writer<'a>,
    articles: AtomicU64,
    skipped: AtomicU64,
}

impl RecordSink for PerFile<'_> {
    fn record(&self, record: RawRecord) {
        self.articles.fetch_add(1, Ordering::Relaxed);
        self.inner.record(record);
    }

    fn warn(&self, warning: Warning) {
        if warning.skipped {
            self.skipped.fetch_add(1, Ordering::Relaxed);
        }
        self.inner.warn(warning);
    }
}

/// What happened to one file in this run.
enum Outcome {
    Unchanged(FileState),
    Read { state: FileState, existed: bool },
}

/// Builds or updates the index at `opts.index_dir` from `opts.paths`.
///
/// New and changed files are indexed, vanished files removed, unchanged files
/// left alone; with `rebuild`, everything is indexed afresh. The previous
/// contents stay searchable until the single commit at the end. The run goes
/// through its phases in order: [`plan`], [`read_and_extract`], [`tally`],
/// [`commit_and_record`], then the facet files.
pub fn build_index(
    opts: &BuildOptions,
    observer: &dyn BuildObserver,
) -> Result<BuildSummary, SearchError> {
    let started = Instant::now();
    let plan = plan(opts)?;
    let (threads, budget) = writer_budget(opts.writer_threads, opts.memory_bytes);
    let mut writer: IndexWriter = plan.opened.index.writer_with_num_threads(threads, budget)?;
    // Without a record that describes the last commit (a new index,
    // `--rebuild`, a lost or stale `search-files.json`), everything is read
    // again from scratch.
    let mut repaired = None;
    let recorded = if opts.rebuild || plan.opened.created {
        None
    } else {
        match record::read_states(&opts.index_dir, &plan.opened.index) {
            Recorded::Agrees(states) => {
                record::settle(&opts.index_dir, &plan.opened.index)?;
                Some(states)
            }
            Recorded::Disagrees(why) => {
                repaired = Some(why);
                None
            }
        }
    };
    let previous = match recorded {
        Some(states) => states,
        None => {
            writer.delete_all_documents()?;
            HashMap::new()
        }
    };
    let read = read_and_extract(&plan, &writer, &previous, observer)?;
    let (mut summary, states) = tally(opts, &plan, read, &previous, &writer, observer);
    summary.repaired = repaired;

    if summary.total_articles == 0 && plan.opened.created {
        // Nothing to write into a new index: leave no empty index behind.
        writer.rollback()?;
        drop(writer);
        remove_created_index(&opts.index_dir);
        return Err(nothing_to_index(&plan.paths));
    }
    commit_and_record(opts, &plan, writer, &summary, &states, observer)?;
    // Also on an unchanged run: an index from an older version gets its files.
    super::facet_file::write_facet_files(&opts.index_dir, &plan.opened.index)
        .map_err(|e| SearchError::FacetFilesFailed(e.to_string()))?;
    crate::dups::write_groups_file(&opts.index_dir, &plan.opened.index)
        .map_err(|e| SearchError::GroupsFileFailed(e.to_string()))?;
    // Never report success over an index that cannot be read.
    if let Some(what) = super::check::unreadable(&opts.index_dir) {
        return Err(SearchError::Damaged {
            path: opts.index_dir.clone(),
            what,
        });
    }
    super::check::read_back(&plan.opened.index).map_err(|what| SearchError::Damaged {
        path: opts.index_dir.clone(),
        what,
    })?;

    share_like_own_files(&opts.index_dir)?;

    let elapsed = started.elapsed();
    let secs = elapsed.as_secs_f64().max(1e-9);
    summary.seconds = round3(elapsed);
    summary.articles_per_second = (summary.indexed as f64 / secs).round();
    summary.megabytes_per_second = ((summary.bytes as f64 / 1e6 / secs) * 10.0).round() / 10.0;
    Ok(summary)
}

/// What a run will do, worked out before any article is read.
struct Plan {
    /// The paths indexed (as given, or recorded).
    paths: Vec<PathBuf>,
    /// The roots, with where they are walked and how their files are keyed.
    roots: Vec<Root>,
    /// What walking them found.
    found: ingest::Discovery,
    /// The key of each file found (in the order of `found.files`).
    keys: Vec<String>,
    /// The index folder, opened for writing and locked.
    opened: Opened,
    _lock: WriterLock,
    /// The company list articles are tagged with.
    gazetteer: std::borrow::Cow<'static, crate::extract::companies::Gazetteer>,
    /// Fingerprint of the index's `companies.toml` (empty: none).
    user_companies: String,
    /// Every article must be tagged again (the company file changed).
    reextract: bool,
    fields: Fields,
}

/// Phase 1: finds the files, checks a new company file, opens (or creates)
/// and locks the index folder, and works out the company list.
fn plan(opts: &BuildOptions) -> Result<Plan, SearchError> {
    let mut roots = resolve_roots(opts);
    for root in roots.iter_mut().filter(|r| !r.named) {
        if !root.walk.exists() {
            root.vanished = Some("vanished".to_string());
        }
    }
    let walked: Vec<PathBuf> = roots
        .iter()
        .filter(|r| r.vanished.is_none())
        .map(|r| r.walk.clone())
        .collect();
    let found = ingest::discover(&walked, Some(&opts.index_dir), &opts.walk)?;
    for root in roots
        .iter_mut()
        .filter(|r| !r.named && r.vanished.is_none())
    {
        if !found.files.iter().any(|f| f.path.starts_with(&root.walk)) {
            root.vanished = Some("holds no article file".to_string());
        }
    }
    let keys = found
        .files
        .iter()
        .map(|f| key_of(&roots, &f.path))
        .collect();
    let paths: Vec<PathBuf> = roots.iter().map(|r| r.walk.clone()).collect();
    // An index whose folder emptied goes on, to remove the vanished articles.
    if found.files.is_empty() && read_meta(&opts.index_dir).is_none() {
        // Say why when a path was skipped (a named pipe, an unreadable folder).
        if let [warning] = found.warnings.as_slice() {
            return Err(SearchError::BadArgument(format!(
                "{warning}; nothing to index"
            )));
        }
        return Err(nothing_to_index(&paths));
    }
    // Check a company file before anything is created or locked.
    let companies_text = match &opts.companies_file {
        Some(file) => Some(check_company_file(file)?),
        None => None,
    };
    let (opened, lock) = open_for_writing(&opts.index_dir, opts.rebuild)?;
    if let Some(text) = &companies_text {
        write_atomically(&opts.index_dir.join(USER_COMPANIES_FILE), text.as_bytes())?;
    }
    let (gazetteer, user_companies) = index_gazetteer(&opts.index_dir)?;
    // Another company file changes what every article is tagged with.
    let reextract = opened
        .meta
        .as_ref()
        .is_some_and(|m| m.user_companies != user_companies);
    let fields = Fields::from_schema(&opened.index.schema())?;
    Ok(Plan {
        paths,
        roots,
        found,
        keys,
        opened,
        _lock: lock,
        gazetteer,
        user_companies,
        reextract,
        fields,
    })
}

/// What reading the files gave.
struct FilesRead {
    /// Each file's key and what happened to it.
    outcomes: Vec<(String, Outcome)>,
    indexed: u64,
    warnings: u64,
    skipped: BTreeMap<String, u64>,
    bytes: u64,
}

/// Phase 2: reads, parses and extracts every new or changed file (in
/// parallel), handing its articles to the writer after deleting what the
/// index held of it.
fn read_and_extract(
    plan: &Plan,
    writer: &IndexWriter,
    previous: &HashMap<String, FileState>,
    observer: &dyn BuildObserver,
) -> Result<FilesRead, SearchError> {
    let files = &plan.found.files;
    let total_bytes: u64 = files.iter().map(|f| f.size).sum();
    observer.start(files.len() as u64, total_bytes);
    let sink = Writer {
        writer,
        fields: plan.fields,
        ctx: ExtractContext {
            gazetteer: &plan.gazetteer,
            today: jiff::ZonedDateTime::now().date(),
        },
        observer,
        indexed: AtomicU64::new(0),
        warnings: AtomicU64::new(0),
        skipped: Mutex::new(Default::default()),
        failure: Mutex::new(None),
    };
    for path in &plan.found.excluded {
        observer.excluded(path);
    }
    for warning in &plan.found.warnings {
        sink.warn(warning.clone());
    }
    let bytes_read = AtomicU64::new(0);
    let outcomes: Vec<(String, Outcome)> = files
        .par_iter()
        .zip(plan.keys.par_iter())
        .map(|(file, key): (&InputFile, &String)| {
            let key = key.clone();
            let hash = hash_file(&file.path).ok();
            let before = previous.get(&key).copied();
            let outcome = match (before, hash) {
                (Some(state), Some(hash))
                    if !plan.reextract && state.hash == hash && state.skipped == 0 =>
                {
                    Outcome::Unchanged(state)
                }
                _ => {
                    // Always: after a run killed between its commit and its
                    // record, the index may hold this file's articles already.
                    writer.delete_term(Term::from_field_text(plan.fields.path, &key));
                    let counter = PerFile {
                        inner: &sink,
                        articles: AtomicU64::new(0),
                        skipped: AtomicU64::new(0),
                    };
                    ingest::read_file_as(file, &key, &counter);
                    bytes_read.fetch_add(file.size, Ordering::Relaxed);
                    Outcome::Read {
                        state: FileState {
                            hash: hash.unwrap_or(0),
                            articles: counter.articles.load(Ordering::Relaxed),
                            skipped: counter.skipped.load(Ordering::Relaxed),
                        },
                        existed: before.is_some(),
                    }
                }
            };
            observer.file_done(file.size);
            (key, outcome)
        })
        .collect();
    if let Some(err) = sink.failure.lock().expect("lock").take() {
        return Err(err.into());
    }
    let skipped = std::mem::take(&mut *sink.skipped.lock().expect("lock"));
    Ok(FilesRead {
        outcomes,
        indexed: sink.indexed.load(Ordering::Relaxed),
        warnings: sink.warnings.load(Ordering::Relaxed),
        skipped,
        bytes: bytes_read.load(Ordering::Relaxed),
    })
}

/// Phase 3: counts what happened to each file, deletes the articles of files
/// that are gone, and gives the file states the commit will hold.
fn tally(
    opts: &BuildOptions,
    plan: &Plan,
    read: FilesRead,
    previous: &HashMap<String, FileState>,
    writer: &IndexWriter,
    observer: &dyn BuildObserver,
) -> (BuildSummary, BTreeMap<String, FileState>) {
    let mut summary = BuildSummary {
        ignored_files: plan.found.ignored as u64,
        excluded: plan.found.excluded.len() as u64,
        index: shown(&opts.index_dir),
        paths: plan.roots.iter().map(|r| r.absolute.clone()).collect(),
        indexed: read.indexed,
        skipped: read.skipped,
        warnings: read.warnings,
        bytes: read.bytes,
        ..BuildSummary::default()
    };
    let mut states = BTreeMap::new();
    for (key, outcome) in read.outcomes {
        match outcome {
            Outcome::Unchanged(state) => {
                summary.unchanged += 1;
                states.insert(key, state);
            }
            Outcome::Read { state, existed } => {
                summary.files += 1;
                if existed {
                    summary.updated += 1;
                } else {
                    summary.added += 1;
                }
                states.insert(key, state);
            }
        }
    }
    // The files of a recorded path that vanished or emptied are kept unless
    // asked otherwise: an unmounted disk or a typo must not empty the index.
    let mut kept_per_root = vec![0u64; plan.roots.len()];
    let gone: Vec<(&String, &FileState)> = previous
        .iter()
        .filter(|(k, _)| !states.contains_key(*k))
        .collect();
    for (gone, state) in gone {
        let keeper = plan
            .roots
            .iter()
            .position(|r| r.vanished.is_some() && key_is_under(gone, &r.key_root));
        match keeper {
            Some(i) if !opts.prune => {
                kept_per_root[i] += state.articles;
                summary.kept += state.articles;
                states.insert(gone.clone(), *state);
            }
            _ => {
                writer.delete_term(Term::from_field_text(plan.fields.path, gone));
                summary.removed += 1;
            }
        }
    }
    for (root, kept) in plan.roots.iter().zip(kept_per_root) {
        let Some(why) = &root.vanished else { continue };
        summary.vanished.push(root.absolute.clone());
        let reason = if opts.prune {
            format!("{why}; its articles were removed (--prune)")
        } else {
            format!(
                "{why}; its {kept} article(s) are kept: name it again or run with --prune to remove them"
            )
        };
        // Kept articles make the run end with exit code 1; pruned ones were asked for.
        let warning = if opts.prune {
            Warning::note(&root.absolute, None, WarningKind::Vanished, reason)
        } else {
            *summary
                .skipped
                .entry(WarningKind::Vanished.as_str().to_string())
                .or_default() += 1;
            Warning::skip(&root.absolute, None, WarningKind::Vanished, reason)
        };
        observer.warning(&warning);
    }
    summary.total_articles = states.values().map(|s| s.articles).sum();
    (summary, states)
}

/// Phase 4: commits (when anything changed) and records the file states and
/// the metadata the commit goes with, then waits for the segment merges.
fn commit_and_record(
    opts: &BuildOptions,
    plan: &Plan,
    mut writer: IndexWriter,
    summary: &BuildSummary,
    states: &BTreeMap<String, FileState>,
    observer: &dyn BuildObserver,
) -> Result<(), SearchError> {
    let before = plan.opened.meta.as_ref();
    let roots: Vec<RecordedRoot> = plan.roots.iter().map(Root::recorded).collect();
    let changed = summary.files > 0
        || summary.removed > 0
        || opts.rebuild
        || plan.reextract
        || summary.repaired.is_some();
    let same_roots =
        record::last_payload(&plan.opened.index).map(|p| p.roots) == Some(roots.clone());
    let same_companies = before.map(|m| &m.user_companies) == Some(&plan.user_companies);
    let mut meta = IndexMeta::new(&roots, summary.total_articles);
    meta.user_companies = plan.user_companies.clone();
    if changed || !same_roots {
        observer.committing();
        // The record goes with the commit: written before it, named (by its
        // hash) in the commit's payload, moved into place after it.
        let payload = record::prepare(&opts.index_dir, states, roots)?;
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        record::stop_here_if_asked();
        record::finish(&opts.index_dir)?;
        write_meta(&opts.index_dir, &meta)?;
        writer
            .wait_merging_threads()
            .map_err(|e| SearchError::MergeFailed(e.to_string()))?;
    } else {
        writer.rollback()?;
        if !same_companies {
            write_meta(&opts.index_dir, &meta)?;
        }
    }
    Ok(())
}

/// The error for paths that hold no article.
fn nothing_to_index(paths: &[PathBuf]) -> SearchError {
    let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    SearchError::NothingToIndex(shown.join(", "))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writer_budget_stays_within_tantivy_limits() {
        assert_eq!(writer_budget(2, 256 << 20), (2, 256 << 20));
        assert_eq!(writer_budget(64, 32 << 20), (2, 2 * ((32 << 20) / 2)));
        assert_eq!(writer_budget(1, 16384 << 20), (1, 4_000_000_000));
        assert_eq!(writer_budget(8, 1), (1, 15_000_000));
    }
}
