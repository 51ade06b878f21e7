//! The `aibridge-trace` binary: parse the command line, resolve it against the environment,
//! run, and map the outcome to an exit code (0 fine, 1 something failed, 2 bad usage).
//!
//! This is the edge where errors become words: the library's typed errors are given their
//! context here (`anyhow`), and a closed pipe is told from a real failure by its error kind,
//! never by its text.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Context;

use aibridge_trace::cli::Cli;
use aibridge_trace::config::{Config, Env};
use aibridge_trace::run::{Status, note_line};
use aibridge_trace::{inspect, render, summary, validate};
use clap::Parser;

fn main() -> ExitCode {
    // A panic on one input becomes that input's one-line failure, not a backtrace hint.
    aibridge_trace::run::quiet_hook();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return clap_exit(&err),
    };
    let config = match Config::from_cli(cli, &environment()) {
        Ok(config) => config,
        Err(err) => {
            let _ = note_line(&mut io::stderr(), &err.to_string());
            return ExitCode::from(2);
        }
    };
    if closed_at_start::stdout() {
        return stdout_closed();
    }
    match execute(&config) {
        Ok(Status::Ok) => ExitCode::SUCCESS,
        Ok(Status::SomeFailed) => ExitCode::from(1),
        // A closed pipe (`| head`) is the reader saying it has enough: not an error.
        Err(err) if is_closed_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            // `{:#}` gives the context and its cause on one line.
            let _ = note_line(&mut io::stderr(), &format!("{err:#}"));
            ExitCode::from(1)
        }
    }
}

/// Prints what clap made of the command line instead of a run (the help, the version, or a
/// usage error) and gives the exit code. clap's own `exit` drops a failed write, so
/// `--help > /dev/full` would succeed having printed nothing: here the help and version
/// fail as any output does (exit 1, a line on stderr; so does a closed standard output),
/// and a closed pipe stays a success.
fn clap_exit(err: &clap::Error) -> ExitCode {
    if !err.use_stderr() && closed_at_start::stdout() {
        return stdout_closed();
    }
    let printed = err.print().and_then(|()| io::stdout().flush());
    match printed {
        Err(why) if err.use_stderr() || why.kind() == io::ErrorKind::BrokenPipe => {}
        Err(why) => {
            let what = match err.kind() {
                clap::error::ErrorKind::DisplayVersion => "the version",
                _ => "the help",
            };
            let _ = note_line(&mut io::stderr(), &format!("could not write {what}: {why}"));
            return ExitCode::from(1);
        }
        Ok(()) => {}
    }
    ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2))
}

/// A closed standard output, said on stderr: exit 1.
fn stdout_closed() -> ExitCode {
    let _ = writeln!(
        io::stderr(),
        "aibridge-trace: standard output is closed (`>&-`?): nothing it writes could be read"
    );
    ExitCode::from(1)
}

fn environment() -> Env {
    let set = |name| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    Env {
        stdout_is_terminal: io::stdout().is_terminal(),
        stderr_is_terminal: io::stderr().is_terminal(),
        terminal_width: comfy_table::Table::new().width().filter(|w| *w > 0),
        no_color: set("NO_COLOR"),
        github_actions: std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true"),
        stdin_closed: closed_at_start::stdin(),
    }
}

/// Whether `err` is, at its root, a write to a pipe nobody reads any more.
fn is_closed_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|cause| cause.downcast_ref::<io::Error>())
        .any(|io| io.kind() == io::ErrorKind::BrokenPipe)
}

fn execute(config: &Config) -> anyhow::Result<Status> {
    let command = match config {
        Config::Inspect(_) => "inspect",
        Config::Summary(_) => "summary",
        Config::Validate(_) | Config::ListRules => "validate",
    };
    let mut out = Stdout {
        inner: BufWriter::with_capacity(1 << 16, io::stdout().lock()),
        failed: false,
    };
    let ran = run(config, &mut out);
    // `No space left on device` alone does not say which file was full (hostile run 46).
    let ran = match out.failed {
        true => ran.context("could not write to standard output"),
        false => ran.map_err(anyhow::Error::from),
    };
    ran.with_context(|| format!("{command} stopped"))
}

/// Standard output, remembering whether a write to it failed: the error that stops the
/// run is then said to be its own, not one of the temporary file's or stderr's.
struct Stdout<W> {
    inner: W,
    failed: bool,
}

impl<W: Write> Write for Stdout<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.inner.write(buf);
        self.failed |= written.is_err();
        written
    }

    fn flush(&mut self) -> io::Result<()> {
        let flushed = self.inner.flush();
        self.failed |= flushed.is_err();
        flushed
    }
}

fn run(config: &Config, out: &mut impl Write) -> io::Result<Status> {
    // Not locked for the run: the progress bar draws on stderr too.
    let mut err = io::stderr();
    let status = match config {
        Config::Inspect(c) => inspect::run(c, out, &mut err)?,
        Config::Summary(c) => summary::run(c, out, &mut err)?,
        Config::Validate(c) => validate::run(c, out, &mut err)?,
        Config::ListRules => {
            render::validation::list_rules(out)?;
            Status::Ok
        }
    };
    match out.flush() {
        // The command stopped its output at a closed pipe and kept its verdict: what is
        // still buffered has no reader, and the verdict stands.
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(status),
        flushed => flushed.map(|()| status),
    }
}

/// Whether the process started with its standard output, or input, closed (`>&-`, `<&-`).
/// Rust's runtime puts /dev/null in place of a closed standard stream before `main` runs,
/// so every write would vanish without an error and the run would end in silent success,
/// and a read would find an empty file. The look is taken before that, from the ELF init
/// array (which runs before the runtime starts), by whether /proc lists the descriptor. A
/// closed pipe (`| head`) is another matter: its writes fail with EPIPE, and that stays a
/// success.
mod closed_at_start {
    use std::sync::atomic::{AtomicBool, Ordering};

    static STDIN: AtomicBool = AtomicBool::new(false);
    static STDOUT: AtomicBool = AtomicBool::new(false);

    pub fn stdin() -> bool {
        STDIN.load(Ordering::Relaxed)
    }

    pub fn stdout() -> bool {
        STDOUT.load(Ordering::Relaxed)
    }

    #[cfg(target_os = "linux")]
    extern "C" fn look() {
        let listed = |path: &str| std::fs::symlink_metadata(path).is_ok();
        if listed("/proc/self/fd") {
            STDIN.store(!listed("/proc/self/fd/0"), Ordering::Relaxed);
            STDOUT.store(!listed("/proc/self/fd/1"), Ordering::Relaxed);
        }
    }

    // SAFETY: an init-array entry is a plain `extern "C" fn()` the loader calls once
    // before `main`; `look` touches only the file system and atomics.
    #[cfg(target_os = "linux")]
    #[used]
    #[unsafe(link_section = ".init_array")]
    static LOOK: extern "C" fn() = look;
}
