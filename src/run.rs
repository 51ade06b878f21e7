//! Driving a run: inputs are read and processed in parallel, and handed on in input order,
//! a batch at a time, so output is deterministic and memory stays bounded however many
//! files there are. What one input gives is worked out in [`input`]; the progress bar that
//! runs alongside lives in [`progress`].

mod input;
pub mod progress;

use std::io::{self, Write};

use rayon::prelude::*;

pub use input::{Content, open, priced_turns_of, turns_from_bytes, turns_of};
use progress::Progress;

use crate::config::Inputs;
use crate::cost::PriceTable;
use crate::discover::{Found, discover};
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

/// Feeds every turn of `inputs`, priced from `prices`, to `each`, printing notes as it goes.
pub fn for_each_turn(
    inputs: &Inputs,
    prices: &PriceTable,
    err: &mut impl Write,
    mut each: impl FnMut(&FileReport) -> io::Result<()>,
) -> io::Result<Status> {
    let mut failed = false;
    ordered(
        inputs,
        |found| priced_turns_of(found, prices),
        |report| {
            failed |= report.failed();
            each(&report)?;
            print_notes(&report, inputs.quiet, err)
        },
    )?;
    Ok(if failed {
        Status::SomeFailed
    } else {
        Status::Ok
    })
}
