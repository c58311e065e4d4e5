//! xpcheck-sim: real provider code driven by a seeded deterministic simulator.
//!
//! A provider implements [`api::TransportProvider`] / [`api::TransportLogon`]. The simulator
//! plays the MAPI spooler: at each step it asks the model's conforming spooler which actions are
//! allowed and lets a seeded scheduler choose; inside every callback the provider makes (support
//! object, message object, msg-ref cell) it may inject a TransportNotify, re-entrantly, as a
//! window procedure would. Every event is judged by the monitors of `xpcheck-properties`.
//!
//! The loom scenarios (`races`) exist only in a build with `RUSTFLAGS="--cfg xpcheck_loom"`
//! (docs.rs documents them); proptest strategies over spooler scripts (`script`) with the
//! `proptest` feature.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod api;
pub mod chooser;
pub mod client;
pub mod explore;
pub mod harness;
pub mod objects;
#[cfg(xpcheck_loom)]
#[cfg_attr(docsrs, doc(cfg(xpcheck_loom)))]
pub mod races;
#[cfg(feature = "proptest")]
#[cfg_attr(docsrs, doc(cfg(feature = "proptest")))]
pub mod script;
pub mod seeds;
pub mod stuck;
pub mod sync;
pub mod wire;

pub use harness::{run_script, run_seed, Crash, SeedRun, SimOptions};
pub use seeds::{run_seed_watchdog, run_seeds, SimSummary};
