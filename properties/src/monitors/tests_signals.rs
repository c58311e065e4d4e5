//! Idle (IDLE-1..IDLE-3), SpoolerYield's flags (YLD-1), SpoolerNotify (SPN-3, SPN-5, SPN-9,
//! SPN-11, SPN-12), the status row (STAT-2, STAT-3, STAT-7) and AbortSubmit (DEF-1): each check
//! fires on a hand-made trace and stays quiet, counting checks, on a conforming one.

use super::testkit::*;
use crate::event::{Body, Method, MsgId, Thread, Word};
use crate::judge::Blame;
use crate::rules::Rid;
use crate::vocab::{
    EndMessageFlags as E, FlagWord, HResult as H, LogoffFlags, LogonFlags as L, RowColumns,
    SpoolerNotifyFlags as N, StatusCode as St, StatusRowFlags, SubmitFlags,
    TransportNotifyFlags as F, ValidateStateFlags,
};

#[track_caller]
fn blamed(t: &T, rule: &str, blame: Blame) {
    let f =
        t.c.findings
            .iter()
            .find(|f| f.rule == rule)
            .unwrap_or_else(|| panic!("no {rule} finding: {:#?}", t.c.findings));
    assert_eq!(f.blame, blame, "{f:#?}");
}

fn logoff(t: &mut T) {
    t.end_traffic()
        .ev(
            SP,
            Body::TransportLogoff {
                flags: LogoffFlags::empty(),
            },
        )
        .ev(SP, ret(Method::TransportLogoff, H::S_OK));
}

/// A logon whose provider returned `caps` and created its row with `columns`.
fn logon(caps: L, columns: Option<RowColumns>) -> T {
    let mut t = T::new();
    t.ev(
        SP,
        Body::TransportLogon {
            flags: L::LOGON_NO_INBOUND | L::LOGON_NO_OUTBOUND,
        },
    )
    .ev(
        SP,
        Body::ModifyStatusRow {
            flags: StatusRowFlags::empty(),
            status: St::STATUS_AVAILABLE,
            columns,
            resource_methods: columns.map(|_| Word(0x0F)),
            remote_validate_ok: None,
            result: H::S_OK,
        },
    )
    .ev(SP, ret_flags(Method::TransportLogon, H::S_OK, caps.raw()))
    .ev(SP, Body::AddressTypes)
    .ev(SP, ret(Method::AddressTypes, H::S_OK));
    t.notify(
        F::NOTIFY_BEGIN_INBOUND | F::NOTIFY_BEGIN_OUTBOUND,
        None,
        Some(ENABLED),
    );
    t
}

fn idle(t: &mut T, flags: u32, hr: H) {
    t.ev(SP, Body::Idle { flags: Word(flags) })
        .ev(SP, ret(Method::Idle, hr));
}

fn yield_(flags: u32) -> Body {
    Body::SpoolerYield {
        flags: Word(flags),
        result: H::S_OK,
    }
}

fn pn(flags: N, entry_id: Option<MsgId>) -> Body {
    Body::spooler_notify(flags, entry_id)
}

/// One conforming session touching every check of this file on its quiet path.
#[test]
fn conforming_signals_are_quiet_and_checked() {
    let mut t = logon(
        L::LOGON_SP_IDLE | L::LOGON_SP_POLL,
        Some(RowColumns::REQUIRED | RowColumns::PR_STATUS_STRING),
    );
    idle(&mut t, 0, H::S_OK);
    t.submit(M1, 5)
        .ev(SP, yield_(0))
        .ev(SP, ret(Method::SubmitMessage, H::S_OK))
        .end(5, E::END_DONT_RESEND);
    t.ev(PT, pn(N::NOTIFY_SENTDEFERRED, Some(M1)));
    t.ev(
        SP,
        Body::SubmitMessage {
            flags: SubmitFlags::BEGIN_DEFERRED,
            msg: M1,
            msg_ref: 0,
        },
    )
    .ev(SP, Body::MsgRefWrite { value: 5 })
    .ev(SP, ret(Method::SubmitMessage, H::S_OK))
    .end(5, E::empty());
    // Configuration change: AddressTypes comes next on the main thread.
    t.ev(PT, pn(N::NOTIFY_CONFIG_CHANGE, None));
    t.ev(SP, Body::AddressTypes)
        .ev(SP, ret(Method::AddressTypes, H::S_OK));
    // Offline, then back: READYTOSEND announces it.
    t.ev(PT, row(ENABLED | St::STATUS_OFFLINE))
        .ev(PT, row(ENABLED))
        .ev(PT, pn(N::NOTIFY_READYTOSEND, None));
    t.ev(
        Thread::Client(1),
        Body::AbortSubmit {
            msg: M2,
            flags: Word(0),
            hr: H::S_OK,
        },
    );
    t.notify(
        F::NOTIFY_END_INBOUND | F::NOTIFY_END_OUTBOUND,
        None,
        Some(St::STATUS_AVAILABLE),
    );
    logoff(&mut t);
    t.clean();
    for r in [
        Rid::Idle1,
        Rid::Idle2,
        Rid::Idle3,
        Rid::Yld1,
        Rid::Spn3,
        Rid::Spn5,
        Rid::Spn9,
        Rid::Spn11,
        Rid::Spn12,
        Rid::Stat2,
        Rid::Stat3,
        Rid::Stat7,
        Rid::Def1,
    ] {
        assert!(t.checks(r) > 0, "{} was not exercised", r.id());
    }
}

