//! Client monitor tests: every client rule fires on a hand-made trace and stays quiet on
//! conforming ones (STAT-9, LOGON-*, INIT-*, SVC-*, NOTIF-*).

use super::event::{
    ClientBody as B, ClientCall as C, ClientEvent, MapiInit, NotifKind, ProviderKind as K,
    PumpKind, Via,
};
use super::judge::{judge_trace, ClientCollect};
use super::rules::ClientRid;
use crate::event::{Thread, Word};
use crate::judge::Severity;
use crate::vocab::{HResult as H, MapiInitFlags as I, MapiLogonFlags as L, StatusCode};

const C1: Thread = Thread::Client(1);
const C2: Thread = Thread::Client(2);
const C3: Thread = Thread::Client(3);
const NT: Thread = Thread::Notify;
const X: L = L::MAPI_EXTENDED;

#[derive(Default)]
struct Tr(Vec<ClientEvent>);

fn ret(call: C, hr: H) -> B {
    B::ret(call, hr)
}

fn logon_ret(session: u8, shared: bool, profile: &str) -> B {
    B::MapiReturn {
        call: C::MapiLogonEx,
        hr: H::S_OK,
        session: Some(session),
        shared,
        profile: Some(profile.into()),
    }
}

fn call(flags: L, profile: Option<&str>) -> B {
    B::MapiLogonEx {
        flags,
        profile: profile.map(str::to_owned),
        password_null: true,
        ui_param: 0,
    }
}

impl Tr {
    fn e(mut self, th: Thread, b: B) -> Tr {
        let seq = self.0.len() as u64;
        self.0.push(ClientEvent::new(seq, th, b));
        self
    }
    fn start(service: bool) -> Tr {
        Tr::default().e(C1, B::ProcessStart { service })
    }
    /// A conforming MAPIInitialize; `first` creates the window.
    fn init(self, th: Thread, flags: I, first: bool) -> Tr {
        let mut t = self.e(
            th,
            B::MapiInitialize {
                init: Some(MapiInit { version: 0, flags }),
                from_dll_main: false,
            },
        );
        if !flags.contains(I::MAPI_NO_COINIT) {
            t = t.e(th, B::CoInitialize);
        }
        if first {
            let owner = if flags.contains(I::MAPI_MULTITHREAD_NOTIFICATIONS) {
                NT
            } else {
                th
            };
            t = t.e(th, B::NotifyWindowCreated { owner });
        }
        t.e(th, ret(C::MapiInitialize, H::S_OK))
    }
    fn uninit(self, th: Thread, last: bool) -> Tr {
        let mut t = self.e(
            th,
            B::MapiUninitialize {
                from_dll_main: false,
            },
        );
        if last {
            t = t.e(th, B::NotifyWindowDestroyed);
        }
        t.e(th, ret(C::MapiUninitialize, H::S_OK))
    }
    /// A conforming new-session logon.
    fn logon(
        self,
        th: Thread,
        flags: L,
        name: Option<&str>,
        s: u8,
        shared: bool,
        profile: &str,
    ) -> Tr {
        self.e(th, call(flags, name))
            .e(th, B::LogonMutexAcquired)
            .e(
                th,
                B::ProviderStart {
                    session: s,
                    kind: K::AddressBook,
                },
            )
            .e(
                th,
                B::ProviderStart {
                    session: s,
                    kind: K::Store,
                },
            )
            .e(th, B::LogonMutexReleased)
            .e(th, logon_ret(s, shared, profile))
    }
    fn judge(&self) -> ClientCollect {
        let (c, r) = judge_trace(&self.0);
        r.expect("structurally valid trace");
        c
    }
}

fn quiet(t: &Tr) -> ClientCollect {
    let c = t.judge();
    assert!(
        c.findings.is_empty(),
        "unexpected findings: {:#?}",
        c.findings
    );
    c
}

fn fires(t: Tr, rule: &str) {
    let c = t.judge();
    assert!(
        c.findings.iter().any(|f| f.rule == rule),
        "{rule} did not fire; findings: {:#?}",
        c.findings
    );
}

