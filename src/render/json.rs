//! JSON: one array of turns, one turn per line, streamed as they come.

use std::io::{self, Write};

use super::TurnPrinter;
use crate::turn::Turn;

#[derive(Default)]
pub struct Json {
    started: bool,
}

impl TurnPrinter for Json {
    fn turn(&mut self, out: &mut dyn Write, turn: &Turn) -> io::Result<()> {
        out.write_all(if self.started { b",\n" } else { b"[\n" })?;
        self.started = true;
        serde_json::to_writer(&mut *out, turn).map_err(io::Error::from)
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(if self.started { b"\n]\n" } else { b"[]\n" })
    }
}
