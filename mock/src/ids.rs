//! Identifiers and credentials in Atlas's formats, from the operating system's randomness.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use sha2::{Digest as _, Sha256};

const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// Fills `buf` with random bytes: `getrandom`, or (should the OS refuse) SHA-256 over the
/// time, a counter and the thread, which is unpredictable enough for a test server.
pub(crate) fn fill_random(buf: &mut [u8]) {
    if getrandom::getrandom(buf).is_ok() {
        return;
    }
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    for chunk in buf.chunks_mut(32) {
        let mut hasher = Sha256::new();
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        hasher.update(nanos.to_le_bytes());
        hasher.update(COUNTER.fetch_add(1, Ordering::Relaxed).to_le_bytes());
        hasher.update(format!("{:?}", std::thread::current().id()).as_bytes());
        let digest = hasher.finalize();
        chunk.copy_from_slice(&digest[..chunk.len()]);
    }
}

/// Lowercase hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// SHA-256 of `data`.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// A 24-hex-digit ObjectId: 4 bytes of seconds since the epoch, 8 random bytes.
pub(crate) fn object_id() -> String {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let mut bytes = [0u8; 12];
    bytes[..4].copy_from_slice(&u32::try_from(secs).unwrap_or(u32::MAX).to_be_bytes());
    fill_random(&mut bytes[4..]);
    hex(&bytes)
}

/// A service account's client id: `mdb_sa_id_` and an ObjectId.
pub(crate) fn client_id() -> String {
    format!("mdb_sa_id_{}", object_id())
}

/// `n` random characters from `[A-Za-z0-9]` (rejection sampling: no modulo bias).
fn alphanumeric(n: usize) -> String {
    let mut out = String::with_capacity(n);
    while out.len() < n {
        let mut buf = [0u8; 64];
        fill_random(&mut buf);
        for b in buf {
            // 248 = 4 * 62: bytes at or above it would favour the first characters.
            if b < 248 && out.len() < n {
                out.push(char::from(ALPHANUMERIC[usize::from(b % 62)]));
            }
        }
    }
    out
}

/// A service account secret: `mdb_sa_sk_` and 40 random alphanumeric characters.
pub(crate) fn client_secret() -> String {
    format!("mdb_sa_sk_{}", alphanumeric(40))
}

/// An opaque access token (256 random bits, base64url).
pub(crate) fn access_token() -> String {
    let mut bytes = [0u8; 32];
    fill_random(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A Digest nonce (192 random bits, base64).
pub(crate) fn nonce() -> String {
    let mut bytes = [0u8; 24];
    fill_random(&mut bytes);
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A programmatic API key's public part: 8 lowercase letters, as Atlas issues them.
pub(crate) fn public_api_key() -> String {
    alphanumeric(64)
        .chars()
        .filter(char::is_ascii_lowercase)
        .chain(std::iter::repeat('x'))
        .take(8)
        .collect()
}

/// A programmatic API key's private part: a random (version 4) UUID, as Atlas issues them.
pub(crate) fn private_api_key() -> String {
    let mut b = [0u8; 16];
    fill_random(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let id = object_id();
        assert_eq!(id.len(), 24);
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
        let cid = client_id();
        assert!(cid.starts_with("mdb_sa_id_") && cid.len() == 34);
        let secret = client_secret();
        assert!(secret.starts_with("mdb_sa_sk_") && secret.len() == 50);
        assert_ne!(client_secret(), secret);
        let public = public_api_key();
        assert_eq!(public.len(), 8);
        assert!(public.bytes().all(|b| b.is_ascii_lowercase()));
        let private = private_api_key();
        assert_eq!(private.len(), 36);
        assert_eq!(&private[14..15], "4");
    }

    #[test]
    fn hex_encodes() {
        assert_eq!(hex(&[0x00, 0xab, 0x0f]), "00ab0f");
    }
}
