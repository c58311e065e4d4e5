//! Exhaustive stateright exploration over *real* provider code, for providers whose logon state
//! can be saved as a `Clone + Hash + Eq` snapshot ([`ExplorableLogon`]).
//!
//! A state is what the conforming spooler and the monitors remember (the judge's `Session`,
//! the spooler's queue) plus the wire's waiting mail plus the provider's snapshot. An action is
//! one spooler move, run to completion on a harness resumed from the state with a provider
//! restored from its snapshot — optionally with one TransportNotify (or store-side AbortSubmit)
//! injected inside the `k`-th callback the provider makes during that move (the re-entrant
//! window-procedure case), for `k` below [`ExploreOptions::injection_points`]. Every event is
//! judged by the same monitors; a state whose step broke a rule is a counterexample, found
//! breadth-first so it is a shortest one. The remote system may go offline and come back
//! ([`ExploreOptions::outages`] times) between moves, so a store-and-forward provider defers or
//! answers MAPI_E_WAIT (EM-2, DEF-4, SUB-6); SpoolerYield may answer MAPI_W_CANCEL_MESSAGE at
//! any callback (YLD-4) when the configuration has `yield_cancel`.
//!
//! **Watchdog.** A step runs real code on a checker thread; a provider that deadlocks (a lock
//! held across a callback that a re-entrant TransportNotify also takes), spins or blocks never
//! gives it back. The calling thread watches the steps: when one has made no progress for
//! [`ExploreOptions::watchdog_ms`], the run ends with a TN-27 / TN-19 counterexample (see
//! [`crate::stuck`]): the path to the state the step started from, then the step's events up
//! to where the provider stopped. The stuck thread is abandoned. A step that makes more than
//! `max_callbacks` harness calls is unwound by the harness and reported the same way.
//!
//! **Interrupts.** When [`xpcheck_model::interrupt`] is requested the model offers no more
//! actions, the checker drains its queue, and the report says `complete: false`.

use std::fmt::Debug;
use std::hash::Hash;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use stateright::{Checker, Model, Property};
use xpcheck_model::spooler::{Spooler, SpoolerMove};
use xpcheck_model::state::Call;
use xpcheck_model::Config;
use xpcheck_properties::event::{Body, Event, Thread};
use xpcheck_properties::judge::{Finding, Session, Severity};
use xpcheck_properties::report::{Counterexample, Report, Stats, Status, Tally};
use xpcheck_properties::rule_set::RuleMask;
use xpcheck_properties::rules::Rid;
use xpcheck_properties::vocab::{HResult, LogonFlags};

use crate::api::{TransportLogon, TransportProvider};
use crate::harness::{
    install_quiet_panic_hook, HangUnwind, Harness, InjectPlan, SimOptions, QUIET,
};
use crate::objects::Support;
use crate::wire::{Wire, WireMessage};

/// A logon object whose whole state can be saved and restored.
pub trait ExplorableLogon: TransportLogon + Sized + 'static {
    /// Everything the logon remembers between entry points (no locks, no handles).
    type Snapshot: Clone + Debug + Hash + Eq + Send + Sync + 'static;

    /// The state now (called between entry points, when nothing is running). Counters that
    /// only need to be unique among messages in flight (msg-refs, EM-3) should be
    /// canonicalised here, or the state space never closes.
    fn save(&self) -> Self::Snapshot;

    /// A logon object in state `snapshot`, talking to `support` and `wire`.
    fn restore(snapshot: &Self::Snapshot, support: Support, wire: Wire) -> Self;
}

/// Builds the logon object (`IXPProvider::TransportLogon`): support, wire, in/out flags.
pub type LogonFactory<L> =
    Arc<dyn Fn(Support, Wire, &mut LogonFlags) -> Result<L, HResult> + Send + Sync>;

