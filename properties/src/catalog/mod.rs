//! The rule catalog: every rule of `SPEC.md` §2 with its force, bearer, origin and a one-line
//! summary in our own words. Rule IDs are stable; everything else in xpcheck cites them.

mod table;
mod unchecked;

use serde::Serialize;

/// Modal force of a rule, as implied by the wording of its source page (SPEC.md conventions).
/// Where a rule names several obligations ("MUST spooler / SHOULD provider") this is the
/// strongest one; the full wording is kept in [`Rule::terms`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Force {
    /// "must", "is required", or a descriptive guarantee the harness may rely on.
    Must,
    /// "must not", "never".
    MustNot,
    /// "should", "is expected".
    Should,
    /// "should not".
    ShouldNot,
    /// "can", "may", "is allowed": a permission, nothing to violate.
    May,
}

/// Who carries the obligation (the first bearer named by the rule; see [`Rule::terms`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bearer {
    /// The transport provider under test.
    Provider,
    /// The MAPI spooler (in xpcheck: the harness's conforming spooler).
    Spooler,
    /// A MAPI client (MAPILogonEx, MAPIInitialize callers, services).
    Client,
    /// The MAPI subsystem: support object, MAPI32 runtime.
    Mapi,
    /// A message store provider.
    Store,
}

/// Which documentation page a rule comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// One of the five seed pages.
    Seed,
    /// Any other page.
    Ext,
}

/// One numbered rule of the contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Stable identifier, e.g. `TN-19`.
    pub id: &'static str,
    /// Strongest modal force of the rule.
    pub force: Force,
    /// First bearer named by the rule.
    pub bearer: Bearer,
    /// Seed page or extension page.
    pub origin: Origin,
    /// The rule's force/bearer wording as written in SPEC.md, e.g. `MUST spooler / SHOULD provider`.
    pub terms: &'static str,
    /// One line in our own words.
    pub summary: &'static str,
}

/// Every rule of SPEC.md §2, in document order.
pub fn all() -> &'static [Rule] {
    table::RULES
}

/// Looks a rule up by its ID.
pub fn get(id: &str) -> Option<&'static Rule> {
    table::RULES.iter().find(|r| r.id == id)
}

/// Why no engine checks a rule: a definition, a permission or informative text, or not
/// observable at the provider boundary (and what would make it observable). `None` for a rule
/// some monitor checks.
pub fn unchecked_reason(id: &str) -> Option<&'static str> {
    unchecked::UNCHECKED
        .iter()
        .find(|(r, _)| *r == id)
        .map(|(_, why)| *why)
}

/// Whether a monitor of some rule set checks the rule.
pub fn is_monitored(id: &str) -> bool {
    crate::rules::Rid::from_id(id).is_some() || crate::client::ClientRid::from_id(id).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_has_every_spec_rule_once() {
        let rules = all();
        assert_eq!(rules.len(), 231, "SPEC.md §2 numbers 231 rules");
        let mut ids: Vec<_> = rules.iter().map(|r| r.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 231, "rule IDs are unique");
        assert_eq!(
            rules.iter().filter(|r| r.origin == Origin::Seed).count(),
            68
        );
    }

    #[test]
    fn unchecked_reasons_name_catalog_rules_that_no_monitor_checks() {
        for (id, why) in unchecked::UNCHECKED {
            assert!(get(id).is_some(), "{id} is not in the catalog");
            assert!(!why.is_empty());
            assert!(!is_monitored(id), "{id} has a monitor and a reason");
        }
    }

    #[test]
    fn lookup_by_id() {
        let r = get("TN-19").expect("TN-19 is in the catalog");
        assert_eq!(r.force, Force::Must);
        assert_eq!(r.bearer, Bearer::Provider);
        assert_eq!(r.origin, Origin::Seed);
        assert!(get("TN-99").is_none());
    }
}
