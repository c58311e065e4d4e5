//! The client monitors: predicates over (the process state before an event, the event), each
//! owning STAT-9, LOGON-*, INIT-*, SVC-* or NOTIF-* rule IDs. Every check first reports that it was
//! evaluated, then, if it fails, a violation with the rule, the blamed side and a message.

use super::event::{ClientBody as B, ClientCall, ClientEvent, PumpKind, Via};
use super::judge::{ClientSink, ClientState, ClientViolation, LogonCall, Open, NOTIFY_SLOT};
use super::resolve::{resolve_valid, Resolution, ANY_UI, EXCLUSIVE_UI, PROFILE_NAME_MAX};
use super::rules::ClientRid as R;
use crate::event::Thread;
use crate::vocab::{FlagWord, HResult as H, MapiInitFlags as I, MapiLogonFlags as L, StatusCode};

/// Evaluates `$ok` as a check of `$rule`; on failure reports an error (SPEC grades no client
/// situation "warn").
macro_rules! req {
    ($cx:expr, $rule:expr, $ok:expr, $blame:ident, $($msg:tt)+) => {{
        let rule = $rule;
        $cx.out.checked(rule);
        if !($ok) {
            $cx.out.violated(ClientViolation {
                rule,
                seq: $cx.ev.seq,
                severity: $crate::judge::Severity::Error,
                graded: None,
                blame: $crate::judge::Blame::$blame,
                message: format_args!($($msg)+),
            });
        }
    }};
}

struct Cx<'a, S: ClientSink> {
    s: &'a ClientState,
    ev: &'a ClientEvent,
    out: &'a mut S,
}

