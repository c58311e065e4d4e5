//! The `xpcheck` command line (DESIGN.md "CLI"). Exit codes: 0 conformant, 1 violation found,
//! 2 bad usage or bad input, 3 incomplete.
#![forbid(unsafe_code)]

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use stateright::Model;
use xpcheck::check_run::{run_check, CheckRequest};
use xpcheck::cli::{emit, Format, Output};
use xpcheck::listing;
use xpcheck::model::check::CheckOptions;
use xpcheck::model::model::XpModel;
use xpcheck::model::{Behaviour, Scenario};
use xpcheck::output;
use xpcheck::progress::Progress;
use xpcheck::report;
use xpcheck::report::Partition;

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
    /// The stateright Explorer web UI of the model, bound to 127.0.0.1: one scenario at a time,
    /// actions and steps in MAPI words. (The exhaustive check of a provider's real code is
    /// another engine: `xpcheck::conformance::exhaustive`.)
    #[command(mut_arg("scenario", |a| a.help(
        "The scenario to serve: standard (default), yield, flush, faults, lifecycle, validate, status or flushqueues"
    )))]
    Explore {
        #[command(flatten)]
        model: ModelArgs,
        /// Port on 127.0.0.1, 0..=65535 (0: any free port; the address is printed on stderr).
        #[arg(long, default_value_t = 3000, allow_negative_numbers = true,
              value_parser = clap::value_parser!(u16).range(0..=65535))]
        port: u16,
    },
    /// Simulator benchmark: events/s, seeds/s, seeds and seconds to first detection.
    BenchSim {
        /// Seeds per loopback run, 1..=1000000000.
        #[arg(long, default_value_t = 10_000, allow_negative_numbers = true,
              value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
        seeds: u64,
        /// Loopback runs (median), 1..=1000.
        #[arg(long, default_value_t = 3, allow_negative_numbers = true,
              value_parser = clap::value_parser!(u16).range(1..=1000))]
        runs: u16,
        /// Disjoint seed windows per broken provider (median), 1..=1000.
        #[arg(long, default_value_t = 9, allow_negative_numbers = true,
              value_parser = clap::value_parser!(u64).range(1..=1000))]
        windows: u64,
    },
    /// Seeded simulation of real provider code (engine `sim`).
    Sim {
        /// Built-in provider (see `xpcheck providers`, engine sim).
        #[arg(long, default_value = "loopback")]
        provider: String,
        /// Seeds: `A..B` (B exclusive, A < B, both 0..=18446744073709551615) or one seed.
        #[arg(long, default_value = "0..1000", allow_hyphen_values = true)]
        seeds: String,
        /// Run only share K of N of the seeds (`K/N` or `count:K/N`, 1 <= K <= N <= 65535):
        /// the K-th of N contiguous slices; `xpcheck merge` combines the N reports.
        #[arg(long, value_parser = parse_partition)]
        partition: Option<Partition>,
        #[command(flatten)]
        output: Output,
    },
    /// Combine the JSON reports of a partitioned run (`--partition K/N`) into one, with the
    /// verdict rules of a single run; a missing share makes it `incomplete`.
    Merge {
        /// The reports (`--format json` output of sim, check, ...); `-` reads standard input.
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
        /// Output format: text (default) or json.
        #[arg(long, value_enum, default_value = "text")]
        format: MergeFormat,
        /// Same as `--format json`.
        #[arg(long, conflicts_with = "format")]
        json: bool,
    },
    /// Re-run one seed of `sim` and print its trace.
    Replay {
        /// Built-in provider.
        #[arg(long, default_value = "loopback")]
        provider: String,
        /// The seed, 0..=18446744073709551615.
        #[arg(long, allow_negative_numbers = true,
              value_parser = clap::value_parser!(u64).range(0..))]
        seed: u64,
        /// Also write the trace as JSON Lines ("v": 1) to this file.
        #[arg(long)]
        trace_out: Option<std::path::PathBuf>,
        #[command(flatten)]
        output: Output,
    },
    /// Judge a recorded JSON Lines trace ("v": 1) with the monitors (engine `validate`).
    Validate {
        /// The trace file (one event per line; see the README); `-` reads standard input.
        file: std::path::PathBuf,
        /// Lenient readings of the AMB notes (default strict).
        #[arg(long)]
        lenient: bool,
        #[command(flatten)]
        output: Output,
    },
    /// validate benchmark: seconds, events/s and peak memory on generated single-logon traces.
    BenchValidate {
        /// Distinct outbound messages per trace, comma-separated (each 1..=100000000).
        #[arg(long, default_value = "10000,100000,1000000", value_delimiter = ',',
              allow_negative_numbers = true,
              value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
        messages: Vec<u64>,
        /// Directory for the generated traces (default: the system's temporary directory).
        #[arg(long)]
        dir: Option<std::path::PathBuf>,
        /// Keep the generated traces (`xpcheck-bench-validate-N.jsonl`) instead of deleting them.
        #[arg(long)]
        keep: bool,
    },
    /// A C/C++ provider DLL driven by xpdrive.exe (built from native/ with mingw-w64; run
    /// under wine off Windows): the simulator's seeds against real Windows code (engine
    /// `native`).
    #[command(subcommand)]
    Native(NativeCommand),
    /// Model benchmark: unique states, states/s and symmetry reduction for 1..=N messages.
    Bench {
        /// Largest outbound message count, 1..=4.
        #[arg(long, default_value_t = 4, allow_negative_numbers = true,
              value_parser = clap::value_parser!(u8).range(1..=4))]
        max_messages: u8,
        /// Stop each run after this many generated states (reported as incomplete), at least 1.
        #[arg(long, default_value_t = 30_000_000, allow_negative_numbers = true,
              value_parser = clap::value_parser!(u64).range(1..))]
        max_states: u64,
    },
}

