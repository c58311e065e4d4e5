//! The test kit every monitor test uses: a trace builder [`T`] that judges each event as it is
//! added, with shorthands for a conforming logon and the common calls.

use crate::event::{Body, Event, Method, MsgId, NotifyData, Thread, Word};
use crate::judge::{Collect, Judge, Settings, Severity};
use crate::rules::Rid;
use crate::vocab::{
    EndMessageFlags as E, FlagWord, HResult as H, LogonFlags as L, StatusCode as St,
    StatusRowFlags, SubmitFlags, TransportNotifyFlags as F,
};

pub(crate) use Thread::{Notify as NT, Provider as PT, Spooler as SP};

pub(crate) const M1: MsgId = MsgId(1);
pub(crate) const M2: MsgId = MsgId(2);
pub(crate) const IN1: MsgId = MsgId(100);
pub(crate) const IN2: MsgId = MsgId(101);
pub(crate) const ENABLED: St = St::STATUS_AVAILABLE
    .union(St::STATUS_INBOUND_ENABLED)
    .union(St::STATUS_OUTBOUND_ENABLED);

pub(crate) struct T {
    pub(crate) judge: Judge,
    pub(crate) c: Collect,
    pub(crate) seq: u64,
    pub(crate) cfg: Settings,
    /// The logon index the next events name (`Event::logon`).
    pub(crate) logon: u8,
}

pub(crate) fn ret(method: Method, hr: H) -> Body {
    Body::ret(method, hr)
}

pub(crate) fn ret_flags(method: Method, hr: H, flags: u32) -> Body {
    Body::Return {
        method,
        hr,
        flags: Some(Word(flags)),
        msg_ref: None,
        return_parm: None,
        incoming: None,
    }
}

pub(crate) fn row(status: St) -> Body {
    Body::ModifyStatusRow {
        flags: StatusRowFlags::STATUSROW_UPDATE,
        status,
        columns: None,
        resource_methods: None,
        remote_validate_ok: None,
        result: crate::vocab::HResult::S_OK,
    }
}

impl T {
    pub(crate) fn new() -> T {
        T {
            judge: Judge::new(),
            c: Collect::new(),
            seq: 0,
            cfg: Settings::default(),
            logon: 0,
        }
    }

    pub(crate) fn ev(&mut self, thread: Thread, body: Body) -> &mut T {
        let mut e = Event::new(self.seq, thread, body);
        e.logon = self.logon;
        self.seq += 1;
        self.judge
            .observe(&self.cfg, &e, &mut self.c)
            .expect("well-formed trace");
        self
    }

    /// TransportLogon(NO_INBOUND|NO_OUTBOUND) creating the row, returning LOGON_SP_POLL;
    /// AddressTypes; BEGIN_INBOUND|BEGIN_OUTBOUND with the row updated.
    pub(crate) fn active() -> T {
        let mut t = T::logged_on(L::LOGON_SP_POLL);
        t.notify(
            F::NOTIFY_BEGIN_INBOUND | F::NOTIFY_BEGIN_OUTBOUND,
            None,
            Some(ENABLED),
        );
        t
    }

    /// TransportLogon(NO_INBOUND|NO_OUTBOUND) creating the row, returning `caps`; AddressTypes.
    /// Both directions are still disabled.
    pub(crate) fn logged_on(caps: L) -> T {
        let mut t = T::new();
        t.logon_with(caps);
        t
    }

    /// Names logon index `i` in the events that follow.
    pub(crate) fn on(&mut self, i: u8) -> &mut T {
        self.logon = i;
        self
    }

    /// [`T::logged_on`] on this trace's current logon index ([`T::on`]).
    pub(crate) fn logon_with(&mut self, caps: L) -> &mut T {
        self.ev(
            SP,
            Body::TransportLogon {
                flags: L::LOGON_NO_INBOUND | L::LOGON_NO_OUTBOUND,
            },
        )
        .ev(
            SP,
            Body::ModifyStatusRow {
                flags: StatusRowFlags::empty(),
                status: St::STATUS_AVAILABLE,
                columns: None,
                resource_methods: None,
                remote_validate_ok: None,
                result: crate::vocab::HResult::S_OK,
            },
        )
        .ev(SP, ret_flags(Method::TransportLogon, H::S_OK, caps.raw()))
        .ev(SP, Body::AddressTypes)
        .ev(SP, ret(Method::AddressTypes, H::S_OK))
    }

