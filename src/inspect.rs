//! `inspect`: every turn of the inputs, through the printer the format asks for.

use std::io::{self, Write};

use crate::config::InspectConfig;
use crate::render;
use crate::run::{self, Status};

pub fn run(
    config: &InspectConfig,
    out: &mut impl Write,
    err: &mut impl Write,
) -> io::Result<Status> {
    let mut printer = render::printer(config.format, config.view, config.style);
    let status = run::for_each_turn(&config.inputs, &config.prices, err, |report| {
        for turn in &report.turns {
            printer.turn(out, turn)?;
        }
        // Turns go out before the notes that follow them, so a person reading both
        // streams sees them in one order.
        out.flush()
    })?;
    printer.finish(out)?;
    Ok(status)
}
