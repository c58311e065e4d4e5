//! What the contract needs to remember about one transport logon, rebuilt from events alone.
//!
//! Monitors are predicates over (this state, the next event); keeping the remembered state in one
//! place means no monitor re-derives what another already tracks, and the stateright model can
//! carry it in its state (it is small, `Clone + Hash + Eq`). The states follow SPEC.md §5.

use super::copy_vec::CopyVec;
use super::status_flow::StatusFlow;
pub use super::track::LogonTrack;

use crate::event::{Body, Event, Method, MsgId, NotifyData, Thread};
use crate::vocab::{
    EndMessageFlags, FlagWord, HResult, LogonFlags, SpoolerNotifyFlags, StatusCode, SubmitFlags,
    TransportNotifyFlags,
};

/// Lifecycle of the logon (SPEC §5.1 `life`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Life {
    /// No TransportLogon yet.
    #[default]
    Idle,
    /// TransportLogon running.
    LoggingOn,
    /// TransportLogon returned S_OK; AddressTypes is next (LIFE-22).
    AwaitAddressTypes,
    /// Normal operation.
    Active,
    /// The provider raised NOTIFY_CRITICAL_ERROR (SPN-7, AMB-13).
    Critical,
    /// TransportLogoff running.
    LoggingOff,
    /// TransportLogoff returned.
    Gone,
}

/// A flush direction's state (SPEC §5.3, AMB-27).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FlushState {
    /// No flush cycle.
    #[default]
    Off,
    /// BEGIN_*_FLUSH or FlushQueues received; the provider has not set its bit yet.
    Requested,
    /// The provider's row shows the flush bit.
    On,
    /// END_*_FLUSH received while the bit was set; the provider must clear it (AMB-3 bound).
    Ending,
}

/// One flush direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Flush {
    /// Where the cycle is.
    pub state: FlushState,
    /// The bit was set at some point of the current cycle (TN-8).
    pub was_set: bool,
}

impl Flush {
    /// Inside a flush cycle (TN-9): yielding is not allowed (TN-10).
    pub fn in_cycle(self) -> bool {
        matches!(self.state, FlushState::Requested | FlushState::On)
    }
}

/// Cancellation of an in-flight message (TN-17..TN-21, AMB-6).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cancel {
    /// No cancel.
    #[default]
    None,
    /// TransportNotify(NOTIFY_CANCEL_MESSAGE) is running on another thread.
    Pending,
    /// The cancel returned; `n` harness calls made since by the handling entry point.
    Returned(u8),
}

impl Cancel {
    /// The cancel has been delivered (AMB-6 (a) applies).
    pub fn returned(self) -> bool {
        matches!(self, Cancel::Returned(_))
    }
}

/// Where an outbound message stands (SPEC §5.4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OutPhase {
    /// SubmitMessage is running.
    #[default]
    Submitting,
    /// SubmitMessage returned S_OK; EndMessage is next (SUB-8).
    Accepted,
    /// EndMessage is running.
    Ending,
    /// Not handed to the provider: sent, failed, or waiting in the spooler's queue.
    Settled,
    /// EndMessage returned END_DONT_RESEND; the provider holds it (DEF-4).
    Deferred,
    /// The provider called SpoolerNotify(NOTIFY_SENTDEFERRED); resubmission is due (SUB-1).
    Resubmit,
    /// NOTIFY_ABORT_DEFERRED was delivered for it (DEF-6).
    Aborted,
    /// AbortSubmit took it out of the queue (TN-4).
    Removed,
}

/// How the provider's use of an outbound message object last ended (SUB-2, AMB-30).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ended {
    /// Never handed out, or in use now.
    #[default]
    No,
    /// At EndMessage's return (EM-4).
    EndMessage,
    /// At SubmitMessage's failure return (SUB-9).
    Error,
}

/// One outbound message, keyed by entry id.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OutMsg {
    /// Entry id.
    pub id: MsgId,
    /// Phase.
    pub phase: OutPhase,
    /// The msg-ref cell: preset, or what the provider wrote (SUB-3, TN-21).
    pub msg_ref: u32,
    /// The provider wrote the cell during this submission (SUB-4).
    pub ref_written: bool,
    /// Data transfer started in this submission (SUB-4).
    pub touched: bool,
    /// The provider changed the message in this submission (SUB-5 "nothing processed").
    pub modified: bool,
    /// Cancellation state.
    pub cancel: Cancel,
    /// The current submission is a BEGIN_DEFERRED resubmission (DEF-5).
    pub resubmission: bool,
    /// NOTIFY_END_OUTBOUND arrived while this message was in flight (TN-24).
    pub end_outbound_seen: bool,
    /// Seconds the spooler must still wait before resubmitting (SUB-7).
    pub wait: u32,
    /// The last SubmitMessage's HRESULT.
    pub last_hr: HResult,
    /// How the last use ended.
    pub ended: Ended,
}

