//! The runtime's crate root is the user's API (issue 23 §2): about 35 names to declare,
//! build a client, send and handle what comes back, as reqwest's root is. Token stores,
//! errors by phase, raw calls, defaults and what a hand implementer of `Endpoint` needs
//! each live in their module; a name added to the root is a decision, made here.

use std::collections::BTreeSet;

/// Every name the root exports, macros included.
const ROOT: &[&str] = &[
    // Declaring.
    "atlas_endpoint",
    "pattern",
    "QueryValue",
    "Decode",
    "Pattern",
    "Patch",
    "Paginated",
    // A client.
    "Client",
    "ClientBuilder",
    "ConfigError",
    "Credentials",
    "TokenStore",
    "RequestOptions",
    "RetryPolicy",
    "Proxy",
    "TlsRoots",
    // Ids.
    "OrgId",
    "GroupId",
    "ClientId",
    "ObjectId",
    "IdError",
    // What comes back.
    "Response",
    "Download",
    "Format",
    "Pages",
    "Items",
    "Error",
    "ValidationError",
    "Violation",
    "Attempt",
    // What an operation is.
    "Endpoint",
    "EndpointInfo",
    "Method",
];

/// The root's `pub use` names, read from `runtime/src/lib.rs` (only unindented lines:
/// the modules' own re-exports are indented).
fn root_names() -> BTreeSet<String> {
    let lib = include_str!("../../runtime/src/lib.rs");
    let mut names = BTreeSet::new();
    let mut statement = String::new();
    for line in lib.lines() {
        if statement.is_empty() && !line.starts_with("pub use ") {
            continue;
        }
        statement.push_str(line);
        if !line.trim_end().ends_with(';') {
            continue;
        }
        let items = std::mem::take(&mut statement);
        let items = items.trim_start_matches("pub use ").trim_end_matches(';');
        let items = match items.split_once('{') {
            Some((_, group)) => group.trim_end_matches('}').to_string(),
            None => items.to_string(),
        };
        for item in items.split(',') {
            let item = item.trim();
            let name = item
                .rsplit(" as ")
                .next()
                .unwrap()
                .rsplit("::")
                .next()
                .unwrap();
            if !name.is_empty() {
                names.insert(name.to_string());
            }
        }
    }
    names
}

#[test]
fn the_crate_root_is_the_users_api() {
    let root = root_names();
    let expected: BTreeSet<String> = ROOT.iter().map(|s| s.to_string()).collect();
    let added: Vec<_> = root.difference(&expected).collect();
    let gone: Vec<_> = expected.difference(&root).collect();
    assert!(
        added.is_empty() && gone.is_empty(),
        "the root exports {added:?} beyond the user API and lacks {gone:?}"
    );
    assert!(root.len() <= 35, "{} names at the root", root.len());
}

#[test]
fn each_module_names_what_it_holds() {
    // Compiles only if every name is where the docs say: a test by construction, with a
    // use of each so that none is optimised into meaning nothing.
    use atlas_runtime::defaults::{DEFAULT_BASE_URL, DEFAULT_TIMEOUT, default_user_agent};
    use atlas_runtime::error::{ApiError, TransportError, TransportErrorKind};
    use atlas_runtime::implement::prelude::*;
    use atlas_runtime::raw::{RawCall, RawPages};
    use atlas_runtime::store::{FileTokenStore, MemoryTokenStore, TokenKey};

    assert_eq!(DEFAULT_BASE_URL, "https://cloud.mongodb.com");
    assert!(DEFAULT_TIMEOUT.as_secs() > 0);
    assert!(default_user_agent(None).starts_with("atlas-"));
    assert_eq!(Location::Path.as_str(), "path");
    assert_eq!(Method::Get.as_str(), "GET");
    let _: Option<(&ApiError, &TransportError, TransportErrorKind)> = None;
    let _: Option<(&RawCall, &RawPages<'_>, &FileTokenStore, &TokenKey)> = None;
    let _store: std::sync::Arc<dyn atlas_runtime::TokenStore> =
        std::sync::Arc::new(MemoryTokenStore::default());
    let _: fn(&mut PathWriter) = |_| {};
}
