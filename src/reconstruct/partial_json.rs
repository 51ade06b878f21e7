//! Reading a JSON body that was cut short: close what is open and parse what is there.
//!
//! A blocking body cut mid-transfer is still mostly there; rather than lose it, the text is
//! cut back to the last point where a value was whole (or closed inside an unfinished string
//! value), and the open arrays and objects are closed.

use serde_json::Value;

use crate::bounded_json;

/// Parses `text` as JSON, mending a truncated document. Returns the value and whether it
/// had to be mended; `None` when even the mended text does not parse.
pub fn parse_lenient(text: &[u8]) -> Option<(Value, bool)> {
    if let Ok(value) = bounded_json::from_slice(text) {
        return Some((value, false));
    }
    let mended = mend(text)?;
    bounded_json::from_slice(&mended)
        .ok()
        .map(|value| (value, true))
}

fn mend(text: &[u8]) -> Option<Vec<u8>> {
    // Where the document may be cut: the byte length. The closers needed there are worked
    // out once at the end, from the text before the cut: copying the open containers at
    // every cut point would be quadratic on deep nesting (1 MB of `[` took minutes).
    let mut best: Option<usize> = None;
    // Whether each open container is an object, for telling keys from values.
    let mut objects: Vec<bool> = Vec::new();
    let mut in_string = false;
    let mut string_is_key = false;
    let mut string_start = 0;
    let mut escaped = false;
    // Whether the next string in the current object is a key.
    let mut expect_key = false;
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
                    best = Some(i + 1);
                }
            }
            i += 1;
            continue;
        }
        match c {
            b'"' => {
                in_string = true;
                string_is_key = expect_key && objects.last() == Some(&true);
                string_start = i;
                expect_key = false;
            }
            b'{' | b'[' => {
                objects.push(c == b'{');
                expect_key = c == b'{';
                best = Some(i + 1);
            }
            b'}' | b']' => {
                objects.pop();
                best = Some(i + 1);
            }
            b',' => expect_key = objects.last() == Some(&true),
            b':' => expect_key = false,
            // The end of a number or literal is a cut point once the next byte shows it ended.
            _ if c.is_ascii_alphanumeric() || c == b'.' || c == b'-' || c == b'+' => {
                let end = text[i..]
                    .iter()
                    .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+')))
                    .map(|p| i + p);
                match end {
                    Some(end) => {
                        best = Some(end);
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
        body.extend(closers(&text[..string_start]));
        return Some(body);
    }
    let cut = best?;
    let mut body = text[..cut].to_vec();
    // A cut right after a key's value in an object leaves no dangling comma; a cut after a
    // comma is never taken, as commas are not cut points.
    body.extend(closers(&text[..cut]));
    Some(body)
}

/// The closing brackets of the arrays and objects still open at the end of `text`
/// (outside strings), innermost first.
fn closers(text: &[u8]) -> Vec<u8> {
    let mut open = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    for &c in text {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => in_string = true,
            b'{' => open.push(b'}'),
            b'[' => open.push(b']'),
            b'}' | b']' => {
                open.pop();
            }
            _ => {}
        }
    }
    open.reverse();
    open
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
    fn deep_nesting_is_mended_in_linear_time() {
        // 1 MB of `[` took minutes when every cut point copied the open containers. The
        // mended text nests past serde_json's limit, so it still does not parse; what
        // matters is that saying so is quick.
        let deep = vec![b'['; 1 << 20];
        let started = std::time::Instant::now();
        assert_eq!(parse_lenient(&deep), None);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(closers(b"[{\"a\":[\"]\""), b"]}]");
        assert_eq!(lenient("[[[1,[2"), Some(json!([[[1, []]]])));
    }

    #[test]
    fn garbage_stays_garbage() {
        assert_eq!(lenient("not json"), None);
    }
}
