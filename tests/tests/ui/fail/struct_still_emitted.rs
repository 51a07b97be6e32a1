use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(GET, "/orgs/{orgId}", version = "latest")]
#[derive(Debug, Clone)]
pub struct Bad {
    pub org_id: String,
    #[atlas(query)]
    pub items_per_page: Option<i32>,
}

fn f(x: &Bad) -> &str {
    &x.org_id
}

fn g() -> Bad {
    Bad { org_id: String::new(), items_per_page: Some(1) }.clone()
}

fn main() {
    let bad = g();
    println!("{} {:?}", f(&bad), bad);
}