impl OutMsg {
    /// Handed to the provider now (SubmitMessage .. EndMessage).
    pub fn in_flight(&self) -> bool {
        matches!(
            self.phase,
            OutPhase::Submitting | OutPhase::Accepted | OutPhase::Ending
        )
    }
}

/// A wire message the provider holds for inbound delivery (SPEC §5.5 `Held`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Held {
    /// Wire identity.
    pub content: u32,
    /// A StartMessage delivering it was cancelled: it must be offered again (TN-20).
    pub redeliver: bool,
}

/// The message object of the StartMessage in progress.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InObj {
    /// The object.
    pub msg: MsgId,
    /// The msg-ref cell (SM-4 preset 1).
    pub msg_ref: u32,
    /// The provider wrote the cell (SM-5).
    pub ref_written: bool,
    /// The provider started using the object (SM-5).
    pub touched: bool,
    /// SaveChanges was called (SM-10).
    pub saved: bool,
    /// Which wire message is being written.
    pub content: Option<u32>,
    /// Cancellation state.
    pub cancel: Cancel,
    /// The cancel returned before SaveChanges: the spooler discards the data (TN-20).
    pub discarded: bool,
}

/// An open call into the provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Frame {
    /// The thread it runs on.
    pub thread: Thread,
    /// The entry point.
    pub method: Method,
    /// The outbound message it handles (SubmitMessage, EndMessage).
    pub out: Option<MsgId>,
    /// Flags of a TransportNotify call (TN-1).
    pub notify: TransportNotifyFlags,
    /// The message a TransportNotify(CANCEL) call targets.
    pub cancels: Option<Target>,
    /// The deferred message a TransportNotify(ABORT_DEFERRED) call names (DEF-6, DEF-7).
    pub aborts: Option<MsgId>,
    /// The provider called ModifyStatusRow during this call (TN-6, TN-14, TN-22, TN-24).
    pub modified_row: bool,
    /// SpoolerYield returned MAPI_W_CANCEL_MESSAGE during this call (YLD-4).
    pub yield_cancel: bool,
    /// Harness calls since the yield cancel (YLD-4).
    pub after_yield_cancel: u8,
    /// The provider raised NOTIFY_CRITICAL_ERROR during this call (SPN-8).
    pub critical: bool,
    /// Flush directions this call requested (bit 0 inbound, bit 1 outbound) (TN-8, FQ-2).
    pub flush_requested: u8,
    /// The provider displayed a dialog during this call (LIFE-17, LIFE-19, FQ-5, VS-12, SVC-7).
    pub ui_shown: bool,
    /// The call began after the provider called MakeInvalid on the logon: it must answer
    /// MAPI_E_INVALID_OBJECT (LIFE-36).
    pub invalidated: bool,
}

/// What a cancel names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// An outbound message.
    Out(MsgId),
    /// The inbound message object of a StartMessage.
    In(MsgId),
}

/// Inbound direction (SPEC §5.5).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Inbound {
    /// MailArrived events were seen, so the held set is known (POLL-2, TN-20).
    pub tracking: bool,
    /// Wire messages the provider holds.
    pub held: CopyVec<Held, 4>,
    /// StartMessage in progress.
    pub obj: Option<InObj>,
    /// The last inbound message objects whose StartMessage returned (SM-3).
    pub dead: [Option<MsgId>; 2],
    /// Poll reported mail and no StartMessage followed yet (POLL-3).
    pub poll_pending: bool,
    /// The spooler has a reason to call StartMessage (SM-1).
    pub signalled: bool,
    /// A NEWMAIL arrived while inbound was disabled and nothing else signalled since (SPN-10).
    pub stale_newmail: bool,
    /// Some NOTIFY_NEWMAIL was seen on this logon (SPN-10 is exercised).
    pub newmail_seen: bool,
}

