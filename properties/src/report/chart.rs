//! Counterexamples as message-sequence charts: Mermaid `sequenceDiagram` source and a plain-text
//! column chart for terminals.
//!
//! Lifelines: the spooler's main thread (every IXPLogon call but TransportNotify, AMB-8), the
//! notify thread (TransportNotify, TN-18/TN-27), the provider (its IXPLogon code, whichever
//! thread runs it), the support object (IMAPISupport: SpoolerNotify, SpoolerYield,
//! ModifyStatusRow, StatusRecips) and, when the trace touches them, the message objects, the
//! wire and a client. Calls are solid arrows into the provider, returns dashed arrows back to the
//! calling thread, callbacks solid arrows from the provider. At the failing step a note names
//! the violated rule, its force and catalog summary, who is to blame (the provider, or the
//! spooler-side input) and the monitor's message.

use super::force_word;
use crate::catalog;
use crate::event::{Body, Event, Thread};
use crate::judge::{Blame, Finding, Severity};
use crate::render::describe;

/// What to draw.
#[derive(Clone, Debug)]
pub struct Chart<'a> {
    /// Shown as a comment (Mermaid) or a heading (text).
    pub title: String,
    /// The events, in order.
    pub events: &'a [Event],
    /// Findings; those of `rule` (or every error when `rule` is `None`) are drawn as notes.
    pub findings: &'a [Finding],
    /// The violated rule the chart is about.
    pub rule: Option<&'a str>,
    /// A command that reproduces the trace.
    pub replay: Option<&'a str>,
}

/// At most this many events are drawn; earlier ones are summarised in one note (the step list
/// and the replay command have the whole trace).
pub const MAX_CHART_EVENTS: usize = 120;

/// A lifeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Lane {
    Spooler,
    Notify,
    Provider,
    Support,
    Messages,
    Wire,
    Client,
}

impl Lane {
    const ALL: [Lane; 7] = [
        Lane::Spooler,
        Lane::Notify,
        Lane::Provider,
        Lane::Support,
        Lane::Messages,
        Lane::Wire,
        Lane::Client,
    ];

    fn alias(self) -> &'static str {
        match self {
            Lane::Spooler => "S",
            Lane::Notify => "N",
            Lane::Provider => "P",
            Lane::Support => "X",
            Lane::Messages => "M",
            Lane::Wire => "W",
            Lane::Client => "C",
        }
    }

    fn long_name(self) -> &'static str {
        match self {
            Lane::Spooler => "Spooler main thread",
            Lane::Notify => "Notify thread",
            Lane::Provider => "Provider (IXPLogon)",
            Lane::Support => "Support object (IMAPISupport)",
            Lane::Messages => "Message objects",
            Lane::Wire => "Wire",
            Lane::Client => "Client",
        }
    }

    fn short_name(self) -> &'static str {
        match self {
            Lane::Spooler => "spooler",
            Lane::Notify => "notify",
            Lane::Provider => "provider",
            Lane::Support => "support",
            Lane::Messages => "messages",
            Lane::Wire => "wire",
            Lane::Client => "client",
        }
    }

    /// The lifeline of a thread that calls into the provider.
    fn of_thread(t: Thread) -> Lane {
        match t {
            Thread::Spooler => Lane::Spooler,
            Thread::Notify => Lane::Notify,
            Thread::Provider => Lane::Provider,
            Thread::Wire => Lane::Wire,
            Thread::Client(_) => Lane::Client,
        }
    }
}

/// How one event is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// A call (solid arrow).
    Call(Lane, Lane),
    /// A return or an out-parameter write (dashed arrow).
    Back(Lane, Lane),
    /// Something that happens on one lifeline (a note).
    At(Lane),
}

