//! `xpcheck validate FILE`: the monitors over a recorded JSON Lines trace (`"v": 1`) that a
//! provider in any language logged (DESIGN.md "Recorded traces"; the format is in the README).
//!
//! The file is streamed: one line at a time, each at most [`MAX_LINE_BYTES`], so memory stays
//! bounded whatever the file's size. Per event the reader checks the version (`"v": 1`), the
//! event name and its fields, that `seq` increases, and that returns match open calls; any of
//! these failing is an [`InputError`] naming the line (the CLI exits 2). Well-formed events go
//! to the same monitors every engine uses, one [`Session`] per `logon` index (0..=15); a
//! `TransportLogon` on an index whose logon has ended (TransportLogoff returned, or
//! TransportLogon failed) and has no call open starts a fresh session there.
//!
//! Kept per run, all bounded: checks, errors and warnings per rule, the first
//! [`MAX_FINDINGS`] findings, and for each violated rule the last [`WINDOW`] events up to its
//! first violation (the counterexample).

use std::collections::VecDeque;
use std::io::{BufRead, ErrorKind};
use std::time::Instant;

use xpcheck_properties::event::{Event, TRACE_FORMAT_VERSION};
use xpcheck_properties::judge::session::Life;
use xpcheck_properties::judge::{
    observe_event, Finding, ProviderState, Session, Settings, Severity, Sink, TraceError, Violation,
};
use xpcheck_properties::rules::Rid;

mod keys;

use crate::report::{Counterexample, Report, Stats, Tally as ReportTally};

/// Longest accepted line in bytes (1 MiB); a longer line is an error naming it.
pub const MAX_LINE_BYTES: usize = 1 << 20;
/// Events kept before a violation for its counterexample.
pub const WINDOW: usize = 64;
/// Findings kept in the report (counts per rule cover all of them).
pub const MAX_FINDINGS: usize = 1000;
/// Highest `logon` index (16 transport logons).
pub const MAX_LOGON: u8 = 15;

/// Why a trace cannot be judged: bad input, with the line it is on (exit code 2).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {kind}")]
pub struct InputError {
    /// 1-based line number.
    pub line: u64,
    /// What is wrong.
    pub kind: InputErrorKind,
}

/// What is wrong with a line of a recorded trace.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InputErrorKind {
    /// Reading the file failed.
    #[error("read error: {0}")]
    Io(String),
    /// The line is longer than [`MAX_LINE_BYTES`].
    #[error("line longer than {limit} bytes (a trace line is one event)")]
    LineTooLong {
        /// The limit.
        limit: usize,
    },
    /// The line is not UTF-8.
    #[error("not UTF-8 text")]
    NotUtf8,
    /// The line is not JSON.
    #[error("bad JSON: {0}")]
    BadJson(String),
    /// The last line ends without a newline in the middle of a JSON value.
    #[error(
        "truncated: the file ends inside this line's JSON object (no closing brace, no newline)"
    )]
    Truncated,
    /// The line is JSON but not an object.
    #[error("not a JSON object (each line is one event object)")]
    NotObject,
    /// No `v` field.
    #[error("missing field `v` (the trace format version; this xpcheck reads \"v\": 1)")]
    MissingVersion,
    /// A `v` other than 1.
    #[error("unsupported trace format version {found} (this xpcheck reads \"v\": 1)")]
    Version {
        /// The `v` found, as JSON.
        found: String,
    },
    /// An `event` name that is not in the format.
    #[error("unknown event {name:?} (see the README's list of events)")]
    UnknownEvent {
        /// The name.
        name: String,
    },
    /// A required field is absent.
    #[error("missing field `{field}`")]
    MissingField {
        /// The field.
        field: String,
    },
    /// A field has the wrong type or value, or is not part of the event.
    #[error("bad field: {0}")]
    BadField(String),
    /// `seq` did not increase.
    #[error("seq {found} does not increase (the previous event has seq {previous})")]
    Sequence {
        /// seq of the previous event.
        previous: u64,
        /// seq of this one.
        found: u64,
    },
    /// `logon` above [`MAX_LOGON`].
    #[error("logon index {0} is above the supported maximum 15")]
    Logon(u8),
    /// The events cannot happen in this order (a return without its call).
    #[error("impossible trace: {0}")]
    Shape(TraceError),
    /// No event in the file.
    #[error("empty trace: no events")]
    Empty,
    /// An object has the same key twice (JSON leaves it open which one counts).
    #[error("{0}: each key may appear once in an object")]
    DuplicateKey(String),
}

