//! Submission and reception flows (FLOW-1, FLOW-4, FLOW-10..FLOW-15) and the outbound message
//! object (SUB-2, SUB-10): each rule fires on a hand-made trace and stays quiet, counting checks,
//! on a conforming one.

use super::testkit::*;
use crate::event::{Body, Method, MsgId, Thread, Word};
use crate::judge::Blame;
use crate::rules::Rid;
use crate::vocab::{
    EndMessageFlags as E, HResult as H, LogoffFlags, SpoolerNotifyFlags as N, StatusCode as St,
    StoreLogoffFlags as SL, SubmitFlags, TransportNotifyFlags as F,
};

fn newmail() -> Body {
    Body::spooler_notify(N::NOTIFY_NEWMAIL, None)
}

fn logoff(t: &mut T, flags: LogoffFlags) {
    t.ev(SP, Body::TransportLogoff { flags })
        .ev(SP, ret(Method::TransportLogoff, H::S_OK));
}

fn end_directions(t: &mut T) {
    t.notify(
        F::NOTIFY_END_INBOUND | F::NOTIFY_END_OUTBOUND,
        None,
        Some(St::STATUS_AVAILABLE),
    );
}

fn transmit(msg: MsgId) -> Body {
    Body::Transmit {
        msg,
        nontransmittable: false,
        taken: false,
        had_nontransmittable: false,
        had_taken: false,
        result: H::S_OK,
    }
}

fn status_recips(msg: MsgId, result: H) -> Body {
    Body::StatusRecips { msg, result }
}

/// SubmitMessage for `msg` that reads it and runs `steps`, then returns S_OK.
fn submit_with(t: &mut T, msg: MsgId, msg_ref: u32, steps: &[Body]) {
    t.ev(
        SP,
        Body::SubmitMessage {
            flags: SubmitFlags::empty(),
            msg,
            msg_ref: 0,
        },
    )
    .ev(SP, Body::MsgRefWrite { value: msg_ref })
    .ev(
        SP,
        Body::MessageRead {
            msg,
            result: H::S_OK,
        },
    );
    for b in steps {
        t.ev(SP, *b);
    }
    t.ev(SP, ret(Method::SubmitMessage, H::S_OK));
}

/// StartMessage delivering wire message `content` into `obj`, writing PR_MESSAGE_CLASS as told.
fn deliver_class(t: &mut T, obj: MsgId, content: u32, message_class: Option<bool>) {
    t.start(obj)
        .ev(SP, Body::MsgRefWrite { value: 7 })
        .ev(
            SP,
            Body::MessageWrite {
                msg: obj,
                content: Some(content),
                nontransmittable: false,
                entry_id: false,
                message_class,
                result: H::S_OK,
            },
        )
        .ev(
            SP,
            Body::MessageRecipients {
                msg: obj,
                complete: true,
                result: H::S_OK,
            },
        )
        .ev(
            SP,
            Body::SaveChanges {
                msg: obj,
                result: H::S_OK,
            },
        )
        .ev(SP, ret(Method::StartMessage, H::S_OK));
}

fn store_logoff(t: &mut T, flags: SL) {
    t.ev(SP, Body::StoreLogoff { flags });
}

#[test]
fn flow1_logoff_while_a_message_waits_for_end_message() {
    let mut t = T::active();
    t.submit_ok(M1, 5);
    end_directions(&mut t);
    logoff(&mut t, LogoffFlags::empty());
    t.only("FLOW-1");
    assert_eq!(t.c.findings[0].blame, Blame::Spooler);
}

#[test]
fn flow1_quiet_after_end_message_or_with_hurry() {
    let mut t = T::active();
    t.submit_ok(M1, 5).end(5, E::empty());
    end_directions(&mut t);
    logoff(&mut t, LogoffFlags::LOGOFF_NORMAL);
    t.clean();
    assert!(t.checks(Rid::Flow1) > 0);
    // AMB-19: LOGOFF_HURRY abandons the message in flight.
    let mut t = T::active();
    t.submit_ok(M1, 5);
    end_directions(&mut t);
    logoff(&mut t, LogoffFlags::LOGOFF_HURRY);
    t.clean();
}

#[test]
fn flow4_newmail_again_before_start_message() {
    let mut t = T::active();
    t.ev(PT, newmail()).ev(PT, newmail());
    t.only("FLOW-4");
    assert_eq!(t.c.findings[0].blame, Blame::Provider);
}

