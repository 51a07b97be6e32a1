//! Settings as the official `atlas` CLI finds them, so its users need no setup: a profile
//! of `<config dir>/atlascli/config.toml` (the OS's config directory, as Go's
//! `os.UserConfigDir` gives it: [`config_dir`]), chosen with `-P/--profile` (default
//! `default`; names are case-insensitive, as the official CLI lowercases them), its
//! secrets read from the OS keyring first ([`crate::keyring`]), each key overridden by
//! its `MONGODB_ATLAS_*` variable.
//!
//! | profile key | variable | use |
//! |---|---|---|
//! | `client_id`, `client_secret` | `MONGODB_ATLAS_CLIENT_ID`, `MONGODB_ATLAS_CLIENT_SECRET` | a service account |
//! | `public_api_key`, `private_api_key` | `MONGODB_ATLAS_PUBLIC_API_KEY`, `MONGODB_ATLAS_PRIVATE_API_KEY` | an API key |
//! | `access_token`, `refresh_token` | `MONGODB_ATLAS_ACCESS_TOKEN` (no refresh) | an `atlas auth login` session, or a token obtained elsewhere |
//! | `auth_type` | | which of them the profile uses (config v2): `service_account`, `api_keys`, `user_account`, `no_auth` |
//! | `org_id`, `project_id` | `MONGODB_ATLAS_ORG_ID`, `MONGODB_ATLAS_PROJECT_ID` | defaults of `--orgId`, `--groupId` |
//! | `api_version` | `MONGODB_ATLAS_API_VERSION` | default of `--version` |
//! | `ops_manager_url` | `MONGODB_ATLAS_OPS_MANAGER_URL` | the base URL |
//! | `account_url` | | where an `atlas auth login` session is refreshed (default: the base URL) |
//! | `service` | `MONGODB_ATLAS_SERVICE` | `cloudgov` for Atlas for Government |
//!
//! The file is only written to put back a refreshed login token ([`crate::login`]), with
//! everything else in it kept as it was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::exit::CliError;
use crate::keyring::{SECURE_PROPERTIES, SecretStore};

/// Where a value came from: a refreshed token goes back there, and messages name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A `MONGODB_ATLAS_*` variable.
    Variable(&'static str),
    /// The profile's table in the config file.
    File,
    /// The OS keyring entry of the profile.
    Keyring,
}

/// The settings of one profile after the environment's overrides.
#[derive(Debug, Default, Clone)]
pub struct Settings {
    /// The profile's name, in lower case.
    pub profile: String,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub public_api_key: Option<String>,
    pub private_api_key: Option<String>,
    pub access_token: Option<String>,
    pub refresh_token: Option<String>,
    pub auth_type: Option<String>,
    pub org_id: Option<String>,
    pub project_id: Option<String>,
    pub api_version: Option<String>,
    pub base_url: Option<String>,
    pub account_url: Option<String>,
    pub service: Option<String>,
    /// Where each value that was found came from, by profile key.
    pub origins: BTreeMap<&'static str, Origin>,
    /// The config file read, and the key of the profile's table in it as written there.
    pub file: Option<(PathBuf, String)>,
}

/// Who the run acts as, once the profile and the environment have been read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A service account (OAuth 2.0 client credentials).
    ServiceAccount { id: String, secret: String },
    /// An API key (HTTP Digest).
    ApiKey { public: String, private: String },
    /// An access token, with the refresh token of its `atlas auth login` session if any.
    Token {
        access: String,
        refresh: Option<String>,
    },
    /// None: requests go unauthenticated.
    None,
}

/// `(profile key, variable)` for every setting read.
const KEYS: &[(&str, Option<&str>)] = &[
    ("client_id", Some("MONGODB_ATLAS_CLIENT_ID")),
    ("client_secret", Some("MONGODB_ATLAS_CLIENT_SECRET")),
    ("public_api_key", Some("MONGODB_ATLAS_PUBLIC_API_KEY")),
    ("private_api_key", Some("MONGODB_ATLAS_PRIVATE_API_KEY")),
    ("access_token", Some("MONGODB_ATLAS_ACCESS_TOKEN")),
    ("refresh_token", None),
    ("auth_type", None),
    ("org_id", Some("MONGODB_ATLAS_ORG_ID")),
    ("project_id", Some("MONGODB_ATLAS_PROJECT_ID")),
    ("api_version", Some("MONGODB_ATLAS_API_VERSION")),
    ("ops_manager_url", Some("MONGODB_ATLAS_OPS_MANAGER_URL")),
    ("account_url", None),
    ("service", Some("MONGODB_ATLAS_SERVICE")),
];

