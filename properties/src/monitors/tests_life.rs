//! Lifecycle and provider-object monitors (LIFE-*, SVC-7, FQ-6): each fires on a hand-made trace
//! and stays quiet, while counting checks, on a conforming one.

use super::testkit::*;
use crate::event::{Body, Method, MsgId, Released, Thread, Word};
use crate::rules::Rid;
use crate::vocab::consts::CURRENT_SPI_VERSION;
use crate::vocab::{
    EndMessageFlags as E, FlagWord, FlushFlags, HResult as H, LogoffFlags, LogonFlags as L,
    SpoolerNotifyFlags as N, StatusCode as St, StatusRowFlags, TransportNotifyFlags as F,
};

const NT_SERVICE: u32 = 0x0001_0000;
const BOTH: L = L::LOGON_NO_INBOUND.union(L::LOGON_NO_OUTBOUND);

fn create_row() -> Body {
    Body::status_row(StatusRowFlags::empty(), St::STATUS_AVAILABLE)
}

fn init(t: &mut T, flags: u32, mapi_ver: u32, provider_ver: u32, hr: H) -> &mut T {
    t.ev(
        SP,
        Body::ProviderInit {
            flags: Word(flags),
            mapi_ver: Word(mapi_ver),
        },
    )
    .ev(SP, ret_flags(Method::ProviderInit, hr, provider_ver))
}

fn init_ok(t: &mut T) -> &mut T {
    init(t, 0, CURRENT_SPI_VERSION, CURRENT_SPI_VERSION, H::S_OK)
}

fn logon_call(t: &mut T, flags: L) -> &mut T {
    t.ev(SP, Body::TransportLogon { flags })
}

fn logoff(t: &mut T) -> &mut T {
    t.ev(
        SP,
        Body::TransportLogoff {
            flags: LogoffFlags::empty(),
        },
    )
}

fn end_both(t: &mut T) -> &mut T {
    t.notify(
        F::NOTIFY_END_INBOUND | F::NOTIFY_END_OUTBOUND,
        None,
        Some(St::STATUS_AVAILABLE),
    )
}

fn release(object: Released) -> Body {
    Body::Release { object }
}

fn shutdown(flags: u32) -> Body {
    Body::Shutdown { flags: Word(flags) }
}

fn newmail() -> Body {
    Body::spooler_notify(N::NOTIFY_NEWMAIL, None)
}

