//! Groups of near-copies over a whole index, from the articles' MinHash
//! signatures (the `minhash` bytes column), and the file that keeps them:
//! `search-dups.bin`.
//!
//! Two articles are near-copies when their signatures agree in at least
//! [`SIMILAR_AT`] of their positions (an estimated Jaccard similarity of
//! their word 3-shingles). Candidates are found by locality-sensitive
//! hashing: the 64 positions are cut into [`BANDS`] bands of [`ROWS`], and
//! articles with one band equal are compared. Groups are the connected
//! parts of the "near-copy" relation (union-find), so a chain of small edits
//! stays one group. Deleted documents are left out.
//!
//! Grouping depends on every article, so it is redone whenever a commit
//! changes the index (an update run recomputes it from the signatures in the
//! columns, which costs a read of one 128-byte value per article; nothing is
//! re-read from the files). `search index` writes it after each commit; a
//! query loads the file when it describes the searcher's segments (the same
//! segment ids, document counts and deletions) and otherwise computes the
//! groups itself, with the same result (a test compares the two).
//!
//! Layout, little-endian:
//!
//! | bytes | what |
//! |---|---|
//! | 8 | magic `SRCHDUP1` |
//! | 4 | number of segments `s` |
//! | 40 × `s` | each segment: id (32 hex digits), `max_doc` (4), deleted documents (4) |
//! | 4 × Σ `max_doc` | each document's group number, segment after segment (`u32::MAX`: none) |
//! | 8 | xxh3 of everything before |

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;
use tantivy::{DocAddress, Index, Searcher};

use super::minhash::{Signature, HASHES};
use crate::error::SearchError;

/// The signature column.
pub const FIELD: &str = "minhash";
/// The file of an index's groups.
pub const FILE: &str = "search-dups.bin";
/// Fraction of equal signature positions from which two articles are near-copies.
pub const SIMILAR_AT: f64 = 0.4;
/// Signature positions per band.
pub const ROWS: usize = 2;
/// Bands compared (the first `BANDS × ROWS` positions).
pub const BANDS: usize = HASHES / ROWS;
/// Buckets larger than this compare each member with the first and the
/// previous one only, not every pair.
const ALL_PAIRS_UP_TO: usize = 64;
const MAGIC: &[u8; 8] = b"SRCHDUP1";
const NONE: u32 = u32::MAX;

/// The groups of near-copies of one commit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Groups {
    /// By segment ordinal: each document's group number (`NONE`: alone).
    of: Vec<Vec<u32>>,
    /// Each group's members, in index order.
    members: Vec<Vec<DocAddress>>,
}

impl Groups {
    /// The group of `doc`, if it has near-copies.
    pub fn group_of(&self, doc: DocAddress) -> Option<u32> {
        self.of
            .get(doc.segment_ord as usize)
            .and_then(|g| g.get(doc.doc_id as usize))
            .copied()
            .filter(|&g| g != NONE)
    }

    /// The members of group `group`, in index order.
    pub fn members(&self, group: u32) -> &[DocAddress] {
        self.members.get(group as usize).map_or(&[], Vec::as_slice)
    }

    /// The near-copies of `doc` (without it).
    pub fn others(&self, doc: DocAddress) -> impl Iterator<Item = DocAddress> + '_ {
        let members = self.group_of(doc).map_or(&[][..], |g| self.members(g));
        members.iter().copied().filter(move |&m| m != doc)
    }

    /// Number of groups (of two articles or more).
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether no article has a near-copy.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Articles that belong to a group.
    pub fn grouped_articles(&self) -> usize {
        self.members.iter().map(Vec::len).sum()
    }

    /// Every group, as lists of members.
    pub fn all(&self) -> &[Vec<DocAddress>] {
        &self.members
    }

    fn from_numbers(of: Vec<Vec<u32>>) -> Groups {
        let mut members: Vec<Vec<DocAddress>> = Vec::new();
        for (segment, numbers) in of.iter().enumerate() {
            for (doc, &g) in numbers.iter().enumerate() {
                if g == NONE {
                    continue;
                }
                let g = g as usize;
                if members.len() <= g {
                    members.resize_with(g + 1, Vec::new);
                }
                members[g].push(DocAddress::new(segment as u32, doc as u32));
            }
        }
        Groups { of, members }
    }
}

/// The live signatures of a searcher's documents, by segment.
fn signatures(searcher: &Searcher) -> tantivy::Result<Vec<(DocAddress, Signature)>> {
    let mut out = Vec::new();
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let Some(column) = segment.fast_fields().bytes(FIELD)? else {
            continue;
        };
        let mut by_ord = Vec::with_capacity(column.num_terms());
        let mut stream = column.dictionary().stream()?;
        while stream.advance() {
            by_ord.push(Signature::from_bytes(stream.key()));
        }
        let alive = segment.alive_bitset();
        for doc in 0..segment.max_doc() {
            if alive.is_some_and(|a| !a.is_alive(doc)) {
                continue;
            }
            let sig = column
                .ords()
                .first(doc)
                .and_then(|o| by_ord.get(o as usize).copied().flatten());
            if let Some(sig) = sig {
                out.push((DocAddress::new(ord as u32, doc), sig));
            }
        }
    }
    Ok(out)
}

