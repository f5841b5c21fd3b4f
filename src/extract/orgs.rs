//! Companies the gazetteer does not know, found by corporate cues: a run of
//! capitalised words ending in a corporate word (`Monument Securities`,
//! `Hibernian Investment Managers`, `Eon Labs Inc`). They are kept apart from
//! gazetteer matches (lower confidence) but searchable and counted like them.

use std::sync::LazyLock;

use regex::Regex;

/// Corporate words that end a company name. Legal forms (`Inc`, `plc`...) are
/// dropped from the name; the others (`Securities`, `Group`...) are part of it.
const LEGAL_FORMS: &[&str] = &[
    "Inc",
    "Inc.",
    "Incorporated",
    "Corp",
    "Corp.",
    "Co",
    "Co.",
    "plc",
    "PLC",
    "Plc",
    "Ltd",
    "Ltd.",
    "Limited",
    "LLC",
    "LLP",
    "AG",
    "SA",
    "S.A.",
    "NV",
    "N.V.",
    "SE",
    "GmbH",
    "SpA",
    "S.p.A.",
];

const CORPORATE_WORDS: &str = "Corporation|Company|Group|Holdings|Securities|Bank|Capital|Partners|Markets|Stockbrokers|Brokers|Asset Management|Investment Managers|Investments|Airlines|Airways|Motors|Studios|Casinos|Labs|Laboratories|Systems|Technologies|Telecom|Telecommunications|Communications|Pharmaceuticals|Breweries|Brewery|Insurance|Assurance|Ventures|Entertainment|Networks|Software|Electronics|Industries|Enterprises|Consulting|Associates|Petroleum|Oil|Mining|Steel|Foods|Retail|Stores|Airport|Shipping|Logistics";

/// Words that make a capitalised run something other than a company.
const NOT_COMPANIES: &[&str] = &[
    "Central",
    "Reserve",
    "Development",
    "World",
    "European",
    "Federal",
    "National Bank of",
    "Investment Bank",
    "Party",
    "Union",
    "University",
    "Council",
    "Commission",
    "Ministry",
    "Department",
    "Agency",
    "Authority",
    "Committee",
    "Foundation",
    "Association",
    "Society",
    "Trust",
    "Institute",
    "League",
    "Federation",
    "Court",
    "Government",
    "Parliament",
    "Senate",
    "Congress",
    "Police",
    "Army",
    "Navy",
    "Forces",
    "Club",
    "United",
    "City",
    "Rovers",
    "Wanderers",
    "Athletic",
    "County",
];

static CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    let legal = LEGAL_FORMS
        .iter()
        .map(|f| regex::escape(f))
        .collect::<Vec<_>>()
        .join("|");
    let word = r"(?:[A-Z][\p{L}\p{N}&'’.-]*|&)";
    // ASCII word boundaries (`(?-u:\b)`): a Unicode `\b` makes the regex
    // engine give up its fast automaton on any non-ASCII text and fall back to
    // one that was a fifth of all indexing time.
    let b = r"(?-u:\b)";
    Regex::new(&format!(
        r"{b}(?P<name>{word}(?:[ \t]+{word}){{0,4}}?[ \t]+(?:{CORPORATE_WORDS}))(?:[ \t]*,?[ \t]+(?:{legal}))?{b}|{b}(?P<legal>{word}(?:[ \t]+{word}){{0,3}}?),?[ \t]+(?:{legal})(?:\W|$)"
    ))
    .expect("valid regex")
});

/// Country codes that often stand before an organisation's name.
const PLACES: &[&str] = &["US", "UK", "EU", "U.S.", "U.K."];

/// Words that start sentences or headlines and are not part of a name.
const LEADING_NOISE: &[&str] = &[
    "The", "A", "An", "In", "On", "At", "For", "From", "By", "With", "And", "But", "Or", "As",
    "Of", "To", "Its", "His", "Her", "Their", "Our", "This", "That", "These", "Those", "While",
    "When", "After", "Before", "Shares", "Analysts", "Rival", "Rivals", "Both", "Firm",
];

