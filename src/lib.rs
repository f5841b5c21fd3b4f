//! `search`: a fast, local full-text search engine for news articles.
//!
//! Data flows one way through the modules of this crate:
//!
//! ```text
//! files ──ingest──▶ RawRecord ──extract──▶ Article ──index──▶ tantivy index
//! query text ──query──▶ hits + facets ──output──▶ terminal or JSON
//!                                     └──serve──▶ HTTP: JSON API and the search page
//! ```
//!
//! * [`ingest`] finds article files, decodes them and parses txt/md/json/jsonl
//!   into [`ingest::RawRecord`]s.
//! * [`extract`] turns a raw record into an [`article::Article`]: title, date,
//!   year and the companies it mentions.
//! * [`index`] owns the schema, builds the index and opens it for reading.
//! * [`query`] parses a query, applies filters, ranks and counts facets.
//! * [`snippet`] picks and marks the best passage of each hit shown.
//! * [`output`] prints results for people (colour on a terminal) or as JSON.
//! * [`eval`] measures extraction against hand labels.
//! * [`serve`] answers the same searches over HTTP (JSON API and a page).

pub mod article;
pub mod error;
pub mod eval;
pub mod extract;
pub mod index;
pub mod ingest;
pub mod output;
pub mod query;
pub mod serve;
pub mod snippet;
pub mod text;

pub use error::SearchError;
