//! Harness-owned objects the provider calls back into: the support object (`IMAPISupport`), the
//! message objects (`IMessage`) and the msg-ref out-parameter. Every call is recorded as an
//! event, judged, and may be followed — inside the call, before it returns to the provider — by
//! a TransportNotify the simulated spooler injects (the re-entrant window-procedure case).

use std::sync::Arc;

use xpcheck_properties::event::{Body, MsgId, Word};
use xpcheck_properties::vocab::{
    FlagWord, HResult, ResourceMethods, RowColumns, SpoolerNotifyFlags, StatusCode, StatusRowFlags,
};

use crate::harness::Harness;

/// `IMAPISupport` as given to TransportLogon: one per logon object.
#[derive(Clone)]
pub struct Support {
    pub(crate) h: Arc<Harness>,
    /// The logon index the support object was made for (`Event::logon` of its callbacks).
    pub(crate) logon: u8,
}

/// The columns of one `ModifyStatusRow` call (STAT-1, STAT-7): PR_STATUS_CODE always, the
/// others when given. The harness records which columns were passed, so the monitors judge the
/// new row's required columns (STAT-7), the methods the status object must answer (STAT-11,
/// FQ-16) and what ValidateState writes (VS-8, VS-10).
///
/// ```
/// # use xpcheck_sim::api::StatusRow;
/// # use xpcheck_properties::vocab::{ResourceMethods, StatusCode};
/// let row = StatusRow::new(StatusCode::STATUS_AVAILABLE)
///     .display_name("Loopback")
///     .resource_methods(ResourceMethods::STATUS_VALIDATE_STATE);
/// # let _ = row;
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatusRow {
    /// PR_STATUS_CODE (STAT-3).
    pub status: StatusCode,
    /// PR_DISPLAY_NAME (STAT-7: required in a new row).
    pub display_name: Option<&'static str>,
    /// PR_RESOURCE_METHODS: the IMAPIStatus methods the status object supports (STAT-7:
    /// required in a new row; STAT-11, FQ-16: exactly those answer other than NO_SUPPORT).
    pub resource_methods: Option<ResourceMethods>,
    /// PR_STATUS_STRING (VS-8, VS-10: written by ValidateState's header-cache flags).
    pub status_string: Option<&'static str>,
    /// PR_REMOTE_VALIDATE_OK (VS-8: TRUE after ABORT_XP_HEADER_OPERATION; VS-10: FALSE after
    /// REFRESH_XP_HEADER_CACHE / PROCESS_XP_HEADER_CACHE).
    pub remote_validate_ok: Option<bool>,
}

impl StatusRow {
    /// A row update passing PR_STATUS_CODE only.
    pub const fn new(status: StatusCode) -> StatusRow {
        StatusRow {
            status,
            display_name: None,
            resource_methods: None,
            status_string: None,
            remote_validate_ok: None,
        }
    }

    /// With PR_DISPLAY_NAME.
    pub const fn display_name(mut self, name: &'static str) -> StatusRow {
        self.display_name = Some(name);
        self
    }

    /// With PR_RESOURCE_METHODS.
    pub const fn resource_methods(mut self, methods: ResourceMethods) -> StatusRow {
        self.resource_methods = Some(methods);
        self
    }

    /// With PR_STATUS_STRING.
    pub const fn status_string(mut self, text: &'static str) -> StatusRow {
        self.status_string = Some(text);
        self
    }

    /// With PR_REMOTE_VALIDATE_OK.
    pub const fn remote_validate_ok(mut self, ok: bool) -> StatusRow {
        self.remote_validate_ok = Some(ok);
        self
    }

    /// The columns passed, as recorded in the trace.
    pub fn columns(&self) -> RowColumns {
        let mut c = RowColumns::PR_STATUS_CODE;
        c.set(RowColumns::PR_DISPLAY_NAME, self.display_name.is_some());
        c.set(
            RowColumns::PR_RESOURCE_METHODS,
            self.resource_methods.is_some(),
        );
        c.set(RowColumns::PR_STATUS_STRING, self.status_string.is_some());
        c.set(
            RowColumns::PR_REMOTE_VALIDATE_OK,
            self.remote_validate_ok.is_some(),
        );
        c
    }
}

impl Support {
    pub(crate) fn new(h: Arc<Harness>, logon: u8) -> Support {
        Support { h, logon }
    }

    /// The logon index this support object belongs to (0 for the first logon; the `logon` of
    /// its callbacks' events). A bridge to a provider outside Rust keys its objects by it.
    pub fn logon_index(&self) -> u8 {
        self.logon
    }

    /// `SpoolerNotify(ulFlags, lpvData)` (SPN-1..SPN-13); `entry_id` for NOTIFY_SENTDEFERRED.
    pub fn spooler_notify(&self, flags: SpoolerNotifyFlags, entry_id: Option<MsgId>) -> HResult {
        self.h
            .callback(self.logon, Body::spooler_notify(flags, entry_id));
        HResult::S_OK
    }

