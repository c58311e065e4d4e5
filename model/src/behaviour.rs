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
    /// Checks the cancel flag, then acts in a separate step: a cancel can slip between (TN-17);
    /// the transfer it then finishes (transmit, responsibility, StatusRecips) keeps the
    /// cancelled call running past the bound (TN-19).
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
    /// Calls SpoolerNotify(NOTIFY_SENTDEFERRED) for a message after NOTIFY_ABORT_DEFERRED (DEF-7);
    /// when the spooler aborts a message it had already announced (SPN-11 wind-down), the
    /// message is no longer deferred, so the late announcement also breaks DEF-4.
    SentDeferredAfterAbort,
    /// Never clears its flush bit after NOTIFY_END_*_FLUSH (TN-12, TN-23, TN-16), also after
    /// END_INBOUND_FLUSH of a FlushQueues flush (FQ-12).
    FlushBitLeftSet,
    /// Idle returns MAPI_E_CALL_FAILED (IDLE-3).
    IdleNotOk,
    /// Calls SpoolerYield(1): ulFlags is reserved (YLD-1).
    YieldWithFlags,
    /// Answers ValidateState with an undefined flag bit S_OK (VS-6).
    AcceptsUnknownFlags,
    /// Answers ValidateState(CONFIG_CHANGED) S_OK without SpoolerNotify(NOTIFY_CONFIG_CHANGE) (VS-11).
    SilentConfigChange,
    /// Comes back online (FORCE_XP_CONNECT, REFRESH_XP_HEADER_CACHE) without NOTIFY_READYTOSEND (SPN-9).
    NoReadyToSend,
    /// FlushQueues(FLUSH_UPLOAD) does not announce deferred messages with NOTIFY_SENTDEFERRED (FQ-7).
    DeferredNotAnnounced,
    /// FlushQueues(FLUSH_UPLOAD|FLUSH_DOWNLOAD) sets only STATUS_OUTBOUND_FLUSH, never the inbound
    /// bit for the inbound phase (FQ-10).
    NoInboundFlushBit,
    /// TransportLogon succeeds with MAPI_W_ERRORS_RETURNED instead of S_OK (LIFE-18).
    LogonWarning,
    /// Shutdown returns MAPI_E_CALL_FAILED (LIFE-33).
    ShutdownFails,
    /// Sends NOTIFY_NEWMAIL again while the spooler has not answered the last one (FLOW-4).
    NewMailRepeated,
    /// Transmits outbound messages without setting PR_RESPONSIBILITY (FLOW-10).
    NoResponsibility,
    /// OpenStatusEntry answers MAPI_E_NO_SUPPORT: no status object (FLOW-17).
    NoStatusObject,
    /// Writes PR_STATUS_CODE with an undefined bit (0x00080000, the gap) (STAT-3).
    UndefinedRowBits,
    /// Keeps its support object at TransportLogoff and changes its row afterwards (LIFE-29).
    RowAfterLogoff,
    /// A SubmitMessage refusal fails with MAPI_E_CALL_FAILED without NOTIFY_CRITICAL_ERROR (SUB-10).
    SubmitFailsSilently,
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
        Behaviour::IdleNotOk,
        Behaviour::YieldWithFlags,
        Behaviour::AcceptsUnknownFlags,
        Behaviour::SilentConfigChange,
        Behaviour::NoReadyToSend,
        Behaviour::DeferredNotAnnounced,
        Behaviour::NoInboundFlushBit,
        Behaviour::LogonWarning,
        Behaviour::ShutdownFails,
        Behaviour::NewMailRepeated,
        Behaviour::NoResponsibility,
        Behaviour::NoStatusObject,
        Behaviour::UndefinedRowBits,
        Behaviour::RowAfterLogoff,
        Behaviour::SubmitFailsSilently,
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
            Behaviour::IdleNotOk => "idle-not-ok",
            Behaviour::YieldWithFlags => "yield-with-flags",
            Behaviour::AcceptsUnknownFlags => "accepts-unknown-flags",
            Behaviour::SilentConfigChange => "silent-config-change",
            Behaviour::NoReadyToSend => "no-ready-to-send",
            Behaviour::DeferredNotAnnounced => "deferred-not-announced",
            Behaviour::NoInboundFlushBit => "no-inbound-flush-bit",
            Behaviour::LogonWarning => "logon-warning",
            Behaviour::ShutdownFails => "shutdown-fails",
            Behaviour::NewMailRepeated => "newmail-repeated",
            Behaviour::NoResponsibility => "no-responsibility",
            Behaviour::NoStatusObject => "no-status-object",
            Behaviour::UndefinedRowBits => "undefined-row-bits",
            Behaviour::RowAfterLogoff => "row-after-logoff",
            Behaviour::SubmitFailsSilently => "submit-fails-silently",
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
            Behaviour::CheckThenActCancel => &["TN-17", "TN-19", "TN-20"],
            Behaviour::LateMsgRef => &["SUB-4", "SM-5"],
            Behaviour::YieldInFlush => &["TN-10", "TN-16"],
            Behaviour::TouchAfterStartMessage => &["SM-3"],
            Behaviour::DropCancelledInbound => &["TN-20"],
            Behaviour::TwoEndBits => &["EM-6"],
            // S_OK after the critical error also claims "no message" while a cancelled inbound
            // message is still owed (SM-10 reading of S_OK without SaveChanges): TN-20.
            Behaviour::CriticalThenOk => &["SPN-8", "TN-20"],
            Behaviour::SentDeferredAfterAbort => &["DEF-7", "DEF-4"],
            Behaviour::FlushBitLeftSet => &["TN-12", "TN-23", "TN-16", "FQ-12"],
            Behaviour::IdleNotOk => &["IDLE-3"],
            Behaviour::YieldWithFlags => &["YLD-1"],
            Behaviour::AcceptsUnknownFlags => &["VS-6"],
            Behaviour::SilentConfigChange => &["VS-11"],
            Behaviour::NoReadyToSend => &["SPN-9"],
            Behaviour::DeferredNotAnnounced => &["FQ-7"],
            Behaviour::NoInboundFlushBit => &["FQ-10"],
            Behaviour::LogonWarning => &["LIFE-18"],
            Behaviour::ShutdownFails => &["LIFE-33"],
            Behaviour::NewMailRepeated => &["FLOW-4"],
            Behaviour::NoResponsibility => &["FLOW-10"],
            Behaviour::NoStatusObject => &["FLOW-17"],
            Behaviour::UndefinedRowBits => &["STAT-3"],
            Behaviour::RowAfterLogoff => &["LIFE-29"],
            Behaviour::SubmitFailsSilently => &["SUB-10"],
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
            Behaviour::IdleNotOk => "answers Idle with MAPI_E_CALL_FAILED",
            Behaviour::YieldWithFlags => "calls SpoolerYield(1) although ulFlags is reserved",
            Behaviour::AcceptsUnknownFlags => "answers ValidateState with an undefined flag S_OK",
            Behaviour::SilentConfigChange => {
                "accepts ValidateState(CONFIG_CHANGED) without NOTIFY_CONFIG_CHANGE"
            }
            Behaviour::NoReadyToSend => "comes back online without NOTIFY_READYTOSEND",
            Behaviour::DeferredNotAnnounced => {
                "FlushQueues(FLUSH_UPLOAD) leaves deferred messages unannounced"
            }
            Behaviour::NoInboundFlushBit => {
                "FlushQueues both ways never shows STATUS_INBOUND_FLUSH for the inbound phase"
            }
            Behaviour::LogonWarning => "TransportLogon succeeds with MAPI_W_ERRORS_RETURNED",
            Behaviour::ShutdownFails => "Shutdown returns MAPI_E_CALL_FAILED",
            Behaviour::NewMailRepeated => "repeats NOTIFY_NEWMAIL before the spooler answered it",
            Behaviour::NoResponsibility => "transmits without setting PR_RESPONSIBILITY",
            Behaviour::NoStatusObject => "OpenStatusEntry answers MAPI_E_NO_SUPPORT",
            Behaviour::UndefinedRowBits => "writes an undefined bit into PR_STATUS_CODE",
            Behaviour::RowAfterLogoff => {
                "keeps its support object and changes its row after logoff"
            }
            Behaviour::SubmitFailsSilently => {
                "a SubmitMessage refusal fails with MAPI_E_CALL_FAILED, no critical error"
            }
        }
    }
}
