//! The `xpcheck` command line (DESIGN.md "CLI"). Exit codes: 0 conformant, 1 violation found,
//! 2 bad usage or bad input, 3 incomplete.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use stateright::{Checker, Model};
use xpcheck::check_run::{run_check, CheckRequest};
use xpcheck::listing;
use xpcheck::model::check::CheckOptions;
use xpcheck::model::model::XpModel;
use xpcheck::model::{Behaviour, Scenario};
use xpcheck::progress::Progress;
use xpcheck::report;

#[derive(Parser)]
#[command(
    name = "xpcheck",
    version,
    about = "Model checking and simulation for MAPI transport providers"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// The rule catalog: id, force, bearer, severity, which engines check it (or why none does).
    Rules {
        /// One JSON document on stdout.
        #[arg(long)]
        json: bool,
        /// Only the rules no engine checks, each with the reason.
        #[arg(long)]
        unchecked: bool,
    },
    /// Built-in providers and the rules each breaks.
    Providers {
        /// One JSON document on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Exhaustive stateright check of the model with the monitors.
    Check(CheckArgs),
    /// What MAPI does with one MAPILogonEx call, and which client rules it breaks.
    Logon(LogonArgs),
    /// The stateright Explorer web UI, bound to 127.0.0.1.
    Explore {
        #[command(flatten)]
        model: ModelArgs,
        /// Port on 127.0.0.1.
        #[arg(long, default_value_t = 3000)]
        port: u16,
    },
    /// Simulator benchmark: events/s, seeds/s, seeds and seconds to first detection.
    BenchSim {
        /// Seeds per loopback run.
        #[arg(long, default_value_t = 10_000)]
        seeds: u64,
        /// Loopback runs (median).
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Disjoint seed windows per broken provider (median).
        #[arg(long, default_value_t = 9)]
        windows: u64,
    },
    /// Seeded simulation of real provider code (engine `sim`).
    Sim {
        /// Built-in provider (see `xpcheck providers`, engine sim).
        #[arg(long, default_value = "loopback")]
        provider: String,
        /// Seeds: `A..B` (B exclusive) or one seed.
        #[arg(long, default_value = "0..1000")]
        seeds: String,
        #[command(flatten)]
        output: Output,
    },
    /// Re-run one seed of `sim` and print its trace.
    Replay {
        /// Built-in provider.
        #[arg(long, default_value = "loopback")]
        provider: String,
        /// The seed.
        #[arg(long)]
        seed: u64,
        /// Also write the trace as JSON Lines ("v": 1) to this file.
        #[arg(long)]
        trace_out: Option<std::path::PathBuf>,
        #[command(flatten)]
        output: Output,
    },
    /// Judge a recorded JSON Lines trace ("v": 1) with the monitors (engine `validate`).
    Validate {
        /// The trace file (one event per line; see the README).
        file: std::path::PathBuf,
        /// Lenient readings of the AMB notes (default strict).
        #[arg(long)]
        lenient: bool,
        #[command(flatten)]
        output: Output,
    },
    /// Model benchmark: unique states, states/s and symmetry reduction for 1..=N messages.
    Bench {
        /// Largest outbound message count.
        #[arg(long, default_value_t = 4)]
        max_messages: u8,
        /// Stop each run after this many generated states (reported as incomplete).
        #[arg(long, default_value_t = 30_000_000)]
        max_states: usize,
    },
}

/// How a run's result is printed on stdout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
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

/// `--format` with `--json` as an alias for `--format json`.
#[derive(Args, Clone, Copy)]
struct Output {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Same as `--format json`.
    #[arg(long, conflicts_with = "format")]
    json: bool,
    /// Count warnings (situations SPEC grades "warn", see `xpcheck rules`) as errors: exit 1,
    /// like `-D warnings`.
    #[arg(long)]
    strict: bool,
}

impl Output {
    fn format(self) -> Format {
        if self.json {
            Format::Json
        } else {
            self.format
        }
    }
}

