//! Long questions through the real binary: `search eval` with and without
//! the long-question measures on a small judged fixture.

#[allow(dead_code)]
mod common;

use common::search;

/// MAP as `search eval` prints it (`MAP 0.1234  nDCG@10 ...`).
fn map(index: &std::path::Path, dir: &std::path::Path, flags: &[&str]) -> f64 {
    let out = search(index)
        .arg("eval")
        .arg("--queries")
        .arg(dir.join("queries.tsv"))
        .arg("--qrels")
        .arg(dir.join("qrels.txt"))
        .args(flags)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    text.split_whitespace()
        .nth(1)
        .and_then(|m| m.parse().ok())
        .unwrap_or_else(|| panic!("no MAP in {text}"))
}

#[test]
fn a_long_questions_question_words_do_not_pick_the_answer() {
    let dir = tempfile::TempDir::new().unwrap();
    // The answer shares the question's content words; the other articles
    // share its question words (`what`, `about`, `which`, `how`), many times.
    let mut lines = vec![serde_json::json!({
        "id": "answer",
        "title": "Pipeline",
        "body": "Yukos, the report says."
    })
    .to_string()];
    for i in 0..5 {
        lines.push(
            serde_json::json!({
                "id": format!("filler{i}"),
                "title": "Weather",
                "body": "Rain and wind tomorrow, then sunshine."
            })
            .to_string(),
        );
    }
    for i in 0..3 {
        lines.push(
            serde_json::json!({
                "id": format!("chatter{i}"),
                "title": "Letters",
                "body": "What about it? Which one, and how? What about which? How about what?"
            })
            .to_string(),
        );
    }
    std::fs::write(dir.path().join("docs.jsonl"), lines.join("\n") + "\n").unwrap();
    std::fs::write(
        dir.path().join("queries.tsv"),
        "1\twhat about the pipeline which Yukos built and how about Siberia\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("qrels.txt"), "1 0 answer 1\n").unwrap();
    let index = dir.path().join("idx");
    search(&index)
        .arg("index")
        .arg(dir.path().join("docs.jsonl"))
        .assert()
        .success();

    // The default drops the question words of a long question: the answer first.
    assert_eq!(map(&index, dir.path(), &[]), 1.0);
    assert_eq!(map(&index, dir.path(), &["--long-idf", "classic"]), 1.0);
    // Ranked as a short query (`--long-words 0`), the chatter comes first.
    let short = map(&index, dir.path(), &["--long-words", "0"]);
    assert!(short < 1.0, "MAP {short}");
    // Feedback and proximity are knobs of the same run and keep the answer found.
    let expanded = map(
        &index,
        dir.path(),
        &[
            "--feedback-docs",
            "3",
            "--feedback-terms",
            "5",
            "--feedback-weight",
            "0.2",
            "--proximity",
            "0.1",
        ],
    );
    assert!(expanded > 0.0, "MAP {expanded}");
}
