//! The judge: runs every monitor over an event stream and reports findings by rule ID.
//!
//! Each logon has a [`Session`] (what the contract needs to remember). For every event the
//! monitors (`crate::monitors`) first judge it against the state *before* the event, then the
//! session applies it. Monitors report through a [`Sink`]: every evaluated check
//! ([`Sink::checked`]) and every violation ([`Sink::violated`]), so an engine can count checks
//! per rule, keep findings, or (the stateright model) fold violations into a bit mask.

pub mod copy_vec;
pub mod duties;
mod obligations;
pub mod provider;
pub mod session;
pub mod status_flow;
pub mod track;

use serde::Serialize;
use std::fmt;

use crate::event::{Body, Event, Method, Thread};
use crate::grading::Graded;
use crate::monitors;
use crate::rule_set::RuleId;
use crate::rules::Rid;
pub use provider::{observe_event, ProviderState};
pub use session::Session;

/// How bad a finding is (SPEC's grading, [`crate::grading`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A rule is broken: the run's verdict is `violated`.
    Error,
    /// A situation SPEC grades "warn" ([`Graded`]): reported, verdict unchanged (unless
    /// `--strict`).
    Warning,
}

/// Which side of the contract produced the offending event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Blame {
    /// The provider under test.
    Provider,
    /// The spooler side: the harness's spooler or a recorded trace's spooler.
    Spooler,
    /// The MAPI subsystem: support object, MAPI32 runtime, the notification engine.
    Mapi,
    /// A MAPI client (an application or a Windows service).
    Client,
    /// A message store provider (AbortSubmit answers).
    Store,
}

/// How the monitors read SPEC's open points (§4) and how warnings count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Settings {
    /// `--lenient`: the relaxed readings the AMB notes allow: a bare StartMessage error is
    /// accepted (AMB-4), and one EndMessage after MAPI_E_WAIT / MAPI_E_NETWORK_ERROR is allowed
    /// (AMB-34). Default off.
    pub lenient: bool,
    /// `--strict`: every warning counts as an error (like `-D warnings`). Default off.
    pub deny_warnings: bool,
    /// AMB-6 (b): harness calls the entry point handling a cancelled message may still make
    /// before returning (default 2).
    pub cancel_budget: u8,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            lenient: false,
            deny_warnings: false,
            cancel_budget: 2,
        }
    }
}

impl Settings {
    /// The severity of a graded situation: a warning, or an error under `--strict`.
    pub fn grade(&self, _g: Graded) -> Severity {
        if self.deny_warnings {
            Severity::Error
        } else {
            Severity::Warning
        }
    }
}

/// One violation as reported by a monitor; the message is formatted only if kept.
pub struct Violation<'a, R> {
    /// The rule.
    pub rule: R,
    /// Sequence number of the offending event.
    pub seq: u64,
    /// Error or warning.
    pub severity: Severity,
    /// The SPEC situation that grades it a warning, if any.
    pub graded: Option<Graded>,
    /// Which side is at fault.
    pub blame: Blame,
    /// What happened.
    pub message: fmt::Arguments<'a>,
}

/// Where monitors report.
pub trait Sink<R> {
    /// A check of `rule` was evaluated on an event where the rule applies.
    fn checked(&mut self, rule: R);
    /// A check failed.
    fn violated(&mut self, v: Violation<'_, R>);
}

/// A kept finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Rule ID.
    pub rule: &'static str,
    /// Sequence number of the offending event.
    pub seq: u64,
    /// Error or warning.
    pub severity: Severity,
    /// The SPEC note that grades this situation a warning (e.g. `AMB-28`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub graded: Option<&'static str>,
    /// Which side is at fault.
    pub blame: Blame,
    /// What happened, in words.
    pub message: String,
}

impl Finding {
    /// Keeps a violation.
    pub fn from_violation<R: RuleId>(v: Violation<'_, R>) -> Finding {
        Finding {
            rule: v.rule.id(),
            seq: v.seq,
            severity: v.severity,
            graded: v.graded.map(Graded::source),
            blame: v.blame,
            message: v.message.to_string(),
        }
    }
}

/// A sink that counts checks per rule and keeps every finding.
#[derive(Clone, Debug)]
pub struct Collect<R = Rid> {
    /// Checks per rule, indexed by [`RuleId::index`].
    pub checks: Vec<u64>,
    /// Findings in the order found.
    pub findings: Vec<Finding>,
    _set: std::marker::PhantomData<R>,
}

impl<R: RuleId> Default for Collect<R> {
    fn default() -> Collect<R> {
        Collect::new()
    }
}

impl<R: RuleId> Collect<R> {
    /// An empty collector.
    pub fn new() -> Collect<R> {
        Collect {
            checks: vec![0; R::ALL.len()],
            findings: Vec::new(),
            _set: std::marker::PhantomData,
        }
    }

    /// Errors found (warnings excluded).
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
    }
}

impl<R: RuleId> Sink<R> for Collect<R> {
    fn checked(&mut self, rule: R) {
        self.checks[rule.index()] += 1;
    }
    fn violated(&mut self, v: Violation<'_, R>) {
        self.findings.push(Finding::from_violation(v));
    }
}

