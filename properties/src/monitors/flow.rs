//! Submission and reception flows: nothing waits for its EndMessage at logoff (FLOW-1), NEWMAIL
//! pacing (FLOW-4), responsibility before a message counts as sent (FLOW-10), one StatusRecips
//! per message and submission (FLOW-11) and its answer (FLOW-12), StartMessage's new message
//! (FLOW-13) and its class (FLOW-14), a store's wind-down (FLOW-15); the outbound message object's
//! validity (SUB-2) and severe SubmitMessage errors (SUB-10).

use super::{require, Cx};
use crate::event::{Body, Method};
use crate::judge::session::{Life, OutPhase};
use crate::judge::Sink;
use crate::rules::Rid;
use crate::vocab::{EndMessageFlags, FlagWord, HResult as H, LogoffFlags, SpoolerNotifyFlags as N};

pub(super) fn check<S: Sink<Rid>>(cx: &mut Cx<'_, S>) {
    let s = cx.s;
    let flow = &s.status_flow;
    let body = cx.ev.body;
    match body {
        Body::SubmitMessage { msg, .. } => {
            if let Some(w) = flow.store_logoff.filter(|w| w.outbound) {
                require!(cx, Rid::Flow15, w.flags.sends_ready(), Spooler,
                    "SubmitMessage for {msg} after the store logged off with StoreLogoffTransports({}); only LOGOFF_NO_WAIT / LOGOFF_PURGE still send what is ready (FLOW-15)",
                    w.flags.describe());
            }
        }
        Body::StartMessage { msg, .. } => {
            let running = s.inb.obj.is_some_and(|o| o.msg == msg);
            let outbound = s.out(msg).is_some_and(|m| m.in_flight());
            require!(cx, Rid::Flow13, !running && !outbound, Spooler,
                "StartMessage hands over {msg}, which is {}; lpMessage is a new message the spooler created in the Inbox (FLOW-13)",
                if running { "the message of the StartMessage running now" } else { "an outbound message in flight" });
            if let Some(w) = flow.store_logoff.filter(|w| w.inbound) {
                require!(cx, Rid::Flow15, false, Spooler,
                    "StartMessage after the store logged off with StoreLogoffTransports({}); the spooler starts no new inbound message (FLOW-15)",
                    w.flags.describe());
            }
        }
        Body::TransportLogoff { flags } => on_logoff(cx, flags),
        Body::SpoolerNotify { flags, .. } if flags.contains(N::NOTIFY_NEWMAIL) && s.inbound => {
            require!(cx, Rid::Flow4, !flow.newmail_pending, Provider,
                "SpoolerNotify(NOTIFY_NEWMAIL) again before the spooler answered the last one with StartMessage; a provider signals new mail no more often than it takes to process one message (FLOW-4)");
        }
        Body::StatusRecips { msg, result } => {
            let ok = result == H::S_OK || result == H::MAPI_W_ERRORS_RETURNED;
            require!(cx, Rid::Flow12, ok, Mapi,
                "StatusRecips for {msg} returned {result}; it returns S_OK or MAPI_W_ERRORS_RETURNED (FLOW-12)");
            if let Some(sub) = flow.sub(msg) {
                require!(cx, Rid::Flow11, sub.reports == 0, Provider,
                    "a second StatusRecips for {msg} in one submission; the provider collects the delivery information and calls StatusRecips once, or recipients get duplicate reports (FLOW-11)");
            }
        }
        Body::SaveChanges { msg, .. }
            if flow.class_recorded && s.inb.obj.is_some_and(|o| o.msg == msg) =>
        {
            require!(cx, Rid::Flow14, flow.class_written, Provider,
                "SaveChanges committed inbound {msg} without PR_MESSAGE_CLASS; a transport gives an inbound message its class (IPM.Note when the received one is empty) (FLOW-14)");
        }
        Body::Return {
            method: Method::SubmitMessage,
            hr,
            ..
        } if hr.is_failure() => on_submit_failure(cx, hr),
        Body::Return {
            method: Method::EndMessage,
            hr,
            flags,
            ..
        } => {
            let sent = EndMessageFlags::from_raw(flags.map(|w| w.0).unwrap_or(0)).is_empty();
            let id = s.frame(cx.ev.thread).and_then(|f| f.out);
            if let (true, true, Some(id)) = (sent, hr.is_success(), id) {
                if let Some(sub) = flow.sub(id).filter(|m| m.transmitted) {
                    require!(cx, Rid::Flow10, sub.responsible, Provider,
                        "EndMessage reported {id} sent (flags 0) although the provider transmitted it without setting PR_RESPONSIBILITY on the recipients it handled (FLOW-10, SUB-12)");
                }
            }
        }
        _ => {}
    }
    if let (Some(result), Some(msg)) = (body.message_result(), body.message()) {
        if s.out(msg).is_some_and(|m| m.in_flight()) {
            require!(cx, Rid::Sub2, !result.is_failure(), Spooler,
                "{}: the outbound message object failed between SubmitMessage and EndMessage's return; lpMessage stays valid until the provider returns from EndMessage (SUB-2, AMB-30)",
                crate::render::describe(cx.ev).trim());
        }
    }
}

