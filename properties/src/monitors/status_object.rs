//! The status object: OpenStatusEntry (STAT-6, FLOW-17: it exists), the methods the row advertises in
//! PR_RESOURCE_METHODS (STAT-11), and `IMAPIStatus::FlushQueues` on the provider's status object
//! (FQ-15..FQ-17, AMB-16: FLUSH_DOWNLOAD = inbound, FLUSH_UPLOAD = outbound).

use super::{require, Cx};
use crate::event::{Body, Method};
use crate::judge::status_flow::{is_transfer, StatusCall};
use crate::judge::Sink;
use crate::rules::Rid;
use crate::vocab::consts::{MAPI_MODIFY, MAPI_STATUS};
use crate::vocab::{
    FlagWord, FlushFlags as Fl, HResult as H, ResourceMethods as RM, StatusCode as St,
    ValidateStateFlags as V,
};

pub(super) fn check<S: Sink<Rid>>(cx: &mut Cx<'_, S>) {
    let s = cx.s;
    let flow = &s.status_flow;
    let body = cx.ev.body;
    match body {
        Body::OpenStatusEntry { flags } => {
            require!(
                cx,
                Rid::Stat6,
                flags.0 & !MAPI_MODIFY == 0,
                Spooler,
                "OpenStatusEntry(0x{:08X}): the only defined flag is MAPI_MODIFY (STAT-6)",
                flags.0
            );
        }
        Body::StatusFlushQueues { flags, target } => {
            let ok = !target && !flags.contains(Fl::FLUSH_ASYNC_OK);
            require!(cx, Rid::Fq16, ok, Client,
                "IMAPIStatus::FlushQueues({}{}) on a provider's status object: a target transport and FLUSH_ASYNC_OK belong to the spooler's status object only (FQ-16)",
                flags.describe(), if target { ", target" } else { "" });
        }
        Body::Return {
            method: Method::OpenStatusEntry,
            hr,
            ..
        } if hr == H::MAPI_E_NO_SUPPORT => {
            require!(cx, Rid::Flow17, false, Provider,
                "OpenStatusEntry answered MAPI_E_NO_SUPPORT: every transport provider implements a status object (IMAPIStatus) for its row (FLOW-17)");
        }
        Body::Return {
            method: Method::OpenStatusEntry,
            hr,
            flags: Some(obj_type),
            ..
        } if hr.is_success() => {
            cx.out.checked(Rid::Flow17);
            require!(cx, Rid::Stat6, obj_type.0 == MAPI_STATUS, Provider,
                "OpenStatusEntry succeeded with *lpulObjType = 0x{:X}; the status object's type is MAPI_STATUS (0xA) (STAT-6)", obj_type.0);
        }
        Body::Return { method, hr, .. } => {
            if let Some(c) = flow.call_on(s, cx.ev.thread).copied() {
                match method {
                    Method::StatusFlushQueues => on_flush_return(cx, &c, hr),
                    Method::StatusValidateState => advertised(
                        cx,
                        RM::STATUS_VALIDATE_STATE,
                        "ValidateState",
                        hr,
                        // VS-10: SHOW_XP_SESSION_UI may be declined with MAPI_E_NO_SUPPORT.
                        c.vs_flags.contains(V::SHOW_XP_SESSION_UI),
                    ),
                    Method::StatusSettingsDialog => {
                        advertised(cx, RM::STATUS_SETTINGS_DIALOG, "SettingsDialog", hr, false)
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
    let flushing = flow
        .call_on(s, cx.ev.thread)
        .filter(|c| c.method == Method::StatusFlushQueues);
    if flushing.is_some() && (is_transfer(&body) || matches!(body, Body::SpoolerYield { .. })) {
        require!(cx, Rid::Fq15, false, Provider,
            "{} during IMAPIStatus::FlushQueues; the status object's FlushQueues only sets row bits and returns, the spooler flushes later (FQ-15)",
            crate::render::describe(cx.ev).trim());
    }
}

/// STAT-11: a status-object method the row advertises does not answer MAPI_E_NO_SUPPORT; one it
/// does not advertise answers MAPI_E_NO_SUPPORT. Judged when the trace records
/// PR_RESOURCE_METHODS. FlushQueues is judged by FQ-16, which states the same equivalence.
fn advertised<S: Sink<Rid>>(cx: &mut Cx<'_, S>, bit: RM, name: &str, hr: H, may_decline: bool) {
    let Some(methods) = cx.s.status_flow.methods else {
        return;
    };
    if methods.contains(bit) {
        require!(cx, Rid::Stat11, hr != H::MAPI_E_NO_SUPPORT || may_decline, Provider,
            "IMAPIStatus::{name} answered MAPI_E_NO_SUPPORT although PR_RESOURCE_METHODS ({}) advertises {} (STAT-11)",
            methods.describe(), bit.describe());
    } else {
        require!(cx, Rid::Stat11, hr == H::MAPI_E_NO_SUPPORT, Provider,
            "IMAPIStatus::{name} answered {hr} although PR_RESOURCE_METHODS ({}) does not advertise {}; a provider advertises exactly the methods it supports (STAT-11)",
            methods.describe(), bit.describe());
    }
}

fn on_flush_return<S: Sink<Rid>>(cx: &mut Cx<'_, S>, c: &StatusCall, hr: H) {
    // The quiet path of FQ-15, judged at the offending event.
    cx.out.checked(Rid::Fq15);
    let call = format!("IMAPIStatus::FlushQueues({})", c.fq_flags.describe());
    let documented = [H::S_OK, H::MAPI_E_BUSY, H::MAPI_E_NO_SUPPORT];
    require!(
        cx,
        Rid::Fq16,
        documented.contains(&hr),
        Provider,
        "{call} returned {hr}; it answers S_OK, MAPI_E_BUSY or MAPI_E_NO_SUPPORT (FQ-16)"
    );
    if let Some(methods) = cx.s.status_flow.methods {
        let lacks = !methods.contains(RM::STATUS_FLUSH_QUEUES);
        require!(cx, Rid::Fq16, (hr == H::MAPI_E_NO_SUPPORT) == lacks, Provider,
            "{call} returned {hr} while PR_RESOURCE_METHODS is {}: MAPI_E_NO_SUPPORT answers exactly when STATUS_FLUSH_QUEUES is not advertised (FQ-16, STAT-11)",
            methods.describe());
    }
    if hr == H::S_OK {
        for (dir, bit) in [
            (Fl::FLUSH_DOWNLOAD, St::STATUS_INBOUND_FLUSH),
            (Fl::FLUSH_UPLOAD, St::STATUS_OUTBOUND_FLUSH),
        ] {
            if c.fq_flags.contains(dir) {
                require!(cx, Rid::Fq17, c.row_bits.contains(bit), Provider,
                    "{call} returned S_OK without setting {} in its row; the status object's flush works by setting the row bits the spooler acts on (FQ-17, AMB-16)",
                    bit.describe());
            }
        }
    }
}
