//! Reading what people paste: a headline with a colon (`Q&A: Malcolm Glazer
//! and Man Utd`), a quote with a comma after it (`"sorry", he said`), a web
//! address, an unclosed quote or parenthesis. Only the documented syntax is
//! syntax; every other special character of tantivy's grammar is escaped so
//! that it reads as part of a word. Nothing a user types is a syntax error.
//!
//! What stays syntax: `"phrases"` (with `~N` or `*` after them), balanced
//! `(` `)`, a leading `-` or `+` on a word, `field:value` for the fields
//! [`FIELDS`] (a value may be quoted, or a range `[a TO b]` / `{a TO b}`),
//! a boost `^N` after a word or phrase, a prefix `word*`, and `AND`, `OR`,
//! `NOT` between two operands.

/// The fields a query may name (lower case, as the schema names them).
pub const FIELDS: &[&str] = &["title", "body", "company", "year", "path", "id"];

/// What [`clean`] makes of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Cleaned {
    /// The text with every character that is not syntax escaped.
    pub text: String,
    /// True if anything of the documented syntax is left.
    pub syntax: bool,
    /// What was read differently from the grammar, in words for the user.
    pub notes: Vec<String>,
}

/// Characters tantivy's grammar gives a meaning to somewhere in a word
/// (`/` starts a regular expression).
fn is_special(c: char) -> bool {
    matches!(
        c,
        '+' | '^'
            | '`'
            | ':'
            | '{'
            | '}'
            | '"'
            | '\''
            | '['
            | ']'
            | '('
            | ')'
            | '!'
            | '\\'
            | '*'
            | '/'
    )
}

/// Escapes the grammar's special characters of `text`.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_special(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The query with everything that is not documented syntax escaped.
pub(super) fn clean(text: &str) -> Cleaned {
    let mut notes = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let quotes = closing_quotes(&chars, &mut notes);
    let parens = matching_parens(&chars, &quotes, &mut notes);
    let mut out = String::with_capacity(text.len() + 16);
    let mut syntax = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            out.push(' ');
            i += 1;
            continue;
        }
        // One whitespace-separated chunk at a time (a quoted phrase may
        // hold spaces: it ends at its closing quote).
        let start = i;
        let mut chunk = String::new();
        let mut j = start;
        // Opening parentheses of a group.
        while j < chars.len() && chars[j] == '(' {
            if parens[j] {
                chunk.push('(');
                syntax = true;
            } else {
                chunk.push_str("\\(");
            }
            j += 1;
        }
        // A leading operator on what follows.
        if j < chars.len() && matches!(chars[j], '-' | '+') {
            let next = chars.get(j + 1).copied();
            if next.is_some_and(|n| n == '"' || n == '(' || n.is_alphanumeric()) {
                chunk.push(chars[j]);
                syntax = true;
            } else {
                chunk.push('\\');
                chunk.push(chars[j]);
            }
            j += 1;
        }
        // A field name.
        let field_end = (j..chars.len())
            .take_while(|&k| chars[k].is_ascii_lowercase())
            .last()
            .map(|k| k + 1);
        let mut range = false;
        if let Some(end) = field_end {
            let name: String = chars[j..end].iter().collect();
            let value = chars.get(end + 1).copied();
            if chars.get(end) == Some(&':')
                && FIELDS.contains(&name.as_str())
                && value.is_some_and(|v| !v.is_whitespace() && v != ')')
            {
                chunk.push_str(&name);
                chunk.push(':');
                syntax = true;
                range = matches!(value, Some('[' | '{'));
                j = end + 1;
            }
        }
        if range {
            // `year:[2004 TO 2005]`: kept as written up to its closing bracket.
            let close = (j..chars.len()).find(|&k| matches!(chars[k], ']' | '}'));
            if let Some(close) = close {
                chunk.extend(&chars[j..=close]);
                j = close + 1;
            }
        }
        // The rest of the chunk: words, phrases, boosts, closing parentheses.
        while j < chars.len() && !chars[j].is_whitespace() {
            let c = chars[j];
            if c == '"' {
                if let Some(&close) = quotes.get(&j) {
                    chunk.push('"');
                    for &q in &chars[j + 1..close] {
                        // Inside a phrase only a quote or a backslash means anything.
                        if q == '\\' {
                            chunk.push_str("\\\\");
                        } else {
                            chunk.push(q);
                        }
                    }
                    chunk.push('"');
                    syntax = true;
                    j = close + 1;
                    // Slop or prefix right after the phrase.
                    if chars.get(j) == Some(&'~') {
                        let digits = count_digits(&chars[j + 1..]);
                        if digits > 0 {
                            chunk.extend(&chars[j..=j + digits]);
                            j += 1 + digits;
                        }
                    } else if chars.get(j) == Some(&'*') {
                        chunk.push('*');
                        j += 1;
                    }
                    // Whatever touches the closing quote is a word of its own.
                    if j < chars.len()
                        && !chars[j].is_whitespace()
                        && chars[j] != ')'
                        && chars[j] != '^'
                    {
                        chunk.push(' ');
                    }
                    continue;
                }
                chunk.push_str("\\\"");
                j += 1;
                continue;
            }
            if c == ')' {
                if parens[j] {
                    chunk.push(')');
                    syntax = true;
                } else {
                    chunk.push_str("\\)");
                }
                j += 1;
                continue;
            }
            if c == '(' {
                // Inside a word (`f(x)`): a word character.
                chunk.push_str(if parens[j] { "(" } else { "\\(" });
                syntax |= parens[j];
                j += 1;
                continue;
            }
            if c == '^' && j > start {
                let digits = count_decimal(&chars[j + 1..]);
                let ends = chars
                    .get(j + 1 + digits)
                    .is_none_or(|n| n.is_whitespace() || *n == ')');
                if digits > 0 && ends {
                    chunk.extend(&chars[j..=j + digits]);
                    syntax = true;
                    j += 1 + digits;
                    continue;
                }
            }
            if c == '*' {
                let after_word = j > start && chars[j - 1].is_alphanumeric();
                let ends = chars
                    .get(j + 1)
                    .is_none_or(|n| n.is_whitespace() || *n == ')');
                if after_word && ends {
                    chunk.push('*');
                    syntax = true;
                    j += 1;
                    continue;
                }
            }
            if is_special(c) {
                chunk.push('\\');
            }
            chunk.push(c);
            j += 1;
        }
        out.push_str(&chunk);
        i = j;
    }
    let (text, operators) = operators_between_operands(&out);
    Cleaned {
        text,
        syntax: syntax || operators,
        notes,
    }
}

