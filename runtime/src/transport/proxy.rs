//! Corporate proxies: which connections go through one, and the tunnel through it.
//!
//! [`Proxy`] says where the default transport's connections go. By default it is read
//! from the environment, with the variables the official CLI and Go SDK honour
//! (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`, in either case). An `https://`
//! target is reached through an HTTP `CONNECT` tunnel ([`tunnel`]), so the proxy sees only
//! the host and port and TLS runs end to end with Atlas; a plain `http://` target is asked
//! of the proxy in absolute form. Credentials in the proxy URL travel only to the proxy,
//! as `Proxy-Authorization: Basic`, and are shown nowhere: `Debug`, errors and messages
//! show the URL as `http://<redacted>@host:port`.

use std::fmt;
use std::net::IpAddr;

use base64::Engine as _;
use secrecy::{ExposeSecret as _, SecretString};
use tokio::net::TcpStream;

use crate::client::ConfigError;
use crate::error::TransportErrorKind;

/// The largest `CONNECT` answer head read; a proxy's answer is a status line and a few
/// headers.
const MAX_CONNECT_HEAD: usize = 16 * 1024;

/// Where the default transport's connections go: straight to the server, or through an
/// HTTP proxy.
///
/// The default ([`Proxy::from_env`]) reads the environment as the official CLI and Go SDK
/// do:
///
/// | variable | used for |
/// |---|---|
/// | `HTTPS_PROXY`, `https_proxy` | `https://` URLs (Atlas) |
/// | `HTTP_PROXY`, `http_proxy` | `http://` URLs (the upper-case name is ignored when `REQUEST_METHOD` is set: a CGI program's environment carries request headers, "httpoxy") |
/// | `ALL_PROXY`, `all_proxy` | either, when the scheme's own is unset |
/// | `NO_PROXY`, `no_proxy` | hosts reached directly (below) |
///
/// Upper case wins where both are set; an empty value is unset. A proxy URL is
/// `http://[user:password@]host[:port]` (port 80 by default; no scheme means `http`);
/// user and password may be percent-encoded. Other schemes (`https://`, `socks5://`) are
/// refused when the client is built, naming the variable, rather than ignored.
///
/// `NO_PROXY` is a comma-separated list, read as curl reads it: `*` means every host;
/// a name matches itself and every host below it (`example.com` and `.example.com` both
/// match `example.com` and `api.example.com`, not `notexample.com`); an IP address
/// matches itself, and `10.0.0.0/8` or `fd00::/8` every address inside (IP literals in
/// URLs only: names are not resolved for this). An entry may end in `:port` to match
/// that port only. Loopback is not exempt unless listed (as in curl): add
/// `localhost,127.0.0.1` for a local emulator.
///
/// ```
/// use atlas_runtime::{Client, Proxy};
///
/// let client = Client::builder()
///     .proxy(Proxy::all("http://proxy.corp.example:3128")?.no_proxy("localhost,10.0.0.0/8"))
///     .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Default)]
pub struct Proxy {
    http: Option<ProxyServer>,
    https: Option<ProxyServer>,
    no_proxy: NoProxy,
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Proxy")
            .field("http", &self.http.as_ref().map(|p| &p.shown))
            .field("https", &self.https.as_ref().map(|p| &p.shown))
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

impl Proxy {
    /// No proxy: every connection goes straight to its server, whatever the environment
    /// says.
    pub fn none() -> Proxy {
        Proxy::default()
    }

    /// The proxy the environment names (see the type's documentation); none when it
    /// names none.
    ///
    /// # Errors
    /// [`ConfigError::InvalidProxy`] naming the variable whose value is not a usable
    /// proxy URL.
    pub fn from_env() -> Result<Proxy, ConfigError> {
        Proxy::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env), reading variables through `lookup`.
    ///
    /// # Errors
    /// As [`from_env`](Self::from_env).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Proxy, ConfigError> {
        let get = |names: &[&'static str]| {
            names.iter().find_map(|name| {
                lookup(name)
                    .filter(|v| !v.trim().is_empty())
                    .map(|v| (*name, v))
            })
        };
        let parse = |found: Option<(&'static str, String)>| {
            found
                .map(|(name, value)| {
                    ProxyServer::parse(value.trim()).map_err(|why| {
                        ConfigError::InvalidProxy(format!(
                            "{name}={}: {why}",
                            ProxyServer::shown(value.trim())
                        ))
                    })
                })
                .transpose()
        };
        let all = ["ALL_PROXY", "all_proxy"];
        let https = get(&["HTTPS_PROXY", "https_proxy"]).or_else(|| get(&all));
        // A CGI program's HTTP_PROXY may come from a request's `Proxy:` header.
        let http_names: &[&'static str] = if lookup("REQUEST_METHOD").is_some() {
            &["http_proxy"]
        } else {
            &["HTTP_PROXY", "http_proxy"]
        };
        let http = get(http_names).or_else(|| get(&all));
        let no_proxy = get(&["NO_PROXY", "no_proxy"])
            .map(|(_, v)| NoProxy::parse(&v))
            .unwrap_or_default();
        Ok(Proxy {
            http: parse(http)?,
            https: parse(https)?,
            no_proxy,
        })
    }

