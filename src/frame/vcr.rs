//! VCR cassettes: the recorded HTTP interactions of Python test suites (vcrpy,
//! pytest-recording), and of their kin in Ruby (VCR's `http_interactions`) and Go (go-vcr).
//!
//! A cassette is YAML (or JSON, which YAML reads too): `interactions: [{request: {method,
//! uri, body, headers}, response: {status: {code, message}, headers, body: {string}}}]`.
//! Recorders differ in the details, all read here: a body is a string, a `!!binary`
//! (base64) string of a compressed body whose `Content-Encoding` header says how, a mapping
//! holding its `string`, or a mapping the recorder parsed the JSON into (`parsed_body`);
//! headers map a name to a list of values or to one value; the status is a mapping, a
//! number, or go-vcr's `status: "200 OK"` beside `code: 200`. Each interaction becomes an
//! [`Entry`], whose index in `interactions` is the turn's `source.entry`.

use super::coding::Undecodable;
use super::credentials::{self, Credentials};
use super::entry::{self, Entry, Skip};
use super::yaml::{self, Keep, Node, Step, YamlError};
use super::{bom, har};
use crate::redact;
use crate::warning::Warning;

/// The keys a cassette's interactions stand under.
const LISTS: [&str; 2] = ["interactions", "http_interactions"];

/// Whether a file's first bytes open a cassette. YAML: a top-level key (one at the start
/// of a line) is `interactions` or `http_interactions`, and the file opens as a mapping
/// (after comments, directives, a document marker): anchors or a `version` may come
/// first. JSON: the first key is one of those, or `version` with one of them later.
pub fn looks_like_cassette(head: &[u8]) -> bool {
    let head = String::from_utf8_lossy(bom::strip(head));
    let is_list = |key: &str| {
        LISTS.iter().any(|l| {
            key.strip_prefix(l)
                .is_some_and(|r| r.trim_start_matches('"').trim_start().starts_with(':'))
        })
    };
    if let Some(rest) = head.trim_start().strip_prefix('{') {
        let keys: Vec<&str> = rest
            .split(['{', ','])
            .map(|part| part.trim_start().trim_start_matches('"'))
            .collect();
        return match keys.first() {
            Some(first) if is_list(first) => true,
            Some(first) if first.starts_with("version") => keys[1..].iter().any(|k| is_list(k)),
            _ => false,
        };
    }
    let mut lines = head.lines().filter(|line| {
        let t = line.trim();
        !(t.is_empty() || t.starts_with('#') || t.starts_with("---") || t.starts_with('%'))
    });
    // A mapping's first key: a word, then a colon (`key:`, `key: &anchor`, `key: value`).
    let opens_a_mapping = lines.next().is_some_and(|first| {
        first.split_once(':').is_some_and(|(key, _)| {
            !key.is_empty()
                && key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
        })
    });
    opens_a_mapping && head.lines().any(is_list)
}

/// Why a file is no cassette this tool reads. It names a line, never a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CassetteError {
    Yaml(YamlError),
    /// A cassette written as JSON that could not be read to its end: why, and where.
    Json(String),
    /// `interactions` is there, but no list.
    NotAList,
    NoInteractions,
}

impl std::fmt::Display for CassetteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CassetteError::Yaml(err) => err.fmt(f),
            CassetteError::Json(message) => f.write_str(message),
            CassetteError::NotAList => f.write_str("a cassette whose `interactions` is no list"),
            CassetteError::NoInteractions => {
                f.write_str("a YAML file with no `interactions`: not a cassette")
            }
        }
    }
}

impl std::error::Error for CassetteError {}

