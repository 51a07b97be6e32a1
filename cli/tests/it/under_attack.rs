//! The binary against hostile or careless input (issue 21): a config file with a broken
//! line holding a secret, a profile key of the wrong type, a server that echoes the
//! credentials or sends terminal escapes, a body without end, a template without end,
//! a download cut mid-way, a reader that stops reading.

use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use atlas_mock::MockAtlas;
use atlas_test_support::{Canned, TestServer, leaks};

use crate::support::{Input, Limits, TempDir, command, finish, mock_env, run, run_with};

const SA: &str = "serviceAccounts";
const LIST: &[&str] = &["api", SA, "listOrgServiceAccounts"];
const ORG: &str = "32b6e34b3d91647abb20e7b8";
const GROUP: &str = "5f7a3c9e1b2d4e6f8a0b1c2d";

fn write_config(home: &TempDir, text: &str) {
    let dir = home.path().join("config").join("atlascli");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("config.toml"), text).unwrap();
}

/// A syntax error in config.toml says where, never what the line holds: here the
/// line of a secret whose closing quote is missing.
#[test]
fn a_broken_config_line_is_located_not_shown() {
    let home = TempDir::new("broken-config");
    let secret = "mdb_sa_sk_0123456789abcdef0123456789abcdef";
    write_config(
        &home,
        &format!(
            "[default]\n  client_id = \"mdb_sa_id_1234567890abcdef12345678\"\n  client_secret = \"{secret}\n  org_id = \"{ORG}\"\n"
        ),
    );
    let broken = run(home.path(), &[], LIST, None);
    assert_eq!(broken.code, 1, "{broken:?}");
    assert!(broken.stderr.contains("config.toml"), "{broken:?}");
    assert!(broken.stderr.contains("line 3"), "{broken:?}");
    assert!(
        leaks::find(broken.stderr.as_bytes(), &leaks::forms("secret", secret)).is_none(),
        "{broken:?}"
    );
    assert!(!broken.stderr.contains("0123456789abcdef"), "{broken:?}");
}

/// `client_id = 123` is not silently dropped (which sent the call without credentials):
/// it is a usage error naming the key, and nothing is sent.
#[test]
fn a_profile_key_of_the_wrong_type_is_a_usage_error() {
    let mock = MockAtlas::start();
    let home = TempDir::new("wrong-type");
    write_config(
        &home,
        &format!(
            "[default]\n  client_id = 123\n  client_secret = 4567890123\n  org_id = \"{}\"\n  ops_manager_url = \"{}\"\n",
            mock.org_id(),
            mock.url()
        ),
    );
    mock.clear_requests();
    let wrong = run(home.path(), &[], LIST, None);
    assert_eq!(wrong.code, 1, "{wrong:?}");
    assert!(
        wrong.stderr.contains("client_id") && wrong.stderr.contains("must be a string"),
        "{wrong:?}"
    );
    assert!(!wrong.stderr.contains("4567890123"), "{wrong:?}");
    assert!(mock.requests().is_empty(), "nothing was sent: {wrong:?}");
}

