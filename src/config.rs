//! The validated configuration a run works from: what the command line asked, resolved
//! against the environment (terminal or pipe, width, `NO_COLOR`, CI). A leaf: plain values
//! that know nothing of clap; [`crate::cli`] resolves its arguments into them.

use std::path::PathBuf;

use crate::cost::PriceTable;
use crate::discover::Filter;

/// Facts about the process's surroundings that decide defaults. Gathered once in `main`,
/// so everything below it is testable without a terminal.
#[derive(Debug, Clone, Default)]
pub struct Env {
    pub stdout_is_terminal: bool,
    pub stderr_is_terminal: bool,
    /// The terminal's width; `None` when unknown (or reported as 0 by a pseudo-terminal).
    pub terminal_width: Option<u16>,
    /// `NO_COLOR` is set to something non-empty.
    pub no_color: bool,
    /// `GITHUB_ACTIONS=true`.
    pub github_actions: bool,
    /// Standard input was closed when the process started (`<&-`): `-` has nothing to read.
    pub stdin_closed: bool,
}

/// The width tables get when the terminal does not say.
pub const DEFAULT_WIDTH: u16 = 100;
/// Narrower than this, no table is readable: widths below it are raised to it.
pub const MIN_WIDTH: u16 = 40;

#[derive(Debug, Clone)]
pub struct Inputs {
    pub paths: Vec<PathBuf>,
    /// Which files folder walks read (`--glob`, `--exclude`, `--hidden`).
    pub filter: Filter,
    pub quiet: bool,
    /// 0 means all cores.
    pub threads: usize,
    /// Show a progress bar (stderr is a terminal and not `--quiet`).
    pub progress: bool,
    /// Standard input was closed at start: `-` fails, rather than read as an empty file.
    pub stdin_closed: bool,
}

/// How tables look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableStyle {
    pub width: u16,
    pub color: bool,
    /// Whole texts and arguments.
    pub full: bool,
    /// Cut texts and arguments to this many characters.
    pub max_cell: Option<usize>,
    /// Every column, none cut to the width (`--wide`).
    pub wide: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InspectFormat {
    Table,
    Jsonl,
    Json,
    Csv,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Turns,
    Tools,
    Thoughts,
    All,
    Sessions,
    Transcript,
}

#[derive(Debug, Clone)]
pub struct InspectConfig {
    pub inputs: Inputs,
    pub format: InspectFormat,
    pub view: View,
    /// No view was named and a person reads the table on a terminal: when the inputs turn
    /// out to hold one session, show it as a transcript instead of `view`.
    pub story_for_one_session: bool,
    pub style: TableStyle,
    /// The run's one price table: the embedded one with `--prices` merged over it.
    pub prices: PriceTable,
    /// `--format otlp`: the run is exported as one OpenTelemetry document instead of
    /// printed (`format` is then `Jsonl`, the other format for programs, and unused).
    pub otlp: Option<Otlp>,
}

/// How to export OpenTelemetry traces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Otlp {
    /// `--otel-content`: the export carries the texts (prompts, answers, thoughts, tool
    /// arguments and results).
    pub content: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupBy {
    Api,
    Model,
    File,
    Tool,
    Day,
    Session,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummaryFormat {
    Table,
    Json,
}

#[derive(Debug, Clone)]
pub struct SummaryConfig {
    pub inputs: Inputs,
    pub by: Option<GroupBy>,
    pub format: SummaryFormat,
    pub style: TableStyle,
    /// The run's one price table: the embedded one with `--prices` merged over it.
    pub prices: PriceTable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidateFormat {
    Text,
    Json,
    Junit,
    Github,
}

#[derive(Debug, Clone)]
pub struct ValidateConfig {
    pub inputs: Inputs,
    pub format: ValidateFormat,
    pub deny_warnings: bool,
    /// Rule ids whose findings are dropped.
    pub allow: Vec<String>,
}

#[derive(Debug, Clone)]
pub enum Config {
    Inspect(InspectConfig),
    Summary(SummaryConfig),
    Validate(ValidateConfig),
    ListRules,
}

/// A usage error: exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
