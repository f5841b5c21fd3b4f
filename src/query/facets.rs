//! Facet counting: years and companies over every matching article.
//!
//! [`FacetCollector`] is a tantivy collector (also driven directly by the
//! one-pass search in `plain.rs`). Per segment it counts from the segment's
//! facet file when it has a usable one (`index/facet_file.rs`: companies by
//! number in the index's name list, so segments add up by number), else from
//! the `year` and `company` fast-field columns (companies by term ordinal,
//! named per segment and merged by name).

use std::collections::BTreeMap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::column_index::MultiValueIndex;
use tantivy::columnar::{Column, ColumnIndex, StrColumn};
use tantivy::{Score, SegmentReader};
use zerocopy::little_endian::U32;

use super::request::FacetCount;
use crate::index::facet_file::{FacetFile, FacetFiles};

/// The year facet from counts per year: newest first, `unknown` (0) last.
pub(super) fn year_counts(counts: BTreeMap<u64, u64>) -> Vec<FacetCount> {
    let mut list: Vec<FacetCount> = counts
        .iter()
        .rev()
        .filter(|(&y, _)| y > 0)
        .map(|(y, &count)| FacetCount {
            value: y.to_string(),
            count,
        })
        .collect();
    if let Some(&unknown) = counts.get(&0) {
        list.push(FacetCount {
            value: "unknown".into(),
            count: unknown,
        });
    }
    list
}

/// What [`FacetCollector`] gives: count per year, and the top companies.
pub(super) type FacetFruit = (BTreeMap<u64, u64>, Vec<FacetCount>);

/// Counts years and companies of the matching documents from fast fields.
#[derive(Clone)]
pub(super) struct FacetCollector {
    /// How many companies to name, most mentioned first.
    pub(super) company_limit: usize,
    /// The segments' facet files, read instead of the columns where present.
    pub(super) files: Arc<FacetFiles>,
}

/// Company counts of one segment, sorted by name, with the names in one
/// buffer: merging segments then costs no hashing and no allocation per name.
#[derive(Debug, Clone, Default)]
pub(super) struct CompanyCounts {
    /// The names, one after the other.
    names: Vec<u8>,
    /// Where each name ends in `names`.
    ends: Vec<usize>,
    counts: Vec<u64>,
}

impl CompanyCounts {
    /// Adds a name (after those already there in name order) and its count.
    fn push(&mut self, name: &[u8], count: u64) {
        self.names.extend_from_slice(name);
        self.ends.push(self.names.len());
        self.counts.push(count);
    }

    fn name(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.names[start..self.ends[i]]
    }
}

/// A segment's company counts: by number in the facet files' name list, or
/// by name (a segment read from its columns).
pub(super) enum SegmentCompanies {
    Numbered(Vec<u64>),
    Named(CompanyCounts),
}

/// The companies counted at least once in counts by number in `names`.
fn named<'a>(counts: &[u64], names: &'a [String]) -> Vec<(&'a [u8], u64)> {
    counts
        .iter()
        .enumerate()
        .filter(|(_, &c)| c > 0)
        .filter_map(|(i, &c)| Some((names.get(i)?.as_bytes(), c)))
        .collect()
}

/// The `limit` most mentioned companies of counts by number in `names`
/// (ties by name).
fn top_numbered(counts: &[u64], names: &[String], limit: usize) -> Vec<FacetCount> {
    top_by_count(&mut named(counts, names), limit)
}

/// Counts by number in `names` as counts by name (sorted by name).
fn numbered_by_name(counts: &[u64], names: &[String]) -> CompanyCounts {
    let mut counted = named(counts, names);
    counted.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut by_name = CompanyCounts::default();
    for (name, count) in counted {
        by_name.push(name, count);
    }
    by_name
}

/// The `limit` entries with the highest counts, ties by name.
fn top_by_count(counted: &mut Vec<(&[u8], u64)>, limit: usize) -> Vec<FacetCount> {
    let by_count = |a: &(&[u8], u64), b: &(&[u8], u64)| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0));
    if limit < counted.len() {
        counted.select_nth_unstable_by(limit, by_count);
        counted.truncate(limit);
    }
    counted.sort_unstable_by(by_count);
    counted
        .iter()
        .map(|(name, count)| FacetCount {
            value: String::from_utf8_lossy(name).into_owned(),
            count: *count,
        })
        .collect()
}