/// A server (or proxy) that echoes `Authorization`, sets a cookie from the token and
/// quotes it in the body under an innocent name: `-D` shows none of it, for a bearer
/// token given and for a token the CLI fetched with a service account.
#[test]
fn debug_output_redacts_what_a_server_echoes() {
    const FETCHED: &str = "fetched-access-token-0123456789abcdef";
    const GIVEN: &str = "given-access-token-fedcba9876543210";
    const CLIENT_ID: &str = "mdb_sa_id_1234567890abcdef12345678";
    const SECRET: &str = "mdb_sa_sk_echoed0123456789abcdef0123";
    let server = TestServer::with_handler(|r| {
        if r.path() == "/api/oauth/token" {
            return Canned::json(
                200,
                &format!(
                    r#"{{"access_token":"{FETCHED}","expires_in":3600,"token_type":"Bearer"}}"#
                ),
            );
        }
        let auth = r.header("authorization").unwrap_or("-").to_string();
        let token = auth.trim_start_matches("Bearer ").to_string();
        let body = serde_json::json!({"results": [], "totalCount": 0, "note": auth});
        Canned::json(200, &body.to_string())
            .header("X-Echo-Authorization", &auth)
            .header("Set-Cookie", &format!("session={token}; HttpOnly"))
            .header("X-Echo-Base64", &base64_of(&token))
    });
    let home = TempDir::new("debug-echo");
    let base = vec![
        ("MONGODB_ATLAS_OPS_MANAGER_URL", server.url().to_string()),
        ("MONGODB_ATLAS_ORG_ID", ORG.to_string()),
        ("ATLAS_RS_NO_TOKEN_CACHE", "1".to_string()),
    ];
    let cases = [
        (
            "a bearer token",
            vec![("MONGODB_ATLAS_ACCESS_TOKEN", GIVEN.to_string())],
            GIVEN,
        ),
        (
            "a service account",
            vec![
                ("MONGODB_ATLAS_CLIENT_ID", CLIENT_ID.to_string()),
                ("MONGODB_ATLAS_CLIENT_SECRET", SECRET.to_string()),
            ],
            FETCHED,
        ),
    ];
    for (what, credentials, token) in cases {
        let mut env = base.clone();
        env.extend(credentials);
        let mut args = vec!["-D"];
        args.extend_from_slice(LIST);
        let debug = run(home.path(), &env, &args, None).ok();
        // The echo reached the CLI (so the test can fail) ...
        assert!(debug.stdout.contains(token), "{what}: {debug:?}");
        assert!(
            debug
                .stderr
                .contains("< x-echo-authorization: Bearer <redacted>"),
            "{what}: {debug:?}"
        );
        assert!(
            debug.stderr.contains("< set-cookie: session=<redacted>"),
            "{what}: {debug:?}"
        );
        // ... and no form of any credential is on stderr.
        let mut needles = leaks::forms("token", token);
        needles.extend(leaks::forms("client secret", SECRET));
        needles.extend(leaks::basic("client", CLIENT_ID, SECRET));
        if let Some((needle, at)) = leaks::find(debug.stderr.as_bytes(), &needles) {
            panic!(
                "{what}: {} at {at} of stderr: {}",
                needle.label, debug.stderr
            );
        }
    }
}

fn base64_of(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// `--file /dev/zero` and an endless standard input stop at 16 MiB with a usage error,
/// and nothing is sent. (Run under a 4 GiB address-space limit: a regression fails here
/// instead of exhausting the machine.)
#[test]
fn request_bodies_are_capped() {
    let mock = MockAtlas::start();
    let home = TempDir::new("body-cap");
    let env = mock_env(&mock);
    let limits = Limits {
        time: Duration::from_secs(120),
        memory_kib: Some(4 * 1024 * 1024),
    };
    mock.clear_requests();
    let create = ["api", SA, "createOrgServiceAccount"];
    let mut args = create.to_vec();
    args.extend(["--file", "/dev/zero"]);
    let zero = run_with(home.path(), &env, &args, Input::Null, &limits);
    assert_eq!(zero.code, 1, "{zero:?}");
    assert!(
        zero.stderr
            .contains("--file /dev/zero holds more than 16 MiB"),
        "{zero:?}"
    );

    // Standard input: a file of 17 MiB (sparse, so quick to make).
    let big = home.path().join("big.json");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(17 * 1024 * 1024)
        .unwrap();
    let piped = run_with(home.path(), &env, &create, Input::File(&big), &limits);
    assert_eq!(piped.code, 1, "{piped:?}");
    assert!(
        piped
            .stderr
            .contains("standard input holds more than 16 MiB"),
        "{piped:?}"
    );
    assert!(mock.requests().is_empty(), "nothing was sent");

    // A body just under the cap is read (and then refused by validation, as not JSON).
    let under = home.path().join("under.json");
    std::fs::File::create(&under)
        .unwrap()
        .set_len(16 * 1024 * 1024)
        .unwrap();
    let under = under.to_str().unwrap();
    let mut args = create.to_vec();
    args.extend(["--file", under]);
    let read = run_with(home.path(), &env, &args, Input::Null, &limits);
    assert!(!read.stderr.contains("more than 16 MiB"), "{read:?}");
}

/// A template that would run for hours stops at its fuel, with a usage error.
#[test]
fn templates_run_on_bounded_fuel() {
    let home = TempDir::new("fuel");
    let endless =
        "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}";
    let mut args = vec!["--mock"];
    args.extend_from_slice(LIST);
    args.extend(["-o", endless]);
    let limits = Limits {
        time: Duration::from_secs(90),
        memory_kib: None,
    };
    let stopped = run_with(home.path(), &[], &args, Input::Null, &limits);
    assert!(
        !stopped.timed_out,
        "the template ran unbounded: {stopped:?}"
    );
    assert_eq!(stopped.code, 1, "{stopped:?}");
    assert!(stopped.stderr.contains("instructions"), "{stopped:?}");
    // An ordinary template still renders.
    let mut args = vec!["--mock"];
    args.extend_from_slice(LIST);
    args.extend(["-o", "{% for r in results %}{{ r.name }}{% endfor %}"]);
    run(home.path(), &[], &args, None).ok();
}

/// Files in `dir` other than `keep`: a failed run leaves no temporary file behind.
fn others(dir: &Path, keep: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != keep)
        .collect()
}

