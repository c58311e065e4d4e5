//! `xpcheck check --model session`: explore the session-model scenarios (LOGON-*, INIT-*,
//! SVC-*, NOTIF-*) and merge their verdicts into one report of the same shape as the transport
//! check (`verdict`, `engine`, `model`, `provider`, `stats`, `rules`, `counterexamples`).

use serde::Serialize;
use xpcheck_model::check::CheckOptions;
use xpcheck_model::session::check::check;
use xpcheck_model::session::{ClientBehaviour, SessionConfig, SessionScenario};
use xpcheck_properties::client::event::ClientEvent;
use xpcheck_properties::client::render::annotated;
use xpcheck_properties::client::rules::UNDECIDED;
use xpcheck_properties::client::{ClientFinding, ClientRid};

use crate::report::{Reached, RuleResult, ScenarioStats, Stats, Status};

/// A counterexample of the session model.
#[derive(Clone, Debug, Serialize)]
pub struct SessionCounterexampleReport {
    /// The violated rule.
    pub rule: &'static str,
    /// The rule's summary from the catalog.
    pub summary: &'static str,
    /// Scenario it was found in.
    pub scenario: &'static str,
    /// The client events of the shortest path (BFS), JSON Lines objects.
    pub events: Vec<ClientEvent>,
    /// The client monitors' findings along it.
    pub findings: Vec<ClientFinding>,
    /// A command that reproduces it.
    pub replay: String,
}

impl SessionCounterexampleReport {
    /// A readable step list with the violated rule under its step.
    pub fn render(&self) -> String {
        let mut out = format!(
            "counterexample for {} — {}\n  scenario {}, {} events, shortest path (BFS); replay: {}\n",
            self.rule,
            self.summary,
            self.scenario,
            self.events.len(),
            self.replay
        );
        out += &annotated(&self.events, &self.findings, |f| f.rule == self.rule);
        out
    }
}

/// A client rule no client trace can decide, and why (README).
#[derive(Clone, Debug, Serialize)]
pub struct Undecided {
    /// Rule ID.
    pub id: &'static str,
    /// Why.
    pub why: &'static str,
}

/// The report of `check --model session`.
#[derive(Clone, Debug, Serialize)]
pub struct SessionReport {
    /// pass / violated / incomplete.
    pub verdict: Status,
    /// `check`.
    pub engine: &'static str,
    /// `session`.
    pub model: &'static str,
    /// The client behaviour (`correct` or a faulty one).
    pub provider: &'static str,
    /// Rules the behaviour is built to break.
    pub breaks: Vec<&'static str>,
    /// Totals.
    pub stats: Stats,
    /// Per scenario (outbound/inbound = 0, logons = client threads).
    pub scenarios: Vec<ScenarioStats>,
    /// Per monitored client rule.
    pub rules: Vec<RuleResult>,
    /// Client rules no client trace decides (SVC-7, NOTIF-6).
    pub undecided: Vec<Undecided>,
    /// Reachability properties.
    pub sometimes: Vec<Reached>,
    /// Shortest counterexamples, one per violated rule.
    pub counterexamples: Vec<SessionCounterexampleReport>,
}

