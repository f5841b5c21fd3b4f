//! One function per subcommand: call the library, print, choose the exit code.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use search::index::{build_index, open_index, BuildObserver, BuildOptions};
use search::ingest::Warning;
use search::output;
use search::query::{run_query, run_query_after, Cursor};

use crate::cli::{
    Cli, Command, EvalArgs, EvalCompaniesArgs, EvalDatesArgs, EvalDupsArgs, ExportArgs, ExportTo,
    FacetKind, FacetsArgs, IndexArgs, QueryArgs, ServeArgs, SimilarArgs,
};

/// How a command ended: the exit codes, chosen here only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: done, something found.
    Success,
    /// 1: nothing matched, or some inputs were skipped (like grep).
    Nothing,
    /// 2: an error.
    Error,
}

impl Exit {
    /// [`Exit::Success`] when `ok`, else [`Exit::Nothing`].
    fn success_if(ok: bool) -> ExitCode {
        if ok { Exit::Success } else { Exit::Nothing }.into()
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        match exit {
            Exit::Success => ExitCode::SUCCESS,
            Exit::Nothing => ExitCode::from(1),
            Exit::Error => ExitCode::from(2),
        }
    }
}

/// Runs the subcommand and returns the exit code.
pub fn run(cli: &Cli) -> Result<ExitCode> {
    match &cli.command {
        Command::Index(args) => index(cli, args),
        Command::Query(args) => query(cli, args),
        Command::Facets(args) => facets(cli, args),
        Command::EvalCompanies(args) => eval_companies(cli, args),
        Command::EvalDates(args) => eval_dates(cli, args),
        Command::EvalDups(args) => eval_dups(cli, args),
        Command::Eval(args) => eval(cli, args),
        Command::Export(args) => export(cli, args),
        Command::Show(args) => show(cli, args),
        Command::Similar(args) => similar(cli, args),
        Command::Completions(args) => completions(args),
        Command::Man(args) => man(args),
        Command::Check(args) => check(cli, args),
        Command::Serve(args) => serve(cli, args),
    }
}

const WARNING: anstyle::Style =
    anstyle::Style::new().fg_color(Some(anstyle::Color::Ansi(anstyle::AnsiColor::Yellow)));
const ERROR: anstyle::Style = anstyle::Style::new()
    .fg_color(Some(anstyle::Color::Ansi(anstyle::AnsiColor::Red)))
    .effects(anstyle::Effects::BOLD);

/// Standard error, coloured as `--color` and NO_COLOR say (only on a terminal by default).
fn stderr(cli: &Cli) -> anstream::AutoStream<std::io::StderrLock<'static>> {
    anstream::AutoStream::new(std::io::stderr().lock(), cli.color.choice())
}

/// Prints `search: warning: LINE` on stderr, the label yellow on a terminal.
pub fn print_warning(cli: &Cli, line: &str) {
    let _ = writeln!(stderr(cli), "{WARNING}search: warning:{WARNING:#} {line}");
}

/// Prints `search: error: LINE` on stderr, the label red on a terminal.
pub fn print_error(cli: &Cli, line: &str) {
    let _ = writeln!(stderr(cli), "{ERROR}search: error:{ERROR:#} {line}");
}

/// The width human output is wrapped at (see [`search::term::output_width`]).
fn width() -> Option<usize> {
    search::term::output_width(std::io::stdout().is_terminal())
}

