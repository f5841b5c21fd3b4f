//! Publication dates as written: the date formats news uses, dated header
//! lines (` date 2025-01-29 `, `Updated Feb 3`), wire datelines
//! (`LONDON, Jan 3 (Reuters) -`) and publication cues (`Published 3 March
//! 2024`) anywhere in the text, and dates written with their weekday in
//! running text (`on Saturday 20 November`). How these become an article's
//! date is decided in [`super::pubdate`].

use std::sync::LazyLock;

use jiff::civil::{Date, Weekday};
use regex::Regex;

/// A date as written: complete, a month and day whose year is missing, or a bare year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrittenDate {
    /// Year, month and day.
    Full(Date),
    /// Month and day only (`Updated Feb 3`), with the weekday when one was
    /// written (`Updated Monday, Feb 3`).
    MonthDay(i8, i8, Option<Weekday>),
    /// A year alone (`"date": "2004"`).
    Year(i16),
}

/// Years outside this range are not taken as publication years.
pub const YEARS: std::ops::RangeInclusive<i16> = 1800..=2200;

const MONTHS: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";

/// Optional label and weekday that may come before a date in a header line.
const LABEL: &str = r"(?i)^\s*(?P<label>(?:date|dated|published|posted|updated|last updated|last modified|first published|modified)(?:\s+on)?\s*:?\s*)?(?:(?P<wd>mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?";

/// How the parts of a date are found in a regex match.
#[derive(Clone, Copy)]
enum Shape {
    /// `y`, `m`, `d` numeric groups.
    Numeric,
    /// `mon` month name, `d`, optional `y`.
    Named,
}

static PATTERNS: LazyLock<Vec<(Regex, Shape)>> = LazyLock::new(|| {
    let build = |re: String| Regex::new(&re).expect("valid regex");
    vec![
        (
            build(format!(
                r"{LABEL}(?P<y>\d{{4}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}})(?:[T ]\d{{1,2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?(?:Z|[+-]\d{{2}}:?\d{{2}})?)?\b"
            )),
            Shape::Numeric,
        ),
        (
            build(format!(
                r"{LABEL}(?P<mon>{MONTHS})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>\d{{4}})\b)?"
            )),
            Shape::Named,
        ),
        (
            build(format!(
                r"{LABEL}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{MONTHS})\.?\b(?:,?\s+(?P<y>\d{{4}})\b)?"
            )),
            Shape::Named,
        ),
        (
            build(format!(
                r"{LABEL}(?P<m>\d{{1,2}})/(?P<d>\d{{1,2}})/(?P<y>\d{{4}}|\d{{2}})\b"
            )),
            Shape::Numeric,
        ),
    ]
});

/// A trailing time of day, time zone and separators after a header date.
static AFTER_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(?:(?i:at\s+)?\d{1,2}[:.]\d{2}(?:\s*(?i:[ap]m\b|[ap]\.m\.))?)?(?:\s*\b(?:GMT|UTC|BST|CET|CEST|EST|EDT|CST|CDT|PST|PDT|ET|PT|IST|JST)\b)?\s*[|·•,—–-]*\s*",
    )
    .expect("valid regex")
});

static YEAR: LazyLock<Regex> =
    // ASCII boundaries and digits keep the fast automaton on non-ASCII text.
    LazyLock::new(|| {
        Regex::new(r"(?-u:\b)(?:1[89][0-9][0-9]|20[0-9][0-9])(?-u:\b)").expect("valid regex")
    });

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

/// The weekday named by the first three letters of `name` (any case).
pub fn weekday_number(name: &str) -> Option<Weekday> {
    let key: String = name
        .chars()
        .take(3)
        .collect::<String>()
        .to_ascii_lowercase();
    Some(match key.as_str() {
        "mon" => Weekday::Monday,
        "tue" => Weekday::Tuesday,
        "wed" => Weekday::Wednesday,
        "thu" => Weekday::Thursday,
        "fri" => Weekday::Friday,
        "sat" => Weekday::Saturday,
        "sun" => Weekday::Sunday,
        _ => return None,
    })
}

