//! The integration tests of the Atlas framework, as one binary: each file is a module,
//! so ureq, rustls and the endpoints are linked once instead of once per file. Run one
//! file with `cargo test -p atlas-tests --test it <module>::`.
//!
//! A test that needs a peer or the spec is marked `#[needs(prism, spec)]` in place of
//! `#[test]` (`tests/needs`, one table of peers shared with `build.rs`): where the build
//! script did not find one, the test is ignored with what to install; under CI a missing
//! peer fails the build. `cargo test -p atlas-tests --test it -- --list --ignored` lists
//! the ignored ones. Test support (servers, peers, the spec as data) is its own
//! library, `atlas-test-support` in `tests/support`.
//!
//! | module | what it tests | needs |
//! |---|---|---|
//! | [`send`] | the reference operation end to end: exact request, every documented answer | spec (two tests) |
//! | [`validation`] | invalid input refused before any I/O, every violation at once | |
//! | [`encoding`] | no path value changes the route the server sees | |
//! | [`encoded_paths`] | `#[atlas(path, encoded)]` values checked decoded; none changes the route | |
//! | [`maximal_wire`] | every member a request may send is on the wire: a maximal instance of every model a request body reaches and of every request with a body (`generated_maximal.rs`) | |
//! | [`patch_bodies`] | the exact body of leave / set / clear on every kind of member | |
//! | [`decode`] | `#[derive(Decode)]` against serde's derive: same values, same errors (and a proptest) | |
//! | [`id_types`] | ids that carry their rule, named patterns, derived query enums | |
//! | [`config`] | `Client::from_env` names and precedence, as the `atlas` CLI | |
//! | [`extension`] | a third-party crate declares and sends its own endpoints | |
//! | [`digest`] | API keys over HTTP Digest against a verifying loopback server | |
//! | [`oauth`] | service-account tokens: shape, cache, refresh, single flight, 401, 429, revoke | |
//! | [`retry`] | retries that never duplicate a write; waits; last error | |
//! | [`hostile`] | servers that mean harm: echoed secrets, stalls past the budget, endless lists, panicking stores, bad tokens | |
//! | [`metadata`] | `send_full` status and headers, per-call headers (refused names, issue 21) and timeouts, the 406 message (version or form) | |
//! | [`downloads`] | gzip and CSV answers streamed, `Accept` per format, errors of downloads | |
//! | [`idle_connections`] | a connection the server closed while the client was idle (Apache `KeepAliveTimeout 1`, the emulator's connection table and keep-alive timeout) is never written to: 50 POSTs after idle gaps, one each | Apache (one test) |
//! | [`fault_matrix`] | RELIABILITY.md's fault matrix against the emulator's fault injection | |
//! | [`corporate_network`] | through a real proxy (tinyproxy: CONNECT tunnels, absolute form, 407, credentials), to HTTPS signed by a test CA, `NO_PROXY`, the proxy and CA variables read from the environment; proxy credentials never shown | Apache with mod_ssl, openssl, tinyproxy |
//! | [`concurrency`] | 32 threads × 200 calls through token expiries, bounded by a watchdog | |
//! | [`no_secrets`] | no secret in logs (hex dumps reassembled, encoded forms), `Debug` or `Display` | |
//! | [`properties`] | proptest: generated validators vs the `regex` crate; routes | |
//! | [`service_accounts_wire`] | the 22 Service Accounts operations on the wire | spec (two tests) |
//! | [`service_accounts_validation`] | every rule of the Service Accounts operations | |
//! | [`service_accounts_pagination`] | `.pages()` and `.items()` against an Atlas-like pager; a walk started past page 1, typed and `RawPages` | |
//! | [`emulator_rotation`] | a full secret rotation against the emulator | |
//! | [`emulator_fidelity`] | every operation through Prism as a validating proxy in front of the emulator | Prism, spec |
//! | [`examples`] | the seven task examples (`endpoints/examples`) run as binaries on the embedded emulator, then with credentials through Prism as a validating proxy in front of an emulator | Prism, spec (one test) |
//! | [`conformance`] | declared endpoints against the official spec; the checker itself on mini specs | spec (two tests) |
//! | [`prism_live`] | the reference endpoint against Prism: what `validate()` refuses, Prism refuses | Prism, spec |
//! | [`prism_all`] | every declared operation through `send()` against `prism mock` | Prism, spec |
//! | [`peers_auth`] | our client against Apache's mod_auth_digest and oauth2-mock-server | Apache, oauth2-mock-server |
//! | [`peers_smoke`] | the peers themselves, driven with a plain HTTP client | Apache, oauth2-mock-server |
//! | [`fleet`] | processes sharing one token: `FileTokenStore`, `RedisTokenStore` (4 hosts, a killed lease holder, Redis stopped or frozen, planted tokens and values) | redis-server (Redis tests) |
//! | [`user_crate`] | a user's own crate (`tests/user-crate`) declares six other tags' operations (download, CSV, PATCH leave/set/clear, encoded DELETE, array body) and sends them to Prism | Prism, spec (one test) |
//! | [`public_api`] | the runtime's root is the user's API (33 names); stores, errors by phase, raw calls, defaults and the implementer's prelude in their modules | |
//! | [`publishing`] | every published crate's registry metadata, versioned path dependencies, the `LICENSE` it names, docs.rs metadata (CI packages each crate and checks the tree's licences) | |
//! | [`duplicate_dependencies`] | `cargo tree -d`: what a user of one tag, of every tag, and of the attribute alone builds has each dependency in one major (reasons for the exceptions written down) | |
//! | [`codegen_equivalence`] | the generated Service Accounts declare what their hand-written reference does, and build the same requests from the same input | |
//! | [`reference`] | the hand-written Service Accounts, kept as the reference the generated ones are held to (not a test) | |
//! | [`generated_maximal`] | (generated data) a maximal instance of every model a request body reaches, for `maximal_wire` | |
//! | [`generated_models`] | the generated models as serde sees them: unions that keep their tag, enums that keep unknown values, credentials hidden from `Debug` | |
//! | [`generated_operations`] | (generated data) every request type by tag, for the tests that drive each one | |
//! | [`operations_table`] | README.md's operations table is the declarations' (`UPDATE_README=1` rewrites it) | |
//! | [`prism_every_operation`] | every generated operation but the previews against Prism serving the spec with `--errors`, each request built from the spec alone | Prism, spec |
//! | [`round_trip`] | every received model reads the spec's example and a maximal instance, and writes back every member it read | spec |
//! | [`suite_index`] | this table has a row for every module of the suite | |
//! | [`waiters`] | the waiter table against the spec (every observable write, every value in one set); waits on the emulator's lifecycles: 40 GETs for a 20-minute create, 100 faults while polling, failure states, deletes, deadlines, a handle resumed in another process | spec (one test) |
//! | [`ui`] | trybuild: compile-fail and pass cases in `tests/tests/ui/` | |

mod codegen_equivalence;
mod concurrency;
mod config;
mod conformance;
mod corporate_network;
mod decode;
mod digest;
mod downloads;
mod duplicate_dependencies;
mod emulator_fidelity;
mod emulator_rotation;
mod encoded_paths;
mod encoding;
mod examples;
mod extension;
mod fault_matrix;
mod fleet;
mod generated_maximal;
mod generated_models;
mod generated_operations;
mod hostile;
mod id_types;
mod idle_connections;
mod maximal_wire;
mod metadata;
mod no_secrets;
mod oauth;
mod operations_table;
mod patch_bodies;
mod peers_auth;
mod peers_smoke;
mod prism_all;
mod prism_every_operation;
mod prism_live;
mod properties;
mod public_api;
mod publishing;
mod reference;
mod retry;
mod round_trip;
mod send;
mod service_accounts_pagination;
mod service_accounts_validation;
mod service_accounts_wire;
mod suite_index;
mod ui;
mod user_crate;
mod validation;
mod waiters;
