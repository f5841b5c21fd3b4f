//! `search check`: whether an index is whole, and the quick checks that
//! opening and writing an index make.

use std::path::Path;

use serde::Serialize;
use tantivy::index::{SegmentComponent, SegmentMeta};
use tantivy::Index;

use super::facet_file::{self, FacetFiles};
use super::meta::{incompatibility, read_meta, META_FILE};
use super::record::{self, Recorded, FILES_FILE};
use crate::error::SearchError;

/// What `search check` found.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// Where the index is.
    pub index: String,
    /// True when nothing is wrong.
    pub ok: bool,
    /// Articles in the index (0 when it cannot be read).
    pub articles: u64,
    /// Segments of its last commit.
    pub segments: usize,
    /// tantivy files whose checksum was verified.
    pub files_verified: usize,
    /// Facet files verified (checksum and shape).
    pub facet_files_verified: usize,
    /// What is wrong, one sentence each.
    pub problems: Vec<String>,
}

/// The files every segment has (and its deletes, when it has some).
fn segment_files(segment: &SegmentMeta) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = [
        SegmentComponent::Postings,
        SegmentComponent::Positions,
        SegmentComponent::Terms,
        SegmentComponent::Store,
        SegmentComponent::FastFields,
        SegmentComponent::FieldNorms,
    ]
    .into_iter()
    .map(|c| segment.relative_path(c))
    .collect();
    if segment.has_deletes() {
        files.push(segment.relative_path(SegmentComponent::Delete));
    }
    files
}

/// The files of the last commit that are missing from `dir` (cheap: one
/// `stat` per file), or why the commit cannot be read at all.
pub(crate) fn missing_files(dir: &Path, index: &Index) -> Result<Vec<String>, String> {
    let metas = index.searchable_segment_metas().map_err(|e| {
        format!(
            "meta.json cannot be read: {}",
            crate::error::engine_message(&e)
        )
    })?;
    Ok(metas
        .iter()
        .flat_map(segment_files)
        .filter(|f| !dir.join(f).is_file())
        .map(|f| f.display().to_string())
        .collect())
}

/// Why the index in `dir` cannot be read as a whole, if it cannot: its
/// `meta.json` does not parse or a segment file is missing.
pub(crate) fn unreadable(dir: &Path) -> Option<String> {
    let index = match Index::open_in_dir(dir) {
        Ok(index) => index,
        Err(e) => {
            return Some(format!(
                "meta.json cannot be read: {}",
                crate::error::engine_message(&e)
            ))
        }
    };
    match missing_files(dir, &index) {
        Err(why) => Some(why),
        Ok(missing) if missing.is_empty() => None,
        Ok(missing) => Some(format!("missing {}", missing.join(", "))),
    }
}

/// Reads something of every segment through a searcher: the first stored
/// document and the postings with positions of a word, so that an index
/// whose files do not open is found before a run reports success.
pub(crate) fn read_back(index: &Index) -> Result<(), String> {
    use tantivy::schema::IndexRecordOption;
    let reader: tantivy::IndexReader = index
        .reader_builder()
        .reload_policy(tantivy::ReloadPolicy::Manual)
        .try_into()
        .map_err(|e: tantivy::TantivyError| crate::error::engine_message(&e))?;
    let searcher = reader.searcher();
    let body = index
        .schema()
        .get_field("body")
        .map_err(|e| crate::error::engine_message(&e))?;
    for segment in searcher.segment_readers() {
        let fail = |e: &dyn std::fmt::Display| {
            format!("segment {}: {e}", segment.segment_id().uuid_string())
        };
        let store = segment.get_store_reader(1).map_err(|e| fail(&e))?;
        if let Some(doc) = segment.doc_ids_alive().next() {
            store
                .get::<tantivy::TantivyDocument>(doc)
                .map_err(|e| fail(&crate::error::engine_message(&e)))?;
        }
        let inverted = segment.inverted_index(body).map_err(|e| fail(&e))?;
        let mut terms = inverted.terms().stream().map_err(|e| fail(&e))?;
        if terms.advance() {
            let info = terms.value().clone();
            inverted
                .read_postings_from_terminfo(&info, IndexRecordOption::WithFreqsAndPositions)
                .map_err(|e| fail(&e))?;
        }
        segment
            .fast_fields()
            .u64("year")
            .map_err(|e| fail(&crate::error::engine_message(&e)))?;
    }
    Ok(())
}

