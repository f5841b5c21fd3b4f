//! Robustness of `search index` (issue 15): the file record always agrees
//! with the commit, file names are keyed by their exact bytes, re-runs from
//! another folder and vanished paths never drop articles silently, damaged
//! files are found. Each test builds its small corpus in a temporary folder
//! and drives the real binary.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// `search --index INDEX ARGS`, run in `cwd`.
fn search_in(cwd: &Path, index: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_search"))
        .current_dir(cwd)
        .env_remove("SEARCH_INDEX")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("SEARCH_TEST_STOP_AFTER_COMMIT")
        .arg("--index")
        .arg(index)
        .args(args)
        .output()
        .unwrap()
}

/// Runs `search index ARGS --json` in `cwd`; returns the exit code and summary.
fn index_in(cwd: &Path, index: &Path, args: &[&str]) -> (i32, Value) {
    let out = search_in(cwd, index, &[&["index"], args, &["--json"]].concat());
    let code = out.status.code().unwrap_or(-1);
    let summary = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "search index {args:?} printed no JSON (exit {code}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (code, summary)
}

/// The paths of the articles matching `words` (all of them, any order).
fn found(index: &Path, words: &str) -> Vec<String> {
    let out = search_in(
        Path::new("/"),
        index,
        &["query", words, "--json", "--limit", "100", "--no-collapse"],
    );
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "query {words}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut paths: Vec<String> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["path"].as_str().unwrap().to_string())
        .collect();
    paths.sort();
    paths
}

/// The number of articles in the index (every article has the word `article`).
fn total(index: &Path) -> usize {
    found(index, "article").len()
}

/// Writes a one-article text file: a headline, then a body with `words`.
fn article(path: &Path, headline: &str, words: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        path,
        format!("{headline}\n\nThis article is about {words}.\n"),
    )
    .unwrap();
}

/// A corpus folder `news` in a fresh temporary folder, and the index path.
fn corpus() -> (TempDir, PathBuf, PathBuf) {
    let tmp = TempDir::new().unwrap();
    let news = tmp.path().join("news");
    let index = tmp.path().join("idx");
    article(&news.join("a.txt"), "Alpha", "apples");
    article(&news.join("b.txt"), "Bravo", "bananas");
    article(&news.join("r.txt"), "Romeo", "radishes");
    (tmp, news, index)
}

/// Point 1: a run stopped between its commit and its record (the test hook)
/// leaves a record that agrees with the index: a file added by the lost run
/// and deleted afterwards goes, a file renamed twice is found once, a
/// reverted edit shows the reverted text.
#[test]
fn a_run_stopped_after_its_commit_leaves_no_stale_article() {
    let (tmp, news, index) = corpus();
    let (code, _) = index_in(tmp.path(), &index, &["news"]);
    assert_eq!(code, 0);
    // The lost run: an added file, an edit, a rename.
    article(&news.join("c.txt"), "Charlie", "cherries");
    article(&news.join("a.txt"), "Alpha", "avocados");
    std::fs::rename(news.join("r.txt"), news.join("r2.txt")).unwrap();
    let stopped = Command::new(env!("CARGO_BIN_EXE_search"))
        .current_dir(tmp.path())
        .env("SEARCH_TEST_STOP_AFTER_COMMIT", "1")
        .arg("--index")
        .arg(&index)
        .args(["index", "news"])
        .output()
        .unwrap();
    assert_eq!(stopped.status.code(), Some(86), "the hook stops the run");
    // The lost run's changes are undone or changed again.
    std::fs::remove_file(news.join("c.txt")).unwrap();
    article(&news.join("a.txt"), "Alpha", "apples");
    std::fs::rename(news.join("r2.txt"), news.join("r3.txt")).unwrap();
    let (code, summary) = index_in(tmp.path(), &index, &["news"]);
    assert_eq!(code, 0, "{summary}");
    assert_eq!(summary["total_articles"], 3, "{summary}");
    assert_eq!(found(&index, "cherries"), Vec::<String>::new());
    assert_eq!(found(&index, "avocados"), Vec::<String>::new());
    assert_eq!(found(&index, "apples"), vec!["news/a.txt"]);
    assert_eq!(found(&index, "radishes"), vec!["news/r3.txt"]);
    assert_eq!(total(&index), 3);
    // And a run after that changes nothing.
    let (_, again) = index_in(tmp.path(), &index, &["news"]);
    assert_eq!(again["unchanged"], 3, "{again}");
    assert_eq!(total(&index), 3);
}