/// Knobs of an exhaustive run.
#[derive(Clone, Copy, Debug)]
pub struct ExploreOptions {
    /// The spooler configuration (messages, budgets, features).
    pub config: Config,
    /// Injection points per move: a notification may be injected inside callback 0..k-1.
    pub injection_points: u8,
    /// Stop after this many generated states (verdict `incomplete`).
    pub max_states: usize,
    /// Watchdog: a step (one spooler move on the real code) that makes no progress for this
    /// many milliseconds is a deadlock finding; 0 turns it off. Wall-clock time only decides
    /// when to give up, never what a path contains.
    pub watchdog_ms: u32,
    /// How many times the remote system may go offline (and come back) in one run.
    pub outages: u8,
}

/// One explorer state.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ExploreState<S> {
    session: Session,
    spooler: Spooler,
    inbound: Vec<WireMessage>,
    logon: Option<S>,
    next_obj: u32,
    /// Rules broken by the step that led here.
    broken: RuleMask,
    /// The provider panicked in the step that led here.
    panicked: bool,
    /// The harness unwound the step that led here: an entry point made more harness calls
    /// than the budget without returning (AMB-6 (c)).
    hung: bool,
    /// The remote system is offline.
    offline: bool,
    /// Outages still to come.
    outages: u8,
    /// How this state was first reached (for the watchdog's counterexample; not part of the
    /// state's identity).
    trail: Trail,
}

/// The actions from the initial state to a state, newest first; ignored by `==` and `Hash`.
#[derive(Clone, Default)]
struct Trail(Option<Arc<TrailNode>>);

struct TrailNode {
    parent: Trail,
    action: ExploreAction,
}

impl Trail {
    fn then(&self, action: ExploreAction) -> Trail {
        Trail(Some(Arc::new(TrailNode {
            parent: self.clone(),
            action,
        })))
    }

    /// The actions, oldest first.
    fn actions(&self) -> Vec<ExploreAction> {
        let mut out = Vec::new();
        let mut at = self.0.clone();
        while let Some(n) = at {
            out.push(n.action);
            at = n.parent.0.clone();
        }
        out.reverse();
        out
    }
}

impl PartialEq for Trail {
    fn eq(&self, _: &Trail) -> bool {
        true
    }
}

impl Eq for Trail {}

impl Hash for Trail {
    fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
}

impl Debug for Trail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("..")
    }
}

impl Drop for TrailNode {
    fn drop(&mut self) {
        // Unlink iteratively: a long trail must not recurse once per step when it is freed.
        let mut next = self.parent.0.take();
        while let Some(n) = next {
            match Arc::try_unwrap(n) {
                Ok(mut node) => next = node.parent.0.take(),
                Err(_) => break,
            }
        }
    }
}

/// The step a checker thread is running now, for the watchdog.
struct Running {
    trail: Trail,
    action: ExploreAction,
    harness: Arc<Harness>,
}

/// One explorer action: a spooler move, maybe with an injection inside its k-th callback of
/// the j-th notification the spooler allows at that moment: `(move, Some((k, j)))`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExploreAction {
    /// A spooler move, maybe with an injection inside its k-th callback: the j-th notification
    /// (or AbortSubmit) the spooler allows at that moment, or, for j = [`YIELD_CANCEL`], that
    /// callback — if it is SpoolerYield — answering MAPI_W_CANCEL_MESSAGE: `Some((k, j))`.
    Spooler(SpoolerMove, Option<(u8, u8)>),
    /// The remote system goes offline (`false`) or comes back (`true`).
    Wire(bool),
}

/// The injection pick that makes the k-th callback's SpoolerYield answer
/// MAPI_W_CANCEL_MESSAGE (YLD-3, YLD-4).
pub const YIELD_CANCEL: u8 = crate::harness::YIELD_CANCEL_PICK;

/// Notifications considered at one injection point (the conforming spooler rarely allows more).
const PICKS: u8 = 8;

/// The stateright model over real provider code.
pub struct ExploreModel<L: ExplorableLogon> {
    logon: LogonFactory<L>,
    opts: ExploreOptions,
    checks: Vec<AtomicU64>,
    /// Exploring (not rebuilding a path afterwards): interrupts and the watchdog apply.
    live: AtomicBool,
    /// Steps finished (the watchdog's sign of progress).
    steps: AtomicU64,
    /// The step now running, while `live` (one checker thread).
    running: Mutex<Option<Running>>,
}

