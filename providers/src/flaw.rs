//! Deliberate flaws in the loopback transport, each a pattern seen in real providers.

use std::sync::Arc;

use xpcheck_sim::api::ProviderFn;

use crate::loopback::Loopback;

/// One deliberate flaw.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flaw {
    /// Never looks at NOTIFY_CANCEL_MESSAGE.
    CancelIgnored,
    /// Honours a cancel only at the end of the transfer, just before returning.
    CancelOnlyAtEnd,
    /// Writes the msg-ref after the transfer started.
    MsgRefAfterTransfer,
    /// Returns TransportNotify's flags without NOTIFY_CANCEL_MESSAGE.
    FlagsChanged,
    /// Enables and disables directions without updating the status row.
    NoStatusUpdate,
    /// Forgets an inbound message whose delivery was cancelled.
    DropCancelledInbound,
    /// Keeps StartMessage's message object and reads it again at the next Poll.
    TouchAfterStartMessage,
    /// Yields during flush cycles.
    YieldInFlush,
    /// Reads its status word, calls back into the spooler, then writes the stale word back with
    /// STATUS_OUTBOUND_ACTIVE added: a read-modify-write outside the lock.
    StatusWordRmw,
    /// Copies nontransmittable properties of inbound mail into the new message.
    CopiesNontransmittable,
    /// Raises NOTIFY_CRITICAL_ERROR before answering MAPI_E_NOT_ME for a foreign address type.
    CriticalOnNotMe,
    /// One cancel flag for the whole logon, cleared when a message starts: a cancel applied
    /// late stops the next message instead of the one it names.
    PerLogonCancel,
    /// Checks for a cancel before taking the critical section, then transfers anyway.
    CheckThenAct,
    /// Waits for the critical section with the lock let go between check and wait: a lost
    /// wake-up.
    LostWakeup,
    /// TransportNotify gives up waiting for the step in progress after a timeout and returns.
    GiveUpWaiting,
    /// Transmits outbound mail whole: nontransmittable properties and recipients another
    /// transport already took.
    SendsEverything,
}