fn show(cli: &Cli, args: &crate::cli::ShowArgs) -> Result<ExitCode> {
    let idx = open_index(&cli.index)?;
    let (by, articles) = search::show::find(&idx, &args.key)?;
    if cli.verbose {
        eprintln!(
            "search: {} found by {} in {}",
            if articles.len() == 1 {
                "1 article".to_string()
            } else {
                format!("{} articles", articles.len())
            },
            match by {
                search::show::MatchedBy::Id => "id",
                search::show::MatchedBy::Path => "path",
            },
            search::error::shown(&idx.dir)
        );
    }
    if args.json {
        let mut out = stdout(cli);
        output::print_json(&mut out, &articles)?;
        out.flush()?;
        return Ok(Exit::Success.into());
    }
    let terminal = std::io::stdout().is_terminal();
    if terminal && !args.no_pager {
        if let Some(mut pager) = spawn_pager() {
            let width = width();
            let mut text = Vec::new();
            search::show::print_articles(&mut text, &articles, width)?;
            // The pager gets the colours (less -R shows them) unless told otherwise.
            let mut buf = Vec::new();
            let choice = match cli.color {
                crate::cli::Color::Auto
                    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) =>
                {
                    anstream::ColorChoice::Never
                }
                crate::cli::Color::Auto => anstream::ColorChoice::Always,
                other => other.choice(),
            };
            anstream::AutoStream::new(&mut buf, choice).write_all(&text)?;
            if let Some(stdin) = pager.stdin.as_mut() {
                // A pager quit early closes the pipe: that is not an error.
                let _ = stdin.write_all(&buf);
            }
            drop(pager.stdin.take());
            pager.wait()?;
            return Ok(Exit::Success.into());
        }
    }
    let mut out = stdout(cli);
    search::show::print_articles(&mut out, &articles, width())?;
    out.flush()?;
    Ok(Exit::Success.into())
}

/// Starts `$PAGER` (split on spaces; default `less -R`), reading from a pipe;
/// `None` when it is empty, `cat`, or cannot be started.
fn spawn_pager() -> Option<std::process::Child> {
    let pager = std::env::var("PAGER").unwrap_or_else(|_| "less -R".to_string());
    let mut words = pager.split_whitespace();
    let program = words.next()?;
    if program == "cat" {
        return None;
    }
    let mut command = std::process::Command::new(program);
    command.args(words).stdin(std::process::Stdio::piped());
    if program.ends_with("less") && std::env::var_os("LESS").is_none() {
        // Quit at once when the article fits on one screen, as bat does.
        command.env("LESS", "FRX");
    }
    command.spawn().ok()
}

fn completions(args: &crate::cli::CompletionsArgs) -> Result<ExitCode> {
    let mut command = <Cli as clap::CommandFactory>::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut command, "search", &mut out);
    out.flush()?;
    Ok(Exit::Success.into())
}

fn man(args: &crate::cli::ManArgs) -> Result<ExitCode> {
    let mut command = <Cli as clap::CommandFactory>::command();
    // Gives the subcommands the global options (--index, -q, -v, --color).
    command.build();
    let page = match &args.command {
        None => clap_mangen::Man::new(command),
        Some(name) => {
            let sub = command
                .find_subcommand(name)
                .ok_or_else(|| anyhow::anyhow!("no subcommand `{name}`; see `search --help`"))?
                .clone()
                .display_name(format!("search-{name}"))
                .bin_name(format!("search {name}"));
            clap_mangen::Man::new(sub)
        }
    };
    let mut out = std::io::stdout().lock();
    page.render(&mut out)?;
    out.flush()?;
    Ok(Exit::Success.into())
}

/// True if the error is a closed stdout (`search query x | head -1`).
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn stdout(cli: &Cli) -> anstream::AutoStream<std::io::StdoutLock<'static>> {
    anstream::AutoStream::new(std::io::stdout().lock(), cli.color.choice())
}

fn query(cli: &Cli, args: &QueryArgs) -> Result<ExitCode> {
    if args.jsonl {
        return query_jsonl(cli, args);
    }
    let (idx, results) = search(cli, &args.to_request())?;
    let mut out = stdout(cli);
    if args.json {
        output::print_json(&mut out, &results)?;
    } else {
        let layout = layout(cli, args.facet_limit);
        output::print_results(&mut out, &results, layout)?;
    }
    out.flush()?;
    exit_without_closing(idx);
    Ok(Exit::success_if(results.total > 0))
}

