//! Run reports: per-rule verdicts, figures, counterexamples; rendered as text, JSON, Markdown
//! (CI summaries) or Mermaid sequence diagrams.
//!
//! The JSON document is the CLI's machine interface (DESIGN.md "CLI"): `verdict`, `engine`,
//! `provider`, `stats`, `rules: [{id, force, status, checks, warnings, engines}]`,
//! `counterexamples: [{rule, summary, events, findings, replay}]`. Fields are only ever added.
//!
//! Every run report ([`CheckReport`], [`crate::sim_run::SimReport`],
//! [`crate::validate::ValidateReport`]) implements [`Conformance`], which gives the shared
//! renderings: the rule table ([`rules_table`]), [`markdown`] and [`mermaid`].

use serde::Serialize;
use xpcheck_properties::catalog::{self, Force};
use xpcheck_properties::event::Event;
use xpcheck_properties::judge::{Finding, Severity};
use xpcheck_properties::render::annotated;
use xpcheck_properties::rules::Rid;

use crate::chart;

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
    /// Modal force from the catalog (MUST, MUST_NOT, SHOULD, ...).
    pub force: Force,
    /// Verdict.
    pub status: Status,
    /// Checks evaluated.
    pub checks: u64,
    /// Warnings raised (AMB readings that flag without failing).
    pub warnings: u64,
    /// Engines that evaluated the rule in this run (`check`, `sim`, `validate`); empty when no
    /// check of it ran.
    pub engines: Vec<&'static str>,
}

impl RuleResult {
    /// A rule's row for a run of `engine`: force from the catalog, `engines` = `[engine]` when
    /// some check of the rule was evaluated.
    pub fn new(
        rule: Rid,
        status: Status,
        checks: u64,
        warnings: u64,
        engine: &'static str,
    ) -> Self {
        RuleResult {
            id: rule.id(),
            force: catalog::get(rule.id()).map_or(Force::Must, |r| r.force),
            status,
            checks,
            warnings,
            engines: if checks > 0 { vec![engine] } else { vec![] },
        }
    }

