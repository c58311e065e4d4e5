//! One report type for every engine (DESIGN.md "Monitors and verdicts"): `check` (the model),
//! `sim` and `replay` (real code, seeded), `explore` (real code, exhaustive), `loom`,
//! `validate` (recorded traces) and the session model. It carries the verdict, per-rule status
//! and severity, what the run covered of the 231 rules ([`Coverage`]), counterexamples with a
//! replay recipe, and the engine's figures; it renders as text, JSON, Markdown, Mermaid or a
//! text chart.
//!
//! The JSON document is the CLI's machine interface: `verdict`, `engine`, `provider`, `stats`,
//! `coverage`, `rules: [{id, force, severity, status, checks, warnings, engines}]`,
//! `counterexamples: [{rule, summary, events, findings, replay}]`. Fields are only ever added.

pub mod chart;
pub mod merge;
mod partition;
mod render;

pub use partition::{Partition, ENV_PARTITION};

use serde::Serialize;

use crate::catalog::{self, Force};
use crate::client::event::ClientEvent;
use crate::event::Event;
use crate::judge::{Finding, Severity};
use crate::rule_set::RuleId;

pub use render::{markdown, mermaid, rules_table, verdict_line};

/// Verdict of a whole run or one rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Exercised and never violated in a complete run.
    Pass,
    /// Violated somewhere (a counterexample exists).
    Violated,
    /// No event ever reached the rule: shown, never hidden.
    NotExercised,
    /// A bound cut the run short and the rule was not violated before: no verdict.
    Incomplete,
}

impl Status {
    /// A rule's verdict: violated anywhere; else no verdict if the run was cut; else pass if
    /// some check evaluated it, `not_exercised` if none did.
    pub fn of(violated: bool, complete: bool, checks: u64) -> Status {
        if violated {
            Status::Violated
        } else if !complete {
            Status::Incomplete
        } else if checks == 0 {
            Status::NotExercised
        } else {
            Status::Pass
        }
    }

    /// The word used in tables and JSON.
    pub fn word(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Violated => "violated",
            Status::NotExercised => "not_exercised",
            Status::Incomplete => "incomplete",
        }
    }
}

/// The catalog's wording of a force: `MUST`, `MUST NOT`, `SHOULD`, `SHOULD NOT`, `MAY`.
pub fn force_word(f: Force) -> &'static str {
    match f {
        Force::Must => "MUST",
        Force::MustNot => "MUST NOT",
        Force::Should => "SHOULD",
        Force::ShouldNot => "SHOULD NOT",
        Force::May => "MAY",
    }
}

/// One rule's verdict in a run.
#[derive(Clone, Debug, Serialize)]
pub struct RuleResult {
    /// Rule ID.
    pub id: &'static str,
    /// Modal force from the catalog (MUST, MUST_NOT, SHOULD, ...).
    pub force: Force,
    /// How a breach counts: `error`, `warning`, or `error; warning when ...` (SPEC's grading,
    /// [`crate::grading::severity_of`]).
    pub severity: String,
    /// Verdict.
    pub status: Status,
    /// Checks evaluated.
    pub checks: u64,
    /// Warnings raised (situations SPEC grades "warn").
    pub warnings: u64,
    /// Engines that evaluated the rule in this run; empty when no check of it ran.
    pub engines: Vec<&'static str>,
}

impl RuleResult {
    /// The rule's one-line summary from the catalog.
    pub fn summary(&self) -> &'static str {
        catalog::get(self.id).map_or("", |r| r.summary)
    }
}

/// What a run covered of the whole contract: SPEC's 231 rules, those this engine has a monitor
/// for, those some check evaluated, and the rest by ID (`xpcheck rules --unchecked` says why).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Coverage {
    /// Rules in the catalog (SPEC.md §2).
    pub total: usize,
    /// Rules this engine's monitors check.
    pub checked: usize,
    /// Of those, rules some check evaluated in this run.
    pub exercised: usize,
    /// Catalog rules this engine does not check, in catalog order.
    pub not_checked: Vec<&'static str>,
}

impl Coverage {
    /// The coverage of a run over rule set `R` given per-rule check counts.
    pub fn of<R: RuleId>(checks: &[u64]) -> Coverage {
        let all = catalog::all();
        Coverage {
            total: all.len(),
            checked: R::ALL.len(),
            exercised: R::ALL
                .iter()
                .filter(|r| checks.get(r.index()).copied().unwrap_or(0) > 0)
                .count(),
            not_checked: all
                .iter()
                .map(|r| r.id)
                .filter(|id| R::from_id(id).is_none())
                .collect(),
        }
    }
}

