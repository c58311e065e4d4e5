//! The `xpdrive.exe` process: started directly on Windows, under `wine` elsewhere, spoken to
//! over its standard input and output one line at a time (native/driver/protocol.md).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The protocol version this bridge speaks (`XPDRIVE_PROTOCOL` in native/driver/xpdrive.h).
pub const PROTOCOL: u64 = 1;

/// `XPCHECK_WINE`: the program that runs Windows executables here (default `wine`; ignored on
/// Windows).
pub const ENV_WINE: &str = "XPCHECK_WINE";

/// How to start the driver: its path, the provider DLL, and the runner (`wine` or none).
#[derive(Clone, Debug)]
pub struct Launch {
    /// `xpdrive.exe`.
    pub driver: PathBuf,
    /// The provider DLL (or `xpproxy.dll` in front of it).
    pub dll: PathBuf,
    /// Environment for the driver (e.g. `XPPROXY_PROVIDER`, `XPPROXY_TRACE` for the proxy).
    pub env: Vec<(String, String)>,
}

impl Launch {
    /// The runner: `None` on Windows, otherwise `XPCHECK_WINE` or `wine`.
    pub fn runner() -> Option<String> {
        if cfg!(windows) {
            None
        } else {
            Some(std::env::var(ENV_WINE).unwrap_or_else(|_| "wine".into()))
        }
    }

    /// A path as the driver sees it: unchanged on Windows, `Z:\...` under wine (wine maps the
    /// Unix root to drive Z:).
    pub fn windows_path(p: &Path) -> String {
        if cfg!(windows) {
            return p.display().to_string();
        }
        let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        format!("Z:{}", abs.display()).replace('/', "\\")
    }
}

/// A line from the driver.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    /// `R hr values...`: the command returned.
    Return(Vec<u64>),
    /// `C logon ref kind args...`: a callback from the provider, to be answered.
    Callback {
        /// The logon index of the object called.
        logon: u8,
        /// The innermost open msg-ref cell's value, if a SubmitMessage/StartMessage is open.
        cell: Option<u64>,
        /// What was called, then its arguments.
        words: Vec<String>,
    },
    /// `E text`: the driver could not do what was asked (e.g. load the DLL).
    Error(String),
    /// `X code address module`, or the end of output: the driver process ended.
    Crashed(String),
}

