//! Running the session model: exhaustive DFS for verdicts and figures, then a BFS per violated
//! rule for its shortest counterexample (stateright keeps a counterexample intact only when
//! the search stops at its first hit).

use std::collections::BTreeSet;
use std::time::Instant;

use stateright::{Checker, HasDiscoveries, Model};
use xpcheck_properties::client::event::ClientEvent;
use xpcheck_properties::client::judge::{judge_trace, ClientCollect};
use xpcheck_properties::client::ClientRid;

use super::model::{SessionAction, SessionConfig, SessionModel, SessionState, SOMETIMES};
use crate::check::CheckOptions;

/// A shortest path to a violation, replayed as client events.
#[derive(Clone, Debug)]
pub struct SessionCounterexample {
    /// The rule.
    pub rule: ClientRid,
    /// The model actions.
    pub actions: Vec<SessionAction>,
    /// Events along the path, numbered from 0.
    pub events: Vec<ClientEvent>,
    /// The client monitors' findings on those events.
    pub judged: ClientCollect,
}

/// What an exhaustive check of one session scenario found.
#[derive(Clone, Debug)]
pub struct SessionOutcome {
    /// Unique states.
    pub unique: usize,
    /// States generated, including repeats.
    pub states: usize,
    /// Deepest path explored.
    pub depth: usize,
    /// Wall-clock seconds of the DFS.
    pub seconds: f64,
    /// Every reachable state was explored.
    pub complete: bool,
    /// Checks evaluated per rule (`ClientRid as usize`).
    pub checks: Vec<u64>,
    /// Warnings per rule.
    pub warnings: Vec<u64>,
    /// Rules violated somewhere in the state space.
    pub violated: Vec<ClientRid>,
    /// `sometimes` properties (rule, name) and whether they were reached.
    pub sometimes: Vec<(&'static str, &'static str, bool)>,
    /// Shortest counterexamples, one per violated rule.
    pub counterexamples: Vec<SessionCounterexample>,
}

/// Explores `cfg` exhaustively (`opts.symmetry` and `opts.threads` beyond 1 are ignored: the
/// session model has no interchangeable messages, and one thread is fastest on its size).
pub fn check(cfg: &SessionConfig, opts: CheckOptions) -> SessionOutcome {
    let model = SessionModel::new(cfg.clone());
    let counters = model.counters.clone();
    let mut b = model.checker();
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
    let violated: Vec<ClientRid> = ClientRid::ALL
        .iter()
        .copied()
        .filter(|r| counts[*r as usize] > 0)
        .collect();
    let mut out = SessionOutcome {
        unique: checker.unique_state_count(),
        states,
        depth,
        seconds,
        // An interrupt (SIGINT / SIGTERM) cut the run short too.
        complete: !cut_states && !cut_depth && !crate::interrupt::requested(),
        checks: counters.checks(),
        warnings: counters.warnings(),
        violated,
        sometimes: SOMETIMES
            .iter()
            .map(|(rule, name)| (*rule, *name, found.contains(name)))
            .collect(),
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
pub fn shortest_counterexample(
    cfg: &SessionConfig,
    rule: ClientRid,
) -> Option<SessionCounterexample> {
    let model = SessionModel::new(cfg.clone());
    model.stop_counting();
    let checker = model
        .checker()
        .finish_when(HasDiscoveries::AnyOf(BTreeSet::from([rule.id()])))
        .spawn_bfs()
        .join();
    let path = checker.discovery(rule.id())?.into_vec();
    let init = path.first()?.0.clone();
    let actions: Vec<SessionAction> = path.iter().filter_map(|(_, a)| *a).collect();
    let events = replay_from(cfg, init, &actions);
    let (judged, _) = judge_trace(&events);
    Some(SessionCounterexample {
        rule,
        actions,
        events,
        judged,
    })
}

/// Replays model actions from an initial state, returning the events they make.
pub fn replay_from(
    cfg: &SessionConfig,
    init: SessionState,
    actions: &[SessionAction],
) -> Vec<ClientEvent> {
    let model = SessionModel::new(cfg.clone());
    model.stop_counting();
    let mut s = init;
    let mut events = Vec::new();
    let mut seq = 0;
    for &a in actions {
        model.perform(&mut s, a, Some(&mut events), &mut seq);
    }
    events
}
