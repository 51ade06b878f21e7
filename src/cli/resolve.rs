//! The command line resolved into a [`Config`]: clap's arguments checked and combined with
//! the environment (terminal or pipe, width, `NO_COLOR`, CI), so nothing below knows clap.

use std::io::Read;
use std::path::Path;

use crate::cli::{
    Cli, ColorArg, Command, GroupArg, InputArgs, InspectFormatArg, SummaryFormatArg,
    ValidateFormatArg, ViewArg,
};
use crate::config::{
    Config, DEFAULT_WIDTH, Env, GroupBy, Inputs, InspectConfig, InspectFormat, MIN_WIDTH, Otlp,
    SummaryConfig, SummaryFormat, TableStyle, UsageError, ValidateConfig, ValidateFormat, View,
};
use crate::cost::PriceTable;
use crate::discover::{Filter, Shard, io_message};
use crate::read::{self, not_regular};

fn inputs(args: InputArgs, env: &Env) -> Result<Inputs, UsageError> {
    if args.threads == Some(0) {
        return Err(UsageError("--threads takes a number of at least 1".into()));
    }
    if args.paths.is_empty() {
        return Err(UsageError(
            "no PATH given: name files or folders to read (`-` reads stdin)".into(),
        ));
    }
    let mut filter = Filter::new(&args.glob, &args.exclude, args.hidden)
        .map_err(|why| UsageError(format!("--glob/--exclude: {why}")))?;
    filter.shard = args
        .shard
        .as_deref()
        .map(Shard::parse)
        .transpose()
        .map_err(|why| UsageError(format!("--shard: {why}")))?;
    Ok(Inputs {
        paths: args.paths,
        filter,
        quiet: args.quiet,
        threads: args.threads.unwrap_or(0),
        progress: env.stderr_is_terminal && !args.quiet,
        stdin_closed: env.stdin_closed,
    })
}

/// The most a `--prices` file may hold, in MiB. The table built in is a fraction of one:
/// a file past this is a mistake (a capture named in its place, a log), not read.
const MAX_PRICES_MIB: u64 = 64;

/// The price table a run prices turns with: the one compiled in, with the entries of
/// `--prices FILE` replacing or adding whole models. Read once per run, here, never per
/// turn. A file that cannot be read, or is no price table, is a usage error naming it; so
/// is a device or a pipe (endless, or waiting forever for a writer), told before it is
/// opened, and a file past [`MAX_PRICES_MIB`], told by its size and by what was read.
fn prices(file: Option<&Path>) -> Result<PriceTable, UsageError> {
    let mut table = PriceTable::embedded();
    if let Some(path) = file {
        let failed = |why: String| {
            UsageError(format!(
                "--prices {}: {why}",
                crate::discover::path_text(path)
            ))
        };
        let text = price_file(path).map_err(failed)?;
        let overrides = PriceTable::parse(&text).map_err(|err| failed(err.to_string()))?;
        table.merge(overrides);
    }
    Ok(table)
}

/// The text of a `--prices` file, or why it is not read.
fn price_file(path: &Path) -> Result<String, String> {
    // Opened before it is asked what it is, so that the answer is about what is read.
    let file = read::open_file(path).map_err(|err| io_message(&err))?;
    let meta = file.metadata().map_err(|err| io_message(&err))?;
    if meta.is_dir() {
        return Err("a folder, not a price table file".into());
    }
    if !meta.is_file() {
        return Err(format!(
            "{}, not a regular file: not read",
            not_regular(&meta.file_type())
        ));
    }
    let too_big = || format!("more than {MAX_PRICES_MIB} MiB, too big for a price table: not read");
    let limit = MAX_PRICES_MIB << 20;
    if meta.len() > limit {
        return Err(too_big());
    }
    // The size told may be wrong (a file still growing, or one of /proc's): read no more
    // than the limit whatever it said.
    let mut text = String::new();
    file.take(limit + 1)
        .read_to_string(&mut text)
        .map_err(|err| io_message(&err))?;
    if text.len() as u64 > limit {
        return Err(too_big());
    }
    Ok(text)
}

