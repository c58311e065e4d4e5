//! Client-side flags: `MAPILogonEx` (mapix.h / mapi.h / mapidefs.h) and `MAPIINIT_0` (mapix.h) —
//! SPEC.md §3.6 and §3.7, rules LOGON-1..LOGON-18, INIT-1..INIT-10, SVC-*.

use bitflags::bitflags;

use super::flag_word::impl_flag_word;

/// `MAPI_INIT_VERSION`: the value of `MAPIINIT_0.ulVersion` (SPEC.md §3.7, INIT-3).
pub const MAPI_INIT_VERSION: u32 = 0;

bitflags! {
    /// The `flFlags` of `MAPILogonEx` (SPEC.md §3.6, LOGON rules): every name with a known value.
    ///
    /// `MAPI_APP_PROFILE` (LOGON-15) is defined in no header and has no known value, so it is
    /// deliberately absent. `MAPI_SIMPLE_DEFAULT` is a combination, provided as the associated
    /// constant [`MapiLogonFlags::MAPI_SIMPLE_DEFAULT`], not as a flag bit.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
    pub struct MapiLogonFlags: u32 {
        /// Show a logon dialog if needed (LOGON-7).
        const MAPI_LOGON_UI = 0x0000_0001;
        /// Create a new session rather than join the shared one (LOGON-5).
        const MAPI_NEW_SESSION = 0x0000_0002;
        /// Make the new session the shared session (LOGON-6).
        const MAPI_ALLOW_OTHERS = 0x0000_0008;
        /// Do not use the default profile (LOGON-8).
        const MAPI_EXPLICIT_PROFILE = 0x0000_0010;
        /// Extended MAPI logon; always set (LOGON-4).
        const MAPI_EXTENDED = 0x0000_0020;
        /// Use the default profile's name (LOGON-8).
        const MAPI_USE_DEFAULT = 0x0000_0040;
        /// Download all messages before returning (LOGON-9).
        const MAPI_FORCE_DOWNLOAD = 0x0000_1000;
        /// Show every service's configuration dialog (LOGON-15).
        const MAPI_SERVICE_UI_ALWAYS = 0x0000_2000;
        /// Do not tell the spooler about the session: no transports (LOGON-10, LOGON-12).
        const MAPI_NO_MAIL = 0x0000_8000;
        /// The caller is a Windows service (LOGON-11); same value for `MAPIINIT_0` and
        /// `XPProviderInit`.
        const MAPI_NT_SERVICE = 0x0001_0000;
        /// Show the password UI (not on the MAPILogonEx page).
        const MAPI_PASSWORD_UI = 0x0002_0000;
        /// Fail with `MAPI_E_TIMEOUT` instead of blocking on the logon mutex (LOGON-13).
        const MAPI_TIMEOUT_SHORT = 0x0010_0000;
        /// Request a background session (LOGON-15); only in Microsoft's MAPIAux.h.
        const MAPI_BG_SESSION = 0x0020_0000;
        /// Strings are Unicode (LOGON-2).
        const MAPI_UNICODE = 0x8000_0000;
    }
}

impl MapiLogonFlags {
    /// `MAPI_SIMPLE_DEFAULT` (0x00001009) = `MAPI_LOGON_UI|MAPI_FORCE_DOWNLOAD|MAPI_ALLOW_OTHERS`
    /// (mapix.h); a combination, not a flag bit.
    pub const MAPI_SIMPLE_DEFAULT: MapiLogonFlags = MapiLogonFlags::MAPI_LOGON_UI
        .union(MapiLogonFlags::MAPI_FORCE_DOWNLOAD)
        .union(MapiLogonFlags::MAPI_ALLOW_OTHERS);
}

bitflags! {
    /// The `ulFlags` of `MAPIINIT_0` passed to `MAPIInitialize` (SPEC.md §3.7, INIT-3).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
    pub struct MapiInitFlags: u32 {
        /// A dedicated thread owns the notification window (INIT-4, INIT-5).
        const MAPI_MULTITHREAD_NOTIFICATIONS = 0x0000_0001;
        /// COM is already initialised; MAPI does not call `CoInitialize` (INIT-7). Only in
        /// Microsoft's MAPIAux.h.
        const MAPI_NO_COINIT = 0x0000_0008;
        /// The caller is a Windows service (INIT-6).
        const MAPI_NT_SERVICE = 0x0001_0000;
    }
}

