//! xpcheck: a deterministic simulation and model-checking harness for MAPI transport providers.
//!
//! The contract (vocabulary, events, rule catalog, monitors) lives in [`properties`]; the
//! executable model of spooler and transport, explored with stateright, in [`model`]; the seeded
//! simulator of real provider code in [`sim`]. This crate adds the engines' run commands,
//! recorded-trace validation ([`validate`]), the conformance API for provider authors
//! ([`conformance`]) and the `xpcheck` command line; the one
//! report type every engine returns is [`report::Report`].
//!
//! Features: `cli` (default) builds the `xpcheck` command line and `xpcheck::cli`, the author's
//! own command line (clap, indicatif). A provider's tests need neither:
//! `xpcheck = { version = "0.1", default-features = false }`. stateright, which every
//! exhaustive engine runs on, always brings its Explorer web server's dependency (`tiny_http`),
//! with or without `cli`.
//!
//! The loom engine (`xpcheck::loom`, `conformance::loom`) exists only in a build with
//! `RUSTFLAGS="--cfg xpcheck_loom"` (a cfg of our own, so no other crate's `loom` cfg flips);
//! docs.rs documents it.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod bench;
pub mod bench_validate;
pub mod check_run;
#[cfg(feature = "cli")]
#[cfg_attr(docsrs, doc(cfg(feature = "cli")))]
pub mod cli;
pub mod conformance;
pub mod explorer;
#[cfg(feature = "cli")]
#[cfg_attr(docsrs, doc(cfg(feature = "cli")))]
pub mod interrupt;
pub mod listing;
pub mod logon_cmd;
pub mod native;
pub mod output;
#[cfg(feature = "cli")]
#[cfg_attr(docsrs, doc(cfg(feature = "cli")))]
pub mod progress;
pub mod replay;
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
#[cfg_attr(docsrs, doc(cfg(xpcheck_loom)))]
pub use xpcheck_sim::races as loom;

/// Everything a provider and its conformance tests need, in one `use xpcheck::prelude::*;`: the
/// provider interface (`TransportProvider`, `TransportLogon`, `StatusObject`, `Support`,
/// `StatusRow`, `Message`, `MsgRefOut`, `Wire`, `ProviderFactory`), the MAPI vocabulary (every flag word, `HResult`,
/// `NotifyData`, `MsgId`), the synchronisation facade (`Mutex`, `Condvar`, `Section`: std
/// normally, loom under `--cfg xpcheck_loom`), exhaustive exploration
/// (`ExplorableLogon`, `LogonFactory`) and the [`conformance`] entry points.
pub mod prelude {
    pub use crate::conformance;
    pub use xpcheck_properties::event::{MsgId, NotifyData};
    pub use xpcheck_properties::vocab::{
        EndMessageFlags, FlagWord, FlushFlags, HResult, IdleFlags, LogoffFlags, LogonFlags,
        ResourceMethods, SpoolerNotifyFlags, StartMessageFlags, StatusCode, StatusRowFlags,
        SubmitFlags, TransportNotifyFlags, ValidateStateFlags,
    };
    pub use xpcheck_sim::api::{
        Message, MsgRefOut, Props, ProviderFactory, ProviderFn, StatusObject, StatusRow, Support,
        TransportLogon, TransportProvider, Wire, WireMessage,
    };
    pub use xpcheck_sim::explore::{ExplorableLogon, LogonFactory};
    pub use xpcheck_sim::sync::{Condvar, Mutex, MutexGuard, Section, SectionGuard};
}

/// The README's Rust examples run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
