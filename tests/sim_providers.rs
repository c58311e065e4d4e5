//! The seeded simulator on the built-in real providers: loopback passes, each broken one is
//! caught naming only rules it is built to break, replay is byte-identical.

use std::process::Command;

use xpcheck::report::Status;
use xpcheck::sim_run::{run_sim, run_sim_strict};

#[test]
fn loopback_passes_2000_seeds() {
    let p = xpcheck_providers::by_name("loopback").expect("built in");
    let r = run_sim(&p, 0, 2000);
    assert_eq!(r.verdict, Status::Pass, "{}", r.render());
    assert!(r.crash.is_none());
    assert!(r.rules.iter().all(|x| x.status != Status::Violated));
    for id in [
        "TN-1", "TN-17", "TN-18", "TN-19", "SUB-4", "SM-5", "STAT-4", "TN-10", "TN-12",
    ] {
        assert!(
            r.rules
                .iter()
                .any(|x| x.id == id && x.status == Status::Pass),
            "{id} not exercised"
        );
    }
}

/// A provider that never returned LOGON_SP_POLL is never polled (no POLL-1 check at all, so no
/// POLL-1 finding) and gets its inbound mail through NOTIFY_NEWMAIL (SPN-10, LIFE-10); its
/// worker thread's callbacks are on the `provider` lane, and the trace is still the seed's.
#[test]
fn relay_newmail_worker_passes_and_is_never_polled() {
    let p = xpcheck_providers::by_name("relay").expect("built in");
    let r = run_sim(&p, 0, 2000);
    assert_eq!(r.verdict, Status::Pass, "{}", r.render());
    let status = |id: &str| r.rules.iter().find(|x| x.id == id).map(|x| x.status);
    assert_eq!(status("POLL-1"), Some(Status::NotExercised));
    for id in ["SPN-10", "TN-17", "TN-21", "SM-5", "SUB-4"] {
        assert_eq!(status(id), Some(Status::Pass), "{id}");
    }
    let opts = xpcheck::sim::SimOptions::new(xpcheck::sim_run::sim_config());
    let a = xpcheck::sim::run_seed(p.factory, &opts, 11);
    let b = xpcheck::sim::run_seed(p.factory, &opts, 11);
    assert_eq!(a.events, b.events, "same seed, same trace");
    assert!(a
        .events
        .iter()
        .any(|e| e.thread == xpcheck::properties::event::Thread::Provider));
}

#[test]
fn every_broken_provider_is_caught_naming_its_rules() {
    for p in xpcheck_providers::broken_for("sim") {
        if p.graded {
            // SPEC grades every rule it breaks "warn": a pass with warnings by default.
            let r = run_sim(&p, 0, 10_000);
            assert_eq!(r.verdict, Status::Pass, "{}: warnings only", p.name);
            assert!(
                r.rules
                    .iter()
                    .any(|x| x.warnings > 0 && p.breaks.contains(&x.id)),
                "{}: no warning",
                p.name
            );
        }
        let r = run_sim_strict(&p, 0, 10_000, p.graded);
        let violated: Vec<_> = r
            .rules
            .iter()
            .filter(|x| x.status == Status::Violated)
            .map(|x| x.id)
            .collect();
        assert!(!violated.is_empty(), "{} not caught", p.name);
        for v in &violated {
            assert!(
                p.breaks.contains(v),
                "{} violates {v}, not in its breaks",
                p.name
            );
        }
        assert!(r.crash.is_none(), "{} crashed", p.name);
    }
}

#[test]
fn replay_writes_the_same_trace_twice() {
    // The first seed on which `sim` catches the broken provider, replayed twice.
    let p = xpcheck_providers::by_name("loopback-cancel-ignored").expect("built in");
    let seed = run_sim(&p, 0, 1000).counterexamples[0]
        .seed
        .expect("a seed")
        .to_string();
    let dir = std::env::temp_dir().join(format!("xpcheck-replay-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let run = |name: &str| {
        let path = dir.join(name);
        let out = Command::new(env!("CARGO_BIN_EXE_xpcheck"))
            .args([
                "replay",
                "--provider",
                p.name,
                "--seed",
                &seed,
                "--trace-out",
            ])
            .arg(&path)
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(1),
            "seed {seed} shows the cancel bug"
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("^^^ TN-"));
        std::fs::read(&path).expect("trace written")
    };
    let a = run("a.jsonl");
    let b = run("b.jsonl");
    assert!(!a.is_empty());
    assert_eq!(a, b, "byte-identical replay");
    let first = String::from_utf8_lossy(&a)
        .lines()
        .next()
        .map(str::to_string)
        .unwrap_or_default();
    assert!(first.starts_with("{\"v\":1,"), "{first}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn sim_cli_exit_codes() {
    let bin = env!("CARGO_BIN_EXE_xpcheck");
    let ok = Command::new(bin)
        .args(["sim", "--seeds", "0..50", "--json"])
        .output()
        .expect("runs");
    assert_eq!(ok.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&ok.stdout).expect("json");
    assert_eq!(doc["engine"], "sim");
    assert_eq!(doc["stats"]["seeds"], 50);
    let bad = Command::new(bin)
        .args(["sim", "--seeds", "9..3"])
        .output()
        .expect("runs");
    assert_eq!(bad.status.code(), Some(2));
    let unknown = Command::new(bin)
        .args(["sim", "--provider", "nope"])
        .output()
        .expect("runs");
    assert_eq!(unknown.status.code(), Some(2));
}
