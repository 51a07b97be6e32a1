//! After a declaration error the constructor, setters and `send` are still generated:
//! the error is reported once, on the declaration, and not again at every use.

use atlas_runtime::{Client, Credentials, Patch, atlas_endpoint};

#[atlas_endpoint(PATCH, "/orgs/{orgId}/things/{thingId}", version = "2024-8-5",
    response = serde_json::Value)]
pub struct UpdateThing {
    pub org_id: String,
    pub thing_id: String,
    #[atlas(query, range(min = 1))]
    pub page_num: Option<i32>,
    #[atlas(lenght(max = 64))]
    pub name: Patch<String>,
}

fn main() {
    let client = Client::builder()
        .credentials(Credentials::bearer("t"))
        .build()
        .unwrap();
    let call = UpdateThing::new("32b6e34b3d91647abb20e7b8", "x")
        .page_num(2)
        .name("new name")
        .name(Patch::Clear);
    let answer: Result<serde_json::Value, atlas_runtime::Error> = call.send(&client);
    let _ = answer;
}
