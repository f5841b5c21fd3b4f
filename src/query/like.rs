//! `search similar`: the articles closest to one article by its distinctive
//! words, without the article and its near-copies.
//!
//! The article's headline and text are analysed as query words are (stop
//! words dropped, stemmed); each word is weighed by `(1 + ln tf) × idf`
//! (its count in the article, and BM25's inverse document frequency over
//! `body`), words no other article has are left out, and the
//! [`MAX_TERMS`] heaviest make a query: each word's BM25 over `body`
//! (which holds the headline too), boosted by its weight, any of them
//! matching. The article itself and its group of near-copies are excluded
//! by a `MustNot` clause; the rest goes through the same search as `search
//! query` (collapsing, facets, hits and snippets marking the words).

use std::collections::{HashMap, HashSet};

use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TokenStream;
use tantivy::{DocAddress, TantivyDocument, Term};

use super::compiled::{MainQuery, Marks};
use super::request::{Counting, QueryRequest, SearchResults};
use crate::error::SearchError;
use crate::index::{SearchIndex, Stored, QUERY_ANALYZER};

/// Words of the article that make the query.
pub const MAX_TERMS: usize = 25;

/// What `search similar` found.
#[derive(Debug, Clone)]
pub struct Similar {
    /// The articles, as `search query` gives them (`query` is the key asked for).
    pub results: SearchResults,
    /// The article compared with: id, path and headline.
    pub article: (String, String, String),
    /// The words searched for, heaviest first (analysed forms).
    pub terms: Vec<String>,
}

/// The articles like the one `key` names (an id or a path, as `search
/// show` takes it); `req` gives the limit, offset, facet limit and whether
/// to collapse (its text and counting are not used).
pub fn similar(idx: &SearchIndex, key: &str, req: &QueryRequest) -> Result<Similar, SearchError> {
    let searcher = idx.reader.searcher();
    let f = idx.fields;
    let (_, found) = crate::show::find_addresses(idx, &searcher, key)?;
    let address = found[0];
    let doc: TantivyDocument = searcher.doc(address)?;
    let stored = Stored::new(&doc, &f);
    let article = (
        stored.text_or_empty(f.id),
        stored.text_or_empty(f.path),
        stored.text_or_empty(f.title),
    );
    let text = format!("{}\n{}", article.2, stored.text_or_empty(f.text));
    let terms = distinctive_terms(idx, &searcher, &text)?;
    let groups = idx.groups()?;
    let mut excluded: Vec<DocAddress> = vec![address];
    excluded.extend(groups.others(address));
    let any: Vec<(Occur, Box<dyn Query>)> = terms
        .iter()
        .map(|(term, weight)| {
            let query = TermQuery::new(
                Term::from_field_text(f.body, term),
                IndexRecordOption::WithFreqs,
            );
            let boosted: Box<dyn Query> = Box::new(BoostQuery::new(Box::new(query), *weight));
            (Occur::Should, boosted)
        })
        .collect();
    let ranked = BooleanQuery::new(vec![
        (
            Occur::Must,
            Box::new(BooleanQuery::new(any)) as Box<dyn Query>,
        ),
        (
            Occur::MustNot,
            Box::new(super::collapse::documents(&searcher, &excluded)),
        ),
    ]);
    let mut notes = Vec::new();
    if found.len() > 1 {
        notes.push(format!(
            "{} articles have that path; showing articles like the first ({})",
            found.len(),
            article.0
        ));
    }
    let main = MainQuery {
        matching: Box::new(ranked.clone()),
        ranked: Box::new(ranked),
        all_words: None,
        tier_step: 0.0,
        marks: Some(Marks {
            words: terms.iter().map(|(t, _)| t.clone()).collect(),
            phrase: Vec::new(),
            phrase_only: HashSet::new(),
        }),
        plan: None,
        notes,
        corrections: Vec::new(),
    };
    let req = QueryRequest {
        text: key.to_string(),
        literal: true,
        count: Counting::Articles,
        ..req.clone()
    };
    let results = super::run_main(idx, &req, false, Some(main), None)?.0;
    Ok(Similar {
        results,
        article,
        terms: terms.into_iter().map(|(t, _)| t).collect(),
    })
}

/// The [`MAX_TERMS`] words of `text` with the largest `(1 + ln tf) × idf`
/// that some other article has too, heaviest first (ties by word).
fn distinctive_terms(
    idx: &SearchIndex,
    searcher: &tantivy::Searcher,
    text: &str,
) -> Result<Vec<(String, f32)>, SearchError> {
    let mut analyzer = idx
        .index
        .tokenizers()
        .get(QUERY_ANALYZER)
        .ok_or_else(|| SearchError::BadArgument(format!("no analyzer {QUERY_ANALYZER}")))?;
    let mut counts: HashMap<String, u32> = HashMap::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        *counts.entry(stream.token().text.clone()).or_default() += 1;
    }
    let n = searcher.num_docs() as f32;
    let mut weighed = Vec::with_capacity(counts.len());
    for (term, tf) in counts {
        let df = searcher.doc_freq(&Term::from_field_text(idx.fields.body, &term))? as f32;
        if df < 2.0 {
            continue;
        }
        let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        weighed.push((term, (1.0 + (tf as f32).ln()) * idf));
    }
    weighed.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    weighed.truncate(MAX_TERMS);
    Ok(weighed)
}
