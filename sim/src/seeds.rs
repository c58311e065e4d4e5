//! Many seeds: per-rule checks and violations summed, the first violating seed of each rule
//! kept as its counterexample (replayable with `xpcheck replay --seed`).

use std::time::Instant;

use xpcheck_properties::judge::{Finding, Severity};
use xpcheck_properties::rules::Rid;

use crate::api::ProviderFactory;
use crate::harness::{run_seed, Crash, SeedRun, SimOptions};

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
}

/// Runs seeds `from..to` (to exclusive).
pub fn run_seeds(factory: ProviderFactory, opts: &SimOptions, from: u64, to: u64) -> SimSummary {
    let n = Rid::ALL.len();
    let mut s = SimSummary {
        seeds: 0,
        events: 0,
        seconds: 0.0,
        checks: vec![0; n],
        warnings: vec![0; n],
        violations: Vec::new(),
        crash: None,
    };
    let start = Instant::now();
    for seed in from..to {
        let run = run_seed(factory, opts, seed);
        s.seeds += 1;
        s.events += run.events.len() as u64;
        for i in 0..n {
            s.checks[i] += run.judged.checks[i];
        }
        for f in &run.judged.findings {
            let Some(rule) = Rid::from_id(f.rule) else {
                continue;
            };
            match f.severity {
                Severity::Warning => s.warnings[rule as usize] += 1,
                Severity::Error => {
                    if !s.violations.iter().any(|v| v.rule == rule) {
                        s.violations.push(FirstViolation {
                            rule,
                            run: run.clone(),
                            finding: f.clone(),
                        });
                    }
                }
            }
        }
        if s.crash.is_none() {
            if let Some(c) = run.crash.clone() {
                s.crash = Some((c, run));
            }
        }
    }
    s.seconds = start.elapsed().as_secs_f64();
    s
}