/// A provider object that hands out `L` logons (and keeps the last one for saving).
struct Capture<L: ExplorableLogon> {
    make: LogonFactory<L>,
    wire: Wire,
    made: Mutex<Option<Arc<L>>>,
}

impl<L: ExplorableLogon> TransportProvider for Capture<L> {
    fn transport_logon(
        &self,
        support: Support,
        flags: &mut LogonFlags,
    ) -> Result<Arc<dyn TransportLogon>, HResult> {
        let l = Arc::new((*self.make)(support, self.wire.clone(), flags)?);
        *self.made.lock().unwrap_or_else(|p| p.into_inner()) = Some(l.clone());
        Ok(l)
    }
}

/// What one step produced.
struct Step<S> {
    next: ExploreState<S>,
    events: Vec<Event>,
    findings: Vec<Finding>,
}

impl<L: ExplorableLogon> ExploreModel<L> {
    /// A model of `logon` under `opts`.
    pub fn new(logon: LogonFactory<L>, opts: ExploreOptions) -> Self {
        ExploreModel {
            logon,
            opts,
            checks: (0..Rid::ALL.len()).map(|_| AtomicU64::new(0)).collect(),
            live: AtomicBool::new(false),
            steps: AtomicU64::new(0),
            running: Mutex::new(None),
        }
    }

    fn sim_options(&self) -> SimOptions {
        let mut o = SimOptions::new(self.opts.config);
        o.inject_per_mille = 0;
        o.yield_cancel_per_mille = 0;
        o
    }

    /// With two or more outbound messages the first is for another transport (SUB-5, LIFE-24);
    /// the second carries nontransmittable properties and a recipient already taken (SUB-11,
    /// SUB-12).
    fn foreign_slots(&self) -> u8 {
        u8::from(self.opts.config.outbound >= 2)
    }

    fn initial(&self) -> ExploreState<L::Snapshot> {
        let wire = Wire::new();
        let h = Harness::resume(
            wire.clone(),
            &self.sim_options(),
            Session::default(),
            Spooler::new(&self.opts.config),
            99,
            0,
            None,
            self.foreign_slots(),
        );
        for c in 0..u32::from(self.opts.config.inbound) {
            h.record_on(Thread::Wire, Body::MailArrived { content: c });
            wire.deliver(WireMessage {
                content: c,
                nontransmittable: c % 2 == 0, // every other message carries some (SM-8)
            });
        }
        let (session, spooler, next_obj, _, _) = h.suspend();
        ExploreState {
            session,
            spooler,
            inbound: wire.inbound(),
            logon: None,
            next_obj,
            broken: RuleMask::EMPTY,
            panicked: false,
            hung: false,
            offline: false,
            outages: self.opts.outages,
            trail: Trail::default(),
        }
    }

