//! Plain queries (a list of words) searched in one pass per segment that
//! counts, counts facets and keeps the top hits, skipping the work no hit
//! shown can need.
//!
//! The same query as tantivy's `BooleanQuery` of the tiers (see
//! [`super::plain_query`]) gives the same hits, scores and counts, but
//! tantivy evaluates every clause for every document: the title postings of
//! each word, an intersection for "all words" and a phrase check (positions)
//! for every document with all the words. Here the body postings of the
//! words are walked once (the body holds the headline, so they find every
//! match); which words a document has gives the "all words" tier for free,
//! and the title scores and the phrase check are computed only for a
//! document whose best possible score could still enter the top hits.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EnableScoring, Query, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, Term, TERMINATED};

use super::{FacetCollector, FacetFruit};
use tantivy::collector::{Collector, SegmentCollector};

/// A distinct word of a plain query, with the boosts its two fields are
/// scored with (query term frequency, title boost, IDF variant).
pub(super) struct Word {
    pub body: Term,
    pub title: Term,
    pub body_boost: Score,
    pub title_boost: Score,
}

/// A plain query, ready to be searched in one pass.
pub(super) struct PlainPlan {
    /// The distinct words, in query order.
    pub words: Vec<Word>,
    /// Every token of the query as a body term with its position: the exact
    /// phrase tier. Empty when the query is not tiered.
    pub phrase: Vec<(usize, Term)>,
    /// The bonus of one tier (0 when not tiered).
    pub step: Score,
}

/// The top hits of a segment, kept as tantivy's `TopDocs` keeps them: best
/// score first, ties to the lower document; a document equal to the worst
/// kept one does not enter once the list is full.
struct TopHits {
    k: usize,
    hits: Vec<(Score, DocId)>,
    threshold: Option<Score>,
}

impl TopHits {
    fn new(k: usize) -> TopHits {
        TopHits {
            k,
            hits: Vec::with_capacity(2 * k.max(1)),
            threshold: None,
        }
    }

    /// True if a document scoring `score` would be kept.
    #[inline]
    fn admits(&self, score: Score) -> bool {
        self.k > 0 && self.threshold.is_none_or(|t| score > t)
    }

    fn push(&mut self, score: Score, doc: DocId) {
        if !self.admits(score) {
            return;
        }
        if self.hits.len() == self.hits.capacity() {
            self.truncate();
        }
        self.hits.push((score, doc));
    }

    fn truncate(&mut self) {
        self.hits
            .sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        self.hits.truncate(self.k);
        if self.hits.len() == self.k {
            self.threshold = self.hits.last().map(|h| h.0);
        }
    }

    fn into_sorted(mut self) -> Vec<(Score, DocId)> {
        self.truncate();
        self.hits
    }
}

/// A term's postings in one segment, scored by BM25 exactly as tantivy's
/// term scorer scores them (same weight, field norms and frequencies).
struct TermCursor {
    postings: Option<SegmentPostings>,
    fieldnorms: FieldNormReader,
    bm25: Bm25Weight,
}

impl TermCursor {
    fn open(reader: &SegmentReader, term: &Term, bm25: &Bm25Weight) -> tantivy::Result<Self> {
        let field = term.field();
        let postings = reader
            .inverted_index(field)?
            .read_postings(term, IndexRecordOption::WithFreqs)?;
        let fieldnorms = reader
            .fieldnorms_readers()
            .get_field(field)?
            .unwrap_or_else(|| FieldNormReader::constant(reader.max_doc(), 1));
        Ok(TermCursor {
            postings,
            fieldnorms,
            bm25: bm25.clone(),
        })
    }

    /// The current document ([`TERMINATED`] when done or absent).
    #[inline]
    fn doc(&self) -> DocId {
        self.postings.as_ref().map_or(TERMINATED, |p| p.doc())
    }

    #[inline]
    fn advance(&mut self) {
        if let Some(p) = &mut self.postings {
            p.advance();
        }
    }

    /// Moves to the first document at or after `doc` (never backwards).
    #[inline]
    fn seek(&mut self, doc: DocId) -> DocId {
        match &mut self.postings {
            Some(p) if p.doc() < doc => p.seek(doc),
            Some(p) => p.doc(),
            None => TERMINATED,
        }
    }

