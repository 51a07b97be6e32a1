//! Finding a secret in captured logs the way an attacker reading them would.
//!
//! ureq-proto logs every byte on the wire at TRACE (`ureq_proto::util`), 16 bytes per
//! record, as hex pairs and a printable column:
//!
//! ```text
//! 4745 5420 2f61 7069 2f61 746c 6173 2f76  GET./api/atlas/v
//! ```
//!
//! A secret split over two records is in no record whole, so searching record by record
//! finds nothing. [`reassemble`] turns the records back into the bytes they show, and
//! [`forms`] lists what else a secret looks like on the wire (base64 at any alignment,
//! percent-encoded, the HTTP Basic encoding of `id:secret`), so a search covers them all.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};

/// Bytes per hex-dump record.
const ROW: usize = 16;

/// The bytes one ureq-proto hex-dump record shows, or `None` if `message` is not one.
///
/// A record is 8 groups of two hex pairs, each group followed by a space (`--` for the
/// missing bytes of the last record), a space, and 16 printable characters.
pub fn hex_row(message: &str) -> Option<Vec<u8>> {
    let b = message.as_bytes();
    if b.len() != ROW * 2 + ROW / 2 + 1 + ROW || b[ROW * 2 + ROW / 2] != b' ' {
        return None;
    }
    let mut bytes = Vec::with_capacity(ROW);
    let mut ended = false;
    for i in 0..ROW {
        let at = i * 2 + i / 2;
        if i % 2 == 1 && b[at + 2] != b' ' {
            return None;
        }
        match &b[at..at + 2] {
            b"--" => ended = true,
            pair if !ended => bytes.push(hex(pair[0])? << 4 | hex(pair[1])?),
            _ => return None,
        }
    }
    let printable = &b[ROW * 2 + ROW / 2 + 1..];
    printable
        .iter()
        .all(|c| c.is_ascii_graphic())
        .then_some(bytes)
}

fn hex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

/// Every hex-dump record among `messages`, in order, turned back into one byte stream.
///
/// Other records in between are skipped, so a secret split across two writes (or
/// across a record of another kind) is whole again. Give it the records of one thread:
/// ureq is blocking, so one thread's records are one connection's bytes in order.
pub fn reassemble<'a>(messages: impl IntoIterator<Item = &'a str>) -> Vec<u8> {
    messages.into_iter().filter_map(hex_row).flatten().collect()
}

/// One form of a secret to search for, named for the failure message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needle {
    /// What it is: `client secret (base64, offset 1)`.
    pub label: String,
    /// What it looks like.
    pub bytes: Vec<u8>,
}

/// The forms `secret` takes on the wire and in logs: as is; percent-encoded (as in a
/// form body or a path segment); and base64, standard and URL-safe, at each of the three
/// alignments it can have inside a longer encoded text (the characters that depend on
/// the neighbouring bytes left out).
pub fn forms(label: &str, secret: &str) -> Vec<Needle> {
    let mut out = vec![Needle {
        label: label.to_string(),
        bytes: secret.as_bytes().to_vec(),
    }];
    let encoded = utf8_percent_encode(secret, NON_ALPHANUMERIC).to_string();
    if encoded != secret {
        out.push(Needle {
            label: format!("{label} (percent-encoded)"),
            bytes: encoded.into_bytes(),
        });
    }
    let form: String = url_form(secret);
    if form != secret {
        out.push(Needle {
            label: format!("{label} (form-urlencoded)"),
            bytes: form.into_bytes(),
        });
    }
    for (alphabet, engine) in [("base64", STANDARD_NO_PAD), ("base64url", URL_SAFE_NO_PAD)] {
        for offset in 0..3 {
            if let Some(core) = base64_core(&engine, secret.as_bytes(), offset) {
                out.push(Needle {
                    label: format!("{label} ({alphabet}, offset {offset})"),
                    bytes: core.into_bytes(),
                });
            }
        }
    }
    out.dedup_by(|a, b| a.bytes == b.bytes);
    out
}

/// The HTTP Basic credentials for `id` and `secret`: `base64(id:secret)`, and the same
/// with both form-urlencoded first, as OAuth 2.0 (RFC 6749 §2.3.1) asks.
pub fn basic(label: &str, id: &str, secret: &str) -> Vec<Needle> {
    let plain = STANDARD_NO_PAD.encode(format!("{id}:{secret}"));
    let encoded = STANDARD_NO_PAD.encode(format!("{}:{}", url_form(id), url_form(secret)));
    let mut out = vec![Needle {
        label: format!("{label} (Basic id:secret)"),
        bytes: plain.into_bytes(),
    }];
    if encoded.as_bytes() != out[0].bytes {
        out.push(Needle {
            label: format!("{label} (Basic, form-urlencoded id:secret)"),
            bytes: encoded.into_bytes(),
        });
    }
    out
}

/// The first needle found in `haystack`, and where.
pub fn find<'n>(haystack: &[u8], needles: &'n [Needle]) -> Option<(&'n Needle, usize)> {
    needles
        .iter()
        .filter(|n| !n.bytes.is_empty())
        .find_map(|n| {
            haystack
                .windows(n.bytes.len())
                .position(|w| w == n.bytes)
                .map(|at| (n, at))
        })
}

