//! The synchronisation facade providers are written against: `std::sync` normally, `loom` when
//! built with `RUSTFLAGS="--cfg xpcheck_loom"` (our own cfg name, so other crates' plain `loom`
//! cfg is never flipped). Write a provider's shared state with these types and the same code runs
//! in the seeded simulator and, exhaustively, under loom (TN-27).

#[cfg(not(xpcheck_loom))]
pub use std::sync::{atomic, Arc, Condvar, Mutex, MutexGuard, RwLock};
#[cfg(not(xpcheck_loom))]
pub use std::thread;

#[cfg(xpcheck_loom)]
pub use loom::sync::{atomic, Arc, Condvar, Mutex, MutexGuard, RwLock};
#[cfg(xpcheck_loom)]
pub use loom::thread;
