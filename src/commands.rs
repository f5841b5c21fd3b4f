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
use search::query::run_query;

use crate::cli::{
    Cli, Command, EvalArgs, EvalCompaniesArgs, ExportArgs, ExportTo, FacetKind, FacetsArgs,
    IndexArgs, QueryArgs,
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
        Command::Eval(args) => eval(cli, args),
        Command::Export(args) => export(cli, args),
        Command::Check(args) => check(cli, args),
    }
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
    let (idx, results) = search(cli, &args.to_request())?;
    let mut out = stdout(cli);
    if args.json {
        output::print_json(&mut out, &results)?;
    } else {
        output::print_results(&mut out, &results)?;
    }
    out.flush()?;
    exit_without_closing(idx);
    Ok(Exit::success_if(results.total > 0))
}

/// Opens the index and runs a search, with its warnings on stderr.
fn search(
    cli: &Cli,
    request: &search::query::QueryRequest,
) -> Result<(search::index::SearchIndex, search::query::SearchResults)> {
    let idx = open_index(&cli.index)?;
    let results = output::rounded(run_query(&idx, request)?);
    for warning in &results.warnings {
        eprintln!("search: warning: {warning}");
    }
    Ok((idx, results))
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
        prune: args.prune,
    };
    let show_progress = !args.quiet && std::io::stderr().is_terminal();
    let observer = CliObserver::new(show_progress);
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
    if args.json {
        output::print_json(&mut out, &summary)?;
    } else if !args.quiet {
        output::print_summary(&mut out, &summary)?;
    }
    out.flush()?;
    Ok(Exit::success_if(summary.skipped_total() == 0))
}

/// Progress bar and warnings on stderr.
struct CliObserver {
    bar: ProgressBar,
    files_done: AtomicU64,
    files_total: AtomicU64,
}

impl CliObserver {
    fn new(visible: bool) -> CliObserver {
        let bar = if visible {
            ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr())
        } else {
            ProgressBar::hidden()
        };
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] [{bar:30}] {bytes}/{total_bytes} {msg} ({bytes_per_sec}, ETA {eta})",
            )
            .expect("valid template")
            .progress_chars("=> "),
        );
        CliObserver {
            bar,
            files_done: AtomicU64::new(0),
            files_total: AtomicU64::new(0),
        }
    }
}

impl BuildObserver for CliObserver {
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

    fn warning(&self, warning: &Warning) {
        let line = search::text::sanitize_for_terminal(&warning.to_string());
        self.bar.suspend(|| eprintln!("search: warning: {line}"));
    }
}

fn eval_companies(cli: &Cli, args: &EvalCompaniesArgs) -> Result<ExitCode> {
    let (labels, repo, corpus) = (&args.labels, Path::new("."), &args.corpus);
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
            output::print_company_eval(&mut out, &eval, args.verbose)?;
        }
        eval.articles
    };
    out.flush()?;
    Ok(Exit::success_if(articles > 0))
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
    if args.json {
        output::print_json(&mut out, &output::FacetsJson::new(&results, facet))?;
    } else {
        output::print_facet(&mut out, &results, facet)?;
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
    let bar = if !args.quiet && std::io::stderr().is_terminal() {
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
        eprintln!("search: warning: {warning}");
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
    } else if !args.quiet {
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
