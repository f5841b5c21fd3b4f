//! An article's publication date, from evidence only.
//!
//! A date comes from what the article or its file says about itself, never
//! from a year its running text mentions (`1800 GMT`, `since 1948`, `In 2020
//! ... will`):
//!
//! | source | evidence | [`DateSource`] |
//! |---|---|---|
//! | metadata | a JSON `date` field, Markdown front matter, an HTML page's `article:published_time` or `<time datetime>` | `metadata` |
//! | the article's own header | a date line (` date 2025-01-29 `, `Updated Feb 3, 2025`), a dateline (`LONDON, Jan 3, 2025 (Reuters) -`), a dated byline (`By Jane Smith \| March 4, 2024`), a publication cue anywhere (`Published 3 March 2024`) | `explicit` |
//! | the file's path | `2025/01/29/slug.txt`, `2025-01-29-slug.md`, `20250129_slug.json`, a year folder `2025/` | `path` |
//!
//! Two rules infer, and mark their result `inferred`:
//!
//! * **A month and day without a year** (`Updated Feb 3`, `LONDON, Jan 3
//!   (Reuters) -`) takes its year from other evidence about the same article:
//!   a year in its metadata or path, else the weekday rule below (with the
//!   header's own weekday, if it has one). With none, the date is unknown: the
//!   years the text mentions do not count.
//! * **The weekday rule**: news writes a date of the current week with its
//!   weekday and no year (`on Saturday 20 November`). A year fits when every
//!   such date of the article falls on its weekday in that year (checked with
//!   jiff); the years that fit recur every 5, 6 or 11 years, so one of them
//!   must also be corroborated: the article names it in the same paragraph
//!   as a weekday date (a year named elsewhere is another event's: `convicted
//!   in 1993`, and a programme `on Sunday, 12 December` further down). The
//!   year is taken when exactly one year so named (up to this year) fits all
//!   of its weekday dates; otherwise, or when the dates contradict each other, the
//!   year stays unknown. Only the year is kept (the weekday dates are of the
//!   week, not necessarily the day, of publication). Dates that carry their
//!   year in running text (`Wednesday, August 21, 2024`, often a photo caption)
//!   are events, not evidence.
//!
//! The order: a full date from metadata, the header, then the path; a month
//! and day completed by the rule above; a year alone from metadata, the header,
//! the path; the weekday rule; else unknown.

use std::sync::LazyLock;

use jiff::civil::{Date, Weekday};
use regex::Regex;

use super::date::{self, WrittenDate};
use crate::article::{DateSource, PubDate};

/// A date found in a file's path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathDate {
    /// `2025/01/29/slug.txt`, `2025-01-29-slug.md`, `20250129_slug.json`.
    Full(Date),
    /// `2025/slug.txt`, `2025/01/slug.txt`.
    Year(i16),
}

/// How many folders above the file are looked at: archives nest
/// `YEAR/MONTH/DAY/`, and folders further up (`/home/me/2019/...`) say
/// nothing about the articles.
const PATH_FOLDERS: usize = 4;

/// A date inside a name: `2025-01-29`, `2025_01_29`, `2025.01.29` or
/// `20250129`, not glued to other letters or digits.
static NAME_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^0-9A-Za-z])((?:18|19|20)\d{2})[-_.]?(\d{2})[-_.]?(\d{2})(?:$|[^0-9A-Za-z])")
        .expect("valid regex")
});

