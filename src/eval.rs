//! Measuring quality: company extraction against hand labels
//! (`search eval-companies`), and ranking against relevance judgments in the
//! TREC formats (`search eval`), scored the way `trec_eval` scores them.
//!
//! The labels file (`tests/data/company-labels.tsv`) has one line per article:
//! `PATH<TAB>Company|Company|...`. Paths under `seeds/` are read from the
//! repository; other paths (the BBC corpus, whose text may not be copied) from
//! a corpus root given by the user. Articles whose file is missing are counted
//! and left out, so the measurement runs wherever some of the corpus is present.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Serialize;

use crate::error::SearchError;
use crate::extract::companies::{Gazetteer, MatchRules};
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

/// The records of a labelled article's file, read as `search index` reads
/// it: `seeds/...` paths under `repo_root`, the others under `corpus_root`.
/// `None` when the file is not there (the caller counts it as missing).
pub(crate) fn read_labelled(
    path: &str,
    repo_root: &Path,
    corpus_root: &Path,
) -> Option<Vec<RawRecord>> {
    let file: PathBuf = if path.starts_with("seeds/") {
        repo_root.join(path)
    } else {
        corpus_root.join(path)
    };
    if !file.is_file() {
        return None;
    }
    let input = InputFile {
        kind: FileKind::from_path(&file).unwrap_or(FileKind::Text),
        size: 0,
        path: file,
    };
    let sink = Collect(Mutex::new(Vec::new()));
    ingest::read_file(&input, &sink);
    Some(sink.0.into_inner().expect("lock"))
}

/// How many articles of a labels file are read from the corpus folder (all
/// but those under `seeds/`, which are in the repository).
pub fn labels_outside_repo(labels: &Path) -> Result<usize, SearchError> {
    let text = std::fs::read_to_string(labels).map_err(|source| SearchError::Io {
        path: labels.to_path_buf(),
        source,
    })?;
    Ok(text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter(|l| !l.starts_with("seeds/"))
        .count())
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
    // Names the gazetteer does not know compare without a trailing corporate
    // word: a label `Asahi` and a detected `Asahi Breweries` name one firm.
    // A name the gazetteer knows only with a corporate word (`Sapporo` for
    // `Sapporo Breweries`) is that company.
    let canonical = |name: &str| -> String {
        gazetteer
            .canonical(name)
            .or_else(|| gazetteer.by_short_form(name))
            .map(str::to_string)
            .unwrap_or_else(|| {
                let name = name.trim();
                crate::extract::orgs::strip_corporate_word(name)
                    .filter(|short| gazetteer.canonical(short).is_none())
                    .unwrap_or(name)
                    .to_string()
            })
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
        let Some(records) = read_labelled(path, repo_root, corpus_root) else {
            eval.missing_files.push(path.to_string());
            continue;
        };
        let mut found = BTreeSet::new();
        // One firm under two names (`Baikal` and `Baikal Finance Group`) is
        // shown twice: the second name is a false hit.
        let mut twice = Vec::new();
        for record in records {
            let (article, _) = extract(record, &ctx);
            for name in &article.companies {
                if !found.insert(canonical(name)) {
                    twice.push(format!("{} (twice)", name.to_lowercase()));
                }
            }
        }
        let mut false_positives: Vec<String> = found.difference(&gold).cloned().collect();
        false_positives.extend(twice);
        let detail = ArticleEval {
            path: path.to_string(),
            correct: found.intersection(&gold).cloned().collect(),
            false_positives,
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

/// One row of a rule ablation: which rules were on, and the result.
#[derive(Debug, Clone, Serialize)]
pub struct AblationRow {
    /// `all rules`, `without <rule>`, or `no rules`.
    pub configuration: String,
    /// The rules as applied.
    pub rules: MatchRules,
    /// Labelled articles found and measured.
    pub articles: usize,
    /// Micro precision.
    pub precision: f64,
    /// Micro recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
    /// Correct, false and missed companies.
    pub true_positives: usize,
    /// Companies found that the labels do not have.
    pub false_positives: usize,
    /// Labelled companies not found.
    pub false_negatives: usize,
}

/// What each matching rule buys: the labelled set measured with all rules,
/// with each rule switched off in turn, and with none.
pub fn company_rule_ablation(
    labels: &Path,
    repo_root: &Path,
    corpus_root: &Path,
    gazetteer: &Gazetteer,
) -> Result<Vec<AblationRow>, SearchError> {
    let mut configurations = vec![("all rules".to_string(), MatchRules::default())];
    for name in MatchRules::NAMES {
        if let Some(rules) = MatchRules::without(name) {
            configurations.push((format!("without {name}"), rules));
        }
    }
    configurations.push(("no rules".to_string(), MatchRules::none()));
    let mut rows = Vec::new();
    for (configuration, rules) in configurations {
        let eval = eval_companies(labels, repo_root, corpus_root, &gazetteer.with_rules(rules))?;
        rows.push(AblationRow {
            configuration,
            rules,
            articles: eval.articles,
            precision: eval.precision,
            recall: eval.recall,
            f1: eval.f1,
            true_positives: eval.true_positives,
            false_positives: eval.false_positives,
            false_negatives: eval.false_negatives,
        });
    }
    Ok(rows)
}

/// Relevance judgments: query id → (document id → relevance grade).
pub type Qrels = BTreeMap<String, HashMap<String, u32>>;
/// A ranked run: query id → document ids, best first.
pub type Run = BTreeMap<String, Vec<String>>;

/// Retrieval quality, computed the way `trec_eval` computes it.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct Metrics {
    /// Queries averaged over: every query with at least one relevant document.
    pub queries: usize,
    /// Mean average precision.
    pub map: f64,
    /// Mean nDCG at rank 10 (gain = relevance grade, discount log2(rank + 1)).
    pub ndcg_10: f64,
    /// Mean precision at rank 10.
    pub p_10: f64,
    /// Mean recall at rank 100.
    pub recall_100: f64,
}

/// Reads TREC qrels: `qid iteration docid relevance` per line.
pub fn read_qrels(path: &Path) -> Result<Qrels, SearchError> {
    let mut qrels = Qrels::new();
    for_each_trec_line(path, "qid iteration docid relevance", 4..=4, |cols, bad| {
        let rel: i64 = cols[3]
            .parse()
            .map_err(|_| bad("relevance is not a number"))?;
        qrels
            .entry(cols[0].to_string())
            .or_default()
            .insert(cols[2].to_string(), rel.max(0) as u32);
        Ok(())
    })?;
    Ok(qrels)
}

/// Calls `each` with the whitespace-separated columns of every non-blank line
/// of a TREC file (as many as `columns` allows, as `shape` names them), and
/// a maker of errors naming the line.
fn for_each_trec_line(
    path: &Path,
    shape: &str,
    columns: std::ops::RangeInclusive<usize>,
    mut each: impl FnMut(&[&str], &dyn Fn(&str) -> SearchError) -> Result<(), SearchError>,
) -> Result<(), SearchError> {
    let text = read(path)?;
    for (n, line) in text.lines().enumerate() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        if cols.is_empty() {
            continue;
        }
        let bad = |reason: &str| bad_line(path, n, reason);
        if !columns.contains(&cols.len()) {
            return Err(bad(&format!("expected `{shape}`")));
        }
        each(&cols, &bad)?;
    }
    Ok(())
}

/// Reads queries: `qid<TAB>text` per line (lines starting with `#` skipped).
pub fn read_queries(path: &Path) -> Result<Vec<(String, String)>, SearchError> {
    let text = read(path)?;
    let mut queries = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((qid, query)) = line.split_once('\t') else {
            return Err(bad_line(path, n, "expected `qid<TAB>query text`"));
        };
        queries.push((qid.trim().to_string(), query.trim().to_string()));
    }
    Ok(queries)
}

