//! Company names: a gazetteer compiled into the binary, matched with Aho-Corasick.
//!
//! The data lives in `data/companies.tsv` (see `data/README.md`): one company a
//! line, `canonical name <TAB> flags <TAB> alias|alias|...`. Deepening company
//! extraction is a change to that file, not to this code.
//!
//! Matching rules:
//! * whole words only: the characters around a match may not be letters or digits;
//! * case: a name matches as written in the gazetteer, or in capitals
//!   (`AMAZON` in a shouted headline), so `apple pie` is not Apple;
//! * names flagged `ambiguous` (common words such as Apple, Target, Shell, Meta)
//!   match only as written, never in capitals, and not at the start of a sentence
//!   or line unless possessive (`Apple's`): `Next year` is not the retailer Next;
//! * the longest name wins: `Amazon Web Services` is one mention of Amazon.

use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder};

use super::false_friends::{self, Refusal};
pub use super::match_rules::MatchRules;
use super::name_match::{
    after_capitalised_word, is_domain, is_possessive, next_char_boundary, on_word_boundaries,
    starts_sentence, title_case_acronym, Matcher, Pattern,
};

/// The gazetteer file compiled into the binary.
pub const BUILTIN_TSV: &str = include_str!("../../data/companies.tsv");

/// One company of the gazetteer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Company {
    /// The name shown in results and facets.
    pub name: String,
    /// Whether the canonical name is also a common word and needs context.
    pub ambiguous: bool,
    /// Other names that mean this company (without the `~` marker).
    pub aliases: Vec<String>,
    /// Which aliases are common words (`~` in the file).
    pub ambiguous_aliases: Vec<bool>,
}

/// A user's changes to the gazetteer, read from `companies.toml`:
///
/// ```toml
/// block = ["Fox", "Heineken"]          # names (or aliases) never to tag
///
/// [[company]]
/// name = "Acme Robotics"               # a new company...
/// aliases = ["Acme", "ACME Corp"]
///
/// [[company]]
/// name = "Amazon"                      # ...or more names for a known one
/// aliases = ["Amazon Logistics"]
/// ```
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserCompanies {
    /// Names or aliases to remove.
    #[serde(default)]
    pub block: Vec<String>,
    /// Companies to add, or aliases to add to known companies.
    #[serde(default, rename = "company")]
    pub companies: Vec<UserCompany>,
}

/// One `[[company]]` of a user's company file.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserCompany {
    /// Canonical name (or any known name, to add aliases to that company).
    pub name: String,
    /// Other names.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The names are common words: count them only in context.
    #[serde(default)]
    pub ambiguous: bool,
}

impl UserCompanies {
    /// Parses a company file's text.
    pub fn parse(text: &str) -> Result<UserCompanies, String> {
        toml::from_str(text).map_err(|e| e.to_string().lines().next().unwrap_or("").to_string())
    }
}

/// The set of known companies, with lookup by any name and a text matcher.
#[derive(Debug)]
pub struct Gazetteer {
    companies: Vec<Company>,
    /// Lower-cased name or alias → company index.
    by_name: HashMap<String, usize>,
    /// Built on first use: looking names up does not need it.
    matcher: OnceLock<Matcher>,
    /// Built on first use: lower-cased names without their trailing corporate
    /// words (`sapporo` for `Sapporo Breweries`) → the company, `None` when
    /// two companies share the short form.
    short_forms: OnceLock<HashMap<String, Option<usize>>>,
    /// Lower-cased names a user's company file blocks (also for detected companies).
    blocked: Vec<String>,
    /// How names are matched in text.
    rules: MatchRules,
}

impl Clone for Gazetteer {
    fn clone(&self) -> Self {
        Gazetteer {
            companies: self.companies.clone(),
            by_name: self.by_name.clone(),
            matcher: OnceLock::new(),
            short_forms: OnceLock::new(),
            blocked: self.blocked.clone(),
            rules: self.rules,
        }
    }
}

