//! ValidateState (VS-*), the status object (STAT-6, STAT-11) and its FlushQueues (FQ-15..FQ-17):
//! each rule fires on a hand-made trace and stays quiet, counting checks, on a conforming one.

use super::testkit::*;
use crate::event::{Body, Method, MsgId, Thread, Word};
use crate::rules::Rid;
use crate::vocab::consts::{MAPI_MODIFY, MAPI_STATUS};
use crate::vocab::{
    FlagWord, FlushFlags as Fl, HResult as H, LogoffFlags, LogonFlags as L, ResourceMethods as RM,
    RowColumns as C, SpoolerNotifyFlags as N, StatusCode as St, StatusRowFlags,
    TransportNotifyFlags as F, ValidateStateFlags as V,
};

const CL: Thread = Thread::Client(1);

/// Every column VS-8 / VS-10 look at.
const COLUMNS: C = C::PR_STATUS_CODE
    .union(C::PR_STATUS_STRING)
    .union(C::PR_REMOTE_VALIDATE_OK);

fn row_with(status: St, columns: Option<C>, methods: Option<RM>, rvo: Option<bool>) -> Body {
    Body::ModifyStatusRow {
        flags: StatusRowFlags::STATUSROW_UPDATE,
        status,
        columns,
        resource_methods: methods.map(|m| Word(m.raw())),
        remote_validate_ok: rvo,
        result: H::S_OK,
    }
}

/// A conforming logon whose row advertises `methods` (and so records its columns).
fn advertising(methods: RM) -> T {
    let mut t = T::active();
    t.ev(
        PT,
        row_with(
            ENABLED,
            Some(C::PR_STATUS_CODE | C::PR_RESOURCE_METHODS),
            Some(methods),
            None,
        ),
    );
    t
}

fn all_methods() -> RM {
    RM::STATUS_VALIDATE_STATE | RM::STATUS_SETTINGS_DIALOG | RM::STATUS_FLUSH_QUEUES
}

/// `IMAPIStatus::ValidateState(flags)` on a client thread: `inner` happens during the call.
fn status_validate(t: &mut T, flags: V, inner: &[Body], hr: H) {
    t.ev(CL, Body::StatusValidateState { flags });
    for b in inner {
        t.ev(CL, *b);
    }
    t.ev(CL, ret(Method::StatusValidateState, hr));
}

/// `IXPLogon::ValidateState(flags)` from the spooler.
fn validate(t: &mut T, flags: V, inner: &[Body], hr: H) {
    t.ev(SP, Body::ValidateState { flags });
    for b in inner {
        t.ev(SP, *b);
    }
    t.ev(SP, ret(Method::ValidateState, hr));
}

/// `IMAPIStatus::FlushQueues(flags)` on a client thread.
fn status_flush(t: &mut T, flags: Fl, target: bool, inner: &[Body], hr: H) {
    t.ev(CL, Body::StatusFlushQueues { flags, target });
    for b in inner {
        t.ev(CL, *b);
    }
    t.ev(CL, ret(Method::StatusFlushQueues, hr));
}

fn config_change() -> Body {
    Body::spooler_notify(N::NOTIFY_CONFIG_CHANGE, None)
}

fn address_types(t: &mut T) {
    t.ev(SP, Body::AddressTypes)
        .ev(SP, ret(Method::AddressTypes, H::S_OK));
}

fn vs(flags: u32) -> V {
    V::from_raw(flags)
}

#[test]
fn vs1_validate_state_outside_an_active_logon() {
    // Between TransportLogon and AddressTypes (LIFE-22 may judge the same call).
    let mut t = T::new();
    t.ev(
        SP,
        Body::TransportLogon {
            flags: L::LOGON_NO_INBOUND | L::LOGON_NO_OUTBOUND,
        },
    )
    .ev(
        SP,
        Body::status_row(StatusRowFlags::empty(), St::STATUS_AVAILABLE),
    )
    .ev(SP, ret_flags(Method::TransportLogon, H::S_OK, 0));
    validate(&mut t, V::empty(), &[], H::S_OK);
    assert!(t.errors().contains(&"VS-1"), "{:#?}", t.c.findings);
    // After TransportLogoff returned (LIFE-28 may judge the same call).
    let mut t = T::active();
    t.notify(
        F::NOTIFY_END_INBOUND | F::NOTIFY_END_OUTBOUND,
        None,
        Some(St::STATUS_AVAILABLE),
    );
    t.ev(
        SP,
        Body::TransportLogoff {
            flags: LogoffFlags::empty(),
        },
    )
    .ev(SP, ret(Method::TransportLogoff, H::S_OK));
    validate(&mut t, V::empty(), &[], H::S_OK);
    assert!(t.errors().contains(&"VS-1"), "{:#?}", t.c.findings);
}