/// Prints a run report in the chosen format; returns its exit code.
fn emit(report: &report::Report, format: Format) -> ExitCode {
    match format {
        Format::Text => print!("{}", report.render()),
        Format::Json => println!("{}", report.to_json()),
        Format::Md => print!("{}", report::markdown(report)),
        Format::Mermaid => print!("{}", report::mermaid(report)),
        Format::Chart => {
            let cxs = &report.counterexamples;
            if cxs.is_empty() {
                println!(
                    "{}: {}, no counterexample",
                    report.title(),
                    report.verdict.word().to_uppercase()
                );
            }
            for (i, cx) in cxs.iter().enumerate() {
                if i > 0 {
                    println!();
                }
                print!("{}", cx.text_chart());
            }
        }
    }
    ExitCode::from(report.exit_code() as u8)
}

/// `xpcheck logon`: one MAPILogonEx call explained.
#[derive(Args)]
struct LogonArgs {
    /// flFlags: MAPI names separated by `|` (e.g. 'MAPI_EXTENDED|MAPI_NO_MAIL'), or numbers.
    #[arg(long)]
    flags: String,
    /// lpszProfileName (omit for NULL).
    #[arg(long)]
    profile: Option<String>,
    /// Pass a non-NULL lpszPassword (LOGON-1).
    #[arg(long)]
    password: bool,
    /// The caller runs as a Windows service (LOGON-11, SVC-*).
    #[arg(long)]
    service: bool,
    /// MAPIINIT_0.ulFlags for MAPIInitialize (default MAPI_MULTITHREAD_NOTIFICATIONS, plus
    /// MAPI_NT_SERVICE with --service).
    #[arg(long)]
    init_flags: Option<String>,
    /// One JSON document on stdout.
    #[arg(long)]
    json: bool,
}

#[derive(Args, Clone)]
struct ModelArgs {
    /// Provider behaviour (see `xpcheck providers`).
    #[arg(long, default_value = "correct")]
    provider: String,
    /// Only this scenario (standard, yield, flush, faults); default: all.
    #[arg(long)]
    scenario: Option<String>,
    /// Messages per direction (sets --outbound and --inbound).
    #[arg(long)]
    messages: Option<u8>,
    /// Outbound messages.
    #[arg(long)]
    outbound: Option<u8>,
    /// Inbound messages.
    #[arg(long)]
    inbound: Option<u8>,
    /// Transport logons (1 or 2).
    #[arg(long)]
    logons: Option<u8>,
    /// Lenient readings of the AMB notes (default strict).
    #[arg(long)]
    lenient: bool,
}

#[derive(Args)]
struct CheckArgs {
    #[command(flatten)]
    model: ModelArgs,
    /// Turn symmetry reduction over messages off.
    #[arg(long)]
    no_symmetry: bool,
    /// Checker threads.
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Stop after generating this many states (verdict `incomplete`, exit 3).
    #[arg(long)]
    max_states: Option<usize>,
    /// Do not explore deeper than this (verdict `incomplete` if reached, exit 3).
    #[arg(long)]
    max_depth: Option<usize>,
    #[command(flatten)]
    output: Output,
    /// Which model: `transport` (spooler <-> provider, default) or `session` (the MAPI session
    /// layer: MAPILogonEx, MAPIInitialize, services, notification dispatch).
    #[arg(long = "model", default_value = "transport")]
    model_name: String,
    /// With `--model session`: the client behaviour (`correct` or a faulty one).
    #[arg(long)]
    client: Option<String>,
}

fn usage(msg: impl std::fmt::Display) -> ExitCode {
    eprintln!("xpcheck: {msg}");
    ExitCode::from(2)
}

impl ModelArgs {
    fn request(&self) -> Result<CheckRequest, String> {
        let behaviour = Behaviour::from_name(&self.provider).ok_or_else(|| {
            let names: Vec<_> = Behaviour::ALL.iter().map(|b| b.name()).collect();
            format!(
                "unknown provider {:?}; known: {}",
                self.provider,
                names.join(", ")
            )
        })?;
        let mut req = CheckRequest::new(behaviour);
        if let Some(s) = &self.scenario {
            let sc = Scenario::from_name(s).ok_or_else(|| {
                let names: Vec<_> = Scenario::ALL.iter().map(|s| s.name()).collect();
                format!("unknown scenario {s:?}; known: {}", names.join(", "))
            })?;
            req.scenarios = vec![sc];
        }
        if let Some(n) = self.messages {
            if n == 0 {
                return Err("--messages must be at least 1".into());
            }
            req.outbound = Some(n);
            req.inbound = Some(n);
        }
        req.outbound = self.outbound.or(req.outbound);
        req.inbound = self.inbound.or(req.inbound);
        req.logons = self.logons;
        req.lenient = self.lenient;
        for s in &req.scenarios {
            req.config(*s)
                .map_err(|e| format!("scenario {}: {e}", s.name()))?;
        }
        Ok(req)
    }
}