fn build(
    year: Option<&str>,
    month: i8,
    day: &str,
    weekday: Option<Weekday>,
) -> Option<WrittenDate> {
    let day: i8 = day.parse().ok()?;
    match year {
        Some(y) => {
            let mut year: i16 = y.parse().ok()?;
            if y.len() == 2 {
                year += if year < 50 { 2000 } else { 1900 };
            }
            if !YEARS.contains(&year) {
                return None;
            }
            Date::new(year, month, day).ok().map(WrittenDate::Full)
        }
        None => Date::new(2000, month, day)
            .ok()
            .map(|_| WrittenDate::MonthDay(month, day, weekday)),
    }
}

/// The date a pattern's captures spell, checked (a named month must be
/// capitalised). The weekday is checked against the date for named months,
/// and for numeric dates too when `numeric_weekday` is set.
fn written_date(
    c: &regex::Captures<'_>,
    shape: &Shape,
    numeric_weekday: bool,
) -> Option<WrittenDate> {
    let weekday = c.name("wd").and_then(|w| weekday_number(w.as_str()));
    let year = c.name("y").map(|y| y.as_str());
    match shape {
        Shape::Numeric => build(
            year,
            c["m"].parse().ok()?,
            &c["d"],
            weekday.filter(|_| numeric_weekday),
        ),
        Shape::Named => {
            let month = &c["mon"];
            if !month.starts_with(|ch: char| ch.is_uppercase()) {
                return None;
            }
            build(year, month_number(month)?, &c["d"], weekday)
        }
    }
}

/// Finds a date at the start of `line` (after an optional label such as
/// `Published`, `Updated` or `date`, and an optional weekday).
///
/// Returns the date and the byte offset where the text after it (and after a
/// time of day and separators) begins. Month names must be capitalised
/// (`Feb`, `FEB`), so `3 may lose` is not a date; a month and day without a
/// year counts only after a label or alone on its line, so a headline such as
/// `Jan 6 committee subpoenas aides` keeps its words.
pub fn leading_date(line: &str) -> Option<(WrittenDate, usize)> {
    for (regex, shape) in PATTERNS.iter() {
        let Some(c) = regex.captures(line) else {
            continue;
        };
        let date = written_date(&c, shape, true)?;
        let end = c.get(0).map_or(0, |m| m.end());
        let rest = &line[end..];
        let skip = AFTER_DATE.find(rest).map_or(0, |m| m.end());
        let after = end + skip;
        if matches!(date, WrittenDate::MonthDay(..))
            && c.name("label").is_none()
            && !line[after..].trim().is_empty()
        {
            return None;
        }
        return Some((date, after));
    }
    None
}

/// Parses a whole date string as found in a JSON `date` field or front matter:
/// `YYYY-MM-DD` (with any time and offset: the date as written is kept),
/// RFC 3339, RFC 2822, `3 February 2025`, `Feb 3, 2025`, `02/03/2025`, or a bare year.
pub fn parse_date_field(s: &str) -> Option<WrittenDate> {
    let s = s.trim();
    if let Some((date, _)) = leading_date(s) {
        return Some(date);
    }
    let in_range = |d: Date| YEARS.contains(&d.year()).then_some(WrittenDate::Full(d));
    if let Ok(ts) = s.parse::<jiff::Timestamp>() {
        return in_range(ts.to_zoned_datetime(jiff::tz::TimeZone::UTC).date());
    }
    if let Ok(z) = jiff::fmt::rfc2822::parse(s) {
        return in_range(z.date());
    }
    if s.len() == 4 {
        if let Ok(y) = s.parse::<i16>() {
            if YEARS.contains(&y) {
                return Some(WrittenDate::Year(y));
            }
        }
    }
    // Unix time in seconds (10 digits) or milliseconds (13), as feeds give it.
    if (s.len() == 10 || s.len() == 13) && s.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = s.parse().ok()?;
        let seconds = if s.len() == 13 { n / 1000 } else { n };
        let ts = jiff::Timestamp::from_second(seconds).ok()?;
        return in_range(ts.to_zoned_datetime(jiff::tz::TimeZone::UTC).date());
    }
    None
}

