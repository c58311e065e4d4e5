//! The provider interface: IXPProvider / IXPLogon as Rust traits (DESIGN.md "The provider
//! interface"). Entry points take `&self` because TransportNotify arrives on another thread (or
//! re-entrantly, from a window procedure) while SubmitMessage, StartMessage or EndMessage runs
//! (TN-18, TN-27). In/out parameters are as in the C API: `*lpulFlags` is `&mut`, the msg-ref
//! cell is a [`MsgRefOut`] the spooler can read at any time, exactly like `*lpulMsgRef`.

use std::sync::Arc;

use xpcheck_properties::event::NotifyData;
use xpcheck_properties::vocab::{
    EndMessageFlags, FlushFlags, HResult, IdleFlags, LogoffFlags, LogonFlags, StartMessageFlags,
    SubmitFlags, TransportNotifyFlags, ValidateStateFlags,
};

pub use crate::objects::{Message, MsgRefOut, Props, Support};
pub use crate::wire::{Wire, WireMessage};

/// `IXPProvider`: logs on and shuts down.
pub trait TransportProvider: Send + Sync {
    /// `TransportLogon(lpMAPISup, ..., &ulFlags, ..., &lpXPLogon)` (LIFE-7..LIFE-23). `flags` holds
    /// the LOGON_* input bits on entry; the provider leaves LOGON_SP_* output bits in it. Create
    /// the status row with `support.modify_status_row` before returning (STAT-1, LIFE-23).
    fn transport_logon(
        &self,
        support: Support,
        flags: &mut LogonFlags,
    ) -> Result<Arc<dyn TransportLogon>, HResult>;

    /// `Shutdown(&ulFlags)` after the last logon is gone (LIFE-33).
    fn shutdown(&self) -> HResult {
        HResult::S_OK
    }
}

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

    /// `Idle(ulFlags)` (IDLE-1..IDLE-3); `flags` is reserved, 0 (IDLE-2).
    fn idle(&self, _flags: IdleFlags) -> HResult {
        HResult::S_OK
    }

    /// `FlushQueues(..., ulFlags)` (FQ-1..FQ-14).
    fn flush_queues(&self, flags: FlushFlags) -> HResult;

    /// `ValidateState(ulUIParam, ulFlags)` (VS-1..VS-12, SPN-6).
    fn validate_state(&self, _flags: ValidateStateFlags) -> HResult {
        HResult::S_OK
    }

    /// `TransportLogoff(ulFlags)` (LIFE-27..LIFE-30).
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
