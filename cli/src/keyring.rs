//! The OS keyring, where the official CLI (config v2) keeps a profile's secrets whenever
//! the OS has one: `public_api_key`, `private_api_key`, `access_token`, `refresh_token`,
//! `client_id` and `client_secret`, each an entry of service `atlascli_<profile>` and
//! account (user) the property's name, written by zalando/go-keyring. Each OS names and
//! encodes such an entry its own way ([`Naming`]); [`OsKeyring`] reads and writes them
//! through keyring-core and the OS's own store.
//!
//! | OS | entry | value |
//! |---|---|---|
//! | Linux, BSD | a Secret Service item with attributes `service` and `username` | the text |
//! | macOS | a Keychain generic password, service and account | `go-keyring-base64:` + base64 of the text |
//! | Windows | a generic credential named `<service>:<account>` | the text's UTF-8 bytes |
//!
//! Set `ATLAS_RS_NO_KEYRING=1` to never ask the keyring (a machine whose D-Bus would
//! start a keyring daemon that prompts).

use std::fmt;

/// The properties the official CLI moves into the keyring (its `SecureProperties`).
pub const SECURE_PROPERTIES: &[&str] = &[
    "public_api_key",
    "private_api_key",
    "access_token",
    "refresh_token",
    "client_id",
    "client_secret",
];

/// The prefix of the service name of every profile's entries.
const SERVICE_PREFIX: &str = "atlascli_";

/// The prefix go-keyring puts before the base64 of a value in the macOS Keychain.
const MACOS_BASE64_PREFIX: &str = "go-keyring-base64:";

/// The OS whose keyring conventions apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    /// The Secret Service (Linux and the BSDs).
    SecretService,
    /// The macOS Keychain.
    Mac,
    /// The Windows Credential Manager.
    Windows,
}

impl Os {
    /// The OS this binary runs on.
    pub fn current() -> Os {
        if cfg!(target_os = "macos") {
            Os::Mac
        } else if cfg!(windows) {
            Os::Windows
        } else {
            Os::SecretService
        }
    }
}

/// Where one property of one profile lives in the keyring.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Naming {
    /// `atlascli_<profile>`.
    pub service: String,
    /// The property (`client_secret`).
    pub account: String,
    /// On Windows, the credential's target name, `<service>:<account>`.
    pub target: Option<String>,
}

/// The entry of `property` of `profile` on `os`, as go-keyring names it.
pub fn naming(os: Os, profile: &str, property: &str) -> Naming {
    let service = format!("{SERVICE_PREFIX}{profile}");
    let target = (os == Os::Windows).then(|| format!("{service}:{property}"));
    Naming {
        service,
        account: property.to_string(),
        target,
    }
}

/// A stored value as text: go-keyring's base64 form on macOS undone; on Windows the blob
/// is UTF-8 (go-keyring), or UTF-16 (what keyring-rs writes) when it is not.
pub fn decode(os: Os, bytes: &[u8]) -> Option<String> {
    match os {
        Os::Mac => {
            let text = std::str::from_utf8(bytes).ok()?;
            match text.strip_prefix(MACOS_BASE64_PREFIX) {
                Some(encoded) => {
                    use base64::Engine as _;
                    let raw = base64::engine::general_purpose::STANDARD
                        .decode(encoded.trim())
                        .ok()?;
                    String::from_utf8(raw).ok()
                }
                None => Some(text.to_string()),
            }
        }
        Os::Windows => match std::str::from_utf8(bytes) {
            Ok(text) if !text.contains('\0') => Some(text.to_string()),
            _ if bytes.len().is_multiple_of(2) => {
                let units: Vec<u16> = bytes
                    .chunks_exact(2)
                    .map(|c| u16::from_le_bytes([c[0], c[1]]))
                    .collect();
                String::from_utf16(&units).ok()
            }
            _ => None,
        },
        Os::SecretService => String::from_utf8(bytes.to_vec()).ok(),
    }
}

