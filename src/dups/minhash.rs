//! MinHash signatures of an article's words: 64 minimum hash values over its
//! word 3-shingles (one permutation, 64 bins), each kept as 16 bits (b-bit
//! MinHash), 128 bytes in all.
//!
//! The words are the index analyzer's words before stemming (split on every
//! non-alphanumeric character, lower-cased, folded to ASCII), so a copy that
//! differs only in case, punctuation or accents has the same shingles. Each
//! shingle is hashed once (xxh3 of its words' hashes), and one-permutation
//! hashing (Li, Owen and Zhang 2012) keeps, for each of 64 bins chosen by
//! the hash's top bits, the smallest hash that falls in it: one hash per
//! shingle instead of 64. A bin no shingle fell in (short articles) takes the
//! value of the next filled bin, shifted by the distance (densification by
//! rotation, Shrivastava and Li 2014). Each value keeps 16 low bits.
//!
//! The fraction of equal positions of two signatures estimates the Jaccard
//! similarity of the two articles' shingle sets (with 16 bits, two different
//! minima are equal by chance once in 65,536, which changes nothing here).
//!
//! Texts of fewer than [`MIN_WORDS`] words get no signature and are never
//! grouped: with a handful of shingles most bins are borrowed, and two short
//! texts that share a few words (`This article is about apples` and `... about
//! cherries`) would look like copies.

use tantivy::tokenizer::TokenStream;

/// Number of hash functions (positions of a signature).
pub const HASHES: usize = 64;
/// Words per shingle.
pub const SHINGLE: usize = 3;
/// Texts with fewer words than this have no signature (see the module documentation).
pub const MIN_WORDS: usize = 30;
/// Bytes of a signature as stored.
pub const BYTES: usize = HASHES * 2;

/// The MinHash signature of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature(pub [u16; HASHES]);

/// Added per bin of distance to a value an empty bin borrows (densification).
const BORROW_STEP: u64 = 0x9e37_79b9_7f4a_7c15;

impl Signature {
    /// The signature of `text`, or `None` when it has fewer than [`MIN_WORDS`] words.
    pub fn of_text(text: &str) -> Option<Signature> {
        let mut analyzer = crate::index::folding_analyzer();
        let mut stream = analyzer.token_stream(text);
        let mut words: Vec<u64> = Vec::new();
        while stream.advance() {
            words.push(xxhash_rust::xxh3::xxh3_64(stream.token().text.as_bytes()));
        }
        Signature::of_words(&words)
    }

    /// The signature of a text's word hashes, in order; `None` for fewer
    /// than [`MIN_WORDS`] words.
    pub fn of_words(words: &[u64]) -> Option<Signature> {
        if words.len() < MIN_WORDS {
            return None;
        }
        // One permutation: each shingle's hash picks a bin by its top six
        // bits and competes for the bin's minimum with the rest.
        let mut bins = [u64::MAX; HASHES];
        let mut add = |shingle: &[u64]| {
            let mut bytes = [0u8; 8 * SHINGLE];
            for (chunk, w) in bytes.chunks_exact_mut(8).zip(shingle) {
                chunk.copy_from_slice(&w.to_le_bytes());
            }
            let x = xxhash_rust::xxh3::xxh3_64(&bytes[..8 * shingle.len()]);
            let bin = (x >> 58) as usize;
            let value = x & ((1 << 58) - 1);
            bins[bin] = bins[bin].min(value);
        };
        if words.len() < SHINGLE {
            add(words);
        } else {
            words.windows(SHINGLE).for_each(add);
        }
        // Densification by rotation: an empty bin takes the value of the
        // next filled bin (circularly), shifted by the distance.
        let filled = bins;
        let mut out = [0u16; HASHES];
        for (i, o) in out.iter_mut().enumerate() {
            let (distance, value) = (0..HASHES)
                .map(|d| (d as u64, filled[(i + d) % HASHES]))
                .find(|(_, v)| *v != u64::MAX)
                .expect("at least one shingle");
            // The low bits of a minimum are as random as any value's.
            let v = value.wrapping_add(distance.wrapping_mul(BORROW_STEP));
            *o = (v ^ (v >> 29)) as u16;
        }
        Some(Signature(out))
    }

