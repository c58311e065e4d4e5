//! `xpcheck explore` says what it serves: the model's Explorer, one scenario at a time, any of
//! the eight by `--scenario` (the default is `standard`, not "all").

use std::process::Command;

#[test]
fn explore_help_names_every_servable_scenario_and_its_default() {
    let out = Command::new(env!("CARGO_BIN_EXE_xpcheck"))
        .args(["explore", "--help"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for s in xpcheck::model::Scenario::ALL {
        assert!(help.contains(s.name()), "{} missing:\n{help}", s.name());
    }
    assert!(help.contains("standard (default)"), "{help}");
    assert!(!help.contains("default: all"), "{help}");
    assert!(
        help.contains("exhaustive"),
        "names the other engine apart:\n{help}"
    );
}

#[test]
fn explore_refuses_an_unknown_scenario() {
    let out = Command::new(env!("CARGO_BIN_EXE_xpcheck"))
        .args(["explore", "--scenario", "nope", "--port", "1"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown scenario"));
}
