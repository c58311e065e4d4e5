//! The stateright model: spooler main thread, notify thread, provider threads and the wire,
//! interleaved over every logon, judged by the monitors on every transition.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use stateright::{Model, Property};
use xpcheck_properties::event::{Body, Event, Released, Thread, Word};
use xpcheck_properties::judge::session::{Cancel, Life, OutPhase};
use xpcheck_properties::judge::{observe_event, ProviderState};
use xpcheck_properties::rule_set::RuleMask;
use xpcheck_properties::rules::{CheckKind, Rid};
use xpcheck_properties::vocab::{
    FlagWord, FlushFlags, HResult, LogoffFlags, LogonFlags, StoreLogoffFlags, SubmitFlags,
    TransportNotifyFlags, ValidateStateFlags,
};

use crate::config::Config;
use crate::counters::{Counters, CountingSink};
use crate::provider::{self, Provider, ProviderObject};
use crate::spooler::{self, out_id, LogonView, Spooler, SpoolerMove};
use crate::state::{Action, Call, Lane, LogonState, Run, State};

/// The transport model for one configuration.
#[derive(Clone, Debug)]
pub struct XpModel {
    /// What to explore.
    pub cfg: Config,
    /// One `always` property per monitored rule (Explorer, shortest counterexamples). When
    /// false, one combined `always` property: stateright's DFS looks every property name up in a
    /// map for every state, and on the standard configuration the full check takes 6.8 s with
    /// one property against 12.2 s with 66 (medians of 3 alternating runs). Per-rule verdicts
    /// then come from the monitors' own counters, which see every violating transition.
    pub per_rule_properties: bool,
    /// Check counters.
    pub counters: Arc<Counters<Rid>>,
    /// Symmetry reduction in place: every next state is put in canonical form
    /// ([`canonicalize`]) before the checker sees it. Used by the exhaustive DFS of
    /// [`crate::check::check`], which needs verdicts and counts, not paths: it saves stateright's
    /// `symmetry_fn` a clone and a second fingerprint per generated state. Paths (BFS
    /// counterexamples, the Explorer, [`crate::check::replay`]) keep it off, so their events
    /// name messages consistently.
    pub canonical: bool,
}

/// Names of the `sometimes` properties: situations the exploration must reach.
pub const SOMETIMES: [&str; 3] = [
    "TN-18: a cancel lands while StartMessage runs",
    "TN-20: a cancelled inbound message is redelivered",
    "TN-24: NOTIFY_END_OUTBOUND arrives while a message is in flight",
];

/// Name of the combined property used when `per_rule_properties` is off.
pub const EVERY_RULE: &str = "every monitored rule holds";

fn holds<const I: usize>(_: &XpModel, s: &State) -> bool {
    !Rid::ALL.get(I).is_some_and(|r| s.violations.contains(*r))
}

include!("holds_table.rs");

impl XpModel {
    /// A model of `cfg` with fresh counters.
    pub fn new(cfg: Config) -> XpModel {
        XpModel {
            cfg,
            per_rule_properties: true,
            counters: Arc::new(Counters::new()),
            canonical: false,
        }
    }

    /// Stops counting checks (call after exploration, before rebuilding paths).
    pub fn stop_counting(&self) {
        self.counters.stop();
    }

    fn initial(&self) -> State {
        let cfg = &self.cfg;
        State {
            judge: ProviderState::new(),
            prov: None,
            object: ProviderObject::new(cfg),
            logons: (0..cfg.logons)
                .map(|i| LogonState {
                    judge: Default::default(),
                    spooler: Spooler::for_logon(cfg, i),
                    provider: Provider::new(cfg),
                    main: None,
                    notify: None,
                    client: None,
                    arrivals_left: cfg.inbound,
                    starts: 0,
                })
                .collect(),
            violations: RuleMask::EMPTY,
            redelivered: false,
        }
    }

