//! Reading a JSON body that was cut short: close what is open and parse what is there.
//!
//! A blocking body cut mid-transfer is still mostly there; rather than lose it, the text is
//! cut back to the last point where a value was whole (or closed inside an unfinished string
//! value), and the open arrays and objects are closed.

use serde_json::Value;

/// Parses `text` as JSON, mending a truncated document. Returns the value and whether it
/// had to be mended; `None` when even the mended text does not parse.
pub fn parse_lenient(text: &[u8]) -> Option<(Value, bool)> {
    if let Ok(value) = serde_json::from_slice(text) {
        return Some((value, false));
    }
    let mended = mend(text)?;
    serde_json::from_slice(&mended)
        .ok()
        .map(|value| (value, true))
}

/// Where a document may be cut: the byte length, and the closers needed there.
struct Cut {
    len: usize,
    closers: Vec<u8>,
}

fn mend(text: &[u8]) -> Option<Vec<u8>> {
    let mut stack: Vec<u8> = Vec::new(); // b'}' or b']' per open container
    let mut best: Option<Cut> = None;
    let mut in_string = false;
    let mut string_is_key = false;
    let mut string_start = 0;
    let mut escaped = false;
    // Whether the next string in the current object is a key.
    let mut expect_key = false;
    let closers = |stack: &[u8]| stack.iter().rev().copied().collect::<Vec<u8>>();
    let mut i = 0;
    while i < text.len() {
        let c = text[i];
        if in_string {
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                in_string = false;
                if !string_is_key {
                    best = Some(Cut {
                        len: i + 1,
                        closers: closers(&stack),
                    });
                }
            }
            i += 1;
            continue;
        }
        match c {
            b'"' => {
                in_string = true;
                string_is_key = expect_key && stack.last() == Some(&b'}');
                string_start = i;
                expect_key = false;
            }
            b'{' | b'[' => {
                stack.push(if c == b'{' { b'}' } else { b']' });
                expect_key = c == b'{';
                best = Some(Cut {
                    len: i + 1,
                    closers: closers(&stack),
                });
            }
            b'}' | b']' => {
                stack.pop();
                best = Some(Cut {
                    len: i + 1,
                    closers: closers(&stack),
                });
            }
            b',' => expect_key = stack.last() == Some(&b'}'),
            b':' => expect_key = false,
            // The end of a number or literal is a cut point once the next byte shows it ended.
            _ if c.is_ascii_alphanumeric() || c == b'.' || c == b'-' || c == b'+' => {
                let end = text[i..]
                    .iter()
                    .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+')))
                    .map(|p| i + p);
                match end {
                    Some(end) => {
                        best = Some(Cut {
                            len: end,
                            closers: closers(&stack),
                        });
                        i = end;
                        continue;
                    }
                    None => break,
                }
            }
            _ => {}
        }
        i += 1;
    }
    if in_string && !string_is_key {
        // Close the unfinished string value, dropping a half escape sequence.
        let mut body = text[..].to_vec();
        if let Some(slash) = body[string_start..].iter().rposition(|&b| b == b'\\') {
            let at = string_start + slash;
            if body.len() - at < 6 {
                body.truncate(at);
            }
        }
        body.push(b'"');
        body.extend(closers(&stack));
        return Some(body);
    }
    let cut = best?;
    let mut body = text[..cut.len].to_vec();
    // A cut right after a key's value in an object leaves no dangling comma; a cut after a
    // comma is never taken, as commas are not cut points.
    body.extend(cut.closers);
    Some(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lenient(text: &str) -> Option<Value> {
        parse_lenient(text.as_bytes()).map(|(v, _)| v)
    }

    #[test]
    fn whole_documents_are_not_mended() {
        assert_eq!(parse_lenient(b"{\"a\":1}"), Some((json!({"a": 1}), false)));
    }

    #[test]
    fn cut_inside_a_string_value_keeps_it() {
        assert_eq!(
            lenient(r#"{"content":[{"type":"text","text":"Hel"#),
            Some(json!({"content":[{"type":"text","text":"Hel"}]}))
        );
    }

    #[test]
    fn cut_inside_a_key_or_after_a_colon_drops_the_member() {
        assert_eq!(lenient(r#"{"a":"x","b"#), Some(json!({"a":"x"})));
        assert_eq!(lenient(r#"{"a":"x","b":"#), Some(json!({"a":"x"})));
        assert_eq!(
            lenient("{\"a\":\"x\",\"b\":\""),
            Some(json!({"a":"x","b":""}))
        );
        assert_eq!(lenient(r#"{"a":[1,2"#), Some(json!({"a":[1]})));
        assert_eq!(lenient(r#"{"a":[1,2,"#), Some(json!({"a":[1,2]})));
        assert_eq!(lenient(r#"{"a":tr"#), Some(json!({})));
    }

    #[test]
    fn garbage_stays_garbage() {
        assert_eq!(lenient("not json"), None);
    }
}
