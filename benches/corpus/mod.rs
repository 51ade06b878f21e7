//! A deterministic generator of realistic captured streams, for the benchmarks
//! (`benches/pipeline.rs`, in memory) and for `examples/gen-corpus.rs` (on disk), which both
//! include this file.
//!
//! Every body is a raw `text/event-stream` body shaped exactly as the providers send it (see
//! `fixtures/`): Anthropic Messages (`message_start`, thinking with `thinking_delta` and
//! `signature_delta`, text, `tool_use` with `input_json_delta`, the `ping` after the first
//! block start, `message_delta`, `message_stop`), OpenAI Chat Completions (chunks with
//! `"usage":null` and `obfuscation`, tool-call argument deltas, a finish chunk, a usage chunk,
//! `data: [DONE]`; some DeepSeek-style streams with `reasoning_content`), and OpenAI Responses
//! (`sequence_number` on every event, reasoning summary deltas, `output_text` deltas with
//! `obfuscation`, `function_call_arguments` deltas, and a `response.completed` that repeats
//! the whole output). Text deltas hold a few tokens each, so event counts are realistic; tool
//! arguments are JSON cut into deltas at arbitrary (character) positions.
//!
//! Deterministic: the same seed gives the same bytes (a xorshift64*, no `rand`).

// Each includer uses a different part of it.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::sync::OnceLock;

/// The three APIs, in the order the corpus folders are named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    Anthropic,
    Chat,
    Responses,
}

impl Api {
    pub const ALL: [Api; 3] = [Api::Anthropic, Api::Chat, Api::Responses];

    /// The folder a corpus keeps this API's files in (the tool's own API names).
    pub fn dir(self) -> &'static str {
        match self {
            Api::Anthropic => "anthropic-messages",
            Api::Chat => "openai-chat",
            Api::Responses => "openai-responses",
        }
    }
}

/// xorshift64*: small, fast and plenty for test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        // Spread the seed so that seeds 0, 1, 2 give unrelated streams; never zero.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True `percent` times in 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// A float in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A number in `lo..=hi`, log-uniformly: as many small ones as large ones per decade.
    pub fn log_range(&mut self, lo: usize, hi: usize) -> usize {
        let (lo_f, hi_f) = (lo as f64, hi as f64 + 1.0);
        ((lo_f * (hi_f / lo_f).powf(self.unit())) as usize).clamp(lo, hi)
    }

    /// `n` characters drawn from `alphabet` (ASCII).
    pub fn string(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n).map(|_| *self.pick(alphabet) as char).collect()
    }

    /// `lo..=hi` characters drawn from `alphabet`.
    pub fn string_of(&mut self, alphabet: &[u8], lo: usize, hi: usize) -> String {
        let n = self.range(lo, hi);
        self.string(alphabet, n)
    }

    fn alnum(&mut self, n: usize) -> String {
        self.string(ALNUM, n)
    }

    fn hex(&mut self, n: usize) -> String {
        self.string(b"0123456789abcdef", n)
    }
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

const WORDS_TEXT: &str = "\
    the the the a a an of of to to and and in in is is it it that this for on with as be by at \
    or from not but we you they can will should would could must may when which then than so \
    if because after before while each every some all only also still just more most first \
    last next same other new old one two three few many request response stream event service \
    server client cache token tokens latency deployment rollout environment production staging \
    database query index table column migration schema function method module crate package \
    dependency version release build test tests suite failure error errors warning panic \
    timeout retry backoff limit quota budget memory allocation buffer thread threads worker \
    queue lock mutex channel message messages payload header body field value key config \
    setting option flag file files path directory folder repository branch commit diff patch \
    review change changes line lines output input argument arguments parameter result type \
    struct trait closure iterator vector string slice byte bytes parser framing reconstruction \
    checkout payment invoice customer order user users account session login permission policy \
    rule rules check checks run runs running call calls called read reads write writes open \
    close start stop restart handle handles return returns fix fixes fixed add adds remove \
    update updates look looks seems need needs want use uses used make makes keep keeps show \
    shows find finds found expect expected happens healthy slow fast faster slower larger \
    smaller safe unsafe correct wrong likely probably clearly actually instead already simply \
    quickly carefully directly roughly exactly usually currently p95 p99 HTTP JSON SSE API CPU \
    TLS DNS CI Rust Python Kubernetes Postgres Redis Linux GitHub OpenAI Anthropic Lyon Berlin \
    Tokyo 2025 42 200 404 500 3.5 10ms 250 1024 v2 UTF-8 straightforward nevertheless \
    configuration implementation serialization authentication observability throughput \
    concurrency idempotent deterministic incrementally approximately responsibility \
    infrastructure";

/// Words outside ASCII, rarer, so bodies exercise multi-byte UTF-8 too.
const WIDE_WORDS_TEXT: &str = "\
    café naïve über — → ≈ µs ± ² °C Zürich São 日本 € ✓ …";

/// The words prose is made of (frequent ones repeated), split once.
fn words() -> &'static [&'static str] {
    static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| WORDS_TEXT.split_whitespace().collect())
}

fn wide_words() -> &'static [&'static str] {
    static WIDE: OnceLock<Vec<&'static str>> = OnceLock::new();
    WIDE.get_or_init(|| WIDE_WORDS_TEXT.split_whitespace().collect())
}

