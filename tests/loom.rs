//! The loom suite: the built-in providers' real synchronisation code over every interleaving
//! of the spooler's main and notify threads (the default preemption bound), judged by the monitors.
//!
//! ```text
//! RUSTFLAGS="--cfg xpcheck_loom" cargo test --release --workspace loom
//! ```
#![cfg(xpcheck_loom)]

use xpcheck::sim::races::{self, LoomOptions, LoomVerdict, SCENARIOS};

fn provider(name: &str) -> xpcheck::builtin::Builtin {
    xpcheck::builtin::by_name(name).expect("built-in provider")
}

#[test]
fn loom_loopback_passes_every_scenario_at_the_default_bound() {
    let p = provider("loopback");
    assert!(SCENARIOS.len() >= 6);
    for sc in SCENARIOS {
        let r = races::run(sc, p.factory, &LoomOptions::default());
        eprintln!("{}", r.summary());
        assert_eq!(
            r.verdict,
            LoomVerdict::Pass,
            "{}\n{}",
            r.summary(),
            r.counterexample().unwrap_or_default()
        );
        let exercised = r.exercised();
        for rule in sc.rules {
            assert!(
                exercised.contains(rule),
                "{}: aimed at {rule}, which no execution exercised (exercised: {exercised:?})",
                sc.name
            );
        }
    }
}

/// A provider with a worker thread of its own that uses NOTIFY_NEWMAIL instead of Poll: no
/// scenario polls it (no POLL-1 finding, blame spooler), the inbound races are explored as for a
/// polling provider (StartMessage runs, the cancel lands in it), and every run finishes.
#[test]
fn loom_relay_newmail_worker_passes_every_scenario_and_is_never_polled() {
    let p = provider("relay");
    for sc in SCENARIOS {
        let r = races::run(sc, p.factory, &LoomOptions::default());
        eprintln!("{}", r.summary());
        assert_eq!(
            r.verdict,
            LoomVerdict::Pass,
            "{}\n{}",
            r.summary(),
            r.counterexample().unwrap_or_default()
        );
        let exercised = r.exercised();
        // It never defers: the deferral race never happens, and the report says so.
        if sc.name == "deferral_races_abort" {
            assert!(
                r.notes.iter().any(|n| n.contains("never deferred")),
                "{:?}",
                r.notes
            );
            continue;
        }
        // Poll is what it never asked for; everything else the scenario aims at is reached —
        // but TN-20, which the monitors judge at a Poll or at a StartMessage that delivers
        // nothing, and a provider that redelivers at the next StartMessage gives neither.
        for rule in sc
            .rules
            .iter()
            .filter(|r| !["POLL-1", "TN-20"].contains(*r))
        {
            assert!(
                exercised.contains(rule),
                "{}: aimed at {rule}, which no execution exercised",
                sc.name
            );
        }
        assert!(!exercised.contains(&"POLL-1"), "{}: polled", sc.name);
        assert!(
            r.notes.iter().all(|n| !n.contains("StartMessage")),
            "{}: StartMessage never ran: {:?}",
            sc.name,
            r.notes
        );
    }
}

/// The broken provider fails the scenario aimed at it, naming a rule it is built to break; the
/// failing execution is a snapshot.
fn caught(name: &str, scenario: &str) {
    let p = provider(name);
    let sc = races::by_name(scenario).expect("scenario");
    // A flaw SPEC grades "warn" is caught under --strict.
    let opts = LoomOptions {
        strict: p.graded,
        ..LoomOptions::default()
    };
    let r = races::run(sc, p.factory, &opts);
    eprintln!("{name}: {}", r.summary());
    assert_eq!(r.verdict, LoomVerdict::Violated, "{name}: {}", r.summary());
    let f = r.failure.as_ref().expect("a failing execution");
    assert!(
        p.breaks.contains(&f.rule),
        "{name} fails {scenario} with {}, not in its breaks {:?}\n{}",
        f.rule,
        p.breaks,
        r.counterexample().unwrap_or_default()
    );
    // The counterexample as numbered events, then as a sequence chart.
    // The test that found it, as a command that runs as printed.
    let test = std::thread::current().name().unwrap_or("loom").to_string();
    let replay = format!(
        "RUSTFLAGS=\"--cfg xpcheck_loom\" CARGO_TARGET_DIR=target/loom cargo test --release --test loom {test} -- --exact"
    );
    let chart = xpcheck::chart::text(&xpcheck::chart::Chart {
        title: format!("{name}: loom scenario {scenario}"),
        events: &f.events,
        findings: &f.findings,
        rule: Some(f.rule),
        replay: Some(&replay),
    });
    let shown = format!("{}\n{chart}", r.counterexample().expect("rendered"));
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!(format!("loom__{name}"), shown);
    });
}

