//! The conforming spooler (SPEC.md §5) as a reusable state machine.
//!
//! It answers two questions for any engine that drives a provider: which spooler actions are
//! allowed now ([`Spooler::allowed`]), and how its private knowledge changes on an observed
//! event ([`Spooler::observe`]). What the spooler knows about the protocol (enabled directions,
//! flush cycles, in-flight messages and their refs, the critical section) is the judge's
//! [`Session`], shared with the monitors, so nothing about the contract is written twice; this
//! type adds only the spooler's own queue and its exploration budgets.

use xpcheck_properties::event::{Body, Event, Method, MsgId};
use xpcheck_properties::judge::session::{
    Cancel, FlushState, Life, OutPhase, Session, INBOUND, OUTBOUND,
};
use xpcheck_properties::vocab::{
    EndMessageFlags, FlagWord, HResult, LogonFlags, SpoolerNotifyFlags, TransportNotifyFlags as F,
};

use crate::config::{Config, MAX_MESSAGES};
use crate::state::Call;

/// The entry id of outbound slot `s` in events.
pub fn out_id(slot: u8) -> MsgId {
    MsgId(slot as u32 + 1)
}

/// Whether the message in outbound `slot` carries nontransmittable properties and a recipient
/// another transport already took (SUB-11, SUB-12): the second one does, in every engine.
pub fn has_content_to_hold_back(slot: u8) -> bool {
    slot == 1
}

/// The outbound slot of an entry id.
pub fn slot_of(id: MsgId) -> Option<u8> {
    (1..=MAX_MESSAGES as u32)
        .contains(&id.0)
        .then(|| (id.0 - 1) as u8)
}

/// The spooler's view of one outbound message in its queue.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Queue {
    /// Waiting in the outgoing queue.
    #[default]
    Queued,
    /// Waiting for a retry delay (MAPI_E_WAIT / MAPI_E_NETWORK_ERROR, SUB-7).
    Waiting,
    /// Handed to the provider.
    InFlight,
    /// The provider deferred it (END_DONT_RESEND).
    Deferred,
    /// The provider asked for it again (NOTIFY_SENTDEFERRED): resubmit with BEGIN_DEFERRED.
    Resubmit,
    /// Done with it on this transport: sent, failed, rerouted, cancelled, aborted or withdrawn.
    Done,
}

/// Per-direction enable phase: the spooler begins a direction once and ends it once (LIFE-13, LIFE-35).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DirPhase {
    /// Not begun (logon passes LOGON_NO_INBOUND / LOGON_NO_OUTBOUND).
    #[default]
    NotYet,
    /// Begun.
    On,
    /// Ended.
    Ended,
}

/// What the spooler may do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SpoolerMove {
    /// A call on the spooler's main thread.
    Main(Call),
    /// A TransportNotify on the notify thread.
    Notify(Call),
    /// Let time pass so retry delays expire.
    TimePasses,
    /// A client's AbortSubmit of a queued slot.
    AbortSubmit(u8),
}

/// The conforming spooler's private state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Spooler {
    /// Outbound queue, by slot.
    pub queue: [Queue; MAX_MESSAGES],
    /// `[inbound, outbound]` enable phases.
    pub dirs: [DirPhase; 2],
    /// A flush cycle was begun in this direction (one per run per direction).
    pub flushed: [bool; 2],
    /// FlushQueues was called.
    pub flush_queues_used: bool,
    /// SpoolerYield may still answer MAPI_W_CANCEL_MESSAGE this many times.
    pub yield_cancels: u8,
    /// AbortSubmit calls left.
    pub abort_submits: u8,
    /// NOTIFY_CANCEL_MESSAGE calls left.
    pub cancels: u8,
}

impl Spooler {
    /// A spooler with `outbound` queued messages and the budgets of `cfg`.
    pub fn new(cfg: &Config) -> Spooler {
        let mut queue = [Queue::Done; MAX_MESSAGES];
        for q in queue.iter_mut().take(cfg.outbound as usize) {
            *q = Queue::Queued;
        }
        Spooler {
            queue,
            dirs: [DirPhase::NotYet; 2],
            flushed: [false; 2],
            flush_queues_used: false,
            yield_cancels: u8::from(cfg.yield_cancel),
            abort_submits: u8::from(cfg.abort_submit),
            cancels: cfg.cancels,
        }
    }

