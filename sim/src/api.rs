//! The provider interface: IXPProvider / IXPLogon as Rust traits (DESIGN.md "The provider
//! interface"). Entry points take `&self` because TransportNotify arrives on another thread (or
//! re-entrantly, from a window procedure) while SubmitMessage, StartMessage or EndMessage runs
//! (TN-18, TN-27). In/out parameters are as in the C API: `*lpulFlags` is `&mut`, the msg-ref
//! cell is a [`MsgRefOut`] the spooler can read at any time, exactly like `*lpulMsgRef`.

use std::sync::Arc;

use xpcheck_properties::event::NotifyData;
use xpcheck_properties::vocab::consts::CURRENT_SPI_VERSION;
use xpcheck_properties::vocab::{
    EndMessageFlags, FlagWord, FlushFlags, HResult, IdleFlags, LogoffFlags, LogonFlags,
    StartMessageFlags, SubmitFlags, TransportNotifyFlags, ValidateStateFlags,
};

pub use crate::objects::{Message, MsgRefOut, Props, StatusRow, Support};
pub use crate::wire::{Wire, WireMessage};

/// `IXPProvider`: logs on and shuts down. The provider factory is `XPProviderInit`: the harness
/// records the call (ulFlags 0, ulMAPIVer CURRENT_SPI_VERSION) and its return with
/// [`TransportProvider::spi_version`] (LIFE-1..LIFE-3); a provider object may serve several
/// logons at once (LIFE-5), each with its own support object.
pub trait TransportProvider: Send + Sync {
    /// `TransportLogon(lpMAPISup, ..., &ulFlags, ..., &lpXPLogon)` (LIFE-7..LIFE-23). `flags` holds
    /// the LOGON_* input bits on entry; the provider leaves LOGON_SP_* output bits in it. Create
    /// the status row with `support.modify_status_row_with` before returning (STAT-1, STAT-7,
    /// LIFE-23).
    fn transport_logon(
        &self,
        support: Support,
        flags: &mut LogonFlags,
    ) -> Result<Arc<dyn TransportLogon>, HResult>;

    /// The SPI version XPProviderInit reports in `*lpulProviderVer`: never a major version above
    /// MAPI's (LIFE-3). The default is CURRENT_SPI_VERSION.
    fn spi_version(&self) -> u32 {
        CURRENT_SPI_VERSION
    }

    /// XPProviderInit's HRESULT. A Rust factory cannot fail (S_OK, the default); a native
    /// provider DLL's XPProviderInit can, and the trace then shows its error (LIFE-1) before
    /// the run stops at the first entry point.
    fn init_result(&self) -> HResult {
        HResult::S_OK
    }

    /// `Shutdown(&ulFlags)` after the last logon object is released (LIFE-31, LIFE-33): S_OK.
    fn shutdown(&self) -> HResult {
        HResult::S_OK
    }
}

/// `ValidateState` as a provider with no remote header cache, no session UI and no
/// configuration to change answers it (VS-5, VS-6, VS-10): MAPI_E_UNKNOWN_FLAGS for undefined
/// bits, MAPI_E_BUSY for PROCESS_XP_HEADER_CACHE (answered S_OK or BUSY), MAPI_E_NO_SUPPORT for
/// everything else. The default of [`TransportLogon::validate_state`] and
/// [`StatusObject::validate_state`].
pub fn validate_state_unsupported(flags: ValidateStateFlags) -> HResult {
    if flags.unknown_bits() != 0 {
        HResult::MAPI_E_UNKNOWN_FLAGS
    } else if flags.contains(ValidateStateFlags::PROCESS_XP_HEADER_CACHE) {
        HResult::MAPI_E_BUSY
    } else {
        HResult::MAPI_E_NO_SUPPORT
    }
}

/// `IMAPIStatus` on the status object [`TransportLogon::open_status_entry`] returns (STAT-6),
/// called by clients on their own thread. Its row's PR_RESOURCE_METHODS advertises exactly the
/// methods that answer other than MAPI_E_NO_SUPPORT (STAT-11, FQ-16). The defaults answer as a
/// status object that advertises none.
pub trait StatusObject: Send + Sync {
    /// `IMAPIStatus::ValidateState(ulUIParam, ulFlags)` (VS-5..VS-12): as IXPLogon::ValidateState
    /// (VS-1).
    fn validate_state(&self, flags: ValidateStateFlags) -> HResult {
        validate_state_unsupported(flags)
    }

    /// `IMAPIStatus::FlushQueues(ulUIParam, 0, NULL, ulFlags)` (FQ-15..FQ-17): set the row's
    /// flush bits and return S_OK, the spooler flushes later; no message transfer here.
    fn flush_queues(&self, _flags: FlushFlags) -> HResult {
        HResult::MAPI_E_NO_SUPPORT
    }

    /// `IMAPIStatus::SettingsDialog` (STAT-11).
    fn settings_dialog(&self) -> HResult {
        HResult::MAPI_E_NO_SUPPORT
    }
}

/// The default status object: PR_RESOURCE_METHODS 0, every method answers MAPI_E_NO_SUPPORT
/// (ValidateState as [`validate_state_unsupported`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoMethods;

impl StatusObject for NoMethods {}

/// `IXPLogon`: one transport session.
pub trait TransportLogon: Send + Sync {
    /// `AddressTypes` (LIFE-22).
    fn address_types(&self) -> HResult {
        HResult::S_OK
    }

