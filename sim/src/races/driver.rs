//! The scenario runner: one loom model per wait-fault plan, each execution a fresh provider and
//! harness, judged at its end; the first failing execution stops exploration.

use std::panic::{catch_unwind, panic_any, resume_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex as StdMutex, MutexGuard as StdGuard};
use std::time::{Duration, Instant};

use xpcheck_model::spooler::out_id;
use xpcheck_model::state::Call;
use xpcheck_model::{Behaviour, Config, Scenario as ModelScenario};
use xpcheck_properties::event::{Body, Event, Method, NotifyData, Thread};
use xpcheck_properties::judge::session::{OutPhase, INBOUND, OUTBOUND};
use xpcheck_properties::judge::Severity;
use xpcheck_properties::rules::Rid;
use xpcheck_properties::vocab::{FlagWord, TransportNotifyFlags as F};

use super::report::{Budget, FailureKind, LoomFailure, LoomReport, LoomVerdict};
use super::scenarios::{MainStep, NotifyStep, Scenario};
use crate::api::{ProviderFactory, TransportProvider};
use crate::chooser::Chooser;
use crate::harness::{
    install_quiet_panic_hook, HangUnwind, Harness, LoomMode, RefSource, SimOptions, QUIET,
};
use crate::sync::plan::{self, Planned, WaitKind};

/// Budgets of a loom run. The default (preemption bound 2, two million executions) finishes
/// every built-in scenario for the built-in providers and for a provider with one worker thread
/// of its own; deeper runs are opt-in, from code or, with no code change, from the environment
/// ([`LoomOptions::from_env`]).
#[derive(Clone, Copy, Debug)]
pub struct LoomOptions {
    /// loom's preemption bound (`None`: unbounded — feasible only for the smallest scenarios).
    /// Each step up multiplies the executions (see DESIGN.md "Performance stance").
    pub preemption_bound: Option<usize>,
    /// Stop after this many executions (over all plans) and report `incomplete`.
    pub max_iterations: Option<u64>,
    /// Stop after this much wall-clock time and report `incomplete`.
    pub max_duration: Option<Duration>,
    /// loom's branch budget per execution; exceeding it is a livelock finding.
    pub max_branches: usize,
    /// Explore every single spurious wake-up and timeout of the facade's `Condvar`.
    pub wait_faults: bool,
    /// Deny warnings (`--strict`): a situation SPEC grades "warn" fails the scenario too.
    pub strict: bool,
    /// Watchdog: loom runs on a thread of its own, and when it makes no progress (no new event,
    /// no new execution) for this long — a provider blocked outside the facade, e.g. on a std
    /// lock, which loom cannot see — the run ends with a TN-27 / TN-19 failure carrying the
    /// trace so far (`None`: no watchdog). Wall-clock time only decides when to give up.
    pub watchdog: Option<Duration>,
}

impl Default for LoomOptions {
    fn default() -> LoomOptions {
        LoomOptions {
            preemption_bound: Some(DEFAULT_PREEMPTION_BOUND),
            max_iterations: Some(DEFAULT_MAX_ITERATIONS),
            max_duration: None,
            max_branches: 10_000,
            wait_faults: true,
            strict: false,
            watchdog: Some(Duration::from_secs(10)),
        }
    }
}

/// The default preemption bound.
pub const DEFAULT_PREEMPTION_BOUND: usize = 2;
/// The default iteration budget (executions over every wait-fault plan of one scenario).
pub const DEFAULT_MAX_ITERATIONS: u64 = 2_000_000;

/// Environment variable: preemption bound, a number or `none` (unbounded).
pub const ENV_PREEMPTIONS: &str = "XPCHECK_LOOM_PREEMPTIONS";
/// Environment variable: iteration budget, a number or `none`.
pub const ENV_MAX_ITERATIONS: &str = "XPCHECK_LOOM_MAX_ITERATIONS";
/// Environment variable: time budget in seconds, a number or `none`.
pub const ENV_MAX_SECONDS: &str = "XPCHECK_LOOM_MAX_SECONDS";