/// The variables that carry a credential: when one is set, the environment decides who
/// the run acts as, and the keyring is not asked.
const CREDENTIAL_VARIABLES: &[&str] = &[
    "MONGODB_ATLAS_CLIENT_ID",
    "MONGODB_ATLAS_CLIENT_SECRET",
    "MONGODB_ATLAS_PUBLIC_API_KEY",
    "MONGODB_ATLAS_PRIVATE_API_KEY",
    "MONGODB_ATLAS_ACCESS_TOKEN",
];

/// The OS conventions for the user's config directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigOs {
    /// `$XDG_CONFIG_HOME`, else `$HOME/.config` (Linux, the BSDs).
    Unix,
    /// `$HOME/Library/Application Support`.
    Mac,
    /// `%AppData%`.
    Windows,
}

impl ConfigOs {
    pub fn current() -> ConfigOs {
        if cfg!(target_os = "macos") {
            ConfigOs::Mac
        } else if cfg!(windows) {
            ConfigOs::Windows
        } else {
            ConfigOs::Unix
        }
    }
}

/// The user's config directory on `os`, as Go's `os.UserConfigDir` finds it (the
/// official CLI keeps `atlascli/config.toml` there). A relative `XDG_CONFIG_HOME` is
/// ignored, as Go refuses it.
pub fn config_dir(os: ConfigOs, lookup: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let var = |name: &str| lookup(name).filter(|v| !v.is_empty());
    match os {
        ConfigOs::Unix => match var("XDG_CONFIG_HOME").filter(|d| Path::new(d).is_absolute()) {
            Some(dir) => Some(PathBuf::from(dir)),
            None => Some(PathBuf::from(var("HOME")?).join(".config")),
        },
        ConfigOs::Mac => Some(
            PathBuf::from(var("HOME")?)
                .join("Library")
                .join("Application Support"),
        ),
        ConfigOs::Windows => var("AppData").or_else(|| var("APPDATA")).map(PathBuf::from),
    }
}

/// The official CLI's config file on this OS.
pub fn config_path(lookup: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    config_dir(ConfigOs::current(), lookup).map(|d| d.join("atlascli").join("config.toml"))
}

/// A profile name as the official CLI keeps it: in lower case.
pub fn profile_name(given: Option<&str>) -> String {
    given.unwrap_or("default").to_lowercase()
}

