//! Many seeds: per-rule checks and violations summed, the first violating seed of each rule
//! kept as its counterexample (replayable with `xpcheck replay --seed`).

use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use xpcheck_properties::judge::{Collect, Finding, Severity};
use xpcheck_properties::rules::Rid;

use xpcheck_model::interrupt;

use crate::api::ProviderFactory;
use crate::harness::{
    events_so_far, run_seed, run_seed_watched, Crash, Harness, SeedRun, SimOptions,
};

/// The first seed that violated a rule.
#[derive(Clone, Debug)]
pub struct FirstViolation {
    /// The rule.
    pub rule: Rid,
    /// The whole run of that seed.
    pub run: SeedRun,
    /// The finding.
    pub finding: Finding,
}

/// Summary over a range of seeds.
#[derive(Clone, Debug)]
pub struct SimSummary {
    /// Seeds run.
    pub seeds: u64,
    /// Events recorded over all seeds.
    pub events: u64,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Checks per rule (`Rid as usize`).
    pub checks: Vec<u64>,
    /// Warnings per rule.
    pub warnings: Vec<u64>,
    /// First violation of each rule, in the order found.
    pub violations: Vec<FirstViolation>,
    /// First crash (panic or hang) and its run.
    pub crash: Option<(Crash, SeedRun)>,
    /// An interrupt (`xpcheck_model::interrupt`) stopped the run before `to`.
    pub interrupted: bool,
    /// What the runs reached that no rule counts, for the report's notes.
    pub reach: Reach,
}

/// What a range of seeds reached that no rule's checks show: deferrals and their
/// announcements, callbacks from the provider's own threads ([`Reach::notes`] says what the
/// engine therefore did or could not judge).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reach {
    /// EndMessage returned END_DONT_RESEND (the provider deferred a message, EM-2, DEF-4).
    pub deferrals: u64,
    /// SpoolerNotify(NOTIFY_SENTDEFERRED) calls (DEF-4).
    pub announcements: u64,
    /// Events recorded on the `provider` lane (threads the provider started itself).
    pub provider_thread: u64,
}

impl Reach {
    /// Adds another range's figures.
    pub fn add(&mut self, o: Reach) {
        self.deferrals += o.deferrals;
        self.announcements += o.announcements;
        self.provider_thread += o.provider_thread;
    }

    fn count(&mut self, events: &[xpcheck_properties::event::Event]) {
        use xpcheck_properties::event::{Body, Method, Thread};
        use xpcheck_properties::vocab::{EndMessageFlags, SpoolerNotifyFlags};
        for e in events {
            match e.body {
                Body::Return {
                    method: Method::EndMessage,
                    flags: Some(w),
                    ..
                } if w.0 & EndMessageFlags::END_DONT_RESEND.bits() != 0 => self.deferrals += 1,
                Body::SpoolerNotify { flags, .. }
                    if flags.contains(SpoolerNotifyFlags::NOTIFY_SENTDEFERRED) =>
                {
                    self.announcements += 1
                }
                _ => {}
            }
            if e.thread == Thread::Provider {
                self.provider_thread += 1;
            }
        }
    }

    /// What the seeded simulator cannot see, and what this provider left unreached: the notes
    /// of a `sim` report, so that a pass never reads as more than it is.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = vec![
            "one OS thread: sim injects TransportNotify inside the provider's callbacks, never \
             between two of its steps on another thread; those races are the loom engine's \
             (RUSTFLAGS=\"--cfg xpcheck_loom\", xpcheck::conformance::loom) (TN-17, TN-27, STAT-4)"
                .to_string(),
        ];
        if self.provider_thread > 0 {
            notes.push(format!(
                "the provider's own threads made {} callbacks (lane `provider`); sim does not \
                 schedule them: where they run while the spooler is not waiting on them, the \
                 order is the operating system's, not the seed's",
                self.provider_thread
            ));
        }
        if self.deferrals > 0 && self.announcements == 0 {
            notes.push(format!(
                "the provider deferred {} messages (END_DONT_RESEND) and announced none with \
                 NOTIFY_SENTDEFERRED: DEF-4's resubmission was never reached",
                self.deferrals
            ));
        }
        notes
    }
}

/// Runs seeds `from..to` (to exclusive). With a watchdog (the default) the seeds run on a worker
/// thread; a seed that stops making progress is reported as [`Crash::Deadlock`] with its trace so
/// far, and the rest of the range is not run.
pub fn run_seeds(
    factory: impl Into<ProviderFactory>,
    opts: &SimOptions,
    from: u64,
    to: u64,
) -> SimSummary {
    let factory = factory.into();
    let n = Rid::ALL.len();
    let mut s = SimSummary {
        seeds: 0,
        events: 0,
        seconds: 0.0,
        checks: vec![0; n],
        warnings: vec![0; n],
        violations: Vec::new(),
        crash: None,
        interrupted: false,
        reach: Reach::default(),
    };
    let start = Instant::now();
    if opts.watchdog_ms == 0 {
        for seed in from..to {
            if interrupt::requested() {
                break;
            }
            s.add(run_seed(factory.clone(), opts, seed));
        }
    } else {
        watched(factory, opts, from, to, &mut s);
    }
    s.seconds = start.elapsed().as_secs_f64();
    s.interrupted = s.seeds < to - from && s.crash.is_none() && interrupt::requested();
    s
}