#[test]
fn vs1_quiet_on_an_active_logon() {
    let mut t = T::active();
    validate(&mut t, V::empty(), &[], H::S_OK);
    t.clean();
    assert!(t.checks(Rid::Vs1) > 0);
}

#[test]
fn vs2_config_changed_not_followed_by_address_types() {
    let mut t = T::active();
    validate(&mut t, V::CONFIG_CHANGED, &[], H::S_OK);
    t.poll(0);
    // The provider did not notify either (VS-11), so no SPN-5 obligation muddles the case.
    assert_eq!(t.errors(), vec!["VS-11", "VS-2"]);
}

#[test]
fn vs2_vs11_quiet_when_the_spooler_revalidates() {
    let mut t = T::active();
    validate(&mut t, V::CONFIG_CHANGED, &[config_change()], H::S_OK);
    address_types(&mut t);
    t.poll(0);
    // Refused: no re-validation is due.
    validate(&mut t, V::CONFIG_CHANGED, &[], H::MAPI_E_BUSY);
    t.poll(0);
    t.clean();
    assert!(t.checks(Rid::Vs2) > 0);
    assert!(t.checks(Rid::Vs11) > 0);
}

#[test]
fn vs5_undocumented_answer() {
    let mut t = T::active();
    status_validate(&mut t, V::empty(), &[], H::MAPI_E_CALL_FAILED);
    t.only("VS-5");
}

#[test]
fn vs5_quiet_on_documented_answers() {
    let mut t = T::active();
    for hr in [
        H::S_OK,
        H::MAPI_E_BUSY,
        H::MAPI_E_NO_SUPPORT,
        H::MAPI_E_USER_CANCEL,
    ] {
        status_validate(&mut t, V::empty(), &[], hr);
        validate(&mut t, V::empty(), &[], hr);
    }
    t.clean();
    assert!(t.checks(Rid::Vs5) > 0);
}

#[test]
fn vs6_unknown_flags_accepted_and_known_flags_refused() {
    let mut t = T::active();
    validate(&mut t, vs(0x2), &[], H::S_OK);
    t.only("VS-6");
    let mut t = T::active();
    status_validate(&mut t, V::empty(), &[], H::MAPI_E_UNKNOWN_FLAGS);
    t.only("VS-6");
}

#[test]
fn vs6_quiet_when_unknown_flags_are_refused() {
    let mut t = T::active();
    validate(
        &mut t,
        vs(0x2) | V::SUPPRESS_UI,
        &[],
        H::MAPI_E_UNKNOWN_FLAGS,
    );
    status_validate(&mut t, vs(0x0100_0000), &[], H::MAPI_E_UNKNOWN_FLAGS);
    t.clean();
    assert!(t.checks(Rid::Vs6) > 0);
}

#[test]
fn vs7_message_transfer_during_validate_state() {
    let mut t = T::active();
    validate(
        &mut t,
        V::FORCE_XP_CONNECT,
        &[Body::Transmit {
            msg: MsgId(50),
            nontransmittable: false,
            taken: false,
            had_nontransmittable: false,
            had_taken: false,
            result: H::S_OK,
        }],
        H::S_OK,
    );
    t.only("VS-7");
    let mut t = T::active();
    status_validate(
        &mut t,
        V::empty(),
        &[Body::MessageRead {
            msg: MsgId(50),
            result: H::S_OK,
        }],
        H::S_OK,
    );
    t.only("VS-7");
}

