//! Real third-party peers for the authentication tests, each on a free 127.0.0.1 port,
//! in its own temp dir, stopped (process group killed and reaped) when dropped:
//!
//! - [`ApacheDigest`]: Apache httpd with `mod_auth_digest` guarding `/api/atlas/v2/`,
//!   behind which a CGI echoes every request (any method, any path) as JSON. This is the
//!   reference server-side implementation of HTTP Digest for the API-key tests.
//! - [`OAuthMock`]: the npm package `oauth2-mock-server` as the OAuth 2.0 token endpoint
//!   for the service-account tests, counting token requests server-side.
//!
//! The build script (`build.rs`) looks for them first and sets `has_apache` and
//! `has_oauth_mock`, so a test whose peer is missing is ignored with its reason; a peer
//! that `start` then cannot find (removed since the build) is a panic saying what is
//! missing. Install them with `apt-get install -y apache2 apache2-utils` and
//! `npm ci --prefix tests/peers/oauth`.
//!
//! Set `ATLAS_PEERS_KEEP=1` to keep the temp dirs (configs, logs) for a look after a run.

use crate::process::exited_not_reaped;
use std::fmt::Write as _;
use std::fs;
use std::io::{BufRead, BufReader, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// How long a peer may take to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a peer gets to exit after being asked to, before its group is killed.
const STOP_GRACE: Duration = Duration::from_secs(5);
/// How long [`ApacheDigest::wait_for_lines`] waits for the access log.
const LOG_WAIT: Duration = Duration::from_secs(5);
/// How often waits poll.
const POLL: Duration = Duration::from_millis(10);

// ---------------------------------------------------------------------------------------
// Apache httpd + mod_auth_digest
// ---------------------------------------------------------------------------------------

/// The path prefix Apache protects with Digest; every path under it reaches the echo CGI.
pub const DIGEST_API_PREFIX: &str = "/api/atlas/v2/";

/// How [`ApacheDigest`] is configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestOptions {
    /// The one user in the `htdigest` file.
    pub user: String,
    /// Its password.
    pub password: String,
    /// `AuthName`, the Digest realm. Default `MMS Public API`, as Atlas.
    pub realm: String,
    /// `AuthDigestNonceLifetime`: seconds after which a nonce is answered with 401
    /// `stale=true`. Default 300 (Apache's default).
    pub nonce_lifetime_secs: u64,
    /// `AuthDigestAlgorithm`. Apache 2.4 (checked on 2.4.71) accepts only `MD5`: it rejects
    /// `MD5-sess`, `SHA-256` and `SHA-512-256` at startup ("Unsupported algorithm"), so
    /// `start` panics with that message. (Its qop is always `auth`: it rejects
    /// `AuthDigestQop none`/`auth-int` as "deprecated: only 'auth' is supported".)
    pub algorithm: String,
    /// `AuthDigestNcCheck On`: Apache then sends an `opaque`, and answers 401 (not stale)
    /// to a nonce count that does not grow. Default off (Apache's default).
    pub nc_check: bool,
    /// `KeepAliveTimeout`: seconds after which Apache closes an idle keep-alive
    /// connection, without a word to the client. Default 5 (Apache's default).
    pub keep_alive_timeout_secs: u64,
    /// Serve HTTPS (mod_ssl) with a certificate for `127.0.0.1` and `localhost` signed by
    /// a CA made for this run ([`ApacheDigest::ca_pem`]), which no client trusts by
    /// default. Default off.
    pub tls: bool,
}

impl DigestOptions {
    /// The defaults with this user and password.
    pub fn new(user: &str, password: &str) -> Self {
        DigestOptions {
            user: user.to_string(),
            password: password.to_string(),
            ..DigestOptions::default()
        }
    }
}

impl Default for DigestOptions {
    fn default() -> Self {
        DigestOptions {
            user: "atlas-public-key".to_string(),
            password: "atlas-private-key".to_string(),
            realm: "MMS Public API".to_string(),
            nonce_lifetime_secs: 300,
            algorithm: "MD5".to_string(),
            nc_check: false,
            keep_alive_timeout_secs: 5,
            tls: false,
        }
    }
}

/// One line of Apache's access log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessLine {
    /// Final status (`%>s`).
    pub status: u16,
    /// `GET`, `POST`, … (`%m`).
    pub method: String,
    /// The request target exactly as sent on the request line (`%r`): path and query,
    /// still percent-encoded.
    pub uri: String,
    /// The user Apache authenticated (`%u`), `None` for `-`. Mind that mod_auth_digest
    /// sets it from the `username` the client sent even when the password is wrong, so a
    /// 401 line may carry a user too.
    pub user: Option<String>,
}

/// Apache httpd guarding [`DIGEST_API_PREFIX`] with `AuthType Digest`; stops when dropped.
///
/// Behind the guard, a CGI answers every method on every path with 200 and
/// `{"method","path","query","user","contentType","accept","bodyLength","body"}`
/// (`path` percent-encoded as sent, `body` the raw request body as a JSON string).
pub struct ApacheDigest {
    process: PeerProcess,
    port: u16,
    options: DigestOptions,
    // Dropped after `process` is stopped (see `Drop`).
    dir: TempDir,
}

