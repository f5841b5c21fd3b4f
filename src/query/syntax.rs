//! Queries written in tantivy's syntax (`"exact phrase"`, `AND`, `OR`,
//! `-word`, `field:value`): detecting the syntax, parsing it with the
//! position of an error, what its snippets mark, and one-line errors for
//! what only fails when the query runs.

use std::collections::HashSet;

use tantivy::query::{Query, QueryParser, QueryParserError};

use tantivy::query_grammar::{Delimiter, Occur, UserInputAst, UserInputLeaf, UserInputLiteral};

use super::compiled::{MainQuery, Marks};
use super::filter::CompanyNames;
use super::request::Ranking;
use super::words::analyze;
use crate::error::SearchError;
use crate::index::{SearchIndex, QUERY_ANALYZER, TEXT_ANALYZER};

/// The field quoted words and phrases search (see [`crate::index::Fields::exact`]).
const EXACT_FIELD: &str = "exact";

/// The query for `text` written in tantivy's syntax, with its marks.
pub(super) fn compile(
    idx: &SearchIndex,
    text: &str,
    ranking: &Ranking,
) -> Result<MainQuery, SearchError> {
    let query = syntax_query(idx, text, ranking, &CompanyNames::new(&idx.dir))?;
    let marks = marks(idx, text, query.as_ref());
    Ok(MainQuery {
        matching: query.box_clone(),
        ranked: query,
        all_words: None,
        tier_step: 0.0,
        marks: Some(marks),
        plan: None,
        notes: Vec::new(),
        corrections: Vec::new(),
    })
}

/// What the snippets of a query in syntax mark: the body words it searches;
/// the first quoted phrase is highlighted as one span, and its words are not
/// marked on their own unless the query also has them outside quotes
/// (`"return to office"` marks no lone `to`).
fn marks(idx: &SearchIndex, text: &str, query: &dyn Query) -> Marks {
    let mut words = HashSet::new();
    query.query_terms(&mut |term, _| {
        if term.field() == idx.fields.body {
            if let Some(word) = term.value().as_str() {
                words.insert(word.to_string());
            }
        } else if term.field() == idx.fields.exact {
            // Snippets compare stemmed words: a quoted word is marked by its stem.
            if let Some(word) = term.value().as_str() {
                let mut stem = word.to_string();
                crate::index::stem_in_place(&mut stem);
                words.insert(stem);
            }
        }
    });
    // A quote escaped by `pasted::clean` is part of a word.
    let unescaped = text.replace("\\\"", " ");
    let (quoted, outside) = split_quoted(&unescaped);
    let mut phrase_only = HashSet::new();
    // The first exact quoted phrase of two words or more (not `"a b"~2`
    // or `"a b"*`, whose matches need not be the words side by side).
    let tokens_of = |q: &str| -> Vec<String> {
        analyze(idx, TEXT_ANALYZER, q)
            .into_iter()
            .map(|(_, t)| t)
            .collect()
    };
    let chosen = quoted
        .iter()
        .position(|(q, exact)| *exact && tokens_of(q).len() >= 2);
    let phrase: Vec<String> = chosen.map(|i| tokens_of(quoted[i].0)).unwrap_or_default();
    if let Some(chosen) = chosen {
        let elsewhere: HashSet<String> = tokens_of(&outside)
            .into_iter()
            .chain(
                quoted
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != chosen)
                    .flat_map(|(_, (q, _))| tokens_of(q)),
            )
            .collect();
        phrase_only = words
            .iter()
            .filter(|w| !elsewhere.contains(*w) && phrase.contains(*w))
            .cloned()
            .collect();
    }
    Marks {
        words,
        phrase,
        phrase_only,
    }
}

/// phrase (no `~` slop or `*` prefix after the closing quote), and the text
/// outside them.
fn split_quoted(text: &str) -> (Vec<(&str, bool)>, String) {
    let mut quoted = Vec::new();
    let mut outside = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('"') {
        outside.push_str(&rest[..open]);
        outside.push(' ');
        let after = &rest[open + 1..];
        match after.find('"') {
            Some(close) => {
                let exact = !after[close + 1..].starts_with(['~', '*']);
                quoted.push((&after[..close], exact));
                rest = &after[close + 1..];
            }
            None => {
                rest = after;
                break;
            }
        }
    }
    outside.push_str(rest);
    (quoted, outside)
}

