//! The stateright model of the MAPI session layer: client threads running their programs, MAPI
//! (the `MAPIInitialize` reference count, the hidden notification window, the process-wide logon
//! mutex, the shared session, profile resolution, `MAPI_NO_MAIL`), the spooler starting
//! transports when first needed, a transport raising `NOTIFY_NEWMAIL`, and MAPI's notification
//! thread. Every transition's events are judged by the client monitors; violating states are
//! terminal.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use stateright::{Model, Property};
use xpcheck_properties::client::event::{
    ClientBody as B, ClientCall, ClientEvent, MapiInit, NotifKind, ProviderKind, PumpKind, Via,
};
use xpcheck_properties::client::judge::{slot, ClientJudge};
use xpcheck_properties::client::resolve::{resolve, Resolution};
use xpcheck_properties::client::ClientRid;
use xpcheck_properties::event::{Thread, Word};
use xpcheck_properties::rule_set::RuleMask;
use xpcheck_properties::vocab::{
    HResult as H, MapiInitFlags as I, MapiLogonFlags as L, StatusCode,
};

use crate::counters::{Counters, CountingSink};

use super::behaviour::{
    Await, ClientBehaviour, ProfileArg, Program, SessionScenario, CUSTOM_PROFILE, DEFAULT_PROFILE,
    PROFILES,
};

/// Most client threads a session model runs.
pub const MAX_THREADS: usize = 3;
/// Sessions the model allocates (ids 0..4).
const MODEL_SESSIONS: usize = 4;

/// Where a client thread is in its program.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Pc {
    /// Not started (or no program on this thread).
    #[default]
    Idle,
    /// Next: `MAPIInitialize`.
    Init,
    /// Next: `MAPILogonEx`.
    Logon,
    /// In `MAPILogonEx`, waiting for the logon mutex (LOGON-13).
    WantMutex,
    /// In `MAPILogonEx`, holding the mutex.
    InMutex,
    /// In `MAPILogonEx`, the logon dialog is open (LOGON-7).
    Dialog,
    /// Next: `IMAPISession::GetStatusTable`, then read the table (STAT-9, LOGON-10).
    Status,
    /// In `GetStatusTable`, waiting for the spooler to start the session's transports (STAT-9).
    InStatusTable,
    /// Next: wait for notifications.
    Await,
    /// Blocked in a wait (`pumping`: `MsgWaitForMultipleObjects`).
    Waiting {
        /// Wakes on window messages.
        pumping: bool,
    },
    /// Next: `Logoff`.
    Logoff,
    /// Next: `MAPIUninitialize`.
    Uninit,
    /// Next: thread exit.
    Exit,
    /// Exited.
    Done,
}

/// One client thread.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ThreadRun {
    /// Index of its program in its menu.
    pub prog: u8,
    /// Where it is.
    pub pc: Pc,
    /// The session `MAPILogonEx` returned.
    pub session: Option<u8>,
}

/// A state of the session model.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SessionState {
    /// What the client monitors remember; also MAPI's own bookkeeping (reference count, window,
    /// mutex, shared session, sessions, notification queue).
    pub judge: ClientJudge,
    /// The client threads.
    pub threads: [ThreadRun; MAX_THREADS],
    /// The profile (index, see [`PROFILES`]) of each session.
    pub profiles: [u8; MODEL_SESSIONS],
    /// `ProcessStart` happened.
    pub started: bool,
    /// `ProcessExit` happened.
    pub exited: bool,
    /// New-mail notifications the transport may still raise.
    pub posts_left: u8,
    /// Next notification id.
    pub next_notif: u8,
    /// Violated client rules (bit = `ClientRid as u8`).
    pub violations: RuleMask,
    /// Reached situations (bit per entry of [`SOMETIMES`]).
    pub reached: u32,
}

