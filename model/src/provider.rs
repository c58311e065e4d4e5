//! The abstract transport provider: each entry point is a short program whose steps interleave
//! with the other threads; every step emits the events a real provider's callbacks would.
//! A [`Behaviour`] other than `Correct` flips exactly the decisions that break its rules.

use xpcheck_properties::event::{Body, Method, MsgId, NotifyData, Word};
use xpcheck_properties::vocab::{
    EndMessageFlags as E, FlagWord, HResult as H, LogonFlags, SpoolerNotifyFlags as N,
    StatusCode as St, StatusRowFlags, TransportNotifyFlags as F,
};

use crate::behaviour::Behaviour;
use crate::config::{Config, MAX_MESSAGES};
use crate::spooler::out_id;
use crate::state::{Call, Job, LogonState, Run};

/// What the provider knows about one outbound slot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Held {
    /// Nothing held.
    #[default]
    None,
    /// Deferred by END_DONT_RESEND; SENTDEFERRED still to come.
    Deferred,
    /// SENTDEFERRED sent.
    Announced,
    /// NOTIFY_ABORT_DEFERRED arrived.
    Aborted,
    /// Aborted and (faulty) announced anyway.
    AbortedAnnounced,
}

/// NOTIFY_CRITSEC progress.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Critsec {
    /// Not opened yet.
    #[default]
    NotYet,
    /// Open.
    Open,
    /// Closed.
    Closed,
}

/// The abstract provider's state for one logon.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Provider {
    /// Inbound enabled, as the provider believes.
    pub inbound: bool,
    /// Outbound enabled, as the provider believes.
    pub outbound: bool,
    /// Flush cycle per direction, as the provider believes.
    pub flush: [bool; 2],
    /// The row as last written.
    pub row: u32,
    /// Per outbound slot: the msg-ref the provider gave it (0 = none yet; the spooler's preset).
    pub out_ref: [u32; MAX_MESSAGES],
    /// Per outbound slot: a cancel was received.
    pub out_cancel: [bool; MAX_MESSAGES],
    /// Per outbound slot: deferral state.
    pub held: [Held; MAX_MESSAGES],
    /// Wire messages waiting for inbound delivery, in arrival order.
    pub inbox: xpcheck_properties::judge::copy_vec::CopyVec<u8, 4>,
    /// Wire messages whose delivery was cancelled at least once (bit per content id).
    pub cancelled_contents: u8,
    /// The inbound message in progress was cancelled.
    pub in_cancel: bool,
    /// The msg-ref of the inbound message in progress (1 = the spooler's preset).
    pub in_ref: u32,
    /// Refusals left (BUSY / WAIT / NOT_ME / RESEND_LATER).
    pub refusals: u8,
    /// Critical errors left.
    pub criticals: u8,
    /// Deferrals left.
    pub deferrals: u8,
    /// NOTIFY_NEWMAIL owed for arrived mail.
    pub newmail_due: bool,
    /// Critical-section progress.
    pub critsec: Critsec,
    /// Faulty: an inbound object to touch after its StartMessage returned.
    pub touch_due: Option<u32>,
}

impl Provider {
    /// A provider before logon.
    pub fn new(cfg: &Config) -> Provider {
        Provider {
            in_ref: 1,
            refusals: cfg.refusals,
            criticals: u8::from(cfg.critical),
            deferrals: u8::from(cfg.deferral),
            ..Provider::default()
        }
    }

    fn status(&self, b: Behaviour) -> u32 {
        let mut r = St::STATUS_AVAILABLE;
        if b == Behaviour::NoStatusUpdate {
            // Keeps whatever enabled bits the row had (never touched after logon).
            r |=
                St::from_raw(self.row) & (St::STATUS_INBOUND_ENABLED | St::STATUS_OUTBOUND_ENABLED);
        } else {
            if self.inbound {
                r |= St::STATUS_INBOUND_ENABLED;
            }
            if self.outbound {
                r |= St::STATUS_OUTBOUND_ENABLED;
            }
        }
        if self.flush[0] {
            r |= St::STATUS_INBOUND_FLUSH;
        }
        if self.flush[1] {
            r |= St::STATUS_OUTBOUND_FLUSH;
        }
        r.raw()
    }

