//! The schema (fields and how each is indexed), the analyzers it names, and
//! how an [`Article`] becomes a document.

use std::path::PathBuf;

use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer,
    StopWordFilter, TextAnalyzer, TextAnalyzerBuilder, Tokenizer,
};
use tantivy::{Index, TantivyDocument};

use super::stem::CachedStemmer;
use crate::article::Article;
use crate::error::SearchError;

/// Bumped whenever the schema, the analyzers or the stored values change meaning.
pub const SCHEMA_VERSION: u32 = 8;
/// Names the analyzers' behaviour; an index built with other analyzers must be rebuilt.
pub const ANALYZER_VERSION: &str =
    "simple+long40+lower+ascii-fold+stem-en/1;exact:simple+long40+lower+ascii-fold/1;codes:whitespace/1";
/// Words of more bytes than this are not indexed (nor marked in snippets).
pub const LONGEST_WORD_BYTES: usize = 39;
/// Name of the English analyzer used for `title` and `body`.
pub const TEXT_ANALYZER: &str = "en_stem_fold";
/// Name of the analyzer for plain query words: [`TEXT_ANALYZER`] without English stop words.
pub const QUERY_ANALYZER: &str = "en_stem_fold_query";
/// Name of the analyzer of `codes`: the words as written, case kept.
pub const CODES_ANALYZER: &str = "codes_as_written";
/// Name of the analyzer of `exact`: [`TEXT_ANALYZER`] without stemming.
pub const EXACT_ANALYZER: &str = "fold_exact";
/// Name of the analyzer for the words of a long question: [`QUERY_ANALYZER`]
/// with NLTK's longer English stop list (question words, pronouns, auxiliaries).
pub const QUESTION_ANALYZER: &str = "en_stem_fold_question";
/// Name of the keyword analyzer used for `company`.
pub const KEYWORD_ANALYZER: &str = "keyword_lower";

/// Handles to the schema's fields.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Article id.
    pub id: Field,
    /// Source file.
    pub path: Field,
    /// Headline.
    pub title: Field,
    /// Headline and text, indexed together (not stored).
    pub body: Field,
    /// Headline and text again, folded but not stemmed, with positions:
    /// what quoted words and phrases match (not stored).
    pub exact: Field,
    /// The words of headline and text that mix digits and capitals (`3M`,
    /// `G7`, `F1`), case kept, documents only: what tells the company 3M
    /// from `£3m` (not stored).
    pub codes: Field,
    /// The text as stored, for snippets.
    pub text: Field,
    /// Canonical company names (multi-valued).
    pub company: Field,
    /// The companies found by corporate cues rather than the gazetteer.
    pub company_detected: Field,
    /// Publication year, 0 when unknown.
    pub year: Field,
    /// `YYYYMMDD` (or `YYYY0000` when only the year is known), 0 when unknown.
    pub date_key: Field,
    /// `YYYY-MM-DD`, when the day is known.
    pub date: Field,
    /// `explicit`, `metadata`, `path`, `inferred` or `unknown`.
    pub date_source: Field,
    /// URL, if any.
    pub url: Field,
    /// Publisher, if any.
    pub source: Field,
    /// MinHash signature of the body (bytes, fast), for near-duplicates.
    pub minhash: Field,
}

impl Fields {
    /// Looks the fields up in a schema built by [`build_schema`].
    pub fn from_schema(schema: &Schema) -> Result<Fields, SearchError> {
        let get = |name: &str| {
            schema
                .get_field(name)
                .map_err(|_| SearchError::IncompatibleIndex {
                    path: PathBuf::from("."),
                    found: format!("no `{name}` field"),
                })
        };
        Ok(Fields {
            id: get("id")?,
            path: get("path")?,
            title: get("title")?,
            body: get("body")?,
            exact: get("exact")?,
            codes: get("codes")?,
            text: get("text")?,
            company: get("company")?,
            company_detected: get("company_detected")?,
            year: get("year")?,
            date_key: get("date_key")?,
            date: get("date")?,
            date_source: get("date_source")?,
            url: get("url")?,
            source: get("source")?,
            minhash: get(crate::dups::groups::FIELD)?,
        })
    }
}

