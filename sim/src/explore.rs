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
//! breadth-first so it is a shortest one. Remote-system outages (deferral) are not explored: the
//! wire stays online.

use std::fmt::Debug;
use std::hash::Hash;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use stateright::{Checker, Model, Property};
use xpcheck_model::spooler::{permitted, provider_moves, LogonView, Spooler, SpoolerMove};
use xpcheck_model::state::Call;
use xpcheck_model::Config;
use xpcheck_properties::event::{Body, Event, Thread};
use xpcheck_properties::judge::{Finding, ProviderState, Session, Severity};
use xpcheck_properties::report::{Counterexample, Report, Stats, Status, Tally};
use xpcheck_properties::rule_set::RuleMask;
use xpcheck_properties::rules::Rid;
use xpcheck_properties::vocab::consts::CURRENT_SPI_VERSION;
use xpcheck_properties::vocab::{HResult, LogonFlags};

use crate::api::{TransportLogon, TransportProvider};
use crate::harness::{install_quiet_panic_hook, Harness, InjectPlan, SimOptions, QUIET};
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
}

/// One explorer state.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ExploreState<S> {
    provider: ProviderState,
    session: Session,
    spooler: Spooler,
    inbound: Vec<WireMessage>,
    logon: Option<S>,
    next_obj: u32,
    /// Rules broken by the step that led here.
    broken: RuleMask,
    /// The provider panicked in the step that led here.
    panicked: bool,
}

/// One explorer action: a spooler move, maybe with an injection inside its k-th callback of
/// the j-th notification the spooler allows at that moment: `(move, Some((k, j)))`.
pub type ExploreAction = (SpoolerMove, Option<(u8, u8)>);

/// Notifications considered at one injection point (the conforming spooler rarely allows more).
const PICKS: u8 = 8;

/// The stateright model over real provider code.
pub struct ExploreModel<L: ExplorableLogon> {
    logon: LogonFactory<L>,
    opts: ExploreOptions,
    checks: Vec<AtomicU64>,
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
            ProviderState::new(),
            Session::default(),
            Spooler::new(&self.opts.config),
            99,
            0,
            None,
            self.foreign_slots(),
        );
        // XPProviderInit: the provider object exists before any logon (LIFE-1).
        h.init_begin();
        h.init_end(CURRENT_SPI_VERSION);
        for c in 0..u32::from(self.opts.config.inbound) {
            h.record_on(Thread::Wire, Body::MailArrived { content: c });
            wire.deliver(WireMessage {
                content: c,
                nontransmittable: c % 2 == 0, // every other message carries some (SM-8)
            });
        }
        let (provider, session, spooler, next_obj, _, _) = h.suspend();
        ExploreState {
            provider,
            session,
            spooler,
            inbound: wire.inbound(),
            logon: None,
            next_obj,
            broken: RuleMask::EMPTY,
            panicked: false,
        }
    }

    /// Runs one action from `s`; `seq_base` numbers its events.
    fn step(
        &self,
        s: &ExploreState<L::Snapshot>,
        a: ExploreAction,
        seq_base: u64,
    ) -> Step<L::Snapshot> {
        let wire = Wire::new();
        for m in &s.inbound {
            wire.deliver(*m);
        }
        let plan = a.1.map(|(at, pick)| InjectPlan {
            at: u32::from(at),
            pick,
            seen: 0,
        });
        let h = Harness::resume(
            wire.clone(),
            &self.sim_options(),
            s.provider.clone(),
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
            let l = Arc::new(L::restore(snap, Support::new(h.clone(), 0), wire.clone()));
            *capture.made.lock().unwrap_or_else(|p| p.into_inner()) = Some(l.clone());
            h.set_logon(Some(l));
        }
        let provider: Arc<dyn TransportProvider> = capture.clone();
        QUIET.with(|q| q.set(true));
        let result = catch_unwind(AssertUnwindSafe(|| h.perform(&provider, 0, a.0)));
        QUIET.with(|q| q.set(false));
        let logon = capture
            .made
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .map(|l| l.save());
        h.release_logon();
        let (provider, session, spooler, next_obj, events, judged) = h.suspend();
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
                provider,
                session,
                spooler,
                inbound: wire.inbound(),
                logon,
                // StartMessage's objects alternate between two ids, as in the model (the
                // monitors remember the last two dead ones, SM-3): a bounded state space.
                next_obj: 99 + (next_obj - 99) % 2,
                broken,
                panicked: result.is_err(),
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
        if !s.broken.is_empty() || s.panicked {
            return;
        }
        let mut moves = Vec::new();
        s.spooler
            .allowed(&s.session, &self.opts.config, true, true, &mut moves);
        moves.retain(|m| permitted(&s.provider, 0, m));
        // The Release of the logon, Shutdown and the provider object's Release (LIFE-31..
        // LIFE-33); XPProviderInit was the initial state's.
        let view = [LogonView {
            session: &s.session,
            spooler: &s.spooler,
        }];
        let mut pm = Vec::new();
        provider_moves(&s.provider, &view, &self.opts.config, true, &mut pm);
        moves.extend(
            pm.into_iter()
                .map(|(_, m)| m)
                .filter(|m| !matches!(m, SpoolerMove::Provider(Call::ProviderInit { .. }))),
        );
        for &m in &moves {
            actions.push((m, None));
            if let SpoolerMove::Main(call) = m {
                if matches!(
                    call,
                    Call::Logoff { .. } | Call::Logon { .. } | Call::ReleaseLogon
                ) {
                    continue;
                }
                for k in 0..self.opts.injection_points {
                    for j in 0..PICKS {
                        actions.push((m, Some((k, j))));
                    }
                }
            }
        }
    }

    fn next_state(&self, s: &Self::State, a: Self::Action) -> Option<Self::State> {
        Some(self.step(s, a, 0).next)
    }

    fn properties(&self) -> Vec<Property<Self>> {
        vec![
            Property::always("no rule broken", |_, s: &Self::State| s.broken.is_empty()),
            Property::always("no provider panic", |_, s: &Self::State| !s.panicked),
        ]
    }

    fn within_boundary(&self, _: &Self::State) -> bool {
        true
    }
}

