//! Request structs are `#[non_exhaustive]`: another crate builds them with `new` and the
//! setters (so adding a parameter breaks no caller), and may still read and assign fields.

use atlas_endpoints::service_accounts::{GetOrgServiceAccount, ListOrgServiceAccounts};

fn main() {
    let _ = GetOrgServiceAccount {
        org_id: "32b6e34b3d91647abb20e7b8".into(),
        client_id: "mdb_sa_id_1234567890abcdef12345678".into(),
    };
    let mut list = ListOrgServiceAccounts::new("32b6e34b3d91647abb20e7b8").page_num(2);
    list.items_per_page = Some(10);
    let _ = (&list.org_id, list.page_num);
}