/// Runs every client monitor on `ev` (thread slot `t`), judged against the state before it.
pub(crate) fn check<S: ClientSink>(
    s: &ClientState,
    ev: &ClientEvent,
    t: Option<usize>,
    out: &mut S,
) {
    let mut cx = Cx { s, ev, out };
    let th = ev.thread.name();
    if let Some(t) = t {
        if s.threads[t].woke && s.service && s.init_thread == Some(t as u8) {
            req!(cx, R::Svc6, matches!(ev.body, B::Pump { .. }), Client,
                "{th}: the wait returned WAIT_OBJECT_0 + nCount (a window message is queued) but the service's initialisation thread did not run GetMessage/TranslateMessage/DispatchMessage next (SVC-6)");
        }
    }
    match &ev.body {
        B::ProcessStart { .. } | B::WaitWoke { .. } | B::QuitMessage | B::InboundPass { .. } => {}
        B::MapiInitialize {
            init,
            from_dll_main,
        } => {
            let flags = init.map(|i| i.flags).unwrap_or_default();
            let well_formed = init.is_none_or_ok();
            req!(cx, R::Init3, well_formed, Client,
                "{th}: MAPIInitialize with MAPIINIT_0 {{ ulVersion = {}, ulFlags = {} }}: ulVersion must be MAPI_INIT_VERSION (0) and only MAPI_MULTITHREAD_NOTIFICATIONS, MAPI_NT_SERVICE, MAPI_NO_COINIT may be set (INIT-3)",
                init.map(|i| i.version).unwrap_or(0), flags.describe());
            let nt = flags.contains(I::MAPI_NT_SERVICE);
            req!(cx, R::Init6, nt == cx.s.service, Client,
                "{th}: MAPIInitialize {} MAPI_NT_SERVICE in MAPIINIT_0.ulFlags but the process {} a Windows service (INIT-6)",
                if nt { "sets" } else { "does not set" }, if cx.s.service { "is" } else { "is not" });
            if cx.s.service {
                req!(cx, R::Svc4, nt, Client,
                    "{th}: a service called MAPIInitialize without MAPI_NT_SERVICE in MAPIINIT_0.ulFlags (SVC-4)");
            }
            req!(cx, R::Init8, !from_dll_main, Client,
                "{th}: MAPIInitialize called from DllMain or a thread-creating/terminating function (INIT-8)");
        }
        B::CoInitialize => {
            if let Some(Open::Init { flags, .. }) = t.map(|t| cx.s.threads[t].open) {
                req!(cx, R::Init7, !flags.contains(I::MAPI_NO_COINIT), Mapi,
                    "{th}: MAPI called CoInitialize although MAPIInitialize was given MAPI_NO_COINIT (INIT-7)");
            }
        }
        B::NotifyWindowCreated { owner } => {
            let open = t.map(|t| cx.s.threads[t].open).unwrap_or_default();
            let expected = match open {
                Open::Init { flags, .. } if flags.contains(I::MAPI_MULTITHREAD_NOTIFICATIONS) => {
                    Some(Thread::Notify)
                }
                Open::Init { .. } => Some(cx.ev.thread),
                _ => None,
            };
            let first = cx.s.window.is_none() && cx.s.refcount == 0;
            req!(cx, R::Init4, first && expected == Some(*owner), Mapi,
                "{th}: hidden notification window created for owner {} (reference count {}, window {}; expected {}): only the first MAPIInitialize creates it, on MAPI's own thread with MAPI_MULTITHREAD_NOTIFICATIONS, else on the initialising thread (INIT-4)",
                owner.name(), cx.s.refcount,
                if cx.s.window.is_some() { "already exists" } else { "absent" },
                expected.map(Thread::name).unwrap_or_else(|| "no window outside MAPIInitialize".into()));
        }
        B::NotifyWindowDestroyed => {
            let ok = t.is_some_and(|t| cx.s.threads[t].open == Open::Uninit) && cx.s.refcount == 1;
            req!(cx, R::Init4, ok, Mapi,
                "{th}: the hidden notification window was destroyed while the MAPIInitialize reference count is {} (it lives until the final MAPIUninitialize, INIT-4)",
                cx.s.refcount);
        }
        B::MapiUninitialize { from_dll_main } => {
            req!(cx, R::Init8, !from_dll_main, Client,
                "{th}: MAPIUninitialize called from DllMain or a thread-creating/terminating function (INIT-8)");
            req!(cx, R::Init2, cx.s.refcount > 0, Client,
                "{th}: MAPIUninitialize without a matching MAPIInitialize (reference count 0, INIT-2)");
        }
        B::MapiLogonEx {
            flags,
            profile,
            password_null,
            ..
        } => logon_call(&mut cx, t, *flags, profile.as_deref(), *password_null),
        B::LogonMutexAcquired => {
            let in_logon = t.is_some_and(|t| matches!(cx.s.threads[t].open, Open::Logon(_)));
            let holder = cx.s.mutex;
            req!(cx, R::Logon13, in_logon && holder.is_none(), Mapi,
                "{th}: the logon mutex was acquired {} (holder: {}); MAPI serialises all logons through one mutex (LOGON-13)",
                if in_logon { "by a logon" } else { "outside MAPILogonEx" },
                holder.map(|h| format!("client{}", h + 1)).unwrap_or_else(|| "none".into()));
        }
        B::LogonMutexReleased => {
            req!(
                cx,
                R::Logon13,
                t.is_some() && cx.s.mutex.map(usize::from) == t,
                Mapi,
                "{th}: released the logon mutex it does not hold (LOGON-13)"
            );
        }
        B::LogonDialog { profile_field } => {
            let call = logon_of(cx.s, t);
            let ui = call.is_some_and(|c| c.flags.contains(L::MAPI_LOGON_UI));
            let field_ok = call.is_some_and(|c| !c.no_name || profile_field.is_empty());
            req!(cx, R::Logon7, ui && field_ok, Mapi,
                "{th}: MAPI showed the logon dialog (profile field {profile_field:?}) {}; a dialog appears only with MAPI_LOGON_UI, with an empty profile field when lpszProfileName is NULL/empty (LOGON-7)",
                if ui { "with a pre-filled field for a NULL/empty name" } else { "for a logon without MAPI_LOGON_UI" });
            if cx.s.service {
                req!(
                    cx,
                    R::Svc1,
                    false,
                    Client,
                    "{th}: a Windows service let MAPI show the logon dialog (SVC-1)"
                );
            }
        }
        B::ServiceConfigDialog => {
            let call = logon_of(cx.s, t);
            let ok =
                call.is_some_and(|c| c.flags.contains(L::MAPI_SERVICE_UI_ALWAYS) && !c.ab_started);
            req!(cx, R::Logon15, ok, Mapi,
                "{th}: the message-service configuration dialog appears only with MAPI_SERVICE_UI_ALWAYS, after the profile is chosen and before any service logs on (LOGON-15)");
            if cx.s.service {
                req!(cx, R::Svc1, false, Client,
                    "{th}: a Windows service let MAPI show the service configuration dialog (SVC-1)");
            }
        }
        B::ProviderStart { session, kind } => provider_start(&mut cx, t, *session, *kind),
        B::MapiReturn {
            call,
            hr,
            session,
            shared,
            profile,
        } => {
            let Some(t) = t else { return };
            match (call, cx.s.threads[t].open) {
                (
                    ClientCall::MapiInitialize,
                    Open::Init {
                        flags,
                        arg_error,
                        coinit,
                    },
                ) => init_return(&mut cx, *hr, flags, arg_error, coinit),
                (ClientCall::MapiUninitialize, Open::Uninit) if *hr == H::S_OK => {
                    let last = cx.s.refcount == 1;
                    let window = cx.s.window.is_some();
                    req!(cx, R::Init4, window != last, Mapi,
                        "{th}: MAPIUninitialize returned with the count {} and the hidden window {} (it lives exactly until the count drops to 0, INIT-4)",
                        cx.s.refcount.saturating_sub(1), if window { "alive" } else { "gone" });
                }
                (ClientCall::MapiLogonEx, Open::Logon(c)) => {
                    logon_return(&mut cx, t, c, *hr, *session, *shared, profile.as_deref())
                }
                (ClientCall::HrDispatchNotifications, Open::Dispatch) => {
                    let st = cx.s;
                    let ok = match *hr {
                        H::MAPI_E_NOT_INITIALIZED => st.refcount == 0,
                        H::MAPI_E_USER_CANCEL => st.threads[t].quit,
                        H::S_OK => st.refcount > 0 && st.queue_len() == 0,
                        _ => false,
                    };
                    req!(cx, R::Notif3, ok, Mapi,
                        "{th}: HrDispatchNotifications returned {hr} with {} notification(s) still queued, reference count {}, {}quit message: S_OK means every queued notification was dispatched, MAPI_E_USER_CANCEL needs WM_QUIT/WM_QUERYENDSESSION/WM_ENDSESSION, MAPI_E_NOT_INITIALIZED needs MAPI uninitialised (NOTIF-3)",
                        st.queue_len(), st.refcount, if st.threads[t].quit { "a " } else { "no " });
                }
                (ClientCall::GetStatusTable, Open::StatusTable { session }) if *hr == H::S_OK => {
                    status_table_return(&mut cx, t, session)
                }
                _ => {}
            }
        }
        B::Logoff { session } | B::SessionUse { session } | B::GetStatusTable { session } => {
            holds(&mut cx, t, *session);
        }
        B::StatusTable {
            session,
            transport_rows,
            spooler_status,
        } => {
            holds(&mut cx, t, *session);
            if let Some(t) = t {
                if cx.s.threads[t].no_mail & (1 << session) != 0 {
                    let ok =
                        *transport_rows == 0 && spooler_status.contains(StatusCode::STATUS_FAILURE);
                    req!(cx, R::Logon10, ok, Mapi,
                        "{th}: the status table of MAPI_NO_MAIL session {session} shows {transport_rows} transport row(s) and spooler status {}; a NO_MAIL session has no transport rows and the spooler row shows STATUS_FAILURE (LOGON-10)",
                        spooler_status.describe());
                }
            }
        }
        B::NotificationPosted { id, .. } => {
            req!(cx, R::Notif1, cx.s.window.is_some(), Mapi,
                "notification {id} posted as szMAPINotificationMsg but the process has no hidden notification window (NOTIF-1)");
        }
        B::NotificationDelivered { id, via } => {
            let queued = cx.s.queued(*id).is_some();
            match via {
                Via::WindowProc => {
                    let pumping = t.is_some_and(|t| cx.s.threads[t].in_pump);
                    req!(cx, R::Notif1, queued && pumping, Mapi,
                        "{th}: notification {id} reached an advise sink {} {}; it is delivered only when the hidden window's procedure processes the posted szMAPINotificationMsg (NOTIF-1)",
                        if queued { "although it was posted," } else { "without being posted" },
                        if pumping { "inside a message loop" } else { "outside any message loop" });
                    let owner = cx.s.window;
                    req!(cx, R::Notif5, owner == Some(cx.ev.thread), Mapi,
                        "{th}: notification {id} delivered by the window procedure on {th}, but the hidden window belongs to {} (NOTIF-5)",
                        owner.map(Thread::name).unwrap_or_else(|| "no thread".into()));
                }
                Via::HrDispatch => {
                    let in_call = t.is_some_and(|t| cx.s.threads[t].open == Open::Dispatch);
                    req!(cx, R::Notif1, queued && in_call, Mapi,
                        "{th}: notification {id} delivered 'via HrDispatchNotifications' {} (NOTIF-1, NOTIF-3)",
                        if in_call { "without being posted" } else { "outside an HrDispatchNotifications call" });
                }
            }
        }
        B::HrDispatchNotifications { flags } => {
            mapi_call(&mut cx, "HrDispatchNotifications");
            req!(cx, R::Notif3, flags.0 == 0, Client,
                "{th}: HrDispatchNotifications(0x{:08X}): ulFlags is reserved and must be 0 (NOTIF-3)", flags.0);
        }
        B::Pump { how } => {
            req!(cx, R::Notif4, *how == PumpKind::GetMessage, Client,
                "{th}: a PeekMessage/DispatchMessage timeout loop; prefer HrDispatchNotifications, such loops can be slow or block notifications (NOTIF-4)");
        }
        B::Wait {
            pumping,
            for_notification,
        } => {
            let me = cx.ev.thread;
            if cx.s.service && t.is_some_and(|t| cx.s.init_thread == Some(t as u8)) {
                req!(cx, R::Svc6, *pumping, Client,
                    "{th}: the service's initialisation thread blocks without MsgWaitForMultipleObjects, so MAPI's window messages are not pumped (SVC-6)");
            }
            let owns = cx.s.window == Some(me) && t != Some(NOTIFY_SLOT);
            if owns {
                req!(cx, R::Init10, *pumping, Client,
                    "{th}: the thread owning MAPI's notification window blocks without a message loop (INIT-10)");
            }
            if *for_notification {
                req!(cx, R::Notif2, *pumping || !owns, Client,
                    "{th}: waits for a notification without dispatching: the hidden window is on this thread and nothing runs its message loop or HrDispatchNotifications, so the notification is never delivered (NOTIF-2)");
            }
        }
        B::ThreadExit => {
            let me = cx.ev.thread;
            if cx.s.window == Some(me) {
                let others =
                    cx.s.threads
                        .iter()
                        .enumerate()
                        .filter(|(i, o)| Some(*i) != t && *i != NOTIFY_SLOT && o.seen && !o.exited)
                        .count();
                req!(cx, R::Init10, others == 0, Client,
                    "{th}: the thread owning MAPI's notification window exits while {others} other client thread(s) still run (INIT-10)");
            }
        }
        B::ProcessExit => {
            req!(cx, R::Init2, cx.s.refcount == 0, Client,
                "the process exits with the MAPIInitialize reference count at {}: MAPIInitialize and MAPIUninitialize must be called the same number of times (INIT-2)",
                cx.s.refcount);
        }
    }
}

