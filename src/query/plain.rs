//! Plain queries (a list of words) searched in one pass per segment that
//! counts, counts facets and keeps the top hits, skipping the work no hit
//! shown can need.
//!
//! The same query as tantivy's `BooleanQuery` of the tiers (see
//! [`super::words::compile`]) gives the same hits, scores and counts, but
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

use super::after::{score_key, Last, SegmentAfter};
use super::facets::{FacetCollector, FacetFruit, SegmentFacets};
use crate::index::facet_file::FacetArrays;
use tantivy::collector::{Collector, SegmentCollector};

/// A distinct word of a plain query, with the boosts its two fields are
/// scored with (query term frequency, title boost, IDF variant).
pub(super) struct Word {
    pub body: Term,
    pub title: Term,
    pub body_boost: Score,
    pub title_boost: Score,
    /// A close word also matched, ranked below the word itself (typo
    /// tolerance for a word far rarer than it); a plan with one is not
    /// searched in one pass.
    pub alternate: Option<Alternate>,
}

/// A word's close word: its terms, scored at [`ALTERNATE_WEIGHT`] of the
/// word's boosts.
pub(super) struct Alternate {
    pub body: Term,
    pub title: Term,
}

/// How much a close word weighs beside the word typed.
pub(super) const ALTERNATE_WEIGHT: Score = 0.5;

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
///
/// With a search-after cursor (`after`), only documents ranked after the
/// cursor's hit enter: the list holds one page however deep the page is.
struct TopHits {
    k: usize,
    hits: Vec<(Score, DocId)>,
    threshold: Option<Score>,
    after: Option<SegmentAfter>,
}

impl TopHits {
    fn new(k: usize, after: Option<SegmentAfter>) -> TopHits {
        TopHits {
            k,
            hits: Vec::with_capacity(2 * k.max(1)),
            threshold: None,
            after,
        }
    }

    /// True if a document scoring `score` would be kept.
    #[inline]
    fn admits(&self, score: Score) -> bool {
        self.k > 0 && self.threshold.is_none_or(|t| score > t)
    }

    fn push(&mut self, score: Score, doc: DocId) {
        if !self.admits(score) || self.after.is_some_and(|a| !a.keeps(score_key(score), doc)) {
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
    // A field without any token in the index has an average length of 0,
    // which makes tantivy's weight NaN: bound nothing then.
    let bound = bm25.score(0, u32::MAX);
    if bound.is_finite() {
        bound
    } else {
        Score::INFINITY
    }
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
    /// The years `filter` keeps, when that is all it does.
    years: Option<std::ops::RangeInclusive<u16>>,
}

/// Which documents of a segment a search keeps besides the words: the live
/// ones, of the years asked for (read from the segment's facet file).
struct Keep<'a> {
    alive: Option<&'a tantivy::fastfield::AliveBitSet>,
    years: Option<(FacetArrays<'a>, std::ops::RangeInclusive<u16>)>,
}

impl Keep<'_> {
    /// True when every document of the postings is kept.
    fn all(&self) -> bool {
        self.alive.is_none() && self.years.is_none()
    }

    #[inline]
    fn keeps(&self, doc: DocId) -> bool {
        self.alive.is_none_or(|a| a.is_alive(doc))
            && self
                .years
                .as_ref()
                .is_none_or(|(arrays, years)| years.contains(&arrays.year(doc as usize)))
    }
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
    /// Documents with any of the words.
    pub total: usize,
    /// Documents with all of the words.
    pub total_all: usize,
    pub facets: FacetFruit,
    pub top: Vec<(Score, DocAddress)>,
}

/// What a plain search keeps besides the words.
pub(super) struct Filter<'a> {
    /// A query that only selects, if any.
    pub query: Option<&'a dyn Query>,
    /// When `query` keeps just these years: a segment with a facet file
    /// checks each article's year there instead.
    pub years: Option<std::ops::RangeInclusive<u16>>,
    /// Count facets only for documents with all the words.
    pub all_words_facets: bool,
}

/// Which hits a search keeps: `offset..offset + limit` by score of those
/// ranked after `after` (all hits when `None`).
pub(super) struct Range {
    pub after: Option<Last>,
    pub offset: usize,
    pub limit: usize,
}

