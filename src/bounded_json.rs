//! JSON values built within a memory budget.
//!
//! A `serde_json::Value` costs some 70 bytes a node however little text the node had, so
//! `[0,0,0,…]` takes about 35 times its size in memory: a 60 KB gzip file inflating to
//! 64 MiB of it took 2.25 GB. Where a capture's JSON must become a tree (a blocking body, a
//! request that the request reader walks, an event's `message` object, a HAR entry), it is
//! built here, counting nodes against a budget tied to the size of the text: real JSON
//! spends far more than [`BYTES_PER_NODE`] bytes of text on a node (its strings), while a
//! hostile one runs into the limit, which fails the parse with an error that names it
//! ([`describe`], read by `decode::lenient::JsonFault`) before the tree outgrows the text.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// The nodes any JSON may hold, however short: enough for every real request and
/// response (a long conversation holds tens of thousands), at some 20 to 35 MB of tree.
pub const BASE_NODES: usize = 250_000;

/// The text that earns one more node beyond [`BASE_NODES`]: at about 70 bytes a node
/// (twice that while an array grows), the tree stays within the size of its text.
pub const BYTES_PER_NODE: usize = 128;

/// The words every over-budget error starts with (serde_json adds where it stopped).
const OVER_BUDGET: &str = "holds too many JSON values to read";

/// How many nodes are still to be spent.
pub struct Budget {
    left: Cell<usize>,
    limit: usize,
    rule: Rule,
}

/// How a budget's limit was set, for the message that names it.
#[derive(Clone, Copy)]
enum Rule {
    /// [`BASE_NODES`] plus the text's share.
    Text,
    /// [`BASE_NODES`] alone.
    Base,
    /// Typed items as big as the base's values.
    Items,
}

impl Budget {
    /// The budget of JSON text `len` bytes long.
    pub fn for_len(len: usize) -> Budget {
        Budget::of_nodes(BASE_NODES + len / BYTES_PER_NODE, Rule::Text)
    }

    /// The budget of JSON whose text length is not known (a field inside a larger
    /// document, an entry of a streamed HAR): the base alone.
    pub fn base() -> Budget {
        Budget::of_nodes(BASE_NODES, Rule::Base)
    }

    fn of_nodes(limit: usize, rule: Rule) -> Budget {
        Budget {
            left: Cell::new(limit),
            limit,
            rule,
        }
    }

    /// Spends one node; false when none is left.
    pub fn try_spend(&self) -> bool {
        match self.left.get().checked_sub(1) {
            Some(left) => {
                self.left.set(left);
                true
            }
            None => false,
        }
    }

    /// The most nodes this budget allows.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Spends one node, or fails naming the limit.
    pub fn spend<E: de::Error>(&self) -> Result<(), E> {
        match self.try_spend() {
            true => Ok(()),
            false => {
                let limit = self.limit;
                Err(E::custom(match self.rule {
                    Rule::Text => format!(
                        "{OVER_BUDGET}: more than {limit} (the most this tool builds is \
                         {BASE_NODES} plus one per {BYTES_PER_NODE} bytes of text)"
                    ),
                    Rule::Base => format!(
                        "{OVER_BUDGET}: more than {limit} (the most this tool builds for one \
                         object inside a document)"
                    ),
                    Rule::Items => format!(
                        "{OVER_BUDGET}: more than {limit} items in a list (the memory of \
                         {BASE_NODES} values)"
                    ),
                }))
            }
        }
    }

    /// The seed that builds one value within this budget.
    pub fn seed(&self) -> Seed<'_> {
        Seed(self)
    }
}

/// `bytes` as a JSON value, within the budget of its length.
pub fn from_slice(bytes: &[u8]) -> serde_json::Result<Value> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = Budget::for_len(bytes.len()).seed().deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// `text` as a JSON value, within the budget of its length.
pub fn from_str(text: &str) -> serde_json::Result<Value> {
    from_slice(text.as_bytes())
}

/// The members of the JSON object `text`, in order, within the budget of its length: a
/// name given twice is there twice, where a `Value`'s map keeps only the last (a header
/// object naming a credential twice holds both values: hostile run 63). Anything but an
/// object is an error.
pub fn members(text: &str) -> serde_json::Result<Vec<(String, Value)>> {
    struct Members<'b>(&'b Budget);
    impl<'de> Visitor<'de> for Members<'_> {
        type Value = Vec<(String, Value)>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut members = Vec::new();
            while let Some(key) = map.next_key::<String>()? {
                self.0.spend()?;
                members.push((key, map.next_value_seed(Seed(self.0))?));
            }
            Ok(members)
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let budget = Budget::for_len(text.len());
    let members = de.deserialize_map(Members(&budget))?;
    de.end()?;
    Ok(members)
}

