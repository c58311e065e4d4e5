//! `FlushQueues` and `ValidateState` flags, mapidefs.h — SPEC.md §3.5, rules FQ-1..FQ-19 and
//! VS-1..VS-12.

use bitflags::bitflags;

use super::flag_word::impl_flag_word;

bitflags! {
    /// The `ulFlags` of `IXPLogon::FlushQueues` / `IMAPIStatus::FlushQueues` (FQ-1, FQ-16).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
    pub struct FlushFlags: u32 {
        /// Flush outbound (per `IXPLogon::FlushQueues`, FQ-1; AMB-16 for the inverted page).
        const FLUSH_UPLOAD = 0x0000_0002;
        /// Flush inbound (FQ-1; AMB-16).
        const FLUSH_DOWNLOAD = 0x0000_0004;
        /// Flush even if slow, if possible (FQ-1, FQ-16).
        const FLUSH_FORCE = 0x0000_0008;
        /// Show no user interface (FQ-5, FQ-19).
        const FLUSH_NO_UI = 0x0000_0010;
        /// Asynchronous flush allowed — the spooler's status object only (FQ-16).
        const FLUSH_ASYNC_OK = 0x0000_0020;
    }
}

bitflags! {
    /// The `ulFlags` of `IXPLogon::ValidateState` / `IMAPIStatus::ValidateState`; any other bit
    /// is an error (VS-6).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
    pub struct ValidateStateFlags: u32 {
        /// Show no property sheet or progress dialog (VS-12).
        const SUPPRESS_UI = 0x0000_0001;
        /// Refresh the header cache (VS-4, VS-10).
        const REFRESH_XP_HEADER_CACHE = 0x0001_0000;
        /// Process the header cache (VS-4, VS-10).
        const PROCESS_XP_HEADER_CACHE = 0x0002_0000;
        /// The user chose to connect (VS-4, VS-9).
        const FORCE_XP_CONNECT = 0x0004_0000;
        /// The user chose to disconnect (VS-4).
        const FORCE_XP_DISCONNECT = 0x0008_0000;
        /// The configuration changed (VS-2, VS-11).
        const CONFIG_CHANGED = 0x0010_0000;
        /// The user pressed Cancel on a header operation (VS-3, VS-8).
        const ABORT_XP_HEADER_OPERATION = 0x0020_0000;
        /// Show header-processing UI, or return `MAPI_E_NO_SUPPORT` (VS-10).
        const SHOW_XP_SESSION_UI = 0x0040_0000;
    }
}

impl_flag_word!(FlushFlags, ValidateStateFlags);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::FlagWord;
    use bitflags::Flags as _;

    #[test]
    fn flush_values_match_spec_3_5() {
        assert_eq!(FlushFlags::FLUSH_UPLOAD.bits(), 0x00000002);
        assert_eq!(FlushFlags::FLUSH_DOWNLOAD.bits(), 0x00000004);
        assert_eq!(FlushFlags::FLUSH_FORCE.bits(), 0x00000008);
        assert_eq!(FlushFlags::FLUSH_NO_UI.bits(), 0x00000010);
        assert_eq!(FlushFlags::FLUSH_ASYNC_OK.bits(), 0x00000020);
        assert_eq!(FlushFlags::FLAGS.len(), 5);
    }

    #[test]
    fn validate_state_values_match_spec_3_5() {
        assert_eq!(ValidateStateFlags::SUPPRESS_UI.bits(), 0x00000001);
        assert_eq!(
            ValidateStateFlags::REFRESH_XP_HEADER_CACHE.bits(),
            0x00010000
        );
        assert_eq!(
            ValidateStateFlags::PROCESS_XP_HEADER_CACHE.bits(),
            0x00020000
        );
        assert_eq!(ValidateStateFlags::FORCE_XP_CONNECT.bits(), 0x00040000);
        assert_eq!(ValidateStateFlags::FORCE_XP_DISCONNECT.bits(), 0x00080000);
        assert_eq!(ValidateStateFlags::CONFIG_CHANGED.bits(), 0x00100000);
        assert_eq!(
            ValidateStateFlags::ABORT_XP_HEADER_OPERATION.bits(),
            0x00200000
        );
        assert_eq!(ValidateStateFlags::SHOW_XP_SESSION_UI.bits(), 0x00400000);
        assert_eq!(ValidateStateFlags::FLAGS.len(), 8);
    }

    #[test]
    fn vs6_undefined_bits_are_visible() {
        let f = ValidateStateFlags::from_raw(0x0000_0002) | ValidateStateFlags::CONFIG_CHANGED;
        assert_eq!(f.unknown_bits(), 0x0000_0002);
        assert_eq!(f.describe(), "CONFIG_CHANGED|0x00000002");
    }

    #[test]
    fn flush_serde_accepts_mixed_text() {
        let f: FlushFlags = serde_json::from_str("\"FLUSH_UPLOAD|0x10\"").unwrap();
        assert_eq!(f, FlushFlags::FLUSH_UPLOAD | FlushFlags::FLUSH_NO_UI);
        assert_eq!(serde_json::to_string(&f).unwrap(), "\"0x00000012\"");
    }
}