/// Reads the profile `name` (given with `-P`, else `default`), its secrets from `keyring`
/// first, and applies the environment.
///
/// A profile named with `-P` must exist (in the file or, for a profile whose file table
/// was removed, as keyring entries); a missing file or `default` profile is no error (the
/// environment alone may be enough).
pub fn load(
    name: Option<&str>,
    lookup: &dyn Fn(&str) -> Option<String>,
    keyring: &dyn SecretStore,
) -> Result<Settings, CliError> {
    let path = config_path(lookup);
    let document = match &path {
        Some(p) => read_document(p)?,
        None => None,
    };
    let profile_name = profile_name(name);
    let file_name = || {
        path.as_ref().map_or_else(
            || "the atlas CLI's config".into(),
            |p| p.display().to_string(),
        )
    };
    // Viper reads keys case-insensitively: `[CI]` is profile `ci`.
    let entry = document.as_ref().and_then(|d| {
        d.as_table()
            .iter()
            .find(|(key, _)| key.to_lowercase() == profile_name)
    });
    let (table_key, profile) = match entry {
        Some((key, item)) => match item.as_table_like() {
            Some(table) => (Some(key.to_string()), Some(table)),
            None => {
                return Err(CliError::Usage(format!(
                    "profile {profile_name:?} in {} is {} {}, not a table of keys",
                    file_name(),
                    article(item.type_name()),
                    item.type_name()
                )));
            }
        },
        None => (None, None),
    };
    // A key of the wrong type is an error, never ignored: a dropped `client_id = 123`
    // would send the call without credentials. The value is not shown (it may be secret).
    for (key, _) in KEYS {
        if let Some(item) = profile.and_then(|p| p.get(key))
            && item.as_str().is_none()
        {
            return Err(CliError::Usage(format!(
                "{key} in profile {profile_name:?} of {} must be a string (in quotes), not {} {}",
                file_name(),
                article(item.type_name()),
                item.type_name()
            )));
        }
    }
    let env_has_credentials = CREDENTIAL_VARIABLES
        .iter()
        .any(|v| lookup(v).is_some_and(|x| !x.trim().is_empty()));
    let mut s = Settings {
        profile: profile_name.clone(),
        file: table_key.zip(path.clone()).map(|(k, p)| (p, k)),
        ..Settings::default()
    };
    let mut keyring_hits = 0;
    for (key, var) in KEYS {
        let from_env = var
            .and_then(lookup)
            .filter(|v| !v.trim().is_empty())
            .map(|v| (v, Origin::Variable(var.unwrap_or_default())));
        let from_keyring = || -> Result<Option<(String, Origin)>, CliError> {
            if env_has_credentials || !SECURE_PROPERTIES.contains(key) {
                return Ok(None);
            }
            match keyring.get(&profile_name, key) {
                Ok(v) => Ok(v
                    .filter(|v| !v.trim().is_empty())
                    .map(|v| (v, Origin::Keyring))),
                // A keyring that is not there (no D-Bus session, a locked keyring) leaves
                // the file: say so once, on stderr, and go on.
                Err(e) => {
                    warn_keyring_once(&e.to_string());
                    Ok(None)
                }
            }
        };
        let from_file = || {
            profile
                .and_then(|p| p.get(key))
                .and_then(|i| i.as_str())
                .filter(|v| !v.trim().is_empty())
                .map(|v| (v.to_string(), Origin::File))
        };
        let found = match from_env {
            Some(v) => Some(v),
            None => match from_keyring()? {
                Some(v) => {
                    keyring_hits += 1;
                    Some(v)
                }
                None => from_file(),
            },
        };
        let Some((value, origin)) = found else {
            continue;
        };
        s.origins.insert(key, origin);
        let value = Some(value.trim().to_string());
        match *key {
            "client_id" => s.client_id = value,
            "client_secret" => s.client_secret = value,
            "public_api_key" => s.public_api_key = value,
            "private_api_key" => s.private_api_key = value,
            "access_token" => s.access_token = value,
            "refresh_token" => s.refresh_token = value,
            "auth_type" => s.auth_type = value,
            "org_id" => s.org_id = value,
            "project_id" => s.project_id = value,
            "api_version" => s.api_version = value,
            "ops_manager_url" => s.base_url = value,
            "account_url" => s.account_url = value,
            _ => s.service = value,
        }
    }
    if name.is_some() && profile.is_none() && keyring_hits == 0 {
        return Err(CliError::Usage(format!(
            "profile {profile_name:?} not found in {}",
            file_name()
        )));
    }
    Ok(s)
}

/// A keyring that cannot be read is said once a run.
fn warn_keyring_once(why: &str) {
    static SAID: std::sync::Once = std::sync::Once::new();
    SAID.call_once(|| {
        eprintln!(
            "warning: {}; using the config file only",
            crate::show::one_line(why)
        );
    });
}

impl Settings {
    /// Who the run acts as. Credentials given by variables decide first (a service
    /// account, then an API key, then an access token, as the official CLI ranks them);
    /// else the profile's `auth_type` names the one to use, as the official CLI (config
    /// v2) does; a profile without one (config v1) is ranked like the variables.
    pub fn credential(&self) -> Result<Credential, CliError> {
        let from_variables = self
            .origins
            .iter()
            .any(|(key, o)| matches!(o, Origin::Variable(_)) && SECURE_PROPERTIES.contains(key));
        let sa = self.pair(
            &self.client_id,
            &self.client_secret,
            "client_id",
            "client_secret",
        );
        let key = self.pair(
            &self.public_api_key,
            &self.private_api_key,
            "public_api_key",
            "private_api_key",
        );
        let token = self.access_token.clone().map(|access| Credential::Token {
            access,
            refresh: self.refresh_token.clone(),
        });
        let ranked = |sa: Result<Option<Credential>, CliError>,
                      key: Result<Option<Credential>, CliError>| {
            Ok(sa?.or(key?).or(token.clone()).unwrap_or(Credential::None))
        };
        if from_variables {
            return ranked(sa, key);
        }
        let missing = |what: &str| {
            CliError::Usage(format!(
                "profile {:?} has auth_type = {:?} but no {what} (in the OS keyring or {})",
                self.profile,
                self.auth_type.as_deref().unwrap_or(""),
                self.file_label()
            ))
        };
        match self.auth_type.as_deref() {
            Some("service_account") => sa?.ok_or_else(|| missing("client_id and client_secret")),
            Some("api_keys") => key?.ok_or_else(|| missing("public_api_key and private_api_key")),
            Some("user_account") => token.ok_or_else(|| missing("access_token")),
            Some("no_auth") => Ok(Credential::None),
            Some(other) => Err(CliError::Usage(format!(
                "unknown auth_type {:?} in profile {:?}: expected service_account, api_keys, user_account or no_auth",
                crate::show::one_line(other),
                self.profile
            ))),
            None => ranked(sa, key),
        }
    }