/// Multi-threaded application with MAPI_MULTITHREAD_NOTIFICATIONS: shared session, timeout
/// under contention, default profile, dialog, cancel, NO_MAIL status table, notifications.
fn app_mt() -> Tr {
    let mt = I::MAPI_MULTITHREAD_NOTIFICATIONS;
    Tr::start(false)
        .init(C1, mt, true)
        .init(C2, mt | I::MAPI_NO_COINIT, false)
        .init(C3, mt, false)
        // client1: shared session with the config dialog and a forced download
        .e(
            C1,
            call(
                X | L::MAPI_ALLOW_OTHERS
                    | L::MAPI_NEW_SESSION
                    | L::MAPI_SERVICE_UI_ALWAYS
                    | L::MAPI_FORCE_DOWNLOAD,
                Some("Work"),
            ),
        )
        .e(C1, B::LogonMutexAcquired)
        .e(C1, B::ServiceConfigDialog)
        .e(
            C1,
            B::ProviderStart {
                session: 0,
                kind: K::AddressBook,
            },
        )
        .e(
            C1,
            B::ProviderStart {
                session: 0,
                kind: K::Store,
            },
        )
        .e(
            C1,
            B::ProviderStart {
                session: 0,
                kind: K::Transport,
            },
        )
        .e(C1, B::InboundPass { session: 0 })
        .e(C1, B::LogonMutexReleased)
        .e(C1, logon_ret(0, true, "Work"))
        // client2 joins (profile name ignored) while client3 times out on the mutex
        .e(
            C2,
            call(X | L::MAPI_TIMEOUT_SHORT | L::MAPI_NO_MAIL, Some("Other")),
        )
        .e(
            C3,
            call(
                X | L::MAPI_TIMEOUT_SHORT
                    | L::MAPI_USE_DEFAULT
                    | L::MAPI_NEW_SESSION
                    | L::MAPI_NO_MAIL,
                None,
            ),
        )
        .e(C2, B::LogonMutexAcquired)
        .e(C3, ret(C::MapiLogonEx, H::MAPI_E_TIMEOUT))
        .e(C2, B::LogonMutexReleased)
        .e(C2, logon_ret(0, true, "Work"))
        // client3: NO_MAIL session on the default profile
        .logon(
            C3,
            X | L::MAPI_NEW_SESSION | L::MAPI_USE_DEFAULT | L::MAPI_NO_MAIL,
            None,
            1,
            false,
            "Outlook",
        )
        .e(
            C3,
            B::StatusTable {
                session: 1,
                transport_rows: 0,
                spooler_status: StatusCode::STATUS_FAILURE,
            },
        )
        // client1: dialog, then a cancelled dialog
        .e(
            C1,
            B::MapiLogonEx {
                flags: X | L::MAPI_LOGON_UI | L::MAPI_NEW_SESSION,
                profile: None,
                password_null: true,
                ui_param: 77,
            },
        )
        .e(C1, B::LogonMutexAcquired)
        .e(
            C1,
            B::LogonDialog {
                profile_field: String::new(),
            },
        )
        .e(
            C1,
            B::ProviderStart {
                session: 2,
                kind: K::AddressBook,
            },
        )
        .e(
            C1,
            B::ProviderStart {
                session: 2,
                kind: K::Store,
            },
        )
        .e(C1, B::LogonMutexReleased)
        .e(C1, logon_ret(2, false, "Picked"))
        .e(C1, call(X | L::MAPI_LOGON_UI | L::MAPI_NEW_SESSION, None))
        .e(C1, B::LogonMutexAcquired)
        .e(
            C1,
            B::LogonDialog {
                profile_field: String::new(),
            },
        )
        .e(C1, B::LogonMutexReleased)
        .e(C1, ret(C::MapiLogonEx, H::MAPI_E_USER_CANCEL))
        // client2: no profile obtainable
        .e(C2, call(X | L::MAPI_NEW_SESSION, None))
        .e(C2, B::LogonMutexAcquired)
        .e(C2, B::LogonMutexReleased)
        .e(C2, ret(C::MapiLogonEx, H::MAPI_E_LOGON_FAILED))
        // notifications: MAPI's thread pumps, then HrDispatchNotifications
        .e(
            Thread::Provider,
            B::NotificationPosted {
                id: 1,
                session: 0,
                kind: NotifKind::NewMail,
            },
        )
        .e(
            NT,
            B::Pump {
                how: PumpKind::GetMessage,
            },
        )
        .e(
            NT,
            B::NotificationDelivered {
                id: 1,
                via: Via::WindowProc,
            },
        )
        .e(
            Thread::Provider,
            B::NotificationPosted {
                id: 2,
                session: 0,
                kind: NotifKind::NewMail,
            },
        )
        .e(C1, B::HrDispatchNotifications { flags: Word(0) })
        .e(
            C1,
            B::NotificationDelivered {
                id: 2,
                via: Via::HrDispatch,
            },
        )
        .e(C1, ret(C::HrDispatchNotifications, H::S_OK))
        .e(
            C2,
            B::Wait {
                pumping: true,
                for_notification: true,
            },
        )
        .e(C2, B::WaitWoke { message: false })
        .e(C1, B::SessionUse { session: 0 })
        .e(C1, B::Logoff { session: 0 })
        .e(C2, B::Logoff { session: 0 })
        .e(C3, B::Logoff { session: 1 })
        .e(C1, B::Logoff { session: 2 })
        .uninit(C2, false)
        .uninit(C3, false)
        .uninit(C1, true)
        .e(C2, B::ThreadExit)
        .e(C3, B::ThreadExit)
        .e(C1, B::ThreadExit)
        .e(C1, B::ProcessExit)
}

