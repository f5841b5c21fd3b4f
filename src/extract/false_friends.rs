//! False friends: a company's name used for something else. Each check looks
//! only at the words around one mention that the gazetteer matched, and says
//! why the mention is not the company:
//!
//! * a **person**: a personal title before it (`Mr Sears`, `Dr Fox`), a
//!   capitalised given name before it (`Michael Sears`, `Alastair Campbell's`),
//!   a word for a person before it (`millionaire Howard Hughes`), or the
//!   subject of a life story (`the Howard Hughes biopic`, `biopic of ...`);
//! * a name **inside an event, award, venue or market index** (`Heineken Cup`,
//!   `Heineken Open`, `Orange Prize`, `Emirates Stadium`, `MSCI World share index`);
//! * a **party** or its members (`Plaid MP`, `party Plaid`);
//! * a **title of a work** (`the film Sky Captain`, `the album "Shell"`);
//! * a common-word name that **goes on into a longer name** (`Plaid Cymru`,
//!   `Leonardo DiCaprio`): only for names flagged ambiguous, and not when the
//!   next word names a unit or model (`Sky Movies`, `Orange E200`).
//!
//! A person or a party is one for the whole article: once `Mr Sears` is a
//! person, a bare `Sears` later (`Sears said`) is the same person, so
//! [`Refusal::spreads`] tells the matcher to drop the company's other
//! mentions in that article too, unless one of them is plainly the company
//! ([`corporate_context`]: `Ford's auto unit`, `Ford, the US car company`). The given names come from
//! `data/given-names.txt` (generated; see `data/README.md`).

use std::collections::HashMap;
use std::sync::LazyLock;

use super::companies::MatchRules;

/// The given-name list compiled into the binary.
const GIVEN_NAMES_TXT: &str = include_str!("../../data/given-names.txt");

/// Given name, capitalised as text writes it (`Michael`) so that a word is
/// looked up as it stands → whether it is also a frequent English word (`~`
/// in the file: `Mark`, `Hope`), which counts only mid-sentence.
static GIVEN_NAMES: LazyLock<HashMap<String, bool>> = LazyLock::new(|| {
    let capitalised = |name: &str| {
        let mut chars = name.chars();
        chars
            .next()
            .map(|first| first.to_uppercase().chain(chars).collect::<String>())
            .unwrap_or_default()
    };
    GIVEN_NAMES_TXT
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.strip_prefix('~') {
            Some(name) => (capitalised(name), true),
            None => (capitalised(l), false),
        })
        .collect()
});

/// True if `word` (capitalised, as written) is a given name; a name that is
/// also a frequent word counts only when it does not open a sentence.
pub fn is_given_name(word: &str, opens_sentence: bool) -> bool {
    let mut chars = word.chars();
    if !chars.next().is_some_and(char::is_uppercase) || !chars.all(char::is_lowercase) {
        return false;
    }
    match GIVEN_NAMES.get(word) {
        Some(&frequent) => !frequent || !opens_sentence,
        None => false,
    }
}

/// Why a mention is not the company.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A person's name (or the subject of a life story).
    Person,
    /// A party or its members.
    Party,
    /// Part of the name of an event, award, venue or market index.
    Inside,
    /// The title of a work.
    Work,
    /// A common word going on into a longer name.
    LongerName,
}

impl Refusal {
    /// Whether the refusal holds for the name's other mentions in the article.
    pub fn spreads(self) -> bool {
        matches!(self, Refusal::Person | Refusal::Party)
    }
}

/// Personal titles: the next name is a person's.
const TITLES: &[&str] = &[
    "Mr",
    "Mr.",
    "Mrs",
    "Mrs.",
    "Ms",
    "Ms.",
    "Miss",
    "Dr",
    "Dr.",
    "Sir",
    "Dame",
    "Lord",
    "Lady",
    "Prof",
    "Prof.",
    "Professor",
    "Rev",
    "Rev.",
    "Baroness",
    "Baron",
];

/// Lower-case words for a person right before a name (`millionaire Howard
/// Hughes`, `actor Edward Fox`), and verbs of acting a part (`playing`).
const PERSON_WORDS: &[&str] = &[
    "millionaire",
    "billionaire",
    "tycoon",
    "actor",
    "actress",
    "singer",
    "comedian",
    "novelist",
    "aviator",
    "playing",
    "portraying",
    "plays",
    "played",
];

