//! Opening a connection: name resolution, TCP, TLS, then hyper's HTTP/1.1 handshake
//! (which is local: no bytes go out until a request does).
//!
//! Every failure here happens before any request byte is written, so each one is "not
//! sent"; the kind says which step failed.

use std::sync::{Arc, LazyLock};

use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore, pki_types::ServerName};

use super::pool::{Connection, Key};
use super::probe::Probe;
use crate::error::TransportErrorKind;

/// A failed step, and the underlying error.
pub(super) type ConnectError = (TransportErrorKind, Box<dyn std::error::Error + Send + Sync>);

/// rustls with the ring provider and the Mozilla roots, built once for every transport.
static TLS: LazyLock<Result<Arc<ClientConfig>, rustls::Error>> = LazyLock::new(|| {
    let roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let mut config =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
});

/// Connects to `key` and starts the connection's task on the current runtime.
pub(super) async fn connect(key: &Key) -> Result<Connection, ConnectError> {
    use TransportErrorKind as K;
    let addresses = tokio::net::lookup_host((key.host.as_str(), key.port))
        .await
        .map_err(|e| (K::Dns, e.into()))?;
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
        return Err(match last {
            Some(e) => (K::Connect, e.into()),
            None => (K::Dns, "the host name resolved to no address".into()),
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
    let config = TLS.as_ref().map_err(|e| (K::Tls, e.clone().into()))?;
    let name = ServerName::try_from(key.host.clone()).map_err(|e| (K::InvalidUrl, e.into()))?;
    let tls = TlsConnector::from(Arc::clone(config))
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