/// A value as go-keyring would store it on `os` (what the official CLI reads back).
pub fn encode(os: Os, text: &str) -> Vec<u8> {
    match os {
        Os::Mac => {
            use base64::Engine as _;
            format!(
                "{MACOS_BASE64_PREFIX}{}",
                base64::engine::general_purpose::STANDARD.encode(text)
            )
            .into_bytes()
        }
        Os::Windows | Os::SecretService => text.as_bytes().to_vec(),
    }
}

/// Reading or writing the keyring failed. Never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyringError(String);

impl fmt::Display for KeyringError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for KeyringError {}

/// Where a profile's secrets may be kept.
pub trait SecretStore {
    /// The value of `property` of `profile`, `None` when there is no such entry.
    fn get(&self, profile: &str, property: &str) -> Result<Option<String>, KeyringError>;
    /// Stores `value` as `property` of `profile`, replacing the entry there.
    fn set(&self, profile: &str, property: &str, value: &str) -> Result<(), KeyringError>;
}

/// The OS keyring, opened on first use. With the `keyring` feature off, or
/// `ATLAS_RS_NO_KEYRING=1`, it has no entries.
pub struct OsKeyring {
    #[cfg(feature = "keyring")]
    opened: std::sync::OnceLock<Result<(), KeyringError>>,
    disabled: bool,
}

impl OsKeyring {
    /// The keyring, unless `ATLAS_RS_NO_KEYRING` says not to use it.
    pub fn new(lookup: &dyn Fn(&str) -> Option<String>) -> OsKeyring {
        let disabled = lookup("ATLAS_RS_NO_KEYRING")
            .is_some_and(|v| matches!(v.trim(), "1" | "true" | "TRUE" | "yes"));
        OsKeyring {
            #[cfg(feature = "keyring")]
            opened: std::sync::OnceLock::new(),
            disabled,
        }
    }

    /// Opens the OS store once; a keyring that cannot be reached is remembered as such.
    #[cfg(feature = "keyring")]
    fn open(&self) -> Result<(), KeyringError> {
        self.opened
            .get_or_init(|| {
                let store = os_store().map_err(|e| {
                    KeyringError(format!("the OS keyring cannot be opened: {}", safe(&e)))
                })?;
                keyring_core::set_default_store(store);
                Ok(())
            })
            .clone()
    }

    #[cfg(feature = "keyring")]
    fn entry(&self, profile: &str, property: &str) -> Result<keyring_core::Entry, KeyringError> {
        self.open()?;
        let n = naming(Os::current(), profile, property);
        let built = match &n.target {
            Some(target) => {
                let modifiers = std::collections::HashMap::from([("target", target.as_str())]);
                keyring_core::Entry::new_with_modifiers(&n.service, &n.account, &modifiers)
            }
            None => keyring_core::Entry::new(&n.service, &n.account),
        };
        built.map_err(|e| KeyringError(format!("keyring entry {}: {}", n.service, safe(&e))))
    }
}

#[cfg(feature = "keyring")]
fn os_store() -> keyring_core::Result<std::sync::Arc<keyring_core::CredentialStore>> {
    #[cfg(target_os = "macos")]
    return Ok(apple_native_keyring_store::keychain::Store::new()?);
    #[cfg(windows)]
    return Ok(windows_native_keyring_store::Store::new()?);
    #[cfg(all(unix, not(target_os = "macos")))]
    return Ok(zbus_secret_service_keyring_store::Store::new()?);
}

/// A keyring error's text: its kind only. The store's own messages may quote what it was
/// handed, and nothing handed to a keyring may be shown.
#[cfg(feature = "keyring")]
fn safe(e: &keyring_core::Error) -> String {
    use keyring_core::Error as E;
    match e {
        E::PlatformFailure(inner) | E::NoStorageAccess(inner) => {
            crate::show::one_line(&inner.to_string())
        }
        E::NoEntry => "no such entry".into(),
        E::BadEncoding(_) => "the stored value is not text".into(),
        E::TooLong(name, max) => format!("{name} is longer than {max}"),
        E::Invalid(name, why) => format!("invalid {name}: {why}"),
        E::Ambiguous(items) => format!("{} entries match", items.len()),
        _ => "keyring failure".into(),
    }
}

