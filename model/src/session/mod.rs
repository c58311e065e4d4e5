//! The MAPI session layer as a state machine (LOGON-*, INIT-*, SVC-*, NOTIF-*,
//! STAT-9): the
//! `MAPIInitialize` reference count and hidden notification window, the process-wide logon
//! mutex and `MAPI_TIMEOUT_SHORT`, the shared session (`MAPI_ALLOW_OTHERS`,
//! `MAPI_NEW_SESSION`), profile resolution (`MAPI_USE_DEFAULT`, `MAPI_EXPLICIT_PROFILE`,
//! `MAPI_LOGON_UI`), `MAPI_NO_MAIL` (no transport logon, no transport status rows, spooler row
//! `STATUS_FAILURE`), `GetStatusTable` waiting for the spooler to start the transports (STAT-9),
//! Windows services (`MAPI_NT_SERVICE`, no UI, pumping), and the per-process
//! notification queue delivered only through the hidden window's message loop or
//! `HrDispatchNotifications`, or by MAPI's thread with `MAPI_MULTITHREAD_NOTIFICATIONS`.
//!
//! The stateright [`SessionModel`] explores 2–3 client threads per scenario with one `always`
//! property per client rule and `sometimes` properties showing each rule's trigger reachable;
//! faulty [`ClientBehaviour`]s calibrate the client monitors.

pub mod behaviour;
pub mod check;
pub mod model;

#[cfg(test)]
mod tests;

pub use behaviour::{Await, ClientBehaviour, ProfileArg, Program, SessionScenario};
pub use model::{SessionAction, SessionConfig, SessionModel, SessionState};