/// How hits are laid out for the terminal (or `COLUMNS`) with these options.
fn layout(cli: &Cli, facet_limit: usize) -> output::Layout {
    output::Layout {
        width: width(),
        quiet: cli.quiet,
        no_company_facet: facet_limit == 0,
    }
}

fn similar(cli: &Cli, args: &SimilarArgs) -> Result<ExitCode> {
    let idx = open_index(&cli.index)?;
    let request = search::query::QueryRequest {
        limit: args.limit,
        company_facet_limit: args.facet_limit,
        keep_duplicates: args.no_collapse,
        ..Default::default()
    };
    let found = search::query::similar(&idx, &args.key, &request)?;
    let results = output::rounded(found.results);
    for warning in &results.warnings {
        print_warning(cli, warning);
    }
    let mut out = stdout(cli);
    if args.json {
        output::print_json(&mut out, &results)?;
    } else {
        output::print_similar_header(&mut out, &found.article.2, &found.article.1, &found.terms)?;
        let layout = layout(cli, args.facet_limit);
        output::print_results(&mut out, &results, layout)?;
    }
    out.flush()?;
    exit_without_closing(idx);
    Ok(Exit::success_if(results.total > 0))
}

/// `search query --jsonl`: the hits are fetched and written a page at a
/// time with a search-after cursor (each page a top-k of one page, of the
/// hits ranked after the last one written, on the same snapshot of the
/// index, its document store caching few blocks), so memory holds one page
/// of hits and snippets, not `--limit` of them; the facets and the summary (from the first page) follow.
fn query_jsonl(cli: &Cli, args: &QueryArgs) -> Result<ExitCode> {
    let request = args.to_request();
    let page = args.page_size.max(1);
    let idx = search::index::open_index_streaming(&cli.index)?;
    let first_request = search::query::QueryRequest {
        limit: page.min(request.limit),
        ..request.clone()
    };
    let (first, mut cursor) = run_query_after(&idx, &first_request, Cursor::Start)?;
    let mut first = output::rounded(first);
    report_search(cli, &idx, &first);
    let mut out = stdout(cli);
    let mut written = 0;
    let mut offset = request.offset;
    let mut hits = std::mem::take(&mut first.hits);
    // Near-copies: each page keeps the first of its groups; the groups of
    // earlier pages are left out.
    let mut shown_groups: std::collections::HashSet<u32> = std::collections::HashSet::new();
    let collapsed = first.collapsed;
    loop {
        for mut hit in hits {
            if written >= request.limit {
                break;
            }
            if let Some(group) = hit.group.filter(|_| collapsed) {
                if !shown_groups.insert(group) {
                    continue;
                }
            }
            hit.rank = request.offset + written + 1;
            output::print_json_line(&mut out, "hit", &hit)?;
            written += 1;
        }
        out.flush()?;
        let Some(after) = cursor else { break };
        if written >= request.limit {
            break;
        }
        offset += page;
        let next = search::query::QueryRequest {
            offset,
            limit: page,
            ..request.clone()
        };
        let (results, next_cursor) = run_query_after(&idx, &next, after)?;
        cursor = next_cursor;
        hits = output::rounded(results).hits;
    }
    first.limit = request.limit;
    output::print_results_jsonl_end(&mut out, &first, written)?;
    out.flush()?;
    exit_without_closing(idx);
    Ok(Exit::success_if(first.total > 0))
}

/// Opens the index and runs a search, with its warnings on stderr.
fn search(
    cli: &Cli,
    request: &search::query::QueryRequest,
) -> Result<(search::index::SearchIndex, search::query::SearchResults)> {
    let idx = open_index(&cli.index)?;
    let results = output::rounded(run_query(&idx, request)?);
    report_search(cli, &idx, &results);
    Ok((idx, results))
}

