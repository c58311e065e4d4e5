//! TransportNotify: spooler-side flag rules (TN-3, TN-7, TN-15, TN-25, TN-26, DEF-6) and the
//! provider's answer (TN-1, TN-2, TN-6, TN-14, TN-22, TN-24 status rows, STAT-4).

use super::{graded, require, Cx};
use crate::event::{Body, NotifyData};
use crate::grading::Graded;
use crate::judge::session::OutPhase;
use crate::judge::Sink;
use crate::rules::Rid;
use crate::vocab::{FlagWord, HResult, StatusCode, TransportNotifyFlags as F};

pub(super) fn check<S: Sink<Rid>>(cx: &mut Cx<'_, S>) {
    match cx.ev.body {
        Body::TransportNotify { flags, data } => on_call(cx, flags, data),
        Body::Return {
            method: crate::event::Method::TransportNotify,
            hr,
            flags,
            ..
        } => on_return(cx, hr, flags.map(|w| w.0)),
        // After NOTIFY_CRITICAL_ERROR the spooler may call nothing but TransportLogoff (SPN-7),
        // so it cannot abort deferred messages first: TN-26 does not apply then.
        Body::TransportLogoff { .. } if cx.s.life != crate::judge::session::Life::Critical => {
            let deferred =
                cx.s.out
                    .iter()
                    .find(|m| m.phase == OutPhase::Deferred)
                    .map(|m| m.id);
            require!(cx, Rid::Tn26, deferred.is_none(), Spooler,
                "TransportLogoff while {} is still deferred and no NOTIFY_ABORT_DEFERRED was sent for it (TN-26)",
                deferred.map(|d| d.to_string()).unwrap_or_default());
        }
        _ => {}
    }
}

fn on_call<S: Sink<Rid>>(cx: &mut Cx<'_, S>, flags: F, data: Option<NotifyData>) {
    let f = flags.raw();
    require!(
        cx,
        Rid::Tn7,
        f & (f >> 16) & 0x1 == 0,
        Spooler,
        "TransportNotify({}) sets NOTIFY_BEGIN_INBOUND and NOTIFY_END_INBOUND in one call (TN-7)",
        flags.describe()
    );
    require!(cx, Rid::Tn15, f & (f >> 16) & 0x2 == 0, Spooler,
        "TransportNotify({}) sets NOTIFY_BEGIN_OUTBOUND and NOTIFY_END_OUTBOUND in one call (TN-15)", flags.describe());
    if flags.contains(F::NOTIFY_ABORT_DEFERRED) {
        let ok = matches!(data, Some(NotifyData::EntryId(_)));
        require!(cx, Rid::Tn3, ok, Spooler,
            "NOTIFY_ABORT_DEFERRED must carry the message's entry id in *lppvData, got {data:?} (TN-3, AMB-2)");
        if let Some(NotifyData::EntryId(id)) = data {
            let phase = cx.s.out(id).map(|m| m.phase);
            let ok = matches!(phase, Some(OutPhase::Deferred | OutPhase::Resubmit));
            require!(cx, Rid::Def6, ok, Spooler,
                "NOTIFY_ABORT_DEFERRED names {id}, which the provider has not deferred (phase {phase:?}) (DEF-6)");
        }
    }
    if let Some(NotifyData::EntryId(id)) = data {
        if flags.contains(F::NOTIFY_CANCEL_MESSAGE)
            || cx.s.out(id).is_some_and(|m| m.phase == OutPhase::Deferred)
        {
            let ok = !flags.contains(F::NOTIFY_CANCEL_MESSAGE)
                || flags.contains(F::NOTIFY_ABORT_DEFERRED);
            require!(cx, Rid::Tn25, ok, Spooler,
                "a user cancel of deferred {id} must set NOTIFY_ABORT_DEFERRED together with NOTIFY_CANCEL_MESSAGE (TN-25)");
        }
    }
}

fn on_return<S: Sink<Rid>>(cx: &mut Cx<'_, S>, hr: HResult, out: Option<u32>) {
    // TN-27 exercised: TransportNotify ran to completion while another entry point was executing
    // on another thread. (Its violations — a deadlock or a hang between the two — are found by
    // the engines that run real threads: loom, and the simulator's watchdog.)
    if cx.s.frames.iter().any(|f| f.thread != cx.ev.thread) {
        cx.out.checked(Rid::Tn27);
    }
    let Some(frame) = cx.s.frame(cx.ev.thread) else {
        return;
    };
    let given = frame.notify;
    if let Some(out) = out {
        require!(cx, Rid::Tn1, out == given.raw(), Provider,
            "TransportNotify returned *lpulFlags = {} but was called with {}; flags must come back unchanged (TN-1)",
            F::from_raw(out).describe(), given.describe());
    }
    if frame.invalidated {
        // The logon was invalidated with MakeInvalid before this call: it answers
        // MAPI_E_INVALID_OBJECT and does nothing (LIFE-36), so TN-2 and the row rules do not apply.
        return;
    }
    graded!(
        cx,
        Rid::Tn2,
        Graded::NotifyNotOk,
        hr == HResult::S_OK,
        Provider,
        "TransportNotify returned {hr}; S_OK is the only documented value (TN-2, AMB-25)"
    );
    let row = cx.s.row;
    for (bit, rule, name) in [
        (F::NOTIFY_BEGIN_INBOUND, Rid::Tn6, "NOTIFY_BEGIN_INBOUND"),
        (F::NOTIFY_BEGIN_OUTBOUND, Rid::Tn14, "NOTIFY_BEGIN_OUTBOUND"),
        (F::NOTIFY_END_INBOUND, Rid::Tn22, "NOTIFY_END_INBOUND"),
        (F::NOTIFY_END_OUTBOUND, Rid::Tn24, "NOTIFY_END_OUTBOUND"),
    ] {
        if given.contains(bit) {
            require!(cx, rule, frame.modified_row, Provider,
                "TransportNotify({name}) returned without updating the status row with ModifyStatusRow ({})", rule.id());
        }
    }
    let inbound = given.intersects(F::NOTIFY_BEGIN_INBOUND | F::NOTIFY_END_INBOUND);
    let outbound = given.intersects(F::NOTIFY_BEGIN_OUTBOUND | F::NOTIFY_END_OUTBOUND);
    for (applies, enabled, bit, name) in [
        (
            inbound,
            cx.s.inbound,
            StatusCode::STATUS_INBOUND_ENABLED,
            "STATUS_INBOUND_ENABLED",
        ),
        (
            outbound,
            cx.s.outbound,
            StatusCode::STATUS_OUTBOUND_ENABLED,
            "STATUS_OUTBOUND_ENABLED",
        ),
    ] {
        if applies {
            let shown = row.is_some_and(|r| r.contains(bit));
            // An offline row may show an enabled direction's bit clear (VS-8).
            let ok = row
                .is_some_and(|r| crate::judge::status_flow::enabled_bit_ok(r, bit, enabled))
                || (row.is_none() && !enabled);
            require!(cx, Rid::Stat4, ok, Provider,
                "after TransportNotify({}) returned the row's {name} is {} but the direction is {} (STAT-4)",
                given.describe(), if shown { "set" } else { "clear" }, if enabled { "enabled" } else { "disabled" });
        }
    }
}
