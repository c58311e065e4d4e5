//! `loopback`: a correct transport provider over an in-memory wire, written the way a provider
//! author would. Use it as a template: every place where the contract bites cites its rule.
//!
//! The three habits that keep it correct:
//! 1. **Per-message cancellation state, keyed by a msg-ref written before any transfer**
//!    (SUB-4, SM-5, TN-17): the ref is registered under the lock *before* `*lpulMsgRef` is
//!    written, so a cancel arriving during that very write finds it.
//! 2. **A re-entrant critical section around every transfer step and every TransportNotify,
//!    and never a lock held across a callback** (TN-17, TN-19, TN-27, AMB-21). Each step — check
//!    for a cancel, then make the callback — runs inside the section, and so does TransportNotify;
//!    so a cancel that has returned was seen by every later step, and a step that had already
//!    checked finished before the cancel returned. The section is owned by a thread, not held as
//!    a lock: TransportNotify arriving inside a callback on the *same* thread (the spooler's
//!    window procedure) re-enters it, like a Win32 critical section; one on another thread waits
//!    for the step in progress (a `Condvar` wait, in a loop).
//! 3. **Keep the status row exact** and update it before TransportNotify returns (TN-6, TN-14,
//!    TN-22, TN-24, STAT-4); set and clear the flush bits (TN-8, TN-12, TN-23, FQ-2).
//!
//! Around the traffic: the row is created with its display name and the status methods it
//! supports (STAT-7, STAT-11); the logon object is its own status object (OpenStatusEntry,
//! STAT-6), whose ValidateState is IXPLogon::ValidateState (VS-1) and whose FlushQueues only
//! sets the row's flush bits (FQ-15, FQ-17); ValidateState goes offline and back online with
//! the row to show it (VS-8..VS-10), says READYTOSEND when back online (SPN-9) and
//! NOTIFY_CONFIG_CHANGE for CONFIG_CHANGED (VS-11); TransportLogoff invalidates the logon and
//! releases the support object last (LIFE-30).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use xpcheck_properties::event::{MsgId, NotifyData};
use xpcheck_properties::vocab::{
    EndMessageFlags, FlagWord, FlushFlags, HResult, IdleFlags, LogoffFlags, LogonFlags,
    ResourceMethods, SpoolerNotifyFlags, StartMessageFlags, StatusCode as St, StatusRowFlags,
    SubmitFlags, TransportNotifyFlags as F, ValidateStateFlags as V,
};
use xpcheck_sim::api::{
    Message, MsgRefOut, Props, StatusObject, StatusRow, Support, TransportLogon, TransportProvider,
    Wire, WireMessage,
};
use xpcheck_sim::explore::ExplorableLogon;
use xpcheck_sim::sync::thread::ThreadId;
use xpcheck_sim::sync::{current_thread, Condvar, Mutex, MutexGuard};

use crate::flaw::Flaw;

/// The loopback provider object (IXPProvider).
pub struct Loopback {
    wire: Wire,
    flaw: Option<Flaw>,
}

/// Builds the correct loopback provider.
pub fn loopback(wire: Wire) -> Arc<dyn TransportProvider> {
    Arc::new(Loopback { wire, flaw: None })
}

impl Loopback {
    /// A loopback with a deliberate flaw (see [`Flaw`]).
    pub fn flawed(wire: Wire, flaw: Flaw) -> Loopback {
        Loopback {
            wire,
            flaw: Some(flaw),
        }
    }
}

impl TransportProvider for Loopback {
    fn transport_logon(
        &self,
        support: Support,
        flags: &mut LogonFlags,
    ) -> Result<Arc<dyn TransportLogon>, HResult> {
        Ok(Arc::new(LoopbackLogon::logon(
            support,
            self.wire.clone(),
            self.flaw,
            flags,
        )))
    }
}

