//! Facet files: a flat copy of each segment's `year` and `company` columns,
//! beside the segment as `search-facets-<segment id>.bin`, with the company
//! names of all of them in `search-facet-names.json`.
//!
//! Counting both facets over every matching article is most of a query's
//! time on a large index. tantivy's columns are compact and general (bit
//! packed, with an index of which documents have values and where they
//! start); reading them costs several look-ups per document, and each
//! segment numbers its company names on its own, so counts of different
//! segments meet only by comparing names. A facet file holds the same values
//! as plain arrays, with companies numbered by one index-wide list, so
//! counting a document is a couple of loads and increments and segments add
//! up by number.
//!
//! The files are derived data. `search index` writes one for every segment
//! that lacks a usable one after its commit and merges (checking the
//! checksum of those it keeps), and removes those of segments that are gone.
//! The name list only grows (new names are appended), so numbers in older
//! files stay valid; each file records a hash of the part of the list it
//! uses, so a lost, cut or replaced list invalidates the files instead of
//! renaming companies. A query uses a segment's file when it agrees with the
//! segment and the list (same document count and company dictionary size,
//! same names, sizes that add up); otherwise it reads the columns, with the
//! same counts. A file's checksum is verified when it is loaded (once per
//! open index: a `serve` process pays it once, a single query once per
//! segment it reads); a file whose checksum is wrong is not used (the columns
//! are read instead) and the next `search index` replaces it. A segment never
//! changes once written, so a file never goes stale: it is named after its
//! segment.
//!
//! Layout, all numbers little-endian:
//!
//! | bytes | what |
//! |---|---|
//! | 8 | magic `SRCHFCT3` |
//! | 4 × 5 | `max_doc`, the segment's company terms, company values, largest year, names the file uses (`n`) |
//! | 8 | hash of the first `n` names of the list |
//! | 8 | xxh3 of everything after the header |
//! | 4 × (`max_doc` + 1) | where each document's companies start in the values (then the end) |
//! | 4 × values | company numbers in the name list, document after document |
//! | 2 × `max_doc` | year of each document (0 = unknown) |

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tantivy::directory::{Directory, OwnedBytes};
use tantivy::index::SegmentId;
use tantivy::{Index, SegmentReader};
use zerocopy::little_endian::{U16, U32};
use zerocopy::FromBytes;

use serde::{Deserialize, Serialize};

use crate::error::SearchError;

const MAGIC: &[u8; 8] = b"SRCHFCT3";
const HEADER_LEN: usize = 8 + 4 * 5 + 8 + 8;
const PREFIX: &str = "search-facets-";
const SUFFIX: &str = ".bin";
/// The index-wide list of company names the facet files number.
pub const NAMES_FILE: &str = "search-facet-names.json";

/// The company names of all facet files, numbered by position.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CompanyNames {
    /// Names in the order they were first seen.
    pub names: Vec<String>,
}

impl CompanyNames {
    /// A hash of the first `n` names (each with its length, so names cannot
    /// run into each other); `None` if the list has fewer.
    pub fn prefix_hash(&self, n: usize) -> Option<u64> {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for name in self.names.get(..n)? {
            hasher.update(&(name.len() as u64).to_le_bytes());
            hasher.update(name.as_bytes());
        }
        Some(hasher.digest())
    }

    /// Reads the list in `bytes`, if it is one.
    fn parse(bytes: &[u8]) -> Option<CompanyNames> {
        serde_json::from_slice(bytes).ok()
    }
}

/// The facet file name of a segment.
pub fn file_name(segment: SegmentId) -> String {
    format!("{PREFIX}{}{SUFFIX}", segment.uuid_string())
}

/// One segment's facets as flat arrays (see the module documentation).
pub struct FacetFile {
    bytes: OwnedBytes,
    largest_year: u16,
    starts: std::ops::Range<usize>,
    ords: std::ops::Range<usize>,
    years: std::ops::Range<usize>,
}

/// The arrays of a [`FacetFile`], borrowed.
pub struct FacetArrays<'a> {
    /// Where each document's company ordinals start in `ords`, then the end.
    pub starts: &'a [U32],
    /// Company term ordinals, document after document.
    pub ords: &'a [U32],
    /// Each document's year (0 = unknown).
    pub years: &'a [U16],
}

