//! Events: the vocabulary every engine speaks (DESIGN.md "Events").
//!
//! An event is a spooler call into the provider, the provider's return with every output, a
//! provider callback into the support object or a message object, or an input from the
//! environment (mail arriving on the wire, time passing, a client's `AbortSubmit`). Every event
//! carries the logical thread it happened on and a sequence number. Events serialise to one JSON
//! object per line (`"v": 1`); that format is public because `xpcheck validate` reads it.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

use crate::vocab::{
    FlushFlags, HResult, LogoffFlags, LogonFlags, RowColumns, SpoolerNotifyFlags, StatusCode,
    StatusRowFlags, StoreLogoffFlags, SubmitFlags, TransportNotifyFlags, ValidateStateFlags,
};

/// Version of the JSON Lines trace format written and read by xpcheck.
pub const TRACE_FORMAT_VERSION: u32 = 1;

/// A logical thread of the simulated process.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Thread {
    /// The spooler's main thread: every IXPLogon call except TransportNotify (AMB-8 strict).
    Spooler,
    /// The thread (or window procedure) that delivers TransportNotify concurrently (TN-18, TN-27).
    Notify,
    /// A thread the provider owns (background SpoolerNotify, SENTDEFERRED, NEWMAIL).
    Provider,
    /// The messaging system outside the provider (mail arriving).
    Wire,
    /// A client thread, numbered from 1 (AbortSubmit, MAPILogonEx, dispatch).
    Client(u8),
}

impl Thread {
    /// The name used in traces: `spooler`, `notify`, `provider`, `wire`, `client1`, ...
    pub fn name(self) -> String {
        match self {
            Thread::Spooler => "spooler".into(),
            Thread::Notify => "notify".into(),
            Thread::Provider => "provider".into(),
            Thread::Wire => "wire".into(),
            Thread::Client(n) => format!("client{n}"),
        }
    }

    /// Parses a trace thread name.
    pub fn parse(s: &str) -> Option<Thread> {
        Some(match s {
            "spooler" => Thread::Spooler,
            "notify" => Thread::Notify,
            "provider" => Thread::Provider,
            "wire" => Thread::Wire,
            _ => Thread::Client(s.strip_prefix("client")?.parse().ok()?),
        })
    }
}

impl Serialize for Thread {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

impl<'de> Deserialize<'de> for Thread {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Thread::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown thread {s:?} (expected spooler, notify, provider, wire or clientN)"
            ))
        })
    }
}

/// A message object's identity: the entry id of an outbound message (stable across
/// resubmissions, SUB-1), or the identity of a message object the spooler created for
/// `StartMessage`.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct MsgId(pub u32);

impl fmt::Display for MsgId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "msg{}", self.0)
    }
}

/// A 32-bit word written as `"0x%08X"` in traces; read from a hex string or an integer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Word(pub u32);

impl Serialize for Word {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("0x{:08X}", self.0))
    }
}

impl<'de> Deserialize<'de> for Word {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Word;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a 32-bit word: a number or a \"0x...\" string")
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Word, E> {
                u32::try_from(n)
                    .map(Word)
                    .map_err(|_| E::custom(format!("not a 32-bit word: {n}")))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Word, E> {
                Err(E::custom(format!("not a 32-bit word: {n}")))
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Word, E> {
                let t = s.trim();
                let parsed = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
                    Some(hex) => u32::from_str_radix(hex, 16),
                    None => t.parse(),
                };
                parsed
                    .map(Word)
                    .map_err(|_| E::custom(format!("not a 32-bit word: {s}")))
            }
        }
        d.deserialize_any(V)
    }
}

/// What `*lppvData` of `TransportNotify` points to (AMB-2): a msg-ref for `NOTIFY_CANCEL_MESSAGE`
/// alone, an entry id whenever `NOTIFY_ABORT_DEFERRED` is set (TN-3, DEF-6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifyData {
    /// The 32-bit msg-ref of an in-flight message (TN-17).
    MsgRef(u32),
    /// The entry id of a deferred message (TN-3).
    EntryId(MsgId),
}

