//! Integration tests of `search export`: the real binary on `seeds/` and the
//! fixtures in `tests/data/`. Nothing here talks to Quickwit or OpenSearch
//! (neither is installed): the files are checked against the formats their
//! documentation gives.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use predicates::prelude::*;
use serde_json::Value;

mod common;
use common::{idx, indexed, run_json, search};

/// The fixtures: text, Markdown, JSON and JSON-lines articles, dated,
/// undated and known only by their year.
const CORPUS: &[&str] = &["seeds", "tests/data/news"];

/// Runs `search export ARGS --json` on the index and returns its summary.
fn export(index: &Path, args: &[&str]) -> Value {
    run_json(index, &[&["export"], args].concat())
}

/// How many articles `search query` finds for `args`.
fn total(index: &Path, args: &[&str]) -> u64 {
    run_json(index, &[&["query", "--limit", "0"], args].concat())["total"]
        .as_u64()
        .unwrap()
}

/// Every line of an NDJSON file, parsed.
fn ndjson(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(
        text.is_empty() || text.ends_with('\n'),
        "{path:?} ends with a newline"
    );
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{path:?}: {e}: {l}")))
        .collect()
}

/// The documents of a Quickwit export, by `uid`.
fn quickwit_docs(out: &Path) -> BTreeMap<String, Value> {
    ndjson(&out.join("articles.ndjson"))
        .into_iter()
        .map(|d| (d["uid"].as_str().unwrap().to_string(), d))
        .collect()
}

fn field_names(config: &serde_norway::Value) -> BTreeMap<String, serde_norway::Value> {
    config["doc_mapping"]["field_mappings"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|f| (f["name"].as_str().unwrap().to_string(), f.clone()))
        .collect()
}

#[test]
fn quickwit_export_holds_every_article_in_the_mapping() {
    let dir = indexed(CORPUS);
    let out = dir.path().join("qw");
    let summary = export(&idx(&dir), &["--to", "quickwit", out.to_str().unwrap()]);
    let articles = total(&idx(&dir), &[]);
    assert!(articles >= 10);
    assert_eq!(summary["articles"], articles);
    let lines = ndjson(&out.join("articles.ndjson"));
    assert_eq!(lines.len() as u64, articles);

    let yaml = std::fs::read_to_string(out.join("index-config.yaml")).unwrap();
    let config: serde_norway::Value = serde_norway::from_str(&yaml).unwrap();
    assert_eq!(config["index_id"].as_str(), Some("news"));
    assert_eq!(config["version"].as_str(), Some("0.7"));
    let fields = field_names(&config);
    let ty = |name: &str| fields[name]["type"].as_str().unwrap().to_string();
    assert_eq!(ty("title"), "text");
    assert_eq!(ty("company"), "array<text>");
    assert_eq!(ty("year"), "u64");
    assert_eq!(ty("published"), "datetime");
    // Some fixtures have no day: no timestamp field, and the summary says so.
    assert!(summary["dated"].as_u64().unwrap() < articles);
    assert!(config["doc_mapping"].get("timestamp_field").is_none());
    assert_eq!(summary["timestamp_field"], Value::Null);

    for doc in &lines {
        for (key, value) in doc.as_object().unwrap() {
            let mapping = fields
                .get(key)
                .unwrap_or_else(|| panic!("{key} is not mapped"));
            // Each value has the JSON type its mapping reads.
            match mapping["type"].as_str().unwrap() {
                "text" => assert!(value.is_string(), "{key}: {value}"),
                "array<text>" => assert!(
                    value.as_array().unwrap().iter().all(Value::is_string),
                    "{key}: {value}"
                ),
                "u64" => assert!(value.is_u64(), "{key}: {value}"),
                "datetime" => {
                    let t: jiff::Timestamp = value.as_str().unwrap().parse().unwrap();
                    assert_eq!(t.to_string(), value.as_str().unwrap(), "RFC 3339, UTC");
                }
                other => panic!("unexpected type {other}"),
            }
        }
        assert_eq!(doc["uid"].as_str().unwrap().len(), 32);
    }
    // The same articles, titles and companies as `search query` shows.
    let hits = run_json(&idx(&dir), &["query", "--limit", "100"])["hits"].clone();
    let by_id: BTreeMap<&str, &Value> = lines
        .iter()
        .map(|d| (d["id"].as_str().unwrap(), d))
        .collect();
    for hit in hits.as_array().unwrap() {
        let doc = by_id[hit["id"].as_str().unwrap()];
        assert_eq!(doc["title"], hit["title"]);
        assert_eq!(doc["company"], hit["companies"]);
        assert_eq!(doc["company_detected"], hit["detected_companies"]);
        assert_eq!(doc.get("year").cloned().unwrap_or(Value::Null), hit["year"]);
        let day = doc
            .get("published")
            .map(|p| Value::from(&p.as_str().unwrap()[..10]));
        assert_eq!(day.unwrap_or(Value::Null), hit["date"]);
        assert_eq!(doc["date_source"], hit["date_source"]);
    }
    let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(readme.contains("quickwit index create --index-config index-config.yaml"));
    assert!(readme.contains("quickwit index ingest --index news --input-path articles.ndjson"));
    assert!(readme.contains("not been tried on a running Quickwit"));
}

