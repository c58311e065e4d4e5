//! What a loom scenario run found: verdict, exploration figures, and the failing execution
//! rendered like every other counterexample.

use std::fmt::Write;

use xpcheck_properties::event::Event;
use xpcheck_properties::judge::{Finding, Severity};
use xpcheck_properties::render;
use xpcheck_properties::report::{Counterexample, Coverage, Report, Stats, Status, Tally};
use xpcheck_properties::rules::Rid;

use crate::sync::plan::{Planned, WaitKind};

/// The outcome of a scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoomVerdict {
    /// Every execution (within the preemption bound, every wait-fault plan) was judged and none
    /// broke a rule.
    Pass,
    /// Some execution broke a rule: see [`LoomReport::failure`].
    Violated,
    /// The iteration or time budget ran out before exploration finished: nothing is claimed.
    Incomplete,
}

/// How the failing execution failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FailureKind {
    /// A monitor found a violation in a completed execution.
    Monitor,
    /// Every thread blocked: the provider waits for something nobody will give (TN-27, or
    /// TN-19 / AMB-6 (c) when an entry point is the one stuck).
    Deadlock,
    /// A thread spun past loom's branch budget without progress (AMB-6 (c)).
    Livelock,
    /// An entry point exceeded the harness-call budget without returning (AMB-6 (b)/(c)).
    Hang,
    /// The provider panicked.
    Panic,
}

/// The budget that cut a run short.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Budget {
    /// [`LoomOptions::max_iterations`](super::LoomOptions::max_iterations) executions.
    Iterations(u64),
    /// [`LoomOptions::max_duration`](super::LoomOptions::max_duration) of wall-clock time.
    Time(std::time::Duration),
    /// SIGINT / SIGTERM asked the run to stop (`xpcheck_model::interrupt`).
    Interrupted,
}

impl Budget {
    /// Which budget ran out, and how to go deeper.
    pub fn explain(&self) -> String {
        match self {
            Budget::Iterations(n) => format!(
                "the iteration budget of {n} executions ran out; to go deeper raise it \
                 ({} or LoomOptions::max_iterations; `none` for no budget) or lower the \
                 preemption bound ({})",
                super::driver::ENV_MAX_ITERATIONS,
                super::driver::ENV_PREEMPTIONS
            ),
            Budget::Time(d) => format!(
                "the time budget of {} s ran out; to go deeper raise it ({} or \
                 LoomOptions::max_duration; `none` for no budget) or lower the preemption \
                 bound ({})",
                d.as_secs(),
                super::driver::ENV_MAX_SECONDS,
                super::driver::ENV_PREEMPTIONS
            ),
            Budget::Interrupted => {
                "an interrupt (SIGINT/SIGTERM) stopped the run; run it again to finish".into()
            }
        }
    }
}

/// The failing execution.
#[derive(Clone, Debug)]
pub struct LoomFailure {
    /// The rule it breaks (`"panic"` for a provider panic).
    pub rule: &'static str,
    /// How it failed.
    pub kind: FailureKind,
    /// What happened.
    pub message: String,
    /// The spurious wake-up or timeout that was planned in it, if any.
    pub plan: Option<Planned>,
    /// The execution's trace up to the failure.
    pub events: Vec<Event>,
    /// The monitors' findings on it.
    pub findings: Vec<Finding>,
}

/// A scenario run.
#[derive(Clone, Debug)]
pub struct LoomReport {
    /// Scenario name.
    pub scenario: &'static str,
    /// Preemption bound (`None`: unbounded).
    pub preemption_bound: Option<usize>,
    /// Executions explored, over every plan.
    pub iterations: u64,
    /// Wait-fault plans explored (1 = no facade waits happened).
    pub plans: u32,
    /// Wall-clock seconds (reported, never used in a decision about the trace).
    pub seconds: f64,
    /// The verdict.
    pub verdict: LoomVerdict,
    /// Checks per monitored rule (index = `Rid as usize`), summed over executions.
    pub checks: Vec<u64>,
    /// The failing execution, if any.
    pub failure: Option<LoomFailure>,
    /// The budget that cut the run short (verdict [`LoomVerdict::Incomplete`]).
    pub cut: Option<Budget>,
    /// What this scenario could not reach with this provider: steps no execution made, and why
    /// the spooler skipped them (a pass covers only what ran).
    pub notes: Vec<String>,
}

