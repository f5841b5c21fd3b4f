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
use crate::query::{AppliedFilters, DateBound, FacetCount, Hit, MatchMode, SearchResults};
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

/// The report of `search check`: one line when the index is whole, else a
/// line saying how many problems, then one line each.
pub fn print_check(out: &mut dyn Write, r: &crate::index::CheckReport) -> io::Result<()> {
    if r.ok {
        return writeln!(
            out,
            "ok: {}: {} articles in {} segment(s); {} files verified by checksum, {} facet file(s), the file record",
            r.index, r.articles, r.segments, r.files_verified, r.facet_files_verified
        );
    }
    writeln!(out, "damaged: {}: {} problem(s)", r.index, r.problems.len())?;
    for problem in &r.problems {
        writeln!(out, "  {}", sanitize_for_terminal(problem))?;
    }
    Ok(())
}

/// The results as every printer shows them: scores to 3 decimals, the time
/// to 2 (the library keeps them exact).
pub fn rounded(mut r: SearchResults) -> SearchResults {
    for hit in &mut r.hits {
        hit.score = hit.score.map(|s| (s * 1000.0).round() / 1000.0);
    }
    r.took_ms = (r.took_ms * 100.0).round() / 100.0;
    r
}

/// How human output is laid out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Layout {
    /// Wrap lines at this many columns (`None`: do not wrap).
    pub width: Option<usize>,
    /// Only the hits (or bars): no count line, no facet lines.
    pub quiet: bool,
    /// The company facet was not asked for (`--facet-limit 0`): no line for it.
    pub no_company_facet: bool,
}

/// Prints search results for a person: hits, then a count line, then facets.
pub fn print_results(out: &mut dyn Write, r: &SearchResults, layout: Layout) -> io::Result<()> {
    for hit in &r.hits {
        print_hit(out, hit, layout.width)?;
    }
    if layout.quiet {
        return Ok(());
    }
    let shown = if r.hits.is_empty() {
        String::new()
    } else {
        format!(", showing {}-{}", r.offset + 1, r.offset + r.hits.len())
    };
    print_corrections(out, r)?;
    print_count_line(out, r, &shown, layout.width)?;
    if r.total > 0 {
        if !layout.no_company_facet {
            print_facet_line(out, "companies", &r.facets.company, layout.width)?;
        }
        print_facet_line(out, "years", &r.facets.year, layout.width)?;
    }
    Ok(())
}

/// Writes `text` wrapped to `width` (lines after the first indented by
/// `indent`), or as one line when `width` is `None`.
fn write_wrapped(
    out: &mut dyn Write,
    text: &str,
    width: Option<usize>,
    indent: &str,
) -> io::Result<()> {
    for line in crate::term::wrap(text, width, indent) {
        writeln!(out, "{}", line.replace(GLUE, " "))?;
    }
    Ok(())
}

/// A space that lines are not broken at (printed as a plain space).
const GLUE: char = '\u{a0}';

/// `s` with its spaces made unbreakable, so that wrapping keeps it on one line.
fn glued(s: &str) -> String {
    s.replace(' ', "\u{a0}")
}