fn check_session(args: &CheckArgs) -> ExitCode {
    use xpcheck::model::session::{ClientBehaviour, SessionScenario};
    if args.model.provider != "correct" {
        return usage("--provider names a transport provider; with --model session use --client");
    }
    let name = args.client.as_deref().unwrap_or("correct");
    let Some(behaviour) = ClientBehaviour::from_name(name) else {
        let names: Vec<_> = ClientBehaviour::ALL.iter().map(|b| b.name()).collect();
        return usage(format!(
            "unknown client {name:?}; known: {}",
            names.join(", ")
        ));
    };
    let scenarios = match &args.model.scenario {
        None => SessionScenario::ALL.to_vec(),
        Some(s) => match SessionScenario::from_name(s) {
            Some(sc) => vec![sc],
            None => {
                let names: Vec<_> = SessionScenario::ALL.iter().map(|s| s.name()).collect();
                return usage(format!(
                    "unknown session scenario {s:?}; known: {}",
                    names.join(", ")
                ));
            }
        },
    };
    if args.max_states == Some(0) {
        return usage("--max-states must be at least 1");
    }
    if args.max_depth.is_some_and(|d| d < 2) {
        return usage("--max-depth must be at least 2");
    }
    let options = CheckOptions {
        symmetry: false,
        threads: 1,
        max_states: args.max_states,
        max_depth: args.max_depth,
        counterexamples: true,
    };
    let format = args.output.format();
    if !matches!(format, Format::Text | Format::Json | Format::Md) {
        return usage(
            "--model session prints text, json or md (its counterexamples are client events, not \
             spooler <-> provider charts)",
        );
    }
    let report = xpcheck::session_run::run_session_check(behaviour, &scenarios, options);
    emit(&report, format)
}

fn logon(args: &LogonArgs) -> ExitCode {
    let req = match xpcheck::logon_cmd::LogonRequest::parse(
        &args.flags,
        args.init_flags.as_deref(),
        args.profile.clone(),
        args.password,
        args.service,
    ) {
        Ok(r) => r,
        Err(e) => return usage(e),
    };
    let report = xpcheck::logon_cmd::explain(&req);
    if args.json {
        println!("{}", report.to_json());
    } else {
        print!("{}", report.render());
    }
    ExitCode::from(report.exit_code() as u8)
}

fn check(args: &CheckArgs) -> ExitCode {
    match args.model_name.as_str() {
        "transport" => {}
        "session" => return check_session(args),
        other => {
            return usage(format!(
                "unknown model {other:?}; known: transport, session"
            ))
        }
    }
    if args.client.is_some() {
        return usage("--client needs --model session");
    }
    let mut req = match args.model.request() {
        Ok(r) => r,
        Err(e) => return usage(e),
    };
    req.strict = args.output.strict;
    if args.threads == 0 || args.threads > 256 {
        return usage(format!(
            "--threads must be between 1 and 256 (got {})",
            args.threads
        ));
    }
    if args.max_states == Some(0) {
        return usage("--max-states must be at least 1");
    }
    if args.max_depth.is_some_and(|d| d < 2) {
        return usage("--max-depth must be at least 2");
    }
    req.options = CheckOptions {
        symmetry: !args.no_symmetry,
        threads: args.threads,
        max_states: args.max_states,
        max_depth: args.max_depth,
        counterexamples: true,
    };
    let format = args.output.format();
    let progress = Progress::new(Progress::wanted(format == Format::Json), None, "");
    let total = req.scenarios.len();
    let mut started = 0;
    let result = run_check(&req, |s, c| {
        started += 1;
        progress.message(format!(
            "scenario {started}/{total}: {} ({} out, {} in)",
            s.name(),
            c.outbound,
            c.inbound
        ));
    });
    progress.finish();
    let mut report = match result {
        Ok(r) => r,
        Err(e) => return usage(e),
    };
    runnable(&mut report.counterexamples, args.output.strict);
    emit(&report, format)
}

