//! The abstract transport provider: each entry point is a short program whose steps interleave
//! with the other threads; every step emits the events a real provider's callbacks would.
//! A [`Behaviour`] other than `Correct` flips exactly the decisions that break its rules.

use xpcheck_properties::event::{Body, Method, MsgId, NotifyData, Word};
use xpcheck_properties::judge::session::Life;
use xpcheck_properties::vocab::consts::{CURRENT_SPI_VERSION, MAPI_STATUS};
use xpcheck_properties::vocab::{
    EndMessageFlags as E, FlagWord, FlushFlags as Q, HResult as H, LogonFlags,
    ResourceMethods as RM, RowColumns as Col, SpoolerNotifyFlags as N, StatusCode as St,
    StatusRowFlags, TransportNotifyFlags as F, ValidateStateFlags as V,
};

use crate::behaviour::Behaviour;
use crate::config::{Config, MAX_MESSAGES};
use crate::spooler::out_id;
use crate::state::{Call, Job, LogonState, Run};

/// The abstract provider object's own state (the IXPProvider, shared by its logons).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProviderObject {
    /// The profile lacks required information: TransportLogon answers MAPI_E_UNCONFIGURED until
    /// MAPI runs MSG_SERVICE_CONFIGURE (LIFE-21). Lifecycle scenario only.
    pub unconfigured: bool,
}

impl ProviderObject {
    /// The provider object before XPProviderInit.
    pub fn new(cfg: &Config) -> ProviderObject {
        ProviderObject {
            unconfigured: cfg.lifecycle,
        }
    }
}

/// The methods the status row advertises in PR_RESOURCE_METHODS (STAT-7, STAT-11, FQ-16): every
/// status-object method the abstract provider implements.
pub const METHODS: RM = RM::STATUS_VALIDATE_STATE
    .union(RM::STATUS_SETTINGS_DIALOG)
    .union(RM::STATUS_FLUSH_QUEUES);

/// The undefined PR_STATUS_CODE bit the faulty `UndefinedRowBits` writes (STAT-3).
const UNDEFINED_ROW_BIT: u32 = 0x0008_0000;

/// What the provider knows about one outbound slot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Held {
    /// Nothing held.
    #[default]
    None,
    /// Deferred by END_DONT_RESEND; SENTDEFERRED still to come.
    Deferred,
    /// SENTDEFERRED sent.
    Announced,
    /// NOTIFY_ABORT_DEFERRED arrived.
    Aborted,
    /// Aborted and (faulty) announced anyway.
    AbortedAnnounced,
}

/// NOTIFY_CRITSEC progress.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Critsec {
    /// Not opened yet.
    #[default]
    NotYet,
    /// Open.
    Open,
    /// Closed.
    Closed,
}

/// The abstract provider's state for one logon.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Provider {
    /// Inbound enabled, as the provider believes.
    pub inbound: bool,
    /// Outbound enabled, as the provider believes.
    pub outbound: bool,
    /// Flush cycle per direction, as the provider believes.
    pub flush: [bool; 2],
    /// The row as last written.
    pub row: u32,
    /// Per outbound slot: the msg-ref the provider gave it (0 = none yet; the spooler's preset).
    pub out_ref: [u32; MAX_MESSAGES],
    /// Per outbound slot: a cancel was received.
    pub out_cancel: [bool; MAX_MESSAGES],
    /// Per outbound slot: deferral state.
    pub held: [Held; MAX_MESSAGES],
    /// Wire messages waiting for inbound delivery, in arrival order.
    pub inbox: xpcheck_properties::judge::copy_vec::CopyVec<u8, 4>,
    /// Wire messages whose delivery was cancelled at least once (bit per content id).
    pub cancelled_contents: u8,
    /// The inbound message in progress was cancelled.
    pub in_cancel: bool,
    /// The msg-ref of the inbound message in progress (1 = the spooler's preset).
    pub in_ref: u32,
    /// Refusals left (BUSY / WAIT / NOT_ME / RESEND_LATER).
    pub refusals: u8,
    /// Critical errors left.
    pub criticals: u8,
    /// Deferrals left.
    pub deferrals: u8,
    /// NOTIFY_NEWMAIL owed for arrived mail.
    pub newmail_due: bool,
    /// Critical-section progress.
    pub critsec: Critsec,
    /// Faulty: an inbound object to touch after its StartMessage returned.
    pub touch_due: Option<u32>,
    /// Offline: FORCE_XP_DISCONNECT or ABORT_XP_HEADER_OPERATION (VS-8, VS-9); the row shows
    /// STATUS_OFFLINE instead of STATUS_AVAILABLE.
    pub offline: bool,
    /// A header operation was aborted: the row shows no inbound activity until the transport
    /// is back online (VS-8).
    pub header_aborted: bool,
    /// Faulty `RowAfterLogoff`: a row change still to come after TransportLogoff.
    pub late_row_due: bool,
    /// The provider called MakeInvalid on its logon: later calls answer MAPI_E_INVALID_OBJECT
    /// (LIFE-36).
    pub invalid: bool,
}