/// Single-threaded application without MAPI_MULTITHREAD_NOTIFICATIONS that pumps its own
/// hidden window.
fn app_single() -> Tr {
    Tr::start(false)
        .init(C1, I::empty(), true)
        .logon(C1, X | L::MAPI_USE_DEFAULT, None, 0, false, "Outlook")
        // GetStatusTable right after the logon waits until the spooler started the
        // transports (STAT-9).
        .e(C1, B::GetStatusTable { session: 0 })
        .e(
            Thread::Spooler,
            B::ProviderStart {
                session: 0,
                kind: K::Transport,
            },
        )
        .e(C1, ret(C::GetStatusTable, H::S_OK))
        .e(
            C1,
            B::StatusTable {
                session: 0,
                transport_rows: 1,
                spooler_status: StatusCode::STATUS_AVAILABLE,
            },
        )
        .e(
            Thread::Provider,
            B::NotificationPosted {
                id: 7,
                session: 0,
                kind: NotifKind::NewMail,
            },
        )
        .e(
            C1,
            B::Wait {
                pumping: true,
                for_notification: true,
            },
        )
        .e(C1, B::WaitWoke { message: true })
        .e(
            C1,
            B::Pump {
                how: PumpKind::GetMessage,
            },
        )
        .e(
            C1,
            B::NotificationDelivered {
                id: 7,
                via: Via::WindowProc,
            },
        )
        .e(C1, B::Logoff { session: 0 })
        .uninit(C1, true)
        .e(C1, B::ThreadExit)
        .e(C1, B::ProcessExit)
}

/// A conforming Windows service.
fn service() -> Tr {
    let init = I::MAPI_MULTITHREAD_NOTIFICATIONS | I::MAPI_NT_SERVICE;
    let flags =
        X | L::MAPI_NO_MAIL | L::MAPI_NT_SERVICE | L::MAPI_NEW_SESSION | L::MAPI_USE_DEFAULT;
    Tr::start(true)
        .init(C1, init, true)
        .logon(C1, flags, None, 0, false, "Outlook")
        // MAPI_NO_MAIL: no transport will start, GetStatusTable returns at once (LOGON-10).
        .e(C1, B::GetStatusTable { session: 0 })
        .e(C1, ret(C::GetStatusTable, H::S_OK))
        .e(
            C1,
            B::StatusTable {
                session: 0,
                transport_rows: 0,
                spooler_status: StatusCode::STATUS_FAILURE | StatusCode::STATUS_AVAILABLE,
            },
        )
        .e(
            C1,
            B::Wait {
                pumping: true,
                for_notification: false,
            },
        )
        .e(C1, B::WaitWoke { message: true })
        .e(
            C1,
            B::Pump {
                how: PumpKind::GetMessage,
            },
        )
        .e(C1, B::Logoff { session: 0 })
        .uninit(C1, true)
        .e(C1, B::ThreadExit)
        .e(C1, B::ProcessExit)
}

