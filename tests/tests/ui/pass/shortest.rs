use atlas_runtime::atlas_endpoint;

#[atlas_endpoint(POST, "/orgs/{orgId}/serviceAccounts/{clientId}/secrets", pattern(orgId = "^([a-f0-9]{24})$"))] pub struct CreateSecret { pub org_id: String, pub client_id: String, pub secret_expires_after_hours: i32 }

fn main() {
    use atlas_runtime::Endpoint;

    let call = CreateSecret::new("32b6e34b3d91647abb20e7b8", "mdb_sa_id_1234567890abcdef12345678", 8);
    assert_eq!(call.org_id, "32b6e34b3d91647abb20e7b8");
    assert_eq!(call.secret_expires_after_hours, 8);
    assert!(call.validate().is_ok());
    assert!(CreateSecret::new("not-an-id", "c", 8).validate().is_err());

    let info = CreateSecret::INFO;
    assert_eq!(info.method, atlas_runtime::Method::Post);
    assert_eq!(info.template, "/orgs/{orgId}/serviceAccounts/{clientId}/secrets");
    assert_eq!(info.version, None);
    assert_eq!(info.operation_id, None);
    assert_eq!(info.body, atlas_runtime::implement::BodyKind::Object);
    assert_eq!(info.param("secretExpiresAfterHours").unwrap().location, atlas_runtime::implement::Location::Body);

    // The response defaults to `()`.
    let _: fn(&CreateSecret, &atlas_runtime::Client) -> Result<(), atlas_runtime::Error> = CreateSecret::send;
}
