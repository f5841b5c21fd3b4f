//! Command-line arguments (clap) and their conversion into the library's request types.
//! Nothing here knows how searching works; the library knows nothing about clap.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use search::query::{DateBound, MatchMode, QueryRequest, SortOrder};

const ABOUT: &str = "Fast local full-text search for news articles, with company and year facets.";

const EXAMPLES: &str = "\
Examples:
  search index                          index the bundled seeds/ folder into ./index
  search index ~/news --index ~/news.idx
  search query \"return to office\"       ranked hits, snippets, company and year facets
  search query layoffs --company Amazon --year 2025
  search query --company AWS            every Amazon article, newest first
  search query '\"exact phrase\" -amazon' --json
  search export --to quickwit qw/       index config, documents and commands for Quickwit

Exit status:
  0  results found (query) or every file indexed (index)
  1  no matching article (query) or some inputs were skipped with a warning (index)
  2  usage error or runtime error (no index, bad query, missing path...)";

/// The `search` command line.
#[derive(Debug, Parser)]
#[command(name = "search", version, about = ABOUT, after_help = EXAMPLES)]
pub struct Cli {
    /// Index folder [default: ./index]
    #[arg(
        long,
        global = true,
        env = "SEARCH_INDEX",
        value_name = "DIR",
        default_value = "index",
        hide_default_value = true
    )]
    pub index: PathBuf,

    /// When to colour the output: auto (only on a terminal, not with NO_COLOR), always, never
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto, value_name = "WHEN")]
    pub color: Color,

    /// Only the results: no progress bar, no summary or count line (warnings and errors still go to stderr)
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Say more on stderr: what was left out (index), the index and timings (query, facets, show, export), each article's errors (eval-companies)
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// `--color` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// Colour when writing to a terminal and NO_COLOR is not set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl Color {
    /// The matching `anstream` choice.
    pub fn choice(self) -> anstream::ColorChoice {
        match self {
            Color::Auto => anstream::ColorChoice::Auto,
            Color::Always => anstream::ColorChoice::Always,
            Color::Never => anstream::ColorChoice::Never,
        }
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the index from folders and files of articles (.txt .md .html .json .jsonl .ndjson)
    #[command(after_help = INDEX_EXAMPLES)]
    Index(IndexArgs),
    /// Search the index: ranked hits with highlighted snippets, then company and year facets
    #[command(after_help = QUERY_EXAMPLES)]
    Query(QueryArgs),
    /// Count articles by company or by year, over everything or over a query
    #[command(after_help = FACETS_EXAMPLES)]
    Facets(FacetsArgs),
    /// Measure ranking against relevance judgments: MAP, nDCG@10, P@10, Recall@100
    #[command(after_help = EVAL_EXAMPLES)]
    Eval(EvalArgs),
    /// Measure company extraction against hand labels: precision, recall, F1
    #[command(after_help = EVAL_COMPANIES_EXAMPLES)]
    EvalCompanies(EvalCompaniesArgs),
    /// Write the articles out for Quickwit, OpenSearch/Elasticsearch, or as JSON lines
    #[command(after_help = EXPORT_EXAMPLES)]
    Export(ExportArgs),
    /// Measure publication years against hand labels: precision and coverage
    #[command(after_help = EVAL_DATES_EXAMPLES)]
    EvalDates(EvalDatesArgs),
    /// Measure near-duplicate grouping against labelled pairs: precision, recall
    #[command(after_help = EVAL_DUPS_EXAMPLES)]
    EvalDups(EvalDupsArgs),
    /// Print one article as indexed: title, date and how it was found, companies, path, text
    #[command(after_help = SHOW_EXAMPLES)]
    Show(ShowArgs),
    /// Articles like one article (by id or path): its distinctive words, its near-copies left out
    #[command(after_help = SIMILAR_EXAMPLES)]
    Similar(SimilarArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
    /// Print the man page (roff) of search, or of one subcommand, for `man -l` or a man directory
    #[command(after_help = MAN_EXAMPLES)]
    Man(ManArgs),
    /// Verify the index: every segment file (tantivy's checksums), the facet files, the file record
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Serve the index over HTTP: a JSON API and a search page in the browser
    #[command(after_help = SERVE_EXAMPLES)]
    Serve(ServeArgs),
}

const SERVE_EXAMPLES: &str = "\
Examples:
  search serve                          the page at http://127.0.0.1:7700/
  search serve --index ~/news.idx --addr 127.0.0.1:8080
  curl 'http://127.0.0.1:7700/api/search?q=layoffs&company=AWS&limit=3'

Endpoints: GET /api/search (the parameters of `search query`: q, company, year,
since, until, limit, offset, sort, facet_limit, collapse, count), /api/articles/ID,
/api/similar/ID, /api/facets
?field=company|year, /api/health. The index is reopened when `search index`
commits. Ctrl-C or SIGTERM stops the server.";

/// Arguments of `search serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; anything but loopback lets other machines read every article
    #[arg(long, value_name = "IP:PORT", default_value = search::serve::DEFAULT_ADDR)]
    pub addr: std::net::SocketAddr,

    /// Let pages from this origin (https://example.org) call the API [default: no other origin]
    #[arg(long, value_name = "ORIGIN")]
    pub cors: Option<String>,

    /// Longest time one query may run, in seconds
    #[arg(long, value_name = "SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,
}

