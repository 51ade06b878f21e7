//! Driving a run: inputs are read and processed in parallel, and handed on in input order,
//! a batch at a time, so output is deterministic and memory stays bounded however many
//! files there are.

use std::io::{self, Write};

use rayon::prelude::*;

use crate::config::Inputs;
use crate::discover::{Found, discover, io_message};
use crate::frame::{self, FrameError};
use crate::read::read;
use crate::reconstruct::{Outcome, reconstruct};
use crate::turn::{Source, Turn};

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

/// Rebuilds every turn in one capture's bytes. Pure: `display` names the input in turns
/// and notes; `explicit` says whether the user named it (else it was found in a folder,
/// and an unrecognized file is skipped rather than failed).
pub fn turns_from_bytes(display: &str, data: &[u8], explicit: bool) -> FileReport {
    let mut report = FileReport::default();
    let exchanges = match frame::frame(data) {
        Ok(exchanges) => exchanges,
        Err(FrameError::Unrecognized) if !explicit => {
            report.skip(format!("{display}: skipped: not a capture"));
            return report;
        }
        Err(FrameError::NothingToDo(why)) => {
            report.skip(format!("{display}: skipped: {why}"));
            return report;
        }
        Err(err) => return FileReport::failure(format!("{display}: {err}")),
    };
    for exchange in &exchanges {
        let source = Source {
            path: display.to_string(),
            section: exchange.section.map(str::to_string),
            entry: None,
        };
        let name = match exchange.section {
            Some(section) => format!("{display} [{section}]"),
            None => display.to_string(),
        };
        match reconstruct(exchange, source) {
            Outcome::Turn(turn) => report.turns.push(*turn),
            Outcome::Skipped(why) => report.skip(format!("{name}: skipped: {why}")),
            Outcome::Failed(why) => report.notes.push(Note::Failed(format!("{name}: {why}"))),
        }
    }
    report
}

/// Reads one found input and rebuilds its turns.
pub fn turns_of(found: &Found) -> FileReport {
    match found {
        Found::Input(input) => match read(&input.path) {
            Ok(data) => turns_from_bytes(&input.display, &data, input.explicit),
            Err(err) => FileReport::failure(format!("{}: {}", input.display, io_message(&err))),
        },
        Found::Error { display, message } => FileReport::failure(format!("{display}: {message}")),
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
/// input order. `sink` runs on the calling thread, so it may write output.
pub fn ordered<T: Send>(
    inputs: &Inputs,
    work: impl Fn(&Found) -> T + Sync,
    mut sink: impl FnMut(T) -> io::Result<()>,
) -> io::Result<()> {
    let found = discover(&inputs.paths);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(inputs.threads)
        .build()
        .map_err(io::Error::other)?;
    for batch in found.chunks(BATCH) {
        let results: Vec<T> = pool.install(|| batch.par_iter().map(&work).collect());
        for result in results {
            sink(result)?;
        }
    }
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

/// Feeds every turn of `inputs` to `each`, printing notes as it goes.
pub fn for_each_turn(
    inputs: &Inputs,
    err: &mut impl Write,
    mut each: impl FnMut(&FileReport) -> io::Result<()>,
) -> io::Result<Status> {
    let mut failed = false;
    ordered(inputs, turns_of, |report| {
        failed |= report.failed();
        each(&report)?;
        print_notes(&report, inputs.quiet, err)
    })?;
    Ok(if failed {
        Status::SomeFailed
    } else {
        Status::Ok
    })
}
