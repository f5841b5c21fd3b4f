//! Near-copies collapsed into one hit, `--no-collapse`, story counts, and
//! `search similar`, on the fixtures in `tests/data/dups` (a wire story, its
//! re-post with another headline and small edits, a related story, two
//! unrelated ones).

use predicates::prelude::*;

mod common;
use common::{idx, indexed, run_json, search};

fn paths(v: &serde_json::Value) -> Vec<String> {
    v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn two_near_copies_are_one_hit_with_one_similar() {
    let dir = indexed(&["tests/data/dups"]);
    let collapsed = run_json(&idx(&dir), &["query", "robots orchards"]);
    let shown = paths(&collapsed);
    let copies = shown.iter().filter(|p| p.contains("orchard")).count();
    assert_eq!(copies, 1, "{shown:?}");
    let hit = &collapsed["hits"][0];
    assert!(
        hit["path"].as_str().unwrap().contains("orchard"),
        "{shown:?}"
    );
    let similar = hit["similar"].as_array().unwrap();
    assert_eq!(similar.len(), 1, "{hit}");
    assert_eq!(hit["similar_count"], 1, "{hit}");
    assert!(similar[0]["path"].as_str().unwrap().contains("orchard"));
    assert_ne!(similar[0]["path"], hit["path"]);
    assert_eq!(collapsed["collapsed"], true);
    // Articles are counted by default: both copies.
    assert_eq!(collapsed["counts"], "articles");
    let total = collapsed["total"].as_u64().unwrap();
    assert_eq!(total as usize, shown.len() + 1);

    search(&idx(&dir))
        .args(["query", "robots orchards"])
        .assert()
        .success()
        .stdout(predicate::str::contains("1 similar"))
        .stdout(predicate::str::contains("near-copies collapsed"));

    let all = run_json(&idx(&dir), &["query", "robots orchards", "--no-collapse"]);
    let shown = paths(&all);
    assert_eq!(shown.iter().filter(|p| p.contains("orchard")).count(), 2);
    assert_eq!(all["collapsed"], false);
    assert_eq!(all["hits"][0]["similar"].as_array().unwrap().len(), 1);

    let stories = run_json(
        &idx(&dir),
        &["query", "robots orchards", "--count", "stories"],
    );
    assert_eq!(stories["counts"], "stories");
    assert_eq!(stories["total"].as_u64().unwrap(), total - 1);
}

#[test]
fn similar_returns_the_related_story_first_without_the_copies() {
    let dir = indexed(&["tests/data/dups"]);
    let found = run_json(&idx(&dir), &["similar", "tests/data/dups/wire-orchard.txt"]);
    let shown = paths(&found);
    assert!(
        shown[0].ends_with("pickers-shortage.txt"),
        "the related story comes first: {shown:?}"
    );
    assert!(
        shown.iter().all(|p| !p.contains("orchard")),
        "neither the article nor its copy: {shown:?}"
    );
    // The same shape as `search query --json`.
    for key in ["query", "total", "hits", "facets", "match", "collapsed"] {
        assert!(found.get(key).is_some(), "{key}");
    }
    search(&idx(&dir))
        .args(["similar", "tests/data/dups/wire-orchard.txt", "-n", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "like Robot pickers arrive in Kent orchards",
        ))
        .stdout(predicate::str::contains("pickers-shortage.txt"));
    search(&idx(&dir))
        .args(["similar", "no/such/article.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("search: error: no article"));
}

#[test]
fn json_lines_pages_collapse_near_copies_as_one_document_does() {
    let dir = indexed(&["tests/data/dups"]);
    let whole = run_json(&idx(&dir), &["query", "robots orchards"]);
    for page in ["1", "2", "100"] {
        let out = search(&idx(&dir))
            .args(["query", "robots orchards", "--jsonl", "--page-size", page])
            .output()
            .unwrap();
        assert!(out.status.success());
        let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let hits: Vec<&serde_json::Value> = lines.iter().filter(|l| l["type"] == "hit").collect();
        let got: Vec<(u64, String)> = hits
            .iter()
            .map(|h| {
                (
                    h["rank"].as_u64().unwrap(),
                    h["path"].as_str().unwrap().into(),
                )
            })
            .collect();
        let expected: Vec<(u64, String)> = whole["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                (
                    h["rank"].as_u64().unwrap(),
                    h["path"].as_str().unwrap().into(),
                )
            })
            .collect();
        assert_eq!(got, expected, "page size {page}");
    }
}