fn explore(model: &ModelArgs, port: u16) -> ExitCode {
    let req = match model.request() {
        Ok(r) => r,
        Err(e) => return usage(e),
    };
    let cfg = match req.config(req.scenarios[0]) {
        Ok(c) => c,
        Err(e) => return usage(e),
    };
    let addr = format!("127.0.0.1:{port}");
    eprintln!(
        "Explorer for provider {} (scenario {}) on http://{addr}/",
        req.behaviour.name(),
        req.scenarios[0].name()
    );
    let checker = XpModel::new(cfg).checker().serve(addr);
    checker.join_handles();
    ExitCode::SUCCESS
}

trait JoinHandles {
    fn join_handles(self);
}

impl<C: Checker<XpModel>> JoinHandles for std::sync::Arc<C> {
    fn join_handles(self) {
        // `serve` runs the web server on this thread until it stops.
        while !self.is_done() {
            std::thread::sleep(std::time::Duration::from_secs(1));
        }
    }
}

fn sim_provider(name: &str) -> Result<xpcheck_providers::Builtin, String> {
    xpcheck_providers::by_name(name).ok_or_else(|| {
        let names: Vec<_> = xpcheck_providers::all().iter().map(|p| p.name).collect();
        format!("unknown sim provider {name:?}; known: {}", names.join(", "))
    })
}

fn sim(provider: &str, seeds: &str, format: Format, strict: bool) -> ExitCode {
    let p = match sim_provider(provider) {
        Ok(p) => p,
        Err(e) => return usage(e),
    };
    if !p.engines.contains(&"sim") {
        // A pass here would say nothing: the flaw needs two real threads to show.
        return usage(format!(
            "{} breaks {} only when the notify thread runs between two of its own steps, which \
             the single-threaded simulator never does; run its loom scenario: \
             RUSTFLAGS=\"--cfg xpcheck_loom\" cargo test --release --workspace loom",
            p.name,
            p.breaks.join(", ")
        ));
    }
    let (from, to) = match xpcheck::sim_run::parse_seeds(seeds) {
        Ok(r) => r,
        Err(e) => return usage(e),
    };
    let mut config = xpcheck::sim_run::sim_config();
    config.settings.deny_warnings = strict;
    let mut report = if Progress::wanted(format == Format::Json) {
        let progress = Progress::new(true, Some(to - from), "seeds");
        let mut tick = |done: u64| progress.set(done);
        let r = xpcheck::sim_run::run_sim_progress(
            p.name,
            p.breaks,
            p.factory,
            &xpcheck_sim::SimOptions::new(config),
            from,
            to,
            Some(&mut tick),
        );
        progress.finish();
        r
    } else {
        xpcheck::sim_run::run_sim_strict(&p, from, to, strict)
    };
    runnable(&mut report.counterexamples, strict);
    if let Some(c) = &mut report.crash {
        c.replay = runnable_hint(&c.replay, strict);
    }
    emit(&report, format)
}

fn validate(file: &std::path::Path, lenient: bool, format: Format, strict: bool) -> ExitCode {
    let settings = xpcheck::properties::judge::Settings {
        lenient,
        deny_warnings: strict,
        ..Default::default()
    };
    let progress = Progress::new(Progress::wanted(format == Format::Json), Some(0), "bytes");
    let result = xpcheck::validate::validate_file(file, settings, |read, size| {
        progress.set_len(size);
        progress.set(read);
    });
    progress.finish();
    let report = match result {
        Ok(r) => r,
        Err(xpcheck::validate::FileError::Input(e)) => {
            eprintln!("xpcheck: {}:{}: {}", file.display(), e.line, e.kind);
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("xpcheck: {}: {e}", file.display());
            return ExitCode::from(2);
        }
    };
    emit(&report, format)
}

