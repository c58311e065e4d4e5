//! `xpcheck check`: explore scenarios of the model exhaustively and merge their verdicts.

use xpcheck_model::check::{check, CheckOptions, Outcome};
use xpcheck_model::{Behaviour, Config, Scenario};
use xpcheck_properties::rules::{CheckKind, Rid};

use crate::report::{
    CheckReport, CounterexampleReport, Reached, RuleResult, ScenarioStats, Stats, Status,
};

/// What to check.
#[derive(Clone, Debug)]
pub struct CheckRequest {
    /// Provider behaviour.
    pub behaviour: Behaviour,
    /// Scenarios to explore (all by default).
    pub scenarios: Vec<Scenario>,
    /// Override outbound messages.
    pub outbound: Option<u8>,
    /// Override inbound messages.
    pub inbound: Option<u8>,
    /// Override logons.
    pub logons: Option<u8>,
    /// Lenient AMB readings instead of strict.
    pub lenient: bool,
    /// `--strict`: warnings count as errors.
    pub strict: bool,
    /// Exploration options.
    pub options: CheckOptions,
}

impl CheckRequest {
    /// Every scenario, default options.
    pub fn new(behaviour: Behaviour) -> CheckRequest {
        CheckRequest {
            behaviour,
            scenarios: Scenario::ALL.to_vec(),
            outbound: None,
            inbound: None,
            logons: None,
            lenient: false,
            strict: false,
            options: CheckOptions::default(),
        }
    }

    /// The configuration of one scenario with the overrides applied.
    pub fn config(&self, s: Scenario) -> Result<Config, String> {
        let mut c = Config::scenario(s, self.behaviour);
        if let Some(n) = self.outbound {
            c.outbound = n;
        }
        if let Some(n) = self.inbound {
            c.inbound = n;
        }
        if let Some(n) = self.logons {
            c.logons = n;
        }
        c.settings.lenient = self.lenient;
        c.settings.deny_warnings = self.strict;
        c.validate()?;
        Ok(c)
    }

    fn replay_command(&self, s: Scenario) -> String {
        let mut cmd = format!(
            "xpcheck check --provider {} --scenario {}",
            self.behaviour.name(),
            s.name()
        );
        for (flag, v) in [
            ("--outbound", self.outbound),
            ("--inbound", self.inbound),
            ("--logons", self.logons),
        ] {
            if let Some(v) = v {
                cmd += &format!(" {flag} {v}");
            }
        }
        if self.lenient {
            cmd += " --lenient";
        }
        cmd
    }
}

/// Runs every requested scenario; `progress` is told when each starts.
pub fn run_check(
    req: &CheckRequest,
    mut progress: impl FnMut(Scenario, &Config),
) -> Result<CheckReport, String> {
    let configs = req
        .scenarios
        .iter()
        .map(|&s| req.config(s).map(|c| (s, c)))
        .collect::<Result<Vec<_>, _>>()?;
    let n = Rid::ALL.len();
    let (mut checks, mut warnings) = (vec![0u64; n], vec![0u64; n]);
    let mut violated: Vec<Rid> = Vec::new();
    let mut scenarios = Vec::new();
    let mut sometimes: Vec<Reached> = Vec::new();
    let mut counterexamples = Vec::new();
    for (s, cfg) in configs {
        progress(s, &cfg);
        let o: Outcome = check(cfg, req.options);
        for i in 0..n {
            checks[i] += o.checks[i];
            warnings[i] += o.warnings[i];
        }
        for (name, hit) in &o.sometimes {
            match sometimes.iter_mut().find(|r| r.name == *name) {
                Some(r) => r.reached |= hit,
                None => sometimes.push(Reached {
                    name,
                    reached: *hit,
                }),
            }
        }
        for cx in o.counterexamples {
            if violated.contains(&cx.rule) {
                continue;
            }
            violated.push(cx.rule);
            counterexamples.push(CounterexampleReport {
                rule: cx.rule.id(),
                summary: xpcheck_properties::catalog::get(cx.rule.id())
                    .map(|r| r.summary)
                    .unwrap_or(""),
                scenario: s.name(),
                seed: None,
                line: None,
                events: cx.events,
                findings: cx.judged.findings,
                replay: req.replay_command(s),
            });
        }
        for r in o.violated {
            if !violated.contains(&r) {
                violated.push(r);
            }
        }
        scenarios.push(ScenarioStats {
            name: s.name(),
            outbound: cfg.outbound,
            inbound: cfg.inbound,
            logons: cfg.logons,
            unique: o.unique,
            states: o.states,
            depth: o.depth,
            seconds: o.seconds,
            complete: o.complete,
        });
    }
    let complete = scenarios.iter().all(|s| s.complete);
    let rules = Rid::ALL
        .iter()
        .map(|&r| {
            let status = Status::of(violated.contains(&r), complete, checks[r as usize]);
            debug_assert!(status != Status::Violated || r.kind() == CheckKind::Monitor);
            RuleResult::new(r, status, checks[r as usize], warnings[r as usize], "check")
        })
        .collect();
    let verdict = if !violated.is_empty() {
        Status::Violated
    } else if !complete {
        Status::Incomplete
    } else {
        Status::Pass
    };
    let seconds: f64 = scenarios.iter().map(|s| s.seconds).sum();
    let states: usize = scenarios.iter().map(|s| s.states).sum();
    let stats = Stats {
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
    Ok(CheckReport {
        verdict,
        engine: "check",
        provider: req.behaviour.name(),
        breaks: req.behaviour.breaks().to_vec(),
        stats,
        scenarios,
        rules,
        sometimes,
        counterexamples,
    })
}
