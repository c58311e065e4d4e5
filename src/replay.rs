//! Replay recipes that work where the user is (STYLE.md "Reproducing a failure"): every replay
//! hint a failure prints is a command that runs as printed.
//!
//! - From a test (`conformance::check`, `assert_conforms`): `XPCHECK_SEED=N cargo test
//!   [--release] [-p PKG] TEST -- --exact`, read back by the conformance API
//!   ([`seed_from_env`]): with `XPCHECK_SEED` set it runs that one seed, and with
//!   `XPCHECK_TRACE_OUT=FILE` also writes its trace there as JSON Lines (`xpcheck validate`
//!   reads it).
//! - From a command line (the built-in `xpcheck`, or an author's own from `xpcheck::cli`): the
//!   command as it was started — `cargo run [--release] --bin NAME --` or `--example NAME --`
//!   when cargo started it, otherwise the program as it was typed — followed by
//!   `replay --seed N`.

/// `XPCHECK_SEED=N`: the conformance API runs only seed `N` (a replay of a printed failure).
pub const ENV_SEED: &str = "XPCHECK_SEED";
/// `XPCHECK_TRACE_OUT=FILE`: with [`ENV_SEED`], the seed's trace is written to `FILE` as JSON
/// Lines (`"v": 1`), the format `xpcheck validate` reads.
pub const ENV_TRACE_OUT: &str = "XPCHECK_TRACE_OUT";

/// The seed `XPCHECK_SEED` names, if it is set.
///
/// # Panics
/// If it is set to anything but a number: a typo must not silently run every seed.
pub fn seed_from_env() -> Option<u64> {
    let v = std::env::var(ENV_SEED).ok()?;
    match v.trim().parse() {
        Ok(n) => Some(n),
        Err(_) => panic!("{ENV_SEED}={v:?}: expected a seed (a number)"),
    }
}

/// How to run the current test again with only `seed`: `XPCHECK_SEED=seed cargo test
/// [--release] [-p PKG] TEST -- --exact`, where TEST is the running test's name (libtest names
/// the thread after it) and PKG the package cargo is testing. `None` outside a test.
pub fn test_recipe(seed: u64) -> Option<String> {
    let thread = std::thread::current();
    let test = thread.name().filter(|n| *n != "main")?;
    let release = if cfg!(debug_assertions) {
        ""
    } else {
        " --release"
    };
    let package = std::env::var("CARGO_PKG_NAME")
        .map(|p| format!(" -p {p}"))
        .unwrap_or_default();
    Some(format!(
        "{ENV_SEED}={seed} cargo test{release}{package} {test} -- --exact"
    ))
}

/// The command that started this program, runnable as printed from where it was started:
/// `cargo run [--release] --bin NAME --` (or `--example NAME --`) when cargo started it (cargo
/// sets `CARGO` for the program it runs), otherwise the program as it was typed (`xpcheck`
/// when it is on the `PATH`, `./target/release/xpcheck` when run from there).
pub fn program_invocation() -> String {
    let argv0 = std::env::args().next().unwrap_or_else(|| "xpcheck".into());
    if std::env::var_os("CARGO").is_none() {
        return argv0;
    }
    let path = std::path::Path::new(&argv0);
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("xpcheck");
    let parent = path.parent();
    let dir = |p: Option<&std::path::Path>| {
        p.and_then(|p| p.file_name())
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_string()
    };
    let (kind, profile_dir) = if dir(parent) == "examples" {
        ("--example", dir(parent.and_then(|p| p.parent())))
    } else {
        ("--bin", dir(parent))
    };
    let profile = match profile_dir.as_str() {
        "debug" => String::new(),
        "release" => " --release".into(),
        other => format!(" --profile {other}"),
    };
    format!("cargo run{profile} {kind} {stem} --")
}

/// A built-in CLI hint (`xpcheck replay ...`) with the program as it was started in place of
/// `xpcheck`.
pub fn as_invoked(hint: &str) -> String {
    match hint.strip_prefix("xpcheck ") {
        Some(rest) => format!("{} {rest}", program_invocation()),
        None => hint.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_recipe_names_the_running_test_and_the_profile() {
        let r = test_recipe(42).expect("inside a test");
        assert!(r.starts_with("XPCHECK_SEED=42 cargo test"), "{r}");
        assert!(
            r.ends_with(
                " replay::tests::a_test_recipe_names_the_running_test_and_the_profile -- --exact"
            ),
            "{r}"
        );
        assert_eq!(r.contains(" --release"), !cfg!(debug_assertions), "{r}");
    }

    #[test]
    fn outside_a_test_there_is_no_test_recipe() {
        let r = std::thread::Builder::new()
            .name("main".into())
            .spawn(|| test_recipe(1))
            .expect("spawn")
            .join()
            .expect("join");
        assert_eq!(r, None);
    }
}
