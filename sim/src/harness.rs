//! The simulated spooler: records and judges every event, asks the conforming spooler which
//! actions are allowed, lets a seeded scheduler choose, and injects TransportNotify inside the
//! provider's callbacks. Single OS thread: the same seed gives the same trace, byte for byte.
//!
//! The whole lifecycle is driven, as the model's spooler allows it (`xpcheck_model::spooler`):
//! XPProviderInit (the provider factory), one or two logons (`Config::logons`), each with its
//! TransportLogon, traffic, Idle, FlushQueues, ValidateState, the status object's calls on
//! thread `client1`, a store's logoff, TransportLogoff and the Release of the logon object;
//! then Shutdown and the Release of the provider object. Every event is judged with
//! [`observe_event`]: the provider-level rules (LIFE-1..LIFE-5, LIFE-31..LIFE-34, FQ-6) run
//! too.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::chooser::Chooser;
use xpcheck_model::provider::notify_data;
use xpcheck_model::spooler::{out_id, permitted, provider_moves, LogonView, Spooler, SpoolerMove};
use xpcheck_model::state::Call;
use xpcheck_model::Config;
use xpcheck_properties::event::{Body, Event, Method, MsgId, Released, Thread, Word};
use xpcheck_properties::judge::session::OutPhase;
use xpcheck_properties::judge::{observe_event, Collect, ProviderState, Session};
use xpcheck_properties::vocab::consts::{CURRENT_SPI_VERSION, MAPI_STATUS};
use xpcheck_properties::vocab::{
    EndMessageFlags, FlagWord, FlushFlags, HResult, IdleFlags, LogoffFlags, LogonFlags,
    StartMessageFlags, StoreLogoffFlags, SubmitFlags, TransportNotifyFlags, ValidateStateFlags,
};

use crate::api::{StatusObject, TransportLogon, TransportProvider};
use crate::objects::{Message, MsgRefOut, Support};
use crate::wire::{Wire, WireMessage};

/// Knobs of a simulated run.
#[derive(Clone, Copy, Debug)]
pub struct SimOptions {
    /// The spooler configuration (messages, budgets, features) the conforming spooler follows.
    pub config: Config,
    /// Each seed first draws one of the feature mixes of [`SimOptions::mixed`] and adds it to
    /// `config` (default on), so that a range of seeds drives the whole lifecycle: two logons,
    /// ValidateState and the status object, FlushQueues with every flag combination. Off: every
    /// seed runs `config` exactly.
    pub mix: bool,
    /// Per mille: chance that a provider callback is followed by an injected TransportNotify.
    pub inject_per_mille: u32,
    /// Per mille: chance that SpoolerYield answers MAPI_W_CANCEL_MESSAGE (while the budget lasts).
    pub yield_cancel_per_mille: u32,
    /// Spooler actions per run before the run ends (a run, not a finding).
    pub max_steps: u32,
    /// Harness calls one entry point may make before it counts as hung (AMB-6 (c)).
    pub max_callbacks: u32,
    /// Watchdog: a seed that makes no progress for this many milliseconds (a provider blocked
    /// on its own lock, say) is reported as a deadlock and abandoned; 0 turns it off. Wall-clock
    /// time only decides whether to give up, never what happens in a trace.
    pub watchdog_ms: u32,
}

/// The feature mixes of a mixed run ([`SimOptions::mix`]), by the number a seed draws.
pub const MIXES: [&str; 4] = ["as configured", "lifecycle", "status", "flushqueues"];

impl SimOptions {
    /// Defaults for a spooler configuration (mixed: [`SimOptions::mix`]).
    pub fn new(config: Config) -> SimOptions {
        SimOptions {
            config,
            mix: true,
            inject_per_mille: 250,
            yield_cancel_per_mille: 100,
            max_steps: 200,
            max_callbacks: 1000,
            watchdog_ms: 10_000,
        }
    }

    /// The options with feature mix `n` of [`MIXES`] added to the configuration:
    /// 0 the configuration as given; 1 the lifecycle: two logons on one provider object (LIFE-5),
    /// LOGON_NO_DIALOG / LOGON_NO_CONNECT, a logon released without TransportLogoff (LIFE-34),
    /// every TransportLogoff flag (LIFE-27), a store's logoff (FLOW-15), Idle (IDLE-*); 2 the
    /// status object: IXPLogon::ValidateState with every flag (VS-*), OpenStatusEntry and
    /// IMAPIStatus ValidateState / FlushQueues / SettingsDialog on `client1` (STAT-6, STAT-11,
    /// FQ-15..FQ-17); 3 IXPLogon::FlushQueues with every flag combination (FQ-1..FQ-14).
    pub fn mixed(&self, n: u32) -> SimOptions {
        let mut o = *self;
        let c = &mut o.config;
        match n {
            1 => {
                c.logons = 2;
                c.lifecycle = true;
                c.idle = true;
                c.store_logoff = true;
            }
            2 => {
                c.validate = true;
                c.status = true;
            }
            3 => {
                c.flush_queues = true;
                c.deferral = true;
            }
            _ => {}
        }
        o
    }
}

/// A provider crash found by the simulator (not a rule: the provider broke the harness contract).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Crash {
    /// The provider panicked.
    Panic {
        /// Sequence number of the last event before the panic.
        after_seq: u64,
        /// The panic message.
        message: String,
    },
    /// The run made no progress within the watchdog budget: the provider blocked (typically
    /// on its own lock, re-entered by TransportNotify inside a callback, AMB-21).
    Deadlock {
        /// Sequence number of the last event.
        after_seq: u64,
    },
    /// An entry point made more harness calls than the budget without returning (AMB-6 (c)).
    Hang {
        /// Sequence number of the last event.
        after_seq: u64,
        /// The entry point.
        method: String,
    },
}

/// Payload of the panic the harness raises to unwind a hung entry point.
pub(crate) struct HangUnwind;

/// What the judge and the conforming spooler remember about one logon index.
#[derive(Clone, Debug, Default)]
pub(crate) struct Slot {
    pub(crate) session: Session,
    pub(crate) spooler: Spooler,
}

