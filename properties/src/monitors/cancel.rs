//! Cancellation: the spooler's cancel payload (TN-17, TN-21, EM-3), the interleaving the harness
//! must generate (TN-18), and the provider's obligations after a cancel — no further transfer on
//! the message (TN-17, AMB-6 (a)), a bounded number of further harness calls (TN-19, AMB-6 (b)),
//! END_OUTBOUND is not a cancel (TN-24) — and after SpoolerYield's MAPI_W_CANCEL_MESSAGE (YLD-4).

use super::{graded, require, Cx};
use crate::event::{Body, Method, NotifyData};
use crate::grading::Graded;
use crate::judge::session::{Cancel, Ended, OutPhase, Target};
use crate::judge::Sink;
use crate::rules::Rid;
use crate::vocab::{HResult, TransportNotifyFlags as F};

pub(super) fn check<S: Sink<Rid>>(cx: &mut Cx<'_, S>) {
    let body = cx.ev.body;
    if let Body::TransportNotify { flags, data } = body {
        if flags.contains(F::NOTIFY_CANCEL_MESSAGE) && !flags.contains(F::NOTIFY_ABORT_DEFERRED) {
            on_cancel(cx, data);
        }
    }
    if body.is_harness_call() {
        after_cancel(cx);
    }
    if let Body::Return { method, hr, .. } = body {
        if matches!(
            method,
            Method::SubmitMessage | Method::StartMessage | Method::EndMessage
        ) {
            on_message_return(cx, method, hr);
        }
    }
}

fn on_cancel<S: Sink<Rid>>(cx: &mut Cx<'_, S>, data: Option<NotifyData>) {
    let Some(NotifyData::MsgRef(r)) = data else {
        require!(cx, Rid::Tn17, false, Spooler,
            "NOTIFY_CANCEL_MESSAGE without NOTIFY_ABORT_DEFERRED must point *lppvData at a 32-bit msg-ref, got {data:?} (TN-17, AMB-2)");
        return;
    };
    let s = cx.s;
    match s.cancel_target(r) {
        Some(t) => {
            require!(cx, Rid::Tn17, true, Spooler, "");
            // The payload names a live message: no dead msg-ref (EM-3); a preset value only
            // where the provider has not written its own yet (TN-21).
            require!(cx, Rid::Em3, true, Spooler, "");
            let preset = match t {
                Target::In(_) => s.inb.obj.is_some_and(|o| !o.ref_written),
                Target::Out(id) => s.out(id).is_some_and(|m| !m.ref_written),
            };
            if preset {
                require!(cx, Rid::Tn21, true, Spooler, "");
            }
            let running = match t {
                Target::In(_) => s.inb.obj.is_some(),
                Target::Out(id) => s
                    .out(id)
                    .is_some_and(|m| matches!(m.phase, OutPhase::Submitting | OutPhase::Ending)),
            };
            if running {
                // TN-18: the harness delivered a cancel while the entry point handling that
                // message is still executing on another thread.
                cx.out.checked(Rid::Tn18);
            }
        }
        None => {
            let unwritten_out = s.out.iter().find(|m| m.in_flight() && !m.ref_written);
            let unwritten_in = s.inb.obj.filter(|o| !o.ref_written);
            let dead = s
                .out
                .iter()
                .find(|m| m.ended == Ended::EndMessage && !m.in_flight() && m.msg_ref == r);
            if let Some(m) = unwritten_out {
                require!(cx, Rid::Tn21, false, Spooler,
                    "cancel names msg-ref {r}, but {} has not written its msg-ref, so the spooler's value is its preset {} (TN-21, SUB-3)", m.id, m.msg_ref);
            } else if let Some(o) = unwritten_in {
                require!(cx, Rid::Tn21, false, Spooler,
                    "cancel names msg-ref {r}, but the inbound message has not written its msg-ref, so the spooler's value is its preset {} (TN-21, SM-4)", o.msg_ref);
            } else if let Some(m) = dead {
                require!(cx, Rid::Em3, false, Spooler,
                    "cancel names msg-ref {r}, which stopped identifying {} when its EndMessage returned (EM-3)", m.id);
            } else {
                require!(
                    cx,
                    Rid::Tn17,
                    false,
                    Spooler,
                    "cancel names msg-ref {r}, which no in-flight message carries (TN-17)"
                );
            }
        }
    }
}