impl ApacheDigest {
    /// Starts Apache.
    ///
    /// # Panics
    /// When Apache is not installed, or does not start (with its own message).
    pub fn start(options: DigestOptions) -> ApacheDigest {
        let install = Installs::Apache;
        let Some(bins) = ApacheBins::find() else {
            missing("Apache httpd (apache2, mod_auth_digest, htdigest)", install);
        };
        for field in [&options.user, &options.realm] {
            assert!(
                !field.contains(['\n', '\r', '"']),
                "DigestOptions: no newline or quote in user or realm"
            );
        }
        assert!(
            !options.password.contains(['\n', '\r']),
            "DigestOptions: htdigest reads the password as one line"
        );
        assert!(
            !options.user.contains(':') && !options.realm.contains(':'),
            "DigestOptions: htdigest files cannot hold ':' in user or realm"
        );

        let dir = TempDir::new("apache");
        let root = dir.path().to_path_buf();
        for sub in ["cgi-bin", "htdocs", "run", "logs"] {
            make_dir(&root.join(sub), 0o755);
        }
        let users = root.join("users.htdigest");
        run_htdigest(&bins.htdigest, &users, &options);
        set_mode(&users, 0o644);
        let cgi = root.join("cgi-bin").join("echo.cgi");
        fs::write(&cgi, ECHO_CGI).expect("write echo.cgi");
        set_mode(&cgi, 0o755);
        if options.tls {
            if !bins.modules.join("mod_ssl.so").is_file() {
                missing("Apache's mod_ssl", Installs::Apache);
            }
            make_test_ca(&root.join("tls"));
        }

        let mut last_failure = String::new();
        for _attempt in 0..5 {
            let port = free_port();
            let conf = root.join("httpd.conf");
            fs::write(&conf, apache_conf(&root, port, &bins, &options)).expect("write httpd.conf");
            set_mode(&conf, 0o644);
            let _ = fs::remove_file(root.join("logs").join("error.log"));
            let exited = root.join("run").join("httpd.exited");
            let _ = fs::remove_file(&exited);
            let pid_file = root.join("run").join("httpd.pid");
            let _ = fs::remove_file(&pid_file);
            let stderr = root.join("logs").join("stderr.log");
            let process = PeerProcess::spawn(
                Command::new("/bin/sh")
                    .arg("-c")
                    .arg(APACHE_WATCHDOG)
                    .arg(&bins.apache)
                    .arg(&conf)
                    .arg(&exited)
                    .current_dir(&root),
                &stderr,
                true,
            );
            let ready = || {
                if let Ok(rc) = fs::read_to_string(&exited) {
                    return Err(format!(
                        "apache exited during startup (status {})",
                        rc.trim()
                    ));
                }
                Ok(pid_file.exists())
            };
            match process.wait_for_port(port, ready) {
                Ok(process) => {
                    return ApacheDigest {
                        process,
                        port,
                        options,
                        dir,
                    };
                }
                Err(why) => {
                    let logs = format!(
                        "{why}\n--- stderr ---\n{}\n--- error.log ---\n{}",
                        read_lossy(&stderr),
                        read_lossy(&root.join("logs").join("error.log"))
                    );
                    if logs.contains("Address already in use") || logs.contains("could not bind") {
                        last_failure = logs;
                        continue;
                    }
                    panic!("Apache did not start (config {}):\n{logs}", conf.display());
                }
            }
        }
        panic!("Apache found no free port after 5 tries:\n{last_failure}");
    }

    /// `http://127.0.0.1:PORT`, or `https://` with [`DigestOptions::tls`].
    pub fn url(&self) -> String {
        let scheme = if self.options.tls { "https" } else { "http" };
        format!("{scheme}://127.0.0.1:{}", self.port)
    }

    /// With [`DigestOptions::tls`]: the PEM file of the CA that signed Apache's
    /// certificate (valid for `127.0.0.1` and `localhost`).
    pub fn ca_pem(&self) -> Option<PathBuf> {
        self.options
            .tls
            .then(|| self.dir.path().join("tls").join("ca.pem"))
    }

    /// `http://127.0.0.1:PORT/api/atlas/v2/` + `path` (without its leading `/`).
    pub fn api_url(&self, path: &str) -> String {
        format!(
            "{}{DIGEST_API_PREFIX}{}",
            self.url(),
            path.trim_start_matches('/')
        )
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The options it was started with.
    pub fn options(&self) -> &DigestOptions {
        &self.options
    }

    /// The temp dir holding `httpd.conf`, `users.htdigest`, `cgi-bin/`, `logs/`.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Every complete line of the access log so far.
    pub fn access_log(&self) -> Vec<AccessLine> {
        parse_access_log(&read_lossy(
            &self.dir.path().join("logs").join("access.log"),
        ))
    }

    /// The access log once it has at least `n` lines, or as it is after 5 s. Apache writes
    /// a line after it sent the response, so a client may be a little ahead of the log.
    pub fn wait_for_lines(&self, n: usize) -> Vec<AccessLine> {
        let deadline = Instant::now() + LOG_WAIT;
        loop {
            let lines = self.access_log();
            if lines.len() >= n || Instant::now() >= deadline {
                return lines;
            }
            thread::sleep(POLL);
        }
    }

    /// Apache's error log (auth failures, stale nonces, CGI errors).
    pub fn error_log(&self) -> String {
        read_lossy(&self.dir.path().join("logs").join("error.log"))
    }
}

impl std::fmt::Debug for ApacheDigest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApacheDigest")
            .field("url", &self.url())
            .field("dir", &self.dir.path())
            .field("options", &self.options)
            .finish()
    }
}