/// True if the query uses any of tantivy's query syntax.
pub fn uses_query_syntax(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(
            c,
            '"' | ':' | '(' | ')' | '[' | ']' | '{' | '}' | '^' | '~' | '*' | '+' | '\\'
        )
    }) || text.split_whitespace().any(|w| {
        matches!(w, "AND" | "OR" | "NOT" | "IN" | "&&" | "||")
            || (w.starts_with('-') && w.len() > 1)
    })
}

fn parser(idx: &SearchIndex, ranking: &Ranking) -> QueryParser {
    let mut parser = QueryParser::for_index(&idx.index, vec![idx.fields.title, idx.fields.body]);
    // Only `word_prefix` makes regular expressions: `pasted::clean`
    // escapes the `/` that would start one in what the user typed.
    parser.allow_regexes();
    parser.set_field_boost(idx.fields.title, ranking.title_boost);
    parser
}

/// The deepest nesting of parentheses a query may have.
const MAX_NESTING: usize = 64;

/// How deep parentheses nest in `text`. Parentheses inside quotes count too:
/// quotes can be escaped (`a\"`), so only this count is safe.
fn nesting_depth(text: &str) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for c in text.chars() {
        match c {
            '(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// Parses a query written in tantivy's syntax, pointing at the character of a syntax error.
fn syntax_query(
    idx: &SearchIndex,
    text: &str,
    ranking: &Ranking,
    companies: &CompanyNames<'_>,
) -> Result<Box<dyn Query>, SearchError> {
    // The parser and the search recurse once per level of parentheses and
    // per `NOT`: a query nested thousands deep would overflow the stack.
    let depth = nesting_depth(text);
    if depth > MAX_NESTING {
        return Err(SearchError::InvalidQuery(format!(
            "parentheses nest {depth} deep in the query; at most {MAX_NESTING} are allowed"
        )));
    }
    let nots = text.split_whitespace().filter(|w| *w == "NOT").count();
    if nots > MAX_NESTING {
        return Err(SearchError::InvalidQuery(format!(
            "the query has {nots} NOT operators; at most {MAX_NESTING} are allowed"
        )));
    }
    let (ast, errors) = tantivy::query_grammar::parse_query_lenient(text);
    if let Some(err) = errors.first() {
        let at = err.pos.min(text.len());
        let at = (0..=at)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        let pos = text[..at].chars().count();
        return Err(SearchError::syntax(text, pos, err.message.clone()));
    }
    let ast = if ranking.drop_stop_words {
        // Only stop words (`the OR a`): keep them, as plain queries do.
        without_stop_words(idx, ast.clone()).unwrap_or(ast)
    } else {
        ast
    };
    parser(idx, ranking)
        .build_query_from_user_input_ast(canonical_companies(ast, companies))
        .map_err(|e| explain_parser_error(text, e))
}

/// The query with each `company:` value replaced by its canonical name, so
/// that `company:AWS` means Amazon as `--company AWS` does, each word
/// prefix (`Yuk*`) made a prefix of the index's words, and each quoted word
/// or phrase without a field searched in `exact`, the unstemmed copy of
/// the text (`"Greene"` is not `green`).
fn canonical_companies(ast: UserInputAst, names: &CompanyNames<'_>) -> UserInputAst {
    match ast {
        UserInputAst::Clause(clauses) => UserInputAst::Clause(
            clauses
                .into_iter()
                .map(|(occur, ast)| (occur, canonical_companies(ast, names)))
                .collect(),
        ),
        UserInputAst::Boost(ast, boost) => {
            UserInputAst::Boost(Box::new(canonical_companies(*ast, names)), boost)
        }
        UserInputAst::Leaf(leaf) => match *leaf {
            UserInputLeaf::Literal(mut literal)
                if literal.field_name.as_deref() == Some("company") =>
            {
                literal.phrase = names.canonical(&literal.phrase);
                UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(literal)))
            }
            // tantivy's grammar keeps a `*` after a word in the word.
            UserInputLeaf::Literal(mut literal)
                if literal.delimiter == Delimiter::None
                    && literal.phrase.ends_with('*')
                    && !literal.phrase.ends_with("\\*") =>
            {
                literal.phrase.pop();
                word_prefix(literal)
            }
            UserInputLeaf::Literal(mut literal)
                if literal.field_name.is_none()
                    && literal.delimiter == Delimiter::DoubleQuotes
                    && !literal.prefix =>
            {
                let code = crate::index::is_code(literal.phrase.trim());
                let phrase = literal.phrase.trim().to_string();
                literal.field_name = Some(EXACT_FIELD.to_string());
                let leaf = UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(literal)));
                if !code {
                    return leaf;
                }
                // `"3M"`: also written with its capitals (not `£3m`).
                let written = UserInputLeaf::Literal(UserInputLiteral {
                    field_name: Some("codes".to_string()),
                    phrase,
                    delimiter: Delimiter::None,
                    slop: 0,
                    prefix: false,
                });
                UserInputAst::Clause(vec![
                    (Some(Occur::Must), leaf),
                    (
                        Some(Occur::Must),
                        UserInputAst::Boost(
                            Box::new(UserInputAst::Leaf(Box::new(written))),
                            0.0.into(),
                        ),
                    ),
                ])
            }
            other => UserInputAst::Leaf(Box::new(other)),
        },
    }
}

