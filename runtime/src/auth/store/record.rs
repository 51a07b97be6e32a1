//! The stored forms of a token and of a shared failure, common to the file and Redis
//! stores: JSON naming the key it belongs to, so that a record is never read as another
//! key's.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use secrecy::ExposeSecret as _;
use serde::{Deserialize, Serialize};

use super::{SharedFailure, TokenKey};
use crate::auth::oauth::AccessToken;
use crate::error::AuthErrorKind;

/// The record format; a record of another version is ignored (the token is fetched anew).
const VERSION: u32 = 1;

/// The largest record read back; a larger one is not a record of ours.
pub(crate) const MAX_RECORD_BYTES: usize = 64 * 1024;

#[derive(Serialize, Deserialize)]
struct Record {
    v: u32,
    token_url: String,
    client_id: String,
    access_token: String,
    issued_at_ms: u64,
    expires_at_ms: u64,
}

fn millis(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// `token` as stored for `key`.
pub(crate) fn encode(key: &TokenKey, token: &AccessToken) -> Vec<u8> {
    let record = Record {
        v: VERSION,
        token_url: key.token_url().to_owned(),
        client_id: key.client_id().to_owned(),
        access_token: token.secret().expose_secret().to_owned(),
        issued_at_ms: millis(token.issued_at()),
        expires_at_ms: millis(token.expires_at()),
    };
    serde_json::to_vec(&record).unwrap_or_default()
}

/// The token in `bytes`, if they are a record of ours for `key`.
pub(crate) fn decode(key: &TokenKey, bytes: &[u8]) -> Option<AccessToken> {
    if bytes.len() > MAX_RECORD_BYTES {
        return None;
    }
    let record: Record = serde_json::from_slice(bytes).ok()?;
    if record.v != VERSION
        || record.token_url != key.token_url()
        || record.client_id != key.client_id()
    {
        return None;
    }
    let at = |ms: u64| UNIX_EPOCH.checked_add(Duration::from_millis(ms));
    Some(AccessToken::new(
        record.access_token,
        at(record.issued_at_ms)?,
        at(record.expires_at_ms)?,
    ))
}

#[derive(Serialize, Deserialize)]
struct FailureRecord {
    v: u32,
    token_url: String,
    client_id: String,
    /// `refused` or `rate_limited`: the only kinds shared.
    kind: String,
    status: Option<u16>,
    message: String,
    until_ms: u64,
}

/// `failure` as stored for `key`; `None` for a kind that is never shared.
pub(crate) fn encode_failure(key: &TokenKey, failure: &SharedFailure) -> Option<Vec<u8>> {
    let kind = match failure.kind() {
        AuthErrorKind::Refused => "refused",
        AuthErrorKind::RateLimited => "rate_limited",
        _ => return None,
    };
    let record = FailureRecord {
        v: VERSION,
        token_url: key.token_url().to_owned(),
        client_id: key.client_id().to_owned(),
        kind: kind.to_owned(),
        status: failure.status(),
        message: failure.message().to_owned(),
        until_ms: millis(failure.until()),
    };
    serde_json::to_vec(&record).ok()
}

/// The failure in `bytes`, if they are a failure record of ours for `key`.
pub(crate) fn decode_failure(key: &TokenKey, bytes: &[u8]) -> Option<SharedFailure> {
    if bytes.len() > MAX_RECORD_BYTES {
        return None;
    }
    let record: FailureRecord = serde_json::from_slice(bytes).ok()?;
    if record.v != VERSION
        || record.token_url != key.token_url()
        || record.client_id != key.client_id()
    {
        return None;
    }
    let kind = match record.kind.as_str() {
        "refused" => AuthErrorKind::Refused,
        "rate_limited" => AuthErrorKind::RateLimited,
        _ => return None,
    };
    let until = UNIX_EPOCH.checked_add(Duration::from_millis(record.until_ms))?;
    Some(SharedFailure::new(
        kind,
        record.status,
        record.message,
        until,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_round_trips_only_for_its_own_key() {
        let key = TokenKey::new("http://127.0.0.1:1/api/oauth/token", "mdb_sa_id_1");
        let now = UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
        let token = AccessToken::new("tok", now, now + Duration::from_secs(3600));
        let bytes = encode(&key, &token);
        let back = decode(&key, &bytes).expect("decodes");
        assert_eq!(back.secret().expose_secret(), "tok");
        assert_eq!(back.expires_at(), token.expires_at());
        assert_eq!(back.issued_at(), now);
        let other = TokenKey::new("http://127.0.0.1:2/api/oauth/token", "mdb_sa_id_1");
        assert!(decode(&other, &bytes).is_none());
        assert!(decode(&key, b"{not json").is_none());
        assert!(decode(&key, &[b' '; MAX_RECORD_BYTES + 1]).is_none());
    }

    #[test]
    fn a_failure_round_trips_only_for_its_own_key_and_shared_kinds() {
        let key = TokenKey::new("http://127.0.0.1:1/api/oauth/token", "mdb_sa_id_1");
        let until = UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
        let failure = SharedFailure::new(AuthErrorKind::Refused, Some(401), "no", until);
        let bytes = encode_failure(&key, &failure).unwrap();
        assert_eq!(decode_failure(&key, &bytes), Some(failure));
        let other = TokenKey::new("http://127.0.0.1:1/api/oauth/token", "mdb_sa_id_2");
        assert!(decode_failure(&other, &bytes).is_none());
        assert!(decode(&key, &bytes).is_none(), "not a token");
        let unshared = SharedFailure::new(AuthErrorKind::Unreachable, None, "x", until);
        assert!(encode_failure(&key, &unshared).is_none());
    }
}
