//! Every monitor fires on a hand-made trace and stays quiet on a conforming one.

use super::testkit::*;
use crate::event::{Body, Event, Method, MsgId, NotifyData, Thread, Word};
use crate::rules::Rid;
use crate::vocab::{
    EndMessageFlags as E, FlagWord, FlushFlags, HResult as H, LogoffFlags, LogonFlags as L,
    SpoolerNotifyFlags as N, StatusCode as St, SubmitFlags, TransportNotifyFlags as F,
    ValidateStateFlags,
};

/// One conforming session touching every monitor's quiet path.
#[test]
fn conforming_session_is_quiet_and_exercises_the_monitors() {
    let mut t = T::active();
    // Outbound: submit, end; deferral round trip; a cancel mid-submission.
    t.submit_ok(M1, 5).end(5, E::empty());
    t.submit_ok(M2, 6).end(6, E::END_DONT_RESEND);
    t.ev(
        PT,
        Body::SpoolerNotify {
            flags: N::NOTIFY_SENTDEFERRED,
            entry_id: Some(M2),
            result: crate::vocab::HResult::S_OK,
        },
    );
    t.ev(
        SP,
        Body::SubmitMessage {
            flags: SubmitFlags::BEGIN_DEFERRED,
            msg: M2,
            msg_ref: 0,
        },
    )
    .ev(SP, Body::MsgRefWrite { value: 6 });
    t.notify(F::NOTIFY_CANCEL_MESSAGE, Some(NotifyData::MsgRef(6)), None);
    t.ev(SP, ret(Method::SubmitMessage, H::MAPI_E_USER_CANCEL));
    t.ev(
        SP,
        Body::SubmitMessage {
            flags: SubmitFlags::empty(),
            msg: M1,
            msg_ref: 0,
        },
    )
    .ev(SP, Body::MsgRefWrite { value: 5 })
    .ev(
        SP,
        Body::Return {
            method: Method::SubmitMessage,
            hr: H::MAPI_E_WAIT,
            flags: None,
            msg_ref: None,
            return_parm: Some(30),
            incoming: None,
        },
    )
    .ev(SP, Body::TimePasses { secs: 30 })
    .submit_ok(M1, 5)
    .end(5, E::empty());
    // Inbound: mail arrives, poll, deliver; a cancelled delivery redelivered.
    t.ev(Thread::Wire, Body::MailArrived { content: 1 })
        .poll(1)
        .deliver(IN1, 1)
        .poll(0);
    t.ev(Thread::Wire, Body::MailArrived { content: 2 });
    t.ev(
        PT,
        Body::SpoolerNotify {
            flags: N::NOTIFY_NEWMAIL,
            entry_id: None,
            result: crate::vocab::HResult::S_OK,
        },
    );
    t.start(IN2).ev(SP, Body::MsgRefWrite { value: 8 }).ev(
        SP,
        Body::MessageWrite {
            msg: IN2,
            content: Some(2),
            nontransmittable: false,
            entry_id: false,
            message_class: None,
            result: H::S_OK,
        },
    );
    t.notify(F::NOTIFY_CANCEL_MESSAGE, Some(NotifyData::MsgRef(8)), None);
    t.ev(SP, ret(Method::StartMessage, H::MAPI_E_USER_CANCEL))
        .poll(1)
        .deliver(MsgId(102), 2);
    // Flush: request, set, end, clear.
    t.notify(
        F::NOTIFY_BEGIN_INBOUND_FLUSH,
        None,
        Some(ENABLED | St::STATUS_INBOUND_FLUSH),
    );
    t.ev(Thread::Wire, Body::MailArrived { content: 3 })
        .deliver(MsgId(103), 3);
    t.notify(F::NOTIFY_END_INBOUND_FLUSH, None, Some(ENABLED));
    t.ev(
        SP,
        Body::FlushQueues {
            flags: FlushFlags::FLUSH_UPLOAD,
        },
    )
    .ev(SP, row(ENABLED | St::STATUS_OUTBOUND_FLUSH))
    .ev(SP, ret(Method::FlushQueues, H::S_OK));
    t.notify(F::NOTIFY_END_OUTBOUND_FLUSH, None, Some(ENABLED));
    // Critical section, yield, ValidateState busy.
    t.ev(
        PT,
        Body::SpoolerNotify {
            flags: N::NOTIFY_CRITSEC,
            entry_id: None,
            result: crate::vocab::HResult::S_OK,
        },
    );
    t.ev(
        SP,
        Body::ValidateState {
            flags: ValidateStateFlags::empty(),
        },
    )
    .ev(SP, ret(Method::ValidateState, H::MAPI_E_BUSY));
    t.ev(
        PT,
        Body::SpoolerNotify {
            flags: N::NOTIFY_NONCRIT,
            entry_id: None,
            result: crate::vocab::HResult::S_OK,
        },
    );
    t.submit(M1, 5)
        .ev(
            SP,
            Body::SpoolerYield {
                flags: Word(0),
                result: H::S_OK,
            },
        )
        .ev(SP, ret(Method::SubmitMessage, H::S_OK))
        .end(5, E::empty());
    t.ev(
        Thread::Client(1),
        Body::AbortSubmit {
            msg: MsgId(9),
            hr: H::S_OK,
            flags: crate::event::Word(0),
        },
    );
    // Deferred then aborted at logoff; END_* then logoff.
    t.submit_ok(M2, 6).end(6, E::END_DONT_RESEND);
    t.notify(
        F::NOTIFY_ABORT_DEFERRED,
        Some(NotifyData::EntryId(M2)),
        None,
    );
    t.notify(
        F::NOTIFY_END_INBOUND | F::NOTIFY_END_OUTBOUND,
        None,
        Some(St::STATUS_AVAILABLE),
    );
    t.ev(
        SP,
        Body::TransportLogoff {
            flags: LogoffFlags::empty(),
        },
    )
    .ev(SP, ret(Method::TransportLogoff, H::S_OK));
    t.clean();
    for r in [
        Rid::Tn1,
        Rid::Tn2,
        Rid::Tn3,
        Rid::Tn5,
        Rid::Tn6,
        Rid::Tn7,
        Rid::Tn8,
        Rid::Tn10,
        Rid::Tn12,
        Rid::Tn13,
        Rid::Tn14,
        Rid::Tn15,
        Rid::Tn16,
        Rid::Tn17,
        Rid::Tn18,
        Rid::Tn19,
        Rid::Tn20,
        Rid::Tn22,
        Rid::Tn23,
        Rid::Tn24,
        Rid::Tn26,
        Rid::Sub1,
        Rid::Sub3,
        Rid::Sub4,
        Rid::Sub5,
        Rid::Sub6,
        Rid::Sub7,
        Rid::Sub8,
        Rid::Em1,
        Rid::Em2,
        Rid::Em5,
        Rid::Em6,
        Rid::Sm1,
        Rid::Sm2,
        Rid::Sm4,
        Rid::Sm5,
        Rid::Sm7,
        Rid::Sm8,
        Rid::Sm9,
        Rid::Sm10,
        Rid::Sm14,
        Rid::Poll1,
        Rid::Poll2,
        Rid::Poll3,
        Rid::Stat1,
        Rid::Stat4,
        Rid::Spn2,
        Rid::Spn4,
        Rid::Spn6,
        Rid::Yld3,
        Rid::Def2,
        Rid::Def4,
        Rid::Def6,
        Rid::Def7,
        Rid::Tn4,
    ] {
        assert!(t.checks(r) > 0, "{} was not exercised", r.id());
    }
}

