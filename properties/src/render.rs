//! Human-readable rendering of events, shared by every engine's counterexamples.

use crate::event::{Body, Event, NotifyData};
use crate::judge::Finding;
use crate::vocab::{EndMessageFlags, FlagWord, LogonFlags, TransportNotifyFlags};

/// One event as a call-like line: `TransportNotify(NOTIFY_CANCEL_MESSAGE, msg_ref=5)`.
pub fn describe(ev: &Event) -> String {
    let line = match ev.body {
        Body::TransportLogon { flags } => format!("TransportLogon({})", flags.describe()),
        Body::AddressTypes => "AddressTypes()".into(),
        Body::TransportNotify { flags, data } => match data {
            Some(NotifyData::MsgRef(r)) => {
                format!("TransportNotify({}, msg_ref={r})", flags.describe())
            }
            Some(NotifyData::EntryId(m)) => {
                format!("TransportNotify({}, entry_id={m})", flags.describe())
            }
            None => format!("TransportNotify({})", flags.describe()),
        },
        Body::SubmitMessage {
            flags,
            msg,
            msg_ref,
        } => format!(
            "SubmitMessage({}, {msg}, msg_ref={msg_ref})",
            flags.describe()
        ),
        Body::EndMessage { msg_ref } => format!("EndMessage(msg_ref={msg_ref})"),
        Body::StartMessage {
            flags,
            msg,
            msg_ref,
        } => format!("StartMessage(0x{:X}, {msg}, msg_ref={msg_ref})", flags.0),
        Body::Poll => "Poll()".into(),
        Body::Idle { flags } => format!("Idle(0x{:X})", flags.0),
        Body::FlushQueues { flags } => format!("FlushQueues({})", flags.describe()),
        Body::ValidateState { flags } => format!("ValidateState({})", flags.describe()),
        Body::OpenStatusEntry { flags } => format!("OpenStatusEntry(0x{:X})", flags.0),
        Body::ProviderInit { flags, mapi_ver } => {
            format!(
                "XPProviderInit(0x{:X}, ulMAPIVer=0x{:08X})",
                flags.0, mapi_ver.0
            )
        }
        Body::RegisterOptions => "RegisterOptions()".into(),
        Body::Release { object } => format!("Release({object:?})"),
        Body::StatusValidateState { flags } => {
            format!("IMAPIStatus::ValidateState({})", flags.describe())
        }
        Body::StatusFlushQueues { flags, target } => format!(
            "IMAPIStatus::FlushQueues({}{})",
            flags.describe(),
            if target { ", target" } else { "" }
        ),
        Body::StatusSettingsDialog => "IMAPIStatus::SettingsDialog()".into(),
        Body::MakeInvalid => "  MakeInvalid(logon)".into(),
        Body::SupportRelease => "  Release(support object)".into(),
        Body::ShowUi { cancelled } => format!(
            "  shows a dialog{}",
            if cancelled { " (user cancelled)" } else { "" }
        ),
        Body::ServiceConfigure => "MAPI: service entry(MSG_SERVICE_CONFIGURE)".into(),
        Body::SpoolerStatusFlush { flags, target } => match target {
            Some(i) => format!(
                "spooler's IMAPIStatus::FlushQueues({}, target=logon {i})",
                flags.describe()
            ),
            None => format!("spooler's IMAPIStatus::FlushQueues({})", flags.describe()),
        },
        Body::TransportLogoff { flags } => format!("TransportLogoff({})", flags.describe()),
        Body::Shutdown { flags } => format!("Shutdown(0x{:X})", flags.0),
        Body::Return {
            method,
            hr,
            flags,
            msg_ref,
            return_parm,
            incoming,
        } => {
            let mut s = format!("{method:?} returns {hr}");
            if let Some(w) = flags {
                let text = match method {
                    crate::event::Method::TransportNotify => {
                        TransportNotifyFlags::from_raw(w.0).describe()
                    }
                    crate::event::Method::EndMessage => EndMessageFlags::from_raw(w.0).describe(),
                    crate::event::Method::TransportLogon => LogonFlags::from_raw(w.0).describe(),
                    _ => format!("0x{:08X}", w.0),
                };
                s += &format!(", flags={text}");
            }
            if let Some(r) = msg_ref {
                s += &format!(", msg_ref={r}");
            }
            if let Some(p) = return_parm {
                s += &format!(", return_parm={p}");
            }
            if let Some(n) = incoming {
                s += &format!(", incoming={n}");
            }
            s
        }
        Body::SpoolerNotify {
            flags,
            entry_id,
            result,
        } => {
            let mut s = match entry_id {
                Some(m) => format!("  SpoolerNotify({}, {m})", flags.describe()),
                None => format!("  SpoolerNotify({})", flags.describe()),
            };
            if result != crate::vocab::HResult::S_OK {
                s += &format!(" -> {result}");
            }
            s
        }
        Body::SpoolerYield { result, .. } => format!("  SpoolerYield() -> {result}"),
        Body::ModifyStatusRow {
            flags,
            status,
            columns,
            resource_methods,
            remote_validate_ok,
            result,
        } => {
            let mut s = format!(
                "  ModifyStatusRow({}, {}",
                flags.describe(),
                status.describe()
            );
            if let Some(c) = columns {
                s += &format!(", columns={}", c.describe());
            }
            if let Some(m) = resource_methods {
                s += &format!(
                    ", PR_RESOURCE_METHODS={}",
                    crate::vocab::ResourceMethods::from_raw(m.0).describe()
                );
            }
            if let Some(v) = remote_validate_ok {
                s += &format!(", PR_REMOTE_VALIDATE_OK={v}");
            }
            s.push(')');
            if result != crate::vocab::HResult::S_OK {
                s += &format!(" -> {result}");
            }
            s
        }
        Body::StatusRecips { msg, result } => {
            if result == crate::vocab::HResult::S_OK {
                format!("  StatusRecips({msg})")
            } else {
                format!("  StatusRecips({msg}) -> {result}")
            }
        }
        Body::MsgRefWrite { value } => format!("  *lpulMsgRef = {value}"),
        Body::MessageRead { msg, .. } => format!("  {msg}: read"),
        Body::MessageWrite {
            msg,
            content,
            nontransmittable,
            entry_id,
            message_class,
            ..
        } => {
            let mut s = format!("  {msg}: SetProps");
            if message_class == Some(true) {
                s += " +PR_MESSAGE_CLASS";
            }
            if let Some(c) = content {
                s += &format!(" (wire message {c})");
            }
            if nontransmittable {
                s += " +nontransmittable";
            }
            if entry_id {
                s += " +PR_ENTRYID";
            }
            s
        }
        Body::MessageRecipients { msg, complete, .. } => {
            format!(
                "  {msg}: ModifyRecipients{}",
                if complete {
                    ""
                } else {
                    " (incomplete addressing)"
                }
            )
        }
        Body::SetResponsibility { msg, .. } => format!("  {msg}: PR_RESPONSIBILITY = TRUE"),
        Body::Transmit {
            msg,
            nontransmittable,
            taken,
            had_nontransmittable,
            had_taken,
            ..
        } => {
            let mut what = Vec::new();
            if had_nontransmittable {
                what.push(if nontransmittable {
                    "with its nontransmittable properties"
                } else {
                    "without its nontransmittable properties"
                });
            }
            if had_taken {
                what.push(if taken {
                    "to recipients already taken"
                } else {
                    "skipping recipients already taken"
                });
            }
            let what = if what.is_empty() {
                String::new()
            } else {
                format!(" ({})", what.join(", "))
            };
            format!("  {msg}: transmitted{what}")
        }
        Body::SaveChanges { msg, .. } => format!("  {msg}: SaveChanges"),
        Body::MessageRelease { msg } => format!("  {msg}: Release"),
        Body::MailArrived { content } => {
            format!("mail arrives on the wire (wire message {content})")
        }
        Body::TimePasses { secs } => format!("{secs} s pass"),
        Body::AbortSubmit { msg, hr, flags } => {
            if flags.0 == 0 {
                format!("AbortSubmit({msg}) -> {hr}")
            } else {
                format!("AbortSubmit({msg}, 0x{:X}) -> {hr}", flags.0)
            }
        }
        Body::StoreLogoff { flags } => {
            format!(
                "store logs off: StoreLogoffTransports({})",
                flags.describe()
            )
        }
    };
    // A message object that refused the operation (SUB-2).
    match ev.body.message_result() {
        Some(r) if r != crate::vocab::HResult::S_OK => format!("{line} -> {r}"),
        _ => line,
    }
}