trait InitShape {
    fn is_none_or_ok(&self) -> bool;
}

impl InitShape for Option<super::event::MapiInit> {
    fn is_none_or_ok(&self) -> bool {
        super::judge::init_arg_error(*self).is_none()
    }
}

fn logon_of(s: &ClientState, t: Option<usize>) -> Option<LogonCall> {
    match t.map(|t| s.threads[t].open) {
        Some(Open::Logon(c)) => Some(c),
        _ => None,
    }
}

/// INIT-1, SVC-3, INIT-2: a MAPI call by a client that initialised MAPI and has not finished.
fn mapi_call<S: ClientSink>(cx: &mut Cx<'_, S>, what: &str) {
    let th = cx.ev.thread.name();
    let s = cx.s;
    req!(cx, R::Svc3, s.ever_init, Client,
        "{th}: {what} but the process never called MAPIInitialize; every client, service or not, calls it first (SVC-3)");
    req!(cx, R::Init1, s.refcount > 0, Client,
        "{th}: {what} while MAPI is not initialised (reference count 0); MAPIInitialize comes before any other MAPI call (INIT-1)");
    if s.ever_init {
        req!(
            cx,
            R::Init2,
            !(s.finished && s.refcount == 0),
            Client,
            "{th}: {what} after the final MAPIUninitialize (INIT-2)"
        );
    }
}

