//! Near-duplicates: syndicated copies, updates and re-posts of one story.
//!
//! Each article's body gets a MinHash signature at index time
//! ([`minhash`], stored in the `minhash` bytes column); after each commit
//! the signatures are grouped into near-copies ([`groups`], kept in
//! `search-dups.bin`). Queries show one hit per group (`search query`
//! without `--no-collapse`), and `search similar` leaves an article's group
//! out.
//!
//! | file | holds |
//! |---|---|
//! | `minhash.rs` | [`Signature`]: 64 × 16-bit MinHash of the word 3-shingles |
//! | `eval.rs` | `search eval-dups`: precision and recall on labelled pairs; candidate pairs to label |
//! | `groups.rs` | [`Groups`]: LSH candidates, union-find, the groups file |

pub mod eval;
pub mod groups;
pub mod minhash;

pub use groups::{for_searcher, write_groups_file, Groups};
pub use minhash::Signature;
