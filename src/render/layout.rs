//! One line per row, at any width: which columns a table keeps and how wide each gets,
//! and how a cell is cut to its width with `…`. Nothing here wraps: a row that does not
//! fit loses its least useful columns whole, then its long texts are cut, so a number,
//! a header or a model id is never split across lines.
//!
//! Written here rather than asked of comfy-table: comfy-table fits a table by wrapping
//! cells over several lines, and its one-line mode (`max_height(1)`) cuts after wrapping,
//! at a word, from the end only. A path must keep its end, columns must go by priority
//! rather than by position, and the note must know which went: a few dozen lines of our
//! own do all three.

use std::borrow::Cow;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Spaces between two columns.
pub const GAP: usize = 2;

/// How a column's cells give up width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// Never cut (numbers, ids, model names, short words): the column is dropped instead.
    Never,
    /// Keep the start, `…` at the end: texts, whose start says what they are.
    End,
    /// A source label (`path [section] #entry`): the section and entry kept, the path
    /// cut from its start after a `/` where one fits, since its file name says most
    /// (`…/anthropic/haiku_simple.txtar [streaming]`).
    Path,
}

/// How a column of a table behaves when space is short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Dropped first when the table does not fit: the lowest. [`KEEP`] is never dropped.
    pub priority: u8,
    pub cut: Cut,
    /// The narrowest a cut column gets before columns are dropped (its header's width
    /// counts too: a header is never cut).
    pub min: usize,
    /// Hidden when no data cell says anything (`-` or empty): a reasoning column in a
    /// run without reasoning tokens is noise, and no note is needed for it.
    pub hide_blank: bool,
    /// Of the width left once every column has its least, the share this one takes in
    /// each round (the main text of a view takes more than a path).
    pub grow: usize,
}

/// A priority no narrowness drops: the column that names the row.
pub const KEEP: u8 = u8::MAX;

impl Column {
    /// A column never cut, dropped at `priority`.
    pub const fn whole(priority: u8) -> Column {
        Column {
            priority,
            cut: Cut::Never,
            min: 0,
            hide_blank: false,
            grow: 1,
        }
    }

    /// A column cut to no less than `min`, dropped at `priority`.
    pub const fn cut(priority: u8, cut: Cut, min: usize) -> Column {
        Column {
            priority,
            cut,
            min,
            hide_blank: false,
            grow: 1,
        }
    }

    /// The main text of its view: it takes `grow` shares of the width left.
    pub const fn main(self, grow: usize) -> Column {
        Column { grow, ..self }
    }

    pub const fn hide_blank(self) -> Column {
        Column {
            hide_blank: true,
            ..self
        }
    }
}

/// What a table keeps: each column's width (`None`: not shown) and the columns dropped
/// for lack of width (not those hidden for saying nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub widths: Vec<Option<usize>>,
    pub dropped: Vec<usize>,
}

/// Columns a terminal shows `text` in.
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// Whether a cell says nothing.
pub fn is_blank(text: &str) -> bool {
    matches!(text.trim(), "" | "-")
}

/// What a table's rows say of each column, gathered a row at a time: the widest text
/// (the column's natural width) and whether any data cell says something. The rows need
/// not all be held as texts at once: a table of a million thoughts would hold them twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measure {
    natural: Vec<usize>,
    said: Vec<bool>,
    data: usize,
}

impl Measure {
    /// A measure of `headers`' columns, before any row.
    pub fn new(headers: &[&str], count: usize) -> Measure {
        let natural = (0..count)
            .map(|i| headers.get(i).map_or(0, |h| width(h)).max(1))
            .collect();
        Measure {
            natural,
            said: vec![false; count],
            data: 0,
        }
    }

    /// Counts a row's texts, already on one line each; a closing row (a totals row) does
    /// not count when deciding whether a column is blank.
    pub fn add<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>, closing: bool) {
        self.data += usize::from(!closing);
        for (i, cell) in cells.into_iter().enumerate().take(self.natural.len()) {
            let cell = cell.as_ref();
            self.natural[i] = self.natural[i].max(width(cell));
            self.said[i] |= !closing && !is_blank(cell);
        }
    }
}