const SHOW_EXAMPLES: &str = "\
Examples:
  search show bbc-business-001                 by the article's id
  search show seeds/2025-01-amazon-rto.txt     by the path it was indexed from
  search show feed.jsonl --json | jq '.[].title'   every article of that file

On a terminal the article is paged with $PAGER (default: less -R); piped, it
is printed as it is. A path gives every article of that file, in index order.
Exit status: 0 found, 2 no such article or another error.";

/// Arguments of `search show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The article's id, or the path of its file as indexed
    #[arg(value_name = "ID|PATH")]
    pub key: String,

    /// Print the article(s) as a JSON array
    #[arg(long)]
    pub json: bool,

    /// Do not page, even on a terminal
    #[arg(long)]
    pub no_pager: bool,
}

const COMPLETIONS_EXAMPLES: &str = "\
Install (then start a new shell):
  search completions bash > ~/.local/share/bash-completion/completions/search
  search completions zsh  > ~/.zfunc/_search      # with fpath+=(~/.zfunc) before compinit
  search completions fish > ~/.config/fish/completions/search.fish
  search completions powershell >> $PROFILE
  search completions elvish > ~/.config/elvish/lib/search.elv  # then: use search";

/// Arguments of `search completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

const MAN_EXAMPLES: &str = "\
Install:
  mkdir -p ~/.local/share/man/man1 && search man > ~/.local/share/man/man1/search.1
  for c in index query facets show export eval eval-companies completions; do
    search man $c > ~/.local/share/man/man1/search-$c.1; done
  search man | man -l -                           read it without installing";

/// Arguments of `search man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The subcommand whose page to print (search-index(1), ...) [default: search(1)]
    #[arg(value_name = "SUBCOMMAND")]
    pub command: Option<String>,
}

const CHECK_EXAMPLES: &str = "\
Examples:
  search check                    one line: ok, or each problem found
  search check --index idx --json

Reads every byte of the index. Exit status: 0 the index is whole, 1 something
is wrong (each problem is listed; `search index --rebuild` starts the index
over), 2 error (no index there).";

/// Arguments of `search check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Print the report as JSON
    #[arg(long)]
    pub json: bool,
}

const EXPORT_EXAMPLES: &str = "\
Examples:
  search export --to quickwit qw/              index-config.yaml, articles.ndjson, README.md
  search export --to opensearch os/ --name news --max-bytes 5000000
  search export --to jsonl articles.jsonl      the articles as extracted, for anything else
  search export --to jsonl - --company Amazon --since 2025 | jq .title
  search export --to opensearch os/ layoffs --year 2025   only what the query matches

Quickwit and OpenSearch folders get a README.md with the exact commands.
A folder must be new, empty, or an earlier export of the same kind.
Exit status: 0 articles exported, 1 nothing matched (the files are still written), 2 error.";

/// `--to` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportTo {
    /// Quickwit: index config (YAML), documents (NDJSON), README
    Quickwit,
    /// OpenSearch or Elasticsearch: mapping (JSON), _bulk files (NDJSON), README
    Opensearch,
    /// JSON lines, one article per line, readable by `search index`
    Jsonl,
}

