//! A YAML document as a small tree, for VCR cassettes.
//!
//! The events come from saphyr-parser (pure Rust, maintained; the serde_yaml family is
//! archived or forked from it). The tree is built here rather than by saphyr's own loader
//! for three reasons a capture reader has: `!!binary` scalars must stay known as binary
//! (the loader turns them into plain strings), nesting is bounded so a hostile file cannot
//! run the stack out (the parser itself is iterative), and aliases are expanded against a
//! budget of bytes for the whole document (a "billion laughs" file, or a thousand aliases
//! of one long body, costs an error, not the machine). A fourth: a reader
//! says by a [`Plan`] which parts it needs, and only those are built, within a budget
//! tied to the file's size; the rest is parsed and passed over.

mod flow;

use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser, ScalarStyle, Tag};
use serde_json::Value;

use crate::number::thousands;

/// How many levels a document may nest. Cassettes nest about ten (a parsed JSON body adds
/// its own); the bound keeps dropping and converting the tree off the end of the stack.
pub const MAX_DEPTH: usize = 100;

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
    /// A flow collection (`[…]`, `{…}`) of more than [`flow::MAX_ITEMS`] items, past
    /// them at `line`: refused before it is parsed (see [`flow`]).
    TooManyFlowItems {
        line: usize,
    },
    /// Aliases whose copies, all told, outgrew [`TREE_BASE`] plus [`TREE_PER_BYTE`] times
    /// the file's size, `limit_mib` in all. The copies are counted as they are made and
    /// never given back: a copy handed to the reader becomes part of what it holds.
    AliasBomb {
        limit_mib: usize,
        line: usize,
    },
    /// What was built outgrew [`TREE_BASE`] plus [`TREE_PER_BYTE`] times the file's size,
    /// `limit_mib` in all.
    TooBig {
        limit_mib: usize,
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
            YamlError::TooManyFlowItems { line } => write!(
                f,
                "a YAML flow collection ([…] or {{…}}) of more than {} items, at line {line}; \
                 this tool reads cassettes written in block style, or as JSON",
                thousands(flow::MAX_ITEMS as u64)
            ),
            YamlError::AliasBomb { limit_mib, line } => write!(
                f,
                "the YAML's aliases copy more than {limit_mib} MiB by line {line} (32 MiB \
                 plus twice the file's size, for all its aliases)"
            ),
            YamlError::TooBig { limit_mib, line } => write!(
                f,
                "the YAML builds more than {limit_mib} MiB of values by line {line} (32 MiB \
                 plus twice the file's size, the most read of it)"
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

    /// The value under `key`, or null, taken out of the mapping.
    pub fn take(&mut self, key: &str) -> Node {
        match self {
            Node::Map(entries) => entries
                .iter_mut()
                .find(|(k, _)| k == key)
                .map_or(Node::Null, |(_, v)| std::mem::replace(v, Node::Null)),
            _ => Node::Null,
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

    /// The node `value` is, as a YAML reader reads the same text (JSON is YAML).
    pub fn from_json(value: Value) -> Node {
        match value {
            Value::Null => Node::Null,
            Value::Bool(b) => Node::Bool(b),
            Value::Number(n) => match n.as_i64() {
                Some(int) => Node::Int(int),
                None => Node::Float(n.as_f64().unwrap_or_default()),
            },
            Value::String(s) => Node::Str(s),
            Value::Array(items) => Node::Seq(items.into_iter().map(Node::from_json).collect()),
            Value::Object(entries) => Node::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, Node::from_json(v)))
                    .collect(),
            ),
        }
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

    /// About what the tree costs in memory, in bytes: [`NODE_COST`] a node, plus its text.
    fn weight(&self) -> usize {
        NODE_COST
            + match self {
                Node::Str(s) | Node::Binary(s) => s.len(),
                Node::Seq(items) => items.iter().map(Node::weight).sum(),
                // A key was charged as the scalar it was read as.
                Node::Map(entries) => entries
                    .iter()
                    .map(|(k, v)| NODE_COST + k.len() + v.weight())
                    .sum(),
                _ => 0,
            }
    }
}

/// One step from a document's root towards a node: a mapping's key, or a sequence's item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'k> {
    Key(&'k str),
    Item,
}

/// What reading does with a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// Parsed (so a syntax error is still found) but not built: it costs no memory.
    Skip,
    /// Built into the tree.
    Build,
    /// Built, and handed to [`Plan::take`] as soon as it is whole instead of joining the
    /// tree: a long list is then held one item at a time.
    Hand,
}

