//! The simulator's own guarantees: same seed, same trace; a provider that panics or hangs is a
//! finding with the trace up to that point, and the harness carries on.

use std::sync::Arc;

use xpcheck_model::{Behaviour, Config, Scenario};
use xpcheck_properties::event::NotifyData;
use xpcheck_properties::vocab::{
    EndMessageFlags, FlushFlags, HResult, LogoffFlags, LogonFlags, StartMessageFlags, StatusCode,
    StatusRowFlags, SubmitFlags, TransportNotifyFlags,
};
use xpcheck_sim::api::{Message, MsgRefOut, Support, TransportLogon, TransportProvider, Wire};
use xpcheck_sim::{run_seed, run_seeds, Crash, SimOptions};

/// A provider whose Poll misbehaves in a chosen way; everything else is minimal and correct.
struct Bad {
    mode: u8,
}

struct BadLogon {
    support: Support,
    mode: u8,
}

impl TransportProvider for Bad {
    fn transport_logon(
        &self,
        support: Support,
        flags: &mut LogonFlags,
    ) -> Result<Arc<dyn TransportLogon>, HResult> {
        support.modify_status_row(StatusRowFlags::empty(), StatusCode::STATUS_AVAILABLE);
        *flags = LogonFlags::LOGON_SP_POLL;
        Ok(Arc::new(BadLogon {
            support,
            mode: self.mode,
        }))
    }
}

impl TransportLogon for BadLogon {
    fn transport_notify(
        &self,
        flags: &mut TransportNotifyFlags,
        _data: Option<NotifyData>,
    ) -> HResult {
        let mut row = StatusCode::STATUS_AVAILABLE;
        row.set(
            StatusCode::STATUS_INBOUND_ENABLED,
            flags.contains(TransportNotifyFlags::NOTIFY_BEGIN_INBOUND),
        );
        self.support
            .modify_status_row(StatusRowFlags::STATUSROW_UPDATE, row);
        HResult::S_OK
    }
    fn submit_message(&self, _: SubmitFlags, _: &Message, r: &MsgRefOut, _: &mut u32) -> HResult {
        r.set(7);
        HResult::MAPI_E_NOT_ME
    }
    fn end_message(&self, _: u32, _: &mut EndMessageFlags) -> HResult {
        HResult::S_OK
    }
    fn start_message(&self, _: StartMessageFlags, _: &Message, _: &MsgRefOut) -> HResult {
        HResult::S_OK
    }
    fn poll(&self, incoming: &mut u32) -> HResult {
        match self.mode {
            0 => panic!("provider bug: index out of range"),
            1 => loop {
                // Waits for something only a later spooler call could give (AMB-6 (c)).
                self.support.spooler_yield();
            },
            _ => {
                *incoming = 0;
                HResult::S_OK
            }
        }
    }
    fn flush_queues(&self, _: FlushFlags) -> HResult {
        HResult::S_OK
    }
    fn transport_logoff(&self, _: LogoffFlags) -> HResult {
        HResult::S_OK
    }
}

fn opts() -> SimOptions {
    let mut c = Config::scenario(Scenario::Standard, Behaviour::Correct);
    c.inbound = 0;
    let mut o = SimOptions::new(c);
    o.inject_per_mille = 0;
    o
}

fn panicking(_: Wire) -> Arc<dyn TransportProvider> {
    Arc::new(Bad { mode: 0 })
}

fn hanging(_: Wire) -> Arc<dyn TransportProvider> {
    Arc::new(Bad { mode: 1 })
}

#[test]
fn a_panicking_provider_is_a_finding_with_its_trace() {
    let s = run_seeds(panicking, &opts(), 0, 20);
    assert_eq!(s.seeds, 20, "the harness carried on after the panic");
    let (crash, run) = s.crash.expect("the panic is reported");
    match crash {
        Crash::Panic { message, after_seq } => {
            assert!(message.contains("index out of range"));
            assert_eq!(after_seq + 1, run.events.len() as u64);
            let last = run.events.last().expect("trace up to the panic");
            assert!(
                last.to_json_line().contains("\"poll\""),
                "{}",
                last.to_json_line()
            );
        }
        other => panic!("expected a panic, got {other:?}"),
    }
}

#[test]
fn a_hanging_provider_is_a_finding_not_a_hung_harness() {
    let s = run_seeds(hanging, &opts(), 0, 5);
    let (crash, run) = s.crash.expect("the hang is reported");
    assert!(
        matches!(crash, Crash::Hang { ref method, .. } if method == "Poll"),
        "{crash:?}"
    );
    assert!(run.events.len() > opts().max_callbacks as usize);
}

