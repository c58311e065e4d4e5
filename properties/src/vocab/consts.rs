//! Plain `ULONG` constants that are values rather than flag words (SPEC.md §3.3–§3.8).

pub use super::client::MAPI_INIT_VERSION;

/// `MAPI_TRANSPORT_PROVIDER` (36): the `PR_RESOURCE_TYPE` of a transport's status row (§3.4).
pub const MAPI_TRANSPORT_PROVIDER: u32 = 36;
/// `MAPI_SPOOLER` (37): the `PR_RESOURCE_TYPE` of the spooler's status row (§3.4).
pub const MAPI_SPOOLER: u32 = 37;
/// `MAPI_STATUS` (0x0A): the `PR_OBJECT_TYPE` of status rows (§3.4).
pub const MAPI_STATUS: u32 = 0x0000_000A;
/// `MAPI_MODIFY`: `OpenStatusEntry` flag requesting read/write access (§3.4).
pub const MAPI_MODIFY: u32 = 0x0000_0001;

/// `CURRENT_SPI_VERSION` (= `PDK3_SPI_VERSION`), the SPI version a provider reports (§3.3).
pub const CURRENT_SPI_VERSION: u32 = 0x0001_0010;
/// `PDK1_SPI_VERSION` (§3.3 notes).
pub const PDK1_SPI_VERSION: u32 = 0x0001_0000;
/// `PDK2_SPI_VERSION` (§3.3 notes).
pub const PDK2_SPI_VERSION: u32 = 0x0001_0008;
/// `PDK3_SPI_VERSION` (§3.3 notes).
pub const PDK3_SPI_VERSION: u32 = 0x0001_0010;
/// `MSG_SERVICE_CONFIGURE`: the context MAPI passes to the service entry after
/// `MAPI_E_UNCONFIGURED` (§3.3).
pub const MSG_SERVICE_CONFIGURE: u32 = 0x0000_0003;

/// `MSGSTATUS_REMOTE_DOWNLOAD` (§3.5).
pub const MSGSTATUS_REMOTE_DOWNLOAD: u32 = 0x0000_1000;
/// `MSGSTATUS_REMOTE_DELETE` (§3.5).
pub const MSGSTATUS_REMOTE_DELETE: u32 = 0x0000_2000;
/// `MAPI_P1`: recipient-type bit for resend recipients (§3.5).
pub const MAPI_P1: u32 = 0x1000_0000;

/// `FACILITY_ITF` (4): the facility of every `MAKE_MAPI_E` / `MAKE_MAPI_S` code (§3, §3.8).
pub const FACILITY_ITF: u32 = 4;

/// `MAPI_E_USER_ABORT` (= `MAPI_USER_ABORT` = 1) from mapi.h: a **Simple MAPI `ULONG` return
/// code, not an HRESULT** (AMB-20), hence not an [`HResult`](super::HResult) constant. Never use
/// it in the transport model; cancel paths use `HResult::MAPI_E_USER_CANCEL`.
pub const MAPI_E_USER_ABORT: u32 = 1;

/// `szMAPINotificationMsg`: the registered window-message name of MAPI notifications (§3.7;
/// mingw/ms mapidefs.h, absent in kopano).
pub const SZ_MAPI_NOTIFICATION_MSG: &str = "MAPI Notify window message";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_match_spec() {
        assert_eq!(MAPI_TRANSPORT_PROVIDER, 0x24);
        assert_eq!(MAPI_SPOOLER, 0x25);
        assert_eq!(MAPI_STATUS, 0x0000000A);
        assert_eq!(MAPI_MODIFY, 0x00000001);
        assert_eq!(CURRENT_SPI_VERSION, 0x00010010);
        assert_eq!(PDK1_SPI_VERSION, 0x00010000);
        assert_eq!(PDK2_SPI_VERSION, 0x00010008);
        assert_eq!(PDK3_SPI_VERSION, 0x00010010);
        assert_eq!(MSG_SERVICE_CONFIGURE, 0x00000003);
        assert_eq!(MSGSTATUS_REMOTE_DOWNLOAD, 0x00001000);
        assert_eq!(MSGSTATUS_REMOTE_DELETE, 0x00002000);
        assert_eq!(MAPI_P1, 0x10000000);
        assert_eq!(FACILITY_ITF, 4);
        assert_eq!(MAPI_E_USER_ABORT, 0x00000001);
        assert_eq!(MAPI_INIT_VERSION, 0);
        assert_eq!(SZ_MAPI_NOTIFICATION_MSG, "MAPI Notify window message");
    }
}
