//! Hits as shown: the stored fields of each article found, with its snippet.

use tantivy::schema::Value;
use tantivy::{DocAddress, Score, Searcher, TantivyDocument};

use super::compiled::{bm25_part, Marks};
use super::request::Hit;
use crate::article::DateSource;
use crate::error::SearchError;
use crate::index::{Fields, SearchIndex};
use crate::snippet::SnippetMaker;

/// The hits for `top` (score and address, best first), ranked from
/// `offset + 1`, read and cut into snippets on the search threads.
pub(super) fn fetch_hits(
    idx: &SearchIndex,
    searcher: &Searcher,
    marks: Option<Marks>,
    tier_step: Score,
    top: Vec<(Option<f32>, DocAddress)>,
    offset: usize,
) -> Result<Vec<Hit>, SearchError> {
    let snippets =
        marks.map(|m| SnippetMaker::new(m.words, m.phrase).with_phrase_only(m.phrase_only));
    let f = idx.fields;
    Ok(idx.index.search_executor().map(
        |(i, (score, address)): (usize, (Option<f32>, DocAddress))| {
            let doc: TantivyDocument = searcher.doc(address)?;
            // Report the BM25 part of the score, without the tier bonus.
            let score = score.map(|s| bm25_part(s, tier_step));
            Ok(make_hit(&doc, &f, offset + i + 1, score, snippets.as_ref()))
        },
        top.into_iter().enumerate(),
    )?)
}

fn make_hit(
    doc: &TantivyDocument,
    f: &Fields,
    rank: usize,
    score: Option<f32>,
    snippets: Option<&SnippetMaker>,
) -> Hit {
    let text = |field| {
        doc.get_first(field)
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    let body = text(f.text).unwrap_or_default();
    let snippet = snippets.map_or_else(|| crate::snippet::lead(&body), |m| m.make(&body));
    let year = doc
        .get_first(f.year)
        .and_then(|v| v.as_u64())
        .filter(|&y| y > 0)
        .map(|y| y as u16);
    Hit {
        rank,
        id: text(f.id).unwrap_or_default(),
        path: crate::ingest::key_display(&text(f.path).unwrap_or_default()).into_owned(),
        title: text(f.title).unwrap_or_default(),
        date: text(f.date),
        date_source: DateSource::parse(&text(f.date_source).unwrap_or_default()),
        year,
        companies: doc
            .get_all(f.company)
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        detected_companies: doc
            .get_all(f.company_detected)
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        score,
        snippet,
        url: text(f.url),
    }
}
