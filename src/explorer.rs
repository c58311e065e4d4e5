//! `xpcheck explore`: where the stateright Explorer listens.
//!
//! stateright's `serve` panics when it cannot bind and never says which port it got, so the
//! address is checked first: a busy port is an error with a message (exit 2), and port 0 is
//! turned into the free port the system hands out, which is what the CLI announces.

use std::net::{Ipv4Addr, SocketAddr, TcpListener};

/// The address to serve on: `127.0.0.1:port`, with port 0 replaced by a free port. An error
/// says why the port cannot be used (busy, or not allowed).
pub fn reserve(port: u16) -> Result<SocketAddr, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e} (choose another --port, or --port 0 for any free one)"))?;
    let addr = listener
        .local_addr()
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    // Released just before the Explorer binds it; a process taking it in between is reported by
    // the caller, which catches the Explorer's failure to bind.
    drop(listener);
    Ok(addr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_0_becomes_a_real_port() {
        let a = reserve(0).expect("a free port");
        assert_ne!(a.port(), 0);
        assert!(a.ip().is_loopback());
    }

    #[test]
    fn a_busy_port_is_an_error_naming_it() {
        let held = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
        let port = held.local_addr().expect("addr").port();
        let e = reserve(port).expect_err("busy");
        assert!(e.contains(&format!("127.0.0.1:{port}")), "{e}");
    }
}