impl LoomOptions {
    /// The defaults, overridden by `XPCHECK_LOOM_PREEMPTIONS`, `XPCHECK_LOOM_MAX_ITERATIONS`
    /// and `XPCHECK_LOOM_MAX_SECONDS` (each a number or `none`), so a deeper run needs no code
    /// change: `XPCHECK_LOOM_PREEMPTIONS=3 RUSTFLAGS="--cfg xpcheck_loom" cargo test --release`.
    ///
    /// # Panics
    /// If one of them is set to something else (a typo must not silently run the default).
    pub fn from_env() -> LoomOptions {
        let mut o = LoomOptions::default();
        if let Some(v) = env_number(ENV_PREEMPTIONS) {
            o.preemption_bound = v.map(|n| n as usize);
        }
        if let Some(v) = env_number(ENV_MAX_ITERATIONS) {
            o.max_iterations = v;
        }
        if let Some(v) = env_number(ENV_MAX_SECONDS) {
            o.max_duration = v.map(Duration::from_secs);
        }
        o
    }
}

/// `None`: unset; `Some(None)`: `none`; `Some(Some(n))`: a number.
fn env_number(name: &str) -> Option<Option<u64>> {
    let v = std::env::var(name).ok()?;
    let v = v.trim();
    if v.eq_ignore_ascii_case("none") {
        return Some(None);
    }
    match v.parse() {
        Ok(n) => Some(Some(n)),
        Err(_) => panic!("{name}={v:?}: expected a number or `none`"),
    }
}

/// Panic payload: an execution broke a rule (recorded in the accumulator).
struct FoundViolation;
/// Panic payload: a budget ran out.
struct Cut;

#[derive(Default)]
struct Acc {
    iterations: u64,
    waits: [u32; 2],
    checks: Vec<u64>,
    failure: Option<LoomFailure>,
    cut: Option<Budget>,
    /// Executions in which each main-thread step (before, race, after) was made.
    main_ran: Vec<u64>,
    /// Executions in which each notify-thread step was made.
    notify_ran: Vec<u64>,
}

fn lock<T>(m: &StdMutex<T>) -> StdGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Runs `scenario` on the provider `factory` builds, over every interleaving within the bound
/// and every single wait fault, and reports.
pub fn run(
    scenario: &'static Scenario,
    factory: impl Into<ProviderFactory>,
    opts: &LoomOptions,
) -> LoomReport {
    let factory = factory.into();
    install_quiet_panic_hook();
    let start = Instant::now();
    let main_steps = scenario.before.len() + scenario.race.len() + scenario.after.len();
    let acc = Arc::new(StdMutex::new(Acc {
        checks: vec![0; Rid::ALL.len()],
        main_ran: vec![0; main_steps],
        notify_ran: vec![0; scenario.notify.len()],
        ..Acc::default()
    }));
    let mirror = Arc::new(StdMutex::new(Vec::new()));
    let mut plans = vec![None];
    let mut done = 0;
    while done < plans.len() {
        let plan = plans[done];
        done += 1;
        if !explore(scenario, &factory, opts, plan, &acc, &mirror, start) {
            break;
        }
        if plan.is_none() && opts.wait_faults {
            let [waits, timeouts] = lock(&acc).waits;
            let planned = |kind| move |index| Some(Planned { kind, index });
            plans.extend((0..waits).map(planned(WaitKind::Wait)));
            plans.extend((0..timeouts).map(planned(WaitKind::Timeout)));
        }
    }
    let a = std::mem::take(&mut *lock(&acc));
    let verdict = if a.failure.is_some() {
        LoomVerdict::Violated
    } else if a.cut.is_some() {
        LoomVerdict::Incomplete
    } else {
        LoomVerdict::Pass
    };
    let notes = if a.failure.is_none() {
        never_ran(scenario, &a.main_ran, &a.notify_ran)
    } else {
        Vec::new()
    };
    LoomReport {
        scenario: scenario.name,
        preemption_bound: opts.preemption_bound,
        iterations: a.iterations,
        plans: done as u32,
        seconds: start.elapsed().as_secs_f64(),
        verdict,
        checks: a.checks,
        failure: a.failure,
        cut: a.cut,
        notes,
    }
}