    /// Runs one action from `s`; `seq_base` numbers its events.
    fn step(
        &self,
        s: &ExploreState<L::Snapshot>,
        a: ExploreAction,
        seq_base: u64,
    ) -> Step<L::Snapshot> {
        let (mv, inject) = match a {
            ExploreAction::Spooler(mv, inject) => (mv, inject),
            ExploreAction::Wire(online) => {
                let mut next = s.clone();
                next.offline = !online;
                next.outages -= u8::from(!online);
                next.trail = s.trail.then(a);
                return Step {
                    next,
                    events: Vec::new(),
                    findings: Vec::new(),
                };
            }
        };
        let wire = Wire::new();
        for m in &s.inbound {
            wire.deliver(*m);
        }
        wire.set_online(!s.offline);
        let plan = inject.map(|(at, pick)| InjectPlan {
            at: u32::from(at),
            pick,
            seen: 0,
        });
        let h = Harness::resume(
            wire.clone(),
            &self.sim_options(),
            s.session.clone(),
            s.spooler.clone(),
            s.next_obj,
            seq_base,
            plan,
            self.foreign_slots(),
        );
        let capture = Arc::new(Capture {
            make: self.logon.clone(),
            wire: wire.clone(),
            made: Mutex::new(None),
        });
        if let Some(snap) = &s.logon {
            let l = Arc::new(L::restore(snap, Support(h.clone()), wire.clone()));
            *lock(&capture.made) = Some(l.clone());
            h.set_logon(Some(l));
        }
        let provider: Arc<dyn TransportProvider> = capture.clone();
        let live = self.live.load(Ordering::Relaxed);
        if live {
            *lock(&self.running) = Some(Running {
                trail: s.trail.clone(),
                action: a,
                harness: h.clone(),
            });
        }
        QUIET.with(|q| q.set(true));
        let result = catch_unwind(AssertUnwindSafe(|| h.perform(&provider, mv)));
        QUIET.with(|q| q.set(false));
        if live {
            *lock(&self.running) = None;
            self.steps.fetch_add(1, Ordering::Relaxed);
        }
        let hung = matches!(&result, Err(p) if p.is::<HangUnwind>());
        let logon = capture
            .made
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .map(|l| l.save());
        h.release_logon();
        let (session, spooler, next_obj, events, judged) = h.suspend();
        for (c, n) in self.checks.iter().zip(&judged.checks) {
            c.fetch_add(*n, Ordering::Relaxed);
        }
        let findings: Vec<Finding> = judged
            .findings
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        let broken = findings.iter().filter_map(|f| Rid::from_id(f.rule)).fold(
            RuleMask::EMPTY,
            |mut m, r| {
                m.insert(r);
                m
            },
        );
        Step {
            next: ExploreState {
                session,
                spooler,
                inbound: wire.inbound(),
                logon,
                // StartMessage's objects alternate between two ids, as in the model (the
                // monitors remember the last two dead ones, SM-3): a bounded state space.
                next_obj: 99 + (next_obj - 99) % 2,
                broken,
                panicked: result.is_err() && !hung,
                hung,
                offline: s.offline,
                outages: s.outages,
                trail: s.trail.then(a),
            },
            events,
            findings,
        }
    }
}

impl<L: ExplorableLogon> Model for ExploreModel<L> {
    type State = ExploreState<L::Snapshot>;
    type Action = ExploreAction;

    fn init_states(&self) -> Vec<Self::State> {
        vec![self.initial()]
    }

    fn actions(&self, s: &Self::State, actions: &mut Vec<Self::Action>) {
        if !s.broken.is_empty() || s.panicked || s.hung {
            return;
        }
        if self.live.load(Ordering::Relaxed) && xpcheck_model::interrupt::requested() {
            return; // drain the queue and stop
        }
        let mut moves = Vec::new();
        s.spooler
            .allowed(&s.session, &self.opts.config, true, true, &mut moves);
        let yield_cancel = self.opts.config.yield_cancel && s.spooler.yield_cancels > 0;
        for &m in &moves {
            actions.push(ExploreAction::Spooler(m, None));
            if let SpoolerMove::Main(call) = m {
                if matches!(call, Call::Logoff { .. } | Call::Logon { .. }) {
                    continue;
                }
                for k in 0..self.opts.injection_points {
                    for j in 0..PICKS {
                        actions.push(ExploreAction::Spooler(m, Some((k, j))));
                    }
                    if yield_cancel {
                        actions.push(ExploreAction::Spooler(m, Some((k, YIELD_CANCEL))));
                    }
                }
            }
        }
        // The remote system goes offline once logged on, and comes back (store-and-forward).
        if s.offline {
            actions.push(ExploreAction::Wire(true));
        } else if s.outages > 0 && s.logon.is_some() {
            actions.push(ExploreAction::Wire(false));
        }
    }