const CODE_SPANS: &[&str] = &[
    "`cargo test`",
    "`cargo build --release`",
    "`git rebase -i`",
    "`Result<T, E>`",
    "`Vec<u8>`",
    "`serde_json::Value`",
    "`SELECT * FROM orders`",
    "`kubectl rollout status`",
    "`--threads 2`",
    "`/v1/messages`",
    "`Option::take`",
    "`npm ci`",
];

/// Cuts `word` in two on a character boundary, as a subword tokenizer does with long words.
fn split_word(word: &str, rng: &mut Rng) -> (String, String) {
    let chars: Vec<char> = word.chars().collect();
    let at = rng.range(2, chars.len() - 2);
    (chars[..at].iter().collect(), chars[at..].iter().collect())
}

/// About `n` tokens of prose: sentences, commas, paragraphs, lists, code spans, a few words
/// outside ASCII. Tokens carry their leading space, as model tokens do.
pub fn prose_tokens(rng: &mut Rng, n: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(n + 16);
    let mut sentences_in_paragraph = 0;
    let mut list = false;
    while out.len() < n {
        // A sentence.
        let length = rng.range(4, 22);
        for i in 0..length {
            let from = if rng.chance(2) {
                wide_words()
            } else if rng.chance(2) {
                CODE_SPANS
            } else {
                words()
            };
            let word = *rng.pick(from);
            let word = if i == 0 {
                let mut c = word.chars();
                match c.next() {
                    Some(first) => first.to_uppercase().chain(c).collect::<String>(),
                    None => String::new(),
                }
            } else {
                word.to_string()
            };
            let lead =
                if i == 0 && (out.is_empty() || out.last().is_some_and(|t| t.ends_with('\n'))) {
                    ""
                } else {
                    " "
                };
            if word.chars().count() > 8 && rng.chance(50) {
                let (a, b) = split_word(&word, rng);
                out.push(format!("{lead}{a}"));
                out.push(b);
            } else {
                out.push(format!("{lead}{word}"));
            }
            if i + 1 < length && rng.chance(7) {
                out.push(",".to_string());
            }
        }
        out.push(rng.pick(&[".", ".", ".", ".", ":", "?", "!"]).to_string());
        sentences_in_paragraph += 1;
        if list {
            if rng.chance(30) {
                list = false;
                out.push("\n\n".to_string());
                sentences_in_paragraph = 0;
            } else {
                out.push("\n-".to_string());
            }
        } else if sentences_in_paragraph >= rng.range(2, 6) {
            sentences_in_paragraph = 0;
            if rng.chance(15) {
                list = true;
                out.push("\n\n-".to_string());
            } else {
                out.push("\n\n".to_string());
            }
        }
    }
    out
}

/// Groups tokens into deltas of `lo..=hi` tokens each.
fn group(rng: &mut Rng, tokens: &[String], lo: usize, hi: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(tokens.len() / lo.max(1) + 1);
    let mut i = 0;
    while i < tokens.len() {
        let take = rng.range(lo, hi).min(tokens.len() - i);
        out.push(tokens[i..i + take].concat());
        i += take;
    }
    out
}

/// Cuts `text` into pieces of `lo..=hi` bytes, moved forward to the next character boundary.
fn cut(rng: &mut Rng, text: &str, lo: usize, hi: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + rng.range(lo, hi)).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        out.push(text[start..end].to_string());
        start = end;
    }
    out
}

/// Appends `s` as the inside of a JSON string.
pub fn escape_into(out: &mut String, s: &str) {
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        let esc: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[plain..i]);
        if esc.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.push_str(esc);
        }
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
}

/// `s` as a JSON string, quotes included.
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    escape_into(&mut out, s);
    out.push('"');
    out
}

/// A small JSON value, for tool arguments.
enum Json {
    Str(String),
    Int(u64),
    Bool(bool),
    List(Vec<Json>),
    Obj(Vec<(&'static str, Json)>),
}

impl Json {
    /// Serialized compactly (OpenAI) or with `", "` and `": "` separators (Anthropic).
    fn write(&self, out: &mut String, spaced: bool) {
        match self {
            Json::Str(s) => {
                out.push('"');
                escape_into(out, s);
                out.push('"');
            }
            Json::Int(n) => {
                let _ = write!(out, "{n}");
            }
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(if spaced { ", " } else { "," });
                    }
                    item.write(out, spaced);
                }
                out.push(']');
            }
            Json::Obj(fields) => {
                out.push('{');
                for (i, (key, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push_str(if spaced { ", " } else { "," });
                    }
                    let _ = write!(out, "\"{key}\"{}", if spaced { ": " } else { ":" });
                    value.write(out, spaced);
                }
                out.push('}');
            }
        }
    }

    fn text(&self, spaced: bool) -> String {
        let mut out = String::new();
        self.write(&mut out, spaced);
        out
    }
}

fn sentence(rng: &mut Rng, lo: usize, hi: usize) -> String {
    let n = rng.range(lo, hi);
    prose_tokens(rng, n)[..n].concat().trim().to_string()
}

const DIRS: &[&str] = &[
    "src",
    "src/frame",
    "src/reconstruct",
    "tests",
    "lib",
    "cmd/server",
];
const EXTS: &[&str] = &["rs", "rs", "py", "go", "ts", "toml", "md"];

