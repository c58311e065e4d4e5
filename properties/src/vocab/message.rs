//! `IXPLogon::SubmitMessage` and `IXPLogon::EndMessage` flags, mapispi.h — SPEC.md §3.3, rules
//! SUB-1, EM-2, EM-6, DEF-4.

use bitflags::bitflags;

use super::flag_word::impl_flag_word;

bitflags! {
    /// The `ulFlags` of `IXPLogon::SubmitMessage` (SUB-1).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
    pub struct SubmitFlags: u32 {
        /// The spooler re-presents a message this provider deferred and later announced with
        /// `SpoolerNotify(NOTIFY_SENTDEFERRED)` (SUB-1, DEF-4).
        const BEGIN_DEFERRED = 0x0000_0001;
    }
}

bitflags! {
    /// The `*lpulFlags` that `IXPLogon::EndMessage` returns to the spooler (EM-2); 0 means the
    /// message has been sent. There are no `END_*` input flags (SPEC.md §3.3).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
    pub struct EndMessageFlags: u32 {
        /// Restart (resubmit) the message now (EM-2, AMB-9).
        const END_RESEND_NOW = 0x0001_0000;
        /// Not sent now for a non-error reason; submit again later (EM-2, AMB-9).
        const END_RESEND_LATER = 0x0002_0000;
        /// Deferred: the provider keeps the message and will call
        /// `SpoolerNotify(NOTIFY_SENTDEFERRED)` (EM-2, DEF-4).
        const END_DONT_RESEND = 0x0004_0000;
    }
}

impl EndMessageFlags {
    /// How many of the three outcome bits (`END_RESEND_NOW`, `END_RESEND_LATER`,
    /// `END_DONT_RESEND`) are set; more than one violates EM-6. Unknown bits are not counted.
    pub fn outcome_count(self) -> u32 {
        (self.bits() & Self::all().bits()).count_ones()
    }
}

impl_flag_word!(SubmitFlags, EndMessageFlags);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::FlagWord;
    use bitflags::Flags as _;

    #[test]
    fn values_match_spec_3_3() {
        assert_eq!(SubmitFlags::BEGIN_DEFERRED.bits(), 0x00000001);
        assert_eq!(EndMessageFlags::END_RESEND_NOW.bits(), 0x00010000);
        assert_eq!(EndMessageFlags::END_RESEND_LATER.bits(), 0x00020000);
        assert_eq!(EndMessageFlags::END_DONT_RESEND.bits(), 0x00040000);
        assert_eq!(SubmitFlags::FLAGS.len(), 1);
        assert_eq!(EndMessageFlags::FLAGS.len(), 3);
    }

    #[test]
    fn em6_outcome_count() {
        assert_eq!(EndMessageFlags::empty().outcome_count(), 0);
        assert_eq!(EndMessageFlags::END_DONT_RESEND.outcome_count(), 1);
        assert_eq!(
            (EndMessageFlags::END_RESEND_NOW | EndMessageFlags::END_RESEND_LATER).outcome_count(),
            2
        );
        assert_eq!(EndMessageFlags::all().outcome_count(), 3);
        // Unknown bits are kept but not counted as outcomes.
        let odd = EndMessageFlags::from_raw(0x0008_0001) | EndMessageFlags::END_RESEND_LATER;
        assert_eq!(odd.outcome_count(), 1);
        assert_eq!(odd.unknown_bits(), 0x0008_0001);
        assert_eq!(odd.describe(), "END_RESEND_LATER|0x00080001");
    }

    #[test]
    fn submit_flags_serde() {
        let json = serde_json::to_string(&SubmitFlags::BEGIN_DEFERRED).unwrap();
        assert_eq!(json, "\"0x00000001\"");
        assert_eq!(
            serde_json::from_str::<SubmitFlags>("\"BEGIN_DEFERRED\"").unwrap(),
            SubmitFlags::BEGIN_DEFERRED
        );
        assert_eq!(
            serde_json::from_str::<SubmitFlags>("0").unwrap(),
            SubmitFlags::empty()
        );
    }
}
