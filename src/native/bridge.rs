//! A native provider DLL as a simulator provider: every entry point the harness calls becomes
//! a command to `xpdrive.exe`, and every callback the DLL makes (IMAPISupport, IMessage, the
//! msg-ref cell, the test wire) comes back as a line this bridge answers by calling the same
//! harness objects a Rust provider calls. Inside a callback the harness may inject a
//! TransportNotify (TN-17..TN-21): it reaches the DLL as a nested command, re-entrantly on the
//! driver's thread, exactly as the simulator does for Rust providers.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use xpcheck_properties::event::{MsgId, NotifyData};
use xpcheck_properties::vocab::{
    EndMessageFlags, FlagWord, FlushFlags, HResult, IdleFlags, LogoffFlags, LogonFlags,
    ResourceMethods, SpoolerNotifyFlags, StartMessageFlags, StatusCode, StatusRowFlags,
    SubmitFlags, TransportNotifyFlags, ValidateStateFlags,
};
use xpcheck_sim::api::{
    Message, MsgRefOut, Props, StatusObject, StatusRow, Support, TransportLogon, TransportProvider,
    Wire, WireMessage,
};

use super::driver::{lock, Driver, Line};

/// What a run of a native provider saw besides the trace: callbacks the driver answered
/// without the harness, per seed and in total (for the report's notes).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Unmodelled {
    /// `Interface::Method` of unmodelled methods the DLL called (answered MAPI_E_NO_SUPPORT),
    /// with their counts.
    pub unsupported: BTreeMap<String, u64>,
    /// Callbacks from threads the DLL started itself, answered by the driver without the
    /// harness (S_OK) and not judged.
    pub foreign: u64,
    /// Seeds after which the driver process had to be restarted (a crash, a hang, or a
    /// callback the harness gave up inside).
    pub restarts: u64,
    /// Final Releases (of the provider, a logon, a status object) that crashed or failed, and
    /// the first one's reason: they run after the seed's trace is closed, so they are noted, not
    /// judged.
    pub release_failures: u64,
    /// The first failed final Release.
    pub release_error: Option<String>,
    /// Seeds whose XPProviderInit failed or crashed (the provider never started).
    pub init_failures: u64,
    /// What the first such seed saw ("XPProviderInit returned ...", or the crash).
    pub init_error: Option<String>,
}

/// The driver shared by every seed of a run (one process, restarted after a crash).
pub struct Session {
    pub(crate) launch: super::driver::Launch,
    pub(crate) driver: Mutex<Option<Arc<Driver>>>,
    pub(crate) keep_transcript: bool,
    pub(crate) seen: Mutex<Unmodelled>,
    /// Wine's (or the process's) start-up time, first start.
    pub(crate) startup_seconds: Mutex<Option<f64>>,
}

impl Session {
    /// A session that starts `launch` on first use.
    pub fn new(launch: super::driver::Launch, keep_transcript: bool) -> Arc<Session> {
        Arc::new(Session {
            launch,
            driver: Mutex::new(None),
            keep_transcript,
            seen: Mutex::new(Unmodelled::default()),
            startup_seconds: Mutex::new(None),
        })
    }

    /// Starts the driver now (so that a missing wine or DLL is a usage error, not a finding).
    pub fn start(&self) -> Result<(), String> {
        self.driver().map(|_| ())
    }

    fn driver(&self) -> Result<Arc<Driver>, String> {
        let mut d = lock(&self.driver);
        if let Some(cur) = d.as_ref() {
            if *lock(&cur.depth) == 0 {
                return Ok(cur.clone());
            }
            // A panic unwound through a call: the driver is still inside the provider.
            cur.kill();
            lock(&self.seen).restarts += 1;
        }
        let fresh = Arc::new(Driver::start(&self.launch, self.keep_transcript)?);
        lock(&self.startup_seconds).get_or_insert(fresh.startup_seconds);
        *d = Some(fresh.clone());
        Ok(fresh)
    }