#[test]
fn tn1_flags_changed() {
    let mut t = T::active();
    t.ev(
        NT,
        Body::TransportNotify {
            flags: F::NOTIFY_END_INBOUND,
            data: None,
        },
    )
    .ev(NT, row(St::STATUS_AVAILABLE | St::STATUS_OUTBOUND_ENABLED))
    .ev(NT, ret_flags(Method::TransportNotify, H::S_OK, 0));
    t.only("TN-1");
}

#[test]
fn tn2_non_s_ok_is_a_warning() {
    let mut t = T::active();
    t.ev(
        NT,
        Body::TransportNotify {
            flags: F::NOTIFY_BEGIN_INBOUND_FLUSH,
            data: None,
        },
    )
    .ev(NT, row(ENABLED | St::STATUS_INBOUND_FLUSH))
    .ev(
        NT,
        ret_flags(
            Method::TransportNotify,
            H::MAPI_E_CALL_FAILED,
            F::NOTIFY_BEGIN_INBOUND_FLUSH.raw(),
        ),
    );
    assert!(t.errors().is_empty());
    assert_eq!(t.warnings(), vec!["TN-2"]);
}

#[test]
fn tn6_tn14_stat4_no_row_update() {
    let mut t = T::logged_on(L::empty());
    t.notify(
        F::NOTIFY_BEGIN_INBOUND | F::NOTIFY_BEGIN_OUTBOUND,
        None,
        None,
    );
    assert_eq!(t.errors(), vec!["TN-6", "TN-14", "STAT-4"]);
}

#[test]
fn tn22_tn24_end_without_row_update() {
    let mut t = T::active();
    t.notify(F::NOTIFY_END_INBOUND | F::NOTIFY_END_OUTBOUND, None, None);
    assert_eq!(t.errors(), vec!["TN-22", "TN-24", "STAT-4"]);
}

#[test]
fn tn7_tn15_begin_and_end_same_direction() {
    let mut t = T::active();
    t.notify(
        F::NOTIFY_BEGIN_INBOUND | F::NOTIFY_END_INBOUND,
        None,
        Some(ENABLED),
    );
    assert!(t.errors().contains(&"TN-7"));
    let mut t = T::active();
    t.notify(
        F::NOTIFY_BEGIN_OUTBOUND | F::NOTIFY_END_OUTBOUND,
        None,
        Some(ENABLED),
    );
    assert!(t.errors().contains(&"TN-15"));
    // A cross-direction mix is allowed (AMB-1).
    let mut t = T::active();
    t.notify(
        F::NOTIFY_END_INBOUND | F::NOTIFY_BEGIN_OUTBOUND,
        None,
        Some(St::STATUS_AVAILABLE | St::STATUS_OUTBOUND_ENABLED),
    );
    t.clean();
}

#[test]
fn tn3_abort_deferred_needs_entry_id() {
    let mut t = T::active();
    t.submit_ok(M1, 5).end(5, E::END_DONT_RESEND);
    t.notify(F::NOTIFY_ABORT_DEFERRED, Some(NotifyData::MsgRef(5)), None);
    t.only("TN-3");
}

#[test]
fn tn4_submit_after_abort_submit() {
    let mut t = T::active();
    t.ev(
        Thread::Client(1),
        Body::AbortSubmit {
            msg: M1,
            hr: H::S_OK,
            flags: crate::event::Word(0),
        },
    )
    .submit_ok(M1, 5);
    t.only("TN-4");
}

#[test]
fn tn5_tn22_poll_outside_inbound_window() {
    let mut t = T::logged_on(L::LOGON_SP_POLL);
    t.poll(0);
    t.only("TN-5");
    let mut t = T::active();
    t.notify(
        F::NOTIFY_END_INBOUND,
        None,
        Some(St::STATUS_AVAILABLE | St::STATUS_OUTBOUND_ENABLED),
    )
    .poll(0);
    t.only("TN-22");
}

