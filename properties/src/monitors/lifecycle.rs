//! Logon lifecycle (SPEC.md §2.LIFE, §5.2): TransportLogon's flags and answer (LIFE-7, LIFE-13,
//! LIFE-16..LIFE-19), AddressTypes first (LIFE-22), the status row before traffic (LIFE-23,
//! LIFE-35), no calls on a failed, logged-off or released logon (LIFE-20, LIFE-28, LIFE-32,
//! LIFE-34), the provider's teardown (LIFE-29, LIFE-30, LIFE-36), Idle and StartMessage triggers
//! (LIFE-10, LIFE-11), RegisterOptions (LIFE-37), and SPN-7 (nothing but release after a
//! critical error).

use super::{require, Cx};
use crate::event::{Body, Method, Released};
use crate::judge::session::{FlushState, Life, INBOUND};
use crate::judge::Sink;
use crate::rules::Rid;
use crate::vocab::{FlagWord, HResult, LogoffFlags, LogonFlags as L, TransportNotifyFlags as F};

pub(super) fn check<S: Sink<Rid>>(cx: &mut Cx<'_, S>) {
    let s = cx.s;
    let body = cx.ev.body;
    if body.is_provider_level() {
        // XPProviderInit, Shutdown, the provider's Release: judged with the provider object
        // (monitors/provider.rs); a logon judged alone ignores them.
        return;
    }
    if let Some(m) = body.call_method() {
        if s.life == Life::Critical {
            let ok = matches!(body, Body::TransportLogoff { .. } | Body::Release { .. });
            require!(cx, Rid::Spn7, ok, Spooler,
                "spooler called {m:?} after the provider raised NOTIFY_CRITICAL_ERROR; only TransportLogoff/Release may follow (SPN-7, AMB-13)");
        }
        on_call(cx, m);
    }
    match body {
        Body::TransportLogon { flags } => {
            require!(
                cx,
                Rid::Life7,
                flags.bits() & !L::INPUT.bits() == 0,
                Spooler,
                "TransportLogon passed {}; the input flags are LOGON_NO_CONNECT, LOGON_NO_DIALOG, LOGON_NO_INBOUND, LOGON_NO_OUTBOUND and MAPI_UNICODE (LIFE-7)",
                flags.describe()
            );
            require!(cx, Rid::Life13, flags.contains(L::LOGON_NO_INBOUND | L::LOGON_NO_OUTBOUND), Spooler,
                "TransportLogon passed {}; the spooler logs on with LOGON_NO_INBOUND|LOGON_NO_OUTBOUND and enables traffic later with TransportNotify (LIFE-13)",
                flags.describe());
        }
        Body::Return {
            method: Method::TransportLogon,
            hr,
            flags,
            ..
        } => on_logon_return(cx, hr, flags.map(|w| w.0)),
        Body::Return {
            method: Method::AddressTypes,
            ..
        } => {
            require!(cx, Rid::Life23, s.row.is_some(), Provider,
                "AddressTypes returned but the provider has not created its status row with ModifyStatusRow (LIFE-23)");
        }
        Body::Return {
            method: Method::TransportLogoff,
            hr,
            ..
        } => {
            require!(cx, Rid::Life29, hr == HResult::S_OK, Provider,
                "TransportLogoff returned {hr}; the provider accepts TransportLogoff at any time, with any of 0, LOGOFF_NORMAL, LOGOFF_HURRY (LIFE-29, AMB-19)");
        }
        Body::Return {
            method: Method::Release,
            hr,
            ..
        } if s.track.released_without_logoff && !s.track.release_returned => {
            require!(cx, Rid::Life34, hr == HResult::S_OK, Provider,
                "Release of the logon without TransportLogoff returned {hr}; the provider tolerates it as TransportLogoff(0) + Release (LIFE-34)");
        }
        Body::TransportLogoff { flags } => {
            let f = flags.bits();
            let ok = f == 0
                || f == LogoffFlags::LOGOFF_NORMAL.bits()
                || f == LogoffFlags::LOGOFF_HURRY.bits();
            require!(
                cx,
                Rid::Life27,
                ok,
                Spooler,
                "TransportLogoff({}); the spooler passes 0, LOGOFF_NORMAL or LOGOFF_HURRY (LIFE-27, AMB-19)",
                flags.describe()
            );
            directions_ended(cx, "TransportLogoff");
        }
        Body::Release {
            object: Released::Logon,
        } => {
            let open = s.frames.first().map(|f| f.method);
            require!(cx, Rid::Life32, open.is_none(), Spooler,
                "Release of the logon object while its {:?} is still running; the spooler releases it after TransportLogoff returned (LIFE-32)",
                open.unwrap_or(Method::Release));
            require!(
                cx,
                Rid::Life32,
                !s.track.released,
                Spooler,
                "a second Release of the same logon object (LIFE-32)"
            );
            if !s.track.over() {
                directions_ended(cx, "Release of the logon");
            }
        }
        Body::TransportNotify { flags, .. }
            if flags.intersects(F::NOTIFY_BEGIN_INBOUND | F::NOTIFY_BEGIN_OUTBOUND) =>
        {
            require!(cx, Rid::Life35, s.row.is_some(), Spooler,
                "TransportNotify({}) enables traffic before the provider's status row exists (LIFE-35)", flags.describe());
        }
        Body::Idle { .. } => {
            let busy = s.frames.first().map(|f| f.method);
            require!(cx, Rid::Life11, busy.is_none(), Spooler,
                "Idle while {:?} of the same logon is running; the spooler calls Idle only when the system is idle (LIFE-11)",
                busy.unwrap_or(Method::Idle));
        }
        Body::StartMessage { .. } => {
            let flushing = s.flush[INBOUND].state != FlushState::Off;
            // Without any signal SM-1 reports it; here the signal must be a NEWMAIL.
            if !s.caps.contains(L::LOGON_SP_POLL) && !flushing && s.inb.signalled {
                require!(cx, Rid::Life10, s.track.newmail, Spooler,
                    "StartMessage on a logon without LOGON_SP_POLL although the provider sent no NOTIFY_NEWMAIL; without polling the spooler looks for mail only on NOTIFY_NEWMAIL (LIFE-10)");
            }
        }
        Body::ShowUi { .. }
            if s.frame(cx.ev.thread).map(|f| f.method) == Some(Method::TransportLogon) =>
        {
            require!(cx, Rid::Life17, !s.track.flags.contains(L::LOGON_NO_DIALOG), Provider,
                "the provider showed a dialog during TransportLogon(LOGON_NO_DIALOG); it must fail instead (LIFE-17)");
        }
        Body::MakeInvalid | Body::SupportRelease => {
            let teardown = s.track.over()
                || s.frames
                    .iter()
                    .any(|f| matches!(f.method, Method::TransportLogoff | Method::Release));
            require!(cx, Rid::Life30, teardown, Provider,
                "{} outside TransportLogoff; the provider invalidates its logon and releases the support object while logging off (LIFE-30)",
                if matches!(body, Body::MakeInvalid) { "MakeInvalid" } else { "Release of the support object" });
        }
        _ => {}
    }
    if matches!(
        body,
        Body::TransportNotify { .. } | Body::FlushQueues { .. } | Body::OpenStatusEntry { .. }
    ) {
        let m = body.call_method().expect("a call");
        require!(cx, Rid::Life23, s.row.is_some(), Provider,
            "{m:?} arrived but the provider never created its status row with ModifyStatusRow during logon (LIFE-23)");
    }
    if let Body::Return { method, hr, .. } = body {
        if let Some(f) = s.frame(cx.ev.thread) {
            if f.invalidated && is_logon_method(method) && method != Method::Release {
                require!(cx, Rid::Life36, hr == HResult::MAPI_E_INVALID_OBJECT, Provider,
                    "{method:?} on a logon the provider had invalidated with MakeInvalid returned {hr}; it must return MAPI_E_INVALID_OBJECT (LIFE-36)");
            }
        }
    }
    if body.is_harness_call() {
        after_end(cx);
    }
}

