//! Rendering turns for people and programs: one printer per output format.

pub mod jsonl;
