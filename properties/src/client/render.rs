//! Human-readable rendering of client events and findings (the client counterpart of
//! [`crate::render`]).

use super::event::{ClientBody as B, ClientCall, ClientEvent, ProviderKind};
use super::judge::ClientFinding;
use crate::vocab::FlagWord;

/// One client event as a call-like line, e.g. `MAPILogonEx(MAPI_EXTENDED|MAPI_NO_MAIL, "Work")`.
pub fn describe(ev: &ClientEvent) -> String {
    match &ev.body {
        B::ProcessStart { service } => format!(
            "process starts ({})",
            if *service {
                "Windows service"
            } else {
                "application"
            }
        ),
        B::MapiInitialize {
            init,
            from_dll_main,
        } => {
            let arg = match init {
                Some(i) if i.version == 0 => format!("{{0, {}}}", i.flags.describe()),
                Some(i) => format!("{{version {}, {}}}", i.version, i.flags.describe()),
                None => "NULL".into(),
            };
            format!(
                "MAPIInitialize({arg}){}",
                if *from_dll_main { " from DllMain" } else { "" }
            )
        }
        B::CoInitialize => "  CoInitialize".into(),
        B::NotifyWindowCreated { owner } => {
            format!("  hidden notification window created on {}", owner.name())
        }
        B::NotifyWindowDestroyed => "  hidden notification window destroyed".into(),
        B::MapiUninitialize { from_dll_main } => format!(
            "MAPIUninitialize(){}",
            if *from_dll_main { " from DllMain" } else { "" }
        ),
        B::MapiLogonEx {
            flags,
            profile,
            password_null,
            ui_param,
        } => format!(
            "MAPILogonEx(ui={ui_param}, {}, {}, {})",
            match profile {
                Some(p) => format!("{p:?}"),
                None => "NULL".into(),
            },
            if *password_null { "NULL" } else { "\"***\"" },
            flags.describe()
        ),
        B::LogonMutexAcquired => "  logon mutex acquired".into(),
        B::LogonMutexReleased => "  logon mutex released".into(),
        B::LogonDialog { profile_field } => {
            format!("  logon dialog (profile field {profile_field:?})")
        }
        B::ServiceConfigDialog => "  message-service configuration dialog".into(),
        B::ProviderStart { session, kind } => format!(
            "  session {session}: {} start",
            match kind {
                ProviderKind::AddressBook => "address book providers",
                ProviderKind::Store => "message store providers",
                ProviderKind::Transport => "transport providers (TransportLogon)",
            }
        ),
        B::InboundPass { session } => format!("  session {session}: inbound pass (download)"),
        B::MapiReturn {
            call,
            hr,
            session,
            shared,
            profile,
        } => {
            let name = match call {
                ClientCall::MapiInitialize => "MAPIInitialize",
                ClientCall::MapiUninitialize => "MAPIUninitialize",
                ClientCall::MapiLogonEx => "MAPILogonEx",
                ClientCall::HrDispatchNotifications => "HrDispatchNotifications",
                ClientCall::GetStatusTable => "GetStatusTable",
            };
            let mut s = format!("{name} returns {hr}");
            if let Some(id) = session {
                s += &format!(", session {id}");
            }
            if *shared {
                s += " (shared)";
            }
            if let Some(p) = profile {
                s += &format!(", profile {p:?}");
            }
            s
        }
        B::Logoff { session } => format!("session {session}: Logoff"),
        B::GetStatusTable { session } => format!("session {session}: GetStatusTable(0)"),
        B::StatusTable {
            session,
            transport_rows,
            spooler_status,
        } => format!(
            "session {session}: status table: {transport_rows} transport row(s), spooler {}",
            spooler_status.describe()
        ),
        B::SessionUse { session } => format!("session {session}: used"),
        B::NotificationPosted { id, session, kind } => format!(
            "szMAPINotificationMsg posted: notification {id} ({kind:?}) for session {session}"
        ),
        B::NotificationDelivered { id, via } => {
            format!("  notification {id} delivered to its advise sink ({via:?})")
        }
        B::HrDispatchNotifications { flags } => format!("HrDispatchNotifications(0x{:X})", flags.0),
        B::Pump { how } => format!("message loop ({how:?})"),
        B::Wait {
            pumping,
            for_notification,
        } => format!(
            "{}{}",
            if *pumping {
                "MsgWaitForMultipleObjects"
            } else {
                "WaitForSingleObject (no message loop)"
            },
            if *for_notification {
                " for a notification"
            } else {
                ""
            }
        ),
        B::WaitWoke { message } => format!(
            "wait returns ({})",
            if *message {
                "WAIT_OBJECT_0 + nCount: a window message is queued"
            } else {
                "timeout"
            }
        ),
        B::QuitMessage => "WM_QUIT received".into(),
        B::ThreadExit => "thread exits".into(),
        B::ProcessExit => "process exits".into(),
    }
}

/// One numbered step line: `  12 client1   MAPILogonEx(...)`.
pub fn step_line(ev: &ClientEvent) -> String {
    format!("{:>4} {:<9} {}", ev.seq, ev.thread.name(), describe(ev))
}

/// A finding, printed under the step it was found at.
pub fn finding_line(f: &ClientFinding) -> String {
    format!(
        "          ^^^ {} [{:?}, blame {:?}]: {}",
        f.rule, f.severity, f.blame, f.message
    )
}

/// Events as numbered step lines, each followed by the findings `keep` selects at that step.
pub fn annotated(
    events: &[ClientEvent],
    findings: &[ClientFinding],
    keep: impl Fn(&ClientFinding) -> bool,
) -> String {
    let mut out = String::new();
    for ev in events {
        out += &step_line(ev);
        out.push('\n');
        for f in findings.iter().filter(|f| f.seq == ev.seq && keep(f)) {
            out += &finding_line(f);
            out.push('\n');
        }
    }
    out
}
