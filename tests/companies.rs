//! Integration tests for companies without false friends: the real `search`
//! binary indexes the small articles in `tests/data/companies/` (written for
//! these tests) and the companies it reports are checked article by article.

use std::path::{Path, PathBuf};

use serde_json::Value;
use tempfile::TempDir;

mod common;
use common::{run_json, search};

/// An index of `tests/data/companies`.
fn indexed() -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let index = dir.path().join("idx");
    search(&index)
        .args(["index", "tests/data/companies"])
        .assert()
        .success();
    (dir, index)
}

/// The companies of the fixture article `file`, as `search query --json` shows them.
fn companies_of(hits: &Value, file: &str) -> Vec<String> {
    let hit = hits["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["path"].as_str().unwrap().ends_with(file))
        .unwrap_or_else(|| panic!("no hit for {file}"));
    hit["companies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect()
}

fn all_hits(index: &Path) -> Value {
    run_json(index, &["query", "--limit", "50"])
}

#[test]
fn a_person_named_like_a_company_is_not_one() {
    let (_dir, index) = indexed();
    let hits = all_hits(&index);
    // Leonardo (DiCaprio), Howard Hughes (played, a biopic's subject, a
    // millionaire), Mr Sears and the later bare `Sears said`, Alastair
    // Campbell's: people. Boeing is the one company.
    assert_eq!(companies_of(&hits, "person.txt"), ["Boeing"]);
}

#[test]
fn an_event_named_like_a_company_is_not_one() {
    let (_dir, index) = indexed();
    let hits = all_hits(&index);
    assert!(
        companies_of(&hits, "event.txt").is_empty(),
        "Heineken Cup, Heineken Open, Orange Prize, Emirates Stadium"
    );
    // The same names used for the companies still count.
    assert_eq!(companies_of(&hits, "brewer.txt"), ["Heineken", "Orange"]);
}

#[test]
fn a_party_is_not_a_company() {
    let (_dir, index) = indexed();
    assert!(companies_of(&all_hits(&index), "party.txt").is_empty());
}

#[test]
fn a_longer_name_of_a_firm_is_one_company() {
    let (_dir, index) = indexed();
    // Not `Baikal` beside `Baikal Finance Group`, not `Menatep Group` beside
    // `Menatep`, not `Asahi Breweries` beside `Asahi`.
    assert_eq!(
        companies_of(&all_hits(&index), "longer.txt"),
        ["Asahi", "Baikal Finance Group", "Menatep", "Yukos"]
    );
}

#[test]
fn canonical_names_do_not_rewrite_history() {
    let (_dir, index) = indexed();
    assert_eq!(
        companies_of(&all_hits(&index), "warner.txt"),
        ["Warner Bros."]
    );
    // Today's name still finds it.
    let v = run_json(&index, &["query", "--company", "Warner Bros. Discovery"]);
    assert_eq!(v["total"], 1);
}

#[test]
fn the_company_facet_counts_no_false_friends() {
    let (_dir, index) = indexed();
    let v = run_json(&index, &["facets", "company", "-n", "50"]);
    let counts: Vec<(String, u64)> = v["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["value"].as_str().unwrap().to_string(),
                c["count"].as_u64().unwrap(),
            )
        })
        .collect();
    let count = |name: &str| {
        counts
            .iter()
            .find(|(n, _)| n == name)
            .map_or(0, |(_, c)| *c)
    };
    assert_eq!(count("Heineken"), 1, "{counts:?}");
    for name in [
        "Leonardo",
        "Howard Hughes",
        "Sears",
        "Campbell's",
        "Plaid",
        "Emirates",
        "Baikal",
        "Menatep Group",
        "Asahi Breweries",
    ] {
        assert_eq!(count(name), 0, "{name}: {counts:?}");
    }
}

#[test]
fn ablation_lists_every_new_rule() {
    // The seeds' labels alone: the BBC articles of the full set are not here.
    let tmp = tempfile::TempDir::new().unwrap();
    let all =
        std::fs::read_to_string(common::repo().join("tests/data/company-labels.tsv")).unwrap();
    let seeds: String = all
        .lines()
        .filter(|l| l.starts_with("seeds/"))
        .map(|l| format!("{l}\n"))
        .collect();
    let labels = tmp.path().join("seeds.tsv");
    std::fs::write(&labels, seeds).unwrap();
    let out = search(&PathBuf::from("/nonexistent-index"))
        .args([
            "eval-companies",
            "--corpus",
            "/nonexistent",
            "--ablation",
            "--json",
            "--labels",
        ])
        .arg(&labels)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = v.to_string();
    for rule in [
        "person_names",
        "event_names",
        "party_names",
        "work_titles",
        "name_continues",
        "title_case_acronyms",
        "merge_longer_names",
        "more_cues",
    ] {
        assert!(text.contains(&format!("without {rule}")), "{rule}: {text}");
    }
}
