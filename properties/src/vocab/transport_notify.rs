//! `IXPLogon::TransportNotify` flags (`*lpulFlags`), mapispi.h — SPEC.md §3.1, rules TN-1..TN-28.

use bitflags::bitflags;

use super::flag_word::impl_flag_word;

bitflags! {
    /// The `*lpulFlags` word of `IXPLogon::TransportNotify` (SPEC.md §3.1, TN-1..TN-28).
    ///
    /// Each `NOTIFY_END_*` bit is its `NOTIFY_BEGIN_*` bit shifted left by 16. The spooler never
    /// sets BEGIN and END of the same direction in one call (TN-7, TN-15, AMB-1); see
    /// [`begin_and_end_same_direction`](Self::begin_and_end_same_direction).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
    pub struct TransportNotifyFlags: u32 {
        /// Enable inbound delivery (TN-5..TN-7).
        const NOTIFY_BEGIN_INBOUND = 0x0000_0001;
        /// Enable outbound delivery (TN-13..TN-15).
        const NOTIFY_BEGIN_OUTBOUND = 0x0000_0002;
        /// Flush the inbound queue (FQ rules).
        const NOTIFY_BEGIN_INBOUND_FLUSH = 0x0000_0004;
        /// Flush the outbound queue (FQ rules).
        const NOTIFY_BEGIN_OUTBOUND_FLUSH = 0x0000_0008;
        /// Disable inbound delivery; `= NOTIFY_BEGIN_INBOUND << 16`.
        const NOTIFY_END_INBOUND = 0x0001_0000;
        /// Disable outbound delivery; `= NOTIFY_BEGIN_OUTBOUND << 16`.
        const NOTIFY_END_OUTBOUND = 0x0002_0000;
        /// End the inbound flush; `= NOTIFY_BEGIN_INBOUND_FLUSH << 16`.
        const NOTIFY_END_INBOUND_FLUSH = 0x0004_0000;
        /// End the outbound flush; `= NOTIFY_BEGIN_OUTBOUND_FLUSH << 16`.
        const NOTIFY_END_OUTBOUND_FLUSH = 0x0008_0000;
        /// Abort a deferred message (DEF rules). Same bit as `NOTIFY_SYNC` of Subscribe — a
        /// different namespace.
        const NOTIFY_ABORT_DEFERRED = 0x4000_0000;
        /// Cancel the message in progress (`pvData` = msg-ref). Same bit as `NOTIFY_CANCELED` /
        /// `CALLBACK_DISCONTINUE` — a different namespace.
        const NOTIFY_CANCEL_MESSAGE = 0x8000_0000;
    }
}

impl_flag_word!(TransportNotifyFlags);

impl TransportNotifyFlags {
    /// True iff BEGIN and END of the same direction are both set — the word violates TN-7
    /// (inbound) or TN-15 (outbound): `(f & (f >> 16) & 0x3) != 0` (SPEC.md §3.1, AMB-1).
    /// Cross-direction mixes such as `NOTIFY_END_INBOUND|NOTIFY_BEGIN_OUTBOUND` are allowed.
    pub fn begin_and_end_same_direction(self) -> bool {
        let f = self.bits();
        (f & (f >> 16) & 0x3) != 0
    }

    /// True iff BEGIN and END of the same *flush* bit are both set: the same test with mask
    /// `0xC`. The docs do not forbid this (SPEC.md §3.1); informative only.
    pub fn begin_and_end_same_flush(self) -> bool {
        let f = self.bits();
        (f & (f >> 16) & 0xC) != 0
    }