/// A step of the session model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SessionAction {
    /// The process starts.
    Start,
    /// Client thread `i` (0-based) takes its next program step.
    Step(u8),
    /// MAPI acquires the logon mutex for thread `i` (LOGON-13).
    Acquire(u8),
    /// MAPI gives up on the mutex for thread `i`: `MAPI_E_TIMEOUT` (LOGON-13).
    Timeout(u8),
    /// The user picks a profile in thread `i`'s logon dialog (LOGON-7).
    UserPicks(u8),
    /// The user cancels thread `i`'s logon dialog: `MAPI_E_USER_CANCEL` (LOGON-14).
    UserCancels(u8),
    /// Thread `i`'s wait returns because a window message is queued (SVC-6), and it pumps.
    WakeMessage(u8),
    /// Thread `i`'s wait times out.
    WakeTimeout(u8),
    /// The spooler logs on the transports of a session when first needed (LOGON-10, LOGON-17).
    SpoolerStarts(u8),
    /// A transport calls `SpoolerNotify(NOTIFY_NEWMAIL)`; MAPI posts the notification (NOTIF-1).
    NewMail(u8),
    /// MAPI's notification thread pumps its window (INIT-4, NOTIF-5).
    MapiThreadPumps,
    /// The process exits (INIT-2).
    Exit,
}

/// The `sometimes` properties: situations the exploration must reach, with the rule whose
/// trigger each shows reachable. A rule with an entry here is `pass` only if it was reached.
pub const SOMETIMES: [(&str, &str); 19] = [
    (
        "LOGON-5",
        "LOGON-5: a logon without MAPI_NEW_SESSION joins the shared session",
    ),
    (
        "LOGON-6",
        "LOGON-6: MAPI_ALLOW_OTHERS makes a new session the shared session",
    ),
    (
        "LOGON-7",
        "LOGON-7: MAPI_LOGON_UI shows the logon dialog with an empty profile field",
    ),
    (
        "LOGON-14",
        "LOGON-14: the user cancels the dialog (MAPI_E_USER_CANCEL)",
    ),
    (
        "LOGON-8",
        "LOGON-8: MAPI_USE_DEFAULT resolves the default profile",
    ),
    (
        "LOGON-9",
        "LOGON-9: MAPI_FORCE_DOWNLOAD downloads before MAPILogonEx returns",
    ),
    (
        "LOGON-10",
        "LOGON-10: a MAPI_NO_MAIL client reads a status table without transport rows",
    ),
    (
        "LOGON-13",
        "LOGON-13: MAPI_TIMEOUT_SHORT times out while another thread holds the mutex",
    ),
    (
        "LOGON-15",
        "LOGON-15: MAPI_SERVICE_UI_ALWAYS shows the configuration dialog",
    ),
    (
        "LOGON-16",
        "LOGON-16: a logon without UI, profile name or MAPI_USE_DEFAULT fails",
    ),
    (
        "LOGON-18",
        "LOGON-18: a mail-enabled client shares a MAPI_NO_MAIL session and gets transports",
    ),
    (
        "NOTIF-1",
        "NOTIF-1: a notification reaches a sink through a client thread's message loop",
    ),
    (
        "NOTIF-2",
        "NOTIF-2: a client waiting for notifications pumps and receives one",
    ),
    (
        "NOTIF-3",
        "NOTIF-3: HrDispatchNotifications delivers a queued notification",
    ),
    (
        "NOTIF-5",
        "NOTIF-5: a notification is delivered on MAPI's notification thread",
    ),
    (
        "SVC-6",
        "SVC-6: a service's initialisation thread pumps a queued window message",
    ),
    (
        "INIT-4",
        "INIT-4: a later MAPIInitialize only bumps the count",
    ),
    (
        "LOGON-3",
        "LOGON-3: ulUIParam = 0 with no dialog, and the logon succeeds",
    ),
    (
        "STAT-9",
        "STAT-9: GetStatusTable waits until the spooler has started the session's transports",
    ),
];

fn reached_bit(rule_name: &str) -> u32 {
    let i = SOMETIMES
        .iter()
        .position(|(_, n)| *n == rule_name)
        .expect("a SOMETIMES entry");
    1 << i
}

/// What a session model explores.
#[derive(Clone, Debug)]
pub struct SessionConfig {
    /// The process (for the report and the replay command).
    pub scenario: SessionScenario,
    /// The process runs as a Windows service.
    pub service: bool,
    /// The behaviour.
    pub behaviour: ClientBehaviour,
    /// Per thread, its menu of programs.
    pub programs: Vec<Vec<Program>>,
    /// New-mail notifications a transport raises.
    pub posts: u8,
}

