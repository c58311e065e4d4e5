//! Status-row vocabulary: `PR_STATUS_CODE` bits, `PR_RESOURCE_METHODS` bits (mapidefs.h) and the
//! `ModifyStatusRow` flag (mapispi.h) — SPEC.md §3.2 and §3.4, rules STAT-*, VS-*, FQ-*.

use bitflags::bitflags;

use super::flag_word::impl_flag_word;

bitflags! {
    /// The `PR_STATUS_CODE` value of a status row (SPEC.md §3.4, STAT rules).
    ///
    /// `STATUS_ONLINE`, named by the ValidateState page, is defined in no header (AMB-17):
    /// "online" means `STATUS_OFFLINE` clear. Note the unused gap at 0x00080000.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
    pub struct StatusCode: u32 {
        /// The object is available (any status object).
        const STATUS_AVAILABLE = 0x0000_0001;
        /// The object is offline (any status object).
        const STATUS_OFFLINE = 0x0000_0002;
        /// The object failed (any status object).
        const STATUS_FAILURE = 0x0000_0004;
        /// Inbound delivery is enabled (transports).
        const STATUS_INBOUND_ENABLED = 0x0001_0000;
        /// Inbound delivery is in progress (transports).
        const STATUS_INBOUND_ACTIVE = 0x0002_0000;
        /// An inbound flush is in progress (transports; FQ rules).
        const STATUS_INBOUND_FLUSH = 0x0004_0000;
        /// Outbound delivery is enabled (transports).
        const STATUS_OUTBOUND_ENABLED = 0x0010_0000;
        /// Outbound delivery is in progress (transports).
        const STATUS_OUTBOUND_ACTIVE = 0x0020_0000;
        /// An outbound flush is in progress (transports; FQ rules).
        const STATUS_OUTBOUND_FLUSH = 0x0040_0000;
        /// The transport works through remote access (transports).
        const STATUS_REMOTE_ACCESS = 0x0080_0000;
    }
}

bitflags! {
    /// The `PR_RESOURCE_METHODS` value: which `IMAPIStatus` methods a status object supports
    /// (SPEC.md §3.4, STAT rules).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
    pub struct ResourceMethods: u32 {
        /// `IMAPIStatus::ValidateState` is supported.
        const STATUS_VALIDATE_STATE = 0x0000_0001;
        /// `IMAPIStatus::SettingsDialog` is supported.
        const STATUS_SETTINGS_DIALOG = 0x0000_0002;
        /// `IMAPIStatus::ChangePassword` is supported.
        const STATUS_CHANGE_PASSWORD = 0x0000_0004;
        /// `IMAPIStatus::FlushQueues` is supported.
        const STATUS_FLUSH_QUEUES = 0x0000_0008;
    }
}

bitflags! {
    /// The `ulFlags` word of `IMAPISupport::ModifyStatusRow` (SPEC.md §3.2).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
    pub struct StatusRowFlags: u32 {
        /// Only the changed columns are passed and MAPI merges them into the existing row
        /// (STAT-1); without it the call creates the row (LIFE-23).
        const STATUSROW_UPDATE = 0x1000_0000;
    }
}

bitflags! {
    /// Which status-row columns a `ModifyStatusRow` call passes (its `lpColumnVals`), as
    /// recorded in traces (STAT-7, STAT-11, VS-8, VS-10). Not a MAPI word: xpcheck's own set of
    /// the columns the rules name.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
    pub struct RowColumns: u32 {
        /// `PR_DISPLAY_NAME` (STAT-7: the provider supplies it).
        const PR_DISPLAY_NAME = 0x0000_0001;
        /// `PR_STATUS_CODE` (STAT-3, STAT-7).
        const PR_STATUS_CODE = 0x0000_0002;
        /// `PR_RESOURCE_METHODS` (STAT-7, STAT-11).
        const PR_RESOURCE_METHODS = 0x0000_0004;
        /// `PR_STATUS_STRING` (VS-8, VS-10).
        const PR_STATUS_STRING = 0x0000_0008;
        /// `PR_REMOTE_VALIDATE_OK` (VS-8, VS-10).
        const PR_REMOTE_VALIDATE_OK = 0x0000_0010;
        /// `PR_IDENTITY_DISPLAY`, `PR_IDENTITY_ENTRYID`, `PR_IDENTITY_SEARCH_KEY` (STAT-7).
        const PR_IDENTITY = 0x0000_0020;
    }
}

