//! Integration tests of index maintenance: incremental updates, version checks,
//! the writer lock, interrupted runs and hostile file systems.

use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use predicates::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

mod common;
use common::{repo, run_json, search};

fn summary(index: &Path, args: &[&str]) -> Value {
    run_json(index, &[&["index"], args].concat())
}

fn count(index: &Path, args: &[&str]) -> u64 {
    run_json(index, &[&["query"], args, &["--limit", "0"]].concat())["total"]
        .as_u64()
        .unwrap()
}

fn article(dir: &Path, name: &str, title: &str, body: &str) {
    std::fs::write(dir.join(name), format!("{title}\n\n{body}\n")).unwrap();
}

fn counts(v: &Value) -> [u64; 5] {
    ["added", "updated", "removed", "unchanged", "indexed"].map(|k| v[k].as_u64().unwrap())
}

#[test]
fn second_run_reads_only_new_and_changed_files() {
    let tmp = TempDir::new().unwrap();
    let corpus = tmp.path().join("news");
    std::fs::create_dir(&corpus).unwrap();
    article(
        &corpus,
        "a.txt",
        "Amazon cuts jobs in Seattle",
        "Amazon said on Monday.",
    );
    article(
        &corpus,
        "b.txt",
        "Meta opens new office in London",
        "Meta said.",
    );
    article(
        &corpus,
        "c.txt",
        "Intel plans new factory in Ohio",
        "Intel said.",
    );
    let index = tmp.path().join("idx");
    let corpus_arg = corpus.to_str().unwrap();

    assert_eq!(counts(&summary(&index, &[corpus_arg])), [3, 0, 0, 0, 3]);
    // Nothing changed: nothing read.
    assert_eq!(counts(&summary(&index, &[corpus_arg])), [0, 0, 0, 3, 0]);
    // A new modification time with the same bytes is not a change.
    let same = std::fs::read(corpus.join("a.txt")).unwrap();
    std::fs::write(corpus.join("a.txt"), &same).unwrap();
    assert_eq!(counts(&summary(&index, &[corpus_arg])), [0, 0, 0, 3, 0]);

    // Change one, remove one, add one.
    article(
        &corpus,
        "a.txt",
        "Amazon hires in Seattle",
        "Amazon said it would hire.",
    );
    std::fs::remove_file(corpus.join("b.txt")).unwrap();
    article(
        &corpus,
        "d.txt",
        "Nvidia results beat forecasts",
        "Nvidia said.",
    );
    let v = summary(&index, &[corpus_arg]);
    assert_eq!(counts(&v), [1, 1, 1, 1, 2]);
    assert_eq!(v["total_articles"], 3);
    assert_eq!(count(&index, &[]), 3);
    assert_eq!(
        count(&index, &["cuts"]),
        0,
        "the old version of a.txt is gone"
    );
    assert_eq!(count(&index, &["hires"]), 1);
    assert_eq!(
        count(&index, &["--company", "Meta"]),
        0,
        "b.txt's article is gone"
    );
    assert_eq!(count(&index, &["--company", "Nvidia"]), 1);

    // No path: the paths the index was built from.
    assert_eq!(counts(&summary(&index, &[])), [0, 0, 0, 3, 0]);
    // --rebuild reads everything again.
    assert_eq!(counts(&summary(&index, &["--rebuild"])), [3, 0, 0, 0, 3]);
    assert_eq!(count(&index, &[]), 3);
}

#[test]
fn jsonl_files_are_replaced_as_a_whole_when_they_change() {
    let tmp = TempDir::new().unwrap();
    let feed = tmp.path().join("feed.jsonl");
    std::fs::write(&feed, "{\"title\":\"One\",\"body\":\"first article\"}\n{\"title\":\"Two\",\"body\":\"second article\"}\n").unwrap();
    let index = tmp.path().join("idx");
    let feed_arg = feed.to_str().unwrap();
    summary(&index, &[feed_arg]);
    assert_eq!(count(&index, &[]), 2);
    std::fs::write(&feed, "{\"title\":\"Two\",\"body\":\"second article\"}\n{\"title\":\"Three\",\"body\":\"third article\"}\n{\"title\":\"Four\",\"body\":\"fourth article\"}\n").unwrap();
    let v = summary(&index, &[feed_arg]);
    assert_eq!(counts(&v), [0, 1, 0, 0, 3]);
    assert_eq!(count(&index, &[]), 3);
    assert_eq!(count(&index, &["first"]), 0);
}

