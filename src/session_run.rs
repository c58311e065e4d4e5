//! `xpcheck check --model session`: explore the session-model scenarios (LOGON-*, INIT-*,
//! SVC-*, NOTIF-*, STAT-9) and merge their verdicts into one report of the same shape as the transport
//! check (`verdict`, `engine`, `model`, `provider`, `stats`, `rules`, `counterexamples`).

use xpcheck_model::check::CheckOptions;
use xpcheck_model::session::check::check;
use xpcheck_model::session::{ClientBehaviour, SessionConfig, SessionScenario};
use xpcheck_properties::client::ClientRid;

use crate::report::{Counterexample, Report, ScenarioStats, Steps, Tally};

/// The report of `check --model session`.
pub type SessionReport = Report;

/// Explores the given scenarios with `behaviour`.
pub fn run_session_check(
    behaviour: ClientBehaviour,
    scenarios: &[SessionScenario],
    options: CheckOptions,
) -> Report {
    let mut tally: Tally<ClientRid> = Tally::new();
    let mut stats = Vec::new();
    let mut sometimes: Vec<(&'static str, &'static str, bool)> = Vec::new();
    let mut counterexamples = Vec::new();
    for &sc in scenarios {
        let cfg = SessionConfig::scenario(sc, behaviour);
        let o = check(&cfg, options);
        // A rule whose trigger has a `sometimes` property counts as exercised only by the
        // scenarios that reached the trigger: counts stay additive over scenarios, so the
        // shares of a partitioned run (`--partition`) merge into the whole run's counts.
        let mut checks = o.checks.clone();
        for &(rule, _, hit) in &o.sometimes {
            if let Some(r) = ClientRid::from_id(rule).filter(|_| !hit) {
                checks[r as usize] = 0;
            }
        }
        tally.add_counts(&checks, &o.warnings);
        sometimes.extend(o.sometimes.iter().map(|(r, n, hit)| (*r, *n, *hit)));
        for cx in o.counterexamples {
            if tally.violated.contains(&cx.rule) {
                continue;
            }
            tally.violate(cx.rule);
            counterexamples.push(Counterexample {
                rule: cx.rule.id(),
                summary: xpcheck_properties::catalog::get(cx.rule.id()).map_or("", |r| r.summary),
                scenario: sc.name(),
                seed: None,
                line: None,
                events: Steps::Client(cx.events),
                findings: cx.judged.findings,
                replay: format!(
                    "xpcheck check --model session --client {} --scenario {}",
                    behaviour.name(),
                    sc.name()
                ),
            });
        }
        for r in o.violated {
            tally.violate(r);
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
    let mut report = Report::explored("check", behaviour.name(), &tally, stats);
    report.model = Some("session");
    report.breaks = behaviour.breaks().to_vec();
    for (_, name, hit) in sometimes {
        report.reach(name, hit);
    }
    report.counterexamples = counterexamples;
    report
}
