//! The in-memory messaging system a simulated provider talks to: the harness puts inbound mail
//! on it (recorded as `MailArrived`), the provider takes it for StartMessage and puts outbound
//! mail on it.

use std::collections::VecDeque;
use std::sync::Arc;

// The facade's mutex: under loom, sending and receiving are points where the other thread can
// run, as real network I/O is.
use crate::sync::{Mutex, MutexGuard};

/// A message on the wire.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WireMessage {
    /// Identity of the wire message (the `content` of events).
    pub content: u32,
    /// It carries nontransmittable properties, which a provider must not store in the inbound
    /// message (SM-8).
    pub nontransmittable: bool,
}

#[derive(Debug, Default)]
struct Queues {
    inbound: VecDeque<WireMessage>,
    sent: Vec<WireMessage>,
    offline: bool,
}

/// Shared handle on the simulated messaging system.
#[derive(Clone, Default)]
pub struct Wire(Arc<Mutex<Queues>>);

impl std::fmt::Debug for Wire {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Wire")
    }
}

impl Wire {
    /// An empty wire.
    pub fn new() -> Wire {
        Wire::default()
    }

    fn queues(&self) -> MutexGuard<'_, Queues> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Harness side: mail arrives for the provider.
    pub fn deliver(&self, m: WireMessage) {
        self.queues().inbound.push_back(m);
    }

    /// Provider side: how many inbound messages wait.
    pub fn waiting(&self) -> usize {
        self.queues().inbound.len()
    }

    /// Provider side: take the next inbound message.
    pub fn take(&self) -> Option<WireMessage> {
        self.queues().inbound.pop_front()
    }

    /// Provider side: put a message back at the head (a delivery was cancelled, TN-20).
    pub fn put_back(&self, m: WireMessage) {
        self.queues().inbound.push_front(m);
    }

    /// Provider side: transmit an outbound message.
    pub fn send(&self, m: WireMessage) {
        self.queues().sent.push(m);
    }

    /// Harness side: the remote system goes offline or comes back.
    pub fn set_online(&self, online: bool) {
        self.queues().offline = !online;
    }

    /// Provider side: can messages be transmitted now?
    pub fn is_online(&self) -> bool {
        !self.queues().offline
    }

    /// Inbound messages waiting, in order (the exhaustive explorer's snapshot of the wire).
    pub fn inbound(&self) -> Vec<WireMessage> {
        self.queues().inbound.iter().copied().collect()
    }

    /// Messages transmitted so far.
    pub fn sent(&self) -> Vec<WireMessage> {
        self.queues().sent.clone()
    }
}