    /// What a conforming spooler does before TransportLogoff (LIFE-35): END_INBOUND|END_OUTBOUND
    /// for the directions still enabled (none after NOTIFY_CRITICAL_ERROR), the provider clearing their ENABLED bits in its row.
    pub(crate) fn end_traffic(&mut self) -> &mut T {
        let s = &self.judge.sessions[self.logon as usize];
        let mut flags = F::empty();
        if s.inbound {
            flags |= F::NOTIFY_END_INBOUND;
        }
        if s.outbound {
            flags |= F::NOTIFY_END_OUTBOUND;
        }
        // After NOTIFY_CRITICAL_ERROR only TransportLogoff follows (SPN-7, LIFE-35).
        if flags.is_empty() || s.life == crate::judge::session::Life::Critical {
            return self;
        }
        let r = s.row.unwrap_or(St::STATUS_AVAILABLE)
            - (St::STATUS_INBOUND_ENABLED | St::STATUS_OUTBOUND_ENABLED);
        self.notify(flags, None, Some(r))
    }

    pub(crate) fn notify(
        &mut self,
        flags: F,
        data: Option<NotifyData>,
        new_row: Option<St>,
    ) -> &mut T {
        self.ev(NT, Body::TransportNotify { flags, data });
        if let Some(r) = new_row {
            self.ev(NT, row(r));
        }
        self.ev(NT, ret_flags(Method::TransportNotify, H::S_OK, flags.raw()))
    }

    pub(crate) fn submit(&mut self, msg: MsgId, msg_ref: u32) -> &mut T {
        self.ev(
            SP,
            Body::SubmitMessage {
                flags: SubmitFlags::empty(),
                msg,
                msg_ref: 0,
            },
        )
        .ev(SP, Body::MsgRefWrite { value: msg_ref })
        .ev(
            SP,
            Body::MessageRead {
                msg,
                result: H::S_OK,
            },
        )
        .ev(
            SP,
            Body::SetResponsibility {
                msg,
                result: H::S_OK,
            },
        )
    }

    pub(crate) fn submit_ok(&mut self, msg: MsgId, msg_ref: u32) -> &mut T {
        self.submit(msg, msg_ref)
            .ev(SP, ret(Method::SubmitMessage, H::S_OK))
    }

    pub(crate) fn end(&mut self, msg_ref: u32, flags: E) -> &mut T {
        self.ev(SP, Body::EndMessage { msg_ref })
            .ev(SP, ret_flags(Method::EndMessage, H::S_OK, flags.raw()))
    }

    pub(crate) fn poll(&mut self, incoming: u32) -> &mut T {
        self.ev(SP, Body::Poll).ev(
            SP,
            Body::Return {
                method: Method::Poll,
                hr: H::S_OK,
                flags: None,
                msg_ref: None,
                return_parm: None,
                incoming: Some(incoming),
            },
        )
    }

    pub(crate) fn start(&mut self, obj: MsgId) -> &mut T {
        self.ev(
            SP,
            Body::StartMessage {
                flags: Word(0),
                msg: obj,
                msg_ref: 1,
            },
        )
    }

    pub(crate) fn deliver(&mut self, obj: MsgId, content: u32) -> &mut T {
        self.start(obj)
            .ev(SP, Body::MsgRefWrite { value: 7 })
            .ev(
                SP,
                Body::MessageWrite {
                    msg: obj,
                    content: Some(content),
                    nontransmittable: false,
                    entry_id: false,
                    message_class: None,
                    result: H::S_OK,
                },
            )
            .ev(
                SP,
                Body::MessageRecipients {
                    msg: obj,
                    complete: true,
                    result: H::S_OK,
                },
            )
            .ev(
                SP,
                Body::SaveChanges {
                    msg: obj,
                    result: H::S_OK,
                },
            )
            .ev(SP, ret(Method::StartMessage, H::S_OK))
    }

    pub(crate) fn errors(&self) -> Vec<&'static str> {
        let mut v: Vec<_> = self.c.errors().map(|f| f.rule).collect();
        v.dedup();
        v
    }

    pub(crate) fn warnings(&self) -> Vec<&'static str> {
        self.c
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .map(|f| f.rule)
            .collect()
    }

    pub(crate) fn checks(&self, r: Rid) -> u64 {
        self.c.checks[r as usize]
    }

    #[track_caller]
    pub(crate) fn only(&self, rule: &str) {
        assert_eq!(
            self.errors(),
            vec![rule],
            "findings: {:#?}",
            self.c.findings
        );
    }

    /// Exactly one rule warned (a situation SPEC grades "warn"), no error.
    #[track_caller]
    pub(crate) fn only_warning(&self, rule: &str) {
        assert!(self.errors().is_empty(), "findings: {:#?}", self.c.findings);
        let mut w = self.warnings();
        w.dedup();
        assert_eq!(w, vec![rule], "findings: {:#?}", self.c.findings);
    }

    #[track_caller]
    pub(crate) fn clean(&self) {
        assert!(
            self.c.findings.is_empty(),
            "findings: {:#?}",
            self.c.findings
        );
    }
}