#[test]
fn conforming_traces_are_quiet_and_exercise_every_client_rule() {
    let mut checks = vec![0u64; ClientRid::ALL.len()];
    for t in [app_mt(), app_single(), service()] {
        let c = quiet(&t);
        for (a, b) in checks.iter_mut().zip(c.checks) {
            *a += b;
        }
    }
    for r in ClientRid::ALL {
        assert!(checks[*r as usize] > 0, "{} never evaluated", r.id());
    }
}

#[test]
fn client_events_round_trip_as_json_lines() {
    for ev in app_mt().0.iter().chain(&service().0) {
        let line = ev.to_json_line();
        assert!(line.starts_with("{\"v\":1,"), "{line}");
        let back: ClientEvent = serde_json::from_str(&line).expect("parses");
        assert_eq!(&back, ev);
        match serde_json::from_str::<super::TraceLine>(&line).expect("a trace line") {
            super::TraceLine::Client(c) => assert_eq!(&c, ev),
            super::TraceLine::Transport(t) => panic!("read as a transport event: {t:?}"),
        }
    }
}

#[test]
fn structural_errors_are_errors_not_findings() {
    let t = Tr::start(false).e(Thread::Spooler, call(X, None));
    assert!(judge_trace(&t.0).1.is_err());
    let t = Tr::start(false).e(C1, ret(C::MapiLogonEx, H::S_OK));
    assert!(judge_trace(&t.0).1.is_err());
    let t = Tr::start(false).e(C1, B::SessionUse { session: 9 });
    assert!(judge_trace(&t.0).1.is_err());
}

fn single_logon(service: bool, init: I, flags: L) -> Tr {
    Tr::start(service)
        .init(C1, init, true)
        .e(C1, call(flags, None))
}

// ---- LOGON ----

#[test]
fn logon_1_fires_on_a_password() {
    fires(
        Tr::start(false).init(C1, I::empty(), true).e(
            C1,
            B::MapiLogonEx {
                flags: X,
                profile: None,
                password_null: false,
                ui_param: 0,
            },
        ),
        "LOGON-1",
    );
}

#[test]
fn logon_2_fires_on_a_65_character_profile_name() {
    let long = "p".repeat(65);
    fires(
        Tr::start(false)
            .init(C1, I::empty(), true)
            .e(C1, call(X, Some(&long))),
        "LOGON-2",
    );
}

#[test]
fn logon_3_fires_when_ui_param_0_fails_the_call() {
    fires(
        Tr::start(false)
            .init(C1, I::empty(), true)
            .e(C1, call(X | L::MAPI_USE_DEFAULT, None))
            .e(C1, B::LogonMutexAcquired)
            .e(C1, B::LogonMutexReleased)
            .e(C1, ret(C::MapiLogonEx, H::MAPI_E_LOGON_FAILED)),
        "LOGON-3",
    );
}

#[test]
fn logon_4_fires_without_mapi_extended() {
    fires(
        single_logon(false, I::empty(), L::MAPI_USE_DEFAULT),
        "LOGON-4",
    );
}

#[test]
fn logon_5_fires_when_a_join_gets_a_new_session() {
    fires(
        Tr::start(false)
            .init(C1, I::empty(), true)
            .logon(
                C1,
                X | L::MAPI_ALLOW_OTHERS | L::MAPI_USE_DEFAULT,
                None,
                0,
                true,
                "Outlook",
            )
            .logon(C1, X, Some("Work"), 1, false, "Work"),
        "LOGON-5",
    );
}