/// The schema described in the module docs.
pub fn build_schema() -> Schema {
    let mut b = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TEXT_ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let company = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(KEYWORD_ANALYZER)
                .set_index_option(IndexRecordOption::Basic),
        )
        .set_fast("raw")
        .set_stored();
    b.add_text_field("id", STRING | STORED);
    b.add_text_field("path", STRING | STORED);
    b.add_text_field("title", text.clone());
    // The whole article is one field for ranking (BM25 over headline and body
    // together saturates like BM25F); the body is stored apart for snippets.
    let whole = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TEXT_ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    b.add_text_field("body", whole);
    // The same words unstemmed, for quoted words and phrases (`"Greene"` is
    // not `green`).
    let exact = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(EXACT_ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    b.add_text_field("exact", exact);
    let codes = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(CODES_ANALYZER)
            .set_index_option(IndexRecordOption::Basic),
    );
    b.add_text_field("codes", codes);
    b.add_text_field("text", STORED);
    b.add_text_field("company", company);
    b.add_text_field("company_detected", STORED);
    b.add_u64_field("year", INDEXED | FAST | STORED);
    b.add_u64_field("date_key", INDEXED | FAST);
    b.add_text_field("date", STORED);
    b.add_text_field("date_source", STORED);
    b.add_text_field("url", STORED);
    b.add_text_field("source", STORED);
    b.add_bytes_field(crate::dups::groups::FIELD, FAST);
    b.build()
}

/// The index's English analyzer ([`TEXT_ANALYZER`]) without its last step:
/// words split, over-long ones dropped, lower-cased and folded to ASCII.
/// [`stem_in_place`] applied to each of its tokens gives the full analyzer's
/// tokens; snippets use the two halves to stem only the words that may match.
pub fn folding_analyzer() -> TextAnalyzer {
    folding().build()
}

/// The steps of the English analyzer before stemming.
fn folding() -> TextAnalyzerBuilder<impl Tokenizer> {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(LONGEST_WORD_BYTES + 1))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
}

/// Registers the analyzers the schema names on `index`.
pub fn register_analyzers(index: &Index) {
    let english = folding().filter(CachedStemmer).build();
    index.tokenizers().register(TEXT_ANALYZER, english);
    index
        .tokenizers()
        .register(EXACT_ANALYZER, folding_analyzer());
    let mut query = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(LONGEST_WORD_BYTES + 1))
        .filter(LowerCaser)
        .dynamic();
    if let Some(stop_words) = StopWordFilter::new(Language::English) {
        query = query.filter_dynamic(stop_words);
    }
    let query = query
        .filter_dynamic(AsciiFoldingFilter)
        .filter_dynamic(CachedStemmer)
        .build();
    index.tokenizers().register(QUERY_ANALYZER, query);
    let question = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(LONGEST_WORD_BYTES + 1))
        .filter(LowerCaser)
        .filter(StopWordFilter::remove(
            stop_words::lookup("en")
                .unwrap_or_default()
                .iter()
                .map(|w| w.to_string()),
        ))
        .filter(AsciiFoldingFilter)
        .filter(CachedStemmer)
        .build();
    index.tokenizers().register(QUESTION_ANALYZER, question);
    index.tokenizers().register(
        CODES_ANALYZER,
        TextAnalyzer::builder(tantivy::tokenizer::WhitespaceTokenizer::default()).build(),
    );
    let keyword = TextAnalyzer::builder(RawTokenizer::default())
        .filter(LowerCaser)
        .build();
    index.tokenizers().register(KEYWORD_ANALYZER, keyword);
}

/// Whether `word` (letters and digits) is a code written with capitals:
/// an ASCII digit and an upper-case letter (`3M`, `G7`, `F1`, `A380`), at
/// most 12 characters. Lower-case `3m` (millions) is not one.
pub fn is_code(word: &str) -> bool {
    word.len() <= 12
        && word.chars().all(char::is_alphanumeric)
        && word.chars().any(|c| c.is_ascii_digit())
        && word.chars().any(char::is_uppercase)
}

/// The distinct codes ([`is_code`]) of a headline and text, space-separated.
fn codes_of(title: &str, body: &str) -> String {
    let mut codes: Vec<&str> = Vec::new();
    for text in [title, body] {
        // Only the words around a digit, found byte by byte: most text has few.
        let bytes = text.as_bytes();
        let mut at = 0;
        while let Some(found) = bytes[at..].iter().position(u8::is_ascii_digit) {
            let digit = at + found;
            let start = text[..digit]
                .char_indices()
                .rev()
                .take_while(|(_, c)| c.is_alphanumeric())
                .last()
                .map_or(digit, |(i, _)| i);
            let end = text[digit..]
                .char_indices()
                .find(|(_, c)| !c.is_alphanumeric())
                .map_or(text.len(), |(i, _)| digit + i);
            let word = &text[start..end];
            if is_code(word) && !codes.contains(&word) {
                codes.push(word);
            }
            at = end.max(digit + 1);
        }
    }
    codes.join(" ")
}