/// Words for a person before a name that is itself shaped like a person's
/// (a given name and a surname: `Hollywood player Howard Hughes`); before
/// other names they are as often business talk (`key player Microsoft`).
const PERSON_WORDS_FOR_PERSON_NAMES: &[&str] = &[
    "player", "pioneer", "star", "legend", "mogul", "late", "magnate",
];

/// Lower-case particles of surnames (`Leonardo diCaprio`, `van Gogh`).
const PARTICLES: &[&str] = &[
    "di", "de", "da", "du", "le", "la", "van", "von", "del", "della",
];

/// Nouns after a possessive that show a business (`Ford's auto unit`).
const BUSINESS_NOUNS: &[&str] = &[
    "shares",
    "share",
    "profits",
    "profit",
    "sales",
    "results",
    "unit",
    "units",
    "division",
    "divisions",
    "chief",
    "boss",
    "board",
    "shareholders",
    "stock",
    "revenue",
    "revenues",
    "earnings",
    "factory",
    "factories",
    "plant",
    "plants",
    "workers",
    "staff",
    "customers",
    "products",
    "brand",
    "brands",
    "stores",
    "subsidiary",
    "takeover",
    "bid",
    "chairman",
    "executives",
    "losses",
    "net",
    "market",
    "deal",
];

/// Nouns in an apposition that show a business (`Ford, the US car company`).
const BUSINESS_APPOSITION: &[&str] = &[
    "company",
    "firm",
    "group",
    "maker",
    "manufacturer",
    "bank",
    "carrier",
    "airline",
    "retailer",
    "giant",
    "broadcaster",
    "network",
    "studio",
    "brewer",
    "insurer",
    "operator",
    "chain",
];

/// True if the mention `text[start..end]` is plainly the company: a
/// possessive followed by a business noun within two words (`Ford's auto
/// unit`), an apposition naming a business (`Ford, the US car company`), or
/// `shares in` / `stake in` before it. Such a mention stops a person
/// refusal elsewhere in the article from spreading to the company.
pub fn corporate_context(text: &str, start: usize, end: usize) -> bool {
    let rest = &text[end..];
    let lower_words = |s: &str, n: usize| -> Vec<String> {
        s.split_whitespace()
            .take(n)
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase()
            })
            .collect()
    };
    if let Some(after) = rest.strip_prefix("'s").or_else(|| rest.strip_prefix("’s")) {
        if lower_words(after, 2)
            .iter()
            .any(|w| BUSINESS_NOUNS.contains(&w.as_str()))
        {
            return true;
        }
    }
    if let Some(after) = rest
        .strip_prefix(", the ")
        .or_else(|| rest.strip_prefix(", a "))
    {
        let line = after.split(['.', ',', '\n']).next().unwrap_or("");
        if lower_words(line, 5)
            .iter()
            .any(|w| BUSINESS_APPOSITION.contains(&w.as_str()))
        {
            return true;
        }
    }
    let head = text[..start].trim_end();
    ["shares in", "shares of", "stake in"]
        .iter()
        .any(|cue| head.ends_with(cue))
}

/// True if `name` is shaped like a person's: a given name and a capitalised
/// surname (`Howard Hughes`).
fn person_shaped(name: &str) -> bool {
    let mut words = name.split(' ');
    match (words.next(), words.next(), words.next()) {
        (Some(first), Some(last), None) => is_given_name(first, false) && capitalised(last),
        _ => false,
    }
}

/// True if the person named by the two words before `at` plays a part
/// (`starring Leonardo DiCaprio as Howard Hughes`): `as` after a given name
/// and a surname.
fn plays_a_part(text: &str, at: usize) -> bool {
    let Some((surname, s)) = word_before(text, at, false) else {
        return false;
    };
    capitalised(surname)
        && word_before(text, s, false).is_some_and(|(given, _)| is_given_name(given, false))
}

/// True if a company whose name is a possessive (`Campbell's`) is here a
/// person's possessive: the text names that person elsewhere with a given
/// name or title (`Darren Campbell`, `Mr Campbell`).
fn possessive_of_person(text: &str, name: &str) -> bool {
    let Some(stem) = name.strip_suffix("'s").or_else(|| name.strip_suffix("’s")) else {
        return false;
    };
    text.match_indices(stem).any(|(at, _)| {
        let end = at + stem.len();
        let bounded = !text[end..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric());
        bounded
            && word_before(text, at, false)
                .is_some_and(|(w, _)| TITLES.contains(&w) || is_given_name(w, false))
    })
}

