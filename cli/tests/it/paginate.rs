//! `--paginate` walks with the SDK's one page walker, so a server cannot make it endless:
//! a list that repeats its page with a `next` link on every answer ends after the repeat.

use std::time::Duration;

use atlas_test_support::{Canned, TestServer};

use crate::support::{Input, Limits, TempDir, run_with};

const ORG: &str = "32b6e34b3d91647abb20e7b8";

#[test]
fn a_server_that_repeats_a_page_cannot_loop_the_walk() {
    let page = format!(
        r#"{{"links":[{{"rel":"next","href":"http://127.0.0.1:9/api/atlas/v2/orgs/{ORG}/serviceAccounts?pageNum=2"}}],"results":[{{"clientId":"mdb_sa_id_000000000000000000000000","name":"a"}}],"totalCount":1000000}}"#
    );
    let server = TestServer::with_handler(move |_| {
        Canned::with_type(200, "application/vnd.atlas.2024-08-05+json", &page)
    });
    let home = TempDir::new("paginate-repeat");
    let env = vec![
        ("MONGODB_ATLAS_OPS_MANAGER_URL", server.url().to_string()),
        ("MONGODB_ATLAS_ACCESS_TOKEN", "any-token-at-all".to_string()),
    ];
    let walk = run_with(
        home.path(),
        &env,
        &[
            "api",
            "serviceAccounts",
            "listOrgServiceAccounts",
            "--orgId",
            ORG,
            "--paginate",
        ],
        Input::Null,
        &Limits {
            time: Duration::from_secs(60),
            ..Limits::default()
        },
    );
    assert!(!walk.timed_out, "{walk:?}");
    assert_eq!(walk.code, 0, "{walk:?}");
    // Page 1, then page 2 repeating it: the walk ends there, page 2 not printed.
    let asked: Vec<String> = server.requests().iter().map(|r| r.url.clone()).collect();
    assert_eq!(asked.len(), 2, "{asked:?}");
    assert!(asked[1].contains("pageNum=2"), "{asked:?}");
    assert_eq!(walk.stdout.matches("mdb_sa_id_").count(), 1, "{walk:?}");
}
