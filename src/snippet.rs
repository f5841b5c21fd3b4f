//! Snippets: the passage of an article that best shows why it matched.
//!
//! The body is tokenized as the index's analyzer does, so `layoffs` in the query
//! marks `layoff` and `laid-off` marks nothing it should not. Among windows of
//! about [`SNIPPET_BYTES`] bytes, the one with the most *distinct* query words
//! wins (then the most matches, then the earliest). If other query words occur
//! only elsewhere, a second, shorter passage that has them is added after `…`.
//! Passages start and end on whole words; an exact occurrence of the query's
//! phrase is highlighted as one span.

use std::collections::HashSet;
use std::ops::Range;

use serde::Serialize;
use tantivy::tokenizer::TextAnalyzer;

/// Bytes of text in the main passage (a second passage gets half as many).
pub const SNIPPET_BYTES: usize = 220;

/// A snippet of the body with the matched words marked.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Snippet {
    /// The passage, whitespace folded, with `…` where it was cut.
    pub text: String,
    /// Highlighted spans as `[start, end)` offsets in Unicode scalar values (characters).
    pub highlights: Vec<[usize; 2]>,
}

/// One analyzed word of the body that may be a query word.
struct Token {
    /// The analyzed word.
    text: String,
    position: usize,
    span: Range<usize>,
}

/// Makes snippets for one query.
pub struct SnippetMaker {
    /// Splits, lower-cases and folds the body's words (the index's analyzer
    /// without stemming).
    folding: TextAnalyzer,
    /// Analyzed query words to mark.
    words: HashSet<String>,
    /// The query's analyzed tokens in order, highlighted as one span where they
    /// occur consecutively (empty for fewer than two tokens).
    phrase: Vec<String>,
    /// Words of `words` that are marked only inside an occurrence of the
    /// phrase (a quoted phrase's `to`), not on their own.
    phrase_only: HashSet<String>,
    /// First characters of `words` and `phrase`. Stemming keeps a word's first
    /// character, so only body words starting with one of these are stemmed:
    /// stemming every word of every hit was most of a query's time.
    initials: Vec<char>,
}

impl SnippetMaker {
    /// A snippet maker marking `words`, and `phrase` as a whole; words are
    /// analyzed as the index's English analyzer does.
    pub fn new(mut words: HashSet<String>, phrase: Vec<String>) -> Self {
        // Words that cannot match are left empty in `tokens`: never mark "".
        words.remove("");
        let phrase = if phrase.len() >= 2 {
            phrase
        } else {
            Vec::new()
        };
        let mut initials: Vec<char> = words
            .iter()
            .chain(&phrase)
            .filter_map(|w| w.chars().next())
            .collect();
        initials.sort_unstable();
        initials.dedup();
        SnippetMaker {
            folding: crate::index::folding_analyzer(),
            words,
            phrase,
            phrase_only: HashSet::new(),
            initials,
        }
    }

    /// Marks `words` only where they are part of the phrase.
    pub fn with_phrase_only(mut self, words: HashSet<String>) -> Self {
        self.phrase_only = words;
        self
    }

