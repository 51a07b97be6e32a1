// POST, so the rejected fields are body members: on GET follow-on errors are reported as
// well (see ../pending/follow_on_rejected_field_attribute.rs).
use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(POST, "/orgs/{orgId}/teams")]
pub struct CreateTeam {
    pub org_id: String,
    #[atlas(header)]
    pub request_id: Option<String>,
    #[atlas(header = "X Trace Id")]
    pub trace_id: Option<String>,
}

fn main() {}