impl SessionConfig {
    /// A built-in scenario with a behaviour.
    pub fn scenario(scenario: SessionScenario, behaviour: ClientBehaviour) -> SessionConfig {
        SessionConfig {
            scenario,
            service: scenario.service(),
            behaviour,
            programs: behaviour.programs(scenario),
            posts: match scenario {
                SessionScenario::Notify => 2,
                SessionScenario::App => 1,
                SessionScenario::Service => 0,
            },
        }
    }
}

/// The session model.
#[derive(Clone, Debug)]
pub struct SessionModel {
    /// What to explore.
    pub cfg: SessionConfig,
    /// The name behind [`CUSTOM_PROFILE`] (`xpcheck logon --profile`).
    pub custom_profile: String,
    /// Check counters.
    pub counters: Arc<Counters<ClientRid>>,
    /// Violating states are terminal (default). `xpcheck logon` turns this off to follow a
    /// call that breaks a client rule through to what MAPI returns.
    pub stop_on_violation: bool,
}

/// Emits and judges events during one transition.
struct Emit<'a> {
    events: Option<&'a mut Vec<ClientEvent>>,
    seq: &'a mut u64,
    sink: CountingSink<'a, ClientRid>,
}

fn client(i: usize) -> Thread {
    Thread::Client(i as u8 + 1)
}

fn holds<const I: usize>(_: &SessionModel, s: &SessionState) -> bool {
    !ClientRid::ALL
        .get(I)
        .is_some_and(|r| s.violations.contains(*r))
}

fn reached<const I: u8>(_: &SessionModel, s: &SessionState) -> bool {
    s.reached & (1u32 << I) != 0
}

macro_rules! table {
    ($f:ident, $($i:literal)*) => { [$($f::<$i>,)*] };
}

const HOLDS: [fn(&SessionModel, &SessionState) -> bool; 40] = table!(holds,
    0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34
    35 36 37 38 39);
const REACHED: [fn(&SessionModel, &SessionState) -> bool; 19] =
    table!(reached, 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18);

impl SessionModel {
    /// A model of `cfg` with fresh counters.
    pub fn new(cfg: SessionConfig) -> SessionModel {
        SessionModel {
            cfg,
            custom_profile: String::new(),
            counters: Arc::new(Counters::new()),
            stop_on_violation: true,
        }
    }

    /// Stops counting checks (call after exploration, before rebuilding paths).
    pub fn stop_counting(&self) {
        self.counters.stop();
    }

    fn program(&self, s: &SessionState, i: usize) -> &Program {
        &self.cfg.programs[i][s.threads[i].prog as usize]
    }

    fn profile_name(&self, p: u8) -> &str {
        if p == CUSTOM_PROFILE {
            &self.custom_profile
        } else {
            PROFILES.get(p as usize).copied().unwrap_or("")
        }
    }

    fn profile_arg(&self, a: ProfileArg) -> Option<String> {
        match a {
            ProfileArg::Null => None,
            ProfileArg::Empty => Some(String::new()),
            ProfileArg::Name(p) => Some(self.profile_name(p).to_owned()),
        }
    }

    fn faulty(&self, b: ClientBehaviour) -> bool {
        self.cfg.behaviour == b
    }

    fn emit(&self, s: &mut SessionState, e: &mut Emit<'_>, th: Thread, body: B) {
        let ev = ClientEvent::new(*e.seq, th, body);
        *e.seq += 1;
        let ok = s.judge.observe(&ev, &mut e.sink).is_ok();
        debug_assert!(ok, "the session model writes well-formed traces: {ev:?}");
        if let Some(v) = e.events.as_deref_mut() {
            v.push(ev);
        }
    }

    /// Performs `action` on `s`, appending its events (numbered from `*seq`) to `events` when
    /// given; returns the violations it caused.
    pub fn perform(
        &self,
        s: &mut SessionState,
        action: SessionAction,
        events: Option<&mut Vec<ClientEvent>>,
        seq: &mut u64,
    ) {
        let shard = self.counters.shard();
        let mut e = Emit {
            events,
            seq,
            sink: CountingSink::new(shard.as_deref()),
        };
        self.step(s, action, &mut e);
        s.violations.union(e.sink.violations);
    }

