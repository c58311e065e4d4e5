//! FQ-4: a client's FlushQueues on the spooler's status object makes the spooler call
//! IXPLogon::FlushQueues on every active logon (or the targeted one) before its TransportLogoff.

use super::testkit::*;
use crate::event::{Body, Method, Thread};
use crate::judge::Blame;
use crate::rules::Rid;
use crate::vocab::TransportNotifyFlags as F;
use crate::vocab::{FlushFlags as Q, HResult as H, LogoffFlags, LogonFlags as L, StatusCode as St};

const CL: Thread = Thread::Client(1);

/// Logons 0 and 1 both active, both directions enabled.
fn two_active() -> T {
    let mut t = T::active();
    t.on(1).logon_with(L::LOGON_SP_POLL);
    t.notify(
        F::NOTIFY_BEGIN_INBOUND | F::NOTIFY_BEGIN_OUTBOUND,
        None,
        Some(ENABLED),
    );
    t
}

impl T {
    /// The client's IMAPIStatus::FlushQueues(FLUSH_UPLOAD) on the spooler's status object.
    fn client_flush(&mut self, target: Option<u8>) -> &mut T {
        self.ev(
            CL,
            Body::SpoolerStatusFlush {
                flags: Q::FLUSH_UPLOAD,
                target,
            },
        )
    }

    /// A conforming upload flush of logon `i`: FlushQueues, the bit shown, END_OUTBOUND_FLUSH
    /// with the bit cleared.
    fn upload_flush(&mut self, i: u8) -> &mut T {
        self.on(i)
            .ev(
                SP,
                Body::FlushQueues {
                    flags: Q::FLUSH_UPLOAD,
                },
            )
            .ev(SP, row(ENABLED | St::STATUS_OUTBOUND_FLUSH))
            .ev(SP, ret(Method::FlushQueues, H::S_OK));
        self.notify(F::NOTIFY_END_OUTBOUND_FLUSH, None, Some(ENABLED))
    }

    /// END_INBOUND|END_OUTBOUND, then TransportLogoff of logon `i`.
    fn logoff_logon(&mut self, i: u8) -> &mut T {
        self.on(i)
            .end_traffic()
            .ev(
                SP,
                Body::TransportLogoff {
                    flags: LogoffFlags::empty(),
                },
            )
            .ev(SP, ret(Method::TransportLogoff, H::S_OK))
    }
}

#[test]
fn fq4_untargeted_spooler_flush_skips_an_active_logon() {
    let mut t = two_active();
    t.client_flush(None).upload_flush(0);
    t.logoff_logon(0);
    t.clean();
    t.logoff_logon(1);
    t.only("FQ-4");
    let f =
        t.c.findings
            .iter()
            .find(|f| f.rule == "FQ-4")
            .expect("FQ-4");
    assert_eq!(f.blame, Blame::Spooler);
    // A targeted flush owes the named logon its FlushQueues just the same.
    let mut t = two_active();
    t.client_flush(Some(1)).upload_flush(0);
    t.logoff_logon(0).logoff_logon(1);
    t.only("FQ-4");
}

#[test]
fn fq4_every_active_logon_flushed_or_only_the_target_is_quiet() {
    let mut t = two_active();
    t.client_flush(None).upload_flush(1).upload_flush(0);
    t.logoff_logon(0).logoff_logon(1);
    t.clean();
    assert_eq!(t.checks(Rid::Fq4), 2);
    // Targeted at logon 1: only logon 1 is owed a FlushQueues.
    let mut t = two_active();
    t.client_flush(Some(1)).upload_flush(1);
    t.logoff_logon(0).logoff_logon(1);
    t.clean();
    assert_eq!(t.checks(Rid::Fq4), 1);
    // A logon that logs on after the client's flush owes nothing.
    let mut t = T::active();
    t.client_flush(None).upload_flush(0);
    t.on(1).logon_with(L::LOGON_SP_POLL);
    t.logoff_logon(1).logoff_logon(0);
    t.clean();
    assert_eq!(t.checks(Rid::Fq4), 1);
}

#[test]
fn spooler_status_flush_reads_and_writes_its_trace_line() {
    let line = r#"{"v":1,"seq":9,"thread":"client1","event":"spooler_status_flush","flags":"0x00000002","target":1}"#;
    let e: crate::event::Event = serde_json::from_str(line).expect("reads");
    let named: crate::event::Event =
        serde_json::from_str(&line.replace("0x00000002", "FLUSH_UPLOAD"))
            .expect("reads flag names");
    assert_eq!(named, e);
    assert_eq!(
        e.body,
        Body::SpoolerStatusFlush {
            flags: Q::FLUSH_UPLOAD,
            target: Some(1)
        }
    );
    assert!(e.body.is_provider_level());
    assert_eq!(e.to_json_line(), line);
    assert_eq!(
        crate::render::describe(&e).trim(),
        "spooler's IMAPIStatus::FlushQueues(FLUSH_UPLOAD, target=logon 1)"
    );
}
