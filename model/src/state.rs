//! The model's state and actions: per logon, the judge's remembered state (what the spooler
//! knows), the conforming spooler's private queue state, the abstract provider, and the call
//! running on each spooler-side thread.

use xpcheck_properties::judge::Session;

use crate::provider::Provider;
use crate::spooler::Spooler;

/// An entry point running on one of the spooler's threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Run {
    /// Which call.
    pub call: Call,
    /// Program counter inside the provider's implementation of it.
    pub pc: u8,
    /// The msg-ref the provider chose (SubmitMessage / StartMessage).
    pub msg_ref: u32,
    /// The provider saw a cancel (flag or SpoolerYield's MAPI_W_CANCEL_MESSAGE).
    pub cancelled: bool,
    /// The provider raised NOTIFY_CRITICAL_ERROR in this call.
    pub critical: bool,
    /// Inbound: the wire message being delivered, if the transfer started.
    pub content: Option<u8>,
}

/// A call the spooler side makes into the provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Call {
    /// IXPProvider::TransportLogon.
    Logon,
    /// IXPLogon::AddressTypes.
    AddressTypes,
    /// SubmitMessage of an outbound slot (`resubmission`: BEGIN_DEFERRED).
    Submit {
        /// Outbound slot.
        slot: u8,
        /// BEGIN_DEFERRED resubmission.
        resubmission: bool,
    },
    /// EndMessage of an outbound slot.
    End {
        /// Outbound slot.
        slot: u8,
    },
    /// StartMessage on a new message object.
    Start {
        /// The message object's id.
        obj: u32,
    },
    /// Poll.
    Poll,
    /// FlushQueues(FLUSH_UPLOAD | FLUSH_DOWNLOAD).
    FlushQueues,
    /// ValidateState(0).
    ValidateState,
    /// TransportLogoff(0).
    Logoff,
    /// TransportNotify with these flags.
    Notify {
        /// Raw TransportNotify flags.
        flags: u32,
        /// Outbound slot the payload names (cancel / abort deferred), if any.
        slot: Option<u8>,
        /// Payload msg-ref for a cancel.
        msg_ref: u32,
    },
}

/// One transport logon.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LogonState {
    /// What the contract remembers (and the spooler knows).
    pub judge: Session,
    /// The conforming spooler's private state.
    pub spooler: Spooler,
    /// The abstract provider.
    pub provider: Provider,
    /// The call running on the spooler thread.
    pub main: Option<Run>,
    /// The TransportNotify running on the notify thread.
    pub notify: Option<Run>,
    /// Wire messages still to arrive.
    pub arrivals_left: u8,
    /// StartMessage calls made (parity only: names the next message object).
    pub starts: u8,
}

/// The whole model state.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct State {
    /// One entry per logon.
    pub logons: smallvec::SmallVec<[LogonState; 1]>,
    /// Monitored rules violated on the way here; a violating state is terminal.
    pub violations: xpcheck_properties::rule_set::RuleMask,
    /// Sticky: a wire message whose delivery was cancelled was later delivered (TN-20 sometimes).
    pub redelivered: bool,
}

/// Which spooler-side thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lane {
    /// The spooler's main thread.
    Main,
    /// The notify thread.
    Notify,
}

/// A step of the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// A spooler-side thread calls into the provider.
    Call {
        /// Logon index.
        logon: u8,
        /// The call.
        call: Call,
    },
    /// The provider code running on a thread takes its next step; `choice` picks among the
    /// program's branches at that point (return codes, SpoolerYield's answer, ...).
    Step {
        /// Logon index.
        logon: u8,
        /// Which thread.
        lane: Lane,
        /// Branch.
        choice: u8,
    },
    /// A provider-owned thread does background work.
    Background {
        /// Logon index.
        logon: u8,
        /// What.
        job: Job,
    },
    /// Mail arrives on the wire.
    Arrive {
        /// Logon index.
        logon: u8,
    },
    /// Spooler time passes until every retry delay has expired (SUB-7).
    TimePasses {
        /// Logon index.
        logon: u8,
    },
    /// A client withdraws a queued outbound message with AbortSubmit (TN-4, DEF-1).
    AbortSubmit {
        /// Logon index.
        logon: u8,
        /// Outbound slot.
        slot: u8,
    },
}

/// Work a provider-owned thread does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Job {
    /// SpoolerNotify(NOTIFY_SENTDEFERRED) for a deferred slot (DEF-4).
    SentDeferred(u8),
    /// SpoolerNotify(NOTIFY_NEWMAIL) after mail arrived (SPN-10).
    NewMail,
    /// SpoolerNotify(NOTIFY_CRITSEC) (SPN-6).
    CritsecOpen,
    /// SpoolerNotify(NOTIFY_NONCRIT) (SPN-6).
    CritsecClose,
    /// Touch a dead inbound message object (faulty, SM-3).
    TouchDead(u32),
}
