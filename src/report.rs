//! Run reports: per-rule verdicts, figures, counterexamples; rendered as text or JSON.
//!
//! The JSON document is the CLI's machine interface (DESIGN.md "CLI"): `verdict`, `engine`,
//! `provider`, `stats`, `rules: [{id, status, checks}]`, `counterexamples: [{rule, events, replay}]`.

use serde::Serialize;
use xpcheck_properties::event::Event;
use xpcheck_properties::judge::Finding;
use xpcheck_properties::render::annotated;

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

/// One rule's verdict.
#[derive(Clone, Debug, Serialize)]
pub struct RuleResult {
    /// Rule ID.
    pub id: &'static str,
    /// Verdict.
    pub status: Status,
    /// Checks evaluated.
    pub checks: u64,
    /// Warnings raised (AMB readings that flag without failing).
    pub warnings: u64,
}

/// Figures of one explored scenario.
#[derive(Clone, Debug, Serialize)]
pub struct ScenarioStats {
    /// Scenario name.
    pub name: &'static str,
    /// Outbound messages.
    pub outbound: u8,
    /// Inbound messages.
    pub inbound: u8,
    /// Logons.
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

/// Totals over all scenarios.
#[derive(Clone, Debug, Serialize)]
pub struct Stats {
    /// Unique states.
    pub unique: usize,
    /// States generated.
    pub states: usize,
    /// Deepest path in any scenario.
    pub depth: usize,
    /// Seconds of exploration.
    pub seconds: f64,
    /// Generated states per second.
    pub states_per_sec: f64,
}

/// A `sometimes` property: a situation the exploration must reach.
#[derive(Clone, Debug, Serialize)]
pub struct Reached {
    /// What.
    pub name: &'static str,
    /// Reached in some scenario.
    pub reached: bool,
}

/// A counterexample as reported.
#[derive(Clone, Debug, Serialize)]
pub struct CounterexampleReport {
    /// The violated rule.
    pub rule: &'static str,
    /// The rule's summary from the catalog.
    pub summary: &'static str,
    /// Scenario it was found in (`check`).
    pub scenario: &'static str,
    /// Seed that found it (`sim`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// The events of the shortest path (BFS), JSON Lines objects.
    pub events: Vec<Event>,
    /// The monitors' findings along it.
    pub findings: Vec<Finding>,
    /// A command that reproduces it.
    pub replay: String,
}

impl CounterexampleReport {
    /// A readable step list with the failing step marked.
    pub fn render(&self) -> String {
        let origin = match self.seed {
            Some(seed) => format!("seed {seed}, {} events", self.events.len()),
            None => format!(
                "scenario {}, {} events, shortest path (BFS)",
                self.scenario,
                self.events.len()
            ),
        };
        let mut out = format!(
            "counterexample for {} — {}\n  {origin}; replay: {}\n",
            self.rule, self.summary, self.replay
        );
        out += &annotated(&self.events, &self.findings, |f| f.rule == self.rule, false);
        out
    }
}

/// The report of a `check` run.
#[derive(Clone, Debug, Serialize)]
pub struct CheckReport {
    /// pass / violated / incomplete.
    pub verdict: Status,
    /// `check`.
    pub engine: &'static str,
    /// Provider behaviour name.
    pub provider: &'static str,
    /// Rules the provider is built to break (empty for a correct one).
    pub breaks: Vec<&'static str>,
    /// Totals.
    pub stats: Stats,
    /// Per scenario.
    pub scenarios: Vec<ScenarioStats>,
    /// Per monitored rule.
    pub rules: Vec<RuleResult>,
    /// Reachability properties.
    pub sometimes: Vec<Reached>,
    /// Shortest counterexamples, one per violated rule.
    pub counterexamples: Vec<CounterexampleReport>,
}

impl CheckReport {
    /// Process exit code: 0 pass, 1 violated, 3 incomplete.
    pub fn exit_code(&self) -> i32 {
        match self.verdict {
            Status::Pass => 0,
            Status::Violated => 1,
            Status::Incomplete | Status::NotExercised => 3,
        }
    }

    /// The JSON document.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("reports serialise")
    }

    /// The text report: figures, per-rule table, counterexamples.
    pub fn render(&self) -> String {
        let mut out = format!("xpcheck check — provider {}\n\n", self.provider);
        out += "scenario   out in logons      unique      states  depth  seconds  complete\n";
        for s in &self.scenarios {
            out += &format!(
                "{:<10} {:>3} {:>2} {:>6} {:>11} {:>11} {:>6} {:>8.2}  {}\n",
                s.name,
                s.outbound,
                s.inbound,
                s.logons,
                s.unique,
                s.states,
                s.depth,
                s.seconds,
                if s.complete { "yes" } else { "NO" }
            );
        }
        out += &format!(
            "total                       {:>11} {:>11} {:>6} {:>8.2}  ({:.0} states/s)\n\n",
            self.stats.unique,
            self.stats.states,
            self.stats.depth,
            self.stats.seconds,
            self.stats.states_per_sec
        );
        out += "rule     status          checks  warnings  summary\n";
        for r in &self.rules {
            let summary = xpcheck_properties::catalog::get(r.id)
                .map(|c| c.summary)
                .unwrap_or("");
            out += &format!(
                "{:<8} {:<13} {:>10} {:>9}  {}\n",
                r.id,
                r.status.word(),
                r.checks,
                r.warnings,
                summary
            );
        }
        out += "\nreachability (sometimes):\n";
        for s in &self.sometimes {
            out += &format!(
                "  {} {}\n",
                if s.reached {
                    "reached    "
                } else {
                    "NOT REACHED"
                },
                s.name
            );
        }
        for cx in &self.counterexamples {
            out.push('\n');
            out += &cx.render();
        }
        let n = |st: Status| self.rules.iter().filter(|r| r.status == st).count();
        out += &format!(
            "\nverdict: {} ({} pass, {} violated, {} not exercised, {} incomplete)\n",
            self.verdict.word().to_uppercase(),
            n(Status::Pass),
            n(Status::Violated),
            n(Status::NotExercised),
            n(Status::Incomplete)
        );
        out
    }
}
