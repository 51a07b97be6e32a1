// POST, so the field left without a placeholder is a body member: on GET a follow-on error
// is reported as well (see ../pending/follow_on_after_template_error.rs).
use atlas_runtime::atlas_endpoint;

mod never_closed {
    use super::*;

    #[atlas_endpoint(POST, "/orgs/{orgId")]
    pub struct CreateTeam {
        pub org_id: String,
    }
}

mod never_opened {
    use super::*;

    #[atlas_endpoint(POST, "/orgs/orgId}")]
    pub struct CreateTeam {
        pub org_id: String,
    }
}

fn main() {}