/// Reads a TREC run: `qid Q0 docid rank score tag` per line, ordered by score.
pub fn read_run(path: &Path) -> Result<Run, SearchError> {
    let mut scored: BTreeMap<String, Vec<(f64, String)>> = BTreeMap::new();
    for_each_trec_line(
        path,
        "qid Q0 docid rank score tag",
        5..=usize::MAX,
        |cols, bad| {
            let score: f64 = cols[4].parse().map_err(|_| bad("score is not a number"))?;
            scored
                .entry(cols[0].to_string())
                .or_default()
                .push((score, cols[2].to_string()));
            Ok(())
        },
    )?;
    Ok(scored
        .into_iter()
        .map(|(qid, mut docs)| {
            // trec_eval's order: score descending, then document id descending.
            docs.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| b.1.cmp(&a.1)));
            // A document listed twice counts once, at its best rank.
            let mut seen = std::collections::HashSet::new();
            let docs = docs
                .into_iter()
                .map(|(_, d)| d)
                .filter(|d| seen.insert(d.clone()))
                .collect();
            (qid, docs)
        })
        .collect())
}

/// Writes a run in TREC format.
pub fn write_run(
    out: &mut dyn std::io::Write,
    results: &BTreeMap<String, Vec<(String, f32)>>,
    tag: &str,
) -> std::io::Result<()> {
    for (qid, docs) in results {
        for (rank, (doc, score)) in docs.iter().enumerate() {
            writeln!(out, "{qid} Q0 {doc} {} {score:.6} {tag}", rank + 1)?;
        }
    }
    Ok(())
}

