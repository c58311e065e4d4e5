//! The conforming spooler (SPEC.md §5) as a reusable state machine.
//!
//! It answers two questions for any engine that drives a provider: which spooler actions are
//! allowed now ([`Spooler::allowed`] for one logon, [`provider_moves`] around the logons), and
//! how its private knowledge changes on an observed event ([`Spooler::observe`]). What the
//! spooler knows about the protocol (enabled directions, flush cycles and their origin,
//! in-flight messages and their refs, the critical section, duties such as an AddressTypes owed
//! after NOTIFY_CONFIG_CHANGE) is the judge's [`Session`] and [`ProviderState`], shared with the
//! monitors, so nothing about the contract is written twice; this type adds only the spooler's
//! own queue, its scripts and its exploration budgets.
//!
//! An engine driving several logons filters each logon's moves with [`permitted`] (the
//! provider-level gates: XPProviderInit first, no TransportLogon after a failed one or before
//! MAPI configured an unconfigured profile, one flush at a time across logons).
//!
//! Every spooler-side obligation the monitors judge is met here:
//! XPProviderInit first (LIFE-1); TransportLogon with LOGON_NO_INBOUND | LOGON_NO_OUTBOUND
//! (LIFE-13); AddressTypes next (LIFE-22) and again right after NOTIFY_CONFIG_CHANGE (SPN-5) or
//! ValidateState(CONFIG_CHANGED) (VS-2); NOTIFY_END_* for every enabled direction (LIFE-35), open
//! flushes ended with both bits in one call when both run (FQ-14), deferred messages aborted
//! (TN-26) and announced ones resubmitted or aborted (SPN-11) before TransportLogoff, which
//! passes LOGOFF_HURRY while a message still waits for its EndMessage (FLOW-1); the FlushQueues
//! sequence: outbound phase, NOTIFY_END_OUTBOUND_FLUSH with no message in flight (FQ-9), inbound
//! phase only once the row shows the bit (FQ-13) and until a StartMessage finds no message
//! (FQ-11); Idle only with LOGON_SP_IDLE, flags 0, on an otherwise idle logon outside a critical
//! section (IDLE-1, IDLE-2, LIFE-11, SPN-6); no StartMessage and (unless NO_WAIT / PURGE) no
//! SubmitMessage after a store logged off (FLOW-15); Release of a logon only after its
//! TransportLogoff returned or instead of it (LIFE-28, LIFE-32, LIFE-34); Shutdown and the
//! provider's Release only once every logon object is released (LIFE-31, LIFE-33).

use xpcheck_properties::event::{Body, Event, Method, MsgId, Thread};
use xpcheck_properties::judge::duties::FlushOrigin;
use xpcheck_properties::judge::provider::{Init, LogonLife, MAX_LOGONS};
use xpcheck_properties::judge::session::{
    Cancel, FlushState, Life, OutPhase, Session, INBOUND, OUTBOUND,
};
use xpcheck_properties::judge::ProviderState;
use xpcheck_properties::vocab::consts::CURRENT_SPI_VERSION;
use xpcheck_properties::vocab::{
    EndMessageFlags, FlagWord, FlushFlags as Q, HResult, LogoffFlags, LogonFlags, MapiLogonFlags,
    SpoolerNotifyFlags, StoreLogoffFlags, TransportNotifyFlags as F, ValidateStateFlags as V,
};

use crate::config::{Config, MAX_MESSAGES};
use crate::state::Call;

/// The entry id of outbound slot `s` in events.
pub fn out_id(slot: u8) -> MsgId {
    MsgId(slot as u32 + 1)
}

/// Whether the message in outbound `slot` carries nontransmittable properties and a recipient
/// another transport already took (SUB-11, SUB-12) in the simulator: the second one does. The
/// model, whose symmetry reduction needs interchangeable messages, gives every message both.
pub fn has_content_to_hold_back(slot: u8) -> bool {
    slot == 1
}

