//! The rules of company matching, each a switch so that `search
//! eval-companies --ablation` can measure what it buys.

use serde::Serialize;

/// How names are matched in text. Every rule is on by default; each can be
/// switched off to measure what it buys (`search eval-companies --ablation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MatchRules {
    /// Names marked ambiguous (common words, first names: Apple, Next, Shell)
    /// count only in context, as the next three rules say. Off: like any name.
    pub ambiguous_need_context: bool,
    /// An ambiguous name opening a sentence or line does not count.
    pub not_at_sentence_start: bool,
    /// ...unless it is a possessive (`Apple's results`).
    pub possessive_counts: bool,
    /// An ambiguous name right after a capitalised word is part of another
    /// name (`Liam Fox`, `Big Apple`) and does not count.
    pub not_after_capitalised_word: bool,
    /// `Bloomberg.com` is a web address, not a mention.
    pub not_in_web_addresses: bool,
    /// Unambiguous names also match in capitals (`AMAZON CUTS JOBS`).
    pub shouted_names: bool,
    /// Organisations named by corporate cues (`X Securities`, `Y Inc`) or
    /// introduced by running text (`bank Mediobanca`) are added as detected
    /// companies.
    pub corporate_cues: bool,
    /// A name right after a personal title (`Mr Sears`), a capitalised given
    /// name (`Michael Sears`, `Alastair Campbell's`) or a word for a person
    /// (`millionaire Howard Hughes`) is a person, and so are the name's other
    /// mentions in that article (`Sears said`).
    pub person_names: bool,
    /// A name inside the name of an event, award, venue or market index
    /// (`Heineken Cup`, `Orange Prize`, `Emirates Stadium`, `MSCI World share
    /// index`) is not a mention.
    pub event_names: bool,
    /// A name followed by a party's words (`Plaid MP`, `... manifesto`) or
    /// after `party` is a party, in the whole article.
    pub party_names: bool,
    /// The title of a work (`the film Sky Captain`) is not a mention, and the
    /// subject of a life story (`the Howard Hughes biopic`, `biopic of ...`)
    /// is a person.
    pub work_titles: bool,
    /// An ambiguous name followed by another capitalised word is part of a
    /// longer name (`Plaid Cymru`, `Leonardo DiCaprio`), unless that word is
    /// corporate (`Shell Oil`).
    pub name_continues: bool,
    /// A name written in capitals of 3 to 5 letters also matches in title
    /// case mid-sentence, as the BBC writes it (`AXA` as `Axa`), unless that
    /// spelling is a given name (`TIM`, `Tim`).
    pub title_case_acronyms: bool,
    /// A detected name that is a gazetteer company's name with corporate
    /// words added or left out (`Menatep Group`, `Baikal` beside `Baikal
    /// Finance Group`, `Sapporo` for `Sapporo Breweries`) is that company.
    pub merge_longer_names: bool,
    /// More corporate cues: media outlets (`NTV television`, `PC Pro
    /// Magazine`), owned units with an adjective or studios (`its demerged
    /// Deluxe Film unit`, `the Pinewood studios`), stock exchanges (`Jakarta
    /// Stock Exchange`), and `World` inside a name (`CIBC World Markets`).
    pub more_cues: bool,
}

impl Default for MatchRules {
    fn default() -> Self {
        MatchRules {
            ambiguous_need_context: true,
            not_at_sentence_start: true,
            possessive_counts: true,
            not_after_capitalised_word: true,
            not_in_web_addresses: true,
            shouted_names: true,
            corporate_cues: true,
            person_names: true,
            event_names: true,
            party_names: true,
            work_titles: true,
            name_continues: true,
            title_case_acronyms: true,
            merge_longer_names: true,
            more_cues: true,
        }
    }
}

impl MatchRules {
    /// Every rule off: names match wherever the text has them, as written.
    pub fn none() -> Self {
        MatchRules {
            ambiguous_need_context: false,
            not_at_sentence_start: false,
            possessive_counts: false,
            not_after_capitalised_word: false,
            not_in_web_addresses: false,
            shouted_names: false,
            corporate_cues: false,
            person_names: false,
            event_names: false,
            party_names: false,
            work_titles: false,
            name_continues: false,
            title_case_acronyms: false,
            merge_longer_names: false,
            more_cues: false,
        }
    }

    /// The default rules with one switched off, by its field name; `None`
    /// for an unknown name.
    pub fn without(name: &str) -> Option<Self> {
        let mut r = MatchRules::default();
        let flag = match name {
            "ambiguous_need_context" => &mut r.ambiguous_need_context,
            "not_at_sentence_start" => &mut r.not_at_sentence_start,
            "possessive_counts" => &mut r.possessive_counts,
            "not_after_capitalised_word" => &mut r.not_after_capitalised_word,
            "not_in_web_addresses" => &mut r.not_in_web_addresses,
            "shouted_names" => &mut r.shouted_names,
            "corporate_cues" => &mut r.corporate_cues,
            "person_names" => &mut r.person_names,
            "event_names" => &mut r.event_names,
            "party_names" => &mut r.party_names,
            "work_titles" => &mut r.work_titles,
            "name_continues" => &mut r.name_continues,
            "title_case_acronyms" => &mut r.title_case_acronyms,
            "merge_longer_names" => &mut r.merge_longer_names,
            "more_cues" => &mut r.more_cues,
            _ => return None,
        };
        *flag = false;
        Some(r)
    }

    /// The names [`MatchRules::without`] takes, in order.
    pub const NAMES: [&'static str; 15] = [
        "ambiguous_need_context",
        "not_at_sentence_start",
        "possessive_counts",
        "not_after_capitalised_word",
        "not_in_web_addresses",
        "shouted_names",
        "corporate_cues",
        "person_names",
        "event_names",
        "party_names",
        "work_titles",
        "name_continues",
        "title_case_acronyms",
        "merge_longer_names",
        "more_cues",
    ];
}
