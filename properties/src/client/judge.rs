//! The client judge: what the client rules need to remember about one process
//! ([`ClientState`], fixed-size and `Copy`, so the session model carries it in its states), and
//! [`ClientJudge::observe`], which runs the client monitors on an event against the state
//! before it and then applies the event.

use super::event::{ClientBody, ClientCall, ClientEvent, NotifKind, ProviderKind};
use super::monitors;
use super::resolve::{fingerprint, invalid, no_name, Invalid};
use super::rules::ClientRid;
use crate::event::Thread;
use crate::judge::{Collect, Finding, Sink, Violation};
use crate::vocab::{FlagWord, HResult, MapiInitFlags, MapiLogonFlags, MAPI_INIT_VERSION};

/// Client threads a trace may use: `client1` ..= `client8`.
pub const CLIENT_THREADS: usize = 8;
/// Session indices a trace may use: 0 ..= 7.
pub const SESSIONS: usize = 8;
/// Notifications queued at once.
pub const QUEUE: usize = 8;
/// Slot of MAPI's notification thread (`notify`).
pub const NOTIFY_SLOT: usize = CLIENT_THREADS;

/// The tracker slot of a thread: `clientN` -> N-1, `notify` -> [`NOTIFY_SLOT`].
pub fn slot(th: Thread) -> Option<usize> {
    match th {
        Thread::Client(n) if (1..=CLIENT_THREADS as u8).contains(&n) => Some(n as usize - 1),
        Thread::Notify => Some(NOTIFY_SLOT),
        _ => None,
    }
}

/// An open `MAPILogonEx` call and what happened inside it so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LogonCall {
    /// `flFlags`.
    pub flags: MapiLogonFlags,
    /// `lpszProfileName` was NULL or empty.
    pub no_name: bool,
    /// Fingerprint of `lpszProfileName` ([`fingerprint`]).
    pub name: u64,
    /// The parameter error, if any (LOGON-14).
    pub invalid: Option<Invalid>,
    /// `ulUIParam` was 0 (LOGON-3).
    pub ui_param_zero: bool,
    /// The logon mutex was acquired in this call (LOGON-13).
    pub acquired: bool,
    /// The logon dialog was shown (LOGON-7).
    pub dialog: bool,
    /// The service configuration dialog was shown (LOGON-15).
    pub config_dialog: bool,
    /// Address book providers were started in this call (LOGON-15).
    pub ab_started: bool,
    /// An inbound pass completed in this call (LOGON-9).
    pub inbound: bool,
}

/// The call open on a thread.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Open {
    /// None.
    #[default]
    None,
    /// `MAPIInitialize` (INIT-9).
    Init {
        /// `MAPIINIT_0.ulFlags` (0 for a NULL pointer).
        flags: MapiInitFlags,
        /// The argument-check error MAPI must return (INIT-9 step 1), if any.
        arg_error: Option<HResult>,
        /// MAPI called `CoInitialize` in this call (SVC-3).
        coinit: bool,
    },
    /// `MAPIUninitialize`.
    Uninit,
    /// `MAPILogonEx`.
    Logon(LogonCall),
    /// `HrDispatchNotifications`.
    Dispatch,
    /// `IMAPISession::GetStatusTable` on a session (STAT-9).
    StatusTable {
        /// The session.
        session: u8,
    },
}

/// What the judge remembers about one thread.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ThreadState {
    /// The open call.
    pub open: Open,
    /// The thread appeared in the trace.
    pub seen: bool,
    /// The thread ended (INIT-10).
    pub exited: bool,
    /// Sessions this thread received from `MAPILogonEx` (bit per session, LOGON-18).
    pub sessions: u8,
    /// Of those, the ones it logged on to with `MAPI_NO_MAIL` (LOGON-10).
    pub no_mail: u8,
    /// Inside its message loop: window procedures may run (NOTIF-1).
    pub in_pump: bool,
    /// Its last wait returned because a window message is queued (SVC-6).
    pub woke: bool,
    /// A quit message is pending for `HrDispatchNotifications` (NOTIF-3).
    pub quit: bool,
}