    /// A msg-ref unique among in-flight messages, never the presets 0 and 1 (AMB-7). Refs are
    /// reused once free (EM-3 allows it).
    fn fresh_ref(&self) -> u32 {
        (2..)
            .find(|r| *r != self.in_ref && !self.out_ref.contains(r))
            .expect("refs are plentiful")
    }
}

/// Writes a fresh msg-ref into `*lpulMsgRef` (SUB-4, SM-5): outbound slot or inbound.
fn write_ref(p: &mut Provider, run: &mut Run, out_slot: Option<usize>, ev: &mut Vec<Body>) {
    let r = p.fresh_ref();
    match out_slot {
        Some(s) => p.out_ref[s] = r,
        None => p.in_ref = r,
    }
    run.msg_ref = r;
    ev.push(Body::MsgRefWrite { value: r });
}

/// NOTIFY_CRITICAL_ERROR from inside SubmitMessage/StartMessage; the next step returns (SPN-8).
fn raise_critical(p: &mut Provider, run: &mut Run, ev: &mut Vec<Body>) {
    p.criticals -= 1;
    run.critical = true;
    ev.push(Body::spooler_notify(N::NOTIFY_CRITICAL_ERROR, None));
    run.pc = 6;
}

/// What an entry point returns after raising NOTIFY_CRITICAL_ERROR: an error (SPN-8), or S_OK
/// for the faulty `CriticalThenOk`.
fn critical_return(b: Behaviour) -> H {
    if b == Behaviour::CriticalThenOk {
        H::S_OK
    } else {
        H::MAPI_E_CALL_FAILED
    }
}

/// SpoolerYield; the spooler answers MAPI_W_CANCEL_MESSAGE on branch 1 (YLD-3, YLD-4).
fn spooler_yield(run: &mut Run, choice: u8, ev: &mut Vec<Body>) {
    let result = if choice == 1 {
        H::MAPI_W_CANCEL_MESSAGE
    } else {
        H::S_OK
    };
    ev.push(Body::SpoolerYield {
        flags: Word(0),
        result,
    });
    run.cancelled = choice == 1;
}

/// Number of branches the running program has at its current step (1 = deterministic).
pub fn choices(ls: &LogonState, cfg: &Config, run: &Run) -> u8 {
    let p = &ls.provider;
    match (run.call, run.pc) {
        (Call::Submit { resubmission, .. }, 1) if !run.cancelled => {
            1 + 3 * u8::from(p.refusals > 0) + u8::from(resubmission) + u8::from(p.criticals > 0)
        }
        (Call::Start { .. }, 1) if !p.inbox.is_empty() && !run.cancelled => {
            1 + u8::from(p.criticals > 0)
        }
        (Call::Submit { .. }, 5) | (Call::Start { .. }, 4) if yields(ls, cfg, run) => {
            1 + u8::from(ls.spooler.yield_cancels > 0)
        }
        (Call::End { .. }, 0) => 1 + u8::from(p.deferrals > 0) + u8::from(p.refusals > 0),
        _ => 1,
    }
}

fn yields(ls: &LogonState, cfg: &Config, run: &Run) -> bool {
    // No SpoolerYield at all while either flush cycle runs (TN-10, TN-16).
    !run.cancelled
        && (!ls.provider.flush.contains(&true) || cfg.behaviour == Behaviour::YieldInFlush)
}

/// Does the program check its cancel flag before the operation at this pc?
fn checks_cancel(b: Behaviour, call: Call, pc: u8) -> bool {
    match b {
        Behaviour::CancelCheckedBeforeTransferOnly => pc == 1,
        // Check and act are separate steps: the acts (pc 2 and 4 in SubmitMessage, 1 and 3 in
        // StartMessage) skip the check that the step before made.
        Behaviour::CheckThenActCancel => match call {
            Call::Submit { .. } => !matches!(pc, 2 | 4),
            Call::Start { .. } => !matches!(pc, 1 | 3),
            _ => true,
        },
        _ => true,
    }
}