/// Everything remembered about one logon.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Session {
    /// Lifecycle.
    pub life: Life,
    /// LOGON_SP_* returned by TransportLogon.
    pub caps: LogonFlags,
    /// Inbound enabled (TN-5).
    pub inbound: bool,
    /// Inbound was disabled by END_INBOUND (TN-22) rather than never enabled.
    pub inbound_ended: bool,
    /// Outbound enabled (TN-13).
    pub outbound: bool,
    /// Outbound was disabled by END_OUTBOUND (TN-24).
    pub outbound_ended: bool,
    /// Flush state, `[inbound, outbound]`.
    pub flush: [Flush; 2],
    /// A NOTIFY_CRITSEC is open (SPN-6).
    pub critsec: bool,
    /// PR_STATUS_CODE of the row; `None` before the row exists (STAT-1).
    pub row: Option<StatusCode>,
    /// Open calls, in call order.
    pub frames: CopyVec<Frame, 2>,
    /// Outbound messages seen.
    pub out: CopyVec<OutMsg, 4>,
    /// Inbound state.
    pub inb: Inbound,
    /// Status-object calls and message flows (VS, STAT-6/11, FQ-15..17, FLOW, SUB-2/10).
    pub status_flow: StatusFlow,
    /// Flush origins, the FlushQueues sequence and pending provider/spooler duties (FQ-*,
    /// SPN-5, SPN-9; [`super::duties`]).
    pub duties: super::duties::Duties,
    /// The logon's own lifecycle facts: input flags, failure, logoff, release, invalidation,
    /// support release, the NEWMAIL signal (LIFE-10..LIFE-36, [`LogonTrack`]).
    pub track: LogonTrack,
    /// Settled outbound records forgotten to keep memory bounded ([`SETTLED_KEPT`]).
    pub forgotten: u64,
}

/// Settled outbound records (sent, failed, aborted, withdrawn: no longer handed to the provider
/// and not held by it) remembered per logon; beyond this the oldest is forgotten, so a recorded
/// trace of any length is judged in constant memory and time per event. What is then no longer
/// judged for a forgotten message: a use of its object after EndMessage or a failed
/// SubmitMessage (EM-4, SUB-9), EndMessage or a cancel with its dead msg-ref (EM-3, which then
/// reads as EM-1 / TN-17), its resubmission after AbortSubmit (TN-4) or before a requested delay
/// (SUB-7). The model and the simulator never hold this many messages.
pub const SETTLED_KEPT: usize = 32;

/// Index of the inbound / outbound flush direction in [`Session::flush`].
pub const INBOUND: usize = 0;
/// See [`INBOUND`].
pub const OUTBOUND: usize = 1;

impl Session {
    /// The innermost open call on a thread.
    pub fn frame(&self, thread: Thread) -> Option<&Frame> {
        self.frames.iter().rev().find(|f| f.thread == thread)
    }

    fn frame_mut(&mut self, thread: Thread) -> Option<&mut Frame> {
        self.frames.iter_mut().rev().find(|f| f.thread == thread)
    }

    /// Outbound record by entry id.
    pub fn out(&self, id: MsgId) -> Option<&OutMsg> {
        self.out.iter().find(|m| m.id == id)
    }

    fn out_mut(&mut self, id: MsgId) -> Option<&mut OutMsg> {
        self.out.iter_mut().find(|m| m.id == id)
    }

    /// The in-flight message a cancel's msg-ref names: the inbound message in progress or an
    /// outbound message between SubmitMessage and EndMessage's return.
    pub fn cancel_target(&self, msg_ref: u32) -> Option<Target> {
        if let Some(o) = self.inb.obj {
            if o.msg_ref == msg_ref {
                return Some(Target::In(o.msg));
            }
        }
        self.out
            .iter()
            .find(|m| m.in_flight() && m.msg_ref == msg_ref)
            .map(|m| Target::Out(m.id))
    }

    /// Cancellation state of a target.
    pub fn cancel_of(&self, t: Target) -> Cancel {
        match t {
            Target::In(m) => self
                .inb
                .obj
                .filter(|o| o.msg == m)
                .map(|o| o.cancel)
                .unwrap_or_default(),
            Target::Out(id) => self.out(id).map(|m| m.cancel).unwrap_or_default(),
        }
    }

    /// The message the innermost frame on `thread` handles, if it is a message entry point.
    pub fn handled_by(&self, thread: Thread) -> Option<Target> {
        let f = self.frame(thread)?;
        match f.method {
            Method::StartMessage => self.inb.obj.map(|o| Target::In(o.msg)),
            Method::SubmitMessage | Method::EndMessage => f.out.map(Target::Out),
            _ => None,
        }
    }

    /// The target a message-object operation on `msg` belongs to.
    pub fn target_of_message(&self, msg: MsgId) -> Option<Target> {
        if self.inb.obj.map(|o| o.msg) == Some(msg) {
            Some(Target::In(msg))
        } else if self.out(msg).is_some() {
            Some(Target::Out(msg))
        } else {
            None
        }
    }