fn err(line: u64, kind: InputErrorKind) -> InputError {
    InputError { line, kind }
}

/// Counts per rule and the bounded list of findings.
#[derive(Clone, Debug)]
struct Tally {
    checks: Vec<u64>,
    errors: Vec<u64>,
    warnings: Vec<u64>,
    kept: Vec<Finding>,
    total: u64,
    /// Findings of the event being judged.
    current: Vec<Finding>,
}

impl Tally {
    fn new() -> Tally {
        let n = Rid::ALL.len();
        Tally {
            checks: vec![0; n],
            errors: vec![0; n],
            warnings: vec![0; n],
            kept: Vec::new(),
            total: 0,
            current: Vec::new(),
        }
    }
}

impl Sink<Rid> for Tally {
    fn checked(&mut self, rule: Rid) {
        self.checks[rule as usize] += 1;
    }
    fn violated(&mut self, v: Violation<'_, Rid>) {
        match v.severity {
            Severity::Error => self.errors[v.rule as usize] += 1,
            Severity::Warning => self.warnings[v.rule as usize] += 1,
        }
        self.total += 1;
        self.current.push(Finding::from_violation(v));
    }
}

/// A counterexample found in a recorded trace.
#[derive(Clone, Debug)]
struct Found {
    rule: Rid,
    line: u64,
    events: Vec<Event>,
    findings: Vec<Finding>,
}

/// Streaming judge of a recorded trace: feed it lines, then [`Validator::finish`].
#[derive(Clone, Debug)]
pub struct Validator {
    settings: Settings,
    provider: ProviderState,
    sessions: Vec<Session>,
    tally: Tally,
    window: VecDeque<Event>,
    found: Vec<Found>,
    last_seq: Option<u64>,
    lines: u64,
    events: u64,
    parser: Parser,
    interrupted: bool,
}

/// Turns a trace line into an event; keeps what speeds up the next lines.
#[derive(Clone, Debug, Default)]
struct Parser {
    /// Per event name, the keys its events are known to have (learnt from the full check).
    known: Vec<(String, Vec<String>)>,
}

impl Parser {
    /// One line (without its newline) to an event, `None` for a blank line; see
    /// [`Validator::feed`].
    fn parse_bytes(
        &mut self,
        line: u64,
        bytes: &[u8],
        complete: bool,
    ) -> Result<Option<Event>, InputError> {
        let mut bytes = bytes;
        if line == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        let text = std::str::from_utf8(bytes).map_err(|_| err(line, InputErrorKind::NotUtf8))?;
        if text.trim().is_empty() {
            return Ok(None);
        }
        self.parse(line, text, complete).map(Some)
    }

