//! JSONL: one turn per line (schema v1, see the README), for jq and friends.

use std::io::{self, Write};

use crate::turn::Turn;

/// Writes `turn` as one line of JSON.
pub fn write_turn(out: &mut impl Write, turn: &Turn) -> io::Result<()> {
    serde_json::to_writer(&mut *out, turn).map_err(io::Error::from)?;
    out.write_all(b"\n")
}
