//! The provider author's own command line: one line in an `examples/` or `[[bin]]` target of
//! the provider's crate gives `sim`, `replay --seed`, `exhaustive` (every reachable state of the
//! real code) and `loom` for that provider, with every report format of the built-in CLI.
//! Feature `cli` (on by default).
//!
//! ```no_run
//! # use std::sync::Arc;
//! # use xpcheck::prelude::*;
//! # fn mine(_: Wire) -> Arc<dyn TransportProvider> { unimplemented!() }
//! // examples/xpcheck.rs in the provider's crate:
//! fn main() -> std::process::ExitCode {
//!     xpcheck::cli::main_for(xpcheck::cli::Provider::new("mine", mine))
//! }
//! ```
//!
//! ```text
//! cargo run --release --example xpcheck -- sim --seeds 0..10000 [--format md] [--strict]
//! cargo run --release --example xpcheck -- replay --seed 17 [--trace-out trace.jsonl]
//! cargo run --release --example xpcheck -- exhaustive       # with Provider::exhaustive(logon)
//! RUSTFLAGS="--cfg xpcheck_loom" cargo run --release --example xpcheck -- loom [--scenario S]
//! ```
//!
//! Every replay hint it prints is that same command line with `replay --seed N`
//! ([`crate::replay::program_invocation`]), so it runs as printed. Exit codes as `xpcheck`'s: 0
//! conformant, 1 violation, 2 bad usage, 3 incomplete.

use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand, ValueEnum};
use xpcheck_properties::vocab::{HResult, LogonFlags};
use xpcheck_sim::api::{ProviderFactory, Support, Wire};
use xpcheck_sim::explore::{ExplorableLogon, ExploreReport};
use xpcheck_sim::SimOptions;

use crate::replay::program_invocation;
use crate::report::{self, Partition, Report};
use crate::sim_run::{parse_seeds, replay_report, run_sim_with, sim_config};

/// The provider the command line runs.
#[derive(Clone)]
pub struct Provider {
    name: &'static str,
    factory: ProviderFactory,
    exhaustive: Option<Arc<dyn Fn() -> ExploreReport + Send + Sync>>,
}

impl Provider {
    /// The provider `factory` builds, reported as `name`.
    pub fn new(name: &'static str, factory: impl Into<ProviderFactory>) -> Provider {
        Provider {
            name,
            factory: factory.into(),
            exhaustive: None,
        }
    }

    /// Enables `exhaustive`: `logon` is the provider's TransportLogon for a logon object whose
    /// state can be saved and restored ([`ExplorableLogon`]).
    pub fn exhaustive<L: ExplorableLogon>(
        mut self,
        logon: impl Fn(Support, Wire, &mut LogonFlags) -> Result<L, HResult> + Send + Sync + 'static,
    ) -> Provider {
        let logon = Arc::new(logon);
        self.exhaustive = Some(Arc::new(move || {
            let logon = logon.clone();
            crate::conformance::exhaustive(move |s, w, f: &mut LogonFlags| logon(s, w, f))
        }));
        self
    }
}

/// How a report is printed on stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Per-rule table, counterexamples as step lists (default).
    Text,
    /// One JSON document.
    Json,
    /// GitHub-flavoured Markdown for CI job summaries (rule table, Mermaid charts).
    Md,
    /// Mermaid `sequenceDiagram` of the first counterexample.
    Mermaid,
    /// Plain-text sequence chart of every counterexample, for terminals.
    Chart,
}

/// `--format` with `--json` as an alias for `--format json`, and `--strict`: the output options
/// of every command that prints a run report (`xpcheck` and an author's [`main_for`]).
#[derive(Args, Clone, Copy, Debug)]
pub struct Output {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Same as `--format json`.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// Count warnings (situations SPEC grades "warn", see `xpcheck rules`) as errors: exit 1,
    /// like `-D warnings`.
    #[arg(long)]
    pub strict: bool,
}

impl Output {
    /// The chosen format (`--json` is `--format json`).
    pub fn format(self) -> Format {
        if self.json {
            Format::Json
        } else {
            self.format
        }
    }
}

