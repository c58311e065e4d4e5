//! The provider object: initialisation (LIFE-1..LIFE-4), N logons per provider (LIFE-5), no
//! logon after a failed one (LIFE-20, LIFE-21), shutdown and release (LIFE-31..LIFE-34), no UI in
//! a Windows service (SVC-7) and one flush at a time across logons (FQ-6). These checks see
//! every event with the provider's state ([`crate::judge::ProviderState`]).

use super::{require, Cx};
use crate::event::{Body, Method, Released};
use crate::judge::provider::{major, Init, LogonLife, Route, MAX_LOGONS};
use crate::judge::Sink;
use crate::rules::Rid;
use crate::vocab::{HResult, MapiLogonFlags};

/// XPProviderInit's `ulFlags` may carry only MAPI_NT_SERVICE (LIFE-2).
const INIT_FLAGS: u32 = MapiLogonFlags::MAPI_NT_SERVICE.bits();
/// DEINIT_NORMAL / DEINIT_HURRY (LIFE-33, AMB-19).
const DEINIT_NORMAL: u32 = 0x0000_0001;
const DEINIT_HURRY: u32 = 0x8000_0000;

fn first(mask: impl Fn(usize) -> bool) -> Option<usize> {
    (0..MAX_LOGONS).find(|&j| mask(j))
}