    /// Performs `action` on `state`, appending the events it makes (seq numbers from `seq`).
    /// Returns false if the action is not applicable.
    pub fn perform(
        &self,
        state: &mut State,
        action: Action,
        events: &mut Vec<Event>,
        seq: &mut u64,
    ) -> bool {
        let cfg = &self.cfg;
        let mut bodies = Vec::with_capacity(4);
        let (logon, thread) = match action {
            Action::Call { call, .. } if call.is_provider_level() => {
                if let Some(b) = provider_call_body(call) {
                    bodies.push(b);
                }
                provider::call_provider(&mut state.object, cfg, call, &mut bodies);
                (0, Thread::Spooler)
            }
            Action::Call { logon, call } => {
                let State { logons, object, .. } = state;
                let ls = &mut logons[logon as usize];
                let lane = lane_of(call);
                let mut call = call;
                if let Call::Start { .. } = call {
                    // Message objects alternate between two ids (a parity bit of state);
                    // a faulty late touch of the previous object happens before the next
                    // StartMessage reuses its id, or not at all.
                    call = Call::Start {
                        obj: 100 + u32::from(ls.starts & 1),
                    };
                    ls.starts ^= 1;
                    ls.provider.touch_due = None;
                }
                bodies.push(call_body(ls, call));
                if provider::atomic(cfg, call) {
                    provider::call_atomic(ls, cfg, call, &mut bodies);
                } else {
                    let mut run = Run {
                        call,
                        pc: 0,
                        msg_ref: 0,
                        cancelled: false,
                        critical: false,
                        content: None,
                    };
                    match lane {
                        Lane::Notify => {
                            // TransportNotify looks its flags and payload up as it is called (one
                            // step under the provider's lock); only its return is a separate
                            // step. A handler running arbitrarily later would meet a msg-ref
                            // already reused by the next message (EM-3), which no provider can
                            // tell apart.
                            let cont = provider::step(ls, object, cfg, &mut run, 0, &mut bodies);
                            debug_assert!(cont);
                            ls.notify = Some(run);
                        }
                        _ => ls.main = Some(run),
                    }
                }
                (logon, thread_of(lane))
            }
            Action::Step {
                logon,
                lane,
                choice,
            } => {
                let State { logons, object, .. } = state;
                let ls = &mut logons[logon as usize];
                let slot = match lane {
                    Lane::Main => &mut ls.main,
                    Lane::Notify => &mut ls.notify,
                    Lane::Client => &mut ls.client,
                    Lane::Provider => return false,
                };
                let Some(mut run) = slot.take() else {
                    return false;
                };
                let cont = provider::step(ls, object, cfg, &mut run, choice, &mut bodies);
                if cont {
                    match lane {
                        Lane::Main => ls.main = Some(run),
                        Lane::Notify => ls.notify = Some(run),
                        Lane::Client => ls.client = Some(run),
                        Lane::Provider => {}
                    }
                }
                (logon, thread_of(lane))
            }
            Action::Background { logon, job } => {
                provider::run_job(&mut state.logons[logon as usize], cfg, job, &mut bodies);
                (logon, Thread::Provider)
            }
            Action::Arrive { logon } => {
                let ls = &mut state.logons[logon as usize];
                let content = cfg.inbound - ls.arrivals_left;
                ls.arrivals_left -= 1;
                ls.provider.inbox.push(content);
                ls.provider.newmail_due = true;
                bodies.push(Body::MailArrived {
                    content: content as u32,
                });
                (logon, Thread::Wire)
            }
            Action::TimePasses { logon } => {
                bodies.push(Body::TimePasses { secs: 30 });
                (logon, Thread::Spooler)
            }
            Action::AbortSubmit { logon, slot } => {
                bodies.push(Body::AbortSubmit {
                    msg: out_id(slot),
                    hr: HResult::S_OK,
                    flags: xpcheck_properties::event::Word(0),
                });
                (logon, Thread::Client(1))
            }
            Action::StoreLogoff { logon, flags } => {
                bodies.push(Body::StoreLogoff {
                    flags: StoreLogoffFlags::from_raw(flags),
                });
                (logon, Thread::Spooler)
            }
            Action::SpoolerStatusFlush => {
                bodies.push(Body::SpoolerStatusFlush {
                    flags: FlushFlags::FLUSH_UPLOAD | FlushFlags::FLUSH_DOWNLOAD,
                    target: None,
                });
                (0, Thread::Client(1))
            }
        };
        let shard = self.counters.shard();
        let mut sink = CountingSink::new(shard.as_deref());
        let first = events.len();
        let State { judge, logons, .. } = state;
        for body in bodies {
            let ev = Event {
                v: 1,
                seq: *seq,
                logon,
                thread,
                body,
            };
            *seq += 1;
            if matches!(ev.body, Body::SpoolerStatusFlush { .. }) {
                // Concerns every logon (FQ-4): each logon's spooler learns what it owes.
                for other in logons.iter_mut() {
                    other.spooler.observe(&ev, &other.judge);
                }
            } else {
                let ls = &mut logons[logon as usize];
                ls.spooler.observe(&ev, &ls.judge);
            }
            let ls = &mut logons[logon as usize];
            observe_event(judge, &mut ls.judge, &cfg.settings, &ev, &mut sink)
                .expect("the model only makes well-formed traces");
            events.push(ev);
        }
        if delivers_cancelled(&logons[logon as usize], &events[first..]) {
            state.redelivered = true;
        }
        state.violations.union(sink.violations);
        true
    }
}