/// Scores a run against judgments. Every query with at least one relevant
/// document counts; one that the run does not answer scores 0.
pub fn trec_metrics(run: &Run, qrels: &Qrels) -> Metrics {
    let mut sum = Metrics {
        queries: 0,
        map: 0.0,
        ndcg_10: 0.0,
        p_10: 0.0,
        recall_100: 0.0,
    };
    for (qid, judged) in qrels {
        let relevant = judged.values().filter(|&&r| r > 0).count();
        if relevant == 0 {
            continue;
        }
        sum.queries += 1;
        let mut seen = std::collections::HashSet::new();
        let docs: Vec<&String> = run
            .get(qid)
            .map(|d| d.iter().filter(|d| seen.insert(*d)).collect())
            .unwrap_or_default();
        let grade = |doc: &String| judged.get(doc).copied().unwrap_or(0);
        let mut hits = 0usize;
        let mut precision_sum = 0.0;
        for (i, doc) in docs.iter().enumerate() {
            if grade(doc) > 0 {
                hits += 1;
                precision_sum += hits as f64 / (i + 1) as f64;
            }
        }
        sum.map += precision_sum / relevant as f64;
        let top = |k: usize| docs.iter().take(k).filter(|d| grade(d) > 0).count();
        sum.p_10 += top(10) as f64 / 10.0;
        sum.recall_100 += top(100) as f64 / relevant as f64;
        let dcg: f64 = docs
            .iter()
            .take(10)
            .enumerate()
            .map(|(i, d)| grade(d) as f64 / ((i + 2) as f64).log2())
            .sum();
        let mut ideal: Vec<u32> = judged.values().copied().filter(|&r| r > 0).collect();
        ideal.sort_unstable_by(|a, b| b.cmp(a));
        let idcg: f64 = ideal
            .iter()
            .take(10)
            .enumerate()
            .map(|(i, &g)| g as f64 / ((i + 2) as f64).log2())
            .sum();
        sum.ndcg_10 += if idcg > 0.0 { dcg / idcg } else { 0.0 };
    }
    let n = sum.queries.max(1) as f64;
    Metrics {
        queries: sum.queries,
        map: sum.map / n,
        ndcg_10: sum.ndcg_10 / n,
        p_10: sum.p_10 / n,
        recall_100: sum.recall_100 / n,
    }
}

fn read(path: &Path) -> Result<String, SearchError> {
    std::fs::read_to_string(path).map_err(|source| SearchError::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn bad_line(path: &Path, n: usize, what: &str) -> SearchError {
    SearchError::BadArgument(format!("{}:{}: {what}", path.display(), n + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(pairs: &[(&str, &[&str])]) -> Run {
        pairs
            .iter()
            .map(|(q, docs)| (q.to_string(), docs.iter().map(|d| d.to_string()).collect()))
            .collect()
    }

    fn qrels(pairs: &[(&str, &[&str])]) -> Qrels {
        pairs
            .iter()
            .map(|(q, docs)| {
                (
                    q.to_string(),
                    docs.iter().map(|d| (d.to_string(), 1)).collect(),
                )
            })
            .collect()
    }

    /// Worked by hand.
    /// q1: relevant {a, c}; run a, b, c.
    ///   AP = (1/1 + 2/3) / 2 = 0.833333; P@10 = 2/10; R@100 = 1;
    ///   DCG = 1/log2(2) + 1/log2(4) = 1.5; IDCG = 1 + 1/log2(3) = 1.630930;
    ///   nDCG = 0.919721.
    /// q2: relevant {x}; no results: every measure 0.
    /// q3: judged but nothing relevant: not counted.
    /// Means over 2 queries: MAP 0.416667, nDCG 0.459860, P@10 0.1, R@100 0.5.
    #[test]
    fn metrics_match_a_hand_computation() {
        let r = run(&[("q1", &["a", "b", "c"]), ("q9", &["z"])]);
        let mut j = qrels(&[("q1", &["a", "c"]), ("q2", &["x"])]);
        j.insert("q3".into(), [("y".to_string(), 0)].into_iter().collect());
        let m = trec_metrics(&r, &j);
        assert_eq!(m.queries, 2);
        assert!((m.map - 0.416_667).abs() < 1e-6, "{m:?}");
        assert!((m.ndcg_10 - 0.459_860).abs() < 1e-6, "{m:?}");
        assert!((m.p_10 - 0.1).abs() < 1e-12);
        assert!((m.recall_100 - 0.5).abs() < 1e-12);
    }

    #[test]
    fn run_files_are_ordered_like_trec_eval() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.run");
        std::fs::write(&path, "1 Q0 d1 1 0.5 t\n1 Q0 d2 2 0.9 t\n1 Q0 d3 3 0.9 t\n").unwrap();
        let r = read_run(&path).unwrap();
        assert_eq!(r["1"], ["d3", "d2", "d1"]);
    }
}
