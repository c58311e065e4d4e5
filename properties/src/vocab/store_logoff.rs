//! `IMAPISupport::StoreLogoffTransports` flags, mapidefs.h — SPEC.md FLOW-15.

use bitflags::bitflags;

use super::flag_word::impl_flag_word;

bitflags! {
    /// The input `*lpulFlags` of `IMAPISupport::StoreLogoffTransports`: how the spooler winds
    /// down transport activity for a store that logs off (FLOW-15). The spooler's answer bits
    /// (`LOGOFF_COMPLETE` 0x10000, `LOGOFF_INBOUND` 0x20000, `LOGOFF_OUTBOUND` 0x40000,
    /// `LOGOFF_OUTBOUND_QUEUE` 0x80000) are no event and have no type here. `LOGOFF_ABORT`
    /// shares its value with `LOGOFF_NORMAL` of TransportLogoff (another namespace).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
    pub struct StoreLogoffFlags: u32 {
        /// Stop transport activity first; if any is in progress nothing changes (FLOW-15).
        const LOGOFF_ABORT = 0x0000_0001;
        /// Send everything ready, finish an in-process inbound message, then disable reception.
        const LOGOFF_NO_WAIT = 0x0000_0002;
        /// Finish pending messages, start no new ones.
        const LOGOFF_ORDERLY = 0x0000_0004;
        /// As `LOGOFF_NO_WAIT`, returning only after completion.
        const LOGOFF_PURGE = 0x0000_0008;
        /// Do not log off if transports are busy.
        const LOGOFF_QUIET = 0x0000_0010;
    }
}

impl StoreLogoffFlags {
    /// The wind-down still sends the messages that are ready (FLOW-15: `LOGOFF_NO_WAIT`,
    /// `LOGOFF_PURGE`), unless `LOGOFF_ABORT` stops activity first.
    pub const fn sends_ready(self) -> bool {
        self.intersects(StoreLogoffFlags::LOGOFF_NO_WAIT.union(StoreLogoffFlags::LOGOFF_PURGE))
            && !self.contains(StoreLogoffFlags::LOGOFF_ABORT)
    }
}

impl_flag_word!(StoreLogoffFlags);

#[cfg(test)]
mod tests {
    use super::*;
    use bitflags::Flags as _;

    #[test]
    fn values_match_flow_15() {
        assert_eq!(StoreLogoffFlags::LOGOFF_ABORT.bits(), 0x01);
        assert_eq!(StoreLogoffFlags::LOGOFF_NO_WAIT.bits(), 0x02);
        assert_eq!(StoreLogoffFlags::LOGOFF_ORDERLY.bits(), 0x04);
        assert_eq!(StoreLogoffFlags::LOGOFF_PURGE.bits(), 0x08);
        assert_eq!(StoreLogoffFlags::LOGOFF_QUIET.bits(), 0x10);
        assert_eq!(StoreLogoffFlags::FLAGS.len(), 5);
        assert!(StoreLogoffFlags::LOGOFF_PURGE.sends_ready());
        assert!(!(StoreLogoffFlags::LOGOFF_NO_WAIT | StoreLogoffFlags::LOGOFF_ABORT).sends_ready());
        assert!(!StoreLogoffFlags::LOGOFF_ORDERLY.sends_ready());
    }
}