/// Takes the next step of the program running in `run`, pushing the events it makes.
/// Returns `false` when the call returned.
pub fn step(
    ls: &mut LogonState,
    cfg: &Config,
    run: &mut Run,
    choice: u8,
    ev: &mut Vec<Body>,
) -> bool {
    let b = cfg.behaviour;
    match run.call {
        Call::Logon => match run.pc {
            0 => {
                ev.push(Body::status_row(
                    StatusRowFlags::empty(),
                    St::STATUS_AVAILABLE,
                ));
                ls.provider.row = St::STATUS_AVAILABLE.raw();
                run.pc = 1;
                true
            }
            _ => {
                let mut r = Body::ret(Method::TransportLogon, H::S_OK);
                if let Body::Return { flags, .. } = &mut r {
                    *flags = Some(Word(LogonFlags::LOGON_SP_POLL.raw()));
                }
                ev.push(r);
                false
            }
        },
        Call::AddressTypes => {
            ev.push(Body::ret(Method::AddressTypes, H::S_OK));
            false
        }
        Call::Poll => {
            let n = ls.provider.inbox.len() as u32;
            ev.push(Body::Return {
                method: Method::Poll,
                hr: H::S_OK,
                flags: None,
                msg_ref: None,
                return_parm: None,
                incoming: Some(n),
            });
            false
        }
        Call::ValidateState => {
            let hr = if ls.provider.critsec == Critsec::Open {
                H::MAPI_E_BUSY
            } else {
                H::S_OK
            };
            ev.push(Body::ret(Method::ValidateState, hr));
            false
        }
        Call::Logoff => {
            // A provider closes the critical section it opened before it goes (SPN-6, AMB-24).
            if ls.provider.critsec == Critsec::Open {
                ls.provider.critsec = Critsec::Closed;
                ev.push(Body::spooler_notify(N::NOTIFY_NONCRIT, None));
                return true;
            }
            ev.push(Body::ret(Method::TransportLogoff, H::S_OK));
            false
        }
        Call::FlushQueues => {
            if run.pc == 0 {
                ls.provider.flush = [true, true];
                let status = ls.provider.status(b);
                ls.provider.row = status;
                ev.push(Body::status_row(
                    StatusRowFlags::STATUSROW_UPDATE,
                    St::from_raw(status),
                ));
                run.pc = 1;
                true
            } else {
                ev.push(Body::ret(Method::FlushQueues, H::S_OK));
                false
            }
        }
        Call::Notify {
            flags,
            slot,
            msg_ref,
        } => notify_step(ls, cfg, run, flags, slot, msg_ref, ev),
        Call::Submit { slot, resubmission } => {
            submit_step(ls, cfg, run, slot, resubmission, choice, ev)
        }
        Call::End { slot } => {
            let s = slot as usize;
            let p = &mut ls.provider;
            let mut flags = E::empty();
            if !p.out_cancel[s] {
                let mut c = choice;
                if p.deferrals > 0 {
                    if c == 1 {
                        p.deferrals -= 1;
                        p.held[s] = Held::Deferred;
                        flags = if b == Behaviour::TwoEndBits {
                            E::END_DONT_RESEND | E::END_RESEND_LATER
                        } else {
                            E::END_DONT_RESEND
                        };
                    }
                    c = c.saturating_sub(1);
                }
                if p.refusals > 0 && c == 1 && flags.is_empty() {
                    p.refusals -= 1;
                    flags = E::END_RESEND_LATER;
                }
            }
            p.out_ref[s] = 0;
            p.out_cancel[s] = false;
            ev.push(Body::Return {
                method: Method::EndMessage,
                hr: H::S_OK,
                flags: Some(Word(flags.raw())),
                msg_ref: None,
                return_parm: None,
                incoming: None,
            });
            false
        }
        Call::Start { obj } => start_step(ls, cfg, run, MsgId(obj), choice, ev),
    }
}

