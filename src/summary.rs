//! `summary`: every turn read and threaded, then aggregated ([`crate::aggregate`]) overall
//! and grouped, and printed.

use std::collections::HashSet;
use std::io::{self, Write};
use std::sync::Arc;

use crate::aggregate::{Files, Summary};
use crate::config::{SummaryConfig, SummaryFormat};
use crate::render::summary as printer;
use crate::run::{self, FileReport, Status};

/// The captures counted so far of turns read back: each one's path and its input's place
/// in the run that read it (a path named twice, or a folder and a file in it, is read,
/// and counted, twice).
type Captures = HashSet<(Arc<str>, Option<usize>)>;

/// Counts one input as read, skipped or failed. Turns read back from this tool's JSONL
/// count the captures they came from ([`Captures`]), not the JSONL file: the parts of a
/// split run sum up as the whole run does (the captures that gave no turn, skipped or
/// failed, left no trace in the JSONL, so are not counted).
fn count_file(files: &mut Files, captures: &mut Captures, report: &FileReport) {
    if report.read_back {
        for turn in &report.turns {
            let capture = (turn.source.path.clone(), turn.threading.input);
            if captures.insert(capture) {
                files.read += 1;
            }
        }
        files.failed += u64::from(report.failed());
        return;
    }
    if report.failed() {
        files.failed += 1;
    } else {
        files.read += 1;
        if report.turns.is_empty() && report.skipped > 0 {
            files.skipped += 1;
        }
    }
}

pub fn run(
    config: &SummaryConfig,
    out: &mut impl Write,
    err: &mut impl Write,
) -> io::Result<Status> {
    let mut summary = Summary::new(config.by);
    let mut captures = Captures::new();
    // Threaded first: tool results and sessions need every turn.
    let (threaded, status) = run::threaded(&config.inputs, &config.prices, err, |report| {
        count_file(&mut summary.files, &mut captures, report)
    })?;
    for turn in threaded.into_turns() {
        summary.add_turn(&turn?, config.by);
    }
    summary.settle();
    match config.format {
        SummaryFormat::Json => printer::json(out, &summary)?,
        SummaryFormat::Table => printer::tables(out, &summary, config.style)?,
    }
    Ok(status)
}
