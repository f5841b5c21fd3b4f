//! The index folder: which of its files are the index's (so `--rebuild`
//! replaces only those, and a folder of other files is never taken for an
//! index), the writer lock, opening or creating the index for writing, and
//! giving tantivy's files the permissions of the others.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::Path;

use tantivy::Index;

use super::companies::{gazetteer_fingerprint, USER_COMPANIES_FILE};
use super::meta::{incompatibility, read_meta, write_meta, IndexMeta};
use super::schema::{build_schema, register_analyzers};
use crate::error::{shown, SearchError};

/// The writer lock file.
pub(super) const LOCK_FILE: &str = ".search-writer.lock";

/// Files that tantivy or `search` keep in an index folder.
pub(super) fn is_index_file(name: &str) -> bool {
    const EXTENSIONS: &[&str] = &["idx", "pos", "term", "store", "fast", "fieldnorm", "del"];
    name == "meta.json"
        || name == ".managed.json"
        || name.starts_with(".tantivy-")
        || name.starts_with("search-")
        || name
            .rsplit_once('.')
            .is_some_and(|(_, ext)| EXTENSIONS.contains(&ext))
}

/// Files an index folder may hold besides tantivy's and `search`'s own
/// ([`is_index_file`]): the writer lock, the installed company file, and
/// half-written temporary files of a killed run.
pub(super) fn is_own_file(name: &str) -> bool {
    is_index_file(name)
        || name == LOCK_FILE
        || name == USER_COMPANIES_FILE
        // tantivy's temporary files (`.tmpXXXXXX`), and ours (`NAME.tmp`).
        || name.starts_with(".tmp")
        || name.strip_suffix(".tmp").is_some_and(is_own_file)
}

/// An empty `.gitkeep` or `.keep`: the placeholder that keeps an empty
/// folder in version control (the repository's own `index/` has one), not
/// a user's file.
fn is_placeholder(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str());
    matches!(name, Some(".gitkeep" | ".keep"))
        && std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == 0)
}

/// Holds the writer lock of an index folder until dropped.
pub(super) struct WriterLock {
    _file: File,
}

/// Takes the writer lock, or says which process holds it.
pub(super) fn lock_index(dir: &Path) -> Result<WriterLock, SearchError> {
    let path = dir.join(LOCK_FILE);
    let io = |source| SearchError::Io {
        path: path.clone(),
        source,
    };
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io)?;
    match file.try_lock() {
        Ok(()) => {
            file.set_len(0).map_err(io)?;
            file.rewind().map_err(io)?;
            write!(file, "{}", std::process::id()).map_err(io)?;
            file.flush().map_err(io)?;
            Ok(WriterLock { _file: file })
        }
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut pid = String::new();
            let _ = file.read_to_string(&mut pid);
            let pid = if pid.trim().is_empty() {
                "unknown".to_string()
            } else {
                pid.trim().to_string()
            };
            Err(SearchError::Busy {
                path: dir.to_path_buf(),
                pid,
            })
        }
        Err(std::fs::TryLockError::Error(e)) => Err(io(e)),
    }
}

/// The index folder, opened for writing.
pub(super) struct Opened {
    pub(super) index: Index,
    /// This run created the index (so it may remove it again if nothing is written).
    pub(super) created: bool,
    /// What the previous run recorded, if anything.
    pub(super) meta: Option<IndexMeta>,
}