    /// The signature as stored: 16-bit values, little-endian.
    pub fn to_bytes(&self) -> [u8; BYTES] {
        let mut out = [0u8; BYTES];
        for (chunk, v) in out.chunks_exact_mut(2).zip(self.0) {
            chunk.copy_from_slice(&v.to_le_bytes());
        }
        out
    }

    /// A stored signature, if `bytes` is one.
    pub fn from_bytes(bytes: &[u8]) -> Option<Signature> {
        if bytes.len() != BYTES {
            return None;
        }
        let mut out = [0u16; HASHES];
        for (o, chunk) in out.iter_mut().zip(bytes.chunks_exact(2)) {
            *o = u16::from_le_bytes([chunk[0], chunk[1]]);
        }
        Some(Signature(out))
    }

    /// The estimated Jaccard similarity of the two texts' shingles (0 to 1).
    pub fn similarity(&self, other: &Signature) -> f64 {
        let same = self
            .0
            .iter()
            .zip(other.0)
            .filter(|(a, b)| **a == *b)
            .count();
        same as f64 / HASHES as f64
    }
}

/// The exact Jaccard similarity of two texts' shingle sets (what a
/// signature estimates), for tests and for labelling candidate pairs.
pub fn exact_similarity(a: &str, b: &str) -> f64 {
    let shingles = |text: &str| -> std::collections::HashSet<Vec<String>> {
        let mut analyzer = crate::index::folding_analyzer();
        let mut stream = analyzer.token_stream(text);
        let mut words = Vec::new();
        while stream.advance() {
            words.push(stream.token().text.clone());
        }
        if words.len() < SHINGLE {
            return std::iter::once(words).filter(|w| !w.is_empty()).collect();
        }
        words.windows(SHINGLE).map(<[String]>::to_vec).collect()
    };
    let (a, b) = (shingles(a), shingles(b));
    let union = a.union(&b).count();
    if union == 0 {
        return 0.0;
    }
    a.intersection(&b).count() as f64 / union as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(n: usize, seed: usize) -> String {
        (0..n)
            .map(|i| format!("w{}", (i * (7919 + 2 * seed) + seed) % 1_000))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn equal_texts_have_equal_signatures_and_case_does_not_matter() {
        let story = "Shares in Yukos fell, the firm said. It said sales in the last quarter \
                     had beaten every forecast made by analysts in London and New York, the \
                     firm said in a statement on Monday.";
        let a = Signature::of_text(story).unwrap();
        let b = Signature::of_text(&story.to_uppercase().replace([',', '.'], "")).unwrap();
        assert_eq!(a, b);
        assert_eq!(Signature::from_bytes(&a.to_bytes()), Some(a));
        assert_eq!(Signature::of_text("  ,. "), None);
        // Short texts get none: they are never grouped.
        assert_eq!(Signature::of_text("This article is about apples."), None);
        let short = words(MIN_WORDS - 1, 3);
        assert_eq!(Signature::of_text(&short), None);
        assert!(Signature::of_text(&words(MIN_WORDS, 3)).is_some());
    }

    #[test]
    fn the_estimate_follows_the_exact_similarity() {
        let base = words(400, 1);
        let edited = format!("A new headline here\n{}", &base[..base.len() * 9 / 10]);
        let other = words(400, 2);
        for (x, y) in [(&base, &edited), (&base, &other)] {
            let exact = exact_similarity(x, y);
            let estimate = Signature::of_text(x)
                .unwrap()
                .similarity(&Signature::of_text(y).unwrap());
            assert!((exact - estimate).abs() < 0.2, "{exact} {estimate}");
        }
        let sim = |x: &str, y: &str| {
            Signature::of_text(x)
                .unwrap()
                .similarity(&Signature::of_text(y).unwrap())
        };
        assert!(sim(&base, &edited) > 0.7);
        assert!(sim(&base, &other) < 0.2);
    }
}
