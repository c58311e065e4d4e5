//! `Mutex` on the facade: `std::sync::Mutex` or loom's, with a guard that remembers its mutex so
//! [`super::Condvar`] can release and retake it for an explored spurious wake-up or timeout.

use std::ops::{Deref, DerefMut};
use std::sync::{LockResult, PoisonError};

#[cfg(xpcheck_loom)]
pub(crate) use loom::sync::{Mutex as Inner, MutexGuard as InnerGuard};
#[cfg(not(xpcheck_loom))]
pub(crate) use std::sync::{Mutex as Inner, MutexGuard as InnerGuard};

/// A mutual-exclusion lock (std's API: `lock()` gives a `LockResult` of the guard).
#[derive(Debug, Default)]
pub struct Mutex<T> {
    inner: Inner<T>,
}

/// The guard of a [`Mutex`]; the lock is released when it is dropped.
pub struct MutexGuard<'a, T> {
    pub(crate) mutex: &'a Mutex<T>,
    pub(crate) inner: InnerGuard<'a, T>,
}

impl<T> Mutex<T> {
    /// A new unlocked mutex holding `value`.
    pub fn new(value: T) -> Mutex<T> {
        Mutex {
            inner: Inner::new(value),
        }
    }

    /// Blocks until the lock is held. `Err` only if a holder panicked (the data is still there).
    pub fn lock(&self) -> LockResult<MutexGuard<'_, T>> {
        self.wrap(self.inner.lock())
    }

    pub(crate) fn wrap<'a>(
        &'a self,
        r: LockResult<InnerGuard<'a, T>>,
    ) -> LockResult<MutexGuard<'a, T>> {
        match r {
            Ok(inner) => Ok(MutexGuard { mutex: self, inner }),
            Err(p) => Err(PoisonError::new(MutexGuard {
                mutex: self,
                inner: p.into_inner(),
            })),
        }
    }
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}