impl LoopbackLogon {
    /// `TransportLogon`: the logon object, its status row created (STAT-1, STAT-7, LIFE-23).
    /// With LOGON_NO_CONNECT it starts offline: no connection until ValidateState asks for one
    /// (LIFE-16, VS-9).
    pub fn logon(
        support: Support,
        wire: Wire,
        flaw: Option<Flaw>,
        flags: &mut LogonFlags,
    ) -> LoopbackLogon {
        let offline = flags.contains(LogonFlags::LOGON_NO_CONNECT);
        let row = if offline {
            St::STATUS_AVAILABLE | St::STATUS_OFFLINE
        } else {
            St::STATUS_AVAILABLE
        };
        // STAT-1, STAT-7, LIFE-23: the row exists before the first TransportNotify, with the
        // status-object methods we answer (STAT-11).
        support.modify_status_row_with(
            StatusRowFlags::empty(),
            StatusRow::new(row)
                .display_name("Loopback")
                .resource_methods(METHODS),
        );
        // LIFE-7 / AMB-33: answer with output bits only. We poll (LIFE-10) and do background
        // work in Idle (IDLE-3).
        *flags = LogonFlags::LOGON_SP_POLL | LogonFlags::LOGON_SP_IDLE;
        LoopbackLogon {
            support,
            wire,
            flaw,
            state: Mutex::new(State {
                row,
                offline,
                next_ref: 2,
                ..State::default()
            }),
            turn: Condvar::new(),
        }
    }
}

/// The status-object methods loopback supports, as its row advertises them (STAT-11).
const METHODS: ResourceMethods =
    ResourceMethods::STATUS_VALIDATE_STATE.union(ResourceMethods::STATUS_FLUSH_QUEUES);

/// The loopback logon's state between entry points, for exhaustive exploration of the real code
/// (`xpcheck_sim::explore`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LoopbackSnapshot {
    flaw: Option<Flaw>,
    inbound: bool,
    outbound: bool,
    flush: [bool; 2],
    offline: bool,
    row: u32,
    next_ref: u32,
    flights: Vec<(u32, Flight)>,
    kept: Option<MsgId>,
    deferred: Vec<MsgId>,
    logon_cancel: bool,
}

impl ExplorableLogon for LoopbackLogon {
    type Snapshot = LoopbackSnapshot;

    fn save(&self) -> LoopbackSnapshot {
        let st = self.lock();
        LoopbackSnapshot {
            flaw: self.flaw,
            inbound: st.inbound,
            outbound: st.outbound,
            flush: st.flush,
            offline: st.offline,
            row: st.row.raw(),
            // Refs only need to be unique among messages in flight (EM-3 lets an ended
            // message's ref be reused): the next one after the highest in flight.
            next_ref: st.flights.keys().last().map_or(2, |r| r + 1),
            flights: st.flights.iter().map(|(k, f)| (*k, *f)).collect(),
            kept: st.kept.as_ref().map(|m| m.id()),
            deferred: st.deferred.iter().copied().collect(),
            logon_cancel: st.logon_cancel,
        }
    }

    fn restore(s: &LoopbackSnapshot, support: Support, wire: Wire) -> LoopbackLogon {
        let kept = s.kept.map(|id| support.reopen_message(id));
        LoopbackLogon {
            support,
            wire,
            flaw: s.flaw,
            state: Mutex::new(State {
                inbound: s.inbound,
                outbound: s.outbound,
                flush: s.flush,
                offline: s.offline,
                row: St::from_raw(s.row),
                next_ref: s.next_ref,
                flights: s.flights.iter().copied().collect(),
                kept,
                deferred: s.deferred.iter().copied().collect(),
                section: Section::default(),
                logon_cancel: s.logon_cancel,
            }),
            turn: Condvar::new(),
        }
    }
}

/// The loopback logon for exhaustive exploration (its TransportLogon), with `flaw` if given.
pub fn explorable(
    flaw: Option<Flaw>,
) -> impl Fn(Support, Wire, &mut LogonFlags) -> Result<LoopbackLogon, HResult> + Send + Sync + 'static
{
    move |support, wire, flags| Ok(LoopbackLogon::logon(support, wire, flaw, flags))
}

/// A message between its SubmitMessage/StartMessage and the end of its transfer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
struct Flight {
    inbound: bool,
    cancelled: bool,
    /// Outbound: kept for later because the remote system was offline (EM-2 END_DONT_RESEND).
    held: Option<MsgId>,
}

#[derive(Default)]
struct State {
    inbound: bool,
    outbound: bool,
    flush: [bool; 2],
    /// No connection to the remote system: chosen by ValidateState (FORCE_XP_DISCONNECT,
    /// ABORT_XP_HEADER_OPERATION) or LOGON_NO_CONNECT; outbound mail is kept meanwhile.
    offline: bool,
    row: St,
    next_ref: u32,
    flights: BTreeMap<u32, Flight>,
    kept: Option<Message>,
    /// Deferred outbound messages to announce with NOTIFY_SENTDEFERRED when back online (DEF-4).
    deferred: BTreeSet<MsgId>,
    /// The critical section around transfer steps and TransportNotify.
    section: Section,
    /// Flaw `PerLogonCancel`: one cancel flag for the whole logon.
    logon_cancel: bool,
}

