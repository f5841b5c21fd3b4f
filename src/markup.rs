//! Clean text from markup: HTML entities decoded, HTML tags stripped,
//! Markdown read as text, and `.html` pages read as articles.
//!
//! Every text input goes through [`clean_text`] on ingest: text with HTML
//! tags in it (a JSON `body` holding `<p>…</p>`) is parsed by an HTML parser
//! (`scraper`, html5ever) and only its text kept; other text has its entities
//! decoded (`pass&#233;` → `passé`, `&amp;` → `&`; only complete references
//! ending in `;`, so `AT&T` stays). Markdown is rendered to text with
//! `pulldown-cmark` ([`markdown_to_text`]); an HTML page gives its headline,
//! date, URL and main text ([`parse_html_article`]).

use std::borrow::Cow;
use std::sync::LazyLock;

use ego_tree::iter::Edge;
use ego_tree::NodeRef;
use regex::Regex;
use scraper::{Html, Node, Selector};

/// An opening or closing tag of a common HTML element. Text merely holding
/// `<` and `>` (`a < b`, `<AAPL.O>`) is not markup.
static TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)</?(?:p|br|div|span|a|b|i|u|s|em|strong|ul|ol|li|dl|dt|dd|h[1-6]|img|table|thead|tbody|tr|td|th|blockquote|q|cite|figure|figcaption|section|article|header|footer|nav|aside|main|script|style|iframe|sup|sub|hr|pre|code|small|big|font|center|time|abbr|mark|picture|source|video|audio|noscript|html|head|body|meta|link|title)(?:\s[^<>]*)?/?>",
    )
    .expect("valid regex")
});

/// True if `text` holds HTML tags (of common elements).
pub fn has_markup(text: &str) -> bool {
    text.contains('<') && TAG.is_match(text)
}

/// Decodes HTML character references (`&#233;`, `&eacute;`, `&amp;`); only
/// complete ones ending in `;` are decoded.
pub fn decode_entities(text: &str) -> Cow<'_, str> {
    html_escape::decode_html_entities(text)
}

/// The text of any text input: markup stripped (entities decoded by the
/// parser) when it has HTML tags, else entities decoded. Line breaks of the
/// text are kept, so header lines and paragraphs stay where they were.
pub fn clean_text(text: String) -> String {
    if has_markup(&text) {
        return html_to_text(&text, false);
    }
    match decode_entities(&text) {
        Cow::Borrowed(_) => text,
        Cow::Owned(decoded) => decoded,
    }
}

/// Elements whose content is not article text.
fn is_furniture(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "nav"
            | "header"
            | "footer"
            | "aside"
            | "form"
            | "button"
            | "select"
            | "svg"
            | "iframe"
            | "head"
            | "object"
            | "canvas"
    )
}

/// Elements that end a paragraph.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "ul"
            | "ol"
            | "li"
            | "dl"
            | "dt"
            | "dd"
            | "blockquote"
            | "pre"
            | "table"
            | "tr"
            | "figure"
            | "figcaption"
            | "hr"
            | "body"
            | "html"
    )
}

/// The text of an HTML fragment. With `collapse`, white space inside the
/// text is folded as a browser does (pages); without, it is kept as written
/// (text files and JSON bodies with some tags in them).
pub fn html_to_text(html: &str, collapse: bool) -> String {
    let doc = Html::parse_fragment(html);
    let mut out = String::with_capacity(html.len());
    node_text(doc.tree.root(), collapse, &mut out);
    tidy(&out)
}

/// Appends the text under `node` to `out`: furniture left out, a paragraph
/// break after each block element, a line break for `<br>`. Iterative, so
/// deeply nested input cannot overflow the stack.
fn node_text(node: NodeRef<'_, Node>, collapse: bool, out: &mut String) {
    let mut skipping = 0usize;
    for edge in node.traverse() {
        match edge {
            Edge::Open(n) => match n.value() {
                Node::Element(e) if skipping > 0 || is_furniture(e.name()) => skipping += 1,
                _ if skipping > 0 => {}
                Node::Element(e) if e.name() == "br" => out.push('\n'),
                Node::Element(e) if is_block(e.name()) => paragraph_break(out),
                Node::Text(t) if collapse => {
                    let text: &str = t;
                    if text.starts_with(char::is_whitespace) && !out.ends_with(char::is_whitespace)
                    {
                        out.push(' ');
                    }
                    let mut words = text.split_whitespace().peekable();
                    while let Some(w) = words.next() {
                        out.push_str(w);
                        if words.peek().is_some() {
                            out.push(' ');
                        }
                    }
                    if text.ends_with(char::is_whitespace) && !text.trim().is_empty() {
                        out.push(' ');
                    }
                }
                Node::Text(t) => out.push_str(t),
                _ => {}
            },
            Edge::Close(n) => {
                if let Node::Element(e) = n.value() {
                    if skipping > 0 {
                        skipping -= 1;
                    } else if is_block(e.name()) {
                        paragraph_break(out);
                    }
                }
            }
        }
    }
}