/// What the judge remembers about one session.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionState {
    /// Returned to some client and not logged off by all of them.
    pub exists: bool,
    /// Client threads holding it (bit per slot).
    pub members: u16,
    /// Mail-enabled members (logged on without `MAPI_NO_MAIL`, LOGON-10, LOGON-18).
    pub mail: u16,
    /// Fingerprint of its profile name (LOGON-5).
    pub profile: u64,
    /// Address books started (LOGON-17).
    pub ab: bool,
    /// Stores started (LOGON-17).
    pub store: bool,
    /// Transports started (LOGON-10).
    pub transports: bool,
}

/// A queued notification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Queued {
    /// Its identity.
    pub id: u32,
    /// Its session.
    pub session: u8,
    /// Its kind.
    pub kind: NotifKind,
}

/// What the client rules remember about one process.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientState {
    /// The process runs as a Windows service.
    pub service: bool,
    /// `MAPIInitialize` reference count (INIT-2).
    pub refcount: u8,
    /// Some `MAPIInitialize` succeeded (SVC-3).
    pub ever_init: bool,
    /// The count dropped back to 0 after having been positive (INIT-2).
    pub finished: bool,
    /// `MAPIINIT_0.ulFlags` of the first `MAPIInitialize` (INIT-4, INIT-5).
    pub first_flags: MapiInitFlags,
    /// Slot of the thread that made the first `MAPIInitialize` (SVC-6, INIT-5).
    pub init_thread: Option<u8>,
    /// The hidden notification window and its owner (INIT-4, NOTIF-5).
    pub window: Option<Thread>,
    /// Slot of the thread holding the logon mutex (LOGON-13).
    pub mutex: Option<u8>,
    /// The shared session (LOGON-5, LOGON-6).
    pub shared: Option<u8>,
    /// Sessions.
    pub sessions: [SessionState; SESSIONS],
    /// Client threads, then MAPI's notification thread.
    pub threads: [ThreadState; CLIENT_THREADS + 1],
    /// Posted, not yet delivered notifications, oldest first.
    pub queue: [Option<Queued>; QUEUE],
}

impl ClientState {
    /// Whether notification `id` is queued.
    pub fn queued(&self, id: u32) -> Option<Queued> {
        self.queue.iter().flatten().find(|q| q.id == id).copied()
    }

    /// Number of queued notifications.
    pub fn queue_len(&self) -> usize {
        self.queue.iter().flatten().count()
    }
}

/// A client-side violation (the judge's generic [`Violation`] over [`ClientRid`]).
pub type ClientViolation<'a> = Violation<'a, ClientRid>;

/// A kept client-side finding (the judge's [`Finding`]).
pub type ClientFinding = Finding;

/// A sink that counts checks per client rule and keeps every finding.
pub type ClientCollect = Collect<ClientRid>;

/// Where client monitors report.
pub trait ClientSink: Sink<ClientRid> {}
impl<T: Sink<ClientRid>> ClientSink for T {}

/// A structurally impossible client trace (not a rule violation): it cannot be judged.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClientTraceError {
    /// The event needs a client thread (`client1`..`client8`, or `notify` where MAPI's thread
    /// may act).
    #[error("event {seq}: {what} must happen on a client thread (client1..client8), not {thread}")]
    NotClientThread {
        /// Offending event.
        seq: u64,
        /// What it is.
        what: &'static str,
        /// Thread name.
        thread: String,
    },
    /// A return with no open call of that kind on its thread.
    #[error("event {seq}: {call:?} returns on thread {thread} but no such call is open there")]
    ReturnWithoutCall {
        /// Offending event.
        seq: u64,
        /// The call named by the return.
        call: ClientCall,
        /// Thread name.
        thread: String,
    },
    /// A call while another client call is open on the same thread.
    #[error("event {seq}: a client call starts on thread {thread} while another is open there")]
    NestedCall {
        /// Offending event.
        seq: u64,
        /// Thread name.
        thread: String,
    },
    /// A session index of 8 or more.
    #[error("event {seq}: session index {session} is above the supported maximum 7")]
    SessionIndex {
        /// Offending event.
        seq: u64,
        /// The index.
        session: u8,
    },
    /// More than [`QUEUE`] notifications queued, or one id posted twice while queued.
    #[error("event {seq}: notification {id} cannot be queued (queue full or id already queued)")]
    Queue {
        /// Offending event.
        seq: u64,
        /// The notification.
        id: u32,
    },
}