#[test]
fn logon_6_fires_when_allow_others_does_not_share() {
    fires(
        Tr::start(false).init(C1, I::empty(), true).logon(
            C1,
            X | L::MAPI_ALLOW_OTHERS | L::MAPI_USE_DEFAULT,
            None,
            0,
            false,
            "Outlook",
        ),
        "LOGON-6",
    );
}

#[test]
fn logon_7_fires_on_a_dialog_without_logon_ui() {
    fires(
        single_logon(false, I::empty(), X)
            .e(C1, B::LogonMutexAcquired)
            .e(
                C1,
                B::LogonDialog {
                    profile_field: String::new(),
                },
            ),
        "LOGON-7",
    );
}

#[test]
fn logon_8_fires_when_the_named_profile_is_not_used() {
    fires(
        Tr::start(false)
            .init(C1, I::empty(), true)
            .logon(C1, X, Some("Work"), 0, false, "Other"),
        "LOGON-8",
    );
}

#[test]
fn logon_9_fires_when_force_download_returns_before_the_download() {
    fires(
        Tr::start(false).init(C1, I::empty(), true).logon(
            C1,
            X | L::MAPI_FORCE_DOWNLOAD,
            Some("Work"),
            0,
            false,
            "Work",
        ),
        "LOGON-9",
    );
}

#[test]
fn logon_10_fires_when_a_no_mail_session_gets_transports() {
    let t = Tr::start(false).init(C1, I::empty(), true).logon(
        C1,
        X | L::MAPI_NO_MAIL,
        Some("Work"),
        0,
        false,
        "Work",
    );
    fires(
        t.e(
            Thread::Spooler,
            B::ProviderStart {
                session: 0,
                kind: K::Transport,
            },
        ),
        "LOGON-10",
    );
    let t = Tr::start(false).init(C1, I::empty(), true).logon(
        C1,
        X | L::MAPI_NO_MAIL,
        Some("Work"),
        0,
        false,
        "Work",
    );
    fires(
        t.e(
            C1,
            B::StatusTable {
                session: 0,
                transport_rows: 1,
                spooler_status: StatusCode::STATUS_AVAILABLE,
            },
        ),
        "LOGON-10",
    );
}

#[test]
fn stat_9_fires_when_get_status_table_returns_before_the_transports_started() {
    let t = Tr::start(false).init(C1, I::empty(), true).logon(
        C1,
        X | L::MAPI_USE_DEFAULT,
        None,
        0,
        false,
        "Outlook",
    );
    let early = t
        .e(C1, B::GetStatusTable { session: 0 })
        .e(C1, ret(C::GetStatusTable, H::S_OK));
    let c = early.judge();
    assert_eq!(
        c.findings.iter().map(|f| f.rule).collect::<Vec<_>>(),
        vec!["STAT-9"],
        "{:#?}",
        c.findings
    );
    assert_eq!(c.findings[0].blame, crate::judge::Blame::Mapi);
    // A failure hands out no table: not judged.
    let failed = Tr::start(false)
        .init(C1, I::empty(), true)
        .logon(C1, X | L::MAPI_USE_DEFAULT, None, 0, false, "Outlook")
        .e(C1, B::GetStatusTable { session: 0 })
        .e(C1, ret(C::GetStatusTable, H::MAPI_E_CALL_FAILED));
    let c = quiet(&failed);
    assert_eq!(c.checks[ClientRid::Stat9 as usize], 0);
}

#[test]
fn get_status_table_return_needs_its_call() {
    let t = Tr::start(false)
        .init(C1, I::empty(), true)
        .e(C1, ret(C::GetStatusTable, H::S_OK));
    assert!(judge_trace(&t.0).1.is_err());
}

#[test]
fn logon_11_fires_on_nt_service_outside_a_service() {
    fires(
        single_logon(false, I::empty(), X | L::MAPI_NT_SERVICE),
        "LOGON-11",
    );
}

#[test]
fn logon_12_fires_on_a_service_logon_without_no_mail() {
    fires(
        single_logon(true, I::MAPI_NT_SERVICE, X | L::MAPI_NT_SERVICE),
        "LOGON-12",
    );
}