/// Opens the index folder for writing.
///
/// * a missing or empty folder gets a new index;
/// * an index of this version is opened (with `rebuild`, also one of another version,
///   whose index files, and only those, are replaced);
/// * an index of another version without `rebuild` is an error asking for `--rebuild`;
/// * any other non-empty folder is refused, so a mistyped `--index` never
///   touches a user's files.
pub(super) fn open_for_writing(
    dir: &Path,
    rebuild: bool,
) -> Result<(Opened, WriterLock), SearchError> {
    let io = |source| SearchError::Io {
        path: dir.to_path_buf(),
        source,
    };
    if dir.exists() && !dir.is_dir() {
        return Err(SearchError::BadArgument(format!(
            "{} is a file, not a folder; give a new or empty folder (or an index) with --index",
            shown(dir)
        )));
    }
    std::fs::create_dir_all(dir).map_err(io)?;
    let names: Vec<String> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let meta = read_meta(dir);
    // A folder `search` made holds only its files (hidden entries of others
    // count as foreign too): it can be started over even when its metadata
    // is lost or garbled.
    let foreign = names
        .iter()
        .any(|n| !is_own_file(n) && !is_placeholder(&dir.join(n)));
    if meta.is_none() && foreign {
        return Err(SearchError::BadArgument(format!(
            "{} is not empty and is not a search index; give an empty or new folder with --index",
            shown(dir)
        )));
    }
    let lock = lock_index(dir)?;
    let has_index_files = names.iter().any(|n| is_index_file(n));
    let problem = match &meta {
        Some(m) => incompatibility(m)
            .or_else(|| {
                (m.gazetteer != gazetteer_fingerprint())
                    .then(|| "articles tagged with another company list".to_string())
            })
            .map(|found| SearchError::IncompatibleIndex {
                path: dir.to_path_buf(),
                found,
            }),
        None if has_index_files => Some(SearchError::Damaged {
            path: dir.to_path_buf(),
            what: format!("no readable {}", super::META_FILE),
        }),
        None => None,
    };
    let problem = problem.or_else(|| {
        (meta.is_some() && dir.join("meta.json").exists())
            .then(|| super::check::unreadable(dir))
            .flatten()
            .map(|what| SearchError::Damaged {
                path: dir.to_path_buf(),
                what,
            })
    });
    match problem {
        Some(err) if !rebuild => return Err(err),
        None if meta.is_some() && dir.join("meta.json").exists() => {
            let index = Index::open_in_dir(dir)?;
            register_analyzers(&index);
            let opened = Opened {
                index,
                created: false,
                meta: meta.clone(),
            };
            return Ok((opened, lock));
        }
        _ => {
            // Start over: only the index's own files go.
            for name in names
                .iter()
                .filter(|n| is_index_file(n) && n.as_str() != LOCK_FILE)
            {
                let path = dir.join(name);
                if path.is_file() {
                    std::fs::remove_file(&path)
                        .map_err(|source| SearchError::Io { path, source })?;
                }
            }
        }
    }
    let index = Index::create_in_dir(dir, build_schema())?;
    write_meta(dir, &IndexMeta::new(&[], 0))?;
    register_analyzers(&index);
    let opened = Opened {
        index,
        created: true,
        meta: None,
    };
    Ok((opened, lock))
}

/// Removes the files of an index this run created and left empty.
pub(super) fn remove_created_index(dir: &Path) {
    let _ = std::fs::remove_file(dir.join(USER_COMPANIES_FILE));
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.filter_map(Result::ok) {
            if is_index_file(&entry.file_name().to_string_lossy()) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    let _ = std::fs::remove_dir(dir);
}

/// Gives tantivy's `meta.json` and `.managed.json` (which it writes through
/// temporary files created 0600) the permissions of the files `search`
/// creates itself, which follow the user's umask: an index another user may
/// read is readable whole.
pub(super) fn share_like_own_files(dir: &Path) -> Result<(), SearchError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let own = dir.join(super::META_FILE);
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| SearchError::Io { path, source }
        };
        let mode = std::fs::metadata(&own)
            .map_err(io(&own))?
            .permissions()
            .mode()
            & 0o777;
        for name in ["meta.json", ".managed.json"] {
            let path = dir.join(name);
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            if meta.permissions().mode() & 0o777 != mode {
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode))
                    .map_err(io(&path))?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::record::FILES_FILE;

    #[test]
    fn index_files_are_recognised() {
        for name in [
            "meta.json",
            ".managed.json",
            ".tantivy-writer.lock",
            "ab12.idx",
            "ab12.store",
            crate::index::META_FILE,
            FILES_FILE,
        ] {
            assert!(is_index_file(name), "{name}");
        }
        for name in ["notes.txt", "article.json", "feed.jsonl"] {
            assert!(!is_index_file(name), "{name}");
        }
    }

    #[test]
    fn own_files_and_foreign_ones() {
        for name in [
            LOCK_FILE,
            USER_COMPANIES_FILE,
            "search-meta.json.tmp",
            ".tmpAbC12",
        ] {
            assert!(is_own_file(name), "{name}");
        }
        for name in [".git", "notes.txt", ".DS_Store"] {
            assert!(!is_own_file(name), "{name}");
        }
    }

    #[test]
    fn second_writer_is_told_who_holds_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let held = lock_index(dir.path()).unwrap();
        let err = lock_index(dir.path()).err().unwrap();
        assert!(
            err.to_string()
                .contains(&format!("(pid {})", std::process::id())),
            "{err}"
        );
        drop(held);
        assert!(lock_index(dir.path()).is_ok());
    }
}
