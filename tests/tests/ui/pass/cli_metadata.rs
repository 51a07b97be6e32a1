//! The descriptive keys reach `EndpointInfo`, and each field's type gives its `ValueKind`.

use atlas_runtime::{Patch, atlas_endpoint, implement::ValueKind};

#[atlas_endpoint(PATCH, "/orgs/{orgId}/things/{thingId}", version = "2024-08-05",
    operation_id = "updateOrgThing", tag = "Things", short_id = "updateThing",
    docs = "https://example.com/docs/updateOrgThing", sunset = "2026-03-01",
    roles("Organization Owner", "Organization Member"))]
pub struct UpdateOrgThing {
    pub org_id: atlas_runtime::OrgId,
    pub thing_id: u64,
    #[atlas(query)]
    pub pretty: Option<bool>,
    #[atlas(query)]
    pub tags: Vec<String>,
    pub ratio: Option<f64>,
    pub name: Patch<String>,
    pub settings: Option<serde_json::Value>,
}

fn main() {
    let info = UpdateOrgThing::INFO;
    assert_eq!(info.tag, Some("Things"));
    assert_eq!(info.short_id, Some("updateThing"));
    assert_eq!(info.docs, Some("https://example.com/docs/updateOrgThing"));
    assert_eq!(info.sunset, Some("2026-03-01"));
    assert_eq!(info.roles, ["Organization Owner", "Organization Member"]);
    let kinds: Vec<ValueKind> = info.params.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [
            ValueKind::Text,
            ValueKind::Integer,
            ValueKind::Bool,
            ValueKind::Array(&ValueKind::Text),
            ValueKind::Number,
            ValueKind::Text,
            ValueKind::Json,
        ]
    );
}
