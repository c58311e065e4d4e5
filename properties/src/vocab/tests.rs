//! Behaviour shared by every flag word: single-bit names, unknown-bit retention, describe/parse
//! round trips, parse errors and serde.

use serde::{Deserialize, Serialize};

use super::*;

/// Checks the invariants that `describe` relies on for one flag type.
fn check_type<T: FlagWord + std::fmt::Debug + std::fmt::Display + std::str::FromStr>()
where
    <T as std::str::FromStr>::Err: std::fmt::Debug,
{
    let mut seen = 0u32;
    for flag in T::FLAGS {
        let v = flag.value().bits();
        assert!(
            v.is_power_of_two(),
            "{}::{} is not one bit",
            T::TYPE_NAME,
            flag.name()
        );
        assert_eq!(
            seen & v,
            0,
            "{}::{} overlaps another flag",
            T::TYPE_NAME,
            flag.name()
        );
        seen |= v;
        assert_eq!(T::parse(flag.name()).unwrap().raw(), v);
        assert_eq!(T::from_raw(v).describe(), flag.name());
    }
    assert_eq!(T::all().raw(), seen);
    for raw in [
        0,
        1,
        0x100,
        0x8000_0000,
        0xFFFF_FFFF,
        seen,
        !seen,
        0x0042_1011,
    ] {
        let word = T::from_raw(raw);
        assert_eq!(word.raw(), raw, "{} dropped bits", T::TYPE_NAME);
        assert_eq!(word.unknown_bits(), raw & !seen);
        let text = word.describe();
        assert_eq!(T::parse(&text).unwrap().raw(), raw, "{text}");
        assert_eq!(word.to_string(), text);
        assert_eq!(text.parse::<T>().unwrap().raw(), raw);
    }
}

#[test]
fn every_flag_type_is_consistent() {
    check_type::<TransportNotifyFlags>();
    check_type::<SpoolerNotifyFlags>();
    check_type::<StatusRowFlags>();
    check_type::<LogonFlags>();
    check_type::<LogoffFlags>();
    check_type::<StoreLogoffFlags>();
    check_type::<DeinitFlags>();
    check_type::<SubmitFlags>();
    check_type::<EndMessageFlags>();
    check_type::<StatusCode>();
    check_type::<ResourceMethods>();
    check_type::<FlushFlags>();
    check_type::<ValidateStateFlags>();
    check_type::<MapiLogonFlags>();
    check_type::<MapiInitFlags>();
}

#[test]
fn describe_empty_and_unknown_only() {
    assert_eq!(TransportNotifyFlags::empty().describe(), "0");
    assert_eq!(
        TransportNotifyFlags::from_raw(0x0000_0300).describe(),
        "0x00000300"
    );
    assert_eq!(
        TransportNotifyFlags::parse("0").unwrap(),
        TransportNotifyFlags::empty()
    );
}

#[test]
fn parse_accepts_names_hex_decimal_and_whitespace() {
    let f = TransportNotifyFlags::parse(" NOTIFY_BEGIN_INBOUND |0x00020000| 256 ").unwrap();
    assert_eq!(f.raw(), 0x0002_0101);
    assert_eq!(
        f.describe(),
        "NOTIFY_BEGIN_INBOUND|NOTIFY_END_OUTBOUND|0x00000100"
    );
    assert_eq!(TransportNotifyFlags::parse("0x1|0x1").unwrap().raw(), 1);
    assert_eq!(
        TransportNotifyFlags::parse("0X80000000").unwrap(),
        TransportNotifyFlags::NOTIFY_CANCEL_MESSAGE
    );
}

#[test]
fn parse_errors() {
    assert_eq!(
        TransportNotifyFlags::parse("NOTIFY_BEGIN_INBOUND|NOTIFY_NEWMAIL"),
        Err(VocabError::UnknownFlag {
            name: "NOTIFY_NEWMAIL".into(),
            type_name: "TransportNotifyFlags"
        })
    );
    assert_eq!(
        SpoolerNotifyFlags::parse("notify_newmail"),
        Err(VocabError::UnknownFlag {
            name: "notify_newmail".into(),
            type_name: "SpoolerNotifyFlags"
        })
    );
    assert_eq!(
        FlushFlags::parse("FLUSH_UPLOAD|0xG"),
        Err(VocabError::InvalidNumber {
            text: "0xG".into(),
            type_name: "FlushFlags"
        })
    );
    assert_eq!(
        FlushFlags::parse("4294967296"),
        Err(VocabError::InvalidNumber {
            text: "4294967296".into(),
            type_name: "FlushFlags"
        })
    );
    for empty in ["", "   ", "|", "FLUSH_UPLOAD||FLUSH_NO_UI", "FLUSH_UPLOAD|"] {
        assert_eq!(
            FlushFlags::parse(empty),
            Err(VocabError::Empty {
                type_name: "FlushFlags"
            }),
            "{empty:?}"
        );
    }
    let msg = LogonFlags::parse("LOGON_BOGUS").unwrap_err().to_string();
    assert_eq!(msg, "unknown flag `LOGON_BOGUS` for LogonFlags");
}

/// A record shaped like a trace event, to check the serde forms inside a derived struct.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Call {
    flags: TransportNotifyFlags,
    out: EndMessageFlags,
    hr: HResult,
}

#[test]
fn serde_in_a_struct() {
    let call = Call {
        flags: TransportNotifyFlags::NOTIFY_END_INBOUND
            | TransportNotifyFlags::NOTIFY_BEGIN_OUTBOUND,
        out: EndMessageFlags::from_raw(0x0100_0000),
        hr: HResult::MAPI_W_CANCEL_MESSAGE,
    };
    let json = serde_json::to_string(&call).unwrap();
    assert_eq!(
        json,
        r#"{"flags":"0x00010002","out":"0x01000000","hr":"0x00040580"}"#
    );
    assert_eq!(serde_json::from_str::<Call>(&json).unwrap(), call);
    let mixed = r#"{"flags":"NOTIFY_END_INBOUND|NOTIFY_BEGIN_OUTBOUND","out":16777216,"hr":"MAPI_W_CANCEL_MESSAGE"}"#;
    assert_eq!(serde_json::from_str::<Call>(mixed).unwrap(), call);
}

#[test]
fn serde_integer_forms_and_errors() {
    type F = ValidateStateFlags;
    assert_eq!(
        serde_json::from_str::<F>("4294967295").unwrap().raw(),
        u32::MAX
    );
    assert_eq!(serde_json::from_str::<F>("-1").unwrap().raw(), u32::MAX);
    assert!(serde_json::from_str::<F>("4294967296").is_err());
    assert!(serde_json::from_str::<F>("-2147483649").is_err());
    assert!(serde_json::from_str::<F>("true").is_err());
    assert!(serde_json::from_str::<F>("null").is_err());
    assert!(serde_json::from_str::<F>("1.0").is_err());
    let err = serde_json::from_str::<F>("\"SUPPRESS_UI|NO_SUCH_FLAG\"")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("NO_SUCH_FLAG") && err.contains("ValidateStateFlags"),
        "{err}"
    );
}
