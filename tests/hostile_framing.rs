//! Junk lines in an event stream (issue 13): a stray line, an unknown field or a blank line
//! repeated millions of times must cost neither memory nor time beyond the body's own. Each
//! kind of framing report is listed for its first [`REPORTED`] lines, then counted in one
//! report; blank lines with no event being built are passed over. Heap figures come from a
//! counting allocator (exact under any load); inputs are a few MB so the debug suite stays
//! fast, where the defects they guard against took hundreds of bytes per input byte.

mod counting;
use counting::{Counting, extra_peak, serial};

use aibridge_trace::render::TurnPrinter;
use aibridge_trace::render::jsonl::Jsonl;
use aibridge_trace::warning::REPORTED;
use aibridge_trace::warning::Warning;

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A fixed base any input may take: tables, buffers, a turn's small fields.
const BASE: usize = 2 << 20;

const HEAD: &str = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n";

const MESSAGE_START: &str = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"model\":\"x\"}}\n\n";

/// What `inspect` (rebuilt and printed as JSONL) and `validate` make of `data`: the turns'
/// warnings, the JSONL's size, the findings' messages, and each one's heap peak beyond
/// `data`.
struct Seen {
    warnings: Vec<Vec<Warning>>,
    jsonl: usize,
    findings: Vec<String>,
    inspect: usize,
    validate: usize,
}

fn seen(data: &[u8]) -> Seen {
    let mut warnings = Vec::new();
    let mut jsonl = Vec::new();
    let inspect = extra_peak(|| {
        let report = aibridge_trace::run::turns_from_bytes("junk.http", data, true);
        let mut printer = Jsonl;
        for turn in &report.turns {
            printer.turn(&mut jsonl, turn).unwrap();
        }
        warnings = report.turns.iter().map(|t| t.warnings.clone()).collect();
    });
    let mut findings = Vec::new();
    let validate = extra_peak(|| {
        findings = aibridge_trace::validate::validate_bytes(data)
            .into_iter()
            .map(|f| f.message)
            .collect();
    });
    eprintln!(
        "input {:.1} MB: inspect +{:.1} MB, validate +{:.1} MB, {} findings, {} B of JSONL",
        data.len() as f64 / 1e6,
        inspect as f64 / 1e6,
        validate as f64 / 1e6,
        findings.len(),
        jsonl.len()
    );
    Seen {
        warnings,
        jsonl: jsonl.len(),
        findings,
        inspect,
        validate,
    }
}

/// The body of a stream that opens with a message_start, then holds `n` copies of `junk`.
fn after_message_start(junk: &str, n: usize) -> Vec<u8> {
    format!("{HEAD}{MESSAGE_START}{}", junk.repeat(n)).into_bytes()
}

#[test]
fn a_million_stray_lines_make_one_counted_report_within_budget() {
    let _one = serial();
    let n = 1 << 20;
    let data = after_message_start("x\n", n);
    let s = seen(&data);
    // Lines 1-3 are the head, 4-6 the message_start: the stray lines start at line 7.
    let warnings = &s.warnings[0];
    let strays: Vec<&Warning> = warnings
        .iter()
        .filter(|w| {
            matches!(
                w,
                Warning::StrayLine { .. } | Warning::MoreStrayLines { .. }
            )
        })
        .collect();
    assert_eq!(strays.len(), REPORTED + 1);
    assert_eq!(
        strays[REPORTED].to_string(),
        "and 1,048,556 more lines that are neither an SSE field nor a comment (the first at \
         line 27); ignored"
    );
    let framing: Vec<&String> = s
        .findings
        .iter()
        .filter(|m| m.contains("SSE field or comment"))
        .collect();
    assert_eq!(framing.len(), REPORTED + 1);
    assert_eq!(
        framing[REPORTED],
        "and 1,048,556 more lines that are no SSE field or comment, from this one on: SSE \
         parsers ignore them"
    );
    assert!(s.jsonl < 10_000, "{} bytes of JSONL", s.jsonl);
    assert!(s.inspect <= BASE, "inspect took {}", s.inspect);
    assert!(s.validate <= BASE, "validate took {}", s.validate);
}

