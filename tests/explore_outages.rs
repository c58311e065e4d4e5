//! Exhaustive exploration of real code takes the remote system offline (a store-and-forward
//! provider defers, EM-2, DEF-4) and lets SpoolerYield answer MAPI_W_CANCEL_MESSAGE (YLD-4):
//! both are actions of the explorer, followed here along one path each. Loopback defers and
//! stops on the yield's cancel (quiet); a provider deaf to the yield's answer breaks YLD-4.

use std::sync::Arc;

use stateright::Model;
use xpcheck::builtin::loopback::explorable;
use xpcheck::model::spooler::SpoolerMove;
use xpcheck::model::state::Call;
use xpcheck::prelude::*;
use xpcheck::sim::explore::{ExploreAction, ExploreModel, YIELD_CANCEL};

/// Follows `path` (each a predicate picking one of the actions the explorer offers); the last
/// state and whether "no rule broken" still holds there.
fn follow<L: ExplorableLogon>(
    model: &ExploreModel<L>,
    path: &[&dyn Fn(&ExploreAction) -> bool],
) -> (String, bool) {
    let mut s = model.init_states().remove(0);
    for (i, want) in path.iter().enumerate() {
        let mut actions = Vec::new();
        model.actions(&s, &mut actions);
        let a = *actions
            .iter()
            .find(|a| want(a))
            .unwrap_or_else(|| panic!("step {i}: no such action among {actions:?}"));
        s = model.next_state(&s, a).expect("a next state");
    }
    let holds = model
        .properties()
        .iter()
        .find(|p| p.name == "no rule broken")
        .map(|p| (p.condition)(model, &s))
        .expect("the property");
    (format!("{s:?}"), holds)
}

fn main_call(want: fn(&Call) -> bool) -> impl Fn(&ExploreAction) -> bool {
    move |a| matches!(a, ExploreAction::Spooler(SpoolerMove::Main(c), None) if want(c))
}

fn begin_outbound(a: &ExploreAction) -> bool {
    matches!(a, ExploreAction::Spooler(SpoolerMove::Notify(Call::Notify { flags, .. }), None)
        if *flags == TransportNotifyFlags::NOTIFY_BEGIN_OUTBOUND.raw())
}

fn model<L: ExplorableLogon>(
    logon: impl Fn(Support, Wire, &mut LogonFlags) -> Result<L, HResult> + Send + Sync + 'static,
) -> ExploreModel<L> {
    ExploreModel::new(Arc::new(logon), conformance::explore_options())
}

#[test]
fn the_wire_goes_offline_and_loopback_defers_then_announces() {
    let m = model(explorable(None));
    let logon = main_call(|c| matches!(c, Call::Logon { .. }));
    let address_types = main_call(|c| matches!(c, Call::AddressTypes));
    // Slot 0 is mail for another transport (NOT_ME); slot 1 is loopback's.
    let submit0 = main_call(|c| matches!(c, Call::Submit { slot: 0, .. }));
    let submit1 = main_call(|c| matches!(c, Call::Submit { slot: 1, .. }));
    let end1 = main_call(|c| matches!(c, Call::End { slot: 1 }));
    let offline = |a: &ExploreAction| *a == ExploreAction::Wire(false);
    let online = |a: &ExploreAction| *a == ExploreAction::Wire(true);
    // FlushQueues announces what is deferred (FQ-7), once the wire is back.
    let flush = main_call(|c| matches!(c, Call::FlushQueues { .. }));
    let path: Vec<&dyn Fn(&ExploreAction) -> bool> = vec![
        &logon,
        &address_types,
        &begin_outbound,
        &offline,
        &submit0,
        &submit1,
        &end1,
    ];
    let (deferred, holds) = follow(&m, &path);
    assert!(holds, "{deferred}");
    assert!(
        deferred.contains("Deferred"),
        "EndMessage deferred it: {deferred}"
    );
    let mut more = path.clone();
    more.extend([&online as &dyn Fn(&ExploreAction) -> bool, &flush]);
    let (announced, holds) = follow(&m, &more);
    assert!(holds, "{announced}");
    assert!(
        announced.contains("Resubmit"),
        "back online, FlushQueues announced it (NOTIFY_SENTDEFERRED): {announced}"
    );
}