/// `xpcheck native ...`.
#[derive(Subcommand)]
enum NativeCommand {
    /// Seeded simulation of a provider DLL: the conforming spooler's steps executed by
    /// xpdrive.exe, every callback judged by the monitors (like `sim`).
    Sim {
        #[command(flatten)]
        target: NativeTarget,
        /// Seeds: `A..B` (B exclusive, A < B, both 0..=18446744073709551615) or one seed.
        #[arg(long, default_value = "0..1000", allow_hyphen_values = true)]
        seeds: String,
        /// Run only share K of N of the seeds (`K/N` or `count:K/N`); `xpcheck merge`
        /// combines the N reports.
        #[arg(long, value_parser = parse_partition)]
        partition: Option<Partition>,
        #[command(flatten)]
        output: Output,
    },
    /// Re-run one seed against the DLL and print its trace.
    Replay {
        #[command(flatten)]
        target: NativeTarget,
        /// The seed, 0..=18446744073709551615.
        #[arg(long, allow_negative_numbers = true,
              value_parser = clap::value_parser!(u64).range(0..))]
        seed: u64,
        /// Also write the trace as JSON Lines ("v": 1) to this file.
        #[arg(long)]
        trace_out: Option<std::path::PathBuf>,
        /// Also write the driver protocol, both directions, to this file (for debugging a
        /// provider: every command and callback in order).
        #[arg(long)]
        transcript: Option<std::path::PathBuf>,
        #[command(flatten)]
        output: Output,
    },
}

/// The DLL and the driver of a `native` command.
#[derive(Args)]
struct NativeTarget {
    /// The provider DLL (exports XPProviderInit), or xpproxy.dll with XPPROXY_PROVIDER set.
    #[arg(long)]
    dll: std::path::PathBuf,
    /// xpdrive.exe (default: $XPCHECK_DRIVER, else xpdrive.exe next to the DLL, else
    /// target/native/xpdrive.exe). Off Windows it runs under `wine` ($XPCHECK_WINE).
    #[arg(long)]
    driver: Option<std::path::PathBuf>,
}

