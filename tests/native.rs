//! C provider DLLs under the harness, end to end (README "C and C++ providers"): the native
//! artefacts are cross-built with mingw-w64 (`make -C native`), `xpdrive.exe` runs them under
//! wine, and `xpcheck native` judges every seed with the same monitors as `sim`.
//!
//! Needs `x86_64-w64-mingw32-gcc`, `make` and `wine` (Debian: `apt-get install mingw-w64
//! gcc-mingw-w64-x86-64 wine64`; `.ci/run` installs them). Without them every test here fails
//! and says so; `XPCHECK_NATIVE=skip` skips them on purpose (and says that too).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

/// The xpcheck binary under test.
fn xpcheck() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_xpcheck"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// `target/native`, built once for the whole file; `None` when skipped on purpose.
fn artefacts() -> Option<&'static Path> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        if std::env::var("XPCHECK_NATIVE").as_deref() == Ok("skip") {
            eprintln!("XPCHECK_NATIVE=skip: the native tests were NOT run");
            return None;
        }
        let target = Path::new(env!("CARGO_BIN_EXE_xpcheck"))
            .parent()
            .and_then(Path::parent)
            .expect("target directory")
            .to_path_buf();
        let out = target.join("native");
        // One builder at a time across test processes (nextest runs each test in its own).
        let _lock = BuildLock::take(&target.join("native.lock"));
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let make = Command::new("make")
            .arg("-C")
            .arg(root.join("native"))
            .arg(format!("OUT={}", out.display()))
            .output()
            .unwrap_or_else(|e| panic!("cannot run make: {e} (install make)"));
        assert!(
            make.status.success(),
            "make -C native failed (install the cross-compiler: apt-get install mingw-w64 \
             gcc-mingw-w64-x86-64; or set XPCHECK_NATIVE=skip):\n{}",
            String::from_utf8_lossy(&make.stderr)
        );
        if !cfg!(windows) {
            // The first start creates the wine prefix: once, before the tests run in parallel.
            let wine = Command::new("wine")
                .arg(out.join("xpdrive.exe"))
                .env("WINEDEBUG", "-all")
                .output()
                .unwrap_or_else(|e| {
                    panic!(
                        "cannot run wine: {e} (apt-get install wine64; or set XPCHECK_NATIVE=skip)"
                    )
                });
            assert_eq!(
                wine.status.code(),
                Some(2),
                "xpdrive.exe without arguments prints its usage and exits 2: {}",
                String::from_utf8_lossy(&wine.stderr)
            );
        }
        Some(out)
    })
    .as_deref()
}

/// A lock directory (created atomically) held while the artefacts are built and wine's prefix
/// is made; a lock older than two minutes is taken to be left over from a killed run.
struct BuildLock(PathBuf);

impl BuildLock {
    fn take(path: &Path) -> BuildLock {
        let start = std::time::Instant::now();
        while std::fs::create_dir(path).is_err() {
            if start.elapsed() > std::time::Duration::from_secs(120) {
                let _ = std::fs::remove_dir(path);
                continue;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        BuildLock(path.to_path_buf())
    }
}

impl Drop for BuildLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir(&self.0);
    }
}