    /// Parses one non-blank line: first a scan of its keys (duplicates are an error, in nested
    /// objects too), then the event straight from the text when every key is one its event is
    /// known to have; otherwise, and for every error, [`parse_line`], which classifies what is
    /// wrong and learns the keys of a well-formed event.
    fn parse(&mut self, line: u64, text: &str, complete: bool) -> Result<Event, InputError> {
        let line_read = match keys::event(text) {
            Ok(l) => Some(l),
            Err(e) if keys::is_duplicate(&e) => {
                return Err(err(line, InputErrorKind::DuplicateKey(strip_position(&e))))
            }
            Err(_) => None,
        };
        if let Some(l) = &line_read {
            let known = self
                .known
                .iter()
                .find(|(n, _)| *n == l.name)
                .map(|(_, k)| k);
            let plain = |k: &str| matches!(k, "v" | "seq" | "logon" | "thread" | "event");
            // A key the event is not known to have (extension fields included) takes the full
            // path, which checks it against the event's fields.
            let fast = known.is_some_and(|set| {
                l.keys
                    .iter()
                    .all(|k| plain(k) || set.iter().any(|s| s == k))
            });
            if fast && l.event.v == TRACE_FORMAT_VERSION {
                return Ok(l.event);
            }
        } else if let Err(e) = keys::top_level(text) {
            // Not well-formed: still, a repeated key anywhere is named as such.
            if keys::is_duplicate(&e) {
                return Err(err(line, InputErrorKind::DuplicateKey(strip_position(&e))));
            }
        }
        let ev = parse_line(line, text, complete)?;
        // Well-formed: remember the keys its re-serialisation has (true fields of the event).
        if let Ok(serde_json::Value::Object(back)) = serde_json::to_value(ev) {
            let name = back.get("event").and_then(|n| n.as_str()).unwrap_or("");
            let i = match self.known.iter().position(|(n, _)| n == name) {
                Some(i) => i,
                None => {
                    self.known.push((name.to_string(), Vec::new()));
                    self.known.len() - 1
                }
            };
            let set = &mut self.known[i].1;
            for k in back.keys() {
                if !set.contains(k) {
                    set.push(k.clone());
                }
            }
        }
        Ok(ev)
    }
}

/// What a complete trace gave.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// Lines read.
    pub lines: u64,
    /// Events judged.
    pub events: u64,
    /// Logon indices seen.
    pub logons: usize,
    /// Checks per rule (`Rid as usize`).
    pub checks: Vec<u64>,
    /// Errors per rule.
    pub errors: Vec<u64>,
    /// Warnings per rule.
    pub warnings: Vec<u64>,
    /// The first [`MAX_FINDINGS`] findings.
    pub findings: Vec<Finding>,
    /// All findings, kept or not.
    pub total_findings: u64,
    /// Per violated rule, in the order found: (rule, line, window of events, findings there).
    counterexamples: Vec<Found>,
    /// Calls still open when the trace ended: (logon, thread, method).
    pub open_calls: Vec<String>,
    /// Logons that never finished TransportLogoff, with what they still owed (due by then,
    /// not judged).
    pub not_logged_off: Vec<(u8, Vec<String>)>,
    /// Settled outbound messages forgotten to keep memory bounded (`SETTLED_KEPT`).
    pub forgotten: u64,
    /// An interrupt stopped the reading before the end of the trace.
    pub interrupted: bool,
}

impl Validator {
    /// A validator with the given strict/lenient settings.
    pub fn new(settings: Settings) -> Validator {
        Validator {
            settings,
            provider: ProviderState::default(),
            sessions: Vec::new(),
            tally: Tally::new(),
            window: VecDeque::with_capacity(WINDOW),
            found: Vec::new(),
            last_seq: None,
            lines: 0,
            events: 0,
            parser: Parser::default(),
            interrupted: false,
        }
    }

    /// Judges one line (without its newline). `line` is its 1-based number; `complete` says
    /// whether a newline ended it (a last line without one that does not parse is
    /// [`InputErrorKind::Truncated`]). Blank lines are skipped; a `\r` before the newline and a
    /// UTF-8 byte-order mark on the first line are accepted.
    pub fn feed(&mut self, line: u64, bytes: &[u8], complete: bool) -> Result<(), InputError> {
        self.lines = line;
        match self.parser.parse_bytes(line, bytes, complete)? {
            Some(ev) => self.judge(line, ev),
            None => Ok(()),
        }
    }