#[test]
fn tn8_flush_bit_never_set() {
    let mut t = T::active();
    t.notify(F::NOTIFY_BEGIN_INBOUND_FLUSH, None, None);
    t.only("TN-8");
}

#[test]
fn tn10_yield_in_inbound_flush_is_a_warning_and_an_error_under_strict() {
    let mut t = T::active();
    t.notify(
        F::NOTIFY_BEGIN_INBOUND_FLUSH,
        None,
        Some(ENABLED | St::STATUS_INBOUND_FLUSH),
    );
    t.ev(Thread::Wire, Body::MailArrived { content: 1 })
        .start(IN1)
        .ev(
            SP,
            Body::SpoolerYield {
                flags: Word(0),
                result: H::S_OK,
            },
        );
    t.only_warning("TN-10");
    let mut t = T::active();
    t.cfg.deny_warnings = true;
    t.notify(
        F::NOTIFY_BEGIN_INBOUND_FLUSH,
        None,
        Some(ENABLED | St::STATUS_INBOUND_FLUSH),
    );
    t.start(IN1).ev(
        SP,
        Body::SpoolerYield {
            flags: Word(0),
            result: H::S_OK,
        },
    );
    t.only("TN-10");
}

#[test]
fn tn12_tn23_flush_bit_left_set_at_logoff() {
    let mut t = T::active();
    t.notify(
        F::NOTIFY_BEGIN_INBOUND_FLUSH,
        None,
        Some(ENABLED | St::STATUS_INBOUND_FLUSH),
    );
    t.notify(F::NOTIFY_END_INBOUND_FLUSH, None, None);
    t.notify(
        F::NOTIFY_END_INBOUND | F::NOTIFY_END_OUTBOUND,
        None,
        Some(St::STATUS_AVAILABLE | St::STATUS_INBOUND_FLUSH),
    );
    t.ev(
        SP,
        Body::TransportLogoff {
            flags: LogoffFlags::empty(),
        },
    )
    .ev(SP, ret(Method::TransportLogoff, H::S_OK));
    assert_eq!(t.errors(), vec!["TN-12", "TN-23"]);
}

#[test]
fn tn16_outbound_flush_bit_left_set_before_next_begin() {
    let mut t = T::active();
    t.notify(
        F::NOTIFY_BEGIN_OUTBOUND_FLUSH,
        None,
        Some(ENABLED | St::STATUS_OUTBOUND_FLUSH),
    );
    t.notify(F::NOTIFY_END_OUTBOUND_FLUSH, None, None);
    t.notify(F::NOTIFY_BEGIN_OUTBOUND_FLUSH, None, None);
    t.only("TN-16");
}

#[test]
fn tn13_tn24_submit_outside_outbound_window() {
    let mut t = T::logged_on(L::empty());
    t.submit_ok(M1, 5);
    t.only("TN-13");
    let mut t = T::active();
    t.notify(
        F::NOTIFY_END_OUTBOUND,
        None,
        Some(St::STATUS_AVAILABLE | St::STATUS_INBOUND_ENABLED),
    )
    .submit_ok(M1, 5);
    t.only("TN-24");
}

#[test]
fn tn24_end_outbound_is_not_a_cancel() {
    let mut t = T::active();
    t.submit(M1, 5);
    t.notify(
        F::NOTIFY_END_OUTBOUND,
        None,
        Some(St::STATUS_AVAILABLE | St::STATUS_INBOUND_ENABLED),
    );
    t.ev(SP, ret(Method::SubmitMessage, H::MAPI_E_USER_CANCEL));
    t.only("TN-24");
}

#[test]
fn tn17_tn19_cancel_ignored() {
    let mut t = T::active();
    t.submit(M1, 5);
    t.notify(F::NOTIFY_CANCEL_MESSAGE, Some(NotifyData::MsgRef(5)), None);
    t.ev(
        SP,
        Body::MessageRead {
            msg: M1,
            result: H::S_OK,
        },
    )
    .ev(
        SP,
        Body::MessageRead {
            msg: M1,
            result: H::S_OK,
        },
    )
    .ev(
        SP,
        Body::SetResponsibility {
            msg: M1,
            result: H::S_OK,
        },
    )
    .ev(SP, ret(Method::SubmitMessage, H::S_OK));
    assert_eq!(t.errors(), vec!["TN-19", "TN-17"]);
}

#[test]
fn tn17_cancel_names_no_message_and_tn21_default_ref() {
    let mut t = T::active();
    t.submit(M1, 5);
    t.notify(F::NOTIFY_CANCEL_MESSAGE, Some(NotifyData::MsgRef(9)), None);
    t.only("TN-17");
    let mut t = T::active();
    t.ev(
        SP,
        Body::SubmitMessage {
            flags: SubmitFlags::empty(),
            msg: M1,
            msg_ref: 0,
        },
    );
    t.notify(F::NOTIFY_CANCEL_MESSAGE, Some(NotifyData::MsgRef(3)), None);
    t.only("TN-21");
    let mut t = T::active();
    t.ev(
        SP,
        Body::SubmitMessage {
            flags: SubmitFlags::empty(),
            msg: M1,
            msg_ref: 0,
        },
    );
    t.notify(F::NOTIFY_CANCEL_MESSAGE, Some(NotifyData::MsgRef(0)), None);
    t.clean();
    assert_eq!(t.checks(Rid::Tn18), 1);
}

#[test]
fn tn18_not_counted_for_a_cancel_between_calls() {
    let mut t = T::active();
    t.submit_ok(M1, 5);
    t.notify(F::NOTIFY_CANCEL_MESSAGE, Some(NotifyData::MsgRef(5)), None);
    t.end(5, E::empty());
    t.clean();
    assert_eq!(t.checks(Rid::Tn18), 0);
    assert_eq!(t.checks(Rid::Tn19), 1);
}