/// Point 1: a record that does not describe the last commit (here the record
/// of the run before, put back) is detected and repaired by the next run.
#[test]
fn a_record_of_another_commit_is_detected_and_repaired() {
    let (tmp, news, index) = corpus();
    index_in(tmp.path(), &index, &["news"]);
    let old_record = std::fs::read(index.join("search-files.json")).unwrap();
    article(&news.join("c.txt"), "Charlie", "cherries");
    index_in(tmp.path(), &index, &["news"]);
    std::fs::write(index.join("search-files.json"), old_record).unwrap();
    std::fs::remove_file(news.join("c.txt")).unwrap();
    let (code, summary) = index_in(tmp.path(), &index, &["news"]);
    assert_eq!(code, 0, "{summary}");
    assert!(summary["repaired"].is_string(), "{summary}");
    assert_eq!(found(&index, "cherries"), Vec::<String>::new());
    assert_eq!(total(&index), 3);
}

/// Point 2: a name holding the four characters `\xff` and one holding the
/// byte 0xFF are two files.
#[cfg(unix)]
#[test]
fn a_name_spelling_a_byte_and_the_byte_itself_are_two_files() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = TempDir::new().unwrap();
    let news = tmp.path().join("news");
    article(&news.join("a\\xff.txt"), "Spelled", "escapes");
    let raw = std::ffi::OsStr::from_bytes(b"a\xff.txt");
    article(&news.join(raw), "Raw", "escapes");
    let index = tmp.path().join("idx");
    let (code, summary) = index_in(tmp.path(), &index, &["news"]);
    assert_eq!(code, 0, "{summary}");
    assert_eq!(summary["added"], 2, "{summary}");
    assert_eq!(summary["total_articles"], 2, "{summary}");
    assert_eq!(found(&index, "escapes").len(), 2);
    // Both are shown as `a\xff.txt`; removing one leaves the other.
    std::fs::remove_file(news.join(raw)).unwrap();
    let (_, summary) = index_in(tmp.path(), &index, &["news"]);
    assert_eq!(summary["removed"], 1, "{summary}");
    assert_eq!(summary["unchanged"], 1, "{summary}");
    assert_eq!(found(&index, "escapes"), vec!["news/a\\xff.txt"]);
}

/// Point 3: a re-run without PATH from a folder holding another `news/`
/// indexes the recorded folder, not the one beside it.
#[test]
fn a_rerun_from_another_folder_uses_the_recorded_paths() {
    let (tmp, news, index) = corpus();
    index_in(tmp.path(), &index, &["news"]);
    let elsewhere = tmp.path().join("elsewhere");
    article(&elsewhere.join("news/z.txt"), "Zulu", "zucchini");
    article(&news.join("c.txt"), "Charlie", "cherries");
    let (code, summary) = index_in(&elsewhere, &index, &[]);
    assert_eq!(code, 0, "{summary}");
    assert_eq!(summary["added"], 1, "{summary}");
    assert_eq!(summary["removed"], 0, "{summary}");
    assert_eq!(summary["unchanged"], 3, "{summary}");
    assert_eq!(found(&index, "zucchini"), Vec::<String>::new());
    assert_eq!(found(&index, "cherries"), vec!["news/c.txt"]);
    let meta: Value =
        serde_json::from_slice(&std::fs::read(index.join("search-meta.json")).unwrap()).unwrap();
    let recorded = meta["paths"][0].as_str().unwrap();
    assert!(Path::new(recorded).is_absolute(), "{meta}");
    assert_eq!(Path::new(recorded), news.canonicalize().unwrap(), "{meta}");
}

