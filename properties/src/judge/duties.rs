//! What the flush-sequence, SpoolerNotify and status-row rules remember beyond
//! [`Session::flush`]: how each flush cycle began (AMB-27), where a FlushQueues sequence stands
//! (FQ-5, FQ-9..FQ-11), an AddressTypes owed after NOTIFY_CONFIG_CHANGE (SPN-5) and a
//! NOTIFY_READYTOSEND owed after the provider recovered (SPN-9).
//!
//! `Session::apply_duties` runs first in [`Session::apply`], so it sees the state before the
//! event, like the monitors do. Everything here is fixed-size.

use super::session::{Cancel, FlushState, Life, Session, INBOUND, OUTBOUND};
use crate::event::{Body, Event, Method, Thread};
use crate::vocab::{FlushFlags, HResult, SpoolerNotifyFlags, StatusCode, TransportNotifyFlags};

/// How a flush cycle began: the three entries of AMB-27.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FlushOrigin {
    /// `TransportNotify(NOTIFY_BEGIN_*_FLUSH)` (TN-8, TN-16).
    #[default]
    Notify,
    /// `IXPLogon::FlushQueues` (FQ-2, FQ-7..FQ-12).
    FlushQueues,
    /// The provider set its flush bit on its own initiative (FLOW-7).
    Provider,
}

/// A NOTIFY_READYTOSEND the provider owes after clearing STATUS_OFFLINE / STATUS_FAILURE
/// (SPN-9, AMB-13).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ReadyDue {
    /// The thread that changed the row.
    pub thread: Thread,
    /// Calls open on that thread at the change: the innermost of them must not return before
    /// the notification; 0 (the provider's own thread) = due before its next row change.
    pub depth: u8,
}

/// Duties of one logon judged by the FQ, SPN-5, SPN-9 monitors (SPEC §5.3).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Duties {
    /// How the current cycle of each direction (`[inbound, outbound]`) began; meaningful while
    /// `Session::flush[d].state` is not `Off`.
    pub origin: [FlushOrigin; 2],
    /// The last FlushQueues asked for FLUSH_NO_UI (FQ-5).
    pub no_ui: bool,
    /// In the inbound phase of a FlushQueues flush, the last StartMessage returned S_OK
    /// without SaveChanges: the provider has no more mail (FQ-11, AMB-15).
    pub queue_empty: bool,
    /// A NOTIFY_END_OUTBOUND_FLUSH call of a FlushQueues(UPLOAD|DOWNLOAD) flush is open with
    /// the inbound phase still to come: the row must show STATUS_INBOUND_FLUSH at its return
    /// (FQ-10).
    pub inbound_phase_due: bool,
    /// SpoolerNotify(NOTIFY_CONFIG_CHANGE) arrived and no AddressTypes followed yet (SPN-5).
    pub config_changed: bool,
    /// A NOTIFY_READYTOSEND is owed (SPN-9).
    pub ready_due: Option<ReadyDue>,
}

impl FlushOrigin {
    /// The cycle is part of a FlushQueues sequence (FQ-7..FQ-12 apply).
    pub fn is_flush_queues(self) -> bool {
        self == FlushOrigin::FlushQueues
    }
}

/// STATUS_OFFLINE | STATUS_FAILURE: the conditions whose end is a recovery (SPN-9, AMB-13).
pub const DOWN: StatusCode = StatusCode::STATUS_OFFLINE.union(StatusCode::STATUS_FAILURE);

impl Session {
    /// Open calls on a thread.
    pub fn depth(&self, thread: Thread) -> usize {
        self.frames.iter().filter(|f| f.thread == thread).count()
    }

    /// The direction's cycle is part of a FlushQueues sequence and not over (Requested or On).
    pub fn fq_cycle(&self, d: usize) -> bool {
        self.duties.origin[d].is_flush_queues() && self.flush[d].in_cycle()
    }

    /// A FlushQueues(FLUSH_NO_UI) sequence runs: the call itself or one of its phases (FQ-5).
    pub fn no_ui_flush(&self) -> bool {
        self.duties.no_ui
            && (self.frames.iter().any(|f| f.method == Method::FlushQueues)
                || (0..2).any(|d| self.fq_cycle(d)))
    }

    /// A row change clears the last of STATUS_OFFLINE / STATUS_FAILURE while outbound is
    /// enabled, outside the TransportNotify(NOTIFY_BEGIN_OUTBOUND) that enables it (SPN-9).
    pub fn recovers(&self, status: StatusCode) -> bool {
        let was_down = self.row.is_some_and(|r| r.intersects(DOWN));
        let beginning = self.frames.iter().any(|f| {
            f.method == Method::TransportNotify
                && f.notify
                    .contains(TransportNotifyFlags::NOTIFY_BEGIN_OUTBOUND)
        });
        was_down
            && !status.intersects(DOWN)
            && self.outbound
            && !beginning
            && matches!(self.life, Life::Active | Life::AwaitAddressTypes)
    }

