//! `xpcheck check --model session`: the correct clients pass every monitored LOGON, INIT, SVC and
//! NOTIF rule and STAT-9 (exercised, with every trigger reached); each faulty client behaviour violates a
//! rule of its list and nothing else, and its shortest counterexamples are insta snapshots.

use xpcheck::model::check::CheckOptions;
use xpcheck::model::session::{ClientBehaviour, SessionScenario};
use xpcheck::report::Status;
use xpcheck::session_run::run_session_check;

#[test]
fn correct_clients_pass_every_client_rule() {
    let r = run_session_check(
        ClientBehaviour::Correct,
        &SessionScenario::ALL,
        CheckOptions::default(),
    );
    assert_eq!(r.verdict, Status::Pass);
    assert_eq!(r.exit_code(), 0);
    for rule in &r.rules {
        assert_eq!(
            rule.status,
            Status::Pass,
            "{} is {:?}",
            rule.id,
            rule.status
        );
    }
    for s in &r.sometimes {
        assert!(s.reached, "not reached: {}", s.name);
    }
    // Every seed rule of LOGON, SVC and NOTIF is monitored (LOGON-1..15, SVC-1..6, NOTIF-1..2).
    let seeds = xpcheck::properties::catalog::all().iter().filter(|c| {
        c.origin == xpcheck::properties::catalog::Origin::Seed
            && ["LOGON-", "SVC-", "NOTIF-"]
                .iter()
                .any(|g| c.id.starts_with(g))
    });
    for c in seeds {
        assert!(
            r.rules
                .iter()
                .any(|x| x.id == c.id && x.status == Status::Pass),
            "seed rule {} not pass",
            c.id
        );
    }
    // The report says what the session model does not check: the transport rules, SVC-7 (a
    // provider-side rule) and NOTIF-6 (thread safety of provider objects).
    assert_eq!(r.coverage.total, 231);
    assert_eq!(r.coverage.checked, r.rules.len());
    assert_eq!(
        r.coverage.exercised,
        r.rules.len(),
        "every client rule exercised"
    );
    for id in ["SVC-7", "NOTIF-6", "TN-19", "LIFE-1"] {
        assert!(r.coverage.not_checked.contains(&id), "{id}");
    }
}

fn check_faulty(b: ClientBehaviour) {
    let r = run_session_check(b, &SessionScenario::ALL, CheckOptions::default());
    assert_eq!(r.verdict, Status::Violated, "{}", b.name());
    assert_eq!(r.exit_code(), 1);
    let violated: Vec<&str> = r
        .rules
        .iter()
        .filter(|x| x.status == Status::Violated)
        .map(|x| x.id)
        .collect();
    assert!(!violated.is_empty());
    for v in &violated {
        assert!(b.breaks().contains(v), "{} violates {v}", b.name());
    }
    assert_eq!(r.counterexamples.len(), violated.len());
    let mut text = String::new();
    for cx in &r.counterexamples {
        assert!(
            cx.findings.iter().any(|f| f.rule == cx.rule),
            "{}: replay does not reproduce {}",
            b.name(),
            cx.rule
        );
        text += &cx.render();
        text.push('\n');
    }
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(format!("session_counterexample__{}", b.name()), text);
    });
}

#[test]
fn service_without_nt_service_breaks_logon_11_svc_4() {
    check_faulty(ClientBehaviour::ServiceWithoutNtService);
}

#[test]
fn service_with_logon_ui_breaks_svc_1() {
    check_faulty(ClientBehaviour::ServiceWithLogonUi);
}

#[test]
fn wait_without_pumping_breaks_notif_2() {
    check_faulty(ClientBehaviour::WaitWithoutPumping);
}

#[test]
fn timeout_without_contention_breaks_logon_13() {
    check_faulty(ClientBehaviour::TimeoutWithoutContention);
}

#[test]
fn no_mail_transports_breaks_logon_10() {
    check_faulty(ClientBehaviour::NoMailTransports);
}

#[test]
fn status_table_too_early_breaks_stat_9() {
    check_faulty(ClientBehaviour::StatusTableTooEarly);
}

#[test]
fn every_faulty_client_has_a_test() {
    assert_eq!(ClientBehaviour::ALL.len(), 7);
}
