//! The README's complete example provider, run on every engine: the seeded simulator, the
//! exhaustive exploration of its real code and (with `RUSTFLAGS="--cfg xpcheck_loom"`) every
//! loom scenario. The test at the bottom extracts the README's code block and checks that it is
//! exactly the text between the markers below, so the example authors copy cannot rot.

// README example begins
use std::collections::BTreeMap;
use std::sync::Arc;
use xpcheck::prelude::*;

/// A send-only transport: accepts outbound mail onto the wire, never receives.
struct SendOnly(Wire);

/// What a logon remembers between calls (also its snapshot for exhaustive exploration).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
struct State {
    row: StatusCode,
    last_ref: u32,
    /// Messages in flight: cancelled? Keyed by the msg-ref we write before any transfer (SUB-4).
    cancelled: BTreeMap<u32, bool>,
}

struct Logon {
    support: Support,
    wire: Wire,
    /// Around every transfer step and every TransportNotify (TN-17, STAT-4): owned by a thread
    /// like a Win32 CRITICAL_SECTION, so a TransportNotify inside one of our own callbacks
    /// re-enters it (AMB-21) and one on another thread waits for the step in progress.
    cs: Section,
    /// Taken briefly, never held across a callback.
    state: Mutex<State>,
}

/// TransportLogon: create the status row (STAT-1), ask for no Poll and no Idle (LIFE-10).
fn logon(support: Support, wire: Wire, flags: &mut LogonFlags) -> Result<Logon, HResult> {
    support.modify_status_row(StatusRowFlags::empty(), StatusCode::STATUS_AVAILABLE);
    *flags = LogonFlags::empty();
    let (row, last_ref) = (StatusCode::STATUS_AVAILABLE, 1);
    Ok(Logon::new(
        support,
        wire,
        State {
            row,
            last_ref,
            ..State::default()
        },
    ))
}

impl Logon {
    fn new(support: Support, wire: Wire, state: State) -> Logon {
        let (cs, state) = (Section::new(), Mutex::new(state));
        Logon {
            support,
            wire,
            cs,
            state,
        }
    }

    fn st(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    /// Updates the state, then writes the row. Called inside the section: the lock is let go
    /// for the callback, the section is not, so rows land in the order computed (STAT-4).
    fn publish(&self, update: impl FnOnce(&mut State)) {
        let row = {
            let mut st = self.st();
            update(&mut st);
            st.row
        };
        self.support
            .modify_status_row(StatusRowFlags::STATUSROW_UPDATE, row);
    }
}

impl TransportProvider for SendOnly {
    fn transport_logon(
        &self,
        support: Support,
        flags: &mut LogonFlags,
    ) -> Result<Arc<dyn TransportLogon>, HResult> {
        Ok(Arc::new(logon(support, self.0.clone(), flags)?))
    }
}

impl TransportLogon for Logon {
    fn transport_notify(
        &self,
        flags: &mut TransportNotifyFlags,
        data: Option<NotifyData>,
    ) -> HResult {
        let f = *flags; // returned unchanged (TN-1)
        let _cs = self.cs.enter(); // a transfer step in progress finishes first
        self.publish(|st| {
            let cancel = f.contains(TransportNotifyFlags::NOTIFY_CANCEL_MESSAGE);
            if let (true, Some(NotifyData::MsgRef(r))) = (cancel, data) {
                // Our ref, or the preset 0 if the spooler read it before we wrote ours (TN-21).
                let newest = st.cancelled.keys().last().copied();
                let r = if r == 0 { newest.unwrap_or(0) } else { r };
                if let Some(c) = st.cancelled.get_mut(&r) {
                    *c = true; // TN-17
                }
            }
            // BEGIN/END of either direction and flush, in any mix (TN-6/14/22/24, TN-28).
            let req = f.requested();
            for (on, bit) in [
                (req.inbound, StatusCode::STATUS_INBOUND_ENABLED),
                (req.outbound, StatusCode::STATUS_OUTBOUND_ENABLED),
                (req.flush[0], StatusCode::STATUS_INBOUND_FLUSH),
                (req.flush[1], StatusCode::STATUS_OUTBOUND_FLUSH),
            ] {
                if let Some(on) = on {
                    st.row.set(bit, on);
                }
            }
        });
        HResult::S_OK
    }