pub(super) fn check<S: Sink<Rid>>(cx: &mut Cx<'_, S>) {
    let p = cx.p;
    let ev = cx.ev;
    let i = ev.logon as usize;
    let to_provider = p.route(ev) == Route::Provider;
    if let Some(m) = ev.body.call_method() {
        if matches!(p.init, Init::Failed | Init::TooLow)
            && !matches!(ev.body, Body::ProviderInit { .. })
        {
            let ok = matches!(
                ev.body,
                Body::Shutdown { .. }
                    | Body::Release {
                        object: Released::Provider
                    }
            );
            let why = if p.init == Init::Failed {
                "XPProviderInit failed, so no provider object exists".to_string()
            } else {
                format!(
                    "XPProviderInit reported SPI version 0x{:08X}, below MAPI's 0x{:08X}, so MAPI releases the object at once",
                    p.provider_ver.unwrap_or(0),
                    p.mapi_ver
                )
            };
            require!(
                cx,
                Rid::Life4,
                ok,
                Mapi,
                "{m:?} called on the provider although {why}; the load counts as failed (LIFE-4)"
            );
        }
    }
    match ev.body {
        Body::ProviderInit { flags, .. } => {
            require!(cx, Rid::Life1, !p.uninit_calls, Mapi,
                "XPProviderInit came after other calls into the provider; it is the provider's first entry point (LIFE-1)");
            require!(
                cx,
                Rid::Life2,
                flags.0 & !INIT_FLAGS == 0,
                Mapi,
                "XPProviderInit ulFlags = 0x{:08X}; only MAPI_NT_SERVICE is defined (LIFE-2)",
                flags.0
            );
            require!(cx, Rid::Life2, !p.object_live(), Mapi,
                "a second XPProviderInit while the provider object from the first is neither shut down nor released; MAPI initialises a provider once (LIFE-2)");
        }
        Body::Return {
            method: Method::ProviderInit,
            hr,
            flags: Some(ver),
            ..
        } if to_provider && hr.is_success() => {
            require!(cx, Rid::Life3, major(ver.0) <= major(p.mapi_ver), Provider,
                "XPProviderInit succeeded reporting SPI version 0x{:08X}, a major version above MAPI's 0x{:08X}; it must answer MAPI_E_VERSION (LIFE-3)",
                ver.0, p.mapi_ver);
        }
        Body::Shutdown { flags } => {
            let f = flags.0;
            require!(
                cx,
                Rid::Life33,
                f == 0 || f == DEINIT_NORMAL || f == DEINIT_HURRY,
                Spooler,
                "Shutdown(*lpulFlags = 0x{f:08X}); the spooler passes 0, DEINIT_NORMAL or DEINIT_HURRY (LIFE-33, AMB-19)"
            );
            require!(
                cx,
                Rid::Life33,
                !p.shut_down,
                Spooler,
                "a second Shutdown on the same provider object (LIFE-33)"
            );
            let live = first(|j| p.live(j));
            require!(cx, Rid::Life31, live.is_none(), Mapi,
                "Shutdown while logon {} is still live (its support object not released); MAPI shuts the provider down when its last logon is gone (LIFE-31, AMB-21)",
                live.unwrap_or(0));
            let kept = first(|j| p.logons[j] == LogonLife::Gone);
            require!(cx, Rid::Life33, kept.is_none(), Spooler,
                "Shutdown while logon {} logged off but was never released; Shutdown comes only after every logon object was released (LIFE-33)",
                kept.unwrap_or(0));
        }
        Body::Return {
            method: Method::Shutdown,
            hr,
            ..
        } if to_provider => {
            require!(
                cx,
                Rid::Life33,
                hr == HResult::S_OK,
                Provider,
                "Shutdown returned {hr}; the provider returns S_OK (LIFE-33)"
            );
        }
        Body::Release {
            object: Released::Provider,
        } => {
            let live = first(|j| p.live(j));
            require!(
                cx,
                Rid::Life31,
                live.is_none(),
                Mapi,
                "Release of the provider object while logon {} is still live (LIFE-31)",
                live.unwrap_or(0)
            );
            let kept = first(|j| p.logons[j] == LogonLife::Gone);
            require!(cx, Rid::Life32, kept.is_none(), Spooler,
                "the provider object is released but logon {} was never released after its TransportLogoff (LIFE-32)",
                kept.unwrap_or(0));
        }
        Body::Return {
            method: Method::Release,
            hr,
            ..
        } if to_provider && !p.shut_down => {
            require!(cx, Rid::Life34, hr == HResult::S_OK, Provider,
                "the provider object's Release without Shutdown returned {hr}; it must be tolerated as Shutdown(0) + Release (LIFE-34)");
        }
        Body::TransportLogon { .. } => {
            require!(cx, Rid::Life20, !p.logon_failed, Mapi,
                "TransportLogon after an earlier TransportLogon of this provider failed; MAPI calls a failed provider (or service) no more in this session (LIFE-20)");
            if p.unconfigured {
                require!(cx, Rid::Life21, p.configured, Mapi,
                    "TransportLogon retried after MAPI_E_UNCONFIGURED without MAPI running the service entry with MSG_SERVICE_CONFIGURE first (LIFE-21)");
            }
            if p.shut_down {
                require!(
                    cx,
                    Rid::Life33,
                    false,
                    Spooler,
                    "TransportLogon after Shutdown; Shutdown comes just before the provider is released (LIFE-33)"
                );
            }
            if matches!(p.logons[i], LogonLife::Gone | LogonLife::Released) {
                require!(cx, Rid::Life32, p.logons[i] == LogonLife::Released, Spooler,
                    "a new TransportLogon on logon index {i} whose previous logon logged off but was never released (LIFE-32)");
            }
        }
        Body::Return {
            method: Method::TransportLogon,
            hr,
            ..
        } if !to_provider => {
            let other = first(|j| j != i && p.logged_on(j));
            if let Some(j) = other {
                let cancelled = hr == HResult::MAPI_E_USER_CANCEL && cx.s.track.dialog_cancelled;
                require!(cx, Rid::Life5, hr.is_success() || cancelled, Provider,
                    "TransportLogon of logon {i} failed with {hr} while logon {j} of the same provider is live; a provider serves several logons at once (LIFE-5)");
            }
        }
        Body::FlushQueues { .. } if !to_provider => {
            let bit = 1u16 << i;
            let other = first(|j| j != i && p.flushing & (1 << j) != 0);
            let again = p.fq_started & bit != 0;
            require!(cx, Rid::Fq6, other.is_none(), Spooler,
                "FlushQueues on logon {i} while logon {} is still in its flush cycle; a spooler-driven flush visits transports one at a time (FQ-6)",
                other.unwrap_or(0));
            if other.is_none() {
                require!(cx, Rid::Fq6, !again, Spooler,
                    "a second FlushQueues on logon {i} while the flush cycle its first one started is not over; one FlushQueues per flush operation (FQ-6)");
            }
        }
        Body::ShowUi { .. } => {
            require!(cx, Rid::Svc7, !p.nt_service, Provider,
                "the provider showed a dialog although XPProviderInit passed MAPI_NT_SERVICE: no UI in a Windows service (SVC-7)");
        }
        // The call ran under the service's no-UI regime; a dialog was reported when shown.
        Body::Return { .. }
            if !to_provider
                && p.nt_service
                && cx.s.frame(ev.thread).is_some_and(|f| !f.ui_shown) =>
        {
            cx.out.checked(Rid::Svc7);
        }
        _ => {}
    }
}
