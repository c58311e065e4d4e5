//! End to end in the simulator (LOGON-10, NOTIF-1..NOTIF-3): a client session opened with
//! given flags around seeded runs of the loopback transport.

use xpcheck::properties::client::event::{ClientBody, Via};
use xpcheck::properties::event::Body;
use xpcheck::properties::vocab::{MapiLogonFlags as L, StatusCode};
use xpcheck::sim::client::{run_client_seed, ClientSession};
use xpcheck::sim::SimOptions;

fn opts() -> SimOptions {
    SimOptions::new(xpcheck::sim_run::sim_config())
}

fn loopback() -> xpcheck::sim::api::ProviderFn {
    xpcheck::builtin::by_name("loopback")
        .expect("loopback")
        .factory
}

#[test]
fn no_mail_session_never_drives_transport_logon() {
    let s = ClientSession {
        flags: L::MAPI_EXTENDED | L::MAPI_NO_MAIL,
        dispatch: true,
    };
    for seed in 0..20 {
        let run = run_client_seed(s, loopback(), &opts(), seed);
        assert!(run.transport.is_none(), "LOGON-10: no transport run");
        assert_eq!(run.posted, 0);
        assert!(!run.events.iter().any(|e| matches!(
            e.body,
            ClientBody::ProviderStart {
                kind: xpcheck::properties::client::ProviderKind::Transport,
                ..
            }
        )));
        let table = run
            .events
            .iter()
            .find_map(|e| match e.body {
                ClientBody::StatusTable {
                    transport_rows,
                    spooler_status,
                    ..
                } => Some((transport_rows, spooler_status)),
                _ => None,
            })
            .expect("a status table");
        assert_eq!(table.0, 0);
        assert!(table.1.contains(StatusCode::STATUS_FAILURE));
        assert_eq!(run.judged.errors().count(), 0, "{:?}", run.judged.findings);
        assert!(run.judged.checks.iter().sum::<u64>() > 0);
    }
}

#[test]
fn new_mail_reaches_the_client_only_after_it_dispatches() {
    let mut seen_mail = false;
    for seed in 0..50 {
        let s = ClientSession {
            flags: L::MAPI_EXTENDED | L::MAPI_NEW_SESSION,
            dispatch: true,
        };
        let run = run_client_seed(s, loopback(), &opts(), seed);
        let tr = run.transport.as_ref().expect("a transport run");
        assert!(tr
            .events
            .iter()
            .any(|e| matches!(e.body, Body::TransportLogon { .. })));
        assert_eq!(run.judged.errors().count(), 0, "{:?}", run.judged.findings);
        let dispatch_at = run
            .events
            .iter()
            .position(|e| matches!(e.body, ClientBody::HrDispatchNotifications { .. }))
            .expect("dispatches");
        for (i, e) in run.events.iter().enumerate() {
            if let ClientBody::NotificationDelivered { via, .. } = e.body {
                assert!(i > dispatch_at, "delivered before HrDispatchNotifications");
                assert_eq!(via, Via::HrDispatch);
            }
        }
        assert_eq!(run.delivered, run.posted);
        if run.posted > 0 {
            seen_mail = true;
            // Without dispatching, the same notifications stay queued (NOTIF-2).
            let quiet = run_client_seed(
                ClientSession {
                    dispatch: false,
                    ..s
                },
                loopback(),
                &opts(),
                seed,
            );
            assert_eq!(quiet.delivered, 0);
            assert_eq!(quiet.posted, run.posted);
        }
    }
    assert!(seen_mail, "no seed delivered mail");
}