#[test]
fn an_index_of_another_version_asks_for_rebuild() {
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("idx");
    summary(&index, &["seeds"]);
    let meta_path = index.join("search-meta.json");
    let mut meta: Value =
        serde_json::from_str(&std::fs::read_to_string(&meta_path).unwrap()).unwrap();
    meta["schema_version"] = Value::from(0);
    std::fs::write(&meta_path, meta.to_string()).unwrap();
    let one_line = |s: &str| s.lines().count() == 1;
    search(&index)
        .args(["query", "amazon"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("run `search index --rebuild`"))
        .stderr(predicate::function(one_line));
    search(&index)
        .args(["index", "seeds"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("run `search index --rebuild`"));
    search(&index)
        .args(["index", "seeds", "--rebuild"])
        .assert()
        .success();
    assert_eq!(count(&index, &[]), 3);

    // Articles tagged with another company list are not mixed with new ones.
    let mut meta: Value =
        serde_json::from_str(&std::fs::read_to_string(&meta_path).unwrap()).unwrap();
    meta["gazetteer"] = Value::from("0000000000000000");
    std::fs::write(&meta_path, meta.to_string()).unwrap();
    search(&index)
        .args(["index", "seeds"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("another company list"));
    assert_eq!(count(&index, &[]), 3, "queries still work");
}

#[test]
fn a_second_writer_fails_at_once_naming_the_first() {
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("idx");
    summary(&index, &["seeds"]);
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(index.join(".search-writer.lock"))
        .unwrap();
    lock.try_lock().unwrap();
    std::fs::write(index.join(".search-writer.lock"), "424242").unwrap();
    let started = Instant::now();
    search(&index)
        .args(["index", "seeds", "--rebuild"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is being written by another process (pid 424242)",
        ));
    assert!(started.elapsed() < Duration::from_secs(5), "must not wait");
    drop(lock);
    assert_eq!(count(&index, &[]), 3);
    search(&index).args(["index", "seeds"]).assert().success();
}

/// Writes `n` small generated articles into `dir` (1,000 per sub-folder).
fn generate(dir: &Path, n: usize) {
    let words = [
        "market", "shares", "profit", "growth", "bank", "rates", "energy", "phone", "music",
        "film", "election", "minister", "football", "court", "trade", "chip",
    ];
    for i in 0..n {
        let sub = dir.join(format!("{:03}", i / 1000));
        if i % 1000 == 0 {
            std::fs::create_dir_all(&sub).unwrap();
        }
        let w = |k: usize| words[(i * 7 + k * 13) % words.len()];
        let body: Vec<String> = (0..60).map(|k| w(k).to_string()).collect();
        std::fs::write(
            sub.join(format!("{i:06}.txt")),
            format!(
                "Report {i} on {} and {}\n\n date 20{:02}-0{}-1{} {}\n",
                w(1),
                w(2),
                i % 26,
                1 + i % 9,
                i % 10,
                body.join(" ")
            ),
        )
        .unwrap();
    }
}

/// `kill -9` in the middle of a run: the previous commit stays fully
/// queryable (also while the run is going on), and the next run completes the work.
#[test]
fn killed_run_leaves_the_previous_index_and_the_next_run_finishes() {
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("idx");
    summary(&index, &["seeds"]);
    let big = tmp.path().join("big");
    let n = 30_000;
    generate(&big, n);

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_search"))
        .current_dir(repo())
        .arg("--index")
        .arg(&index)
        .args(["index", "seeds"])
        .arg(&big)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the run has really started (it holds the writer lock), then
    // query: the answer comes from the last commit.
    let lock_path = index.join(".search-writer.lock");
    let started = Instant::now();
    while std::fs::read_to_string(&lock_path)
        .unwrap_or_default()
        .trim()
        != child.id().to_string()
    {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "indexer did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(
        count(&index, &[]),
        3,
        "queries answer from the last commit during a run"
    );
    let still_running = child.try_wait().unwrap().is_none();
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(
        still_running,
        "the run finished before it could be killed; make the corpus larger"
    );

    assert_eq!(
        count(&index, &[]),
        3,
        "the previous commit survives kill -9"
    );
    assert_eq!(count(&index, &["amazon"]), 3);
    let v = summary(&index, &["seeds", big.to_str().unwrap()]);
    assert_eq!(v["total_articles"].as_u64().unwrap(), 3 + n as u64);
    assert_eq!(count(&index, &[]), 3 + n as u64);
}

#[cfg(unix)]
#[test]
fn broken_links_and_link_loops_are_warnings() {
    let tmp = TempDir::new().unwrap();
    let corpus = tmp.path().join("c");
    std::fs::create_dir(&corpus).unwrap();
    article(&corpus, "ok.txt", "A perfectly fine article", "Text.");
    std::os::unix::fs::symlink(corpus.join("missing.txt"), corpus.join("broken.txt")).unwrap();
    std::os::unix::fs::symlink(&corpus, corpus.join("loop")).unwrap();
    search(&tmp.path().join("idx"))
        .arg("index")
        .arg(&corpus)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "broken.txt: vanished or broken symbolic link",
        ))
        .stderr(predicate::str::contains("symbolic link loop"))
        .stdout(predicate::str::contains("indexed 1 article from 1 file"));
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_warnings() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = TempDir::new().unwrap();
    let corpus = tmp.path().join("c");
    std::fs::create_dir(&corpus).unwrap();
    article(&corpus, "ok.txt", "A perfectly fine article", "Text.");
    article(&corpus, "secret.txt", "A secret article here", "Text.");
    let secret = corpus.join("secret.txt");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&secret).is_ok() {
        eprintln!("running as root: permissions do not stop reads; skipping");
        return;
    }
    search(&tmp.path().join("idx"))
        .arg("index")
        .arg(&corpus)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("secret.txt: permission denied"));
}