impl NativeTarget {
    fn run(&self) -> xpcheck::native::NativeRun {
        let (driver, driver_given) =
            xpcheck::native::NativeRun::locate_driver(self.driver.as_deref(), &self.dll);
        xpcheck::native::NativeRun {
            dll: self.dll.clone(),
            driver,
            driver_given,
            env: Vec::new(),
        }
    }
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
    /// Only this scenario (standard, yield, flush, faults, lifecycle, validate, status,
    /// flushqueues); default: all.
    #[arg(long)]
    scenario: Option<String>,
    /// Messages per direction, 1..=4 (sets --outbound and --inbound).
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u8).range(1..=4))]
    messages: Option<u8>,
    /// Outbound messages, 0..=4 (with --inbound, not both 0).
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u8).range(0..=4))]
    outbound: Option<u8>,
    /// Inbound messages, 0..=4 (with --outbound, not both 0).
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u8).range(0..=4))]
    inbound: Option<u8>,
    /// Transport logons, 1..=2.
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u8).range(1..=2))]
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
    /// Checker threads, 1..=256.
    #[arg(long, default_value_t = 1, allow_negative_numbers = true,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    threads: u16,
    /// Stop after generating this many states, at least 1 (verdict `incomplete`, exit 3).
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u64).range(1..))]
    max_states: Option<u64>,
    /// Do not explore deeper than this, at least 2 (verdict `incomplete` if reached, exit 3).
    #[arg(long, allow_negative_numbers = true, value_parser = clap::value_parser!(u64).range(2..))]
    max_depth: Option<u64>,
    /// Explore only share K of N of the scenarios (`K/N` or `count:K/N`): every N-th,
    /// starting at the K-th; `xpcheck merge` combines the N reports.
    #[arg(long, value_parser = parse_partition)]
    partition: Option<Partition>,
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

use output::usage;

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
    let options = CheckOptions {
        symmetry: false,
        threads: 1,
        max_states: args.max_states.map(to_usize),
        max_depth: args.max_depth.map(to_usize),
        counterexamples: true,
    };
    let format = args.output.format();
    if !matches!(format, Format::Text | Format::Json | Format::Md) {
        return usage(
            "--model session prints text, json or md (its counterexamples are client events, not \
             spooler <-> provider charts)",
        );
    }
    let scenarios = match args.partition {
        Some(p) => p.share(scenarios),
        None => scenarios,
    };
    let mut report = xpcheck::session_run::run_session_check(behaviour, &scenarios, options);
    if let Some(p) = args.partition {
        report.mark_share(p, scenario_list(scenarios.iter().map(|s| s.name())));
    }
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
    let doc = if args.json {
        report.to_json() + "\n"
    } else {
        report.render()
    };
    output::finish(&doc, report.exit_code() as u8)
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
    if let Some(p) = args.partition {
        req.scenarios = p.share(std::mem::take(&mut req.scenarios));
    }
    req.options = CheckOptions {
        symmetry: !args.no_symmetry,
        threads: usize::from(args.threads),
        max_states: args.max_states.map(to_usize),
        max_depth: args.max_depth.map(to_usize),
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
    if let Some(p) = args.partition {
        report.mark_share(p, scenario_list(req.scenarios.iter().map(|s| s.name())));
    }
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
    let addr = match xpcheck::explorer::reserve(port) {
        Ok(a) => a,
        Err(e) => return usage(e),
    };
    output::warn(format_args!(
        "Explorer for provider {} (scenario {}) on http://{addr}/",
        req.behaviour.name(),
        req.scenarios[0].name()
    ));
    // `serve` runs the web server on this thread until the process ends; it panics if it
    // cannot bind (another process took the port since `reserve` released it).
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let served = std::panic::catch_unwind(|| {
        XpModel::new(cfg).checker().serve(addr);
    });
    std::panic::set_hook(previous);
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => usage(format_args!(
            "the Explorer could not serve on {addr} (port taken meanwhile?); try --port 0"
        )),
    }
}

fn sim_provider(name: &str) -> Result<xpcheck_providers::Builtin, String> {
    xpcheck_providers::by_name(name).ok_or_else(|| {
        let names: Vec<_> = xpcheck_providers::all().iter().map(|p| p.name).collect();
        format!("unknown sim provider {name:?}; known: {}", names.join(", "))
    })
}

/// The seeds a `sim`-like run covers: all of `--seeds`, or this share of them.
struct SeedWindow {
    all: (u64, u64),
    from: u64,
    to: u64,
    partition: Option<Partition>,
}

impl SeedWindow {
    fn parse(seeds: &str, partition: Option<Partition>) -> Result<SeedWindow, String> {
        let all = xpcheck::sim_run::parse_seeds(seeds)?;
        let (from, to) = partition.map_or(all, |p| p.seeds(all.0, all.1));
        Ok(SeedWindow {
            all,
            from,
            to,
            partition,
        })
    }