/// A wire-service dateline opening a paragraph: a place in capitals (or
/// capitalised words), a comma, a date, an optional agency in brackets and a
/// dash: `LONDON, Jan 3 (Reuters) -`, `NEW YORK, March 4, 2024 --`.
static DATELINE_PLACE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*[A-Z][A-Za-z.'’-]+(?:[ /][A-Z][A-Za-z.'’-]+){0,3}(?:,\s*[A-Z][A-Za-z.'’-]+(?:\s[A-Z][A-Za-z.'’-]+){0,2})?,\s+")
        .expect("valid regex")
});

/// What ends a dateline after its date.
static DATELINE_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:\([A-Z][A-Za-z&.' -]{0,40}\)\s*)?(?:--|[-—–])\s+").expect("valid regex")
});

/// Finds a dateline at the start of `line` and returns its date and the byte
/// offset of the text after it.
pub fn dateline(line: &str) -> Option<(WrittenDate, usize)> {
    let place = DATELINE_PLACE.find(line)?;
    let rest = &line[place.end()..];
    // The date alone, without a label.
    let (date, date_end) = PATTERNS.iter().find_map(|(regex, shape)| {
        let c = regex.captures(rest)?;
        if c.name("label").is_some() {
            return None;
        }
        let date = written_date(&c, shape, false)?;
        Some((date, c.get(0)?.end()))
    })?;
    let end = DATELINE_END.find(&rest[date_end..])?;
    Some((date, place.end() + date_end + end.end()))
}

/// A byline followed by a date: `By Jane Smith | March 4, 2024`,
/// `By Jane Smith, Reuters · 4 March 2024`.
static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:By|BY)\s+[^|·•—–\n]{1,80}?\s*[|·•—–]\s*").expect("valid regex")
});

/// Finds a date after a byline at the start of `line`.
pub fn byline_date(line: &str) -> Option<WrittenDate> {
    let by = BYLINE.find(line)?;
    leading_date(&line[by.end()..]).map(|(date, _)| date)
}

/// Lines anywhere in the text that open with a publication cue.
static CUE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?m)^[ \t]*(?:Published|Posted|Updated|Last updated|Last modified|First published|Date published|PUBLISHED|POSTED|UPDATED)\b")
        .expect("valid regex")
});

/// The first date written after a publication cue at the start of a line
/// anywhere in `text` (`Published 3 March 2024`, `Posted on Jan 3, 2025`):
/// pages put it under the headline, above the body, or at the end.
pub fn cue_date(text: &str) -> Option<WrittenDate> {
    CUE_LINE.find_iter(text).find_map(|m| {
        let line_end = text[m.start()..]
            .find('\n')
            .map_or(text.len(), |i| m.start() + i);
        let (date, _) = leading_date(&text[m.start()..line_end])?;
        Some(date)
    })
}

const MONTHS_CAPITALISED: &str = "January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec";

/// A weekday with a day and month in running text (`on Saturday 20
/// November`, `Tuesday, 1 March`, `Friday, Feb. 25`), capitalised as written.
static WEEKDAY_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"\b(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)(?:,\s*|\s+)\(?(?:the\s+)?(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{MONTHS_CAPITALISED})|(?P<m2>{MONTHS_CAPITALISED})\.?\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)\b(?P<y>,?\s+\d{{4}}\b)?"
    ))
    .expect("valid regex")
});

/// The dates written with a weekday but without a year in `text`, as
/// (month, day, weekday). Dates that carry their year (`Wednesday, August
/// 21, 2024`, often a photo caption's) are left out: they are dates of
/// events, not evidence of when the article was written.
pub fn weekday_dates(text: &str) -> Vec<(i8, i8, Weekday)> {
    WEEKDAY_DATE
        .captures_iter(text)
        .filter(|c| c.name("y").is_none())
        .filter_map(|c| {
            let month = month_number(c.name("m1").or(c.name("m2"))?.as_str())?;
            let day: i8 = c.name("d1").or(c.name("d2"))?.as_str().parse().ok()?;
            let weekday = weekday_number(&c["wd"])?;
            Date::new(2000, month, day).ok()?;
            Some((month, day, weekday))
        })
        .collect()
}

/// The paragraphs of `text`: runs of lines between blank lines.
pub fn paragraphs(text: &str) -> impl Iterator<Item = &str> {
    static BLANK_LINE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\n(?:[ \t\r\f\v]*\n)+").expect("valid regex"));
    BLANK_LINE.split(text).filter(|p| !p.trim().is_empty())
}