    fn pair(
        &self,
        a: &Option<String>,
        b: &Option<String>,
        an: &str,
        bn: &str,
    ) -> Result<Option<Credential>, CliError> {
        match (a, b) {
            (Some(a), Some(b)) => Ok(Some(if an == "client_id" {
                Credential::ServiceAccount {
                    id: a.clone(),
                    secret: b.clone(),
                }
            } else {
                Credential::ApiKey {
                    public: a.clone(),
                    private: b.clone(),
                }
            })),
            (None, None) => Ok(None),
            _ => Err(CliError::Usage(format!(
                "half a credential: {an} and {bn} go together (profile {:?}, the OS keyring and MONGODB_ATLAS_* variables)",
                self.profile
            ))),
        }
    }

    /// Where the access token came from, for messages.
    pub fn origin_label(&self, key: &str) -> String {
        match self.origins.get(key) {
            Some(Origin::Variable(v)) => (*v).to_string(),
            Some(Origin::Keyring) => format!("the OS keyring (profile {:?})", self.profile),
            _ => format!("profile {:?}", self.profile),
        }
    }

    fn file_label(&self) -> String {
        self.file.as_ref().map_or_else(
            || "the config file".to_string(),
            |(p, _)| p.display().to_string(),
        )
    }
}

/// "a" or "an" before a TOML type name.
fn article(type_name: &str) -> &'static str {
    if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// The file as a document; a syntax error says where it is and what is wrong, never what
/// the line holds: it may be a secret (`client_secret = "…` with its quote missing).
fn read_document(path: &Path) -> Result<Option<toml_edit::DocumentMut>, CliError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(CliError::Usage(format!(
                "cannot read {}: {e}",
                path.display()
            )));
        }
    };
    text.parse::<toml_edit::DocumentMut>()
        .map(Some)
        .map_err(|e| syntax_error(path, &text, &e))
}

fn syntax_error(path: &Path, text: &str, e: &toml_edit::TomlError) -> CliError {
    let at = e.span().map_or_else(String::new, |span| {
        let before = text.get(..span.start).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        format!(" at line {line}, column {column}")
    });
    CliError::Usage(format!(
        "{} is not valid TOML{at}: {} (the line is not shown: it may hold a secret)",
        path.display(),
        e.message().trim_end()
    ))
}

/// Sets `values` (profile key, value) in the table `table_key` of the config file at
/// `path`, keeping everything else (comments, order, other profiles) as it was. The file
/// is replaced whole (written beside it and renamed), with its permissions kept.
pub fn write_back(path: &Path, table_key: &str, values: &[(&str, &str)]) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read it: {e}"))?;
    let mut document = text
        .parse::<toml_edit::DocumentMut>()
        .map_err(|e| syntax_error(path, &text, &e).to_string())?;
    let Some(table) = document
        .get_mut(table_key)
        .and_then(|i| i.as_table_like_mut())
    else {
        return Err(format!("its profile {table_key:?} is gone"));
    };
    for (key, value) in values {
        match table.get_mut(key) {
            // Keep the key's place and decor; replace only its value.
            Some(item) if item.is_value() => {
                let decor = item.as_value().map(|v| v.decor().clone());
                let mut new = toml_edit::Value::from(*value);
                if let Some(decor) = decor {
                    *new.decor_mut() = decor;
                }
                *item = toml_edit::Item::Value(new);
            }
            _ => {
                table.insert(key, toml_edit::value(*value));
            }
        }
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let permissions = std::fs::metadata(path)
        .map_err(|e| format!("cannot read it: {e}"))?
        .permissions();
    let mut temp = tempfile::Builder::new()
        .prefix(".config.toml.")
        .suffix(".part")
        .permissions(permissions)
        .tempfile_in(&dir)
        .map_err(|e| format!("cannot write beside it: {e}"))?;
    use std::io::Write as _;
    temp.write_all(document.to_string().as_bytes())
        .and_then(|()| temp.as_file().sync_all())
        .map_err(|e| format!("cannot write beside it: {e}"))?;
    temp.persist(path)
        .map_err(|e| format!("cannot replace it: {}", e.error))?;
    Ok(())
}

