//! The provider author's API: run xpcheck's simulation suite on your provider from one
//! `#[test]`, get per-rule verdicts and replayable counterexamples.
//!
//! Implement [`TransportProvider`](crate::sim::api::TransportProvider) and
//! [`TransportLogon`](crate::sim::api::TransportLogon) (the IXPProvider / IXPLogon entry
//! points), then call [`check`] or [`assert_conforms`] from a test.
//!
//! The README's "Testing your own provider" section has a complete provider and test
//! (`tests/readme_example.rs` runs it on every engine).
//!
//! **Replaying a failure.** Every counterexample of [`check`] / [`assert_conforms`] run from a
//! test carries a recipe such as `XPCHECK_SEED=1234 cargo test --release my_provider_conforms
//! -- --exact`: with `XPCHECK_SEED` set these functions run that one seed instead of the range,
//! and with `XPCHECK_TRACE_OUT=trace.jsonl` also write its trace (JSON Lines, for
//! `xpcheck validate`). See [`crate::replay`].

use std::ops::Range;

use xpcheck_properties::vocab::{HResult, LogonFlags};
use xpcheck_sim::api::{ProviderFactory, Support, Wire};
use xpcheck_sim::SimOptions;

use crate::sim_run::{run_sim_with, sim_config, SimReport};

/// Runs the simulation suite on `factory` for the given seeds with the standard spooler
/// configuration; returns per-rule verdicts and the first counterexample of each violated rule.
pub fn check(
    name: &'static str,
    factory: impl Into<ProviderFactory>,
    seeds: Range<u64>,
) -> SimReport {
    check_with(name, factory, seeds, &SimOptions::new(sim_config()))
}

/// Like [`check`] with explicit simulator options.
/// With `XPCHECK_SEED=N` set, runs seed `N` only (and writes its trace to `XPCHECK_TRACE_OUT`
/// if that is set); replay recipes name the running test ([`crate::replay::test_recipe`]).
///
/// # Panics
/// If `XPCHECK_SEED` is not a number, or the trace cannot be written.
pub fn check_with(
    name: &'static str,
    factory: impl Into<ProviderFactory>,
    seeds: Range<u64>,
    opts: &SimOptions,
) -> SimReport {
    let factory = factory.into();
    let replaying = crate::replay::seed_from_env();
    let seeds = replaying.map_or(seeds, |s| s..s.saturating_add(1));
    let mut report = run_sim_with(name, &[], factory.clone(), opts, seeds.start, seeds.end);
    if let (Some(seed), Some(path)) = (replaying, std::env::var_os(crate::replay::ENV_TRACE_OUT)) {
        let run = xpcheck_sim::run_seed(factory, opts, seed);
        let text: String = run.events.iter().map(|e| e.to_json_line() + "\n").collect();
        if let Err(e) = std::fs::write(&path, text) {
            panic!(
                "{}: cannot write {path:?}: {e}",
                crate::replay::ENV_TRACE_OUT
            );
        }
    }
    for cx in &mut report.counterexamples {
        if let Some(r) = cx.seed.and_then(crate::replay::test_recipe) {
            cx.replay = r;
        }
    }
    if let Some(c) = &mut report.crash {
        if let Some(r) = crate::replay::test_recipe(c.seed) {
            c.replay = r;
        }
    }
    report
}

/// Panics with the rendered counterexamples if any seed violates a rule or crashes the provider.
#[track_caller]
pub fn assert_conforms(name: &'static str, factory: impl Into<ProviderFactory>, seeds: Range<u64>) {
    let report = check(name, factory, seeds);
    if report.exit_code() != 0 {
        panic!("{name} does not conform:\n{}", report.render());
    }
}

