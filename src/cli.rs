//! The command line, as clap sees it. Nothing below [`crate::config`] knows about clap.

use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::error::{ContextKind, ContextValue};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::diagnostic::RULES;

mod resolve;

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

    /// Read only part K of N of the inputs (1 ≤ K ≤ N), for N jobs that split a corpus
    #[arg(long, value_name = "K/N", long_help = SHARD_HELP)]
    pub shard: Option<String>,
}

/// `--shard` in the man pages: how inputs are split, and how the parts come together.
const SHARD_HELP: &str = "\
Read only part K of N of the inputs (1 ≤ K ≤ N), so that N jobs (a Kubernetes indexed Job \
with --shard $((JOB_COMPLETION_INDEX+1))/N, a Spark task per part, GNU parallel over hosts) \
each take one part of a corpus, given the same paths. An input goes to the part its path \
hashes to: the path as written on the command line joined with the walked relative path \
(so machines that mount the corpus in different places split it alike, given the same \
relative paths), by a hash that is the same on every build and machine. A HAR is one input, \
a gateway dump pair too. Every input is in exactly one part: the N parts' `inspect --format \
jsonl` outputs together hold exactly the whole run's turns, and `cat part-*.jsonl | \
aibridge-trace summary -` (or inspect) reads them back as one run: threading links turns \
across parts, and the turns are put back in the whole run's order (each turn's \
`threading.part`), so summaries match one run's byte for byte. JSONL printed without \
--shard (an earlier run's output in the corpus) is read as one input: its turns stay at its \
place, in its order. Their `files` count the \
captures the turns came from; an input that gave no turn (a README, a passthrough dump) \
leaves no trace in JSONL, so it is counted by the run that read it, not by the summary of \
the parts.";

#[derive(Debug, Args)]
pub struct InspectArgs {
    #[command(flatten)]
    pub input: InputArgs,

    /// Output format [default: table on a terminal, jsonl otherwise]
    #[arg(short, long, value_enum, long_help = FORMAT_HELP)]
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

    /// Tables keep every column and cut no cell to the width (lines may be longer than
    /// the terminal)
    #[arg(long)]
    pub wide: bool,

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

    /// With --format otlp: put the texts in the export too (prompts, answers, thoughts,
    /// tool arguments and results), which are left out otherwise as sensitive
    #[arg(long, long_help = OTEL_CONTENT_HELP)]
    pub otel_content: bool,
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

    /// Tables keep every column and cut no cell to the width (lines may be longer than
    /// the terminal)
    #[arg(long)]
    pub wide: bool,

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

/// `--format` in the man page: the formats, and the OpenTelemetry mapping in full.
const FORMAT_HELP: &str = "\
Output format [default: table on a terminal, jsonl otherwise].

otlp writes one OTLP/JSON ExportTraceServiceRequest (the protobuf JSON mapping: \
resourceSpans, scopeSpans, spans; ids in hex, times as Unix nanoseconds in strings) for the \
Collector's file receivers and vendors' importers. Each session is a trace; each turn a span \
`chat MODEL` (kind CLIENT) with no parent, linked to the turn it continues; each tool call \
a child span `execute_tool NAME` (kind INTERNAL). Attributes of a turn, from the OpenTelemetry \
GenAI semantic conventions: `gen_ai.operation.name` (`chat`), `gen_ai.provider.name` \
(`anthropic` for the Messages API, `openai` for Chat and Responses, whoever serves them), \
`gen_ai.request.model`, `gen_ai.response.model` (the turn's `model`), `gen_ai.response.id`, \
`gen_ai.conversation.id` (the session id), `gen_ai.response.finish_reasons` (the stop \
reason), `gen_ai.usage.input_tokens` (the whole prompt: usage.input + cache_read + \
cache_write, since the conventions count cached tokens inside the input and this tool's \
usage.input does not), `gen_ai.usage.output_tokens`, `gen_ai.usage.cache_read.input_tokens`, \
`gen_ai.usage.cache_creation.input_tokens`, `gen_ai.usage.reasoning.output_tokens` (part \
of the output), `gen_ai.request.temperature`, `gen_ai.request.max_tokens`, \
`gen_ai.request.stream`; a failed turn (an error recorded) has `error.type` (the provider's \
error type, else the HTTP status, else `_OTHER`) and status ERROR with the error's message. \
Attributes of a tool call: `gen_ai.operation.name` (`execute_tool`), `gen_ai.tool.name`, \
`gen_ai.tool.type` (`function` for client-run calls, `extension` for provider-run ones), \
`gen_ai.tool.call.id`; a result marked is_error gives `error.type` `tool_error` and status \
ERROR. Each is left out where the turn does not say it, and a count past 2^63−1 (OTLP's \
integers are 64-bit signed) is left out rather than clamped to a wrong count. This tool's own attributes (each as \
the JSONL field of that name): `aibridge_trace.api`, `aibridge_trace.source.path`, \
`aibridge_trace.source.section`, `aibridge_trace.source.entry`, \
`aibridge_trace.source.interception_id`, `aibridge_trace.source.provider`, \
`aibridge_trace.session.step`, `aibridge_trace.complete` (false for a stream cut short), \
`aibridge_trace.cost_usd` (cost.usd), `aibridge_trace.timing` (how the span's times were \
found, below); on tool spans `aibridge_trace.tool.kind` (`function`, `custom`, `server`), \
`aibridge_trace.tool.injected` (set when true), and the turn whose request carried the \
result: `aibridge_trace.tool.result.source.path`, `aibridge_trace.tool.result.source.section`, \
`aibridge_trace.tool.result.source.entry`, `aibridge_trace.tool.result.source.interception_id`, \
`aibridge_trace.tool.result.source.provider`; on span links `aibridge_trace.link` \
(`previous_step`: the turn this one continues). Times: a turn spans its `timing` (`captured`); with \
a start but no duration (gateway dumps) it has no length (`start_only`); with no timing \
(txtar, SSE, JSON files) it gets a placeholder, 2000-01-01T00:00:00Z plus one second per \
step of its session, half a second long (`placeholder`). A tool call spans from the end of \
its turn to the start of the turn whose request carried its result, when that is later; \
else it has no length. Ids are deterministic: the trace id hashes the session id, a turn's \
span id the session id and the turn's source, a call's span id its turn's and its index; \
the same captures export the same ids. Texts are left out unless --otel-content.";

/// `--otel-content` in the man page: which attributes the texts go into.
const OTEL_CONTENT_HELP: &str = "\
With --format otlp: put the texts in the export too, as the GenAI conventions' opt-in \
content attributes, each a JSON text: on a turn's span `gen_ai.input.messages` (the tool \
results the request carried, as `tool_call_response` parts, and the user's last prompt) and \
`gen_ai.output.messages` (thoughts as `reasoning` parts, the answer as `text`, calls as \
`tool_call` parts, and the `finish_reason`; left out for a turn that failed); on a tool \
call's span `gen_ai.tool.call.arguments` and `gen_ai.tool.call.result`. Prompts, answers and \
tool data are often confidential: without this flag none of them is exported.";

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
    /// One OpenTelemetry OTLP/JSON document (`ExportTraceServiceRequest`): a trace per
    /// session, a span per turn and per tool call, with the GenAI semantic conventions'
    /// attributes (the mapping: `man aibridge-trace-inspect`, --format)
    Otlp,
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
    /// A turn counts under each tool it called, or under `(no tools)`; a tool's group
    /// lists that tool alone under `tools`
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
