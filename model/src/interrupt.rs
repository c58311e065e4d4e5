//! Interrupts: a process-wide flag that every engine checks at its safe points.
//!
//! The `xpcheck` CLI sets it on SIGINT / SIGTERM (DESIGN.md "CLI": exit 3 with the report so
//! far). Each engine stops at its next safe point and reports what it has, with verdict
//! `incomplete` — violations already found are kept:
//! - the stateright models (transport, session, exploration of real code) offer no more actions,
//!   so the checker drains its queue without expanding it;
//! - `sim` stops between seeds, `validate` between lines, the loom runner between executions.
//!
//! Nothing in a library sets the flag; a program or test that wants the same behaviour calls
//! [`request`] (and [`clear`] before the next run).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

fn cell() -> &'static Arc<AtomicBool> {
    static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    FLAG.get_or_init(|| Arc::new(AtomicBool::new(false)))
}

/// The flag itself, for a signal handler to set (signal-hook's `flag::register`).
pub fn flag() -> Arc<AtomicBool> {
    cell().clone()
}

/// Has an interrupt been requested? Cheap enough for every loop iteration.
pub fn requested() -> bool {
    cell().load(Ordering::Relaxed)
}

/// Asks every running engine to stop at its next safe point.
pub fn request() {
    cell().store(true, Ordering::SeqCst);
}

/// Forgets an interrupt (before a new run in the same process).
pub fn clear() {
    cell().store(false, Ordering::SeqCst);
}
