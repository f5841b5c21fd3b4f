//! Integration tests: they run the real `search` binary on `seeds/` and on the
//! fixtures in `tests/data/`, each against its own temporary index.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

mod common;
use common::{idx, indexed, repo, run_json, search};

fn query_json(dir: &TempDir, args: &[&str]) -> Value {
    run_json(&idx(dir), &[&["query"], args].concat())
}

fn hit_paths(v: &Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["path"].as_str().unwrap().to_string())
        .collect()
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn index_seeds_prints_one_summary_line() {
    let dir = TempDir::new().unwrap();
    search(&idx(&dir))
        .args(["index", "seeds"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "indexed 3 articles from 3 files",
        ))
        .stdout(predicate::function(|s: &str| s.lines().count() == 1));
}

#[test]
fn index_defaults_to_seeds_and_json_summary_parses() {
    let dir = TempDir::new().unwrap();
    let out = search(&idx(&dir))
        .args(["index", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["indexed"], 3);
    assert_eq!(v["files"], 3);
    assert_eq!(v["skipped"], serde_json::json!({}));
    for key in [
        "bytes",
        "seconds",
        "articles_per_second",
        "megabytes_per_second",
        "index",
        "warnings",
    ] {
        assert!(v.get(key).is_some(), "missing {key} in {v}");
    }
}

#[test]
fn rto_article_ranks_first_for_return_to_office() {
    let dir = indexed(&["seeds"]);
    for q in ["return to office", "\"return to office\""] {
        let v = query_json(&dir, &[q]);
        let paths = hit_paths(&v);
        assert_eq!(
            paths[0], "seeds/001_ab99971cc5533867.txt",
            "query {q}: {paths:?}"
        );
    }
}

#[test]
fn seed_titles_dates_and_companies_are_extracted() {
    let dir = indexed(&["seeds"]);
    let v = query_json(&dir, &["--limit", "10"]);
    let hits = v["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 3);
    let by_path = |p: &str| {
        hits.iter()
            .find(|h| h["path"].as_str().unwrap().ends_with(p))
            .unwrap_or_else(|| panic!("no hit for {p}"))
            .clone()
    };
    let s0 = by_path("000_6c8fa15e68251ffd.txt");
    assert_eq!(
        s0["title"],
        "Amazon is laying off a \"small number\" of employees in its communications and sustainability units."
    );
    assert_eq!(s0["date"], "2025-01-29");
    assert_eq!(s0["date_source"], "explicit");
    assert_eq!(s0["year"], 2025);
    assert_eq!(
        strs(&s0["companies"]),
        ["Amazon", "Bloomberg", "CNBC", "Meta"]
    );

    let s1 = by_path("001_ab99971cc5533867.txt");
    assert_eq!(
        s1["title"],
        "Amazon's Latest Layoffs: Communication Department Takes a Hit Amid RTO Mandate"
    );
    // `Updated Feb 3` has no year, and neither the path nor a weekday gives
    // one; the year the text mentions (2022) is no evidence.
    assert_eq!(s1["date"], Value::Null);
    assert_eq!(s1["date_source"], "unknown");
    assert_eq!(s1["year"], Value::Null);
    assert_eq!(
        strs(&s1["companies"]),
        [
            "Amazon",
            "D.A. Davidson",
            "Moor Insights & Strategy",
            "Trak.in",
            "Wedbush"
        ]
    );

    let s2 = by_path("002_07276b9184008ec7.txt");
    assert_eq!(
        s2["title"],
        "Amazon announces thousands of new layoffs as corporate and tech jobs bloodbath continues into new year"
    );
    // No date line: the years the text speaks of (2024 to 2026) are mentions,
    // and the photo caption's `Wednesday, August 21, 2024` is an event's date.
    assert_eq!(s2["date"], Value::Null);
    assert_eq!(s2["date_source"], "unknown");
    assert_eq!(s2["year"], Value::Null);
    assert_eq!(
        strs(&s2["companies"]),
        [
            "Amazon",
            "Autodesk",
            "Bending Spoons",
            "Citigroup",
            "Ericsson",
            "Intel",
            "Meta",
            "Microsoft",
            "Vimeo",
            "Walmart"
        ]
    );
    // Listing without a query is newest first.
    assert!(hits[0]["path"]
        .as_str()
        .unwrap()
        .ends_with("000_6c8fa15e68251ffd.txt"));
}

#[test]
fn company_aliases_give_the_same_hits() {
    let dir = indexed(&["seeds", "tests/data/news"]);
    let amazon = query_json(&dir, &["--company", "Amazon", "-n", "50"]);
    for alias in ["AWS", "aws", "Amazon Web Services", "amazon"] {
        let other = query_json(&dir, &["--company", alias, "-n", "50"]);
        assert_eq!(hit_paths(&amazon), hit_paths(&other), "--company {alias}");
        assert_eq!(amazon["total"], other["total"]);
        assert_eq!(amazon["facets"], other["facets"]);
    }
    assert_eq!(amazon["total"], 5);
    assert_eq!(strs(&amazon["filters"]["companies"]), ["Amazon"]);
    // Query syntax on the company field finds the same articles.
    let syntax = query_json(&dir, &["company:amazon", "-n", "50"]);
    assert_eq!(syntax["total"], amazon["total"]);
}

/// Facet counts are computed over every matching article: with all hits shown,
/// they must equal a count made from the hits themselves.
#[test]
fn facet_counts_equal_the_hits_they_summarise() {
    let dir = indexed(&["seeds", "tests/data/news"]);
    for args in [
        vec!["office"],
        vec!["layoffs", "--company", "Meta"],
        vec!["--since", "2024"],
        vec![],
    ] {
        let mut full = args.clone();
        full.extend(["-n", "100", "--facet-limit", "1000"]);
        let v = query_json(&dir, &full);
        let hits = v["hits"].as_array().unwrap();
        assert_eq!(
            v["total"].as_u64().unwrap() as usize,
            hits.len(),
            "{args:?}"
        );
        let mut companies = std::collections::BTreeMap::<String, u64>::new();
        let mut years = std::collections::BTreeMap::<String, u64>::new();
        for h in hits {
            for c in strs(&h["companies"]) {
                *companies.entry(c).or_default() += 1;
            }
            let year = h["year"]
                .as_u64()
                .map_or("unknown".to_string(), |y| y.to_string());
            *years.entry(year).or_default() += 1;
        }
        let facet = |name: &str| -> std::collections::BTreeMap<String, u64> {
            v["facets"][name]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    (
                        f["value"].as_str().unwrap().to_string(),
                        f["count"].as_u64().unwrap(),
                    )
                })
                .collect()
        };
        assert_eq!(facet("company"), companies, "company facet for {args:?}");
        assert_eq!(facet("year"), years, "year facet for {args:?}");
    }
}

