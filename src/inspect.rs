//! `inspect`: every turn of the inputs, threaded into sessions, through the printer the
//! format and view ask for.

use std::io::{self, Write};

use crate::config::{InspectConfig, InspectFormat, View};
use crate::render;
use crate::run::{self, Status};

pub fn run(
    config: &InspectConfig,
    out: &mut impl Write,
    err: &mut impl Write,
) -> io::Result<Status> {
    // Every turn is read and threaded before any is printed: a turn's `session` and its
    // calls' `result`s come from turns of any input. Notes go to stderr as inputs finish.
    let (threaded, status) = run::threaded(&config.inputs, &config.prices, err, |_| {})?;
    // Every input was read before printing, so the verdict is known: a pipe closed while
    // printing (`| head`) ends the printing, not the verdict (hostile run 62: a failed
    // input's error was printed, then the run exited 0).
    match print(config, threaded, out) {
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(status),
        printed => printed.map(|()| status),
    }
}

/// Prints the run's turns in the view and format asked for.
fn print(config: &InspectConfig, threaded: run::Threaded, out: &mut impl Write) -> io::Result<()> {
    if let Some(otlp) = config.otlp {
        let whole = threaded.into_whole()?;
        return render::otlp::print(out, &whole, &whole.sessions, otlp.content);
    }
    let view = view_for(config, threaded.sessions.len(), one_file(&threaded));
    let style = config.style;
    if matches!(view, View::Transcript | View::Sessions) {
        let whole = threaded.into_whole()?;
        let sessions = &whole.sessions;
        return match (view, config.format) {
            (View::Transcript, InspectFormat::Markdown) => {
                render::transcript::markdown(out, &whole, sessions, style)
            }
            (View::Transcript, _) => render::transcript::text(out, &whole, sessions, style),
            (_, format) => render::sessions::print(out, format, style, &whole.turns, sessions),
        };
    }
    let mut printer = render::printer(config.format, view, config.style);
    for turn in threaded.into_turns() {
        printer.turn(out, &turn?)?;
    }
    printer.finish(out)
}

/// The view to print: the one asked for, except that a person who named none and whose
/// inputs hold one session (one agent run) or come from one capture file (a fixture's
/// streaming and blocking answers to one request, say) reads them as a transcript.
fn view_for(config: &InspectConfig, sessions: usize, one_file: bool) -> View {
    match config.story_for_one_session && (sessions == 1 || one_file) {
        true => View::Transcript,
        false => config.view,
    }
}

/// Whether every turn came from one input file (and there is a turn at all).
fn one_file(threaded: &run::Threaded) -> bool {
    let mut sources = threaded.sources();
    match sources.next() {
        Some(first) => sources.all(|s| s.path == first.path),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;
    use crate::config::{Config, Env};
    use clap::Parser;

    fn config(args: &[&str], terminal: bool) -> InspectConfig {
        let env = Env {
            stdout_is_terminal: terminal,
            ..Env::default()
        };
        let cli = Cli::parse_from([&["aibridge-trace", "inspect"], args].concat());
        match Config::from_cli(cli, &env) {
            Ok(Config::Inspect(config)) => config,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn one_session_on_a_terminal_reads_as_a_transcript() {
        let terminal = config(&["x"], true);
        assert_eq!(view_for(&terminal, 1, false), View::Transcript);
        assert_eq!(view_for(&terminal, 2, false), View::Turns);
        assert_eq!(view_for(&terminal, 0, false), View::Turns);
        // One capture file holding two sessions (a fixture's streaming and blocking
        // answers) is still one capture's story.
        assert_eq!(view_for(&terminal, 2, true), View::Transcript);
        // A view named, a pipe, or a format other than the table keep what was asked.
        assert_eq!(
            view_for(&config(&["--view", "turns", "x"], true), 1, true),
            View::Turns
        );
        assert_eq!(view_for(&config(&["x"], false), 1, true), View::Turns);
        let markdown = config(&["--format", "markdown", "x"], true);
        assert_eq!(view_for(&markdown, 1, true), View::Turns);
    }
}
