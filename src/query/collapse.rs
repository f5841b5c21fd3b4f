//! Near-copies collapsed: one hit per group of near-duplicates (the best
//! ranked member), and story counts (each group counted once).
//!
//! Hits: the collectors are asked for the first `offset + limit` hits and a
//! margin, from the top; the list keeps the first member of each group, and
//! when that leaves fewer than `offset + limit` hits while the collectors
//! had more to give, the window doubles and the search runs again. A test
//! compares with the reference: every hit, uncollapsed, then collapsed.
//!
//! Stories: the request's selection (what `total` counts) is walked segment
//! by segment; a group's first member in index order stands for it, and the
//! facets are counted over those representatives with the same collector.

use std::collections::{HashMap, HashSet};

use tantivy::index::SegmentId;
use tantivy::query::{BitSetDocSet, ConstScorer, EnableScoring, Explanation, Query, Weight};
use tantivy::{BitSet, DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED};

use super::facets::{FacetCollector, FacetFruit};
use super::request::{MatchMode, QueryRequest};
use crate::dups::Groups;
use crate::error::SearchError;
use crate::index::SearchIndex;

/// The hits of `top` (best first) without the later members of a group.
pub(super) fn first_of_each_group(
    top: Vec<(Option<f32>, DocAddress)>,
    groups: &Groups,
) -> Vec<(Option<f32>, DocAddress)> {
    let mut seen = HashSet::new();
    top.into_iter()
        .filter(|(_, a)| groups.group_of(*a).is_none_or(|g| seen.insert(g)))
        .collect()
}

/// The first window of hits to ask for to show `wanted` collapsed ones: a
/// small margin (a larger window prunes less in the one-pass search; a
/// window too small runs the search again, doubled).
pub(super) fn first_window(wanted: usize) -> usize {
    wanted.saturating_add(wanted / 4).saturating_add(2)
}

/// Story counts of a request: the stories its `total` counts, those with
/// only some of the words, and the facets of the stories.
pub(super) struct StoryCounts {
    pub total: u64,
    pub partial: u64,
    pub facets: FacetFruit,
}

/// Counts what `req` selects by stories (see the module documentation).
pub(super) fn count_stories(
    idx: &SearchIndex,
    searcher: &Searcher,
    req: &QueryRequest,
    groups: &Groups,
    facets: &FacetCollector,
) -> Result<StoryCounts, SearchError> {
    let selection = super::select(idx, req)?;
    let chosen = representatives(searcher, selection.weight(searcher)?.as_ref(), groups)?;
    let total = chosen.count;
    let partial = if selection.counted == MatchMode::All {
        let any = QueryRequest {
            match_mode: MatchMode::Any,
            ..req.clone()
        };
        let any = super::select(idx, &any)?;
        representatives(searcher, any.weight(searcher)?.as_ref(), groups)?.count - total
    } else {
        0
    };
    let facets = searcher.search(&chosen.query, facets)?;
    Ok(StoryCounts {
        total,
        partial,
        facets,
    })
}

struct Chosen {
    count: u64,
    query: Documents,
}

/// The first live match of each group (and every match without one), in index order.
fn representatives(
    searcher: &Searcher,
    weight: &dyn Weight,
    groups: &Groups,
) -> tantivy::Result<Chosen> {
    let mut seen = HashSet::new();
    let mut sets = HashMap::new();
    let mut count = 0;
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let mut set = BitSet::with_max_value(segment.max_doc());
        let mut scorer = weight.scorer(segment, 1.0)?;
        let alive = segment.alive_bitset();
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            let live = alive.is_none_or(|a| a.is_alive(doc));
            let group = groups.group_of(DocAddress::new(ord as u32, doc));
            if live && group.is_none_or(|g| seen.insert(g)) {
                set.insert(doc);
                count += 1;
            }
            doc = scorer.advance();
        }
        sets.insert(segment.segment_id(), set);
    }
    Ok(Chosen {
        count,
        query: Documents(std::sync::Arc::new(sets)),
    })
}

/// A query matching given documents of each segment.
#[derive(Clone)]
struct Documents(std::sync::Arc<HashMap<SegmentId, BitSet>>);

impl std::fmt::Debug for Documents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Documents({} segments)", self.0.len())
    }
}

impl Query for Documents {
    fn weight(&self, _: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for Documents {
    fn scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Box<dyn tantivy::query::Scorer>> {
        let set = self
            .0
            .get(&reader.segment_id())
            .cloned()
            .unwrap_or_else(|| BitSet::with_max_value(reader.max_doc()));
        Ok(Box::new(ConstScorer::new(BitSetDocSet::from(set), boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let found = self
            .0
            .get(&reader.segment_id())
            .is_some_and(|s| s.contains(doc));
        if found {
            Ok(Explanation::new("chosen document", 1.0))
        } else {
            Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} is not chosen"
            )))
        }
    }
}

/// A query matching exactly `addresses` of `searcher`'s commit.
pub(super) fn documents(searcher: &Searcher, addresses: &[DocAddress]) -> impl Query + Clone {
    let mut sets: HashMap<SegmentId, BitSet> = HashMap::new();
    let segments = searcher.segment_readers();
    for a in addresses {
        if let Some(segment) = segments.get(a.segment_ord as usize) {
            sets.entry(segment.segment_id())
                .or_insert_with(|| BitSet::with_max_value(segment.max_doc()))
                .insert(a.doc_id);
        }
    }
    Documents(std::sync::Arc::new(sets))
}
