//! `xpcheck logon` and `xpcheck check --model session` as a user runs them: exit codes 0/1/2,
//! JSON shapes, rule IDs named.

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

fn broken(v: &serde_json::Value) -> Vec<String> {
    v["broken"]
        .as_array()
        .expect("a list")
        .iter()
        .map(|b| b["rule"].as_str().expect("rule").to_owned())
        .collect()
}

#[test]
fn service_without_nt_service_breaks_logon_11_and_svc_4() {
    let out = xpcheck(&[
        "logon",
        "--flags",
        "MAPI_EXTENDED|MAPI_NO_MAIL|MAPI_USE_DEFAULT",
        "--service",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let rules = broken(&v);
    assert!(rules.contains(&"LOGON-11".to_owned()), "{rules:?}");
    assert!(rules.contains(&"SVC-4".to_owned()), "{rules:?}");
    let text = xpcheck(&[
        "logon",
        "--flags",
        "MAPI_EXTENDED|MAPI_NO_MAIL",
        "--service",
    ]);
    assert_eq!(text.status.code(), Some(1));
    let s = String::from_utf8_lossy(&text.stdout);
    assert!(s.contains("LOGON-11") && s.contains("SVC-4"), "{s}");
}

#[test]
fn a_fine_call_exits_0_and_says_what_mapi_does() {
    let out = xpcheck(&[
        "logon",
        "--flags",
        "MAPI_EXTENDED|MAPI_NO_MAIL|MAPI_USE_DEFAULT|MAPI_NEW_SESSION",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["hr"], "0x00000000");
    assert_eq!(v["hr_name"], "S_OK");
    assert_eq!(v["session_profile"], "Outlook");
    assert_eq!(v["transports_logged_on"], false);
    assert_eq!(v["status_table"]["transport_rows"], 0);
    assert_eq!(v["status_table"]["spooler_status"], "STATUS_FAILURE");
    assert!(broken(&v).is_empty());
    let mail = json(&xpcheck(&[
        "logon",
        "--flags",
        "MAPI_EXTENDED|MAPI_USE_DEFAULT",
        "--profile",
        "Work",
        "--json",
    ]));
    assert_eq!(mail["transports_logged_on"], true);
    assert_eq!(mail["session_profile"], "Work");
}

#[test]
fn a_service_without_nt_service_is_named_and_a_service_with_it_is_fine() {
    let ok = xpcheck(&[
        "logon",
        "--flags",
        "MAPI_EXTENDED|MAPI_NO_MAIL|MAPI_NT_SERVICE|MAPI_USE_DEFAULT",
        "--service",
    ]);
    assert_eq!(ok.status.code(), Some(0));
    let ui = json(&xpcheck(&[
        "logon",
        "--flags",
        "MAPI_EXTENDED|MAPI_NO_MAIL|MAPI_NT_SERVICE|MAPI_LOGON_UI",
        "--service",
        "--json",
    ]));
    assert!(broken(&ui).contains(&"SVC-1".to_owned()));
}

#[test]
fn bad_calls_name_their_rules_and_errors() {
    let long = "p".repeat(65);
    let v = json(&xpcheck(&[
        "logon",
        "--flags",
        "MAPI_EXTENDED",
        "--profile",
        &long,
        "--password",
        "--json",
    ]));
    let rules = broken(&v);
    assert!(rules.contains(&"LOGON-1".to_owned()) && rules.contains(&"LOGON-2".to_owned()));
    assert_eq!(v["hr_name"], "MAPI_E_LOGON_FAILED");
    let v = json(&xpcheck(&[
        "logon",
        "--flags",
        "MAPI_USE_DEFAULT",
        "--json",
    ]));
    assert_eq!(broken(&v), ["LOGON-4"]);
}

#[test]
fn unknown_flag_names_and_bad_syntax_exit_2() {
    for flags in [
        "MAPI_EXTENDED|MAPI_BOGUS",
        "MAPI_EXTENDED||MAPI_NO_MAIL",
        "0xZZ",
        "",
    ] {
        let out = xpcheck(&["logon", "--flags", flags]);
        assert_eq!(out.status.code(), Some(2), "{flags:?}");
        assert!(out.stdout.is_empty());
        assert!(!out.stderr.is_empty());
    }
    let out = xpcheck(&[
        "logon",
        "--flags",
        "MAPI_EXTENDED",
        "--init-flags",
        "MAPI_NOPE",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err =
        String::from_utf8_lossy(&xpcheck(&["logon", "--flags", "MAPI_EXTENDED|MAPI_BOGUS"]).stderr)
            .into_owned();
    assert!(err.contains("MAPI_BOGUS"), "{err}");
}

#[test]
fn check_model_session_json_passes_every_client_rule() {
    let out = xpcheck(&["check", "--model", "session", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert_eq!(v["verdict"], "pass");
    assert_eq!(v["model"], "session");
    for r in v["rules"].as_array().expect("rules") {
        assert_eq!(r["status"], "pass", "{r}");
    }
    assert!(v["stats"]["unique"].as_u64().unwrap_or(0) > 0);
}

#[test]
fn check_model_session_faulty_client_exits_1_naming_its_rule() {
    let out = xpcheck(&[
        "check",
        "--model",
        "session",
        "--client",
        "timeout-without-contention",
        "--scenario",
        "app",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert_eq!(v["counterexamples"][0]["rule"], "LOGON-13");
    for bad in [
        &["check", "--model", "session", "--client", "nope"][..],
        &["check", "--model", "nope"][..],
        &["check", "--model", "session", "--scenario", "standard"][..],
    ] {
        assert_eq!(xpcheck(bad).status.code(), Some(2), "{bad:?}");
    }
}