struct Io {
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

/// One running driver process.
pub struct Driver {
    io: Mutex<Io>,
    child: Mutex<Child>,
    stderr: Arc<Mutex<Vec<String>>>,
    /// Seconds from spawning to the first answer (wine's start-up, or the process's).
    pub startup_seconds: f64,
    /// Calls sent and not yet returned (a panic that unwinds through a call leaves it above 0:
    /// the driver is then inside the provider and cannot be reused).
    pub(crate) depth: Mutex<u32>,
    /// Every line both ways, when a transcript is kept (`native replay --transcript`).
    pub(crate) transcript: Option<Mutex<Vec<String>>>,
    /// Why the process ended, once it has (a later command then reports this).
    dead: Mutex<Option<String>>,
}

impl Driver {
    /// Starts the driver and checks it speaks [`PROTOCOL`].
    pub fn start(launch: &Launch, transcript: bool) -> Result<Driver, String> {
        if !launch.driver.is_file() {
            return Err(format!(
                "{}: no such driver (build it with `make -C native`, or pass --driver)",
                launch.driver.display()
            ));
        }
        if !launch.dll.is_file() {
            return Err(format!("{}: no such DLL", launch.dll.display()));
        }
        let dll = Launch::windows_path(&launch.dll);
        let mut cmd = match Launch::runner() {
            Some(wine) => {
                let mut c = Command::new(wine);
                c.arg(&launch.driver);
                if std::env::var_os("WINEDEBUG").is_none() {
                    c.env("WINEDEBUG", "-all");
                }
                c
            }
            None => Command::new(&launch.driver),
        };
        cmd.arg("--serve")
            .arg(dll)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in &launch.env {
            cmd.env(k, v);
        }
        let started = Instant::now();
        let mut child = cmd.spawn().map_err(|e| match Launch::runner() {
            Some(wine) if e.kind() == std::io::ErrorKind::NotFound => format!(
                "cannot run {wine}: {e} (install wine, e.g. `apt-get install wine64`, or set \
                 {ENV_WINE})"
            ),
            _ => format!("cannot start {}: {e}", launch.driver.display()),
        })?;
        let stdin = child.stdin.take().ok_or("driver has no stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("driver has no stdout")?);
        let stderr = Arc::new(Mutex::new(Vec::new()));
        if let Some(err) = child.stderr.take() {
            let keep = stderr.clone();
            std::thread::spawn(move || keep_tail(err, &keep));
        }
        let mut d = Driver {
            io: Mutex::new(Io { stdin, stdout }),
            child: Mutex::new(child),
            stderr,
            startup_seconds: 0.0,
            depth: Mutex::new(0),
            transcript: transcript.then(|| Mutex::new(Vec::new())),
            dead: Mutex::new(None),
        };
        d.send("hello")?;
        match d.recv() {
            Line::Return(v) if v.get(1) == Some(&PROTOCOL) => {}
            Line::Return(v) => {
                return Err(format!(
                    "{} speaks protocol {:?}, this xpcheck speaks {PROTOCOL}: rebuild it from \
                     the same checkout",
                    launch.driver.display(),
                    v.get(1)
                ))
            }
            Line::Crashed(why) => return Err(format!("the driver did not start: {why}")),
            other => return Err(format!("the driver did not start: {other:?}")),
        }
        d.startup_seconds = started.elapsed().as_secs_f64();
        Ok(d)
    }

    /// Sends one command line.
    pub fn send(&self, line: &str) -> Result<(), String> {
        if let Some(t) = &self.transcript {
            lock(t).push(format!("> {line}"));
        }
        if let Some(why) = lock(&self.dead).clone() {
            return Err(format!("the provider crashed earlier: {why}"));
        }
        let mut io = lock(&self.io);
        writeln!(io.stdin, "{line}")
            .and_then(|()| io.stdin.flush())
            .map_err(|e| format!("the driver stopped reading: {e}"))
    }

    /// Reads the next protocol line (lines that are not the protocol's are skipped and kept
    /// with standard error).
    pub fn recv(&self) -> Line {
        let mut text = String::new();
        loop {
            text.clear();
            let n = lock(&self.io).stdout.read_line(&mut text);
            let line = text.trim_end();
            match n {
                Ok(0) | Err(_) => {
                    let why = format!("the driver process ended{}", self.exit_and_stderr());
                    *lock(&self.dead) = Some(why.clone());
                    return Line::Crashed(why);
                }
                Ok(_) => {}
            }
            if let Some(t) = &self.transcript {
                lock(t).push(format!("< {line}"));
            }
            if let Some(parsed) = parse(line) {
                if let Line::Crashed(why) = parsed {
                    let why = format!("{why}{}", self.exit_and_stderr());
                    *lock(&self.dead) = Some(why.clone());
                    return Line::Crashed(why);
                }
                return parsed;
            }
            lock(&self.stderr).push(format!("(stdout) {line}"));
        }
    }

    /// The exit status (waiting up to 2 s) and the last lines of standard error, for a message.
    fn exit_and_stderr(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(2);
        let mut status = None;
        while Instant::now() < deadline {
            match lock(&self.child).try_wait() {
                Ok(Some(s)) => {
                    status = Some(s);
                    break;
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                Err(_) => break,
            }
        }
        // Give the stderr reader a moment to catch the last lines.
        std::thread::sleep(Duration::from_millis(50));
        let tail = lock(&self.stderr).join(" | ");
        let mut s = String::new();
        if let Some(st) = status {
            s += &format!(" ({st})");
        }
        if !tail.is_empty() {
            s += &format!("; its standard error: {tail}");
        }
        s
    }

    /// Ends the process (also when a call into the provider never returned).
    pub fn kill(&self) {
        let mut c = lock(&self.child);
        let _ = c.kill();
        let _ = c.wait();
    }

    /// The transcript so far (empty unless kept).
    pub fn transcript(&self) -> Vec<String> {
        self.transcript
            .as_ref()
            .map(|t| lock(t).clone())
            .unwrap_or_default()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Ok(mut io) = self.io.lock() {
            let _ = writeln!(io.stdin, "quit");
            let _ = io.stdin.flush();
        }
        let mut c = lock(&self.child);
        let deadline = Instant::now() + Duration::from_millis(500);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = c.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = c.kill();
        let _ = c.wait();
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Keeps the last 20 lines of the driver's standard error (wine names an unimplemented
/// function there).
fn keep_tail(err: impl Read, keep: &Mutex<Vec<String>>) {
    for line in BufReader::new(err).lines() {
        let Ok(line) = line else { return };
        let mut k = lock(keep);
        k.push(line);
        if k.len() > 20 {
            k.remove(0);
        }
    }
}

/// Exception codes a crashed provider most often dies of.
fn exception_name(code: u64) -> &'static str {
    match code {
        0xC000_0005 => "access violation",
        0xC000_00FD => "stack overflow",
        0xC000_0094 => "integer division by zero",
        0xC000_001D => "illegal instruction",
        0xC000_0409 => "stack buffer overrun",
        0x8000_0003 => "breakpoint",
        0x8000_0100 => "call to a function wine does not implement (its name is on standard error)",
        _ => "exception",
    }
}

fn parse(line: &str) -> Option<Line> {
    let mut w = line.split(' ');
    match w.next()? {
        "R" => Some(Line::Return(
            w.map(|x| x.parse().unwrap_or(u64::MAX)).collect(),
        )),
        "C" => {
            let logon = w.next()?.parse().ok()?;
            let cell = match w.next()? {
                "-" => None,
                n => Some(n.parse().ok()?),
            };
            Some(Line::Callback {
                logon,
                cell,
                words: w.map(str::to_string).collect(),
            })
        }
        "E" => Some(Line::Error(w.collect::<Vec<_>>().join(" "))),
        "X" => {
            let code: u64 = w.next()?.parse().ok()?;
            let at = w.next().unwrap_or("?");
            let module = w.collect::<Vec<_>>().join(" ");
            Some(Line::Crashed(format!(
                "exception 0x{code:08X} ({}) at {at} in {module}",
                exception_name(code)
            )))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{parse, Line};

    #[test]
    fn lines_parse() {
        assert_eq!(parse("R 0 65552 1"), Some(Line::Return(vec![0, 65552, 1])));
        assert_eq!(
            parse("C 1 7 read 5"),
            Some(Line::Callback {
                logon: 1,
                cell: Some(7),
                words: vec!["read".into(), "5".into()]
            })
        );
        assert_eq!(
            parse("C 0 - yield 0"),
            Some(Line::Callback {
                logon: 0,
                cell: None,
                words: vec!["yield".into(), "0".into()]
            })
        );
        match parse("X 3221225477 0000000140001234 C:\\x\\p.dll") {
            Some(Line::Crashed(m)) => assert!(m.contains("access violation"), "{m}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(parse("Unhandled exception: page fault"), None);
    }
}