/// Two companies claiming one name, found while indexing names.
struct NameClash {
    key: String,
    first_name: String,
    second_name: String,
    /// Index of the second company.
    second: usize,
}

/// One company line of the TSV format: name, flags, and aliases with their
/// `~` (ambiguous) marker, all trimmed.
struct TsvLine<'a> {
    name: &'a str,
    flags: &'a str,
    aliases: Vec<(&'a str, bool)>,
}

/// Splits a line of the TSV format; `None` for blank lines and comments.
fn tsv_line(line: &str) -> Option<TsvLine<'_>> {
    if line.trim().is_empty() || line.starts_with('#') {
        return None;
    }
    let mut cols = line.split('\t');
    let name = cols.next().unwrap_or("").trim();
    let flags = cols.next().unwrap_or("").trim();
    let aliases = cols
        .next()
        .unwrap_or("")
        .split('|')
        .map(str::trim)
        .filter(|a| !a.is_empty())
        .map(|a| match a.strip_prefix('~') {
            Some(word) => (word.trim(), true),
            None => (a, false),
        })
        .collect();
    Some(TsvLine {
        name,
        flags,
        aliases,
    })
}

static BUILTIN: LazyLock<Gazetteer> = LazyLock::new(|| {
    Gazetteer::parse(BUILTIN_TSV).expect("the built-in gazetteer is checked by tests")
});