    fn step(&self, s: &mut SessionState, action: SessionAction, e: &mut Emit<'_>) {
        use SessionAction as A;
        match action {
            A::Start => {
                s.started = true;
                for (i, t) in s.threads.iter_mut().enumerate() {
                    if i < self.cfg.programs.len() {
                        t.pc = Pc::Init;
                    }
                }
                let service = self.cfg.service;
                self.emit(s, e, client(0), B::ProcessStart { service });
            }
            A::Step(i) => self.thread_step(s, i as usize, e),
            A::Acquire(i) => {
                let i = i as usize;
                self.emit(s, e, client(i), B::LogonMutexAcquired);
                s.threads[i].pc = Pc::InMutex;
            }
            A::Timeout(i) => {
                let i = i as usize;
                if s.judge.state.mutex.is_some() {
                    s.reached |= reached_bit(SOMETIMES[7].1);
                }
                self.emit(
                    s,
                    e,
                    client(i),
                    B::ret(ClientCall::MapiLogonEx, H::MAPI_E_TIMEOUT),
                );
                self.after_logon(s, i);
            }
            A::UserPicks(i) => self.create_session(s, i as usize, DEFAULT_PROFILE, e),
            A::UserCancels(i) => {
                let i = i as usize;
                s.reached |= reached_bit(SOMETIMES[3].1);
                self.emit(s, e, client(i), B::LogonMutexReleased);
                self.emit(
                    s,
                    e,
                    client(i),
                    B::ret(ClientCall::MapiLogonEx, H::MAPI_E_USER_CANCEL),
                );
                self.after_logon(s, i);
            }
            A::WakeMessage(i) => {
                let i = i as usize;
                let th = client(i);
                self.emit(s, e, th, B::WaitWoke { message: true });
                self.emit(
                    s,
                    e,
                    th,
                    B::Pump {
                        how: PumpKind::GetMessage,
                    },
                );
                if self.cfg.service && s.judge.state.init_thread == Some(i as u8) {
                    s.reached |= reached_bit(SOMETIMES[15].1);
                }
                if s.judge.state.window == Some(th) && self.deliver_all(s, e, th, Via::WindowProc) {
                    s.reached |= reached_bit(SOMETIMES[11].1) | reached_bit(SOMETIMES[12].1);
                }
                s.threads[i].pc = Pc::Logoff;
            }
            A::WakeTimeout(i) => {
                let i = i as usize;
                self.emit(s, e, client(i), B::WaitWoke { message: false });
                s.threads[i].pc = Pc::Logoff;
            }
            A::SpoolerStarts(id) => {
                let se = s.judge.state.sessions[id as usize];
                if se.members & !se.mail != 0 && se.mail != 0 {
                    s.reached |= reached_bit(SOMETIMES[10].1);
                }
                self.emit(
                    s,
                    e,
                    Thread::Spooler,
                    B::ProviderStart {
                        session: id,
                        kind: ProviderKind::Transport,
                    },
                );
            }
            A::NewMail(id) => {
                s.posts_left -= 1;
                let n = u32::from(s.next_notif);
                s.next_notif += 1;
                self.emit(
                    s,
                    e,
                    Thread::Provider,
                    B::NotificationPosted {
                        id: n,
                        session: id,
                        kind: NotifKind::NewMail,
                    },
                );
            }
            A::MapiThreadPumps => {
                self.emit(
                    s,
                    e,
                    Thread::Notify,
                    B::Pump {
                        how: PumpKind::GetMessage,
                    },
                );
                if self.deliver_all(s, e, Thread::Notify, Via::WindowProc) {
                    s.reached |= reached_bit(SOMETIMES[14].1);
                }
            }
            A::Exit => {
                s.exited = true;
                self.emit(s, e, client(0), B::ProcessExit);
            }
        }
    }

    /// Delivers every queued notification on `th`; whether there was one.
    fn deliver_all(&self, s: &mut SessionState, e: &mut Emit<'_>, th: Thread, via: Via) -> bool {
        let mut any = false;
        while let Some(q) = s.judge.state.queue[0] {
            any = true;
            self.emit(s, e, th, B::NotificationDelivered { id: q.id, via });
        }
        any
    }

    fn after_logon(&self, s: &mut SessionState, i: usize) {
        let p = self.program(s, i);
        s.threads[i].pc = if s.threads[i].session.is_some() && p.status_table {
            Pc::Status
        } else {
            Pc::Await
        };
    }