/// Arguments of `search export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to write
    #[arg(long, value_enum, value_name = "TARGET")]
    pub to: ExportTo,

    /// Folder to write (quickwit, opensearch), or file (jsonl; - for standard output)
    #[arg(value_name = "OUT")]
    pub out: PathBuf,

    /// Export only the articles matching this query (same syntax as `search query`)
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Index name in the engine (Quickwit index_id, OpenSearch index)
    #[arg(long, value_name = "NAME", default_value = "news")]
    pub name: String,

    /// Largest _bulk file in bytes (opensearch) [default: 10000000]
    #[arg(long, value_name = "BYTES", value_parser = clap::value_parser!(u64).range(1024..))]
    pub max_bytes: Option<u64>,

    /// Print the summary as JSON (on stderr when the export goes to standard output)
    #[arg(long)]
    pub json: bool,
}

const EVAL_DATES_EXAMPLES: &str = "\
Examples:
  search eval-dates                              labels in tests/data, BBC in ../shared/corpora
  search eval-dates --verbose                    every article: label, year found, its source
  search eval-dates --labels my-years.tsv --corpus ~/corpora --json

Precision: years shown that equal the label (a year shown where none is
labelled is wrong). Coverage: labelled years that are shown. Labelled articles
whose file is not found are left out and counted.";

const EVAL_DUPS_EXAMPLES: &str = "\
Examples:
  search index ../shared/corpora/bbc --index bbc.idx
  search eval-dups --index bbc.idx               precision and recall on tests/data/dup-labels.tsv
  search eval-dups --index bbc.idx --verbose     also the missed, wrong and unjudged pairs
  search eval-dups --index bbc.idx --candidates 0.2 > pairs.tsv   pairs to label

Labels: PATH<TAB>PATH<TAB>same|different per line, paths by their end
(bbc/tech/040.txt). Precision is over the grouped pairs that are labelled,
recall over the pairs labelled same.";

/// Arguments of `search eval-dups`.
#[derive(Debug, Args)]
pub struct EvalDupsArgs {
    /// Labels file: PATH<TAB>PATH<TAB>same|different per line
    #[arg(long, value_name = "FILE", default_value = "tests/data/dup-labels.tsv")]
    pub labels: PathBuf,

    /// Instead of scoring, list every pair whose signatures agree in at least
    /// this fraction, with its exact similarity (compares all pairs)
    #[arg(long, value_name = "FRACTION")]
    pub candidates: Option<f64>,

    /// Also list the missed, wrong and unjudged pairs
    #[arg(short, long)]
    pub verbose: bool,

    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `search eval-dates`.
#[derive(Debug, Args)]
pub struct EvalDatesArgs {
    /// Labels file: PATH<TAB>YEAR (empty when the text fixes none) per line
    #[arg(
        long,
        value_name = "FILE",
        default_value = "tests/data/year-labels.tsv"
    )]
    pub labels: PathBuf,

    /// Folder that holds the labelled corpus (paths such as bbc/business/001.txt)
    #[arg(long, value_name = "DIR", default_value = "../shared/corpora")]
    pub corpus: PathBuf,

    /// List every article: verdict, label, year found and where it came from
    #[arg(short, long)]
    pub verbose: bool,

    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,
}

const FACETS_EXAMPLES: &str = "\
Examples:
  search facets company                       the most mentioned companies in the index
  search facets company layoffs --year 2025   ... among 2025 articles about layoffs
  search facets year --company Amazon         Amazon articles per year, as a bar chart
  search facets year 'return to office' --json

Companies are sorted by count; years oldest first (a histogram; --json and
--jsonl list them in the same order).
Exit status: 0 some article matched, 1 none matched, 2 error.";

/// `search facets` dimensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FacetKind {
    /// Companies the articles mention
    Company,
    /// Publication years
    Year,
}

/// Arguments of `search facets`.
#[derive(Debug, Args)]
pub struct FacetsArgs {
    /// What to count
    #[arg(value_enum)]
    pub kind: FacetKind,

    /// Count only articles matching this query (same syntax as `search query`)
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Number of companies to list
    #[arg(short = 'n', long, value_name = "N", default_value_t = 20)]
    pub limit: usize,

    /// Print the counts as JSON
    #[arg(long, conflicts_with = "jsonl")]
    pub json: bool,

    /// Print JSON lines: one line per count, then a summary line
    #[arg(long)]
    pub jsonl: bool,
}