    /// Ends the driver process (at the end of a run; also unblocks a hung provider), first
    /// collecting the last seed's count of callbacks from the provider's own threads.
    pub fn stop(&self) {
        if let Some(d) = lock(&self.driver).take() {
            if *lock(&d.depth) == 0 && d.send("stats").is_ok() {
                if let Line::Return(v) = d.recv() {
                    lock(&self.seen).foreign += v.get(1).copied().unwrap_or(0);
                }
            }
            d.kill();
        }
    }

    /// The protocol transcript of the current driver (with `keep_transcript`).
    pub fn transcript(&self) -> Vec<String> {
        lock(&self.driver)
            .as_ref()
            .map(|d| d.transcript())
            .unwrap_or_default()
    }

    /// What the DLLs called that the harness does not model, so far.
    pub fn unmodelled(&self) -> Unmodelled {
        lock(&self.seen).clone()
    }

    /// Seconds the first driver took to answer (wine's start-up included).
    pub fn startup_seconds(&self) -> Option<f64> {
        *lock(&self.startup_seconds)
    }

    /// A fresh provider object: the DLL loaded anew and XPProviderInit called (LIFE-1..LIFE-3).
    /// A failed XPProviderInit is recorded as such and the first entry point the harness calls
    /// then ends the seed with a crash naming it.
    ///
    /// # Panics
    /// When the driver cannot be (re)started.
    pub fn provider(self: &Arc<Self>, wire: Wire) -> NativeProvider {
        let driver = self.driver().unwrap_or_else(|e| panic!("{e}"));
        let seed = Arc::new(Seed {
            session: self.clone(),
            driver,
            wire,
            supports: Mutex::new(BTreeMap::new()),
            messages: Mutex::new(BTreeMap::new()),
            cells: Mutex::new(Vec::new()),
        });
        // A crash while loading (DllMain, XPProviderInit) is recorded like a failed
        // XPProviderInit: the harness's catch of provider panics is not around the factory.
        let (init, version, failure) = match seed.try_call("init") {
            Ok(r) => {
                let hr = HResult(word(&r, 0));
                let failure = (!hr.is_ok()).then(|| format!("XPProviderInit returned {hr}"));
                (hr, word(&r, 1), failure)
            }
            Err(e) => (
                HResult::MAPI_E_CALL_FAILED,
                0,
                Some(format!("{e} (while loading the DLL or in XPProviderInit)")),
            ),
        };
        if let Some(why) = failure {
            let mut seen = lock(&self.seen);
            seen.init_failures += 1;
            seen.init_error.get_or_insert(why);
        }
        let stats = seed.try_call("stats").unwrap_or_default();
        lock(&self.seen).foreign += stats.get(1).copied().unwrap_or(0);
        NativeProvider {
            seed,
            init,
            version,
            generation: stats.get(2).copied().unwrap_or(0),
        }
    }
}

/// One seed's objects: the harness's support objects, messages and open msg-ref cells, by the
/// numbers the driver uses for them.
struct Seed {
    session: Arc<Session>,
    driver: Arc<Driver>,
    wire: Wire,
    supports: Mutex<BTreeMap<u8, Support>>,
    messages: Mutex<BTreeMap<u32, Message>>,
    cells: Mutex<Vec<MsgRefOut>>,
}