impl Provider {
    /// A provider before logon.
    pub fn new(cfg: &Config) -> Provider {
        Provider {
            in_ref: 1,
            refusals: cfg.refusals,
            criticals: u8::from(cfg.critical),
            deferrals: u8::from(cfg.deferral),
            ..Provider::default()
        }
    }

    fn status(&self, b: Behaviour) -> u32 {
        let mut r = if self.offline {
            St::STATUS_OFFLINE
        } else {
            St::STATUS_AVAILABLE
        };
        if b == Behaviour::NoStatusUpdate {
            // Keeps whatever enabled bits the row had (never touched after logon).
            r |=
                St::from_raw(self.row) & (St::STATUS_INBOUND_ENABLED | St::STATUS_OUTBOUND_ENABLED);
        } else {
            if self.inbound && !self.header_aborted {
                r |= St::STATUS_INBOUND_ENABLED;
            }
            if self.outbound {
                r |= St::STATUS_OUTBOUND_ENABLED;
            }
        }
        if self.flush[0] {
            r |= St::STATUS_INBOUND_FLUSH;
        }
        if self.flush[1] {
            r |= St::STATUS_OUTBOUND_FLUSH;
        }
        let extra = if b == Behaviour::UndefinedRowBits {
            UNDEFINED_ROW_BIT
        } else {
            0
        };
        r.raw() | extra
    }

    /// Writes the row if `status` differs from it (or `always`), recording PR_STATUS_CODE.
    fn write_row(&mut self, status: u32, always: bool, ev: &mut Vec<Body>) {
        if status != self.row || always {
            self.row = status;
            ev.push(row_update(status, Col::PR_STATUS_CODE, None));
        }
    }

    /// A msg-ref unique among in-flight messages, never the presets 0 and 1 (AMB-7). Refs are
    /// reused once free (EM-3 allows it).
    fn fresh_ref(&self) -> u32 {
        (2..)
            .find(|r| *r != self.in_ref && !self.out_ref.contains(r))
            .expect("refs are plentiful")
    }
}

/// `ModifyStatusRow(STATUSROW_UPDATE)` with the columns it passes (STAT-7, VS-8, VS-10).
fn row_update(status: u32, columns: Col, remote_validate_ok: Option<bool>) -> Body {
    Body::ModifyStatusRow {
        flags: StatusRowFlags::STATUSROW_UPDATE,
        status: St::from_raw(status),
        columns: Some(columns),
        resource_methods: None,
        remote_validate_ok,
        result: H::S_OK,
    }
}

/// Writes a fresh msg-ref into `*lpulMsgRef` (SUB-4, SM-5): outbound slot or inbound.
fn write_ref(p: &mut Provider, run: &mut Run, out_slot: Option<usize>, ev: &mut Vec<Body>) {
    let r = p.fresh_ref();
    match out_slot {
        Some(s) => p.out_ref[s] = r,
        None => p.in_ref = r,
    }
    run.msg_ref = r;
    ev.push(Body::MsgRefWrite { value: r });
}

/// NOTIFY_CRITICAL_ERROR from inside SubmitMessage/StartMessage; the next step returns (SPN-8).
fn raise_critical(p: &mut Provider, run: &mut Run, ev: &mut Vec<Body>) {
    p.criticals -= 1;
    run.critical = true;
    ev.push(Body::spooler_notify(N::NOTIFY_CRITICAL_ERROR, None));
    run.pc = 6;
}

/// What an entry point returns after raising NOTIFY_CRITICAL_ERROR: an error (SPN-8), or S_OK
/// for the faulty `CriticalThenOk`.
fn critical_return(b: Behaviour) -> H {
    if b == Behaviour::CriticalThenOk {
        H::S_OK
    } else {
        H::MAPI_E_CALL_FAILED
    }
}

/// SpoolerYield; the spooler answers MAPI_W_CANCEL_MESSAGE on branch 1 (YLD-3, YLD-4).
fn spooler_yield(b: Behaviour, run: &mut Run, choice: u8, ev: &mut Vec<Body>) {
    let result = if choice == 1 {
        H::MAPI_W_CANCEL_MESSAGE
    } else {
        H::S_OK
    };
    ev.push(Body::SpoolerYield {
        flags: Word(u32::from(b == Behaviour::YieldWithFlags)),
        result,
    });
    run.cancelled = choice == 1;
}

/// Number of branches the running program has at its current step (1 = deterministic).
pub fn choices(ls: &LogonState, cfg: &Config, run: &Run) -> u8 {
    let p = &ls.provider;
    match (run.call, run.pc) {
        (Call::Logon { flags }, 1) if shows_dialog(cfg, flags) => 2,
        (Call::Submit { resubmission, .. }, 1) if !run.cancelled => {
            1 + 3 * u8::from(p.refusals > 0) + u8::from(resubmission) + u8::from(p.criticals > 0)
        }
        (Call::Start { .. }, 1) if !p.inbox.is_empty() && !run.cancelled => {
            1 + u8::from(p.criticals > 0)
        }
        (Call::Submit { .. }, 5) | (Call::Start { .. }, 4) if yields(ls, cfg, run) => {
            1 + u8::from(ls.spooler.yield_cancels > 0)
        }
        (Call::End { .. }, 0) => 1 + u8::from(p.deferrals > 0) + u8::from(p.refusals > 0),
        _ => 1,
    }
}

