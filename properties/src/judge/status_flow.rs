//! What the status-object and message-flow rules remember about one logon: the open
//! `ValidateState` / `IMAPIStatus` calls and what happened during them (VS-2, VS-7..VS-12,
//! FQ-15..FQ-17, STAT-11), the row's advertised status methods (STAT-11, FQ-16), the pacing of
//! NOTIFY_NEWMAIL (FLOW-4), each outbound submission's responsibility and reports (FLOW-10,
//! FLOW-11), the inbound message's class (FLOW-14) and a store's wind-down (FLOW-15).
//!
//! Small and fixed-size like the rest of [`Session`]: the open calls are bounded by the threads,
//! the submissions by the messages in flight or deferred.

use super::copy_vec::CopyVec;
use super::session::Session;
use crate::event::{Body, Event, Method, MsgId, NotifyData, Thread};
use crate::vocab::{
    EndMessageFlags, FlagWord, FlushFlags, ResourceMethods, RowColumns, SpoolerNotifyFlags,
    StatusCode, StoreLogoffFlags, TransportNotifyFlags, ValidateStateFlags,
};

/// An open call on the provider's status path: `IXPLogon::ValidateState` (VS-1: it behaves as
/// the status object's) or an `IMAPIStatus` method of the object `OpenStatusEntry` returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusCall {
    /// The thread it runs on.
    pub thread: Thread,
    /// ValidateState, StatusValidateState, StatusFlushQueues or StatusSettingsDialog.
    pub method: Method,
    /// The ValidateState flags (empty for the other methods).
    pub vs_flags: ValidateStateFlags,
    /// The FlushQueues flags (empty for the other methods).
    pub fq_flags: FlushFlags,
    /// The row at entry, OR-ed with every PR_STATUS_CODE written on this thread during the call
    /// (FQ-17).
    pub row_bits: StatusCode,
    /// SpoolerNotify(NOTIFY_CONFIG_CHANGE) was called during the call (VS-11).
    pub config_notified: bool,
    /// The provider showed a dialog on this thread during the call (VS-10, VS-12).
    pub ui_shown: bool,
    /// PR_REMOTE_VALIDATE_OK as last written during the call (VS-8, VS-10).
    pub remote_validate_ok: Option<bool>,
    /// PR_STATUS_STRING was written during the call (VS-8, VS-10).
    pub status_string: bool,
}

impl StatusCall {
    /// A ValidateState of either path (VS-1: the rules of the status object's apply to both).
    pub fn is_validate(&self) -> bool {
        matches!(
            self.method,
            Method::ValidateState | Method::StatusValidateState
        )
    }
}

/// One outbound submission, from SubmitMessage until EndMessage settles it (or, deferred, until
/// the next submission of the message or its abort) (FLOW-10, FLOW-11).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Submission {
    /// Entry id.
    pub id: MsgId,
    /// The content went to the messaging system (`transmit`) in this submission.
    pub transmitted: bool,
    /// PR_RESPONSIBILITY was set in this submission.
    pub responsible: bool,
    /// StatusRecips calls for the message in this submission.
    pub reports: u8,
}

/// A store's logoff and what it still forbids (FLOW-15).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WindDown {
    /// The StoreLogoffTransports flags.
    pub flags: StoreLogoffFlags,
    /// Reception is being wound down (until a new NOTIFY_BEGIN_INBOUND).
    pub inbound: bool,
    /// Sending is being wound down (until a new NOTIFY_BEGIN_OUTBOUND).
    pub outbound: bool,
}

/// The status-object and flow state of one logon (one field of [`Session`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusFlow {
    /// Open status-path calls, in call order.
    pub calls: CopyVec<StatusCall, 2>,
    /// PR_RESOURCE_METHODS as last written; `None` while no ModifyStatusRow recorded it
    /// (STAT-11, FQ-16 are then not judged).
    pub methods: Option<ResourceMethods>,
    /// Some ModifyStatusRow recorded its columns: the trace records them (VS-8, VS-10).
    pub columns_recorded: bool,
    /// IXPLogon::ValidateState(CONFIG_CHANGED) returned S_OK: the spooler's next main-thread call
    /// is AddressTypes (VS-2).
    pub addr_types_due: bool,
    /// A NOTIFY_NEWMAIL sent while inbound was enabled still waits for its StartMessage
    /// (FLOW-4).
    pub newmail_pending: bool,
    /// Outbound submissions (FLOW-10, FLOW-11).
    pub subs: CopyVec<Submission, 2>,
    /// Some MessageWrite recorded whether PR_MESSAGE_CLASS was written (FLOW-14).
    pub class_recorded: bool,
    /// PR_MESSAGE_CLASS was written on the running StartMessage's message (FLOW-14).
    pub class_written: bool,
    /// The store logged off (FLOW-15).
    pub store_logoff: Option<WindDown>,
}

