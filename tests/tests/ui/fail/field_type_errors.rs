//! Field-level mistakes the type system finds: a `default` field whose type has no
//! `Default` (on the type), a body member that is not `Serialize`, a field whose setter
//! would clash with the generated `send` (on the field), and `response =` without a type.

use atlas_runtime::atlas_endpoint;

pub struct Plain;

#[atlas_endpoint(POST, "/orgs/{orgId}")]
pub struct DefaultMissing {
    pub org_id: String,
    #[atlas(default)]
    pub plain: Plain,
}

#[atlas_endpoint(POST, "/orgs/{orgId}/a")]
pub struct MemberNotSerialize {
    pub org_id: String,
    pub member: Plain,
}

#[atlas_endpoint(POST, "/orgs/{orgId}/b")]
pub struct WholeBodyNotSerialize {
    pub org_id: String,
    #[atlas(body)]
    pub whole: Plain,
}

#[atlas_endpoint(GET, "/orgs/{orgId}/c")]
pub struct SetterClash {
    pub org_id: String,
    #[atlas(query)]
    pub send: Option<bool>,
}

#[atlas_endpoint(GET, "/orgs/{orgId}/d", response = )]
pub struct NoResponseType {
    pub org_id: String,
}

fn main() {}