/// The top level of JSON `bytes`, each array or object in it left empty (its contents
/// skipped, not built): enough to tell what a body is before building its tree. The
/// top-level members are within the budget of the length.
pub fn shallow(bytes: &[u8]) -> serde_json::Result<Value> {
    shallow_of(bytes, None)
}

/// [`shallow`], but the top-level member `kept` is built whole, within the budget of one
/// object inside a document: an error body's `error`, read out of a body too big to build
/// (hostile run 58).
pub fn shallow_keeping(bytes: &[u8], kept: &str) -> serde_json::Result<Value> {
    shallow_of(bytes, Some(kept))
}

fn shallow_of(bytes: &[u8], kept: Option<&str>) -> serde_json::Result<Value> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let budget = Budget::for_len(bytes.len());
    let value = Shallow {
        budget: &budget,
        kept,
    }
    .deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// For `#[serde(deserialize_with)]`: an optional object inside a typed view (an event's
/// `message`, `usage`, `error`), within the base budget; null is none, as for
/// `Option<Value>`. Boxed: these objects are rare (the deltas, nearly every event, have
/// none), and a view holding four `Value`s inline was some 600 bytes, copied as it was
/// read, moved and handed on: boxed, the views are half that, and the copies cheaper.
pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Box<Value>>, D::Error> {
    let value = Budget::base().seed().deserialize(d)?;
    Ok(Some(value).filter(|v| !v.is_null()).map(Box::new))
}

/// For `#[serde(deserialize_with)]`: an optional list of typed items inside a typed view
/// (a chunk's `choices`, a message's `tool_calls`), with at most as many items as take the
/// memory of the base budget's tree: a typed item of a few hundred bytes may stand for
/// `{}`, three bytes of text. Null is none.
pub fn optional_list<'de, D, T>(d: D) -> Result<Option<Vec<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: de::Deserialize<'de>,
{
    struct List<T>(std::marker::PhantomData<T>);
    impl<'de, T: de::Deserialize<'de>> Visitor<'de> for List<T> {
        type Value = Option<Vec<T>>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a sequence")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_seq(self)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let item = std::mem::size_of::<T>().max(1);
            let limit = BASE_NODES * std::mem::size_of::<Value>() / item;
            let budget = Budget::of_nodes(limit, Rule::Items);
            // Room for one item first: nearly every list holds one (a chunk's one choice),
            // and typed items are big (a choice is 280 bytes), so the four a vector makes room
            // for at first were a block past what the allocator keeps per thread.
            let mut items = Vec::with_capacity(1);
            while let Some(value) = seq.next_element()? {
                budget.spend()?;
                items.push(value);
            }
            Ok(Some(items))
        }
    }
    d.deserialize_option(List(std::marker::PhantomData))
}

thread_local! {
    /// The nodes left, and the limit, of the document being read with [`within`]: its
    /// values built by [`value`] share them.
    static READING: Cell<Option<(usize, usize)>> = const { Cell::new(None) };
}

/// Reads a document of `len` bytes with `read` (a typed line of this tool's JSONL, read
/// back), the values inside it ([`value`]) built within the budget of its length, all
/// together: a line of `[0,0,…]` arguments would take 40 times its size as a tree.
pub fn within<T>(len: usize, read: impl FnOnce() -> T) -> T {
    let budget = Budget::for_len(len);
    READING.set(Some((budget.left.get(), budget.limit)));
    let read = read();
    READING.set(None);
    read
}

/// For `#[serde(deserialize_with)]`: a value inside a typed document, built within the
/// budget of the document [`within`] reads, or whole outside one.
pub fn value<'de, D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
    let Some((left, limit)) = READING.get() else {
        return de::Deserialize::deserialize(d);
    };
    let budget = Budget {
        left: Cell::new(left),
        limit,
        rule: Rule::Text,
    };
    let value = budget.seed().deserialize(d);
    READING.set(Some((budget.left.get(), limit)));
    value
}

