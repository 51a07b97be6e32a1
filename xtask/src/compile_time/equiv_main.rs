//! Checks that the hand-written endpoints behave as the generated ones: the same request
//! for valid input, the same violations (as text, in any order) for invalid input. Run by
//! `cargo xtask compile-time scaling` before measuring.

use atlas_runtime::{Endpoint, RequestOptions, implement::{build_request, RequestContext}};
fn cmp<A: Endpoint, B: Endpoint>(a: &A, b: &B, label: &str) {
    let (c, o) = (RequestContext::default(), RequestOptions::default());
    let ra = build_request(a, &c, &o);
    let rb = build_request(b, &c, &o);
    match (ra, rb) {
        (Ok(x), Ok(y)) => { assert_eq!(x.uri(), y.uri(), "{label}"); assert_eq!(x.headers(), y.headers(), "{label}"); assert_eq!(x.body(), y.body(), "{label}"); assert_eq!(x.method(), y.method()); println!("{label}: same request {}", x.uri()); }
        (Err(atlas_runtime::Error::Validation(x)), Err(atlas_runtime::Error::Validation(y))) => {
            let mut vx: Vec<String> = x.violations.iter().map(|v| v.to_string()).collect(); vx.sort();
            let mut vy: Vec<String> = y.violations.iter().map(|v| v.to_string()).collect(); vy.sort();
            assert_eq!(vx, vy, "{label}"); println!("{label}: same violations {vx:?}"); }
        (x, y) => panic!("{label}: {:?} vs {:?}", x.map(|_| ()), y.map(|_| ())),
    }
}
const ORG: &str = "32b6e34b3d91647abb20e7b8"; const CL: &str = "mdb_sa_id_1234567890abcdef12345678";
fn main() {
    cmp(&macro_gen::m000::CreateSecret0::new(ORG, CL, 8).description("d"), &hand_gen::m000::CreateSecret0::new(ORG, CL, 8).description("d"), "A ok");
    cmp(&macro_gen::m000::CreateSecret0::new("x", "", 0).description(""), &hand_gen::m000::CreateSecret0::new("x", "", 0).description(""), "A bad");
    cmp(&macro_gen::m000::ListThings1::new(ORG).items_per_page(100).include_count(true), &hand_gen::m000::ListThings1::new(ORG).items_per_page(100).include_count(true), "B ok");
    cmp(&macro_gen::m000::ListThings1::new("..").items_per_page(501).page_num(0), &hand_gen::m000::ListThings1::new("..").items_per_page(501).page_num(0), "B bad");
    cmp(&macro_gen::m000::UpdateThing2::new(ORG, "Cluster0").name("Zoë's CI").disk_size_gb(40.0).tags(vec!["a".into()]), &hand_gen::m000::UpdateThing2::new(ORG, "Cluster0").name("Zoë's CI").disk_size_gb(40.0).tags(vec!["a".into()]), "C ok");
    cmp(&macro_gen::m000::UpdateThing2::new(ORG, "-bad").name("a/b").disk_size_gb(5.0), &hand_gen::m000::UpdateThing2::new(ORG, "-bad").name("a/b").disk_size_gb(5.0), "C bad");
    cmp(&macro_gen::m000::DeleteEntry3::new(ORG, CL, "192.0.2.0%2F24"), &hand_gen::m000::DeleteEntry3::new(ORG, CL, "192.0.2.0%2F24"), "D ok");
    cmp(&macro_gen::m000::DeleteEntry3::new(ORG, "mdb_sa_id_x", "192.0.2.0/24"), &hand_gen::m000::DeleteEntry3::new(ORG, "mdb_sa_id_x", "192.0.2.0/24"), "D bad");
}
