//! JSONL: one turn per line, for jq and friends. The schema (v1), which the man page of
//! `inspect` prints too:
//!
#![doc = include_str!("jsonl-schema.md")]

use std::io::{self, Write};

use super::TurnPrinter;
use crate::turn::Turn;

pub struct Jsonl;

/// One turn's line, on its own: what a turn prints depends on nothing else, so a run
/// renders its turns' lines side by side ([`crate::run::Threaded::render_each`]).
pub fn line(turn: &Turn, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer(&mut *out, turn).map_err(io::Error::from)?;
    out.write_all(b"\n")
}

impl TurnPrinter for Jsonl {
    fn turn(&mut self, out: &mut dyn Write, turn: &Turn) -> io::Result<()> {
        line(turn, out)
    }

    fn finish(&mut self, _: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
}
