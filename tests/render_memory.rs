//! Printing takes little memory beyond the turns the run holds (issue 13; hostile run M2 and
//! M5): the OTLP export writes each span as it is made, and a table of whole texts
//! (`--full`) writes each text without copying it. Measured with a counting global
//! allocator (as in `memory_budget.rs`), so the figures are heap bytes, exact under any load.

mod counting;
use counting::{Counting, extra_peak, serial};

use aibridge_trace::config::{InspectFormat, TableStyle, View};
use aibridge_trace::render;
use aibridge_trace::request::ToolResult;
use aibridge_trace::turn::{Api, Thought, ThoughtSource, ToolCall, ToolKind, Turn};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// A small turn of a session: a model, an answer, a thought and two tool calls.
fn turn(i: usize) -> Turn {
    let mut turn = Turn::empty(Api::AnthropicMessages);
    turn.source.path = format!("captures/run-{i}.sse").into();
    turn.model = Some("claude-x".into());
    turn.id = Some(format!("msg_{i}"));
    turn.text = Some("done".into());
    turn.thoughts.push(Thought {
        source: ThoughtSource::Thinking,
        text: "thinking it over".into(),
    });
    for call in 0..2 {
        turn.tool_calls.push(ToolCall {
            id: Some(format!("toolu_{i}_{call}")),
            name: "read_file".into(),
            kind: ToolKind::Function,
            arguments: serde_json::json!({"path": "src/main.rs"}),
            injected: false,
            thoughts_before: Default::default(),
            result: None,
        });
    }
    turn
}

/// A table 100 columns wide, without colour, its texts cut.
fn style() -> TableStyle {
    TableStyle {
        width: 100,
        color: false,
        full: false,
        max_cell: None,
        wide: false,
    }
}

/// What `inspect -f otlp --otel-content` allocates to print `n` turns, the turns and their
/// sessions made beforehand.
fn otlp_peak(n: usize) -> usize {
    let mut turns: Vec<Turn> = (0..n).map(turn).collect();
    let sessions = aibridge_trace::session::thread_turns(&mut turns);
    extra_peak(|| {
        render::otlp::print(&mut std::io::sink(), turns.as_slice(), &sessions, true).unwrap();
    })
}

#[test]
fn otlp_export_memory_does_not_grow_with_the_turns() {
    let _one = serial();
    let (few, many) = (otlp_peak(500), otlp_peak(4_000));
    eprintln!("otlp: 500 turns +{few} bytes, 4,000 turns +{many} bytes");
    // Each turn's start time and its place in a map by source stay (tens of bytes a
    // turn); its spans (several KB of JSON tree each) go as soon as they are written.
    let per_turn = many.saturating_sub(few) / 3_500;
    assert!(per_turn < 200, "{per_turn} bytes a turn held");
}