    /// `url` for every connection, `http://` and `https://` alike.
    ///
    /// # Errors
    /// [`ConfigError::InvalidProxy`] when `url` is not `http://[user:password@]host[:port]`.
    pub fn all(url: &str) -> Result<Proxy, ConfigError> {
        let server = ProxyServer::parse(url.trim()).map_err(|why| {
            ConfigError::InvalidProxy(format!("{}: {why}", ProxyServer::shown(url.trim())))
        })?;
        Ok(Proxy {
            http: Some(server.clone()),
            https: Some(server),
            no_proxy: NoProxy::default(),
        })
    }

    /// Reaches the hosts of `list` directly (the `NO_PROXY` syntax), replacing any list
    /// read from the environment.
    pub fn no_proxy(mut self, list: &str) -> Proxy {
        self.no_proxy = NoProxy::parse(list);
        self
    }

    /// Whether any connection may go through a proxy.
    pub fn is_none(&self) -> bool {
        self.http.is_none() && self.https.is_none()
    }

    /// The proxy for a connection to `host:port`, if it goes through one.
    pub(super) fn for_target(&self, https: bool, host: &str, port: u16) -> Option<&ProxyServer> {
        let server = if https { &self.https } else { &self.http };
        server
            .as_ref()
            .filter(|_| !self.no_proxy.matches(host, port))
    }

    /// The proxy credentials, for the client's scrubber: a proxy that echoes its
    /// `Proxy-Authorization` back must not put it in an error.
    pub(crate) fn secrets(&self) -> Vec<SecretString> {
        let mut out = Vec::new();
        for server in [&self.http, &self.https].into_iter().flatten() {
            if let Some(credentials) = &server.credentials {
                out.push(credentials.password.clone());
                out.push(credentials.header.clone());
            }
        }
        out
    }
}

/// One HTTP proxy.
#[derive(Clone)]
pub(super) struct ProxyServer {
    /// The host as the URL spells it, without IPv6 brackets.
    pub host: String,
    pub port: u16,
    credentials: Option<ProxyCredentials>,
    /// The URL with its credentials replaced, for messages.
    shown: String,
}

#[derive(Clone)]
struct ProxyCredentials {
    password: SecretString,
    /// `Basic base64(user:password)`.
    header: SecretString,
}

impl ProxyServer {
    fn parse(url: &str) -> Result<ProxyServer, &'static str> {
        let with_scheme = if url.contains("://") {
            url.to_string()
        } else {
            format!("http://{url}")
        };
        let uri: http::Uri = with_scheme
            .parse()
            .map_err(|_| "not a URL of the form http://[user:password@]host[:port]")?;
        match uri.scheme_str() {
            Some(s) if s.eq_ignore_ascii_case("http") => {}
            Some(s) if s.eq_ignore_ascii_case("https") => {
                return Err("proxies spoken to over TLS (https://) are not supported: use http://");
            }
            _ => return Err("only http:// proxies are supported (not SOCKS)"),
        }
        if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
            return Err("a proxy URL has no path or query");
        }
        let authority = uri.authority().ok_or("the proxy URL has no host")?;
        let host = authority.host();
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        if host.is_empty() {
            return Err("the proxy URL has no host");
        }
        let credentials = match authority.as_str().rsplit_once('@') {
            None => None,
            Some((userinfo, _)) => {
                let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
                let decode = |s: &str| {
                    percent_encoding::percent_decode_str(s)
                        .decode_utf8()
                        .map(|s| s.into_owned())
                        .map_err(|_| "the proxy credentials are not UTF-8 once percent-decoded")
                };
                let (user, password) = (decode(user)?, decode(password)?);
                let basic =
                    base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
                Some(ProxyCredentials {
                    password: SecretString::from(password),
                    header: SecretString::from(format!("Basic {basic}")),
                })
            }
        };
        Ok(ProxyServer {
            host: host.to_string(),
            port: authority.port_u16().unwrap_or(80),
            credentials,
            shown: ProxyServer::shown(url),
        })
    }

    /// `url` with any `user:password@` replaced.
    fn shown(url: &str) -> String {
        let (scheme, rest) = match url.split_once("://") {
            Some((scheme, rest)) => (format!("{scheme}://"), rest),
            None => (String::new(), url),
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        match rest[..end].rfind('@') {
            Some(at) => format!("{scheme}<redacted>@{}", &rest[at + 1..]),
            None => url.to_string(),
        }
    }

    /// `Proxy-Authorization`'s value, when the proxy URL carries credentials.
    pub fn authorization(&self) -> Option<http::HeaderValue> {
        let header = self.credentials.as_ref()?.header.expose_secret();
        let mut value = http::HeaderValue::from_str(header).ok()?;
        value.set_sensitive(true);
        Some(value)
    }
}

