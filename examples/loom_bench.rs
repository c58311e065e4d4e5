//! Loom suite figures: iterations and seconds per scenario at preemption bounds 2, 3 and
//! unbounded (each capped by a time budget; a capped run prints `incomplete`).
//!
//! ```text
//! RUSTFLAGS="--cfg xpcheck_loom" cargo run --release --example loom_bench -- [PROVIDER] [SECONDS]
//! ```

#[cfg(xpcheck_loom)]
fn main() {
    use std::time::Duration;
    use xpcheck::sim::races::{self, LoomOptions, SCENARIOS};
    let args: Vec<String> = std::env::args().collect();
    let name = args.get(1).map_or("loopback", |s| s.as_str());
    let secs: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(60);
    let Some(p) = xpcheck::builtin::by_name(name) else {
        eprintln!("xpcheck: unknown provider `{name}`");
        std::process::exit(2);
    };
    let only = args.get(3).cloned();
    for sc in SCENARIOS
        .iter()
        .filter(|s| only.as_deref().is_none_or(|o| o == s.name))
    {
        for bound in [Some(2), Some(3), None] {
            let opts = LoomOptions {
                preemption_bound: bound,
                max_iterations: None,
                max_duration: Some(Duration::from_secs(secs)),
                ..LoomOptions::default()
            };
            let r = races::run(sc, p.factory, &opts);
            println!("{}", r.summary());
        }
    }
}

#[cfg(not(xpcheck_loom))]
fn main() {
    eprintln!("build with RUSTFLAGS=\"--cfg xpcheck_loom\" to run the loom suite figures");
    std::process::exit(2);
}