fn a_path(rng: &mut Rng) -> String {
    let mut word = || {
        rng.pick(words())
            .to_lowercase()
            .replace(|c: char| !c.is_ascii_alphanumeric(), "")
    };
    let (a, b) = (word(), word());
    format!("{}/{a}_{b}.{}", rng.pick(DIRS), rng.pick(EXTS))
}

/// Lines of code-like text, with quotes, backslashes and tabs, the way a `write_file`
/// argument holds a whole file.
fn code(rng: &mut Rng, lines: usize) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for _ in 0..lines {
        let w1 = rng.pick(words()).to_lowercase();
        let w2 = rng.pick(words()).to_lowercase();
        let indent = "    ".repeat(depth);
        match rng.below(8) {
            0 if depth < 4 => {
                let _ = writeln!(
                    out,
                    "{indent}fn {w1}_{w2}({w1}: &str, n: usize) -> Result<Vec<u8>, Error> {{"
                );
                depth += 1;
            }
            1 if depth > 0 => {
                depth -= 1;
                let _ = writeln!(out, "{}}}", "    ".repeat(depth));
            }
            2 => {
                let _ = writeln!(
                    out,
                    "{indent}println!(\"{w1}\\t{w2}: {{}}\\n\", {w1}.len());"
                );
            }
            3 => {
                let _ = writeln!(out, "{indent}// {}", sentence(rng, 5, 14));
            }
            4 if depth < 4 => {
                let _ = writeln!(
                    out,
                    "{indent}if {w1}.is_empty() || n > {} {{",
                    rng.below(4096)
                );
                depth += 1;
            }
            5 => {
                let _ = writeln!(
                    out,
                    "{indent}return Err(Error::new(\"{w1} {w2} failed at '{}'\"));",
                    rng.alnum(6)
                );
            }
            _ => {
                let _ = writeln!(
                    out,
                    "{indent}let {w1}_{w2} = {w2}.{w1}(&{w1}, {})?;",
                    rng.below(1000)
                );
            }
        }
    }
    while depth > 0 {
        depth -= 1;
        let _ = writeln!(out, "{}}}", "    ".repeat(depth));
    }
    out
}

const CITIES: &[&str] = &[
    "Lyon",
    "Berlin",
    "Tokyo",
    "São Paulo",
    "Zürich",
    "Austin",
    "Nairobi",
];
const COMMANDS: &[&str] = &[
    "cargo test --workspace",
    "cargo clippy --all-targets -- -D warnings",
    "git status --short",
    "git log --oneline -20",
    "rg -n \"fn reconstruct\" src/",
    "ls -la",
    "npm run build",
    "pytest -x -q tests/",
    "kubectl get pods -n checkout",
    "grep -rn 'TODO' src | head -50",
];

/// A tool call: its name and its arguments (see `responses_tool_definition` for its schema).
struct ToolCall {
    name: &'static str,
    args: Json,
}

fn tool_call(rng: &mut Rng) -> ToolCall {
    let path = a_path(rng);
    match rng.below(10) {
        0 | 1 => ToolCall {
            name: "shell_command",
            args: Json::Obj(vec![
                ("command", Json::Str(rng.pick(COMMANDS).to_string())),
                (
                    "workdir",
                    Json::Str(format!("/home/dev/{}", rng.pick(words()).to_lowercase())),
                ),
                ("timeout_ms", Json::Int(rng.range(1, 12) as u64 * 10_000)),
            ]),
        },
        2 | 3 => ToolCall {
            name: "read_file",
            args: Json::Obj(vec![
                ("path", Json::Str(path)),
                ("offset", Json::Int(rng.below(2000) as u64)),
                ("limit", Json::Int(rng.range(50, 800) as u64)),
            ]),
        },
        4 => {
            let lines = rng.log_range(5, 150);
            ToolCall {
                name: "write_file",
                args: Json::Obj(vec![
                    ("path", Json::Str(path)),
                    ("content", Json::Str(code(rng, lines))),
                ]),
            }
        }
        5 => {
            let (old, new) = (rng.range(1, 12), rng.range(1, 20));
            ToolCall {
                name: "edit_file",
                args: Json::Obj(vec![
                    ("path", Json::Str(path)),
                    ("old_string", Json::Str(code(rng, old))),
                    ("new_string", Json::Str(code(rng, new))),
                    ("replace_all", Json::Bool(rng.chance(10))),
                ]),
            }
        }
        6 => ToolCall {
            name: "get_weather",
            args: Json::Obj(vec![
                ("city", Json::Str(rng.pick(CITIES).to_string())),
                (
                    "unit",
                    Json::Str(rng.pick(&["celsius", "fahrenheit"]).to_string()),
                ),
            ]),
        },
        7 | 8 => ToolCall {
            name: "search_docs",
            args: Json::Obj(vec![
                ("query", Json::Str(sentence(rng, 3, 12))),
                ("max_results", Json::Int(rng.range(3, 20) as u64)),
                (
                    "sources",
                    Json::List(vec![
                        Json::Str("docs".into()),
                        Json::Str(rng.pick(&["issues", "forum", "changelog"]).to_string()),
                    ]),
                ),
            ]),
        },
        _ => {
            let body_len = rng.log_range(20, 600);
            ToolCall {
                name: "bmcp_github_create_issue",
                args: Json::Obj(vec![
                    ("owner", Json::Str("coder".into())),
                    ("repo", Json::Str("aibridge".into())),
                    ("title", Json::Str(sentence(rng, 4, 12))),
                    ("body", Json::Str(prose_tokens(rng, body_len).concat())),
                    (
                        "labels",
                        Json::List(vec![Json::Str(
                            rng.pick(&["bug", "enhancement"]).to_string(),
                        )]),
                    ),
                ]),
            }
        }
    }
}

