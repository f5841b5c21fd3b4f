//! Companies the gazetteer does not know, found by corporate cues: a run of
//! capitalised words ending in a corporate word (`Monument Securities`,
//! `Hibernian Investment Managers`, `Eon Labs Inc`). They are kept apart from
//! gazetteer matches (lower confidence) but searchable and counted like them.

use std::sync::LazyLock;

use regex::Regex;

use super::companies::MatchRules;
use super::org_words::{
    BUSINESS_GROUP_BEFORE, CORPORATE_WORDS, LEGAL_FORMS, MORE_CORPORATE_WORDS, NOT_A_NAME_START,
    NOT_BUSINESS_BEFORE, NOT_COMPANIES, NOT_MAKER_BEFORE, PLACE_NAMES,
};

/// An ASCII word boundary for the regexes below: a Unicode `\b` makes the
/// regex engine give up its fast automaton on any non-ASCII text and fall back
/// to one that was a fifth of all indexing time. It also matches right after a
/// non-ASCII letter, which `detect` checks for itself.
const WORD_BOUNDARY: &str = r"(?-u:\b)";

static CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    let legal = LEGAL_FORMS
        .iter()
        .map(|f| regex::escape(f))
        .collect::<Vec<_>>()
        .join("|");
    let word = r"(?:[A-Z][\p{L}\p{N}&'’.-]*|&)";
    let more = MORE_CORPORATE_WORDS.join("|");
    let b = WORD_BOUNDARY;
    Regex::new(&format!(
        r"{b}(?P<name>{word}(?:[ \t]+{word}){{0,4}}?[ \t]+(?:{CORPORATE_WORDS}|{more}))(?:[ \t]*,?[ \t]+(?:{legal}))?{b}|{b}(?P<legal>{word}(?:[ \t]+{word}){{0,3}}?),?[ \t]+(?:{legal})(?:\W|$)"
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

/// A capitalised name of up to five words (joined by `&` or `and` too), as the introducing cues take it.
const INTRODUCED_NAME: &str =
    r"[A-Z][\p{L}\p{N}&'’-]*(?:(?:[ \t]+(?:&|and))?[ \t]+[A-Z][\p{L}\p{N}&'’-]*){0,4}";

/// Lower-case words of running text that introduce a company by name right
/// after them: `Italian bank Mediobanca`, `network monitoring company
/// Sandvine`, `a company called Akamai`, `an analyst at Petercam`, and
/// `its Sandoz unit` / `the Odeon cinema chain` around it. Case-sensitive:
/// `Bank Mediobanca` or `Group Rank` are not cues.
static INTRODUCED: LazyLock<Regex> = LazyLock::new(|| {
    // Starts with the cue's literal words, so the regex engine jumps from one
    // cue to the next instead of running its automaton over every byte.
    let b = WORD_BOUNDARY;
    Regex::new(&format!(
        r"{b}(?P<cue>company|companies|firm|firms|bank|banks|group|retailer|carrier|airline|brokerage|broker|insurer|maker|manufacturer|conglomerate|(?:company|firm|business|start-up)[ \t]+called|(?:analyst|analysts|economist|economists|strategist|strategists|dealer|dealers|trader|traders)[ \t]+at)[ \t]+(?P<name>{INTRODUCED_NAME})"
    ))
    .expect("valid regex")
});

/// `its Sandoz unit`, `the Odeon cinema chain`: a business a company owns.
static OWNED: LazyLock<Regex> = LazyLock::new(|| {
    let b = WORD_BOUNDARY;
    Regex::new(&format!(
        r"{b}(?:its|the)[ \t]+(?P<adjective>[a-z]+[ \t]+)?(?P<name>{INTRODUCED_NAME})[ \t]+(?:[a-z]+[ \t]+)?(?P<what>unit|subsidiary|division|chain|studios){b}"
    ))
    .expect("valid regex")
});

/// How many of [`CUE_END_WORDS`] (the first ones) end an [`OWNED`] match.
const OWNED_WORD_COUNT: usize = 5;

/// `speaking on NTV television`, `told the Daily Record newspaper`: a media
/// outlet named before what it is, after a verb or preposition of speaking
/// (a `more_cues` rule). Without that cue, `LCD television`, `DIY radio` and
/// `Sri Lankan television` would count; `TV` is left out (`the CSI TV show`).
/// Matched against the text that ends with the media word.
static MEDIA: LazyLock<Regex> = LazyLock::new(|| {
    let b = WORD_BOUNDARY;
    Regex::new(&format!(
        r"{b}(?:on|told|to|from|by)[ \t]+(?:the[ \t]+)?(?P<name>{INTRODUCED_NAME})[ \t]+(?:television|radio|newspaper|magazine)$"
    ))
    .expect("valid regex")
});

/// The words that end an [`OWNED`] match, then those that end a [`MEDIA`] match.
const CUE_END_WORDS: [&str; 9] = [
    "unit",
    "subsidiary",
    "division",
    "chain",
    "studios",
    "television",
    "radio",
    "newspaper",
    "magazine",
];

/// Finds the [`CUE_END_WORDS`] in one pass (a space before each is checked
/// by the caller, whole words by the regexes): patterns without the space
/// let the automaton's prefilter skip most of the text.
static CUE_ENDS: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    // Leftmost-first: the semantics under which the automaton may use its
    // fast (SIMD) prefilter.
    aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostFirst)
        .build(CUE_END_WORDS)
        .expect("cue words build an automaton")
});