#[test]
fn quickwit_sets_the_timestamp_field_when_every_article_has_a_day() {
    let dir = indexed(&[
        "tests/data/news/rto-google.txt",
        "tests/data/news/wires.jsonl",
    ]);
    let out = dir.path().join("qw");
    // wire-3 has no usable date: only the dated articles.
    let summary = export(
        &idx(&dir),
        &["--to", "quickwit", out.to_str().unwrap(), "--since", "2000"],
    );
    assert!(summary["articles"].as_u64().unwrap() >= 2);
    assert_eq!(summary["dated"], summary["articles"]);
    assert_eq!(summary["timestamp_field"], "published");
    let yaml = std::fs::read_to_string(out.join("index-config.yaml")).unwrap();
    let config: serde_norway::Value = serde_norway::from_str(&yaml).unwrap();
    assert_eq!(
        config["doc_mapping"]["timestamp_field"].as_str(),
        Some("published")
    );
}

#[test]
fn ids_are_stable_across_exports_and_rebuilds() {
    let dir = indexed(CORPUS);
    let out = |n: &str| dir.path().join(n);
    let path = |n: &str| out(n).to_str().unwrap().to_string();
    export(&idx(&dir), &["--to", "quickwit", &path("a")]);
    export(&idx(&dir), &["--to", "quickwit", &path("b")]);
    search(&idx(&dir))
        .args(["index", "--rebuild", "-q"])
        .assert()
        .success();
    export(&idx(&dir), &["--to", "quickwit", &path("c")]);
    let (a, b, c) = (
        quickwit_docs(&out("a")),
        quickwit_docs(&out("b")),
        quickwit_docs(&out("c")),
    );
    assert_eq!(a.len() as u64, total(&idx(&dir), &[]));
    assert_eq!(a, b, "two exports: the same documents under the same ids");
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        c.keys().collect::<Vec<_>>(),
        "the rebuilt index gives the same ids"
    );
    for (uid, doc) in &a {
        assert_eq!(c[uid]["id"], doc["id"]);
        assert_eq!(c[uid]["title"], doc["title"]);
    }
    // OpenSearch's `_id` is the same stable id.
    export(&idx(&dir), &["--to", "opensearch", &path("os")]);
    let bulk = ndjson(&out("os").join("bulk-0001.ndjson"));
    let ids: BTreeSet<&str> = bulk
        .iter()
        .filter_map(|l| l.get("index"))
        .map(|a| a["_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, a.keys().map(|k| k.as_str()).collect());
}

/// Checks the `_bulk` grammar of one file and returns its documents.
fn bulk_docs(path: &Path) -> Vec<Value> {
    let lines = ndjson(path);
    assert!(!lines.is_empty(), "{path:?}");
    assert_eq!(
        lines.len() % 2,
        0,
        "{path:?}: action and source lines in pairs"
    );
    lines
        .chunks(2)
        .map(|pair| {
            let action = pair[0].as_object().unwrap();
            assert_eq!(
                action.keys().collect::<Vec<_>>(),
                ["index"],
                "an index action"
            );
            let meta = action["index"].as_object().unwrap();
            assert_eq!(meta.keys().collect::<Vec<_>>(), ["_id"]);
            assert!(pair[1].get("index").is_none(), "a document, not an action");
            assert_eq!(meta["_id"], pair[1]["uid"]);
            pair[1].clone()
        })
        .collect()
}

#[test]
fn opensearch_export_follows_the_bulk_grammar_and_the_mapping() {
    let dir = indexed(CORPUS);
    let out = dir.path().join("os");
    let summary = export(&idx(&dir), &["--to", "opensearch", out.to_str().unwrap()]);
    let articles = total(&idx(&dir), &[]);
    assert_eq!(summary["articles"], articles);
    let mapping: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("mapping.json")).unwrap()).unwrap();
    let properties = mapping["mappings"]["properties"].as_object().unwrap();
    assert_eq!(mapping["mappings"]["dynamic"], "strict");
    assert_eq!(properties["title"]["type"], "text");
    assert_eq!(properties["title"]["analyzer"], "english");
    assert_eq!(properties["body"]["analyzer"], "english");
    assert_eq!(properties["company"]["type"], "keyword");
    assert_eq!(properties["year"]["type"], "integer");
    assert_eq!(properties["published"]["type"], "date");
    let docs = bulk_docs(&out.join("bulk-0001.ndjson"));
    assert_eq!(docs.len() as u64, articles);
    for doc in &docs {
        for key in doc.as_object().unwrap().keys() {
            assert!(properties.contains_key(key), "{key} is mapped");
        }
    }
    let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(readme.contains("curl -XPUT"));
    assert!(readme.contains("/news/_bulk"));
    assert!(readme.contains("\"terms\": { \"field\": \"company\""));
}