/// The plan for a table `total` columns wide, of `headers` and the rows `measure` counted.
/// With `wide`, every column keeps its natural width and nothing is dropped or cut.
pub fn plan(
    columns: &[Column],
    headers: &[&str],
    measure: &Measure,
    total: usize,
    wide: bool,
) -> Plan {
    let count = columns.len();
    let mut shown: Vec<bool> = (0..count)
        .map(|i| {
            let blank = measure.data > 0 && !measure.said.get(i).copied().unwrap_or(false);
            !(columns[i].hide_blank && blank)
        })
        .collect();
    let header_width = |i: usize| headers.get(i).map_or(0, |h| width(h));
    let natural: Vec<usize> = (0..count)
        .map(|i| measure.natural.get(i).copied().unwrap_or(1))
        .collect();
    let least: Vec<usize> = (0..count)
        .map(|i| match columns[i].cut {
            Cut::Never => natural[i],
            _ => natural[i].min(columns[i].min.max(header_width(i)).max(2)),
        })
        .collect();
    if wide {
        return Plan {
            widths: (0..count).map(|i| shown[i].then_some(natural[i])).collect(),
            dropped: Vec::new(),
        };
    }
    let need = |shown: &[bool]| -> usize {
        let kept: Vec<usize> = (0..count).filter(|&i| shown[i]).collect();
        kept.iter().map(|&i| least[i]).sum::<usize>() + GAP * kept.len().saturating_sub(1)
    };
    let mut dropped = Vec::new();
    while need(&shown) > total {
        let lowest = (0..count)
            .filter(|&i| shown[i] && columns[i].priority < KEEP)
            .min_by_key(|&i| (columns[i].priority, std::cmp::Reverse(i)));
        let Some(lowest) = lowest else { break };
        shown[lowest] = false;
        dropped.push(lowest);
    }
    dropped.sort_unstable();
    let mut widths: Vec<usize> = least.clone();
    // What is left goes to the cut columns in rounds, a character each (more to the main
    // text), the most useful first, so short ones are soon whole and long ones share the
    // rest.
    let mut left = total.saturating_sub(need(&shown));
    let mut growing: Vec<usize> = (0..count)
        .filter(|&i| shown[i] && widths[i] < natural[i])
        .collect();
    growing.sort_by_key(|&i| std::cmp::Reverse(columns[i].priority));
    while left > 0 && !growing.is_empty() {
        growing.retain(|&i| widths[i] < natural[i]);
        for &i in &growing {
            let more = columns[i].grow.min(left).min(natural[i] - widths[i]);
            widths[i] += more;
            left -= more;
        }
    }
    // Only the kept columns left and still too wide (a very narrow terminal): the cut
    // columns give up even their least, down to a character and its `…`.
    let mut over = need(&shown).saturating_sub(total);
    for i in (0..count).filter(|&i| shown[i] && columns[i].cut != Cut::Never) {
        let give = over.min(widths[i].saturating_sub(header_width(i).max(2)));
        widths[i] -= give;
        over -= give;
    }
    Plan {
        widths: (0..count).map(|i| shown[i].then_some(widths[i])).collect(),
        dropped,
    }
}

/// `text` cut to `max` columns of terminal, as `cut` says; unchanged when it fits.
pub fn fit(text: &str, max: usize, cut: Cut) -> String {
    fitted(text, max, cut).into_owned()
}

/// [`fit`], borrowing `text` when it fits: a whole text of many megabytes (`--full`) is
/// not copied to be written.
pub fn fitted(text: &str, max: usize, cut: Cut) -> Cow<'_, str> {
    if width(text) <= max {
        return Cow::Borrowed(text);
    }
    Cow::Owned(match cut {
        Cut::Never | Cut::End => keep_start(text, max),
        Cut::Path => {
            let (path, tail) = split_label(text);
            let room = max.saturating_sub(width(tail));
            // Too little room to name the file beside its section: the file alone.
            if room < 8 {
                let file = path.rfind('/').map_or(0, |slash| slash + 1);
                return fitted(&text[file..], max, Cut::End);
            }
            format!("{}{tail}", keep_end(path, room))
        }
    })
}

