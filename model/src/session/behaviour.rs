//! Client programs, scenarios and client behaviours of the session model.
//!
//! A scenario is a process (application or Windows service) with 2–3 client threads; each
//! thread runs one program chosen (nondeterministically, in the initial state) from its menu:
//! `MAPIInitialize`, one `MAPILogonEx`, optionally `GetStatusTable` with a status-table read
//! (STAT-9, LOGON-10) and a wait for notifications, `Logoff`, `MAPIUninitialize`, thread exit. A [`ClientBehaviour`] other than
//! `Correct` flips one decision of the clients or of MAPI and is built to break named rules.

use xpcheck_properties::vocab::{MapiInitFlags as I, MapiLogonFlags as L};

/// Profile names the model knows. Index 0 is the default profile (LOGON-8).
pub const PROFILES: [&str; 3] = ["Outlook", "Work", "Other"];
/// Index of the default profile in [`PROFILES`] (LOGON-8).
pub const DEFAULT_PROFILE: u8 = 0;
/// Index of a caller-supplied profile name (`xpcheck logon --profile`), held by the model.
pub const CUSTOM_PROFILE: u8 = 3;

/// `lpszProfileName` of a program's logon (LOGON-2, LOGON-5, LOGON-8).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProfileArg {
    /// NULL.
    Null,
    /// `""`.
    Empty,
    /// A name: an index into [`PROFILES`], or [`CUSTOM_PROFILE`].
    Name(u8),
}

/// How a thread waits for notifications after its logon (NOTIF-2, SVC-6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Await {
    /// It does not.
    None,
    /// `MsgWaitForMultipleObjects`, then its message loop when a message is queued (NOTIF-2,
    /// SVC-6).
    Pump,
    /// `HrDispatchNotifications(0)` (NOTIF-2, NOTIF-3).
    Dispatch,
}

/// One client thread's program.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Program {
    /// `MAPIINIT_0.ulFlags`, `ulVersion` = 0 (INIT-3).
    pub init: I,
    /// `MAPIINIT_0.ulVersion` (INIT-3; 0 in every built-in program).
    pub init_version: u32,
    /// `flFlags` of `MAPILogonEx`.
    pub flags: L,
    /// `lpszProfileName`.
    pub profile: ProfileArg,
    /// `lpszPassword` is NULL (LOGON-1).
    pub password_null: bool,
    /// `ulUIParam` (LOGON-3).
    pub ui_param: u64,
    /// Calls `IMAPISession::GetStatusTable` and reads the table after a successful logon
    /// (STAT-9, LOGON-10).
    pub status_table: bool,
    /// Waits for notifications after the logon.
    pub wait: Await,
}

impl Program {
    fn new(init: I, flags: L, profile: ProfileArg, wait: Await) -> Program {
        Program {
            init,
            init_version: 0,
            flags,
            profile,
            password_null: true,
            ui_param: 0,
            status_table: true,
            wait,
        }
    }
}

/// A process to explore.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SessionScenario {
    /// An application with 3 threads and `MAPI_MULTITHREAD_NOTIFICATIONS`: the shared session,
    /// profile resolution, dialogs, the logon mutex and `MAPI_TIMEOUT_SHORT`, `MAPI_NO_MAIL`,
    /// `MAPI_FORCE_DOWNLOAD`, `MAPI_SERVICE_UI_ALWAYS`, delivery on MAPI's thread.
    App,
    /// A single-threaded application without `MAPI_MULTITHREAD_NOTIFICATIONS`: the hidden window
    /// on the initialising thread, delivered only by its message loop or
    /// `HrDispatchNotifications`.
    Notify,
    /// A Windows service with 2 threads (`MAPI_NT_SERVICE`, `MAPI_NO_MAIL`, no UI, pumping).
    Service,
}

impl SessionScenario {
    /// Every scenario, in the order `check` runs them.
    pub const ALL: [SessionScenario; 3] = [
        SessionScenario::App,
        SessionScenario::Notify,
        SessionScenario::Service,
    ];