/// For each opening quote that has a closing one, where that is. An odd
/// quote out (the last one) reads as a word, with a note.
fn closing_quotes(
    chars: &[char],
    notes: &mut Vec<String>,
) -> std::collections::HashMap<usize, usize> {
    let positions: Vec<usize> = chars
        .iter()
        .enumerate()
        .filter(|(k, &c)| c == '"' && (*k == 0 || chars[k - 1] != '\\'))
        .map(|(k, _)| k)
        .collect();
    let mut pairs = std::collections::HashMap::new();
    for pair in positions.chunks(2) {
        match pair {
            [open, close] => {
                pairs.insert(*open, *close);
            }
            [alone] => notes.push(format!(
                "the quote at character {} is not closed: read as part of the words",
                alone + 1
            )),
            _ => {}
        }
    }
    pairs
}

/// Which parentheses (outside quoted phrases) have a partner; the others
/// read as part of the words, with a note.
fn matching_parens(
    chars: &[char],
    quotes: &std::collections::HashMap<usize, usize>,
    notes: &mut Vec<String>,
) -> Vec<bool> {
    let mut matched = vec![false; chars.len()];
    let mut open: Vec<usize> = Vec::new();
    let mut unmatched = 0;
    let mut k = 0;
    while k < chars.len() {
        if let Some(&close) = quotes.get(&k) {
            k = close + 1;
            continue;
        }
        match chars[k] {
            '(' => open.push(k),
            ')' => match open.pop() {
                Some(o) => {
                    matched[o] = true;
                    matched[k] = true;
                }
                None => unmatched += 1,
            },
            _ => {}
        }
        k += 1;
    }
    unmatched += open.len();
    if unmatched > 0 {
        notes.push(format!(
            "{unmatched} parenthes{} without a partner: read as part of the words",
            if unmatched == 1 { "is" } else { "es" }
        ));
    }
    matched
}

fn count_digits(chars: &[char]) -> usize {
    chars.iter().take_while(|c| c.is_ascii_digit()).count()
}

/// Digits with at most one decimal point (`2`, `1.5`).
fn count_decimal(chars: &[char]) -> usize {
    let whole = count_digits(chars);
    if whole > 0 && chars.get(whole) == Some(&'.') {
        let frac = count_digits(&chars[whole + 1..]);
        if frac > 0 {
            return whole + 1 + frac;
        }
    }
    whole
}

