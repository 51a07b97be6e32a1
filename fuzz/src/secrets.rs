//! The redaction invariant: what an error shows never holds a value that the body put
//! under a secret-bearing JSON member.
//!
//! Checked by difference, which needs no copy of the runtime's rules beyond the key list:
//! the same JSON body is decoded twice, as given and with every string under a sensitive
//! key replaced by `x`s of the same serialized length (so that positions in serde's
//! messages do not move). Whatever the error says about the rest of the body is then the
//! same in both; a secret value that shows up more often in the first one leaked.

use serde_json::Value;

use crate::count;

/// The runtime's list, from its one home: the leak checks are weaker with fewer keys, and
/// `api_error` expects broken JSON naming any of these to be scrubbed, and anything else
/// kept as is.
pub use atlas_rules::sensitive::SENSITIVE_KEYS;

/// Every string value inside the value of a sensitive member, anywhere in `value`.
pub fn secret_strings(value: &Value) -> Vec<String> {
    fn all_strings(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::String(s) => out.push(s.clone()),
            Value::Array(items) => items.iter().for_each(|v| all_strings(v, out)),
            Value::Object(map) => map.values().for_each(|v| all_strings(v, out)),
            _ => {}
        }
    }
    fn walk(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    if SENSITIVE_KEYS.iter().any(|s| s.eq_ignore_ascii_case(k)) {
                        all_strings(v, out);
                    } else {
                        walk(v, out);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut out);
    out
}

/// `value` with every string inside a sensitive member replaced by `x`s, as many as its
/// JSON form (without quotes) has bytes.
pub fn blanked(value: &Value) -> Value {
    fn blank_all(value: &mut Value) {
        match value {
            Value::String(s) => {
                let len = serde_json::to_string(s).map_or(s.len() + 2, |j| j.len()) - 2;
                *s = "x".repeat(len);
            }
            Value::Array(items) => items.iter_mut().for_each(blank_all),
            Value::Object(map) => map.values_mut().for_each(blank_all),
            _ => {}
        }
    }
    fn walk(value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (k, v) in map.iter_mut() {
                    if SENSITIVE_KEYS.iter().any(|s| s.eq_ignore_ascii_case(k)) {
                        blank_all(v);
                    } else {
                        walk(v);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    let mut value = value.clone();
    walk(&mut value);
    value
}

/// The secrets worth looking for: long enough not to be found by chance in fixed text
/// (type names, serde's messages), and not all `x` (the stand-in).
pub fn needles(secrets: &[String]) -> Vec<String> {
    let mut out: Vec<String> = secrets
        .iter()
        .filter(|s| s.chars().count() >= 4 && s.chars().any(|c| c != 'x'))
        .flat_map(|s| {
            // As is, and as `{:?}` writes it (serde's "invalid type: string \"…\"",
            // DecodeError's body excerpt).
            let debug = format!("{s:?}");
            let debug = debug[1..debug.len() - 1].to_string();
            [s.clone(), debug]
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Panics when `shown` (what the real body produced) holds a needle more often than
/// `baseline` (what the blanked body produced).
pub fn assert_no_leak(what: &str, needles: &[String], shown: &str, baseline: &str) {
    for needle in needles {
        let (n, base) = (count(shown, needle), count(baseline, needle));
        assert!(
            n <= base,
            "{what}: the secret value {needle:?} shows {n} time(s) (the same body with \
             secrets blanked shows it {base} time(s)):\n{shown}\n--- blanked:\n{baseline}"
        );
    }
}