    /// Whether MAPI may return thread `i`'s `GetStatusTable` now (STAT-9): once the spooler has
    /// started the session's transports. A client logged on with `MAPI_NO_MAIL` waits for
    /// nothing: MAPI never tells the spooler about its session and its table has no transport
    /// rows (LOGON-10), so the call returns at once. `status-table-too-early` never waits.
    fn status_table_ready(&self, s: &SessionState, i: usize) -> bool {
        let p = self.program(s, i);
        let id = s.threads[i].session.unwrap_or(0) as usize;
        p.flags.contains(L::MAPI_NO_MAIL)
            || s.judge.state.sessions[id].transports
            || self.faulty(ClientBehaviour::StatusTableTooEarly)
    }

    /// MAPI returns thread `i`'s `GetStatusTable`; the client reads the table (LOGON-10) and
    /// goes on to wait for notifications.
    fn status_table_returns(&self, s: &mut SessionState, i: usize, e: &mut Emit<'_>) {
        let th = client(i);
        let p = self.program(s, i).clone();
        let id = s.threads[i].session.unwrap_or(0);
        self.emit(s, e, th, B::ret(ClientCall::GetStatusTable, H::S_OK));
        let no_mail =
            p.flags.contains(L::MAPI_NO_MAIL) && !self.faulty(ClientBehaviour::NoMailTransports);
        let transports = s.judge.state.sessions[id as usize].transports;
        let (rows, spooler) = if no_mail {
            s.reached |= reached_bit(SOMETIMES[6].1);
            (0, StatusCode::STATUS_FAILURE)
        } else {
            (u8::from(transports), StatusCode::STATUS_AVAILABLE)
        };
        self.emit(
            s,
            e,
            th,
            B::StatusTable {
                session: id,
                transport_rows: rows,
                spooler_status: spooler,
            },
        );
        s.threads[i].pc = Pc::Await;
        self.thread_step(s, i, e);
    }

