//! Whether an idle connection is still open, asked of its socket just before reuse.
//!
//! The connections' tasks run only while some call waits on the shared runtime, so
//! between calls nobody reads a server's FIN: a server that closed an idle keep-alive
//! connection (Apache after 5 s by default, a load balancer after its own timeout, the
//! emulator when a newcomer takes its slot) leaves the pool holding a connection hyper
//! still believes open. Written to, it fails after the request went out, and a POST
//! would be reported "may have been sent" though the server never read a byte of it.
//!
//! So the pool keeps a second handle on each connection's TCP socket and, before
//! handing the connection out, peeks at it without blocking: an idle HTTP/1.1
//! connection has nothing to read, so anything readable (an end of stream, a reset, a
//! stray `408` or a TLS alert) means the server is done with it. This costs one
//! non-blocking `recv` per reuse and no thread (urllib3's `is_connection_dropped` is the
//! same check); RELIABILITY.md says why it was chosen over a background driver.

use std::io;
use std::net::TcpStream;

/// A second handle on a connection's socket, for [`Probe::is_open`] alone: it never
/// reads or writes, and it keeps the socket open only as long as the connection itself.
#[derive(Debug)]
pub(super) struct Probe {
    socket: Option<TcpStream>,
}

impl Probe {
    /// A probe of `stream`'s socket. Where the socket cannot be duplicated (out of file
    /// descriptors), a probe that always answers "open": the pool then trusts hyper
    /// alone, as it did before probes.
    pub fn of(stream: &tokio::net::TcpStream) -> Probe {
        Probe {
            socket: duplicate(stream).ok(),
        }
    }

    /// Whether the server may still read a request from this connection: nothing is
    /// waiting to be read on it, and it has not failed.
    pub fn is_open(&self) -> bool {
        let Some(socket) = &self.socket else {
            return true;
        };
        // The socket is non-blocking (tokio made it so, and the flag belongs to the
        // socket, not to the handle), so a peek with nothing to read says WouldBlock.
        match socket.peek(&mut [0; 1]) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => true,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => true,
            // End of stream (the server's FIN), bytes nobody asked for, or a reset.
            Ok(_) | Err(_) => false,
        }
    }
}

#[cfg(unix)]
fn duplicate(stream: &tokio::net::TcpStream) -> io::Result<TcpStream> {
    use std::os::fd::AsFd as _;
    Ok(TcpStream::from(stream.as_fd().try_clone_to_owned()?))
}

#[cfg(windows)]
fn duplicate(stream: &tokio::net::TcpStream) -> io::Result<TcpStream> {
    use std::os::windows::io::AsSocket as _;
    Ok(TcpStream::from(stream.as_socket().try_clone_to_owned()?))
}

#[cfg(not(any(unix, windows)))]
fn duplicate(_: &tokio::net::TcpStream) -> io::Result<TcpStream> {
    Err(io::ErrorKind::Unsupported.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    fn pair() -> (Probe, std::net::TcpStream, tokio::net::TcpStream) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        client.set_nonblocking(true).unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .unwrap();
        let client = runtime.block_on(async { tokio::net::TcpStream::from_std(client) });
        let client = client.unwrap();
        (Probe::of(&client), server, client)
    }

    fn settle() {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }

    #[test]
    fn an_idle_connection_is_open() {
        let (probe, _server, _client) = pair();
        assert!(probe.socket.is_some());
        assert!(probe.is_open());
    }

    #[test]
    fn a_connection_the_server_closed_is_not() {
        let (probe, server, _client) = pair();
        drop(server);
        settle();
        assert!(!probe.is_open());
    }

    #[test]
    fn a_connection_with_unasked_bytes_is_not() {
        let (probe, mut server, _client) = pair();
        server
            .write_all(b"HTTP/1.1 408 Request Timeout\r\n\r\n")
            .unwrap();
        settle();
        assert!(!probe.is_open());
        // Peeking consumed nothing: the bytes are still there for whoever reads.
        assert!(!probe.is_open());
    }

    #[test]
    fn a_connection_reset_by_the_server_is_not() {
        let (probe, server, _client) = pair();
        // SO_LINGER 0: close sends RST instead of FIN.
        socket_linger_zero(&server);
        drop(server);
        settle();
        assert!(!probe.is_open());
    }

    fn socket_linger_zero(s: &std::net::TcpStream) {
        socket2::SockRef::from(s)
            .set_linger(Some(std::time::Duration::ZERO))
            .unwrap();
    }
}
