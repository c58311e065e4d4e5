//! Property tags of the status row (mapitags.h) — SPEC.md §3.4, rules STAT-*, VS-8..VS-10.

use std::fmt;

/// A MAPI property tag: `PROP_TAG(type, id) = id << 16 | type` (SPEC.md §3.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PropTag(pub u32);

impl PropTag {
    /// `PR_STATUS_CODE`: `PROP_TAG(PT_LONG, 0x3E04)` — a [`StatusCode`](super::StatusCode).
    pub const PR_STATUS_CODE: PropTag = PropTag(0x3E04_0003);
    /// `PR_RESOURCE_METHODS`: `PROP_TAG(PT_LONG, 0x3E02)` — a
    /// [`ResourceMethods`](super::ResourceMethods).
    pub const PR_RESOURCE_METHODS: PropTag = PropTag(0x3E02_0003);
    /// `PR_RESOURCE_TYPE`: `PROP_TAG(PT_LONG, 0x3E03)` — e.g.
    /// [`MAPI_TRANSPORT_PROVIDER`](super::consts::MAPI_TRANSPORT_PROVIDER).
    pub const PR_RESOURCE_TYPE: PropTag = PropTag(0x3E03_0003);
    /// `PR_STATUS_STRING_A`: `PROP_TAG(PT_STRING8, 0x3E08)`.
    pub const PR_STATUS_STRING_A: PropTag = PropTag(0x3E08_001E);
    /// `PR_STATUS_STRING_W`: `PROP_TAG(PT_UNICODE, 0x3E08)`.
    pub const PR_STATUS_STRING_W: PropTag = PropTag(0x3E08_001F);
    /// `PR_REMOTE_VALIDATE_OK`: `PROP_TAG(PT_BOOLEAN, 0x3E0D)` (VS-8, VS-10).
    pub const PR_REMOTE_VALIDATE_OK: PropTag = PropTag(0x3E0D_000B);
    /// `PR_RESPONSIBILITY`: `PROP_TAG(PT_BOOLEAN, 0x0E0F)`.
    pub const PR_RESPONSIBILITY: PropTag = PropTag(0x0E0F_000B);

    /// Every named tag with its name.
    pub const KNOWN: &'static [(&'static str, PropTag)] = &[
        ("PR_STATUS_CODE", PropTag::PR_STATUS_CODE),
        ("PR_RESOURCE_METHODS", PropTag::PR_RESOURCE_METHODS),
        ("PR_RESOURCE_TYPE", PropTag::PR_RESOURCE_TYPE),
        ("PR_STATUS_STRING_A", PropTag::PR_STATUS_STRING_A),
        ("PR_STATUS_STRING_W", PropTag::PR_STATUS_STRING_W),
        ("PR_REMOTE_VALIDATE_OK", PropTag::PR_REMOTE_VALIDATE_OK),
        ("PR_RESPONSIBILITY", PropTag::PR_RESPONSIBILITY),
    ];

    /// `PROP_TAG(prop_type, prop_id)`, arguments in the macro's order.
    pub const fn new(prop_type: u16, prop_id: u16) -> PropTag {
        PropTag(((prop_id as u32) << 16) | prop_type as u32)
    }

    /// `PROP_ID(tag)`: the high 16 bits.
    pub const fn prop_id(self) -> u16 {
        (self.0 >> 16) as u16
    }

    /// `PROP_TYPE(tag)`: the low 16 bits (e.g. `PT_LONG` = 0x0003).
    pub const fn prop_type(self) -> u16 {
        (self.0 & 0xFFFF) as u16
    }

    /// The MAPI name of a known tag.
    pub fn name(self) -> Option<&'static str> {
        PropTag::KNOWN
            .iter()
            .find(|(_, t)| *t == self)
            .map(|(n, _)| *n)
    }
}

impl fmt::Display for PropTag {
    /// The name if known, else `0x%08X`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "0x{:08X}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::PropTag;

    #[test]
    fn values_match_spec_3_4() {
        assert_eq!(PropTag::PR_STATUS_CODE.0, 0x3E040003);
        assert_eq!(PropTag::PR_RESOURCE_METHODS.0, 0x3E020003);
        assert_eq!(PropTag::PR_RESOURCE_TYPE.0, 0x3E030003);
        assert_eq!(PropTag::PR_STATUS_STRING_A.0, 0x3E08001E);
        assert_eq!(PropTag::PR_STATUS_STRING_W.0, 0x3E08001F);
        assert_eq!(PropTag::PR_REMOTE_VALIDATE_OK.0, 0x3E0D000B);
        assert_eq!(PropTag::PR_RESPONSIBILITY.0, 0x0E0F000B);
    }

    #[test]
    fn prop_tag_arithmetic() {
        assert_eq!(PropTag::new(0x0003, 0x3E04), PropTag::PR_STATUS_CODE);
        assert_eq!(PropTag::new(0x001F, 0x3E08), PropTag::PR_STATUS_STRING_W);
        assert_eq!(PropTag::PR_REMOTE_VALIDATE_OK.prop_id(), 0x3E0D);
        assert_eq!(PropTag::PR_REMOTE_VALIDATE_OK.prop_type(), 0x000B);
    }

    #[test]
    fn display_uses_names() {
        assert_eq!(PropTag::PR_STATUS_CODE.to_string(), "PR_STATUS_CODE");
        assert_eq!(PropTag(0x0037_001F).to_string(), "0x0037001F");
    }
}
