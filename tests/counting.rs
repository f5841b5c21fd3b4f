//! The counting rule: a plain query of several words counts (and its facets
//! describe) the articles with all the words when there are any; the ones
//! with only some are listed after them and counted apart. Runs the real
//! binary on `tests/data/counting`.

use serde_json::Value;
use tempfile::TempDir;

mod common;
use common::{run_json, search};

fn indexed() -> TempDir {
    let dir = TempDir::new().unwrap();
    search(&dir.path().join("idx"))
        .args(["index", "tests/data/counting"])
        .assert()
        .success();
    dir
}

fn query(dir: &TempDir, args: &[&str]) -> Value {
    run_json(&dir.path().join("idx"), &[&["query"], args].concat())
}

fn ids(v: &Value) -> Vec<&str> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect()
}

fn facet(v: &Value, name: &str) -> Vec<(String, u64)> {
    v["facets"][name]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["value"].as_str().unwrap().to_string(),
                c["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn two_word_query_counts_the_articles_with_both_words() {
    let dir = indexed();
    let v = query(&dir, &["ipod sales"]);
    // The same articles as the explicit AND.
    let and = query(&dir, &["ipod AND sales"]);
    assert_eq!(v["total"], and["total"]);
    assert_eq!(v["total"], 2);
    assert_eq!(
        v["partial"], 4,
        "three with `sales` only, one with `ipod` only"
    );
    assert_eq!(v["match"], "all");
    // Every article with any word is listed, those with both first.
    let listed = ids(&v);
    assert_eq!(listed.len(), 6);
    let mut first: Vec<&str> = listed[..2].to_vec();
    first.sort();
    assert_eq!(first, ["both-new", "both-old"]);
    // The facets describe the two articles with both words only.
    let companies = facet(&v, "company");
    assert!(
        companies.contains(&("Apple".to_string(), 2)),
        "{companies:?}"
    );
    assert!(!companies
        .iter()
        .any(|(c, _)| c == "Yukos" || c == "Gazprom"));
    assert_eq!(
        facet(&v, "year"),
        [("2005".to_string(), 1), ("2004".to_string(), 1)]
    );
}

#[test]
fn match_any_counts_every_article_with_a_word() {
    let dir = indexed();
    let v = query(&dir, &["ipod sales", "--match", "any"]);
    assert_eq!(v["total"], 6);
    assert_eq!(v["partial"], 0);
    assert_eq!(v["match"], "any");
    let companies = facet(&v, "company");
    assert!(
        companies.iter().any(|(c, _)| c == "Gazprom"),
        "{companies:?}"
    );
}

#[test]
fn without_an_article_having_every_word_all_matches_count() {
    let dir = indexed();
    let v = query(&dir, &["ipod zebra"]);
    assert_eq!(v["match"], "any");
    assert_eq!(v["total"], 3, "the three articles with ipod");
    assert_eq!(v["partial"], 0);
    let companies = facet(&v, "company");
    assert!(
        companies.contains(&("Apple".to_string(), 3)),
        "{companies:?}"
    );
}

#[test]
fn explicit_syntax_and_single_words_keep_their_meaning() {
    let dir = indexed();
    let or = query(&dir, &["ipod OR sales"]);
    assert_eq!(
        (or["total"].as_u64(), or["match"].as_str()),
        (Some(6), Some("any"))
    );
    let one = query(&dir, &["sales"]);
    assert_eq!(one["total"], 5);
    assert_eq!(one["partial"], 0);
}

#[test]
fn by_date_the_articles_with_every_word_come_first() {
    let dir = indexed();
    let v = query(&dir, &["ipod sales", "--sort", "date"]);
    assert_eq!(
        ids(&v),
        [
            "both-new",
            "both-old",
            "sales-only-new",
            "sales-only-mid",
            "ipod-only",
            "sales-only-old"
        ]
    );
    // Pages across the edge between the two groups.
    let page = query(
        &dir,
        &["ipod sales", "--sort", "date", "--offset", "1", "-n", "3"],
    );
    assert_eq!(ids(&page), ["both-old", "sales-only-new", "sales-only-mid"]);
    let later = query(
        &dir,
        &["ipod sales", "--sort", "date", "--offset", "4", "-n", "5"],
    );
    assert_eq!(ids(&later), ["ipod-only", "sales-only-old"]);
}

#[test]
fn facets_over_a_query_follow_the_same_rule() {
    let dir = indexed();
    let index = dir.path().join("idx");
    let v = run_json(&index, &["facets", "company", "ipod sales"]);
    assert_eq!(v["total"], 2);
    let names: Vec<&str> = v["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"Apple") && !names.contains(&"Gazprom"),
        "{names:?}"
    );
    let any = run_json(
        &index,
        &["facets", "company", "ipod sales", "--match", "any"],
    );
    assert_eq!(any["total"], 6);
}

#[test]
fn the_count_line_says_how_many_more_match_some() {
    let dir = indexed();
    let out = search(&dir.path().join("idx"))
        .args(["query", "ipod sales", "-n", "1"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(
            "2 articles match all words for \"ipod sales\" (4 more match some), showing 1-1"
        ),
        "{text}"
    );
}

#[test]
fn export_of_a_query_takes_the_articles_it_counts() {
    let dir = indexed();
    let index = dir.path().join("idx");
    let lines = |args: &[&str]| -> usize {
        let out = search(&index)
            .args(["export", "--to", "jsonl", "-", "-q"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().lines().count()
    };
    assert_eq!(lines(&["ipod sales"]), 2);
    assert_eq!(lines(&["ipod sales", "--match", "any"]), 6);
}