    fn judge(&mut self, line: u64, ev: Event) -> Result<(), InputError> {
        if let Some(previous) = self.last_seq {
            if ev.seq <= previous {
                return Err(err(
                    line,
                    InputErrorKind::Sequence {
                        previous,
                        found: ev.seq,
                    },
                ));
            }
        }
        if ev.logon > MAX_LOGON {
            return Err(err(line, InputErrorKind::Logon(ev.logon)));
        }
        let i = ev.logon as usize;
        if self.sessions.len() <= i {
            self.sessions.resize_with(i + 1, Session::default);
        }
        self.tally.current.clear();
        // A TransportLogon on an index whose logon is over starts a new IXPLogon there.
        observe_event(
            &mut self.provider,
            &mut self.sessions[i],
            &self.settings,
            &ev,
            &mut self.tally,
        )
        .map_err(|e| err(line, InputErrorKind::Shape(e)))?;
        self.last_seq = Some(ev.seq);
        self.events += 1;
        if self.window.len() == WINDOW {
            self.window.pop_front();
        }
        self.window.push_back(ev);
        if !self.tally.current.is_empty() {
            for f in &self.tally.current {
                let Some(rule) = Rid::from_id(f.rule) else {
                    continue;
                };
                if f.severity == Severity::Error && !self.found.iter().any(|x| x.rule == rule) {
                    self.found.push(Found {
                        rule,
                        line,
                        events: self.window.iter().copied().collect(),
                        findings: self.tally.current.clone(),
                    });
                }
            }
            let room = MAX_FINDINGS.saturating_sub(self.tally.kept.len());
            let take = room.min(self.tally.current.len());
            self.tally
                .kept
                .extend(self.tally.current.drain(..).take(take));
        }
        Ok(())
    }

    /// Ends the trace: an empty trace is an error; otherwise the counts, findings,
    /// counterexamples and what was still pending.
    pub fn finish(self) -> Result<Outcome, InputError> {
        if self.events == 0 && !self.interrupted {
            return Err(err(self.lines.max(1), InputErrorKind::Empty));
        }
        let mut open_calls = Vec::new();
        let mut not_logged_off = Vec::new();
        for (i, s) in self.sessions.iter().enumerate() {
            for f in s.frames.iter() {
                open_calls.push(format!(
                    "logon {i}: {:?} on thread {} never returned",
                    f.method,
                    f.thread.name()
                ));
            }
            if !matches!(s.life, Life::Idle | Life::Gone) && !s.track.released {
                not_logged_off.push((i as u8, s.open_obligations()));
            }
        }
        Ok(Outcome {
            lines: self.lines,
            events: self.events,
            logons: self
                .sessions
                .iter()
                .filter(|s| *s != &Session::default())
                .count(),
            checks: self.tally.checks,
            errors: self.tally.errors,
            warnings: self.tally.warnings,
            findings: self.tally.kept,
            total_findings: self.tally.total,
            counterexamples: self.found,
            open_calls,
            not_logged_off,
            forgotten: self.sessions.iter().map(|s| s.forgotten).sum(),
            interrupted: self.interrupted,
        })
    }

    /// Stops judging here (an interrupt): [`Validator::finish`] then reports what was judged,
    /// and the verdict is `incomplete`.
    pub fn interrupt(&mut self) {
        self.interrupted = true;
    }
}

fn strip_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rsplit_once(" at line ") {
        Some((head, _)) => format!("{head} (column {})", e.column()),
        None => s,
    }
}