/// Union-find over item numbers.
struct Sets(Vec<u32>);

impl Sets {
    fn find(&mut self, mut x: u32) -> u32 {
        while self.0[x as usize] != x {
            let parent = self.0[x as usize];
            self.0[x as usize] = self.0[parent as usize];
            x = parent;
        }
        x
    }

    fn union(&mut self, a: u32, b: u32) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            // The smaller number is the root, so roots do not depend on the pair order.
            let (lo, hi) = (a.min(b), a.max(b));
            self.0[hi as usize] = lo;
        }
    }
}

/// The pairs of items one band puts in a bucket that are near-copies.
fn band_pairs(sigs: &[(DocAddress, Signature)], band: usize) -> Vec<(u32, u32)> {
    let rows = band * ROWS..(band + 1) * ROWS;
    let mut keys: Vec<(u64, u32)> = sigs
        .iter()
        .enumerate()
        .map(|(i, (_, s))| {
            let key = s.0[rows.clone()]
                .iter()
                .fold(0u64, |k, &v| (k << 16) | u64::from(v));
            (key, i as u32)
        })
        .collect();
    keys.sort_unstable();
    let mut pairs = Vec::new();
    let near = |a: u32, b: u32| sigs[a as usize].1.similarity(&sigs[b as usize].1) >= SIMILAR_AT;
    for bucket in keys.chunk_by(|a, b| a.0 == b.0) {
        if bucket.len() < 2 {
            continue;
        }
        if bucket.len() <= ALL_PAIRS_UP_TO {
            for (i, a) in bucket.iter().enumerate() {
                for b in &bucket[i + 1..] {
                    if near(a.1, b.1) {
                        pairs.push((a.1, b.1));
                    }
                }
            }
        } else {
            for (i, b) in bucket.iter().enumerate().skip(1) {
                for a in [bucket[0].1, bucket[i - 1].1] {
                    if near(a, b.1) {
                        pairs.push((a, b.1));
                    }
                }
            }
        }
    }
    pairs
}

/// Groups the searcher's live documents by their signatures.
pub fn compute(searcher: &Searcher) -> tantivy::Result<Groups> {
    let sigs = signatures(searcher)?;
    let pairs: Vec<Vec<(u32, u32)>> = (0..BANDS)
        .into_par_iter()
        .map(|band| band_pairs(&sigs, band))
        .collect();
    let mut sets = Sets((0..sigs.len() as u32).collect());
    for (a, b) in pairs.into_iter().flatten() {
        sets.union(a, b);
    }
    let mut size: HashMap<u32, u32> = HashMap::new();
    for i in 0..sigs.len() as u32 {
        *size.entry(sets.find(i)).or_default() += 1;
    }
    let mut of: Vec<Vec<u32>> = searcher
        .segment_readers()
        .iter()
        .map(|s| vec![NONE; s.max_doc() as usize])
        .collect();
    // Groups numbered by their first member in index order (the items are
    // in index order, so the root, the smallest item, is the first).
    let mut number: HashMap<u32, u32> = HashMap::new();
    for (i, (address, _)) in sigs.iter().enumerate() {
        let root = sets.find(i as u32);
        if size[&root] < 2 {
            continue;
        }
        let next = number.len() as u32;
        let g = *number.entry(root).or_insert(next);
        of[address.segment_ord as usize][address.doc_id as usize] = g;
    }
    Ok(Groups::from_numbers(of))
}

/// What a groups file says about each segment: id, `max_doc`, deletions.
fn segment_keys(searcher: &Searcher) -> Vec<([u8; 32], u32, u32)> {
    searcher
        .segment_readers()
        .iter()
        .map(|s| {
            (
                s.segment_id()
                    .uuid_string()
                    .into_bytes()
                    .try_into()
                    .unwrap_or([b'?'; 32]),
                s.max_doc(),
                s.num_deleted_docs(),
            )
        })
        .collect()
}

fn encode(searcher: &Searcher, groups: &Groups) -> Vec<u8> {
    let keys = segment_keys(searcher);
    let mut out = Vec::new();
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(keys.len() as u32).to_le_bytes());
    for (id, max_doc, deleted) in &keys {
        out.extend_from_slice(id);
        out.extend_from_slice(&max_doc.to_le_bytes());
        out.extend_from_slice(&deleted.to_le_bytes());
    }
    for numbers in &groups.of {
        for g in numbers {
            out.extend_from_slice(&g.to_le_bytes());
        }
    }
    let sum = xxhash_rust::xxh3::xxh3_64(&out);
    out.extend_from_slice(&sum.to_le_bytes());
    out
}