/// Searches `plan` with an optional filter (a query that only selects):
/// the number of matches, the facets, and the hits of `range` by score.
pub(super) fn search(
    plan: &PlainPlan,
    searcher: &Searcher,
    filter: Filter<'_>,
    facets: &FacetCollector,
    range: Range,
) -> tantivy::Result<Searched> {
    let Range {
        after,
        offset,
        limit,
    } = range;
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
            .query
            .map(|f| f.weight(EnableScoring::disabled_from_searcher(searcher)))
            .transpose()?,
        years: filter.years,
    };
    let k = offset + limit;
    let all_only = filter.all_words_facets;
    let segments = searcher.segment_readers();
    let outcomes = searcher.index().search_executor().map(
        |(ord, reader): (usize, &SegmentReader)| {
            let top = TopHits::new(k, after.map(|a| a.in_segment(ord as u32)));
            search_segment(plan, &weights, facets, ord as u32, reader, top, all_only)
        },
        segments.iter().enumerate(),
    )?;
    let (mut total, mut total_all) = (0, 0);
    let mut fruits = Vec::with_capacity(outcomes.len());
    let mut top = TopHitsAcross::new(k);
    for (ord, (counts, fruit, hits)) in outcomes.into_iter().enumerate() {
        total += counts.any;
        total_all += counts.all;
        fruits.push(fruit);
        for (score, doc) in hits {
            top.push(score, DocAddress::new(ord as u32, doc));
        }
    }
    Ok(Searched {
        total,
        total_all,
        facets: facets.merge_fruits(fruits)?,
        top: top.into_sorted(offset),
    })
}

/// The top hits over all segments: best score first, ties to the lower
/// address (segment, then document). tantivy's `TopDocs` means the same
/// order, but in its merge a tie exactly at the edge of the page can go to
/// another document, as it takes the segments' hits in no particular order;
/// the tests compare with it on cases without such ties.
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
    Counts,
    <SegmentFacets as SegmentCollector>::Fruit,
    Vec<(Score, DocId)>,
);

/// How many documents of a segment have any of the words, and all of them.
#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    any: usize,
    all: usize,
}

/// The matches of a segment's search: which documents it keeps besides
/// the words, how many it kept, and their facets.
struct Matches<'a> {
    keep: Keep<'a>,
    counts: Counts,
    /// Facets count only documents with all the words.
    all_only: bool,
    facets: SegmentFacets,
}

impl Matches<'_> {
    /// Counts `doc`, a document with the words (`all_words`: all of them),
    /// if it is kept; true if so.
    #[inline]
    fn add(&mut self, doc: DocId, all_words: bool) -> bool {
        let kept = self.keep.keeps(doc);
        if kept && self.count(all_words) {
            self.facets.collect(doc, 0.0);
        }
        kept
    }

    /// Counts a kept document (`all_words`: with all the words); true if
    /// its facets are to be counted.
    #[inline]
    fn count(&mut self, all_words: bool) -> bool {
        self.counts.any += 1;
        self.counts.all += usize::from(all_words);
        all_words || !self.all_only
    }

    /// Counts `docs`, all kept and all with every word.
    fn add_kept(&mut self, docs: &[DocId]) {
        self.counts.any += docs.len();
        self.counts.all += docs.len();
        self.facets.collect_block(docs);
    }

    /// What the segment gives, with the top hits of `ranker`.
    fn finish(self, ranker: Ranker) -> SegmentOutcome {
        (self.counts, self.facets.harvest(), ranker.top.into_sorted())
    }
}

fn search_segment(
    plan: &PlainPlan,
    weights: &Weights,
    facets: &FacetCollector,
    ord: u32,
    reader: &SegmentReader,
    top: TopHits,
    all_only: bool,
) -> tantivy::Result<SegmentOutcome> {
    let mut words: Vec<WordCursors> = Vec::with_capacity(plan.words.len());
    for ((word, body), title) in plan.words.iter().zip(&weights.body).zip(&weights.title) {
        let title_cursor = TermCursor::open(reader, &word.title, title)?;
        // A segment without the word in any title adds no title score.
        let title_max = match title_cursor.postings {
            Some(_) => upper_bound(title),
            None => 0.0,
        };
        words.push(WordCursors {
            body: TermCursor::open(reader, &word.body, body)?,
            title: title_cursor,
            body_max: upper_bound(body),
            title_max,
        });
    }
    // A span of years is checked in the segment's facet file when it has one.
    let year_file = weights
        .years
        .as_ref()
        .and_then(|years| Some((facets.files.get(reader)?, years.clone())));
    let matches = Matches {
        keep: Keep {
            alive: reader.alive_bitset(),
            years: year_file
                .as_ref()
                .map(|(file, years)| (file.arrays(), years.clone())),
        },
        counts: Counts::default(),
        all_only,
        facets: facets.for_segment(ord, reader)?,
    };
    let filter = weights.filter.as_ref().filter(|_| year_file.is_none());
    let ranker = Ranker {
        words,
        phrase: Phrase::open(plan, reader)?,
        step: plan.step,
        top,
    };
    Ok(match filter {
        Some(filter) => {
            let filter = filter.scorer(reader, 1.0)?;
            search_word_by_word(ranker, matches, Some(filter))
        }
        None if plan.words.len() == 1 && plan.step <= 0.0 => {
            search_one_word(&plan.words[0], ranker, matches, reader)?
        }
        None if plan.words.len() <= WINDOW_WORDS => search_window_by_window(ranker, matches),
        None => search_word_by_word(ranker, matches, None),
    })
}

