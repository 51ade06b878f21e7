//! `validate`: checks that fixtures and captures are well-formed and self-consistent.
//!
//! Each rule has an id users can `--allow`; findings carry the line in the original file.
//! The checks are pure (bytes in, findings out): [`validate_bytes`] is the whole of them, and
//! [`run()`] only reads files, in parallel through [`crate::run::ordered`], and prints.
//!
//! Inputs are read as `inspect` reads them ([`crate::run::open`]): decompressed, HTTP
//! bodies de-chunked and decoded (`decoded_lines`, which also carries lines back to the file),
//! HAR archives an entry at a time (`har`), gateway dumps as request and response halves
//! (`dump`).
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
mod decoded_lines;
mod dump;
mod errors;
mod file;
mod har;
mod lines;
mod parse;
mod report;
mod responses;
mod stream;
mod tools;
mod txtar;
mod usage;

use crate::diagnostic::{FileResult, Finding, RULES};
use crate::discover::Found;
use crate::run::{self, Content};

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
    if crate::frame::har::looks_like_har(data) {
        return har::check(data);
    }
    let mut checked = file::check_stored(data, None);
    checked.findings.sort_by_key(|f| f.line);
    checked
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
    // A dump half is a capture by its name, as it is to `inspect`.
    let explicit = input.explicit || matches!(content, Content::Dump { .. });
    let (mut checked, inline) = match content {
        Content::Har(reader) => (har::check(reader), Vec::new()),
        Content::Whole(data) => (check(&data), inline_allows(&data)),
        Content::Dump {
            request,
            answer,
            request_error,
        } => {
            let name = input.request.as_ref().and_then(|p| p.file_name());
            let name = name.map_or(String::new(), |n| n.to_string_lossy().into_owned());
            let checked = dump::check(request.as_deref(), &answer, request_error, &name);
            (checked, Vec::new())
        }
    };
    checked.findings.sort_by_key(|f| f.line);
    if checked.unrecognized && !explicit {
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

/// The words that open an inline allow in a txtar comment.
const ALLOW_DIRECTIVE: &str = "aibridge-trace: allow ";

/// Rules a txtar fixture allows for itself, in a comment line such as
/// `aibridge-trace: allow stream-truncated`: a fixture that records a broken capture on
/// purpose says so where it stands, rather than every CI job passing `--allow`.
fn inline_allows(data: &[u8]) -> Vec<String> {
    let Some((comment, _)) = crate::frame::txtar::parse(data) else {
        return Vec::new();
    };
    String::from_utf8_lossy(comment)
        .lines()
        .filter_map(|line| {
            line.split_once(ALLOW_DIRECTIVE)
                .map(|(_, rules)| rules.to_string())
        })
        .flat_map(|rules| {
            rules
                .split(|c: char| c == ',' || c.is_whitespace())
                .take_while(|word| RULES.iter().any(|r| r.id == *word) || word.is_empty())
                .filter(|word| !word.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}