/// Checks the index in `dir`: its metadata, every segment file (present, and
/// tantivy's checksum over all its bytes), a read of each segment, the facet
/// files (checksum and shape) and the file record against the last commit.
pub fn check_index(dir: &Path) -> Result<CheckReport, SearchError> {
    if !dir.join("meta.json").exists() && !dir.join(META_FILE).exists() {
        return Err(SearchError::NoIndex(dir.to_path_buf()));
    }
    let mut report = CheckReport {
        index: crate::error::shown(dir),
        ok: false,
        articles: 0,
        segments: 0,
        files_verified: 0,
        facet_files_verified: 0,
        problems: Vec::new(),
    };
    match read_meta(dir) {
        None => report
            .problems
            .push(format!("{META_FILE} is missing or cannot be read")),
        Some(meta) => {
            if let Some(found) = incompatibility(&meta) {
                report
                    .problems
                    .push(format!("built by another version of search ({found})"));
            }
        }
    }
    let index = match Index::open_in_dir(dir) {
        Ok(index) => index,
        Err(e) => {
            report.problems.push(format!(
                "meta.json cannot be read: {}",
                crate::error::engine_message(&e)
            ));
            return Ok(report);
        }
    };
    super::schema::register_analyzers(&index);
    let metas = match index.searchable_segment_metas() {
        Ok(metas) => metas,
        Err(e) => {
            report.problems.push(crate::error::engine_message(&e));
            return Ok(report);
        }
    };
    report.segments = metas.len();
    report.articles = metas.iter().map(|m| u64::from(m.num_docs())).sum();
    let missing: Vec<String> = metas
        .iter()
        .flat_map(segment_files)
        .filter(|f| !dir.join(f).is_file())
        .map(|f| f.display().to_string())
        .collect();
    for file in &missing {
        report.problems.push(format!("{file}: missing"));
    }
    if !missing.is_empty() {
        return Ok(report);
    }
    match index.validate_checksum() {
        Ok(damaged) => {
            let mut damaged: Vec<String> =
                damaged.iter().map(|p| p.display().to_string()).collect();
            damaged.sort();
            for file in damaged {
                report
                    .problems
                    .push(format!("{file}: checksum does not match its contents"));
            }
            report.files_verified = metas.iter().map(|m| segment_files(m).len()).sum();
        }
        Err(e) => report.problems.push(format!(
            "verifying checksums failed: {}",
            crate::error::engine_message(&e)
        )),
    }
    if !report.problems.is_empty() {
        return Ok(report);
    }
    if let Err(why) = read_back(&index) {
        report
            .problems
            .push(format!("reading the index failed: {why}"));
        return Ok(report);
    }
    check_facet_files(dir, &index, &mut report);
    if let Recorded::Disagrees(why) = record::read_states(dir, &index) {
        report.problems.push(format!(
            "{why} (the next `search index` reads every file again)"
        ));
    } else if !dir.join(FILES_FILE).exists() {
        report.problems.push(format!(
            "{FILES_FILE} is missing (the next `search index` moves it into place)"
        ));
    }
    report.ok = report.problems.is_empty();
    Ok(report)
}

/// Every segment's facet file must load (checksum, shape, name list).
fn check_facet_files(dir: &Path, index: &Index, report: &mut CheckReport) {
    let Ok(directory) = tantivy::directory::MmapDirectory::open(dir) else {
        return;
    };
    let files = FacetFiles::new(Box::new(directory));
    if files.names().is_none() {
        report.problems.push(format!(
            "{} is missing or damaged (queries read the columns instead; `search index` rewrites it)",
            facet_file::NAMES_FILE
        ));
        return;
    }
    let Ok(reader) = index.reader() else { return };
    let searcher = reader.searcher();
    for segment in searcher.segment_readers() {
        if files.get(segment).is_some() {
            report.facet_files_verified += 1;
        } else {
            report.problems.push(format!(
                "{}: missing or damaged (queries read the columns instead; `search index` rewrites it)",
                facet_file::file_name(segment.segment_id())
            ));
        }
    }
}
