//! FQ-4: a client's `IMAPIStatus::FlushQueues` on the spooler's own status object
//! ([`Body::SpoolerStatusFlush`]) is implemented by the spooler calling `IXPLogon::FlushQueues`
//! on every transport logon active at that moment, or on the one the client named with
//! `cbTargetTransport`/`lpTargetTransport` (FQ-18). The processing is asynchronous to the
//! client, so the call is due by the end of the logon: judged at its `TransportLogoff` call.
//! A provider-level check: it sees the provider's [`crate::judge::provider::SpoolerFlush`].

use super::{require, Cx};
use crate::event::Body;
use crate::judge::provider::Route;
use crate::judge::Sink;
use crate::rules::Rid;

pub(super) fn check<S: Sink<Rid>>(cx: &mut Cx<'_, S>) {
    let ev = cx.ev;
    if !matches!(ev.body, Body::TransportLogoff { .. }) || cx.p.route(ev) != Route::Logon {
        return;
    }
    let i = ev.logon as usize;
    let Some(bit) = 1u16.checked_shl(i as u32) else {
        return;
    };
    let f = cx.p.spooler_flush;
    if f.asked & bit != 0 {
        require!(cx, Rid::Fq4, f.owed & bit == 0, Spooler,
            "TransportLogoff of logon {i}, but a client's IMAPIStatus::FlushQueues on the spooler's status object named this active logon and the spooler never called its IXPLogon::FlushQueues; the spooler flushes every active transport logon, or the one targeted (FQ-4)");
    }
}
