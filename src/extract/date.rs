//! Publication dates: parsing the date formats news uses, finding dated header
//! lines, and inferring a year from the years an article mentions.

use std::sync::LazyLock;

use jiff::civil::Date;
use regex::Regex;

/// A date as written: either complete, or a month and day whose year is missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrittenDate {
    /// Year, month and day.
    Full(Date),
    /// Month and day only (`Updated Feb 3`).
    MonthDay(i8, i8),
}

const MONTHS: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

/// Optional label and weekday that may come before a date in a header line.
const LABEL: &str = r"(?i)^\s*(?:(?:date|dated|published|posted|updated|last updated|first published|modified)(?:\s+on)?\s*:?\s*)?(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?";

static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"{LABEL}(?P<y>\d{{4}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}})(?:[T ]\d{{1,2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?(?:Z|[+-]\d{{2}}:?\d{{2}})?)?\b"
    ))
    .expect("valid regex")
});

static MONTH_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"{LABEL}(?P<mon>{MONTHS})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>\d{{4}})\b)?"
    ))
    .expect("valid regex")
});

static DAY_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"{LABEL}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{MONTHS})\.?\b(?:,?\s+(?P<y>\d{{4}})\b)?"
    ))
    .expect("valid regex")
});

static US_NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"{LABEL}(?P<m>\d{{1,2}})/(?P<d>\d{{1,2}})/(?P<y>\d{{4}}|\d{{2}})\b"
    ))
    .expect("valid regex")
});

/// A trailing time of day, time zone and separators after a header date.
static AFTER_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+(?:[A-Z]{2,4}|GMT|UTC|ET|PT))?)?\s*[|·•,—–-]*\s*")
        .expect("valid regex")
});

static YEAR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(1[89]\d\d|20\d\d)\b").expect("valid regex"));

fn month_number(name: &str) -> Option<i8> {
    let key: String = name
        .chars()
        .take(3)
        .collect::<String>()
        .to_ascii_lowercase();
    let n = match key.as_str() {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(n)
}

fn build(year: Option<&str>, month: i8, day: &str) -> Option<WrittenDate> {
    let day: i8 = day.parse().ok()?;
    match year {
        Some(y) => {
            let mut year: i16 = y.parse().ok()?;
            if y.len() == 2 {
                year += if year < 50 { 2000 } else { 1900 };
            }
            if !(1800..=2200).contains(&year) {
                return None;
            }
            Date::new(year, month, day).ok().map(WrittenDate::Full)
        }
        None => Date::new(2000, month, day)
            .ok()
            .map(|_| WrittenDate::MonthDay(month, day)),
    }
}

/// Finds a date at the start of `line` (after an optional label such as
/// `Published`, `Updated` or `date`, and an optional weekday).
///
/// Returns the date and the byte offset where the text after it (and after a
/// time of day and separators) begins.
pub fn leading_date(line: &str) -> Option<(WrittenDate, usize)> {
    let found = if let Some(c) = ISO.captures(line) {
        let m: i8 = c["m"].parse().ok()?;
        build(Some(&c["y"]), m, &c["d"]).map(|d| (d, c.get(0).map_or(0, |m| m.end())))
    } else if let Some(c) = MONTH_FIRST.captures(line) {
        let m = month_number(&c["mon"])?;
        build(c.name("y").map(|y| y.as_str()), m, &c["d"])
            .map(|d| (d, c.get(0).map_or(0, |m| m.end())))
    } else if let Some(c) = DAY_FIRST.captures(line) {
        let m = month_number(&c["mon"])?;
        build(c.name("y").map(|y| y.as_str()), m, &c["d"])
            .map(|d| (d, c.get(0).map_or(0, |m| m.end())))
    } else if let Some(c) = US_NUMERIC.captures(line) {
        let m: i8 = c["m"].parse().ok()?;
        build(Some(&c["y"]), m, &c["d"]).map(|d| (d, c.get(0).map_or(0, |m| m.end())))
    } else {
        None
    }?;
    let (date, end) = found;
    let rest = &line[end..];
    let skip = AFTER_DATE.find(rest).map_or(0, |m| m.end());
    Some((date, end + skip))
}

/// Parses a whole date string as found in a JSON `date` field or front matter:
/// RFC 3339, RFC 2822, `YYYY-MM-DD`, `3 February 2025`, `Feb 3, 2025`, `02/03/2025`.
pub fn parse_date_field(s: &str) -> Option<WrittenDate> {
    let s = s.trim();
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        return Some(WrittenDate::Full(
            ts.to_zoned_datetime(jiff::tz::TimeZone::UTC).date(),
        ));
    }
    if let Ok(z) = jiff::fmt::rfc2822::parse(s) {
        return Some(WrittenDate::Full(z.date()));
    }
    if let Some((date, _)) = leading_date(s) {
        return Some(date);
    }
    // A bare year.
    if s.len() == 4 {
        if let Ok(y) = s.parse::<i16>() {
            if (1800..=2200).contains(&y) {
                return Date::new(y, 1, 1).ok().map(WrittenDate::Full);
            }
        }
    }
    None
}