/// The IXPLogon methods (TransportLogon, XPProviderInit, Shutdown and the status object's
/// IMAPIStatus methods are not called on the logon object).
fn is_logon_method(m: Method) -> bool {
    !matches!(
        m,
        Method::TransportLogon
            | Method::ProviderInit
            | Method::Shutdown
            | Method::StatusValidateState
            | Method::StatusFlushQueues
            | Method::StatusSettingsDialog
    )
}

fn on_call<S: Sink<Rid>>(cx: &mut Cx<'_, S>, m: Method) {
    let s = cx.s;
    if !is_logon_method(m) {
        return;
    }
    require!(
        cx,
        Rid::Life37,
        m != Method::RegisterOptions,
        Spooler,
        "the spooler called the deprecated IXPLogon::RegisterOptions; it never does (LIFE-37)"
    );
    let release = matches!(
        cx.ev.body,
        Body::Release {
            object: Released::Logon
        }
    );
    if s.track.failed {
        require!(cx, Rid::Life20, false, Mapi,
            "{m:?} on a logon whose TransportLogon failed: no logon object exists, and MAPI calls the failed provider no more (LIFE-20)");
    } else if s.track.over() {
        if !(release && s.track.released) {
            let why = if s.track.logged_off {
                "TransportLogoff returned"
            } else {
                "the logon object was released without TransportLogoff, which counts as the logoff (LIFE-34)"
            };
            require!(cx, Rid::Life28, release, Spooler,
                "{m:?} after {why}; whatever TransportLogoff returned the logon is over, only Release may follow (LIFE-28)");
        }
    } else if matches!(s.life, Life::LoggingOn | Life::AwaitAddressTypes) {
        let ok = s.life == Life::AwaitAddressTypes && (m == Method::AddressTypes || release);
        let when = if s.life == Life::LoggingOn {
            "while TransportLogon is still running"
        } else {
            "before AddressTypes"
        };
        require!(cx, Rid::Life22, ok, Spooler,
            "{m:?} {when}; right after a successful TransportLogon the spooler calls AddressTypes (LIFE-22)");
    }
}

