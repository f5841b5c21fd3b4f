//! Engine panics turned into errors: some odd queries trip a debug assertion
//! inside tantivy, and one bad query must not end the program (or a server).

use crate::error::SearchError;

/// Runs a search, turning a panic inside it (on this thread or on a search
/// thread, whose panic reaches the caller) into a one-line error.
pub(super) fn guarded<T>(
    search: impl FnOnce() -> Result<T, SearchError>,
) -> Result<T, SearchError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(search)).unwrap_or_else(|_| {
        Err(SearchError::InvalidQuery(
            "the search engine failed on this query; try rephrasing it".into(),
        ))
    })
}
