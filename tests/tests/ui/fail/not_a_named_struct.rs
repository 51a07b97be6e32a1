// The tuple struct's template has no placeholder: with one, a follow-on error is reported
// as well (see ../pending/follow_on_tuple_struct.rs).
use atlas_runtime::atlas_endpoint;

mod on_an_enum {
    use super::*;

    #[atlas_endpoint(GET, "/orgs")]
    pub enum ListOrgs {
        All,
    }
}

mod on_a_union {
    use super::*;

    #[atlas_endpoint(GET, "/orgs")]
    pub union ListOrgs {
        a: u32,
    }
}

mod on_a_tuple_struct {
    use super::*;

    #[atlas_endpoint(GET, "/orgs")]
    pub struct ListOrgs(pub String);
}

fn main() {}