/// What the scenario could not reach with this provider: the steps no execution made, and why
/// the spooler skipped them.
fn never_ran(scenario: &Scenario, main_ran: &[u64], notify_ran: &[u64]) -> Vec<String> {
    let mains = scenario
        .before
        .iter()
        .map(|s| ("before the race", *s))
        .chain(scenario.race.iter().map(|s| ("in the race", *s)))
        .chain(scenario.after.iter().map(|s| ("after the race", *s)));
    let mut notes = Vec::new();
    for ((when, step), n) in mains.zip(main_ran) {
        if *n > 0 {
            continue;
        }
        let why = match step {
            MainStep::Poll => "the provider did not return LOGON_SP_POLL, so the spooler never polls it (POLL-1, LIFE-10)",
            MainStep::Start => "no reason to expect mail: no Poll reported any and the provider sent no NOTIFY_NEWMAIL while inbound was on (SM-1, SPN-10, LIFE-10)",
            MainStep::End(_) => "SubmitMessage never accepted the message (SUB-8)",
            MainStep::Submit(_) => "outbound was off (TN-24)",
            _ => "the spooler had no reason to make it",
        };
        notes.push(format!("never ran {when}: {}: {why}", step_name(step)));
    }
    for (step, n) in scenario.notify.iter().zip(notify_ran) {
        if *n > 0 {
            continue;
        }
        let why = match step {
            NotifyStep::Cancel => {
                "no message entry point was running when the notify thread got there"
            }
            NotifyStep::AbortDeferred => {
                "the provider never deferred a message (END_DONT_RESEND, EM-2, DEF-4)"
            }
            NotifyStep::Flags(_) => "the provider was gone",
        };
        notes.push(format!("never ran on the notify thread: {step:?}: {why}"));
    }
    notes
}

fn step_name(step: MainStep) -> String {
    match step {
        MainStep::Submit(n) => format!("SubmitMessage of message {n}"),
        MainStep::End(n) => format!("EndMessage of message {n}"),
        MainStep::Start => "StartMessage".into(),
        MainStep::Poll => "Poll".into(),
        MainStep::FlushQueues => "FlushQueues".into(),
        MainStep::Logoff => "TransportLogoff".into(),
        MainStep::WireOffline => "wire offline".into(),
        MainStep::WireOnline => "wire online".into(),
    }
}

/// One loom model under one plan; false when exploration must stop (failure or budget).
fn explore(
    scenario: &'static Scenario,
    factory: &ProviderFactory,
    opts: &LoomOptions,
    plan: Option<Planned>,
    acc: &Arc<StdMutex<Acc>>,
    mirror: &Arc<StdMutex<Vec<Event>>>,
    start: Instant,
) -> bool {
    let mut b = loom::model::Builder::new();
    b.preemption_bound = opts.preemption_bound;
    b.max_branches = opts.max_branches;
    // Our own budgets, so that a cut is known to be a cut (loom returns silently on its own).
    b.max_permutations = None;
    b.max_duration = None;
    b.checkpoint_file = None;
    let (acc2, mirror2, opts2, factory) = (acc.clone(), mirror.clone(), *opts, factory.clone());
    let model = move || {
        QUIET.with(|q| q.set(true));
        let result = catch_unwind(AssertUnwindSafe(|| {
            b.check(move || execute(scenario, &factory, &opts2, plan, &acc2, &mirror2, start))
        }));
        QUIET.with(|q| q.set(false));
        result
    };
    let result = match opts.watchdog {
        None => model(),
        Some(budget) => match watched(model, budget, acc, mirror) {
            Some(r) => r,
            None => {
                // No progress: loom's thread is abandoned, blocked where the provider stopped.
                let events = peek(mirror);
                let what = format!("Deadlock: no progress for {} ms", budget.as_millis());
                let (rule, message) = crate::stuck::rule_and_message(&what, &events);
                let findings = crate::stuck::finding(rule, &message, &events)
                    .into_iter()
                    .collect();
                lock(acc).failure = Some(LoomFailure {
                    rule,
                    kind: FailureKind::Deadlock,
                    message,
                    plan,
                    events,
                    findings,
                });
                return false;
            }
        },
    };
    let Err(payload) = result else {
        return true;
    };
    let mut a = lock(acc);
    if payload.is::<FoundViolation>() || payload.is::<Cut>() {
        return false;
    }
    let events = lock(mirror).clone();
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned());
    let kind = if payload.is::<HangUnwind>() {
        FailureKind::Hang
    } else if text.as_deref().is_some_and(|t| t.starts_with("deadlock")) {
        FailureKind::Deadlock
    } else if text
        .as_deref()
        .is_some_and(|t| t.contains("maximum number of branches"))
    {
        FailureKind::Livelock
    } else {
        FailureKind::Panic
    };
    a.failure = Some(stuck(kind, text, plan, events));
    false
}