fn logon_call<S: ClientSink>(
    cx: &mut Cx<'_, S>,
    t: Option<usize>,
    flags: L,
    profile: Option<&str>,
    password_null: bool,
) {
    let th = cx.ev.thread.name();
    let s = cx.s;
    mapi_call(cx, "MAPILogonEx");
    req!(
        cx,
        R::Logon1,
        password_null,
        Client,
        "{th}: MAPILogonEx with a non-NULL lpszPassword; it must be NULL (LOGON-1)"
    );
    let len = profile.map(|p| p.chars().count()).unwrap_or(0);
    req!(
        cx,
        R::Logon2,
        len <= PROFILE_NAME_MAX,
        Client,
        "{th}: lpszProfileName has {len} characters; the limit is {PROFILE_NAME_MAX} (LOGON-2)"
    );
    req!(
        cx,
        R::Logon4,
        flags.contains(L::MAPI_EXTENDED),
        Client,
        "{th}: MAPILogonEx({}) without MAPI_EXTENDED, which is always set (LOGON-4)",
        flags.describe()
    );
    let nt = flags.contains(L::MAPI_NT_SERVICE);
    req!(
        cx,
        R::Logon11,
        nt == s.service,
        Client,
        "{th}: MAPILogonEx {} MAPI_NT_SERVICE but the process {} a Windows service (LOGON-11)",
        if nt { "sets" } else { "does not set" },
        if s.service { "is" } else { "is not" }
    );
    let ui = flags & EXCLUSIVE_UI;
    req!(
        cx,
        R::Logon16,
        ui.bits().count_ones() <= 1,
        Client,
        "{th}: MAPILogonEx sets {}: at most one UI-enabling flag (LOGON-16)",
        ui.describe()
    );
    if s.service {
        let no_mail = flags.contains(L::MAPI_NO_MAIL);
        req!(
            cx,
            R::Logon12,
            no_mail,
            Client,
            "{th}: a service logs on without MAPI_NO_MAIL (LOGON-12)"
        );
        let any_ui = flags & ANY_UI;
        req!(
            cx,
            R::Svc1,
            any_ui.is_empty(),
            Client,
            "{th}: a Windows service calls MAPILogonEx with {}, allowing a user interface (SVC-1)",
            any_ui.describe()
        );
        req!(
            cx,
            R::Svc4,
            nt,
            Client,
            "{th}: a service calls MAPILogonEx without MAPI_NT_SERVICE in flFlags (SVC-4)"
        );
        req!(
            cx,
            R::Svc5,
            no_mail,
            Client,
            "{th}: a service calls MAPILogonEx without MAPI_NO_MAIL (SVC-5)"
        );
    }
    if s.ever_init && s.refcount > 0 {
        let ok = s.first_flags.contains(I::MAPI_MULTITHREAD_NOTIFICATIONS)
            || t.is_some_and(|t| s.init_thread == Some(t as u8));
        req!(cx, R::Init5, ok, Client,
            "{th}: a second client thread makes MAPI calls but MAPI was initialised without MAPI_MULTITHREAD_NOTIFICATIONS (INIT-5)");
    }
}