/// Hands `each` the interactions of a cassette, each as an entry or the reason it gives
/// none, in order; how many there were. `Err` when the file is no cassette this tool can
/// read to its end (a JSON cassette's interactions before the trouble are handed over
/// first); the message names a line, never a value.
pub fn interactions(
    data: &[u8],
    mut each: impl FnMut(usize, Result<Entry, Skip>),
) -> Result<usize, CassetteError> {
    let data = bom::strip(data);
    if data.trim_ascii_start().starts_with(b"{") {
        let mut handed = 0;
        let streamed = har::for_each_item(data, &JSON_CASSETTE, |index, value, lone| {
            handed += 1;
            each(
                index,
                interaction(Node::from_json(value)).map(|e| e.held(lone)),
            );
        });
        match streamed {
            Ok(count) => return Ok(count),
            // YAML's flow style (`{interactions: [...]}`) is no JSON: YAML reads it.
            Err(err) if handed > 0 || !err.syntax => {
                return Err(CassetteError::Json(err.message));
            }
            Err(_) => {}
        }
    }
    let text = String::from_utf8_lossy(data);
    let mut plan = Interactions::default();
    yaml::read(&text, &mut plan).map_err(CassetteError::Yaml)?;
    if plan.not_a_list {
        return Err(CassetteError::NotAList);
    }
    if !plan.listed {
        return Err(CassetteError::NoInteractions);
    }
    let count = plan.entries.len();
    for (index, recorded) in plan.entries.into_iter().enumerate() {
        each(index, recorded.and_then(Recorded::decode));
    }
    Ok(count)
}

/// Where a cassette written as JSON (vcrpy's `json` serializer) keeps its interactions. It
/// is streamed an interaction at a time, as a HAR's entries are: the YAML parser holds a
/// JSON document's tokens until its end, about 12 times the file.
const JSON_CASSETTE: har::Layout = har::Layout {
    name: "cassette",
    path: &[&LISTS],
    missing: "a JSON file with no `interactions`: not a cassette",
};

/// The parts of an interaction that are read: every other key (`recorded_at`, a request's
/// `method`, headers but these two and credentials', another top-level key) is parsed and
/// passed over.
const FIELDS: [&str; 8] = [
    "uri",
    "url",
    "headers",
    "body",
    "content",
    "parsed_body",
    "status",
    "code",
];
const HEADERS: [&str; 2] = ["content-type", "content-encoding"];

/// What of a cassette is built: each interaction's parts that [`interaction`] reads, one
/// interaction at a time, read into its entry as soon as it is whole. Bodies are decoded
/// (decompressed) only as each entry is handed on: a cassette of compressed bodies would
/// otherwise hold every body decoded at once, up to the whole decompression bound.
#[derive(Default)]
struct Interactions {
    /// The entries of each of [`LISTS`] in the document being read.
    read: [Vec<Result<Recorded, Skip>>; 2],
    /// The entries of the documents read, in order: a cassette is one document, but files
    /// joined with `---` (or one behind an empty document) hold more, and none is passed
    /// over.
    entries: Vec<Result<Recorded, Skip>>,
    /// A document had a list of interactions (perhaps empty).
    listed: bool,
    /// A document's `interactions` was no list.
    not_a_list: bool,
}

impl yaml::Plan for Interactions {
    fn keep(&self, path: &[Step<'_>]) -> Keep {
        let Some(Step::Key(list)) = path.first() else {
            return Keep::Skip;
        };
        if !LISTS.contains(list) {
            return Keep::Skip;
        }
        let wanted = match &path[1..] {
            [] => true,
            [Step::Item] => return Keep::Hand,
            [Step::Item, Step::Key(part)] => ["request", "response"].contains(part),
            [Step::Item, _, Step::Key(field)] => FIELDS.contains(field),
            [Step::Item, _, Step::Key("headers"), Step::Key(name)] => {
                HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name))
                    || redact::names_a_secret(name.as_bytes())
            }
            _ => true,
        };
        match wanted {
            true => Keep::Build,
            false => Keep::Skip,
        }
    }

    fn take(&mut self, path: &[Step<'_>], node: Node) {
        if let Some(Step::Key(list)) = path.first() {
            if let Some(at) = LISTS.iter().position(|l| l == list) {
                self.read[at].push(recorded(node));
            }
        }
    }

    fn document(&mut self, mut root: Node) {
        let read = std::mem::take(&mut self.read);
        let list = LISTS
            .iter()
            .zip(read)
            .map(|(key, read)| (root.take(key), read))
            .find(|(node, _)| !node.is_null());
        match list {
            // Items come handed one by one, or, in a list read whole for its anchor, in it.
            Some((Node::Seq(items), read)) => {
                self.listed = true;
                self.entries.extend(read);
                self.entries.extend(items.into_iter().map(recorded));
            }
            Some(_) => self.not_a_list = true,
            None => {}
        }
    }
}