fn style(width: Option<u16>, color: ColorArg, env: &Env) -> TableStyle {
    let width = width
        .or(env.terminal_width.filter(|w| *w > 0))
        .unwrap_or(DEFAULT_WIDTH)
        .max(MIN_WIDTH);
    let color = match color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => env.stdout_is_terminal && !env.no_color,
    };
    TableStyle {
        width,
        color,
        full: false,
        max_cell: None,
        wide: false,
    }
}

impl Config {
    pub fn from_cli(cli: Cli, env: &Env) -> Result<Config, UsageError> {
        Ok(match cli.command {
            Command::Inspect(args) => {
                let mut style = style(args.width, args.color, env);
                style.full = args.full;
                style.max_cell = args.max_width;
                style.wide = args.wide;
                let format = match args.format {
                    Some(InspectFormatArg::Table) => InspectFormat::Table,
                    Some(InspectFormatArg::Jsonl) => InspectFormat::Jsonl,
                    Some(InspectFormatArg::Json) => InspectFormat::Json,
                    Some(InspectFormatArg::Csv) => InspectFormat::Csv,
                    Some(InspectFormatArg::Markdown) => InspectFormat::Markdown,
                    Some(InspectFormatArg::Otlp) => InspectFormat::Jsonl,
                    // A transcript is text for people, piped to a pager or a file too.
                    None if env.stdout_is_terminal || args.view == Some(ViewArg::Transcript) => {
                        InspectFormat::Table
                    }
                    None => InspectFormat::Jsonl,
                };
                // A person at a terminal who names no view came to read what happened: one
                // session is told as a story, several are listed a turn a row.
                let story_for_one_session =
                    args.view.is_none() && env.stdout_is_terminal && format == InspectFormat::Table;
                let view = match args.view.unwrap_or(ViewArg::Turns) {
                    ViewArg::Turns => View::Turns,
                    ViewArg::Tools => View::Tools,
                    ViewArg::Thoughts => View::Thoughts,
                    ViewArg::All => View::All,
                    ViewArg::Sessions => View::Sessions,
                    ViewArg::Transcript => View::Transcript,
                };
                if format == InspectFormat::Csv && view == View::All {
                    return Err(UsageError(
                        "csv holds one table: choose --view turns, tools, thoughts or sessions"
                            .into(),
                    ));
                }
                if view == View::Transcript
                    && !matches!(format, InspectFormat::Table | InspectFormat::Markdown)
                {
                    return Err(UsageError(
                        "a transcript is text: use --format table (plain text when piped) or markdown".into(),
                    ));
                }
                let otlp = (args.format == Some(InspectFormatArg::Otlp)).then_some(Otlp {
                    content: args.otel_content,
                });
                if otlp.is_some() && args.view.is_some() {
                    return Err(UsageError(
                        "otlp exports every session, turn and tool call: name no --view".into(),
                    ));
                }
                if args.otel_content && otlp.is_none() {
                    return Err(UsageError(
                        "--otel-content is for --format otlp (other formats always hold the texts)"
                            .into(),
                    ));
                }
                Config::Inspect(InspectConfig {
                    otlp,
                    inputs: inputs(args.input, env)?,
                    format,
                    view,
                    story_for_one_session,
                    style,
                    prices: prices(args.prices.as_deref())?,
                })
            }
            Command::Summary(args) => Config::Summary(SummaryConfig {
                style: TableStyle {
                    wide: args.wide,
                    ..style(args.width, args.color, env)
                },
                inputs: inputs(args.input, env)?,
                by: args.by.map(|by| match by {
                    GroupArg::Api => GroupBy::Api,
                    GroupArg::Model => GroupBy::Model,
                    GroupArg::File => GroupBy::File,
                    GroupArg::Tool => GroupBy::Tool,
                    GroupArg::Day => GroupBy::Day,
                    GroupArg::Session => GroupBy::Session,
                }),
                format: match args.format {
                    SummaryFormatArg::Table => SummaryFormat::Table,
                    SummaryFormatArg::Json => SummaryFormat::Json,
                },
                prices: prices(args.prices.as_deref())?,
            }),
            Command::Validate(args) if args.list_rules => Config::ListRules,
            // clap checked the `--allow` ids against the rule list (see `cli::RuleId`).
            Command::Validate(args) => Config::Validate(ValidateConfig {
                format: match args.format {
                    Some(ValidateFormatArg::Text) => ValidateFormat::Text,
                    Some(ValidateFormatArg::Json) => ValidateFormat::Json,
                    Some(ValidateFormatArg::Junit) => ValidateFormat::Junit,
                    Some(ValidateFormatArg::Github) => ValidateFormat::Github,
                    None if env.github_actions => ValidateFormat::Github,
                    None => ValidateFormat::Text,
                },
                inputs: inputs(args.input, env)?,
                deny_warnings: args.deny_warnings,
                allow: args.allow,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn config(args: &[&str], env: &Env) -> Result<Config, UsageError> {
        let mut all = vec!["aibridge-trace"];
        all.extend_from_slice(args);
        Config::from_cli(Cli::try_parse_from(all).unwrap(), env)
    }

    #[test]
    fn table_on_a_terminal_jsonl_on_a_pipe() {
        let tty = Env {
            stdout_is_terminal: true,
            ..Env::default()
        };
        let Config::Inspect(c) = config(&["inspect", "x"], &tty).unwrap() else {
            panic!()
        };
        assert_eq!(c.format, InspectFormat::Table);
        assert!(c.style.color);
        let Config::Inspect(c) = config(&["inspect", "x"], &Env::default()).unwrap() else {
            panic!()
        };
        assert_eq!(c.format, InspectFormat::Jsonl);
        assert!(!c.style.color);
    }

    #[test]
    fn a_transcript_is_plain_text_on_a_pipe_and_never_json() {
        let pipe = Env::default();
        let Config::Inspect(c) = config(&["inspect", "--view", "transcript", "x"], &pipe).unwrap()
        else {
            panic!()
        };
        assert_eq!((c.format, c.view), (InspectFormat::Table, View::Transcript));
        assert!(!c.style.color);
        let Config::Inspect(c) = config(&["inspect", "--view", "sessions", "x"], &pipe).unwrap()
        else {
            panic!()
        };
        assert_eq!((c.format, c.view), (InspectFormat::Jsonl, View::Sessions));
        for format in ["jsonl", "json", "csv"] {
            let args = ["inspect", "--view", "transcript", "-f", format, "x"];
            assert!(config(&args, &pipe).is_err(), "{format}");
        }
        assert!(
            config(
                &["inspect", "--view", "transcript", "-f", "markdown", "x"],
                &pipe
            )
            .is_ok()
        );
    }

    #[test]
    fn zero_width_terminal_gets_the_default_width() {
        let env = Env {
            terminal_width: Some(0),
            ..Env::default()
        };
        let Config::Inspect(c) = config(&["inspect", "x"], &env).unwrap() else {
            panic!()
        };
        assert_eq!(c.style.width, DEFAULT_WIDTH);
        let Config::Inspect(c) = config(&["inspect", "--width", "5", "x"], &env).unwrap() else {
            panic!()
        };
        assert_eq!(c.style.width, MIN_WIDTH);
    }

    #[test]
    fn no_color_wins_over_auto_but_not_always() {
        let env = Env {
            stdout_is_terminal: true,
            no_color: true,
            ..Env::default()
        };
        let Config::Inspect(c) = config(&["inspect", "x"], &env).unwrap() else {
            panic!()
        };
        assert!(!c.style.color);
        let Config::Inspect(c) = config(&["inspect", "--color", "always", "x"], &env).unwrap()
        else {
            panic!()
        };
        assert!(c.style.color);
    }

    #[test]
    fn github_format_under_actions() {
        let env = Env {
            github_actions: true,
            ..Env::default()
        };
        let Config::Validate(c) = config(&["validate", "x"], &env).unwrap() else {
            panic!()
        };
        assert_eq!(c.format, ValidateFormat::Github);
    }

    #[test]
    fn usage_errors() {
        assert!(config(&["inspect"], &Env::default()).is_err());
        assert!(config(&["inspect", "-j", "0", "x"], &Env::default()).is_err());
        assert!(config(&["inspect", "--glob", "a[", "x"], &Env::default()).is_err());
        assert!(matches!(
            config(&["validate", "--list-rules"], &Env::default()),
            Ok(Config::ListRules)
        ));
    }
}
