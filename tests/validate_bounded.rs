//! `validate` in bounded memory: per logon the monitors remember the last `SETTLED_KEPT`
//! settled outbound messages; older ones are forgotten and the report says so. What is still
//! judged (a recent message) fires; what is forgotten is said, never misjudged.

use std::io::Cursor;

use xpcheck::bench_validate::write_trace;
use xpcheck::properties::judge::session::SETTLED_KEPT;
use xpcheck::properties::judge::Settings;
use xpcheck::validate::{validate_reader, validate_report, ValidateReport};

/// The benchmark's trace of `n` messages, with `extra` lines before TransportLogoff.
fn trace(n: u64, extra: &[String]) -> String {
    let mut buf = Vec::new();
    write_trace(&mut buf, n).expect("in memory");
    let text = String::from_utf8(buf).expect("utf-8");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let tail = lines.split_off(lines.len() - 2);
    let mut seq = lines.len() as u64;
    for e in extra {
        lines.push(e.replace("SEQ", &seq.to_string()));
        seq += 1;
    }
    for t in tail {
        let v: serde_json::Value = serde_json::from_str(&t).expect("json");
        let mut v = v.as_object().expect("object").clone();
        v.insert("seq".into(), seq.into());
        seq += 1;
        lines.push(serde_json::to_string(&v).expect("json"));
    }
    lines.join("\n") + "\n"
}

fn judge(text: &str) -> ValidateReport {
    let o = validate_reader(Cursor::new(text.as_bytes()), Settings::default(), |_| {})
        .expect("well-formed");
    validate_report("t.jsonl", o, 0.0)
}

fn read_after_end(msg: u64) -> String {
    format!(
        "{{\"v\":1,\"seq\":SEQ,\"thread\":\"spooler\",\"event\":\"message_read\",\"msg\":{msg}}}"
    )
}

#[test]
fn a_long_trace_passes_and_says_how_many_settled_messages_were_forgotten() {
    let r = judge(&trace(200, &[]));
    assert_eq!(r.verdict.word(), "pass", "{}", r.render());
    let note = r
        .notes
        .iter()
        .find(|n| n.contains("forgotten"))
        .expect("a note");
    assert!(
        note.starts_with(&format!("{} settled", 200 - SETTLED_KEPT)),
        "{note}"
    );
}

#[test]
fn a_short_trace_forgets_nothing() {
    let r = judge(&trace(SETTLED_KEPT as u64, &[]));
    assert_eq!(r.verdict.word(), "pass", "{}", r.render());
    assert!(
        r.notes.iter().all(|n| !n.contains("forgotten")),
        "{:?}",
        r.notes
    );
}

#[test]
fn em_4_still_fires_for_a_recent_message_after_a_long_trace() {
    let r = judge(&trace(200, &[read_after_end(200)]));
    assert_eq!(r.verdict.word(), "violated", "{}", r.render());
    assert!(r.counterexamples.iter().any(|c| c.rule == "EM-4"));
}

#[test]
fn a_forgotten_message_is_not_misjudged() {
    // msg1 settled 199 messages ago: forgotten, so its use is not judged (the note says so).
    let r = judge(&trace(200, &[read_after_end(1)]));
    assert!(
        r.counterexamples.iter().all(|c| c.rule != "EM-4"),
        "{}",
        r.render()
    );
    assert!(r.notes.iter().any(|n| n.contains("EM-4")), "{:?}", r.notes);
}
