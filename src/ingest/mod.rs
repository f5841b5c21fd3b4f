//! Finding article files, decoding them and parsing them into [`RawRecord`]s.
//!
//! Supported inputs, chosen by file extension while walking folders:
//!
//! | extension          | articles per file                                   |
//! |--------------------|-----------------------------------------------------|
//! | `.txt`, `.md`      | one; headline and date are found in the text        |
//! | `.html`, `.htm`    | one; headline, date and main text from the page     |
//! | `.json`            | one object, or an array of objects                  |
//! | `.jsonl`, `.ndjson`| one object per line                                 |
//!
//! A file named explicitly on the command line is read whatever its extension
//! (as JSON lines if it ends in `.jsonl`/`.ndjson`, JSON for `.json`, text otherwise).
//! All text is cleaned on the way in ([`crate::markup`]): HTML entities
//! decoded, HTML tags stripped, Markdown read as text.
//! Nothing here panics on bad input: every problem becomes a [`Warning`] naming the
//! file (and line) and the reason.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;
use serde_json::{Map, Value};

mod walk;
mod warning;
pub use walk::{discover, Discovery, WalkOptions, SEARCH_IGNORE_FILE};
pub use warning::{Warning, WarningKind};

/// Files larger than this are indexed up to this many bytes, with a warning.
/// JSON-lines files are streamed and have no such limit.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Number of JSON lines parsed together in one parallel batch.
const JSONL_BATCH_LINES: usize = 2048;

/// How a file is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Plain text: one article.
    Text,
    /// Markdown: one article, optional `---` front matter with `title:` and `date:`.
    Markdown,
    /// A JSON object or an array of objects.
    Json,
    /// One JSON object per line.
    JsonLines,
    /// An HTML page: one article.
    Html,
}

impl FileKind {
    /// The kind for a file extension, if it is one we index when walking folders.
    pub fn from_path(path: &Path) -> Option<FileKind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "text" => Some(FileKind::Text),
            "md" | "markdown" => Some(FileKind::Markdown),
            "json" => Some(FileKind::Json),
            "jsonl" | "ndjson" => Some(FileKind::JsonLines),
            "html" | "htm" | "xhtml" => Some(FileKind::Html),
            _ => None,
        }
    }
}

/// One input file to read.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// The path as found (relative if the user gave a relative root).
    pub path: PathBuf,
    /// Size in bytes when it was found.
    pub size: u64,
    /// How to parse it.
    pub kind: FileKind,
}

/// An article as read from its file, before extraction.
#[derive(Debug, Clone, Default)]
pub struct RawRecord {
    /// The file it came from.
    pub path: String,
    /// 1-based line or element number inside a multi-article file.
    pub record: Option<usize>,
    /// The record's own id, if the input has one.
    pub id: Option<String>,
    /// A title given by the input (JSON `title`, Markdown front matter).
    pub title: Option<String>,
    /// The text. For plain-text files this includes the header lines and headline.
    pub body: String,
    /// A date given by the input, unparsed.
    pub date: Option<String>,
    /// The URL, if given.
    pub url: Option<String>,
    /// The publisher, if given.
    pub source: Option<String>,
}

impl RawRecord {
    /// The identifier shown for this article: its own id, or its path (with record number).
    pub fn display_id(&self) -> String {
        if let Some(id) = &self.id {
            return id.clone();
        }
        match self.record {
            Some(n) => format!("{}:{}", key_display(&self.path), n),
            None => key_display(&self.path).into_owned(),
        }
    }
}

fn describe_io_error(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        std::io::ErrorKind::NotFound => "vanished or broken symbolic link".to_string(),
        _ => err.to_string(),
    }
}

/// Where parsed records and warnings go; called from several threads.
pub trait RecordSink: Sync {
    /// Takes one parsed record.
    fn record(&self, record: RawRecord);
    /// Takes one warning.
    fn warn(&self, warning: Warning);
    /// Takes a record, or the warning that says why there is none.
    fn take(&self, outcome: Result<RawRecord, Warning>) {
        match outcome {
            Ok(record) => self.record(record),
            Err(warning) => self.warn(warning),
        }
    }
}

/// Counts what one file yields, so that a file with no article in it and no
/// other warning is reported as empty rather than passed over in silence.
struct FileSink<'a> {
    inner: &'a dyn RecordSink,
    records: AtomicUsize,
    warnings: AtomicUsize,
    re_encoded: AtomicBool,
}