/// The `date_key` of a day: `YYYYMMDD`.
pub fn day_key(day: jiff::civil::Date) -> u64 {
    year_key(day.year().max(0) as u64) + day.month() as u64 * 100 + day.day() as u64
}

/// The `date_key` of an article known only by its year: `YYYY0000` (0 for
/// an unknown year, 0).
pub fn year_key(year: u64) -> u64 {
    year * 10_000
}

/// Converts an article into a tantivy document.
pub fn to_document(article: &Article, f: &Fields) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, &article.id);
    doc.add_text(f.path, &article.path);
    doc.add_text(f.title, &article.title);
    doc.add_text(f.body, &article.title);
    doc.add_text(f.body, &article.body);
    doc.add_text(f.exact, &article.title);
    doc.add_text(f.exact, &article.body);
    let codes = codes_of(&article.title, &article.body);
    if !codes.is_empty() {
        doc.add_text(f.codes, codes);
    }
    doc.add_text(f.text, &article.body);
    for company in &article.companies {
        doc.add_text(f.company, company);
    }
    for company in &article.detected_companies {
        doc.add_text(f.company_detected, company);
    }
    let year = article.date.year.map_or(0, |y| y.max(0) as u64);
    doc.add_u64(f.year, year);
    let date_key = article.date.date.map_or(year_key(year), day_key);
    doc.add_u64(f.date_key, date_key);
    if let Some(d) = article.date.date {
        doc.add_text(f.date, d.to_string());
    }
    doc.add_text(f.date_source, article.date.source.as_str());
    if let Some(url) = &article.url {
        doc.add_text(f.url, url);
    }
    if let Some(source) = &article.source {
        doc.add_text(f.source, source);
    }
    // The body without its headline (copies often differ in the headline);
    // an article that is only a headline is compared by it.
    let signature = crate::dups::Signature::of_text(&article.body)
        .or_else(|| crate::dups::Signature::of_text(&article.title));
    if let Some(signature) = signature {
        doc.add_bytes(f.minhash, &signature.to_bytes());
    }
    doc
}

/// The stored values of one document, read by field: what hits, `search
/// show`, `search export` and `/api/articles` all read.
pub struct Stored<'a> {
    doc: &'a TantivyDocument,
    f: &'a Fields,
}

impl<'a> Stored<'a> {
    /// The stored values of `doc`, whose fields are `f`.
    pub fn new(doc: &'a TantivyDocument, f: &'a Fields) -> Stored<'a> {
        Stored { doc, f }
    }

    /// The first text value of `field`, if any.
    pub fn text(&self, field: Field) -> Option<String> {
        use tantivy::schema::Value;
        self.doc
            .get_first(field)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    }

    /// The first text value of `field`, or an empty string.
    pub fn text_or_empty(&self, field: Field) -> String {
        self.text(field).unwrap_or_default()
    }

    /// Every text value of `field` (companies).
    pub fn all(&self, field: Field) -> Vec<String> {
        use tantivy::schema::Value;
        self.doc
            .get_all(field)
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    }

    /// The publication year, when known (0 is stored for unknown).
    pub fn year(&self) -> Option<u16> {
        use tantivy::schema::Value;
        self.doc
            .get_first(self.f.year)
            .and_then(|v| v.as_u64())
            .filter(|&y| y > 0)
            .and_then(|y| u16::try_from(y).ok())
    }

    /// Where the date came from.
    pub fn date_source(&self) -> crate::article::DateSource {
        crate::article::DateSource::parse(&self.text_or_empty(self.f.date_source))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_words_with_digits_and_capitals() {
        assert_eq!(
            codes_of(
                "3M and the G7",
                "£3m in 2005; the A380 (a380), 3M again, F1é 4G."
            ),
            "3M G7 A380 F1é 4G"
        );
        assert_eq!(codes_of("", "no digits here"), "");
        assert!(is_code("3M") && is_code("G7") && !is_code("3m") && !is_code("2005"));
        assert!(!is_code("ABCDEFGHIJK12"), "too long");
    }
}