    fn next_state(&self, s: &Self::State, a: Self::Action) -> Option<Self::State> {
        Some(self.step(s, a, 0).next)
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property::always("no rule broken", |_, s: &Self::State| s.broken.is_empty()),
            Property::always("no provider panic", |_, s: &Self::State| !s.panicked),
            Property::always("no hang", |_, s: &Self::State| !s.hung),
        ]
    }

    fn within_boundary(&self, _: &Self::State) -> bool {
        true
    }
}

/// The outcome of an exhaustive run.
#[derive(Clone, Debug)]
pub struct ExploreReport {
    /// Every reachable state explored (no bound, interrupt or watchdog cut the run).
    pub complete: bool,
    /// Distinct states.
    pub unique: usize,
    /// States generated.
    pub states: usize,
    /// Longest path.
    pub depth: usize,
    /// Seconds.
    pub seconds: f64,
    /// Checks per monitored rule (index = `Rid as usize`).
    pub checks: Vec<u64>,
    /// The shortest counterexample, if a rule was broken, the provider panicked (`"panic"`) or
    /// hung (TN-27 / TN-19, also from the watchdog, whose path is the first found rather than
    /// a shortest one): its rule, events and findings.
    pub counterexample: Option<(String, Vec<Event>, Vec<Finding>)>,
    /// An interrupt stopped the run.
    pub interrupted: bool,
}

