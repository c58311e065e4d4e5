//! `IMAPISupport::SpoolerNotify` flags (`ulFlags`), mapispi.h — SPEC.md §3.2, rules SPN-1..SPN-13.

use bitflags::bitflags;

use super::flag_word::impl_flag_word;

bitflags! {
    /// The `ulFlags` word of `IMAPISupport::SpoolerNotify` (SPEC.md §3.2, SPN-1..SPN-13).
    ///
    /// Page typos with no macro behind them: "NOTIFY_READTOSEND", "NOTIFY_SENT_DEFERRED",
    /// "NOTIFY_CONFIG_CHANGED"; they are not accepted by [`FlagWord::parse`](super::FlagWord::parse).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
    pub struct SpoolerNotifyFlags: u32 {
        /// New mail arrived, call `StartMessage` (transport only, SPN-10). Same value as
        /// `NOTIFY_BEGIN_INBOUND`, different method.
        const NOTIFY_NEWMAIL = 0x0000_0001;
        /// Ready to handle messages again (transport and store, SPN-9, SPN-13).
        const NOTIFY_READYTOSEND = 0x0000_0002;
        /// A deferred message should now be sent; `lpvData` = its entry id (SPN-11, DEF-4).
        const NOTIFY_SENTDEFERRED = 0x0000_0004;
        /// Open a critical section: no `Idle`/`Poll` until `NOTIFY_NONCRIT` (SPN-6).
        const NOTIFY_CRITSEC = 0x0000_1000;
        /// Close the critical section opened by `NOTIFY_CRITSEC` (SPN-6).
        const NOTIFY_NONCRIT = 0x0000_2000;
        /// The provider's configuration changed; the spooler calls `AddressTypes` again
        /// (SPN-5, VS-11).
        const NOTIFY_CONFIG_CHANGE = 0x0000_4000;
        /// A severe error; `lpvData` = error information (SPN-3, SPN-7, SPN-8).
        const NOTIFY_CRITICAL_ERROR = 0x1000_0000;
        /// New mail received — message store providers only, never a transport (SPN-2, SPN-13).
        const NOTIFY_NEWMAIL_RECEIVED = 0x2000_0000;
    }
}

impl_flag_word!(SpoolerNotifyFlags);

#[cfg(test)]
mod tests {
    use super::SpoolerNotifyFlags as F;
    use crate::vocab::FlagWord;
    use bitflags::Flags as _;

    #[test]
    fn values_match_spec_3_2() {
        assert_eq!(F::NOTIFY_NEWMAIL.bits(), 0x00000001);
        assert_eq!(F::NOTIFY_READYTOSEND.bits(), 0x00000002);
        assert_eq!(F::NOTIFY_SENTDEFERRED.bits(), 0x00000004);
        assert_eq!(F::NOTIFY_CRITSEC.bits(), 0x00001000);
        assert_eq!(F::NOTIFY_NONCRIT.bits(), 0x00002000);
        assert_eq!(F::NOTIFY_CONFIG_CHANGE.bits(), 0x00004000);
        assert_eq!(F::NOTIFY_CRITICAL_ERROR.bits(), 0x10000000);
        assert_eq!(F::NOTIFY_NEWMAIL_RECEIVED.bits(), 0x20000000);
        assert_eq!(F::FLAGS.len(), 8);
    }

    #[test]
    fn page_typos_are_not_names() {
        for typo in [
            "NOTIFY_READTOSEND",
            "NOTIFY_SENT_DEFERRED",
            "NOTIFY_CONFIG_CHANGED",
        ] {
            assert!(F::parse(typo).is_err(), "{typo}");
        }
    }

    #[test]
    fn describe_and_parse_round_trip() {
        let f = F::NOTIFY_CRITSEC | F::NOTIFY_NEWMAIL | F::from_raw(0x8000_0000);
        assert_eq!(f.describe(), "NOTIFY_NEWMAIL|NOTIFY_CRITSEC|0x80000000");
        assert_eq!(F::parse(&f.describe()).unwrap(), f);
    }
}
