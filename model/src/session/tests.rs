//! The correct session model violates nothing, reaches every `sometimes` situation and
//! evaluates every client rule; each faulty behaviour breaks a rule of its list and nothing
//! else.

use super::check::check;
use super::{ClientBehaviour, SessionConfig, SessionScenario};
use crate::check::CheckOptions;
use xpcheck_properties::client::ClientRid;

fn run(b: ClientBehaviour) -> (Vec<u64>, Vec<&'static str>, Vec<(&'static str, bool)>) {
    let mut checks = vec![0u64; ClientRid::ALL.len()];
    let mut violated = Vec::new();
    let mut sometimes: Vec<(&'static str, bool)> = Vec::new();
    for sc in SessionScenario::ALL {
        let o = check(&SessionConfig::scenario(sc, b), CheckOptions::default());
        assert!(o.complete);
        eprintln!(
            "{} {}: unique {} states {} depth {} {:.3}s",
            b.name(),
            sc.name(),
            o.unique,
            o.states,
            o.depth,
            o.seconds
        );
        for (a, c) in checks.iter_mut().zip(&o.checks) {
            *a += c;
        }
        for r in &o.violated {
            if !violated.contains(&r.id()) {
                violated.push(r.id());
            }
        }
        for cx in &o.counterexamples {
            assert!(
                cx.judged.errors().any(|f| f.rule == cx.rule.id()),
                "replay reproduces {}",
                cx.rule.id()
            );
        }
        for (_, name, hit) in o.sometimes {
            match sometimes.iter_mut().find(|(n, _)| *n == name) {
                Some(e) => e.1 |= hit,
                None => sometimes.push((name, hit)),
            }
        }
    }
    (checks, violated, sometimes)
}

#[test]
fn correct_clients_pass_every_rule_and_reach_every_trigger() {
    let (checks, violated, sometimes) = run(ClientBehaviour::Correct);
    assert!(violated.is_empty(), "violated: {violated:?}");
    for r in ClientRid::ALL {
        assert!(checks[*r as usize] > 0, "{} not exercised", r.id());
    }
    for (name, hit) in sometimes {
        assert!(hit, "not reached: {name}");
    }
}

#[test]
fn faulty_behaviours_break_only_their_rules() {
    for b in ClientBehaviour::ALL.into_iter().skip(1) {
        let (_, violated, _) = run(b);
        assert!(!violated.is_empty(), "{}: nothing violated", b.name());
        for v in &violated {
            assert!(b.breaks().contains(v), "{} violates {v}", b.name());
        }
    }
}

/// STAT-9 in the model: a mail-enabled client's GetStatusTable waits for the spooler (the
/// `sometimes` is reached in `notify`, whose only thread logs on with mail); a service's
/// MAPI_NO_MAIL clients never wait and are not judged (no transport ever starts, LOGON-10).
#[test]
fn get_status_table_waits_for_transports_only_with_mail() {
    let stat9 =
        "STAT-9: GetStatusTable waits until the spooler has started the session's transports";
    let notify = check(
        &SessionConfig::scenario(SessionScenario::Notify, ClientBehaviour::Correct),
        CheckOptions::default(),
    );
    assert!(notify.violated.is_empty());
    assert!(notify.checks[ClientRid::Stat9 as usize] > 0);
    assert!(notify
        .sometimes
        .iter()
        .any(|(_, n, hit)| *n == stat9 && *hit));
    let service = check(
        &SessionConfig::scenario(SessionScenario::Service, ClientBehaviour::Correct),
        CheckOptions::default(),
    );
    assert!(service.complete && service.violated.is_empty());
    assert_eq!(service.checks[ClientRid::Stat9 as usize], 0);
    assert!(service
        .sometimes
        .iter()
        .any(|(_, n, hit)| *n == stat9 && !*hit));
    let early = check(
        &SessionConfig::scenario(
            SessionScenario::Notify,
            ClientBehaviour::StatusTableTooEarly,
        ),
        CheckOptions::default(),
    );
    assert_eq!(early.violated, vec![ClientRid::Stat9]);
}
