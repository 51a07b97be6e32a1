//! Walking the Service Accounts lists with `.pages()` and `.items()` against a loopback
//! server that pages like Atlas: `pageNum`/`itemsPerPage` (default 100, at most 500),
//! `links` with `self`/`next`/`previous`, and `totalCount` unless `includeCount=false`;
//! and where a walk started past page 1 stops (issue 21).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use atlas_endpoints::service_accounts::{
    GetOrgServiceAccountGroups, ListGroupServiceAccountAccessList, ListGroupServiceAccounts,
    ListOrgServiceAccountAccessList, ListOrgServiceAccounts,
};
use atlas_runtime::{Error, RequestOptions, raw::RawCall};
use atlas_test_support::{Canned, Recorded, TestServer};
use serde_json::{Value, json};

const ORG: &str = "4888442a3354817a7320eb61";
const GROUP: &str = "32b6e34b3d91647abb20e7b8";
const SA: &str = "mdb_sa_id_1234567890abcdef12345678";
const MEDIA: &str = "application/vnd.atlas.2024-08-05+json";

fn query<'a>(r: &'a Recorded, name: &str) -> Option<&'a str> {
    r.query()?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

/// What one list holds at index `i`, by the list's path.
fn item(path: &str, i: usize) -> Value {
    if path.ends_with("/accessList") {
        json!({"ipAddress": format!("198.51.{}.{}", i / 256, i % 256), "requestCount": i})
    } else if path.ends_with("/groups") {
        json!({"groupId": format!("{i:024x}"), "roles": ["GROUP_READ_ONLY"]})
    } else {
        json!({
            "clientId": format!("mdb_sa_id_{i:024x}"),
            "createdAt": "2024-08-05T10:00:00Z",
            "name": format!("sa-{i}"),
            "roles": ["ORG_MEMBER"],
        })
    }
}

#[derive(Clone, Copy, Default)]
struct Paging {
    /// Items in the list.
    total: usize,
    /// This page number answers 500.
    fail_page: Option<usize>,
    /// Send no `links` (as some proxies strip them).
    no_links: bool,
}

/// A server holding `total` items per list, paging as Atlas does.
fn atlas_like(paging: Paging) -> TestServer {
    TestServer::with_handler(move |r| {
        let page: usize = query(r, "pageNum").map_or(1, |v| v.parse().unwrap());
        let size: usize = query(r, "itemsPerPage").map_or(100, |v| v.parse().unwrap());
        let count = query(r, "includeCount") != Some("false");
        assert!(page >= 1 && (1..=500).contains(&size), "{}", r.url);
        if Some(page) == paging.fail_page {
            return Canned::json(
                500,
                r#"{"error":500,"errorCode":"UNEXPECTED_ERROR","detail":"Unexpected error.","reason":"Internal Server Error"}"#,
            );
        }
        let path = r.path();
        let start = ((page - 1) * size).min(paging.total);
        let end = (page * size).min(paging.total);
        let results: Vec<Value> = (start..end).map(|i| item(path, i)).collect();
        let href =
            |p: usize| format!("https://cloud.mongodb.com{path}?pageNum={p}&itemsPerPage={size}");
        let mut links = vec![json!({"href": href(page), "rel": "self"})];
        if end < paging.total {
            links.push(json!({"href": href(page + 1), "rel": "next"}));
        }
        if page > 1 {
            links.push(json!({"href": href(page - 1), "rel": "previous"}));
        }
        let mut body = json!({"results": results});
        if !paging.no_links {
            body["links"] = json!(links);
        }
        if count {
            body["totalCount"] = json!(paging.total);
        }
        Canned::with_type(200, MEDIA, &body.to_string())
    })
}

/// Every request asked for the next page, 500 at a time.
fn assert_walked(server: &TestServer, pages: usize) {
    let requests = server.requests();
    assert_eq!(requests.len(), pages, "requests");
    for (k, r) in requests.iter().enumerate() {
        assert_eq!(r.method, "GET");
        assert_eq!(query(r, "pageNum"), Some((k + 1).to_string().as_str()));
        assert_eq!(query(r, "itemsPerPage"), Some("500"));
    }
}

fn walk_org_accounts(total: usize) -> (Vec<String>, TestServer) {
    let server = atlas_like(Paging {
        total,
        ..Paging::default()
    });
    let names = ListOrgServiceAccounts::new(ORG)
        .items(&server.client())
        .map(|a| a.unwrap().name.unwrap())
        .collect();
    (names, server)
}