/// A source label split into its path and what follows it (` [section]`, ` #entry`).
fn split_label(label: &str) -> (&str, &str) {
    let mut end = label.len();
    if let Some(hash) = label.rfind(" #")
        && label[hash + 2..].chars().all(|c| c.is_ascii_digit())
        && hash + 2 < label.len()
    {
        end = hash;
    }
    if label[..end].ends_with(']')
        && let Some(open) = label[..end].rfind(" [")
    {
        end = open;
    }
    label.split_at(end)
}

/// The start of `text` and `…`, `max` columns in all.
fn keep_start(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `…` and the end of `text`, cut after a `/` (the longest such end that fits), so whole
/// folder and file names are kept; when not even the last name fits, that name cut at its
/// end, since a file name's start says more than its end.
fn keep_end(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_string();
    }
    // From the last `/` back, each end's width the one after it plus the name between:
    // measuring each end whole made a long path quadratic (a 4,000-byte path of 1,000
    // folders: 5 ms a cell; hostile run 42).
    let (mut kept, mut end_width, mut after) = (None, 0, text.len());
    for (at, _) in text.rmatch_indices('/') {
        end_width += width(&text[at..after]);
        after = at;
        if end_width >= max {
            break;
        }
        kept = Some(at);
    }
    if let Some(at) = kept {
        return format!("…{}", &text[at..]);
    }
    let last = text.rfind('/').map_or(text, |at| &text[at + 1..]);
    fit(last, max, Cut::End)
}

/// `text` padded with spaces to `width` columns, on the right or (numbers) the left.
pub fn pad(text: &str, width: usize, right: bool) -> String {
    let fill = " ".repeat(width.saturating_sub(self::width(text)));
    match right {
        true => format!("{fill}{text}"),
        false => format!("{text}{fill}"),
    }
}

