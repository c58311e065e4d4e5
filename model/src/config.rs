//! What the model explores: message counts, logons, which spooler features, bounds.

use xpcheck_properties::judge::Settings;

use crate::behaviour::Behaviour;

/// Most messages per direction the fixed-size model state holds.
pub const MAX_MESSAGES: usize = 4;

/// Model configuration. `Config::standard` is the reference configuration of the issue:
/// 2 outbound + 1 inbound messages, a notify thread, one logon.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Config {
    /// Abstract provider behaviour.
    pub behaviour: Behaviour,
    /// Outbound messages queued at the spooler (1..=MAX_MESSAGES).
    pub outbound: u8,
    /// Inbound messages that arrive on the wire (0..=MAX_MESSAGES).
    pub inbound: u8,
    /// Transport logons on the provider object (1..=2; LIFE-5).
    pub logons: u8,
    /// Provider refusals (BUSY / WAIT / NETWORK_ERROR / NOT_ME, EndMessage RESEND_LATER) per logon.
    pub refusals: u8,
    /// NOTIFY_CANCEL_MESSAGE calls the spooler may make per logon.
    pub cancels: u8,
    /// Explore deferral (END_DONT_RESEND, SENTDEFERRED, BEGIN_DEFERRED, ABORT_DEFERRED).
    pub deferral: bool,
    /// Explore flushes (BEGIN/END_*_FLUSH, FlushQueues).
    pub flush: bool,
    /// Explore a NOTIFY_CRITSEC section and ValidateState inside it.
    pub critsec: bool,
    /// Explore NOTIFY_CRITICAL_ERROR inside SubmitMessage/StartMessage.
    pub critical: bool,
    /// Explore SpoolerYield answering MAPI_W_CANCEL_MESSAGE.
    pub yield_cancel: bool,
    /// Explore a client's AbortSubmit of a queued message.
    pub abort_submit: bool,
    /// Inbound mail may arrive at any point of the session; otherwise it is waiting on the
    /// server before TransportLogon (fewer interleavings, same protocol situations).
    pub late_mail: bool,
    /// The lifecycle around the logons: MAPI may pass an incompatible SPI version to
    /// XPProviderInit (LIFE-3, LIFE-4); the profile starts unconfigured (LIFE-21); logon 0 passes
    /// LOGON_NO_DIALOG (LIFE-17) and relies on NOTIFY_NEWMAIL (no LOGON_SP_POLL, LIFE-10); later
    /// logons pass LOGON_NO_CONNECT (LIFE-16), may see a logon dialog the user cancels (LIFE-5,
    /// LIFE-19, LIFE-20) and may be released without TransportLogoff (LIFE-34); TransportLogoff
    /// with each of 0, LOGOFF_NORMAL, LOGOFF_HURRY (LIFE-27).
    pub lifecycle: bool,
    /// The provider answers LOGON_SP_IDLE and the spooler calls Idle when the logon is idle
    /// (IDLE-1..IDLE-3, LIFE-11).
    pub idle: bool,
    /// IXPLogon::ValidateState with each flag of [`crate::spooler::VS_SCRIPT`] in turn (VS-*).
    pub validate: bool,
    /// OpenStatusEntry and the status object's IMAPIStatus calls on thread `client1`
    /// ([`crate::spooler::CLIENT_SCRIPT`]: STAT-6, STAT-11, FQ-15..FQ-17, FLOW-17).
    pub status: bool,
    /// One IXPLogon::FlushQueues with any flag combination SPEC allows
    /// ([`crate::spooler::FQ_FLAGS`]) and the flush sequence after it (FQ-*).
    pub flush_queues: bool,
    /// A message store logs off before the spooler winds down (FLOW-15).
    pub store_logoff: bool,
    /// XPProviderInit passes MAPI_NT_SERVICE: the provider runs in a Windows service (SVC-7).
    pub nt_service: bool,
    /// Monitor settings (strict by default).
    pub settings: Settings,
}

