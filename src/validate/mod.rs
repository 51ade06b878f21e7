//! `validate`: checks that fixtures and captures are well-formed and self-consistent.
//!
//! Each rule has an id users can `--allow`; findings carry the line in the original file.
//! The checks are pure (bytes in, findings out): [`validate_bytes`] is the whole of them, and
//! [`run()`] only reads files, in parallel through [`crate::run::ordered`], and prints.
//!
//! Inputs are read as `inspect` reads them, by the one way in ([`crate::run::open`], then
//! [`crate::capture::walk`]): decompressed, HTTP bodies de-chunked and decoded, txtar
//! fixtures split once, HAR archives an entry at a time, gateway dumps as request and
//! response halves. Each part the walk yields is checked in `file`, which also carries the
//! findings' lines back to the file.
//!
//! What is checked, file by file (`file`): the framing (`parse`: request and body JSON,
//! HTTP heads; SSE lines in `stream`), each response's grammar and content for its API
//! (`anthropic`, `chat`, `responses`, over the shared stream driver in `stream`),
//! tool calls (`tools`), token counts (`usage`), recorded provider errors (`errors`),
//! and for txtar fixtures how the sections fit together (`txtar`). Rules are listed in
//! `rules`; lines are found by `lines`. The report is written by `report`.
//!
//! A recorded provider error is data, not a defect: a stream that ends in a well-formed error
//! event is valid; one that just stops is not.

mod anthropic;
mod chat;
mod errors;
mod file;
mod locate;
mod parse;
mod report;
mod responses;
mod stream;
mod tools;
mod txtar;
mod usage;

use std::borrow::Cow;

use crate::capture::{self, Content};
use crate::diagnostic::{FileResult, Finding};
use crate::discover::Found;
use crate::run;

pub use report::run;

/// What checking one file's bytes gave.
#[derive(Debug, Default)]
pub struct Checked {
    /// In line order (findings without a line first), then in the order the checks ran.
    pub findings: Vec<Finding>,
    /// The file holds nothing this tool checks (a `/v1/models` listing, say): why.
    pub skipped: Option<String>,
    /// The file is no capture at all. Named on the command line that is a finding; found by
    /// walking a folder (a README) it is skipped, as `inspect` does.
    pub unrecognized: bool,
}

/// Validates one file's bytes. Pure: no I/O.
pub fn validate_bytes(data: &[u8]) -> Vec<Finding> {
    check(data).findings
}

/// Validates one file's bytes (a HAR, or any other capture), saying also whether it was
/// skipped or unrecognized.
pub fn check(data: &[u8]) -> Checked {
    checked(Content::Whole(Cow::Borrowed(data)), String::new(), false).0
}

/// Walks `content` with the checks; `request_name` names a dump's request half, `named`
/// says the input's name says it is a capture. Also gives the rules the input allows for
/// itself.
fn checked(content: Content, request_name: String, named: bool) -> (Checked, Vec<String>) {
    let mut check = file::Check::new(request_name, named);
    let walked = capture::walk(content, &mut check);
    let allowed = std::mem::take(&mut check.allowed);
    let mut checked = check.finish(walked);
    checked.findings.sort_by_key(|f| f.line);
    (checked, allowed)
}

/// Reads and checks one found input; `allow` lists the silenced rule ids.
fn check_found(found: &Found, allow: &[String]) -> FileResult {
    let input = match found {
        Found::Input(input) => input,
        Found::Error { display, message } => {
            return FileResult {
                path: display.clone(),
                failure: Some(message.clone()),
                ..FileResult::default()
            };
        }
        Found::Skipped { display, message } => {
            return FileResult {
                path: display.clone(),
                skipped: Some(message.clone()),
                ..FileResult::default()
            };
        }
    };
    let mut result = FileResult {
        path: input.display.clone(),
        ..FileResult::default()
    };
    let content = match run::open(input) {
        Ok(content) => content,
        // The report names the input already; a dump's other half is named here.
        Err(err) if err.path == input.display => {
            result.failure = Some(err.reason());
            return result;
        }
        Err(err) => {
            result.failure = Some(err.to_string());
            return result;
        }
    };
    // This tool's own JSONL (a shard's output) is read back by `inspect`, not checked.
    if let Content::Whole(data) = &content {
        let data = crate::frame::bom::strip(data);
        if run::starts_like_a_turn(data) {
            result.skipped = Some("turns of aibridge-trace's own JSONL, not a capture".into());
            return result;
        }
    }
    // A dump half is a capture by its name, as it is to `inspect`.
    let claimed = input.claimed || matches!(content, Content::Dump { .. });
    let request_name = input.request.as_ref().and_then(|p| p.file_name());
    let request_name = request_name.map_or(String::new(), |n| {
        crate::discover::path_text(std::path::Path::new(n))
    });
    let named = crate::discover::named_as_capture(&input.path);
    let (checked, inline) = checked(content, request_name, named);
    if checked.unrecognized && !claimed {
        result.skipped = Some("not a capture".to_string());
        return result;
    }
    let total = checked.findings.len();
    result.findings = checked
        .findings
        .into_iter()
        .filter(|f| !allow.iter().chain(&inline).any(|rule| rule == f.rule))
        .collect();
    result.allowed = total - result.findings.len();
    result.skipped = checked.skipped;
    result
}
