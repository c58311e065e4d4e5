//! The provider author's API: run xpcheck's simulation suite on your provider from one
//! `#[test]`, get per-rule verdicts and replayable counterexamples.
//!
//! Implement [`TransportProvider`](crate::sim::api::TransportProvider) and
//! [`TransportLogon`](crate::sim::api::TransportLogon) (the IXPProvider / IXPLogon entry
//! points), then call [`check`] or [`assert_conforms`] from a test.
//!
//! The README's "Testing your own provider" section has a complete provider and test; it runs
//! as a doctest with `cargo test`.

use std::ops::Range;

use xpcheck_sim::api::ProviderFactory;
use xpcheck_sim::SimOptions;

use crate::sim_run::{run_sim_with, sim_config, SimReport};

/// Runs the simulation suite on `factory` for the given seeds with the standard spooler
/// configuration; returns per-rule verdicts and the first counterexample of each violated rule.
pub fn check(name: &'static str, factory: ProviderFactory, seeds: Range<u64>) -> SimReport {
    check_with(name, factory, seeds, &SimOptions::new(sim_config()))
}

/// Like [`check`] with explicit simulator options.
pub fn check_with(
    name: &'static str,
    factory: ProviderFactory,
    seeds: Range<u64>,
    opts: &SimOptions,
) -> SimReport {
    run_sim_with(name, &[], factory, opts, seeds.start, seeds.end)
}

/// Panics with the rendered counterexamples if any seed violates a rule or crashes the provider.
#[track_caller]
pub fn assert_conforms(name: &'static str, factory: ProviderFactory, seeds: Range<u64>) {
    let report = check(name, factory, seeds);
    if report.exit_code() != 0 {
        panic!("{name} does not conform:\n{}", report.render());
    }
}
