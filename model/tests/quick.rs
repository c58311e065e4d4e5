use xpcheck_model::check::{check, CheckOptions};
use xpcheck_model::{Behaviour, Config};

#[test]
#[ignore]
fn quick() {
    let b = std::env::var("B").ok().and_then(|n| Behaviour::from_name(&n)).unwrap_or(Behaviour::Correct);
    let mut cfg = Config::standard(b);
    cfg.outbound = std::env::var("O").ok().map(|v| v.parse().unwrap()).unwrap_or(1);
    cfg.inbound = std::env::var("I").ok().map(|v| v.parse().unwrap()).unwrap_or(1);
    if let Ok(f) = std::env::var("FEAT") {
        let has = |n: &str| f.split(',').any(|x| x == n);
        cfg.deferral = has("deferral"); cfg.flush = has("flush"); cfg.critsec = has("critsec");
        cfg.critical = has("critical"); cfg.yield_cancel = has("yield"); cfg.abort_submit = has("abort");
        cfg.refusals = u8::from(has("refuse"));
        cfg.late_mail = has("late");
        cfg.cancels = std::env::var("C").ok().map(|v| v.parse().unwrap()).unwrap_or(2);
    }
    let o = check(cfg, CheckOptions { counterexamples: true, max_states: Some(std::env::var("MAX").ok().map(|v| v.parse().unwrap()).unwrap_or(2_000_000)), ..Default::default() });
    eprintln!("unique {} states {} depth {} secs {:.2} complete {}", o.unique, o.states, o.depth, o.seconds, o.complete);
    eprintln!("violated {:?}", o.violated.iter().map(|r| r.id()).collect::<Vec<_>>());
    eprintln!("sometimes {:?}", o.sometimes);
    for cx in &o.counterexamples {
        eprintln!("--- {} ({} events)", cx.rule.id(), cx.events.len());
        for e in &cx.events { eprintln!("  {}", e.to_json_line()); }
        for f in &cx.judged.findings { eprintln!("  !! {} {}", f.rule, f.message); }
    }
}
