//! The paths a run indexes: as given, or as the index recorded them (at
//! their absolute paths, whatever folder the run starts in), and the key
//! each file is known by.

use std::path::{Path, PathBuf};

use super::build::{BuildOptions, DEFAULT_PATH};
use super::meta::read_meta;
use super::record::{self, RecordedRoot};
use crate::ingest;

/// One path a run indexes.
#[derive(Debug, Clone)]
pub(super) struct Root {
    /// Where it is walked.
    pub(super) walk: PathBuf,
    /// What the keys of its files start with: the path as the user first gave
    /// it, so that keys stay the same whichever folder a re-run starts in.
    pub(super) key_root: PathBuf,
    /// Its canonical absolute path.
    pub(super) absolute: String,
    /// Named on this run's command line (or the default): a missing one is an error.
    pub(super) named: bool,
    /// Why a recorded path gives no file (vanished, empty), if it does not.
    pub(super) vanished: Option<String>,
}

impl Root {
    /// A path named on the command line.
    pub(super) fn named(path: &Path) -> Root {
        Root {
            walk: path.to_path_buf(),
            key_root: path.to_path_buf(),
            absolute: absolute(path),
            named: true,
            vanished: None,
        }
    }

    pub(super) fn recorded(&self) -> RecordedRoot {
        RecordedRoot {
            given: ingest::path_key(&self.key_root),
            absolute: self.absolute.clone(),
        }
    }
}

/// A path's canonical absolute form, or the path joined to the current folder
/// when it cannot be resolved.
pub(super) fn absolute(path: &Path) -> String {
    let resolved = path
        .canonicalize()
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf());
    resolved.display().to_string()
}

/// The paths to index: as given, else those the last commit was built from
/// (at their absolute paths), else `seeds`.
pub(super) fn resolve_roots(opts: &BuildOptions) -> Vec<Root> {
    if !opts.paths.is_empty() {
        return opts.paths.iter().map(|p| Root::named(p)).collect();
    }
    let recorded = record::payload_in(&opts.index_dir)
        .map(|p| p.roots)
        .or_else(|| read_meta(&opts.index_dir).map(|m| m.roots))
        .filter(|r| !r.is_empty());
    if let Some(roots) = recorded {
        return roots
            .into_iter()
            .map(|r| Root {
                walk: PathBuf::from(&r.absolute),
                key_root: PathBuf::from(&r.given),
                absolute: r.absolute,
                named: false,
                vanished: None,
            })
            .collect();
    }
    // An index of an older version records the paths as given.
    let legacy = read_meta(&opts.index_dir)
        .map(|m| m.paths)
        .filter(|p| !p.is_empty());
    match legacy {
        Some(paths) => paths
            .iter()
            .map(|p| Root {
                named: false,
                ..Root::named(Path::new(p))
            })
            .collect(),
        None => vec![Root::named(Path::new(DEFAULT_PATH))],
    }
}

/// The key of a file found under one of `roots`: the root's key followed by
/// the file's path inside it.
pub(super) fn key_of(roots: &[Root], path: &Path) -> String {
    let root = roots
        .iter()
        .filter(|r| r.walk != r.key_root)
        .find_map(|r| path.strip_prefix(&r.walk).ok().map(|rest| (r, rest)));
    match root {
        Some((r, rest)) if rest.as_os_str().is_empty() => ingest::path_key(&r.key_root),
        Some((r, rest)) => ingest::path_key(&r.key_root.join(rest)),
        None => ingest::path_key(path),
    }
}

/// True if `key` is the key of `root` or of a file inside it.
pub(super) fn key_is_under(key: &str, root: &Path) -> bool {
    let root = ingest::path_key(root);
    let root = root.trim_end_matches('/');
    key == root
        || key
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with('/') || root.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_roots_key_their_files_as_first_given() {
        let root = Root {
            walk: PathBuf::from("/data/news"),
            key_root: PathBuf::from("news"),
            absolute: "/data/news".to_string(),
            named: false,
            vanished: None,
        };
        let roots = [root];
        assert_eq!(
            key_of(&roots, Path::new("/data/news/a/b.txt")),
            "news/a/b.txt"
        );
        assert_eq!(
            key_of(&roots, Path::new("/elsewhere/c.txt")),
            "/elsewhere/c.txt"
        );
        let file = Root {
            walk: PathBuf::from("/data/feed.jsonl"),
            key_root: PathBuf::from("feed.jsonl"),
            ..roots[0].clone()
        };
        assert_eq!(key_of(&[file], Path::new("/data/feed.jsonl")), "feed.jsonl");
        assert!(key_is_under("news/a.txt", Path::new("news")));
        assert!(key_is_under("news", Path::new("news")));
        assert!(!key_is_under("newsroom/a.txt", Path::new("news")));
        assert!(key_is_under("news/a.txt", Path::new("news/")));
    }
}