#[test]
fn tn20_cancelled_inbound_dropped() {
    let mut t = T::active();
    t.ev(Thread::Wire, Body::MailArrived { content: 1 }).poll(1);
    t.start(IN1).ev(SP, Body::MsgRefWrite { value: 7 }).ev(
        SP,
        Body::MessageWrite {
            msg: IN1,
            content: Some(1),
            nontransmittable: false,
            entry_id: false,
            message_class: None,
            result: H::S_OK,
        },
    );
    t.notify(F::NOTIFY_CANCEL_MESSAGE, Some(NotifyData::MsgRef(7)), None);
    t.ev(SP, ret(Method::StartMessage, H::MAPI_E_USER_CANCEL));
    t.start(IN2).ev(SP, ret(Method::StartMessage, H::S_OK));
    t.only("TN-20");
    let mut t2 = T::active();
    t2.ev(Thread::Wire, Body::MailArrived { content: 1 })
        .poll(1);
    t2.start(IN1).ev(SP, Body::MsgRefWrite { value: 7 }).ev(
        SP,
        Body::MessageWrite {
            msg: IN1,
            content: Some(1),
            nontransmittable: false,
            entry_id: false,
            message_class: None,
            result: H::S_OK,
        },
    );
    t2.notify(F::NOTIFY_CANCEL_MESSAGE, Some(NotifyData::MsgRef(7)), None);
    t2.ev(SP, ret(Method::StartMessage, H::MAPI_E_USER_CANCEL))
        .poll(0);
    t2.only("TN-20");
}

#[test]
fn tn25_tn26_def6_deferred_cancel_shapes() {
    let mut t = T::active();
    t.submit_ok(M1, 5).end(5, E::END_DONT_RESEND);
    t.notify(
        F::NOTIFY_CANCEL_MESSAGE,
        Some(NotifyData::EntryId(M1)),
        None,
    );
    assert!(t.errors().contains(&"TN-25"));
    let mut t = T::active();
    t.submit_ok(M1, 5).end(5, E::END_DONT_RESEND);
    t.notify(
        F::NOTIFY_END_INBOUND | F::NOTIFY_END_OUTBOUND,
        None,
        Some(St::STATUS_AVAILABLE),
    );
    t.ev(
        SP,
        Body::TransportLogoff {
            flags: LogoffFlags::empty(),
        },
    );
    t.only("TN-26");
    let mut t = T::active();
    t.notify(
        F::NOTIFY_ABORT_DEFERRED | F::NOTIFY_CANCEL_MESSAGE,
        Some(NotifyData::EntryId(M1)),
        None,
    );
    t.only("DEF-6");
}

#[test]
fn sub1_begin_deferred_without_sentdeferred() {
    let mut t = T::active();
    t.ev(
        SP,
        Body::SubmitMessage {
            flags: SubmitFlags::BEGIN_DEFERRED,
            msg: M1,
            msg_ref: 0,
        },
    );
    t.only("SUB-1");
}

#[test]
fn sub3_preset_ref_not_zero() {
    let mut t = T::active();
    t.ev(
        SP,
        Body::SubmitMessage {
            flags: SubmitFlags::empty(),
            msg: M1,
            msg_ref: 4,
        },
    );
    t.only("SUB-3");
}

#[test]
fn sub4_transfer_before_msg_ref() {
    let mut t = T::active();
    t.ev(
        SP,
        Body::SubmitMessage {
            flags: SubmitFlags::empty(),
            msg: M1,
            msg_ref: 0,
        },
    )
    .ev(
        SP,
        Body::MessageRead {
            msg: M1,
            result: H::S_OK,
        },
    )
    .ev(SP, Body::MsgRefWrite { value: 5 });
    t.only_warning("SUB-4");
}

#[test]
fn sub5_busy_after_processing_and_end_after_busy() {
    let mut t = T::active();
    t.submit(M1, 5)
        .ev(SP, ret(Method::SubmitMessage, H::MAPI_E_BUSY));
    t.only("SUB-5");
    let mut t = T::active();
    t.ev(
        SP,
        Body::SubmitMessage {
            flags: SubmitFlags::empty(),
            msg: M1,
            msg_ref: 0,
        },
    )
    .ev(SP, Body::MsgRefWrite { value: 5 })
    .ev(SP, ret(Method::SubmitMessage, H::MAPI_E_NOT_ME))
    .end(5, E::empty());
    t.only("SUB-5");
}

#[test]
fn sub6_wait_without_return_parm_and_sub7_early_retry() {
    let mut t = T::active();
    t.ev(
        SP,
        Body::SubmitMessage {
            flags: SubmitFlags::empty(),
            msg: M1,
            msg_ref: 0,
        },
    )
    .ev(SP, ret(Method::SubmitMessage, H::MAPI_E_WAIT));
    t.only("SUB-6");
    let mut t = T::active();
    t.ev(
        SP,
        Body::SubmitMessage {
            flags: SubmitFlags::empty(),
            msg: M1,
            msg_ref: 0,
        },
    )
    .ev(
        SP,
        Body::Return {
            method: Method::SubmitMessage,
            hr: H::MAPI_E_NETWORK_ERROR,
            flags: None,
            msg_ref: None,
            return_parm: Some(60),
            incoming: None,
        },
    )
    .ev(SP, Body::TimePasses { secs: 30 })
    .ev(
        SP,
        Body::SubmitMessage {
            flags: SubmitFlags::empty(),
            msg: M1,
            msg_ref: 0,
        },
    );
    t.only("SUB-7");
}