impl Seed {
    /// Sends a command and serves callbacks until it returns; the values of its `R` line.
    ///
    /// # Panics
    /// When the driver crashed or answered out of protocol: a finding for the seed.
    fn call(&self, cmd: String) -> Vec<u64> {
        self.try_call(&cmd).unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Seed::call`] returning the crash or refusal instead of panicking (for `init`, which
    /// runs outside the harness's catch of provider panics).
    fn try_call(&self, cmd: &str) -> Result<Vec<u64>, String> {
        *lock(&self.driver.depth) += 1;
        self.driver.send(cmd)?;
        loop {
            match self.driver.recv() {
                Line::Return(v) => {
                    *lock(&self.driver.depth) -= 1;
                    return Ok(v);
                }
                Line::Callback { logon, cell, words } => {
                    // The provider's msg-ref write, seen at its next callback (SUB-4, SM-5).
                    let open = lock(&self.cells).last().cloned();
                    if let (Some(v), Some(c)) = (cell, open) {
                        c.observe(v as u32);
                    }
                    let answer = self.callback(logon, &words);
                    self.driver.send(&answer)?;
                }
                Line::Error(e) => {
                    return Err(format!("the provider's driver refused `{cmd}`: {e}"))
                }
                Line::Crashed(why) => return Err(format!("the provider crashed: {why}")),
            }
        }
    }

    fn support(&self, logon: u8) -> Support {
        match lock(&self.supports).get(&logon) {
            Some(s) => s.clone(),
            None => {
                panic!("driver protocol: a callback on logon {logon}, which has no support object")
            }
        }
    }

    fn message(&self, id: &str) -> Message {
        let id: u32 = id.parse().unwrap_or(u32::MAX);
        match lock(&self.messages).get(&id) {
            Some(m) => m.clone(),
            None => panic!("driver protocol: no message {id}"),
        }
    }

    /// Answers one callback (`A hr [values]`) after doing what it is on the harness's objects.
    fn callback(&self, logon: u8, w: &[String]) -> String {
        let arg = |i: usize| w.get(i).map(String::as_str).unwrap_or("");
        let num = |i: usize| arg(i).parse::<u64>().unwrap_or(0);
        let flag = |i: usize| num(i) != 0;
        let hr = |h: HResult| format!("A {}", h.0);
        match arg(0) {
            "row" => {
                // row FLAGS STATUS HAS_NAME HAS_RM RM HAS_STRING HAS_RVOK RVOK
                let mut row = StatusRow::new(StatusCode::from_raw(num(2) as u32));
                if flag(3) {
                    row = row.display_name("(set by the provider)");
                }
                if flag(4) {
                    row = row.resource_methods(ResourceMethods::from_raw(num(5) as u32));
                }
                if flag(6) {
                    row = row.status_string("(set by the provider)");
                }
                if flag(7) {
                    row = row.remote_validate_ok(flag(8));
                }
                let flags = StatusRowFlags::from_raw(num(1) as u32);
                hr(self.support(logon).modify_status_row_with(flags, row))
            }
            "yield" => hr(self.support(logon).spooler_yield_with_flags(num(1) as u32)),
            "notify" => {
                let flags = SpoolerNotifyFlags::from_raw(num(1) as u32);
                let entry = arg(2).parse::<u32>().ok().map(MsgId);
                hr(self.support(logon).spooler_notify(flags, entry))
            }
            "recips" => match arg(1) {
                "-" => hr(HResult::MAPI_E_INVALID_PARAMETER),
                id => {
                    let m = self.message(id);
                    hr(self.support(logon).status_recips(&m))
                }
            },
            "invalid" => hr(self.support(logon).make_invalid()),
            "srelease" => {
                self.support(logon).release();
                hr(HResult::S_OK)
            }
            "read" => hr(self.message(arg(1)).read()),
            "write" => hr(self.message(arg(1)).set_props(Props {
                content: arg(5).parse().ok(),
                nontransmittable: flag(2),
                entry_id: flag(3),
                message_class: flag(4),
            })),
            "recipients" => hr(self.message(arg(1)).modify_recipients(flag(2))),
            "resp" => hr(self.message(arg(1)).set_responsibility()),
            "save" => hr(self.message(arg(1)).save_changes()),
            "mrelease" => {
                self.message(arg(1)).release();
                hr(HResult::S_OK)
            }
            "transmit" => hr(self.message(arg(1)).transmit(&self.wire, flag(2), flag(3))),
            "wire_online" => format!("A 0 {}", u8::from(self.wire.is_online())),
            "wire_waiting" => format!("A 0 {}", self.wire.waiting()),
            "wire_take" => match self.wire.take() {
                Some(m) => format!("A 0 1 {} {}", m.content, u8::from(m.nontransmittable)),
                None => "A 0 0 0 0".into(),
            },
            "wire_putback" => {
                self.wire.put_back(WireMessage {
                    content: num(1) as u32,
                    nontransmittable: flag(2),
                });
                hr(HResult::S_OK)
            }
            "unsupported" => {
                *lock(&self.session.seen)
                    .unsupported
                    .entry(arg(1).to_string())
                    .or_default() += 1;
                hr(HResult::MAPI_E_NO_SUPPORT)
            }
            other => panic!("driver protocol: unknown callback {other:?}"),
        }
    }

    /// A final Release, sent when the harness drops the object (after the seed's trace is
    /// closed, outside its catch of provider panics): a crash there is noted, never a panic.
    fn release(&self, cmd: String) {
        if let Err(e) = self.try_call(&cmd) {
            let mut seen = lock(&self.session.seen);
            seen.release_failures += 1;
            seen.release_error.get_or_insert(format!("`{cmd}`: {e}"));
        }
    }

    fn remember_message(&self, msg: &Message) {
        lock(&self.messages).insert(msg.id().0, msg.clone());
    }

    /// A SubmitMessage/StartMessage: its cell is the innermost open one while it runs.
    fn with_cell(&self, cell: &MsgRefOut, cmd: String) -> Vec<u64> {
        lock(&self.cells).push(cell.clone());
        let r = self.call(cmd);
        lock(&self.cells).pop();
        r
    }

    fn generation_alive(&self, generation: u64) -> bool {
        lock(&self.session.driver)
            .as_ref()
            .is_some_and(|d| Arc::ptr_eq(d, &self.driver))
            && *lock(&self.driver.depth) == 0
            && generation > 0
    }
}

fn hresult(v: &[u64]) -> HResult {
    HResult(v.first().copied().unwrap_or(0) as u32)
}

fn word(v: &[u64], i: usize) -> u32 {
    v.get(i).copied().unwrap_or(0) as u32
}

/// IXPProvider of a DLL.
pub struct NativeProvider {
    seed: Arc<Seed>,
    init: HResult,
    version: u32,
    generation: u64,
}

impl TransportProvider for NativeProvider {
    fn transport_logon(
        &self,
        support: Support,
        flags: &mut LogonFlags,
    ) -> Result<Arc<dyn TransportLogon>, HResult> {
        if !self.init.is_ok() {
            panic!(
                "XPProviderInit returned {}: the provider did not start",
                self.init
            );
        }
        let logon = support.logon_index();
        lock(&self.seed.supports).insert(logon, support);
        let r = self.seed.call(format!("logon {logon} {}", flags.raw()));
        *flags = LogonFlags::from_raw(word(&r, 1));
        let hr = hresult(&r);
        if hr.is_ok() {
            Ok(Arc::new(NativeLogon {
                seed: self.seed.clone(),
                logon,
                generation: self.generation,
            }))
        } else {
            Err(hr)
        }
    }

    fn spi_version(&self) -> u32 {
        self.version
    }

    fn init_result(&self) -> HResult {
        self.init
    }

    fn shutdown(&self) -> HResult {
        hresult(&self.seed.call("shutdown 0".into()))
    }
}

impl Drop for NativeProvider {
    fn drop(&mut self) {
        if self.init.is_ok()
            && self.seed.generation_alive(self.generation)
            && !std::thread::panicking()
        {
            self.seed
                .release(format!("release_provider {}", self.generation));
        }
    }
}

/// IXPLogon of a DLL (one logon index).
pub struct NativeLogon {
    seed: Arc<Seed>,
    logon: u8,
    generation: u64,
}

impl NativeLogon {
    fn call(&self, what: &str, args: String) -> Vec<u64> {
        self.seed.call(format!("{what} {} {args}", self.logon))
    }
}

impl TransportLogon for NativeLogon {
    fn address_types(&self) -> HResult {
        hresult(&self.call("addrtypes", String::new()))
    }

    fn transport_notify(
        &self,
        flags: &mut TransportNotifyFlags,
        data: Option<NotifyData>,
    ) -> HResult {
        // *lppvData: a msg-ref for NOTIFY_CANCEL_MESSAGE (TN-17); the driver passes an entry
        // id only as the harness's own ("XPCK" + id) for NOTIFY_ABORT_DEFERRED.
        let (value, has) = match data {
            Some(NotifyData::MsgRef(r)) => (u64::from(r), 1),
            Some(NotifyData::EntryId(id)) => (u64::from(id.0), 2),
            None => (0, 0),
        };
        let r = self.call("notify", format!("{} {value} {has}", flags.raw()));
        *flags = TransportNotifyFlags::from_raw(word(&r, 1));
        hresult(&r)
    }

    fn submit_message(
        &self,
        flags: SubmitFlags,
        msg: &Message,
        msg_ref: &MsgRefOut,
        return_parm: &mut u32,
    ) -> HResult {
        self.seed.remember_message(msg);
        let r = self.seed.with_cell(
            msg_ref,
            format!(
                "submit {} {} {} {} {} {} {}",
                self.logon,
                flags.raw(),
                msg.id().0,
                msg_ref.get(),
                u8::from(msg.has_nontransmittable_props()),
                u8::from(msg.recipients_taken()),
                msg.address_type()
            ),
        );
        msg_ref.observe(word(&r, 1));
        *return_parm = word(&r, 2);
        hresult(&r)
    }

    fn end_message(&self, msg_ref: u32, flags: &mut EndMessageFlags) -> HResult {
        let r = self.call("end", format!("{msg_ref} {}", flags.raw()));
        *flags = EndMessageFlags::from_raw(word(&r, 1));
        hresult(&r)
    }

    fn start_message(
        &self,
        flags: StartMessageFlags,
        msg: &Message,
        msg_ref: &MsgRefOut,
    ) -> HResult {
        self.seed.remember_message(msg);
        let r = self.seed.with_cell(
            msg_ref,
            format!(
                "start {} {} {} {}",
                self.logon,
                flags.raw(),
                msg.id().0,
                msg_ref.get()
            ),
        );
        msg_ref.observe(word(&r, 1));
        hresult(&r)
    }

    fn poll(&self, incoming: &mut u32) -> HResult {
        let r = self.call("poll", String::new());
        *incoming = word(&r, 1);
        hresult(&r)
    }

    fn idle(&self, flags: IdleFlags) -> HResult {
        hresult(&self.call("idle", flags.raw().to_string()))
    }

    fn flush_queues(&self, flags: FlushFlags) -> HResult {
        hresult(&self.call("flush", flags.raw().to_string()))
    }

    fn validate_state(&self, flags: ValidateStateFlags) -> HResult {
        hresult(&self.call("validate", flags.raw().to_string()))
    }

    fn open_status_entry(self: Arc<Self>) -> Result<Arc<dyn StatusObject>, HResult> {
        let r = self.call("openstatus", String::new());
        let hr = hresult(&r);
        if hr.is_ok() {
            Ok(Arc::new(NativeStatus {
                seed: self.seed.clone(),
                logon: self.logon,
                generation: self.generation,
            }))
        } else {
            Err(hr)
        }
    }

    fn transport_logoff(&self, flags: LogoffFlags) -> HResult {
        hresult(&self.call("logoff", flags.raw().to_string()))
    }
}

impl Drop for NativeLogon {
    fn drop(&mut self) {
        // The spooler releases the logon object after TransportLogoff (LIFE-32).
        if self.seed.generation_alive(self.generation) && !std::thread::panicking() {
            self.seed
                .release(format!("release_logon {} {}", self.generation, self.logon));
        }
    }
}

/// IMAPIStatus of a DLL's logon (OpenStatusEntry, STAT-6).
pub struct NativeStatus {
    seed: Arc<Seed>,
    logon: u8,
    generation: u64,
}

impl StatusObject for NativeStatus {
    fn validate_state(&self, flags: ValidateStateFlags) -> HResult {
        hresult(
            &self
                .seed
                .call(format!("st_validate {} {}", self.logon, flags.raw())),
        )
    }

    fn flush_queues(&self, flags: FlushFlags) -> HResult {
        hresult(
            &self
                .seed
                .call(format!("st_flush {} {}", self.logon, flags.raw())),
        )
    }

    fn settings_dialog(&self) -> HResult {
        hresult(&self.seed.call(format!("st_settings {}", self.logon)))
    }
}

impl Drop for NativeStatus {
    fn drop(&mut self) {
        if self.seed.generation_alive(self.generation) && !std::thread::panicking() {
            self.seed
                .release(format!("release_status {} {}", self.generation, self.logon));
        }
    }
}
