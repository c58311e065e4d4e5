//! Flush cycles: set the bit soon (TN-8, TN-16; FlushQueues' bits are FQ-2 and FQ-10, in
//! `flush_queues`), no yielding inside a cycle (TN-10, TN-16, AMB-28), clear the bit when the
//! cycle ends (TN-12, TN-23, TN-16; FQ-12 for the inbound phase of a FlushQueues flush; bound
//! from AMB-3: before TransportLogoff returns and before the next BEGIN_*_FLUSH or FlushQueues
//! asking for that direction arrives).

use super::{graded, require, Cx};
use crate::event::{Body, Method};
use crate::grading::Graded;
use crate::judge::session::{flush_bit, FlushState, INBOUND, OUTBOUND};
use crate::judge::{Session, Sink};
use crate::rules::Rid;
use crate::vocab::{FlagWord, FlushFlags, TransportNotifyFlags as F};

pub(super) fn dir_name(d: usize) -> &'static str {
    if d == INBOUND {
        "inbound"
    } else {
        "outbound"
    }
}

pub(super) fn check<S: Sink<Rid>>(cx: &mut Cx<'_, S>) {
    let s = cx.s;
    let body = cx.ev.body;
    if body.is_harness_call() {
        for d in [INBOUND, OUTBOUND] {
            // The no-yield window opens once the provider shows the flush bit (it cannot know of
            // a flush whose notification it has not processed yet) and closes with the cycle.
            if s.flush[d].state == FlushState::On {
                let rule = if d == INBOUND { Rid::Tn10 } else { Rid::Tn16 };
                let ok = !matches!(body, Body::SpoolerYield { .. });
                graded!(cx, rule, Graded::YieldInFlush, ok, Provider,
                    "SpoolerYield during an {} flush cycle; the provider must not give up the CPU until the cycle ends ({}, AMB-28)", dir_name(d), rule.id());
            }
        }
    }
    match body {
        Body::Return { .. } => {
            let Some(f) = s.frame(cx.ev.thread) else {
                return;
            };
            // FlushQueues' bits have their own timing (FQ-2: the first phase's bit at return;
            // FQ-10: the inbound bit by the end of the outbound phase).
            for d in [INBOUND, OUTBOUND] {
                if f.method == Method::TransportNotify && f.flush_requested & (1 << d) != 0 {
                    let rule = if d == INBOUND { Rid::Tn8 } else { Rid::Tn16 };
                    require!(cx, rule, s.flush[d].was_set, Provider,
                        "NOTIFY_BEGIN_{}_FLUSH returned but the provider never set {} in its row ({})",
                        dir_name(d).to_uppercase(), flush_bit(d).describe(), rule.id());
                }
            }
            if f.method == Method::TransportLogoff {
                for d in [INBOUND, OUTBOUND] {
                    pending_clear(cx, d, "TransportLogoff returned");
                }
            }
        }
        Body::TransportNotify { flags, .. } => {
            for (d, begin) in [
                (INBOUND, F::NOTIFY_BEGIN_INBOUND_FLUSH),
                (OUTBOUND, F::NOTIFY_BEGIN_OUTBOUND_FLUSH),
            ] {
                if flags.contains(begin) {
                    pending_clear(cx, d, "the next BEGIN flush arrived");
                }
            }
        }
        Body::FlushQueues { flags } => {
            for (d, bit) in [
                (INBOUND, FlushFlags::FLUSH_DOWNLOAD),
                (OUTBOUND, FlushFlags::FLUSH_UPLOAD),
            ] {
                if flags.contains(bit) {
                    pending_clear(cx, d, "the next FlushQueues arrived");
                }
            }
        }
        Body::ModifyStatusRow { status, .. } => {
            for d in [INBOUND, OUTBOUND] {
                if s.flush[d].state == FlushState::Ending && !status.contains(flush_bit(d)) {
                    // The end-of-flush obligation is met.
                    for r in clear_rules(s, d) {
                        cx.out.checked(*r);
                    }
                }
            }
        }
        _ => {}
    }
}

/// The rules that want the bit cleared: FQ-12 for the inbound phase of a FlushQueues flush,
/// TN-12/TN-23 for other inbound cycles, TN-16 for outbound ones (FQ-10 leaves clearing the
/// outbound bit to TN-16).
fn clear_rules(s: &Session, d: usize) -> &'static [Rid] {
    if d == OUTBOUND {
        &[Rid::Tn16]
    } else if s.duties.origin[d].is_flush_queues() {
        &[Rid::Fq12]
    } else {
        &[Rid::Tn12, Rid::Tn23]
    }
}

fn pending_clear<S: Sink<Rid>>(cx: &mut Cx<'_, S>, d: usize, when: &str) {
    if cx.s.flush[d].state == FlushState::Ending {
        for r in clear_rules(cx.s, d) {
            require!(cx, *r, false, Provider,
                "{when} while {} is still set after NOTIFY_END_{}_FLUSH; the provider must clear it ({}, AMB-3)",
                flush_bit(d).describe(), dir_name(d).to_uppercase(), r.id());
        }
    }
}
