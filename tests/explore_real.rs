//! Exhaustive stateright exploration over the real loopback code (its logon state is a
//! Clone + Hash snapshot): the correct provider passes every reachable state; each broken one
//! the single-threaded engines can see is caught with a shortest counterexample.

use xpcheck::builtin::loopback::explorable;
use xpcheck::builtin::Flaw;
use xpcheck::conformance::exhaustive;

#[test]
fn loopback_real_code_passes_every_reachable_state() {
    let r = exhaustive(explorable(None));
    eprintln!(
        "loopback exhaustive: {} unique / {} states, depth {}, {:.2} s, complete {}",
        r.unique, r.states, r.depth, r.seconds, r.complete
    );
    assert!(r.counterexample.is_none(), "{:?}", r.counterexample);
    assert!(r.complete, "exploration cut short");
    assert!(r.unique > 10_000, "a real state space was explored");
    // The one-call form an author puts in a #[test] asserts exactly the two lines above
    // (no counterexample, complete) on this same exploration, so it is not run a second time
    // here (it doubled this test's time); tests/readme_example.rs runs it on its provider.
}

#[test]
fn every_sim_caught_flaw_is_caught_exhaustively_with_a_shortest_counterexample() {
    // The loom-only flaws need a second real thread; this explorer, like `sim`, runs one. The
    // default exploration drives message traffic, flushes and outages, not Idle, ValidateState
    // or the status object: flaws there are sim's (their `engines`).
    for p in xpcheck::builtin::broken_for("explore") {
        let flaw = *Flaw::ALL
            .iter()
            .find(|f| f.name() == p.name)
            .expect("a loopback flaw");
        // A flaw SPEC grades "warn" is caught under --strict.
        let mut opts = xpcheck::conformance::explore_options();
        opts.config.settings.deny_warnings = p.graded;
        let r = xpcheck::sim::explore::explore(std::sync::Arc::new(explorable(Some(flaw))), opts);
        let (rule, events, findings) = r
            .counterexample
            .unwrap_or_else(|| panic!("{}: not caught in {} states", p.name, r.unique));
        assert!(
            p.breaks.contains(&rule.as_str()),
            "{} broke {rule}, not in its breaks {:?}",
            p.name,
            p.breaks
        );
        let text = format!(
            "shortest counterexample (breadth-first over the real code), {rule}\n{}",
            xpcheck::properties::render::annotated(&events, &findings, |_| true, true)
        );
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(format!("explore_minimal__{}", p.name), text);
        });
    }
}
