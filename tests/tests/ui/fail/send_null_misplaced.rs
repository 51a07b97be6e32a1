//! `send_null` is for `Option` body members: a `Patch` sends null on `Clear` already,
//! other types are always sent, and query values have no null.

use atlas_runtime::{Patch, atlas_endpoint};

#[atlas_endpoint(PATCH, "/things/{id}", version = "2024-08-05")]
pub struct UpdateThing {
    pub id: String,
    #[atlas(send_null)]
    pub name: Patch<String>,
    #[atlas(send_null)]
    pub size: i32,
    #[atlas(query, send_null)]
    pub filter: Option<String>,
    #[atlas(send_null = true)]
    pub note: Option<String>,
}

fn main() {}