/// An entry point of the provider: `XPProviderInit`, IXPProvider, IXPLogon, `Release` of the
/// logon or provider object, and the IMAPIStatus methods of the status object `OpenStatusEntry`
/// returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[allow(missing_docs)]
pub enum Method {
    ProviderInit,
    TransportLogon,
    AddressTypes,
    TransportNotify,
    SubmitMessage,
    EndMessage,
    StartMessage,
    Poll,
    Idle,
    FlushQueues,
    ValidateState,
    OpenStatusEntry,
    TransportLogoff,
    Shutdown,
    RegisterOptions,
    Release,
    StatusValidateState,
    StatusFlushQueues,
    StatusSettingsDialog,
}

impl Method {
    /// Entry points of the provider object rather than of one logon: their events are judged
    /// against the provider's lifecycle (LIFE-1..LIFE-5, LIFE-20, LIFE-21, LIFE-31, LIFE-33).
    /// `Release` is shared by the logon and the provider object: [`Body::is_provider_level`]
    /// tells a call apart, and a return goes to the call it answers.
    pub const fn is_provider_level(self) -> bool {
        matches!(self, Method::ProviderInit | Method::Shutdown)
    }
}

/// Which object a spooler `Release` lets go of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Released {
    /// The IXPLogon object, after TransportLogoff returned (LIFE-32) or instead of it (LIFE-34).
    Logon,
    /// The IXPProvider object, after Shutdown (LIFE-31, LIFE-33).
    Provider,
}

fn is_zero(n: &u8) -> bool {
    *n == 0
}
fn is_false(b: &bool) -> bool {
    !*b
}
fn is_s_ok(h: &HResult) -> bool {
    *h == HResult::S_OK
}
fn s_ok() -> HResult {
    HResult::S_OK
}
fn is_zero_word(w: &Word) -> bool {
    w.0 == 0
}

