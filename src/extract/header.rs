//! Finding the headline and the dated header lines at the top of a plain-text article.
//!
//! Real articles saved from the web start with debris: a language selector
//! (`English`), a date line (` date 2025-01-29 `, `Updated Feb 3`), promotional
//! kickers (`WATCH ANYTIME FOR FREE ...`), bylines. [`split_header`] skips these,
//! keeps the first date it meets, and takes the first line that reads like a
//! headline as the title. Everything after the headline is the body.

use std::sync::LazyLock;

use regex::Regex;

use super::date::{byline_date, dateline, leading_date, WrittenDate};

/// How many non-empty lines at the top are searched for the headline.
const HEADER_LINES: usize = 12;
/// Longest headline kept, in characters; longer first lines are paragraphs.
const MAX_TITLE_CHARS: usize = 250;

/// What the top of an article says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The headline, if one was found.
    pub title: Option<String>,
    /// The first date found in a header line.
    pub date: Option<WrittenDate>,
    /// The article text after the header lines and headline.
    pub body: String,
}

static BOILERPLATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^(?:
            advertisement|advert|sponsored|share|share\ this(?:\ article|\ story|\ page)?|
            loading(?:\.\.\.)?|related(?:\ news|\ stories|\ articles|\ topics)?|
            skip\ to(?:\ main)?\ content|listen(?:\ to\ this)?(?:\ article|\ story)?|
            \d+\ min(?:ute)?s?\ read|image\ (?:source|caption)[:,].*|getty\ images|
            menu|home|search|sign\ in|log\ in|subscribe(?:\ now)?|newsletter|
            breaking(?:\ news)?|exclusive|live|opinion|analysis|news|
            english|español|espanol|deutsch|français|francais|italiano|português|portugues|
            nederlands|polski|svenska|dansk|norsk|suomi|türkçe|русский|中文|日本語|한국어|العربية|
            (?:updated|published|posted|modified|first\ published)(?:\ ?(?::|on\b|at\b|\d).*)?|
            by\ [\p{Lu}][\p{L}.'-]+(?:\ [\p{Lu}][\p{L}.'-]+){0,3}(?:,?\ (?:and\ )?[\p{Lu}][\p{L}.'-]+(?:\ [\p{Lu}][\p{L}.'-]+){0,3})*|
            (?:photo|video|file\ photo|image)(?:\ ?[:|/].{0,80})?
        )$",
    )
    .expect("valid regex")
});

/// True for lines that are page furniture, not a headline.
pub fn is_boilerplate(line: &str) -> bool {
    let line = line.trim().trim_end_matches(':');
    BOILERPLATE.is_match(line) || is_promo_kicker(line)
}

/// `WATCH ANYTIME FOR FREE Stream NBC10 ...`: a line opening with three or more
/// upper-case words and going on in mixed case is a promotional kicker.
fn is_promo_kicker(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().take(3).collect();
    if words.len() < 3 {
        return false;
    }
    let shouting = words.iter().all(|w| {
        let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
        letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase())
    });
    shouting && line.chars().any(|c| c.is_lowercase())
}

/// True if `line` could be a headline: some words, not too long, not furniture.
fn reads_like_title(line: &str) -> bool {
    let words = line.split_whitespace().count();
    let chars = line.chars().count();
    words >= 3
        && chars <= MAX_TITLE_CHARS
        && line.chars().any(|c| c.is_alphabetic())
        && !is_boilerplate(line)
}

/// Tidies a headline: Markdown heading marks and repeated spaces go.
fn clean_title(line: &str) -> String {
    let line = line.trim().trim_start_matches('#').trim();
    crate::text::squash_whitespace(line)
}