/// Ownership of the re-entrant critical section (a Win32 CRITICAL_SECTION in C providers).
#[derive(Default)]
struct Section {
    owner: Option<ThreadId>,
    depth: u32,
}

impl State {
    fn status(&self, flaw: Option<Flaw>) -> St {
        let mut r = St::STATUS_AVAILABLE;
        if flaw == Some(Flaw::NoStatusUpdate) {
            r |= self.row & (St::STATUS_INBOUND_ENABLED | St::STATUS_OUTBOUND_ENABLED);
        } else {
            // Offline, inbound shows as not enabled (VS-8, STAT-4).
            r.set(St::STATUS_INBOUND_ENABLED, self.inbound && !self.offline);
            r.set(St::STATUS_OUTBOUND_ENABLED, self.outbound);
        }
        r.set(St::STATUS_OFFLINE, self.offline);
        r.set(St::STATUS_INBOUND_FLUSH, self.flush[0]);
        r.set(St::STATUS_OUTBOUND_FLUSH, self.flush[1]);
        r
    }
}

/// The loopback logon object (IXPLogon).
pub struct LoopbackLogon {
    support: Support,
    wire: Wire,
    flaw: Option<Flaw>,
    state: Mutex<State>,
    /// Signalled when the critical section is let go.
    turn: Condvar,
}

/// Why a transfer stopped early.
struct Cancelled;

impl LoopbackLogon {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn has(&self, f: Flaw) -> bool {
        self.flaw == Some(f)
    }

    /// Registers a new in-flight message and writes its msg-ref (SUB-4, SM-5).
    fn begin(&self, inbound: bool, out: &MsgRefOut) -> u32 {
        let r = {
            let mut st = self.lock();
            if self.has(Flaw::PerLogonCancel) {
                st.logon_cancel = false; // the flaw: a new message clears the logon's flag
            }
            let r = st.next_ref;
            st.next_ref += 1;
            st.flights.insert(
                r,
                Flight {
                    inbound,
                    ..Flight::default()
                },
            );
            r
        };
        if !self.has(Flaw::MsgRefAfterTransfer) && !self.has(Flaw::NoMsgRef) {
            out.set(r);
        }
        r
    }

    /// The message a ref from the spooler names: ours, or the preset (0 outbound, 1 inbound)
    /// when the spooler read the cell before we wrote it (TN-21) — the message in flight in
    /// that direction.
    fn flight_of(st: &State, r: u32) -> Option<u32> {
        if st.flights.contains_key(&r) {
            Some(r)
        } else if r <= 1 {
            st.flights
                .iter()
                .find(|(_, fl)| fl.inbound == (r == 1))
                .map(|(k, _)| *k)
        } else {
            None
        }
    }

    /// Takes the critical section, waiting while another thread owns it; the owner may
    /// re-enter (a TransportNotify inside one of its own callbacks). Returns with the state
    /// locked. With `may_give_up`, flaw `GiveUpWaiting` stops waiting after a timeout and goes
    /// on without the section (`None`).
    fn enter(&self, may_give_up: bool) -> (MutexGuard<'_, State>, bool) {
        let me = current_thread();
        let mut st = self.lock();
        while st.section.owner.is_some_and(|o| o != me) {
            if self.has(Flaw::LostWakeup) {
                // The flaw: the lock is let go between the check and the wait, so the owner's
                // notify_all can fall in between and wake nobody.
                drop(st);
                st = self.lock();
            }
            if may_give_up && self.has(Flaw::GiveUpWaiting) {
                let (g, r) = self
                    .turn
                    .wait_timeout(st, Duration::from_secs(1))
                    .unwrap_or_else(|p| p.into_inner());
                st = g;
                if r.timed_out() {
                    return (st, false); // the flaw: go ahead as if the step were done
                }
                continue;
            }
            st = self.turn.wait(st).unwrap_or_else(|p| p.into_inner());
        }
        st.section.owner = Some(me);
        st.section.depth += 1;
        (st, true)
    }

    /// Lets go of the critical section taken by [`Self::enter`].
    fn leave(&self) {
        let mut st = self.lock();
        st.section.depth -= 1;
        if st.section.depth == 0 {
            st.section.owner = None;
            drop(st);
            self.turn.notify_all();
        }
    }

