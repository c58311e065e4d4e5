//! Model-level properties: symmetry reduction is sound, runs are deterministic, counterexamples
//! replay, and the conforming spooler's allowed actions respect the spooler-side rules.

use xpcheck_model::check::{check, replay, CheckOptions};
use xpcheck_model::{Behaviour, Config, Scenario};

fn small(b: Behaviour) -> Config {
    let mut c = Config::scenario(Scenario::Standard, b);
    c.inbound = 0;
    c
}

fn opts(symmetry: bool) -> CheckOptions {
    CheckOptions {
        symmetry,
        counterexamples: false,
        ..CheckOptions::default()
    }
}

#[test]
fn symmetry_reduces_states_and_keeps_verdicts() {
    for b in [
        Behaviour::Correct,
        Behaviour::TwoEndBits,
        Behaviour::SentDeferredAfterAbort,
        Behaviour::CancelIgnored,
    ] {
        let with = check(small(b), opts(true));
        let without = check(small(b), opts(false));
        assert!(with.complete && without.complete);
        assert_eq!(with.violated, without.violated, "{}", b.name());
        assert!(
            with.unique < without.unique,
            "{}: {} vs {}",
            b.name(),
            with.unique,
            without.unique
        );
        assert_eq!(
            with.sometimes.iter().filter(|s| s.1).count(),
            without.sometimes.iter().filter(|s| s.1).count()
        );
    }
}

#[test]
fn runs_are_deterministic() {
    let cfg = Config::scenario(Scenario::Faults, Behaviour::Correct);
    let a = check(cfg, opts(true));
    let b = check(cfg, opts(true));
    assert_eq!(
        (a.unique, a.states, a.depth, &a.checks),
        (b.unique, b.states, b.depth, &b.checks)
    );
    let cfg = small(Behaviour::TwoEndBits);
    let x = check(cfg, CheckOptions::default());
    let y = check(cfg, CheckOptions::default());
    let lines = |o: &xpcheck_model::check::Outcome| -> Vec<String> {
        o.counterexamples
            .iter()
            .flat_map(|c| c.events.iter().map(|e| e.to_json_line()))
            .collect()
    };
    assert!(!lines(&x).is_empty());
    assert_eq!(lines(&x), lines(&y), "same counterexample, byte for byte");
}

#[test]
fn counterexamples_replay_to_the_same_events() {
    let cfg = small(Behaviour::TwoEndBits);
    let o = check(cfg, CheckOptions::default());
    let cx = &o.counterexamples[0];
    assert_eq!(cx.rule.id(), "EM-6");
    let again = replay(cfg, &cx.actions);
    assert_eq!(again, cx.events);
    assert!(cx.judged.errors().any(|f| f.rule == "EM-6"));
}

#[test]
fn a_state_bound_makes_the_run_incomplete() {
    let o = check(
        Config::standard(Behaviour::Correct),
        CheckOptions {
            max_states: Some(500),
            ..opts(true)
        },
    );
    assert!(!o.complete);
}

#[test]
fn config_bounds_are_validated() {
    let mut c = Config::standard(Behaviour::Correct);
    assert!(c.validate().is_ok());
    c.outbound = 0;
    c.inbound = 0;
    assert!(c.validate().is_err());
    c.outbound = 5;
    assert!(c.validate().is_err());
    let mut c = Config::standard(Behaviour::Correct);
    c.logons = 0;
    assert!(c.validate().is_err());
}

#[test]
fn two_logons_are_independent_sessions() {
    let mut c = Config::scenario(Scenario::Faults, Behaviour::Correct);
    c.critsec = false;
    c.critical = false;
    c.abort_submit = false;
    c.inbound = 0;
    c.logons = 2;
    let two = check(c, opts(true));
    c.logons = 1;
    let one = check(c, opts(true));
    assert!(two.complete && two.violated.is_empty());
    assert!(two.unique > one.unique);
}