/// Splits the top of `text` into headline, date and body.
pub fn split_header(text: &str) -> Header {
    let mut date = None;
    let mut title = None;
    let mut body_start = 0;
    let mut seen = 0;
    let mut offset = 0;
    // Short lines above the headline that are not page furniture (`Phones
    // up`, a section name): not the title, but words of the article, kept at
    // the start of the body rather than lost.
    let mut kept: Vec<&str> = Vec::new();
    for line in text.split_inclusive('\n') {
        let line_end = offset + line.len();
        let content = line.trim();
        offset = line_end;
        if content.is_empty() {
            continue;
        }
        seen += 1;
        if seen > HEADER_LINES {
            break;
        }
        if date.is_none() {
            if let Some((found, rest_at)) = leading_date(content) {
                date = Some(found);
                let rest = content[rest_at..].trim();
                if reads_like_title(rest) {
                    title = Some(clean_title(rest));
                    body_start = line_end;
                    break;
                }
                continue;
            }
            if let Some((found, _)) = dateline(content) {
                // `LONDON, Jan 3 (Reuters) - ...` opens the body: no headline above it.
                date = Some(found);
                break;
            }
            if let Some(found) = byline_date(content) {
                date = Some(found);
                continue;
            }
        }
        if is_boilerplate(content) {
            continue;
        }
        if reads_like_title(content) {
            title = Some(clean_title(content));
            body_start = line_end;
            break;
        }
        if content.chars().count() > MAX_TITLE_CHARS {
            // A paragraph before any headline: this article has none.
            break;
        }
        kept.push(content);
    }
    if title.is_none() {
        kept.clear();
    }
    let mut body = &text[body_start..];
    // A date line right after the headline (`Title\n\n date 2025-01-29 First paragraph`).
    if title.is_some() && date.is_none() {
        let trimmed = body.trim_start();
        let first_line = trimmed.lines().next().unwrap_or("");
        if let Some((found, rest_at)) = leading_date(first_line) {
            date = Some(found);
            let skipped = body.len() - trimmed.len();
            body = &body[skipped + rest_at..];
        } else if let Some((found, _)) = dateline(first_line) {
            // The dateline stays: it is the start of the first paragraph.
            date = Some(found);
        } else if let Some(found) = byline_date(first_line) {
            date = Some(found);
            let skipped = body.len() - trimmed.len();
            body = &body[skipped + first_line.len()..];
        }
    }
    let title = title.or_else(|| fallback_title(text));
    let body = body.trim();
    let body = if kept.is_empty() {
        body.to_string()
    } else {
        kept.push(body);
        kept.join("\n\n").trim().to_string()
    };
    Header { title, date, body }
}

