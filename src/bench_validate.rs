//! `xpcheck bench-validate`: figures for `validate` on long single-logon traces (no test asserts
//! on time; DESIGN.md "Performance stance").
//!
//! The generated trace is what a correct send-and-receive provider logs over one long logon:
//! TransportLogon, AddressTypes, BEGIN_OUTBOUND, then per outbound message SubmitMessage (msg-ref
//! written first, message read, transmitted, PR_RESPONSIBILITY set) and EndMessage; every 100th
//! message is cancelled by the notify thread while SubmitMessage runs (it returns
//! MAPI_E_USER_CANCEL); msg-refs are reused after EndMessage (EM-3);
//! then NOTIFY_END_OUTBOUND and TransportLogoff. N distinct messages, about 8 lines each. The file is streamed to disk
//! and judged from there, so the figures are those of `xpcheck validate FILE`.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use xpcheck_properties::event::{Body, Event, Method, MsgId, NotifyData, Thread, Word};
use xpcheck_properties::judge::Settings;
use xpcheck_properties::vocab::{HResult, LogonFlags, SubmitFlags, TransportNotifyFlags};

use crate::validate::{validate_file, FileError};

/// Writes the benchmark trace with `messages` distinct outbound messages to `w`; returns the
/// number of lines.
pub fn write_trace(w: &mut impl Write, messages: u64) -> std::io::Result<u64> {
    let mut seq = 0u64;
    let mut line = |w: &mut dyn Write, thread: Thread, body: Body| -> std::io::Result<()> {
        let mut e = Event::new(seq, thread, body);
        e.seq = seq;
        seq += 1;
        w.write_all(e.to_json_line().as_bytes())?;
        w.write_all(b"\n")
    };
    let sp = Thread::Spooler;
    let ret = |method, hr| Body::ret(method, hr);
    line(
        w,
        sp,
        Body::TransportLogon {
            flags: LogonFlags::LOGON_NO_INBOUND | LogonFlags::LOGON_NO_OUTBOUND,
        },
    )?;
    line(
        w,
        sp,
        Body::status_row(
            Default::default(),
            xpcheck_properties::vocab::StatusCode::STATUS_AVAILABLE,
        ),
    )?;
    line(
        w,
        sp,
        Body::Return {
            method: Method::TransportLogon,
            hr: HResult::S_OK,
            flags: Some(Word(0)),
            msg_ref: None,
            return_parm: None,
            incoming: None,
        },
    )?;
    line(w, sp, Body::AddressTypes)?;
    line(w, sp, ret(Method::AddressTypes, HResult::S_OK))?;
    let begin = TransportNotifyFlags::NOTIFY_BEGIN_OUTBOUND;
    line(
        w,
        Thread::Notify,
        Body::TransportNotify {
            flags: begin,
            data: None,
        },
    )?;
    line(
        w,
        Thread::Notify,
        Body::status_row(
            xpcheck_properties::vocab::StatusRowFlags::STATUSROW_UPDATE,
            xpcheck_properties::vocab::StatusCode::STATUS_AVAILABLE
                | xpcheck_properties::vocab::StatusCode::STATUS_OUTBOUND_ENABLED,
        ),
    )?;
    line(
        w,
        Thread::Notify,
        Body::Return {
            method: Method::TransportNotify,
            hr: HResult::S_OK,
            flags: Some(Word(begin.bits())),
            msg_ref: None,
            return_parm: None,
            incoming: None,
        },
    )?;
    for i in 0..messages {
        let msg = MsgId(i as u32 + 1);
        let r = (i % 1000) as u32 + 2;
        let cancelled = i % 100 == 50;
        line(
            w,
            sp,
            Body::SubmitMessage {
                flags: SubmitFlags::empty(),
                msg,
                msg_ref: 0,
            },
        )?;
        line(w, sp, Body::MsgRefWrite { value: r })?;
        line(
            w,
            sp,
            Body::MessageRead {
                msg,
                result: HResult::S_OK,
            },
        )?;
        if cancelled {
            let cancel = TransportNotifyFlags::NOTIFY_CANCEL_MESSAGE;
            line(
                w,
                Thread::Notify,
                Body::TransportNotify {
                    flags: cancel,
                    data: Some(NotifyData::MsgRef(r)),
                },
            )?;
            line(
                w,
                Thread::Notify,
                Body::Return {
                    method: Method::TransportNotify,
                    hr: HResult::S_OK,
                    flags: Some(Word(cancel.bits())),
                    msg_ref: None,
                    return_parm: None,
                    incoming: None,
                },
            )?;
            line(
                w,
                sp,
                Body::Return {
                    method: Method::SubmitMessage,
                    hr: HResult::MAPI_E_USER_CANCEL,
                    flags: None,
                    msg_ref: Some(r),
                    return_parm: None,
                    incoming: None,
                },
            )?;
            continue;
        }
        line(
            w,
            sp,
            Body::Transmit {
                msg,
                nontransmittable: false,
                taken: false,
                had_nontransmittable: false,
                had_taken: false,
                result: HResult::S_OK,
            },
        )?;
        line(
            w,
            sp,
            Body::SetResponsibility {
                msg,
                result: HResult::S_OK,
            },
        )?;
        line(
            w,
            sp,
            Body::Return {
                method: Method::SubmitMessage,
                hr: HResult::S_OK,
                flags: None,
                msg_ref: Some(r),
                return_parm: None,
                incoming: None,
            },
        )?;
        line(w, sp, Body::EndMessage { msg_ref: r })?;
        line(
            w,
            sp,
            Body::Return {
                method: Method::EndMessage,
                hr: HResult::S_OK,
                flags: Some(Word(0)),
                msg_ref: None,
                return_parm: None,
                incoming: None,
            },
        )?;
    }
    // The spooler disables traffic before it logs off (LIFE-35); the row follows (TN-24).
    let end = TransportNotifyFlags::NOTIFY_END_OUTBOUND;
    line(
        w,
        Thread::Notify,
        Body::TransportNotify {
            flags: end,
            data: None,
        },
    )?;
    line(
        w,
        Thread::Notify,
        Body::status_row(
            xpcheck_properties::vocab::StatusRowFlags::STATUSROW_UPDATE,
            xpcheck_properties::vocab::StatusCode::STATUS_AVAILABLE,
        ),
    )?;
    line(
        w,
        Thread::Notify,
        Body::ret_flags(Method::TransportNotify, HResult::S_OK, end.bits()),
    )?;
    line(
        w,
        sp,
        Body::TransportLogoff {
            flags: Default::default(),
        },
    )?;
    line(w, sp, ret(Method::TransportLogoff, HResult::S_OK))?;
    Ok(seq)
}

