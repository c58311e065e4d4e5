//! The model's state and actions: per logon, the judge's remembered state (what the spooler
//! knows), the conforming spooler's private queue state, the abstract provider, and the call
//! running on each spooler-side thread.

use xpcheck_properties::judge::{ProviderState, Session};

use crate::provider::{Provider, ProviderObject};
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

/// A call the spooler side (the spooler, MAPI, or a client through MAPI) makes into the provider.
///
/// Which thread makes it is the [`crate::spooler::SpoolerMove`] variant that carries it:
/// `Provider` (provider-level calls on the spooler thread: `ProviderInit`, `ServiceConfigure`,
/// `Shutdown`, `ReleaseProvider`), `Main` (the spooler thread), `Notify` (the notify thread) or
/// `Client` (thread `client1`: `OpenStatusEntry` and the status object's `Status*` methods).
/// Flag words are raw `ULONG`s, exactly as passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Call {
    /// `XPProviderInit(..., ulFlags, ulMAPIVer, ...)`: the provider's first entry point
    /// (LIFE-1..LIFE-4); `flags` is 0 or MAPI_NT_SERVICE (LIFE-2, SVC-7).
    ProviderInit {
        /// `ulFlags`.
        flags: u32,
        /// `ulMAPIVer` (CURRENT_SPI_VERSION, or an incompatible one: LIFE-3).
        mapi_ver: u32,
    },
    /// MAPI runs the service entry with MSG_SERVICE_CONFIGURE after a TransportLogon answered
    /// MAPI_E_UNCONFIGURED (LIFE-21). An environment event: no return.
    ServiceConfigure,
    /// `IXPProvider::TransportLogon` with these input flags (LIFE-7, LIFE-13: always
    /// LOGON_NO_INBOUND | LOGON_NO_OUTBOUND, maybe LOGON_NO_DIALOG / LOGON_NO_CONNECT).
    Logon {
        /// Input `*lpulFlags`.
        flags: u32,
    },
    /// IXPLogon::AddressTypes (LIFE-22; again after NOTIFY_CONFIG_CHANGE, SPN-5, or after
    /// ValidateState(CONFIG_CHANGED), VS-2).
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
    /// `IXPLogon::Idle(0)` (IDLE-1, IDLE-2, LIFE-11).
    Idle,
    /// `IXPLogon::FlushQueues(..., ulFlags)` (FQ-1..FQ-14).
    FlushQueues {
        /// FLUSH_* flags.
        flags: u32,
    },
    /// `IXPLogon::ValidateState(ulUIParam, ulFlags)` (VS-1..VS-12).
    ValidateState {
        /// Validation flags (undefined bits included, VS-6).
        flags: u32,
    },
    /// `IXPLogon::OpenStatusEntry(NULL, ulFlags, ...)` on behalf of a client (STAT-6, FLOW-17).
    OpenStatusEntry,
    /// `IMAPIStatus::ValidateState` on the status object (VS-5..VS-12, STAT-11).
    StatusValidateState {
        /// Validation flags.
        flags: u32,
    },
    /// `IMAPIStatus::FlushQueues` on the status object (FQ-15..FQ-17).
    StatusFlushQueues {
        /// FLUSH_* flags.
        flags: u32,
    },
    /// `IMAPIStatus::SettingsDialog` on the status object (STAT-11).
    StatusSettingsDialog,
    /// `IXPLogon::TransportLogoff(ulFlags)`: 0, LOGOFF_NORMAL or LOGOFF_HURRY (LIFE-27, FLOW-1).
    Logoff {
        /// `ulFlags`.
        flags: u32,
    },
    /// The spooler's `Release` of the logon object: after TransportLogoff returned (LIFE-32), or
    /// instead of it (LIFE-34).
    ReleaseLogon,
    /// `IXPProvider::Shutdown(&ulFlags)` once every logon object is released (LIFE-31, LIFE-33).
    Shutdown {
        /// `*lpulFlags` on entry (0).
        flags: u32,
    },
    /// The spooler's `Release` of the provider object: after Shutdown, or after a failed
    /// XPProviderInit (LIFE-4, LIFE-31, LIFE-34).
    ReleaseProvider,
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

impl Call {
    /// A call into the provider object rather than one logon ([`crate::spooler::SpoolerMove::Provider`]).
    pub const fn is_provider_level(self) -> bool {
        matches!(
            self,
            Call::ProviderInit { .. }
                | Call::ServiceConfigure
                | Call::Shutdown { .. }
                | Call::ReleaseProvider
        )
    }
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
    /// The status-object call running on the client thread (`client1`).
    pub client: Option<Run>,
    /// Wire messages still to arrive.
    pub arrivals_left: u8,
    /// StartMessage calls made (parity only: names the next message object).
    pub starts: u8,
}

/// The whole model state.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct State {
    /// What the contract remembers about the provider object (LIFE-1..LIFE-5, LIFE-20,
    /// LIFE-21, LIFE-31..LIFE-34, SVC-7, FQ-6): every event is judged with it
    /// ([`xpcheck_properties::judge::observe_event`]).
    pub judge: ProviderState,
    /// The provider-level call running on the spooler thread (XPProviderInit, Shutdown, the
    /// provider object's Release).
    pub prov: Option<Run>,
    /// The abstract provider object's own state.
    pub object: ProviderObject,
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
    /// A client thread calling the status object (`client1`).
    Client,
    /// The spooler thread calling the provider object (XPProviderInit, Shutdown, Release).
    Provider,
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
    /// A message store logs off: StoreLogoffTransports tells the spooler how to wind down this
    /// logon's traffic (FLOW-15).
    StoreLogoff {
        /// Logon index.
        logon: u8,
        /// StoreLogoffFlags.
        flags: u32,
    },
    /// A client flushes the spooler's own status object, naming no transport: every active
    /// logon is owed an `IXPLogon::FlushQueues` (FQ-4).
    SpoolerStatusFlush,
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
    /// Change the status row after TransportLogoff returned (faulty, LIFE-29).
    RowAfterLogoff,
}
