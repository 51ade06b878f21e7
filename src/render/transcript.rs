//! `--view transcript`: each session told as a story, read top to bottom. Per step: what
//! the user said, the thoughts, the text (the answer, or the preamble to the calls), each
//! tool call with its arguments and the result that came back, and a one-line footer
//! (model, stop reason, tokens). Plain text
//! (coloured on a terminal) or markdown.
//!
//! Thoughts and answers are shown whole: they are the story. Arguments and results are
//! cut to a few lines of the terminal's width unless `--full` (`--max-width N` sets the
//! line length), since a file's content read by a tool would bury the rest.

use std::borrow::Cow;
use std::io::{self, Write};

use serde_json::Value;

use super::WholeRun;
use super::layout::Cut;
use super::rows::{self, label_of, thousands};
use super::sessions::{SessionTotals, duration};
use crate::config::TableStyle;
use crate::cost::format_usd;
use crate::session::Session;
use crate::turn::{Source, ToolCall, ToolKind, Turn};

/// Lines of pretty arguments shown before cutting.
const ARGUMENT_LINES: usize = 12;
/// Lines of a tool result shown before cutting.
const RESULT_LINES: usize = 8;

/// How much of a long text is shown.
#[derive(Debug, Clone, Copy)]
struct Fit {
    lines: Option<usize>,
    width: Option<usize>,
}

impl Fit {
    fn of(style: TableStyle, lines: usize, indent: usize) -> Fit {
        if style.full {
            return Fit {
                lines: None,
                width: None,
            };
        }
        let width = usize::from(style.width).saturating_sub(indent).max(20);
        Fit {
            lines: Some(lines),
            width: Some(style.max_cell.unwrap_or(width)),
        }
    }

    /// `text`'s lines, each cut to the width, at most `lines` of them (the last saying how
    /// many more there were), handed to `write` one at a time: a text of millions of lines
    /// is never held as lines (hostile run 54: 70 bytes a line and more).
    fn each(self, text: &str, mut write: impl FnMut(&str) -> io::Result<()>) -> io::Result<()> {
        let mut shown = 0;
        let mut more = 0;
        for line in text.lines() {
            if self.lines.is_some_and(|max| shown >= max) {
                more += 1;
                continue;
            }
            shown += 1;
            match self.width {
                Some(width) if line.chars().count() > width => {
                    let mut cut: String = line.chars().take(width.saturating_sub(1)).collect();
                    cut.push('…');
                    write(&cut)?;
                }
                _ => write(line)?,
            }
        }
        if more > 0 {
            write(&format!(
                "… {more} more line{}",
                if more == 1 { "" } else { "s" }
            ))?;
        }
        Ok(())
    }
}

