//! Measuring near-duplicate detection against labelled pairs
//! (`search eval-dups`), and listing candidate pairs to label.
//!
//! A labels file has one pair a line: `PATH_A<TAB>PATH_B<TAB>same` or
//! `different` (`#` starts a comment). A path names an indexed file by its
//! end (`bbc/tech/040.txt` names `/…/corpora/bbc/tech/040.txt`). Precision
//! is over the pairs the index groups together whose two files are both
//! labelled somewhere: those labelled `same` are right, `different` wrong,
//! and pairs of no label line are counted apart (`unjudged`). Recall is
//! over the pairs labelled `same`.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Serialize;
use tantivy::{DocAddress, TantivyDocument};

use super::minhash::{exact_similarity, Signature};
use crate::error::SearchError;
use crate::index::{SearchIndex, Stored};

/// A labelled pair.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Pair {
    /// One file (the smaller path).
    pub a: String,
    /// The other.
    pub b: String,
}

impl Pair {
    /// The pair of `x` and `y`, in path order.
    pub fn new(x: &str, y: &str) -> Pair {
        let (a, b) = if x <= y { (x, y) } else { (y, x) };
        Pair {
            a: a.to_string(),
            b: b.to_string(),
        }
    }
}

/// The result of `search eval-dups`.
#[derive(Debug, Clone, Serialize)]
pub struct DupEval {
    /// Label lines read.
    pub labelled: usize,
    /// Pairs labelled `same`.
    pub labelled_same: usize,
    /// Pairs the index groups together among the labelled files.
    pub found: usize,
    /// Found pairs labelled `same`.
    pub right: usize,
    /// Found pairs labelled `different`.
    pub wrong: usize,
    /// Found pairs with no label.
    pub unjudged: usize,
    /// `right / (right + wrong)`.
    pub precision: f64,
    /// `right / labelled_same`.
    pub recall: f64,
    /// Labelled files not found in the index.
    pub not_indexed: usize,
    /// Pairs labelled `same` the index does not group.
    pub missed_pairs: Vec<Pair>,
    /// Pairs labelled `different` the index groups.
    pub wrong_pairs: Vec<Pair>,
    /// Grouped pairs without a label.
    pub unjudged_pairs: Vec<Pair>,
}

/// Reads a labels file: each pair and whether it is the same story.
pub fn read_labels(path: &Path) -> Result<Vec<(Pair, bool)>, SearchError> {
    let text = std::fs::read_to_string(path).map_err(|e| SearchError::Io {
        path: path.to_path_buf(),
        source: e,
    })?;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let parts: Vec<&str> = line.split('\t').map(str::trim).collect();
        let same = match parts.get(2) {
            Some(&"same") => true,
            Some(&"different") => false,
            _ => {
                return Err(SearchError::BadArgument(format!(
                    "{}:{}: expected PATH<TAB>PATH<TAB>same|different",
                    path.display(),
                    n + 1
                )))
            }
        };
        out.push((Pair::new(parts[0], parts[1]), same));
    }
    Ok(out)
}

/// Every live article's path and address.
fn articles(idx: &SearchIndex) -> Result<Vec<(String, DocAddress)>, SearchError> {
    let searcher = idx.reader.searcher();
    let mut out = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let store = segment
            .get_store_reader(64)
            .map_err(tantivy::TantivyError::from)?;
        for doc in segment.doc_ids_alive() {
            let stored: TantivyDocument = store.get(doc)?;
            let path = Stored::new(&stored, &idx.fields).text_or_empty(idx.fields.path);
            out.push((path, DocAddress::new(ord as u32, doc)));
        }
    }
    Ok(out)
}

/// The label path that names `path`, if any: the longest that ends it at a `/`.
fn label_for<'a>(path: &str, labelled: &'a HashSet<String>) -> Option<&'a String> {
    let path = path.replace('\\', "/");
    labelled
        .iter()
        .filter(|l| path == **l || path.ends_with(&format!("/{l}")))
        .max_by_key(|l| l.len())
}

