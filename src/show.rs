//! `search show`: one article as the index holds it, found by its `id` or
//! by the `path` of its file, printed in full for a person or as JSON.

use std::io::{self, Write};

use anstyle::{AnsiColor, Effects, Style};
use serde::Serialize;
use tantivy::collector::DocSetCollector;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{TantivyDocument, Term};

use crate::article::DateSource;
use crate::error::SearchError;
use crate::index::{Fields, SearchIndex, Stored};
use crate::text::sanitize_for_terminal;

const TITLE: Style = Style::new().effects(Effects::BOLD);
const LABEL: Style = Style::new().effects(Effects::BOLD);
const META: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));
const PATH: Style = Style::new().fg_color(Some(anstyle::Color::Ansi(AnsiColor::Magenta)));
const DIM: Style = Style::new().effects(Effects::DIMMED);

/// An article as stored in the index (`search show --json` prints a list of these).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StoredArticle {
    /// The article's id.
    pub id: String,
    /// The file it came from, as found when indexing.
    pub path: String,
    /// The headline.
    pub title: String,
    /// `YYYY-MM-DD`, when the day is known.
    pub date: Option<String>,
    /// The year, when known.
    pub year: Option<u16>,
    /// How the date was found: `explicit`, `inferred` or `unknown`.
    pub date_source: DateSource,
    /// Companies mentioned (canonical names).
    pub companies: Vec<String>,
    /// Those of `companies` found by corporate cues rather than the company list.
    pub detected_companies: Vec<String>,
    /// The URL, if the input gave one.
    pub url: Option<String>,
    /// The publisher, if the input gave one.
    pub source: Option<String>,
    /// The full text (without the headline and header lines).
    pub text: String,
}

/// How `key` was matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchedBy {
    /// The `id` field.
    Id,
    /// The `path` field (every article of that file).
    Path,
}

/// Finds the articles whose `id` is `key`, else those whose `path` is `key`
/// (also written with or without a leading `./`), in index order.
/// Errors if there is none.
pub fn find(idx: &SearchIndex, key: &str) -> Result<(MatchedBy, Vec<StoredArticle>), SearchError> {
    let searcher = idx.reader.searcher();
    let (by, addresses) = find_addresses(idx, &searcher, key)?;
    let articles = addresses
        .into_iter()
        .map(|a| Ok(stored(&searcher.doc::<TantivyDocument>(a)?, &idx.fields)))
        .collect::<Result<_, SearchError>>()?;
    Ok((by, articles))
}

/// Where the articles [`find`] finds are, in `searcher`'s commit, in index order.
pub fn find_addresses(
    idx: &SearchIndex,
    searcher: &tantivy::Searcher,
    key: &str,
) -> Result<(MatchedBy, Vec<tantivy::DocAddress>), SearchError> {
    let f = idx.fields;
    let lookup = |field, text: &str| -> Result<Vec<tantivy::DocAddress>, SearchError> {
        let query = TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::Basic);
        let mut addresses: Vec<_> = searcher
            .search(&query, &DocSetCollector)?
            .into_iter()
            .collect();
        addresses.sort();
        Ok(addresses)
    };
    let found = lookup(f.id, key)?;
    if !found.is_empty() {
        return Ok((MatchedBy::Id, found));
    }
    let bare = key.strip_prefix("./").unwrap_or(key);
    for path in [key.to_string(), bare.to_string(), format!("./{bare}")] {
        let found = lookup(f.path, &path)?;
        if !found.is_empty() {
            return Ok((MatchedBy::Path, found));
        }
    }
    Err(SearchError::BadArgument(format!(
        "no article with id or path `{}` in the index at {} (ids and paths are listed by `search query --json`)",
        sanitize_for_terminal(key),
        crate::error::shown(&idx.dir)
    )))
}