/// Per-rule counts of a run over rule set `R`, turned into [`RuleResult`]s and [`Coverage`].
#[derive(Clone, Debug)]
pub struct Tally<R: RuleId> {
    /// Checks per rule, by [`RuleId::index`].
    pub checks: Vec<u64>,
    /// Warnings per rule.
    pub warnings: Vec<u64>,
    /// Rules with an error.
    pub violated: Vec<R>,
}

impl<R: RuleId> Default for Tally<R> {
    fn default() -> Tally<R> {
        Tally::new()
    }
}

impl<R: RuleId> Tally<R> {
    /// Nothing counted yet.
    pub fn new() -> Tally<R> {
        Tally {
            checks: vec![0; R::ALL.len()],
            warnings: vec![0; R::ALL.len()],
            violated: Vec::new(),
        }
    }

    /// Counts from per-rule vectors (indexed by [`RuleId::index`]) and the violated rules.
    pub fn from_counts(checks: &[u64], warnings: &[u64], violated: &[R]) -> Tally<R> {
        let mut t = Tally::new();
        t.add_counts(checks, warnings);
        for &r in violated {
            t.violate(r);
        }
        t
    }

    /// Adds per-rule counts.
    pub fn add_counts(&mut self, checks: &[u64], warnings: &[u64]) {
        for (a, b) in self.checks.iter_mut().zip(checks) {
            *a += b;
        }
        for (a, b) in self.warnings.iter_mut().zip(warnings) {
            *a += b;
        }
    }

    /// Counts kept findings as warnings (errors make a rule violated).
    pub fn add_findings(&mut self, findings: &[Finding]) {
        for f in findings {
            if let Some(r) = R::from_id(f.rule) {
                match f.severity {
                    Severity::Warning => self.warnings[r.index()] += 1,
                    Severity::Error => self.violate(r),
                }
            }
        }
    }

    /// Marks a rule violated.
    pub fn violate(&mut self, r: R) {
        if !self.violated.contains(&r) {
            self.violated.push(r);
        }
    }

    /// One row per rule of the set. `complete`: no bound cut the run; `engine` is listed for
    /// rules some check evaluated.
    pub fn rules(&self, engine: &'static str, complete: bool) -> Vec<RuleResult> {
        R::ALL
            .iter()
            .map(|&r| {
                let checks = self.checks[r.index()];
                RuleResult {
                    id: r.id(),
                    force: r.rule().force,
                    severity: crate::grading::severity_of(r.id()),
                    status: Status::of(self.violated.contains(&r), complete, checks),
                    checks,
                    warnings: self.warnings[r.index()],
                    engines: if checks > 0 { vec![engine] } else { vec![] },
                }
            })
            .collect()
    }

    /// What the run covered.
    pub fn coverage(&self) -> Coverage {
        Coverage::of::<R>(&self.checks)
    }
}

/// The events of a counterexample: transport events, or client events (session model).
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum Steps {
    /// Spooler <-> provider events.
    Transport(Vec<Event>),
    /// Client-side events (MAPILogonEx, MAPIInitialize, dispatch).
    Client(Vec<ClientEvent>),
}

impl Steps {
    /// Number of events.
    pub fn len(&self) -> usize {
        match self {
            Steps::Transport(v) => v.len(),
            Steps::Client(v) => v.len(),
        }
    }

    /// No events.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The transport events, if these are.
    pub fn transport(&self) -> Option<&[Event]> {
        match self {
            Steps::Transport(v) => Some(v),
            Steps::Client(_) => None,
        }
    }
}

/// A counterexample: the events leading to a violation, the findings along them, and a
/// command that reproduces it.
#[derive(Clone, Debug, Serialize)]
pub struct Counterexample {
    /// The violated rule.
    pub rule: &'static str,
    /// The rule's summary from the catalog.
    pub summary: &'static str,
    /// Scenario it was found in (`check`, `session`), `sim`, `explore`, `loom` or `recorded`.
    pub scenario: &'static str,
    /// Seed that found it (`sim`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Line of the recorded trace where the failing event is (`validate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The events, JSON Lines objects.
    pub events: Steps,
    /// The monitors' findings along them.
    pub findings: Vec<Finding>,
    /// A command that reproduces it.
    pub replay: String,
}