/// A search's warnings, and with `-v` what it searched, on stderr.
fn report_search(
    cli: &Cli,
    idx: &search::index::SearchIndex,
    results: &search::query::SearchResults,
) {
    for warning in &results.warnings {
        print_warning(cli, warning);
    }
    if cli.verbose {
        eprintln!(
            "search: searched {} ({} articles) in {} ms",
            search::error::shown(&idx.dir),
            idx.reader.searcher().num_docs(),
            results.took_ms
        );
    }
}

/// Leaves the index to the end of the process instead of closing it: closing
/// unmaps each of its dozens of memory-mapped files one by one (with the
/// search threads alive, each unmap interrupts the other cores), about a
/// tenth of a short query's whole run; the process exit releases them at once.
fn exit_without_closing(idx: search::index::SearchIndex) {
    std::mem::forget(idx);
}

fn index(cli: &Cli, args: &IndexArgs) -> Result<ExitCode> {
    let threads = args.threads.map_or_else(
        || {
            std::thread::available_parallelism()
                .map_or(2, |n| n.get())
                .min(8)
        },
        |n| n as usize,
    );
    let opts = BuildOptions {
        index_dir: cli.index.clone(),
        paths: args.paths.clone(),
        memory_bytes: (args.memory as usize) << 20,
        writer_threads: threads,
        rebuild: args.rebuild,
        companies_file: args.companies.clone(),
        walk: search::ingest::WalkOptions {
            exclude: args.exclude.clone(),
            no_ignore: args.no_ignore,
            threads: 0,
        },
        prune: args.prune,
    };
    let show_progress = !cli.quiet && std::io::stderr().is_terminal();
    let observer = CliObserver::new(cli, show_progress, args.jsonl);
    let summary = build_index(&opts, &observer);
    observer.bar.finish_and_clear();
    let summary = match summary {
        Ok(summary) => summary,
        // Engine errors (disk full, I/O) say little on their own: name the index.
        Err(search::SearchError::Tantivy(e)) => {
            return Err(
                anyhow::anyhow!(search::error::engine_message(&e)).context(format!(
                    "writing the index at {} failed; the previous index is unchanged",
                    search::error::shown(&cli.index)
                )),
            )
        }
        Err(e) => return Err(e.into()),
    };
    if let Some(why) = &summary.repaired {
        eprintln!("search: warning: {why}; every file was read again");
    }
    let mut out = stdout(cli);
    if args.jsonl {
        output::print_json_line(&mut out, "summary", &summary)?;
    } else if args.json {
        output::print_json(&mut out, &summary)?;
    } else if !cli.quiet {
        output::print_summary(&mut out, &summary, width())?;
    }
    out.flush()?;
    Ok(Exit::success_if(summary.skipped_total() == 0))
}

/// Progress bar and warnings on stderr (with `--jsonl`, warnings on stdout).
struct CliObserver<'a> {
    cli: &'a Cli,
    bar: ProgressBar,
    files_done: AtomicU64,
    files_total: AtomicU64,
    /// Warnings as JSON lines on stdout, one write per line.
    jsonl: Option<std::sync::Mutex<std::io::Stdout>>,
}

impl CliObserver<'_> {
    fn new(cli: &Cli, visible: bool, jsonl: bool) -> CliObserver<'_> {
        let bar = if visible {
            ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr())
        } else {
            ProgressBar::hidden()
        };
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] [{bar:30}] {decimal_bytes}/{decimal_total_bytes} {msg} ({decimal_bytes_per_sec}, ETA {eta})",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        CliObserver {
            cli,
            bar,
            files_done: AtomicU64::new(0),
            files_total: AtomicU64::new(0),
            jsonl: jsonl.then(|| std::sync::Mutex::new(std::io::stdout())),
        }
    }
}

