//! Calls into the support object: SpoolerNotify (SPN-2, SPN-4, SPN-6, DEF-4, DEF-7),
//! SpoolerYield's answer (YLD-3), ModifyStatusRow (STAT-1), ValidateState in a critical section
//! (SPN-6, AMB-24), and critical sections left open at logoff (SPN-6 warning).

use super::{graded, require, Cx};
use crate::event::{Body, Method};
use crate::grading::Graded;
use crate::judge::session::OutPhase;
use crate::judge::Sink;
use crate::rules::Rid;
use crate::vocab::{FlagWord, HResult, SpoolerNotifyFlags as N, StatusCode, StatusRowFlags};

pub(super) fn check<S: Sink<Rid>>(cx: &mut Cx<'_, S>) {
    let s = cx.s;
    match cx.ev.body {
        Body::SpoolerNotify {
            flags, entry_id, ..
        } => {
            require!(cx, Rid::Spn2, !flags.contains(N::NOTIFY_NEWMAIL_RECEIVED), Provider,
                "a transport called SpoolerNotify(NOTIFY_NEWMAIL_RECEIVED), a message-store flag (SPN-2)");
            require!(
                cx,
                Rid::Spn4,
                !flags.contains(N::NOTIFY_SENTDEFERRED | N::NOTIFY_CRITICAL_ERROR),
                Provider,
                "SpoolerNotify({}) combines NOTIFY_SENTDEFERRED and NOTIFY_CRITICAL_ERROR (SPN-4)",
                flags.describe()
            );
            if flags.contains(N::NOTIFY_NONCRIT) && !flags.contains(N::NOTIFY_CRITSEC) {
                graded!(
                    cx,
                    Rid::Spn6,
                    Graded::NoncritWithoutCritsec,
                    s.critsec,
                    Provider,
                    "NOTIFY_NONCRIT without an open NOTIFY_CRITSEC section (SPN-6)"
                );
            }
            if flags.contains(N::NOTIFY_SENTDEFERRED) {
                let phase = entry_id.and_then(|id| s.out(id)).map(|m| m.phase);
                let id = entry_id
                    .map(|i| i.to_string())
                    .unwrap_or_else(|| "no entry id".into());
                require!(cx, Rid::Def7, phase != Some(OutPhase::Aborted), Provider,
                    "SpoolerNotify(NOTIFY_SENTDEFERRED) for {id} after NOTIFY_ABORT_DEFERRED aborted it (DEF-7)");
                if phase != Some(OutPhase::Aborted) {
                    require!(cx, Rid::Def4, phase == Some(OutPhase::Deferred), Provider,
                        "SpoolerNotify(NOTIFY_SENTDEFERRED) for {id}, which EndMessage never deferred with END_DONT_RESEND (DEF-4)");
                }
            }
        }
        Body::SpoolerYield { result, .. } => {
            let ok = result == HResult::S_OK || result == HResult::MAPI_W_CANCEL_MESSAGE;
            require!(
                cx,
                Rid::Yld3,
                ok,
                Spooler,
                "SpoolerYield returned {result}; only S_OK or MAPI_W_CANCEL_MESSAGE (YLD-3)"
            );
        }
        Body::ModifyStatusRow { flags, status, .. } => {
            let update = flags.contains(StatusRowFlags::STATUSROW_UPDATE);
            require!(cx, Rid::Stat1, update == s.row.is_some(), Provider,
                "ModifyStatusRow with flags {}: the row is created once without STATUSROW_UPDATE and changed later with it (STAT-1)",
                flags.describe());
            // STAT-4 holds from TransportNotify's return on: a later write (outside any
            // TransportNotify) must not bring back a stale ENABLED bit (a lost update).
            if s.row.is_some() && !s.frames.iter().any(|f| f.method == Method::TransportNotify) {
                for (bit, enabled, name) in [
                    (
                        StatusCode::STATUS_INBOUND_ENABLED,
                        s.inbound,
                        "STATUS_INBOUND_ENABLED",
                    ),
                    (
                        StatusCode::STATUS_OUTBOUND_ENABLED,
                        s.outbound,
                        "STATUS_OUTBOUND_ENABLED",
                    ),
                ] {
                    // An offline row may show an enabled direction's bit clear (VS-8).
                    let ok = crate::judge::status_flow::enabled_bit_ok(status, bit, enabled);
                    require!(cx, Rid::Stat4, ok, Provider,
                        "ModifyStatusRow writes {name} {} while the direction is {}: a stale status word overwrote the row (STAT-4)",
                        if status.contains(bit) { "set" } else { "clear" }, if enabled { "enabled" } else { "disabled" });
                }
            }
        }
        Body::Return {
            method: Method::ValidateState,
            hr,
            ..
        } if s.critsec => {
            require!(cx, Rid::Spn6, hr == HResult::MAPI_E_BUSY, Provider,
                "ValidateState returned {hr} inside a NOTIFY_CRITSEC section; the provider answers MAPI_E_BUSY (SPN-6, AMB-24)");
        }
        Body::Return {
            method: Method::TransportLogoff,
            ..
        } if s.critsec => {
            graded!(
                cx,
                Rid::Spn6,
                Graded::CritsecOpenAtLogoff,
                false,
                Provider,
                "TransportLogoff returned with a NOTIFY_CRITSEC section still open (SPN-6, AMB-24)"
            );
        }
        _ => {}
    }
}