/// A structurally impossible trace (not a rule violation): the trace cannot be judged.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TraceError {
    /// A return with no open call on its thread.
    #[error("event {seq}: {method:?} returns on thread {thread} but no call is open there")]
    ReturnWithoutCall {
        /// Offending event.
        seq: u64,
        /// Method named by the return.
        method: Method,
        /// Thread name.
        thread: String,
    },
    /// A return that names another method than the innermost open call.
    #[error(
        "event {seq}: return names {returned:?} but the open call on thread {thread} is {open:?}"
    )]
    ReturnMismatch {
        /// Offending event.
        seq: u64,
        /// Method named by the return.
        returned: Method,
        /// The open call.
        open: Method,
        /// Thread name.
        thread: String,
    },
    /// Too many logons.
    #[error("event {seq}: logon index {logon} is above the supported maximum 15")]
    LogonIndex {
        /// Offending event.
        seq: u64,
        /// The index.
        logon: u8,
    },
    /// `*lpulMsgRef` written with no SubmitMessage or StartMessage open on that thread: there is
    /// no out-parameter to write.
    #[error("event {seq}: msg-ref write on thread {thread} but no SubmitMessage or StartMessage is open there")]
    MsgRefWithoutCall {
        /// Offending event.
        seq: u64,
        /// Thread name.
        thread: String,
    },
    /// A second TransportLogon on a logon index whose logon object is still alive.
    #[error("event {seq}: TransportLogon on logon index {logon}, whose logon is still alive (neither logged off nor released); a new IXPLogon needs its own index")]
    LogonInUse {
        /// Offending event.
        seq: u64,
        /// The index.
        logon: u8,
    },
    /// A provider call, callback or return on a logon index that never logged on.
    #[error("event {seq}: {what} on logon index {logon}, which never logged on (no TransportLogon on it)")]
    NoLogon {
        /// Offending event.
        seq: u64,
        /// The index.
        logon: u8,
        /// The event, in words.
        what: String,
    },
}

/// Structural checks before judging: the event can happen at all on this logon (a recorded
/// trace that fails them is rejected, exit 2, rather than judged).
pub(crate) fn check_possible(s: &Session, ev: &Event) -> Result<(), TraceError> {
    match ev.body {
        Body::MsgRefWrite { .. } => {
            let open = s
                .frame(ev.thread)
                .is_some_and(|f| matches!(f.method, Method::SubmitMessage | Method::StartMessage));
            if !open {
                return Err(TraceError::MsgRefWithoutCall {
                    seq: ev.seq,
                    thread: ev.thread.name(),
                });
            }
        }
        Body::TransportLogon { .. } => {
            let alive =
                !matches!(s.life, session::Life::Idle | session::Life::Gone) && !s.track.released;
            if alive {
                return Err(TraceError::LogonInUse {
                    seq: ev.seq,
                    logon: ev.logon,
                });
            }
        }
        // The environment may act before a logon exists: mail waiting on the server, time,
        // a client's AbortSubmit, a store logging off, MAPI configuring the service.
        Body::MailArrived { .. }
        | Body::TimePasses { .. }
        | Body::AbortSubmit { .. }
        | Body::StoreLogoff { .. }
        | Body::ServiceConfigure => {}
        _ => {
            if s.life == session::Life::Idle && s.frames.is_empty() {
                return Err(TraceError::NoLogon {
                    seq: ev.seq,
                    logon: ev.logon,
                    what: crate::render::describe(ev).trim().to_string(),
                });
            }
        }
    }
    Ok(())
}

/// Monitors plus remembered state for the provider object and every logon of one run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Judge {
    /// The provider object (LIFE-1..LIFE-5, LIFE-20, LIFE-21, LIFE-31..LIFE-33, SVC-7, FQ-6).
    pub provider: ProviderState,
    /// One session per logon index.
    pub sessions: Vec<Session>,
}

impl Judge {
    /// A judge that has seen nothing.
    pub fn new() -> Judge {
        Judge::default()
    }

    /// Judges one event, then remembers it: provider-level monitors on every event,
    /// provider-level calls and their returns to [`Judge::provider`], everything else to the
    /// session of `ev.logon` ([`observe_event`]).
    pub fn observe<S: Sink<Rid>>(
        &mut self,
        cfg: &Settings,
        ev: &Event,
        out: &mut S,
    ) -> Result<(), TraceError> {
        if ev.logon as usize >= provider::MAX_LOGONS {
            return Err(TraceError::LogonIndex {
                seq: ev.seq,
                logon: ev.logon,
            });
        }
        let i = ev.logon as usize;
        if self.sessions.len() <= i {
            self.sessions.resize_with(i + 1, Session::default);
        }
        observe_event(&mut self.provider, &mut self.sessions[i], cfg, ev, out)
    }
}

impl Session {
    /// Judges one event against this logon's state alone, then remembers it. The provider
    /// object is unknown here: provider-level rules are not judged and provider-level calls are
    /// kept as this logon's open calls. Engines that see provider-level events use
    /// [`observe_event`] (or [`Judge`]) instead.
    pub fn observe<S: Sink<Rid>>(
        &mut self,
        cfg: &Settings,
        ev: &Event,
        out: &mut S,
    ) -> Result<(), TraceError> {
        if let Body::Return { method, .. } = ev.body {
            check_return_shape(self, ev.seq, ev.thread, method)?;
        }
        monitors::check(&ProviderState::default(), self, cfg, ev, out);
        self.apply(ev);
        Ok(())
    }
}

pub(crate) fn check_return_shape(
    s: &Session,
    seq: u64,
    th: Thread,
    method: Method,
) -> Result<(), TraceError> {
    match s.frame(th) {
        None => Err(TraceError::ReturnWithoutCall {
            seq,
            method,
            thread: th.name(),
        }),
        Some(f) if f.method != method => Err(TraceError::ReturnMismatch {
            seq,
            returned: method,
            open: f.method,
            thread: th.name(),
        }),
        Some(_) => Ok(()),
    }
}