impl Gazetteer {
    /// The gazetteer compiled into the binary.
    pub fn builtin() -> &'static Gazetteer {
        &BUILTIN
    }

    /// The canonical name of the built-in company named `name` (any alias, any
    /// case), found by scanning the compiled-in list without parsing it into a
    /// [`Gazetteer`]: a query's `--company` costs microseconds, not the
    /// milliseconds of building every lookup table. Same answer as
    /// `Gazetteer::builtin().canonical(name)` (a test checks every 20th company's names).
    pub fn builtin_canonical(name: &str) -> Option<&'static str> {
        let key = crate::text::squash_whitespace(name).to_lowercase();
        if key.is_empty() {
            return None;
        }
        // The company of a line of the list, if the line names it `key`.
        let line_of = |line: &'static str| -> Option<&'static str> {
            let same = |candidate: &str| candidate.to_lowercase() == key;
            let entry = tsv_line(line)?;
            (same(entry.name) || entry.aliases.iter().any(|(a, _)| same(a))).then_some(entry.name)
        };
        if !key.is_ascii() {
            return BUILTIN_TSV.lines().find_map(line_of);
        }
        // An ASCII name: find it case-insensitively in the text at once, then
        // check the lines it occurs on.
        let finder = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build([key.as_str()])
            .ok()?;
        let mut last_line = usize::MAX;
        finder.find_iter(BUILTIN_TSV).find_map(|m| {
            let start = BUILTIN_TSV[..m.start()].rfind('\n').map_or(0, |i| i + 1);
            if start == last_line {
                return None;
            }
            last_line = start;
            let end = BUILTIN_TSV[start..]
                .find('\n')
                .map_or(BUILTIN_TSV.len(), |i| start + i);
            line_of(&BUILTIN_TSV[start..end])
        })
    }

    /// Parses the TSV format described in the module docs.
    ///
    /// Fails with a message naming the line on malformed input or when two
    /// companies claim the same name.
    pub fn parse(tsv: &str) -> Result<Gazetteer, String> {
        let mut companies: Vec<Company> = Vec::new();
        let mut line_numbers = Vec::new();
        for (i, line) in tsv.lines().enumerate() {
            let line_no = i + 1;
            let Some(entry) = tsv_line(line) else {
                continue;
            };
            if entry.name.is_empty() {
                return Err(format!("line {line_no}: empty company name"));
            }
            let ambiguous = match entry.flags {
                "" => false,
                "ambiguous" => true,
                other => return Err(format!("line {line_no}: unknown flag `{other}`")),
            };
            let (aliases, ambiguous_aliases) = entry
                .aliases
                .iter()
                .map(|&(alias, ambiguous)| (alias.to_string(), ambiguous))
                .unzip();
            companies.push(Company {
                name: entry.name.to_string(),
                ambiguous,
                aliases,
                ambiguous_aliases,
            });
            line_numbers.push(line_no);
        }
        Gazetteer::from_companies(companies).map_err(|clash| {
            format!(
                "line {}: `{}` already names {}",
                line_numbers[clash.second], clash.key, clash.first_name
            )
        })
    }

    /// The built-in gazetteer changed by a user's company file: blocked names
    /// removed, companies added, aliases added to known companies.
    pub fn with_user(base: &Gazetteer, user: &UserCompanies) -> Result<Gazetteer, String> {
        let blocked: Vec<String> = user.block.iter().map(|b| b.trim().to_lowercase()).collect();
        let mut companies: Vec<Company> = base
            .companies
            .iter()
            .filter(|c| !blocked.contains(&c.name.to_lowercase()))
            .cloned()
            .map(|mut c| {
                let keep: Vec<bool> = c
                    .aliases
                    .iter()
                    .map(|a| !blocked.contains(&a.to_lowercase()))
                    .collect();
                let mut k = keep.iter();
                c.aliases.retain(|_| *k.next().unwrap_or(&true));
                let mut k = keep.iter();
                c.ambiguous_aliases.retain(|_| *k.next().unwrap_or(&true));
                c
            })
            .collect();
        for added in &user.companies {
            let name = added.name.trim();
            if name.is_empty() {
                return Err("a [[company]] has an empty name".into());
            }
            let key = name.to_lowercase();
            let known = companies.iter().position(|c| {
                c.name.to_lowercase() == key || c.aliases.iter().any(|a| a.to_lowercase() == key)
            });
            let target = match known {
                Some(i) => i,
                None => {
                    companies.push(Company {
                        name: name.to_string(),
                        ambiguous: added.ambiguous,
                        aliases: Vec::new(),
                        ambiguous_aliases: Vec::new(),
                    });
                    companies.len() - 1
                }
            };
            for alias in added
                .aliases
                .iter()
                .map(|a| a.trim())
                .filter(|a| !a.is_empty())
            {
                let company = &mut companies[target];
                let alias_key = alias.to_lowercase();
                if company.name.to_lowercase() != alias_key
                    && !company
                        .aliases
                        .iter()
                        .any(|a| a.to_lowercase() == alias_key)
                {
                    company.aliases.push(alias.to_string());
                    company.ambiguous_aliases.push(added.ambiguous);
                }
            }
        }
        let mut gazetteer = Gazetteer::from_companies(companies).map_err(|clash| {
            format!(
                "`{}` names both {} and {}",
                clash.key, clash.first_name, clash.second_name
            )
        })?;
        gazetteer.blocked = blocked;
        Ok(gazetteer)
    }

    /// True if a user's company file blocks this name.
    pub fn is_blocked(&self, name: &str) -> bool {
        let key = name.to_lowercase();
        self.blocked.contains(&key)
    }

    /// A gazetteer of `companies`, looked up by every name and alias; fails
    /// when two companies claim one name.
    fn from_companies(companies: Vec<Company>) -> Result<Gazetteer, NameClash> {
        let mut by_name = HashMap::new();
        for (index, c) in companies.iter().enumerate() {
            for key in std::iter::once(&c.name).chain(&c.aliases) {
                if let Some(prev) = by_name.insert(key.to_lowercase(), index) {
                    if prev != index {
                        return Err(NameClash {
                            key: key.clone(),
                            first_name: companies[prev].name.clone(),
                            second_name: c.name.clone(),
                            second: index,
                        });
                    }
                }
            }
        }
        Ok(Gazetteer {
            companies,
            by_name,
            matcher: OnceLock::new(),
            short_forms: OnceLock::new(),
            rules: MatchRules::default(),
            blocked: Vec::new(),
        })
    }

    /// All companies, in file order.
    pub fn companies(&self) -> &[Company] {
        &self.companies
    }

    /// The canonical name for any name or alias, ignoring case: `aws` → `Amazon`.
    pub fn canonical(&self, name: &str) -> Option<&str> {
        let key = crate::text::squash_whitespace(name).to_lowercase();
        self.by_name
            .get(&key)
            .map(|&i| self.companies[i].name.as_str())
    }

    /// The company whose name, without its trailing corporate words, is
    /// `name` (`Sapporo` → `Sapporo Breweries`), if only one company has that
    /// short form and it is not a common word (ambiguous names are left out).
    pub fn by_short_form(&self, name: &str) -> Option<&str> {
        let forms = self.short_forms.get_or_init(|| {
            let mut forms: HashMap<String, Option<usize>> = HashMap::new();
            for (index, company) in self.companies.iter().enumerate() {
                if company.ambiguous {
                    continue;
                }
                for full in std::iter::once(&company.name).chain(&company.aliases) {
                    // One corporate word only: `Universal Insurance Holdings`
                    // is not `Universal`, and `Southern Company` not `Southern`.
                    let Some(short) = super::orgs::strip_corporate_word(full) else {
                        continue;
                    };
                    if full.ends_with(" Company") || full.ends_with(" Corporation") {
                        continue;
                    }
                    let entry = forms.entry(short.to_lowercase()).or_insert(Some(index));
                    if *entry != Some(index) {
                        *entry = None;
                    }
                }
            }
            forms
        });
        let key = crate::text::squash_whitespace(name).to_lowercase();
        if self.by_name.contains_key(&key) {
            return None;
        }
        forms
            .get(&key)
            .copied()
            .flatten()
            .map(|i| self.companies[i].name.as_str())
    }

    /// The gazetteer company that a detected name stands for, when it is one
    /// of them under a longer or shorter name: the name without its trailing
    /// corporate words (`Menatep Group` → `Menatep`), the first words of a
    /// company `found` in the same text (`Baikal` beside `Baikal Finance
    /// Group`), or a company's unique short form ([`Gazetteer::by_short_form`]).
    pub fn owner_of_detected(&self, name: &str, found: &[String]) -> Option<&str> {
        let mut short = name.trim();
        while let Some(head) = super::orgs::strip_corporate_word(short) {
            short = head;
            if let Some(owner) = self.canonical(short) {
                return Some(owner);
            }
        }
        let prefix = format!("{} ", name.trim().to_lowercase());
        let owner = found.iter().find_map(|f| {
            let &index = self.by_name.get(&f.to_lowercase())?;
            let company = &self.companies[index];
            std::iter::once(&company.name)
                .chain(&company.aliases)
                .any(|n| n.to_lowercase().starts_with(&prefix))
                .then_some(company.name.as_str())
        });
        owner.or_else(|| self.by_short_form(name))
    }

    /// The known canonical name closest in spelling to `name`, if any is close.
    pub fn closest(&self, name: &str) -> Option<&str> {
        let name = name.to_lowercase();
        self.by_name
            .iter()
            .map(|(key, &i)| (strsim::jaro_winkler(&name, key), i))
            .filter(|(score, _)| *score >= 0.88)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
            .map(|(_, i)| self.companies[i].name.as_str())
    }

    /// This gazetteer matching by other rules.
    pub fn with_rules(&self, rules: MatchRules) -> Gazetteer {
        Gazetteer {
            rules,
            ..self.clone()
        }
    }

    /// The rules names are matched by.
    pub fn rules(&self) -> MatchRules {
        self.rules
    }

    fn matcher(&self) -> &Matcher {
        self.matcher.get_or_init(|| {
            let mut patterns = Vec::new();
            for (index, company) in self.companies.iter().enumerate() {
                let names = std::iter::once((&company.name, company.ambiguous)).chain(
                    company
                        .aliases
                        .iter()
                        .zip(company.ambiguous_aliases.iter().copied()),
                );
                for (name, ambiguous) in names {
                    patterns.push(Pattern {
                        company: index,
                        text: name.clone(),
                        ambiguous,
                        title_cased: false,
                    });
                    if self.rules.title_case_acronyms && !ambiguous {
                        if let Some(title) = title_case_acronym(name) {
                            let owner = self.by_name.get(&title.to_lowercase());
                            if owner.is_none_or(|&i| i == index) {
                                patterns.push(Pattern {
                                    company: index,
                                    text: title,
                                    ambiguous,
                                    title_cased: true,
                                });
                            }
                        }
                    }
                    // Shouted headlines (`AMAZON CUTS JOBS`) name companies too,
                    // but not common words (`APPLE PIE`).
                    let shouted = name.to_uppercase();
                    let letters = name.chars().filter(|c| c.is_alphabetic()).count();
                    if self.rules.shouted_names && !ambiguous && shouted != *name && letters >= 2 {
                        patterns.push(Pattern {
                            company: index,
                            text: shouted,
                            ambiguous,
                            title_cased: false,
                        });
                    }
                }
            }
            // Case-sensitive: names match as written or in capitals, so the
            // automaton does not stop at every `ey` or `bt` inside a word.
            Matcher::new(patterns)
        })
    }

    /// The canonical names of the companies `text` mentions, sorted and unique.
    pub fn find(&self, text: &str) -> Vec<String> {
        self.find_with_spans(text).0
    }

    /// Like [`Gazetteer::find`], with the byte ranges of the accepted mentions.
    pub fn find_with_spans(&self, text: &str) -> (Vec<String>, Vec<std::ops::Range<usize>>) {
        let matcher = self.matcher();
        // Names starting with a capital, digit or non-ASCII letter: tried only
        // where a word starts with one (a small part of the text).
        let mut accepted: Vec<(usize, usize, usize)> = Vec::new();
        // Companies whose name is a person or a party somewhere in the text.
        let mut spread: Vec<usize> = Vec::new();
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            let b = bytes[at];
            let may_start = (b.is_ascii_uppercase() || b.is_ascii_digit() || b >= 0xC0)
                && !text[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '@');
            if may_start {
                let input = aho_corasick::Input::new(text)
                    .span(at..text.len())
                    .anchored(aho_corasick::Anchored::Yes);
                if let Some((end, company)) = self.accept(
                    &matcher.capitalised,
                    &matcher.capitalised_patterns,
                    text,
                    input,
                    &mut spread,
                ) {
                    accepted.push((at, end, company));
                    at = end;
                    continue;
                }
            }
            at += 1;
        }
        // The few names starting with a lower-case letter (`eBay`, `iTunes`):
        // a small automaton over the whole text.
        if let Some(lower) = &matcher.lower {
            let mut extra = Vec::new();
            let mut at = 0;
            while at < text.len() {
                let input = aho_corasick::Input::new(text).span(at..text.len());
                let Some(first) = lower.find(input) else {
                    break;
                };
                let anchored = aho_corasick::Input::new(text)
                    .span(first.start()..text.len())
                    .anchored(aho_corasick::Anchored::Yes);
                match self.accept(lower, &matcher.lower_patterns, text, anchored, &mut spread) {
                    Some((end, company)) => {
                        extra.push((first.start(), end, company));
                        at = end;
                    }
                    None => at = next_char_boundary(text, first.start()),
                }
            }
            if !extra.is_empty() {
                // Leftmost first, then longest; a mention inside an earlier one is dropped.
                accepted.extend(extra);
                accepted.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
                let mut end = 0;
                accepted.retain(|&(s, e, _)| {
                    let keep = s >= end;
                    if keep {
                        end = e;
                    }
                    keep
                });
            }
        }
        if !spread.is_empty() {
            // A company plainly named as one somewhere keeps all its mentions.
            spread.retain(|&company| {
                !accepted
                    .iter()
                    .any(|&(s, e, c)| c == company && false_friends::corporate_context(text, s, e))
            });
            accepted.retain(|(_, _, company)| !spread.contains(company));
        }
        let mut found = vec![false; self.companies.len()];
        let mut spans = Vec::with_capacity(accepted.len());
        for (start, end, company) in accepted {
            found[company] = true;
            spans.push(start..end);
        }
        let mut names: Vec<String> = found
            .iter()
            .enumerate()
            .filter(|(_, &f)| f)
            .map(|(i, _)| self.companies[i].name.clone())
            .collect();
        names.sort_by_key(|n| n.to_lowercase());
        (names, spans)
    }

    /// The longest name of `automaton` at the (anchored) start of `input` that
    /// is a mention, trying shorter ones at the same place after a refusal
    /// (`Amazon web services` in lower case still mentions Amazon): its end
    /// and company. A company whose name is refused as a person or party is
    /// added to `spread`.
    fn accept(
        &self,
        automaton: &AhoCorasick,
        patterns: &[Pattern],
        text: &str,
        input: aho_corasick::Input<'_>,
        spread: &mut Vec<usize>,
    ) -> Option<(usize, usize)> {
        let start = input.start();
        let mut candidate = automaton.find(input);
        while let Some(m) = candidate {
            let pattern = &patterns[m.pattern().as_usize()];
            match self.judge(text, m.start(), m.end(), pattern) {
                Ok(()) => return Some((m.end(), pattern.company)),
                Err(Some(refusal)) if refusal.spreads() => {
                    if !spread.contains(&pattern.company) {
                        spread.push(pattern.company);
                    }
                    // A person's name is not a shorter company either.
                    return None;
                }
                Err(_) => {}
            }
            if m.end() <= start + 1 {
                return None;
            }
            let shorter = aho_corasick::Input::new(text)
                .span(start..m.end() - 1)
                .anchored(aho_corasick::Anchored::Yes);
            candidate = automaton.find(shorter);
        }
        None
    }
}

