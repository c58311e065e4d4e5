//! The report formats users and CI read, as insta snapshots: the text table, Markdown (CI job
//! summaries) and JSON of `check`, `sim` and `validate` reports, and counterexamples as Mermaid
//! and plain-text sequence charts. Wall-clock figures are zeroed before snapshotting; everything
//! else is deterministic. `CI=true cargo test` fails on any difference and writes nothing.

use std::io::Cursor;
use std::process::Command;

use xpcheck::check_run::{run_check, CheckRequest};
use xpcheck::model::{Behaviour, Scenario};
use xpcheck::properties::judge::Settings;
use xpcheck::report::{markdown, mermaid, Report, Status};
use xpcheck::sim_run::run_sim;
use xpcheck::validate::{validate_reader, validate_report as report_of_trace};

fn snap(name: &str, text: &str) {
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name.to_string(), text);
    });
}

fn check_report(b: Behaviour, scenario: Scenario, max_states: Option<usize>) -> Report {
    let mut req = CheckRequest::new(b);
    req.scenarios = vec![scenario];
    req.outbound = Some(1);
    req.inbound = Some(1);
    req.options.max_states = max_states;
    let mut r = run_check(&req, |_, _| {}).expect("valid request");
    r.clear_timings();
    r
}

fn sim_report(provider: &str, seeds: u64) -> Report {
    let p = xpcheck::builtin::by_name(provider).expect("built in");
    let mut r = run_sim(&p, 0, seeds);
    r.clear_timings();
    r
}

/// The trace of one seed as JSON Lines, as `replay --trace-out` writes it.
fn trace(provider: &str, seed: u64) -> String {
    let p = xpcheck::builtin::by_name(provider).expect("built in");
    let run = xpcheck::sim::run_seed(
        p.factory,
        &xpcheck::sim::SimOptions::new(xpcheck::sim_run::sim_config()),
        seed,
    );
    run.events.iter().map(|e| e.to_json_line() + "\n").collect()
}

fn validate_report(text: &str) -> Report {
    let o = validate_reader(Cursor::new(text), Settings::default(), |_| {}).expect("well-formed");
    report_of_trace("trace.jsonl", o, 0.0)
}

#[test]
fn check_reports_text_md_json() {
    let pass = check_report(Behaviour::Correct, Scenario::Flush, None);
    assert_eq!(pass.verdict, Status::Pass);
    snap("report__check_pass.txt", &pass.render());
    snap("report__check_pass.md", &markdown(&pass));

    let bad = check_report(Behaviour::FlagsChanged, Scenario::Standard, None);
    assert_eq!(bad.verdict, Status::Violated);
    snap("report__check_violated.txt", &bad.render());
    snap("report__check_violated.md", &markdown(&bad));
    snap("report__check_violated.json", &bad.to_json());
    snap("chart__check_flags-changed.mermaid", &mermaid(&bad));
    snap(
        "chart__check_flags-changed.txt",
        &bad.counterexamples[0].text_chart(),
    );

    let cut = check_report(Behaviour::Correct, Scenario::Standard, Some(500));
    assert_eq!(cut.verdict, Status::Incomplete);
    assert_eq!(cut.exit_code(), 3);
    assert!(cut.rules.iter().all(|r| r.status == Status::Incomplete));
    snap("report__check_incomplete.md", &markdown(&cut));
}

#[test]
fn sim_reports_text_md_json() {
    let bad = sim_report("loopback-cancel-ignored", 50);
    assert_eq!(bad.verdict, Status::Violated);
    snap("report__sim_violated.txt", &bad.render());
    snap("report__sim_violated.md", &markdown(&bad));
    let json = serde_json::to_string_pretty(&bad).expect("serialises");
    snap("report__sim_violated.json", &json);
    snap("chart__sim_loopback-cancel-ignored.mermaid", &mermaid(&bad));
    snap(
        "chart__sim_loopback-cancel-ignored.txt",
        &bad.counterexamples[0].text_chart(),
    );
}

#[test]
fn validate_reports_text_md_json() {
    let ok = validate_report(&trace("loopback", 3));
    assert_eq!(ok.verdict, Status::Pass);
    snap("report__validate_pass.txt", &ok.render());
    snap("report__validate_pass.md", &markdown(&ok));

    let bad = validate_report(&trace(
        "loopback-no-status-update",
        first_failing_seed("loopback-no-status-update"),
    ));
    assert_eq!(bad.verdict, Status::Violated);
    assert_eq!(bad.exit_code(), 1);
    snap("report__validate_violated.txt", &bad.render());
    snap("report__validate_violated.md", &markdown(&bad));
    snap("report__validate_violated.json", &bad.to_json());
    snap(
        "chart__validate_loopback-no-status-update.mermaid",
        &mermaid(&bad),
    );
}