/// For text with no recognisable headline: the first sentence of the first
/// line that is not furniture, cut to a headline's length.
fn fallback_title(text: &str) -> Option<String> {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !is_boilerplate(l) && leading_date(l).is_none())?;
    let sentence = match line.find(". ") {
        Some(i) if i > 20 => &line[..=i],
        _ => line,
    };
    Some(crate::text::truncate_words(&clean_title(sentence), 120))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn short_lines_above_the_headline_stay_in_the_body() {
        let h = split_header(
            "Phones up\n\nShares in the mobile phone firm rose sharply.\n\nSales beat forecasts.\n",
        );
        assert_eq!(
            h.title.as_deref(),
            Some("Shares in the mobile phone firm rose sharply.")
        );
        assert_eq!(h.body, "Phones up\n\nSales beat forecasts.");
        // Page furniture still goes.
        let h = split_header("English\n\nAmazon announces new layoffs\n\nMore.");
        assert_eq!(h.body, "More.");
    }

    #[test]
    fn date_line_with_headline_on_it() {
        let h = split_header(" date 2025-01-29 Amazon is laying off a \"small number\" of employees.\n\nThe company laid off more.\n");
        assert_eq!(
            h.title.as_deref(),
            Some("Amazon is laying off a \"small number\" of employees.")
        );
        assert_eq!(h.date, Some(WrittenDate::Full(date(2025, 1, 29))));
        assert_eq!(h.body, "The company laid off more.");
    }

    #[test]
    fn updated_line_then_headline() {
        let h = split_header("Updated Feb 3\nAmazon's Latest Layoffs: Communication Department Takes a Hit\n\nEfficiency Meets Controversy\n");
        assert_eq!(
            h.title.as_deref(),
            Some("Amazon's Latest Layoffs: Communication Department Takes a Hit")
        );
        assert_eq!(h.date, Some(WrittenDate::MonthDay(2, 3, None)));
        assert_eq!(h.body, "Efficiency Meets Controversy");
    }

    #[test]
    fn language_selector_is_not_a_title() {
        let h = split_header("English\n\nAmazon announces thousands of new layoffs\n\nAmazon announced a second round.");
        assert_eq!(
            h.title.as_deref(),
            Some("Amazon announces thousands of new layoffs")
        );
        assert_eq!(h.date, None);
        assert_eq!(h.body, "Amazon announced a second round.");
    }

    #[test]
    fn generated_corpus_layout() {
        let h = split_header("Ad sales boost Time Warner profit\n\n date 2004-12-01 Quarterly profits at US media giant rose.\n\nMore text.");
        assert_eq!(
            h.title.as_deref(),
            Some("Ad sales boost Time Warner profit")
        );
        assert_eq!(h.date, Some(WrittenDate::Full(date(2004, 12, 1))));
        assert_eq!(
            h.body,
            "Quarterly profits at US media giant rose.\n\nMore text."
        );
    }

    #[test]
    fn datelines() {
        let h = split_header(
            "Shares slide in London\n\nLONDON, Jan 3 (Reuters) - Shares fell on Monday.\n",
        );
        assert_eq!(h.title.as_deref(), Some("Shares slide in London"));
        assert_eq!(h.date, Some(WrittenDate::MonthDay(1, 3, None)));
        assert_eq!(h.body, "LONDON, Jan 3 (Reuters) - Shares fell on Monday.");
        let h = split_header("NEW YORK, March 4, 2024 -- Stocks rose.\n");
        assert_eq!(h.date, Some(WrittenDate::Full(date(2024, 3, 4))));
        assert!(h.body.starts_with("NEW YORK"));
        let h = split_header(
            "Shares slide in London\n\nBy Jane Smith | March 4, 2024\n\nShares fell.\n",
        );
        assert_eq!(h.title.as_deref(), Some("Shares slide in London"));
        assert_eq!(h.date, Some(WrittenDate::Full(date(2024, 3, 4))));
        assert_eq!(h.body, "Shares fell.");
        // A headline with a comma and a date is not a dateline without the dash.
        let h = split_header("Markets, Jan 3 review of the week ahead\n\nText.");
        assert_eq!(h.date, None);
    }

    #[test]
    fn furniture_lines() {
        assert!(is_boilerplate(
            "WATCH ANYTIME FOR FREE Stream NBC10 Boston news for free, 24/7"
        ));
        assert!(is_boilerplate("By Jane Smith and John Doe"));
        assert!(is_boilerplate("Share this article"));
        assert!(is_boilerplate("5 min read"));
        assert!(!is_boilerplate("Amazon cuts 14,000 jobs"));
        assert!(!is_boilerplate("NASA launches new probe to Mars"));
        assert!(!is_boilerplate("AMAZON TO CUT 14,000 JOBS"));
        assert!(!is_boilerplate("Video game makers cut 1,900 jobs"));
        assert!(!is_boilerplate(
            "Published authors sue OpenAI over training data"
        ));
        assert!(is_boilerplate("Published: 3 hours ago"));
        assert!(is_boilerplate("Updated"));
        assert!(is_boilerplate("Photo: Getty Images"));
    }

    #[test]
    fn headline_opening_with_a_date_keeps_its_words() {
        let h = split_header("Jan 6 committee subpoenas Trump aides\n\nThe committee said.");
        assert_eq!(
            h.title.as_deref(),
            Some("Jan 6 committee subpoenas Trump aides")
        );
        assert_eq!(h.date, None);
        let h = split_header("Updated Feb 3, 2025 10:30 Amazon cuts 14,000 jobs\n\nText.");
        assert_eq!(h.title.as_deref(), Some("Amazon cuts 14,000 jobs"));
    }

    #[test]
    fn markdown_heading_and_no_title() {
        let h = split_header("# Big news today\n\nText.");
        assert_eq!(h.title.as_deref(), Some("Big news today"));
        let long = "word ".repeat(80);
        let h = split_header(&format!("{long}. More."));
        assert!(h.title.unwrap().ends_with('…'));
        assert!(h.body.starts_with("word"));
    }
}
