//! Running `validate`: inputs checked in parallel through [`crate::run::ordered`], the
//! report printed as they come, notes on stderr, and the verdict as the exit status.
//!
//! The exit status is the verdict, so a reader that stops reading (`validate dir | head`)
//! must not change it: once stdout is closed the report stops, and inputs are checked on
//! (silently) until one is invalid, after which nothing can change the verdict, or until
//! the last.

use std::io::{self, Write};

use super::{FileResult, check_found};
use crate::config::ValidateConfig;
use crate::render::validation::{self, Tally};
use crate::run::{self, Status};

/// Runs `validate` over the configured inputs, writing the report to `out`.
pub fn run(
    config: &ValidateConfig,
    out: &mut impl Write,
    err: &mut impl Write,
) -> io::Result<Status> {
    let mut printer = validation::printer(config.format, config.deny_warnings);
    let mut tally = Tally::default();
    let mut closed = false;
    let ran = run::ordered(
        &config.inputs,
        |found| check_found(found, &config.allow),
        |found, why| FileResult {
            path: found.display().to_string(),
            failure: Some(why),
            ..FileResult::default()
        },
        |file| {
            tally.add(&file, config.deny_warnings);
            if !closed {
                // Findings go out before the notes that follow them, so a person reading
                // both streams sees them in one order.
                closed = reader_gone(printer.file(out, &file).and_then(|()| out.flush()))?;
            }
            if let Some(why) = &file.failure {
                run::note_line(err, &format!("{}: {why}", file.path))?;
            }
            if let Some(why) = file.skipped.as_ref().filter(|_| !config.inputs.quiet) {
                run::note_line(err, &format!("{}: skipped: {why}", file.path))?;
            }
            match closed && tally.invalid > 0 {
                // The verdict is settled and nobody reads the report: stop.
                true => Err(io::ErrorKind::BrokenPipe.into()),
                false => Ok(()),
            }
        },
    );
    match ran {
        Err(err) if closed && err.kind() == io::ErrorKind::BrokenPipe => {}
        ran => ran?,
    }
    if !closed {
        reader_gone(printer.finish(out, &tally).and_then(|()| out.flush()))?;
    }
    Ok(match tally.invalid {
        0 => Status::Ok,
        _ => Status::SomeFailed,
    })
}

/// Whether a write failed because the reader of the report is gone (a closed pipe): the
/// report stops there, but that is no error of the run.
fn reader_gone(written: io::Result<()>) -> io::Result<bool> {
    match written {
        Ok(()) => Ok(false),
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Ok(true),
        Err(err) => Err(err),
    }
}
