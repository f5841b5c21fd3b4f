//! Integration tests of the command-line conventions of issue 18: ignore
//! files and excludes, `show`, JSON lines, completions and the man page,
//! terminal width, quiet and verbose, and the smaller output fixes.

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::Value;
use tempfile::TempDir;

mod common;
use common::{run_json, search};

/// Writes `files` (path, text) below `root`.
fn tree(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

fn article(title: &str, body: &str) -> String {
    format!("{title}\n\n{body}\n")
}

fn stdout_of(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Whether a program can be run (`prog --version`).
fn installed(prog: &str, arg: &str) -> bool {
    std::process::Command::new(prog)
        .arg(arg)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok()
}

// ---------------------------------------------------------------- walking

#[test]
fn ignore_files_and_excludes_are_honoured_and_counted() {
    let tmp = TempDir::new().unwrap();
    let corpus = tmp.path().join("news");
    let a = article("Amazon cuts jobs in Seattle", "Amazon said on Monday.");
    tree(
        &corpus,
        &[
            (".gitignore", "README.TXT\n"),
            (".searchignore", "drafts/\n"),
            ("world/.ignore", "*.md\n"),
            ("README.TXT", "About this corpus: one article per file."),
            ("a.txt", &a),
            ("drafts/1.txt", &a),
            ("drafts/2.txt", &a),
            ("world/n.md", &a),
            ("world/n.txt", &a),
            ("old/x.txt", &a),
            ("old/y.txt", &a),
        ],
    );
    let index = tmp.path().join("idx");
    let corpus_arg = corpus.to_str().unwrap();
    let s = run_json(
        &index,
        &["index", corpus_arg, "--exclude", "old/", "--rebuild"],
    );
    assert_eq!(s["indexed"], 2, "{s}");
    // README.TXT, drafts, old, world/n.md: a folder counts once.
    assert_eq!(s["excluded"], 4, "{s}");

    // The human summary says so, and -v names each one.
    let out = search(&index)
        .args(["index", corpus_arg, "--exclude", "old/", "--rebuild", "-v"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stdout.contains("4 excluded"), "{stdout}");
    for name in ["README.TXT", "drafts", "old", "n.md"] {
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with("search: excluded: ") && l.contains(name)),
            "{name} not listed: {stderr}"
        );
    }

    // --no-ignore reads everything; --exclude still applies.
    let s = run_json(&index, &["index", corpus_arg, "--no-ignore", "--rebuild"]);
    assert_eq!(s["indexed"], 8, "{s}");
    assert_eq!(s["excluded"], 0, "{s}");
    let s = run_json(
        &index,
        &[
            "index",
            corpus_arg,
            "--no-ignore",
            "--exclude",
            "*.md",
            "--exclude",
            "old",
            "--rebuild",
        ],
    );
    assert_eq!(s["indexed"], 5, "{s}");
    assert_eq!(s["excluded"], 2, "{s}");

    // A bad glob is a usage error.
    search(&index)
        .args(["index", corpus_arg, "--exclude", "a[", "--rebuild"])
        .assert()
        .code(2)
        .stderr(predicates::str::starts_with(
            "search: error: --exclude `a[`",
        ));
}

#[test]
fn a_deep_tree_is_walked_without_resolving_every_path() {
    let tmp = TempDir::new().unwrap();
    let corpus = tmp.path().join("c");
    // 1,200 levels with an article at each. Resolving the full path of every
    // folder and file (as the walkdir loop did) took about a minute here
    // (4 minutes at 1,900 levels); identity by device and inode a few seconds.
    std::fs::create_dir(&corpus).unwrap();
    let mut deep = corpus.clone();
    for level in 0..1_200 {
        deep.push("d");
        std::fs::create_dir(&deep).unwrap();
        let text = article(
            &format!("Level {level}"),
            &format!("Text at level {level}."),
        );
        std::fs::write(deep.join("f.txt"), text).unwrap();
    }
    let index = tmp.path().join("idx");
    let started = Instant::now();
    let s = run_json(&index, &["index", corpus.to_str().unwrap()]);
    let took = started.elapsed();
    assert_eq!(s["indexed"], 1_200, "{s}");
    assert!(took.as_secs() < 30, "{took:?}");
}

#[test]
fn a_file_reached_twice_is_read_once_and_the_index_is_never_read() {
    let tmp = TempDir::new().unwrap();
    let corpus = tmp.path().join("news");
    tree(
        &corpus,
        &[("a.txt", &article("Only once", "Read one time."))],
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink(corpus.join("a.txt"), corpus.join("b.txt")).unwrap();
    // The index inside the corpus.
    let index = corpus.join("idx");
    let corpus_arg = corpus.to_str().unwrap();
    let s = run_json(&index, &["index", corpus_arg, corpus_arg]);
    assert_eq!(s["indexed"], 1, "{s}");
    assert_eq!(s["excluded"], 0, "{s}");
    let s = run_json(&index, &["index", corpus_arg]);
    assert_eq!(s["unchanged"], 1, "{s}");
}

/// An index of the seeds and tests/data/news, built once per test.
fn indexed() -> (TempDir, PathBuf) {
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("idx");
    search(&index)
        .args(["index", "seeds", "tests/data/news", "-q"])
        .assert()
        .success();
    (tmp, index)
}

// ---------------------------------------------------------------- show

#[test]
fn show_by_id_and_by_path() {
    let (_tmp, index) = indexed();
    let by_id = stdout_of(search(&index).args(["show", "wire-1"]));
    let lines: Vec<&str> = by_id.lines().collect();
    assert_eq!(
        lines[0], "AWS outage takes down thousands of sites",
        "{by_id}"
    );
    assert!(by_id.contains("\nid         wire-1\n"), "{by_id}");
    assert!(
        by_id.contains("\ndate       2025-10-20 (metadata: given by the input's fields)\n"),
        "{by_id}"
    );
    assert!(by_id.contains("\ncompanies  Amazon\n"), "{by_id}");
    assert!(
        by_id.contains("\nurl        https://example.com/wire-1\n"),
        "{by_id}"
    );
    assert!(by_id.contains("\nsource     Example Wire\n"), "{by_id}");
    assert!(
        by_id.contains("\nAmazon Web Services suffered its longest outage"),
        "{by_id}"
    );
    // Piped: no pager and no colour.
    assert!(!by_id.contains('\u{1b}'));

    // By path: every article of the file, in index order; JSON has the full text.
    let v: Value = serde_json::from_str(&stdout_of(search(&index).args([
        "show",
        "tests/data/news/wires.jsonl",
        "--json",
    ])))
    .unwrap();
    let articles = v.as_array().unwrap();
    assert!(articles.len() >= 3, "{v}");
    assert!(articles
        .iter()
        .all(|a| a["path"] == "tests/data/news/wires.jsonl"));
    assert_eq!(articles[0]["id"], "wire-1");
    assert_eq!(articles[0]["date_source"], "metadata");
    assert!(articles[0]["text"]
        .as_str()
        .unwrap()
        .starts_with("Amazon Web Services"));
    // ./ in front is the same path.
    let one: Value = serde_json::from_str(&stdout_of(search(&index).args([
        "show",
        "./tests/data/news/essay.md",
        "--json",
    ])))
    .unwrap();
    assert_eq!(one[0]["title"], "The four-day week, one year on");

    search(&index)
        .args(["show", "no-such-article"])
        .assert()
        .code(2)
        .stderr(predicates::str::starts_with(
            "search: error: no article with id or path `no-such-article`",
        ));
}

#[test]
fn show_marks_detected_companies_and_inferred_dates() {
    let (_tmp, index) = indexed();
    let v: Value = serde_json::from_str(&stdout_of(
        search(&index).args(["query", "--json", "-n", "50"]),
    ))
    .unwrap();
    // An article whose companies include one found by cues, if the fixtures have one.
    let hits = v["hits"].as_array().unwrap();
    let detected = hits
        .iter()
        .find(|h| !h["detected_companies"].as_array().unwrap().is_empty());
    if let Some(hit) = detected {
        let name = hit["detected_companies"][0].as_str().unwrap();
        let text = stdout_of(search(&index).args(["show", hit["id"].as_str().unwrap()]));
        assert!(text.contains(&format!("{name}?")), "{text}");
        assert!(text.contains("(? found by corporate cues"), "{text}");
    }
    let explicit = hits
        .iter()
        .find(|h| h["date_source"] == "explicit")
        .unwrap();
    let text = stdout_of(search(&index).args(["show", explicit["id"].as_str().unwrap()]));
    assert!(text.contains("(explicit: stated in the text)"), "{text}");
}

// ---------------------------------------------------------------- JSON lines

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

#[test]
fn query_facets_and_index_write_json_lines() {
    let (_tmp, index) = indexed();
    let whole: Value = serde_json::from_str(&stdout_of(
        search(&index).args(["query", "amazon", "--json"]),
    ))
    .unwrap();
    let lines = json_lines(&stdout_of(
        search(&index).args(["query", "amazon", "--jsonl"]),
    ));
    let hits = whole["hits"].as_array().unwrap();
    assert_eq!(lines.len(), hits.len() + 2);
    for (line, hit) in lines.iter().zip(hits) {
        assert_eq!(line["type"], "hit");
        assert_eq!(line["id"], hit["id"]);
        assert_eq!(line["snippet"], hit["snippet"]);
    }
    let facets = &lines[hits.len()];
    assert_eq!(facets["type"], "facets");
    assert_eq!(facets["company"], whole["facets"]["company"]);
    let summary = &lines[hits.len() + 1];
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["total"], whole["total"]);
    assert_eq!(summary["hits"], hits.len());

    // Written page by page: the same hits, ranks and summary as one search.
    for (offset, page) in [("0", "2"), ("1", "3"), ("0", "1000")] {
        let args = ["query", "--sort", "date", "-n", "7", "--offset", offset];
        let whole: Value =
            serde_json::from_str(&stdout_of(search(&index).args(args).arg("--json"))).unwrap();
        let paged = json_lines(&stdout_of(search(&index).args(args).args([
            "--jsonl",
            "--page-size",
            page,
        ])));
        let hits = whole["hits"].as_array().unwrap();
        assert_eq!(hits.len(), 7);
        assert_eq!(paged.len(), 9, "{paged:?}");
        for (line, hit) in paged.iter().zip(hits) {
            assert_eq!(line["rank"], hit["rank"]);
            assert_eq!(line["id"], hit["id"]);
        }
        let summary = &paged[8];
        assert_eq!(summary["hits"], 7);
        assert_eq!(summary["limit"], 7);
        assert_eq!(summary["total"], whole["total"]);
        assert_eq!(paged[7]["year"], whole["facets"]["year"]);
    }

    let lines = json_lines(&stdout_of(
        search(&index).args(["facets", "year", "--jsonl"]),
    ));
    let (summary, counts) = lines.split_last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["values"], counts.len());
    assert!(counts
        .iter()
        .all(|c| c["type"] == "count" && c["facet"] == "year"));

    // index: a line per warning as it happens, then the summary.
    let tmp = TempDir::new().unwrap();
    let corpus = tmp.path().join("c");
    tree(
        &corpus,
        &[
            ("good.txt", &article("A good article", "With some text.")),
            ("bad.json", "{oops"),
            ("empty.txt", ""),
        ],
    );
    let out = search(&tmp.path().join("idx"))
        .args(["index", corpus.to_str().unwrap(), "--jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines = json_lines(&String::from_utf8(out.stdout).unwrap());
    let (summary, warnings) = lines.split_last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["indexed"], 1);
    let mut kinds: Vec<&str> = warnings
        .iter()
        .map(|w| {
            assert_eq!(w["type"], "warning");
            assert_eq!(w["skipped"], true);
            w["kind"].as_str().unwrap()
        })
        .collect();
    kinds.sort();
    assert_eq!(kinds, ["empty", "invalid JSON"]);
}

// ---------------------------------------------------------------- completions and man

#[test]
fn completions_parse_in_their_shells() {
    let dir = TempDir::new().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(search(dir.path()).args(["completions", shell]));
        assert!(script.contains("search"), "{shell}");
        assert!(
            script.contains("eval-companies"),
            "{shell}: subcommands listed"
        );
        let file = dir.path().join(format!("search.{shell}"));
        std::fs::write(&file, &script).unwrap();
        let check: Option<(&str, Vec<&str>)> = match shell {
            "bash" => Some(("bash", vec!["-n"])),
            "zsh" => Some(("zsh", vec!["-n"])),
            "fish" => Some(("fish", vec!["--no-execute"])),
            _ => None,
        };
        let Some((prog, args)) = check else { continue };
        if !installed(prog, "--version") {
            eprintln!("{prog} is not installed: the {shell} script is not parsed");
            continue;
        }
        let status = std::process::Command::new(prog)
            .args(&args)
            .arg(&file)
            .status()
            .unwrap();
        assert!(
            status.success(),
            "{prog} {args:?} rejects the {shell} script"
        );
    }
}

