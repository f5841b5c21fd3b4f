//! Integration tests for dates from evidence and clean text: the real
//! `search` binary on small fixtures written into a temporary folder.

use std::path::Path;

use serde_json::Value;
use tempfile::TempDir;

mod common;
use common::{run_json, search};

/// Writes `files` (path relative to the corpus, content) under `dir/corpus`,
/// indexes that folder into `dir/idx` and returns every article as JSON hits.
fn index_files(dir: &TempDir, files: &[(&str, &str)]) -> Vec<Value> {
    let corpus = dir.path().join("corpus");
    for (path, text) in files {
        let path = corpus.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    search(&dir.path().join("idx"))
        .arg("index")
        .arg(&corpus)
        .assert()
        .success();
    let v = run_json(
        &dir.path().join("idx"),
        &["query", "-n", "100", "--no-collapse"],
    );
    v["hits"].as_array().unwrap().clone()
}

fn hit<'a>(hits: &'a [Value], path_end: &str) -> &'a Value {
    hits.iter()
        .find(|h| h["path"].as_str().unwrap().ends_with(path_end))
        .unwrap_or_else(|| panic!("no article from {path_end} in {hits:#?}"))
}

fn date_of(hits: &[Value], path_end: &str) -> (Value, Value, String) {
    let h = hit(hits, path_end);
    (
        h["date"].clone(),
        h["year"].clone(),
        h["date_source"].as_str().unwrap().to_string(),
    )
}

fn idx(dir: &TempDir) -> std::path::PathBuf {
    dir.path().join("idx")
}

#[test]
fn a_year_mentioned_in_the_text_never_sets_the_year() {
    let dir = TempDir::new().unwrap();
    let hits = index_files(
        &dir,
        &[(
            "futures.txt",
            "Phones printed on wrists by the end of the decade\n\n\
             In 2020, making a call will be quaintly old. Trading closed at 1800 GMT, \
             the lowest since 1948, and output from 2007 will double. Sales fell in 2004.\n",
        )],
    );
    assert_eq!(
        date_of(&hits, "futures.txt"),
        (Value::Null, Value::Null, "unknown".into())
    );
    let f = run_json(&idx(&dir), &["facets", "year"]);
    assert_eq!(f["counts"][0]["value"], "unknown");
    assert_eq!(f["counts"].as_array().unwrap().len(), 1);
}