impl FacetArrays<'_> {
    /// The company term ordinals of `doc` (none when out of range).
    #[inline]
    pub fn company_ords(&self, doc: usize) -> &[U32] {
        match (self.starts.get(doc), self.starts.get(doc + 1)) {
            (Some(start), Some(end)) => self
                .ords
                .get(start.get() as usize..end.get() as usize)
                .unwrap_or_default(),
            _ => &[],
        }
    }

    /// The year of `doc` (0 when unknown or out of range).
    #[inline]
    pub fn year(&self, doc: usize) -> u16 {
        self.years.get(doc).map_or(0, |y| y.get())
    }
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.get(at..at + 8)?.try_into().ok()?))
}

/// True if the checksum in the header of a facet file matches its contents.
fn checksum_holds(bytes: &[u8]) -> bool {
    let body = bytes.get(HEADER_LEN..).unwrap_or_default();
    u64_at(bytes, 36) == Some(xxhash_rust::xxh3::xxh3_64(body))
}

impl FacetFile {
    /// Reads the file's header and checks it against the segment and the
    /// name list: `None` if it is not a facet file of this segment's shape
    /// numbered by this list.
    pub fn parse(
        bytes: OwnedBytes,
        segment: &SegmentReader,
        names: &CompanyNames,
    ) -> Option<FacetFile> {
        let terms = match segment.fast_fields().str("company").ok()? {
            Some(column) => column.num_terms(),
            None => 0,
        };
        Self::parse_shaped(bytes, segment.max_doc() as usize, terms, names)
    }

    /// Reads a facet file of a segment with `max_doc` documents and `terms`
    /// company terms, numbered by `names`: `None` if the bytes are not one.
    fn parse_shaped(
        bytes: OwnedBytes,
        max_doc: usize,
        terms: usize,
        names: &CompanyNames,
    ) -> Option<FacetFile> {
        let data = bytes.as_slice();
        let needed = u32_at(data, 24)? as usize;
        if data.get(..8)? != MAGIC
            || u32_at(data, 8)? as usize != max_doc
            || u32_at(data, 12)? as usize != terms
            || u64_at(data, 28)? != names.prefix_hash(needed)?
        {
            return None;
        }
        let ords_len = u32_at(data, 16)? as usize;
        let largest_year = u16::try_from(u32_at(data, 20)?).ok()?;
        let section = |start: usize, items: usize, size: usize| {
            Some(start..start.checked_add(items.checked_mul(size)?)?)
        };
        let starts = section(HEADER_LEN, max_doc.checked_add(1)?, 4)?;
        let ords = section(starts.end, ords_len, 4)?;
        let years = section(ords.end, max_doc, 2)?;
        if data.len() != years.end {
            return None;
        }
        let file = FacetFile {
            bytes,
            largest_year,
            starts,
            ords,
            years,
        };
        // The first and last starts bound every document's range.
        let arrays = file.arrays();
        let bounded = arrays.starts.first().map(|s| s.get()) == Some(0)
            && arrays.starts.last().map(|s| s.get() as usize) == Some(ords_len);
        bounded.then_some(file)
    }

    /// The largest year any document has.
    pub fn largest_year(&self) -> u16 {
        self.largest_year
    }

