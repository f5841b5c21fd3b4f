//! In-process query latency: opens an index once, runs every query of a list
//! several times through the library (`run_query`: search, both facets, top 10,
//! snippets; no printing) and prints p50/p95 in milliseconds.
//!
//! ```text
//! cargo bench --bench query_latency -- INDEX [QUERIES] [RUNS]
//! ```
//!
//! `QUERIES` defaults to `bench/queries.txt`: one query per line, written as
//! the arguments of `search query` (shell-quoted; `#` starts a comment).
//! `RUNS` (default 20) is the number of timed runs per query, after one
//! untimed warm-up run. Numbers go to stdout as a Markdown table, one row per
//! query, then the overall p50/p95 over every timed run.

use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;

// The binary's argument parser, so that a line means what it means to `search query`.
#[allow(dead_code)]
#[path = "../src/cli.rs"]
mod cli;

fn main() -> anyhow::Result<()> {
    // `cargo bench` passes `--bench`; ignore flags of the harness protocol.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let Some(index) = args.first() else {
        anyhow::bail!("usage: cargo bench --bench query_latency -- INDEX [QUERIES] [RUNS]");
    };
    let queries = args
        .get(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bench/queries.txt"));
    let runs: usize = args.get(2).map(|r| r.parse()).transpose()?.unwrap_or(20);

    let idx = search::index::open_index(std::path::Path::new(index))?;
    let mut all = Vec::new();
    println!("| query | matches | first run ms | p50 ms | p95 ms |");
    println!("|---|---|---|---|---|");
    for line in std::fs::read_to_string(&queries)?.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let words =
            shlex::split(line).ok_or_else(|| anyhow::anyhow!("unbalanced quotes in `{line}`"))?;
        let cli = cli::Cli::try_parse_from(
            ["search", "query"]
                .into_iter()
                .map(String::from)
                .chain(words),
        )?;
        let cli::Command::Query(query) = &cli.command else {
            unreachable!("parsed as a query");
        };
        let request = query.to_request();
        let start = Instant::now();
        let results = search::query::run_query(&idx, &request)?;
        let first = start.elapsed().as_secs_f64() * 1e3;
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let start = Instant::now();
            let again = search::query::run_query(&idx, &request)?;
            times.push(start.elapsed().as_secs_f64() * 1e3);
            std::hint::black_box(again);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "| `{line}` | {} | {first:.2} | {:.2} | {:.2} |",
            results.total,
            percentile(&times, 0.5),
            percentile(&times, 0.95)
        );
        all.extend(times);
    }
    all.sort_by(f64::total_cmp);
    println!(
        "| **all {} runs** | | | **{:.2}** | **{:.2}** |",
        all.len(),
        percentile(&all, 0.5),
        percentile(&all, 0.95)
    );
    Ok(())
}

/// The `q`-quantile of sorted values (nearest rank).
fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((q * (sorted.len() - 1) as f64).round() as usize).min(sorted.len() - 1)]
}