    /// Is message `r` cancelled (TN-17)?
    fn cancelled(&self, st: &State, r: u32, last: bool) -> bool {
        if self.has(Flaw::CancelIgnored) || (self.has(Flaw::CancelOnlyAtEnd) && !last) {
            return false;
        }
        if self.has(Flaw::PerLogonCancel) {
            return st.logon_cancel;
        }
        st.flights.get(&r).is_some_and(|f| f.cancelled)
    }

    /// Called immediately before a step that makes no callback (TN-17, TN-19).
    fn check(&self, r: u32, last: bool) -> Result<(), Cancelled> {
        let st = self.lock();
        if self.cancelled(&st, r, last) {
            return Err(Cancelled);
        }
        Ok(())
    }

    /// One transfer step of message `r`: inside the critical section, check for a cancel, then
    /// make the callback `f` (TN-17, AMB-6 (a)). Only `last` steps are checked by flaw
    /// `CancelOnlyAtEnd`.
    fn step(&self, r: u32, last: bool, f: impl FnOnce()) -> Result<(), Cancelled> {
        if self.has(Flaw::CheckThenAct) {
            // The flaw: the check is made before the section is taken, so a cancel can come and
            // return in between, and the step goes ahead anyway.
            self.check(r, last)?;
            drop(self.enter(false));
            f();
            self.leave();
            return Ok(());
        }
        let (st, _) = self.enter(false);
        let cancelled = self.cancelled(&st, r, last);
        drop(st);
        if !cancelled {
            f();
        }
        self.leave();
        if cancelled {
            return Err(Cancelled);
        }
        Ok(())
    }

    /// Sets the flush bits `flags` asks for and shows them in the row (FQ-2, FQ-17, AMB-16:
    /// FLUSH_DOWNLOAD is inbound, FLUSH_UPLOAD outbound).
    fn set_flush(&self, flags: FlushFlags) {
        {
            let mut st = self.lock();
            st.flush[0] |= flags.contains(FlushFlags::FLUSH_DOWNLOAD);
            st.flush[1] |= flags.contains(FlushFlags::FLUSH_UPLOAD);
        }
        self.write_row();
    }

    fn finish(&self, r: u32) {
        self.lock().flights.remove(&r);
    }

    /// SpoolerYield between steps, except inside a flush cycle (TN-10, TN-16, YLD-2): decided
    /// inside the critical section, so a flush that has begun is never yielded into.
    fn pause(&self) -> Result<(), Cancelled> {
        let (st, _) = self.enter(false);
        let flushing = st.flush.contains(&true);
        drop(st);
        let answer = if flushing && !self.has(Flaw::YieldInFlush) {
            HResult::S_OK
        } else if self.has(Flaw::YieldFlags) {
            self.support.spooler_yield_with_flags(1) // the flaw: ulFlags is reserved 0 (YLD-1)
        } else {
            self.support.spooler_yield()
        };
        self.leave();
        if answer == HResult::MAPI_W_CANCEL_MESSAGE {
            return Err(Cancelled); // YLD-4: stop and return MAPI_E_USER_CANCEL
        }
        Ok(())
    }

    /// The remote system is reachable and we are connected to it.
    fn online(&self) -> bool {
        self.wire.is_online() && !self.lock().offline
    }

    /// Back online (or told to flush, FQ-7): ask the spooler to resubmit each deferred message
    /// (SPN-11, DEF-4). One at a time, the lock released around each callback, an abort
    /// possibly arriving in between.
    fn announce_deferred(&self, even_offline: bool) {
        while even_offline || self.online() {
            let (mut st, _) = self.enter(false);
            let next = st.deferred.pop_first();
            drop(st);
            if let Some(id) = next {
                self.support
                    .spooler_notify(SpoolerNotifyFlags::NOTIFY_SENTDEFERRED, Some(id));
            }
            self.leave();
            if next.is_none() {
                return;
            }
        }
    }

    /// Writes the row if it changed: inside the critical section, so rows computed on two
    /// threads land in the order they were computed (STAT-4).
    fn write_row(&self) {
        let (st, owned) = self.enter(false);
        self.write_row_in(st, false);
        if owned {
            self.leave();
        }
    }