impl RowColumns {
    /// The columns a provider must supply when it creates its row (STAT-7).
    pub const REQUIRED: RowColumns = RowColumns::PR_DISPLAY_NAME
        .union(RowColumns::PR_STATUS_CODE)
        .union(RowColumns::PR_RESOURCE_METHODS);
}

impl_flag_word!(StatusCode, ResourceMethods, StatusRowFlags, RowColumns);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::FlagWord;
    use bitflags::Flags as _;

    #[test]
    fn status_code_values_match_spec_3_4() {
        assert_eq!(StatusCode::STATUS_AVAILABLE.bits(), 0x00000001);
        assert_eq!(StatusCode::STATUS_OFFLINE.bits(), 0x00000002);
        assert_eq!(StatusCode::STATUS_FAILURE.bits(), 0x00000004);
        assert_eq!(StatusCode::STATUS_INBOUND_ENABLED.bits(), 0x00010000);
        assert_eq!(StatusCode::STATUS_INBOUND_ACTIVE.bits(), 0x00020000);
        assert_eq!(StatusCode::STATUS_INBOUND_FLUSH.bits(), 0x00040000);
        assert_eq!(StatusCode::STATUS_OUTBOUND_ENABLED.bits(), 0x00100000);
        assert_eq!(StatusCode::STATUS_OUTBOUND_ACTIVE.bits(), 0x00200000);
        assert_eq!(StatusCode::STATUS_OUTBOUND_FLUSH.bits(), 0x00400000);
        assert_eq!(StatusCode::STATUS_REMOTE_ACCESS.bits(), 0x00800000);
        assert_eq!(StatusCode::FLAGS.len(), 10);
    }

    #[test]
    fn resource_methods_values_match_spec_3_4() {
        assert_eq!(ResourceMethods::STATUS_VALIDATE_STATE.bits(), 0x00000001);
        assert_eq!(ResourceMethods::STATUS_SETTINGS_DIALOG.bits(), 0x00000002);
        assert_eq!(ResourceMethods::STATUS_CHANGE_PASSWORD.bits(), 0x00000004);
        assert_eq!(ResourceMethods::STATUS_FLUSH_QUEUES.bits(), 0x00000008);
        assert_eq!(ResourceMethods::FLAGS.len(), 4);
    }

    #[test]
    fn status_row_value_matches_spec_3_2() {
        assert_eq!(StatusRowFlags::STATUSROW_UPDATE.bits(), 0x10000000);
        assert_eq!(StatusRowFlags::FLAGS.len(), 1);
    }

    #[test]
    fn status_online_is_not_a_name_amb_17() {
        assert!(StatusCode::parse("STATUS_ONLINE").is_err());
        assert_eq!(
            StatusCode::from_raw(0x0008_0000).unknown_bits(),
            0x0008_0000
        );
    }

    #[test]
    fn status_code_serde_round_trip() {
        let s = StatusCode::STATUS_AVAILABLE
            | StatusCode::STATUS_INBOUND_ENABLED
            | StatusCode::STATUS_OUTBOUND_ENABLED;
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(json, "\"0x00110001\"");
        assert_eq!(serde_json::from_str::<StatusCode>(&json).unwrap(), s);
        let named = "\"STATUS_AVAILABLE|STATUS_INBOUND_ENABLED|STATUS_OUTBOUND_ENABLED\"";
        assert_eq!(serde_json::from_str::<StatusCode>(named).unwrap(), s);
        assert_eq!(serde_json::from_str::<StatusCode>("1114113").unwrap(), s);
    }
}
