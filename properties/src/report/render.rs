//! The renderings of a [`Report`]: text, Markdown for CI job summaries, Mermaid.

use super::{chart, force_word, Report, RuleResult, Stats, Status};
use crate::catalog::{self, Force};

/// The per-rule table as text: id, force, severity, status, checks, warnings, engines, summary.
pub fn rules_table(rules: &[RuleResult]) -> String {
    let mut out = String::from(
        "rule      force       severity  status          checks  warnings  engines   summary\n",
    );
    for r in rules {
        out += &format!(
            "{:<9} {:<11} {:<9} {:<13} {:>10} {:>9}  {:<9} {}\n",
            r.id,
            force_word(r.force),
            severity_word(&r.severity),
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

/// `error`, `warning`, or `err/warn` for a rule graded "warn" in some situations only.
fn severity_word(s: &str) -> &'static str {
    if s == "error" {
        "error"
    } else if s == "warning" {
        "warning"
    } else {
        "err/warn"
    }
}

/// The closing verdict line: the verdict, errors and warnings, and what the run covered, e.g.
/// `PASS: 0 violated, 3 warnings; 187 of 231 rules checked, 150 exercised (xpcheck rules --unchecked)`.
pub fn verdict_line(r: &Report) -> String {
    let n = |st: Status| r.rules.iter().filter(|x| x.status == st).count();
    let c = &r.coverage;
    let mut line = format!(
        "{}: {} violated, {} warning{}; {} of {} rules checked, {} exercised",
        r.verdict.word().to_uppercase(),
        n(Status::Violated),
        r.warnings(),
        if r.warnings() == 1 { "" } else { "s" },
        c.checked,
        c.total,
        c.exercised
    );
    if n(Status::Incomplete) > 0 {
        line += &format!(
            ", {} without a verdict (run cut short)",
            n(Status::Incomplete)
        );
    }
    line += " (xpcheck rules --unchecked)\n";
    line
}

/// The text report.
pub(super) fn text(r: &Report) -> String {
    let mut out = format!("{}\n{}\n\n", r.title(), r.figures());
    if !r.events.is_empty() {
        // A replayed seed: the numbered trace with every finding under its step (the rule
        // table is in `--format json` / `md`).
        out += &crate::render::annotated(&r.events, &r.findings, |_| true, false);
        for n in &r.notes {
            out += &format!("note: {n}\n");
        }
        out.push('\n');
        out += &verdict_line(r);
        return out;
    }
    if !r.scenarios.is_empty() {
        let session = r.model.is_some();
        out += if session {
            "scenario    threads      unique      states  depth  seconds  complete\n"
        } else {
            "scenario    out in logons      unique      states  depth  seconds  complete\n"
        };
        for s in &r.scenarios {
            let shape = if session {
                format!("{:>7}", s.logons)
            } else {
                format!("{:>3} {:>2} {:>6}", s.outbound, s.inbound, s.logons)
            };
            out += &format!(
                "{:<11} {shape} {:>11} {:>11} {:>6} {:>8.2}  {}\n",
                s.name,
                s.unique,
                s.states,
                s.depth,
                s.seconds,
                if s.complete { "yes" } else { "NO" }
            );
        }
        if let Stats::States {
            unique,
            states,
            depth,
            seconds,
            states_per_sec,
        } = r.stats
        {
            let pad = if session { 19 } else { 25 };
            out += &format!(
                "{:<pad$} {unique:>11} {states:>11} {depth:>6} {seconds:>8.2}  ({states_per_sec:.0} states/s)\n",
                "total"
            );
        }
        out.push('\n');
    }
    out += &rules_table(&r.rules);
    if !r.sometimes.is_empty() {
        out += "\nreachability (sometimes):\n";
        for s in &r.sometimes {
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
    }
    for cx in &r.counterexamples {
        out.push('\n');
        out += &cx.render();
    }
    if let Some(c) = &r.crash {
        out += &format!(
            "\nprovider {} at seed {}: {}\n  replay: {}\n",
            c.kind, c.seed, c.message, c.replay
        );
    }
    if !r.notes.is_empty() {
        out.push('\n');
        for n in &r.notes {
            out += &format!("note: {n}\n");
        }
    }
    out.push('\n');
    out += &verdict_line(r);
    out
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

/// The report as GitHub-flavoured Markdown for CI job summaries: verdict, figures, coverage,
/// the rule table, and every counterexample as a step list and a Mermaid chart.
pub fn markdown(r: &Report) -> String {
    let mut out = format!(
        "## {}: **{}**\n\n{}\n\n{}\n",
        md_cell(&r.title()),
        r.verdict.word().to_uppercase(),
        md_cell(&r.figures()),
        md_cell(verdict_line(r).trim_end())
    );
    if !r.coverage.not_checked.is_empty() {
        out += &format!(
            "<details><summary>{} rules this engine does not check</summary>\n\n{}\n\n</details>\n",
            r.coverage.not_checked.len(),
            r.coverage.not_checked.join(", ")
        );
    }
    out.push('\n');
    for note in &r.notes {
        out += &format!("> {}\n\n", md_cell(note));
    }
    out += "| rule | force | severity | status | checks | warnings | engines | summary |\n";
    out += "|---|---|---|---|---:|---:|---|---|\n";
    for x in &r.rules {
        out += &format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            x.id,
            force_word(x.force),
            md_cell(&x.severity),
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
    for cx in &r.counterexamples {
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
        if cx.events.transport().is_some() {
            out += "```mermaid\n";
            out += &cx.mermaid();
            out += "```\n\n";
        }
        out += "<details><summary>step list</summary>\n\n```text\n";
        out += &cx.render();
        out += "```\n\n</details>\n";
    }
    out
}

/// Mermaid output of a run: the chart of its first counterexample (the first violated rule
/// found); a replay without one charts its whole trace; otherwise a one-note diagram with the
/// verdict. `--format md` embeds every counterexample's chart.
pub fn mermaid(r: &Report) -> String {
    match r.counterexamples.first() {
        Some(cx) if cx.events.transport().is_some() => cx.mermaid(),
        _ if !r.events.is_empty() => chart::mermaid(&chart::Chart {
            title: format!("{}: {}", r.title(), r.verdict.word().to_uppercase()),
            events: &r.events,
            findings: &r.findings,
            rule: None,
            replay: None,
        }),
        _ => {
            let mut note = format!("{}: {}", r.title(), r.verdict.word().to_uppercase());
            for n in &r.notes {
                note += &format!(" — {n}");
            }
            format!(
                "sequenceDiagram\n    participant S as Spooler main thread\n    participant P as Provider\n    Note over S,P: {}, no counterexample\n",
                chart::escape(&note)
            )
        }
    }
}