/// When a JWT access token expires (its `exp` claim, seconds since the epoch), if it says.
pub fn token_expiry(token: &str) -> Option<i64> {
    use base64::Engine as _;
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("exp")?.as_i64()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keyring::KeyringError;

    /// A keyring of fixed entries.
    #[derive(Default)]
    pub struct FakeKeyring(
        pub std::sync::Mutex<std::collections::HashMap<(String, String), String>>,
    );

    impl SecretStore for FakeKeyring {
        fn get(&self, profile: &str, property: &str) -> Result<Option<String>, KeyringError> {
            Ok(self
                .0
                .lock()
                .unwrap()
                .get(&(profile.to_string(), property.to_string()))
                .cloned())
        }
        fn set(&self, profile: &str, property: &str, value: &str) -> Result<(), KeyringError> {
            self.0
                .lock()
                .unwrap()
                .insert((profile.into(), property.into()), value.into());
            Ok(())
        }
    }

    fn temp_dir() -> PathBuf {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "atlas-cli-profile-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        std::fs::create_dir_all(dir.join("atlascli")).unwrap();
        dir
    }

    /// `load` over a config file holding `text`, with `keyring`.
    fn load_with(
        text: &str,
        profile: Option<&str>,
        keyring: &dyn SecretStore,
    ) -> Result<Settings, CliError> {
        let dir = temp_dir();
        std::fs::write(dir.join("atlascli/config.toml"), text).unwrap();
        let home = dir.to_string_lossy().into_owned();
        let result = load(
            profile,
            &|name| (name == "XDG_CONFIG_HOME").then(|| home.clone()),
            keyring,
        );
        std::fs::remove_dir_all(&dir).unwrap();
        result
    }

    fn load_text(text: &str, profile: Option<&str>) -> Result<Settings, CliError> {
        load_with(text, profile, &FakeKeyring::default())
    }

    #[test]
    fn syntax_errors_name_the_place_not_the_line() {
        let secret = "mdb_sa_sk_0123456789abcdefSECRET";
        for text in [
            format!("[default]\nclient_id = \"mdb_sa_id_1\"\nclient_secret = \"{secret}\n"),
            format!("[default]\nclient_id = \"mdb_sa_id_1\"\nclient_secret = {secret}\n"),
            format!("[default]\nclient_id = \"mdb_sa_id_1\"\nclient_secret \"{secret}\"\n"),
            format!("[default]\nclient_id = \"mdb_sa_id_1\"\nclient_secret = '{secret}\"\n"),
            format!("[default]\nclient_id = \"mdb_sa_id_1\"\nclient_secret = \"{secret}\\q\"\n"),
            format!("[default]\nclient_id = \"mdb_sa_id_1\"\n{secret}\n"),
        ] {
            let e = load_text(&text, None).unwrap_err();
            let shown = e.to_string();
            assert!(!shown.contains("0123456789"), "{shown}");
            assert!(shown.contains("line 3"), "{shown}");
            assert_eq!(e.code(true), 2);
        }
    }

    #[test]
    fn a_key_of_another_type_is_named() {
        let e = load_text("[default]\nclient_id = 123\nclient_secret = \"s\"\n", None).unwrap_err();
        assert_eq!(e.code(true), 2);
        let shown = e.to_string();
        assert!(shown.contains("client_id"), "{shown}");
        assert!(shown.contains("an integer"), "{shown}");
        let e = load_text("[ci]\nclient_secret = 987654321\n", Some("ci")).unwrap_err();
        assert!(e.to_string().contains("client_secret"), "{e}");
        assert!(!e.to_string().contains("987654321"), "{e}");
        let e = load_text("default = \"x\"\n", None).unwrap_err();
        assert!(e.to_string().contains("not a table"), "{e}");
        // Keys the CLI does not read may be anything.
        let s = load_text("[default]\noutput = 1\norg_id = \"o\"\n", None).unwrap();
        assert_eq!(s.org_id.as_deref(), Some("o"));
    }

    #[test]
    fn profile_names_are_case_insensitive() {
        let text = "[ci]\norg_id = \"lower\"\n[Staging]\norg_id = \"mixed\"\n";
        assert_eq!(
            load_text(text, Some("CI")).unwrap().org_id.as_deref(),
            Some("lower")
        );
        let s = load_text(text, Some("staging")).unwrap();
        assert_eq!(s.org_id.as_deref(), Some("mixed"));
        assert_eq!(s.profile, "staging");
        assert_eq!(profile_name(Some("Prod")), "prod");
    }

    #[test]
    fn the_config_directory_is_the_os_one() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_string())
            }
        };
        let unix = env(&[("HOME", "/home/u"), ("XDG_CONFIG_HOME", "/x")]);
        assert_eq!(config_dir(ConfigOs::Unix, &unix), Some("/x".into()));
        let relative = env(&[("HOME", "/home/u"), ("XDG_CONFIG_HOME", "rel")]);
        assert_eq!(
            config_dir(ConfigOs::Unix, &relative),
            Some("/home/u/.config".into())
        );
        // macOS ignores XDG_CONFIG_HOME, as Go does.
        assert_eq!(
            config_dir(ConfigOs::Mac, &unix),
            Some("/home/u/Library/Application Support".into())
        );
        let windows = env(&[("AppData", r"C:\Users\u\AppData\Roaming"), ("HOME", "/h")]);
        assert_eq!(
            config_dir(ConfigOs::Windows, &windows),
            Some(r"C:\Users\u\AppData\Roaming".into())
        );
        assert_eq!(config_dir(ConfigOs::Windows, &env(&[("HOME", "/h")])), None);
    }

    #[test]
    fn the_keyring_comes_before_the_file_and_auth_type_chooses() {
        let keyring = FakeKeyring::default();
        for (k, v) in [("client_id", "kid"), ("client_secret", "ksecret")] {
            keyring.set("prod", k, v).unwrap();
        }
        keyring.set("prod", "public_api_key", "pub").unwrap();
        keyring.set("prod", "private_api_key", "priv").unwrap();
        let text = "[prod]\nauth_type = \"api_keys\"\nclient_id = \"file-id\"\norg_id = \"o\"\n";
        let s = load_with(text, Some("PROD"), &keyring).unwrap();
        assert_eq!(s.client_id.as_deref(), Some("kid"));
        assert_eq!(s.origins.get("client_id"), Some(&Origin::Keyring));
        assert_eq!(
            s.credential().unwrap(),
            Credential::ApiKey {
                public: "pub".into(),
                private: "priv".into()
            }
        );
        // No auth_type: the service account ranks first.
        let s = load_with("[prod]\norg_id = \"o\"\n", Some("prod"), &keyring).unwrap();
        assert!(matches!(
            s.credential().unwrap(),
            Credential::ServiceAccount { .. }
        ));
        // A profile only in the keyring is still found.
        let s = load_with("", Some("prod"), &keyring).unwrap();
        assert_eq!(s.public_api_key.as_deref(), Some("pub"));
        // auth_type naming a credential the profile lacks says so.
        let e = load_with(
            "[lone]\nauth_type = \"user_account\"\n",
            Some("lone"),
            &keyring,
        )
        .unwrap()
        .credential()
        .unwrap_err();
        assert!(e.to_string().contains("no access_token"), "{e}");
    }

    #[test]
    fn write_back_keeps_the_rest_of_the_file() {
        let dir = temp_dir();
        let path = dir.join("atlascli/config.toml");
        let text = "# mine\n[Login]\n  access_token = \"old\" # keep\n  org_id = \"o\"\n\n[other]\n  x = 1\n";
        std::fs::write(&path, text).unwrap();
        write_back(
            &path,
            "Login",
            &[("access_token", "new"), ("refresh_token", "r2")],
        )
        .unwrap();
        let after = std::fs::read_to_string(&path).unwrap();
        assert!(
            after.starts_with("# mine\n[Login]\n  access_token = \"new\" # keep\n"),
            "{after}"
        );
        assert!(after.contains("refresh_token = \"r2\""), "{after}");
        assert!(after.contains("[other]\n  x = 1\n"), "{after}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