/// TransportLogon shows a logon dialog, which the user may cancel (LIFE-19): lifecycle
/// scenario, on a logon that did not pass LOGON_NO_DIALOG (LIFE-17).
fn shows_dialog(cfg: &Config, flags: u32) -> bool {
    cfg.lifecycle && flags & LogonFlags::LOGON_NO_DIALOG.bits() == 0
}

/// What TransportLogon answers in `*lpulFlags`: nothing for LOGON_NO_CONNECT (AMB-33), else
/// LOGON_SP_POLL (the lifecycle scenario relies on NOTIFY_NEWMAIL instead, LIFE-10) and
/// LOGON_SP_IDLE when the scenario explores Idle.
fn capabilities(cfg: &Config, flags: u32) -> LogonFlags {
    if flags & LogonFlags::LOGON_NO_CONNECT.bits() != 0 {
        return LogonFlags::empty();
    }
    let mut caps = if cfg.lifecycle {
        LogonFlags::empty()
    } else {
        LogonFlags::LOGON_SP_POLL
    };
    if cfg.idle {
        caps |= LogonFlags::LOGON_SP_IDLE;
    }
    caps
}

fn yields(ls: &LogonState, cfg: &Config, run: &Run) -> bool {
    // No SpoolerYield at all while either flush cycle runs (TN-10, TN-16).
    !run.cancelled
        && (!ls.provider.flush.contains(&true) || cfg.behaviour == Behaviour::YieldInFlush)
}

/// Does the program check its cancel flag before the operation at this pc?
fn checks_cancel(b: Behaviour, call: Call, pc: u8) -> bool {
    match b {
        Behaviour::CancelCheckedBeforeTransferOnly => pc == 1,
        // Check and act are separate steps: the acts (pc 2 and 4 in SubmitMessage, 1 and 3 in
        // StartMessage) skip the check that the step before made.
        Behaviour::CheckThenActCancel => match call {
            Call::Submit { .. } => !matches!(pc, 2 | 4),
            Call::Start { .. } => !matches!(pc, 1 | 3),
            _ => true,
        },
        _ => true,
    }
}

/// Entry points the abstract provider runs atomically: their call, effects and return are one
/// step of the model (no other thread acts in between). The message entry points, TransportLogon
/// and TransportNotify take several steps; so does TransportLogoff in the lifecycle scenario,
/// where a cancel may land after the provider invalidated its logon (LIFE-36).
pub fn atomic(cfg: &Config, call: Call) -> bool {
    match call {
        Call::Logon { .. }
        | Call::Submit { .. }
        | Call::End { .. }
        | Call::Start { .. }
        | Call::Notify { .. } => false,
        Call::Logoff { .. } => !cfg.lifecycle,
        _ => true,
    }
}

/// TransportLogoff's teardown (LIFE-30): the provider closes the critical section it opened
/// (SPN-6, AMB-24), invalidates its logon and releases the support object last.
fn logoff_teardown(p: &mut Provider, b: Behaviour, ev: &mut Vec<Body>) {
    if p.critsec == Critsec::Open {
        p.critsec = Critsec::Closed;
        ev.push(Body::spooler_notify(N::NOTIFY_NONCRIT, None));
    }
    if b == Behaviour::RowAfterLogoff {
        p.late_row_due = true;
    } else {
        p.invalid = true;
        ev.push(Body::MakeInvalid);
        ev.push(Body::SupportRelease);
    }
}

/// Runs an atomic entry point of a logon ([`atomic`]): its effects and its return.
pub fn call_atomic(ls: &mut LogonState, cfg: &Config, call: Call, ev: &mut Vec<Body>) {
    let b = cfg.behaviour;
    let hr = match call {
        Call::AddressTypes => H::S_OK,
        Call::Poll => {
            let n = ls.provider.inbox.len() as u32;
            ev.push(Body::Return {
                method: Method::Poll,
                hr: H::S_OK,
                flags: None,
                msg_ref: None,
                return_parm: None,
                incoming: Some(n),
            });
            return;
        }
        Call::Idle => {
            if b == Behaviour::IdleNotOk {
                H::MAPI_E_CALL_FAILED
            } else {
                H::S_OK
            }
        }
        Call::ValidateState { flags } | Call::StatusValidateState { flags } => {
            validate(ls, cfg, V::from_raw(flags), ev)
        }
        Call::FlushQueues { flags } => flush_queues(ls, cfg, Q::from_raw(flags), ev),
        Call::OpenStatusEntry => {
            if b == Behaviour::NoStatusObject {
                H::MAPI_E_NO_SUPPORT
            } else {
                ev.push(Body::ret_flags(
                    Method::OpenStatusEntry,
                    H::S_OK,
                    MAPI_STATUS,
                ));
                return;
            }
        }
        Call::StatusFlushQueues { flags } => {
            // The status object's flush only shows the row bits the spooler acts on (FQ-15,
            // FQ-17, FLOW-7).
            let p = &mut ls.provider;
            let f = Q::from_raw(flags);
            p.flush[0] |= f.contains(Q::FLUSH_DOWNLOAD);
            p.flush[1] |= f.contains(Q::FLUSH_UPLOAD);
            let status = p.status(b);
            p.write_row(status, false, ev);
            H::S_OK
        }
        Call::StatusSettingsDialog => {
            // The user changes the settings: the spooler re-reads the address types (SPN-5).
            ev.push(Body::ShowUi { cancelled: false });
            ev.push(Body::spooler_notify(N::NOTIFY_CONFIG_CHANGE, None));
            H::S_OK
        }
        Call::Logoff { .. } => {
            logoff_teardown(&mut ls.provider, b, ev);
            H::S_OK
        }
        Call::ReleaseLogon => {
            if !ls.judge.track.logged_off {
                // Released without TransportLogoff: the same teardown (LIFE-34, LIFE-30).
                logoff_teardown(&mut ls.provider, b, ev);
            }
            H::S_OK
        }
        _ => unreachable!("not an atomic logon call: {call:?}"),
    };
    let method = call_method(call);
    ev.push(Body::ret(method, hr));
}