impl Drop for ApacheDigest {
    fn drop(&mut self) {
        self.process.stop();
    }
}

// ---------------------------------------------------------------------------------------
// tinyproxy: an HTTP proxy (CONNECT tunnels, absolute-form requests, Basic credentials)
// ---------------------------------------------------------------------------------------

/// tinyproxy on 127.0.0.1, as a corporate proxy: it tunnels `CONNECT` to any port and
/// forwards absolute-form requests; with credentials it answers 407 to any request
/// without the right `Proxy-Authorization: Basic`. Stops when dropped.
pub struct Tinyproxy {
    process: PeerProcess,
    port: u16,
    dir: TempDir,
}

impl Tinyproxy {
    /// Starts tinyproxy, requiring `credentials` (user, password) when given.
    ///
    /// # Panics
    /// When tinyproxy is not installed or does not start.
    pub fn start(credentials: Option<(&str, &str)>) -> Tinyproxy {
        let Some(bin) = find_program(
            &["/usr/bin/tinyproxy", "/usr/sbin/tinyproxy"],
            &["tinyproxy"],
        ) else {
            missing("tinyproxy", Installs::Tinyproxy);
        };
        let dir = TempDir::new("tinyproxy");
        let root = dir.path().to_path_buf();
        let mut last = String::new();
        for _attempt in 0..5 {
            let port = free_port();
            let mut conf = format!(
                "Port {port}\nListen 127.0.0.1\nTimeout 30\nLogFile \"{log}\"\nLogLevel Info\n\
                 MaxClients 64\nAllow 127.0.0.1\nDisableViaHeader Yes\n",
                log = root.join("tinyproxy.log").display()
            );
            if let Some((user, password)) = credentials {
                assert!(
                    !user.contains([' ', '\n']) && !password.contains([' ', '\n']),
                    "tinyproxy credentials are one word each"
                );
                let _ = writeln!(conf, "BasicAuth {user} {password}");
            }
            let conf_path = root.join("tinyproxy.conf");
            fs::write(&conf_path, conf).expect("write tinyproxy.conf");
            let _ = fs::remove_file(root.join("tinyproxy.log"));
            let stderr = root.join("stderr.log");
            let process = PeerProcess::spawn(
                Command::new("/bin/sh")
                    .arg("-c")
                    .arg(LIFELINE)
                    .arg(&bin)
                    .arg("-d")
                    .arg("-c")
                    .arg(&conf_path)
                    .current_dir(&root),
                &stderr,
                true,
            );
            match process.wait_for_port(port, || Ok(true)) {
                Ok(process) => return Tinyproxy { process, port, dir },
                Err(why) => {
                    last = format!(
                        "{why}\n--- output ---\n{}\n--- log ---\n{}",
                        read_lossy(&stderr),
                        read_lossy(&root.join("tinyproxy.log"))
                    );
                    if !last.contains("Address already in use") {
                        panic!("tinyproxy did not start:\n{last}");
                    }
                }
            }
        }
        panic!("tinyproxy found no free port after 5 tries:\n{last}");
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `http://user:password@127.0.0.1:PORT`.
    pub fn url_with(&self, user: &str, password: &str) -> String {
        format!("http://{user}:{password}@127.0.0.1:{}", self.port)
    }

    /// The request lines tinyproxy logged, in order (`CONNECT 127.0.0.1:443 HTTP/1.1`,
    /// `GET http://… HTTP/1.1`), including those it refused with 407.
    pub fn requests(&self) -> Vec<String> {
        read_lossy(&self.dir.path().join("tinyproxy.log"))
            .lines()
            .filter_map(|l| {
                l.split_once("): ")
                    .filter(|_| l.contains("Request (file descriptor"))
            })
            .map(|(_, request)| request.trim().to_string())
            .collect()
    }
}

impl Drop for Tinyproxy {
    fn drop(&mut self) {
        self.process.stop();
    }
}

/// Runs `"$0" "$@"` in the background from `sh`, which watches its own stdin: when the
/// test process closes it (on drop, or by dying), the program gets SIGTERM.
const LIFELINE: &str = r#"exec 3<&0
"$0" "$@" </dev/null &
child=$!
( cat <&3 >/dev/null; kill -TERM "$child" 2>/dev/null ) &
exec 3<&-
wait "$child"
"#;

/// Runs Apache in the foreground from `sh`, which also watches its own stdin: when the
/// test process closes it (on drop, or by dying), Apache gets SIGTERM, so no Apache
/// outlives the tests. `$0` is the apache binary, `$1` the config, `$2` a file the shell
/// writes Apache's exit status to (how a failed start shows, since the shell itself then
/// still waits for the watcher, so that it exits only when all its children are reaped).
const APACHE_WATCHDOG: &str = r#"exec 3<&0
"$0" -f "$1" -DFOREGROUND </dev/null &
httpd=$!
( cat <&3 >/dev/null; [ -e "$2" ] || kill -TERM "$httpd" 2>/dev/null ) &
exec 3<&-
wait "$httpd"
rc=$?
echo "$rc" >"$2"
wait
exit "$rc"
"#;

/// The CGI behind the Digest guard: POSIX sh, `head`, `od` and one `awk`. It answers only
/// once it has read the whole body and built the whole answer, so a client that got the
/// response never leaves a CGI running behind it (mod_cgid would wait ~2 s for it when
/// Apache stops).
const ECHO_CGI: &str = r#"#!/bin/sh
# Answers any method on any path with 200 and a JSON description of the request:
# {"method","path","query","user","contentType","accept","bodyLength","body"}, where
# path is percent-encoded as sent and body is the raw request body as a JSON string
# (", \ and control bytes escaped, other bytes passed through, so UTF-8 stays UTF-8).
PATH=/usr/bin:/bin
LC_ALL=C
export PATH LC_ALL
if [ -n "${CONTENT_LENGTH:-}" ]; then
	head -c "$CONTENT_LENGTH"
else
	cat
fi | od -An -v -tu1 | exec awk '
function esc(s,    out, i, c, b) {
	out = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		b = ord[c]
		if (b == 34) out = out "\\\""
		else if (b == 92) out = out "\\\\"
		else if (b < 32 || b == 127) out = out sprintf("\\u%04x", b)
		else out = out c
	}
	return out
}
function jstr(s) { return "\"" esc(s) "\"" }
BEGIN {
	for (i = 1; i < 256; i++) ord[sprintf("%c", i)] = i
	n = 0; k = 0; blen = 0
}
{
	piece = ""
	for (i = 1; i <= NF; i++) {
		b = $i + 0
		n++
		if (b == 34) piece = piece "\\\""
		else if (b == 92) piece = piece "\\\\"
		else if (b < 32 || b == 127) piece = piece sprintf("\\u%04x", b)
		else piece = piece sprintf("%c", b)
	}
	parts[++k] = piece
	blen += length(piece)
}
END {
	uri = ENVIRON["REQUEST_URI"]
	sub(/\?.*/, "", uri)
	head = "{\"method\":" jstr(ENVIRON["REQUEST_METHOD"]) \
		",\"path\":" jstr(uri) \
		",\"query\":" jstr(ENVIRON["QUERY_STRING"]) \
		",\"user\":" jstr(ENVIRON["REMOTE_USER"]) \
		",\"contentType\":" jstr(ENVIRON["CONTENT_TYPE"]) \
		",\"accept\":" jstr(ENVIRON["HTTP_ACCEPT"]) \
		",\"bodyLength\":" n ",\"body\":\""
	tail = "\"}\n"
	printf "Status: 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
	printf "Content-Length: %d\r\n\r\n%s", length(head) + blen + length(tail), head
	for (i = 1; i <= k; i++) printf "%s", parts[i]
	printf "%s", tail
}'
"#;