    /// Writes the row if it changed, or `always` (a direction's BEGIN/END is answered with a row
    /// update even when an offline row already showed it, TN-6, TN-14, TN-22, TN-24), the section
    /// already held (`st` locked on entry, released for the call).
    fn write_row_in(&self, mut st: MutexGuard<'_, State>, always: bool) {
        let row = st.status(self.flaw);
        let changed = row != st.row;
        st.row = row;
        drop(st);
        if changed || always {
            self.support
                .modify_status_row(StatusRowFlags::STATUSROW_UPDATE, row);
        }
    }

    /// ValidateState, on the logon and on the status object alike (VS-1): connect or disconnect
    /// as asked and show it in the row with PR_STATUS_STRING and PR_REMOTE_VALIDATE_OK
    /// (VS-8..VS-10); READYTOSEND once connected again (SPN-9); NOTIFY_CONFIG_CHANGE for
    /// CONFIG_CHANGED (VS-11). No header cache, no session UI: SHOW_XP_SESSION_UI is declined
    /// (VS-10); undefined flags are refused (VS-6).
    fn validate(&self, flags: V) -> HResult {
        if flags.unknown_bits() != 0 && !self.has(Flaw::VsAcceptsUnknown) {
            return HResult::MAPI_E_UNKNOWN_FLAGS; // VS-6
        }
        if flags.contains(V::SHOW_XP_SESSION_UI) {
            return HResult::MAPI_E_NO_SUPPORT; // VS-10: no header-processing UI
        }
        let (mut st, owned) = self.enter(false);
        let was_offline = st.offline;
        if flags.intersects(V::ABORT_XP_HEADER_OPERATION | V::FORCE_XP_DISCONNECT) {
            st.offline = true; // VS-8, VS-9
        } else if flags.intersects(V::FORCE_XP_CONNECT | V::REFRESH_XP_HEADER_CACHE) {
            st.offline = false; // VS-9, VS-10
        }
        let row = st.status(self.flaw);
        st.row = row;
        let back_online = was_offline && !st.offline;
        drop(st);
        let mut update = StatusRow::new(row);
        if flags.contains(V::ABORT_XP_HEADER_OPERATION) {
            update = update.status_string("Offline").remote_validate_ok(true); // VS-8
        } else if flags.intersects(V::REFRESH_XP_HEADER_CACHE | V::PROCESS_XP_HEADER_CACHE) {
            update = update
                .status_string("Headers refreshed")
                .remote_validate_ok(false); // VS-10
        }
        self.support
            .modify_status_row_with(StatusRowFlags::STATUSROW_UPDATE, update);
        if back_online && !self.has(Flaw::NoReadyToSend) {
            self.support
                .spooler_notify(SpoolerNotifyFlags::NOTIFY_READYTOSEND, None); // SPN-9
        }
        if flags.contains(V::CONFIG_CHANGED) && !self.has(Flaw::NoConfigNotify) {
            self.support
                .spooler_notify(SpoolerNotifyFlags::NOTIFY_CONFIG_CHANGE, None);
            // VS-11
        }
        if owned {
            self.leave();
        }
        HResult::S_OK
    }

    fn submit(&self, msg: &Message, out: &MsgRefOut, r: u32) -> Result<(), Cancelled> {
        self.step(r, false, || {
            msg.read();
        })?;
        if self.has(Flaw::MsgRefAfterTransfer) {
            out.set(r);
        }
        self.check(r, false)?;
        if !self.online() {
            // Store and forward: keep it, answer END_DONT_RESEND in EndMessage (EM-2, DEF-4).
            if let Some(f) = self.lock().flights.get_mut(&r) {
                f.held = Some(msg.id());
            }
            return Ok(());
        }
        // Transmittable properties only (SUB-11), to recipients no other transport took
        // (SUB-12); then mark the recipients handled. One callback per step: a cancel can come
        // inside each.
        let all = self.has(Flaw::SendsEverything);
        self.step(r, false, || {
            msg.transmit(&self.wire, all, all);
        })?;
        if !self.has(Flaw::NoResponsibility) {
            // FLOW-10, SUB-12: the recipients we handled are ours now.
            self.step(r, false, || {
                msg.set_responsibility();
            })?;
        }
        if self.has(Flaw::StatusWordRmw) {
            // The flaw: the word is read, the section not held, a callback made (a
            // TransportNotify may change the row meanwhile), and the stale word written back.
            let word = self.lock().row;
            self.pause()?;
            let word = word | St::STATUS_OUTBOUND_ACTIVE;
            self.lock().row = word;
            self.support
                .modify_status_row(StatusRowFlags::STATUSROW_UPDATE, word);
        } else {
            self.pause()?;
        }
        self.check(r, true)
    }

