//! The FlushQueues sequence (FQ-1, FQ-2, FQ-5, FQ-7, FQ-9..FQ-14): each check fires on a
//! hand-made trace and stays quiet, counting checks, on a conforming one.

use super::testkit::*;
use crate::event::{Body, Method, Thread};
use crate::judge::Blame;
use crate::rules::Rid;
use crate::vocab::{
    EndMessageFlags as E, FlushFlags as Q, HResult as H, LogoffFlags, SpoolerNotifyFlags as N,
    StatusCode as St, SubmitFlags, TransportNotifyFlags as F,
};

const IN_FLUSH: St = St::STATUS_INBOUND_FLUSH;
const OUT_FLUSH: St = St::STATUS_OUTBOUND_FLUSH;

impl T {
    /// FlushQueues(flags) on the spooler thread; the provider writes `row_during` (if any) and
    /// returns `hr`.
    fn flush_queues(&mut self, flags: Q, row_during: Option<St>, hr: H) -> &mut T {
        self.ev(SP, Body::FlushQueues { flags });
        if let Some(r) = row_during {
            self.ev(SP, row(r));
        }
        self.ev(SP, ret(Method::FlushQueues, hr))
    }

    /// StartMessage that returns S_OK without SaveChanges: "no more mail" (AMB-15).
    fn start_empty(&mut self, obj: crate::event::MsgId) -> &mut T {
        self.start(obj).ev(SP, ret(Method::StartMessage, H::S_OK))
    }

    fn logoff(&mut self) -> &mut T {
        self.end_traffic()
            .ev(
                SP,
                Body::TransportLogoff {
                    flags: LogoffFlags::empty(),
                },
            )
            .ev(SP, ret(Method::TransportLogoff, H::S_OK))
    }

    #[track_caller]
    fn blamed(&self, rule: &str, blame: Blame) {
        let f = self
            .c
            .findings
            .iter()
            .find(|f| f.rule == rule)
            .unwrap_or_else(|| panic!("no {rule} finding: {:#?}", self.c.findings));
        assert_eq!(f.blame, blame, "{f:#?}");
    }
}

/// The sequence of "Implementing the FlushQueues Method": FlushQueues(UPLOAD|DOWNLOAD|NO_UI)
/// announces the deferred message and shows the outbound bit; the Submit/End loop; END_OUTBOUND
/// with the inbound bit shown; the StartMessage loop until "no more mail"; END_INBOUND with the
/// bit cleared; logoff with no flush open.
#[test]
fn conforming_flush_queues_sequence_is_quiet_and_checked() {
    let mut t = T::active();
    t.submit_ok(M1, 5).end(5, E::END_DONT_RESEND);
    t.ev(
        SP,
        Body::FlushQueues {
            flags: Q::FLUSH_UPLOAD | Q::FLUSH_DOWNLOAD | Q::FLUSH_NO_UI,
        },
    )
    .ev(SP, Body::spooler_notify(N::NOTIFY_SENTDEFERRED, Some(M1)))
    .ev(SP, row(ENABLED | OUT_FLUSH))
    .ev(SP, ret(Method::FlushQueues, H::S_OK));
    // Outbound phase.
    t.ev(
        SP,
        Body::SubmitMessage {
            flags: SubmitFlags::BEGIN_DEFERRED,
            msg: M1,
            msg_ref: 0,
        },
    )
    .ev(SP, Body::MsgRefWrite { value: 5 })
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
    .ev(SP, ret(Method::SubmitMessage, H::S_OK))
    .end(5, E::empty());
    t.notify(F::NOTIFY_END_OUTBOUND_FLUSH, None, Some(ENABLED | IN_FLUSH));
    // Inbound phase: one message, then "no more mail".
    t.ev(Thread::Wire, Body::MailArrived { content: 1 })
        .deliver(IN1, 1)
        .start_empty(IN2);
    t.notify(F::NOTIFY_END_INBOUND_FLUSH, None, Some(ENABLED));
    t.notify(
        F::NOTIFY_END_INBOUND | F::NOTIFY_END_OUTBOUND,
        None,
        Some(St::STATUS_AVAILABLE),
    );
    t.logoff();
    t.clean();
    for r in [
        Rid::Fq1,
        Rid::Fq2,
        Rid::Fq5,
        Rid::Fq7,
        Rid::Fq9,
        Rid::Fq10,
        Rid::Fq11,
        Rid::Fq12,
        Rid::Fq13,
        Rid::Fq14,
    ] {
        assert!(t.checks(r) > 0, "{} was not exercised", r.id());
    }
    // FlushQueues' bits are FQ-2/FQ-10's business, not TN-8's; the inbound phase's clearing is
    // FQ-12's, not TN-12's.
    assert_eq!(t.checks(Rid::Tn8), 0);
    assert_eq!(t.checks(Rid::Tn12), 0);
}

