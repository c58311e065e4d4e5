//! A trace line read without building a JSON tree, in one pass: [`event`], the fast path of
//! `Validator::parse`, and [`top_level`], the duplicate check on every object of the line,
//! nested ones too — `serde_json::Value` keeps the last of two equal keys silently.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::MapDeserializer;
use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use smallvec::SmallVec;
use xpcheck_properties::event::{Body, Event, Thread};

/// The message prefix of a duplicate-key error.
const DUPLICATE: &str = "duplicate key";

/// Is `e` the duplicate-key error of [`top_level`]?
pub(super) fn is_duplicate(e: &serde_json::Error) -> bool {
    e.is_data() && e.to_string().starts_with(DUPLICATE)
}

/// The top-level keys of a JSON object line and its `event` name (if a string), checking every
/// object in it for duplicate keys. Any other error (not JSON, not an object) is for the full
/// parser to classify.
pub(super) fn top_level(text: &str) -> Result<TopLevel<'_>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let top = de.deserialize_map(TopKeys)?;
    de.end()?;
    Ok(top)
}

/// What [`top_level`] reads.
#[derive(Debug)]
pub(super) struct TopLevel<'a> {
    /// The keys, in order.
    pub(super) keys: Vec<Cow<'a, str>>,
    /// The value of `event`, when it is a string.
    pub(super) event: Option<Cow<'a, str>>,
}

struct TopKeys;

impl<'de> Visitor<'de> for TopKeys {
    type Value = TopLevel<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut top = TopLevel {
            keys: Vec::with_capacity(8),
            event: None,
        };
        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
            if top.keys.contains(&k) {
                return Err(de::Error::custom(format_args!("{DUPLICATE} `{k}`")));
            }
            if k == "event" {
                top.event = map.next_value::<Option<Key<'de>>>()?.map(|Key(e)| e);
            } else {
                map.next_value_seed(AnyValue)?;
            }
            top.keys.push(k);
        }
        Ok(top)
    }
}

/// A line read in one pass: its event and its top-level keys.
pub(super) struct Line<'a> {
    /// The keys, in order (`x_` extension fields included).
    pub(super) keys: SmallVec<[Cow<'a, str>; 12]>,
    /// The `event` name.
    pub(super) name: Cow<'a, str>,
    /// The event.
    pub(super) event: Event,
}

/// The event of a well-formed line, straight from its text: the top-level keys with their raw
/// values (a repeated key is a [`is_duplicate`] error), the header fields parsed from theirs,
/// `x_` fields skipped, and the body from the rest (the body's own `deny_unknown_fields`
/// applies, as it cannot under `#[serde(flatten)]`). Objects nested in a value are checked for
/// repeated keys too. Any error: the caller falls back to the full parser, which says what is
/// wrong.
pub(super) fn event(text: &str) -> Result<Line<'_>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let pairs = de.deserialize_map(RawPairs)?;
    de.end()?;
    let (mut v, mut seq, mut logon, mut thread, mut name) = (None, None, 0u8, None, None);
    let mut body: SmallVec<[(&str, &RawValue); 12]> = SmallVec::new();
    for (k, raw) in &pairs {
        match k.as_ref() {
            "v" => v = Some(serde_json::from_str::<u32>(raw.get())?),
            "seq" => seq = Some(serde_json::from_str::<u64>(raw.get())?),
            "logon" => logon = serde_json::from_str::<u8>(raw.get())?,
            "thread" => thread = Some(serde_json::from_str::<Thread>(raw.get())?),
            k if k.starts_with("x_") => {}
            k => {
                if k == "event" {
                    name = Some(serde_json::from_str::<Key<'_>>(raw.get())?.0);
                }
                if raw.get().starts_with('{') || raw.get().starts_with('[') {
                    let mut nested = serde_json::Deserializer::from_str(raw.get());
                    AnyValue.deserialize(&mut nested)?;
                }
                body.push((k, *raw));
            }
        }
    }
    let missing = |f: &'static str| de::Error::missing_field(f);
    let body = Body::deserialize(MapDeserializer::<_, serde_json::Error>::new(
        body.into_iter(),
    ))?;
    Ok(Line {
        keys: pairs.into_iter().map(|(k, _)| k).collect(),
        name: name.ok_or_else(|| missing("event"))?,
        event: Event {
            v: v.ok_or_else(|| missing("v"))?,
            seq: seq.ok_or_else(|| missing("seq"))?,
            logon,
            thread: thread.ok_or_else(|| missing("thread"))?,
            body,
        },
    })
}

