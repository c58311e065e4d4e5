//! What the contract remembers about the provider object (IXPProvider), rebuilt from events
//! alone: its initialisation, shutdown and release, and a small lifecycle per logon index, so
//! that rules spanning logons can be judged (LIFE-1..LIFE-5, LIFE-20, LIFE-21, LIFE-31..LIFE-33,
//! SVC-7, FQ-4, FQ-6; SPEC.md §5.1 "per provider object", §5.2).
//!
//! `XPProviderInit`, `Shutdown`, `Release` of the provider object, MAPI's
//! MSG_SERVICE_CONFIGURE and a client's FlushQueues on the spooler's status object are
//! provider-level events ([`Body::is_provider_level`]); their calls
//! are open calls of the provider ([`PFrame`]), not of a logon. A return goes to the innermost
//! open call on its thread, wherever it is: a per-thread call depth tells whether that is a
//! provider-level call (AMB-21: `Shutdown` nested inside the last `TransportLogoff`). The state
//! is small and fixed-size (`Clone + Hash + Eq + Ord`): the stateright model carries it.

use super::copy_vec::CopyVec;
use super::session::{Life, Session};
use super::{Settings, Sink, TraceError};
use crate::event::{Body, Event, Method, Released, Thread};
use crate::monitors;
use crate::rules::Rid;
use crate::vocab::{FlushFlags, HResult, MapiLogonFlags, StatusCode, TransportNotifyFlags as F};

/// Logon indices a provider can have (`Event::logon` is 0..=15).
pub const MAX_LOGONS: usize = 16;

/// Where the provider object's initialisation stands (LIFE-1..LIFE-4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Init {
    /// No XPProviderInit seen (a trace may start at TransportLogon: init not recorded).
    #[default]
    NotSeen,
    /// XPProviderInit is running.
    Running,
    /// XPProviderInit succeeded with a usable SPI version.
    Ok,
    /// XPProviderInit succeeded with a major SPI version below MAPI's: MAPI must release the
    /// object without using it (LIFE-4).
    TooLow,
    /// XPProviderInit failed: no provider object exists (LIFE-3, LIFE-4).
    Failed,
    /// The provider object was released (LIFE-31, LIFE-33).
    Released,
}

/// The provider's view of one logon index (SPEC.md §5.2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LogonLife {
    /// Never logged on.
    #[default]
    Never,
    /// TransportLogon running.
    LoggingOn,
    /// TransportLogon succeeded; not logged off yet (Critical included).
    Live,
    /// TransportLogoff running.
    LoggingOff,
    /// TransportLogoff returned; the spooler has not released the logon object yet (LIFE-32).
    Gone,
    /// The spooler released the logon object (after TransportLogoff, or instead of it: LIFE-34).
    Released,
    /// TransportLogon failed: no logon object (LIFE-20, LIFE-21).
    Failed,
}

/// An open provider-level call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PFrame {
    /// The thread it runs on.
    pub thread: Thread,
    /// ProviderInit, Shutdown or Release.
    pub method: Method,
    /// Calls open on the thread (of any object) when it began.
    pub depth: u8,
}

/// Which state an event belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// The provider object ([`ProviderState`]).
    Provider,
    /// The logon named by `Event::logon` ([`Session`]).
    Logon,
}