    fn thread_step(&self, s: &mut SessionState, i: usize, e: &mut Emit<'_>) {
        let th = client(i);
        let p = self.program(s, i).clone();
        match s.threads[i].pc {
            Pc::Init => {
                let init = MapiInit {
                    version: p.init_version,
                    flags: p.init,
                };
                self.emit(
                    s,
                    e,
                    th,
                    B::MapiInitialize {
                        init: Some(init),
                        from_dll_main: false,
                    },
                );
                let arg_error = xpcheck_properties::client::judge::init_arg_error(Some(init));
                let hr = match arg_error {
                    Some(err) => err,
                    None => {
                        if !p.init.contains(I::MAPI_NO_COINIT) {
                            self.emit(s, e, th, B::CoInitialize);
                        }
                        if s.judge.state.refcount == 0 {
                            let owner = if p.init.contains(I::MAPI_MULTITHREAD_NOTIFICATIONS) {
                                Thread::Notify
                            } else {
                                th
                            };
                            self.emit(s, e, th, B::NotifyWindowCreated { owner });
                        } else {
                            s.reached |= reached_bit(SOMETIMES[16].1);
                        }
                        H::S_OK
                    }
                };
                self.emit(s, e, th, B::ret(ClientCall::MapiInitialize, hr));
                s.threads[i].pc = Pc::Logon;
                // The program calls MAPILogonEx right after (one step: the mutex, not the call,
                // is where logons interleave).
                self.thread_step(s, i, e);
            }
            Pc::Logon => {
                let profile = self.profile_arg(p.profile);
                self.emit(
                    s,
                    e,
                    th,
                    B::MapiLogonEx {
                        flags: p.flags,
                        profile,
                        password_null: p.password_null,
                        ui_param: p.ui_param,
                    },
                );
                if s.judge.state.refcount == 0 {
                    self.emit(
                        s,
                        e,
                        th,
                        B::ret(ClientCall::MapiLogonEx, H::MAPI_E_NOT_INITIALIZED),
                    );
                    s.threads[i].pc = Pc::Await;
                } else {
                    s.threads[i].pc = Pc::WantMutex;
                }
            }
            Pc::InMutex => {
                let profile = self.profile_arg(p.profile);
                let shared = s.judge.state.shared;
                match resolve(
                    p.flags,
                    profile.as_deref(),
                    p.password_null,
                    shared.is_some(),
                ) {
                    Resolution::Invalid(_) | Resolution::NoProfile => {
                        if (p.flags & (L::MAPI_LOGON_UI | L::MAPI_PASSWORD_UI)).is_empty()
                            && !p.flags.contains(L::MAPI_USE_DEFAULT)
                        {
                            s.reached |= reached_bit(SOMETIMES[9].1);
                        }
                        self.emit(s, e, th, B::LogonMutexReleased);
                        self.emit(
                            s,
                            e,
                            th,
                            B::ret(ClientCall::MapiLogonEx, H::MAPI_E_LOGON_FAILED),
                        );
                        self.after_logon(s, i);
                    }
                    Resolution::Join => {
                        let id = shared.unwrap_or(0);
                        s.reached |= reached_bit(SOMETIMES[0].1);
                        self.emit(s, e, th, B::LogonMutexReleased);
                        let profile = self.profile_name(s.profiles[id as usize]).to_owned();
                        self.emit(
                            s,
                            e,
                            th,
                            B::MapiReturn {
                                call: ClientCall::MapiLogonEx,
                                hr: H::S_OK,
                                session: Some(id),
                                shared: true,
                                profile: Some(profile),
                            },
                        );
                        s.threads[i].session = Some(id);
                        self.after_logon(s, i);
                    }
                    Resolution::Named => {
                        let idx = match p.profile {
                            ProfileArg::Name(x) => x,
                            _ => DEFAULT_PROFILE,
                        };
                        self.create_session(s, i, idx, e);
                    }
                    Resolution::Default => {
                        s.reached |= reached_bit(SOMETIMES[4].1);
                        self.create_session(s, i, DEFAULT_PROFILE, e);
                    }
                    Resolution::Dialog => {
                        s.reached |= reached_bit(SOMETIMES[2].1);
                        self.emit(
                            s,
                            e,
                            th,
                            B::LogonDialog {
                                profile_field: String::new(),
                            },
                        );
                        s.threads[i].pc = Pc::Dialog;
                    }
                }
            }
            Pc::Status => {
                let id = s.threads[i].session.unwrap_or(0);
                self.emit(s, e, th, B::GetStatusTable { session: id });
                if self.status_table_ready(s, i) {
                    self.status_table_returns(s, i, e);
                } else {
                    s.reached |= reached_bit(SOMETIMES[18].1);
                    s.threads[i].pc = Pc::InStatusTable;
                }
            }
            Pc::InStatusTable => self.status_table_returns(s, i, e),
            Pc::Await => {
                let mail = s.threads[i].session.is_some() && !p.flags.contains(L::MAPI_NO_MAIL);
                match p.wait {
                    Await::None => s.threads[i].pc = Pc::Logoff,
                    Await::Dispatch => {
                        self.emit(s, e, th, B::HrDispatchNotifications { flags: Word(0) });
                        if self.deliver_all(s, e, th, Via::HrDispatch) {
                            s.reached |= reached_bit(SOMETIMES[13].1);
                        }
                        self.emit(
                            s,
                            e,
                            th,
                            B::ret(ClientCall::HrDispatchNotifications, H::S_OK),
                        );
                        s.threads[i].pc = Pc::Logoff;
                    }
                    Await::Pump => {
                        // The faulty client is an application waiting for mail (a service
                        // that does not pump would break SVC-6 instead).
                        let pumping =
                            !self.faulty(ClientBehaviour::WaitWithoutPumping) || self.cfg.service;
                        self.emit(
                            s,
                            e,
                            th,
                            B::Wait {
                                pumping,
                                for_notification: mail,
                            },
                        );
                        s.threads[i].pc = Pc::Waiting { pumping };
                    }
                }
            }
            Pc::Logoff => {
                if let Some(id) = s.threads[i].session.take() {
                    self.emit(s, e, th, B::Logoff { session: id });
                }
                s.threads[i].pc = Pc::Uninit;
                self.thread_step(s, i, e);
            }
            Pc::Uninit => {
                self.emit(
                    s,
                    e,
                    th,
                    B::MapiUninitialize {
                        from_dll_main: false,
                    },
                );
                if s.judge.state.refcount == 1 {
                    self.emit(s, e, th, B::NotifyWindowDestroyed);
                }
                let hr = if s.judge.state.refcount == 0 {
                    H::MAPI_E_NOT_INITIALIZED
                } else {
                    H::S_OK
                };
                self.emit(s, e, th, B::ret(ClientCall::MapiUninitialize, hr));
                s.threads[i].pc = Pc::Exit;
            }
            Pc::Exit => {
                self.emit(s, e, th, B::ThreadExit);
                s.threads[i].pc = Pc::Done;
            }
            Pc::Idle | Pc::WantMutex | Pc::Dialog | Pc::Waiting { .. } | Pc::Done => {}
        }
    }