/// The `limit` most mentioned companies over all segments (ties by name).
fn merge_company_counts(segments: &[CompanyCounts], limit: usize) -> Vec<FacetCount> {
    // A k-way merge of lists sorted by name; k (segments) is small.
    let mut cursor = vec![0usize; segments.len()];
    let mut merged: Vec<(&[u8], u64)> = Vec::new();
    loop {
        let mut smallest: Option<&[u8]> = None;
        for (s, seg) in segments.iter().enumerate() {
            if cursor[s] < seg.counts.len() {
                let name = seg.name(cursor[s]);
                if smallest.is_none_or(|m| name < m) {
                    smallest = Some(name);
                }
            }
        }
        let Some(name) = smallest else { break };
        let mut count = 0;
        for (s, seg) in segments.iter().enumerate() {
            if cursor[s] < seg.counts.len() && seg.name(cursor[s]) == name {
                count += seg.counts[cursor[s]];
                cursor[s] += 1;
            }
        }
        merged.push((name, count));
    }
    top_by_count(&mut merged, limit)
}

/// Years up to this are counted in a flat array; later ones (never seen in
/// news, but a fast field can hold them) in a map.
const DENSE_YEARS: usize = 4096;

/// Company ordinals of a document copied at once from a facet file (most
/// articles name fewer).
const GATHER: usize = 16;

/// Documents read from the columns at a time: whole blocks cost far less per
/// document than one look-up each.
const FACET_BLOCK: usize = 128;

pub(super) struct SegmentFacets {
    /// The segment's facet file; without one the columns are read.
    file: Option<Arc<FacetFile>>,
    /// The year column (read only without a facet file).
    year: Option<Column<u64>>,
    /// Matched documents not yet counted.
    pending: Vec<u32>,
    /// Scratch space for one block.
    years_read: Vec<Option<u64>>,
    company_docs: Vec<u32>,
    company_ranks: Vec<u32>,
    company_starts: Vec<u32>,
    company_rows: Vec<u32>,
    company_ords: Vec<u64>,
    /// Count per year, for years below [`DENSE_YEARS`].
    years: Vec<u64>,
    /// Count per year, for the rest.
    late_years: BTreeMap<u64, u64>,
    /// Count per company: by term ordinal of the segment's dictionary, or,
    /// from a facet file, by number in the index's name list.
    companies: Vec<u64>,
    /// The company ordinals of a block, gathered from the facet file.
    gathered: Vec<U32>,
    /// The company column: each document's term ordinals, and the
    /// dictionary that names them at the end.
    dictionary: Option<StrColumn>,
}

impl Collector for FacetCollector {
    type Fruit = FacetFruit;
    type Child = SegmentFacets;

