//! Benchmarks that print figures (no test asserts on time): `xpcheck bench` for the model,
//! `xpcheck bench-sim` for the simulator.

use std::time::Instant;

use xpcheck_model::check::{check, CheckOptions};
use xpcheck_model::{Behaviour, Config, Scenario};
use xpcheck_sim::{run_seed, run_seeds, SimOptions};

use crate::sim_run::sim_config;

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Unique states, states/s and symmetry reduction for 1..=max outbound messages.
pub fn model(max_messages: u8, max_states: usize) -> String {
    let mut out = String::from(
        "model benchmark: correct provider, base features (BEGIN/END, 2 cancels), 1 inbound, one logon, DFS, 1 thread\n\
         outbound  symmetry      unique      states   seconds   states/s  complete\n",
    );
    for n in 1..=max_messages {
        let mut rows = Vec::new();
        for symmetry in [false, true] {
            let mut cfg = Config::scenario(Scenario::Flush, Behaviour::Correct);
            cfg.flush = false;
            cfg.outbound = n;
            let o = check(
                cfg,
                CheckOptions {
                    symmetry,
                    threads: 1,
                    max_states: Some(max_states),
                    max_depth: None,
                    counterexamples: false,
                },
            );
            out += &format!(
                "{:>8}  {:<8} {:>11} {:>11} {:>9.2} {:>10.0}  {}\n",
                n,
                if symmetry { "on" } else { "off" },
                o.unique,
                o.states,
                o.seconds,
                o.states as f64 / o.seconds.max(1e-9),
                if o.complete { "yes" } else { "NO (bound)" }
            );
            rows.push(o);
        }
        if rows.iter().all(|o| o.complete) {
            out += &format!(
                "          reduction: {:.2}x fewer unique states\n",
                rows[0].unique as f64 / rows[1].unique as f64
            );
        }
    }
    out
}

/// Simulator figures: loopback throughput (median of `runs`), and for each broken provider the
/// median seeds and seconds to the first detection over `windows` disjoint seed windows.
pub fn sim(seeds: u64, runs: usize, windows: u64) -> String {
    let opts = SimOptions::new(sim_config());
    let loopback = xpcheck_providers::by_name("loopback").expect("built in");
    let mut out = format!("sim benchmark: loopback, {seeds} seeds of the standard configuration, median of {runs} runs\n");
    for watchdog in [true, false] {
        let o = SimOptions {
            watchdog_ms: if watchdog { opts.watchdog_ms } else { 0 },
            ..opts
        };
        let (mut evs, mut sps, mut secs) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..runs {
            let s = run_seeds(loopback.factory, &o, 0, seeds);
            evs.push(s.events as f64 / s.seconds.max(1e-9));
            sps.push(s.seeds as f64 / s.seconds.max(1e-9));
            secs.push(s.seconds);
        }
        out += &format!(
            "  {:<44} {:.3} s, {:.0} events/s, {:.0} seeds/s\n",
            if watchdog {
                "worker thread + watchdog (default):"
            } else {
                "same thread, watchdog off (one core):"
            },
            median(&mut secs),
            median(&mut evs),
            median(&mut sps)
        );
    }
    out += &format!(
        "\nfirst detection, median over {windows} disjoint windows of 100000 seeds:\n\
         provider                           seeds   seconds\n"
    );
    for p in xpcheck_providers::broken_for("sim") {
        let (mut n, mut t) = (Vec::new(), Vec::new());
        for w in 0..windows {
            let start = Instant::now();
            let base = w * 100_000;
            let found = (base..base + 100_000).find(|&seed| {
                let r = run_seed(p.factory, &opts, seed);
                r.crash.is_some() || r.judged.errors().next().is_some()
            });
            if let Some(seed) = found {
                n.push((seed - base + 1) as f64);
                t.push(start.elapsed().as_secs_f64());
            }
        }
        if n.is_empty() {
            out += &format!("{:<34} not found in {windows} windows\n", p.name);
        } else {
            out += &format!(
                "{:<34} {:>6.0} {:>9.4}   ({} of {windows} windows)\n",
                p.name,
                median(&mut n),
                median(&mut t),
                n.len()
            );
        }
    }
    out
}