/// [`value`] for an optional field: null is none.
pub fn optional_value<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    struct Budgeted(Value);
    impl<'de> de::Deserialize<'de> for Budgeted {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            value(d).map(Budgeted)
        }
    }
    let read: Option<Budgeted> = de::Deserialize::deserialize(d)?;
    Ok(read.map(|b| b.0).filter(|v| !v.is_null()))
}

/// A list read keeping its first `N` items, and how many more there were (skipped, not
/// built): for lists this tool writes, read back from JSONL that anything may have written
/// with millions of items.
pub struct First<T, const N: usize> {
    pub items: Vec<T>,
    pub more: usize,
}

impl<'de, T: de::Deserialize<'de>, const N: usize> de::Deserialize<'de> for First<T, N> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Items<T, const N: usize>(std::marker::PhantomData<T>);
        impl<'de, T: de::Deserialize<'de>, const N: usize> Visitor<'de> for Items<T, N> {
            type Value = First<T, N>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while items.len() < N {
                    match seq.next_element()? {
                        Some(item) => items.push(item),
                        None => return Ok(First { items, more: 0 }),
                    }
                }
                let mut more = 0;
                while seq.next_element::<de::IgnoredAny>()?.is_some() {
                    more += 1;
                }
                Ok(First { items, more })
            }
        }
        d.deserialize_seq(Items(std::marker::PhantomData))
    }
}

/// What an over-budget error says, without serde_json's position (which counts from the
/// JSON's start, not the file's): `holds too many JSON values to read: more than …`.
/// `None` for any other error.
pub fn describe(err: &serde_json::Error) -> Option<String> {
    let text = err.to_string();
    if !text.starts_with(OVER_BUDGET) {
        return None;
    }
    let text = text.rfind(" at line ").map_or(&text[..], |at| &text[..at]);
    Some(text.to_string())
}

/// Builds one JSON value as serde_json's own `Value` does, spending a node of the budget
/// on each value (an object's member counts once, its key with its value).
pub struct Seed<'b>(&'b Budget);

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.0.spend()?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.0.spend()?;
        Ok(v.into())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.0.spend()?;
        Ok(v.into())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.0.spend()?;
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.0.spend()?;
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.0.spend()?;
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.0.spend()?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.0.spend()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Seed(self.0))? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.0.spend()?;
        let mut members = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Seed(self.0))?;
            members.insert(key, value);
        }
        Ok(Value::Object(members))
    }
}

/// Builds a top-level object's members, each container among them left empty; any other
/// value as [`Seed`] does, containers left empty too.
struct Shallow<'b> {
    budget: &'b Budget,
    /// The member built whole.
    kept: Option<&'b str>,
}

/// A container, its contents skipped.
struct Emptied;