/// Everything remembered about the provider object.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProviderState {
    /// Initialisation (LIFE-1..LIFE-4).
    pub init: Init,
    /// XPProviderInit's ulFlags carried MAPI_NT_SERVICE: no UI at all (SVC-7).
    pub nt_service: bool,
    /// XPProviderInit's ulMAPIVer (LIFE-3).
    pub mapi_ver: u32,
    /// The version the provider returned in *lpulProviderVer, if recorded (LIFE-3, LIFE-4).
    pub provider_ver: Option<u32>,
    /// Shutdown was called on this object (LIFE-33).
    pub shut_down: bool,
    /// A call into the provider came while no initialised object existed (LIFE-1).
    pub uninit_calls: bool,
    /// A TransportLogon failed with an error other than MAPI_E_UNCONFIGURED: MAPI calls this
    /// provider no more (LIFE-20).
    pub logon_failed: bool,
    /// A TransportLogon failed with MAPI_E_UNCONFIGURED and no retry followed yet (LIFE-21).
    pub unconfigured: bool,
    /// MAPI ran MSG_SERVICE_CONFIGURE since that failure (LIFE-21).
    pub configured: bool,
    /// Lifecycle per logon index.
    pub logons: [LogonLife; MAX_LOGONS],
    /// Logons (bit per index) whose support object was released: MAPI no longer counts them
    /// live (LIFE-31, AMB-21).
    pub unhooked: u16,
    /// Logons with a flush cycle in progress (FQ-6).
    pub flushing: u16,
    /// Logons whose cycle in progress was started by IXPLogon::FlushQueues (FQ-6).
    pub fq_started: u16,
    /// What a client's FlushQueues on the spooler's status object left the spooler owing
    /// (FQ-4).
    pub spooler_flush: SpoolerFlush,
    /// Open provider-level calls, in call order.
    pub frames: CopyVec<PFrame, 2>,
    /// Open calls per thread slot (see [`slot`]), provider-level and logon-level alike.
    pub depth: [u8; 8],
}

/// FQ-4: a client's `IMAPIStatus::FlushQueues` on the spooler's status object
/// ([`Body::SpoolerStatusFlush`]) makes the spooler call `IXPLogon::FlushQueues` on every
/// transport logon active at that moment (after AddressTypes, before TransportLogoff, not
/// critical: [`Life::Active`]), or on the one it named (FQ-18). One bit per logon index.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpoolerFlush {
    /// Logons that are active now ([`Life::Active`]).
    pub active: u16,
    /// Logons a client flush on the spooler's status object named while they were active:
    /// their TransportLogoff is where FQ-4 is judged.
    pub asked: u16,
    /// Of those, the ones that got no `IXPLogon::FlushQueues` since the latest such flush.
    pub owed: u16,
}

impl SpoolerFlush {
    /// The logons a client flush with this target makes the spooler owe a FlushQueues: every
    /// active one, or the named one if it is active.
    pub fn named(&self, target: Option<u8>) -> u16 {
        match target {
            None => self.active,
            Some(i) if (i as usize) < MAX_LOGONS => self.active & (1 << i),
            Some(_) => 0,
        }
    }

    fn apply(&mut self, ev: &Event, route: Route, s: &Session) {
        let bit = 1u16 << (ev.logon as usize).min(MAX_LOGONS - 1);
        match ev.body {
            Body::SpoolerStatusFlush { target, .. } => {
                let named = self.named(target);
                self.asked |= named;
                self.owed |= named;
            }
            Body::FlushQueues { .. } if route == Route::Logon => self.owed &= !bit,
            _ => {}
        }
        if route == Route::Logon {
            if s.life == Life::Active {
                self.active |= bit;
            } else {
                // Logging off (judged at the call, before this), gone, critical or a new
                // logon on the index: nothing owed any more.
                self.active &= !bit;
                self.asked &= !bit;
                self.owed &= !bit;
            }
        }
    }
}

/// The depth slot of a thread: spooler, notify, provider, wire, then clients 1, 2, 3, 4+.
pub fn slot(t: Thread) -> usize {
    match t {
        Thread::Spooler => 0,
        Thread::Notify => 1,
        Thread::Provider => 2,
        Thread::Wire => 3,
        Thread::Client(n) => 4 + (n.clamp(1, 4) as usize - 1),
    }
}

/// The major version (high word) of an SPI version (LIFE-3, LIFE-4).
pub const fn major(ver: u32) -> u32 {
    ver >> 16
}

impl ProviderState {
    /// A provider that has seen nothing.
    pub fn new() -> ProviderState {
        ProviderState::default()
    }

    /// An initialised object exists and was not shut down (LIFE-2: a second init is wrong).
    pub fn object_live(&self) -> bool {
        matches!(self.init, Init::Running | Init::Ok | Init::TooLow) && !self.shut_down
    }

