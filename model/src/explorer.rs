//! The model in MAPI words for stateright's Explorer (`xpcheck explore`): actions with flag
//! names, msg-refs, entry ids and the thread they run on ([`action_words`]), and each step as
//! the events it makes, as every counterexample shows them ([`step_words`]).

use xpcheck_properties::event::Event;
use xpcheck_properties::render::step_line;
use xpcheck_properties::vocab::{
    FlagWord, FlushFlags, LogonFlags, StoreLogoffFlags, TransportNotifyFlags, ValidateStateFlags,
};

use crate::model::XpModel;
use crate::provider::notify_data;
use crate::spooler::out_id;
use crate::state::{Action, Call, Job, Lane, State};

/// One call of the spooler side, e.g. `TransportNotify(NOTIFY_CANCEL_MESSAGE, msg_ref=2)` or
/// `SubmitMessage(msg1, BEGIN_DEFERRED)`.
pub fn call_words(call: &Call) -> String {
    #[allow(unreachable_patterns)] // new calls read as their Debug form until named here
    match *call {
        Call::ProviderInit { flags, mapi_ver } => {
            format!("XPProviderInit(flags={flags:#x}, mapi_ver={mapi_ver:#x})")
        }
        Call::ServiceConfigure => "MSG_SERVICE_CONFIGURE".into(),
        Call::Logon { flags } => {
            format!("TransportLogon({})", LogonFlags::from_raw(flags).describe())
        }
        Call::AddressTypes => "AddressTypes()".into(),
        Call::Submit { slot, resubmission } => format!(
            "SubmitMessage({}, {})",
            if resubmission { "BEGIN_DEFERRED" } else { "0" },
            out_id(slot)
        ),
        Call::End { slot } => format!("EndMessage(the msg-ref of {})", out_id(slot)),
        Call::Start { .. } => "StartMessage(0, a new message object)".into(),
        Call::Poll => "Poll()".into(),
        Call::Idle => "Idle(0)".into(),
        Call::FlushQueues { flags } => {
            format!("FlushQueues({})", FlushFlags::from_raw(flags).describe())
        }
        Call::ValidateState { flags } => format!(
            "ValidateState({})",
            ValidateStateFlags::from_raw(flags).describe()
        ),
        Call::OpenStatusEntry => "OpenStatusEntry()".into(),
        Call::StatusValidateState { flags } => format!(
            "IMAPIStatus::ValidateState({})",
            ValidateStateFlags::from_raw(flags).describe()
        ),
        Call::StatusFlushQueues { flags } => format!(
            "IMAPIStatus::FlushQueues({})",
            FlushFlags::from_raw(flags).describe()
        ),
        Call::StatusSettingsDialog => "IMAPIStatus::SettingsDialog()".into(),
        Call::Logoff { flags } => format!("TransportLogoff({flags:#x})"),
        Call::ReleaseLogon => "Release(logon)".into(),
        Call::Shutdown { flags } => format!("Shutdown({flags:#x})"),
        Call::ReleaseProvider => "Release(provider)".into(),
        Call::Notify {
            flags,
            slot,
            msg_ref,
        } => {
            let f = TransportNotifyFlags::from_raw(flags).describe();
            match notify_data(flags, slot, msg_ref) {
                Some(xpcheck_properties::event::NotifyData::MsgRef(r)) => {
                    format!("TransportNotify({f}, msg_ref={r})")
                }
                Some(xpcheck_properties::event::NotifyData::EntryId(id)) => {
                    format!("TransportNotify({f}, entry id of {id})")
                }
                None => format!("TransportNotify({f})"),
            }
        }
        ref other => format!("{other:?}"),
    }
}

/// An Explorer action: who acts (spooler main thread, notify thread, the provider on one of
/// them, a provider thread, the wire, a client) and what it does.
pub fn action_words(action: &Action, logons: u8) -> String {
    let on = |logon: u8| {
        if logons > 1 {
            format!("logon {logon}: ")
        } else {
            String::new()
        }
    };
    let lane = |l: Lane| match l {
        Lane::Main => "spooler",
        Lane::Notify => "notify",
        Lane::Client => "client1",
        Lane::Provider => "spooler",
    };
    #[allow(unreachable_patterns)] // new actions read as their Debug form until named here
    match *action {
        Action::Call { logon, call } => {
            let thread = match call {
                Call::Notify { .. } => "notify",
                Call::StatusValidateState { .. }
                | Call::StatusFlushQueues { .. }
                | Call::StatusSettingsDialog => "client1",
                _ => "spooler",
            };
            format!("{}{thread:<8} {}", on(logon), call_words(&call))
        }
        Action::Step {
            logon,
            lane: l,
            choice,
        } => format!(
            "{}{:<8} provider's next step in the call on this thread (branch {choice})",
            on(logon),
            lane(l)
        ),
        Action::Background { logon, job } => {
            let what = match job {
                Job::SentDeferred(slot) => {
                    format!("SpoolerNotify(NOTIFY_SENTDEFERRED, {})", out_id(slot))
                }
                Job::NewMail => "SpoolerNotify(NOTIFY_NEWMAIL)".into(),
                Job::CritsecOpen => "SpoolerNotify(NOTIFY_CRITSEC)".into(),
                Job::CritsecClose => "SpoolerNotify(NOTIFY_NONCRIT)".into(),
                Job::TouchDead(obj) => format!("touches msg{obj} after its StartMessage returned"),
                Job::RowAfterLogoff => "ModifyStatusRow after TransportLogoff returned".into(),
                #[allow(unreachable_patterns)]
                other => format!("{other:?}"),
            };
            format!("{}provider {what}", on(logon))
        }
        Action::Arrive { logon } => format!("{}wire     mail arrives", on(logon)),
        Action::TimePasses { logon } => {
            format!("{}spooler  time passes (retry delays expire)", on(logon))
        }
        Action::AbortSubmit { logon, slot } => {
            format!("{}client1  AbortSubmit({})", on(logon), out_id(slot))
        }
        Action::SpoolerStatusFlush => {
            "client1  IMAPIStatus::FlushQueues(FLUSH_UPLOAD|FLUSH_DOWNLOAD) on the spooler's status object".into()
        }
        Action::StoreLogoff { logon, flags } => format!(
            "{}store    StoreLogoffTransports({})",
            on(logon),
            StoreLogoffFlags::from_raw(flags).describe()
        ),
        ref other => format!("{other:?}"),
    }
}

/// An Explorer step: the events `action` makes from `last`, numbered and laid out as in every
/// counterexample, then what the step broke; `None` if the action does not apply.
pub fn step_words(model: &XpModel, last: &State, action: Action) -> Option<String> {
    let mut next = last.clone();
    let mut events: Vec<Event> = Vec::new();
    let mut seq = 0;
    if !model.perform(&mut next, action, &mut events, &mut seq) {
        return None;
    }
    let mut out: String = events.iter().map(|e| step_line(e) + "\n").collect();
    for r in next.violations.iter::<xpcheck_properties::rules::Rid>() {
        if !last.violations.contains(r) {
            out += &format!("breaks {}\n", r.id());
        }
    }
    if out.is_empty() {
        out = "(no event: the provider's step changed only its own state)\n".into();
    }
    Some(out)
}