pub(crate) struct State {
    opts: SimOptions,
    choose: Chooser,
    pub(crate) events: Vec<Event>,
    /// The provider object as the judge remembers it (LIFE-1..LIFE-5, LIFE-31..LIFE-34, FQ-6).
    pub(crate) provider: ProviderState,
    /// One per logon index.
    pub(crate) slots: Vec<Slot>,
    pub(crate) judged: Collect,
    /// Explicit logical threads per OS thread, innermost last (the spooler's main thread of the
    /// OS thread that drives the run, a notification injected inside a callback, the wire's
    /// mail). An OS thread with none is a thread the provider owns: `provider`.
    threads: Vec<(std::thread::ThreadId, Thread)>,
    notify_busy: bool,
    callbacks: u32,
    entry: Option<Method>,
    next_obj: u32,
    hang: bool,
    /// Spooler calls made (a loom scenario tells a step made from one the spooler skipped).
    pub(crate) calls: u64,
    /// Set when loom drives the harness from real (loom) threads instead of the seeded scheduler.
    pub(crate) loom: Option<LoomMode>,
    /// Set by the exhaustive explorer: the one injection of this step.
    pub(crate) plan: Option<InjectPlan>,
    /// Sequence number of the first event (the explorer numbers a path's steps on).
    pub(crate) seq_base: u64,
    /// Outbound slots whose mail is for another transport (bit = slot; the explorer's fixed
    /// choice, where the seeded run draws it).
    pub(crate) foreign_slots: u8,
}

/// The exhaustive explorer's injection pick that answers the `at`-th callback, if it is
/// SpoolerYield, with MAPI_W_CANCEL_MESSAGE instead of injecting a notification (YLD-4).
pub(crate) const YIELD_CANCEL_PICK: u8 = u8::MAX;

/// The exhaustive explorer's injection: inside the `at`-th callback of the step, the `pick`-th
/// notification (or AbortSubmit) the conforming spooler allows at that moment, if there is one;
/// or, for [`YIELD_CANCEL_PICK`], SpoolerYield's cancel answer.
#[derive(Clone, Copy, Debug)]
pub(crate) struct InjectPlan {
    pub(crate) at: u32,
    pub(crate) pick: u8,
    pub(crate) seen: u32,
}

/// How the harness runs under a loom scenario: threads are named by identity, not by a call
/// stack, no notification is injected inside callbacks (the notify thread is a real thread), and
/// the trace is mirrored where the scenario runner can read it after loom gives up on an
/// execution (deadlock).
pub(crate) struct LoomMode {
    pub(crate) labels: Vec<(crate::sync::thread::ThreadId, Thread)>,
    pub(crate) mirror: Arc<Mutex<Vec<Event>>>,
}

/// Where the spooler reads a message's msg-ref when it cancels it.
#[derive(Clone)]
#[cfg_attr(not(xpcheck_loom), allow(dead_code))]
pub(crate) enum RefSource {
    /// `*lpulMsgRef` of a running SubmitMessage/StartMessage (TN-21: maybe still the preset).
    Cell(crate::sync::Arc<crate::sync::atomic::AtomicU32>),
    /// The ref EndMessage was called with.
    Value(u32),
}

/// The spooler's view of the message entry point now running on its main thread (loom
/// scenarios): the notify thread may cancel it from the provider's first move on it (its first
/// callback, or the start of its `*lpulMsgRef` write — a cancel read before the write lands
/// carries the preset 0/1, TN-21) until its return; recorded under this lock, so a cancel is
/// never issued for a message already back.
#[derive(Default)]
pub(crate) struct Window {
    pub(crate) armed: Option<RefSource>,
    pub(crate) open: bool,
}

/// The provider's objects the harness holds for one logon index: the logon object and the
/// status object a client opened on it.
#[derive(Clone, Default)]
struct Objects {
    logon: Option<Arc<dyn TransportLogon>>,
    status: Option<Arc<dyn StatusObject>>,
}

/// The harness shared by the support object, message objects and the scheduler.
pub struct Harness {
    pub(crate) wire: Wire,
    state: Mutex<State>,
    objects: Mutex<Vec<Objects>>,
    pub(crate) window: crate::sync::Mutex<Window>,
    /// Loom (and only loom: `Some` exactly under a loom scenario): ticked before every record,
    /// outside the harness lock. The trace is state both
    /// threads write, and loom must see it as such, or it would never put one thread's event
    /// between two of the other's (e.g. a cancel between a provider's check and its write).
    clock: Option<crate::sync::atomic::AtomicU64>,
}

impl State {
    /// The calling OS thread acts as logical thread `t` until [`State::pop_lane`].
    pub(crate) fn push_lane(&mut self, t: Thread) {
        self.threads.push((std::thread::current().id(), t));
    }

    /// Undoes the calling OS thread's last [`State::push_lane`].
    pub(crate) fn pop_lane(&mut self) {
        let me = std::thread::current().id();
        if let Some(i) = self.threads.iter().rposition(|(id, _)| *id == me) {
            self.threads.remove(i);
        }
    }

    /// The judge's state of logon `i` (logon 0 when a run has no such index).
    pub(crate) fn session(&self, i: u8) -> &Session {
        &self.slots[(i as usize).min(self.slots.len() - 1)].session
    }

    fn slot(&mut self, i: u8) -> &mut Slot {
        let i = (i as usize).min(self.slots.len() - 1);
        &mut self.slots[i]
    }

    /// The moves of logon `i`'s spooler (`main_idle`: nothing runs on its main thread), gated by
    /// the provider-level rules ([`permitted`]).
    fn logon_moves(&self, i: u8, main_idle: bool, out: &mut Vec<SpoolerMove>) {
        let s = &self.slots[i as usize];
        let first = out.len();
        s.spooler
            .allowed(&s.session, &self.opts.config, main_idle, true, out);
        let mut k = first;
        while k < out.len() {
            if permitted(&self.provider, i, &out[k]) {
                k += 1;
            } else {
                out.remove(k);
            }
        }
    }

