//! A YAML document as a small tree, for VCR cassettes.
//!
//! The events come from saphyr-parser (pure Rust, maintained; the serde_yaml family is
//! archived or forked from it). The tree is built here rather than by saphyr's own loader
//! for three reasons a capture reader has: `!!binary` scalars must stay known as binary
//! (the loader turns them into plain strings), nesting is bounded so a hostile file cannot
//! run the stack out (the parser itself is iterative), and aliases are expanded against a
//! budget (a "billion laughs" file costs an error, not the machine).

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};
use serde_json::Value;

/// How many levels a document may nest. Cassettes nest about ten (a parsed JSON body adds
/// its own); the bound keeps dropping and converting the tree off the end of the stack.
pub const MAX_DEPTH: usize = 100;

/// How many nodes aliases may add to a document, all told.
const ALIAS_BUDGET: usize = 1_000_000;

/// Why a YAML document could not be read. It names the line where reading stopped, never
/// the text found there (it may be a credential).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum YamlError {
    Syntax {
        line: usize,
        column: usize,
    },
    /// Nested deeper than [`MAX_DEPTH`].
    TooDeep {
        line: usize,
    },
    /// Aliases that expand past [`ALIAS_BUDGET`] nodes.
    AliasBomb {
        line: usize,
    },
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            YamlError::Syntax { line, column } => {
                write!(f, "not valid YAML at line {line} column {column}")
            }
            YamlError::TooDeep { line } => write!(
                f,
                "the YAML nests deeper than {MAX_DEPTH} levels at line {line}"
            ),
            YamlError::AliasBomb { line } => write!(
                f,
                "the YAML's aliases expand past {ALIAS_BUDGET} nodes at line {line}"
            ),
        }
    }
}

impl std::error::Error for YamlError {}

/// One node of a document.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// A `!!binary` scalar: base64 text, white space and all.
    Binary(String),
    Seq(Vec<Node>),
    /// Keys in document order; a key that is no scalar is left out.
    Map(Vec<(String, Node)>),
}

static NULL: Node = Node::Null;

impl Node {
    /// The value under `key`, or null: so lookups chain like `serde_json`'s.
    pub fn get(&self, key: &str) -> &Node {
        match self {
            Node::Map(entries) => entries
                .iter()
                .find(|(k, _)| k == key)
                .map_or(&NULL, |(_, v)| v),
            _ => &NULL,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Node::Int(n) => u64::try_from(*n).ok(),
            Node::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Node::Null)
    }

    /// The node as JSON (`!!binary` as its base64 text).
    pub fn to_json(&self) -> Value {
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Int(n) => (*n).into(),
            Node::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Node::Str(s) | Node::Binary(s) => Value::String(s.clone()),
            Node::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            Node::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// How many nodes the tree holds.
    fn size(&self) -> usize {
        match self {
            Node::Seq(items) => 1 + items.iter().map(Node::size).sum::<usize>(),
            Node::Map(entries) => 1 + entries.iter().map(|(_, v)| v.size()).sum::<usize>(),
            _ => 1,
        }
    }
}

/// A collection being built.
enum Open {
    Seq(Vec<Node>, usize),
    Map(Vec<(String, Node)>, Option<String>, usize),
}

/// The first document of `text`, or where reading it stopped.
pub fn parse(text: &str) -> Result<Node, YamlError> {
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut budget = ALIAS_BUDGET;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|err| YamlError::Syntax {
            line: err.marker().line(),
            column: err.marker().col() + 1,
        })?;
        let line = span.start.line();
        let (node, anchor) = match event {
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(YamlError::TooDeep { line });
                }
                stack.push(match event {
                    Event::SequenceStart(..) => Open::Seq(Vec::new(), anchor),
                    _ => Open::Map(Vec::new(), None, anchor),
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Open::Seq(items, anchor)) => (Node::Seq(items), anchor),
                Some(Open::Map(entries, _, anchor)) => (Node::Map(entries), anchor),
                None => continue,
            },
            Event::Scalar(text, style, anchor, tag) => {
                (scalar(&text, style, tag.as_deref()), anchor)
            }
            Event::Alias(id) => {
                let node = anchors.get(&id).cloned().unwrap_or(Node::Null);
                budget = budget
                    .checked_sub(node.size())
                    .ok_or(YamlError::AliasBomb { line })?;
                (node, 0)
            }
            Event::DocumentEnd if stack.is_empty() => break,
            _ => continue,
        };
        if anchor != 0 {
            anchors.insert(anchor, node.clone());
        }
        match stack.last_mut() {
            None => return Ok(node),
            Some(Open::Seq(items, _)) => items.push(node),
            Some(Open::Map(entries, key, _)) => match key.take() {
                None => *key = Some(key_text(node)),
                Some(k) => entries.push((k, node)),
            },
        }
    }
    Ok(Node::Null)
}

