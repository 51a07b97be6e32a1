//! Which certificate authorities the default transport trusts.
//!
//! By default, Mozilla's roots (bundled through `webpki-roots`, the same on every OS)
//! plus, when `SSL_CERT_FILE` names a PEM file, the certificates in it: a corporate CA
//! that re-signs traffic at a proxy is trusted without giving up the public roots.
//! [`TlsRoots`] chooses otherwise.

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

use tokio_rustls::rustls::pki_types::CertificateDer;
use tokio_rustls::rustls::pki_types::pem::PemObject as _;
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};

use crate::client::ConfigError;

/// The environment variable naming a PEM file of extra roots (as OpenSSL, curl and Go
/// read it).
pub const SSL_CERT_FILE: &str = "SSL_CERT_FILE";

/// The certificate authorities the default transport trusts.
///
/// ```no_run
/// use atlas_runtime::{Client, TlsRoots};
///
/// // Mozilla's roots and the company's CA.
/// let client = Client::builder()
///     .tls_roots(TlsRoots::bundled().add_pem_file("/etc/corp/ca.pem"))
///     .build()?;
/// // Only the company's CA (a proxy that re-signs everything).
/// let client = Client::builder()
///     .tls_roots(TlsRoots::empty().add_pem_file("/etc/corp/ca.pem"))
///     .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct TlsRoots {
    bundled: bool,
    pem: Vec<Pem>,
}

#[derive(Clone)]
enum Pem {
    File(PathBuf),
    Bytes(Arc<[u8]>),
}

impl fmt::Debug for TlsRoots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let files: Vec<_> = self
            .pem
            .iter()
            .map(|p| match p {
                Pem::File(path) => path.display().to_string(),
                Pem::Bytes(b) => format!("<{} bytes of PEM>", b.len()),
            })
            .collect();
        f.debug_struct("TlsRoots")
            .field("bundled", &self.bundled)
            .field("pem", &files)
            .finish()
    }
}

impl Default for TlsRoots {
    /// [`TlsRoots::from_env`].
    fn default() -> Self {
        TlsRoots::from_env()
    }
}

impl TlsRoots {
    /// Mozilla's roots alone, whatever the environment says.
    pub fn bundled() -> TlsRoots {
        TlsRoots {
            bundled: true,
            pem: Vec::new(),
        }
    }

    /// No roots: add some, or no TLS connection can be verified.
    pub fn empty() -> TlsRoots {
        TlsRoots {
            bundled: false,
            pem: Vec::new(),
        }
    }

    /// The default: Mozilla's roots, plus the certificates of the PEM file
    /// `SSL_CERT_FILE` names, when it is set.
    pub fn from_env() -> TlsRoots {
        TlsRoots::from_lookup(|name| std::env::var_os(name).map(PathBuf::from))
    }

