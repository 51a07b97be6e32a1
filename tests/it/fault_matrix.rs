//! The fault matrix: one row per failure Atlas and the network produce, against the
//! emulator's fault injection. Each row asserts the outcome (success or typed error) and
//! how many requests reached the server; every row that creates a secret asserts that
//! the emulator holds exactly one new secret or none, never two.
//!
//! The table this prints is RELIABILITY.md's.

use std::time::{Duration, Instant};

use atlas_endpoints::service_accounts::{CreateOrgServiceAccountSecret, GetOrgServiceAccount};
use atlas_mock::{Fault, FaultKind, MockAtlas};
use atlas_runtime::{
    Client, Credentials, Error, RequestOptions, RetryPolicy,
    error::{AuthErrorKind, TransportErrorKind},
};

#[derive(Clone, Copy, PartialEq, Debug)]
enum Call {
    /// `getOrgServiceAccount` (GET, idempotent).
    Get,
    /// `createOrgServiceAccountSecret` (POST, creates a secret).
    Create,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Expect {
    Ok,
    Api(u16),
    Transport(TransportErrorKind),
    Auth(AuthErrorKind),
}

struct Row {
    scenario: &'static str,
    call: Call,
    /// Makes the fault happen; gets the mock and the client already authenticated.
    setup: fn(&MockAtlas),
    credentials: Creds,
    expect: Expect,
    /// Requests to the operation's path that reached the emulator.
    reached: usize,
    /// For `Create`: new secrets the emulator holds afterwards.
    new_secrets: Option<usize>,
    options: RequestOptions,
}

#[derive(Clone, Copy)]
enum Creds {
    ServiceAccount,
    ApiKey,
}

const PAGE_502: &str = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>";

fn api_path(mock: &MockAtlas, call: Call) -> String {
    let base = format!(
        "/api/atlas/v2/orgs/{}/serviceAccounts/{}",
        mock.org_id(),
        mock.client_id()
    );
    match call {
        Call::Get => base,
        Call::Create => format!("{base}/secrets"),
    }
}

fn fault(mock: &MockAtlas, call: Call, kind: FaultKind, times: usize) {
    let method = if call == Call::Get { "GET" } else { "POST" };
    mock.inject(
        Fault::new(kind)
            .method(method)
            .path(api_path(mock, call).as_str())
            .times(times),
    );
}

fn rows() -> Vec<Row> {
    let row = |scenario, call, setup: fn(&MockAtlas), expect, reached, new_secrets| Row {
        scenario,
        call,
        setup,
        credentials: Creds::ServiceAccount,
        expect,
        reached,
        new_secrets,
        options: RequestOptions::new(),
    };
    vec![
        row(
            "429 with Retry-After: 1",
            Call::Create,
            |m| fault(m, Call::Create, FaultKind::rate_limited(1), 1),
            Expect::Ok,
            2,
            Some(1),
        ),
        row(
            "429 without Retry-After",
            Call::Create,
            |m| {
                fault(
                    m,
                    Call::Create,
                    FaultKind::api_error(429, "RATE_LIMITED", "slow down"),
                    2,
                )
            },
            Expect::Ok,
            3,
            Some(1),
        ),
        row(
            "400 RATE_LIMITED_TOKEN_BUCKET",
            Call::Create,
            |m| {
                fault(
                    m,
                    Call::Create,
                    FaultKind::api_error(400, "RATE_LIMITED_TOKEN_BUCKET", "bucket empty"),
                    1,
                )
            },
            Expect::Ok,
            2,
            Some(1),
        ),
        row(
            "503 with Retry-After: 1",
            Call::Create,
            |m| fault(m, Call::Create, FaultKind::service_unavailable(Some(1)), 1),
            Expect::Ok,
            2,
            Some(1),
        ),
        row(
            "500 on GET",
            Call::Get,
            |m| {
                fault(
                    m,
                    Call::Get,
                    FaultKind::api_error(500, "UNEXPECTED_ERROR", "oops"),
                    1,
                )
            },
            Expect::Ok,
            2,
            None,
        ),
        row(
            "500 on POST",
            Call::Create,
            |m| {
                fault(
                    m,
                    Call::Create,
                    FaultKind::api_error(500, "UNEXPECTED_ERROR", "oops"),
                    1,
                )
            },
            Expect::Api(500),
            1,
            Some(0),
        ),
        row(
            "500 ×4 on GET (attempts exhausted)",
            Call::Get,
            |m| {
                fault(
                    m,
                    Call::Get,
                    FaultKind::api_error(500, "UNEXPECTED_ERROR", "oops"),
                    4,
                )
            },
            Expect::Api(500),
            4,
            None,
        ),
        row(
            "reset before the request was read, GET",
            Call::Get,
            |m| fault(m, Call::Get, FaultKind::DropBeforeRead, 1),
            Expect::Ok,
            2,
            None,
        ),
        row(
            "reset before the request was read, POST",
            Call::Create,
            |m| fault(m, Call::Create, FaultKind::DropBeforeRead, 1),
            Expect::Transport(TransportErrorKind::Io),
            1,
            Some(0),
        ),
        row(
            "reset after the request was read, GET",
            Call::Get,
            |m| fault(m, Call::Get, FaultKind::DropAfterRead, 1),
            Expect::Ok,
            2,
            None,
        ),
        row(
            "reset after the request was read, POST (answer lost)",
            Call::Create,
            |m| fault(m, Call::Create, FaultKind::DropAfterRead, 1),
            Expect::Transport(TransportErrorKind::Io),
            1,
            Some(1),
        ),
        row(
            "truncated JSON body, GET",
            Call::Get,
            |m| fault(m, Call::Get, FaultKind::TruncateBody { keep: 20 }, 1),
            Expect::Ok,
            2,
            None,
        ),
        row(
            "truncated JSON body, POST",
            Call::Create,
            |m| fault(m, Call::Create, FaultKind::TruncateBody { keep: 20 }, 1),
            Expect::Transport(TransportErrorKind::Io),
            1,
            Some(1),
        ),
        row(
            "HTML 502 from a proxy, GET",
            Call::Get,
            |m| fault(m, Call::Get, FaultKind::html(502, PAGE_502), 1),
            Expect::Ok,
            2,
            None,
        ),
        row(
            "HTML 502 from a proxy, POST",
            Call::Create,
            |m| fault(m, Call::Create, FaultKind::html(502, PAGE_502), 1),
            Expect::Api(502),
            1,
            Some(0),
        ),
        row(
            "headers slower than the timeout, GET",
            Call::Get,
            |m| {
                fault(
                    m,
                    Call::Get,
                    FaultKind::Delay(Duration::from_millis(900)),
                    1,
                )
            },
            Expect::Ok,
            2,
            None,
        ),
        row(
            "headers slower than the timeout, POST",
            Call::Create,
            |m| {
                fault(
                    m,
                    Call::Create,
                    FaultKind::Delay(Duration::from_millis(900)),
                    1,
                )
            },
            Expect::Transport(TransportErrorKind::Timeout),
            1,
            Some(1),
        ),
        row(
            "expired access token (401)",
            Call::Create,
            |m| m.advance_clock(Duration::from_secs(7200)),
            Expect::Ok,
            2,
            Some(1),
        ),
        Row {
            credentials: Creds::ApiKey,
            ..row(
                "stale Digest nonce",
                Call::Create,
                |m| m.advance_clock(Duration::from_secs(600)),
                Expect::Ok,
                2,
                Some(1),
            )
        },
        row(
            "429 from the token endpoint",
            Call::Create,
            |m| {
                m.advance_clock(Duration::from_secs(7200));
                m.inject(
                    Fault::new(FaultKind::rate_limited(30))
                        .method("POST")
                        .path("/api/oauth/token")
                        .times(1),
                );
            },
            Expect::Auth(AuthErrorKind::RateLimited),
            1,
            Some(0),
        ),
        Row {
            options: RequestOptions::new().envelope(true),
            ..row(
                "enveloped error (404 in a 200)",
                Call::Get,
                |m| {
                    fault(
                        m,
                        Call::Get,
                        FaultKind::respond(
                            200,
                            &[("Content-Type", "application/json")],
                            r#"{"status":404,"content":{"error":404,"errorCode":"SERVICE_ACCOUNT_NOT_FOUND","detail":"gone","reason":"Not Found"}}"#,
                        ),
                        1,
                    )
                },
                Expect::Api(404),
                1,
                None,
            )
        },
    ]
}

fn outcome_of(result: &Result<(), Error>) -> Expect {
    match result {
        Ok(()) => Expect::Ok,
        Err(Error::Api(e)) => Expect::Api(e.status),
        Err(Error::Transport(t)) => Expect::Transport(t.kind),
        Err(Error::Auth(a)) => Expect::Auth(a.kind),
        Err(other) => panic!("unexpected error class: {other}"),
    }
}

fn describe(e: Expect) -> String {
    match e {
        Expect::Ok => "success".into(),
        Expect::Api(s) => format!("Error::Api {s}"),
        Expect::Transport(k) => format!("Error::Transport {k:?} (may have been sent)"),
        Expect::Auth(k) => format!("Error::Auth {k:?}"),
    }
}

#[test]
fn fault_matrix() {
    let mut table = vec![
        "| scenario | call | outcome | requests that reached the server | new secrets | time |"
            .to_string(),
        "|---|---|---|---|---|---|".to_string(),
    ];
    let mut failures = Vec::new();
    for row in rows() {
        let mock = MockAtlas::builder()
            .token_endpoint_limit(None)
            .start()
            .expect("emulator");
        let credentials = match row.credentials {
            Creds::ServiceAccount => {
                Credentials::service_account(mock.client_id(), mock.client_secret())
            }
            Creds::ApiKey => Credentials::api_key(mock.public_api_key(), mock.private_api_key()),
        };
        let client = Client::builder()
            .base_url(mock.url())
            .credentials(credentials)
            .response_timeout(Duration::from_millis(400))
            .retry(RetryPolicy::default().delays(Duration::from_millis(20), Duration::from_secs(2)))
            .build()
            .unwrap();
        // Authenticate first, so the row measures only its own fault.
        GetOrgServiceAccount::new(mock.org_id(), mock.client_id())
            .send(&client)
            .expect("warm-up call");
        let secrets_before = mock.secret_count(mock.client_id());
        let path = api_path(&mock, row.call);
        let before = mock.requests().iter().filter(|r| r.path == path).count();

        (row.setup)(&mock);
        let started = Instant::now();
        let result = match row.call {
            Call::Get => client
                .send_with(
                    &GetOrgServiceAccount::new(mock.org_id(), mock.client_id()),
                    &row.options,
                )
                .map(drop),
            Call::Create => client
                .send_with(
                    &CreateOrgServiceAccountSecret::new(mock.org_id(), mock.client_id(), 8),
                    &row.options,
                )
                .map(drop),
        };
        let took = started.elapsed();
        let outcome = outcome_of(&result);
        let reached = mock.requests().iter().filter(|r| r.path == path).count() - before;
        let new_secrets = mock.secret_count(mock.client_id()) - secrets_before;

        let call = if row.call == Call::Get {
            "GET getOrgServiceAccount"
        } else {
            "POST createOrgServiceAccountSecret"
        };
        table.push(format!(
            "| {} | {call} | {} | {reached} | {} | {} ms |",
            row.scenario,
            describe(outcome),
            if row.call == Call::Create {
                new_secrets.to_string()
            } else {
                "–".into()
            },
            took.as_millis()
        ));
        if outcome != row.expect {
            failures.push(format!(
                "{}: expected {:?}, got {:?} ({:?})",
                row.scenario,
                row.expect,
                outcome,
                result.err().map(|e| e.to_string())
            ));
            continue;
        }
        if reached != row.reached {
            failures.push(format!(
                "{}: expected {} requests to reach the server, saw {reached}",
                row.scenario, row.reached
            ));
        }
        if let Some(n) = row.new_secrets
            && new_secrets != n
        {
            failures.push(format!(
                "{}: expected {n} new secrets, found {new_secrets}",
                row.scenario
            ));
        }
        assert!(
            new_secrets <= 1,
            "{}: a retry duplicated a write",
            row.scenario
        );
    }
    let table = table.join("\n");
    println!("{table}");
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("fault-matrix.md");
    std::fs::write(&out, &table).unwrap();
    assert!(failures.is_empty(), "{}\n\n{table}", failures.join("\n"));
}
