//! Every rule `validate` applies, one constant each, so a check names its rule by a symbol
//! the compiler checks and `RULES` (what `--allow` and `--list-rules` see) cannot drift
//! from what the checks emit.
//!
//! Ids are kebab-case, grouped by prefix: `parse-`/`sse-`/`http-` (framing), `request-`
//! (how a request and its response fit), `stream-`
//! (every API's streams), `anthropic-`/`chat-`/`responses-` (one API's grammar),
//! `content-`, `usage-`, `error-` (recorded provider errors) and `txtar-` (how a fixture's
//! sections fit together).

use super::{Rule, Severity};

const fn error(id: &'static str, summary: &'static str) -> Rule {
    Rule {
        id,
        severity: Severity::Error,
        summary,
    }
}

const fn warning(id: &'static str, summary: &'static str) -> Rule {
    Rule {
        id,
        severity: Severity::Warning,
        summary,
    }
}

pub const PARSE_CAPTURE: Rule = error(
    "parse-capture",
    "the file is a capture this tool reads (txtar fixture, HAR archive, gateway dump, HTTP response, event stream, JSON body) with a response in it (a file named `.sse`, `.txtar` or `.har` holding a request alone fails), its bodies decodable",
);
pub const PARSE_REQUEST_JSON: Rule = error("parse-request-json", "the request body is valid JSON");
pub const PARSE_BODY_JSON: Rule = error(
    "parse-body-json",
    "a blocking response body is one whole JSON document (not cut short, empty or plain text, unless it records an HTTP error)",
);
pub const PARSE_EVENT_JSON: Rule = error(
    "parse-event-json",
    "every event's data is valid JSON (Chat's `[DONE]` aside), of a shape the API's events have",
);
pub const SSE_FRAMING: Rule = error(
    "sse-framing",
    "SSE lines are clean: no stray lines outside any field, no `event:` without `data:`, no data line split in two, a blank line before every event, valid UTF-8",
);
pub const SSE_FINAL_BLANK_LINE: Rule = warning(
    "sse-final-blank-line",
    "the last event ends with a blank line (a strict SSE parser drops an event without one)",
);
pub const HTTP_HEAD: Rule = error(
    "http-head",
    "a raw HTTP head is well-formed: status or request line, `Name: value` headers, a blank line before the body; an archive's response status (HAR, cassette, claude-trace) is one from 100 to 599 (a HAR's 0, an aborted request, aside)",
);
pub const HTTP_CODING: Rule = warning(
    "http-coding",
    "a body is encoded as its capture says: coded as its `Content-Encoding` says (gzip, `compress`, any coding), base64 where a HAR's `encoding` or a cassette's `!!binary` says (a body decoded while the mark stayed is read, but a client replaying it fails)",
);
pub const HTTP_CONTENT_TYPE: Rule = warning(
    "http-content-type",
    "a body is what its `Content-Type` says (a raw head's, an archive entry's): JSON under a JSON type, an event stream under `text/event-stream` (the body is read by what it holds, but a client replaying it goes by the type)",
);
pub const REQUEST_API: Rule = error(
    "request-api",
    "the response is of the API its request is for, where the request surely says which: by its path (`/v1/messages`, `/chat/completions`, `/responses`) or by fields no other API's request takes (not by a model's name)",
);
pub const STREAM_TRUNCATED: Rule = error(
    "stream-truncated",
    "a stream ends with its terminal event (`message_stop`, `[DONE]`, `response.completed/failed/incomplete`) or a provider error",
);
pub const STREAM_UNKNOWN_EVENT: Rule = warning(
    "stream-unknown-event",
    "every event, chunk, delta, content block and output item (streamed or in a blocking body) is of a type the API documents",
);
pub const ANTHROPIC_GRAMMAR: Rule = error(
    "anthropic-grammar",
    "Anthropic: `message_start` first, `content_block_start` before a block's deltas, deltas of the block's type, every block stopped, `message_delta` then `message_stop` last",
);
pub const CHAT_GRAMMAR: Rule = error(
    "chat-grammar",
    "Chat: chunks share one id and model, tool-call deltas open a call (id and name) before continuing it, nothing after a choice's `finish_reason` or after `[DONE]`",
);
pub const RESPONSES_GRAMMAR: Rule = error(
    "responses-grammar",
    "Responses: `response.created` first, one terminal event (`response.completed/failed/incomplete`) last, its status matching",
);
pub const RESPONSES_SEQUENCE: Rule = error(
    "responses-sequence",
    "Responses: `sequence_number` on every event, increasing by one without gaps",
);
pub const RESPONSES_ITEMS: Rule = error(
    "responses-items",
    "Responses: `output_index` and `item_id` agree between `output_item.added`, the item's events and `output_item.done`; no delta after the item is done",
);
pub const RESPONSES_DONE_TEXT: Rule = error(
    "responses-done-text",
    "Responses: every `*.done` event (and `output_item.done`) states the text its deltas built",
);
pub const CONTENT_TOOL_ARGUMENTS: Rule = error(
    "content-tool-arguments",
    "tool call arguments are valid JSON (a JSON object for Anthropic `input`) once complete",
);
pub const CONTENT_TOOL_IDS: Rule = error(
    "content-tool-ids",
    "tool call ids are unique within a response",
);
pub const CONTENT_COMPLETED_OUTPUT: Rule = error(
    "content-completed-output",
    "Responses: `response.completed` output agrees with the items the stream built (ids, types, texts, arguments)",
);
pub const USAGE_MISSING: Rule = error(
    "usage-missing",
    "token usage is present where the API promises it (Anthropic always; Chat blocking, or streaming with `include_usage`; Responses when completed or incomplete)",
);
pub const USAGE_INVALID: Rule = error(
    "usage-invalid",
    "every token count given is a whole non-negative number (not `-1`, `12.5`, `\"12\"` or `1e400`)",
);
pub const USAGE_TOTAL: Rule = error(
    "usage-total",
    "where a total is given, total = input + output",
);
pub const USAGE_REASONING: Rule = error(
    "usage-reasoning",
    "reasoning tokens do not exceed output tokens",
);
pub const USAGE_CACHED: Rule = error(
    "usage-cached",
    "cached tokens do not exceed prompt (input) tokens",
);
pub const ERROR_SHAPE: Rule = error(
    "error-shape",
    "a recorded provider error (HTTP error response, `error` event or chunk, `response.failed`, a dump's `.req_error.txt`) is well-formed: an error object with a message (some text, for the error file); an error status over an event stream has the stream say its error",
);
pub const TXTAR_PAIR_MISMATCH: Rule = error(
    "txtar-pair-mismatch",
    "a fixture's streaming and non-streaming sections agree on tool names, tool arguments, thoughts and stop reason",
);
pub const TXTAR_TOOL_CALL_SECTION: Rule = error(
    "txtar-tool-call-section",
    "a `*/tool-call` section exists when, and only when, the first answer called an injected (`bmcp_`) tool",
);
pub const TXTAR_UNKNOWN_SECTION: Rule = warning(
    "txtar-unknown-section",
    "section names are `request`, `streaming`, `non-streaming`, `streaming/tool-call`, `non-streaming/tool-call`",
);
pub const TXTAR_UNKNOWN_RULE: Rule = warning(
    "txtar-unknown-rule",
    "an inline `aibridge-trace: allow` in a fixture's comment names a rule this tool has (a misspelt one allows nothing)",
);
pub const TXTAR_DUPLICATE_SECTION: Rule =
    error("txtar-duplicate-section", "no section name appears twice");