impl FacetsArgs {
    /// The library request: no hits, only counts.
    pub fn to_request(&self) -> QueryRequest {
        QueryRequest {
            limit: 0,
            company_facet_limit: self.limit,
            ..self.filters.request(&self.query)
        }
    }
}

const EVAL_EXAMPLES: &str = "\
Examples:
  search eval --queries queries.tsv --qrels qrels.txt
  search eval --queries queries.tsv --qrels qrels.txt --run-out search.run
  search eval --run other.run --qrels qrels.txt      score another system's run

Queries: `qid<TAB>text` per line, read as plain words (never as query syntax).
Qrels: TREC `qid 0 docid relevance`; document ids are the articles' `id`s.
Runs: TREC `qid Q0 docid rank score tag`. Scores are averaged over every
judged query with a relevant document; a query without results scores 0.";

/// Arguments of `search eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Queries to run against the index: qid<TAB>text per line
    #[arg(long, value_name = "FILE", required_unless_present = "run")]
    pub queries: Option<PathBuf>,

    /// Relevance judgments in TREC qrels format
    #[arg(long, value_name = "FILE")]
    pub qrels: PathBuf,

    /// Score this TREC run file instead of running queries
    #[arg(long, value_name = "FILE", conflicts_with = "queries")]
    pub run: Option<PathBuf>,

    /// Write the ranking as a TREC run file
    #[arg(long, value_name = "FILE")]
    pub run_out: Option<PathBuf>,

    /// Results retrieved per query
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub depth: usize,

    /// Print the metrics as JSON
    #[arg(long)]
    pub json: bool,

    /// Weight of title matches (experiment; default as `search query`)
    #[arg(long, value_name = "W", default_value_t = 1.0, value_parser = parse_boost)]
    pub title_boost: f32,

    /// Rank by BM25 alone, without the phrase / all-words tiers (experiment)
    #[arg(long)]
    pub no_tiers: bool,

    /// Keep English stop words in queries (experiment)
    #[arg(long)]
    pub keep_stop_words: bool,

    /// IDF floored near zero for words in half the documents or more, as FTS5 does (experiment)
    #[arg(long)]
    pub floored_idf: bool,

    /// Queries with at least N distinct words (stop words dropped) are long questions; 0: none
    #[arg(long, value_name = "N")]
    pub long_words: Option<usize>,

    /// Drop NLTK's English stop words from long questions: yes or no
    #[arg(long, value_name = "YES|NO", value_parser = ["yes", "no"])]
    pub long_stop_words: Option<String>,

    /// IDF of a long question's words: classic, floored or squared
    #[arg(long, value_name = "IDF", value_parser = ["classic", "floored", "squared"])]
    pub long_idf: Option<String>,

    /// Feedback documents read to expand a long question (RM3); 0: no feedback
    #[arg(long, value_name = "N")]
    pub feedback_docs: Option<usize>,

    /// Expansion words a long question gets from its feedback documents
    #[arg(long, value_name = "N")]
    pub feedback_terms: Option<usize>,

    /// Share of an expanded question's weight given to the feedback words (0 to 1)
    #[arg(long, value_name = "W")]
    pub feedback_weight: Option<f32>,

    /// Weight of the bonus for a long question's neighbouring words found near each other; 0: none
    #[arg(long, value_name = "W")]
    pub proximity: Option<f32>,

    /// Extra positions a pair of neighbouring words may stray and still count as near
    #[arg(long, value_name = "N")]
    pub proximity_slop: Option<u32>,
}

const EVAL_COMPANIES_EXAMPLES: &str = "\
Examples:
  search eval-companies                              labels in tests/data, BBC in ../shared/corpora
  search eval-companies --corpus ~/data/corpora -v
  search eval-companies --json | jq .f1

Without the corpus folder this is an error (exit 2); inside it, labelled
articles whose file is not found are left out and listed.";

/// Arguments of `search eval-companies`.
#[derive(Debug, Args)]
pub struct EvalCompaniesArgs {
    /// Labels file: PATH<TAB>Company|Company per line
    #[arg(
        long,
        value_name = "FILE",
        default_value = "tests/data/company-labels.tsv"
    )]
    pub labels: PathBuf,

    /// Folder that holds the labelled corpus (paths such as bbc/business/001.txt)
    #[arg(long, value_name = "DIR", default_value = "../shared/corpora")]
    pub corpus: PathBuf,

    /// Measure each matching rule: the set again with each rule switched off, and with none
    #[arg(long)]
    pub ablation: bool,

    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,
}