fn is_transfer(body: &Body) -> bool {
    matches!(
        body,
        Body::MessageWrite { .. }
            | Body::MessageRecipients { .. }
            | Body::SetResponsibility { .. }
            | Body::Transmit { .. }
            | Body::SaveChanges { .. }
            | Body::StatusRecips { .. }
    )
}

fn after_cancel<S: Sink<Rid>>(cx: &mut Cx<'_, S>) {
    let s = cx.s;
    let body = cx.ev.body;
    let k = cx.cfg.cancel_budget;
    if let Some(t) = s.handled_by(cx.ev.thread) {
        if let Cancel::Returned(n) = s.cancel_of(t) {
            require!(cx, Rid::Tn19, n < k, Provider,
                "after TransportNotify(NOTIFY_CANCEL_MESSAGE) returned, the entry point handling the cancelled message made {} further harness calls without returning (bound K = {k}, TN-19, AMB-6 (b))", n + 1);
        }
    }
    if is_transfer(&body) {
        if let Some(t) = body.message().and_then(|m| s.target_of_message(m)) {
            if s.cancel_of(t).returned() {
                require!(cx, Rid::Tn17, false, Provider,
                    "{}: the provider kept transferring a message after TransportNotify(NOTIFY_CANCEL_MESSAGE) for it returned (TN-17, AMB-6 (a))", crate::render::describe(cx.ev).trim());
            }
        }
    }
    if let Some(f) = s.frame(cx.ev.thread) {
        if f.yield_cancel
            && matches!(
                f.method,
                Method::SubmitMessage | Method::StartMessage | Method::EndMessage
            )
        {
            require!(cx, Rid::Yld4, false, Provider,
                "SpoolerYield returned MAPI_W_CANCEL_MESSAGE but {:?} went on calling into the harness ({}) instead of returning (YLD-4, AMB-6 (b) K = 0)", f.method, crate::render::describe(cx.ev).trim());
        }
    }
}

fn on_message_return<S: Sink<Rid>>(cx: &mut Cx<'_, S>, method: Method, hr: HResult) {
    let s = cx.s;
    let Some(f) = s.frame(cx.ev.thread) else {
        return;
    };
    if f.yield_cancel {
        graded!(cx, Rid::Yld4, Graded::YieldCancelReturn, hr == HResult::MAPI_E_USER_CANCEL, Provider,
            "{method:?} returned {hr} after SpoolerYield answered MAPI_W_CANCEL_MESSAGE; MAPI_E_USER_CANCEL is expected (YLD-4)");
    }
    let t = s.handled_by(cx.ev.thread);
    if let Some(t) = t {
        if s.cancel_of(t).returned() {
            // The entry point returned within the bound: TN-19 holds for this cancel.
            cx.out.checked(Rid::Tn19);
        }
    }
    if let Some(t) = t {
        let end_outbound =
            matches!(t, Target::Out(id) if s.out(id).is_some_and(|m| m.end_outbound_seen));
        if s.cancel_of(t) == Cancel::None && !f.yield_cancel && !end_outbound {
            // A cancel stops the message it names and no other (TN-17): a per-logon cancel
            // flag, say, that a stale cancel left set stops the next message instead.
            let which = match t {
                Target::Out(id) => id.to_string(),
                Target::In(id) => format!("inbound {id}"),
            };
            require!(cx, Rid::Tn17, hr != HResult::MAPI_E_USER_CANCEL, Provider,
                "{method:?} returned MAPI_E_USER_CANCEL for {which}, which no NOTIFY_CANCEL_MESSAGE named and no SpoolerYield cancelled: a cancel stops only the message it names (TN-17)");
        }
    }
    if let Some(Target::Out(id)) = t {
        if let Some(m) = s.out(id) {
            if m.end_outbound_seen && m.cancel == Cancel::None && !f.yield_cancel {
                require!(cx, Rid::Tn24, hr != HResult::MAPI_E_USER_CANCEL, Provider,
                    "{method:?} for {id} returned MAPI_E_USER_CANCEL after NOTIFY_END_OUTBOUND; an outbound message in progress is not stopped by END_OUTBOUND, only by NOTIFY_CANCEL_MESSAGE (TN-24)");
            }
        }
    }
}
