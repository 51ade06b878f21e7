//! JSONL: one turn per line (schema v1, see the README), for jq and friends.

use std::io::{self, Write};

use super::TurnPrinter;
use crate::turn::Turn;

pub struct Jsonl;

impl TurnPrinter for Jsonl {
    fn turn(&mut self, out: &mut dyn Write, turn: &Turn) -> io::Result<()> {
        serde_json::to_writer(&mut *out, turn).map_err(io::Error::from)?;
        out.write_all(b"\n")
    }

    fn finish(&mut self, _: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
}
