//! A re-entrant critical section owned by a thread, like a Win32 `CRITICAL_SECTION`: the
//! synchronisation a transport provider needs around its transfer steps and TransportNotify
//! (TN-17, TN-19, TN-27, STAT-4, AMB-21).
//!
//! TransportNotify arrives on the spooler's notify thread while SubmitMessage, StartMessage or
//! EndMessage runs on its main thread — or re-entrantly, *inside* one of the provider's own
//! callbacks, on the same thread (the spooler's window procedure). A plain `Mutex` held across
//! a callback deadlocks on the second case; a lock released before the callback lets a cancel
//! come and return between a provider's check and its write (TN-17), or a status row computed
//! on one thread be published after a newer one (STAT-4). A section owned by a thread does
//! both right: the owner may enter again (the re-entrant case), another thread waits until the
//! owner has left (the concurrent case).
//!
//! ```
//! use xpcheck_sim::sync::{Mutex, Section};
//!
//! let cs = Section::new();
//! let data = Mutex::new(0u32);
//! {
//!     let _cs = cs.enter();
//!     let _again = cs.enter(); // the same thread may enter again (re-entrant)
//!     *data.lock().unwrap() += 1; // data under its own short lock, never across a callback
//! }
//! assert_eq!(*data.lock().unwrap(), 1);
//! ```
//!
//! Built on the facade's [`Mutex`] and [`Condvar`], so under
//! `--cfg xpcheck_loom` every interleaving of it is explored, spurious wake-ups included.

use std::marker::PhantomData;

use super::thread::ThreadId;
use super::{current_thread, Condvar, Mutex};

#[derive(Debug, Default)]
struct Owner {
    thread: Option<ThreadId>,
    depth: u32,
}

/// A re-entrant critical section (see the [module documentation](self)).
#[derive(Debug, Default)]
pub struct Section {
    owner: Mutex<Owner>,
    turn: Condvar,
}

/// Proof of being inside a [`Section`]; leaving happens when it is dropped. Not `Send`: a
/// section is left on the thread that entered it.
#[must_use = "the section is left when the guard is dropped"]
#[derive(Debug)]
pub struct SectionGuard<'a> {
    section: &'a Section,
    _not_send: PhantomData<*const ()>,
}

impl Section {
    /// A section nobody owns.
    pub fn new() -> Section {
        Section::default()
    }

    /// Enters the section: at once if nobody owns it or this thread does (re-entry, e.g. a
    /// TransportNotify inside one of this thread's own callbacks, AMB-21); otherwise waits
    /// until the owning thread has left it (TN-27).
    pub fn enter(&self) -> SectionGuard<'_> {
        let me = current_thread();
        let mut o = self.owner.lock().unwrap_or_else(|p| p.into_inner());
        while o.thread.is_some_and(|t| t != me) {
            o = self.turn.wait(o).unwrap_or_else(|p| p.into_inner());
        }
        o.thread = Some(me);
        o.depth += 1;
        SectionGuard {
            section: self,
            _not_send: PhantomData,
        }
    }
}

impl Drop for SectionGuard<'_> {
    fn drop(&mut self) {
        let s = self.section;
        let mut o = s.owner.lock().unwrap_or_else(|p| p.into_inner());
        o.depth -= 1;
        if o.depth == 0 {
            o.thread = None;
            drop(o);
            s.turn.notify_all();
        }
    }
}