/// Which parts of a document a reader needs. A capture reader needs a few keys of a
/// cassette, and building the rest would cost many times the file: a node costs tens of
/// bytes, and `[a,a,a]` spends two a node.
pub trait Plan {
    /// What to do with the node at `path` from the root (the root itself is built). Nodes
    /// under one built whole for its anchor are not asked about.
    fn keep(&self, path: &[Step<'_>]) -> Keep;
    /// A node built where [`Plan::keep`] said [`Keep::Hand`].
    fn take(&mut self, path: &[Step<'_>], node: Node);
    /// A document's root, once the document ended (a file may hold several, each after a
    /// `---`; an empty one is [`Node::Null`]): what was taken since the last root came
    /// from this document.
    fn document(&mut self, root: Node) {
        let _ = root;
    }
}

/// Builds every node, and keeps the first document.
struct First(Option<Node>);

impl Plan for First {
    fn keep(&self, _: &[Step<'_>]) -> Keep {
        Keep::Build
    }
    fn take(&mut self, _: &[Step<'_>], _: Node) {}
    fn document(&mut self, root: Node) {
        self.0.get_or_insert(root);
    }
}

/// How a collection being read treats what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Nothing is built, but for anchored nodes (an alias elsewhere may need them).
    Skip,
    /// Each child is built as the plan says.
    Plan,
    /// Every child is built: the collection is anchored, and an alias may be anywhere.
    All,
}

/// Where a node goes once it is whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Place,
    Hand,
    /// Built for its anchor only, or not built.
    Drop,
}

/// A collection being read.
struct Open {
    items: Items,
    anchor: usize,
    mode: Mode,
    fate: Fate,
}

enum Items {
    Seq(Vec<Node>),
    /// The entries so far, and the key read when its value is awaited.
    Map(Vec<(String, Node)>, Option<String>),
}

/// About what a node costs besides its text: the node (32 bytes), its place in a vector or
/// mapping entry, and an allocation's overhead.
const NODE_COST: usize = 64;
/// What any document may build, whatever its size.
const TREE_BASE: usize = 32 << 20;
/// What a document may build per byte of its text, on top of [`TREE_BASE`].
const TREE_PER_BYTE: usize = 2;

/// The first document of `text`, whole (the others are read too: an error in any of them
/// is an error). `Err` names the line where reading stopped, never the text found there
/// (it may be a credential).
pub fn parse(text: &str) -> Result<Node, YamlError> {
    let mut first = First(None);
    read(text, &mut first)?;
    Ok(first.0.unwrap_or(Node::Null))
}

/// Reads every document of `text` to the end (a cassette's second document is not lost,
/// nor an error after its first), each built as far as `plan` needs it and handed to
/// [`Plan::document`]. Besides nesting and aliases, what is built at a time is bounded by
/// the file's size ([`TREE_BASE`] plus [`TREE_PER_BYTE`] times its length); what is handed
/// to the plan is given back.
pub fn read(text: &str, plan: &mut impl Plan) -> Result<(), YamlError> {
    match flow::refused(text, flow::MAX_ITEMS, MAX_DEPTH) {
        Some(flow::Refused::TooManyItems { line }) => {
            return Err(YamlError::TooManyFlowItems { line });
        }
        Some(flow::Refused::TooDeep { line }) => return Err(YamlError::TooDeep { line }),
        None => {}
    }
    let limit = TREE_BASE.saturating_add(text.len().saturating_mul(TREE_PER_BYTE));
    read_within(text, plan, limit)
}

/// [`read`], building at most `limit` bytes at a time.
fn read_within(text: &str, plan: &mut impl Plan, limit: usize) -> Result<(), YamlError> {
    let mut reader = Reader {
        stack: Vec::new(),
        anchors: HashMap::new(),
        aliased: limit,
        built: 0,
        limit,
        line: 0,
    };
    // The root of the document being read, once it is whole.
    let mut this = None;
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|err| {
            let line = err.marker().line();
            // The scanner reads flow collections (`[[[…`) ahead of the events, and stops at
            // 256 levels with its own error: deeper than this reader goes, not invalid.
            match err.info() == "recursion limit exceeded" {
                true => YamlError::TooDeep { line },
                false => YamlError::Syntax {
                    line,
                    column: err.marker().col() + 1,
                },
            }
        })?;
        reader.line = span.start.line();
        let root = match event {
            Event::SequenceStart(anchor, _) => reader.open(Items::Seq(Vec::new()), anchor, plan)?,
            Event::MappingStart(anchor, _) => {
                reader.open(Items::Map(Vec::new(), None), anchor, plan)?
            }
            Event::SequenceEnd | Event::MappingEnd => reader.close(plan)?,
            Event::Scalar(text, style, anchor, tag) => {
                let (mode, fate) = reader.fate(anchor, plan, true);
                let node = match mode {
                    Mode::Skip => None,
                    _ => Some(scalar(&text, style, tag.as_deref())),
                };
                reader.finish(node, anchor, fate, plan)?
            }
            Event::Alias(id) => {
                let (mode, fate) = reader.fate(0, plan, true);
                let node = match mode {
                    Mode::Skip => None,
                    _ => Some(reader.alias(id)?),
                };
                reader.finish(node, 0, fate, plan)?
            }
            Event::DocumentEnd => {
                reader.document_end(this.take(), plan);
                None
            }
            _ => None,
        };
        if root.is_some() {
            this = root;
        }
    }
    // The parser ends each document it starts; a root with no end of its own is handed on
    // all the same.
    if this.is_some() {
        reader.document_end(this, plan);
    }
    Ok(())
}

/// The state of one document's reading.
struct Reader {
    stack: Vec<Open>,
    /// Each anchored node, with its [`Node::weight`].
    anchors: HashMap<usize, (Node, usize)>,
    /// Bytes ([`Node::weight`]) alias copies may still add to the document. Never given
    /// back: a copy handed to the plan is no longer counted in `built`, but the reader
    /// holds what it made of it.
    aliased: usize,
    /// Bytes built so far ([`Node::weight`]), less what was handed on.
    built: usize,
    limit: usize,
    line: usize,
}

impl Reader {
    /// The path to the node that comes next in the innermost open collection; `None` when
    /// that node is a mapping's key.
    fn next_path(&self) -> Option<Vec<Step<'_>>> {
        let mut path = Vec::with_capacity(self.stack.len());
        for open in &self.stack {
            match &open.items {
                Items::Seq(_) => path.push(Step::Item),
                Items::Map(_, Some(key)) => path.push(Step::Key(key)),
                // A collection awaiting a key holds nothing open but that key.
                Items::Map(_, None) => return None,
            }
        }
        Some(path)
    }

    /// How the next node is read (`scalar`: whether it is one, or an alias) and where it
    /// goes once whole.
    fn fate(&self, anchor: usize, plan: &impl Plan, scalar: bool) -> (Mode, Fate) {
        let anchored = |fate| match anchor {
            0 => (Mode::Skip, Fate::Drop),
            _ => (Mode::All, fate),
        };
        let Some(parent) = self.stack.last() else {
            return (Mode::Plan, Fate::Place);
        };
        match parent.mode {
            Mode::All => (Mode::All, Fate::Place),
            Mode::Skip => anchored(Fate::Drop),
            Mode::Plan => match self.next_path() {
                // A key: a scalar one names the value; a collection is no key a lookup finds.
                None if scalar => (Mode::Plan, Fate::Place),
                None => anchored(Fate::Drop),
                // A merge key's value is part of its mapping, whatever the plan asks of
                // its own name: built whole.
                Some(path) if path.last() == Some(&Step::Key(MERGE)) => (Mode::All, Fate::Place),
                Some(path) => match (plan.keep(&path), anchor) {
                    (Keep::Skip, _) => anchored(Fate::Drop),
                    (Keep::Build, 0) => (Mode::Plan, Fate::Place),
                    (Keep::Hand, 0) => (Mode::Plan, Fate::Hand),
                    (Keep::Build, _) => (Mode::All, Fate::Place),
                    (Keep::Hand, _) => (Mode::All, Fate::Hand),
                },
            },
        }
    }

    fn open(
        &mut self,
        items: Items,
        anchor: usize,
        plan: &impl Plan,
    ) -> Result<Option<Node>, YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(YamlError::TooDeep { line: self.line });
        }
        let (mode, fate) = self.fate(anchor, plan, false);
        if mode != Mode::Skip {
            self.charge(NODE_COST)?;
        }
        self.stack.push(Open {
            items,
            anchor,
            mode,
            fate,
        });
        Ok(None)
    }