/// Where Apache's pieces are on this machine.
struct ApacheBins {
    apache: PathBuf,
    modules: PathBuf,
    htdigest: PathBuf,
}

impl ApacheBins {
    fn find() -> Option<ApacheBins> {
        let apache = find_program(
            &["/usr/sbin/apache2", "/usr/sbin/httpd"],
            &["apache2", "httpd"],
        )?;
        let modules = [
            "/usr/lib/apache2/modules",
            "/usr/lib64/httpd/modules",
            "/usr/lib/httpd/modules",
            "/usr/libexec/apache2",
        ]
        .iter()
        .map(PathBuf::from)
        .find(|d| d.join("mod_auth_digest.so").is_file())?;
        let htdigest = find_program(&["/usr/bin/htdigest"], &["htdigest"])?;
        Some(ApacheBins {
            apache,
            modules,
            htdigest,
        })
    }
}

/// Writes the user file with the real `htdigest`, feeding the password twice on stdin.
/// It runs in a new session (no controlling terminal): with one, htdigest would read the
/// password from /dev/tty and wait for a person.
fn run_htdigest(htdigest: &Path, file: &Path, options: &DigestOptions) {
    let mut cmd = Command::new(htdigest);
    cmd.arg("-c")
        .arg(file)
        .arg(&options.realm)
        .arg(&options.user)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: setsid is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            if libc::setsid() == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = cmd.spawn().expect("spawn htdigest");
    {
        let mut stdin = child.stdin.take().expect("htdigest stdin");
        let pw = &options.password;
        // Ignore EPIPE: the exit status tells what happened.
        let _ = write!(stdin, "{pw}\n{pw}\n");
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for htdigest") {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("htdigest did not finish within 10 s");
        }
        thread::sleep(POLL);
    };
    let output = child.wait_with_output().expect("htdigest output");
    let line = read_lossy(file);
    let prefix = format!("{}:{}:", options.user, options.realm);
    assert!(
        status.success() && line.starts_with(&prefix),
        "htdigest failed ({status}): {}{}\nfile: {line:?}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

fn apache_conf(root: &Path, port: u16, bins: &ApacheBins, o: &DigestOptions) -> String {
    let r = root.display();
    let mut conf = String::new();
    let _ = writeln!(
        conf,
        "# Written by atlas-test-support (tests/support/src/peers.rs) for one test run."
    );
    let _ = writeln!(conf, "ServerRoot \"{r}\"");
    let _ = writeln!(conf, "ServerName 127.0.0.1");
    let _ = writeln!(conf, "Listen 127.0.0.1:{port}");
    let _ = writeln!(conf, "DefaultRuntimeDir \"{r}/run\"");
    let _ = writeln!(conf, "PidFile \"{r}/run/httpd.pid\"");
    // Modules built into this httpd (Debian: log_config, unixd) are skipped by IfModule.
    for (id, file) in [
        ("mpm_event_module", "mod_mpm_event.so"),
        ("unixd_module", "mod_unixd.so"),
        ("log_config_module", "mod_log_config.so"),
        ("authn_core_module", "mod_authn_core.so"),
        ("authn_file_module", "mod_authn_file.so"),
        ("authz_core_module", "mod_authz_core.so"),
        ("authz_user_module", "mod_authz_user.so"),
        ("auth_digest_module", "mod_auth_digest.so"),
        ("alias_module", "mod_alias.so"),
        ("cgid_module", "mod_cgid.so"),
    ]
    .into_iter()
    .chain(o.tls.then_some(("ssl_module", "mod_ssl.so")))
    {
        let c_name = file.replace(".so", ".c");
        let path = bins.modules.join(file);
        let _ = writeln!(
            conf,
            "<IfModule !{c_name}>\n    LoadModule {id} \"{}\"\n</IfModule>",
            path.display()
        );
    }
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        // Apache refuses to serve as root: children run as an unprivileged user.
        let (uid, gid) = unprivileged_user();
        let _ = writeln!(conf, "User #{uid}\nGroup #{gid}");
    }
    let _ = write!(
        conf,
        r#"StartServers 1
ServerLimit 4
ThreadsPerChild 16
MaxRequestWorkers 64
Timeout 20
KeepAlive On
KeepAliveTimeout {keep_alive}
HostnameLookups Off
# Percent-encoded path parameters containing `/` (%2F) reach the CGI, still encoded.
AllowEncodedSlashes NoDecode
ErrorLog "{r}/logs/error.log"
LogLevel warn
BufferedLogs Off
LogFormat "%>s\t%m\t%u\t%r" peers
CustomLog "{r}/logs/access.log" peers
ScriptSock "{r}/run/cgid.sock"
DocumentRoot "{r}/htdocs"
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory "{r}/htdocs">
    Require all granted
</Directory>
ScriptAlias "{prefix}" "{r}/cgi-bin/echo.cgi/"
<Directory "{r}/cgi-bin">
    Require all granted
</Directory>
<Location "{prefix}">
    AuthType Digest
    AuthName "{realm}"
    AuthDigestProvider file
    AuthUserFile "{r}/users.htdigest"
    AuthDigestAlgorithm {alg}
    AuthDigestNonceLifetime {life}
    AuthDigestNcCheck {nc}
    Require valid-user
</Location>
"#,
        prefix = DIGEST_API_PREFIX,
        realm = o.realm,
        alg = o.algorithm,
        life = o.nonce_lifetime_secs,
        nc = if o.nc_check { "On" } else { "Off" },
        keep_alive = o.keep_alive_timeout_secs,
    );
    if o.tls {
        let _ = write!(
            conf,
            r#"SSLEngine on
SSLCertificateFile "{r}/tls/server.pem"
SSLCertificateKeyFile "{r}/tls/server.key"
SSLSessionCache none
"#
        );
    }
    conf
}