/// A word prefix (`Yuk*`, `title:econom*`): the words of the field (title
/// and body by default) that start with it, folded and stemmed as the index
/// folds and stems (the shorter of the two, since stemming can cut a
/// prefix: `yukos*` is `yuko*`). tantivy's own prefix needs a phrase of two
/// words or more.
fn word_prefix(literal: UserInputLiteral) -> UserInputAst {
    let mut analyzer = crate::index::folding_analyzer();
    let phrase = literal.phrase.clone();
    let mut stream = analyzer.token_stream(&phrase);
    let mut tokens = Vec::new();
    while let Some(token) = stream.next() {
        tokens.push(token.text.clone());
    }
    let [folded] = &tokens[..] else {
        // Several words or none: tantivy's phrase prefix (or nothing).
        return UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(literal)));
    };
    let mut stem = folded.clone();
    crate::index::stem_in_place(&mut stem);
    let prefix = if stem.len() < folded.len() {
        stem
    } else {
        folded.clone()
    };
    let pattern = format!("{}.*", regex::escape(&prefix));
    let fields = match literal.field_name {
        Some(field) => vec![field],
        None => vec!["title".to_string(), "body".to_string()],
    };
    UserInputAst::Clause(
        fields
            .into_iter()
            .map(|field| {
                let leaf = UserInputLeaf::Regex {
                    field: Some(field),
                    pattern: pattern.clone(),
                };
                (Some(Occur::Should), UserInputAst::Leaf(Box::new(leaf)))
            })
            .collect(),
    )
}

/// The query without its stop-word leaves, as plain queries leave them out:
/// a lone unquoted word (`the`, or a dangling `AND`, which the grammar reads
/// as the word `and`) searched in the title and body that the query
/// analyzer drops. Quoted phrases keep their stop words (the index has them:
/// `"the oil firm"` is the exact phrase). `None` if nothing is left.
fn without_stop_words(idx: &SearchIndex, ast: UserInputAst) -> Option<UserInputAst> {
    match ast {
        UserInputAst::Leaf(leaf) => match *leaf {
            UserInputLeaf::Literal(literal) if is_stop_word(idx, &literal) => None,
            other => Some(UserInputAst::Leaf(Box::new(other))),
        },
        UserInputAst::Boost(inner, boost) => {
            without_stop_words(idx, *inner).map(|a| UserInputAst::Boost(Box::new(a), boost))
        }
        UserInputAst::Clause(clauses) => {
            let kept: Vec<_> = clauses
                .into_iter()
                .filter_map(|(occur, a)| without_stop_words(idx, a).map(|a| (occur, a)))
                .collect();
            (!kept.is_empty()).then_some(UserInputAst::Clause(kept))
        }
    }
}

