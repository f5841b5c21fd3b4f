//! Printing results: for people (aligned, coloured on a terminal) and as JSON.
//!
//! Colour is written as ANSI sequences and stripped by the caller's
//! `anstream::AutoStream` when it should not be shown. Article text is untrusted
//! and goes through [`sanitize_for_terminal`] before it is printed.

use std::io::{self, Write};

use anstyle::{AnsiColor, Effects, Style};
use serde::Serialize;

use crate::article::DateSource;
use crate::index::BuildSummary;
use crate::query::{FacetCount, Hit, SearchResults};
use crate::text::sanitize_for_terminal;

const TITLE: Style = Style::new().effects(Effects::BOLD);
const MATCH: Style = Style::new()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)))
    .effects(Effects::BOLD);
const META: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));
const PATH: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Magenta)));
const DIM: Style = Style::new().effects(Effects::DIMMED);
const LABEL: Style = Style::new().effects(Effects::BOLD);

/// Prints any serialisable value as pretty JSON followed by a newline.
pub fn print_json<T: Serialize>(out: &mut dyn Write, value: &T) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::from)?;
    writeln!(out)
}

/// The two facets `search facets` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FacetField {
    /// Companies the articles mention.
    Company,
    /// Publication years.
    Year,
}

/// The JSON document of `search facets --json` (and of `GET /api/facets`).
#[derive(Debug, Serialize)]
pub struct FacetsJson<'a> {
    /// Which facet.
    pub facet: FacetField,
    /// The query counted over.
    pub query: &'a str,
    /// The filters as applied.
    pub filters: &'a crate::query::AppliedFilters,
    /// Number of matching articles.
    pub total: u64,
    /// The counts: companies most mentioned first, years newest first.
    pub counts: &'a [FacetCount],
}

