//! Driving a run: inputs are read and processed in parallel, and handed on in input order,
//! a batch at a time, so output is deterministic and memory stays bounded however many
//! files there are (captures are dropped as each input finishes; [`threaded`] keeps the
//! turns, which threading needs all of). What one input gives is worked out in [`input`];
//! the progress bar that runs alongside lives in [`progress`].

mod input;
pub mod progress;

use std::io::{self, Write};

use rayon::prelude::*;

pub use input::{Content, open, turns_from_bytes, turns_of};
use progress::Progress;

use crate::config::Inputs;
use crate::discover::{Found, discover};
use crate::session::{self, Session};
use crate::turn::Turn;

/// Inputs handled per parallel batch: enough to keep every core busy, few enough that a
/// batch's results are small next to memory.
const BATCH: usize = 256;

/// Something to tell the user about one input, on stderr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// The input (or a part of it) could not be read: the run fails.
    Failed(String),
    /// Not something this tool reads: said, but not a failure.
    Skipped(String),
}

/// What one input gave.
#[derive(Debug, Default)]
pub struct FileReport {
    pub turns: Vec<Turn>,
    pub notes: Vec<Note>,
    /// Exchanges that were no LLM traffic (or files that were no capture).
    pub skipped: usize,
}

impl FileReport {
    pub fn failed(&self) -> bool {
        self.notes.iter().any(|n| matches!(n, Note::Failed(_)))
    }

    fn failure(message: String) -> FileReport {
        FileReport {
            notes: vec![Note::Failed(message)],
            ..FileReport::default()
        }
    }

    fn skip(&mut self, message: String) {
        self.skipped += 1;
        self.notes.push(Note::Skipped(message));
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Every input was read (and, for `validate`, was valid).
    Ok,
    /// At least one input failed.
    SomeFailed,
}

/// Runs `work` on every input of `inputs` in parallel and hands the results to `sink` in
/// input order. `sink` runs on the calling thread, so it may write output; the progress bar
/// (when there is one) is out of the way while it does.
pub fn ordered<T: Send>(
    inputs: &Inputs,
    work: impl Fn(&Found) -> T + Sync,
    mut sink: impl FnMut(T) -> io::Result<()>,
) -> io::Result<()> {
    let found = discover(&inputs.paths, &inputs.filter);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(inputs.threads)
        .build()
        .map_err(io::Error::other)?;
    let progress = Progress::new(inputs.progress, &found);
    let mut done = 0;
    for batch in found.chunks(BATCH) {
        let results: Vec<T> = pool.install(|| {
            batch
                .par_iter()
                .map(|f| progress.input(f, || work(f)))
                .collect()
        });
        done += batch.len();
        progress.files_done(done);
        progress.suspend(|| results.into_iter().try_for_each(&mut sink))?;
    }
    progress.finish();
    Ok(())
}

/// Prints the notes of a report to `err`: failures always, skips unless `quiet`.
pub fn print_notes(report: &FileReport, quiet: bool, err: &mut impl Write) -> io::Result<()> {
    for note in &report.notes {
        match note {
            Note::Failed(message) => writeln!(err, "aibridge-trace: {message}")?,
            Note::Skipped(message) if !quiet => writeln!(err, "aibridge-trace: {message}")?,
            Note::Skipped(_) => {}
        }
    }
    Ok(())
}

/// Every turn of a run, threaded into sessions.
#[derive(Debug, Default)]
pub struct Threaded {
    /// In input order, each with its `session` and its calls' `result`s set.
    pub turns: Vec<Turn>,
    /// In the input order of their first turns.
    pub sessions: Vec<Session>,
}

/// Reads every turn of `inputs` and threads them into sessions: threading links turns of
/// any inputs, so it needs all of them before anything is printed (turns are small next
/// to the captures they came from; the captures are not kept). `each` sees every input's
/// report as it comes, before its turns join the rest; notes are printed as they come.
pub fn threaded(
    inputs: &Inputs,
    err: &mut impl Write,
    mut each: impl FnMut(&FileReport),
) -> io::Result<(Threaded, Status)> {
    let mut failed = false;
    let mut turns = Vec::new();
    ordered(inputs, turns_of, |mut report| {
        failed |= report.failed();
        each(&report);
        turns.append(&mut report.turns);
        print_notes(&report, inputs.quiet, err)
    })?;
    let sessions = session::thread_turns(&mut turns);
    let status = if failed {
        Status::SomeFailed
    } else {
        Status::Ok
    };
    Ok((Threaded { turns, sessions }, status))
}
