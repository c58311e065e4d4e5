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

/// The spooler configuration [`explore`] uses: two outbound messages (the first for another
/// transport, SUB-5), one inbound message with nontransmittable properties (SM-8), flush cycles
/// and store-side AbortSubmit, injection inside each of the first six callbacks of every entry
/// point.
pub fn explore_options() -> xpcheck_sim::explore::ExploreOptions {
    let mut config = xpcheck_model::Config::scenario(
        xpcheck_model::Scenario::Standard,
        xpcheck_model::Behaviour::Correct,
    );
    config.outbound = 2;
    config.inbound = 1;
    config.flush = true;
    config.abort_submit = true;
    xpcheck_sim::explore::ExploreOptions {
        config,
        injection_points: 6,
        max_states: 20_000_000,
        watchdog_ms: 10_000,
    }
}

/// Exhaustive stateright exploration of a provider whose logon state is a `Clone + Hash + Eq`
/// snapshot ([`ExplorableLogon`](crate::sim::explore::ExplorableLogon)): every reachable state
/// of the real code against the conforming spooler, with the shortest counterexample if a rule
/// breaks.
pub fn explore<L: xpcheck_sim::explore::ExplorableLogon>(
    logon: xpcheck_sim::explore::LogonFactory<L>,
) -> xpcheck_sim::explore::ExploreReport {
    xpcheck_sim::explore::explore(logon, explore_options())
}

/// Panics with the rendered shortest counterexample if [`explore`] finds one, or if the run
/// was cut short (bounded is not passed).
#[track_caller]
pub fn assert_conforms_exhaustively<L: xpcheck_sim::explore::ExplorableLogon>(
    name: &str,
    logon: xpcheck_sim::explore::LogonFactory<L>,
) {
    let r = explore(logon);
    if let Some((rule, events, findings)) = &r.counterexample {
        panic!(
            "{name} breaks {rule}; shortest counterexample:\n{}",
            xpcheck_properties::render::annotated(events, findings, |_| true, true)
        );
    }
    assert!(
        r.complete,
        "{name}: exploration cut short after {} states: incomplete, not passed",
        r.states
    );
}
