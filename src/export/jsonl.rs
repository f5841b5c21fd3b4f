//! `search export --to jsonl FILE|-`: one article per line, as extracted, in
//! a shape `search index` reads back.
//!
//! `search index` reads `id`, `title`, `body`, `date`, `url` and `source`
//! and ignores the rest (`path`, `year`, `date_source`, `companies`,
//! `detected_companies`, which are there for other readers). Indexing the
//! file again gives the same titles, days, years and companies; `date` is
//! the day (`2025-01-29`) or, when only the year is known, the year
//! (`"2026"`), and both read back as dates given by the metadata, so the
//! provenance becomes `metadata` on the way (`date_source` in the line keeps
//! the original one).

use std::path::Path;

use serde::Serialize;

use super::{json_line, Articles, CountingFile, ExportSummary, StoredArticle};
use crate::error::SearchError;

/// One line of the export.
#[derive(Debug, Serialize)]
pub struct JsonlRecord<'a> {
    /// The article's id (read back as its id).
    pub id: &'a str,
    /// The headline.
    pub title: &'a str,
    /// The text.
    pub body: &'a str,
    /// `YYYY-MM-DD`, or `YYYY` when only the year is known; absent when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The URL, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<&'a str>,
    /// The publisher, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<&'a str>,
    /// The file the article came from in the exported index.
    pub path: &'a str,
    /// The year, when known.
    pub year: Option<u16>,
    /// How the date was found: `explicit`, `metadata`, `path`, `inferred` or `unknown`.
    pub date_source: &'static str,
    /// Canonical names of the companies mentioned.
    pub companies: &'a [String],
    /// Those of `companies` found by corporate cues.
    pub detected_companies: &'a [String],
}

impl<'a> JsonlRecord<'a> {
    /// The line for `a`.
    pub fn of(a: &'a StoredArticle) -> JsonlRecord<'a> {
        JsonlRecord {
            id: &a.id,
            title: &a.title,
            body: &a.body,
            date: match (a.date, a.year) {
                (Some(day), _) => Some(day.to_string()),
                (None, Some(year)) => Some(year.to_string()),
                (None, None) => None,
            },
            url: a.url.as_deref(),
            source: a.source.as_deref(),
            path: &a.path,
            year: a.year,
            date_source: a.date_source.as_str(),
            companies: &a.companies,
            detected_companies: &a.detected_companies,
        }
    }
}

/// Writes the articles to `out` (`-`: standard output).
pub(crate) fn export(
    out: &Path,
    articles: &mut Articles<'_>,
    summary: &mut ExportSummary,
) -> Result<(), SearchError> {
    let mut file = CountingFile::create(out)?;
    let mut line = Vec::new();
    let mut dated = 0;
    summary.articles = articles(&mut |a| {
        line.clear();
        json_line(&mut line, &JsonlRecord::of(a));
        dated += u64::from(a.date.is_some());
        file.write(&line)
    })?;
    summary.dated = dated;
    summary.bytes += file.finish()?;
    summary.files.push(summary.out.clone());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::DateSource;
    use crate::extract::{extract, ExtractContext};

    fn article(
        date: Option<jiff::civil::Date>,
        year: Option<u16>,
        source: DateSource,
    ) -> StoredArticle {
        StoredArticle {
            id: "wire-9".into(),
            path: "feed.jsonl".into(),
            title: "Amazon and Meta cut jobs".into(),
            body: "Amazon Web Services and Instagram owner Meta said so in 2024.".into(),
            companies: vec!["Amazon".into(), "Meta".into()],
            detected_companies: vec![],
            year,
            date,
            date_source: source,
            url: None,
            source: Some("Wire".into()),
        }
    }

    /// The line, read back by ingest and extraction, gives the same article.
    fn read_back(a: &StoredArticle) -> crate::article::Article {
        let mut line = Vec::new();
        json_line(&mut line, &JsonlRecord::of(a));
        let records = std::sync::Mutex::new(Vec::new());
        struct Sink<'a>(&'a std::sync::Mutex<Vec<crate::ingest::RawRecord>>);
        impl crate::ingest::RecordSink for Sink<'_> {
            fn record(&self, r: crate::ingest::RawRecord) {
                self.0.lock().unwrap().push(r);
            }
            fn warn(&self, w: crate::ingest::Warning) {
                panic!("{w}");
            }
        }
        let tmp = tempfile::TempDir::new().unwrap();
        let path = tmp.path().join("x.jsonl");
        std::fs::write(&path, &line).unwrap();
        let files = crate::ingest::discover(&[path], None, &Default::default())
            .unwrap()
            .files;
        crate::ingest::read_file(&files[0], &Sink(&records));
        let raw = records.into_inner().unwrap().pop().unwrap();
        let ctx = ExtractContext {
            today: jiff::civil::date(2026, 11, 25),
            ..ExtractContext::builtin()
        };
        extract(raw, &ctx).0
    }

    #[test]
    fn lines_read_back_as_the_same_article() {
        for (date, year, source) in [
            (
                Some(jiff::civil::date(2025, 1, 29)),
                Some(2025),
                DateSource::Explicit,
            ),
            (
                Some(jiff::civil::date(2025, 2, 3)),
                Some(2025),
                DateSource::Inferred,
            ),
            (None, Some(2024), DateSource::Inferred),
            (None, Some(2024), DateSource::Explicit),
        ] {
            let a = article(date, year, source);
            let back = read_back(&a);
            assert_eq!(back.id, a.id);
            assert_eq!(back.title, a.title);
            assert_eq!(back.body, a.body);
            assert_eq!(back.date.date, a.date);
            assert_eq!(back.date.year.map(|y| y as u16), a.year);
            // Any known date reads back as given by the metadata.
            assert_eq!(back.date.source, DateSource::Metadata);
            assert_eq!(back.companies, a.companies);
            assert_eq!(back.source, a.source);
        }
    }

    #[test]
    fn unknown_dates_have_no_date_field() {
        let mut a = article(None, None, DateSource::Unknown);
        a.body = "No year is written here.".into();
        let value = serde_json::to_value(JsonlRecord::of(&a)).unwrap();
        assert!(value.get("date").is_none());
        assert_eq!(value["year"], serde_json::Value::Null);
        assert_eq!(value["date_source"], "unknown");
        let back = read_back(&a);
        assert_eq!(back.date.source, DateSource::Unknown);
    }
}