/// The trace mirror now, without waiting on a thread that may be stuck holding it.
fn peek(mirror: &StdMutex<Vec<Event>>) -> Vec<Event> {
    match mirror.try_lock() {
        Ok(m) => m.clone(),
        Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner().clone(),
        Err(std::sync::TryLockError::WouldBlock) => Vec::new(),
    }
}

/// Runs `model` on a thread of its own; `None` when neither the executions nor the events of
/// the current one move for `budget`.
fn watched<R: Send + 'static>(
    model: impl FnOnce() -> R + Send + 'static,
    budget: Duration,
    acc: &StdMutex<Acc>,
    mirror: &StdMutex<Vec<Event>>,
) -> Option<R> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(model());
    });
    let progress = || {
        let iterations = acc.try_lock().map_or(u64::MAX, |a| a.iterations);
        let events = mirror.try_lock().map_or(usize::MAX, |m| m.len());
        (iterations, events)
    };
    let (mut seen, mut since) = (progress(), Instant::now());
    loop {
        match rx.recv_timeout(Duration::from_millis(20)) {
            Ok(r) => return Some(r),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return None,
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
        }
        let now = progress();
        if now != seen {
            (seen, since) = (now, Instant::now());
        } else if since.elapsed() >= budget {
            return None;
        }
    }
}

/// A provider that never came back: which rule, from the calls still open (`crate::stuck`).
fn stuck(
    kind: FailureKind,
    text: Option<String>,
    plan: Option<Planned>,
    events: Vec<Event>,
) -> LoomFailure {
    let (rule, message) = match kind {
        FailureKind::Panic => (
            "panic",
            format!(
                "the provider panicked: {}",
                text.unwrap_or_else(|| "non-string panic payload".into())
            ),
        ),
        _ => crate::stuck::rule_and_message(&format!("{kind:?}"), &events),
    };
    let findings = crate::stuck::finding(rule, &message, &events)
        .into_iter()
        .collect();
    LoomFailure {
        rule,
        kind,
        message,
        plan,
        events,
        findings,
    }
}

fn config(inbound: u8) -> Config {
    let mut c = Config::scenario(ModelScenario::Standard, Behaviour::Correct);
    c.inbound = inbound;
    c.outbound = 2;
    c.flush = true;
    c
}