#[test]
fn dated_paths_give_the_date_and_say_so() {
    let dir = TempDir::new().unwrap();
    let body = "Markets steady after a quiet week of trading\n\nShares rose in 1999 terms.\n";
    let hits = index_files(
        &dir,
        &[
            ("archive/2025/01/29/slug.txt", body),
            ("posts/2024-03-05-slug.md", body),
            (
                "scraped/20230612_slug.json",
                r#"{"title": "A headline without a date", "body": "Text of it."}"#,
            ),
            ("years/2004/quiet.txt", body),
            ("plain/000_6c8fa15e68251ffd.txt", body),
        ],
    );
    let day = |d: &str| (Value::from(d), Value::from(d[..4].parse::<u64>().unwrap()));
    for (path, d) in [
        ("2025/01/29/slug.txt", "2025-01-29"),
        ("2024-03-05-slug.md", "2024-03-05"),
        ("20230612_slug.json", "2023-06-12"),
    ] {
        let (date, year, source) = date_of(&hits, path);
        assert_eq!((date, year), day(d), "{path}");
        assert_eq!(source, "path", "{path}");
    }
    assert_eq!(
        date_of(&hits, "2004/quiet.txt"),
        (Value::Null, Value::from(2004), "path".into())
    );
    // Numbers in names that are not dates give nothing.
    assert_eq!(date_of(&hits, "000_6c8fa15e68251ffd.txt").2, "unknown");
    // The human output says where the date came from.
    let out = search(&idx(&dir))
        .args(["query", "--year", "2025"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("2025-01-29 (from path)"), "{text}");
}

#[test]
fn datelines_and_publication_cues_are_explicit() {
    let dir = TempDir::new().unwrap();
    let hits = index_files(
        &dir,
        &[
            (
                "wire.txt",
                "Shares slide in London trading\n\nLONDON, Jan 3, 2025 (Reuters) - Shares fell on Friday.\n",
            ),
            (
                "2025/wire2.txt",
                "Shares slide again in London\n\nLONDON, Jan 6 (Reuters) - Shares fell on Monday.\n",
            ),
            (
                "nodate-wire.txt",
                "Shares slide once more in London\n\nLONDON, Jan 7 (Reuters) - Shares fell after 2024.\n",
            ),
            (
                "page.txt",
                "Council approves new library plans\n\nThe council voted.\n\nPublished 3 March 2024\n",
            ),
        ],
    );
    assert_eq!(
        date_of(&hits, "/wire.txt"),
        ("2025-01-03".into(), 2025.into(), "explicit".into())
    );
    // A month and day takes its year from the path...
    assert_eq!(
        date_of(&hits, "wire2.txt"),
        ("2025-01-06".into(), 2025.into(), "inferred".into())
    );
    // ... and never from a year the text mentions.
    assert_eq!(date_of(&hits, "nodate-wire.txt").2, "unknown");
    assert_eq!(
        date_of(&hits, "page.txt"),
        ("2024-03-03".into(), 2024.into(), "explicit".into())
    );
}

#[test]
fn a_weekday_date_is_checked_against_the_years_named() {
    let dir = TempDir::new().unwrap();
    let hits = index_files(
        &dir,
        &[
            // 20 November was a Saturday in 2004 (and 1999, 2010, 2021), not in 2003.
            (
                "vote.txt",
                "Party sets date for leadership vote\n\nThe vote on Saturday 20 November ends a \
                 campaign that began in 2003 and has run through 2004.\n",
            ),
            // No year the article names fits: unknown.
            (
                "vote2.txt",
                "Party sets date for second vote\n\nThe vote on Saturday 20 November follows the \
                 2003 and 2005 polls. Results at 2004 GMT.\n",
            ),
            // Two named years fit (2004 and 2010): unknown.
            (
                "vote3.txt",
                "Party sets date for third vote\n\nThe vote on Saturday 20 November follows \
                 2004 and looks to 2010.\n",
            ),
            // The one year that fits is named, but in another paragraph, for
            // another event: unknown.
            (
                "vote4.txt",
                "Party sets date for fourth vote\n\nThe party was founded in 2004.\n\nThe \
                 vote is on Saturday 20 November.\n",
            ),
        ],
    );
    assert_eq!(
        date_of(&hits, "vote.txt"),
        (Value::Null, 2004.into(), "inferred".into())
    );
    assert_eq!(date_of(&hits, "vote2.txt").2, "unknown");
    assert_eq!(date_of(&hits, "vote3.txt").2, "unknown");
    assert_eq!(date_of(&hits, "vote4.txt").2, "unknown");
}

#[test]
fn entities_are_decoded_on_ingest() {
    let dir = TempDir::new().unwrap();
    let hits = index_files(
        &dir,
        &[
            (
                "future.txt",
                "Phones will be pass&#233; by the next decade\n\nMaking a call will be quaintly \
                 pass&#233; &amp; old, says AT&T&#39;s futurologist.\n",
            ),
            (
                "feed.jsonl",
                "{\"title\": \"Caf&eacute; chain grows\", \"body\": \"<p>The caf&eacute; chain \
                 <b>opened</b> ten shops.</p><script>track()</script>\"}\n",
            ),
        ],
    );
    let h = hit(&hits, "future.txt");
    assert_eq!(h["title"], "Phones will be passé by the next decade");
    let v = run_json(&idx(&dir), &["query", "passé"]);
    assert_eq!(v["total"], 1);
    assert!(v["hits"][0]["snippet"]["text"]
        .as_str()
        .unwrap()
        .contains("quaintly passé & old, says AT&T's"));
    // The entity's number is not a word of the article.
    assert_eq!(run_json(&idx(&dir), &["query", "233"])["total"], 0);
    // Markup in a JSON body is stripped; script text is not indexed.
    let j = hit(&hits, "feed.jsonl");
    assert_eq!(j["title"], "Café chain grows");
    let v = run_json(&idx(&dir), &["query", "opened"]);
    assert_eq!(
        v["hits"][0]["snippet"]["text"],
        "The café chain opened ten shops."
    );
    assert_eq!(run_json(&idx(&dir), &["query", "track"])["total"], 0);
}

#[test]
fn html_pages_are_read_as_articles() {
    let dir = TempDir::new().unwrap();
    let page = r#"<!DOCTYPE html>
<html><head><title>Old shop closes | Example News</title>
<meta property="og:title" content="Old shop closes after 40 years">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
<link rel="canonical" href="https://example.com/shop">
<style>.x { color: red }</style><script>var tracker = 1;</script></head>
<body><nav>Home | World | Business</nav>
<article><h1>Old shop closes after 40 years</h1>
<p>The corner shop on Mill Street closed on Friday after 40 years.</p>
<p>Its owners, caf&eacute; regulars say, will retire.</p></article>
<footer>Copyright Example News</footer></body></html>"#;
    let hits = index_files(
        &dir,
        &[
            ("news/shop.html", page),
            (
                "news/time.htm",
                "<html><body><h1>Bridge reopens to traffic today</h1><p>Posted <time datetime=\"2023-07-01\">July 1</time>.</p><p>The bridge reopened.</p></body></html>",
            ),
        ],
    );
    let h = hit(&hits, "shop.html");
    assert_eq!(h["title"], "Old shop closes after 40 years");
    assert_eq!(h["date"], "2024-03-05");
    assert_eq!(h["date_source"], "metadata");
    assert_eq!(h["url"], "https://example.com/shop");
    let v = run_json(&idx(&dir), &["query", "owners"]);
    assert_eq!(
        v["hits"][0]["snippet"]["text"],
        "The corner shop on Mill Street closed on Friday after 40 years. Its owners, café regulars say, will retire."
    );
    for furniture in ["tracker", "color", "copyright", "business"] {
        assert_eq!(
            run_json(&idx(&dir), &["query", furniture])["total"],
            0,
            "{furniture}"
        );
    }
    let t = hit(&hits, "time.htm");
    assert_eq!(t["title"], "Bridge reopens to traffic today");
    assert_eq!(t["date"], "2023-07-01");
    assert_eq!(t["date_source"], "metadata");
}

#[test]
fn markdown_is_read_as_text() {
    let dir = TempDir::new().unwrap();
    let hits = index_files(
        &dir,
        &[(
            "post.md",
            "---\ntitle: \"Rates &amp; homes\"\ndate: 2025-05-30\n---\n# Rates rise again\n\n\
             The **central bank** raised rates, [says the report](https://zebrafinch.example.org/q1), \
             and `mortgage` costs follow.\n\n- first point\n- second point\n",
        )],
    );
    let h = hit(&hits, "post.md");
    assert_eq!(h["title"], "Rates & homes");
    assert_eq!(h["date_source"], "metadata");
    let v = run_json(&idx(&dir), &["query", "central bank"]);
    let snippet = v["hits"][0]["snippet"]["text"].as_str().unwrap();
    assert!(
        snippet
            .contains("The central bank raised rates, says the report, and mortgage costs follow."),
        "{snippet}"
    );
    assert!(!snippet.contains(['*', '`', '[', '#']), "{snippet}");
    // Link targets are not text.
    assert_eq!(run_json(&idx(&dir), &["query", "zebrafinch"])["total"], 0);
}

#[test]
fn eval_dates_reports_precision_and_coverage() {
    let dir = TempDir::new().unwrap();
    let root = dir.path();
    let write = |p: &str, text: &str| {
        let p = root.join(p);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        "c/a.txt",
        "First headline of the set\n\n date 2005-01-02 Text.",
    );
    write(
        "c/b.txt",
        "Second headline of the set\n\nSales fell in 2004.",
    );
    write(
        "c/c.txt",
        "Third headline of the set\n\n date 2001-01-02 Text.",
    );
    write(
        "labels.tsv",
        "c/a.txt\t2005\nc/b.txt\t2004\nc/c.txt\t\nc/none.txt\t2004\n",
    );
    let labels = root.join("labels.tsv");
    let out = search(Path::new("unused"))
        .args(["eval-dates", "--labels"])
        .arg(&labels)
        .arg("--corpus")
        .arg(root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("year precision 0.500  coverage 0.500  (3 articles; 2 years shown: 1 right, 1 wrong; 2 labelled years, 1 not found)"),
        "{text}"
    );
    assert!(text.contains("1 labelled articles not found"), "{text}");
    let v = run_json(
        Path::new("unused"),
        &[
            "eval-dates",
            "--labels",
            labels.to_str().unwrap(),
            "--corpus",
            root.to_str().unwrap(),
        ],
    );
    assert_eq!(v["right"], 1);
    assert_eq!(v["details"][1]["source"], "unknown");
}