/// `AND`, `OR`, `NOT`, `&&` and `||` are operators only between two operands
/// (`NOT` only before one); elsewhere (`growth AND`, `AND AND`) they are
/// words, written in lower case. Returns the text and whether any operator
/// is left.
fn operators_between_operands(text: &str) -> (String, bool) {
    let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
    let is_op = |w: &str| matches!(w, "AND" | "OR" | "NOT" | "&&" | "||" | "IN");
    let operand = |w: Option<&&str>| w.is_some_and(|w| !is_op(w) && !w.starts_with(')'));
    let mut kept = false;
    let out: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(k, w)| {
            if !is_op(w) {
                return w.to_string();
            }
            let before = k
                .checked_sub(1)
                .map(|b| &words[b])
                .is_some_and(|b| !is_op(b) && !b.ends_with('('));
            let after = operand(words.get(k + 1));
            let fine = match *w {
                "NOT" => after,
                "IN" => false,
                _ => before && after,
            };
            if fine {
                kept = true;
                w.to_string()
            } else {
                escape(&w.to_lowercase())
            }
        })
        .collect();
    (out.join(" "), kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cleaned(text: &str) -> (String, bool) {
        let c = clean(text);
        (c.text, c.syntax)
    }

    #[test]
    fn headlines_with_colons_are_words() {
        assert_eq!(
            cleaned("Q&A: Malcolm Glazer and Man Utd"),
            ("Q&A\\: Malcolm Glazer and Man Utd".to_string(), false)
        );
        assert!(!cleaned("Yukos: the end").1);
        assert_eq!(cleaned("3:1").0, "3\\:1");
        assert_eq!(cleaned("http://bbc.co.uk").0, "http\\:\\/\\/bbc.co.uk");
        assert!(!cleaned("Title: the end").1, "fields are lower case");
        assert!(!cleaned("title: the end").1, "a field needs a value");
    }

    #[test]
    fn documented_syntax_stays() {
        assert_eq!(
            cleaned("title:yukos -oil"),
            ("title:yukos -oil".to_string(), true)
        );
        assert_eq!(
            cleaned("company:\"bending spoons\" OR meta"),
            ("company:\"bending spoons\" OR meta".to_string(), true)
        );
        assert_eq!(cleaned("year:[2004 TO 2005]").0, "year:[2004 TO 2005]");
        assert_eq!(cleaned("(a OR b) c^2 yuk*").0, "(a OR b) c^2 yuk*");
        assert_eq!(
            cleaned("\"return to office\"~2").0,
            "\"return to office\"~2"
        );
    }

    #[test]
    fn quotes_and_parentheses_without_partners_are_words() {
        let c = clean("layoffs \"return to");
        assert_eq!(c.text, "layoffs \\\"return to");
        assert!(!c.syntax);
        assert_eq!(c.notes.len(), 1, "{:?}", c.notes);
        let c = clean("(unbalanced");
        assert_eq!(c.text, "\\(unbalanced");
        assert_eq!(c.notes.len(), 1);
        assert_eq!(cleaned("a) b").0, "a\\) b");
        // A quote touching a comma: the comma is a word of its own.
        assert_eq!(cleaned("\"sorry\", he said").0, "\"sorry\" , he said");
        // Apostrophes are not quotes.
        assert_eq!(cleaned("Amazon's \"plan\"").0, "Amazon\\'s \"plan\"");
    }

    #[test]
    fn dangling_operators_are_words() {
        assert_eq!(cleaned("growth AND"), ("growth and".to_string(), false));
        assert_eq!(cleaned("AND growth").0, "and growth");
        assert_eq!(cleaned("a AND AND b").0, "a and and b");
        assert_eq!(cleaned("a AND b"), ("a AND b".to_string(), true));
        assert!(cleaned("NOT b").1);
    }

    #[test]
    fn stray_specials_are_escaped() {
        assert_eq!(
            cleaned("x^ [5bn] {y} a\\").0,
            "x\\^ \\[5bn\\] \\{y\\} a\\\\"
        );
        assert_eq!(cleaned("5 * 3 + 2").0, "5 \\* 3 \\+ 2");
        assert_eq!(cleaned("C++ `code`").0, "C\\+\\+ \\`code\\`");
    }
}