fn on_logoff<S: Sink<Rid>>(cx: &mut Cx<'_, S>, flags: LogoffFlags) {
    let s = cx.s;
    // After NOTIFY_CRITICAL_ERROR nothing but the release calls may follow (SPN-7): no
    // EndMessage, no END_* notification.
    if s.life == Life::Critical {
        return;
    }
    if !flags.contains(LogoffFlags::LOGOFF_HURRY) {
        let waiting = s
            .out
            .iter()
            .find(|m| m.phase == OutPhase::Accepted)
            .map(|m| m.id);
        require!(cx, Rid::Flow1, waiting.is_none(), Spooler,
            "TransportLogoff({}) while {} waits for its EndMessage, the final hand-off of responsibility; only LOGOFF_HURRY abandons it (FLOW-1, AMB-19)",
            flags.describe(), waiting.map(|m| m.to_string()).unwrap_or_default());
    }
    if let Some(w) = s.status_flow.store_logoff {
        let open_in = w.inbound && s.inbound;
        let open_out = w.outbound && s.outbound;
        require!(cx, Rid::Flow15, !open_in && !open_out, Spooler,
            "TransportLogoff after the store logged off, with {} still enabled; the wind-down ends the directions with NOTIFY_END_INBOUND / NOTIFY_END_OUTBOUND first (FLOW-15)",
            match (open_in, open_out) { (true, true) => "inbound and outbound", (true, false) => "inbound", _ => "outbound" });
    }
}

/// SUB-10: a failure outside SubmitMessage's documented codes is a severe error, reported with
/// NOTIFY_CRITICAL_ERROR during the call. MAPI_E_USER_CANCEL is a cancel's answer, never a severe
/// error: whether a cancel preceded it is TN-17's, TN-24's and YLD-4's business.
fn on_submit_failure<S: Sink<Rid>>(cx: &mut Cx<'_, S>, hr: H) {
    let s = cx.s;
    let Some(f) = s.frame(cx.ev.thread) else {
        return;
    };
    let Some(m) = f.out.and_then(|id| s.out(id)) else {
        return;
    };
    let documented = [
        H::MAPI_E_BUSY,
        H::MAPI_E_CANCEL,
        H::MAPI_E_NETWORK_ERROR,
        H::MAPI_E_NOT_ME,
        H::MAPI_E_WAIT,
        H::MAPI_E_USER_CANCEL,
    ];
    require!(cx, Rid::Sub10, documented.contains(&hr) || f.critical, Provider,
        "SubmitMessage for {} failed with {hr}, outside its documented codes: a severe error, which the provider reports with SpoolerNotify(NOTIFY_CRITICAL_ERROR) before returning (SUB-10)",
        m.id);
}
