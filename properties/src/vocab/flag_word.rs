//! The machinery behind [`FlagWord`]: formatting, parsing, and the serde visitor shared by every
//! flag word and by [`HResult`](super::HResult), plus the macro that wires a `bitflags` type up.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Unexpected, Visitor};

use super::{FlagWord, VocabError};

/// `0x%08X`: the textual form of raw bits in `describe`, `Display` and serde output.
pub(crate) fn hex(bits: u32) -> String {
    format!("0x{bits:08X}")
}

/// Whether a `|`-separated part is meant as a number rather than a name.
pub(crate) fn looks_numeric(part: &str) -> bool {
    part.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+')
}

/// Parses `0x…`/`0X…` hex, unsigned decimal, or negative decimal in `i32` range (reinterpreted
/// as its 32-bit two's-complement pattern, as an `HRESULT` logged as a signed `LONG`, §3.9).
pub(crate) fn parse_number(text: &str) -> Option<u32> {
    fn digits(s: &str, radix: u32) -> bool {
        !s.is_empty() && s.chars().all(|c| c.is_digit(radix))
    }
    if let Some(h) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        return if digits(h, 16) {
            u32::from_str_radix(h, 16).ok()
        } else {
            None
        };
    }
    if let Some(d) = text.strip_prefix('-') {
        return if digits(d, 10) {
            text.parse::<i32>().ok().map(|v| v as u32)
        } else {
            None
        };
    }
    if digits(text, 10) {
        text.parse::<u32>().ok()
    } else {
        None
    }
}

/// Implementation of [`FlagWord::describe`].
pub(crate) fn describe_word<T: FlagWord>(word: T) -> String {
    let bits = word.bits();
    if bits == 0 {
        return "0".to_owned();
    }
    let mut named: Vec<(u32, &'static str)> = T::FLAGS
        .iter()
        .filter(|f| f.is_named())
        .map(|f| (f.value().bits(), f.name()))
        .filter(|&(v, _)| v != 0 && bits & v == v)
        .collect();
    named.sort_by_key(|&(v, _)| v);
    let mut parts: Vec<String> = named.into_iter().map(|(_, n)| n.to_owned()).collect();
    let unknown = word.unknown_bits();
    if unknown != 0 {
        parts.push(hex(unknown));
    }
    parts.join("|")
}

/// Implementation of [`FlagWord::parse`].
pub(crate) fn parse_word<T: FlagWord>(text: &str) -> Result<T, VocabError> {
    let type_name = T::TYPE_NAME;
    if text.trim().is_empty() {
        return Err(VocabError::Empty { type_name });
    }
    let mut bits = 0u32;
    for part in text.split('|').map(str::trim) {
        if part.is_empty() {
            return Err(VocabError::Empty { type_name });
        }
        if looks_numeric(part) {
            bits |= parse_number(part).ok_or_else(|| VocabError::InvalidNumber {
                text: part.to_owned(),
                type_name,
            })?;
        } else {
            let flag = T::from_name(part).ok_or_else(|| VocabError::UnknownFlag {
                name: part.to_owned(),
                type_name,
            })?;
            bits |= flag.bits();
        }
    }
    Ok(T::from_bits_retain(bits))
}

/// Serde visitor for a 32-bit word: a JSON integer (unsigned, or negative in `i32` range) or a
/// string handed to `parse`.
pub(crate) struct WordVisitor<T> {
    /// What the visitor expects, for serde's error messages.
    pub(crate) expecting: &'static str,
    /// Builds the value from raw bits (unknown bits kept).
    pub(crate) from_u32: fn(u32) -> T,
    /// Parses the textual form.
    pub(crate) parse: fn(&str) -> Result<T, VocabError>,
    /// Ties the visitor to `T`.
    pub(crate) marker: PhantomData<T>,
}

impl<T> WordVisitor<T> {
    /// A visitor with the given description and constructors.
    pub(crate) fn new(
        expecting: &'static str,
        from_u32: fn(u32) -> T,
        parse: fn(&str) -> Result<T, VocabError>,
    ) -> Self {
        WordVisitor {
            expecting,
            from_u32,
            parse,
            marker: PhantomData,
        }
    }
}

impl<T> Visitor<'_> for WordVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<T, E> {
        match u32::try_from(v) {
            Ok(bits) => Ok((self.from_u32)(bits)),
            Err(_) => Err(E::invalid_value(Unexpected::Unsigned(v), &self)),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<T, E> {
        if let Ok(bits) = u32::try_from(v) {
            Ok((self.from_u32)(bits))
        } else if let Ok(signed) = i32::try_from(v) {
            Ok((self.from_u32)(signed as u32))
        } else {
            Err(E::invalid_value(Unexpected::Signed(v), &self))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        (self.parse)(v).map_err(E::custom)
    }
}

/// Implements [`FlagWord`], `Display`, `FromStr`, `Serialize` and `Deserialize` for `bitflags`
/// types over `u32` declared in this module tree.
macro_rules! impl_flag_word {
    ($($t:ident),+ $(,)?) => {$(
        impl $crate::vocab::FlagWord for $t {
            const TYPE_NAME: &'static str = stringify!($t);
        }

        impl ::core::fmt::Display for $t {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(&$crate::vocab::FlagWord::describe(*self))
            }
        }

        impl ::core::str::FromStr for $t {
            type Err = $crate::vocab::VocabError;

            fn from_str(s: &str) -> ::core::result::Result<Self, Self::Err> {
                <$t as $crate::vocab::FlagWord>::parse(s)
            }
        }

        impl ::serde::Serialize for $t {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(&$crate::vocab::flag_word::hex(self.bits()))
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $t {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                deserializer.deserialize_any($crate::vocab::flag_word::WordVisitor::new(
                    concat!(
                        "a 32-bit integer, or a ",
                        stringify!($t),
                        " string of |-separated MAPI names and/or numbers"
                    ),
                    <$t as $crate::vocab::FlagWord>::from_raw,
                    <$t as $crate::vocab::FlagWord>::parse,
                ))
            }
        }
    )+};
}

pub(crate) use impl_flag_word;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_parse_in_every_accepted_form() {
        assert_eq!(parse_number("0x80040113"), Some(0x8004_0113));
        assert_eq!(parse_number("0X0000000a"), Some(0xA));
        assert_eq!(parse_number("42"), Some(42));
        assert_eq!(parse_number("4294967295"), Some(u32::MAX));
        assert_eq!(parse_number("-2147221229"), Some(0x8004_0113));
        assert_eq!(parse_number("-1"), Some(0xFFFF_FFFF));
    }

    #[test]
    fn bad_numbers_are_rejected() {
        for bad in [
            "0x",
            "0x1G",
            "4294967296",
            "0x100000000",
            "-",
            "-2147483649",
            "+5",
            "1a",
            "0b1",
        ] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn hex_is_eight_uppercase_digits() {
        assert_eq!(hex(0), "0x00000000");
        assert_eq!(hex(0x8004_010b), "0x8004010B");
    }
}