    /// Replay hints runnable as printed, the share marked, the report emitted.
    fn finish(&self, mut report: report::Report, format: Format, strict: bool) -> ExitCode {
        runnable(&mut report.counterexamples, strict);
        if let Some(c) = &mut report.crash {
            c.replay = runnable_hint(&c.replay, strict);
        }
        if let Some(p) = self.partition {
            report.mark_share(
                p,
                format!(
                    "seeds {}..{} of {}..{}",
                    self.from, self.to, self.all.0, self.all.1
                ),
            );
        }
        emit(&report, format)
    }
}

/// Writes one line per item (a trace as JSON Lines, a transcript).
fn write_lines(path: &std::path::Path, lines: impl Iterator<Item = String>) -> Result<(), String> {
    let text: String = lines.map(|l| l + "\n").collect();
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The simulator's options: the sim configuration, warnings as errors with `--strict`.
fn sim_options(strict: bool) -> xpcheck_sim::SimOptions {
    let mut config = xpcheck::sim_run::sim_config();
    config.settings.deny_warnings = strict;
    xpcheck_sim::SimOptions::new(config)
}

fn sim(
    provider: &str,
    seeds: &str,
    partition: Option<Partition>,
    format: Format,
    strict: bool,
) -> ExitCode {
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
    let w = match SeedWindow::parse(seeds, partition) {
        Ok(w) => w,
        Err(e) => return usage(e),
    };
    let (from, to) = (w.from, w.to);
    let report = if Progress::wanted(format == Format::Json) {
        let progress = Progress::new(true, Some(to - from), "seeds");
        let mut tick = |done: u64| progress.set(done);
        let r = xpcheck::sim_run::run_sim_progress(
            p.name,
            p.breaks,
            p.factory,
            &sim_options(strict),
            from,
            to,
            Some(&mut tick),
        );
        progress.finish();
        r
    } else {
        xpcheck::sim_run::run_sim_strict(&p, from, to, strict)
    };
    w.finish(report, format, strict)
}

/// `scenarios standard, flush` (or `scenarios none`) for a share's note.
fn scenario_list<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<_> = names.collect();
    if names.is_empty() {
        "scenarios none".into()
    } else {
        format!("scenarios {}", names.join(", "))
    }
}

/// `--partition K/N` on the command line.
fn parse_partition(s: &str) -> Result<Partition, String> {
    s.parse()
}

/// Output formats of `xpcheck merge`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MergeFormat {
    /// The verdict, the rules not passed, counterexamples' replay recipes, the verdict line.
    Text,
    /// One JSON document, shaped like every engine's report.
    Json,
}