/// A mapping key as text; a key that is a collection becomes an empty key no lookup finds.
fn key_text(node: Node) -> String {
    match node {
        Node::Str(s) | Node::Binary(s) => s,
        Node::Int(n) => n.to_string(),
        Node::Float(f) => f.to_string(),
        Node::Bool(b) => b.to_string(),
        Node::Null => "null".to_string(),
        Node::Seq(_) | Node::Map(_) => String::new(),
    }
}

/// A scalar, resolved as PyYAML writes them: quoted and block scalars are strings; plain
/// ones may be null, a boolean or a number.
fn scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Node {
    if let Some(tag) = tag {
        if tag.handle == "tag:yaml.org,2002:" {
            match tag.suffix.as_str() {
                "binary" => return Node::Binary(text.to_string()),
                "str" => return Node::Str(text.to_string()),
                _ => {}
            }
        } else {
            // Python's own tags (`!!python/unicode`) and user tags: the text as it is.
            return Node::Str(text.to_string());
        }
    }
    if style != ScalarStyle::Plain {
        return Node::Str(text.to_string());
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => Node::Null,
        "true" | "True" | "TRUE" => Node::Bool(true),
        "false" | "False" | "FALSE" => Node::Bool(false),
        _ => {
            let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
            if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                if let Ok(n) = text.parse() {
                    return Node::Int(n);
                }
            }
            let numeric = digits
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_digit() || b == b'.');
            match text.parse::<f64>() {
                Ok(f) if numeric && f.is_finite() => Node::Float(f),
                _ => Node::Str(text.to_string()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cassette_shaped_document() {
        let doc = parse(
            "interactions:\n- request:\n    body: !!binary |\n      H4sI\n    method: POST\n    \
             headers: &h\n      accept: [application/json]\n  response:\n    status: {code: 200, message: OK}\n    \
             headers: *h\n    n: '12'\n    f: 1.5\n    t: true\n    e:\nversion: 1\n",
        )
        .unwrap();
        let i = &doc.get("interactions");
        let Node::Seq(items) = i else {
            panic!("{doc:?}")
        };
        let request = items[0].get("request");
        assert_eq!(request.get("body"), &Node::Binary("H4sI\n".into()));
        assert_eq!(request.get("method").as_str(), Some("POST"));
        let response = items[0].get("response");
        assert_eq!(response.get("status").get("code").as_u64(), Some(200));
        assert_eq!(response.get("headers"), request.get("headers"));
        assert_eq!(response.get("n"), &Node::Str("12".into()));
        assert_eq!(response.get("f"), &Node::Float(1.5));
        assert_eq!(response.get("t"), &Node::Bool(true));
        assert!(response.get("e").is_null() && response.get("missing").is_null());
        assert_eq!(doc.get("version"), &Node::Int(1));
        assert_eq!(
            response.get("status").to_json(),
            serde_json::json!({"code": 200, "message": "OK"})
        );
    }

    #[test]
    fn deep_nesting_and_alias_bombs_are_errors_not_crashes() {
        let deep = format!("{}x\n", "- ".repeat(10_000));
        assert_eq!(parse(&deep).unwrap_err(), YamlError::TooDeep { line: 1 });
        assert_eq!(
            YamlError::TooDeep { line: 1 }.to_string(),
            "the YAML nests deeper than 100 levels at line 1"
        );
        let mut bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n".to_string();
        for (name, prev) in ["b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["a", "b", "c", "d", "e", "f", "g"])
        {
            let refs = vec![format!("*{prev}"); 10].join(",");
            bomb.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        assert!(matches!(
            parse(&bomb).unwrap_err(),
            YamlError::AliasBomb { .. }
        ));
        let err = parse("a: [1, 2\nkey: \"sk-secret").unwrap_err().to_string();
        assert!(
            err.starts_with("not valid YAML at line") && !err.contains("sk-secret"),
            "{err}"
        );
    }
}