/// The line saying how many articles matched the query and filters
/// (`3 matching articles for "layoffs" (company Amazon)`, or `17 articles
/// match all words for "ipod sales" (332 more match some)`), then `extra`
/// and the time.
fn print_count_line(
    out: &mut dyn Write,
    r: &SearchResults,
    extra: &str,
    width: Option<usize>,
) -> io::Result<()> {
    let query = sanitize_for_terminal(r.query.trim());
    let what = if query.is_empty() {
        String::new()
    } else if query.len() > 1 && query.starts_with('"') && query.ends_with('"') {
        // A quoted phrase is shown with its own quotes, not twice quoted.
        format!(" for {}", crate::text::truncate_words(&query, 80))
    } else {
        // A long query is cut: the line is a summary, not an echo.
        format!(" for \"{}\"", crate::text::truncate_words(&query, 80))
    };
    let mut notes = describe_filters(r);
    let unit = match r.counts {
        crate::query::Counting::Articles => "article",
        crate::query::Counting::Stories => "story",
    };
    if r.collapsed {
        notes.push("near-copies collapsed".to_string());
    }
    let counted = if r.counted == MatchMode::All && r.partial > 0 {
        notes.push(format!("{} more match some", r.partial));
        let verb = if r.total == 1 { "matches" } else { "match" };
        format!("{} {verb} all words", plural(r.total, unit))
    } else {
        plural(r.total, &format!("matching {unit}"))
    };
    let notes = if notes.is_empty() {
        String::new()
    } else {
        // A note (`company Amazon`) is not split over two lines.
        let notes: Vec<String> = notes.iter().map(|n| glued(n)).collect();
        format!(" ({})", notes.join(", "))
    };
    let line = format!("{counted}{what}{notes}{extra} ({} ms)", r.took_ms);
    for line in crate::term::wrap(&line, width, "  ") {
        writeln!(out, "{DIM}{}{DIM:#}", line.replace(GLUE, " "))?;
    }
    Ok(())
}

