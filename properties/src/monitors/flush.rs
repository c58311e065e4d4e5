//! Flush cycles: set the bit soon (TN-8, TN-16, FQ-2), no yielding inside a cycle (TN-10,
//! TN-16, AMB-28), clear the bit when the cycle ends (TN-12, TN-23, TN-16, bound from AMB-3:
//! before TransportLogoff returns and before the next BEGIN_*_FLUSH arrives).

use super::{graded, require, Cx};
use crate::event::{Body, Method};
use crate::grading::Graded;
use crate::judge::session::{flush_bit, FlushState, INBOUND, OUTBOUND};
use crate::judge::Sink;
use crate::rules::Rid;
use crate::vocab::{FlagWord, TransportNotifyFlags as F};

fn dir_name(d: usize) -> &'static str {
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
            for d in [INBOUND, OUTBOUND] {
                if f.flush_requested & (1 << d) != 0 {
                    let rule = if d == INBOUND { Rid::Tn8 } else { Rid::Tn16 };
                    require!(cx, rule, s.flush[d].was_set, Provider,
                        "{:?} asked for an {} flush but the provider returned without setting {} in its row ({}, FQ-2)",
                        f.method, dir_name(d), flush_bit(d).describe(), rule.id());
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
        Body::ModifyStatusRow { status, .. } => {
            for d in [INBOUND, OUTBOUND] {
                if s.flush[d].state == FlushState::Ending && !status.contains(flush_bit(d)) {
                    // The end-of-flush obligation is met.
                    for r in clear_rules(d) {
                        cx.out.checked(*r);
                    }
                }
            }
        }
        _ => {}
    }
}

fn clear_rules(d: usize) -> &'static [Rid] {
    if d == INBOUND {
        &[Rid::Tn12, Rid::Tn23]
    } else {
        &[Rid::Tn16]
    }
}

fn pending_clear<S: Sink<Rid>>(cx: &mut Cx<'_, S>, d: usize, when: &str) {
    if cx.s.flush[d].state == FlushState::Ending {
        for r in clear_rules(d) {
            require!(cx, *r, false, Provider,
                "{when} while {} is still set after NOTIFY_END_{}_FLUSH; the provider must clear it ({}, AMB-3)",
                flush_bit(d).describe(), dir_name(d).to_uppercase(), r.id());
        }
    }
}