fn paragraph_break(out: &mut String) {
    let trimmed = out.trim_end_matches([' ', '\t']).len();
    out.truncate(trimmed);
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
    }
}

/// Trims each line's trailing spaces and keeps at most one empty line in a row.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

/// What an HTML page says about its article.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlArticle {
    /// `og:title`, else `<title>`, else the first `<h1>`.
    pub title: Option<String>,
    /// `article:published_time` (or `datePublished`, `date` meta), else the
    /// first `<time datetime>` (in the article when there is one); unparsed.
    pub date: Option<String>,
    /// `<link rel="canonical">` or `og:url`.
    pub url: Option<String>,
    /// `og:site_name`.
    pub source: Option<String>,
    /// The text of `<article>`, else `<main>`, else `<body>`, without scripts,
    /// navigation, headers, footers and asides, and without a leading headline
    /// equal to the title.
    pub body: String,
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("valid selector")
}

struct Selectors {
    og_title: Selector,
    title: Selector,
    h1: Selector,
    published: Selector,
    json_ld: Selector,
    time: Selector,
    canonical: Selector,
    og_url: Selector,
    site_name: Selector,
    article: Selector,
    main: Selector,
    body: Selector,
}

static SELECTORS: LazyLock<Selectors> = LazyLock::new(|| Selectors {
    og_title: selector(r#"meta[property="og:title"], meta[name="og:title"]"#),
    title: selector("title"),
    h1: selector("h1"),
    published: selector(
        r#"meta[property="article:published_time"], meta[name="article:published_time"], meta[property="og:published_time"], meta[itemprop="datePublished"], meta[name="pubdate"], meta[name="publish-date"], meta[name="publication_date"], meta[name="parsely-pub-date"], meta[name="date"], meta[name="DC.date.issued"], meta[name="dc.date"]"#,
    ),
    json_ld: selector(r#"script[type="application/ld+json"]"#),
    time: selector("time[datetime]"),
    canonical: selector(r#"link[rel="canonical"]"#),
    og_url: selector(r#"meta[property="og:url"]"#),
    site_name: selector(r#"meta[property="og:site_name"]"#),
    article: selector("article"),
    main: selector("main, [role=main]"),
    body: selector("body"),
});

fn non_empty(s: String) -> Option<String> {
    let s = crate::text::squash_whitespace(&s);
    (!s.is_empty()).then_some(s)
}

/// Reads an HTML page as an article.
pub fn parse_html_article(html: &str) -> HtmlArticle {
    let doc = Html::parse_document(html);
    let s = &*SELECTORS;
    let meta = |sel: &Selector| {
        doc.select(sel)
            .filter_map(|e| e.value().attr("content"))
            .find_map(|c| non_empty(c.to_string()))
    };
    let element_text = |sel: &Selector| {
        doc.select(sel)
            .find_map(|e| non_empty(e.text().collect::<String>()))
    };
    let title = meta(&s.og_title)
        .or_else(|| element_text(&s.title))
        .or_else(|| element_text(&s.h1));
    let main = doc
        .select(&s.article)
        .next()
        .or_else(|| doc.select(&s.main).next())
        .or_else(|| doc.select(&s.body).next());
    let time_in = |root: Option<scraper::ElementRef<'_>>| {
        root.and_then(|r| {
            r.select(&s.time)
                .filter_map(|e| e.value().attr("datetime"))
                .find_map(|d| non_empty(d.to_string()))
        })
    };
    let json_ld = || {
        doc.select(&s.json_ld).find_map(|e| {
            let value: serde_json::Value =
                serde_json::from_str(&e.text().collect::<String>()).ok()?;
            find_string(&value, "datePublished", 0)
        })
    };
    let date = meta(&s.published)
        .or_else(json_ld)
        .or_else(|| time_in(main))
        .or_else(|| time_in(Some(doc.root_element())));
    let url = doc
        .select(&s.canonical)
        .filter_map(|e| e.value().attr("href"))
        .find_map(|h| non_empty(h.to_string()))
        .or_else(|| meta(&s.og_url));
    let source = meta(&s.site_name);
    let mut body = String::new();
    if let Some(main) = main {
        node_text(*main, true, &mut body);
    } else {
        node_text(doc.tree.root(), true, &mut body);
    }
    let mut body = tidy(&body);
    // The headline is usually repeated as the article's <h1>.
    if let Some(t) = &title {
        if let Some(first) = body.lines().next() {
            if first.trim() == t.as_str() {
                body = body[first.len()..].trim_start().to_string();
            }
        }
    }
    HtmlArticle {
        title,
        date,
        url,
        source,
        body,
    }
}

/// The first non-empty string under `key` anywhere in a JSON value (JSON-LD
/// nests it in `@graph` lists), looked for at most a few levels deep.
fn find_string(value: &serde_json::Value, key: &str, depth: usize) -> Option<String> {
    use serde_json::Value;
    if depth > 8 {
        return None;
    }
    match value {
        Value::Object(map) => map
            .get(key)
            .and_then(Value::as_str)
            .and_then(|s| non_empty(s.to_string()))
            .or_else(|| map.values().find_map(|v| find_string(v, key, depth + 1))),
        Value::Array(items) => items.iter().find_map(|v| find_string(v, key, depth + 1)),
        _ => None,
    }
}

/// The text of a Markdown document: headings, paragraphs and list items each
/// on their own lines, emphasis, links and code marks removed (their text
/// kept, link targets dropped), images by their alt text, HTML in it stripped.
pub fn markdown_to_text(markdown: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser, TagEnd};
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS;
    let mut out = String::with_capacity(markdown.len());
    let mut html = String::new();
    let flush_html = |html: &mut String, out: &mut String| {
        if !html.is_empty() {
            out.push_str(&html_to_text(html, false));
            html.clear();
        }
    };
    for event in Parser::new_ext(markdown, options) {
        if !matches!(event, Event::Html(_) | Event::InlineHtml(_)) {
            flush_html(&mut html, &mut out);
        }
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::Html(t) | Event::InlineHtml(t) => html.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push('\n'),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::HtmlBlock,
            ) => paragraph_break(&mut out),
            Event::End(TagEnd::TableCell) => out.push(' '),
            Event::Rule => paragraph_break(&mut out),
            _ => {}
        }
    }
    flush_html(&mut html, &mut out);
    tidy(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities_are_decoded_and_bare_ampersands_kept() {
        assert_eq!(
            clean_text("pass&#233; &eacute;t&eacute; &amp; AT&T &#x263A;".into()),
            "passé été & AT&T ☺"
        );
        assert_eq!(clean_text("a < b and c > d".into()), "a < b and c > d");
        assert!(!has_markup("Shares of <AAPL.O> rose"));
    }

    #[test]
    fn markup_in_text_is_stripped_keeping_lines() {
        let text = "Title line here\n\n<p>First <b>bold</b> para&#233;.</p><p>Second</p><script>x()</script>";
        assert_eq!(
            clean_text(text.into()),
            "Title line here\n\nFirst bold paraé.\n\nSecond"
        );
        assert_eq!(html_to_text("a<br>b", false), "a\nb");
    }

    #[test]
    fn html_page_as_article() {
        let page = r#"<!doctype html><html><head><title>Shop closes | Example News</title>
            <meta property="og:title" content="Shop closes after 40 years">
            <meta property="article:published_time" content="2024-03-05T10:00:00Z">
            <link rel="canonical" href="https://example.com/a">
            <script>var x = 1;</script></head>
            <body><nav>Home News</nav><article><h1>Shop closes after 40 years</h1>
            <p>The shop   closed
            on Friday.</p><p>Staff were caf&eacute; owners.</p></article>
            <footer>Copyright</footer></body></html>"#;
        let a = parse_html_article(page);
        assert_eq!(a.title.as_deref(), Some("Shop closes after 40 years"));
        assert_eq!(a.date.as_deref(), Some("2024-03-05T10:00:00Z"));
        assert_eq!(a.url.as_deref(), Some("https://example.com/a"));
        assert_eq!(
            a.body,
            "The shop closed on Friday.\n\nStaff were café owners."
        );
    }

    #[test]
    fn html_page_fallbacks() {
        let page = "<html><head><title>Plain title here</title></head><body><h2>Sub</h2><p>Text <time datetime=\"2023-01-02\">Jan 2</time>.</p></body></html>";
        let a = parse_html_article(page);
        assert_eq!(a.title.as_deref(), Some("Plain title here"));
        assert_eq!(a.date.as_deref(), Some("2023-01-02"));
        assert_eq!(a.body, "Sub\n\nText Jan 2.");
        let ld = r#"<html><head><script type="application/ld+json">{"@graph": [{"@type": "NewsArticle", "datePublished": "2022-02-03T08:00:00+01:00"}]}</script></head><body><p>Body text.</p></body></html>"#;
        assert_eq!(
            parse_html_article(ld).date.as_deref(),
            Some("2022-02-03T08:00:00+01:00")
        );
        let deep = "<div>".repeat(5000) + "deep text";
        assert!(parse_html_article(&deep).body.contains("deep text"));
    }

    #[test]
    fn markdown_is_read_as_text() {
        let md = "# Big *news* today\n\nA [link](https://x.y) and **bold** and `code`.\n\n- one\n- two\n\n![alt text](i.png) <b>html</b> caf&eacute;\n";
        assert_eq!(
            markdown_to_text(md),
            "Big news today\n\nA link and bold and code.\n\none\n\ntwo\n\nalt text html café"
        );
    }
}
