//! Cost: what a turn cost in US dollars, from a price table pinned in the repository.
//!
//! [`model`] says which table names a model name may be priced under; [`format_usd`] shows
//! dollars to people.

mod dollars;
pub mod model;

pub use dollars::format_usd;