    /// MAPI creates a new session for thread `i` on profile `profile` (LOGON-5, LOGON-6,
    /// LOGON-9, LOGON-15, LOGON-17), releases the mutex and returns it.
    fn create_session(&self, s: &mut SessionState, i: usize, profile: u8, e: &mut Emit<'_>) {
        let th = client(i);
        let p = self.program(s, i).clone();
        let st = &s.judge.state;
        let id = (0..MODEL_SESSIONS as u8)
            .find(|&x| !st.sessions[x as usize].exists)
            .unwrap_or(0);
        if p.flags.contains(L::MAPI_SERVICE_UI_ALWAYS) {
            s.reached |= reached_bit(SOMETIMES[8].1);
            self.emit(s, e, th, B::ServiceConfigDialog);
        }
        self.emit(
            s,
            e,
            th,
            B::ProviderStart {
                session: id,
                kind: ProviderKind::AddressBook,
            },
        );
        self.emit(
            s,
            e,
            th,
            B::ProviderStart {
                session: id,
                kind: ProviderKind::Store,
            },
        );
        let mail =
            !p.flags.contains(L::MAPI_NO_MAIL) || self.faulty(ClientBehaviour::NoMailTransports);
        if p.flags.contains(L::MAPI_FORCE_DOWNLOAD) && mail {
            s.reached |= reached_bit(SOMETIMES[5].1);
            self.emit(
                s,
                e,
                th,
                B::ProviderStart {
                    session: id,
                    kind: ProviderKind::Transport,
                },
            );
            self.emit(s, e, th, B::InboundPass { session: id });
        }
        let shared = p.flags.contains(L::MAPI_ALLOW_OTHERS) && s.judge.state.shared.is_none();
        if shared {
            s.reached |= reached_bit(SOMETIMES[1].1);
        }
        if p.ui_param == 0 {
            s.reached |= reached_bit(SOMETIMES[17].1);
        }
        self.emit(s, e, th, B::LogonMutexReleased);
        s.profiles[id as usize] = profile;
        let name = self.profile_name(profile).to_owned();
        self.emit(
            s,
            e,
            th,
            B::MapiReturn {
                call: ClientCall::MapiLogonEx,
                hr: H::S_OK,
                session: Some(id),
                shared,
                profile: Some(name),
            },
        );
        s.threads[i].session = Some(id);
        self.after_logon(s, i);
    }

    /// Every enabled action of `s`, environment first (the order `xpcheck logon` follows).
    pub fn enabled(&self, s: &SessionState, out: &mut Vec<SessionAction>) {
        use SessionAction as A;
        if (!s.violations.is_empty() && self.stop_on_violation) || s.exited {
            return;
        }
        if !s.started {
            out.push(A::Start);
            return;
        }
        let st = &s.judge.state;
        // The spooler starts transports of mail-enabled sessions when first needed.
        for (id, se) in st.sessions.iter().enumerate().take(MODEL_SESSIONS) {
            let wanted =
                se.mail != 0 || (self.faulty(ClientBehaviour::NoMailTransports) && se.members != 0);
            if se.exists && !se.transports && wanted {
                out.push(A::SpoolerStarts(id as u8));
            }
        }
        if s.posts_left > 0 && st.window.is_some() && st.queue_len() < 4 {
            if let Some(id) = (0..MODEL_SESSIONS)
                .find(|&x| st.sessions[x].transports && st.sessions[x].members != 0)
            {
                out.push(A::NewMail(id as u8));
            }
        }
        if st.window == Some(Thread::Notify) && st.queue_len() > 0 {
            out.push(A::MapiThreadPumps);
        }
        let n = self.cfg.programs.len().min(MAX_THREADS);
        for i in 0..n {
            let t = s.threads[i];
            let me = client(i);
            match t.pc {
                Pc::Idle | Pc::Done => {}
                Pc::WantMutex => {
                    let p = self.program(s, i);
                    let free = st.mutex.is_none();
                    if free {
                        out.push(A::Acquire(i as u8));
                    }
                    let timeout_ok = p.flags.contains(L::MAPI_TIMEOUT_SHORT)
                        && (!free || self.faulty(ClientBehaviour::TimeoutWithoutContention));
                    if timeout_ok {
                        out.push(A::Timeout(i as u8));
                    }
                }
                Pc::Dialog => {
                    out.push(A::UserPicks(i as u8));
                    out.push(A::UserCancels(i as u8));
                }
                Pc::InStatusTable => {
                    if self.status_table_ready(s, i) {
                        out.push(A::Step(i as u8));
                    }
                }
                Pc::Waiting { pumping } => {
                    let mine = st.window == Some(me) && st.queue_len() > 0;
                    if pumping && (mine || self.cfg.service) {
                        out.push(A::WakeMessage(i as u8));
                    }
                    out.push(A::WakeTimeout(i as u8));
                }
                Pc::Exit => {
                    // The thread owning the hidden window outlives every other client thread
                    // (INIT-10).
                    let others_done = (0..n).all(|j| j == i || s.threads[j].pc == Pc::Done);
                    if st.window != Some(me) || others_done {
                        out.push(A::Step(i as u8));
                    }
                }
                _ => out.push(A::Step(i as u8)),
            }
        }
        if (0..n).all(|i| s.threads[i].pc == Pc::Done) {
            out.push(A::Exit);
        }
    }