#[test]
fn an_index_folder_that_cannot_be_created_is_a_clear_error() {
    let tmp = TempDir::new().unwrap();
    let file = tmp.path().join("plain-file");
    std::fs::write(&file, "x").unwrap();
    search(&file.join("idx"))
        .args(["index", "seeds"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("search: error: "))
        .stderr(predicate::str::contains("plain-file/idx"));
}

#[test]
fn a_users_company_file_changes_results_after_index() {
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("idx");
    summary(&index, &["seeds"]);
    assert_eq!(count(&index, &["--company", "Bloomberg"]), 1);
    let file = tmp.path().join("companies.toml");
    std::fs::write(
        &file,
        "block = [\"Bloomberg\"]\n\n[[company]]\nname = \"Teamsters Union\"\naliases = [\"Teamsters\"]\n\n[[company]]\nname = \"Amazon\"\naliases = [\"e-commerce giant\"]\n",
    )
    .unwrap();
    let v = summary(&index, &["seeds", "--companies", file.to_str().unwrap()]);
    assert_eq!(v["updated"], 3, "every article is tagged again: {v}");
    assert_eq!(count(&index, &["--company", "Bloomberg"]), 0);
    assert_eq!(count(&index, &["--company", "teamsters"]), 1);
    assert_eq!(count(&index, &["--company", "Teamsters Union"]), 1);
    // Installed in the index: later runs keep it without re-reading anything.
    assert_eq!(counts(&summary(&index, &[])), [0, 0, 0, 3, 0]);
    // A broken file is refused with its reason, and the index is untouched.
    std::fs::write(&file, "[[company]]\nnom = \"x\"\n").unwrap();
    search(&index)
        .args(["index", "--companies"])
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("companies.toml"));
    assert_eq!(count(&index, &["--company", "Teamsters Union"]), 1);
}