#[test]
fn man_pages_render() {
    let dir = TempDir::new().unwrap();
    for page in [None, Some("index"), Some("show")] {
        let mut cmd = search(dir.path());
        cmd.arg("man");
        if let Some(sub) = page {
            cmd.arg(sub);
        }
        let roff = stdout_of(&mut cmd);
        assert!(roff.starts_with(".ie") || roff.contains(".TH"), "{roff}");
        let file = dir.path().join("search.1");
        std::fs::write(&file, &roff).unwrap();
        let mut checked = false;
        if installed("mandoc", "-V") {
            let out = std::process::Command::new("mandoc")
                .args(["-T", "lint", "-W", "error"])
                .arg(&file)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stdout)
            );
            checked = true;
        }
        if installed("man", "--version") {
            let out = std::process::Command::new("man")
                .arg("-l")
                .arg(&file)
                .env("MANPAGER", "cat")
                .env("MANWIDTH", "80")
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let text = String::from_utf8_lossy(&out.stdout);
            match page {
                None => assert!(text.contains("completions"), "{text}"),
                Some("index") => assert!(text.contains("--exclude"), "{text}"),
                Some(_) => assert!(text.contains("--json"), "{text}"),
            }
            checked = true;
        }
        if !checked {
            eprintln!("neither mandoc nor man is installed: the man page is not rendered");
        }
    }
    search(dir.path())
        .args(["man", "nope"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no subcommand `nope`"));
}

// ---------------------------------------------------------------- terminal width

fn display_width(s: &str) -> usize {
    search::term::display_width(s)
}

/// ` 1. Title`: a hit's first line.
fn is_title(line: &str) -> bool {
    line.get(2..4) == Some(". ") && line.chars().nth(1).is_some_and(|c| c.is_ascii_digit())
}

#[test]
fn output_wraps_to_columns_at_word_boundaries() {
    let (_tmp, index) = indexed();
    let args = ["query", "amazon", "-n", "3"];
    let unwrapped = stdout_of(search(&index).args(args));
    // Piped without COLUMNS: not wrapped (some lines are longer than 100).
    assert!(unwrapped.lines().any(|l| display_width(l) > 100));
    // The words of the hits (titles aside: they are cut), up to the count line.
    let words = |s: &str| -> Vec<String> {
        s.lines()
            .take_while(|l| !l.contains("matching article"))
            .filter(|l| !is_title(l))
            .flat_map(|l| l.split_whitespace().map(str::to_string).collect::<Vec<_>>())
            .collect()
    };
    for columns in [40, 100] {
        let wrapped = stdout_of(
            search(&index)
                .args(args)
                .env("COLUMNS", columns.to_string()),
        );
        for line in wrapped.lines() {
            assert!(display_width(line) <= columns, "{columns}: {line:?}");
        }
        assert!(wrapped.lines().count() > unwrapped.lines().count());
        assert_eq!(words(&wrapped), words(&unwrapped), "{columns} columns");
        // No line starts with a separator.
        assert!(
            wrapped.lines().all(|l| !l.trim_start().starts_with('·')),
            "{wrapped}"
        );
    }
}

#[test]
fn long_titles_end_in_an_ellipsis_by_display_width() {
    let tmp = TempDir::new().unwrap();
    let corpus = tmp.path().join("c");
    let cjk = "東京株式市場で日経平均株価が大幅に値上がりし半導体関連の銘柄が買われた";
    tree(
        &corpus,
        &[
            (
                "cjk.json",
                &format!(r#"{{"title":"{cjk}","body":"Sony shares rose in Tokyo. 株式"}}"#),
            ),
            (
                "emoji.json",
                r#"{"title":"🚀🚀🚀 Rocket makers race to launch as Sony shares rise","body":"Sony shares rose."}"#,
            ),
        ],
    );
    let index = tmp.path().join("idx");
    search(&index)
        .args(["index", corpus.to_str().unwrap(), "-q"])
        .assert()
        .success();
    let out = stdout_of(search(&index).args(["query", "sony"]).env("COLUMNS", "40"));
    let titles: Vec<&str> = out.lines().filter(|l| is_title(l)).collect();
    assert_eq!(titles.len(), 2, "{out}");
    for title in titles {
        assert!(title.ends_with('…'), "{title}");
        assert!(
            display_width(title) <= 40,
            "{title}: {}",
            display_width(title)
        );
        // Cut at a space when there is one in the second half, else by column.
        assert!(
            display_width(title) > 30,
            "{title}: {}",
            display_width(title)
        );
    }
}

// ---------------------------------------------------------------- colour, quiet, verbose

#[test]
fn warnings_are_yellow_on_request_and_plain_otherwise() {
    let tmp = TempDir::new().unwrap();
    let corpus = tmp.path().join("c");
    tree(
        &corpus,
        &[("a.txt", &article("An article", "Text.")), ("e.txt", "")],
    );
    let index = tmp.path().join("idx");
    let arg = corpus.to_str().unwrap();
    let out = search(&index)
        .args(["index", arg, "--color", "always"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("\u{1b}[33msearch: warning:\u{1b}[0m "),
        "{stderr:?}"
    );
    let out = search(&index)
        .args(["index", arg, "--rebuild"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.starts_with("search: warning: "), "{stderr:?}");
    assert!(!stderr.contains('\u{1b}'));
    // Errors are red with colour, one plain line without.
    let out = search(&tmp.path().join("none"))
        .args(["query", "x", "--color", "always"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("\u{1b}[1m\u{1b}[31msearch: error:\u{1b}[0m "),
        "{stderr:?}"
    );
}

#[test]
fn quiet_and_verbose_mean_the_same_everywhere() {
    let (_tmp, index) = indexed();
    let quiet = stdout_of(search(&index).args(["-q", "query", "amazon"]));
    assert!(!quiet.contains("matching article"), "{quiet}");
    assert!(!quiet.contains("companies "), "{quiet}");
    assert!(quiet.starts_with(" 1. "), "{quiet}");
    let quiet = stdout_of(search(&index).args(["facets", "year", "--quiet"]));
    assert!(!quiet.contains("matching article"), "{quiet}");
    let out = search(&index)
        .args(["query", "amazon", "-v"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.starts_with("search: searched "), "{stderr}");
    let out = search(&index)
        .args(["show", "wire-1", "-v"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("search: 1 article found by id"),
        "{stderr}"
    );
    let out = search(&index).args(["index", "-q"]).output().unwrap();
    assert!(out.stdout.is_empty());
    search(&index)
        .args(["query", "x", "-q", "-v"])
        .assert()
        .code(2);
}

// ---------------------------------------------------------------- smaller points

#[test]
fn count_lines_read_well() {
    let (_tmp, index) = indexed();
    let out = stdout_of(search(&index).args(["query", "\"return to office\"", "-n", "0"]));
    assert!(out.contains(" for \"return to office\" "), "{out}");
    assert!(!out.contains("\"\""), "{out}");
    let out = stdout_of(search(&index).args([
        "query",
        "amazon",
        "--since",
        "2025-01-01",
        "--until",
        "2025-03-31",
        "-n",
        "0",
    ]));
    assert!(out.contains("(2025-01-01 to 2025-03-31"), "{out}");
    let out = stdout_of(search(&index).args([
        "query", "amazon", "--since", "2024", "--until", "2025", "-n", "0",
    ]));
    assert!(out.contains("(years 2024-2025"), "{out}");
    let out = stdout_of(search(&index).args(["query", "amazon", "--facet-limit", "0", "-n", "0"]));
    assert!(!out.contains("companies"), "{out}");
    assert!(out.contains("\nyears "), "{out}");
}

#[test]
fn facets_year_is_oldest_first_in_every_format() {
    let (_tmp, index) = indexed();
    let human = stdout_of(search(&index).args(["facets", "year"]));
    let human: Vec<String> = human
        .lines()
        .filter(|l| !l.contains("matching"))
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect();
    let v: Value = serde_json::from_str(&stdout_of(
        search(&index).args(["facets", "year", "--json"]),
    ))
    .unwrap();
    let json: Vec<String> = v["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(human, json);
    let years: Vec<u32> = json.iter().filter_map(|y| y.parse().ok()).collect();
    assert!(
        years.len() >= 2 && years.windows(2).all(|w| w[0] < w[1]),
        "{json:?}"
    );
}

#[test]
fn eval_companies_without_the_corpus_says_what_is_missing() {
    let dir = TempDir::new().unwrap();
    search(dir.path())
        .args(["eval-companies", "--corpus", "/nonexistent"])
        .assert()
        .code(2)
        .stderr(predicates::str::starts_with(
            "search: error: the labelled corpus is missing: /nonexistent is not a folder, and 45 of the articles labelled",
        ));
}

/// Runs `command` (a shell line) on a pseudo-terminal with `script`, if
/// installed, and returns what the terminal showed.
fn on_terminal(command: &str) -> Option<String> {
    if !installed("script", "--version") {
        eprintln!("script is not installed: the terminal behaviour is not checked");
        return None;
    }
    let out = std::process::Command::new("script")
        .args(["-qec", command, "/dev/null"])
        .env_remove("CLICOLOR_FORCE")
        .env_remove("COLUMNS")
        .output()
        .unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{command}: {out:?}"
    );
    Some(String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n"))
}

#[test]
fn on_a_terminal_show_is_paged_and_coloured_unless_no_color() {
    let (_tmp, index) = indexed();
    let bin = env!("CARGO_BIN_EXE_search");
    let index = index.to_str().unwrap();
    let repo = common::repo();
    let run = |env: &str, args: &str| {
        on_terminal(&format!(
            "cd {repo:?} && {env} {bin} --index {index:?} {args}"
        ))
    };
    let Some(paged) = run("PAGER='sed s/^/PAGED:/'", "show wire-1") else {
        return;
    };
    assert!(paged.starts_with("PAGED:"), "{paged:?}");
    assert!(paged.contains("PAGED:\u{1b}[1mAWS outage"), "{paged:?}");
    let plain = run("NO_COLOR=1 PAGER=cat", "show wire-1").unwrap();
    assert!(
        plain.starts_with("AWS outage takes down thousands of sites\n"),
        "{plain:?}"
    );
    assert!(!plain.contains('\u{1b}'), "{plain:?}");
    // Warnings on a terminal are yellow; with NO_COLOR plain.
    let warned = run("", "query --company Amazn").unwrap();
    assert!(warned.contains("\u{1b}[33msearch: warning:"), "{warned:?}");
    let warned = run("NO_COLOR=1", "query --company Amazn").unwrap();
    assert!(
        warned.contains("search: warning: no article mentions"),
        "{warned:?}"
    );
    assert!(!warned.contains('\u{1b}'), "{warned:?}");
}

#[test]
fn the_index_summary_fits_the_width() {
    let tmp = TempDir::new().unwrap();
    let index = tmp.path().join("idx");
    let args = ["index", "seeds", "tests/data/messy", "--rebuild"];
    let piped = stdout_of(search(&index).args(args));
    assert_eq!(piped.lines().count(), 1, "{piped}");
    assert!(display_width(&piped) > 100);
    for columns in [40, 100] {
        let wrapped = stdout_of(
            search(&index)
                .args(args)
                .env("COLUMNS", columns.to_string()),
        );
        assert!(wrapped.lines().count() > 1);
        assert!(
            wrapped.lines().all(|l| display_width(l) <= columns),
            "{wrapped}"
        );
        // Broken between words only: the same words (times aside).
        let words = |s: &str| -> Vec<String> {
            s.split_whitespace()
                .filter(|w| !w.starts_with(|c: char| c.is_ascii_digit()))
                .map(str::to_string)
                .collect()
        };
        assert_eq!(words(&wrapped), words(&piped), "{wrapped}");
    }
}

#[test]
fn json_lines_walk_pages_with_a_cursor_as_one_search_ranks() {
    let (_tmp, index) = indexed();
    // Pages of 1 and 2 hits walked by the search-after cursor: every hit,
    // rank and score of one search, by relevance (ties, the all-words rule)
    // and by date, for plain words and for query syntax.
    for text in [
        "amazon layoffs",
        "interest rates",
        "amazon OR \"cloud\"",
        "the",
    ] {
        for sort in ["relevance", "date"] {
            let args = ["query", text, "--sort", sort, "-n", "40"];
            let whole: Value =
                serde_json::from_str(&stdout_of(search(&index).args(args).arg("--json"))).unwrap();
            let hits = whole["hits"].as_array().unwrap();
            assert!(hits.len() >= 2, "{text}: {}", hits.len());
            for page in ["1", "2"] {
                let paged = json_lines(&stdout_of(search(&index).args(args).args([
                    "--jsonl",
                    "--page-size",
                    page,
                ])));
                assert_eq!(paged.len(), hits.len() + 2, "{text} {sort} {page}");
                for (line, hit) in paged.iter().zip(hits) {
                    assert_eq!(
                        (&line["rank"], &line["id"], &line["score"]),
                        (&hit["rank"], &hit["id"], &hit["score"]),
                        "{text} {sort} {page}"
                    );
                }
                let summary = paged.last().unwrap();
                assert_eq!(summary["total"], whole["total"]);
                assert_eq!(summary["partial"], whole["partial"]);
            }
        }
    }
}

#[test]
fn json_lines_end_quietly_when_the_reader_stops() {
    let (_tmp, index) = indexed();
    // A page per hit; a reader that stops after the first line ends the run
    // quietly (exit 0, nothing on stderr). This does not show that the line
    // came before the others were read: the whole output fits in the pipe.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_search"))
        .current_dir(common::repo())
        .arg("--index")
        .arg(&index)
        .args(["query", "--jsonl", "-n", "11", "--page-size", "1"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut first).unwrap();
    let hit: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(hit["type"], "hit");
    assert_eq!(hit["rank"], 1);
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert!(matches!(out.status.code(), Some(0)), "{out:?}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
