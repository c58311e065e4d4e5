//! The client-side rules the client monitors decide (STAT-9, LOGON-*, INIT-*, SVC-*, NOTIF-*),
//! as a dense enum whose index is the rule's bit in a `u64` violation mask.
//!
//! They are kept apart from [`crate::rules::Rid`] (the spooler <-> transport rules) so that a
//! transport run never lists client rules as `not_exercised`, and a session run never lists
//! transport rules. Two rules of these groups are not here: SVC-7 (no dialogs in a transport
//! initialised with `MAPI_NT_SERVICE`) is a provider-side rule the transport monitors check
//! ([`crate::rules::Rid::Svc7`]), and no client trace can decide NOTIF-6 (thread safety of
//! provider objects, a property of real code for the loom engine).

crate::rule_set! {
    /// A monitored client-side rule. The discriminant is its index in a violation mask.
    ClientRid;
    Stat9 = "STAT-9",
    Logon1 = "LOGON-1",
    Logon2 = "LOGON-2",
    Logon3 = "LOGON-3",
    Logon4 = "LOGON-4",
    Logon5 = "LOGON-5",
    Logon6 = "LOGON-6",
    Logon7 = "LOGON-7",
    Logon8 = "LOGON-8",
    Logon9 = "LOGON-9",
    Logon10 = "LOGON-10",
    Logon11 = "LOGON-11",
    Logon12 = "LOGON-12",
    Logon13 = "LOGON-13",
    Logon14 = "LOGON-14",
    Logon15 = "LOGON-15",
    Logon16 = "LOGON-16",
    Logon17 = "LOGON-17",
    Logon18 = "LOGON-18",
    Init1 = "INIT-1",
    Init2 = "INIT-2",
    Init3 = "INIT-3",
    Init4 = "INIT-4",
    Init5 = "INIT-5",
    Init6 = "INIT-6",
    Init7 = "INIT-7",
    Init8 = "INIT-8",
    Init9 = "INIT-9",
    Init10 = "INIT-10",
    Svc1 = "SVC-1",
    Svc2 = "SVC-2",
    Svc3 = "SVC-3",
    Svc4 = "SVC-4",
    Svc5 = "SVC-5",
    Svc6 = "SVC-6",
    Notif1 = "NOTIF-1",
    Notif2 = "NOTIF-2",
    Notif3 = "NOTIF-3",
    Notif4 = "NOTIF-4",
    Notif5 = "NOTIF-5",
}

/// Client rules of SPEC.md §2 that no client trace can decide, with the reason (README).
pub const UNDECIDED: &[(&str, &str)] = &[(
    "NOTIF-6",
    "thread safety of provider objects is a property of real code (loom engine), not of a \
         client trace",
)];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_client_rule_is_in_the_catalog_and_fits_the_mask() {
        for r in ClientRid::ALL {
            assert!(crate::catalog::get(r.id()).is_some(), "{}", r.id());
            assert_eq!(ClientRid::from_id(r.id()), Some(*r));
        }
        for (id, _) in UNDECIDED {
            assert!(crate::catalog::get(id).is_some());
            assert!(ClientRid::from_id(id).is_none());
        }
        // LOGON 18 + INIT 10 + SVC 7 + NOTIF 6 = 41 rules: 1 undecided, and SVC-7 is a
        // transport rule; STAT-9 (IMAPISession::GetStatusTable) is the one STAT rule here.
        assert!(ClientRid::from_id("SVC-7").is_none());
        assert!(crate::rules::Rid::from_id("SVC-7").is_some());
        assert!(crate::rules::Rid::from_id("STAT-9").is_none());
        assert_eq!(ClientRid::ALL.len() + UNDECIDED.len() + 1, 41 + 1);
    }
}