#[test]
fn loom_per_logon_cancel_flag_is_caught() {
    caught("loopback-per-logon-cancel", "cancel_races_submit_and_end");
}

#[test]
fn loom_check_then_act_cancel_is_caught() {
    caught(
        "loopback-check-then-act-cancel",
        "cancel_races_submit_and_end",
    );
}

#[test]
fn loom_lost_wakeup_is_caught() {
    caught("loopback-lost-wakeup", "cancel_races_start_message");
}

#[test]
fn loom_timeout_branch_catches_give_up_waiting() {
    caught("loopback-give-up-waiting", "cancel_races_submit_and_end");
}

#[test]
fn loom_unlocked_status_word_is_caught() {
    caught("loopback-status-rmw", "status_rows_race");
}

#[test]
fn loom_cancel_honoured_only_at_the_end_is_caught() {
    caught("loopback-cancel-at-end", "cancel_races_submit_and_end");
}

#[test]
fn loom_yield_in_flush_is_caught() {
    caught("loopback-yield-in-flush", "flush_races_start_message");
}

#[test]
fn loom_missing_row_update_is_caught() {
    caught("loopback-no-status-update", "end_outbound_races_submit");
}

#[test]
fn loom_transmit_without_responsibility_is_caught() {
    caught(
        "loopback-no-responsibility",
        "two_messages_in_an_outbound_flush",
    );
}

#[test]
fn loom_inbound_without_message_class_is_caught() {
    caught("loopback-no-message-class", "cancel_races_start_message");
}

#[test]
fn loom_spooler_yield_with_flags_is_caught() {
    caught("loopback-yield-flags", "cancel_races_submit_and_end");
}

#[test]
fn loom_no_msg_ref_is_caught_under_strict() {
    caught("loopback-no-msg-ref", "cancel_races_submit_and_end");
}

#[test]
fn loom_run_cut_by_its_iteration_budget_is_incomplete() {
    let p = provider("loopback");
    let opts = LoomOptions {
        max_iterations: Some(5),
        ..LoomOptions::default()
    };
    let r = races::run(&SCENARIOS[0], p.factory, &opts);
    assert_eq!(r.verdict, LoomVerdict::Incomplete, "{}", r.summary());
    assert_eq!(r.iterations, 5);
}

#[test]
fn loom_alone_misses_give_up_waiting_the_timeout_branch_is_what_finds_it() {
    // loom's own wait_timeout never times out: without the facade's explored timeouts the
    // flawed provider looks correct.
    let p = provider("loopback-give-up-waiting");
    let sc = races::by_name("cancel_races_submit_and_end").expect("scenario");
    let opts = LoomOptions {
        wait_faults: false,
        ..LoomOptions::default()
    };
    let r = races::run(sc, p.factory, &opts);
    assert_eq!(r.verdict, LoomVerdict::Pass, "{}", r.summary());
    assert_eq!(r.plans, 1);
}

