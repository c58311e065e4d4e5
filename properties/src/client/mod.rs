//! The client side of the contract: `MAPIInitialize` / `MAPIUninitialize`, `MAPILogonEx`,
//! `IMAPISession::GetStatusTable`, Windows services and notification dispatch (SPEC.md
//! §2.LOGON, §2.INIT, §2.SVC, §2.NOTIF, STAT-9).
//!
//! * [`event`]: client events ([`ClientEvent`], JSON Lines `"v": 1`, tags disjoint from the
//!   transport events so one trace may mix both);
//! * [`mod@resolve`]: what MAPI does with a `MAPILogonEx` call (LOGON-5, LOGON-7, LOGON-8,
//!   LOGON-16), shared by the monitors, the session model and `xpcheck logon`;
//! * [`judge`]: the per-process state the client rules remember and [`ClientJudge`];
//! * [`rules`]: the monitored client rules ([`ClientRid`]) and the two no client trace decides;
//! * [`render`]: step lines for counterexamples.
//!
//! Every monitor can fail; each is tested firing on a hand-made trace and staying quiet on a
//! conforming one (`tests.rs`).

pub mod event;
pub mod judge;
mod monitors;
pub mod render;
pub mod resolve;
pub mod rules;

#[cfg(test)]
mod tests;

pub use event::{
    ClientBody, ClientCall, ClientEvent, MapiInit, NotifKind, ProviderKind, PumpKind, TraceLine,
    Via,
};
pub use judge::{
    judge_trace, ClientCollect, ClientFinding, ClientJudge, ClientSink, ClientState,
    ClientTraceError, ClientViolation,
};
pub use resolve::{resolve, Resolution};
pub use rules::ClientRid;