/// What happened. The JSON tag is `"event"`; field names follow the C API parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case", deny_unknown_fields)]
pub enum Body {
    // ---- spooler -> provider calls (inputs as passed) ----
    /// `XPProviderInit(hInstance, lpMalloc, ..., ulFlags, ulMAPIVer, &ulProviderVer,
    /// &lpXPProvider)` (LIFE-1..LIFE-4); its return's `flags` is `*lpulProviderVer`.
    ProviderInit {
        /// `ulFlags`: 0 or MAPI_NT_SERVICE (LIFE-2, SVC-7).
        flags: Word,
        /// `ulMAPIVer`: MAPI's SPI version (CURRENT_SPI_VERSION, LIFE-3).
        mapi_ver: Word,
    },
    /// `IXPProvider::TransportLogon(..., &ulFlags, ...)` with the input flags (LIFE-7).
    TransportLogon {
        /// Input flags.
        flags: LogonFlags,
    },
    /// `IXPLogon::AddressTypes` (LIFE-22).
    AddressTypes,
    /// `IXPLogon::TransportNotify(&ulFlags, &pvData)` (TN-1..TN-28).
    TransportNotify {
        /// Flags on entry.
        flags: TransportNotifyFlags,
        /// `*lppvData`, if any.
        #[serde(default)]
        data: Option<NotifyData>,
    },
    /// `IXPLogon::SubmitMessage(ulFlags, lpMessage, &ulMsgRef, &ulReturnParm)` (SUB-1..SUB-15).
    SubmitMessage {
        /// `ulFlags` (BEGIN_DEFERRED).
        flags: SubmitFlags,
        /// The message (its entry id).
        msg: MsgId,
        /// `*lpulMsgRef` as preset by the spooler (SUB-3: 0).
        msg_ref: u32,
    },
    /// `IXPLogon::EndMessage(ulMsgRef, &ulFlags)` (EM-1..EM-6).
    EndMessage {
        /// The msg-ref the provider left during SubmitMessage (EM-1).
        msg_ref: u32,
    },
    /// `IXPLogon::StartMessage(ulFlags, lpMessage, &ulMsgRef)` (SM-1..SM-14).
    StartMessage {
        /// `ulFlags` (SM-2: reserved 0).
        flags: Word,
        /// The new message object the spooler created in the Inbox.
        msg: MsgId,
        /// `*lpulMsgRef` as preset by the spooler (SM-4: 1).
        msg_ref: u32,
    },
    /// `IXPLogon::Poll(&ulIncoming)` (POLL-1..POLL-3).
    Poll,
    /// `IXPLogon::Idle(ulFlags)` (IDLE-1..IDLE-3).
    Idle {
        /// Reserved, 0 (IDLE-2).
        flags: Word,
    },
    /// `IXPLogon::FlushQueues(..., ulFlags)` (FQ-1..FQ-14).
    FlushQueues {
        /// FLUSH_* flags.
        flags: FlushFlags,
    },
    /// `IXPLogon::ValidateState(ulUIParam, ulFlags)` (VS-1..VS-12).
    ValidateState {
        /// Validation flags.
        flags: ValidateStateFlags,
    },
    /// `IXPLogon::OpenStatusEntry(lpInterface, ulFlags, &ulObjType, &lpEntry)` (STAT-6,
    /// FLOW-17); its return's `flags` is `*lpulObjType` (MAPI_STATUS).
    OpenStatusEntry {
        /// `ulFlags`: 0 or MAPI_MODIFY.
        #[serde(default, skip_serializing_if = "is_zero_word")]
        flags: Word,
    },
    /// `IXPLogon::TransportLogoff(ulFlags)` (LIFE-27..LIFE-30, AMB-19).
    TransportLogoff {
        /// 0, LOGOFF_NORMAL or LOGOFF_HURRY.
        flags: LogoffFlags,
    },
    /// `IXPProvider::Shutdown(&ulFlags)` (LIFE-31, LIFE-33).
    Shutdown {
        /// `*lpulFlags` on entry: 0, DEINIT_NORMAL or DEINIT_HURRY (LIFE-33, AMB-19). Omitted
        /// when 0 (traces written before the field existed read as 0).
        #[serde(default, skip_serializing_if = "is_zero_word")]
        flags: Word,
    },
    /// `IXPLogon::RegisterOptions`: deprecated, never called by the spooler (LIFE-37).
    RegisterOptions,
    /// The spooler's `Release` of the logon object (LIFE-32, LIFE-34) or the provider object
    /// (LIFE-31); its return carries S_OK.
    Release {
        /// Which object.
        object: Released,
    },
    /// `IMAPIStatus::ValidateState(ulUIParam, ulFlags)` on the provider's status object, called
    /// by a client (VS-5..VS-12, SPN-6).
    StatusValidateState {
        /// Validation flags.
        flags: ValidateStateFlags,
    },
    /// `IMAPIStatus::FlushQueues(ulUIParam, cbTargetTransport, lpTargetTransport, ulFlags)` on
    /// the provider's status object, called by a client (FQ-15..FQ-17).
    StatusFlushQueues {
        /// FLUSH_* flags.
        flags: FlushFlags,
        /// A target transport was passed (FQ-16: only the spooler's status object takes one).
        #[serde(default, skip_serializing_if = "is_false")]
        target: bool,
    },
    /// `IMAPIStatus::SettingsDialog` on the provider's status object (STAT-11).
    StatusSettingsDialog,