#[test]
fn vs7_quiet_when_validate_state_only_sets_bits() {
    let mut t = T::active();
    // A transfer on another thread while a client validates is not the call's.
    t.ev(CL, Body::StatusValidateState { flags: V::empty() });
    t.submit_ok(M1, 5)
        .end(5, crate::vocab::EndMessageFlags::empty());
    t.ev(CL, ret(Method::StatusValidateState, H::S_OK));
    validate(&mut t, V::empty(), &[row(ENABLED)], H::S_OK);
    t.clean();
    assert!(t.checks(Rid::Vs7) > 0);
}

#[test]
fn vs8_abort_leaves_the_row_online_or_validate_ok_false() {
    // The row was not touched: inbound bits still set, not offline.
    let mut t = T::active();
    status_validate(&mut t, V::ABORT_XP_HEADER_OPERATION, &[], H::S_OK);
    t.only("VS-8");
    // The row is right, but PR_REMOTE_VALIDATE_OK was written FALSE.
    let mut t = T::active();
    let offline = St::STATUS_AVAILABLE | St::STATUS_OUTBOUND_ENABLED | St::STATUS_OFFLINE;
    status_validate(
        &mut t,
        V::ABORT_XP_HEADER_OPERATION,
        &[row_with(offline, Some(COLUMNS), None, Some(false))],
        H::S_OK,
    );
    t.only("VS-8");
    // The trace records columns but PR_STATUS_STRING was not written.
    let mut t = T::active();
    status_validate(
        &mut t,
        V::ABORT_XP_HEADER_OPERATION,
        &[row_with(
            offline,
            Some(C::PR_STATUS_CODE | C::PR_REMOTE_VALIDATE_OK),
            None,
            Some(true),
        )],
        H::S_OK,
    );
    t.only("VS-8");
}

#[test]
fn vs8_quiet_and_the_offline_row_is_exempt_from_stat4() {
    let mut t = T::active();
    let offline = St::STATUS_AVAILABLE | St::STATUS_OUTBOUND_ENABLED | St::STATUS_OFFLINE;
    status_validate(
        &mut t,
        V::ABORT_XP_HEADER_OPERATION,
        &[row_with(offline, Some(COLUMNS), None, Some(true))],
        H::S_OK,
    );
    // Cannot be cancelled: busy, nothing to judge about the row.
    status_validate(&mut t, V::ABORT_XP_HEADER_OPERATION, &[], H::MAPI_E_BUSY);
    // STAT-4 at a TransportNotify return: inbound enabled again, the offline row shows it clear.
    t.notify(F::NOTIFY_END_INBOUND, None, Some(offline));
    t.notify(F::NOTIFY_BEGIN_INBOUND, None, Some(offline));
    t.clean();
    assert!(t.checks(Rid::Vs8) > 0);
    assert!(t.checks(Rid::Stat4) > 0);
    // The exemption is only for a clear bit: a set bit for a disabled direction still fires.
    t.notify(
        F::NOTIFY_END_INBOUND,
        None,
        Some(offline | St::STATUS_INBOUND_ENABLED),
    );
    t.only("STAT-4");
}

#[test]
fn vs9_disconnect_without_offline_and_connect_still_offline() {
    let mut t = T::active();
    validate(&mut t, V::FORCE_XP_DISCONNECT, &[], H::S_OK);
    t.only("VS-9");
    let mut t = T::active();
    validate(
        &mut t,
        V::FORCE_XP_DISCONNECT,
        &[row(ENABLED | St::STATUS_OFFLINE)],
        H::S_OK,
    );
    validate(&mut t, V::FORCE_XP_CONNECT, &[], H::S_OK);
    t.only("VS-9");
}

#[test]
fn vs9_quiet_on_disconnect_then_connect() {
    let mut t = T::active();
    validate(
        &mut t,
        V::FORCE_XP_DISCONNECT,
        &[row(ENABLED | St::STATUS_OFFLINE)],
        H::S_OK,
    );
    // Back online with outbound enabled: READYTOSEND is due too (SPN-9).
    status_validate(
        &mut t,
        V::FORCE_XP_CONNECT,
        &[row(ENABLED), ready_to_send()],
        H::S_OK,
    );
    t.clean();
    assert!(t.checks(Rid::Vs9) >= 2);
}