    /// Every spooler action allowed now. `main_idle` / `notify_idle`: no call is running on that
    /// thread. The order is deterministic.
    pub fn allowed(
        &self,
        s: &Session,
        cfg: &Config,
        main_idle: bool,
        notify_idle: bool,
        out: &mut Vec<SpoolerMove>,
    ) {
        match s.life {
            Life::Idle if main_idle => out.push(SpoolerMove::Main(Call::Logon)),
            Life::AwaitAddressTypes if main_idle => out.push(SpoolerMove::Main(Call::AddressTypes)),
            Life::Critical if main_idle && notify_idle => out.push(SpoolerMove::Main(Call::Logoff)),
            Life::Active => {
                if main_idle {
                    self.main_moves(s, cfg, notify_idle, out);
                }
                if notify_idle {
                    self.notify_moves(s, cfg, out);
                }
                if self.abort_submits > 0 {
                    if let Some(slot) = (0..MAX_MESSAGES).find(|&i| {
                        self.queue[i] == Queue::Queued && s.out(out_id(i as u8)).is_none()
                    }) {
                        out.push(SpoolerMove::AbortSubmit(slot as u8));
                    }
                }
            }
            _ => {}
        }
    }

    fn main_moves(&self, s: &Session, cfg: &Config, notify_idle: bool, out: &mut Vec<SpoolerMove>) {
        let accepted = s.out.iter().find(|m| m.phase == OutPhase::Accepted);
        if let Some(m) = accepted {
            out.push(SpoolerMove::Main(Call::End {
                slot: slot_of(m.id).expect("model ids"),
            }));
        }
        let in_flight = s.out.iter().any(|m| m.in_flight());
        if s.outbound && !in_flight {
            let next = (0..MAX_MESSAGES)
                .find(|&i| matches!(self.queue[i], Queue::Queued | Queue::Resubmit));
            if let Some(i) = next {
                let resubmission = self.queue[i] == Queue::Resubmit;
                out.push(SpoolerMove::Main(Call::Submit {
                    slot: i as u8,
                    resubmission,
                }));
            }
        }
        let flushing_in = s.flush[INBOUND].state != FlushState::Off;
        if accepted.is_none() && (s.inbound || flushing_in) && (s.inb.signalled || flushing_in) {
            out.push(SpoolerMove::Main(Call::Start { obj: 0 }));
        }
        if s.caps.contains(LogonFlags::LOGON_SP_POLL)
            && s.inbound
            && !s.critsec
            && !s.inb.poll_pending
        {
            out.push(SpoolerMove::Main(Call::Poll));
        }
        if cfg.flush && !self.flush_queues_used && !self.flushed.contains(&true) {
            out.push(SpoolerMove::Main(Call::FlushQueues));
        }
        if cfg.critsec && s.critsec {
            out.push(SpoolerMove::Main(Call::ValidateState));
        }
        if self.queue.contains(&Queue::Waiting) {
            out.push(SpoolerMove::TimePasses);
        }
        // TN-26: deferred messages are aborted before the spooler logs off.
        let deferred = s.out.iter().any(|m| m.phase == OutPhase::Deferred);
        if notify_idle && !deferred {
            out.push(SpoolerMove::Main(Call::Logoff));
        }
    }

    fn notify_moves(&self, s: &Session, cfg: &Config, out: &mut Vec<SpoolerMove>) {
        let notify = |flags: F, slot: Option<u8>, msg_ref: u32| {
            SpoolerMove::Notify(Call::Notify {
                flags: flags.raw(),
                slot,
                msg_ref,
            })
        };
        // Direction changes: each direction begins once and ends once; any permitted mix (AMB-1).
        let step = |d: usize, begin: F, end: F| match self.dirs[d] {
            DirPhase::NotYet => Some(begin),
            DirPhase::On => Some(end),
            DirPhase::Ended => None,
        };
        let i = step(INBOUND, F::NOTIFY_BEGIN_INBOUND, F::NOTIFY_END_INBOUND);
        let o = step(OUTBOUND, F::NOTIFY_BEGIN_OUTBOUND, F::NOTIFY_END_OUTBOUND);
        for f in [i, o, i.zip(o).map(|(a, b)| a | b)].into_iter().flatten() {
            out.push(notify(f, None, 0));
        }
        // Cancels of in-flight messages, with the value the msg-ref cell holds now (TN-17, TN-21).
        if let Some(o) = s.inb.obj.filter(|_| self.cancels > 0) {
            if o.cancel == Cancel::None {
                out.push(notify(F::NOTIFY_CANCEL_MESSAGE, None, o.msg_ref));
            }
        }
        for m in &s.out {
            if m.in_flight() && m.cancel == Cancel::None && self.cancels > 0 {
                out.push(notify(F::NOTIFY_CANCEL_MESSAGE, slot_of(m.id), m.msg_ref));
            }
            if cfg.deferral && m.phase == OutPhase::Deferred {
                // A user cancel (TN-25) and the spooler's own abort at logoff (TN-26).
                out.push(notify(
                    F::NOTIFY_ABORT_DEFERRED | F::NOTIFY_CANCEL_MESSAGE,
                    slot_of(m.id),
                    0,
                ));
                out.push(notify(F::NOTIFY_ABORT_DEFERRED, slot_of(m.id), 0));
            }
        }
        if cfg.flush {
            for (d, begin, end) in [
                (
                    INBOUND,
                    F::NOTIFY_BEGIN_INBOUND_FLUSH,
                    F::NOTIFY_END_INBOUND_FLUSH,
                ),
                (
                    OUTBOUND,
                    F::NOTIFY_BEGIN_OUTBOUND_FLUSH,
                    F::NOTIFY_END_OUTBOUND_FLUSH,
                ),
            ] {
                match s.flush[d].state {
                    FlushState::Off if !self.flushed[d] => out.push(notify(begin, None, 0)),
                    FlushState::Requested | FlushState::On => out.push(notify(end, None, 0)),
                    _ => {}
                }
            }
        }
    }