impl<'de> DeserializeSeed<'de> for Shallow<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Shallow<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            self.budget.spend()?;
            let value = match self.kept == Some(key.as_str()) {
                true => map.next_value_seed(Budget::base().seed())?,
                false => map.next_value_seed(Emptied)?,
            };
            members.insert(key, value);
        }
        Ok(Value::Object(members))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Value, A::Error> {
        Emptied.visit_seq(seq)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Emptied.visit_bool(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Emptied.visit_i64(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Emptied.visit_u64(v)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Emptied.visit_f64(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Emptied.visit_str(v)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Emptied.visit_unit()
    }
}

impl<'de> DeserializeSeed<'de> for Emptied {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Emptied {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(Value::Array(Vec::new()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        while map
            .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
            .is_some()
        {}
        Ok(Value::Object(serde_json::Map::new()))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(v.into())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(v.into())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn builds_what_serde_json_builds() {
        let text = r#"{"b":[1,-2,2.5,true,null,"s\n"],"a":{"b":{}},"b":"last wins"}"#;
        let ours = from_str(text).unwrap();
        assert_eq!(ours, serde_json::from_str::<Value>(text).unwrap());
        // Key order is the text's (preserve_order), with a repeated key where it first was.
        assert_eq!(ours.to_string(), r#"{"b":"last wins","a":{"b":{}}}"#);
        assert!(from_str("[1,").is_err());
        assert!(from_str("1 2").is_err());
        assert!(describe(&from_str("[1,").unwrap_err()).is_none());
    }

    #[test]
    fn a_value_past_its_budget_fails_naming_the_limit() {
        // 300,000 zeros (600,001 bytes): the budget is 250,000 + 600,001 / 128 = 254,687.
        let text = format!("[{}0]", "0,".repeat(299_999));
        let err = from_str(&text).unwrap_err();
        assert!(describe(&err).is_some(), "{err}");
        assert_eq!(
            describe(&err).unwrap(),
            "holds too many JSON values to read: more than 254687 (the most this tool builds \
             is 250000 plus one per 128 bytes of text)"
        );
        // As many values in longer strings are within their budget: 23 bytes a value make
        // 6.9 MB, so 250,000 + 53,906 nodes for the 300,001.
        let long = format!(
            "[{}\"\"]",
            format!("\"{}\",", "x".repeat(20)).repeat(299_999)
        );
        assert_eq!(from_str(&long).unwrap().as_array().unwrap().len(), 300_000);
    }

    #[test]
    fn the_top_level_alone_with_its_containers_emptied() {
        let text = r#"{"object":"list","data":[{"embedding":[0.1,0.2]}],"usage":{"n":1},"n":2}"#;
        assert_eq!(
            shallow(text.as_bytes()).unwrap(),
            json!({"object": "list", "data": [], "usage": {}, "n": 2})
        );
        assert_eq!(shallow(b"[[1],2]").unwrap(), json!([]));
        assert!(shallow(b"{\"a\":[1,}").is_err());
    }

    #[test]
    fn the_top_level_keeping_one_member_whole() {
        let junk = format!("[{}0]", "0,".repeat(300_000));
        let text = format!(r#"{{"error":{{"message":"m","n":[1]}},"junk":{junk},"x":{{"a":1}}}}"#);
        assert!(from_str(&text).is_err());
        assert_eq!(
            shallow_keeping(text.as_bytes(), "error").unwrap(),
            json!({"error": {"message": "m", "n": [1]}, "junk": [], "x": {}})
        );
        // The kept member has the budget of one object inside a document.
        let big = format!(r#"{{"error":{junk}}}"#);
        assert!(shallow_keeping(big.as_bytes(), "error").is_err());
    }

    #[test]
    fn optional_lists_hold_as_many_items_as_the_base_tree_costs() {
        #[derive(serde::Deserialize)]
        struct Probe {
            #[serde(default, deserialize_with = "optional_list")]
            a: Option<Vec<Value>>,
        }
        let probe: Probe = serde_json::from_str(r#"{"a":[1,{}]}"#).unwrap();
        assert_eq!(probe.a, Some(vec![json!(1), json!({})]));
        let probe: Probe = serde_json::from_str(r#"{"a":null}"#).unwrap();
        assert_eq!(probe.a, None);
        let probe: Probe = serde_json::from_str("{}").unwrap();
        assert_eq!(probe.a, None);
        let err = serde_json::from_str::<Probe>(r#"{"a":"x"}"#).err().unwrap();
        assert!(
            err.to_string()
                .starts_with("invalid type: string \"x\", expected a sequence")
        );
        // Items the size of a value: as many as the base budget.
        let within = format!(r#"{{"a":[{}0]}}"#, "0,".repeat(BASE_NODES - 1));
        assert!(serde_json::from_str::<Probe>(&within).is_ok());
        let beyond = format!(r#"{{"a":[{}0]}}"#, "0,".repeat(BASE_NODES));
        let err = serde_json::from_str::<Probe>(&beyond).err().unwrap();
        assert!(describe(&err).is_some(), "{err}");
    }

    #[test]
    fn optional_fields_are_null_or_a_bounded_tree() {
        #[derive(serde::Deserialize)]
        struct Probe {
            #[serde(default, deserialize_with = "optional")]
            a: Option<Box<Value>>,
        }
        let probe: Probe = serde_json::from_str(r#"{"a":{"x":[1]}}"#).unwrap();
        assert_eq!(probe.a.as_deref(), Some(&json!({"x": [1]})));
        let probe: Probe = serde_json::from_str(r#"{"a":null}"#).unwrap();
        assert_eq!(probe.a, None);
        let probe: Probe = serde_json::from_str("{}").unwrap();
        assert_eq!(probe.a, None);
        let big = format!(r#"{{"a":[{}0]}}"#, "0,".repeat(BASE_NODES));
        let err = serde_json::from_str::<Probe>(&big).err().unwrap();
        assert!(describe(&err).is_some(), "{err}");
    }
}