/// A conforming provider lifetime: init, two concurrent logons (one without polling, driven by
/// NOTIFY_NEWMAIL; the other flushed first), Idle, flushes one logon at a time, ordered
/// teardown with MakeInvalid, a TransportNotify racing the logoff and answered
/// MAPI_E_INVALID_OBJECT, the support object released last, Shutdown and the provider's Release
/// nested inside the last TransportLogoff (AMB-21), then the logon's Release.
fn conforming_lifetime() -> T {
    let mut t = T::new();
    init_ok(&mut t);
    logon_call(&mut t, BOTH | L::LOGON_NO_DIALOG)
        .ev(SP, create_row())
        .ev(
            SP,
            ret_flags(Method::TransportLogon, H::S_OK, L::LOGON_SP_IDLE.raw()),
        )
        .ev(SP, Body::AddressTypes)
        .ev(SP, ret(Method::AddressTypes, H::S_OK));
    t.notify(
        F::NOTIFY_BEGIN_INBOUND | F::NOTIFY_BEGIN_OUTBOUND,
        None,
        Some(ENABLED),
    );
    t.ev(SP, Body::Idle { flags: Word(0) })
        .ev(SP, ret(Method::Idle, H::S_OK));
    // No LOGON_SP_POLL: mail is looked for on NOTIFY_NEWMAIL only (LIFE-10).
    t.ev(PT, newmail()).deliver(IN1, 1);
    t.start(IN2).ev(SP, ret(Method::StartMessage, H::S_OK));
    t.submit_ok(M1, 5).end(5, E::empty());
    // A second logon while the first is live (LIFE-5); it flushes first, alone (FQ-6).
    t.on(1).logon_with(L::LOGON_SP_POLL);
    t.ev(
        SP,
        Body::FlushQueues {
            flags: FlushFlags::FLUSH_UPLOAD,
        },
    )
    .ev(SP, row(St::STATUS_AVAILABLE | St::STATUS_OUTBOUND_FLUSH))
    .ev(SP, ret(Method::FlushQueues, H::S_OK));
    t.notify(
        F::NOTIFY_END_OUTBOUND_FLUSH,
        None,
        Some(St::STATUS_AVAILABLE),
    );
    t.on(0)
        .ev(
            SP,
            Body::FlushQueues {
                flags: FlushFlags::FLUSH_DOWNLOAD,
            },
        )
        .ev(SP, row(ENABLED | St::STATUS_INBOUND_FLUSH))
        .ev(SP, ret(Method::FlushQueues, H::S_OK));
    t.start(MsgId(103))
        .ev(SP, ret(Method::StartMessage, H::S_OK));
    t.notify(F::NOTIFY_END_INBOUND_FLUSH, None, Some(ENABLED));
    // Logon 1 goes first: LOGOFF_NORMAL, invalidate, release support last, then Release.
    t.on(1);
    t.ev(
        SP,
        Body::TransportLogoff {
            flags: LogoffFlags::LOGOFF_NORMAL,
        },
    )
    .ev(SP, Body::MakeInvalid)
    .ev(SP, Body::SupportRelease)
    .ev(SP, ret(Method::TransportLogoff, H::S_OK))
    .ev(SP, release(Released::Logon))
    .ev(SP, ret(Method::Release, H::S_OK));
    // Logon 0, the last: MAPI shuts the provider down inside its TransportLogoff (AMB-21).
    t.on(0);
    end_both(&mut t);
    let racing = F::NOTIFY_END_INBOUND_FLUSH | F::NOTIFY_END_OUTBOUND_FLUSH;
    logoff(&mut t)
        .ev(SP, Body::MakeInvalid)
        .ev(
            NT,
            Body::TransportNotify {
                flags: racing,
                data: None,
            },
        )
        .ev(
            NT,
            ret_flags(
                Method::TransportNotify,
                H::MAPI_E_INVALID_OBJECT,
                racing.raw(),
            ),
        )
        .ev(SP, Body::SupportRelease)
        .ev(SP, shutdown(0))
        .ev(SP, ret(Method::Shutdown, H::S_OK))
        .ev(SP, release(Released::Provider))
        .ev(SP, ret(Method::Release, H::S_OK))
        .ev(SP, ret(Method::TransportLogoff, H::S_OK))
        .ev(SP, release(Released::Logon))
        .ev(SP, ret(Method::Release, H::S_OK));
    t
}

#[test]
fn conforming_lifetime_is_quiet_and_exercises_the_lifecycle_monitors() {
    let t = conforming_lifetime();
    t.clean();
    for r in [
        Rid::Life1,
        Rid::Life2,
        Rid::Life3,
        Rid::Life5,
        Rid::Life7,
        Rid::Life10,
        Rid::Life11,
        Rid::Life13,
        Rid::Life17,
        Rid::Life18,
        Rid::Life20,
        Rid::Life22,
        Rid::Life23,
        Rid::Life27,
        Rid::Life28,
        Rid::Life29,
        Rid::Life30,
        Rid::Life31,
        Rid::Life32,
        Rid::Life33,
        Rid::Life35,
        Rid::Life36,
        Rid::Life37,
        Rid::Fq6,
    ] {
        assert!(t.checks(r) > 0, "{} was not exercised", r.id());
    }
    // The provider's state is back to nothing live.
    assert!((0..2).all(|i| !t.judge.provider.live(i)));
}

#[test]
fn life1_provider_init_after_other_calls() {
    let mut t = T::active();
    init_ok(&mut t);
    t.only("LIFE-1");
}

#[test]
fn life2_init_flags_and_second_init() {
    let mut t = T::new();
    init(
        &mut t,
        0x0000_0002,
        CURRENT_SPI_VERSION,
        CURRENT_SPI_VERSION,
        H::S_OK,
    );
    t.only("LIFE-2");
    let mut t = T::new();
    init_ok(&mut t);
    init_ok(&mut t);
    t.only("LIFE-2");
}