/// True if `word` is a corporate word that ends a company name (`Oil`,
/// `Group`) or a legal form (`Inc`): after a name, it does not make a longer
/// name of something else.
pub fn is_corporate_word(word: &str) -> bool {
    LEGAL_FORMS.contains(&word)
        || CORPORATE_WORDS
            .split('|')
            .any(|w| w == word || w.split(' ').next() == Some(word))
}

/// The word right before byte `at` on the same line, and whether a hyphen
/// joins it to what follows (`film-maker`).
fn word_before(text: &str, at: usize) -> (&str, bool) {
    let head = &text[..at];
    let hyphen = head.ends_with('-');
    let head = head.trim_end_matches(['-', ' ', '\t']);
    let start = head
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_alphabetic())
        .map_or(0, |(i, c)| i + c.len_utf8());
    (&head[start..], hyphen)
}

/// Names of companies that corporate cues point to in `text`, without the
/// legal form, excluding those `known` already has and those inside the byte
/// ranges `taken` (names the gazetteer matched: `Oil and Natural Gas
/// Corporation` holds no `Natural Gas Corporation`).
///
/// Two kinds of cue: a run of capitalised words ending in a corporate word
/// or legal form (`Monument Securities`, `Eon Labs Inc`), and a name that
/// running text introduces as a business (`rival Sapporo`, `an analyst at
/// Petercam`, `its Sandoz unit`).
pub fn detect(
    text: &str,
    known: impl Fn(&str) -> bool,
    taken: &[std::ops::Range<usize>],
    rules: &MatchRules,
) -> Vec<String> {
    let inside_taken =
        |start: usize, end: usize| taken.iter().any(|t| t.start <= start && end <= t.end);
    let mut found: Vec<String> = Vec::new();
    for c in CANDIDATE.captures_iter(text) {
        let Some(m) = c.get(0) else { continue };
        // The ASCII `\b` also matches after a non-ASCII letter (`ČEZ Group`).
        if inside_taken(m.start(), m.end()) || glued_before(text, m.start()) {
            continue;
        }
        let whole = m.as_str().trim();
        let raw = c
            .name("name")
            .or_else(|| c.name("legal"))
            .map_or("", |m| m.as_str());
        // `Consumer Electronics Show`: the name goes on past the corporate word.
        let after = &text[m.end()..];
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
        if !rules.more_cues && MORE_CORPORATE_WORDS.iter().any(|w| raw.ends_with(w)) {
            continue;
        }
        if let Some(name) = clean_name(raw, &known, true, rules) {
            add(&mut found, name);
        }
    }
    // One pass finds the words that end an owned-unit or media cue; the
    // regexes then run only where they can match.
    let mut owned_present = false;
    let mut media_ends = Vec::new();
    for m in CUE_ENDS.find_iter(text) {
        if !text[..m.start()].ends_with(' ') {
            continue;
        }
        let word = CUE_END_WORDS[m.pattern().as_usize()];
        if m.pattern().as_usize() < OWNED_WORD_COUNT {
            owned_present |= rules.more_cues || word != "studios";
        } else if rules.more_cues {
            media_ends.push(m.end());
        }
    }
    let owned = owned_present
        .then(|| OWNED.captures_iter(text))
        .into_iter()
        .flatten()
        .filter(|c| {
            rules.more_cues
                || (c.name("adjective").is_none()
                    && c.name("what").is_some_and(|w| w.as_str() != "studios"))
        })
        .map(|c| ("", None, c.name("name").map(|m| (m.start(), m.as_str()))));
    // `on NTV television`: the cue is read in the line's last 120 bytes
    // before the media word.
    let media = media_ends.into_iter().filter_map(|end| {
        let line_start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        let mut from = end.saturating_sub(120).max(line_start);
        while !text.is_char_boundary(from) {
            from += 1;
        }
        let c = MEDIA.captures(&text[from..end])?;
        let m = c.name("name")?;
        Some(("media", None, Some((from + m.start(), m.as_str()))))
    });
    let introduced = INTRODUCED.captures_iter(text).map(|c| {
        let cue = c.name("cue");
        (
            cue.map_or("", |m| m.as_str()),
            cue.map(|m| m.start()),
            c.name("name").map(|m| (m.start(), m.as_str())),
        )
    });
    for (cue, cue_start, name) in introduced.chain(owned).chain(media) {
        if let Some(cue_start) = cue_start {
            let (before, hyphen) = word_before(text, cue_start);
            let before = before.to_lowercase();
            let refused = match cue {
                "group" => !BUSINESS_GROUP_BEFORE.contains(&before.as_str()),
                // `aircraft carrier HMS Ark Royal`, `peace broker`.
                "carrier" => matches!(
                    before.as_str(),
                    "aircraft" | "letter" | "mail" | "flag" | "troop" | "personnel" | "disease"
                ),
                "broker" => matches!(before.as_str(), "peace" | "power" | "honest"),
                "maker" | "manufacturer" => hyphen || NOT_MAKER_BEFORE.contains(&before.as_str()),
                "bank" | "banks" | "company" | "companies" => {
                    NOT_BUSINESS_BEFORE.contains(&before.as_str())
                }
                _ => false,
            };
            if refused {
                continue;
            }
        }
        // `companies Adhi Karya and Semen Gresik` names two; `economist at
        // Fact and Opinion Economics` one.
        let names: Vec<(usize, &str)> = match name {
            Some((start, m)) if matches!(cue, "companies" | "firms" | "banks") => {
                let mut at = start;
                m.split(" and ")
                    .map(|part| {
                        let item = (at, part);
                        at += part.len() + " and ".len();
                        item
                    })
                    .collect()
            }
            Some(item) => vec![item],
            None => Vec::new(),
        };
        for (start, raw) in names {
            let m = start..start + raw.len();
            if inside_taken(m.start, m.end) {
                continue;
            }
            // `firm Sandvine's chief`, `firm Sophos' list`: the name ends at a
            // possessive that ends the run; `at Moscow's Sovlink`: the name is
            // what follows (`clean_name` drops the words up to it).
            // `Luxembourg-based Clearstream` starts after `-based`.
            let mut raw = raw;
            if let Some(i) = raw.find(['\'', '’']) {
                if !raw[i..].trim_end().contains(char::is_whitespace) {
                    raw = raw[..i].trim_end();
                }
            }
            if let Some(i) = raw.find("-based ") {
                raw = &raw[i + "-based ".len()..];
            }
            let first = raw.split_whitespace().next().unwrap_or("");
            let place = PLACES.contains(&raw) || PLACE_NAMES.contains(&raw);
            if known(raw) || NOT_A_NAME_START.contains(&first) || place {
                continue;
            }
            // A media outlet named before `television` needs to look like
            // a name on its own (`NTV`, not `Saturday`).
            if let Some(name) = clean_name(raw, &known, cue == "media", rules) {
                add(&mut found, name);
            }
        }
    }
    // `firm CEC` and `CEC Systems` in one article: keep the fuller name.
    let fuller = |short: &str| {
        found.iter().any(|long| {
            long.len() > short.len()
                && long.starts_with(short)
                && strip_corporate_word(long) == Some(short)
        })
    };
    let keep: Vec<bool> = found.iter().map(|n| !fuller(n)).collect();
    let mut keep = keep.into_iter();
    found.retain(|_| keep.next().unwrap_or(true));
    found
}