impl BuildObserver for CliObserver<'_> {
    fn start(&self, files: u64, bytes: u64) {
        self.files_total.store(files, Ordering::Relaxed);
        self.bar.set_length(bytes);
        self.bar.set_message(format!("0/{files} files"));
    }

    fn file_done(&self, bytes: u64) {
        let done = self.files_done.fetch_add(1, Ordering::Relaxed) + 1;
        self.bar.inc(bytes);
        let total = self.files_total.load(Ordering::Relaxed);
        if done.is_multiple_of(64) || done == total {
            self.bar.set_message(format!("{done}/{total} files"));
        }
    }

    fn committing(&self) {
        self.bar.set_message("committing and merging segments");
        self.bar.tick();
    }

    fn excluded(&self, path: &Path) {
        if self.cli.verbose {
            let line = search::text::sanitize_for_terminal(&path.display().to_string());
            self.bar
                .suspend(|| eprintln!("search: excluded: {line} (ignore file or --exclude)"));
        }
    }

    fn warning(&self, warning: &Warning) {
        if let Some(stdout) = &self.jsonl {
            let mut stdout = stdout.lock().expect("lock");
            let mut line = Vec::new();
            // Written as it happens, in one piece, so a reader sees it at once.
            if output::print_warning_jsonl(&mut line, warning).is_ok() {
                let _ = stdout.write_all(&line).and_then(|()| stdout.flush());
            }
            return;
        }
        let line = search::text::sanitize_for_terminal(&warning.to_string());
        self.bar.suspend(|| print_warning(self.cli, &line));
    }
}

fn eval_companies(cli: &Cli, args: &EvalCompaniesArgs) -> Result<ExitCode> {
    let (labels, repo, corpus) = (&args.labels, Path::new("."), &args.corpus);
    // Scoring only the few labelled articles in the repository would look like a result.
    let needed = search::eval::labels_outside_repo(labels)?;
    if needed > 0 && !corpus.is_dir() {
        anyhow::bail!(
            "the labelled corpus is missing: {} is not a folder, and {needed} of the articles labelled in {} are read from it (bbc/...); pass --corpus DIR",
            search::error::shown(corpus),
            labels.display()
        );
    }
    let gazetteer = search::extract::companies::Gazetteer::builtin();
    let mut out = stdout(cli);
    let articles = if args.ablation {
        let rows = search::eval::company_rule_ablation(labels, repo, corpus, gazetteer)?;
        if args.json {
            output::print_json(&mut out, &rows)?;
        } else {
            output::print_ablation(&mut out, &rows)?;
        }
        rows.first().map_or(0, |r| r.articles)
    } else {
        let eval = search::eval::eval_companies(labels, repo, corpus, gazetteer)?;
        if args.json {
            output::print_json(&mut out, &eval)?;
        } else {
            output::print_company_eval(&mut out, &eval, cli.verbose)?;
        }
        eval.articles
    };
    out.flush()?;
    Ok(Exit::success_if(articles > 0))
}

