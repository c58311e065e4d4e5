//! Harness-owned objects the provider calls back into: the support object (`IMAPISupport`), the
//! message objects (`IMessage`) and the msg-ref out-parameter. Every call is recorded as an
//! event, judged, and may be followed — inside the call, before it returns to the provider — by
//! a TransportNotify the simulated spooler injects (the re-entrant window-procedure case).

use std::sync::Arc;

use xpcheck_properties::event::{Body, MsgId};
use xpcheck_properties::vocab::{HResult, SpoolerNotifyFlags, StatusCode, StatusRowFlags};

use crate::harness::Harness;

/// `IMAPISupport` as given to TransportLogon.
#[derive(Clone)]
pub struct Support(pub(crate) Arc<Harness>);

impl Support {
    /// `SpoolerNotify(ulFlags, lpvData)` (SPN-1..SPN-13); `entry_id` for NOTIFY_SENTDEFERRED.
    pub fn spooler_notify(&self, flags: SpoolerNotifyFlags, entry_id: Option<MsgId>) -> HResult {
        self.0.callback(Body::spooler_notify(flags, entry_id));
        HResult::S_OK
    }

    /// `SpoolerYield(0)`: S_OK or MAPI_W_CANCEL_MESSAGE (YLD-3, YLD-4).
    pub fn spooler_yield(&self) -> HResult {
        self.0.spooler_yield()
    }

    /// `ModifyStatusRow` with the row's whole new PR_STATUS_CODE (STAT-1..STAT-4).
    pub fn modify_status_row(&self, flags: StatusRowFlags, status: StatusCode) -> HResult {
        self.0.callback(Body::status_row(flags, status));
        HResult::S_OK
    }

    /// The message object `id` as a provider that kept it would hold it: for restoring a
    /// provider snapshot in the exhaustive explorer ([`crate::explore`]). Touching it after
    /// StartMessage returned is still SM-3's violation.
    pub fn reopen_message(&self, id: MsgId) -> Message {
        Message {
            h: self.0.clone(),
            id,
            address_type: "LOOP",
            nontransmittable: false,
            taken: false,
        }
    }

    /// `StatusRecips` for a message (FLOW-10/11).
    pub fn status_recips(&self, msg: &Message) -> HResult {
        self.0.callback(Body::StatusRecips {
            msg: msg.id,
            result: HResult::S_OK,
        });
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
        self.h.callback(Body::Transmit {
            msg: self.id,
            nontransmittable,
            taken: to_taken_recipients && self.taken,
            had_nontransmittable: self.nontransmittable,
            had_taken: self.taken,
            result: HResult::S_OK,
        });
        wire.send(crate::wire::WireMessage {
            content: self.id.0,
            nontransmittable,
        });
        HResult::S_OK
    }

    /// Read message data (the outbound transfer, SUB-4).
    pub fn read(&self) -> HResult {
        self.h.callback(Body::MessageRead {
            msg: self.id,
            result: HResult::S_OK,
        });
        HResult::S_OK
    }

    /// `SetProps` (SM-8, SM-9).
    pub fn set_props(&self, p: Props) -> HResult {
        self.h.callback(Body::MessageWrite {
            msg: self.id,
            content: p.content,
            nontransmittable: p.nontransmittable,
            entry_id: p.entry_id,
            message_class: Some(p.message_class),
            result: HResult::S_OK,
        });
        HResult::S_OK
    }

    /// `ModifyRecipients`; `complete`: every recipient has its addressing properties (SM-7).
    pub fn modify_recipients(&self, complete: bool) -> HResult {
        self.h.callback(Body::MessageRecipients {
            msg: self.id,
            complete,
            result: HResult::S_OK,
        });
        HResult::S_OK
    }

    /// Set PR_RESPONSIBILITY TRUE on the recipients handled (SUB-12).
    pub fn set_responsibility(&self) -> HResult {
        self.h.callback(Body::SetResponsibility {
            msg: self.id,
            result: HResult::S_OK,
        });
        HResult::S_OK
    }

    /// `SaveChanges` (SM-10).
    pub fn save_changes(&self) -> HResult {
        self.h.callback(Body::SaveChanges {
            msg: self.id,
            result: HResult::S_OK,
        });
        HResult::S_OK
    }

    /// `Release` (SM-11: never on StartMessage's lpMessage).
    pub fn release(&self) {
        self.h.callback(Body::MessageRelease { msg: self.id });
    }
}

/// `*lpulMsgRef`: the spooler presets it and can read it at any time (SUB-3, SM-4, TN-21) — under
/// loom from the notify thread, racing the provider's write.
pub struct MsgRefOut {
    pub(crate) h: Arc<Harness>,
    pub(crate) value: crate::sync::Arc<crate::sync::atomic::AtomicU32>,
}

impl MsgRefOut {
    pub(crate) fn new(h: Arc<Harness>, preset: u32) -> MsgRefOut {
        MsgRefOut {
            h,
            value: crate::sync::Arc::new(crate::sync::atomic::AtomicU32::new(preset)),
        }
    }

    /// Store the provider's reference (SUB-4, SM-5: before using the message). A cancel may
    /// land just before the value does, carrying the preset (TN-21).
    pub fn set(&self, value: u32) {
        self.h.before_ref_write();
        self.h.write_ref(&self.value, value);
    }

    /// The current value.
    pub fn get(&self) -> u32 {
        self.value.load(crate::sync::atomic::Ordering::SeqCst)
    }
}
