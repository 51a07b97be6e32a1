//! Answers scripted by a test for any operation ([`MockAtlas::on`](crate::MockAtlas::on)):
//! the request is authenticated, routed and validated as usual, then the script decides
//! the answer instead of the state or the example.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, RwLock};

use serde_json::Value;

/// A validated request handed to a script.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ScriptedRequest {
    /// The spec's operationId, e.g. `createGroupCluster`.
    pub operation_id: String,
    /// The HTTP method.
    pub method: String,
    /// The request path as sent (percent-encoded).
    pub path: String,
    /// Path values by name, decoded.
    pub path_params: Vec<(String, String)>,
    /// Query pairs, decoded, in order.
    pub query: Vec<(String, String)>,
    /// The version served (`2024-08-05`, or `preview`).
    pub version: String,
    /// The JSON body, when the operation takes one and it was sent.
    pub body: Option<Value>,
}

impl ScriptedRequest {
    /// A path value by name (`"groupId"`).
    pub fn path_param(&self, name: &str) -> Option<&str> {
        self.path_params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What a script answers. JSON bodies get the served version's media type unless a
/// `Content-Type` header says otherwise.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptedResponse {
    pub(crate) status: u16,
    pub(crate) body: Option<Value>,
    pub(crate) headers: Vec<(String, String)>,
}

impl ScriptedResponse {
    /// A JSON answer.
    pub fn json(status: u16, body: Value) -> ScriptedResponse {
        ScriptedResponse {
            status,
            body: Some(body),
            headers: Vec::new(),
        }
    }

    /// An answer without a body (e.g. 204, or 202 for a long operation).
    pub fn empty(status: u16) -> ScriptedResponse {
        ScriptedResponse {
            status,
            body: None,
            headers: Vec::new(),
        }
    }

    /// An Atlas error document (`ApiError`) with this status and `errorCode`.
    pub fn error(status: u16, error_code: &str, detail: &str) -> ScriptedResponse {
        let reason = http::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Error");
        ScriptedResponse::json(
            status,
            serde_json::json!({
                "detail": detail,
                "error": status,
                "errorCode": error_code,
                "parameters": [],
                "reason": reason,
            }),
        )
        .header("Content-Type", "application/json")
    }

    /// Adds a response header.
    pub fn header(mut self, name: &str, value: &str) -> ScriptedResponse {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

/// Why a script could not be registered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScriptError {
    /// No operation of the spec has this operationId, or this method and path template.
    UnknownOperation(String),
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScriptError::UnknownOperation(name) => write!(
                f,
                "no operation {name:?} in the Atlas API (give an operationId or \"METHOD /path/{{template}}\")"
            ),
        }
    }
}

impl std::error::Error for ScriptError {}

/// A script.
pub(crate) type Handler = dyn Fn(&ScriptedRequest) -> ScriptedResponse + Send + Sync;

/// Scripts by operation index.
#[derive(Default)]
pub(crate) struct Scripts {
    by_op: RwLock<HashMap<usize, Arc<Handler>>>,
}

impl fmt::Debug for Scripts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scripts").finish_non_exhaustive()
    }
}

impl Scripts {
    pub(crate) fn set(&self, op: usize, handler: Arc<Handler>) {
        self.write().insert(op, handler);
    }

    pub(crate) fn get(&self, op: usize) -> Option<Arc<Handler>> {
        let map = self
            .by_op
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.get(&op).cloned()
    }

    pub(crate) fn remove(&self, op: usize) {
        self.write().remove(&op);
    }

    pub(crate) fn clear(&self) {
        self.write().clear();
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<usize, Arc<Handler>>> {
        self.by_op
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