/// The groups in `bytes`, if they are a whole groups file for exactly the
/// searcher's segments (in any order).
fn decode(bytes: &[u8], searcher: &Searcher) -> Option<Groups> {
    let (body, sum) = bytes.split_at_checked(bytes.len().checked_sub(8)?)?;
    if xxhash_rust::xxh3::xxh3_64(body).to_le_bytes() != sum {
        return None;
    }
    let u32_at = |at: usize| -> Option<u32> {
        Some(u32::from_le_bytes(body.get(at..at + 4)?.try_into().ok()?))
    };
    if body.get(..8)? != MAGIC {
        return None;
    }
    let count = u32_at(8)? as usize;
    let wanted = segment_keys(searcher);
    if count != wanted.len() {
        return None;
    }
    let mut at = 12;
    let mut in_file = Vec::with_capacity(count);
    for _ in 0..count {
        let id: [u8; 32] = body.get(at..at + 32)?.try_into().ok()?;
        in_file.push((id, u32_at(at + 32)?, u32_at(at + 36)?));
        at += 40;
    }
    let mut of = vec![Vec::new(); count];
    for key in &in_file {
        let ord = wanted.iter().position(|w| w == key)?;
        let n = key.1 as usize;
        let numbers = body.get(at..at + 4 * n)?;
        of[ord] = numbers
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        at += 4 * n;
    }
    (at == body.len()).then(|| Groups::from_numbers(of))
}

/// The groups of `searcher`'s commit: from the index's groups file when it
/// describes this commit, else computed from the signatures.
pub fn for_searcher(dir: &Path, searcher: &Searcher) -> Result<Groups, SearchError> {
    if let Some(groups) = std::fs::read(dir.join(FILE))
        .ok()
        .and_then(|bytes| decode(&bytes, searcher))
    {
        return Ok(groups);
    }
    Ok(compute(searcher)?)
}

/// Writes the groups file of the index's last commit, unless the one there
/// describes it already. Returns the groups.
pub fn write_groups_file(dir: &Path, index: &Index) -> Result<Groups, SearchError> {
    let reader: tantivy::IndexReader = index
        .reader_builder()
        .reload_policy(tantivy::ReloadPolicy::Manual)
        .try_into()?;
    let searcher = reader.searcher();
    let path = dir.join(FILE);
    if let Some(groups) = std::fs::read(&path)
        .ok()
        .and_then(|bytes| decode(&bytes, &searcher))
    {
        return Ok(groups);
    }
    let groups = compute(&searcher)?;
    crate::index::write_atomically(&path, &encode(&searcher, &groups))?;
    Ok(groups)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_reads_back_and_refuses_other_commits_or_damage() {
        let tmp = tempfile::TempDir::new().unwrap();
        let corpus = tmp.path().join("news");
        std::fs::create_dir(&corpus).unwrap();
        let story = "Shares in the mobile phone firm rose sharply on Monday.\n\nIt said \
                     sales in the last quarter had beaten every forecast made by analysts \
                     in London and New York, the firm said in a statement. Its chief executive \
                     said the new handsets had sold well in Asia and in Europe.";
        std::fs::write(corpus.join("a.txt"), format!("Phones up\n\n{story}\n")).unwrap();
        std::fs::write(
            corpus.join("b.txt"),
            format!("Phone shares rise (update)\n\n{story} More follows.\n"),
        )
        .unwrap();
        std::fs::write(
            corpus.join("c.txt"),
            "Cup final\n\nThe team won the cup final.\n\nIt was in extra time at Wembley.\n",
        )
        .unwrap();
        let dir = tmp.path().join("idx");
        crate::index::build_for_tests(&dir, &corpus);
        let idx = crate::index::open_index(&dir).unwrap();
        let searcher = idx.reader.searcher();
        let computed = compute(&searcher).unwrap();
        assert_eq!(computed.len(), 1, "{computed:?}");
        assert_eq!(computed.members(0).len(), 2);
        let bytes = std::fs::read(dir.join(FILE)).unwrap();
        assert_eq!(decode(&bytes, &searcher), Some(computed.clone()));
        let mut damaged = bytes.clone();
        damaged[14] ^= 1;
        assert_eq!(decode(&damaged, &searcher), None);
        // A new commit: the old file no longer describes it.
        std::fs::write(corpus.join("c.txt"), format!("Copy\n\n{story}\n")).unwrap();
        crate::index::build_for_tests(&dir, &corpus);
        let idx = crate::index::open_index(&dir).unwrap();
        let searcher = idx.reader.searcher();
        assert_eq!(decode(&bytes, &searcher), None);
        let groups = for_searcher(&dir, &searcher).unwrap();
        assert_eq!(groups, compute(&searcher).unwrap());
        assert_eq!(groups.grouped_articles(), 3);
    }
}
