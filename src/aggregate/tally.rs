//! A small map from names to counts, for the breakdowns of an aggregate.
//!
//! `summary --by` keeps an aggregate per group, and a group's breakdowns (its APIs, models,
//! stop reasons, tools) mostly hold one or two names: a `BTreeMap` allocates a node of
//! eleven slots for the first, about 400 bytes, which made a run of 160,000 tool groups
//! take 590 MB more than the turns did. A sorted vector grows one slot at a time while it is
//! small, and a name is copied only the first time it is counted; past a few dozen names,
//! where a node's slots are filled, the names move to a tree.
//!
//! Names are shared ([`Name`]): a turn counts in every tool group of the tools it called,
//! so its model, stop reason and error type, copied into each, took a turn of 1,000 tools
//! and 250-byte names 1 MB (hostile run 47); shared, each group holds a pointer.

use std::collections::{BTreeMap, btree_map};
use std::sync::Arc;

use serde::ser::{Serialize, SerializeMap, Serializer};

/// A name a tally counts under, one string however many tallies count it.
pub type Name = Arc<str>;

/// What a tally is asked for: a name of its own (made shared only when it is new), or a
/// name shared already.
pub trait Key {
    fn as_str(&self) -> &str;
    fn into_name(self) -> Name;
}

impl Key for &str {
    fn as_str(&self) -> &str {
        self
    }
    fn into_name(self) -> Name {
        Name::from(self)
    }
}

impl Key for &Name {
    fn as_str(&self) -> &str {
        self
    }
    fn into_name(self) -> Name {
        Name::clone(self)
    }
}

/// Names and their values, in the order of the names (as a `BTreeMap` keeps them).
#[derive(Debug, Clone, PartialEq)]
pub struct Tally<V> {
    entries: Entries<V>,
}

/// A sorted vector while the names are few, as they mostly are; a tree past [`SORTED`]
/// names, where inserting into the vector moves every later name: one response naming
/// 10,000 tools (a hostile capture), thirty of them, took seconds per thousand.
#[derive(Debug, Clone, PartialEq)]
enum Entries<V> {
    Sorted(Vec<(Name, V)>),
    Tree(BTreeMap<Name, V>),
}

/// Slots a tally grows one at a time before it doubles, as a vector does.
const SMALL: usize = 4;

/// The most names a tally keeps in its vector.
const SORTED: usize = 64;

impl<V> Default for Tally<V> {
    fn default() -> Self {
        Tally {
            entries: Entries::Sorted(Vec::new()),
        }
    }
}

impl<V: Default> Tally<V> {
    /// The value counted for `name`, made (as `V::default()`) when `name` is new.
    pub fn entry(&mut self, key: impl Key) -> &mut V {
        if let Entries::Sorted(sorted) = &mut self.entries
            && sorted.len() >= SORTED
            && find(sorted, key.as_str()).is_err()
        {
            self.entries = Entries::Tree(std::mem::take(sorted).into_iter().collect());
        }
        match &mut self.entries {
            Entries::Sorted(sorted) => {
                let at = match find(sorted, key.as_str()) {
                    Ok(at) => at,
                    Err(at) => {
                        if sorted.len() == sorted.capacity() && sorted.len() < SMALL {
                            sorted.reserve_exact(1);
                        }
                        sorted.insert(at, (key.into_name(), V::default()));
                        at
                    }
                };
                &mut sorted[at].1
            }
            Entries::Tree(tree) => match tree.contains_key(key.as_str()) {
                true => tree.get_mut(key.as_str()).expect("found above"),
                false => tree.entry(key.into_name()).or_default(),
            },
        }
    }
}

/// Where `name` is in `sorted`, or where it would go.
fn find<V>(sorted: &[(Name, V)], name: &str) -> Result<usize, usize> {
    sorted.binary_search_by(|(have, _)| (**have).cmp(name))
}

