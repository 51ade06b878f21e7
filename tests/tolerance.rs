//! Shapes real providers and captures take that the fixtures do not show, each found by
//! review: the turn keeps what they hold, and says so where it had to guess.

use aibridge_trace::run::turns_from_bytes;
use serde_json::{Value, json};

fn turn(data: &str) -> Value {
    let report = turns_from_bytes("probe", data.as_bytes(), true);
    assert_eq!(report.turns.len(), 1, "notes: {:?}", report.notes);
    serde_json::to_value(&report.turns[0]).unwrap()
}

#[test]
fn chat_content_as_parts_keeps_text_and_thinking() {
    let body = json!({"object": "chat.completion", "model": "magistral-medium", "choices": [{"index": 0,
        "message": {"role": "assistant", "content": [
            {"type": "thinking", "thinking": [{"type": "text", "text": "Two plus two."}]},
            {"type": "text", "text": "4"}]}, "finish_reason": "stop"}]});
    let t = turn(&body.to_string());
    assert_eq!(t["text"], "4");
    assert_eq!(
        t["thoughts"],
        json!([{"source": "reasoning_content", "text": "Two plus two."}])
    );
}

#[test]
fn chat_arguments_given_as_an_object_are_kept() {
    let body = json!({"object": "chat.completion", "model": "m", "choices": [{"index": 0,
        "message": {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
            "function": {"name": "get_weather", "arguments": {"city": "Oslo"}}}]}, "finish_reason": "tool_calls"}]});
    let t = turn(&body.to_string());
    assert_eq!(t["tool_calls"][0]["arguments"], json!({"city": "Oslo"}));
    assert_eq!(t["warnings"], json!([]));
}

#[test]
fn chat_tool_names_in_pieces_are_joined_even_when_a_piece_repeats() {
    let chunk = |call: Value| {
        format!(
            "data: {}\n\n",
            json!({"id": "c", "object": "chat.completion.chunk", "model": "m",
                "choices": [{"index": 0, "delta": {"tool_calls": [call]}}]})
        )
    };
    let stream = [
        chunk(json!({"index": 0, "id": "call_1", "function": {"name": "get_", "arguments": ""}})),
        chunk(json!({"index": 0, "function": {"name": "get_"}})),
        chunk(json!({"index": 0, "function": {"arguments": "{}"}})),
        "data: [DONE]\n\n".to_string(),
    ]
    .concat();
    assert_eq!(turn(&stream)["tool_calls"][0]["name"], "get_get_");
}

#[test]
fn an_odd_index_does_not_cost_the_event() {
    let stream = concat!(
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n",
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":-1,\"delta\":{\"type\":\"text_delta\",\"text\":\"kept\"}}\n\n",
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
    );
    assert_eq!(turn(stream)["text"], "kept");
}

#[test]
fn a_client_builtin_without_action_has_empty_arguments() {
    let body = json!({"object": "response", "id": "resp_1", "model": "computer-use", "status": "completed",
        "output": [{"type": "computer_call", "id": "cu_1", "call_id": "call_1", "status": "completed"}]});
    assert_eq!(
        turn(&body.to_string())["tool_calls"][0]["arguments"],
        json!({})
    );
}

#[test]
fn interim_http_heads_are_passed_over() {
    let data = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 529 Overloaded\r\ncontent-type: application/json\r\n\r\n\
        {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}";
    let t = turn(data);
    assert_eq!(t["error"]["status"], 529);
    assert_eq!(t["error"]["type"], "overloaded_error");
}

#[test]
fn a_json_lines_log_cut_mid_line_leaves_the_cut_event_out() {
    let data = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\
        {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"ind";
    let t = turn(data);
    assert_eq!(t["events"], json!({"total": 1, "unknown": 0}));
    assert_eq!(t["complete"], false);
    assert!(
        t["warnings"][0].as_str().unwrap().contains("truncated"),
        "{}",
        t["warnings"]
    );
}

#[test]
fn an_http_body_holding_a_marker_line_is_no_txtar() {
    // Hostile run 68 D3: the exchange was read as a txtar whose comment was its head, and
    // gave no turn.
    let data = "POST /v1/messages HTTP/1.1\r\nHost: api.anthropic.com\r\nContent-Type: application/json\r\n\r\n\
        {\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}\r\n\
        HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\n\r\nupstream connect error\n-- details --\nconnection refused\n";
    let t = turn(data);
    assert_eq!(t["error"]["status"], 502);
    assert_eq!(t["model"], "claude-sonnet-4-5");
}

#[test]
fn a_whole_json_body_with_a_line_after_it_is_that_body() {
    // Hostile run 68 D11: a recorder that kept the chunked body's last-chunk `0` lost the
    // answer to a stream of one event.
    let body = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\
        \"message\":{\"role\":\"assistant\",\"content\":\"hello\"},\"finish_reason\":\"stop\"}],\
        \"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";
    for after in ["\r\n0\r\n\r\n", "\n0", "\nx\n", "\n\n%"] {
        let data =
            format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{body}{after}");
        let t = turn(&data);
        assert_eq!(t["streaming"], false, "{after:?}");
        assert_eq!(t["text"], "hello", "{after:?}");
    }
}
