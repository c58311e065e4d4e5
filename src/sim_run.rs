//! `xpcheck sim` and `xpcheck replay`: seeded simulation of real provider code.

use serde::Serialize;
use xpcheck_model::{Behaviour, Config, Scenario};
use xpcheck_properties::rules::Rid;
use xpcheck_providers::Builtin;
use xpcheck_sim::api::ProviderFactory;
use xpcheck_sim::{run_seeds, Crash, SimOptions};

use crate::report::{CounterexampleReport, RuleResult, Status};

/// The spooler configuration the simulator uses: the standard configuration (2 outbound +
/// 1 inbound, one logon, a notify thread) with flushes, SpoolerYield cancels and AbortSubmit on.
pub fn sim_config() -> Config {
    let mut c = Config::scenario(Scenario::Standard, Behaviour::Correct);
    c.flush = true;
    c.yield_cancel = true;
    c.abort_submit = true;
    c
}

/// Figures of a simulation run.
#[derive(Clone, Debug, Serialize)]
pub struct SimStats {
    /// Seeds run.
    pub seeds: u64,
    /// Events recorded.
    pub events: u64,
    /// Seconds.
    pub seconds: f64,
    /// Events per second.
    pub events_per_sec: f64,
    /// Seeds per second.
    pub seeds_per_sec: f64,
}

/// A provider crash as reported.
#[derive(Clone, Debug, Serialize)]
pub struct CrashReport {
    /// `panic` or `hang`.
    pub kind: &'static str,
    /// What happened.
    pub message: String,
    /// The seed.
    pub seed: u64,
    /// The trace up to the crash.
    pub events: Vec<xpcheck_properties::event::Event>,
    /// A command that reproduces it.
    pub replay: String,
}

/// The report of a `sim` run (same shape as `check`'s, with `stats` for seeds).
#[derive(Clone, Debug, Serialize)]
pub struct SimReport {
    /// pass / violated.
    pub verdict: Status,
    /// `sim`.
    pub engine: &'static str,
    /// Provider name.
    pub provider: &'static str,
    /// Rules it is built to break.
    pub breaks: Vec<&'static str>,
    /// Figures.
    pub stats: SimStats,
    /// Per monitored rule.
    pub rules: Vec<RuleResult>,
    /// First violating seed per rule.
    pub counterexamples: Vec<CounterexampleReport>,
    /// First crash.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crash: Option<CrashReport>,
}

impl SimReport {
    /// 0 pass, 1 violated or crashed.
    pub fn exit_code(&self) -> i32 {
        if self.verdict == Status::Pass {
            0
        } else {
            1
        }
    }

    /// Text report.
    pub fn render(&self) -> String {
        let mut out = format!(
            "xpcheck sim — provider {}: {} seeds, {} events, {:.2} s ({:.0} events/s, {:.0} seeds/s)\n\n",
            self.provider, self.stats.seeds, self.stats.events, self.stats.seconds, self.stats.events_per_sec, self.stats.seeds_per_sec
        );
        out += "rule     status          checks  warnings\n";
        for r in &self.rules {
            out += &format!(
                "{:<8} {:<13} {:>10} {:>9}\n",
                r.id,
                r.status.word(),
                r.checks,
                r.warnings
            );
        }
        for cx in &self.counterexamples {
            out.push('\n');
            out += &cx.render();
        }
        if let Some(c) = &self.crash {
            out += &format!(
                "\nprovider {} at seed {}: {}\n  replay: {}\n",
                c.kind, c.seed, c.message, c.replay
            );
        }
        out += &format!("\nverdict: {}\n", self.verdict.word().to_uppercase());
        out
    }
}

/// Runs seeds `from..to` on a built-in provider.
pub fn run_sim(p: &Builtin, from: u64, to: u64) -> SimReport {
    run_sim_with(
        p.name,
        p.breaks,
        p.factory,
        &SimOptions::new(sim_config()),
        from,
        to,
    )
}

/// Runs seeds `from..to` on any provider factory.
pub fn run_sim_with(
    name: &'static str,
    breaks: &'static [&'static str],
    factory: ProviderFactory,
    opts: &SimOptions,
    from: u64,
    to: u64,
) -> SimReport {
    let opts = *opts;
    let s = run_seeds(factory, &opts, from, to);
    let replay = |seed: u64| format!("xpcheck replay --provider {name} --seed {seed}");
    let counterexamples: Vec<CounterexampleReport> = s
        .violations
        .iter()
        .map(|v| CounterexampleReport {
            rule: v.rule.id(),
            summary: xpcheck_properties::catalog::get(v.rule.id())
                .map(|r| r.summary)
                .unwrap_or(""),
            scenario: "sim",
            seed: Some(v.run.seed),
            events: v.run.events.clone(),
            findings: v.run.judged.findings.clone(),
            replay: replay(v.run.seed),
        })
        .collect();
    let crash = s.crash.as_ref().map(|(c, run)| {
        let (kind, message) = match c {
            Crash::Panic { message, .. } => ("panic", message.clone()),
            Crash::Deadlock { .. } => (
                "deadlock",
                format!(
                    "no progress for {} ms: the provider blocked, e.g. on its own lock re-entered by TransportNotify inside a callback (AMB-21); the remaining seeds were not run",
                    opts.watchdog_ms
                ),
            ),
            Crash::Hang { method, .. } => (
                "hang",
                format!(
                    "{method} made more than {} harness calls without returning (AMB-6 (c))",
                    opts.max_callbacks
                ),
            ),
        };
        CrashReport {
            kind,
            message,
            seed: run.seed,
            events: run.events.clone(),
            replay: replay(run.seed),
        }
    });
    let rules = Rid::ALL
        .iter()
        .map(|&r| {
            let violated = s.violations.iter().any(|v| v.rule == r);
            let status = Status::of(violated, true, s.checks[r as usize]);
            RuleResult {
                id: r.id(),
                status,
                checks: s.checks[r as usize],
                warnings: s.warnings[r as usize],
            }
        })
        .collect();
    let verdict = if counterexamples.is_empty() && crash.is_none() {
        Status::Pass
    } else {
        Status::Violated
    };
    let secs = s.seconds.max(1e-9);
    SimReport {
        verdict,
        engine: "sim",
        provider: name,
        breaks: breaks.to_vec(),
        stats: SimStats {
            seeds: s.seeds,
            events: s.events,
            seconds: s.seconds,
            events_per_sec: s.events as f64 / secs,
            seeds_per_sec: s.seeds as f64 / secs,
        },
        rules,
        counterexamples,
        crash,
    }
}

/// Parses `A..B` (B exclusive) or a single seed `A`.
pub fn parse_seeds(text: &str) -> Result<(u64, u64), String> {
    let bad = || format!("--seeds must be A..B with A < B, or one seed (got {text:?})");
    match text.split_once("..") {
        Some((a, b)) => {
            let a: u64 = a.trim().parse().map_err(|_| bad())?;
            let b: u64 = b.trim().parse().map_err(|_| bad())?;
            if a >= b {
                return Err(bad());
            }
            Ok((a, b))
        }
        None => {
            let a: u64 = text.trim().parse().map_err(|_| bad())?;
            a.checked_add(1).map(|b| (a, b)).ok_or_else(bad)
        }
    }
}
