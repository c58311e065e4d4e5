//! Every faulty provider violates at least one rule it is built to break and nothing else,
//! every violation is blamed on the provider (the conforming spooler never trips a rule), and
//! its shortest counterexamples are insta snapshots.

use xpcheck::check_run::{run_check, CheckRequest};
use xpcheck::model::Behaviour;
use xpcheck::properties::judge::{Blame, Severity};
use xpcheck::report::Status;

fn check_faulty(b: Behaviour) {
    if b.graded() {
        // Caught only as warnings by default: SPEC grades every rule it breaks "warn".
        let report = run_check(&CheckRequest::new(b), |_, _| {}).expect("valid request");
        assert_eq!(report.verdict, Status::Pass, "{}: warnings only", b.name());
        let warned: Vec<&str> = report
            .rules
            .iter()
            .filter(|r| r.warnings > 0)
            .map(|r| r.id)
            .collect();
        assert!(!warned.is_empty(), "{}: no warning", b.name());
        for w in &warned {
            assert!(b.breaks().contains(w), "{} warns {w}", b.name());
        }
    }
    let mut req = CheckRequest::new(b);
    req.strict = b.graded();
    let report = run_check(&req, |_, _| {}).expect("valid request");
    let violated: Vec<&str> = report
        .rules
        .iter()
        .filter(|r| r.status == Status::Violated)
        .map(|r| r.id)
        .collect();
    assert_eq!(report.verdict, Status::Violated, "{}: verdict", b.name());
    assert_eq!(report.exit_code(), 1);
    assert!(!violated.is_empty(), "{}: nothing violated", b.name());
    for v in &violated {
        assert!(
            b.breaks().contains(v),
            "{} violates {v}, which it is not built to break",
            b.name()
        );
    }
    assert!(
        report.scenarios.iter().all(|s| s.complete),
        "{}: exploration cut short",
        b.name()
    );
    let mut text = String::new();
    for cx in &report.counterexamples {
        let errors: Vec<_> = cx
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        assert!(
            errors.iter().any(|f| f.rule == cx.rule),
            "{}: replay does not reproduce {}",
            b.name(),
            cx.rule
        );
        for f in errors {
            assert_eq!(
                f.blame,
                Blame::Provider,
                "{}: spooler-side violation {} in the model: {}",
                b.name(),
                f.rule,
                f.message
            );
        }
        text += &cx.render();
        text.push('\n');
    }
    assert_eq!(
        report.counterexamples.len(),
        violated.len(),
        "one counterexample per violated rule"
    );
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(format!("counterexample__{}", b.name()), text);
    });
}

macro_rules! faulty {
    ($($test:ident => $b:ident,)*) => {$(
        #[test]
        fn $test() {
            check_faulty(Behaviour::$b);
        }
    )*};
}

faulty! {
    flags_changed_breaks_tn1 => FlagsChanged,
    no_status_update_breaks_tn6_tn14_stat4 => NoStatusUpdate,
    cancel_ignored_breaks_tn17_tn19 => CancelIgnored,
    cancel_checked_before_transfer_breaks_tn17 => CancelCheckedBeforeTransferOnly,
    check_then_act_cancel_breaks_tn17_tn19 => CheckThenActCancel,
    late_msg_ref_breaks_sub4_sm5 => LateMsgRef,
    yield_in_flush_breaks_tn10 => YieldInFlush,
    touch_after_start_message_breaks_sm3 => TouchAfterStartMessage,
    drop_cancelled_inbound_breaks_tn20 => DropCancelledInbound,
    two_end_bits_breaks_em6 => TwoEndBits,
    critical_then_ok_breaks_spn8 => CriticalThenOk,
    sentdeferred_after_abort_breaks_def7_def4 => SentDeferredAfterAbort,
    flush_bit_left_set_breaks_tn12_tn23_fq12 => FlushBitLeftSet,
    idle_not_ok_breaks_idle3 => IdleNotOk,
    yield_with_flags_breaks_yld1 => YieldWithFlags,
    accepts_unknown_flags_breaks_vs6 => AcceptsUnknownFlags,
    silent_config_change_breaks_vs11 => SilentConfigChange,
    no_ready_to_send_breaks_spn9 => NoReadyToSend,
    deferred_not_announced_breaks_fq7 => DeferredNotAnnounced,
    no_inbound_flush_bit_breaks_fq10 => NoInboundFlushBit,
    logon_warning_breaks_life18 => LogonWarning,
    shutdown_fails_breaks_life33 => ShutdownFails,
    newmail_repeated_breaks_flow4 => NewMailRepeated,
    no_responsibility_breaks_flow10 => NoResponsibility,
    no_status_object_breaks_flow17 => NoStatusObject,
    undefined_row_bits_breaks_stat3 => UndefinedRowBits,
    row_after_logoff_breaks_life29 => RowAfterLogoff,
    submit_fails_silently_breaks_sub10 => SubmitFailsSilently,
}

#[test]
fn every_faulty_behaviour_has_a_test() {
    // 28 faulty behaviours above plus the correct one.
    assert_eq!(Behaviour::ALL.len(), 29);
    assert_eq!(
        Behaviour::ALL
            .iter()
            .filter(|b| b.breaks().is_empty())
            .count(),
        1
    );
}
