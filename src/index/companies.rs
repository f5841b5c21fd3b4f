//! The company list of an index: the built-in gazetteer, changed by a user's
//! `companies.toml` installed in the index folder.

use std::borrow::Cow;
use std::path::Path;

use crate::error::{shown, SearchError};
use crate::extract::companies::{Gazetteer, UserCompanies};

/// The user's company file inside an index folder.
pub const USER_COMPANIES_FILE: &str = "companies.toml";

/// A short fingerprint of the built-in gazetteer: articles tagged with another
/// company list need re-extraction.
pub fn gazetteer_fingerprint() -> String {
    format!(
        "{:016x}",
        xxhash_rust::xxh3::xxh3_64(crate::extract::companies::BUILTIN_TSV.as_bytes())
    )
}

/// The gazetteer an index uses: the built-in one, changed by the index's
/// `companies.toml` if there is one; and the fingerprint of that file.
pub fn index_gazetteer(dir: &Path) -> Result<(Cow<'static, Gazetteer>, String), SearchError> {
    let path = dir.join(USER_COMPANIES_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok((Cow::Borrowed(Gazetteer::builtin()), String::new()))
        }
        Err(source) => return Err(SearchError::Io { path, source }),
    };
    let gazetteer = with_company_file(&text, &shown(&path))?;
    let fingerprint = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(text.as_bytes()));
    Ok((Cow::Owned(gazetteer), fingerprint))
}

/// Reads and checks a company file a user wants to install; returns its text.
pub(crate) fn check_company_file(file: &Path) -> Result<String, SearchError> {
    let text = std::fs::read_to_string(file).map_err(|source| SearchError::Io {
        path: file.to_path_buf(),
        source,
    })?;
    with_company_file(&text, &file.display().to_string())?;
    Ok(text)
}

/// The built-in gazetteer changed by the company file `text`, or why the
/// file cannot be used (`name` is how the error names the file).
fn with_company_file(text: &str, name: &str) -> Result<Gazetteer, SearchError> {
    let bad = |reason: String| SearchError::BadArgument(format!("{name}: {reason}"));
    let user = UserCompanies::parse(text).map_err(bad)?;
    Gazetteer::with_user(Gazetteer::builtin(), &user).map_err(bad)
}