    /// Does any flush direction's cycle forbid yielding now (TN-10, TN-16)?
    pub fn flush_dir_in_cycle(&self) -> Option<usize> {
        (0..2).find(|&d| self.flush[d].in_cycle())
    }

    /// Renames outbound entry ids (symmetry reduction over interchangeable messages) and puts
    /// the outbound records in id order, so equivalent states compare equal.
    pub fn relabel_outbound(&mut self, map: impl Fn(MsgId) -> MsgId) {
        for m in &mut self.out {
            m.id = map(m.id);
        }
        self.out.sort();
        for f in &mut self.frames {
            f.out = f.out.map(&map);
            if let Some(Target::Out(id)) = f.cancels {
                f.cancels = Some(Target::Out(map(id)));
            }
            f.aborts = f.aborts.map(&map);
        }
        for m in &mut self.status_flow.subs {
            m.id = map(m.id);
        }
        self.status_flow.subs.sort();
    }

    /// Updates the remembered state with one event. Call after the monitors have seen it.
    pub fn apply(&mut self, ev: &Event) {
        self.apply_event(ev);
        if self.out.len() > SETTLED_KEPT {
            self.forget_oldest_settled();
        }
    }

    /// Forgets the first settled outbound record no open call refers to, if the settled ones
    /// are more than [`SETTLED_KEPT`] (records are in first-submission order).
    fn forget_oldest_settled(&mut self) {
        let settled = |m: &OutMsg| {
            matches!(
                m.phase,
                OutPhase::Settled | OutPhase::Aborted | OutPhase::Removed
            )
        };
        if self.out.iter().filter(|m| settled(m)).count() <= SETTLED_KEPT {
            return;
        }
        let frames = &self.frames;
        let referenced = |id: MsgId| {
            frames.iter().any(|f| {
                f.out == Some(id) || f.cancels == Some(Target::Out(id)) || f.aborts == Some(id)
            })
        };
        if let Some(i) = self
            .out
            .iter()
            .position(|m| settled(m) && !referenced(m.id))
        {
            self.out.remove(i);
            self.forgotten += 1;
        }
    }

    fn apply_event(&mut self, ev: &Event) {
        // The status/flow state reads the session as the monitors saw it (before the event).
        let mut flow = std::mem::take(&mut self.status_flow);
        flow.apply(self, ev);
        self.status_flow = flow;
        self.apply_duties(ev);
        let top = self.frame(ev.thread).map(|f| f.method);
        self.apply_contract(ev);
        let (inbound, signalled) = (self.inbound, self.inb.signalled);
        self.track.apply(ev, top, inbound, signalled);
    }

