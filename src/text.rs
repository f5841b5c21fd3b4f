//! Small text helpers shared by extraction and output.

/// Removes characters that could mislead a terminal: control characters (except
/// newline and tab, which become spaces) and Unicode bidi overrides.
///
/// Article text is untrusted input; it is printed only after this.
pub fn sanitize_for_terminal(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\n' | '\t' | '\r' => Some(' '),
            c if is_unsafe_char(c) => None,
            c => Some(c),
        })
        .collect()
}

/// Control characters and Unicode bidi controls: never printed as they are.
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// Collapses runs of whitespace into single spaces and trims the ends.
pub fn squash_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Cuts `s` to at most `max_chars` characters at a word boundary, adding `…` if cut.
pub fn truncate_words(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        return s.to_string();
    }
    let cut: String = s.chars().take(max_chars).collect();
    let cut = match cut.rfind(char::is_whitespace) {
        Some(i) if i > max_chars / 2 => &cut[..i],
        _ => &cut[..],
    };
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_strips_control_and_bidi() {
        assert_eq!(
            sanitize_for_terminal("a\u{1b}[31mb\u{202E}c\nd"),
            "a[31mbc d"
        );
    }

    #[test]
    fn truncate_at_word_boundary() {
        assert_eq!(truncate_words("hello big world", 11), "hello big…");
        assert_eq!(truncate_words("short", 10), "short");
    }
}
