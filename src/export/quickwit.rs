//! `search export --to quickwit OUT_DIR`: `index-config.yaml`,
//! `articles.ndjson` (one [`EngineDoc`] per line) and a `README.md` with the
//! commands.
//!
//! The index config follows Quickwit's documented format (config version
//! 0.7, read by Quickwit 0.7 to 0.9): `title` and `body` are `text` with the
//! `default` tokenizer, positions and field norms (BM25 and phrases);
//! `company` is `array<text>` with the `raw` tokenizer and a fast column
//! (terms aggregations need one); `year` a fast `u64`; `published` a fast
//! `datetime` read as RFC 3339; the rest raw text. The mode is `strict`, so a
//! document with a field the mapping lacks is rejected rather than silently
//! cut. `timestamp_field: published` is set only when every exported article
//! has a day: Quickwit prunes splits by that field and rejects a document
//! without it ("timestamp field is required"), and articles of unknown day
//! are common in news.

use std::path::Path;

use serde::Serialize;

use super::{
    json_line, prepare_dir, write_file, Articles, CountingFile, EngineDoc, ExportSummary,
    FieldKind, FIELDS,
};
use crate::error::SearchError;

/// The file of the index config.
pub const CONFIG_FILE: &str = "index-config.yaml";
/// The file of the documents.
pub const ARTICLES_FILE: &str = "articles.ndjson";
/// The index config format version written.
pub const CONFIG_VERSION: &str = "0.7";

/// Quickwit's index config, as much of it as the export sets.
#[derive(Debug, Serialize)]
pub struct IndexConfig {
    /// The config format version.
    pub version: &'static str,
    /// The index name.
    pub index_id: String,
    /// How documents are read and indexed.
    pub doc_mapping: DocMapping,
    /// What a query without field names searches.
    pub search_settings: SearchSettings,
}

/// `doc_mapping`.
#[derive(Debug, Serialize)]
pub struct DocMapping {
    /// `strict`: a document with an unmapped field is an error.
    pub mode: &'static str,
    /// One entry per field.
    pub field_mappings: Vec<FieldMapping>,
    /// `published` when every article has a day.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp_field: Option<&'static str>,
}

/// One entry of `field_mappings`.
#[derive(Debug, Serialize)]
pub struct FieldMapping {
    /// Field name.
    pub name: &'static str,
    /// What it holds.
    pub description: &'static str,
    /// `text`, `array<text>`, `u64` or `datetime`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// `default` (words, lower case) or `raw` (the value as is).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tokenizer: Option<&'static str>,
    /// `position` for full text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub record: Option<&'static str>,
    /// Field norms, which BM25 needs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fieldnorms: Option<bool>,
    /// Date formats accepted (datetime only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_formats: Option<Vec<&'static str>>,
    /// Date format returned (datetime only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_format: Option<&'static str>,
    /// Precision of the fast column (datetime only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fast_precision: Option<&'static str>,
    /// Kept in the document store.
    pub stored: bool,
    /// A fast (columnar) field, for aggregations and sorting.
    pub fast: bool,
}

/// `search_settings`.
#[derive(Debug, Serialize)]
pub struct SearchSettings {
    /// `[title, body]`.
    pub default_search_fields: Vec<&'static str>,
}

/// The index config for index `name`; `timestamped` sets `published` as the
/// timestamp field.
pub fn index_config(name: &str, timestamped: bool) -> IndexConfig {
    let field_mappings = FIELDS
        .iter()
        .map(|&(name, kind, fast, description)| {
            let base = FieldMapping {
                name,
                description,
                kind: "text",
                tokenizer: Some("raw"),
                record: None,
                fieldnorms: None,
                input_formats: None,
                output_format: None,
                fast_precision: None,
                stored: true,
                fast,
            };
            match kind {
                FieldKind::Text => FieldMapping {
                    tokenizer: Some("default"),
                    record: Some("position"),
                    fieldnorms: Some(true),
                    ..base
                },
                FieldKind::Keyword => base,
                FieldKind::Keywords => FieldMapping {
                    kind: "array<text>",
                    ..base
                },
                FieldKind::Year => FieldMapping {
                    kind: "u64",
                    tokenizer: None,
                    ..base
                },
                FieldKind::Date => FieldMapping {
                    kind: "datetime",
                    tokenizer: None,
                    input_formats: Some(vec!["rfc3339"]),
                    output_format: Some("rfc3339"),
                    fast_precision: Some("seconds"),
                    ..base
                },
            }
        })
        .collect();
    IndexConfig {
        version: CONFIG_VERSION,
        index_id: name.to_string(),
        doc_mapping: DocMapping {
            mode: "strict",
            field_mappings,
            timestamp_field: timestamped.then_some("published"),
        },
        search_settings: SearchSettings {
            default_search_fields: vec!["title", "body"],
        },
    }
}