    /// [`from_env`](Self::from_env), reading the variable through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<PathBuf>) -> TlsRoots {
        let roots = TlsRoots::bundled();
        match lookup(SSL_CERT_FILE).filter(|p| !p.as_os_str().is_empty()) {
            Some(path) => roots.add_pem_file(path),
            None => roots,
        }
    }

    /// Also trusts the certificates of the PEM file at `path` (read when the client is
    /// built).
    pub fn add_pem_file(mut self, path: impl Into<PathBuf>) -> TlsRoots {
        self.pem.push(Pem::File(path.into()));
        self
    }

    /// Also trusts the certificates of `pem`.
    pub fn add_pem(mut self, pem: impl AsRef<[u8]>) -> TlsRoots {
        self.pem.push(Pem::Bytes(Arc::from(pem.as_ref())));
        self
    }

    /// Whether these are Mozilla's roots and nothing else.
    fn is_bundled_only(&self) -> bool {
        self.bundled && self.pem.is_empty()
    }

    /// The rustls configuration trusting these roots.
    pub(super) fn config(&self) -> Result<Arc<ClientConfig>, ConfigError> {
        if self.is_bundled_only() {
            return BUNDLED
                .as_ref()
                .map(Arc::clone)
                .map_err(|e| ConfigError::InvalidCertificates(format!("TLS setup failed: {e}")));
        }
        let mut roots = RootCertStore::empty();
        if self.bundled {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        for pem in &self.pem {
            let (bytes, origin) = match pem {
                Pem::File(path) => (
                    std::fs::read(path).map_err(|e| {
                        ConfigError::InvalidCertificates(format!(
                            "cannot read {}: {e}",
                            path.display()
                        ))
                    })?,
                    path.display().to_string(),
                ),
                Pem::Bytes(b) => (b.to_vec(), "the PEM given".to_string()),
            };
            let mut found = 0;
            for cert in CertificateDer::pem_slice_iter(&bytes) {
                let cert = cert.map_err(|e| {
                    ConfigError::InvalidCertificates(format!("{origin}: not valid PEM: {e}"))
                })?;
                roots.add(cert).map_err(|e| {
                    ConfigError::InvalidCertificates(format!(
                        "{origin}: a certificate is not usable as a root: {e}"
                    ))
                })?;
                found += 1;
            }
            if found == 0 {
                return Err(ConfigError::InvalidCertificates(format!(
                    "{origin} holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
                )));
            }
        }
        if roots.is_empty() {
            return Err(ConfigError::InvalidCertificates(
                "no root certificates: TlsRoots::empty() needs add_pem or add_pem_file".into(),
            ));
        }
        build(roots).map_err(|e| ConfigError::InvalidCertificates(format!("TLS setup failed: {e}")))
    }
}

/// Mozilla's roots alone, built once for every transport that uses them.
static BUNDLED: LazyLock<Result<Arc<ClientConfig>, rustls::Error>> = LazyLock::new(|| {
    build(RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    })
});

/// rustls with the ring provider, safe defaults and HTTP/1.1 by ALPN.
fn build(roots: RootCertStore) -> Result<Arc<ClientConfig>, rustls::Error> {
    let mut config =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_bundled_plus_ssl_cert_file() {
        let roots = TlsRoots::from_lookup(|_| None);
        assert!(roots.is_bundled_only());
        let roots = TlsRoots::from_lookup(|name| {
            (name == SSL_CERT_FILE).then(|| PathBuf::from("/etc/corp.pem"))
        });
        assert!(roots.bundled);
        assert!(matches!(&roots.pem[..], [Pem::File(p)] if p == &PathBuf::from("/etc/corp.pem")));
        let roots = TlsRoots::from_lookup(|_| Some(PathBuf::new()));
        assert!(roots.is_bundled_only(), "empty is unset");
    }

    #[test]
    fn bad_pem_is_a_config_error_naming_the_file() {
        let dir = std::env::temp_dir().join(format!("atlas-tls-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("not-pem.txt");
        std::fs::write(&file, "hello").unwrap();
        let e = TlsRoots::bundled()
            .add_pem_file(&file)
            .config()
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("not-pem.txt") && e.contains("no PEM certificate"),
            "{e}"
        );
        let e = TlsRoots::bundled()
            .add_pem_file(dir.join("missing.pem"))
            .config()
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("cannot read") && e.contains("missing.pem"),
            "{e}"
        );
        let e = TlsRoots::empty().config().unwrap_err().to_string();
        assert!(e.contains("no root certificates"), "{e}");
        let broken = "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n";
        let e = TlsRoots::bundled()
            .add_pem(broken)
            .config()
            .unwrap_err()
            .to_string();
        assert!(e.contains("PEM"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bundled_only_shares_one_config() {
        let a = TlsRoots::bundled().config().unwrap();
        let b = TlsRoots::from_lookup(|_| None).config().unwrap();
        assert!(Arc::ptr_eq(&a, &b));
    }
}