impl ExploreReport {
    /// The run as the report every engine returns (engine `explore`): per-rule verdicts,
    /// coverage, the shortest counterexample.
    pub fn to_report(&self, provider: &str) -> Report {
        let mut tally: Tally<Rid> = Tally::new();
        tally.add_counts(&self.checks, &[]);
        let stats = Stats::States {
            unique: self.unique,
            states: self.states,
            depth: self.depth,
            seconds: self.seconds,
            states_per_sec: self.states as f64 / self.seconds.max(1e-9),
        };
        if let Some((rule, _, findings)) = &self.counterexample {
            tally.add_findings(findings);
            if let Some(r) = Rid::from_id(rule) {
                tally.violate(r);
            }
        }
        let mut report = Report::new("explore", provider, stats, &tally, self.complete);
        if let Some((rule, events, findings)) = &self.counterexample {
            report.verdict = Status::Violated;
            let rule = Rid::from_id(rule).map_or("panic", |r| r.id());
            report.counterexamples.push(Counterexample::transport(
                rule,
                "explore",
                events.clone(),
                findings.clone(),
                "xpcheck::conformance::exhaustive (breadth-first: the shortest path)".into(),
            ));
        }
        // What this engine cannot reach, so a pass never reads as more than it is.
        report.notes.push(
            "every state of one OS thread: notifications land inside the provider's callbacks, \
             never between two of its steps on another thread (loom's races), and never just \
             before *lpulMsgRef is written (the preset msg-ref of TN-21: sim and loom)"
                .into(),
        );
        if self.interrupted {
            report.notes.push(format!(
                "interrupted after {} states: incomplete, not passed",
                self.states
            ));
        } else if !self.complete {
            report.notes.push(format!(
                "cut short after {} states: incomplete, not passed",
                self.states
            ));
        }
        report
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// How often the watchdog looks at the checker.
const WATCH_EVERY: Duration = Duration::from_millis(20);

/// Explores every reachable state of `logon` against the conforming spooler, breadth-first,
/// under the watchdog (see the module doc).
pub fn explore<L: ExplorableLogon>(logon: LogonFactory<L>, opts: ExploreOptions) -> ExploreReport {
    install_quiet_panic_hook();
    let start = Instant::now();
    let model = ExploreModel::new(logon, opts);
    model.live.store(true, Ordering::Relaxed);
    let mut checker = model
        .checker()
        .target_state_count(opts.max_states)
        .finish_when(stateright::HasDiscoveries::Any)
        .spawn_bfs();
    let handles = checker.handles();
    let budget = Duration::from_millis(u64::from(opts.watchdog_ms));
    let (mut seen, mut since) = (0, Instant::now());
    let mut stuck = None;
    while !handles.iter().all(|h| h.is_finished()) {
        std::thread::sleep(WATCH_EVERY);
        let steps = checker.model().steps.load(Ordering::Relaxed);
        if steps != seen {
            (seen, since) = (steps, Instant::now());
        } else if opts.watchdog_ms > 0 && since.elapsed() >= budget {
            stuck = lock(&checker.model().running).take();
            if stuck.is_some() {
                break; // the checker thread stays blocked: abandoned
            }
        }
    }
    if stuck.is_none() {
        for h in handles {
            let _ = h.join();
        }
    }
    let model = checker.model();
    model.live.store(false, Ordering::Relaxed);
    let interrupted = xpcheck_model::interrupt::requested();
    let unique = checker.unique_state_count();
    let states = checker.state_count();
    let depth = checker.max_depth();
    // stateright stops at `target_state_count` generated states and calls that done too.
    let complete = stuck.is_none() && checker.is_done() && states < opts.max_states && !interrupted;
    let counterexample = match stuck {
        Some(r) => Some(model.stuck_counterexample(r)),
        None => checker
            .discovery("no rule broken")
            .or_else(|| checker.discovery("no provider panic"))
            .or_else(|| checker.discovery("no hang"))
            .map(|p| model.replay(p.into_actions())),
    };
    ExploreReport {
        complete,
        unique,
        states,
        depth,
        seconds: start.elapsed().as_secs_f64(),
        checks: model
            .checks
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .collect(),
        counterexample,
        interrupted,
    }
}

impl<L: ExplorableLogon> ExploreModel<L> {
    /// Runs `actions` from the initial state: the rule broken at the end (`"panic"`, or TN-27 /
    /// TN-19 for a hang), the events and the findings.
    fn replay(&self, actions: Vec<ExploreAction>) -> (String, Vec<Event>, Vec<Finding>) {
        let mut s = self.initial();
        let mut events = Vec::new();
        let mut findings = Vec::new();
        for a in actions {
            let step = self.step(&s, a, events.len() as u64);
            events.extend(step.events);
            findings.extend(step.findings);
            s = step.next;
        }
        if s.hung && findings.is_empty() {
            let what = format!(
                "Hang: more than {} harness calls in one entry point",
                self.sim_options().max_callbacks
            );
            let (rule, message) = crate::stuck::rule_and_message(&what, &events);
            findings.extend(crate::stuck::finding(rule, &message, &events));
        }
        let rule = findings
            .first()
            .map_or_else(|| "panic".to_string(), |f| f.rule.to_string());
        (rule, events, findings)
    }

    /// The watchdog's counterexample: the path to the state the stuck step started from, then
    /// that step's events up to where the provider stopped.
    fn stuck_counterexample(&self, r: Running) -> (String, Vec<Event>, Vec<Finding>) {
        let (_, mut events, mut findings) = self.replay(r.trail.actions());
        let base = events.len() as u64;
        let mut tail = crate::harness::events_so_far(&r.harness);
        for (i, e) in tail.iter_mut().enumerate() {
            e.seq = base + i as u64;
        }
        events.extend(tail);
        let what = format!(
            "Deadlock: no progress for {} ms in {}",
            self.opts.watchdog_ms,
            describe_action(r.action)
        );
        let (rule, message) = crate::stuck::rule_and_message(&what, &events);
        findings.extend(crate::stuck::finding(rule, &message, &events));
        (rule.to_string(), events, findings)
    }
}

fn describe_action(a: ExploreAction) -> String {
    match a {
        ExploreAction::Spooler(m, None) => format!("{m:?}"),
        ExploreAction::Spooler(m, Some((k, YIELD_CANCEL))) => {
            format!("{m:?} with SpoolerYield cancelling in callback {k}")
        }
        ExploreAction::Spooler(m, Some((k, j))) => {
            format!("{m:?} with notification {j} injected in callback {k}")
        }
        ExploreAction::Wire(true) => "the remote system coming back".into(),
        ExploreAction::Wire(false) => "the remote system going offline".into(),
    }
}