#[test]
fn a_body_of_nothing_but_stray_lines_stays_within_budget() {
    let _one = serial();
    let data = format!("{HEAD}{}", "x\n".repeat(1 << 20)).into_bytes();
    let s = seen(&data);
    assert!(s.warnings.is_empty());
    assert!(s.findings.len() <= REPORTED + 5, "{:?}", s.findings.len());
    assert!(s.inspect <= BASE, "inspect took {}", s.inspect);
    assert!(s.validate <= BASE, "validate took {}", s.validate);
}

#[test]
fn lines_holding_a_nul_are_stray_lines_counted_the_same_way() {
    let _one = serial();
    let data = after_message_start("da\0ta: x\n", 200_000);
    let s = seen(&data);
    assert_eq!(
        s.warnings[0]
            .iter()
            .find(|w| matches!(w, Warning::MoreStrayLines { .. }))
            .map(|w| w.to_string())
            .as_deref(),
        Some(
            "and 199,980 more lines that are neither an SSE field nor a comment (the first at \
             line 27); ignored"
        )
    );
    assert!(s.findings.len() <= REPORTED + 5, "{:?}", s.findings.len());
    assert!(s.inspect <= BASE && s.validate <= BASE);
}

#[test]
fn unknown_fields_make_one_counted_report_within_budget() {
    let _one = serial();
    let data = after_message_start("foo: bar\n", 500_000);
    let s = seen(&data);
    assert_eq!(s.warnings[0].len(), REPORTED + 2, "{:?}", s.warnings[0]); // + cut stream
    assert!(s.findings.len() <= REPORTED + 5, "{:?}", s.findings.len());
    assert!(s.jsonl < 10_000, "{} bytes of JSONL", s.jsonl);
    assert!(s.inspect <= BASE, "inspect took {}", s.inspect);
    assert!(s.validate <= BASE, "validate took {}", s.validate);
}

#[test]
fn millions_of_blank_lines_cost_nothing_and_take_linear_time() {
    let _one = serial();
    let data = after_message_start("\n", 4 << 20);
    let start = std::time::Instant::now();
    let s = seen(&data);
    // Linear work on 4 MB takes well under a second even in a debug build under load; the
    // parser fed one chunk per blank line took some ten times longer.
    assert!(start.elapsed().as_secs() < 60, "took {:?}", start.elapsed());
    assert_eq!(s.warnings.len(), 1);
    assert!(s.inspect <= BASE, "inspect took {}", s.inspect);
    assert!(s.validate <= BASE, "validate took {}", s.validate);
}

#[test]
fn a_bom_opening_a_txtar_stream_section_keeps_its_turn() {
    let _one = serial();
    let data = b"x\n-- request --\n{\"model\":\"gpt\",\"messages\":[]}\n-- streaming --\n\xef\xbb\xbfdata: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\ndata: [DONE]\n\n";
    let report = aibridge_trace::run::turns_from_bytes("f9.txtar", data, true);
    assert_eq!(report.turns.len(), 1, "{:?}", report.notes);
    assert_eq!(report.turns[0].text.as_deref(), Some("hi"));
    assert_eq!(report.turns[0].model.as_deref(), Some("gpt"));
    let findings = aibridge_trace::validate::validate_bytes(data);
    assert!(
        findings
            .iter()
            .all(|f| !f.message.contains("neither JSON nor an event stream")),
        "{findings:?}"
    );
}

#[test]
fn events_of_unreadable_data_make_one_counted_finding_past_the_first() {
    let _one = serial();
    let data = after_message_start("data: x\n\n", 100_000);
    let findings = aibridge_trace::validate::validate_bytes(&data);
    let unreadable: Vec<&str> = findings
        .iter()
        .filter(|f| f.rule == "parse-event-json")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(unreadable.len(), REPORTED + 1, "{unreadable:?}");
    // Events start at line 7, two lines apart: the 21st is at line 47.
    let last = findings
        .iter()
        .find(|f| f.message.starts_with("and "))
        .unwrap();
    assert_eq!(last.line, Some(47));
    assert_eq!(
        last.message,
        "and 99,980 more events whose data could not be read, from this one on"
    );
}

