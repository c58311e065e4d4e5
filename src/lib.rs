//! xpcheck: a deterministic simulation and model-checking harness for MAPI transport providers.
//!
//! The contract (vocabulary, events, rule catalog, monitors) lives in [`properties`]; the
//! executable model of spooler and transport, explored with stateright, in [`model`]; the seeded
//! simulator of real provider code in [`sim`]. This crate adds the engines' run commands, recorded-trace validation ([`validate`]), the
//! conformance API for provider authors ([`conformance`]) and the `xpcheck` command line; the one
//! report type every engine returns is [`report::Report`].
#![forbid(unsafe_code)]

pub mod bench;
pub mod bench_validate;
pub mod check_run;
pub mod conformance;
pub mod explorer;
pub mod interrupt;
pub mod listing;
pub mod logon_cmd;
pub mod output;
pub mod progress;
pub mod report;
pub mod session_run;
pub mod sim_run;
pub mod validate;

pub use xpcheck_model as model;
pub use xpcheck_properties as properties;
/// Message-sequence charts of counterexamples (Mermaid and plain text).
pub use xpcheck_properties::report::chart;
pub use xpcheck_providers as builtin;
pub use xpcheck_sim as sim;
/// The synchronisation facade providers are written against (std, or loom under
/// `--cfg xpcheck_loom`), with explored spurious wake-ups and timeouts under loom (TN-27).
pub use xpcheck_sim::sync;

/// Loom scenarios over a provider's real synchronisation code, e.g.
/// `xpcheck::loom::cancel_races_start_message(factory, &LoomOptions::default())`. Only with
/// `RUSTFLAGS="--cfg xpcheck_loom"`.
#[cfg(xpcheck_loom)]
pub use xpcheck_sim::races as loom;

/// The README's Rust examples run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
