//! Settings as the official `atlas` CLI finds them, so its users need no setup: a profile
//! of `$XDG_CONFIG_HOME/atlascli/config.toml` (else `~/.config/atlascli/config.toml`),
//! chosen with `-P/--profile` (default `default`), with each key overridden by its
//! `MONGODB_ATLAS_*` variable. The file is read, never written.
//!
//! | profile key | variable | use |
//! |---|---|---|
//! | `client_id`, `client_secret` | `MONGODB_ATLAS_CLIENT_ID`, `MONGODB_ATLAS_CLIENT_SECRET` | a service account (wins over the others) |
//! | `public_api_key`, `private_api_key` | `MONGODB_ATLAS_PUBLIC_API_KEY`, `MONGODB_ATLAS_PRIVATE_API_KEY` | an API key |
//! | `access_token` | `MONGODB_ATLAS_ACCESS_TOKEN` | a bearer token (`atlas auth login`, or obtained elsewhere) |
//! | `org_id`, `project_id` | `MONGODB_ATLAS_ORG_ID`, `MONGODB_ATLAS_PROJECT_ID` | defaults of `--orgId`, `--groupId` |
//! | `api_version` | `MONGODB_ATLAS_API_VERSION` | default of `--version` |
//! | `ops_manager_url` | `MONGODB_ATLAS_OPS_MANAGER_URL` | the base URL |
//! | `service` | `MONGODB_ATLAS_SERVICE` | `cloudgov` for Atlas for Government |

use std::path::{Path, PathBuf};

use crate::exit::CliError;

/// The settings of one profile after the environment's overrides.
#[derive(Debug, Default, Clone)]
pub struct Settings {
    pub profile: String,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub public_api_key: Option<String>,
    pub private_api_key: Option<String>,
    pub access_token: Option<String>,
    pub org_id: Option<String>,
    pub project_id: Option<String>,
    pub api_version: Option<String>,
    pub base_url: Option<String>,
    pub service: Option<String>,
    /// Where each credential came from, for messages (`profile "ci"`, `MONGODB_ATLAS_CLIENT_ID`).
    pub access_token_source: Option<String>,
}

/// `(profile key, variable)` for every setting read.
const KEYS: &[(&str, &str)] = &[
    ("client_id", "MONGODB_ATLAS_CLIENT_ID"),
    ("client_secret", "MONGODB_ATLAS_CLIENT_SECRET"),
    ("public_api_key", "MONGODB_ATLAS_PUBLIC_API_KEY"),
    ("private_api_key", "MONGODB_ATLAS_PRIVATE_API_KEY"),
    ("access_token", "MONGODB_ATLAS_ACCESS_TOKEN"),
    ("org_id", "MONGODB_ATLAS_ORG_ID"),
    ("project_id", "MONGODB_ATLAS_PROJECT_ID"),
    ("api_version", "MONGODB_ATLAS_API_VERSION"),
    ("ops_manager_url", "MONGODB_ATLAS_OPS_MANAGER_URL"),
    ("service", "MONGODB_ATLAS_SERVICE"),
];

/// The official CLI's config file.
pub fn config_path(lookup: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    let base = match lookup("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(lookup("HOME").filter(|v| !v.is_empty())?).join(".config"),
    };
    Some(base.join("atlascli").join("config.toml"))
}

