//! The MongoDB Atlas Administration API v2, declared with
//! [`#[atlas_endpoint]`](atlas_runtime::atlas_endpoint).
//!
//! Each operation is a struct named after its `operationId`; build it with `new(…)` and
//! the chainable setters, then call `send(&client)`.
//!
//! | CLI name | method | path |
//! |---|---|---|
//! | `serviceAccounts createOrgSecret` | POST | `/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/secrets` |

#![warn(missing_docs)]

pub mod service_accounts;