    /// The BM25 score of the current document.
    #[inline]
    fn score(&self) -> Score {
        match &self.postings {
            Some(p) => self
                .bm25
                .score(self.fieldnorms.fieldnorm_id(p.doc()), p.term_freq()),
            None => 0.0,
        }
    }
}

/// A score no document can exceed for a term: BM25 approaches its weight as
/// the term frequency grows. (`Bm25Weight::max_score` takes the frequency at
/// the longest field norm, which short fields such as titles can beat.)
fn upper_bound(bm25: &Bm25Weight) -> Score {
    bm25.score(0, u32::MAX)
}

/// The terms of one word in one segment.
struct WordCursors {
    body: TermCursor,
    title: TermCursor,
    /// The largest scores the body and the title can give.
    body_max: Score,
    title_max: Score,
}

/// The BM25 weights of a plan, built once for all segments.
struct Weights {
    body: Vec<Bm25Weight>,
    title: Vec<Bm25Weight>,
    filter: Option<Box<dyn Weight>>,
}

/// How much a bound may be above the exact score by rounding: a document is
/// skipped only when its bound is below the threshold by more than this
/// (relative to the bound).
const ROUNDING: Score = 1e-4;

/// True unless a document whose score is at most `bound` surely stays out.
#[inline]
fn admits_about(top: &TopHits, bound: Score) -> bool {
    top.admits(bound + ROUNDING * bound.max(1.0))
}

/// What a search gives: the number of matches, the facets, and the hits
/// asked for, best first.
pub(super) struct Searched {
    pub total: usize,
    pub facets: FacetFruit,
    pub top: Vec<(Score, DocAddress)>,
}

/// Searches `plan` with an optional filter (a query that only selects):
/// the number of matches, the facets, and the hits `offset..offset + limit`
/// by score.
pub(super) fn search(
    plan: &PlainPlan,
    searcher: &Searcher,
    filter: Option<&dyn Query>,
    facets: &FacetCollector,
    offset: usize,
    limit: usize,
) -> tantivy::Result<Searched> {
    // What tantivy's term weight computes: the BM25 statistics of the whole
    // index, times the clause's boost.
    let bm25 = |term: &Term, boost: Score| -> tantivy::Result<Bm25Weight> {
        Ok(Bm25Weight::for_terms(searcher, std::slice::from_ref(term))?.boost_by(boost))
    };
    let weights = Weights {
        body: plan
            .words
            .iter()
            .map(|w| bm25(&w.body, w.body_boost))
            .collect::<tantivy::Result<_>>()?,
        title: plan
            .words
            .iter()
            .map(|w| bm25(&w.title, w.title_boost))
            .collect::<tantivy::Result<_>>()?,
        filter: filter
            .map(|f| f.weight(EnableScoring::disabled_from_searcher(searcher)))
            .transpose()?,
    };
    let k = offset + limit;
    let segments = searcher.segment_readers();
    let outcomes = searcher.index().search_executor().map(
        |(ord, reader): (usize, &SegmentReader)| {
            search_segment(plan, &weights, facets, ord as u32, reader, k)
        },
        segments.iter().enumerate(),
    )?;
    let mut total = 0;
    let mut fruits = Vec::with_capacity(outcomes.len());
    let mut top = TopHitsAcross::new(k);
    for (ord, (count, fruit, hits)) in outcomes.into_iter().enumerate() {
        total += count;
        fruits.push(fruit);
        for (score, doc) in hits {
            top.push(score, DocAddress::new(ord as u32, doc));
        }
    }
    Ok(Searched {
        total,
        facets: facets.merge_fruits(fruits)?,
        top: top.into_sorted(offset),
    })
}

/// The top hits over all segments (tantivy's order: score, then address).
struct TopHitsAcross {
    k: usize,
    hits: Vec<(Score, DocAddress)>,
}

impl TopHitsAcross {
    fn new(k: usize) -> TopHitsAcross {
        TopHitsAcross {
            k,
            hits: Vec::new(),
        }
    }

    fn push(&mut self, score: Score, address: DocAddress) {
        self.hits.push((score, address));
    }

    fn into_sorted(mut self, offset: usize) -> Vec<(Score, DocAddress)> {
        self.hits
            .sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        self.hits.truncate(self.k);
        self.hits.drain(..offset.min(self.hits.len()));
        self.hits
    }
}

