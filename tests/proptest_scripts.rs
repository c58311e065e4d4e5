//! proptest over spooler scripts: loopback conforms on every generated script; a broken
//! provider's failure shrinks to a minimal script, kept here as an insta snapshot (a regression
//! case replayed on every run).

use xpcheck::properties::render::step_line;
use xpcheck::sim::script::{failed, find_minimal};
use xpcheck::sim::{run_script, SimOptions};
use xpcheck::sim_run::sim_config;

#[test]
fn loopback_conforms_on_generated_scripts() {
    let p = xpcheck::builtin::by_name("loopback").expect("built in");
    assert!(find_minimal(p.factory, &SimOptions::new(sim_config()), 300, 400).is_none());
}

#[test]
fn a_broken_provider_shrinks_to_a_minimal_script() {
    let p = xpcheck::builtin::by_name("loopback-cancel-ignored").expect("built in");
    let opts = SimOptions::new(sim_config());
    let m = find_minimal(p.factory, &opts, 300, 400).expect("proptest finds the cancel bug");
    assert!(m.script.len() < 64, "shrunk to {} bytes", m.script.len());
    // The minimal script is a regression case: it still fails when replayed.
    assert!(failed(&run_script(p.factory, &opts, &m.script)));
    let mut text = format!("script ({} bytes): {:?}\n", m.script.len(), m.script);
    // The trace up to the first violation.
    for e in &m.run.events {
        text += &step_line(e);
        text.push('\n');
        let found: Vec<_> = m
            .run
            .judged
            .findings
            .iter()
            .filter(|f| f.seq == e.seq)
            .collect();
        for f in &found {
            text += &format!(
                "          ^^^ {} [{:?}]: {}\n",
                f.rule, f.severity, f.message
            );
        }
        if !found.is_empty() {
            break;
        }
    }
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("proptest_minimal__loopback-cancel-ignored", text);
    });
}