    /// Every move the spooler side may make now, with its logon index: each logon's moves and
    /// the provider-level ones (Release of a logon, Shutdown, Release of the provider object;
    /// XPProviderInit is the factory's, made once when the run starts).
    fn all_moves(&self, out: &mut Vec<(u8, SpoolerMove)>) {
        let views: Vec<LogonView<'_>> = self
            .slots
            .iter()
            .map(|s| LogonView {
                session: &s.session,
                spooler: &s.spooler,
            })
            .collect();
        let mut pm = Vec::new();
        provider_moves(&self.provider, &views, &self.opts.config, true, &mut pm);
        out.extend(
            pm.into_iter()
                .filter(|(_, m)| !matches!(m, SpoolerMove::Provider(Call::ProviderInit { .. }))),
        );
        let mut moves = Vec::new();
        for i in 0..self.slots.len() as u8 {
            moves.clear();
            self.logon_moves(i, true, &mut moves);
            out.extend(moves.iter().map(|m| (i, *m)));
        }
    }
}

/// The lanes a harness starts with: the creating OS thread is the spooler's main thread
/// (under loom the scenario labels its loom threads instead).
fn base_lanes(loom: bool) -> Vec<(std::thread::ThreadId, Thread)> {
    if loom {
        Vec::new()
    } else {
        vec![(std::thread::current().id(), Thread::Spooler)]
    }
}

impl Harness {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn window(&self) -> crate::sync::MutexGuard<'_, Window> {
        self.window.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn objects(&self) -> MutexGuard<'_, Vec<Objects>> {
        self.objects.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The logon object of logon 0 (loom scenarios have one logon).
    #[cfg_attr(not(xpcheck_loom), allow(dead_code))]
    pub(crate) fn logon(&self) -> Option<Arc<dyn TransportLogon>> {
        self.logon_at(0)
    }

    /// The logon object of logon index `i`, if it is logged on and not released.
    pub(crate) fn logon_at(&self, i: u8) -> Option<Arc<dyn TransportLogon>> {
        self.objects().get(i as usize).and_then(|o| o.logon.clone())
    }

    /// Records an event on logon `logon` and returns the logical thread it was recorded on.
    pub(crate) fn record(st: &mut State, logon: u8, body: Body) -> Thread {
        let me = std::thread::current().id();
        let pushed = st.threads.iter().rev().find(|(id, _)| *id == me);
        let thread = match (&st.loom, pushed) {
            (_, Some((_, t))) => *t,
            // A thread the provider started itself (its own worker), not a spooler thread.
            (None, None) => Thread::Provider,
            (Some(m), None) => {
                let me = crate::sync::current_thread();
                m.labels
                    .iter()
                    .rev()
                    .find(|(id, _)| *id == me)
                    .map_or(Thread::Provider, |(_, t)| *t)
            }
        };
        let i = (logon as usize).min(st.slots.len() - 1);
        let ev = Event {
            logon: i as u8,
            ..Event::new(st.seq_base + st.events.len() as u64, thread, body)
        };
        let cfg = st.opts.config.settings;
        let State {
            provider,
            slots,
            judged,
            ..
        } = st;
        if matches!(ev.body, Body::SpoolerStatusFlush { .. }) {
            // Concerns every logon (FQ-4): each logon's spooler learns what it owes.
            for other in slots.iter_mut() {
                other.spooler.observe(&ev, &other.session);
            }
        }
        let slot = &mut slots[i];
        if !matches!(ev.body, Body::SpoolerStatusFlush { .. }) {
            slot.spooler.observe(&ev, &slot.session);
        }
        if let Err(e) = observe_event(provider, &mut slot.session, &cfg, &ev, judged) {
            // The harness builds calls and returns itself; a shape error is a harness bug.
            panic!("xpcheck harness produced a malformed trace: {e}");
        }
        if let Some(m) = &st.loom {
            m.mirror.lock().unwrap_or_else(|p| p.into_inner()).push(ev);
        }
        st.events.push(ev);
        thread
    }

    /// A harness with a fresh provider object from `factory` (XPProviderInit, recorded), the
    /// mail of the configuration already waiting on the wire (as in the model's scenarios).
    pub(crate) fn new(
        factory: &crate::api::ProviderFactory,
        opts: &SimOptions,
        choose: Chooser,
        loom: Option<LoomMode>,
    ) -> (Arc<Harness>, Arc<dyn TransportProvider>) {
        let loom_mode = loom.is_some();
        let wire = Wire::new();
        let logons = opts.config.logons.max(1);
        let h = Arc::new(Harness {
            wire: wire.clone(),
            state: Mutex::new(State {
                opts: *opts,
                choose,
                events: Vec::new(),
                provider: ProviderState::new(),
                slots: (0..logons)
                    .map(|i| Slot {
                        session: Session::default(),
                        spooler: Spooler::for_logon(&opts.config, i),
                    })
                    .collect(),
                judged: Collect::new(),
                threads: base_lanes(loom_mode),
                notify_busy: false,
                callbacks: 0,
                entry: None,
                next_obj: 99,
                hang: false,
                calls: 0,
                loom,
                plan: None,
                seq_base: 0,
                foreign_slots: 0,
            }),
            objects: Mutex::new(vec![Objects::default(); logons as usize]),
            window: crate::sync::Mutex::new(Window::default()),
            clock: loom_mode.then(|| crate::sync::atomic::AtomicU64::new(0)),
        });
        // The provider factory is XPProviderInit (LIFE-1..LIFE-3).
        h.init_begin();
        let provider = factory.make(wire.clone());
        h.init_end_with(provider.init_result(), provider.spi_version());
        {
            let mut st = h.lock();
            for c in 0..u32::from(opts.config.inbound) {
                st.push_lane(Thread::Wire);
                Harness::record(&mut st, 0, Body::MailArrived { content: c });
                st.pop_lane();
                // Some inbound mail carries nontransmittable properties (SM-8).
                let nontransmittable = st.choose.chance(300);
                wire.deliver(WireMessage {
                    content: c,
                    nontransmittable,
                });
            }
        }
        (h, provider)
    }

    /// Records `XPProviderInit(..., 0, CURRENT_SPI_VERSION, ...)` (LIFE-1, LIFE-2).
    pub(crate) fn init_begin(&self) {
        let mut st = self.lock();
        st.push_lane(Thread::Spooler);
        Harness::record(
            &mut st,
            0,
            Body::ProviderInit {
                flags: Word(0),
                mapi_ver: Word(CURRENT_SPI_VERSION),
            },
        );
        st.pop_lane();
    }

    /// Records XPProviderInit's return with the provider's SPI version (LIFE-3).
    pub(crate) fn init_end(&self, version: u32) {
        self.init_end_with(HResult::S_OK, version);
    }