const INDEX_EXAMPLES: &str = "\
Examples:
  search index                         index seeds/ into ./index (later: update it)
  search index ~/news/2025 ~/news/2026 several folders into one index
  search index feed.jsonl --index /tmp/idx --quiet
  search index --rebuild               index everything again
  search index ~/news --exclude '*.md' --exclude drafts/
  search index feed.jsonl --jsonl      warnings and the summary as JSON lines

The index mirrors the articles found in PATHs. A second run on the same paths
reads only new and changed files (by content hash), removes the articles of
files that are gone and leaves the rest as it is. Folders are walked
recursively (hidden entries skipped); files with other extensions are ignored.
.gitignore, .ignore and .searchignore files are honoured (--no-ignore: not),
--exclude GLOB leaves out more; what they leave out is counted (-v lists it).
A file named directly is read whatever its extension. Problems with single
files are warnings on stderr; the run goes on. Until the run commits, queries
see the previous index; an interrupted run leaves it intact.

Exit status: 0 all indexed, 1 some inputs skipped (see warnings), 2 error.";

const QUERY_EXAMPLES: &str = "\
Examples:
  search query return to office         words: phrase matches first, then all words, then some
  search query '\"return to office\"'     exact phrase only
  search query 'layoffs AND (amazon OR meta) -warehouse'
  search query 'title:layoffs company:amazon year:2025'
  search query layoffs --company AWS --since 2024 --until 2025
  search query --company Amazon --limit 0        facets only
  search query layoffs --json | jq '.hits[0].title'
  search query layoffs -n 100000 --jsonl | jq -c 'select(.type == \"hit\") | .id'

Exit status: 0 some article matched, 1 none matched, 2 error.";

/// Arguments of `search index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Files or folders to index [default: the paths the index was built from, else seeds]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Index everything again instead of only new and changed files
    #[arg(long)]
    pub rebuild: bool,

    /// Without PATHs: remove the articles of recorded paths that vanished or
    /// hold no article file (they are kept otherwise, with a warning)
    #[arg(long)]
    pub prune: bool,

    /// Company file (TOML) adding companies and aliases or blocking names; it is
    /// copied into the index folder and applies from then on
    #[arg(long, value_name = "FILE")]
    pub companies: Option<PathBuf>,

    /// Leave out files and folders matching GLOB (gitignore syntax, e.g. '*.md', 'drafts/'); repeatable
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Read everything: no .gitignore, .ignore or .searchignore (hidden entries are still skipped)
    #[arg(long)]
    pub no_ignore: bool,

    /// Print the summary as JSON on stdout
    #[arg(long, conflicts_with = "jsonl")]
    pub json: bool,

    /// Print JSON lines on stdout: one line per warning as it happens, then the summary
    #[arg(long)]
    pub jsonl: bool,

    /// Memory budget of the index writer, in MB
    #[arg(long, value_name = "MB", default_value_t = 256, value_parser = clap::value_parser!(u64).range(32..=16384))]
    pub memory: u64,

    /// Indexing threads [default: number of CPUs, at most 8]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=64))]
    pub threads: Option<u64>,
}

/// The filters `search query` and `search facets` share.
#[derive(Debug, Args)]
pub struct FilterArgs {
    /// Only articles mentioning this company (any alias: AWS means Amazon); repeat for any of several
    #[arg(short, long, value_name = "NAME")]
    pub company: Vec<String>,

    /// Only articles from this year
    #[arg(short, long, value_name = "YEAR", conflicts_with_all = ["since", "until"], value_parser = clap::value_parser!(u16).range(1..=9999))]
    pub year: Option<u16>,

    /// Only articles from this year or day (2024, 2024-03-01) or later
    #[arg(long, value_name = "DATE")]
    pub since: Option<DateBound>,

    /// Only articles from this year or day (2025, 2025-06-30) or earlier
    #[arg(long, value_name = "DATE")]
    pub until: Option<DateBound>,

    /// What the count and facets of several words describe: articles with all the words (when any has them all), or with any
    #[arg(long = "match", value_enum, value_name = "RULE", default_value_t = Match::All)]
    pub match_mode: Match,