#[derive(Parser)]
#[command(
    about = "xpcheck on this provider: seeded simulation, replay, exhaustive exploration of the real code, loom"
)]
struct AuthorCli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Seeded simulation of the provider's real code (engine `sim`).
    Sim {
        /// Seeds: `A..B` (B exclusive) or one seed.
        #[arg(long, default_value = "0..1000")]
        seeds: String,
        /// Run only share K of N of the seeds (`K/N` or `count:K/N`); `xpcheck merge`
        /// combines the N JSON reports.
        #[arg(long, value_parser = |s: &str| s.parse::<Partition>())]
        partition: Option<Partition>,
        #[command(flatten)]
        output: Output,
    },
    /// Re-run one seed of `sim` and print its whole trace.
    Replay {
        /// The seed.
        #[arg(long)]
        seed: u64,
        /// Also write the trace as JSON Lines ("v": 1) to this file (`xpcheck validate` reads it).
        #[arg(long)]
        trace_out: Option<std::path::PathBuf>,
        #[command(flatten)]
        output: Output,
    },
    /// Every reachable state of the real code, breadth-first (engine `explore` of real code;
    /// needs `Provider::exhaustive`). Not the model's Explorer web UI of `xpcheck explore`.
    #[command(visible_alias = "explore")]
    Exhaustive {
        #[command(flatten)]
        output: Output,
    },
    /// The loom scenarios over the real synchronisation code (build with
    /// RUSTFLAGS="--cfg xpcheck_loom"). Bounds: XPCHECK_LOOM_PREEMPTIONS,
    /// XPCHECK_LOOM_MAX_ITERATIONS, XPCHECK_LOOM_MAX_SECONDS.
    Loom {
        /// Only this scenario (default: all).
        #[arg(long)]
        scenario: Option<String>,
        /// Run only share K of N of the scenarios (`K/N` or `count:K/N`: every N-th, from
        /// the K-th); default from XPCHECK_PARTITION.
        #[arg(long, value_parser = |s: &str| s.parse::<Partition>())]
        partition: Option<Partition>,
        /// One JSON report over the scenarios run (engine `loom`, with the partition), which
        /// `xpcheck merge` combines with the other shares.
        #[arg(long)]
        json: bool,
    },
}

/// `report` in `format`, as `xpcheck` prints it.
pub fn render(report: &Report, format: Format) -> String {
    match format {
        Format::Text => report.render(),
        Format::Json => report.to_json() + "\n",
        Format::Md => report::markdown(report),
        Format::Mermaid => report::mermaid(report),
        Format::Chart => {
            let cxs = &report.counterexamples;
            if cxs.is_empty() {
                return format!(
                    "{}: {}, no counterexample\n",
                    report.title(),
                    report.verdict.word().to_uppercase()
                );
            }
            cxs.iter()
                .map(|cx| cx.text_chart())
                .collect::<Vec<_>>()
                .join("\n")
        }
    }
}

/// Prints `report` in `format` on stdout and returns its exit code (0 pass, 1 violated, 3
/// incomplete); a closed pipe is not an error, another write error is exit 2
/// ([`crate::output::finish`]).
pub fn emit(report: &Report, format: Format) -> ExitCode {
    crate::output::finish(&render(report, format), report.exit_code() as u8)
}

fn usage(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("{}: {msg}", program_invocation());
    ExitCode::from(2)
}

/// Runs the command line on `provider`: parses the process arguments and returns the exit code.
pub fn main_for(provider: Provider) -> ExitCode {
    run(provider, AuthorCli::parse())
}

fn run(p: Provider, cli: AuthorCli) -> ExitCode {
    let me = program_invocation();
    match cli.command {
        Command::Sim {
            seeds,
            partition,
            output,
        } => {
            let (all_from, all_to) = match parse_seeds(&seeds) {
                Ok(r) => r,
                Err(e) => return usage(e),
            };
            let (from, to) = partition.map_or((all_from, all_to), |p| p.seeds(all_from, all_to));
            let mut config = sim_config();
            config.settings.deny_warnings = output.strict;
            let strict = if output.strict { " --strict" } else { "" };
            let mut r = run_sim_with(p.name, &[], p.factory, &SimOptions::new(config), from, to);
            for cx in &mut r.counterexamples {
                if let Some(seed) = cx.seed {
                    cx.replay = format!("{me} replay --seed {seed}{strict}");
                }
            }
            if let Some(c) = &mut r.crash {
                c.replay = format!("{me} replay --seed {}{strict}", c.seed);
            }
            if let Some(p) = partition {
                r.mark_share(p, format!("seeds {from}..{to} of {all_from}..{all_to}"));
            }
            emit(&r, output.format())
        }
        Command::Replay {
            seed,
            trace_out,
            output,
        } => {
            let mut config = sim_config();
            config.settings.deny_warnings = output.strict;
            let run =
                xpcheck_sim::run_seed_watchdog(p.factory, &SimOptions::new(config), seed, || {});
            if let Some(path) = trace_out {
                let text: String = run.events.iter().map(|e| e.to_json_line() + "\n").collect();
                if let Err(e) = std::fs::write(&path, text) {
                    return usage(format!("cannot write {}: {e}", path.display()));
                }
            }
            let mut r = replay_report(p.name, &run);
            let strict = if output.strict { " --strict" } else { "" };
            for cx in &mut r.counterexamples {
                cx.replay = format!("{me} replay --seed {seed}{strict}");
            }
            emit(&r, output.format())
        }
        Command::Exhaustive { output } => {
            let Some(explore) = &p.exhaustive else {
                return usage(
                    "exhaustive needs the provider's logon state: \
                     xpcheck::cli::Provider::new(..).exhaustive(logon), with an ExplorableLogon",
                );
            };
            let mut r = explore().to_report(p.name);
            for cx in &mut r.counterexamples {
                cx.replay = format!("{me} exhaustive (breadth-first: the shortest path)");
            }
            emit(&r, output.format())
        }
        Command::Loom {
            scenario,
            partition,
            json,
        } => {
            let partition = match partition
                .map(Ok)
                .or_else(|| Partition::from_env().transpose())
            {
                Some(Ok(p)) => p,
                Some(Err(e)) => return usage(e),
                None => Partition::WHOLE,
            };
            loom(&p, scenario.as_deref(), partition, json, &me)
        }
    }
}