/// `Asahi` for `Asahi Breweries`: the name without its last word when that
/// is a corporate word; `None` otherwise.
pub fn strip_corporate_word(name: &str) -> Option<&str> {
    let (head, last) = name.trim_end().rsplit_once(' ')?;
    CORPORATE_WORDS
        .split('|')
        .any(|w| !w.contains(' ') && w == last)
        .then_some(head.trim_end())
}

/// True if the character before `start` is a letter or digit.
fn glued_before(text: &str, start: usize) -> bool {
    text[..start]
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric)
}

fn add(found: &mut Vec<String>, name: String) {
    if !found.iter().any(|f| f.eq_ignore_ascii_case(&name)) {
        found.push(name);
    }
}

/// The company name in a capitalised run, or `None` if it is not one: leading
/// noise (`The`, `Israel's`) and legal forms dropped, places, known names and
/// non-company words (`Central`, `University`) refused. A single plain word
/// (`Acceptance`) is a name only when `single_needs_capitals` is off (the
/// context said business) or it looks like one (`StreamCast`, `CNPC`).
fn clean_name(
    raw: &str,
    known: &impl Fn(&str) -> bool,
    single_needs_capitals: bool,
    rules: &MatchRules,
) -> Option<String> {
    let mut words: Vec<&str> = raw.split_whitespace().collect();
    // `Gibraltar-based Menatep Group`: the name starts after `-based`.
    if rules.merge_longer_names {
        if let Some(i) = words.iter().rposition(|w| w.ends_with("-based")) {
            words.drain(..=i);
        }
    }
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
    // `PC Pro Magazine` is the magazine `PC Pro`.
    if rules.more_cues
        && words.len() > 1
        && matches!(words.last(), Some(&("Magazine" | "Newspaper")))
    {
        words.pop();
    }
    if words.is_empty() {
        return None;
    }
    let name = words.join(" ").trim_end_matches([',', '.']).to_string();
    // A single word is a name only if it looks like one: `StreamCast`, `CNPC`.
    let single_ok = words.len() > 1 || !single_needs_capitals || {
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
        || NOT_COMPANIES.iter().any(|w| {
            // `World Bank` is not a company, `CIBC World Markets` is.
            contains_words(&name, w)
                && !(rules.more_cues && *w == "World" && !name.starts_with("World"))
        })
        || known(&name)
        || (1..words.len()).any(|n| known(&words[..n].join(" ")))
        || words
            .iter()
            .all(|w| w.chars().all(|ch| !ch.is_lowercase()) && w.len() <= 2)
    {
        return None;
    }
    Some(name)
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
        detect(text, |n| n == "Amazon", &[], &MatchRules::default())
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
    fn names_introduced_by_running_text() {
        let found = |t: &str| run(t);
        assert_eq!(
            found("a stake to Italian bank Mediobanca for"),
            ["Mediobanca"]
        );
        assert_eq!(
            found("said network monitoring company Sandvine."),
            ["Sandvine"]
        );
        assert_eq!(found("an analyst at Petercam."), ["Petercam"]);
        assert_eq!(found("a strategist at Moscow's Sovlink said"), ["Sovlink"]);
        assert_eq!(found("security firm Sophos' top words"), ["Sophos"]);
        assert_eq!(
            found("selling its Luxembourg-based Clearstream unit"),
            ["Clearstream"]
        );
        assert_eq!(found("the Odeon cinema chain"), ["Odeon"]);
        assert_eq!(
            found("construction companies Adhi Karya and Semen Gresik have"),
            ["Adhi Karya", "Semen Gresik"]
        );
        assert_eq!(
            found("economist at Fact and Opinion Economics in"),
            ["Fact and Opinion Economics"]
        );
        assert_eq!(found("Leisure group Rank could"), ["Rank"]);
        assert_eq!(
            found("includes the firms Young & Rubicam and J Walter Thompson."),
            ["Young & Rubicam", "J Walter Thompson"]
        );
        for text in [
            "Environmental group Transport 2000 said",
            "Human Rights group Liberty has argued",
            "the band's group Joy Division",
            "murdered Dutch film-maker Theo Van Gogh",
            "Documentary maker Michael Cockerell",
            "the central bank Governor Mervyn King",
            "a research note called Approve",
            "studios and the London subsidiary Morpheme",
            "the aircraft carrier Ark Royal sailed",
            "the navy's carrier HMS Illustrious",
            "as peace broker Kofi Annan said",
        ] {
            assert!(found(text).is_empty(), "{text}: {:?}", found(text));
        }
    }

    #[test]
    fn more_cues() {
        for (text, name) in [
            ("Speaking on NTV television, he", "NTV"),
            ("told the Daily Record newspaper", "Daily Record"),
            ("a survey by PC Pro Magazine found", "PC Pro"),
            ("its demerged Deluxe Film unit", "Deluxe Film"),
            ("the Odeon chain and the Pinewood studios", "Pinewood"),
            (
                "traded on the Jakarta Stock Exchange",
                "Jakarta Stock Exchange",
            ),
            ("economist at CIBC World Markets", "CIBC World Markets"),
        ] {
            assert!(
                run(text).iter().any(|n| n == name),
                "{text}: {:?}",
                run(text)
            );
            let off = detect(
                text,
                |n| n == "Amazon",
                &[],
                &MatchRules::without("more_cues").unwrap(),
            );
            assert!(
                !off.iter().any(|n| n == name),
                "{text} without more_cues: {off:?}"
            );
        }
        for text in [
            "big items such as LCD television sets",
            "works for Sri Lankan television",
            "a loan from the World Bank",
        ] {
            assert!(run(text).is_empty(), "{text}: {:?}", run(text));
        }
    }

    #[test]
    fn based_is_not_part_of_the_name() {
        let known = |n: &str| n == "Menatep";
        let rules = MatchRules::default();
        assert!(detect("the Gibraltar-based Menatep Group said", known, &[], &rules).is_empty());
        let off = MatchRules::without("merge_longer_names").unwrap();
        assert_eq!(
            detect("the Gibraltar-based Menatep Group said", known, &[], &off),
            ["Gibraltar-based Menatep Group"]
        );
    }

    #[test]
    fn not_glued_to_non_ascii_letters() {
        assert!(run("ČEZ Group said").is_empty());
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
