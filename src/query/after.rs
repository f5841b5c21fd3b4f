//! Search-after paging: the hits ranked after the last hit of the previous
//! page, so that every page costs a top-k of one page's size however deep
//! it is (`search query --jsonl` walks a long result list this way).
//!
//! Hits are in one total order: the key (the score, or the `date_key` for
//! hits by date) from high to low, ties to the lower address (segment, then
//! document). A [`Cursor`] is the key and address of the last hit written;
//! the next page keeps only the hits after it in that order. Hits by date
//! with the all-words rule come in two runs (the articles with all the
//! words, then those with only some), and the cursor says which run it is in.

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// Where a walk through the hits is: at the start, or after a hit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cursor {
    /// Before the first hit.
    Start,
    /// After a hit ranked by score.
    Score {
        /// The hit's exact score (tier bonuses included, not rounded).
        score: Score,
        /// The hit's address.
        address: DocAddress,
    },
    /// After a hit by date.
    Date {
        /// The hit has only some of the words (the second run of the
        /// all-words rule).
        some_words: bool,
        /// The hit's `date_key`.
        date: u64,
        /// The hit's address.
        address: DocAddress,
    },
}

/// A score as a `u64` in the same order ([`f32::total_cmp`]); equal scores
/// give equal keys.
pub(super) fn score_key(score: Score) -> u64 {
    let bits = score.to_bits();
    let ordered = if bits >> 31 == 0 {
        bits | 0x8000_0000
    } else {
        !bits
    };
    u64::from(ordered)
}

/// The last hit written: a sort key (high first) and its address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Last {
    pub key: u64,
    pub address: DocAddress,
}

impl Last {
    /// True if a hit with `key` at `address` comes after this one (what
    /// [`Last::in_segment`] tests a segment at a time).
    #[cfg(test)]
    pub fn precedes(&self, key: u64, address: DocAddress) -> bool {
        key < self.key || (key == self.key && address > self.address)
    }

    /// The test for one segment's documents (see [`SegmentAfter`]).
    pub fn in_segment(&self, segment: SegmentOrdinal) -> SegmentAfter {
        SegmentAfter {
            key: self.key,
            tie: match segment.cmp(&self.address.segment_ord) {
                std::cmp::Ordering::Less => Tie::Never,
                std::cmp::Ordering::Greater => Tie::Always,
                std::cmp::Ordering::Equal => Tie::After(self.address.doc_id),
            },
        }
    }
}

/// Which documents of a segment with the last hit's key come after it.
#[derive(Debug, Clone, Copy)]
enum Tie {
    Never,
    Always,
    After(DocId),
}

/// [`Last::precedes`] for the documents of one segment.
#[derive(Debug, Clone, Copy)]
pub(super) struct SegmentAfter {
    key: u64,
    tie: Tie,
}

impl SegmentAfter {
    /// True if `doc` with `key` comes after the last hit.
    #[inline]
    pub fn keeps(&self, key: u64, doc: DocId) -> bool {
        key < self.key
            || (key == self.key
                && match self.tie {
                    Tie::Never => false,
                    Tie::Always => true,
                    Tie::After(last) => doc > last,
                })
    }
}

/// Sorts hits in the walk's order: key high first, ties to the lower address.
pub(super) fn sort_hits<A: Ord + Copy>(hits: &mut [(u64, A)]) {
    hits.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
}

/// The top `k` of a stream of keyed hits, kept in a buffer of at most `2k`
/// that is cut back to `k` when full: memory stays at the page size.
pub(super) struct TopK<A> {
    k: usize,
    hits: Vec<(u64, A)>,
    /// The worst key kept once `k` are kept: a hit must beat or tie it.
    floor: Option<u64>,
}

impl<A: Ord + Copy> TopK<A> {
    pub fn new(k: usize) -> TopK<A> {
        TopK {
            k,
            hits: Vec::with_capacity(2 * k.max(1)),
            floor: None,
        }
    }

    #[inline]
    pub fn push(&mut self, key: u64, address: A) {
        if self.k == 0 || self.floor.is_some_and(|f| key < f) {
            return;
        }
        if self.hits.len() == self.hits.capacity() {
            self.cut();
        }
        self.hits.push((key, address));
    }