fn notify_step(
    ls: &mut LogonState,
    cfg: &Config,
    run: &mut Run,
    flags: u32,
    slot: Option<u8>,
    msg_ref: u32,
    ev: &mut Vec<Body>,
) -> bool {
    let b = cfg.behaviour;
    let f = F::from_raw(flags);
    let p = &mut ls.provider;
    if run.pc == 0 {
        if f.contains(F::NOTIFY_CANCEL_MESSAGE)
            && !f.contains(F::NOTIFY_ABORT_DEFERRED)
            && b != Behaviour::CancelIgnored
        {
            // The spooler names the message by the msg-ref cell as it read it: the provider's
            // own ref, or the preset (0 out, 1 in) if the cancel raced the provider's write of
            // the cell (AMB-7). With one message per direction in flight both are unambiguous.
            if let Some(s) = slot {
                let s = s as usize;
                let running = matches!(ls.main.map(|r| r.call), Some(Call::Submit { slot: x, .. } | Call::End { slot: x }) if x as usize == s);
                if p.out_ref[s] == msg_ref || (msg_ref == 0 && running) {
                    p.out_cancel[s] = true;
                }
            } else if p.in_ref == msg_ref
                || (msg_ref == 1
                    && ls
                        .main
                        .is_some_and(|r| matches!(r.call, Call::Start { .. })))
            {
                p.in_cancel = true;
            }
        }
        if f.contains(F::NOTIFY_ABORT_DEFERRED) {
            if let Some(s) = slot {
                let h = &mut p.held[s as usize];
                if matches!(*h, Held::Deferred | Held::Announced) {
                    *h = Held::Aborted;
                }
            }
        }
        let req = f.requested();
        p.inbound = req.inbound.unwrap_or(p.inbound);
        p.outbound = req.outbound.unwrap_or(p.outbound);
        for d in 0..2 {
            match req.flush[d] {
                Some(true) => p.flush[d] = true,
                Some(false) if b != Behaviour::FlushBitLeftSet => p.flush[d] = false,
                _ => {}
            }
        }
        let status = p.status(b);
        if status != p.row {
            p.row = status;
            ev.push(Body::status_row(
                StatusRowFlags::STATUSROW_UPDATE,
                St::from_raw(status),
            ));
        }
        run.pc = 1;
        true
    } else {
        let out = if b == Behaviour::FlagsChanged {
            0
        } else {
            flags
        };
        ev.push(Body::Return {
            method: Method::TransportNotify,
            hr: H::S_OK,
            flags: Some(Word(out)),
            msg_ref: None,
            return_parm: None,
            incoming: None,
        });
        false
    }
}