/// Parses one non-blank line into an event, classifying what is wrong.
pub fn parse_line(line: u64, text: &str, complete: bool) -> Result<Event, InputError> {
    let mut value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        if !complete && e.is_eof() {
            err(line, InputErrorKind::Truncated)
        } else {
            err(line, InputErrorKind::BadJson(strip_position(&e)))
        }
    })?;
    let obj = value
        .as_object()
        .ok_or_else(|| err(line, InputErrorKind::NotObject))?;
    match obj.get("v") {
        None => return Err(err(line, InputErrorKind::MissingVersion)),
        Some(v) if v.as_u64() == Some(u64::from(TRACE_FORMAT_VERSION)) => {}
        Some(v) => {
            let found = shorten(v.to_string(), 40);
            return Err(err(line, InputErrorKind::Version { found }));
        }
    }
    let name = match obj.get("event") {
        None => {
            return Err(err(
                line,
                InputErrorKind::MissingField {
                    field: "event".into(),
                },
            ))
        }
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(_) => {
            return Err(err(
                line,
                InputErrorKind::BadField("`event` must be a string".into()),
            ))
        }
    };
    if let Some(obj) = value.as_object_mut() {
        // Extension fields (timestamps, OS thread ids, ...) are the proxy's business.
        obj.retain(|k, _| !k.starts_with("x_"));
        check_ranges(line, obj)?;
    }
    let ev = serde_json::from_value::<Event>(value.clone()).map_err(|e| {
        let msg = strip_position(&e);
        let kind = if msg.starts_with(&format!("unknown variant `{name}`")) {
            InputErrorKind::UnknownEvent {
                name: shorten(name.clone(), 60),
            }
        } else if let Some(field) = msg
            .strip_prefix("missing field `")
            .and_then(|r| r.split('`').next())
        {
            InputErrorKind::MissingField {
                field: field.to_string(),
            }
        } else if let Some(field) = msg
            .strip_prefix("unknown field `")
            .and_then(|r| r.split('`').next())
        {
            InputErrorKind::BadField(format!(
                "unknown field `{field}` in a `{name}` event (extension fields must start with `x_`)"
            ))
        } else {
            InputErrorKind::BadField(msg)
        };
        err(line, kind)
    })?;
    // Flattened enums cannot deny unknown fields themselves: a field the event does not have
    // is one its re-serialisation lacks (fields omitted when at their default excepted).
    if let (Some(obj), Ok(serde_json::Value::Object(back))) =
        (value.as_object(), serde_json::to_value(ev))
    {
        if let Some(k) = obj
            .iter()
            .find(|(k, v)| {
                // Written only when set: `logon` 0, optional fields null, boolean fields false.
                let default = v.is_null() || *v == &serde_json::Value::Bool(false) || *k == "logon";
                !back.contains_key(*k) && !default
            })
            .map(|(k, _)| k)
        {
            return Err(err(
                line,
                InputErrorKind::BadField(format!(
                    "unknown field `{}` in a `{name}` event (extension fields must start with `x_`)",
                    shorten(k.clone(), 60)
                )),
            ));
        }
    }
    Ok(ev)
}

/// The integer fields of the format and their ranges (flag words and HRESULTs have their own
/// parsers, which also take names and hex strings).
const INTEGER_FIELDS: &[(&str, u64)] = &[
    ("seq", u64::MAX),
    ("logon", MAX_LOGON as u64),
    ("msg", u32::MAX as u64),
    ("msg_ref", u32::MAX as u64),
    ("value", u32::MAX as u64),
    ("content", u32::MAX as u64),
    ("secs", u32::MAX as u64),
    ("incoming", u32::MAX as u64),
    ("return_parm", u32::MAX as u64),
    ("entry_id", u32::MAX as u64),
];

/// A number in an integer field that is negative, fractional or too big is an error naming the
/// field and its range (serde would call a huge integer "floating point").
fn check_ranges(
    line: u64,
    obj: &serde_json::Map<String, serde_json::Value>,
) -> Result<(), InputError> {
    let nested = obj.get("data").and_then(|d| d.as_object());
    let fields = obj.iter().chain(nested.into_iter().flatten());
    for (k, v) in fields {
        let serde_json::Value::Number(n) = v else {
            continue;
        };
        let Some(&(_, max)) = INTEGER_FIELDS.iter().find(|(f, _)| f == k) else {
            continue;
        };
        if !matches!(n.as_u64(), Some(x) if x <= max) {
            let n = shorten(n.to_string(), 40);
            let what = if k == "logon" {
                format!("logon index {n} is outside the supported 0..={max}")
            } else {
                format!("`{k}` is {n}: an integer 0..={max} is expected")
            };
            return Err(err(line, InputErrorKind::BadField(what)));
        }
    }
    Ok(())
}

