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
                    let events = events_so_far(&h);
                    let after_seq = events.len().saturating_sub(1) as u64;
                    let run = SeedRun {
                        seed,
                        events,
                        judged: Collect::new(),
                        crash: Some(Crash::Deadlock { after_seq }),
                    };
                    s.seeds += 1;
                    s.crash = Some((Crash::Deadlock { after_seq }, run));
                }
                return;
            }
        }
    }
}

impl SimSummary {
    fn add(&mut self, run: SeedRun) {
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
