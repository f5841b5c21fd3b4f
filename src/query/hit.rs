//! Hits as shown: the stored fields of each article found, with its snippet.

use tantivy::{DocAddress, Score, Searcher, TantivyDocument};

use super::compiled::{bm25_part, Marks};
use super::request::{Hit, SimilarArticle};
use crate::error::SearchError;
use crate::index::{Fields, SearchIndex, Stored};
use crate::snippet::SnippetMaker;

/// The hits for `top` (score and address, best first), ranked from
/// `offset + 1`, read and cut into snippets on the search threads, each
/// with its near-copies in `groups`.
pub(super) fn fetch_hits(
    idx: &SearchIndex,
    searcher: &Searcher,
    marks: Option<Marks>,
    tier_step: Score,
    top: Vec<(Option<f32>, DocAddress)>,
    offset: usize,
    groups: &crate::dups::Groups,
) -> Result<Vec<Hit>, SearchError> {
    let snippets =
        marks.map(|m| SnippetMaker::new(m.words, m.phrase).with_phrase_only(m.phrase_only));
    let f = idx.fields;
    Ok(idx.index.search_executor().map(
        |(i, (score, address)): (usize, (Option<f32>, DocAddress))| {
            let doc: TantivyDocument = searcher.doc(address)?;
            // Report the BM25 part of the score, without the tier bonus.
            let score = score.map(|s| bm25_part(s, tier_step));
            let mut hit = make_hit(&doc, &f, offset + i + 1, score, snippets.as_ref());
            hit.group = groups.group_of(address);
            hit.similar_count = groups.others(address).count();
            for other in groups.others(address).take(super::request::SIMILAR_LISTED) {
                let doc: TantivyDocument = searcher.doc(other)?;
                let s = Stored::new(&doc, &f);
                hit.similar.push(SimilarArticle {
                    id: s.text_or_empty(f.id),
                    path: s.text_or_empty(f.path),
                });
            }
            Ok(hit)
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
    let s = Stored::new(doc, f);
    let body = s.text_or_empty(f.text);
    let snippet = snippets.map_or_else(|| crate::snippet::lead(&body), |m| m.make(&body));
    Hit {
        rank,
        id: s.text_or_empty(f.id),
        path: s.text_or_empty(f.path),
        title: s.text_or_empty(f.title),
        date: s.text(f.date),
        date_source: s.date_source(),
        year: s.year(),
        companies: s.all(f.company),
        detected_companies: s.all(f.company_detected),
        score,
        snippet,
        url: s.text(f.url),
        similar: Vec::new(),
        similar_count: 0,
        group: None,
    }
}
