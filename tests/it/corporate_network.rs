//! Behind a corporate proxy, with a corporate CA: the default transport through a real
//! tinyproxy (with and without proxy credentials), to Apache httpd serving HTTPS with a
//! certificate from a CA made for the run; `NO_PROXY`; the environment variables read as
//! the official CLI reads them (in a child process, `env-call`); and proxy credentials
//! that never show, even when a proxy echoes them.

use atlas_test_needs::needs;
use std::path::Path;
use std::process::Command;

use atlas_runtime::{
    Client, Credentials, Error, Proxy, RetryPolicy, TlsRoots, atlas_endpoint,
    error::TransportErrorKind,
};
use atlas_test_support::peers::{ApacheDigest, DigestOptions, Tinyproxy};
use atlas_test_support::{Canned, TestServer};

#[atlas_endpoint(GET, "/orgs/{orgId}/serviceAccounts", version = "2024-08-05",
    response = serde_json::Value)]
struct ListAccounts {
    org_id: String,
}

#[atlas_endpoint(POST, "/orgs/{orgId}/serviceAccounts/{clientId}/secrets", version = "2024-08-05",
    response = serde_json::Value)]
struct CreateSecret {
    org_id: String,
    client_id: String,
    secret_expires_after_hours: i32,
}

const ORG: &str = "32b6e34b3d91647abb20e7b8";
const SA: &str = "mdb_sa_id_1234567890abcdef12345678";
const USER: &str = "atlas-public-key";
const KEY: &str = "3f9c2a71-5b0e-4d8a-9c6f-1e2d3c4b5a69";
const PROXY_USER: &str = "alice";
const PROXY_PASSWORD: &str = "pr0xy-Pa55word";

fn apache_tls() -> ApacheDigest {
    ApacheDigest::start(DigestOptions {
        tls: true,
        ..DigestOptions::new(USER, KEY)
    })
}

fn corporate_roots(apache: &ApacheDigest) -> TlsRoots {
    TlsRoots::bundled().add_pem_file(apache.ca_pem().expect("a TLS Apache"))
}

fn client(apache: &ApacheDigest, proxy: Proxy, roots: TlsRoots) -> Client {
    Client::builder()
        .base_url(apache.url())
        .credentials(Credentials::api_key(USER, KEY))
        .retry(RetryPolicy::none())
        .proxy(proxy)
        .tls_roots(roots)
        .build()
        .unwrap()
}

fn connects(proxy: &Tinyproxy) -> Vec<String> {
    proxy
        .requests()
        .into_iter()
        .filter(|r| r.starts_with("CONNECT "))
        .collect()
}

fn transport_error(e: Error) -> atlas_runtime::error::TransportError {
    match e {
        Error::Transport(t) => t,
        other => panic!("expected a transport error, got {other:?}"),
    }
}

