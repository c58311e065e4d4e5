//! Running the model: exhaustive DFS (symmetry on by default) for verdicts and figures, then a
//! BFS per violated rule for the shortest counterexample (stateright applies symmetry only in
//! DFS, and keeps a counterexample intact only when the search stops at its first hit).

use std::collections::BTreeSet;
use std::time::Instant;

use stateright::{Checker, HasDiscoveries, Model};
use xpcheck_properties::event::Event;
use xpcheck_properties::judge::{Collect, Judge};
use xpcheck_properties::rules::Rid;

use crate::config::Config;
use crate::model::{XpModel, SOMETIMES};
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

/// A shortest path to a violation, replayed as events.
#[derive(Clone, Debug)]
pub struct Counterexample {
    /// The rule.
    pub rule: Rid,
    /// The model actions.
    pub actions: Vec<Action>,
    /// Events along the path, numbered from 0.
    pub events: Vec<Event>,
    /// The monitors' findings on those events.
    pub judged: Collect,
}

/// What an exhaustive check found.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Unique states (after symmetry reduction).
    pub unique: usize,
    /// States generated, including repeats.
    pub states: usize,
    /// Deepest path explored.
    pub depth: usize,
    /// Wall-clock seconds of the DFS.
    pub seconds: f64,
    /// Every reachable state was explored.
    pub complete: bool,
    /// Checks evaluated per rule (`Rid as usize`).
    pub checks: Vec<u64>,
    /// Warnings per rule.
    pub warnings: Vec<u64>,
    /// Rules violated somewhere in the state space.
    pub violated: Vec<Rid>,
    /// `sometimes` properties and whether they were reached.
    pub sometimes: Vec<(&'static str, bool)>,
    /// Shortest counterexamples, one per violated rule.
    pub counterexamples: Vec<Counterexample>,
}

/// Explores `cfg` exhaustively.
pub fn check(cfg: Config, opts: CheckOptions) -> Outcome {
    let mut model = XpModel::new(cfg);
    model.per_rule_properties = false;
    // Symmetry needs two interchangeable messages. The DFS needs no paths, so the model
    // canonicalises its next states itself (`XpModel::canonical`) instead of stateright's
    // `symmetry_fn`, which clones and fingerprints every generated state twice.
    model.canonical = opts.symmetry && cfg.outbound > 1;
    let counters = model.counters.clone();
    let mut b = model.checker().threads(opts.threads.max(1));
    if let Some(n) = opts.max_states {
        b = b.target_state_count(n);
    }
    if let Some(d) = opts.max_depth {
        b = b.target_max_depth(d);
    }
    let start = Instant::now();
    let checker = b.spawn_dfs().join();
    let seconds = start.elapsed().as_secs_f64();
    checker.model().stop_counting();
    let states = checker.state_count();
    let depth = checker.max_depth();
    let cut_states = opts.max_states.is_some_and(|n| states >= n);
    let cut_depth = opts.max_depth.is_some_and(|d| depth + 1 >= d);
    let found: BTreeSet<&'static str> = checker.discoveries().into_keys().collect();
    let counts = counters.violations();
    let violated: Vec<Rid> = Rid::ALL
        .iter()
        .copied()
        .filter(|r| counts[*r as usize] > 0)
        .collect();
    let sometimes = SOMETIMES.iter().map(|n| (*n, found.contains(n))).collect();
    let mut out = Outcome {
        unique: checker.unique_state_count(),
        states,
        depth,
        seconds,
        // An interrupt (SIGINT / SIGTERM) cut the run short too.
        complete: !cut_states && !cut_depth && !crate::interrupt::requested(),
        checks: counters.checks(),
        warnings: counters.warnings(),
        violated,
        sometimes,
        counterexamples: Vec::new(),
    };
    // After an interrupt the violations found are kept; no more search for their paths.
    if opts.counterexamples && !crate::interrupt::requested() {
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
    let model = XpModel::new(cfg);
    model.stop_counting();
    let checker = model
        .checker()
        .finish_when(HasDiscoveries::AnyOf(BTreeSet::from([rule.id()])))
        .spawn_bfs()
        .join();
    let path = checker.discovery(rule.id())?;
    let actions = path.into_actions();
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
