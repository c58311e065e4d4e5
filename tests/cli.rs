//! The command line as a user runs it: exit codes, JSON shapes, bad input.

use std::process::{Command, Output};

fn xpcheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xpcheck"))
        .args(args)
        .output()
        .expect("runs")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON document")
}

#[test]
fn providers_json_lists_correct_and_faulty_providers() {
    let out = xpcheck(&["providers", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let list = json(&out);
    let list = list.as_array().expect("a list");
    assert_eq!(list.len(), 57, "29 model providers + 28 real providers");
    let correct = list
        .iter()
        .find(|p| p["name"] == "correct")
        .expect("correct provider");
    assert_eq!(correct["breaks"].as_array().map(Vec::len), Some(0));
    assert_eq!(correct["engines"][0], "check");
    for p in list {
        assert!(p["about"].as_str().is_some_and(|s| !s.is_empty()));
    }
    let cancel = list
        .iter()
        .find(|p| p["name"] == "cancel-ignored")
        .expect("listed");
    assert!(cancel["breaks"]
        .as_array()
        .expect("list")
        .iter()
        .any(|r| r == "TN-19"));
}

#[test]
fn rules_json_has_the_whole_catalog() {
    let out = xpcheck(&["rules", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let rules = json(&out);
    let rules = rules.as_array().expect("a list");
    assert_eq!(rules.len(), 231);
    let tn19 = rules.iter().find(|r| r["id"] == "TN-19").expect("TN-19");
    assert_eq!(tn19["force"], "MUST");
    assert_eq!(tn19["engines"][0], "check");
    // LIFE-1 is monitored (the model calls XPProviderInit first); LIFE-6 is not.
    let life1 = rules.iter().find(|r| r["id"] == "LIFE-1").expect("LIFE-1");
    assert_eq!(life1["engines"][0], "check");
    let life6 = rules.iter().find(|r| r["id"] == "LIFE-6").expect("LIFE-6");
    assert_eq!(life6["engines"].as_array().map(Vec::len), Some(0));
}

#[test]
fn check_one_scenario_passes_with_json() {
    let out = xpcheck(&["check", "--scenario", "faults", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = json(&out);
    assert_eq!(r["verdict"], "pass");
    assert_eq!(r["engine"], "check");
    assert_eq!(r["provider"], "correct");
    for k in ["unique", "states", "depth", "seconds", "states_per_sec"] {
        assert!(r["stats"][k].is_number(), "stats.{k}");
    }
    let rules = r["rules"].as_array().expect("rules");
    assert!(rules
        .iter()
        .any(|x| x["id"] == "SPN-8" && x["status"] == "pass"));
    assert!(rules.iter().all(|x| x["status"] != "violated"));
    assert_eq!(r["counterexamples"].as_array().map(Vec::len), Some(0));
}

#[test]
fn faulty_provider_exits_1_with_a_counterexample() {
    let out = xpcheck(&["check", "--provider", "flags-changed", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let r = json(&out);
    assert_eq!(r["verdict"], "violated");
    let cx = &r["counterexamples"][0];
    assert_eq!(cx["rule"], "TN-1");
    assert!(cx["events"].as_array().is_some_and(|e| !e.is_empty()));
    assert!(cx["events"][0]["v"] == 1);
    assert!(cx["replay"]
        .as_str()
        .is_some_and(|s| s.contains("--provider flags-changed")));
    let text = xpcheck(&["check", "--provider", "flags-changed"]);
    assert_eq!(text.status.code(), Some(1));
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("counterexample for TN-1"), "{text}");
    assert!(text.contains("^^^ TN-1"), "{text}");
}

#[test]
fn a_cut_run_is_incomplete_and_exits_3() {
    let out = xpcheck(&[
        "check",
        "--scenario",
        "standard",
        "--max-states",
        "1000",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(3));
    let r = json(&out);
    assert_eq!(r["verdict"], "incomplete");
    let rules = r["rules"].as_array().expect("rules");
    assert!(
        rules.iter().all(|x| x["status"] == "incomplete"),
        "no rule passes in a cut run"
    );
}

#[test]
fn bad_input_exits_2_with_a_message() {
    for (args, needle) in [
        (&["check", "--provider", "nonesuch"][..], "unknown provider"),
        (&["check", "--messages", "0"][..], "--messages"),
        (&["check", "--outbound", "9"][..], "9 is not in 0..=4"),
        (&["check", "--logons", "3"][..], "--logons"),
        (&["check", "--scenario", "nope"][..], "unknown scenario"),
        (&["check", "--max-states", "0"][..], "--max-states"),
        (&["check", "--threads", "0"][..], "--threads"),
        (&["check", "--max-depth", "1"][..], "--max-depth"),
        (&["check", "--max-states", "lots"][..], "invalid value"),
        (&["frobnicate"][..], "unrecognized subcommand"),
    ] {
        let out = xpcheck(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn sim_refuses_a_loom_only_provider_instead_of_passing_it() {
    let out = xpcheck(&[
        "sim",
        "--provider",
        "loopback-lost-wakeup",
        "--seeds",
        "0..10",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("xpcheck_loom"), "{err}");
}

/// The README's table of situations SPEC grades "warn" is the one the code uses.
#[test]
fn readme_lists_every_warning_graded_situation() {
    let readme = include_str!("../README.md");
    let marker = "<!-- warnings-table: src/listing.rs warnings_markdown -->\n";
    let at = readme.find(marker).expect("marker in README") + marker.len();
    let table: String = readme[at..]
        .lines()
        .take_while(|l| l.starts_with('|'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(table, xpcheck::listing::warnings_markdown());
}
