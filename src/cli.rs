//! The command line, as clap sees it. Nothing below [`crate::config`] knows about clap.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

const INSPECT_EXAMPLES: &str = "\
Examples:
  aibridge-trace inspect capture.sse
  aibridge-trace inspect fixtures/
  aibridge-trace inspect --format jsonl dumps/ | jq -r '.tool_calls[].name'
  aibridge-trace inspect fixtures/ | jq 'select(.error != null) | .source'";

#[derive(Debug, Parser)]
#[command(
    name = "aibridge-trace",
    version,
    about = "Rebuild every turn of captured LLM API traffic (Anthropic Messages, OpenAI Chat Completions, OpenAI Responses)",
    long_about = None,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Rebuild the turns of captures: txtar fixtures, SSE dumps, JSON bodies, HTTP responses.
    #[command(after_help = INSPECT_EXAMPLES)]
    Inspect(InspectArgs),
}

#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// Files or directories to read (directories are walked recursively, in sorted order).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format: one JSON object per turn and line.
    #[arg(long, value_enum, default_value_t = FormatArg::Jsonl)]
    pub format: FormatArg,

    /// Print no notes on stderr (skipped files); errors are still printed.
    #[arg(short, long)]
    pub quiet: bool,

    /// Worker threads (default: all cores).
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Jsonl,
}
