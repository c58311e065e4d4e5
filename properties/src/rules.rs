//! The rules xpcheck's monitors check, as a dense enum (index = bit in a violation mask).
//!
//! Every variant names a rule of SPEC.md §2; [`Rid::id`] gives the stable ID. The catalog
//! (`crate::catalog`) lists all 231 rules; this enum lists the ones some monitor or coverage
//! property can decide, and [`Rid::kind`] says how.

use serde::Serialize;

/// How a rule is decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// A monitor over events: `pass` when exercised and never violated.
    Monitor,
    /// A harness obligation ("the harness must generate this interleaving", TN-18): `pass` when
    /// some run reached the situation, `not_exercised` otherwise. Nothing can violate it.
    Coverage,
}

macro_rules! rules {
    ($($v:ident = $id:literal $kind:ident,)*) => {
        /// A monitored rule. The discriminant is its bit index in a violation mask.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[repr(u8)]
        #[allow(missing_docs)]
        pub enum Rid { $($v,)* }

        impl Rid {
            /// Every monitored rule, in catalog order.
            pub const ALL: &'static [Rid] = &[$(Rid::$v,)*];

            /// The stable rule ID, e.g. `TN-19`.
            pub const fn id(self) -> &'static str {
                match self { $(Rid::$v => $id,)* }
            }

            /// How the rule is decided.
            pub const fn kind(self) -> CheckKind {
                match self { $(Rid::$v => CheckKind::$kind,)* }
            }
        }
    };
}

rules! {
    Tn1 = "TN-1" Monitor,
    Tn2 = "TN-2" Monitor,
    Tn3 = "TN-3" Monitor,
    Tn4 = "TN-4" Monitor,
    Tn5 = "TN-5" Monitor,
    Tn6 = "TN-6" Monitor,
    Tn7 = "TN-7" Monitor,
    Tn8 = "TN-8" Monitor,
    Tn10 = "TN-10" Monitor,
    Tn12 = "TN-12" Monitor,
    Tn13 = "TN-13" Monitor,
    Tn14 = "TN-14" Monitor,
    Tn15 = "TN-15" Monitor,
    Tn16 = "TN-16" Monitor,
    Tn17 = "TN-17" Monitor,
    Tn18 = "TN-18" Coverage,
    Tn19 = "TN-19" Monitor,
    Tn20 = "TN-20" Monitor,
    Tn21 = "TN-21" Monitor,
    Tn22 = "TN-22" Monitor,
    Tn23 = "TN-23" Monitor,
    Tn24 = "TN-24" Monitor,
    Tn25 = "TN-25" Monitor,
    Tn26 = "TN-26" Monitor,
    Tn27 = "TN-27" Monitor,
    Sub1 = "SUB-1" Monitor,
    Sub3 = "SUB-3" Monitor,
    Sub4 = "SUB-4" Monitor,
    Sub5 = "SUB-5" Monitor,
    Sub6 = "SUB-6" Monitor,
    Sub7 = "SUB-7" Monitor,
    Sub8 = "SUB-8" Monitor,
    Sub9 = "SUB-9" Monitor,
    Sub11 = "SUB-11" Monitor,
    Sub12 = "SUB-12" Monitor,
    Em1 = "EM-1" Monitor,
    Em2 = "EM-2" Monitor,
    Em3 = "EM-3" Monitor,
    Em4 = "EM-4" Monitor,
    Em5 = "EM-5" Monitor,
    Em6 = "EM-6" Monitor,
    Sm1 = "SM-1" Monitor,
    Sm2 = "SM-2" Monitor,
    Sm3 = "SM-3" Monitor,
    Sm4 = "SM-4" Monitor,
    Sm5 = "SM-5" Monitor,
    Sm7 = "SM-7" Monitor,
    Sm8 = "SM-8" Monitor,
    Sm9 = "SM-9" Monitor,
    Sm10 = "SM-10" Monitor,
    Sm11 = "SM-11" Monitor,
    Sm13 = "SM-13" Monitor,
    Sm14 = "SM-14" Monitor,
    Poll1 = "POLL-1" Monitor,
    Poll2 = "POLL-2" Monitor,
    Poll3 = "POLL-3" Monitor,
    Stat1 = "STAT-1" Monitor,
    Stat4 = "STAT-4" Monitor,
    Spn2 = "SPN-2" Monitor,
    Spn4 = "SPN-4" Monitor,
    Spn6 = "SPN-6" Monitor,
    Spn7 = "SPN-7" Monitor,
    Spn8 = "SPN-8" Monitor,
    Spn10 = "SPN-10" Monitor,
    Yld3 = "YLD-3" Monitor,
    Yld4 = "YLD-4" Monitor,
    Def2 = "DEF-2" Monitor,
    Def4 = "DEF-4" Monitor,
    Def5 = "DEF-5" Monitor,
    Def6 = "DEF-6" Monitor,
    Def7 = "DEF-7" Monitor,
}

impl Rid {
    /// Bit of this rule in a `u128` violation mask.
    pub const fn bit(self) -> u128 {
        1u128 << (self as u8)
    }

    /// Looks a monitored rule up by ID.
    pub fn from_id(id: &str) -> Option<Rid> {
        Rid::ALL.iter().copied().find(|r| r.id() == id)
    }

    /// Rules in a violation mask, in catalog order.
    pub fn in_mask(mask: u128) -> impl Iterator<Item = Rid> {
        Rid::ALL
            .iter()
            .copied()
            .filter(move |r| mask & r.bit() != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_monitored_rule_is_in_the_catalog_and_fits_the_mask() {
        assert!(Rid::ALL.len() <= 128);
        for r in Rid::ALL {
            assert!(
                crate::catalog::get(r.id()).is_some(),
                "{} not in catalog",
                r.id()
            );
            assert_eq!(Rid::from_id(r.id()), Some(*r));
        }
        let mask = Rid::Tn1.bit() | Rid::Def7.bit();
        assert_eq!(
            Rid::in_mask(mask).collect::<Vec<_>>(),
            vec![Rid::Tn1, Rid::Def7]
        );
    }
}
