//! The built-in loom scenarios: short spooler scripts, each aimed at named rules.

use xpcheck_properties::vocab::TransportNotifyFlags as F;

/// A call on the spooler's main thread. The spooler skips a call the contract does not allow
/// at that moment or the provider did not ask for: Poll unless the provider returned
/// LOGON_SP_POLL (POLL-1, LIFE-10) and inbound is on, StartMessage without a reason to expect
/// mail (a Poll that reported some, or the provider's NOTIFY_NEWMAIL: SM-1, SPN-10),
/// SubmitMessage once outbound is off, EndMessage unless SubmitMessage accepted the message
/// (TN-5, TN-13, TN-22, TN-24, SUB-8). A skipped step is counted: a step that no execution ran
/// is named in the report's notes.
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
    /// TransportLogoff(0), after aborting every message the provider still defers (TN-26).
    /// Every scenario ends with one, so a provider's own threads can be stopped.
    Logoff,
    /// The remote system goes offline (a store-and-forward provider defers, EM-2, DEF-4).
    WireOffline,
    /// The remote system comes back (the provider may announce what it deferred, DEF-4).
    WireOnline,
}

/// An action of the spooler's notify thread.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotifyStep {
    /// NOTIFY_CANCEL_MESSAGE for the message entry point running on the main thread, with the
    /// msg-ref as the spooler reads it now (TN-17, TN-21); nothing if none is running.
    Cancel,
    /// TransportNotify with these flags.
    Flags(F),
    /// NOTIFY_ABORT_DEFERRED for the outbound message the provider defers (TN-25, DEF-7);
    /// nothing if none is deferred.
    AbortDeferred,
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
    /// Main-thread calls after both threads are done; then TransportLogoff.
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
        rules: &["TN-17", "TN-18", "TN-19", "TN-21", "TN-27", "SUB-4"],
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
        // Poll after EndMessage (skipped for a provider without LOGON_SP_POLL).
        after: &[MainStep::Poll],
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
    Scenario {
        name: "two_messages_in_an_outbound_flush",
        about: "NOTIFY_BEGIN_OUTBOUND_FLUSH then NOTIFY_END_OUTBOUND_FLUSH racing two SubmitMessage/EndMessage pairs",
        rules: &["TN-16", "STAT-4", "TN-27"],
        inbound: 0,
        setup: BOTH,
        before: &[],
        race: &[
            MainStep::Submit(0),
            MainStep::End(0),
            MainStep::Submit(1),
            MainStep::End(1),
        ],
        notify: &[
            NotifyStep::Flags(F::NOTIFY_BEGIN_OUTBOUND_FLUSH),
            NotifyStep::Flags(F::NOTIFY_END_OUTBOUND_FLUSH),
        ],
        after: &[],
    },
    Scenario {
        name: "logoff_with_work_in_flight",
        about: "NOTIFY_CANCEL_MESSAGE racing StartMessage and SubmitMessage; TransportLogoff with the outbound message never ended",
        rules: &["TN-17", "TN-18", "TN-19", "TN-27"],
        inbound: 1,
        setup: BOTH,
        before: &[MainStep::Poll],
        race: &[MainStep::Start, MainStep::Submit(0)],
        notify: &[NotifyStep::Cancel],
        after: &[],
    },
    Scenario {
        name: "deferral_races_abort",
        about: "a message deferred while the wire was offline; back online, Poll and FlushQueues (where the provider announces NOTIFY_SENTDEFERRED) racing NOTIFY_ABORT_DEFERRED",
        rules: &["EM-2", "DEF-7", "TN-27"],
        inbound: 0,
        setup: BOTH,
        before: &[
            MainStep::WireOffline,
            MainStep::Submit(0),
            MainStep::End(0),
            MainStep::WireOnline,
        ],
        race: &[MainStep::Poll, MainStep::FlushQueues],
        notify: &[NotifyStep::AbortDeferred],
        after: &[],
    },
];

/// Looks a scenario up by name.
pub fn by_name(name: &str) -> Option<&'static Scenario> {
    SCENARIOS.iter().find(|s| s.name == name)
}
