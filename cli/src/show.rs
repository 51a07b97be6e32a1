//! Showing requests and answers to people: `--dry-run` as a `curl` command, `-D/--debug`
//! as a trace on stderr. Secrets never appear: credentials are `<redacted>`, and so is the
//! value of every JSON member whose name says it holds a secret; the client's own
//! [`redact`](atlas_runtime::Client::redact) removes every credential it holds from
//! whatever else is shown. Nothing a server sent reaches a terminal as control characters
//! ([`one_line`], [`lines`]): an escape sequence could rewrite the screen, a CR LF forge a
//! line.

use std::fmt::Write as _;

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

/// A body for people: JSON with its secrets redacted, on one line with no control
/// characters, or a note on what else it is.
pub fn redacted_body(bytes: &[u8]) -> String {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(mut v) => {
            redact_json(&mut v);
            one_line(&v.to_string())
        }
        Err(_) if bytes.is_empty() => String::new(),
        Err(_) => format!("<{} bytes, not JSON>", bytes.len()),
    }
}

/// Whether `c` must not reach a terminal as it is: the C0 and C1 controls and DEL (escape
/// sequences, CR, line feeds, backspace) and the bidirectional overrides and isolates
/// (which reorder what is shown).
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every character of [`is_unsafe`] but those in `keep` written as an escape
/// (`\n`, `\r`, `\t`, else `\u001b`), which reads the same inside a JSON string.
fn neutralise(text: &str, keep: &[char]) -> String {
    if !text.chars().any(|c| is_unsafe(c) && !keep.contains(&c)) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if !is_unsafe(c) || keep.contains(&c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
        }
    }
    out
}

/// `text` shown on one line: every control character escaped, line breaks too. For what
/// a server sent (an error's detail, a header, a state name).
pub fn one_line(text: &str) -> String {
    neutralise(text, &[])
}

/// `text` shown as lines: control characters escaped but for line feeds and tabs. For
/// messages of several lines that hold no server text raw ([`one_line`] made it safe).
pub fn lines(text: &str) -> String {
    neutralise(text, &['\n', '\t'])
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

/// The request as a `curl` command that would send it, secrets redacted: credentials
/// by `auth`, secret-named JSON members, and whatever else `redact` removes from each
/// header and the body.
pub fn curl(
    request: &http::Request<Vec<u8>>,
    auth: Auth,
    redact: &dyn Fn(&str) -> String,
) -> String {
    let mut s = format!(
        "curl --request {} {}",
        request.method(),
        quote(&redact(&request.uri().to_string()))
    );
    for (name, value) in request.headers() {
        let value = one_line(&redact(value.to_str().unwrap_or("<binary>")));
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
            quote(&redact(&redacted_body(request.body())))
        ));
    }
    s
}

/// The headers and body of a request (`>`) or an answer (`<`) as `-D` shows them on
/// stderr, after `head` (the request line or the status), with no control characters and
/// secret-named JSON members redacted. The caller passes it through the client's
/// [`redact`](atlas_runtime::Client::redact) before showing it: a server may echo a
/// credential in any header or member.
pub fn trace(mark: char, head: &str, headers: &http::HeaderMap, body: Option<&[u8]>) -> String {
    let mut text = format!("{mark} {}\n", one_line(head));
    for (name, value) in headers {
        let value = value.to_str().unwrap_or("<binary>");
        let _ = writeln!(text, "{mark} {name}: {}", one_line(value));
    }
    if let Some(body) = body.filter(|b| !b.is_empty()) {
        let _ = writeln!(text, "{mark}\n{mark} {}", redacted_body(body));
    }
    text
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
            eprintln!(
                "* {}: {}",
                record.level(),
                one_line(&record.args().to_string())
            );
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
        let c = curl(&request, Auth::Bearer, &|t| t.to_string());
        assert!(c.starts_with("curl --request POST 'http://127.0.0.1:1/api/atlas/v2/x?a=b'"));
        assert!(c.contains("Authorization: Bearer <redacted>"));
        assert!(!c.contains("x'y") && !c.contains(r"x'\''y"));
    }

    #[test]
    fn control_characters_are_escaped() {
        let hostile = "bad\u{1b}[2J\r\nerror: forged\u{9b}1m\u{202e}txt\ttab";
        assert_eq!(
            one_line(hostile),
            r"bad\u001b[2J\r\nerror: forged\u009b1m\u202etxt\ttab"
        );
        assert_eq!(
            lines("two\nlines\u{7}"),
            "two\nlines\\u0007",
            "line feeds stay in messages of several lines"
        );
        assert_eq!(one_line("plain: ünïcode ✓"), "plain: ünïcode ✓");
        // In a JSON body the escapes keep it JSON, with the same text.
        let body = serde_json::json!({"detail": "a\u{7f}b\u{85}c"}).to_string();
        let shown = redacted_body(body.as_bytes());
        assert!(!shown.chars().any(is_unsafe), "{shown}");
        let back: Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(back["detail"], "a\u{7f}b\u{85}c");
    }

    #[test]
    fn a_trace_shows_headers_and_body_on_lines_of_their_own() {
        let mut headers = http::HeaderMap::new();
        headers.insert("x-echo", "Bearer s3cr3t-token".parse().unwrap());
        let body = br#"{"n":1,"note":"s3cr3t-token"}"#;
        let text = trace('<', "200", &headers, Some(body)).replace("s3cr3t-token", REDACTED);
        assert_eq!(
            text,
            "< 200\n< x-echo: Bearer <redacted>\n<\n< {\"n\":1,\"note\":\"<redacted>\"}\n"
        );
    }
}
