//! Rendering turns for people and programs: one printer per output format, all over the
//! same stream of turns. The people-facing formats share their rows (`rows.rs`),
//! and table and markdown share how they hold them back (`sheets.rs`).

pub mod csv;
pub mod json;
pub mod jsonl;
pub mod markdown;
pub mod rows;
pub mod sheets;
pub mod summary;
pub mod table;
pub mod validation;

use std::io::{self, Write};

use crate::config::{InspectFormat, TableStyle, View};
use crate::turn::Turn;

/// Prints turns as they come, and whatever it held back at the end.
pub trait TurnPrinter {
    fn turn(&mut self, out: &mut dyn Write, turn: &Turn) -> io::Result<()>;
    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()>;
}

/// The printer for `format`; `view` and `style` matter to the people-facing formats.
pub fn printer(format: InspectFormat, view: View, style: TableStyle) -> Box<dyn TurnPrinter> {
    match format {
        InspectFormat::Jsonl => Box::new(jsonl::Jsonl),
        InspectFormat::Json => Box::new(json::Json::default()),
        InspectFormat::Table => Box::new(table::printer(view, style)),
        InspectFormat::Csv => Box::new(csv::Csv::new(view)),
        InspectFormat::Markdown => Box::new(markdown::printer(view, style)),
    }
}