    /// `SpoolerYield(0)`: S_OK or MAPI_W_CANCEL_MESSAGE (YLD-3, YLD-4).
    pub fn spooler_yield(&self) -> HResult {
        self.h.spooler_yield(self.logon, 0)
    }

    /// `SpoolerYield(ulFlags)` with a raw flag word, as a C provider may pass it; `ulFlags` is
    /// reserved and 0 (YLD-1), so this exists only to calibrate the harness.
    #[doc(hidden)]
    pub fn spooler_yield_with_flags(&self, flags: u32) -> HResult {
        self.h.spooler_yield(self.logon, flags)
    }

    /// `ModifyStatusRow` passing PR_STATUS_CODE only, the row's whole new status code
    /// (STAT-1..STAT-4): an update. A row created this way lacks PR_DISPLAY_NAME and
    /// PR_RESOURCE_METHODS (STAT-7): create it with [`Support::modify_status_row_with`].
    pub fn modify_status_row(&self, flags: StatusRowFlags, status: StatusCode) -> HResult {
        self.modify_status_row_with(flags, StatusRow::new(status))
    }

    /// `ModifyStatusRow(cValues, lpColumnVals, ulFlags)` with the columns of `row` (STAT-1,
    /// STAT-7; flags 0 creates the row, STATUSROW_UPDATE merges the columns passed).
    pub fn modify_status_row_with(&self, flags: StatusRowFlags, row: StatusRow) -> HResult {
        self.h.callback(
            self.logon,
            Body::ModifyStatusRow {
                flags,
                status: row.status,
                columns: Some(row.columns()),
                resource_methods: row.resource_methods.map(|m| Word(m.raw())),
                remote_validate_ok: row.remote_validate_ok,
                result: HResult::S_OK,
            },
        );
        HResult::S_OK
    }

    /// `IMAPISupport::MakeInvalid` on the logon object: from now on every call on it answers
    /// MAPI_E_INVALID_OBJECT (LIFE-36). Inside TransportLogoff, before the support object is
    /// released (LIFE-30).
    pub fn make_invalid(&self) -> HResult {
        self.h.callback(self.logon, Body::MakeInvalid);
        HResult::S_OK
    }

    /// Releases the support object: the last thing TransportLogoff does (LIFE-30); no support
    /// call may follow. A provider that never calls it keeps the support object until its logon
    /// object is released.
    pub fn release(&self) {
        self.h.callback(self.logon, Body::SupportRelease);
    }

    /// The message object `id` as a provider that kept it would hold it: for restoring a
    /// provider snapshot in the exhaustive explorer ([`crate::explore`]). Touching it after
    /// StartMessage returned is still SM-3's violation.
    pub fn reopen_message(&self, id: MsgId) -> Message {
        Message {
            h: self.h.clone(),
            logon: self.logon,
            id,
            address_type: "LOOP",
            nontransmittable: false,
            taken: false,
        }
    }

    /// `StatusRecips` for a message (FLOW-10/11).
    pub fn status_recips(&self, msg: &Message) -> HResult {
        self.h.callback(
            self.logon,
            Body::StatusRecips {
                msg: msg.id,
                result: HResult::S_OK,
            },
        );
        HResult::S_OK
    }
}

/// What a `SetProps` call writes (abstracted to what the monitors judge).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Props {
    /// Which wire message's data this is (TN-20).
    pub content: Option<u32>,
    /// Nontransmittable properties included (SM-8).
    pub nontransmittable: bool,
    /// PR_ENTRYID included (SM-9).
    pub entry_id: bool,
    /// PR_MESSAGE_CLASS included (FLOW-14: an inbound message gets its class, `IPM.Note` when
    /// the received one is empty).
    pub message_class: bool,
}

/// A message object the spooler hands to SubmitMessage or StartMessage.
#[derive(Clone)]
pub struct Message {
    pub(crate) h: Arc<Harness>,
    pub(crate) logon: u8,
    pub(crate) id: MsgId,
    pub(crate) address_type: &'static str,
    /// Outbound: the message carries nontransmittable properties (SUB-11).
    pub(crate) nontransmittable: bool,
    /// Outbound: some recipient's PR_RESPONSIBILITY is already TRUE (SUB-12).
    pub(crate) taken: bool,
}

impl Message {
    /// The entry id (outbound) or object identity (inbound).
    pub fn id(&self) -> MsgId {
        self.id
    }

