//! `inspect`: every turn of the inputs, threaded into sessions, through the printer the
//! format and view ask for.

use std::io::{self, Write};

use crate::config::{InspectConfig, View};
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
    if matches!(config.view, View::Sessions | View::Transcript) {
        render::sessions::print(
            out,
            config.format,
            config.view,
            config.style,
            &threaded.turns,
            &threaded.sessions,
        )?;
        return Ok(status);
    }
    let mut printer = render::printer(config.format, config.view, config.style);
    for turn in &threaded.turns {
        printer.turn(out, turn)?;
    }
    printer.finish(out)?;
    Ok(status)
}