impl SecretStore for OsKeyring {
    fn get(&self, profile: &str, property: &str) -> Result<Option<String>, KeyringError> {
        if self.disabled {
            return Ok(None);
        }
        #[cfg(feature = "keyring")]
        {
            let entry = self.entry(profile, property)?;
            match entry.get_secret() {
                Ok(bytes) => decode(Os::current(), &bytes).map(Some).ok_or_else(|| {
                    KeyringError(format!(
                        "the keyring's {property} of profile {profile:?} is not text"
                    ))
                }),
                Err(keyring_core::Error::NoEntry) => Ok(None),
                Err(e) => Err(KeyringError(format!(
                    "reading {property} of profile {profile:?} from the OS keyring: {}",
                    safe(&e)
                ))),
            }
        }
        #[cfg(not(feature = "keyring"))]
        {
            let _ = (profile, property);
            Ok(None)
        }
    }

    fn set(&self, profile: &str, property: &str, value: &str) -> Result<(), KeyringError> {
        if self.disabled {
            return Err(KeyringError(
                "the OS keyring is off (ATLAS_RS_NO_KEYRING)".into(),
            ));
        }
        #[cfg(feature = "keyring")]
        {
            let entry = self.entry(profile, property)?;
            entry
                .set_secret(&encode(Os::current(), value))
                .map_err(|e| {
                    KeyringError(format!(
                        "writing {property} of profile {profile:?} to the OS keyring: {}",
                        safe(&e)
                    ))
                })
        }
        #[cfg(not(feature = "keyring"))]
        {
            let _ = (profile, property, value);
            Err(KeyringError(
                "atlas-rs was built without the `keyring` feature".into(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_named_as_go_keyring_names_them() {
        let linux = naming(Os::SecretService, "default", "client_secret");
        assert_eq!(linux.service, "atlascli_default");
        assert_eq!(linux.account, "client_secret");
        assert_eq!(linux.target, None);
        let mac = naming(Os::Mac, "ci", "private_api_key");
        assert_eq!(
            (mac.service.as_str(), mac.account.as_str(), mac.target),
            ("atlascli_ci", "private_api_key", None)
        );
        let windows = naming(Os::Windows, "ci", "access_token");
        assert_eq!(windows.target.as_deref(), Some("atlascli_ci:access_token"));
        assert_eq!(windows.service, "atlascli_ci");
    }

    #[test]
    fn values_are_encoded_as_go_keyring_encodes_them() {
        // macOS: go-keyring-base64: + base64, and plain text written by other tools.
        let stored = encode(Os::Mac, "s3cr3t/+=");
        assert_eq!(stored, b"go-keyring-base64:czNjcjN0Lys9");
        assert_eq!(decode(Os::Mac, &stored).as_deref(), Some("s3cr3t/+="));
        assert_eq!(decode(Os::Mac, b"plain").as_deref(), Some("plain"));
        assert_eq!(decode(Os::Mac, b"go-keyring-base64:!!"), None);
        // Windows: UTF-8 bytes (go-keyring), UTF-16 LE (keyring-rs) also read.
        assert_eq!(encode(Os::Windows, "tök"), "tök".as_bytes());
        assert_eq!(
            decode(Os::Windows, "tök".as_bytes()).as_deref(),
            Some("tök")
        );
        let utf16: Vec<u8> = "tok".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(Os::Windows, &utf16).as_deref(), Some("tok"));
        // The Secret Service: the text.
        assert_eq!(decode(Os::SecretService, b"x").as_deref(), Some("x"));
        assert_eq!(encode(Os::SecretService, "x"), b"x");
    }

    #[test]
    fn the_variable_turns_it_off() {
        let off = OsKeyring::new(&|n| (n == "ATLAS_RS_NO_KEYRING").then(|| "1".into()));
        assert_eq!(off.get("default", "client_id"), Ok(None));
        assert!(off.set("default", "client_id", "x").is_err());
    }
}
