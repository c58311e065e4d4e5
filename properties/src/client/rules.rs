//! The client-side rules the client monitors decide (LOGON-*, INIT-*, SVC-*, NOTIF-*), as a
//! dense enum whose index is the rule's bit in a `u64` violation mask.
//!
//! They are kept apart from [`crate::rules::Rid`] (the spooler <-> transport rules) so that a
//! transport run never lists client rules as `not_exercised`, and a session run never lists
//! transport rules. Two rules of these groups are not here because no client trace can decide
//! them: SVC-7 (a provider-side rule about dialogs in `XPProviderInit` under `MAPI_NT_SERVICE`,
//! decided on the provider side by LIFE-17's row of SPEC.md §5.2) and NOTIF-6 (thread safety of
//! provider objects, a property of real code for the loom engine).

use serde::Serialize;

use crate::judge::Severity;

/// Who carries the blame for a client-side finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientBlame {
    /// The MAPI client (an application or a Windows service) under test.
    Client,
    /// The MAPI subsystem (MAPI32: MAPILogonEx, MAPIInitialize, the notification engine).
    Mapi,
}

macro_rules! client_rules {
    ($($v:ident = $id:literal $sev:ident,)*) => {
        /// A monitored client-side rule. The discriminant is its bit in a violation mask.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[repr(u8)]
        #[allow(missing_docs)]
        pub enum ClientRid { $($v,)* }

        impl ClientRid {
            /// Every monitored client rule, in catalog order.
            pub const ALL: &'static [ClientRid] = &[$(ClientRid::$v,)*];

            /// The stable rule ID, e.g. `LOGON-13`.
            pub const fn id(self) -> &'static str {
                match self { $(ClientRid::$v => $id,)* }
            }

            /// How a failed check of this rule counts: errors for MUST and for the SHOULDs that a
            /// logon-time lint can state exactly (LOGON-4, LOGON-12), warnings for the two
            /// recommendations about threading and dispatch loops (INIT-5, NOTIF-4).
            pub const fn severity(self) -> Severity {
                match self { $(ClientRid::$v => Severity::$sev,)* }
            }
        }
    };
}

client_rules! {
    Logon1 = "LOGON-1" Error,
    Logon2 = "LOGON-2" Error,
    Logon3 = "LOGON-3" Error,
    Logon4 = "LOGON-4" Error,
    Logon5 = "LOGON-5" Error,
    Logon6 = "LOGON-6" Error,
    Logon7 = "LOGON-7" Error,
    Logon8 = "LOGON-8" Error,
    Logon9 = "LOGON-9" Error,
    Logon10 = "LOGON-10" Error,
    Logon11 = "LOGON-11" Error,
    Logon12 = "LOGON-12" Error,
    Logon13 = "LOGON-13" Error,
    Logon14 = "LOGON-14" Error,
    Logon15 = "LOGON-15" Error,
    Logon16 = "LOGON-16" Error,
    Logon17 = "LOGON-17" Error,
    Logon18 = "LOGON-18" Error,
    Init1 = "INIT-1" Error,
    Init2 = "INIT-2" Error,
    Init3 = "INIT-3" Error,
    Init4 = "INIT-4" Error,
    Init5 = "INIT-5" Warning,
    Init6 = "INIT-6" Error,
    Init7 = "INIT-7" Error,
    Init8 = "INIT-8" Error,
    Init9 = "INIT-9" Error,
    Init10 = "INIT-10" Error,
    Svc1 = "SVC-1" Error,
    Svc2 = "SVC-2" Error,
    Svc3 = "SVC-3" Error,
    Svc4 = "SVC-4" Error,
    Svc5 = "SVC-5" Error,
    Svc6 = "SVC-6" Error,
    Notif1 = "NOTIF-1" Error,
    Notif2 = "NOTIF-2" Error,
    Notif3 = "NOTIF-3" Error,
    Notif4 = "NOTIF-4" Warning,
    Notif5 = "NOTIF-5" Error,
}

/// Client rules of SPEC.md §2 that no client trace can decide, with the reason (README).
pub const UNDECIDED: &[(&str, &str)] = &[
    (
        "SVC-7",
        "provider-side: dialogs of a transport initialised with MAPI_NT_SERVICE happen inside \
         XPProviderInit/TransportLogon, which a service session never reaches (SVC-2, LOGON-10)",
    ),
    (
        "NOTIF-6",
        "thread safety of provider objects is a property of real code (loom engine), not of a \
         client trace",
    ),
];

impl ClientRid {
    /// Bit of this rule in a `u64` violation mask.
    pub const fn bit(self) -> u64 {
        1u64 << (self as u8)
    }

    /// Looks a monitored client rule up by ID.
    pub fn from_id(id: &str) -> Option<ClientRid> {
        ClientRid::ALL.iter().copied().find(|r| r.id() == id)
    }

    /// Rules in a violation mask, in catalog order.
    pub fn in_mask(mask: u64) -> impl Iterator<Item = ClientRid> {
        ClientRid::ALL
            .iter()
            .copied()
            .filter(move |r| mask & r.bit() != 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_client_rule_is_in_the_catalog_and_fits_the_mask() {
        assert!(ClientRid::ALL.len() <= 64);
        for r in ClientRid::ALL {
            assert!(crate::catalog::get(r.id()).is_some(), "{}", r.id());
            assert_eq!(ClientRid::from_id(r.id()), Some(*r));
        }
        for (id, _) in UNDECIDED {
            assert!(crate::catalog::get(id).is_some());
            assert!(ClientRid::from_id(id).is_none());
        }
        // LOGON 18 + INIT 10 + SVC 7 + NOTIF 6 = 41 rules, 2 undecided.
        assert_eq!(ClientRid::ALL.len() + UNDECIDED.len(), 41);
    }
}