    // ---- provider returns ----
    /// The provider returned from the innermost open call on this thread.
    Return {
        /// Which entry point returned (must match the open call).
        method: Method,
        /// The HRESULT.
        hr: HResult,
        /// The call's `ULONG` out-parameter: `*lpulFlags` (TransportNotify, TransportLogon,
        /// EndMessage, AddressTypes), `*lpulProviderVer` (XPProviderInit), `*lpulObjType`
        /// (OpenStatusEntry).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        flags: Option<Word>,
        /// `*lpulMsgRef` on return (SubmitMessage, StartMessage).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        msg_ref: Option<u32>,
        /// `*lpulReturnParm` on return (SubmitMessage, SUB-6).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        return_parm: Option<u32>,
        /// `*lpulIncoming` on return (Poll, POLL-2).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        incoming: Option<u32>,
    },

    // ---- provider -> support object ----
    /// `IMAPISupport::SpoolerNotify(ulFlags, lpvData)` (SPN-1..SPN-13).
    SpoolerNotify {
        /// Flags.
        flags: SpoolerNotifyFlags,
        /// The entry id passed with NOTIFY_SENTDEFERRED (SPN-11), if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        entry_id: Option<MsgId>,
        /// What SpoolerNotify returned (SPN-12: S_OK; omitted when S_OK).
        #[serde(default = "s_ok", skip_serializing_if = "is_s_ok")]
        result: HResult,
    },
    /// `IMAPISupport::SpoolerYield(ulFlags)` and what it returned (YLD-1..YLD-4).
    SpoolerYield {
        /// Reserved, 0 (YLD-1).
        flags: Word,
        /// S_OK or MAPI_W_CANCEL_MESSAGE (YLD-3).
        result: HResult,
    },
    /// `IMAPISupport::ModifyStatusRow` with the row's new PR_STATUS_CODE (STAT-1..STAT-4).
    ModifyStatusRow {
        /// 0 (create the row) or STATUSROW_UPDATE.
        flags: StatusRowFlags,
        /// PR_STATUS_CODE as written.
        status: StatusCode,
        /// The columns passed (STAT-7), if the trace records them.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        columns: Option<RowColumns>,
        /// PR_RESOURCE_METHODS as written (STAT-11), if passed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resource_methods: Option<Word>,
        /// PR_REMOTE_VALIDATE_OK as written (VS-8, VS-10), if passed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        remote_validate_ok: Option<bool>,
        /// What ModifyStatusRow returned (STAT-2: S_OK; omitted when S_OK).
        #[serde(default = "s_ok", skip_serializing_if = "is_s_ok")]
        result: HResult,
    },
    /// `IMAPISupport::StatusRecips` for a message (FLOW-10..FLOW-12).
    StatusRecips {
        /// The message the report is about.
        msg: MsgId,
        /// What StatusRecips returned (FLOW-12: S_OK or MAPI_W_ERRORS_RETURNED; omitted when
        /// S_OK).
        #[serde(default = "s_ok", skip_serializing_if = "is_s_ok")]
        result: HResult,
    },
    /// `IMAPISupport::MakeInvalid` on the provider's logon object (LIFE-30, LIFE-36).
    MakeInvalid,
    /// The provider released its support object (LIFE-30: last, in TransportLogoff).
    SupportRelease,
    /// The provider displayed a dialog box or window (LIFE-17, LIFE-19, FQ-5, VS-12, SVC-7);
    /// `cancelled`: the user cancelled it. A native proxy observes this by hooking user32.
    ShowUi {
        /// The user cancelled the dialog.
        #[serde(default, skip_serializing_if = "is_false")]
        cancelled: bool,
    },

    // ---- provider -> its own out-parameter ----
    /// The provider wrote `*lpulMsgRef` of the innermost open SubmitMessage/StartMessage on this
    /// thread (SUB-4, SM-5). A C/C++ proxy observes this by re-reading the cell at each callback.
    MsgRefWrite {
        /// The value written.
        value: u32,
    },

