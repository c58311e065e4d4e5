//! What MAPI does with a `MAPILogonEx` call, as a pure function of its arguments and of
//! whether a shared session exists (LOGON-1, LOGON-2, LOGON-5, LOGON-7, LOGON-8, LOGON-16).
//! The monitors use it to judge MAPI's answers; the session model and `xpcheck logon` use it
//! to decide them, so the three can never disagree.

use serde::Serialize;

use crate::vocab::{FlagWord, MapiLogonFlags as L};

/// `lpszProfileName` is limited to 64 characters (LOGON-2).
pub const PROFILE_NAME_MAX: usize = 64;

/// The UI-enabling logon flags of which at most one may be set (LOGON-16; the MAPILogonEx
/// page: "MAPI_LOGON_UI and MAPI_PASSWORD_UI are mutually exclusive").
pub const EXCLUSIVE_UI: L = L::MAPI_LOGON_UI.union(L::MAPI_PASSWORD_UI);

/// Every logon flag that allows MAPI to show a dialog (SVC-1: none in a service).
pub const ANY_UI: L = EXCLUSIVE_UI.union(L::MAPI_SERVICE_UI_ALWAYS);

/// Why MAPI rejects a call's parameters with `MAPI_E_LOGON_FAILED` (LOGON-14).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Invalid {
    /// `lpszPassword` is not NULL (LOGON-1).
    PasswordNotNull,
    /// `lpszProfileName` is longer than 64 characters (LOGON-2).
    NameTooLong,
    /// `flFlags` has bits that name no logon flag.
    UnknownFlags,
    /// More than one UI-enabling flag (LOGON-16).
    TwoUiFlags,
}

/// How MAPI obtains the session of a `MAPILogonEx` call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// Invalid parameters: `MAPI_E_LOGON_FAILED` (LOGON-14).
    Invalid(Invalid),
    /// No `MAPI_NEW_SESSION` and a shared session exists: that session is returned and
    /// `lpszProfileName` is ignored (LOGON-5).
    Join,
    /// A new session on the named profile (LOGON-5, LOGON-8).
    Named,
    /// A new session on the default profile: `MAPI_USE_DEFAULT` with no name (LOGON-8).
    Default,
    /// No profile can be obtained without the user: the logon dialog, with an empty profile
    /// field (LOGON-7, LOGON-8: `MAPI_EXPLICIT_PROFILE` without `MAPI_USE_DEFAULT`).
    Dialog,
    /// No profile and no UI allowed: `MAPI_E_LOGON_FAILED` (LOGON-7, LOGON-16).
    NoProfile,
}

/// Whether `lpszProfileName` is NULL or empty (LOGON-7, LOGON-8).
pub fn no_name(profile: Option<&str>) -> bool {
    !matches!(profile, Some(p) if !p.is_empty())
}

/// The parameter error of a call, if any (LOGON-1, LOGON-2, LOGON-16, unknown bits).
pub fn invalid(flags: L, profile: Option<&str>, password_null: bool) -> Option<Invalid> {
    if !password_null {
        Some(Invalid::PasswordNotNull)
    } else if profile.is_some_and(|p| p.chars().count() > PROFILE_NAME_MAX) {
        Some(Invalid::NameTooLong)
    } else if flags.unknown_bits() != 0 {
        Some(Invalid::UnknownFlags)
    } else if (flags & EXCLUSIVE_UI).bits().count_ones() > 1 {
        Some(Invalid::TwoUiFlags)
    } else {
        None
    }
}

/// What MAPI does with the call (LOGON-5, LOGON-7, LOGON-8, LOGON-16).
pub fn resolve(
    flags: L,
    profile: Option<&str>,
    password_null: bool,
    shared_exists: bool,
) -> Resolution {
    match invalid(flags, profile, password_null) {
        Some(why) => Resolution::Invalid(why),
        None => resolve_valid(flags, no_name(profile), shared_exists),
    }
}

/// [`resolve`] for a call whose parameters are valid, given only whether the profile name is
/// NULL/empty.
pub fn resolve_valid(flags: L, no_name: bool, shared_exists: bool) -> Resolution {
    if shared_exists && !flags.contains(L::MAPI_NEW_SESSION) {
        Resolution::Join
    } else if !no_name {
        Resolution::Named
    } else if flags.contains(L::MAPI_USE_DEFAULT) {
        Resolution::Default
    } else if flags.contains(L::MAPI_LOGON_UI) {
        Resolution::Dialog
    } else {
        Resolution::NoProfile
    }
}

/// A stable 64-bit fingerprint of a profile name (FNV-1a), so that fixed-size monitor state
/// can compare profile names (LOGON-5, LOGON-8).
pub fn fingerprint(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolution_follows_logon_5_7_8_16() {
        let e = L::MAPI_EXTENDED;
        assert_eq!(resolve(e, Some("Work"), true, true), Resolution::Join);
        assert_eq!(
            resolve(e | L::MAPI_NEW_SESSION, Some("Work"), true, true),
            Resolution::Named
        );
        assert_eq!(
            resolve(e | L::MAPI_USE_DEFAULT, None, true, false),
            Resolution::Default
        );
        assert_eq!(
            resolve(e | L::MAPI_EXPLICIT_PROFILE, Some(""), true, false),
            Resolution::NoProfile
        );
        assert_eq!(
            resolve(
                e | L::MAPI_EXPLICIT_PROFILE | L::MAPI_USE_DEFAULT,
                Some(""),
                true,
                false
            ),
            Resolution::Default
        );
        assert_eq!(
            resolve(e | L::MAPI_LOGON_UI, None, true, false),
            Resolution::Dialog
        );
        assert_eq!(resolve(e, None, true, false), Resolution::NoProfile);
        assert_eq!(
            resolve(e, None, false, true),
            Resolution::Invalid(Invalid::PasswordNotNull)
        );
        let long = "p".repeat(65);
        assert_eq!(
            resolve(e, Some(&long), true, false),
            Resolution::Invalid(Invalid::NameTooLong)
        );
        assert_eq!(
            resolve(e, Some(&long[..64]), true, false),
            Resolution::Named
        );
        assert_eq!(
            resolve(
                e | L::MAPI_LOGON_UI | L::MAPI_PASSWORD_UI,
                None,
                true,
                false
            ),
            Resolution::Invalid(Invalid::TwoUiFlags)
        );
        assert_eq!(
            resolve(L::from_raw(0x4), None, true, false),
            Resolution::Invalid(Invalid::UnknownFlags)
        );
    }
}