    /// The file's arrays.
    pub fn arrays(&self) -> FacetArrays<'_> {
        let data = self.bytes.as_slice();
        // The ranges were checked against the length when the file was read,
        // and the element types have no alignment: these casts cannot fail.
        let cast32 = |r: &std::ops::Range<usize>| {
            <[U32]>::ref_from_bytes(&data[r.clone()]).unwrap_or_default()
        };
        FacetArrays {
            starts: cast32(&self.starts),
            ords: cast32(&self.ords),
            years: <[U16]>::ref_from_bytes(&data[self.years.clone()]).unwrap_or_default(),
        }
    }

    /// Builds the bytes of a segment's facet file from its columns, its
    /// company term ordinals numbered by `numbers` in the list `names`;
    /// `None` if a year does not fit the file (the columns are then read
    /// instead).
    fn build(
        segment: &SegmentReader,
        numbers: &[u32],
        names: &CompanyNames,
    ) -> tantivy::Result<Option<Vec<u8>>> {
        let max_doc = segment.max_doc();
        let fast = segment.fast_fields();
        let year = fast.u64("year")?;
        let company = fast.str("company")?;
        let terms = company.as_ref().map_or(0, |c| c.num_terms());
        let mut starts = Vec::with_capacity(max_doc as usize + 1);
        let mut ords: Vec<u32> = Vec::new();
        let mut years = Vec::with_capacity(max_doc as usize);
        for doc in 0..max_doc {
            starts.push(ords.len() as u32);
            if let Some(column) = &company {
                for ord in column.ords().values_for_doc(doc) {
                    let Some(&number) = numbers.get(ord as usize) else {
                        return Ok(None);
                    };
                    ords.push(number);
                }
            }
            let Ok(y) = u16::try_from(year.first(doc).unwrap_or(0)) else {
                return Ok(None);
            };
            years.push(y);
        }
        starts.push(ords.len() as u32);
        let (Ok(terms), Ok(ords_len), Ok(needed)) = (
            u32::try_from(terms),
            u32::try_from(ords.len()),
            u32::try_from(names.names.len()),
        ) else {
            return Ok(None);
        };
        let largest_year = years.iter().copied().max().unwrap_or(0);
        let mut bytes =
            Vec::with_capacity(HEADER_LEN + 4 * (starts.len() + ords.len()) + 2 * years.len());
        bytes.extend_from_slice(MAGIC);
        for word in [max_doc, terms, ords_len, u32::from(largest_year), needed] {
            bytes.extend_from_slice(&word.to_le_bytes());
        }
        let Some(names_hash) = names.prefix_hash(names.names.len()) else {
            return Ok(None);
        };
        bytes.extend_from_slice(&names_hash.to_le_bytes());
        bytes.extend_from_slice(&[0; 8]); // the checksum, below
        for word in starts.iter().chain(&ords) {
            bytes.extend_from_slice(&word.to_le_bytes());
        }
        for y in years {
            bytes.extend_from_slice(&y.to_le_bytes());
        }
        let checksum = xxhash_rust::xxh3::xxh3_64(&bytes[HEADER_LEN..]);
        bytes[36..HEADER_LEN].copy_from_slice(&checksum.to_le_bytes());
        Ok(Some(bytes))
    }
}

/// The facet files of an open index, each read once (memory-mapped by
/// tantivy's directory) and kept while the index is open, with their name list.
pub struct FacetFiles {
    directory: Box<dyn Directory>,
    names: std::sync::OnceLock<Option<Arc<CompanyNames>>>,
    loaded: Mutex<HashMap<SegmentId, Option<Arc<FacetFile>>>>,
}

impl FacetFiles {
    /// The facet files in `directory` (the index folder as is: tantivy's
    /// managed view expects its own footer on every file), none read yet.
    pub fn new(directory: Box<dyn Directory>) -> FacetFiles {
        FacetFiles {
            directory,
            names: std::sync::OnceLock::new(),
            loaded: Mutex::new(HashMap::new()),
        }
    }

    /// The name list, if the index has a readable one.
    pub fn names(&self) -> Option<Arc<CompanyNames>> {
        self.names
            .get_or_init(|| {
                let bytes = self.directory.atomic_read(Path::new(NAMES_FILE)).ok()?;
                CompanyNames::parse(&bytes).map(Arc::new)
            })
            .clone()
    }

    /// The facet file of a segment, if it has a usable one.
    pub fn get(&self, segment: &SegmentReader) -> Option<Arc<FacetFile>> {
        let names = self.names()?;
        let id = segment.segment_id();
        let lock = || self.loaded.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(file) = lock().get(&id) {
            return file.clone();
        }
        // Read without holding the lock: segments load side by side.
        let path = PathBuf::from(file_name(id));
        let file = self
            .directory
            .open_read(&path)
            .ok()
            .and_then(|slice| slice.read_bytes().ok())
            // A damaged body must never change a count.
            .filter(|bytes| checksum_holds(bytes.as_slice()))
            .and_then(|bytes| FacetFile::parse(bytes, segment, &names))
            .map(Arc::new);
        lock().entry(id).or_insert(file).clone()
    }
}