fn replay(
    provider: &str,
    seed: u64,
    trace_out: Option<&std::path::Path>,
    format: Format,
    strict: bool,
) -> ExitCode {
    let p = match sim_provider(provider) {
        Ok(p) => p,
        Err(e) => return usage(e),
    };
    let mut config = xpcheck::sim_run::sim_config();
    config.settings.deny_warnings = strict;
    let opts = xpcheck_sim::SimOptions::new(config);
    let run = xpcheck_sim::run_seed(p.factory, &opts, seed);
    if let Some(path) = trace_out {
        let mut text = String::new();
        for e in &run.events {
            text += &e.to_json_line();
            text.push('\n');
        }
        if let Err(e) = std::fs::write(path, text) {
            return usage(format!("cannot write {}: {e}", path.display()));
        }
    }
    let mut report = xpcheck::sim_run::replay_report(p.name, &run);
    runnable(&mut report.counterexamples, strict);
    emit(&report, format)
}

/// A replay hint as a command that runs as printed: the program as it was started in place of
/// `xpcheck` (`cargo run --release --bin xpcheck --` under cargo), `--strict` if it was on.
fn runnable_hint(hint: &str, strict: bool) -> String {
    let mut h = xpcheck::replay::as_invoked(hint);
    if strict && !h.contains("--strict") {
        h += " --strict";
    }
    h
}

fn runnable(cxs: &mut [xpcheck::report::Counterexample], strict: bool) {
    for cx in cxs {
        cx.replay = runnable_hint(&cx.replay, strict);
    }
}

fn bench(max_messages: u8, max_states: usize) -> ExitCode {
    if max_messages == 0 || max_messages > 4 {
        return usage("--max-messages must be between 1 and 4");
    }
    print!("{}", xpcheck::bench::model(max_messages, max_states));
    ExitCode::SUCCESS
}

fn bench_sim(seeds: u64, runs: usize, windows: u64) -> ExitCode {
    if seeds == 0 || runs == 0 || windows == 0 {
        return usage("--seeds, --runs and --windows must be at least 1");
    }
    print!("{}", xpcheck::bench::sim(seeds, runs, windows));
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => check(&CheckArgs {
            model: ModelArgs {
                provider: "correct".into(),
                scenario: None,
                messages: None,
                outbound: None,
                inbound: None,
                logons: None,
                lenient: false,
            },
            no_symmetry: false,
            threads: 1,
            max_states: None,
            max_depth: None,
            output: Output {
                format: Format::Text,
                json: false,
                strict: false,
            },
            model_name: "transport".into(),
            client: None,
        }),
        Some(Command::Rules { json, unchecked }) => {
            if json {
                let rows: Vec<_> = listing::rule_rows()
                    .into_iter()
                    .filter(|r| !unchecked || r.engines.is_empty())
                    .collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&rows).expect("serialises")
                );
            } else {
                print!("{}", listing::rules_text(unchecked));
            }
            ExitCode::SUCCESS
        }
        Some(Command::Providers { json }) => {
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&listing::provider_rows()).expect("serialises")
                );
            } else {
                print!("{}", listing::providers_text());
            }
            ExitCode::SUCCESS
        }
        Some(Command::Check(args)) => check(&args),
        Some(Command::Logon(args)) => logon(&args),
        Some(Command::Explore { model, port }) => explore(&model, port),
        Some(Command::Bench {
            max_messages,
            max_states,
        }) => bench(max_messages, max_states),
        Some(Command::BenchSim {
            seeds,
            runs,
            windows,
        }) => bench_sim(seeds, runs, windows),
        Some(Command::Sim {
            provider,
            seeds,
            output,
        }) => sim(&provider, &seeds, output.format(), output.strict),
        Some(Command::Replay {
            provider,
            seed,
            trace_out,
            output,
        }) => replay(
            &provider,
            seed,
            trace_out.as_deref(),
            output.format(),
            output.strict,
        ),
        Some(Command::Validate {
            file,
            lenient,
            output,
        }) => validate(&file, lenient, output.format(), output.strict),
    }
}