#[test]
fn json_has_the_documented_shape() {
    let dir = indexed(&["seeds", "tests/data/news"]);
    let v = query_json(&dir, &["outage"]);
    for key in [
        "query", "filters", "sort", "total", "offset", "limit", "hits", "facets", "took_ms",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let hit = &v["hits"][0];
    for key in [
        "rank",
        "id",
        "path",
        "title",
        "date",
        "date_source",
        "year",
        "companies",
        "score",
        "snippet",
    ] {
        assert!(hit.get(key).is_some(), "missing hits[].{key}");
    }
    assert_eq!(hit["id"], "wire-1");
    assert_eq!(hit["url"], "https://example.com/wire-1");
    let text = hit["snippet"]["text"].as_str().unwrap();
    let highlights = hit["snippet"]["highlights"].as_array().unwrap();
    assert!(!highlights.is_empty());
    for h in highlights {
        let (a, b) = (
            h[0].as_u64().unwrap() as usize,
            h[1].as_u64().unwrap() as usize,
        );
        let marked: String = text.chars().skip(a).take(b - a).collect();
        assert_eq!(
            marked.to_lowercase(),
            "outage",
            "highlight {a}..{b} of {text}"
        );
    }
    assert!(v["facets"]["company"].is_array());
    assert!(v["facets"]["year"].is_array());
}

#[test]
fn all_words_rank_above_some_and_phrase_above_all() {
    let tmp = TempDir::new().unwrap();
    let corpus = tmp.path().join("c");
    std::fs::create_dir(&corpus).unwrap();
    let write = |name: &str, text: &str| std::fs::write(corpus.join(name), text).unwrap();
    // `office` many times: the best BM25 score for one word, but not all words.
    write(
        "some.txt",
        "Office news today\n\noffice office office office office office office.",
    );
    write(
        "all.txt",
        "Policy change at the firm\n\nStaff return from leave; the office said they go to lunch.",
    );
    write(
        "phrase.txt",
        "Policy change at the firm\n\nStaff must return to office from May, the firm said.",
    );
    let index = tmp.path().join("idx");
    search(&index).arg("index").arg(&corpus).assert().success();
    let out = search(&index)
        .args(["query", "return to office", "--json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<String> = hit_paths(&v)
        .iter()
        .map(|p| {
            Path::new(p)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(names, ["phrase.txt", "all.txt", "some.txt"]);
    // A long natural-language query still returns partial matches: never a silent AND.
    search(&index)
        .args([
            "query",
            "what did the office say about staff returning from lunch breaks in winter",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("3 matching articles"));
}

#[test]
fn year_filters_sorting_and_paging() {
    let dir = indexed(&["seeds", "tests/data/news"]);
    let y = query_json(&dir, &["--year", "2025", "-n", "50"]);
    assert!(y["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["year"] == 2025));
    assert_eq!(y["total"], 3);
    let range = query_json(&dir, &["--since", "2024", "--until", "2025", "-n", "50"]);
    assert!(range["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| (2024..=2025).contains(&h["year"].as_u64().unwrap())));
    let until = query_json(&dir, &["--until", "2023", "-n", "50"]);
    assert!(until["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["year"].as_u64().is_some()));

    let by_date = query_json(&dir, &["office", "--sort", "date", "-n", "50"]);
    // Unknown dates (an empty key) come last.
    let keys: Vec<String> = by_date["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| match (h["date"].as_str(), h["year"].as_u64()) {
            (Some(d), _) => d.to_string(),
            (None, Some(y)) => y.to_string(),
            (None, None) => String::new(),
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(keys, sorted);

    let all = query_json(&dir, &["office", "-n", "50"]);
    let page = query_json(&dir, &["office", "-n", "2", "--offset", "1"]);
    assert_eq!(hit_paths(&page), hit_paths(&all)[1..3].to_vec());
    assert_eq!(page["hits"][0]["rank"], 2);
}

#[test]
fn jsonl_json_and_markdown_inputs_are_parsed() {
    let dir = indexed(&["tests/data/news"]);
    let v = query_json(&dir, &["-n", "50"]);
    let titles: Vec<String> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap().to_string())
        .collect();
    for t in [
        "AWS outage takes down thousands of sites",
        "Meta cuts jobs in Reality Labs",
        "Markets close higher",
        "How Microsoft rethinks hybrid work",
        "Intel and Nvidia race for AI chips",
        "The four-day week, one year on",
        "Google orders staff back: return to office three days a week",
        "Survey: workers would rather quit than give up remote work",
    ] {
        assert!(titles.contains(&t.to_string()), "missing {t} in {titles:?}");
    }
    assert_eq!(v["total"], 8);
}

#[test]
fn messy_input_is_reported_file_by_file_and_the_rest_indexed() {
    let tmp = TempDir::new().unwrap();
    let corpus = tmp.path().join("messy");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::write(
        corpus.join("latin1.txt"),
        b"Pound falls against euro\n\nThe \xa3 fell 2% in 2005.",
    )
    .unwrap();
    std::fs::write(corpus.join("empty.txt"), b"  \n\n ").unwrap();
    std::fs::write(corpus.join("image.txt"), b"\x89PNG\r\n\x1a\n\0\0\0IHDR").unwrap();
    std::fs::write(
        corpus.join("feed.jsonl"),
        "{\"title\":\"Good one\",\"body\":\"Shares of Tesla rose.\"}\n{broken\n{\"title\":\"No text\"}\n\n{\"body\":\"Another good article about Tesla.\"}\n",
    )
    .unwrap();
    std::fs::write(corpus.join("notes.csv"), "a,b\n").unwrap();
    let index = tmp.path().join("idx");
    search(&index)
        .arg("index")
        .arg(&corpus)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "latin1.txt: not valid UTF-8; decoded as Windows-1252",
        ))
        .stderr(predicate::str::contains("empty.txt: empty file, skipped"))
        .stderr(predicate::str::contains("image.txt: binary file"))
        .stderr(predicate::str::contains("feed.jsonl:2: invalid JSON"))
        .stderr(predicate::str::contains("feed.jsonl:3: no text"))
        .stdout(predicate::str::contains("indexed 3 articles from 4 files"))
        .stdout(predicate::str::contains("4 skipped"));
    let out = search(&index)
        .args(["query", "pound", "--json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["hits"][0]["snippet"]["text"]
        .as_str()
        .unwrap()
        .contains('£'));
    search(&index)
        .args(["query", "--company", "Tesla"])
        .assert()
        .success()
        .stdout(predicate::str::contains("2 matching articles"));
}

#[test]
fn no_results_exit_1() {
    let dir = indexed(&["seeds"]);
    search(&idx(&dir))
        .args(["query", "zebracorn"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("0 matching articles"));
}

#[test]
fn errors_are_one_line_with_exit_2() {
    let dir = indexed(&["seeds"]);
    let one_line = |s: &str| s.lines().count() == 1 && s.starts_with("search: error: ");
    let empty = TempDir::new().unwrap();
    search(&empty.path().join("none"))
        .args(["query", "amazon"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("run `search index` first"))
        .stderr(predicate::function(one_line));
    // Nested thousands deep, a query used to overflow the stack.
    let nested = format!("{}amazon{}", "(".repeat(5000), ")".repeat(5000));
    search(&idx(&dir))
        .args(["query", &nested])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("parentheses nest 5000 deep"))
        .stderr(predicate::function(one_line));
    // An escaped quote does not hide them; a long chain of NOTs is refused too.
    search(&idx(&dir))
        .args(["query", &format!("a\\\" {nested}")])
        .assert()
        .code(2)
        .stderr(predicate::function(one_line));
    // A long chain of NOTs: only the last one has an operand, the others are
    // (stop) words, which leaves an exclusion alone: nothing to search for.
    search(&idx(&dir))
        .args(["query", &format!("a {}amazon", "NOT ".repeat(20_000))])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing to search for"))
        .stderr(predicate::function(one_line));
    search(&idx(&dir))
        .args(["index", "no/such/folder"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no/such/folder: no such file or directory",
        ))
        .stderr(predicate::function(one_line));
    // A failed index run leaves the previous index intact.
    search(&idx(&dir))
        .args(["query", "amazon"])
        .assert()
        .success();
    search(&idx(&dir))
        .args(["query", "--year", "2025", "--since", "2020"])
        .assert()
        .code(2);
}

#[test]
fn refuses_to_write_an_index_into_a_folder_of_other_files() {
    let tmp = TempDir::new().unwrap();
    std::fs::write(tmp.path().join("precious.txt"), "keep me").unwrap();
    search(tmp.path())
        .args(["index", "seeds"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is not empty and is not a search index",
        ));
    assert!(tmp.path().join("precious.txt").exists());
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let dir = indexed(&["seeds"]);
    search(&idx(&dir))
        .args(["query", "layoffs"])
        .assert()
        .stdout(predicate::str::contains("\u{1b}[").not());
    search(&idx(&dir))
        .args(["--color", "always", "query", "layoffs"])
        .assert()
        .stdout(predicate::str::contains("\u{1b}[1m"));
}

#[test]
fn help_and_version_have_examples() {
    let any = TempDir::new().unwrap();
    search(any.path())
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"))
        .stdout(predicate::str::contains(
            "search query \"return to office\"",
        ));
    search(any.path())
        .args(["help", "query"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--company"))
        .stdout(predicate::str::contains("Examples:"));
    search(any.path())
        .args(["help", "index"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Examples:"));
    search(any.path())
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("search "));
}

#[test]
fn index_from_env_variable() {
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("from-env");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_search"));
    cmd.current_dir(repo())
        .env("SEARCH_INDEX", &index)
        .args(["index", "seeds", "--quiet"])
        .assert()
        .success()
        .stdout("");
    assert!(index.join("meta.json").exists());
}

/// The README's example of messy input, on the fixture checked into tests/data/messy.
#[test]
fn readme_messy_example_reports_each_problem() {
    let tmp = TempDir::new().unwrap();
    search(&tmp.path().join("idx"))
        .args(["index", "tests/data/messy"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "search: warning: tests/data/messy/empty.txt: empty file, skipped",
        ))
        .stderr(predicate::str::contains(
            "tests/data/messy/latin1.txt: not valid UTF-8; decoded as Windows-1252 (Latin-1)",
        ))
        .stderr(predicate::str::contains(
            "tests/data/messy/feed.jsonl:2: invalid JSON",
        ))
        .stderr(predicate::str::contains(
            "tests/data/messy/feed.jsonl:3: no text",
        ))
        .stdout(predicate::str::contains(
            "indexed 2 articles from 3 files into ",
        ))
        .stdout(predicate::str::contains(
            "3 skipped (empty 1, invalid JSON 1, no text 1), 1 warning",
        ));
    let out = search(&tmp.path().join("idx"))
        .args(["query", "pound", "--json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["hits"][0]["title"], "Pound slides against the euro");
    // The date is an event's in the body (`in trading on Friday, 14 January
    // 2005`), not a header line: no evidence of the publication date.
    assert_eq!(v["hits"][0]["year"], Value::Null);
    assert_eq!(v["hits"][0]["date_source"], "unknown");
    assert!(v["hits"][0]["snippet"]["text"]
        .as_str()
        .unwrap()
        .contains('£'));
}

/// A folder that merely holds a file called `meta.json` is not an index: nothing in it is deleted.
#[test]
fn never_deletes_files_in_a_folder_that_is_not_an_index() {
    let tmp = TempDir::new().unwrap();
    std::fs::write(tmp.path().join("meta.json"), "{}").unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "keep me").unwrap();
    search(tmp.path())
        .args(["index", "seeds"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a search index"));
    assert!(tmp.path().join("notes.txt").exists());
    assert!(tmp.path().join("meta.json").exists());
}

#[test]
fn indexing_a_folder_that_holds_the_index_skips_the_index() {
    let tmp = TempDir::new().unwrap();
    let corpus = tmp.path().join("news");
    std::fs::create_dir(&corpus).unwrap();
    std::fs::copy(
        repo().join("seeds/000_6c8fa15e68251ffd.txt"),
        corpus.join("a.txt"),
    )
    .unwrap();
    let index = corpus.join("idx");
    for _ in 0..2 {
        search(&index)
            .arg("index")
            .arg(&corpus)
            .assert()
            .success()
            .stdout(predicate::str::contains("; 1 article in the index)"));
    }
}

#[test]
fn the_same_file_given_twice_is_indexed_once() {
    let tmp = TempDir::new().unwrap();
    search(&tmp.path().join("idx"))
        .args([
            "index",
            "seeds",
            "seeds/000_6c8fa15e68251ffd.txt",
            "./seeds",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("indexed 3 articles from 3 files"));
}

#[test]
fn plain_queries_with_punctuation_are_not_syntax() {
    let dir = indexed(&["seeds"]);
    for q in [
        "Amazon's layoffs",
        "Amazon’s layoffs!",
        "U.S. cuts",
        "e-commerce giant",
        "what's next?",
    ] {
        search(&idx(&dir)).args(["query", q]).assert().success();
    }
    // Only punctuation: nothing to search for, no error.
    search(&idx(&dir))
        .args(["query", "!!! ..."])
        .assert()
        .code(1);
}

#[test]
fn unknown_company_is_reported_with_a_suggestion() {
    let dir = indexed(&["seeds"]);
    search(&idx(&dir))
        .args(["query", "--company", "Amazn"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "search: warning: no article mentions a company named `Amazn` (did you mean Amazon?)",
        ));
}

#[test]
fn huge_limit_and_offset_are_harmless() {
    let dir = indexed(&["seeds"]);
    search(&idx(&dir))
        .args(["query", "amazon", "-n", "1000000000"])
        .assert()
        .success();
    search(&idx(&dir))
        .args(["query", "amazon", "--offset", "18446744073709551615"])
        .assert()
        .success()
        .stdout(predicate::str::contains("3 matching articles"));
}

/// The seeds' labels are measured without the corpus (a labels file with
/// only them); the full set without the corpus is an error (see
/// tests/cli_conventions.rs).
#[test]
fn eval_companies_measures_the_seeds_without_the_corpus() {
    let any = TempDir::new().unwrap();
    let all = std::fs::read_to_string(repo().join("tests/data/company-labels.tsv")).unwrap();
    let seeds: String = all
        .lines()
        .filter(|l| l.starts_with("seeds/"))
        .map(|l| format!("{l}\n"))
        .collect();
    let labels = any.path().join("seeds.tsv");
    std::fs::write(&labels, seeds).unwrap();
    let out = search(any.path())
        .args([
            "eval-companies",
            "--corpus",
            "/nonexistent",
            "--json",
            "--labels",
        ])
        .arg(&labels)
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["articles"], 3);
    assert_eq!(v["missing_files"].as_array().unwrap().len(), 0);
    assert_eq!(v["false_positives"], 0);
    // NBC10 Boston (a station in seed 000) is labelled but not in the gazetteer.
    assert_eq!(v["false_negatives"], 1);
    assert_eq!(v["true_positives"], 19);
}

#[test]
fn facets_command_counts_match_the_query_facets() {
    let dir = indexed(&["seeds", "tests/data/news"]);
    let out = search(&idx(&dir))
        .args(["facets", "company", "--json", "-n", "100"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let f: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(f["facet"], "company");
    let q = query_json(&dir, &["--limit", "0", "--facet-limit", "100"]);
    assert_eq!(f["counts"], q["facets"]["company"]);
    assert_eq!(f["total"], q["total"]);
    // Years print as a histogram in time order, `unknown` last.
    let out = search(&idx(&dir))
        .args(["facets", "year"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let years: Vec<&str> = text
        .lines()
        .filter(|l| l.contains('█'))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(years, ["2022", "2023", "2024", "2025", "2026", "unknown"]);
    // Filtered by company, through an alias.
    let out = search(&idx(&dir))
        .args(["facets", "year", "--company", "AWS", "--json"])
        .output()
        .unwrap();
    let f: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(f["total"], 5);
}

#[test]
fn since_and_until_take_years_or_days() {
    let dir = indexed(&["seeds", "tests/data/news"]);
    let dates = |args: &[&str]| -> Vec<String> {
        let mut full = args.to_vec();
        full.extend(["-n", "50", "--sort", "date"]);
        query_json(&dir, &full)["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                h["date"]
                    .as_str()
                    .map_or_else(|| h["year"].to_string(), str::to_string)
            })
            .collect()
    };
    assert_eq!(
        dates(&["--since", "2025-01-30", "--until", "2025-12-31"]),
        ["2025-10-20", "2025-05-30"]
    );
    assert_eq!(dates(&["--until", "2022-12-31"]), ["2022-09-01"]);
    // From January 1st on, articles known only by their year are in.
    assert_eq!(
        dates(&["--since", "2024-01-01", "--until", "2024-12-31"]),
        ["2024-03-03", "2024"]
    );
    let v = query_json(&dir, &["--since", "2025-02-01", "--limit", "0"]);
    assert_eq!(v["filters"]["since"], "2025-02-01");
    search(&idx(&dir))
        .args(["query", "--since", "2025-02-30"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is not a year (2024) or a date (2024-03-01)",
        ));
}
