//! What decoding a txtar section's body finds amiss (a cut gzip body, an unknown
//! `Content-Encoding`) is said of that section's turn alone (hostile run 18, D1). It was said
//! of every turn of the file: a whole section's turn claimed its body was cut, and N such
//! sections made N² warnings (a 459 KB txtar of 4,000 sections took 1.28 GB and wrote
//! 916 MB). The request section's stay every turn's concern: each turn answers it.

mod common;
use common::*;
use serde_json::Value;

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(data).unwrap();
    gz.finish().unwrap()
}

const REQUEST: &str = r#"{"model":"claude-sonnet-4-5","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"hi"}]}"#;

const STREAM: &str = "event: message_start\n\
    data: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n\
    event: content_block_start\n\
    data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n\
    event: content_block_delta\n\
    data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"hi there\"}}\n\n\
    event: content_block_stop\n\
    data: {\"type\":\"content_block_stop\",\"index\":0}\n\n\
    event: message_delta\n\
    data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":1}}\n\n\
    event: message_stop\n\
    data: {\"type\":\"message_stop\"}\n\n";

/// How many of `turn`'s warnings contain `word`.
fn warned(turn: &Value, word: &str) -> usize {
    let warnings = turn["warnings"].as_array().expect("warnings");
    warnings
        .iter()
        .filter(|w| w.as_str().is_some_and(|w| w.contains(word)))
        .count()
}

#[test]
fn a_whole_section_is_not_said_to_be_cut_when_another_one_is() {
    let dir = scratch("cut-and-whole");
    let file = dir.join("cut.txtar");
    let packed = gzip(STREAM.as_bytes());
    let head = b"HTTP/1.1 200 OK\nContent-Type: text/event-stream\nContent-Encoding: gzip\n\n";
    let mut data = format!("-- request --\n{REQUEST}\n-- streaming --\n").into_bytes();
    data.extend_from_slice(head);
    data.extend_from_slice(&packed[..packed.len() - 30]);
    data.extend_from_slice(b"\n-- streaming/whole --\n");
    data.extend_from_slice(head);
    data.extend_from_slice(&packed);
    data.push(b'\n');
    std::fs::write(&file, data).unwrap();
    let (turns, stderr, code) = inspect(&[file.to_str().unwrap()]);
    assert_eq!((turns.len(), code), (2, 0), "{stderr}");
    let cut = section(&turns, "streaming");
    let whole = section(&turns, "streaming/whole");
    assert_eq!(warned(cut, "cut short"), 1, "{cut}");
    assert_eq!(warned(whole, "cut short"), 0, "{whole}");
    assert_eq!(whole["text"], "hi there");
}

#[test]
fn thousands_of_sections_in_an_unknown_coding_warn_once_each() {
    let dir = scratch("many-sections");
    let file = dir.join("many.txtar");
    let sections = 3_000;
    let mut text = format!("-- request --\n{REQUEST}\n");
    for i in 0..sections {
        text.push_str(&format!(
            "-- streaming/s{i} --\nHTTP/1.1 200 OK\nContent-Type: text/event-stream\n\
             Content-Encoding: br2\n\n{STREAM}"
        ));
    }
    std::fs::write(&file, text).unwrap();
    let (turns, stderr, code) = inspect(&[file.to_str().unwrap()]);
    assert_eq!((turns.len(), code), (sections, 0), "{stderr}");
    for turn in &turns {
        assert_eq!(
            warned(turn, "a coding this tool does not know"),
            1,
            "{turn}"
        );
        assert_eq!(turn["text"], "hi there");
    }
}

#[test]
fn the_request_sections_coding_is_said_of_every_turn_once() {
    let dir = scratch("request-coding");
    let file = dir.join("request.txtar");
    let clean = "HTTP/1.1 200 OK\nContent-Type: text/event-stream\n\n";
    std::fs::write(
        &file,
        format!(
            "-- request --\nPOST /v1/messages HTTP/1.1\nContent-Type: application/json\n\
             Content-Encoding: br2\n\n{REQUEST}\n-- streaming --\n{clean}{STREAM}\
             -- streaming/again --\n{clean}{STREAM}"
        ),
    )
    .unwrap();
    let (turns, stderr, code) = inspect(&[file.to_str().unwrap()]);
    assert_eq!((turns.len(), code), (2, 0), "{stderr}");
    for turn in &turns {
        assert_eq!(
            warned(turn, "a coding this tool does not know"),
            1,
            "{turn}"
        );
        assert_eq!(turn["model"], "claude-sonnet-4-5");
    }
}

/// A txtar of a section whose gzip body gives no byte (`packed` as given), then a whole
/// section: its path.
fn one_undecodable_section(name: &str, packed: &[u8]) -> std::path::PathBuf {
    let file = scratch(name).join("one-bad.txtar");
    let head = b"HTTP/1.1 200 OK\nContent-Type: text/event-stream\nContent-Encoding: gzip\n\n";
    let mut data = format!("-- request --\n{REQUEST}\n-- streaming --\n").into_bytes();
    data.extend_from_slice(head);
    data.extend_from_slice(packed);
    data.extend_from_slice(b"\n-- streaming/whole --\n");
    data.extend_from_slice(head);
    data.extend_from_slice(&gzip(STREAM.as_bytes()));
    data.push(b'\n');
    std::fs::write(&file, data).unwrap();
    file
}

#[test]
fn a_section_whose_body_does_not_decode_fails_alone() {
    // Hostile run 65 D1: a gzip body cut before its first decoded byte (or corrupt) failed
    // the whole txtar, naming no section: the other sections' turns were lost, and
    // `validate` checked none of them.
    let packed = gzip(STREAM.as_bytes());
    let mut corrupt = packed.clone();
    corrupt[10..].fill(0xff);
    for (case, bad) in [("cut", &packed[..12]), ("corrupt", &corrupt[..])] {
        let file = one_undecodable_section(case, bad);
        let path = file.to_str().unwrap();
        let (turns, stderr, code) = inspect(&[path]);
        assert_eq!((turns.len(), code), (1, 1), "{case}: {stderr}");
        assert_eq!(section(&turns, "streaming/whole")["text"], "hi there");
        assert!(
            stderr.contains(&format!(
                "{path} [streaming]: the headers name the coding gzip, but the body does not decode"
            )),
            "{case}: {stderr}"
        );
        let (stdout, stderr, code) = run_within(&["validate", path]);
        assert_eq!(code, 1, "{case}: {stdout}{stderr}");
        // At the bad section's marker (line 3), and nothing else: the whole section passes
        // (its name is no aibridge one: that is the warning).
        assert!(
            stdout.contains(&format!(
                "{path}:3: error[parse-capture]: the headers name the coding gzip"
            )),
            "{case}: {stdout}"
        );
        assert!(stdout.contains("(1 error, 1 warning)"), "{case}: {stdout}");
    }
}

#[test]
fn a_request_section_that_does_not_decode_fails_the_file_naming_it() {
    // Every response answers the request: none is read as asked without it.
    let file = scratch("request-undecodable").join("request.txtar");
    let mut data =
        b"-- request --\nPOST /v1/messages HTTP/1.1\nContent-Encoding: gzip\n\n".to_vec();
    data.extend_from_slice(&gzip(REQUEST.as_bytes())[..12]);
    data.extend_from_slice(
        b"\n-- streaming --\nHTTP/1.1 200 OK\nContent-Type: text/event-stream\n\n",
    );
    data.extend_from_slice(STREAM.as_bytes());
    std::fs::write(&file, data).unwrap();
    let path = file.to_str().unwrap();
    let (turns, stderr, code) = inspect(&[path]);
    assert_eq!((turns.len(), code), (0, 1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{path}: the request section: the headers name the coding gzip"
        )),
        "{stderr}"
    );
}

