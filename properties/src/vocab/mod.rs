//! The MAPI vocabulary: flag words, property tags, plain constants and HRESULTs, with the exact
//! values of the MAPI headers (SPEC.md §3.1–§3.8, which is the source of truth for every value).
//!
//! Every flag word is a `bitflags` type over `u32` whose constants carry the exact MAPI macro
//! names (e.g. [`TransportNotifyFlags::NOTIFY_CANCEL_MESSAGE`]). All of them implement
//! [`FlagWord`], which gives them one shared behaviour:
//!
//! * unknown bits are **kept**, never dropped ([`FlagWord::from_raw`]), so a monitor can report
//!   them instead of silently losing them;
//! * a textual form ([`FlagWord::describe`], also `Display`) such as
//!   `NOTIFY_BEGIN_INBOUND|NOTIFY_END_OUTBOUND|0x00000100`, and a parser for it
//!   ([`FlagWord::parse`], also `FromStr`) that accepts names, hex, decimal, or a mix;
//! * serde: serialised as the hex string `"0x%08X"`, deserialised from a JSON integer or any
//!   string that [`FlagWord::parse`] accepts.
//!
//! [`HResult`] follows the same serde scheme (hex string out; integer, hex string or a known name
//! such as `"MAPI_E_USER_CANCEL"` in).

mod client;
pub mod consts;
mod error;
mod flag_word;
mod flush_validate;
mod hresult;
mod logon;
mod message;
mod props;
mod reserved;
mod spooler_notify;
mod status;
mod store_logoff;
mod transport_notify;

#[cfg(test)]
mod tests;

pub use client::{MapiInitFlags, MapiLogonFlags, MAPI_INIT_VERSION};
pub use error::VocabError;
pub use flush_validate::{FlushFlags, ValidateStateFlags};
pub use hresult::HResult;
pub use logon::{DeinitFlags, LogoffFlags, LogonFlags};
pub use message::{EndMessageFlags, SubmitFlags};
pub use props::PropTag;
pub use reserved::{IdleFlags, StartMessageFlags};
pub use spooler_notify::SpoolerNotifyFlags;
pub use status::{ResourceMethods, RowColumns, StatusCode, StatusRowFlags};
pub use store_logoff::StoreLogoffFlags;
pub use transport_notify::{Requested, TransportNotifyFlags};

/// Shared behaviour of every MAPI flag word (a `bitflags` type over `u32`).
///
/// Implemented for each flag type of this module by a small internal macro, which also provides
/// `Display` (= [`describe`](FlagWord::describe)), `FromStr` (= [`parse`](FlagWord::parse)) and
/// the serde implementations described in the module documentation.
pub trait FlagWord: bitflags::Flags<Bits = u32> + Copy + 'static {
    /// The Rust name of the flag type, used in error messages (e.g. `"TransportNotifyFlags"`).
    const TYPE_NAME: &'static str;

    /// The raw `ULONG` value, unknown bits included.
    fn raw(self) -> u32 {
        self.bits()
    }

    /// Builds a flag word from a raw `ULONG`. Unknown bits are KEPT, never dropped, so that
    /// monitors can flag them (e.g. EM-6 / AMB-9 "unknown bits = warning").
    fn from_raw(bits: u32) -> Self {
        Self::from_bits_retain(bits)
    }

    /// The bits that belong to no named flag of this type.
    fn unknown_bits(self) -> u32 {
        self.bits() & !Self::all().bits()
    }

    /// The names of the set flags joined by `|` in ascending bit order, with any unknown bits
    /// appended as one `0x%08X`; `0` for the empty word.
    ///
    /// Example: `NOTIFY_BEGIN_INBOUND|NOTIFY_END_OUTBOUND|0x00000100`.
    fn describe(self) -> String {
        flag_word::describe_word(self)
    }

    /// Parses `|`-separated MAPI names, hex (`0x…`), decimal, or a mix of them (whitespace
    /// around each part is ignored); the parts are OR-ed together. An unknown name yields
    /// [`VocabError::UnknownFlag`].
    fn parse(text: &str) -> Result<Self, VocabError> {
        flag_word::parse_word(text)
    }
}
