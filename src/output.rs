//! Writing a command's output as Unix tools do (ripgrep's habit, STYLE.md "Reading output").
//!
//! A command decides its verdict first, then writes its whole report with [`finish`]:
//! - a **closed pipe** (`xpcheck rules --json | head -c 100`) is not an error: the reader took
//!   what it wanted, so the command ends quietly with the code it had already decided (0, or the
//!   verdict's 1 or 3);
//! - **any other write error** (a full disk, `/dev/full`) is exit 2 with one line on stderr;
//! - never a panic (`print!` panics on both).
//!
//! Messages on stderr go through [`warn`], which ignores a stderr that cannot be written: there
//! is nowhere left to say it.

use std::fmt;
use std::io::{self, ErrorKind, Write};
use std::process::ExitCode;

/// Exit code for bad usage, bad input, or output that could not be written.
pub const EXIT_USAGE: u8 = 2;

/// Writes `text` to stdout and flushes it; returns `code`, or what [`outcome`] makes of a
/// write error.
pub fn finish(text: &str, code: u8) -> ExitCode {
    let mut out = io::stdout().lock();
    ExitCode::from(outcome(write_all(&mut out, text), code))
}

/// Writes `text` to `w` and flushes it.
pub fn write_all(w: &mut impl Write, text: &str) -> io::Result<()> {
    w.write_all(text.as_bytes())?;
    w.flush()
}

/// The exit code of a command whose verdict code is `code` after writing its output gave
/// `written`: `code` when it was written or the pipe was closed, [`EXIT_USAGE`] (with one line
/// on stderr) for any other error.
pub fn outcome(written: io::Result<()>, code: u8) -> u8 {
    match written {
        Ok(()) => code,
        Err(e) if e.kind() == ErrorKind::BrokenPipe => code,
        Err(e) => {
            warn(format_args!("cannot write the output: {e}"));
            EXIT_USAGE
        }
    }
}

/// One line `xpcheck: MESSAGE` on stderr; a stderr that cannot be written is ignored.
pub fn warn(msg: impl fmt::Display) {
    let _ = writeln!(io::stderr().lock(), "xpcheck: {msg}");
}

/// [`warn`], then exit code [`EXIT_USAGE`].
pub fn usage(msg: impl fmt::Display) -> ExitCode {
    warn(msg);
    ExitCode::from(EXIT_USAGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Failing(ErrorKind);

    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(self.0))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_keeps_the_decided_code() {
        for code in [0, 1, 3] {
            let r = write_all(&mut Failing(ErrorKind::BrokenPipe), "report");
            assert_eq!(outcome(r, code), code);
        }
    }

    #[test]
    fn another_write_error_is_exit_2() {
        let r = write_all(&mut Failing(ErrorKind::StorageFull), "report");
        assert_eq!(outcome(r, 0), EXIT_USAGE);
    }

    #[test]
    fn a_written_report_keeps_its_code() {
        let mut buf = Vec::new();
        assert_eq!(outcome(write_all(&mut buf, "report"), 1), 1);
        assert_eq!(buf, b"report");
    }
}
