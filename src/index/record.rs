//! The file record (`search-files.json`) and the commit it belongs to.
//!
//! The record says, for every input file, the hash of the content the index
//! holds and how many articles came from it; the next run compares the files
//! with it to find what changed. It must describe exactly the last commit, or
//! a run that died between the commit and the record would leave articles in
//! the index that no later run knows about. So the record is tied to the
//! commit:
//!
//! 1. before the commit, the new record is written (atomically) to
//!    `search-files.next.json`;
//! 2. the commit carries a payload ([`CommitPayload`]) with the xxh3 of the
//!    record's bytes and the roots it was built from: tantivy writes it into
//!    its own `meta.json` in the same atomic step as the new segment list;
//! 3. after the commit, the record is renamed to `search-files.json`.
//!
//! A reader takes whichever of the two files has the hash the last commit
//! names, so a run killed at any point (or a disk that filled up) leaves a
//! record that agrees with the index. When neither matches (an index of an
//! older version, a lost or edited record) the run reads every file again and
//! starts the index's contents over: slower, never wrong.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};
use tantivy::Index;

use super::meta::{sync_dir, write_atomically};
use crate::error::SearchError;

/// The record of the last commit.
pub(crate) const FILES_FILE: &str = "search-files.json";
/// The record of a commit being made.
pub(crate) const NEXT_FILES_FILE: &str = "search-files.next.json";

/// For tests only: when this environment variable is `1`, `search index`
/// exits (code [`STOPPED_EXIT`]) right after its commit, before the record is
/// moved into place and `search-meta.json` is written, as a run killed at that
/// moment would. Compiled into every build so the test drives the real binary.
pub const STOP_AFTER_COMMIT_ENV: &str = "SEARCH_TEST_STOP_AFTER_COMMIT";
/// The exit code of a run stopped by [`STOP_AFTER_COMMIT_ENV`].
pub const STOPPED_EXIT: i32 = 86;

/// What the index knows about one input file.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct FileState {
    /// xxh3 of the file's bytes.
    pub hash: u64,
    /// Articles indexed from it.
    pub articles: u64,
    /// Articles or the file itself left out with a warning; such files are
    /// read again on the next run so their warnings are shown again.
    pub skipped: u64,
}

/// One path an index is built from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RecordedRoot {
    /// As the user gave it; the keys of its files start with it.
    pub given: String,
    /// Its canonical absolute path when it was indexed: where a run without
    /// PATH looks, whatever the current folder.
    pub absolute: String,
}

/// The payload of a commit: what ties the record to it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct CommitPayload {
    /// xxh3 (hex) of the bytes of the file record that describes this commit.
    pub files: String,
    /// The paths the commit was built from.
    pub roots: Vec<RecordedRoot>,
}

/// The hex xxh3 of a record's bytes.
fn digest(bytes: &[u8]) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes))
}

/// The payload of the index's last commit, if it has one of this kind.
pub(crate) fn last_payload(index: &Index) -> Option<CommitPayload> {
    let text = index.load_metas().ok()?.payload?;
    serde_json::from_str(&text).ok()
}

/// The payload of the last commit of the index in `dir`, without opening it for writing.
pub(crate) fn payload_in(dir: &Path) -> Option<CommitPayload> {
    if !dir.join("meta.json").is_file() {
        return None;
    }
    let index = Index::open_in_dir(dir).ok()?;
    last_payload(&index)
}

/// Where a record stands against the last commit.
pub(crate) enum Recorded {
    /// The record of the last commit.
    Agrees(HashMap<String, FileState>),
    /// No record describes the last commit (what is wrong, for the user).
    Disagrees(String),
}

/// The file states of the last commit of `index`, from whichever record file
/// its payload names.
pub(crate) fn read_states(dir: &Path, index: &Index) -> Recorded {
    let Some(payload) = last_payload(index) else {
        return Recorded::Disagrees("the last commit names no file record".to_string());
    };
    for name in [FILES_FILE, NEXT_FILES_FILE] {
        if let Some(states) = matching(&dir.join(name), &payload) {
            return Recorded::Agrees(states);
        }
    }
    Recorded::Disagrees(format!(
        "{FILES_FILE} does not match the last commit (lost, edited or from another commit)"
    ))
}

/// The states in a record file, if its hash is the one `payload` names.
fn matching(path: &Path, payload: &CommitPayload) -> Option<HashMap<String, FileState>> {
    let bytes = std::fs::read(path).ok()?;
    (digest(&bytes) == payload.files)
        .then(|| serde_json::from_slice(&bytes).ok())
        .flatten()
}

/// Puts the record files in order after a run that died: a record of the
/// last commit still waiting in `search-files.next.json` is moved into place,
/// one of a commit that never happened is removed.
pub(crate) fn settle(dir: &Path, index: &Index) -> Result<(), SearchError> {
    let next = dir.join(NEXT_FILES_FILE);
    if !next.exists() {
        return Ok(());
    }
    let Some(payload) = last_payload(index) else {
        return Ok(());
    };
    if matching(&next, &payload).is_some() {
        finish(dir)
    } else {
        std::fs::remove_file(&next).map_err(|source| SearchError::Io { path: next, source })
    }
}

/// Step 1: writes the record of the coming commit and returns the payload
/// the commit must carry.
pub(crate) fn prepare(
    dir: &Path,
    states: &BTreeMap<String, FileState>,
    roots: Vec<RecordedRoot>,
) -> Result<String, SearchError> {
    let json = serde_json::to_vec(states).expect("file states serialise");
    write_atomically(&dir.join(NEXT_FILES_FILE), &json)?;
    let payload = CommitPayload {
        files: digest(&json),
        roots,
    };
    Ok(serde_json::to_string(&payload).expect("payload serialises"))
}

/// Step 3: moves the record of the commit just made into place.
pub(crate) fn finish(dir: &Path) -> Result<(), SearchError> {
    let next = dir.join(NEXT_FILES_FILE);
    if !next.exists() {
        return Ok(());
    }
    let path = dir.join(FILES_FILE);
    std::fs::rename(&next, &path)
        .and_then(|()| sync_dir(dir))
        .map_err(|source| SearchError::Io { path, source })
}

/// Stops the process as a crash right after the commit would, when the test
/// hook [`STOP_AFTER_COMMIT_ENV`] asks for it.
pub(crate) fn stop_here_if_asked() {
    if std::env::var_os(STOP_AFTER_COMMIT_ENV).is_some_and(|v| v == "1") {
        std::process::exit(STOPPED_EXIT);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_is_stable_hex() {
        assert_eq!(digest(b"{}"), digest(b"{}"));
        assert_ne!(digest(b"{}"), digest(b"{ }"));
        assert_eq!(digest(b"").len(), 16);
    }
}
