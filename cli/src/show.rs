//! Showing requests and answers to people: `--dry-run` as a `curl` command, `-D/--debug`
//! as a trace on stderr. Secrets never appear: credentials are `<redacted>`, and so is the
//! value of every JSON member whose name says it holds a secret.

use serde_json::Value;

/// Shown instead of a secret.
pub const REDACTED: &str = "<redacted>";

/// JSON member names (compared in lower case, without `_`) whose values are secrets.
const SECRET_WORDS: &[&str] = &[
    "secret",
    "password",
    "privatekey",
    "privateapikey",
    "token",
    "accesstoken",
    "refreshtoken",
    "clientsecret",
    "apikey",
    "key",
    "certificate",
];

fn is_secret_name(name: &str) -> bool {
    let n: String = name
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    SECRET_WORDS.iter().any(|w| n == *w || n.ends_with(w))
}

/// `value` with the values of secret-named members replaced, at any depth.
pub fn redact_json(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if is_secret_name(k) && !v.is_null() {
                    *v = Value::String(REDACTED.into());
                } else {
                    redact_json(v);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_json),
        _ => {}
    }
}

/// A body for people: JSON with its secrets redacted, or a note on what else it is.
pub fn redacted_body(bytes: &[u8]) -> String {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(mut v) => {
            redact_json(&mut v);
            v.to_string()
        }
        Err(_) if bytes.is_empty() => String::new(),
        Err(_) => format!("<{} bytes, not JSON>", bytes.len()),
    }
}

/// How the client authenticates, for the curl command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    None,
    Bearer,
    Digest,
}

/// `text` in single quotes for a POSIX shell.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// The request as a `curl` command that would send it, secrets redacted.
pub fn curl(request: &http::Request<Vec<u8>>, auth: Auth) -> String {
    let mut s = format!(
        "curl --request {} {}",
        request.method(),
        quote(&request.uri().to_string())
    );
    for (name, value) in request.headers() {
        let value = value.to_str().unwrap_or("<binary>");
        s.push_str(&format!(
            " \\\n  --header {}",
            quote(&format!("{name}: {value}"))
        ));
    }
    match auth {
        Auth::None => {}
        Auth::Bearer => s.push_str(&format!(
            " \\\n  --header {}",
            quote(&format!("Authorization: Bearer {REDACTED}"))
        )),
        Auth::Digest => s.push_str(&format!(
            " \\\n  --digest --user {}",
            quote(&format!("{REDACTED}:{REDACTED}"))
        )),
    }
    if !request.body().is_empty() {
        s.push_str(&format!(
            " \\\n  --data-binary {}",
            quote(&redacted_body(request.body()))
        ));
    }
    s
}

/// A minimal logger for `-D/--debug`: the runtime's own debug lines on stderr (it logs no
/// secrets at any level).
pub struct StderrLogger;

impl log::Log for StderrLogger {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() <= log::Level::Debug
    }

    fn log(&self, record: &log::Record) {
        if self.enabled(record.metadata()) {
            eprintln!("* {}: {}", record.level(), record.args());
        }
    }

    fn flush(&self) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_at_any_depth() {
        let mut v: Value = serde_json::json!({
            "name": "ci", "secret": "s3cr3t", "nested": [{"password": "p", "privateKey": "k"}],
            "clientSecret": "c", "description": "a token-free text"
        });
        redact_json(&mut v);
        let text = v.to_string();
        for secret in ["s3cr3t", "\"p\"", "\"k\"", "\"c\""] {
            assert!(!text.contains(secret), "{text}");
        }
        assert!(text.contains("a token-free text"));
    }

    #[test]
    fn curl_quotes_and_redacts() {
        let request = http::Request::builder()
            .method("POST")
            .uri("http://127.0.0.1:1/api/atlas/v2/x?a=b")
            .header("Accept", "application/vnd.atlas.2024-08-05+json")
            .body(br#"{"secret":"x'y","n":1}"#.to_vec())
            .unwrap();
        let c = curl(&request, Auth::Bearer);
        assert!(c.starts_with("curl --request POST 'http://127.0.0.1:1/api/atlas/v2/x?a=b'"));
        assert!(c.contains("Authorization: Bearer <redacted>"));
        assert!(!c.contains("x'y") && !c.contains(r"x'\''y"));
    }
}
