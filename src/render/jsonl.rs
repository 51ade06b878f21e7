//! JSONL: one turn per line, for jq and friends. The schema (v1), which the man page of
//! `inspect` prints too:
//!
#![doc = include_str!("jsonl-schema.md")]

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