fn first_failing_seed(provider: &str) -> u64 {
    let p = xpcheck::builtin::by_name(provider).expect("built in");
    run_sim(&p, 0, 1000).counterexamples[0]
        .seed
        .expect("sim has seeds")
}

/// The JSON documents keep the fields DESIGN.md promises, whatever else is added.
#[test]
fn json_documents_are_backward_compatible() {
    let docs: Vec<serde_json::Value> = vec![
        serde_json::from_str(
            &check_report(Behaviour::FlagsChanged, Scenario::Standard, None).to_json(),
        )
        .expect("json"),
        serde_json::to_value(sim_report("loopback-cancel-ignored", 20)).expect("json"),
        serde_json::from_str(&validate_report(&trace("loopback", 3)).to_json()).expect("json"),
    ];
    for d in docs {
        for k in [
            "verdict",
            "engine",
            "provider",
            "stats",
            "rules",
            "counterexamples",
        ] {
            assert!(!d[k].is_null(), "{k} in {}", d["engine"]);
        }
        for r in d["rules"].as_array().expect("rules") {
            for k in ["id", "status", "checks", "force", "engines"] {
                assert!(!r[k].is_null(), "rules[].{k}");
            }
        }
        for c in d["counterexamples"].as_array().expect("list") {
            for k in ["rule", "events", "replay"] {
                assert!(!c[k].is_null(), "counterexamples[].{k}");
            }
        }
    }
}

/// `--format mermaid` on a broken provider prints a sequence diagram with the rule at the
/// failing step; `--json` stays an alias of `--format json`.
#[test]
fn cli_formats() {
    let bin = env!("CARGO_BIN_EXE_xpcheck");
    let run = |args: &[&str]| Command::new(bin).args(args).output().expect("runs");
    let m = run(&[
        "sim",
        "--provider",
        "loopback-cancel-ignored",
        "--seeds",
        "0..50",
        "--format",
        "mermaid",
    ]);
    assert_eq!(m.status.code(), Some(1));
    let text = String::from_utf8_lossy(&m.stdout);
    assert!(text.starts_with("sequenceDiagram\n"), "{text}");
    assert!(text.contains("participant N as Notify thread"), "{text}");
    assert!(text.contains("Note over S,"), "{text}");
    // The first counterexample is of a rule the flaw breaks (TN-17 or TN-19, by seed).
    assert!(
        ["TN-17", "TN-19"]
            .iter()
            .any(|r| text.contains(&format!("{r} (MUST) violated"))),
        "{text}"
    );
    assert!(text.contains("blame: provider"), "{text}");

    let c = run(&[
        "check",
        "--provider",
        "flags-changed",
        "--scenario",
        "standard",
        "--format",
        "mermaid",
    ]);
    assert_eq!(c.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&c.stdout).starts_with("sequenceDiagram\n"));

    let md = run(&["sim", "--seeds", "0..20", "--format", "md"]);
    assert_eq!(md.status.code(), Some(0));
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(
        md.starts_with("## xpcheck sim — provider loopback: **PASS**"),
        "{md}"
    );
    assert!(
        md.contains("| rule | force | severity | status | checks |"),
        "{md}"
    );

    let chart = run(&[
        "replay",
        "--provider",
        "loopback-cancel-ignored",
        "--seed",
        "2",
        "--format",
        "chart",
    ]);
    assert_eq!(chart.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&chart.stdout).contains("!!! TN-17"));

    let a = run(&["sim", "--seeds", "0..20", "--json"]);
    let b = run(&["sim", "--seeds", "0..20", "--format", "json"]);
    let strip = |o: &std::process::Output| {
        let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        v["stats"] = serde_json::Value::Null;
        v
    };
    assert_eq!(strip(&a), strip(&b));
    let both = run(&["sim", "--json", "--format", "md"]);
    assert_eq!(
        both.status.code(),
        Some(2),
        "--json conflicts with --format"
    );
}

/// The progress bar's chunked run gives the same report as a plain run (figures aside).
#[test]
fn progress_does_not_change_the_sim_report() {
    for name in [
        "loopback",
        "loopback-cancel-ignored",
        "loopback-late-msg-ref",
    ] {
        let p = xpcheck::builtin::by_name(name).expect("built in");
        let plain = sim_report(name, 300);
        let mut ticks = Vec::new();
        let mut tick = |done: u64| ticks.push(done);
        let mut chunked = xpcheck::sim_run::run_sim_progress(
            p.name,
            p.breaks,
            p.factory,
            &xpcheck::sim::SimOptions::new(xpcheck::sim_run::sim_config()),
            0,
            300,
            Some(&mut tick),
        );
        chunked.clear_timings();
        assert_eq!(
            serde_json::to_string(&plain).expect("json"),
            serde_json::to_string(&chunked).expect("json"),
            "{name}"
        );
        assert_eq!(ticks.last(), Some(&300));
        assert!(ticks.windows(2).all(|w| w[0] < w[1]));
    }
}