fn shape(ev: &Event) -> Shape {
    let th = Lane::of_thread(ev.thread);
    let caller = if th == Lane::Provider {
        Lane::Spooler
    } else {
        th
    };
    if ev.body.call_method().is_some() {
        return Shape::Call(caller, Lane::Provider);
    }
    match ev.body {
        Body::Return { .. } => Shape::Back(Lane::Provider, caller),
        Body::MsgRefWrite { .. } => Shape::Back(Lane::Provider, caller),
        Body::SpoolerNotify { .. }
        | Body::SpoolerYield { .. }
        | Body::ModifyStatusRow { .. }
        | Body::StatusRecips { .. }
        | Body::MakeInvalid
        | Body::SupportRelease => Shape::Call(Lane::Provider, Lane::Support),
        Body::ShowUi { .. } => Shape::At(Lane::Provider),
        Body::MessageRead { .. }
        | Body::MessageWrite { .. }
        | Body::MessageRecipients { .. }
        | Body::SetResponsibility { .. }
        | Body::SaveChanges { .. }
        | Body::MessageRelease { .. } => Shape::Call(Lane::Provider, Lane::Messages),
        Body::Transmit { .. } => Shape::Call(Lane::Provider, Lane::Wire),
        Body::MailArrived { .. } => Shape::At(Lane::Wire),
        Body::TimePasses { .. } => Shape::At(Lane::Spooler),
        Body::AbortSubmit { .. } | Body::SpoolerStatusFlush { .. } => Shape::At(Lane::Client),
        // Calls were handled above.
        _ => Shape::At(caller),
    }
}

/// The label of one event: its sequence number, logon (when not 0), the thread a callback
/// runs on when that is not the spooler's main thread, and the call as `describe` words it.
fn label(ev: &Event) -> String {
    let mut s = format!("{}", ev.seq);
    if ev.logon != 0 {
        s += &format!(" L{}", ev.logon);
    }
    let callback = ev.body.is_harness_call();
    if callback && ev.thread != Thread::Spooler {
        s += &format!(" [{}]", ev.thread.name());
    }
    s.push(' ');
    s += describe(ev).trim();
    s
}

/// The blame as words: `provider`, `spooler-side input`, `MAPI`, `client` or `store`.
pub fn blame_word(b: Blame) -> &'static str {
    match b {
        Blame::Provider => "provider",
        Blame::Spooler => "spooler-side input",
        Blame::Mapi => "MAPI",
        Blame::Client => "client",
        Blame::Store => "store",
    }
}

/// Makes text safe inside a Mermaid message or note: `;` and `#` would end the statement or
/// start an entity, so they become entity codes; line breaks become spaces.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            ';' => out += "#59;",
            '#' => out += "#35;",
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

fn marked<'a>(chart: &'a Chart<'a>, ev: &Event) -> Vec<&'a Finding> {
    chart
        .findings
        .iter()
        .filter(|f| {
            f.seq == ev.seq
                && f.severity == Severity::Error
                && chart.rule.is_none_or(|r| r == f.rule)
        })
        .collect()
}

fn note_text(f: &Finding) -> (String, String) {
    let rule = catalog::get(f.rule);
    let force = rule.map_or("", |r| force_word(r.force));
    let summary = rule.map_or("", |r| r.summary);
    (
        format!(
            "{} ({}) violated — {} (blame: {})",
            f.rule,
            force,
            summary,
            blame_word(f.blame)
        ),
        f.message.clone(),
    )
}

/// The drawn window: (events elided at the front, events drawn).
fn window<'a>(chart: &Chart<'a>) -> (usize, &'a [Event]) {
    let n = chart.events.len();
    let skip = n.saturating_sub(MAX_CHART_EVENTS);
    (skip, &chart.events[skip..])
}

fn lanes(events: &[Event]) -> Vec<Lane> {
    let mut used = [false; 7];
    for l in [Lane::Spooler, Lane::Notify, Lane::Provider, Lane::Support] {
        used[l as usize] = true;
    }
    for ev in events {
        match shape(ev) {
            Shape::Call(a, b) | Shape::Back(a, b) => {
                used[a as usize] = true;
                used[b as usize] = true;
            }
            Shape::At(a) => used[a as usize] = true,
        }
    }
    Lane::ALL
        .into_iter()
        .filter(|l| used[*l as usize])
        .collect()
}