    /// Records XPProviderInit's return with its HRESULT (a native DLL's may fail).
    pub(crate) fn init_end_with(&self, hr: HResult, version: u32) {
        let mut st = self.lock();
        st.push_lane(Thread::Spooler);
        Harness::record(
            &mut st,
            0,
            Body::ret_flags(Method::ProviderInit, hr, version),
        );
        st.pop_lane();
    }

    /// A harness resumed from the explorer's state (one logon; no mail delivered).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn resume(
        wire: Wire,
        opts: &SimOptions,
        provider: ProviderState,
        session: Session,
        spooler: Spooler,
        next_obj: u32,
        seq_base: u64,
        plan: Option<InjectPlan>,
        foreign_slots: u8,
    ) -> Arc<Harness> {
        Arc::new(Harness {
            wire,
            state: Mutex::new(State {
                opts: *opts,
                choose: Chooser::script(&[]),
                events: Vec::new(),
                provider,
                slots: vec![Slot { session, spooler }],
                judged: Collect::new(),
                threads: base_lanes(false),
                notify_busy: false,
                callbacks: 0,
                entry: None,
                next_obj,
                hang: false,
                calls: 0,
                loom: None,
                plan,
                seq_base,
                foreign_slots,
            }),
            objects: Mutex::new(vec![Objects::default()]),
            window: crate::sync::Mutex::new(Window::default()),
            clock: None,
        })
    }

    /// What the explorer keeps of a harness after a step: the provider's and logon 0's judged
    /// state, the spooler, the next object id, the step's events and judgement.
    pub(crate) fn suspend(&self) -> (ProviderState, Session, Spooler, u32, Vec<Event>, Collect) {
        let mut st = self.lock();
        let slot = std::mem::take(&mut st.slots[0]);
        (
            std::mem::take(&mut st.provider),
            slot.session,
            slot.spooler,
            st.next_obj,
            std::mem::take(&mut st.events),
            std::mem::take(&mut st.judged),
        )
    }

    /// Records an event on a given logical thread.
    pub(crate) fn record_on(&self, thread: Thread, body: Body) {
        let mut st = self.lock();
        st.push_lane(thread);
        Self::record(&mut st, 0, body);
        st.pop_lane();
    }

    /// Carries out one spooler move on logon index `logon`.
    pub(crate) fn perform(
        self: &Arc<Self>,
        provider: &Arc<dyn TransportProvider>,
        logon: u8,
        mv: SpoolerMove,
    ) {
        match mv {
            SpoolerMove::Main(call) => self.main_call(provider, logon, call),
            SpoolerMove::Notify(call) => self.notify(logon, call),
            SpoolerMove::Client(call) => self.client_call(logon, call),
            SpoolerMove::Provider(call) => self.provider_call(provider, call),
            SpoolerMove::TimePasses => {
                let mut st = self.lock();
                Harness::record(&mut st, logon, Body::TimePasses { secs: 30 });
            }
            SpoolerMove::AbortSubmit(slot) => Harness::abort_submit(&mut self.lock(), logon, slot),
            SpoolerMove::SpoolerStatusFlush => {
                // A client flushes the spooler's own status object: every active logon is owed an
                // IXPLogon::FlushQueues before its TransportLogoff (FQ-4). No provider call.
                let mut st = self.lock();
                st.push_lane(Thread::Client(1));
                Harness::record(
                    &mut st,
                    0,
                    Body::SpoolerStatusFlush {
                        flags: FlushFlags::FLUSH_UPLOAD | FlushFlags::FLUSH_DOWNLOAD,
                        target: None,
                    },
                );
                st.pop_lane();
            }
            SpoolerMove::StoreLogoff(flags) => {
                // StoreLogoffTransports: the spooler's own bookkeeping, no provider call (FLOW-15).
                let mut st = self.lock();
                Harness::record(
                    &mut st,
                    logon,
                    Body::StoreLogoff {
                        flags: StoreLogoffFlags::from_raw(flags),
                    },
                );
            }
        }
    }

    #[cfg_attr(not(xpcheck_loom), allow(dead_code))]
    /// Winds the run down as the spooler would once the logons are over: the Release of every
    /// logon object that logged off, Shutdown, the Release of the provider object (LIFE-31..
    /// LIFE-33). For engines that stop driving after TransportLogoff (loom scenarios).
    pub(crate) fn wind_up(self: &Arc<Self>, provider: &Arc<dyn TransportProvider>) {
        loop {
            let next = {
                let st = self.lock();
                let mut moves = Vec::new();
                st.all_moves(&mut moves);
                moves.into_iter().find(|(_, m)| {
                    matches!(
                        m,
                        SpoolerMove::Main(Call::ReleaseLogon) | SpoolerMove::Provider(_)
                    )
                })
            };
            let Some((logon, mv)) = next else { return };
            self.perform(provider, logon, mv);
        }
    }

    /// Installs a logon object (the exhaustive explorer restores one from a snapshot).
    pub(crate) fn set_logon(&self, logon: Option<Arc<dyn TransportLogon>>) {
        self.objects()[0].logon = logon;
    }

    /// Drops every logon and status object: they hold the support object, which holds the
    /// harness.
    pub(crate) fn release_logon(&self) {
        let all = std::mem::take(&mut *self.objects());
        drop(all);
    }

    fn chance(st: &mut State, per_mille: u32) -> bool {
        st.choose.chance(per_mille)
    }

    /// A provider callback: record it, check the hang budget, maybe inject a TransportNotify.
    /// Loom: the next record is an access to the shared trace (never under the harness lock:
    /// loom may switch threads here).
    pub(crate) fn tick(&self) {
        if let Some(c) = &self.clock {
            c.fetch_add(1, crate::sync::atomic::Ordering::SeqCst);
        }
    }

    /// Running under a loom scenario (the trace clock exists exactly then).
    fn is_loom(&self) -> bool {
        self.clock.is_some()
    }

    pub(crate) fn callback(self: &Arc<Self>, logon: u8, body: Body) {
        self.tick();
        let thread = {
            let mut st = self.lock();
            let thread = Self::record(&mut st, logon, body);
            self.count_callback(&mut st);
            thread
        };
        self.after_callback(logon, thread);
    }

    /// After a provider callback on `thread`: under loom, the running message entry point
    /// made a move, so from now on the notify thread may cancel it; in the seeded run, maybe a
    /// notification injected inside the callback.
    fn after_callback(self: &Arc<Self>, logon: u8, thread: Thread) {
        if !self.is_loom() {
            self.maybe_inject(logon);
        } else if thread != Thread::Notify {
            self.open_window();
        }
    }

    /// Loom: the armed entry point may be cancelled from now on.
    fn open_window(&self) {
        let mut w = self.window();
        if w.armed.is_some() {
            w.open = true;
        }
    }

    /// The provider is about to write `*lpulMsgRef`. A notification may land just before the
    /// write: a cancel then carries the spooler's preset, 0 outbound or 1 inbound (TN-21, SUB-3,
    /// SM-4), for a message the provider has started on — under loom by the notify thread
    /// reading the cell, in the seeded run injected here. (The exhaustive explorer injects
    /// inside callbacks only.)
    pub(crate) fn before_ref_write(self: &Arc<Self>, logon: u8) {
        self.tick();
        if self.is_loom() {
            self.open_window();
        } else if self.lock().plan.is_none() {
            self.maybe_inject(logon);
        }
    }

    /// `*lpulMsgRef = value`: the store and its event are one step for a cancel that reads the
    /// cell (under loom both happen under the window lock the cancel reads it under), so the
    /// trace never shows a cancel carrying a value before the write of it.
    pub(crate) fn write_ref(
        self: &Arc<Self>,
        logon: u8,
        cell: &crate::sync::atomic::AtomicU32,
        value: u32,
    ) {
        self.tick();
        let thread = {
            let _w = self.is_loom().then(|| self.window());
            cell.store(value, crate::sync::atomic::Ordering::SeqCst);
            let mut st = self.lock();
            let thread = Self::record(&mut st, logon, Body::MsgRefWrite { value });
            self.count_callback(&mut st);
            thread
        };
        self.after_callback(logon, thread);
    }

    fn count_callback(&self, st: &mut State) {
        st.callbacks += 1;
        if st.callbacks > st.opts.max_callbacks && st.entry.is_some() && !st.hang {
            st.hang = true;
            std::panic::panic_any(HangUnwind);
        }
    }

    /// `SpoolerYield(flags)`: S_OK, or MAPI_W_CANCEL_MESSAGE while the spooler's budget lasts.
    pub(crate) fn spooler_yield(self: &Arc<Self>, logon: u8, flags: u32) -> HResult {
        self.tick();
        let (result, thread) = {
            let mut st = self.lock();
            let may = st.opts.config.yield_cancel && st.slot(logon).spooler.yield_cancels > 0;
            let per = st.opts.yield_cancel_per_mille;
            let planned = st
                .plan
                .map(|p| p.pick == YIELD_CANCEL_PICK && p.at == p.seen);
            let cancel = match planned {
                Some(planned) => planned,
                None => Self::chance(&mut st, per),
            };
            let result = if may && cancel {
                HResult::MAPI_W_CANCEL_MESSAGE
            } else {
                HResult::S_OK
            };
            let thread = Self::record(
                &mut st,
                logon,
                Body::SpoolerYield {
                    flags: Word(flags),
                    result,
                },
            );
            self.count_callback(&mut st);
            (result, thread)
        };
        self.after_callback(logon, thread);
        result
    }

    /// Inside a callback on logon `logon`: maybe a TransportNotify on the notify thread, or a
    /// client's AbortSubmit of a queued message (store side, DEF-1..DEF-3), as the conforming
    /// spooler allows.
    fn maybe_inject(self: &Arc<Self>, logon: u8) {
        let mv = {
            let mut st = self.lock();
            if st.notify_busy {
                return;
            }
            let pick = if let Some(p) = &mut st.plan {
                // Exhaustive exploration: inject exactly the planned move at the planned
                // callback, if the conforming spooler allows it at that moment.
                let hit = p.seen == p.at;
                p.seen += 1;
                if !hit {
                    return;
                }
                Some(usize::from(p.pick))
            } else {
                let per = st.opts.inject_per_mille;
                if !Self::chance(&mut st, per) {
                    return;
                }
                None
            };
            let mut moves = Vec::new();
            st.logon_moves(logon.min(st.slots.len() as u8 - 1), false, &mut moves);
            moves.retain(|m| matches!(m, SpoolerMove::Notify(_) | SpoolerMove::AbortSubmit(_)));
            let i = match pick {
                Some(i) => i,
                None if moves.is_empty() => return,
                None => st.choose.below(moves.len() as u32) as usize,
            };
            let Some(&mv) = moves.get(i) else {
                return;
            };
            if let SpoolerMove::AbortSubmit(slot) = mv {
                Self::abort_submit(&mut st, logon, slot);
                return;
            }
            mv
        };
        if let SpoolerMove::Notify(call) = mv {
            self.notify(logon, call);
        }
    }

    fn abort_submit(st: &mut State, logon: u8, slot: u8) {
        st.push_lane(Thread::Client(1));
        Self::record(
            st,
            logon,
            Body::AbortSubmit {
                msg: out_id(slot),
                hr: HResult::S_OK,
                flags: Word(0),
            },
        );
        st.pop_lane();
    }

    /// TransportNotify on the notify thread (top level or injected inside a callback).
    fn notify(self: &Arc<Self>, logon: u8, call: Call) {
        let Call::Notify {
            flags,
            slot,
            msg_ref,
        } = call
        else {
            return;
        };
        let Some(l) = self.logon_at(logon) else {
            return;
        };
        let data = notify_data(flags, slot, msg_ref);
        let f = TransportNotifyFlags::from_raw(flags);
        {
            let mut st = self.lock();
            st.notify_busy = true;
            st.push_lane(Thread::Notify);
            Self::record(&mut st, logon, Body::TransportNotify { flags: f, data });
        }
        let mut out = f;
        // IMAPISupport::MakeInvalid replaced the logon's methods: MAPI answers for it (LIFE-36).
        let invalid = self.lock().session(logon).track.invalid;
        let hr = if invalid {
            HResult::MAPI_E_INVALID_OBJECT
        } else {
            l.transport_notify(&mut out, data)
        };
        let mut st = self.lock();
        Self::record(
            &mut st,
            logon,
            Body::ret_flags(Method::TransportNotify, hr, out.raw()),
        );
        st.pop_lane();
        st.notify_busy = false;
    }

    /// Records a spooler call. Under loom the spooler's decision is taken here, atomically with
    /// the record: no Poll or StartMessage once inbound is off, StartMessage only with a reason
    /// to expect mail, no SubmitMessage once outbound is off (TN-5, TN-13, TN-22, TN-24, SM-1) —
    /// false means the call is not made.
    fn begin(&self, logon: u8, method: Method, body: Body) -> bool {
        self.tick();
        let mut st = self.lock();
        if self.is_loom() {
            let s = st.session(logon);
            // A flush justifies StartMessage only while the row shows its bit (FQ-13): not
            // once NOTIFY_END_INBOUND_FLUSH is under way.
            let flushing = s.flush[0].state == xpcheck_properties::judge::session::FlushState::On;
            let allowed = match method {
                // Only for a provider that asked to be polled (POLL-1, LIFE-10).
                Method::Poll => s.inbound && s.caps.contains(LogonFlags::LOGON_SP_POLL),
                // Only with a reason to expect mail (SM-1, SPN-10), and never between an
                // accepted SubmitMessage and its EndMessage (SUB-8).
                Method::StartMessage => {
                    (flushing || s.inbound && s.inb.signalled)
                        && !s.out.iter().any(|m| m.phase == OutPhase::Accepted)
                }
                Method::SubmitMessage => s.outbound,
                _ => true,
            };
            if !allowed {
                return false;
            }
        }
        st.entry = Some(method);
        st.callbacks = 0;
        st.calls += 1;
        Self::record(&mut st, logon, body);
        true
    }

    /// Loom: the message entry point just called may be cancelled once it makes its first move.
    fn arm(&self, source: RefSource) {
        if self.is_loom() {
            let mut w = self.window();
            w.armed = Some(source);
            w.open = false;
        }
    }

    fn end(&self, logon: u8, body: Body) {
        self.tick();
        if self.is_loom() {
            // The return is recorded with the window closed under its lock: a cancel is
            // either issued before the return or not at all.
            let mut w = self.window();
            w.armed = None;
            w.open = false;
            let mut st = self.lock();
            Self::record(&mut st, logon, body);
            st.entry = None;
            return;
        }
        let mut st = self.lock();
        Self::record(&mut st, logon, body);
        st.entry = None;
    }

    /// A provider-level call on the spooler thread: Shutdown, the provider object's Release, or
    /// MAPI configuring the service (LIFE-21, LIFE-31, LIFE-33).
    fn provider_call(&self, provider: &Arc<dyn TransportProvider>, call: Call) {
        match call {
            Call::ServiceConfigure => {
                let mut st = self.lock();
                Self::record(&mut st, 0, Body::ServiceConfigure);
            }
            Call::Shutdown { flags } => {
                let _ = self.begin(0, Method::Shutdown, Body::Shutdown { flags: Word(flags) });
                let hr = provider.shutdown();
                self.end(0, Body::ret(Method::Shutdown, hr));
            }
            Call::ReleaseProvider => {
                let _ = self.begin(
                    0,
                    Method::Release,
                    Body::Release {
                        object: Released::Provider,
                    },
                );
                // The provider object itself is dropped when the run ends.
                self.end(0, Body::ret(Method::Release, HResult::S_OK));
            }
            _ => {}
        }
    }

    /// A client's call on thread `client1`: OpenStatusEntry, then the status object's
    /// IMAPIStatus methods (STAT-6, STAT-11, VS-*, FQ-15..FQ-17).
    fn client_call(self: &Arc<Self>, logon: u8, call: Call) {
        self.lock().push_lane(Thread::Client(1));
        self.client_call_inner(logon, call);
        self.lock().pop_lane();
    }

    fn client_call_inner(self: &Arc<Self>, logon: u8, call: Call) {
        let ret = |method, hr| Body::ret(method, hr);
        if let Call::OpenStatusEntry = call {
            let Some(l) = self.logon_at(logon) else {
                return;
            };
            if !self.begin(
                logon,
                Method::OpenStatusEntry,
                Body::OpenStatusEntry { flags: Word(0) },
            ) {
                return;
            }
            match l.open_status_entry() {
                Ok(status) => {
                    if let Some(o) = self.objects().get_mut(logon as usize) {
                        o.status = Some(status);
                    }
                    self.end(
                        logon,
                        Body::ret_flags(Method::OpenStatusEntry, HResult::S_OK, MAPI_STATUS),
                    );
                }
                Err(hr) => self.end(logon, ret(Method::OpenStatusEntry, hr)),
            }
            return;
        }
        let Some(status) = self
            .objects()
            .get(logon as usize)
            .and_then(|o| o.status.clone())
        else {
            return;
        };
        match call {
            Call::StatusValidateState { flags } => {
                let flags = ValidateStateFlags::from_raw(flags);
                let _ = self.begin(
                    logon,
                    Method::StatusValidateState,
                    Body::StatusValidateState { flags },
                );
                let hr = status.validate_state(flags);
                self.end(logon, ret(Method::StatusValidateState, hr));
            }
            Call::StatusFlushQueues { flags } => {
                let flags = FlushFlags::from_raw(flags);
                let _ = self.begin(
                    logon,
                    Method::StatusFlushQueues,
                    Body::StatusFlushQueues {
                        flags,
                        target: false,
                    },
                );
                let hr = status.flush_queues(flags);
                self.end(logon, ret(Method::StatusFlushQueues, hr));
            }
            Call::StatusSettingsDialog => {
                let _ = self.begin(
                    logon,
                    Method::StatusSettingsDialog,
                    Body::StatusSettingsDialog,
                );
                let hr = status.settings_dialog();
                self.end(logon, ret(Method::StatusSettingsDialog, hr));
            }
            _ => {}
        }
    }

    /// A call on the spooler's main thread into logon `logon` (or its Release).
    pub(crate) fn main_call(
        self: &Arc<Self>,
        provider: &Arc<dyn TransportProvider>,
        logon: u8,
        call: Call,
    ) {
        let ret = |method, hr| Body::ret(method, hr);
        match call {
            Call::Logon { flags } => {
                let input = LogonFlags::from_raw(flags);
                let _ = self.begin(
                    logon,
                    Method::TransportLogon,
                    Body::TransportLogon { flags: input },
                );
                let mut flags = input;
                let support = Support::new(self.clone(), logon);
                let (hr, l) = match provider.transport_logon(support, &mut flags) {
                    Ok(l) => (HResult::S_OK, Some(l)),
                    Err(hr) => (hr, None),
                };
                if let Some(o) = self.objects().get_mut(logon as usize) {
                    o.logon = l;
                }
                self.end(
                    logon,
                    Body::ret_flags(Method::TransportLogon, hr, flags.raw()),
                );
            }
            Call::ReleaseLogon => {
                let _ = self.begin(
                    logon,
                    Method::Release,
                    Body::Release {
                        object: Released::Logon,
                    },
                );
                // The client's status object goes with it; dropping the logon object is its
                // Release (LIFE-32, LIFE-34: without TransportLogoff, the provider's Drop winds
                // it down).
                let gone = self
                    .objects()
                    .get_mut(logon as usize)
                    .map(std::mem::take)
                    .unwrap_or_default();
                drop(gone);
                self.end(logon, ret(Method::Release, HResult::S_OK));
            }
            _ => {
                let Some(l) = self.logon_at(logon) else {
                    return;
                };
                self.logon_call(&l, logon, call, ret);
            }
        }
    }

    fn logon_call(
        self: &Arc<Self>,
        l: &Arc<dyn TransportLogon>,
        logon: u8,
        call: Call,
        ret: impl Fn(Method, HResult) -> Body,
    ) {
        match call {
            Call::AddressTypes => {
                if !self.begin(logon, Method::AddressTypes, Body::AddressTypes) {
                    return;
                }
                let hr = l.address_types();
                self.end(logon, ret(Method::AddressTypes, hr));
            }
            Call::Submit { slot, resubmission } => {
                // Mostly mail for the loopback address type; sometimes for another transport (LIFE-24).
                let foreign = {
                    let mut st = self.lock();
                    st.foreign_slots & (1 << slot) != 0 || st.choose.chance(150)
                };
                let address_type = if foreign { "X400" } else { "LOOP" };
                // The second outbound message carries nontransmittable properties and a recipient
                // another transport already took (SUB-11, SUB-12).
                let special = xpcheck_model::spooler::has_content_to_hold_back(slot);
                let msg = Message {
                    h: self.clone(),
                    logon,
                    id: out_id(slot),
                    address_type,
                    nontransmittable: special,
                    taken: special,
                };
                let flags = if resubmission {
                    SubmitFlags::BEGIN_DEFERRED
                } else {
                    SubmitFlags::empty()
                };
                let cell = MsgRefOut::new(self.clone(), logon, 0);
                if !self.begin(
                    logon,
                    Method::SubmitMessage,
                    Body::SubmitMessage {
                        flags,
                        msg: msg.id,
                        msg_ref: 0,
                    },
                ) {
                    return;
                }
                self.arm(RefSource::Cell(cell.value.clone()));
                let mut parm = 0;
                let hr = l.submit_message(flags, &msg, &cell, &mut parm);
                self.end(
                    logon,
                    Body::Return {
                        method: Method::SubmitMessage,
                        hr,
                        flags: None,
                        msg_ref: Some(cell.get()),
                        return_parm: Some(parm),
                        incoming: None,
                    },
                );
            }
            Call::End { slot } => {
                let r = self
                    .lock()
                    .session(logon)
                    .out(out_id(slot))
                    .map(|m| m.msg_ref)
                    .unwrap_or(0);
                if !self.begin(logon, Method::EndMessage, Body::EndMessage { msg_ref: r }) {
                    return;
                }
                self.arm(RefSource::Value(r));
                let mut flags = EndMessageFlags::empty();
                let hr = l.end_message(r, &mut flags);
                self.end(logon, Body::ret_flags(Method::EndMessage, hr, flags.raw()));
            }
            Call::Start { .. } => {
                let id = {
                    let mut st = self.lock();
                    st.next_obj += 1;
                    MsgId(st.next_obj)
                };
                let msg = Message {
                    h: self.clone(),
                    logon,
                    id,
                    address_type: "LOOP",
                    nontransmittable: false,
                    taken: false,
                };
                let cell = MsgRefOut::new(self.clone(), logon, 1);
                if !self.begin(
                    logon,
                    Method::StartMessage,
                    Body::StartMessage {
                        flags: Word(0),
                        msg: id,
                        msg_ref: 1,
                    },
                ) {
                    return;
                }
                self.arm(RefSource::Cell(cell.value.clone()));
                let hr = l.start_message(StartMessageFlags::empty(), &msg, &cell);
                self.end(
                    logon,
                    Body::Return {
                        method: Method::StartMessage,
                        hr,
                        flags: None,
                        msg_ref: Some(cell.get()),
                        return_parm: None,
                        incoming: None,
                    },
                );
            }
            Call::Poll => {
                if !self.begin(logon, Method::Poll, Body::Poll) {
                    return;
                }
                let mut n = 0;
                let hr = l.poll(&mut n);
                self.end(
                    logon,
                    Body::Return {
                        method: Method::Poll,
                        hr,
                        flags: None,
                        msg_ref: None,
                        return_parm: None,
                        incoming: Some(n),
                    },
                );
            }
            Call::Idle => {
                if !self.begin(logon, Method::Idle, Body::Idle { flags: Word(0) }) {
                    return;
                }
                let hr = l.idle(IdleFlags::empty());
                self.end(logon, ret(Method::Idle, hr));
            }
            Call::FlushQueues { flags } => {
                let flags = FlushFlags::from_raw(flags);
                if !self.begin(logon, Method::FlushQueues, Body::FlushQueues { flags }) {
                    return;
                }
                let hr = l.flush_queues(flags);
                self.end(logon, ret(Method::FlushQueues, hr));
            }
            Call::ValidateState { flags } => {
                let flags = ValidateStateFlags::from_raw(flags);
                let _ = self.begin(logon, Method::ValidateState, Body::ValidateState { flags });
                let hr = l.validate_state(flags);
                self.end(logon, ret(Method::ValidateState, hr));
            }
            Call::Logoff { flags } => {
                // The spooler's choice: LOGOFF_HURRY while a message waits for its EndMessage
                // (FLOW-1), otherwise 0, LOGOFF_NORMAL or LOGOFF_HURRY (LIFE-27, AMB-19).
                let flags = LogoffFlags::from_raw(flags);
                let _ = self.begin(
                    logon,
                    Method::TransportLogoff,
                    Body::TransportLogoff { flags },
                );
                let hr = l.transport_logoff(flags);
                self.end(logon, ret(Method::TransportLogoff, hr));
            }
            _ => {}
        }
    }
}