fn dll(dir: &Path, name: &str) -> String {
    dir.join(name).display().to_string()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn violated(report: &Value) -> Vec<String> {
    report["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter(|r| r["status"] == "violated")
        .map(|r| r["id"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn native_conforming_c_sample_passes_1000_seeds() {
    let Some(dir) = artefacts() else { return };
    let out = xpcheck()
        .args(["native", "sim", "--seeds", "0..1000", "--json", "--dll"])
        .arg(dll(dir, "xpsample_loop.dll"))
        .output()
        .expect("runs");
    let report = json(&out);
    assert_eq!(out.status.code(), Some(0), "{report:#}");
    assert_eq!(report["verdict"], "pass");
    assert_eq!(report["engine"], "native");
    assert_eq!(report["stats"]["seeds"], 1000);
    assert!(violated(&report).is_empty());
    // The sample reaches the message paths: cancels, deferrals, flushes, the status object.
    let exercised = report["coverage"]["exercised"].as_u64().unwrap_or(0);
    assert!(exercised >= 120, "only {exercised} rules exercised");
    let checks = |id: &str| {
        report["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .and_then(|r| r["checks"].as_u64())
            .unwrap_or(0)
    };
    for rule in [
        "TN-1", "TN-17", "SUB-4", "SM-7", "EM-2", "DEF-4", "FQ-7", "STAT-4",
    ] {
        assert!(checks(rule) > 0, "{rule} never checked");
    }
    let notes = report["notes"].to_string();
    assert!(notes.contains("xpdrive.exe ran"), "{notes}");
    assert!(!notes.contains("not deterministic"), "{notes}");
}

/// The flawed sample misses a cancel that arrives during the transfer (TN-17); the
/// counterexample is a snapshot, and its printed recipe replays the same trace.
#[test]
fn native_flawed_c_sample_breaks_tn17_and_replays_as_printed() {
    let Some(dir) = artefacts() else { return };
    let flawed = dll(dir, "xpsample_cancel_missed.dll");
    let out = xpcheck()
        .args([
            "native", "sim", "--seeds", "0..1000", "--json", "--dll", &flawed,
        ])
        .output()
        .expect("runs");
    let report = json(&out);
    assert_eq!(out.status.code(), Some(1), "{report:#}");
    let v = violated(&report);
    assert!(v.contains(&"TN-17".to_string()), "{v:?}");
    for rule in &v {
        assert!(
            ["TN-17", "TN-19"].contains(&rule.as_str()),
            "also violates {rule}"
        );
    }
    let cx = report["counterexamples"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule"] == "TN-17")
        .expect("a TN-17 counterexample")
        .clone();
    let seed = cx["seed"].as_u64().expect("seed");
    let recipe = cx["replay"].as_str().expect("recipe").to_string();
    assert!(
        recipe.contains(&format!("native replay --dll {flawed} --seed {seed}")),
        "{recipe}"
    );

    // The text counterexample, paths and the program's name taken out.
    let text = xpcheck()
        .args(["native", "sim", "--seeds", "0..1000", "--dll", &flawed])
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    let start = text
        .find("counterexample for TN-17")
        .expect("TN-17 counterexample in the text report");
    let block: String = text[start..]
        .split("\n\n")
        .next()
        .unwrap()
        .lines()
        .map(|l| match l.find("replay: ") {
            Some(i) => format!(
                "{}replay: <xpcheck> native replay --dll <dll> --seed {seed}",
                &l[..i]
            ),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("native__xpsample_cancel_missed", block);
    });

    // The recipe as printed (its program is this binary, or `cargo run ... --` under cargo).
    let words: Vec<&str> = recipe.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "native").expect("native");
    let replay = xpcheck()
        .args(&words[at..])
        .arg("--json")
        .output()
        .expect("replay runs");
    assert_eq!(replay.status.code(), Some(1));
    let again = json(&replay);
    assert_eq!(again["events"], cx["events"], "the replay's trace differs");
    assert!(violated(&again).contains(&"TN-17".to_string()));
}

/// Same seed, same trace, byte for byte (a single-threaded provider).
#[test]
fn native_replay_is_deterministic() {
    let Some(dir) = artefacts() else { return };
    let tmp = std::env::temp_dir().join(format!("xpcheck-native-det-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let mut traces = Vec::new();
    for i in 0..2 {
        let file = tmp.join(format!("t{i}.jsonl"));
        let out = xpcheck()
            .args(["native", "replay", "--seed", "42", "--dll"])
            .arg(dll(dir, "xpsample_loop.dll"))
            .arg("--trace-out")
            .arg(&file)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(0));
        traces.push(std::fs::read(&file).unwrap());
    }
    assert!(traces[0].len() > 1000, "a whole session");
    assert_eq!(traces[0], traces[1]);

    // --transcript: the protocol both ways, commands (>) and the driver's lines (<).
    let transcript = tmp.join("transcript.txt");
    let out = xpcheck()
        .args(["native", "replay", "--seed", "42", "--dll"])
        .arg(dll(dir, "xpsample_loop.dll"))
        .arg("--transcript")
        .arg(&transcript)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let lines = std::fs::read_to_string(&transcript).expect("transcript written");
    for expected in ["> hello", "> init", "< R 0 ", "> logon 0 ", "< C 0 - row "] {
        assert!(lines.contains(expected), "no {expected:?} in\n{lines}");
    }
    let _ = std::fs::remove_dir_all(&tmp);
}

/// xpproxy.dll in front of the conforming sample records a trace `xpcheck validate` passes,
/// with the calls and callbacks of a whole session in it.
#[test]
fn native_proxy_trace_of_the_conforming_sample_validates() {
    let Some(dir) = artefacts() else { return };
    let tmp = std::env::temp_dir().join(format!("xpcheck-native-proxy-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let real = xpcheck::native::Launch::windows_path(&dir.join("xpsample_loop.dll"));
    for seed in [3u64, 7, 11] {
        let trace = tmp.join(format!("proxy-{seed}.jsonl"));
        let out = xpcheck()
            .args(["native", "replay", "--seed", &seed.to_string(), "--dll"])
            .arg(dll(dir, "xpproxy.dll"))
            .env("XPPROXY_PROVIDER", &real)
            .env("XPPROXY_TRACE", &trace)
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "through the proxy the sample still conforms: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        let text = std::fs::read_to_string(&trace).expect("the proxy wrote its trace");
        for event in [
            "provider_init",
            "transport_logon",
            "transport_notify",
            "modify_status_row",
        ] {
            assert!(text.contains(event), "seed {seed}: no {event} in\n{text}");
        }
        let v = xpcheck()
            .arg("validate")
            .arg(&trace)
            .output()
            .expect("runs");
        assert_eq!(
            v.status.code(),
            Some(0),
            "seed {seed}: {}",
            String::from_utf8_lossy(&v.stdout)
        );
    }
    let _ = std::fs::remove_dir_all(&tmp);
}

/// A provider that does not start is a finding with the reason, not a crash of the harness;
/// a DLL that is not there is bad input (exit 2).
#[test]
fn native_failures_are_findings_and_bad_input_is_exit_2() {
    let Some(dir) = artefacts() else { return };
    // The proxy without XPPROXY_PROVIDER: XPProviderInit fails.
    let out = xpcheck()
        .args(["native", "sim", "--seeds", "0..3", "--json", "--dll"])
        .arg(dll(dir, "xpproxy.dll"))
        .env_remove("XPPROXY_PROVIDER")
        .env(
            "XPPROXY_TRACE",
            std::env::temp_dir().join("xpcheck-native-noprov.jsonl"),
        )
        .output()
        .expect("runs");
    let report = json(&out);
    assert_eq!(out.status.code(), Some(1), "{report:#}");
    let message = report["crash"]["message"].as_str().unwrap_or("");
    assert!(message.contains("XPProviderInit returned"), "{message}");
    assert!(report["crash"]["replay"]
        .as_str()
        .unwrap_or("")
        .contains("native replay --dll"));

    let missing = xpcheck()
        .args(["native", "sim", "--dll", "no/such/provider.dll"])
        .output()
        .expect("runs");
    assert_eq!(missing.status.code(), Some(2));
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(err.contains("no/such/provider.dll: no such DLL"), "{err}");
    assert!(missing.stdout.is_empty());
}

/// What the driver cannot judge is said, and a crash is a finding: xptest_misbehave.dll calls
/// an unmodelled IMAPISupport method, calls back from a thread of its own, or dereferences
/// NULL in SubmitMessage (XPTEST_MODE).
#[test]
fn native_unmodelled_calls_own_threads_and_crashes_are_reported() {
    let Some(dir) = artefacts() else { return };
    let run = |mode: &str| {
        let out = xpcheck()
            .args(["native", "sim", "--seeds", "0..5", "--json", "--dll"])
            .arg(dll(dir, "xptest_misbehave.dll"))
            .env("XPTEST_MODE", mode)
            .output()
            .expect("runs");
        (out.status.code(), json(&out))
    };
    let (_, plain) = run("none");
    let notes = plain["notes"].to_string();
    assert!(!notes.contains("not modelled"), "{notes}");
    assert!(!notes.contains("not deterministic"), "{notes}");
    assert!(plain["crash"].is_null());

    let (_, unsupported) = run("unsupported");
    let notes = unsupported["notes"].to_string();
    assert!(
        notes.contains(
            "IMAPISupport::OpenProfileSection is not modelled: answered MAPI_E_NO_SUPPORT"
        ),
        "{notes}"
    );

    let (_, threads) = run("thread");
    let notes = threads["notes"].to_string();
    assert!(notes.contains("not deterministic"), "{notes}");

    let (code, crash) = run("crash");
    assert_eq!(code, Some(1));
    let message = crash["crash"]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("exception 0xC0000005 (access violation)"),
        "{message}"
    );
    assert!(message.contains("xptest_misbehave.dll"), "{message}");
    let events = crash["crash"]["events"]
        .as_array()
        .expect("the trace so far");
    assert!(
        events.iter().any(|e| e["event"] == "submit_message"),
        "the trace goes up to the SubmitMessage that crashed"
    );

    let (_, release) = run("releasecrash");
    let notes = release["notes"].to_string();
    assert!(notes.contains("a final Release failed"), "{notes}");
    assert!(notes.contains("access violation"), "{notes}");

    let (code, init) = run("initcrash");
    assert_eq!(code, Some(1));
    assert_eq!(init["crash"]["kind"], "init");
    let message = init["crash"]["message"].as_str().unwrap_or("");
    assert!(message.contains("access violation"), "{message}");
    assert!(message.contains("the provider did not start"), "{message}");
}

/// A provider that never returns is a deadlock finding with the trace up to the call, once the
/// watchdog (10 s without progress) gives up; the driver process is ended.
#[test]
fn native_hanging_provider_is_a_deadlock_finding() {
    let Some(dir) = artefacts() else { return };
    let out = xpcheck()
        .args(["native", "sim", "--seeds", "0..5", "--json", "--dll"])
        .arg(dll(dir, "xptest_misbehave.dll"))
        .env("XPTEST_MODE", "hang")
        .output()
        .expect("runs");
    let report = json(&out);
    assert_eq!(out.status.code(), Some(1), "{report:#}");
    assert_eq!(report["crash"]["kind"], "deadlock");
    let events = report["crash"]["events"].as_array().expect("trace so far");
    assert_eq!(
        events.last().map(|e| e["event"].clone()),
        Some(Value::from("submit_message")),
        "the trace ends in the SubmitMessage that never returned"
    );

    // The printed replay finds the same deadlock instead of hanging with the DLL.
    let replay = xpcheck()
        .args(["native", "replay", "--seed", "0", "--dll"])
        .arg(dll(dir, "xptest_misbehave.dll"))
        .env("XPTEST_MODE", "hang")
        .output()
        .expect("runs");
    assert_eq!(replay.status.code(), Some(1));
    let text = String::from_utf8_lossy(&replay.stdout);
    assert!(text.contains("provider deadlock: no progress"), "{text}");
}