/// A named configuration. Features multiply the state space, so they are explored in
/// separate scenarios; `xpcheck check` runs all of them and merges the verdicts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scenario {
    /// The standard configuration: 2 outbound + 1 inbound, one logon, a notify thread;
    /// BEGIN/END in any permitted mix, two cancels, one refusal, deferral.
    Standard,
    /// SpoolerYield answering MAPI_W_CANCEL_MESSAGE (YLD-3/4), with one refusal.
    Yield,
    /// Flush cycles: BEGIN/END_*_FLUSH and FlushQueues (TN-8..TN-12, TN-16, TN-23).
    Flush,
    /// NOTIFY_CRITSEC sections, NOTIFY_CRITICAL_ERROR, a client's AbortSubmit (SPN-6..8, DEF-2, TN-4).
    Faults,
    /// The provider object and two logons: XPProviderInit (also with an incompatible SPI
    /// version), an unconfigured profile, a cancelled logon dialog, NO_DIALOG / NO_CONNECT
    /// logons, Idle, NEWMAIL without polling, a store logoff, TransportLogoff / Release /
    /// Shutdown in every order the contract allows (LIFE-*, IDLE-*, FLOW-15).
    Lifecycle,
    /// IXPLogon::ValidateState with every flag, also inside a NOTIFY_CRITSEC section (VS-*,
    /// SPN-5, SPN-6, SPN-9).
    Validate,
    /// OpenStatusEntry and the status object's ValidateState / FlushQueues / SettingsDialog from
    /// a client thread (STAT-6, STAT-7, STAT-11, FQ-15..FQ-17, SPN-5, FLOW-7, FLOW-17).
    Status,
    /// IXPLogon::FlushQueues with every flag combination SPEC allows, deferred messages, in a
    /// Windows service (FQ-*, SVC-7).
    FlushQueues,
}

impl Scenario {
    /// Every scenario, in the order `xpcheck check` runs them.
    pub const ALL: &'static [Scenario] = &[
        Scenario::Standard,
        Scenario::Yield,
        Scenario::Flush,
        Scenario::Faults,
        Scenario::Lifecycle,
        Scenario::Validate,
        Scenario::Status,
        Scenario::FlushQueues,
    ];

    /// Command-line name.
    pub const fn name(self) -> &'static str {
        match self {
            Scenario::Standard => "standard",
            Scenario::Yield => "yield",
            Scenario::Flush => "flush",
            Scenario::Faults => "faults",
            Scenario::Lifecycle => "lifecycle",
            Scenario::Validate => "validate",
            Scenario::Status => "status",
            Scenario::FlushQueues => "flushqueues",
        }
    }

    /// Looks a scenario up by name.
    pub fn from_name(name: &str) -> Option<Scenario> {
        Scenario::ALL.iter().copied().find(|s| s.name() == name)
    }
}

impl Config {
    /// The configuration of a scenario for a provider behaviour.
    pub fn scenario(scenario: Scenario, behaviour: Behaviour) -> Config {
        let none = Config {
            behaviour,
            outbound: 1,
            inbound: 1,
            logons: 1,
            refusals: 0,
            cancels: 2,
            deferral: false,
            flush: false,
            critsec: false,
            critical: false,
            yield_cancel: false,
            abort_submit: false,
            late_mail: false,
            lifecycle: false,
            idle: false,
            validate: false,
            status: false,
            flush_queues: false,
            store_logoff: false,
            nt_service: false,
            settings: Settings::default(),
        };
        match scenario {
            Scenario::Standard => Config {
                outbound: 2,
                refusals: 1,
                deferral: true,
                ..none
            },
            Scenario::Yield => Config {
                outbound: 2,
                refusals: 1,
                yield_cancel: true,
                ..none
            },
            Scenario::Flush => Config {
                flush: true,
                ..none
            },
            Scenario::Faults => Config {
                critsec: true,
                critical: true,
                abort_submit: true,
                ..none
            },
            Scenario::Lifecycle => Config {
                logons: 2,
                cancels: 0,
                lifecycle: true,
                idle: true,
                store_logoff: true,
                ..none
            },
            Scenario::Validate => Config {
                cancels: 0,
                critsec: true,
                validate: true,
                ..none
            },
            Scenario::Status => Config {
                cancels: 0,
                status: true,
                ..none
            },
            Scenario::FlushQueues => Config {
                cancels: 0,
                deferral: true,
                flush_queues: true,
                nt_service: true,
                ..none
            },
        }
    }

    /// The standard configuration (see [`Scenario::Standard`]).
    pub fn standard(behaviour: Behaviour) -> Config {
        Config::scenario(Scenario::Standard, behaviour)
    }

    /// Checks the bounds; the message says what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        let max = MAX_MESSAGES as u8;
        if self.outbound == 0 && self.inbound == 0 {
            return Err("at least one message is needed: --messages, --outbound or --inbound must be above 0".into());
        }
        if self.outbound > max || self.inbound > max {
            return Err(format!(
                "at most {max} messages per direction (got {} outbound, {} inbound)",
                self.outbound, self.inbound
            ));
        }
        if self.logons == 0 || self.logons > 2 {
            return Err(format!("--logons must be 1 or 2 (got {})", self.logons));
        }
        if self.cancels > 4 {
            return Err(format!(
                "--cancels must be at most 4 (got {})",
                self.cancels
            ));
        }
        if self.refusals > 3 {
            return Err(format!(
                "--refusals must be at most 3 (got {})",
                self.refusals
            ));
        }
        Ok(())
    }
}