/// `text` broken into lines of at most `max` columns at each `sep` (a space for prose, ` · `
/// for a list of facts): notes and transcripts, never a cell. A piece longer than `max`
/// stays whole on its own line: the terminal may wrap it, but it is never split here.
pub fn wrap(text: &str, sep: &str, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    // The line's width kept as it grows: measured whole for each piece, a long line at a
    // wide `--width` took time in its words times its length (hostile run 42).
    let (mut line_width, sep_width) = (0, width(sep));
    for piece in text.split(sep) {
        let piece_width = width(piece);
        if !line.is_empty() && line_width + sep_width + piece_width > max {
            lines.push(std::mem::take(&mut line).trim_end().to_string());
            line_width = 0;
        } else if !line.is_empty() {
            line.push_str(sep);
            line_width += sep_width;
        }
        line.push_str(piece);
        line_width += piece_width;
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The measure of `rows` under `headers`, the last `closing` of them closing rows.
    fn measure(headers: &[&str], rows: &[&[&str]], closing: usize) -> Measure {
        let mut measure = Measure::new(headers, headers.len());
        for (i, row) in rows.iter().enumerate() {
            measure.add(row.iter(), i + closing >= rows.len());
        }
        measure
    }

    #[test]
    fn paths_keep_their_end() {
        let path = "fixtures/anthropic/haiku_simple.txtar";
        assert_eq!(fit(path, 40, Cut::Path), path);
        assert_eq!(fit(path, 30, Cut::Path), "…/anthropic/haiku_simple.txtar");
        assert_eq!(fit(path, 29, Cut::Path), "…/haiku_simple.txtar");
        assert_eq!(fit(path, 10, Cut::Path), "haiku_sim…");
        assert_eq!(fit(path, 18, Cut::Path), "haiku_simple.txtar");
        // The section and entry stay; a `/` in the section is no folder.
        let label = "fixtures/chat/injected_tool.txtar [streaming/tool-call] #2";
        assert_eq!(
            fit(label, 50, Cut::Path),
            "…/injected_tool.txtar [streaming/tool-call] #2"
        );
        assert_eq!(
            fit(label, 40, Cut::Path),
            "injected_tool.… [streaming/tool-call] #2"
        );
        assert_eq!(fit(label, 30, Cut::Path), "injected_tool.txtar [streamin…");
        assert_eq!(split_label("a.har #12"), ("a.har", " #12"));
        assert_eq!(split_label("a #b"), ("a #b", ""));
        assert_eq!(fit("abcdef", 4, Cut::End), "abc…");
        // Wide characters take two columns each.
        assert_eq!(fit("日本語のテキスト", 7, Cut::End), "日本語…");
        assert_eq!(width(&fit("日本語のテキスト", 6, Cut::End)), 5);
    }

    #[test]
    fn a_long_path_keeps_its_end_in_time_linear_in_its_length() {
        // Hostile run 42: each `/` measured the rest of the path again (1,000 read-back
        // turns of 4,000-byte paths: 5.2 s in a table).
        let path = "ab/".repeat(20_000) + "last.txtar";
        let started = std::time::Instant::now();
        for _ in 0..10 {
            assert_eq!(
                fit(&path, 40, Cut::Path),
                "…/ab/ab/ab/ab/ab/ab/ab/ab/ab/last.txtar"
            );
        }
        assert!(started.elapsed().as_secs() < 2, "{:?}", started.elapsed());
        let long = "word ".repeat(100_000);
        let started = std::time::Instant::now();
        let lines = wrap(&long, " ", 65_535);
        assert!(started.elapsed().as_secs() < 2, "{:?}", started.elapsed());
        assert_eq!(lines.len(), 8);
        assert!(lines.iter().all(|l| width(l) <= 65_535));
    }

    #[test]
    fn the_least_useful_columns_go_first() {
        let columns = [
            Column::whole(KEEP),
            Column::cut(100, Cut::End, 6),
            Column::whole(10),
            Column::whole(50),
        ];
        let headers = ["#", "text", "api", "model"];
        let rows = measure(
            &headers,
            &[&["1", "a long answer here", "chat", "gpt-4o"]],
            0,
        );
        // All natural: 1 + 18 + 4 + 6 + 3 gaps of 2 = 35.
        let all = plan(&columns, &headers, &rows, 35, false);
        assert_eq!(all.widths, [Some(1), Some(18), Some(4), Some(6)]);
        assert!(all.dropped.is_empty());
        // 30: the text is cut, nothing dropped (1 + 6 + 4 + 6 + 6 = 23 at least).
        let cut = plan(&columns, &headers, &rows, 30, false);
        assert_eq!(cut.widths, [Some(1), Some(13), Some(4), Some(6)]);
        // 20: the api goes (1 + 6 + 6 + 4 = 17), the text takes the rest.
        let narrow = plan(&columns, &headers, &rows, 20, false);
        assert_eq!(narrow.widths, [Some(1), Some(9), None, Some(6)]);
        assert_eq!(narrow.dropped, [2]);
        // Wide: everything, whatever the width.
        let wide = plan(&columns, &headers, &rows, 20, true);
        assert_eq!(wide.widths, [Some(1), Some(18), Some(4), Some(6)]);
    }

    #[test]
    fn blank_columns_hide_without_a_note() {
        let columns = [Column::whole(KEEP), Column::whole(10).hide_blank()];
        let headers = ["#", "reasoning"];
        let rows = measure(&headers, &[&["1", "-"], &["total", "5"]], 1);
        let plan = plan(&columns, &headers, &rows, 80, false);
        assert_eq!(plan.widths, [Some(5), None]);
        assert!(plan.dropped.is_empty());
    }

    #[test]
    fn notes_wrap_at_spaces() {
        assert_eq!(wrap("aa bb cc", " ", 5), ["aa bb", "cc"]);
        assert_eq!(
            wrap("in 6 · out 118 · $0.01", " · ", 14),
            ["in 6 · out 118", "$0.01"]
        );
        assert_eq!(wrap("a verylongword b", " ", 4), ["a", "verylongword", "b"]);
        assert_eq!(pad("7", 3, true), "  7");
        assert_eq!(pad("ab", 3, false), "ab ");
    }
}
