//! The baselines do the same work as the framework, or the comparisons mean nothing:
//! the same bytes on the wire, the same requests built, the same answers from
//! validation; and the counting servers count what the benches say they count.

use atlas_bench::baseline::{self, HandWritten, HyperByHand, ProbeThenSign};
use atlas_bench::digest::{DigestServer, PRIVATE_KEY, PUBLIC_KEY};
use atlas_bench::pages::PageServer;
use atlas_bench::server::Server;
use atlas_bench::{
    BEARER, CLIENT_ID, HOURS, ListOrgServiceAccounts, ORG_ID, access_list_call, client,
    client_without_retries, created_answer, secret_call,
};
use atlas_runtime::{
    Credentials, Endpoint, RequestOptions,
    implement::{RequestContext, build_request},
};

fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn send_and_ureq_by_hand_put_identical_bytes_on_the_wire() {
    let server = Server::recording({
        let answer = created_answer();
        move |_, out| out.extend_from_slice(&answer)
    });
    let ours = client(server.url(), Credentials::bearer(BEARER));
    let by_hand = HandWritten::new(server.url(), Some(BEARER));
    let call = secret_call();
    // Twice each: the second request goes over a pooled connection.
    for _ in 0..2 {
        let a = call.send(&ours).expect("ours");
        let b = by_hand
            .create_secret(ORG_ID, CLIENT_ID, HOURS)
            .expect("by hand");
        assert_eq!(a.id, b.id);
        assert_eq!(a.expires_at, b.expires_at);
    }
    let recorded = server.take_recorded();
    assert_eq!(recorded.len(), 4);
    let text = show(&recorded[0]);
    for expected in [
        "POST /api/atlas/v2/orgs/32b6e34b3d91647abb20e7b8/serviceAccounts/mdb_sa_id_1234567890abcdef12345678/secrets HTTP/1.1\r\n",
        "accept: application/vnd.atlas.2024-08-05+json\r\n",
        "content-type: application/vnd.atlas.2024-08-05+json\r\n",
        "authorization: Bearer ",
        "\r\n\r\n{\"secretExpiresAfterHours\":8}",
    ] {
        assert!(
            text.to_ascii_lowercase()
                .contains(&expected.to_ascii_lowercase()),
            "missing {expected:?} in\n{text}"
        );
    }
    assert!(
        text.contains(&atlas_runtime::defaults::default_user_agent(None)),
        "{text}"
    );
    // The same request line, headers and body; ureq writes `Content-Length` and `Host`
    // first, the default transport after the request's own headers.
    for pair in recorded.chunks(2) {
        assert_eq!(
            in_any_header_order(&pair[0]),
            in_any_header_order(&pair[1]),
            "ours (left) and by hand (right) differ on the wire"
        );
    }
}

/// A raw request with its header lines sorted.
fn in_any_header_order(raw: &[u8]) -> String {
    let text = show(raw);
    let (head, body) = text.split_once("\r\n\r\n").expect("a request head");
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut headers: Vec<String> = lines.map(str::to_ascii_lowercase).collect();
    headers.sort();
    format!("{request_line}\n{}\n\n{body}", headers.join("\n"))
}

#[test]
fn send_and_hyper_by_hand_put_identical_bytes_on_the_wire() {
    let server = Server::recording({
        let answer = created_answer();
        move |_, out| out.extend_from_slice(&answer)
    });
    let ours = client(server.url(), Credentials::bearer(BEARER));
    let by_hand = HyperByHand::new(server.url(), Some(BEARER));
    let call = secret_call();
    // Twice each: the second request goes over a pooled connection.
    for _ in 0..2 {
        let a = call.send(&ours).expect("ours");
        let b = by_hand
            .create_secret(ORG_ID, CLIENT_ID, HOURS)
            .expect("by hand");
        assert_eq!(a.id, b.id);
    }
    let recorded = server.take_recorded();
    assert_eq!(recorded.len(), 4);
    assert!(show(&recorded[0]).starts_with("POST /api/atlas/v2/orgs/"));
    for pair in recorded.chunks(2) {
        assert_eq!(
            show(&pair[0]),
            show(&pair[1]),
            "ours (left) and hyper by hand (right) differ on the wire"
        );
    }
}

#[test]
fn hand_built_requests_equal_build_request() {
    let context = RequestContext::default();
    let options = RequestOptions::default();
    let same = |a: http::Request<Vec<u8>>, b: http::Request<Vec<u8>>| {
        assert_eq!(a.method(), b.method());
        assert_eq!(a.uri(), b.uri());
        assert_eq!(a.headers(), b.headers());
        assert_eq!(show(a.body()), show(b.body()));
    };
    same(
        build_request(&secret_call(), &context, &options).expect("ours"),
        baseline::build_secret_request(
            &context.base_url,
            &context.user_agent,
            ORG_ID,
            CLIENT_ID,
            HOURS,
        )
        .expect("by hand"),
    );
    let a = access_list_call();
    same(
        build_request(&a, &context, &options).expect("ours"),
        baseline::build_access_list_request(
            &context.base_url,
            &context.user_agent,
            &a.org_id,
            &a.client_id,
            true,
            100,
            1,
            &a.entries,
        )
        .expect("by hand"),
    );
}

