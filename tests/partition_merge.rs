//! `--partition K/N` and `xpcheck merge`: a run split over CI jobs and put back together gives
//! the verdict and per-rule counts of the whole run; a missing share is `incomplete`; reports
//! of different runs and malformed files are exit 2 naming the file.

use std::path::{Path, PathBuf};
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

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("xpcheck-partition-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// Runs `args` with `--partition K/N --json` for every K, writes each report under `dir`.
fn shares(dir: &Path, args: &[&str], n: u32) -> Vec<String> {
    (1..=n)
        .map(|k| {
            let p = format!("{k}/{n}");
            let mut a = args.to_vec();
            a.extend(["--partition", &p, "--json"]);
            let out = xpcheck(&a);
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "{a:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let doc = json(&out);
            assert_eq!(doc["partition"], p.as_str());
            let f = dir.join(format!("share-{k}.json"));
            std::fs::write(&f, &out.stdout).expect("writes");
            f.display().to_string()
        })
        .collect()
}

/// Per rule: id, status, checks, warnings.
type RuleCounts = Vec<(String, String, u64, u64)>;

/// The verdict, exit code and per-rule (id, status, checks, warnings) of a report.
fn digest(out: &Output) -> (Option<i32>, serde_json::Value, RuleCounts) {
    let doc = json(out);
    let rules = doc["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap_or_default().to_owned(),
                r["status"].as_str().unwrap_or_default().to_owned(),
                r["checks"].as_u64().unwrap_or(0),
                r["warnings"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    (out.status.code(), doc["verdict"].clone(), rules)
}

fn assert_merge_equals_whole(name: &str, args: &[&str], n: u32) {
    let d = dir(name);
    let mut whole_args = args.to_vec();
    whole_args.push("--json");
    let whole = xpcheck(&whole_args);
    let files = shares(&d, args, n);
    let mut merge_args = vec!["merge", "--json"];
    merge_args.extend(files.iter().rev().map(String::as_str)); // order does not matter
    let merged = xpcheck(&merge_args);
    assert_eq!(
        digest(&merged),
        digest(&whole),
        "{name}: merged shares differ from the whole run"
    );
    let (m, w) = (json(&merged), json(&whole));
    assert_eq!(m["coverage"], w["coverage"]);
    assert_eq!(m["stats"]["seeds"], w["stats"]["seeds"]);
    assert_eq!(m["merged"], n);
    // The text of the merged report ends with the same verdict line as the whole run's.
    let mut text_args = vec!["merge"];
    text_args.extend(files.iter().map(String::as_str));
    let text = String::from_utf8(xpcheck(&text_args).stdout).expect("utf-8");
    let mut whole_text_args = args.to_vec();
    whole_text_args.retain(|a| *a != "--json");
    let whole_text = String::from_utf8(xpcheck(&whole_text_args).stdout).expect("utf-8");
    let last = |t: &str| t.lines().last().unwrap_or_default().to_owned();
    assert_eq!(last(&text), last(&whole_text), "{text}");
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn sim_shares_merge_into_the_whole_run_of_a_correct_provider() {
    assert_merge_equals_whole(
        "sim-relay",
        &["sim", "--provider", "relay", "--seeds", "0..300"],
        2,
    );
}

#[test]
fn sim_shares_merge_into_the_whole_run_of_a_broken_provider() {
    assert_merge_equals_whole(
        "sim-cancel",
        &[
            "sim",
            "--provider",
            "loopback-cancel-ignored",
            "--seeds",
            "0..300",
        ],
        3,
    );
}

#[test]
fn session_model_scenarios_are_shared_and_merged() {
    assert_merge_equals_whole("session", &["check", "--model", "session"], 2);
}

#[test]
fn a_missing_share_is_incomplete_not_passed() {
    let d = dir("missing");
    let files = shares(&d, &["check", "--model", "session"], 2);
    let out = xpcheck(&["merge", "--json", &files[0]]);
    assert_eq!(out.status.code(), Some(3));
    let doc = json(&out);
    assert_eq!(doc["verdict"], "incomplete");
    assert!(doc["notes"].to_string().contains("2/2 missing"), "{doc}");
    let _ = std::fs::remove_dir_all(d);
}

#[test]
fn bad_reports_are_exit_2_naming_the_file() {
    let d = dir("bad");
    let files = shares(&d, &["sim", "--provider", "relay", "--seeds", "0..50"], 2);
    let other = d.join("other.json");
    let out = xpcheck(&[
        "sim",
        "--provider",
        "loopback",
        "--seeds",
        "0..50",
        "--partition",
        "2/2",
        "--json",
    ]);
    std::fs::write(&other, &out.stdout).expect("writes");
    let broken = d.join("broken.json");
    std::fs::write(&broken, "{\"verdict\": \n").expect("writes");
    let cases: [(Vec<&str>, &str); 5] = [
        (
            vec![files[0].as_str(), other.to_str().unwrap()],
            "provider differs",
        ),
        (
            vec![files[0].as_str(), files[0].as_str()],
            "both partition 1/2",
        ),
        (vec![broken.to_str().unwrap()], "broken.json:2:"),
        (
            vec!["/nonexistent/x.json"],
            "cannot read /nonexistent/x.json",
        ),
        (vec![files[0].as_str(), "-"], "not a JSON report"),
    ];
    for (args, expect) in cases {
        let mut a = vec!["merge"];
        a.extend(args);
        let out = xpcheck(&a);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{a:?}: {err}");
        assert!(err.contains(expect), "{a:?}: {err}");
    }
    for bad in ["0/2", "3/2", "x"] {
        let out = xpcheck(&["sim", "--partition", bad]);
        assert_eq!(out.status.code(), Some(2), "--partition {bad}");
    }
    let _ = std::fs::remove_dir_all(d);
}