/// The JSON-schema definition of a tool, as a Responses `tools` entry.
fn responses_tool_definition(name: &str) -> String {
    let params = match name {
        "shell_command" => {
            r#"{"type":"object","properties":{"command":{"type":"string"},"workdir":{"type":"string"},"timeout_ms":{"type":"integer"}},"required":["command","workdir","timeout_ms"],"additionalProperties":false}"#
        }
        "read_file" => {
            r#"{"type":"object","properties":{"path":{"type":"string"},"offset":{"type":"integer"},"limit":{"type":"integer"}},"required":["path","offset","limit"],"additionalProperties":false}"#
        }
        "write_file" => {
            r#"{"type":"object","properties":{"path":{"type":"string"},"content":{"type":"string"}},"required":["path","content"],"additionalProperties":false}"#
        }
        "edit_file" => {
            r#"{"type":"object","properties":{"path":{"type":"string"},"old_string":{"type":"string"},"new_string":{"type":"string"},"replace_all":{"type":"boolean"}},"required":["path","old_string","new_string","replace_all"],"additionalProperties":false}"#
        }
        "get_weather" => {
            r#"{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]}},"required":["city","unit"],"additionalProperties":false}"#
        }
        "search_docs" => {
            r#"{"type":"object","properties":{"query":{"type":"string"},"max_results":{"type":"integer"},"sources":{"type":"array","items":{"type":"string"}}},"required":["query","max_results","sources"],"additionalProperties":false}"#
        }
        _ => {
            r#"{"type":"object","properties":{"owner":{"type":"string"},"repo":{"type":"string"},"title":{"type":"string"},"body":{"type":"string"},"labels":{"type":"array","items":{"type":"string"}}},"required":["owner","repo","title","body","labels"],"additionalProperties":false}"#
        }
    };
    format!(
        r#"{{"type":"function","name":"{name}","description":"{}","parameters":{params},"strict":true}}"#,
        match name {
            "shell_command" => "Run a shell command in the workspace and return its output.",
            "read_file" => "Read part of a file of the workspace.",
            "write_file" => "Write a whole file of the workspace.",
            "edit_file" => "Replace a string in a file of the workspace.",
            "get_weather" => "Current weather for a city.",
            "search_docs" => "Search the documentation and the issue tracker.",
            _ => "Create an issue in a GitHub repository (injected by the gateway).",
        }
    )
}

fn push_event(out: &mut String, name: Option<&str>, data: &str) {
    if let Some(name) = name {
        out.push_str("event: ");
        out.push_str(name);
        out.push('\n');
    }
    out.push_str("data: ");
    out.push_str(data);
    out.push_str("\n\n");
}

/// The size of one turn: how many tokens of answer it writes, and whether it thinks and
/// calls tools. Log-uniform lengths give many short turns and a few long ones, from a few
/// KB to a few hundred KB per file.
struct Shape {
    text_tokens: usize,
    thinking_tokens: usize,
    tools: Vec<ToolCall>,
}

fn shape(rng: &mut Rng, think_percent: usize, max_tools: usize) -> Shape {
    let tools: Vec<ToolCall> = if rng.chance(45) {
        let n = if rng.chance(75) {
            1
        } else {
            rng.range(2, max_tools)
        };
        (0..n).map(|_| tool_call(rng)).collect()
    } else {
        Vec::new()
    };
    let text_tokens = if tools.is_empty() || rng.chance(40) {
        rng.log_range(10, 2000)
    } else {
        0
    };
    let thinking_tokens = if rng.chance(think_percent) {
        rng.log_range(20, 1200)
    } else {
        0
    };
    Shape {
        text_tokens,
        thinking_tokens,
        tools,
    }
}

/// Generates bodies, one call per file.
pub struct Generator {
    rng: Rng,
    clock: u64,
}

impl Generator {
    pub fn new(seed: u64) -> Generator {
        Generator {
            rng: Rng::new(seed),
            clock: 1_758_100_000,
        }
    }

    /// One whole stream of `api`.
    pub fn body(&mut self, api: Api) -> String {
        self.clock += self.rng.range(1, 90) as u64;
        match api {
            Api::Anthropic => self.anthropic(),
            Api::Chat => {
                if self.rng.chance(15) {
                    self.chat_reasoning()
                } else {
                    self.chat()
                }
            }
            Api::Responses => self.responses(),
        }
    }