/// A tool call's arguments as people read them: pretty JSON, or the raw string of a
/// custom tool.
fn arguments_text(call: &ToolCall) -> String {
    match &call.arguments {
        Value::String(raw) => raw.clone(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    }
}

/// A tool result's content as text: a string as it is; content blocks by their text (other
/// blocks, an image say, as compact JSON).
fn content_text(content: &Value) -> String {
    match content {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        Value::Array(blocks) => blocks
            .iter()
            .map(|block| match block.get("text").and_then(Value::as_str) {
                Some(text) => text.to_string(),
                None => block.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        other => other.to_string(),
    }
}

/// The footer of a step: model, stop reason (or error), tokens, cost, time.
fn footer(turn: &Turn) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.push(
        turn.model
            .clone()
            .unwrap_or_else(|| "(model unknown)".into()),
    );
    let stop = turn
        .stop_reason
        .clone()
        .unwrap_or_else(|| "no stop reason".into());
    parts.push(match turn.complete {
        true => stop,
        false => format!("{stop} (cut off)"),
    });
    if let Some(error) = rows::error_label(turn) {
        parts.push(format!("error: {error}"));
    }
    if let Some(u) = &turn.usage {
        let n = |v: Option<u64>| v.map_or_else(|| "-".into(), thousands);
        parts.push(format!("in {}", n(u.input)));
        parts.push(format!("out {}", n(u.output)));
        if let Some(read) = u.cache_read.filter(|r| *r > 0) {
            parts.push(format!("cache read {}", thousands(read)));
        }
        if let Some(write) = u.cache_write.filter(|w| *w > 0) {
            parts.push(format!("cache write {}", thousands(write)));
        }
        if let Some(reasoning) = u.reasoning.filter(|r| *r > 0) {
            parts.push(format!("reasoning {}", thousands(reasoning)));
        }
    }
    if let Some(cost) = &turn.cost {
        parts.push(format_usd(cost.usd));
    }
    if let Some(ms) = turn.timing.as_ref().and_then(|t| t.duration_ms) {
        parts.push(duration(ms));
    }
    parts.join(" · ")
}

/// The session's heading line: id, steps, how it ended, where it starts.
fn heading(totals: &SessionTotals) -> String {
    let steps = match totals.steps {
        1 => "1 step".to_string(),
        n => format!("{n} steps"),
    };
    let mut parts = vec![format!("session {}", totals.id), steps];
    if let Some(first) = totals.turns.first() {
        parts.push(label_of(first));
    }
    parts.join(" · ")
}

/// `n` things, in the singular for one.
fn count(n: impl Into<u64>, thing: &str) -> String {
    match n.into() {
        1 => format!("1 {thing}"),
        n => format!("{n} {thing}s"),
    }
}

fn ending(totals: &SessionTotals) -> String {
    let mut parts = vec![format!("ended: {}", totals.ended.as_words())];
    parts.push(count(totals.tool_calls, "tool call"));
    if totals.failed_tool_calls > 0 {
        parts.push(format!("{} failed", totals.failed_tool_calls));
    }
    if totals.errors > 0 {
        parts.push(count(totals.errors, "error"));
    }
    // A run whose one turn has a start but no duration spans no time: not worth a "0ms".
    if let Some(ms) = totals.wall_ms.filter(|ms| *ms > 0.0) {
        parts.push(duration(ms));
    }
    parts.join(" · ")
}

// ------------------------------------------------------------------ plain text

/// ANSI styles, used only when colour is on.
#[derive(Clone, Copy)]
struct Paint(bool);

impl Paint {
    fn wrap(self, code: &str, text: &str) -> String {
        match self.0 {
            true => format!("\u{1b}[{code}m{text}\u{1b}[0m"),
            false => text.to_string(),
        }
    }
    fn bold(self, text: &str) -> String {
        self.wrap("1", text)
    }
    fn dim(self, text: &str) -> String {
        self.wrap("2", text)
    }
    fn red(self, text: &str) -> String {
        self.wrap("31", text)
    }
    fn cyan(self, text: &str) -> String {
        self.wrap("36", text)
    }
    fn magenta(self, text: &str) -> String {
        self.wrap("35", text)
    }
    fn yellow(self, text: &str) -> String {
        self.wrap("33", text)
    }
}

/// Writes `text` line by line, each after `indent`, its control characters escaped (a
/// capture's text must not move the cursor or recolour the terminal), styled by `paint`.
fn lines(
    out: &mut dyn Write,
    indent: &str,
    text: &[String],
    paint: impl Fn(&str) -> String,
) -> io::Result<()> {
    for line in text {
        one_line(out, indent, line, &paint)?;
    }
    Ok(())
}

/// One line, as [`lines`] writes each.
fn one_line(
    out: &mut dyn Write,
    indent: &str,
    line: &str,
    paint: impl Fn(&str) -> String,
) -> io::Result<()> {
    let line = super::escape_controls(line.trim_end());
    match line.is_empty() {
        true => writeln!(out),
        false => writeln!(out, "{indent}{}", paint(&line)),
    }
}

/// Each line of `text`, `label` before its first, wrapped as [`fill`] wraps it, handed to
/// `write` with its number: a line of the text at a time, so that a text of millions of
/// lines is never held as lines (hostile run 53: 110 bytes a line, twice).
fn each_filled(
    text: &str,
    label: &str,
    style: TableStyle,
    indent: usize,
    mut write: impl FnMut(usize, &str) -> io::Result<()>,
) -> io::Result<()> {
    let max = usize::from(style.width).saturating_sub(indent).max(20);
    let mut n = 0;
    for (i, line) in text.lines().enumerate() {
        let line = match i {
            0 if !label.is_empty() => Cow::Owned(format!("{label}{line}")),
            _ => Cow::Borrowed(line),
        };
        if line.is_empty() {
            write(n, "")?;
            n += 1;
            continue;
        }
        for piece in super::layout::wrap(&line, " ", max) {
            write(n, &piece)?;
            n += 1;
        }
    }
    Ok(())
}

/// `text`'s lines wrapped at `sep` to fit `style.width` after an indent of `indent`
/// columns: prose and footers read on the screen without the terminal breaking words.
fn fill(text: &[String], style: TableStyle, indent: usize, sep: &str) -> Vec<String> {
    let max = usize::from(style.width).saturating_sub(indent).max(20);
    text.iter()
        .flat_map(|line| match line.is_empty() {
            true => vec![String::new()],
            false => super::layout::wrap(line, sep, max),
        })
        .collect()
}

/// The transcript as text: plain, or coloured when `style.color`.
pub fn text(
    out: &mut dyn Write,
    run: &(impl WholeRun + ?Sized),
    sessions: &[Session],
    style: TableStyle,
) -> io::Result<()> {
    let paint = Paint(style.color);
    if sessions.is_empty() {
        return writeln!(out, "(no sessions)");
    }
    for (n, session) in sessions.iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        let turns = run.held();
        let totals = SessionTotals::of(session, turns);
        let rule = "━".repeat(usize::from(style.width).min(100));
        writeln!(out, "{}", paint.dim(&rule))?;
        // A path longer than the line keeps its end, as in the tables.
        let head: Vec<String> = fill(&[heading(&totals)], style, 0, " · ")
            .into_iter()
            .map(|line| super::layout::fit(&line, usize::from(style.width), Cut::Path))
            .collect();
        lines(out, "", &head, |l| paint.bold(l))?;
        let mut before: Option<&Turn> = None;
        for &index in &session.turns {
            writeln!(out)?;
            let turn = run.turn(index)?;
            step_text(out, &turn, branch(&turn, before), style, paint)?;
            before = Some(&turns[index]);
        }
        writeln!(out)?;
        let end = fill(&[ending(&totals)], style, 0, " · ");
        lines(out, "", &end, |l| paint.dim(l))?;
    }
    Ok(())
}

/// Where a step came from, short: the session's heading names the first turn's whole
/// path, so a step names its file, section and entry.
fn step_label(turn: &Turn) -> String {
    short_label(&turn.source)
}

fn short_label(source: &Source) -> String {
    let mut source = source.clone();
    if let Some(slash) = source.path.rfind('/') {
        source.path = source.path[slash + 1..].into();
    }
    label_of(&source)
}

/// When a step does not continue the step printed just before it (a branch: a request
/// sent again after an answer, or a side request), the turn it does continue.
fn branch<'a>(turn: &'a Turn, before: Option<&Turn>) -> Option<&'a Source> {
    let previous = turn.session.as_ref()?.previous.as_ref()?;
    (Some(previous) != before.map(|t| &t.source)).then_some(previous)
}