    /// The body's tokens that may be query words, analyzed as the index's
    /// analyzer analyzes them, with their positions.
    ///
    /// The words are split as tantivy's `SimpleTokenizer` splits them (runs of
    /// alphanumeric characters, each taking the next position; too long ones
    /// are dropped but keep their position). Only words whose folded first
    /// letter starts a query word are kept, folded and stemmed: an ASCII word
    /// is folded by lower-casing it, any other by the index's folding analyzer.
    fn tokens(&self, body: &str) -> Vec<Token> {
        let mut folding = self.folding.clone();
        let mut tokens = Vec::new();
        let mut position = 0;
        let bytes = body.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            // Separators, ASCII ones byte by byte.
            while at < bytes.len() && bytes[at] < 0x80 && !bytes[at].is_ascii_alphanumeric() {
                at += 1;
            }
            let from = at;
            let mut all_ascii = true;
            // `at` moves by whole characters, so it is always on a boundary.
            loop {
                while at < bytes.len() && bytes[at].is_ascii_alphanumeric() {
                    at += 1;
                }
                match body[at..].chars().next() {
                    Some(c) if !c.is_ascii() && c.is_alphanumeric() => {
                        all_ascii = false;
                        at += c.len_utf8();
                    }
                    _ => break,
                }
            }
            if at == from {
                // A separator outside ASCII (or the end).
                at += body[at..].chars().next().map_or(1, char::len_utf8);
                continue;
            }
            let this = position;
            position += 1;
            let word = &body[from..at];
            if word.len() > crate::index::LONGEST_WORD_BYTES {
                continue;
            }
            let mut text = if all_ascii {
                let first = word.as_bytes()[0].to_ascii_lowercase() as char;
                if !self.initials.contains(&first) {
                    continue;
                }
                word.to_ascii_lowercase()
            } else {
                let mut stream = folding.token_stream(word);
                match stream.next() {
                    Some(t) if t.text.starts_with(|c| self.initials.contains(&c)) => t.text.clone(),
                    _ => continue,
                }
            };
            crate::index::stem_in_place(&mut text);
            tokens.push(Token {
                text,
                position: this,
                span: from..at,
            });
        }
        tokens
    }

    /// The best passage (or two) of `body`, or its opening if no word matches.
    pub fn make(&self, body: &str) -> Snippet {
        let tokens = self.tokens(body);
        let (phrase_spans, in_phrase) = self.phrase_occurrences(&tokens);
        let matches: Vec<usize> = (0..tokens.len())
            .filter(|&i| {
                let text = &tokens[i].text;
                !text.is_empty()
                    && self.words.contains(text)
                    && (in_phrase[i] || !self.phrase_only.contains(text))
            })
            .collect();
        if matches.is_empty() {
            return lead(body);
        }
        let Some(first) = best_window(&tokens, &matches, SNIPPET_BYTES, &HashSet::new()) else {
            return lead(body);
        };
        let covered: HashSet<&str> = window_words(&tokens, &matches, &first);
        let missing: HashSet<&str> = matches
            .iter()
            .map(|&i| tokens[i].text.as_str())
            .filter(|w| !covered.contains(w))
            .collect();
        let mut windows = vec![first];
        if !missing.is_empty() {
            let excluded: HashSet<&str> = covered.clone();
            if let Some(second) = best_window(&tokens, &matches, SNIPPET_BYTES / 2, &excluded) {
                let (a, b) = (&windows[0], &second);
                if b.end <= a.start || b.start >= a.end {
                    windows.push(second);
                    windows.sort_by_key(|w| w.start);
                }
            }
        }
        let highlights = highlights(&tokens, &matches, phrase_spans, &in_phrase);
        let mut parts = windows
            .iter()
            .map(|w| {
                let range = widen(
                    body,
                    w.clone(),
                    if windows.len() > 1 {
                        SNIPPET_BYTES / 2
                    } else {
                        SNIPPET_BYTES
                    },
                );
                let inside: Vec<Range<usize>> = highlights
                    .iter()
                    .filter(|h| h.start >= range.start && h.end <= range.end)
                    .map(|h| (h.start - range.start)..(h.end - range.start))
                    .collect();
                clean(body, range, &inside)
            })
            .collect::<Vec<_>>()
            .into_iter();
        let mut joined = parts.next().unwrap_or_else(|| lead(body));
        for next in parts {
            if joined.text.ends_with('…') {
                joined.text.pop();
            }
            joined.text.push_str(" … ");
            let offset = joined.text.chars().count();
            let (rest, shift) = match next.text.strip_prefix('…') {
                Some(rest) => (rest, 1),
                None => (next.text.as_str(), 0),
            };
            joined.text.push_str(rest);
            joined.highlights.extend(
                next.highlights
                    .iter()
                    .map(|[a, b]| [a + offset - shift, b + offset - shift]),
            );
        }
        joined
    }

    /// Every match in the whole of `text` (not a passage), as `[start, end)`
    /// offsets in characters of `text` unchanged: what an article view marks.
    pub fn mark_all(&self, text: &str) -> Vec<[usize; 2]> {
        let tokens = self.tokens(text);
        let (phrase_spans, in_phrase) = self.phrase_occurrences(&tokens);
        let matches: Vec<usize> = (0..tokens.len())
            .filter(|&i| {
                let word = &tokens[i].text;
                !word.is_empty()
                    && self.words.contains(word)
                    && (in_phrase[i] || !self.phrase_only.contains(word))
            })
            .collect();
        let spans = highlights(&tokens, &matches, phrase_spans, &in_phrase);
        // Byte offsets to character offsets, in one walk (spans are sorted).
        let mut marks = Vec::with_capacity(spans.len());
        let (mut byte, mut chars) = (0, 0);
        for span in spans {
            if span.start < byte {
                continue;
            }
            let start = chars + text[byte..span.start].chars().count();
            let end = start + text[span.start..span.end].chars().count();
            (byte, chars) = (span.end, end);
            marks.push([start, end]);
        }
        marks
    }

    /// Each occurrence of the phrase as a byte span, and which tokens are in one.
    fn phrase_occurrences(&self, tokens: &[Token]) -> (Vec<Range<usize>>, Vec<bool>) {
        let mut spans: Vec<Range<usize>> = Vec::new();
        let mut in_phrase = vec![false; tokens.len()];
        let n = self.phrase.len();
        if n >= 2 {
            for i in 0..tokens.len().saturating_sub(n - 1) {
                let hit = (0..n).all(|k| {
                    tokens[i + k].text == self.phrase[k]
                        && (k == 0 || tokens[i + k].position == tokens[i + k - 1].position + 1)
                });
                if hit {
                    spans.push(tokens[i].span.start..tokens[i + n - 1].span.end);
                    in_phrase[i..i + n].iter_mut().for_each(|f| *f = true);
                }
            }
        }
        (spans, in_phrase)
    }
}

