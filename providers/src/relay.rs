//! `relay`: a correct transport provider with one worker thread of its own that does the
//! sending, driven by NOTIFY_NEWMAIL instead of Poll — it does not return LOGON_SP_POLL, so the
//! spooler never polls it and looks for mail only when it says so (LIFE-10, SPN-10). A template
//! for the other common shape of provider, next to `loopback`:
//!
//! - **The worker transmits, the spooler's thread waits.** SubmitMessage registers the message
//!   and writes its msg-ref (SUB-4), hands it to the worker and waits for the outcome; the
//!   worker's callbacks (message read, transmit, PR_RESPONSIBILITY) are recorded on the
//!   `provider` lane. A cancel is seen by the worker's next step (TN-17): every step — check,
//!   then callback — runs inside one re-entrant [`Section`], and so does TransportNotify.
//! - **NOTIFY_NEWMAIL when inbound begins with mail waiting**; StartMessage delivers until the
//!   wire is empty ("no message", SM-10), and a cancelled delivery goes back on the wire to be
//!   delivered again (TN-20).
//! - **The worker stops at TransportLogoff** (or when the logon object is dropped): it is joined,
//!   so no thread outlives its logon.

use std::collections::BTreeMap;
use std::sync::Arc;

use xpcheck_properties::event::NotifyData;
use xpcheck_properties::vocab::{
    EndMessageFlags, FlushFlags, HResult, LogoffFlags, LogonFlags, SpoolerNotifyFlags,
    StartMessageFlags, StatusCode as St, StatusRowFlags, SubmitFlags, TransportNotifyFlags as F,
};
use xpcheck_sim::api::{
    Message, MsgRefOut, Props, Support, TransportLogon, TransportProvider, Wire,
};
use xpcheck_sim::sync::thread::{self, JoinHandle};
use xpcheck_sim::sync::{Condvar, Mutex, MutexGuard, Section};

/// The relay provider object (IXPProvider).
pub struct Relay {
    wire: Wire,
}

/// Builds the relay provider.
pub fn relay(wire: Wire) -> Arc<dyn TransportProvider> {
    Arc::new(Relay { wire })
}

#[derive(Clone, Copy, Default)]
struct Flight {
    inbound: bool,
    cancelled: bool,
}

#[derive(Default)]
struct State {
    row: St,
    next_ref: u32,
    flights: BTreeMap<u32, Flight>,
    /// The message the worker is to send next.
    job: Option<(u32, Message)>,
    /// The worker's outcome for a message: sent, or stopped by a cancel.
    done: Option<(u32, bool)>,
    stop: bool,
}

struct Shared {
    support: Support,
    wire: Wire,
    /// Around every transfer step and every TransportNotify (TN-17, TN-27, STAT-4).
    cs: Section,
    state: Mutex<State>,
    /// Signalled when a job is posted, finished, or the worker is to stop.
    work: Condvar,
}

/// The relay logon object (IXPLogon).
pub struct RelayLogon {
    shared: Arc<Shared>,
    worker: Mutex<Option<JoinHandle<()>>>,
}