impl Flaw {
    /// Every flaw.
    pub const ALL: &'static [Flaw] = &[
        Flaw::CancelIgnored,
        Flaw::CancelOnlyAtEnd,
        Flaw::MsgRefAfterTransfer,
        Flaw::FlagsChanged,
        Flaw::NoStatusUpdate,
        Flaw::DropCancelledInbound,
        Flaw::TouchAfterStartMessage,
        Flaw::YieldInFlush,
        Flaw::StatusWordRmw,
        Flaw::CopiesNontransmittable,
        Flaw::CriticalOnNotMe,
        Flaw::PerLogonCancel,
        Flaw::CheckThenAct,
        Flaw::LostWakeup,
        Flaw::GiveUpWaiting,
        Flaw::SendsEverything,
    ];

    /// Provider name.
    pub const fn name(self) -> &'static str {
        match self {
            Flaw::CancelIgnored => "loopback-cancel-ignored",
            Flaw::CancelOnlyAtEnd => "loopback-cancel-at-end",
            Flaw::MsgRefAfterTransfer => "loopback-late-msg-ref",
            Flaw::FlagsChanged => "loopback-flags-changed",
            Flaw::NoStatusUpdate => "loopback-no-status-update",
            Flaw::DropCancelledInbound => "loopback-drop-cancelled-inbound",
            Flaw::TouchAfterStartMessage => "loopback-touch-after-start",
            Flaw::YieldInFlush => "loopback-yield-in-flush",
            Flaw::StatusWordRmw => "loopback-status-rmw",
            Flaw::CopiesNontransmittable => "loopback-copies-nontransmittable",
            Flaw::CriticalOnNotMe => "loopback-critical-on-not-me",
            Flaw::PerLogonCancel => "loopback-per-logon-cancel",
            Flaw::CheckThenAct => "loopback-check-then-act-cancel",
            Flaw::LostWakeup => "loopback-lost-wakeup",
            Flaw::GiveUpWaiting => "loopback-give-up-waiting",
            Flaw::SendsEverything => "loopback-sends-everything",
        }
    }

    /// Rules the flaw breaks.
    pub const fn breaks(self) -> &'static [&'static str] {
        match self {
            Flaw::CancelIgnored => &["TN-17", "TN-19", "TN-20"],
            Flaw::CancelOnlyAtEnd => &["TN-17", "TN-19", "TN-20"],
            Flaw::MsgRefAfterTransfer => &["SUB-4", "SM-5"],
            Flaw::FlagsChanged => &["TN-1"],
            Flaw::NoStatusUpdate => &["TN-6", "TN-14", "TN-22", "TN-24", "STAT-4"],
            Flaw::DropCancelledInbound => &["TN-20"],
            Flaw::TouchAfterStartMessage => &["SM-3"],
            Flaw::YieldInFlush => &["TN-10", "TN-16"],
            Flaw::StatusWordRmw => &["STAT-4"],
            Flaw::CopiesNontransmittable => &["SM-8"],
            Flaw::CriticalOnNotMe => &["SUB-5"],
            Flaw::PerLogonCancel => &["TN-17"],
            Flaw::CheckThenAct => &["TN-17", "TN-19"],
            Flaw::LostWakeup => &["TN-27", "TN-19"],
            Flaw::GiveUpWaiting => &["TN-17", "TN-19"],
            Flaw::SendsEverything => &["SUB-11", "SUB-12"],
        }
    }

    /// Every rule it breaks is a situation SPEC grades "warn" ([`xpcheck_properties::grading`]):
    /// it is caught as warnings, and as a violation under `--strict`.
    pub const fn graded(self) -> bool {
        matches!(
            self,
            Flaw::MsgRefAfterTransfer | Flaw::YieldInFlush | Flaw::CopiesNontransmittable
        )
    }

    /// Engines that catch it (see [`crate::Builtin::engines`]): the four concurrency flaws
    /// need the spooler's notify thread to run *between* two of the provider's own steps, which
    /// the single-threaded simulator never does.
    pub const fn engines(self) -> &'static [&'static str] {
        match self {
            Flaw::PerLogonCancel | Flaw::CheckThenAct | Flaw::LostWakeup | Flaw::GiveUpWaiting => {
                &["loom"]
            }
            _ => &["sim", "loom"],
        }
    }

    /// What it does.
    pub const fn about(self) -> &'static str {
        match self {
            Flaw::CancelIgnored => "loopback that never looks at NOTIFY_CANCEL_MESSAGE",
            Flaw::CancelOnlyAtEnd => {
                "loopback that checks for a cancel only when the transfer is done"
            }
            Flaw::MsgRefAfterTransfer => "loopback that writes *lpulMsgRef after moving data",
            Flaw::FlagsChanged => {
                "loopback that clears NOTIFY_CANCEL_MESSAGE in TransportNotify's flags"
            }
            Flaw::NoStatusUpdate => {
                "loopback that never updates its row for BEGIN/END_INBOUND/OUTBOUND"
            }
            Flaw::DropCancelledInbound => {
                "loopback that discards an inbound message whose delivery was cancelled"
            }
            Flaw::TouchAfterStartMessage => {
                "loopback that keeps StartMessage's lpMessage and reads it later"
            }
            Flaw::YieldInFlush => "loopback that calls SpoolerYield inside flush cycles",
            Flaw::StatusWordRmw => {
                "loopback that read-modify-writes its status word around a callback"
            }
            Flaw::CopiesNontransmittable => {
                "loopback that stores nontransmittable properties of inbound mail"
            }
            Flaw::CriticalOnNotMe => {
                "loopback that raises NOTIFY_CRITICAL_ERROR before answering MAPI_E_NOT_ME"
            }
            Flaw::PerLogonCancel => {
                "loopback with one cancel flag per logon, cleared when a message starts"
            }
            Flaw::CheckThenAct => {
                "loopback that checks for a cancel outside its critical section, then transfers"
            }
            Flaw::LostWakeup => "loopback whose wait for its critical section can miss the wake-up",
            Flaw::GiveUpWaiting => {
                "loopback whose TransportNotify stops waiting for the transfer step after a timeout"
            }
            Flaw::SendsEverything => {
                "loopback that transmits nontransmittable properties and recipients already taken"
            }
        }
    }

    /// Its constructor.
    pub fn factory(self) -> ProviderFn {
        match self {
            Flaw::CancelIgnored => |w| Arc::new(Loopback::flawed(w, Flaw::CancelIgnored)),
            Flaw::CancelOnlyAtEnd => |w| Arc::new(Loopback::flawed(w, Flaw::CancelOnlyAtEnd)),
            Flaw::MsgRefAfterTransfer => {
                |w| Arc::new(Loopback::flawed(w, Flaw::MsgRefAfterTransfer))
            }
            Flaw::FlagsChanged => |w| Arc::new(Loopback::flawed(w, Flaw::FlagsChanged)),
            Flaw::NoStatusUpdate => |w| Arc::new(Loopback::flawed(w, Flaw::NoStatusUpdate)),
            Flaw::DropCancelledInbound => {
                |w| Arc::new(Loopback::flawed(w, Flaw::DropCancelledInbound))
            }
            Flaw::TouchAfterStartMessage => {
                |w| Arc::new(Loopback::flawed(w, Flaw::TouchAfterStartMessage))
            }
            Flaw::YieldInFlush => |w| Arc::new(Loopback::flawed(w, Flaw::YieldInFlush)),
            Flaw::StatusWordRmw => |w| Arc::new(Loopback::flawed(w, Flaw::StatusWordRmw)),
            Flaw::CopiesNontransmittable => {
                |w| Arc::new(Loopback::flawed(w, Flaw::CopiesNontransmittable))
            }
            Flaw::CriticalOnNotMe => |w| Arc::new(Loopback::flawed(w, Flaw::CriticalOnNotMe)),
            Flaw::PerLogonCancel => |w| Arc::new(Loopback::flawed(w, Flaw::PerLogonCancel)),
            Flaw::CheckThenAct => |w| Arc::new(Loopback::flawed(w, Flaw::CheckThenAct)),
            Flaw::LostWakeup => |w| Arc::new(Loopback::flawed(w, Flaw::LostWakeup)),
            Flaw::GiveUpWaiting => |w| Arc::new(Loopback::flawed(w, Flaw::GiveUpWaiting)),
            Flaw::SendsEverything => |w| Arc::new(Loopback::flawed(w, Flaw::SendsEverything)),
        }
    }
}
