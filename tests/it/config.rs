//! Configuration from the environment, with the `atlas` CLI's names and precedence.

use std::collections::HashMap;

use atlas_runtime::{Client, ClientBuilder, ConfigError, Credentials};

fn from(vars: &[(&str, &str)]) -> Result<ClientBuilder, ConfigError> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    ClientBuilder::from_lookup(move |name| map.get(name).cloned())
}

fn credentials_of(b: ClientBuilder) -> String {
    format!("{:?}", b.build().unwrap())
}

#[test]
fn nothing_set_means_no_credentials_and_the_public_cloud() {
    let client = from(&[]).unwrap().build().unwrap();
    assert_eq!(client.context().base_url, "https://cloud.mongodb.com");
    assert!(format!("{client:?}").contains("Credentials::None"));
}

#[test]
fn a_service_account_wins_over_an_api_key() {
    let b = from(&[
        (
            "MONGODB_ATLAS_CLIENT_ID",
            "mdb_sa_id_1234567890abcdef12345678",
        ),
        ("MONGODB_ATLAS_CLIENT_SECRET", "mdb_sa_sk_secret"),
        ("MONGODB_ATLAS_PUBLIC_API_KEY", "abcdefgh"),
        ("MONGODB_ATLAS_PRIVATE_API_KEY", "private-uuid"),
    ])
    .unwrap();
    let shown = credentials_of(b);
    assert!(shown.contains("ServiceAccount"), "{shown}");
    assert!(!shown.contains("mdb_sa_sk_secret") && !shown.contains("private-uuid"));
}

#[test]
fn an_api_key_alone_is_used() {
    let b = from(&[
        ("MONGODB_ATLAS_PUBLIC_API_KEY", "abcdefgh"),
        ("MONGODB_ATLAS_PRIVATE_API_KEY", "private-uuid"),
    ])
    .unwrap();
    assert!(credentials_of(b).contains("ApiKey { public_key: \"abcdefgh\""));
}

#[test]
fn half_a_credential_names_the_missing_variable() {
    for (set, missing) in [
        ("MONGODB_ATLAS_CLIENT_ID", "MONGODB_ATLAS_CLIENT_SECRET"),
        ("MONGODB_ATLAS_CLIENT_SECRET", "MONGODB_ATLAS_CLIENT_ID"),
        (
            "MONGODB_ATLAS_PUBLIC_API_KEY",
            "MONGODB_ATLAS_PRIVATE_API_KEY",
        ),
        (
            "MONGODB_ATLAS_PRIVATE_API_KEY",
            "MONGODB_ATLAS_PUBLIC_API_KEY",
        ),
    ] {
        let err = from(&[(set, "value")]).unwrap_err();
        let shown = err.to_string();
        assert!(shown.contains(&format!("{missing} is not")), "{shown}");
        assert!(!shown.contains("value"), "never echo a value: {shown}");
    }
    // Empty counts as unset.
    let err = from(&[
        (
            "MONGODB_ATLAS_CLIENT_ID",
            "mdb_sa_id_1234567890abcdef12345678",
        ),
        ("MONGODB_ATLAS_CLIENT_SECRET", ""),
    ])
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("MONGODB_ATLAS_CLIENT_SECRET is not")
    );
}

#[test]
fn base_url_and_service() {
    let gov = from(&[("MONGODB_ATLAS_SERVICE", "cloudgov")])
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(gov.context().base_url, "https://cloud.mongodbgov.com");
    let om = from(&[
        (
            "MONGODB_ATLAS_OPS_MANAGER_URL",
            "https://opsmanager.example.com:8443/",
        ),
        ("MONGODB_ATLAS_SERVICE", "cloudgov"),
    ])
    .unwrap()
    .build()
    .unwrap();
    assert_eq!(om.context().base_url, "https://opsmanager.example.com:8443");
    let err = from(&[("MONGODB_ATLAS_SERVICE", "moon")]).unwrap_err();
    assert!(err.to_string().contains("MONGODB_ATLAS_SERVICE"));
}

#[test]
fn credentials_never_travel_over_plain_http_to_another_host() {
    let b = || {
        Client::builder()
            .base_url("http://atlas.internal.example:8080")
            .credentials(Credentials::service_account("id", "secret"))
    };
    assert!(matches!(
        b().build().unwrap_err(),
        ConfigError::InsecureTransport(_)
    ));
    b().allow_insecure_http(true).build().unwrap();
    // A plain-http token URL elsewhere is refused too.
    let err = Client::builder()
        .credentials(Credentials::service_account("id", "secret"))
        .token_url("http://tokens.example.com/token")
        .build()
        .unwrap_err();
    assert!(matches!(err, ConfigError::InsecureTransport(_)), "{err:?}");
    // Loopback is fine: that is where tests and the emulator live.
    Client::builder()
        .base_url("http://127.0.0.1:8080")
        .credentials(Credentials::api_key("pub", "priv"))
        .build()
        .unwrap();
}
