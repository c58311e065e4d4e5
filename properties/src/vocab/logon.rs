//! `IXPProvider::TransportLogon`, `IXPLogon::TransportLogoff` and `IXPProvider::Shutdown` flags,
//! mapispi.h / mapidefs.h — SPEC.md §3.3, rules LIFE-7..LIFE-17, LIFE-27..LIFE-33, AMB-19.

use bitflags::bitflags;

use super::flag_word::impl_flag_word;

bitflags! {
    /// The `*lpulFlags` word of `IXPProvider::TransportLogon`, used in both directions
    /// (LIFE-7): the spooler passes [`LogonFlags::INPUT`] bits in, the provider answers in the
    /// same `ULONG` with [`LogonFlags::OUTPUT`] bits.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
    pub struct LogonFlags: u32 {
        /// Input: show no dialog box, fail instead (LIFE-17).
        const LOGON_NO_DIALOG = 0x0000_0001;
        /// Input: make no connection to other messaging systems (LIFE-16).
        const LOGON_NO_CONNECT = 0x0000_0004;
        /// Input: inbound is disabled until `NOTIFY_BEGIN_INBOUND` (LIFE-13, LIFE-14).
        const LOGON_NO_INBOUND = 0x0000_0008;
        /// Input: outbound is disabled until `NOTIFY_BEGIN_OUTBOUND` (LIFE-13, LIFE-15).
        const LOGON_NO_OUTBOUND = 0x0000_0010;
        /// Output: call `Idle` when the system is idle (LIFE-11). The Idle page's "XP_LOGON_SP"
        /// is no macro.
        const LOGON_SP_IDLE = 0x0001_0000;
        /// Output: call `Poll` to look for new mail (LIFE-10). "SP_LOGON_POLL" is no macro.
        const LOGON_SP_POLL = 0x0002_0000;
        /// Output: resolve all recipients this provider does not handle (LIFE-12).
        const LOGON_SP_RESOLVE = 0x0004_0000;
        /// Both ways (mapidefs.h): input = the profile name is Unicode; output = strings in
        /// the returned `MAPIERROR` are Unicode (LIFE-7).
        const MAPI_UNICODE = 0x8000_0000;
    }
}

impl LogonFlags {
    /// Every bit the spooler may pass in (LIFE-7): `LOGON_NO_DIALOG|LOGON_NO_CONNECT|
    /// LOGON_NO_INBOUND|LOGON_NO_OUTBOUND|MAPI_UNICODE`.
    pub const INPUT: LogonFlags = LogonFlags::LOGON_NO_DIALOG
        .union(LogonFlags::LOGON_NO_CONNECT)
        .union(LogonFlags::LOGON_NO_INBOUND)
        .union(LogonFlags::LOGON_NO_OUTBOUND)
        .union(LogonFlags::MAPI_UNICODE);

    /// Every bit the provider may return (LIFE-7): `LOGON_SP_IDLE|LOGON_SP_POLL|
    /// LOGON_SP_RESOLVE|MAPI_UNICODE`.
    pub const OUTPUT: LogonFlags = LogonFlags::LOGON_SP_IDLE
        .union(LogonFlags::LOGON_SP_POLL)
        .union(LogonFlags::LOGON_SP_RESOLVE)
        .union(LogonFlags::MAPI_UNICODE);
}

bitflags! {
    /// The `ulFlags` of `IXPLogon::TransportLogoff`. Documented as reserved 0, yet defined by
    /// every header set; a provider must accept 0, `LOGOFF_NORMAL` and `LOGOFF_HURRY`
    /// (AMB-19, LIFE-27..LIFE-30).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
    pub struct LogoffFlags: u32 {
        /// Normal logoff.
        const LOGOFF_NORMAL = 0x0000_0001;
        /// Hurried logoff: abandon in-flight work at once (AMB-19).
        const LOGOFF_HURRY = 0x8000_0000;
    }
}

bitflags! {
    /// The `*lpulFlags` of `IXPProvider::Shutdown` (old name "DeinitTransport"). Documented as
    /// reserved, yet defined by every header set (AMB-19, LIFE-33).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
    pub struct DeinitFlags: u32 {
        /// Normal shutdown.
        const DEINIT_NORMAL = 0x0000_0001;
        /// Hurried shutdown.
        const DEINIT_HURRY = 0x8000_0000;
    }
}

impl_flag_word!(LogonFlags, LogoffFlags, DeinitFlags);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::FlagWord;
    use bitflags::Flags as _;

    #[test]
    fn logon_values_match_spec_3_3() {
        assert_eq!(LogonFlags::LOGON_NO_DIALOG.bits(), 0x00000001);
        assert_eq!(LogonFlags::LOGON_NO_CONNECT.bits(), 0x00000004);
        assert_eq!(LogonFlags::LOGON_NO_INBOUND.bits(), 0x00000008);
        assert_eq!(LogonFlags::LOGON_NO_OUTBOUND.bits(), 0x00000010);
        assert_eq!(LogonFlags::LOGON_SP_IDLE.bits(), 0x00010000);
        assert_eq!(LogonFlags::LOGON_SP_POLL.bits(), 0x00020000);
        assert_eq!(LogonFlags::LOGON_SP_RESOLVE.bits(), 0x00040000);
        assert_eq!(LogonFlags::MAPI_UNICODE.bits(), 0x80000000);
        assert_eq!(LogonFlags::FLAGS.len(), 8);
    }

    #[test]
    fn input_and_output_masks() {
        assert_eq!(LogonFlags::INPUT.bits(), 0x8000001D);
        assert_eq!(LogonFlags::OUTPUT.bits(), 0x80070000);
        assert_eq!(
            LogonFlags::INPUT & LogonFlags::OUTPUT,
            LogonFlags::MAPI_UNICODE
        );
        assert_eq!(LogonFlags::INPUT | LogonFlags::OUTPUT, LogonFlags::all());
        // Associated masks are not flag names.
        assert!(LogonFlags::parse("INPUT").is_err());
    }

    #[test]
    fn logoff_and_deinit_values_match_spec_3_3() {
        assert_eq!(LogoffFlags::LOGOFF_NORMAL.bits(), 0x00000001);
        assert_eq!(LogoffFlags::LOGOFF_HURRY.bits(), 0x80000000);
        assert_eq!(DeinitFlags::DEINIT_NORMAL.bits(), 0x00000001);
        assert_eq!(DeinitFlags::DEINIT_HURRY.bits(), 0x80000000);
        assert_eq!(LogoffFlags::FLAGS.len(), 2);
        assert_eq!(DeinitFlags::FLAGS.len(), 2);
    }

    #[test]
    fn typical_spooler_logon_round_trips() {
        let f = LogonFlags::LOGON_NO_INBOUND | LogonFlags::LOGON_NO_OUTBOUND;
        assert_eq!(f.describe(), "LOGON_NO_INBOUND|LOGON_NO_OUTBOUND");
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(json, "\"0x00000018\"");
        assert_eq!(serde_json::from_str::<LogonFlags>(&json).unwrap(), f);
        assert_eq!(serde_json::from_str::<LogonFlags>("24").unwrap(), f);
    }
}
