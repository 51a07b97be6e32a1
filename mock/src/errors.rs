//! Atlas's error document, `ApiError`: `{detail, error, errorCode, parameters, reason}`
//! and, for requests with field-level problems, `badRequestDetail.fields`.
//!
//! The error codes in use are listed in the crate documentation ("Errors").

use serde_json::{Map, Value, json};

/// An Atlas error response, before it is encoded.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub(crate) status: u16,
    pub(crate) code: &'static str,
    pub(crate) detail: String,
    pub(crate) parameters: Vec<Value>,
    pub(crate) fields: Vec<(String, String)>,
    pub(crate) headers: Vec<(String, String)>,
}

impl ApiError {
    pub(crate) fn new(status: u16, code: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            detail: detail.into(),
            parameters: Vec::new(),
            fields: Vec::new(),
            headers: Vec::new(),
        }
    }

    /// Adds one entry to `parameters`.
    pub(crate) fn param(mut self, value: impl Into<Value>) -> ApiError {
        self.parameters.push(value.into());
        self
    }

    /// Adds one entry to `badRequestDetail.fields`.
    pub(crate) fn field(
        mut self,
        field: impl Into<String>,
        description: impl Into<String>,
    ) -> Self {
        self.fields.push((field.into(), description.into()));
        self
    }

    /// Adds a response header.
    pub(crate) fn header(mut self, name: &str, value: impl Into<String>) -> ApiError {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// A `VALIDATION_ERROR` naming one field and what is wrong with it.
    pub(crate) fn validation(field: &str, description: impl Into<String>) -> ApiError {
        let description = description.into();
        ApiError::new(
            400,
            "VALIDATION_ERROR",
            format!("Invalid value for {field}: {description}."),
        )
        .param(field)
        .field(field, description)
    }

    /// `INVALID_ATTRIBUTE`: an unknown field or a field of the wrong type.
    pub(crate) fn invalid_attribute(field: &str) -> ApiError {
        ApiError::new(
            400,
            "INVALID_ATTRIBUTE",
            format!("Invalid attribute {field} specified."),
        )
        .param(field)
    }

    /// `MISSING_ATTRIBUTE`: a required field is absent.
    pub(crate) fn missing_attribute(field: &str) -> ApiError {
        ApiError::new(
            400,
            "MISSING_ATTRIBUTE",
            format!("The required attribute {field} was not specified."),
        )
        .param(field)
    }

    /// `RESOURCE_NOT_FOUND` for a path the emulator does not serve.
    pub(crate) fn no_such_path(path: &str) -> ApiError {
        ApiError::new(
            404,
            "RESOURCE_NOT_FOUND",
            format!("Cannot find resource {path}."),
        )
        .param(path)
    }

    /// A 500 for a bug in the emulator.
    pub(crate) fn unexpected() -> ApiError {
        ApiError::new(
            500,
            "UNEXPECTED_ERROR",
            "Unexpected error in the Atlas emulator.",
        )
    }

    /// The JSON document, keys in Atlas's (alphabetical) order.
    pub(crate) fn body(&self) -> Value {
        let mut doc = Map::new();
        if !self.fields.is_empty() {
            let fields: Vec<Value> = self
                .fields
                .iter()
                .map(|(field, description)| json!({"description": description, "field": field}))
                .collect();
            doc.insert("badRequestDetail".into(), json!({ "fields": fields }));
        }
        doc.insert("detail".into(), Value::String(self.detail.clone()));
        doc.insert("error".into(), Value::from(self.status));
        doc.insert("errorCode".into(), Value::String(self.code.to_owned()));
        doc.insert("parameters".into(), Value::Array(self.parameters.clone()));
        doc.insert(
            "reason".into(),
            Value::String(reason(self.status).to_owned()),
        );
        Value::Object(doc)
    }
}

/// The standard reason phrase of a status code.
pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        417 => "Expectation Failed",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_every_field_of_the_schema() {
        let e = ApiError::validation("name", "length must be between 1 and 64");
        let body = e.body();
        assert_eq!(body["error"], 400);
        assert_eq!(body["errorCode"], "VALIDATION_ERROR");
        assert_eq!(body["reason"], "Bad Request");
        assert_eq!(body["parameters"], json!(["name"]));
        assert_eq!(body["badRequestDetail"]["fields"][0]["field"], "name");
        assert!(body["detail"].as_str().unwrap().contains("name"));
        let plain = ApiError::new(404, "ORG_NOT_FOUND", "x").body();
        assert!(plain.get("badRequestDetail").is_none());
        assert_eq!(plain["reason"], "Not Found");
    }
}
