//! Progress bars on stderr for runs longer than a second (indicatif).
//!
//! A [`Progress`] draws nothing for the first second, and nothing at all when it is disabled
//! (stderr is not a terminal, or the output is JSON): stdout is never touched, so reports and
//! snapshots are the same with and without a terminal.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Delay before a bar appears.
pub const DELAY: Duration = Duration::from_secs(1);

/// A bar (with a known length) or a spinner, shown on stderr after [`DELAY`].
pub struct Progress {
    bar: ProgressBar,
    /// `true` once finished; the delayed starter checks it under the lock.
    done: Arc<Mutex<bool>>,
}

impl Progress {
    /// A progress display; `len` = `Some(total)` for a bar, `None` for a spinner. When
    /// `enabled` is false it never draws.
    pub fn new(enabled: bool, len: Option<u64>, unit: &str) -> Progress {
        let bar = match len {
            Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::hidden()),
            None => ProgressBar::hidden(),
        };
        let style = match len {
            Some(_) => ProgressStyle::with_template(&format!(
                "{{spinner}} [{{elapsed_precise}}] {{wide_bar}} {{pos}}/{{len}} {unit} ({{eta}}) {{msg}}"
            )),
            None => ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}"),
        };
        if let Ok(style) = style {
            bar.set_style(style);
        }
        let done = Arc::new(Mutex::new(false));
        if enabled {
            let (b, d) = (bar.clone(), done.clone());
            std::thread::spawn(move || {
                std::thread::sleep(DELAY);
                let finished = d.lock().unwrap_or_else(|p| p.into_inner());
                if !*finished {
                    b.set_draw_target(ProgressDrawTarget::stderr());
                    b.enable_steady_tick(Duration::from_millis(120));
                }
            });
        }
        Progress { bar, done }
    }

    /// Whether stderr is a terminal and the output is not JSON: the default for `enabled`.
    pub fn wanted(json: bool) -> bool {
        use std::io::IsTerminal;
        !json && std::io::stderr().is_terminal()
    }

    /// Sets the length of the bar.
    pub fn set_len(&self, len: u64) {
        self.bar.set_length(len);
    }

    /// Sets the position.
    pub fn set(&self, pos: u64) {
        self.bar.set_position(pos);
    }

    /// Sets the message shown after the bar.
    pub fn message(&self, msg: String) {
        self.bar.set_message(msg);
    }

    /// Removes the bar; nothing is drawn afterwards.
    pub fn finish(&self) {
        let mut finished = self.done.lock().unwrap_or_else(|p| p.into_inner());
        *finished = true;
        self.bar.finish_and_clear();
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