/// `--outputFile` is replaced only by a whole answer: an error status or a download cut
/// mid-way leaves the old file as it was (and no partial one); a success replaces it.
#[test]
fn the_output_file_is_replaced_whole_or_not_at_all() {
    let mock = MockAtlas::start();
    let home = TempDir::new("output-file");
    let out_dir = home.path().join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let out = out_dir.join("answer.json");
    let out_arg = out.to_str().unwrap().to_string();
    std::fs::write(&out, "the old answer\n").unwrap();
    let env = mock_env(&mock);

    // Atlas answers 404: exit 1, its error body on stdout, the file untouched.
    let absent = run(
        home.path(),
        &env,
        &[
            "api",
            SA,
            "getOrgServiceAccount",
            "--clientId",
            "mdb_sa_id_000000000000000000000000",
            "--outputFile",
            &out_arg,
        ],
        None,
    );
    assert_eq!(absent.code, 1, "{absent:?}");
    assert_eq!(absent.json()["error"], 404, "{absent:?}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "the old answer\n");
    assert!(others(&out_dir, "answer.json").is_empty());

    // A download cut mid-way: exit 1, the file untouched, no partial file beside it. (An
    // answer announcing at most 256 KiB is read with its head, so the cut is a failed
    // exchange, retried as any GET; a longer one is cut while being copied.)
    let download_cut_by = |announced: usize, sent: usize| {
        let cut = CutServer::start(announced, sent);
        let cut_env = vec![
            ("MONGODB_ATLAS_OPS_MANAGER_URL", cut.url.clone()),
            ("MONGODB_ATLAS_ACCESS_TOKEN", "any-token-at-all".to_string()),
            ("MONGODB_ATLAS_PROJECT_ID", GROUP.to_string()),
        ];
        run(
            home.path(),
            &cut_env,
            &[
                "api",
                "monitoringAndLogs",
                "downloadClusterLog",
                "--hostName",
                "cluster0-shard-00-00.mongodb.net",
                "--logName",
                "mongodb",
                "-o",
                "gzip",
                "--outputFile",
                &out_arg,
            ],
            None,
        )
    };
    let short = download_cut_by(100_000, 10_000);
    assert_eq!(short.code, 1, "{short:?}");
    assert!(
        short.stderr.contains("gave up after 4 attempts"),
        "{short:?}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "the old answer\n");
    assert!(others(&out_dir, "answer.json").is_empty());
    let long = download_cut_by(4_000_000, 600_000);
    assert_eq!(long.code, 1, "{long:?}");
    assert!(long.stderr.contains("cut"), "{long:?}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "the old answer\n");
    assert!(others(&out_dir, "answer.json").is_empty());

    // A success replaces it.
    run(
        home.path(),
        &env,
        &[
            "api",
            SA,
            "getOrgServiceAccount",
            "--clientId",
            mock.client_id(),
            "--outputFile",
            &out_arg,
        ],
        None,
    )
    .ok();
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(written["clientId"], mock.client_id());
    assert!(others(&out_dir, "answer.json").is_empty());
    // A path that is not a regular file (here a FIFO) is written in place, not replaced.
    let fifo = out_dir.join("fifo");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let fifo_arg = fifo.to_str().unwrap();
    run(
        home.path(),
        &env,
        &[
            "api",
            SA,
            "listOrgServiceAccounts",
            "--outputFile",
            fifo_arg,
        ],
        None,
    )
    .ok();
    let through: serde_json::Value = serde_json::from_str(&reader.join().unwrap()).unwrap();
    assert_eq!(through["totalCount"], 1);
    use std::os::unix::fs::FileTypeExt as _;
    assert!(
        fifo.metadata().unwrap().file_type().is_fifo(),
        "still a FIFO"
    );
}

/// A loopback server that answers every request with a gzip download announcing
/// `length` bytes, sends `sent` of them and closes the connection.
struct CutServer {
    url: String,
}

impl CutServer {
    fn start(length: usize, sent: usize) -> CutServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut request = Vec::new();
                let mut byte = [0u8; 1];
                while !request.ends_with(b"\r\n\r\n") {
                    match stream.read(&mut byte) {
                        Ok(1) => request.push(byte[0]),
                        _ => break,
                    }
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.atlas.2023-02-01+gzip\r\nContent-Length: {length}\r\n\r\n"
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&vec![0x1f; sent]);
                let _ = stream.flush();
                // Dropped: the connection closes before the announced end.
            }
        });
        CutServer { url }
    }
}