/// CPU seconds (user + system, all threads) this process has used, where the system says it
/// (Linux `/proc/self/stat`, in the usual 100 ticks per second). On a machine shared with
/// other work, wall-clock seconds stretch; CPU seconds much less.
pub fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split(' ').collect();
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// Peak resident memory of this process so far (VmHWM), in MiB, where the system says it.
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// Generates a trace per size in `dir`, validates it, and prints the figures (sizes in
/// increasing order: the peak memory is the process's high-water mark after each size).
pub fn run(sizes: &[u64], dir: &Path, keep: bool) -> Result<String, String> {
    let mut out = String::from(
        "validate benchmark: one logon, N distinct outbound messages (1 in 100 cancelled), strict settings\n\
         messages       lines   MB file   seconds   events/s   ns/event   CPU s   CPU ns/event   peak RSS MiB   verdict\n",
    );
    for &n in sizes {
        let path: PathBuf = dir.join(format!("xpcheck-bench-validate-{n}.jsonl"));
        let file = std::fs::File::create(&path)
            .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        let mut w = BufWriter::new(file);
        write_trace(&mut w, n)
            .and_then(|_| w.flush())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        drop(w);
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let start = Instant::now();
        let cpu_start = cpu_seconds();
        let report = validate_file(&path, Settings::default(), |_, _| {});
        let seconds = start.elapsed().as_secs_f64();
        let cpu = cpu_seconds().zip(cpu_start).map(|(b, a)| b - a);
        if !keep {
            let _ = std::fs::remove_file(&path);
        }
        let report = report.map_err(|e| match e {
            FileError::Input(e) => format!("the generated trace is malformed: {e}"),
            e => e.to_string(),
        })?;
        let (lines, events) = match report.stats {
            xpcheck_properties::report::Stats::Trace { lines, events, .. } => (lines, events),
            _ => (0, 0),
        };
        out += &format!(
            "{:>8} {:>11} {:>9.1} {:>9.2} {:>10.0} {:>10.0} {:>7} {:>14} {:>14} {:>9}\n",
            n,
            lines,
            size as f64 / 1e6,
            seconds,
            events as f64 / seconds.max(1e-9),
            seconds * 1e9 / events.max(1) as f64,
            cpu.map_or_else(|| "n/a".to_string(), |c| format!("{c:.2}")),
            cpu.map_or_else(
                || "n/a".to_string(),
                |c| format!("{:.0}", c * 1e9 / events.max(1) as f64)
            ),
            peak_rss_mib().map_or_else(|| "n/a".to_string(), |m| format!("{m:.1}")),
            report.verdict.word()
        );
    }
    Ok(out)
}