impl Counterexample {
    /// A counterexample over transport events.
    pub fn transport(
        rule: &'static str,
        scenario: &'static str,
        events: Vec<Event>,
        findings: Vec<Finding>,
        replay: String,
    ) -> Counterexample {
        Counterexample {
            rule,
            summary: catalog::get(rule).map_or("", |r| r.summary),
            scenario,
            seed: None,
            line: None,
            events: Steps::Transport(events),
            findings,
            replay,
        }
    }

    /// A readable step list with the failing step marked.
    pub fn render(&self) -> String {
        let origin = match (self.seed, self.line) {
            (Some(seed), _) => format!("seed {seed}, {} events", self.events.len()),
            (None, Some(line)) => format!(
                "line {line} of the trace, the last {} events up to it",
                self.events.len()
            ),
            (None, None) => format!(
                "scenario {}, {} events, shortest path (BFS)",
                self.scenario,
                self.events.len()
            ),
        };
        let mut out = format!(
            "counterexample for {} — {}\n  {origin}; replay: {}\n",
            self.rule, self.summary, self.replay
        );
        match &self.events {
            Steps::Transport(ev) => {
                out += &crate::render::annotated(ev, &self.findings, |f| f.rule == self.rule, false)
            }
            Steps::Client(ev) => {
                out +=
                    &crate::client::render::annotated(ev, &self.findings, |f| f.rule == self.rule)
            }
        }
        out
    }

    /// The first error finding of this counterexample's rule: the failing step.
    pub fn failing(&self) -> Option<&Finding> {
        self.findings
            .iter()
            .find(|f| f.rule == self.rule && f.severity == Severity::Error)
    }

    /// The transport events up to and including the failing step (empty for client events).
    pub fn up_to_failure(&self) -> &[Event] {
        let Some(events) = self.events.transport() else {
            return &[];
        };
        match self.failing() {
            Some(f) => match events.iter().position(|e| e.seq == f.seq) {
                Some(i) => &events[..=i],
                None => events,
            },
            None => events,
        }
    }

    /// A Mermaid `sequenceDiagram` of the steps up to the failing one, with the violated rule,
    /// its catalog summary and the blame in a note at the failing step.
    pub fn mermaid(&self) -> String {
        chart::mermaid(&self.chart())
    }

    /// The same chart as plain text columns, for terminals.
    pub fn text_chart(&self) -> String {
        chart::text(&self.chart())
    }

    fn chart(&self) -> chart::Chart<'_> {
        chart::Chart {
            title: format!("counterexample for {} — {}", self.rule, self.summary),
            events: self.up_to_failure(),
            findings: &self.findings,
            rule: Some(self.rule),
            replay: Some(&self.replay),
        }
    }
}

/// Figures of one explored scenario (`check`, the session model).
#[derive(Clone, Debug, Serialize)]
pub struct ScenarioStats {
    /// Scenario name.
    pub name: &'static str,
    /// Outbound messages.
    pub outbound: u8,
    /// Inbound messages.
    pub inbound: u8,
    /// Logons (client threads in the session model).
    pub logons: u8,
    /// Unique states (after symmetry reduction).
    pub unique: usize,
    /// States generated.
    pub states: usize,
    /// Deepest path.
    pub depth: usize,
    /// Seconds.
    pub seconds: f64,
    /// Every reachable state was explored.
    pub complete: bool,
}

/// A `sometimes` property: a situation the exploration must reach.
#[derive(Clone, Debug, Serialize)]
pub struct Reached {
    /// What.
    pub name: &'static str,
    /// Reached in some scenario.
    pub reached: bool,
}

/// A provider that panicked, deadlocked or hung, as reported.
#[derive(Clone, Debug, Serialize)]
pub struct CrashReport {
    /// `panic`, `deadlock`, `hang`, or `init` (a native provider's XPProviderInit failed: it
    /// never started).
    pub kind: &'static str,
    /// What happened.
    pub message: String,
    /// The seed.
    pub seed: u64,
    /// The trace up to the crash.
    pub events: Vec<Event>,
    /// A command that reproduces it.
    pub replay: String,
}