/// Words after a name that make it the subject of a life story.
const LIFE_STORY_AFTER: &[&str] = &["biopic", "biography"];

/// Lower-case words before `of` that make the next name the subject of a life
/// story (`biopic of Howard Hughes`, `portrayal of`).
const LIFE_STORY_OF: &[&str] = &["biopic", "biography", "portrayal"];

/// Lower-case words for a work right before its title.
const WORK_WORDS: &[&str] = &[
    "film", "movie", "album", "song", "single", "novel", "book", "game", "musical", "sitcom",
];

/// Words that end the name of an event, award or venue (`Heineken Cup`,
/// `Orange Prize`, `Emirates Stadium`), after the company name and up to two
/// more capitalised words (`MTV Europe Music Awards`).
const EVENT_WORDS: &[&str] = &[
    "Cup",
    "Open",
    "Prize",
    "Prizes",
    "Award",
    "Awards",
    "Championship",
    "Championships",
    "Trophy",
    "Classic",
    "Masters",
    "Tournament",
    "Festival",
    "Marathon",
    "Stakes",
    "Invitational",
    "Premiership",
    "League",
    "Stadium",
    "Arena",
];

/// Words after a name (and its possessive, and up to one lower-case word)
/// that make it a party: `Plaid MP`, `Plaid Cymru's manifesto`.
const PARTY_WORDS: &[&str] = &[
    "MP",
    "MPs",
    "MEP",
    "MEPs",
    "AM",
    "AMs",
    "MSP",
    "MSPs",
    "councillor",
    "councillors",
    "manifesto",
    "voters",
];

/// Capitalised words after a company's name that name one of its units,
/// channels or product lines (`Sky Movies`, `Sky One`, `Apple Computer`), not
/// a longer name of something else; so do model numbers (`Orange E200`).
const UNIT_WORDS: &[&str] = &[
    "One",
    "Two",
    "Three",
    "Movies",
    "Sports",
    "News",
    "Digital",
    "Plus",
    "Mobile",
    "Online",
    "Music",
    "Records",
    "Pictures",
    "Channel",
    "Radio",
    "TV",
    "Television",
    "Store",
    "Stores",
    "Computer",
    "Computers",
    "Broadband",
    "Interactive",
    "Cinema",
    "Bank",
    "Direct",
    "Express",
    "Phone",
    "Phones",
    "Smartphones",
];

/// The word right before byte `at`, on the same line and separated from it by
/// spaces only; with an opening quote between them when `through_quote`.
fn word_before(text: &str, at: usize, through_quote: bool) -> Option<(&str, usize)> {
    let mut head = &text[..at];
    if through_quote {
        head = head.trim_end_matches(['"', '\'', '“', '‘']);
    }
    let trimmed = head.trim_end_matches([' ', '\t']);
    if trimmed.len() == head.len() {
        return None;
    }
    let start = trimmed
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphanumeric() || matches!(c, '.' | '\'' | '’' | '-')))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &trimmed[start..];
    (!word.is_empty()).then_some((word, start))
}

/// The most words [`words_after`] reads.
const MAX_WORDS: usize = 4;

/// A few words, without allocating: what [`words_after`] returns.
#[derive(Default)]
struct Words<'a> {
    items: [&'a str; MAX_WORDS],
    len: usize,
}

impl<'a> std::ops::Deref for Words<'a> {
    type Target = [&'a str];
    fn deref(&self) -> &[&'a str] {
        &self.items[..self.len]
    }
}

/// Up to `n` words after byte `at` on the same line, each separated by
/// spaces only; stops at punctuation other than a possessive `'s`, which is
/// dropped (`Cymru's` → `Cymru`).
fn words_after(text: &str, at: usize, n: usize) -> Words<'_> {
    let mut words = Words::default();
    let mut rest = &text[at..];
    // A possessive on the name itself (`Plaid's MP`).
    for s in ["'s", "’s"] {
        if let Some(r) = rest.strip_prefix(s) {
            rest = r;
        }
    }
    while words.len < n.min(MAX_WORDS) {
        let trimmed = rest.trim_start_matches([' ', '\t']);
        if trimmed.len() == rest.len() {
            break;
        }
        let end = trimmed
            .char_indices()
            .find(|&(_, c)| !(c.is_alphanumeric() || c == '-'))
            .map_or(trimmed.len(), |(i, _)| i);
        if end == 0 {
            break;
        }
        words.items[words.len] = &trimmed[..end];
        words.len += 1;
        rest = &trimmed[end..];
        let mut possessive = false;
        for s in ["'s", "’s"] {
            if let Some(r) = rest.strip_prefix(s) {
                rest = r;
                possessive = true;
            }
        }
        if !possessive && !rest.starts_with([' ', '\t']) {
            break;
        }
    }
    words
}