fn provider_start<S: ClientSink>(
    cx: &mut Cx<'_, S>,
    t: Option<usize>,
    session: u8,
    kind: super::event::ProviderKind,
) {
    use super::event::ProviderKind as K;
    let th = cx.ev.thread.name();
    let se = cx.s.sessions[session as usize];
    let call = logon_of(cx.s, t);
    match kind {
        K::AddressBook => {
            req!(cx, R::Logon17, !se.store, Mapi,
                "{th}: session {session}: address book providers start after the stores; MAPILogonEx starts address books first (LOGON-17)");
            if let Some(c) = call.filter(|c| c.flags.contains(L::MAPI_SERVICE_UI_ALWAYS)) {
                req!(cx, R::Logon15, c.config_dialog, Mapi,
                    "{th}: session {session}: services log on before the MAPI_SERVICE_UI_ALWAYS configuration dialog was shown (LOGON-15)");
            }
        }
        K::Store => {
            req!(
                cx,
                R::Logon17,
                se.ab,
                Mapi,
                "{th}: session {session}: message stores start before the address books (LOGON-17)"
            );
        }
        K::Transport => {
            req!(cx, R::Logon17, se.ab && se.store, Mapi,
                "{th}: session {session}: transports start before the address books and stores (LOGON-17)");
            let mail = match call {
                Some(c) => !c.flags.contains(L::MAPI_NO_MAIL),
                None => se.mail != 0,
            };
            req!(cx, R::Logon10, mail, Mapi,
                "{th}: session {session}: transport providers are logged on (TransportLogon) although every client of the session logged on with MAPI_NO_MAIL; MAPI must not tell the spooler about it (LOGON-10)");
        }
    }
    if cx.s.service {
        req!(cx, R::Svc2, kind != K::Transport, Client,
            "{th}: session {session}: a Windows service's session drives the spooler <-> transport protocol; services can send only through tightly-coupled store+transport pairs or server-based transports (SVC-2)");
    }
}