    /// What the word asks of each direction: `Some(true)` begin, `Some(false)` end, `None`
    /// untouched (END wins if both are set). Directions and flushes are independent, so any
    /// permitted mix is handled in one call (TN-28, AMB-1).
    pub fn requested(self) -> Requested {
        let pick = |begin: Self, end: Self| {
            if self.contains(end) {
                Some(false)
            } else if self.contains(begin) {
                Some(true)
            } else {
                None
            }
        };
        Requested {
            inbound: pick(Self::NOTIFY_BEGIN_INBOUND, Self::NOTIFY_END_INBOUND),
            outbound: pick(Self::NOTIFY_BEGIN_OUTBOUND, Self::NOTIFY_END_OUTBOUND),
            flush: [
                pick(
                    Self::NOTIFY_BEGIN_INBOUND_FLUSH,
                    Self::NOTIFY_END_INBOUND_FLUSH,
                ),
                pick(
                    Self::NOTIFY_BEGIN_OUTBOUND_FLUSH,
                    Self::NOTIFY_END_OUTBOUND_FLUSH,
                ),
            ],
        }
    }
}

/// Per-direction requests of a TransportNotify flag word (see [`TransportNotifyFlags::requested`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Requested {
    /// NOTIFY_BEGIN_INBOUND / NOTIFY_END_INBOUND (TN-5, TN-22).
    pub inbound: Option<bool>,
    /// NOTIFY_BEGIN_OUTBOUND / NOTIFY_END_OUTBOUND (TN-13, TN-24).
    pub outbound: Option<bool>,
    /// `[inbound, outbound]` flush: BEGIN/END_*_FLUSH (TN-8..TN-12, TN-16, TN-23).
    pub flush: [Option<bool>; 2],
}

#[cfg(test)]
mod requested_tests {
    use super::*;