    /// Hands a document's root to `plan`, and gives what it weighs back, so that each
    /// document of a file may build what one alone may. Anchors stay, and stay counted: the
    /// parser lets a later document's alias name an earlier document's anchor, and what it
    /// names is read, not left out as null.
    fn document_end(&mut self, root: Option<Node>, plan: &mut impl Plan) {
        let root = root.unwrap_or(Node::Null);
        self.built = self.built.saturating_sub(root.weight());
        plan.document(root);
    }

    fn close(&mut self, plan: &mut impl Plan) -> Result<Option<Node>, YamlError> {
        let Some(open) = self.stack.pop() else {
            return Ok(None);
        };
        let node = match (open.mode, open.items) {
            (Mode::Skip, _) => None,
            (_, Items::Seq(items)) => Some(Node::Seq(items)),
            (_, Items::Map(entries, _)) => Some(Node::Map(merged(entries))),
        };
        // It and its children were charged as they were read: not again.
        self.built = self
            .built
            .saturating_sub(node.as_ref().map_or(0, Node::weight));
        self.finish(node, open.anchor, open.fate, plan)
    }

    /// Puts a whole node where it goes, counting what it costs; the root when it is the
    /// document's.
    fn finish(
        &mut self,
        node: Option<Node>,
        anchor: usize,
        fate: Fate,
        plan: &mut impl Plan,
    ) -> Result<Option<Node>, YamlError> {
        if let Some(node) = node.as_ref().filter(|_| fate != Fate::Hand || anchor != 0) {
            let weight = node.weight();
            if fate != Fate::Hand {
                self.charge(weight)?;
            }
            if anchor != 0 {
                // The copy kept for aliases costs as much again.
                self.charge(weight)?;
                self.anchors.insert(anchor, (node.clone(), weight));
            }
        }
        let node = match (fate, node) {
            (Fate::Place, node) => node,
            (Fate::Hand, Some(node)) => {
                if let Some(path) = self.next_path() {
                    plan.take(&path, node);
                }
                None
            }
            _ => None,
        };
        let Some(parent) = self.stack.last_mut() else {
            return Ok(Some(node.unwrap_or(Node::Null)));
        };
        if parent.mode == Mode::Skip {
            return Ok(None);
        }
        match &mut parent.items {
            Items::Seq(items) => items.extend(node),
            Items::Map(entries, key) => match key.take() {
                None => *key = Some(node.map(key_text).unwrap_or_default()),
                Some(k) => entries.extend(node.map(|node| (k, node))),
            },
        }
        Ok(None)
    }

