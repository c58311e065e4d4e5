//! What a logon still owes when a recorded trace stops before its TransportLogoff returned.
//!
//! The monitors judge every obligation "due later" at TransportLogoff (flush bits, critical
//! sections, deferred messages, owed EndMessage, resubmissions, directions to end). A trace that
//! stops earlier cannot be blamed for them: `xpcheck validate` lists them, by rule, in the
//! report's notes, so the reader knows what was not judged (DESIGN.md "Monitors and verdicts").

use super::session::{FlushState, OutPhase, Session, INBOUND, OUTBOUND};

impl Session {
    /// The obligations still open on this logon, each as `"RULE-IDs: what"`.
    pub fn open_obligations(&self) -> Vec<String> {
        let mut out = Vec::new();
        let dir = |d: usize| if d == INBOUND { "inbound" } else { "outbound" };
        for d in [INBOUND, OUTBOUND] {
            match self.flush[d].state {
                FlushState::Ending => out.push(format!(
                    "{}: the provider has not cleared its {} flush bit since NOTIFY_END_{}_FLUSH",
                    if d == INBOUND {
                        "TN-12, TN-23, FQ-12"
                    } else {
                        "TN-16"
                    },
                    dir(d),
                    dir(d).to_uppercase()
                )),
                FlushState::Requested | FlushState::On => out.push(format!(
                    "FQ-14: the {} flush cycle was never ended with NOTIFY_END_{}_FLUSH",
                    dir(d),
                    dir(d).to_uppercase()
                )),
                FlushState::Off => {}
            }
        }
        if self.critsec {
            out.push("SPN-6: a NOTIFY_CRITSEC section is still open".into());
        }
        if self.inbound || self.outbound {
            out.push(format!(
                "LIFE-35: {} still enabled (NOTIFY_END_* is due before TransportLogoff)",
                match (self.inbound, self.outbound) {
                    (true, true) => "both directions are",
                    (true, false) => "inbound is",
                    _ => "outbound is",
                }
            ));
        }
        for m in self.out.iter() {
            match m.phase {
                OutPhase::Accepted => out.push(format!(
                    "FLOW-1: {} was accepted and waits for its EndMessage",
                    m.id
                )),
                OutPhase::Deferred => out.push(format!(
                    "TN-26: {} is deferred; NOTIFY_ABORT_DEFERRED is due if the spooler logs off",
                    m.id
                )),
                OutPhase::Resubmit => out.push(format!(
                    "SPN-11: {} was announced with NOTIFY_SENTDEFERRED and not resubmitted",
                    m.id
                )),
                _ => {}
            }
        }
        for h in self.inb.held.iter().filter(|h| h.redeliver) {
            out.push(format!(
                "TN-20: wire message {} was cancelled during delivery and is owed a later StartMessage",
                h.content
            ));
        }
        if self.duties.config_changed {
            out.push("SPN-5: AddressTypes is due after NOTIFY_CONFIG_CHANGE".into());
        }
        if self.duties.ready_due.is_some() {
            out.push("SPN-9: NOTIFY_READYTOSEND is due after the provider came back online".into());
        }
        out
    }
}