impl fmt::Debug for ProxyServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

/// The hosts reached directly.
#[derive(Clone, Default)]
struct NoProxy {
    every: bool,
    entries: Vec<NoProxyEntry>,
}

#[derive(Clone, Debug)]
enum Target {
    /// A name, matching itself and the names below it; lower case, no leading dot.
    Domain(String),
    Ip(IpAddr),
    Network(IpAddr, u8),
}

#[derive(Clone, Debug)]
struct NoProxyEntry {
    target: Target,
    port: Option<u16>,
}

impl fmt::Debug for NoProxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.every {
            return f.write_str("*");
        }
        f.debug_list().entries(&self.entries).finish()
    }
}

impl NoProxy {
    fn parse(list: &str) -> NoProxy {
        let mut out = NoProxy::default();
        for entry in list.split([',', ' ', '\t']).map(str::trim) {
            if entry.is_empty() {
                continue;
            }
            if entry == "*" {
                out.every = true;
                continue;
            }
            if let Some(entry) = NoProxyEntry::parse(entry) {
                out.entries.push(entry);
            }
        }
        out
    }

    fn matches(&self, host: &str, port: u16) -> bool {
        if self.every {
            return true;
        }
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        let ip = host.parse::<IpAddr>().ok();
        self.entries.iter().any(|e| {
            e.port.is_none_or(|p| p == port)
                && match (&e.target, ip) {
                    (Target::Ip(a), Some(ip)) => *a == ip,
                    (Target::Network(net, bits), Some(ip)) => in_network(ip, *net, *bits),
                    (Target::Domain(d), None) => {
                        host == *d
                            || host
                                .strip_suffix(d.as_str())
                                .is_some_and(|rest| rest.ends_with('.'))
                    }
                    _ => false,
                }
        })
    }
}

impl NoProxyEntry {
    fn parse(entry: &str) -> Option<NoProxyEntry> {
        // A CIDR block first: its '/' would confuse the rest.
        if let Some((address, bits)) = entry.split_once('/') {
            let address = address.trim_start_matches('[').trim_end_matches(']');
            let ip: IpAddr = address.parse().ok()?;
            let bits: u8 = bits.parse().ok()?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            return (bits <= max).then_some(NoProxyEntry {
                target: Target::Network(ip, bits),
                port: None,
            });
        }
        // A bare IPv6 address has colons of its own; a port follows brackets.
        if let Ok(ip) = entry.parse::<IpAddr>() {
            return Some(NoProxyEntry {
                target: Target::Ip(ip),
                port: None,
            });
        }
        let (name, port) = if let Some(rest) = entry.strip_prefix('[') {
            let (ip, after) = rest.split_once(']')?;
            let port = match after.strip_prefix(':') {
                Some(p) => Some(p.parse().ok()?),
                None if after.is_empty() => None,
                None => return None,
            };
            (ip, port)
        } else {
            match entry.rsplit_once(':') {
                Some((name, p)) => (name, Some(p.parse().ok()?)),
                None => (entry, None),
            }
        };
        if let Ok(ip) = name.parse::<IpAddr>() {
            return Some(NoProxyEntry {
                target: Target::Ip(ip),
                port,
            });
        }
        let name = name
            .trim_start_matches("*.")
            .trim_start_matches('.')
            .trim_end_matches('.')
            .to_ascii_lowercase();
        (!name.is_empty()).then_some(NoProxyEntry {
            target: Target::Domain(name),
            port,
        })
    }
}