/// Scores the index's groups against the labels in `labels`.
pub fn eval_dups(idx: &SearchIndex, labels: &Path) -> Result<DupEval, SearchError> {
    let labels = read_labels(labels)?;
    let judged: HashMap<Pair, bool> = labels.iter().cloned().collect();
    let files: HashSet<String> = labels
        .iter()
        .flat_map(|(p, _)| [p.a.clone(), p.b.clone()])
        .collect();
    let groups = idx.groups()?;
    let mut label_of: HashMap<DocAddress, String> = HashMap::new();
    for (path, address) in articles(idx)? {
        if let Some(label) = label_for(&path, &files) {
            label_of.insert(address, label.clone());
        }
    }
    let indexed: HashSet<&String> = label_of.values().collect();
    let not_indexed = files.iter().filter(|f| !indexed.contains(f)).count();
    let mut found: HashSet<Pair> = HashSet::new();
    for members in groups.all() {
        let named: Vec<&String> = members.iter().filter_map(|m| label_of.get(m)).collect();
        for (i, a) in named.iter().enumerate() {
            for b in &named[i + 1..] {
                if a != b {
                    found.insert(Pair::new(a, b));
                }
            }
        }
    }
    let mut sorted: Vec<Pair> = found.iter().cloned().collect();
    sorted.sort();
    let (mut right, mut wrong_pairs, mut unjudged_pairs) = (0, Vec::new(), Vec::new());
    for pair in sorted {
        match judged.get(&pair) {
            Some(true) => right += 1,
            Some(false) => wrong_pairs.push(pair),
            None => unjudged_pairs.push(pair),
        }
    }
    let mut missed_pairs: Vec<Pair> = labels
        .iter()
        .filter(|(p, same)| *same && !found.contains(p))
        .map(|(p, _)| p.clone())
        .collect();
    missed_pairs.sort();
    let labelled_same = labels.iter().filter(|(_, same)| *same).count();
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    Ok(DupEval {
        labelled: labels.len(),
        labelled_same,
        found: found.len(),
        right,
        wrong: wrong_pairs.len(),
        unjudged: unjudged_pairs.len(),
        precision: ratio(right, right + wrong_pairs.len()),
        recall: ratio(right, labelled_same),
        not_indexed,
        missed_pairs,
        wrong_pairs,
        unjudged_pairs,
    })
}

/// A pair of articles whose signatures agree in at least a given fraction.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    /// The two files.
    pub pair: Pair,
    /// The signatures' agreement (estimated Jaccard of word 3-shingles).
    pub estimate: f64,
    /// The exact Jaccard of the two bodies' word 3-shingles.
    pub exact: f64,
    /// Whether the index groups them together.
    pub grouped: bool,
}

/// Every pair of articles whose signatures agree in at least `loose` of
/// their positions, by comparing all pairs (for building labels on a
/// corpus of a few thousand articles; quadratic).
pub fn candidates(idx: &SearchIndex, loose: f64) -> Result<Vec<Candidate>, SearchError> {
    let searcher = idx.reader.searcher();
    let groups = idx.groups()?;
    let f = idx.fields;
    let mut items: Vec<(DocAddress, String, String, Signature)> = Vec::new();
    for (path, address) in articles(idx)? {
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = Stored::new(&doc, &f).text_or_empty(f.text);
        if let Some(sig) = Signature::of_text(&text) {
            items.push((address, path, text, sig));
        }
    }
    let mut out = Vec::new();
    for (i, a) in items.iter().enumerate() {
        for b in &items[i + 1..] {
            let estimate = a.3.similarity(&b.3);
            if estimate >= loose {
                out.push(Candidate {
                    pair: Pair::new(&a.1, &b.1),
                    estimate,
                    exact: exact_similarity(&a.2, &b.2),
                    grouped: groups.group_of(a.0).is_some()
                        && groups.group_of(a.0) == groups.group_of(b.0),
                });
            }
        }
    }
    out.sort_by(|x, y| y.exact.total_cmp(&x.exact).then(x.pair.cmp(&y.pair)));
    Ok(out)
}

/// Prints an evaluation: the pairs (missed, wrong, unjudged) when
/// `verbose`, then one line of figures.
pub fn print_dup_eval(
    out: &mut dyn std::io::Write,
    eval: &DupEval,
    verbose: bool,
) -> std::io::Result<()> {
    if verbose {
        for (what, pairs) in [
            ("missed", &eval.missed_pairs),
            ("wrong", &eval.wrong_pairs),
            ("unjudged", &eval.unjudged_pairs),
        ] {
            for p in pairs {
                writeln!(out, "{what:<8} {}\t{}", p.a, p.b)?;
            }
        }
    }
    writeln!(
        out,
        "near-duplicate precision {:.3}  recall {:.3}  ({} labelled pairs, {} same; {} grouped: {} right, {} wrong, {} unjudged; {} labelled files not indexed)",
        eval.precision,
        eval.recall,
        eval.labelled,
        eval.labelled_same,
        eval.found,
        eval.right,
        eval.wrong,
        eval.unjudged,
        eval.not_indexed
    )
}

/// Prints candidate pairs as tab-separated lines: exact and estimated
/// similarity, whether grouped, the two paths.
pub fn print_candidates(
    out: &mut dyn std::io::Write,
    candidates: &[Candidate],
) -> std::io::Result<()> {
    writeln!(out, "#exact\testimate\tgrouped\ta\tb")?;
    for c in candidates {
        writeln!(
            out,
            "{:.3}\t{:.3}\t{}\t{}\t{}",
            c.exact,
            c.estimate,
            if c.grouped { "yes" } else { "no" },
            c.pair.a,
            c.pair.b
        )?;
    }
    Ok(())
}