#[test]
fn sub8_second_submit_before_end_message() {
    let mut t = T::active();
    t.submit_ok(M1, 5).submit_ok(M2, 6);
    t.only("SUB-8");
}

/// SubmitMessage's documented transient failure, asking for a retry after `secs` (SUB-5, SUB-6).
fn network_error(secs: u32) -> Body {
    Body::Return {
        method: Method::SubmitMessage,
        hr: H::MAPI_E_NETWORK_ERROR,
        flags: None,
        msg_ref: None,
        return_parm: Some(secs),
        incoming: None,
    }
}

#[test]
fn sub9_end_after_failure_and_use_after_failure() {
    let mut t = T::active();
    t.ev(
        SP,
        Body::SubmitMessage {
            flags: SubmitFlags::empty(),
            msg: M1,
            msg_ref: 0,
        },
    )
    .ev(SP, Body::MsgRefWrite { value: 5 })
    .ev(SP, network_error(30));
    t.end(5, E::empty());
    t.only("SUB-9");
    let mut t = T::active();
    t.ev(
        SP,
        Body::SubmitMessage {
            flags: SubmitFlags::empty(),
            msg: M1,
            msg_ref: 0,
        },
    )
    .ev(SP, network_error(30))
    .ev(
        PT,
        Body::MessageRead {
            msg: M1,
            result: H::S_OK,
        },
    );
    t.only("SUB-9");
}

#[test]
fn em1_em3_end_message_refs() {
    let mut t = T::active();
    t.end(42, E::empty());
    t.only("EM-1");
    let mut t = T::active();
    t.submit_ok(M1, 5).end(5, E::empty()).end(5, E::empty());
    t.only("EM-3");
    let mut t = T::active();
    t.submit_ok(M1, 5).end(5, E::empty());
    t.notify(F::NOTIFY_CANCEL_MESSAGE, Some(NotifyData::MsgRef(5)), None);
    t.only("EM-3");
}

#[test]
fn em2_unknown_bits_warn_em5_em6() {
    let mut t = T::active();
    t.submit_ok(M1, 5)
        .ev(SP, Body::EndMessage { msg_ref: 5 })
        .ev(SP, ret_flags(Method::EndMessage, H::S_OK, 0x100));
    assert!(t.errors().is_empty());
    assert_eq!(t.warnings(), vec!["EM-2"]);
    let mut t = T::active();
    t.submit_ok(M1, 5)
        .ev(SP, Body::EndMessage { msg_ref: 5 })
        .ev(SP, ret_flags(Method::EndMessage, H::MAPI_E_CALL_FAILED, 0));
    t.only("EM-5");
    let mut t = T::active();
    t.submit_ok(M1, 5)
        .end(5, E::END_DONT_RESEND | E::END_RESEND_LATER);
    t.only("EM-6");
}

#[test]
fn em4_message_used_after_end_message() {
    let mut t = T::active();
    t.submit_ok(M1, 5).end(5, E::empty()).ev(
        PT,
        Body::SetResponsibility {
            msg: M1,
            result: H::S_OK,
        },
    );
    t.only("EM-4");
}

#[test]
fn sm1_sm2_sm4_spooler_side_start_message() {
    let mut t = T::active();
    t.start(IN1);
    t.only("SM-1");
    let mut t = T::active();
    t.poll(1).ev(
        SP,
        Body::StartMessage {
            flags: Word(4),
            msg: IN1,
            msg_ref: 0,
        },
    );
    assert_eq!(t.errors(), vec!["SM-2", "SM-4"]);
}

#[test]
fn sm3_touch_after_start_message_returned() {
    let mut t = T::active();
    t.ev(Thread::Wire, Body::MailArrived { content: 1 })
        .poll(1)
        .deliver(IN1, 1);
    t.ev(
        PT,
        Body::MessageRead {
            msg: IN1,
            result: H::S_OK,
        },
    );
    t.only("SM-3");
}

#[test]
fn sm5_use_before_msg_ref() {
    let mut t = T::active();
    t.poll(1).start(IN1).ev(
        SP,
        Body::MessageWrite {
            msg: IN1,
            content: None,
            nontransmittable: false,
            entry_id: false,
            message_class: None,
            result: H::S_OK,
        },
    );
    t.only_warning("SM-5");
}

#[test]
fn sm7_sm8_sm9_sm10_sm11_message_content() {
    let mut t = T::active();
    t.poll(1)
        .start(IN1)
        .ev(SP, Body::MsgRefWrite { value: 7 })
        .ev(
            SP,
            Body::MessageRecipients {
                msg: IN1,
                complete: false,
                result: H::S_OK,
            },
        )
        .ev(
            SP,
            Body::MessageWrite {
                msg: IN1,
                content: None,
                nontransmittable: true,
                entry_id: true,
                message_class: None,
                result: H::S_OK,
            },
        )
        .ev(
            SP,
            Body::SaveChanges {
                msg: IN1,
                result: H::S_OK,
            },
        )
        .ev(
            SP,
            Body::SaveChanges {
                msg: IN1,
                result: H::S_OK,
            },
        )
        .ev(SP, Body::MessageRelease { msg: IN1 });
    assert_eq!(t.errors(), vec!["SM-7", "SM-9", "SM-10", "SM-11"]);
    assert_eq!(
        t.warnings(),
        vec!["SM-8"],
        "SM-8 is graded warn by SPEC §5.5"
    );
}

