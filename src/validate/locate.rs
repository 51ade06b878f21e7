//! Where a value stands inside a JSON document that is a slice of a capture, for findings
//! that point at it: `serde_json::Value` keeps no positions, so [`locate`] finds where the
//! value at a path starts, and the capture's [`Lines`] give its line.

use serde_json::Value;

use crate::capture::Lines;
use crate::decode::lenient::{JsonFault, MAX_DEPTH};
use crate::quote::json_error;
use crate::warning::TooDeep;

/// The line of a JSON syntax error `err` met while parsing `text` (a slice of the text
/// `lines` indexes): serde_json counts lines from the start of what it was given.
pub fn json_error_line(lines: &Lines, text: &[u8], err: &serde_json::Error) -> Option<usize> {
    let base = lines.of_slice(text)?;
    Some(base + err.line().max(1) - 1)
}

/// The line where the value at `path` starts inside `text` (a slice of the text `lines`
/// indexes), else the line where `text` starts.
pub fn json_path_line(lines: &Lines, text: &[u8], path: &[Seg]) -> Option<usize> {
    let start = lines.offset_of(text)?;
    Some(lines.of_offset(start + locate(text, path).unwrap_or(0)))
}

/// A step into a JSON document: an object member or an array element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg<'p> {
    Key(&'p str),
    Index(usize),
}

/// The byte offset where the value at `path` starts in the JSON `text`; `None` when the
/// path leads nowhere or the text is not JSON. Never panics, whatever `text` holds.
pub fn locate(text: &[u8], path: &[Seg]) -> Option<usize> {
    let mut pos = skip_ws(text, 0);
    for seg in path {
        pos = match (seg, text.get(pos)?) {
            (Seg::Key(key), b'{') => member(text, pos, key)?,
            (Seg::Index(index), b'[') => element(text, pos, *index)?,
            _ => return None,
        };
    }
    Some(pos)
}

fn skip_ws(text: &[u8], mut pos: usize) -> usize {
    while text.get(pos).is_some_and(u8::is_ascii_whitespace) {
        pos += 1;
    }
    pos
}

/// The end of the string starting at `pos` (just past its closing quote).
fn string_end(text: &[u8], pos: usize) -> Option<usize> {
    let mut i = pos + 1;
    loop {
        match text.get(i)? {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// The end of the value starting at `pos`. Iterative, so no nesting depth can overflow it.
fn value_end(text: &[u8], pos: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = pos;
    loop {
        match text.get(i)? {
            b'"' => i = string_end(text, i)?,
            b'{' | b'[' => {
                depth += 1;
                i += 1;
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                i += 1;
            }
            _ if depth == 0 => {
                // A number or literal: it runs to the next delimiter.
                while text
                    .get(i)
                    .is_some_and(|b| !b",}] \t\r\n".contains(b) && *b != b'"')
                {
                    i += 1;
                }
                return Some(i);
            }
            _ => i += 1,
        }
        if depth == 0 {
            return Some(i);
        }
    }
}

/// The start of member `key`'s value in the object starting at `pos`.
fn member(text: &[u8], pos: usize, key: &str) -> Option<usize> {
    let mut i = skip_ws(text, pos + 1);
    loop {
        match text.get(i)? {
            b'}' => return None,
            b',' => i = skip_ws(text, i + 1),
            b'"' => {
                let end = string_end(text, i)?;
                let raw = &text[i..end];
                // Keys are nearly always plain; only an escaped one needs decoding.
                let matches = if raw.contains(&b'\\') {
                    serde_json::from_slice::<String>(raw).is_ok_and(|k| k == key)
                } else {
                    &raw[1..raw.len() - 1] == key.as_bytes()
                };
                i = skip_ws(text, end);
                if text.get(i) != Some(&b':') {
                    return None;
                }
                i = skip_ws(text, i + 1);
                if matches {
                    return Some(i);
                }
                i = skip_ws(text, value_end(text, i)?);
            }
            _ => return None,
        }
    }
}

/// The starts of the elements of the array starting at `pos`, in order.
fn element_starts(text: &[u8], pos: usize) -> impl Iterator<Item = usize> + '_ {
    let mut i = Some(skip_ws(text, pos + 1));
    std::iter::from_fn(move || {
        loop {
            let at = i?;
            match text.get(at) {
                None | Some(b']') => return None,
                Some(b',') => i = Some(skip_ws(text, at + 1)),
                Some(_) => {
                    i = value_end(text, at).map(|end| skip_ws(text, end));
                    return Some(at);
                }
            }
        }
    })
}

/// The start of element `index` in the array starting at `pos`.
fn element(text: &[u8], pos: usize, index: usize) -> Option<usize> {
    element_starts(text, pos).nth(index)
}

/// A parsed JSON body that is a slice of the file, so findings can point into it.
pub struct Doc<'a> {
    pub text: &'a [u8],
    pub value: &'a Value,
    pub lines: &'a Lines<'a>,
}

impl Doc<'_> {
    /// The line of the value at `path` (the document's first line when there is none).
    pub fn line(&self, path: &[Seg]) -> Option<usize> {
        json_path_line(self.lines, self.text, path)
    }

    /// Where each element of the array at `path` starts (offsets into the text), found in
    /// one pass: a body with thousands of tool calls is scanned once, not once per call.
    pub fn elements(&self, path: &[Seg]) -> Vec<usize> {
        match locate(self.text, path) {
            Some(pos) if self.text.get(pos) == Some(&b'[') => {
                element_starts(self.text, pos).collect()
            }
            _ => Vec::new(),
        }
    }

    /// The line of the value at `path` inside the value starting at `offset` (from
    /// [`Doc::elements`]); the line of that value itself when `path` leads nowhere.
    pub fn line_below(&self, offset: Option<usize>, path: &[Seg]) -> Option<usize> {
        let Some(offset) = offset.filter(|&o| o <= self.text.len()) else {
            return self.line(&[]);
        };
        let below = locate(&self.text[offset..], path).unwrap_or(0);
        json_path_line(self.lines, &self.text[offset + below..], &[])
    }
}

