//! The FlushQueues sequence (SPEC §2.FQ, "Implementing the FlushQueues Method"; AMB-27):
//! the spooler's flags (FQ-1), the provider's answer (FQ-2, FQ-7), no UI under FLUSH_NO_UI
//! (FQ-5, graded by FQ-19), the outbound phase before the inbound one (FQ-9, FQ-10), the end of
//! the inbound phase (FQ-11), the spooler driving a flush only while the row shows its bit
//! (FQ-13) and no flush left open at TransportLogoff (FQ-14). FQ-12 (clear the inbound bit) is
//! judged with TN-12 in `flush`.

use super::flush::dir_name;
use super::{graded, require, Cx};
use crate::event::{Body, Method, Thread};
use crate::grading::Graded;
use crate::judge::session::{flush_bit, FlushState, Life, OutPhase, INBOUND, OUTBOUND};
use crate::judge::Sink;
use crate::rules::Rid;
use crate::vocab::{FlagWord, FlushFlags as Q, HResult, TransportNotifyFlags as F};

/// The flags `IXPLogon::FlushQueues` may carry (FQ-1).
const ALLOWED: Q = Q::FLUSH_DOWNLOAD
    .union(Q::FLUSH_UPLOAD)
    .union(Q::FLUSH_FORCE)
    .union(Q::FLUSH_NO_UI);

pub(super) fn check<S: Sink<Rid>>(cx: &mut Cx<'_, S>) {
    let s = cx.s;
    let body = cx.ev.body;
    // FQ-5: every provider action inside a FlushQueues(FLUSH_NO_UI) sequence is a chance to
    // show UI; status-object calls on client threads are a client asking for UI (STAT-11).
    let ui_relevant = body.is_harness_call() || matches!(body, Body::ShowUi { .. });
    if ui_relevant && !matches!(cx.ev.thread, Thread::Client(_)) && s.no_ui_flush() {
        let ok = !matches!(body, Body::ShowUi { .. });
        graded!(cx, Rid::Fq5, Graded::UiUnderFlushNoUi, ok, Provider,
            "the provider showed a dialog during FlushQueues(FLUSH_NO_UI); it shows no UI then (FQ-5, FQ-19)");
    }
    match body {
        Body::FlushQueues { flags } => {
            let ok = flags.raw() & !ALLOWED.raw() == 0
                && flags.intersects(Q::FLUSH_UPLOAD | Q::FLUSH_DOWNLOAD);
            require!(cx, Rid::Fq1, ok, Spooler,
                "FlushQueues({}): ulFlags combines FLUSH_DOWNLOAD, FLUSH_UPLOAD, FLUSH_FORCE and FLUSH_NO_UI and names a direction (FLUSH_ASYNC_OK is for the spooler's own status object) (FQ-1)",
                flags.describe());
        }
        Body::Return {
            method: Method::FlushQueues,
            hr,
            ..
        } => on_return(cx, hr),
        Body::Return {
            method: Method::TransportNotify,
            ..
        } => {
            // FQ-10: the outbound phase ended; the inbound phase needs the inbound bit shown.
            let ends_out = s
                .frame(cx.ev.thread)
                .is_some_and(|f| f.notify.contains(F::NOTIFY_END_OUTBOUND_FLUSH));
            if ends_out && s.duties.inbound_phase_due && s.flush[INBOUND].in_cycle() {
                require!(cx, Rid::Fq10, s.flush[INBOUND].state == FlushState::On, Provider,
                    "NOTIFY_END_OUTBOUND_FLUSH of FlushQueues(FLUSH_UPLOAD|FLUSH_DOWNLOAD) returned but the row does not show STATUS_INBOUND_FLUSH for the inbound phase (FQ-10)");
            }
        }
        Body::TransportNotify { flags, .. } => on_notify(cx, flags),
        Body::StartMessage { .. } => {
            let st = s.flush[INBOUND].state;
            let by_signal = s.inbound && s.inb.signalled;
            if !by_signal && st != FlushState::Off {
                // Only the inbound flush justifies this StartMessage.
                require!(cx, Rid::Fq13, st == FlushState::On, Spooler,
                    "StartMessage justified only by an inbound flush whose STATUS_INBOUND_FLUSH the row does not show (flush {st:?}); the spooler drives a flush only while the provider shows its bit (FQ-13)");
                if s.duties.origin[INBOUND].is_flush_queues() {
                    require!(cx, Rid::Fq9, !s.fq_cycle(OUTBOUND), Spooler,
                        "StartMessage of the inbound phase before NOTIFY_END_OUTBOUND_FLUSH ended the outbound phase of FlushQueues(FLUSH_UPLOAD|FLUSH_DOWNLOAD) (FQ-9)");
                }
            }
        }
        // After NOTIFY_CRITICAL_ERROR the spooler may call nothing but TransportLogoff (SPN-7),
        // so it cannot end a flush first: FQ-14 does not apply then.
        Body::TransportLogoff { .. } if s.life != Life::Critical => {
            for d in [INBOUND, OUTBOUND] {
                require!(cx, Rid::Fq14, !s.flush[d].in_cycle(), Spooler,
                    "TransportLogoff during an {} flush ({:?}); the spooler ends open flushes first with NOTIFY_END_*_FLUSH, both bits in one call when both are open (FQ-14)",
                    dir_name(d), s.flush[d].state);
            }
        }
        _ => {}
    }
}

