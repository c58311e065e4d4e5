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
        }
    }

    /// Judges one line (without its newline). `line` is its 1-based number; `complete` says
    /// whether a newline ended it (a last line without one that does not parse is
    /// [`InputErrorKind::Truncated`]). Blank lines are skipped; a `\r` before the newline and a
    /// UTF-8 byte-order mark on the first line are accepted.
    pub fn feed(&mut self, line: u64, bytes: &[u8], complete: bool) -> Result<(), InputError> {
        self.lines = line;
        let mut bytes = bytes;
        if line == 1 {
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        let text = std::str::from_utf8(bytes).map_err(|_| err(line, InputErrorKind::NotUtf8))?;
        if text.trim().is_empty() {
            return Ok(());
        }
        let ev = parse_line(line, text, complete)?;
        self.judge(line, ev)
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
        if self.events == 0 {
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
        })
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

/// Judges a whole trace from a reader, line by line. `progress` is told the bytes consumed
/// every 4096 lines.
pub fn validate_reader<R: BufRead>(
    mut r: R,
    settings: Settings,
    mut progress: impl FnMut(u64),
) -> Result<Outcome, InputError> {
    let mut v = Validator::new(settings);
    let mut buf = Vec::with_capacity(4096);
    let mut line = 0u64;
    let mut bytes = 0u64;
    loop {
        line += 1;
        match read_line_capped(&mut r, &mut buf, MAX_LINE_BYTES) {
            Err(e) => return Err(err(line, InputErrorKind::Io(e.to_string()))),
            Ok(Read::TooLong) => {
                return Err(err(
                    line,
                    InputErrorKind::LineTooLong {
                        limit: MAX_LINE_BYTES,
                    },
                ))
            }
            Ok(Read::Eof) => break,
            Ok(Read::Line { complete }) => {
                bytes += buf.len() as u64 + u64::from(complete);
                v.feed(line, &buf, complete)?;
                if line % 4096 == 0 {
                    progress(bytes);
                }
                if !complete {
                    break;
                }
            }
        }
    }
    v.finish()
}

/// The report of `xpcheck validate`.
pub type ValidateReport = Report;

/// Builds the report of a judged trace: pass, violated, or incomplete when the trace ends
/// inside a call.
pub fn validate_report(trace: &str, o: Outcome, seconds: f64) -> Report {
    let complete = o.open_calls.is_empty();
    let violated: Vec<Rid> = Rid::ALL
        .iter()
        .copied()
        .filter(|&r| o.errors[r as usize] > 0)
        .collect();
    let tally = ReportTally::from_counts(&o.checks, &o.warnings, &violated);
    let replay = format!("xpcheck validate {trace}");
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
    let mut notes = o.open_calls;
    if !notes.is_empty() {
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
