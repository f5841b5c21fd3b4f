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
//! * [`markup`] decodes HTML entities, strips markup, reads Markdown and
//!   HTML pages as text.
//! * [`extract`] turns a raw record into an [`article::Article`]: title, date,
//!   year and the companies it mentions.
//! * [`index`] owns the schema, builds the index and opens it for reading.
//! * [`query`] parses a query, applies filters, ranks and counts facets.
//! * [`snippet`] picks and marks the best passage of each hit shown.
//! * [`output`] prints results for people (colour on a terminal) or as JSON.
//! * [`eval`] measures extraction against hand labels; [`eval_dates`] the
//!   publication years.
//! * [`show`] finds one article by id or path and prints it in full.
//! * [`term`] fits human output to the terminal's width.
//! * [`export`] writes the articles out for Quickwit, OpenSearch or as JSON lines.
//! * [`serve`] answers the same searches over HTTP (JSON API and a page).

pub mod article;
pub mod dups;
pub mod error;
pub mod eval;
pub mod eval_dates;
pub mod export;
pub mod extract;
pub mod index;
pub mod ingest;
pub mod markup;
pub mod output;
pub mod query;
pub mod serve;
pub mod show;
pub mod snippet;
pub mod term;
pub mod text;

pub use error::SearchError;