/// One interaction's parts.
fn interaction(node: Node) -> Result<Entry, Skip> {
    recorded(node)?.decode()
}

/// An interaction as recorded: its entry with the bodies as stored, and the codings to
/// undo on each.
struct Recorded {
    parts: Entry,
    request_coding: Option<String>,
    response_coding: Option<String>,
}

/// The bodies are moved out of `node`, not copied: one may be tens of megabytes.
fn recorded(mut node: Node) -> Result<Recorded, Skip> {
    let mut request = node.take("request");
    let mut response = node.take("response");
    let url = [request.get("uri"), request.get("url")]
        .iter()
        .find_map(|n| n.as_str());
    let content_type = header(response.get("headers"), "content-type");
    let mut parts = Entry::head(url, content_type, status(&response))?;
    for message in [&request, &response] {
        credentials(message.get("headers"), &mut parts.credentials);
    }
    let warnings = &mut parts.warnings;
    parts.request_body = body(&mut request, "request", warnings).map_err(Skip::Undecodable)?;
    if let Some(body) = body(&mut response, "response", warnings).map_err(Skip::Undecodable)? {
        parts.response_body = body;
    }
    let coding = |message: &Node| codings(message.get("headers"));
    Ok(Recorded {
        parts,
        request_coding: coding(&request),
        response_coding: coding(&response),
    })
}

impl Recorded {
    /// The entry, its bodies' codings undone.
    fn decode(self) -> Result<Entry, Skip> {
        let Recorded {
            mut parts,
            request_coding,
            response_coding,
        } = self;
        let warnings = &mut parts.warnings;
        if let Some(body) = parts.request_body.take() {
            let decoded = entry::decoded(body, request_coding.as_deref(), warnings);
            parts.request_body = Some(decoded.map_err(Skip::Undecodable)?);
        }
        // A response with no body has nothing to decode (nor a coding to warn of).
        if !parts.response_body.is_empty() {
            let body = std::mem::take(&mut parts.response_body);
            parts.response_body = entry::decoded(body, response_coding.as_deref(), warnings)
                .map_err(Skip::Undecodable)?;
        }
        Ok(parts)
    }
}

/// The credentials among the headers kept (those [`HEADERS`] names, and credentials'),
/// whether they map a name to a list of values or to one, as text, `!!binary` or a number,
/// or to a mapping holding them (`{scheme: …, token: …}`: hostile run 63).
fn credentials(headers: &Node, credentials: &mut Credentials) {
    fn each(value: &Node, keep: &mut impl FnMut(&str)) {
        match value {
            Node::Str(text) => keep(text),
            // A value of bytes that are no UTF-8 (or written so), in base64 (hostile run
            // 53).
            Node::Binary(text) => {
                if let Ok(bytes) = entry::base64_bytes(text.clone().into_bytes()) {
                    keep(&String::from_utf8_lossy(&bytes));
                }
            }
            // A key of digits left unquoted reads as a number; sent, it was its digits
            // (hostile run 56).
            Node::Int(number) => keep(&number.to_string()),
            Node::Float(number) => keep(&number.to_string()),
            Node::Seq(items) => items.iter().for_each(|item| each(item, keep)),
            Node::Map(members) => members.iter().for_each(|(key, item)| {
                let set = matches!(item, Node::Null | Node::Bool(_));
                if credentials::key_is_a_value(key, set) {
                    keep(key);
                }
                each(item, keep)
            }),
            Node::Null | Node::Bool(_) => {}
        }
    }
    let Node::Map(entries) = headers else {
        return;
    };
    for (name, value) in entries {
        each(value, &mut |text| credentials.header(name, text));
    }
}

/// The status code: `status: {code}`, `status: 200`, or go-vcr's `code: 200` (beside its
/// `status: "200 OK"`).
fn status(response: &Node) -> entry::Status {
    let fields = [
        response.get("status").get("code"),
        response.get("status"),
        response.get("code"),
    ];
    match fields.iter().find_map(|n| n.as_u64()) {
        Some(code) => entry::Status::Number(code),
        None if fields.iter().all(|n| n.is_null()) => entry::Status::Absent,
        None => entry::Status::NoNumber,
    }
}