    fn apply_contract(&mut self, ev: &Event) {
        let th = ev.thread;
        // Harness calls count toward the cancel bounds of the entry point running on this thread.
        if ev.body.is_harness_call() {
            if let Some(t) = self.handled_by(th) {
                self.bump_cancel(t);
            }
            if let Some(f) = self.frame_mut(th) {
                if f.yield_cancel {
                    f.after_yield_cancel = f.after_yield_cancel.saturating_add(1);
                }
            }
        }
        match ev.body {
            Body::TransportLogon { .. } => {
                self.life = Life::LoggingOn;
                self.push(th, Method::TransportLogon);
            }
            Body::TransportNotify { flags, data } => self.on_notify_call(th, flags, data),
            Body::SubmitMessage {
                flags,
                msg,
                msg_ref,
            } => {
                let rec = match self.out_mut(msg) {
                    Some(r) => r,
                    None => {
                        self.out.push(OutMsg {
                            id: msg,
                            ..OutMsg::default()
                        });
                        self.out.last_mut().expect("just pushed")
                    }
                };
                *rec = OutMsg {
                    id: msg,
                    phase: OutPhase::Submitting,
                    msg_ref,
                    resubmission: flags.contains(SubmitFlags::BEGIN_DEFERRED),
                    wait: rec.wait,
                    ..OutMsg::default()
                };
                self.push(th, Method::SubmitMessage).out = Some(msg);
            }
            Body::EndMessage { msg_ref } => {
                let id = self
                    .out
                    .iter()
                    .find(|m| m.phase == OutPhase::Accepted && m.msg_ref == msg_ref)
                    .map(|m| m.id);
                if let Some(id) = id {
                    self.out_mut(id).expect("found").phase = OutPhase::Ending;
                }
                self.push(th, Method::EndMessage).out = id;
            }
            Body::StartMessage { msg, msg_ref, .. } => {
                self.inb.poll_pending = false;
                self.inb.stale_newmail = false;
                self.inb.obj = Some(InObj {
                    msg,
                    msg_ref,
                    ..InObj::default()
                });
                self.push(th, Method::StartMessage);
            }
            Body::FlushQueues { flags } => {
                let mut req = 0;
                if flags.contains(crate::vocab::FlushFlags::FLUSH_DOWNLOAD) {
                    req |= 1 << INBOUND;
                }
                if flags.contains(crate::vocab::FlushFlags::FLUSH_UPLOAD) {
                    req |= 1 << OUTBOUND;
                }
                self.request_flush(req);
                self.push(th, Method::FlushQueues).flush_requested = req;
            }
            Body::TransportLogoff { .. } => {
                self.life = Life::LoggingOff;
                self.push(th, Method::TransportLogoff);
            }
            Body::AddressTypes => {
                if self.life == Life::AwaitAddressTypes {
                    self.life = Life::Active;
                }
                self.push(th, Method::AddressTypes);
            }
            Body::Poll
            | Body::Idle { .. }
            | Body::ValidateState { .. }
            | Body::OpenStatusEntry { .. }
            | Body::Shutdown { .. }
            | Body::ProviderInit { .. }
            | Body::RegisterOptions
            | Body::Release { .. }
            | Body::StatusValidateState { .. }
            | Body::StatusFlushQueues { .. }
            | Body::StatusSettingsDialog => {
                let m = ev.body.call_method().expect("a call");
                self.push(th, m);
            }
            Body::Return {
                hr,
                flags,
                msg_ref,
                return_parm,
                incoming,
                ..
            } => self.on_return(th, hr, flags.map(|w| w.0), msg_ref, return_parm, incoming),
            Body::SpoolerNotify {
                flags, entry_id, ..
            } => self.on_spooler_notify(th, flags, entry_id),
            Body::StoreLogoff { .. } => {}
            Body::ShowUi { .. } => {
                if let Some(f) = self.frame_mut(th) {
                    f.ui_shown = true;
                }
            }
            Body::MakeInvalid
            | Body::SupportRelease
            | Body::ServiceConfigure
            | Body::SpoolerStatusFlush { .. } => {}
            Body::SpoolerYield { result, .. } => {
                if result == HResult::MAPI_W_CANCEL_MESSAGE {
                    if let Some(f) = self.frame_mut(th) {
                        f.yield_cancel = true;
                        f.after_yield_cancel = 0;
                    }
                }
            }
            Body::ModifyStatusRow { status, .. } => self.on_row(th, status),
            Body::MsgRefWrite { value } => match self.handled_by(th) {
                Some(Target::In(_)) => {
                    if let Some(o) = self.inb.obj.as_mut() {
                        o.msg_ref = value;
                        o.ref_written = true;
                    }
                }
                Some(Target::Out(id)) => {
                    let r = self.out_mut(id).expect("handled message exists");
                    r.msg_ref = value;
                    r.ref_written = true;
                }
                None => {}
            },
            Body::MessageRead { msg, .. } => self.touch(msg, false),
            Body::MessageWrite { msg, content, .. } => {
                self.touch(msg, true);
                if let (Some(c), Some(o)) = (content, self.inb.obj.as_mut()) {
                    if o.msg == msg {
                        o.content = Some(c);
                        if o.discarded {
                            // Written after the cancel: the spooler discards it (TN-20).
                            self.mark_redeliver(c);
                        }
                    }
                }
            }
            Body::MessageRecipients { msg, .. } | Body::SetResponsibility { msg, .. } => {
                self.touch(msg, true)
            }
            Body::Transmit { msg, .. } => self.touch(msg, false),
            Body::SaveChanges { msg, .. } => {
                self.touch(msg, true);
                if let Some(o) = self.inb.obj.as_mut() {
                    if o.msg == msg {
                        o.saved = true;
                        if !o.discarded {
                            if let Some(c) = o.content {
                                self.inb.held.retain(|h| h.content != c);
                            }
                        }
                    }
                }
            }
            Body::StatusRecips { .. } | Body::MessageRelease { .. } => {}
            Body::MailArrived { content } => {
                self.inb.tracking = true;
                self.inb.held.push(Held {
                    content,
                    redeliver: false,
                });
            }
            Body::TimePasses { secs } => {
                for m in &mut self.out {
                    m.wait = m.wait.saturating_sub(secs);
                }
            }
            Body::AbortSubmit { msg, hr, .. } => {
                if hr == HResult::S_OK {
                    match self.out_mut(msg) {
                        Some(r) => r.phase = OutPhase::Removed,
                        None => self.out.push(OutMsg {
                            id: msg,
                            phase: OutPhase::Removed,
                            ..OutMsg::default()
                        }),
                    }
                }
            }
        }
    }