    /// A copy of the node anchored as `id` (null when none is), within the alias budget:
    /// checked before the copy is made.
    fn alias(&mut self, id: usize) -> Result<Node, YamlError> {
        let Some((node, weight)) = self.anchors.get(&id) else {
            return Ok(Node::Null);
        };
        self.aliased = self
            .aliased
            .checked_sub(*weight)
            .ok_or(YamlError::AliasBomb {
                limit_mib: self.limit >> 20,
                line: self.line,
            })?;
        Ok(node.clone())
    }

    /// Counts `bytes` more built; `Err` past the document's limit.
    fn charge(&mut self, bytes: usize) -> Result<(), YamlError> {
        self.built = self.built.saturating_add(bytes);
        if self.built <= self.limit {
            return Ok(());
        }
        Err(YamlError::TooBig {
            limit_mib: self.limit >> 20,
            line: self.line,
        })
    }
}

/// The key whose value (a mapping, or a list of them) is merged into its mapping.
const MERGE: &str = "<<";

/// A mapping's entries with YAML merge keys (`<<: *defaults`, `<<: [*a, *b]`) resolved as
/// PyYAML resolves them: a key the mapping has, or an earlier merged mapping gave, is not
/// taken again.
fn merged(entries: Vec<(String, Node)>) -> Vec<(String, Node)> {
    if !entries.iter().any(|(k, _)| k == MERGE) {
        return entries;
    }
    let (merges, mut own): (Vec<_>, Vec<_>) = entries.into_iter().partition(|(k, _)| k == MERGE);
    // The keys taken so far, looked up in constant time: a scan of `own` per merged key
    // was quadratic (80,000 keys merged into 80,000: 8 s).
    let mut taken: HashSet<String> = own.iter().map(|(k, _)| k.clone()).collect();
    for (_, merge) in merges {
        let maps = match merge {
            Node::Seq(items) => items,
            other => vec![other],
        };
        for map in maps {
            let Node::Map(from) = map else { continue };
            for (k, v) in from {
                if !taken.contains(&k) {
                    taken.insert(k.clone());
                    own.push((k, v));
                }
            }
        }
    }
    own
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
        // Ruby's YAML writes a body of bytes that are no UTF-8 with its own tag, `!binary`
        // (hostile run 53: such a body was read as its base64 text).
        if tag.handle == "!" && tag.suffix == "binary" {
            return Node::Binary(text.to_string());
        }
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

    /// Hands every item of the top-level list on, keeping nothing.
    struct HandItems(usize);

    impl Plan for HandItems {
        fn keep(&self, path: &[Step<'_>]) -> Keep {
            match path {
                [Step::Key("items"), Step::Item] => Keep::Hand,
                _ => Keep::Build,
            }
        }

        fn take(&mut self, _: &[Step<'_>], _: Node) {
            self.0 += 1;
        }
    }

    #[test]
    fn what_is_handed_on_is_given_back_keys_included() {
        // 2,000 items of 8 keys each: 16,000 keys, 1 MB as charged nodes, read within 64
        // KB. Each key's charge stayed behind once, so a long cassette of small
        // interactions failed as too big.
        let item = "- {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8}\n";
        let text = format!("items:\n{}", item.repeat(2_000));
        let mut plan = HandItems(0);
        read_within(&text, &mut plan, 64 << 10).unwrap();
        assert_eq!(plan.0, 2_000);
    }

    #[test]
    fn deep_nesting_and_alias_bombs_are_errors_not_crashes() {
        let deep = format!("{}x\n", "- ".repeat(10_000));
        assert_eq!(parse(&deep).unwrap_err(), YamlError::TooDeep { line: 1 });
        // Flow collections, which the scanner reads ahead and stops at 256 levels itself.
        let flow = format!("a: {}{}\n", "[".repeat(300), "]".repeat(300));
        assert_eq!(parse(&flow).unwrap_err(), YamlError::TooDeep { line: 1 });
        // So deep that each level, an item too, passes the bound of a flow collection's
        // items: still too deep (hostile run 60).
        let flow = format!("a:\n- {}{}\n", "[".repeat(100_001), "]".repeat(100_001));
        assert_eq!(parse(&flow).unwrap_err(), YamlError::TooDeep { line: 2 });
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
        // Ten million nodes: past the alias budget and past what 300 bytes may build.
        let err = parse(&bomb).unwrap_err();
        assert!(
            matches!(err, YamlError::AliasBomb { .. } | YamlError::TooBig { .. }),
            "{err}"
        );
        let err = parse("a: [1, 2\nkey: \"sk-secret").unwrap_err().to_string();
        assert!(
            err.starts_with("not valid YAML at line") && !err.contains("sk-secret"),
            "{err}"
        );
    }

    #[test]
    fn a_list_builds_no_more_than_32_mib_plus_twice_the_file() {
        // 700,000 one-letter items in 2.8 MB: about 45 MB of nodes, past the 37 MiB that
        // 32 MiB plus twice 2.8 MB allows.
        let list = "- a\n".repeat(700_000);
        let err = parse(&list).unwrap_err();
        assert_eq!(
            err,
            YamlError::TooBig {
                limit_mib: 37,
                line: 602_375
            }
        );
        assert_eq!(
            err.to_string(),
            "the YAML builds more than 37 MiB of values by line 602375 (32 MiB plus twice the \
             file's size, the most read of it)"
        );
    }

    #[test]
    fn a_flow_list_of_too_many_items_is_refused_before_it_is_parsed() {
        // saphyr would queue its 700,000 items' tokens, about 380 MB, to see what follows.
        let list = format!("[{}a]\n", "a,".repeat(700_000));
        let err = parse(&list).unwrap_err();
        assert_eq!(err, YamlError::TooManyFlowItems { line: 1 });
        assert_eq!(
            err.to_string(),
            "a YAML flow collection ([…] or {…}) of more than 100,000 items, at line 1; this \
             tool reads cassettes written in block style, or as JSON"
        );
    }

    /// Keeps `keep:` and its `one` keys, hands the items of `list:` on.
    struct Partial;
    /// `plan`, with the first document kept.
    struct Rooted<'p, P>(&'p mut P, Option<Node>);

    impl<P: Plan> Plan for Rooted<'_, P> {
        fn keep(&self, path: &[Step<'_>]) -> Keep {
            self.0.keep(path)
        }
        fn take(&mut self, path: &[Step<'_>], node: Node) {
            self.0.take(path, node);
        }
        fn document(&mut self, root: Node) {
            self.1.get_or_insert(root);
        }
    }

    /// The first document of `text` as `plan` builds it.
    fn first_of(text: &str, plan: &mut impl Plan) -> Result<Node, YamlError> {
        let mut rooted = Rooted(plan, None);
        read(text, &mut rooted)?;
        Ok(rooted.1.unwrap_or(Node::Null))
    }

    impl Plan for (Partial, Vec<(String, Node)>) {
        fn keep(&self, path: &[Step<'_>]) -> Keep {
            match path {
                [Step::Key("keep")] | [Step::Key("keep"), Step::Key("one"), ..] => Keep::Build,
                [Step::Key("list")] => Keep::Build,
                [Step::Key("list"), Step::Item] => Keep::Hand,
                [Step::Key("list"), Step::Item, ..] => Keep::Build,
                _ => Keep::Skip,
            }
        }
        fn take(&mut self, path: &[Step<'_>], node: Node) {
            self.1.push((format!("{path:?}"), node));
        }
    }

    #[test]
    fn aliases_handed_on_copy_no_more_than_32_mib_plus_twice_the_file_all_told() {
        // One anchored item of a 1 MB scalar, then 100 aliases of it: each copy weighs
        // 1,000,000 bytes of text plus 64 for the mapping, 64 for its value and 1 for its
        // key. Handed on one by one they are never held by the tree at once, but the reader
        // keeps what it makes of them, so they count all told: the file is 1,000,519 bytes,
        // the limit 32 MiB plus twice that (35,555,470 bytes, 33 MiB in whole MiB), so 35
        // aliases fit (35,004,515 bytes) and the 36th, on line 38, does not.
        let text = format!(
            "list:\n- &i {{n: '{}'}}\n{}",
            "x".repeat(1_000_000),
            "- *i\n".repeat(100)
        );
        assert_eq!(text.len(), 1_000_519);
        let mut plan = (Partial, Vec::new());
        let err = read(&text, &mut plan).unwrap_err();
        assert_eq!(
            err,
            YamlError::AliasBomb {
                limit_mib: 33,
                line: 38
            }
        );
        assert_eq!(plan.1.len(), 1 + 35);
        assert_eq!(
            err.to_string(),
            "the YAML's aliases copy more than 33 MiB by line 38 (32 MiB plus twice the \
             file's size, for all its aliases)"
        );
    }

    #[test]
    fn a_plan_builds_only_what_it_keeps_and_hands_items_on() {
        let text = "skip: [a, {b: c}]\nkeep: {one: [1, 2], two: x}\nlist:\n- {n: 1}\n- 2\n";
        let mut plan = (Partial, Vec::new());
        let doc = first_of(text, &mut plan).unwrap();
        assert_eq!(
            doc,
            Node::Map(vec![
                (
                    "keep".into(),
                    Node::Map(vec![(
                        "one".into(),
                        Node::Seq(vec![Node::Int(1), Node::Int(2)])
                    )])
                ),
                ("list".into(), Node::Seq(vec![])),
            ])
        );
        assert_eq!(
            plan.1,
            [
                (
                    "[Key(\"list\"), Item]".to_string(),
                    Node::Map(vec![("n".into(), Node::Int(1))])
                ),
                ("[Key(\"list\"), Item]".to_string(), Node::Int(2)),
            ]
        );
        // What is skipped still has to be valid YAML.
        let err = read("skip: [a\nkeep: 1\n", &mut (Partial, Vec::new())).unwrap_err();
        assert!(matches!(err, YamlError::Syntax { .. }), "{err}");
    }

    #[test]
    fn an_anchor_in_a_skipped_part_is_kept_for_its_aliases() {
        let text = "skip: &d {one: [1], two: 2}\nkeep: {one: *d}\n";
        let mut plan = (Partial, Vec::new());
        let doc = first_of(text, &mut plan).unwrap();
        let one = doc.get("keep").get("one");
        assert_eq!(one.get("two"), &Node::Int(2));
        assert!(doc.get("skip").is_null());
    }

    #[test]
    fn merge_keys_fill_in_what_a_mapping_does_not_say() {
        let doc =
            parse("d: &d {a: 1, b: 2}\ne: &e {c: 3, b: 4}\nm: {<<: [*d, *e], a: 9}\n").unwrap();
        assert_eq!(
            doc.get("m"),
            &Node::Map(vec![
                ("a".into(), Node::Int(9)),
                ("b".into(), Node::Int(2)),
                ("c".into(), Node::Int(3)),
            ])
        );
    }

    #[test]
    fn merge_keys_resolve_in_linear_time() {
        // Hostile run 12, D8: each merged key was looked for in every key the mapping had
        // (80,000 into 80,000: 8 s). The ten billion comparisons here would take minutes.
        let n = 100_000;
        let keys = |prefix: &str| -> Vec<(String, Node)> {
            (0..n)
                .map(|i| (format!("{prefix}{i}"), Node::Int(i)))
                .collect()
        };
        let mut entries = keys("own");
        entries.push((MERGE.into(), Node::Map(keys("merged"))));
        let started = std::time::Instant::now();
        let all = merged(entries);
        assert_eq!(all.len(), 2 * n as usize);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }
}
