//! HRESULTs, mapicode.h (base COM codes from winerror.h) — SPEC.md §3.8.

use std::fmt;
use std::str::FromStr;

use super::flag_word::{hex, looks_numeric, parse_number, WordVisitor};
use super::VocabError;

/// An `HRESULT` / `SCODE` as its 32-bit pattern (SPEC.md §3.8, §3.9: all `MAPI_E_*` are
/// negative as `i32`; use [`as_i32`](Self::as_i32) / [`from_i32`](Self::from_i32) for the signed
/// view).
///
/// `MAPI_E_USER_ABORT` is deliberately **not** here: it is the Simple-MAPI `ULONG` return code
/// `MAPI_USER_ABORT` = 1 from mapi.h, not an HRESULT (AMB-20); see
/// [`consts::MAPI_E_USER_ABORT`](super::consts::MAPI_E_USER_ABORT). Cancel paths use
/// [`HResult::MAPI_E_USER_CANCEL`].
///
/// Serialised as the hex string `"0x%08X"`; deserialised from a JSON integer (unsigned, or
/// negative in `i32` range), a hex or decimal string, or a known name such as
/// `"MAPI_E_USER_CANCEL"`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct HResult(pub u32);

impl HResult {
    /// `S_OK`: success.
    pub const S_OK: HResult = HResult(0x0000_0000);
    /// `MAPI_E_CALL_FAILED` (= `E_FAIL`).
    pub const MAPI_E_CALL_FAILED: HResult = HResult(0x8000_4005);
    /// `MAPI_E_NOT_ENOUGH_MEMORY` (= `E_OUTOFMEMORY`).
    pub const MAPI_E_NOT_ENOUGH_MEMORY: HResult = HResult(0x8007_000E);
    /// `MAPI_E_INVALID_PARAMETER` (= `E_INVALIDARG`).
    pub const MAPI_E_INVALID_PARAMETER: HResult = HResult(0x8007_0057);
    /// `MAPI_E_NO_SUPPORT`.
    pub const MAPI_E_NO_SUPPORT: HResult = HResult(0x8004_0102);
    /// `MAPI_E_UNKNOWN_FLAGS`.
    pub const MAPI_E_UNKNOWN_FLAGS: HResult = HResult(0x8004_0106);
    /// `MAPI_E_INVALID_OBJECT`: returned by objects invalidated with `MakeInvalid`; also
    /// `MAPIInitialize` step 6 (INIT-9).
    pub const MAPI_E_INVALID_OBJECT: HResult = HResult(0x8004_0108);
    /// `MAPI_E_BUSY`: another operation is in progress (VS-5, FQ-16, SPN-6).
    pub const MAPI_E_BUSY: HResult = HResult(0x8004_010B);
    /// `MAPI_E_NOT_ENOUGH_RESOURCES`.
    pub const MAPI_E_NOT_ENOUGH_RESOURCES: HResult = HResult(0x8004_010E);
    /// `MAPI_E_VERSION`.
    pub const MAPI_E_VERSION: HResult = HResult(0x8004_0110);
    /// `MAPI_E_LOGON_FAILED` (LOGON-14).
    pub const MAPI_E_LOGON_FAILED: HResult = HResult(0x8004_0111);
    /// `MAPI_E_SESSION_LIMIT`.
    pub const MAPI_E_SESSION_LIMIT: HResult = HResult(0x8004_0112);
    /// `MAPI_E_USER_CANCEL` (YLD-4, VS-3, LOGON-14). "MAPI_E_USER_CANCELED" is no macro (AMB-11).
    pub const MAPI_E_USER_CANCEL: HResult = HResult(0x8004_0113);
    /// `MAPI_E_UNABLE_TO_ABORT` (DEF-2).
    pub const MAPI_E_UNABLE_TO_ABORT: HResult = HResult(0x8004_0114);
    /// `MAPI_E_NETWORK_ERROR`.
    pub const MAPI_E_NETWORK_ERROR: HResult = HResult(0x8004_0115);
    /// `MAPI_E_TOO_COMPLEX`.
    pub const MAPI_E_TOO_COMPLEX: HResult = HResult(0x8004_0117);
    /// `MAPI_E_UNCONFIGURED`: MAPI then calls the service entry with `MSG_SERVICE_CONFIGURE`.
    pub const MAPI_E_UNCONFIGURED: HResult = HResult(0x8004_011C);
    /// `MAPI_E_FAILONEPROVIDER`.
    pub const MAPI_E_FAILONEPROVIDER: HResult = HResult(0x8004_011D);
    /// `MAPI_E_UNKNOWN_CPID`.
    pub const MAPI_E_UNKNOWN_CPID: HResult = HResult(0x8004_011E);
    /// `MAPI_E_UNKNOWN_LCID`.
    pub const MAPI_E_UNKNOWN_LCID: HResult = HResult(0x8004_011F);
    /// `MAPI_W_ERRORS_RETURNED`: a success (warning) code.
    pub const MAPI_W_ERRORS_RETURNED: HResult = HResult(0x0004_0380);
    /// `MAPI_E_TIMEOUT` (LOGON-13).
    pub const MAPI_E_TIMEOUT: HResult = HResult(0x8004_0401);
    /// `MAPI_E_WAIT`.
    pub const MAPI_E_WAIT: HResult = HResult(0x8004_0500);
    /// `MAPI_E_CANCEL` (DEF-5).
    pub const MAPI_E_CANCEL: HResult = HResult(0x8004_0501);
    /// `MAPI_E_NOT_ME`.
    pub const MAPI_E_NOT_ME: HResult = HResult(0x8004_0502);
    /// `MAPI_W_CANCEL_MESSAGE`: a success (warning) code returned by `SpoolerYield` (YLD-3).
    pub const MAPI_W_CANCEL_MESSAGE: HResult = HResult(0x0004_0580);
    /// `MAPI_E_NOT_IN_QUEUE` (DEF-2).
    pub const MAPI_E_NOT_IN_QUEUE: HResult = HResult(0x8004_0601);
    /// `MAPI_E_NOT_INITIALIZED` (INIT-1).
    pub const MAPI_E_NOT_INITIALIZED: HResult = HResult(0x8004_0605);

