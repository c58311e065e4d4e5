//! Flag words the spooler always passes as 0: `IXPLogon::StartMessage(ulFlags)` and
//! `IXPLogon::Idle(ulFlags)` — SPEC.md §3.3, rules SM-2, IDLE-2. Typed like every other flag
//! word, so no entry point takes a raw `u32`; any bit set is unknown (kept, never dropped).

use bitflags::bitflags;

use super::flag_word::impl_flag_word;

bitflags! {
    /// The `ulFlags` of `IXPLogon::StartMessage`: reserved, always 0 (SM-2).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
    pub struct StartMessageFlags: u32 {}
}

bitflags! {
    /// The `ulFlags` of `IXPLogon::Idle`: reserved, always 0 (IDLE-2).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
    pub struct IdleFlags: u32 {}
}

impl_flag_word!(StartMessageFlags, IdleFlags);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::FlagWord;

    #[test]
    fn reserved_words_name_nothing_and_keep_unknown_bits() {
        assert_eq!(StartMessageFlags::empty().describe(), "0");
        assert_eq!(StartMessageFlags::from_raw(4).unknown_bits(), 4);
        assert_eq!(IdleFlags::from_raw(0x10).describe(), "0x00000010");
    }
}
