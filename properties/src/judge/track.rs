//! What one logon remembers about its own lifecycle beyond [`super::session::Life`]: the input
//! flags of its TransportLogon, whether that failed, logoff and release, invalidation and the
//! support object's release, and whether the spooler's reason to call StartMessage came from a
//! NOTIFY_NEWMAIL (SPEC.md §2.LIFE, §5.2). Small and `Copy`: the model carries it per logon.

use crate::event::{Body, Event, Method, Released};
use crate::vocab::{LogonFlags, SpoolerNotifyFlags};

/// Lifecycle facts of one logon (LIFE-10, LIFE-16..LIFE-22, LIFE-28..LIFE-36).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LogonTrack {
    /// Input flags of the TransportLogon that opened it (LIFE-7, LIFE-16, LIFE-17).
    pub flags: LogonFlags,
    /// The user cancelled a dialog the provider showed during TransportLogon (LIFE-19).
    pub dialog_cancelled: bool,
    /// TransportLogon returned an error: no logon object exists (LIFE-20, LIFE-21).
    pub failed: bool,
    /// TransportLogoff returned: the logon counts as logged off whatever it returned (LIFE-28).
    pub logged_off: bool,
    /// The spooler called Release on the logon object (LIFE-32, LIFE-34).
    pub released: bool,
    /// That Release came without a TransportLogoff, so it counts as the logoff (LIFE-34).
    pub released_without_logoff: bool,
    /// That Release returned: the object is gone (LIFE-34).
    pub release_returned: bool,
    /// The provider called IMAPISupport::MakeInvalid on the logon (LIFE-30, LIFE-36).
    pub invalid: bool,
    /// The provider released its support object (LIFE-30: last).
    pub support_released: bool,
    /// The spooler's reason to call StartMessage goes back to a NOTIFY_NEWMAIL received while
    /// inbound was enabled (LIFE-10), not to a Poll.
    pub newmail: bool,
}

impl LogonTrack {
    /// The logon is over for the spooler: TransportLogoff returned, or Release came instead
    /// (LIFE-28, LIFE-34).
    pub fn over(&self) -> bool {
        self.logged_off || self.released
    }

    /// Updates the facts with one event, after the session applied it. `top` is the innermost
    /// open call on the event's thread before the event; `inbound` and `signalled` are the
    /// session's inbound window and StartMessage signal after it.
    pub fn apply(&mut self, ev: &Event, top: Option<Method>, inbound: bool, signalled: bool) {
        match ev.body {
            Body::TransportLogon { flags } => {
                *self = LogonTrack {
                    flags,
                    ..LogonTrack::default()
                };
            }
            Body::ShowUi { cancelled: true } if top == Some(Method::TransportLogon) => {
                self.dialog_cancelled = true;
            }
            Body::Return { hr, .. } => match top {
                Some(Method::TransportLogon) => self.failed = hr.is_failure(),
                Some(Method::TransportLogoff) => self.logged_off = true,
                Some(Method::Release) if self.released => self.release_returned = true,
                _ => {}
            },
            Body::Release {
                object: Released::Logon,
            } => {
                if !self.released {
                    self.released_without_logoff = !self.logged_off;
                }
                self.released = true;
            }
            Body::MakeInvalid => self.invalid = true,
            Body::SupportRelease => self.support_released = true,
            Body::SpoolerNotify { flags, .. }
                if flags.contains(SpoolerNotifyFlags::NOTIFY_NEWMAIL) && inbound =>
            {
                self.newmail = true;
            }
            _ => {}
        }
        // The NEWMAIL reason lasts as long as the spooler's signal does (SM-10, AMB-15).
        self.newmail &= signalled;
    }
}