#[cfg(xpcheck_loom)]
fn loom(
    p: &Provider,
    scenario: Option<&str>,
    partition: Partition,
    json: bool,
    me: &str,
) -> ExitCode {
    use crate::loom::{by_name, LoomOptions, LoomVerdict, SCENARIOS};
    let scenarios: Vec<_> = match scenario {
        None => partition.share(SCENARIOS.iter()),
        Some(s) => match by_name(s) {
            Some(sc) => vec![sc],
            None => {
                let names: Vec<_> = SCENARIOS.iter().map(|s| s.name).collect();
                return usage(format!(
                    "unknown scenario {s:?}; known: {}",
                    names.join(", ")
                ));
            }
        },
    };
    let opts = LoomOptions::from_env();
    if json {
        return loom_json(p, &scenarios, partition, scenario.is_none(), me, &opts);
    }
    let mut code = 0;
    for sc in scenarios {
        let r = crate::loom::run(sc, p.factory.clone(), &opts);
        println!("{}", r.summary());
        match r.verdict {
            LoomVerdict::Pass => {}
            LoomVerdict::Violated => {
                code = 1;
                println!(
                    "replay: RUSTFLAGS=\"--cfg xpcheck_loom\" {me} loom --scenario {}\n{}",
                    sc.name,
                    r.counterexample().unwrap_or_default()
                );
            }
            LoomVerdict::Incomplete => {
                if code == 0 {
                    code = 3;
                }
            }
        }
    }
    ExitCode::from(code)
}

/// The loom scenarios' reports as one JSON report: each scenario's report ([`LoomReport::to_report`](crate::loom::LoomReport::to_report))
/// combined by [`report::merge::merge`], marked with the partition when one share ran.
#[cfg(xpcheck_loom)]
fn loom_json(
    p: &Provider,
    scenarios: &[&'static crate::loom::Scenario],
    partition: Partition,
    shared: bool,
    me: &str,
    opts: &crate::loom::LoomOptions,
) -> ExitCode {
    let mut parts = Vec::new();
    for sc in scenarios {
        let mut r = crate::loom::run(sc, p.factory.clone(), opts).to_report(p.name);
        for cx in &mut r.counterexamples {
            cx.replay = format!(
                "RUSTFLAGS=\"--cfg xpcheck_loom\" {me} loom --scenario {}",
                sc.name
            );
        }
        let doc = serde_json::to_value(&r).expect("reports serialise");
        parts.push((sc.name.to_string(), doc));
    }
    if parts.is_empty() {
        return usage(format!("partition {partition} has no loom scenario"));
    }
    let mut merged = match report::merge::merge(&parts) {
        Ok(m) => m,
        Err(e) => return usage(e),
    };
    if shared && partition != Partition::WHOLE {
        merged["partition"] = serde_json::Value::from(partition.to_string());
    }
    let code = report::merge::exit_code(&merged) as u8;
    crate::output::finish(
        &(serde_json::to_string_pretty(&merged).expect("serialises") + "\n"),
        code,
    )
}

#[cfg(not(xpcheck_loom))]
fn loom(_: &Provider, scenario: Option<&str>, _: Partition, _: bool, me: &str) -> ExitCode {
    let only = scenario.map_or(String::new(), |s| format!(" --scenario {s}"));
    usage(format!(
        "the loom engine is built only with RUSTFLAGS=\"--cfg xpcheck_loom\": \
         RUSTFLAGS=\"--cfg xpcheck_loom\" {me} loom{only}"
    ))
}
