//! `xpcheck check`: explore scenarios of the model exhaustively and merge their verdicts.

use xpcheck_model::check::{check, CheckOptions, Outcome};
use xpcheck_model::{Behaviour, Config, Scenario};
use xpcheck_properties::rules::{CheckKind, Rid};

use xpcheck_properties::report::{Counterexample, Report, ScenarioStats, Tally};

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
        if self.strict {
            cmd += " --strict";
        }
        cmd
    }
}

/// Runs every requested scenario; `progress` is told when each starts.
pub fn run_check(
    req: &CheckRequest,
    mut progress: impl FnMut(Scenario, &Config),
) -> Result<Report, String> {
    let configs = req
        .scenarios
        .iter()
        .map(|&s| req.config(s).map(|c| (s, c)))
        .collect::<Result<Vec<_>, _>>()?;
    let mut tally: Tally<Rid> = Tally::new();
    let mut scenarios = Vec::new();
    let mut sometimes: Vec<(&'static str, bool)> = Vec::new();
    let mut counterexamples = Vec::new();
    for (s, cfg) in configs {
        if xpcheck_model::interrupt::requested() {
            break; // the scenarios not started stay out of the figures; the verdict says incomplete
        }
        progress(s, &cfg);
        let o: Outcome = check(cfg, req.options);
        tally.add_counts(&o.checks, &o.warnings);
        sometimes.extend(o.sometimes.iter().map(|(n, hit)| (*n, *hit)));
        for cx in o.counterexamples {
            if tally.violated.contains(&cx.rule) {
                continue;
            }
            tally.violate(cx.rule);
            counterexamples.push(Counterexample::transport(
                cx.rule.id(),
                s.name(),
                cx.events,
                cx.judged.findings,
                req.replay_command(s),
            ));
        }
        for r in o.violated {
            debug_assert!(r.kind() == CheckKind::Monitor);
            tally.violate(r);
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
    let interrupted = xpcheck_model::interrupt::requested();
    // Scenarios an interrupt kept from starting (the loop runs them in order) are listed, not
    // complete: no rule can pass.
    for &sc in req.scenarios.iter().skip(scenarios.len()) {
        let cfg = req.config(sc)?;
        scenarios.push(ScenarioStats {
            name: sc.name(),
            outbound: cfg.outbound,
            inbound: cfg.inbound,
            logons: cfg.logons,
            unique: 0,
            states: 0,
            depth: 0,
            seconds: 0.0,
            complete: false,
        });
    }
    let mut report = Report::explored("check", req.behaviour.name(), &tally, scenarios);
    if interrupted {
        report.notes.retain(|n| !n.starts_with("a bound"));
        report.notes.push(
            "interrupted (SIGINT / SIGTERM): the exploration stopped early; no rule can pass"
                .into(),
        );
    }
    report.breaks = req.behaviour.breaks().to_vec();
    for (name, hit) in sometimes {
        report.reach(name, hit);
    }
    report.counterexamples = counterexamples;
    Ok(report)
}
