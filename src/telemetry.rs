//! Logging: a tracing subscriber on standard error, filtered by `MASTHEAD_LOG` (or
//! `RUST_LOG`), default `info`; text (the default) or one JSON object a line
//! (`MASTHEAD_LOG_FORMAT=json`). Colours only when standard error is a terminal, so
//! that a pipe, a file or the journal get plain text.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines (coloured on a terminal).
    #[default]
    Text,
    /// One JSON object a line, its fields at the top level (for log shippers).
    Json,
}

pub fn init(format: LogFormat) {
    let filter = std::env::var("MASTHEAD_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .ok()
        .and_then(|f| EnvFilter::try_new(f).ok())
        .unwrap_or_else(|| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false);
    let _ = match format {
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).try_init(),
        LogFormat::Json => builder.json().flatten_event(true).with_ansi(false).try_init(),
    };
}