    /// The initial states: one per combination of the threads' program choices.
    pub fn initial_states(&self) -> Vec<SessionState> {
        let base = SessionState {
            judge: ClientJudge::new(),
            threads: [ThreadRun::default(); MAX_THREADS],
            profiles: [DEFAULT_PROFILE; MODEL_SESSIONS],
            started: false,
            exited: false,
            posts_left: self.cfg.posts,
            next_notif: 1,
            violations: RuleMask::EMPTY,
            reached: 0,
        };
        let mut out = vec![base];
        for (i, menu) in self.cfg.programs.iter().enumerate().take(MAX_THREADS) {
            out = out
                .into_iter()
                .flat_map(|s| {
                    (0..menu.len()).map(move |k| {
                        let mut s2 = s.clone();
                        s2.threads[i].prog = k as u8;
                        s2
                    })
                })
                .collect();
        }
        out
    }

    /// Runs the model from its first initial state taking the first enabled action each step
    /// (environment first, then threads in order; users pick rather than cancel): the events of
    /// one deterministic run. Used by `xpcheck logon`.
    pub fn first_run(&self) -> Vec<ClientEvent> {
        let mut s = self.initial_states().remove(0);
        let mut events = Vec::new();
        let mut seq = 0;
        let mut acts = Vec::new();
        for _ in 0..1000 {
            acts.clear();
            self.enabled(&s, &mut acts);
            let Some(&a) = acts.first() else { break };
            self.perform(&mut s, a, Some(&mut events), &mut seq);
        }
        events
    }
}

/// Slot check used by tests: thread `i` of the model is `client{i+1}`.
pub fn thread_slot(i: usize) -> Option<usize> {
    slot(client(i))
}

impl Model for SessionModel {
    type State = SessionState;
    type Action = SessionAction;

    fn init_states(&self) -> Vec<SessionState> {
        self.initial_states()
    }

    fn actions(&self, state: &SessionState, actions: &mut Vec<SessionAction>) {
        // An interrupt during exploration (not while paths are rebuilt after it, when counting
        // has stopped): no more actions, so the checker drains its queue and stops.
        if self.counters.counting.load(Ordering::Relaxed) && crate::interrupt::requested() {
            return;
        }
        self.enabled(state, actions);
    }

    fn next_state(&self, last: &SessionState, action: SessionAction) -> Option<SessionState> {
        let mut s = last.clone();
        let mut seq = 0;
        self.perform(&mut s, action, None, &mut seq);
        Some(s)
    }

    fn properties(&self) -> Vec<Property<Self>> {
        let mut p: Vec<Property<Self>> = ClientRid::ALL
            .iter()
            .map(|r| Property::always(r.id(), HOLDS[*r as usize]))
            .collect();
        for (i, (_, name)) in SOMETIMES.iter().enumerate() {
            p.push(Property::sometimes(name, REACHED[i]));
        }
        p
    }
}
