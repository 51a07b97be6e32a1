//! An `atlas auth login` session's access token, refreshed as the official CLI refreshes
//! it: once expired (or within a minute of it), its refresh token is exchanged at the
//! device flow's token endpoint, `POST {account_url}/api/private/unauth/account/device/token`
//! with the form `grant_type=refresh_token`, `refresh_token`, `client_id` (the official
//! CLI's public OAuth client, or the profile's `client_id`) and `scope`, and the new
//! access and refresh tokens are written back where they came from: the OS keyring
//! entry, or the profile's table of the config file.

use std::time::Duration;

use crate::exit::CliError;
use crate::keyring::SecretStore;
use crate::profile::{self, Origin, Settings};
use crate::show;

/// The official CLI's public OAuth client for Atlas (not a secret: it ships in the CLI).
const CLOUD_CLIENT_ID: &str = "0oabtxactgS3gHIR0297";
/// The same for Atlas for Government.
const CLOUDGOV_CLIENT_ID: &str = "0oabtyfelbTBdoucy297";
/// The scopes the official CLI asks for.
const SCOPES: &str = "openid profile offline_access";
/// Below `{account_url}`.
const TOKEN_PATH: &str = "/api/private/unauth/account/device/token";
/// A token this close to its expiry is refreshed first: the call must not outlive it.
const MARGIN_SECONDS: i64 = 60;

/// The access token to send: `access` itself while it is valid, else a refreshed one
/// (written back to where the old one came from). `settings` comes out with the new
/// tokens.
pub fn fresh_token(
    settings: &mut Settings,
    access: String,
    refresh: Option<String>,
    keyring: &dyn SecretStore,
) -> Result<String, CliError> {
    let now = jiff::Timestamp::now().as_second();
    let Some(exp) = profile::token_expiry(&access) else {
        // Not a JWT (a token from elsewhere): sent as it is; Atlas judges it.
        return Ok(access);
    };
    if exp > now + MARGIN_SECONDS {
        return Ok(access);
    }
    let when = jiff::Timestamp::from_second(exp)
        .map(|t| t.to_string())
        .unwrap_or_else(|_| exp.to_string());
    let source = settings.origin_label("access_token");
    let Some(refresh) = refresh else {
        return Err(CliError::Usage(format!(
            "the access token from {source} expired at {when} and there is no refresh token: run `atlas auth login` again, or give a service account"
        )));
    };
    let tokens = exchange(settings, &refresh).map_err(|why| {
        CliError::Usage(format!(
            "the access token from {source} expired at {when} and could not be refreshed ({why}): run `atlas auth login` again"
        ))
    })?;
    let new_refresh = tokens.refresh.clone().unwrap_or(refresh);
    store_back(settings, &tokens.access, &new_refresh, keyring);
    settings.access_token = Some(tokens.access.clone());
    settings.refresh_token = Some(new_refresh);
    Ok(tokens.access)
}

/// What the token endpoint answered.
struct Tokens {
    access: String,
    refresh: Option<String>,
}

/// One refresh: the request, and its answer read. The error never quotes a token.
fn exchange(settings: &Settings, refresh: &str) -> Result<Tokens, String> {
    let base = settings
        .account_url
        .clone()
        .or_else(|| settings.base_url.clone())
        .unwrap_or_else(|| match settings.service.as_deref() {
            Some("cloudgov") => atlas_runtime::defaults::CLOUDGOV_BASE_URL.to_string(),
            _ => atlas_runtime::defaults::DEFAULT_BASE_URL.to_string(),
        });
    let base = base.trim_end_matches('/');
    let client_id =
        settings
            .client_id
            .clone()
            .unwrap_or_else(|| match settings.service.as_deref() {
                Some("cloudgov") => CLOUDGOV_CLIENT_ID.to_string(),
                _ => CLOUD_CLIENT_ID.to_string(),
            });
    let form = form_encode(&[
        ("client_id", &client_id),
        ("refresh_token", refresh),
        ("scope", SCOPES),
        ("grant_type", "refresh_token"),
    ]);
    // A client of its own, with no credentials: the refresh token travels in the form.
    // The base URL has no path (checked here as the API client checks it).
    let client = atlas_runtime::Client::builder()
        .base_url(base.to_string())
        .application(concat!("atlas-rs/", env!("CARGO_PKG_VERSION")))
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| e.to_string())?;
    let request = http::Request::post(format!("{base}{TOKEN_PATH}"))
        .header(
            http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .header(http::header::ACCEPT, "application/json")
        .body(form.into_bytes())
        .map_err(|e| e.to_string())?;
    let scrub = |text: &str| text.replace(refresh, show::REDACTED);
    let answer = client.execute(request).map_err(|e| scrub(&e.to_string()))?;
    let body: serde_json::Value = serde_json::from_slice(answer.body()).unwrap_or_default();
    if !answer.status().is_success() {
        let code = body
            .get("error")
            .or_else(|| body.get("errorCode"))
            .and_then(|v| v.as_str())
            .unwrap_or("no error code");
        return Err(format!(
            "{} answered {}: {}",
            url(base),
            answer.status().as_u16(),
            show::one_line(&scrub(code))
        ));
    }
    let text = |name: &str| {
        body.get(name)
            .and_then(|v| v.as_str())
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let access = text("access_token")
        .ok_or_else(|| format!("{} answered without an access_token", url(base)))?;
    Ok(Tokens {
        access,
        refresh: text("refresh_token"),
    })
}

fn url(base: &str) -> String {
    format!("{base}{TOKEN_PATH}")
}

/// `application/x-www-form-urlencoded`, as RFC 6749 token requests are sent.
fn form_encode(pairs: &[(&str, &str)]) -> String {
    fn encode(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        for byte in text.bytes() {
            match byte {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                    out.push(char::from(byte))
                }
                b' ' => out.push('+'),
                other => out.push_str(&format!("%{other:02X}")),
            }
        }
        out
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Writes the new tokens back where the old ones came from; a failure is a warning (the
/// run goes on with the new token, the next one refreshes again).
fn store_back(settings: &Settings, access: &str, refresh: &str, keyring: &dyn SecretStore) {
    let mut to_file = Vec::new();
    for (key, value) in [("access_token", access), ("refresh_token", refresh)] {
        match settings.origins.get(key) {
            Some(Origin::Keyring) => {
                if let Err(e) = keyring.set(&settings.profile, key, value) {
                    eprintln!("warning: the refreshed {key} was not saved: {e}");
                }
            }
            Some(Origin::Variable(_)) => {}
            Some(Origin::File) | None => to_file.push((key, value)),
        }
    }
    if to_file.is_empty() {
        return;
    }
    match &settings.file {
        Some((path, table)) => {
            if let Err(why) = profile::write_back(path, table, &to_file) {
                eprintln!(
                    "warning: the refreshed login was not saved to {}: {}",
                    path.display(),
                    show::one_line(&why)
                );
            }
        }
        None => eprintln!("warning: the refreshed login was not saved: no config file"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn forms_are_encoded() {
        assert_eq!(
            super::form_encode(&[("scope", "openid profile"), ("t", "a/b+c=d&é")]),
            "scope=openid+profile&t=a%2Fb%2Bc%3Dd%26%C3%A9"
        );
    }
}
