//! The loom scenario's fault plan for condition-variable waits (loom only).
//!
//! One execution of a loom model numbers the facade's waits in the order they happen. A plan
//! names at most one of them, by kind and index, to return early: a spurious wake-up for
//! `Condvar::wait`, a timeout for `Condvar::wait_timeout`. The scenario runner first explores
//! with no plan and counts the waits, then once per counted wait with that wait planned — so
//! every single spurious wake-up and every single timeout is explored over all interleavings.
//! loom runs all threads of a model on one OS thread, so the plan is a thread-local.

use std::cell::Cell;

/// Which facade call a wait was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitKind {
    /// `Condvar::wait`: may wake spuriously.
    Wait,
    /// `Condvar::wait_timeout`: may time out.
    Timeout,
}

/// One planned early return.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Planned {
    /// The kind of wait.
    pub kind: WaitKind,
    /// Its index among this execution's waits of that kind (0-based).
    pub index: u32,
}

thread_local! {
    static PLAN: Cell<Option<Planned>> = const { Cell::new(None) };
    static SEEN: Cell<[u32; 2]> = const { Cell::new([0, 0]) };
    static HIT: Cell<bool> = const { Cell::new(false) };
}

fn slot(kind: WaitKind) -> usize {
    match kind {
        WaitKind::Wait => 0,
        WaitKind::Timeout => 1,
    }
}

/// Start of an execution: set the plan and reset the counters.
pub fn begin(plan: Option<Planned>) {
    PLAN.with(|p| p.set(plan));
    SEEN.with(|s| s.set([0, 0]));
    HIT.with(|h| h.set(false));
}

/// Waits of each kind seen so far in this execution: `[wait, wait_timeout]`.
pub fn seen() -> [u32; 2] {
    SEEN.with(|s| s.get())
}

/// Whether the planned early return happened in this execution.
pub fn hit() -> bool {
    HIT.with(|h| h.get())
}

/// Called by every facade wait: true when this wait is the planned one.
pub(crate) fn early_return(kind: WaitKind) -> bool {
    let index = SEEN.with(|s| {
        let mut v = s.get();
        let i = v[slot(kind)];
        v[slot(kind)] += 1;
        s.set(v);
        i
    });
    let planned = PLAN.with(|p| p.get()) == Some(Planned { kind, index });
    if planned {
        HIT.with(|h| h.set(true));
    }
    planned
}