#[test]
fn sm13_warns_and_spn8_critical_then_ok() {
    let mut t = T::active();
    t.poll(1)
        .start(IN1)
        .ev(SP, ret(Method::StartMessage, H::MAPI_E_CALL_FAILED));
    assert!(t.errors().is_empty());
    assert_eq!(t.warnings(), vec!["SM-13"]);
    let mut t = T::active();
    t.poll(1)
        .start(IN1)
        .ev(
            SP,
            Body::SpoolerNotify {
                flags: N::NOTIFY_CRITICAL_ERROR,
                entry_id: None,
                result: crate::vocab::HResult::S_OK,
            },
        )
        .ev(SP, ret(Method::StartMessage, H::S_OK));
    t.only("SPN-8");
    let mut t = T::active();
    t.submit(M1, 5)
        .ev(
            SP,
            Body::SpoolerNotify {
                flags: N::NOTIFY_CRITICAL_ERROR,
                entry_id: None,
                result: crate::vocab::HResult::S_OK,
            },
        )
        .ev(SP, ret(Method::SubmitMessage, H::S_OK));
    t.only("SPN-8");
}

#[test]
fn sm14_success_code_other_than_s_ok() {
    let mut t = T::active();
    t.poll(1)
        .start(IN1)
        .ev(SP, ret(Method::StartMessage, H::MAPI_W_ERRORS_RETURNED));
    t.only("SM-14");
}

#[test]
fn poll1_poll2_poll3() {
    let mut t = T::logged_on(L::empty());
    t.notify(
        F::NOTIFY_BEGIN_INBOUND,
        None,
        Some(St::STATUS_AVAILABLE | St::STATUS_INBOUND_ENABLED),
    )
    .poll(0);
    t.only("POLL-1");
    let mut t = T::active();
    t.ev(Thread::Wire, Body::MailArrived { content: 1 }).poll(0);
    t.only("POLL-2");
    let mut t = T::active();
    t.poll(1).poll(1);
    t.only("POLL-3");
}

/// A missing row is LIFE-23's (tests_life.rs); STAT-1 is the create-once/update-later flag.
#[test]
fn stat1_row_update_first() {
    let mut t = T::new();
    t.ev(
        SP,
        Body::TransportLogon {
            flags: L::LOGON_NO_INBOUND | L::LOGON_NO_OUTBOUND,
        },
    )
    .ev(SP, row(St::STATUS_AVAILABLE));
    t.only("STAT-1");
}

#[test]
fn spn2_spn4_spooler_notify_flags() {
    let mut t = T::active();
    t.ev(
        PT,
        Body::SpoolerNotify {
            flags: N::NOTIFY_NEWMAIL_RECEIVED,
            entry_id: None,
            result: crate::vocab::HResult::S_OK,
        },
    );
    t.only("SPN-2");
    let mut t = T::active();
    t.submit_ok(M1, 5).end(5, E::END_DONT_RESEND);
    t.ev(
        PT,
        Body::SpoolerNotify {
            flags: N::NOTIFY_SENTDEFERRED | N::NOTIFY_CRITICAL_ERROR,
            entry_id: Some(M1),
            result: crate::vocab::HResult::S_OK,
        },
    );
    t.only("SPN-4");
}

#[test]
fn spn6_poll_in_critsec_and_validate_state_not_busy() {
    let mut t = T::active();
    t.ev(
        PT,
        Body::SpoolerNotify {
            flags: N::NOTIFY_CRITSEC,
            entry_id: None,
            result: crate::vocab::HResult::S_OK,
        },
    )
    .poll(0);
    t.only("SPN-6");
    let mut t = T::active();
    t.ev(
        PT,
        Body::SpoolerNotify {
            flags: N::NOTIFY_CRITSEC,
            entry_id: None,
            result: crate::vocab::HResult::S_OK,
        },
    )
    .ev(
        SP,
        Body::ValidateState {
            flags: ValidateStateFlags::empty(),
        },
    )
    .ev(SP, ret(Method::ValidateState, H::S_OK));
    t.only("SPN-6");
    let mut t = T::active();
    t.ev(
        PT,
        Body::SpoolerNotify {
            flags: N::NOTIFY_NONCRIT,
            entry_id: None,
            result: crate::vocab::HResult::S_OK,
        },
    );
    assert_eq!(t.warnings(), vec!["SPN-6"]);
}

#[test]
fn spn7_call_after_critical_error() {
    let mut t = T::active();
    t.ev(
        PT,
        Body::SpoolerNotify {
            flags: N::NOTIFY_CRITICAL_ERROR,
            entry_id: None,
            result: crate::vocab::HResult::S_OK,
        },
    )
    .poll(0);
    t.only("SPN-7");
    let mut t = T::active();
    t.ev(
        PT,
        Body::SpoolerNotify {
            flags: N::NOTIFY_CRITICAL_ERROR,
            entry_id: None,
            result: crate::vocab::HResult::S_OK,
        },
    )
    .ev(
        SP,
        Body::TransportLogoff {
            flags: LogoffFlags::empty(),
        },
    )
    .ev(SP, ret(Method::TransportLogoff, H::S_OK));
    t.clean();
}

#[test]
fn spn10_start_message_after_newmail_outside_window() {
    let mut t = T::logged_on(L::empty());
    t.ev(
        PT,
        Body::SpoolerNotify {
            flags: N::NOTIFY_NEWMAIL,
            entry_id: None,
            result: crate::vocab::HResult::S_OK,
        },
    );
    t.notify(
        F::NOTIFY_BEGIN_INBOUND,
        None,
        Some(St::STATUS_AVAILABLE | St::STATUS_INBOUND_ENABLED),
    );
    t.start(IN1);
    // BEGIN_INBOUND does not revive a NEWMAIL the spooler ignored (AMB-23): SM-1, no signal.
    t.only("SM-1");
    let mut t = T::logged_on(L::empty());
    t.ev(
        PT,
        Body::SpoolerNotify {
            flags: N::NOTIFY_NEWMAIL,
            entry_id: None,
            result: crate::vocab::HResult::S_OK,
        },
    );
    t.ev(
        SP,
        Body::StartMessage {
            flags: Word(0),
            msg: IN1,
            msg_ref: 1,
        },
    );
    assert_eq!(t.errors(), vec!["TN-5", "SPN-10"]);
}

