//! `search export --to opensearch OUT_DIR` (Elasticsearch reads the same):
//! `mapping.json` (the body of `PUT /<index>`), `bulk-0001.ndjson`, ... (the
//! bodies of `POST /<index>/_bulk`) and a `README.md` with the commands.
//!
//! Each bulk file is a sequence of pairs of lines, an `index` action naming
//! the article's stable `_id` and the document ([`EngineDoc`]), and ends
//! with a newline, as the `_bulk` API requires. A file holds at most
//! `max_bytes` (a pair is never split; a single pair larger than that gets a
//! file of its own, with a warning). `_id` is the document's `uid`, so
//! sending an export again replaces the articles instead of duplicating them.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::{
    json_line, prepare_dir, write_file, Articles, CountingFile, EngineDoc, ExportSummary,
    FieldKind, FIELDS,
};
use crate::error::SearchError;

/// The file of the index body (settings and mappings).
pub const MAPPING_FILE: &str = "mapping.json";

/// The name of the `n`-th (1-based) bulk file.
pub fn bulk_file(n: usize) -> String {
    format!("bulk-{n:04}.ndjson")
}

/// True for the names [`bulk_file`] gives.
fn is_bulk_file(name: &str) -> bool {
    name.strip_prefix("bulk-")
        .and_then(|r| r.strip_suffix(".ndjson"))
        .is_some_and(|n| n.len() >= 4 && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The body of `PUT /<index>`: English analysis for `title` and `body`,
/// keywords for companies and the other strings, an integer year and a
/// date. `dynamic: strict` rejects a document with a field the mapping
/// does not have.
pub fn mapping() -> serde_json::Value {
    let mut properties = serde_json::Map::new();
    for &(name, kind, _, _) in FIELDS {
        let field = match kind {
            FieldKind::Text => json!({ "type": "text", "analyzer": "english" }),
            FieldKind::Keyword | FieldKind::Keywords => json!({ "type": "keyword" }),
            FieldKind::Year => json!({ "type": "integer" }),
            FieldKind::Date => json!({ "type": "date", "format": "strict_date_optional_time" }),
        };
        properties.insert(name.to_string(), field);
    }
    json!({
        "mappings": {
            "dynamic": "strict",
            "properties": properties
        }
    })
}

/// Bulk files of at most `max_bytes` each, numbered from 1.
struct BulkFiles<'a> {
    dir: &'a Path,
    max_bytes: u64,
    current: Option<CountingFile>,
    paths: Vec<PathBuf>,
    bytes: u64,
}

impl BulkFiles<'_> {
    /// Appends one action/source pair, starting a new file if it would not fit.
    fn push(&mut self, pair: &[u8]) -> Result<(), SearchError> {
        let full = self
            .current
            .as_ref()
            .is_some_and(|f| f.bytes > 0 && f.bytes + pair.len() as u64 > self.max_bytes);
        if full || self.current.is_none() {
            self.close()?;
            let path = self.dir.join(bulk_file(self.paths.len() + 1));
            self.current = Some(CountingFile::create(&path)?);
            self.paths.push(path);
        }
        self.current.as_mut().expect("a file is open").write(pair)
    }

    fn close(&mut self) -> Result<(), SearchError> {
        if let Some(file) = self.current.take() {
            self.bytes += file.finish()?;
        }
        Ok(())
    }
}

/// The README written beside the files.
pub fn readme(name: &str, summary: &ExportSummary, bulk_files: usize) -> String {
    format!(
        r#"# OpenSearch / Elasticsearch export of a `search` index

Written by `search export --to opensearch` ({articles} articles). Files:

* `{MAPPING_FILE}`: the body of `PUT /{name}` (the mappings).
* `bulk-0001.ndjson` ... ({bulk_files} file{plural}): bodies of `POST /{name}/_bulk`,
  an `index` action line then the document, per article; each file ends
  with a newline and is at most the `--max-bytes` given to the export.

The format of these files is tested (`tests/export.rs` in `search`)
against the documented `_bulk` grammar and mapping format: every line
parses, actions and documents alternate, every document field is mapped. It
has not been tried on a running OpenSearch or Elasticsearch: none was
available where `search` was developed.

## Create the index and load the articles

```sh
curl -XPUT -H 'Content-Type: application/json' http://localhost:9200/{name} --data-binary @{MAPPING_FILE}
for f in bulk-*.ndjson; do
  curl -s -XPOST -H 'Content-Type: application/x-ndjson' "http://localhost:9200/{name}/_bulk" --data-binary @"$f" | grep -q '"errors":false' || echo "errors in $f"
done
curl -XPOST http://localhost:9200/{name}/_refresh
```

(`--data-binary`, not `-d`, keeps the newlines the bulk API needs.)
Each action's `_id` is the article's stable `uid`: loading a later export
replaces the articles it holds instead of adding copies.

## Search with the facets `search` shows

```sh
curl -XPOST -H 'Content-Type: application/json' http://localhost:9200/{name}/_search -d '{{
  "query": {{ "multi_match": {{ "query": "layoffs", "fields": ["title", "body"] }} }},
  "size": 10,
  "aggs": {{
    "company": {{ "terms": {{ "field": "company", "size": 10 }} }},
    "year": {{ "terms": {{ "field": "year", "size": 200, "order": {{ "_key": "desc" }}, "missing": 0 }} }}
  }}
}}'
```

`company` counts articles per company as `search query` does; `year`
counts per year, newest first, with articles of unknown year in the `0`
bucket (`search` shows them as `unknown`). Filters: `{{"term": {{"company":
"Amazon"}}}}` (the canonical name, exact), `{{"range": {{"published": {{"gte":
"2025-01-01"}}}}}}`, `{{"term": {{"year": 2025}}}}`.
"#,
        articles = summary.articles,
        plural = if bulk_files == 1 { "" } else { "s" },
    )
}