/// STAT-4 read together with VS-8: an offline row (`STATUS_OFFLINE`) may show an enabled
/// direction's `STATUS_*_ENABLED` bit clear — VS-8 clears `STATUS_INBOUND_ENABLED` when a header
/// operation is aborted while the spooler has not ended inbound, and an offline transport cannot
/// receive or send anyway. A bit set for a disabled direction is never exempt.
pub fn enabled_bit_ok(row: StatusCode, bit: StatusCode, enabled: bool) -> bool {
    let shown = row.contains(bit);
    shown == enabled || (enabled && row.contains(StatusCode::STATUS_OFFLINE))
}

/// A message operation that transfers data (VS-7, FQ-15): reads, writes, recipients,
/// responsibility, SaveChanges, transmission, reports.
pub fn is_transfer(body: &Body) -> bool {
    matches!(
        body,
        Body::MessageRead { .. }
            | Body::MessageWrite { .. }
            | Body::MessageRecipients { .. }
            | Body::SetResponsibility { .. }
            | Body::Transmit { .. }
            | Body::SaveChanges { .. }
            | Body::StatusRecips { .. }
    )
}

impl StatusFlow {
    /// The status-path call the innermost open call on `thread` is, if it is one.
    pub fn call_on(&self, s: &Session, thread: Thread) -> Option<&StatusCall> {
        let f = s.frame(thread)?;
        self.calls
            .iter()
            .rev()
            .find(|c| c.thread == thread && c.method == f.method)
    }

    /// The submission record of an outbound message.
    pub fn sub(&self, id: MsgId) -> Option<&Submission> {
        self.subs.iter().find(|m| m.id == id)
    }

    fn sub_mut(&mut self, id: MsgId) -> Option<&mut Submission> {
        self.subs.iter_mut().find(|m| m.id == id)
    }