#[test]
fn vs10_refresh_offline_show_ui_silent_and_process_unsupported() {
    let mut t = T::active();
    validate(
        &mut t,
        V::FORCE_XP_DISCONNECT,
        &[row(ENABLED | St::STATUS_OFFLINE)],
        H::S_OK,
    );
    status_validate(&mut t, V::REFRESH_XP_HEADER_CACHE, &[], H::S_OK);
    t.only("VS-10");
    let mut t = T::active();
    status_validate(&mut t, V::SHOW_XP_SESSION_UI, &[], H::S_OK);
    t.only("VS-10");
    let mut t = T::active();
    status_validate(
        &mut t,
        V::PROCESS_XP_HEADER_CACHE,
        &[],
        H::MAPI_E_NO_SUPPORT,
    );
    t.only("VS-10");
    // With recorded columns, PR_REMOTE_VALIDATE_OK must be written FALSE.
    let mut t = T::active();
    status_validate(
        &mut t,
        V::REFRESH_XP_HEADER_CACHE,
        &[row_with(ENABLED, Some(COLUMNS), None, Some(true))],
        H::S_OK,
    );
    t.only("VS-10");
}

#[test]
fn vs10_quiet_on_conforming_header_cache_answers() {
    let mut t = T::active();
    validate(
        &mut t,
        V::FORCE_XP_DISCONNECT,
        &[row(ENABLED | St::STATUS_OFFLINE)],
        H::S_OK,
    );
    status_validate(
        &mut t,
        V::REFRESH_XP_HEADER_CACHE,
        &[
            row_with(ENABLED, Some(COLUMNS), None, Some(false)),
            ready_to_send(),
        ],
        H::S_OK,
    );
    status_validate(
        &mut t,
        V::SHOW_XP_SESSION_UI,
        &[Body::ShowUi { cancelled: false }],
        H::S_OK,
    );
    status_validate(
        &mut t,
        V::SHOW_XP_SESSION_UI | V::SUPPRESS_UI,
        &[],
        H::MAPI_E_NO_SUPPORT,
    );
    status_validate(&mut t, V::PROCESS_XP_HEADER_CACHE, &[], H::MAPI_E_BUSY);
    status_validate(
        &mut t,
        V::PROCESS_XP_HEADER_CACHE,
        &[row_with(ENABLED, Some(COLUMNS), None, Some(false))],
        H::S_OK,
    );
    t.clean();
    assert!(t.checks(Rid::Vs10) >= 5);
}

#[test]
fn vs11_config_changed_without_notifying_the_spooler() {
    let mut t = T::active();
    status_validate(&mut t, V::CONFIG_CHANGED, &[], H::S_OK);
    t.only("VS-11");
}

#[test]
fn vs11_quiet_when_the_status_object_notifies() {
    let mut t = T::active();
    status_validate(&mut t, V::CONFIG_CHANGED, &[config_change()], H::S_OK);
    // The spooler answers NOTIFY_CONFIG_CHANGE with AddressTypes (SPN-5).
    address_types(&mut t);
    t.clean();
    assert!(t.checks(Rid::Vs11) > 0);
}

#[test]
fn vs12_dialog_under_suppress_ui() {
    let mut t = T::active();
    status_validate(
        &mut t,
        V::SUPPRESS_UI | V::FORCE_XP_CONNECT,
        &[Body::ShowUi { cancelled: false }, row(ENABLED)],
        H::S_OK,
    );
    t.only("VS-12");
}

#[test]
fn vs12_quiet_without_a_dialog() {
    let mut t = T::active();
    status_validate(&mut t, V::SUPPRESS_UI, &[], H::S_OK);
    validate(&mut t, V::SUPPRESS_UI, &[], H::S_OK);
    // A dialog on another thread is not the call's.
    t.ev(
        SP,
        Body::ValidateState {
            flags: V::SUPPRESS_UI,
        },
    );
    t.ev(CL, Body::StatusSettingsDialog)
        .ev(CL, Body::ShowUi { cancelled: false })
        .ev(CL, ret(Method::StatusSettingsDialog, H::S_OK));
    t.ev(SP, ret(Method::ValidateState, H::S_OK));
    t.clean();
    assert!(t.checks(Rid::Vs12) >= 3);
}