#[test]
fn flow4_quiet_one_newmail_per_start_message() {
    let mut t = T::active();
    t.ev(Thread::Wire, Body::MailArrived { content: 1 })
        .ev(Thread::Wire, Body::MailArrived { content: 2 })
        .ev(PT, newmail())
        .deliver(IN1, 1)
        .ev(PT, newmail())
        .deliver(IN2, 2);
    // Ignored while inbound is off, so not pending (AMB-23).
    t.notify(
        F::NOTIFY_END_INBOUND,
        None,
        Some(St::STATUS_AVAILABLE | St::STATUS_OUTBOUND_ENABLED),
    );
    t.ev(PT, newmail());
    t.notify(F::NOTIFY_BEGIN_INBOUND, None, Some(ENABLED));
    t.ev(PT, newmail());
    t.clean();
    assert!(t.checks(Rid::Flow4) >= 3);
}

#[test]
fn flow10_sent_without_pr_responsibility() {
    // The loopback variant that transmits but never sets PR_RESPONSIBILITY.
    let mut t = T::active();
    submit_with(&mut t, M1, 5, &[transmit(M1)]);
    t.end(5, E::empty());
    t.only("FLOW-10");
    assert_eq!(t.c.findings[0].blame, Blame::Provider);
}

#[test]
fn flow10_quiet_when_responsibility_is_set() {
    let mut t = T::active();
    submit_with(
        &mut t,
        M1,
        5,
        &[
            transmit(M1),
            Body::SetResponsibility {
                msg: M1,
                result: H::S_OK,
            },
        ],
    );
    t.end(5, E::empty());
    // Set in EndMessage, after transmitting in SubmitMessage.
    submit_with(&mut t, M2, 6, &[transmit(M2)]);
    t.ev(SP, Body::EndMessage { msg_ref: 6 })
        .ev(
            SP,
            Body::SetResponsibility {
                msg: M2,
                result: H::S_OK,
            },
        )
        .ev(SP, ret_flags(Method::EndMessage, H::S_OK, 0));
    // Deferred, not sent: not judged.
    submit_with(&mut t, M1, 5, &[transmit(M1)]);
    t.end(5, E::END_DONT_RESEND);
    t.notify(
        F::NOTIFY_ABORT_DEFERRED,
        Some(crate::event::NotifyData::EntryId(M1)),
        None,
    );
    t.clean();
    assert_eq!(t.checks(Rid::Flow10), 2);
}

#[test]
fn flow11_two_reports_in_one_submission() {
    let mut t = T::active();
    submit_with(
        &mut t,
        M1,
        5,
        &[
            Body::SetResponsibility {
                msg: M1,
                result: H::S_OK,
            },
            status_recips(M1, H::S_OK),
        ],
    );
    t.ev(SP, Body::EndMessage { msg_ref: 5 })
        .ev(SP, status_recips(M1, H::S_OK))
        .ev(SP, ret_flags(Method::EndMessage, H::S_OK, 0));
    t.only("FLOW-11");
}

#[test]
fn flow11_flow12_quiet_one_report_per_submission() {
    let mut t = T::active();
    submit_with(
        &mut t,
        M1,
        5,
        &[
            Body::SetResponsibility {
                msg: M1,
                result: H::S_OK,
            },
            status_recips(M1, H::MAPI_W_ERRORS_RETURNED),
        ],
    );
    t.end(5, E::END_DONT_RESEND);
    t.ev(PT, Body::spooler_notify(N::NOTIFY_SENTDEFERRED, Some(M1)));
    // The deferred resubmission is a submission of its own.
    t.ev(
        SP,
        Body::SubmitMessage {
            flags: SubmitFlags::BEGIN_DEFERRED,
            msg: M1,
            msg_ref: 0,
        },
    )
    .ev(SP, Body::MsgRefWrite { value: 5 })
    .ev(SP, status_recips(M1, H::S_OK))
    .ev(SP, ret(Method::SubmitMessage, H::S_OK))
    .end(5, E::empty());
    t.clean();
    assert!(t.checks(Rid::Flow11) >= 2);
    assert!(t.checks(Rid::Flow12) >= 2);
}

#[test]
fn flow12_status_recips_failed() {
    let mut t = T::active();
    submit_with(&mut t, M1, 5, &[status_recips(M1, H::MAPI_E_CALL_FAILED)]);
    t.only("FLOW-12");
    assert_eq!(t.c.findings[0].blame, Blame::Mapi);
}

