//! Severity as SPEC grades it (DESIGN.md "Monitors and verdicts"): what SPEC.md §4 (an AMB
//! note) or §5 (a "warn" cell) grades "warn" is a warning; every other breach of a rule, SHOULD
//! rules included, is an error. A monitor can raise a warning only by naming one of these
//! situations, so `xpcheck rules` and the README list exactly what the monitors do.
//! `--strict` promotes every warning to an error (like `-D warnings`).

use serde::Serialize;

/// A situation SPEC grades as a warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Graded {
    /// SpoolerYield inside a flush cycle (TN-10, TN-16): AMB-28, SPEC §5.3/§5.4/§5.5.
    YieldInFlush,
    /// The msg-ref written after the transfer started, or never (SUB-4, SM-5): AMB-7.
    MsgRefLate,
    /// Nontransmittable properties stored into an inbound message (SM-8): SPEC §5.5.
    NontransmittableStored,
    /// A NOTIFY_CRITSEC section still open when TransportLogoff returns (SPN-6): AMB-24, §5.3.
    CritsecOpenAtLogoff,
    /// NOTIFY_NONCRIT without an open NOTIFY_CRITSEC (SPN-6): SPEC §5.3.
    NoncritWithoutCritsec,
    /// TransportNotify returned an HRESULT other than S_OK (TN-2): AMB-25.
    NotifyNotOk,
    /// SubmitMessage returned MAPI_E_CANCEL outside a deferred resubmission (DEF-5): AMB-26, §5.4.
    CancelNotDeferred,
    /// EndMessage returned undefined bits in `*lpulFlags` (EM-2): AMB-9.
    UnknownEndBits,
    /// StartMessage failed without NOTIFY_CRITICAL_ERROR (SM-13): AMB-4 (strict mode warns).
    BareStartMessageError,
    /// A dialog shown during FlushQueues(FLUSH_NO_UI) outside a service (FQ-5): FQ-19.
    UiUnderFlushNoUi,
    /// After SpoolerYield answered MAPI_W_CANCEL_MESSAGE the entry point returned something other
    /// than MAPI_E_USER_CANCEL (YLD-4): AMB-6 accepts any failure and recommends USER_CANCEL.
    YieldCancelReturn,
}

impl Graded {
    /// Every graded situation, in the order the README lists them.
    pub const ALL: &'static [Graded] = &[
        Graded::YieldInFlush,
        Graded::MsgRefLate,
        Graded::NontransmittableStored,
        Graded::CritsecOpenAtLogoff,
        Graded::NoncritWithoutCritsec,
        Graded::NotifyNotOk,
        Graded::CancelNotDeferred,
        Graded::UnknownEndBits,
        Graded::BareStartMessageError,
        Graded::UiUnderFlushNoUi,
        Graded::YieldCancelReturn,
    ];

    /// The rules whose breach in this situation is a warning.
    pub const fn rules(self) -> &'static [&'static str] {
        match self {
            Graded::YieldInFlush => &["TN-10", "TN-16"],
            Graded::MsgRefLate => &["SUB-4", "SM-5"],
            Graded::NontransmittableStored => &["SM-8"],
            Graded::CritsecOpenAtLogoff | Graded::NoncritWithoutCritsec => &["SPN-6"],
            Graded::NotifyNotOk => &["TN-2"],
            Graded::CancelNotDeferred => &["DEF-5"],
            Graded::UnknownEndBits => &["EM-2"],
            Graded::BareStartMessageError => &["SM-13"],
            Graded::UiUnderFlushNoUi => &["FQ-5"],
            Graded::YieldCancelReturn => &["YLD-4"],
        }
    }

    /// The situation in words.
    pub const fn situation(self) -> &'static str {
        match self {
            Graded::YieldInFlush => "SpoolerYield inside a flush cycle",
            Graded::MsgRefLate => "msg-ref written after the transfer started, or never",
            Graded::NontransmittableStored => {
                "nontransmittable properties stored in an inbound message"
            }
            Graded::CritsecOpenAtLogoff => "NOTIFY_CRITSEC section still open at TransportLogoff",
            Graded::NoncritWithoutCritsec => "NOTIFY_NONCRIT without an open NOTIFY_CRITSEC",
            Graded::NotifyNotOk => "TransportNotify returned an HRESULT other than S_OK",
            Graded::CancelNotDeferred => {
                "MAPI_E_CANCEL from SubmitMessage outside a deferred resubmission"
            }
            Graded::UnknownEndBits => "undefined bits in EndMessage's *lpulFlags",
            Graded::BareStartMessageError => "StartMessage failed without NOTIFY_CRITICAL_ERROR",
            Graded::UiUnderFlushNoUi => {
                "a dialog during FlushQueues(FLUSH_NO_UI), outside a service"
            }
            Graded::YieldCancelReturn => {
                "no MAPI_E_USER_CANCEL after SpoolerYield answered MAPI_W_CANCEL_MESSAGE"
            }
        }
    }

    /// Where SPEC grades it.
    pub const fn source(self) -> &'static str {
        match self {
            Graded::YieldInFlush => "AMB-28; §5.3, §5.4, §5.5 \"warn\"",
            Graded::MsgRefLate => "AMB-7",
            Graded::NontransmittableStored => "§5.5 \"warn\"",
            Graded::CritsecOpenAtLogoff => "AMB-24; §5.3 \"warn\"",
            Graded::NoncritWithoutCritsec => "§5.3 \"warn\"",
            Graded::NotifyNotOk => "AMB-25",
            Graded::CancelNotDeferred => "AMB-26; §5.4 \"warn\"",
            Graded::UnknownEndBits => "AMB-9",
            Graded::BareStartMessageError => "AMB-4",
            Graded::UiUnderFlushNoUi => "FQ-19",
            Graded::YieldCancelReturn => "AMB-6",
        }
    }
}

/// How a rule's breaches count: `error`, `warning` (every breach SPEC grades "warn"), or
/// `error, warning when ...` (some situations only).
pub fn severity_of(rule: &str) -> String {
    let graded: Vec<Graded> = Graded::ALL
        .iter()
        .copied()
        .filter(|g| g.rules().contains(&rule))
        .collect();
    if graded.is_empty() {
        return "error".into();
    }
    if WARNING_ONLY.contains(&rule) {
        return "warning".into();
    }
    let when: Vec<String> = graded
        .iter()
        .map(|g| format!("{} ({})", g.situation(), g.source()))
        .collect();
    format!("error; warning when {}", when.join("; "))
}

/// Rules every breach of which is graded "warn": every check of them is one of the situations
/// above (a monitor test keeps this true).
pub const WARNING_ONLY: &[&str] = &["TN-10", "TN-2", "SUB-4", "SM-5", "SM-8", "DEF-5"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_graded_rule_is_in_the_catalog() {
        for g in Graded::ALL {
            for r in g.rules() {
                assert!(crate::catalog::get(r).is_some(), "{r}");
            }
        }
        for r in WARNING_ONLY {
            assert!(Graded::ALL.iter().any(|g| g.rules().contains(r)), "{r}");
        }
    }

    #[test]
    fn severity_words() {
        assert_eq!(severity_of("TN-19"), "error");
        assert_eq!(severity_of("TN-10"), "warning");
        assert!(severity_of("SPN-6").starts_with("error; warning when NOTIFY_CRITSEC"));
    }
}