fn on_return<S: Sink<Rid>>(cx: &mut Cx<'_, S>, hr: HResult) {
    let s = cx.s;
    let Some(f) = s.frame(cx.ev.thread) else {
        return;
    };
    require!(
        cx,
        Rid::Fq2,
        hr == HResult::S_OK,
        Provider,
        "FlushQueues returned {hr}; the provider sets its flush bit and returns S_OK (FQ-2)"
    );
    if hr != HResult::S_OK {
        return;
    }
    let upload = f.flush_requested & (1 << OUTBOUND) != 0;
    // The phase that starts first: outbound when FLUSH_UPLOAD was asked (FQ-7, FQ-9).
    let first = if upload {
        Some(OUTBOUND)
    } else if f.flush_requested & (1 << INBOUND) != 0 {
        Some(INBOUND)
    } else {
        None
    };
    if let Some(d) = first {
        let bit = flush_bit(d);
        let shown = s.flush[d].was_set || s.row.is_some_and(|r| r.contains(bit));
        require!(cx, Rid::Fq2, shown, Provider,
            "FlushQueues({}) returned S_OK without {} in the row; the provider shows the bit of the phase that starts first (FQ-2)",
            if upload { "FLUSH_UPLOAD" } else { "FLUSH_DOWNLOAD" }, bit.describe());
    }
    if upload {
        // A NOTIFY_ABORT_DEFERRED still running for a message settles it (DEF-6).
        let owed = s
            .out
            .iter()
            .find(|m| {
                m.phase == OutPhase::Deferred && !s.frames.iter().any(|f| f.aborts == Some(m.id))
            })
            .map(|m| m.id);
        require!(cx, Rid::Fq7, owed.is_none(), Provider,
            "FlushQueues(FLUSH_UPLOAD) returned while {} is still deferred; the provider first announces deferred messages with SpoolerNotify(NOTIFY_SENTDEFERRED) (FQ-7)",
            owed.map(|m| m.to_string()).unwrap_or_default());
    }
}

fn on_notify<S: Sink<Rid>>(cx: &mut Cx<'_, S>, flags: F) {
    let s = cx.s;
    let both = F::NOTIFY_END_INBOUND_FLUSH | F::NOTIFY_END_OUTBOUND_FLUSH;
    // Ending both at once is the spooler stopping the flush (FQ-14), not a phase's end.
    if flags.contains(F::NOTIFY_END_OUTBOUND_FLUSH)
        && !flags.contains(F::NOTIFY_END_INBOUND_FLUSH)
        && s.fq_cycle(OUTBOUND)
    {
        let busy = s.out.iter().find(|m| m.in_flight()).map(|m| m.id);
        require!(cx, Rid::Fq9, busy.is_none(), Spooler,
            "NOTIFY_END_OUTBOUND_FLUSH while {} is between SubmitMessage and EndMessage's return; the spooler ends the outbound phase after its SubmitMessage/EndMessage loop (FQ-9)",
            busy.map(|m| m.to_string()).unwrap_or_default());
    }
    // The inbound phase of a FlushQueues flush ends alone, and not while inbound operation is
    // being stopped anyway (NOTIFY_END_INBOUND, a shutdown).
    if flags.contains(F::NOTIFY_END_INBOUND_FLUSH)
        && !flags.intersects(both.difference(F::NOTIFY_END_INBOUND_FLUSH) | F::NOTIFY_END_INBOUND)
        && s.fq_cycle(INBOUND)
    {
        if s.fq_cycle(OUTBOUND) {
            require!(cx, Rid::Fq14, false, Spooler,
                "NOTIFY_END_INBOUND_FLUSH alone while the outbound phase of the same FlushQueues flush still runs; a spooler stopping the flush ends both in one call (FQ-14)");
        } else if s.flush[INBOUND].state == FlushState::On {
            require!(cx, Rid::Fq11, s.duties.queue_empty, Spooler,
                "NOTIFY_END_INBOUND_FLUSH while the row shows STATUS_INBOUND_FLUSH and no StartMessage of the inbound phase returned S_OK without SaveChanges ('no more mail', AMB-15) (FQ-11)");
        }
    }
}