    fn start(
        &self,
        msg: &Message,
        out: &MsgRefOut,
        r: u32,
        m: WireMessage,
    ) -> Result<(), Cancelled> {
        // Store only transmittable properties (SM-8).
        let nontransmittable = m.nontransmittable && self.has(Flaw::CopiesNontransmittable);
        self.step(r, false, || {
            msg.set_props(Props {
                content: Some(m.content),
                nontransmittable,
                // FLOW-14: IPM.Note, the received message having no class of its own.
                message_class: !self.has(Flaw::NoMessageClass),
                ..Props::default()
            });
        })?;
        if self.has(Flaw::MsgRefAfterTransfer) {
            out.set(r);
        }
        self.step(r, false, || {
            msg.modify_recipients(true);
        })?;
        self.pause()?;
        self.step(r, true, || {
            msg.save_changes();
        })
    }
}

impl TransportLogon for LoopbackLogon {
    fn transport_notify(&self, flags: &mut F, data: Option<NotifyData>) -> HResult {
        let f = *flags;
        // Inside the critical section: a transfer step in progress on the spooler's main
        // thread finishes first, and every later step sees what this call changes (TN-27).
        let (mut st, owned) = self.enter(true);
        if let (true, Some(NotifyData::EntryId(id))) = (f.contains(F::NOTIFY_ABORT_DEFERRED), data)
        {
            // The entry id, not a msg-ref (TN-3, AMB-2): never announce it again (DEF-7).
            st.deferred.remove(&id);
        }
        if f.contains(F::NOTIFY_CANCEL_MESSAGE) && !f.contains(F::NOTIFY_ABORT_DEFERRED) {
            if let Some(NotifyData::MsgRef(r)) = data {
                if self.has(Flaw::PerLogonCancel) {
                    st.logon_cancel = true; // the flaw: whichever message runs next stops
                }
                // The spooler names the message by the cell as it read it (TN-21).
                let key = Self::flight_of(&st, r);
                if let Some(fl) = key.and_then(|k| st.flights.get_mut(&k)) {
                    fl.cancelled = true;
                }
            }
        }
        // Directions and flushes are independent: any permitted mix in one call (TN-28).
        let req = f.requested();
        st.inbound = req.inbound.unwrap_or(st.inbound);
        st.outbound = req.outbound.unwrap_or(st.outbound);
        for d in 0..2 {
            st.flush[d] = req.flush[d].unwrap_or(st.flush[d]);
        }
        // The row update is a callback: the state lock is let go for it, the section is not
        // (TN-6, TN-14, TN-22, TN-24, TN-8, TN-23).
        let direction = f.intersects(
            F::NOTIFY_BEGIN_INBOUND
                | F::NOTIFY_END_INBOUND
                | F::NOTIFY_BEGIN_OUTBOUND
                | F::NOTIFY_END_OUTBOUND,
        );
        self.write_row_in(st, direction && !self.has(Flaw::NoStatusUpdate));
        if owned {
            self.leave();
        }
        if self.has(Flaw::FlagsChanged) {
            flags.remove(F::NOTIFY_CANCEL_MESSAGE);
        }
        HResult::S_OK // TN-1: *flags unchanged; TN-2
    }

    fn submit_message(
        &self,
        flags: SubmitFlags,
        msg: &Message,
        out: &MsgRefOut,
        parm: &mut u32,
    ) -> HResult {
        if msg.address_type() != "LOOP" {
            // Not ours: refuse before touching it, so the spooler routes it elsewhere (SUB-5).
            if self.has(Flaw::CriticalOnNotMe) {
                self.support
                    .spooler_notify(SpoolerNotifyFlags::NOTIFY_CRITICAL_ERROR, None);
            }
            return HResult::MAPI_E_NOT_ME;
        }
        if flags.contains(SubmitFlags::BEGIN_DEFERRED) && !self.online() {
            // A deferred message back while still offline: nothing processed, try again in a
            // minute (SUB-5, SUB-6).
            *parm = 60;
            return HResult::MAPI_E_WAIT;
        }
        let r = self.begin(false, out);
        match self.submit(msg, out, r) {
            // Stays in flight until EndMessage: a cancel may still come (TN-18).
            Ok(()) => HResult::S_OK,
            Err(Cancelled) => {
                self.finish(r);
                HResult::MAPI_E_USER_CANCEL
            }
        }
    }