impl<'a> FacetsJson<'a> {
    /// The document for `field` of a facets-only search's results.
    pub fn new(field: FacetField, r: &'a SearchResults) -> FacetsJson<'a> {
        FacetsJson {
            facet: field,
            query: &r.query,
            filters: &r.filters,
            total: r.total,
            counts: match field {
                FacetField::Company => &r.facets.company,
                FacetField::Year => &r.facets.year,
            },
        }
    }
}

/// Prints search results for a person: hits, then a count line, then facets.
pub fn print_results(out: &mut dyn Write, r: &SearchResults) -> io::Result<()> {
    for hit in &r.hits {
        print_hit(out, hit)?;
    }
    let shown = if r.hits.is_empty() {
        String::new()
    } else {
        format!(", showing {}-{}", r.offset + 1, r.offset + r.hits.len())
    };
    let what = if r.query.trim().is_empty() {
        String::new()
    } else {
        format!(" for \"{}\"", sanitize_for_terminal(r.query.trim()))
    };
    let filters = describe_filters(r);
    writeln!(
        out,
        "{DIM}{} matching article{}{what}{filters}{shown} ({} ms){DIM:#}",
        r.total,
        if r.total == 1 { "" } else { "s" },
        r.took_ms
    )?;
    if r.total > 0 {
        print_facet_line(out, "companies", &r.facets.company)?;
        print_facet_line(out, "years", &r.facets.year)?;
    }
    Ok(())
}

fn describe_filters(r: &SearchResults) -> String {
    let mut parts = Vec::new();
    if !r.filters.companies.is_empty() {
        parts.push(format!("company {}", r.filters.companies.join(" or ")));
    }
    match (r.filters.since, r.filters.until) {
        (Some(a), Some(b)) if a == b => parts.push(format!(
            "{} {a}",
            if matches!(a, crate::query::DateBound::Year(_)) {
                "year"
            } else {
                "day"
            }
        )),
        (Some(a), Some(b)) => parts.push(format!("years {a}-{b}")),
        (Some(a), None) => parts.push(format!("since {a}")),
        (None, Some(b)) => parts.push(format!("until {b}")),
        (None, None) => {}
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

fn print_hit(out: &mut dyn Write, hit: &Hit) -> io::Result<()> {
    writeln!(
        out,
        "{:>2}. {TITLE}{}{TITLE:#}",
        hit.rank,
        sanitize_for_terminal(&hit.title)
    )?;
    let date = match (&hit.date, hit.year) {
        (Some(d), _) if hit.date_source == DateSource::Inferred => format!("{d} (inferred)"),
        (Some(d), _) => d.clone(),
        (None, Some(y)) if hit.date_source == DateSource::Inferred => format!("{y} (inferred)"),
        (None, Some(y)) => y.to_string(),
        (None, None) => "date unknown".to_string(),
    };
    let companies = if hit.companies.is_empty() {
        "no companies".to_string()
    } else {
        // Companies found by corporate cues only are marked `?`.
        let names: Vec<String> = hit
            .companies
            .iter()
            .map(|c| {
                if hit.detected_companies.contains(c) {
                    format!("{c}?")
                } else {
                    c.clone()
                }
            })
            .collect();
        sanitize_for_terminal(&names.join(", "))
    };
    let score = hit
        .score
        .map(|s| format!(" · score {s:.2}"))
        .unwrap_or_default();
    writeln!(
        out,
        "    {META}{date}{META:#} · {companies} · {PATH}{}{PATH:#}{DIM}{score}{DIM:#}",
        sanitize_for_terminal(&hit.path)
    )?;
    write!(out, "    ")?;
    let mut pos = 0;
    let chars: Vec<char> = hit.snippet.text.chars().collect();
    for &[start, end] in &hit.snippet.highlights {
        if start < pos || end > chars.len() {
            continue;
        }
        let before: String = chars[pos..start].iter().collect();
        let matched: String = chars[start..end].iter().collect();
        write!(
            out,
            "{}{MATCH}{}{MATCH:#}",
            sanitize_for_terminal(&before),
            sanitize_for_terminal(&matched)
        )?;
        pos = end;
    }
    let rest: String = chars[pos.min(chars.len())..].iter().collect();
    writeln!(out, "{}", sanitize_for_terminal(&rest))?;
    writeln!(out)
}

fn print_facet_line(out: &mut dyn Write, label: &str, counts: &[FacetCount]) -> io::Result<()> {
    let list: Vec<String> = counts
        .iter()
        .map(|c| format!("{} {}", sanitize_for_terminal(&c.value), c.count))
        .collect();
    let list = if list.is_empty() {
        "none".to_string()
    } else {
        list.join(" · ")
    };
    writeln!(out, "{LABEL}{label:<10}{LABEL:#} {list}")
}

/// Prints the one-line summary of an index build.
pub fn print_summary(out: &mut dyn Write, s: &BuildSummary) -> io::Result<()> {
    let skipped = if s.skipped.is_empty() {
        "0 skipped".to_string()
    } else {
        let reasons: Vec<String> = s.skipped.iter().map(|(k, v)| format!("{k} {v}")).collect();
        format!("{} skipped ({})", s.skipped_total(), reasons.join(", "))
    };
    let warnings = if s.warnings > 0 {
        format!(
            ", {} warning{}",
            s.warnings,
            if s.warnings == 1 { "" } else { "s" }
        )
    } else {
        String::new()
    };
    let plural = |n: u64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    writeln!(
        out,
        "indexed {} from {} into {} ({} new, {} updated, {} removed, {} unchanged; {} in the index): {skipped}{warnings}; {:.2} s, {} articles/s, {:.1} MB/s",
        plural(s.indexed, "article"),
        plural(s.files, "file"),
        s.index,
        s.added,
        s.updated,
        s.removed,
        s.unchanged,
        plural(s.total_articles, "article"),
        s.seconds,
        s.articles_per_second,
        s.megabytes_per_second
    )
}

/// Prints a company-extraction evaluation: the scores, then (verbose) each article's errors.
pub fn print_company_eval(
    out: &mut dyn Write,
    e: &crate::eval::CompanyEval,
    verbose: bool,
) -> io::Result<()> {
    if verbose {
        for d in &e.details {
            if d.false_positives.is_empty() && d.missed.is_empty() {
                continue;
            }
            writeln!(out, "{PATH}{}{PATH:#}", d.path)?;
            if !d.missed.is_empty() {
                writeln!(out, "  missed: {}", d.missed.join(", "))?;
            }
            if !d.false_positives.is_empty() {
                writeln!(out, "  false:  {}", d.false_positives.join(", "))?;
            }
        }
    }
    writeln!(
        out,
        "precision {:.3}  recall {:.3}  F1 {:.3}  ({} articles; {} correct, {} false, {} missed)",
        e.precision,
        e.recall,
        e.f1,
        e.articles,
        e.true_positives,
        e.false_positives,
        e.false_negatives
    )?;
    if !e.missing_files.is_empty() {
        writeln!(
            out,
            "{DIM}{} labelled articles not found and left out (e.g. {}){DIM:#}",
            e.missing_files.len(),
            e.missing_files[0]
        )?;
    }
    Ok(())
}

/// Prints a rule ablation as a table, with each row's change in F1 from all rules.
pub fn print_ablation(out: &mut dyn Write, rows: &[crate::eval::AblationRow]) -> io::Result<()> {
    let base = rows.first().map_or(0.0, |r| r.f1);
    let width = rows
        .iter()
        .map(|r| r.configuration.len())
        .max()
        .unwrap_or(0);
    writeln!(
        out,
        "{:width$}  precision  recall     F1   ΔF1  correct  false  missed",
        "rules"
    )?;
    for r in rows {
        writeln!(
            out,
            "{:width$}  {:>9.3}  {:>6.3}  {:.3}  {:>+5.3}  {:>7}  {:>5}  {:>6}",
            r.configuration,
            r.precision,
            r.recall,
            r.f1,
            r.f1 - base,
            r.true_positives,
            r.false_positives,
            r.false_negatives
        )?;
    }
    Ok(())
}

/// Prints counts as a bar chart: value, count, and a bar scaled to the largest count.
pub fn print_bars(out: &mut dyn Write, counts: &[FacetCount]) -> io::Result<()> {
    const WIDTH: usize = 40;
    let max = counts.iter().map(|c| c.count).max().unwrap_or(0).max(1);
    let label = counts
        .iter()
        .map(|c| sanitize_for_terminal(&c.value).chars().count())
        .max()
        .unwrap_or(0);
    let digits = max.to_string().len();
    for c in counts {
        let value = sanitize_for_terminal(&c.value);
        let pad = label - value.chars().count();
        let bar = ((c.count as f64 / max as f64) * WIDTH as f64).round() as usize;
        let bar = "█".repeat(bar.max(usize::from(c.count > 0)));
        writeln!(
            out,
            "{LABEL}{value}{LABEL:#}{} {:>digits$} {META}{bar}{META:#}",
            " ".repeat(pad),
            c.count
        )?;
    }
    Ok(())
}

/// The line under a facet listing: how many articles were counted.
pub fn print_facet_total(out: &mut dyn Write, r: &SearchResults) -> io::Result<()> {
    let what = if r.query.trim().is_empty() {
        String::new()
    } else {
        format!(" for \"{}\"", sanitize_for_terminal(r.query.trim()))
    };
    writeln!(
        out,
        "{DIM}{} matching article{}{what}{} ({} ms){DIM:#}",
        r.total,
        if r.total == 1 { "" } else { "s" },
        describe_filters(r),
        r.took_ms
    )
}