/// `application/x-www-form-urlencoded`: unreserved bytes kept, space as `+`.
fn url_form(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => {
                char::from(b).to_string()
            }
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The base64 characters of `secret` that do not depend on its neighbours when it starts
/// `offset` bytes (mod 3) into the encoded text; `None` when too short to leave any.
fn base64_core(engine: &impl base64::Engine, secret: &[u8], offset: usize) -> Option<String> {
    let mut padded = vec![0u8; offset];
    padded.extend_from_slice(secret);
    let encoded = engine.encode(&padded);
    // Whole 3-byte groups made of secret bytes only, each 4 characters.
    let first = offset.div_ceil(3);
    let last = padded.len() / 3;
    (last > first + 1).then(|| encoded[first * 4..last * 4].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows as ureq-proto 0.7 writes them (`util::log_data`), for `bytes`.
    fn dump(bytes: &[u8]) -> Vec<String> {
        bytes
            .chunks(ROW)
            .map(|row| {
                let mut s = String::new();
                for i in 0..ROW {
                    match row.get(i) {
                        Some(b) => s.push_str(&format!("{b:02x}")),
                        None => s.push_str("--"),
                    }
                    if i % 2 == 1 {
                        s.push(' ');
                    }
                }
                s.push(' ');
                for i in 0..ROW {
                    s.push(match row.get(i) {
                        Some(b) if b.is_ascii_alphanumeric() || b.is_ascii_punctuation() => {
                            char::from(*b)
                        }
                        _ => '.',
                    });
                }
                s
            })
            .collect()
    }

    const SECRET: &str = "mdb_sa_sk_SPLIT-ACROSS-ROWS-0123";

    #[test]
    fn a_row_is_read_back() {
        assert_eq!(
            hex_row("4745 5420 2f61 7069 2f61 746c 6173 2f76  GET./api/atlas/v").as_deref(),
            Some(&b"GET /api/atlas/v"[..])
        );
        assert_eq!(
            hex_row("0d0a 0d0a ---- ---- ---- ---- ---- ----  ................").as_deref(),
            Some(&b"\r\n\r\n"[..])
        );
        for not_a_row in [
            "",
            "access token fetched",
            "4745 5420 2f61 7069 2f61 746c 6173 2f76 GET./api/atlas/v",
            "4745 5420 2f61 7069 2f61 746c 6173 2f7  GET./api/atlas/v.",
            "47-- 5420 2f61 7069 2f61 746c 6173 2f76  GET./api/atlas/v",
            "4745 5420 2F61 7069 2f61 746c 6173 2f76  GET./api/atlas/v",
        ] {
            assert_eq!(hex_row(not_a_row), None, "{not_a_row:?}");
        }
    }

    #[test]
    fn a_secret_split_over_rows_is_found_once_reassembled() {
        let wire = format!("POST /api/oauth/token HTTP/1.1\r\nx-secret: {SECRET}\r\n\r\n");
        let rows = dump(wire.as_bytes());
        let needles = forms("secret", SECRET);
        // No single record holds it, in any form: what a record-by-record search missed.
        for row in &rows {
            assert_eq!(find(row.as_bytes(), &needles), None, "{row}");
        }
        // Interleaved with other records, as in a real log.
        let mut log: Vec<String> = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            log.push(row.clone());
            if i == 2 {
                log.push("DEBUG a record of another kind".into());
            }
        }
        let bytes = reassemble(log.iter().map(String::as_str));
        assert_eq!(bytes, wire.as_bytes());
        let (needle, at) = find(&bytes, &needles).expect("found once reassembled");
        assert_eq!(needle.label, "secret");
        assert_eq!(&bytes[at..at + SECRET.len()], SECRET.as_bytes());
    }

    #[test]
    fn base64_is_found_at_any_alignment_and_basic_as_sent() {
        let needles = forms("secret", SECRET);
        for prefix in ["", "a", "ab", "abc", "Authorization: Basic x"] {
            let text = STANDARD_NO_PAD.encode(format!("{prefix}{SECRET}!"));
            assert!(find(text.as_bytes(), &needles).is_some(), "{prefix:?}");
            let text = URL_SAFE_NO_PAD.encode(format!("{prefix}{SECRET}"));
            assert!(find(text.as_bytes(), &needles).is_some(), "{prefix:?}");
        }
        let header = format!(
            "Authorization: Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("id-1:{SECRET}"))
        );
        assert!(find(header.as_bytes(), &basic("secret", "id-1", SECRET)).is_some());
        assert_eq!(find(b"nothing secret here", &needles), None);
    }

    #[test]
    fn percent_encoded_forms_are_listed() {
        let needles = forms("secret", "a b/c+d");
        let listed: Vec<&[u8]> = needles.iter().map(|n| n.bytes.as_slice()).collect();
        assert!(listed.contains(&&b"a%20b%2Fc%2Bd"[..]), "{needles:?}");
        assert!(listed.contains(&&b"a+b%2Fc%2Bd"[..]), "{needles:?}");
    }
}