/// The method an entry point's return names.
fn call_method(call: Call) -> Method {
    match call {
        Call::ProviderInit { .. } => Method::ProviderInit,
        Call::Logon { .. } => Method::TransportLogon,
        Call::AddressTypes => Method::AddressTypes,
        Call::Submit { .. } => Method::SubmitMessage,
        Call::End { .. } => Method::EndMessage,
        Call::Start { .. } => Method::StartMessage,
        Call::Poll => Method::Poll,
        Call::Idle => Method::Idle,
        Call::FlushQueues { .. } => Method::FlushQueues,
        Call::ValidateState { .. } => Method::ValidateState,
        Call::OpenStatusEntry => Method::OpenStatusEntry,
        Call::StatusValidateState { .. } => Method::StatusValidateState,
        Call::StatusFlushQueues { .. } => Method::StatusFlushQueues,
        Call::StatusSettingsDialog => Method::StatusSettingsDialog,
        Call::Logoff { .. } => Method::TransportLogoff,
        Call::ReleaseLogon | Call::ReleaseProvider => Method::Release,
        Call::Shutdown { .. } => Method::Shutdown,
        Call::Notify { .. } => Method::TransportNotify,
        Call::ServiceConfigure => unreachable!("MSG_SERVICE_CONFIGURE is no call"),
    }
}

/// ValidateState, on the logon or the status object (VS-1: the same behaviour): MAPI_E_BUSY
/// inside a critical section (SPN-6), MAPI_E_UNKNOWN_FLAGS for undefined bits (VS-6), MAPI_E_NO_SUPPORT
/// for SHOW_XP_SESSION_UI (VS-10: no header UI); otherwise the row follows the flags (VS-8..VS-10,
/// with PR_STATUS_STRING and PR_REMOTE_VALIDATE_OK), NOTIFY_READYTOSEND when it comes back online
/// with outbound enabled (SPN-9) and NOTIFY_CONFIG_CHANGE for CONFIG_CHANGED (VS-11); no dialog
/// (VS-12) and no message transfer (VS-7).
fn validate(ls: &mut LogonState, cfg: &Config, f: V, ev: &mut Vec<Body>) -> H {
    let b = cfg.behaviour;
    let p = &mut ls.provider;
    if p.critsec == Critsec::Open {
        return H::MAPI_E_BUSY;
    }
    if f.unknown_bits() != 0 && b != Behaviour::AcceptsUnknownFlags {
        return H::MAPI_E_UNKNOWN_FLAGS;
    }
    if f.contains(V::SHOW_XP_SESSION_UI) {
        return H::MAPI_E_NO_SUPPORT;
    }
    let was_offline = p.offline;
    if f.intersects(V::FORCE_XP_DISCONNECT | V::ABORT_XP_HEADER_OPERATION) {
        p.offline = true;
    }
    if f.contains(V::ABORT_XP_HEADER_OPERATION) {
        p.header_aborted = true;
    }
    if f.intersects(V::FORCE_XP_CONNECT | V::REFRESH_XP_HEADER_CACHE) {
        p.offline = false;
        p.header_aborted = false;
    }
    let remote_validate_ok = if f.contains(V::ABORT_XP_HEADER_OPERATION) {
        Some(true)
    } else if f.intersects(V::REFRESH_XP_HEADER_CACHE | V::PROCESS_XP_HEADER_CACHE) {
        Some(false)
    } else {
        None
    };
    let status = p.status(b);
    if remote_validate_ok.is_some() {
        p.row = status;
        ev.push(row_update(
            status,
            Col::PR_STATUS_CODE | Col::PR_STATUS_STRING | Col::PR_REMOTE_VALIDATE_OK,
            remote_validate_ok,
        ));
    } else {
        p.write_row(status, false, ev);
    }
    if was_offline && !p.offline && p.outbound && b != Behaviour::NoReadyToSend {
        ev.push(Body::spooler_notify(N::NOTIFY_READYTOSEND, None));
    }
    if f.contains(V::CONFIG_CHANGED) && b != Behaviour::SilentConfigChange {
        ev.push(Body::spooler_notify(N::NOTIFY_CONFIG_CHANGE, None));
    }
    H::S_OK
}