    fn for_segment(&self, _: u32, segment: &SegmentReader) -> tantivy::Result<SegmentFacets> {
        let file = self.files.get(segment);
        let names = self.files.names().map_or(0, |n| n.names.len());
        // The columns are opened only for a segment without a facet file.
        let (year, dictionary, dense, terms) = match &file {
            Some(file) => {
                let dense = (file.largest_year() as usize + 1).min(DENSE_YEARS);
                (None, None, dense, names)
            }
            None => {
                let year = segment.fast_fields().u64("year")?;
                let dictionary = segment.fast_fields().str("company")?;
                let terms = dictionary.as_ref().map_or(0, |c| c.num_terms());
                let dense = (year.max_value() as usize + 1).min(DENSE_YEARS);
                (Some(year), dictionary, dense, terms)
            }
        };
        Ok(SegmentFacets {
            file,
            year,
            pending: Vec::with_capacity(FACET_BLOCK),
            years_read: vec![None; FACET_BLOCK],
            company_docs: Vec::new(),
            company_ranks: Vec::new(),
            company_starts: Vec::new(),
            company_rows: Vec::new(),
            company_ords: Vec::new(),
            years: vec![0; dense],
            late_years: BTreeMap::new(),
            companies: vec![0; terms],
            gathered: Vec::new(),
            dictionary,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<(BTreeMap<u64, u64>, SegmentCompanies)>,
    ) -> tantivy::Result<Self::Fruit> {
        let mut years = BTreeMap::new();
        let mut by_number: Vec<u64> = Vec::new();
        let mut by_name = Vec::new();
        for (y, c) in fruits {
            for (k, v) in y {
                *years.entry(k).or_insert(0) += v;
            }
            match c {
                SegmentCompanies::Numbered(counts) => {
                    if by_number.len() < counts.len() {
                        by_number.resize(counts.len(), 0);
                    }
                    for (sum, count) in by_number.iter_mut().zip(counts) {
                        *sum += count;
                    }
                }
                SegmentCompanies::Named(counts) => by_name.push(counts),
            }
        }
        let names = self.files.names();
        let names = names.as_ref().map_or(&[][..], |n| &n.names[..]);
        let companies = if by_name.is_empty() {
            top_numbered(&by_number, names, self.company_limit)
        } else {
            // Segments with and without facet files: meet by name.
            if by_number.iter().any(|&c| c > 0) {
                by_name.push(numbered_by_name(&by_number, names));
            }
            merge_company_counts(&by_name, self.company_limit)
        };
        Ok((years, companies))
    }
}

impl SegmentFacets {
    /// Counts the documents of `docs` (at most [`FACET_BLOCK`]).
    fn count_block(&mut self, docs: &[u32]) {
        if let Some(file) = &self.file {
            let arrays = file.arrays();
            let years = &mut self.years[..];
            // The block's company ordinals are first gathered into one list,
            // then counted in one loop: a loop per document, of varying
            // length, costs a mispredicted branch per document. Up to
            // `GATHER` ordinals are copied at a fixed width (the extra ones
            // are overwritten by the next document's).
            let gathered = &mut self.gathered;
            let mut len = 0;
            for &doc in docs {
                let doc = doc as usize;
                let year = arrays.year(doc);
                match years.get_mut(year as usize) {
                    Some(count) => *count += 1,
                    None => *self.late_years.entry(year.into()).or_insert(0) += 1,
                }
                let (Some(start), Some(end)) = (arrays.starts.get(doc), arrays.starts.get(doc + 1))
                else {
                    continue;
                };
                let (start, end) = (start.get() as usize, end.get() as usize);
                if end >= start && end - start <= GATHER {
                    if let Some(wide) = arrays.ords.get(start..start + GATHER) {
                        if gathered.len() < len + GATHER {
                            gathered.resize(2 * (len + GATHER), U32::ZERO);
                        }
                        gathered[len..len + GATHER].copy_from_slice(wide);
                        len += end - start;
                        continue;
                    }
                }
                let exact = arrays.company_ords(doc);
                if gathered.len() < len + exact.len() {
                    gathered.resize(2 * (len + exact.len()), U32::ZERO);
                }
                gathered[len..len + exact.len()].copy_from_slice(exact);
                len += exact.len();
            }
            let companies = &mut self.companies[..];
            for ord in &gathered[..len] {
                if let Some(count) = companies.get_mut(ord.get() as usize) {
                    *count += 1;
                }
            }
            return;
        }
        let read = &mut self.years_read[..docs.len()];
        read.fill(None);
        if let Some(year) = &self.year {
            year.first_vals(docs, read);
        }
        let years = &mut self.years[..];
        for year in read.iter() {
            let year = year.unwrap_or(0);
            match years.get_mut(year as usize) {
                Some(count) => *count += 1,
                None => *self.late_years.entry(year).or_insert(0) += 1,
            }
        }
        if let Some(company) = self.dictionary.as_ref().map(|d| d.ords()) {
            self.company_docs.clear();
            self.company_rows.clear();
            match &company.index {
                // The usual layout of a multi-valued column: which documents
                // have values, then where each one's values start. Read both
                // for the whole block (the generic path looks up one
                // document at a time).
                ColumnIndex::Multivalued(MultiValueIndex::MultiValueIndexV2(index)) => {
                    self.company_ranks.clear();
                    index.optional_index.rank_if_exists_batch(
                        docs,
                        &mut self.company_docs,
                        &mut self.company_ranks,
                    );
                    let n = self.company_ranks.len();
                    self.company_starts.resize(n * 2, 0);
                    self.company_ranks.extend_from_within(..n);
                    for rank in &mut self.company_ranks[n..] {
                        *rank += 1;
                    }
                    index
                        .start_index_column
                        .get_vals(&self.company_ranks, &mut self.company_starts);
                    // Each document's value rows, written into a slice sized
                    // up front (pushing one by one kept the length in memory).
                    let (starts, ends) = self.company_starts.split_at(n);
                    let total: usize = starts
                        .iter()
                        .zip(ends)
                        .map(|(&s, &e)| e.saturating_sub(s) as usize)
                        .sum();
                    self.company_rows.resize(total, 0);
                    let mut at = 0;
                    let rows = &mut self.company_rows[..];
                    for (&start, &end) in starts.iter().zip(ends) {
                        for row in start..end {
                            rows[at] = row;
                            at += 1;
                        }
                    }
                    self.company_ranks.clear();
                }
                _ => company.row_ids_for_docs(docs, &mut self.company_docs, &mut self.company_rows),
            }
            self.company_ords.resize(self.company_rows.len(), 0);
            company
                .values
                .get_vals(&self.company_rows, &mut self.company_ords);
            let counts = &mut self.companies[..];
            for &ord in &self.company_ords {
                if let Some(count) = counts.get_mut(ord as usize) {
                    *count += 1;
                }
            }
        }
    }

    fn flush(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        self.count_block(&pending);
        self.pending = pending;
        self.pending.clear();
    }
}

impl SegmentCollector for SegmentFacets {
    type Fruit = (BTreeMap<u64, u64>, SegmentCompanies);

    fn collect(&mut self, doc: u32, _: Score) {
        self.pending.push(doc);
        if self.pending.len() == FACET_BLOCK {
            self.flush();
        }
    }

    fn collect_block(&mut self, docs: &[u32]) {
        for block in docs.chunks(FACET_BLOCK) {
            self.count_block(block);
        }
    }

    fn harvest(mut self) -> Self::Fruit {
        self.flush();
        let mut years = self.late_years;
        for (year, &count) in self.years.iter().enumerate() {
            if count > 0 {
                years.insert(year as u64, count);
            }
        }
        if self.file.is_some() {
            return (years, SegmentCompanies::Numbered(self.companies));
        }
        let mut companies = CompanyCounts::default();
        if let Some(dictionary) = &self.dictionary {
            // One sorted pass over the dictionary instead of a lookup per name;
            // ordinals follow the names' byte order, so the list comes out sorted.
            let ords: Vec<u64> = (0..self.companies.len() as u64)
                .filter(|&ord| self.companies[ord as usize] > 0)
                .collect();
            let mut counts = ords.iter().map(|&ord| self.companies[ord as usize]);
            let _ = dictionary
                .dictionary()
                .sorted_ords_to_term_cb(&ords, |bytes| {
                    if let Some(count) = counts.next() {
                        companies.push(bytes, count);
                    }
                });
        }
        (years, SegmentCompanies::Named(companies))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(list: &[(&str, u64)]) -> CompanyCounts {
        let mut c = CompanyCounts::default();
        for (name, count) in list {
            c.push(name.as_bytes(), *count);
        }
        c
    }

    #[test]
    fn company_counts_merge_across_segments() {
        let a = counts(&[("Amazon", 3), ("Apple", 1), ("Meta", 2)]);
        let b = counts(&[("Apple", 4), ("BBC", 2), ("Meta", 1)]);
        let c = counts(&[]);
        let top = |limit| {
            merge_company_counts(&[a.clone(), b.clone(), c.clone()], limit)
                .into_iter()
                .map(|f| (f.value, f.count))
                .collect::<Vec<_>>()
        };
        let s = |n: &str| n.to_string();
        assert_eq!(
            top(10),
            [
                (s("Apple"), 5),
                (s("Amazon"), 3),
                (s("Meta"), 3),
                (s("BBC"), 2)
            ]
        );
        assert_eq!(top(2), [(s("Apple"), 5), (s("Amazon"), 3)]);
        assert!(top(0).is_empty());
    }
}