#[test]
fn life3_success_reporting_a_newer_major_version() {
    let mut t = T::new();
    init(&mut t, 0, CURRENT_SPI_VERSION, 0x0002_0000, H::S_OK);
    t.only("LIFE-3");
    // A failure with MAPI_E_VERSION is the right answer, and judged by nothing else here.
    let mut t = T::new();
    init(
        &mut t,
        0,
        CURRENT_SPI_VERSION,
        0x0002_0000,
        H::MAPI_E_VERSION,
    );
    t.clean();
}

#[test]
fn life4_logon_on_a_provider_reporting_a_too_low_version() {
    let mut t = T::new();
    init(&mut t, 0, 0x0002_0000, CURRENT_SPI_VERSION, H::S_OK);
    logon_call(&mut t, BOTH);
    t.only("LIFE-4");
    let mut t = T::new();
    init(&mut t, 0, CURRENT_SPI_VERSION, 0, H::MAPI_E_VERSION);
    logon_call(&mut t, BOTH);
    t.only("LIFE-4");
}

#[test]
fn life4_too_low_version_released_at_once_is_quiet() {
    let mut t = T::new();
    init(&mut t, 0, 0x0002_0000, CURRENT_SPI_VERSION, H::S_OK);
    t.ev(SP, release(Released::Provider))
        .ev(SP, ret(Method::Release, H::S_OK));
    t.clean();
    assert!(t.checks(Rid::Life4) > 0);
    assert!(t.checks(Rid::Life34) > 0);
}

#[test]
fn life5_second_concurrent_logon_refused() {
    let mut t = T::logged_on(L::LOGON_SP_POLL);
    t.on(1);
    logon_call(&mut t, BOTH)
        .ev(SP, create_row())
        .ev(SP, ret(Method::TransportLogon, H::MAPI_E_CALL_FAILED));
    t.only("LIFE-5");
}

#[test]
fn life7_logon_flags_in_and_out() {
    let mut t = T::new();
    logon_call(&mut t, BOTH | L::LOGON_SP_POLL);
    t.only("LIFE-7");
    let mut t = T::new();
    logon_call(&mut t, BOTH)
        .ev(SP, create_row())
        .ev(SP, ret_flags(Method::TransportLogon, H::S_OK, 0x0000_0100));
    t.only("LIFE-7");
    // AMB-33: the word may keep the input bits.
    let mut t = T::new();
    logon_call(&mut t, BOTH).ev(SP, create_row()).ev(
        SP,
        ret_flags(
            Method::TransportLogon,
            H::S_OK,
            (BOTH | L::LOGON_SP_POLL).raw(),
        ),
    );
    t.clean();
    assert!(t.checks(Rid::Life7) >= 2);
}

#[test]
fn life10_start_message_without_newmail_on_a_logon_that_does_not_poll() {
    // The provider ended the flush by clearing its bit (FQ-13) right after a delivery; no
    // NOTIFY_NEWMAIL came, so nothing justifies another StartMessage.
    let mut t = T::logged_on(L::empty());
    t.notify(
        F::NOTIFY_BEGIN_INBOUND,
        None,
        Some(St::STATUS_AVAILABLE | St::STATUS_INBOUND_ENABLED),
    );
    t.ev(
        SP,
        Body::FlushQueues {
            flags: FlushFlags::FLUSH_DOWNLOAD,
        },
    )
    .ev(
        SP,
        row(St::STATUS_AVAILABLE | St::STATUS_INBOUND_ENABLED | St::STATUS_INBOUND_FLUSH),
    )
    .ev(SP, ret(Method::FlushQueues, H::S_OK))
    .deliver(IN1, 1)
    .ev(PT, row(St::STATUS_AVAILABLE | St::STATUS_INBOUND_ENABLED));
    t.clean();
    t.start(IN2);
    t.only("LIFE-10");
    // A Poll the logon never asked for (POLL-1) is no reason either.
    let mut t = T::logged_on(L::empty());
    t.notify(
        F::NOTIFY_BEGIN_INBOUND,
        None,
        Some(St::STATUS_AVAILABLE | St::STATUS_INBOUND_ENABLED),
    );
    t.poll(1).start(IN1);
    assert_eq!(t.errors(), vec!["POLL-1", "LIFE-10"]);
}