/// One step as text; `branch` is the turn it continues when that is not the step before.
fn step_text(
    out: &mut dyn Write,
    turn: &Turn,
    branch: Option<&Source>,
    style: TableStyle,
    paint: Paint,
) -> io::Result<()> {
    let step = turn.session.as_ref().map_or(0, |s| s.step);
    let title = format!("step {step} · {}", step_label(turn));
    lines(out, "", &[title], |l| paint.cyan(&paint.bold(l)))?;
    if let Some(previous) = branch {
        let note = format!("(continues {})", short_label(previous));
        lines(out, "  ", &[note], |l| paint.dim(l))?;
    }
    if let Some(prompt) = &turn.prompt {
        let mut said = false;
        each_filled(prompt, "", style, 8, |n, line| {
            said = true;
            match n {
                0 => one_line(out, "  ", &format!("user: {line}"), |l| paint.bold(l)),
                _ => one_line(out, "        ", line, |l| paint.bold(l)),
            }
        })?;
        // A prompt of no line is said all the same.
        if !said {
            one_line(out, "  ", "user: ", |l| paint.bold(l))?;
        }
    }
    for thought in &turn.thoughts {
        let label = format!("{}: ", thought.source.as_str());
        each_filled(&thought.text, &label, style, 2, |_, line| {
            one_line(out, "  ", line, |l| paint.dim(l))
        })?;
    }
    if turn.redacted_thoughts > 0 {
        let note = format!("({} redacted thoughts)", turn.redacted_thoughts);
        lines(out, "  ", &[note], |l| paint.dim(l))?;
    }
    // The text before the calls: with calls it is the model's preamble to them ("Let me
    // run the tests"), which the APIs send first; without, it is the answer.
    if let Some(text) = &turn.text {
        each_filled(text, "", style, 2, |_, line| {
            one_line(out, "  ", line, |l| l.to_string())
        })?;
    }
    // Calls none of whose results the capture holds (the capture ends there) say so
    // once, not once per call: forty parallel calls would repeat it forty times.
    let waiting = |c: &ToolCall| c.kind != ToolKind::Server && c.result.is_none();
    let unanswered = turn.tool_calls.iter().filter(|c| waiting(c)).count();
    let together = unanswered > 1 && turn.tool_calls.iter().all(|c| c.result.is_none());
    for call in &turn.tool_calls {
        call_text(out, call, style, paint, !together)?;
    }
    if together {
        let note = format!("← no results in the capture for these {unanswered} calls");
        lines(out, "    ", &[note], |l| paint.dim(l))?;
    }
    if let Some(refusal) = &turn.refusal {
        each_filled(refusal, "refusal: ", style, 2, |_, line| {
            one_line(out, "  ", line, |l| paint.yellow(l))
        })?;
    }
    // The error's own words: the footer names its type only.
    if let Some(message) = turn.error.as_ref().and_then(|e| e.message.as_deref()) {
        each_filled(&format!("error: {message}"), "", style, 2, |_, line| {
            one_line(out, "  ", line, |l| paint.red(l))
        })?;
    }
    // Each line of a long footer starts with `·`, so it reads as one footer.
    let footer: Vec<String> = fill(&[footer(turn)], style, 4, " · ")
        .into_iter()
        .map(|line| format!("· {line}"))
        .collect();
    if turn.error.is_some() {
        lines(out, "  ", &footer, |l| paint.red(l))
    } else if !turn.complete {
        lines(out, "  ", &footer, |l| paint.yellow(l))
    } else {
        lines(out, "  ", &footer, |l| paint.dim(l))
    }
}