/// The outcome of an exhaustive run.
#[derive(Clone, Debug)]
pub struct ExploreReport {
    /// Every reachable state explored (no bound cut the run).
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
    /// The shortest counterexample, if a rule was broken or the provider panicked: its rule
    /// (`"panic"` for a panic), events and findings.
    pub counterexample: Option<(String, Vec<Event>, Vec<Finding>)>,
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
        if !self.complete {
            report.notes.push(format!(
                "cut short after {} states: incomplete, not passed",
                self.states
            ));
        }
        report
    }
}

/// Explores every reachable state of `logon` against the conforming spooler, breadth-first.
pub fn explore<L: ExplorableLogon>(logon: LogonFactory<L>, opts: ExploreOptions) -> ExploreReport {
    install_quiet_panic_hook();
    let start = Instant::now();
    let model = ExploreModel::new(logon, opts);
    let checker = model
        .checker()
        .target_state_count(opts.max_states)
        .finish_when(stateright::HasDiscoveries::Any)
        .spawn_bfs()
        .join();
    let unique = checker.unique_state_count();
    let states = checker.state_count();
    let depth = checker.max_depth();
    // stateright stops at `target_state_count` generated states and calls that done too.
    let complete = checker.is_done() && states < opts.max_states;
    let path = checker
        .discovery("no rule broken")
        .or_else(|| checker.discovery("no provider panic"));
    let model = checker.model();
    let counterexample = path.map(|p| {
        let actions = p.into_actions();
        let mut s = model.initial();
        let mut events = Vec::new();
        let mut findings = Vec::new();
        for a in actions {
            let step = model.step(&s, a, events.len() as u64);
            events.extend(step.events);
            findings.extend(step.findings);
            s = step.next;
        }
        let rule = findings
            .first()
            .map_or_else(|| "panic".to_string(), |f| f.rule.to_string());
        (rule, events, findings)
    });
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
    }
}
