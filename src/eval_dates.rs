//! Measuring publication years against hand labels (`search eval-dates`).
//!
//! The labels file (`tests/data/year-labels.tsv`) has one line per article:
//! `PATH<TAB>YEAR` (an empty year: the text does not fix one), optionally a
//! third column saying why. Paths under `seeds/` are read from the
//! repository, others from a corpus root, as `search eval-companies` does;
//! articles whose file is missing are counted and left out. Each article is
//! read and extracted exactly as `search index` reads it.
//!
//! * **precision**: of the years shown, those equal to the label (a year
//!   shown for an article labelled without one is wrong);
//! * **coverage**: of the labelled years, those shown.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;

use crate::error::SearchError;
use crate::extract::companies::Gazetteer;
use crate::extract::{extract, ExtractContext};

/// The comparison for one article.
#[derive(Debug, Clone, Serialize)]
pub struct YearCheck {
    /// The labelled path.
    pub path: String,
    /// The labelled year, if the text fixes one.
    pub label: Option<i16>,
    /// The year extracted, if any.
    pub found: Option<i16>,
    /// Where the extracted date came from (`explicit`, `metadata`, `path`,
    /// `inferred`, `unknown`).
    pub source: &'static str,
}

impl YearCheck {
    /// `right`, `wrong` (a year shown that is not the label), `missed` (a
    /// labelled year not shown) or `agreed` (no year, none labelled).
    pub fn verdict(&self) -> &'static str {
        match (self.found, self.label) {
            (Some(f), Some(l)) if f == l => "right",
            (Some(_), _) => "wrong",
            (None, Some(_)) => "missed",
            (None, None) => "agreed",
        }
    }
}

/// Year precision and coverage over the labelled articles.
#[derive(Debug, Clone, Serialize)]
pub struct YearEval {
    /// Articles evaluated.
    pub articles: usize,
    /// Labelled articles whose file was not found (left out).
    pub missing_files: Vec<String>,
    /// Articles with a labelled year.
    pub labelled_years: usize,
    /// Articles for which a year was extracted.
    pub shown_years: usize,
    /// Extracted years equal to the label.
    pub right: usize,
    /// Extracted years different from the label, or shown where none is labelled.
    pub wrong: usize,
    /// `right / shown_years` (1 when nothing is shown).
    pub precision: f64,
    /// `right / labelled_years` (1 when nothing is labelled).
    pub coverage: f64,
    /// How many articles each date source gave.
    pub by_source: BTreeMap<&'static str, usize>,
    /// Per-article details.
    pub details: Vec<YearCheck>,
}

/// Compares the year extracted from each labelled article with its label.
/// `repo_root` resolves `seeds/...` paths, `corpus_root` the others.
pub fn eval_dates(
    labels: &Path,
    repo_root: &Path,
    corpus_root: &Path,
) -> Result<YearEval, SearchError> {
    let text = std::fs::read_to_string(labels).map_err(|source| SearchError::Io {
        path: labels.to_path_buf(),
        source,
    })?;
    let ctx = ExtractContext {
        gazetteer: Gazetteer::builtin(),
        today: jiff::ZonedDateTime::now().date(),
    };
    let mut eval = YearEval {
        articles: 0,
        missing_files: Vec::new(),
        labelled_years: 0,
        shown_years: 0,
        right: 0,
        wrong: 0,
        precision: 1.0,
        coverage: 1.0,
        by_source: BTreeMap::new(),
        details: Vec::new(),
    };
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut columns = line.split('\t');
        let path = columns.next().unwrap_or("").trim();
        let year = columns.next().unwrap_or("").trim();
        let label = if year.is_empty() {
            None
        } else {
            Some(year.parse::<i16>().map_err(|_| {
                SearchError::BadArgument(format!(
                    "{}:{}: `{year}` is not a year",
                    labels.display(),
                    n + 1
                ))
            })?)
        };
        let Some(records) = crate::eval::read_labelled(path, repo_root, corpus_root) else {
            eval.missing_files.push(path.to_string());
            continue;
        };
        // One article per labelled file; a file of several takes the first.
        let date = records
            .into_iter()
            .next()
            .map(|record| extract(record, &ctx).0.date);
        let check = YearCheck {
            path: path.to_string(),
            label,
            found: date.and_then(|d| d.year),
            source: date.map_or("unknown", |d| d.source.as_str()),
        };
        eval.articles += 1;
        *eval.by_source.entry(check.source).or_default() += 1;
        eval.labelled_years += usize::from(label.is_some());
        eval.shown_years += usize::from(check.found.is_some());
        match check.verdict() {
            "right" => eval.right += 1,
            "wrong" => eval.wrong += 1,
            _ => {}
        }
        eval.details.push(check);
    }
    if eval.shown_years > 0 {
        eval.precision = eval.right as f64 / eval.shown_years as f64;
    }
    if eval.labelled_years > 0 {
        eval.coverage = eval.right as f64 / eval.labelled_years as f64;
    }
    Ok(eval)
}

