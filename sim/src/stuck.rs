//! A provider that never came back (deadlock, spin, blocking call): which rule it breaks, read
//! from the calls still open in the trace so far. One definition for the engines that run real
//! code under a watchdog: the loom runner and exhaustive exploration (the seeded simulator
//! reports such a run as a crash).
//!
//! - TN-27 when a TransportNotify never returned: the provider's synchronisation with the other
//!   thread blocks it;
//! - TN-19 (AMB-6 (c)) when another entry point never returned.

use xpcheck_properties::event::{Body, Event, Method, Thread};
use xpcheck_properties::judge::{Blame, Finding, Severity};

/// Calls still open at the end of `events`, innermost last.
pub fn open_calls(events: &[Event]) -> Vec<(Thread, Method)> {
    let mut open: Vec<(Thread, Method)> = Vec::new();
    for e in events {
        match e.body {
            Body::Return { .. } => {
                if let Some(i) = open.iter().rposition(|(t, _)| *t == e.thread) {
                    open.remove(i);
                }
            }
            b => {
                if let Some(m) = b.call_method() {
                    open.push((e.thread, m));
                }
            }
        }
    }
    open
}

/// The rule and message for a run that stopped making progress: `what` says how it stopped
/// (`Deadlock`, `Livelock`, "no progress for 10000 ms", ...).
pub fn rule_and_message(what: &str, events: &[Event]) -> (&'static str, String) {
    let open = open_calls(events);
    let calls = open
        .iter()
        .map(|(t, m)| format!("{m:?} on {t:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    if open.iter().any(|(_, m)| *m == Method::TransportNotify) {
        (
            "TN-27",
            format!(
                "{what}: TransportNotify never returned (still open: {calls}); the provider's synchronisation with the other thread blocks it (TN-27, AMB-6 (c))"
            ),
        )
    } else {
        (
            "TN-19",
            format!(
                "{what}: an entry point never returned (still open: {calls}); it waits for something no later spooler call gives (TN-19, AMB-6 (c))"
            ),
        )
    }
}

/// The finding for it, on the last event before the provider stopped, so the failure renders
/// like every other counterexample.
pub fn finding(rule: &'static str, message: &str, events: &[Event]) -> Option<Finding> {
    events.last().map(|e| Finding {
        rule,
        seq: e.seq,
        severity: Severity::Error,
        graded: None,
        blame: Blame::Provider,
        message: message.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use xpcheck_properties::event::NotifyData;
    use xpcheck_properties::vocab::{HResult, SubmitFlags, TransportNotifyFlags};

    fn ev(seq: u64, thread: Thread, body: Body) -> Event {
        Event::new(seq, thread, body)
    }

    #[test]
    fn a_transport_notify_still_open_is_tn_27() {
        let events = [
            ev(
                0,
                Thread::Spooler,
                Body::SubmitMessage {
                    flags: SubmitFlags::empty(),
                    msg: Default::default(),
                    msg_ref: 0,
                },
            ),
            ev(
                1,
                Thread::Notify,
                Body::TransportNotify {
                    flags: TransportNotifyFlags::NOTIFY_CANCEL_MESSAGE,
                    data: Some(NotifyData::MsgRef(1)),
                },
            ),
        ];
        let (rule, msg) = rule_and_message("Deadlock", &events);
        assert_eq!(rule, "TN-27", "{msg}");
        assert_eq!(finding(rule, &msg, &events).map(|f| f.seq), Some(1));
    }

    #[test]
    fn another_entry_point_still_open_is_tn_19() {
        let events = [
            ev(
                0,
                Thread::Notify,
                Body::TransportNotify {
                    flags: TransportNotifyFlags::NOTIFY_BEGIN_OUTBOUND,
                    data: None,
                },
            ),
            ev(
                1,
                Thread::Notify,
                Body::ret(Method::TransportNotify, HResult::S_OK),
            ),
            ev(
                2,
                Thread::Spooler,
                Body::SubmitMessage {
                    flags: SubmitFlags::empty(),
                    msg: Default::default(),
                    msg_ref: 0,
                },
            ),
        ];
        assert_eq!(
            open_calls(&events),
            [(Thread::Spooler, Method::SubmitMessage)]
        );
        assert_eq!(rule_and_message("Deadlock", &events).0, "TN-19");
    }
}
