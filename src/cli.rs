//! The command line, as clap sees it. Nothing below [`crate::config`] knows about clap.

use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::error::{ContextKind, ContextValue};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::diagnostic::RULES;

const INSPECT_EXAMPLES: &str = "\
Examples:
  aibridge-trace inspect capture.sse
  aibridge-trace inspect fixtures/ --view tools
  aibridge-trace inspect traffic.har --view transcript | less -R
  aibridge-trace inspect --format jsonl dumps/ | jq -r '.tool_calls[].name'
  aibridge-trace inspect traffic.har --format csv > turns.csv
  aibridge-trace inspect tests/cassettes/ .claude-trace/ --view sessions";

const SUMMARY_EXAMPLES: &str = "\
Examples:
  aibridge-trace summary dumps/
  aibridge-trace summary fixtures/ --by model
  aibridge-trace summary traffic.har --by tool --format json | jq .groups";

const VALIDATE_EXAMPLES: &str = "\
Examples:
  aibridge-trace validate fixtures/
  aibridge-trace validate fixtures/ --deny-warnings --allow txtar-unknown-section
  aibridge-trace validate fixtures/ --format junit > validate.xml
  aibridge-trace validate tests/cassettes/
  aibridge-trace validate --list-rules";

/// The end of a subcommand's `--help`: where its reference is, then its examples.
fn reference(page: &str, holds: &str, examples: &str) -> String {
    format!("Reference: `man {page}` ({holds}; from a clone: `man -l man/{page}.1`)\n\n{examples}")
}

#[derive(Debug, Parser)]
#[command(
    name = "aibridge-trace",
    version,
    about = "Rebuild every turn of captured LLM API traffic (Anthropic Messages, OpenAI Chat Completions, OpenAI Responses)",
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Rebuild the turns of captures: txtar fixtures, HAR archives, VCR cassettes, claude-trace
    /// logs, gateway dumps, SSE and Bedrock event streams, JSON bodies, HTTP responses
    #[command(
        after_help = INSPECT_EXAMPLES,
        after_long_help = reference(
            "aibridge-trace-inspect",
            "input formats, table views, the JSONL schema, exit status",
            INSPECT_EXAMPLES,
        )
    )]
    Inspect(InspectArgs),
    /// Aggregate turns: tokens, tool calls, thoughts, errors, latency
    #[command(
        after_help = SUMMARY_EXAMPLES,
        after_long_help = reference(
            "aibridge-trace-summary",
            "the JSON keys, latency, input formats, exit status",
            SUMMARY_EXAMPLES,
        )
    )]
    Summary(SummaryArgs),
    /// Check that fixtures and captures are well-formed and self-consistent, for CI
    #[command(
        after_help = VALIDATE_EXAMPLES,
        after_long_help = reference(
            "aibridge-trace-validate",
            "what is checked, every rule, report formats, exit codes",
            VALIDATE_EXAMPLES,
        )
    )]
    Validate(ValidateArgs),
}