#[test]
fn otlp_content_writes_a_requests_tool_results_without_copying_them_to_a_tree() {
    let _one = serial();
    // `gen_ai.input.messages` was built as a JSON tree holding a copy of every result, then
    // written out: a request of 55,000 results peaked at 147 MB where JSONL takes 87
    // (hostile run 11). Now written from the turn's own values.
    let mut turn = turn(0);
    let results: Vec<ToolResult> = (0..20_000)
        .map(|i| ToolResult {
            call_id: format!("toolu_{i}"),
            content: serde_json::json!([{"type": "text", "text": format!("line {i}")}]),
            is_error: Some(true),
        })
        .collect();
    turn.tool_results = results.into();
    let mut turns = vec![turn];
    let sessions = aibridge_trace::session::thread_turns(&mut turns);
    let text = serde_json::to_string(
        &*turns[0]
            .tool_results
            .iter()
            .map(|r| &r.content)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let peak = extra_peak(|| {
        render::otlp::print(&mut std::io::sink(), turns.as_slice(), &sessions, true).unwrap();
    });
    eprintln!(
        "otlp of 20,000 results ({} bytes of JSON): +{peak} bytes",
        text.len()
    );
    // The message text (about twice the results' JSON with ids and types, held up to twice
    // over while it grows) and the span's small fields: 4 MB. With a tree of the results
    // copied first: 39 MB.
    assert!(peak < 8 * text.len(), "{peak}");
}

#[test]
fn a_whole_thought_in_a_full_table_is_not_copied_to_be_printed() {
    let _one = serial();
    let text = "zzzzzzzzz ".repeat(800_000);
    let mut turn = Turn::empty(Api::AnthropicMessages);
    turn.source.path = "big.sse".into();
    turn.thoughts.push(Thought {
        source: ThoughtSource::Thinking,
        text,
    });
    let style = TableStyle {
        color: true,
        full: true,
        ..style()
    };
    for view in [View::Thoughts, View::All] {
        let taken = extra_peak(|| {
            let mut printer = render::printer(InspectFormat::Table, view, style);
            printer.turn(&mut std::io::sink(), &turn).unwrap();
            printer.finish(&mut std::io::sink()).unwrap();
        });
        eprintln!("table {view:?} --full: 8 MB thought, +{taken} bytes");
        // The row holds one copy of the text; its line (and the rule under the header, three
        // bytes a column) are written piece by piece, never built whole.
        assert!(
            taken < 8_000_000 + (1 << 20),
            "{view:?}: {taken} bytes for an 8 MB thought"
        );
    }
}

#[test]
fn a_whole_text_markdown_escapes_is_written_as_it_is_escaped() {
    let _one = serial();
    // Hostile run 53: each of five escapes copied the text, and the row's cells were
    // joined: 22 bytes a byte of a text of `&`, `<` and `|`.
    let mut turn = Turn::empty(Api::AnthropicMessages);
    turn.source.path = "big.sse".into();
    turn.text = Some("a&b<c|d\\e ".repeat(800_000));
    let style = TableStyle {
        full: true,
        ..style()
    };
    let taken = extra_peak(|| {
        let mut printer = render::printer(InspectFormat::Markdown, View::Turns, style);
        printer.turn(&mut std::io::sink(), &turn).unwrap();
        printer.finish(&mut std::io::sink()).unwrap();
    });
    eprintln!("markdown --full: 8 MB text to escape, +{taken} bytes");
    // The row's copy of the text, and nothing of the size of its escaped form (20 MB).
    assert!(
        taken < 8_000_000 + (1 << 20),
        "{taken} bytes for an 8 MB text"
    );
}

#[test]
fn a_transcript_writes_a_text_of_many_lines_a_line_at_a_time() {
    let _one = serial();
    // Hostile run 53: the text transcript held each line of an answer as its own `String`,
    // twice: 110 bytes a line of two letters.
    let mut turns = vec![turn(0)];
    turns[0].text = Some("ab\n".repeat(1_000_000));
    let sessions = aibridge_trace::session::thread_turns(&mut turns);
    let taken = extra_peak(|| {
        let style = TableStyle {
            full: true,
            ..style()
        };
        render::transcript::text(&mut std::io::sink(), turns.as_slice(), &sessions, style).unwrap();
    });
    eprintln!("transcript: 1,000,000 lines, +{taken} bytes");
    assert!(taken < 1 << 20, "{taken} bytes for a text of 3 MB");
}

#[test]
fn a_transcript_writes_a_tool_calls_arguments_of_many_lines_a_line_at_a_time() {
    let _one = serial();
    // Hostile run 54: a tool call's string arguments (a result's text too) were held as a
    // `String` a line, in both transcripts, under `--full`: 70 bytes a line and more.
    let mut turns = vec![turn(0)];
    turns[0].tool_calls[0].arguments = serde_json::Value::String("ab\n".repeat(1_000_000));
    let sessions = aibridge_trace::session::thread_turns(&mut turns);
    let style = TableStyle {
        full: true,
        ..style()
    };
    let taken = extra_peak(|| {
        render::transcript::text(&mut std::io::sink(), turns.as_slice(), &sessions, style).unwrap();
    });
    let marked = extra_peak(|| {
        render::transcript::markdown(&mut std::io::sink(), turns.as_slice(), &sessions, style)
            .unwrap();
    });
    eprintln!("transcript of 1,000,000 lines of arguments: +{taken} bytes, markdown +{marked}");
    // The arguments' text copied once (3 MB), not a line at a time.
    for taken in [taken, marked] {
        assert!(
            taken < 3_000_000 + (1 << 20),
            "{taken} bytes for 3 MB of arguments"
        );
    }
}

#[test]
fn a_table_holds_each_row_in_little_more_than_its_text() {
    let _one = serial();
    // Hostile run 34: a table holds every row until it is laid out, and a row of cells
    // each its own `String` cost about 600 bytes for a thought of a few letters (400,000
    // thoughts: 278 MB in a table, 189 MB in markdown, 27 MB in CSV), and a summary of
    // 400,000 tool names twice what its JSON took. Rows are packed now.
    let mut turn = Turn::empty(Api::AnthropicMessages);
    turn.source.path = "captures/run.sse".into();
    turn.thoughts = (0..100)
        .map(|i| Thought {
            source: ThoughtSource::Thinking,
            text: format!("t{i}"),
        })
        .collect();
    let style = style();
    for format in [InspectFormat::Table, InspectFormat::Markdown] {
        let taken = extra_peak(|| {
            let mut printer = render::printer(format, View::Thoughts, style);
            for _ in 0..1_000 {
                printer.turn(&mut std::io::sink(), &turn).unwrap();
            }
            printer.finish(&mut std::io::sink()).unwrap();
        });
        let per_row = taken / 100_000;
        eprintln!("{format:?}, 1,000 turns of 100 thoughts: +{taken} bytes, {per_row} a row");
        // Six cells of about 30 bytes of text in all, a byte and a length each, and the
        // row's own allocation: under 100 bytes.
        assert!(per_row < 100, "{format:?}: {per_row} bytes a row");
    }
}