/// A header's first value by name (any case), whether the headers map a name to a list of
/// values or to one. Used only for content type and coding; credentials are read apart
/// ([`credentials`]), and no other value is.
fn header<'n>(headers: &'n Node, name: &str) -> Option<&'n str> {
    let Node::Map(entries) = headers else {
        return None;
    };
    let (_, value) = entries.iter().find(|(n, _)| n.eq_ignore_ascii_case(name))?;
    match value {
        Node::Seq(values) => values.iter().find_map(|v| v.as_str()),
        value => value.as_str(),
    }
}

/// Every `Content-Encoding` of a message, in order, as one list: a recorder keeps each
/// field's value (`[gzip, br]`), each coding applied after the one before.
fn codings(headers: &Node) -> Option<String> {
    let Node::Map(entries) = headers else {
        return None;
    };
    let mut all = Vec::new();
    for (_, value) in entries
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("content-encoding"))
    {
        match value {
            Node::Seq(values) => all.extend(values.iter().filter_map(|v| v.as_str())),
            value => all.extend(value.as_str()),
        }
    }
    (!all.is_empty()).then(|| all.join(", "))
}

/// A message's body bytes, however the recorder wrote it; `None` when there is none. The
/// body's text is moved out of `message`. Base64 that does not decode fails
/// ([`entry::base64_body`]).
fn body(
    message: &mut Node,
    what: &'static str,
    warnings: &mut Vec<Warning>,
) -> Result<Option<Vec<u8>>, Undecodable> {
    let parsed = message.get("parsed_body");
    if !parsed.is_null() {
        return Ok(Some(json_bytes(parsed)));
    }
    // vcrpy's httpx recorder writes a response's text as `content`.
    let mut body = match message.take("body") {
        Node::Null => message.take("content"),
        body => body,
    };
    let base64 =
        body.get("encoding").as_str() == Some("base64") || !body.get("base64_string").is_null();
    // vcrpy and Ruby's VCR hold the text under `string`; go-vcr writes it directly.
    let text = match body {
        Node::Map(_) if !body.get("string").is_null() => body.take("string"),
        Node::Map(_) if !body.get("base64_string").is_null() => body.take("base64_string"),
        other => other,
    };
    Ok(match text {
        Node::Null => None,
        Node::Str(s) if s.is_empty() => None,
        Node::Str(s) if base64 => Some(entry::base64_body(s.into_bytes(), what, warnings)?),
        Node::Str(s) => Some(s.into_bytes()),
        Node::Binary(s) => Some(entry::base64_body(s.into_bytes(), what, warnings)?),
        // A body the recorder parsed into YAML: the JSON it was.
        parsed => Some(json_bytes(&parsed)),
    })
}

