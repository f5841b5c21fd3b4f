//! Problems with single inputs: reported, counted, and the run goes on.

/// A problem with one input, reported to the user; the run goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The file concerned.
    pub path: String,
    /// 1-based line (JSON lines) or element (JSON array), if the problem is in one record.
    pub record: Option<usize>,
    /// What kind of problem it is (named in the summary line).
    pub kind: WarningKind,
    /// What went wrong, in a few words.
    pub reason: String,
    /// Whether an article (or a whole file) was left out because of it.
    pub skipped: bool,
}

/// The kinds of [`Warning`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WarningKind {
    /// A file or folder that could not be read.
    Unreadable,
    /// A file (or a JSON file) with no article in it.
    Empty,
    /// A text file indexed only up to the size limit.
    Truncated,
    /// Text that was not UTF-8, decoded as Windows-1252.
    ReEncoded,
    /// A file or line with NUL bytes.
    Binary,
    /// JSON that does not parse or is not an object.
    InvalidJson,
    /// A JSON record without a text field.
    NoText,
    /// A date that could not be used.
    Date,
    /// A path the index was built from that vanished or holds no article
    /// file: its articles are kept (unless `--prune`).
    Vanished,
}

impl WarningKind {
    /// The short name shown in the summary line (`empty 1, invalid JSON 1`).
    pub fn as_str(self) -> &'static str {
        match self {
            WarningKind::Unreadable => "unreadable",
            WarningKind::Empty => "empty",
            WarningKind::Truncated => "truncated",
            WarningKind::ReEncoded => "re-encoded",
            WarningKind::Binary => "binary",
            WarningKind::InvalidJson => "invalid JSON",
            WarningKind::NoText => "no text",
            WarningKind::Date => "date",
            WarningKind::Vanished => "vanished path",
        }
    }
}

impl std::fmt::Display for WarningKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Warning {
    /// A problem that left an article or a file out.
    pub fn skip(
        path: &str,
        record: Option<usize>,
        kind: WarningKind,
        reason: impl Into<String>,
    ) -> Warning {
        Warning {
            path: path.to_string(),
            record,
            kind,
            reason: reason.into(),
            skipped: true,
        }
    }

    /// A problem that left nothing out (re-encoded text, a truncated file, a bad date).
    pub fn note(
        path: &str,
        record: Option<usize>,
        kind: WarningKind,
        reason: impl Into<String>,
    ) -> Warning {
        Warning {
            skipped: false,
            ..Warning::skip(path, record, kind, reason)
        }
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.record {
            Some(n) => write!(
                f,
                "{}:{}: {}",
                super::key_display(&self.path),
                n,
                self.reason
            ),
            None => write!(f, "{}: {}", super::key_display(&self.path), self.reason),
        }
    }
}
