//! `xpcheck native sim` and `xpcheck native replay`: seeds of the simulator against a provider
//! DLL, reported like `sim` (engine `native`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use xpcheck_sim::api::ProviderFactory;
use xpcheck_sim::SimOptions;

use super::bridge::Session;
use super::driver::Launch;
use crate::report::Report;

/// What to run: the DLL, the driver, and how the replay recipe names them.
#[derive(Clone, Debug)]
pub struct NativeRun {
    /// The provider DLL (as given on the command line; the recipe repeats it).
    pub dll: PathBuf,
    /// `xpdrive.exe`.
    pub driver: PathBuf,
    /// The driver was named on the command line (`--driver`): the recipe repeats it.
    pub driver_given: bool,
    /// Extra environment for the driver (e.g. the proxy's `XPPROXY_PROVIDER`).
    pub env: Vec<(String, String)>,
}

impl NativeRun {
    /// The driver: `--driver`, else `XPCHECK_DRIVER`, else `xpdrive.exe` next to the DLL, else
    /// `target/native/xpdrive.exe` (where `make -C native` puts it).
    pub fn locate_driver(given: Option<&Path>, dll: &Path) -> (PathBuf, bool) {
        if let Some(d) = given {
            return (d.to_path_buf(), true);
        }
        if let Some(d) = std::env::var_os("XPCHECK_DRIVER") {
            return (PathBuf::from(d), false);
        }
        let beside = dll.with_file_name("xpdrive.exe");
        if beside.is_file() {
            return (beside, false);
        }
        (PathBuf::from("target/native/xpdrive.exe"), false)
    }

    /// The provider's name in reports: the DLL's file name.
    pub fn name(&self) -> String {
        self.dll
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.dll.display().to_string())
    }

    /// `xpcheck native replay --dll DLL [--driver D] --seed N`.
    pub fn recipe(&self, seed: u64) -> String {
        let driver = if self.driver_given {
            format!(
                " --driver {}",
                shell_word(&self.driver.display().to_string())
            )
        } else {
            String::new()
        };
        format!(
            "xpcheck native replay --dll {}{driver} --seed {seed}",
            shell_word(&self.dll.display().to_string())
        )
    }

    fn session(&self, transcript: bool) -> Arc<Session> {
        Session::new(
            Launch {
                driver: self.driver.clone(),
                dll: self.dll.clone(),
                env: self.env.clone(),
            },
            transcript,
        )
    }
}

/// A path as one shell word (quoted when it needs to be).
fn shell_word(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:,=@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn factory(session: &Arc<Session>) -> ProviderFactory {
    let s = session.clone();
    ProviderFactory::from(move |wire| {
        Arc::new(s.provider(wire)) as Arc<dyn xpcheck_sim::api::TransportProvider>
    })
}

/// What the run saw outside the trace, as report notes: unmodelled calls, the provider's own
/// threads (then the run is not deterministic), restarts, and the driver's start-up.
fn notes(session: &Session, report: &mut Report) {
    let seen = session.unmodelled();
    if let Some(s) = session.startup_seconds() {
        let how = match Launch::runner() {
            Some(w) => format!("under {w}"),
            None => "directly".into(),
        };
        report.notes.push(format!(
            "xpdrive.exe ran {how}: one process for all seeds, ready {s:.2} s after it was \
             started (the provider DLL is loaded anew for every seed)"
        ));
    }
    if seen.foreign > 0 {
        report.notes.push(format!(
            "not deterministic: the provider's own threads made {} callbacks; xpdrive.exe \
             answered them S_OK without the harness and they were not judged; the same seed \
             may not give the same trace",
            seen.foreign
        ));
    }
    for (method, n) in &seen.unsupported {
        report.notes.push(format!(
            "{method} is not modelled: answered MAPI_E_NO_SUPPORT ({n} calls)"
        ));
    }
    if let Some(why) = &seen.release_error {
        report.notes.push(format!(
            "a final Release failed {} times, after the seed's trace was closed (not judged; \
             the driver was restarted): first {why}",
            seen.release_failures
        ));
    }
    if seen.restarts > 0 {
        report.notes.push(format!(
            "xpdrive.exe was restarted {} times (after a crash or a call the harness gave up on)",
            seen.restarts
        ));
    }
}

/// Seeds `from..to` against the DLL: a `sim` report with engine `native`. `Err` when the
/// driver cannot be started (no wine, no driver, no DLL): a usage error, not a finding.
pub fn native_sim(
    run: &NativeRun,
    opts: &SimOptions,
    from: u64,
    to: u64,
    progress: Option<&mut dyn FnMut(u64)>,
) -> Result<Report, String> {
    let session = run.session(false);
    session.start()?;
    let name = run.name();
    let recipe = |seed: u64| run.recipe(seed);
    let mut report = crate::sim_run::run_sim_recipe(
        "native",
        &name,
        &[],
        factory(&session),
        opts,
        from,
        to,
        progress,
        &recipe,
    );
    init_failure(run, opts, from, &session, &mut report);
    session.stop();
    notes(&session, &mut report);
    Ok(report)
}

/// A DLL whose XPProviderInit fails never starts: the conforming spooler rightly leaves it
/// alone, so no rule is broken, but a pass would say nothing. It is reported as a crash of kind
/// `init` (exit 1) with the first seed's trace, run again on the same driver.
fn init_failure(
    run: &NativeRun,
    opts: &SimOptions,
    from: u64,
    session: &Arc<Session>,
    report: &mut Report,
) {
    let seen = session.unmodelled();
    let Some(why) = seen.init_error else { return };
    if report.crash.is_some() {
        return;
    }
    let events = xpcheck_sim::run_seed(factory(session), opts, from).events;
    let message = not_started(&format!("{why} ({} seeds)", seen.init_failures));
    report.verdict = crate::report::Status::Violated;
    report
        .notes
        .push(format!("provider init at seed {from}: {message}"));
    report.crash = Some(crate::report::CrashReport {
        kind: "init",
        message,
        seed: from,
        events,
        replay: run.recipe(from),
    });
}

/// What a report says of a DLL whose XPProviderInit failed or crashed.
fn not_started(why: &str) -> String {
    format!("{why}: the provider did not start, nothing of it was exercised")
}

/// One seed against the DLL with its whole trace (`native replay`); with `transcript`, also
/// the protocol lines both ways.
pub fn native_replay(
    run: &NativeRun,
    opts: &SimOptions,
    seed: u64,
    transcript: bool,
) -> Result<(Report, xpcheck_sim::SeedRun, Vec<String>), String> {
    let session = run.session(transcript);
    session.start()?;
    // sim's watchdog: a DLL without progress is a deadlock finding, its driver ended.
    let seed_run = xpcheck_sim::run_seed_watchdog(factory(&session), opts, seed, || session.stop());
    let lines = session.transcript();
    session.stop();
    let mut report =
        crate::sim_run::replay_report_with("native", &run.name(), &seed_run, run.recipe(seed));
    notes(&session, &mut report);
    if let Some(why) = session.unmodelled().init_error {
        report.verdict = crate::report::Status::Violated;
        report.notes.push(not_started(&why));
    }
    Ok((report, seed_run, lines))
}
