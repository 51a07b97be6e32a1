//! The `atlas-rs` binary driven as a user drives it, against real servers on 127.0.0.1:
//!
//! | module | proves |
//! |---|---|
//! | `emulator` | a stateful session against atlas-mock: create, list with `--paginate`, rotate a secret, delete with `--watch`; `--mock`; exit statuses; `--dry-run` and `-D` redaction |
//! | `profiles` | the official CLI's config file and the `MONGODB_ATLAS_*` precedence |
//! | `spec_names` | every Service Accounts command and flag is named as the official CLI names it (the spec's override ids) |
//! | `prism` | a sample of operations against Prism serving the official spec |

mod emulator;
mod prism;
mod profiles;
mod spec_names;
mod support;
mod token_cache;