#[test]
fn yld3_yld4_yield_cancel() {
    let mut t = T::active();
    t.submit(M1, 5).ev(
        SP,
        Body::SpoolerYield {
            flags: Word(0),
            result: H::MAPI_E_CALL_FAILED,
        },
    );
    t.only("YLD-3");
    let mut t = T::active();
    t.submit(M1, 5)
        .ev(
            SP,
            Body::SpoolerYield {
                flags: Word(0),
                result: H::MAPI_W_CANCEL_MESSAGE,
            },
        )
        .ev(
            SP,
            Body::MessageRead {
                msg: M1,
                result: H::S_OK,
            },
        )
        .ev(SP, ret(Method::SubmitMessage, H::S_OK));
    assert_eq!(t.errors(), vec!["YLD-4"]);
    assert_eq!(t.warnings(), vec!["YLD-4"]);
    let mut t = T::active();
    t.submit(M1, 5)
        .ev(
            SP,
            Body::SpoolerYield {
                flags: Word(0),
                result: H::MAPI_W_CANCEL_MESSAGE,
            },
        )
        .ev(SP, ret(Method::SubmitMessage, H::MAPI_E_USER_CANCEL));
    t.clean();
}

#[test]
fn def2_abort_submit_of_locked_message() {
    let mut t = T::active();
    t.submit(M1, 5).ev(
        Thread::Client(1),
        Body::AbortSubmit {
            msg: M1,
            hr: H::S_OK,
            flags: crate::event::Word(0),
        },
    );
    t.only("DEF-2");
}

#[test]
fn def4_def5_def7_deferral() {
    let mut t = T::active();
    t.ev(
        PT,
        Body::SpoolerNotify {
            flags: N::NOTIFY_SENTDEFERRED,
            entry_id: Some(M1),
            result: crate::vocab::HResult::S_OK,
        },
    );
    t.only("DEF-4");
    let mut t = T::active();
    t.ev(
        SP,
        Body::SubmitMessage {
            flags: SubmitFlags::empty(),
            msg: M1,
            msg_ref: 0,
        },
    )
    .ev(SP, ret(Method::SubmitMessage, H::MAPI_E_CANCEL));
    assert_eq!(t.warnings(), vec!["DEF-5"]);
    let mut t = T::active();
    t.submit_ok(M1, 5).end(5, E::END_DONT_RESEND);
    t.notify(
        F::NOTIFY_ABORT_DEFERRED | F::NOTIFY_CANCEL_MESSAGE,
        Some(NotifyData::EntryId(M1)),
        None,
    );
    t.ev(
        PT,
        Body::SpoolerNotify {
            flags: N::NOTIFY_SENTDEFERRED,
            entry_id: Some(M1),
            result: crate::vocab::HResult::S_OK,
        },
    );
    t.only("DEF-7");
}

#[test]
fn malformed_returns_are_trace_errors() {
    use crate::judge::TraceError;
    let mut t = T::active();
    let seq = t.seq;
    let e = Event::new(seq, SP, ret(Method::Poll, H::S_OK));
    assert!(matches!(
        t.judge.observe(&t.cfg, &e, &mut t.c),
        Err(TraceError::ReturnWithoutCall { .. })
    ));
    t.ev(SP, Body::Poll);
    let e = Event::new(t.seq, SP, ret(Method::StartMessage, H::S_OK));
    assert!(matches!(
        t.judge.observe(&t.cfg, &e, &mut t.c),
        Err(TraceError::ReturnMismatch { .. })
    ));
}

#[test]
fn impossible_traces_are_trace_errors() {
    use crate::judge::TraceError;
    // Any event but the environment's on a logon index that never logged on.
    let mut t = T::new();
    let e = Event::new(0, SP, Body::Poll);
    assert!(matches!(
        t.judge.observe(&t.cfg, &e, &mut t.c),
        Err(TraceError::NoLogon { logon: 0, .. })
    ));
    let e = Event::new(0, Thread::Wire, Body::MailArrived { content: 1 });
    assert!(t.judge.observe(&t.cfg, &e, &mut t.c).is_ok());
    // A msg-ref write with no SubmitMessage or StartMessage open on its thread.
    let mut t = T::active();
    let e = Event::new(t.seq, SP, Body::MsgRefWrite { value: 5 });
    assert!(matches!(
        t.judge.observe(&t.cfg, &e, &mut t.c),
        Err(TraceError::MsgRefWithoutCall { .. })
    ));
    // A second TransportLogon on a live logon index.
    let e = Event::new(
        t.seq,
        SP,
        Body::TransportLogon {
            flags: L::LOGON_NO_INBOUND | L::LOGON_NO_OUTBOUND,
        },
    );
    assert!(matches!(
        t.judge.observe(&t.cfg, &e, &mut t.c),
        Err(TraceError::LogonInUse { logon: 0, .. })
    ));
}

#[test]
fn events_round_trip_as_json_lines() {
    let e = Event::new(
        3,
        NT,
        Body::TransportNotify {
            flags: F::NOTIFY_CANCEL_MESSAGE,
            data: Some(NotifyData::MsgRef(5)),
        },
    );
    let line = e.to_json_line();
    assert_eq!(
        line,
        r#"{"v":1,"seq":3,"thread":"notify","event":"transport_notify","flags":"0x80000000","data":{"msg_ref":5}}"#
    );
    let back: Event = serde_json::from_str(&line).expect("parses");
    assert_eq!(back, e);
    let r = Event::new(
        4,
        SP,
        ret_flags(Method::EndMessage, H::S_OK, E::END_DONT_RESEND.raw()),
    );
    let back: Event = serde_json::from_str(&r.to_json_line()).expect("parses");
    assert_eq!(back, r);
}