    // ---- provider -> message object ----
    /// The provider read data from a message (outbound transfer, SUB-4).
    MessageRead {
        /// The message object.
        msg: MsgId,
        /// What the message object answered (SUB-2: S_OK while the object is valid; omitted
        /// when S_OK).
        #[serde(default = "s_ok", skip_serializing_if = "is_s_ok")]
        result: HResult,
    },
    /// The provider wrote properties (`SetProps`, streams) into a message.
    MessageWrite {
        /// The message object.
        msg: MsgId,
        /// Which inbound wire message's data is being written (TN-20), if known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        content: Option<u32>,
        /// Nontransmittable properties were among those written (SM-8).
        #[serde(default, skip_serializing_if = "is_false")]
        nontransmittable: bool,
        /// PR_ENTRYID was among those written (SM-9).
        #[serde(default, skip_serializing_if = "is_false")]
        entry_id: bool,
        /// PR_MESSAGE_CLASS was among those written (FLOW-14); `None`: the trace does not record
        /// it (not judged).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message_class: Option<bool>,
        /// What the message object answered (SUB-2: S_OK while the object is valid; omitted
        /// when S_OK).
        #[serde(default = "s_ok", skip_serializing_if = "is_s_ok")]
        result: HResult,
    },
    /// `ModifyRecipients` on a message (SM-7).
    MessageRecipients {
        /// The message object.
        msg: MsgId,
        /// Every recipient carried all required addressing properties (SM-7).
        complete: bool,
        /// What the message object answered (SUB-2: S_OK while the object is valid; omitted
        /// when S_OK).
        #[serde(default = "s_ok", skip_serializing_if = "is_s_ok")]
        result: HResult,
    },
    /// The provider handed an outbound message's content to the messaging system (SUB-11,
    /// SUB-12): whether the content included nontransmittable properties, and whether it went
    /// to recipients whose PR_RESPONSIBILITY was already TRUE on entry; `had_*` say whether the
    /// message had any of either.
    Transmit {
        /// The message object.
        msg: MsgId,
        /// Nontransmittable properties were transmitted (SUB-11).
        nontransmittable: bool,
        /// Recipients another transport had already taken were served (SUB-12).
        taken: bool,
        /// The message carried nontransmittable properties.
        had_nontransmittable: bool,
        /// Some recipient had PR_RESPONSIBILITY TRUE on entry.
        had_taken: bool,
        /// What the message object answered (SUB-2: S_OK while the object is valid; omitted
        /// when S_OK).
        #[serde(default = "s_ok", skip_serializing_if = "is_s_ok")]
        result: HResult,
    },
    /// PR_RESPONSIBILITY set TRUE on recipients of an outbound message (SUB-12, FLOW-10).
    SetResponsibility {
        /// The message object.
        msg: MsgId,
        /// What the message object answered (SUB-2: S_OK while the object is valid; omitted
        /// when S_OK).
        #[serde(default = "s_ok", skip_serializing_if = "is_s_ok")]
        result: HResult,
    },
    /// `IMAPIProp::SaveChanges` on a message (SM-10, SUB-9).
    SaveChanges {
        /// The message object.
        msg: MsgId,
        /// What the message object answered (SUB-2: S_OK while the object is valid; omitted
        /// when S_OK).
        #[serde(default = "s_ok", skip_serializing_if = "is_s_ok")]
        result: HResult,
    },
    /// The provider released the message object (SM-11).
    MessageRelease {
        /// The message object.
        msg: MsgId,
    },

