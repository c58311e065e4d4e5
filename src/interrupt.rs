//! SIGINT / SIGTERM for the CLI (DESIGN.md "CLI": exit 3 with the report so far).
//!
//! The first signal sets [`xpcheck_model::interrupt`]'s flag: `check`, `sim` and `validate`
//! stop at their next safe point and print what they have with verdict `incomplete` (exit 3;
//! violations already found are kept, exit 1). A second signal ends the process at once with
//! exit 3 and nothing more on stdout. The handlers are signal-hook's (no signal code here).

use std::io;

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::flag;

/// Exit code of a second signal: the run is incomplete and nothing more is printed.
pub const EXIT_SECOND_SIGNAL: i32 = 3;

/// Installs the handlers: the first SIGINT / SIGTERM requests an interrupt, the next one exits.
pub fn install() -> io::Result<()> {
    let requested = xpcheck_model::interrupt::flag();
    for sig in [SIGINT, SIGTERM] {
        // Order matters: the exit is armed by the flag the first signal sets.
        flag::register_conditional_shutdown(sig, EXIT_SECOND_SIGNAL, requested.clone())?;
        flag::register(sig, requested.clone())?;
    }
    Ok(())
}
