//! OpenAI Chat Completions (`/v1/chat/completions`): what its chunks and bodies are.
//!
//! A stream's `chat.completion.chunk` and a blocking `chat.completion` body are read through
//! one typed, borrowing view ([`Chunk`]): a chunk's `delta` and a body's `message` carry the
//! same fields. What a chunk is ([`ChunkKind`]), what ends a stream, and where usage lives is
//! written down here and nowhere else.

use serde::Deserialize;
use serde_json::Value;

use super::lenient::{Flex, Index, Lenient};
use crate::turn::Usage;

/// The data of the event that ends a whole stream.
pub const DONE: &str = "[DONE]";

/// The `object` of a stream chunk.
pub const CHUNK_OBJECT: &str = "chat.completion.chunk";

/// Whether an event's data is the `[DONE]` marker.
pub fn is_done(data: &str) -> bool {
    data.trim() == DONE
}

/// Whether a stream that never sent `[DONE]` is whole all the same: a log of one JSON event
/// per line (`json_lines`) has no room for it, so there a finish reason is the last word.
pub fn ends_without_done(json_lines: bool, finished: bool) -> bool {
    json_lines && finished
}

/// A `chat.completion.chunk`, or a whole `chat.completion` body.
#[derive(Deserialize)]
pub struct Chunk<'a> {
    #[serde(borrow, default)]
    pub id: Lenient<'a>,
    #[serde(borrow, default)]
    pub model: Lenient<'a>,
    #[serde(borrow, default)]
    pub object: Lenient<'a>,
    /// The tier that served the response (`default`, `flex`, `priority`).
    #[serde(borrow, default)]
    pub service_tier: Lenient<'a>,
    #[serde(
        borrow,
        default,
        deserialize_with = "crate::bounded_json::optional_list"
    )]
    pub choices: Option<Vec<Choice<'a>>>,
    #[serde(default, deserialize_with = "crate::bounded_json::optional")]
    pub usage: Option<Box<Value>>,
    #[serde(default, deserialize_with = "crate::bounded_json::optional")]
    pub error: Option<Box<Value>>,
}

#[derive(Deserialize)]
pub struct Choice<'a> {
    #[serde(default)]
    pub index: Index,
    #[serde(borrow)]
    pub delta: Option<Message<'a>>,
    #[serde(borrow)]
    pub message: Option<Message<'a>>,
    #[serde(borrow, default)]
    pub finish_reason: Lenient<'a>,
}

/// A chunk's `delta` or a body's `message`.
#[derive(Deserialize, Default)]
pub struct Message<'a> {
    /// A string, or (Mistral and others) an array of `text` and `thinking` parts.
    #[serde(borrow, default)]
    pub content: Flex<'a>,
    #[serde(borrow, default)]
    pub refusal: Lenient<'a>,
    #[serde(borrow, default)]
    pub reasoning_content: Lenient<'a>,
    #[serde(borrow, default)]
    pub reasoning: Lenient<'a>,
    #[serde(
        borrow,
        default,
        deserialize_with = "crate::bounded_json::optional_list"
    )]
    pub tool_calls: Option<Vec<Call<'a>>>,
}

impl Message<'_> {
    /// The reasoning text the message carries. DeepSeek, vLLM and others say
    /// `reasoning_content`; OpenRouter says `reasoning`. Some send both with the same text,
    /// so one is taken, never the two.
    pub fn reasoning(&self) -> Option<&str> {
        self.reasoning_content.as_str().or(self.reasoning.as_str())
    }

    /// Whether the message adds anything to its choice's answer.
    pub fn adds_content(&self) -> bool {
        let text = |t: Option<&str>| t.is_some_and(|t| !t.is_empty());
        matches!(&self.content, Flex::Str(t) if !t.is_empty())
            || text(self.refusal.as_str())
            || self.tool_calls.as_ref().is_some_and(|c| !c.is_empty())
    }
}

#[derive(Deserialize)]
pub struct Call<'a> {
    #[serde(default)]
    pub index: Index,
    #[serde(borrow, default)]
    pub id: Lenient<'a>,
    #[serde(borrow)]
    pub function: Option<Fields<'a>>,
    #[serde(borrow)]
    pub custom: Option<Fields<'a>>,
}

impl<'a> Call<'a> {
    /// Whether it calls a custom tool (free-text input), and the fields that say what.
    pub fn fields(&self) -> (bool, &Fields<'a>) {
        match &self.custom {
            Some(custom) => (true, custom),
            None => (false, self.function.as_ref().unwrap_or(&NO_FIELDS)),
        }
    }
}

/// A function call's `name` and `arguments`, or a custom tool call's `name` and `input`.
#[derive(Deserialize, Default)]
pub struct Fields<'a> {
    #[serde(borrow, default)]
    pub name: Lenient<'a>,
    /// JSON text, or (some providers' blocking bodies) the arguments as an object.
    #[serde(borrow, default)]
    pub arguments: Flex<'a>,
    #[serde(borrow, default)]
    pub input: Lenient<'a>,
}

impl Fields<'_> {
    /// The argument text this delta adds: a custom tool's `input`, a function's `arguments`
    /// when they are text.
    pub fn piece(&self, custom: bool) -> Option<&str> {
        match (custom, &self.arguments) {
            (true, _) => self.input.as_str(),
            (false, Flex::Str(text)) => Some(text.as_ref()),
            _ => None,
        }
    }
}

const NO_FIELDS: Fields<'static> = Fields {
    name: Lenient(None),
    arguments: Flex::Absent,
    input: Lenient(None),
};

/// How an unknown chunk that names no `object` is named.
pub const UNNAMED_CHUNK: &str = "chunk without choices";

/// What a chunk is to a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunkKind<'c> {
    /// An error chunk (`{"error": {...}}`): it ends the stream.
    Error,
    /// A chunk of the answer: choices, usage, or both.
    Chunk,
    /// Neither: something this tool does not know, named by its `object` when it has one.
    Unknown(Option<&'c str>),
}

impl<'a> Chunk<'a> {
    pub fn error(&self) -> Option<&Value> {
        self.error.as_deref().filter(|e| !e.is_null())
    }

    pub fn usage(&self) -> Option<&Value> {
        self.usage.as_deref().filter(|u| u.is_object())
    }

    pub fn kind(&self) -> ChunkKind<'_> {
        if self.error().is_some() {
            ChunkKind::Error
        } else if self.choices.is_some()
            || self.usage().is_some()
            || self.object.as_str() == Some(CHUNK_OBJECT)
        {
            ChunkKind::Chunk
        } else {
            ChunkKind::Unknown(self.object.as_str())
        }
    }

    /// The choices, with each one's index (a choice that gives none is choice 0).
    pub fn choices(&self) -> impl Iterator<Item = (u64, &Choice<'a>)> {
        self.choices
            .iter()
            .flatten()
            .map(|c| (c.index.get().unwrap_or(0), c))
    }
}

/// The usage keys of the prompt and of the generated tokens.
pub const USAGE_KEYS: [&str; 2] = ["prompt_tokens", "completion_tokens"];

/// OpenAI Chat usage.
pub fn usage(value: &Value) -> Usage {
    super::openai_usage(value, USAGE_KEYS)
}

/// The counts [`usage`] leaves out because they are there but no whole, non-negative count.
pub fn bad_counts(value: &Value) -> Vec<super::BadCount> {
    super::openai_bad_counts(value, USAGE_KEYS)
}