/// IXPLogon::FlushQueues: the row shows the flush bit of every direction asked for (FQ-2; the
/// inbound one already for the phase after the outbound one, FQ-10), and with FLUSH_UPLOAD every
/// deferred message is announced with NOTIFY_SENTDEFERRED before the return (FQ-7). No UI
/// (FQ-5), no SpoolerYield while flushing (TN-10, TN-16).
fn flush_queues(ls: &mut LogonState, cfg: &Config, f: Q, ev: &mut Vec<Body>) -> H {
    let b = cfg.behaviour;
    let p = &mut ls.provider;
    let up = f.contains(Q::FLUSH_UPLOAD);
    let down = f.contains(Q::FLUSH_DOWNLOAD);
    p.flush[1] |= up;
    p.flush[0] |= down && !(up && b == Behaviour::NoInboundFlushBit);
    let status = p.status(b);
    p.write_row(status, false, ev);
    if up && b != Behaviour::DeferredNotAnnounced {
        for (s, h) in p.held.iter_mut().enumerate() {
            if *h == Held::Deferred {
                *h = Held::Announced;
                ev.push(Body::spooler_notify(
                    N::NOTIFY_SENTDEFERRED,
                    Some(out_id(s as u8)),
                ));
            }
        }
    }
    H::S_OK
}

/// Runs a provider-level entry point (atomic): XPProviderInit answers CURRENT_SPI_VERSION, or
/// MAPI_E_VERSION when MAPI's SPI version is older than the provider's (LIFE-3); Shutdown and
/// the provider's Release answer S_OK (LIFE-33, LIFE-34); MSG_SERVICE_CONFIGURE configures the
/// profile (LIFE-21).
pub fn call_provider(obj: &mut ProviderObject, cfg: &Config, call: Call, ev: &mut Vec<Body>) {
    let hr = match call {
        Call::ProviderInit { mapi_ver, .. } => {
            if mapi_ver >> 16 < CURRENT_SPI_VERSION >> 16 {
                H::MAPI_E_VERSION
            } else {
                ev.push(Body::ret_flags(
                    Method::ProviderInit,
                    H::S_OK,
                    CURRENT_SPI_VERSION,
                ));
                return;
            }
        }
        Call::ServiceConfigure => {
            obj.unconfigured = false;
            return;
        }
        Call::Shutdown { .. } if cfg.behaviour == Behaviour::ShutdownFails => H::MAPI_E_CALL_FAILED,
        Call::Shutdown { .. } | Call::ReleaseProvider => H::S_OK,
        _ => unreachable!("not a provider-level call: {call:?}"),
    };
    ev.push(Body::ret(call_method(call), hr));
}

/// Takes the next step of the program running in `run`, pushing the events it makes.
/// Returns `false` when the call returned.
pub fn step(
    ls: &mut LogonState,
    obj: &ProviderObject,
    cfg: &Config,
    run: &mut Run,
    choice: u8,
    ev: &mut Vec<Body>,
) -> bool {
    let b = cfg.behaviour;
    match run.call {
        Call::Logon { flags } => match run.pc {
            0 => {
                if obj.unconfigured {
                    // The profile lacks what the provider needs (LIFE-21).
                    ev.push(Body::ret(Method::TransportLogon, H::MAPI_E_UNCONFIGURED));
                    return false;
                }
                let p = &mut ls.provider;
                let status = p.status(b);
                p.row = status;
                ev.push(Body::ModifyStatusRow {
                    flags: StatusRowFlags::empty(),
                    status: St::from_raw(status),
                    columns: Some(Col::REQUIRED),
                    resource_methods: Some(Word(METHODS.bits())),
                    remote_validate_ok: None,
                    result: H::S_OK,
                });
                run.pc = 1;
                true
            }
            _ => {
                if shows_dialog(cfg, flags) {
                    let cancelled = choice == 1;
                    ev.push(Body::ShowUi { cancelled });
                    if cancelled {
                        ev.push(Body::ret(Method::TransportLogon, H::MAPI_E_USER_CANCEL));
                        return false;
                    }
                }
                let hr = if b == Behaviour::LogonWarning {
                    H::MAPI_W_ERRORS_RETURNED
                } else {
                    H::S_OK
                };
                ev.push(Body::ret_flags(
                    Method::TransportLogon,
                    hr,
                    capabilities(cfg, flags).raw(),
                ));
                false
            }
        },
        Call::Notify {
            flags,
            slot,
            msg_ref,
        } => notify_step(ls, cfg, run, flags, slot, msg_ref, ev),
        Call::Submit { slot, resubmission } => {
            submit_step(ls, cfg, run, slot, resubmission, choice, ev)
        }
        Call::End { slot } => {
            let s = slot as usize;
            let p = &mut ls.provider;
            let mut flags = E::empty();
            if !p.out_cancel[s] {
                let mut c = choice;
                if p.deferrals > 0 {
                    if c == 1 {
                        p.deferrals -= 1;
                        p.held[s] = Held::Deferred;
                        flags = if b == Behaviour::TwoEndBits {
                            E::END_DONT_RESEND | E::END_RESEND_LATER
                        } else {
                            E::END_DONT_RESEND
                        };
                    }
                    c = c.saturating_sub(1);
                }
                if p.refusals > 0 && c == 1 && flags.is_empty() {
                    p.refusals -= 1;
                    flags = E::END_RESEND_LATER;
                }
            }
            p.out_ref[s] = 0;
            p.out_cancel[s] = false;
            ev.push(Body::Return {
                method: Method::EndMessage,
                hr: H::S_OK,
                flags: Some(Word(flags.raw())),
                msg_ref: None,
                return_parm: None,
                incoming: None,
            });
            false
        }
        Call::Start { obj } => start_step(ls, cfg, run, MsgId(obj), choice, ev),
        Call::Logoff { .. } => {
            if run.pc == 0 {
                logoff_teardown(&mut ls.provider, b, ev);
                run.pc = 1;
                return true;
            }
            ev.push(Body::ret(Method::TransportLogoff, H::S_OK));
            false
        }
        c => unreachable!("{c:?} runs atomically"),
    }
}

