//! `validate`: checks that fixtures and captures are well-formed and self-consistent.
//!
//! Each rule has an id users can `--allow`; findings carry the line in the original file.
//! The checks are pure (bytes in, findings out): [`validate_bytes`] is the whole of them, and
//! [`run()`] only reads files, in parallel through [`crate::run::ordered`], and prints.
//!
//! Inputs are read as `inspect` reads them ([`crate::run::open`]): decompressed, HTTP
//! bodies de-chunked and decoded (`decoded`, which also carries lines back to the file),
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
mod decoded;
mod dump;
mod errors;
mod file;
mod har;
mod lines;
mod parse;
mod report;
mod responses;
mod rules;
mod stream;
mod tools;
mod txtar;
mod usage;

use crate::discover::Found;
use crate::run::{self, Content};

pub use report::run;
pub use rules::RULES;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A rule: its id (what `--allow` takes), default severity, and a one-line summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
}

/// One problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// 1-based line in the original file, where known.
    pub line: Option<usize>,
    pub severity: Severity,
    pub rule: &'static str,
    pub message: String,
}

impl Finding {
    /// This finding, made in a part of the input whose lines are not the file's (a HAR
    /// entry, a dump's request half): `place` names that part at the head of the message,
    /// and the finding has no line.
    fn within(self, place: &str) -> Finding {
        Finding {
            line: None,
            message: format!("{place}: {}", self.message),
            ..self
        }
    }
}

/// The findings of one file, as the checks add them.
#[derive(Debug, Default)]
pub(crate) struct Findings(Vec<Finding>);

impl Findings {
    /// Adds a finding of `rule`, with the rule's severity.
    pub fn add(&mut self, rule: &Rule, line: Option<usize>, message: impl Into<String>) {
        self.0.push(Finding {
            line,
            severity: rule.severity,
            rule: rule.id,
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

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

/// What `validate` found in one input, as the report printers take it.
#[derive(Debug, Default)]
pub struct FileResult {
    /// The path as the user gave it, joined with the walked relative path.
    pub path: String,
    /// The findings `--allow` left.
    pub findings: Vec<Finding>,
    /// How many findings `--allow` silenced.
    pub allowed: usize,
    /// The input could not be read: why.
    pub failure: Option<String>,
    /// The input holds nothing to check: why.
    pub skipped: Option<String>,
}

impl FileResult {
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Whether the file fails the run: an error, an unreadable file, or (with
    /// `--deny-warnings`) a warning.
    pub fn invalid(&self, deny_warnings: bool) -> bool {
        self.failure.is_some() || self.errors() > 0 || (deny_warnings && self.warnings() > 0)
    }
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
        Err(message) => {
            // The message names the input (or the dump half that failed); the report
            // names the input already.
            let named = message.strip_prefix(&format!("{}: ", input.display));
            result.failure = Some(named.unwrap_or(&message).to_string());
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