#[test]
fn logon_13_fires_on_a_timeout_without_contention() {
    fires(
        single_logon(false, I::empty(), X | L::MAPI_TIMEOUT_SHORT)
            .e(C1, ret(C::MapiLogonEx, H::MAPI_E_TIMEOUT)),
        "LOGON-13",
    );
}

#[test]
fn logon_13_fires_on_two_holders() {
    fires(
        Tr::start(false)
            .init(C1, I::MAPI_MULTITHREAD_NOTIFICATIONS, true)
            .init(C2, I::MAPI_MULTITHREAD_NOTIFICATIONS, false)
            .e(C1, call(X, Some("A")))
            .e(C2, call(X, Some("B")))
            .e(C1, B::LogonMutexAcquired)
            .e(C2, B::LogonMutexAcquired),
        "LOGON-13",
    );
}

#[test]
fn logon_14_fires_on_an_undocumented_return() {
    fires(
        single_logon(false, I::empty(), X).e(C1, ret(C::MapiLogonEx, H::MAPI_E_CALL_FAILED)),
        "LOGON-14",
    );
}

#[test]
fn logon_15_fires_when_service_ui_always_shows_nothing() {
    fires(
        Tr::start(false).init(C1, I::empty(), true).logon(
            C1,
            X | L::MAPI_SERVICE_UI_ALWAYS,
            Some("W"),
            0,
            false,
            "W",
        ),
        "LOGON-15",
    );
}

#[test]
fn logon_16_fires_on_two_ui_flags() {
    fires(
        single_logon(
            false,
            I::empty(),
            X | L::MAPI_LOGON_UI | L::MAPI_PASSWORD_UI,
        ),
        "LOGON-16",
    );
}

#[test]
fn logon_17_fires_on_stores_before_address_books() {
    fires(
        single_logon(false, I::empty(), X | L::MAPI_USE_DEFAULT)
            .e(C1, B::LogonMutexAcquired)
            .e(
                C1,
                B::ProviderStart {
                    session: 0,
                    kind: K::Store,
                },
            ),
        "LOGON-17",
    );
}

#[test]
fn logon_18_fires_on_a_session_pointer_from_another_client() {
    fires(
        Tr::start(false)
            .init(C1, I::MAPI_MULTITHREAD_NOTIFICATIONS, true)
            .init(C2, I::MAPI_MULTITHREAD_NOTIFICATIONS, false)
            .logon(C1, X, Some("W"), 0, false, "W")
            .e(C2, B::SessionUse { session: 0 }),
        "LOGON-18",
    );
}

// ---- INIT ----

#[test]
fn init_1_fires_on_logon_before_initialize() {
    fires(Tr::start(false).e(C1, call(X, None)), "INIT-1");
    fires(
        Tr::start(false)
            .e(C1, call(X, None))
            .e(C1, ret(C::MapiLogonEx, H::MAPI_E_LOGON_FAILED)),
        "INIT-1",
    );
}

#[test]
fn init_2_fires_on_unbalanced_counts() {
    fires(
        Tr::start(false)
            .init(C1, I::empty(), true)
            .e(C1, B::ProcessExit),
        "INIT-2",
    );
    fires(
        Tr::start(false).e(
            C1,
            B::MapiUninitialize {
                from_dll_main: false,
            },
        ),
        "INIT-2",
    );
}

#[test]
fn init_3_fires_on_a_bad_version() {
    fires(
        Tr::start(false).e(
            C1,
            B::MapiInitialize {
                init: Some(MapiInit {
                    version: 1,
                    flags: I::empty(),
                }),
                from_dll_main: false,
            },
        ),
        "INIT-3",
    );
}

#[test]
fn init_4_fires_on_a_second_window() {
    fires(
        Tr::start(false)
            .init(C1, I::empty(), true)
            .e(
                C2,
                B::MapiInitialize {
                    init: None,
                    from_dll_main: false,
                },
            )
            .e(C2, B::NotifyWindowCreated { owner: C2 }),
        "INIT-4",
    );
}

