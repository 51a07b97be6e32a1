//! Opening a connection: name resolution, TCP, a proxy's tunnel when one is in the way,
//! TLS, then hyper's HTTP/1.1 handshake (which is local: no bytes go out until a request
//! does).
//!
//! Every failure here happens before any request byte is written, so each one is "not
//! sent"; the kind says which step failed.

use std::sync::Arc;

use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{ClientConfig, pki_types::ServerName};

use super::pool::{Connection, Key};
use super::probe::Probe;
use super::proxy::{ProxyServer, tunnel};
use crate::error::TransportErrorKind;

/// A failed step, and the underlying error.
pub(super) type ConnectError = (TransportErrorKind, Box<dyn std::error::Error + Send + Sync>);

/// Connects to `key`, through `proxy` when given, and starts the connection's task on
/// the current runtime. An `https` key through a proxy is tunnelled (`CONNECT`) and TLS
/// runs end to end; an `http` one is a connection to the proxy itself.
pub(super) async fn connect(
    key: &Key,
    proxy: Option<&ProxyServer>,
    tls: &Arc<ClientConfig>,
) -> Result<Connection, ConnectError> {
    use TransportErrorKind as K;
    let (host, port) = match proxy {
        Some(p) => (p.host.as_str(), p.port),
        None => (key.host(), key.port),
    };
    let addresses = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| (if proxy.is_some() { K::Proxy } else { K::Dns }, e.into()))?;
    let mut last = None;
    let mut stream = None;
    for address in addresses {
        match TcpStream::connect(address).await {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    let Some(stream) = stream else {
        return Err(match (last, proxy) {
            (Some(e), Some(p)) => (
                K::Proxy,
                format!("cannot connect to the proxy {p:?}: {e}").into(),
            ),
            (Some(e), None) => (K::Connect, e.into()),
            (None, _) => (K::Dns, "the host name resolved to no address".into()),
        });
    };
    // Requests are written whole; waiting for an ACK before the next segment only adds latency.
    stream
        .set_nodelay(true)
        .map_err(|e| (K::Connect, e.into()))?;
    let probe = Probe::of(&stream);
    if !key.https {
        return handshake(TokioIo::new(stream), probe).await;
    }
    if let Some(proxy) = proxy {
        tunnel(&stream, proxy, key.host(), key.port).await?;
    }
    let name =
        ServerName::try_from(key.host().to_owned()).map_err(|e| (K::InvalidUrl, e.into()))?;
    let tls = TlsConnector::from(Arc::clone(tls))
        .connect(name, stream)
        .await
        .map_err(|e| (K::Tls, e.into()))?;
    handshake(TokioIo::new(tls), probe).await
}

async fn handshake<T>(io: T, probe: Probe) -> Result<Connection, ConnectError>
where
    T: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    let (sender, connection) = hyper::client::conn::http1::Builder::new()
        .handshake(io)
        .await
        .map_err(|e| (TransportErrorKind::Other, e.into()))?;
    // The connection's errors reach the request that was in flight; nothing to report here.
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(Connection::new(sender, probe))
}