    fn push(&mut self, thread: Thread, method: Method) -> &mut Frame {
        self.frames.push(Frame {
            thread,
            method,
            out: None,
            notify: TransportNotifyFlags::empty(),
            cancels: None,
            aborts: None,
            modified_row: false,
            yield_cancel: false,
            after_yield_cancel: 0,
            critical: false,
            flush_requested: 0,
            ui_shown: false,
            invalidated: self.track.invalid,
        });
        self.frames.last_mut().expect("just pushed")
    }

    fn bump_cancel(&mut self, t: Target) {
        if let Some(Cancel::Returned(n)) = self.cancel_mut(t) {
            *n = n.saturating_add(1);
        }
    }

    fn mark_redeliver(&mut self, content: u32) {
        for h in &mut self.inb.held {
            if h.content == content {
                h.redeliver = true;
            }
        }
    }

    fn cancel_mut(&mut self, t: Target) -> Option<&mut Cancel> {
        match t {
            Target::In(m) => self
                .inb
                .obj
                .as_mut()
                .filter(|o| o.msg == m)
                .map(|o| &mut o.cancel),
            Target::Out(id) => self.out_mut(id).map(|m| &mut m.cancel),
        }
    }

    fn touch(&mut self, msg: MsgId, modifies: bool) {
        if let Some(o) = self.inb.obj.as_mut() {
            if o.msg == msg {
                o.touched = true;
                return;
            }
        }
        if let Some(r) = self.out_mut(msg) {
            if r.in_flight() {
                r.touched = true;
                r.modified |= modifies;
            }
        }
    }

    fn request_flush(&mut self, dirs: u8) {
        for d in 0..2 {
            if dirs & (1 << d) != 0 && !self.flush[d].in_cycle() {
                self.flush[d] = Flush {
                    state: FlushState::Requested,
                    was_set: false,
                };
            }
        }
    }

    fn on_notify_call(
        &mut self,
        th: Thread,
        flags: TransportNotifyFlags,
        data: Option<NotifyData>,
    ) {
        type F = TransportNotifyFlags;
        let mut cancels = None;
        if flags.contains(F::NOTIFY_CANCEL_MESSAGE) && !flags.contains(F::NOTIFY_ABORT_DEFERRED) {
            if let Some(NotifyData::MsgRef(r)) = data {
                cancels = self.cancel_target(r);
                if let Some(c) = cancels.and_then(|t| self.cancel_mut(t)) {
                    *c = Cancel::Pending;
                }
            }
        }
        // An abort takes effect when TransportNotify returns (like a cancel): a SENTDEFERRED
        // racing the notification is not "after" it (DEF-7).
        let aborts = match data {
            Some(NotifyData::EntryId(id)) if flags.contains(F::NOTIFY_ABORT_DEFERRED) => Some(id),
            _ => None,
        };
        if flags.contains(F::NOTIFY_BEGIN_INBOUND) {
            self.inbound = true;
            self.inbound_ended = false;
            if self.inb.stale_newmail {
                self.inb.stale_newmail = false;
            }
        }
        if flags.contains(F::NOTIFY_END_INBOUND) {
            self.inbound = false;
            self.inbound_ended = true;
        }
        if flags.contains(F::NOTIFY_BEGIN_OUTBOUND) {
            self.outbound = true;
            self.outbound_ended = false;
        }
        if flags.contains(F::NOTIFY_END_OUTBOUND) {
            self.outbound = false;
            self.outbound_ended = true;
            for m in &mut self.out {
                if m.in_flight() {
                    m.end_outbound_seen = true;
                }
            }
        }
        let mut req = 0;
        if flags.contains(F::NOTIFY_BEGIN_INBOUND_FLUSH) {
            req |= 1 << INBOUND;
        }
        if flags.contains(F::NOTIFY_BEGIN_OUTBOUND_FLUSH) {
            req |= 1 << OUTBOUND;
        }
        self.request_flush(req);
        for (d, end) in [
            (INBOUND, F::NOTIFY_END_INBOUND_FLUSH),
            (OUTBOUND, F::NOTIFY_END_OUTBOUND_FLUSH),
        ] {
            if flags.contains(end) {
                let bit = flush_bit(d);
                let set = self.row.is_some_and(|r| r.contains(bit));
                self.flush[d].state = if set {
                    FlushState::Ending
                } else {
                    FlushState::Off
                };
            }
        }
        let f = self.push(th, Method::TransportNotify);
        f.notify = flags;
        f.cancels = cancels;
        f.aborts = aborts;
        f.flush_requested = req;
    }