fn submit_step(
    ls: &mut LogonState,
    cfg: &Config,
    run: &mut Run,
    slot: u8,
    resubmission: bool,
    choice: u8,
    ev: &mut Vec<Body>,
) -> bool {
    let b = cfg.behaviour;
    let s = slot as usize;
    let msg = out_id(slot);
    let late = b == Behaviour::LateMsgRef;
    if run.pc >= 1
        && !run.critical
        && checks_cancel(b, run.call, run.pc)
        && ls.provider.out_cancel[s]
    {
        run.cancelled = true;
    }
    if run.cancelled && run.pc >= 1 {
        ls.provider.out_ref[s] = 0;
        ls.provider.out_cancel[s] = false;
        ev.push(Body::ret(Method::SubmitMessage, H::MAPI_E_USER_CANCEL));
        return false;
    }
    let p = &mut ls.provider;
    match run.pc {
        0 => {
            if late {
                run.pc = 1;
                return submit_step(ls, cfg, run, slot, resubmission, choice, ev);
            }
            write_ref(p, run, Some(s), ev);
            run.pc = 1;
            true
        }
        1 => {
            // 0: process; then refusals (BUSY, WAIT, NOT_ME), MAPI_E_CANCEL on a deferred
            // resubmission (DEF-5), a critical error (SPN-8).
            let mut c = choice;
            if c == 0 {
                run.pc = 2;
                return true;
            }
            let mut refusal = None;
            if p.refusals > 0 {
                if c <= 3 {
                    refusal =
                        Some([H::MAPI_E_BUSY, H::MAPI_E_WAIT, H::MAPI_E_NOT_ME][c as usize - 1]);
                    p.refusals -= 1;
                }
                c = c.saturating_sub(3);
            }
            if refusal.is_none() && resubmission {
                if c == 1 {
                    refusal = Some(H::MAPI_E_CANCEL);
                }
                c = c.saturating_sub(1);
            }
            if let Some(hr) = refusal {
                p.out_ref[s] = 0;
                let parm = (hr == H::MAPI_E_WAIT).then_some(30);
                ev.push(Body::Return {
                    method: Method::SubmitMessage,
                    hr,
                    flags: None,
                    msg_ref: Some(run.msg_ref),
                    return_parm: parm,
                    incoming: None,
                });
                return false;
            }
            debug_assert_eq!(c, 1, "critical error branch");
            raise_critical(p, run, ev);
            true
        }
        2 => {
            ev.push(Body::MessageRead {
                msg,
                result: H::S_OK,
            });
            run.pc = 3;
            true
        }
        3 => {
            run.pc = 4;
            if late {
                write_ref(p, run, Some(s), ev);
                return true;
            }
            if b == Behaviour::CheckThenActCancel {
                return true; // the check step before the act at pc 4
            }
            submit_step(ls, cfg, run, slot, resubmission, choice, ev)
        }
        4 => {
            // The content goes out without nontransmittable properties and without the
            // recipients another transport took; the second message has both (SUB-11, SUB-12).
            let special = crate::spooler::has_content_to_hold_back(slot);
            ev.push(Body::Transmit {
                msg,
                nontransmittable: false,
                taken: false,
                had_nontransmittable: special,
                had_taken: special,
                result: H::S_OK,
            });
            ev.push(Body::SetResponsibility {
                msg,
                result: H::S_OK,
            });
            run.pc = 5;
            true
        }
        5 => {
            run.pc = 6;
            if yields(ls, cfg, run) {
                spooler_yield(run, choice, ev);
                return true;
            }
            submit_step(ls, cfg, run, slot, resubmission, choice, ev)
        }
        _ => {
            let hr = if run.critical {
                critical_return(b)
            } else if run.cancelled {
                H::MAPI_E_USER_CANCEL
            } else {
                H::S_OK
            };
            if hr != H::S_OK {
                p.out_ref[s] = 0;
                p.out_cancel[s] = false;
            }
            ev.push(Body::Return {
                method: Method::SubmitMessage,
                hr,
                flags: None,
                msg_ref: Some(run.msg_ref),
                return_parm: None,
                incoming: None,
            });
            false
        }
    }
}

fn start_step(
    ls: &mut LogonState,
    cfg: &Config,
    run: &mut Run,
    obj: MsgId,
    choice: u8,
    ev: &mut Vec<Body>,
) -> bool {
    let b = cfg.behaviour;
    let late = b == Behaviour::LateMsgRef;
    if run.pc >= 1 && !run.critical && checks_cancel(b, run.call, run.pc) && ls.provider.in_cancel {
        run.cancelled = true;
    }
    let p = &mut ls.provider;
    if run.cancelled && run.pc >= 1 && run.pc < 6 {
        if let Some(c) = run.content {
            p.cancelled_contents |= 1 << c;
            if b == Behaviour::DropCancelledInbound {
                p.inbox.retain(|x| *x != c);
            }
        }
        return start_return(ls, cfg, run, obj, H::MAPI_E_USER_CANCEL, ev);
    }
    match run.pc {
        0 => {
            if late {
                run.pc = 1;
                return start_step(ls, cfg, run, obj, choice, ev);
            }
            write_ref(p, run, None, ev);
            run.pc = 1;
            true
        }
        1 => {
            let Some(&head) = p.inbox.first() else {
                return start_return(ls, cfg, run, obj, H::S_OK, ev);
            };
            if choice == 1 {
                raise_critical(p, run, ev);
                return true;
            }
            run.content = Some(head);
            ev.push(Body::MessageWrite {
                msg: obj,
                content: Some(head as u32),
                nontransmittable: false,
                entry_id: false,
                message_class: None,
                result: H::S_OK,
            });
            run.pc = 2;
            true
        }
        2 => {
            run.pc = 3;
            if late {
                write_ref(p, run, None, ev);
                return true;
            }
            if b == Behaviour::CheckThenActCancel {
                return true;
            }
            start_step(ls, cfg, run, obj, choice, ev)
        }
        3 => {
            ev.push(Body::MessageRecipients {
                msg: obj,
                complete: true,
                result: H::S_OK,
            });
            run.pc = 4;
            true
        }
        4 => {
            run.pc = 5;
            if yields(ls, cfg, run) {
                spooler_yield(run, choice, ev);
                return true;
            }
            start_step(ls, cfg, run, obj, choice, ev)
        }
        5 => {
            let c = run.content.expect("content written at pc 1");
            p.inbox.retain(|x| *x != c);
            ev.push(Body::SaveChanges {
                msg: obj,
                result: H::S_OK,
            });
            run.pc = 6;
            true
        }
        _ => {
            let hr = if run.critical {
                critical_return(b)
            } else {
                H::S_OK
            };
            start_return(ls, cfg, run, obj, hr, ev)
        }
    }
}