fn open_status(t: &mut T, flags: u32, hr: H, obj_type: Option<u32>) {
    t.ev(SP, Body::OpenStatusEntry { flags: Word(flags) });
    t.ev(
        SP,
        Body::Return {
            method: Method::OpenStatusEntry,
            hr,
            flags: obj_type.map(Word),
            msg_ref: None,
            return_parm: None,
            incoming: None,
        },
    );
}

#[test]
fn stat6_undefined_flag_and_wrong_object_type() {
    let mut t = T::active();
    open_status(&mut t, 0x2, H::S_OK, Some(MAPI_STATUS));
    t.only("STAT-6");
    assert_eq!(t.c.findings[0].blame, crate::judge::Blame::Spooler);
    let mut t = T::active();
    open_status(&mut t, MAPI_MODIFY, H::S_OK, Some(5));
    t.only("STAT-6");
    assert_eq!(t.c.findings[0].blame, crate::judge::Blame::Provider);
}

#[test]
fn stat6_quiet_on_a_status_object() {
    let mut t = T::active();
    open_status(&mut t, MAPI_MODIFY, H::S_OK, Some(MAPI_STATUS));
    open_status(&mut t, 0, H::S_OK, Some(MAPI_STATUS));
    open_status(&mut t, 0, H::MAPI_E_NOT_ENOUGH_MEMORY, None);
    t.clean();
    assert!(t.checks(Rid::Stat6) >= 2);
    assert!(t.checks(Rid::Flow17) >= 2);
}

#[test]
fn flow17_no_status_object() {
    let mut t = T::active();
    open_status(&mut t, 0, H::MAPI_E_NO_SUPPORT, None);
    t.only("FLOW-17");
}

#[test]
fn stat11_methods_not_as_advertised() {
    let mut t = advertising(RM::STATUS_VALIDATE_STATE);
    t.ev(CL, Body::StatusSettingsDialog)
        .ev(CL, ret(Method::StatusSettingsDialog, H::S_OK));
    t.only("STAT-11");
    let mut t = advertising(RM::STATUS_VALIDATE_STATE);
    status_validate(&mut t, V::empty(), &[], H::MAPI_E_NO_SUPPORT);
    t.only("STAT-11");
}

#[test]
fn stat11_quiet_when_methods_match_the_row() {
    let mut t = advertising(RM::STATUS_VALIDATE_STATE);
    t.ev(CL, Body::StatusSettingsDialog)
        .ev(CL, ret(Method::StatusSettingsDialog, H::MAPI_E_NO_SUPPORT));
    status_validate(&mut t, V::empty(), &[], H::S_OK);
    // VS-10: SHOW_XP_SESSION_UI may be declined even when ValidateState is advertised.
    status_validate(&mut t, V::SHOW_XP_SESSION_UI, &[], H::MAPI_E_NO_SUPPORT);
    t.ev(
        PT,
        row_with(
            ENABLED,
            Some(C::PR_RESOURCE_METHODS),
            Some(all_methods()),
            None,
        ),
    );
    t.ev(CL, Body::StatusSettingsDialog)
        .ev(CL, Body::ShowUi { cancelled: false })
        .ev(CL, ret(Method::StatusSettingsDialog, H::S_OK));
    t.clean();
    assert!(t.checks(Rid::Stat11) >= 4);
}

#[test]
fn fq15_yield_and_transfer_during_status_flush() {
    let mut t = advertising(all_methods());
    status_flush(
        &mut t,
        Fl::FLUSH_UPLOAD,
        false,
        &[
            Body::SpoolerYield {
                flags: Word(0),
                result: H::S_OK,
            },
            row(ENABLED | St::STATUS_OUTBOUND_FLUSH),
        ],
        H::S_OK,
    );
    t.only("FQ-15");
    let mut t = advertising(all_methods());
    status_flush(
        &mut t,
        Fl::FLUSH_UPLOAD,
        false,
        &[
            Body::MessageRead {
                msg: MsgId(50),
                result: H::S_OK,
            },
            row(ENABLED | St::STATUS_OUTBOUND_FLUSH),
        ],
        H::S_OK,
    );
    t.only("FQ-15");
}

/// The spooler drives the flush the status object asked for and ends it.
fn spooler_ends_flushes(t: &mut T) {
    t.notify(
        F::NOTIFY_END_INBOUND_FLUSH | F::NOTIFY_END_OUTBOUND_FLUSH,
        None,
        Some(ENABLED),
    );
}