#[test]
fn bulk_files_are_split_under_max_bytes() {
    let dir = indexed(CORPUS);
    let out = dir.path().join("os");
    let max = 6000u64;
    let summary = export(
        &idx(&dir),
        &[
            "--to",
            "opensearch",
            out.to_str().unwrap(),
            "--max-bytes",
            &max.to_string(),
        ],
    );
    let files: Vec<PathBuf> = summary["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| PathBuf::from(f.as_str().unwrap()))
        .filter(|f| f.extension().is_some_and(|e| e == "ndjson"))
        .collect();
    assert!(files.len() >= 3, "{files:?}");
    let mut docs = 0;
    let mut bytes = 0;
    for (i, file) in files.iter().enumerate() {
        assert_eq!(
            file.file_name().unwrap().to_str().unwrap(),
            format!("bulk-{:04}.ndjson", i + 1)
        );
        let in_file = bulk_docs(file).len();
        let size = std::fs::metadata(file).unwrap().len();
        // Over the limit only with a single article too big on its own.
        assert!(
            size <= max || in_file == 1,
            "{file:?}: {size} bytes, {in_file} articles"
        );
        docs += in_file;
        bytes += size;
    }
    assert_eq!(docs as u64, summary["articles"].as_u64().unwrap());
    let others: u64 = ["mapping.json", "README.md"]
        .iter()
        .map(|f| std::fs::metadata(out.join(f)).unwrap().len())
        .sum();
    assert_eq!(summary["bytes"].as_u64().unwrap(), bytes + others);

    // A later, smaller export leaves no file of the earlier one behind.
    export(&idx(&dir), &["--to", "opensearch", out.to_str().unwrap()]);
    assert!(out.join("bulk-0001.ndjson").exists());
    assert!(!out.join("bulk-0002.ndjson").exists());
}

#[test]
fn jsonl_round_trip_gives_the_same_articles() {
    let dir = indexed(CORPUS);
    let file = dir.path().join("export.jsonl");
    let summary = export(&idx(&dir), &["--to", "jsonl", file.to_str().unwrap()]);
    let lines = ndjson(&file);
    assert_eq!(lines.len() as u64, summary["articles"].as_u64().unwrap());
    let again = dir.path().join("again");
    search(&again)
        .args(["index", "-q"])
        .arg(&file)
        .assert()
        .success();
    let file2 = dir.path().join("again.jsonl");
    export(&again, &["--to", "jsonl", file2.to_str().unwrap()]);
    let by_id = |lines: Vec<Value>| -> BTreeMap<String, Value> {
        lines
            .into_iter()
            .map(|l| (l["id"].as_str().unwrap().to_string(), l))
            .collect()
    };
    let (first, second) = (by_id(lines), by_id(ndjson(&file2)));
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        second.keys().collect::<Vec<_>>()
    );
    let mut dated = 0;
    for (id, a) in &first {
        let b = &second[id];
        for key in [
            "title",
            "body",
            "date",
            "year",
            "companies",
            "detected_companies",
            "url",
            "source",
        ] {
            assert_eq!(a.get(key), b.get(key), "{id}: {key}");
        }
        // A date read back is one given by the metadata.
        match a["date_source"].as_str().unwrap() {
            "unknown" => assert_eq!(b["date_source"], "unknown", "{id}"),
            _ => {
                dated += 1;
                assert_eq!(b["date_source"], "metadata", "{id}");
            }
        }
        assert_eq!(b["path"], file.to_str().unwrap());
    }
    assert!(dated >= 2, "the fixtures have dates");
    // Facets agree too.
    let facets = |index: &Path| {
        run_json(index, &["query", "--limit", "0", "--facet-limit", "100"])["facets"].clone()
    };
    assert_eq!(facets(&idx(&dir)), facets(&again));
}