type SegmentOutcome = (
    usize,
    <super::SegmentFacets as SegmentCollector>::Fruit,
    Vec<(Score, DocId)>,
);

fn search_segment(
    plan: &PlainPlan,
    weights: &Weights,
    facets: &FacetCollector,
    ord: u32,
    reader: &SegmentReader,
    k: usize,
) -> tantivy::Result<SegmentOutcome> {
    let mut words: Vec<WordCursors> = Vec::with_capacity(plan.words.len());
    for ((word, body), title) in plan.words.iter().zip(&weights.body).zip(&weights.title) {
        words.push(WordCursors {
            body: TermCursor::open(reader, &word.body, body)?,
            title: TermCursor::open(reader, &word.title, title)?,
            body_max: upper_bound(body),
            title_max: upper_bound(title),
        });
    }
    if let ([word], None, false) = (&plan.words[..], &weights.filter, plan.step > 0.0) {
        return search_one_word(word, &mut words[0], weights, facets, ord, reader, k);
    }
    let mut filter = match &weights.filter {
        Some(weight) => Some(weight.scorer(reader, 1.0)?),
        None => None,
    };
    let mut phrase = Phrase::open(plan, reader)?;
    let alive = reader.alive_bitset();
    let mut facet_counter = facets.for_segment(ord, reader)?;
    let mut top = TopHits::new(k);
    let mut count = 0;
    let step = plan.step;
    let tiered = step > 0.0;
    // The body score of each word at the current document, if it has the word.
    let mut body_scores: Vec<Option<Score>> = vec![None; words.len()];

    let mut doc = words
        .iter()
        .map(|w| w.body.doc())
        .min()
        .unwrap_or(TERMINATED);
    while doc != TERMINATED {
        if let Some(filter) = filter.as_mut() {
            // Leapfrog: when the filter's next document is further on, the
            // words jump there (skipping whole blocks of postings).
            let allowed = if filter.doc() < doc {
                filter.seek(doc)
            } else {
                filter.doc()
            };
            if allowed != doc {
                doc = TERMINATED;
                for w in words.iter_mut() {
                    doc = doc.min(w.body.seek(allowed));
                }
                continue;
            }
        }
        if alive.is_none_or(|a| a.is_alive(doc)) {
            count += 1;
            facet_counter.collect(doc, 0.0);
            if k > 0 {
                // The best this document can score, first from the words it
                // has (at their largest scores) and the tiers it may reach,
                // then from its body scores: most documents stop here.
                let mut all_words = true;
                let mut bound: Score = 0.0;
                for w in words.iter() {
                    if w.body.doc() == doc {
                        bound += w.body_max + w.title_max;
                    } else {
                        all_words = false;
                    }
                }
                let tiers_possible = match (tiered && all_words, phrase.is_some()) {
                    (false, _) => 0.0,
                    (true, false) => 1.0,
                    (true, true) => 2.0,
                };
                let tier_bonus = tiers_possible * step;
                if admits_about(&top, bound + tier_bonus) {
                    bound = 0.0;
                    for (w, slot) in words.iter().zip(body_scores.iter_mut()) {
                        *slot = (w.body.doc() == doc).then(|| w.body.score());
                        if let Some(s) = slot {
                            bound += *s + w.title_max;
                        }
                    }
                    if admits_about(&top, bound + tier_bonus) {
                        // The exact score, summed in the order tantivy's
                        // boolean query sums it: per word title then body,
                        // then the tier bonuses.
                        let mut score: Score = 0.0;
                        for (w, body) in words.iter_mut().zip(&body_scores) {
                            let Some(body) = body else { continue };
                            let mut word_score: Score = 0.0;
                            if w.title.seek(doc) == doc {
                                word_score += w.title.score();
                            }
                            word_score += body;
                            score += word_score;
                        }
                        if tiered && all_words {
                            score += step;
                            if let Some(phrase) = phrase.as_mut() {
                                if top.admits(score + step) && phrase.matches(doc) {
                                    score += step;
                                }
                            }
                        }
                        top.push(score, doc);
                    }
                }
            }
        }
        let mut next = TERMINATED;
        for w in words.iter_mut() {
            if w.body.doc() == doc {
                w.body.advance();
            }
            next = next.min(w.body.doc());
        }
        doc = next;
    }
    Ok((count, facet_counter.harvest(), top.into_sorted()))
}

