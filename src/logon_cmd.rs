//! `xpcheck logon`: what MAPI does with one `MAPILogonEx` call in a fresh process, and which
//! client rules the call breaks (LOGON-*, INIT-*, SVC-*), with the HRESULT MAPI returns.
//!
//! The call runs through the session model (one client thread: `MAPIInitialize`, the logon,
//! a status-table read, `Logoff`, `MAPIUninitialize`), taking the first enabled step each time
//! (the spooler starts transports as soon as they are needed; a user shown the logon dialog
//! picks the default profile), and the client monitors judge the resulting trace.

use serde::Serialize;
use xpcheck_model::session::behaviour::CUSTOM_PROFILE;
use xpcheck_model::session::{
    Await, ClientBehaviour, ProfileArg, Program, SessionConfig, SessionModel, SessionScenario,
};
use xpcheck_properties::client::event::{ClientBody, ClientCall, ClientEvent, ProviderKind};
use xpcheck_properties::client::judge::judge_trace;
use xpcheck_properties::client::render::step_line;
use xpcheck_properties::client::resolve::{resolve, Invalid, Resolution};
use xpcheck_properties::client::ClientFinding;
use xpcheck_properties::judge::Severity;
use xpcheck_properties::vocab::{FlagWord, HResult, MapiInitFlags, MapiLogonFlags};

/// One `MAPILogonEx` call to explain.
#[derive(Clone, Debug)]
pub struct LogonRequest {
    /// `flFlags`.
    pub flags: MapiLogonFlags,
    /// `lpszProfileName` (`None` = NULL).
    pub profile: Option<String>,
    /// `lpszPassword` is NULL (LOGON-1).
    pub password_null: bool,
    /// The process is a Windows service.
    pub service: bool,
    /// `MAPIINIT_0.ulFlags` (default: `MAPI_MULTITHREAD_NOTIFICATIONS`, plus `MAPI_NT_SERVICE`
    /// for a service).
    pub init_flags: Option<MapiInitFlags>,
}

impl LogonRequest {
    /// Parses the CLI's flag words: `|`-separated MAPI names (or numbers). An unknown name is
    /// an error naming it (exit 2).
    pub fn parse(
        flags: &str,
        init_flags: Option<&str>,
        profile: Option<String>,
        password: bool,
        service: bool,
    ) -> Result<LogonRequest, String> {
        let flags = MapiLogonFlags::parse(no_negative(flags, "--flags")?)
            .map_err(|e| format!("--flags: {e}"))?;
        let init_flags = init_flags
            .map(|t| {
                MapiInitFlags::parse(no_negative(t, "--init-flags")?)
                    .map_err(|e| format!("--init-flags: {e}"))
            })
            .transpose()?;
        Ok(LogonRequest {
            flags,
            profile,
            password_null: !password,
            service,
            init_flags,
        })
    }
}

/// A flag word on the command line is MAPI names or numbers 0..=0xFFFFFFFF; a negative number
/// (which a trace may carry as a signed HRESULT) is not a flag word here.
fn no_negative<'a>(text: &'a str, option: &str) -> Result<&'a str, String> {
    match text.split('|').map(str::trim).find(|p| p.starts_with('-')) {
        Some(p) => Err(format!(
            "{option}: {p} is negative; flags are MAPI names or numbers 0..=0xFFFFFFFF, separated by |"
        )),
        None => Ok(text),
    }
}

/// The status table the client read after its logon (LOGON-10).
#[derive(Clone, Debug, Serialize)]
pub struct StatusTableView {
    /// Transport rows.
    pub transport_rows: u8,
    /// The spooler row's `PR_STATUS_CODE`.
    pub spooler_status: String,
}

/// A rule finding as reported by `logon`.
#[derive(Clone, Debug, Serialize)]
pub struct Broken {
    /// Rule ID.
    pub rule: &'static str,
    /// The rule's summary.
    pub summary: &'static str,
    /// Who is at fault (`client` or `mapi`).
    pub blame: String,
    /// What happened.
    pub message: String,
}

