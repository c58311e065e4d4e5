//! xpcheck: a deterministic simulation and model-checking harness for MAPI transport providers.
//!
//! The contract (vocabulary, events, rule catalog, monitors) lives in [`properties`]; the
//! executable model of spooler and transport, explored with stateright, in [`model`]. This crate
//! adds the run reports and the `xpcheck` command line.
#![forbid(unsafe_code)]

pub mod bench;
pub mod check_run;
pub mod conformance;
pub mod listing;
pub mod logon_cmd;
pub mod report;
pub mod session_run;
pub mod sim_run;

pub use xpcheck_model as model;
pub use xpcheck_properties as properties;
pub use xpcheck_providers as builtin;
pub use xpcheck_sim as sim;

/// The README's Rust examples run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
