//! Browser tests: the page of `search serve` in a real headless Chromium,
//! driven through WebDriver (chromedriver) with fantoccini.
//!
//! They need Debian's `chromium` and `chromium-driver` packages. Without them
//! the tests are skipped with a message, unless `SEARCH_BROWSER_TESTS=required`
//! (as in CI), which makes a missing browser a failure. `SEARCH_CHROMIUM` and
//! `SEARCH_CHROMEDRIVER` name other binaries than /usr/bin/chromium and
//! /usr/bin/chromedriver.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use tempfile::TempDir;

#[allow(dead_code)]
mod common;
use common::{repo, search};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A child process killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The browser's paths, or `None` (after saying so) when the test should be skipped.
fn browser() -> Option<(PathBuf, PathBuf)> {
    let find = |fixed: &str, name: &str| -> Option<PathBuf> {
        // SEARCH_CHROMIUM / SEARCH_CHROMEDRIVER name other binaries.
        let var = format!("SEARCH_{}", name.to_uppercase());
        if let Some(path) = std::env::var_os(&var) {
            let path = PathBuf::from(path);
            return path.exists().then_some(path);
        }
        if Path::new(fixed).exists() {
            return Some(PathBuf::from(fixed));
        }
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|p| p.join(name))
                .find(|p| p.exists())
        })
    };
    match (
        find(CHROMIUM, "chromium"),
        find(CHROMEDRIVER, "chromedriver"),
    ) {
        (Some(chromium), Some(driver)) => Some((chromium, driver)),
        _ if std::env::var("SEARCH_BROWSER_TESTS").as_deref() == Ok("required") => {
            panic!("SEARCH_BROWSER_TESTS=required but chromium or chromedriver is missing: apt-get install chromium chromium-driver")
        }
        _ => {
            eprintln!(
                "skipped: browser tests need Debian's `chromium` and `chromium-driver` packages \
                 (apt-get install chromium chromium-driver); set SEARCH_BROWSER_TESTS=required to fail instead"
            );
            None
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `search serve` on the index and returns it with its URL.
fn start_server(index: &Path) -> (Running, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_search"))
        .current_dir(repo())
        .env_remove("SEARCH_INDEX")
        .arg("--index")
        .arg(index)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
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
    (Running(child), url)
}

/// Starts chromedriver on a free port and connects a headless Chromium session.
async fn start_browser(chromium: &Path, driver: &Path, profile: &Path) -> (Running, Client) {
    let port = free_port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let running = Running(child);
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    let started = Instant::now();
    let client = loop {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => break client,
            Err(e) if started.elapsed() < Duration::from_secs(20) => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("no WebDriver session: {e}"),
        }
    };
    (running, client)
}

/// Runs `script` until it returns something other than null, false or "".
async fn wait_for(c: &Client, what: &str, script: &str) -> Value {
    let started = Instant::now();
    loop {
        let v = c.execute(script, vec![]).await.unwrap();
        let done = !matches!(&v, Value::Null | Value::Bool(false))
            && v.as_str().is_none_or(|s| !s.is_empty());
        if done {
            return v;
        }
        if started.elapsed() > Duration::from_secs(10) {
            let url = c.current_url().await.unwrap();
            panic!("timed out waiting for {what} (at {url}; last {v})");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The API's answer, to compare the page with.
fn api(url: &str, path: &str) -> Value {
    let body = ureq::get(format!("{url}{path}"))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    serde_json::from_str(&body).unwrap()
}

/// The page's current state, once the hits shown come from the current URL.
const SHOWN: &str =
    "const hits = [...document.querySelectorAll('#hits .hit-title')].map(e => e.textContent); \
     const status = document.getElementById('status').textContent; \
     return {url: location.search, hits, status};";

/// Waits until the page shows the hits the API gives for `params`.
async fn shows(c: &Client, url: &str, params: &str) -> Value {
    let expected = api(url, &format!("/api/search?{params}"));
    let titles: Vec<Value> = expected["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].clone())
        .collect();
    let total = expected["total"].as_u64().unwrap();
    let want = format!("{total} article");
    let started = Instant::now();
    loop {
        let got = c.execute(SHOWN, vec![]).await.unwrap();
        if got["hits"] == Value::Array(titles.clone())
            && got["status"].as_str().unwrap().starts_with(&want)
        {
            return expected;
        }
        if started.elapsed() > Duration::from_secs(10) {
            panic!("page does not show {params}: {got}, expected {titles:?} ({total})");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits for a test's steps, closes the browser whatever happened (a failed
/// step would otherwise leave Chromium running after chromedriver is gone),
/// then passes a failure on.
async fn finish(c: Client, steps: tokio::task::JoinHandle<()>) {
    let outcome = steps.await;
    let _ = c.close().await;
    if let Err(e) = outcome {
        match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("{e}"),
        }
    }
}

/// An index of the seeds, the news fixtures and an article whose title and
/// text are HTML meant to run script.
fn fixture() -> (TempDir, PathBuf) {
    let dir = TempDir::new().unwrap();
    let hostile = dir.path().join("hostile");
    std::fs::create_dir(&hostile).unwrap();
    // Entity-escaped, so that ingest keeps it as text (markup is stripped):
    // the stored title and body hold `<script>` and `<img onerror>` literally.
    std::fs::write(
        hostile.join("probe.txt"),
        "Xssprobe &lt;script&gt;window.__xss = 1&lt;/script&gt; &lt;img src=x onerror=\"window.__xss = 2\"&gt;\n\n \
         date 2024-02-02 \n\
         Xssprobe body &lt;script&gt;window.__xss = 3&lt;/script&gt; and &lt;img src=y onerror=\"window.__xss = 4\"&gt; \
         and &lt;b onmouseover=\"window.__xss = 5\"&gt;bold&lt;/b&gt; at Google.\n",
    )
    .unwrap();
    let idx = dir.path().join("idx");
    search(&idx)
        .args(["index", "seeds", "tests/data/news", "tests/data/dups"])
        .arg(&hostile)
        .arg("--quiet")
        .assert()
        .success();
    (dir, idx)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_searches_filters_goes_back_and_opens_articles() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let (dir, idx) = fixture();
    let (_server, url) = start_server(&idx);
    let profile = dir.path().join("profile");
    let (_driver, c) = start_browser(&chromium, &driver, &profile).await;
    finish(c.clone(), tokio::spawn(page_steps(c, url))).await;
}

/// Typing, a company, a year bar, a year drag, back, an article, a shared link, a phone.
async fn page_steps(c: Client, url: String) {
    // Everything, newest first, before any query.
    c.goto(&format!("{url}/")).await.unwrap();
    shows(&c, &url, "").await;

    // `/` focuses the box; typing searches (after a pause), and the URL follows.
    c.find(Locator::Css("body"))
        .await
        .unwrap()
        .send_keys("/")
        .await
        .unwrap();
    let focused = c
        .execute("return document.activeElement.id", vec![])
        .await
        .unwrap();
    assert_eq!(focused, "q");
    c.active_element()
        .await
        .unwrap()
        .send_keys("return to office")
        .await
        .unwrap();
    let found = shows(&c, &url, "q=return+to+office").await;
    assert_eq!(
        found["hits"][0]["title"],
        "Google orders staff back: return to office three days a week"
    );
    wait_for(
        &c,
        "the URL",
        "return location.search === '?q=return+to+office'",
    )
    .await;
    // Snippet matches are marked.
    let marks = c
        .execute("return [...document.querySelectorAll('#hits .hit:first-child .snippet mark')].map(m => m.textContent.toLowerCase())", vec![])
        .await
        .unwrap();
    assert!(
        marks
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == "return to office"),
        "{marks}"
    );

    // Tick a company: hits, URL and a chip follow.
    c.find(Locator::Css("#companies input[value='Amazon']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    shows(&c, &url, "q=return+to+office&company=Amazon").await;
    wait_for(&c, "the company chip", "return [...document.querySelectorAll('#chips .chip')].some(c => c.textContent.includes('company: Amazon'))").await;
    let checked = c
        .execute(
            "return document.querySelector(\"#companies input[value='Amazon']\").checked",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(checked, true);

    // Click a year bar: that year only.
    c.find(Locator::Css(".year-bar[data-year='2024']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    shows(&c, &url, "q=return+to+office&company=Amazon&year=2024").await;
    wait_for(&c, "the year chip", "return [...document.querySelectorAll('#chips .chip')].some(c => c.textContent.includes('year: 2024'))").await;

    // Back: the year filter is gone again, the company stays.
    c.back().await.unwrap();
    shows(&c, &url, "q=return+to+office&company=Amazon").await;
    let chips = c
        .execute(
            "return [...document.querySelectorAll('#chips .chip')].map(c => c.textContent)",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(chips.as_array().unwrap().len(), 1, "{chips}");

    // Remove the company chip.
    c.find(Locator::Css("#chips .chip"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    shows(&c, &url, "q=return+to+office").await;

    // Drag across year bars: a range.
    let from = c
        .find(Locator::Css(".year-bar[data-year='2023']"))
        .await
        .unwrap();
    let to = c
        .find(Locator::Css(".year-bar[data-year='2024']"))
        .await
        .unwrap();
    let drag = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: from,
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveToElement {
            element: to,
            duration: Some(Duration::from_millis(100)),
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    c.perform_actions(drag).await.unwrap();
    shows(&c, &url, "q=return+to+office&since=2023&until=2024").await;
    c.back().await.unwrap();
    shows(&c, &url, "q=return+to+office").await;

    // Open the first hit: the whole text, matches marked; back returns to the list.
    c.find(Locator::Css("#hits .hit-title"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let title = wait_for(&c, "the article", "const a = document.getElementById('article'); return !a.hidden && document.getElementById('article-title').textContent").await;
    assert_eq!(title, found["hits"][0]["title"]);
    let id: String = found["hits"][0]["id"]
        .as_str()
        .unwrap()
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    let article = api(&url, &format!("/api/articles/{id}"));
    let text = c
        .execute(
            "return document.getElementById('article-text').textContent",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(text, article["text"]);
    let marks = c
        .execute("return [...document.querySelectorAll('#article-text mark')].map(m => m.textContent.toLowerCase())", vec![])
        .await
        .unwrap();
    assert!(!marks.as_array().unwrap().is_empty());
    assert!(
        marks.as_array().unwrap().iter().all(|m| {
            let m = m.as_str().unwrap();
            m.contains("return") || m.contains("office")
        }),
        "{marks}"
    );
    assert!(c
        .current_url()
        .await
        .unwrap()
        .query()
        .unwrap()
        .contains("id="));
    c.back().await.unwrap();
    shows(&c, &url, "q=return+to+office").await;

    // A shared link restores the whole state.
    c.goto(&format!("{url}/?q=layoffs&company=AWS&sort=date"))
        .await
        .unwrap();
    shows(&c, &url, "q=layoffs&company=AWS&sort=date").await;
    let sort = c
        .execute("return document.getElementById('sort').value", vec![])
        .await
        .unwrap();
    assert_eq!(sort, "date");

    // The counting rule's other articles, one click away (`match=any`).
    c.goto(&format!("{url}/?q=office+layoffs")).await.unwrap();
    let all = shows(&c, &url, "q=office+layoffs").await;
    let partial = all["partial"].as_u64().unwrap();
    assert!(partial > 0, "{all}");
    let more = c
        .find(Locator::XPath(&format!(
            "//p[@id='status']/a[contains(., '{partial} more article')]"
        )))
        .await
        .unwrap();
    more.click().await.unwrap();
    let any = shows(&c, &url, "q=office+layoffs&match=any").await;
    assert_eq!(
        any["total"].as_u64().unwrap(),
        all["total"].as_u64().unwrap() + partial
    );

    // A typo: the page says what it searched for, and searches as typed on a click.
    c.goto(&format!("{url}/?q=officce")).await.unwrap();
    let corrected = shows(&c, &url, "q=officce").await;
    assert!(!corrected["corrections"].as_array().unwrap().is_empty());
    wait_for(
        &c,
        "the correction note",
        "const n = document.getElementById('corrections'); return !n.hidden && n.textContent.startsWith('Showing results for')",
    )
    .await;
    c.find(Locator::Css("#corrections a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let typed = shows(&c, &url, "q=officce&exact=true").await;
    assert_eq!(typed["total"], 0);
    wait_for(
        &c,
        "the note gone",
        "return document.getElementById('corrections').hidden",
    )
    .await;

    // Near-copies: one hit, with how many were collapsed into it.
    c.goto(&format!("{url}/?q=robots+orchards")).await.unwrap();
    let found = shows(&c, &url, "q=robots+orchards").await;
    let copies = found["hits"][0]["similar_count"].as_u64().unwrap();
    assert!(copies > 0, "{found}");
    wait_for(
        &c,
        "the near-copies count",
        &format!("return document.querySelector('#hits .hit .similar')?.textContent === '{copies} similar'"),
    )
    .await;

    // A phone-sized window: nothing wider than the screen.
    c.set_window_size(390, 844).await.unwrap();
    let fits = wait_for(
        &c,
        "a narrow layout",
        "return document.documentElement.scrollWidth <= window.innerWidth + 1",
    )
    .await;
    assert_eq!(fits, true);
    c.set_window_size(1280, 900).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn article_html_is_shown_as_text_and_never_run() {
    let Some((chromium, driver)) = browser() else {
        return;
    };
    let (dir, idx) = fixture();
    let (_server, url) = start_server(&idx);
    let profile = dir.path().join("profile");
    let (_driver, c) = start_browser(&chromium, &driver, &profile).await;
    finish(c.clone(), tokio::spawn(hostile_steps(c, url))).await;
}

/// An article of HTML meant to run script, shown as text.
async fn hostile_steps(c: Client, url: String) {
    c.goto(&format!("{url}/?q=xssprobe")).await.unwrap();
    let found = shows(&c, &url, "q=xssprobe").await;
    let title = found["hits"][0]["title"].as_str().unwrap().to_string();
    assert!(
        title.contains("<script>") && title.contains("onerror"),
        "{title}"
    );
    let shown = c
        .execute(
            "return document.querySelector('#hits .hit-title').textContent",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        shown,
        title.as_str(),
        "the title is shown as the text it is"
    );
    c.find(Locator::Css("#hits .hit-title"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for(&c, "the article", "return !document.getElementById('article').hidden && document.getElementById('article-text').textContent").await;
    // Let any injected handler (an image that fails to load) have its chance.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let report = c
        .execute(
            "return {xss: window.__xss === undefined ? null : window.__xss, \
                     injected: document.querySelectorAll('main script, main img, main b').length, \
                     title: document.getElementById('article-title').textContent, \
                     text: document.getElementById('article-text').textContent}",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(report["xss"], Value::Null, "{report}");
    assert_eq!(report["injected"], 0, "{report}");
    assert_eq!(report["title"], title.as_str());
    let text = report["text"].as_str().unwrap();
    assert!(text.contains("<script>window.__xss = 3</script>"), "{text}");
    assert!(
        text.contains("<img src=y onerror=\"window.__xss = 4\">"),
        "{text}"
    );
}
