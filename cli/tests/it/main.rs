//! The `atlas-rs` binary driven as a user drives it, against real servers on 127.0.0.1:
//!
//! | module | proves |
//! |---|---|
//! | `emulator` | a stateful session against atlas-mock: create, list with `--paginate`, rotate a secret, delete with `--watch`; `--mock`; exit statuses; `--dry-run` and `-D` redaction |
//! | `doc_names` | every `atlas api <group> <command>` a generated doc advertises is a command of `atlas-rs` (one naming rule, `atlas_rules::names`) |
//! | `paginate` | `--paginate` ends at a page that repeats the one before (the SDK's one walker) |
//! | `profiles` | the official CLI's config file and the `MONGODB_ATLAS_*` precedence |
//! | `spec_names` | every Service Accounts command and flag is named as the official CLI names it (the spec's override ids) |
//! | `prism` | a sample of operations against Prism serving the official spec |
//! | `token_cache` | runs share one token through the file cache; a changed or wrong secret is not served the cached token |
//! | `completion` | Tab in a real bash (tmux) completes groups, commands, flags and values; zsh's and fish's protocol answers |
//! | `facts` | `src/facts.rs` (allowed values, defaults) is what the spec says |
//! | `switching` | issue 27 as a user of `atlas` meets it: exit statuses, Go templates, help, command names in errors, audit and the default versions' sunsets |
//! | `keyring` | credentials the official CLI left in a real Secret Service (gnome-keyring on a D-Bus session) |
//! | `under_attack` | hostile or careless input (issue 21): secrets in a broken config line and in what a server echoes under `-D`, wrong key types, bodies and templates without end, cut downloads and the output file, terminal escapes, a closed stdout |

mod completion;
mod doc_names;
mod emulator;
mod facts;
mod keyring;
mod paginate;
mod prism;
mod profiles;
mod spec_names;
mod support;
mod switching;
mod token_cache;
mod under_attack;
