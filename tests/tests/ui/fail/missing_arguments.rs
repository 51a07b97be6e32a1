use atlas_runtime::atlas_endpoint;

mod nothing {
    use super::*;

    #[atlas_endpoint]
    pub struct ListOrgs;
}

mod no_template {
    use super::*;

    #[atlas_endpoint(GET)]
    pub struct ListOrgs;
}

mod no_method {
    use super::*;

    #[atlas_endpoint("/orgs")]
    pub struct ListOrgs;
}

fn main() {}