impl_flag_word!(MapiLogonFlags, MapiInitFlags);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::FlagWord;
    use bitflags::Flags as _;

    #[test]
    fn logon_values_match_spec_3_6() {
        assert_eq!(MapiLogonFlags::MAPI_LOGON_UI.bits(), 0x00000001);
        assert_eq!(MapiLogonFlags::MAPI_NEW_SESSION.bits(), 0x00000002);
        assert_eq!(MapiLogonFlags::MAPI_ALLOW_OTHERS.bits(), 0x00000008);
        assert_eq!(MapiLogonFlags::MAPI_EXPLICIT_PROFILE.bits(), 0x00000010);
        assert_eq!(MapiLogonFlags::MAPI_EXTENDED.bits(), 0x00000020);
        assert_eq!(MapiLogonFlags::MAPI_USE_DEFAULT.bits(), 0x00000040);
        assert_eq!(MapiLogonFlags::MAPI_FORCE_DOWNLOAD.bits(), 0x00001000);
        assert_eq!(MapiLogonFlags::MAPI_SERVICE_UI_ALWAYS.bits(), 0x00002000);
        assert_eq!(MapiLogonFlags::MAPI_NO_MAIL.bits(), 0x00008000);
        assert_eq!(MapiLogonFlags::MAPI_NT_SERVICE.bits(), 0x00010000);
        assert_eq!(MapiLogonFlags::MAPI_PASSWORD_UI.bits(), 0x00020000);
        assert_eq!(MapiLogonFlags::MAPI_TIMEOUT_SHORT.bits(), 0x00100000);
        assert_eq!(MapiLogonFlags::MAPI_BG_SESSION.bits(), 0x00200000);
        assert_eq!(MapiLogonFlags::MAPI_UNICODE.bits(), 0x80000000);
        assert_eq!(MapiLogonFlags::MAPI_SIMPLE_DEFAULT.bits(), 0x00001009);
        assert_eq!(MapiLogonFlags::FLAGS.len(), 14);
    }

    #[test]
    fn init_values_match_spec_3_7() {
        assert_eq!(MAPI_INIT_VERSION, 0);
        assert_eq!(
            MapiInitFlags::MAPI_MULTITHREAD_NOTIFICATIONS.bits(),
            0x00000001
        );
        assert_eq!(MapiInitFlags::MAPI_NO_COINIT.bits(), 0x00000008);
        assert_eq!(MapiInitFlags::MAPI_NT_SERVICE.bits(), 0x00010000);
        assert_eq!(MapiInitFlags::FLAGS.len(), 3);
    }

    #[test]
    fn nt_service_has_one_value_everywhere() {
        assert_eq!(
            MapiLogonFlags::MAPI_NT_SERVICE.bits(),
            MapiInitFlags::MAPI_NT_SERVICE.bits()
        );
    }

    #[test]
    fn simple_default_is_not_a_flag_name_and_describes_as_its_parts() {
        assert!(MapiLogonFlags::parse("MAPI_SIMPLE_DEFAULT").is_err());
        assert!(MapiLogonFlags::parse("MAPI_APP_PROFILE").is_err());
        assert_eq!(
            MapiLogonFlags::MAPI_SIMPLE_DEFAULT.describe(),
            "MAPI_LOGON_UI|MAPI_ALLOW_OTHERS|MAPI_FORCE_DOWNLOAD"
        );
    }

    #[test]
    fn service_logon_serde() {
        let f = MapiLogonFlags::MAPI_EXTENDED
            | MapiLogonFlags::MAPI_NO_MAIL
            | MapiLogonFlags::MAPI_NT_SERVICE;
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(json, "\"0x00018020\"");
        assert_eq!(serde_json::from_str::<MapiLogonFlags>(&json).unwrap(), f);
        let named = "\"MAPI_NT_SERVICE|MAPI_NO_MAIL|MAPI_EXTENDED\"";
        assert_eq!(serde_json::from_str::<MapiLogonFlags>(named).unwrap(), f);
    }
}