fn start_return(
    ls: &mut LogonState,
    cfg: &Config,
    run: &Run,
    obj: MsgId,
    hr: H,
    ev: &mut Vec<Body>,
) -> bool {
    let p = &mut ls.provider;
    p.in_ref = 1;
    p.in_cancel = false;
    if cfg.behaviour == Behaviour::TouchAfterStartMessage && run.content.is_some() {
        p.touch_due = Some(obj.0);
    }
    ev.push(Body::ret(Method::StartMessage, hr));
    false
}

/// Background jobs the provider's own threads may run now.
pub fn jobs(ls: &LogonState, cfg: &Config, out: &mut Vec<Job>) {
    let p = &ls.provider;
    for (s, h) in p.held.iter().enumerate() {
        let due = *h == Held::Deferred
            || (*h == Held::Aborted && cfg.behaviour == Behaviour::SentDeferredAfterAbort);
        if due {
            out.push(Job::SentDeferred(s as u8));
        }
    }
    if p.newmail_due && p.inbound {
        out.push(Job::NewMail);
    }
    if cfg.critsec {
        match p.critsec {
            Critsec::NotYet => out.push(Job::CritsecOpen),
            Critsec::Open => out.push(Job::CritsecClose),
            Critsec::Closed => {}
        }
    }
    if let Some(obj) = p.touch_due {
        out.push(Job::TouchDead(obj));
    }
}

/// Runs a background job.
pub fn run_job(ls: &mut LogonState, job: Job, ev: &mut Vec<Body>) {
    let p = &mut ls.provider;
    match job {
        Job::SentDeferred(s) => {
            let h = &mut p.held[s as usize];
            *h = if *h == Held::Aborted {
                Held::AbortedAnnounced
            } else {
                Held::Announced
            };
            ev.push(Body::spooler_notify(
                N::NOTIFY_SENTDEFERRED,
                Some(out_id(s)),
            ));
        }
        Job::NewMail => {
            p.newmail_due = false;
            ev.push(Body::spooler_notify(N::NOTIFY_NEWMAIL, None));
        }
        Job::CritsecOpen => {
            p.critsec = Critsec::Open;
            ev.push(Body::spooler_notify(N::NOTIFY_CRITSEC, None));
        }
        Job::CritsecClose => {
            p.critsec = Critsec::Closed;
            ev.push(Body::spooler_notify(N::NOTIFY_NONCRIT, None));
        }
        Job::TouchDead(obj) => {
            p.touch_due = None;
            ev.push(Body::MessageRead {
                msg: MsgId(obj),
                result: H::S_OK,
            });
        }
    }
}

/// The payload of a TransportNotify call the spooler makes.
pub fn notify_data(flags: u32, slot: Option<u8>, msg_ref: u32) -> Option<NotifyData> {
    let f = F::from_raw(flags);
    if f.contains(F::NOTIFY_ABORT_DEFERRED) {
        slot.map(|s| NotifyData::EntryId(out_id(s)))
    } else if f.contains(F::NOTIFY_CANCEL_MESSAGE) {
        Some(NotifyData::MsgRef(msg_ref))
    } else {
        None
    }
}