/// True if a literal is an unquoted word of the title or body that only
/// stop words make up.
fn is_stop_word(idx: &SearchIndex, literal: &UserInputLiteral) -> bool {
    let text_field = literal
        .field_name
        .as_deref()
        .is_none_or(|f| f == "title" || f == "body");
    text_field
        && literal.delimiter == Delimiter::None
        && !literal.prefix
        && !analyze(idx, TEXT_ANALYZER, &literal.phrase).is_empty()
        && analyze(idx, QUERY_ANALYZER, &literal.phrase).is_empty()
}

/// Turns an error of the search itself into one the user can act on: a query
/// such as `nosuchfield:*` names its field only when it runs.
pub(super) fn search_failure(text: &str, err: tantivy::TantivyError) -> SearchError {
    match err {
        tantivy::TantivyError::FieldNotFound(field) => {
            explain_parser_error(text, QueryParserError::FieldDoesNotExist(field))
        }
        tantivy::TantivyError::SchemaError(message)
        | tantivy::TantivyError::InvalidArgument(message) => SearchError::InvalidQuery(format!(
            "{message} in `{}` (`field:*` works on company and year only)",
            crate::text::sanitize_for_terminal(text)
        )),
        other => other.into(),
    }
}

/// A query as an error message quotes it: sanitised and cut.
fn shown_query(text: &str) -> String {
    crate::text::truncate_words(&crate::text::sanitize_for_terminal(text), 80)
}

fn explain_parser_error(text: &str, err: QueryParserError) -> SearchError {
    match err {
        QueryParserError::FieldDoesNotExist(field) => SearchError::InvalidQuery(format!(
            "unknown field `{field}` in `{}` (fields: title, body, company, year, path, id)",
            crate::text::sanitize_for_terminal(text)
        )),
        QueryParserError::ExpectedInt(_) | QueryParserError::ExpectedFloat(_) => {
            SearchError::InvalidQuery(format!(
                "a number field (year) needs a number, as in `year:2004`, in `{}`",
                shown_query(text)
            ))
        }
        QueryParserError::AllButQueryForbidden => SearchError::InvalidQuery(format!(
            "nothing to search for in `{}`: give a word or a phrase (excluded words or empty quotes alone match nothing)",
            shown_query(text)
        )),
        other => SearchError::InvalidQuery(format!(
            "{} in `{}`",
            crate::text::squash_whitespace(&other.to_string()),
            shown_query(text)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_depth_counts_every_parenthesis() {
        assert_eq!(nesting_depth("a (b (c) d) (e)"), 2);
        assert_eq!(nesting_depth("a\\\" ((((x"), 4);
        assert_eq!(nesting_depth("))(("), 2);
    }

    #[test]
    fn quoted_parts_and_the_rest() {
        let (quoted, outside) = split_quoted("\"return to office\" -meta \"rto\"~2 x");
        assert_eq!(quoted, [("return to office", true), ("rto", false)]);
        assert_eq!(
            outside.split_whitespace().collect::<Vec<_>>(),
            ["-meta", "~2", "x"]
        );
        let (quoted, outside) = split_quoted("a \"unclosed b");
        assert!(quoted.is_empty());
        assert_eq!(
            outside.split_whitespace().collect::<Vec<_>>(),
            ["a", "unclosed", "b"]
        );
    }

    #[test]
    fn detects_query_syntax() {
        assert!(!uses_query_syntax("return to office"));
        assert!(!uses_query_syntax("e-commerce layoffs and cuts"));
        assert!(uses_query_syntax("\"return to office\""));
        assert!(uses_query_syntax("layoffs -amazon"));
        assert!(uses_query_syntax("company:amazon"));
        assert!(uses_query_syntax("amazon AND meta"));
    }
}