/// One execution: a fresh provider and harness, the scenario's script, the judgement.
fn execute(
    scenario: &'static Scenario,
    factory: &ProviderFactory,
    opts: &LoomOptions,
    plan: Option<Planned>,
    acc: &StdMutex<Acc>,
    mirror: &Arc<StdMutex<Vec<Event>>>,
    start: Instant,
) {
    {
        let mut a = lock(acc);
        a.iterations += 1;
        let over = match (opts.max_iterations, opts.max_duration) {
            (Some(m), _) if a.iterations > m => Some(Budget::Iterations(m)),
            (_, Some(d)) if start.elapsed() > d => Some(Budget::Time(d)),
            _ if xpcheck_model::interrupt::requested() => Some(Budget::Interrupted),
            _ => None,
        };
        if let Some(budget) = over {
            a.iterations -= 1;
            a.cut = Some(budget);
            drop(a);
            panic_any(Cut);
        }
    }
    plan::begin(plan);
    lock(mirror).clear();
    let mut sim = SimOptions::new(config(scenario.inbound));
    sim.mix = false;
    sim.config.settings.deny_warnings = opts.strict;
    sim.inject_per_mille = 0;
    sim.yield_cancel_per_mille = 0;
    let mode = LoomMode {
        labels: vec![(crate::sync::current_thread(), Thread::Spooler)],
        mirror: mirror.clone(),
    };
    let (h, provider) = Harness::new(factory, &sim, Chooser::script(&[]), Some(mode));
    h.main_call(
        &provider,
        0,
        Call::Logon {
            flags: (xpcheck_properties::vocab::LogonFlags::LOGON_NO_INBOUND
                | xpcheck_properties::vocab::LogonFlags::LOGON_NO_OUTBOUND)
                .bits(),
        },
    );
    h.main_call(&provider, 0, Call::AddressTypes);
    if !scenario.setup.is_empty() {
        h.label(Thread::Notify);
        h.notify_step(NotifyStep::Flags(scenario.setup));
        h.unlabel();
    }
    let mut main_ran = Vec::new();
    for step in scenario.before {
        main_ran.push(h.main_step(&provider, *step));
    }
    let h2 = h.clone();
    let notify = scenario.notify;
    let t = crate::sync::thread::spawn(move || {
        h2.label(Thread::Notify);
        notify
            .iter()
            .map(|s| h2.notify_step(*s))
            .collect::<Vec<bool>>()
    });
    for step in scenario.race {
        main_ran.push(h.main_step(&provider, *step));
    }
    let notify_ran = match t.join() {
        Ok(r) => r,
        Err(p) => resume_unwind(p),
    };
    for step in scenario.after {
        main_ran.push(h.main_step(&provider, *step));
    }
    // Every scenario ends with the logon: the provider stops its own threads (LIFE-27); then
    // the spooler releases the logon and shuts the provider object down (LIFE-31..LIFE-33).
    h.main_step(&provider, MainStep::Logoff);
    h.wind_up(&provider);
    let (events, judged) = {
        let mut st = h.lock();
        (
            std::mem::take(&mut st.events),
            std::mem::take(&mut st.judged),
        )
    };
    h.release_logon();
    let mut a = lock(acc);
    for (sum, n) in a.checks.iter_mut().zip(&judged.checks) {
        *sum += n;
    }
    for (sum, ran) in a.main_ran.iter_mut().zip(&main_ran) {
        *sum += u64::from(*ran);
    }
    for (sum, ran) in a.notify_ran.iter_mut().zip(&notify_ran) {
        *sum += u64::from(*ran);
    }
    let seen = plan::seen();
    for (max, n) in a.waits.iter_mut().zip(seen) {
        *max = (*max).max(n);
    }
    let first = judged.errors().next().cloned();
    if let Some(first) = first {
        a.failure = Some(LoomFailure {
            rule: first.rule,
            kind: FailureKind::Monitor,
            message: first.message,
            plan: plan.filter(|_| plan::hit()),
            events,
            findings: judged
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .cloned()
                .collect(),
        });
        drop(a);
        panic_any(FoundViolation);
    }
}

impl Harness {
    /// Names the calling (loom) thread in the trace.
    fn label(&self, t: Thread) {
        if let Some(m) = &mut self.lock().loom {
            m.labels.push((crate::sync::current_thread(), t));
        }
    }

    /// Undoes the last [`Harness::label`] of the calling thread.
    fn unlabel(&self) {
        if let Some(m) = &mut self.lock().loom {
            let me = crate::sync::current_thread();
            if let Some(i) = m.labels.iter().rposition(|(id, _)| *id == me) {
                m.labels.remove(i);
            }
        }
    }