/// [`search_segment`] for one word and no filter, the commonest query: the
/// word's body postings are read a block (128 documents) at a time, the
/// block's documents counted and their facets counted at once.
fn search_one_word(
    word: &Word,
    cursors: &mut WordCursors,
    weights: &Weights,
    facets: &FacetCollector,
    ord: u32,
    reader: &SegmentReader,
    k: usize,
) -> tantivy::Result<SegmentOutcome> {
    let mut facet_counter = facets.for_segment(ord, reader)?;
    let mut top = TopHits::new(k);
    let mut count = 0;
    let postings = reader
        .inverted_index(word.body.field())?
        .read_block_postings(&word.body, IndexRecordOption::WithFreqs)?;
    let Some(mut block) = postings else {
        return Ok((0, facet_counter.harvest(), Vec::new()));
    };
    let fieldnorms = &cursors.body.fieldnorms;
    let bm25 = &weights.body[0];
    let alive = reader.alive_bitset();
    let mut kept: Vec<DocId> = Vec::new();
    loop {
        let docs = block.docs();
        if docs.is_empty() {
            break;
        }
        let freqs = block.freqs();
        let docs = match alive {
            None => docs,
            Some(alive) => {
                kept.clear();
                kept.extend(docs.iter().copied().filter(|&d| alive.is_alive(d)));
                &kept[..]
            }
        };
        count += docs.len();
        facet_counter.collect_block(docs);
        if k > 0 {
            for (i, &doc) in block.docs().iter().enumerate() {
                let freq = freqs.get(i).copied().unwrap_or(1);
                let body = bm25.score(fieldnorms.fieldnorm_id(doc), freq);
                if !admits_about(&top, body + cursors.title_max)
                    || alive.is_some_and(|a| !a.is_alive(doc))
                {
                    continue;
                }
                // Summed as tantivy's boolean query sums it: title, then body.
                let mut score: Score = 0.0;
                if cursors.title.seek(doc) == doc {
                    score += cursors.title.score();
                }
                score += body;
                top.push(score, doc);
            }
        }
        block.advance();
    }
    Ok((count, facet_counter.harvest(), top.into_sorted()))
}

/// The exact phrase of a tiered query in one segment: each token's body
/// postings with positions, read only for the documents checked.
struct Phrase {
    /// Each token's position in the query and postings.
    tokens: Vec<(u32, SegmentPostings)>,
    positions: Vec<Vec<u32>>,
}

impl Phrase {
    /// `None` when the query has no phrase tier or the segment lacks one of
    /// its words (no document of it can have the phrase).
    fn open(plan: &PlainPlan, reader: &SegmentReader) -> tantivy::Result<Option<Phrase>> {
        if plan.phrase.len() < 2 || plan.step <= 0.0 {
            return Ok(None);
        }
        let mut tokens = Vec::with_capacity(plan.phrase.len());
        for (pos, term) in &plan.phrase {
            let index = reader.inverted_index(term.field())?;
            match index.read_postings(term, IndexRecordOption::WithFreqsAndPositions)? {
                Some(postings) => tokens.push((*pos as u32, postings)),
                None => return Ok(None),
            }
        }
        let positions = vec![Vec::new(); tokens.len()];
        Ok(Some(Phrase { tokens, positions }))
    }

    /// True if `doc` has the tokens at their relative positions. Documents
    /// must be asked in increasing order.
    fn matches(&mut self, doc: DocId) -> bool {
        for ((_, postings), positions) in self.tokens.iter_mut().zip(&mut self.positions) {
            if postings.doc() < doc {
                postings.seek(doc);
            }
            if postings.doc() != doc {
                return false;
            }
            positions.clear();
            postings.positions(positions);
        }
        let first = i64::from(self.tokens[0].0);
        self.positions[0].iter().any(|&p| {
            let start = i64::from(p) - first;
            self.tokens
                .iter()
                .zip(&self.positions)
                .skip(1)
                .all(|((pos, _), positions)| {
                    u32::try_from(start + i64::from(*pos))
                        .is_ok_and(|want| positions.binary_search(&want).is_ok())
                })
        })
    }
}