/// A CA made for one run, and a server certificate it signed for `127.0.0.1` and
/// `localhost`, by the `openssl` command (P-256 keys, two days): `ca.pem`, `server.pem`,
/// `server.key` in `dir`.
fn make_test_ca(dir: &Path) {
    let Some(openssl) = find_program(&["/usr/bin/openssl"], &["openssl"]) else {
        missing("openssl (the command)", Installs::Apache);
    };
    make_dir(dir, 0o755);
    let run = |args: &[&str]| {
        let out = Command::new(&openssl)
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .output()
            .expect("run openssl");
        assert!(
            out.status.success(),
            "openssl {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    let mut ca = vec!["req", "-x509"];
    ca.extend(ec);
    ca.extend([
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=atlas-rust test CA",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    run(&ca);
    let mut csr = vec!["req"];
    csr.extend(ec);
    csr.extend([
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=localhost",
    ]);
    run(&csr);
    fs::write(
        dir.join("server.ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\n\
         keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .expect("write server.ext");
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "server.ext",
    ]);
    for file in ["ca.pem", "server.pem"] {
        set_mode(&dir.join(file), 0o644);
    }
}

/// uid and gid of `www-data`, else `nobody`, else 65534.
fn unprivileged_user() -> (u32, u32) {
    let passwd = fs::read_to_string("/etc/passwd").unwrap_or_default();
    for name in ["www-data", "nobody"] {
        for line in passwd.lines() {
            let f: Vec<&str> = line.split(':').collect();
            if f.len() >= 4
                && f[0] == name
                && let (Ok(uid), Ok(gid)) = (f[2].parse(), f[3].parse())
            {
                return (uid, gid);
            }
        }
    }
    (65534, 65534)
}

/// Parses `%>s\t%m\t%u\t%r` lines; skips partial or foreign lines.
fn parse_access_log(text: &str) -> Vec<AccessLine> {
    text.split_inclusive('\n')
        .filter(|l| l.ends_with('\n'))
        .filter_map(|l| {
            let mut f = l.trim_end_matches(['\n', '\r']).splitn(4, '\t');
            let status = f.next()?.parse().ok()?;
            let method = f.next()?.to_string();
            let user = f.next()?;
            let request = f.next()?;
            let uri = request.split(' ').nth(1).unwrap_or("").to_string();
            Some(AccessLine {
                status,
                method,
                uri,
                user: (user != "-").then(|| user.to_string()),
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// oauth2-mock-server
// ---------------------------------------------------------------------------------------

/// The token endpoint's path in oauth2-mock-server.
pub const OAUTH_TOKEN_PATH: &str = "/token";
/// The revocation endpoint's path in oauth2-mock-server (RFC 7009; always 200).
pub const OAUTH_REVOKE_PATH: &str = "/revoke";

/// How [`OAuthMock`] is configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthOptions {
    /// `expires_in` of every token response, and the JWT's `exp - iat`.
    pub token_lifetime_secs: u64,
    /// When set, token requests whose client credentials (HTTP Basic, or `client_id` and
    /// `client_secret` in the form) do not match get `401 {"error":"invalid_client"}`
    /// (checked by the launcher, `tests/peers/oauth/server.mjs`; oauth2-mock-server
    /// itself accepts any client). `None`: any client gets a token.
    pub client: Option<(String, String)>,
}

impl Default for OAuthOptions {
    fn default() -> Self {
        OAuthOptions {
            token_lifetime_secs: 3600,
            client: None,
        }
    }
}

/// One request as oauth2-mock-server's launcher logged it (one JSON line each).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthRequest {
    /// `POST`, …
    pub method: String,
    /// `/token`, `/revoke`, … (no query).
    pub path: String,
    /// The status answered.
    pub status: u16,
    /// The form's `grant_type` (`None` if the body was not parsed, e.g. on an early 401).
    pub grant_type: Option<String>,
    /// The form's `scope`.
    pub scope: Option<String>,
    /// The client id from HTTP Basic (as sent, after base64) or from the form.
    pub client_id: Option<String>,
    /// How the client authenticated: `basic`, `body`, `client_id_only`, `none`, or
    /// `other:<scheme>`.
    pub auth: String,
    /// With [`OAuthOptions::client`]: whether the secret matched (never logged itself).
    pub secret_matches: Option<bool>,
    /// The request's `Content-Type`.
    pub content_type: Option<String>,
    /// The request's `User-Agent`.
    pub user_agent: Option<String>,
    /// The raw JSON line.
    pub line: String,
}

/// oauth2-mock-server on 127.0.0.1 (run by `node tests/peers/oauth/server.mjs`); stops
/// when dropped.
pub struct OAuthMock {
    process: PeerProcess,
    port: u16,
    options: OAuthOptions,
    dir: TempDir,
}

impl OAuthMock {
    /// Starts the server issuing tokens that live `token_lifetime_secs`, accepting any
    /// client.
    ///
    /// # Panics
    /// When node or the npm package is not installed, or the server does not start.
    pub fn start(token_lifetime_secs: u64) -> OAuthMock {
        OAuthMock::start_with(OAuthOptions {
            token_lifetime_secs,
            client: None,
        })
    }

    /// Starts the server with these options.
    ///
    /// # Panics
    /// As [`OAuthMock::start`].
    pub fn start_with(options: OAuthOptions) -> OAuthMock {
        let install = Installs::OAuth;
        let peer_dir = oauth_peer_dir();
        let Some(node) = find_program(&[], &["node"]) else {
            missing("oauth2-mock-server (node)", install);
        };
        if !peer_dir
            .join("node_modules/oauth2-mock-server/package.json")
            .is_file()
        {
            missing("oauth2-mock-server (npm package)", install);
        }
        let dir = TempDir::new("oauth");
        let log = dir.path().join("requests.jsonl");
        fs::write(&log, "").expect("create the request log");
        let stderr = dir.path().join("stderr.log");
        let mut cmd = Command::new(node);
        cmd.arg(peer_dir.join("server.mjs"))
            .arg("--port")
            .arg("0")
            .arg("--lifetime")
            .arg(options.token_lifetime_secs.to_string())
            .arg("--log")
            .arg(&log)
            .current_dir(&peer_dir)
            .env_remove("ATLAS_OAUTH_CLIENT_ID")
            .env_remove("ATLAS_OAUTH_CLIENT_SECRET");
        if let Some((id, secret)) = &options.client {
            cmd.env("ATLAS_OAUTH_CLIENT_ID", id)
                .env("ATLAS_OAUTH_CLIENT_SECRET", secret);
        }
        let mut process = PeerProcess::spawn(&mut cmd, &stderr, false);
        let stdout = process.child.stdout.take().expect("node stdout");
        let (tx, rx) = mpsc::channel();
        // Reads `READY <port>`, then drains stdout until the process ends.
        thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(port) = line.strip_prefix("READY ")
                    && let Ok(port) = port.trim().parse::<u16>()
                    && let Some(tx) = tx.take()
                {
                    let _ = tx.send(port);
                }
            }
        });
        let port = match rx.recv_timeout(START_TIMEOUT) {
            Ok(port) => port,
            Err(e) => {
                process.stop();
                let why = match e {
                    mpsc::RecvTimeoutError::Timeout => "no READY line within 15 s",
                    mpsc::RecvTimeoutError::Disconnected => "it exited before READY",
                };
                panic!(
                    "oauth2-mock-server did not start: {why}\n--- stderr ---\n{}",
                    read_lossy(&stderr)
                );
            }
        };
        OAuthMock {
            process,
            port,
            options,
            dir,
        }
    }

    /// `http://127.0.0.1:PORT`, the `iss` of its tokens and of its discovery document.
    pub fn issuer(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `http://127.0.0.1:PORT/token`.
    pub fn token_url(&self) -> String {
        format!("{}{OAUTH_TOKEN_PATH}", self.issuer())
    }

    /// `http://127.0.0.1:PORT/revoke` (oauth2-mock-server answers 200 to any POST there).
    pub fn revoke_url(&self) -> Option<String> {
        Some(format!("{}{OAUTH_REVOKE_PATH}", self.issuer()))
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The options it was started with.
    pub fn options(&self) -> &OAuthOptions {
        &self.options
    }

    /// How many requests reached the token endpoint (any outcome), counted server-side.
    pub fn token_requests(&self) -> usize {
        self.token_request_lines().len()
    }

    /// The token endpoint's request lines (JSON), oldest first.
    pub fn token_request_lines(&self) -> Vec<String> {
        self.token_request_log()
            .into_iter()
            .map(|r| r.line)
            .collect()
    }

    /// The token endpoint's requests, parsed.
    pub fn token_request_log(&self) -> Vec<OAuthRequest> {
        self.request_log()
            .into_iter()
            .filter(|r| r.path == OAUTH_TOKEN_PATH)
            .collect()
    }

    /// How many requests reached the revocation endpoint.
    pub fn revoke_requests(&self) -> usize {
        self.request_log()
            .iter()
            .filter(|r| r.path == OAUTH_REVOKE_PATH)
            .count()
    }

    /// Every request to any endpoint, parsed, oldest first.
    pub fn request_log(&self) -> Vec<OAuthRequest> {
        read_lossy(&self.dir.path().join("requests.jsonl"))
            .lines()
            .filter_map(parse_oauth_line)
            .collect()
    }

    /// What node printed on stderr.
    pub fn stderr(&self) -> String {
        read_lossy(&self.dir.path().join("stderr.log"))
    }
}

impl std::fmt::Debug for OAuthMock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuthMock")
            .field("issuer", &self.issuer())
            .field("dir", &self.dir.path())
            .field("options", &self.options)
            .finish()
    }
}

impl Drop for OAuthMock {
    fn drop(&mut self) {
        self.process.stop();
    }
}

fn oauth_peer_dir() -> PathBuf {
    // tests/peers, beside this crate (tests/support).
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../peers")
        .join("oauth")
}

fn parse_oauth_line(line: &str) -> Option<OAuthRequest> {
    let v: serde_json::Value = serde_json::from_str(line).ok()?;
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    Some(OAuthRequest {
        method: s("method")?,
        path: s("path")?,
        status: u16::try_from(v.get("status")?.as_u64()?).ok()?,
        grant_type: s("grantType"),
        scope: s("scope"),
        client_id: s("clientId"),
        auth: s("auth").unwrap_or_default(),
        secret_matches: v.get("secretMatches").and_then(|x| x.as_bool()),
        content_type: s("contentType"),
        user_agent: s("userAgent"),
        line: line.to_string(),
    })
}

// ---------------------------------------------------------------------------------------
// Shared machinery
// ---------------------------------------------------------------------------------------

/// How to install each peer, for the panic message.
#[derive(Clone, Copy)]
enum Installs {
    Apache,
    OAuth,
    Tinyproxy,
}

impl Installs {
    fn how(self) -> &'static str {
        match self {
            Installs::Apache => "apt-get install -y apache2 apache2-utils openssl",
            Installs::OAuth => "install Node.js >= 20.19, then `npm ci --prefix tests/peers/oauth`",
            Installs::Tinyproxy => "apt-get install -y tinyproxy",
        }
    }
}

/// A peer the build script found is gone (or an ignored test was run on purpose).
fn missing(peer: &str, install: Installs) -> ! {
    panic!(
        "{peer} is not installed ({}); tests that need it are ignored when the build \
         does not find it, so it was removed since the build, or an ignored test was run",
        install.how()
    );
}

/// The first existing file of `paths`, else the first of `names` on `PATH`.
fn find_program(paths: &[&str], names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = paths.iter().map(PathBuf::from).find(|p| is_executable(p)) {
        return Some(p);
    }
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|d| d.join(name))
            .find(|p| is_executable(p))
    })
}