    #[allow(clippy::too_many_arguments)]
    fn on_return(
        &mut self,
        th: Thread,
        hr: HResult,
        flags: Option<u32>,
        msg_ref: Option<u32>,
        return_parm: Option<u32>,
        incoming: Option<u32>,
    ) {
        let Some(pos) = self.frames.iter().rposition(|f| f.thread == th) else {
            return;
        };
        // The return matches the innermost open call on its thread (checked by `observe`).
        let frame = self.frames.remove(pos);
        match frame.method {
            Method::TransportLogon => {
                if hr.is_success() {
                    self.caps = LogonFlags::from_raw(flags.unwrap_or(0)) & LogonFlags::OUTPUT;
                    self.life = Life::AwaitAddressTypes;
                    // Without LOGON_NO_* the directions start enabled (SPEC §5.1, inferred).
                } else {
                    self.life = Life::Gone;
                }
            }
            Method::TransportNotify => {
                if let Some(r) = frame.aborts.and_then(|id| self.out_mut(id)) {
                    if matches!(r.phase, OutPhase::Deferred | OutPhase::Resubmit) {
                        r.phase = OutPhase::Aborted;
                    }
                }
                // A cancel takes effect when TransportNotify returns, and only on the message
                // it named (a later message reusing the msg-ref is not affected, EM-3).
                if let Some(t) = frame.cancels {
                    if let Some(c) = self.cancel_mut(t) {
                        if *c == Cancel::Pending {
                            *c = Cancel::Returned(0);
                            if let Target::In(_) = t {
                                let o = self.inb.obj.as_mut().expect("cancel target exists");
                                if !o.saved {
                                    o.discarded = true;
                                    if let Some(content) = o.content {
                                        self.mark_redeliver(content);
                                    }
                                }
                            }
                        }
                    }
                }
            }
            Method::SubmitMessage => {
                if let Some(id) = frame.out {
                    let r = self.out_mut(id).expect("submitted");
                    if let Some(v) = msg_ref {
                        r.msg_ref = v;
                    }
                    r.last_hr = hr;
                    if hr.is_success() {
                        // Any success code is an acceptance; SUB-5 flags codes other than S_OK.
                        r.phase = OutPhase::Accepted;
                    } else {
                        r.phase = OutPhase::Settled;
                        r.ended = Ended::Error;
                        r.cancel = Cancel::None;
                        if hr == HResult::MAPI_E_WAIT || hr == HResult::MAPI_E_NETWORK_ERROR {
                            r.wait = return_parm.unwrap_or(0);
                        }
                    }
                }
            }
            Method::EndMessage => {
                if let Some(id) = frame.out {
                    let r = self.out_mut(id).expect("ending");
                    let f = EndMessageFlags::from_raw(flags.unwrap_or(0));
                    r.phase = if f.contains(EndMessageFlags::END_DONT_RESEND) {
                        OutPhase::Deferred
                    } else {
                        OutPhase::Settled
                    };
                    r.ended = Ended::EndMessage;
                    r.cancel = Cancel::None;
                }
            }
            Method::StartMessage => {
                if let Some(o) = self.inb.obj.take() {
                    // Cancelled if a cancel was delivered (even if its TransportNotify has not
                    // returned yet) or SpoolerYield said MAPI_W_CANCEL_MESSAGE.
                    let cancelled = o.cancel != Cancel::None || frame.yield_cancel;
                    if cancelled && !o.saved {
                        // The spooler discards the partial message; the provider owes it (TN-20).
                        if let Some(c) = o.content {
                            self.mark_redeliver(c);
                        }
                    }
                    if !o.saved && !cancelled && hr.is_success() {
                        // "No message": the spooler stops until the next signal (SM-10, AMB-15).
                        self.inb.signalled = false;
                    }
                    if o.saved && !o.discarded && hr.is_success() {
                        self.inb.signalled = true;
                    }
                    self.inb.dead = [Some(o.msg), self.inb.dead[0]];
                }
            }
            Method::Poll => {
                let n = incoming.unwrap_or(0);
                self.inb.poll_pending = n != 0;
                if n != 0 {
                    self.inb.signalled = true;
                    self.inb.stale_newmail = false;
                }
            }
            Method::TransportLogoff => self.life = Life::Gone,
            _ => {}
        }
    }

