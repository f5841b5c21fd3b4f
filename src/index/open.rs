//! Opening an index for searching, also on read-only media.

use std::path::{Path, PathBuf};

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, DirectoryLock, Lock, MmapDirectory, WatchCallback, WatchHandle,
};
use tantivy::{Index, IndexReader, ReloadPolicy};

use super::facet_file;
use super::meta::{incompatibility, read_meta, META_FILE};
use super::schema::{register_analyzers, Fields};
use crate::error::SearchError;

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
    /// The groups of near-copies of the reader's commit, loaded on first use.
    groups: std::sync::OnceLock<std::sync::Arc<crate::dups::Groups>>,
}

impl SearchIndex {
    /// The groups of near-copies of the reader's commit: read from
    /// `search-dups.bin` when it describes the commit, else computed (the
    /// reader never reloads, so they stay right for its searchers).
    pub fn groups(&self) -> Result<std::sync::Arc<crate::dups::Groups>, SearchError> {
        if let Some(groups) = self.groups.get() {
            return Ok(std::sync::Arc::clone(groups));
        }
        let groups = crate::dups::for_searcher(&self.dir, &self.reader.searcher())?;
        Ok(std::sync::Arc::clone(
            self.groups.get_or_init(|| std::sync::Arc::new(groups)),
        ))
    }
}

/// Opens the index at `dir` for searching.
pub fn open_index(dir: &Path) -> Result<SearchIndex, SearchError> {
    open_with(dir, None)
}

/// Document-store blocks a streaming reader keeps decompressed per segment.
const STREAMING_STORE_BLOCKS: usize = 4;

/// Opens the index at `dir` for reading a long run of hits once each
/// (`search query --jsonl`): the document store keeps only
/// [`STREAMING_STORE_BLOCKS`] decompressed blocks per segment instead of
/// tantivy's 100, which a walk in score order seldom hits again, so memory
/// does not grow with the number of blocks read.
pub fn open_index_streaming(dir: &Path) -> Result<SearchIndex, SearchError> {
    open_with(dir, Some(STREAMING_STORE_BLOCKS))
}

/// Opens the index, with `store_blocks` cached per segment when given.
fn open_with(dir: &Path, store_blocks: Option<usize>) -> Result<SearchIndex, SearchError> {
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
            return Err(SearchError::Damaged {
                path: dir.to_path_buf(),
                what: format!("no readable {META_FILE}"),
            })
        }
    }
    let damaged = |what: String| SearchError::Damaged {
        path: dir.to_path_buf(),
        what,
    };
    let directory = MmapDirectory::open(dir).map_err(tantivy::TantivyError::from)?;
    let facet_files = facet_file::FacetFiles::new(Box::new(directory.clone()));
    let mut index = Index::open(ReadOnlyTolerant(directory)).map_err(|e| match e {
        tantivy::TantivyError::DataCorruption(_) | tantivy::TantivyError::SchemaError(_) => {
            damaged(format!(
                "meta.json cannot be read: {}",
                crate::error::engine_message(&e)
            ))
        }
        other => other.into(),
    })?;
    // A missing segment file would fail every query: say so once, here.
    match super::check::missing_files(dir, &index) {
        Ok(missing) if missing.is_empty() => {}
        Ok(missing) => return Err(damaged(format!("missing {}", missing.join(", ")))),
        Err(why) => return Err(damaged(why)),
    }
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
    let mut builder = index.reader_builder().reload_policy(ReloadPolicy::Manual);
    if let Some(blocks) = store_blocks {
        builder = builder.doc_store_cache_num_blocks(blocks);
    }
    let reader = builder.try_into()?;
    Ok(SearchIndex {
        facet_files: std::sync::Arc::new(facet_files),
        index,
        reader,
        fields,
        dir: dir.to_path_buf(),
        groups: std::sync::OnceLock::new(),
    })
}

/// The index folder as tantivy sees it for searching: a memory-mapped
/// directory that also works on read-only media and for users who may read
/// the index but not write in its folder. Readers take a lock file while
/// loading the index metadata; on a read-only file system no file can be
/// created, and nobody can be writing either, so searching goes on without
/// it. A user who may not create the lock file goes on without it too:
/// `meta.json` is replaced atomically, so what is read is a whole commit (if
/// the owner's run removes a merged-away segment at that very moment, the
/// query fails in one line and can be run again).
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
            Err(LockError::IoError(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
                ) =>
            {
                Ok(DirectoryLock::from(Box::new(())))
            }
            other => other,
        }
    }

    fn watch(&self, callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.0.watch(callback)
    }
}
