//! The correct abstract provider passes every monitored rule in every scenario, every
//! `sometimes` situation is reached, and the unique-state counts are snapshots.

use xpcheck::check_run::{run_check, CheckRequest};
use xpcheck::model::Behaviour;
use xpcheck::report::Status;

/// Monitored rules the default `xpcheck check` run leaves `not_exercised`, and why.
/// Every monitored transport rule is reached by some scenario today (FQ-4 by the status
/// scenario's client flush of the spooler's status object).
const NOT_EXERCISED: &[&str] = &[];

#[test]
fn correct_provider_passes_every_rule_and_state_counts_are_stable() {
    let report =
        run_check(&CheckRequest::new(Behaviour::Correct), |_, _| {}).expect("valid request");
    assert_eq!(report.verdict, Status::Pass);
    assert_eq!(report.exit_code(), 0);
    let mut not_exercised = Vec::new();
    for r in &report.rules {
        assert_eq!(r.warnings, 0, "{} warned", r.id);
        if r.status == Status::NotExercised {
            not_exercised.push(r.id);
            continue;
        }
        assert_eq!(r.status, Status::Pass, "{} is {:?}", r.id, r.status);
        assert!(r.checks > 0);
    }
    // The monitored rules no scenario of the model reaches, each with its reason. The list
    // only shrinks: a rule that stops being exercised fails here.
    assert_eq!(
        not_exercised, NOT_EXERCISED,
        "rules the default run does not exercise"
    );
    for s in &report.sometimes {
        assert!(s.reached, "not reached: {}", s.name);
    }
    assert!(report.counterexamples.is_empty());
    let mut counts = String::new();
    for s in &report.scenarios {
        assert!(s.complete);
        counts += &format!(
            "{}: {} out + {} in, {} logon(s): unique {}, generated {}, depth {}\n",
            s.name, s.outbound, s.inbound, s.logons, s.unique, s.states, s.depth
        );
    }
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("state_counts__correct", counts);
    });
}
