//! A broken template is reported once, on the literal, with no follow-on errors on the
//! fields (which could not be bound to its placeholders).

use atlas_runtime::atlas_endpoint;

mod never_closed {
    use super::*;

    #[atlas_endpoint(GET, "/orgs/{orgId")]
    pub struct GetOrg {
        pub org_id: String,
    }
}

mod never_opened {
    use super::*;

    #[atlas_endpoint(GET, "/orgs/orgId}")]
    pub struct GetOrg {
        pub org_id: String,
    }
}

mod empty {
    use super::*;

    #[atlas_endpoint(DELETE, "/orgs/{}")]
    pub struct DeleteOrg {
        pub org_id: String,
    }
}

mod not_a_name {
    use super::*;

    #[atlas_endpoint(GET, "/orgs/{org-id}")]
    pub struct GetOrg {
        pub org_id: String,
    }
}

fn main() {}
