//! The article model shared by ingestion, extraction, indexing and output.

use jiff::civil::Date;
use serde::Serialize;

/// How the publication date of an article was found (see
/// [`crate::extract::pubdate`] for the rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DateSource {
    /// The article's text states it: a header or date line, a dateline, a
    /// publication cue (`Published 3 March 2024`).
    Explicit,
    /// The input's metadata states it: a JSON `date` field, Markdown front
    /// matter, an HTML page's `article:published_time` or `<time datetime>`.
    Metadata,
    /// The file's path gives it (`2025/01/29/slug.txt`, `2025-01-29-slug.md`,
    /// a `2025/` folder).
    Path,
    /// A rule completed or found it: a month and day whose year comes from
    /// other evidence, or a weekday date checked against the years the
    /// article names.
    Inferred,
    /// No evidence of the date was found.
    Unknown,
}

impl DateSource {
    /// The lower-case name used in the index and in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            DateSource::Explicit => "explicit",
            DateSource::Metadata => "metadata",
            DateSource::Path => "path",
            DateSource::Inferred => "inferred",
            DateSource::Unknown => "unknown",
        }
    }

    /// Parses the name stored in the index.
    pub fn parse(s: &str) -> DateSource {
        match s {
            "explicit" => DateSource::Explicit,
            "metadata" => DateSource::Metadata,
            "path" => DateSource::Path,
            "inferred" => DateSource::Inferred,
            _ => DateSource::Unknown,
        }
    }
}

/// The publication date of an article, as precisely as it is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PubDate {
    /// The full date, when a day is known.
    pub date: Option<Date>,
    /// The year; `None` when unknown.
    pub year: Option<i16>,
    /// Where the date came from.
    pub source: DateSource,
}

impl PubDate {
    /// A date about which nothing is known.
    pub const UNKNOWN: PubDate = PubDate {
        date: None,
        year: None,
        source: DateSource::Unknown,
    };

    /// A full date with the given source.
    pub fn full(date: Date, source: DateSource) -> PubDate {
        PubDate {
            date: Some(date),
            year: Some(date.year()),
            source,
        }
    }
}

/// One news article, ready to be indexed.
#[derive(Debug, Clone)]
pub struct Article {
    /// A stable identifier: the record's own `id` if it has one, else derived from the path.
    pub id: String,
    /// The file the article came from, as found while walking the input paths.
    pub path: String,
    /// The headline.
    pub title: String,
    /// The text without the header lines and the headline.
    pub body: String,
    /// When the article was published.
    pub date: PubDate,
    /// Canonical names of the companies the article mentions, sorted, without duplicates.
    pub companies: Vec<String>,
    /// Those of `companies` found by corporate cues, not by the gazetteer
    /// (lower confidence).
    pub detected_companies: Vec<String>,
    /// The article's URL, if the input gave one.
    pub url: Option<String>,
    /// The publisher, if the input gave one.
    pub source: Option<String>,
}
