//! ValidateState, on the logon (`IXPLogon::ValidateState`, which VS-1 says behaves exactly as the
//! status object's) and on the status object (`IMAPIStatus::ValidateState`): when the spooler
//! may call it (VS-1) and what follows CONFIG_CHANGED (VS-2); the provider's answers (VS-5,
//! VS-6), no message transfer during it (VS-7), the row after each flag (VS-8..VS-10), the
//! configuration-change notification (VS-11) and no UI under SUPPRESS_UI (VS-12).
//!
//! Flags whose demands contradict each other in one call (e.g. FORCE_XP_CONNECT with
//! FORCE_XP_DISCONNECT, ABORT_XP_HEADER_OPERATION with REFRESH_XP_HEADER_CACHE) are not judged on
//! the point they disagree on. The ENABLED/ACTIVE bits VS-10 asks for (PROCESS ->
//! OUTBOUND_*, REFRESH -> INBOUND_*) follow the page AMB-16 calls inverted and clash with STAT-4:
//! they are not judged.

use super::{require, Cx};
use crate::event::{Body, Method};
use crate::judge::session::Life;
use crate::judge::status_flow::{is_transfer, StatusCall};
use crate::judge::Sink;
use crate::rules::Rid;
use crate::vocab::{FlagWord, HResult as H, StatusCode as St, ValidateStateFlags as V};

pub(super) fn check<S: Sink<Rid>>(cx: &mut Cx<'_, S>) {
    let s = cx.s;
    let flow = &s.status_flow;
    let body = cx.ev.body;
    if cx.ev.thread == crate::event::Thread::Spooler && flow.addr_types_due {
        if let Some(m) = body.call_method() {
            // After a critical error only the release calls may follow (SPN-7, AMB-13).
            if s.life != Life::Critical {
                require!(cx, Rid::Vs2, m == Method::AddressTypes, Spooler,
                    "the spooler called {m:?} after ValidateState(CONFIG_CHANGED) returned S_OK; it re-validates the transport by calling AddressTypes next (VS-2, VS-11)");
            }
        }
    }
    match body {
        Body::ValidateState { flags } => {
            // Critical is an active logon too: SPN-7 judges calls there.
            let active = matches!(s.life, Life::Active | Life::Critical);
            require!(cx, Rid::Vs1, active, Spooler,
                "ValidateState({}) on a logon in state {:?}; the spooler validates only active logons: after AddressTypes, before TransportLogoff (VS-1)",
                flags.describe(), s.life);
        }
        Body::Return {
            method: Method::ValidateState | Method::StatusValidateState,
            hr,
            ..
        } => {
            if let Some(c) = flow.call_on(s, cx.ev.thread).copied() {
                on_return(cx, &c, hr);
            }
        }
        Body::ShowUi { .. } => {
            if let Some(c) = flow.call_on(s, cx.ev.thread).filter(|c| c.is_validate()) {
                if c.vs_flags.contains(V::SUPPRESS_UI) {
                    require!(cx, Rid::Vs12, false, Provider,
                        "the provider showed a dialog during {:?}({}); with SUPPRESS_UI no property sheet or progress dialog may appear (VS-12)",
                        c.method, c.vs_flags.describe());
                }
            }
        }
        _ => {}
    }
    if is_transfer(&body) {
        if let Some(c) = flow.call_on(s, cx.ev.thread).filter(|c| c.is_validate()) {
            require!(cx, Rid::Vs7, false, Provider,
                "{}: message transfer during {:?}({}); ValidateState only sets status bits for the spooler and takes shared resources only in a spooler-directed FlushQueues (VS-7)",
                crate::render::describe(cx.ev).trim(), c.method, c.vs_flags.describe());
        }
    }
}