fn capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
}

/// A word that looks like (part of) a proper name: capitalised, or with a
/// surname particle (`diCaprio`); `iPod`, a product after its maker, is not.
fn name_like(word: &str) -> bool {
    capitalised(word)
        || PARTICLES
            .iter()
            .any(|p| word.strip_prefix(p).is_some_and(capitalised))
}

/// Why the mention `text[start..end]` of a name (`ambiguous`: a common word)
/// is not the company, by the rules switched on; `None` if nothing says so.
/// `opens_sentence` tells whether the mention opens a sentence or line.
pub fn refusal(
    text: &str,
    start: usize,
    end: usize,
    ambiguous: bool,
    opens_sentence: impl Fn(usize) -> bool,
    rules: &MatchRules,
) -> Option<Refusal> {
    let before = word_before(text, start, false);
    if rules.person_names {
        if let Some((word, at)) = before {
            if TITLES.contains(&word)
                || is_given_name(word, opens_sentence(at))
                || PERSON_WORDS.contains(&word)
                || (word == "as" && plays_a_part(text, at))
                || (PERSON_WORDS_FOR_PERSON_NAMES.contains(&word)
                    && person_shaped(&text[start..end]))
            {
                return Some(Refusal::Person);
            }
        }
        if possessive_of_person(text, &text[start..end]) {
            return Some(Refusal::Person);
        }
    }
    let after = words_after(text, end, 4);
    if rules.work_titles {
        // `the Howard Hughes biopic`, `a biopic of Howard Hughes`: a life
        // story's subject is a person.
        if after.first().is_some_and(|w| LIFE_STORY_AFTER.contains(w)) {
            return Some(Refusal::Person);
        }
        if let Some(("of", at)) = before {
            if word_before(text, at, false).is_some_and(|(w, _)| LIFE_STORY_OF.contains(&w)) {
                return Some(Refusal::Person);
            }
        }
        if word_before(text, start, true).is_some_and(|(w, _)| WORK_WORDS.contains(&w)) {
            return Some(Refusal::Work);
        }
    }
    if rules.event_names && inside_other_name(&after) {
        return Some(Refusal::Inside);
    }
    if rules.party_names {
        let role = after
            .iter()
            .skip_while(|w| capitalised(w) && !PARTY_WORDS.contains(w))
            .take(2)
            .enumerate()
            .any(|(i, w)| PARTY_WORDS.contains(w) && (i == 0 || !capitalised(w)));
        let party_before = before.is_some_and(|(w, _)| w == "party" || w == "nationalist");
        if role || party_before {
            return Some(Refusal::Party);
        }
    }
    if rules.name_continues && ambiguous {
        // `Plaid Cymru`, `Leonardo DiCaprio`: the capitalised word right after
        // a common-word name makes it part of a longer name. Corporate words
        // (`Shell Oil`) do not.
        let next_glued = text[end..].starts_with(' ')
            && after.first().is_some_and(|w| {
                name_like(w)
                    && !super::orgs::is_corporate_word(w)
                    && !UNIT_WORDS.contains(w)
                    && !w.contains(|c: char| c.is_ascii_digit())
            });
        if next_glued {
            return Some(Refusal::LongerName);
        }
    }
    None
}