/// Names of companies that corporate cues point to in `text`, without the
/// legal form, excluding those `known` already has.
pub fn detect(text: &str, known: impl Fn(&str) -> bool) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for c in CANDIDATE.captures_iter(text) {
        let whole = c.get(0).map_or("", |m| m.as_str()).trim();
        let raw = c
            .name("name")
            .or_else(|| c.name("legal"))
            .map_or("", |m| m.as_str());
        // `Consumer Electronics Show`: the name goes on past the corporate word.
        let after = &text[c.get(0).map_or(0, |m| m.end())..];
        let continues = after
            .trim_start_matches([' ', '\t'])
            .split_whitespace()
            .next()
            .is_some_and(|w| {
                w.starts_with(|ch: char| ch.is_uppercase())
                    && !LEGAL_FORMS.contains(&w.trim_end_matches([',', '.']))
            });
        if continues || known(whole) || known(raw) {
            continue;
        }
        let mut words: Vec<&str> = raw.split_whitespace().collect();
        // `Israel's Teva Pharmaceuticals`: the name starts after the possessive.
        if let Some(i) = words
            .iter()
            .rposition(|w| w.ends_with("'s") || w.ends_with("’s"))
        {
            words.drain(..=i);
        }
        while words
            .first()
            .is_some_and(|w| LEADING_NOISE.contains(w) || PLACES.contains(w))
        {
            words.remove(0);
        }
        while words
            .last()
            .is_some_and(|w| LEGAL_FORMS.contains(&w.trim_end_matches(',')))
        {
            words.pop();
        }
        if words.is_empty() {
            continue;
        }
        let name = words.join(" ").trim_end_matches([',', '.']).to_string();
        // A single word is a name only if it looks like one: `StreamCast`, `CNPC`.
        let single_ok = words.len() > 1 || {
            let w = words[0];
            let capitals = w.chars().filter(|ch| ch.is_uppercase()).count();
            capitals >= 2 && w.chars().count() >= 3
        };
        // A full stop inside (`India. Steel`) crosses a sentence, unless an initial.
        let crosses_sentence = words[..words.len() - 1].iter().any(|w| {
            let letters = w.chars().filter(|ch| ch.is_alphabetic()).count();
            w.ends_with('.') && w.matches('.').count() == 1 && letters > 1
        });
        if name.chars().count() < 3
            || !single_ok
            || crosses_sentence
            || NOT_COMPANIES.iter().any(|w| contains_words(&name, w))
            || known(&name)
            || (1..words.len()).any(|n| known(&words[..n].join(" ")))
            || words
                .iter()
                .all(|w| w.chars().all(|ch| !ch.is_lowercase()) && w.len() <= 2)
        {
            continue;
        }
        if !found.iter().any(|f| f.eq_ignore_ascii_case(&name)) {
            found.push(name);
        }
    }
    found
}

/// True if `words` occurs in `name` as whole words (`Federal` is not in `Federal-Mogul`).
fn contains_words(name: &str, words: &str) -> bool {
    name.match_indices(words).any(|(i, m)| {
        let before = name[..i].chars().next_back();
        let after = name[i + m.len()..].chars().next();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '-')
            && !after.is_some_and(|c| c.is_alphanumeric() || c == '-')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Vec<String> {
        detect(text, |n| n == "Amazon")
    }

    #[test]
    fn corporate_words_and_legal_forms() {
        assert_eq!(
            run("said Gerry Murphy of Monument Securities, while Eon Labs Inc rose."),
            vec!["Monument Securities", "Eon Labs"]
        );
        assert_eq!(
            run("Analysts at Hibernian Investment Managers said"),
            vec!["Hibernian Investment Managers"]
        );
        assert_eq!(run("StreamCast Inc. said"), vec!["StreamCast"]);
        assert!(
            run("Acceptance Corp said").is_empty(),
            "a plain word alone is not a name"
        );
    }

    #[test]
    fn not_companies() {
        assert!(run("the European Central Bank and the Bank of England").is_empty());
        assert!(run("Manchester United and the Labour Party").is_empty());
        assert!(
            run("Amazon Inc said").is_empty(),
            "known names are left to the gazetteer"
        );
        assert!(run("The Group said").is_empty());
        assert_eq!(run("Layoffs Hit Tech\nAcme Group said"), vec!["Acme Group"]);
        assert_eq!(
            run("Federal-Mogul Corporation rose"),
            vec!["Federal-Mogul Corporation"]
        );
        assert!(run("at the Consumer Electronics Show").is_empty());
        assert!(run("in India. Steel Ltd said").is_empty());
        assert_eq!(
            run("J.P. Morgan Securities said"),
            vec!["J.P. Morgan Securities"]
        );
        assert!(run("the US Securities and Exchange Commission").is_empty());
        assert!(
            run("Amazon Web Group").is_empty(),
            "starts with a known name"
        );
        assert_eq!(
            run("Israel's Teva Pharmaceuticals rose"),
            vec!["Teva Pharmaceuticals"]
        );
    }
}