/// Writes the export into `dir`.
pub(crate) fn export(
    dir: &Path,
    name: &str,
    max_bytes: u64,
    articles: &mut Articles<'_>,
    summary: &mut ExportSummary,
) -> Result<(), SearchError> {
    prepare_dir(dir, |f| {
        f == MAPPING_FILE || f == "README.md" || is_bulk_file(f)
    })?;
    let body = serde_json::to_vec_pretty(&mapping()).expect("the mapping serialises");
    write_file(dir, MAPPING_FILE, &body, summary)?;
    let mut files = BulkFiles {
        dir,
        max_bytes,
        current: None,
        paths: Vec::new(),
        bytes: 0,
    };
    let mut pair = Vec::new();
    let mut dated = 0;
    let mut oversized = 0u64;
    summary.articles = articles(&mut |a| {
        pair.clear();
        let doc = EngineDoc::of(a);
        json_line(&mut pair, &json!({ "index": { "_id": doc.uid } }));
        json_line(&mut pair, &doc);
        dated += u64::from(a.date.is_some());
        oversized += u64::from(pair.len() as u64 > max_bytes);
        files.push(&pair)
    })?;
    if files.paths.is_empty() {
        // No article: one empty file, so the commands still run.
        let path = dir.join(bulk_file(1));
        files.current = Some(CountingFile::create(&path)?);
        files.paths.push(path);
    }
    files.close()?;
    summary.dated = dated;
    summary.bytes += files.bytes;
    let count = files.paths.len();
    summary
        .files
        .extend(files.paths.iter().map(|p| p.display().to_string()));
    if oversized > 0 {
        summary.warnings.push(format!(
            "{oversized} article{} larger than --max-bytes ({max_bytes} bytes): written alone, in a bulk file over the limit",
            if oversized == 1 { " is" } else { "s are" },
        ));
    }
    write_file(
        dir,
        "README.md",
        readme(name, summary, count).as_bytes(),
        summary,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bulk_file_names_round_trip() {
        assert_eq!(bulk_file(1), "bulk-0001.ndjson");
        assert_eq!(bulk_file(12345), "bulk-12345.ndjson");
        assert!(is_bulk_file(&bulk_file(7)));
        assert!(!is_bulk_file("bulk-1.ndjson"));
        assert!(!is_bulk_file("bulk-00x1.ndjson"));
        assert!(!is_bulk_file("mapping.json"));
    }

    #[test]
    fn mapping_types() {
        let m = mapping();
        let p = &m["mappings"]["properties"];
        assert_eq!(m["mappings"]["dynamic"], "strict");
        for text in ["title", "body"] {
            assert_eq!(p[text]["type"], "text");
            assert_eq!(p[text]["analyzer"], "english");
        }
        for keyword in [
            "company",
            "company_detected",
            "uid",
            "id",
            "path",
            "url",
            "source",
            "date_source",
        ] {
            assert_eq!(p[keyword]["type"], "keyword", "{keyword}");
        }
        assert_eq!(p["year"]["type"], "integer");
        assert_eq!(p["published"]["type"], "date");
        assert_eq!(p.as_object().unwrap().len(), FIELDS.len());
    }

    #[test]
    fn pairs_fill_files_up_to_the_limit_and_never_split() {
        let tmp = tempfile::TempDir::new().unwrap();
        let mut files = BulkFiles {
            dir: tmp.path(),
            max_bytes: 100,
            current: None,
            paths: Vec::new(),
            bytes: 0,
        };
        // A pair of 22 + n bytes.
        let pair = |n: usize| format!("{{\"index\":{{}}}}\n{{\"x\":\"{}\"}}\n", "a".repeat(n));
        // 40 + 40 fit in 100; the third starts a file; 150 stands alone.
        for p in [pair(18), pair(18), pair(18), pair(128), pair(5)] {
            files.push(p.as_bytes()).unwrap();
        }
        files.close().unwrap();
        let sizes: Vec<usize> = files
            .paths
            .iter()
            .map(|p| std::fs::read(p).unwrap().len())
            .collect();
        assert_eq!(sizes, [80, 40, 150, 27]);
        for p in &files.paths {
            let text = std::fs::read_to_string(p).unwrap();
            assert!(text.ends_with('\n'));
            assert_eq!(text.lines().count() % 2, 0);
        }
    }
}