fn in_network(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

/// A failed tunnel: the step's kind and why.
pub(super) type TunnelError = (TransportErrorKind, Box<dyn std::error::Error + Send + Sync>);

/// Asks the proxy on `stream` for a tunnel to `host:port` and reads its answer's head.
/// Nothing of the request has been sent yet: every failure here is "not sent".
pub(super) async fn tunnel(
    stream: &TcpStream,
    proxy: &ProxyServer,
    host: &str,
    port: u16,
) -> Result<(), TunnelError> {
    let authority = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let mut head = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
    if let Some(credentials) = &proxy.credentials {
        head.push_str("Proxy-Authorization: ");
        head.push_str(credentials.header.expose_secret());
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    let io = |e: std::io::Error| -> TunnelError { (TransportErrorKind::Proxy, e.into()) };
    write_all(stream, head.as_bytes()).await.map_err(io)?;
    drop(head);

    let mut answer = Vec::with_capacity(256);
    let mut buf = [0; 1024];
    let end = loop {
        let n = read(stream, &mut buf).await.map_err(io)?;
        if n == 0 {
            return Err((
                TransportErrorKind::Proxy,
                format!(
                    "the proxy {:?} closed the connection before answering CONNECT",
                    proxy.shown
                )
                .into(),
            ));
        }
        answer.extend_from_slice(&buf[..n]);
        if let Some(at) = answer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if answer.len() > MAX_CONNECT_HEAD {
            return Err((
                TransportErrorKind::Proxy,
                format!(
                    "the proxy {:?} answered CONNECT with a head over {MAX_CONNECT_HEAD} bytes",
                    proxy.shown
                )
                .into(),
            ));
        }
    };
    let status = std::str::from_utf8(&answer[..end])
        .ok()
        .and_then(|head| head.split("\r\n").next())
        .and_then(|line| {
            let mut parts = line.splitn(3, ' ');
            let version = parts.next()?;
            let code = parts.next()?;
            (version.starts_with("HTTP/1.")).then_some(code.parse::<u16>().ok()?)
        });
    match status {
        Some(200..=299) if end == answer.len() => Ok(()),
        Some(200..=299) => Err((
            TransportErrorKind::Proxy,
            format!(
                "the proxy {:?} sent bytes after its CONNECT answer, before TLS began",
                proxy.shown
            )
            .into(),
        )),
        // tinyproxy answers wrong credentials with 401 rather than 407.
        Some(401 | 407) => Err((
            TransportErrorKind::Proxy,
            if proxy.credentials.is_some() {
                format!(
                    "the proxy {:?} refused its credentials ({})",
                    proxy.shown,
                    status.unwrap_or(407)
                )
            } else {
                format!(
                    "the proxy {:?} requires credentials ({}): give them in the proxy URL, \
                     http://user:password@host:port",
                    proxy.shown,
                    status.unwrap_or(407)
                )
            }
            .into(),
        )),
        Some(code) => Err((
            TransportErrorKind::Proxy,
            format!(
                "the proxy {:?} refused the tunnel to {authority} with status {code}",
                proxy.shown
            )
            .into(),
        )),
        None => Err((
            TransportErrorKind::Proxy,
            format!("the proxy {:?} did not answer CONNECT in HTTP", proxy.shown).into(),
        )),
    }
}

/// Writes all of `bytes` (tokio's `io-util` would bring these for two calls).
async fn write_all(stream: &TcpStream, mut bytes: &[u8]) -> std::io::Result<()> {
    while !bytes.is_empty() {
        stream.writable().await?;
        match stream.try_write(bytes) {
            Ok(n) => bytes = &bytes[n..],
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Reads what is there, waiting for something.
async fn read(stream: &TcpStream, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        stream.readable().await?;
        match stream.try_read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    fn route(proxy: &Proxy, https: bool, host: &str, port: u16) -> Option<String> {
        proxy
            .for_target(https, host, port)
            .map(|p| format!("{}:{}", p.host, p.port))
    }

    #[test]
    fn the_environment_names_a_proxy_per_scheme_upper_case_first() {
        let p = Proxy::from_lookup(env(&[
            ("HTTPS_PROXY", "http://upper:1"),
            ("https_proxy", "http://lower:2"),
            ("http_proxy", "plain:3"),
        ]))
        .unwrap();
        assert_eq!(
            route(&p, true, "cloud.mongodb.com", 443).unwrap(),
            "upper:1"
        );
        assert_eq!(route(&p, false, "h", 80).unwrap(), "plain:3");

        let p = Proxy::from_lookup(env(&[("all_proxy", "http://all:8080")])).unwrap();
        assert_eq!(route(&p, true, "h", 443).unwrap(), "all:8080");
        assert_eq!(route(&p, false, "h", 80).unwrap(), "all:8080");

        let p = Proxy::from_lookup(env(&[("HTTPS_PROXY", " ")])).unwrap();
        assert!(p.is_none(), "empty is unset");
        assert!(Proxy::from_lookup(env(&[])).unwrap().is_none());
    }

    #[test]
    fn a_cgi_environment_ignores_upper_case_http_proxy() {
        let p = Proxy::from_lookup(env(&[
            ("REQUEST_METHOD", "GET"),
            ("HTTP_PROXY", "http://attacker:1"),
        ]))
        .unwrap();
        assert!(route(&p, false, "h", 80).is_none());
        let p = Proxy::from_lookup(env(&[
            ("REQUEST_METHOD", "GET"),
            ("http_proxy", "http://mine:1"),
        ]))
        .unwrap();
        assert_eq!(route(&p, false, "h", 80).unwrap(), "mine:1");
    }

    #[test]
    fn unusable_proxy_urls_are_refused_naming_the_variable_without_the_password() {
        for (value, why) in [
            ("socks5://u:hunter22@h:1080", "SOCKS"),
            ("https://u:hunter22@h:443", "TLS"),
            ("http://u:hunter22@h:1/path", "no path"),
            ("http://u:hunter22@:1", "host"),
        ] {
            let e = Proxy::from_lookup(env(&[("HTTPS_PROXY", value)])).unwrap_err();
            let text = e.to_string();
            assert!(text.contains("HTTPS_PROXY="), "{text}");
            assert!(text.contains(why), "{value}: {text}");
            assert!(!text.contains("hunter22"), "{text}");
            assert!(text.contains("<redacted>@"), "{text}");
        }
    }

    #[test]
    fn credentials_become_a_basic_header_and_hide_from_debug() {
        let p = Proxy::all("http://al%40ice:p%3Ass@proxy.corp:3128").unwrap();
        let server = p.for_target(true, "h", 443).unwrap();
        assert_eq!((server.host.as_str(), server.port), ("proxy.corp", 3128));
        let header = server.authorization().unwrap();
        assert!(header.is_sensitive());
        // base64("al@ice:p:ss")
        assert_eq!(header, "Basic YWxAaWNlOnA6c3M=");
        let debug = format!("{p:?}");
        assert!(
            !debug.contains("p%3Ass") && !debug.contains("al%40ice"),
            "{debug}"
        );
        assert!(
            debug.contains("http://<redacted>@proxy.corp:3128"),
            "{debug}"
        );
        let secrets: Vec<String> = p
            .secrets()
            .iter()
            .map(|s| s.expose_secret().to_string())
            .collect();
        assert!(secrets.contains(&"p:ss".to_string()));
        assert!(secrets.contains(&"Basic YWxAaWNlOnA6c3M=".to_string()));
        assert_eq!(Proxy::all("proxy").unwrap().https.unwrap().port, 80);
        assert_eq!(Proxy::all("[::1]:8").unwrap().https.unwrap().host, "::1");
    }

    #[test]
    fn no_proxy_reads_as_curl_does() {
        let p = Proxy::all("http://proxy:1").unwrap().no_proxy(
            "example.com, .corp.internal,10.0.0.0/8 ,192.168.1.7,fd00::/8,[::1],only.port:8443,*.wild.org",
        );
        let direct = |host: &str, port: u16| route(&p, true, host, port).is_none();
        assert!(direct("example.com", 443));
        assert!(direct("API.Example.COM", 443));
        assert!(!direct("notexample.com", 443));
        assert!(direct("corp.internal", 443));
        assert!(direct("a.b.corp.internal", 443));
        assert!(direct("10.1.2.3", 443));
        assert!(!direct("11.1.2.3", 443));
        assert!(direct("192.168.1.7", 443));
        assert!(!direct("192.168.1.8", 443));
        assert!(direct("fd12::1", 443));
        assert!(direct("::1", 443));
        assert!(direct("only.port", 8443));
        assert!(!direct("only.port", 443));
        assert!(direct("x.wild.org", 443));
        assert!(direct("wild.org", 443));
        assert!(!direct("cloud.mongodb.com", 443));
        // Names are not resolved: a name inside a listed network still goes through.
        assert!(!direct("localhost", 443));

        let every = Proxy::all("http://proxy:1").unwrap().no_proxy("*");
        assert!(route(&every, true, "anything", 1).is_none());
        let p = Proxy::from_lookup(env(&[
            ("HTTPS_PROXY", "proxy:1"),
            ("no_proxy", "localhost,127.0.0.1"),
        ]))
        .unwrap();
        assert!(route(&p, true, "localhost", 1).is_none());
        assert!(route(&p, true, "127.0.0.1", 1).is_none());
        assert!(route(&p, true, "atlas", 1).is_some());
    }
}