fn notify_step(
    ls: &mut LogonState,
    cfg: &Config,
    run: &mut Run,
    flags: u32,
    slot: Option<u8>,
    msg_ref: u32,
    ev: &mut Vec<Body>,
) -> bool {
    let b = cfg.behaviour;
    let f = F::from_raw(flags);
    let p = &mut ls.provider;
    // Called after MakeInvalid (a cancel racing TransportLogoff): nothing happens, and the
    // return (pc 2) answers MAPI_E_INVALID_OBJECT (LIFE-36).
    if run.pc == 0 && p.invalid {
        run.pc = 2;
        return true;
    }
    if run.pc == 2 {
        ev.push(Body::ret_flags(
            Method::TransportNotify,
            H::MAPI_E_INVALID_OBJECT,
            flags,
        ));
        return false;
    }
    if run.pc == 0 {
        if f.contains(F::NOTIFY_CANCEL_MESSAGE)
            && !f.contains(F::NOTIFY_ABORT_DEFERRED)
            && b != Behaviour::CancelIgnored
        {
            // The spooler names the message by the msg-ref cell as it read it: the provider's
            // own ref, or the preset (0 out, 1 in) if the cancel raced the provider's write of
            // the cell (AMB-7). With one message per direction in flight both are unambiguous.
            if let Some(s) = slot {
                let s = s as usize;
                let running = matches!(ls.main.map(|r| r.call), Some(Call::Submit { slot: x, .. } | Call::End { slot: x }) if x as usize == s);
                if p.out_ref[s] == msg_ref || (msg_ref == 0 && running) {
                    p.out_cancel[s] = true;
                }
            } else if p.in_ref == msg_ref
                || (msg_ref == 1
                    && ls
                        .main
                        .is_some_and(|r| matches!(r.call, Call::Start { .. })))
            {
                p.in_cancel = true;
            }
        }
        if f.contains(F::NOTIFY_ABORT_DEFERRED) {
            if let Some(s) = slot {
                let h = &mut p.held[s as usize];
                if matches!(*h, Held::Deferred | Held::Announced) {
                    *h = Held::Aborted;
                }
            }
        }
        let req = f.requested();
        p.inbound = req.inbound.unwrap_or(p.inbound);
        p.outbound = req.outbound.unwrap_or(p.outbound);
        for d in 0..2 {
            match req.flush[d] {
                Some(true) => p.flush[d] = true,
                Some(false) if b != Behaviour::FlushBitLeftSet => p.flush[d] = false,
                _ => {}
            }
        }
        // A direction change always updates the row, even when an offline row looks the same
        // (TN-6, TN-14, TN-22, TN-24).
        let status = p.status(b);
        let direction = req.inbound.is_some() || req.outbound.is_some();
        p.write_row(status, direction && b != Behaviour::NoStatusUpdate, ev);
        run.pc = 1;
        true
    } else {
        let out = if b == Behaviour::FlagsChanged {
            0
        } else {
            flags
        };
        ev.push(Body::Return {
            method: Method::TransportNotify,
            hr: H::S_OK,
            flags: Some(Word(out)),
            msg_ref: None,
            return_parm: None,
            incoming: None,
        });
        false
    }
}

