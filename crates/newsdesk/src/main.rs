//! `newsdesk`: the one binary of Newsdesk. A thin edge: argument parsing,
//! files and terminals, logging; the work is in the library crates.

#![forbid(unsafe_code)]

mod config;
mod eval_cmd;
mod fetch;
mod import;
mod moving;
mod serve;
mod site;
mod summarize_cmd;
mod token;
mod train_cmd;
mod tune_cmd;
mod user;

use std::io::Write as _;

use clap::{Parser, Subcommand};

/// Newsdesk: a self-hosted news site engine with a faithful extractive summarizer.
#[derive(Parser, Debug)]
#[command(name = "newsdesk", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Commands,
    /// How log lines are written to standard error: `text` (for people) or
    /// `json` (one JSON object a line, for log shippers).
    #[arg(long, global = true, env = "NEWSDESK_LOG_FORMAT", value_enum, default_value = "text")]
    log_format: LogFormat,
}

/// How log lines are written.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum LogFormat {
    /// One line of text per event.
    Text,
    /// One JSON object per event (with the request's span: method, path, request id).
    Json,
}

#[derive(Subcommand, Debug)]
enum Commands {
    /// Summarize an article (a file, or standard input) or a JSONL batch.
    Summarize(summarize_cmd::Args),
    /// Score the summarizer against reference summaries (ROUGE-1/2/L F1) and time it.
    Eval(eval_cmd::Args),
    /// Re-derive the summarizer's ranking weights from a development set.
    Tune(tune_cmd::Args),
    /// Learn the ranking weights from the training data and print out-of-sample scores.
    Train(train_cmd::Args),
    /// Serve the news site and its JSON API (creates the database on first run).
    Serve(Box<serve::Args>),
    /// Import articles from Markdown (front matter), JSON or JSONL files, WordPress or Ghost exports, or feeds
    /// (files or URLs); updates in place by slug.
    Import(import::Args),
    /// Export every article (drafts included) in the import format, as JSONL or a file per article.
    Export(moving::export::Args),
    /// Copy a whole site from one database to another (SQLite or PostgreSQL).
    Migrate(moving::migrate::Args),
    /// Copy a SQLite site to a new file, safely while it is serving.
    Backup(moving::backup::Args),
    /// Create, list or revoke API tokens.
    Token(token::Args),
    /// Create, list and change newsroom users (who signs in at /admin).
    User(user::Args),
    /// Check a configuration file: print serve's effective settings, secrets masked.
    Config(config::Args),
}

fn main() -> std::process::ExitCode {
    let cli = match config::parse_cli() {
        Ok(cli) => cli,
        Err(err) => {
            eprintln!("error: {err:#}");
            return std::process::ExitCode::FAILURE;
        }
    };
    init_logging(cli.log_format);
    let result = match cli.command {
        Commands::Summarize(args) => summarize_cmd::run(args),
        Commands::Eval(args) => eval_cmd::run(args),
        Commands::Tune(args) => tune_cmd::run(args),
        Commands::Train(args) => train_cmd::run(args),
        Commands::Serve(args) => serve::run(*args),
        Commands::Import(args) => import::run(args),
        Commands::Export(args) => moving::export::run(args),
        Commands::Migrate(args) => moving::migrate::run(args),
        Commands::Backup(args) => moving::backup::run(args),
        Commands::Token(args) => token::run(args),
        Commands::User(args) => user::run(args),
        Commands::Config(args) => config::run(args),
    };
    match result {
        Ok(code) => code,
        // The reader of the output stopped reading (`| head`): done, quietly.
        Err(err) if broken_pipe(&err) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            // Not `eprintln!`, which panics when standard error is closed.
            let _ = writeln!(std::io::stderr(), "error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Whether an error comes from writing to a pipe whose reader is gone.
fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}

/// Logs to stderr, filtered by `RUST_LOG` (default: info), as text or JSON;
/// coloured only on a terminal (a log file or a pipe gets plain text).
fn init_logging(format: LogFormat) {
    use std::io::IsTerminal as _;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let fmt = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let _ = match format {
        LogFormat::Text => fmt.try_init(),
        // The event's fields and its innermost span's (a request's method,
        // path and id), not the list of every span.
        LogFormat::Json => fmt.json().with_current_span(true).with_span_list(false).try_init(),
    };
}