/// Point 3: a recorded folder that vanished or emptied keeps its articles,
/// with a one-line warning and exit code 1; `--prune` removes them, and so
/// does naming the folder again.
#[test]
fn a_vanished_folder_keeps_its_articles_until_pruned() {
    let (tmp, news, index) = corpus();
    let other = tmp.path().join("other");
    article(&other.join("o.txt"), "Oscar", "olives");
    index_in(tmp.path(), &index, &["news", "other"]);
    std::fs::rename(&news, tmp.path().join("unmounted")).unwrap();
    let out = search_in(tmp.path(), &index, &["index"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let warning: Vec<&str> = stderr.lines().filter(|l| l.contains("vanished")).collect();
    assert_eq!(warning.len(), 1, "{stderr}");
    assert!(warning[0].starts_with("search: warning: "), "{stderr}");
    assert!(warning[0].contains("3 article(s) are kept"), "{stderr}");
    assert_eq!(total(&index), 4);
    // An emptied folder is the same.
    std::fs::rename(tmp.path().join("unmounted"), &news).unwrap();
    let (code, summary) = index_in(tmp.path(), &index, &[]);
    assert_eq!((code, summary["unchanged"].as_u64()), (0, Some(4)));
    for name in ["a.txt", "b.txt", "r.txt"] {
        std::fs::remove_file(news.join(name)).unwrap();
    }
    let (code, summary) = index_in(tmp.path(), &index, &[]);
    assert_eq!(code, 1, "{summary}");
    assert_eq!(summary["kept"], 3, "{summary}");
    assert_eq!(total(&index), 4);
    // --prune removes them.
    let (code, summary) = index_in(tmp.path(), &index, &["--prune"]);
    assert_eq!(summary["removed"], 3, "{summary}");
    assert_eq!(code, 0, "{summary}");
    assert_eq!(total(&index), 1);
}

/// Point 3: naming the emptied folder again removes its articles.
#[test]
fn naming_an_emptied_folder_again_removes_its_articles() {
    let (tmp, news, index) = corpus();
    let other = tmp.path().join("other");
    article(&other.join("o.txt"), "Oscar", "olives");
    index_in(tmp.path(), &index, &["news", "other"]);
    for name in ["a.txt", "b.txt", "r.txt"] {
        std::fs::remove_file(news.join(name)).unwrap();
    }
    let (code, summary) = index_in(tmp.path(), &index, &["news", "other"]);
    assert_eq!(code, 0, "{summary}");
    assert_eq!(summary["removed"], 3, "{summary}");
    assert_eq!(total(&index), 1);
}

/// The company counts of the whole index.
fn company_counts(index: &Path) -> Value {
    let out = search_in(Path::new("/"), index, &["facets", "company", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout).unwrap()["counts"].clone()
}

/// The facet files of an index.
fn facet_files(index: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(index)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("search-facets-") && name.ends_with(".bin")
        })
        .collect()
}

/// Point 4: a facet file whose body is overwritten (header intact) is not
/// used: the counts are those of the columns.
#[test]
fn a_damaged_facet_file_never_changes_a_count() {
    let tmp = TempDir::new().unwrap();
    let news = tmp.path().join("news");
    article(&news.join("1.txt"), "One", "Microsoft and its software");
    article(&news.join("2.txt"), "Two", "Google and its search");
    article(
        &news.join("3.txt"),
        "Three",
        "Microsoft and Google together",
    );
    article(&news.join("4.txt"), "Four", "Apple and its phones");
    let index = tmp.path().join("idx");
    index_in(tmp.path(), &index, &["news", "--threads", "1"]);
    let files = facet_files(&index);
    assert!(!files.is_empty());
    // The columns' counts: without facet files, queries read the columns.
    let saved: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    for f in &files {
        std::fs::remove_file(f).unwrap();
    }
    let columns = company_counts(&index);
    assert!(columns.as_array().unwrap().len() >= 3, "{columns}");
    // Every company number in the body becomes 0; the header is left alone.
    for (f, bytes) in files.iter().zip(saved) {
        let mut bytes = bytes;
        let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        let (max_doc, values) = (word(8), word(16));
        let ords = 44 + 4 * (max_doc + 1);
        bytes[ords..ords + 4 * values].fill(0);
        std::fs::write(f, bytes).unwrap();
    }
    assert_eq!(company_counts(&index), columns);
    // `search check` names the file; the next `search index` rewrites it.
    let out = search_in(Path::new("/"), &index, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("search-facets-"));
    index_in(tmp.path(), &index, &[]);
    assert_eq!(
        search_in(Path::new("/"), &index, &["check"]).status.code(),
        Some(0)
    );
    assert_eq!(company_counts(&index), columns);
}

/// Point 6: one damage done to a fresh index of `corpus()`; then a query and
/// `search index` say so in one line (exit 2), `search check` lists it
/// (exit 1), and `search index --rebuild` starts over.
fn recovers_from(damage: impl Fn(&Path), check_says: &str) {
    let (tmp, _news, index) = corpus();
    index_in(tmp.path(), &index, &["news"]);
    assert_eq!(
        search_in(tmp.path(), &index, &["check"]).status.code(),
        Some(0)
    );
    damage(&index);
    for args in [&["query", "apples"][..], &["index"][..]] {
        let out = search_in(tmp.path(), &index, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("search: error: "), "{stderr}");
        assert!(stderr.contains("--rebuild"), "{args:?}: {stderr}");
        assert!(!stderr.contains("IoError {"), "{stderr}");
    }
    let out = search_in(tmp.path(), &index, &["check", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["ok"], false);
    let problems = report["problems"].to_string();
    assert!(problems.contains(check_says), "{problems}");
    let (code, summary) = index_in(tmp.path(), &index, &["--rebuild"]);
    assert_eq!(code, 0, "{summary}");
    assert_eq!(summary["total_articles"], 3, "{summary}");
    assert_eq!(found(&index, "apples"), vec!["news/a.txt"]);
    assert_eq!(
        search_in(tmp.path(), &index, &["check"]).status.code(),
        Some(0)
    );
}

/// The segment files of an index with this extension.
fn with_extension(index: &Path, ext: &str) -> Vec<PathBuf> {
    std::fs::read_dir(index)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect()
}

#[test]
fn a_lost_search_meta_is_recovered_by_rebuild() {
    recovers_from(
        |index| std::fs::remove_file(index.join("search-meta.json")).unwrap(),
        "search-meta.json",
    );
}

#[test]
fn a_garbled_search_meta_is_recovered_by_rebuild() {
    recovers_from(
        |index| std::fs::write(index.join("search-meta.json"), "{ garbled").unwrap(),
        "search-meta.json",
    );
}

#[test]
fn a_garbled_tantivy_meta_is_recovered_by_rebuild() {
    recovers_from(
        |index| std::fs::write(index.join("meta.json"), "{ garbled").unwrap(),
        "meta.json cannot be read",
    );
}

#[test]
fn a_deleted_store_file_is_recovered_by_rebuild() {
    recovers_from(
        |index| {
            for f in with_extension(index, "store") {
                std::fs::remove_file(f).unwrap();
            }
        },
        ".store: missing",
    );
}

#[test]
fn a_deleted_positions_file_is_recovered_by_rebuild() {
    recovers_from(
        |index| {
            for f in with_extension(index, "pos") {
                std::fs::remove_file(f).unwrap();
            }
        },
        ".pos: missing",
    );
}

/// Point 6: a segment file with flipped bytes fails tantivy's checksum.
#[test]
fn check_finds_a_flipped_byte_in_a_segment_file() {
    let (tmp, _news, index) = corpus();
    index_in(tmp.path(), &index, &["news"]);
    let store = &with_extension(&index, "store")[0];
    let mut bytes = std::fs::read(store).unwrap();
    bytes[0] ^= 0xff;
    std::fs::write(store, bytes).unwrap();
    let out = search_in(tmp.path(), &index, &["check"]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("checksum does not match"), "{stdout}");
    let (code, _) = index_in(tmp.path(), &index, &["--rebuild"]);
    assert_eq!(code, 0);
    assert_eq!(
        search_in(tmp.path(), &index, &["check"]).status.code(),
        Some(0)
    );
}

/// Point 7: every file of the index has the permissions the user's umask
/// gives a new file (tantivy's `meta.json` and `.managed.json` included),
/// so an index another user may read is readable whole.
#[cfg(unix)]
#[test]
fn index_files_follow_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let (tmp, news, index) = corpus();
    index_in(tmp.path(), &index, &["news"]);
    article(&news.join("c.txt"), "Charlie", "cherries");
    index_in(tmp.path(), &index, &["news"]);
    let probe = tmp.path().join("probe");
    std::fs::File::create(&probe).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let expected = mode(&probe);
    for entry in std::fs::read_dir(&index).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            assert_eq!(mode(&path), expected, "{}", path.display());
        }
    }
}