/// Byte spans to highlight: each phrase occurrence as one span, then every
/// other matched word.
fn highlights(
    tokens: &[Token],
    matches: &[usize],
    mut spans: Vec<Range<usize>>,
    in_phrase: &[bool],
) -> Vec<Range<usize>> {
    spans.extend(
        matches
            .iter()
            .filter(|&&i| !in_phrase[i])
            .map(|&i| tokens[i].span.clone()),
    );
    spans.sort_by_key(|s| s.start);
    spans
}

/// The byte range from the first to the last matched token of the window
/// that has the most distinct words not in `exclude`, then the most matches.
fn best_window(
    tokens: &[Token],
    matches: &[usize],
    max_bytes: usize,
    exclude: &HashSet<&str>,
) -> Option<Range<usize>> {
    let mut best: Option<((usize, usize), Range<usize>)> = None;
    for (a, &i) in matches.iter().enumerate() {
        let start = tokens[i].span.start;
        let mut distinct: HashSet<&str> = HashSet::new();
        let mut count = 0;
        let mut end = tokens[i].span.end;
        for &j in &matches[a..] {
            if tokens[j].span.end - start > max_bytes {
                break;
            }
            let word = tokens[j].text.as_str();
            if !exclude.contains(word) {
                distinct.insert(word);
                count += 1;
            }
            end = tokens[j].span.end;
        }
        if distinct.is_empty() {
            continue;
        }
        let score = (distinct.len(), count);
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, start..end));
        }
    }
    best.map(|(_, range)| range)
}

fn window_words<'a>(
    tokens: &'a [Token],
    matches: &[usize],
    window: &Range<usize>,
) -> HashSet<&'a str> {
    matches
        .iter()
        .filter(|&&i| tokens[i].span.start >= window.start && tokens[i].span.end <= window.end)
        .map(|&i| tokens[i].text.as_str())
        .collect()
}

/// Grows `core` to about `bytes` bytes of context, a little before and more
/// after, and snaps both ends to whole words.
fn widen(body: &str, core: Range<usize>, bytes: usize) -> Range<usize> {
    let room = bytes.saturating_sub(core.len());
    let before = (room / 3).min(core.start);
    let mut start = core.start - before;
    let mut end = (core.end + room - before).min(body.len());
    while !body.is_char_boundary(start) {
        start -= 1;
    }
    while !body.is_char_boundary(end) {
        end += 1;
    }
    if start > 0 {
        // Start after a space, so no word is cut.
        start = body[start..core.start]
            .char_indices()
            .find(|(_, c)| c.is_whitespace())
            .map_or(core.start, |(i, c)| start + i + c.len_utf8());
    }
    if end < body.len() {
        end = body[core.end..end]
            .rfind(char::is_whitespace)
            .map_or(core.end, |i| core.end + i);
    }
    start..end
}

/// The opening of the body as a snippet, for hits without matched body words.
pub fn lead(body: &str) -> Snippet {
    let mut end = SNIPPET_BYTES.min(body.len());
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    if end < body.len() {
        end = body[..end]
            .rfind(char::is_whitespace)
            .filter(|&i| i > 0)
            .unwrap_or(end);
    }
    clean(body, 0..end, &[])
}