    #[test]
    fn requested_decodes_each_direction() {
        type F = TransportNotifyFlags;
        let r = (F::NOTIFY_END_INBOUND | F::NOTIFY_BEGIN_OUTBOUND | F::NOTIFY_BEGIN_INBOUND_FLUSH)
            .requested();
        assert_eq!(r.inbound, Some(false));
        assert_eq!(r.outbound, Some(true));
        assert_eq!(r.flush, [Some(true), None]);
        assert_eq!(F::NOTIFY_CANCEL_MESSAGE.requested(), Requested::default());
        assert_eq!(
            (F::NOTIFY_BEGIN_INBOUND | F::NOTIFY_END_INBOUND)
                .requested()
                .inbound,
            Some(false)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::TransportNotifyFlags as F;
    use crate::vocab::FlagWord;
    use bitflags::Flags as _;

    #[test]
    fn values_match_spec_3_1() {
        assert_eq!(F::NOTIFY_BEGIN_INBOUND.bits(), 0x00000001);
        assert_eq!(F::NOTIFY_BEGIN_OUTBOUND.bits(), 0x00000002);
        assert_eq!(F::NOTIFY_BEGIN_INBOUND_FLUSH.bits(), 0x00000004);
        assert_eq!(F::NOTIFY_BEGIN_OUTBOUND_FLUSH.bits(), 0x00000008);
        assert_eq!(F::NOTIFY_END_INBOUND.bits(), 0x00010000);
        assert_eq!(F::NOTIFY_END_OUTBOUND.bits(), 0x00020000);
        assert_eq!(F::NOTIFY_END_INBOUND_FLUSH.bits(), 0x00040000);
        assert_eq!(F::NOTIFY_END_OUTBOUND_FLUSH.bits(), 0x00080000);
        assert_eq!(F::NOTIFY_ABORT_DEFERRED.bits(), 0x40000000);
        assert_eq!(F::NOTIFY_CANCEL_MESSAGE.bits(), 0x80000000);
        assert_eq!(F::FLAGS.len(), 10);
    }

    #[test]
    fn end_bits_are_begin_bits_shifted_by_16() {
        assert_eq!(
            F::NOTIFY_END_INBOUND.bits(),
            F::NOTIFY_BEGIN_INBOUND.bits() << 16
        );
        assert_eq!(
            F::NOTIFY_END_OUTBOUND.bits(),
            F::NOTIFY_BEGIN_OUTBOUND.bits() << 16
        );
        assert_eq!(
            F::NOTIFY_END_INBOUND_FLUSH.bits(),
            F::NOTIFY_BEGIN_INBOUND_FLUSH.bits() << 16
        );
        assert_eq!(
            F::NOTIFY_END_OUTBOUND_FLUSH.bits(),
            F::NOTIFY_BEGIN_OUTBOUND_FLUSH.bits() << 16
        );
    }

    #[test]
    fn tn7_tn15_same_direction_invariant() {
        assert!((F::NOTIFY_BEGIN_INBOUND | F::NOTIFY_END_INBOUND).begin_and_end_same_direction());
        assert!((F::NOTIFY_BEGIN_OUTBOUND | F::NOTIFY_END_OUTBOUND).begin_and_end_same_direction());
        assert!(!(F::NOTIFY_END_INBOUND | F::NOTIFY_BEGIN_OUTBOUND).begin_and_end_same_direction());
        assert!(!(F::NOTIFY_BEGIN_INBOUND | F::NOTIFY_END_OUTBOUND).begin_and_end_same_direction());
        let flushes = F::NOTIFY_END_INBOUND_FLUSH | F::NOTIFY_END_OUTBOUND_FLUSH;
        assert!(!flushes.begin_and_end_same_direction());
        assert!(!flushes.begin_and_end_same_flush());
        assert!(!F::empty().begin_and_end_same_direction());
        assert!(!F::all()
            .difference(F::NOTIFY_END_INBOUND | F::NOTIFY_END_OUTBOUND)
            .begin_and_end_same_direction());
    }

    #[test]
    fn same_flush_uses_mask_0xc() {
        assert!(
            (F::NOTIFY_BEGIN_INBOUND_FLUSH | F::NOTIFY_END_INBOUND_FLUSH)
                .begin_and_end_same_flush()
        );
        assert!(
            (F::NOTIFY_BEGIN_OUTBOUND_FLUSH | F::NOTIFY_END_OUTBOUND_FLUSH)
                .begin_and_end_same_flush()
        );
        assert!(
            !(F::NOTIFY_BEGIN_INBOUND_FLUSH | F::NOTIFY_END_OUTBOUND_FLUSH)
                .begin_and_end_same_flush()
        );
        let dir = F::NOTIFY_BEGIN_INBOUND | F::NOTIFY_END_INBOUND;
        assert!(!dir.begin_and_end_same_flush());
        let flush = F::NOTIFY_BEGIN_INBOUND_FLUSH | F::NOTIFY_END_INBOUND_FLUSH;
        assert!(!flush.begin_and_end_same_direction());
    }

    #[test]
    fn unknown_bits_are_kept_and_described() {
        let f = F::from_raw(0x0002_0101);
        assert_eq!(f.raw(), 0x0002_0101);
        assert_eq!(f.unknown_bits(), 0x0000_0100);
        assert_eq!(
            f.describe(),
            "NOTIFY_BEGIN_INBOUND|NOTIFY_END_OUTBOUND|0x00000100"
        );
        assert_eq!(F::parse(&f.describe()).unwrap(), f);
        assert_eq!(f.to_string(), f.describe());
    }

    #[test]
    fn describe_orders_by_ascending_bit() {
        let f = F::NOTIFY_CANCEL_MESSAGE | F::NOTIFY_END_INBOUND | F::NOTIFY_BEGIN_OUTBOUND;
        assert_eq!(
            f.describe(),
            "NOTIFY_BEGIN_OUTBOUND|NOTIFY_END_INBOUND|NOTIFY_CANCEL_MESSAGE"
        );
        assert_eq!(F::empty().describe(), "0");
    }

    #[test]
    fn serde_round_trip_and_integer_input() {
        let f = F::NOTIFY_CANCEL_MESSAGE | F::from_raw(0x10);
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(json, "\"0x80000010\"");
        assert_eq!(serde_json::from_str::<F>(&json).unwrap(), f);
        assert_eq!(
            serde_json::from_str::<F>("65537").unwrap(),
            F::NOTIFY_BEGIN_INBOUND | F::NOTIFY_END_INBOUND
        );
        assert_eq!(
            serde_json::from_str::<F>("\"NOTIFY_BEGIN_OUTBOUND | NOTIFY_END_INBOUND\"").unwrap(),
            F::NOTIFY_BEGIN_OUTBOUND | F::NOTIFY_END_INBOUND
        );
    }
}