fn is_executable(p: &Path) -> bool {
    fs::metadata(p)
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

/// A free port on 127.0.0.1 (for a peer that cannot be told to pick one itself; a peer
/// that then fails to bind it is retried on another).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind 127.0.0.1:0")
        .port()
}

/// A child in its own process group, with its stdin held open as a lifeline.
struct PeerProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    stopped: bool,
}

impl PeerProcess {
    fn spawn(cmd: &mut Command, stderr: &Path, stdout_to_stderr: bool) -> PeerProcess {
        let err = fs::File::create(stderr).expect("create the peer's stderr file");
        let out: Stdio = if stdout_to_stderr {
            err.try_clone().expect("dup the stderr file").into()
        } else {
            Stdio::piped()
        };
        let child = cmd
            .stdin(Stdio::piped())
            .stdout(out)
            .stderr(err)
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("spawn {:?}: {e}", cmd.get_program()));
        let mut process = PeerProcess {
            child,
            stdin: None,
            stopped: false,
        };
        process.stdin = process.child.stdin.take();
        process
    }

    /// Waits until `127.0.0.1:port` accepts connections and `ready()` says `Ok(true)`;
    /// on failure (`Err` from `ready`, exit, timeout) stops the process and says why.
    fn wait_for_port(
        mut self,
        port: u16,
        ready: impl Fn() -> Result<bool, String>,
    ) -> Result<PeerProcess, String> {
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            // Not reaped here: `stop` kills the group while the leader's pid still holds it.
            if exited_not_reaped(self.child.id() as libc::pid_t) {
                self.stop();
                return Err("it exited during startup".to_string());
            }
            match ready() {
                Err(why) => {
                    self.stop();
                    return Err(why);
                }
                Ok(true)
                    if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() =>
                {
                    return Ok(self);
                }
                Ok(_) => {}
            }
            if Instant::now() >= deadline {
                self.stop();
                return Err(format!(
                    "port {port} not accepting within {START_TIMEOUT:?}"
                ));
            }
            thread::sleep(POLL);
        }
    }

    /// Closes the lifeline (the peer exits by itself), waits up to [`STOP_GRACE`], then
    /// kills whatever is left of the process group and reaps the leader.
    fn stop(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        drop(self.stdin.take());
        let pid = self.child.id() as libc::pid_t;
        let deadline = Instant::now() + STOP_GRACE;
        while !exited_not_reaped(pid) && Instant::now() < deadline {
            thread::sleep(POLL);
        }
        // The leader is exited-but-unreaped or alive, so its pid (the group id) is not
        // reused yet: the group kill reaches only our peer's processes.
        // SAFETY: plain syscall.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
        let _ = self.child.wait();
    }
}