    /// Updates [`Session::duties`] with one event, before the rest of [`Session::apply`].
    pub(super) fn apply_duties(&mut self, ev: &Event) {
        type F = TransportNotifyFlags;
        let th = ev.thread;
        match ev.body {
            Body::TransportNotify { flags, .. } => {
                for (d, begin) in [
                    (INBOUND, F::NOTIFY_BEGIN_INBOUND_FLUSH),
                    (OUTBOUND, F::NOTIFY_BEGIN_OUTBOUND_FLUSH),
                ] {
                    if flags.contains(begin) && !self.flush[d].in_cycle() {
                        self.duties.origin[d] = FlushOrigin::Notify;
                    }
                }
                if flags.contains(F::NOTIFY_END_OUTBOUND_FLUSH) && self.fq_cycle(OUTBOUND) {
                    // The inbound phase starts now (FQ-10, FQ-11).
                    self.duties.queue_empty = false;
                    self.duties.inbound_phase_due =
                        self.fq_cycle(INBOUND) && !flags.contains(F::NOTIFY_END_INBOUND_FLUSH);
                }
            }
            Body::FlushQueues { flags } => {
                for (d, bit) in [
                    (INBOUND, FlushFlags::FLUSH_DOWNLOAD),
                    (OUTBOUND, FlushFlags::FLUSH_UPLOAD),
                ] {
                    if flags.contains(bit) {
                        self.duties.origin[d] = FlushOrigin::FlushQueues;
                    }
                }
                self.duties.no_ui = flags.contains(FlushFlags::FLUSH_NO_UI);
                self.duties.queue_empty = false;
            }
            Body::ModifyStatusRow { status, .. } => {
                for d in [INBOUND, OUTBOUND] {
                    if self.flush[d].state == FlushState::Off
                        && status.contains(super::session::flush_bit(d))
                    {
                        self.duties.origin[d] = FlushOrigin::Provider;
                    }
                }
                // A READYTOSEND owed from the provider's own thread was due by this change; the
                // monitor has judged it (SPN-9).
                if self.duties.ready_due.is_some_and(|r| r.depth == 0) {
                    self.duties.ready_due = None;
                }
                if self.recovers(status) {
                    self.duties.ready_due = Some(ReadyDue {
                        thread: th,
                        depth: self.depth(th).min(u8::MAX as usize) as u8,
                    });
                }
            }
            Body::SpoolerNotify { flags, .. } => {
                type N = SpoolerNotifyFlags;
                if flags.contains(N::NOTIFY_READYTOSEND) {
                    self.duties.ready_due = None;
                }
                if flags.contains(N::NOTIFY_CONFIG_CHANGE)
                    && matches!(
                        self.life,
                        Life::LoggingOn | Life::AwaitAddressTypes | Life::Active
                    )
                {
                    self.duties.config_changed = true;
                }
            }
            Body::AddressTypes => self.duties.config_changed = false,
            Body::Return { method, hr, .. } => self.duties_on_return(th, method, hr),
            _ => {}
        }
    }

    fn duties_on_return(&mut self, th: Thread, method: Method, hr: HResult) {
        let Some(frame) = self.frame(th).copied() else {
            return;
        };
        if let Some(r) = self.duties.ready_due {
            let innermost = r.thread == th && r.depth as usize == self.depth(th) && r.depth > 0;
            if innermost || method == Method::TransportLogoff {
                // Judged by the monitor at this return (SPN-9).
                self.duties.ready_due = None;
            }
        }
        match method {
            Method::TransportNotify
                if frame
                    .notify
                    .contains(TransportNotifyFlags::NOTIFY_END_OUTBOUND_FLUSH) =>
            {
                self.duties.inbound_phase_due = false;
            }
            Method::FlushQueues if hr != HResult::S_OK => {
                // The spooler starts the flush only after S_OK (FQ-3): a refused request opens
                // no cycle (a bit the provider did set stays its own, FLOW-7).
                for d in [INBOUND, OUTBOUND] {
                    if frame.flush_requested & (1 << d) != 0
                        && self.flush[d].state == FlushState::Requested
                    {
                        self.flush[d].state = FlushState::Off;
                    }
                }
            }
            Method::StartMessage => {
                if let Some(o) = self.inb.obj {
                    let cancelled = o.cancel != Cancel::None || frame.yield_cancel;
                    if hr.is_success() && !cancelled {
                        // "No message" ends the inbound loop; a delivered one continues it
                        // (FQ-11, SM-10, AMB-15).
                        self.duties.queue_empty = !o.saved;
                    }
                }
            }
            Method::TransportLogoff => self.duties.config_changed = false,
            _ => {}
        }
    }
}
