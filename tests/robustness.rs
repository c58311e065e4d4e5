//! Robustness of the command line as a user meets it (issue 11): output that cannot be written,
//! interrupts, bad input and arbitrary arguments. Never a panic (exit 101); exit codes stay in
//! 0 conformant, 1 violation, 2 bad usage or input, 3 incomplete.
//!
//! No timing is asserted: where a test waits before sending a signal, the outcome it checks is
//! the same whenever the signal lands.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

const WORKED: &str = "tests/fixtures/worked-example.jsonl";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_xpcheck"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn no_panic(what: &str, status: ExitStatus, err: &str) {
    assert_ne!(status.code(), Some(101), "{what}: panicked\n{err}");
    assert!(!err.contains("panicked"), "{what}: panicked\n{err}");
}

/// Sends `sig` (`INT`, `TERM`) to a child we started.
fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .args([&format!("-{sig}"), &child.id().to_string()])
        .status()
        .expect("kill runs")
        .success();
    assert!(ok, "kill -{sig}");
}

fn temp(name: &str, text: &str) -> std::path::PathBuf {
    let p = std::env::temp_dir().join(format!("xpcheck-robustness-{}-{name}", std::process::id()));
    std::fs::write(&p, text).expect("temp file");
    p
}

/// Quick runs of every command that prints a report, with the exit code a normal run gives.
fn commands() -> Vec<(Vec<&'static str>, i32)> {
    vec![
        (vec!["rules"], 0),
        (vec!["rules", "--json"], 0),
        (vec!["providers"], 0),
        (vec!["providers", "--json"], 0),
        (vec!["check", "--scenario", "faults", "--json"], 0),
        (
            vec!["check", "--scenario", "faults", "--max-states", "1000"],
            3,
        ),
        (
            vec!["check", "--model", "session", "--scenario", "service"],
            0,
        ),
        (
            vec!["logon", "--flags", "MAPI_EXTENDED|MAPI_USE_DEFAULT"],
            0,
        ),
        (vec!["sim", "--seeds", "0..20"], 0),
        (vec!["sim", "--seeds", "0..20", "--format", "md"], 0),
        (vec!["replay", "--seed", "3"], 0),
        (vec!["validate", WORKED], 1),
        (vec!["validate", WORKED, "--format", "chart"], 1),
        (
            vec!["bench", "--max-messages", "1", "--max-states", "1000"],
            0,
        ),
        (vec!["bench-validate", "--messages", "50"], 0),
    ]
}

#[test]
fn every_command_exits_2_with_one_line_when_stdout_is_full() {
    for (args, _) in commands() {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full");
        let o = bin()
            .args(&args)
            .stdout(Stdio::from(full))
            .output()
            .expect("runs");
        let err = stderr(&o);
        no_panic(&args.join(" "), o.status, &err);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert_eq!(
            err.lines().count(),
            1,
            "{args:?}: one line on stderr: {err}"
        );
        assert!(err.contains("cannot write the output"), "{args:?}: {err}");
    }
}

#[test]
fn every_command_keeps_its_code_quietly_when_the_pipe_is_closed() {
    for (args, code) in commands() {
        let mut child = bin()
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawns");
        drop(child.stdout.take()); // the reader is gone before anything is written
        let o = child.wait_with_output().expect("waits");
        let err = stderr(&o);
        no_panic(&args.join(" "), o.status, &err);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {err}");
        assert!(err.is_empty(), "{args:?}: quiet, got {err}");
    }
}

/// `xpcheck ARGS | head -c N`: read `n` bytes, then close the pipe.
fn head(args: &[&str], n: usize) -> (Vec<u8>, ExitStatus, String) {
    let mut child = bin()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    let mut out = child.stdout.take().expect("stdout");
    let mut got = vec![0; n];
    out.read_exact(&mut got).expect("the first bytes");
    drop(out);
    let o = child.wait_with_output().expect("waits");
    (got, o.status, stderr(&o))
}