fn json_bytes(node: &Node) -> Vec<u8> {
    serde_json::to_vec(&node.to_json()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every interaction of `data`, collected.
    fn read_all(data: &[u8]) -> Result<Vec<Result<Entry, Skip>>, CassetteError> {
        let mut read = Vec::new();
        interactions(data, |_, interaction| read.push(interaction))?;
        Ok(read)
    }
    use std::io::Write;

    fn gzip_base64(text: &str) -> String {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(text.as_bytes()).unwrap();
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            gz.finish().unwrap(),
        )
    }

    #[test]
    fn sniffing() {
        assert!(looks_like_cassette(b"interactions:\n- request:\n"));
        assert!(looks_like_cassette(b"# recorded\n---\ninteractions:\n"));
        assert!(looks_like_cassette(
            b"---\nhttp_interactions:\n- request:\n"
        ));
        assert!(looks_like_cassette(b"version: 2\ninteractions:\n"));
        assert!(looks_like_cassette(
            b"{\"interactions\": [{\"request\": {}}]}"
        ));
        assert!(looks_like_cassette(
            b"{\"version\": 1, \"interactions\": []}"
        ));
        assert!(!looks_like_cassette(
            b"version: 2\nname: x\n  interactions: 1\n"
        ));
        assert!(!looks_like_cassette(b"{\"log\": {\"entries\": []}}"));
        assert!(!looks_like_cassette(b"data: {\"interactions\": 1}\n\n"));
        assert!(!looks_like_cassette(b"-- request --\ninteractions:\n"));
    }

    #[test]
    fn a_json_cassette_reads_as_its_yaml_does_streamed() {
        let body = r#"{\"type\":\"message\",\"id\":\"m\",\"content\":[]}"#;
        let json = format!(
            r#"{{"version": 1, "interactions": [
                {{"request": {{"uri": "https://x.test/v1/messages", "body": "{{}}",
                  "headers": {{"Content-Type": ["application/json"]}}}},
                 "response": {{"status": {{"code": 200, "message": "OK"}},
                  "headers": {{"content-type": ["application/json"]}},
                  "body": {{"string": "{body}"}}}}}},
                {{"request": {{"uri": "https://x.test/logo.png"}},
                 "response": {{"status": {{"code": 200}},
                  "headers": {{"Content-Type": ["image/png"]}}, "body": {{"string": ""}}}}}}
            ]}}"#
        );
        let streamed = format!("{:?}", read_all(json.as_bytes()).unwrap());
        // The same text through the YAML reader, which reads every cassette but this.
        let mut plan = Interactions::default();
        let text = json.as_str();
        yaml::read(text, &mut plan).unwrap();
        let read: Vec<_> = std::mem::take(&mut plan.entries)
            .into_iter()
            .map(|r| r.and_then(Recorded::decode))
            .collect();
        assert_eq!(streamed, format!("{read:?}"));
        assert!(streamed.contains("/v1/messages") && streamed.contains("NotApi"));
        // Cut short: what came before is handed over, and the file fails, saying where.
        let cut = &json[..json.len() * 3 / 4];
        let mut handed = 0;
        let err = interactions(cut.as_bytes(), |_, _| handed += 1).unwrap_err();
        assert_eq!(handed, 1);
        assert_eq!(
            err.to_string(),
            "the cassette is cut short at line 7 (1 entry read)"
        );
        // YAML's flow style is no JSON, and is read as YAML.
        let flow = "{interactions: [{request: {uri: https://x.test/v1/messages}, response: {status: {code: 200}, body: {string: '{}'}}}]}";
        assert!(read_all(flow.as_bytes()).unwrap()[0].is_ok());
    }

    #[test]
    fn a_cassette_with_anchors_first_or_two_boms_is_one() {
        let anchors_first = "defaults: &d\n  method: POST\n  uri: https://x.test/v1/messages\n\
                             interactions:\n- request:\n    <<: *d\n    body: '{}'\n  response:\n    \
                             status: {code: 200}\n    body: {string: '{}'}\n";
        assert!(looks_like_cassette(anchors_first.as_bytes()));
        let all = read_all(anchors_first.as_bytes()).unwrap();
        let entry = all[0].as_ref().unwrap();
        assert_eq!(entry.target.as_deref(), Some("/v1/messages"));
        assert_eq!(entry.request_body.as_deref(), Some(&b"{}"[..]));
        let two_boms = "\u{feff}\u{feff}interactions:\n- request: {uri: https://x.test/v1/messages}\n  \
                        response: {status: {code: 200}, body: {string: '{}'}}\n";
        assert!(looks_like_cassette(two_boms.as_bytes()));
        assert!(read_all(two_boms.as_bytes()).unwrap()[0].is_ok());
        let elsewhere = "name: suite\nversion: 1\ninteractions: []\n";
        assert!(looks_like_cassette(elsewhere.as_bytes()));
        // A top-level key of that name in what opens as no mapping is no cassette.
        assert!(!looks_like_cassette(b"GET / HTTP/1.1\ninteractions: 1\n"));
        assert!(!looks_like_cassette(b"data: {}\n\n  interactions: 1\n"));
    }

    /// Hostile run 30 D1: the second of two cassettes joined with `---` was never read, and
    /// nothing after the first document was parsed (text that is no YAML passed `validate`).
    #[test]
    fn every_document_of_a_cassette_is_read_to_the_end() {
        let one = |uri: &str| {
            format!(
                "interactions:\n- request: {{uri: 'https://x.test/{uri}'}}\n  \
                 response: {{status: {{code: 200}}, body: {{string: '{{}}'}}}}\n"
            )
        };
        let targets = |text: &str| -> Vec<String> {
            let all = read_all(text.as_bytes()).unwrap();
            all.into_iter()
                .map(|e| e.unwrap().target.unwrap_or_default())
                .collect()
        };
        let joined = format!("---\n{}---\n{}", one("a"), one("b"));
        assert!(looks_like_cassette(joined.as_bytes()));
        assert_eq!(targets(&joined), ["/a", "/b"]);
        let behind_an_empty_one = format!("--- {{}}\n---\n{}", one("b"));
        assert_eq!(targets(&behind_an_empty_one), ["/b"]);
        // Hostile run 31 D4: an alias in a later document to an anchor of the first.
        let anchored = "---\nkeep: &list\n- request: {uri: 'https://x.test/a'}\n  \
                        response: {status: {code: 200}, body: {string: '{}'}}\n\
                        ---\ninteractions: *list\n";
        assert_eq!(targets(anchored), ["/a"]);
        let junk_after = format!("{}...\n]]] : : {{{{{{ not yaml\n", one("a"));
        assert!(matches!(
            read_all(junk_after.as_bytes()),
            Err(CassetteError::Yaml(YamlError::Syntax { line: 5, .. }))
        ));
    }

    #[test]
    fn a_cassette_builds_only_its_interactions() {
        // 700,000 items under another key would build about 45 MB, past the 37 MiB this
        // 2.8 MB file may build: passed over, they cost nothing.
        let cassette = format!(
            "interactions:\n- request: {{uri: https://x.test/v1/messages, method: POST}}\n  \
             recorded_at: x\n  response: {{status: {{code: 200}}, body: {{string: '{{}}'}}}}\n\
             extra:\n{}",
            "- a\n".repeat(700_000)
        );
        let all = read_all(cassette.as_bytes()).unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].as_ref().unwrap().response_body, b"{}");
        // What an interaction holds besides its parts is passed over too.
        let headers = format!(
            "interactions:\n- request:\n    headers:\n{}    uri: https://x.test/v1/messages\n  \
             response: {{status: {{code: 200}}, body: {{string: '{{}}'}}}}\n",
            (0..300_000)
                .map(|i| format!("      h{i}: v\n"))
                .collect::<String>()
        );
        assert!(read_all(headers.as_bytes()).unwrap()[0].is_ok());
    }

    #[test]
    fn rubys_binary_tag_is_binary_and_a_binary_header_value_is_a_credential() {
        // Hostile run 53: Ruby writes `!binary` for bytes that are no UTF-8; the body was
        // read as its base64 text, and a credential written so was not known as one.
        use base64::Engine;
        let b64 = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);
        let cassette = format!(
            "http_interactions:\n- request:\n    method: post\n    \
             uri: https://api.anthropic.com/v1/messages\n    headers:\n      X-Api-Key:\n      \
             - !binary |-\n        {}\n  response:\n    status:\n      code: 200\n    \
             body:\n      encoding: ASCII-8BIT\n      string: !binary |-\n        {}\n",
            b64("ZQXSECRETq7Lm2w"),
            b64("{\"type\":\"message\",\"content\":[]}"),
        );
        let entry = read_all(cassette.as_bytes()).unwrap().remove(0).unwrap();
        assert_eq!(
            entry.response_body,
            b"{\"type\":\"message\",\"content\":[]}"
        );
        let mut said = "User ZQXSECRETq7Lm2w".to_string();
        entry.credentials.cut(&mut said);
        assert_eq!(said, "User …");
    }

    #[test]
    fn a_gzipped_binary_body_and_a_string_request() {
        let body = gzip_base64("{\"type\":\"message\",\"content\":[]}");
        let cassette = format!(
            "interactions:\n- request:\n    body: '{{\"model\": \"claude-x\"}}'\n    headers:\n      \
             x-api-key:\n      - sk-ant-SECRET\n    method: POST\n    uri: https://api.anthropic.com/v1/messages\n  \
             response:\n    body:\n      string: !!binary |\n        {body}\n    headers:\n      \
             Content-Encoding:\n      - gzip\n      Content-Type:\n      - application/json\n    \
             status:\n      code: 529\n      message: Overloaded\nversion: 1\n"
        );
        let mut all = read_all(cassette.as_bytes()).unwrap();
        let entry = all.remove(0).unwrap();
        assert_eq!(entry.target.as_deref(), Some("/v1/messages"));
        assert_eq!(
            entry.request_body.as_deref(),
            Some(&b"{\"model\": \"claude-x\"}"[..])
        );
        assert_eq!(
            entry.response_body,
            b"{\"type\":\"message\",\"content\":[]}"
        );
        assert_eq!(entry.status, Some(529));
        assert_eq!(entry.content_type.as_deref(), Some("application/json"));
        assert!(!format!("{entry:?}").contains("SECRET"));
    }

    #[test]
    fn a_binary_body_that_does_not_decode_fails_and_plain_text_is_read() {
        // Hostile run 59: both were read as text; the broken one made its entry a body of
        // no API.
        let cassette = |body: &str| {
            format!(
                "interactions:\n- request: {{uri: https://x.test/v1/messages, method: POST}}\n  \
                 response:\n    status: {{code: 200}}\n    body:\n      string: !!binary |\n        \
                 {body}\n"
            )
        };
        let broken = read_all(cassette("eyJh!jox").as_bytes()).unwrap();
        match &broken[0] {
            Err(Skip::Undecodable(why)) => assert!(
                why.to_string()
                    .starts_with("the response body says base64 but does not decode"),
                "{why}"
            ),
            other => panic!("{other:?}"),
        }
        let text = read_all(cassette("{}").as_bytes()).unwrap();
        let entry = text[0].as_ref().unwrap();
        assert_eq!(entry.response_body.trim_ascii(), b"{}");
        assert!(matches!(entry.warnings[..], [Warning::NotBase64 { .. }]));
    }

    /// Codings a recorder kept as a list, or under two spellings of the name, are undone
    /// one after another.
    #[test]
    fn codings_listed_are_all_undone() {
        let yaml = "headers:\n  Content-Encoding: [gzip, br]\n  content-encoding: zstd\n";
        let doc = yaml::parse(yaml).unwrap();
        assert_eq!(
            codings(doc.get("headers")).as_deref(),
            Some("gzip, br, zstd")
        );
    }

    #[test]
    fn parsed_bodies_go_vcr_and_ruby_shapes() {
        let cassette = "interactions:\n- request:\n    parsed_body:\n      model: m\n      stream: true\n    \
             uri: https://x.test/v1/messages\n  response:\n    parsed_body:\n      input_tokens: 19\n    \
             status: {code: 200, message: OK}\n- request:\n    body: ''\n    url: https://x.test/v1/models\n  \
             response:\n    body: '{\"data\": []}'\n    code: 200\n    status: 200 OK\n    headers:\n      \
             Content-Type: [image/png]\n";
        let all = read_all(cassette.as_bytes()).unwrap();
        let first = all[0].as_ref().unwrap();
        assert_eq!(
            first.request_body.as_deref(),
            Some(&b"{\"model\":\"m\",\"stream\":true}"[..])
        );
        assert_eq!(first.response_body, b"{\"input_tokens\":19}");
        assert_eq!(all[1].as_ref().unwrap_err(), &Skip::NotApi);
        let ruby = "---\nhttp_interactions:\n- request:\n    method: post\n    uri: https://x.test/v1/chat/completions\n    \
             body:\n      encoding: UTF-8\n      string: '{\"model\":\"gpt\"}'\n  response:\n    status:\n      code: 200\n    \
             body:\n      encoding: ASCII-8BIT\n      base64_string: |\n        e30=\n  recorded_at: Tue, 01 Nov 2024 04:58:44 GMT\n";
        let all = read_all(ruby.as_bytes()).unwrap();
        let entry = all[0].as_ref().unwrap();
        assert_eq!(
            entry.request_body.as_deref(),
            Some(&b"{\"model\":\"gpt\"}"[..])
        );
        assert_eq!(entry.response_body, b"{}");
        assert_eq!(entry.status, Some(200));
    }

    #[test]
    fn not_a_cassette() {
        assert_eq!(
            read_all(b"a: 1\n").unwrap_err(),
            CassetteError::NoInteractions
        );
        assert_eq!(
            read_all(b"interactions: 3\n").unwrap_err(),
            CassetteError::NotAList
        );
        let bad = read_all(b"interactions:\n- request: {body: \"sk-secret")
            .unwrap_err()
            .to_string();
        assert!(bad.contains("line") && !bad.contains("sk-secret"), "{bad}");
    }
}