/// One tool call: its name, arguments and result; `missing` says when the capture holds
/// no result for it.
fn call_text(
    out: &mut dyn Write,
    call: &ToolCall,
    style: TableStyle,
    paint: Paint,
    missing: bool,
) -> io::Result<()> {
    let mut title = format!("→ {}", call.name);
    if let Some(id) = &call.id {
        title.push_str(&format!("  {id}"));
    }
    match (call.kind, call.injected) {
        (ToolKind::Server, _) => title.push_str("  (run by the provider)"),
        (_, true) => title.push_str("  (injected)"),
        _ => {}
    }
    let name = |l: &str| match call.injected {
        true => paint.magenta(&paint.bold(l)),
        false => paint.bold(l),
    };
    lines(out, "  ", &[title], name)?;
    // Arguments that fit one line are shown on one, as compact JSON; longer ones pretty.
    let compact = match &call.arguments {
        Value::String(_) => None,
        other => Some(other.to_string()),
    };
    let room = usize::from(style.width).saturating_sub(6);
    match compact {
        Some(line) if super::layout::width(&line) <= room && !line.contains('\n') => {
            one_line(out, "      ", &line, |l| l.to_string())?
        }
        _ => Fit::of(style, ARGUMENT_LINES, 6).each(&arguments_text(call), |line| {
            one_line(out, "      ", line, |l| l.to_string())
        })?,
    }
    let Some(result) = &call.result else {
        if call.kind != ToolKind::Server && missing {
            lines(out, "    ", &["← no result in the capture".into()], |l| {
                paint.dim(l)
            })?;
        }
        return Ok(());
    };
    let failed = result.is_error == Some(true);
    let title = match failed {
        true => "← error:",
        false => "←",
    };
    let content = content_text(&result.content);
    let paint_result = |l: &str| if failed { paint.red(l) } else { paint.dim(l) };
    // The first line goes after the title, unless it is blank and more follow: then the
    // title stands alone, and every line under it.
    let mut read = content.lines();
    let headed = match (read.next(), read.next()) {
        (Some(first), more) => !first.is_empty() || more.is_none(),
        (None, _) => false,
    };
    if !headed {
        one_line(out, "    ", title, paint_result)?;
    }
    let mut first = headed;
    Fit::of(style, RESULT_LINES, 6).each(&content, |line| match std::mem::take(&mut first) {
        true => one_line(out, "    ", &format!("{title} {line}"), paint_result),
        false => one_line(out, "      ", line, paint_result),
    })
}