    /// Search the words as typed: a word no article has is not replaced by the closest word of the index
    #[arg(long)]
    pub exact: bool,

    /// What the count and facets count: articles, or stories (a group of near-copies once)
    #[arg(long, value_enum, value_name = "UNIT", default_value_t = CountUnit::Articles)]
    pub count: CountUnit,
}

/// `--count` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CountUnit {
    /// Every matching article, near-copies too
    Articles,
    /// Every matching story: near-copies count once
    Stories,
}

/// `--match` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Match {
    /// Count articles with every word (those with some are still listed after them)
    All,
    /// Count every article with any of the words
    Any,
}

impl FilterArgs {
    /// A request for `words` with these filters; the rest as by default.
    pub fn request(&self, words: &[String]) -> QueryRequest {
        QueryRequest {
            text: words.join(" "),
            companies: self.company.clone(),
            year: self.year,
            since: self.since,
            until: self.until,
            match_mode: match self.match_mode {
                Match::All => MatchMode::All,
                Match::Any => MatchMode::Any,
            },
            exact: self.exact,
            count: match self.count {
                CountUnit::Articles => search::query::Counting::Articles,
                CountUnit::Stories => search::query::Counting::Stories,
            },
            ..QueryRequest::default()
        }
    }
}

const SIMILAR_EXAMPLES: &str = "\
Examples:
  search similar bbc/tech/040.txt             the 10 articles most like it
  search similar 0001234 --limit 3 --json     by id; the JSON of `search query --json`

The article's 25 most distinctive words (count in the article × rarity in the
index) are searched for; the article and its near-copies are left out, and
near-copies among the hits are collapsed unless --no-collapse.";

/// Arguments of `search similar`.
#[derive(Debug, Args)]
pub struct SimilarArgs {
    /// The article: its id, else the path of its file (as `search show` takes it)
    #[arg(value_name = "ID|PATH")]
    pub key: String,

    /// Number of hits to show (0: only counts and facets)
    #[arg(short = 'n', long, value_name = "N", default_value_t = 10)]
    pub limit: usize,

    /// Number of companies in the company facet
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub facet_limit: usize,

    /// Show near-copies among the hits too
    #[arg(long)]
    pub no_collapse: bool,

    /// Print results as one JSON document (the shape of `search query --json`)
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `search query`.
#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The query; words may be given without quotes. Empty lists every article (newest first)
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Number of hits to show (0: only counts and facets)
    #[arg(short = 'n', long, value_name = "N", default_value_t = 10)]
    pub limit: usize,

    /// Number of hits to skip (for paging)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: usize,

    /// Order of hits
    #[arg(long, value_enum, default_value_t = Sort::Relevance)]
    pub sort: Sort,

    /// Number of companies in the company facet
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub facet_limit: usize,

    /// Show every article: near-copies are not collapsed into one hit
    #[arg(long)]
    pub no_collapse: bool,

    /// Print results as one JSON document
    #[arg(long, conflicts_with = "jsonl")]
    pub json: bool,

    /// Print JSON lines: one line per hit as it is read, then the facets, then a summary
    #[arg(long)]
    pub jsonl: bool,

    /// Hits fetched per page with --jsonl (memory holds one page)
    #[arg(long, value_name = "N", default_value_t = 1000, hide = true)]
    pub page_size: usize,
}

/// `--sort` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Sort {
    /// Best match first
    Relevance,
    /// Newest first
    Date,
}

impl QueryArgs {
    /// The library request for these arguments.
    pub fn to_request(&self) -> QueryRequest {
        QueryRequest {
            limit: self.limit,
            offset: self.offset,
            sort: match self.sort {
                Sort::Relevance => SortOrder::Relevance,
                Sort::Date => SortOrder::Date,
            },
            company_facet_limit: self.facet_limit,
            keep_duplicates: self.no_collapse,
            ..self.filters.request(&self.query)
        }
    }
}

/// A title boost between 0 and 100.
fn parse_boost(s: &str) -> Result<f32, String> {
    match s.parse::<f32>() {
        Ok(w) if (0.0..=100.0).contains(&w) => Ok(w),
        _ => Err(format!("`{s}` is not a weight between 0 and 100")),
    }
}