impl RecordSink for FileSink<'_> {
    fn record(&self, record: RawRecord) {
        self.records.fetch_add(1, Ordering::Relaxed);
        self.inner.record(record);
    }

    fn warn(&self, warning: Warning) {
        // One note per file for re-encoded lines, not one per line.
        if warning.kind == WarningKind::ReEncoded && self.re_encoded.swap(true, Ordering::Relaxed) {
            return;
        }
        self.warnings.fetch_add(1, Ordering::Relaxed);
        self.inner.warn(warning);
    }
}

/// Marks an undecodable byte in a [`path_key`]: a NUL (which no Unix file
/// name can hold) followed by the byte in two hex digits.
const KEY_BYTE_MARK: char = '\0';

/// The text that identifies a file in the index (`path` field, file states):
/// the path itself when it is UTF-8; otherwise its valid parts as they are,
/// with each undecodable byte as a NUL and two hex digits. No file name holds
/// a NUL, so the key is one-to-one with the name's exact bytes: a name holding
/// the four characters `\xff` and one holding the byte 0xFF get different
/// keys. [`key_display`] shows a key to people.
pub fn path_key(path: &Path) -> String {
    if let Some(text) = path.to_str() {
        return text.to_string();
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut key = String::new();
        for chunk in path.as_os_str().as_bytes().utf8_chunks() {
            key.push_str(chunk.valid());
            for byte in chunk.invalid() {
                key.push(KEY_BYTE_MARK);
                key.push_str(&format!("{byte:02x}"));
            }
        }
        key
    }
    #[cfg(not(unix))]
    {
        path.display().to_string()
    }
}

/// A [`path_key`] as shown to people: each undecodable byte as `\xNN`
/// (lossy: two different names may look alike, but they stay apart in the
/// index).
pub fn key_display(key: &str) -> std::borrow::Cow<'_, str> {
    if !key.contains(KEY_BYTE_MARK) {
        return std::borrow::Cow::Borrowed(key);
    }
    std::borrow::Cow::Owned(key.replace(KEY_BYTE_MARK, "\\x"))
}

/// Reads one file and hands every record in it (or a warning) to `sink`.
///
/// JSON-lines files are streamed in batches that are parsed in parallel.
pub fn read_file(file: &InputFile, sink: &dyn RecordSink) {
    read_file_as(file, &path_key(&file.path), sink)
}

/// [`read_file`], with the records' `path` (the file's key in the index) given.
pub fn read_file_as(file: &InputFile, key: &str, sink: &dyn RecordSink) {
    let path = key;
    let counted = FileSink {
        inner: sink,
        records: AtomicUsize::new(0),
        warnings: AtomicUsize::new(0),
        re_encoded: AtomicBool::new(false),
    };
    read_file_into(file, path, &counted);
    if counted.records.load(Ordering::Relaxed) == 0 && counted.warnings.load(Ordering::Relaxed) == 0
    {
        sink.warn(Warning::skip(
            path,
            None,
            WarningKind::Empty,
            "no article in this file, skipped",
        ));
    }
}

fn read_file_into(file: &InputFile, path: &str, sink: &dyn RecordSink) {
    let handle = match File::open(&file.path) {
        Ok(f) => f,
        Err(e) => {
            return sink.warn(Warning::skip(
                path,
                None,
                WarningKind::Unreadable,
                describe_io_error(&e),
            ))
        }
    };
    read_from(file.kind, path, handle, file.size, sink);
}