    fn submit_message(
        &self,
        _: SubmitFlags,
        msg: &Message,
        out: &MsgRefOut,
        _: &mut u32,
    ) -> HResult {
        let r = {
            let mut st = self.st();
            st.last_ref += 1;
            let r = st.last_ref;
            st.cancelled.insert(r, false); // registered before the ref is written (TN-21)
            r
        };
        out.set(r); // before any transfer (SUB-4)
        for step in 0..3 {
            // One step: check for a cancel, then make the callback, inside the section (TN-17).
            let _cs = self.cs.enter();
            if self.st().cancelled[&r] {
                self.st().cancelled.remove(&r);
                return HResult::MAPI_E_USER_CANCEL; // TN-19
            }
            match step {
                0 => msg.read(),
                // Transmittable properties only, to recipients not yet taken (SUB-11, SUB-12).
                1 => msg.transmit(&self.wire, false, false),
                _ => msg.set_responsibility(),
            };
        }
        HResult::S_OK
    }

    fn end_message(&self, msg_ref: u32, flags: &mut EndMessageFlags) -> HResult {
        self.st().cancelled.remove(&msg_ref);
        *flags = EndMessageFlags::empty(); // sent (EM-2)
        HResult::S_OK
    }

    // StartMessage and Poll: the defaults (nothing to deliver, SM-10; no Poll without
    // LOGON_SP_POLL, POLL-1).

    fn flush_queues(&self, flags: FlushFlags) -> HResult {
        let (down, up) = (FlushFlags::FLUSH_DOWNLOAD, FlushFlags::FLUSH_UPLOAD);
        let _cs = self.cs.enter();
        self.publish(|st| {
            st.row
                .set(StatusCode::STATUS_INBOUND_FLUSH, flags.contains(down)); // FQ-2
            st.row
                .set(StatusCode::STATUS_OUTBOUND_FLUSH, flags.contains(up));
        });
        HResult::S_OK
    }

    fn transport_logoff(&self, _: LogoffFlags) -> HResult {
        HResult::S_OK
    }
}

/// Saved between entry points and restored, so every reachable state of this code is explored.
impl ExplorableLogon for Logon {
    type Snapshot = State;

    fn save(&self) -> State {
        let mut s = self.st().clone();
        // Refs only need to be unique among messages in flight (EM-3): a finite state space.
        s.last_ref = s.cancelled.keys().last().copied().unwrap_or(1);
        s
    }

    fn restore(s: &State, support: Support, wire: Wire) -> Logon {
        Logon::new(support, wire, s.clone())
    }
}

fn send_only(wire: Wire) -> Arc<dyn TransportProvider> {
    Arc::new(SendOnly(wire))
}

#[cfg(not(xpcheck_loom))] // under loom, the sync facade is loom's: loom tests only
#[test]
fn send_only_conforms() {
    conformance::assert_conforms("send-only", send_only, 0..1000); // seeded simulation
    conformance::assert_conforms_exhaustively("send-only", logon); // every reachable state
}

#[cfg(xpcheck_loom)] // RUSTFLAGS="--cfg xpcheck_loom" cargo test --release
#[test]
fn send_only_conforms_under_loom() {
    conformance::assert_conforms_under_loom("send-only", send_only); // real threads
}
// README example ends

/// The README's code block under "Testing your own provider" is exactly the example above.
#[test]
fn readme_example_is_this_file() {
    let readme = include_str!("../README.md");
    let this = include_str!("readme_example.rs");
    let begin = "// README example begins\n";
    let end = "// README example ends\n";
    let example =
        &this[this.find(begin).expect("marker") + begin.len()..this.find(end).expect("marker")];
    let section = &readme[readme
        .find("## Testing your own provider")
        .expect("the README section")..];
    let start = section.find("```rust\n").expect("a rust code block") + "```rust\n".len();
    let block = &section[start..start + section[start..].find("```\n").expect("its end")];
    assert_eq!(
        block, example,
        "the README's example and tests/readme_example.rs differ"
    );
}