fn merge(files: &[std::path::PathBuf], format: MergeFormat) -> ExitCode {
    let mut parts = Vec::new();
    for f in files {
        let name = f.display().to_string();
        let text = if name == "-" {
            let mut s = String::new();
            match std::io::Read::read_to_string(&mut std::io::stdin(), &mut s) {
                Ok(_) => s,
                Err(e) => return usage(format_args!("cannot read standard input: {e}")),
            }
        } else {
            match std::fs::read_to_string(f) {
                Ok(s) => s,
                Err(e) => return usage(format_args!("cannot read {name}: {e}")),
            }
        };
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(v) => parts.push((name, v)),
            Err(e) => {
                return usage(format_args!(
                    "{name}:{}:{}: not a JSON report: {e}",
                    e.line(),
                    e.column()
                ))
            }
        }
    }
    let merged = match report::merge::merge(&parts) {
        Ok(m) => m,
        Err(e) => return usage(e),
    };
    let doc = match format {
        MergeFormat::Json => serde_json::to_string_pretty(&merged).expect("serialises") + "\n",
        MergeFormat::Text => report::merge::render_text(&merged),
    };
    output::finish(&doc, report::merge::exit_code(&merged) as u8)
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
            return usage(format_args!("{}:{}: {}", file.display(), e.line, e.kind));
        }
        Err(e) => return usage(format_args!("{}: {e}", file.display())),
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
    // With sim's watchdog: replaying a seed that hangs ends in a deadlock finding.
    let run = xpcheck_sim::run_seed_watchdog(p.factory, &sim_options(strict), seed, || {});
    if let Some(path) = trace_out {
        let lines = run.events.iter().map(|e| e.to_json_line());
        if let Err(e) = write_lines(path, lines) {
            return usage(e);
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

/// A count from the command line (clap has checked its range) as a `usize`.
fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

fn bench(max_messages: u8, max_states: u64) -> ExitCode {
    output::finish(
        &xpcheck::bench::model(max_messages, to_usize(max_states)),
        0,
    )
}

fn native_sim(
    target: &NativeTarget,
    seeds: &str,
    partition: Option<Partition>,
    format: Format,
    strict: bool,
) -> ExitCode {
    let w = match SeedWindow::parse(seeds, partition) {
        Ok(w) => w,
        Err(e) => return usage(e),
    };
    let progress = Progress::new(
        Progress::wanted(format == Format::Json),
        Some(w.to - w.from),
        "seeds",
    );
    let mut tick = |done: u64| progress.set(done);
    let result = xpcheck::native::native_sim(
        &target.run(),
        &sim_options(strict),
        w.from,
        w.to,
        Some(&mut tick),
    );
    progress.finish();
    match result {
        Ok(report) => w.finish(report, format, strict),
        Err(e) => usage(e),
    }
}

fn native_replay(
    target: &NativeTarget,
    seed: u64,
    trace_out: Option<&std::path::Path>,
    transcript: Option<&std::path::Path>,
    format: Format,
    strict: bool,
) -> ExitCode {
    let (mut report, seed_run, lines) = match xpcheck::native::native_replay(
        &target.run(),
        &sim_options(strict),
        seed,
        transcript.is_some(),
    ) {
        Ok(r) => r,
        Err(e) => return usage(e),
    };
    if let Some(path) = trace_out {
        let events = seed_run.events.iter().map(|e| e.to_json_line());
        if let Err(e) = write_lines(path, events) {
            return usage(e);
        }
    }
    if let Some(path) = transcript {
        if let Err(e) = write_lines(path, lines.into_iter()) {
            return usage(e);
        }
    }
    runnable(&mut report.counterexamples, strict);
    emit(&report, format)
}

fn bench_sim(seeds: u64, runs: u16, windows: u64) -> ExitCode {
    output::finish(&xpcheck::bench::sim(seeds, usize::from(runs), windows), 0)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Runs that can be long stop at their next safe point on SIGINT / SIGTERM and report what
    // they have (exit 3); the web Explorer and quick commands keep the default (end at once).
    let interruptible = matches!(
        cli.command,
        None | Some(
            Command::Check(_)
                | Command::Sim { .. }
                | Command::Validate { .. }
                | Command::Native(NativeCommand::Sim { .. })
        )
    );
    if interruptible {
        if let Err(e) = xpcheck::interrupt::install() {
            output::warn(format_args!("cannot handle SIGINT / SIGTERM: {e}"));
        }
    }
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
            partition: None,
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
                let doc = serde_json::to_string_pretty(&rows).expect("serialises") + "\n";
                output::finish(&doc, 0)
            } else {
                output::finish(&listing::rules_text(unchecked), 0)
            }
        }
        Some(Command::Providers { json }) => {
            let doc = if json {
                serde_json::to_string_pretty(&listing::provider_rows()).expect("serialises") + "\n"
            } else {
                listing::providers_text()
            };
            output::finish(&doc, 0)
        }
        Some(Command::Check(args)) => check(&args),
        Some(Command::Native(NativeCommand::Sim {
            target,
            seeds,
            partition,
            output,
        })) => native_sim(&target, &seeds, partition, output.format(), output.strict),
        Some(Command::Native(NativeCommand::Replay {
            target,
            seed,
            trace_out,
            transcript,
            output,
        })) => native_replay(
            &target,
            seed,
            trace_out.as_deref(),
            transcript.as_deref(),
            output.format(),
            output.strict,
        ),
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
            partition,
            output,
        }) => sim(&provider, &seeds, partition, output.format(), output.strict),
        Some(Command::Merge {
            files,
            format,
            json,
        }) => merge(&files, if json { MergeFormat::Json } else { format }),
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
        Some(Command::BenchValidate {
            mut messages,
            dir,
            keep,
        }) => {
            messages.sort_unstable();
            let dir = dir.unwrap_or_else(std::env::temp_dir);
            match xpcheck::bench_validate::run(&messages, &dir, keep) {
                Ok(text) => output::finish(&text, 0),
                Err(e) => usage(e),
            }
        }
        Some(Command::Validate {
            file,
            lenient,
            output,
        }) => validate(&file, lenient, output.format(), output.strict),
    }
}
