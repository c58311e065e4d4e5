//! Abstract provider behaviours: one correct, and faulty ones each built to break named rules.
//!
//! The model's abstract provider follows the correct program unless its behaviour flips one
//! decision. `breaks` lists every rule a behaviour breaks: `xpcheck check` must report at least
//! one of them and nothing else — that calibrates the monitors (no false alarms, no blind spots).

/// A provider behaviour the model can explore.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Behaviour {
    /// Follows every rule.
    Correct,
    /// Returns `*lpulFlags` from TransportNotify with bits cleared (TN-1).
    FlagsChanged,
    /// Does not update its status row on BEGIN/END_INBOUND/OUTBOUND (TN-6, TN-14, TN-22, TN-24, STAT-4).
    NoStatusUpdate,
    /// Ignores NOTIFY_CANCEL_MESSAGE (TN-17, TN-19, TN-20).
    CancelIgnored,
    /// Checks the cancel flag only before the transfer starts (TN-17, TN-19, TN-20).
    CancelCheckedBeforeTransferOnly,
    /// Checks the cancel flag, then acts in a separate step: a cancel can slip between (TN-17).
    CheckThenActCancel,
    /// Writes the msg-ref after the data transfer started (SUB-4, SM-5).
    LateMsgRef,
    /// Calls SpoolerYield during flush cycles (TN-10, TN-16).
    YieldInFlush,
    /// Touches the inbound message object after StartMessage returned (SM-3).
    TouchAfterStartMessage,
    /// Forgets an inbound message whose delivery was cancelled (TN-20).
    DropCancelledInbound,
    /// Returns END_DONT_RESEND | END_RESEND_LATER from EndMessage (EM-6).
    TwoEndBits,
    /// Raises NOTIFY_CRITICAL_ERROR in SubmitMessage/StartMessage, then returns S_OK (SPN-8).
    CriticalThenOk,
    /// Calls SpoolerNotify(NOTIFY_SENTDEFERRED) for a message after NOTIFY_ABORT_DEFERRED (DEF-7).
    SentDeferredAfterAbort,
    /// Never clears its flush bit after NOTIFY_END_*_FLUSH (TN-12, TN-23, TN-16).
    FlushBitLeftSet,
}

impl Behaviour {
    /// Every behaviour, the correct one first.
    pub const ALL: &'static [Behaviour] = &[
        Behaviour::Correct,
        Behaviour::FlagsChanged,
        Behaviour::NoStatusUpdate,
        Behaviour::CancelIgnored,
        Behaviour::CancelCheckedBeforeTransferOnly,
        Behaviour::CheckThenActCancel,
        Behaviour::LateMsgRef,
        Behaviour::YieldInFlush,
        Behaviour::TouchAfterStartMessage,
        Behaviour::DropCancelledInbound,
        Behaviour::TwoEndBits,
        Behaviour::CriticalThenOk,
        Behaviour::SentDeferredAfterAbort,
        Behaviour::FlushBitLeftSet,
    ];

    /// The name used on the command line.
    pub const fn name(self) -> &'static str {
        match self {
            Behaviour::Correct => "correct",
            Behaviour::FlagsChanged => "flags-changed",
            Behaviour::NoStatusUpdate => "no-status-update",
            Behaviour::CancelIgnored => "cancel-ignored",
            Behaviour::CancelCheckedBeforeTransferOnly => "cancel-checked-before-transfer",
            Behaviour::CheckThenActCancel => "check-then-act-cancel",
            Behaviour::LateMsgRef => "late-msg-ref",
            Behaviour::YieldInFlush => "yield-in-flush",
            Behaviour::TouchAfterStartMessage => "touch-after-start-message",
            Behaviour::DropCancelledInbound => "drop-cancelled-inbound",
            Behaviour::TwoEndBits => "two-end-bits",
            Behaviour::CriticalThenOk => "critical-then-ok",
            Behaviour::SentDeferredAfterAbort => "sentdeferred-after-abort",
            Behaviour::FlushBitLeftSet => "flush-bit-left-set",
        }
    }

    /// Every rule it breaks is a situation SPEC grades "warn" ([`xpcheck_properties::grading`]):
    /// it is caught as warnings, and as a violation under `--strict`.
    pub const fn graded(self) -> bool {
        matches!(self, Behaviour::LateMsgRef | Behaviour::YieldInFlush)
    }

    /// Looks a behaviour up by its command-line name.
    pub fn from_name(name: &str) -> Option<Behaviour> {
        Behaviour::ALL.iter().copied().find(|b| b.name() == name)
    }

    /// Every rule this behaviour breaks (empty for the correct provider).
    pub const fn breaks(self) -> &'static [&'static str] {
        match self {
            Behaviour::Correct => &[],
            Behaviour::FlagsChanged => &["TN-1"],
            Behaviour::NoStatusUpdate => &["TN-6", "TN-14", "TN-22", "TN-24", "STAT-4"],
            Behaviour::CancelIgnored => &["TN-17", "TN-19", "TN-20"],
            Behaviour::CancelCheckedBeforeTransferOnly => &["TN-17", "TN-19", "TN-20"],
            Behaviour::CheckThenActCancel => &["TN-17", "TN-20"],
            Behaviour::LateMsgRef => &["SUB-4", "SM-5"],
            Behaviour::YieldInFlush => &["TN-10", "TN-16"],
            Behaviour::TouchAfterStartMessage => &["SM-3"],
            Behaviour::DropCancelledInbound => &["TN-20"],
            Behaviour::TwoEndBits => &["EM-6"],
            // S_OK after the critical error also claims "no message" while a cancelled inbound
            // message is still owed (SM-10 reading of S_OK without SaveChanges): TN-20.
            Behaviour::CriticalThenOk => &["SPN-8", "TN-20"],
            Behaviour::SentDeferredAfterAbort => &["DEF-7"],
            Behaviour::FlushBitLeftSet => &["TN-12", "TN-23", "TN-16"],
        }
    }

    /// One line saying what the behaviour does.
    pub const fn about(self) -> &'static str {
        match self {
            Behaviour::Correct => {
                "abstract provider that follows every rule (reference for the model)"
            }
            Behaviour::FlagsChanged => "returns TransportNotify's *lpulFlags with the bits cleared",
            Behaviour::NoStatusUpdate => {
                "enables/disables directions without calling ModifyStatusRow"
            }
            Behaviour::CancelIgnored => "never looks at NOTIFY_CANCEL_MESSAGE",
            Behaviour::CancelCheckedBeforeTransferOnly => {
                "checks for a cancel once, before the transfer starts"
            }
            Behaviour::CheckThenActCancel => {
                "checks the cancel flag, then transfers in a separate step (a race)"
            }
            Behaviour::LateMsgRef => "writes *lpulMsgRef after it started moving message data",
            Behaviour::YieldInFlush => "calls SpoolerYield even inside a flush cycle",
            Behaviour::TouchAfterStartMessage => {
                "reads the inbound message object after StartMessage returned"
            }
            Behaviour::DropCancelledInbound => {
                "discards an inbound message whose delivery was cancelled"
            }
            Behaviour::TwoEndBits => "returns END_DONT_RESEND | END_RESEND_LATER from EndMessage",
            Behaviour::CriticalThenOk => "raises NOTIFY_CRITICAL_ERROR and then returns S_OK",
            Behaviour::SentDeferredAfterAbort => {
                "announces NOTIFY_SENTDEFERRED for a message already aborted"
            }
            Behaviour::FlushBitLeftSet => "leaves STATUS_*_FLUSH set after NOTIFY_END_*_FLUSH",
        }
    }
}
