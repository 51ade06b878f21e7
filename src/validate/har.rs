//! HAR archives: every entry that is LLM traffic is checked as one request and response,
//! with the rules that apply to a single exchange (parse, stream grammar, content, usage,
//! error shape). The archive is read an entry at a time, as `inspect` reads it.
//!
//! Lines inside an entry are lines of a JSON string, not of the file, so entry findings
//! carry none: they name the entry (`entry 3: …`, its index in `log.entries`) instead.

use std::io::Read;

use super::Checked;
use super::file::{self, Claim};
use super::lines::Lines;
use super::parse::{self, HeadShape};
use crate::diagnostic::Findings;
use crate::diagnostic::rules::PARSE_CAPTURE;
use crate::frame::har::{self, Entry, Skip};

/// Checks every entry of the HAR `reader` holds.
pub fn check(reader: impl Read) -> Checked {
    let mut findings = Findings::default();
    let mut checked_entries = 0;
    let result = har::for_each_entry(reader, |index, value| {
        let f = match Entry::of(&value).map(|entry| check_entry(&entry)) {
            Err(Skip::NotApi) | Ok(Err(_)) => return,
            Err(Skip::Undecodable(why)) => {
                let mut f = Findings::default();
                f.add(&PARSE_CAPTURE, None, why);
                f
            }
            Ok(Ok(f)) => f,
        };
        checked_entries += 1;
        let place = format!("entry {index}");
        findings.0.extend(f.0.into_iter().map(|f| f.within(&place)));
    });
    let mut checked = Checked::default();
    match result {
        Ok(0) => checked.skipped = Some("a HAR with no entries".to_string()),
        Ok(entries) if checked_entries == 0 => {
            checked.skipped = Some(format!("no LLM API traffic in its {entries} entries"));
        }
        Ok(_) => {}
        Err(err) => findings.add(&PARSE_CAPTURE, None, err.message),
    }
    checked.findings = findings.0;
    checked
}

/// Checks one entry's request and response. `Err` when it is no LLM traffic.
fn check_entry(entry: &Entry) -> Result<Findings, String> {
    let exchange = entry.exchange();
    // Lines are never kept (see above); the checks just need some to point with.
    let lines = Lines::new(&entry.response_body);
    let mut f = Findings::default();
    let request = exchange
        .request
        .as_ref()
        .map(|r| parse::request(r.body, &lines, &mut f));
    let request = request.as_ref();
    file::check_exchange(
        &exchange,
        request,
        HeadShape::None,
        Claim::Traffic,
        &lines,
        &mut f,
    )?;
    Ok(f)
}