fn eval_dates(cli: &Cli, args: &EvalDatesArgs) -> Result<ExitCode> {
    let eval = search::eval_dates::eval_dates(&args.labels, Path::new("."), &args.corpus)?;
    let mut out = stdout(cli);
    if args.json {
        output::print_json(&mut out, &eval)?;
    } else {
        search::eval_dates::print_year_eval(&mut out, &eval, args.verbose)?;
    }
    out.flush()?;
    Ok(if eval.articles == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn eval_dups(cli: &Cli, args: &EvalDupsArgs) -> Result<ExitCode> {
    use search::dups::eval;
    let idx = open_index(&cli.index)?;
    let mut out = stdout(cli);
    if let Some(loose) = args.candidates {
        let candidates = eval::candidates(&idx, loose)?;
        if args.json {
            output::print_json(&mut out, &candidates)?;
        } else {
            eval::print_candidates(&mut out, &candidates)?;
        }
        out.flush()?;
        return Ok(Exit::success_if(!candidates.is_empty()));
    }
    let result = eval::eval_dups(&idx, &args.labels)?;
    if args.json {
        output::print_json(&mut out, &result)?;
    } else {
        eval::print_dup_eval(&mut out, &result, args.verbose)?;
    }
    out.flush()?;
    Ok(Exit::success_if(result.labelled > 0))
}

/// The long-question knobs of `search eval`: the default, with what the flags change.
fn long_query(args: &EvalArgs) -> search::query::LongQuery {
    let mut long = search::query::Ranking::default().long;
    if let Some(n) = args.long_words {
        long.min_words = n;
    }
    if let Some(v) = args.long_stop_words.as_deref() {
        long.stop_words = v == "yes";
    }
    match args.long_idf.as_deref() {
        Some("floored") => long.idf = search::query::Idf::Floored,
        Some("squared") => long.idf = search::query::Idf::Squared,
        Some(_) => long.idf = search::query::Idf::Classic,
        None => {}
    }
    if let Some(n) = args.feedback_docs {
        long.feedback_docs = n;
    }
    if let Some(n) = args.feedback_terms {
        long.feedback_terms = n;
    }
    if let Some(w) = args.feedback_weight {
        long.feedback_weight = w.clamp(0.0, 1.0);
    }
    if let Some(w) = args.proximity {
        long.proximity = w.max(0.0);
    }
    if let Some(n) = args.proximity_slop {
        long.proximity_slop = n;
    }
    long
}

fn eval(cli: &Cli, args: &EvalArgs) -> Result<ExitCode> {
    use search::eval::{read_qrels, read_queries, read_run, trec_metrics, write_run};
    let qrels = read_qrels(&args.qrels)?;
    let run = match (&args.run, &args.queries) {
        (Some(run), _) => read_run(run)?,
        (None, Some(queries)) => {
            let idx = open_index(&cli.index)?;
            let ranking = search::query::Ranking {
                title_boost: args.title_boost,
                tiers: !args.no_tiers,
                drop_stop_words: !args.keep_stop_words,
                idf: if args.floored_idf {
                    search::query::Idf::Floored
                } else {
                    search::query::Idf::Classic
                },
                long: long_query(args),
            };
            let mut results = std::collections::BTreeMap::new();
            for (qid, text) in read_queries(queries)? {
                let ranked = search::query::rank_ids(&idx, &text, &ranking, args.depth)?;
                results.insert(qid, ranked);
            }
            if let Some(path) = &args.run_out {
                let mut file = std::io::BufWriter::new(
                    std::fs::File::create(path)
                        .with_context(|| format!("cannot write {}", path.display()))?,
                );
                write_run(&mut file, &results, "search")?;
                file.flush()?;
            }
            results
                .into_iter()
                .map(|(q, docs)| (q, docs.into_iter().map(|(d, _)| d).collect()))
                .collect()
        }
        (None, None) => unreachable!("clap requires --queries or --run"),
    };
    let metrics = trec_metrics(&run, &qrels);
    let mut out = stdout(cli);
    if args.json {
        output::print_json(&mut out, &metrics)?;
    } else {
        output::print_trec_metrics(&mut out, &metrics)?;
    }
    out.flush()?;
    Ok(Exit::Success.into())
}

fn facets(cli: &Cli, args: &FacetsArgs) -> Result<ExitCode> {
    let (idx, results) = search(cli, &args.to_request())?;
    let facet = match args.kind {
        FacetKind::Company => output::Facet::Company,
        FacetKind::Year => output::Facet::Year,
    };
    let mut out = stdout(cli);
    if args.jsonl {
        output::print_facet_jsonl(&mut out, &results, facet)?;
    } else if args.json {
        output::print_json(&mut out, &output::FacetsJson::new(&results, facet))?;
    } else {
        let layout = output::Layout {
            width: width(),
            quiet: cli.quiet,
            ..output::Layout::default()
        };
        output::print_facet(&mut out, &results, facet, layout)?;
    }
    out.flush()?;
    exit_without_closing(idx);
    Ok(Exit::success_if(results.total > 0))
}

fn export(cli: &Cli, args: &ExportArgs) -> Result<ExitCode> {
    use search::export::{ExportObserver, ExportOptions, Target, DEFAULT_MAX_BYTES};
    let target = match args.to {
        ExportTo::Quickwit => Target::Quickwit,
        ExportTo::Opensearch => Target::Opensearch,
        ExportTo::Jsonl => Target::Jsonl,
    };
    if args.max_bytes.is_some() && target != Target::Opensearch {
        anyhow::bail!("--max-bytes applies to --to opensearch only");
    }
    let to_stdout = args.out == Path::new("-");
    if to_stdout && target != Target::Jsonl {
        anyhow::bail!(
            "--to {} writes a folder; only --to jsonl can write to standard output",
            target.as_str()
        );
    }
    let idx = open_index(&cli.index)?;
    let opts = ExportOptions {
        target,
        out: args.out.clone(),
        name: args.name.clone(),
        max_bytes: args.max_bytes.unwrap_or(DEFAULT_MAX_BYTES),
        request: args.filters.request(&args.query),
    };

    /// A bar of articles written, on stderr.
    struct Bar(ProgressBar);
    impl ExportObserver for Bar {
        fn start(&self, articles: u64) {
            self.0.set_length(articles);
        }
        fn exported(&self) {
            self.0.inc(1);
        }
    }
    let bar = if !cli.quiet && std::io::stderr().is_terminal() {
        ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] [{bar:30}] {pos}/{len} articles ({per_sec}, ETA {eta})",
        )
        .expect("valid template")
        .progress_chars("=> "),
    );
    let observer = Bar(bar);
    let summary = search::export::export(&idx, &opts, &observer);
    observer.0.finish_and_clear();
    let summary = summary?;
    for warning in &summary.warnings {
        print_warning(cli, warning);
    }
    if cli.verbose {
        eprintln!(
            "search: exported from {} in {:.2} s",
            search::error::shown(&idx.dir),
            summary.seconds
        );
    }
    // The articles may be on stdout: the summary goes to stderr then.
    let mut out: Box<dyn Write> = if to_stdout {
        Box::new(anstream::AutoStream::new(
            std::io::stderr().lock(),
            cli.color.choice(),
        ))
    } else {
        Box::new(stdout(cli))
    };
    if args.json {
        output::print_json(&mut out, &summary)?;
    } else if !cli.quiet {
        output::print_export_summary(&mut out, &summary)?;
    }
    out.flush()?;
    Ok(if summary.articles == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn check(cli: &Cli, args: &crate::cli::CheckArgs) -> Result<ExitCode> {
    let report = search::index::check_index(&cli.index)?;
    let mut out = stdout(cli);
    if args.json {
        output::print_json(&mut out, &report)?;
    } else {
        output::print_check(&mut out, &report)?;
    }
    out.flush()?;
    Ok(Exit::success_if(report.ok))
}

fn serve(cli: &Cli, args: &ServeArgs) -> Result<ExitCode> {
    let mut opts = search::serve::ServeOptions::new(cli.index.clone(), args.addr);
    opts.cors = args.cors.clone();
    opts.query_timeout = std::time::Duration::from_secs(args.timeout);
    search::serve::serve(&opts, |addr| {
        if search::serve::is_public(&addr) {
            eprintln!(
                "search: warning: listening on {addr}, not on loopback: anyone who can reach this address can read every article in the index"
            );
        }
        // One line a script (or a test) can read the port from.
        println!(
            "search: serving {} at http://{addr}/ (Ctrl-C stops)",
            search::error::shown(&cli.index)
        );
        let _ = std::io::stdout().flush();
    })?;
    Ok(ExitCode::SUCCESS)
}