#[test]
fn idle1_idle_without_logon_sp_idle() {
    let mut t = T::active();
    idle(&mut t, 0, H::S_OK);
    t.only("IDLE-1");
    blamed(&t, "IDLE-1", Blame::Spooler);
}

#[test]
fn idle2_idle_flags_not_zero() {
    let mut t = logon(L::LOGON_SP_IDLE, None);
    idle(&mut t, 1, H::S_OK);
    t.only("IDLE-2");
    blamed(&t, "IDLE-2", Blame::Spooler);
}

#[test]
fn idle3_idle_fails() {
    let mut t = logon(L::LOGON_SP_IDLE, None);
    idle(&mut t, 0, H::MAPI_E_CALL_FAILED);
    t.only("IDLE-3");
    blamed(&t, "IDLE-3", Blame::Provider);
}

#[test]
fn yld1_yield_flags_not_zero() {
    let mut t = T::active();
    t.submit(M1, 5).ev(SP, yield_(1));
    t.only("YLD-1");
    blamed(&t, "YLD-1", Blame::Provider);
}

#[test]
fn spn3_entry_id_with_the_wrong_flag() {
    let mut t = T::active();
    t.ev(PT, pn(N::NOTIFY_NEWMAIL, Some(M1)));
    t.only("SPN-3");
    blamed(&t, "SPN-3", Blame::Provider);
    // NOTIFY_SENTDEFERRED without an entry id names no message (DEF-4 too).
    let mut t = T::active();
    t.submit_ok(M1, 5).end(5, E::END_DONT_RESEND);
    t.ev(PT, pn(N::NOTIFY_SENTDEFERRED, None));
    assert_eq!(t.errors(), vec!["DEF-4", "SPN-3"]);
}

#[test]
fn spn5_other_call_before_address_types() {
    let mut t = T::active();
    t.ev(PT, pn(N::NOTIFY_CONFIG_CHANGE, None));
    t.poll(0);
    t.only("SPN-5");
    blamed(&t, "SPN-5", Blame::Spooler);
}

#[test]
fn spn5_notify_thread_and_logoff_are_not_held_back() {
    // TransportNotify runs on its own thread; logging off drops the need for AddressTypes.
    let mut t = T::active();
    t.ev(PT, pn(N::NOTIFY_CONFIG_CHANGE, None));
    t.notify(
        F::NOTIFY_END_INBOUND | F::NOTIFY_END_OUTBOUND,
        None,
        Some(St::STATUS_AVAILABLE),
    );
    logoff(&mut t);
    t.clean();
}

#[test]
fn spn9_recovery_not_announced_before_the_call_returns() {
    let mut t = T::active();
    t.ev(PT, row(ENABLED | St::STATUS_OFFLINE));
    t.ev(
        SP,
        Body::ValidateState {
            flags: ValidateStateFlags::FORCE_XP_CONNECT,
        },
    )
    .ev(SP, row(ENABLED))
    .ev(SP, ret(Method::ValidateState, H::S_OK));
    t.only("SPN-9");
    blamed(&t, "SPN-9", Blame::Provider);
}

#[test]
fn spn9_recovery_on_the_providers_thread_not_announced_before_the_next_row_change() {
    let mut t = T::active();
    t.ev(PT, row(ENABLED | St::STATUS_FAILURE))
        .ev(PT, row(ENABLED))
        .ev(PT, row(ENABLED | St::STATUS_OUTBOUND_ACTIVE));
    t.only("SPN-9");
    // ... nor before TransportLogoff returns.
    let mut t = T::active();
    t.ev(PT, row(ENABLED | St::STATUS_FAILURE))
        .ev(PT, row(ENABLED));
    logoff(&mut t);
    t.only("SPN-9");
}