    // ---- environment ----
    /// A message arrived on the wire for the provider to deliver inbound (POLL-2, TN-20).
    MailArrived {
        /// Identity of the wire message.
        content: u32,
    },
    /// Spooler time passed without calls (SUB-7 retry delays).
    TimePasses {
        /// Seconds.
        secs: u32,
    },
    /// A client called `IMsgStore::AbortSubmit` on a submitted message (TN-4, DEF-1..DEF-3).
    AbortSubmit {
        /// The message.
        msg: MsgId,
        /// `ulFlags`: reserved, 0 (DEF-1).
        #[serde(default, skip_serializing_if = "is_zero_word")]
        flags: Word,
        /// The store's answer (DEF-2).
        hr: HResult,
    },
    /// MAPI called the message service's entry function with MSG_SERVICE_CONFIGURE after
    /// TransportLogon returned MAPI_E_UNCONFIGURED (LIFE-21).
    ServiceConfigure,
    /// A client called `IMAPIStatus::FlushQueues(ulUIParam, cbTargetTransport,
    /// lpTargetTransport, ulFlags)` on the spooler's own status object (FQ-4, FQ-18): the
    /// spooler then owes an `IXPLogon::FlushQueues` to every transport logon active at this
    /// moment, or to the one named. Thread: a client thread. Provider-level (it concerns every
    /// logon, [`Body::is_provider_level`]); `Event::logon` is not used.
    SpoolerStatusFlush {
        /// FLUSH_* flags the client passed.
        flags: FlushFlags,
        /// The logon index of the transport whose status-row entry id the client passed in
        /// `cbTargetTransport`/`lpTargetTransport` (FQ-18); `None`: no target, every transport.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target: Option<u8>,
    },
    /// A message store logged off: `IMAPISupport::StoreLogoffTransports(&ulFlags)` told the
    /// spooler how to wind down this logon's traffic for it (FLOW-15). Thread: spooler.
    StoreLogoff {
        /// LOGOFF_ABORT, LOGOFF_NO_WAIT, LOGOFF_ORDERLY, LOGOFF_PURGE, LOGOFF_QUIET.
        flags: StoreLogoffFlags,
    },
}

/// One observed event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Event {
    /// Trace format version, always [`TRACE_FORMAT_VERSION`].
    pub v: u32,
    /// Sequence number, from 0, increasing by one per event.
    pub seq: u64,
    /// Which transport logon (IXPLogon) the event concerns; 0 for the first.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub logon: u8,
    /// The logical thread it happened on.
    pub thread: Thread,
    /// What happened.
    #[serde(flatten)]
    pub body: Body,
}

impl Event {
    /// An event of the current trace format on logon 0.
    pub fn new(seq: u64, thread: Thread, body: Body) -> Event {
        Event {
            v: TRACE_FORMAT_VERSION,
            seq,
            logon: 0,
            thread,
            body,
        }
    }

    /// One JSON Lines line (no trailing newline).
    pub fn to_json_line(&self) -> String {
        serde_json::to_string(self).expect("events always serialise")
    }
}

impl Body {
    /// A provider return with no outputs.
    pub fn ret(method: Method, hr: HResult) -> Body {
        Body::Return {
            method,
            hr,
            flags: None,
            msg_ref: None,
            return_parm: None,
            incoming: None,
        }
    }

    /// `SpoolerNotify(flags, entry id)` answered S_OK.
    pub fn spooler_notify(flags: SpoolerNotifyFlags, entry_id: Option<MsgId>) -> Body {
        Body::SpoolerNotify {
            flags,
            entry_id,
            result: HResult::S_OK,
        }
    }

    /// `ModifyStatusRow` passing only PR_STATUS_CODE (no column record), answered S_OK.
    pub fn status_row(flags: StatusRowFlags, status: StatusCode) -> Body {
        Body::ModifyStatusRow {
            flags,
            status,
            columns: None,
            resource_methods: None,
            remote_validate_ok: None,
            result: HResult::S_OK,
        }
    }

    /// A return whose one output is `*lpulFlags` (TransportNotify, EndMessage, TransportLogon).
    pub fn ret_flags(method: Method, hr: HResult, flags: u32) -> Body {
        Body::Return {
            method,
            hr,
            flags: Some(Word(flags)),
            msg_ref: None,
            return_parm: None,
            incoming: None,
        }
    }