/// The spooler configuration [`exhaustive`] uses: two outbound messages (the first for another
/// transport, SUB-5), one inbound message with nontransmittable properties (SM-8), flush cycles,
/// store-side AbortSubmit and SpoolerYield answering MAPI_W_CANCEL_MESSAGE (YLD-4), one outage
/// of the remote system (deferral, MAPI_E_WAIT: EM-2, DEF-4, SUB-6), injection inside each of
/// the first six callbacks of every entry point.
pub fn explore_options() -> xpcheck_sim::explore::ExploreOptions {
    let mut config = xpcheck_model::Config::scenario(
        xpcheck_model::Scenario::Standard,
        xpcheck_model::Behaviour::Correct,
    );
    config.outbound = 2;
    config.inbound = 1;
    config.flush = true;
    config.abort_submit = true;
    config.yield_cancel = true;
    xpcheck_sim::explore::ExploreOptions {
        config,
        injection_points: 6,
        max_states: 20_000_000,
        watchdog_ms: 10_000,
        outages: 1,
    }
}

/// Exhaustive exploration of real code (engine `explore` of the real code, not the CLI's
/// `xpcheck explore`, which serves the *model* in stateright's Explorer web UI): every reachable
/// state of a provider whose logon state is a `Clone + Hash + Eq` snapshot
/// ([`ExplorableLogon`](crate::sim::explore::ExplorableLogon)) against the conforming spooler,
/// breadth-first, with the shortest counterexample if a rule breaks. `logon` is the provider's
/// TransportLogon: support object, wire and in/out flags in, the logon object out.
pub fn exhaustive<L: xpcheck_sim::explore::ExplorableLogon>(
    logon: impl Fn(Support, Wire, &mut LogonFlags) -> Result<L, HResult> + Send + Sync + 'static,
) -> xpcheck_sim::explore::ExploreReport {
    xpcheck_sim::explore::explore(std::sync::Arc::new(logon), explore_options())
}

/// Panics with the rendered shortest counterexample if [`exhaustive`] finds one, or if the run
/// was cut short (bounded is not passed).
#[track_caller]
pub fn assert_conforms_exhaustively<L: xpcheck_sim::explore::ExplorableLogon>(
    name: &str,
    logon: impl Fn(Support, Wire, &mut LogonFlags) -> Result<L, HResult> + Send + Sync + 'static,
) {
    let r = exhaustive(logon);
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

/// Every loom scenario ([`crate::loom::SCENARIOS`]) on the provider `factory` builds, with
/// [`LoomOptions::from_env`](crate::loom::LoomOptions::from_env): the default preemption bound
/// and budgets unless `XPCHECK_LOOM_PREEMPTIONS`, `XPCHECK_LOOM_MAX_ITERATIONS` or
/// `XPCHECK_LOOM_MAX_SECONDS` say otherwise. `XPCHECK_PARTITION=K/N` runs every N-th scenario
/// from the K-th, so a CI matrix of N jobs shares the scenarios. Only with
/// `RUSTFLAGS="--cfg xpcheck_loom"`.
#[cfg(xpcheck_loom)]
#[cfg_attr(docsrs, doc(cfg(xpcheck_loom)))]
pub fn loom(factory: impl Into<ProviderFactory>) -> Vec<crate::loom::LoomReport> {
    let factory = factory.into();
    let opts = crate::loom::LoomOptions::from_env();
    let partition = crate::report::Partition::from_env()
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or(crate::report::Partition::WHOLE);
    partition
        .share(crate::loom::SCENARIOS.iter())
        .into_iter()
        .map(|sc| crate::loom::run(sc, factory.clone(), &opts))
        .collect()
}

/// Panics unless every loom scenario passes: with the counterexample of each violated one and
/// the budget that cut each incomplete one (bounded is not passed). Prints each scenario's
/// summary, including what it could not reach with this provider. Only with
/// `RUSTFLAGS="--cfg xpcheck_loom"`.
#[cfg(xpcheck_loom)]
#[cfg_attr(docsrs, doc(cfg(xpcheck_loom)))]
#[track_caller]
pub fn assert_conforms_under_loom(name: &str, factory: impl Into<ProviderFactory>) {
    let mut failed = String::new();
    for r in loom(factory) {
        eprintln!("{name}: {}", r.summary());
        if r.verdict != crate::loom::LoomVerdict::Pass {
            failed += &format!(
                "\n{}\n{}",
                r.summary(),
                r.counterexample().unwrap_or_default()
            );
        }
    }
    if !failed.is_empty() {
        panic!("{name} does not conform under loom:{failed}");
    }
}