/// An engine's figures.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum Stats {
    /// State-space exploration (`check`, `explore`, the session model).
    States {
        /// Unique states.
        unique: usize,
        /// States generated.
        states: usize,
        /// Deepest path.
        depth: usize,
        /// Seconds.
        seconds: f64,
        /// Generated states per second.
        states_per_sec: f64,
    },
    /// Seeded simulation (`sim`).
    Seeds {
        /// Seeds run.
        seeds: u64,
        /// Events recorded.
        events: u64,
        /// Seconds.
        seconds: f64,
        /// Events per second.
        events_per_sec: f64,
        /// Seeds per second.
        seeds_per_sec: f64,
    },
    /// A recorded trace (`validate`).
    Trace {
        /// Lines read.
        lines: u64,
        /// Events judged.
        events: u64,
        /// Logon indices seen.
        logons: usize,
        /// Findings (errors and warnings), all of them.
        findings: u64,
        /// Seconds.
        seconds: f64,
        /// Events per second.
        events_per_sec: f64,
    },
    /// One replayed seed (`replay`).
    Run {
        /// The seed.
        seed: u64,
        /// Events recorded.
        events: u64,
    },
    /// Loom executions (`loom`).
    Executions {
        /// Executions explored.
        iterations: u64,
        /// Seconds.
        seconds: f64,
    },
}

/// The report of any engine's run.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// pass / violated / incomplete.
    pub verdict: Status,
    /// `check`, `sim` (also for `replay`), `explore`, `loom` or `validate`.
    pub engine: &'static str,
    /// `session` for the session model (the transport model otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<&'static str>,
    /// Provider (or client behaviour) name; `recorded` for a validated trace.
    pub provider: String,
    /// Rules the provider is built to break (empty for a correct one).
    pub breaks: Vec<&'static str>,
    /// The recorded trace file (`validate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<String>,
    /// The seed (`replay`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// This report's share of a partitioned run (`K/N`, `--partition`); `xpcheck merge`
    /// combines the shares.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partition: Option<String>,
    /// Figures.
    pub stats: Stats,
    /// Per scenario (`check`, the session model).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scenarios: Vec<ScenarioStats>,
    /// What the run covered of the contract.
    pub coverage: Coverage,
    /// Per monitored rule of the engine's rule set.
    pub rules: Vec<RuleResult>,
    /// Reachability properties (`check`, the session model).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sometimes: Vec<Reached>,
    /// One per violated rule.
    pub counterexamples: Vec<Counterexample>,
    /// The first crash (`sim`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crash: Option<CrashReport>,
    /// The whole trace of a single run (`replay`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<Event>,
    /// Findings (`replay`: all; `validate`: the first ones, in trace order).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<Finding>,
    /// What the reader must know: a bound, a crash, an unfinished trace, what an engine
    /// cannot see.
    pub notes: Vec<String>,
}

