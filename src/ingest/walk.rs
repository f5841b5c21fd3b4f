//! Walking the input folders with the `ignore` crate (the walker of ripgrep
//! and fd): ignore files and `--exclude` globs honoured, hidden entries
//! skipped, symbolic links followed with loop detection, several threads.
//!
//! The walk is parallel, so entries arrive in no fixed order; the files are
//! sorted by path afterwards, which gives the order a sorted depth-first walk
//! would (paths compare component by component). What the ignore rules leave
//! out is not reported by the walker, so a second, cheap pass lists the
//! folders the walk entered and counts every non-hidden entry in them that
//! the walk did not yield: nothing is left out silently.
//!
//! Nothing here resolves a path's full chain of folders (no `canonicalize`
//! per entry): identity is by device and inode, so a 2,000-level tree is
//! walked in time linear in its entries.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::overrides::OverrideBuilder;
use ignore::{WalkBuilder, WalkState};

use super::{describe_io_error, FileKind, InputFile, Warning, WarningKind};
use crate::error::SearchError;

/// The name of the ignore file that only `search` reads (same syntax as `.gitignore`).
pub const SEARCH_IGNORE_FILE: &str = ".searchignore";

/// How folders are walked.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Globs of files and folders to leave out (gitignore syntax: `*.md`,
    /// `drafts/`, `2005/**/*.json`), matched below each walked root.
    pub exclude: Vec<String>,
    /// Read everything: no `.gitignore`, `.ignore` or `.searchignore`
    /// (hidden entries are still skipped, `exclude` still applies).
    pub no_ignore: bool,
    /// Walking threads (0: chosen by the `ignore` crate from the CPUs).
    pub threads: usize,
}

/// What walking the input paths found.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Article files, sorted by path within each root.
    pub files: Vec<InputFile>,
    /// Files in the walked folders that are not article files (by extension).
    pub ignored: usize,
    /// Files and folders left out by ignore files or `--exclude` globs, sorted
    /// (a folder counts once, whatever it holds).
    pub excluded: Vec<PathBuf>,
    /// Entries that could not be walked (permissions, broken links, loops).
    pub warnings: Vec<Warning>,
}

/// A file's identity: the same file reached by two paths (a link, two
/// overlapping roots) is read once.
#[cfg(unix)]
fn identity(meta: &std::fs::Metadata, _path: &Path) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn identity(_meta: &std::fs::Metadata, path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

/// Walks `roots` recursively and lists the article files in them.
///
/// A root that does not exist is an error; problems below a root are
/// warnings. A file named as a root is read whatever its extension, and no
/// ignore rule applies to it. `index_dir`, if it lies inside a root, is never
/// entered.
pub fn discover(
    roots: &[PathBuf],
    index_dir: Option<&Path>,
    opts: &WalkOptions,
) -> Result<Discovery, SearchError> {
    let mut found = Discovery::default();
    let index_id = index_dir.and_then(|p| std::fs::metadata(p).ok().map(|m| identity(&m, p)));
    let mut seen = HashSet::new();
    for root in roots {
        let meta = std::fs::metadata(root).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => SearchError::PathNotFound(root.clone()),
            _ => SearchError::Io {
                path: root.clone(),
                source: e,
            },
        })?;
        if meta.is_file() {
            if seen.insert(identity(&meta, root)) {
                let kind = FileKind::from_path(root).unwrap_or(FileKind::Text);
                found.files.push(InputFile {
                    path: root.clone(),
                    size: meta.len(),
                    kind,
                });
            }
            continue;
        }
        if !meta.is_dir() {
            // A named pipe would block the run if it were opened.
            found.warnings.push(special_file(root));
            continue;
        }
        let walked = walk_root(root, index_id.as_ref(), opts)?;
        for (path, meta) in walked.files {
            if !seen.insert(identity(&meta, &path)) {
                continue;
            }
            match FileKind::from_path(&path) {
                Some(kind) => found.files.push(InputFile {
                    path,
                    size: meta.len(),
                    kind,
                }),
                None => found.ignored += 1,
            }
        }
        found.excluded.extend(walked.excluded);
        found.warnings.extend(walked.warnings);
    }
    Ok(found)
}

