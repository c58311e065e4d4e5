//! Outbound: SubmitMessage (SUB-1, SUB-3..SUB-9, SUB-11, SUB-12, TN-4, TN-13, TN-24), EndMessage (EM-1..EM-6),
//! the message object's lifetime (SUB-9, EM-4), AbortSubmit (DEF-2) and deferral answers (DEF-5).

use super::{graded, require, Cx};
use crate::event::{Body, Method, MsgId};
use crate::grading::Graded;
use crate::judge::session::{Ended, OutPhase, Target};
use crate::judge::Sink;
use crate::rules::Rid;
use crate::vocab::{EndMessageFlags, FlagWord, HResult, SubmitFlags};

pub(super) fn check<S: Sink<Rid>>(cx: &mut Cx<'_, S>) {
    match cx.ev.body {
        Body::SubmitMessage {
            flags,
            msg,
            msg_ref,
        } => on_submit(cx, flags, msg, msg_ref),
        Body::EndMessage { msg_ref } => on_end(cx, msg_ref),
        Body::Transmit {
            msg,
            nontransmittable,
            taken,
            had_nontransmittable,
            had_taken,
            ..
        } => {
            if had_nontransmittable {
                require!(cx, Rid::Sub11, !nontransmittable, Provider,
                    "{msg} was transmitted with its nontransmittable properties; a provider skips them (SUB-11)");
            }
            if had_taken {
                require!(cx, Rid::Sub12, !taken, Provider,
                    "{msg} was transmitted to recipients whose PR_RESPONSIBILITY was already TRUE: another transport had taken them (SUB-12)");
            }
        }
        Body::StartMessage { .. } => {
            let busy =
                cx.s.out
                    .iter()
                    .find(|m| m.phase == OutPhase::Accepted)
                    .map(|m| m.id);
            require!(cx, Rid::Sub8, busy.is_none(), Spooler,
                "StartMessage while {} waits for its EndMessage; strict AMB-8 allows no other message call in between (SUB-8)",
                busy.map(|b| b.to_string()).unwrap_or_default());
        }
        Body::Return {
            method: Method::SubmitMessage,
            hr,
            return_parm,
            ..
        } => on_submit_return(cx, hr, return_parm),
        Body::Return {
            method: Method::EndMessage,
            hr,
            flags,
            ..
        } => {
            require!(
                cx,
                Rid::Em5,
                hr == HResult::S_OK,
                Provider,
                "EndMessage returned {hr}; S_OK is the only documented value (EM-5)"
            );
            let f = EndMessageFlags::from_raw(flags.map(|w| w.0).unwrap_or(0));
            require!(cx, Rid::Em6, f.outcome_count() <= 1, Provider,
                "EndMessage returned *lpulFlags = {}: at most one of END_RESEND_NOW, END_RESEND_LATER, END_DONT_RESEND (EM-6, AMB-9)", f.describe());
            graded!(
                cx,
                Rid::Em2,
                Graded::UnknownEndBits,
                f.unknown_bits() == 0,
                Provider,
                "EndMessage returned undefined bits 0x{:08X} in *lpulFlags (EM-2, AMB-9)",
                f.unknown_bits()
            );
        }
        Body::AbortSubmit { msg, hr, .. } => {
            let locked = cx.s.out(msg).is_some_and(|m| m.in_flight());
            require!(cx, Rid::Def2, !(locked && hr == HResult::S_OK), Spooler,
                "AbortSubmit removed {msg} while the spooler had it locked for the transport; the store must answer MAPI_E_UNABLE_TO_ABORT (DEF-2)");
        }
        _ => {}
    }
    if let Some(msg) = cx.ev.body.message() {
        on_message_use(cx, msg);
    }
}