#[test]
fn fq1_flush_queues_flags() {
    let mut t = T::active();
    t.flush_queues(
        Q::FLUSH_UPLOAD | Q::FLUSH_ASYNC_OK,
        Some(ENABLED | OUT_FLUSH),
        H::S_OK,
    );
    t.only("FQ-1");
    t.blamed("FQ-1", Blame::Spooler);
    // No direction at all.
    let mut t = T::active();
    t.flush_queues(Q::FLUSH_FORCE, None, H::S_OK);
    t.only("FQ-1");
    // An undefined bit.
    let mut t = T::active();
    t.flush_queues(
        Q::FLUSH_DOWNLOAD | Q::from_bits_retain(0x100),
        Some(ENABLED | IN_FLUSH),
        H::S_OK,
    );
    t.only("FQ-1");
}

#[test]
fn fq2_flush_bit_not_shown_at_return() {
    let mut t = T::active();
    t.flush_queues(Q::FLUSH_UPLOAD, None, H::S_OK);
    t.only("FQ-2");
    t.blamed("FQ-2", Blame::Provider);
    // UPLOAD|DOWNLOAD: the outbound bit is the one due at return; the inbound one alone is not it.
    let mut t = T::active();
    t.flush_queues(
        Q::FLUSH_UPLOAD | Q::FLUSH_DOWNLOAD,
        Some(ENABLED | IN_FLUSH),
        H::S_OK,
    );
    t.only("FQ-2");
}

#[test]
fn fq2_refused_flush_opens_no_cycle() {
    let mut t = T::active();
    t.flush_queues(Q::FLUSH_DOWNLOAD, None, H::MAPI_E_BUSY);
    t.only("FQ-2");
    // The spooler owes no END_INBOUND_FLUSH for a flush the provider refused (FQ-14).
    t.logoff();
    t.only("FQ-2");
    assert!(t.checks(Rid::Fq14) > 0);
}

#[test]
fn fq2_only_the_first_phase_bit_is_due_at_return() {
    // With UPLOAD|DOWNLOAD the inbound bit is due by the end of the outbound phase (FQ-10).
    let mut t = T::active();
    t.flush_queues(
        Q::FLUSH_UPLOAD | Q::FLUSH_DOWNLOAD,
        Some(ENABLED | OUT_FLUSH),
        H::S_OK,
    );
    t.notify(F::NOTIFY_END_OUTBOUND_FLUSH, None, Some(ENABLED | IN_FLUSH));
    t.clean();
    assert!(t.checks(Rid::Fq2) > 0);
    assert!(t.checks(Rid::Fq10) > 0);
}

fn show_ui() -> Body {
    Body::ShowUi { cancelled: false }
}

#[test]
fn fq5_ui_under_flush_no_ui_is_a_warning_and_an_error_under_strict() {
    let mut t = T::active();
    t.ev(
        SP,
        Body::FlushQueues {
            flags: Q::FLUSH_UPLOAD | Q::FLUSH_NO_UI,
        },
    )
    .ev(SP, show_ui())
    .ev(SP, row(ENABLED | OUT_FLUSH))
    .ev(SP, ret(Method::FlushQueues, H::S_OK));
    t.only_warning("FQ-5");
    t.blamed("FQ-5", Blame::Provider);
    // In the outbound phase the flush is still FLUSH_NO_UI's.
    let mut t = T::active();
    t.cfg.deny_warnings = true;
    t.flush_queues(
        Q::FLUSH_UPLOAD | Q::FLUSH_NO_UI,
        Some(ENABLED | OUT_FLUSH),
        H::S_OK,
    );
    t.submit(M1, 5).ev(SP, show_ui());
    t.only("FQ-5");
}