#[test]
fn no_items_take_one_request() {
    let (names, server) = walk_org_accounts(0);
    assert!(names.is_empty());
    assert_walked(&server, 1);
}

#[test]
fn one_item_takes_one_request() {
    let (names, server) = walk_org_accounts(1);
    assert_eq!(names, ["sa-0"]);
    assert_walked(&server, 1);
}

#[test]
fn exactly_500_items_take_one_request() {
    let (names, server) = walk_org_accounts(500);
    assert_eq!(names.len(), 500);
    assert_eq!(names[499], "sa-499");
    assert_walked(&server, 1);
}

#[test]
fn items_501_take_two_requests() {
    let (names, server) = walk_org_accounts(501);
    assert_eq!(names.len(), 501);
    assert_eq!(names[500], "sa-500");
    assert_walked(&server, 2);
}

#[test]
fn ten_thousand_items_take_twenty_requests_in_order() {
    let (names, server) = walk_org_accounts(10_000);
    assert_eq!(names.len(), 10_000);
    assert!(
        names
            .iter()
            .enumerate()
            .all(|(i, n)| *n == format!("sa-{i}")),
        "every item once, in order"
    );
    assert_walked(&server, 20);
    assert_eq!(
        server.requests()[0].path(),
        "/api/atlas/v2/orgs/4888442a3354817a7320eb61/serviceAccounts"
    );
}

#[test]
fn pages_carry_links_and_counts() {
    let server = atlas_like(Paging {
        total: 1_200,
        ..Paging::default()
    });
    let pages: Vec<_> = ListGroupServiceAccounts::new(GROUP)
        .include_system_managed(true)
        .pages(&server.client())
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        pages.iter().map(|p| p.results.len()).collect::<Vec<_>>(),
        [500, 500, 200]
    );
    assert!(pages.iter().all(|p| p.total_count == Some(1_200)));
    assert!(pages[0].link("next").unwrap().contains("pageNum=2"));
    assert!(pages[0].link("previous").is_none());
    assert!(pages[2].link("next").is_none());
    assert!(pages[2].link("previous").unwrap().contains("pageNum=2"));
    assert_walked(&server, 3);
    assert!(
        server
            .requests()
            .iter()
            .all(|r| query(r, "includeSystemManaged") == Some("true")),
        "the call's other parameters stay on every page"
    );
}

#[test]
fn include_count_false_pages_without_total() {
    let server = atlas_like(Paging {
        total: 1_001,
        ..Paging::default()
    });
    let mut pages = 0;
    let mut items = 0;
    for page in ListOrgServiceAccountAccessList::new(ORG, SA)
        .include_count(false)
        .pages(&server.client())
    {
        let page = page.unwrap();
        assert_eq!(
            page.total_count, None,
            "no totalCount with includeCount=false"
        );
        pages += 1;
        items += page.results.len();
    }
    assert_eq!((pages, items), (3, 1_001));
    assert_walked(&server, 3);
    assert!(
        server
            .requests()
            .iter()
            .all(|r| query(r, "includeCount") == Some("false"))
    );
}

#[test]
fn without_links_or_count_a_short_page_ends_the_walk() {
    let server = atlas_like(Paging {
        total: 1_000,
        no_links: true,
        ..Paging::default()
    });
    let entries: Vec<_> = ListGroupServiceAccountAccessList::new(GROUP, SA)
        .include_count(false)
        .items(&server.client())
        .map(Result::unwrap)
        .collect();
    assert_eq!(entries.len(), 1_000);
    assert_eq!(entries[999].request_count, Some(999));
    // Two full pages, then an empty one says it was the last.
    assert_walked(&server, 3);
}

#[test]
fn a_failure_on_page_3_of_5_comes_after_the_items_of_pages_1_and_2() {
    let server = atlas_like(Paging {
        total: 2_500,
        fail_page: Some(3),
        ..Paging::default()
    });
    let client = server.client();
    let mut items = ListOrgServiceAccounts::new(ORG).items(&client);
    for i in 0..1_000 {
        let account = items.next().unwrap().unwrap();
        assert_eq!(account.name.unwrap(), format!("sa-{i}"));
    }
    let err = items.next().unwrap().unwrap_err();
    let Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.status, 500);
    assert_eq!(err.error_code(), Some("UNEXPECTED_ERROR"));
    assert!(items.next().is_none(), "the error ends the walk");
    assert!(items.next().is_none());
    assert_walked(&server, 3);
}

