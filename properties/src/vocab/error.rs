//! Errors raised when parsing vocabulary text (flag words and HRESULTs).

/// An error from parsing a flag word ([`FlagWord::parse`](super::FlagWord::parse)) or an
/// HRESULT ([`HResult::parse`](super::HResult::parse)).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VocabError {
    /// A `|`-separated part is neither a number nor a MAPI name of this flag type.
    #[error("unknown flag `{name}` for {type_name}")]
    UnknownFlag {
        /// The part as written (trimmed).
        name: String,
        /// The flag type it was parsed as, e.g. `TransportNotifyFlags`.
        type_name: &'static str,
    },
    /// A part looked like a number (it starts with a digit or a sign) but is not a valid
    /// 32-bit hex or decimal value.
    #[error("invalid number `{text}` for {type_name}")]
    InvalidNumber {
        /// The part as written (trimmed).
        text: String,
        /// The type it was parsed as.
        type_name: &'static str,
    },
    /// The text, or one of its `|`-separated parts, is empty (write `0` for no flags).
    #[error("empty value for {type_name} (write 0 for no flags)")]
    Empty {
        /// The type it was parsed as.
        type_name: &'static str,
    },
    /// A name that is not one of the HRESULTs of SPEC.md §3.8 (note that `MAPI_E_USER_ABORT` is
    /// deliberately not an HRESULT, AMB-20).
    #[error("unknown HRESULT `{name}`")]
    UnknownHResult {
        /// The name as written (trimmed).
        name: String,
    },
}