fn on_return<S: Sink<Rid>>(cx: &mut Cx<'_, S>, c: &StatusCall, hr: H) {
    let s = cx.s;
    let f = c.vs_flags;
    let call = format!("{:?}({})", c.method, f.describe());
    // The quiet paths of the rules judged at the offending event.
    cx.out.checked(Rid::Vs7);
    if f.contains(V::SUPPRESS_UI) {
        cx.out.checked(Rid::Vs12);
    }
    let documented = [
        H::S_OK,
        H::MAPI_E_BUSY,
        H::MAPI_E_NO_SUPPORT,
        H::MAPI_E_USER_CANCEL,
        H::MAPI_E_UNKNOWN_FLAGS,
    ];
    require!(cx, Rid::Vs5, documented.contains(&hr), Provider,
        "{call} returned {hr}; ValidateState answers S_OK, MAPI_E_BUSY, MAPI_E_NO_SUPPORT, MAPI_E_USER_CANCEL (or MAPI_E_UNKNOWN_FLAGS, VS-6) (VS-5)");
    // Inside a NOTIFY_CRITSEC section the answer is MAPI_E_BUSY whatever the flags (SPN-6).
    if !(s.critsec && hr == H::MAPI_E_BUSY) {
        let unknown = f.unknown_bits();
        require!(cx, Rid::Vs6, (unknown != 0) == (hr == H::MAPI_E_UNKNOWN_FLAGS), Provider,
            "{call} returned {hr} with undefined flag bits 0x{unknown:08X}; MAPI_E_UNKNOWN_FLAGS answers exactly the calls with flags outside the defined set (VS-6)");
    }
    let row = s.row.unwrap_or_default();
    let offline = row.contains(St::STATUS_OFFLINE);
    let goes_offline = f.intersects(V::ABORT_XP_HEADER_OPERATION | V::FORCE_XP_DISCONNECT);
    let goes_online = f.intersects(V::FORCE_XP_CONNECT | V::REFRESH_XP_HEADER_CACHE);
    let validate_ok = f.contains(V::ABORT_XP_HEADER_OPERATION);
    let validate_not_ok = f.intersects(V::REFRESH_XP_HEADER_CACHE | V::PROCESS_XP_HEADER_CACHE);
    if hr == H::S_OK {
        if f.contains(V::ABORT_XP_HEADER_OPERATION) {
            let inbound = row.intersects(St::STATUS_INBOUND_ENABLED | St::STATUS_INBOUND_ACTIVE);
            let ok = !inbound && (offline || goes_online);
            require!(cx, Rid::Vs8, ok, Provider,
                "{call} returned S_OK with the row at {}; an aborted header operation clears STATUS_INBOUND_ENABLED and STATUS_INBOUND_ACTIVE and sets STATUS_OFFLINE (VS-8)", row.describe());
            if !validate_not_ok {
                remote_validate(cx, c, &call, true, Rid::Vs8);
            }
        }
        if f.contains(V::FORCE_XP_CONNECT) && !goes_offline {
            require!(cx, Rid::Vs9, !offline, Provider,
                "{call} returned S_OK but the row still shows STATUS_OFFLINE; FORCE_XP_CONNECT clears it (VS-9)");
        }
        if f.contains(V::FORCE_XP_DISCONNECT) && !goes_online {
            require!(cx, Rid::Vs9, offline, Provider,
                "{call} returned S_OK but the row does not show STATUS_OFFLINE; FORCE_XP_DISCONNECT sets it (VS-9)");
        }
        if f.contains(V::REFRESH_XP_HEADER_CACHE) && !goes_offline {
            require!(cx, Rid::Vs10, !offline, Provider,
                "{call} returned S_OK but the row still shows STATUS_OFFLINE; REFRESH_XP_HEADER_CACHE brings the transport online (VS-10, AMB-17)");
        }
        if validate_not_ok && !validate_ok {
            remote_validate(cx, c, &call, false, Rid::Vs10);
        }
        if f.contains(V::CONFIG_CHANGED) {
            require!(cx, Rid::Vs11, c.config_notified, Provider,
                "{call} returned S_OK without calling SpoolerNotify(NOTIFY_CONFIG_CHANGE) to alert the spooler (VS-11)");
        }
    }
    if f.contains(V::SHOW_XP_SESSION_UI) {
        let declined = [
            H::MAPI_E_NO_SUPPORT,
            H::MAPI_E_BUSY,
            H::MAPI_E_UNKNOWN_FLAGS,
        ];
        require!(cx, Rid::Vs10, c.ui_shown || declined.contains(&hr), Provider,
            "{call} returned {hr} without showing any UI; SHOW_XP_SESSION_UI shows the header-processing UI or answers MAPI_E_NO_SUPPORT (VS-10)");
    }
    if f.contains(V::PROCESS_XP_HEADER_CACHE) {
        // Another flag of the same call may explain the answer (VS-6, VS-3, SHOW_XP_SESSION_UI).
        let ok = hr == H::S_OK
            || hr == H::MAPI_E_BUSY
            || (hr == H::MAPI_E_UNKNOWN_FLAGS && f.unknown_bits() != 0)
            || (hr == H::MAPI_E_NO_SUPPORT && f.contains(V::SHOW_XP_SESSION_UI))
            || (hr == H::MAPI_E_USER_CANCEL
                && (c.ui_shown || f.contains(V::ABORT_XP_HEADER_OPERATION)));
        require!(cx, Rid::Vs10, ok, Provider,
            "{call} returned {hr}; PROCESS_XP_HEADER_CACHE answers S_OK, or MAPI_E_BUSY when another operation runs (VS-10)");
    }
}

/// PR_REMOTE_VALIDATE_OK and PR_STATUS_STRING written during the call (VS-8: TRUE, VS-10:
/// FALSE), judged when the trace records the row's columns.
fn remote_validate<S: Sink<Rid>>(
    cx: &mut Cx<'_, S>,
    c: &StatusCall,
    call: &str,
    want: bool,
    rule: Rid,
) {
    let recorded = cx.s.status_flow.columns_recorded;
    if c.remote_validate_ok.is_none() && !recorded {
        return;
    }
    require!(
        cx,
        rule,
        c.remote_validate_ok == Some(want),
        Provider,
        "{call} returned S_OK with PR_REMOTE_VALIDATE_OK {}; it sets it {} ({})",
        match c.remote_validate_ok {
            Some(v) => format!("written {}", if v { "TRUE" } else { "FALSE" }),
            None => "not written".into(),
        },
        if want { "TRUE" } else { "FALSE" },
        rule.id()
    );
    if recorded {
        require!(
            cx,
            rule,
            c.status_string,
            Provider,
            "{call} returned S_OK without writing PR_STATUS_STRING ({})",
            rule.id()
        );
    }
}