/// A server's error `detail` with terminal escapes and a forged line reaches the terminal
/// escaped, on the error's own line; the error body on stdout stays exactly as sent.
#[test]
fn server_text_reaches_the_terminal_without_control_characters() {
    let body = serde_json::json!({
        "error": 400,
        "errorCode": "INVALID_\u{1b}[31mCODE",
        "reason": "Bad Request",
        "detail": "bad\u{1b}]0;owned\u{7}\u{1b}[2J\r\nerror: all is well\u{9b}1m\u{202e}",
    })
    .to_string();
    let server = {
        let body = body.clone();
        TestServer::with_handler(move |_| Canned::json(400, &body))
    };
    let home = TempDir::new("escapes");
    let env = vec![
        ("MONGODB_ATLAS_OPS_MANAGER_URL", server.url().to_string()),
        ("MONGODB_ATLAS_ACCESS_TOKEN", "any-token-at-all".to_string()),
        ("MONGODB_ATLAS_ORG_ID", ORG.to_string()),
    ];
    let mut args = vec!["-D"];
    args.extend_from_slice(LIST);
    let failed = run(home.path(), &env, &args, None);
    assert_eq!(failed.code, 1, "{failed:?}");
    // stdout is for programs: the error body with the detail exactly as sent.
    let sent: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(failed.json()["detail"], sent["detail"], "{failed:?}");
    let unsafe_char =
        |c: char| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c);
    assert!(
        !failed.stderr.chars().any(unsafe_char),
        "control characters on stderr: {:?}",
        failed.stderr
    );
    assert!(
        !failed
            .stderr
            .lines()
            .any(|l| l.starts_with("error: all is well")),
        "a forged line: {}",
        failed.stderr
    );
    assert!(
        failed.stderr.contains(r"bad\u001b]0;owned"),
        "{}",
        failed.stderr
    );
}

/// A reader that closes standard output early (`| head`) ends the run quietly, status
/// 0: for an answer, for every page of `--paginate`, for `--dry-run`.
#[test]
fn a_closed_standard_output_ends_quietly() {
    let home = TempDir::new("closed-stdout");
    let mut paginate = vec!["--mock"];
    paginate.extend_from_slice(LIST);
    paginate.push("--paginate");
    let mut dry = vec!["--mock", "--dry-run"];
    dry.extend_from_slice(LIST);
    let mut plain = vec!["--mock"];
    plain.extend_from_slice(LIST);
    for args in [plain, paginate, dry] {
        let mut cmd = command(home.path(), &[], &args, &Limits::default());
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("atlas-rs runs");
        // Closed before the binary writes anything: its first write finds no reader.
        drop(child.stdout.take());
        let ended = finish(child, Duration::from_secs(120));
        assert_eq!(ended.code, 0, "{args:?}: {ended:?}");
        assert!(!ended.stderr.contains("error"), "{args:?}: {ended:?}");
        assert!(
            !ended.stderr.to_lowercase().contains("broken pipe"),
            "{args:?}: {ended:?}"
        );
        assert!(!ended.stderr.contains("panicked"), "{args:?}: {ended:?}");
    }
}