#[test]
fn loom_facade_condvar_explores_a_spurious_wakeup() {
    // A one-shot latch waited on with `if` instead of `while`: correct unless a wait returns
    // spuriously. Under the plan that makes wait #0 spurious, some execution sees it.
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc as StdArc;
    use xpcheck::sim::sync::{plan, Arc, Condvar, Mutex};
    for (planned, expect) in [(None, false), (Some(0), true)] {
        let seen = StdArc::new(AtomicBool::new(false));
        let seen2 = seen.clone();
        loom::model(move || {
            plan::begin(planned.map(|index| plan::Planned {
                kind: plan::WaitKind::Wait,
                index,
            }));
            let latch = Arc::new((Mutex::new(false), Condvar::new()));
            let l2 = latch.clone();
            let t = loom::thread::spawn(move || {
                *l2.0.lock().unwrap() = true;
                l2.1.notify_all();
            });
            let mut done = latch.0.lock().unwrap();
            if !*done {
                done = latch.1.wait(done).unwrap();
            }
            if !*done {
                seen2.store(true, Ordering::SeqCst);
            }
            drop(done);
            t.join().unwrap();
        });
        assert_eq!(seen.load(Ordering::SeqCst), expect, "plan {planned:?}");
    }
}

/// Loopback with a plain std Mutex (which loom cannot see) held across SubmitMessage and taken
/// by TransportNotify: when loom runs the notify thread inside SubmitMessage's callbacks the
/// whole execution blocks on a real lock.
mod std_lock {
    use std::sync::{Arc, Mutex};
    use xpcheck::properties::event::NotifyData;
    use xpcheck::properties::vocab::{
        EndMessageFlags, FlushFlags, HResult, LogoffFlags, LogonFlags, StartMessageFlags,
        SubmitFlags, TransportNotifyFlags,
    };
    use xpcheck::sim::api::{Message, MsgRefOut, Support, TransportLogon, TransportProvider, Wire};

    struct Provider(Arc<dyn TransportProvider>);
    struct Logon(Arc<dyn TransportLogon>, Mutex<()>);

    pub fn factory(wire: Wire) -> Arc<dyn TransportProvider> {
        let inner = (super::provider("loopback").factory)(wire);
        Arc::new(Provider(inner))
    }

    impl TransportProvider for Provider {
        fn transport_logon(
            &self,
            support: Support,
            flags: &mut LogonFlags,
        ) -> Result<Arc<dyn TransportLogon>, HResult> {
            let inner = self.0.transport_logon(support, flags)?;
            Ok(Arc::new(Logon(inner, Mutex::new(()))))
        }
    }

    impl TransportLogon for Logon {
        fn transport_notify(&self, f: &mut TransportNotifyFlags, d: Option<NotifyData>) -> HResult {
            let _g = self.1.lock().unwrap_or_else(|p| p.into_inner());
            self.0.transport_notify(f, d)
        }
        fn submit_message(
            &self,
            f: SubmitFlags,
            m: &Message,
            r: &MsgRefOut,
            p: &mut u32,
        ) -> HResult {
            let _g = self.1.lock().unwrap_or_else(|p| p.into_inner());
            self.0.submit_message(f, m, r, p)
        }
        fn end_message(&self, r: u32, f: &mut EndMessageFlags) -> HResult {
            self.0.end_message(r, f)
        }
        fn start_message(&self, f: StartMessageFlags, m: &Message, r: &MsgRefOut) -> HResult {
            self.0.start_message(f, m, r)
        }
        fn poll(&self, n: &mut u32) -> HResult {
            self.0.poll(n)
        }
        fn flush_queues(&self, f: FlushFlags) -> HResult {
            self.0.flush_queues(f)
        }
        fn transport_logoff(&self, f: LogoffFlags) -> HResult {
            self.0.transport_logoff(f)
        }
    }
}

#[test]
fn loom_watchdog_reports_a_provider_blocked_on_a_lock_loom_cannot_see() {
    let sc = races::by_name("cancel_races_submit_and_end").expect("scenario");
    let opts = LoomOptions {
        watchdog: Some(std::time::Duration::from_secs(2)),
        ..LoomOptions::default()
    };
    let r = races::run(sc, std_lock::factory, &opts);
    eprintln!("{} ({:.1} s)", r.summary(), r.seconds);
    assert_eq!(r.verdict, LoomVerdict::Violated, "{}", r.summary());
    let f = r.failure.as_ref().expect("a failure");
    assert_eq!(f.rule, "TN-27", "{}", f.message);
    assert!(
        f.message.contains("no progress for 2000 ms"),
        "{}",
        f.message
    );
    assert!(!f.events.is_empty(), "the trace so far");
}