impl Report {
    /// A report with `rules` and `coverage` from a tally; the verdict follows from it: violated
    /// if any rule is, else incomplete if `complete` is false, else pass.
    pub fn new<R: RuleId>(
        engine: &'static str,
        provider: impl Into<String>,
        stats: Stats,
        tally: &Tally<R>,
        complete: bool,
    ) -> Report {
        let verdict = if !tally.violated.is_empty() {
            Status::Violated
        } else if !complete {
            Status::Incomplete
        } else {
            Status::Pass
        };
        Report {
            verdict,
            engine,
            model: None,
            provider: provider.into(),
            breaks: Vec::new(),
            trace: None,
            seed: None,
            partition: None,
            stats,
            scenarios: Vec::new(),
            coverage: tally.coverage(),
            rules: tally.rules(engine, complete),
            sometimes: Vec::new(),
            counterexamples: Vec::new(),
            crash: None,
            events: Vec::new(),
            findings: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// The report of a state-space exploration over several scenarios (`check`, the session
    /// model): totals from the scenarios, complete only if every scenario was.
    pub fn explored<R: RuleId>(
        engine: &'static str,
        provider: impl Into<String>,
        tally: &Tally<R>,
        scenarios: Vec<ScenarioStats>,
    ) -> Report {
        let complete = scenarios.iter().all(|s| s.complete);
        let seconds: f64 = scenarios.iter().map(|s| s.seconds).sum();
        let states: usize = scenarios.iter().map(|s| s.states).sum();
        let stats = Stats::States {
            unique: scenarios.iter().map(|s| s.unique).sum(),
            states,
            depth: scenarios.iter().map(|s| s.depth).max().unwrap_or(0),
            seconds,
            states_per_sec: if seconds > 0.0 {
                states as f64 / seconds
            } else {
                0.0
            },
        };
        let mut r = Report::new(engine, provider, stats, tally, complete);
        if !complete {
            r.notes.push(
                "a bound (--max-states / --max-depth) cut the exploration: no rule can pass".into(),
            );
        }
        r.scenarios = scenarios;
        r
    }

    /// Records that a `sometimes` property was (or was not) reached in one more scenario.
    pub fn reach(&mut self, name: &'static str, hit: bool) {
        match self.sometimes.iter_mut().find(|r| r.name == name) {
            Some(r) => r.reached |= hit,
            None => self.sometimes.push(Reached { name, reached: hit }),
        }
    }

    /// Sets every wall-clock figure (seconds and rates) to 0, so a report can be compared or
    /// kept as a snapshot: everything else in it is deterministic.
    pub fn clear_timings(&mut self) {
        match &mut self.stats {
            Stats::States {
                seconds,
                states_per_sec,
                ..
            } => {
                *seconds = 0.0;
                *states_per_sec = 0.0;
            }
            Stats::Seeds {
                seconds,
                events_per_sec,
                seeds_per_sec,
                ..
            } => {
                *seconds = 0.0;
                *events_per_sec = 0.0;
                *seeds_per_sec = 0.0;
            }
            Stats::Trace {
                seconds,
                events_per_sec,
                ..
            } => {
                *seconds = 0.0;
                *events_per_sec = 0.0;
            }
            Stats::Run { .. } => {}
            Stats::Executions { seconds, .. } => *seconds = 0.0,
        }
        for s in &mut self.scenarios {
            s.seconds = 0.0;
        }
    }

    /// Marks this report as share `p` of a partitioned run, with a note saying what the share
    /// ran (`seeds 0..500 of 0..1000`, `scenarios standard, flush`).
    pub fn mark_share(&mut self, p: Partition, ran: impl std::fmt::Display) {
        self.partition = Some(p.to_string());
        self.notes.push(format!(
            "partition {p}: {ran}; `xpcheck merge` combines the shares"
        ));
    }

    /// Process exit code: 0 pass, 1 violated, 3 incomplete.
    pub fn exit_code(&self) -> i32 {
        match self.verdict {
            Status::Pass => 0,
            Status::Violated => 1,
            Status::Incomplete | Status::NotExercised => 3,
        }
    }

    /// The run passed: complete, nothing violated (warnings allowed).
    pub fn is_pass(&self) -> bool {
        self.verdict == Status::Pass
    }

    /// Warnings raised over all rules.
    pub fn warnings(&self) -> u64 {
        self.rules.iter().map(|r| r.warnings).sum()
    }

    /// The JSON document.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("reports serialise")
    }

    /// One-line title, e.g. `xpcheck sim — provider loopback`.
    pub fn title(&self) -> String {
        match (self.engine, self.model, &self.trace, self.seed) {
            (_, Some(m), _, _) => format!(
                "xpcheck {} --model {m} — clients {}",
                self.engine, self.provider
            ),
            (_, None, Some(t), _) => format!("xpcheck {} — recorded trace {t}", self.engine),
            (_, None, None, Some(seed)) => {
                format!("xpcheck replay — provider {}, seed {seed}", self.provider)
            }
            _ => format!("xpcheck {} — provider {}", self.engine, self.provider),
        }
    }

    /// One line of figures.
    pub fn figures(&self) -> String {
        let e = self.engine;
        match &self.stats {
            Stats::States {
                unique,
                states,
                depth,
                seconds,
                ..
            } => {
                let n = self.scenarios.len();
                let cut = self.scenarios.iter().filter(|s| !s.complete).count();
                let scen = if n > 0 {
                    format!("{n} scenario{}, ", if n == 1 { "" } else { "s" })
                } else {
                    String::new()
                };
                format!(
                    "engine {e}: {scen}{unique} unique states, {states} generated, depth {depth}, {seconds:.2} s{}",
                    if cut > 0 {
                        format!("; {cut} scenario(s) cut short by a bound")
                    } else {
                        String::new()
                    }
                )
            }
            Stats::Seeds {
                seeds,
                events,
                seconds,
                ..
            } => format!(
                "engine {e}: {seeds} seed{}, {events} events, {seconds:.2} s",
                if *seeds == 1 { "" } else { "s" }
            ),
            Stats::Trace {
                lines,
                events,
                logons,
                findings,
                seconds,
                ..
            } => format!(
                "engine {e}: {lines} lines, {events} events, {logons} logon(s), {findings} findings, {seconds:.2} s"
            ),
            Stats::Run { seed, events } => format!("engine {e}: seed {seed}, {events} events"),
            Stats::Executions {
                iterations,
                seconds,
            } => format!("engine {e}: {iterations} executions, {seconds:.2} s"),
        }
    }

    /// The text report: title and figures, the engine's scenario table, the per-rule table,
    /// reachability, counterexamples, crash, notes, and the verdict line with coverage.
    pub fn render(&self) -> String {
        render::text(self)
    }
}
