//! The `atlas-rs` binary driven as a user drives it, against real servers on 127.0.0.1:
//!
//! | module | proves |
//! |---|---|
//! | `emulator` | a stateful session against atlas-mock: create, list with `--paginate`, rotate a secret, delete with `--watch`; `--mock`; exit statuses; `--dry-run` and `-D` redaction |
//! | `profiles` | the official CLI's config file and the `MONGODB_ATLAS_*` precedence |
//! | `spec_names` | every Service Accounts command and flag is named as the official CLI names it (the spec's override ids) |
//! | `prism` | a sample of operations against Prism serving the official spec |
//! | `token_cache` | runs share one token through the file cache; a changed or wrong secret is not served the cached token |
//! | `under_attack` | hostile or careless input (issue 21): secrets in a broken config line and in what a server echoes under `-D`, wrong key types, bodies and templates without end, cut downloads and the output file, terminal escapes, a closed stdout |

mod emulator;
mod prism;
mod profiles;
mod spec_names;
mod support;
mod token_cache;
mod under_attack;