    /// `TransportNotify(&ulFlags, &lpvData)` (TN-1..TN-28): return `*flags` unchanged (TN-1).
    fn transport_notify(
        &self,
        flags: &mut TransportNotifyFlags,
        data: Option<NotifyData>,
    ) -> HResult;

    /// `SubmitMessage(ulFlags, lpMessage, &ulMsgRef, &ulReturnParm)` (SUB-1..SUB-15).
    fn submit_message(
        &self,
        flags: SubmitFlags,
        msg: &Message,
        msg_ref: &MsgRefOut,
        return_parm: &mut u32,
    ) -> HResult;

    /// `EndMessage(ulMsgRef, &ulFlags)` (EM-1..EM-6).
    fn end_message(&self, msg_ref: u32, flags: &mut EndMessageFlags) -> HResult;

    /// `StartMessage(ulFlags, lpMessage, &ulMsgRef)` (SM-1..SM-14); `flags` is reserved, 0 (SM-2).
    /// The default is a send-only provider's: S_OK without SaveChanges, "no message" (SM-10).
    fn start_message(
        &self,
        _flags: StartMessageFlags,
        _msg: &Message,
        _msg_ref: &MsgRefOut,
    ) -> HResult {
        HResult::S_OK
    }

    /// `Poll(&ulIncoming)` (POLL-1..POLL-3): called only if TransportLogon returned
    /// LOGON_SP_POLL (POLL-1). The default reports no mail.
    fn poll(&self, incoming: &mut u32) -> HResult {
        *incoming = 0;
        HResult::S_OK
    }

    /// `Idle(ulFlags)` (IDLE-1..IDLE-3): called only if TransportLogon returned LOGON_SP_IDLE,
    /// at any frequency (LIFE-11); `flags` is reserved, 0 (IDLE-2); S_OK (IDLE-3).
    fn idle(&self, _flags: IdleFlags) -> HResult {
        HResult::S_OK
    }

    /// `FlushQueues(..., ulFlags)` (FQ-1..FQ-14).
    fn flush_queues(&self, flags: FlushFlags) -> HResult;

    /// `ValidateState(ulUIParam, ulFlags)` (VS-1..VS-12, SPN-6). The default answers as
    /// [`validate_state_unsupported`].
    fn validate_state(&self, flags: ValidateStateFlags) -> HResult {
        validate_state_unsupported(flags)
    }

    /// `OpenStatusEntry(NULL, ulFlags, &ulObjType, &lpEntry)` on behalf of a client (STAT-6):
    /// the status object for this logon's row; the harness answers `*lpulObjType` = MAPI_STATUS.
    /// Every transport has one (FLOW-17: never MAPI_E_NO_SUPPORT). The default is [`NoMethods`];
    /// a logon that implements [`StatusObject`] itself returns `Ok(self)`.
    fn open_status_entry(self: Arc<Self>) -> Result<Arc<dyn StatusObject>, HResult> {
        Ok(Arc::new(NoMethods))
    }

    /// `TransportLogoff(ulFlags)` (LIFE-27..LIFE-30): S_OK with any of 0, LOGOFF_NORMAL,
    /// LOGOFF_HURRY; no callback after it returns (LIFE-29). A provider that invalidates its logon
    /// (`support.make_invalid()`) and releases the support object (`support.release()`) does
    /// both here, the release last (LIFE-30). The spooler then releases the logon object (the
    /// harness drops it, LIFE-32).
    fn transport_logoff(&self, flags: LogoffFlags) -> HResult;
}

/// A plain constructor of a provider object, e.g. `loopback` (what [`ProviderFactory`] is made
/// from most often).
pub type ProviderFn = fn(Wire) -> Arc<dyn TransportProvider>;

/// Builds a fresh provider object connected to the simulated messaging system, once per seed,
/// state or loom execution. Made from a plain `fn(Wire) -> Arc<dyn TransportProvider>` (every
/// engine takes `impl Into<ProviderFactory>`, so such a function can be passed as it is) or, for
/// a configured provider, from a closure with [`ProviderFactory::new`]:
///
/// ```
/// # use std::sync::Arc;
/// # use xpcheck_sim::api::*;
/// # use xpcheck_properties::vocab::*;
/// struct Mine { wire: Wire, retries: u32 }
/// # impl TransportProvider for Mine {
/// #     fn transport_logon(&self, _: Support, _: &mut LogonFlags)
/// #         -> Result<Arc<dyn TransportLogon>, HResult> { Err(HResult::MAPI_E_CALL_FAILED) }
/// # }
/// let retries = 3;
/// let factory = ProviderFactory::new(move |wire| Mine { wire, retries });
/// # let _ = factory.make(Wire::new());
/// ```
#[derive(Clone)]
pub struct ProviderFactory(Arc<dyn Fn(Wire) -> Arc<dyn TransportProvider> + Send + Sync>);

impl ProviderFactory {
    /// A factory from a closure that builds a provider object.
    pub fn new<P: TransportProvider + 'static>(
        make: impl Fn(Wire) -> P + Send + Sync + 'static,
    ) -> ProviderFactory {
        ProviderFactory(Arc::new(move |w| Arc::new(make(w))))
    }

    /// A fresh provider object on `wire`.
    pub fn make(&self, wire: Wire) -> Arc<dyn TransportProvider> {
        (self.0)(wire)
    }
}

impl<F> From<F> for ProviderFactory
where
    F: Fn(Wire) -> Arc<dyn TransportProvider> + Send + Sync + 'static,
{
    fn from(f: F) -> ProviderFactory {
        ProviderFactory(Arc::new(f))
    }
}

impl std::fmt::Debug for ProviderFactory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProviderFactory")
    }
}