#[test]
fn life11_idle_while_another_call_runs() {
    let mut t = T::logged_on(L::LOGON_SP_IDLE);
    t.notify(
        F::NOTIFY_BEGIN_OUTBOUND,
        None,
        Some(St::STATUS_AVAILABLE | St::STATUS_OUTBOUND_ENABLED),
    );
    t.submit(M1, 5).ev(SP, Body::Idle { flags: Word(0) });
    t.only("LIFE-11");
}

#[test]
fn life13_logon_with_a_direction_enabled() {
    let mut t = T::new();
    logon_call(&mut t, L::LOGON_NO_INBOUND);
    t.only("LIFE-13");
}

#[test]
fn life16_transmit_under_no_connect() {
    let mut t = T::new();
    logon_call(&mut t, BOTH | L::LOGON_NO_CONNECT)
        .ev(SP, create_row())
        .ev(SP, ret_flags(Method::TransportLogon, H::S_OK, 0))
        .ev(SP, Body::AddressTypes)
        .ev(SP, ret(Method::AddressTypes, H::S_OK));
    t.notify(
        F::NOTIFY_BEGIN_OUTBOUND,
        None,
        Some(St::STATUS_AVAILABLE | St::STATUS_OUTBOUND_ENABLED),
    );
    t.submit(M1, 5);
    t.clean();
    assert!(t.checks(Rid::Life16) > 0);
    t.ev(
        SP,
        Body::Transmit {
            msg: M1,
            nontransmittable: false,
            taken: false,
            had_nontransmittable: false,
            had_taken: false,
            result: H::S_OK,
        },
    );
    t.only("LIFE-16");
}

#[test]
fn life17_dialog_under_no_dialog() {
    let mut t = T::new();
    logon_call(&mut t, BOTH | L::LOGON_NO_DIALOG)
        .ev(SP, Body::ShowUi { cancelled: false })
        .ev(SP, create_row())
        .ev(SP, ret_flags(Method::TransportLogon, H::S_OK, 0));
    t.only("LIFE-17");
    assert!(t.judge.sessions[0].frames.is_empty());
}

#[test]
fn life18_success_other_than_s_ok() {
    let mut t = T::new();
    logon_call(&mut t, BOTH).ev(SP, create_row()).ev(
        SP,
        ret_flags(Method::TransportLogon, H::MAPI_W_ERRORS_RETURNED, 0),
    );
    t.only("LIFE-18");
}

#[test]
fn life19_cancelled_dialog_not_user_cancel() {
    let mut t = T::new();
    logon_call(&mut t, BOTH)
        .ev(SP, Body::ShowUi { cancelled: true })
        .ev(SP, ret(Method::TransportLogon, H::MAPI_E_LOGON_FAILED));
    t.only("LIFE-19");
    let mut t = T::new();
    logon_call(&mut t, BOTH)
        .ev(SP, Body::ShowUi { cancelled: true })
        .ev(SP, ret(Method::TransportLogon, H::MAPI_E_USER_CANCEL));
    t.clean();
    assert!(t.checks(Rid::Life19) > 0);
}

#[test]
fn life20_logon_after_a_failed_logon() {
    let mut t = T::new();
    logon_call(&mut t, BOTH).ev(SP, ret(Method::TransportLogon, H::MAPI_E_FAILONEPROVIDER));
    t.clean();
    logon_call(&mut t, BOTH);
    t.only("LIFE-20");
    // No logon object exists after the failure.
    let mut t = T::new();
    logon_call(&mut t, BOTH)
        .ev(SP, ret(Method::TransportLogon, H::MAPI_E_LOGON_FAILED))
        .ev(SP, Body::AddressTypes);
    t.only("LIFE-20");
}

#[test]
fn life21_retry_without_configuring() {
    let mut t = T::new();
    logon_call(&mut t, BOTH).ev(SP, ret(Method::TransportLogon, H::MAPI_E_UNCONFIGURED));
    logon_call(&mut t, BOTH);
    t.only("LIFE-21");
}

#[test]
fn life21_retry_after_configuring_is_quiet() {
    let mut t = T::new();
    logon_call(&mut t, BOTH)
        .ev(SP, ret(Method::TransportLogon, H::MAPI_E_UNCONFIGURED))
        .ev(SP, Body::ServiceConfigure);
    t.logon_with(L::LOGON_SP_POLL);
    t.clean();
    assert!(t.checks(Rid::Life21) > 0);
    assert_eq!(
        t.judge.sessions[0].life,
        crate::judge::session::Life::Active
    );
}

