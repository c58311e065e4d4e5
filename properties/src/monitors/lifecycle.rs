//! Logon lifecycle: SPN-7 (nothing but release after a critical error), STAT-1 (row exists
//! before the first TransportNotify / FlushQueues / OpenStatusEntry, LIFE-23).

use super::{require, Cx};
use crate::event::Body;
use crate::judge::session::Life;
use crate::judge::Sink;
use crate::rules::Rid;

pub(super) fn check<S: Sink<Rid>>(cx: &mut Cx<'_, S>) {
    let Some(m) = cx.ev.body.call_method() else {
        return;
    };
    if cx.s.life == Life::Critical {
        let ok = matches!(cx.ev.body, Body::TransportLogoff { .. } | Body::Shutdown);
        require!(cx, Rid::Spn7, ok, Spooler,
            "spooler called {m:?} after the provider raised NOTIFY_CRITICAL_ERROR; only TransportLogoff/Release may follow (SPN-7, AMB-13)");
    }
    if matches!(
        cx.ev.body,
        Body::TransportNotify { .. } | Body::FlushQueues { .. } | Body::OpenStatusEntry { .. }
    ) {
        require!(cx, Rid::Stat1, cx.s.row.is_some(), Provider,
            "{m:?} arrived but the provider never created its status row with ModifyStatusRow during logon (STAT-1, LIFE-23)");
    }
}