impl Drop for PeerProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A fresh directory under the system temp dir, removed when dropped (kept with
/// `ATLAS_PEERS_KEEP=1`).
struct TempDir(PathBuf);

impl TempDir {
    fn new(kind: &str) -> TempDir {
        static SEQ: AtomicUsize = AtomicUsize::new(0);
        let base = std::env::temp_dir();
        loop {
            let n = SEQ.fetch_add(1, Ordering::Relaxed);
            let path = base.join(format!("atlas-peer-{kind}-{}-{n}", std::process::id()));
            match fs::create_dir(&path) {
                Ok(()) => {
                    // Readable by the unprivileged user Apache's children run as.
                    set_mode(&path, 0o755);
                    return TempDir(path);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => panic!("create {}: {e}", path.display()),
            }
        }
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::env::var_os("ATLAS_PEERS_KEEP").is_some_and(|v| v != "0" && !v.is_empty()) {
            eprintln!("peers: kept {}", self.0.display());
            return;
        }
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn make_dir(path: &Path, mode: u32) {
    fs::create_dir(path).unwrap_or_else(|e| panic!("create {}: {e}", path.display()));
    set_mode(path, mode);
}

fn set_mode(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
        .unwrap_or_else(|e| panic!("chmod {}: {e}", path.display()));
}

fn read_lossy(path: &Path) -> String {
    fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_access_lines() {
        let log = "401\tGET\t-\tGET /api/atlas/v2/groups?x=%20y HTTP/1.1\n\
                   200\tPOST\talice\tPOST /api/atlas/v2/groups HTTP/1.1\n\
                   200\tGET\tbob\tGET /partial";
        assert_eq!(
            parse_access_log(log),
            vec![
                AccessLine {
                    status: 401,
                    method: "GET".into(),
                    uri: "/api/atlas/v2/groups?x=%20y".into(),
                    user: None,
                },
                AccessLine {
                    status: 200,
                    method: "POST".into(),
                    uri: "/api/atlas/v2/groups".into(),
                    user: Some("alice".into()),
                },
            ]
        );
    }
}
