//! What every rule set shares: a dense enum of rule IDs ([`RuleId`]), declared with
//! [`rule_set!`](macro@crate::rule_set), and a fixed-size bit mask over it ([`RuleMask`]).
//!
//! The transport rules ([`crate::rules::Rid`]) and the client rules
//! ([`crate::client::ClientRid`]) are two rule sets; the judge's sinks, collectors, findings and
//! every report are generic over the set, so a new monitor is written once and shows up in every
//! engine and report.

use std::fmt::Debug;
use std::hash::Hash;

/// A rule set: a dense enum whose discriminant is the rule's index in catalog order.
pub trait RuleId: Copy + Eq + Ord + Hash + Debug + Send + Sync + 'static {
    /// Every rule of the set, in catalog order; `ALL[r.index()] == r`.
    const ALL: &'static [Self];

    /// The stable rule ID, e.g. `TN-19`.
    fn id(self) -> &'static str;

    /// Position in [`RuleId::ALL`]: the rule's bit in a [`RuleMask`] and its slot in counters.
    fn index(self) -> usize;

    /// Looks a rule of this set up by ID.
    fn from_id(id: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|r| r.id() == id)
    }

    /// The rule's catalog entry (force, bearer, summary).
    fn rule(self) -> &'static crate::catalog::Rule {
        crate::catalog::get(self.id()).expect("every monitored rule is in the catalog")
    }
}

/// Declares a rule set: `rule_set!(Name, "doc"; Variant = "ID", ...)` makes a dense `#[repr(u8)]`
/// enum implementing [`RuleId`].
#[macro_export]
macro_rules! rule_set {
    ($(#[$doc:meta])* $name:ident; $($v:ident = $id:literal,)*) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[repr(u8)]
        #[allow(missing_docs)]
        pub enum $name { $($v,)* }

        impl $crate::rule_set::RuleId for $name {
            const ALL: &'static [$name] = &[$($name::$v,)*];
            fn id(self) -> &'static str {
                match self { $($name::$v => $id,)* }
            }
            fn index(self) -> usize {
                self as usize
            }
        }

        impl $name {
            /// Every rule of the set, in catalog order.
            pub const ALL: &'static [$name] = &[$($name::$v,)*];

            /// The stable rule ID, e.g. `TN-19`.
            pub const fn id(self) -> &'static str {
                match self { $($name::$v => $id,)* }
            }

            /// Looks a rule of this set up by ID.
            pub fn from_id(id: &str) -> Option<$name> {
                <$name as $crate::rule_set::RuleId>::from_id(id)
            }
        }
    };
}

/// Rules a [`RuleMask`] can hold.
pub const MASK_BITS: usize = 256;

/// A set of rules of one rule set, as bits (violated rules in a model state). Small and `Copy`
/// so stateright can hash it in every state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleMask([u64; MASK_BITS / 64]);

impl RuleMask {
    /// The empty set.
    pub const EMPTY: RuleMask = RuleMask([0; MASK_BITS / 64]);

    /// Adds a rule.
    pub fn insert<R: RuleId>(&mut self, r: R) {
        let i = r.index();
        self.0[i / 64] |= 1 << (i % 64);
    }

    /// Whether a rule is in the set.
    pub fn contains<R: RuleId>(&self, r: R) -> bool {
        let i = r.index();
        self.0[i / 64] & (1 << (i % 64)) != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    /// Adds every rule of another set.
    pub fn union(&mut self, other: RuleMask) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a |= b;
        }
    }

    /// The rules in the set, in catalog order.
    pub fn iter<R: RuleId>(self) -> impl Iterator<Item = R> {
        R::ALL.iter().copied().filter(move |r| self.contains(*r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ClientRid;
    use crate::rules::Rid;

    #[test]
    fn every_rule_set_fits_the_mask_and_indexes_densely() {
        fn dense<R: RuleId>() {
            assert!(R::ALL.len() <= MASK_BITS);
            for (i, r) in R::ALL.iter().enumerate() {
                assert_eq!(r.index(), i);
                assert_eq!(R::from_id(r.id()), Some(*r));
                assert!(crate::catalog::get(r.id()).is_some(), "{}", r.id());
            }
        }
        dense::<Rid>();
        dense::<ClientRid>();
    }

    #[test]
    fn mask_holds_rules_of_any_index() {
        let last = *Rid::ALL.last().expect("rules");
        let mut m = RuleMask::EMPTY;
        assert!(m.is_empty());
        m.insert(Rid::Tn1);
        m.insert(last);
        assert!(m.contains(Rid::Tn1) && m.contains(last) && !m.contains(Rid::Tn2));
        assert_eq!(m.iter::<Rid>().collect::<Vec<_>>(), vec![Rid::Tn1, last]);
        let mut n = RuleMask::EMPTY;
        n.insert(Rid::Tn2);
        n.union(m);
        assert_eq!(n.iter::<Rid>().count(), 3);
    }
}
