use atlas_runtime::atlas_endpoint;

mod short_month_and_day {
    use super::*;

    #[atlas_endpoint(GET, "/orgs/{orgId}", version = "2024-8-5")]
    pub struct GetOrg {
        pub org_id: String,
    }
}

mod no_such_month {
    use super::*;

    #[atlas_endpoint(GET, "/orgs/{orgId}", version = "2024-13-01")]
    pub struct GetOrg {
        pub org_id: String,
    }
}

mod not_a_date {
    use super::*;

    #[atlas_endpoint(GET, "/orgs/{orgId}", version = "latest")]
    pub struct GetOrg {
        pub org_id: String,
    }
}

fn main() {}