/// A run killed between its commit and its record of the files (simulated by
/// losing `search-files.json`) must not leave articles twice.
#[test]
fn a_lost_file_record_never_duplicates_articles() {
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("idx");
    summary(&index, &["seeds"]);
    std::fs::remove_file(index.join("search-files.json")).unwrap();
    let v = summary(&index, &["seeds"]);
    assert_eq!(v["indexed"], 3, "everything is read again: {v}");
    assert_eq!(count(&index, &[]), 3);
    std::fs::write(index.join("search-files.json"), "{ not json").unwrap();
    summary(&index, &["seeds"]);
    assert_eq!(count(&index, &[]), 3);
}

/// An emptied folder removes its articles when it is named again (or with
/// `--prune`); a re-run without PATH keeps them (see tests/robust.rs).
#[test]
fn emptying_the_folder_removes_its_articles() {
    let tmp = TempDir::new().unwrap();
    let corpus = tmp.path().join("news");
    std::fs::create_dir(&corpus).unwrap();
    article(
        &corpus,
        "a.txt",
        "Amazon cuts jobs in Seattle",
        "Amazon said.",
    );
    let index = tmp.path().join("idx");
    summary(&index, &[corpus.to_str().unwrap()]);
    std::fs::remove_file(corpus.join("a.txt")).unwrap();
    let v = summary(&index, &[]);
    assert_eq!(
        (v["removed"].as_u64(), v["kept"].as_u64()),
        (Some(0), Some(1))
    );
    assert_eq!(count(&index, &[]), 1);
    let v = summary(&index, &[corpus.to_str().unwrap()]);
    assert_eq!(v["removed"], 1);
    assert_eq!(count(&index, &[]), 0);
}

/// Two file names that differ only in bytes that are not UTF-8 are two files.
#[cfg(unix)]
#[test]
fn names_that_are_not_utf8_stay_apart() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = TempDir::new().unwrap();
    let docs = tmp.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    let name = |b: u8| std::ffi::OsStr::from_bytes(&[b'a', b, b'.', b't', b'x', b't']).to_owned();
    std::fs::write(
        docs.join(name(0xff)),
        "Zebracorn one\n\nThe first zebracorn.\n",
    )
    .unwrap();
    std::fs::write(
        docs.join(name(0xfe)),
        "Zebracorn two\n\nThe second zebracorn.\n",
    )
    .unwrap();
    let index = tmp.path().join("idx");
    let docs_arg = docs.to_str().unwrap();
    summary(&index, &[docs_arg]);
    assert_eq!(count(&index, &["zebracorn"]), 2);
    // Changing one of them leaves the other alone.
    std::fs::write(docs.join(name(0xfe)), "Zebracorn two\n\nChanged.\n").unwrap();
    let second = summary(&index, &[docs_arg]);
    assert_eq!(second["updated"], 1, "{second}");
    assert_eq!(second["unchanged"], 1, "{second}");
    assert_eq!(count(&index, &["zebracorn"]), 2);
    assert_eq!(count(&index, &["first"]), 1);
}

/// The live segments of an index, as tantivy's `meta.json` lists them.
fn segment_ids(index: &Path) -> Vec<String> {
    let meta: Value =
        serde_json::from_str(&std::fs::read_to_string(index.join("meta.json")).unwrap()).unwrap();
    let mut ids: Vec<String> = meta["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["segment_id"].as_str().unwrap().replace('-', ""))
        .collect();
    ids.sort();
    ids
}

/// The segments that have a facet file.
fn facet_file_ids(index: &Path) -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(index)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            let id = name.strip_prefix("search-facets-")?.strip_suffix(".bin")?;
            Some(id.to_string())
        })
        .collect();
    ids.sort();
    ids
}

/// Totals and both facets of a few queries, as JSON.
fn facets_of(index: &Path) -> Vec<Value> {
    [
        &["query", "--limit", "0"][..],
        &["query", "said", "--limit", "3"],
        &["query", "shares", "--year", "2024"],
    ]
    .iter()
    .map(|args| {
        let v = run_json(index, &[*args, &["--facet-limit", "100"]].concat());
        serde_json::json!([v["total"], v["facets"]])
    })
    .collect()
}

