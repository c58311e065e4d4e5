//! The Explorer speaks MAPI: every action of a counterexample path reads as a thread and a
//! call with flag names and msg-refs (no Debug dumps), and each step shows its events as in a
//! counterexample, with the rule it breaks on the step that breaks it.

use stateright::Model;
use xpcheck_model::check::shortest_counterexample;
use xpcheck_model::{Behaviour, Config, Scenario, XpModel};
use xpcheck_properties::rules::Rid;

#[test]
fn explorer_actions_and_steps_are_in_mapi_words() {
    let mut cfg = Config::scenario(Scenario::Standard, Behaviour::TwoEndBits);
    cfg.inbound = 0;
    let cx = shortest_counterexample(cfg, Rid::Em6).expect("two-end-bits breaks EM-6");
    let model = XpModel::new(cfg);
    let mut state = model.init_states().remove(0);
    let mut actions = Vec::new();
    let mut steps = Vec::new();
    for a in &cx.actions {
        actions.push(model.format_action(a));
        steps.push(
            model
                .format_step(&state, *a)
                .expect("the path's actions apply"),
        );
        state = model.next_state(&state, *a).expect("next state");
    }
    for a in &actions {
        assert!(!a.contains('{'), "a Debug dump: {a}");
    }
    assert!(
        actions
            .iter()
            .any(|a| a.starts_with("notify   TransportNotify(NOTIFY_BEGIN_")),
        "{actions:#?}"
    );
    assert!(
        actions
            .iter()
            .any(|a| a.starts_with("spooler  SubmitMessage(0, msg1)")),
        "{actions:#?}"
    );
    assert!(
        steps[0].contains("XPProviderInit"),
        "the provider is initialised first (LIFE-1): {}",
        steps[0]
    );
    assert!(
        steps
            .iter()
            .any(|s| s.contains("TransportLogon(LOGON_NO_INBOUND|LOGON_NO_OUTBOUND)")),
        "{steps:#?}"
    );
    let last = steps.last().expect("a step");
    assert!(last.contains("breaks EM-6"), "{last}");
    // Only the breaking step says it breaks something.
    assert!(steps[..steps.len() - 1]
        .iter()
        .all(|s| !s.contains("breaks ")));
}