#[test]
fn acceptance_head_on_rules_and_sim_and_validate_to_dev_full_never_exit_101() {
    let (got, status, err) = head(&["rules", "--json"], 100);
    assert!(got.starts_with(b"["), "{}", String::from_utf8_lossy(&got));
    no_panic("rules --json | head -c 100", status, &err);
    assert_eq!(status.code(), Some(0), "{err}");

    let (_, status, err) = head(&["sim", "--seeds", "0..100000"], 1);
    no_panic("sim --seeds 0..100000 | head -1", status, &err);
    assert_eq!(status.code(), Some(0), "{err}");

    let full = std::fs::File::options()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let o = bin()
        .args(["validate", WORKED])
        .stdout(Stdio::from(full))
        .output()
        .expect("runs");
    no_panic("validate T > /dev/full", o.status, &stderr(&o));
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn acceptance_sigint_during_a_long_sim_prints_a_json_report_incomplete_exit_3() {
    let child = bin()
        .args([
            "sim",
            "--provider",
            "loopback",
            "--seeds",
            "0..100000000",
            "--json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    std::thread::sleep(Duration::from_secs(3)); // as `timeout -s INT 3` does
    signal(&child, "INT");
    let o = child.wait_with_output().expect("waits");
    no_panic("sim interrupted", o.status, &stderr(&o));
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
    assert_eq!(r["verdict"], "incomplete");
    assert!(
        r["notes"].to_string().contains("of 100000000 seeds ran"),
        "{}",
        r["notes"]
    );
    let seeds = r["stats"]["seeds"].as_u64().expect("seeds");
    assert!(seeds > 0 && seeds < 100_000_000, "{seeds}");
    let rules = r["rules"].as_array().expect("rules");
    assert!(
        rules.iter().all(|x| x["status"] != "pass"),
        "no pass after an interrupt"
    );
}

#[test]
fn sigterm_during_check_prints_the_report_so_far_incomplete_exit_3() {
    let child = bin()
        .args(["check", "--messages", "3", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    std::thread::sleep(Duration::from_secs(1));
    signal(&child, "TERM");
    let o = child.wait_with_output().expect("waits");
    no_panic("check interrupted", o.status, &stderr(&o));
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
    assert_eq!(r["verdict"], "incomplete");
    let scenarios = r["scenarios"].as_array().expect("scenarios");
    assert!(scenarios.iter().any(|s| s["complete"] == false));
}

#[test]
fn sigint_keeps_violations_found_before_it_exit_1() {
    let child = bin()
        .args([
            "sim",
            "--provider",
            "loopback-cancel-ignored",
            "--seeds",
            "0..100000000",
            "--json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    std::thread::sleep(Duration::from_secs(2));
    signal(&child, "INT");
    let o = child.wait_with_output().expect("waits");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
    assert_eq!(r["verdict"], "violated");
    assert!(!r["counterexamples"].as_array().expect("list").is_empty());
}

/// Valid events forever (time passing), until the reader goes away.
fn feed_forever(mut stdin: std::process::ChildStdin) {
    std::thread::spawn(move || {
        for seq in 0u64.. {
            let line = format!(
                "{{\"v\":1,\"seq\":{seq},\"thread\":\"spooler\",\"event\":\"time_passes\",\"secs\":1}}\n"
            );
            if stdin.write_all(line.as_bytes()).is_err() {
                return;
            }
        }
    });
}

#[test]
fn sigint_during_validate_of_standard_input_reports_what_was_read_exit_3() {
    let mut child = bin()
        .args(["validate", "-", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    feed_forever(child.stdin.take().expect("stdin"));
    std::thread::sleep(Duration::from_secs(1));
    signal(&child, "INT");
    let o = child.wait_with_output().expect("waits");
    no_panic("validate - interrupted", o.status, &stderr(&o));
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("one JSON document");
    assert_eq!(r["verdict"], "incomplete");
    assert_eq!(r["trace"], "<stdin>");
    assert!(r["stats"]["events"].as_u64().expect("events") > 0);
    let notes = r["notes"].to_string();
    assert!(notes.contains("interrupted after line"), "{notes}");
}

#[test]
fn a_second_signal_ends_the_run_at_once_exit_3() {
    // validate blocks reading a pipe that says nothing: the first signal cannot be honoured
    // until a line arrives, the second ends the process.
    let mut child = bin()
        .args(["validate", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    let stdin = child.stdin.take().expect("stdin");
    std::thread::sleep(Duration::from_millis(500));
    signal(&child, "INT");
    std::thread::sleep(Duration::from_millis(200));
    signal(&child, "INT");
    let o = child.wait_with_output().expect("waits");
    drop(stdin);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "nothing more on stdout");
}

#[test]
fn validate_reads_standard_input_with_dash() {
    let text = std::fs::read(WORKED).expect("fixture");
    let mut child = bin()
        .args(["validate", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&text)
        .expect("writes");
    let o = child.wait_with_output().expect("waits");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("counterexample for TN-17"), "{out}");
    assert!(out.contains("recorded trace <stdin>"), "{out}");
}

#[test]
fn bad_input_is_exit_2_with_what_and_where() {
    let dup = temp(
        "dup.jsonl",
        "{\"v\":1,\"seq\":0,\"thread\":\"spooler\",\"event\":\"transport_logon\",\"flags\":0}\n\
         {\"v\":1,\"seq\":1,\"seq\":2,\"thread\":\"spooler\",\"event\":\"address_types\"}\n",
    );
    let nested = temp(
        "nested.jsonl",
        "{\"v\":1,\"seq\":0,\"thread\":\"notify\",\"event\":\"transport_notify\",\"flags\":\"NOTIFY_CANCEL_MESSAGE\",\"data\":{\"msg_ref\":1,\"msg_ref\":2}}\n",
    );
    let huge = temp(
        "huge.jsonl",
        "{\"v\":1,\"seq\":99999999999999999999,\"thread\":\"spooler\",\"event\":\"poll\"}\n",
    );
    let negative = temp(
        "neg.jsonl",
        "{\"v\":1,\"seq\":0,\"thread\":\"spooler\",\"event\":\"end_message\",\"msg_ref\":-1}\n",
    );
    let logon = temp(
        "logon.jsonl",
        "{\"v\":1,\"seq\":0,\"logon\":300,\"thread\":\"spooler\",\"event\":\"poll\"}\n",
    );
    let cases: Vec<(Vec<String>, Vec<&str>)> = vec![
        (
            vec!["validate".into(), dup.display().to_string()],
            vec![":2: duplicate key `seq`"],
        ),
        (
            vec!["validate".into(), nested.display().to_string()],
            vec![":1: duplicate key `msg_ref`"],
        ),
        (
            vec!["validate".into(), huge.display().to_string()],
            vec![":1:", "`seq`", "0..=18446744073709551615"],
        ),
        (
            vec!["validate".into(), negative.display().to_string()],
            vec![":1:", "`msg_ref` is -1", "0..=4294967295"],
        ),
        (
            vec!["validate".into(), logon.display().to_string()],
            vec![":1:", "logon index 300", "0..=15"],
        ),
        (
            vec!["validate".into(), "/nonexistent/trace.jsonl".into()],
            vec!["cannot open"],
        ),
        (
            vec!["logon".into(), "--flags=-1".into()],
            vec!["-1 is negative", "0..=0xFFFFFFFF"],
        ),
        (
            vec!["logon".into(), "--flags".into(), "MAPI_EXTENDED|-5".into()],
            vec!["negative"],
        ),
        (
            vec!["sim".into(), "--seeds".into(), u64::MAX.to_string()],
            vec!["one seed 0..=18446744073709551614"],
        ),
        (
            vec!["sim".into(), "--seeds".into(), "5..5".into()],
            vec!["A < B"],
        ),
        (
            vec!["sim".into(), "--seeds".into(), "-1..5".into()],
            vec!["--seeds"],
        ),
        (
            vec!["bench".into(), "--max-states".into(), "0".into()],
            vec!["0 is not in 1.."],
        ),
        (
            vec!["bench".into(), "--max-messages".into(), "5".into()],
            vec!["5 is not in 1..=4"],
        ),
        (
            vec!["check".into(), "--messages".into(), "-1".into()],
            vec!["--messages"],
        ),
        (
            vec!["check".into(), "--messages".into(), "5".into()],
            vec!["5 is not in 1..=4"],
        ),
        (
            vec!["check".into(), "--threads".into(), "0".into()],
            vec!["0 is not in 1..=256"],
        ),
        (
            vec!["check".into(), "--max-depth".into(), "1".into()],
            vec!["1 is not in 2.."],
        ),
        (
            vec!["check".into(), "--logons".into(), "3".into()],
            vec!["3 is not in 1..=2"],
        ),
        (
            vec!["replay".into(), "--seed".into(), "-3".into()],
            vec!["--seed"],
        ),
        (
            vec!["bench-sim".into(), "--runs".into(), "0".into()],
            vec!["0 is not in 1..=1000"],
        ),
        (
            vec!["explore".into(), "--port".into(), "70000".into()],
            vec!["--port"],
        ),
    ];
    for (args, wanted) in cases {
        let o = bin().args(&args).output().expect("runs");
        let err = stderr(&o);
        no_panic(&args.join(" "), o.status, &err);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(o.stdout.is_empty(), "{args:?}: nothing on stdout");
        for w in wanted {
            assert!(err.contains(w), "{args:?}: {w:?} not in {err}");
        }
    }
    for p in [dup, nested, huge, negative, logon] {
        let _ = std::fs::remove_file(p);
    }
}

#[test]
fn help_states_the_ranges_the_code_enforces() {
    let check = String::from_utf8_lossy(&run(&["check", "--help"]).stdout).into_owned();
    for range in ["1..=256", "1..=4", "1..=2", "at least 1", "at least 2"] {
        assert!(
            check.contains(range),
            "check --help lacks {range}:\n{check}"
        );
    }
    // The edges of each stated range are accepted.
    for args in [
        vec![
            "check",
            "--scenario",
            "faults",
            "--threads",
            "256",
            "--max-states",
            "1",
        ],
        vec![
            "check",
            "--scenario",
            "faults",
            "--messages",
            "1",
            "--max-depth",
            "2",
        ],
        vec![
            "check",
            "--scenario",
            "faults",
            "--logons",
            "2",
            "--max-states",
            "1",
        ],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(3), "{args:?}: {}", stderr(&o));
    }
    let bench = String::from_utf8_lossy(&run(&["bench", "--help"]).stdout).into_owned();
    assert!(
        bench.contains("1..=4") && bench.contains("at least 1"),
        "{bench}"
    );
    let sim = String::from_utf8_lossy(&run(&["sim", "--help"]).stdout).into_owned();
    assert!(sim.contains("18446744073709551615"), "{sim}");
    let o = run(&["sim", "--seeds", "18446744073709551614"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "the largest single seed runs: {}",
        stderr(&o)
    );
}

#[test]
fn explorer_on_a_busy_port_is_exit_2_with_a_message() {
    let held = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
    let port = held.local_addr().expect("addr").port().to_string();
    let o = run(&["explore", "--port", &port]);
    let err = stderr(&o);
    no_panic("explore on a busy port", o.status, &err);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
    assert!(
        !err.contains("Explorer for provider"),
        "no URL announced: {err}"
    );
}

#[test]
fn explorer_on_port_0_announces_the_port_it_got() {
    let mut child = bin()
        .args(["explore", "--port", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    let mut err = child.stderr.take().expect("stderr");
    let mut text = String::new();
    let mut byte = [0u8; 1];
    while !text.ends_with('\n') && err.read(&mut byte).expect("reads") == 1 {
        text.push(byte[0] as char);
    }
    let port: u16 = text
        .rsplit("127.0.0.1:")
        .next()
        .and_then(|t| t.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {text:?}"));
    assert_ne!(port, 0, "{text}");
    // It is really serving there.
    let served = (0..100).any(|_| {
        std::thread::sleep(Duration::from_millis(50));
        std::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok()
    });
    let _ = child.kill();
    let _ = child.wait();
    assert!(served, "nothing listens on {port}");
}

mod arbitrary_command_lines {
    use super::*;
    use proptest::prelude::*;

    /// Words a user might type, right and wrong.
    const WORDS: &[&str] = &[
        "rules",
        "providers",
        "check",
        "logon",
        "sim",
        "replay",
        "validate",
        "help",
        "--json",
        "--format",
        "json",
        "md",
        "mermaid",
        "chart",
        "text",
        "--provider",
        "loopback",
        "cancel-ignored",
        "correct",
        "--seeds",
        "0..3",
        "7",
        "--seed",
        "--messages",
        "--outbound",
        "--inbound",
        "--logons",
        "--threads",
        "--max-states",
        "--max-depth",
        "--scenario",
        "faults",
        "flush",
        "--model",
        "session",
        "--client",
        "--flags",
        "MAPI_EXTENDED",
        "-",
        WORKED,
        "--lenient",
        "--trace-out",
        "/nonexistent/x",
        "0",
        "1",
        "2",
        "-1",
        "4",
        "5",
        "99999999999999999999",
        "",
        "--",
        "-x",
        "=",
        "..",
        "0x10",
        "--password",
        "--service",
        "--init-flags",
        "--profile",
        "é",
    ];

    /// Runs one command line; a run still going after 3 s gets SIGINT (it must then report or
    /// stop with a code in 0..=3 too).
    fn run_bounded(args: &[String]) -> (Option<i32>, String) {
        let mut child = bin()
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawns");
        let start = Instant::now();
        let mut interrupted = false;
        let status = loop {
            if let Some(s) = child.try_wait().expect("waits") {
                break s;
            }
            if !interrupted && start.elapsed() > Duration::from_secs(3) {
                signal(&child, "INT");
                interrupted = true;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let mut err = String::new();
        let _ = child
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut err);
        (status.code(), err)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]
        #[test]
        fn exit_codes_stay_in_0_to_3_and_nothing_panics(
            words in proptest::collection::vec(proptest::sample::select(WORDS), 0..6)
        ) {
            let args: Vec<String> = words.iter().map(|w| w.to_string()).collect();
            let (code, err) = run_bounded(&args);
            prop_assert!(!err.contains("panicked"), "{args:?}: {err}");
            prop_assert!(matches!(code, Some(0..=3)), "{args:?}: exit {code:?}: {err}");
        }
    }
}