#[test]
fn facet_files_give_the_counts_the_columns_give() {
    let tmp = TempDir::new().unwrap();
    let corpus = tmp.path().join("news");
    std::fs::create_dir(&corpus).unwrap();
    let companies = ["Amazon", "Meta", "Intel", "Google", "Microsoft", "Nvidia"];
    for i in 0..12 {
        let named: Vec<&str> = (0..1 + i % 4).map(|k| companies[(i + k) % 6]).collect();
        article(
            &corpus,
            &format!("a{i}.txt"),
            &format!("{} shares rise", named[0]),
            &format!(
                "date 20{:02}-03-0{} {} said on Monday.",
                20 + i % 5,
                1 + i % 9,
                named.join(" and ")
            ),
        );
    }
    let index = tmp.path().join("idx");
    summary(&index, &[corpus.to_str().unwrap()]);
    let first_run = facets_of(&index);
    // A second run adds a segment.
    article(&corpus, "late.txt", "Intel shares fall", "Intel said.");
    summary(&index, &[corpus.to_str().unwrap()]);
    assert_eq!(facet_file_ids(&index), segment_ids(&index));
    let with_files = facets_of(&index);
    assert!(with_files[0][1]["company"].as_array().unwrap().len() >= 6);

    // Without the files, or with damaged ones, the columns give the same.
    let files: Vec<_> = facet_file_ids(&index)
        .iter()
        .map(|id| index.join(format!("search-facets-{id}.bin")))
        .collect();
    for file in &files {
        std::fs::remove_file(file).unwrap();
    }
    assert_eq!(facets_of(&index), with_files);
    for (i, file) in files.iter().enumerate() {
        let damaged: &[u8] = if i % 2 == 0 { b"SRCHFCT3 short" } else { b"" };
        std::fs::write(file, damaged).unwrap();
    }
    assert_eq!(facets_of(&index), with_files);

    // The next run, even with nothing to do, replaces them; files of
    // segments merged away go.
    summary(&index, &[corpus.to_str().unwrap()]);
    assert_eq!(facet_file_ids(&index), segment_ids(&index));
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        assert!(
            bytes.starts_with(b"SRCHFCT3") && bytes.len() > 14,
            "{file:?} rewritten"
        );
    }
    assert_eq!(facets_of(&index), with_files);

    // A name list in another order makes every file unusable (the columns
    // answer); the next run numbers the files by it. A lost list is made again.
    let names = index.join("search-facet-names.json");
    let mut list: Value = serde_json::from_slice(&std::fs::read(&names).unwrap()).unwrap();
    list["names"].as_array_mut().unwrap().reverse();
    std::fs::write(&names, serde_json::to_vec(&list).unwrap()).unwrap();
    let before = std::fs::read(&files[0]).unwrap();
    assert_eq!(facets_of(&index), with_files);
    summary(&index, &[corpus.to_str().unwrap()]);
    assert_ne!(std::fs::read(&files[0]).unwrap(), before, "renumbered");
    assert_eq!(facets_of(&index), with_files);
    std::fs::remove_file(&names).unwrap();
    assert_eq!(facets_of(&index), with_files);
    summary(&index, &[corpus.to_str().unwrap()]);
    assert!(names.exists());
    assert_eq!(facets_of(&index), with_files);

    // A damaged byte inside a file is found by the next run's checksum.
    let mut damaged = std::fs::read(&files[0]).unwrap();
    let last = damaged.len() - 1;
    damaged[last] ^= 0x40;
    std::fs::write(&files[0], &damaged).unwrap();
    summary(&index, &[corpus.to_str().unwrap()]);
    assert_ne!(std::fs::read(&files[0]).unwrap(), damaged, "replaced");

    std::fs::write(
        index.join("search-facets-00000000000000000000000000000000.bin"),
        b"old",
    )
    .unwrap();
    std::fs::remove_file(corpus.join("late.txt")).unwrap();
    summary(&index, &[corpus.to_str().unwrap()]);
    assert_eq!(facet_file_ids(&index), segment_ids(&index));
    assert_eq!(facets_of(&index), first_run);
}