fn on_logon_return<S: Sink<Rid>>(cx: &mut Cx<'_, S>, hr: HResult, out: Option<u32>) {
    let s = cx.s;
    let input = s.track.flags;
    if hr.is_success() {
        require!(
            cx,
            Rid::Life18,
            hr == HResult::S_OK,
            Provider,
            "TransportLogon succeeded with {hr}; success is S_OK (LIFE-18)"
        );
        if let Some(out) = out {
            let extra = out & !(L::OUTPUT.bits() | input.bits());
            require!(cx, Rid::Life7, extra == 0, Provider,
                "TransportLogon answered *lpulFlags = {}; the provider may return LOGON_SP_IDLE, LOGON_SP_POLL, LOGON_SP_RESOLVE, MAPI_UNICODE (and leave the input bits) (LIFE-7, AMB-33)",
                L::from_raw(out).describe());
        }
    }
    if s.track.dialog_cancelled {
        require!(cx, Rid::Life19, hr == HResult::MAPI_E_USER_CANCEL, Provider,
            "the user cancelled the provider's logon dialog but TransportLogon returned {hr}; it returns MAPI_E_USER_CANCEL (LIFE-19)");
    }
    if input.contains(L::LOGON_NO_DIALOG) && s.frame(cx.ev.thread).is_some_and(|f| !f.ui_shown) {
        // The whole call ran under LOGON_NO_DIALOG without a dialog.
        cx.out.checked(Rid::Life17);
    }
}

/// Before the logon ends, every direction the spooler began is ended (LIFE-35), unless the
/// provider raised NOTIFY_CRITICAL_ERROR (SPN-7: then only TransportLogoff/Release follow).
fn directions_ended<S: Sink<Rid>>(cx: &mut Cx<'_, S>, what: &str) {
    let s = cx.s;
    if s.life == Life::Critical {
        return;
    }
    let open = match (s.inbound, s.outbound) {
        (true, true) => "inbound and outbound are",
        (true, false) => "inbound is",
        (false, true) => "outbound is",
        (false, false) => "",
    };
    require!(cx, Rid::Life35, open.is_empty(), Spooler,
        "{what} while {open} still enabled; the spooler disables traffic with NOTIFY_END_INBOUND/NOTIFY_END_OUTBOUND first (LIFE-35)");
}

/// What the provider may still do for a logon that is over: nothing after a Release that
/// replaced TransportLogoff (LIFE-34), no support call after releasing the support object
/// (LIFE-30), no transfer or notification after TransportLogoff returned (LIFE-29); and no
/// transmission at all under LOGON_NO_CONNECT (LIFE-16).
fn after_end<S: Sink<Rid>>(cx: &mut Cx<'_, S>) {
    let s = cx.s;
    let body = cx.ev.body;
    if s.track.flags.contains(L::LOGON_NO_CONNECT) {
        require!(cx, Rid::Life16, !matches!(body, Body::Transmit { .. }), Provider,
            "{} on a logon opened with LOGON_NO_CONNECT; the provider makes no connection to other messaging systems (LIFE-16)", crate::render::describe(cx.ev).trim());
    }
    let support_call = matches!(
        body,
        Body::SpoolerNotify { .. }
            | Body::SpoolerYield { .. }
            | Body::ModifyStatusRow { .. }
            | Body::StatusRecips { .. }
            | Body::MakeInvalid
            | Body::SupportRelease
    );
    if s.track.released_without_logoff && s.track.release_returned {
        require!(cx, Rid::Life34, false, Provider,
            "{} after the spooler released the logon without TransportLogoff; that Release ends the logon like a logoff (LIFE-34)", crate::render::describe(cx.ev).trim());
    } else if s.track.support_released && support_call {
        require!(cx, Rid::Life30, false, Provider,
            "{} after the provider released its support object; the support object is released last (LIFE-30)", crate::render::describe(cx.ev).trim());
    } else if s.track.logged_off {
        let transfer = matches!(
            body,
            Body::MessageWrite { .. }
                | Body::MessageRecipients { .. }
                | Body::SetResponsibility { .. }
                | Body::Transmit { .. }
                | Body::SaveChanges { .. }
                | Body::StatusRecips { .. }
                | Body::SpoolerNotify { .. }
                | Body::SpoolerYield { .. }
                | Body::ModifyStatusRow { .. }
        );
        require!(cx, Rid::Life29, !transfer, Provider,
            "{} after TransportLogoff returned; the provider stops processing when logged off (LIFE-29)", crate::render::describe(cx.ev).trim());
    }
}