#[test]
fn init_5_fires_on_threads_without_multithread_notifications() {
    let c = Tr::start(false)
        .init(C1, I::empty(), true)
        .init(C2, I::empty(), false)
        .e(C2, call(X, None))
        .judge();
    let f = c
        .findings
        .iter()
        .find(|f| f.rule == "INIT-5")
        .expect("INIT-5 fires");
    assert_eq!(
        f.severity,
        Severity::Error,
        "SPEC grades no client rule warn"
    );
}

#[test]
fn init_6_fires_on_nt_service_outside_a_service() {
    fires(
        Tr::start(false).init(C1, I::MAPI_NT_SERVICE, true),
        "INIT-6",
    );
}

#[test]
fn init_7_fires_on_coinitialize_with_no_coinit() {
    fires(
        Tr::start(false)
            .e(
                C1,
                B::MapiInitialize {
                    init: Some(MapiInit {
                        version: 0,
                        flags: I::MAPI_NO_COINIT,
                    }),
                    from_dll_main: false,
                },
            )
            .e(C1, B::CoInitialize),
        "INIT-7",
    );
}

#[test]
fn init_8_fires_from_dll_main() {
    fires(
        Tr::start(false).e(
            C1,
            B::MapiInitialize {
                init: None,
                from_dll_main: true,
            },
        ),
        "INIT-8",
    );
}

#[test]
fn init_9_fires_on_too_complex_without_nt_service() {
    fires(
        Tr::start(false)
            .e(
                C1,
                B::MapiInitialize {
                    init: None,
                    from_dll_main: false,
                },
            )
            .e(C1, ret(C::MapiInitialize, H::MAPI_E_TOO_COMPLEX)),
        "INIT-9",
    );
}

#[test]
fn init_10_fires_when_the_window_owner_exits_first() {
    fires(
        Tr::start(false)
            .init(C1, I::empty(), true)
            .init(C2, I::empty(), false)
            .e(C1, B::ThreadExit),
        "INIT-10",
    );
}

// ---- SVC ----

#[test]
fn svc_1_fires_on_a_service_with_logon_ui() {
    fires(
        single_logon(
            true,
            I::MAPI_NT_SERVICE,
            X | L::MAPI_NT_SERVICE | L::MAPI_NO_MAIL | L::MAPI_LOGON_UI,
        ),
        "SVC-1",
    );
}

#[test]
fn svc_2_fires_when_a_service_session_starts_transports() {
    fires(
        Tr::start(true)
            .init(C1, I::MAPI_NT_SERVICE, true)
            .logon(C1, X | L::MAPI_NT_SERVICE, Some("W"), 0, false, "W")
            .e(
                Thread::Spooler,
                B::ProviderStart {
                    session: 0,
                    kind: K::Transport,
                },
            ),
        "SVC-2",
    );
}

#[test]
fn svc_3_fires_without_mapi_initialize() {
    fires(
        Tr::start(true).e(C1, call(X | L::MAPI_NT_SERVICE | L::MAPI_NO_MAIL, None)),
        "SVC-3",
    );
    fires(
        Tr::start(false)
            .e(
                C1,
                B::MapiInitialize {
                    init: None,
                    from_dll_main: false,
                },
            )
            .e(C1, B::NotifyWindowCreated { owner: C1 })
            .e(C1, ret(C::MapiInitialize, H::S_OK)),
        "SVC-3",
    );
}

#[test]
fn svc_4_fires_on_a_service_without_nt_service() {
    fires(Tr::start(true).init(C1, I::empty(), true), "SVC-4");
    fires(
        single_logon(true, I::MAPI_NT_SERVICE, X | L::MAPI_NO_MAIL),
        "SVC-4",
    );
}

#[test]
fn svc_5_fires_on_a_service_without_no_mail() {
    fires(
        single_logon(true, I::MAPI_NT_SERVICE, X | L::MAPI_NT_SERVICE),
        "SVC-5",
    );
}