#[test]
fn a_section_holding_its_own_request_has_both_bodies_decoded() {
    // A section may hold a request and then its response, as a file may; only the first
    // message's body was decoded: a gzip response stayed gzip (the turn was skipped as "of
    // no API"), and a gzip request took the response for more of its body.
    let dir = scratch("own-request");
    let asked = format!(
        "POST /v1/messages HTTP/1.1\nContent-Type: application/json\nContent-Encoding: gzip\n\
         Content-Length: {}\n\n",
        gzip(REQUEST.as_bytes()).len()
    );
    let answer = b"HTTP/1.1 200 OK\nContent-Type: text/event-stream\nContent-Encoding: gzip\n\n";
    let mut data = b"-- streaming --\n".to_vec();
    data.extend_from_slice(asked.as_bytes());
    // The response's status line right after the request's binary body, as a proxy writes.
    data.extend_from_slice(&gzip(REQUEST.as_bytes()));
    data.extend_from_slice(answer);
    data.extend_from_slice(&gzip(STREAM.as_bytes()));
    // A second section whose answer is no JSON: its finding's line is the file's.
    data.extend_from_slice(b"\n-- non-streaming --\nPOST /v1/messages HTTP/1.1\n\n");
    data.extend_from_slice(REQUEST.as_bytes());
    data.extend_from_slice(
        b"\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"id\": nope}\n",
    );
    let file = dir.join("own.txtar");
    std::fs::write(&file, &data).unwrap();
    let path = file.to_str().unwrap();
    let (turns, stderr, _) = inspect(&[path]);
    let turn = section(&turns, "streaming");
    assert_eq!(turn["text"], "hi there", "{stderr}");
    assert_eq!(turn["prompt"], "hi", "{turn}");
    let line = 1 + data
        .iter()
        .rposition(|&b| b == b'{')
        .map_or(0, |at| data[..at].iter().filter(|&&b| b == b'\n').count());
    let (stdout, _, code) = run_within(&["validate", path]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains(&format!("{path}:{line}: error[parse-body-json]")),
        "line {line}: {stdout}"
    );
    assert!(stdout.contains("(1 error, 0 warnings)"), "{stdout}");
}