fn submit_step(
    ls: &mut LogonState,
    cfg: &Config,
    run: &mut Run,
    slot: u8,
    resubmission: bool,
    choice: u8,
    ev: &mut Vec<Body>,
) -> bool {
    let b = cfg.behaviour;
    let s = slot as usize;
    let msg = out_id(slot);
    let late = b == Behaviour::LateMsgRef;
    if run.pc >= 1
        && !run.critical
        && checks_cancel(b, run.call, run.pc)
        && ls.provider.out_cancel[s]
    {
        run.cancelled = true;
    }
    if run.cancelled && run.pc >= 1 {
        ls.provider.out_ref[s] = 0;
        ls.provider.out_cancel[s] = false;
        ev.push(Body::ret(Method::SubmitMessage, H::MAPI_E_USER_CANCEL));
        return false;
    }
    let p = &mut ls.provider;
    match run.pc {
        0 => {
            if late {
                run.pc = 1;
                return submit_step(ls, cfg, run, slot, resubmission, choice, ev);
            }
            write_ref(p, run, Some(s), ev);
            run.pc = 1;
            true
        }
        1 => {
            // 0: process; then refusals (BUSY, WAIT, NOT_ME), MAPI_E_CANCEL on a deferred
            // resubmission (DEF-5), a critical error (SPN-8).
            let mut c = choice;
            if c == 0 {
                run.pc = 2;
                return true;
            }
            let mut refusal = None;
            if p.refusals > 0 {
                if c <= 3 {
                    refusal =
                        Some([H::MAPI_E_BUSY, H::MAPI_E_WAIT, H::MAPI_E_NOT_ME][c as usize - 1]);
                    p.refusals -= 1;
                }
                c = c.saturating_sub(3);
            }
            if refusal.is_none() && resubmission {
                if c == 1 {
                    refusal = Some(H::MAPI_E_CANCEL);
                }
                c = c.saturating_sub(1);
            }
            if let Some(hr) = refusal {
                // Faulty: a refusal reported as an undocumented failure (SUB-10).
                let hr = if b == Behaviour::SubmitFailsSilently && hr == H::MAPI_E_BUSY {
                    H::MAPI_E_CALL_FAILED
                } else {
                    hr
                };
                p.out_ref[s] = 0;
                let parm = (hr == H::MAPI_E_WAIT).then_some(30);
                ev.push(Body::Return {
                    method: Method::SubmitMessage,
                    hr,
                    flags: None,
                    msg_ref: Some(run.msg_ref),
                    return_parm: parm,
                    incoming: None,
                });
                return false;
            }
            debug_assert_eq!(c, 1, "critical error branch");
            raise_critical(p, run, ev);
            true
        }
        2 => {
            ev.push(Body::MessageRead {
                msg,
                result: H::S_OK,
            });
            run.pc = 3;
            true
        }
        3 => {
            run.pc = 4;
            if late {
                write_ref(p, run, Some(s), ev);
                return true;
            }
            if b == Behaviour::CheckThenActCancel {
                return true; // the check step before the act at pc 4
            }
            submit_step(ls, cfg, run, slot, resubmission, choice, ev)
        }
        4 => {
            // The content goes out without nontransmittable properties and without the
            // recipients another transport took (SUB-11, SUB-12). Every message of the model
            // has both: symmetry reduction needs interchangeable messages (the simulator, which
            // has no symmetry, gives them to the second message only,
            // [`crate::spooler::has_content_to_hold_back`]).
            let special = true;
            ev.push(Body::Transmit {
                msg,
                nontransmittable: false,
                taken: false,
                had_nontransmittable: special,
                had_taken: special,
                result: H::S_OK,
            });
            if b != Behaviour::NoResponsibility {
                ev.push(Body::SetResponsibility {
                    msg,
                    result: H::S_OK,
                });
            }
            // Every message asks for a delivery report: one StatusRecips with every recipient
            // it served (FLOW-10, FLOW-11).
            ev.push(Body::StatusRecips {
                msg,
                result: H::S_OK,
            });
            run.pc = 5;
            true
        }
        5 => {
            run.pc = 6;
            if yields(ls, cfg, run) {
                spooler_yield(cfg.behaviour, run, choice, ev);
                return true;
            }
            submit_step(ls, cfg, run, slot, resubmission, choice, ev)
        }
        _ => {
            let hr = if run.critical {
                critical_return(b)
            } else if run.cancelled {
                H::MAPI_E_USER_CANCEL
            } else {
                H::S_OK
            };
            if hr != H::S_OK {
                p.out_ref[s] = 0;
                p.out_cancel[s] = false;
            }
            ev.push(Body::Return {
                method: Method::SubmitMessage,
                hr,
                flags: None,
                msg_ref: Some(run.msg_ref),
                return_parm: None,
                incoming: None,
            });
            false
        }
    }
}