/// The number of articles a query counts (exit 1 counts 0).
fn count(index: &Path, query: &str) -> u64 {
    let out = search_in(
        Path::new("/"),
        index,
        &["query", query, "--json", "--limit", "0"],
    );
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "query {query}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout).unwrap()["total"]
        .as_u64()
        .unwrap()
}

/// Point 5: stop words are left out in query syntax as in plain queries:
/// `Yukos (the oil firm)` counts what `Yukos the oil firm` counts, and a
/// dangling `AND` or `OR` is the word `and`/`or`, a stop word.
#[test]
fn stop_words_count_the_same_with_and_without_syntax() {
    let tmp = TempDir::new().unwrap();
    let news = tmp.path().join("news");
    article(&news.join("1.txt"), "Yukos", "Yukos the oil firm");
    article(&news.join("2.txt"), "Oil", "an oil firm in growth");
    article(&news.join("3.txt"), "Growth", "growth of the economy");
    article(&news.join("4.txt"), "Other", "the weather and the sea");
    article(&news.join("5.txt"), "More", "the cinema or the theatre");
    let index = tmp.path().join("idx");
    index_in(tmp.path(), &index, &["news"]);
    let plain = count(&index, "Yukos the oil firm");
    assert_eq!(
        count(&index, "Yukos (the oil firm)"),
        count(&index, "Yukos (oil firm)")
    );
    assert!(
        count(&index, "Yukos (the oil firm)") <= 2,
        "the matches everything"
    );
    assert!(plain <= 2);
    assert_eq!(count(&index, "growth"), 2);
    assert_eq!(count(&index, "growth AND"), 2);
    assert_eq!(count(&index, "growth OR"), 2);
    assert_eq!(count(&index, "the OR growth"), 2);
    assert_eq!(count(&index, "title:the OR growth"), 2);
    // A quoted phrase keeps its stop words; a query of stop words only
    // matches them, as a plain one does.
    assert_eq!(count(&index, "\"the oil firm\""), 1);
    assert_eq!(count(&index, "the AND sea"), 1);
    assert_eq!(count(&index, "(the)"), count(&index, "the"));
}

