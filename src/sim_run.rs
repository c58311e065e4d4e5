//! `xpcheck sim` and `xpcheck replay`: seeded simulation of real provider code.

use std::time::Instant;

use serde::Serialize;
use xpcheck_model::{Behaviour, Config, Scenario};
use xpcheck_properties::rules::Rid;
use xpcheck_providers::Builtin;
use xpcheck_sim::api::ProviderFactory;
use xpcheck_sim::seeds::SimSummary;
use xpcheck_sim::{run_seeds, Crash, SimOptions};

use crate::report::{
    rules_table, verdict_line, Conformance, CounterexampleReport, RuleResult, Status,
};

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
        out += &rules_table(&self.rules);
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
        out.push('\n');
        out += &verdict_line(self.verdict, &self.rules);
        out
    }
}

impl Conformance for SimReport {
    fn title(&self) -> String {
        format!("xpcheck sim — provider {}", self.provider)
    }
    fn verdict(&self) -> Status {
        self.verdict
    }
    fn figures(&self) -> String {
        format!(
            "engine sim: {} seed{}, {} events, {:.2} s",
            self.stats.seeds,
            if self.stats.seeds == 1 { "" } else { "s" },
            self.stats.events,
            self.stats.seconds
        )
    }
    fn rules(&self) -> &[RuleResult] {
        &self.rules
    }
    fn counterexamples(&self) -> &[CounterexampleReport] {
        &self.counterexamples
    }
    fn notes(&self) -> Vec<String> {
        match &self.crash {
            Some(c) => vec![format!(
                "provider {} at seed {}: {} (replay: {})",
                c.kind, c.seed, c.message, c.replay
            )],
            None => Vec::new(),
        }
    }
}

/// Runs seeds `from..to` on a built-in provider with the default settings (warnings stay
/// warnings).
pub fn run_sim(p: &Builtin, from: u64, to: u64) -> SimReport {
    run_sim_strict(p, from, to, false)
}

/// Runs seeds `from..to` on a built-in provider; `strict` counts warnings as errors
/// (`--strict`), which is how a provider whose flaws SPEC grades "warn" (`Builtin::graded`)
/// is caught.
pub fn run_sim_strict(p: &Builtin, from: u64, to: u64, strict: bool) -> SimReport {
    let mut cfg = sim_config();
    cfg.settings.deny_warnings = strict;
    run_sim_with(p.name, p.breaks, p.factory, &SimOptions::new(cfg), from, to)
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
    run_sim_progress(name, breaks, factory, opts, from, to, None)
}