/// [`search_segment`] in general: the union of the words is walked document
/// by document, a filter leapfrogged.
fn search_word_by_word(
    mut ranker: Ranker,
    mut matches: Matches<'_>,
    mut filter: Option<Box<dyn tantivy::query::Scorer>>,
) -> SegmentOutcome {
    // The body score of each word at the current document, if it has the word.
    let mut body_scores: Vec<Option<Score>> = vec![None; ranker.words.len()];
    let mut doc = ranker.next_doc();
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
                for w in ranker.words.iter_mut() {
                    w.body.seek(allowed);
                }
                doc = ranker.next_doc();
                continue;
            }
        }
        let all_words = ranker.words.iter().all(|w| w.body.doc() == doc);
        if matches.add(doc, all_words) && ranker.top.k > 0 {
            // The best this document can score from the words it has, at
            // their largest: most documents stop here.
            let mut bound: Score = 0.0;
            for w in ranker.words.iter() {
                if w.body.doc() == doc {
                    bound += w.body_max + w.title_max;
                }
            }
            if admits_about(&ranker.top, bound + ranker.tier_bonus(all_words)) {
                for (w, slot) in ranker.words.iter().zip(body_scores.iter_mut()) {
                    *slot = (w.body.doc() == doc).then(|| w.body.score());
                }
                ranker.offer(doc, &body_scores, all_words);
            }
        }
        for w in ranker.words.iter_mut() {
            if w.body.doc() == doc {
                w.body.advance();
            }
        }
        doc = ranker.next_doc();
    }
    matches.finish(ranker)
}

/// Keeps a segment's top hits, scoring a document fully only when it could
/// enter them.
struct Ranker {
    words: Vec<WordCursors>,
    phrase: Option<Phrase>,
    step: Score,
    top: TopHits,
}

impl Ranker {
    /// The first document any word's body postings are on.
    fn next_doc(&self) -> DocId {
        self.words
            .iter()
            .map(|w| w.body.doc())
            .min()
            .unwrap_or(TERMINATED)
    }

    /// The largest tier bonus a document with all the words (or not) can get.
    fn tier_bonus(&self, all_words: bool) -> Score {
        match (self.step > 0.0 && all_words, self.phrase.is_some()) {
            (false, _) => 0.0,
            (true, false) => self.step,
            (true, true) => 2.0 * self.step,
        }
    }

    /// Offers `doc`, whose body scores per word are `body_scores` (`None`
    /// for a word it lacks), to the top hits. Documents must come in
    /// increasing order.
    fn offer(&mut self, doc: DocId, body_scores: &[Option<Score>], all_words: bool) {
        let mut bound: Score = 0.0;
        for (w, body) in self.words.iter().zip(body_scores) {
            if let Some(body) = body {
                bound += body + w.title_max;
            }
        }
        if !admits_about(&self.top, bound + self.tier_bonus(all_words)) {
            return;
        }
        // The exact score, summed in the order tantivy's boolean query sums
        // it: per word title then body, then the tier bonuses.
        let mut score: Score = 0.0;
        for (w, body) in self.words.iter_mut().zip(body_scores) {
            let Some(body) = body else { continue };
            let mut word_score: Score = 0.0;
            if w.title.seek(doc) == doc {
                word_score += w.title.score();
            }
            word_score += body;
            score += word_score;
        }
        if self.step > 0.0 && all_words {
            score += self.step;
            if let Some(phrase) = self.phrase.as_mut() {
                if self.top.admits(score + self.step) && phrase.matches(doc) {
                    score += self.step;
                }
            }
        }
        self.top.push(score, doc);
    }
}