/// The lane (thread) a logon's call runs on.
fn lane_of(call: Call) -> Lane {
    match call {
        Call::Notify { .. } => Lane::Notify,
        Call::OpenStatusEntry
        | Call::StatusValidateState { .. }
        | Call::StatusFlushQueues { .. }
        | Call::StatusSettingsDialog => Lane::Client,
        c if c.is_provider_level() => Lane::Provider,
        _ => Lane::Main,
    }
}

/// The logical thread of a lane.
fn thread_of(lane: Lane) -> Thread {
    match lane {
        Lane::Main | Lane::Provider => Thread::Spooler,
        Lane::Notify => Thread::Notify,
        Lane::Client => Thread::Client(1),
    }
}

/// Did these events deliver a wire message whose delivery had been cancelled before?
fn delivers_cancelled(ls: &LogonState, evs: &[Event]) -> bool {
    evs.iter()
        .any(|e| matches!(e.body, Body::SaveChanges { .. }))
        && ls
            .main
            .and_then(|r| r.content)
            .is_some_and(|c| ls.provider.cancelled_contents & (1 << c) != 0)
}

/// The event of a provider-level call (none for ServiceConfigure's own event, which is it).
fn provider_call_body(call: Call) -> Option<Body> {
    Some(match call {
        Call::ProviderInit { flags, mapi_ver } => Body::ProviderInit {
            flags: Word(flags),
            mapi_ver: Word(mapi_ver),
        },
        Call::ServiceConfigure => Body::ServiceConfigure,
        Call::Shutdown { flags } => Body::Shutdown { flags: Word(flags) },
        Call::ReleaseProvider => Body::Release {
            object: Released::Provider,
        },
        _ => return None,
    })
}

fn call_body(ls: &LogonState, call: Call) -> Body {
    match call {
        Call::Logon { flags } => Body::TransportLogon {
            flags: LogonFlags::from_raw(flags),
        },
        Call::AddressTypes => Body::AddressTypes,
        Call::Submit { slot, resubmission } => Body::SubmitMessage {
            flags: if resubmission {
                SubmitFlags::BEGIN_DEFERRED
            } else {
                SubmitFlags::empty()
            },
            msg: out_id(slot),
            msg_ref: 0,
        },
        Call::End { slot } => Body::EndMessage {
            msg_ref: ls.judge.out(out_id(slot)).map(|m| m.msg_ref).unwrap_or(0),
        },
        Call::Start { obj } => Body::StartMessage {
            flags: Word(0),
            msg: xpcheck_properties::event::MsgId(obj),
            msg_ref: 1,
        },
        Call::Poll => Body::Poll,
        Call::Idle => Body::Idle { flags: Word(0) },
        Call::FlushQueues { flags } => Body::FlushQueues {
            flags: FlushFlags::from_raw(flags),
        },
        Call::ValidateState { flags } => Body::ValidateState {
            flags: ValidateStateFlags::from_raw(flags),
        },
        Call::OpenStatusEntry => Body::OpenStatusEntry { flags: Word(0) },
        Call::StatusValidateState { flags } => Body::StatusValidateState {
            flags: ValidateStateFlags::from_raw(flags),
        },
        Call::StatusFlushQueues { flags } => Body::StatusFlushQueues {
            flags: FlushFlags::from_raw(flags),
            target: false,
        },
        Call::StatusSettingsDialog => Body::StatusSettingsDialog,
        Call::Logoff { flags } => Body::TransportLogoff {
            flags: LogoffFlags::from_raw(flags),
        },
        Call::ReleaseLogon => Body::Release {
            object: Released::Logon,
        },
        Call::Notify {
            flags,
            slot,
            msg_ref,
        } => Body::TransportNotify {
            flags: TransportNotifyFlags::from_raw(flags),
            data: provider::notify_data(flags, slot, msg_ref),
        },
        c => provider_call_body(c).expect("a provider-level call"),
    }
}

