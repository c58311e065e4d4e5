//! A failure's printed replay recipe reproduces the same trace, for a provider that is not one
//! of xpcheck's built-ins, from both places an author meets one: a `cargo test` of the
//! conformance API (`XPCHECK_SEED=N cargo test ...`) and the author's own command line
//! (`cargo run --example ... -- replay --seed N`). Each test runs the printed command exactly as
//! printed (a nested cargo; the build is already there).

use std::process::Command;
use std::sync::Arc;

use xpcheck::prelude::*;

/// An outside provider that forgets cancels (TN-17) and its status row.
struct Forgetful(Wire);

struct Logon(Wire);

impl TransportProvider for Forgetful {
    fn transport_logon(
        &self,
        support: Support,
        flags: &mut LogonFlags,
    ) -> Result<Arc<dyn TransportLogon>, HResult> {
        support.modify_status_row(StatusRowFlags::empty(), StatusCode::STATUS_AVAILABLE);
        *flags = LogonFlags::empty();
        Ok(Arc::new(Logon(self.0.clone())))
    }
}

impl TransportLogon for Logon {
    fn transport_notify(&self, _: &mut TransportNotifyFlags, _: Option<NotifyData>) -> HResult {
        HResult::S_OK
    }

    fn submit_message(&self, _: SubmitFlags, m: &Message, out: &MsgRefOut, _: &mut u32) -> HResult {
        out.set(2);
        m.read();
        m.transmit(&self.0, false, false);
        m.set_responsibility();
        HResult::S_OK
    }

    fn end_message(&self, _: u32, flags: &mut EndMessageFlags) -> HResult {
        *flags = EndMessageFlags::empty();
        HResult::S_OK
    }

    fn flush_queues(&self, _: FlushFlags) -> HResult {
        HResult::S_OK
    }

    fn transport_logoff(&self, _: LogoffFlags) -> HResult {
        HResult::S_OK
    }
}

fn forgetful(wire: Wire) -> Arc<dyn TransportProvider> {
    Arc::new(Forgetful(wire))
}

/// Runs `recipe` (`VAR=value ... program args`) exactly as printed, from the package root, with
/// `extra` environment added.
fn run_as_printed(recipe: &str, extra: &[(&str, &str)]) -> std::process::Output {
    let mut words = recipe.split_whitespace().peekable();
    let mut env = Vec::new();
    while let Some(w) = words.peek() {
        match w.split_once('=') {
            Some((k, v)) if k.chars().all(|c| c.is_ascii_uppercase() || c == '_') => {
                env.push((k.to_string(), v.to_string()));
                words.next();
            }
            _ => break,
        }
    }
    let program = words.next().expect("a command");
    let mut cmd = Command::new(program);
    cmd.args(words)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .envs(env)
        .envs(extra.iter().copied());
    cmd.output().expect("the recipe runs")
}

fn lines(events: &[xpcheck::properties::event::Event]) -> String {
    events.iter().map(|e| e.to_json_line() + "\n").collect()
}

#[test]
fn conformance_replay_recipe_reproduces_the_trace() {
    let report = conformance::check("forgetful", forgetful, 0..200);
    if std::env::var(xpcheck::replay::ENV_SEED).is_ok() {
        return; // the nested run the recipe starts: it wrote the seed's trace
    }
    let cx = report.counterexamples.first().expect("forgetful is caught");
    let recipe = &cx.replay;
    let seed = cx.seed.expect("a seed");
    assert!(
        recipe.starts_with(&format!("XPCHECK_SEED={seed} cargo test"))
            && recipe.ends_with(" conformance_replay_recipe_reproduces_the_trace -- --exact"),
        "{recipe}"
    );
    let out = std::env::temp_dir().join(format!("xpcheck-replay-{}.jsonl", std::process::id()));
    let o = run_as_printed(
        recipe,
        &[("XPCHECK_TRACE_OUT", out.to_str().expect("utf-8"))],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let replayed = std::fs::read_to_string(&out).expect("the replay wrote its trace");
    let _ = std::fs::remove_file(&out);
    let events = cx.events.transport().expect("transport events");
    assert_eq!(replayed, lines(events), "the replay's trace differs");
}

#[test]
fn author_cli_replay_hint_reproduces_the_trace() {
    let sim = run_as_printed(
        "cargo run --release --example author_cli -- sim --seeds 0..200 --json",
        &[],
    );
    assert_eq!(
        sim.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&sim.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&sim.stdout).expect("json");
    let cx = &doc["counterexamples"][0];
    let recipe = cx["replay"].as_str().expect("a replay hint");
    assert!(
        recipe.starts_with("cargo run --release --example author_cli -- replay --seed "),
        "{recipe}"
    );
    // Exactly as printed: the same failure.
    let text = run_as_printed(recipe, &[]);
    assert_eq!(text.status.code(), Some(1));
    let rule = cx["rule"].as_str().expect("a rule");
    assert!(String::from_utf8_lossy(&text.stdout).contains(&format!("^^^ {rule} ")));
    // The same trace, event for event.
    let json = run_as_printed(&format!("{recipe} --json"), &[]);
    let replay: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(replay["events"], cx["events"]);
}