/// Everything one seed produced.
#[derive(Clone, Debug)]
pub struct SeedRun {
    /// The seed.
    pub seed: u64,
    /// The trace.
    pub events: Vec<Event>,
    /// Checks and findings of the monitors.
    pub judged: Collect,
    /// A panic or hang, if the provider crashed.
    pub crash: Option<Crash>,
}

thread_local! {
    pub(crate) static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

pub(crate) fn install_quiet_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
}

/// Runs one seed of the simulation on a fresh provider from `factory`.
pub fn run_seed(
    factory: impl Into<crate::api::ProviderFactory>,
    opts: &SimOptions,
    seed: u64,
) -> SeedRun {
    run_with(&factory.into(), opts, seed, Chooser::seeded(seed))
}

/// Runs a scripted session (proptest shrinks the script); `seed` in the result is 0.
pub fn run_script(
    factory: impl Into<crate::api::ProviderFactory>,
    opts: &SimOptions,
    script: &[u8],
) -> SeedRun {
    run_with(&factory.into(), opts, 0, Chooser::script(script))
}

/// The trace recorded so far (the watchdog reads it from a run it gave up on).
pub fn events_so_far(h: &Harness) -> Vec<Event> {
    match h.state.try_lock() {
        Ok(st) => st.events.clone(),
        Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner().events.clone(),
        Err(std::sync::TryLockError::WouldBlock) => Vec::new(),
    }
}