    fn end_message(&self, msg_ref: u32, flags: &mut EndMessageFlags) -> HResult {
        let mut st = self.lock();
        let key = Self::flight_of(&st, msg_ref);
        let flight = key.and_then(|k| st.flights.remove(&k)).unwrap_or_default();
        *flags = match flight.held {
            Some(id) if !flight.cancelled => {
                st.deferred.insert(id);
                EndMessageFlags::END_DONT_RESEND // deferred: SENTDEFERRED follows (EM-2, EM-6)
            }
            _ => EndMessageFlags::empty(), // sent, or cancelled (EM-2)
        };
        HResult::S_OK // EM-5
    }

    fn start_message(&self, _flags: StartMessageFlags, msg: &Message, out: &MsgRefOut) -> HResult {
        let r = self.begin(true, out);
        if self.check(r, false).is_err() {
            self.finish(r);
            return HResult::MAPI_E_USER_CANCEL;
        }
        let Some(m) = self.wire.take() else {
            self.finish(r);
            return HResult::S_OK; // no SaveChanges: "no message" (SM-10)
        };
        let result = self.start(msg, out, r, m);
        self.finish(r);
        if self.has(Flaw::TouchAfterStartMessage) {
            self.lock().kept = Some(msg.clone());
        }
        match result {
            Ok(()) => HResult::S_OK,
            Err(Cancelled) => {
                if !self.has(Flaw::DropCancelledInbound) {
                    self.wire.put_back(m); // deliver it again later (TN-20)
                }
                HResult::MAPI_E_USER_CANCEL
            }
        }
    }

    fn poll(&self, incoming: &mut u32) -> HResult {
        self.announce_deferred(false);
        let kept = self.lock().kept.take(); // never hold the lock across a callback (AMB-21)
        if let Some(old) = kept {
            old.read(); // the flaw: lpMessage is dead after StartMessage returned (SM-3)
        }
        *incoming = self.wire.waiting() as u32; // POLL-2
        HResult::S_OK
    }

    fn idle(&self, _flags: IdleFlags) -> HResult {
        if self.has(Flaw::IdleFails) {
            return HResult::MAPI_E_CALL_FAILED;
        }
        self.announce_deferred(false); // background work: resend what waited for the wire
        HResult::S_OK // IDLE-3
    }

    fn flush_queues(&self, flags: FlushFlags) -> HResult {
        // FQ-2: the flush bits first, so a phase the spooler ends inside one of our callbacks
        // leaves the other one showing (FQ-10).
        self.set_flush(flags);
        if flags.contains(FlushFlags::FLUSH_UPLOAD) {
            // FQ-7: every deferred message is announced for the upload (we connect for it).
            let connect = !self.has(Flaw::DeferredUnannounced);
            self.announce_deferred(connect);
        }
        HResult::S_OK
    }

    fn validate_state(&self, flags: V) -> HResult {
        self.validate(flags)
    }

    fn open_status_entry(self: Arc<Self>) -> Result<Arc<dyn StatusObject>, HResult> {
        if self.has(Flaw::NoStatusObject) {
            return Err(HResult::MAPI_E_NO_SUPPORT);
        }
        Ok(self) // the logon is its own status object (STAT-6)
    }

    fn transport_logoff(&self, _flags: LogoffFlags) -> HResult {
        // LIFE-28/29: accepted at any time, with any flags; nothing is called back afterwards.
        // LIFE-30: invalidate the logon, then release the support object, last.
        self.support.make_invalid();
        self.support.release();
        HResult::S_OK
    }
}

/// IMAPIStatus on the logon's row (STAT-6): the methods its PR_RESOURCE_METHODS advertises
/// (STATUS_VALIDATE_STATE, STATUS_FLUSH_QUEUES; STAT-11).
impl StatusObject for LoopbackLogon {
    fn validate_state(&self, flags: V) -> HResult {
        self.validate(flags) // as IXPLogon::ValidateState (VS-1)
    }

    fn flush_queues(&self, flags: FlushFlags) -> HResult {
        // FQ-15, FQ-17: only the row's flush bits; the spooler flushes later (FLOW-7).
        self.set_flush(flags);
        HResult::S_OK
    }

    // SettingsDialog: not advertised, MAPI_E_NO_SUPPORT (the default, STAT-11).
}