    /// The entry point this body calls, if it is a spooler -> provider call.
    pub fn call_method(&self) -> Option<Method> {
        Some(match self {
            Body::TransportLogon { .. } => Method::TransportLogon,
            Body::AddressTypes => Method::AddressTypes,
            Body::TransportNotify { .. } => Method::TransportNotify,
            Body::SubmitMessage { .. } => Method::SubmitMessage,
            Body::EndMessage { .. } => Method::EndMessage,
            Body::StartMessage { .. } => Method::StartMessage,
            Body::Poll => Method::Poll,
            Body::Idle { .. } => Method::Idle,
            Body::FlushQueues { .. } => Method::FlushQueues,
            Body::ValidateState { .. } => Method::ValidateState,
            Body::OpenStatusEntry { .. } => Method::OpenStatusEntry,
            Body::TransportLogoff { .. } => Method::TransportLogoff,
            Body::Shutdown { .. } => Method::Shutdown,
            Body::ProviderInit { .. } => Method::ProviderInit,
            Body::RegisterOptions => Method::RegisterOptions,
            Body::Release { .. } => Method::Release,
            Body::StatusValidateState { .. } => Method::StatusValidateState,
            Body::StatusFlushQueues { .. } => Method::StatusFlushQueues,
            Body::StatusSettingsDialog => Method::StatusSettingsDialog,
            _ => return None,
        })
    }

    /// An event about the provider object rather than one logon: `XPProviderInit`, `Shutdown`,
    /// `Release` of the provider object, MAPI's MSG_SERVICE_CONFIGURE and a client's
    /// FlushQueues on the spooler's status object (LIFE-1..LIFE-4, LIFE-21, LIFE-31, LIFE-33,
    /// FQ-4). Their returns are routed by the open call they answer
    /// ([`crate::judge::observe_event`]).
    pub fn is_provider_level(&self) -> bool {
        matches!(
            self,
            Body::ProviderInit { .. }
                | Body::Shutdown { .. }
                | Body::Release {
                    object: Released::Provider
                }
                | Body::ServiceConfigure
                | Body::SpoolerStatusFlush { .. }
        )
    }

    /// A call from the provider into a harness-owned object (support object, message object,
    /// out-parameter): these count toward the AMB-6 (b) bound after a cancel.
    pub fn is_harness_call(&self) -> bool {
        matches!(
            self,
            Body::SpoolerNotify { .. }
                | Body::SpoolerYield { .. }
                | Body::ModifyStatusRow { .. }
                | Body::StatusRecips { .. }
                | Body::MakeInvalid
                | Body::SupportRelease
                | Body::MsgRefWrite { .. }
                | Body::MessageRead { .. }
                | Body::MessageWrite { .. }
                | Body::MessageRecipients { .. }
                | Body::SetResponsibility { .. }
                | Body::Transmit { .. }
                | Body::SaveChanges { .. }
                | Body::MessageRelease { .. }
        )
    }

    /// What the message object answered a message operation (SUB-2): `Some` for MessageRead,
    /// MessageWrite, MessageRecipients, SetResponsibility, Transmit and SaveChanges.
    pub fn message_result(&self) -> Option<HResult> {
        match *self {
            Body::MessageRead { result, .. }
            | Body::MessageWrite { result, .. }
            | Body::MessageRecipients { result, .. }
            | Body::SetResponsibility { result, .. }
            | Body::Transmit { result, .. }
            | Body::SaveChanges { result, .. } => Some(result),
            _ => None,
        }
    }

    /// The message object a message operation touches.
    pub fn message(&self) -> Option<MsgId> {
        match *self {
            Body::MessageRead { msg, .. }
            | Body::MessageWrite { msg, .. }
            | Body::MessageRecipients { msg, .. }
            | Body::SetResponsibility { msg, .. }
            | Body::Transmit { msg, .. }
            | Body::SaveChanges { msg, .. }
            | Body::MessageRelease { msg }
            | Body::StatusRecips { msg, .. } => Some(msg),
            _ => None,
        }
    }
}