fn stored(doc: &TantivyDocument, f: &Fields) -> StoredArticle {
    let s = Stored::new(doc, f);
    StoredArticle {
        id: s.text_or_empty(f.id),
        path: s.text_or_empty(f.path),
        title: s.text_or_empty(f.title),
        date: s.text(f.date),
        year: s.year(),
        date_source: s.date_source(),
        companies: s.all(f.company),
        detected_companies: s.all(f.company_detected),
        url: s.text(f.url),
        source: s.text(f.source),
        text: s.text_or_empty(f.text),
    }
}

/// The date as shown, with how it was found: `2005-03-01 (explicit: stated
/// in the text)`, `2025-10-20 (metadata: given by the input's fields)`,
/// `unknown (no date or year found)`.
pub fn describe_date(a: &StoredArticle) -> String {
    let when = match (&a.date, a.year) {
        (Some(d), _) => d.clone(),
        (None, Some(y)) => y.to_string(),
        (None, None) => return "unknown (no date or year found)".to_string(),
    };
    match a.date_source {
        DateSource::Explicit => format!("{when} (explicit: stated in the text)"),
        DateSource::Metadata => format!("{when} (metadata: given by the input's fields)"),
        DateSource::Path => format!("{when} (path: from the file's path)"),
        DateSource::Inferred => format!("{when} (inferred by a documented rule)"),
        DateSource::Unknown => when,
    }
}

/// Prints articles for a person: the title, a block of fields, then the
/// text. Lines are wrapped to `width` columns when given.
pub fn print_articles(
    out: &mut dyn Write,
    articles: &[StoredArticle],
    width: Option<usize>,
) -> io::Result<()> {
    for (i, a) in articles.iter().enumerate() {
        if i > 0 {
            writeln!(
                out,
                "{DIM}{}{DIM:#}",
                "─".repeat(width.unwrap_or(40).min(80))
            )?;
        }
        print_article(out, a, width)?;
    }
    Ok(())
}

fn print_article(out: &mut dyn Write, a: &StoredArticle, width: Option<usize>) -> io::Result<()> {
    for line in crate::term::wrap(&sanitize_for_terminal(&a.title), width, "") {
        writeln!(out, "{TITLE}{line}{TITLE:#}")?;
    }
    writeln!(out)?;
    let companies = if a.companies.is_empty() {
        "none".to_string()
    } else {
        let names: Vec<String> = a
            .companies
            .iter()
            .map(|c| {
                if a.detected_companies.contains(c) {
                    format!("{c}?")
                } else {
                    c.clone()
                }
            })
            .collect();
        let note = if a.detected_companies.is_empty() {
            ""
        } else {
            " (? found by corporate cues, not the company list)"
        };
        format!("{}{note}", names.join(", "))
    };
    let mut fields: Vec<(&str, String, Style)> = vec![
        ("id", a.id.clone(), Style::new()),
        ("date", describe_date(a), META),
        ("companies", companies, Style::new()),
        ("path", a.path.clone(), PATH),
    ];
    if let Some(url) = &a.url {
        fields.push(("url", url.clone(), Style::new()));
    }
    if let Some(source) = &a.source {
        fields.push(("source", source.clone(), Style::new()));
    }
    for (label, value, style) in fields {
        let value = sanitize_for_terminal(&value);
        let indent = " ".repeat(11);
        for (n, line) in crate::term::wrap(&value, width.map(|w| w.saturating_sub(11)), "")
            .into_iter()
            .enumerate()
        {
            let head = if n == 0 {
                format!("{LABEL}{label:<10}{LABEL:#} ")
            } else {
                indent.clone()
            };
            writeln!(out, "{head}{style}{line}{style:#}")?;
        }
    }
    writeln!(out)?;
    for paragraph in a.text.trim().split('\n') {
        let paragraph = sanitize_for_terminal(paragraph.trim_end());
        if paragraph.is_empty() {
            writeln!(out)?;
            continue;
        }
        for line in crate::term::wrap(&paragraph, width, "") {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}
