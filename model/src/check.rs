//! Running the model: exhaustive DFS (symmetry on by default) for verdicts and figures, then a
//! BFS per violated rule for the shortest counterexample (stateright applies symmetry only in
//! DFS, and keeps a counterexample intact only when the search stops at its first hit).

use stateright::Model;
use xpcheck_properties::event::Event;
use xpcheck_properties::judge::{Collect, Judge};
use xpcheck_properties::rules::Rid;

use crate::config::Config;
use crate::counters::Counters;
use crate::model::{XpModel, SOMETIMES};
use crate::search::{self, Counted};
use crate::state::Action;

/// How to explore.
#[derive(Clone, Copy, Debug)]
pub struct CheckOptions {
    /// Symmetry reduction over outbound messages (DFS only).
    pub symmetry: bool,
    /// Checker threads.
    pub threads: usize,
    /// Stop after generating this many states (the run is then `incomplete`).
    pub max_states: Option<usize>,
    /// Do not explore beyond this depth (the run is then `incomplete` if the depth was reached).
    pub max_depth: Option<usize>,
    /// Search the shortest counterexample of every violated rule.
    pub counterexamples: bool,
}

impl Default for CheckOptions {
    fn default() -> CheckOptions {
        CheckOptions {
            symmetry: true,
            threads: 1,
            max_states: None,
            max_depth: None,
            counterexamples: true,
        }
    }
}

/// A shortest path to a violation of a transport rule, replayed as events.
pub type Counterexample = crate::search::Counterexample<Rid, Action, Event, Collect>;

/// What an exhaustive check of the transport model found; `sometimes` names each property
/// of [`SOMETIMES`] and whether it was reached.
pub type Outcome = crate::search::Outcome<Rid, Counterexample, (&'static str, bool)>;

impl Counted for XpModel {
    type Rule = Rid;
    fn counters(&self) -> &Counters<Rid> {
        &self.counters
    }
}

/// Explores `cfg` exhaustively.
pub fn check(cfg: Config, opts: CheckOptions) -> Outcome {
    let mut model = XpModel::new(cfg);
    model.per_rule_properties = false;
    // Symmetry needs two interchangeable messages. The DFS needs no paths, so the model
    // canonicalises its next states itself (`XpModel::canonical`) instead of stateright's
    // `symmetry_fn`, which clones and fingerprints every generated state twice.
    model.canonical = opts.symmetry && cfg.outbound > 1;
    let (mut out, found) = search::dfs(model.checker(), &opts);
    out.sometimes = SOMETIMES.iter().map(|n| (*n, found.contains(n))).collect();
    if search::want_counterexamples(&opts) {
        for &rule in &out.violated {
            if let Some(cx) = shortest_counterexample(cfg, rule) {
                out.counterexamples.push(cx);
            }
        }
    }
    out
}

/// Breadth-first search for the shortest path to a violation of `rule`.
pub fn shortest_counterexample(cfg: Config, rule: Rid) -> Option<Counterexample> {
    let (_, actions) = search::shortest_path(XpModel::new(cfg), rule.id())?;
    let events = replay(cfg, &actions);
    let judged = judge_events(cfg, &events);
    Some(Counterexample {
        rule,
        actions,
        events,
        judged,
    })
}

/// Replays model actions from the initial state, returning the events they make.
pub fn replay(cfg: Config, actions: &[Action]) -> Vec<Event> {
    let model = XpModel::new(cfg);
    model.stop_counting();
    let mut state = model.init_states().remove(0);
    let mut events = Vec::new();
    let mut seq = 0;
    for &a in actions {
        model.perform(&mut state, a, &mut events, &mut seq);
    }
    events
}

/// Judges a trace with the monitors (for messages and replay checks).
pub fn judge_events(cfg: Config, events: &[Event]) -> Collect {
    let mut judge = Judge::new();
    let mut c = Collect::new();
    for e in events {
        if judge.observe(&cfg.settings, e, &mut c).is_err() {
            break;
        }
    }
    c
}
