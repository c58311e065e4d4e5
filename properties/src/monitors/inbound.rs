//! Inbound: StartMessage (SM-1..SM-14), Poll (POLL-1..POLL-3), the inbound window (TN-5, TN-22,
//! SPN-10) and redelivery of a cancelled inbound message (TN-20).

use super::{graded, require, Cx};
use crate::event::{Body, Method};
use crate::grading::Graded;
use crate::judge::session::{Cancel, FlushState, INBOUND};
use crate::judge::Sink;
use crate::rules::Rid;
use crate::vocab::{HResult, LogonFlags};

pub(super) fn check<S: Sink<Rid>>(cx: &mut Cx<'_, S>) {
    let s = cx.s;
    match cx.ev.body {
        Body::StartMessage { flags, msg_ref, .. } => {
            require!(
                cx,
                Rid::Sm2,
                flags.0 == 0,
                Spooler,
                "StartMessage ulFlags = 0x{:08X}; it is reserved and 0 (SM-2)",
                flags.0
            );
            require!(
                cx,
                Rid::Sm4,
                msg_ref == 1,
                Spooler,
                "StartMessage preset *lpulMsgRef to {msg_ref}; the spooler sets 1 (SM-4)"
            );
            let flushing = s.flush[INBOUND].state != FlushState::Off;
            inbound_window(cx, "StartMessage", s.inbound || flushing);
            if s.inb.newmail_seen {
                // A NOTIFY_NEWMAIL was part of the story: was it honoured only inside the window?
                cx.out.checked(Rid::Spn10);
            }
            if s.inb.stale_newmail && !s.inb.signalled && !flushing {
                require!(cx, Rid::Spn10, false, Spooler,
                    "StartMessage prompted only by a NOTIFY_NEWMAIL that arrived while inbound was disabled; the spooler ignores those (SPN-10, AMB-23)");
            } else {
                require!(cx, Rid::Sm1, s.inb.signalled || flushing, Spooler,
                    "StartMessage with no reason to expect mail: no Poll reported any, no NOTIFY_NEWMAIL, no flush (SM-1)");
            }
        }
        Body::Poll => {
            require!(
                cx,
                Rid::Poll1,
                s.caps.contains(LogonFlags::LOGON_SP_POLL),
                Spooler,
                "Poll although TransportLogon did not return LOGON_SP_POLL (POLL-1, LIFE-10)"
            );
            inbound_window(cx, "Poll", s.inbound);
            require!(
                cx,
                Rid::Spn6,
                !s.critsec,
                Spooler,
                "Poll inside the provider's NOTIFY_CRITSEC section (SPN-6)"
            );
            require!(cx, Rid::Poll3, !s.inb.poll_pending, Spooler,
                "Poll again although the last Poll reported mail and no StartMessage followed (POLL-3)");
        }
        Body::Idle { .. } => {
            require!(
                cx,
                Rid::Spn6,
                !s.critsec,
                Spooler,
                "Idle inside the provider's NOTIFY_CRITSEC section (SPN-6)"
            );
        }
        Body::Return {
            method: Method::Poll,
            hr,
            incoming,
            ..
        } => {
            let n = incoming.unwrap_or(0);
            require!(
                cx,
                Rid::Poll2,
                hr == HResult::S_OK,
                Provider,
                "Poll returned {hr}; it returns S_OK (POLL-2)"
            );
            if s.inb.tracking {
                let held = s.inb.held.len();
                let redeliver = s.inb.held.iter().any(|h| h.redeliver);
                if redeliver {
                    require!(cx, Rid::Tn20, n != 0, Provider,
                        "Poll reported no mail while a cancelled inbound message still awaits redelivery (TN-20)");
                }
                if !(redeliver && n == 0) {
                    require!(cx, Rid::Poll2, (n != 0) == (held != 0), Provider,
                        "Poll set *lpulIncoming = {n} while the provider holds {held} inbound message(s) (POLL-2)");
                }
            }
        }
        Body::Return {
            method: Method::StartMessage,
            hr,
            ..
        } => on_start_return(cx, hr),
        _ => {}
    }
    if let Some(msg) = cx.ev.body.message() {
        on_message_use(cx, msg);
    }
}