/// Prints the result for people: the figures, where the dates came from,
/// the missing files, and with `verbose` every article.
pub fn print_year_eval(out: &mut dyn Write, eval: &YearEval, verbose: bool) -> io::Result<()> {
    if verbose {
        for c in &eval.details {
            let show = |y: Option<i16>| y.map_or("-".to_string(), |y| y.to_string());
            writeln!(
                out,
                "{:<7} {:<40} label {:<5} found {:<5} ({})",
                c.verdict(),
                c.path,
                show(c.label),
                show(c.found),
                c.source
            )?;
        }
    }
    writeln!(
        out,
        "year precision {:.3}  coverage {:.3}  ({} articles; {} {} shown: {} right, {} wrong; {} labelled years, {} not found)",
        eval.precision,
        eval.coverage,
        eval.articles,
        eval.shown_years,
        if eval.shown_years == 1 { "year" } else { "years" },
        eval.right,
        eval.wrong,
        eval.labelled_years,
        eval.labelled_years - eval.right.min(eval.labelled_years),
    )?;
    let sources: Vec<String> = eval
        .by_source
        .iter()
        .map(|(s, n)| format!("{s} {n}"))
        .collect();
    writeln!(out, "date sources: {}", sources.join(" · "))?;
    if let Some(first) = eval.missing_files.first() {
        writeln!(
            out,
            "{} labelled articles not found and left out (e.g. {first})",
            eval.missing_files.len()
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precision_and_coverage_count_what_they_say() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("c/2004")).unwrap();
        let write = |p: &str, text: &str| std::fs::write(root.join(p), text).unwrap();
        write(
            "c/a.txt",
            "Headline number one here\n\n date 2005-01-02 Text.",
        );
        write("c/2004/b.txt", "Headline number two here\n\nText.");
        write("c/c.txt", "Headline number three here\n\nIn 2003 it fell.");
        write(
            "c/d.txt",
            "Headline number four here\n\n date 2001-01-02 Text.",
        );
        write(
            "labels.tsv",
            "# comment\nc/a.txt\t2005\tstated\nc/2004/b.txt\t2005\nc/c.txt\t2003\nc/d.txt\t\nc/gone.txt\t2004\n",
        );
        let eval = eval_dates(&root.join("labels.tsv"), root, root).unwrap();
        assert_eq!(eval.articles, 4);
        assert_eq!(eval.missing_files, ["c/gone.txt"]);
        assert_eq!((eval.shown_years, eval.right, eval.wrong), (3, 1, 2));
        assert_eq!(eval.labelled_years, 3);
        assert!((eval.precision - 1.0 / 3.0).abs() < 1e-9);
        assert!((eval.coverage - 1.0 / 3.0).abs() < 1e-9);
        let verdicts: Vec<&str> = eval.details.iter().map(YearCheck::verdict).collect();
        assert_eq!(verdicts, ["right", "wrong", "missed", "wrong"]);
        assert_eq!(eval.by_source.get("path"), Some(&1));
    }
}
