//! Watchdogs of the engines that run real code on threads they cannot preempt: a provider that
//! deadlocks, spins or blocks is a finding with the trace so far (TN-27 / TN-19), never a hang
//! of xpcheck. Here, exhaustive exploration of real code (`conformance::exhaustive`); the loom
//! runner's is in `tests/loom.rs`, the simulator's in `sim/tests/harness.rs`.
//!
//! No timing is asserted: the figures are printed (`--nocapture`).

use std::sync::{Arc, Mutex};

use xpcheck::builtin::loopback::{explorable, LoopbackLogon, LoopbackSnapshot};
use xpcheck::properties::event::NotifyData;
use xpcheck::properties::vocab::{
    EndMessageFlags, FlushFlags, HResult, LogoffFlags, StartMessageFlags, SubmitFlags,
    TransportNotifyFlags,
};
use xpcheck::sim::api::{Message, MsgRefOut, Support, TransportLogon, Wire};
use xpcheck::sim::explore::{explore, ExplorableLogon, LogonFactory};

/// What the wrapped provider does wrong.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// A plain std Mutex held across SubmitMessage's callbacks, also taken by TransportNotify:
    /// a notification injected inside a callback (the re-entrant window procedure) deadlocks.
    LockAcrossCallback,
    /// SubmitMessage reads the message forever (a spin through the harness).
    SpinWithCallbacks,
}

/// The loopback provider with one fault added around it.
struct Faulty {
    inner: LoopbackLogon,
    fault: Fault,
    lock: Mutex<()>,
}

fn faulty(fault: Fault) -> LogonFactory<Faulty> {
    let inner = explorable(None);
    Arc::new(move |support, wire, flags| {
        Ok(Faulty {
            inner: inner(support, wire, flags)?,
            fault,
            lock: Mutex::new(()),
        })
    })
}

impl ExplorableLogon for Faulty {
    type Snapshot = (LoopbackSnapshot, bool);

    fn save(&self) -> Self::Snapshot {
        (self.inner.save(), self.fault == Fault::SpinWithCallbacks)
    }

    fn restore(s: &Self::Snapshot, support: Support, wire: Wire) -> Faulty {
        Faulty {
            inner: LoopbackLogon::restore(&s.0, support, wire),
            fault: if s.1 {
                Fault::SpinWithCallbacks
            } else {
                Fault::LockAcrossCallback
            },
            lock: Mutex::new(()),
        }
    }
}

impl TransportLogon for Faulty {
    fn transport_notify(
        &self,
        flags: &mut TransportNotifyFlags,
        data: Option<NotifyData>,
    ) -> HResult {
        let _g = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        self.inner.transport_notify(flags, data)
    }
    fn submit_message(
        &self,
        f: SubmitFlags,
        msg: &Message,
        r: &MsgRefOut,
        parm: &mut u32,
    ) -> HResult {
        if self.fault == Fault::SpinWithCallbacks {
            r.set(2);
            loop {
                msg.read();
            }
        }
        let _g = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        self.inner.submit_message(f, msg, r, parm)
    }
    fn end_message(&self, r: u32, f: &mut EndMessageFlags) -> HResult {
        self.inner.end_message(r, f)
    }
    fn start_message(&self, f: StartMessageFlags, msg: &Message, r: &MsgRefOut) -> HResult {
        self.inner.start_message(f, msg, r)
    }
    fn poll(&self, incoming: &mut u32) -> HResult {
        self.inner.poll(incoming)
    }
    fn flush_queues(&self, f: FlushFlags) -> HResult {
        self.inner.flush_queues(f)
    }
    fn transport_logoff(&self, f: LogoffFlags) -> HResult {
        self.inner.transport_logoff(f)
    }
}

#[test]
fn exhaustive_exploration_reports_a_deadlocking_provider_as_tn_27_with_the_trace_so_far() {
    let opts = xpcheck::conformance::explore_options();
    assert_eq!(opts.watchdog_ms, 10_000, "the default watchdog");
    let r = explore(faulty(Fault::LockAcrossCallback), opts);
    eprintln!(
        "deadlock found by the watchdog after {:.1} s ({} unique states explored)",
        r.seconds, r.unique
    );
    let (rule, events, findings) = r.counterexample.expect("a finding, not a hang");
    assert_eq!(rule, "TN-27", "{findings:?}");
    assert!(!r.complete, "a run the watchdog ended is not complete");
    let last = events.last().expect("the trace so far");
    assert!(
        last.to_json_line().contains("transport_notify"),
        "{}",
        last.to_json_line()
    );
    assert!(events
        .iter()
        .any(|e| e.to_json_line().contains("submit_message")));
    let f = findings.last().expect("the watchdog's finding");
    assert_eq!(f.seq, last.seq, "the finding sits on the last event");
    assert!(
        f.message.contains("no progress for 10000 ms"),
        "{}",
        f.message
    );
    // Numbered on from the path to the stuck step.
    assert!(events.windows(2).all(|w| w[0].seq + 1 == w[1].seq));
}

#[test]
fn exhaustive_exploration_reports_an_entry_point_that_never_returns_as_tn_19() {
    // No injections: otherwise a cancel inside the spin is the shorter TN-19 counterexample
    // (the monitor's AMB-6 (b) bound), found before the harness's budget runs out.
    let mut opts = xpcheck::conformance::explore_options();
    opts.injection_points = 0;
    let r = explore(faulty(Fault::SpinWithCallbacks), opts);
    let (rule, events, findings) = r.counterexample.expect("a finding");
    assert_eq!(rule, "TN-19", "{findings:?}");
    let f = findings.last().expect("finding");
    assert!(
        f.message.contains("SubmitMessage on Spooler"),
        "{}",
        f.message
    );
    assert!(
        f.message.contains("more than 1000 harness calls"),
        "{}",
        f.message
    );
    assert!(
        events.len() > 1000,
        "the trace up to the budget of harness calls"
    );
}
