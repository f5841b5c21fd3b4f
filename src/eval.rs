//! Measuring extraction against hand labels: `search eval-companies`.
//!
//! The labels file (`tests/data/company-labels.tsv`) has one line per article:
//! `PATH<TAB>Company|Company|...`. Paths under `seeds/` are read from the
//! repository; other paths (the BBC corpus, whose text may not be copied) from
//! a corpus root given by the user. Articles whose file is missing are counted
//! and left out, so the measurement runs wherever some of the corpus is present.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;

use crate::error::SearchError;
use crate::extract::companies::Gazetteer;
use crate::extract::{extract, ExtractContext};
use crate::ingest::{self, FileKind, InputFile, RawRecord, RecordSink, Warning};

/// The comparison for one article.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleEval {
    /// The labelled path.
    pub path: String,
    /// Found and labelled.
    pub correct: Vec<String>,
    /// Found but not labelled.
    pub false_positives: Vec<String>,
    /// Labelled but not found.
    pub missed: Vec<String>,
}

/// Micro-averaged precision, recall and F1 over all evaluated articles.
#[derive(Debug, Clone, Serialize)]
pub struct CompanyEval {
    /// Articles evaluated.
    pub articles: usize,
    /// Labelled articles whose file was not found (left out).
    pub missing_files: Vec<String>,
    /// Correct companies.
    pub true_positives: usize,
    /// Companies found that the labels do not have.
    pub false_positives: usize,
    /// Labelled companies not found.
    pub false_negatives: usize,
    /// TP / (TP + FP).
    pub precision: f64,
    /// TP / (TP + FN).
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Per-article details.
    pub details: Vec<ArticleEval>,
}

struct Collect(Mutex<Vec<RawRecord>>);

impl RecordSink for Collect {
    fn record(&self, record: RawRecord) {
        self.0.lock().expect("lock").push(record);
    }
    fn warn(&self, _: Warning) {}
}

/// Compares the companies extracted from each labelled article with its labels.
///
/// `repo_root` resolves `seeds/...` paths; `corpus_root` resolves the others.
pub fn eval_companies(
    labels: &Path,
    repo_root: &Path,
    corpus_root: &Path,
    gazetteer: &Gazetteer,
) -> Result<CompanyEval, SearchError> {
    let text = std::fs::read_to_string(labels).map_err(|source| SearchError::Io {
        path: labels.to_path_buf(),
        source,
    })?;
    let canonical = |name: &str| -> String {
        gazetteer
            .canonical(name)
            .map(str::to_string)
            .unwrap_or_else(|| name.trim().to_string())
            .to_lowercase()
    };
    let ctx = ExtractContext {
        gazetteer,
        today: jiff::ZonedDateTime::now().date(),
    };
    let mut eval = CompanyEval {
        articles: 0,
        missing_files: Vec::new(),
        true_positives: 0,
        false_positives: 0,
        false_negatives: 0,
        precision: 0.0,
        recall: 0.0,
        f1: 0.0,
        details: Vec::new(),
    };
    for line in text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let (path, names) = line.split_once('\t').unwrap_or((line, ""));
        let gold: BTreeSet<String> = names
            .split('|')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(canonical)
            .collect();
        let file: PathBuf = if path.starts_with("seeds/") {
            repo_root.join(path)
        } else {
            corpus_root.join(path)
        };
        if !file.is_file() {
            eval.missing_files.push(path.to_string());
            continue;
        }
        let input = InputFile {
            kind: FileKind::from_path(&file).unwrap_or(FileKind::Text),
            size: 0,
            path: file,
        };
        let sink = Collect(Mutex::new(Vec::new()));
        ingest::read_file(&input, &sink);
        let mut found = BTreeSet::new();
        for record in sink.0.into_inner().expect("lock") {
            let (article, _) = extract(record, &ctx);
            found.extend(article.companies.iter().map(|c| canonical(c)));
        }
        let detail = ArticleEval {
            path: path.to_string(),
            correct: found.intersection(&gold).cloned().collect(),
            false_positives: found.difference(&gold).cloned().collect(),
            missed: gold.difference(&found).cloned().collect(),
        };
        eval.articles += 1;
        eval.true_positives += detail.correct.len();
        eval.false_positives += detail.false_positives.len();
        eval.false_negatives += detail.missed.len();
        eval.details.push(detail);
    }
    let (tp, fp, fn_) = (
        eval.true_positives as f64,
        eval.false_positives as f64,
        eval.false_negatives as f64,
    );
    eval.precision = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
    eval.recall = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 0.0 };
    eval.f1 = if eval.precision + eval.recall > 0.0 {
        2.0 * eval.precision * eval.recall / (eval.precision + eval.recall)
    } else {
        0.0
    };
    Ok(eval)
}
