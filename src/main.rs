//! The `search` binary: parses arguments, runs one subcommand, maps the outcome
//! to an exit code (0 ok, 1 nothing found or inputs skipped, 2 error).

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // A panic is a bug: say so in one line. Inside a guarded search the
    // library turns it into an ordinary error, so nothing is printed here.
    std::panic::set_hook(Box::new(|info| {
        if !search::query::in_guarded_search() {
            eprintln!("search: internal error: {info}");
        }
    }));
    let cli = cli::Cli::parse();
    match commands::run(&cli) {
        Ok(code) => code,
        Err(err) if commands::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            // Each cause once: typed errors often repeat their source's text.
            let mut chain: Vec<String> = Vec::new();
            for cause in err.chain().map(|e| e.to_string()) {
                if !chain.last().is_some_and(|prev| prev.contains(&cause)) {
                    chain.push(cause);
                }
            }
            eprintln!("search: error: {}", chain.join(": "));
            ExitCode::from(2)
        }
    }
}
