//! Credentials the official CLI (config v2) keeps in the OS keyring, read from a real
//! Secret Service: a D-Bus session bus and gnome-keyring of the test's own, the entries
//! written as go-keyring writes them (attributes `service` = `atlascli_<profile>`,
//! `username` = the property, through libsecret's `secret-tool`), the config file holding
//! no secret at all.

use std::process::{Command, Stdio};

use atlas_mock::MockAtlas;

use crate::support::{TempDir, run};

/// A session bus with an unlocked gnome-keyring on it; the bus (and with it the keyring
/// daemon, which leaves with its bus) is stopped on drop.
struct SecretService {
    home: TempDir,
    address: String,
    bus_pid: u32,
}

impl SecretService {
    fn start() -> SecretService {
        let home = TempDir::new("secret-service");
        let runtime = home.path().join("run");
        std::fs::create_dir_all(&runtime).unwrap();
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
        let out = Command::new("dbus-daemon")
            .args(["--session", "--fork", "--print-address=1", "--print-pid=1"])
            .env("HOME", home.path())
            .output()
            .expect("dbus-daemon runs");
        assert!(out.status.success(), "dbus-daemon: {out:?}");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let mut lines = text.lines();
        let address = lines.next().expect("the bus address").to_string();
        let bus_pid: u32 = lines
            .next()
            .and_then(|p| p.trim().parse().ok())
            .expect("its pid");
        let service = SecretService {
            home,
            address,
            bus_pid,
        };
        let mut keyring = service
            .command("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets", "--daemonize"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon runs");
        use std::io::Write as _;
        // The login keyring's password: it is created and unlocked with it.
        keyring.stdin.take().unwrap().write_all(b"test").unwrap();
        assert!(keyring.wait().unwrap().success());
        service
    }

    /// `program` on this bus, in this home.
    fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("HOME", self.home.path())
            .env("XDG_DATA_HOME", self.home.path().join("data"))
            .env("XDG_RUNTIME_DIR", self.home.path().join("run"));
        c
    }

    /// Stores `value` as go-keyring does for the official CLI.
    fn store(&self, profile: &str, property: &str, value: &str) {
        let service = format!("atlascli_{profile}");
        let mut child = self
            .command("secret-tool")
            .args(["store", "--label"])
            .arg(format!("Password for '{property}' on '{service}'"))
            .args(["service", &service, "username", property])
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write as _;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(value.as_bytes())
            .unwrap();
        assert!(child.wait().unwrap().success(), "secret-tool store");
    }

    fn lookup(&self, profile: &str, property: &str) -> String {
        let out = self
            .command("secret-tool")
            .args([
                "lookup",
                "service",
                &format!("atlascli_{profile}"),
                "username",
                property,
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("DBUS_SESSION_BUS_ADDRESS", self.address.clone()),
            (
                "XDG_RUNTIME_DIR",
                self.home.path().join("run").display().to_string(),
            ),
        ]
    }
}

impl Drop for SecretService {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.bus_pid.to_string()).status();
    }
}

/// A JWT whose `exp` passed an hour ago.
fn expired_jwt() -> String {
    use base64::Engine as _;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let exp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        - 3600;
    format!(
        "{}.{}.sig",
        b64(r#"{"alg":"RS256"}"#),
        b64(&format!(r#"{{"exp":{exp}}}"#))
    )
}

#[test]
#[cfg_attr(
    not(has_secret_service),
    ignore = "needs a Secret Service: apt-get install -y dbus-daemon gnome-keyring libsecret-tools"
)]
fn credentials_in_the_os_keyring_are_used_and_refreshed_there() {
    let ss = SecretService::start();
    let mock = MockAtlas::start();
    let home = TempDir::new("keyring-config");
    let dir = home.path().join("config/atlascli");
    std::fs::create_dir_all(&dir).unwrap();
    // Config v2: no secret in the file; auth_type says which credential.
    let config = format!(
        "version = 2\n[ci]\n  auth_type = \"service_account\"\n  org_id = \"{org}\"\n  ops_manager_url = \"{url}\"\n\n\
         [keys]\n  auth_type = \"api_keys\"\n  org_id = \"{org}\"\n  ops_manager_url = \"{url}\"\n\n\
         [login]\n  auth_type = \"user_account\"\n  org_id = \"{org}\"\n  ops_manager_url = \"{url}\"\n",
        org = mock.org_id(),
        url = mock.url()
    );
    std::fs::write(dir.join("config.toml"), &config).unwrap();
    ss.store("ci", "client_id", mock.client_id());
    ss.store("ci", "client_secret", mock.client_secret());
    // Keys of another kind in the same profile: auth_type chooses.
    ss.store("ci", "public_api_key", "not-this-one");
    ss.store("ci", "private_api_key", "not-this-one-either");
    ss.store("keys", "public_api_key", mock.public_api_key());
    ss.store("keys", "private_api_key", mock.private_api_key());
    let expired = expired_jwt();
    ss.store("login", "access_token", &expired);
    ss.store("login", "refresh_token", &mock.login_refresh_token());

    let env = ss.env();
    let list = [
        "api",
        "serviceAccounts",
        "listOrgServiceAccounts",
        "--no-token-cache",
    ];
    let with = |profile: &str| {
        let mut args = vec!["-P", profile];
        args.extend(list);
        run(home.path(), &env, &args, None)
    };
    // A service account from the keyring (the profile named in another case).
    assert_eq!(with("CI").ok().json()["totalCount"], 1);
    assert!(
        mock.requests().iter().any(|r| r.path == "/api/oauth/token"),
        "the service account's token was asked for"
    );
    // An API key from the keyring: Digest.
    let mut dry = vec!["--dry-run", "-P", "keys"];
    dry.extend(list);
    let keys = run(home.path(), &env, &dry, None).ok().stdout;
    assert!(keys.contains("--digest"), "{keys}");
    assert_eq!(with("keys").ok().json()["totalCount"], 1);
    // A login whose token expired: refreshed, and written back to the keyring.
    assert_eq!(with("login").ok().json()["totalCount"], 1);
    let stored = ss.lookup("login", "access_token");
    assert!(!stored.is_empty() && stored != expired, "{stored}");
    assert_eq!(
        std::fs::read_to_string(dir.join("config.toml")).unwrap(),
        config,
        "the file holds no token, and is left as it was"
    );
    // Without the keyring, the profile has no credentials: a clear error, nothing sent.
    let mut off = env.clone();
    off.push(("ATLAS_RS_NO_KEYRING", "1".to_string()));
    let mut args = vec!["-P", "ci"];
    args.extend(list);
    let none = run(home.path(), &off, &args, None);
    assert_eq!(none.code, 1, "{none:?}");
    assert!(
        none.stderr.contains("no client_id and client_secret"),
        "{none:?}"
    );
}
