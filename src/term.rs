//! Fitting output to the terminal: the width to wrap at, wrapping at word
//! boundaries and cutting titles by display width (CJK and emoji take two
//! columns), with textwrap and unicode-width.
//!
//! The width is the terminal's; `COLUMNS` overrides it, also when the output
//! is piped; piped output without `COLUMNS` is not wrapped.

use std::borrow::Cow;

use unicode_width::UnicodeWidthChar;

/// Narrowest width wrapped to: below this, lines are wrapped at this width.
pub const MIN_WIDTH: usize = 20;

/// The width to wrap standard output at: `COLUMNS` if it is set to a
/// number, else the terminal's when `is_terminal`, else `None` (no wrapping).
pub fn output_width(is_terminal: bool) -> Option<usize> {
    width_from(std::env::var("COLUMNS").ok().as_deref(), || {
        if is_terminal {
            terminal_size::terminal_size().map(|(w, _)| w.0 as usize)
        } else {
            None
        }
    })
}

fn width_from(columns: Option<&str>, terminal: impl FnOnce() -> Option<usize>) -> Option<usize> {
    let from_env = columns
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&w| w > 0);
    from_env.or_else(terminal).map(|w| w.max(MIN_WIDTH))
}

/// The display width of `s` in columns (ANSI colour sequences count zero).
pub fn display_width(s: &str) -> usize {
    textwrap::core::display_width(s)
}

/// `s` wrapped at word boundaries to `width` columns, the lines after the
/// first starting with `indent` (which counts in the width). One line, as it
/// is, when `width` is `None`. A word longer than the width is broken.
pub fn wrap<'a>(s: &'a str, width: Option<usize>, indent: &'a str) -> Vec<Cow<'a, str>> {
    match width {
        None => vec![Cow::Borrowed(s)],
        Some(width) => {
            let options = textwrap::Options::new(width.max(MIN_WIDTH))
                .subsequent_indent(indent)
                .break_words(true);
            let lines = textwrap::wrap(s, options);
            if lines.is_empty() {
                vec![Cow::Borrowed("")]
            } else {
                lines
            }
        }
    }
}

/// `s` cut to at most `width` display columns, ending in `…` when cut; at a
/// space when one is in the second half of what is kept.
pub fn truncate(s: &str, width: usize) -> Cow<'_, str> {
    if display_width(s) <= width {
        return Cow::Borrowed(s);
    }
    let budget = width.saturating_sub(1);
    let mut used = 0;
    let mut out = String::new();
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > budget {
            break;
        }
        used += w;
        out.push(c);
    }
    if let Some(space) = out.rfind(' ') {
        if display_width(&out[..space]) > budget / 2 {
            out.truncate(space);
        }
    }
    let mut out = out.trim_end().to_string();
    out.push('…');
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_overrides_and_piped_output_is_not_wrapped() {
        assert_eq!(width_from(Some("40"), || Some(120)), Some(40));
        assert_eq!(width_from(None, || Some(120)), Some(120));
        assert_eq!(width_from(None, || None), None);
        assert_eq!(width_from(Some("x"), || None), None);
        assert_eq!(width_from(Some("5"), || None), Some(MIN_WIDTH));
    }

    #[test]
    fn wraps_at_word_boundaries() {
        let lines = wrap(
            "the quick brown fox jumps over the lazy dog",
            Some(20),
            "  ",
        );
        assert_eq!(
            lines,
            ["the quick brown fox", "  jumps over the", "  lazy dog"]
        );
        assert!(lines.iter().all(|l| display_width(l) <= 20));
        assert_eq!(wrap("a b", None, "  "), ["a b"]);
    }

    #[test]
    fn truncates_by_display_width() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("hello world", 8), "hello…");
        assert_eq!(truncate("helloworld", 8), "hellowo…");
        assert_eq!(truncate("hello big world", 12), "hello big…");
        // Each of these takes two columns.
        let cut = truncate("東京株式市場で大幅な値上がり", 9);
        assert_eq!(cut, "東京株式…");
        assert!(display_width(&cut) <= 9);
        let cut = truncate("🚀🚀🚀🚀🚀 launch", 6);
        assert_eq!(cut, "🚀🚀…");
        assert_eq!(display_width(&cut), 5);
    }
}