#[test]
fn life22_notify_before_address_types() {
    let mut t = T::new();
    logon_call(&mut t, BOTH)
        .ev(SP, create_row())
        .ev(SP, ret_flags(Method::TransportLogon, H::S_OK, 0));
    t.notify(
        F::NOTIFY_BEGIN_INBOUND,
        None,
        Some(St::STATUS_AVAILABLE | St::STATUS_INBOUND_ENABLED),
    );
    t.only("LIFE-22");
    // §5.2 lists TransportLogoff only from Active/Critical: a logoff before AddressTypes is an
    // "other IXPLogon call".
    let mut t = T::new();
    logon_call(&mut t, BOTH)
        .ev(SP, create_row())
        .ev(SP, ret_flags(Method::TransportLogon, H::S_OK, 0));
    logoff(&mut t);
    t.only("LIFE-22");
}

#[test]
fn life23_no_row_by_address_types_or_first_notify() {
    let mut t = T::new();
    logon_call(&mut t, BOTH)
        .ev(SP, ret_flags(Method::TransportLogon, H::S_OK, 0))
        .ev(SP, Body::AddressTypes)
        .ev(SP, ret(Method::AddressTypes, H::S_OK));
    t.only("LIFE-23");
    t.ev(SP, Body::OpenStatusEntry { flags: Word(0) });
    t.only("LIFE-23");
}

#[test]
fn life27_logoff_flags() {
    let mut t = T::active();
    end_both(&mut t).ev(
        SP,
        Body::TransportLogoff {
            flags: LogoffFlags::LOGOFF_NORMAL | LogoffFlags::LOGOFF_HURRY,
        },
    );
    t.only("LIFE-27");
}

#[test]
fn life28_call_after_logoff_returned() {
    let mut t = T::active();
    end_both(&mut t);
    logoff(&mut t)
        .ev(SP, ret(Method::TransportLogoff, H::MAPI_E_CALL_FAILED))
        .ev(SP, Body::AddressTypes);
    assert_eq!(t.errors(), vec!["LIFE-29", "LIFE-28"]);
    let mut t = T::active();
    end_both(&mut t);
    logoff(&mut t)
        .ev(SP, ret(Method::TransportLogoff, H::S_OK))
        .ev(SP, Body::AddressTypes);
    t.only("LIFE-28");
}

#[test]
fn life29_transfer_after_logoff_and_failed_logoff() {
    let mut t = T::active();
    t.submit(M1, 5);
    end_both(&mut t);
    logoff(&mut t).ev(SP, ret(Method::TransportLogoff, H::S_OK));
    t.clean();
    t.ev(
        PT,
        Body::SaveChanges {
            msg: M1,
            result: H::S_OK,
        },
    );
    t.only("LIFE-29");
    let mut t = T::active();
    end_both(&mut t);
    logoff(&mut t).ev(SP, ret(Method::TransportLogoff, H::MAPI_E_CALL_FAILED));
    t.only("LIFE-29");
}

#[test]
fn life30_invalidation_outside_logoff_and_support_use_after_release() {
    let mut t = T::active();
    t.ev(PT, Body::MakeInvalid);
    t.only("LIFE-30");
    let mut t = T::active();
    end_both(&mut t);
    logoff(&mut t)
        .ev(SP, Body::SupportRelease)
        .ev(SP, row(St::STATUS_AVAILABLE));
    t.only("LIFE-30");
}

#[test]
fn life31_shutdown_while_a_logon_is_live() {
    let mut t = T::new();
    init_ok(&mut t).logon_with(L::LOGON_SP_POLL);
    t.ev(SP, shutdown(0));
    t.only("LIFE-31");
    // Inside TransportLogoff but before the support object was released: still live.
    let mut t = T::new();
    init_ok(&mut t).logon_with(L::LOGON_SP_POLL);
    logoff(&mut t).ev(SP, Body::MakeInvalid).ev(SP, shutdown(0));
    t.only("LIFE-31");
}