impl Model for XpModel {
    type State = State;
    type Action = Action;

    fn init_states(&self) -> Vec<State> {
        vec![self.initial()]
    }

    fn actions(&self, state: &State, actions: &mut Vec<Action>) {
        // An interrupt during exploration (not while paths are rebuilt after it, when counting
        // has stopped): no more actions, so the checker drains its queue and stops.
        let interrupted =
            || self.counters.counting.load(Ordering::Relaxed) && crate::interrupt::requested();
        if !state.violations.is_empty() || interrupted() {
            return;
        }
        let cfg = &self.cfg;
        // Mail already waiting on the server arrives, in order, before anything else.
        if !cfg.late_mail {
            if let Some(i) = state
                .logons
                .iter()
                .position(|ls| ls.arrivals_left > 0 && ls.judge.life == Life::Idle)
            {
                actions.push(Action::Arrive { logon: i as u8 });
                return;
            }
        }
        let mut pm = Vec::new();
        let views: smallvec::SmallVec<[LogonView<'_>; 2]> = state
            .logons
            .iter()
            .map(|ls| LogonView {
                session: &ls.judge,
                spooler: &ls.spooler,
            })
            .collect();
        spooler::provider_moves(&state.judge, &views, cfg, state.prov.is_none(), &mut pm);
        for (logon, m) in pm {
            if let SpoolerMove::Provider(call) | SpoolerMove::Main(call) = m {
                actions.push(Action::Call { logon, call });
            }
        }
        let mut moves = Vec::new();
        let mut jobs = Vec::new();
        for (i, ls) in state.logons.iter().enumerate() {
            let logon = i as u8;
            for (lane, run) in [
                (Lane::Main, &ls.main),
                (Lane::Notify, &ls.notify),
                (Lane::Client, &ls.client),
            ] {
                if let Some(run) = run {
                    for choice in 0..provider::choices(ls, cfg, run) {
                        actions.push(Action::Step {
                            logon,
                            lane,
                            choice,
                        });
                    }
                }
            }
            moves.clear();
            ls.spooler.allowed(
                &ls.judge,
                cfg,
                ls.main.is_none(),
                ls.notify.is_none(),
                &mut moves,
            );
            for m in &moves {
                if !spooler::permitted(&state.judge, logon, m) {
                    continue;
                }
                actions.push(match *m {
                    SpoolerMove::Main(call)
                    | SpoolerMove::Notify(call)
                    | SpoolerMove::Client(call)
                    | SpoolerMove::Provider(call) => Action::Call { logon, call },
                    SpoolerMove::TimePasses => Action::TimePasses { logon },
                    SpoolerMove::AbortSubmit(slot) => Action::AbortSubmit { logon, slot },
                    SpoolerMove::StoreLogoff(flags) => Action::StoreLogoff { logon, flags },
                    SpoolerMove::SpoolerStatusFlush => Action::SpoolerStatusFlush,
                });
            }
            jobs.clear();
            provider::jobs(ls, cfg, &mut jobs);
            actions.extend(jobs.iter().map(|&job| Action::Background { logon, job }));
            if ls.arrivals_left > 0 && ls.judge.life == Life::Active && cfg.late_mail {
                actions.push(Action::Arrive { logon });
            }
        }
    }

    fn next_state(&self, last: &State, action: Action) -> Option<State> {
        let mut s = last.clone();
        let mut events = Vec::with_capacity(4);
        let mut seq = 0;
        if !self.perform(&mut s, action, &mut events, &mut seq) {
            return None;
        }
        if self.canonical {
            canonicalize(&mut s);
        }
        Some(s)
    }

    fn properties(&self) -> Vec<Property<Self>> {
        let mut p: Vec<Property<Self>> = if self.per_rule_properties {
            Rid::ALL
                .iter()
                .filter(|r| r.kind() == CheckKind::Monitor)
                .map(|r| Property::always(r.id(), HOLDS[*r as usize]))
                .collect()
        } else {
            vec![Property::always(EVERY_RULE, |_, s: &State| {
                s.violations.is_empty()
            })]
        };
        p.push(Property::sometimes(SOMETIMES[0], |_, s: &State| {
            s.logons.iter().any(|ls| {
                matches!(
                    ls.main,
                    Some(Run {
                        call: Call::Start { .. },
                        ..
                    })
                ) && ls.judge.inb.obj.is_some_and(|o| o.cancel != Cancel::None)
            })
        }));
        p.push(Property::sometimes(SOMETIMES[1], |_, s: &State| {
            s.redelivered
        }));
        p.push(Property::sometimes(SOMETIMES[2], |_, s: &State| {
            s.logons.iter().any(|ls| {
                ls.judge
                    .out
                    .iter()
                    .any(|m| m.in_flight() && m.end_outbound_seen)
            })
        }));
        p
    }

    /// The action in MAPI words: thread, call, flag names, msg-refs (`xpcheck explore`).
    fn format_action(&self, action: &Action) -> String {
        crate::explorer::action_words(action, self.cfg.logons)
    }

    /// The step as the events it makes, numbered as in every counterexample.
    fn format_step(&self, last: &State, action: Action) -> Option<String> {
        crate::explorer::step_words(self, last, action)
    }
}

/// Symmetry reduction: outbound messages are interchangeable, so each logon's outbound slots are
/// put in a canonical order (sorted by everything known about them) and renamed accordingly.
pub fn representative(state: &State) -> State {
    let mut s = state.clone();
    canonicalize(&mut s);
    s
}

/// Puts `state` in the canonical form [`representative`] returns, in place.
pub fn canonicalize(state: &mut State) {
    for ls in &mut state.logons {
        canonical_outbound(ls);
    }
}

fn canonical_outbound(ls: &mut LogonState) {
    use crate::config::MAX_MESSAGES;
    type Key = (
        u8,
        crate::spooler::Queue,
        crate::provider::Held,
        u32,
        bool,
        Option<(
            OutPhase,
            u32,
            bool,
            bool,
            bool,
            Cancel,
            bool,
            bool,
            u32,
            u32,
            u8,
        )>,
        Option<(bool, bool, u8)>,
    );
    let mut keys: [(Key, usize); MAX_MESSAGES] = std::array::from_fn(|i| {
        let slot = i as u8;
        let running = |r: &Option<Run>| match r.map(|r| r.call) {
            Some(Call::Submit { slot: s, .. } | Call::End { slot: s }) if s == slot => 1,
            Some(Call::Notify { slot: Some(s), .. }) if s == slot => 2,
            _ => 0,
        };
        let rec = ls.judge.out(out_id(slot)).map(|m| {
            (
                m.phase,
                m.msg_ref,
                m.ref_written,
                m.touched,
                m.modified,
                m.cancel,
                m.resubmission,
                m.end_outbound_seen,
                m.wait,
                m.last_hr.0,
                m.ended as u8,
            )
        });
        let sub = ls
            .judge
            .status_flow
            .sub(out_id(slot))
            .map(|m| (m.transmitted, m.responsible, m.reports));
        let p = &ls.provider;
        (
            (
                running(&ls.main) | running(&ls.notify) << 2,
                ls.spooler.queue[i],
                p.held[i],
                p.out_ref[i],
                p.out_cancel[i],
                rec,
                sub,
            ),
            i,
        )
    });
    keys.sort();
    let perm: [usize; MAX_MESSAGES] = std::array::from_fn(|new| keys[new].1); // new slot <- old slot
    if perm.iter().enumerate().all(|(n, o)| n == *o) {
        return;
    }
    let mut new_of_old = [0u8; MAX_MESSAGES];
    for (new, &old) in perm.iter().enumerate() {
        new_of_old[old] = new as u8;
    }
    let q = ls.spooler.queue;
    let p = ls.provider.clone();
    for (new, &old) in perm.iter().enumerate() {
        ls.spooler.queue[new] = q[old];
        ls.provider.held[new] = p.held[old];
        ls.provider.out_ref[new] = p.out_ref[old];
        ls.provider.out_cancel[new] = p.out_cancel[old];
    }
    let map = |id: xpcheck_properties::event::MsgId| match crate::spooler::slot_of(id) {
        Some(s) => out_id(new_of_old[s as usize]),
        None => id,
    };
    ls.judge.relabel_outbound(map);
    for run in [&mut ls.main, &mut ls.notify].into_iter().flatten() {
        match &mut run.call {
            Call::Submit { slot, .. }
            | Call::End { slot }
            | Call::Notify {
                slot: Some(slot), ..
            } => *slot = new_of_old[*slot as usize],
            _ => {}
        }
    }
}