/// Explores the given scenarios with `behaviour`.
pub fn run_session_check(
    behaviour: ClientBehaviour,
    scenarios: &[SessionScenario],
    options: CheckOptions,
) -> SessionReport {
    let n = ClientRid::ALL.len();
    let (mut checks, mut warnings) = (vec![0u64; n], vec![0u64; n]);
    let mut violated: Vec<ClientRid> = Vec::new();
    let mut stats = Vec::new();
    let mut sometimes: Vec<(&'static str, Reached)> = Vec::new();
    let mut counterexamples = Vec::new();
    for &sc in scenarios {
        let cfg = SessionConfig::scenario(sc, behaviour);
        let o = check(&cfg, options);
        for i in 0..n {
            checks[i] += o.checks[i];
            warnings[i] += o.warnings[i];
        }
        for (rule, name, hit) in o.sometimes {
            match sometimes.iter_mut().find(|(_, r)| r.name == name) {
                Some((_, r)) => r.reached |= hit,
                None => sometimes.push((rule, Reached { name, reached: hit })),
            }
        }
        for cx in o.counterexamples {
            if violated.contains(&cx.rule) {
                continue;
            }
            violated.push(cx.rule);
            counterexamples.push(SessionCounterexampleReport {
                rule: cx.rule.id(),
                summary: xpcheck_properties::catalog::get(cx.rule.id())
                    .map(|r| r.summary)
                    .unwrap_or(""),
                scenario: sc.name(),
                events: cx.events,
                findings: cx.judged.findings,
                replay: format!(
                    "xpcheck check --model session --client {} --scenario {}",
                    behaviour.name(),
                    sc.name()
                ),
            });
        }
        for r in o.violated {
            if !violated.contains(&r) {
                violated.push(r);
            }
        }
        stats.push(ScenarioStats {
            name: sc.name(),
            outbound: 0,
            inbound: 0,
            logons: cfg.programs.len() as u8,
            unique: o.unique,
            states: o.states,
            depth: o.depth,
            seconds: o.seconds,
            complete: o.complete,
        });
    }
    let complete = stats.iter().all(|s| s.complete);
    let rules = ClientRid::ALL
        .iter()
        .map(|&r| {
            // A rule whose trigger has a `sometimes` property passes only if it was reached.
            let unreached = sometimes
                .iter()
                .any(|(rule, s)| *rule == r.id() && !s.reached);
            let c = if unreached { 0 } else { checks[r as usize] };
            RuleResult {
                id: r.id(),
                force: xpcheck_properties::catalog::get(r.id())
                    .expect("client rules are in the catalog")
                    .force,
                status: Status::of(violated.contains(&r), complete, c),
                checks: checks[r as usize],
                warnings: warnings[r as usize],
                engines: if checks[r as usize] > 0 {
                    vec!["session"]
                } else {
                    vec![]
                },
            }
        })
        .collect();
    let verdict = if !violated.is_empty() {
        Status::Violated
    } else if !complete {
        Status::Incomplete
    } else {
        Status::Pass
    };
    let seconds: f64 = stats.iter().map(|s| s.seconds).sum();
    let states: usize = stats.iter().map(|s| s.states).sum();
    SessionReport {
        verdict,
        engine: "check",
        model: "session",
        provider: behaviour.name(),
        breaks: behaviour.breaks().to_vec(),
        stats: Stats {
            unique: stats.iter().map(|s| s.unique).sum(),
            states,
            depth: stats.iter().map(|s| s.depth).max().unwrap_or(0),
            seconds,
            states_per_sec: if seconds > 0.0 {
                states as f64 / seconds
            } else {
                0.0
            },
        },
        scenarios: stats,
        rules,
        undecided: UNDECIDED
            .iter()
            .map(|(id, why)| Undecided { id, why })
            .collect(),
        sometimes: sometimes.into_iter().map(|(_, r)| r).collect(),
        counterexamples,
    }
}

impl SessionReport {
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

    /// The text report.
    pub fn render(&self) -> String {
        let mut out = format!(
            "xpcheck check --model session — clients {}\n\n",
            self.provider
        );
        out += "scenario   threads      unique      states  depth  seconds  complete\n";
        for s in &self.scenarios {
            out += &format!(
                "{:<10} {:>7} {:>11} {:>11} {:>6} {:>8.2}  {}\n",
                s.name,
                s.logons,
                s.unique,
                s.states,
                s.depth,
                s.seconds,
                if s.complete { "yes" } else { "NO" }
            );
        }
        out += &format!(
            "total              {:>11} {:>11} {:>6} {:>8.2}  ({:.0} states/s)\n\n",
            self.stats.unique,
            self.stats.states,
            self.stats.depth,
            self.stats.seconds,
            self.stats.states_per_sec
        );
        out += "rule      status          checks  warnings  summary\n";
        for r in &self.rules {
            let summary = xpcheck_properties::catalog::get(r.id)
                .map(|c| c.summary)
                .unwrap_or("");
            out += &format!(
                "{:<9} {:<13} {:>10} {:>9}  {}\n",
                r.id,
                r.status.word(),
                r.checks,
                r.warnings,
                summary
            );
        }
        out += "\nnot decided by a client trace:\n";
        for u in &self.undecided {
            out += &format!("  {:<8} {}\n", u.id, u.why);
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