// ------------------------------------------------------------------ markdown

/// A code fence longer than any run of backticks in `text`, so the text cannot close it.
fn fence(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    "`".repeat((longest + 1).max(3))
}

/// `text` in a fenced code block, its lines as `fit` shows them: read twice, once for the
/// fence its backticks need and once to write it, never held as lines.
fn code_block(out: &mut dyn Write, lang: &str, fit: Fit, text: &str) -> io::Result<()> {
    let mut fence_of = fence("");
    fit.each(text, |line| {
        let needs = fence(line);
        if needs.len() > fence_of.len() {
            fence_of = needs;
        }
        Ok(())
    })?;
    let fence = fence_of;
    writeln!(out, "{fence}{lang}")?;
    let mut written = 0;
    fit.each(text, |line| {
        written += 1;
        writeln!(out, "{}", super::escape_controls(line))
    })?;
    if written == 0 {
        writeln!(out)?;
    }
    writeln!(out, "{fence}\n")
}

/// `text` as a markdown blockquote, line by line.
fn quote(out: &mut dyn Write, text: &str) -> io::Result<()> {
    for line in text.lines() {
        writeln!(out, "> {}", super::escape_controls(line))?;
    }
    writeln!(out)
}

/// Text of the capture's (a model's name, a file's) in a line of markdown: one line, never
/// taken for HTML ([`super::no_html`]).
fn inline(text: &str) -> String {
    super::no_html(&super::escape_controls(text))
}

/// Inline code: backticks around `text`, more of them when it holds some.
fn code(text: &str) -> String {
    let text = super::escape_controls(text);
    let ticks = if text.contains('`') { "`` " } else { "`" };
    let close: String = ticks.chars().rev().collect();
    format!("{ticks}{text}{close}")
}

/// The transcript as markdown, for a pull-request comment or a notes file.
pub fn markdown(
    out: &mut dyn Write,
    run: &(impl WholeRun + ?Sized),
    sessions: &[Session],
    style: TableStyle,
) -> io::Result<()> {
    if sessions.is_empty() {
        return writeln!(out, "(no sessions)");
    }
    for (n, session) in sessions.iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        let turns = run.held();
        let totals = SessionTotals::of(session, turns);
        writeln!(out, "## {}\n", inline(&heading(&totals)))?;
        let mut before: Option<&Turn> = None;
        for &index in &session.turns {
            let turn = run.turn(index)?;
            step_markdown(out, &turn, branch(&turn, before), style)?;
            before = Some(&turns[index]);
        }
        writeln!(out, "*{}*", inline(&ending(&totals)))?;
    }
    Ok(())
}

