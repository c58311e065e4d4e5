//! proptest over spooler scripts: loopback conforms on every generated script; a broken
//! provider's failure shrinks to a minimal script, kept here as an insta snapshot (a regression
//! case replayed on every run).

use xpcheck::properties::render::annotated;
use xpcheck::sim::script::{failed, find_minimal};
use xpcheck::sim::{run_script, SimOptions};
use xpcheck::sim_run::sim_config;

#[test]
fn loopback_conforms_on_generated_scripts() {
    let p = xpcheck::builtin::by_name("loopback").expect("built in");
    assert!(find_minimal(p.factory, &SimOptions::new(sim_config()), 300, 400).is_none());
}

fn minimal_snapshot(name: &str) {
    let p = xpcheck::builtin::by_name(name).expect("built in");
    // A flaw SPEC grades "warn" fails under --strict.
    let mut config = sim_config();
    config.settings.deny_warnings = p.graded;
    let opts = SimOptions::new(config);
    // FQ-7 needs an outage, a deferral and FlushQueues(FLUSH_UPLOAD) in one script: rarer.
    let cases = if name == "loopback-deferred-unannounced" {
        20_000
    } else {
        500
    };
    let m = find_minimal(p.factory, &opts, cases, 400)
        .unwrap_or_else(|| panic!("proptest finds {name}'s bug"));
    assert!(
        m.script.len() < 128,
        "{name}: shrunk to {} bytes",
        m.script.len()
    );
    // The minimal script is a regression case: it still fails when replayed.
    let again = run_script(p.factory, &opts, &m.script);
    assert!(failed(&again));
    for f in again.judged.errors() {
        assert!(
            p.breaks.contains(&f.rule),
            "{name}: {} is not in its breaks",
            f.rule
        );
    }
    let mut text = format!("script ({} bytes): {:?}\n", m.script.len(), m.script);
    // The trace up to the first violation.
    text += &annotated(&m.run.events, &m.run.judged.findings, |_| true, true);
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(format!("proptest_minimal__{name}"), text);
    });
}

#[test]
fn every_broken_provider_shrinks_to_a_minimal_script() {
    let broken = xpcheck::builtin::broken_for("sim");
    assert_eq!(broken.len(), 22);
    for p in broken {
        minimal_snapshot(p.name);
    }
}