/// One root's walk.
struct Walked {
    /// Regular files (links followed), sorted by path.
    files: Vec<(PathBuf, std::fs::Metadata)>,
    excluded: Vec<PathBuf>,
    warnings: Vec<Warning>,
}

#[cfg(unix)]
type Identity = (u64, u64);
#[cfg(not(unix))]
type Identity = PathBuf;

#[derive(Default)]
struct Collected {
    files: Vec<(PathBuf, std::fs::Metadata)>,
    /// Every entry the walk yielded or reported (files, folders, errors).
    yielded: HashSet<PathBuf>,
    /// Folders the walk entered.
    dirs: Vec<PathBuf>,
    warnings: Vec<Warning>,
}

fn walk_root(
    root: &Path,
    index_id: Option<&Identity>,
    opts: &WalkOptions,
) -> Result<Walked, SearchError> {
    let mut builder = WalkBuilder::new(root);
    builder
        .follow_links(true)
        .hidden(true)
        .parents(false)
        .git_global(false)
        .git_exclude(false)
        .require_git(false)
        .git_ignore(!opts.no_ignore)
        .ignore(!opts.no_ignore)
        .threads(opts.threads);
    if !opts.no_ignore {
        builder.add_custom_ignore_filename(SEARCH_IGNORE_FILE);
    }
    if !opts.exclude.is_empty() {
        let mut overrides = OverrideBuilder::new(root);
        for glob in &opts.exclude {
            // Negated override globs exclude; everything else is left to the other rules.
            overrides
                .add(&format!("!{glob}"))
                .map_err(|e| SearchError::BadArgument(format!("--exclude `{glob}`: {e}")))?;
        }
        let overrides = overrides
            .build()
            .map_err(|e| SearchError::BadArgument(format!("--exclude: {e}")))?;
        builder.overrides(overrides);
    }
    let pruned: Arc<Mutex<Vec<PathBuf>>> = Arc::default();
    if let Some(index_id) = index_id.cloned() {
        let pruned = Arc::clone(&pruned);
        builder.filter_entry(move |entry| {
            let is_index = entry.file_type().is_some_and(|t| t.is_dir())
                && entry
                    .metadata()
                    .is_ok_and(|m| identity(&m, entry.path()) == index_id);
            if is_index {
                pruned
                    .lock()
                    .expect("lock")
                    .push(entry.path().to_path_buf());
            }
            !is_index
        });
    }
    let collected = Mutex::new(Collected::default());
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            let mut c = collected.lock().expect("lock");
            match entry {
                Ok(entry) => {
                    let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    if is_dir {
                        c.dirs.push(entry.path().to_path_buf());
                    } else if is_file {
                        match entry.metadata() {
                            Ok(meta) => c.files.push((entry.path().to_path_buf(), meta)),
                            Err(err) => {
                                let warning = walk_warning(&err, root);
                                c.warnings.push(warning);
                            }
                        }
                    } else if entry.file_type().is_some() && entry.depth() > 0 {
                        c.warnings.push(special_file(entry.path()));
                    }
                    c.yielded.insert(entry.into_path());
                }
                Err(err) => {
                    let warning = walk_warning(&err, root);
                    if let Some(path) = error_path(&err) {
                        c.yielded.insert(path.to_path_buf());
                    }
                    c.warnings.push(warning);
                }
            }
            WalkState::Continue
        })
    });
    let mut c = collected.into_inner().expect("lock");
    c.yielded.extend(pruned.lock().expect("lock").drain(..));
    c.files.sort_by(|a, b| a.0.cmp(&b.0));
    c.warnings
        .sort_by(|a, b| (&a.path, &a.reason).cmp(&(&b.path, &b.reason)));
    c.warnings.dedup();
    let mut excluded = Vec::new();
    if !opts.no_ignore || !opts.exclude.is_empty() {
        for dir in &c.dirs {
            let Ok(children) = std::fs::read_dir(dir) else {
                continue;
            };
            for child in children.flatten() {
                let path = child.path();
                if !is_hidden(&child.file_name()) && !c.yielded.contains(&path) {
                    excluded.push(path);
                }
            }
        }
    }
    excluded.sort();
    Ok(Walked {
        files: c.files,
        excluded,
        warnings: c.warnings,
    })
}

/// The path an error of the walk is about, if it names one.
fn error_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::Loop { child, .. } => Some(child),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
        _ => None,
    }
}