    /// Every named HRESULT of SPEC.md §3.8 with its name, in table order.
    pub const KNOWN: &'static [(&'static str, HResult)] = &[
        ("S_OK", HResult::S_OK),
        ("MAPI_E_CALL_FAILED", HResult::MAPI_E_CALL_FAILED),
        (
            "MAPI_E_NOT_ENOUGH_MEMORY",
            HResult::MAPI_E_NOT_ENOUGH_MEMORY,
        ),
        (
            "MAPI_E_INVALID_PARAMETER",
            HResult::MAPI_E_INVALID_PARAMETER,
        ),
        ("MAPI_E_NO_SUPPORT", HResult::MAPI_E_NO_SUPPORT),
        ("MAPI_E_UNKNOWN_FLAGS", HResult::MAPI_E_UNKNOWN_FLAGS),
        ("MAPI_E_INVALID_OBJECT", HResult::MAPI_E_INVALID_OBJECT),
        ("MAPI_E_BUSY", HResult::MAPI_E_BUSY),
        (
            "MAPI_E_NOT_ENOUGH_RESOURCES",
            HResult::MAPI_E_NOT_ENOUGH_RESOURCES,
        ),
        ("MAPI_E_VERSION", HResult::MAPI_E_VERSION),
        ("MAPI_E_LOGON_FAILED", HResult::MAPI_E_LOGON_FAILED),
        ("MAPI_E_SESSION_LIMIT", HResult::MAPI_E_SESSION_LIMIT),
        ("MAPI_E_USER_CANCEL", HResult::MAPI_E_USER_CANCEL),
        ("MAPI_E_UNABLE_TO_ABORT", HResult::MAPI_E_UNABLE_TO_ABORT),
        ("MAPI_E_NETWORK_ERROR", HResult::MAPI_E_NETWORK_ERROR),
        ("MAPI_E_TOO_COMPLEX", HResult::MAPI_E_TOO_COMPLEX),
        ("MAPI_E_UNCONFIGURED", HResult::MAPI_E_UNCONFIGURED),
        ("MAPI_E_FAILONEPROVIDER", HResult::MAPI_E_FAILONEPROVIDER),
        ("MAPI_E_UNKNOWN_CPID", HResult::MAPI_E_UNKNOWN_CPID),
        ("MAPI_E_UNKNOWN_LCID", HResult::MAPI_E_UNKNOWN_LCID),
        ("MAPI_W_ERRORS_RETURNED", HResult::MAPI_W_ERRORS_RETURNED),
        ("MAPI_E_TIMEOUT", HResult::MAPI_E_TIMEOUT),
        ("MAPI_E_WAIT", HResult::MAPI_E_WAIT),
        ("MAPI_E_CANCEL", HResult::MAPI_E_CANCEL),
        ("MAPI_E_NOT_ME", HResult::MAPI_E_NOT_ME),
        ("MAPI_W_CANCEL_MESSAGE", HResult::MAPI_W_CANCEL_MESSAGE),
        ("MAPI_E_NOT_IN_QUEUE", HResult::MAPI_E_NOT_IN_QUEUE),
        ("MAPI_E_NOT_INITIALIZED", HResult::MAPI_E_NOT_INITIALIZED),
    ];

    /// `MAKE_MAPI_E(code)` = `0x80000000 | FACILITY_ITF << 16 | code` = `0x80040000 | code`.
    pub const fn make_mapi_e(code: u32) -> HResult {
        HResult(0x8000_0000 | (super::consts::FACILITY_ITF << 16) | code)
    }

    /// `MAKE_MAPI_S(code)` = `FACILITY_ITF << 16 | code` = `0x00040000 | code`.
    pub const fn make_mapi_s(code: u32) -> HResult {
        HResult((super::consts::FACILITY_ITF << 16) | code)
    }

    /// Exactly `S_OK`. Not the same as [`is_success`](Self::is_success): SpoolerYield's
    /// `MAPI_W_CANCEL_MESSAGE` is a success that means "stop and return MAPI_E_USER_CANCEL"
    /// (YLD-4), and it is not OK.
    pub const fn is_ok(self) -> bool {
        self.0 == HResult::S_OK.0
    }

    /// `SUCCEEDED(hr)`: the severity bit (bit 31) is clear. True for `S_OK` and `MAPI_W_*`.
    pub const fn is_success(self) -> bool {
        self.0 & 0x8000_0000 == 0
    }

    /// `FAILED(hr)`: the severity bit (bit 31) is set.
    pub const fn is_failure(self) -> bool {
        !self.is_success()
    }

    /// `HRESULT_FACILITY(hr)`: bits 16..28 (`FACILITY_ITF` = 4 for MAPI codes).
    pub const fn facility(self) -> u32 {
        (self.0 >> 16) & 0x1FFF
    }

    /// `HRESULT_CODE(hr)`: the low 16 bits.
    pub const fn code(self) -> u32 {
        self.0 & 0xFFFF
    }

    /// The signed view (`HRESULT` is a signed 32-bit type in every header set, §3.9).
    pub const fn as_i32(self) -> i32 {
        self.0 as i32
    }

    /// From the signed view (§3.9).
    pub const fn from_i32(value: i32) -> HResult {
        HResult(value as u32)
    }

    /// The MAPI name of a known HRESULT (SPEC.md §3.8), e.g. `"MAPI_E_USER_CANCEL"`.
    pub fn name(self) -> Option<&'static str> {
        HResult::KNOWN
            .iter()
            .find(|(_, h)| *h == self)
            .map(|(n, _)| *n)
    }

    /// The HRESULT with this exact MAPI name. `MAPI_E_USER_ABORT` (AMB-20) and the page typo
    /// `MAPI_E_USER_CANCELED` (AMB-11) give `None`.
    pub fn from_name(name: &str) -> Option<HResult> {
        HResult::KNOWN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, h)| *h)
    }

    /// Parses a known name, `0x…` hex, or decimal (negative decimals in `i32` range are taken
    /// as the signed view); surrounding whitespace is ignored.
    pub fn parse(text: &str) -> Result<HResult, VocabError> {
        let text = text.trim();
        if text.is_empty() {
            Err(VocabError::Empty {
                type_name: "HResult",
            })
        } else if looks_numeric(text) {
            parse_number(text)
                .map(HResult)
                .ok_or_else(|| VocabError::InvalidNumber {
                    text: text.to_owned(),
                    type_name: "HResult",
                })
        } else {
            HResult::from_name(text).ok_or_else(|| VocabError::UnknownHResult {
                name: text.to_owned(),
            })
        }
    }
}