fn on_submit<S: Sink<Rid>>(cx: &mut Cx<'_, S>, flags: SubmitFlags, msg: MsgId, msg_ref: u32) {
    let s = cx.s;
    require!(
        cx,
        Rid::Sub3,
        msg_ref == 0,
        Spooler,
        "SubmitMessage for {msg} preset *lpulMsgRef to {msg_ref}; the spooler sets it to 0 (SUB-3)"
    );
    if s.outbound {
        require!(cx, Rid::Tn13, true, Spooler, "");
    } else if s.outbound_ended {
        require!(cx, Rid::Tn24, false, Spooler,
            "SubmitMessage for {msg} after NOTIFY_END_OUTBOUND: the spooler must stop submitting (TN-24)");
    } else {
        require!(cx, Rid::Tn13, false, Spooler,
            "SubmitMessage for {msg} while outbound is disabled (LOGON_NO_OUTBOUND and no NOTIFY_BEGIN_OUTBOUND yet) (TN-13)");
    }
    let rec = s.out(msg);
    let phase = rec.map(|m| m.phase);
    require!(
        cx,
        Rid::Tn4,
        phase != Some(OutPhase::Removed),
        Spooler,
        "SubmitMessage for {msg}, which a client already withdrew with AbortSubmit (TN-4)"
    );
    let deferred = flags.contains(SubmitFlags::BEGIN_DEFERRED);
    let resubmit = phase == Some(OutPhase::Resubmit);
    require!(cx, Rid::Sub1, deferred == resubmit, Spooler,
        "SubmitMessage for {msg} with flags {}: BEGIN_DEFERRED is set exactly when re-presenting a message the provider announced with NOTIFY_SENTDEFERRED (SUB-1, DEF-4)",
        flags.describe());
    if let Some(m) = rec {
        if m.ended == Ended::Error
            && (m.last_hr == HResult::MAPI_E_WAIT || m.last_hr == HResult::MAPI_E_NETWORK_ERROR)
        {
            require!(cx, Rid::Sub7, m.wait == 0, Spooler,
                "SubmitMessage for {msg} {} s too early: the provider asked for a delay with {} (SUB-7)", m.wait, m.last_hr);
        }
    }
    let busy = s.out.iter().find(|m| {
        matches!(
            m.phase,
            OutPhase::Accepted | OutPhase::Submitting | OutPhase::Ending
        )
    });
    require!(cx, Rid::Sub8, busy.is_none(), Spooler,
        "SubmitMessage for {msg} while {} is still between SubmitMessage and EndMessage (SUB-8, strict AMB-8)",
        busy.map(|b| b.id.to_string()).unwrap_or_default());
}

fn on_end<S: Sink<Rid>>(cx: &mut Cx<'_, S>, msg_ref: u32) {
    let s = cx.s;
    if s.out
        .iter()
        .any(|m| m.phase == OutPhase::Accepted && m.msg_ref == msg_ref)
    {
        // EndMessage names a live msg-ref of an accepted message: not after a failure (SUB-9),
        // not a dead ref (EM-3).
        require!(cx, Rid::Em1, true, Spooler, "");
        require!(cx, Rid::Sub9, true, Spooler, "");
        require!(cx, Rid::Em3, true, Spooler, "");
        return;
    }
    let same = s
        .out
        .iter()
        .filter(|m| m.msg_ref == msg_ref && !m.in_flight())
        .max_by_key(|m| m.ended);
    match same {
        Some(m) if m.ended == Ended::Error && (m.last_hr == HResult::MAPI_E_BUSY || m.last_hr == HResult::MAPI_E_NOT_ME) => {
            require!(cx, Rid::Sub5, false, Spooler,
                "EndMessage for {} after SubmitMessage returned {}: the spooler must not call EndMessage then (SUB-5)", m.id, m.last_hr)
        }
        Some(m) if m.ended == Ended::Error => require!(cx, Rid::Sub9, false, Spooler,
            "EndMessage for {} after SubmitMessage failed with {} (SUB-9, strict AMB-34)", m.id, m.last_hr),
        Some(m) if m.ended == Ended::EndMessage => require!(cx, Rid::Em3, false, Spooler,
            "EndMessage with msg-ref {msg_ref}, which stopped naming {} when its EndMessage returned (EM-3)", m.id),
        _ => require!(cx, Rid::Em1, false, Spooler,
            "EndMessage with msg-ref {msg_ref}, which no accepted SubmitMessage left in *lpulMsgRef (EM-1)"),
    }
}