#[test]
fn life32_release_during_logoff_twice_or_never() {
    let mut t = T::active();
    end_both(&mut t);
    logoff(&mut t).ev(NT, release(Released::Logon));
    t.only("LIFE-32");
    let mut t = T::active();
    end_both(&mut t);
    logoff(&mut t)
        .ev(SP, ret(Method::TransportLogoff, H::S_OK))
        .ev(SP, release(Released::Logon))
        .ev(SP, ret(Method::Release, H::S_OK))
        .ev(SP, release(Released::Logon));
    t.only("LIFE-32");
    let mut t = T::new();
    init_ok(&mut t).logon_with(L::LOGON_SP_POLL);
    logoff(&mut t)
        .ev(SP, ret(Method::TransportLogoff, H::S_OK))
        .ev(SP, release(Released::Provider));
    t.only("LIFE-32");
}

#[test]
fn life33_shutdown_flags_timing_and_answer() {
    let mut t = T::new();
    init_ok(&mut t).ev(SP, shutdown(0x0000_0002));
    t.only("LIFE-33");
    let mut t = T::new();
    init_ok(&mut t).logon_with(L::LOGON_SP_POLL);
    logoff(&mut t)
        .ev(SP, ret(Method::TransportLogoff, H::S_OK))
        .ev(SP, shutdown(0));
    t.only("LIFE-33");
    let mut t = T::new();
    init_ok(&mut t)
        .ev(SP, shutdown(0x8000_0000))
        .ev(SP, ret(Method::Shutdown, H::MAPI_E_CALL_FAILED));
    t.only("LIFE-33");
}

#[test]
fn life34_provider_calls_after_release_without_logoff() {
    let mut t = T::active();
    end_both(&mut t)
        .ev(SP, release(Released::Logon))
        .ev(SP, Body::MakeInvalid)
        .ev(SP, Body::SupportRelease)
        .ev(SP, ret(Method::Release, H::S_OK));
    t.clean();
    assert!(t.checks(Rid::Life34) > 0);
    assert!(t.checks(Rid::Life30) > 0);
    t.ev(PT, newmail());
    t.only("LIFE-34");
}

#[test]
fn life35_traffic_before_the_row_and_logoff_with_traffic_on() {
    let mut t = T::new();
    logon_call(&mut t, BOTH)
        .ev(SP, ret_flags(Method::TransportLogon, H::S_OK, 0))
        .ev(SP, Body::AddressTypes)
        .ev(SP, ret(Method::AddressTypes, H::S_OK));
    let before = t.c.findings.len();
    t.ev(
        NT,
        Body::TransportNotify {
            flags: F::NOTIFY_BEGIN_OUTBOUND,
            data: None,
        },
    );
    let rules: Vec<_> = t.c.findings[before..].iter().map(|f| f.rule).collect();
    assert_eq!(rules, vec!["LIFE-35", "LIFE-23"]);
    let mut t = T::active();
    logoff(&mut t);
    t.only("LIFE-35");
}

#[test]
fn life36_call_on_an_invalidated_logon_answered() {
    let mut t = T::active();
    end_both(&mut t);
    logoff(&mut t)
        .ev(SP, Body::MakeInvalid)
        .ev(
            NT,
            Body::TransportNotify {
                flags: F::NOTIFY_END_INBOUND_FLUSH,
                data: None,
            },
        )
        .ev(
            NT,
            ret_flags(
                Method::TransportNotify,
                H::S_OK,
                F::NOTIFY_END_INBOUND_FLUSH.raw(),
            ),
        );
    t.only("LIFE-36");
}

#[test]
fn life37_register_options() {
    let mut t = T::active();
    t.ev(SP, Body::RegisterOptions);
    t.only("LIFE-37");
}

#[test]
fn fq6_flush_of_two_logons_at_once_and_twice_on_one() {
    let mut t = T::logged_on(L::LOGON_SP_POLL);
    t.on(1).logon_with(L::LOGON_SP_POLL);
    t.on(0)
        .ev(
            SP,
            Body::FlushQueues {
                flags: FlushFlags::FLUSH_UPLOAD,
            },
        )
        .ev(SP, row(St::STATUS_AVAILABLE | St::STATUS_OUTBOUND_FLUSH))
        .ev(SP, ret(Method::FlushQueues, H::S_OK));
    t.clean();
    t.on(1).ev(
        SP,
        Body::FlushQueues {
            flags: FlushFlags::FLUSH_UPLOAD,
        },
    );
    t.only("FQ-6");
    let mut t = T::logged_on(L::LOGON_SP_POLL);
    for _ in 0..2 {
        t.ev(
            SP,
            Body::FlushQueues {
                flags: FlushFlags::FLUSH_UPLOAD,
            },
        )
        .ev(SP, row(St::STATUS_AVAILABLE | St::STATUS_OUTBOUND_FLUSH))
        .ev(SP, ret(Method::FlushQueues, H::S_OK));
    }
    t.only("FQ-6");
}