/// An Anthropic error body quoting `echo`, as a provider's 401 may quote the key it got.
fn error_quoting(echo: &str) -> String {
    format!(
        "HTTP/1.1 401 Unauthorized\nContent-Type: application/json\n\n\
         {{\"type\":\"error\",\"error\":{{\"type\":\"authentication_error\",\"message\":\"User {echo} is not allowed\"}}}}\n"
    )
}

#[test]
fn every_heads_credentials_are_cut_from_every_sections_output() {
    // Hostile run 67 D1 and D4: a section bringing its own request lost the `request`
    // section's credentials (its error quoted the file's key whole), and one section's own
    // request's key was not cut from a sibling's error.
    let dir = scratch("every-heads-credentials");
    let file = dir.join("keys.txtar");
    let (shared, own) = ("Hva7Qwertyuio", "Hvo7Asdfghjkl");
    let asked = |key: &str| {
        format!(
            "POST /v1/messages HTTP/1.1\nX-Api-Key: {key}\nContent-Type: application/json\n\n{REQUEST}\n"
        )
    };
    std::fs::write(
        &file,
        format!(
            "-- request --\n{}-- streaming --\n{}{}-- non-streaming --\n{}",
            asked(shared),
            asked("Hvx7Zxcvbnmqw"),
            error_quoting(shared),
            error_quoting(own),
        ) + &format!("-- streaming/own --\n{}{}", asked(own), error_quoting("x")),
    )
    .unwrap();
    let path = file.to_str().unwrap();
    for args in [
        &["inspect", "--format", "jsonl", path][..],
        &["inspect", path],
        &["summary", path],
        &["validate", path],
    ] {
        let (stdout, stderr, _) = run_within(args);
        for key in [shared, own] {
            assert!(
                !stdout.contains(key) && !stderr.contains(key),
                "{args:?}: {stdout}{stderr}"
            );
        }
    }
}

#[test]
fn a_section_opening_with_a_byte_order_mark_is_read_as_without() {
    // Hostile run 67 D5: it was no HTTP message ("a response body of no API").
    let file = scratch("section-bom").join("bom.txtar");
    std::fs::write(
        &file,
        format!(
            "-- request --\n{REQUEST}\n-- streaming --\n\u{feff}HTTP/1.1 200 OK\n\
             Content-Type: text/event-stream\n\n{STREAM}"
        ),
    )
    .unwrap();
    let (turns, stderr, code) = inspect(&[file.to_str().unwrap()]);
    assert_eq!((turns.len(), code), (1, 0), "{stderr}");
    assert_eq!(turns[0]["text"], "hi there");
}

#[test]
fn a_section_holding_its_own_chunked_request_is_read() {
    // Hostile run 67 D6: once decoded, the request's body was no longer chunked, so its
    // end was not found again, and the section gave no turn.
    let file = scratch("own-chunked").join("chunked.txtar");
    std::fs::write(
        &file,
        format!(
            "-- streaming --\nPOST /v1/messages HTTP/1.1\nTransfer-Encoding: chunked\n\
             Content-Type: application/json\n\n{:x}\r\n{REQUEST}\r\n0\r\n\r\n\
             HTTP/1.1 200 OK\nContent-Type: text/event-stream\n\n{STREAM}",
            REQUEST.len()
        ),
    )
    .unwrap();
    let (turns, stderr, code) = inspect(&[file.to_str().unwrap()]);
    assert_eq!((turns.len(), code), (1, 0), "{stderr}");
    assert_eq!(turns[0]["text"], "hi there");
    assert_eq!(turns[0]["prompt"], "hi");
}

#[test]
fn a_response_section_holding_no_response_fails_validate() {
    // Hostile run 67 D3: an empty section, or one of a request alone, passed as skipped,
    // where a fixture with no response section at all fails.
    let dir = scratch("section-of-no-response");
    let empty = dir.join("empty.txtar");
    std::fs::write(
        &empty,
        format!("-- request --\n{REQUEST}\n-- streaming --\n\n"),
    )
    .unwrap();
    let alone = dir.join("alone.txtar");
    std::fs::write(
        &alone,
        format!("-- non-streaming --\nPOST /v1/messages HTTP/1.1\n\n{REQUEST}\n"),
    )
    .unwrap();
    for (file, line) in [(&empty, 3), (&alone, 1)] {
        let path = file.to_str().unwrap();
        let (stdout, _, code) = run_within(&["validate", path]);
        assert_eq!(code, 1, "{stdout}");
        assert!(
            stdout.contains(&format!(
                "{path}:{line}: error[parse-capture]: the section holds no response"
            )),
            "{stdout}"
        );
    }
}