impl Gazetteer {
    /// Whether `text[start..end]`, found by the (case-sensitive) automaton for
    /// `pattern`, is really a mention: whole words, no false friend (a person,
    /// an event...: the refusal says which), and for common words, context.
    fn judge(
        &self,
        text: &str,
        start: usize,
        end: usize,
        pattern: &Pattern,
    ) -> Result<(), Option<Refusal>> {
        let r = &self.rules;
        if !on_word_boundaries(text, start, end)
            || (r.not_in_web_addresses && is_domain(text, end, &pattern.text))
        {
            return Err(None);
        }
        if pattern.title_cased
            && (starts_sentence(text, start) || after_capitalised_word(text, start))
        {
            return Err(None);
        }
        let ambiguous = pattern.ambiguous && r.ambiguous_need_context;
        if let Some(refusal) = false_friends::refusal(
            text,
            start,
            end,
            ambiguous,
            |at| starts_sentence(text, at),
            r,
        ) {
            return Err(Some(refusal));
        }
        if !ambiguous {
            return Ok(());
        }
        // A capitalised common word at the start of a sentence or line
        // (`Next year`, `Three people`) says nothing; elsewhere, or as a
        // possessive (`Apple's`), the capital marks a name. After another
        // capitalised word it is part of a longer name (`Liam Fox`, `Big Apple`).
        let sentence_start_ok = !r.not_at_sentence_start
            || !starts_sentence(text, start)
            || (r.possessive_counts && is_possessive(text, end));
        if sentence_start_ok
            && !(r.not_after_capitalised_word && after_capitalised_word(text, start))
        {
            Ok(())
        } else {
            Err(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# test\nAmazon\t\tAWS|Amazon Web Services|Prime Video\nApple\tambiguous\tApple Inc\nMeta\tambiguous\tFacebook|Meta Platforms\nIntel\t\t\nDelta Air Lines\t\t~Delta\nBloomberg\t\t\n";

    #[test]
    fn builtin_canonical_agrees_with_the_parsed_gazetteer() {
        let g = Gazetteer::builtin();
        // Every 20th company (a full check is quadratic: slow in debug builds).
        for c in g.companies().iter().step_by(20) {
            for name in std::iter::once(&c.name).chain(&c.aliases) {
                assert_eq!(
                    Gazetteer::builtin_canonical(name),
                    g.canonical(name),
                    "{name}"
                );
                let upper = name.to_uppercase();
                assert_eq!(Gazetteer::builtin_canonical(&upper), g.canonical(&upper));
            }
        }
        for name in [
            "aws",
            "  Amazon   web services ",
            "no such firm",
            "",
            "İstanbul",
        ] {
            assert_eq!(
                Gazetteer::builtin_canonical(name),
                g.canonical(name),
                "{name}"
            );
        }
    }

    #[test]
    fn builtin_parses() {
        let g = Gazetteer::builtin();
        assert!(g.companies().len() > 100);
        assert_eq!(g.canonical("aws"), Some("Amazon"));
    }

    #[test]
    fn aliases_map_to_canonical() {
        let g = Gazetteer::parse(SAMPLE).unwrap();
        assert_eq!(g.canonical("AWS"), Some("Amazon"));
        assert_eq!(g.canonical("amazon  web services"), Some("Amazon"));
        assert_eq!(g.canonical("Nobody"), None);
        assert_eq!(
            g.find("Cuts at Amazon Web Services, AWS and Prime Video; Intel too."),
            vec!["Amazon", "Intel"]
        );
    }

    #[test]
    fn word_boundaries_and_case() {
        let g = Gazetteer::parse(SAMPLE).unwrap();
        assert!(g.find("Metaverse and Intelligence").is_empty());
        assert!(g.find("an apple a day, meta data").is_empty());
        assert_eq!(
            g.find("Shares of Apple and Meta rallied"),
            vec!["Apple", "Meta"]
        );
        assert!(g
            .find("Apple picking season. Meta data matters.")
            .is_empty());
        assert_eq!(g.find("Apple's results beat forecasts"), vec!["Apple"]);
        assert_eq!(
            g.find("Apple rose.\nShares of Apple Inc fell"),
            vec!["Apple"]
        );
        assert_eq!(g.find("AMAZON CUTS JOBS"), vec!["Amazon"]);
        assert!(
            g.find("APPLE PIE").is_empty(),
            "ambiguous names are not matched in capitals"
        );
        assert_eq!(g.find("Amazon's staff"), vec!["Amazon"]);
    }

    #[test]
    fn ambiguity_is_per_name() {
        let g = Gazetteer::parse(SAMPLE).unwrap();
        // Meta is a common word; its alias Facebook is not.
        assert_eq!(g.find("Facebook said on Tuesday"), vec!["Meta"]);
        assert!(
            g.find("Delta flooded. Shares of Delta Air Lines rose")
                .len()
                == 1
        );
        assert!(g.find("Delta flooded after the storm").is_empty());
        assert_eq!(
            g.find("A flight on Delta was late"),
            vec!["Delta Air Lines"]
        );
    }

    #[test]
    fn rejected_long_names_do_not_hide_short_ones() {
        let g = Gazetteer::parse(SAMPLE).unwrap();
        assert_eq!(g.find("the Amazon web services team"), vec!["Amazon"]);
    }

    #[test]
    fn domains_are_not_mentions() {
        let g = Gazetteer::parse(SAMPLE).unwrap();
        assert!(g.find("Source: Bloomberg.com and bloomberg.com").is_empty());
        assert_eq!(g.find("said Bloomberg. Others"), vec!["Bloomberg"]);
    }

    #[test]
    fn user_file_adds_blocks_and_extends() {
        let base = Gazetteer::parse(SAMPLE).unwrap();
        let user = UserCompanies::parse(
            "block = [\"Intel\", \"Prime Video\"]\n[[company]]\nname = \"Acme Robotics\"\naliases = [\"Acme\"]\n[[company]]\nname = \"aws\"\naliases = [\"Amazon Logistics\"]\n",
        )
        .unwrap();
        let g = Gazetteer::with_user(&base, &user).unwrap();
        assert_eq!(
            g.find("Acme and Intel; Prime Video; Amazon Logistics hires"),
            vec!["Acme Robotics", "Amazon"]
        );
        assert!(g.find("Prime Video").is_empty());
        assert!(g.is_blocked("intel"));
        assert_eq!(g.canonical("acme"), Some("Acme Robotics"));
        assert!(UserCompanies::parse("[[company]]\nnom = 1").is_err());
    }

    #[test]
    fn false_friends_and_their_spread() {
        let g =
            Gazetteer::parse("Sears\t\t\nFord\tambiguous\t\nHeineken\t\t\nBoeing\t\t\n").unwrap();
        // A person once is a person in the whole text.
        assert_eq!(
            g.find("Boeing sacked Mr Sears. Sears said he was sorry."),
            vec!["Boeing"]
        );
        // ...unless the company is plainly named as one too.
        assert_eq!(
            g.find("Its boss is Bill Ford. Sales rose, and Ford's auto unit made a loss."),
            vec!["Ford"]
        );
        // An event does not spread: the brewer is named on its own.
        assert_eq!(
            g.find("the Heineken Cup final, which the brewer Heineken said"),
            vec!["Heineken"]
        );
        assert!(g.find("the Heineken Cup final").is_empty());
        let off = g.with_rules(MatchRules::without("person_names").unwrap());
        assert_eq!(off.find("sacked Mr Sears"), vec!["Sears"]);
    }

    #[test]
    fn title_case_acronyms() {
        let g = Gazetteer::parse("AXA\t\t\nTIM\t\t\n").unwrap();
        assert_eq!(g.find("said the insurer Axa"), vec!["AXA"]);
        assert!(g.find("Axa said").is_empty(), "not at a sentence start");
        assert!(g.find("said Tim Cook").is_empty(), "a given name");
        let off = g.with_rules(MatchRules::without("title_case_acronyms").unwrap());
        assert!(off.find("said the insurer Axa").is_empty());
    }

    #[test]
    fn detected_names_merge_into_gazetteer_companies() {
        let g = Gazetteer::parse(
            "Menatep\t\tGroup Menatep\nBaikal Finance Group\t\tBaikal Finance\nSapporo Breweries\t\t\nSouthern Company\t\t\nUniversal Insurance Holdings\t\t\n",
        )
        .unwrap();
        let found = vec!["Baikal Finance Group".to_string()];
        assert_eq!(g.owner_of_detected("Menatep Group", &[]), Some("Menatep"));
        assert_eq!(
            g.owner_of_detected("Baikal", &found),
            Some("Baikal Finance Group")
        );
        assert_eq!(
            g.owner_of_detected("Sapporo", &[]),
            Some("Sapporo Breweries")
        );
        // `Company` is part of the name; one corporate word only.
        assert_eq!(g.owner_of_detected("Southern", &[]), None);
        assert_eq!(g.owner_of_detected("Universal", &[]), None);
        assert_eq!(g.owner_of_detected("Baikal", &[]), None);
    }

    #[test]
    fn rejects_collisions_and_bad_flags() {
        assert!(Gazetteer::parse("A\t\tX\nB\t\tx\n")
            .unwrap_err()
            .contains("already names A"));
        assert!(Gazetteer::parse("A\tweird\t\n")
            .unwrap_err()
            .contains("unknown flag"));
    }
}