/// One seed under a watchdog: the seed runs on a worker thread, and when its trace gains no
/// event for `opts.watchdog_ms` (checked every half budget) it is reported as
/// [`Crash::Deadlock`] with its trace so far, after `give_up` is called (to end what the
/// provider blocks on, e.g. a native provider's driver process); the worker is left blocked.
/// A replay of a hanging seed thus ends with a finding instead of hanging too. With
/// `watchdog_ms` 0 it is [`run_seed`].
pub fn run_seed_watchdog(
    factory: impl Into<ProviderFactory>,
    opts: &SimOptions,
    seed: u64,
    give_up: impl FnOnce(),
) -> SeedRun {
    let factory = factory.into();
    if opts.watchdog_ms == 0 {
        return run_seed(factory, opts, seed);
    }
    let (tx, rx) = mpsc::channel();
    let harness: Arc<std::sync::Mutex<Option<Arc<Harness>>>> = Arc::default();
    let (o, h) = (*opts, harness.clone());
    std::thread::spawn(move || {
        let run = run_seed_watched(&factory, &o, seed, &|hs| {
            *h.lock().unwrap_or_else(|p| p.into_inner()) = Some(hs.clone());
        });
        let _ = tx.send(run);
    });
    // Checked every half budget: no new event over two checks is the budget without progress.
    let half = Duration::from_millis(u64::from(opts.watchdog_ms / 2).max(1));
    let mut seen = usize::MAX;
    loop {
        match rx.recv_timeout(half) {
            Ok(run) => return run,
            Err(RecvTimeoutError::Disconnected) => {
                panic!("the seed's worker thread ended without a result")
            }
            Err(RecvTimeoutError::Timeout) => {
                let current = harness.lock().unwrap_or_else(|p| p.into_inner()).clone();
                let events = current.as_deref().map(events_so_far).unwrap_or_default();
                if events.len() == seen {
                    give_up();
                    return deadlocked(seed, events);
                }
                seen = events.len();
            }
        }
    }
}

/// The run of a seed the watchdog gave up on: its trace so far, not judged (the judge's state
/// is inside the blocked run), and [`Crash::Deadlock`] after its last event.
fn deadlocked(seed: u64, events: Vec<xpcheck_properties::event::Event>) -> SeedRun {
    let after_seq = events.len().saturating_sub(1) as u64;
    SeedRun {
        seed,
        events,
        judged: Collect::new(),
        crash: Some(Crash::Deadlock { after_seq }),
    }
}

enum Msg {
    Started(u64, Arc<Harness>),
    Done(Box<SeedRun>),
}

fn watched(factory: ProviderFactory, opts: &SimOptions, from: u64, to: u64, s: &mut SimSummary) {
    let (tx, rx) = mpsc::channel();
    let o = *opts;
    let _worker = std::thread::spawn(move || {
        for seed in from..to {
            if interrupt::requested() {
                return; // between seeds: the safe point
            }
            let started = tx.clone();
            let run = run_seed_watched(&factory, &o, seed, &|h| {
                let _ = started.send(Msg::Started(seed, h.clone()));
            });
            if tx.send(Msg::Done(Box::new(run))).is_err() {
                return;
            }
        }
    });
    let budget = Duration::from_millis(u64::from(opts.watchdog_ms));
    let mut current: Option<(u64, Arc<Harness>)> = None;
    loop {
        match rx.recv_timeout(budget) {
            Ok(Msg::Started(seed, h)) => current = Some((seed, h)),
            Ok(Msg::Done(run)) => {
                current = None;
                s.add(*run);
            }
            Err(RecvTimeoutError::Disconnected) => return,
            Err(RecvTimeoutError::Timeout) => {
                // Give up on the worker (it stays blocked) and report the seed.
                if let Some((seed, h)) = current.take() {
                    let run = deadlocked(seed, events_so_far(&h));
                    s.seeds += 1;
                    s.crash = run.crash.clone().map(|c| (c, run));
                }
                return;
            }
        }
    }
}

impl SimSummary {
    fn add(&mut self, run: SeedRun) {
        self.reach.count(&run.events);
        self.seeds += 1;
        self.events += run.events.len() as u64;
        for (c, k) in self.checks.iter_mut().zip(&run.judged.checks) {
            *c += k;
        }
        for f in &run.judged.findings {
            let Some(rule) = Rid::from_id(f.rule) else {
                continue;
            };
            match f.severity {
                Severity::Warning => self.warnings[rule as usize] += 1,
                Severity::Error => {
                    if !self.violations.iter().any(|v| v.rule == rule) {
                        self.violations.push(FirstViolation {
                            rule,
                            run: run.clone(),
                            finding: f.clone(),
                        });
                    }
                }
            }
        }
        if self.crash.is_none() {
            if let Some(c) = run.crash.clone() {
                self.crash = Some((c, run));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Reach;

    #[test]
    fn a_plain_run_notes_only_what_one_thread_cannot_see() {
        let n = Reach::default().notes();
        assert_eq!(n.len(), 1);
        assert!(n[0].contains("loom"));
    }

    #[test]
    fn provider_threads_and_unannounced_deferrals_are_noted() {
        let r = Reach {
            deferrals: 3,
            announcements: 0,
            provider_thread: 5,
        };
        let n = r.notes().join("\n");
        assert!(n.contains("5 callbacks (lane `provider`)"), "{n}");
        assert!(n.contains("deferred 3 messages"), "{n}");
        let announced = Reach {
            announcements: 1,
            ..r
        };
        assert!(!announced.notes().join("\n").contains("DEF-4"));
    }
}
