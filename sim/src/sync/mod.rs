//! The synchronisation facade providers are written against: `std::sync` normally, `loom` when
//! built with `RUSTFLAGS="--cfg xpcheck_loom"` (our own cfg name, so other crates' plain `loom`
//! cfg is never flipped). Write a provider's shared state with these types and the same code runs
//! in the seeded simulator and, exhaustively, under loom (TN-27).
//!
//! [`Mutex`] and [`Condvar`] are thin wrappers of our own: under loom the condition variable also
//! explores the wake-ups loom never produces by itself — a spurious return from `wait` and a
//! timeout from `wait_timeout` (see [`condvar`]). [`Section`] is the re-entrant critical section
//! a provider puts around its transfer steps and TransportNotify (TN-17, STAT-4, AMB-21).

pub mod condvar;
pub mod mutex;
#[cfg(xpcheck_loom)]
pub mod plan;
pub mod section;

pub use condvar::{Condvar, WaitTimeoutResult};
pub use mutex::{Mutex, MutexGuard};
pub use section::{Section, SectionGuard};

#[cfg(not(xpcheck_loom))]
pub use std::sync::{atomic, Arc, RwLock};
#[cfg(not(xpcheck_loom))]
pub use std::thread;

#[cfg(xpcheck_loom)]
pub use loom::sync::{atomic, Arc, RwLock};
#[cfg(xpcheck_loom)]
pub use loom::thread;

/// The identity of the calling thread (a loom thread under loom). Providers use it to tell a
/// re-entrant TransportNotify (same thread, inside a callback) from one on another thread.
pub fn current_thread() -> thread::ThreadId {
    thread::current().id()
}