/// Reads the profile `name` (given with `-P`, else `default`) and applies the environment.
///
/// A profile named with `-P` must exist; a missing file or `default` profile is no error
/// (the environment alone may be enough).
pub fn load(
    name: Option<&str>,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<Settings, CliError> {
    let path = config_path(lookup);
    let table = match &path {
        Some(p) => read_table(p)?,
        None => None,
    };
    let profile_name = name.unwrap_or("default").to_string();
    let file_name = || {
        path.as_ref().map_or_else(
            || "the atlas CLI's config".into(),
            |p| p.display().to_string(),
        )
    };
    let entry = table.as_ref().and_then(|t| t.get(&profile_name));
    let profile = match entry {
        Some(toml::Value::Table(p)) => Some(p),
        Some(other) => {
            return Err(CliError::Usage(format!(
                "profile {profile_name:?} in {} is {} {}, not a table of keys",
                file_name(),
                article(other.type_str()),
                other.type_str()
            )));
        }
        None if name.is_some() => {
            return Err(CliError::Usage(format!(
                "profile {profile_name:?} not found in {}",
                file_name()
            )));
        }
        None => None,
    };
    // A key of the wrong type is an error, never ignored: a dropped `client_id = 123`
    // would send the call without credentials. The value is not shown (it may be secret).
    for (key, _) in KEYS {
        if let Some(value) = profile.and_then(|p| p.get(*key))
            && !value.is_str()
        {
            return Err(CliError::Usage(format!(
                "{key} in profile {profile_name:?} of {} must be a string (in quotes), not {} {}",
                file_name(),
                article(value.type_str()),
                value.type_str()
            )));
        }
    }
    let mut s = Settings {
        profile: profile_name.clone(),
        ..Settings::default()
    };
    for (key, var) in KEYS {
        let from_env = lookup(var).filter(|v| !v.trim().is_empty());
        let from_file = profile
            .and_then(|p| p.get(*key))
            .and_then(toml::Value::as_str)
            .filter(|v| !v.trim().is_empty())
            .map(str::to_string);
        let source = if from_env.is_some() {
            (*var).to_string()
        } else {
            format!("profile {profile_name:?}")
        };
        let value = from_env.or(from_file).map(|v| v.trim().to_string());
        let slot = match *key {
            "client_id" => &mut s.client_id,
            "client_secret" => &mut s.client_secret,
            "public_api_key" => &mut s.public_api_key,
            "private_api_key" => &mut s.private_api_key,
            "access_token" => {
                if value.is_some() {
                    s.access_token_source = Some(source);
                }
                &mut s.access_token
            }
            "org_id" => &mut s.org_id,
            "project_id" => &mut s.project_id,
            "api_version" => &mut s.api_version,
            "ops_manager_url" => &mut s.base_url,
            _ => &mut s.service,
        };
        *slot = value;
    }
    Ok(s)
}

/// "a" or "an" before a TOML type name.
fn article(type_name: &str) -> &'static str {
    if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// The file as a table; a syntax error says where it is and what is wrong, never what the
/// line holds: it may be a secret (`client_secret = "…` with its quote missing).
fn read_table(path: &Path) -> Result<Option<toml::Table>, CliError> {
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
    text.parse::<toml::Table>().map(Some).map_err(|e| {
        let at = e.span().map_or_else(String::new, |span| {
            let before = text.get(..span.start).unwrap_or(&text);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            format!(" at line {line}, column {column}")
        });
        CliError::Usage(format!(
            "{} is not valid TOML{at}: {} (the line is not shown: it may hold a secret)",
            path.display(),
            e.message().trim_end()
        ))
    })
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

    /// `load` over a config file holding `text`.
    fn load_text(text: &str, profile: Option<&str>) -> Result<Settings, CliError> {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "atlas-cli-profile-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        ));
        std::fs::create_dir_all(dir.join("atlascli")).unwrap();
        std::fs::write(dir.join("atlascli/config.toml"), text).unwrap();
        let home = dir.to_string_lossy().into_owned();
        let result = load(profile, &|name| {
            (name == "XDG_CONFIG_HOME").then(|| home.clone())
        });
        std::fs::remove_dir_all(&dir).unwrap();
        result
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
            assert_eq!(e.code(), 2);
        }
    }

    #[test]
    fn a_key_of_another_type_is_named() {
        let e = load_text("[default]\nclient_id = 123\nclient_secret = \"s\"\n", None).unwrap_err();
        assert_eq!(e.code(), 2);
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
}
