// POST, so the field left without a placeholder is a body member: on GET a follow-on error
// is reported as well (see ../pending/follow_on_after_template_error.rs).
use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(POST, "/orgs/{org-id}/teams")]
pub struct CreateTeam {
    pub org_id: String,
}

fn main() {}