/// Sends at once and asks SpoolerYield in between, but does not listen to its answer.
struct Deaf(Support, Wire);

impl TransportLogon for Deaf {
    fn transport_notify(&self, f: &mut TransportNotifyFlags, _: Option<NotifyData>) -> HResult {
        let mut row = StatusCode::STATUS_AVAILABLE;
        row.set(
            StatusCode::STATUS_OUTBOUND_ENABLED,
            f.requested().outbound == Some(true),
        );
        self.0
            .modify_status_row(StatusRowFlags::STATUSROW_UPDATE, row);
        HResult::S_OK
    }

    fn submit_message(&self, _: SubmitFlags, m: &Message, out: &MsgRefOut, _: &mut u32) -> HResult {
        out.set(2);
        let _ = self.0.spooler_yield(); // the flaw: MAPI_W_CANCEL_MESSAGE changes nothing
        m.transmit(&self.1, false, false);
        m.set_responsibility();
        HResult::S_OK
    }

    fn end_message(&self, _: u32, flags: &mut EndMessageFlags) -> HResult {
        *flags = EndMessageFlags::empty();
        HResult::S_OK
    }

    fn flush_queues(&self, _: FlushFlags) -> HResult {
        HResult::S_OK
    }

    fn transport_logoff(&self, _: LogoffFlags) -> HResult {
        HResult::S_OK
    }
}

impl ExplorableLogon for Deaf {
    type Snapshot = ();

    fn save(&self) {}

    fn restore(_: &(), support: Support, wire: Wire) -> Deaf {
        Deaf(support, wire)
    }
}

fn deaf(support: Support, wire: Wire, flags: &mut LogonFlags) -> Result<Deaf, HResult> {
    support.modify_status_row(StatusRowFlags::empty(), StatusCode::STATUS_AVAILABLE);
    *flags = LogonFlags::empty();
    Ok(Deaf(support, wire))
}

/// Submit of slot 1 with SpoolerYield answering MAPI_W_CANCEL_MESSAGE at callback `k`.
fn yield_cancel_at(k: u8) -> impl Fn(&ExploreAction) -> bool {
    move |a| {
        matches!(a, ExploreAction::Spooler(SpoolerMove::Main(Call::Submit { slot: 1, .. }), Some((at, j)))
            if *at == k && *j == YIELD_CANCEL)
    }
}

#[test]
fn spooler_yield_answers_cancel_loopback_stops_a_deaf_provider_breaks_yld4() {
    let logon = main_call(|c| matches!(c, Call::Logon { .. }));
    let address_types = main_call(|c| matches!(c, Call::AddressTypes));
    let submit0 = main_call(|c| matches!(c, Call::Submit { slot: 0, .. }));
    // Loopback's SubmitMessage: *lpulMsgRef (0), read (1), transmit (2), PR_RESPONSIBILITY (3),
    // SpoolerYield (4).
    let loopback_yield = yield_cancel_at(4);
    let (s, holds) = follow(
        &model(explorable(None)),
        &[
            &logon,
            &address_types,
            &begin_outbound,
            &submit0,
            &loopback_yield,
        ],
    );
    assert!(holds, "loopback stops on the yield's cancel: {s}");
    // The deaf provider: *lpulMsgRef (0), SpoolerYield (1), then it transmits anyway. Slot 0 is
    // mail for another transport; it takes it too — the second submit is the one that yields.
    let deaf_yield = yield_cancel_at(1);
    let submit_plain = main_call(|c| matches!(c, Call::Submit { slot: 0, .. }));
    let end0 = main_call(|c| matches!(c, Call::End { slot: 0 }));
    let (s, holds) = follow(
        &model(deaf),
        &[
            &logon,
            &address_types,
            &begin_outbound,
            &submit_plain,
            &end0,
            &deaf_yield,
        ],
    );
    let mut yld4 = xpcheck::properties::rule_set::RuleMask::EMPTY;
    yld4.insert(xpcheck::properties::rules::Rid::Yld4);
    assert!(!holds, "a rule is broken: {s}");
    assert!(
        s.contains(&format!("broken: {yld4:?}")),
        "YLD-4 and only it: {s}"
    );
}
