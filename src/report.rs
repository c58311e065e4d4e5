//! Run reports: one type for every engine ([`Report`]), rendered as text, JSON, Markdown,
//! Mermaid or a text chart. The type lives in the library crate `xpcheck-properties` so every
//! engine, the CLI and a provider author's tests share it.

pub use xpcheck_properties::report::*;