    fn anthropic(&mut self) -> String {
        let rng = &mut self.rng;
        let s = shape(rng, 40, 3);
        let model = *rng.pick(&[
            "claude-sonnet-4-5-20250929",
            "claude-sonnet-4-5-20250929",
            "claude-opus-4-1-20250805",
            "claude-haiku-4-5-20251001",
            "claude-sonnet-4-20250514",
        ]);
        let id = format!("msg_01{}", rng.alnum(22));
        let input = rng.log_range(3, 40_000);
        let cache_read = if rng.chance(50) {
            rng.log_range(1_000, 120_000)
        } else {
            0
        };
        let cache_write = if rng.chance(30) {
            rng.log_range(100, 20_000)
        } else {
            0
        };
        let mut out = String::with_capacity(4096);
        push_event(
            &mut out,
            Some("message_start"),
            &format!(
                r#"{{"type":"message_start","message":{{"model":"{model}","id":"{id}","type":"message","role":"assistant","content":[],"stop_reason":null,"stop_sequence":null,"usage":{{"input_tokens":{input},"cache_creation_input_tokens":{cache_write},"cache_read_input_tokens":{cache_read},"cache_creation":{{"ephemeral_5m_input_tokens":{cache_write},"ephemeral_1h_input_tokens":0}},"output_tokens":{},"service_tier":"standard"}}}}}}"#,
                rng.range(1, 8)
            ),
        );
        let mut index = 0;
        let mut data = String::new();
        let mut delta = |out: &mut String,
                         rng: &mut Rng,
                         index: usize,
                         kind: &str,
                         field: &str,
                         text: &str| {
            data.clear();
            let _ = write!(
                data,
                r#"{{"type":"content_block_delta","index":{index},"delta":{{"type":"{kind}","{field}":""#
            );
            escape_into(&mut data, text);
            data.push_str("\"}}");
            push_event(out, Some("content_block_delta"), &data);
            // Long streams get a keep-alive now and then.
            if rng.chance(1) {
                push_event(out, Some("ping"), r#"{"type": "ping"}"#);
            }
        };
        let start = |out: &mut String, index: usize, block: &str| {
            push_event(
                out,
                Some("content_block_start"),
                &format!(
                    r#"{{"type":"content_block_start","index":{index},"content_block":{block}}}"#
                ),
            );
            if index == 0 {
                push_event(out, Some("ping"), r#"{"type": "ping"}"#);
            }
        };
        let stop = |out: &mut String, index: usize| {
            push_event(
                out,
                Some("content_block_stop"),
                &format!(r#"{{"type":"content_block_stop","index":{index}}}"#),
            );
        };
        let mut output_tokens = 0;
        if s.thinking_tokens > 0 {
            start(
                &mut out,
                index,
                r#"{"type":"thinking","thinking":"","signature":""}"#,
            );
            let tokens = prose_tokens(rng, s.thinking_tokens);
            output_tokens += tokens.len();
            for piece in group(rng, &tokens, 3, 24) {
                delta(&mut out, rng, index, "thinking_delta", "thinking", &piece);
            }
            let signature = format!("Eq{}==", rng.string_of(BASE64, 300, 1200));
            delta(
                &mut out,
                rng,
                index,
                "signature_delta",
                "signature",
                &signature,
            );
            stop(&mut out, index);
            index += 1;
        }
        if s.text_tokens > 0 {
            start(&mut out, index, r#"{"type":"text","text":""}"#);
            let tokens = prose_tokens(rng, s.text_tokens);
            output_tokens += tokens.len();
            for piece in group(rng, &tokens, 1, 8) {
                delta(&mut out, rng, index, "text_delta", "text", &piece);
            }
            stop(&mut out, index);
            index += 1;
        }
        for call in &s.tools {
            let id = format!("toolu_01{}", rng.alnum(22));
            start(
                &mut out,
                index,
                &format!(
                    r#"{{"type":"tool_use","id":"{id}","name":"{}","input":{{}}}}"#,
                    call.name
                ),
            );
            delta(&mut out, rng, index, "input_json_delta", "partial_json", "");
            let args = call.args.text(true);
            output_tokens += args.len() / 4;
            for piece in cut(rng, &args, 1, 48) {
                delta(
                    &mut out,
                    rng,
                    index,
                    "input_json_delta",
                    "partial_json",
                    &piece,
                );
            }
            stop(&mut out, index);
            index += 1;
        }
        let stop_reason = if !s.tools.is_empty() {
            "tool_use"
        } else if rng.chance(4) {
            "max_tokens"
        } else {
            "end_turn"
        };
        push_event(
            &mut out,
            Some("message_delta"),
            &format!(
                r#"{{"type":"message_delta","delta":{{"stop_reason":"{stop_reason}","stop_sequence":null}},"usage":{{"input_tokens":{input},"cache_creation_input_tokens":{cache_write},"cache_read_input_tokens":{cache_read},"output_tokens":{output_tokens}}}}}"#
            ),
        );
        push_event(&mut out, Some("message_stop"), r#"{"type":"message_stop"}"#);
        out
    }

    /// An OpenAI Chat Completions stream (OpenAI's own shape: `usage: null` and
    /// `obfuscation` on every chunk when usage is asked for).
    fn chat(&mut self) -> String {
        let created = self.clock;
        let rng = &mut self.rng;
        let s = shape(rng, 0, 3);
        let model = *rng.pick(&[
            "gpt-4.1-2025-04-14",
            "gpt-4.1-mini-2025-04-14",
            "gpt-4o-2024-08-06",
            "gpt-5-2025-08-07",
            "gpt-5-mini-2025-08-07",
        ]);
        let include_usage = rng.chance(80);
        let id = format!("chatcmpl-{}", rng.alnum(29));
        let fingerprint = if model.starts_with("gpt-5") {
            "null".to_string()
        } else {
            format!("\"fp_{}\"", rng.hex(10))
        };
        // Every chunk starts the same way, up to its `choices`.
        let head = format!(
            r#"{{"id":"{id}","object":"chat.completion.chunk","created":{created},"model":"{model}","service_tier":"default","system_fingerprint":{fingerprint},"choices":["#
        );
        let prefix = format!(r#"{head}{{"index":0,"delta":"#);
        let mut out = String::with_capacity(8192);
        let mut data = String::new();
        let mut chunk = |out: &mut String, rng: &mut Rng, delta: &str, finish: &str| {
            data.clear();
            data.push_str(&prefix);
            data.push_str(delta);
            let _ = write!(data, r#","logprobs":null,"finish_reason":{finish}}}]"#);
            if include_usage {
                data.push_str(r#","usage":null"#);
            }
            let _ = write!(
                data,
                r#","obfuscation":"{}"}}"#,
                rng.string_of(ALNUM, 1, 12)
            );
            push_event(out, None, &data);
        };
        let mut piece = String::new();
        let first = if s.text_tokens > 0 {
            r#"{"role":"assistant","content":"","refusal":null}"#
        } else {
            r#"{"role":"assistant","content":null,"refusal":null}"#
        };
        chunk(&mut out, rng, first, "null");
        let mut completion = 0;
        if s.text_tokens > 0 {
            let tokens = prose_tokens(rng, s.text_tokens);
            completion += tokens.len();
            for token in &tokens {
                piece.clear();
                piece.push_str(r#"{"content":""#);
                escape_into(&mut piece, token);
                piece.push_str("\"}");
                chunk(&mut out, rng, &piece, "null");
            }
        }
        for (i, call) in s.tools.iter().enumerate() {
            let head = format!(
                r#"{{"tool_calls":[{{"index":{i},"id":"call_{}","type":"function","function":{{"name":"{}","arguments":""}}}}]}}"#,
                rng.alnum(24),
                call.name
            );
            chunk(&mut out, rng, &head, "null");
            let args = call.args.text(false);
            completion += args.len() / 4;
            for frag in cut(rng, &args, 1, 10) {
                piece.clear();
                let _ = write!(
                    piece,
                    r#"{{"tool_calls":[{{"index":{i},"function":{{"arguments":""#
                );
                escape_into(&mut piece, &frag);
                piece.push_str("\"}}]}");
                chunk(&mut out, rng, &piece, "null");
            }
        }
        let finish = if !s.tools.is_empty() {
            "\"tool_calls\""
        } else if rng.chance(4) {
            "\"length\""
        } else {
            "\"stop\""
        };
        chunk(&mut out, rng, "{}", finish);
        if include_usage {
            let prompt = rng.log_range(20, 60_000);
            let cached = if rng.chance(40) {
                prompt / 1024 * 1024
            } else {
                0
            };
            let reasoning = if model.starts_with("gpt-5") {
                rng.log_range(64, 4096)
            } else {
                0
            };
            let completion = completion + reasoning;
            let data = format!(
                r#"{head}],"usage":{{"prompt_tokens":{prompt},"completion_tokens":{completion},"total_tokens":{},"prompt_tokens_details":{{"cached_tokens":{cached},"audio_tokens":0}},"completion_tokens_details":{{"reasoning_tokens":{reasoning},"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}},"obfuscation":"{}"}}"#,
                prompt + completion,
                rng.string_of(ALNUM, 1, 12)
            );
            push_event(&mut out, None, &data);
        }
        push_event(&mut out, None, "[DONE]");
        out
    }

    /// A DeepSeek-style Chat stream: `reasoning_content` deltas, then content, usage in the
    /// finish chunk, no `obfuscation`.
    fn chat_reasoning(&mut self) -> String {
        let created = self.clock;
        let rng = &mut self.rng;
        let prefix = format!(
            r#"{{"id":"{}-{}-4{}-{}-{}","object":"chat.completion.chunk","created":{created},"model":"deepseek-reasoner","system_fingerprint":"fp_ffc7281d48_prod0820_fp8_kvcache","choices":[{{"index":0,"delta":"#,
            rng.hex(8),
            rng.hex(4),
            rng.hex(3),
            rng.hex(4),
            rng.hex(12)
        );
        let mut out = String::with_capacity(8192);
        let chunk = |out: &mut String, delta: &str, tail: &str| {
            push_event(
                out,
                None,
                &format!(r#"{prefix}{delta},"logprobs":null,"finish_reason":{tail}"#),
            );
        };
        chunk(
            &mut out,
            r#"{"role":"assistant","content":null,"reasoning_content":""}"#,
            "null}]}",
        );
        let n = rng.log_range(20, 1500);
        let thinking = prose_tokens(rng, n);
        let mut piece = String::new();
        for token in &thinking {
            piece.clear();
            piece.push_str(r#"{"content":null,"reasoning_content":""#);
            escape_into(&mut piece, token);
            piece.push_str("\"}");
            chunk(&mut out, &piece, "null}]}");
        }
        let n = rng.log_range(8, 1000);
        let text = prose_tokens(rng, n);
        for token in &text {
            piece.clear();
            piece.push_str(r#"{"content":""#);
            escape_into(&mut piece, token);
            piece.push_str(r#"","reasoning_content":null}"#);
            chunk(&mut out, &piece, "null}]}");
        }
        let prompt = rng.log_range(20, 30_000);
        let cached = prompt / 64 * 64;
        let completion = thinking.len() + text.len();
        chunk(
            &mut out,
            r#"{"content":"","reasoning_content":null}"#,
            &format!(
                r#""stop"}}],"usage":{{"prompt_tokens":{prompt},"completion_tokens":{completion},"total_tokens":{},"prompt_tokens_details":{{"cached_tokens":{cached}}},"completion_tokens_details":{{"reasoning_tokens":{}}},"prompt_cache_hit_tokens":{cached},"prompt_cache_miss_tokens":{}}}}}"#,
                prompt + completion,
                thinking.len(),
                prompt - cached
            ),
        );
        push_event(&mut out, None, "[DONE]");
        out
    }

    /// An OpenAI Responses stream.
    fn responses(&mut self) -> String {
        let created = self.clock;
        let rng = &mut self.rng;
        let model = *rng.pick(&[
            "gpt-5-2025-08-07",
            "gpt-5-codex",
            "o4-mini-2025-04-16",
            "gpt-4.1-2025-04-14",
            "gpt-4o-mini-2024-07-18",
        ]);
        let reasons = !model.starts_with("gpt-4");
        let s = shape(rng, if reasons { 75 } else { 0 }, 3);
        let id = format!("resp_{}", rng.hex(48));
        let reasoning = if reasons {
            r#"{"effort":"medium","summary":"auto"}"#
        } else {
            r#"{"effort":null,"summary":null}"#
        };
        // Tools the request declared (echoed in every response object): those called, plus
        // a few that were not.
        let mut declared: Vec<&str> = s.tools.iter().map(|t| t.name).collect();
        if rng.chance(50) {
            declared.extend(["shell_command", "read_file", "search_docs"]);
        }
        declared.sort_unstable();
        declared.dedup();
        let tools = declared
            .iter()
            .map(|name| responses_tool_definition(name))
            .collect::<Vec<_>>()
            .join(",");
        let store = rng.chance(70);
        let response = |status: &str, output: &str, usage: &str, tier: &str| {
            format!(
                r#"{{"id":"{id}","object":"response","created_at":{created},"status":"{status}","background":false,"error":null,"incomplete_details":null,"instructions":null,"max_output_tokens":null,"max_tool_calls":null,"model":"{model}","output":[{output}],"parallel_tool_calls":true,"previous_response_id":null,"prompt_cache_key":null,"reasoning":{reasoning},"safety_identifier":null,"service_tier":"{tier}","store":{store},"temperature":1.0,"text":{{"format":{{"type":"text"}},"verbosity":"medium"}},"tool_choice":"auto","tools":[{tools}],"top_logprobs":0,"top_p":1.0,"truncation":"disabled","usage":{usage},"user":null,"metadata":{{}}}}"#
            )
        };
        let mut out = String::with_capacity(8192);
        let mut seq = 0usize;
        let mut event = |out: &mut String, kind: &str, body: &str| {
            // `body` is the event's fields after `type`, without braces.
            let data = format!(r#"{{"type":"{kind}",{body},"sequence_number":{seq}}}"#);
            push_event(out, Some(kind), &data);
            seq += 1;
        };
        let created_obj = response("in_progress", "", "null", "auto");
        event(
            &mut out,
            "response.created",
            &format!(r#""response":{created_obj}"#),
        );
        event(
            &mut out,
            "response.in_progress",
            &format!(r#""response":{created_obj}"#),
        );

        let mut done_items: Vec<String> = Vec::new();
        let mut reasoning_tokens = 0;
        let mut output_tokens = 0;
        if s.thinking_tokens > 0 {
            let index = done_items.len();
            let item_id = format!("rs_{}", rng.hex(48));
            let encrypted = if !store || rng.chance(30) {
                format!(
                    r#","encrypted_content":"gAAAAAB{}==""#,
                    rng.string_of(BASE64, 400, 4000)
                )
            } else {
                String::new()
            };
            event(
                &mut out,
                "response.output_item.added",
                &format!(
                    r#""item":{{"id":"{item_id}","type":"reasoning"{encrypted},"summary":[]}},"output_index":{index}"#
                ),
            );
            let mut parts = Vec::new();
            // Some reasoning shows no summary at all.
            let summaries = if rng.chance(15) { 0 } else { rng.range(1, 4) };
            let per_part = s.thinking_tokens / summaries.max(1);
            reasoning_tokens += s.thinking_tokens * 3;
            for summary_index in 0..summaries {
                event(
                    &mut out,
                    "response.reasoning_summary_part.added",
                    &format!(
                        r#""item_id":"{item_id}","output_index":{index},"part":{{"type":"summary_text","text":""}},"summary_index":{summary_index}"#
                    ),
                );
                let title = sentence(rng, 2, 5)
                    .trim_end_matches(['.', ':', '?', '!'])
                    .to_string();
                let mut tokens = vec![format!("**{title}"), "**\n\n".to_string()];
                tokens.extend(prose_tokens(rng, per_part.max(4)));
                let mut full = String::new();
                for token in &tokens {
                    full.push_str(token);
                    event(
                        &mut out,
                        "response.reasoning_summary_text.delta",
                        &format!(
                            r#""delta":{},"item_id":"{item_id}","obfuscation":"{}","output_index":{index},"summary_index":{summary_index}"#,
                            quoted(token),
                            rng.string_of(ALNUM, 1, 15)
                        ),
                    );
                }
                let full = quoted(&full);
                event(
                    &mut out,
                    "response.reasoning_summary_text.done",
                    &format!(
                        r#""item_id":"{item_id}","output_index":{index},"summary_index":{summary_index},"text":{full}"#
                    ),
                );
                let part = format!(r#"{{"type":"summary_text","text":{full}}}"#);
                event(
                    &mut out,
                    "response.reasoning_summary_part.done",
                    &format!(
                        r#""item_id":"{item_id}","output_index":{index},"part":{part},"summary_index":{summary_index}"#
                    ),
                );
                parts.push(part);
            }
            let item = format!(
                r#"{{"id":"{item_id}","type":"reasoning"{encrypted},"summary":[{}]}}"#,
                parts.join(",")
            );
            event(
                &mut out,
                "response.output_item.done",
                &format!(r#""item":{item},"output_index":{index}"#),
            );
            done_items.push(item);
        }
        if s.text_tokens > 0 {
            let index = done_items.len();
            let item_id = format!("msg_{}", rng.hex(48));
            event(
                &mut out,
                "response.output_item.added",
                &format!(
                    r#""item":{{"id":"{item_id}","type":"message","status":"in_progress","content":[],"role":"assistant"}},"output_index":{index}"#
                ),
            );
            event(
                &mut out,
                "response.content_part.added",
                &format!(
                    r#""content_index":0,"item_id":"{item_id}","output_index":{index},"part":{{"type":"output_text","annotations":[],"logprobs":[],"text":""}}"#
                ),
            );
            let tokens = prose_tokens(rng, s.text_tokens);
            output_tokens += tokens.len();
            let mut full = String::new();
            for token in &tokens {
                full.push_str(token);
                event(
                    &mut out,
                    "response.output_text.delta",
                    &format!(
                        r#""content_index":0,"delta":{},"item_id":"{item_id}","logprobs":[],"obfuscation":"{}","output_index":{index}"#,
                        quoted(token),
                        rng.string_of(ALNUM, 1, 15)
                    ),
                );
            }
            let full = quoted(&full);
            event(
                &mut out,
                "response.output_text.done",
                &format!(
                    r#""content_index":0,"item_id":"{item_id}","logprobs":[],"output_index":{index},"text":{full}"#
                ),
            );
            let part =
                format!(r#"{{"type":"output_text","annotations":[],"logprobs":[],"text":{full}}}"#);
            event(
                &mut out,
                "response.content_part.done",
                &format!(
                    r#""content_index":0,"item_id":"{item_id}","output_index":{index},"part":{part}"#
                ),
            );
            let item = format!(
                r#"{{"id":"{item_id}","type":"message","status":"completed","content":[{part}],"role":"assistant"}}"#
            );
            event(
                &mut out,
                "response.output_item.done",
                &format!(r#""item":{item},"output_index":{index}"#),
            );
            done_items.push(item);
        }
        for call in &s.tools {
            let index = done_items.len();
            let item_id = format!("fc_{}", rng.hex(48));
            let call_id = format!("call_{}", rng.alnum(24));
            let name = call.name;
            event(
                &mut out,
                "response.output_item.added",
                &format!(
                    r#""item":{{"id":"{item_id}","type":"function_call","status":"in_progress","arguments":"","call_id":"{call_id}","name":"{name}"}},"output_index":{index}"#
                ),
            );
            let args = call.args.text(false);
            output_tokens += args.len() / 4;
            for frag in cut(rng, &args, 1, 10) {
                event(
                    &mut out,
                    "response.function_call_arguments.delta",
                    &format!(
                        r#""delta":{},"item_id":"{item_id}","obfuscation":"{}","output_index":{index}"#,
                        quoted(&frag),
                        rng.string_of(ALNUM, 1, 15)
                    ),
                );
            }
            let args = quoted(&args);
            event(
                &mut out,
                "response.function_call_arguments.done",
                &format!(r#""arguments":{args},"item_id":"{item_id}","output_index":{index}"#),
            );
            let item = format!(
                r#"{{"id":"{item_id}","type":"function_call","status":"completed","arguments":{args},"call_id":"{call_id}","name":"{name}"}}"#
            );
            event(
                &mut out,
                "response.output_item.done",
                &format!(r#""item":{item},"output_index":{index}"#),
            );
            done_items.push(item);
        }
        let input = rng.log_range(20, 80_000);
        let cached = if rng.chance(50) {
            input / 1024 * 1024
        } else {
            0
        };
        let output = output_tokens + reasoning_tokens;
        let usage = format!(
            r#"{{"input_tokens":{input},"input_tokens_details":{{"cached_tokens":{cached}}},"output_tokens":{output},"output_tokens_details":{{"reasoning_tokens":{reasoning_tokens}}},"total_tokens":{}}}"#,
            input + output
        );
        let completed = response("completed", &done_items.join(","), &usage, "default");
        event(
            &mut out,
            "response.completed",
            &format!(r#""response":{completed}"#),
        );
        out
    }
}

/// In-memory bodies of `api`, about `bytes` in all (at least one), from `seed`.
pub fn bodies(api: Api, seed: u64, bytes: usize) -> Vec<Vec<u8>> {
    let mut generator = Generator::new(seed);
    let mut out = Vec::new();
    let mut total = 0;
    while total < bytes || out.is_empty() {
        let body = generator.body(api).into_bytes();
        total += body.len();
        out.push(body);
    }
    out
}
