//! xpcheck-properties: the MAPI spooler <-> transport contract that every xpcheck engine shares.
//!
//! Vocabulary (flag words and HRESULTs with their exact header values, SPEC.md §3), the event
//! type every engine emits, the rule catalog, and the monitors that judge event traces by rule ID.
#![forbid(unsafe_code)]

pub mod catalog;
pub mod client;
pub mod event;
pub mod grading;
pub mod judge;
mod monitors;
pub mod render;
pub mod report;
pub mod rule_set;
pub mod rules;
pub mod vocab;
