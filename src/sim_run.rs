//! `xpcheck sim` and `xpcheck replay`: seeded simulation of real provider code.

use std::time::Instant;

use xpcheck_model::{Behaviour, Config, Scenario};
use xpcheck_properties::rules::Rid;
use xpcheck_providers::Builtin;
use xpcheck_sim::api::ProviderFactory;
use xpcheck_sim::seeds::SimSummary;
use xpcheck_sim::{run_seeds, Crash, SimOptions};

use crate::report::{Counterexample, CrashReport, Report, Stats, Status, Tally};

/// The spooler configuration the simulator uses: the standard configuration (2 outbound +
/// 1 inbound, one logon, a notify thread) with flushes, SpoolerYield cancels and AbortSubmit on.
pub fn sim_config() -> Config {
    let mut c = Config::scenario(Scenario::Standard, Behaviour::Correct);
    c.flush = true;
    c.yield_cancel = true;
    c.abort_submit = true;
    c
}

/// The report of a `sim` run.
pub type SimReport = Report;

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
    factory: impl Into<ProviderFactory>,
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
    factory: impl Into<ProviderFactory>,
    opts: &SimOptions,
    from: u64,
    to: u64,
    progress: Option<&mut dyn FnMut(u64)>,
) -> SimReport {
    let replay = |seed: u64| format!("xpcheck replay --provider {name} --seed {seed}");
    run_sim_recipe(
        "sim", name, breaks, factory, opts, from, to, progress, &replay,
    )
}

/// Like [`run_sim_progress`] for any engine label (`sim`, or `native` for a provider DLL driven
/// by xpdrive.exe) and replay recipe: `recipe(seed)` is the command that replays one seed.
#[allow(clippy::too_many_arguments)]
pub fn run_sim_recipe(
    engine: &'static str,
    name: &str,
    breaks: &'static [&'static str],
    factory: impl Into<ProviderFactory>,
    opts: &SimOptions,
    from: u64,
    to: u64,
    progress: Option<&mut dyn FnMut(u64)>,
    recipe: &dyn Fn(u64) -> String,
) -> SimReport {
    let factory = factory.into();
    let opts = *opts;
    let s = match progress {
        None => run_seeds(factory, &opts, from, to),
        Some(tick) => run_chunked(&factory, &opts, from, to, tick),
    };
    let replay = recipe;
    let counterexamples: Vec<Counterexample> = s
        .violations
        .iter()
        .map(|v| Counterexample {
            seed: Some(v.run.seed),
            ..Counterexample::transport(
                v.rule.id(),
                engine,
                v.run.events.clone(),
                v.run.judged.findings.clone(),
                replay(v.run.seed),
            )
        })
        .collect();
    let crash = s.crash.as_ref().map(|(c, run)| CrashReport {
        kind: crash_kind(c),
        message: crash_message(c, &opts),
        seed: run.seed,
        events: run.events.clone(),
        replay: replay(run.seed),
    });
    let violated: Vec<Rid> = s.violations.iter().map(|v| v.rule).collect();
    let tally = Tally::from_counts(&s.checks, &s.warnings, &violated);
    let secs = s.seconds.max(1e-9);
    let stats = Stats::Seeds {
        seeds: s.seeds,
        events: s.events,
        seconds: s.seconds,
        events_per_sec: s.events as f64 / secs,
        seeds_per_sec: s.seeds as f64 / secs,
    };
    // An interrupt (SIGINT / SIGTERM) stopped the run between seeds: no rule can pass.
    let mut report = Report::new(engine, name, stats, &tally, !s.interrupted);
    if s.interrupted {
        report.notes.push(format!(
            "interrupted: {} of {} seeds ran; the rest were not (verdict incomplete)",
            s.seeds,
            to - from
        ));
    }
    // What sim cannot see, and what this provider left unreached (never a plain pass).
    report.notes.extend(s.reach.notes());
    report.breaks = breaks.to_vec();
    report.counterexamples = counterexamples;
    if let Some(c) = &crash {
        report.verdict = Status::Violated;
        report.notes.push(format!(
            "provider {} at seed {}: {} (replay: {})",
            c.kind, c.seed, c.message, c.replay
        ));
    }
    report.crash = crash;
    report
}