/// At most `max` bytes of `s` (on a character boundary), `...` marking a cut.
fn shorten(mut s: String, max: usize) -> String {
    if s.len() > max {
        let mut i = max;
        while !s.is_char_boundary(i) {
            i -= 1;
        }
        s.truncate(i);
        s += "...";
    }
    s
}

/// One line read with the length cap.
enum Read {
    Eof,
    Line { complete: bool },
    TooLong,
}

/// Reads up to the next `\n` into `buf` (cleared first), never holding more than `cap` bytes.
fn read_line_capped<R: BufRead>(r: &mut R, buf: &mut Vec<u8>, cap: usize) -> std::io::Result<Read> {
    buf.clear();
    loop {
        let avail = match r.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok(if buf.is_empty() {
                Read::Eof
            } else {
                Read::Line { complete: false }
            });
        }
        match avail.iter().position(|&b| b == b'\n') {
            Some(i) => {
                if buf.len() + i > cap {
                    return Ok(Read::TooLong);
                }
                buf.extend_from_slice(&avail[..i]);
                r.consume(i + 1);
                return Ok(Read::Line { complete: true });
            }
            None => {
                let n = avail.len();
                if buf.len() + n > cap {
                    return Ok(Read::TooLong);
                }
                buf.extend_from_slice(avail);
                r.consume(n);
            }
        }
    }
}

/// Lines per batch handed to a parsing thread (a batch also ends after [`BATCH_BYTES`]).
const BATCH_LINES: usize = 1024;
/// Bytes after which a batch ends (memory stays bounded: a few batches are in flight).
const BATCH_BYTES: usize = 1 << 20;
/// Threads parsing lines while the calling thread reads and judges (the machine's 2 cores).
const PARSERS: usize = 2;

/// Raw lines read but not parsed yet.
#[derive(Default)]
struct Batch {
    bytes: Vec<u8>,
    /// (line number, end offset in `bytes`, ended by a newline)
    lines: Vec<(u64, usize, bool)>,
}

/// What reading stopped on.
enum Stop {
    /// The end of the input, or a truncated last line (already in the batch).
    Eof,
    /// A read error or an over-long line at this line: reported after the lines before it.
    Bad(InputError),
    /// An interrupt.
    Interrupted,
}

/// Reads the next batch; `Some(stop)` when reading must end after it.
fn read_batch<R: BufRead>(
    r: &mut R,
    buf: &mut Vec<u8>,
    line: &mut u64,
    bytes: &mut u64,
) -> (Batch, Option<Stop>) {
    let mut b = Batch::default();
    while b.lines.len() < BATCH_LINES && b.bytes.len() < BATCH_BYTES {
        if xpcheck_model::interrupt::requested() {
            return (b, Some(Stop::Interrupted));
        }
        *line += 1;
        match read_line_capped(r, buf, MAX_LINE_BYTES) {
            Err(e) => {
                return (
                    b,
                    Some(Stop::Bad(err(*line, InputErrorKind::Io(e.to_string())))),
                )
            }
            Ok(Read::TooLong) => {
                let e = err(
                    *line,
                    InputErrorKind::LineTooLong {
                        limit: MAX_LINE_BYTES,
                    },
                );
                return (b, Some(Stop::Bad(e)));
            }
            Ok(Read::Eof) => {
                *line -= 1;
                return (b, Some(Stop::Eof));
            }
            Ok(Read::Line { complete }) => {
                *bytes += buf.len() as u64 + u64::from(complete);
                b.bytes.extend_from_slice(buf);
                b.lines.push((*line, b.bytes.len(), complete));
                if !complete {
                    return (b, Some(Stop::Eof));
                }
            }
        }
    }
    (b, None)
}