/// Runs `search ARGS` in `cwd`; returns the exit code and stderr, which must
/// be one line starting `search: error: ` when the code is 2.
fn one_line_error(cwd: &Path, index: &Path, args: &[&str]) -> (i32, String) {
    let out = search_in(cwd, index, args);
    let code = out.status.code().unwrap_or(-1);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if code == 2 {
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("search: error: "), "{args:?}: {stderr}");
    }
    (code, stderr)
}

/// Point 9: every error is one line with the `search:` prefix, exit 2.
#[test]
fn errors_are_one_line() {
    let (tmp, _news, index) = corpus();
    index_in(tmp.path(), &index, &["news"]);
    let cases: &[&[&str]] = &[
        &["--bogus"],
        &["index", "--threads", "x"],
        &["query", "growth", "--limit", "many"],
        &["nosuchcommand"],
        &["query", "year:abc"],
        &["query", "\"\" \"\""],
        &["query", "apples", "--since", "2006", "--until", "2004"],
    ];
    for args in cases {
        let (code, stderr) = one_line_error(tmp.path(), &index, args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(!stderr.contains("ParseIntError"), "{stderr}");
    }
    let (_, stderr) = one_line_error(
        tmp.path(),
        &index,
        &["query", "apples", "--since", "2006", "--until", "2004"],
    );
    assert!(
        stderr.contains("no article can be in that range"),
        "{stderr}"
    );
    // --help and --version print as usual, exit 0.
    for flag in ["--help", "--version"] {
        let out = search_in(tmp.path(), &index, &[flag]);
        assert_eq!(out.status.code(), Some(0));
        assert!(!out.stdout.is_empty());
    }
}

/// Point 9: `--index` naming a file, or a folder of someone else's hidden
/// entries, is refused in one line and left alone.
#[test]
fn an_index_path_that_is_a_file_or_a_foreign_folder_is_refused() {
    let (tmp, _news, _index) = corpus();
    let file = tmp.path().join("notes.txt");
    std::fs::write(&file, "mine").unwrap();
    let (code, stderr) = one_line_error(tmp.path(), &file, &["index", "news"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is a file"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
    let hidden = tmp.path().join("repo");
    std::fs::create_dir_all(hidden.join(".git")).unwrap();
    let (code, stderr) = one_line_error(tmp.path(), &hidden, &["index", "news"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a search index"), "{stderr}");
    assert_eq!(std::fs::read_dir(&hidden).unwrap().count(), 1);
}

/// Point 9: named pipes, given as a file or found in a folder, are skipped
/// with a warning and never opened (opening one would block the run).
#[cfg(unix)]
#[test]
fn named_pipes_are_skipped_with_a_warning() {
    let (tmp, news, index) = corpus();
    let mkfifo = |p: &Path| {
        let ok = std::process::Command::new("mkfifo")
            .arg(p)
            .status()
            .unwrap();
        assert!(ok.success());
    };
    mkfifo(&news.join("pipe.txt"));
    let alone = tmp.path().join("alone.txt");
    mkfifo(&alone);
    let out = search_in(tmp.path(), &index, &["index", "news"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("news/pipe.txt: not a regular file"),
        "{stderr}"
    );
    assert_eq!(total(&index), 3);
    let other = tmp.path().join("idx2");
    let (code, stderr) = one_line_error(tmp.path(), &other, &["index", "alone.txt"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("alone.txt: not a regular file"), "{stderr}");
}

/// Point 9: the count line cuts a huge query instead of echoing it.
#[test]
fn the_count_line_cuts_a_long_query() {
    let (tmp, _news, index) = corpus();
    index_in(tmp.path(), &index, &["news"]);
    let long = format!("apples {}", "zzz ".repeat(20_000));
    let out = search_in(tmp.path(), &index, &["query", &long, "--match", "any"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.contains("matching article"))
        .unwrap_or_else(|| panic!("no count line: {stdout}"));
    assert!(line.len() < 300, "{} bytes", line.len());
}

/// Point 8: a folder tree 2,000 levels deep is indexed, and indexed again,
/// in time linear in its size: the second run (nothing changed) takes not
/// much longer than the first.
#[test]
fn a_very_deep_tree_is_walked_in_linear_time() {
    let tmp = TempDir::new().unwrap();
    // A hundred levels at a time, with an article at each hundredth level.
    let mut at = tmp.path().join("deep");
    std::fs::create_dir(&at).unwrap();
    let mut depth = 0;
    while depth < 2_000 {
        let chunk: PathBuf = std::iter::repeat_n("d", 100).collect();
        let full = at.join(&chunk);
        std::fs::create_dir_all(&full).unwrap();
        article(&full.join("a.txt"), "Deep", &format!("depth {depth}"));
        at = full;
        depth += 100;
    }
    let index = tmp.path().join("idx");
    let timed = || {
        let started = std::time::Instant::now();
        let (code, summary) = index_in(tmp.path(), &index, &["deep"]);
        assert_eq!(code, 0, "{summary}");
        (started.elapsed().as_secs_f64(), summary)
    };
    let (first, summary) = timed();
    assert_eq!(summary["total_articles"], 20, "{summary}");
    let (second, summary) = timed();
    assert_eq!(summary["unchanged"], 20, "{summary}");
    assert!(
        second < 3.0 * first + 1.0,
        "first run {first:.2} s, second {second:.2} s"
    );
}

/// Point 7: another user can search an index the umask lets them read.
/// Needs root (to run the query as `nobody` with `setpriv`); elsewhere it
/// says so and checks nothing more than `index_files_follow_the_umask`.
#[cfg(unix)]
#[test]
fn another_user_can_search_the_index() {
    use std::os::unix::fs::PermissionsExt;
    let root = std::process::Command::new("id").arg("-u").output().unwrap();
    let setpriv = Path::new("/usr/bin/setpriv");
    if String::from_utf8_lossy(&root.stdout).trim() != "0" || !setpriv.exists() {
        eprintln!("skipped: needs root and setpriv");
        return;
    }
    let (tmp, _news, index) = corpus();
    index_in(tmp.path(), &index, &["news"]);
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = std::process::Command::new(setpriv)
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_search"))
        .arg("--index")
        .arg(&index)
        .args(["query", "apples", "--json"])
        .current_dir("/")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"], 1);
    // Writing is refused in one line naming the file and the reason.
    let out = std::process::Command::new(setpriv)
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_search"))
        .arg("--index")
        .arg(&index)
        .arg("index")
        .current_dir("/")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("Permission denied"), "{stderr}");
    assert!(stderr.contains(".search-writer.lock"), "{stderr}");
    assert!(!stderr.contains("Os {"), "{stderr}");
}

/// The repository's `index/` holds an empty `.gitkeep`: the default index
/// folder is accepted as a new index (the README's quick start), while a
/// folder with any other hidden entry is not.
#[test]
fn an_index_folder_with_only_a_gitkeep_is_new() {
    let tmp = TempDir::new().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let index = tmp.path().join("index");
    std::fs::create_dir(&index).unwrap();
    std::fs::write(index.join(".gitkeep"), "").unwrap();
    let out = search_in(repo, &index, &["index", "seeds", "-q"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(index.join(".gitkeep").exists(), "the placeholder stays");
    let out = search_in(repo, &index, &["index", "seeds", "--rebuild", "-q"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let other = tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join(".gitkeep"), "not empty").unwrap();
    let out = search_in(repo, &other, &["index", "seeds", "-q"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not empty and is not a search index"));
}