fn start_step(
    ls: &mut LogonState,
    cfg: &Config,
    run: &mut Run,
    obj: MsgId,
    choice: u8,
    ev: &mut Vec<Body>,
) -> bool {
    let b = cfg.behaviour;
    let late = b == Behaviour::LateMsgRef;
    if run.pc >= 1 && !run.critical && checks_cancel(b, run.call, run.pc) && ls.provider.in_cancel {
        run.cancelled = true;
    }
    let p = &mut ls.provider;
    if run.cancelled && run.pc >= 1 && run.pc < 6 {
        if let Some(c) = run.content {
            p.cancelled_contents |= 1 << c;
            if b == Behaviour::DropCancelledInbound {
                p.inbox.retain(|x| *x != c);
            }
        }
        return start_return(ls, cfg, run, obj, H::MAPI_E_USER_CANCEL, ev);
    }
    match run.pc {
        0 => {
            if late {
                run.pc = 1;
                return start_step(ls, cfg, run, obj, choice, ev);
            }
            write_ref(p, run, None, ev);
            run.pc = 1;
            true
        }
        1 => {
            let Some(&head) = p.inbox.first() else {
                return start_return(ls, cfg, run, obj, H::S_OK, ev);
            };
            if choice == 1 {
                raise_critical(p, run, ev);
                return true;
            }
            run.content = Some(head);
            ev.push(Body::MessageWrite {
                msg: obj,
                content: Some(head as u32),
                nontransmittable: false,
                entry_id: false,
                // The class of the received message, IPM.Note if it had none (FLOW-14).
                message_class: Some(true),
                result: H::S_OK,
            });
            run.pc = 2;
            true
        }
        2 => {
            run.pc = 3;
            if late {
                write_ref(p, run, None, ev);
                return true;
            }
            if b == Behaviour::CheckThenActCancel {
                return true;
            }
            start_step(ls, cfg, run, obj, choice, ev)
        }
        3 => {
            ev.push(Body::MessageRecipients {
                msg: obj,
                complete: true,
                result: H::S_OK,
            });
            run.pc = 4;
            true
        }
        4 => {
            run.pc = 5;
            if yields(ls, cfg, run) {
                spooler_yield(cfg.behaviour, run, choice, ev);
                return true;
            }
            start_step(ls, cfg, run, obj, choice, ev)
        }
        5 => {
            let c = run.content.expect("content written at pc 1");
            p.inbox.retain(|x| *x != c);
            ev.push(Body::SaveChanges {
                msg: obj,
                result: H::S_OK,
            });
            run.pc = 6;
            true
        }
        _ => {
            let hr = if run.critical {
                critical_return(b)
            } else {
                H::S_OK
            };
            start_return(ls, cfg, run, obj, hr, ev)
        }
    }
}

fn start_return(
    ls: &mut LogonState,
    cfg: &Config,
    run: &Run,
    obj: MsgId,
    hr: H,
    ev: &mut Vec<Body>,
) -> bool {
    let p = &mut ls.provider;
    p.in_ref = 1;
    p.in_cancel = false;
    if cfg.behaviour == Behaviour::TouchAfterStartMessage && run.content.is_some() {
        p.touch_due = Some(obj.0);
    }
    ev.push(Body::ret(Method::StartMessage, hr));
    false
}

/// Background jobs the provider's own threads may run now.
pub fn jobs(ls: &LogonState, cfg: &Config, out: &mut Vec<Job>) {
    let p = &ls.provider;
    if p.late_row_due && ls.judge.life == Life::Gone {
        out.push(Job::RowAfterLogoff);
    }
    if !matches!(ls.judge.life, Life::Active | Life::Critical) {
        return;
    }
    for (s, h) in p.held.iter().enumerate() {
        let due = *h == Held::Deferred
            || (*h == Held::Aborted && cfg.behaviour == Behaviour::SentDeferredAfterAbort);
        if due {
            out.push(Job::SentDeferred(s as u8));
        }
    }
    let repeats = cfg.behaviour == Behaviour::NewMailRepeated && !p.inbox.is_empty();
    if (p.newmail_due || repeats) && p.inbound {
        out.push(Job::NewMail);
    }
    if cfg.critsec {
        match p.critsec {
            Critsec::NotYet => out.push(Job::CritsecOpen),
            Critsec::Open => out.push(Job::CritsecClose),
            Critsec::Closed => {}
        }
    }
    if let Some(obj) = p.touch_due {
        out.push(Job::TouchDead(obj));
    }
}

/// Runs a background job.
pub fn run_job(ls: &mut LogonState, cfg: &Config, job: Job, ev: &mut Vec<Body>) {
    let p = &mut ls.provider;
    match job {
        Job::RowAfterLogoff => {
            p.late_row_due = false;
            p.offline = true;
            let status = p.status(cfg.behaviour);
            p.write_row(status, true, ev);
        }
        Job::SentDeferred(s) => {
            let h = &mut p.held[s as usize];
            *h = if *h == Held::Aborted {
                Held::AbortedAnnounced
            } else {
                Held::Announced
            };
            ev.push(Body::spooler_notify(
                N::NOTIFY_SENTDEFERRED,
                Some(out_id(s)),
            ));
        }
        Job::NewMail => {
            p.newmail_due = false;
            ev.push(Body::spooler_notify(N::NOTIFY_NEWMAIL, None));
        }
        Job::CritsecOpen => {
            p.critsec = Critsec::Open;
            ev.push(Body::spooler_notify(N::NOTIFY_CRITSEC, None));
        }
        Job::CritsecClose => {
            p.critsec = Critsec::Closed;
            ev.push(Body::spooler_notify(N::NOTIFY_NONCRIT, None));
        }
        Job::TouchDead(obj) => {
            p.touch_due = None;
            ev.push(Body::MessageRead {
                msg: MsgId(obj),
                result: H::S_OK,
            });
        }
    }
}

/// The payload of a TransportNotify call the spooler makes.
pub fn notify_data(flags: u32, slot: Option<u8>, msg_ref: u32) -> Option<NotifyData> {
    let f = F::from_raw(flags);
    if f.contains(F::NOTIFY_ABORT_DEFERRED) {
        slot.map(|s| NotifyData::EntryId(out_id(s)))
    } else if f.contains(F::NOTIFY_CANCEL_MESSAGE) {
        Some(NotifyData::MsgRef(msg_ref))
    } else {
        None
    }
}