    /// Logon `i` counts as live for MAPI: logging on, logged on, or logging off without having
    /// released its support object yet (LIFE-31, AMB-21).
    pub fn live(&self, i: usize) -> bool {
        matches!(
            self.logons[i],
            LogonLife::LoggingOn | LogonLife::Live | LogonLife::LoggingOff
        ) && self.unhooked & (1 << i) == 0
    }

    /// Logon `i` is logged on (not merely logging on) and still live (LIFE-5).
    pub fn logged_on(&self, i: usize) -> bool {
        self.live(i) && self.logons[i] != LogonLife::LoggingOn
    }

    /// The innermost open call on `thread`, if it is a provider-level one.
    pub fn innermost(&self, thread: Thread) -> Option<&PFrame> {
        let f = self.frames.iter().rev().find(|f| f.thread == thread)?;
        (f.depth as usize + 1 == self.depth[slot(thread)] as usize).then_some(f)
    }

    /// Which state `ev` belongs to.
    pub fn route(&self, ev: &Event) -> Route {
        match ev.body {
            Body::Return { .. } if self.innermost(ev.thread).is_some() => Route::Provider,
            b if b.is_provider_level() => Route::Provider,
            _ => Route::Logon,
        }
    }

    fn forget_object(&mut self) {
        *self = ProviderState {
            frames: std::mem::take(&mut self.frames),
            depth: self.depth,
            ..ProviderState::default()
        };
    }