    /// Updates the state with one event; `s` is the session *before* the event (as the
    /// monitors saw it).
    pub fn apply(&mut self, s: &Session, ev: &Event) {
        let th = ev.thread;
        if th == Thread::Spooler && ev.body.call_method().is_some() {
            // The next main-thread call was judged against VS-2 (or SPN-7 in Critical).
            self.addr_types_due = false;
        }
        match ev.body {
            Body::ValidateState { flags } | Body::StatusValidateState { flags } => {
                let method = ev.body.call_method().expect("a call");
                self.open(s, th, method, flags, FlushFlags::empty());
            }
            Body::StatusFlushQueues { flags, .. } => {
                self.open(
                    s,
                    th,
                    Method::StatusFlushQueues,
                    ValidateStateFlags::empty(),
                    flags,
                );
            }
            Body::StatusSettingsDialog => self.open(
                s,
                th,
                Method::StatusSettingsDialog,
                ValidateStateFlags::empty(),
                FlushFlags::empty(),
            ),
            Body::Return {
                method, hr, flags, ..
            } => {
                let Some(frame) = s.frame(th) else { return };
                match method {
                    Method::ValidateState
                    | Method::StatusValidateState
                    | Method::StatusFlushQueues
                    | Method::StatusSettingsDialog => {
                        if let Some(i) = self
                            .calls
                            .iter()
                            .rposition(|c| c.thread == th && c.method == method)
                        {
                            let c = self.calls.remove(i);
                            if method == Method::ValidateState
                                && hr == crate::vocab::HResult::S_OK
                                && c.vs_flags.contains(ValidateStateFlags::CONFIG_CHANGED)
                            {
                                self.addr_types_due = true;
                            }
                        }
                    }
                    Method::SubmitMessage if hr.is_failure() => {
                        if let Some(id) = frame.out {
                            self.subs.retain(|m| m.id != id);
                        }
                    }
                    Method::EndMessage => {
                        let f = EndMessageFlags::from_raw(flags.map(|w| w.0).unwrap_or(0));
                        if let Some(id) = frame.out {
                            if !f.contains(EndMessageFlags::END_DONT_RESEND) {
                                self.subs.retain(|m| m.id != id);
                            }
                        }
                    }
                    _ => {}
                }
            }
            Body::ModifyStatusRow {
                status,
                columns,
                resource_methods,
                remote_validate_ok,
                ..
            } => {
                if let Some(m) = resource_methods {
                    self.methods = Some(ResourceMethods::from_raw(m.0));
                }
                self.columns_recorded |= columns.is_some();
                for c in self.calls.iter_mut().filter(|c| c.thread == th) {
                    c.row_bits |= status;
                    if remote_validate_ok.is_some() {
                        c.remote_validate_ok = remote_validate_ok;
                    }
                    if columns.is_some_and(|k| k.contains(RowColumns::PR_STATUS_STRING)) {
                        c.status_string = true;
                    }
                }
            }
            Body::SpoolerNotify { flags, .. } => {
                if flags.contains(SpoolerNotifyFlags::NOTIFY_CONFIG_CHANGE) {
                    for c in self.calls.iter_mut().filter(|c| c.is_validate()) {
                        c.config_notified = true;
                    }
                }
                if flags.contains(SpoolerNotifyFlags::NOTIFY_NEWMAIL) && s.inbound {
                    self.newmail_pending = true;
                }
            }
            Body::ShowUi { .. } => {
                for c in self.calls.iter_mut().filter(|c| c.thread == th) {
                    c.ui_shown = true;
                }
            }
            Body::TransportNotify { flags, data } => {
                type F = TransportNotifyFlags;
                if flags.contains(F::NOTIFY_END_INBOUND) {
                    // The spooler drops a pending NEWMAIL when inbound ends (AMB-23).
                    self.newmail_pending = false;
                }
                if let Some(w) = self.store_logoff.as_mut() {
                    // A new BEGIN after the wind-down opens a new store session.
                    if flags.contains(F::NOTIFY_BEGIN_INBOUND) {
                        w.inbound = false;
                    }
                    if flags.contains(F::NOTIFY_BEGIN_OUTBOUND) {
                        w.outbound = false;
                    }
                }
                if let (true, Some(NotifyData::EntryId(id))) =
                    (flags.contains(F::NOTIFY_ABORT_DEFERRED), data)
                {
                    self.subs.retain(|m| m.id != id);
                }
            }
            Body::SubmitMessage { msg, .. } => {
                self.subs.retain(|m| m.id != msg);
                self.subs.push(Submission {
                    id: msg,
                    ..Submission::default()
                });
            }
            Body::StartMessage { .. } => {
                self.newmail_pending = false;
                self.class_written = false;
            }
            Body::Transmit { msg, .. } => {
                if let Some(m) = self.sub_mut(msg) {
                    m.transmitted = true;
                }
            }
            Body::SetResponsibility { msg, .. } => {
                if let Some(m) = self.sub_mut(msg) {
                    m.responsible = true;
                }
            }
            Body::StatusRecips { msg, .. } => {
                if let Some(m) = self.sub_mut(msg) {
                    m.reports = m.reports.saturating_add(1);
                }
            }
            Body::MessageWrite {
                msg,
                message_class: Some(written),
                ..
            } if s.inb.obj.is_some_and(|o| o.msg == msg) => {
                self.class_recorded = true;
                self.class_written |= written;
            }
            Body::StoreLogoff { flags } => {
                self.store_logoff = Some(WindDown {
                    flags,
                    inbound: true,
                    outbound: true,
                });
            }
            _ => {}
        }
    }

    fn open(
        &mut self,
        s: &Session,
        thread: Thread,
        method: Method,
        vs_flags: ValidateStateFlags,
        fq_flags: FlushFlags,
    ) {
        self.calls.push(StatusCall {
            thread,
            method,
            vs_flags,
            fq_flags,
            row_bits: s.row.unwrap_or_default(),
            config_notified: false,
            ui_shown: false,
            remote_validate_ok: None,
            status_string: false,
        });
    }
}