/// Parses the articles of one file's content, read from `reader`, as `kind`.
///
/// This is everything [`read_file`] does after opening the file; it is public
/// so that the parser can be driven (and fuzzed) without a file system.
pub fn read_from(
    kind: FileKind,
    path: &str,
    mut reader: impl Read,
    size_hint: u64,
    sink: &dyn RecordSink,
) {
    let warn =
        |kind: WarningKind, reason: String| sink.warn(Warning::skip(path, None, kind, reason));
    if kind == FileKind::JsonLines {
        return read_json_lines(reader, path, sink);
    }
    // JSON is parsed whole (a cut would make it invalid); text is read up to the limit.
    let limit = match kind {
        FileKind::Json => u64::MAX,
        _ => MAX_FILE_BYTES,
    };
    let mut bytes = Vec::with_capacity(size_hint.min(MAX_FILE_BYTES) as usize);
    if let Err(e) = (&mut reader)
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
    {
        return warn(WarningKind::Unreadable, describe_io_error(&e));
    }
    if bytes.len() as u64 > limit {
        bytes.truncate(limit as usize);
        // Do not cut a UTF-8 character in two.
        if let Err(e) = std::str::from_utf8(&bytes) {
            if e.error_len().is_none() {
                bytes.truncate(e.valid_up_to());
            }
        }
        sink.warn(Warning::note(
            path,
            None,
            WarningKind::Truncated,
            format!(
                "larger than {0} MiB; only the first {0} MiB are indexed",
                MAX_FILE_BYTES >> 20
            ),
        ));
    }
    let text = match decode(&bytes) {
        Decoded::Text(text, note) => {
            if let Some(note) = note {
                sink.warn(Warning::note(path, None, WarningKind::ReEncoded, note));
            }
            text
        }
        Decoded::Binary => {
            return warn(
                WarningKind::Binary,
                "binary file (contains NUL bytes), skipped".into(),
            )
        }
    };
    if text.trim().is_empty() {
        return warn(WarningKind::Empty, "empty file, skipped".into());
    }
    match kind {
        FileKind::Text => sink.record(RawRecord {
            path: path.to_string(),
            body: crate::markup::clean_text(text),
            ..RawRecord::default()
        }),
        FileKind::Markdown => {
            let mut record = parse_markdown(path.to_string(), text);
            record.body = crate::markup::markdown_to_text(&record.body);
            sink.record(record)
        }
        FileKind::Html => {
            let page = crate::markup::parse_html_article(&text);
            if page.body.trim().is_empty() {
                return warn(
                    WarningKind::NoText,
                    "no text: the page has no article text".into(),
                );
            }
            sink.record(RawRecord {
                path: path.to_string(),
                title: page.title,
                body: page.body,
                date: page.date,
                url: page.url,
                source: page.source,
                ..RawRecord::default()
            })
        }
        FileKind::Json => read_json(&text, path, sink),
        FileKind::JsonLines => unreachable!("streamed above"),
    }
}

/// The result of decoding a file's bytes.
#[derive(Debug, PartialEq, Eq)]
pub enum Decoded {
    /// Text, with a note when it was not plain UTF-8.
    Text(String, Option<&'static str>),
    /// NUL bytes: not a text file.
    Binary,
}

/// Decodes bytes as UTF-8 (with or without BOM), UTF-16 with BOM, or else
/// Windows-1252 (a superset of Latin-1 for printable text).
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        let note = (encoding != encoding_rs::UTF_8).then_some("UTF-16 text, decoded");
        return Decoded::Text(text.into_owned(), note);
    }
    if bytes.contains(&0) {
        return Decoded::Binary;
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Decoded::Text(s.to_string(), None),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            Decoded::Text(
                text.into_owned(),
                Some("not valid UTF-8; decoded as Windows-1252 (Latin-1)"),
            )
        }
    }
}

/// Splits `---` front matter (`key: value` lines up to a closing `---` or
/// `...` line) from a Markdown file. Text that merely opens with a `---` rule
/// is left as it is.
fn parse_markdown(path: String, text: String) -> RawRecord {
    let mut record = RawRecord {
        path,
        ..RawRecord::default()
    };
    let mut lines = text.split_inclusive('\n');
    let opens = lines.next().is_some_and(|l| l.trim_end() == "---");
    let mut fields = Vec::new();
    let mut body_start = None;
    if opens {
        let mut offset = text.find('\n').map_or(text.len(), |i| i + 1);
        for line in lines {
            offset += line.len();
            let content = line.trim_end();
            if content == "---" || content == "..." {
                body_start = Some(offset);
                break;
            }
            match content.split_once(':') {
                Some((key, value))
                    if !key.trim().is_empty()
                        && key.trim().chars().all(|c| {
                            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-'
                        }) =>
                {
                    fields.push((key.trim().to_ascii_lowercase(), value.trim().to_string()))
                }
                _ if content.trim().is_empty() || content.starts_with([' ', '-', '#']) => {}
                _ => break,
            }
        }
    }
    let Some(body_start) = body_start else {
        record.body = text;
        return record;
    };
    for (key, value) in fields {
        let value =
            crate::markup::decode_entities(value.trim_matches('"').trim_matches('\'')).into_owned();
        match key.as_str() {
            "title" => record.title = Some(value),
            "date" | "published" | "pubdate" | "published_at" | "date_published" => {
                record.date.get_or_insert(value);
            }
            "url" => record.url = Some(value),
            "source" => record.source = Some(value),
            "id" => record.id = Some(value),
            _ => {}
        }
    }
    record.body = text[body_start..].to_string();
    record
}