    /// The rule's one-line summary from the catalog.
    pub fn summary(&self) -> &'static str {
        catalog::get(self.id).map_or("", |r| r.summary)
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
    /// Line of the recorded trace where the failing event is (`validate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
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
        out += &annotated(&self.events, &self.findings, |f| f.rule == self.rule, false);
        out
    }

    /// The first error finding of this counterexample's rule: the failing step.
    pub fn failing(&self) -> Option<&Finding> {
        self.findings
            .iter()
            .find(|f| f.rule == self.rule && f.severity == Severity::Error)
    }

    /// The events up to and including the failing step.
    pub fn up_to_failure(&self) -> &[Event] {
        match self.failing() {
            Some(f) => match self.events.iter().position(|e| e.seq == f.seq) {
                Some(i) => &self.events[..=i],
                None => &self.events,
            },
            None => &self.events,
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

/// What every run report offers to the shared renderings (text table, Markdown, Mermaid).
pub trait Conformance {
    /// One-line title, e.g. `xpcheck sim — provider loopback`.
    fn title(&self) -> String;
    /// The run's verdict.
    fn verdict(&self) -> Status;
    /// One line of figures (states, seeds, events, seconds).
    fn figures(&self) -> String;
    /// Per-rule verdicts.
    fn rules(&self) -> &[RuleResult];
    /// Counterexamples, one per violated rule.
    fn counterexamples(&self) -> &[CounterexampleReport];
    /// Anything else the reader must know (a crash, an unfinished trace).
    fn notes(&self) -> Vec<String> {
        Vec::new()
    }
    /// The whole trace of a single run (`replay`), charted when there is no counterexample.
    fn trace(&self) -> Option<(&[Event], &[Finding])> {
        None
    }
}

/// The per-rule table as text: id, force, status, checks, warnings, engines, summary.
pub fn rules_table(rules: &[RuleResult]) -> String {
    let mut out =
        String::from("rule     force       status          checks  warnings  engines   summary\n");
    for r in rules {
        out += &format!(
            "{:<8} {:<11} {:<13} {:>10} {:>9}  {:<9} {}\n",
            r.id,
            force_word(r.force),
            r.status.word(),
            r.checks,
            r.warnings,
            if r.engines.is_empty() {
                "-".to_string()
            } else {
                r.engines.join(",")
            },
            r.summary()
        );
    }
    out
}

/// The closing verdict line with counts per status.
pub fn verdict_line(verdict: Status, rules: &[RuleResult]) -> String {
    let n = |st: Status| rules.iter().filter(|r| r.status == st).count();
    format!(
        "verdict: {} ({} pass, {} violated, {} not exercised, {} incomplete)\n",
        verdict.word().to_uppercase(),
        n(Status::Pass),
        n(Status::Violated),
        n(Status::NotExercised),
        n(Status::Incomplete)
    )
}

fn status_md(s: Status) -> &'static str {
    match s {
        Status::Pass => "✅ pass",
        Status::Violated => "❌ violated",
        Status::NotExercised => "⚪ not_exercised",
        Status::Incomplete => "⏸ incomplete",
    }
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The report as GitHub-flavoured Markdown for CI job summaries: verdict, figures, the rule
/// table, and every counterexample as a step list and a Mermaid chart.
pub fn markdown(r: &dyn Conformance) -> String {
    let rules = r.rules();
    let n = |st: Status| rules.iter().filter(|x| x.status == st).count();
    let mut out = format!(
        "## {}: **{}**\n\n{}\n\n{} pass · {} violated · {} not exercised · {} incomplete\n\n",
        md_cell(&r.title()),
        r.verdict().word().to_uppercase(),
        md_cell(&r.figures()),
        n(Status::Pass),
        n(Status::Violated),
        n(Status::NotExercised),
        n(Status::Incomplete)
    );
    for note in r.notes() {
        out += &format!("> {}\n\n", md_cell(&note));
    }
    out += "| rule | force | status | checks | warnings | engines | summary |\n";
    out += "|---|---|---|---:|---:|---|---|\n";
    for x in rules {
        out += &format!(
            "| {} | {} | {} | {} | {} | {} | {} |\n",
            x.id,
            force_word(x.force),
            status_md(x.status),
            x.checks,
            x.warnings,
            if x.engines.is_empty() {
                "-".to_string()
            } else {
                x.engines.join(", ")
            },
            md_cell(x.summary())
        );
    }
    for cx in r.counterexamples() {
        out += &format!(
            "\n### Counterexample for {} ({})\n\n{}\n\nReplay: `{}`\n\n",
            cx.rule,
            force_word(catalog::get(cx.rule).map_or(Force::Must, |c| c.force)),
            md_cell(cx.summary),
            cx.replay
        );
        if let Some(f) = cx.failing() {
            out += &format!(
                "Blame: **{}** — {}\n\n",
                chart::blame_word(f.blame),
                md_cell(&f.message)
            );
        }
        out += "```mermaid\n";
        out += &cx.mermaid();
        out += "```\n\n<details><summary>step list</summary>\n\n```text\n";
        out += &cx.render();
        out += "```\n\n</details>\n";
    }
    out
}

/// Mermaid output of a run: the chart of its first counterexample (the first violated rule
/// found); a run without one prints a one-note diagram with the verdict. `--format md` embeds
/// every counterexample's chart.
pub fn mermaid(r: &dyn Conformance) -> String {
    match (r.counterexamples().first(), r.trace()) {
        (Some(cx), _) => cx.mermaid(),
        (None, Some((events, findings))) => chart::mermaid(&chart::Chart {
            title: format!("{}: {}", r.title(), r.verdict().word().to_uppercase()),
            events,
            findings,
            rule: None,
            replay: None,
        }),
        (None, None) => {
            let mut note = format!("{}: {}", r.title(), r.verdict().word().to_uppercase());
            for n in r.notes() {
                note += &format!(" — {n}");
            }
            format!(
                "sequenceDiagram\n    participant S as Spooler main thread\n    participant P as Provider\n    Note over S,P: {}, no counterexample\n",
                chart::escape(&note)
            )
        }
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
        out += &rules_table(&self.rules);
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
        out.push('\n');
        out += &verdict_line(self.verdict, &self.rules);
        out
    }
}

impl Conformance for CheckReport {
    fn title(&self) -> String {
        format!("xpcheck check — provider {}", self.provider)
    }
    fn verdict(&self) -> Status {
        self.verdict
    }
    fn figures(&self) -> String {
        let cut = self.scenarios.iter().filter(|s| !s.complete).count();
        format!(
            "engine check: {} scenario{}, {} unique states, {} generated, depth {}, {:.2} s{}",
            self.scenarios.len(),
            if self.scenarios.len() == 1 { "" } else { "s" },
            self.stats.unique,
            self.stats.states,
            self.stats.depth,
            self.stats.seconds,
            if cut > 0 {
                format!("; {cut} scenario(s) cut short by a bound")
            } else {
                String::new()
            }
        )
    }
    fn rules(&self) -> &[RuleResult] {
        &self.rules
    }
    fn counterexamples(&self) -> &[CounterexampleReport] {
        &self.counterexamples
    }
    fn notes(&self) -> Vec<String> {
        if self.verdict == Status::Incomplete {
            vec![
                "a bound (--max-states / --max-depth) cut the exploration: no rule can pass".into(),
            ]
        } else {
            Vec::new()
        }
    }
}
