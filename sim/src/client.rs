//! End to end on the client side (LOGON-10, NOTIF-1..NOTIF-3): a client process opens a session
//! with given `MAPILogonEx` flags around a seeded transport run.
//!
//! * With `MAPI_NO_MAIL` MAPI never tells the spooler about the session: no transport run at
//!   all (no `TransportLogon`), no transport status rows, the spooler row shows
//!   `STATUS_FAILURE` (LOGON-10).
//! * Otherwise the spooler logs the transport on and the seeded simulation runs
//!   ([`crate::harness::run_seed`]); every new-mail signal of the run — a provider's
//!   `SpoolerNotify(NOTIFY_NEWMAIL)`, or a message delivered inbound (`SaveChanges` inside
//!   `StartMessage`, which the store turns into `fnevNewMail`) — is posted to the client's
//!   hidden window as `szMAPINotificationMsg` and queued (NOTIF-1). The client initialised
//!   without `MAPI_MULTITHREAD_NOTIFICATIONS`, so the window is its own thread's: nothing
//!   reaches its advise sink until it calls `HrDispatchNotifications(0)` (NOTIF-2, NOTIF-3).
//!
//! The client trace is judged by the client monitors; the transport trace by the transport
//! monitors, as in every `sim` run.

use xpcheck_properties::client::event::{
    ClientBody as B, ClientCall, ClientEvent, MapiInit, NotifKind, ProviderKind, Via,
};
use xpcheck_properties::client::judge::{judge_trace, ClientCollect};
use xpcheck_properties::event::{Body, Thread, Word};
use xpcheck_properties::vocab::{
    HResult, MapiInitFlags, MapiLogonFlags, SpoolerNotifyFlags, StatusCode,
};

use crate::api::ProviderFactory;
use crate::harness::{run_seed, SeedRun, SimOptions};

/// The client session around a transport run.
#[derive(Clone, Copy, Debug)]
pub struct ClientSession {
    /// `flFlags` of the client's `MAPILogonEx` (with `MAPI_NO_MAIL`, no transport runs).
    pub flags: MapiLogonFlags,
    /// The client calls `HrDispatchNotifications(0)` after the transport run (NOTIF-2).
    pub dispatch: bool,
}

/// What one client session produced.
#[derive(Clone, Debug)]
pub struct ClientRun {
    /// The transport run, `None` for a `MAPI_NO_MAIL` session (LOGON-10).
    pub transport: Option<SeedRun>,
    /// The client trace (`client1`, `spooler`, `provider` threads).
    pub events: Vec<ClientEvent>,
    /// The client monitors' checks and findings.
    pub judged: ClientCollect,
    /// Notifications posted to the hidden window.
    pub posted: usize,
    /// Notifications that reached the client's advise sink.
    pub delivered: usize,
}

struct Trace {
    events: Vec<ClientEvent>,
}

impl Trace {
    fn e(&mut self, th: Thread, body: B) {
        let seq = self.events.len() as u64;
        self.events.push(ClientEvent::new(seq, th, body));
    }
}

/// New-mail signals of a transport trace, in order: `SpoolerNotify(NOTIFY_NEWMAIL)` and
/// inbound deliveries (`SaveChanges` on the message of an open `StartMessage`).
pub fn new_mail_signals(run: &SeedRun) -> usize {
    let mut inbound = None;
    let mut n = 0;
    for ev in &run.events {
        match ev.body {
            Body::StartMessage { msg, .. } => inbound = Some(msg),
            Body::Return { .. } if ev.thread == Thread::Spooler => inbound = None,
            Body::SaveChanges { msg, .. } if Some(msg) == inbound => n += 1,
            Body::SpoolerNotify { flags, .. }
                if flags.contains(SpoolerNotifyFlags::NOTIFY_NEWMAIL) =>
            {
                n += 1
            }
            _ => {}
        }
    }
    n
}

/// Runs one client session around seed `seed` of the transport simulation.
pub fn run_client_seed(
    session: ClientSession,
    factory: impl Into<ProviderFactory>,
    opts: &SimOptions,
    seed: u64,
) -> ClientRun {
    let c1 = Thread::Client(1);
    let no_mail = session.flags.contains(MapiLogonFlags::MAPI_NO_MAIL);
    let mut t = Trace { events: Vec::new() };
    t.e(c1, B::ProcessStart { service: false });
    t.e(
        c1,
        B::MapiInitialize {
            init: Some(MapiInit {
                version: 0,
                flags: MapiInitFlags::empty(),
            }),
            from_dll_main: false,
        },
    );
    t.e(c1, B::CoInitialize);
    t.e(c1, B::NotifyWindowCreated { owner: c1 });
    t.e(c1, B::ret(ClientCall::MapiInitialize, HResult::S_OK));
    t.e(
        c1,
        B::MapiLogonEx {
            flags: session.flags,
            profile: Some("Work".into()),
            password_null: true,
            ui_param: 0,
        },
    );
    t.e(c1, B::LogonMutexAcquired);
    for kind in [ProviderKind::AddressBook, ProviderKind::Store] {
        t.e(c1, B::ProviderStart { session: 0, kind });
    }
    t.e(c1, B::LogonMutexReleased);
    t.e(
        c1,
        B::MapiReturn {
            call: ClientCall::MapiLogonEx,
            hr: HResult::S_OK,
            session: Some(0),
            shared: false,
            profile: Some("Work".into()),
        },
    );
    let mut posted = 0;
    let transport = if no_mail {
        // LOGON-10: the spooler is never told; no TransportLogon is driven.
        t.e(
            c1,
            B::StatusTable {
                session: 0,
                transport_rows: 0,
                spooler_status: StatusCode::STATUS_FAILURE,
            },
        );
        None
    } else {
        t.e(
            Thread::Spooler,
            B::ProviderStart {
                session: 0,
                kind: ProviderKind::Transport,
            },
        );
        let run = run_seed(factory, opts, seed);
        for _ in 0..new_mail_signals(&run).min(xpcheck_properties::client::judge::QUEUE) {
            posted += 1;
            t.e(
                Thread::Provider,
                B::NotificationPosted {
                    id: posted as u32,
                    session: 0,
                    kind: NotifKind::NewMail,
                },
            );
        }
        t.e(
            c1,
            B::StatusTable {
                session: 0,
                transport_rows: 1,
                spooler_status: StatusCode::STATUS_AVAILABLE,
            },
        );
        Some(run)
    };
    let mut delivered = 0;
    if session.dispatch {
        t.e(c1, B::HrDispatchNotifications { flags: Word(0) });
        for id in 1..=posted {
            delivered += 1;
            t.e(
                c1,
                B::NotificationDelivered {
                    id: id as u32,
                    via: Via::HrDispatch,
                },
            );
        }
        t.e(
            c1,
            B::ret(ClientCall::HrDispatchNotifications, HResult::S_OK),
        );
    }
    t.e(c1, B::Logoff { session: 0 });
    t.e(
        c1,
        B::MapiUninitialize {
            from_dll_main: false,
        },
    );
    t.e(c1, B::NotifyWindowDestroyed);
    t.e(c1, B::ret(ClientCall::MapiUninitialize, HResult::S_OK));
    t.e(c1, B::ThreadExit);
    t.e(c1, B::ProcessExit);
    let (judged, _) = judge_trace(&t.events);
    ClientRun {
        transport,
        events: t.events,
        judged,
        posted,
        delivered,
    }
}