/// Like [`run_seed`], telling `on_start` the harness before driving it (for the watchdog).
pub fn run_seed_watched(
    factory: &crate::api::ProviderFactory,
    opts: &SimOptions,
    seed: u64,
    on_start: &dyn Fn(&Arc<Harness>),
) -> SeedRun {
    run_inner(factory, opts, seed, Chooser::seeded(seed), on_start)
}

fn run_with(
    factory: &crate::api::ProviderFactory,
    opts: &SimOptions,
    seed: u64,
    choose: Chooser,
) -> SeedRun {
    run_inner(factory, opts, seed, choose, &|_| {})
}

fn run_inner(
    factory: &crate::api::ProviderFactory,
    opts: &SimOptions,
    seed: u64,
    choose: Chooser,
    on_start: &dyn Fn(&Arc<Harness>),
) -> SeedRun {
    install_quiet_panic_hook();
    let mut choose = choose;
    // The seed's first decision: which feature mix it runs (SimOptions::mix).
    let mixed;
    let opts = if opts.mix {
        mixed = opts.mixed(choose.below(MIXES.len() as u32));
        &mixed
    } else {
        opts
    };
    let (h, provider) = Harness::new(factory, opts, choose, None);
    on_start(&h);
    QUIET.with(|q| q.set(true));
    let result = catch_unwind(AssertUnwindSafe(|| drive(&h, &provider, opts)));
    QUIET.with(|q| q.set(false));
    h.release_logon();
    let mut st = h.lock();
    let after_seq = st.events.len().saturating_sub(1) as u64;
    let crash = match result {
        Ok(()) => None,
        Err(payload) if payload.is::<HangUnwind>() => Some(Crash::Hang {
            after_seq,
            method: st.entry.map(|m| format!("{m:?}")).unwrap_or_default(),
        }),
        Err(payload) => Some(Crash::Panic {
            after_seq,
            message: payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "non-string panic payload".into()),
        }),
    };
    SeedRun {
        seed,
        events: std::mem::take(&mut st.events),
        judged: std::mem::take(&mut st.judged),
        crash,
    }
}