/// Why the JSON `what` names could not be read, for a finding: not valid JSON, with
/// serde's description, or nested deeper than this tool reads (which may be good JSON, so
/// it is named for what it is).
pub fn unreadable_json(what: &str, err: &serde_json::Error) -> String {
    match JsonFault::of(err) {
        JsonFault::OverBudget(why) => format!("{what} {why}"),
        JsonFault::TooDeep => format!("{what} {}", TooDeep { limit: MAX_DEPTH }),
        _ => format!("{what} is not valid JSON ({})", json_error(err)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_follows_keys_and_indices() {
        let text = br#"{"a": [1, {"b\u0063": "x", "d": [true, {"e": null}]}], "f": {"g": -2.5e3}}"#;
        let at = |path: &[Seg]| locate(text, path).map(|p| text[p] as char);
        assert_eq!(at(&[Seg::Key("a")]), Some('['));
        assert_eq!(at(&[Seg::Key("a"), Seg::Index(0)]), Some('1'));
        assert_eq!(
            at(&[Seg::Key("a"), Seg::Index(1), Seg::Key("bc")]),
            Some('"')
        );
        assert_eq!(
            at(&[
                Seg::Key("a"),
                Seg::Index(1),
                Seg::Key("d"),
                Seg::Index(1),
                Seg::Key("e")
            ]),
            Some('n')
        );
        assert_eq!(at(&[Seg::Key("f"), Seg::Key("g")]), Some('-'));
        assert_eq!(at(&[Seg::Key("zz")]), None);
        assert_eq!(at(&[Seg::Key("a"), Seg::Index(5)]), None);
        assert_eq!(locate(b"{\"a\":", &[Seg::Key("a"), Seg::Key("b")]), None);
        assert_eq!(locate(b"]]]", &[Seg::Index(0)]), None);
    }

    #[test]
    fn elements_are_found_in_one_pass() {
        let data = b"[\n {\"a\": 1},\n {\"a\": [2, 3]},\n 4\n]";
        let lines = Lines::new(data);
        let doc = Doc {
            text: data,
            value: &Value::Null,
            lines: &lines,
        };
        let starts = doc.elements(&[]);
        assert_eq!(starts.len(), 3);
        assert_eq!(
            doc.line_below(starts.get(1).copied(), &[Seg::Key("a")]),
            Some(3)
        );
        assert_eq!(doc.line_below(starts.get(2).copied(), &[]), Some(4));
        assert_eq!(doc.line_below(None, &[]), Some(1));
        assert_eq!(element(data, 0, 3), None);
    }

    #[test]
    fn json_paths_and_errors_map_to_file_lines() {
        let data = b"head\n{\n  \"x\": 1,\n  \"usage\": {}\n}\n";
        let lines = Lines::new(data);
        let body = &data[5..];
        assert_eq!(json_path_line(&lines, body, &[Seg::Key("usage")]), Some(4));
        let doc = Doc {
            text: body,
            value: &Value::Null,
            lines: &lines,
        };
        let starts = doc.elements(&[]);
        assert!(starts.is_empty());
        let err = serde_json::from_slice::<Value>(&body[..11]).unwrap_err();
        assert_eq!(json_error_line(&lines, &body[..11], &err), Some(3));
    }
}
