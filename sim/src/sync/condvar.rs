//! A condition variable with loom's two blind spots closed.
//!
//! loom's `Condvar::wait` never returns spuriously and its `wait_timeout` never times out, so a
//! provider that waits with `if` instead of `while`, or that relies on a timeout to make
//! progress, looks fine under loom. Under `--cfg xpcheck_loom` this wrapper consults the loom
//! scenario's fault plan (`sync::plan`, loom builds only): the plan's chosen wait (by its index
//! in the execution) returns early — spuriously for `wait`, timed out for `wait_timeout` —
//! after releasing the lock and taking it again. The scenario runner explores every such plan
//! in turn, each over all interleavings. Without the cfg this is `std::sync::Condvar`.

use std::sync::{LockResult, PoisonError};
use std::time::Duration;

use super::MutexGuard;

/// Whether a timed wait returned because its time ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WaitTimeoutResult(bool);

impl WaitTimeoutResult {
    /// True when the wait timed out rather than being notified.
    pub fn timed_out(&self) -> bool {
        self.0
    }
}

/// `Condvar` on the facade: `std::sync::Condvar`, or loom's plus explored spurious wake-ups and
/// timeouts.
#[derive(Debug, Default)]
pub struct Condvar {
    #[cfg(not(xpcheck_loom))]
    inner: std::sync::Condvar,
    #[cfg(xpcheck_loom)]
    inner: loom::sync::Condvar,
}

impl Condvar {
    /// A new condition variable.
    pub fn new() -> Condvar {
        Condvar::default()
    }

    /// Blocks until notified — or, under loom, returns spuriously when the fault plan says so.
    /// Always wait in a loop that re-checks the condition.
    pub fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> LockResult<MutexGuard<'a, T>> {
        let MutexGuard { mutex, inner } = guard;
        #[cfg(xpcheck_loom)]
        if super::plan::early_return(super::plan::WaitKind::Wait) {
            return reacquire(mutex, inner);
        }
        mutex.wrap(self.inner.wait(inner))
    }

    /// Blocks until notified or until `dur` has passed. Under loom a wait never times out by
    /// itself; the fault plan makes the chosen timed wait time out instead of blocking.
    pub fn wait_timeout<'a, T>(
        &self,
        guard: MutexGuard<'a, T>,
        dur: Duration,
    ) -> LockResult<(MutexGuard<'a, T>, WaitTimeoutResult)> {
        let MutexGuard { mutex, inner } = guard;
        #[cfg(xpcheck_loom)]
        {
            let _ = dur;
            if super::plan::early_return(super::plan::WaitKind::Timeout) {
                return with(reacquire(mutex, inner), true);
            }
            with(mutex.wrap(self.inner.wait(inner)), false)
        }
        #[cfg(not(xpcheck_loom))]
        match self.inner.wait_timeout(inner, dur) {
            Ok((g, r)) => with(mutex.wrap(Ok(g)), r.timed_out()),
            Err(p) => {
                let (g, r) = p.into_inner();
                with(mutex.wrap(Err(PoisonError::new(g))), r.timed_out())
            }
        }
    }

    /// Wakes one waiter.
    pub fn notify_one(&self) {
        self.inner.notify_one()
    }

    /// Wakes every waiter.
    pub fn notify_all(&self) {
        self.inner.notify_all()
    }
}

fn with<'a, T>(
    r: LockResult<MutexGuard<'a, T>>,
    timed_out: bool,
) -> LockResult<(MutexGuard<'a, T>, WaitTimeoutResult)> {
    match r {
        Ok(g) => Ok((g, WaitTimeoutResult(timed_out))),
        Err(p) => Err(PoisonError::new((
            p.into_inner(),
            WaitTimeoutResult(timed_out),
        ))),
    }
}

/// The early return of a planned wait: release the lock and take it again — what a real spurious
/// wake-up or timeout looks like to the waiter. Taking the lock is a loom branch point, so the
/// other threads may or may not run in between: both are explored.
#[cfg(xpcheck_loom)]
fn reacquire<'a, T>(
    mutex: &'a super::Mutex<T>,
    inner: super::mutex::InnerGuard<'a, T>,
) -> LockResult<MutexGuard<'a, T>> {
    drop(inner);
    mutex.lock()
}
