//! API tests: the real `search serve` binary on an ephemeral port, called over
//! HTTP, its answers compared with what `search query --json` and `search
//! facets --json` print for the same request.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

mod common;
use common::{repo, run_json, search};

/// A running `search serve`, stopped when dropped.
struct Server {
    child: Child,
    url: String,
    agent: ureq::Agent,
}

impl Server {
    fn start(index: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_search"))
            .current_dir(repo())
            .env_remove("SEARCH_INDEX")
            .arg("--index")
            .arg(index)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("search serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .trim_end_matches('/')
            .to_string();
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build()
            .into();
        Server { child, url, agent }
    }

    /// GET `path`: status, headers, body.
    fn get_raw(&self, path: &str) -> (u16, ureq::http::HeaderMap, String) {
        let mut resp = self
            .agent
            .get(format!("{}{path}", self.url))
            .call()
            .unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let body = resp.body_mut().read_to_string().unwrap();
        (status, headers, body)
    }

    /// GET `path`, which must answer JSON: status and document.
    fn get(&self, path: &str) -> (u16, Value) {
        let (status, headers, body) = self.get_raw(path);
        assert_eq!(
            headers.get("content-type").unwrap(),
            "application/json",
            "{path}"
        );
        let json = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"));
        (status, json)
    }

    /// GET `path`, which must succeed.
    fn ok(&self, path: &str) -> Value {
        let (status, json) = self.get(path);
        assert_eq!(status, 200, "{path}: {json}");
        json
    }

    /// GET `path`, which must fail with `status` and a JSON error message.
    fn error(&self, path: &str, status: u16) -> String {
        let (got, json) = self.get(path);
        assert_eq!(got, status, "{path}: {json}");
        json["error"]
            .as_str()
            .unwrap_or_else(|| panic!("{path}: no error message in {json}"))
            .to_string()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An index of the seeds and the news fixtures, in a temporary folder.
fn fixture_index() -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let idx = dir.path().join("idx");
    search(&idx)
        .args(["index", "seeds", "tests/data/news", "--quiet"])
        .assert()
        .success();
    (dir, idx)
}

/// A document without its timing, which differs from run to run.
fn untimed(mut v: Value) -> Value {
    v.as_object_mut().unwrap().remove("took_ms");
    v
}

/// `/api/search` with the parameters and `search query` with the matching
/// flags give the same document.
#[test]
fn search_is_the_query_json_document() {
    let (_dir, idx) = fixture_index();
    let server = Server::start(&idx, &[]);
    let cases: &[(&str, &[&str])] = &[
        ("q=return+to+office", &["return to office"]),
        (
            "q=return+to+office&match=any",
            &["return to office", "--match", "any"],
        ),
        ("q=layofs&exact=true", &["layofs", "--exact"]),
        ("q=layofs", &["layofs"]),
        (
            "q=layoffs&company=AWS&limit=2",
            &["layoffs", "--company", "AWS", "-n", "2"],
        ),
        ("", &[]),
        (
            "q=office&sort=date&offset=1&limit=3",
            &["office", "--sort", "date", "--offset", "1", "-n", "3"],
        ),
        (
            "q=remote&since=2024&until=2025-06-30",
            &["remote", "--since", "2024", "--until", "2025-06-30"],
        ),
        (
            "q=office&year=2025&facet_limit=2",
            &["office", "--year", "2025", "--facet-limit", "2"],
        ),
        (
            "q=%22return+to+office%22+-amazon",
            &["\"return to office\" -amazon"],
        ),
        (
            "q=title%3Alayoffs+company%3Aamazon",
            &["title:layoffs company:amazon"],
        ),
        (
            "q=office&company=Google&company=Amazon&limit=0",
            &["office", "-c", "Google", "-c", "Amazon", "-n", "0"],
        ),
        ("company=Nosuchcorp", &["--company", "Nosuchcorp"]),
        ("q=office&collapse=false", &["office", "--no-collapse"]),
        ("q=office&count=stories", &["office", "--count", "stories"]),
    ];
    for (params, args) in cases {
        let api = server.ok(&format!("/api/search?{params}"));
        let cli = run_json(&idx, &[&["query"], *args].concat());
        assert_eq!(untimed(api), untimed(cli), "{params}");
    }
}

#[test]
fn aliases_paging_and_article() {
    let (_dir, idx) = fixture_index();
    let server = Server::start(&idx, &[]);
    // An alias resolves to the canonical company, with the same hits.
    let aws = server.ok("/api/search?company=AWS&limit=50");
    let amazon = server.ok("/api/search?company=amazon&limit=50");
    assert_eq!(aws["filters"]["companies"], serde_json::json!(["Amazon"]));
    assert!(aws["total"].as_u64().unwrap() >= 2);
    assert_eq!(aws["hits"], amazon["hits"]);

    // Pages of one hit add up to one page of all.
    let all = server.ok("/api/search?q=office&limit=100");
    let total = all["total"].as_u64().unwrap() as usize;
    assert!(total >= 3, "{total}");
    let paged: Vec<Value> = (0..total)
        .map(|i| server.ok(&format!("/api/search?q=office&limit=1&offset={i}"))["hits"][0].clone())
        .collect();
    assert_eq!(&paged, all["hits"].as_array().unwrap());
    let past = server.ok(&format!("/api/search?q=office&offset={}", total + 5));
    assert_eq!(past["hits"], serde_json::json!([]));
    assert_eq!(past["total"].as_u64().unwrap() as usize, total);

    // The first hit in full, with its matches marked.
    let hit = &all["hits"][0];
    let id = hit["id"].as_str().unwrap();
    let encoded: String = form_encode(id);
    let article = server.ok(&format!("/api/articles/{encoded}?q=office"));
    for key in [
        "id",
        "path",
        "title",
        "date",
        "date_source",
        "year",
        "companies",
        "detected_companies",
        "url",
    ] {
        assert_eq!(article[key], hit[key], "{key}");
    }
    let text: Vec<char> = article["text"].as_str().unwrap().chars().collect();
    assert!(text.len() > hit["snippet"]["text"].as_str().unwrap().chars().count() / 2);
    let marks = article["highlights"].as_array().unwrap();
    assert!(!marks.is_empty());
    for m in marks {
        let (a, b) = (
            m[0].as_u64().unwrap() as usize,
            m[1].as_u64().unwrap() as usize,
        );
        let word: String = text[a..b].iter().collect();
        assert!(word.to_lowercase().starts_with("office"), "{word}");
    }
    // Without `q`, nothing is marked.
    let plain = server.ok(&format!("/api/articles/{encoded}"));
    assert_eq!(plain["highlights"], serde_json::json!([]));
    assert_eq!(plain["text"], article["text"]);
    let missing = server.error("/api/articles/no-such-article", 404);
    assert!(missing.contains("no-such-article"), "{missing}");
}

/// Percent-encodes a path segment.
fn form_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `/api/similar/{id}` is the document of `search similar --json`.
#[test]
fn similar_is_the_similar_json_document() {
    let dir = TempDir::new().unwrap();
    let idx = dir.path().join("idx");
    search(&idx)
        .args(["index", "tests/data/dups", "--quiet"])
        .assert()
        .success();
    let server = Server::start(&idx, &[]);
    let id = "tests%2Fdata%2Fdups%2Fwire-orchard.txt";
    let api = server.ok(&format!("/api/similar/{id}?limit=2"));
    let cli = run_json(
        &idx,
        &["similar", "tests/data/dups/wire-orchard.txt", "-n", "2"],
    );
    assert_eq!(untimed(api.clone()), untimed(cli));
    assert!(api["hits"][0]["path"]
        .as_str()
        .unwrap()
        .ends_with("pickers-shortage.txt"));
    server.error("/api/similar/no-such-article", 404);
}

#[test]
fn facets_are_the_facets_json_document() {
    let (_dir, idx) = fixture_index();
    let server = Server::start(&idx, &[]);
    let cases: &[(&str, &[&str])] = &[
        ("field=company", &["company"]),
        ("field=year", &["year"]),
        (
            "field=company&q=office&limit=3",
            &["company", "office", "-n", "3"],
        ),
        ("field=year&company=AWS", &["year", "--company", "AWS"]),
        ("field=company&since=2025", &["company", "--since", "2025"]),
    ];
    for (params, args) in cases {
        let api = server.ok(&format!("/api/facets?{params}"));
        let cli = run_json(&idx, &[&["facets"], *args].concat());
        assert_eq!(api, cli, "{params}");
    }
    assert!(server.error("/api/facets", 400).contains("`field`"));
    assert!(server
        .error("/api/facets?field=topic", 400)
        .contains("`field`"));
}

#[test]
fn health_counts_the_articles() {
    let (_dir, idx) = fixture_index();
    let server = Server::start(&idx, &[]);
    let health = server.ok("/api/health");
    let all = server.ok("/api/search?limit=0");
    assert_eq!(health["status"], "ok");
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(health["articles"], all["total"]);
    assert!(health["last_commit"].as_str().unwrap().starts_with("20"));
}

#[test]
fn every_error_is_json_with_its_status_and_the_server_goes_on() {
    let (_dir, idx) = fixture_index();
    let server = Server::start(&idx, &[]);
    let nested = format!("/api/search?q={}x{}", "(".repeat(100), ")".repeat(100));
    for (path, needle) in [
        ("/api/search?limit=1001", "`limit`"),
        ("/api/search?limit=ten", "`limit`"),
        ("/api/search?offset=-3", "`offset`"),
        ("/api/search?year=20x5", "`year`"),
        ("/api/search?year=2025&since=2024", "cannot be combined"),
        ("/api/search?since=soon", "`since`"),
        ("/api/search?sort=best", "`sort`"),
        ("/api/search?facet_limit=100000", "`facet_limit`"),
        ("/api/search?q=a&q=b", "more than once"),
        ("/api/search?query=x", "unknown parameter `query`"),
        ("/api/search?q=-amazon", "nothing to search for"),
        (nested.as_str(), "parentheses nest 100 deep"),
    ] {
        let message = server.error(path, 400);
        assert!(message.contains(needle), "{path}: {message}");
    }
    // Pasted text is never an error: an unclosed quote or an unknown field
    // is read as words, with a note.
    let v = server.ok("/api/search?q=%22unclosed");
    assert!(
        v["warnings"][0].as_str().unwrap().contains("not closed"),
        "{v}"
    );
    server.ok("/api/search?q=(a+AND");
    server.ok("/api/search?q=nosuchfield%3Ax");
    let long_q = format!("/api/search?q={}", "word+".repeat(300));
    assert!(server.error(&long_q, 400).contains("`q`"));
    assert!(server.error("/api/nothing", 404).contains("/api/nothing"));
    server.error("/nothing/../etc/passwd", 404);
    server.error("/api/articles/", 404);
    // Over-long request line: 414.
    let huge = format!("/api/search?q={}", "x".repeat(10_000));
    assert!(server.error(&huge, 414).contains("bytes"));
    // A body where none is read: 413 when too large (just over the limit, so
    // the client is done sending before the answer), 405 for POST anyway.
    let mut resp = server
        .agent
        .post(format!("{}/api/search", server.url))
        .send(&vec![b'x'; 17 * 1024][..])
        .unwrap();
    assert_eq!(resp.status().as_u16(), 413);
    let body: Value = resp.body_mut().read_json().unwrap();
    assert!(body["error"].as_str().is_some());
    let resp = server
        .agent
        .post(format!("{}/api/search", server.url))
        .send("q=x")
        .unwrap();
    assert_eq!(resp.status().as_u16(), 405);
    // Still answering.
    assert_eq!(server.ok("/api/health")["status"], "ok");
}

#[test]
fn security_headers_and_cors_only_when_asked() {
    let (_dir, idx) = fixture_index();
    let server = Server::start(&idx, &[]);
    for path in [
        "/",
        "/app.js",
        "/style.css",
        "/api/search?q=office",
        "/api/nothing",
    ] {
        let (_, headers, _) = server.get_raw(path);
        let csp = headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert_eq!(headers.get("x-content-type-options").unwrap(), "nosniff");
        assert!(
            headers.get("access-control-allow-origin").is_none(),
            "{path}"
        );
    }
    let (status, headers, html) = server.get_raw("/");
    assert_eq!(status, 200);
    assert!(headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(html.contains("src=\"/app.js\""), "{html}");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no outside resource"
    );
    let (_, headers, _) = server.get_raw("/app.js");
    assert!(headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    // Compressed when the client accepts it.
    let resp = server
        .agent
        .get(format!("{}/app.js", server.url))
        .header("accept-encoding", "gzip")
        .call()
        .unwrap();
    assert_eq!(resp.headers().get("content-encoding").unwrap(), "gzip");

    let cors = Server::start(&idx, &["--cors", "https://dash.example.org"]);
    let resp = cors
        .agent
        .get(format!("{}/api/health", cors.url))
        .header("origin", "https://dash.example.org")
        .call()
        .unwrap();
    assert_eq!(
        resp.headers().get("access-control-allow-origin").unwrap(),
        "https://dash.example.org"
    );
    let resp = cors
        .agent
        .get(format!("{}/api/health", cors.url))
        .header("origin", "https://evil.example.com")
        .call()
        .unwrap();
    assert!(resp
        .headers()
        .get("access-control-allow-origin")
        .is_none_or(|v| v != "https://evil.example.com"));
}

#[test]
fn sixteen_concurrent_clients_get_the_same_answers() {
    let (_dir, idx) = fixture_index();
    let server = Server::start(&idx, &[]);
    let queries = [
        "q=office",
        "q=layoffs&company=AWS",
        "q=return+to+office&year=2025",
        "company=Google",
        "q=remote+work&sort=date",
    ];
    let expected: Vec<Value> = queries
        .iter()
        .map(|q| untimed(server.ok(&format!("/api/search?{q}"))))
        .collect();
    std::thread::scope(|s| {
        for client in 0..16 {
            let (server, queries, expected) = (&server, &queries, &expected);
            s.spawn(move || {
                for round in 0..10 {
                    let i = (client + round) % queries.len();
                    let got = untimed(server.ok(&format!("/api/search?{}", queries[i])));
                    assert_eq!(got, expected[i], "client {client} round {round}");
                }
            });
        }
    });
}

/// A `search index` run while the server runs is seen without a restart.
#[test]
fn a_new_commit_is_served_without_restart() {
    let dir = TempDir::new().unwrap();
    let corpus = dir.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    for name in std::fs::read_dir(repo().join("seeds")).unwrap() {
        let path = name.unwrap().path();
        std::fs::copy(&path, corpus.join(path.file_name().unwrap())).unwrap();
    }
    let idx = dir.path().join("idx");
    search(&idx)
        .arg("index")
        .arg(&corpus)
        .arg("--quiet")
        .assert()
        .success();
    let server = Server::start(&idx, &[]);
    let before = server.ok("/api/health")["articles"].as_u64().unwrap();
    assert_eq!(server.ok("/api/search?q=zebrafish")["total"], 0);

    std::fs::write(
        corpus.join("zebra.md"),
        "---\ntitle: Zebrafish regrow hearts, Google says\ndate: 2026-01-05\n---\n\
         Researchers at Google studied zebrafish that regrow their hearts.\n",
    )
    .unwrap();
    search(&idx)
        .arg("index")
        .arg(&corpus)
        .arg("--quiet")
        .assert()
        .success();
    let committed = Instant::now();
    let seen = loop {
        let found = server.ok("/api/search?q=zebrafish");
        if found["total"] == 1 {
            break committed.elapsed();
        }
        assert!(
            committed.elapsed() < Duration::from_secs(5),
            "not seen: {found}"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    eprintln!(
        "new commit served {} ms after `search index` returned",
        seen.as_millis()
    );
    assert!(seen < Duration::from_secs(2), "{seen:?}");
    let health = server.ok("/api/health");
    assert_eq!(health["articles"].as_u64().unwrap(), before + 1);
    // The company facet knows the new article's company.
    let google = server.ok("/api/search?q=zebrafish&company=Google");
    assert_eq!(google["total"], 1);
    assert_eq!(google["facets"]["company"][0]["value"], "Google");
    assert_eq!(
        untimed(google),
        untimed(run_json(
            &idx,
            &["query", "zebrafish", "--company", "Google"]
        ))
    );

    // An index this binary cannot read is reported, and served again once fixed.
    let meta_path = idx.join("search-meta.json");
    let meta = std::fs::read_to_string(&meta_path).unwrap();
    let mut broken: Value = serde_json::from_str(&meta).unwrap();
    broken["schema_version"] = Value::from(9999);
    std::fs::write(&meta_path, broken.to_string()).unwrap();
    let started = Instant::now();
    let message = loop {
        let (status, json) = server.get("/api/search?q=zebrafish");
        if status == 503 {
            break json["error"].as_str().unwrap().to_string();
        }
        assert!(started.elapsed() < Duration::from_secs(5), "not noticed");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(message.contains("--rebuild"), "{message}");
    assert!(server.error("/api/health", 503).contains("--rebuild"));
    std::fs::write(&meta_path, meta).unwrap();
    let started = Instant::now();
    while server.get("/api/search?q=zebrafish").0 != 200 {
        assert!(started.elapsed() < Duration::from_secs(5), "not recovered");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn no_index_is_one_line_and_exit_2_as_query() {
    let dir = TempDir::new().unwrap();
    let missing = dir.path().join("none");
    let query = search(&missing).args(["query", "x"]).output().unwrap();
    let serve = search(&missing)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(serve.status.code(), Some(2));
    assert_eq!(query.status.code(), Some(2));
    let line = String::from_utf8(serve.stderr).unwrap();
    assert_eq!(line, String::from_utf8(query.stderr).unwrap());
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(line.starts_with("search: error: no index at"), "{line}");
}

#[test]
fn other_addresses_warn_and_sigterm_stops_cleanly() {
    let (_dir, idx) = fixture_index();
    let mut child = Command::new(env!("CARGO_BIN_EXE_search"))
        .arg("--index")
        .arg(&idx)
        .args(["serve", "--addr", "0.0.0.0:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.contains("http://0.0.0.0:"), "{line}");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "a clean stop");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("search: warning: listening on 0.0.0.0:"),
        "{stderr}"
    );
    assert!(stderr.contains("anyone who can reach"), "{stderr}");
}

#[test]
fn bad_cors_origin_is_an_error() {
    let (_dir, idx) = fixture_index();
    let out = search(&idx)
        .args(["serve", "--addr", "127.0.0.1:0", "--cors", "*"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("--cors"));
}
