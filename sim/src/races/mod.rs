//! Loom scenarios: the provider's real synchronisation code on two real (loom) threads — the
//! spooler's main thread and its notify thread — explored over every interleaving up to a
//! preemption bound, each execution judged by the same monitors as every other engine (TN-27,
//! TN-17..TN-20, TN-24, STAT-4, ...). Built only with `RUSTFLAGS="--cfg xpcheck_loom"`.
//!
//! ```text
//! RUSTFLAGS="--cfg xpcheck_loom" cargo test --release --workspace loom
//! ```
//!
//! Each scenario is a short spooler script: a setup run alone, a race between the main thread's
//! calls and the notify thread's TransportNotify calls, and an epilogue after both. A cancel is
//! issued only while the message entry point it names is running (from its first callback to
//! its return, as the spooler sees it), with the msg-ref read from `*lpulMsgRef` at that moment
//! (TN-21). What loom leaves out, the runner adds: every single spurious wake-up and every single
//! timeout of the facade's `Condvar` ([`crate::sync::plan`]), and an honest `incomplete` when an
//! iteration or time budget cuts exploration short.

mod driver;
mod report;
mod scenarios;

pub use driver::{
    run, LoomOptions, DEFAULT_MAX_ITERATIONS, DEFAULT_PREEMPTION_BOUND, ENV_MAX_ITERATIONS,
    ENV_MAX_SECONDS, ENV_PREEMPTIONS,
};
pub use report::{Budget, FailureKind, LoomFailure, LoomReport, LoomVerdict};
pub use scenarios::{by_name, MainStep, NotifyStep, Scenario, SCENARIOS};

use crate::api::ProviderFactory;

macro_rules! scenario_fns {
    ($($(#[$doc:meta])* $f:ident = $name:literal;)*) => {$(
        $(#[$doc])*
        pub fn $f(factory: impl Into<ProviderFactory>, opts: &LoomOptions) -> LoomReport {
            run(by_name($name).expect("built-in scenario"), factory, opts)
        }
    )*};
}

scenario_fns! {
    /// NOTIFY_CANCEL_MESSAGE racing StartMessage, then Poll and StartMessage again: no writes
    /// after the cancel returned (TN-17, AMB-6 (a)), a prompt return (TN-19), redelivery (TN-20).
    cancel_races_start_message = "cancel_races_start_message";
    /// NOTIFY_CANCEL_MESSAGE racing two SubmitMessage/EndMessage pairs (TN-17, TN-18, TN-19,
    /// SUB-4): a cancel stops the message it names and no other.
    cancel_races_submit_and_end = "cancel_races_submit_and_end";
    /// NOTIFY_END_OUTBOUND racing SubmitMessage: the message in flight is not stopped (TN-24),
    /// the row is updated (STAT-4).
    end_outbound_races_submit = "end_outbound_races_submit";
    /// NOTIFY_END_INBOUND and NOTIFY_BEGIN_INBOUND racing Poll and StartMessage (TN-5, TN-22,
    /// STAT-4).
    inbound_toggle_races_poll = "inbound_toggle_races_poll";
    /// NOTIFY_BEGIN/END_INBOUND_FLUSH racing StartMessage: no SpoolerYield inside the flush
    /// (TN-8, TN-10, TN-12, TN-23).
    flush_races_start_message = "flush_races_start_message";
    /// Status-row updates from FlushQueues and SubmitMessage racing NOTIFY_END_INBOUND and
    /// NOTIFY_END_OUTBOUND: no lost update of STATUS_* bits (STAT-4, TN-22, TN-24).
    status_rows_race = "status_rows_race";
}