/// Documents a window of the union covers.
const WINDOW: usize = 4096;
/// The most words the window-by-window union takes (a document's words are
/// a bit mask).
const WINDOW_WORDS: usize = 8;

/// [`search_segment`] for several words and no filter: the union of the
/// words is built a window of [`WINDOW`] documents at a time. Each word's
/// postings are read in a tight loop that marks its documents and notes
/// their body scores; the window's documents are then visited in order.
fn search_window_by_window(mut ranker: Ranker, mut matches: Matches<'_>) -> SegmentOutcome {
    let n = ranker.words.len();
    let all: u8 = if n >= 8 { u8::MAX } else { (1u8 << n) - 1 };
    // Per slot of the window: which words the document has, and their body
    // scores (word by word).
    let mut has = vec![0u8; WINDOW];
    let mut scores: Vec<Score> = vec![0.0; WINDOW * n];
    let mut marked = [0u64; WINDOW / 64];
    let mut matched: Vec<DocId> = Vec::with_capacity(WINDOW);
    let mut body_scores: Vec<Option<Score>> = vec![None; n];
    let best_bm25: Score = ranker.words.iter().map(|w| w.body_max + w.title_max).sum();
    loop {
        let base = ranker.next_doc();
        if base == TERMINATED {
            break;
        }
        let end = base.saturating_add(WINDOW as DocId);
        for (i, w) in ranker.words.iter_mut().enumerate() {
            let scores = &mut scores[i * WINDOW..(i + 1) * WINDOW];
            loop {
                let doc = w.body.doc();
                if doc >= end {
                    break;
                }
                let slot = (doc - base) as usize;
                marked[slot / 64] |= 1 << (slot % 64);
                has[slot] |= 1 << i;
                scores[slot] = w.body.score();
                w.body.advance();
            }
        }
        matched.clear();
        for (block, bits) in marked.iter_mut().enumerate() {
            let mut rest = std::mem::take(bits);
            while rest != 0 {
                let slot = block * 64 + rest.trailing_zeros() as usize;
                rest &= rest - 1;
                let doc = base + slot as DocId;
                let words_here = std::mem::take(&mut has[slot]);
                if !matches.keep.keeps(doc) {
                    continue;
                }
                let all_words = words_here == all;
                if matches.count(all_words) {
                    matched.push(doc);
                }
                // Most documents are out at once: even their best possible
                // BM25 with the tiers they may reach stays below the list.
                if !admits_about(&ranker.top, best_bm25 + ranker.tier_bonus(all_words)) {
                    continue;
                }
                for (i, body) in body_scores.iter_mut().enumerate() {
                    *body = (words_here & (1 << i) != 0).then(|| scores[i * WINDOW + slot]);
                }
                ranker.offer(doc, &body_scores, all_words);
            }
        }
        matches.facets.collect_block(&matched);
    }
    matches.finish(ranker)
}

/// [`search_segment`] for one word and no filter, the commonest query: the
/// word's body postings are read a block (128 documents) at a time, the
/// block's documents counted and their facets counted at once.
fn search_one_word(
    word: &Word,
    mut ranker: Ranker,
    mut matches: Matches<'_>,
    reader: &SegmentReader,
) -> tantivy::Result<SegmentOutcome> {
    let postings = reader
        .inverted_index(word.body.field())?
        .read_block_postings(&word.body, IndexRecordOption::WithFreqs)?;
    let Some(mut block) = postings else {
        return Ok(matches.finish(ranker));
    };
    let mut kept: Vec<DocId> = Vec::new();
    let mut body_score = [None];
    loop {
        let docs = block.docs();
        if docs.is_empty() {
            break;
        }
        if matches.keep.all() {
            matches.add_kept(docs);
        } else {
            kept.clear();
            kept.extend(docs.iter().copied().filter(|&d| matches.keep.keeps(d)));
            matches.add_kept(&kept);
        }
        if ranker.top.k > 0 {
            let freqs = block.freqs();
            for (i, &doc) in docs.iter().enumerate() {
                let word = &ranker.words[0];
                let freq = freqs.get(i).copied().unwrap_or(1);
                let score = word
                    .body
                    .bm25
                    .score(word.body.fieldnorms.fieldnorm_id(doc), freq);
                let bound = score + word.title_max;
                // Most documents are out at once, before any other look-up.
                if admits_about(&ranker.top, bound) && matches.keep.keeps(doc) {
                    body_score[0] = Some(score);
                    ranker.offer(doc, &body_score, true);
                }
            }
        }
        block.advance();
    }
    Ok(matches.finish(ranker))
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
