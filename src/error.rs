//! Typed errors of the library. The binary adds context with `anyhow` and prints
//! them as one line.

use std::path::{Path, PathBuf};

/// Errors a user can cause and should be told about in one line.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// There is no index at the given location.
    #[error("no index at {}: run `search index` first", shown(.0))]
    NoIndex(PathBuf),
    /// The index was written by an incompatible version of `search`.
    #[error("the index at {} was built by another version of search ({found}); run `search index --rebuild`", shown(.path))]
    IncompatibleIndex {
        /// Where the index is.
        path: PathBuf,
        /// What its metadata says.
        found: String,
    },
    /// The index folder was made by `search` but cannot be read as it is.
    #[error("the index at {} is damaged ({what}); run `search index --rebuild` to start it over", shown(.path))]
    Damaged {
        /// Where the index is.
        path: PathBuf,
        /// What is wrong.
        what: String,
    },
    /// Another process holds the index's writer lock.
    #[error("index at {} is being written by another process (pid {pid}); try again when it has finished", shown(.path))]
    Busy {
        /// Where the index is.
        path: PathBuf,
        /// The writer's process id, as it wrote it in the lock file.
        pid: String,
    },
    /// An input path does not exist.
    #[error("{}: no such file or directory", .0.display())]
    PathNotFound(PathBuf),
    /// No article could be read from the given paths.
    #[error("no articles found in {0} (looked for .txt, .md, .html, .htm, .json, .jsonl and .ndjson files)")]
    NothingToIndex(String),
    /// The query could not be parsed.
    #[error("query syntax error at character {position} of `{query}`: {message}")]
    QuerySyntax {
        /// 1-based character position of the problem.
        position: usize,
        /// What is wrong.
        message: String,
        /// The query as given (sanitised for the terminal).
        query: String,
    },
    /// The query names something the index does not have.
    #[error("invalid query: {0}")]
    InvalidQuery(String),
    /// The commit succeeded, but merging segments afterwards failed.
    #[error("the new index is committed, but merging its segments failed ({0}); run `search index` again to finish")]
    MergeFailed(String),
    /// The commit succeeded, but writing the facet files failed.
    #[error("the new index is committed, but writing its facet files failed ({0}); run `search index` again to finish")]
    FacetFilesFailed(String),
    /// The commit succeeded, but writing the groups of near-copies failed.
    #[error("the new index is committed, but writing its near-duplicate groups failed ({0}); run `search index` again to finish")]
    GroupsFileFailed(String),
    /// A bad option value that clap cannot check.
    #[error("{0}")]
    BadArgument(String),
    /// An error from the search engine library (shown in one line, naming
    /// the file of an I/O error).
    /// (Not the error's `source`: tantivy's own text of it is the Debug dump
    /// this message replaces.)
    #[error("{}", engine_message(.0))]
    Tantivy(tantivy::TantivyError),
    /// An I/O error with the path it concerns.
    #[error("{}: {source}", shown(.path))]
    Io {
        /// The path being read or written.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl From<tantivy::TantivyError> for SearchError {
    fn from(err: tantivy::TantivyError) -> SearchError {
        SearchError::Tantivy(err)
    }
}

/// The most characters of an engine message shown (a garbled file's
/// content may be quoted in it).
const MAX_ENGINE_MESSAGE: usize = 300;

/// A tantivy error in one line: the file and the reason of an I/O error
/// (tantivy's own text shows Rust debug dumps), else its message with
/// whitespace squashed and cut to a readable length.
pub fn engine_message(err: &tantivy::TantivyError) -> String {
    use tantivy::directory::error::{LockError, OpenDirectoryError, OpenReadError, OpenWriteError};
    use tantivy::TantivyError as E;
    let file = |path: &Path, io: &std::io::Error| format!("{}: {io}", path.display());
    let text = match err {
        E::OpenReadError(OpenReadError::IoError { io_error, filepath })
        | E::OpenWriteError(OpenWriteError::IoError { io_error, filepath }) => {
            file(filepath, io_error)
        }
        E::OpenReadError(OpenReadError::FileDoesNotExist(path)) => {
            format!("{}: no such file", path.display())
        }
        E::OpenDirectoryError(OpenDirectoryError::IoError {
            io_error,
            directory_path,
        }) => file(directory_path, io_error),
        E::OpenDirectoryError(OpenDirectoryError::DoesNotExist(path)) => {
            format!("{}: no such folder", path.display())
        }
        E::OpenDirectoryError(OpenDirectoryError::NotADirectory(path)) => {
            format!("{}: not a folder", path.display())
        }
        E::LockFailure(LockError::IoError(io), _) => format!("taking the index lock: {io}"),
        E::IoError(io) => io.to_string(),
        // Its Debug form is its readable text: `Data corruption (in file ...): ...`.
        E::DataCorruption(corruption) => format!("{corruption:?}"),
        other => other.to_string(),
    };
    crate::text::truncate_words(&crate::text::squash_whitespace(&text), MAX_ENGINE_MESSAGE)
}

/// A path as users should see it: `index` becomes `./index`, so a bare
/// folder name does not read as a word in a sentence.
pub fn shown(path: &Path) -> String {
    let text = path.display().to_string();
    if path.is_relative() && !text.starts_with('.') && !text.starts_with('/') {
        format!("./{text}")
    } else {
        text
    }
}

impl SearchError {
    /// Builds a syntax error pointing at the 0-based char position `pos` of `query`.
    pub fn syntax(query: &str, pos: usize, message: impl Into<String>) -> SearchError {
        let shown = crate::text::sanitize_for_terminal(query);
        let pos = pos.min(shown.chars().count());
        SearchError::QuerySyntax {
            position: pos + 1,
            message: message.into(),
            query: crate::text::truncate_words(&shown, 80),
        }
    }
}