    fn on_spooler_notify(
        &mut self,
        th: Thread,
        flags: SpoolerNotifyFlags,
        entry_id: Option<crate::event::MsgId>,
    ) {
        type S = SpoolerNotifyFlags;
        if flags.contains(S::NOTIFY_CRITICAL_ERROR) {
            if matches!(
                self.life,
                Life::Active | Life::AwaitAddressTypes | Life::LoggingOn
            ) {
                self.life = Life::Critical;
            }
            if let Some(f) = self.frame_mut(th) {
                f.critical = true;
            }
        }
        if flags.contains(S::NOTIFY_CRITSEC) {
            self.critsec = true;
        }
        if flags.contains(S::NOTIFY_NONCRIT) {
            self.critsec = false;
        }
        if flags.contains(S::NOTIFY_NEWMAIL) {
            self.inb.newmail_seen = true;
            if self.inbound {
                self.inb.signalled = true;
                self.inb.stale_newmail = false;
            } else if !self.inb.signalled {
                self.inb.stale_newmail = true;
            }
        }
        if flags.contains(S::NOTIFY_SENTDEFERRED) {
            if let Some(id) = entry_id {
                if let Some(r) = self.out_mut(id) {
                    if r.phase == OutPhase::Deferred {
                        r.phase = OutPhase::Resubmit;
                    }
                }
            }
        }
    }

    fn on_row(&mut self, th: Thread, status: StatusCode) {
        self.row = Some(status);
        if let Some(f) = self.frame_mut(th) {
            f.modified_row = true;
        }
        for d in 0..2 {
            let set = status.contains(flush_bit(d));
            let fl = &mut self.flush[d];
            match (fl.state, set) {
                (FlushState::Off | FlushState::Requested, true) => {
                    fl.state = FlushState::On;
                    fl.was_set = true;
                }
                (FlushState::On | FlushState::Ending, false) => fl.state = FlushState::Off,
                _ => {}
            }
        }
    }
}

/// The PR_STATUS_CODE flush bit of a direction.
pub fn flush_bit(dir: usize) -> StatusCode {
    if dir == INBOUND {
        StatusCode::STATUS_INBOUND_FLUSH
    } else {
        StatusCode::STATUS_OUTBOUND_FLUSH
    }
}

#[cfg(test)]
mod forget_tests {
    use super::*;
    use crate::event::Word;

    fn send(s: &mut Session, seq: &mut u64, id: u32, end_flags: u32) {
        let mut ev = |thread, body| {
            s.apply(&Event::new(*seq, thread, body));
            *seq += 1;
        };
        let sp = Thread::Spooler;
        ev(
            sp,
            Body::SubmitMessage {
                flags: SubmitFlags::empty(),
                msg: MsgId(id),
                msg_ref: 0,
            },
        );
        ev(sp, Body::MsgRefWrite { value: 7 });
        ev(
            sp,
            Body::Return {
                method: Method::SubmitMessage,
                hr: HResult::S_OK,
                flags: None,
                msg_ref: Some(7),
                return_parm: None,
                incoming: None,
            },
        );
        ev(sp, Body::EndMessage { msg_ref: 7 });
        ev(
            sp,
            Body::Return {
                method: Method::EndMessage,
                hr: HResult::S_OK,
                flags: Some(Word(end_flags)),
                msg_ref: None,
                return_parm: None,
                incoming: None,
            },
        );
    }

    #[test]
    fn only_settled_records_beyond_the_last_kept_are_forgotten() {
        let mut s = Session::default();
        let mut seq = 0;
        // msg1 is deferred (the provider holds it, DEF-4): never forgotten.
        send(&mut s, &mut seq, 1, EndMessageFlags::END_DONT_RESEND.bits());
        for id in 2..=100 {
            send(&mut s, &mut seq, id, 0);
        }
        assert_eq!(s.forgotten, 100 - 1 - SETTLED_KEPT as u64);
        assert_eq!(s.out(MsgId(1)).map(|m| m.phase), Some(OutPhase::Deferred));
        assert!(
            s.out(MsgId(2)).is_none(),
            "the oldest settled one is forgotten"
        );
        assert!(
            s.out(MsgId(100)).is_some(),
            "the newest settled ones are kept"
        );
        assert_eq!(s.out.len(), SETTLED_KEPT + 1);
    }

    #[test]
    fn a_short_logon_forgets_nothing() {
        let mut s = Session::default();
        let mut seq = 0;
        for id in 1..=SETTLED_KEPT as u32 {
            send(&mut s, &mut seq, id, 0);
        }
        assert_eq!(s.forgotten, 0);
        assert_eq!(s.out.len(), SETTLED_KEPT);
    }
}