/// The date a file's path gives, if any. Years run from 1900 to `today`'s, and
/// dates after `today` are not taken.
pub fn path_date(path: &str, today: Date) -> Option<PathDate> {
    let parts: Vec<&str> = path.split(['/', '\\']).filter(|p| !p.is_empty()).collect();
    let (file, dirs) = parts.split_last()?;
    let stem = file.rsplit_once('.').map_or(*file, |(s, _)| s);
    let dirs = &dirs[dirs.len().saturating_sub(PATH_FOLDERS)..];
    let year = |s: &str| -> Option<i16> {
        if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let y: i16 = s.parse().ok()?;
        (1900..=today.year()).contains(&y).then_some(y)
    };
    let small = |s: &str| -> Option<i8> {
        if s.is_empty() || s.len() > 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let usable = |d: Date| (d.year() >= 1900 && d <= today).then_some(d);
    // A date written in the file name, else in the nearest folder that has one.
    for name in std::iter::once(stem).chain(dirs.iter().rev().copied()) {
        for c in NAME_DATE.captures_iter(name) {
            let (Ok(y), Ok(m), Ok(d)) = (c[1].parse(), c[2].parse(), c[3].parse()) else {
                continue;
            };
            if let Some(d) = Date::new(y, m, d).ok().and_then(usable) {
                return Some(PathDate::Full(d));
            }
        }
    }
    // YEAR/MONTH/DAY folders (the day may be the file's name), YEAR/MONTH, YEAR.
    let mut chain: Vec<&str> = dirs.to_vec();
    chain.push(stem);
    for i in (0..dirs.len()).rev() {
        let Some(y) = year(chain[i]) else { continue };
        let month = chain.get(i + 1).and_then(|s| small(s));
        let day = chain.get(i + 2).and_then(|s| small(s));
        if let (Some(m), Some(d)) = (month, day) {
            if let Some(d) = Date::new(y, m, d).ok().and_then(usable) {
                return Some(PathDate::Full(d));
            }
        }
        return Some(PathDate::Year(y));
    }
    None
}

/// The weekday rule: the one year named in the text (`mentioned`, up to
/// `today`'s year) in which every date of `dates` falls on its weekday.
pub fn weekday_year(dates: &[(i8, i8, Weekday)], mentioned: &[i16], today: Date) -> Option<i16> {
    if dates.is_empty() {
        return None;
    }
    let mut fits = mentioned.iter().copied().filter(|&y| {
        y <= today.year()
            && dates.iter().all(|&(m, d, w)| {
                Date::new(y, m, d).is_ok_and(|date| date.weekday() == w && date <= today)
            })
    });
    let first = fits.next()?;
    fits.next().is_none().then_some(first)
}

/// What is known about one article's date before it is resolved.
#[derive(Debug, Clone, Copy, Default)]
pub struct Evidence {
    /// The date its metadata gives (JSON field, front matter, HTML meta).
    pub metadata: Option<WrittenDate>,
    /// The date its header, dateline or a publication cue gives.
    pub header: Option<WrittenDate>,
}

/// Resolves an article's date from its evidence, its path and (for the
/// weekday rule) its text, as the module documentation describes.
pub fn resolve(evidence: Evidence, path: &str, title: &str, body: &str, today: Date) -> PubDate {
    let written = [
        (evidence.metadata, DateSource::Metadata),
        (evidence.header, DateSource::Explicit),
    ];
    for (date, source) in written {
        if let Some(WrittenDate::Full(d)) = date {
            return PubDate::full(d, source);
        }
    }
    let from_path = path_date(path, today);
    if let Some(PathDate::Full(d)) = from_path {
        return PubDate::full(d, DateSource::Path);
    }
    let known_year = written
        .iter()
        .find_map(|(date, source)| match date {
            Some(WrittenDate::Year(y)) => Some((*y, *source)),
            _ => None,
        })
        .or(match from_path {
            Some(PathDate::Year(y)) => Some((y, DateSource::Path)),
            _ => None,
        });
    // Lazily: most articles never need it.
    let weekday = |extra: Option<(i8, i8, Weekday)>| {
        let (mut dates, mut mentioned) = date::weekday_dates_and_their_years(title, today.year());
        let (in_body, body_years) = date::weekday_dates_and_their_years(body, today.year());
        dates.extend(in_body);
        mentioned.extend(body_years);
        if let Some(header_date) = extra {
            // The header's own weekday date: the years of the title and the
            // first paragraph, where the header is.
            dates.push(header_date);
            mentioned.extend(date::years_mentioned(title, today.year()));
            if let Some(first) = date::paragraphs(body).next() {
                mentioned.extend(date::years_mentioned(first, today.year()));
            }
        }
        if dates.is_empty() {
            return None;
        }
        mentioned.sort_unstable();
        mentioned.dedup();
        weekday_year(&dates, &mentioned, today)
    };
    let month_day = written.iter().find_map(|(date, _)| match date {
        Some(WrittenDate::MonthDay(m, d, w)) => Some((*m, *d, *w)),
        _ => None,
    });
    if let Some((m, d, w)) = month_day {
        let year = match known_year {
            Some((y, _)) => Some(y),
            None => weekday(w.map(|w| (m, d, w))),
        };
        let date = year
            .and_then(|y| Date::new(y, m, d).ok())
            .filter(|date| w.is_none_or(|w| date.weekday() == w) && *date <= today);
        if let Some(date) = date {
            return PubDate::full(date, DateSource::Inferred);
        }
    }
    if let Some((year, source)) = known_year {
        return PubDate {
            date: None,
            year: Some(year),
            source,
        };
    }
    match weekday(None) {
        Some(year) => PubDate {
            date: None,
            year: Some(year),
            source: DateSource::Inferred,
        },
        None => PubDate::UNKNOWN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const TODAY: Date = date(2026, 11, 25);

    #[test]
    fn dated_paths() {
        let full = |y, m, d| Some(PathDate::Full(date(y, m, d)));
        assert_eq!(
            path_date("news/2025/01/29/slug.txt", TODAY),
            full(2025, 1, 29)
        );
        assert_eq!(
            path_date("news/2025-01-29-slug.md", TODAY),
            full(2025, 1, 29)
        );
        assert_eq!(
            path_date("/data/20250129_slug.json", TODAY),
            full(2025, 1, 29)
        );
        assert_eq!(path_date("a/2025/01/29.txt", TODAY), full(2025, 1, 29));
        assert_eq!(path_date("feed/2004_12_01/x.txt", TODAY), full(2004, 12, 1));
        assert_eq!(
            path_date("arch/2004/business/001.txt", TODAY),
            Some(PathDate::Year(2004))
        );
        assert_eq!(
            path_date("arch/2004/07/x.txt", TODAY),
            Some(PathDate::Year(2004))
        );
    }

    #[test]
    fn numbers_in_names_are_not_dates() {
        for p in [
            "bbc/business/001.txt",
            "seeds/000_6c8fa15e68251ffd.txt",
            "/tmp/news-200k/0199/0199999.txt",
            "x/2048/slug.txt",
            "x/20251399_a.txt",
            "x/id20250129.txt",
            "x/story-2025012901.txt",
            "2004/a/b/c/d/slug.txt",
            "x/2004.txt",
            "x/20301231_future.txt",
        ] {
            assert_eq!(path_date(p, TODAY), None, "{p}");
        }
    }

    #[test]
    fn weekday_rule_needs_exactly_one_named_year() {
        use Weekday::*;
        // Saturday 20 November: 1999, 2004, 2010, 2021...
        let sat = [(11, 20, Saturday)];
        assert_eq!(weekday_year(&sat, &[2003, 2004, 2005], TODAY), Some(2004));
        assert_eq!(weekday_year(&sat, &[2003, 2005], TODAY), None);
        assert_eq!(weekday_year(&sat, &[2004, 2010], TODAY), None);
        assert_eq!(weekday_year(&sat, &[], TODAY), None);
        // Dates that no single year fits.
        let mixed = [(11, 20, Saturday), (11, 22, Saturday)];
        assert_eq!(weekday_year(&mixed, &[2004], TODAY), None);
        // Never a year to come.
        assert_eq!(weekday_year(&[(11, 20, Friday)], &[2027], TODAY), None);
    }

    #[test]
    fn resolution_order() {
        let ev = |metadata, header| Evidence { metadata, header };
        let full = |y, m, d| Some(WrittenDate::Full(date(y, m, d)));
        let r = resolve(
            ev(full(2024, 3, 5), full(2023, 1, 1)),
            "2022/x.txt",
            "",
            "",
            TODAY,
        );
        assert_eq!(
            (r.date, r.source),
            (Some(date(2024, 3, 5)), DateSource::Metadata)
        );
        let r = resolve(ev(None, full(2023, 1, 1)), "2022/x.txt", "", "", TODAY);
        assert_eq!(r.source, DateSource::Explicit);
        let r = resolve(ev(None, None), "2022/01/02/x.txt", "", "In 1948.", TODAY);
        assert_eq!(
            (r.date, r.source),
            (Some(date(2022, 1, 2)), DateSource::Path)
        );
        // A month and day takes the path's year.
        let md = Some(WrittenDate::MonthDay(2, 3, None));
        let r = resolve(ev(None, md), "2025/x.txt", "", "", TODAY);
        assert_eq!(
            (r.date, r.source),
            (Some(date(2025, 2, 3)), DateSource::Inferred)
        );
        // ... and never the years the text mentions.
        let r = resolve(ev(None, md), "x.txt", "", "Cuts in 2022 and 2025.", TODAY);
        assert_eq!(r, PubDate::UNKNOWN);
        // With its weekday, a named year that fits is taken (3 Feb 2025 was a Monday).
        let mon = Some(WrittenDate::MonthDay(2, 3, Some(Weekday::Monday)));
        let r = resolve(ev(None, mon), "x.txt", "", "Cuts in 2022 and 2025.", TODAY);
        assert_eq!(
            (r.date, r.source),
            (Some(date(2025, 2, 3)), DateSource::Inferred)
        );
        // Year mentions alone are nothing.
        let r = resolve(
            ev(None, None),
            "x.txt",
            "",
            "At 1800 GMT, since 1948; in 2020 it will.",
            TODAY,
        );
        assert_eq!(r, PubDate::UNKNOWN);
        // The weekday rule over the text gives a year only.
        let body = "The vote on Saturday 20 November follows the 2004 campaign that began in 2003.";
        let r = resolve(ev(None, None), "x.txt", "", body, TODAY);
        assert_eq!(
            (r.date, r.year, r.source),
            (None, Some(2004), DateSource::Inferred)
        );
        let r = resolve(
            ev(Some(WrittenDate::Year(2004)), None),
            "x.txt",
            "",
            "",
            TODAY,
        );
        assert_eq!((r.year, r.source), (Some(2004), DateSource::Metadata));
    }
}