/// The weekday dates of `text` (as [`weekday_dates`] finds them), with the
/// years named in the paragraphs that hold them: a year corroborates a
/// weekday date only when they are written together, not when the article
/// names it elsewhere for another event (`convicted in 1993`, and a
/// programme `on Sunday, 12 December` ten paragraphs later).
pub fn weekday_dates_and_their_years(
    text: &str,
    max_year: i16,
) -> (Vec<(i8, i8, Weekday)>, Vec<i16>) {
    let mut dates = Vec::new();
    let mut years = Vec::new();
    for paragraph in paragraphs(text) {
        let here = weekday_dates(paragraph);
        if !here.is_empty() {
            dates.extend(here);
            years.extend(years_mentioned(paragraph, max_year));
        }
    }
    years.sort_unstable();
    years.dedup();
    (dates, years)
}

/// A time of day written as four digits (`at 2005 GMT`, `1800 hrs`).
static CLOCK_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:GMT|BST|UTC|CET|CEST|EST|EDT|CST|CDT|PST|PDT|ET|PT|IST|JST|hrs|hours|h)\b")
        .expect("valid regex")
});

/// Every year from 1800 to `max_year` that `text` mentions as a number of its
/// own (not `2,025`, `2025.5`, `$2025`, `room 2004b`, nor a time such as
/// `2005 GMT`).
pub fn years_mentioned(text: &str, max_year: i16) -> Vec<i16> {
    let mut years: Vec<i16> = YEAR
        .find_iter(text)
        .filter(|m| !CLOCK_AFTER.is_match(&text[m.end()..]))
        .filter_map(|m| year_at(text, m, max_year))
        .collect();
    years.sort_unstable();
    years.dedup();
    years
}

