//! Client-side events: what a MAPI client (application or Windows service) and the MAPI
//! session layer do — MAPIInitialize / MAPIUninitialize, MAPILogonEx and its logon mutex,
//! dialogs, provider start-up, GetStatusTable and the status table, the hidden notification
//! window, posted and
//! delivered notifications, HrDispatchNotifications, message pumps and waits.
//!
//! A [`ClientEvent`] is written in the same JSON Lines format as a transport
//! [`Event`]: `{"v": 1, "seq": n, "thread": "client1", "event": "...", ...}`.
//! The `event` tags are disjoint from the transport ones, so one trace file may hold both kinds
//! of line ([`TraceLine`] reads either). Client calls happen on `clientN` threads; MAPI's own
//! notification thread (`MAPI_MULTITHREAD_NOTIFICATIONS`, INIT-4, NOTIF-5) is written `notify`;
//! a transport raising a notification writes `provider`, the spooler starting transports
//! writes `spooler`.

use serde::{Deserialize, Serialize};

use crate::event::{Event, Thread, Word, TRACE_FORMAT_VERSION};
use crate::vocab::{HResult, MapiInitFlags, MapiLogonFlags, StatusCode};

fn is_false(b: &bool) -> bool {
    !*b
}

/// `MAPIINIT_0` as passed to `MAPIInitialize` (INIT-3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MapiInit {
    /// `ulVersion`: `MAPI_INIT_VERSION` (0) (INIT-3).
    pub version: u32,
    /// `ulFlags` (INIT-3..INIT-7).
    pub flags: MapiInitFlags,
}

/// Which kind of provider MAPI starts for a session (LOGON-17).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderKind {
    /// Address book providers: started first (LOGON-17).
    AddressBook,
    /// Message store providers: after the address books (LOGON-17).
    Store,
    /// Transport providers: `XPProviderInit`/`TransportLogon` driven by the spooler, only when
    /// first needed and never for a `MAPI_NO_MAIL` session (LOGON-10, LOGON-17).
    Transport,
}

/// Which client call a [`ClientBody::MapiReturn`] ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientCall {
    /// `MAPIInitialize` (INIT-9).
    MapiInitialize,
    /// `MAPIUninitialize` (INIT-2).
    MapiUninitialize,
    /// `MAPILogonEx` (LOGON-14).
    MapiLogonEx,
    /// `HrDispatchNotifications` (NOTIF-3).
    HrDispatchNotifications,
    /// `IMAPISession::GetStatusTable` (STAT-9).
    GetStatusTable,
}

/// The kind of a posted notification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotifKind {
    /// New mail (a transport's `SpoolerNotify(NOTIFY_NEWMAIL)` turned into `fnevNewMail`).
    NewMail,
    /// A read status report (LOGON-18: never for a `MAPI_NO_MAIL` client).
    ReadReport,
    /// A status-table change.
    StatusChange,
}

/// How a notification reached its advise sink (NOTIF-1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// The hidden window's procedure processed `szMAPINotificationMsg` during a message pump.
    WindowProc,
    /// Inside `HrDispatchNotifications` (NOTIF-2, NOTIF-3).
    HrDispatch,
}

/// How a thread runs its message loop (NOTIF-4, SVC-6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PumpKind {
    /// `GetMessage` / `TranslateMessage` / `DispatchMessage` on the queued messages.
    GetMessage,
    /// A `PeekMessage`/`DispatchMessage` loop with a timeout (NOTIF-4 discourages it).
    PeekTimeout,
}

