//! The transport rules xpcheck's monitors check, as a dense rule set ([`mod@crate::rule_set`]).
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

crate::rule_set! {
    /// A monitored transport rule (SPEC.md §2 groups LIFE..FLOW). The discriminant is its index.
    Rid;
    Life1 = "LIFE-1",
    Life2 = "LIFE-2",
    Life3 = "LIFE-3",
    Life4 = "LIFE-4",
    Life5 = "LIFE-5",
    Life7 = "LIFE-7",
    Life10 = "LIFE-10",
    Life11 = "LIFE-11",
    Life13 = "LIFE-13",
    Life16 = "LIFE-16",
    Life17 = "LIFE-17",
    Life18 = "LIFE-18",
    Life19 = "LIFE-19",
    Life20 = "LIFE-20",
    Life21 = "LIFE-21",
    Life22 = "LIFE-22",
    Life23 = "LIFE-23",
    Life27 = "LIFE-27",
    Life28 = "LIFE-28",
    Life29 = "LIFE-29",
    Life30 = "LIFE-30",
    Life31 = "LIFE-31",
    Life32 = "LIFE-32",
    Life33 = "LIFE-33",
    Life34 = "LIFE-34",
    Life35 = "LIFE-35",
    Life36 = "LIFE-36",
    Life37 = "LIFE-37",
    Tn1 = "TN-1",
    Tn2 = "TN-2",
    Tn3 = "TN-3",
    Tn4 = "TN-4",
    Tn5 = "TN-5",
    Tn6 = "TN-6",
    Tn7 = "TN-7",
    Tn8 = "TN-8",
    Tn10 = "TN-10",
    Tn12 = "TN-12",
    Tn13 = "TN-13",
    Tn14 = "TN-14",
    Tn15 = "TN-15",
    Tn16 = "TN-16",
    Tn17 = "TN-17",
    Tn18 = "TN-18",
    Tn19 = "TN-19",
    Tn20 = "TN-20",
    Tn21 = "TN-21",
    Tn22 = "TN-22",
    Tn23 = "TN-23",
    Tn24 = "TN-24",
    Tn25 = "TN-25",
    Tn26 = "TN-26",
    Tn27 = "TN-27",
    Sub1 = "SUB-1",
    Sub2 = "SUB-2",
    Sub3 = "SUB-3",
    Sub4 = "SUB-4",
    Sub5 = "SUB-5",
    Sub6 = "SUB-6",
    Sub7 = "SUB-7",
    Sub8 = "SUB-8",
    Sub9 = "SUB-9",
    Sub10 = "SUB-10",
    Sub11 = "SUB-11",
    Sub12 = "SUB-12",
    Em1 = "EM-1",
    Em2 = "EM-2",
    Em3 = "EM-3",
    Em4 = "EM-4",
    Em5 = "EM-5",
    Em6 = "EM-6",
    Sm1 = "SM-1",
    Sm2 = "SM-2",
    Sm3 = "SM-3",
    Sm4 = "SM-4",
    Sm5 = "SM-5",
    Sm7 = "SM-7",
    Sm8 = "SM-8",
    Sm9 = "SM-9",
    Sm10 = "SM-10",
    Sm11 = "SM-11",
    Sm13 = "SM-13",
    Sm14 = "SM-14",
    Poll1 = "POLL-1",
    Poll2 = "POLL-2",
    Poll3 = "POLL-3",
    Idle1 = "IDLE-1",
    Idle2 = "IDLE-2",
    Idle3 = "IDLE-3",
    Fq1 = "FQ-1",
    Fq2 = "FQ-2",
    Fq4 = "FQ-4",
    Fq5 = "FQ-5",
    Fq6 = "FQ-6",
    Fq7 = "FQ-7",
    Fq9 = "FQ-9",
    Fq10 = "FQ-10",
    Fq11 = "FQ-11",
    Fq12 = "FQ-12",
    Fq13 = "FQ-13",
    Fq14 = "FQ-14",
    Fq15 = "FQ-15",
    Fq16 = "FQ-16",
    Fq17 = "FQ-17",
    Vs1 = "VS-1",
    Vs2 = "VS-2",
    Vs5 = "VS-5",
    Vs6 = "VS-6",
    Vs7 = "VS-7",
    Vs8 = "VS-8",
    Vs9 = "VS-9",
    Vs10 = "VS-10",
    Vs11 = "VS-11",
    Vs12 = "VS-12",
    Stat1 = "STAT-1",
    Stat2 = "STAT-2",
    Stat3 = "STAT-3",
    Stat4 = "STAT-4",
    Stat6 = "STAT-6",
    Stat7 = "STAT-7",
    Stat11 = "STAT-11",
    Spn2 = "SPN-2",
    Spn3 = "SPN-3",
    Spn4 = "SPN-4",
    Spn5 = "SPN-5",
    Spn6 = "SPN-6",
    Spn7 = "SPN-7",
    Spn8 = "SPN-8",
    Spn9 = "SPN-9",
    Spn10 = "SPN-10",
    Spn11 = "SPN-11",
    Spn12 = "SPN-12",
    Yld1 = "YLD-1",
    Yld3 = "YLD-3",
    Yld4 = "YLD-4",
    Def1 = "DEF-1",
    Def2 = "DEF-2",
    Def4 = "DEF-4",
    Def5 = "DEF-5",
    Def6 = "DEF-6",
    Def7 = "DEF-7",
    Svc7 = "SVC-7",
    Flow1 = "FLOW-1",
    Flow4 = "FLOW-4",
    Flow10 = "FLOW-10",
    Flow11 = "FLOW-11",
    Flow12 = "FLOW-12",
    Flow13 = "FLOW-13",
    Flow14 = "FLOW-14",
    Flow15 = "FLOW-15",
    Flow17 = "FLOW-17",
}

impl Rid {
    /// How the rule is decided: TN-18 is a harness obligation (coverage); the rest are monitors.
    pub const fn kind(self) -> CheckKind {
        match self {
            Rid::Tn18 => CheckKind::Coverage,
            _ => CheckKind::Monitor,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_monitored_rule_is_in_the_catalog() {
        for r in Rid::ALL {
            assert!(
                crate::catalog::get(r.id()).is_some(),
                "{} not in catalog",
                r.id()
            );
            assert_eq!(Rid::from_id(r.id()), Some(*r));
        }
        assert_eq!(Rid::Tn18.kind(), CheckKind::Coverage);
        assert_eq!(Rid::Tn19.kind(), CheckKind::Monitor);
    }
}