#[test]
fn fq15_fq16_fq17_quiet_on_a_conforming_status_flush() {
    let mut t = advertising(all_methods());
    status_flush(
        &mut t,
        Fl::FLUSH_UPLOAD | Fl::FLUSH_DOWNLOAD,
        false,
        &[row(ENABLED
            | St::STATUS_OUTBOUND_FLUSH
            | St::STATUS_INBOUND_FLUSH)],
        H::S_OK,
    );
    t.submit_ok(M1, 5)
        .end(5, crate::vocab::EndMessageFlags::empty());
    spooler_ends_flushes(&mut t);
    // Busy with another operation: nothing set.
    status_flush(&mut t, Fl::FLUSH_DOWNLOAD, false, &[], H::MAPI_E_BUSY);
    // Not advertised: MAPI_E_NO_SUPPORT.
    t.ev(
        PT,
        row_with(
            ENABLED,
            Some(C::PR_RESOURCE_METHODS),
            Some(RM::STATUS_VALIDATE_STATE),
            None,
        ),
    );
    status_flush(&mut t, Fl::FLUSH_DOWNLOAD, false, &[], H::MAPI_E_NO_SUPPORT);
    t.clean();
    assert!(t.checks(Rid::Fq15) >= 3);
    assert!(t.checks(Rid::Fq16) >= 3);
    assert!(t.checks(Rid::Fq17) >= 2);
}

#[test]
fn fq16_client_passes_a_target_or_async_ok() {
    let mut t = advertising(all_methods());
    status_flush(
        &mut t,
        Fl::FLUSH_UPLOAD,
        true,
        &[row(ENABLED | St::STATUS_OUTBOUND_FLUSH)],
        H::S_OK,
    );
    t.only("FQ-16");
    assert_eq!(t.c.findings[0].blame, crate::judge::Blame::Client);
    let mut t = advertising(all_methods());
    status_flush(
        &mut t,
        Fl::FLUSH_UPLOAD | Fl::FLUSH_ASYNC_OK,
        false,
        &[row(ENABLED | St::STATUS_OUTBOUND_FLUSH)],
        H::S_OK,
    );
    t.only("FQ-16");
}

#[test]
fn fq16_provider_answers_against_its_resource_methods() {
    // Undocumented answer.
    let mut t = T::active();
    status_flush(&mut t, Fl::FLUSH_UPLOAD, false, &[], H::MAPI_E_CALL_FAILED);
    t.only("FQ-16");
    // Advertised, yet MAPI_E_NO_SUPPORT.
    let mut t = advertising(all_methods());
    status_flush(&mut t, Fl::FLUSH_UPLOAD, false, &[], H::MAPI_E_NO_SUPPORT);
    t.only("FQ-16");
    // Not advertised, yet it flushes.
    let mut t = advertising(RM::STATUS_VALIDATE_STATE);
    status_flush(
        &mut t,
        Fl::FLUSH_UPLOAD,
        false,
        &[row(ENABLED | St::STATUS_OUTBOUND_FLUSH)],
        H::S_OK,
    );
    t.only("FQ-16");
    assert_eq!(t.c.findings[0].blame, crate::judge::Blame::Provider);
}

#[test]
fn fq17_flush_answered_without_setting_the_bits() {
    let mut t = advertising(all_methods());
    status_flush(&mut t, Fl::FLUSH_DOWNLOAD, false, &[], H::S_OK);
    t.only("FQ-17");
    // AMB-16: FLUSH_UPLOAD is outbound; the inverted mapping of the page is not accepted.
    let mut t = advertising(all_methods());
    status_flush(
        &mut t,
        Fl::FLUSH_UPLOAD,
        false,
        &[row(ENABLED | St::STATUS_INBOUND_FLUSH)],
        H::S_OK,
    );
    t.only("FQ-17");
}

/// SpoolerNotify(NOTIFY_READYTOSEND): a provider back online says so (SPN-9).
fn ready_to_send() -> Body {
    Body::spooler_notify(crate::vocab::SpoolerNotifyFlags::NOTIFY_READYTOSEND, None)
}
