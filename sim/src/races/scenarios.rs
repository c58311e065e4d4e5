//! The built-in loom scenarios: short spooler scripts, each aimed at named rules.

use xpcheck_properties::vocab::TransportNotifyFlags as F;

/// A call on the spooler's main thread. The spooler skips a call the contract no longer allows
/// at that moment: Poll/StartMessage once inbound is off, SubmitMessage once outbound is off,
/// EndMessage unless SubmitMessage accepted the message (TN-5, TN-13, TN-22, TN-24, SUB-8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MainStep {
    /// SubmitMessage of outbound slot n.
    Submit(u8),
    /// EndMessage of outbound slot n (only after SubmitMessage returned S_OK).
    End(u8),
    /// StartMessage on a fresh message object.
    Start,
    /// Poll.
    Poll,
    /// FlushQueues(FLUSH_UPLOAD | FLUSH_DOWNLOAD).
    FlushQueues,
}

/// An action of the spooler's notify thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotifyStep {
    /// NOTIFY_CANCEL_MESSAGE for the message entry point running on the main thread, with the
    /// msg-ref as the spooler reads it now (TN-17, TN-21); nothing if none is running.
    Cancel,
    /// TransportNotify with these flags.
    Flags(F),
}

/// A loom scenario.
#[derive(Clone, Copy, Debug)]
pub struct Scenario {
    /// Name (the library function of the same name runs it).
    pub name: &'static str,
    /// What it races.
    pub about: &'static str,
    /// Rules it is aimed at.
    pub rules: &'static [&'static str],
    /// Inbound messages waiting on the wire at the start.
    pub inbound: u8,
    /// Run alone after TransportLogon: TransportNotify with these flags (none if empty).
    pub setup: F,
    /// Main-thread calls run alone after the setup (a Poll that gives StartMessage its reason,
    /// SM-1).
    pub before: &'static [MainStep],
    /// The main thread's calls during the race.
    pub race: &'static [MainStep],
    /// The notify thread's calls during the race.
    pub notify: &'static [NotifyStep],
    /// Main-thread calls after both threads are done.
    pub after: &'static [MainStep],
}

const BOTH: F = F::NOTIFY_BEGIN_INBOUND.union(F::NOTIFY_BEGIN_OUTBOUND);

/// Every built-in scenario.
pub const SCENARIOS: &[Scenario] = &[
    Scenario {
        name: "cancel_races_start_message",
        about: "NOTIFY_CANCEL_MESSAGE racing StartMessage; then Poll and StartMessage again",
        rules: &["TN-17", "TN-18", "TN-19", "TN-20", "TN-27", "SM-5"],
        inbound: 1,
        setup: BOTH,
        before: &[MainStep::Poll],
        race: &[MainStep::Start],
        notify: &[NotifyStep::Cancel],
        after: &[MainStep::Poll, MainStep::Start],
    },
    Scenario {
        name: "cancel_races_submit_and_end",
        about: "NOTIFY_CANCEL_MESSAGE racing two SubmitMessage/EndMessage pairs",
        rules: &["TN-17", "TN-18", "TN-19", "TN-27", "SUB-4"],
        inbound: 0,
        setup: BOTH,
        before: &[],
        race: &[
            MainStep::Submit(0),
            MainStep::End(0),
            MainStep::Submit(1),
            MainStep::End(1),
        ],
        notify: &[NotifyStep::Cancel],
        after: &[],
    },
    Scenario {
        name: "end_outbound_races_submit",
        about: "NOTIFY_END_OUTBOUND racing SubmitMessage and EndMessage",
        rules: &["TN-24", "STAT-4", "TN-27"],
        inbound: 0,
        setup: BOTH,
        before: &[],
        race: &[MainStep::Submit(0), MainStep::End(0)],
        notify: &[NotifyStep::Flags(F::NOTIFY_END_OUTBOUND)],
        after: &[],
    },
    Scenario {
        name: "inbound_toggle_races_poll",
        about: "NOTIFY_END_INBOUND then NOTIFY_BEGIN_INBOUND racing Poll and StartMessage",
        rules: &["TN-5", "TN-22", "STAT-4", "POLL-1", "TN-27"],
        inbound: 1,
        setup: BOTH,
        before: &[],
        race: &[MainStep::Poll, MainStep::Start],
        notify: &[
            NotifyStep::Flags(F::NOTIFY_END_INBOUND),
            NotifyStep::Flags(F::NOTIFY_BEGIN_INBOUND),
        ],
        after: &[],
    },
    Scenario {
        name: "flush_races_start_message",
        about: "NOTIFY_BEGIN_INBOUND_FLUSH then NOTIFY_END_INBOUND_FLUSH racing StartMessage",
        rules: &["TN-8", "TN-10", "TN-12", "TN-23", "STAT-4", "TN-27"],
        inbound: 1,
        setup: BOTH,
        before: &[MainStep::Poll],
        race: &[MainStep::Start],
        notify: &[
            NotifyStep::Flags(F::NOTIFY_BEGIN_INBOUND_FLUSH),
            NotifyStep::Flags(F::NOTIFY_END_INBOUND_FLUSH),
        ],
        after: &[],
    },
    Scenario {
        name: "status_rows_race",
        about:
            "FlushQueues and SubmitMessage status-row updates racing END_INBOUND and END_OUTBOUND",
        rules: &["STAT-4", "TN-22", "TN-24", "TN-27"],
        inbound: 0,
        setup: BOTH,
        before: &[],
        race: &[MainStep::FlushQueues, MainStep::Submit(0), MainStep::End(0)],
        notify: &[
            NotifyStep::Flags(F::NOTIFY_END_INBOUND),
            NotifyStep::Flags(F::NOTIFY_END_OUTBOUND),
        ],
        after: &[],
    },
];

/// Looks a scenario up by name.
pub fn by_name(name: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.name == name)
}
