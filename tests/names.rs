//! Names are exact: a quoted word or phrase matches without stemming, and a
//! name joined by punctuation (`AT&T`, `Wal-Mart`, `e-mail`) is the phrase
//! of its parts, not an OR of fragments. Runs the real binary on
//! `tests/data/names`.

mod common;
use common::{idx, indexed, run_json};

/// The file names (without folder) of the hits of `args`, best first.
fn hits(index: &std::path::Path, args: &[&str]) -> Vec<String> {
    let found = run_json(index, args);
    found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let path = h["path"].as_str().unwrap();
            path.rsplit('/').next().unwrap().to_string()
        })
        .collect()
}

#[test]
fn a_quoted_word_is_not_stemmed() {
    let dir = indexed(&["tests/data/names"]);
    let index = idx(&dir);
    assert_eq!(hits(&index, &["query", "\"Greene\""]), ["greene.txt"]);
    assert_eq!(
        hits(&index, &["query", "\"Graham Greene\""]),
        ["greene.txt"]
    );
    assert_eq!(hits(&index, &["query", "\"greens\""]), ["green.txt"]);
    // Unquoted words keep their stemming: `Greene` and `green` share a stem.
    let mut plain = hits(&index, &["query", "Greene"]);
    plain.sort();
    assert_eq!(plain, ["green.txt", "greene.txt"]);
    // A quoted word is searched as typed, never corrected.
    let found = run_json(&index, &["query", "\"Greenes\""]);
    assert_eq!(found["total"], 0);
    assert!(found["corrections"].as_array().is_none_or(|c| c.is_empty()));
}

#[test]
fn a_name_joined_by_punctuation_is_a_phrase_of_its_parts() {
    let dir = indexed(&["tests/data/names"]);
    let index = idx(&dir);
    // `at` and `t` apart (T-Mobile ... at a fast pace) are not AT&T.
    assert_eq!(hits(&index, &["query", "AT&T"]), ["att.txt"]);
    assert_eq!(hits(&index, &["query", "\"AT&T\""]), ["att.txt"]);
    assert_eq!(hits(&index, &["query", "AT&T profits"])[0], "att.txt");
    assert_eq!(hits(&index, &["query", "Wal-Mart"]), ["walmart.txt"]);
    assert_eq!(hits(&index, &["query", "e-mail"]), ["email.txt"]);
    assert_eq!(hits(&index, &["query", "e-mail scams"])[0], "email.txt");
    // Beside other words the name is one unit: `mobile` alone finds T-Mobile.
    let mut either = hits(&index, &["query", "AT&T mobile"]);
    either.sort();
    assert_eq!(either, ["apart.txt", "att.txt"]);
    let both = run_json(&index, &["query", "AT&T mobile"]);
    assert_eq!(both["total"], 2, "no article has both: all are counted");
    // A joined name is not corrected either.
    let found = run_json(&index, &["query", "Wal-Mrat"]);
    assert_eq!(found["total"], 0);
    assert!(found["corrections"].as_array().is_none_or(|c| c.is_empty()));
}

#[test]
fn a_code_written_in_capitals_is_not_a_number() {
    let dir = indexed(&["tests/data/names"]);
    let index = idx(&dir);
    // `3M` is the company as written, not `3m` (three million).
    assert_eq!(hits(&index, &["query", "3M"]), ["three-m.txt"]);
    assert_eq!(hits(&index, &["query", "\"3M\""]), ["three-m.txt"]);
    assert_eq!(hits(&index, &["query", "3M forecast"]), ["three-m.txt"]);
    // Written in lower case, it is the word the index holds: both.
    let mut lower = hits(&index, &["query", "3m"]);
    lower.sort();
    assert_eq!(lower, ["millions.txt", "three-m.txt"]);
}
