//! Pasted text never fails: headlines with colons, quotes and punctuation are
//! read as words; only the documented fields are syntax; `company:` takes
//! aliases like `--company`. Runs the real binary on `seeds/` and
//! `tests/data/news`.

use predicates::prelude::*;

mod common;
use common::{idx, indexed, run_json, search};

#[test]
fn real_headlines_are_read_as_words() {
    let dir = indexed(&["seeds", "tests/data/news"]);
    // Real headlines (BBC and others) full of colons, quotes, `&`, `+`, `-`, `/`.
    for headline in [
        "Q&A: Malcolm Glazer and Man Utd",
        "Yukos: the end",
        "Q1: sales",
        "3:1",
        "\"sorry\", he said",
        "http://bbc.co.uk",
        "Amazon's Latest Layoffs: Communication Department Takes a Hit",
        "Layoffs: \"small number\" of jobs / cuts + more - AT&T",
        "Ex-Amazon (AWS) boss: 'We were wrong'",
        "C++ [update] {draft} 50% off! `code` \\ ^ * ~",
        "Return-to-office: (what) next?",
        "AND",
        "growth AND",
        "title:",
        "company:",
    ] {
        let out = search(&idx(&dir))
            .args(["query", headline, "--json"])
            .output()
            .unwrap();
        assert!(
            out.status.code() == Some(0) || out.status.code() == Some(1),
            "{headline}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["query"], headline);
    }
    // The headline of a seed finds that seed first.
    let v = run_json(
        &idx(&dir),
        &[
            "query",
            "Amazon's Latest Layoffs: Communication Department Takes a Hit",
        ],
    );
    assert_eq!(v["hits"][0]["path"], "seeds/001_ab99971cc5533867.txt");
}

#[test]
fn unbalanced_quotes_and_parentheses_are_words_with_a_note() {
    let dir = indexed(&["seeds"]);
    search(&idx(&dir))
        .args(["query", "layoffs \"return to"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "the quote at character 9 is not closed: read as part of the words",
        ));
    search(&idx(&dir))
        .args(["query", "(layoffs"])
        .assert()
        .success()
        .stderr(predicate::str::contains("without a partner"));
    // The same articles as the words alone.
    let quoted = run_json(&idx(&dir), &["query", "layoffs \"return to"]);
    let plain = run_json(&idx(&dir), &["query", "layoffs return to"]);
    assert_eq!(quoted["total"], plain["total"]);
}

#[test]
fn only_documented_fields_are_syntax() {
    let dir = indexed(&["seeds"]);
    // An unknown field is a word.
    let v = run_json(&idx(&dir), &["query", "nosuchfield:amazon"]);
    assert!(v["total"].as_u64().unwrap() > 0);
    // Known fields work.
    let v = run_json(&idx(&dir), &["query", "title:layoffs"]);
    assert!(v["total"].as_u64().unwrap() >= 2);
    let v = run_json(&idx(&dir), &["query", "year:2025"]);
    assert!(v["total"].as_u64().unwrap() >= 1);
}

#[test]
fn company_field_takes_aliases() {
    let dir = indexed(&["seeds"]);
    let flag = run_json(&idx(&dir), &["query", "--company", "AWS"]);
    for query in [
        "company:AWS",
        "company:amazon",
        "company:\"Amazon Web Services\"",
    ] {
        let v = run_json(&idx(&dir), &["query", query]);
        assert_eq!(v["total"], flag["total"], "{query}");
    }
    assert_eq!(flag["total"], 3);
}

#[test]
fn a_word_no_article_has_finds_the_closest_word() {
    let dir = indexed(&["seeds"]);
    let v = run_json(&idx(&dir), &["query", "layofs"]);
    assert_eq!(v["total"], 3, "every seed says layoffs");
    assert_eq!(
        v["corrections"],
        serde_json::json!([{ "from": "layofs", "to": "layoffs", "also": false }])
    );
    // The human output says what it did.
    search(&idx(&dir))
        .args(["query", "layofs", "-n", "0"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "showing results for \"layoffs\" (no article has \"layofs\"; --exact searches as typed)",
        ));
    // `--exact` searches as typed.
    let exact = run_json(&idx(&dir), &["query", "layofs", "--exact"]);
    assert_eq!(exact["total"], 0);
    assert_eq!(exact["corrections"], serde_json::json!([]));
    // Words that exist, and short words, are never corrected.
    let v = run_json(&idx(&dir), &["query", "layoffs amzn"]);
    assert_eq!(v["corrections"], serde_json::json!([]), "amzn is too short");
    let v = run_json(&idx(&dir), &["query", "layoffs amzon"]);
    assert_eq!(
        v["corrections"],
        serde_json::json!([{ "from": "amzon", "to": "amazon", "also": false }])
    );
    // Edits are counted between the words as written, and the note gives
    // them as written: `officce` is one edit from `office` (its stem `offic`
    // would be one edit from `officc`, a word nobody typed).
    let news = indexed(&["tests/data/news"]);
    let v = run_json(&idx(&news), &["query", "officce"]);
    assert_eq!(
        v["corrections"],
        serde_json::json!([{ "from": "officce", "to": "office", "also": false }])
    );
    assert!(v["total"].as_u64().unwrap() > 0);
}

#[test]
fn prefixes_match_the_words_they_start() {
    let dir = indexed(&["seeds"]);
    let prefix = run_json(&idx(&dir), &["query", "Amaz*"]);
    let word = run_json(&idx(&dir), &["query", "amazon"]);
    assert_eq!(prefix["total"], word["total"]);
    assert!(prefix["total"].as_u64().unwrap() >= 3);
    // A prefix longer than the stem of its word (`layoffs` is `layoff`).
    let v = run_json(&idx(&dir), &["query", "title:layoffs*"]);
    assert!(v["total"].as_u64().unwrap() >= 2, "{v}");
}

#[test]
fn a_word_far_rarer_than_a_close_word_also_matches_it_ranked_below() {
    let dir = tempfile::TempDir::new().unwrap();
    let news = dir.path().join("news");
    std::fs::create_dir(&news).unwrap();
    for i in 0..25 {
        std::fs::write(
            news.join(format!("budget-{i:02}.txt")),
            format!("Budget plans number {i}\n\nThe government set out its spending plans for year {i}.\n"),
        )
        .unwrap();
    }
    std::fs::write(
        news.join("typo.txt"),
        "Minister speaks\n\nThe goverment minister spoke about schools.\n",
    )
    .unwrap();
    let index = dir.path().join("idx");
    search(&index)
        .arg("index")
        .arg(&news)
        .arg("-q")
        .assert()
        .success();
    let v = run_json(&index, &["query", "goverment", "-n", "3"]);
    assert_eq!(
        v["corrections"],
        serde_json::json!([{ "from": "goverment", "to": "government", "also": true }])
    );
    assert_eq!(v["total"], 26, "the word's article and the close word's");
    // The article with the word as typed comes first.
    assert!(v["hits"][0]["path"].as_str().unwrap().ends_with("typo.txt"));
    search(&index)
        .args(["query", "goverment", "-n", "0"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "also showing results for \"government\" (far more articles have it than \"goverment\"",
        ));
    let exact = run_json(&index, &["query", "goverment", "--exact"]);
    assert_eq!(exact["total"], 1);
    // A word that is not rare keeps its own matches only.
    let v = run_json(&index, &["query", "government"]);
    assert_eq!(v["corrections"], serde_json::json!([]));
    assert_eq!(v["total"], 25);
}