/// One numbered step line: `  12 notify    TransportNotify(...)`.
pub fn step_line(ev: &Event) -> String {
    let logon = if ev.logon == 0 {
        String::new()
    } else {
        format!(" L{}", ev.logon)
    };
    format!(
        "{:>4} {:<9}{logon} {}",
        ev.seq,
        ev.thread.name(),
        describe(ev)
    )
}

/// A finding, printed under the step it was found at.
pub fn finding_line(f: &Finding) -> String {
    format!(
        "          ^^^ {} [{:?}, blame {:?}]: {}",
        f.rule, f.severity, f.blame, f.message
    )
}

/// Events as numbered step lines, each followed by the findings `keep` selects at that step.
/// With `stop_at_first` the trace ends at the first step that has one.
pub fn annotated(
    events: &[Event],
    findings: &[Finding],
    keep: impl Fn(&Finding) -> bool,
    stop_at_first: bool,
) -> String {
    let mut out = String::new();
    for ev in events {
        out += &step_line(ev);
        out.push('\n');
        let mut found = false;
        for f in findings.iter().filter(|f| f.seq == ev.seq && keep(f)) {
            out += &finding_line(f);
            out.push('\n');
            found = true;
        }
        if found && stop_at_first {
            break;
        }
    }
    out
}
