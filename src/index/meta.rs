//! `search-meta.json`: what an index records about how it was built, and
//! whether this binary can use it; writing files atomically.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::companies::gazetteer_fingerprint;
use super::schema::{ANALYZER_VERSION, SCHEMA_VERSION};
use crate::error::SearchError;

/// The file beside tantivy's own that describes how the index was built.
pub const META_FILE: &str = "search-meta.json";

/// What an index records about how it was built.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct IndexMeta {
    /// [`SCHEMA_VERSION`] of the binary that built it.
    pub schema_version: u32,
    /// [`ANALYZER_VERSION`] of the binary that built it (empty if older).
    #[serde(default)]
    pub analyzer: String,
    /// Fingerprint of the company gazetteer the articles were tagged with.
    #[serde(default)]
    pub gazetteer: String,
    /// Fingerprint of the user's `companies.toml` applied (empty: none).
    #[serde(default)]
    pub user_companies: String,
    /// Version of `search` that built it.
    pub built_by: String,
    /// The paths it was built from: canonical absolute paths (as given, in
    /// indexes of older versions).
    pub paths: Vec<String>,
    /// The paths as given and as absolute paths (empty in older versions).
    #[serde(default)]
    pub roots: Vec<super::record::RecordedRoot>,
    /// Number of articles.
    pub articles: u64,
    /// When the build finished (RFC 3339).
    pub built_at: String,
}

impl IndexMeta {
    /// The metadata this binary writes for an index of `paths` holding `articles`.
    pub fn new(roots: &[super::record::RecordedRoot], articles: u64) -> IndexMeta {
        IndexMeta {
            schema_version: SCHEMA_VERSION,
            analyzer: ANALYZER_VERSION.to_string(),
            gazetteer: gazetteer_fingerprint(),
            user_companies: String::new(),
            built_by: format!("search {}", env!("CARGO_PKG_VERSION")),
            paths: roots.iter().map(|r| r.absolute.clone()).collect(),
            roots: roots.to_vec(),
            articles,
            built_at: jiff::Timestamp::now().to_string(),
        }
    }
}

/// Why an index cannot be used as it is by this binary, if it cannot.
pub fn incompatibility(meta: &IndexMeta) -> Option<String> {
    if meta.schema_version != SCHEMA_VERSION {
        Some(format!(
            "{}, schema version {} (this binary writes {SCHEMA_VERSION})",
            meta.built_by, meta.schema_version
        ))
    } else if meta.analyzer != ANALYZER_VERSION {
        Some(format!("{}, analyzer {}", meta.built_by, meta.analyzer))
    } else {
        None
    }
}

/// Writes `search-meta.json` atomically.
pub(crate) fn write_meta(dir: &Path, meta: &IndexMeta) -> Result<(), SearchError> {
    let json = serde_json::to_vec_pretty(meta).expect("meta serialises");
    write_atomically(&dir.join(META_FILE), &json)
}

/// Writes a file so that readers see the old content or the new, never a
/// mixture: a temporary file beside it, then a rename.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), SearchError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::File::create(&tmp)?;
        std::io::Write::write_all(&mut file, bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)?;
        // The rename itself survives a power cut only once the folder is synced.
        match path.parent() {
            Some(dir) => sync_dir(if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            }),
            None => Ok(()),
        }
    };
    write().map_err(|source| SearchError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Flushes a folder's entries (renames, new files) to disk.
pub(crate) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        match std::fs::File::open(dir)?.sync_all() {
            // Some file systems cannot sync a folder; their renames are what they are.
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::InvalidInput | std::io::ErrorKind::Unsupported
                ) =>
            {
                Ok(())
            }
            other => other,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Reads `search-meta.json`, if it is there and readable.
pub fn read_meta(dir: &Path) -> Option<IndexMeta> {
    let text = std::fs::read_to_string(dir.join(META_FILE)).ok()?;
    serde_json::from_str(&text).ok()
}