#[test]
fn fq5_ui_allowed_without_flush_no_ui_or_after_the_flush() {
    let mut t = T::active();
    t.ev(
        SP,
        Body::FlushQueues {
            flags: Q::FLUSH_UPLOAD,
        },
    )
    .ev(SP, show_ui())
    .ev(SP, row(ENABLED | OUT_FLUSH))
    .ev(SP, ret(Method::FlushQueues, H::S_OK));
    t.notify(F::NOTIFY_END_OUTBOUND_FLUSH, None, Some(ENABLED));
    // After a FLUSH_NO_UI flush ended, and a client's SettingsDialog during one.
    t.flush_queues(
        Q::FLUSH_UPLOAD | Q::FLUSH_NO_UI,
        Some(ENABLED | OUT_FLUSH),
        H::S_OK,
    );
    t.ev(Thread::Client(1), Body::StatusSettingsDialog)
        .ev(Thread::Client(1), show_ui())
        .ev(
            Thread::Client(1),
            ret(Method::StatusSettingsDialog, H::S_OK),
        );
    t.notify(F::NOTIFY_END_OUTBOUND_FLUSH, None, Some(ENABLED));
    t.ev(PT, show_ui());
    t.clean();
    assert!(t.checks(Rid::Fq5) > 0);
}

#[test]
fn fq7_deferred_message_not_announced_before_flush_returns() {
    let mut t = T::active();
    t.submit_ok(M1, 5).end(5, E::END_DONT_RESEND);
    t.flush_queues(Q::FLUSH_UPLOAD, Some(ENABLED | OUT_FLUSH), H::S_OK);
    t.only("FQ-7");
    t.blamed("FQ-7", Blame::Provider);
    // A download-only flush owes no announcement.
    let mut t = T::active();
    t.submit_ok(M1, 5).end(5, E::END_DONT_RESEND);
    t.flush_queues(Q::FLUSH_DOWNLOAD, Some(ENABLED | IN_FLUSH), H::S_OK);
    t.clean();
}

#[test]
fn fq9_end_outbound_flush_while_a_message_is_in_flight() {
    let mut t = T::active();
    t.flush_queues(
        Q::FLUSH_UPLOAD | Q::FLUSH_DOWNLOAD,
        Some(ENABLED | OUT_FLUSH | IN_FLUSH),
        H::S_OK,
    );
    t.submit_ok(M1, 5);
    t.notify(F::NOTIFY_END_OUTBOUND_FLUSH, None, Some(ENABLED | IN_FLUSH));
    t.only("FQ-9");
    t.blamed("FQ-9", Blame::Spooler);
}

#[test]
fn fq9_inbound_phase_before_the_outbound_phase_ended() {
    let mut t = T::active();
    t.flush_queues(
        Q::FLUSH_UPLOAD | Q::FLUSH_DOWNLOAD,
        Some(ENABLED | OUT_FLUSH | IN_FLUSH),
        H::S_OK,
    );
    t.ev(Thread::Wire, Body::MailArrived { content: 1 })
        .deliver(IN1, 1);
    t.only("FQ-9");
}

#[test]
fn fq10_inbound_bit_missing_when_the_outbound_phase_ends() {
    let mut t = T::active();
    t.flush_queues(
        Q::FLUSH_UPLOAD | Q::FLUSH_DOWNLOAD,
        Some(ENABLED | OUT_FLUSH),
        H::S_OK,
    );
    t.notify(F::NOTIFY_END_OUTBOUND_FLUSH, None, Some(ENABLED));
    t.only("FQ-10");
    t.blamed("FQ-10", Blame::Provider);
}

#[test]
fn fq11_end_inbound_flush_before_the_queue_is_empty() {
    let mut t = T::active();
    t.flush_queues(Q::FLUSH_DOWNLOAD, Some(ENABLED | IN_FLUSH), H::S_OK);
    t.ev(Thread::Wire, Body::MailArrived { content: 1 })
        .deliver(IN1, 1);
    t.notify(F::NOTIFY_END_INBOUND_FLUSH, None, Some(ENABLED));
    t.only("FQ-11");
    t.blamed("FQ-11", Blame::Spooler);
}

#[test]
fn fq11_end_after_the_provider_stopped_the_flush_or_at_shutdown() {
    // The provider cleared its bit (FQ-13): the spooler may end the flush at once.
    let mut t = T::active();
    t.flush_queues(Q::FLUSH_DOWNLOAD, Some(ENABLED | IN_FLUSH), H::S_OK);
    t.ev(PT, row(ENABLED));
    t.notify(F::NOTIFY_END_INBOUND_FLUSH, None, None);
    // A shutdown ends inbound operation together with the flush.
    t.flush_queues(Q::FLUSH_DOWNLOAD, Some(ENABLED | IN_FLUSH), H::S_OK);
    t.notify(
        F::NOTIFY_END_INBOUND_FLUSH | F::NOTIFY_END_INBOUND,
        None,
        Some(St::STATUS_AVAILABLE | St::STATUS_OUTBOUND_ENABLED),
    );
    t.clean();
}