#[test]
fn filters_and_queries_limit_the_export() {
    let dir = indexed(CORPUS);
    for args in [
        vec!["--company", "AWS"],
        vec!["--company", "meta", "--company", "Google"],
        vec!["--since", "2025-01-01"],
        vec!["--until", "2024"],
        vec!["--year", "2025"],
        vec!["office"],
        vec!["return", "to", "office", "--company", "Amazon"],
        vec!["title:layoffs OR company:microsoft"],
    ] {
        let expected = total(&idx(&dir), &args);
        let file = dir.path().join("f.jsonl");
        let summary = export(
            &idx(&dir),
            &[&["--to", "jsonl", file.to_str().unwrap()], &args[..]].concat(),
        );
        assert_eq!(summary["articles"], expected, "{args:?}");
        assert_eq!(ndjson(&file).len() as u64, expected, "{args:?}");
        assert!(
            expected > 0 && expected < total(&idx(&dir), &[]),
            "{args:?} filters"
        );
    }
    // The company filter resolves aliases as search query does.
    let summary = export(
        &idx(&dir),
        &["--to", "jsonl", "/dev/null", "--company", "AWS"],
    );
    assert_eq!(summary["filters"]["companies"][0], "Amazon");
}

#[test]
fn jsonl_to_stdout_keeps_the_summary_on_stderr() {
    let dir = indexed(CORPUS);
    let out = search(&idx(&dir))
        .args(["export", "--to", "jsonl", "-", "--company", "Amazon"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout.lines().count() as u64,
        total(&idx(&dir), &["--company", "Amazon"])
    );
    for line in stdout.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        assert!(strs(&v["companies"]).contains(&"Amazon".to_string()));
    }
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.starts_with("exported "), "{stderr}");
    assert!(stderr.contains("to standard output"), "{stderr}");
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn summary_line_quiet_and_exit_codes() {
    let dir = indexed(&["seeds"]);
    let out = dir.path().join("qw");
    search(&idx(&dir))
        .args(["export", "--to", "quickwit"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "exported 3 articles for quickwit to ",
        ))
        .stdout(predicate::str::contains("3 files"))
        .stdout(predicate::function(|s: &str| s.lines().count() == 1));
    search(&idx(&dir))
        .args(["export", "-q", "--to", "quickwit"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::is_empty());
    // Nothing matched: exit 1, like search query; the files are still written.
    let none = dir.path().join("none");
    search(&idx(&dir))
        .args(["export", "--to", "opensearch"])
        .arg(&none)
        .arg("zebracorn")
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with("exported 0 articles"));
    assert_eq!(std::fs::read(none.join("bulk-0001.ndjson")).unwrap(), b"");
}

#[test]
fn bad_uses_fail_in_one_line() {
    let dir = indexed(&["seeds"]);
    let foreign = dir.path().join("mine");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("notes.txt"), "keep me").unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "--to".into(),
                "quickwit".into(),
                foreign.display().to_string(),
            ],
            "which `search export` did not write",
        ),
        (
            vec!["--to".into(), "opensearch".into(), "-".into()],
            "only --to jsonl can write to standard output",
        ),
        (
            vec![
                "--to".into(),
                "jsonl".into(),
                "-".into(),
                "--max-bytes".into(),
                "5000".into(),
            ],
            "--max-bytes applies to --to opensearch only",
        ),
        (
            vec![
                "--to".into(),
                "quickwit".into(),
                dir.path().join("q").display().to_string(),
                "--name".into(),
                "My Index".into(),
            ],
            "not a usable index name",
        ),
        (
            vec![
                "--to".into(),
                "jsonl".into(),
                "-".into(),
                format!("{}x{}", "(".repeat(100), ")".repeat(100)),
            ],
            "parentheses nest 100 deep",
        ),
    ];
    for (args, message) in cases {
        search(&idx(&dir))
            .arg("export")
            .args(&args)
            .assert()
            .code(2)
            .stdout(predicate::str::is_empty())
            .stderr(predicate::str::starts_with("search: error: "))
            .stderr(predicate::str::contains(message))
            .stderr(predicate::function(|s: &str| s.lines().count() == 1));
    }
    assert_eq!(
        std::fs::read_to_string(foreign.join("notes.txt")).unwrap(),
        "keep me"
    );
    search(&dir.path().join("nowhere"))
        .args(["export", "--to", "jsonl", "-"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no index at"));
}