#[test]
fn flow13_start_message_reuses_a_message_in_flight() {
    // The outbound message waiting for its EndMessage (strict AMB-8 also objects: SUB-8).
    let mut t = T::active();
    t.ev(PT, newmail());
    t.submit_ok(M1, 5);
    t.start(M1);
    assert_eq!(t.errors(), vec!["SUB-8", "FLOW-13"]);
    // The object of the StartMessage running now, handed out again on another thread.
    let mut t = T::active();
    t.ev(PT, newmail());
    t.start(IN1);
    t.ev(
        Thread::Notify,
        Body::StartMessage {
            flags: Word(0),
            msg: IN1,
            msg_ref: 1,
        },
    );
    t.only("FLOW-13");
}

#[test]
fn flow13_quiet_on_new_inbox_messages() {
    let mut t = T::active();
    t.ev(Thread::Wire, Body::MailArrived { content: 1 })
        .poll(1)
        .deliver(IN1, 1);
    t.submit_ok(M1, 5).end(5, E::empty());
    t.ev(PT, newmail())
        .start(IN2)
        .ev(SP, ret(Method::StartMessage, H::S_OK));
    t.clean();
    assert!(t.checks(Rid::Flow13) >= 2);
}

#[test]
fn flow14_inbound_message_saved_without_a_class() {
    let mut t = T::active();
    t.ev(PT, newmail());
    deliver_class(&mut t, IN1, 1, Some(false));
    t.only("FLOW-14");
}

#[test]
fn flow14_quiet_with_a_class_and_unjudged_when_not_recorded() {
    let mut t = T::active();
    t.ev(PT, newmail()).deliver(IN1, 1);
    // The testkit's MessageWrite records no class: nothing to judge.
    assert_eq!(t.checks(Rid::Flow14), 0);
    t.ev(PT, newmail());
    deliver_class(&mut t, IN2, 2, Some(true));
    t.clean();
    assert!(t.checks(Rid::Flow14) > 0);
}

#[test]
fn flow15_new_traffic_after_store_logoff() {
    let mut t = T::active();
    store_logoff(&mut t, SL::LOGOFF_ORDERLY);
    t.submit_ok(M1, 5);
    t.only("FLOW-15");
    let mut t = T::active();
    t.ev(PT, newmail());
    store_logoff(&mut t, SL::LOGOFF_NO_WAIT);
    t.start(IN1);
    t.only("FLOW-15");
    // LOGOFF_ABORT stops sending even with LOGOFF_NO_WAIT.
    let mut t = T::active();
    store_logoff(&mut t, SL::LOGOFF_NO_WAIT | SL::LOGOFF_ABORT);
    t.submit_ok(M1, 5);
    t.only("FLOW-15");
}

#[test]
fn flow15_logoff_without_ending_the_directions() {
    let mut t = T::active();
    store_logoff(&mut t, SL::LOGOFF_ORDERLY);
    logoff(&mut t, LogoffFlags::empty());
    // LIFE-35 may judge the same logoff.
    assert!(t.errors().contains(&"FLOW-15"), "{:#?}", t.c.findings);
}

#[test]
fn flow15_quiet_on_an_orderly_wind_down() {
    let mut t = T::active();
    t.submit(M1, 5);
    // The store logs off while a message is in SubmitMessage: it is finished, none starts.
    store_logoff(&mut t, SL::LOGOFF_NO_WAIT);
    t.ev(SP, ret(Method::SubmitMessage, H::S_OK))
        .end(5, E::empty());
    // NO_WAIT still sends what is ready.
    t.submit_ok(M2, 6).end(6, E::empty());
    end_directions(&mut t);
    logoff(&mut t, LogoffFlags::empty());
    t.clean();
    assert!(t.checks(Rid::Flow15) >= 2);
    // A new store session (BEGIN again) lifts the wind-down.
    let mut t = T::active();
    store_logoff(&mut t, SL::LOGOFF_ORDERLY);
    end_directions(&mut t);
    t.notify(
        F::NOTIFY_BEGIN_INBOUND | F::NOTIFY_BEGIN_OUTBOUND,
        None,
        Some(ENABLED),
    );
    t.submit_ok(M1, 5).end(5, E::empty());
    t.clean();
}