    /// Updates the spooler's private knowledge with an observed event.
    pub fn observe(&mut self, ev: &Event, session_before: &Session) {
        match ev.body {
            Body::TransportNotify { flags, .. } => {
                for (d, begin, end) in [
                    (INBOUND, F::NOTIFY_BEGIN_INBOUND, F::NOTIFY_END_INBOUND),
                    (OUTBOUND, F::NOTIFY_BEGIN_OUTBOUND, F::NOTIFY_END_OUTBOUND),
                ] {
                    if flags.contains(begin) {
                        self.dirs[d] = DirPhase::On;
                    }
                    if flags.contains(end) {
                        self.dirs[d] = DirPhase::Ended;
                    }
                }
                if flags.contains(F::NOTIFY_CANCEL_MESSAGE)
                    && !flags.contains(F::NOTIFY_ABORT_DEFERRED)
                {
                    self.cancels = self.cancels.saturating_sub(1);
                }
                if flags.contains(F::NOTIFY_BEGIN_INBOUND_FLUSH) {
                    self.flushed[INBOUND] = true;
                }
                if flags.contains(F::NOTIFY_BEGIN_OUTBOUND_FLUSH) {
                    self.flushed[OUTBOUND] = true;
                }
                if flags.contains(F::NOTIFY_ABORT_DEFERRED) {
                    if let Some(xpcheck_properties::event::NotifyData::EntryId(id)) = ev_data(ev) {
                        self.set(id, Queue::Done);
                    }
                }
            }
            Body::FlushQueues { .. } => {
                self.flush_queues_used = true;
                self.flushed = [true, true];
            }
            Body::SubmitMessage { msg, .. } => self.set(msg, Queue::InFlight),
            Body::Return {
                method: Method::SubmitMessage,
                hr,
                ..
            } => {
                let Some(id) = session_before.frame(ev.thread).and_then(|f| f.out) else {
                    return;
                };
                let q = if hr.is_success() {
                    Queue::InFlight
                } else if hr == HResult::MAPI_E_BUSY {
                    Queue::Queued
                } else if hr == HResult::MAPI_E_WAIT || hr == HResult::MAPI_E_NETWORK_ERROR {
                    Queue::Waiting
                } else {
                    Queue::Done
                };
                self.set(id, q);
            }
            Body::Return {
                method: Method::EndMessage,
                flags,
                ..
            } => {
                let Some(id) = session_before.frame(ev.thread).and_then(|f| f.out) else {
                    return;
                };
                let f = EndMessageFlags::from_raw(flags.map(|w| w.0).unwrap_or(0));
                let q = if f.contains(EndMessageFlags::END_DONT_RESEND) {
                    Queue::Deferred
                } else if f
                    .intersects(EndMessageFlags::END_RESEND_LATER | EndMessageFlags::END_RESEND_NOW)
                {
                    Queue::Queued
                } else {
                    Queue::Done
                };
                self.set(id, q);
            }
            Body::SpoolerNotify {
                flags,
                entry_id: Some(id),
                ..
            } if flags.contains(SpoolerNotifyFlags::NOTIFY_SENTDEFERRED) => {
                if let Some(s) = slot_of(id) {
                    if self.queue[s as usize] == Queue::Deferred {
                        self.queue[s as usize] = Queue::Resubmit;
                    }
                }
            }
            Body::SpoolerYield { result, .. } if result == HResult::MAPI_W_CANCEL_MESSAGE => {
                self.yield_cancels = self.yield_cancels.saturating_sub(1);
            }
            Body::TimePasses { .. } => {
                for q in &mut self.queue {
                    if *q == Queue::Waiting {
                        *q = Queue::Queued;
                    }
                }
            }
            Body::AbortSubmit { msg, hr, .. } => {
                self.abort_submits = self.abort_submits.saturating_sub(1);
                if hr == HResult::S_OK {
                    self.set(msg, Queue::Done);
                }
            }
            _ => {}
        }
    }

    fn set(&mut self, id: MsgId, q: Queue) {
        if let Some(s) = slot_of(id) {
            self.queue[s as usize] = q;
        }
    }
}

fn ev_data(ev: &Event) -> Option<xpcheck_properties::event::NotifyData> {
    match ev.body {
        Body::TransportNotify { data, .. } => data,
        _ => None,
    }
}