#[test]
fn spn9_not_owed_while_outbound_is_disabled_or_when_outbound_begins() {
    // Offline at logon, online with BEGIN_OUTBOUND: the notification itself says "send".
    let mut t = T::new();
    t.ev(
        SP,
        Body::TransportLogon {
            flags: L::LOGON_NO_INBOUND | L::LOGON_NO_OUTBOUND,
        },
    )
    .ev(
        SP,
        Body::status_row(
            StatusRowFlags::empty(),
            St::STATUS_AVAILABLE | St::STATUS_OFFLINE,
        ),
    )
    .ev(SP, ret_flags(Method::TransportLogon, H::S_OK, 0))
    .ev(SP, Body::AddressTypes)
    .ev(SP, ret(Method::AddressTypes, H::S_OK));
    t.notify(
        F::NOTIFY_BEGIN_OUTBOUND,
        None,
        Some(St::STATUS_AVAILABLE | St::STATUS_OUTBOUND_ENABLED),
    );
    // Outbound disabled again: the spooler ignores READYTOSEND (TN-24), none is owed.
    t.notify(
        F::NOTIFY_END_OUTBOUND,
        None,
        Some(St::STATUS_AVAILABLE | St::STATUS_OFFLINE),
    );
    t.ev(PT, row(St::STATUS_AVAILABLE))
        .ev(PT, row(St::STATUS_AVAILABLE));
    t.clean();
    assert_eq!(t.checks(Rid::Spn9), 0);
}

#[test]
fn spn11_announced_message_neither_resubmitted_nor_aborted() {
    let mut t = T::active();
    t.submit_ok(M1, 5).end(5, E::END_DONT_RESEND);
    t.ev(PT, pn(N::NOTIFY_SENTDEFERRED, Some(M1)));
    logoff(&mut t);
    t.only("SPN-11");
    blamed(&t, "SPN-11", Blame::Spooler);
}

#[test]
fn spn11_aborted_announced_message_is_settled() {
    let mut t = T::active();
    t.submit_ok(M1, 5).end(5, E::END_DONT_RESEND);
    t.ev(PT, pn(N::NOTIFY_SENTDEFERRED, Some(M1)));
    t.notify(
        F::NOTIFY_ABORT_DEFERRED,
        Some(crate::event::NotifyData::EntryId(M1)),
        None,
    );
    logoff(&mut t);
    t.clean();
    assert!(t.checks(Rid::Spn11) > 0);
}

#[test]
fn spn12_spooler_notify_fails() {
    let mut t = T::active();
    t.ev(
        PT,
        Body::SpoolerNotify {
            flags: N::NOTIFY_NEWMAIL,
            entry_id: None,
            result: H::MAPI_E_CALL_FAILED,
        },
    );
    t.only("SPN-12");
    blamed(&t, "SPN-12", Blame::Mapi);
}

#[test]
fn stat2_modify_status_row_fails() {
    let mut t = T::active();
    t.ev(
        PT,
        Body::ModifyStatusRow {
            flags: StatusRowFlags::STATUSROW_UPDATE,
            status: ENABLED,
            columns: None,
            resource_methods: None,
            remote_validate_ok: None,
            result: H::MAPI_E_NOT_ENOUGH_MEMORY,
        },
    );
    t.only("STAT-2");
    blamed(&t, "STAT-2", Blame::Mapi);
}

#[test]
fn stat3_undefined_status_bits() {
    let mut t = T::active();
    t.ev(PT, row(ENABLED | St::from_raw(0x0008_0000)));
    t.only("STAT-3");
    blamed(&t, "STAT-3", Blame::Provider);
    // Not judged when the call does not pass PR_STATUS_CODE.
    let mut t = T::active();
    t.ev(
        PT,
        Body::ModifyStatusRow {
            flags: StatusRowFlags::STATUSROW_UPDATE,
            status: ENABLED | St::from_raw(0x0008_0000),
            columns: Some(RowColumns::PR_STATUS_STRING),
            resource_methods: None,
            remote_validate_ok: None,
            result: H::S_OK,
        },
    );
    assert!(!t.errors().contains(&"STAT-3"), "{:#?}", t.c.findings);
}

#[test]
fn stat7_row_created_without_required_columns() {
    let t = logon(
        L::LOGON_SP_POLL,
        Some(RowColumns::PR_DISPLAY_NAME | RowColumns::PR_STATUS_CODE),
    );
    t.only("STAT-7");
    blamed(&t, "STAT-7", Blame::Provider);
}

#[test]
fn def1_abort_submit_flags_not_zero() {
    let mut t = T::active();
    t.ev(
        Thread::Client(1),
        Body::AbortSubmit {
            msg: M1,
            flags: Word(1),
            hr: H::S_OK,
        },
    );
    t.only("DEF-1");
    blamed(&t, "DEF-1", Blame::Client);
}