/// The README written beside the files.
pub fn readme(name: &str, summary: &ExportSummary) -> String {
    let timestamp = match summary.timestamp_field {
        Some(_) => "Every exported article has a day, so `published` is the index's\n\
                    `timestamp_field`: Quickwit prunes splits by it, and time-range queries\n\
                    on it are cheap."
            .to_string(),
        None => {
            let undated = summary.articles - summary.dated;
            format!(
                "{undated} of the {} exported articles {} no known day, so the config sets\n\
                 no `timestamp_field` (Quickwit prunes splits by it, and rejects a document\n\
                 without it). Filter by time with a range on `published` or a term on\n\
                 `year` instead.",
                summary.articles,
                if undated == 1 { "has" } else { "have" }
            )
        }
    };
    format!(
        r#"# Quickwit export of a `search` index

Written by `search export --to quickwit` ({articles} articles). Files:

* `{CONFIG_FILE}`: the index config (config version {CONFIG_VERSION}, index `{name}`).
* `{ARTICLES_FILE}`: one document per line, in that mapping.

The format of these files is tested (`tests/export.rs` in `search`)
against Quickwit's documented index config and ingest formats: the YAML
parses and holds the documented keys, every line is a JSON document with
only mapped fields. It has not been tried on a running Quickwit: none was
available where `search` was developed.

## Create the index and ingest

```sh
quickwit index create --index-config {CONFIG_FILE}
quickwit index ingest --index {name} --input-path {ARTICLES_FILE} --force
```

The CLI sends the file in batches. Over the REST API, one request may carry
at most 10 MiB (split the file, e.g. with `split -C 9m`):

```sh
curl -XPOST -H 'Content-Type: application/yaml' http://localhost:7280/api/v1/indexes --data-binary @{CONFIG_FILE}
curl -XPOST -H 'Content-Type: application/json' 'http://localhost:7280/api/v1/{name}/ingest?commit=force' --data-binary @{ARTICLES_FILE}
```

## Search with the facets `search` shows

```sh
curl -XPOST -H 'Content-Type: application/json' http://localhost:7280/api/v1/{name}/search -d '{{
  "query": "layoffs",
  "max_hits": 10,
  "aggs": {{
    "company": {{ "terms": {{ "field": "company", "size": 10 }} }},
    "year": {{ "terms": {{ "field": "year", "size": 200, "order": {{ "_key": "desc" }} }} }}
  }}
}}'
```

`company` counts articles per company as `search query` does (most
mentioned first); `year` counts per year, newest first. Articles of unknown
year have no `year` field, so they fall in no bucket (`search` shows them as
`unknown`). A query on a company is `company:Amazon` (exact, case-sensitive:
the canonical name).

## Dates

{timestamp}

`published` is the day at midnight UTC; `date_source` says where it came
from: the article's text (`explicit`), its metadata (`metadata`), its file's
path (`path`), or a documented inference (`inferred`).

## Re-exporting

`uid` is stable: the same article gets the same `uid` on every export and
after `search index --rebuild`. Quickwit has no upsert; to replace articles,
delete them first with a delete task (`POST /api/v1/{name}/delete-tasks` with
`{{"query": "path:\"news/a.txt\""}}`) and ingest their new version.
"#,
        articles = summary.articles,
    )
}