/// What happened on the client side. The JSON tag is `"event"`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientBody {
    /// The process starts; `service` says whether it runs as a Windows service (LOGON-11,
    /// INIT-6, SVC-*).
    ProcessStart {
        /// Runs as a Windows service.
        service: bool,
    },
    /// `MAPIInitialize(lpMapiInit)` (INIT-1..INIT-9).
    MapiInitialize {
        /// `*lpMapiInit`, or `None` for a NULL pointer (INIT-3).
        #[serde(default)]
        init: Option<MapiInit>,
        /// Called from `DllMain` or a thread-creating/terminating function (INIT-8).
        #[serde(default, skip_serializing_if = "is_false")]
        from_dll_main: bool,
    },
    /// MAPI called `CoInitialize` inside `MAPIInitialize` (SVC-3, INIT-7).
    CoInitialize,
    /// MAPI created the hidden notification window, owned by `owner` (INIT-4, NOTIF-5).
    NotifyWindowCreated {
        /// The owning thread: the initialising client thread, or `notify` (MAPI's own thread
        /// with `MAPI_MULTITHREAD_NOTIFICATIONS`).
        owner: Thread,
    },
    /// MAPI destroyed the hidden notification window (INIT-4: when the count drops to 0).
    NotifyWindowDestroyed,
    /// `MAPIUninitialize()` (INIT-2, INIT-8).
    MapiUninitialize {
        /// Called from `DllMain` or a thread-creating/terminating function (INIT-8).
        #[serde(default, skip_serializing_if = "is_false")]
        from_dll_main: bool,
    },
    /// `MAPILogonEx(ulUIParam, lpszProfileName, lpszPassword, flFlags, &lpSession)`
    /// (LOGON-1..LOGON-18).
    MapiLogonEx {
        /// `flFlags`.
        flags: MapiLogonFlags,
        /// `lpszProfileName`; `None` for NULL (LOGON-2, LOGON-5, LOGON-8).
        #[serde(default)]
        profile: Option<String>,
        /// `lpszPassword` is NULL (LOGON-1).
        password_null: bool,
        /// `ulUIParam` (LOGON-3).
        #[serde(default)]
        ui_param: u64,
    },
    /// MAPI acquired the process-wide logon mutex for the logon running on this thread
    /// (LOGON-13).
    LogonMutexAcquired,
    /// MAPI released the logon mutex (LOGON-13).
    LogonMutexReleased,
    /// MAPI showed the logon dialog (LOGON-7), with this text in its profile-name field.
    LogonDialog {
        /// The pre-filled profile name (empty when `lpszProfileName` was NULL/empty, LOGON-7).
        profile_field: String,
    },
    /// MAPI showed the configuration dialog of the message services (LOGON-15).
    ServiceConfigDialog,
    /// MAPI (or the spooler, for transports) started providers of a session (LOGON-17,
    /// LOGON-10).
    ProviderStart {
        /// The session (an index chosen by the trace writer, < 8).
        session: u8,
        /// Which providers.
        kind: ProviderKind,
    },
    /// The download of `MAPI_FORCE_DOWNLOAD` completed an inbound pass for the session
    /// (LOGON-9).
    InboundPass {
        /// The session.
        session: u8,
    },
    /// A client call returned.
    MapiReturn {
        /// Which call.
        call: ClientCall,
        /// The HRESULT.
        hr: HResult,
        /// `*lppSession` of a successful `MAPILogonEx`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        session: Option<u8>,
        /// The returned session is the shared session (LOGON-5, LOGON-6).
        #[serde(default, skip_serializing_if = "is_false")]
        shared: bool,
        /// The profile the returned session runs on (LOGON-8).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        profile: Option<String>,
    },
    /// `IMAPISession::Logoff` (LOGON-18: only by a client that received the session).
    Logoff {
        /// The session.
        session: u8,
    },
    /// `IMAPISession::GetStatusTable(ulFlags, &lpTable)` on a session (STAT-9); it ends with a
    /// [`ClientBody::MapiReturn`] of [`ClientCall::GetStatusTable`]. For a client logged on
    /// without `MAPI_NO_MAIL`, MAPI returns only once the spooler has started the session's
    /// transports ([`ProviderKind::Transport`]).
    GetStatusTable {
        /// The session.
        session: u8,
    },
    /// The client read the session's status table (LOGON-10).
    StatusTable {
        /// The session.
        session: u8,
        /// Rows of transport providers.
        transport_rows: u8,
        /// `PR_STATUS_CODE` of the spooler's row.
        spooler_status: StatusCode,
    },
    /// The client called a method of a session object (LOGON-18).
    SessionUse {
        /// The session.
        session: u8,
    },
    /// MAPI posted `szMAPINotificationMsg` for a notification to the hidden window (NOTIF-1).
    NotificationPosted {
        /// Identity of the notification (< 2^32, unique in the trace).
        id: u32,
        /// The session it is for.
        session: u8,
        /// What it says.
        kind: NotifKind,
    },
    /// A notification reached its advise sink on this thread (NOTIF-1, NOTIF-5).
    NotificationDelivered {
        /// Identity of the notification.
        id: u32,
        /// Through the window procedure or inside `HrDispatchNotifications`.
        via: Via,
    },
    /// `HrDispatchNotifications(ulFlags)` (NOTIF-2, NOTIF-3).
    HrDispatchNotifications {
        /// Reserved, 0 (NOTIF-3).
        flags: Word,
    },
    /// The thread ran its message loop over the queued window messages (NOTIF-1, SVC-6).
    Pump {
        /// GetMessage loop or PeekMessage timeout loop (NOTIF-4).
        how: PumpKind,
    },
    /// The thread blocks (SVC-6, INIT-10, NOTIF-2).
    Wait {
        /// `MsgWaitForMultipleObjects` (wakes on window messages) rather than a plain wait.
        pumping: bool,
        /// The thread waits for a MAPI notification.
        #[serde(default, skip_serializing_if = "is_false")]
        for_notification: bool,
    },
    /// A wait returned: `message` = `WAIT_OBJECT_0 + nCount` (a window message is queued).
    WaitWoke {
        /// A window message is queued (SVC-6: pump now).
        message: bool,
    },
    /// `WM_QUIT`, `WM_QUERYENDSESSION` or `WM_ENDSESSION` reached the thread (NOTIF-3).
    QuitMessage,
    /// The client thread ends (INIT-10).
    ThreadExit,
    /// The process ends (INIT-2).
    ProcessExit,
}

/// One observed client-side event.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClientEvent {
    /// Trace format version, always [`TRACE_FORMAT_VERSION`].
    pub v: u32,
    /// Sequence number, from 0, increasing by one per event.
    pub seq: u64,
    /// The logical thread it happened on.
    pub thread: Thread,
    /// What happened.
    #[serde(flatten)]
    pub body: ClientBody,
}

impl ClientEvent {
    /// An event of the current trace format.
    pub fn new(seq: u64, thread: Thread, body: ClientBody) -> ClientEvent {
        ClientEvent {
            v: TRACE_FORMAT_VERSION,
            seq,
            thread,
            body,
        }
    }

    /// One JSON Lines line (no trailing newline).
    pub fn to_json_line(&self) -> String {
        serde_json::to_string(self).expect("client events always serialise")
    }
}

/// One line of a trace that may mix transport and client events (`"v": 1` for both).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TraceLine {
    /// A spooler <-> transport event.
    Transport(Event),
    /// A client-side event.
    Client(ClientEvent),
}

impl ClientBody {
    /// A `MapiReturn` with no session.
    pub fn ret(call: ClientCall, hr: HResult) -> ClientBody {
        ClientBody::MapiReturn {
            call,
            hr,
            session: None,
            shared: false,
            profile: None,
        }
    }
}