type Pairs<'de> = SmallVec<[(Cow<'de, str>, &'de RawValue); 12]>;

/// The top-level (key, raw value) pairs of an object; a repeated key is an error.
struct RawPairs;

impl<'de> Visitor<'de> for RawPairs {
    type Value = Pairs<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut pairs = Pairs::new();
        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
            if pairs.iter().any(|(p, _)| *p == k) {
                return Err(de::Error::custom(format_args!("{DUPLICATE} `{k}`")));
            }
            let raw: &'de RawValue = map.next_value()?;
            pairs.push((k, raw));
        }
        Ok(pairs)
    }
}

/// A key, borrowed from the text when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_string())))
            }
        }
        d.deserialize_str(V)
    }
}

/// Collects the keys of one object, checking that none repeats and that its values have no
/// repeated keys either.
struct ObjectKeys;

impl<'de> Visitor<'de> for ObjectKeys {
    type Value = Vec<Cow<'de, str>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut keys: Vec<Cow<'de, str>> = Vec::with_capacity(8);
        while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
            if keys.contains(&k) {
                return Err(de::Error::custom(format_args!("{DUPLICATE} `{k}`")));
            }
            keys.push(k);
            map.next_value_seed(AnyValue)?;
        }
        Ok(keys)
    }
}

/// Any JSON value; objects inside are checked like the top level.
struct AnyValue;

impl<'de> DeserializeSeed<'de> for AnyValue {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AnyValue {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(AnyValue)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        ObjectKeys.visit_map(map).map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_in_order() {
        let t =
            top_level(r#"{"v":1,"seq":2,"event":"poll","data":{"msg_ref":3},"x_t":[1,{"a":2}]}"#)
                .unwrap();
        assert_eq!(t.keys, ["v", "seq", "event", "data", "x_t"]);
        assert_eq!(t.event.as_deref(), Some("poll"));
    }

    #[test]
    fn a_repeated_key_is_an_error_at_any_depth() {
        for text in [
            r#"{"v":1,"seq":2,"seq":3}"#,
            r#"{"v":1,"data":{"msg_ref":1,"msg_ref":2}}"#,
            r#"{"v":1,"x_list":[{"a":1,"a":1}]}"#,
        ] {
            let e = top_level(text).expect_err(text);
            assert!(is_duplicate(&e), "{e}");
        }
    }

    #[test]
    fn escaped_keys_compare_by_value() {
        let e = top_level(r#"{"seq":1,"s\u0065q":2}"#).expect_err("same key");
        assert!(is_duplicate(&e), "{e}");
    }

    #[test]
    fn the_one_pass_event_is_the_full_parsers_event() {
        for text in [
            r#"{"v":1,"seq":0,"thread":"spooler","event":"transport_logon","flags":"LOGON_NO_INBOUND|LOGON_NO_OUTBOUND"}"#,
            r#"{"v":1,"seq":7,"logon":3,"thread":"notify","event":"transport_notify","flags":"NOTIFY_CANCEL_MESSAGE","data":{"msg_ref":7}}"#,
            r#"{"v":1,"seq":9,"thread":"spooler","event":"return","method":"SubmitMessage","hr":"MAPI_E_USER_CANCEL","msg_ref":7}"#,
            r#"{"seq":12,"v":1,"thread":"spooler","event":"set_responsibility","msg":1,"x_time_us":1520}"#,
            r#"{"v":1,"seq":3,"thread":"spooler","event":"poll"}"#,
            r#"{"v":1,"seq":4,"thread":"client2","event":"return","method":"Poll","hr":0,"incoming":1}"#,
        ] {
            let fast = event(text).expect(text).event;
            let full = super::super::parse_line(1, text, true).expect(text);
            assert_eq!(fast, full, "{text}");
        }
    }

    #[test]
    fn an_unknown_field_fails_the_one_pass_read() {
        // The body's deny_unknown_fields applies here (the full parser then names the field).
        let text = r#"{"v":1,"seq":0,"thread":"spooler","event":"end_message","msg_ref":1,"colour":"red"}"#;
        assert!(event(text).is_err());
        assert!(super::super::parse_line(1, text, true).is_err());
    }

    #[test]
    fn not_an_object_is_left_to_the_full_parser() {
        for text in ["[1]", "{", "3", r#"{"v":}"#] {
            let e = top_level(text).expect_err(text);
            assert!(!is_duplicate(&e), "{e}");
        }
    }
}