fn read_json(text: &str, path: &str, sink: &dyn RecordSink) {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return sink.warn(Warning::skip(
                path,
                Some(e.line()),
                WarningKind::InvalidJson,
                format!("invalid JSON: {e}"),
            ))
        }
    };
    match value {
        Value::Object(map) => sink.take(record_from_json(map, path, None)),
        Value::Array(items) => {
            for (i, item) in items.into_iter().enumerate() {
                let outcome = match item {
                    Value::Object(map) => record_from_json(map, path, Some(i + 1)),
                    _ => Err(Warning::skip(
                        path,
                        Some(i + 1),
                        WarningKind::InvalidJson,
                        "array element is not a JSON object",
                    )),
                };
                sink.take(outcome)
            }
        }
        _ => sink.warn(Warning::skip(
            path,
            None,
            WarningKind::InvalidJson,
            "expected a JSON object or an array of objects",
        )),
    }
}

fn read_json_lines(file: impl Read, path: &str, sink: &dyn RecordSink) {
    let mut reader = BufReader::with_capacity(1 << 20, file);
    // A UTF-16 file cannot be split on newline bytes: decode it whole.
    let head = reader.fill_buf().map(|b| b.to_vec()).unwrap_or_default();
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(&head) {
        if encoding != encoding_rs::UTF_8 {
            let mut bytes = Vec::new();
            if let Err(e) = reader.read_to_end(&mut bytes) {
                return sink.warn(Warning::skip(
                    path,
                    None,
                    WarningKind::Unreadable,
                    describe_io_error(&e),
                ));
            }
            let (text, _) = encoding.decode_with_bom_removal(&bytes);
            sink.warn(Warning::note(
                path,
                None,
                WarningKind::ReEncoded,
                "UTF-16 text, decoded",
            ));
            let lines: Vec<(usize, &str)> =
                text.lines().enumerate().map(|(i, l)| (i + 1, l)).collect();
            lines.par_iter().for_each(|(n, line)| {
                if let Some(outcome) = parse_json_line(line.as_bytes(), path, *n, sink) {
                    sink.take(outcome)
                }
            });
            return;
        }
    }
    let mut line_no = 0usize;
    let mut batch: Vec<(usize, Vec<u8>)> = Vec::with_capacity(JSONL_BATCH_LINES);
    let mut done = false;
    while !done {
        batch.clear();
        while batch.len() < JSONL_BATCH_LINES {
            let mut buf = Vec::new();
            match reader.read_until(b'\n', &mut buf) {
                Ok(0) => {
                    done = true;
                    break;
                }
                Ok(_) => {
                    line_no += 1;
                    if line_no == 1 && buf.starts_with(b"\xef\xbb\xbf") {
                        buf.drain(..3);
                    }
                    batch.push((line_no, buf));
                }
                Err(e) => {
                    sink.warn(Warning::skip(
                        path,
                        Some(line_no + 1),
                        WarningKind::Unreadable,
                        format!("read error: {}", describe_io_error(&e)),
                    ));
                    done = true;
                    break;
                }
            }
        }
        batch.par_iter().for_each(|(n, bytes)| {
            if let Some(outcome) = parse_json_line(bytes, path, *n, sink) {
                sink.take(outcome)
            }
        });
    }
}

