//! The validated configuration a run works from: what the command line asked, with
//! clap's types left behind.

use std::path::PathBuf;

use crate::cli::{Cli, Command, FormatArg};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jsonl,
}

#[derive(Debug, Clone)]
pub struct InspectConfig {
    pub paths: Vec<PathBuf>,
    pub format: Format,
    pub quiet: bool,
    /// 0 means all cores.
    pub threads: usize,
}

#[derive(Debug, Clone)]
pub enum Config {
    Inspect(InspectConfig),
}

impl Config {
    pub fn from_cli(cli: Cli) -> anyhow::Result<Config> {
        match cli.command {
            Command::Inspect(args) => {
                if args.threads == Some(0) {
                    anyhow::bail!("--threads takes a number of threads of at least 1");
                }
                Ok(Config::Inspect(InspectConfig {
                    paths: args.paths,
                    format: match args.format {
                        FormatArg::Jsonl => Format::Jsonl,
                    },
                    quiet: args.quiet,
                    threads: args.threads.unwrap_or(0),
                }))
            }
        }
    }
}