/// The latest year between 1800 and `max_year` that `text` mentions, if any.
///
/// News is written about the past and present, so the latest year an article
/// speaks of is a good guess of when it was published when nothing better is known.
pub fn latest_year_mentioned(text: &str, max_year: i16) -> Option<i16> {
    YEAR.find_iter(text)
        .filter(|m| {
            // Not part of a larger number such as 2,025 or 2025.5 or $2025.
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            !matches!(before, Some(',' | '.' | '$' | '£' | '€'))
                && !matches!(after, Some(',') if text[m.end()..].chars().nth(1).is_some_and(|c| c.is_ascii_digit()))
                && !matches!(after, Some('.') if text[m.end()..].chars().nth(1).is_some_and(|c| c.is_ascii_digit()))
        })
        .filter_map(|m| m.as_str().parse::<i16>().ok())
        .filter(|y| (1800..=max_year).contains(y))
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn full(y: i16, m: i8, d: i8) -> WrittenDate {
        WrittenDate::Full(date(y, m, d))
    }

    #[test]
    fn header_lines() {
        let line = " date 2025-01-29 Amazon is laying off";
        let (d, end) = leading_date(line).unwrap();
        assert_eq!(d, full(2025, 1, 29));
        assert_eq!(&line[end..], "Amazon is laying off");
        assert_eq!(
            leading_date("Updated Feb 3").unwrap().0,
            WrittenDate::MonthDay(2, 3)
        );
        assert_eq!(
            leading_date("Published 3 February 2025").unwrap().0,
            full(2025, 2, 3)
        );
        assert_eq!(
            leading_date("Monday, February 3rd, 2025 10:30 AM ET | News")
                .unwrap()
                .0,
            full(2025, 2, 3)
        );
        assert_eq!(leading_date("01/04/63").unwrap().0, full(1963, 1, 4));
        assert_eq!(leading_date("Amazon cuts jobs"), None);
        assert_eq!(leading_date("May Day protests"), None);
        assert_eq!(leading_date("Feb 30"), None);
    }

    #[test]
    fn time_after_date_is_skipped() {
        let line = "Updated Feb 3, 2025 at 10:30 a.m. ET — Amazon";
        let (d, end) = leading_date(line).unwrap();
        assert_eq!(d, full(2025, 2, 3));
        assert_eq!(&line[end..], "Amazon");
    }

    #[test]
    fn date_fields() {
        assert_eq!(
            parse_date_field("2025-01-29T10:00:00Z"),
            Some(full(2025, 1, 29))
        );
        assert_eq!(parse_date_field("2025-01-29"), Some(full(2025, 1, 29)));
        assert_eq!(
            parse_date_field("Tue, 1 Jul 2003 10:52:37 +0200"),
            Some(full(2003, 7, 1))
        );
        assert_eq!(parse_date_field("February 3, 2025"), Some(full(2025, 2, 3)));
        assert_eq!(parse_date_field("2004"), Some(full(2004, 1, 1)));
        assert_eq!(parse_date_field("soon"), None);
    }

    #[test]
    fn latest_year() {
        assert_eq!(
            latest_year_mentioned(
                "cuts in 2022 and 2023, then 2026 plans, not 2,025 or $2030",
                2026
            ),
            Some(2026)
        );
        assert_eq!(latest_year_mentioned("by 2030 we will", 2026), None);
        assert_eq!(latest_year_mentioned("room 1234", 2026), None);
    }
}