/// What typo tolerance changed: `showing results for "microsoft" (no
/// article has "microsfot"; --exact searches as typed)`.
fn print_corrections(out: &mut dyn Write, r: &SearchResults) -> io::Result<()> {
    if r.corrections.is_empty() {
        return Ok(());
    }
    let (also, instead): (Vec<_>, Vec<_>) = r.corrections.iter().partition(|c| c.also);
    let quoted = |words: &[&crate::query::Correction], to: bool| -> String {
        words
            .iter()
            .map(|c| {
                format!(
                    "\"{}\"",
                    sanitize_for_terminal(if to { &c.to } else { &c.from })
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !instead.is_empty() {
        writeln!(
            out,
            "{DIM}showing results for {} (no article has {}; --exact searches as typed){DIM:#}",
            quoted(&instead, true),
            quoted(&instead, false).replace(", ", " or ")
        )?;
    }
    if !also.is_empty() {
        writeln!(
            out,
            "{DIM}also showing results for {} (far more articles have it than {}; --exact searches as typed){DIM:#}",
            quoted(&also, true),
            quoted(&also, false).replace(", ", " or ")
        )?;
    }
    Ok(())
}

/// The line `search similar` prints before its hits: the article compared
/// with and the words searched for.
pub fn print_similar_header(
    out: &mut dyn Write,
    title: &str,
    path: &str,
    terms: &[String],
) -> io::Result<()> {
    writeln!(
        out,
        "{DIM}like {} ({}), by: {}{DIM:#}",
        sanitize_for_terminal(title),
        sanitize_for_terminal(path),
        sanitize_for_terminal(&terms.join(" "))
    )
}

/// `1 article`, `2 articles`.
fn plural(n: u64, word: &str) -> String {
    if n != 1 {
        if let Some(stem) = word.strip_suffix("story") {
            return format!("{n} {stem}stories");
        }
    }
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The filters applied, in words (`company Amazon`, `years 2004-2005`).
fn describe_filters(r: &SearchResults) -> Vec<String> {
    let mut parts = Vec::new();
    if !r.filters.companies.is_empty() {
        parts.push(format!("company {}", r.filters.companies.join(" or ")));
    }
    match (r.filters.since, r.filters.until) {
        (Some(a), Some(b)) if a == b => parts.push(format!(
            "{} {a}",
            if matches!(a, DateBound::Year(_)) {
                "year"
            } else {
                "day"
            }
        )),
        (Some(a @ DateBound::Year(_)), Some(b @ DateBound::Year(_))) => {
            parts.push(format!("years {a}-{b}"))
        }
        // Days have hyphens of their own: `2005-01-01 to 2005-03-31`.
        (Some(a), Some(b)) => parts.push(format!("{a} to {b}")),
        (Some(a), None) => parts.push(format!("since {a}")),
        (None, Some(b)) => parts.push(format!("until {b}")),
        (None, None) => {}
    }
    parts
}

fn print_hit(out: &mut dyn Write, hit: &Hit, width: Option<usize>) -> io::Result<()> {
    let rank = format!("{:>2}. ", hit.rank);
    let title = sanitize_for_terminal(&hit.title);
    // A title too long for the line ends in `…` (measured in columns).
    let title = match width {
        Some(w) => crate::term::truncate(&title, w.saturating_sub(rank.len())).into_owned(),
        None => title,
    };
    writeln!(out, "{rank}{TITLE}{title}{TITLE:#}")?;
    // Dates the article or its metadata state are shown as they are; those
    // from the file's path or a rule say so.
    let how = match hit.date_source {
        DateSource::Inferred => " (inferred)",
        DateSource::Path => " (from path)",
        _ => "",
    };
    let date = match (&hit.date, hit.year) {
        (Some(d), _) => format!("{d}{how}"),
        (None, Some(y)) => format!("{y}{how}"),
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
    let mut score = hit
        .score
        .map(|s| format!("{GLUE}· {}", glued(&format!("score {s:.2}"))))
        .unwrap_or_default();
    if hit.similar_count > 0 {
        score.push_str(&format!(
            "{GLUE}· {}",
            glued(&format!("{} similar", hit.similar_count))
        ));
    }
    // `·` stays at the end of a line, never starts one; a date or a score is not split.
    let meta = format!(
        "    {META}{}{META:#}\u{a0}· {companies}\u{a0}· {PATH}{}{PATH:#}{DIM}{}{DIM:#}",
        glued(&date),
        sanitize_for_terminal(&hit.path),
        score
    );
    write_wrapped(out, &meta, width, "    ")?;
    let mut snippet = String::from("    ");
    let mut pos = 0;
    let chars: Vec<char> = hit.snippet.text.chars().collect();
    for &[start, end] in &hit.snippet.highlights {
        if start < pos || end > chars.len() {
            continue;
        }
        let before: String = chars[pos..start].iter().collect();
        let matched: String = chars[start..end].iter().collect();
        snippet.push_str(&format!(
            "{}{MATCH}{}{MATCH:#}",
            sanitize_for_terminal(&before),
            sanitize_for_terminal(&matched)
        ));
        pos = end;
    }
    let rest: String = chars[pos.min(chars.len())..].iter().collect();
    snippet.push_str(&sanitize_for_terminal(&rest));
    write_wrapped(out, &snippet, width, "    ")?;
    writeln!(out)
}

fn print_facet_line(
    out: &mut dyn Write,
    label: &str,
    counts: &[FacetCount],
    width: Option<usize>,
) -> io::Result<()> {
    let list: Vec<String> = counts
        .iter()
        .map(|c| glued(&format!("{} {}", sanitize_for_terminal(&c.value), c.count)))
        .collect();
    let list = if list.is_empty() {
        "none".to_string()
    } else {
        list.join("\u{a0}· ")
    };
    let line = format!("{LABEL}{label:<10}{LABEL:#} {list}");
    write_wrapped(out, &line, width, &" ".repeat(11))
}

/// Prints the summary of an index build: one line, wrapped to `width` when given.
pub fn print_summary(
    out: &mut dyn Write,
    s: &BuildSummary,
    width: Option<usize>,
) -> io::Result<()> {
    let skipped = if s.skipped.is_empty() {
        "0 skipped".to_string()
    } else {
        let reasons: Vec<String> = s.skipped.iter().map(|(k, v)| format!("{k} {v}")).collect();
        format!("{} skipped ({})", s.skipped_total(), reasons.join(", "))
    };
    let warnings = if s.warnings > 0 {
        format!(", {}", plural(s.warnings, "warning"))
    } else {
        String::new()
    };
    // Never silent about what the ignore rules left out (`-v` lists them).
    let excluded = if s.excluded > 0 {
        format!(", {} excluded", s.excluded)
    } else {
        String::new()
    };
    let line = format!(
        "indexed {} from {} into {} ({} new, {} updated, {} removed, {} unchanged; {} in the index): {skipped}{warnings}{excluded}; {:.2} s, {} articles/s, {:.1} MB/s",
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
    );
    write_wrapped(out, &line, width, "  ")
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

/// Which facet `search facets` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Facet {
    /// Companies, most mentioned first.
    Company,
    /// Years.
    Year,
}

/// `search facets --json`: one facet's counts over the matching articles.
#[derive(Debug, Serialize)]
pub struct FacetsJson<'a> {
    /// Which facet.
    pub facet: Facet,
    /// The query text.
    pub query: &'a str,
    /// Filters applied.
    pub filters: &'a AppliedFilters,
    /// Number of matching articles.
    pub total: u64,
    /// The counts: companies most mentioned first, years oldest first
    /// (`unknown` last), as `search facets` prints them.
    pub counts: Vec<FacetCount>,
}

impl<'a> FacetsJson<'a> {
    /// The document for `facet` of `r`.
    pub fn new(r: &'a SearchResults, facet: Facet) -> FacetsJson<'a> {
        FacetsJson {
            facet,
            query: &r.query,
            filters: &r.filters,
            total: r.total,
            counts: facet_counts(r, facet),
        }
    }
}

/// One facet's counts in the order `search facets` shows them in every
/// format: companies by count, years oldest first with `unknown` last.
fn facet_counts(r: &SearchResults, facet: Facet) -> Vec<FacetCount> {
    match facet {
        Facet::Company => r.facets.company.clone(),
        Facet::Year => {
            let mut counts = r.facets.year.clone();
            counts.sort_by_key(|c| c.value.parse::<u32>().unwrap_or(u32::MAX));
            counts
        }
    }
}

/// Prints one facet as bars (years as a histogram in time order, `unknown`
/// last), then how many articles were counted.
pub fn print_facet(
    out: &mut dyn Write,
    r: &SearchResults,
    facet: Facet,
    layout: Layout,
) -> io::Result<()> {
    print_bars(out, &facet_counts(r, facet))?;
    if layout.quiet {
        return Ok(());
    }
    print_corrections(out, r)?;
    print_count_line(out, r, "", layout.width)
}

/// Prints TREC metrics of a ranking on one line.
pub fn print_trec_metrics(out: &mut dyn Write, m: &crate::eval::Metrics) -> io::Result<()> {
    writeln!(
        out,
        "MAP {:.4}  nDCG@10 {:.4}  P@10 {:.4}  Recall@100 {:.4}  ({} judged queries)",
        m.map, m.ndcg_10, m.p_10, m.recall_100, m.queries
    )
}

/// The one-line summary of `search export`.
pub fn print_export_summary(
    out: &mut dyn Write,
    s: &crate::export::ExportSummary,
) -> io::Result<()> {
    let plural = |n: u64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let name = s
        .name
        .as_ref()
        .map(|n| format!(" (index `{n}`)"))
        .unwrap_or_default();
    let timestamp = match (s.target, &s.timestamp_field) {
        (crate::export::Target::Quickwit, None) if s.articles > 0 => format!(
            "; no timestamp_field: {} without a day",
            plural(s.articles - s.dated, "article")
        ),
        _ => String::new(),
    };
    let size = if s.bytes < 1_000_000 {
        format!("{:.1} kB", s.bytes as f64 / 1e3)
    } else {
        format!("{:.1} MB", s.bytes as f64 / 1e6)
    };
    let to = if s.out == "-" {
        "standard output"
    } else {
        &s.out
    };
    writeln!(
        out,
        "exported {} for {} to {to}{name}: {}, {size}{timestamp}; {:.2} s, {} articles/s",
        plural(s.articles, "article"),
        s.target.as_str(),
        plural(s.files.len() as u64, "file"),
        s.seconds,
        s.articles_per_second,
    )
}

/// One JSON line of `--jsonl` output: `{"type": "...", ...the value's fields}`.
#[derive(Serialize)]
struct Line<'a, T: Serialize> {
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(flatten)]
    value: T,
}

/// Writes `value` as one JSON line tagged with `"type": kind`.
pub fn print_json_line<T: Serialize>(out: &mut dyn Write, kind: &str, value: T) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &Line { kind, value }).map_err(io::Error::from)?;
    writeln!(out)
}

/// The `summary` line of `search query --jsonl`: the results without the
/// hits and facets (those have lines of their own).
#[derive(Serialize)]
struct ResultsSummary<'a> {
    query: &'a str,
    filters: &'a AppliedFilters,
    sort: crate::query::SortOrder,
    total: u64,
    partial: u64,
    #[serde(rename = "match")]
    counted: MatchMode,
    counts: crate::query::Counting,
    collapsed: bool,
    corrections: &'a [crate::query::Correction],
    offset: usize,
    limit: usize,
    hits: usize,
    took_ms: f64,
    warnings: &'a [String],
}

/// Prints search results as JSON lines: a `hit` line per hit, then a
/// `facets` line and a `summary` line.
pub fn print_results_jsonl(out: &mut dyn Write, r: &SearchResults) -> io::Result<()> {
    for hit in &r.hits {
        print_json_line(out, "hit", hit)?;
    }
    print_results_jsonl_end(out, r, r.hits.len())
}

/// The `facets` and `summary` lines that end `search query --jsonl`, after
/// `hits` hit lines (written page by page: `r` holds the first page).
pub fn print_results_jsonl_end(
    out: &mut dyn Write,
    r: &SearchResults,
    hits: usize,
) -> io::Result<()> {
    print_json_line(out, "facets", &r.facets)?;
    print_json_line(
        out,
        "summary",
        ResultsSummary {
            query: &r.query,
            filters: &r.filters,
            sort: r.sort,
            total: r.total,
            partial: r.partial,
            counted: r.counted,
            counts: r.counts,
            collapsed: r.collapsed,
            corrections: &r.corrections,
            offset: r.offset,
            limit: r.limit,
            hits,
            took_ms: r.took_ms,
            warnings: &r.warnings,
        },
    )
}

/// One `count` line of `search facets --jsonl`.
#[derive(Serialize)]
struct CountLine<'a> {
    facet: Facet,
    value: &'a str,
    count: u64,
}