/// Each company term of a segment's dictionary (in ordinal order) numbered in
/// `names`, adding names not seen before.
fn number_terms(
    segment: &SegmentReader,
    names: &mut CompanyNames,
    numbers: &mut HashMap<String, u32>,
) -> tantivy::Result<Option<Vec<u32>>> {
    let Some(column) = segment.fast_fields().str("company")? else {
        return Ok(Some(Vec::new()));
    };
    let ords: Vec<u64> = (0..column.num_terms() as u64).collect();
    let mut terms: Vec<Option<u32>> = Vec::with_capacity(ords.len());
    column.dictionary().sorted_ords_to_term_cb(&ords, |bytes| {
        let name = String::from_utf8_lossy(bytes);
        let number = match numbers.get(name.as_ref()) {
            Some(&n) => Some(n),
            None => u32::try_from(names.names.len()).ok().inspect(|&n| {
                numbers.insert(name.to_string(), n);
                names.names.push(name.into_owned());
            }),
        };
        terms.push(number);
    })?;
    Ok(terms.into_iter().collect())
}

/// Writes the facet file of every searchable segment of the index in `dir`
/// that has no usable one (adding new company names to the list first), and
/// removes the files of segments that no longer exist. Returns how many files
/// it wrote.
pub fn write_facet_files(dir: &Path, index: &Index) -> Result<usize, SearchError> {
    use rayon::prelude::*;
    let reader: tantivy::IndexReader = index
        .reader_builder()
        .reload_policy(tantivy::ReloadPolicy::Manual)
        .try_into()?;
    let searcher = reader.searcher();
    let segments = searcher.segment_readers();
    let names_path = dir.join(NAMES_FILE);
    let read = std::fs::read(&names_path)
        .ok()
        .and_then(|bytes| CompanyNames::parse(&bytes));
    let stored = read.as_ref().map(|r| r.names.len());
    let mut names = read.unwrap_or_default();
    let mut numbers: HashMap<String, u32> = names
        .names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), i as u32))
        .collect();
    let mut numbering = Vec::with_capacity(segments.len());
    for segment in segments {
        numbering.push(number_terms(segment, &mut names, &mut numbers)?);
    }
    if stored != Some(names.names.len()) {
        let json = serde_json::to_vec(&names).expect("names serialise");
        super::write_atomically(&names_path, &json)?;
    }
    let written = segments
        .par_iter()
        .zip(&numbering)
        .map(|(segment, numbers)| -> Result<usize, SearchError> {
            let Some(numbers) = numbers else {
                return Ok(0);
            };
            let path = dir.join(file_name(segment.segment_id()));
            // The segment has one number per company term.
            let (max_doc, terms) = (segment.max_doc() as usize, numbers.len());
            let usable = std::fs::read(&path)
                .ok()
                .filter(|bytes| checksum_holds(bytes))
                .and_then(|bytes| {
                    FacetFile::parse_shaped(OwnedBytes::new(bytes), max_doc, terms, &names)
                });
            if usable.is_some() {
                return Ok(0);
            }
            match FacetFile::build(segment, numbers, &names)? {
                Some(bytes) => {
                    super::write_atomically(&path, &bytes)?;
                    Ok(1)
                }
                None => Ok(0),
            }
        })
        .sum::<Result<usize, SearchError>>()?;
    let live: Vec<String> = segments.iter().map(|s| file_name(s.segment_id())).collect();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            // Files of merged-away segments, and any left half-written by a killed run.
            let stale = name.ends_with(".tmp") || (name.ends_with(SUFFIX) && !live.contains(&name));
            if name.starts_with(PREFIX) && stale {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes of a facet file: `companies[d]` and `years[d]` per document.
    fn file_bytes(companies: &[&[u32]], years: &[u16], terms: u32) -> Vec<u8> {
        let ords: Vec<u32> = companies.iter().flat_map(|c| c.iter().copied()).collect();
        let mut bytes = MAGIC.to_vec();
        let largest = years.iter().copied().max().unwrap_or(0);
        for word in [
            companies.len() as u32,
            terms,
            ords.len() as u32,
            largest.into(),
            NEEDED,
        ] {
            bytes.extend_from_slice(&word.to_le_bytes());
        }
        let hash = names(NEEDED as usize).prefix_hash(NEEDED as usize).unwrap();
        bytes.extend_from_slice(&hash.to_le_bytes());
        bytes.extend_from_slice(&[0; 8]);
        let mut start = 0u32;
        bytes.extend_from_slice(&start.to_le_bytes());
        for c in companies {
            start += c.len() as u32;
            bytes.extend_from_slice(&start.to_le_bytes());
        }
        for o in &ords {
            bytes.extend_from_slice(&o.to_le_bytes());
        }
        for y in years {
            bytes.extend_from_slice(&y.to_le_bytes());
        }
        let checksum = xxhash_rust::xxh3::xxh3_64(&bytes[HEADER_LEN..]);
        bytes[36..HEADER_LEN].copy_from_slice(&checksum.to_le_bytes());
        bytes
    }

    const NEEDED: u32 = 3;

    fn names(count: usize) -> CompanyNames {
        CompanyNames {
            names: (0..count).map(|i| format!("Company {i}")).collect(),
        }
    }

    fn parse(bytes: Vec<u8>, max_doc: usize, terms: usize) -> Option<FacetFile> {
        FacetFile::parse_shaped(
            OwnedBytes::new(bytes),
            max_doc,
            terms,
            &names(NEEDED as usize),
        )
    }

    #[test]
    fn reads_back_what_was_written() {
        let bytes = file_bytes(&[&[0, 2], &[], &[1]], &[2024, 0, 1999], 3);
        let file = parse(bytes, 3, 3).expect("a valid file");
        let arrays = file.arrays();
        let ords = |d| {
            arrays
                .company_ords(d)
                .iter()
                .map(|o| o.get())
                .collect::<Vec<_>>()
        };
        assert_eq!(ords(0), [0, 2]);
        assert!(ords(1).is_empty());
        assert_eq!(ords(2), [1]);
        assert_eq!(
            (arrays.year(0), arrays.year(1), arrays.year(2)),
            (2024, 0, 1999)
        );
        assert_eq!(file.largest_year(), 2024);
        // Out of range: nothing, not a panic.
        assert!(ords(3).is_empty());
        assert_eq!(arrays.year(3), 0);
    }

    #[test]
    fn refuses_files_of_another_shape_or_damaged() {
        let good = file_bytes(&[&[0, 2], &[], &[1]], &[2024, 0, 1999], 3);
        assert!(parse(good.clone(), 3, 3).is_some());
        // Another segment's shape.
        assert!(parse(good.clone(), 4, 3).is_none());
        assert!(parse(good.clone(), 3, 5).is_none());
        // Cut short, one byte too many, empty, or another magic.
        assert!(parse(good[..good.len() - 1].to_vec(), 3, 3).is_none());
        assert!(parse([good.clone(), vec![0]].concat(), 3, 3).is_none());
        assert!(parse(Vec::new(), 3, 3).is_none());
        let mut other = good.clone();
        other[0] = b'X';
        assert!(parse(other, 3, 3).is_none());
        // Another name list, or one too short for the file's numbers.
        let shaped = |names: &CompanyNames| {
            FacetFile::parse_shaped(OwnedBytes::new(good.clone()), 3, 3, names).is_some()
        };
        // A list that grew since is fine; a cut or renamed one is not.
        assert!(shaped(&names(5)));
        assert!(!shaped(&names(2)));
        let mut renamed = names(3);
        renamed.names[1] = "Other".into();
        assert!(!shaped(&renamed));
        // Names cannot run into each other: ["ab", "c"] is not ["a", "bc"].
        let list = |n: &[&str]| CompanyNames {
            names: n.iter().map(|s| s.to_string()).collect(),
        };
        assert_ne!(
            list(&["ab", "c"]).prefix_hash(2),
            list(&["a", "bc"]).prefix_hash(2)
        );
        // The checksum covers the contents (checked by `search index`).
        assert!(checksum_holds(&good));
        let mut flipped = good.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(!checksum_holds(&flipped));
        // Starts that do not end at the number of values.
        let mut bad_end = good.clone();
        bad_end[HEADER_LEN + 4 * 3] = 7;
        assert!(parse(bad_end, 3, 3).is_none());
    }

    #[test]
    fn inverted_or_overlong_ranges_read_as_empty() {
        // Starts [0, 2, 3] become [0, 5, 3]: document 0 claims values 0..5
        // of 3, document 1 the inverted range 5..3.
        let mut bytes = file_bytes(&[&[0, 1], &[2]], &[0, 0], 3);
        bytes[HEADER_LEN + 4..HEADER_LEN + 8].copy_from_slice(&5u32.to_le_bytes());
        let file = parse(bytes, 2, 3).expect("first and last starts are fine");
        let arrays = file.arrays();
        assert!(arrays.company_ords(0).is_empty());
        assert!(arrays.company_ords(1).is_empty());
    }
}
