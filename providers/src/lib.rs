//! Built-in providers for the simulator: `loopback`, a correct transport written as a provider
//! author would (a template), `relay`, a correct one with a worker thread of its own driven by
//! NOTIFY_NEWMAIL instead of Poll, and broken variants of loopback that each break named rules,
//! so the harness can show it catches them.
#![forbid(unsafe_code)]

pub mod flaw;
pub mod loopback;
pub mod relay;

use xpcheck_sim::api::ProviderFn;

pub use flaw::Flaw;

/// A provider the CLI can run.
#[derive(Clone, Copy)]
pub struct Builtin {
    /// Name for `--provider`.
    pub name: &'static str,
    /// Rules it is built to break (empty for loopback).
    pub breaks: &'static [&'static str],
    /// Every rule it breaks is graded "warn" by SPEC: caught as warnings by default, as a
    /// violation under `--strict`.
    pub graded: bool,
    /// Engines that run it and (for a broken one) catch it: `sim` (the seeded simulator, one OS
    /// thread, TransportNotify injected re-entrantly inside callbacks) and `loom` (real threads,
    /// every interleaving; `--cfg xpcheck_loom`). A flaw that needs a second thread to show is
    /// `loom` only.
    pub engines: &'static [&'static str],
    /// What it does.
    pub about: &'static str,
    /// Constructor (any engine takes it as it is: `impl Into<ProviderFactory>`).
    pub factory: ProviderFn,
}

/// Every built-in simulator provider, loopback first.
pub fn all() -> Vec<Builtin> {
    let mut v = vec![Builtin {
        name: "loopback",
        breaks: &[],
        graded: false,
        engines: &["sim", "loom"],
        about: "correct reference transport over an in-memory wire (template for provider authors)",
        factory: loopback::loopback,
    }];
    v.push(Builtin {
        name: "relay",
        breaks: &[],
        graded: false,
        engines: &["sim", "loom"],
        about: "correct transport with a worker thread of its own, NOTIFY_NEWMAIL instead of Poll",
        factory: relay::relay,
    });
    v.extend(Flaw::ALL.iter().map(|f| Builtin {
        name: f.name(),
        breaks: f.breaks(),
        graded: f.graded(),
        engines: f.engines(),
        about: f.about(),
        factory: f.factory(),
    }));
    v
}

/// The broken providers `engine` catches (`"sim"` or `"loom"`), in [`all`] order.
pub fn broken_for(engine: &str) -> Vec<Builtin> {
    all()
        .into_iter()
        .filter(|p| !p.breaks.is_empty() && p.engines.contains(&engine))
        .collect()
}

/// Looks a built-in provider up by name.
pub fn by_name(name: &str) -> Option<Builtin> {
    all().into_iter().find(|b| b.name == name)
}