/// The client judge for one process.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientJudge {
    /// What the rules remember.
    pub state: ClientState,
}

impl ClientJudge {
    /// A judge that has seen nothing.
    pub fn new() -> ClientJudge {
        ClientJudge::default()
    }

    /// Judges one event against the state before it, then remembers it.
    pub fn observe<S: ClientSink>(
        &mut self,
        ev: &ClientEvent,
        out: &mut S,
    ) -> Result<(), ClientTraceError> {
        let t = structure(&self.state, ev)?;
        monitors::check(&self.state, ev, t, out);
        apply(&mut self.state, ev, t);
        Ok(())
    }
}

/// Judges a whole trace; stops at the first structural error.
pub fn judge_trace(events: &[ClientEvent]) -> (ClientCollect, Result<(), ClientTraceError>) {
    let mut j = ClientJudge::new();
    let mut c = ClientCollect::new();
    for e in events {
        if let Err(err) = j.observe(e, &mut c) {
            return (c, Err(err));
        }
    }
    (c, Ok(()))
}

/// Checks the trace's shape; returns the thread's slot when it has one.
fn structure(s: &ClientState, ev: &ClientEvent) -> Result<Option<usize>, ClientTraceError> {
    use ClientBody as B;
    let t = slot(ev.thread);
    let needs_client: Option<&'static str> = match &ev.body {
        B::MapiInitialize { .. } => Some("MAPIInitialize"),
        B::MapiUninitialize { .. } => Some("MAPIUninitialize"),
        B::MapiLogonEx { .. } => Some("MAPILogonEx"),
        B::HrDispatchNotifications { .. } => Some("HrDispatchNotifications"),
        B::MapiReturn { .. } => Some("a client call's return"),
        B::Logoff { .. }
        | B::GetStatusTable { .. }
        | B::StatusTable { .. }
        | B::SessionUse { .. } => Some("a session call"),
        B::ThreadExit => Some("a thread exit"),
        B::LogonMutexAcquired | B::LogonMutexReleased => Some("the logon mutex"),
        B::LogonDialog { .. } | B::ServiceConfigDialog => Some("a logon dialog"),
        B::Pump { .. } | B::Wait { .. } | B::WaitWoke { .. } | B::QuitMessage => {
            Some("a message loop")
        }
        B::NotificationDelivered { .. } => Some("a notification delivery"),
        B::CoInitialize | B::InboundPass { .. } => Some("work inside MAPIInitialize/MAPILogonEx"),
        _ => None,
    };
    let notify_ok = matches!(
        ev.body,
        B::Pump { .. } | B::NotificationDelivered { .. } | B::WaitWoke { .. } | B::Wait { .. }
    );
    if let Some(what) = needs_client {
        let ok = match t {
            Some(NOTIFY_SLOT) => notify_ok,
            Some(_) => true,
            None => false,
        };
        if !ok {
            return Err(ClientTraceError::NotClientThread {
                seq: ev.seq,
                what,
                thread: ev.thread.name(),
            });
        }
    }
    let session = match ev.body {
        B::ProviderStart { session, .. }
        | B::InboundPass { session }
        | B::Logoff { session }
        | B::GetStatusTable { session }
        | B::StatusTable { session, .. }
        | B::SessionUse { session }
        | B::NotificationPosted { session, .. } => Some(session),
        B::MapiReturn { session, .. } => session,
        _ => None,
    };
    if let Some(session) = session.filter(|&x| x as usize >= SESSIONS) {
        return Err(ClientTraceError::SessionIndex {
            seq: ev.seq,
            session,
        });
    }
    let starts_call = matches!(
        ev.body,
        B::MapiInitialize { .. }
            | B::MapiUninitialize { .. }
            | B::MapiLogonEx { .. }
            | B::HrDispatchNotifications { .. }
            | B::GetStatusTable { .. }
    );
    if let (true, Some(t)) = (starts_call, t) {
        if s.threads[t].open != Open::None {
            return Err(ClientTraceError::NestedCall {
                seq: ev.seq,
                thread: ev.thread.name(),
            });
        }
    }
    if let (B::MapiReturn { call, .. }, Some(t)) = (&ev.body, t) {
        let ok = matches!(
            (call, s.threads[t].open),
            (ClientCall::MapiInitialize, Open::Init { .. })
                | (ClientCall::MapiUninitialize, Open::Uninit)
                | (ClientCall::MapiLogonEx, Open::Logon(_))
                | (ClientCall::HrDispatchNotifications, Open::Dispatch)
                | (ClientCall::GetStatusTable, Open::StatusTable { .. })
        );
        if !ok {
            return Err(ClientTraceError::ReturnWithoutCall {
                seq: ev.seq,
                call: *call,
                thread: ev.thread.name(),
            });
        }
    }
    if let B::NotificationPosted { id, .. } = ev.body {
        if s.queued(id).is_some() || s.queue_len() >= QUEUE {
            return Err(ClientTraceError::Queue { seq: ev.seq, id });
        }
    }
    Ok(t)
}

