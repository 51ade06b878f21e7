//! Values kept by the index a stream numbers them with (a Responses `output_index`, an
//! Anthropic content block `index`), for the consumers of [`super`]'s events.
//!
//! A stream may number hundreds of thousands of values, and a `BTreeMap` keeps its
//! entries in nodes about half full when keys arrive in order, so it costs about twice the
//! values. Indices nearly always come as 0, 1, 2, …: while they do, the index is the place
//! in a vector. An index out of that order (a hostile or mangled stream) switches to a map
//! from index to place, so any order still costs linear memory and `n log n` time.

use std::collections::{BTreeMap, HashMap};

#[derive(Debug)]
pub struct ByIndex<T> {
    /// In the order the indices came.
    values: Vec<T>,
    /// Each index's place in `values`, once the indices stopped being 0, 1, 2, …; until
    /// then, an index is its place.
    places: Option<BTreeMap<u64, usize>>,
}

impl<T> Default for ByIndex<T> {
    fn default() -> Self {
        ByIndex {
            values: Vec::new(),
            places: None,
        }
    }
}

impl<T> ByIndex<T> {
    fn place(&self, index: u64) -> Option<usize> {
        match &self.places {
            Some(places) => places.get(&index).copied(),
            None => usize::try_from(index)
                .ok()
                .filter(|&place| place < self.values.len()),
        }
    }

    pub fn get(&self, index: u64) -> Option<&T> {
        self.place(index).map(|place| &self.values[place])
    }

    pub fn get_mut(&mut self, index: u64) -> Option<&mut T> {
        self.place(index).map(|place| &mut self.values[place])
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The value at `index`, made with `new` when there is none yet.
    pub fn get_or_insert_with(&mut self, index: u64, new: impl FnOnce() -> T) -> &mut T {
        let place = match self.place(index) {
            Some(place) => place,
            None => {
                let place = self.values.len();
                if self.places.is_none() && index != place as u64 {
                    self.places = Some((0..place as u64).zip(0..place).collect());
                }
                if let Some(places) = &mut self.places {
                    places.insert(index, place);
                }
                self.values.push(new());
                place
            }
        };
        &mut self.values[place]
    }

    /// The indices and values, in index order.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &T)> {
        let indexed: Box<dyn Iterator<Item = (u64, usize)> + '_> = match &self.places {
            Some(places) => Box::new(places.iter().map(|(&index, &place)| (index, place))),
            None => Box::new((0..self.values.len()).map(|place| (place as u64, place))),
        };
        indexed.map(|(index, place)| (index, &self.values[place]))
    }

    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.iter().map(|(_, value)| value)
    }

    /// The values, in index order.
    pub fn into_values<'a>(self) -> Box<dyn Iterator<Item = T> + 'a>
    where
        T: 'a,
    {
        let Some(places) = self.places else {
            return Box::new(self.values.into_iter());
        };
        let order = places.into_values();
        let mut values: Vec<Option<T>> = self.values.into_iter().map(Some).collect();
        Box::new(
            order
                .into_iter()
                .filter_map(move |place| values[place].take()),
        )
    }
}

impl<T: Default> ByIndex<T> {
    /// The value at `index`, a default one when there is none yet.
    pub fn entry(&mut self, index: u64) -> &mut T {
        self.get_or_insert_with(index, T::default)
    }
}

/// The index of each value's id, for the events that name their value by id alone. Real
/// streams always give the index as well, so the map is made only when first asked: until
/// then it would cost a copy of every id.
#[derive(Debug, Default)]
pub struct IdIndex(Option<HashMap<Box<str>, u64>>);

impl IdIndex {
    /// Notes that `id` is now at `index`, if the map is made (else it is found when made).
    pub fn note(&mut self, id: &str, index: u64) {
        if let Some(map) = &mut self.0 {
            map.insert(id.into(), index);
        }
    }

    /// The index of `id`; `ids` gives every id and its index, in index order, to make the
    /// map the first time (a later index wins an id given twice).
    pub fn get<'i, I>(&mut self, id: &str, ids: impl FnOnce() -> I) -> Option<u64>
    where
        I: Iterator<Item = (&'i str, u64)>,
    {
        let map = self
            .0
            .get_or_insert_with(|| ids().map(|(id, index)| (id.into(), index)).collect());
        map.get(id).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collected(map: &ByIndex<&'static str>) -> Vec<(u64, &'static str)> {
        map.iter().map(|(i, v)| (i, *v)).collect()
    }

    #[test]
    fn indices_in_order_are_places() {
        let mut map = ByIndex::default();
        for (i, v) in ["a", "b", "c"].into_iter().enumerate() {
            *map.entry(i as u64) = v;
        }
        *map.entry(1) = "B";
        assert!(map.places.is_none());
        assert_eq!(collected(&map), [(0, "a"), (1, "B"), (2, "c")]);
        assert_eq!(map.get(3), None);
    }

    #[test]
    fn any_order_comes_out_sorted() {
        let mut map = ByIndex::default();
        let given = [(0, "zero"), (1, "one"), (9, "nine"), (u64::MAX, "max")];
        for (i, v) in given.into_iter().chain([(5, "five"), (2, "two")]) {
            *map.entry(i) = v;
        }
        *map.entry(9) = "NINE";
        assert_eq!(
            collected(&map),
            [
                (0, "zero"),
                (1, "one"),
                (2, "two"),
                (5, "five"),
                (9, "NINE"),
                (u64::MAX, "max")
            ]
        );
        assert_eq!(map.get(5), Some(&"five"));
        assert_eq!(map.get(3), None);
        let values: Vec<_> = map.into_values().collect();
        assert_eq!(values, ["zero", "one", "two", "five", "NINE", "max"]);
    }
}
