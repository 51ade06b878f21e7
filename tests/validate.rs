//! `validate`: every rule breaks on a fixture made to break it (with the rule id and line
//! checked) and holds on fixtures made to pass it; the bundled fixtures are valid; exit
//! codes, `--allow`, `--deny-warnings` and the four report formats behave as documented;
//! inputs are read as `inspect` reads them (HAR entries, dump pairs, HTTP codings), and a
//! closed stdout does not change the verdict.

mod common;
use common::{root, run};

use std::collections::BTreeSet;

use aibridge_trace::config::{Inputs, ValidateConfig, ValidateFormat};
use aibridge_trace::diagnostic::{RULES, Severity};
use aibridge_trace::discover::Filter;
use aibridge_trace::run::Status;
use aibridge_trace::validate::validate_bytes;
use serde_json::Value;

const BAD: &str = "tests/data/validate/bad";
const GOOD: &str = "tests/data/validate/good";
/// Inputs of every kind `inspect` reads, each with something to find.
const INPUTS: &str = "tests/data/validate/inputs";

/// A finding as the tests compare it: rule id and line.
type Expected = (&'static str, Option<usize>);

/// Each breaking fixture (in `tests/data/validate/bad/`) with exactly the findings it gives.
const BREAKING: &[(&str, &[Expected])] = &[
    ("parse-capture.txtar", &[("parse-capture", None)]),
    (
        "parse-request-json.txtar",
        &[("parse-request-json", Some(6))],
    ),
    ("parse-body-json.txtar", &[("parse-body-json", Some(42))]),
    ("parse-event-json.sse", &[("parse-event-json", Some(7))]),
    (
        "sse-framing.sse",
        &[("sse-framing", Some(8)), ("sse-framing", Some(11))],
    ),
    (
        "sse-framing-no-blank-line.sse",
        &[
            ("sse-framing", Some(2)),
            ("sse-framing", Some(3)),
            ("sse-framing", Some(4)),
        ],
    ),
    (
        "sse-final-blank-line.sse",
        &[("sse-final-blank-line", Some(16))],
    ),
    ("http-head.http", &[("http-head", Some(3))]),
    ("http-head-cut.txtar", &[("http-head", Some(6))]),
    ("http-coding.http", &[("http-coding", None)]),
    ("http-content-type.http", &[("http-content-type", Some(2))]),
    ("request-api.txtar", &[("request-api", None)]),
    ("stream-truncated.sse", &[("stream-truncated", Some(7))]),
    (
        "stream-unknown-event.sse",
        &[("stream-unknown-event", Some(10))],
    ),
    (
        "anthropic-grammar.sse",
        &[
            ("anthropic-grammar", Some(4)),
            ("anthropic-grammar", Some(10)),
            ("anthropic-grammar", Some(13)),
        ],
    ),
    (
        "anthropic-grammar-order.sse",
        &[
            ("anthropic-grammar", Some(4)),
            ("anthropic-grammar", Some(4)),
            ("anthropic-grammar", Some(19)),
        ],
    ),
    (
        "chat-grammar.txtar",
        &[("chat-grammar", Some(11)), ("chat-grammar", Some(13))],
    ),
    (
        "chat-grammar-after-end.sse",
        &[("chat-grammar", Some(5)), ("chat-grammar", Some(9))],
    ),
    (
        "responses-grammar.txtar",
        &[
            ("responses-grammar", Some(7)),
            ("responses-grammar", Some(55)),
        ],
    ),
    (
        "responses-sequence.txtar",
        &[
            ("responses-sequence", Some(43)),
            ("responses-sequence", Some(58)),
        ],
    ),
    ("responses-items.txtar", &[("responses-items", Some(31))]),
    (
        "responses-items-orphan.sse",
        &[("responses-items", Some(4))],
    ),
    (
        "responses-done-text.txtar",
        &[("responses-done-text", Some(37))],
    ),
    (
        "content-tool-arguments.txtar",
        &[
            ("content-tool-arguments", Some(11)),
            ("content-tool-arguments", Some(36)),
        ],
    ),
    ("content-tool-ids.txtar", &[("content-tool-ids", Some(16))]),
    (
        "content-completed-output.txtar",
        &[("content-completed-output", Some(58))],
    ),
    (
        "usage-missing.txtar",
        &[("usage-missing", Some(19)), ("usage-missing", Some(40))],
    ),
    (
        "usage-invalid.sse",
        &[("usage-invalid", Some(1)), ("usage-invalid", Some(13))],
    ),
    ("usage-total.txtar", &[("usage-total", Some(42))]),
    ("usage-reasoning.txtar", &[("usage-reasoning", Some(74))]),
    ("usage-cached.txtar", &[("usage-cached", Some(19))]),
    (
        "error-shape.txtar",
        &[("error-shape", Some(17)), ("error-shape", Some(24))],
    ),
    (
        "txtar-pair-mismatch.txtar",
        &[
            ("txtar-pair-mismatch", Some(52)),
            ("txtar-pair-mismatch", Some(52)),
        ],
    ),
    (
        "txtar-tool-call-section.txtar",
        &[("txtar-tool-call-section", Some(6))],
    ),
    (
        "txtar-tool-call-section-extra.txtar",
        &[
            ("txtar-tool-call-section", Some(25)),
            ("txtar-tool-call-section", Some(44)),
        ],
    ),
    (
        "txtar-unknown-section.txtar",
        &[("txtar-unknown-section", Some(23))],
    ),
    (
        "txtar-unknown-rule.txtar",
        &[
            ("txtar-unknown-rule", Some(3)),
            ("stream-truncated", Some(9)),
        ],
    ),
    (
        "txtar-duplicate-section.txtar",
        &[("txtar-duplicate-section", Some(6))],
    ),
    (
        "txtar-request-marker.txtar",
        &[("txtar-request-marker", Some(2))],
    ),
];

/// Each passing fixture (in `tests/data/validate/good/`), with the rules it exercises: it
/// holds what the rule checks, done right.
const PASSING: &[(&str, &[&str])] = &[
    (
        "anthropic.txtar",
        &[
            "parse-capture",
            "parse-request-json",
            "parse-body-json",
            "parse-event-json",
            "sse-framing",
            "sse-final-blank-line",
            "stream-truncated",
            "stream-unknown-event",
            "anthropic-grammar",
            "content-tool-arguments",
            "content-tool-ids",
            "usage-missing",
            "usage-invalid",
            "txtar-pair-mismatch",
            "txtar-unknown-section",
            "txtar-unknown-rule",
            "txtar-duplicate-section",
            "txtar-request-marker",
        ],
    ),
    (
        "chat.txtar",
        &[
            "chat-grammar",
            "content-tool-arguments",
            "content-tool-ids",
            "usage-missing",
            "usage-invalid",
            "usage-total",
            "usage-reasoning",
            "usage-cached",
            "txtar-pair-mismatch",
        ],
    ),
    (
        "responses.txtar",
        &[
            "request-api",
            "responses-grammar",
            "responses-sequence",
            "responses-items",
            "responses-done-text",
            "content-completed-output",
            "content-tool-arguments",
            "usage-missing",
            "usage-invalid",
            "usage-total",
            "usage-reasoning",
            "usage-cached",
            "txtar-pair-mismatch",
        ],
    ),
    (
        "injected.txtar",
        &["txtar-tool-call-section", "txtar-pair-mismatch"],
    ),
    // A stream that ends in a well-formed error is valid: no stream-truncated.
    (
        "errors.txtar",
        &["error-shape", "stream-truncated", "http-head"],
    ),
    (
        "responses-failed.txtar",
        &["error-shape", "responses-grammar", "stream-truncated"],
    ),
    (
        "chat-stream.http",
        &[
            "http-head",
            "http-coding",
            "http-content-type",
            "chat-grammar",
            "parse-capture",
        ],
    ),
    (
        "anthropic-stream.sse",
        &["anthropic-grammar", "sse-final-blank-line"],
    ),
];

fn read(dir: &str, name: &str) -> Vec<u8> {
    std::fs::read(root().join(dir).join(name)).unwrap_or_else(|e| panic!("{dir}/{name}: {e}"))
}

fn files_in(dir: &str) -> BTreeSet<String> {
    std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn every_rule_has_a_breaking_and_a_passing_fixture() {
    let all: BTreeSet<&str> = RULES.iter().map(|r| r.id).collect();
    let broken: BTreeSet<&str> = BREAKING
        .iter()
        .flat_map(|(_, f)| f.iter().map(|(rule, _)| *rule))
        .collect();
    let passed: BTreeSet<&str> = PASSING
        .iter()
        .flat_map(|(_, r)| r.iter().copied())
        .collect();
    assert_eq!(
        broken, all,
        "rules without a breaking fixture, or unknown ids"
    );
    assert_eq!(
        passed, all,
        "rules without a passing fixture, or unknown ids"
    );
    let listed: BTreeSet<String> = BREAKING.iter().map(|(f, _)| f.to_string()).collect();
    assert_eq!(files_in(BAD), listed, "bad/ and the table differ");
    let listed: BTreeSet<String> = PASSING.iter().map(|(f, _)| f.to_string()).collect();
    assert_eq!(files_in(GOOD), listed, "good/ and the table differ");
}

#[test]
fn breaking_fixtures_give_exactly_their_findings() {
    for (name, expected) in BREAKING {
        let findings = validate_bytes(&read(BAD, name));
        let mut got: Vec<(&str, Option<usize>)> =
            findings.iter().map(|f| (f.rule, f.line)).collect();
        let mut want = expected.to_vec();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{name}: {findings:#?}");
        for f in &findings {
            let rule = RULES.iter().find(|r| r.id == f.rule).unwrap();
            assert_eq!(f.severity, rule.severity, "{name}: {f:?}");
            assert!(!f.message.is_empty());
        }
    }
}

#[test]
fn passing_fixtures_give_no_finding() {
    for (name, _) in PASSING {
        let findings = validate_bytes(&read(GOOD, name));
        assert!(findings.is_empty(), "{name}: {findings:#?}");
    }
}

#[test]
fn bundled_fixtures_are_valid_their_truncations_allowed_inline() {
    // The three fixtures that record a stream cut short say so in their txtar comment
    // (`aibridge-trace: allow stream-truncated`), so the folder validates clean.
    let out = run(&["validate", "fixtures/"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    // HAR archives and gateway dumps are checked too; only the passthrough dump (a
    // `/v1/models` listing) holds nothing to check.
    assert!(
        text.ends_with(
            "all valid (0 errors, 0 warnings), 3 allowed (by --allow or an inline allow), 1 skipped\n"
        ),
        "{text}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("/passthrough/"), "{stderr}");
    // Without the inline allow, each is found, at its cut line.
    for (fixture, line) in [
        (
            "fixtures/anthropic-messages/truncated_tool_call.txtar",
            "stream-truncated",
        ),
        (
            "fixtures/openai-chat/truncated_stream.txtar",
            "stream-truncated",
        ),
        (
            "fixtures/openai-responses/truncated_tool_args.txtar",
            "stream-truncated",
        ),
    ] {
        let data = std::fs::read_to_string(fixture).unwrap();
        let stripped = data.replace("aibridge-trace: allow stream-truncated", "");
        let found: Vec<&str> = aibridge_trace::validate::validate_bytes(stripped.as_bytes())
            .iter()
            .map(|f| f.rule)
            .collect();
        assert_eq!(found, [line], "{fixture}");
    }
}

#[test]
fn exit_codes() {
    assert_eq!(run(&["validate", GOOD]).status.code(), Some(0));
    assert_eq!(run(&["validate", BAD]).status.code(), Some(1));
    assert_eq!(run(&["validate"]).status.code(), Some(2));
    assert_eq!(
        run(&["validate", "--allow", "no-such-rule", GOOD])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&["validate", "--format", "yaml", GOOD]).status.code(),
        Some(2)
    );
    let missing = run(&["validate", "no/such/file.sse"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("no/such/file.sse: no such file"),
        "{missing:?}"
    );
}

#[test]
fn warnings_fail_only_with_deny_warnings() {
    let file = format!("{BAD}/stream-unknown-event.sse");
    assert_eq!(run(&["validate", &file]).status.code(), Some(0));
    assert_eq!(
        run(&["validate", "--deny-warnings", &file]).status.code(),
        Some(1)
    );
    assert_eq!(
        run(&[
            "validate",
            "--deny-warnings",
            "--allow",
            "stream-unknown-event",
            &file
        ])
        .status
        .code(),
        Some(0)
    );
}

#[test]
fn allow_silences_one_rule_only() {
    let file = format!("{BAD}/txtar-tool-call-section-extra.txtar");
    let out = run(&["validate", "--allow", "txtar-pair-mismatch", &file]);
    assert_eq!(out.status.code(), Some(1));
    let out = run(&["validate", "--allow", "txtar-tool-call-section", &file]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

#[test]
fn text_format() {
    let file = format!("{BAD}/usage-total.txtar");
    let out = run(&["validate", "--format", "text", &file]);
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!(
            "{file}:42: error[usage-total]: total_tokens is 75, but prompt_tokens + completion_tokens = 50 + 20\n\
             checked 1 file: 1 invalid (1 error, 0 warnings)\n"
        )
    );
}

#[test]
fn github_format_is_the_default_under_actions() {
    let file = format!("{BAD}/stream-unknown-event.sse");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_aibridge-trace"))
        .args(["validate", &file])
        .current_dir(root())
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with(&format!(
            "::warning file={file},line=10,title=stream-unknown-event::unknown event type \"mystery\" [stream-unknown-event]\n"
        )),
        "{stdout}"
    );
    let out = run(&[
        "validate",
        "--format",
        "github",
        &format!("{BAD}/usage-total.txtar"),
    ]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("::error file="), "{stdout}");
}

#[test]
fn json_format_is_one_finding_per_line() {
    let out = run(&["validate", "--format", "json", BAD]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let total: usize = BREAKING.iter().map(|(_, f)| f.len()).sum();
    assert_eq!(stdout.lines().count(), total);
    for line in stdout.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["path", "line", "severity", "rule", "message"]);
        assert!(RULES.iter().any(|r| r.id == v["rule"]));
        assert!(matches!(v["severity"].as_str(), Some("error" | "warning")));
    }
}

#[test]
fn junit_format_has_one_case_per_file() {
    let out = run(&["validate", "--format", "junit", GOOD, BAD, "no/such.sse"]);
    assert_eq!(out.status.code(), Some(1));
    let xml = String::from_utf8(out.stdout).unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites "));
    let files = PASSING.len() + BREAKING.len() + 1;
    assert_eq!(xml.matches("<testcase ").count(), files);
    assert_eq!(xml.matches("</testcase>").count(), files);
    // Invalid files fail; stream-unknown-event, txtar-unknown-section and
    // sse-final-blank-line give warnings only, which pass without --deny-warnings.
    let failed = BREAKING
        .iter()
        .filter(|(_, f)| {
            f.iter().any(|(rule, _)| {
                RULES.iter().find(|r| r.id == *rule).unwrap().severity == Severity::Error
            })
        })
        .count();
    assert_eq!(xml.matches("<failure ").count(), failed);
    assert_eq!(xml.matches("<error ").count(), 1);
    assert!(xml.contains(&format!(
        "tests=\"{files}\" failures=\"{failed}\" errors=\"1\""
    )));
    // Messages quote JSON: it must come out escaped.
    assert!(xml.contains("&quot;"));
    assert!(!xml.contains("\"mystery\""));
}

#[test]
fn list_rules_names_every_rule() {
    let out = run(&["validate", "--list-rules"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), RULES.len());
    for (line, rule) in text.lines().zip(RULES) {
        assert!(line.starts_with(rule.id), "{line}");
    }
}

#[test]
fn a_file_that_is_no_capture_fails_when_named_and_is_skipped_when_walked() {
    let named = run(&["validate", "tests/data/garbage.bin"]);
    assert_eq!(named.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&named.stdout).contains("error[parse-capture]"));
    let dir = common::scratch("no-capture-walked");
    std::fs::write(dir.join("README"), "notes, not a capture\n").unwrap();
    std::fs::copy(
        root().join(GOOD).join("chat-stream.http"),
        dir.join("x.http"),
    )
    .unwrap();
    let walked = run(&["validate", dir.to_str().unwrap()]);
    assert_eq!(walked.status.code(), Some(0), "{walked:?}");
    assert!(String::from_utf8_lossy(&walked.stderr).contains("README: skipped"));
    assert!(String::from_utf8_lossy(&walked.stdout).contains("1 skipped"));
}

/// Hostile run 58: a proxy's 502 page saved as `stream.sse`, a fixture cut before its first
/// section and an HTML page saved as a gzipped HAR passed `validate fixtures/` as "skipped":
/// their names say they are captures, so a walk fails them as naming them would.
#[test]
fn a_file_named_as_a_capture_that_holds_none_fails_when_walked() {
    let dir = common::scratch("capture-named-walked");
    std::fs::write(dir.join("README.md"), "notes, not a capture\n").unwrap();
    std::fs::write(
        dir.join("stream.sse"),
        "<html><h1>502 Bad Gateway</h1></html>\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("cut.TXTAR"),
        "gpt-4.1 answers with one call: the first\n",
    )
    .unwrap();
    let mut page = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut page, b"<html>not an archive</html>").unwrap();
    std::fs::write(dir.join("traffic.har.gz"), page.finish().unwrap()).unwrap();
    let walked = run(&["validate", dir.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&walked.stdout);
    assert_eq!(walked.status.code(), Some(1), "{walked:?}");
    for name in ["stream.sse", "cut.TXTAR", "traffic.har.gz"] {
        assert!(
            stdout.contains(&format!("{name}: error[parse-capture]: not a capture")),
            "{name}: {stdout}"
        );
    }
    assert!(String::from_utf8_lossy(&walked.stderr).contains("README.md: skipped"));
    assert!(
        stdout.contains("3 invalid") && stdout.contains("1 skipped"),
        "{stdout}"
    );
}

/// Hostile run 59: http-content-type looked only at raw responses' heads; an archive's
/// entry gives its type apart from its body, and a request's head labels its body too.
#[test]
fn a_body_of_another_kind_than_its_type_is_found_in_entries_and_requests() {
    let dir = common::scratch("content-type-entries");
    let answer = r#"{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-20250514","content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn","usage":{"input_tokens":5,"output_tokens":1}}"#;
    let asked = r#"{"model":"claude-sonnet-4-20250514","max_tokens":64,"messages":[{"role":"user","content":"Hi"}]}"#;
    let har = serde_json::json!({"log": {"entries": [{
        "request": {"method": "POST", "url": "https://api.anthropic.com/v1/messages",
            "postData": {"mimeType": "application/json", "text": asked}},
        "response": {"status": 200, "content": {"mimeType": "image/png", "text": answer}}
    }]}});
    std::fs::write(dir.join("a.har"), har.to_string()).unwrap();
    std::fs::write(
        dir.join("b.txtar"),
        format!(
            "-- request --\nPOST /v1/messages HTTP/1.1\nContent-Type: text/html\n\n{asked}\n\
             -- non-streaming --\n{answer}\n"
        ),
    )
    .unwrap();
    let (findings, code) = json_findings(&[dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{findings:?}");
    let said: Vec<_> = findings
        .iter()
        .map(|f| (field(f, "rule"), field(f, "message"), f["line"].as_u64()))
        .collect();
    assert_eq!(said.len(), 2, "{said:?}");
    assert_eq!(said[0].0, "http-content-type");
    assert!(
        said[0]
            .1
            .starts_with("entry 0: the response body is a JSON document"),
        "{said:?}"
    );
    // The type is said by its kind: a header's value never reaches output (hostile run 60).
    assert!(said[0].1.contains("says an image ("), "{said:?}");
    assert!(!said[0].1.contains("png"), "{said:?}");
    assert_eq!(said[1].0, "http-content-type");
    assert!(
        said[1].1.starts_with("the request body is a JSON document"),
        "{said:?}"
    );
    assert_eq!(said[1].2, Some(3));
}

/// `validate --format json` over `paths`: the findings, and the exit code.
fn json_findings(paths: &[&str]) -> (Vec<Value>, i32) {
    let mut args = vec!["validate", "--format", "json"];
    args.extend_from_slice(paths);
    let out = run(&args);
    let findings = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    (findings, out.status.code().unwrap())
}

/// A finding's text field.
fn field<'v>(finding: &'v Value, key: &str) -> &'v str {
    finding[key].as_str().unwrap()
}

#[test]
fn har_entries_are_checked_and_named_by_their_index() {
    let har = format!("{INPUTS}/entries.har");
    let (findings, code) = json_findings(&[&har]);
    assert_eq!(code, 1);
    // 0 a page and 1 plain-text telemetry are no LLM traffic: nothing is said of them.
    // Lines inside an entry are no lines of the file: there are none.
    let got: Vec<(&str, &str)> = findings
        .iter()
        .map(|f| {
            assert_eq!((field(f, "path"), &f["line"]), (har.as_str(), &Value::Null));
            let message = field(f, "message");
            (field(f, "rule"), &message[..message.find(':').unwrap()])
        })
        .collect();
    assert_eq!(
        got,
        [
            ("stream-truncated", "entry 2"),
            ("usage-total", "entry 3"),
            ("parse-request-json", "entry 4"),
            ("parse-body-json", "entry 5"),
        ]
    );
    // A HAR of no LLM traffic holds nothing to check; the bundled HARs are checked, and valid.
    let none = run(&["validate", &format!("{INPUTS}/no-llm.har")]);
    assert_eq!(none.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&none.stderr)
            .contains("no-llm.har: skipped: no LLM API traffic in its 2 entries")
    );
    let bundled = run(&["validate", "fixtures/har/"]);
    assert_eq!(bundled.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(bundled.stdout).unwrap(),
        "checked 3 files: all valid (0 errors, 0 warnings)\n"
    );
    // Named, a HAR that does not parse fails.
    let broken = run(&["validate", "tests/data/inputs/not-json.har"]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&broken.stdout).contains("error[parse-capture]"));
}

#[test]
fn dump_pairs_are_checked_as_pairs() {
    let (findings, code) = json_findings(&[&format!("{INPUTS}/dumps")]);
    assert_eq!(code, 1);
    let got: Vec<(&str, &str, &Value)> = findings
        .iter()
        .map(|f| {
            let name = field(f, "path").rsplit('/').next().unwrap();
            let half = name.split_once('.').map_or(name, |(_, half)| half);
            (half, field(f, "rule"), &f["line"])
        })
        .collect();
    // The gzip'd response: a finding inside its decoded body points at the body's first line.
    // The request half's findings name it; an empty error half records no error.
    assert_eq!(
        got,
        [
            ("resp.txt", "usage-total", &Value::from(5)),
            ("req_error.txt", "parse-request-json", &Value::Null),
            ("req_error.txt", "error-shape", &Value::Null),
        ]
    );
    assert!(
        field(&findings[0], "message").ends_with("(line 7 of the decoded body)"),
        "{findings:?}"
    );
    let request = "1746180060000-1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e.req.txt:8: ";
    assert!(
        field(&findings[1], "message").starts_with(request),
        "{findings:?}"
    );
    // The bundled pairs: an error half with its request, and a deflate'd stream whose API
    // only its request path names, are checked, and valid.
    for pair in [
        "fixtures/dumps/openai/gpt-5/",
        "fixtures/dumps/openai/deepseek-chat/",
    ] {
        let out = run(&["validate", pair]);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "checked 1 file: all valid (0 errors, 0 warnings)\n",
            "{pair}"
        );
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn http_codings_are_undone_as_inspect_does() {
    let out = run(&[
        "validate",
        "tests/data/inputs/chunked-br.http",
        "tests/data/inputs/chunked-zstd.http",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "checked 2 files: all valid (0 errors, 0 warnings)\n"
    );
    // A gzip'd section is no broken body, and lines after it are still the file's: the
    // stream after it stops before message_stop, whose last event starts on line 25.
    let findings = validate_bytes(&read(INPUTS, "gzip-section.txtar"));
    let got: Vec<_> = findings.iter().map(|f| (f.rule, f.line)).collect();
    assert_eq!(got, [("stream-truncated", Some(25))], "{findings:#?}");
    // A chunked stream cut short is a body cut short and one truncated stream, not a
    // hundred framing defects.
    let findings =
        validate_bytes(&std::fs::read(root().join("tests/data/inputs/chunked-cut.http")).unwrap());
    let got: Vec<_> = findings.iter().map(|f| f.rule).collect();
    assert_eq!(got, ["parse-capture", "stream-truncated"], "{findings:#?}");
}

#[test]
fn invalid_utf8_is_found_on_its_line() {
    let findings = validate_bytes(&read(INPUTS, "bad-utf8.txtar"));
    let got: Vec<_> = findings.iter().map(|f| (f.rule, f.line)).collect();
    assert_eq!(got, [("sse-framing", Some(7))], "{findings:#?}");
}

/// A reader that takes `left` more bytes, then closes its end of the pipe.
struct Pipe {
    left: usize,
    taken: Vec<u8>,
}

impl std::io::Write for Pipe {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            return Err(std::io::ErrorKind::BrokenPipe.into());
        }
        let n = buf.len().min(self.left);
        self.left -= n;
        self.taken.extend_from_slice(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn validate_into(paths: &[&str], out: &mut Pipe) -> (Status, Vec<u8>) {
    let config = ValidateConfig {
        inputs: Inputs {
            paths: paths.iter().map(|p| root().join(p)).collect(),
            filter: Filter::default(),
            quiet: false,
            threads: 1,
            progress: false,
            stdin_closed: false,
        },
        format: ValidateFormat::Text,
        deny_warnings: false,
        allow: Vec::new(),
    };
    let mut err = Vec::new();
    let status = aibridge_trace::validate::run(&config, out, &mut err).unwrap();
    (status, err)
}

#[test]
fn a_closed_stdout_keeps_the_verdict() {
    // The reader goes after the first line: the report stops, the verdict stands, and no
    // error is said.
    let mut pipe = Pipe {
        left: 20,
        taken: Vec::new(),
    };
    let (status, err) = validate_into(&[BAD], &mut pipe);
    assert_eq!(status, Status::SomeFailed);
    assert!(err.is_empty(), "{}", String::from_utf8_lossy(&err));
    assert_eq!(pipe.taken.len(), 20);
    // Gone before a word was read, with the invalid files last: they are checked all the
    // same, and they decide.
    let mut pipe = Pipe {
        left: 0,
        taken: Vec::new(),
    };
    let (status, _) = validate_into(&[GOOD, BAD], &mut pipe);
    assert_eq!(status, Status::SomeFailed);
    let (status, _) = validate_into(&[GOOD], &mut pipe);
    assert_eq!(status, Status::Ok);
}

#[test]
fn a_closed_pipe_keeps_the_exit_code() {
    // `validate bad/ | head -1`: the reader goes after one line. The report is made longer
    // than a pipe holds, so the run must meet the closed pipe.
    let args: Vec<&str> = std::iter::once("validate").chain([BAD; 40]).collect();
    let (first, out) = common::first_line_then_closed(&args);
    assert!(first.contains("error["), "{first}");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A malformed start line is named, never quoted: a request target carries query strings
/// (`?key=…`) and a broken status line can hold a token, and reports go into CI logs.
#[test]
fn http_head_findings_never_quote_the_start_line() {
    let secret = "sk-ant-SECRET123";
    let request_line = format!(
        "POST  /v1/messages?key={secret} HTTP/1.1\r\nContent-Type: application/json\r\n\r\n{{}}\n"
    );
    let status_line =
        format!("HTTP/1.1 2000 Bearer {secret}\r\nContent-Type: application/json\r\n\r\n{{}}\n");
    for data in [request_line, status_line] {
        let findings = validate_bytes(data.as_bytes());
        let head: Vec<_> = findings.iter().filter(|f| f.rule == "http-head").collect();
        assert_eq!(head.len(), 1, "{findings:?}");
        assert_eq!(head[0].line, Some(1));
        for f in &findings {
            assert!(!f.message.contains("SECRET"), "{f:?}");
        }
    }
}

/// Hostile run 63: a request of one API answered in another's shape passed. Only a request
/// that surely names its API is compared: by its path, or by fields no other API's request
/// takes; a model's name says nothing (gateways serve `claude-…` over the Chat API).
#[test]
fn a_request_answered_in_another_apis_shape_is_found_where_the_request_surely_says() {
    let dir = common::scratch("request-api");
    let chat = r#"{"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}"#;
    let cases = [
        // Anthropic by its tools' `input_schema`.
        (
            "fields.txtar",
            r#"{"model":"claude-sonnet-4-5","max_tokens":9,"tools":[{"name":"f","input_schema":{"type":"object"}}],"messages":[{"role":"user","content":"hi"}]}"#,
            Some(
                "the request is of the anthropic-messages API (by its body's fields), but the response is of the openai-chat API",
            ),
        ),
        // Responses by its `input`.
        (
            "input.txtar",
            r#"{"model":"gpt-5","input":"hi"}"#,
            Some(
                "the request is of the openai-responses API (by its body's fields), but the response is of the openai-chat API",
            ),
        ),
        // Only the model's name: no finding.
        (
            "model.txtar",
            r#"{"model":"claude-sonnet-4-5","max_tokens":9,"messages":[{"role":"user","content":"hi"}]}"#,
            None,
        ),
    ];
    for (name, asked, said) in cases {
        let path = dir.join(name);
        std::fs::write(
            &path,
            format!("-- request --\n{asked}\n-- non-streaming --\n{chat}\n"),
        )
        .unwrap();
        let path = path.to_str().unwrap();
        let (findings, code) = json_findings(&[path]);
        let messages: Vec<&str> = findings.iter().map(|f| field(f, "message")).collect();
        assert_eq!(messages, Vec::from_iter(said), "{name}");
        assert_eq!(code, i32::from(said.is_some()), "{name}");
        let (turns, _, _) = common::inspect(&[path]);
        let warned = turns[0]["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| Some(w.as_str().unwrap()) == said);
        assert_eq!(warned, said.is_some(), "{name}: {turns:?}");
    }
}

/// Hostile run 65: a request whose body is no JSON hides the response after it, and
/// `inspect` fails the file as no capture; `validate` passed it, its head being well-formed.
#[test]
fn a_file_inspect_cannot_read_behind_a_well_formed_request_head_fails() {
    let dir = common::scratch("request-hides-response");
    let path = dir.join("form.http");
    let answer = r#"{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}"#;
    std::fs::write(
        &path,
        format!(
            "POST /v1/messages HTTP/1.1\r\nContent-Type: application/json\r\n\r\nnot json\r\n\
             HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{answer}\r\n"
        ),
    )
    .unwrap();
    let (findings, code) = json_findings(&[path.to_str().unwrap()]);
    assert_eq!(code, 1, "{findings:?}");
    assert_eq!(field(&findings[0], "rule"), "parse-capture");
    assert!(field(&findings[0], "message").starts_with("not a capture this tool reads"));
}

/// Hostile run 65: a request with no body, then its response: the blank line after the
/// request's head was taken for the line ends before the response, and the head said to
/// have none ("cut inside the head").
#[test]
fn a_request_with_no_body_before_its_response_keeps_its_blank_line() {
    let dir = common::scratch("bodiless-request");
    let path = dir.join("get.http");
    std::fs::write(
        &path,
        "POST /v1/messages HTTP/1.1\r\nHost: api.anthropic.com\r\n\r\nHTTP/1.1 401 Unauthorized\r\n\
         Content-Type: application/json\r\n\r\n\
         {\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"denied\"}}\r\n",
    )
    .unwrap();
    let (findings, code) = json_findings(&[path.to_str().unwrap()]);
    assert!(
        findings.iter().all(|f| field(f, "rule") != "http-head"),
        "{findings:?}"
    );
    assert_eq!(code, 0, "{findings:?}");
    // `inspect` says the request has no body, not that its body is no JSON.
    let (turns, stderr, code) = common::inspect(&[path.to_str().unwrap()]);
    assert_eq!((turns.len(), code), (1, 0), "{stderr}");
    assert_eq!(
        turns[0]["warnings"],
        serde_json::json!(["the request has no body; what was asked is not known"])
    );
}

/// Hostile run 66 D5: an HTTP error status over an event stream was lost: the turn said
/// `"error": null` and `validate` passed, while the same status over a JSON body is kept and
/// checked.
#[test]
fn an_error_status_over_a_stream_is_the_turns_error_and_must_say_it() {
    let dir = common::scratch("error-status-stream");
    let stream = std::fs::read_to_string(common::root().join("fixtures/raw/anthropic-crlf.sse"))
        .unwrap()
        .replace('\r', "");
    let path = dir.join("500.http");
    std::fs::write(
        &path,
        format!(
            "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/event-stream\r\n\r\n{stream}"
        ),
    )
    .unwrap();
    let path = path.to_str().unwrap();
    let (turns, stderr, code) = common::inspect(&[path]);
    assert_eq!((turns.len(), code), (1, 0), "{stderr}");
    assert_eq!(turns[0]["error"]["status"], 500, "{}", turns[0]);
    let (findings, code) = json_findings(&[path]);
    assert_eq!(code, 1, "{findings:?}");
    assert_eq!(field(&findings[0], "rule"), "error-shape");
    assert_eq!(
        field(&findings[0], "message"),
        "the HTTP 500 response's stream records no error with a message"
    );
}

/// Hostile run 66 D1: a head saying `text/event-stream` made any body (an image, a proxy's
/// page) a stream, passed over as "of no API", and `validate` passed.
#[test]
fn a_body_its_type_calls_a_stream_that_holds_no_event_is_no_stream() {
    let dir = common::scratch("stream-of-nothing");
    let path = dir.join("page.sse");
    std::fs::write(
        &path,
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n\
         <html><body><h1>502 Bad Gateway</h1></body></html>\n",
    )
    .unwrap();
    let (findings, code) = json_findings(&[path.to_str().unwrap()]);
    assert_eq!(code, 1, "{findings:?}");
    assert_eq!(field(&findings[0], "rule"), "parse-body-json");
    assert_eq!(
        field(&findings[0], "message"),
        "the response body is neither JSON nor an event stream"
    );
}

/// Hostile run 66 D2: a file its name says is a capture (`.sse`) holding a request alone
/// passed as skipped; found under another name it is still passed over.
#[test]
fn a_capture_named_file_holding_a_request_alone_fails() {
    let dir = common::scratch("request-alone");
    let request = "POST /v1/messages HTTP/1.1\r\nContent-Type: application/json\r\n\r\n\
        {\"model\":\"claude-sonnet-4-5\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    std::fs::write(dir.join("cut.sse"), request).unwrap();
    std::fs::write(dir.join("asked.http"), request).unwrap();
    let out = run(&["validate", dir.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("cut.sse: error[parse-capture]: a request with no response"),
        "{stdout}"
    );
    assert!(!stdout.contains("asked.http: error"), "{stdout}");
}

/// Hostile run 66 D3: an error message of no text (a NUL, a zero-width space) passed
/// `error-shape`, while a blank one failed.
#[test]
fn an_error_message_of_no_text_is_no_message() {
    for message in ["\\u0000", "\\u200b\\u200b", "\\ufffd", " \\u00ad "] {
        let capture = format!(
            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\r\n\
             {{\"type\":\"error\",\"error\":{{\"type\":\"invalid_request_error\",\"message\":\"{message}\"}}}}\n"
        );
        let findings = validate_bytes(capture.as_bytes());
        let rules: Vec<&str> = findings.iter().map(|f| f.rule).collect();
        assert_eq!(rules, ["error-shape"], "{message}: {findings:?}");
    }
    let said = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\r\n\
        {\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"\\u00e9\"}}\n";
    assert!(validate_bytes(said.as_bytes()).is_empty());
}

/// Hostile run 66 D6: an archive's response status out of HTTP's range was dropped
/// silently, while a raw head's fails `http-head`. (A HAR's 0, an aborted request, is not.)
#[test]
fn an_archive_status_that_is_no_http_status_is_said() {
    let dir = common::scratch("archive-status");
    let body = r#"{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"boom\"}}"#;
    let har = |status: &str| {
        format!(
            r#"{{"log":{{"version":"1.2","creator":{{"name":"t","version":"1"}},"entries":[{{
            "startedDateTime":"2025-05-01T21:29:58.102Z","time":1,
            "request":{{"method":"POST","url":"https://api.anthropic.com/v1/messages","httpVersion":"HTTP/1.1","headers":[],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":-1}},
            "response":{{"status":{status},"statusText":"","httpVersion":"HTTP/1.1","headers":[],"cookies":[],
              "content":{{"size":-1,"mimeType":"application/json","text":"{body}"}},"redirectURL":"","headersSize":-1,"bodySize":-1}},
            "cache":{{}},"timings":{{"send":0,"wait":1,"receive":0}}}}]}}}}"#
        )
    };
    for (status, said) in [
        ("-1", true),
        ("99999", true),
        ("500.5", true),
        ("500", false),
    ] {
        let path = dir.join(format!("status{status}.har"));
        std::fs::write(&path, har(status)).unwrap();
        let (findings, _) = json_findings(&[path.to_str().unwrap()]);
        let head = findings.iter().any(|f| {
            field(f, "rule") == "http-head"
                && field(f, "message").contains("the response's status is no HTTP status")
        });
        assert_eq!(head, said, "{status}: {findings:?}");
    }
}

/// Hostile run 66 D4: a gateway's `{"error": "…"}` with nothing to tell its API was
/// skipped as "a JSON body of no API", though `validate` reads it as an error (and checks
/// it): it is said to be an error, its status named when it has one.
#[test]
fn an_error_body_of_no_api_is_said_to_be_an_error() {
    let dir = common::scratch("error-of-no-api");
    let bare = dir.join("bare.json");
    std::fs::write(&bare, "{\"error\":\"Unauthorized\"}\n").unwrap();
    let headed = dir.join("headed.http");
    std::fs::write(
        &headed,
        "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n\r\n{\"error\":\"Unauthorized\"}\n",
    )
    .unwrap();
    for (path, said) in [
        (
            &bare,
            "skipped: an error body, with no request or API path to tell whose",
        ),
        (
            &headed,
            "skipped: an HTTP 401 error, with no request or API path to tell whose",
        ),
    ] {
        let (turns, stderr, code) = common::inspect(&[path.to_str().unwrap()]);
        assert_eq!((turns.len(), code), (0, 0), "{stderr}");
        assert!(stderr.contains(said), "{stderr}");
        let (findings, code) = json_findings(&[path.to_str().unwrap()]);
        assert_eq!((findings.len(), code), (0, 0), "{findings:?}");
    }
}