/// Mermaid `sequenceDiagram` source (ends with a newline).
pub fn mermaid(chart: &Chart<'_>) -> String {
    let (skip, events) = window(chart);
    let lanes = lanes(events);
    let first = lanes[0].alias();
    let last = lanes[lanes.len() - 1].alias();
    let mut out = String::from("sequenceDiagram\n");
    out += &format!("    %% {}\n", chart.title.replace('\n', " "));
    if let Some(r) = chart.replay {
        out += &format!("    %% replay: {r}\n");
    }
    for l in &lanes {
        out += &format!("    participant {} as {}\n", l.alias(), l.long_name());
    }
    if skip > 0 {
        out += &format!(
            "    Note over {first},{last}: {skip} earlier events not drawn (see the step list or replay)\n"
        );
    }
    for ev in events {
        let text = escape(&label(ev));
        match shape(ev) {
            Shape::Call(a, b) => out += &format!("    {}->>{}: {text}\n", a.alias(), b.alias()),
            Shape::Back(a, b) => out += &format!("    {}-->>{}: {text}\n", a.alias(), b.alias()),
            Shape::At(a) => out += &format!("    Note over {}: {text}\n", a.alias()),
        }
        for f in marked(chart, ev) {
            let (head, message) = note_text(f);
            out += &format!(
                "    Note over {first},{last}: ❌ {}<br/>{}\n",
                escape(&head),
                escape(&message)
            );
        }
    }
    out
}

/// Width of one lifeline column in the text chart.
const LANE_WIDTH: usize = 10;

/// A plain-text chart: one column per lifeline, one row per event, the call written to the
/// right; `--->` calls, `<...` returns, `*` something that happens on a lifeline, and the
/// violated rule under the failing step.
pub fn text(chart: &Chart<'_>) -> String {
    let (skip, events) = window(chart);
    let lanes = lanes(events);
    let col = |l: Lane| -> usize {
        let i = lanes.iter().position(|x| *x == l).unwrap_or(0);
        i * LANE_WIDTH + LANE_WIDTH / 2
    };
    let width = lanes.len() * LANE_WIDTH;
    let mut out = format!("{}\n", chart.title);
    if let Some(r) = chart.replay {
        out += &format!("replay: {r}\n");
    }
    out.push('\n');
    let mut head = vec![' '; width];
    for l in &lanes {
        let name: Vec<char> = l.short_name().chars().collect();
        let start = (col(*l) + 1).saturating_sub(name.len().div_ceil(2));
        for (i, c) in name.into_iter().enumerate() {
            if let Some(cell) = head.get_mut(start + i) {
                *cell = c;
            }
        }
    }
    out += &format!(
        "{:>5} {}\n",
        "seq",
        head.iter().collect::<String>().trim_end()
    );
    let empty: Vec<char> = {
        let mut row = vec![' '; width];
        for l in &lanes {
            row[col(*l)] = '|';
        }
        row
    };
    if skip > 0 {
        out += &format!(
            "{:>5} {}  ({skip} earlier events not drawn)\n",
            "...",
            empty.iter().collect::<String>()
        );
    }
    for ev in events {
        let mut row = empty.clone();
        let (a, b, fill) = match shape(ev) {
            Shape::Call(a, b) => (col(a), col(b), '-'),
            Shape::Back(a, b) => (col(a), col(b), '.'),
            Shape::At(a) => (col(a), col(a), '*'),
        };
        if a == b {
            row[a] = fill;
        } else {
            let (lo, hi) = (a.min(b), a.max(b));
            for cell in &mut row[lo + 1..hi] {
                *cell = fill;
            }
            if b > a {
                row[hi - 1] = '>';
            } else {
                row[lo + 1] = '<';
            }
        }
        let mut desc = describe(ev).trim().to_string();
        if ev.logon != 0 {
            desc = format!("L{} {desc}", ev.logon);
        }
        if ev.body.is_harness_call() && ev.thread != Thread::Spooler {
            desc = format!("[{}] {desc}", ev.thread.name());
        }
        out += &format!("{:>5} {}  {desc}\n", ev.seq, row.iter().collect::<String>());
        for f in marked(chart, ev) {
            let (head, message) = note_text(f);
            out += &format!("{:>5} {}\n", "!!!", head);
            out += &format!("{:>5} {}\n", "", message);
        }
    }
    out
}