/// Writes the export into `dir`.
pub(crate) fn export(
    dir: &Path,
    name: &str,
    articles: &mut Articles<'_>,
    summary: &mut ExportSummary,
) -> Result<(), SearchError> {
    prepare_dir(dir, |f| {
        [CONFIG_FILE, ARTICLES_FILE, "README.md"].contains(&f)
    })?;
    let path = dir.join(ARTICLES_FILE);
    let mut file = CountingFile::create(&path)?;
    let mut line = Vec::new();
    let mut dated = 0;
    summary.articles = articles(&mut |a| {
        line.clear();
        json_line(&mut line, &EngineDoc::of(a));
        dated += u64::from(a.date.is_some());
        file.write(&line)
    })?;
    summary.dated = dated;
    summary.bytes += file.finish()?;
    let timestamped = summary.articles > 0 && dated == summary.articles;
    summary.timestamp_field = timestamped.then(|| "published".to_string());
    let yaml = serde_norway::to_string(&index_config(name, timestamped))
        .expect("the index config serialises");
    write_file(dir, CONFIG_FILE, yaml.as_bytes(), summary)?;
    summary.files.push(path.display().to_string());
    let readme = readme(name, summary);
    write_file(dir, "README.md", readme.as_bytes(), summary)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_norway::Value;

    fn parsed(timestamped: bool) -> Value {
        let yaml = serde_norway::to_string(&index_config("news", timestamped)).unwrap();
        serde_norway::from_str(&yaml).unwrap()
    }

    fn field<'a>(config: &'a Value, name: &str) -> &'a Value {
        config["doc_mapping"]["field_mappings"]
            .as_sequence()
            .unwrap()
            .iter()
            .find(|f| f["name"].as_str() == Some(name))
            .unwrap_or_else(|| panic!("no field {name}"))
    }

    #[test]
    fn config_parses_back_with_the_documented_keys() {
        let c = parsed(true);
        assert_eq!(c["version"].as_str(), Some("0.7"));
        assert_eq!(c["index_id"].as_str(), Some("news"));
        assert_eq!(c["doc_mapping"]["mode"].as_str(), Some("strict"));
        assert_eq!(
            c["doc_mapping"]["timestamp_field"].as_str(),
            Some("published")
        );
        let defaults: Vec<&str> = c["search_settings"]["default_search_fields"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        assert_eq!(defaults, ["title", "body"]);
        for text in ["title", "body"] {
            let f = field(&c, text);
            assert_eq!(f["type"].as_str(), Some("text"));
            assert_eq!(f["tokenizer"].as_str(), Some("default"));
            assert_eq!(f["record"].as_str(), Some("position"));
            assert_eq!(f["fieldnorms"].as_bool(), Some(true));
        }
        let company = field(&c, "company");
        assert_eq!(company["type"].as_str(), Some("array<text>"));
        assert_eq!(company["tokenizer"].as_str(), Some("raw"));
        assert_eq!(company["fast"].as_bool(), Some(true));
        let year = field(&c, "year");
        assert_eq!(year["type"].as_str(), Some("u64"));
        assert_eq!(year["fast"].as_bool(), Some(true));
        assert!(year.get("tokenizer").is_none());
        let published = field(&c, "published");
        assert_eq!(published["type"].as_str(), Some("datetime"));
        assert_eq!(published["fast"].as_bool(), Some(true));
        assert_eq!(published["input_formats"][0].as_str(), Some("rfc3339"));
        for raw in ["uid", "id", "path", "url", "source", "date_source"] {
            let f = field(&c, raw);
            assert_eq!(f["type"].as_str(), Some("text"), "{raw}");
            assert_eq!(f["tokenizer"].as_str(), Some("raw"), "{raw}");
        }
        assert_eq!(
            c["doc_mapping"]["field_mappings"]
                .as_sequence()
                .unwrap()
                .len(),
            FIELDS.len()
        );
    }

    #[test]
    fn no_timestamp_field_unless_every_article_has_a_day() {
        let c = parsed(false);
        assert!(c["doc_mapping"].get("timestamp_field").is_none());
    }
}
