//! xpcheck-sim: real provider code driven by a seeded deterministic simulator.
//!
//! A provider implements [`api::TransportProvider`] / [`api::TransportLogon`]. The simulator
//! plays the MAPI spooler: at each step it asks the model's conforming spooler which actions are
//! allowed and lets a seeded scheduler choose; inside every callback the provider makes (support
//! object, message object, msg-ref cell) it may inject a TransportNotify, re-entrantly, as a
//! window procedure would. Every event is judged by the monitors of `xpcheck-properties`.
#![forbid(unsafe_code)]

pub mod api;
pub mod chooser;
pub mod client;
pub mod explore;
pub mod harness;
pub mod objects;
#[cfg(xpcheck_loom)]
pub mod races;
pub mod script;
pub mod seeds;
pub mod stuck;
pub mod sync;
pub mod wire;

pub use harness::{run_script, run_seed, Crash, SeedRun, SimOptions};
pub use seeds::{run_seeds, SimSummary};