#[test]
fn regex_baseline_decides_as_the_generated_validate() {
    let arabic_digit = "mdb_sa_id_1234567890abcdef1234567\u{663}";
    for (org, client, hours) in [
        (ORG_ID, CLIENT_ID, 8),
        (ORG_ID, CLIENT_ID, 0),
        ("32B6E34B3D91647ABB20E7B8", CLIENT_ID, 8),
        ("32b6e34b3d91647abb20e7b", CLIENT_ID, 8),
        (ORG_ID, arabic_digit, 8),
        (ORG_ID, "mdb_sa_id_1234567890ABCDEF12345678", 8),
        (ORG_ID, "xmdb_sa_id_1234567890abcdef12345678", 8),
        (ORG_ID, "mdb_sa_id_1234567890abcdef12345678\n", 8),
    ] {
        let ours = atlas_bench::CreateOrgServiceAccountSecret::new(org, client, hours)
            .validate()
            .is_ok();
        assert_eq!(
            ours,
            baseline::validate_secret_call(org, client, hours),
            "{org:?} {client:?} {hours}"
        );
    }
}

#[test]
fn digest_counts_one_round_trip_per_call_against_two() {
    let calls = 10;
    let server = DigestServer::start();
    let ours = client_without_retries(server.url(), Credentials::api_key(PUBLIC_KEY, PRIVATE_KEY));
    for _ in 0..calls {
        secret_call().send(&ours).expect("ours");
    }
    let counts = server.counts();
    assert_eq!(
        (counts.requests, counts.challenges, counts.accepted),
        (calls + 1, 1, calls)
    );

    let server = DigestServer::start();
    let probe = ProbeThenSign::new(server.url(), PUBLIC_KEY, PRIVATE_KEY);
    for _ in 0..calls {
        probe
            .create_secret(ORG_ID, CLIENT_ID, HOURS)
            .expect("probe");
    }
    let counts = server.counts();
    assert_eq!(
        (counts.requests, counts.challenges, counts.accepted),
        (2 * calls, calls, calls)
    );
}

#[test]
fn digest_server_refuses_a_wrong_key() {
    let server = DigestServer::start();
    let wrong = client_without_retries(server.url(), Credentials::api_key(PUBLIC_KEY, "wrong"));
    assert_eq!(
        secret_call().send(&wrong).expect_err("refused").status(),
        Some(401)
    );
    let probe = ProbeThenSign::new(server.url(), PUBLIC_KEY, "wrong");
    assert!(probe.create_secret(ORG_ID, CLIENT_ID, HOURS).is_err());
    assert_eq!(server.counts().accepted, 0);
}

#[test]
fn pagination_counts_pages_of_500_against_100() {
    let server = PageServer::start(1_000);
    let ours = client(server.url(), Credentials::bearer(BEARER));
    let items: Vec<_> = ListOrgServiceAccounts::new(ORG_ID)
        .items(&ours)
        .collect::<Result<_, _>>()
        .expect("items");
    assert_eq!(items.len(), 1_000);
    assert_eq!(items[999].name, "service-account-999");
    assert_eq!(server.requests(), 2);

    let server = PageServer::start(1_000);
    let all = baseline::list_all_service_accounts(server.url(), BEARER, ORG_ID).expect("list");
    assert_eq!(all, items);
    assert_eq!(server.requests(), 10);
}

#[test]
fn one_token_request_per_expiry_from_many_threads() {
    use atlas_bench::baseline::NaiveTokenClient;
    use atlas_bench::tokens::{SA_CLIENT_ID, SA_SECRET, TokenServer, paced_run};
    use std::time::Duration;

    // 2 s tokens are replaced after 1 s; 1.5 s of calls cross one refresh.
    let server = TokenServer::start(Duration::from_secs(2));
    let ours = client(
        server.url(),
        Credentials::service_account(SA_CLIENT_ID, SA_SECRET),
    );
    let call = secret_call();
    let run = paced_run(&server, 8, 200, Duration::from_millis(1500), || {
        call.send(&ours).is_ok()
    });
    assert_eq!((run.ok, run.failed, run.rejected), (200, 0, 0), "{run:?}");
    assert!((2..=3).contains(&run.token_requests), "{run:?}");

    let server = TokenServer::start(Duration::from_secs(2));
    let naive = NaiveTokenClient::new(server.url(), SA_CLIENT_ID, SA_SECRET);
    let run = paced_run(&server, 8, 200, Duration::from_millis(1500), || {
        naive.create_secret(ORG_ID, CLIENT_ID, HOURS).is_ok()
    });
    assert_eq!((run.ok, run.failed), (200, 0), "{run:?}");
    assert!(run.token_requests >= 2, "{run:?}");
}