#[test]
fn fq12_inbound_bit_left_set_after_a_flush_queues_flush() {
    let mut t = T::active();
    t.flush_queues(Q::FLUSH_DOWNLOAD, Some(ENABLED | IN_FLUSH), H::S_OK);
    t.start_empty(IN1);
    t.notify(F::NOTIFY_END_INBOUND_FLUSH, None, None);
    t.logoff();
    t.only("FQ-12");
    t.blamed("FQ-12", Blame::Provider);
    // Bound: the next FlushQueues asking for the direction (AMB-3).
    let mut t = T::active();
    t.flush_queues(Q::FLUSH_DOWNLOAD, Some(ENABLED | IN_FLUSH), H::S_OK);
    t.start_empty(IN1);
    t.notify(F::NOTIFY_END_INBOUND_FLUSH, None, None);
    t.ev(
        SP,
        Body::FlushQueues {
            flags: Q::FLUSH_DOWNLOAD,
        },
    );
    t.only("FQ-12");
}

#[test]
fn fq13_start_message_justified_by_a_flush_the_row_does_not_show() {
    // The inbound flush ended (END_INBOUND_FLUSH) but the bit is still set: no more driving.
    let mut t = T::active();
    t.notify(
        F::NOTIFY_BEGIN_INBOUND_FLUSH,
        None,
        Some(ENABLED | IN_FLUSH),
    );
    t.notify(F::NOTIFY_END_INBOUND_FLUSH, None, None);
    t.start_empty(IN1);
    t.only("FQ-13");
    t.blamed("FQ-13", Blame::Spooler);
}

#[test]
fn fq13_start_message_in_a_requested_flush() {
    // The flush was asked for but the provider has not shown the bit yet.
    let mut t = T::active();
    t.ev(
        NT,
        Body::TransportNotify {
            flags: F::NOTIFY_BEGIN_INBOUND_FLUSH,
            data: None,
        },
    );
    t.start_empty(IN1);
    t.only("FQ-13");
}

#[test]
fn fq13_signalled_start_message_needs_no_flush_bit() {
    let mut t = T::active();
    t.ev(
        NT,
        Body::TransportNotify {
            flags: F::NOTIFY_BEGIN_INBOUND_FLUSH,
            data: None,
        },
    );
    t.ev(Thread::Wire, Body::MailArrived { content: 1 })
        .poll(1)
        .deliver(IN1, 1);
    t.clean();
}

#[test]
fn fq14_logoff_during_a_flush() {
    let mut t = T::active();
    t.flush_queues(Q::FLUSH_UPLOAD, Some(ENABLED | OUT_FLUSH), H::S_OK);
    t.logoff();
    t.only("FQ-14");
    t.blamed("FQ-14", Blame::Spooler);
}

#[test]
fn fq14_inbound_flush_ended_alone_while_the_outbound_phase_runs() {
    let mut t = T::active();
    t.flush_queues(
        Q::FLUSH_UPLOAD | Q::FLUSH_DOWNLOAD,
        Some(ENABLED | OUT_FLUSH | IN_FLUSH),
        H::S_OK,
    );
    t.notify(F::NOTIFY_END_INBOUND_FLUSH, None, Some(ENABLED | OUT_FLUSH));
    t.only("FQ-14");
}

#[test]
fn fq14_shutdown_ends_both_phases_in_one_call() {
    let mut t = T::active();
    t.flush_queues(
        Q::FLUSH_UPLOAD | Q::FLUSH_DOWNLOAD,
        Some(ENABLED | OUT_FLUSH | IN_FLUSH),
        H::S_OK,
    );
    t.submit_ok(M1, 5);
    // Stopping mid-message ends both at once (no FQ-9, no FQ-11).
    t.notify(
        F::NOTIFY_END_INBOUND_FLUSH | F::NOTIFY_END_OUTBOUND_FLUSH,
        None,
        Some(ENABLED),
    );
    t.end(5, E::empty());
    t.notify(
        F::NOTIFY_END_INBOUND | F::NOTIFY_END_OUTBOUND,
        None,
        Some(St::STATUS_AVAILABLE),
    );
    t.logoff();
    t.clean();
    assert!(t.checks(Rid::Fq14) > 0);
}

#[test]
fn fq14_not_owed_after_a_critical_error() {
    let mut t = T::active();
    t.flush_queues(Q::FLUSH_UPLOAD, Some(ENABLED | OUT_FLUSH), H::S_OK);
    t.ev(PT, Body::spooler_notify(N::NOTIFY_CRITICAL_ERROR, None));
    t.logoff();
    t.clean();
}