/// The outbound slot of an entry id.
pub fn slot_of(id: MsgId) -> Option<u8> {
    (1..=MAX_MESSAGES as u32)
        .contains(&id.0)
        .then(|| (id.0 - 1) as u8)
}

/// An SPI version MAPI may pass that is older than the provider's (major 0): the provider
/// answers MAPI_E_VERSION (LIFE-3) and MAPI releases it (LIFE-4). Lifecycle scenario only.
pub const OLD_MAPI_VER: u32 = 0x0000_0001;

/// An undefined ValidateState bit (VS-6: answered MAPI_E_UNKNOWN_FLAGS).
pub const VS_UNDEFINED: u32 = 0x0000_0100;

/// The flags of IXPLogon::ValidateState the spooler tries, in order, when `Config::validate`
/// (VS-1, VS-2, VS-5..VS-12): each flag SPEC names for transports, FORCE_XP_DISCONNECT before
/// FORCE_XP_CONNECT and ABORT_XP_HEADER_OPERATION before REFRESH_XP_HEADER_CACHE so the provider
/// goes offline and comes back (SPN-9), SUPPRESS_UI with two of them (VS-12), and an undefined
/// bit (VS-6).
pub const VS_SCRIPT: [u32; 6] = [
    V::CONFIG_CHANGED.bits() | V::SUPPRESS_UI.bits(),
    V::FORCE_XP_DISCONNECT.bits(),
    V::FORCE_XP_CONNECT.bits(),
    V::ABORT_XP_HEADER_OPERATION.bits() | V::SUPPRESS_UI.bits(),
    V::REFRESH_XP_HEADER_CACHE.bits() | V::PROCESS_XP_HEADER_CACHE.bits(),
    VS_UNDEFINED,
];

/// What a client does with the provider's status object on thread `client1`, in order, when
/// `Config::status`: open it (STAT-6, FLOW-17), ValidateState(CONFIG_CHANGED) (VS-11, SPN-5),
/// FlushQueues both ways (FQ-15..FQ-17), SettingsDialog (STAT-11), ValidateState with
/// SHOW_XP_SESSION_UI (VS-10, STAT-11).
pub const CLIENT_SCRIPT: [Call; 5] = [
    Call::OpenStatusEntry,
    Call::StatusValidateState {
        flags: V::CONFIG_CHANGED.bits(),
    },
    Call::StatusFlushQueues {
        flags: Q::FLUSH_UPLOAD.bits() | Q::FLUSH_DOWNLOAD.bits(),
    },
    Call::StatusSettingsDialog,
    Call::StatusValidateState {
        flags: V::SHOW_XP_SESSION_UI.bits(),
    },
];

/// Every `IXPLogon::FlushQueues` flag word SPEC allows (FQ-1): a direction or both, with or
/// without FLUSH_FORCE and FLUSH_NO_UI.
pub const FQ_FLAGS: [u32; 12] = {
    let dirs = [
        Q::FLUSH_UPLOAD.bits(),
        Q::FLUSH_DOWNLOAD.bits(),
        Q::FLUSH_UPLOAD.bits() | Q::FLUSH_DOWNLOAD.bits(),
    ];
    let mut out = [0; 12];
    let mut i = 0;
    while i < 12 {
        let mut f = dirs[i % 3];
        if (i / 3) & 1 != 0 {
            f |= Q::FLUSH_FORCE.bits();
        }
        if (i / 3) & 2 != 0 {
            f |= Q::FLUSH_NO_UI.bits();
        }
        out[i] = f;
        i += 1;
    }
    out
};

/// The store wind-downs the spooler explores when `Config::store_logoff` (FLOW-15): one that
/// still sends what is ready, one that starts nothing new.
pub const STORE_LOGOFFS: [u32; 2] = [
    StoreLogoffFlags::LOGOFF_NO_WAIT.bits(),
    StoreLogoffFlags::LOGOFF_ORDERLY.bits(),
];

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