    /// Updates the state with one event, after the monitors judged it and (for a logon-level
    /// event) after `s`, the event's logon, applied it.
    pub fn apply(&mut self, ev: &Event, route: Route, s: &Session) {
        let th = ev.thread;
        let i = (ev.logon as usize).min(MAX_LOGONS - 1);
        let bit = 1u16 << i;
        if let Some(m) = ev.body.call_method() {
            if route == Route::Provider {
                self.frames.push(PFrame {
                    thread: th,
                    method: m,
                    depth: self.depth[slot(th)],
                });
            }
            self.depth[slot(th)] = self.depth[slot(th)].saturating_add(1);
            let init_call = matches!(
                ev.body,
                Body::ProviderInit { .. }
                    | Body::Release {
                        object: Released::Logon
                    }
            );
            if !init_call && matches!(self.init, Init::NotSeen | Init::Released) {
                self.uninit_calls = true;
            }
        }
        match ev.body {
            Body::ProviderInit { flags, mapi_ver } => {
                if !self.object_live() {
                    self.forget_object();
                }
                self.init = Init::Running;
                self.nt_service = flags.0 & MapiLogonFlags::MAPI_NT_SERVICE.bits() != 0;
                self.mapi_ver = mapi_ver.0;
                self.provider_ver = None;
                self.shut_down = false;
            }
            Body::Shutdown { .. } => self.shut_down = true,
            Body::ServiceConfigure if self.unconfigured => self.configured = true,
            Body::TransportLogon { .. } => {
                self.logons[i] = LogonLife::LoggingOn;
                self.unhooked &= !bit;
                if self.unconfigured && self.configured {
                    // The retry LIFE-21 allows consumes the configuration run.
                    self.unconfigured = false;
                    self.configured = false;
                }
            }
            Body::TransportLogoff { .. } => {
                if matches!(self.logons[i], LogonLife::LoggingOn | LogonLife::Live) {
                    self.logons[i] = LogonLife::LoggingOff;
                }
            }
            Body::Release {
                object: Released::Logon,
            } => self.logons[i] = LogonLife::Released,
            Body::SupportRelease => self.unhooked |= bit,
            Body::FlushQueues { flags }
                if flags.intersects(FlushFlags::FLUSH_DOWNLOAD | FlushFlags::FLUSH_UPLOAD) =>
            {
                self.flushing |= bit;
                self.fq_started |= bit;
            }
            Body::TransportNotify { flags, .. }
                if flags
                    .intersects(F::NOTIFY_BEGIN_INBOUND_FLUSH | F::NOTIFY_BEGIN_OUTBOUND_FLUSH) =>
            {
                self.flushing |= bit;
            }
            Body::ModifyStatusRow { status, .. }
                if status.intersects(
                    StatusCode::STATUS_INBOUND_FLUSH | StatusCode::STATUS_OUTBOUND_FLUSH,
                ) =>
            {
                self.flushing |= bit;
            }
            Body::Return {
                method, hr, flags, ..
            } => {
                self.depth[slot(th)] = self.depth[slot(th)].saturating_sub(1);
                if route == Route::Provider {
                    if let Some(pos) = self.frames.iter().rposition(|f| f.thread == th) {
                        self.frames.remove(pos);
                    }
                    match method {
                        Method::ProviderInit => {
                            self.provider_ver = flags.map(|w| w.0);
                            self.init = if hr.is_failure() {
                                Init::Failed
                            } else if flags.is_some_and(|w| major(w.0) < major(self.mapi_ver)) {
                                Init::TooLow
                            } else {
                                Init::Ok
                            };
                        }
                        Method::Release => self.init = Init::Released,
                        _ => {}
                    }
                } else {
                    match method {
                        Method::TransportLogon => {
                            if hr.is_success() {
                                if self.logons[i] == LogonLife::LoggingOn {
                                    self.logons[i] = LogonLife::Live;
                                }
                            } else {
                                self.logons[i] = LogonLife::Failed;
                                if hr == HResult::MAPI_E_UNCONFIGURED {
                                    self.unconfigured = true;
                                    self.configured = false;
                                } else {
                                    self.logon_failed = true;
                                }
                            }
                        }
                        Method::TransportLogoff if self.logons[i] != LogonLife::Released => {
                            self.logons[i] = LogonLife::Gone;
                        }
                        Method::FlushQueues if hr.is_failure() => {
                            // No cycle started (FQ-2's S_OK starts it).
                            self.flushing &= !bit;
                            self.fq_started &= !bit;
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        self.spooler_flush.apply(ev, route, s);
        if route == Route::Logon && !s.flush.iter().any(|f| f.in_cycle()) {
            self.flushing &= !bit;
            self.fq_started &= !bit;
        }
    }
}

/// Judges one event against the provider object and the event's logon, then remembers it: the
/// provider-level monitors see every event; a logon-level event is also judged and applied by
/// `session` (the logon `ev.logon` names). For engines that keep one [`Session`] per logon in
/// their own state; [`super::Judge`] is the same over a vector of sessions.
///
/// A `TransportLogon` on an index whose previous logon is over (logged off or released, no call
/// open) starts a new logon object there: `session` is reset first.
pub fn observe_event<S: Sink<Rid>>(
    provider: &mut ProviderState,
    session: &mut Session,
    cfg: &Settings,
    ev: &Event,
    out: &mut S,
) -> Result<(), TraceError> {
    if ev.logon as usize >= MAX_LOGONS {
        return Err(TraceError::LogonIndex {
            seq: ev.seq,
            logon: ev.logon,
        });
    }
    let route = provider.route(ev);
    if let Body::Return { method, .. } = ev.body {
        match route {
            Route::Provider => {
                let f = provider.innermost(ev.thread).expect("routed by innermost");
                if f.method != method {
                    return Err(TraceError::ReturnMismatch {
                        seq: ev.seq,
                        returned: method,
                        open: f.method,
                        thread: ev.thread.name(),
                    });
                }
            }
            Route::Logon => super::check_return_shape(session, ev.seq, ev.thread, method)?,
        }
    }
    if route == Route::Logon {
        super::check_possible(session, ev)?;
    }
    if route == Route::Logon
        && matches!(ev.body, Body::TransportLogon { .. })
        && session.frames.is_empty()
        && (session.life == Life::Gone || session.track.released)
    {
        *session = Session::default();
    }
    monitors::check_provider(provider, session, cfg, ev, out);
    if route == Route::Logon {
        monitors::check(provider, session, cfg, ev, out);
        session.apply(ev);
    }
    provider.apply(ev, route, session);
    Ok(())
}
