//! Where a gazetteer name may match in text: the automata over the names
//! (`Matcher`), and the tests of a match's surroundings (word boundaries, a
//! sentence start, a capitalised word before it, a possessive, a web address).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::false_friends;

/// A pattern of the matcher: which company, the name as written, and whether
/// that name is a common word.
#[derive(Debug)]
pub(super) struct Pattern {
    pub(super) company: usize,
    pub(super) text: String,
    pub(super) ambiguous: bool,
    /// A title-case spelling of a name in capitals (`Axa` for `AXA`):
    /// counted only mid-sentence.
    pub(super) title_cased: bool,
}

/// The gazetteer's names as automata: those starting with a lower-case ASCII
/// letter apart, so that the others need only be tried where a word starts
/// with a capital, a digit or a non-ASCII letter.
pub(super) struct Matcher {
    pub(super) capitalised: AhoCorasick,
    pub(super) capitalised_patterns: Vec<Pattern>,
    pub(super) lower: Option<AhoCorasick>,
    pub(super) lower_patterns: Vec<Pattern>,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("capitalised", &self.capitalised_patterns.len())
            .field("lower", &self.lower_patterns.len())
            .finish()
    }
}

impl Matcher {
    pub(super) fn new(patterns: Vec<Pattern>) -> Matcher {
        let (lower_patterns, capitalised_patterns): (Vec<Pattern>, Vec<Pattern>) =
            patterns.into_iter().partition(|p| {
                !p.text.starts_with(|c: char| {
                    c.is_ascii_uppercase() || c.is_ascii_digit() || !c.is_ascii()
                })
            });
        let build = |patterns: &[Pattern], start: aho_corasick::StartKind| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .start_kind(start)
                .build(patterns.iter().map(|p| p.text.as_str()))
                .expect("gazetteer patterns build an automaton")
        };
        Matcher {
            capitalised: build(&capitalised_patterns, aho_corasick::StartKind::Anchored),
            lower: (!lower_patterns.is_empty())
                .then(|| build(&lower_patterns, aho_corasick::StartKind::Both)),
            capitalised_patterns,
            lower_patterns,
        }
    }
}

/// The byte offset of the character after the one at `i`.
pub(super) fn next_char_boundary(text: &str, i: usize) -> usize {
    text[i..]
        .chars()
        .next()
        .map_or(text.len(), |c| i + c.len_utf8())
}

/// `Axa` for `AXA`: the title-case spelling of a name of 3 to 5 capital
/// letters, unless that spelling is a given name (`Tim` for `TIM`).
pub(super) fn title_case_acronym(name: &str) -> Option<String> {
    let letters = name.len();
    if !(3..=5).contains(&letters) || !name.bytes().all(|b| b.is_ascii_uppercase()) {
        return None;
    }
    let title = format!("{}{}", &name[..1], name[1..].to_lowercase());
    (!false_friends::is_given_name(&title, false)).then_some(title)
}

/// True for `Bloomberg.com`: a web address, not a mention in running text.
pub(super) fn is_domain(text: &str, end: usize, name: &str) -> bool {
    let mut rest = text[end..].chars();
    !name.contains('.') && rest.next() == Some('.') && rest.next().is_some_and(char::is_alphabetic)
}

/// True if the match is not glued to letters or digits on either side.
pub(super) fn on_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '@')
        && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
}

/// True if the text before `start` ends a sentence or line (or there is none).
pub(super) fn starts_sentence(text: &str, start: usize) -> bool {
    let before =
        text[..start].trim_end_matches([' ', '\t', '"', '\'', '“', '‘', '(', '•', '-', '*']);
    match before.chars().next_back() {
        None => true,
        Some(c) => matches!(c, '.' | '!' | '?' | '\n' | '\r' | ':' | ';'),
    }
}

/// True if the word before `start` (on the same line) is capitalised.
pub(super) fn after_capitalised_word(text: &str, start: usize) -> bool {
    let before = &text[..start];
    let trimmed = before.trim_end_matches([' ', '\t']);
    if trimmed.len() == before.len() {
        return false;
    }
    let word = trimmed
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("");
    word.chars().next().is_some_and(char::is_uppercase)
        && word.chars().last().is_some_and(char::is_alphabetic)
}

/// True if the name is followed by a possessive `'s`.
pub(super) fn is_possessive(text: &str, end: usize) -> bool {
    let rest = &text[end..];
    rest.starts_with("'s") || rest.starts_with("’s")
}