/// Parses a batch: per line its number and event (`None`: blank), up to the first error.
fn parse_batch(p: &mut Parser, b: &Batch) -> Vec<(u64, Result<Option<Event>, InputError>)> {
    let mut out = Vec::with_capacity(b.lines.len());
    let mut start = 0;
    for &(line, end, complete) in &b.lines {
        let r = p.parse_bytes(line, &b.bytes[start..end], complete);
        let bad = r.is_err();
        out.push((line, r));
        if bad {
            break;
        }
        start = end;
    }
    out
}

/// Judges a whole trace from a reader, line by line: this thread reads and judges in line
/// order while `PARSERS` threads parse batches of lines (parsing is most of the work, and
/// lines parse independently). Memory stays bounded: at most two batches per parser are in
/// flight. `progress` is told the bytes consumed after every batch.
pub fn validate_reader<R: BufRead>(
    mut r: R,
    settings: Settings,
    mut progress: impl FnMut(u64),
) -> Result<Outcome, InputError> {
    use std::sync::mpsc::sync_channel;
    type Parsed = Vec<(u64, Result<Option<Event>, InputError>)>;
    let mut v = Validator::new(settings);
    let mut buf = Vec::with_capacity(4096);
    let (mut line, mut bytes) = (0u64, 0u64);
    std::thread::scope(|scope| {
        let mut jobs = Vec::new();
        let mut results = Vec::new();
        for _ in 0..PARSERS {
            let (job_tx, job_rx) = sync_channel::<Batch>(2);
            let (res_tx, res_rx) = sync_channel::<Parsed>(2);
            scope.spawn(move || {
                let mut p = Parser::default();
                for b in job_rx {
                    if res_tx.send(parse_batch(&mut p, &b)).is_err() {
                        return;
                    }
                }
            });
            jobs.push(job_tx);
            results.push(res_rx);
        }
        // Batches sent and not judged yet, by parser index, in line order.
        let mut in_flight = std::collections::VecDeque::new();
        let mut next = 0;
        let mut stop = None;
        loop {
            while stop.is_none() && in_flight.len() < 2 * PARSERS {
                let (batch, s) = read_batch(&mut r, &mut buf, &mut line, &mut bytes);
                stop = s;
                if !batch.lines.is_empty() {
                    if jobs[next].send(batch).is_err() {
                        break;
                    }
                    in_flight.push_back(next);
                    next = (next + 1) % PARSERS;
                }
            }
            let Some(w) = in_flight.pop_front() else {
                break;
            };
            let Ok(parsed) = results[w].recv() else {
                break;
            };
            for (n, ev) in parsed {
                v.lines = n;
                if let Some(ev) = ev? {
                    v.judge(n, ev)?;
                }
            }
            progress(bytes);
        }
        drop(jobs);
        match stop {
            Some(Stop::Bad(e)) => Err(e),
            Some(Stop::Interrupted) => {
                v.interrupt();
                Ok(())
            }
            _ => Ok(()),
        }
    })?;
    v.finish()
}

/// The report of `xpcheck validate`.
pub type ValidateReport = Report;