/// Where inputs come from, shared by every subcommand.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files or directories to read (directories are walked recursively, in sorted order;
    /// `-` reads stdin). Compressed files (gzip, zstd) are read as what they hold
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// In directories, read only files matching PATTERN (repeatable). A pattern without `/`
    /// matches file names, one with `/` the path below the directory; `*` stays within one
    /// folder
    #[arg(long, value_name = "PATTERN")]
    pub glob: Vec<String>,

    /// In directories, leave out files and folders matching PATTERN (repeatable; matched as
    /// --glob is)
    #[arg(long, value_name = "PATTERN")]
    pub exclude: Vec<String>,

    /// In directories, read hidden files and folders too (version-control folders stay
    /// skipped)
    #[arg(long)]
    pub hidden: bool,

    /// Print no notes on stderr (skipped files, progress); errors are still printed
    #[arg(short, long)]
    pub quiet: bool,

    /// Worker threads [default: all cores]
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Output format [default: table on a terminal, jsonl otherwise]
    #[arg(short, long, value_enum)]
    pub format: Option<InspectFormatArg>,

    /// What to show: one row per turn, tool call, thought or session, or each session told
    /// as a story (transcript) [default: on a terminal, the transcript when the inputs hold
    /// one session (one capture, or one agent run), else turns]
    #[arg(long, value_enum)]
    pub view: Option<ViewArg>,

    /// Show whole texts and arguments instead of cutting long cells
    #[arg(long)]
    pub full: bool,

    /// Table width in columns [default: the terminal's, else 100]
    #[arg(long, value_name = "N")]
    pub width: Option<u16>,

    /// Cut texts and arguments in tables to N characters
    #[arg(long, value_name = "N", conflicts_with = "full")]
    pub max_width: Option<usize>,

    /// When to colour tables
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,

    /// Add or override model prices from FILE (JSON, the format of the built-in table:
    /// `{"format": 1, "models": {"NAME": {"provider", "source", "read", "usd_per_mtok":
    /// {"input", "output", ...}}}}`); each model it names replaces that whole entry. The
    /// format: `man aibridge-trace-inspect`, PRICES
    #[arg(long, value_name = "FILE")]
    pub prices: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Group the aggregates by this key
    #[arg(long, value_enum)]
    pub by: Option<GroupArg>,

    /// Output format
    #[arg(short, long, value_enum, default_value_t = SummaryFormatArg::Table)]
    pub format: SummaryFormatArg,

    /// Table width in columns [default: the terminal's, else 100]
    #[arg(long, value_name = "N")]
    pub width: Option<u16>,

    /// When to colour tables
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,

    /// Add or override model prices from FILE (JSON, the format of the built-in table:
    /// `{"format": 1, "models": {"NAME": {"provider", "source", "read", "usd_per_mtok":
    /// {"input", "output", ...}}}}`); each model it names replaces that whole entry. The
    /// format: `man aibridge-trace-inspect`, PRICES
    #[arg(long, value_name = "FILE")]
    pub prices: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Report format [default: github when GITHUB_ACTIONS=true, else text]
    #[arg(short, long, value_enum)]
    pub format: Option<ValidateFormatArg>,

    /// Fail on warnings too
    #[arg(long)]
    pub deny_warnings: bool,

    /// Silence a rule (repeatable; see --list-rules)
    #[arg(long, value_name = "RULE", value_parser = RuleId, hide_possible_values = true)]
    pub allow: Vec<String>,

    /// List the rules and exit
    #[arg(long)]
    pub list_rules: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InspectFormatArg {
    /// Tables for people, fit to the terminal's width
    Table,
    /// One JSON object per turn per line (the schema: `man aibridge-trace-inspect`); per
    /// session with --view sessions
    Jsonl,
    /// One JSON array of the turns (of the sessions with --view sessions)
    Json,
    /// One view's rows for spreadsheets: nothing cut, raw numbers
    Csv,
    /// Pipe tables, for a pull-request comment
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ViewArg {
    /// One row per turn, with its token counts, and totals
    Turns,
    /// One row per tool call, with the thoughts its response gave before it
    Tools,
    /// One row per thought, with the tool calls that followed it
    Thoughts,
    /// The three views above (not with csv)
    All,
    /// One row per session (an agent run: turns threaded by tool results, replayed
    /// history, `previous_response_id`): its first prompt, steps, tool calls, failed calls,
    /// errors, tokens, wall time and how it ended. With jsonl or json: one object per session
    Sessions,
    /// Each session as a story to read top to bottom: the prompt, then per step the
    /// thoughts, each tool call with its arguments and result, the answer, and a footer
    /// (model, stop reason, tokens). Plain text, coloured on a terminal, or markdown; the
    /// default format even on a pipe
    Transcript,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// Colour on a terminal, unless NO_COLOR is set
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GroupArg {
    Api,
    Model,
    File,
    /// A turn counts under each tool it called, or under `(no tools)`
    Tool,
    /// The UTC day of `timing.started_at`, or `(no timing)`
    Day,
    /// The session (agent run) the turn belongs to, by its id
    Session,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SummaryFormatArg {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormatArg {
    /// One line per finding, `path:line: severity[rule]: message`, then a tally
    Text,
    /// One JSON object per finding per line, nothing else
    Json,
    /// JUnit XML, one test case per file, for CI dashboards
    Junit,
    /// GitHub Actions workflow commands: annotations on the pull request, then a tally
    Github,
}

/// `--allow`'s values: the rule ids, checked by clap (so a typo is a usage error that names
/// the valid ids) and offered by shell completion. Each carries its severity and summary,
/// which the man page lists.
#[derive(Debug, Clone, Copy)]
pub struct RuleId;

/// The rule list as clap's possible values.
fn rule_ids() -> impl Iterator<Item = PossibleValue> {
    RULES.iter().map(|rule| {
        PossibleValue::new(rule.id).help(format!("({}) {}", rule.severity.as_str(), rule.summary))
    })
}

impl TypedValueParser for RuleId {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        PossibleValuesParser::new(rule_ids())
            .parse_ref(cmd, arg, value)
            .map_err(|mut err| {
                err.insert(
                    ContextKind::Suggested,
                    ContextValue::StyledStrs(vec![
                        "`aibridge-trace validate --list-rules` says what each rule checks".into(),
                    ]),
                );
                err
            })
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(rule_ids()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_takes_rule_ids_only() {
        let cli =
            Cli::try_parse_from(["aibridge-trace", "validate", "--allow", "usage-total", "x"])
                .unwrap();
        let Command::Validate(args) = cli.command else {
            panic!()
        };
        assert_eq!(args.allow, ["usage-total"]);

        let err = Cli::try_parse_from(["aibridge-trace", "validate", "--allow", "usage-totl", "x"])
            .unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::InvalidValue);
        let message = err.to_string();
        assert!(message.contains("'usage-totl'"), "{message}");
        assert!(message.contains("usage-total"), "{message}");
        assert!(message.contains("parse-capture"), "{message}");
        assert!(message.contains("--list-rules"), "{message}");
    }
}