/// Prints one facet as JSON lines: a `count` line per value, in the order
/// `search facets` prints them, then a `summary` line.
pub fn print_facet_jsonl(out: &mut dyn Write, r: &SearchResults, facet: Facet) -> io::Result<()> {
    let counts = facet_counts(r, facet);
    for c in &counts {
        print_json_line(
            out,
            "count",
            CountLine {
                facet,
                value: &c.value,
                count: c.count,
            },
        )?;
    }
    #[derive(Serialize)]
    struct FacetSummary<'a> {
        facet: Facet,
        query: &'a str,
        filters: &'a AppliedFilters,
        total: u64,
        values: usize,
    }
    print_json_line(
        out,
        "summary",
        FacetSummary {
            facet,
            query: &r.query,
            filters: &r.filters,
            total: r.total,
            values: counts.len(),
        },
    )
}

/// The `warning` line of `search index --jsonl`.
pub fn print_warning_jsonl(out: &mut dyn Write, w: &crate::ingest::Warning) -> io::Result<()> {
    #[derive(Serialize)]
    struct WarningLine<'a> {
        path: &'a str,
        record: Option<usize>,
        kind: &'a str,
        reason: &'a str,
        skipped: bool,
    }
    print_json_line(
        out,
        "warning",
        WarningLine {
            path: &w.path,
            record: w.record,
            kind: w.kind.as_str(),
            reason: &w.reason,
            skipped: w.skipped,
        },
    )
}
