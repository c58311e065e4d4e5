//! An author's own xpcheck command line, as a provider's crate would have it in
//! `examples/xpcheck.rs`: the one line in `main` gives `sim`, `replay --seed`, `exhaustive` and
//! `loom` for the provider. The provider here is written outside xpcheck's built-in list, the
//! way an author's would be, and it forgets cancels (TN-17), so `sim` has a failure to replay:
//!
//! ```text
//! cargo run --release --example author_cli -- sim --seeds 0..200
//! cargo run --release --example author_cli -- replay --seed N     # as the failure printed it
//! ```

use std::sync::Arc;

use xpcheck::prelude::*;

/// Sends everything it is given and never looks at NOTIFY_CANCEL_MESSAGE.
struct Forgetful(Wire);

struct Logon(Support, Wire);

impl TransportProvider for Forgetful {
    fn transport_logon(
        &self,
        support: Support,
        flags: &mut LogonFlags,
    ) -> Result<Arc<dyn TransportLogon>, HResult> {
        support.modify_status_row(StatusRowFlags::empty(), StatusCode::STATUS_AVAILABLE);
        *flags = LogonFlags::empty();
        Ok(Arc::new(Logon(support, self.0.clone())))
    }
}

impl TransportLogon for Logon {
    fn transport_notify(&self, _: &mut TransportNotifyFlags, _: Option<NotifyData>) -> HResult {
        HResult::S_OK // the flaw: a cancel changes nothing (TN-17), nor does anything else
    }

    fn submit_message(&self, _: SubmitFlags, m: &Message, out: &MsgRefOut, _: &mut u32) -> HResult {
        out.set(2);
        m.read();
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
        let _ = &self.0;
        HResult::S_OK
    }
}

fn forgetful(wire: Wire) -> Arc<dyn TransportProvider> {
    Arc::new(Forgetful(wire))
}

fn main() -> std::process::ExitCode {
    xpcheck::cli::main_for(xpcheck::cli::Provider::new("forgetful", forgetful))
}