/// True if the words after a name end an event, award, venue or index name:
/// up to two more capitalised words, then an event word (`Cup`, `Music
/// Awards`) or `index` (`World share index`).
fn inside_other_name(after: &[&str]) -> bool {
    let mut words = after.iter();
    for _ in 0..3 {
        let Some(&w) = words.next() else {
            return false;
        };
        if EVENT_WORDS.contains(&w) || w == "index" || w == "Index" {
            return true;
        }
        if !(capitalised(w) || w.chars().all(|c| c.is_ascii_digit()) || w == "share") {
            return false;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn why(text: &str, name: &str, ambiguous: bool) -> Option<Refusal> {
        let start = text.find(name).unwrap();
        refusal(
            text,
            start,
            start + name.len(),
            ambiguous,
            |at| at == 0 || text[..at].trim_end().ends_with('.'),
            &MatchRules::default(),
        )
    }

    #[test]
    fn given_names() {
        assert!(is_given_name("Michael", false));
        assert!(is_given_name("Leonardo", true));
        assert!(!is_given_name("michael", false));
        assert!(!is_given_name("Microsoft", false));
        // Frequent words count only mid-sentence; words first never.
        assert!(is_given_name("Mark", false) && !is_given_name("Mark", true));
        assert!(!is_given_name("Will", false));
    }

    #[test]
    fn people() {
        assert_eq!(
            why("Boeing sacked Mr Sears", "Sears", false),
            Some(Refusal::Person)
        );
        assert_eq!(why("said Dr Fox today", "Fox", true), Some(Refusal::Person));
        assert_eq!(
            why("Boeing's Michael Sears admitted his guilt", "Sears", false),
            Some(Refusal::Person)
        );
        // `Michael` is frequent in text, so at a sentence start (where `Early`,
        // `Court` or `Guy` would stand too) it does not count alone: the
        // article's `Mr Sears` does, for every mention.
        assert_eq!(
            why("Michael Sears admitted his guilt", "Sears", false),
            None
        );
        assert_eq!(
            why(
                "the return of Alastair Campbell's team",
                "Campbell's",
                false
            ),
            Some(Refusal::Person)
        );
        assert_eq!(
            why("plays millionaire Howard Hughes", "Howard Hughes", false),
            Some(Refusal::Person)
        );
        assert_eq!(
            why(
                "Darren Campbell ran. Campbell's relay triumph",
                "Campbell's",
                false
            ),
            Some(Refusal::Person)
        );
        assert_eq!(why("Campbell's soup sales rose", "Campbell's", false), None);
        assert_eq!(why("Shares in Sears rose", "Sears", false), None);
        assert_eq!(why("Sears said it would", "Sears", false), None);
    }

    #[test]
    fn life_stories_and_works() {
        assert_eq!(
            why(
                "Scorsese's Howard Hughes biopic The Aviator",
                "Howard Hughes",
                false
            ),
            Some(Refusal::Person)
        );
        assert_eq!(
            why("The biopic of Howard Hughes led", "Howard Hughes", false),
            Some(Refusal::Person)
        );
        assert_eq!(
            why("in the film \"Shell\" by", "Shell", true),
            Some(Refusal::Work)
        );
        assert_eq!(why("a film by Disney", "Disney", false), None);
    }

    #[test]
    fn events_venues_indices() {
        for (text, name) in [
            ("Saturday's Heineken Cup match", "Heineken"),
            ("went out of the Heineken Open in Auckland", "Heineken"),
            ("won the Orange Prize for fiction", "Orange"),
            ("the MTV Europe Music Awards", "MTV"),
            ("into its new Emirates Stadium at", "Emirates"),
            ("The MSCI World share index rose", "MSCI"),
        ] {
            assert_eq!(why(text, name, false), Some(Refusal::Inside), "{text}");
        }
        assert_eq!(why("Heineken said it now plans", "Heineken", false), None);
        assert_eq!(why("Heineken and Carlsberg", "Heineken", false), None);
    }

    #[test]
    fn parties_and_longer_names() {
        assert_eq!(
            why("Plaid MP's cottage", "Plaid", true),
            Some(Refusal::Party)
        );
        assert_eq!(
            why("Plaid Cymru's economics spokesman", "Plaid", true),
            Some(Refusal::LongerName)
        );
        assert_eq!(
            why("stars Leonardo DiCaprio and", "Leonardo", true),
            Some(Refusal::LongerName)
        );
        assert_eq!(why("the Apple iPod sold", "Apple", true), None);
        assert_eq!(why("bought from Shell Oil", "Shell", true), None);
        assert_eq!(why("bought from Shell yesterday", "Shell", true), None);
        assert_eq!(why("shown on Sky One tonight", "Sky", true), None);
        assert_eq!(why("and the Orange E200 phone", "Orange", true), None);
        assert_eq!(
            why("the Microsoft Windows team", "Microsoft", false),
            None,
            "only common-word names need the longer-name rule"
        );
        assert!(Refusal::Person.spreads() && Refusal::Party.spreads());
        // `MTV Europe Music Awards` and `MTV also organised` in one article.
        assert!(!Refusal::Inside.spreads() && !Refusal::Work.spreads());
    }
}
