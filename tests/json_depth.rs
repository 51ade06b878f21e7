//! JSON nested deeper than serde_json reads (128 levels) is called too deep, with the limit,
//! not "not valid JSON" (issue 13): it may be good JSON, and the message says what to expect.

use aibridge_trace::run::turns_from_bytes;

fn deep(levels: usize) -> String {
    format!("{}{}", "[".repeat(levels), "]".repeat(levels))
}

#[test]
fn a_body_nested_too_deep_names_the_limit() {
    let body = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{{\"type\":\"message\",\"content\":{}}}",
        deep(200)
    );
    let report = turns_from_bytes("deep.http", body.as_bytes(), true);
    let notes = format!("{:?}", report.notes);
    assert!(
        notes.contains("the response body nests arrays and objects deeper than 128 levels"),
        "{notes}"
    );
    assert!(!notes.contains("not valid JSON"), "{notes}");
}

#[test]
fn an_event_nested_too_deep_names_the_limit() {
    let body = format!(
        "event: message_start\ndata: {{\"type\":\"message_start\",\"message\":{{\"id\":\"m\",\"model\":\"x\"}}}}\n\n\
         event: message_delta\ndata: {{\"type\":\"message_delta\",\"usage\":{{\"x\":{}}}}}\n\n\
         event: message_stop\ndata: {{\"type\":\"message_stop\"}}\n\n",
        deep(200)
    );
    let report = turns_from_bytes("deep.sse", body.as_bytes(), true);
    let warnings = &report.turns[0].warnings;
    assert!(
        warnings.iter().any(|w| w
            .to_string()
            .starts_with("line 4: event data nests arrays and objects deeper than 128 levels")),
        "{warnings:?}"
    );
}

#[test]
fn validate_names_the_limit_for_bodies_and_requests() {
    let data = format!(
        "-- request --\n{{\"model\":\"m\",\"messages\":{}}}\n\
         -- non-streaming --\nHTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n\
         {{\"type\":\"message\",\"content\":{}}}\n",
        deep(200),
        deep(200)
    );
    let findings = aibridge_trace::validate::validate_bytes(data.as_bytes());
    let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
    for what in ["the request body", "the response body"] {
        let words = format!("{what} nests arrays and objects deeper than 128 levels");
        assert!(
            messages.iter().any(|m| m.starts_with(&words)),
            "{messages:?}"
        );
    }
    assert!(
        !messages.iter().any(|m| m.contains("not valid JSON")),
        "{messages:?}"
    );
}