impl LoomReport {
    /// Rules the scenario exercised (checked at least once).
    pub fn exercised(&self) -> Vec<&'static str> {
        Rid::ALL
            .iter()
            .filter(|r| self.checks[**r as usize] > 0)
            .map(|r| r.id())
            .collect()
    }

    /// What the scenario covered of the contract.
    pub fn coverage(&self) -> Coverage {
        Coverage::of::<Rid>(&self.checks)
    }

    /// The run as the report every engine returns (engine `loom`): per-rule verdicts over the
    /// rules the scenario exercised, coverage, the failing execution as a counterexample.
    pub fn to_report(&self, provider: &str) -> Report {
        let mut tally: Tally<Rid> = Tally::new();
        tally.add_counts(&self.checks, &[]);
        if let Some(f) = &self.failure {
            tally.add_findings(&f.findings);
            if let Some(r) = Rid::from_id(f.rule) {
                tally.violate(r);
            }
        }
        let complete = self.verdict != LoomVerdict::Incomplete;
        let stats = Stats::Executions {
            iterations: self.iterations,
            seconds: self.seconds,
        };
        let mut report = Report::new("loom", provider, stats, &tally, complete);
        report.notes.push(self.summary());
        if let Some(f) = &self.failure {
            report.verdict = Status::Violated;
            report.counterexamples.push(Counterexample::transport(
                f.rule,
                "loom",
                f.events.clone(),
                f.findings.clone(),
                format!(
                    "RUSTFLAGS=\"--cfg xpcheck_loom\" cargo test --release {}",
                    self.scenario
                ),
            ));
        }
        report
    }

    /// Figures (verdict, bound, iterations, plans, seconds), then for an incomplete run the
    /// budget that cut it and how to go deeper, then what the scenario could not reach.
    pub fn summary(&self) -> String {
        let bound = self
            .preemption_bound
            .map_or("unbounded".to_string(), |b| b.to_string());
        let verdict = match (&self.verdict, &self.failure) {
            (LoomVerdict::Violated, Some(f)) => format!("violated {}", f.rule),
            (LoomVerdict::Violated, None) => "violated".into(),
            (LoomVerdict::Pass, _) => "pass".into(),
            (LoomVerdict::Incomplete, _) => "incomplete".into(),
        };
        let c = self.coverage();
        let mut out = format!(
            "loom {}: {verdict}; preemption bound {bound}, {} iterations over {} plan(s), {:.2} s; {} of {} rules checked, {} exercised",
            self.scenario, self.iterations, self.plans, self.seconds, c.checked, c.total, c.exercised
        );
        if let Some(b) = &self.cut {
            let _ = write!(out, "\n  incomplete: {}; nothing is claimed", b.explain());
        }
        for n in &self.notes {
            let _ = write!(out, "\n  not reached: {n}");
        }
        out
    }

    /// The failing execution rendered as a counterexample (deterministic: no figures).
    pub fn counterexample(&self) -> Option<String> {
        let f = self.failure.as_ref()?;
        let mut out = String::new();
        let _ = writeln!(out, "scenario {}: {} ({:?})", self.scenario, f.rule, f.kind);
        let _ = writeln!(out, "{}", f.message);
        match f.plan {
            None => {}
            Some(Planned { kind, index }) => {
                let what = match kind {
                    WaitKind::Wait => "spurious wake-up of Condvar::wait",
                    WaitKind::Timeout => "timeout of Condvar::wait_timeout",
                };
                let _ = writeln!(out, "planned: {what} #{index}");
            }
        }
        out += &render::annotated(
            &f.events,
            &f.findings,
            |x| x.severity == Severity::Error,
            true,
        );
        Some(out)
    }
}
