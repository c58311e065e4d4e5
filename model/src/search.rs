//! The search both models share: an exhaustive DFS for verdicts and figures (the monitors'
//! [`Counters`] see every violating transition), then a BFS per violated rule for its shortest
//! counterexample (stateright keeps a counterexample intact only when the search stops at its
//! first hit). [`crate::check`] runs it on the transport model, [`crate::session::check`] on
//! the session model; a new rule set or model gets verdicts, counts and counterexamples
//! without plumbing of its own.

use std::collections::BTreeSet;
use std::hash::Hash;
use std::time::Instant;

use stateright::{Checker, CheckerBuilder, HasDiscoveries, Model};
use xpcheck_properties::rule_set::RuleId;

use crate::check::CheckOptions;
use crate::counters::Counters;

/// A model whose monitors count into [`Counters`] over the rule set `Rule`.
pub trait Counted: Model {
    /// The rule set its monitors judge.
    type Rule: RuleId;

    /// The counters of this model instance.
    fn counters(&self) -> &Counters<Self::Rule>;
}

/// A shortest path to a violation, replayed as events `E` and judged into `J`.
#[derive(Clone, Debug)]
pub struct Counterexample<R, A, E, J> {
    /// The rule.
    pub rule: R,
    /// The model actions.
    pub actions: Vec<A>,
    /// Events along the path, numbered from 0.
    pub events: Vec<E>,
    /// The monitors' findings on those events.
    pub judged: J,
}

/// What an exhaustive check of one configuration found; `S` describes a `sometimes` property
/// and whether it was reached, `C` is a counterexample.
#[derive(Clone, Debug)]
pub struct Outcome<R, C, S> {
    /// Unique states (after symmetry reduction, where the model has it).
    pub unique: usize,
    /// States generated, including repeats.
    pub states: usize,
    /// Deepest path explored.
    pub depth: usize,
    /// Wall-clock seconds of the DFS.
    pub seconds: f64,
    /// Every reachable state was explored: no bound and no interrupt cut the search.
    pub complete: bool,
    /// Checks evaluated per rule (by [`RuleId::index`]).
    pub checks: Vec<u64>,
    /// Warnings per rule.
    pub warnings: Vec<u64>,
    /// Rules violated somewhere in the state space.
    pub violated: Vec<R>,
    /// `sometimes` properties and whether they were reached.
    pub sometimes: Vec<S>,
    /// Shortest counterexamples, one per violated rule.
    pub counterexamples: Vec<C>,
}

/// Runs the exhaustive DFS of `builder` (made from `model.checker()` with the model's own
/// settings) under `opts`' bounds; returns the outcome without `sometimes` or
/// counterexamples, and the names of the properties it discovered.
pub fn dfs<M, C, S>(
    builder: CheckerBuilder<M>,
    opts: &CheckOptions,
) -> (Outcome<M::Rule, C, S>, BTreeSet<&'static str>)
where
    M: Counted + Send + Sync + 'static,
    M::State: Hash + Send + Sync + Clone + PartialEq + 'static,
    M::Action: Clone + PartialEq,
{
    let mut b = builder.threads(opts.threads.max(1));
    if let Some(n) = opts.max_states {
        b = b.target_state_count(n);
    }
    if let Some(d) = opts.max_depth {
        b = b.target_max_depth(d);
    }
    let start = Instant::now();
    let checker = b.spawn_dfs().join();
    let seconds = start.elapsed().as_secs_f64();
    let counters = checker.model().counters();
    counters.stop();
    let states = checker.state_count();
    let depth = checker.max_depth();
    let cut_states = opts.max_states.is_some_and(|n| states >= n);
    let cut_depth = opts.max_depth.is_some_and(|d| depth + 1 >= d);
    let found = checker.discoveries().into_keys().collect();
    let out = Outcome {
        unique: checker.unique_state_count(),
        states,
        depth,
        seconds,
        // An interrupt (SIGINT / SIGTERM) cut the run short too.
        complete: !cut_states && !cut_depth && !crate::interrupt::requested(),
        checks: counters.checks(),
        warnings: counters.warnings(),
        violated: counters.violated(),
        sometimes: Vec::new(),
        counterexamples: Vec::new(),
    };
    (out, found)
}

/// Whether to search counterexamples after a DFS: asked for, and no interrupt (the violations
/// found are kept; no more search for their paths).
pub fn want_counterexamples(opts: &CheckOptions) -> bool {
    opts.counterexamples && !crate::interrupt::requested()
}

/// Breadth-first search of `model` (counting off) for the shortest path to a discovery of
/// `property`: the initial state and the actions from it.
pub fn shortest_path<M>(model: M, property: &'static str) -> Option<(M::State, Vec<M::Action>)>
where
    M: Counted + Send + Sync + 'static,
    M::State: Hash + Send + Sync + Clone + PartialEq + 'static,
    M::Action: Clone + PartialEq,
{
    model.counters().stop();
    let checker = model
        .checker()
        .finish_when(HasDiscoveries::AnyOf(BTreeSet::from([property])))
        .spawn_bfs()
        .join();
    let path = checker.discovery(property)?.into_vec();
    let init = path.first()?.0.clone();
    let actions = path.into_iter().filter_map(|(_, a)| a).collect();
    Some((init, actions))
}