/// What MAPI does with the call.
#[derive(Clone, Debug, Serialize)]
pub struct LogonReport {
    /// `flFlags` as hex.
    pub flags: MapiLogonFlags,
    /// `flFlags` by name.
    pub flags_text: String,
    /// `lpszProfileName`.
    pub profile: Option<String>,
    /// `lpszPassword` is NULL.
    pub password_null: bool,
    /// The process is a Windows service.
    pub service: bool,
    /// `MAPIINIT_0.ulFlags` used.
    pub init_flags: MapiInitFlags,
    /// How MAPI obtains the session (LOGON-5, LOGON-7, LOGON-8, LOGON-16).
    pub resolution: Resolution,
    /// In words.
    pub explanation: Vec<String>,
    /// What `MAPILogonEx` returns.
    pub hr: HResult,
    /// Its name.
    pub hr_name: &'static str,
    /// The session's profile, when one was returned.
    pub session_profile: Option<String>,
    /// The session is the shared session.
    pub shared: bool,
    /// The spooler logged on the transport providers for the session.
    pub transports_logged_on: bool,
    /// The status table the client saw.
    pub status_table: Option<StatusTableView>,
    /// Rules broken (errors).
    pub broken: Vec<Broken>,
    /// Warnings (INIT-5, NOTIF-4).
    pub warnings: Vec<Broken>,
    /// The trace, client events (JSON Lines objects).
    pub events: Vec<ClientEvent>,
}

fn broken(f: &ClientFinding) -> Broken {
    Broken {
        rule: f.rule,
        summary: xpcheck_properties::catalog::get(f.rule)
            .map(|r| r.summary)
            .unwrap_or(""),
        blame: format!("{:?}", f.blame).to_lowercase(),
        message: f.message.clone(),
    }
}

/// Runs the call in a fresh process and judges it.
pub fn explain(req: &LogonRequest) -> LogonReport {
    let init_flags = req.init_flags.unwrap_or(if req.service {
        MapiInitFlags::MAPI_MULTITHREAD_NOTIFICATIONS | MapiInitFlags::MAPI_NT_SERVICE
    } else {
        MapiInitFlags::MAPI_MULTITHREAD_NOTIFICATIONS
    });
    let profile = match &req.profile {
        None => ProfileArg::Null,
        Some(p) if p.is_empty() => ProfileArg::Empty,
        Some(_) => ProfileArg::Name(CUSTOM_PROFILE),
    };
    let program = Program {
        init: init_flags,
        init_version: 0,
        flags: req.flags,
        profile,
        password_null: req.password_null,
        ui_param: 0,
        status_table: true,
        wait: Await::None,
    };
    let cfg = SessionConfig {
        scenario: if req.service {
            SessionScenario::Service
        } else {
            SessionScenario::App
        },
        service: req.service,
        behaviour: ClientBehaviour::Correct,
        programs: vec![vec![program]],
        posts: 0,
    };
    let mut model = SessionModel::new(cfg);
    model.custom_profile = req.profile.clone().unwrap_or_default();
    model.stop_counting();
    model.stop_on_violation = false;
    let events = model.first_run();
    let (judged, _) = judge_trace(&events);
    let resolution = resolve(req.flags, req.profile.as_deref(), req.password_null, false);

    let mut hr = HResult::MAPI_E_NOT_INITIALIZED;
    let mut session_profile = None;
    let mut shared = false;
    let mut transports = false;
    let mut status_table = None;
    let mut dialog = false;
    let mut config_dialog = false;
    let mut init_hr = HResult::S_OK;
    for e in &events {
        match &e.body {
            ClientBody::MapiReturn {
                call: ClientCall::MapiLogonEx,
                hr: h,
                profile,
                shared: sh,
                ..
            } => {
                hr = *h;
                session_profile = profile.clone();
                shared = *sh;
            }
            ClientBody::MapiReturn {
                call: ClientCall::MapiInitialize,
                hr: h,
                ..
            } => init_hr = *h,
            ClientBody::ProviderStart {
                kind: ProviderKind::Transport,
                ..
            } => transports = true,
            ClientBody::StatusTable {
                transport_rows,
                spooler_status,
                ..
            } => {
                status_table = Some(StatusTableView {
                    transport_rows: *transport_rows,
                    spooler_status: spooler_status.describe(),
                })
            }
            ClientBody::LogonDialog { .. } => dialog = true,
            ClientBody::ServiceConfigDialog => config_dialog = true,
            _ => {}
        }
    }
    let f = req.flags;
    let mut ex = Vec::new();
    if init_hr != HResult::S_OK {
        ex.push(format!(
            "MAPIInitialize fails with {init_hr} (INIT-9), so MAPILogonEx fails with MAPI_E_NOT_INITIALIZED (INIT-1)"
        ));
    }
    ex.push(match resolution {
        Resolution::Invalid(why) => format!(
            "invalid parameters ({}): MAPI_E_LOGON_FAILED (LOGON-14)",
            match why {
                Invalid::PasswordNotNull => "lpszPassword is not NULL, LOGON-1",
                Invalid::NameTooLong => "profile name longer than 64 characters, LOGON-2",
                Invalid::UnknownFlags => "flFlags has bits that name no MAPILogonEx flag",
                Invalid::TwoUiFlags => "MAPI_LOGON_UI and MAPI_PASSWORD_UI together, LOGON-16",
            }
        ),
        Resolution::Join => "joins the shared session (unreachable in a fresh process)".into(),
        Resolution::Named => format!(
            "profile: the named profile {:?}; with no shared session in this fresh process a new session is created{} (LOGON-5, LOGON-8)",
            req.profile.as_deref().unwrap_or(""),
            if f.contains(MapiLogonFlags::MAPI_NEW_SESSION) { "" } else { " — but once a shared session exists, a logon without MAPI_NEW_SESSION joins it and ignores the name" }
        ),
        Resolution::Default => "profile: MAPI_USE_DEFAULT substitutes the default profile (LOGON-8)".into(),
        Resolution::Dialog => "profile: none given and no MAPI_USE_DEFAULT: MAPI shows the logon dialog with an empty profile field; the user picks a profile (S_OK) or cancels (MAPI_E_USER_CANCEL) (LOGON-7, LOGON-8)".into(),
        Resolution::NoProfile => "profile: none given, no MAPI_USE_DEFAULT and no MAPI_LOGON_UI: no profile can be obtained, MAPI_E_LOGON_FAILED (LOGON-7, LOGON-16)".into(),
    });
    if hr == HResult::S_OK {
        ex.push(format!(
            "session: a new session on profile {:?}{} (LOGON-6)",
            session_profile.as_deref().unwrap_or(""),
            if shared {
                ", made the shared session by MAPI_ALLOW_OTHERS"
            } else {
                ", not shared"
            }
        ));
        if config_dialog {
            ex.push("MAPI_SERVICE_UI_ALWAYS: the configuration dialog of every message service appears before the services log on (LOGON-15)".into());
        }
        if dialog {
            ex.push("a logon dialog appears (LOGON-7)".into());
        }
        ex.push(if transports {
            if f.contains(MapiLogonFlags::MAPI_FORCE_DOWNLOAD) {
                "transports: the spooler logs on the transport providers and MAPI_FORCE_DOWNLOAD downloads before MAPILogonEx returns (LOGON-9, LOGON-17)".into()
            } else {
                "transports: the spooler logs on the transport providers when first needed, after the stores (LOGON-17)".into()
            }
        } else {
            "transports: none — MAPI_NO_MAIL: the spooler is never told about the session, no TransportLogon, no transport status rows, spooler row STATUS_FAILURE (LOGON-10)".into()
        });
    }
    if f.contains(MapiLogonFlags::MAPI_TIMEOUT_SHORT) {
        ex.push("MAPI_TIMEOUT_SHORT: MAPI_E_TIMEOUT only if another thread holds the logon mutex; none does in this fresh process (LOGON-13)".into());
    }
    LogonReport {
        flags: f,
        flags_text: f.describe(),
        profile: req.profile.clone(),
        password_null: req.password_null,
        service: req.service,
        init_flags,
        resolution,
        explanation: ex,
        hr,
        hr_name: hr.name().unwrap_or("?"),
        session_profile,
        shared,
        transports_logged_on: transports,
        status_table,
        broken: judged.errors().map(broken).collect(),
        warnings: judged
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .map(broken)
            .collect(),
        events,
    }
}