#[test]
fn pages_yield_the_failure_after_the_good_pages() {
    let server = atlas_like(Paging {
        total: 2_500,
        fail_page: Some(3),
        ..Paging::default()
    });
    let results: Vec<_> = GetOrgServiceAccountGroups::new(ORG, SA)
        .pages(&server.client())
        .collect();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0].as_ref().unwrap().results.len(), 500);
    assert_eq!(results[1].as_ref().unwrap().results.len(), 500);
    assert_eq!(results[2].as_ref().unwrap_err().status(), Some(500));
    assert_walked(&server, 3);
}

#[test]
fn a_chosen_page_size_and_start_are_kept() {
    let server = atlas_like(Paging {
        total: 25,
        ..Paging::default()
    });
    let groups: Vec<_> = GetOrgServiceAccountGroups::new(ORG, SA)
        .items_per_page(10)
        .page_num(2)
        .items(&server.client())
        .map(Result::unwrap)
        .collect();
    assert_eq!(groups.len(), 15, "pages 2 and 3");
    assert_eq!(
        groups[0].group_id.as_ref().map(|id| id.as_str()),
        Some(format!("{:024x}", 10).as_str())
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(query(&requests[0], "pageNum"), Some("2"));
    assert_eq!(query(&requests[1], "pageNum"), Some("3"));
    assert!(
        requests
            .iter()
            .all(|r| query(r, "itemsPerPage") == Some("10"))
    );
}

/// A walk started at page N has skipped (N-1) pages: with only `totalCount` to go by (no
/// links), it stops when the items up to the page just read reach the count, not one
/// empty page later (issue 21). Typed walks and `RawPages` (`atlas-rs --paginate`) alike.
#[test]
fn a_walk_started_past_page_1_stops_at_the_count() {
    let server = atlas_like(Paging {
        total: 25,
        no_links: true,
        ..Paging::default()
    });
    let groups: Vec<_> = GetOrgServiceAccountGroups::new(ORG, SA)
        .items_per_page(10)
        .page_num(2)
        .items(&server.client())
        .map(Result::unwrap)
        .collect();
    assert_eq!(groups.len(), 15, "pages 2 and 3");
    let asked: Vec<_> = server
        .requests()
        .iter()
        .map(|r| query(r, "pageNum").unwrap().to_string())
        .collect();
    assert_eq!(asked, ["2", "3"], "no request for page 4");

    let server = atlas_like(Paging {
        total: 1_000,
        no_links: true,
        ..Paging::default()
    });
    let mut call = RawCall::new(&ListOrgServiceAccounts::INFO);
    call.arg("orgId", ORG).unwrap();
    call.arg("pageNum", "2").unwrap();
    let pages: Vec<_> = server
        .client()
        .raw_pages(&call, &RequestOptions::new())
        .map(Result::unwrap)
        .collect();
    assert_eq!(pages.len(), 1);
    assert_eq!(pages[0].results.len(), 500);
    assert_eq!(server.requests().len(), 1, "page 2 of 2 is the last");
}

#[test]
fn invalid_paging_input_is_refused_before_any_request() {
    let server = atlas_like(Paging {
        total: 10,
        ..Paging::default()
    });
    let client = server.client();
    let mut pages = ListOrgServiceAccounts::new(ORG)
        .items_per_page(501)
        .pages(&client);
    let err = pages.next().unwrap().unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err:?}");
    assert!(pages.next().is_none());
    assert!(server.requests().is_empty());
}

#[test]
fn iteration_is_lazy() {
    let asked = Arc::new(AtomicBool::new(false));
    let flag = asked.clone();
    let server = TestServer::with_handler(move |r| {
        flag.store(true, Ordering::SeqCst);
        let body = json!({"results": [item(r.path(), 0)], "totalCount": 1});
        Canned::with_type(200, MEDIA, &body.to_string())
    });
    let client = server.client();
    let mut items = ListOrgServiceAccounts::new(ORG).items(&client);
    assert!(
        !asked.load(Ordering::SeqCst),
        "nothing is sent before the first next()"
    );
    assert!(items.next().unwrap().is_ok());
    assert_eq!(server.requests().len(), 1);
    assert!(items.next().is_none());
    assert_eq!(server.requests().len(), 1);
}
