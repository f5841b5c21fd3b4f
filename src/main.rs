//! The `search` binary: parses arguments, runs one subcommand, maps the outcome
//! to an exit code (0 ok, 1 nothing found or inputs skipped, 2 error).

mod cli;
mod commands;

use std::process::ExitCode;
use std::sync::Mutex;

use clap::error::ErrorKind;
use clap::Parser;

/// The message of the last panic, kept by the panic hook. A panic is a bug:
/// if it ends the command, `main` says so in one line. Inside a search the
/// library turns an engine panic into an ordinary error, so nothing is
/// printed for those.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// The exit code of a command ended by a panic (Rust's own).
const PANIC_EXIT: u8 = 101;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(info.to_string());
        }
    }));
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage_error(err),
    };
    let outcome = std::panic::catch_unwind(|| commands::run(&cli));
    match outcome {
        Err(_) => {
            let message = LAST_PANIC
                .lock()
                .ok()
                .and_then(|mut last| last.take())
                .unwrap_or_else(|| "panic".to_string());
            eprintln!("search: internal error: {message}");
            ExitCode::from(PANIC_EXIT)
        }
        Ok(Ok(code)) => code,
        Ok(Err(err)) if commands::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Ok(Err(err)) => {
            // Each cause once: typed errors often repeat their source's text.
            let mut chain: Vec<String> = Vec::new();
            for cause in err.chain().map(|e| e.to_string()) {
                if !chain.last().is_some_and(|prev| prev.contains(&cause)) {
                    chain.push(cause);
                }
            }
            commands::print_error(&cli, &chain.join(": "));
            commands::Exit::Error.into()
        }
    }
}

/// Help and version as clap prints them; a usage error in one line
/// (`search: error: unexpected argument '--x' found (see --help)`), exit 2.
fn usage_error(err: clap::Error) -> ExitCode {
    match err.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => err.exit(),
        _ => {
            let text = err.render().to_string();
            let first = text
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("invalid arguments");
            let first = first.trim().strip_prefix("error: ").unwrap_or(first.trim());
            eprintln!(
                "search: error: {} (see search --help)",
                search::text::sanitize_for_terminal(first)
            );
            commands::Exit::Error.into()
        }
    }
}