impl LogonReport {
    /// 0 when the call breaks no rule, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        i32::from(!self.broken.is_empty())
    }

    /// The JSON document.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("reports serialise")
    }

    /// The text report.
    pub fn render(&self) -> String {
        let mut out = format!(
            "MAPILogonEx(0, {}, {}, {}) in {}\nMAPIInitialize({{0, {}}}) first\n\nwhat MAPI does:\n",
            match &self.profile {
                Some(p) => format!("{p:?}"),
                None => "NULL".into(),
            },
            if self.password_null { "NULL" } else { "<password>" },
            self.flags_text,
            if self.service { "a Windows service" } else { "an application" },
            self.init_flags.describe()
        );
        for line in &self.explanation {
            out += &format!("  - {line}\n");
        }
        if let Some(t) = &self.status_table {
            out += &format!(
                "  - status table: {} transport row(s), spooler row {}\n",
                t.transport_rows, t.spooler_status
            );
        }
        out += &format!(
            "  - MAPILogonEx returns {} (0x{:08X})\n",
            self.hr_name, self.hr.0
        );
        if self.broken.is_empty() {
            out += "\nrules broken: none\n";
        } else {
            out += "\nrules broken:\n";
            for b in &self.broken {
                out += &format!("  {:<9} [{}] {}\n", b.rule, b.blame, b.message);
            }
        }
        for w in &self.warnings {
            out += &format!("  warning {:<9} [{}] {}\n", w.rule, w.blame, w.message);
        }
        out += "\ntrace:\n";
        for e in &self.events {
            out += &step_line(e);
            out.push('\n');
        }
        out
    }
}
