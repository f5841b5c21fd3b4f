//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `search` run from the repository root, without colour or progress, with the
/// index in `index_dir`.
pub fn search(index_dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_search"));
    cmd.current_dir(repo())
        .env_remove("SEARCH_INDEX")
        .env_remove("CLICOLOR_FORCE")
        .arg("--index")
        .arg(index_dir);
    cmd
}

/// Runs `search --index index_dir ARGS --json`, which must succeed or find
/// nothing (exit 0 or 1), and returns the JSON it printed.
pub fn run_json(index_dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = search(index_dir).args(args).arg("--json").output().unwrap();
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "search {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("--json prints JSON")
}

/// A temporary folder with an index of `paths` (relative to the repository
/// root) in its `idx/`.
#[allow(dead_code)]
pub fn indexed(paths: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::TempDir::new().unwrap();
    search(&dir.path().join("idx"))
        .arg("index")
        .args(paths)
        .assert()
        .success();
    dir
}

/// The index folder of a temporary folder made by [`indexed`].
#[allow(dead_code)]
pub fn idx(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("idx")
}