    /// CLI name.
    pub fn name(self) -> &'static str {
        match self {
            SessionScenario::App => "app",
            SessionScenario::Notify => "notify",
            SessionScenario::Service => "service",
        }
    }

    /// Looks a scenario up by CLI name.
    pub fn from_name(name: &str) -> Option<SessionScenario> {
        SessionScenario::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether the process is a Windows service.
    pub fn service(self) -> bool {
        self == SessionScenario::Service
    }

    /// Per thread, the menu of programs (one is chosen per thread in each initial state).
    pub fn programs(self) -> Vec<Vec<Program>> {
        use Await as W;
        use ProfileArg::*;
        let x = L::MAPI_EXTENDED;
        let mt = I::MAPI_MULTITHREAD_NOTIFICATIONS;
        match self {
            SessionScenario::App => vec![
                vec![
                    Program::new(
                        mt,
                        x | L::MAPI_ALLOW_OTHERS | L::MAPI_NEW_SESSION,
                        Name(1),
                        W::Dispatch,
                    ),
                    Program::new(
                        mt,
                        x | L::MAPI_NO_MAIL
                            | L::MAPI_ALLOW_OTHERS
                            | L::MAPI_NEW_SESSION
                            | L::MAPI_USE_DEFAULT,
                        Null,
                        W::None,
                    ),
                ],
                vec![
                    Program::new(
                        mt | I::MAPI_NO_COINIT,
                        x | L::MAPI_TIMEOUT_SHORT | L::MAPI_USE_DEFAULT,
                        Name(2),
                        W::None,
                    ),
                    Program {
                        ui_param: 0x1000,
                        ..Program::new(
                            mt | I::MAPI_NO_COINIT,
                            x | L::MAPI_LOGON_UI | L::MAPI_NEW_SESSION,
                            Null,
                            W::None,
                        )
                    },
                    Program::new(
                        mt | I::MAPI_NO_COINIT,
                        x | L::MAPI_NEW_SESSION | L::MAPI_EXPLICIT_PROFILE | L::MAPI_USE_DEFAULT,
                        Empty,
                        W::None,
                    ),
                ],
                vec![
                    Program::new(mt, x, Null, W::None),
                    Program {
                        ui_param: 0x2000,
                        ..Program::new(
                            mt,
                            x | L::MAPI_NEW_SESSION
                                | L::MAPI_FORCE_DOWNLOAD
                                | L::MAPI_SERVICE_UI_ALWAYS
                                | L::MAPI_TIMEOUT_SHORT,
                            Name(1),
                            W::Dispatch,
                        )
                    },
                ],
            ],
            // One MAPI thread: a multithreaded client without MAPI_MULTITHREAD_NOTIFICATIONS
            // breaks INIT-5, an error (SPEC grades no client rule "warn").
            SessionScenario::Notify => vec![vec![
                Program::new(
                    I::empty(),
                    x | L::MAPI_ALLOW_OTHERS | L::MAPI_NEW_SESSION | L::MAPI_USE_DEFAULT,
                    Null,
                    W::Pump,
                ),
                Program::new(
                    I::empty(),
                    x | L::MAPI_USE_DEFAULT | L::MAPI_TIMEOUT_SHORT,
                    Null,
                    W::Dispatch,
                ),
            ]],
            SessionScenario::Service => {
                let nt = mt | I::MAPI_NT_SERVICE;
                let svc = x | L::MAPI_NO_MAIL | L::MAPI_NT_SERVICE | L::MAPI_USE_DEFAULT;
                vec![
                    vec![Program::new(
                        nt,
                        svc | L::MAPI_NEW_SESSION | L::MAPI_ALLOW_OTHERS,
                        Null,
                        W::Pump,
                    )],
                    vec![Program::new(
                        nt | I::MAPI_NO_COINIT,
                        svc | L::MAPI_TIMEOUT_SHORT,
                        Null,
                        W::Pump,
                    )],
                ]
            }
        }
    }
}

/// A client (or MAPI) behaviour the session model can explore.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ClientBehaviour {
    /// Clients and MAPI follow every rule.
    Correct,
    /// A service that sets `MAPI_NT_SERVICE` neither in `MAPIINIT_0` nor in `MAPILogonEx`
    /// (LOGON-11, SVC-4, INIT-6).
    ServiceWithoutNtService,
    /// A service that logs on with `MAPI_LOGON_UI` (SVC-1).
    ServiceWithLogonUi,
    /// A client that waits for notifications with a plain wait on the thread owning MAPI's
    /// hidden window, never pumping (NOTIF-2, INIT-10).
    WaitWithoutPumping,
    /// MAPI answers a `MAPI_TIMEOUT_SHORT` logon with `MAPI_E_TIMEOUT` although no other thread
    /// holds the logon mutex (LOGON-13).
    TimeoutWithoutContention,
    /// MAPI tells the spooler about `MAPI_NO_MAIL` sessions: their transports get logged on and
    /// the status table shows them (LOGON-10; SVC-2 for a service).
    NoMailTransports,
    /// MAPI returns `IMAPISession::GetStatusTable` at once, before the spooler has started the
    /// session's transports (STAT-9).
    StatusTableTooEarly,
}

