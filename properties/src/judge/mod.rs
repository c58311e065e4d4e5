//! The judge: runs every monitor over an event stream and reports findings by rule ID.
//!
//! Each logon has a [`Session`] (what the contract needs to remember). For every event the
//! monitors (`crate::monitors`) first judge it against the state *before* the event, then the
//! session applies it. Monitors report through a [`Sink`]: every evaluated check
//! ([`Sink::checked`]) and every violation ([`Sink::violated`]), so an engine can count checks
//! per rule, keep findings, or (the stateright model) fold violations into a bit mask.

pub mod copy_vec;
pub mod session;

use serde::Serialize;
use std::fmt;

use crate::event::{Body, Event, Method, Thread};
use crate::monitors;
use crate::rules::Rid;
pub use session::Session;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A rule is broken: the run's verdict is `violated`.
    Error,
    /// Allowed but flagged (e.g. AMB-25 non-S_OK from TransportNotify): reported, verdict unchanged.
    Warning,
}

/// Which side of the contract produced the offending event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Blame {
    /// The provider under test.
    Provider,
    /// The spooler side: the harness's spooler, MAPI, the store, or a recorded trace's spooler.
    Spooler,
}

/// Strict/lenient settings from SPEC.md §4 (strict by default).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Settings {
    /// Strict readings of the AMB notes (default). Lenient turns TN-10/TN-16 yields during a
    /// flush into warnings (AMB-28).
    pub strict: bool,
    /// AMB-6 (b): harness calls the entry point handling a cancelled message may still make
    /// before returning (default 2).
    pub cancel_budget: u8,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            strict: true,
            cancel_budget: 2,
        }
    }
}

/// One violation as reported by a monitor; the message is formatted only if kept.
pub struct Violation<'a> {
    /// The rule.
    pub rule: Rid,
    /// Sequence number of the offending event.
    pub seq: u64,
    /// Error or warning.
    pub severity: Severity,
    /// Which side is at fault.
    pub blame: Blame,
    /// What happened.
    pub message: fmt::Arguments<'a>,
}

/// Where monitors report.
pub trait Sink {
    /// A check of `rule` was evaluated on an event where the rule applies.
    fn checked(&mut self, rule: Rid);
    /// A check failed.
    fn violated(&mut self, v: Violation<'_>);
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
    /// Which side is at fault.
    pub blame: Blame,
    /// What happened, in words.
    pub message: String,
}

/// A sink that counts checks per rule and keeps every finding.
#[derive(Clone, Debug, Default)]
pub struct Collect {
    /// Checks per rule, indexed by `Rid as usize`.
    pub checks: Vec<u64>,
    /// Findings in the order found.
    pub findings: Vec<Finding>,
}

impl Collect {
    /// An empty collector.
    pub fn new() -> Collect {
        Collect {
            checks: vec![0; Rid::ALL.len()],
            findings: Vec::new(),
        }
    }

    /// Errors found (warnings excluded).
    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
    }
}

impl Sink for Collect {
    fn checked(&mut self, rule: Rid) {
        self.checks[rule as usize] += 1;
    }
    fn violated(&mut self, v: Violation<'_>) {
        self.findings.push(Finding {
            rule: v.rule.id(),
            seq: v.seq,
            severity: v.severity,
            blame: v.blame,
            message: v.message.to_string(),
        });
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
}

/// Monitors plus remembered state for every logon of one run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Judge {
    /// One session per logon index.
    pub sessions: Vec<Session>,
}

impl Judge {
    /// A judge that has seen nothing.
    pub fn new() -> Judge {
        Judge::default()
    }

    /// Judges one event, then remembers it.
    pub fn observe<S: Sink>(
        &mut self,
        cfg: &Settings,
        ev: &Event,
        out: &mut S,
    ) -> Result<(), TraceError> {
        if ev.logon > 15 {
            return Err(TraceError::LogonIndex {
                seq: ev.seq,
                logon: ev.logon,
            });
        }
        let i = ev.logon as usize;
        if self.sessions.len() <= i {
            self.sessions.resize_with(i + 1, Session::default);
        }
        self.sessions[i].observe(cfg, ev, out)
    }
}

impl Session {
    /// Judges one event against this logon's state, then remembers it.
    pub fn observe<S: Sink>(
        &mut self,
        cfg: &Settings,
        ev: &Event,
        out: &mut S,
    ) -> Result<(), TraceError> {
        if let Body::Return { method, .. } = ev.body {
            check_return_shape(self, ev.seq, ev.thread, method)?;
        }
        monitors::check(self, cfg, ev, out);
        self.apply(ev);
        Ok(())
    }
}

fn check_return_shape(s: &Session, seq: u64, th: Thread, method: Method) -> Result<(), TraceError> {
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
