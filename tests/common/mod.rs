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
