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

#[test]
fn a_walk_leaves_out_every_copy_of_a_group_larger_than_a_hit_lists() {
    let dir = tempfile::TempDir::new().unwrap();
    let news = dir.path().join("news");
    std::fs::create_dir(&news).unwrap();
    let story = "Fruit growers in Kent said on Thursday that a fleet of picking robots \
                 had worked through the night in three orchards, the first time the \
                 machines have been used on a commercial harvest in Britain, and that \
                 they expect to lease twice as many of them next season.";
    for i in 0..13 {
        std::fs::write(
            news.join(format!("copy-{i:02}.txt")),
            format!("Robots pick apples (version {i})\n\n{story}\n"),
        )
        .unwrap();
    }
    let index = dir.path().join("idx");
    search(&index)
        .arg("index")
        .arg(&news)
        .arg("-q")
        .assert()
        .success();
    let out = search(&index)
        .args(["query", "robots orchards", "--jsonl", "--page-size", "1"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let hits: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|l| l["type"] == "hit")
        .collect();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0]["similar_count"], 12);
    assert_eq!(hits[0]["similar"].as_array().unwrap().len(), 10);
}