impl ClientBehaviour {
    /// Every behaviour: the correct one first.
    pub const ALL: [ClientBehaviour; 7] = [
        ClientBehaviour::Correct,
        ClientBehaviour::ServiceWithoutNtService,
        ClientBehaviour::ServiceWithLogonUi,
        ClientBehaviour::WaitWithoutPumping,
        ClientBehaviour::TimeoutWithoutContention,
        ClientBehaviour::NoMailTransports,
        ClientBehaviour::StatusTableTooEarly,
    ];

    /// CLI name.
    pub fn name(self) -> &'static str {
        match self {
            ClientBehaviour::Correct => "correct",
            ClientBehaviour::ServiceWithoutNtService => "service-without-nt-service",
            ClientBehaviour::ServiceWithLogonUi => "service-with-logon-ui",
            ClientBehaviour::WaitWithoutPumping => "wait-without-pumping",
            ClientBehaviour::TimeoutWithoutContention => "timeout-without-contention",
            ClientBehaviour::NoMailTransports => "no-mail-transports",
            ClientBehaviour::StatusTableTooEarly => "status-table-too-early",
        }
    }

    /// Looks a behaviour up by CLI name.
    pub fn from_name(name: &str) -> Option<ClientBehaviour> {
        ClientBehaviour::ALL.into_iter().find(|b| b.name() == name)
    }

    /// The rules this behaviour is built to break (empty for `Correct`).
    pub fn breaks(self) -> &'static [&'static str] {
        match self {
            ClientBehaviour::Correct => &[],
            ClientBehaviour::ServiceWithoutNtService => &["LOGON-11", "SVC-4", "INIT-6"],
            ClientBehaviour::ServiceWithLogonUi => &["SVC-1"],
            ClientBehaviour::WaitWithoutPumping => &["NOTIF-2", "INIT-10"],
            ClientBehaviour::TimeoutWithoutContention => &["LOGON-13"],
            ClientBehaviour::NoMailTransports => &["LOGON-10", "SVC-2"],
            ClientBehaviour::StatusTableTooEarly => &["STAT-9"],
        }
    }

    /// One line about it.
    pub fn about(self) -> &'static str {
        match self {
            ClientBehaviour::Correct => {
                "clients and MAPI follow every LOGON/INIT/SVC/NOTIF rule and STAT-9"
            }
            ClientBehaviour::ServiceWithoutNtService => {
                "a Windows service without MAPI_NT_SERVICE in MAPIINIT_0 and MAPILogonEx"
            }
            ClientBehaviour::ServiceWithLogonUi => {
                "a Windows service that logs on with MAPI_LOGON_UI"
            }
            ClientBehaviour::WaitWithoutPumping => {
                "a client waits for a notification on the hidden window's thread without pumping"
            }
            ClientBehaviour::TimeoutWithoutContention => {
                "MAPI_E_TIMEOUT for MAPI_TIMEOUT_SHORT while nobody holds the logon mutex"
            }
            ClientBehaviour::NoMailTransports => {
                "a MAPI_NO_MAIL session whose transports get logged on"
            }
            ClientBehaviour::StatusTableTooEarly => {
                "GetStatusTable returns before the spooler has started the session's transports"
            }
        }
    }

    /// The scenario's programs with this behaviour's client-side changes applied.
    pub fn programs(self, scenario: SessionScenario) -> Vec<Vec<Program>> {
        let mut menus = scenario.programs();
        for p in menus.iter_mut().flatten() {
            match self {
                ClientBehaviour::ServiceWithoutNtService if scenario.service() => {
                    p.init.remove(I::MAPI_NT_SERVICE);
                    p.flags.remove(L::MAPI_NT_SERVICE);
                }
                ClientBehaviour::ServiceWithLogonUi if scenario.service() => {
                    p.flags.insert(L::MAPI_LOGON_UI);
                }
                _ => {}
            }
        }
        menus
    }
}
