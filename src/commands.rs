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
    Cli, Command, EvalArgs, EvalCompaniesArgs, FacetKind, FacetsArgs, IndexArgs, QueryArgs,
    ServeArgs,
};

/// Runs the subcommand and returns the exit code.
pub fn run(cli: &Cli) -> Result<ExitCode> {
    match &cli.command {
        Command::Index(args) => index(cli, args),
        Command::Query(args) => query(cli, args),
        Command::Facets(args) => facets(cli, args),
        Command::EvalCompanies(args) => eval_companies(cli, args),
        Command::Eval(args) => eval(cli, args),
        Command::Serve(args) => serve(cli, args),
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
    let idx = open_index(&cli.index)?;
    let results = run_query(&idx, &args.to_request())?;
    for warning in &results.warnings {
        eprintln!("search: warning: {warning}");
    }
    let mut out = stdout(cli);
    if args.json {
        output::print_json(&mut out, &results)?;
    } else {
        output::print_results(&mut out, &results)?;
    }
    out.flush()?;
    exit_without_closing(idx);
    Ok(if results.total == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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
    };
    let show_progress = !args.quiet && std::io::stderr().is_terminal();
    let observer = CliObserver::new(show_progress);
    let summary = build_index(&opts, &observer);
    observer.bar.finish_and_clear();
    let summary = match summary {
        Ok(summary) => summary,
        // Engine errors (disk full, I/O) say little on their own: name the index.
        Err(search::SearchError::Tantivy(e)) => {
            return Err(anyhow::Error::new(e).context(format!(
                "writing the index at {} failed; the previous index is unchanged",
                search::error::shown(&cli.index)
            )))
        }
        Err(e) => return Err(e.into()),
    };
    let mut out = stdout(cli);
    if args.json {
        output::print_json(&mut out, &summary)?;
    } else if !args.quiet {
        output::print_summary(&mut out, &summary)?;
    }
    out.flush()?;
    Ok(if summary.skipped_total() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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
    Ok(if articles == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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
        writeln!(
            out,
            "MAP {:.4}  nDCG@10 {:.4}  P@10 {:.4}  Recall@100 {:.4}  ({} judged queries)",
            metrics.map, metrics.ndcg_10, metrics.p_10, metrics.recall_100, metrics.queries
        )?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn facets(cli: &Cli, args: &FacetsArgs) -> Result<ExitCode> {
    let idx = open_index(&cli.index)?;
    let results = run_query(&idx, &args.to_request())?;
    for warning in &results.warnings {
        eprintln!("search: warning: {warning}");
    }
    let counts = match args.kind {
        FacetKind::Company => results.facets.company.clone(),
        FacetKind::Year => results.facets.year.clone(),
    };
    let mut out = stdout(cli);
    if args.json {
        let field = match args.kind {
            FacetKind::Company => output::FacetField::Company,
            FacetKind::Year => output::FacetField::Year,
        };
        output::print_json(&mut out, &output::FacetsJson::new(field, &results))?;
    } else {
        match args.kind {
            FacetKind::Company => output::print_bars(&mut out, &counts)?,
            FacetKind::Year => {
                let mut by_year = counts.clone();
                // A histogram reads in time order; `unknown` stays last.
                by_year.sort_by_key(|c| c.value.parse::<u32>().unwrap_or(u32::MAX));
                output::print_bars(&mut out, &by_year)?
            }
        }
        output::print_facet_total(&mut out, &results)?;
    }
    out.flush()?;
    exit_without_closing(idx);
    Ok(if results.total == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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