fn inbound_window<S: Sink<Rid>>(cx: &mut Cx<'_, S>, what: &str, open: bool) {
    if open {
        require!(cx, Rid::Tn5, true, Spooler, "");
    } else if cx.s.inbound_ended {
        require!(
            cx,
            Rid::Tn22,
            false,
            Spooler,
            "{what} after NOTIFY_END_INBOUND: inbound operation has stopped (TN-22)"
        );
    } else {
        require!(cx, Rid::Tn5, false, Spooler,
            "{what} while inbound is disabled (LOGON_NO_INBOUND and no NOTIFY_BEGIN_INBOUND yet) (TN-5)");
    }
}

fn on_start_return<S: Sink<Rid>>(cx: &mut Cx<'_, S>, hr: HResult) {
    let s = cx.s;
    let Some(f) = s.frame(cx.ev.thread) else {
        return;
    };
    let Some(o) = s.inb.obj else { return };
    let cancelled = o.cancel != Cancel::None || f.yield_cancel;
    if hr.is_success() {
        require!(
            cx,
            Rid::Sm14,
            hr == HResult::S_OK,
            Provider,
            "StartMessage returned success code {hr}; S_OK is the only documented one (SM-14)"
        );
    } else if !cancelled {
        graded!(
            cx,
            Rid::Sm13,
            Graded::BareStartMessageError,
            f.critical || cx.cfg.lenient,
            Provider,
            "StartMessage failed with {hr} without reporting NOTIFY_CRITICAL_ERROR (SM-13, AMB-4)"
        );
    }
    if f.critical {
        require!(cx, Rid::Spn8, hr.is_failure(), Provider,
            "StartMessage raised NOTIFY_CRITICAL_ERROR and then returned {hr}; it must return an error (SPN-8)");
    }
    let waiting = s.inb.held.iter().find(|h| h.redeliver);
    if let Some(h) = waiting {
        if hr.is_success() && !cancelled {
            let delivered = o.saved && !o.discarded;
            require!(cx, Rid::Tn20, delivered, Provider,
                "StartMessage returned 'no message' while wire message {} — cancelled earlier — was never delivered again (TN-20)", h.content);
        }
    }
}

fn on_message_use<S: Sink<Rid>>(cx: &mut Cx<'_, S>, msg: crate::event::MsgId) {
    let s = cx.s;
    let body = cx.ev.body;
    let live = s.inb.obj.filter(|o| o.msg == msg);
    let Some(o) = live else {
        if s.out(msg).is_none() {
            let dead = s.inb.dead.contains(&Some(msg));
            require!(cx, Rid::Sm3, !dead, Provider,
                "{}: the provider touched an inbound message object after its StartMessage returned (SM-3)", crate::render::describe(cx.ev).trim());
        }
        return;
    };
    // The object is live (SM-3) and the provider is not releasing it (SM-11).
    require!(cx, Rid::Sm3, true, Provider, "");
    if !matches!(body, Body::MessageRelease { .. }) {
        require!(cx, Rid::Sm11, true, Provider, "");
    }
    if matches!(body, Body::MessageRelease { .. }) {
        require!(
            cx,
            Rid::Sm11,
            false,
            Provider,
            "the provider released lpMessage itself; the spooler owns that reference (SM-11)"
        );
        return;
    }
    if !o.touched {
        graded!(cx, Rid::Sm5, Graded::MsgRefLate, o.ref_written, Provider,
            "{}: StartMessage used lpMessage before storing its msg-ref in *lpulMsgRef (SM-5, AMB-7)", crate::render::describe(cx.ev).trim());
    }
    let writes = matches!(
        body,
        Body::MessageWrite { .. } | Body::MessageRecipients { .. } | Body::SaveChanges { .. }
    );
    if writes {
        require!(
            cx,
            Rid::Sm10,
            !o.saved,
            Provider,
            "{body:?} after SaveChanges already committed the inbound message (SM-10)"
        );
    }
    match body {
        Body::MessageWrite {
            nontransmittable,
            entry_id,
            ..
        } => {
            graded!(
                cx,
                Rid::Sm8,
                Graded::NontransmittableStored,
                !nontransmittable,
                Provider,
                "StartMessage stored nontransmittable properties in the new message (SM-8)"
            );
            require!(
                cx,
                Rid::Sm9,
                !entry_id,
                Provider,
                "StartMessage set PR_ENTRYID on the new message (SM-9)"
            );
        }
        Body::MessageRecipients { complete, .. } => {
            require!(
                cx,
                Rid::Sm7,
                complete,
                Provider,
                "StartMessage wrote a recipient without all required addressing properties (SM-7)"
            );
        }
        _ => {}
    }
}