/// What the spooler side may do next, and on which thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SpoolerMove {
    /// A call on the spooler's main thread into the logon (or its Release, [`Call::ReleaseLogon`]).
    Main(Call),
    /// A TransportNotify on the notify thread.
    Notify(Call),
    /// A client's call on thread `client1`: OpenStatusEntry or a status-object method.
    Client(Call),
    /// A provider-level call on the spooler thread ([`Call::is_provider_level`]), logon index 0.
    Provider(Call),
    /// Let time pass so retry delays expire.
    TimePasses,
    /// A client's AbortSubmit of a queued slot.
    AbortSubmit(u8),
    /// A message store logs off with these StoreLogoffTransports flags (FLOW-15); recorded on
    /// the spooler thread.
    StoreLogoff(u32),
    /// A client calls `IMAPIStatus::FlushQueues(FLUSH_UPLOAD|FLUSH_DOWNLOAD)` on the spooler's
    /// own status object, naming no transport (FQ-4, FQ-18): the spooler then owes every active
    /// logon an `IXPLogon::FlushQueues` ([`Spooler::flush_owed`], set by [`Spooler::observe`]
    /// of every logon). Recorded on thread `client1`; provider-level.
    SpoolerStatusFlush,
}

/// The conforming spooler's private state for one logon.
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
    /// TransportLogon's input flags on this logon (LIFE-7, LIFE-13).
    pub logon_flags: u32,
    /// The spooler may release this logon without TransportLogoff (LIFE-34): a LOGON_NO_CONNECT
    /// logon of the lifecycle scenario, which carries no traffic.
    pub may_abandon: bool,
    /// The last TransportLogon answered MAPI_E_UNCONFIGURED: MAPI retries it once the service is
    /// configured (LIFE-21).
    pub retry: bool,
    /// Next entry of [`VS_SCRIPT`].
    pub vs_next: u8,
    /// Next entry of [`CLIENT_SCRIPT`].
    pub client_next: u8,
    /// Client flushes of the spooler's status object still to make ([`SpoolerMove::SpoolerStatusFlush`]).
    pub client_flushes: u8,
    /// FQ-4: a client flushed the spooler's status object while this logon was active and the
    /// spooler has not called its `IXPLogon::FlushQueues` since: it does before TransportLogoff.
    pub flush_owed: bool,
}

impl Spooler {
    /// A spooler for logon 0 with `outbound` queued messages and the budgets of `cfg`.
    pub fn new(cfg: &Config) -> Spooler {
        Spooler::for_logon(cfg, 0)
    }

    /// A spooler for logon `logon`. In the lifecycle scenario logon 0 passes LOGON_NO_DIALOG
    /// (LIFE-17) and later logons LOGON_NO_CONNECT (LIFE-16): they carry no traffic and may be
    /// released without TransportLogoff (LIFE-34).
    pub fn for_logon(cfg: &Config, logon: u8) -> Spooler {
        let mut queue = [Queue::Done; MAX_MESSAGES];
        for q in queue.iter_mut().take(cfg.outbound as usize) {
            *q = Queue::Queued;
        }
        let mut flags = LogonFlags::LOGON_NO_INBOUND | LogonFlags::LOGON_NO_OUTBOUND;
        if cfg.lifecycle {
            flags |= if logon == 0 {
                LogonFlags::LOGON_NO_DIALOG
            } else {
                LogonFlags::LOGON_NO_CONNECT
            };
        }
        Spooler {
            queue,
            dirs: [DirPhase::NotYet; 2],
            flushed: [false; 2],
            flush_queues_used: false,
            yield_cancels: u8::from(cfg.yield_cancel),
            abort_submits: u8::from(cfg.abort_submit),
            cancels: cfg.cancels,
            logon_flags: flags.raw(),
            may_abandon: flags.contains(LogonFlags::LOGON_NO_CONNECT),
            retry: false,
            vs_next: 0,
            client_next: 0,
            client_flushes: u8::from(cfg.status),
            flush_owed: false,
        }
    }