fn step_markdown(
    out: &mut dyn Write,
    turn: &Turn,
    branch: Option<&Source>,
    style: TableStyle,
) -> io::Result<()> {
    let step = turn.session.as_ref().map_or(0, |s| s.step);
    writeln!(out, "### Step {step} · {}\n", code(&step_label(turn)))?;
    if let Some(previous) = branch {
        writeln!(out, "*(continues {})*\n", code(&short_label(previous)))?;
    }
    if let Some(prompt) = &turn.prompt {
        writeln!(out, "**User:**\n")?;
        quote(out, prompt)?;
    }
    for thought in &turn.thoughts {
        writeln!(out, "*{}:*\n", thought.source.as_str())?;
        quote(out, &thought.text)?;
    }
    if turn.redacted_thoughts > 0 {
        writeln!(out, "*({} redacted thoughts)*\n", turn.redacted_thoughts)?;
    }
    if let Some(text) = &turn.text {
        // Quoted, as the prompt is: an answer is markdown and reads as such, but one cut
        // off inside a code block (or a list item's), or opening raw HTML, would take every
        // later step with it; the quote's end closes whatever it left open.
        writeln!(out, "**Assistant:**\n")?;
        quote(out, text)?;
    }
    for call in &turn.tool_calls {
        let mut title = format!("**Tool call** {}", code(&call.name));
        if let Some(id) = &call.id {
            title.push_str(&format!(" {}", code(id)));
        }
        match (call.kind, call.injected) {
            (ToolKind::Server, _) => title.push_str(" (run by the provider)"),
            (_, true) => title.push_str(" (injected)"),
            _ => {}
        }
        writeln!(out, "{title}\n")?;
        let lang = if call.arguments.is_string() {
            ""
        } else {
            "json"
        };
        let fit = Fit::of(style, ARGUMENT_LINES, 0);
        code_block(out, lang, fit, &arguments_text(call))?;
        match &call.result {
            Some(result) => {
                let label = match result.is_error == Some(true) {
                    true => "**Result (error):**",
                    false => "**Result:**",
                };
                writeln!(out, "{label}\n")?;
                let fit = Fit::of(style, RESULT_LINES, 0);
                code_block(out, "", fit, &content_text(&result.content))?;
            }
            None if call.kind != ToolKind::Server => {
                writeln!(out, "*No result in the capture.*\n")?;
            }
            None => {}
        }
    }
    if let Some(refusal) = &turn.refusal {
        writeln!(out, "**Refusal:**\n")?;
        quote(out, refusal)?;
    }
    writeln!(out, "<sub>{}</sub>\n", inline(&footer(turn)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lines `fit` shows of `text`.
    fn shown(fit: Fit, text: &str) -> Vec<String> {
        let mut lines = Vec::new();
        fit.each(text, |line| {
            lines.push(line.to_string());
            Ok(())
        })
        .unwrap();
        lines
    }

    #[test]
    fn long_texts_are_cut_to_lines_and_width() {
        let fit = Fit {
            lines: Some(2),
            width: Some(5),
        };
        assert_eq!(
            shown(fit, "abcdefgh\nxy\nz\nw"),
            ["abcd…", "xy", "… 2 more lines"]
        );
        let whole = Fit {
            lines: None,
            width: None,
        };
        assert_eq!(shown(whole, "abcdefgh\nxy"), ["abcdefgh", "xy"]);
    }

    /// Hostile runs 30 to 32 (D2): an answer cut off inside a code block, a list item's
    /// block, or opening an HTML comment, took the rest of the transcript with it. Quoted,
    /// every line of it is inside the quote, which the next blank line ends.
    #[test]
    fn an_answer_keeps_its_markdown_to_itself() {
        for text in [
            "Here is the fix:\n```python\ndef f():\n    return 1",
            "Steps:\n\n1. Install:\n   ```bash\n   pip install x",
            "1. Run:\n   ```bash\npip install x\n   ```\n2. Done.",
            "Note:\n<!-- draft",
        ] {
            let mut out = Vec::new();
            quote(&mut out, text).unwrap();
            let out = String::from_utf8(out).unwrap();
            let lines: Vec<&str> = out.lines().collect();
            assert_eq!(lines.len(), text.lines().count() + 1, "{out}");
            assert!(
                lines[..lines.len() - 1].iter().all(|l| l.starts_with('>')),
                "{out}"
            );
            assert_eq!(lines.last(), Some(&""));
        }
        assert_eq!(
            inline("m</sub><img src=x> & co"),
            "m&lt;/sub>&lt;img src=x> &amp; co"
        );
    }

    #[test]
    fn fences_outlast_the_backticks_inside() {
        assert_eq!(fence("plain"), "```");
        assert_eq!(fence("a ```` b"), "`````");
        assert_eq!(code("x`y"), "`` x`y ``");
    }

    #[test]
    fn a_step_says_which_turn_it_continues_only_off_the_line() {
        let fixture = include_bytes!("../../fixtures/anthropic-messages/single_tool.txtar");
        let turns = crate::run::turns_from_bytes("single_tool.txtar", fixture, true).turns;
        let (first, mut second) = (&turns[0], turns[1].clone());
        second.session = Some(Box::new(crate::turn::SessionPlace {
            id: "ses_x".into(),
            step: 2,
            previous: Some(first.source.clone()),
        }));
        assert_eq!(branch(&second, Some(first)), None);
        assert_eq!(branch(&second, None), Some(&first.source));
        assert_eq!(branch(&second, Some(&second)), Some(&first.source));
        assert_eq!(branch(first, None), None);
        assert_eq!(short_label(&first.source), "single_tool.txtar [streaming]");
    }

    #[test]
    fn results_as_text() {
        let blocks =
            serde_json::json!([{"type": "text", "text": "one"}, {"type": "image", "source": {}}]);
        assert_eq!(
            content_text(&blocks),
            "one\n{\"type\":\"image\",\"source\":{}}"
        );
        assert_eq!(content_text(&serde_json::json!("plain")), "plain");
    }
}