#[test]
fn svc_6_fires_on_a_service_that_does_not_pump() {
    fires(
        Tr::start(true).init(C1, I::MAPI_NT_SERVICE, true).e(
            C1,
            B::Wait {
                pumping: false,
                for_notification: false,
            },
        ),
        "SVC-6",
    );
    fires(
        Tr::start(true)
            .init(C1, I::MAPI_NT_SERVICE, true)
            .e(
                C1,
                B::Wait {
                    pumping: true,
                    for_notification: false,
                },
            )
            .e(C1, B::WaitWoke { message: true })
            .e(
                C1,
                B::Wait {
                    pumping: true,
                    for_notification: false,
                },
            ),
        "SVC-6",
    );
}

// ---- NOTIF ----

#[test]
fn notif_1_fires_on_delivery_outside_a_message_loop() {
    fires(
        Tr::start(false)
            .init(C1, I::empty(), true)
            .e(
                Thread::Provider,
                B::NotificationPosted {
                    id: 1,
                    session: 0,
                    kind: NotifKind::NewMail,
                },
            )
            .e(
                C1,
                B::NotificationDelivered {
                    id: 1,
                    via: Via::WindowProc,
                },
            ),
        "NOTIF-1",
    );
    fires(
        Tr::start(false).e(
            Thread::Provider,
            B::NotificationPosted {
                id: 1,
                session: 0,
                kind: NotifKind::NewMail,
            },
        ),
        "NOTIF-1",
    );
}

#[test]
fn notif_2_fires_when_the_window_thread_waits_without_dispatching() {
    fires(
        Tr::start(false).init(C1, I::empty(), true).e(
            C1,
            B::Wait {
                pumping: false,
                for_notification: true,
            },
        ),
        "NOTIF-2",
    );
}

#[test]
fn notif_3_fires_on_flags_and_on_an_early_s_ok() {
    fires(
        Tr::start(false)
            .init(C1, I::empty(), true)
            .e(C1, B::HrDispatchNotifications { flags: Word(1) }),
        "NOTIF-3",
    );
    fires(
        Tr::start(false)
            .init(C1, I::empty(), true)
            .e(
                Thread::Provider,
                B::NotificationPosted {
                    id: 1,
                    session: 0,
                    kind: NotifKind::NewMail,
                },
            )
            .e(C1, B::HrDispatchNotifications { flags: Word(0) })
            .e(C1, ret(C::HrDispatchNotifications, H::S_OK)),
        "NOTIF-3",
    );
}

#[test]
fn notif_4_fires_on_a_peek_message_loop() {
    let c = Tr::start(false)
        .init(C1, I::empty(), true)
        .e(
            C1,
            B::Pump {
                how: PumpKind::PeekTimeout,
            },
        )
        .judge();
    let f = c
        .findings
        .iter()
        .find(|f| f.rule == "NOTIF-4")
        .expect("NOTIF-4 fires");
    assert_eq!(
        f.severity,
        Severity::Error,
        "SPEC grades no client rule warn"
    );
}

#[test]
fn notif_5_fires_on_delivery_by_another_thread_than_the_window_owner() {
    fires(
        Tr::start(false)
            .init(C1, I::MAPI_MULTITHREAD_NOTIFICATIONS, true)
            .init(C2, I::MAPI_MULTITHREAD_NOTIFICATIONS, false)
            .e(
                Thread::Provider,
                B::NotificationPosted {
                    id: 1,
                    session: 0,
                    kind: NotifKind::NewMail,
                },
            )
            .e(
                C2,
                B::Pump {
                    how: PumpKind::GetMessage,
                },
            )
            .e(
                C2,
                B::NotificationDelivered {
                    id: 1,
                    via: Via::WindowProc,
                },
            ),
        "NOTIF-5",
    );
}

#[test]
fn every_client_rule_has_a_firing_test() {
    let src = include_str!("tests.rs");
    for r in ClientRid::ALL {
        let name = format!("fn {}_", r.id().to_lowercase().replace('-', "_"));
        assert!(src.contains(&name), "no firing test for {}", r.id());
    }
}