fn crash_kind(c: &Crash) -> &'static str {
    match c {
        Crash::Panic { .. } => "panic",
        Crash::Deadlock { .. } => "deadlock",
        Crash::Hang { .. } => "hang",
    }
}

fn crash_message(c: &Crash, opts: &SimOptions) -> String {
    match c {
        Crash::Panic { message, .. } => message.clone(),
        Crash::Deadlock { .. } => format!(
            "no progress for {} ms: the provider blocked, e.g. on its own lock re-entered by TransportNotify inside a callback (AMB-21); the remaining seeds were not run",
            opts.watchdog_ms
        ),
        Crash::Hang { method, .. } => format!(
            "{method} made more than {} harness calls without returning (AMB-6 (c))",
            opts.max_callbacks
        ),
    }
}

/// Runs the range in about 100 chunks, merging the summaries in seed order.
fn run_chunked(
    factory: &ProviderFactory,
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
        let part = run_seeds(factory.clone(), opts, at, end);
        let deadlock = matches!(part.crash, Some((Crash::Deadlock { .. }, _)));
        total = Some(match total {
            None => part,
            Some(t) => merge(t, part),
        });
        tick(end - from);
        at = end;
        if deadlock || xpcheck_model::interrupt::requested() {
            // The watchdog gave up on a blocked worker; run_seeds stops there too.
            break;
        }
    }
    let mut s = total.unwrap_or_else(|| run_seeds(factory.clone(), opts, from, from));
    s.seconds = start.elapsed().as_secs_f64();
    s.interrupted |= s.seeds < to - from && s.crash.is_none();
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
    a.interrupted |= b.interrupted;
    a.reach.add(b.reach);
    a
}

/// Parses `A..B` (B exclusive) or a single seed `A`.
pub fn parse_seeds(text: &str) -> Result<(u64, u64), String> {
    let bad = || {
        format!(
            "--seeds must be A..B with A < B (B exclusive, both 0..={}), or one seed 0..={} (got {text:?})",
            u64::MAX,
            u64::MAX - 1
        )
    };
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

/// The report of `xpcheck replay`: one seed's whole trace with its findings (engine `sim`,
/// stats `{seed, events}`, `seed`, `events` and `findings` filled).
pub fn replay_report(provider: &str, run: &xpcheck_sim::SeedRun) -> Report {
    let replay = format!("xpcheck replay --provider {provider} --seed {}", run.seed);
    replay_report_with("sim", provider, run, replay)
}

/// [`replay_report`] for any engine label and replay recipe (`replay`: the command that
/// replays this seed).
pub fn replay_report_with(
    engine: &'static str,
    provider: &str,
    run: &xpcheck_sim::SeedRun,
    replay: String,
) -> Report {
    let mut tally: Tally<Rid> = Tally::new();
    tally.add_counts(&run.judged.checks, &[]);
    tally.add_findings(&run.judged.findings);
    let mut counterexamples: Vec<Counterexample> = Vec::new();
    for f in run.judged.errors() {
        if counterexamples.iter().any(|c| c.rule == f.rule) {
            continue;
        }
        counterexamples.push(Counterexample {
            seed: Some(run.seed),
            ..Counterexample::transport(
                f.rule,
                engine,
                run.events.clone(),
                run.judged.findings.clone(),
                replay.clone(),
            )
        });
    }
    let stats = Stats::Run {
        seed: run.seed,
        events: run.events.len() as u64,
    };
    let mut report = Report::new(engine, provider, stats, &tally, true);
    report.seed = Some(run.seed);
    report.counterexamples = counterexamples;
    report.events = run.events.clone();
    report.findings = run.judged.findings.clone();
    if let Some(c) = &run.crash {
        report.verdict = Status::Violated;
        let what = match c {
            Crash::Panic { message, .. } => message.clone(),
            Crash::Deadlock { after_seq } => format!(
                "no progress after event {after_seq}: the provider blocked (a deadlock, e.g. on \
                 its own lock re-entered by TransportNotify inside a callback, AMB-21)"
            ),
            Crash::Hang { method, after_seq } => format!(
                "{method} kept calling the harness without returning (after event {after_seq}, \
                 AMB-6 (c))"
            ),
        };
        report
            .notes
            .push(format!("provider {}: {what}", crash_kind(c)));
    }
    report
}