impl<V> Tally<V> {
    pub fn iter(&self) -> Iter<'_, V> {
        match &self.entries {
            Entries::Sorted(sorted) => Iter::Sorted(sorted.iter()),
            Entries::Tree(tree) => Iter::Tree(tree.iter()),
        }
    }

    pub fn values_mut(&mut self) -> Box<dyn Iterator<Item = &mut V> + '_> {
        match &mut self.entries {
            Entries::Sorted(sorted) => Box::new(sorted.iter_mut().map(|(_, value)| value)),
            Entries::Tree(tree) => Box::new(tree.values_mut()),
        }
    }

    pub fn is_empty(&self) -> bool {
        match &self.entries {
            Entries::Sorted(sorted) => sorted.is_empty(),
            Entries::Tree(tree) => tree.is_empty(),
        }
    }

    fn len(&self) -> usize {
        match &self.entries {
            Entries::Sorted(sorted) => sorted.len(),
            Entries::Tree(tree) => tree.len(),
        }
    }
}

/// A tally's names and values, in the order of the names.
pub enum Iter<'a, V> {
    Sorted(std::slice::Iter<'a, (Name, V)>),
    Tree(btree_map::Iter<'a, Name, V>),
}

impl<'a, V> Iterator for Iter<'a, V> {
    type Item = (&'a str, &'a V);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Iter::Sorted(sorted) => sorted.next().map(|(name, value)| (&**name, value)),
            Iter::Tree(tree) => tree.next().map(|(name, value)| (&**name, value)),
        }
    }
}

impl<'a, V> IntoIterator for &'a Tally<V> {
    type Item = (&'a str, &'a V);
    type IntoIter = Iter<'a, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Written as a JSON object, names in order, as a `BTreeMap` is.
impl<V: Serialize> Serialize for Tally<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (name, value) in self {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_kept_in_order_and_counted_once() {
        let mut tally: Tally<u64> = Tally::default();
        for name in ["b", "a", "c", "a", "b", "a"] {
            *tally.entry(name) += 1;
        }
        let got: Vec<(&str, &u64)> = tally.iter().collect();
        assert_eq!(got, [("a", &3), ("b", &2), ("c", &1)]);
        assert_eq!(
            serde_json::to_string(&tally).unwrap(),
            r#"{"a":3,"b":2,"c":1}"#
        );
    }

    #[test]
    fn a_small_tally_holds_no_empty_slots() {
        let mut tally: Tally<u64> = Tally::default();
        let capacity = |tally: &Tally<u64>| match &tally.entries {
            Entries::Sorted(sorted) => sorted.capacity(),
            Entries::Tree(_) => unreachable!("two names are few"),
        };
        *tally.entry("one") += 1;
        assert_eq!(capacity(&tally), 1);
        *tally.entry("two") += 1;
        assert_eq!(capacity(&tally), 2);
    }

    #[test]
    fn a_shared_name_is_held_once_by_every_tally() {
        let name = Name::from("a model of some length");
        let mut tallies: Vec<Tally<u64>> = (0..3).map(|_| Tally::default()).collect();
        for tally in &mut tallies {
            *tally.entry(&name) += 1;
            *tally.entry("a model of some length") += 1;
        }
        assert_eq!(Arc::strong_count(&name), 4);
        assert!(
            tallies
                .iter()
                .all(|t| t.iter().eq([("a model of some length", &2)]))
        );
    }

    #[test]
    fn many_names_are_counted_in_order_past_the_vector() {
        let mut tally: Tally<u64> = Tally::default();
        let names: Vec<String> = (0..1_000)
            .map(|i| format!("{:04}", (i * 7919) % 1_000))
            .collect();
        for name in names.iter().chain(&names[..10]) {
            *tally.entry(name.as_str()) += 1;
        }
        assert!(matches!(tally.entries, Entries::Tree(_)));
        let got: Vec<(&str, &u64)> = tally.iter().collect();
        assert_eq!(got.len(), 1_000);
        assert!(got.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(got.iter().filter(|(_, n)| **n == 2).count(), 10);
        let json = serde_json::to_string(&tally).unwrap();
        assert!(json.starts_with(r#"{"0000":"#), "{json}");
    }
}