#[test]
fn sub2_message_object_invalid_before_end_message() {
    let mut t = T::active();
    t.submit_ok(M1, 5);
    t.ev(SP, Body::EndMessage { msg_ref: 5 })
        .ev(
            SP,
            Body::SetResponsibility {
                msg: M1,
                result: H::MAPI_E_INVALID_OBJECT,
            },
        )
        .ev(SP, ret_flags(Method::EndMessage, H::S_OK, 0));
    t.only("SUB-2");
    assert_eq!(t.c.findings[0].blame, Blame::Spooler);
    let mut t = T::active();
    submit_with(
        &mut t,
        M1,
        5,
        &[Body::SaveChanges {
            msg: M1,
            result: H::MAPI_E_CALL_FAILED,
        }],
    );
    t.only("SUB-2");
}

#[test]
fn sub2_quiet_while_the_object_answers() {
    let mut t = T::active();
    submit_with(
        &mut t,
        M1,
        5,
        &[Body::MessageWrite {
            msg: M1,
            content: None,
            nontransmittable: false,
            entry_id: false,
            message_class: None,
            // A warning is an answer too.
            result: H::MAPI_W_ERRORS_RETURNED,
        }],
    );
    t.end(5, E::empty());
    t.clean();
    assert!(t.checks(Rid::Sub2) > 0);
}

#[test]
fn sub10_undocumented_failure_without_critical_error() {
    let mut t = T::active();
    t.ev(
        SP,
        Body::SubmitMessage {
            flags: SubmitFlags::empty(),
            msg: M1,
            msg_ref: 0,
        },
    )
    .ev(SP, ret(Method::SubmitMessage, H::MAPI_E_CALL_FAILED));
    t.only("SUB-10");
    assert_eq!(t.c.findings[0].blame, Blame::Provider);
}

#[test]
fn sub10_quiet_on_documented_failures_and_reported_severe_errors() {
    let mut t = T::active();
    for hr in [H::MAPI_E_BUSY, H::MAPI_E_NOT_ME] {
        t.ev(
            SP,
            Body::SubmitMessage {
                flags: SubmitFlags::empty(),
                msg: M1,
                msg_ref: 0,
            },
        )
        .ev(SP, ret(Method::SubmitMessage, hr));
    }
    t.ev(
        SP,
        Body::SubmitMessage {
            flags: SubmitFlags::empty(),
            msg: M2,
            msg_ref: 0,
        },
    )
    .ev(SP, Body::spooler_notify(N::NOTIFY_CRITICAL_ERROR, None))
    .ev(SP, ret(Method::SubmitMessage, H::MAPI_E_CALL_FAILED));
    t.clean();
    assert!(t.checks(Rid::Sub10) >= 3);
}

#[test]
fn new_fields_keep_old_traces_readable_and_store_logoff_serialises() {
    use crate::event::Event;
    // A MessageWrite recorded before the fields existed: no class recorded, answered S_OK.
    let old = r#"{"v":1,"seq":3,"thread":"spooler","event":"message_write","msg":100}"#;
    let e: Event = serde_json::from_str(old).unwrap();
    assert!(matches!(
        e.body,
        Body::MessageWrite {
            message_class: None,
            result: H::S_OK,
            ..
        }
    ));
    assert_eq!(e.to_json_line(), old);
    let e = Event::new(
        4,
        SP,
        Body::SaveChanges {
            msg: M1,
            result: H::MAPI_E_INVALID_OBJECT,
        },
    );
    let line = e.to_json_line();
    assert!(line.contains(r#""result":"0x80040108""#), "{line}");
    assert_eq!(serde_json::from_str::<Event>(&line).unwrap(), e);
    assert_eq!(
        crate::render::describe(&e).trim(),
        "msg1: SaveChanges -> MAPI_E_INVALID_OBJECT"
    );
    let e = Event::new(
        5,
        SP,
        Body::StoreLogoff {
            flags: SL::LOGOFF_ORDERLY | SL::LOGOFF_QUIET,
        },
    );
    let line = e.to_json_line();
    assert!(line.contains(r#""event":"store_logoff""#), "{line}");
    assert_eq!(serde_json::from_str::<Event>(&line).unwrap(), e);
    assert_eq!(
        crate::render::describe(&e),
        "store logs off: StoreLogoffTransports(LOGOFF_ORDERLY|LOGOFF_QUIET)"
    );
}