#[test]
fn stat4_stale_status_word_written_later() {
    let mut t = T::active();
    t.notify(
        F::NOTIFY_END_INBOUND,
        None,
        Some(St::STATUS_AVAILABLE | St::STATUS_OUTBOUND_ENABLED),
    );
    // A write computed from the word read before END_INBOUND brings INBOUND_ENABLED back.
    t.ev(SP, row(ENABLED | St::STATUS_OUTBOUND_ACTIVE));
    t.only("STAT-4");
    let mut t = T::active();
    t.notify(
        F::NOTIFY_END_INBOUND,
        None,
        Some(St::STATUS_AVAILABLE | St::STATUS_OUTBOUND_ENABLED),
    );
    t.ev(
        SP,
        row(St::STATUS_AVAILABLE | St::STATUS_OUTBOUND_ENABLED | St::STATUS_OUTBOUND_ACTIVE),
    );
    t.clean();
}

#[test]
fn sub5_critical_error_on_a_routine_refusal() {
    let mut t = T::active();
    t.ev(
        SP,
        Body::SubmitMessage {
            flags: SubmitFlags::empty(),
            msg: M1,
            msg_ref: 0,
        },
    )
    .ev(SP, Body::MsgRefWrite { value: 5 })
    .ev(
        SP,
        Body::SpoolerNotify {
            flags: N::NOTIFY_CRITICAL_ERROR,
            entry_id: None,
            result: crate::vocab::HResult::S_OK,
        },
    )
    .ev(SP, ret(Method::SubmitMessage, H::MAPI_E_NOT_ME));
    t.only("SUB-5");
    let mut t = T::active();
    t.ev(
        SP,
        Body::SubmitMessage {
            flags: SubmitFlags::empty(),
            msg: M1,
            msg_ref: 0,
        },
    )
    .ev(SP, Body::MsgRefWrite { value: 5 })
    .ev(SP, ret(Method::SubmitMessage, H::MAPI_E_NOT_ME));
    t.clean();
}

#[test]
fn tn17_user_cancel_for_a_message_no_cancel_named() {
    // A per-logon cancel flag left set by a stale cancel stops the next message instead.
    let mut t = T::active();
    t.submit(M1, 5);
    t.ev(SP, ret(Method::SubmitMessage, H::MAPI_E_USER_CANCEL));
    t.only("TN-17");
    // Quiet: the spooler cancelled that very message.
    let mut t = T::active();
    t.submit(M1, 5);
    t.notify(F::NOTIFY_CANCEL_MESSAGE, Some(NotifyData::MsgRef(5)), None);
    t.ev(SP, ret(Method::SubmitMessage, H::MAPI_E_USER_CANCEL));
    t.clean();
}

#[test]
fn tn27_exercised_only_when_notify_overlaps_an_entry_point() {
    let mut t = T::active();
    assert_eq!(t.checks(Rid::Tn27), 0, "BEGIN_* alone overlaps nothing");
    t.submit(M1, 5);
    t.notify(
        F::NOTIFY_END_INBOUND,
        None,
        Some(St::STATUS_AVAILABLE | St::STATUS_OUTBOUND_ENABLED),
    );
    t.ev(SP, ret(Method::SubmitMessage, H::S_OK));
    assert_eq!(t.checks(Rid::Tn27), 1);
    t.clean();
}

fn transmit(msg: MsgId, nontransmittable: bool, taken: bool) -> Body {
    Body::Transmit {
        msg,
        nontransmittable,
        taken,
        had_nontransmittable: true,
        had_taken: true,
        result: H::S_OK,
    }
}

#[test]
fn sub11_sub12_transmitting_what_must_stay_behind() {
    let mut t = T::active();
    t.submit(M1, 5).ev(SP, transmit(M1, true, false));
    t.only("SUB-11");
    let mut t = T::active();
    t.submit(M1, 5).ev(SP, transmit(M1, false, true));
    t.only("SUB-12");
    // Quiet: the content went without them, and both rules were checked.
    let mut t = T::active();
    t.submit(M1, 5)
        .ev(SP, transmit(M1, false, false))
        .ev(SP, ret(Method::SubmitMessage, H::S_OK));
    t.clean();
    assert_eq!(t.checks(Rid::Sub11), 1);
    assert_eq!(t.checks(Rid::Sub12), 1);
}

#[test]
fn tn17_transmitting_after_the_cancel_returned() {
    let mut t = T::active();
    t.submit(M1, 5);
    t.notify(F::NOTIFY_CANCEL_MESSAGE, Some(NotifyData::MsgRef(5)), None);
    t.ev(SP, transmit(M1, false, false));
    assert!(t.errors().contains(&"TN-17"), "{:?}", t.errors());
}

#[test]
fn open_obligations_list_what_logoff_would_judge() {
    let mut t = T::active();
    let open = t.judge.sessions[0].open_obligations();
    assert_eq!(open.len(), 1, "{open:?}");
    assert!(open[0].starts_with("LIFE-35"), "{open:?}");
    t.notify(
        F::NOTIFY_BEGIN_INBOUND_FLUSH,
        None,
        Some(ENABLED | St::STATUS_INBOUND_FLUSH),
    );
    t.submit_ok(M1, 5);
    let open = t.judge.sessions[0].open_obligations();
    assert!(open.iter().any(|o| o.starts_with("FQ-14")), "{open:?}");
    assert!(open.iter().any(|o| o.starts_with("FLOW-1")), "{open:?}");
}