/// The year a regex match stands for, unless it is part of a larger number
/// (`2,025`, `2025.5`, `$2025`) or out of range.
fn year_at(text: &str, m: regex::Match<'_>, max_year: i16) -> Option<i16> {
    let before = text[..m.start()].chars().next_back();
    let mut after = text[m.end()..].chars();
    let (next, second) = (after.next(), after.next());
    // The regex's ASCII boundaries also match next to non-ASCII letters (`2019年`).
    let glued = matches!(before, Some(',' | '.' | '$' | '£' | '€'))
        || before.is_some_and(char::is_alphanumeric)
        || next.is_some_and(char::is_alphanumeric)
        || (matches!(next, Some(',' | '.')) && second.is_some_and(|c| c.is_ascii_digit()));
    let year: i16 = m.as_str().parse().ok()?;
    (!glued && (1800..=max_year).contains(&year)).then_some(year)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn full(y: i16, m: i8, d: i8) -> WrittenDate {
        WrittenDate::Full(date(y, m, d))
    }

    #[test]
    fn weekday_dates_keep_the_years_of_their_own_paragraphs() {
        let text = "Convicted in 1993, he was freed.\n\nThe film is on Sunday, 12 December, \
                    a year after 2003.\n \nThe 1979 campaign.";
        let (dates, years) = weekday_dates_and_their_years(text, 2026);
        assert_eq!(dates, vec![(12, 12, Weekday::Sunday)]);
        assert_eq!(years, vec![2003]);
        let (dates, years) = weekday_dates_and_their_years("No weekday in 2004.", 2026);
        assert!(dates.is_empty() && years.is_empty());
        assert_eq!(
            paragraphs("a\nb\n\n\nc\n").collect::<Vec<_>>(),
            ["a\nb", "c\n"]
        );
    }

    #[test]
    fn header_lines() {
        let line = " date 2025-01-29 Amazon is laying off";
        let (d, end) = leading_date(line).unwrap();
        assert_eq!(d, full(2025, 1, 29));
        assert_eq!(&line[end..], "Amazon is laying off");
        assert_eq!(
            leading_date("Updated Feb 3").unwrap().0,
            WrittenDate::MonthDay(2, 3, None)
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
        // Headlines that open with a month and day keep their words.
        assert_eq!(leading_date("Jan 6 committee subpoenas Trump aides"), None);
        assert_eq!(leading_date("3 may lose their jobs"), None);
        assert_eq!(
            leading_date("Sept 11"),
            Some((WrittenDate::MonthDay(9, 11, None), 7))
        );
    }

    #[test]
    fn time_does_not_eat_the_headline() {
        let line = "Updated Feb 3, 2025 10:30 Amazon cuts 14,000 jobs";
        let (_, end) = leading_date(line).unwrap();
        assert_eq!(&line[end..], "Amazon cuts 14,000 jobs");
        let line = "Updated Feb 3, 2025 10:30 am Amazon cuts jobs";
        let (_, end) = leading_date(line).unwrap();
        assert_eq!(&line[end..], "Amazon cuts jobs");
        let line = "2025-02-03 10:30 GMT | Markets";
        let (_, end) = leading_date(line).unwrap();
        assert_eq!(&line[end..], "Markets");
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
        assert_eq!(parse_date_field("2004"), Some(WrittenDate::Year(2004)));
        assert_eq!(parse_date_field("1706486400"), Some(full(2024, 1, 29)));
        assert_eq!(parse_date_field("1706486400000"), Some(full(2024, 1, 29)));
        assert_eq!(parse_date_field("12345"), None);
        assert_eq!(parse_date_field("soon"), None);
        // The date as written, not shifted to UTC.
        assert_eq!(
            parse_date_field("2025-01-29T23:30:00-05:00"),
            Some(full(2025, 1, 29))
        );
        // Out-of-range years are not publication dates.
        assert_eq!(parse_date_field("0001-01-01T00:00:00Z"), None);
        assert_eq!(parse_date_field("-000001-01-01T00:00:00Z"), None);
    }

    #[test]
    fn weekday_in_header_and_text() {
        assert_eq!(
            leading_date("Updated Monday, Feb 3").unwrap().0,
            WrittenDate::MonthDay(2, 3, Some(Weekday::Monday))
        );
        assert_eq!(
            weekday_dates("The vote on Saturday 20 November and on Tuesday, March 1st. Not Wednesday, August 21, 2024, nor monday 3 may."),
            [(11, 20, Weekday::Saturday), (3, 1, Weekday::Tuesday)]
        );
        assert_eq!(
            weekday_dates("Friday, Feb. 25 saw"),
            [(2, 25, Weekday::Friday)]
        );
    }

    #[test]
    fn common_web_header_forms() {
        for (line, d) in [
            ("Published: Mon 4 Mar 2024 10.30 GMT", full(2024, 3, 4)),
            (
                "Last modified on Tue 5 Mar 2024 11.00 GMT",
                full(2024, 3, 5),
            ),
            ("4 March 2024 · 3 min read", full(2024, 3, 4)),
            ("Posted: 2024-03-04 10:30:00", full(2024, 3, 4)),
            (
                "March 4, 2024 / 10:30 AM / Updated 2 hours ago",
                full(2024, 3, 4),
            ),
        ] {
            assert_eq!(leading_date(line).map(|x| x.0), Some(d), "{line}");
        }
        for (line, d) in [
            (
                "NEW YORK, March 4 (Reuters) - Stocks rose",
                WrittenDate::MonthDay(3, 4, None),
            ),
            (
                "FRANKFURT, Germany, Jan. 3, 2025 -- Shares",
                full(2025, 1, 3),
            ),
        ] {
            assert_eq!(dateline(line).map(|x| x.0), Some(d), "{line}");
        }
        assert_eq!(dateline("WASHINGTON (AP) — The Senate voted"), None);
        assert_eq!(
            byline_date("By Jane Smith | March 4, 2024"),
            Some(full(2024, 3, 4))
        );
        assert_eq!(
            byline_date("By Jane Smith, Reuters · 4 March 2024 10:30 GMT"),
            Some(full(2024, 3, 4))
        );
        assert_eq!(byline_date("By Jane Smith and John Doe"), None);
    }

    #[test]
    fn cues_and_years() {
        assert_eq!(
            cue_date("Text.\nPosted on Jan 3, 2025 by Ann\n"),
            Some(full(2025, 1, 3))
        );
        assert_eq!(cue_date("Published authors sue\nText"), None);
        assert_eq!(
            years_mentioned(
                "cuts in 2022 and 2023, then 2026 plans, not 2,025 or $2030, 2004b",
                2026
            ),
            [2022, 2023, 2026]
        );
    }
}