fn init_return<S: ClientSink>(
    cx: &mut Cx<'_, S>,
    hr: H,
    flags: I,
    arg_error: Option<H>,
    coinit: bool,
) {
    let th = cx.ev.thread.name();
    let ok = match arg_error {
        Some(e) => hr == e,
        None => {
            hr != H::MAPI_E_INVALID_PARAMETER
                && hr != H::MAPI_E_UNKNOWN_FLAGS
                && (hr != H::MAPI_E_TOO_COMPLEX || flags.contains(I::MAPI_NT_SERVICE))
        }
    };
    req!(cx, R::Init9, ok, Mapi,
        "{th}: MAPIInitialize returned {hr}{}; each failure code belongs to one step: argument check -> MAPI_E_INVALID_PARAMETER/MAPI_E_UNKNOWN_FLAGS, service registry (only with MAPI_NT_SERVICE) -> MAPI_E_TOO_COMPLEX (INIT-9)",
        match arg_error { Some(e) => format!(" but its argument check requires {e}"), None => String::new() });
    if hr == H::S_OK {
        let window = cx.s.window.is_some();
        req!(
            cx,
            R::Init4,
            window,
            Mapi,
            "{th}: MAPIInitialize succeeded but no hidden notification window exists (INIT-4)"
        );
        if !flags.contains(I::MAPI_NO_COINIT) {
            req!(cx, R::Svc3, coinit, Mapi,
                "{th}: MAPIInitialize succeeded without calling CoInitialize (no MAPI_NO_COINIT) (SVC-3, INIT-7)");
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn logon_return<S: ClientSink>(
    cx: &mut Cx<'_, S>,
    t: usize,
    c: LogonCall,
    hr: H,
    session: Option<u8>,
    shared: bool,
    profile: Option<&str>,
) {
    let th = cx.ev.thread.name();
    let s = cx.s;
    if s.refcount == 0 {
        req!(cx, R::Init1, hr == H::MAPI_E_NOT_INITIALIZED, Mapi,
            "{th}: MAPILogonEx before MAPIInitialize returned {hr}; it fails with MAPI_E_NOT_INITIALIZED (INIT-1)");
        return;
    }
    let res = match c.invalid {
        Some(why) => Resolution::Invalid(why),
        None => resolve_valid(c.flags, c.no_name, s.shared.is_some()),
    };
    let known = [
        H::S_OK,
        H::MAPI_E_LOGON_FAILED,
        H::MAPI_E_TIMEOUT,
        H::MAPI_E_USER_CANCEL,
    ];
    let ok14 = known.contains(&hr)
        && (hr != H::MAPI_E_USER_CANCEL || c.dialog)
        && (hr != H::S_OK || (session.is_some() && !matches!(res, Resolution::Invalid(_))));
    req!(cx, R::Logon14, ok14, Mapi,
        "{th}: MAPILogonEx returned {hr} ({res:?}{}); it returns S_OK with a session, MAPI_E_LOGON_FAILED for invalid parameters, MAPI_E_TIMEOUT, or MAPI_E_USER_CANCEL after a dialog (LOGON-14)",
        if c.dialog { ", dialog shown" } else { "" });
    let mine = s.mutex == Some(t as u8);
    let ok13 = match hr {
        H::MAPI_E_TIMEOUT => {
            c.flags.contains(L::MAPI_TIMEOUT_SHORT) && !c.acquired && s.mutex.is_some() && !mine
        }
        H::S_OK => c.acquired && !mine,
        _ => !mine,
    };
    req!(cx, R::Logon13, ok13, Mapi,
        "{th}: MAPILogonEx returned {hr} ({}, mutex {}, MAPI_TIMEOUT_SHORT {}): logons are serialised through the mutex, released before return, and MAPI_E_TIMEOUT only comes with MAPI_TIMEOUT_SHORT while another thread holds it (LOGON-13)",
        if c.acquired { "acquired the mutex" } else { "never acquired the mutex" },
        match s.mutex { Some(h) if h as usize == t => "still held by this thread".to_string(), Some(h) => format!("held by client{}", h + 1), None => "free".into() },
        if c.flags.contains(L::MAPI_TIMEOUT_SHORT) { "set" } else { "not set" });
    if c.ui_param_zero && !c.dialog {
        let explained = matches!(res, Resolution::Invalid(_) | Resolution::NoProfile);
        let ok3 = hr != H::MAPI_E_INVALID_PARAMETER && (hr != H::MAPI_E_LOGON_FAILED || explained);
        req!(cx, R::Logon3, ok3, Mapi,
            "{th}: MAPILogonEx with ulUIParam = 0 and no dialog returned {hr}; ulUIParam may be 0 and is ignored when no dialog appears (LOGON-3)");
    }
    if !c.flags.contains(L::MAPI_LOGON_UI) {
        let fails = hr != H::S_OK;
        req!(cx, R::Logon7, res != Resolution::NoProfile || fails, Mapi,
            "{th}: MAPILogonEx without MAPI_LOGON_UI and with no profile obtainable succeeded; without the flag the call fails when the user is not logged on (LOGON-7)");
    }
    if (c.flags & EXCLUSIVE_UI).is_empty()
        && c.no_name
        && !c.flags.contains(L::MAPI_USE_DEFAULT)
        && res != Resolution::Join
    {
        req!(cx, R::Logon16, hr != H::S_OK, Mapi,
            "{th}: MAPILogonEx with no UI flag, no profile name and no MAPI_USE_DEFAULT succeeded; no profile name can be obtained, so it fails (LOGON-16)");
    }
    if hr != H::S_OK {
        return;
    }
    let Some(id) = session else { return };
    let se = s.sessions[id as usize];
    let got = profile.map(super::resolve::fingerprint);
    if res == Resolution::Join {
        let shared_id = s.shared;
        let same_profile = got.is_none_or_eq(s.sessions[shared_id.unwrap_or(0) as usize].profile);
        req!(cx, R::Logon5, shared_id == Some(id) && shared && same_profile, Mapi,
            "{th}: MAPILogonEx without MAPI_NEW_SESSION while shared session {} exists returned session {id}{}; it returns the shared session and ignores lpszProfileName (LOGON-5)",
            shared_id.map(|x| x.to_string()).unwrap_or_default(),
            if same_profile { "" } else { " on another profile" });
        return;
    }
    req!(
        cx,
        R::Logon5,
        !se.exists,
        Mapi,
        "{th}: MAPILogonEx ({}) returned existing session {id}; it creates a new session (LOGON-5)",
        if c.flags.contains(L::MAPI_NEW_SESSION) {
            "MAPI_NEW_SESSION"
        } else {
            "no shared session exists"
        }
    );
    let becomes_shared = c.flags.contains(L::MAPI_ALLOW_OTHERS) && s.shared.is_none();
    req!(cx, R::Logon6, shared == becomes_shared, Mapi,
        "{th}: new session {id} {} the shared session{}; MAPI_ALLOW_OTHERS makes a new session the shared one (LOGON-6)",
        if shared { "became" } else { "did not become" },
        if c.flags.contains(L::MAPI_ALLOW_OTHERS) { " (MAPI_ALLOW_OTHERS set)" } else { " (MAPI_ALLOW_OTHERS not set)" });
    let ok8 = match res {
        Resolution::Named => got == Some(c.name),
        Resolution::Default => profile.is_some_and(|p| !p.is_empty()),
        Resolution::Dialog => c.dialog,
        _ => true,
    };
    req!(cx, R::Logon8, ok8, Mapi,
        "{th}: new session {id} runs on profile {profile:?} but the call resolves to {res:?}: a given name is used, MAPI_USE_DEFAULT substitutes the default profile, and otherwise (MAPI_EXPLICIT_PROFILE) the user must supply one (LOGON-8)");
    if c.flags.contains(L::MAPI_FORCE_DOWNLOAD) && !c.flags.contains(L::MAPI_NO_MAIL) {
        req!(cx, R::Logon9, c.inbound, Mapi,
            "{th}: MAPILogonEx(MAPI_FORCE_DOWNLOAD) returned before an inbound pass completed (LOGON-9)");
    }
    if c.flags.contains(L::MAPI_SERVICE_UI_ALWAYS) {
        req!(cx, R::Logon15, c.config_dialog, Mapi,
            "{th}: MAPILogonEx(MAPI_SERVICE_UI_ALWAYS) returned without showing the service configuration dialog (LOGON-15)");
    }
    req!(cx, R::Logon17, se.ab && se.store, Mapi,
        "{th}: MAPILogonEx returned session {id} before starting its address book and store providers (LOGON-17)");
}

trait FpEq {
    fn is_none_or_eq(&self, fp: u64) -> bool;
}

impl FpEq for Option<u64> {
    fn is_none_or_eq(&self, fp: u64) -> bool {
        match self {
            Some(x) => *x == fp,
            None => true,
        }
    }
}

/// STAT-9: `IMAPISession::GetStatusTable` waits for the spooler to finish initialising the
/// session's transports, so a success returned to a client logged on without `MAPI_NO_MAIL`
/// comes only after the transports started. A `MAPI_NO_MAIL` client is not judged: MAPI never
/// tells the spooler about its session, no transport is started for it, and its table has no
/// transport rows (LOGON-10), so there is nothing to wait for and GetStatusTable returns at
/// once. A failure return hands out no table and is not judged either.
fn status_table_return<S: ClientSink>(cx: &mut Cx<'_, S>, t: usize, session: u8) {
    let th = cx.ev.thread.name();
    let me = cx.s.threads[t];
    let bit = 1u8.checked_shl(u32::from(session)).unwrap_or(0);
    if me.sessions & bit == 0 || me.no_mail & bit != 0 {
        return;
    }
    let started = cx.s.sessions[session as usize].transports;
    req!(cx, R::Stat9, started, Mapi,
        "{th}: GetStatusTable on mail-enabled session {session} returned S_OK before the spooler started the session's transports; it waits for the spooler to finish initialising them (STAT-9)");
}

/// LOGON-18: a session pointer is valid only for the client that received it.
fn holds<S: ClientSink>(cx: &mut Cx<'_, S>, t: Option<usize>, session: u8) {
    let th = cx.ev.thread.name();
    let ok = t.is_some_and(|t| cx.s.threads[t].sessions & (1 << session) != 0);
    req!(cx, R::Logon18, ok, Client,
        "{th}: uses session {session}, which MAPILogonEx never returned to it; a session pointer is valid only for the client that received it (LOGON-18)");
}