impl fmt::Display for HResult {
    /// The name if known, else `0x%08X`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => f.write_str(&hex(self.0)),
        }
    }
}

impl fmt::Debug for HResult {
    /// `HResult(NAME)` or `HResult(0x%08X)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HResult({self})")
    }
}

impl FromStr for HResult {
    type Err = VocabError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        HResult::parse(s)
    }
}

impl serde::Serialize for HResult {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&hex(self.0))
    }
}

impl<'de> serde::Deserialize<'de> for HResult {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(WordVisitor::new(
            "an HRESULT: a 32-bit integer, a hex or decimal string, or a MAPI name",
            HResult,
            HResult::parse,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::HResult as H;
    use crate::vocab::VocabError;

    #[test]
    fn values_match_spec_3_8() {
        assert_eq!(H::S_OK.0, 0x00000000);
        assert_eq!(H::MAPI_E_CALL_FAILED.0, 0x80004005);
        assert_eq!(H::MAPI_E_NOT_ENOUGH_MEMORY.0, 0x8007000E);
        assert_eq!(H::MAPI_E_INVALID_PARAMETER.0, 0x80070057);
        assert_eq!(H::MAPI_E_NO_SUPPORT.0, 0x80040102);
        assert_eq!(H::MAPI_E_UNKNOWN_FLAGS.0, 0x80040106);
        assert_eq!(H::MAPI_E_INVALID_OBJECT.0, 0x80040108);
        assert_eq!(H::MAPI_E_BUSY.0, 0x8004010B);
        assert_eq!(H::MAPI_E_NOT_ENOUGH_RESOURCES.0, 0x8004010E);
        assert_eq!(H::MAPI_E_VERSION.0, 0x80040110);
        assert_eq!(H::MAPI_E_LOGON_FAILED.0, 0x80040111);
        assert_eq!(H::MAPI_E_SESSION_LIMIT.0, 0x80040112);
        assert_eq!(H::MAPI_E_USER_CANCEL.0, 0x80040113);
        assert_eq!(H::MAPI_E_UNABLE_TO_ABORT.0, 0x80040114);
        assert_eq!(H::MAPI_E_NETWORK_ERROR.0, 0x80040115);
        assert_eq!(H::MAPI_E_TOO_COMPLEX.0, 0x80040117);
        assert_eq!(H::MAPI_E_UNCONFIGURED.0, 0x8004011C);
        assert_eq!(H::MAPI_E_FAILONEPROVIDER.0, 0x8004011D);
        assert_eq!(H::MAPI_E_UNKNOWN_CPID.0, 0x8004011E);
        assert_eq!(H::MAPI_E_UNKNOWN_LCID.0, 0x8004011F);
        assert_eq!(H::MAPI_W_ERRORS_RETURNED.0, 0x00040380);
        assert_eq!(H::MAPI_E_TIMEOUT.0, 0x80040401);
        assert_eq!(H::MAPI_E_WAIT.0, 0x80040500);
        assert_eq!(H::MAPI_E_CANCEL.0, 0x80040501);
        assert_eq!(H::MAPI_E_NOT_ME.0, 0x80040502);
        assert_eq!(H::MAPI_W_CANCEL_MESSAGE.0, 0x00040580);
        assert_eq!(H::MAPI_E_NOT_IN_QUEUE.0, 0x80040601);
        assert_eq!(H::MAPI_E_NOT_INITIALIZED.0, 0x80040605);
        assert_eq!(H::KNOWN.len(), 28);
    }

    #[test]
    fn mapi_e_values_equal_make_mapi_e_of_their_low_bits() {
        let mut checked = 0;
        for &(name, hr) in H::KNOWN {
            if name.starts_with("MAPI_E_") && hr.0 & 0xFFFF_0000 == 0x8004_0000 {
                assert_eq!(hr, H::make_mapi_e(hr.0 & 0xFFFF), "{name}");
                checked += 1;
            }
        }
        assert_eq!(checked, 22);
        assert_eq!(H::MAPI_W_ERRORS_RETURNED, H::make_mapi_s(0x380));
        assert_eq!(H::MAPI_W_CANCEL_MESSAGE, H::make_mapi_s(0x580));
    }

    #[test]
    fn known_table_has_unique_names_and_values_and_round_trips() {
        for (i, &(name, hr)) in H::KNOWN.iter().enumerate() {
            assert_eq!(hr.name(), Some(name));
            assert_eq!(H::from_name(name), Some(hr));
            assert_eq!(hr.to_string(), name);
            for &(other, ohr) in &H::KNOWN[i + 1..] {
                assert_ne!(name, other);
                assert_ne!(hr, ohr, "{name} and {other}");
            }
        }
    }

    #[test]
    fn success_and_failure() {
        assert!(H::S_OK.is_success());
        assert!(H::S_OK.is_ok());
        assert!(!H::MAPI_W_CANCEL_MESSAGE.is_ok());
        assert!(!H::MAPI_E_BUSY.is_ok());
        assert!(H::MAPI_W_CANCEL_MESSAGE.is_success());
        assert!(H::MAPI_W_ERRORS_RETURNED.is_success());
        assert!(H::MAPI_E_USER_CANCEL.is_failure());
        assert!(H::MAPI_E_CALL_FAILED.is_failure());
        assert!(!H::MAPI_E_BUSY.is_success());
        for &(name, hr) in H::KNOWN {
            assert_eq!(hr.is_failure(), name.contains("_E_"), "{name}");
        }
        assert_eq!(H::MAPI_E_BUSY.facility(), 4);
        assert_eq!(H::MAPI_E_BUSY.code(), 0x010B);
        assert_eq!(H::MAPI_E_NOT_ENOUGH_MEMORY.facility(), 7);
    }

    #[test]
    fn user_abort_is_not_an_hresult_amb_20() {
        assert_eq!(H::from_name("MAPI_E_USER_ABORT"), None);
        assert_eq!(H::from_name("MAPI_E_USER_CANCELED"), None);
        assert_eq!(H(1).name(), None);
        assert_eq!(
            H::parse("MAPI_E_USER_ABORT"),
            Err(VocabError::UnknownHResult {
                name: "MAPI_E_USER_ABORT".into()
            })
        );
    }

    #[test]
    fn display_debug_and_signed_view() {
        assert_eq!(H(0x8004_0999).to_string(), "0x80040999");
        assert_eq!(format!("{:?}", H::MAPI_E_BUSY), "HResult(MAPI_E_BUSY)");
        assert_eq!(H::MAPI_E_CALL_FAILED.as_i32(), -2147467259);
        assert_eq!(H::from_i32(-2147467259), H::MAPI_E_CALL_FAILED);
        assert_eq!(H::default(), H::S_OK);
    }

    #[test]
    fn parse_accepts_names_hex_and_decimal() {
        assert_eq!(H::parse(" MAPI_E_USER_CANCEL "), Ok(H::MAPI_E_USER_CANCEL));
        assert_eq!(H::parse("0x80040113"), Ok(H::MAPI_E_USER_CANCEL));
        assert_eq!("2147746067".parse::<H>(), Ok(H::MAPI_E_USER_CANCEL));
        assert_eq!(H::parse("-2147221229"), Ok(H::MAPI_E_USER_CANCEL));
        assert!(matches!(
            H::parse("0xnope"),
            Err(VocabError::InvalidNumber { .. })
        ));
        assert!(matches!(H::parse(""), Err(VocabError::Empty { .. })));
        assert!(matches!(
            H::parse("E_FAIL"),
            Err(VocabError::UnknownHResult { .. })
        ));
    }

    #[test]
    fn serde_round_trips() {
        let json = serde_json::to_string(&H::MAPI_E_USER_CANCEL).unwrap();
        assert_eq!(json, "\"0x80040113\"");
        assert_eq!(
            serde_json::from_str::<H>(&json).unwrap(),
            H::MAPI_E_USER_CANCEL
        );
        assert_eq!(
            serde_json::from_str::<H>("\"MAPI_E_USER_CANCEL\"").unwrap(),
            H::MAPI_E_USER_CANCEL
        );
        assert_eq!(
            serde_json::from_str::<H>("2147746067").unwrap(),
            H::MAPI_E_USER_CANCEL
        );
        assert_eq!(
            serde_json::from_str::<H>("-2147221229").unwrap(),
            H::MAPI_E_USER_CANCEL
        );
        assert_eq!(serde_json::from_str::<H>("0").unwrap(), H::S_OK);
        assert_eq!(
            serde_json::to_string(&H(0x8004_0999)).unwrap(),
            "\"0x80040999\""
        );
        assert!(serde_json::from_str::<H>("\"MAPI_E_USER_ABORT\"").is_err());
        assert!(serde_json::from_str::<H>("4294967296").is_err());
        assert!(serde_json::from_str::<H>("-2147483649").is_err());
        assert!(serde_json::from_str::<H>("1.5").is_err());
    }
}