#[test]
fn svc7_dialog_in_a_service() {
    let mut t = T::new();
    init(
        &mut t,
        NT_SERVICE,
        CURRENT_SPI_VERSION,
        CURRENT_SPI_VERSION,
        H::S_OK,
    );
    t.logon_with(L::LOGON_SP_POLL);
    t.clean();
    assert!(t.checks(Rid::Svc7) > 0);
    t.ev(Thread::Client(1), Body::StatusSettingsDialog)
        .ev(Thread::Client(1), Body::ShowUi { cancelled: false });
    t.only("SVC-7");
}

#[test]
fn shutdown_flags_default_to_zero_in_traces() {
    let e: crate::event::Event =
        serde_json::from_str(r#"{"v":1,"seq":3,"thread":"spooler","event":"shutdown"}"#)
            .expect("old shutdown lines still read");
    assert_eq!(e.body, shutdown(0));
    assert_eq!(
        e.to_json_line(),
        r#"{"v":1,"seq":3,"thread":"spooler","event":"shutdown"}"#
    );
    let e = crate::event::Event::new(4, SP, shutdown(0x8000_0000));
    assert!(e.to_json_line().contains(r#""flags":"0x80000000""#));
}

#[test]
fn provider_returns_are_routed_to_the_innermost_call() {
    // A Shutdown left open under TransportLogoff: the logoff's return is a mismatch.
    let mut t = T::new();
    init_ok(&mut t).logon_with(L::LOGON_SP_POLL);
    logoff(&mut t)
        .ev(SP, Body::SupportRelease)
        .ev(SP, shutdown(0));
    let e = crate::event::Event::new(t.seq, SP, ret(Method::TransportLogoff, H::S_OK));
    let err = t
        .judge
        .observe(&t.cfg, &e, &mut t.c)
        .expect_err("Shutdown is the innermost call");
    assert!(matches!(
        err,
        crate::judge::TraceError::ReturnMismatch {
            open: Method::Shutdown,
            ..
        }
    ));
    // A provider-level return with nothing open is no call's return.
    let mut t = T::new();
    let e = crate::event::Event::new(0, SP, ret(Method::Shutdown, H::S_OK));
    assert!(t.judge.observe(&t.cfg, &e, &mut t.c).is_err());
}

#[test]
fn observe_event_drives_an_engine_kept_session() {
    // The model keeps its sessions itself and shares one provider state.
    let mut p = crate::judge::ProviderState::new();
    let mut sessions = [crate::judge::Session::default(), Default::default()];
    let mut c = crate::judge::Collect::new();
    let cfg = crate::judge::Settings::default();
    let mut seq = 0;
    let mut ev = |logon: u8,
                  body: Body,
                  p: &mut crate::judge::ProviderState,
                  s: &mut [crate::judge::Session; 2]| {
        let mut e = crate::event::Event::new(seq, SP, body);
        e.logon = logon;
        seq += 1;
        crate::judge::observe_event(p, &mut s[logon as usize], &cfg, &e, &mut c).unwrap();
    };
    ev(
        0,
        Body::TransportLogon { flags: BOTH },
        &mut p,
        &mut sessions,
    );
    ev(0, create_row(), &mut p, &mut sessions);
    ev(
        0,
        ret(Method::TransportLogon, H::S_OK),
        &mut p,
        &mut sessions,
    );
    ev(
        1,
        Body::TransportLogon { flags: BOTH },
        &mut p,
        &mut sessions,
    );
    ev(
        1,
        ret(Method::TransportLogon, H::MAPI_E_BUSY),
        &mut p,
        &mut sessions,
    );
    assert!(p.logged_on(0));
    let rules: Vec<_> = c.findings.iter().map(|f| f.rule).collect();
    assert_eq!(rules, vec!["LIFE-5"]);
}
