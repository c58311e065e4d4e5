//! `xpcheck rules` and `xpcheck providers`: what the harness checks and with which providers.

use serde::Serialize;
use xpcheck_model::Behaviour;
use xpcheck_properties::catalog::{self, Rule};
use xpcheck_properties::rules::{CheckKind, Rid};

/// One catalog row with the engines that check it, or why none does.
#[derive(Serialize)]
pub struct RuleRow {
    /// The catalog entry: id, force, bearer, origin, terms, summary.
    #[serde(flatten)]
    pub rule: &'static Rule,
    /// How a breach counts: `error`, `warning`, or `error; warning when ...` (SPEC's grading).
    pub severity: String,
    /// Engines that decide it: `check` (the stateright model), `sim` (seeded simulation of
    /// real provider code), `explore` (exhaustive exploration of real code), `loom` (real
    /// threads, every interleaving of the loom scenarios) and `validate` (recorded traces) all
    /// run the same monitors; `session` is the client-side model.
    pub engines: Vec<&'static str>,
    /// `monitor` or `coverage` when checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<CheckKind>,
    /// Why no engine checks it (a definition, a permission or informative text, or not
    /// observable at the provider boundary), for rows without engines.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unchecked: Option<&'static str>,
}

/// The engines that run the transport monitors, in the order listed.
pub const ENGINES: [&str; 5] = ["check", "sim", "explore", "loom", "validate"];

/// Every rule of the catalog.
pub fn rule_rows() -> Vec<RuleRow> {
    catalog::all()
        .iter()
        .map(|rule| {
            let rid = Rid::from_id(rule.id);
            let engines = if rid.is_some() {
                ENGINES.to_vec()
            } else if xpcheck_properties::client::ClientRid::from_id(rule.id).is_some() {
                // the session model (`check --model session`) and `xpcheck logon`
                vec!["session"]
            } else {
                vec![]
            };
            RuleRow {
                rule,
                severity: xpcheck_properties::grading::severity_of(rule.id),
                unchecked: if engines.is_empty() {
                    Some(catalog::unchecked_reason(rule.id).unwrap_or(
                        "not yet decided: no monitor and no recorded reason (a gap to close)",
                    ))
                } else {
                    None
                },
                engines,
                kind: rid.map(|r| r.kind()),
            }
        })
        .collect()
}

/// The rule table as text; with `unchecked_only`, only the rules no engine checks, with why.
pub fn rules_text(unchecked_only: bool) -> String {
    let rows = rule_rows();
    let checked = rows.iter().filter(|r| !r.engines.is_empty()).count();
    let mut out = format!(
        "{} rules, {} checked (engines check, sim, explore, loom, validate; session for client rules), {} not checked\n\n",
        rows.len(),
        checked,
        rows.len() - checked
    );
    if unchecked_only {
        out += "id         force      bearer    why it is not checked\n";
        for r in rows.iter().filter(|r| r.engines.is_empty()) {
            out += &format!(
                "{:<10} {:<10} {:<9} {}\n",
                r.rule.id,
                format!("{:?}", r.rule.force),
                format!("{:?}", r.rule.bearer).to_lowercase(),
                r.unchecked.unwrap_or("")
            );
        }
        return out;
    }
    out += "id         force      bearer    severity  engines                        summary\n";
    for r in &rows {
        let severity = match r.severity.as_str() {
            "error" => "error",
            "warning" => "warning",
            _ => "err/warn",
        };
        out += &format!(
            "{:<10} {:<10} {:<9} {:<9} {:<30} {}\n",
            r.rule.id,
            format!("{:?}", r.rule.force),
            format!("{:?}", r.rule.bearer).to_lowercase(),
            severity,
            if r.engines.is_empty() {
                "- (xpcheck rules --unchecked)".to_string()
            } else {
                r.engines.join(",")
            },
            r.rule.summary
        );
    }
    out += "\nwarnings (situations SPEC grades \"warn\"; --strict makes them errors):\n";
    for g in xpcheck_properties::grading::Graded::ALL {
        out += &format!(
            "  {:<13} {} ({})\n",
            g.rules().join(", "),
            g.situation(),
            g.source()
        );
    }
    out
}

/// The situations SPEC grades "warn", as the Markdown table the README shows (a test keeps the
/// README equal to it): rules, situation, and the AMB note or §5 cell that grades it.
pub fn warnings_markdown() -> String {
    let mut out = String::from("| rules | situation | graded by |\n|---|---|---|\n");
    for g in xpcheck_properties::grading::Graded::ALL {
        out += &format!(
            "| {} | {} | {} |\n",
            g.rules().join(", "),
            g.situation(),
            g.source().replace('"', "")
        );
    }
    out
}

/// One built-in provider.
#[derive(Serialize)]
pub struct ProviderRow {
    /// Name for `--provider`.
    pub name: &'static str,
    /// Engines that can run it.
    pub engines: Vec<&'static str>,
    /// Rules it is built to break.
    pub breaks: Vec<&'static str>,
    /// What it does.
    pub about: &'static str,
}

/// Every built-in provider.
pub fn provider_rows() -> Vec<ProviderRow> {
    let model = Behaviour::ALL.iter().map(|b| ProviderRow {
        name: b.name(),
        engines: vec!["check"],
        breaks: b.breaks().to_vec(),
        about: b.about(),
    });
    let sim = xpcheck_providers::all().into_iter().map(|p| ProviderRow {
        name: p.name,
        engines: p.engines.to_vec(),
        breaks: p.breaks.to_vec(),
        about: p.about,
    });
    model.chain(sim).collect()
}

/// The provider table as text.
pub fn providers_text() -> String {
    let mut out = String::from(
        "name                             engines  breaks                          about\n",
    );
    for p in provider_rows() {
        let breaks = if p.breaks.is_empty() {
            "-".to_string()
        } else {
            p.breaks.join(",")
        };
        out += &format!(
            "{:<32} {:<8} {:<31} {}\n",
            p.name,
            p.engines.join(","),
            breaks,
            p.about
        );
    }
    out
}
