//! Signals outside message traffic: Idle (IDLE-1..IDLE-3), SpoolerYield's flags (YLD-1),
//! SpoolerNotify's data, result and consequences (SPN-3, SPN-5, SPN-9, SPN-11, SPN-12), the
//! status row's result and contents (STAT-2, STAT-3, STAT-7) and AbortSubmit's flags (DEF-1).

use super::{require, Cx};
use crate::event::{Body, Method, Thread};
use crate::judge::session::{Life, OutPhase};
use crate::judge::Sink;
use crate::rules::Rid;
use crate::vocab::{
    FlagWord, HResult, LogonFlags, RowColumns, SpoolerNotifyFlags as N, StatusRowFlags,
};

pub(super) fn check<S: Sink<Rid>>(cx: &mut Cx<'_, S>) {
    let s = cx.s;
    let body = cx.ev.body;
    if let (Some(m), Thread::Spooler) = (body.call_method(), cx.ev.thread) {
        config_change(cx, m);
    }
    match body {
        Body::Idle { flags } => {
            require!(
                cx,
                Rid::Idle1,
                s.caps.contains(LogonFlags::LOGON_SP_IDLE),
                Spooler,
                "Idle although TransportLogon did not return LOGON_SP_IDLE (IDLE-1)"
            );
            require!(
                cx,
                Rid::Idle2,
                flags.0 == 0,
                Spooler,
                "Idle(0x{:08X}); ulFlags is reserved and 0 (IDLE-2)",
                flags.0
            );
        }
        Body::Return {
            method: Method::Idle,
            hr,
            ..
        } => {
            require!(
                cx,
                Rid::Idle3,
                hr == HResult::S_OK,
                Provider,
                "Idle returned {hr}; S_OK is the only documented value (IDLE-3)"
            );
        }
        Body::SpoolerYield { flags, .. } => {
            require!(
                cx,
                Rid::Yld1,
                flags.0 == 0,
                Provider,
                "SpoolerYield(0x{:08X}); ulFlags is reserved and 0 (YLD-1)",
                flags.0
            );
        }
        Body::SpoolerNotify {
            flags,
            entry_id,
            result,
        } => {
            let deferred = flags.contains(N::NOTIFY_SENTDEFERRED);
            require!(cx, Rid::Spn3, entry_id.is_some() == deferred, Provider,
                "SpoolerNotify({}) with {}; an entry id goes with NOTIFY_SENTDEFERRED and only with it (SPN-3)",
                flags.describe(), entry_id.map(|m| format!("entry id {m}")).unwrap_or_else(|| "no entry id".into()));
            require!(
                cx,
                Rid::Spn12,
                result == HResult::S_OK,
                Mapi,
                "SpoolerNotify({}) returned {result}; MAPI answers S_OK (SPN-12)",
                flags.describe()
            );
            if flags.contains(N::NOTIFY_READYTOSEND) && s.duties.ready_due.is_some() {
                // The recovery is announced (SPN-9).
                require!(cx, Rid::Spn9, true, Provider, "");
            }
        }
        Body::ModifyStatusRow {
            flags,
            status,
            columns,
            result,
            ..
        } => {
            require!(
                cx,
                Rid::Stat2,
                result == HResult::S_OK,
                Mapi,
                "ModifyStatusRow returned {result}; MAPI answers S_OK when the table was updated (STAT-2)"
            );
            if !matches!(columns, Some(c) if !c.contains(RowColumns::PR_STATUS_CODE)) {
                require!(cx, Rid::Stat3, status.unknown_bits() == 0, Provider,
                    "ModifyStatusRow writes PR_STATUS_CODE {} with undefined bits 0x{:08X}; only STATUS_* values are allowed (STAT-3)",
                    status.describe(), status.unknown_bits());
            }
            if let (false, Some(c)) = (flags.contains(StatusRowFlags::STATUSROW_UPDATE), columns) {
                require!(cx, Rid::Stat7, c.contains(RowColumns::REQUIRED), Provider,
                    "the status row was created with columns {}; the provider supplies PR_DISPLAY_NAME, PR_STATUS_CODE and PR_RESOURCE_METHODS (STAT-7)",
                    c.describe());
            }
            if s.duties.ready_due.is_some_and(|r| r.depth == 0) {
                require!(cx, Rid::Spn9, false, Provider,
                    "the provider changed its status row again without calling SpoolerNotify(NOTIFY_READYTOSEND) after it cleared STATUS_OFFLINE/STATUS_FAILURE (SPN-9, AMB-13)");
            }
        }
        Body::Return { method, .. } => {
            if let Some(r) = s.duties.ready_due {
                let th = cx.ev.thread;
                let innermost = r.thread == th && r.depth > 0 && r.depth as usize == s.depth(th);
                if innermost || method == Method::TransportLogoff {
                    require!(cx, Rid::Spn9, false, Provider,
                        "{method:?} returned without SpoolerNotify(NOTIFY_READYTOSEND) after the provider cleared STATUS_OFFLINE/STATUS_FAILURE while outbound was enabled (SPN-9, AMB-13)");
                }
            }
        }
        // After NOTIFY_CRITICAL_ERROR the spooler may call nothing but TransportLogoff (SPN-7).
        Body::TransportLogoff { .. } if s.life != Life::Critical => {
            let owed = s
                .out
                .iter()
                .find(|m| m.phase == OutPhase::Resubmit)
                .map(|m| m.id);
            require!(cx, Rid::Spn11, owed.is_none(), Spooler,
                "TransportLogoff while {}, announced with NOTIFY_SENTDEFERRED, was neither resubmitted with BEGIN_DEFERRED nor aborted (SPN-11)",
                owed.map(|m| m.to_string()).unwrap_or_default());
        }
        Body::AbortSubmit { flags, .. } => {
            require!(
                cx,
                Rid::Def1,
                flags.0 == 0,
                Client,
                "AbortSubmit(..., 0x{:08X}); ulFlags is reserved and 0 (DEF-1)",
                flags.0
            );
        }
        _ => {}
    }
}

/// SPN-5: after NOTIFY_CONFIG_CHANGE the spooler's next call on its main thread is AddressTypes.
/// Logging off (or releasing the logon) instead drops the need; after NOTIFY_CRITICAL_ERROR
/// only those may come (SPN-7).
fn config_change<S: Sink<Rid>>(cx: &mut Cx<'_, S>, m: Method) {
    let s = cx.s;
    let lapses = matches!(m, Method::TransportLogoff | Method::Release) || m.is_provider_level();
    if s.duties.config_changed && !lapses && s.life != Life::Critical {
        require!(cx, Rid::Spn5, m == Method::AddressTypes, Spooler,
            "{m:?} after SpoolerNotify(NOTIFY_CONFIG_CHANGE); the spooler calls AddressTypes first to pick up the changed address types (SPN-5)");
    }
}