const END_DIRECTION: u32 = TransportNotifyFlags::NOTIFY_END_INBOUND
    .union(TransportNotifyFlags::NOTIFY_END_OUTBOUND)
    .bits();

/// How often the scheduler picks a move, relative to the others (40 is "ordinary").
fn weight(m: &SpoolerMove) -> u32 {
    match m {
        // Logging off ends a logon: rare (1 in 40 per other move) so runs get somewhere.
        SpoolerMove::Main(Call::Logoff { .. }) => 1,
        // Aborting a deferred message is rare too (a user's cancel, or the spooler's own
        // before it logs off, TN-25/TN-26), so the provider gets to announce it (DEF-4).
        SpoolerMove::Notify(Call::Notify { flags, .. })
            if flags & TransportNotifyFlags::NOTIFY_ABORT_DEFERRED.raw() != 0 =>
        {
            2
        }
        // Ending a direction is for good (LIFE-35): not too early either.
        SpoolerMove::Notify(Call::Notify { flags, .. }) if flags & END_DIRECTION != 0 => 8,
        // A store's logoff winds the traffic down (FLOW-15); Idle comes whenever nothing runs.
        SpoolerMove::StoreLogoff(_) => 2,
        SpoolerMove::Main(Call::Idle) => 10,
        _ => 40,
    }
}

fn drive(h: &Arc<Harness>, provider: &Arc<dyn TransportProvider>, opts: &SimOptions) {
    // A quarter of the runs start with the remote system offline (store-and-forward, DEF-4).
    let offline = h.lock().choose.chance(250);
    h.wire.set_online(!offline);
    let mut moves = Vec::new();
    for _ in 0..opts.max_steps {
        let (logon, mv) = {
            let mut st = h.lock();
            moves.clear();
            st.all_moves(&mut moves);
            if moves.is_empty() {
                return;
            }
            // The remote system goes offline or comes back now and then (store-and-forward:
            // a provider may defer outbound mail meanwhile, EM-2, DEF-4).
            if st.choose.chance(50) {
                let online = h.wire.is_online();
                h.wire.set_online(!online);
            }
            let total: u32 = moves.iter().map(|(_, m)| weight(m)).sum();
            let mut pick = st.choose.below(total);
            let mut chosen = moves[0];
            for m in &moves {
                let w = weight(&m.1);
                if pick < w {
                    chosen = *m;
                    break;
                }
                pick -= w;
            }
            chosen
        };
        h.perform(provider, logon, mv);
    }
}