pub const TXTAR_REQUEST_MARKER: Rule = error(
    "txtar-request-marker",
    "the request body has its `-- request --` line (it does not stand in the comment)",
);

/// Every rule `validate` applies.
pub static RULES: &[Rule] = &[
    PARSE_CAPTURE,
    PARSE_REQUEST_JSON,
    PARSE_BODY_JSON,
    PARSE_EVENT_JSON,
    SSE_FRAMING,
    SSE_FINAL_BLANK_LINE,
    HTTP_HEAD,
    HTTP_CODING,
    HTTP_CONTENT_TYPE,
    REQUEST_API,
    STREAM_TRUNCATED,
    STREAM_UNKNOWN_EVENT,
    ANTHROPIC_GRAMMAR,
    CHAT_GRAMMAR,
    RESPONSES_GRAMMAR,
    RESPONSES_SEQUENCE,
    RESPONSES_ITEMS,
    RESPONSES_DONE_TEXT,
    CONTENT_TOOL_ARGUMENTS,
    CONTENT_TOOL_IDS,
    CONTENT_COMPLETED_OUTPUT,
    USAGE_MISSING,
    USAGE_INVALID,
    USAGE_TOTAL,
    USAGE_REASONING,
    USAGE_CACHED,
    ERROR_SHAPE,
    TXTAR_PAIR_MISMATCH,
    TXTAR_TOOL_CALL_SECTION,
    TXTAR_UNKNOWN_SECTION,
    TXTAR_UNKNOWN_RULE,
    TXTAR_DUPLICATE_SECTION,
    TXTAR_REQUEST_MARKER,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case() {
        for (i, rule) in RULES.iter().enumerate() {
            assert!(
                rule.id
                    .split('-')
                    .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase())),
                "{} is not kebab-case",
                rule.id
            );
            assert!(
                RULES[..i].iter().all(|r| r.id != rule.id),
                "{} twice",
                rule.id
            );
        }
    }
}