impl TransportProvider for Relay {
    fn transport_logon(
        &self,
        support: Support,
        flags: &mut LogonFlags,
    ) -> Result<Arc<dyn TransportLogon>, HResult> {
        support.modify_status_row(StatusRowFlags::empty(), St::STATUS_AVAILABLE); // STAT-1
        *flags = LogonFlags::empty(); // NOTIFY_NEWMAIL instead of Poll (LIFE-10)
        let shared = Arc::new(Shared {
            support,
            wire: self.wire.clone(),
            cs: Section::new(),
            state: Mutex::new(State {
                row: St::STATUS_AVAILABLE,
                next_ref: 2,
                ..State::default()
            }),
            work: Condvar::new(),
        });
        let worker = {
            let shared = shared.clone();
            thread::spawn(move || shared.work_loop())
        };
        Ok(Arc::new(RelayLogon {
            shared,
            worker: Mutex::new(Some(worker)),
        }))
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The worker thread: send each message handed over, until told to stop.
    fn work_loop(&self) {
        loop {
            let (r, msg) = {
                let mut st = self.lock();
                loop {
                    if st.stop {
                        return;
                    }
                    if let Some(job) = st.job.take() {
                        break job;
                    }
                    st = self.work.wait(st).unwrap_or_else(|p| p.into_inner());
                }
            };
            let sent = self.send(r, &msg);
            self.lock().done = Some((r, sent));
            self.work.notify_all();
        }
    }

    /// One transfer step of message `r`: inside the section, check for a cancel, then make the
    /// callback (TN-17, AMB-6 (a)).
    fn step(&self, r: u32, f: impl FnOnce()) -> bool {
        let _cs = self.cs.enter();
        if self.lock().flights.get(&r).is_none_or(|fl| fl.cancelled) {
            return false;
        }
        f();
        true
    }

    /// On the worker thread: transmittable properties only, to recipients no other transport
    /// took (SUB-11, SUB-12), then PR_RESPONSIBILITY.
    fn send(&self, r: u32, msg: &Message) -> bool {
        self.step(r, || {
            msg.read();
        }) && self.step(r, || {
            msg.transmit(&self.wire, false, false);
        }) && self.step(r, || {
            msg.set_responsibility();
        })
    }

    /// Registers a message in flight and writes its msg-ref (SUB-4, SM-5): registered first, so
    /// a cancel carrying the preset 0/1 during the write finds it (TN-21).
    fn begin(&self, inbound: bool, out: &MsgRefOut) -> u32 {
        let r = {
            let mut st = self.lock();
            let r = st.next_ref;
            st.next_ref += 1;
            st.flights.insert(
                r,
                Flight {
                    inbound,
                    cancelled: false,
                },
            );
            r
        };
        out.set(r);
        r
    }

    /// Stops the worker and waits for it.
    fn stop(&self, worker: &Mutex<Option<JoinHandle<()>>>) {
        self.lock().stop = true;
        self.work.notify_all();
        let handle = worker.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(h) = handle {
            let _ = h.join();
        }
    }
}

impl Drop for RelayLogon {
    fn drop(&mut self) {
        self.shared.stop(&self.worker);
    }
}

impl TransportLogon for RelayLogon {
    fn transport_notify(&self, flags: &mut F, data: Option<NotifyData>) -> HResult {
        let f = *flags; // returned unchanged (TN-1)
        let sh = &self.shared;
        let _cs = sh.cs.enter(); // the worker's step in progress finishes first (TN-27)
        let row = {
            let mut st = sh.lock();
            if let (true, Some(NotifyData::MsgRef(r))) =
                (f.contains(F::NOTIFY_CANCEL_MESSAGE), data)
            {
                // Our ref, or the preset (0 out, 1 in) read before we wrote ours (TN-21).
                let key = if st.flights.contains_key(&r) {
                    Some(r)
                } else if r <= 1 {
                    let inbound = r == 1;
                    st.flights
                        .iter()
                        .find(|(_, fl)| fl.inbound == inbound)
                        .map(|(k, _)| *k)
                } else {
                    None
                };
                if let Some(fl) = key.and_then(|k| st.flights.get_mut(&k)) {
                    fl.cancelled = true; // TN-17
                }
            }
            let req = f.requested(); // any permitted mix (TN-28)
            for (on, bit) in [
                (req.inbound, St::STATUS_INBOUND_ENABLED),
                (req.outbound, St::STATUS_OUTBOUND_ENABLED),
                (req.flush[0], St::STATUS_INBOUND_FLUSH),
                (req.flush[1], St::STATUS_OUTBOUND_FLUSH),
            ] {
                if let Some(on) = on {
                    st.row.set(bit, on);
                }
            }
            st.row
        };
        // TN-6, TN-14, TN-22, TN-24: the row before returning; the lock is let go for the
        // callback, the section is not (STAT-4).
        sh.support
            .modify_status_row(StatusRowFlags::STATUSROW_UPDATE, row);
        if f.contains(F::NOTIFY_BEGIN_INBOUND) && sh.wire.waiting() > 0 {
            // The only new-mail path without LOGON_SP_POLL (SPN-10, LIFE-10).
            sh.support
                .spooler_notify(SpoolerNotifyFlags::NOTIFY_NEWMAIL, None);
        }
        HResult::S_OK
    }

    fn submit_message(
        &self,
        _flags: SubmitFlags,
        msg: &Message,
        out: &MsgRefOut,
        _parm: &mut u32,
    ) -> HResult {
        if msg.address_type() != "LOOP" {
            return HResult::MAPI_E_NOT_ME; // before touching it (SUB-5)
        }
        let sh = &self.shared;
        let r = sh.begin(false, out);
        sh.lock().job = Some((r, msg.clone()));
        sh.work.notify_all();
        let sent = {
            let mut st = sh.lock();
            loop {
                if let Some((d, sent)) = st.done {
                    if d == r {
                        st.done = None;
                        break sent;
                    }
                }
                st = sh.work.wait(st).unwrap_or_else(|p| p.into_inner());
            }
        };
        if sent {
            HResult::S_OK // in flight until EndMessage: a cancel may still come (TN-18)
        } else {
            sh.lock().flights.remove(&r);
            HResult::MAPI_E_USER_CANCEL // TN-19
        }
    }

    fn end_message(&self, msg_ref: u32, flags: &mut EndMessageFlags) -> HResult {
        self.shared.lock().flights.remove(&msg_ref);
        *flags = EndMessageFlags::empty(); // sent (EM-2)
        HResult::S_OK
    }

    fn start_message(&self, _flags: StartMessageFlags, msg: &Message, out: &MsgRefOut) -> HResult {
        let sh = &self.shared;
        let r = sh.begin(true, out);
        let Some(m) = sh.wire.take() else {
            sh.lock().flights.remove(&r);
            return HResult::S_OK; // no SaveChanges: "no message" (SM-10)
        };
        let delivered = sh.step(r, || {
            msg.set_props(Props {
                content: Some(m.content),
                ..Props::default() // transmittable properties only (SM-8)
            });
        }) && sh.step(r, || {
            msg.modify_recipients(true);
        }) && sh.step(r, || {
            msg.save_changes();
        });
        sh.lock().flights.remove(&r);
        if delivered {
            HResult::S_OK
        } else {
            sh.wire.put_back(m); // deliver it again later (TN-20)
            HResult::MAPI_E_USER_CANCEL
        }
    }

    fn flush_queues(&self, flags: FlushFlags) -> HResult {
        let sh = &self.shared;
        let _cs = sh.cs.enter();
        let row = {
            let mut st = sh.lock();
            st.row.set(
                St::STATUS_INBOUND_FLUSH,
                flags.contains(FlushFlags::FLUSH_DOWNLOAD),
            );
            st.row.set(
                St::STATUS_OUTBOUND_FLUSH,
                flags.contains(FlushFlags::FLUSH_UPLOAD),
            );
            st.row
        };
        sh.support
            .modify_status_row(StatusRowFlags::STATUSROW_UPDATE, row); // FQ-2
        HResult::S_OK
    }

    fn transport_logoff(&self, _flags: LogoffFlags) -> HResult {
        self.shared.stop(&self.worker); // no thread outlives its logon
        HResult::S_OK
    }
}