#[test]
fn events_of_unreadable_data_make_one_counted_warning_within_budget() {
    let _one = serial();
    let data = after_message_start("data: x\n\n", 100_000);
    let seen = seen(&data);
    let skipped: Vec<String> = seen.warnings[0]
        .iter()
        .filter(|w| {
            matches!(
                w,
                Warning::EventSkipped { .. } | Warning::MoreEventsSkipped { .. }
            )
        })
        .map(|w| w.to_string())
        .collect();
    assert_eq!(skipped.len(), REPORTED + 1, "{skipped:?}");
    assert_eq!(
        skipped[REPORTED],
        "and 99,980 more events whose data could not be read (the first at line 47); skipped"
    );
    // The events borrow the body: what is left is the list of them, 56 bytes each.
    assert!(
        seen.inspect < BASE + 56 * 100_000 + data.len(),
        "{}",
        seen.inspect
    );
    assert!(seen.jsonl < 10_000, "{}", seen.jsonl);
}

/// A stream that makes up a new event type for every event: the first [`REPORTED`] types
/// are named with their counts, the rest counted together, never dropped; memory stays that
/// of the events, not of a map of every type.
#[test]
fn unknown_types_past_the_first_ones_are_counted_together() {
    let _one = serial();
    let n = 100_000;
    let mut body = format!("{HEAD}{MESSAGE_START}");
    for i in 0..n {
        body.push_str(&format!("event: x_{i}\ndata: {{\"type\":\"x_{i}\"}}\n\n"));
    }
    body.push_str("event: x_0\ndata: {\"type\":\"x_0\"}\n\n");
    let s = seen(body.as_bytes());
    let unknown: Vec<String> = s.warnings[0]
        .iter()
        .map(Warning::to_string)
        .filter(|w| w.contains("unknown"))
        .collect();
    assert_eq!(unknown.len(), REPORTED + 1, "{unknown:?}");
    assert!(unknown.contains(&"unknown event type \"x_0\" (2 times)".to_string()));
    assert_eq!(
        unknown[REPORTED],
        "and 99,980 more events, blocks, deltas or items of unknown types, past the first 20 \
         types named"
    );
    let findings: Vec<&String> = s
        .findings
        .iter()
        .filter(|m| m.contains("unknown"))
        .collect();
    assert_eq!(findings.len(), REPORTED + 1, "{findings:?}");
    assert!(findings[REPORTED].starts_with("and 99,980 more events"));
    // These events are 41 bytes each, framed one at a time.
    let budget = 2 * body.len() + BASE;
    assert!(s.inspect <= budget, "inspect took {}", s.inspect);
    assert!(s.validate <= budget, "validate took {}", s.validate);
}

#[test]
fn a_finding_repeated_for_every_block_is_listed_twenty_times_then_counted() {
    let _one = serial();
    // 10,000 tool_use blocks (as many as a stream may open) started and never stopped, nor
    // the message: one finding each, which used to be kept one by one (a million of them
    // took hundreds of MB).
    let n = aibridge_trace::decode::numbered::MAX_NUMBERED;
    let block = |i: usize| {
        format!(
            "data: {{\"type\":\"content_block_start\",\"index\":{i},\"content_block\":{{\"type\":\"tool_use\",\"id\":\"t{i}\",\"name\":\"f\",\"input\":{{}}}}}}\n\n"
        )
    };
    let body: String = (0..n).map(block).collect();
    let end = "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":5}}\n\ndata: {\"type\":\"message_stop\"}\n\n";
    let data = format!("{HEAD}{MESSAGE_START}{body}{end}").into_bytes();
    let mut findings = Vec::new();
    let validate = extra_peak(|| findings = aibridge_trace::validate::validate_bytes(&data));
    let mut by_rule = std::collections::BTreeMap::<&str, (usize, usize)>::new();
    for f in &findings {
        let (listed, count) = by_rule.entry(f.rule).or_default();
        *listed += 1;
        *count += f.count;
    }
    let (rule, (listed, count)) = by_rule.iter().max_by_key(|(_, (_, c))| *c).unwrap();
    assert_eq!(*listed, REPORTED + 1, "{rule}: {by_rule:?}");
    assert_eq!(*count, n, "{rule}: every block is counted");
    let last = findings.iter().rfind(|f| f.rule == *rule).unwrap();
    assert!(
        last.message.starts_with("and 9,980 more like this"),
        "{}",
        last.message
    );
    // What stays is each open block's state (its id, name and line: 3.4 times these tiny
    // blocks' bytes), not a finding for each.
    assert!(validate <= 4 * data.len(), "validate took {validate}");
}