fn is_loop(err: &ignore::Error) -> bool {
    match err {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => is_loop(err),
        ignore::Error::Partial(errs) => errs.iter().any(is_loop),
        _ => false,
    }
}

/// The warning for an entry the walk could not read.
fn walk_warning(err: &ignore::Error, root: &Path) -> Warning {
    let path = error_path(err).unwrap_or(root).display().to_string();
    let reason = if is_loop(err) {
        "symbolic link loop, not followed".to_string()
    } else if let Some(io) = err.io_error() {
        describe_io_error(io)
    } else {
        // Glob errors in an ignore file, and the like: the walker's own words.
        let text = err.to_string();
        text.strip_prefix(&format!("{path}: "))
            .map(str::to_string)
            .unwrap_or(text)
    };
    Warning::skip(&path, None, WarningKind::Unreadable, reason)
}

/// The warning for a named pipe, socket or device: never opened (a pipe
/// would block the run), skipped.
fn special_file(path: &Path) -> Warning {
    Warning::skip(
        &super::path_key(path),
        None,
        WarningKind::Unreadable,
        "not a regular file (a named pipe, socket or device), skipped",
    )
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|s| s.starts_with('.') && s != "." && s != "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(found: &Discovery, root: &Path) -> Vec<String> {
        found
            .files
            .iter()
            .map(|f| f.path.strip_prefix(root).unwrap().display().to_string())
            .collect()
    }

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    #[test]
    fn sorted_like_a_depth_first_walk_and_hidden_skipped() {
        let dir = tree(&[
            ("b.txt", "x"),
            ("a/z.txt", "x"),
            ("a-b.txt", "x"),
            ("a/b/c.md", "x"),
            (".hidden/x.txt", "x"),
            (".h.txt", "x"),
            ("notes.pdf", "x"),
        ]);
        let root = dir.path().to_path_buf();
        let found = discover(std::slice::from_ref(&root), None, &WalkOptions::default()).unwrap();
        assert_eq!(
            names(&found, &root),
            ["a/b/c.md", "a/z.txt", "a-b.txt", "b.txt"]
        );
        assert_eq!(found.ignored, 1);
        assert!(found.excluded.is_empty(), "{:?}", found.excluded);
    }

    #[test]
    fn ignore_files_and_excludes_are_counted() {
        let dir = tree(&[
            (".gitignore", "README.TXT\n"),
            (".searchignore", "drafts/\n"),
            ("sub/.ignore", "*.md\n"),
            ("README.TXT", "x"),
            ("a.txt", "x"),
            ("drafts/1.txt", "x"),
            ("drafts/2.txt", "x"),
            ("sub/n.md", "x"),
            ("sub/n.txt", "x"),
            ("old/x.json", "{}"),
        ]);
        let root = dir.path().to_path_buf();
        let roots = std::slice::from_ref(&root);
        let opts = WalkOptions {
            exclude: vec!["old".into()],
            ..WalkOptions::default()
        };
        let found = discover(roots, None, &opts).unwrap();
        assert_eq!(names(&found, &root), ["a.txt", "sub/n.txt"]);
        let excluded: Vec<_> = found
            .excluded
            .iter()
            .map(|p| p.strip_prefix(&root).unwrap().display().to_string())
            .collect();
        assert_eq!(excluded, ["README.TXT", "drafts", "old", "sub/n.md"]);
        let everything = WalkOptions {
            no_ignore: true,
            ..WalkOptions::default()
        };
        let found = discover(roots, None, &everything).unwrap();
        assert_eq!(found.files.len(), 7);
        assert!(found.excluded.is_empty());
    }

    #[test]
    fn index_folder_is_never_read_and_links_read_once() {
        let dir = tree(&[("a.txt", "x"), ("idx/meta.json", "{}")]);
        let root = dir.path().to_path_buf();
        #[cfg(unix)]
        std::os::unix::fs::symlink(root.join("a.txt"), root.join("link.txt")).unwrap();
        let found = discover(
            std::slice::from_ref(&root),
            Some(&root.join("idx")),
            &WalkOptions::default(),
        )
        .unwrap();
        assert_eq!(names(&found, &root), ["a.txt"]);
        assert!(found.excluded.is_empty(), "{:?}", found.excluded);
    }
}
