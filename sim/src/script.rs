//! proptest over spooler scripts: a script is the byte stream of scheduling decisions (which
//! allowed spooler action next, whether and what to inject inside a callback, what SpoolerYield
//! answers). Every script is a legal session because each byte only picks among the actions the
//! conforming spooler allows at that point. proptest shrinks a failing script to a minimal one.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestError, TestRng, TestRunner};

use crate::api::ProviderFactory;
use crate::harness::{run_script, SeedRun, SimOptions};

/// Scripts of up to `max_len` decisions.
pub fn scripts(max_len: usize) -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 0..max_len)
}

/// Did this run break a rule or crash?
pub fn failed(run: &SeedRun) -> bool {
    run.crash.is_some() || run.judged.errors().next().is_some()
}

/// A failing script after shrinking, and its run.
#[derive(Clone, Debug)]
pub struct Minimal {
    /// The shrunk script.
    pub script: Vec<u8>,
    /// Its run (events, findings).
    pub run: SeedRun,
}

/// Runs `cases` scripts (deterministic proptest RNG); returns the shrunk minimal failing
/// script, or `None` if every case conformed.
pub fn find_minimal(
    factory: impl Into<ProviderFactory>,
    opts: &SimOptions,
    cases: u32,
    max_len: usize,
) -> Option<Minimal> {
    let factory = factory.into();
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let result = runner.run(&scripts(max_len), |script| {
        let run = run_script(factory.clone(), opts, &script);
        if failed(&run) {
            Err(TestCaseError::fail(
                "a rule was violated or the provider crashed",
            ))
        } else {
            Ok(())
        }
    });
    match result {
        Ok(()) => None,
        Err(TestError::Fail(_, script)) => {
            let run = run_script(factory.clone(), opts, &script);
            Some(Minimal { script, run })
        }
        Err(TestError::Abort(_)) => None,
    }
}