/// Builds the snippet text for `body[range]`: whitespace folded, control
/// characters dropped, `…` where the passage was cut, highlight byte ranges
/// (relative to the passage) turned into character offsets of the result.
fn clean(body: &str, range: Range<usize>, highlighted: &[Range<usize>]) -> Snippet {
    let fragment = &body[range.clone()];
    let mut text = String::with_capacity(fragment.len() + 8);
    let mut chars = 0usize;
    let mut starts = std::collections::HashMap::new();
    let mut ends = std::collections::HashMap::new();
    let mut pending_space = false;
    if range.start > 0 {
        text.push('…');
        chars += 1;
    }
    for (i, c) in fragment.char_indices() {
        if highlighted.iter().any(|h| h.start == i) {
            if pending_space && chars > 0 && !text.ends_with('…') {
                text.push(' ');
                chars += 1;
            }
            pending_space = false;
            starts.insert(i, chars);
        }
        if highlighted.iter().any(|h| h.end == i) {
            ends.insert(i, chars);
        }
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if crate::text::is_unsafe_char(c) {
            continue;
        }
        if pending_space && chars > 0 && !text.ends_with('…') {
            text.push(' ');
            chars += 1;
        }
        pending_space = false;
        text.push(c);
        chars += 1;
    }
    for h in highlighted {
        if h.end >= fragment.len() {
            ends.insert(h.end, chars);
        }
    }
    if range.end < body.len() {
        text.push('…');
    }
    let highlights = highlighted
        .iter()
        .filter_map(|h| Some([*starts.get(&h.start)?, *ends.get(&h.end)?]))
        .filter(|[s, e]| s < e)
        .collect();
    Snippet { text, highlights }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn maker(words: &[&str], phrase: &[&str]) -> SnippetMaker {
        SnippetMaker::new(
            words.iter().map(|w| w.to_string()).collect(),
            phrase.iter().map(|w| w.to_string()).collect(),
        )
    }

    /// Marks cover the whole text, counted in characters of the text as it is
    /// (no folded whitespace), with a phrase as one span.
    #[test]
    fn mark_all_marks_every_match_in_characters() {
        let text = "Café   layoffs.\n\nMore layoffs — return to office; Return  to office.";
        let marks = maker(&["layoff"], &[]).mark_all(text);
        let chars: Vec<char> = text.chars().collect();
        let shown: Vec<String> = marks
            .iter()
            .map(|&[a, b]| chars[a..b].iter().collect())
            .collect();
        assert_eq!(shown, ["layoffs", "layoffs"]);
        let phrase = maker(&["return", "offic"], &["return", "to", "offic"]).mark_all(text);
        let shown: Vec<String> = phrase
            .iter()
            .map(|&[a, b]| chars[a..b].iter().collect())
            .collect();
        assert_eq!(shown, ["return to office", "Return  to office"]);
    }

    /// The index's analyzer, run in one go, gives the tokens the snippet
    /// maker makes in two steps.
    #[test]
    fn folding_then_stemming_is_the_index_analyzer() {
        let index = tantivy::Index::create_in_ram(crate::index::build_schema());
        crate::index::register_analyzers(&index);
        let mut english = index
            .tokenizers()
            .get(crate::index::TEXT_ANALYZER)
            .expect("registered");
        let text = "Dying skies: Café owners' layoffs, an ugly early-morning Übernahme \
                    by ÅLAND's 3rd-quarter CEOs, running happily; ies y's \
                    Pneumonoultramicroscopicsilicovolcanoconiosis-and-more 2004 £5bn \
                    naïve ﬁnance Straße 日本語のテキスト İstanbul ΑΘΗΝΑ x";
        let mut expected = Vec::new();
        let mut stream = english.token_stream(text);
        while let Some(t) = stream.next() {
            expected.push((t.position, t.text.clone()));
        }
        let all: HashSet<String> = expected.iter().map(|(_, w)| w.clone()).collect();
        let maker = SnippetMaker::new(all, Vec::new());
        let got: Vec<(usize, String)> = maker
            .tokens(text)
            .into_iter()
            .map(|t| (t.position, t.text))
            .collect();
        assert_eq!(got, expected);
        // With few query words, only words that may be one are kept.
        let few = SnippetMaker::new(["layoff".to_string()].into(), Vec::new());
        let got: Vec<(usize, String)> = few
            .tokens(text)
            .into_iter()
            .map(|t| (t.position, t.text))
            .collect();
        let expected: Vec<(usize, String)> = expected
            .into_iter()
            .filter(|(_, w)| w.starts_with('l'))
            .collect();
        assert_eq!(got, expected);
    }

    /// Only words sharing a first letter with a query word are stemmed; the
    /// stemmer's irregular forms keep their first letter, so none is missed.
    #[test]
    fn irregular_stems_are_still_marked() {
        let m = maker(&["die", "sky", "earli"], &[]);
        let s = m.make("Under the skies, dying early, as others died.");
        assert_eq!(marked(&s), ["skies", "dying", "early", "died"]);
    }

    /// A quoted phrase's stop word is marked inside the phrase, not alone.
    #[test]
    fn phrase_only_words_are_marked_inside_the_phrase_only() {
        let m = maker(&["return", "to", "offic"], &["return", "to", "offic"])
            .with_phrase_only(["return", "to", "offic"].map(String::from).into());
        let s = m.make("Staff want to keep working from home, not return to office life.");
        assert_eq!(marked(&s), ["return to office"]);
    }

    fn marked(s: &Snippet) -> Vec<String> {
        s.highlights
            .iter()
            .map(|[a, b]| s.text.chars().skip(*a).take(b - a).collect())
            .collect()
    }

    #[test]
    fn prefers_the_passage_with_most_distinct_words() {
        let filler = "Filler words go here to pad the text out. ".repeat(12);
        let body = format!(
            "Office office office news first. {filler}Staff must return to the office, the firm said. {filler}"
        );
        let s = maker(&["return", "offic"], &[]).make(&body);
        assert!(
            s.text.contains("Staff must return to the office"),
            "{}",
            s.text
        );
        assert_eq!(marked(&s), ["return", "office"]);
    }

    #[test]
    fn phrase_is_one_span_and_words_are_whole() {
        let body = "Intro sentence here. Workers must return to office by May, the memo said.";
        let s = maker(&["return", "offic"], &["return", "to", "offic"]).make(body);
        assert_eq!(marked(&s), ["return to office"]);
        assert!(!s.text.starts_with('…') || s.text.chars().nth(1) != Some(' '));
    }

    #[test]
    fn adds_a_second_passage_for_words_found_elsewhere() {
        let filler = "Nothing to see in this part of the long article at all. ".repeat(15);
        let body =
            format!("Amazon cut jobs in Seattle today. {filler}Later, Meta said it would hire.");
        let s = maker(&["amazon", "meta"], &[]).make(&body);
        assert!(s.text.contains(" … "), "{}", s.text);
        assert_eq!(marked(&s), ["Amazon", "Meta"]);
    }

    #[test]
    fn no_match_gives_the_opening() {
        let s = maker(&["zebra"], &[]).make("Plain opening text. More.");
        assert_eq!(s.text, "Plain opening text. More.");
        assert!(s.highlights.is_empty());
    }

    #[test]
    fn wide_spaces_do_not_split_characters() {
        let body = format!(
            "{}\u{A0}layoffs at the plant. {}",
            "a".repeat(100),
            "b ".repeat(50)
        );
        let s = maker(&["layoff"], &[]).make(&body);
        assert_eq!(marked(&s), ["layoffs"]);
        let body = format!("x\u{3000}{}\u{202F}layoffs here", "word ".repeat(40));
        let s = maker(&["layoff"], &[]).make(&body);
        assert_eq!(marked(&s), ["layoffs"]);
    }

    #[test]
    fn lead_cuts_at_a_word() {
        let body = "word ".repeat(100);
        let s = lead(&body);
        assert!(s.text.ends_with('…'));
        assert!(s.text.len() <= SNIPPET_BYTES + '…'.len_utf8());
    }

    #[test]
    fn offsets_are_characters() {
        let body = "Intro text.\n\nThe  return‑to‑office plan, said Amazon.";
        let start = body.find("return").unwrap();
        let highlight = (start - 13)..(start - 13 + "return".len());
        let s = clean(body, 13..body.len(), std::slice::from_ref(&highlight));
        assert_eq!(s.text, "…The return‑to‑office plan, said Amazon.");
        assert_eq!(marked(&s), ["return"]);
    }
}