    /// The logon carries message traffic: LOGON_NO_CONNECT logons do not (LIFE-16).
    pub fn traffic(&self) -> bool {
        self.logon_flags & LogonFlags::LOGON_NO_CONNECT.bits() == 0
    }

    /// Every spooler action allowed now on this logon. `main_idle` / `notify_idle`: no call is
    /// running on that thread (client-thread calls are read from the session's open calls).
    /// The order is deterministic. Provider-level moves (XPProviderInit, Shutdown, the
    /// releases) come from [`provider_moves`]; an engine with the provider's state filters
    /// these moves with [`permitted`].
    pub fn allowed(
        &self,
        s: &Session,
        cfg: &Config,
        main_idle: bool,
        notify_idle: bool,
        out: &mut Vec<SpoolerMove>,
    ) {
        let client_idle = !s
            .frames
            .iter()
            .any(|f| matches!(f.thread, Thread::Client(_)));
        if s.track.released {
            // Released without TransportLogoff: that was the logoff (LIFE-28, LIFE-34).
            return;
        }
        match s.life {
            Life::Idle if main_idle => out.push(SpoolerMove::Main(Call::Logon {
                flags: self.logon_flags,
            })),
            // MAPI retries a logon that answered MAPI_E_UNCONFIGURED once the service is
            // configured (LIFE-21; [`permitted`] waits for the configuration).
            Life::Gone if main_idle && self.retry && s.frames.is_empty() => {
                out.push(SpoolerMove::Main(Call::Logon {
                    flags: self.logon_flags,
                }))
            }
            Life::AwaitAddressTypes if main_idle => out.push(SpoolerMove::Main(Call::AddressTypes)),
            // After NOTIFY_CRITICAL_ERROR nothing but TransportLogoff (SPN-7).
            Life::Critical if main_idle && notify_idle && client_idle => {
                out.push(SpoolerMove::Main(Call::Logoff { flags: 0 }))
            }
            // The user cancels a message that TransportLogoff(LOGOFF_HURRY) abandons, racing the
            // logoff: the provider may already have invalidated its logon (LIFE-29, LIFE-36).
            Life::LoggingOff if notify_idle && cfg.lifecycle => {
                for m in s.out.iter().filter(|m| m.phase == OutPhase::Accepted) {
                    if m.cancel == Cancel::None {
                        out.push(SpoolerMove::Notify(Call::Notify {
                            flags: F::NOTIFY_CANCEL_MESSAGE.raw(),
                            slot: slot_of(m.id),
                            msg_ref: m.msg_ref,
                        }));
                    }
                }
            }
            Life::Active => {
                if main_idle {
                    self.main_moves(s, cfg, notify_idle && client_idle, out);
                }
                if notify_idle {
                    self.notify_moves(s, cfg, out);
                }
                if client_idle && cfg.status {
                    if let Some(&c) = CLIENT_SCRIPT.get(self.client_next as usize) {
                        out.push(SpoolerMove::Client(c));
                    }
                    // After the status object's script, so the flush adds few interleavings.
                    if self.client_flushes > 0 && self.client_next as usize >= CLIENT_SCRIPT.len() {
                        out.push(SpoolerMove::SpoolerStatusFlush);
                    }
                }
                if self.abort_submits > 0 {
                    if let Some(slot) = (0..MAX_MESSAGES).find(|&i| {
                        self.queue[i] == Queue::Queued && s.out(out_id(i as u8)).is_none()
                    }) {
                        out.push(SpoolerMove::AbortSubmit(slot as u8));
                    }
                }
                if cfg.store_logoff
                    && self.dirs.contains(&DirPhase::On)
                    && s.status_flow.store_logoff.is_none()
                {
                    for f in STORE_LOGOFFS {
                        out.push(SpoolerMove::StoreLogoff(f));
                    }
                }
            }
            _ => {}
        }
    }