fn on_submit_return<S: Sink<Rid>>(cx: &mut Cx<'_, S>, hr: HResult, parm: Option<u32>) {
    let s = cx.s;
    let Some(f) = s.frame(cx.ev.thread) else {
        return;
    };
    let Some(m) = f.out.and_then(|id| s.out(id)) else {
        return;
    };
    let id = m.id;
    require!(
        cx,
        Rid::Sub5,
        !(hr.is_success() && hr != HResult::S_OK),
        Provider,
        "SubmitMessage for {id} returned success code {hr}; S_OK means accepted (SUB-5)"
    );
    if hr == HResult::MAPI_E_BUSY || hr == HResult::MAPI_E_NOT_ME {
        require!(cx, Rid::Sub5, !m.modified, Provider,
            "SubmitMessage for {id} returned {hr} after changing the message; {hr} means nothing was processed (SUB-5)");
        // BUSY / NOT_ME ask the spooler to retry or route elsewhere; NOTIFY_CRITICAL_ERROR ends
        // the logon (SPN-7). Raising it for a routine refusal contradicts the code's meaning.
        require!(cx, Rid::Sub5, !f.critical, Provider,
            "SubmitMessage for {id} raised NOTIFY_CRITICAL_ERROR and returned {hr}: a routine refusal is not a severe error, and the critical error ends the logon (SUB-5, SUB-10, SPN-7)");
    }
    if hr == HResult::MAPI_E_WAIT || hr == HResult::MAPI_E_NETWORK_ERROR {
        require!(cx, Rid::Sub6, parm.unwrap_or(0) != 0, Provider,
            "SubmitMessage for {id} returned {hr} without setting *lpulReturnParm to the seconds to wait (SUB-6)");
    }
    if hr == HResult::MAPI_E_CANCEL {
        graded!(cx, Rid::Def5, Graded::CancelNotDeferred, m.resubmission, Provider,
            "SubmitMessage for {id} returned MAPI_E_CANCEL although it was not a BEGIN_DEFERRED resubmission (DEF-5, AMB-26)");
    }
    if f.critical {
        require!(cx, Rid::Spn8, hr.is_failure(), Provider,
            "SubmitMessage for {id} raised NOTIFY_CRITICAL_ERROR and then returned {hr}; it must return an error (SPN-8)");
    }
}

fn on_message_use<S: Sink<Rid>>(cx: &mut Cx<'_, S>, msg: MsgId) {
    let s = cx.s;
    let Some(Target::Out(id)) = s.target_of_message(msg) else {
        return;
    };
    let m = s.out(id).expect("target exists");

    if m.in_flight() {
        // The object is still valid: neither ended by EndMessage (EM-4) nor by a failure (SUB-9).
        require!(cx, Rid::Em4, true, Provider, "");
        require!(cx, Rid::Sub9, true, Provider, "");
    } else {
        match m.ended {
            Ended::EndMessage => require!(
                cx,
                Rid::Em4,
                false,
                Provider,
                "{}: the message object of {id} is invalid after EndMessage returned (EM-4)",
                crate::render::describe(cx.ev).trim()
            ),
            Ended::Error => require!(
                cx,
                Rid::Sub9,
                false,
                Provider,
                "{}: the spooler released {id} when SubmitMessage failed with {} (SUB-9, AMB-30)",
                crate::render::describe(cx.ev).trim(),
                m.last_hr
            ),
            Ended::No => {}
        }
        return;
    }
    if m.phase == OutPhase::Submitting && !m.touched {
        graded!(cx, Rid::Sub4, Graded::MsgRefLate, m.ref_written, Provider,
            "{}: SubmitMessage started transferring {id} before writing *lpulMsgRef, so a cancel could not name it (SUB-4, AMB-7)", crate::render::describe(cx.ev).trim());
    }
}