    /// One main-thread step; false when the spooler skipped it (see [`MainStep`]).
    fn main_step(self: &Arc<Self>, provider: &Arc<dyn TransportProvider>, step: MainStep) -> bool {
        let call = match step {
            MainStep::Submit(slot) => Call::Submit {
                slot,
                resubmission: false,
            },
            MainStep::End(slot) => {
                let accepted = self
                    .lock()
                    .session(0)
                    .out(out_id(slot))
                    .is_some_and(|m| m.phase == OutPhase::Accepted);
                if !accepted {
                    return false;
                }
                Call::End { slot }
            }
            MainStep::Start => Call::Start { obj: 0 },
            MainStep::Poll => Call::Poll,
            MainStep::FlushQueues => Call::FlushQueues {
                flags: (xpcheck_properties::vocab::FlushFlags::FLUSH_UPLOAD
                    | xpcheck_properties::vocab::FlushFlags::FLUSH_DOWNLOAD)
                    .bits(),
            },
            MainStep::Logoff => {
                // The conforming wind-down (as `xpcheck_model::spooler::Spooler::wound_down`):
                // open flushes and enabled directions end in one call (LIFE-35, FQ-14, FQ-11's
                // END_INBOUND exemption), then what the provider still defers or announced is
                // aborted (TN-26, SPN-11); LOGOFF_HURRY while a message waits for its EndMessage
                // (FLOW-1).
                let (ends, hurry) = {
                    let st = self.lock();
                    let s = st.session(0);
                    let mut ends = F::empty();
                    ends.set(F::NOTIFY_END_INBOUND_FLUSH, s.flush[INBOUND].in_cycle());
                    ends.set(F::NOTIFY_END_OUTBOUND_FLUSH, s.flush[OUTBOUND].in_cycle());
                    ends.set(F::NOTIFY_END_INBOUND, s.inbound);
                    ends.set(F::NOTIFY_END_OUTBOUND, s.outbound);
                    let hurry = s.out.iter().any(|m| m.phase == OutPhase::Accepted);
                    (ends, hurry)
                };
                self.label(Thread::Notify);
                if !ends.is_empty() {
                    self.notify_step(NotifyStep::Flags(ends));
                }
                while self.abort_deferred(true) {}
                self.unlabel();
                let flags = if hurry {
                    xpcheck_properties::vocab::LogoffFlags::LOGOFF_HURRY.bits()
                } else {
                    0
                };
                Call::Logoff { flags }
            }
            MainStep::WireOffline | MainStep::WireOnline => {
                self.wire.set_online(step == MainStep::WireOnline);
                return true;
            }
        };
        let before = self.lock().calls;
        self.main_call(provider, 0, call);
        let after = self.lock().calls;
        after > before
    }

    /// NOTIFY_ABORT_DEFERRED for a message the provider defers (TN-25, TN-26) or, with
    /// `announced`, one it announced with NOTIFY_SENTDEFERRED and the spooler will not resubmit
    /// (SPN-11); false when there is none.
    fn abort_deferred(&self, announced: bool) -> bool {
        let Some(logon) = self.logon() else {
            return false;
        };
        self.tick();
        let (flags, data) = {
            // Decided and recorded under the harness lock: the message is deferred now.
            let mut st = self.lock();
            let Some(id) = st
                .session(0)
                .out
                .iter()
                .find(|m| {
                    m.phase == OutPhase::Deferred || (announced && m.phase == OutPhase::Resubmit)
                })
                .map(|m| m.id)
            else {
                return false;
            };
            let data = Some(NotifyData::EntryId(id));
            let flags = F::NOTIFY_ABORT_DEFERRED;
            Harness::record(&mut st, 0, Body::TransportNotify { flags, data });
            (flags, data)
        };
        let mut out = flags;
        let hr = logon.transport_notify(&mut out, data);
        self.tick();
        Harness::record(
            &mut self.lock(),
            0,
            Body::ret_flags(Method::TransportNotify, hr, out.raw()),
        );
        true
    }

    /// One notify-thread step; false when the spooler skipped it (see [`NotifyStep`]).
    fn notify_step(&self, step: NotifyStep) -> bool {
        let Some(logon) = self.logon() else {
            return false;
        };
        self.tick();
        let (flags, data) = match step {
            NotifyStep::Cancel => {
                // Issued under the window lock: the entry point is still running (TN-18).
                let w = self.window();
                let r = match (&w.armed, w.open) {
                    (Some(RefSource::Cell(c)), true) => {
                        c.load(crate::sync::atomic::Ordering::SeqCst)
                    }
                    (Some(RefSource::Value(v)), true) => *v,
                    _ => return false,
                };
                let data = Some(NotifyData::MsgRef(r));
                let flags = F::NOTIFY_CANCEL_MESSAGE;
                Harness::record(&mut self.lock(), 0, Body::TransportNotify { flags, data });
                drop(w);
                (flags, data)
            }
            NotifyStep::AbortDeferred => return self.abort_deferred(false),
            NotifyStep::Flags(flags) => {
                Harness::record(
                    &mut self.lock(),
                    0,
                    Body::TransportNotify { flags, data: None },
                );
                (flags, None)
            }
        };
        let mut out = flags;
        let hr = logon.transport_notify(&mut out, data);
        self.tick();
        Harness::record(
            &mut self.lock(),
            0,
            Body::ret_flags(Method::TransportNotify, hr, out.raw()),
        );
        true
    }
}
