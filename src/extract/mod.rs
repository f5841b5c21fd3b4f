//! Extraction: from a [`RawRecord`] to an [`Article`] with its headline, date,
//! year and companies.

pub mod companies;
pub mod date;
pub mod false_friends;
pub mod header;
mod match_rules;
mod name_match;
mod org_words;
pub mod orgs;
pub mod pubdate;

use jiff::civil::Date;

use crate::article::Article;
use crate::ingest::RawRecord;
use crate::text::{squash_whitespace, truncate_words};
use companies::Gazetteer;

/// What extraction needs to know about the world.
#[derive(Debug, Clone, Copy)]
pub struct ExtractContext<'a> {
    /// The companies to look for.
    pub gazetteer: &'a Gazetteer,
    /// Today: dates found in paths or inferred are never later than this.
    pub today: Date,
}

impl ExtractContext<'static> {
    /// The built-in gazetteer and today's date.
    pub fn builtin() -> Self {
        ExtractContext {
            gazetteer: Gazetteer::builtin(),
            today: jiff::ZonedDateTime::now().date(),
        }
    }
}

/// Turns a raw record into an article. Never fails: what cannot be found is
/// left empty (`unknown` date) and reported in the returned notes.
pub fn extract(raw: RawRecord, ctx: &ExtractContext<'_>) -> (Article, Vec<String>) {
    let mut notes = Vec::new();
    let id = raw.display_id();
    let (title, body, header_date) = match raw.title {
        Some(title) => {
            // The input names the headline; the text may still open with a date line.
            let header_date = header::split_header(&raw.body).date;
            (squash_whitespace(&title), raw.body, header_date)
        }
        None => {
            let h = header::split_header(&raw.body);
            let title = h.title.unwrap_or_default();
            (title, h.body, h.date)
        }
    };
    let field_date = raw.date.as_deref().and_then(|s| {
        let parsed = date::parse_date_field(s);
        if parsed.is_none() {
            notes.push(format!(
                "unrecognised date `{}`; looking for one in the text",
                truncate_words(s, 40)
            ));
        }
        parsed
    });
    // A publication cue further down (`Published 3 March 2024` at the end).
    let header_date = header_date.or_else(|| {
        let field_full = matches!(field_date, Some(date::WrittenDate::Full(_)));
        (!field_full).then(|| date::cue_date(&body)).flatten()
    });
    let evidence = pubdate::Evidence {
        metadata: field_date,
        header: header_date,
    };
    let pub_date = pubdate::resolve(evidence, &raw.path, &title, &body, ctx.today);

    let mut scan = String::with_capacity(title.len() + body.len() + 1);
    scan.push_str(&title);
    scan.push('\n');
    scan.push_str(&body);
    let (mut companies, spans) = ctx.gazetteer.find_with_spans(&scan);
    let detected: Vec<String> = if ctx.gazetteer.rules().corporate_cues {
        orgs::detect(
            &scan,
            |name| {
                ctx.gazetteer.canonical(name).is_some()
                    || companies.iter().any(|c| c.eq_ignore_ascii_case(name))
            },
            &spans,
            &ctx.gazetteer.rules(),
        )
        .into_iter()
        .filter(|name| !ctx.gazetteer.is_blocked(name))
        .collect()
    } else {
        Vec::new()
    };
    // A detected name that is a gazetteer company under a longer or shorter
    // name (`Menatep Group`, `Baikal`) is that company.
    let detected: Vec<String> = if ctx.gazetteer.rules().merge_longer_names {
        let found = companies.clone();
        detected
            .into_iter()
            .filter(|name| match ctx.gazetteer.owner_of_detected(name, &found) {
                Some(owner) => {
                    companies.push(owner.to_string());
                    false
                }
                None => true,
            })
            .collect()
    } else {
        detected
    };
    companies.extend(detected.iter().cloned());
    companies.sort_by_key(|n| n.to_lowercase());
    companies.dedup();

    let title = if title.is_empty() {
        "(untitled)".to_string()
    } else {
        title
    };
    let article = Article {
        id,
        path: raw.path,
        title,
        body,
        date: pub_date,
        companies,
        detected_companies: detected,
        url: raw.url,
        source: raw.source,
    };
    (article, notes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::{DateSource, PubDate};
    use jiff::civil::date;

    fn ctx() -> ExtractContext<'static> {
        ExtractContext {
            gazetteer: Gazetteer::builtin(),
            today: date(2026, 11, 25),
        }
    }

    fn text(body: &str) -> RawRecord {
        RawRecord {
            path: "a.txt".into(),
            body: body.into(),
            ..RawRecord::default()
        }
    }

    #[test]
    fn month_day_takes_no_year_from_running_text() {
        let (a, _) = extract(
            text(
                "Updated Feb 3\nBig cuts at the firm today\n\nAfter layoffs in 2022, more by 2025.",
            ),
            &ctx(),
        );
        assert_eq!(a.date, PubDate::UNKNOWN);
        let mut r = text("Updated Feb 3\nBig cuts at the firm today\n\nText.");
        r.path = "news/2025/cuts.txt".into();
        let (a, _) = extract(r, &ctx());
        assert_eq!(a.date.date, Some(date(2025, 2, 3)));
        assert_eq!(a.date.source, DateSource::Inferred);
    }

    #[test]
    fn year_mentions_never_set_the_year() {
        let (a, _) = extract(
            text("Big cuts at the firm\n\nIn 2024 and 2026 things. Trading closed at 1800 GMT."),
            &ctx(),
        );
        assert_eq!(a.date, PubDate::UNKNOWN);
    }

    #[test]
    fn cue_lines_anywhere_and_datelines() {
        let (a, _) = extract(
            text("Big cuts at the firm today\n\nText of it.\n\nPublished 3 March 2024\n"),
            &ctx(),
        );
        assert_eq!(a.date.date, Some(date(2024, 3, 3)));
        assert_eq!(a.date.source, DateSource::Explicit);
        let (a, _) = extract(
            text("Big cuts at the firm today\n\nLONDON, Jan 3, 2025 (Reuters) - Shares fell."),
            &ctx(),
        );
        assert_eq!(a.date.date, Some(date(2025, 1, 3)));
        assert_eq!(a.date.source, DateSource::Explicit);
    }

    #[test]
    fn json_date_field_wins_and_bad_ones_are_noted() {
        let mut r = text("Body mentions 2020.");
        r.title = Some("A  title".into());
        r.date = Some("2024-03-05T10:00:00Z".into());
        let (a, notes) = extract(r.clone(), &ctx());
        assert_eq!(a.title, "A title");
        assert_eq!(a.date.date, Some(date(2024, 3, 5)));
        assert!(notes.is_empty());
        r.date = Some("someday".into());
        let (b, notes) = extract(r, &ctx());
        assert_eq!(b.date, PubDate::UNKNOWN);
        assert_eq!(notes.len(), 1);
    }
}