#[needs(apache_tls, tinyproxy)]
fn https_goes_through_the_proxy_s_tunnel_and_trusts_the_corporate_ca() {
    let apache = apache_tls();
    let proxy = Tinyproxy::start(None);
    let client = client(
        &apache,
        Proxy::all(&proxy.url()).unwrap(),
        corporate_roots(&apache),
    );
    for i in 0..3 {
        let echo = ListAccounts::new(ORG).send(&client).unwrap();
        assert_eq!(echo["method"], "GET");
        let echo = CreateSecret::new(ORG, SA, i + 1).send(&client).unwrap();
        assert_eq!(
            echo["body"],
            format!(r#"{{"secretExpiresAfterHours":{}}}"#, i + 1)
        );
        assert_eq!(echo["user"], USER);
    }
    // One tunnel, reused for every call: TLS ran end to end through it.
    let port = apache.url().rsplit(':').next().unwrap().to_string();
    assert_eq!(
        connects(&proxy),
        [format!("CONNECT 127.0.0.1:{port} HTTP/1.1")],
        "{:?}",
        proxy.requests()
    );
    assert_eq!(
        proxy.requests().len(),
        1,
        "nothing else went through the proxy"
    );
    // The Digest challenge, then the six calls.
    assert_eq!(apache.wait_for_lines(7).len(), 7);
}

#[needs(apache_tls)]
fn without_the_corporate_ca_the_certificate_is_refused_and_nothing_is_sent() {
    let apache = apache_tls();
    let client = client(&apache, Proxy::none(), TlsRoots::bundled());
    let e = transport_error(ListAccounts::new(ORG).send(&client).unwrap_err());
    assert_eq!(e.kind, TransportErrorKind::Tls, "{e}");
    assert!(!e.maybe_sent);
    let only_ca = TlsRoots::empty().add_pem_file(apache.ca_pem().unwrap());
    let client = self::client(&apache, Proxy::none(), only_ca);
    ListAccounts::new(ORG).send(&client).unwrap();
    // The refused handshake reached no request line; the second client's call did.
    assert!(apache.wait_for_lines(2).iter().all(|l| l.method == "GET"));
}

#[needs(apache_tls, tinyproxy)]
fn proxy_credentials_reach_the_proxy_only_and_show_nowhere() {
    let apache = apache_tls();
    let proxy = Tinyproxy::start(Some((PROXY_USER, PROXY_PASSWORD)));
    let roots = || corporate_roots(&apache);

    // No credentials: the proxy's 407 is a proxy error; nothing was sent.
    let none = client(&apache, Proxy::all(&proxy.url()).unwrap(), roots());
    let e = transport_error(ListAccounts::new(ORG).send(&none).unwrap_err());
    assert_eq!(e.kind, TransportErrorKind::Proxy);
    assert!(!e.maybe_sent);
    let shown = format!("{e} {:?}", std::error::Error::source(&e));
    assert!(shown.contains("requires credentials"), "{shown}");

    // Wrong credentials: refused, and the wrong password is nowhere to be seen.
    let wrong = client(
        &apache,
        Proxy::all(&proxy.url_with(PROXY_USER, "wrong-Passw0rd")).unwrap(),
        roots(),
    );
    let e = ListAccounts::new(ORG).send(&wrong).unwrap_err();
    let shown = format!("{e} {e:?} {:?} {wrong:?}", std::error::Error::source(&e));
    assert!(shown.contains("refused its credentials"), "{shown}");
    assert!(!shown.contains("wrong-Passw0rd"), "{shown}");

    // The right ones: through, and the password is in no Debug.
    let right = client(
        &apache,
        Proxy::all(&proxy.url_with(PROXY_USER, PROXY_PASSWORD)).unwrap(),
        roots(),
    );
    ListAccounts::new(ORG).send(&right).unwrap();
    assert!(!format!("{right:?}").contains(PROXY_PASSWORD));
    let requests = proxy.requests();
    assert_eq!(connects(&proxy).len(), 3, "{requests:?}");
    // Apache saw only the call that got through (challenge and answer): never a
    // Proxy-Authorization, which the tunnel carries to the proxy alone.
    let lines = apache.wait_for_lines(2);
    assert_eq!(lines.len(), 2, "{lines:?}");
}

#[needs(apache, tinyproxy)]
fn plain_http_goes_to_the_proxy_in_absolute_form_and_no_proxy_goes_direct() {
    let apache = ApacheDigest::start(DigestOptions::new(USER, KEY));
    let proxy = Tinyproxy::start(Some((PROXY_USER, PROXY_PASSWORD)));
    let via = Proxy::all(&proxy.url_with(PROXY_USER, PROXY_PASSWORD)).unwrap();
    // tinyproxy closes each client connection right after its answer without saying so
    // (it relays Apache's keep-alive headers), so a request may race the close: with the
    // default retries, as in use, a GET that does is sent again.
    let proxied = Client::builder()
        .base_url(apache.url())
        .credentials(Credentials::api_key(USER, KEY))
        .proxy(via.clone())
        .tls_roots(TlsRoots::bundled())
        .build()
        .unwrap();
    let echo = ListAccounts::new(ORG).send(&proxied).unwrap();
    assert_eq!(echo["method"], "GET");
    let requests = proxy.requests();
    let target = format!(
        "GET {}/api/atlas/v2/orgs/{ORG}/serviceAccounts",
        apache.url()
    );
    assert!(
        !requests.is_empty() && requests.iter().all(|r| r.starts_with(&target)),
        "{requests:?}"
    );

    let before = proxy.requests().len();
    let direct = client(
        &apache,
        via.no_proxy("localhost, 127.0.0.0/8"),
        TlsRoots::bundled(),
    );
    ListAccounts::new(ORG).send(&direct).unwrap();
    assert_eq!(
        proxy.requests().len(),
        before,
        "NO_PROXY went through the proxy"
    );
}

#[test]
fn a_proxy_that_echoes_its_credentials_cannot_show_them() {
    // A "proxy" answering every request with a page quoting what it was sent.
    let basic = "Basic YWxpY2U6cHIweHktUGE1NXdvcmQ="; // alice:pr0xy-Pa55word
    let page = format!(
        "<html>Bad Gateway. You sent Proxy-Authorization: {basic} ({PROXY_USER}:{PROXY_PASSWORD})</html>"
    );
    let echo = TestServer::with_handler(move |_| Canned::with_type(502, "text/html", &page));
    let url = echo
        .url()
        .replace("http://", &format!("http://{PROXY_USER}:{PROXY_PASSWORD}@"));
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .credentials(Credentials::bearer("a-bearer-token"))
        .retry(RetryPolicy::none())
        .proxy(Proxy::all(&url).unwrap())
        .build()
        .unwrap();
    let e = ListAccounts::new(ORG).send(&client).unwrap_err();
    let request = &echo.requests()[0];
    assert_eq!(request.header("proxy-authorization"), Some(basic));
    assert!(
        request.url.starts_with("http://127.0.0.1:9/api/atlas/v2/"),
        "{}",
        request.url
    );
    let Error::Api(api) = &e else { panic!("{e:?}") };
    assert_eq!(api.status, 502);
    let shown = format!("{e} {e:?} {:?}", api.raw_body);
    assert!(shown.contains("Bad Gateway"), "{shown}");
    for secret in [PROXY_PASSWORD, basic, "YWxpY2U6cHIweHktUGE1NXdvcmQ"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}

/// Runs `env-call` with `env` only (and `PATH`).
fn env_call(env: &[(&str, String)]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_env-call"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .expect("run env-call");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[needs(apache_tls, tinyproxy)]
fn the_environment_names_the_proxy_the_exceptions_and_the_ca() {
    let apache = apache_tls();
    let proxy = Tinyproxy::start(Some((PROXY_USER, PROXY_PASSWORD)));
    let ca = apache.ca_pem().unwrap();
    assert!(Path::new(&ca).is_file());
    let base = |extra: &[(&'static str, String)]| {
        let mut env = vec![
            ("ENV_CALL_ORG", ORG.to_string()),
            ("MONGODB_ATLAS_OPS_MANAGER_URL", apache.url()),
            ("MONGODB_ATLAS_PUBLIC_API_KEY", USER.to_string()),
            ("MONGODB_ATLAS_PRIVATE_API_KEY", KEY.to_string()),
        ];
        env.extend_from_slice(extra);
        env
    };
    let proxy_url = proxy.url_with(PROXY_USER, PROXY_PASSWORD);

    // HTTPS_PROXY and SSL_CERT_FILE.
    let (ok, out) = env_call(&base(&[
        ("HTTPS_PROXY", proxy_url.clone()),
        ("SSL_CERT_FILE", ca.display().to_string()),
    ]));
    assert!(ok, "{out}");
    assert_eq!(connects(&proxy).len(), 1, "{:?}", proxy.requests());

    // The lower-case name, and NO_PROXY sending 127.0.0.1 straight to Apache.
    let (ok, out) = env_call(&base(&[
        ("https_proxy", proxy_url.clone()),
        ("NO_PROXY", "example.com,127.0.0.1".into()),
        ("SSL_CERT_FILE", ca.display().to_string()),
    ]));
    assert!(ok, "{out}");
    assert_eq!(connects(&proxy).len(), 1, "NO_PROXY went through the proxy");

    // Without SSL_CERT_FILE, the corporate CA is not trusted.
    let (ok, out) = env_call(&base(&[("HTTPS_PROXY", proxy_url.clone())]));
    assert!(!ok && out.contains("TLS failed"), "{out}");

    // An unusable proxy is an error naming the variable, never a silent direct call.
    let (ok, out) = env_call(&base(&[(
        "HTTPS_PROXY",
        format!("socks5://{PROXY_USER}:{PROXY_PASSWORD}@127.0.0.1:1080"),
    )]));
    assert!(
        !ok && out.contains("HTTPS_PROXY=") && out.contains("SOCKS"),
        "{out}"
    );
    assert!(!out.contains(PROXY_PASSWORD), "{out}");
}