    /// The recipients' PR_ADDRTYPE (LIFE-24): a provider answers MAPI_E_NOT_ME, before any
    /// transfer, for an address type it does not handle (SUB-5).
    pub fn address_type(&self) -> &'static str {
        self.address_type
    }

    /// Outbound: the message carries nontransmittable properties, which are never transmitted
    /// (SUB-11).
    pub fn has_nontransmittable_props(&self) -> bool {
        self.nontransmittable
    }

    /// Outbound: some recipients already have PR_RESPONSIBILITY TRUE — another transport took
    /// them; this provider must not serve them (SUB-12).
    pub fn recipients_taken(&self) -> bool {
        self.taken
    }

    /// Hands the message's content to the messaging system (`wire`): with its nontransmittable
    /// properties or not (SUB-11), to the recipients already taken or not (SUB-12). Recorded as
    /// a `transmit` event; a transfer step for TN-17.
    pub fn transmit(
        &self,
        wire: &crate::wire::Wire,
        with_nontransmittable: bool,
        to_taken_recipients: bool,
    ) -> HResult {
        let nontransmittable = with_nontransmittable && self.nontransmittable;
        self.h.callback(
            self.logon,
            Body::Transmit {
                msg: self.id,
                nontransmittable,
                taken: to_taken_recipients && self.taken,
                had_nontransmittable: self.nontransmittable,
                had_taken: self.taken,
                result: HResult::S_OK,
            },
        );
        wire.send(crate::wire::WireMessage {
            content: self.id.0,
            nontransmittable,
        });
        HResult::S_OK
    }

    /// Read message data (the outbound transfer, SUB-4).
    pub fn read(&self) -> HResult {
        self.h.callback(
            self.logon,
            Body::MessageRead {
                msg: self.id,
                result: HResult::S_OK,
            },
        );
        HResult::S_OK
    }

    /// `SetProps` (SM-8, SM-9).
    pub fn set_props(&self, p: Props) -> HResult {
        self.h.callback(
            self.logon,
            Body::MessageWrite {
                msg: self.id,
                content: p.content,
                nontransmittable: p.nontransmittable,
                entry_id: p.entry_id,
                message_class: Some(p.message_class),
                result: HResult::S_OK,
            },
        );
        HResult::S_OK
    }

    /// `ModifyRecipients`; `complete`: every recipient has its addressing properties (SM-7).
    pub fn modify_recipients(&self, complete: bool) -> HResult {
        self.h.callback(
            self.logon,
            Body::MessageRecipients {
                msg: self.id,
                complete,
                result: HResult::S_OK,
            },
        );
        HResult::S_OK
    }

    /// Set PR_RESPONSIBILITY TRUE on the recipients handled (SUB-12).
    pub fn set_responsibility(&self) -> HResult {
        self.h.callback(
            self.logon,
            Body::SetResponsibility {
                msg: self.id,
                result: HResult::S_OK,
            },
        );
        HResult::S_OK
    }

    /// `SaveChanges` (SM-10).
    pub fn save_changes(&self) -> HResult {
        self.h.callback(
            self.logon,
            Body::SaveChanges {
                msg: self.id,
                result: HResult::S_OK,
            },
        );
        HResult::S_OK
    }

    /// `Release` (SM-11: never on StartMessage's lpMessage).
    pub fn release(&self) {
        self.h
            .callback(self.logon, Body::MessageRelease { msg: self.id });
    }
}

/// `*lpulMsgRef`: the spooler presets it and can read it at any time (SUB-3, SM-4, TN-21) — under
/// loom from the notify thread, racing the provider's write. A clone is the same cell.
#[derive(Clone)]
pub struct MsgRefOut {
    pub(crate) h: Arc<Harness>,
    pub(crate) logon: u8,
    pub(crate) value: crate::sync::Arc<crate::sync::atomic::AtomicU32>,
}

impl MsgRefOut {
    pub(crate) fn new(h: Arc<Harness>, logon: u8, preset: u32) -> MsgRefOut {
        MsgRefOut {
            h,
            logon,
            value: crate::sync::Arc::new(crate::sync::atomic::AtomicU32::new(preset)),
        }
    }

    /// Store the provider's reference (SUB-4, SM-5: before using the message). A cancel may
    /// land just before the value does, carrying the preset (TN-21).
    pub fn set(&self, value: u32) {
        self.h.before_ref_write(self.logon);
        self.h.write_ref(self.logon, &self.value, value);
    }

    /// A write the provider has already made, seen after the fact: a native provider writes its
    /// own cell, which `xpdrive.exe` reports at the provider's next callback and at the return
    /// (SUB-4, SM-5). Recorded like [`MsgRefOut::set`] when the value changed, without the
    /// chance of a cancel landing just before the write (that moment has passed).
    pub fn observe(&self, value: u32) {
        if self.get() != value {
            self.h.write_ref(self.logon, &self.value, value);
        }
    }

    /// The current value.
    pub fn get(&self) -> u32 {
        self.value.load(crate::sync::atomic::Ordering::SeqCst)
    }
}