/// The argument-check error `MAPIInitialize` must return (INIT-3, INIT-9 step 1).
pub fn init_arg_error(init: Option<super::event::MapiInit>) -> Option<HResult> {
    match init {
        Some(i) if i.version != MAPI_INIT_VERSION => Some(HResult::MAPI_E_INVALID_PARAMETER),
        Some(i) if i.flags.unknown_bits() != 0 => Some(HResult::MAPI_E_UNKNOWN_FLAGS),
        _ => None,
    }
}

fn apply(s: &mut ClientState, ev: &ClientEvent, t: Option<usize>) {
    use ClientBody as B;
    if let Some(t) = t {
        let th = &mut s.threads[t];
        th.seen = true;
        if !matches!(ev.body, B::Pump { .. } | B::NotificationDelivered { .. }) {
            th.in_pump = false;
        }
        if !matches!(ev.body, B::WaitWoke { .. }) {
            th.woke = false;
        }
    }
    let open = t.map(|t| s.threads[t].open).unwrap_or_default();
    match &ev.body {
        B::ProcessStart { service } => s.service = *service,
        B::MapiInitialize { init, .. } => {
            if let Some(t) = t {
                s.threads[t].open = Open::Init {
                    flags: init.map(|i| i.flags).unwrap_or_default(),
                    arg_error: init_arg_error(*init),
                    coinit: false,
                };
            }
        }
        B::CoInitialize => {
            if let (
                Some(t),
                Open::Init {
                    flags, arg_error, ..
                },
            ) = (t, open)
            {
                s.threads[t].open = Open::Init {
                    flags,
                    arg_error,
                    coinit: true,
                };
            }
        }
        B::NotifyWindowCreated { owner } => s.window = Some(*owner),
        B::NotifyWindowDestroyed => s.window = None,
        B::MapiUninitialize { .. } => {
            if let Some(t) = t {
                s.threads[t].open = Open::Uninit;
            }
        }
        B::MapiLogonEx {
            flags,
            profile,
            password_null,
            ui_param,
        } => {
            if let Some(t) = t {
                s.threads[t].open = Open::Logon(LogonCall {
                    flags: *flags,
                    no_name: no_name(profile.as_deref()),
                    name: fingerprint(profile.as_deref().unwrap_or("")),
                    invalid: invalid(*flags, profile.as_deref(), *password_null),
                    ui_param_zero: *ui_param == 0,
                    acquired: false,
                    dialog: false,
                    config_dialog: false,
                    ab_started: false,
                    inbound: false,
                });
            }
        }
        B::LogonMutexAcquired => {
            if let Some(t) = t {
                s.mutex = Some(t as u8);
                if let Open::Logon(c) = &mut s.threads[t].open {
                    c.acquired = true;
                }
            }
        }
        B::LogonMutexReleased => {
            if s.mutex.map(usize::from) == t {
                s.mutex = None;
            }
        }
        B::LogonDialog { .. } | B::ServiceConfigDialog | B::InboundPass { .. } => {
            if let Some(Open::Logon(c)) = t.map(|t| &mut s.threads[t].open) {
                match ev.body {
                    B::LogonDialog { .. } => c.dialog = true,
                    B::ServiceConfigDialog => c.config_dialog = true,
                    _ => c.inbound = true,
                }
            }
        }
        B::ProviderStart { session, kind } => {
            let se = &mut s.sessions[*session as usize];
            match kind {
                ProviderKind::AddressBook => {
                    se.ab = true;
                    if let Some(Open::Logon(c)) = t.map(|t| &mut s.threads[t].open) {
                        c.ab_started = true;
                    }
                }
                ProviderKind::Store => se.store = true,
                ProviderKind::Transport => se.transports = true,
            }
        }
        B::MapiReturn {
            hr,
            session,
            shared,
            profile,
            ..
        } => {
            let Some(t) = t else { return };
            s.threads[t].open = Open::None;
            match open {
                Open::Init { flags, .. } if *hr == HResult::S_OK => {
                    if s.refcount == 0 {
                        s.first_flags = flags;
                        s.init_thread = Some(t as u8);
                    }
                    s.refcount = s.refcount.saturating_add(1);
                    s.ever_init = true;
                    s.finished = false;
                }
                Open::Uninit if *hr == HResult::S_OK && s.refcount > 0 => {
                    s.refcount -= 1;
                    if s.refcount == 0 {
                        s.finished = true;
                    }
                }
                Open::Logon(c) if *hr == HResult::S_OK => {
                    if let Some(id) = *session {
                        let bit = 1u16 << t;
                        let se = &mut s.sessions[id as usize];
                        if !se.exists {
                            se.exists = true;
                            se.profile = fingerprint(profile.as_deref().unwrap_or(""));
                        }
                        se.members |= bit;
                        if c.flags.contains(MapiLogonFlags::MAPI_NO_MAIL) {
                            se.mail &= !bit;
                            s.threads[t].no_mail |= 1 << id;
                        } else {
                            se.mail |= bit;
                            s.threads[t].no_mail &= !(1 << id);
                        }
                        s.threads[t].sessions |= 1 << id;
                        if *shared {
                            s.shared = Some(id);
                        }
                    }
                }
                Open::Dispatch if *hr == HResult::MAPI_E_USER_CANCEL => {
                    s.threads[t].quit = false;
                }
                _ => {}
            }
        }
        B::Logoff { session } => {
            if let Some(t) = t {
                let id = *session;
                let bit = 1u16 << t;
                s.threads[t].sessions &= !(1 << id);
                s.threads[t].no_mail &= !(1 << id);
                let se = &mut s.sessions[id as usize];
                se.members &= !bit;
                se.mail &= !bit;
                if se.members == 0 {
                    *se = SessionState::default();
                    if s.shared == Some(id) {
                        s.shared = None;
                    }
                }
            }
        }
        B::NotificationPosted { id, session, kind } => {
            if let Some(free) = s.queue.iter_mut().find(|q| q.is_none()) {
                *free = Some(Queued {
                    id: *id,
                    session: *session,
                    kind: *kind,
                });
            }
        }
        B::NotificationDelivered { id, .. } => {
            if let Some(i) = s.queue.iter().position(|q| q.is_some_and(|q| q.id == *id)) {
                s.queue.copy_within(i + 1.., i);
                s.queue[QUEUE - 1] = None;
            }
        }
        B::HrDispatchNotifications { .. } => {
            if let Some(t) = t {
                s.threads[t].open = Open::Dispatch;
            }
        }
        B::GetStatusTable { session } => {
            if let Some(t) = t {
                s.threads[t].open = Open::StatusTable { session: *session };
            }
        }
        B::Pump { .. } => {
            if let Some(t) = t {
                s.threads[t].in_pump = true;
            }
        }
        B::WaitWoke { message } => {
            if let Some(t) = t {
                s.threads[t].woke = *message;
            }
        }
        B::QuitMessage => {
            if let Some(t) = t {
                s.threads[t].quit = true;
            }
        }
        B::ThreadExit => {
            if let Some(t) = t {
                s.threads[t].exited = true;
            }
        }
        B::StatusTable { .. } | B::SessionUse { .. } | B::Wait { .. } | B::ProcessExit => {}
    }
}
