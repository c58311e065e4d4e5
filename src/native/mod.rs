//! Native providers: a C/C++ provider DLL driven by `xpdrive.exe`, the script-driven spooler
//! built from `native/` with mingw-w64 (README "C and C++ providers"). The simulator's
//! conforming spooler chooses every step from the seed, as for a Rust provider; the driver
//! executes each step against the DLL (directly on Windows, under `wine` elsewhere) and reports
//! every callback back, so the same monitors judge the same events and a seed replays the same
//! trace for a single-threaded provider.
//!
//! - [`driver`]: the process and its line protocol (native/driver/protocol.md).
//! - [`bridge`]: the DLL as a [`xpcheck_sim::api::TransportProvider`].
//! - [`run`]: `xpcheck native sim` / `native replay` reports.

pub mod bridge;
pub mod driver;
pub mod run;

pub use bridge::{Session, Unmodelled};
pub use driver::{Driver, Launch};
pub use run::{native_replay, native_sim, NativeRun};