/// Builds the report of a judged trace: pass, violated, or incomplete when the trace ends
/// inside a call.
pub fn validate_report(trace: &str, o: Outcome, seconds: f64) -> Report {
    let complete = o.open_calls.is_empty() && !o.interrupted;
    let violated: Vec<Rid> = Rid::ALL
        .iter()
        .copied()
        .filter(|&r| o.errors[r as usize] > 0)
        .collect();
    let tally = ReportTally::from_counts(&o.checks, &o.warnings, &violated);
    let replay = if trace == STDIN_NAME {
        "xpcheck validate - < TRACE (the same trace on standard input)".to_string()
    } else {
        format!("xpcheck validate {trace}")
    };
    let counterexamples = o
        .counterexamples
        .into_iter()
        .map(|f| Counterexample {
            line: Some(f.line),
            ..Counterexample::transport(
                f.rule.id(),
                "recorded",
                f.events,
                f.findings,
                replay.clone(),
            )
        })
        .collect();
    let mut notes = Vec::new();
    if o.interrupted {
        notes.push(format!(
            "interrupted after line {}: the rest of the trace was not read (verdict incomplete)",
            o.lines
        ));
    }
    let ended_inside = !o.open_calls.is_empty();
    notes.extend(o.open_calls);
    if ended_inside && !o.interrupted {
        notes.push(
            "the trace ends inside a call: obligations due before it returns were not judged (verdict incomplete)"
                .into(),
        );
    }
    for (logon, owed) in &o.not_logged_off {
        if owed.is_empty() {
            notes.push(format!(
                "the trace stops before logon {logon}'s TransportLogoff returned; it owed nothing due by then"
            ));
        } else {
            notes.push(format!(
                "the trace stops before logon {logon}'s TransportLogoff returned; due by then, not judged: {}",
                owed.join("; ")
            ));
        }
    }
    if o.forgotten > 0 {
        notes.push(format!(
            "{} settled outbound messages were forgotten to keep memory bounded (the last {} per logon are remembered): for those, a later use of the message object (EM-4, SUB-9), a dead msg-ref (EM-3), a resubmission after AbortSubmit (TN-4) or before a requested delay (SUB-7) was not judged",
            o.forgotten,
            xpcheck_properties::judge::session::SETTLED_KEPT
        ));
    }
    if o.total_findings > o.findings.len() as u64 {
        notes.push(format!(
            "{} findings, the first {} listed",
            o.total_findings,
            o.findings.len()
        ));
    }
    let stats = Stats::Trace {
        lines: o.lines,
        events: o.events,
        logons: o.logons,
        findings: o.total_findings,
        seconds,
        events_per_sec: o.events as f64 / seconds.max(1e-9),
    };
    let mut report = Report::new("validate", "recorded", stats, &tally, complete);
    report.trace = Some(trace.to_string());
    report.counterexamples = counterexamples;
    report.findings = o.findings;
    report.notes = notes;
    report
}

/// Judges the trace in `path`, streaming it. `progress` gets (bytes read, file size).
pub fn validate_file(
    path: &std::path::Path,
    settings: Settings,
    mut progress: impl FnMut(u64, u64),
) -> Result<ValidateReport, FileError> {
    let start = Instant::now();
    if path == std::path::Path::new(STDIN) {
        let reader = std::io::BufReader::with_capacity(64 * 1024, std::io::stdin().lock());
        let o = validate_reader(reader, settings, |b| progress(b, 0)).map_err(FileError::Input)?;
        return Ok(validate_report(
            STDIN_NAME,
            o,
            start.elapsed().as_secs_f64(),
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| FileError::Open(e.to_string()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let reader = std::io::BufReader::with_capacity(64 * 1024, file);
    let o = validate_reader(reader, settings, |b| progress(b, size)).map_err(FileError::Input)?;
    Ok(validate_report(
        &path.display().to_string(),
        o,
        start.elapsed().as_secs_f64(),
    ))
}

/// The file name that means standard input (`xpcheck validate -`).
pub const STDIN: &str = "-";
/// How standard input is named in reports and messages.
pub const STDIN_NAME: &str = "<stdin>";

/// Why `validate` could not judge a file (exit code 2).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    /// The file could not be opened.
    #[error("cannot open: {0}")]
    Open(String),
    /// A line is malformed.
    #[error(transparent)]
    Input(InputError),
}