/// Like [`run_sim_with`], telling `progress` how many seeds are done after each chunk of
/// seeds. The report is the same as without progress (chunks merge in seed order: the first
/// violating seed of each rule, the first crash), except for the wall-clock figures.
pub fn run_sim_progress(
    name: &'static str,
    breaks: &'static [&'static str],
    factory: ProviderFactory,
    opts: &SimOptions,
    from: u64,
    to: u64,
    progress: Option<&mut dyn FnMut(u64)>,
) -> SimReport {
    let opts = *opts;
    let s = match progress {
        None => run_seeds(factory, &opts, from, to),
        Some(tick) => run_chunked(factory, &opts, from, to, tick),
    };
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
            line: None,
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
            RuleResult::new(
                r,
                status,
                s.checks[r as usize],
                s.warnings[r as usize],
                "sim",
            )
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

/// Runs the range in about 100 chunks, merging the summaries in seed order.
fn run_chunked(
    factory: ProviderFactory,
    opts: &SimOptions,
    from: u64,
    to: u64,
    tick: &mut dyn FnMut(u64),
) -> SimSummary {
    let start = Instant::now();
    let chunk = ((to - from) / 100).clamp(1, 1000);
    let mut total: Option<SimSummary> = None;
    let mut at = from;
    while at < to {
        let end = at.saturating_add(chunk).min(to);
        let part = run_seeds(factory, opts, at, end);
        let deadlock = matches!(part.crash, Some((Crash::Deadlock { .. }, _)));
        total = Some(match total {
            None => part,
            Some(t) => merge(t, part),
        });
        tick(end - from);
        at = end;
        if deadlock {
            // The watchdog gave up on a blocked worker; run_seeds stops there too.
            break;
        }
    }
    let mut s = total.unwrap_or_else(|| run_seeds(factory, opts, from, from));
    s.seconds = start.elapsed().as_secs_f64();
    s
}

fn merge(mut a: SimSummary, b: SimSummary) -> SimSummary {
    a.seeds += b.seeds;
    a.events += b.events;
    for (x, y) in a.checks.iter_mut().zip(&b.checks) {
        *x += y;
    }
    for (x, y) in a.warnings.iter_mut().zip(&b.warnings) {
        *x += y;
    }
    for v in b.violations {
        if !a.violations.iter().any(|w| w.rule == v.rule) {
            a.violations.push(v);
        }
    }
    if a.crash.is_none() {
        a.crash = b.crash;
    }
    a
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

/// The report of `xpcheck replay`: one seed's whole trace with its findings.
#[derive(Clone, Debug, Serialize)]
pub struct ReplayReport {
    /// pass / violated (a provider crash is `violated`).
    pub verdict: Status,
    /// `sim`.
    pub engine: &'static str,
    /// Provider name.
    pub provider: &'static str,
    /// The seed.
    pub seed: u64,
    /// Per monitored rule, for this seed.
    pub rules: Vec<RuleResult>,
    /// One per violated rule (the whole trace, the rule's findings marked).
    pub counterexamples: Vec<CounterexampleReport>,
    /// The trace.
    pub events: Vec<xpcheck_properties::event::Event>,
    /// Every finding.
    pub findings: Vec<xpcheck_properties::judge::Finding>,
    /// The crash, as the simulator reports it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crash: Option<String>,
}

impl ReplayReport {
    /// The report of one seed's run.
    pub fn new(provider: &'static str, run: &xpcheck_sim::SeedRun) -> ReplayReport {
        let replay = format!("xpcheck replay --provider {provider} --seed {}", run.seed);
        let mut counterexamples: Vec<CounterexampleReport> = Vec::new();
        for f in run.judged.errors() {
            if counterexamples.iter().any(|c| c.rule == f.rule) {
                continue;
            }
            counterexamples.push(CounterexampleReport {
                rule: f.rule,
                summary: xpcheck_properties::catalog::get(f.rule).map_or("", |r| r.summary),
                scenario: "sim",
                seed: Some(run.seed),
                line: None,
                events: run.events.clone(),
                findings: run.judged.findings.clone(),
                replay: replay.clone(),
            });
        }
        let rules = Rid::ALL
            .iter()
            .map(|&r| {
                let violated = counterexamples.iter().any(|c| c.rule == r.id());
                let warnings = run
                    .judged
                    .findings
                    .iter()
                    .filter(|f| {
                        f.rule == r.id()
                            && f.severity == xpcheck_properties::judge::Severity::Warning
                    })
                    .count() as u64;
                let checks = run.judged.checks.get(r as usize).copied().unwrap_or(0);
                RuleResult::new(
                    r,
                    Status::of(violated, true, checks),
                    checks,
                    warnings,
                    "sim",
                )
            })
            .collect();
        let crash = run.crash.as_ref().map(|c| format!("{c:?}"));
        ReplayReport {
            verdict: if counterexamples.is_empty() && crash.is_none() {
                Status::Pass
            } else {
                Status::Violated
            },
            engine: "sim",
            provider,
            seed: run.seed,
            rules,
            counterexamples,
            events: run.events.clone(),
            findings: run.judged.findings.clone(),
            crash,
        }
    }

    /// 0 pass, 1 violated or crashed.
    pub fn exit_code(&self) -> i32 {
        i32::from(self.verdict != Status::Pass)
    }

    /// The JSON document.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("reports serialise")
    }

    /// The numbered trace with every finding under its step, then the crash if any.
    pub fn render(&self) -> String {
        let mut out =
            xpcheck_properties::render::annotated(&self.events, &self.findings, |_| true, false);
        if let Some(c) = &self.crash {
            out += &format!("provider crashed: {c}\n");
        }
        out
    }
}

impl Conformance for ReplayReport {
    fn title(&self) -> String {
        format!(
            "xpcheck replay — provider {}, seed {}",
            self.provider, self.seed
        )
    }
    fn verdict(&self) -> Status {
        self.verdict
    }
    fn figures(&self) -> String {
        format!(
            "engine sim: seed {}, {} events",
            self.seed,
            self.events.len()
        )
    }
    fn rules(&self) -> &[RuleResult] {
        &self.rules
    }
    fn counterexamples(&self) -> &[CounterexampleReport] {
        &self.counterexamples
    }
    fn notes(&self) -> Vec<String> {
        self.crash
            .iter()
            .map(|c| format!("provider crashed: {c}"))
            .collect()
    }
    fn trace(
        &self,
    ) -> Option<(
        &[xpcheck_properties::event::Event],
        &[xpcheck_properties::judge::Finding],
    )> {
        Some((&self.events, &self.findings))
    }
}
