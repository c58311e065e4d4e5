//! Monitors: predicates over (remembered state, next event), each owning rule IDs.
//!
//! Every check first reports that it was evaluated (`Sink::checked`), then, if it fails, a
//! violation with the rule, the blamed side and a message. Files group checks by concern.

mod cancel;
mod flow;
mod flush;
mod flush_queues;
mod inbound;
mod lifecycle;
mod notify;
mod outbound;
mod provider;
mod provider_flush;
mod signals;
mod status_object;
mod support;
mod validate;

use crate::event::Event;
use crate::judge::{ProviderState, Session, Settings, Sink};
use crate::rules::Rid;

/// Evaluates `$ok` as a check of `$rule`; on failure reports an error blamed on `$blame`.
macro_rules! require {
    ($cx:expr, $rule:expr, $ok:expr, $blame:ident, $($msg:tt)+) => {{
        let rule = $rule;
        $cx.out.checked(rule);
        if !($ok) {
            $cx.out.violated($crate::judge::Violation {
                rule,
                seq: $cx.ev.seq,
                severity: $crate::judge::Severity::Error,
                graded: None,
                blame: $crate::judge::Blame::$blame,
                message: format_args!($($msg)+),
            });
        }
    }};
}

/// Like `require!` for a situation SPEC grades as a warning ([`crate::grading::Graded`]): a
/// warning, or an error under `--strict`.
macro_rules! graded {
    ($cx:expr, $rule:expr, $graded:expr, $ok:expr, $blame:ident, $($msg:tt)+) => {{
        let rule = $rule;
        let graded: $crate::grading::Graded = $graded;
        debug_assert!(graded.rules().contains(&rule.id()), "{graded:?} does not grade {}", rule.id());
        $cx.out.checked(rule);
        if !($ok) {
            $cx.out.violated($crate::judge::Violation {
                rule,
                seq: $cx.ev.seq,
                severity: $cx.cfg.grade(graded),
                graded: Some(graded),
                blame: $crate::judge::Blame::$blame,
                message: format_args!($($msg)+),
            });
        }
    }};
}

pub(crate) use {graded, require};

/// What one check sees.
pub(crate) struct Cx<'a, S: Sink<Rid>> {
    /// The provider object (default when the engine judges a logon alone).
    pub p: &'a ProviderState,
    pub s: &'a Session,
    pub cfg: &'a Settings,
    pub ev: &'a Event,
    pub out: &'a mut S,
}

/// Runs every logon-level monitor on `ev`, judged against the state before it.
pub(crate) fn check<S: Sink<Rid>>(
    p: &ProviderState,
    s: &Session,
    cfg: &Settings,
    ev: &Event,
    out: &mut S,
) {
    let mut cx = Cx { p, s, cfg, ev, out };
    lifecycle::check(&mut cx);
    notify::check(&mut cx);
    cancel::check(&mut cx);
    outbound::check(&mut cx);
    inbound::check(&mut cx);
    flush::check(&mut cx);
    flush_queues::check(&mut cx);
    support::check(&mut cx);
    signals::check(&mut cx);
    validate::check(&mut cx);
    status_object::check(&mut cx);
    flow::check(&mut cx);
}

/// Runs the provider-level monitors on `ev` (every event, provider-level or not), judged
/// against the provider object and the event's logon before it.
pub(crate) fn check_provider<S: Sink<Rid>>(
    p: &ProviderState,
    s: &Session,
    cfg: &Settings,
    ev: &Event,
    out: &mut S,
) {
    let mut cx = Cx { p, s, cfg, ev, out };
    provider::check(&mut cx);
    provider_flush::check(&mut cx);
}

#[cfg(test)]
mod testkit;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_flow;
#[cfg(test)]
mod tests_flush;
#[cfg(test)]
mod tests_life;
#[cfg(test)]
mod tests_signals;
#[cfg(test)]
mod tests_spooler_flush;
#[cfg(test)]
mod tests_validate;
