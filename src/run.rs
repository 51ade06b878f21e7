//! Driving a run: inputs are read, framed and rebuilt in parallel, and printed in input
//! order, a batch at a time so memory stays bounded however many files there are.

use std::io::{self, Write};

use rayon::prelude::*;

use crate::config::{Format, InspectConfig};
use crate::discover::{Found, Input, discover, io_message};
use crate::frame::{self, FrameError};
use crate::read::read;
use crate::reconstruct::{Outcome, reconstruct};
use crate::render::jsonl;
use crate::turn::{Source, Turn};

/// Inputs handled per parallel batch: enough to keep every core busy, few enough that a
/// batch's turns are small next to memory.
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
}

impl FileReport {
    pub fn failed(&self) -> bool {
        self.notes.iter().any(|n| matches!(n, Note::Failed(_)))
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
            report
                .notes
                .push(Note::Skipped(format!("{display}: skipped: not a capture")));
            return report;
        }
        Err(FrameError::NothingToDo(why)) => {
            report
                .notes
                .push(Note::Skipped(format!("{display}: skipped: {why}")));
            return report;
        }
        Err(err) => {
            report.notes.push(Note::Failed(format!("{display}: {err}")));
            return report;
        }
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
            Outcome::Skipped(why) => report
                .notes
                .push(Note::Skipped(format!("{name}: skipped: {why}"))),
            Outcome::Failed(why) => report.notes.push(Note::Failed(format!("{name}: {why}"))),
        }
    }
    report
}

fn process(input: &Input) -> FileReport {
    match read(&input.path) {
        Ok(data) => turns_from_bytes(&input.display, &data, input.explicit),
        Err(err) => FileReport {
            turns: Vec::new(),
            notes: vec![Note::Failed(format!(
                "{}: {}",
                input.display,
                io_message(&err)
            ))],
        },
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Every input was read.
    Ok,
    /// At least one input failed.
    SomeFailed,
}

/// Runs `inspect`, writing turns to `out` and notes to `err`.
pub fn inspect(
    config: &InspectConfig,
    out: &mut impl Write,
    err: &mut impl Write,
) -> io::Result<Status> {
    let found = discover(&config.paths);
    let mut failed = false;
    for batch in found.chunks(BATCH) {
        let reports: Vec<FileReport> = batch
            .par_iter()
            .map(|found| match found {
                Found::Input(input) => process(input),
                Found::Error { display, message } => FileReport {
                    turns: Vec::new(),
                    notes: vec![Note::Failed(format!("{display}: {message}"))],
                },
            })
            .collect();
        for report in reports {
            failed |= report.failed();
            for turn in &report.turns {
                match config.format {
                    Format::Jsonl => jsonl::write_turn(out, turn)?,
                }
            }
            // Turns go out before the notes that follow them, so a pipe reader and a person
            // reading both streams see them in one order.
            out.flush()?;
            for note in &report.notes {
                match note {
                    Note::Failed(message) => writeln!(err, "aibridge-trace: {message}")?,
                    Note::Skipped(message) if !config.quiet => {
                        writeln!(err, "aibridge-trace: {message}")?
                    }
                    Note::Skipped(_) => {}
                }
            }
        }
    }
    Ok(if failed {
        Status::SomeFailed
    } else {
        Status::Ok
    })
}
