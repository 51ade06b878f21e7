//! A gateway dump's `.req_error.txt` is what the HTTP client said when the upstream call
//! failed, and clients quote the request's URL, query string and all (issue 13, hostile
//! finding F8); an HTTP error whose body is no JSON (a proxy's plain-text or HTML 401) may
//! echo the same, or the key itself, and so may a JSON error. The text is the turn's error
//! message: no output may carry the secret in it.

mod common;
use common::*;

/// A dump folder of one request whose upstream call gave `answer`, in the half named by
/// `extension` (`req_error.txt`: the client's error text; `resp.txt`: a response).
fn dump_with(name: &str, extension: &str, answer: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    let model = dir.join("anthropic").join("claude-x");
    std::fs::create_dir_all(&model).unwrap();
    let stem = model.join("1746180000125-2b7e4c1a-93d5-4f0e-8a61-0c3b5d9e7f23");
    std::fs::write(
        stem.with_extension("req.txt"),
        "POST /v1/messages HTTP/1.1\r\n\r\n{\"model\":\"claude-x\",\"messages\":[{\"role\":\"user\",\
         \"content\":\"hi\"}]}",
    )
    .unwrap();
    std::fs::write(stem.with_extension(extension), answer).unwrap();
    dir
}

/// A dump folder of one request whose upstream call failed with `error` as its text.
fn dump_with_error(name: &str, error: &str) -> std::path::PathBuf {
    dump_with(name, "req_error.txt", error)
}

/// Runs every output format over `path`, and checks none carries `ZQXSECRET`.
fn no_output_carries_the_secret(path: &str) {
    let runs: [&[&str]; 14] = [
        &["inspect", "-f", "jsonl"],
        &["inspect", "-f", "json"],
        &["inspect", "-f", "csv"],
        &["inspect", "-f", "markdown"],
        &["inspect", "-f", "table"],
        &["inspect", "-f", "table", "--view", "all"],
        &["inspect", "-f", "otlp"],
        &["inspect", "-f", "otlp", "--otel-content"],
        &["summary"],
        &["summary", "-f", "json"],
        &["validate"],
        &["validate", "-f", "json"],
        &["validate", "-f", "junit"],
        &["validate", "-f", "github"],
    ];
    for args in runs {
        let mut args = args.to_vec();
        args.push(path);
        let out = run(&args);
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // `validate` has no finding to write here (`-f json` writes one line a finding).
        assert!(
            args[0] == "validate" || !out.stdout.is_empty(),
            "{args:?}: {all}"
        );
        assert!(!all.contains("ZQXSECRET"), "{args:?}: {all}");
    }
}

/// Writes `data` as `name` in `dir`, and reads the one turn it holds: the file's path and
/// the turn.
fn one_turn(dir: &std::path::Path, name: &str, data: String) -> (String, serde_json::Value) {
    let file = dir.join(name);
    std::fs::write(&file, data).unwrap();
    let path = file.to_str().unwrap().to_string();
    let (mut turns, stderr, _) = inspect(&[&path]);
    assert_eq!(turns.len(), 1, "{name}: {stderr}");
    (path, turns.remove(0))
}