#[test]
fn same_seed_same_trace_byte_for_byte() {
    let o = SimOptions::new(Config::scenario(Scenario::Standard, Behaviour::Correct));
    let lines = |seed| -> String {
        run_seed(panicking_free, &o, seed)
            .events
            .iter()
            .map(|e| e.to_json_line() + "\n")
            .collect()
    };
    for seed in [0, 1, 42, 9999] {
        assert_eq!(lines(seed), lines(seed));
    }
    assert_ne!(
        lines(1),
        lines(2),
        "different seeds explore different schedules"
    );
}

/// A minimal provider whose Poll is fine (mode 2).
fn panicking_free(_: Wire) -> Arc<dyn TransportProvider> {
    struct Fine;
    impl TransportProvider for Fine {
        fn transport_logon(
            &self,
            support: Support,
            flags: &mut LogonFlags,
        ) -> Result<Arc<dyn TransportLogon>, HResult> {
            support.modify_status_row(StatusRowFlags::empty(), StatusCode::STATUS_AVAILABLE);
            *flags = LogonFlags::empty();
            Ok(Arc::new(BadLogon { support, mode: 2 }))
        }
    }
    Arc::new(Fine)
}

/// A provider that holds its own (non-reentrant) lock while calling back into the spooler: the
/// TransportNotify injected inside that callback blocks on the same lock (AMB-21).
fn deadlocking(_: Wire) -> Arc<dyn TransportProvider> {
    struct Locky;
    struct LockyLogon {
        lock: std::sync::Mutex<()>,
    }
    impl TransportProvider for Locky {
        fn transport_logon(
            &self,
            support: Support,
            flags: &mut LogonFlags,
        ) -> Result<Arc<dyn TransportLogon>, HResult> {
            support.modify_status_row(StatusRowFlags::empty(), StatusCode::STATUS_AVAILABLE);
            *flags = LogonFlags::empty();
            Ok(Arc::new(LockyLogon {
                lock: std::sync::Mutex::new(()),
            }))
        }
    }
    impl TransportLogon for LockyLogon {
        fn transport_notify(&self, _: &mut TransportNotifyFlags, _: Option<NotifyData>) -> HResult {
            let _guard = self.lock.lock();
            HResult::S_OK
        }
        fn submit_message(
            &self,
            _: SubmitFlags,
            msg: &Message,
            r: &MsgRefOut,
            _: &mut u32,
        ) -> HResult {
            let _guard = self.lock.lock();
            r.set(2);
            msg.read(); // a callback with the lock held: an injected TransportNotify blocks
            HResult::S_OK
        }
        fn end_message(&self, _: u32, _: &mut EndMessageFlags) -> HResult {
            HResult::S_OK
        }
        fn start_message(&self, _: StartMessageFlags, _: &Message, _: &MsgRefOut) -> HResult {
            HResult::S_OK
        }
        fn poll(&self, incoming: &mut u32) -> HResult {
            *incoming = 0;
            HResult::S_OK
        }
        fn flush_queues(&self, _: FlushFlags) -> HResult {
            HResult::S_OK
        }
        fn transport_logoff(&self, _: LogoffFlags) -> HResult {
            HResult::S_OK
        }
    }
    Arc::new(Locky)
}

#[test]
fn a_deadlocking_provider_is_reported_by_the_watchdog() {
    let mut o = opts();
    o.inject_per_mille = 1000; // always inject inside callbacks
    o.watchdog_ms = 300;
    let s = run_seeds(deadlocking, &o, 0, 50);
    let (crash, run) = s.crash.expect("the deadlock is reported");
    assert!(matches!(crash, Crash::Deadlock { .. }), "{crash:?}");
    let last = run.events.last().expect("trace up to the deadlock");
    assert!(
        last.to_json_line().contains("transport_notify"),
        "{}",
        last.to_json_line()
    );
}

#[test]
fn one_seed_with_the_watchdog_reports_the_deadlock_instead_of_hanging() {
    let mut o = opts();
    o.inject_per_mille = 1000;
    o.watchdog_ms = 300;
    let seed = run_seeds(deadlocking, &o, 0, 50)
        .crash
        .expect("some seed deadlocks")
        .1
        .seed;
    let gave_up = std::sync::atomic::AtomicBool::new(false);
    let run = xpcheck_sim::run_seed_watchdog(deadlocking, &o, seed, || {
        gave_up.store(true, std::sync::atomic::Ordering::SeqCst)
    });
    assert!(
        matches!(run.crash, Some(Crash::Deadlock { .. })),
        "{:?}",
        run.crash
    );
    assert!(gave_up.load(std::sync::atomic::Ordering::SeqCst));
    assert!(!run.events.is_empty(), "the trace so far");
    // A seed that ends is returned as run_seed returns it (this provider panics in some seeds).
    let ended = xpcheck_sim::run_seed_watchdog(panicking, &opts(), 0, || {
        panic!("no give-up for a seed that ends")
    });
    let direct = run_seed(panicking, &opts(), 0);
    assert_eq!(ended.events, direct.events);
    assert_eq!(format!("{:?}", ended.crash), format!("{:?}", direct.crash));
}