    fn cut(&mut self) {
        sort_hits(&mut self.hits);
        self.hits.truncate(self.k);
        if self.hits.len() == self.k {
            self.floor = self.hits.last().map(|h| h.0);
        }
    }

    /// The hits kept, in order.
    pub fn into_sorted(mut self) -> Vec<(u64, A)> {
        self.cut();
        self.hits
    }
}

/// What a [`TopAfter`] collector ranks by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum By {
    /// The query's score.
    Score,
    /// The `date_key` column, newest first.
    Date,
}

/// A collector of the hits `offset..offset + limit` after `last` (all hits
/// when `None`), by score or by date, in the walk's order. Each segment
/// keeps at most `2 (offset + limit)` hits whatever the depth of the page.
pub(super) struct TopAfter {
    pub by: By,
    pub last: Option<Last>,
    pub offset: usize,
    pub limit: usize,
}

impl Collector for TopAfter {
    type Fruit = Vec<(u64, DocAddress)>;
    type Child = SegmentTopAfter;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentTopAfter> {
        let dates = match self.by {
            By::Date => Some(reader.fast_fields().u64("date_key")?),
            By::Score => None,
        };
        Ok(SegmentTopAfter {
            segment,
            after: self.last.map(|l| l.in_segment(segment)),
            dates,
            top: TopK::new(self.offset + self.limit),
        })
    }

    fn requires_scoring(&self) -> bool {
        self.by == By::Score
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(u64, DocAddress)>>) -> tantivy::Result<Self::Fruit> {
        let mut top = TopK::new(self.offset + self.limit);
        for (key, address) in fruits.into_iter().flatten() {
            top.push(key, address);
        }
        let mut hits = top.into_sorted();
        hits.drain(..self.offset.min(hits.len()));
        Ok(hits)
    }
}

/// [`TopAfter`] in one segment.
pub(super) struct SegmentTopAfter {
    segment: SegmentOrdinal,
    after: Option<SegmentAfter>,
    dates: Option<Column<u64>>,
    top: TopK<DocId>,
}

impl SegmentCollector for SegmentTopAfter {
    type Fruit = Vec<(u64, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let key = match &self.dates {
            Some(dates) => dates.first(doc).unwrap_or(0),
            None => score_key(score),
        };
        if self.after.is_none_or(|a| a.keeps(key, doc)) {
            self.top.push(key, doc);
        }
    }

    fn harvest(self) -> Self::Fruit {
        let segment = self.segment;
        self.top
            .into_sorted()
            .into_iter()
            .map(|(key, doc)| (key, DocAddress::new(segment, doc)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_keys_keep_the_order_of_scores() {
        let scores = [-3.5f32, -0.0, 0.0, 1e-9, 0.5, 1.0, 1.0000001, 7e8];
        for pair in scores.windows(2) {
            assert!(score_key(pair[0]) <= score_key(pair[1]), "{pair:?}");
        }
        assert!(score_key(0.5) < score_key(1.0));
        assert_eq!(score_key(2.25), score_key(2.25));
    }

    #[test]
    fn a_cursor_keeps_lower_keys_and_later_ties() {
        let last = Last {
            key: 10,
            address: DocAddress::new(1, 5),
        };
        assert!(last.precedes(9, DocAddress::new(0, 0)));
        assert!(!last.precedes(11, DocAddress::new(2, 0)));
        assert!(!last.precedes(10, DocAddress::new(1, 5)));
        assert!(last.precedes(10, DocAddress::new(1, 6)));
        assert!(!last.precedes(10, DocAddress::new(0, 9)));
        assert!(last.precedes(10, DocAddress::new(2, 0)));
        for segment in 0..3 {
            let test = last.in_segment(segment);
            for key in 9..=11 {
                for doc in 0..10 {
                    assert_eq!(
                        test.keeps(key, doc),
                        last.precedes(key, DocAddress::new(segment, doc)),
                        "{segment} {key} {doc}"
                    );
                }
            }
        }
    }

    #[test]
    fn top_k_keeps_the_best_in_order() {
        let mut top = TopK::new(3);
        for (key, doc) in [(1u64, 0u32), (5, 1), (5, 2), (3, 3), (5, 0), (0, 9), (4, 4)] {
            top.push(key, doc);
        }
        assert_eq!(top.into_sorted(), vec![(5, 0), (5, 1), (5, 2)]);
    }
}