/// Parses one JSON line; `None` for a blank line. A line that is not UTF-8 is
/// decoded as Windows-1252 and noted (once per file, see [`FileSink`]).
fn parse_json_line(
    bytes: &[u8],
    path: &str,
    line: usize,
    sink: &dyn RecordSink,
) -> Option<Result<RawRecord, Warning>> {
    let text = match decode(bytes) {
        Decoded::Text(t, note) => {
            if let Some(note) = note {
                sink.warn(Warning::note(
                    path,
                    Some(line),
                    WarningKind::ReEncoded,
                    note,
                ));
            }
            t
        }
        Decoded::Binary => {
            return Some(Err(Warning::skip(
                path,
                Some(line),
                WarningKind::Binary,
                "binary data (NUL bytes)",
            )))
        }
    };
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return None;
    }
    Some(match serde_json::from_str::<Value>(trimmed) {
        Ok(Value::Object(map)) => record_from_json(map, path, Some(line)),
        Ok(_) => Err(Warning::skip(
            path,
            Some(line),
            WarningKind::InvalidJson,
            "not a JSON object",
        )),
        Err(e) => Err(Warning::skip(
            path,
            Some(line),
            WarningKind::InvalidJson,
            format!("invalid JSON: {e}"),
        )),
    })
}

/// Builds a record from a JSON object, or says why it has no article in it.
fn record_from_json(
    mut map: Map<String, Value>,
    path: &str,
    record: Option<usize>,
) -> Result<RawRecord, Warning> {
    let mut take = |keys: &[&str]| -> Option<String> {
        keys.iter().find_map(|k| match map.remove(*k) {
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        })
    };
    let body = take(&["body", "text", "content"]);
    let title = take(&["title", "headline"]);
    let date = take(&[
        "date",
        "published",
        "published_at",
        "publishedAt",
        "pubDate",
        "datePublished",
        "published_date",
        "publication_date",
    ]);
    let url = take(&["url", "link"]);
    let source = take(&["source", "publisher"]);
    let id = take(&["id"]);
    let Some(body) = body else {
        return Err(Warning::skip(
            path,
            record,
            WarningKind::NoText,
            "no text: expected a non-empty `body`, `text` or `content` field",
        ));
    };
    let clean = crate::markup::clean_text;
    Ok(RawRecord {
        path: path.to_string(),
        record,
        id,
        title: title.map(clean),
        body: clean(body),
        date,
        url,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn path_keys_are_one_to_one_with_the_bytes() {
        use std::os::unix::ffi::OsStrExt;
        let key = |b: &[u8]| path_key(Path::new(std::ffi::OsStr::from_bytes(b)));
        // UTF-8 names are their own key.
        assert_eq!(key(b"news/a.txt"), "news/a.txt");
        assert_eq!(key(b"a\\xff.txt"), "a\\xff.txt");
        // The byte and its spelling differ; so do two different bytes.
        assert_ne!(key(b"a\xff.txt"), key(b"a\\xff.txt"));
        assert_ne!(key(b"a\xff.txt"), key(b"a\xfe.txt"));
        assert_ne!(key(b"\\xff\xfe"), key(b"\xff\\xfe"));
        // A folder's key is a prefix of its files' keys.
        assert!(key(b"d\xff/a.txt").starts_with(&key(b"d\xff")));
        // Shown lossily.
        assert_eq!(key_display(&key(b"a\xff.txt")), "a\\xff.txt");
        assert_eq!(key_display("plain"), "plain");
    }
    use std::sync::Mutex;

    #[derive(Default)]
    struct Collect {
        records: Mutex<Vec<RawRecord>>,
        warnings: Mutex<Vec<Warning>>,
    }
    impl RecordSink for Collect {
        fn record(&self, record: RawRecord) {
            self.records.lock().unwrap().push(record);
        }
        fn warn(&self, warning: Warning) {
            self.warnings.lock().unwrap().push(warning);
        }
    }

    #[test]
    fn decodes_latin1_with_note() {
        let bytes = b"Price: \xa3100";
        match decode(bytes) {
            Decoded::Text(t, Some(_)) => assert_eq!(t, "Price: £100"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn decodes_bom_and_utf16() {
        assert_eq!(decode(b"\xef\xbb\xbfhi"), Decoded::Text("hi".into(), None));
        let utf16 = b"\xff\xfeh\0i\0";
        assert!(matches!(decode(utf16), Decoded::Text(t, Some(_)) if t == "hi"));
        assert_eq!(decode(b"a\0b"), Decoded::Binary);
    }

    #[test]
    fn json_line_fields_and_errors() {
        let sink = Collect::default();
        let parse_json_line = |b: &[u8], p: &str, n: usize| super::parse_json_line(b, p, n, &sink);
        let ok = parse_json_line(br#"{"title":"T","text":"B","id":7,"x":1}"#, "f", 3)
            .unwrap()
            .unwrap();
        assert_eq!(ok.title.as_deref(), Some("T"));
        assert_eq!(ok.body, "B");
        assert_eq!(ok.id.as_deref(), Some("7"));
        let no_text = parse_json_line(br#"{"title":"T"}"#, "f", 4)
            .unwrap()
            .unwrap_err();
        assert_eq!(no_text.record, Some(4));
        assert!(no_text.reason.contains("no text"));
        let bad = parse_json_line(b"{oops", "f", 5).unwrap().unwrap_err();
        assert!(bad.reason.starts_with("invalid JSON"));
        assert!(parse_json_line(b"  \n", "f", 6).is_none());
    }

    #[test]
    fn markdown_rule_is_not_front_matter() {
        let r = parse_markdown(
            "a.md".into(),
            "---\nIntro: the company said it would cut jobs today.\n---\nRest\n".into(),
        );
        assert_eq!(r.title, None);
        assert!(r.body.starts_with("---\nIntro"));
        let r = parse_markdown("a.md".into(), "---\ntitle: T\nno closing line\n".into());
        assert_eq!(r.title, None);
    }

    #[test]
    fn empty_and_utf16_json_lines_files() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            InputFile {
                size: bytes.len() as u64,
                kind: FileKind::from_path(&path).unwrap(),
                path,
            }
        };
        let sink = Collect::default();
        read_file(&write("e.jsonl", b"\n  \n"), &sink);
        read_file(&write("a.json", b"[]"), &sink);
        let mut utf16 = vec![0xff, 0xfe];
        for unit in "{\"body\":\"caf\u{e9}\"}\n{\"body\":\"two\"}\n".encode_utf16() {
            utf16.extend(unit.to_le_bytes());
        }
        read_file(&write("u.jsonl", &utf16), &sink);
        let mut latin = b"{\"body\":\"\xa3 one\"}\n".to_vec();
        latin.extend(b"{\"body\":\"\xa3 two\"}\n");
        read_file(&write("l.jsonl", &latin), &sink);
        let records = sink.records.lock().unwrap();
        let warnings = sink.warnings.lock().unwrap();
        let kinds: Vec<(&str, &str)> = warnings
            .iter()
            .map(|w| (w.path.rsplit('/').next().unwrap(), w.kind.as_str()))
            .collect();
        assert!(kinds.contains(&("e.jsonl", "empty")), "{kinds:?}");
        assert!(kinds.contains(&("a.json", "empty")), "{kinds:?}");
        assert!(kinds.contains(&("u.jsonl", "re-encoded")), "{kinds:?}");
        assert_eq!(
            kinds.iter().filter(|k| k.0 == "l.jsonl").count(),
            1,
            "one note per file: {kinds:?}"
        );
        assert_eq!(records.len(), 4);
        assert!(records.iter().any(|r| r.body == "café"));
        assert!(records.iter().any(|r| r.body == "£ two"));
    }

    #[test]
    fn truncation_keeps_utf8_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.txt");
        let mut text = "Big file headline here\n\n".to_string();
        while text.len() < MAX_FILE_BYTES as usize + 10 {
            text.push('é');
        }
        std::fs::write(&path, &text).unwrap();
        let sink = Collect::default();
        read_file(
            &InputFile {
                size: text.len() as u64,
                kind: FileKind::Text,
                path,
            },
            &sink,
        );
        let warnings = sink.warnings.lock().unwrap();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].kind, WarningKind::Truncated);
        let records = sink.records.lock().unwrap();
        assert!(records[0].body.ends_with('é'));
    }

    #[test]
    fn markdown_front_matter() {
        let r = parse_markdown(
            "a.md".into(),
            "---\ntitle: \"Hello\"\ndate: 2024-05-01\n---\nBody here\n".into(),
        );
        assert_eq!(r.title.as_deref(), Some("Hello"));
        assert_eq!(r.date.as_deref(), Some("2024-05-01"));
        assert_eq!(r.body, "Body here\n");
    }

    #[test]
    fn json_array_reports_bad_elements() {
        let sink = Collect::default();
        read_json(r#"[{"body":"a"}, 3, {"title":"x"}]"#, "f.json", &sink);
        assert_eq!(sink.records.lock().unwrap().len(), 1);
        let w = sink.warnings.lock().unwrap();
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].record, Some(2));
        assert_eq!(w[1].record, Some(3));
    }
}
