//! Running the session model: exhaustive DFS for verdicts and figures, then a BFS per violated
//! rule for its shortest counterexample (stateright keeps a counterexample intact only when
//! the search stops at its first hit).

use stateright::Model;
use xpcheck_properties::client::event::ClientEvent;
use xpcheck_properties::client::judge::{judge_trace, ClientCollect};
use xpcheck_properties::client::ClientRid;

use super::model::{SessionAction, SessionConfig, SessionModel, SessionState, SOMETIMES};
use crate::check::CheckOptions;
use crate::counters::Counters;
use crate::search::{self, Counted};

/// A shortest path to a violation of a client rule, replayed as client events.
pub type SessionCounterexample =
    crate::search::Counterexample<ClientRid, SessionAction, ClientEvent, ClientCollect>;

/// What an exhaustive check of one session scenario found; `sometimes` holds (rule, name,
/// reached) for each entry of [`SOMETIMES`].
pub type SessionOutcome =
    crate::search::Outcome<ClientRid, SessionCounterexample, (&'static str, &'static str, bool)>;

impl Counted for SessionModel {
    type Rule = ClientRid;
    fn counters(&self) -> &Counters<ClientRid> {
        &self.counters
    }
}

/// Explores `cfg` exhaustively (`opts.symmetry` and `opts.threads` beyond 1 are ignored: the
/// session model has no interchangeable messages, and one thread is fastest on its size).
pub fn check(cfg: &SessionConfig, opts: CheckOptions) -> SessionOutcome {
    let opts = CheckOptions { threads: 1, ..opts };
    let model = SessionModel::new(cfg.clone());
    let (mut out, found) = search::dfs(model.checker(), &opts);
    out.sometimes = SOMETIMES
        .iter()
        .map(|(rule, name)| (*rule, *name, found.contains(name)))
        .collect();
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
pub fn shortest_counterexample(
    cfg: &SessionConfig,
    rule: ClientRid,
) -> Option<SessionCounterexample> {
    let (init, actions) = search::shortest_path(SessionModel::new(cfg.clone()), rule.id())?;
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