    /// Main-thread moves of an active logon; `others_idle`: nothing runs on the notify and
    /// client threads.
    fn main_moves(&self, s: &Session, cfg: &Config, others_idle: bool, out: &mut Vec<SpoolerMove>) {
        // SPN-5, VS-2: the changed address types are picked up before anything else.
        if s.duties.config_changed || s.status_flow.addr_types_due {
            out.push(SpoolerMove::Main(Call::AddressTypes));
            return;
        }
        let wind_down = s.status_flow.store_logoff;
        let accepted = s.out.iter().find(|m| m.phase == OutPhase::Accepted);
        if let Some(m) = accepted {
            out.push(SpoolerMove::Main(Call::End {
                slot: slot_of(m.id).expect("model ids"),
            }));
        }
        let in_flight = s.out.iter().any(|m| m.in_flight());
        // FLOW-15: after a store logoff only LOGOFF_NO_WAIT / LOGOFF_PURGE still send.
        let may_send = !wind_down.is_some_and(|w| w.outbound && !w.flags.sends_ready());
        if s.outbound && !in_flight && may_send {
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
        // StartMessage on a signal inside the inbound window, or for an inbound flush whose bit
        // the row shows (FQ-13), after the outbound phase of a FlushQueues flush (FQ-9); none
        // after a store logoff (FLOW-15).
        // LIFE-10: without LOGON_SP_POLL the signal must come from a NOTIFY_NEWMAIL (a message
        // saved by a flush's StartMessage is no reason to look again once the flush ended).
        let by_signal = s.inbound
            && s.inb.signalled
            && (s.caps.contains(LogonFlags::LOGON_SP_POLL) || s.track.newmail);
        let by_flush = s.flush[INBOUND].state == FlushState::On
            && !(s.duties.origin[INBOUND].is_flush_queues() && s.fq_cycle(OUTBOUND));
        let store_gone = wind_down.is_some_and(|w| w.inbound);
        if accepted.is_none() && (by_signal || by_flush) && !store_gone {
            out.push(SpoolerMove::Main(Call::Start { obj: 0 }));
        }
        if s.caps.contains(LogonFlags::LOGON_SP_POLL)
            && s.inbound
            && !s.critsec
            && !s.inb.poll_pending
            && !store_gone
        {
            out.push(SpoolerMove::Main(Call::Poll));
        }
        // IDLE-1, IDLE-2, LIFE-11, SPN-6: Idle(0) with LOGON_SP_IDLE, nothing else running.
        if cfg.idle
            && s.caps.contains(LogonFlags::LOGON_SP_IDLE)
            && s.frames.is_empty()
            && others_idle
            && !s.critsec
        {
            out.push(SpoolerMove::Main(Call::Idle));
        }
        let cycle = s.flush.iter().any(|f| f.state != FlushState::Off);
        if cfg.flush && self.traffic() && !self.flush_queues_used && !self.flushed.contains(&true) {
            out.push(SpoolerMove::Main(Call::FlushQueues {
                flags: (Q::FLUSH_UPLOAD | Q::FLUSH_DOWNLOAD).bits(),
            }));
        }
        // FQ-4: the FlushQueues a client's flush of the spooler's status object asked for, once
        // no flush cycle is open (FQ-6).
        if self.flush_owed && !cycle && (self.flush_queues_used || !cfg.flush_queues) {
            out.push(SpoolerMove::Main(Call::FlushQueues {
                flags: (Q::FLUSH_UPLOAD | Q::FLUSH_DOWNLOAD).bits(),
            }));
        }
        if cfg.flush_queues && self.traffic() && !self.flush_queues_used && !cycle {
            for flags in FQ_FLAGS {
                out.push(SpoolerMove::Main(Call::FlushQueues { flags }));
            }
        }
        if cfg.critsec && s.critsec && !cfg.validate {
            out.push(SpoolerMove::Main(Call::ValidateState { flags: 0 }));
        }
        if cfg.validate {
            if let Some(&flags) = VS_SCRIPT.get(self.vs_next as usize) {
                out.push(SpoolerMove::Main(Call::ValidateState { flags }));
            }
        }
        if self.queue.contains(&Queue::Waiting) {
            out.push(SpoolerMove::TimePasses);
        }
        if others_idle && self.wound_down(s) {
            // FLOW-1: a message still waiting for its EndMessage is abandoned only with
            // LOGOFF_HURRY. The lifecycle scenario tries every flag word (LIFE-27).
            if accepted.is_some() {
                out.push(SpoolerMove::Main(Call::Logoff {
                    flags: LogoffFlags::LOGOFF_HURRY.bits(),
                }));
            } else if cfg.lifecycle {
                for f in [
                    LogoffFlags::empty(),
                    LogoffFlags::LOGOFF_NORMAL,
                    LogoffFlags::LOGOFF_HURRY,
                ] {
                    out.push(SpoolerMove::Main(Call::Logoff { flags: f.bits() }));
                }
            } else {
                out.push(SpoolerMove::Main(Call::Logoff { flags: 0 }));
            }
        }
    }

    /// Everything TransportLogoff needs first is done: directions ended (LIFE-35, FLOW-15),
    /// no flush cycle open (FQ-14), no deferred message unaborted (TN-26) and no announced one
    /// waiting for its resubmission (SPN-11), no FlushQueues owed to a client's flush of the
    /// spooler's status object (FQ-4).
    pub fn wound_down(&self, s: &Session) -> bool {
        !self.flush_owed
            && !s.inbound
            && !s.outbound
            && !s.flush.iter().any(|f| f.in_cycle())
            && !s
                .out
                .iter()
                .any(|m| matches!(m.phase, OutPhase::Deferred | OutPhase::Resubmit))
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
        // A LOGON_NO_CONNECT logon carries no traffic (LIFE-16).
        let step = |d: usize, begin: F, end: F| match self.dirs[d] {
            DirPhase::NotYet if self.traffic() => Some(begin),
            DirPhase::On => Some(end),
            _ => None,
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
            if m.phase == OutPhase::Resubmit && !s.outbound {
                // Announced but no longer resubmittable: aborted before logoff (SPN-11, DEF-6).
                out.push(notify(F::NOTIFY_ABORT_DEFERRED, slot_of(m.id), 0));
            }
        }
        // A LOGON_NO_CONNECT logon carries no traffic (LIFE-16): no flush either.
        if cfg.flush && self.traffic() {
            for (d, begin) in [
                (INBOUND, F::NOTIFY_BEGIN_INBOUND_FLUSH),
                (OUTBOUND, F::NOTIFY_BEGIN_OUTBOUND_FLUSH),
            ] {
                if s.flush[d].state == FlushState::Off && !self.flushed[d] {
                    out.push(notify(begin, None, 0));
                }
            }
        }
        flush_ends(s, |f| out.push(notify(f, None, 0)));
    }

    /// Updates the spooler's private knowledge with an observed event.
    pub fn observe(&mut self, ev: &Event, session_before: &Session) {
        match ev.body {
            Body::TransportLogon { .. } => self.retry = false,
            Body::Return {
                method: Method::TransportLogon,
                hr,
                ..
            } => self.retry = hr == HResult::MAPI_E_UNCONFIGURED,
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
            Body::SpoolerStatusFlush { target, .. } => {
                self.client_flushes = self.client_flushes.saturating_sub(1);
                if session_before.life == Life::Active && target.is_none_or(|t| t == ev.logon) {
                    self.flush_owed = true;
                }
            }
            Body::FlushQueues { .. } => {
                self.flush_owed = false;
                self.flush_queues_used = true;
                self.flushed = [true, true];
            }
            Body::ValidateState { flags }
                if VS_SCRIPT.get(self.vs_next as usize) == Some(&flags.raw()) =>
            {
                self.vs_next += 1;
            }
            Body::OpenStatusEntry { .. }
            | Body::StatusValidateState { .. }
            | Body::StatusFlushQueues { .. }
            | Body::StatusSettingsDialog => {
                let call = match ev.body {
                    Body::OpenStatusEntry { .. } => Call::OpenStatusEntry,
                    Body::StatusValidateState { flags } => {
                        Call::StatusValidateState { flags: flags.raw() }
                    }
                    Body::StatusFlushQueues { flags, .. } => {
                        Call::StatusFlushQueues { flags: flags.raw() }
                    }
                    _ => Call::StatusSettingsDialog,
                };
                if CLIENT_SCRIPT.get(self.client_next as usize) == Some(&call) {
                    self.client_next += 1;
                }
            }
            Body::Return {
                method: Method::OpenStatusEntry,
                hr,
                ..
            } if hr.is_failure() => {
                // No status object: the client has nothing to call.
                self.client_next = CLIENT_SCRIPT.len() as u8;
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
            Body::TimePasses { secs } => {
                // SUB-7: a message waits until the whole delay the provider asked for passed
                // (MAPI_E_WAIT's *lpulReturnParm may be longer than one step of time).
                for (i, q) in self.queue.iter_mut().enumerate() {
                    let left = session_before.out(out_id(i as u8)).map_or(0, |m| m.wait);
                    if *q == Queue::Waiting && left <= secs {
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

/// The NOTIFY_END_*_FLUSH calls the spooler may make now, whatever began the cycles (AMB-27):
/// a FlushQueues flush ends its outbound phase once no message is in flight (FQ-9) and its
/// inbound phase once a StartMessage found no message or the row does not show the bit (FQ-11),
/// never the inbound phase alone while the outbound one runs (FQ-14); other cycles end at any
/// time; both running cycles end together in one call (FQ-14: how the spooler stops a flush).
pub fn flush_ends(s: &Session, mut push: impl FnMut(F)) {
    let in_cycle = [s.flush[INBOUND].in_cycle(), s.flush[OUTBOUND].in_cycle()];
    let fq = |d: usize| s.duties.origin[d] == FlushOrigin::FlushQueues;
    if in_cycle[OUTBOUND] && (!fq(OUTBOUND) || !s.out.iter().any(|m| m.in_flight())) {
        push(F::NOTIFY_END_OUTBOUND_FLUSH);
    }
    if in_cycle[INBOUND] {
        let alone = !fq(INBOUND)
            || (!s.fq_cycle(OUTBOUND)
                && (s.flush[INBOUND].state != FlushState::On || s.duties.queue_empty));
        if alone {
            push(F::NOTIFY_END_INBOUND_FLUSH);
        }
    }
    if in_cycle[INBOUND] && in_cycle[OUTBOUND] {
        push(F::NOTIFY_END_INBOUND_FLUSH | F::NOTIFY_END_OUTBOUND_FLUSH);
    }
}

/// Whether a logon's move passes the provider-level gates (the engine's [`ProviderState`]):
/// TransportLogon only on an initialised provider object that was not shut down (LIFE-1,
/// LIFE-33), never after a failed TransportLogon (LIFE-20), after MAPI_E_UNCONFIGURED only once
/// MAPI configured the service (LIFE-21), and one TransportLogon at a time; FlushQueues only
/// while no other logon is in a flush cycle (FQ-6).
pub fn permitted(p: &ProviderState, logon: u8, mv: &SpoolerMove) -> bool {
    let i = logon as usize;
    match mv {
        SpoolerMove::Main(Call::Logon { .. }) => {
            p.init == Init::Ok
                && !p.shut_down
                && !p.logon_failed
                && (p.configured || !p.unconfigured)
                && !p.logons.contains(&LogonLife::LoggingOn)
        }
        SpoolerMove::Main(Call::FlushQueues { .. }) => {
            (0..MAX_LOGONS).all(|j| j == i || p.flushing & (1 << j) == 0)
        }
        _ => true,
    }
}

/// A logon as [`provider_moves`] sees it.
#[derive(Clone, Copy, Debug)]
pub struct LogonView<'a> {
    /// The judge's state of the logon.
    pub session: &'a Session,
    /// The spooler's private state of the logon.
    pub spooler: &'a Spooler,
}

impl LogonView<'_> {
    /// The logon object is gone for good: released, or its TransportLogon failed and will not
    /// be retried, or it never logged on and cannot any more (LIFE-20).
    fn finished(&self, p: &ProviderState) -> bool {
        let s = self.session;
        s.frames.is_empty()
            && (s.track.released
                || (s.track.failed && (!self.spooler.retry || p.logon_failed))
                || (s.life == Life::Idle && p.logon_failed))
    }
}

/// The provider-level moves of the spooler/MAPI around the logons, each with the logon index
/// it concerns (0 for the provider object): XPProviderInit first (LIFE-1; with the lifecycle
/// scenario also an incompatible SPI version, LIFE-3), MSG_SERVICE_CONFIGURE after
/// MAPI_E_UNCONFIGURED (LIFE-21), Release of a logon after its TransportLogoff returned
/// (LIFE-32) or, for a logon that may be abandoned, instead of it (LIFE-34), Shutdown once every
/// logon object is released (LIFE-31, LIFE-33), then the provider's Release; after a failed
/// XPProviderInit only the Release (LIFE-4). `prov_idle`: no provider-level call is running.
pub fn provider_moves(
    p: &ProviderState,
    logons: &[LogonView<'_>],
    cfg: &Config,
    prov_idle: bool,
    out: &mut Vec<(u8, SpoolerMove)>,
) {
    if !prov_idle {
        return;
    }
    let provider = |c: Call| (0u8, SpoolerMove::Provider(c));
    match p.init {
        Init::NotSeen => {
            let flags = if cfg.nt_service {
                MapiLogonFlags::MAPI_NT_SERVICE.bits()
            } else {
                0
            };
            out.push(provider(Call::ProviderInit {
                flags,
                mapi_ver: CURRENT_SPI_VERSION,
            }));
            if cfg.lifecycle {
                out.push(provider(Call::ProviderInit {
                    flags,
                    mapi_ver: OLD_MAPI_VER,
                }));
            }
        }
        Init::Failed | Init::TooLow => out.push(provider(Call::ReleaseProvider)),
        Init::Ok if !p.shut_down => {
            if p.unconfigured && !p.configured {
                out.push(provider(Call::ServiceConfigure));
            }
            for (i, l) in logons.iter().enumerate() {
                let s = l.session;
                let release = s.frames.is_empty()
                    && !s.track.released
                    && (s.track.over()
                        || (l.spooler.may_abandon
                            && s.life == Life::Active
                            && l.spooler.wound_down(s)
                            && !s.duties.config_changed
                            && !s.status_flow.addr_types_due));
                if release {
                    out.push((i as u8, SpoolerMove::Main(Call::ReleaseLogon)));
                }
            }
            if logons.iter().all(|l| l.finished(p)) {
                out.push(provider(Call::Shutdown { flags: 0 }));
            }
        }
        Init::Ok => out.push(provider(Call::ReleaseProvider)),
        Init::Running | Init::Released => {}
    }
}

fn ev_data(ev: &Event) -> Option<xpcheck_properties::event::NotifyData> {
    match ev.body {
        Body::TransportNotify { data, .. } => data,
        _ => None,
    }
}