/// Writes each case as its file in `dir`, and checks its one turn's error reads `said` and
/// no output carries the secret.
fn each_error_reads(
    dir: &std::path::Path,
    cases: impl IntoIterator<Item = (&'static str, String)>,
    said: &str,
) {
    for (name, data) in cases {
        let (path, turn) = one_turn(dir, name, data);
        let message = turn["error"]["message"].as_str().unwrap_or_default();
        assert_eq!(message, said, "{name}");
        no_output_carries_the_secret(&path);
    }
}

#[test]
fn a_request_errors_query_string_and_credentials_reach_no_output() {
    let dir = dump_with_error(
        "query-string",
        "Post \"https://gw.example/v1/messages?key=ZQXSECRET\": dial tcp: i/o timeout \
         for sk-ant-api03-ZQXSECRETabcdefghijklmnop (Authorization: Bearer ZQXSECRET)",
    );
    let path = dir.to_str().unwrap();
    let (turns, stderr, code) = inspect(&[path]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(turns.len(), 1);
    // The message keeps what went wrong and where, and says what was cut.
    assert_eq!(
        turns[0]["error"]["message"],
        "Post \"https://gw.example/v1/messages?…\": dial tcp: i/o timeout for sk-… \
         (Authorization: …"
    );
    no_output_carries_the_secret(path);
}

#[test]
fn a_plain_text_http_errors_credentials_reach_no_output() {
    // A proxy's HTML 401 echoing the header, the URL and the keys, labelled or bare.
    let dir = dump_with(
        "plain-401",
        "resp.txt",
        "HTTP/1.1 401 Unauthorized\r\nContent-Type: text/html\r\n\r\n<html><body>\n\
         <p>Invalid credentials for https://gw.example/v1/messages?key=ZQXSECRET</p>\n\
         <p>Authorization: Bearer ZQXSECRET</p>\n\
         <p>The key sk-ant-api03-ZQXSECRET-abcdefghijklmnopqrstuvwxyz0123 is revoked;\n\
         so is (sk-proj-ZQXSECRETabcdefghijkl), and AKIAZQXSECRET1234567 has no access.</p>\n\
         </body></html>",
    );
    let path = dir.to_str().unwrap();
    let (turns, stderr, code) = inspect(&[path]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(turns.len(), 1);
    assert_eq!(turns[0]["error"]["status"], 401);
    // What went wrong stays, and what was cut is shown.
    assert_eq!(
        turns[0]["error"]["message"],
        "<html><body>\n<p>Invalid credentials for https://gw.example/v1/messages?…</p>\n\
         <p>Authorization: …\n<p>The key sk-… is revoked;\n\
         so is (sk-…), and AKIA… has no access.</p>\n</body></html>"
    );
    no_output_carries_the_secret(path);
}

#[test]
fn a_json_errors_quoted_credentials_reach_no_output() {
    // A provider's or gateway's JSON error echoing the key it was given.
    let dir = dump_with(
        "json-401",
        "resp.txt",
        "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n\r\n\
         {\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\
         \"message\":\"invalid x-api-key: sk-ant-api03-ZQXSECRET-abcdefghijklmnopqrstuvwxyz0123\"}}",
    );
    let path = dir.to_str().unwrap();
    let (turns, stderr, code) = inspect(&[path]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(turns.len(), 1);
    assert_eq!(turns[0]["error"]["type"], "authentication_error");
    assert_eq!(turns[0]["error"]["message"], "invalid x-api-key: …");
    no_output_carries_the_secret(path);
}

#[test]
fn an_error_type_shaped_like_a_key_reaches_no_output() {
    // An error's `type` (a Chat error's `code`) is kept when it is an identifier, and an
    // identifier may be a key: `ghp_…` printed in every table and summary (hostile run 11).
    let dir = dump_with(
        "type-401",
        "resp.txt",
        "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n\r\n\
         {\"type\":\"error\",\"error\":{\"type\":\"ghp_ZQXSECRETabcdefghijklmnopqrstuvwxyz01\",\
         \"message\":\"bad\"}}",
    );
    let path = dir.to_str().unwrap();
    let (turns, stderr, code) = inspect(&[path]);
    assert_eq!(code, 0, "{stderr}");
    // Redacted whole, it is no type any more, as it would be read back.
    assert!(turns[0]["error"]["type"].is_null(), "{}", turns[0]["error"]);
    assert_eq!(turns[0]["error"]["message"], "bad");
    no_output_carries_the_secret(path);
}

#[test]
fn a_credential_of_the_captures_own_heads_echoed_in_an_error_reaches_no_output() {
    // Hostile run 50: gateways echo the caller's credential in a 401 or 403 ("User <token>
    // is not allowed"), in words no redaction by shape can tell from prose: the value the
    // capture's own headers, cookies or URL carry is cut wherever the turn's texts repeat it.
    const V: &str = "ZQXSECRETq7Lm2w";
    let asked = r#"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"#;
    let refused = format!("User {V} is not allowed on this route");
    let dir = scratch("echoed-credentials");
    let http = |head: &str, body: &str| format!("{head}\r\n\r\n{body}");
    let text_401 = "HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain";
    let txtar = format!(
        "-- request --\n{}\n-- non-streaming --\n{}\n",
        http(
            &format!("POST /v1/chat/completions HTTP/1.1\r\nAuthorization: Bearer {V}"),
            asked
        ),
        http(text_401, &refused),
    );
    let cookie = format!(
        "{}\n{}",
        http(
            &format!("POST /v1/chat/completions HTTP/1.1\r\nCookie: theme=dark; sid={V}"),
            asked
        ),
        http(text_401, &format!("Session {V} was rejected")),
    );
    // Its own response's cookie, echoed in a stream's error event.
    let stream = http(
        &format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nSet-Cookie: sess={V}; Path=/; HttpOnly"
        ),
        &format!(
            "event: message_start\ndata: {{\"type\":\"message_start\",\"message\":{{\"id\":\"msg_1\",\
             \"model\":\"claude-x\",\"usage\":{{\"input_tokens\":1,\"output_tokens\":0}}}}}}\n\n\
             event: error\ndata: {{\"type\":\"error\",\"error\":{{\"type\":\"overloaded_error\",\
             \"message\":\"session for {V} expired\"}}}}\n\n"
        ),
    );
    let har = serde_json::json!({"log": {"entries": [{
        "request": {"method": "POST", "url": "https://api.openai.com/v1/chat/completions",
                    "headers": [{"name": "X-Goog-Api-Key", "value": V}],
                    "postData": {"mimeType": "application/json", "text": asked}},
        "response": {"status": 403, "content": {"mimeType": "text/plain", "text": refused}}}]}});
    let cassette = format!(
        "interactions:\n- request:\n    body: '{asked}'\n    method: POST\n    \
         uri: https://api.openai.com/v1/chat/completions?key={V}\n  response:\n    body:\n      \
         string: 'caller {V} is not permitted'\n    status:\n      code: 403\n"
    );
    let log = serde_json::json!({
        "request": {"timestamp": 1759300000.125, "method": "POST",
                    "url": "https://api.anthropic.com/v1/messages",
                    "headers": {"x-api-key": V}, "body": serde_json::from_str::<serde_json::Value>(asked).unwrap()},
        "response": {"timestamp": 1759300000.5, "status_code": 401,
                     "headers": {"content-type": "text/plain"}, "body_raw": refused},
        "logged_at": "2025-10-01T06:26:40Z"});
    let cases = [
        ("auth.txtar", txtar),
        ("cookie.http", cookie),
        ("stream.http", stream),
        ("key.har", har.to_string()),
        ("query.yaml", cassette),
        ("log.jsonl", log.to_string()),
    ];
    for (name, data) in cases {
        let (path, turn) = one_turn(&dir, name, data);
        let message = turn["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains('…'), "{name}: {message}");
        no_output_carries_the_secret(&path);
    }
    // A dump's request half's key, echoed in the HTTP client's error text.
    let dir = dump_with_error(
        "echoed-key",
        &format!("Post \"https://gw/v1\": caller {V} was refused"),
    );
    let req = std::fs::read_dir(dir.join("anthropic/claude-x")).unwrap();
    let req = req
        .map(|e| e.unwrap().path())
        .find(|p| p.to_str().unwrap().ends_with(".req.txt"));
    let req = req.unwrap();
    let body = std::fs::read_to_string(&req).unwrap();
    std::fs::write(
        &req,
        body.replace("HTTP/1.1\r\n", &format!("HTTP/1.1\r\nX-Api-Key: {V}\r\n")),
    )
    .unwrap();
    no_output_carries_the_secret(dir.to_str().unwrap());
}

#[test]
fn a_credential_named_twice_or_held_in_an_object_in_a_json_header_map_reaches_no_output() {
    // Hostile run 63: a JSON object naming a header twice kept only the last value, and a
    // value that was an object was not read; the first value, echoed, was shown whole.
    const V: &str = "ZQXSECRETq7Lm2w";
    const LAST: &str = "Qm5nBv8YcT4sHj6W";
    let dir = scratch("json-header-maps");
    let error = format!("no account for {V} or {LAST}");
    let log = |headers: &str| {
        format!(
            r#"{{"request":{{"timestamp":1759300000.125,"method":"POST","url":"https://api.anthropic.com/v1/messages","headers":{headers},"body":{{"model":"claude-haiku-4-5","max_tokens":5,"messages":[{{"role":"user","content":"hi"}}]}}}},"response":{{"timestamp":1759300000.655,"status_code":401,"headers":{{"content-type":"text/plain"}},"body_raw":"{error}"}},"logged_at":"2025-10-01T06:26:40.700Z"}}"#
        )
    };
    let cassette = format!(
        r#"{{"interactions":[{{"request":{{"body":"{{\"model\": \"gpt-4o\", \"messages\": []}}","headers":{{"x-api-key":["{V}"],"content-type":["application/json"],"x-api-key":["{LAST}"]}},"method":"POST","uri":"https://api.openai.com/v1/chat/completions"}},"response":{{"body":{{"string":"{error}"}},"headers":{{"content-type":["text/plain"]}},"status":{{"code":401,"message":"Unauthorized"}}}}}}]}}"#
    );
    let cases = [
        (
            "twice.jsonl",
            log(&format!(r#"{{"x-api-key":"{V}","x-api-key":"{LAST}"}}"#)),
        ),
        (
            "object.jsonl",
            log(&format!(
                r#"{{"authorization":{{"scheme":"Bearer","token":"{V}"}},"x-api-key":"{LAST}"}}"#
            )),
        ),
        ("twice.json", cassette),
    ];
    each_error_reads(&dir, cases, "no account for … or …");
}

#[test]
fn a_har_credential_written_as_a_list_an_object_or_in_a_map_reaches_no_output() {
    // Hostile run 65: a HAR value that was no string (or headers written as a map) was no
    // credential of the capture, and the error echoing it showed it whole.
    const V: &str = "ZQXSECRETq7Lm2w";
    let dir = scratch("har-value-shapes");
    let har = |request: serde_json::Value| {
        let mut request = request;
        request["method"] = "POST".into();
        request["url"] = "https://api.anthropic.com/v1/messages".into();
        request["postData"] = serde_json::json!({"mimeType": "application/json",
            "text": r#"{"model":"claude-x","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#});
        serde_json::json!({"log": {"entries": [{"request": request, "response": {
            "status": 401, "content": {"mimeType": "text/plain", "text": format!("User {V} is not allowed")}}}]}})
        .to_string()
    };
    let cases = [
        (
            "list.har",
            har(serde_json::json!({"headers": [{"name": "x-api-key", "value": [V]}]})),
        ),
        (
            "object.har",
            har(
                serde_json::json!({"headers": [{"name": "authorization", "value": {"v": format!("Bearer {V}")}}]}),
            ),
        ),
        (
            "map.har",
            har(serde_json::json!({"headers": {"x-api-key": V}})),
        ),
        (
            "cookie.har",
            har(serde_json::json!({"cookies": [{"name": "sid", "value": [V]}]})),
        ),
        (
            "query.har",
            har(serde_json::json!({"queryString": [{"name": "key", "value": [V]}]})),
        ),
    ];
    each_error_reads(&dir, cases, "User … is not allowed");
}

#[test]
fn a_credential_of_the_captures_own_heads_as_a_name_reaches_no_output() {
    // Hostile run 51: run 50's cut missed the names a turn takes from elsewhere than its
    // response (the requested model, an error turn's model, its txtar section, a service
    // tier) and every name `validate`'s findings quote (an unknown event's type, a section).
    const V: &str = "ZQXSECRETq7Lm2w";
    let stream = format!(
        "event: message_start\ndata: {{\"type\":\"message_start\",\"message\":{{\"id\":\"msg_1\",\
         \"type\":\"message\",\"role\":\"assistant\",\"model\":\"{V}\",\"content\":[],\
         \"usage\":{{\"input_tokens\":3,\"output_tokens\":1,\"service_tier\":\"{V}\"}}}}}}\n\n\
         event: {V}\ndata: {{\"type\":\"{V}\"}}\n\n\
         event: message_delta\ndata: {{\"type\":\"message_delta\",\"delta\":{{\"stop_reason\":\
         \"end_turn\"}},\"usage\":{{\"output_tokens\":2}}}}\n\n\
         event: message_stop\ndata: {{\"type\":\"message_stop\"}}\n\n"
    );
    let fixture = format!(
        "-- request --\nPOST /v1/messages HTTP/1.1\r\nX-Api-Key: {V}\r\n\r\n\
         {{\"model\":\"{V}\",\"max_tokens\":10,\"stream\":true,\"messages\":[{{\"role\":\"user\",\
         \"content\":\"hi\"}}]}}\n\
         -- streaming --\nHTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n{stream}\
         -- {V} --\nHTTP/1.1 500 Oops\r\nContent-Type: application/json\r\n\r\n\
         {{\"type\":\"error\",\"error\":{{\"type\":\"api_error\",\"message\":\"x\"}}}}\n"
    );
    let file = scratch("credential-names").join("names.txtar");
    std::fs::write(&file, fixture).unwrap();
    let path = file.to_str().unwrap();
    let (turns, stderr, _) = inspect(&[path]);
    assert_eq!(turns.len(), 2, "{stderr}");
    assert_eq!(turns[1]["source"]["section"], "…");
    assert_eq!(turns[1]["model"], "…");
    no_output_carries_the_secret(path);
    for extra in [
        &["summary", "--by", "model"][..],
        &["inspect", "--view", "transcript"],
    ] {
        let out = run(&[extra, &[path]].concat());
        let all = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
        assert!(!all.contains(V), "{extra:?}: {all}");
    }
    let out = run(&["validate", path]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("unknown event type \"…\""), "{stdout}");
}

#[test]
fn a_credential_of_the_captures_own_heads_named_by_the_request_masked_or_crowded_reaches_no_output()
{
    // Hostile run 52: the names a request gives a turn (a Responses conversation, the
    // response it continues, its reasoning level, an offered tool, a result's call id), a
    // token shown but for its start (`V[..10]...`), a token after 31 cookies (only 32
    // values were kept), and a head whose request line has two spaces, each kept it whole.
    const V: &str = "ZQXSECRETq7Lm2wx";
    let json = "Content-Type: application/json\r\n\r\n";
    let forbidden = |said: &str| {
        format!(
            "-- non-streaming --\nHTTP/1.1 403 Forbidden\r\n{json}{{\"type\":\"error\",\
             \"error\":{{\"type\":\"permission_error\",\"message\":\"{said}\"}}}}\n"
        )
    };
    let asked =
        r#"{"model":"claude-x","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}"#;
    let anthropic = |line: &str, head: &str, said: &str| {
        format!(
            "-- request --\n{line}\r\n{head}\r\n{json}{asked}\n{}",
            forbidden(said)
        )
    };
    let cookies: Vec<String> = (0..31).map(|i| format!("c{i}=val{i:02}abcdefgh")).collect();
    let responses = format!(
        "-- request --\nPOST /v1/responses HTTP/1.1\r\nAuthorization: Bearer {V}\r\n{json}\
         {{\"model\":\"gpt-4.1\",\"conversation\":\"{V}\",\"previous_response_id\":\"{V}\",\
         \"reasoning\":{{\"effort\":\"{V}\"}},\"tool_choice\":{{\"type\":\"function\",\"name\":\"{V}\"}},\
         \"tools\":[{{\"type\":\"function\",\"name\":\"{V}\",\"parameters\":{{}}}}],\
         \"input\":[{{\"type\":\"function_call_output\",\"call_id\":\"{V}\",\"output\":\"ok\"}},\
         {{\"role\":\"user\",\"content\":\"hi\"}}]}}\n\
         -- non-streaming --\nHTTP/1.1 200 OK\r\n{json}{{\"id\":\"resp_1\",\"object\":\"response\",\
         \"status\":\"completed\",\"model\":\"gpt-4.1\",\"output\":[{{\"type\":\"function_call\",\
         \"call_id\":\"{V}\",\"name\":\"{V}\",\"arguments\":\"{{}}\"}}],\
         \"usage\":{{\"input_tokens\":1,\"output_tokens\":1,\"total_tokens\":2}}}}\n"
    );
    let post = "POST /v1/messages HTTP/1.1";
    let cases = [
        ("names.txtar", responses),
        (
            "masked.txtar",
            anthropic(
                post,
                &format!("X-Api-Key: {V}"),
                &format!("User {}... is not allowed", &V[..12]),
            ),
        ),
        (
            "crowded.txtar",
            anthropic(
                post,
                &format!(
                    "Cookie: {}\r\nAuthorization: Bearer {V}",
                    cookies.join("; ")
                ),
                &format!("User {V} is not allowed"),
            ),
        ),
        (
            "two-spaces.txtar",
            anthropic(
                "POST /v1/messages  HTTP/1.1",
                &format!("X-Api-Key: {V}"),
                &format!("User {V} is not allowed"),
            ),
        ),
    ];
    let dir = scratch("credentials-named");
    for (name, data) in cases {
        let (path, turn) = one_turn(&dir, name, data);
        let all = turn.to_string();
        assert!(!all.contains(&V[..12]), "{name}: {all}");
        no_output_carries_the_secret(&path);
    }
}

#[test]
fn a_credential_from_any_part_of_the_captures_heads_echoed_reaches_no_output() {
    // Hostile run 55: the capture's own credentials were kept from a head's plain fields
    // only. An interim head's (`100 Continue`), a field folded onto a second line, a chunked
    // body's trailer, a `Set-Cookie` after the first in one value (Chrome's HAR joins them
    // with line ends, proxies with commas), a `Basic` credential's user (an API key with no
    // password) and the signature after `SharedKey account:` went through when echoed.
    use base64::Engine;
    const V: &str = "ZQXSECRETq7Lm2w";
    let asked = r#"{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"#;
    let refused = format!("User {V} is not allowed");
    let dir = scratch("echoed-credentials-anywhere");
    let txtar = |request_fields: &str, response: &str| {
        format!(
            "-- request --\nPOST /v1/chat/completions HTTP/1.1\r\n{request_fields}\
             Content-Type: application/json\r\n\r\n{asked}\n-- non-streaming --\n{response}"
        )
    };
    let text_401 = "HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\n";
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{V}:"));
    let chunk = format!("{:x}\r\n{refused}\r\n0\r\n", refused.len());
    let har = serde_json::json!({"log": {"entries": [{
        "request": {"method": "POST", "url": "https://api.openai.com/v1/chat/completions",
                    "postData": {"mimeType": "application/json", "text": asked}},
        "response": {"status": 401,
                     "headers": [{"name": "set-cookie",
                                  "value": format!("__cf_bm=abcdefghij123; Path=/\nsid={V}; HttpOnly")}],
                     "content": {"mimeType": "text/plain", "text": refused}}}]}});
    let cases = [
        (
            "interim.txtar",
            txtar(
                "",
                &format!(
                    "HTTP/1.1 100 Continue\r\nX-Api-Key: {V}\r\n\r\n{text_401}\r\n{refused}\n"
                ),
            ),
        ),
        (
            "folded.txtar",
            txtar(
                "",
                &format!("{text_401}X-Api-Key:\r\n {V}\r\n\r\n{refused}\n"),
            ),
        ),
        (
            "trailer.txtar",
            txtar(
                "",
                &format!(
                    "{text_401}Transfer-Encoding: chunked\r\n\r\n{chunk}X-Api-Key: {V}\r\n\r\n"
                ),
            ),
        ),
        (
            "cookies.txtar",
            txtar(
                "",
                &format!(
                    "{text_401}Set-Cookie: a=Pw4kXcVb9nMm2Lq; Path=/, sid={V}; Path=/\r\n\r\n{refused}\n"
                ),
            ),
        ),
        ("cookies.har", har.to_string()),
        // Hostile run 56: fields repeated and joined by commas.
        (
            "joined.txtar",
            txtar(
                &format!("X-Api-Key: {V}, Mn4bVc7xLk2jHg9f\r\nCookie: a=b, sid={V}\r\n"),
                &format!("{text_401}\r\n{refused}\n"),
            ),
        ),
        (
            "basic.txtar",
            txtar(
                &format!("Authorization: Basic {basic}\r\n"),
                &format!("{text_401}\r\n{refused}\n"),
            ),
        ),
        (
            "shared-key.txtar",
            txtar(
                &format!("Authorization: SharedKey myaccount:{V}\r\n"),
                &format!("{text_401}\r\nThe MAC signature '{V}' is not the same\n"),
            ),
        ),
    ];
    for (name, data) in cases {
        let (path, turn) = one_turn(&dir, name, data);
        let message = turn["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains('…'), "{name}: {message}");
        no_output_carries_the_secret(&path);
    }
    // Hostile run 56: a key of digits a cassette left unquoted reads as a number.
    let cassette = "interactions:\n- request:\n    body: '{\"model\": \"gpt-4o\", \"messages\": []}'\n    \
                    headers:\n      X-Api-Key: [84719203746182934]\n    method: POST\n    \
                    uri: https://api.openai.com/v1/chat/completions\n  response:\n    \
                    body: {string: 'User 84719203746182934 is not allowed'}\n    \
                    status: {code: 401, message: Unauthorized}\n";
    let (_, turn) = one_turn(&dir, "number.yaml", cassette.to_string());
    assert_eq!(turn["error"]["message"], "User … is not allowed");
}

#[test]
fn a_credential_under_a_longer_name_or_in_a_txtar_comment_reaches_no_output() {
    // Hostile run 68 D1 and D2: a header or parameter named with words after a credential's
    // name (`X-Api-Key-V2`, `?api_key_v2=`) was no credential of the capture; nor was a
    // head standing in a txtar's comment (a request whose marker was lost).
    const V: &str = "ZQXSECRETq7Lm2w";
    let dir = scratch("longer-names");
    let body = r#"{"model":"claude-x","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#;
    let denied = format!(
        "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n\r\n\
         {{\"type\":\"error\",\"error\":{{\"type\":\"authentication_error\",\"message\":\"User {V} is not allowed\"}}}}\r\n"
    );
    let cases = [
        (
            "header.http",
            format!(
                "POST /v1/messages HTTP/1.1\r\nX-Api-Key-V2: {V}\r\nContent-Length: {}\r\n\r\n{body}{denied}",
                body.len()
            ),
        ),
        (
            "query.http",
            format!(
                "POST /v1/messages?api_key_v2={V} HTTP/1.1\r\nContent-Length: {}\r\n\r\n{body}{denied}",
                body.len()
            ),
        ),
        (
            "comment.txtar",
            format!(
                "POST /v1/messages HTTP/1.1\nX-Api-Key: {V}\n\n{body}\n-- non-streaming --\n{denied}"
            ),
        ),
    ];
    each_error_reads(&dir, cases, "User … is not allowed");
}
