use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(GET, "/orgs/{orgId}", version = "2024-08-05",
    tag = "", short_id = "create-secret", docs = "http://example.com",
    sunset = "2025-02-30", roles("Organization Owner", "Organization Owner"))]
pub struct GetOrg {
    pub org_id: String,
}

#[atlas_endpoint(GET, "/orgs/{orgId}", version = "2024-08-05",
    sunset = "preview", roles(), roles = "x", tags = "Orgs")]
pub struct GetOrg2 {
    pub org_id: String,
}

fn main() {}
