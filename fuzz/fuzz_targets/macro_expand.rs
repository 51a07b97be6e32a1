//! `#[atlas_endpoint]` end to end on `proc_macro2` tokens: `atlas_endpoint(args, item)`
//! (`atlas-macros-impl`, `macros/impl/src/entry.rs`) as the compiler would call it, errors
//! included.
//!
//! Input (lossy UTF-8): the attribute's arguments, then a line `---`, then the struct's
//! fields, which are wrapped as `pub struct X { … }`; a struct part starting with `@` is
//! the whole item instead (so enums, generics, tuple structs, attributes are reached).
//! Without a `---` line the item is `pub struct X { pub org_id: String }`. Inputs that do
//! not tokenize are skipped.
//!
//! ```text
//! POST, "/orgs/{orgId}/serviceAccounts/{clientId}/secrets", version = "2024-08-05"
//! ---
//! pub org_id: String, pub client_id: String,
//! #[atlas(range(exclusive_min = 0))] pub secret_expires_after_hours: i32,
//! ```
//!
//! Checked besides "never panics" (problems must become `compile_error!`): the output
//! tokenizes again; when the item is a valid `DeriveInput`, the output still declares it;
//! two expansions of the same input give the same tokens (no hash-order dependence; checked
//! when the first one took under 20 ms).
//!
//! `ATLAS_FUZZ_PRINT=1` prints each expansion (to replay one input and read it).

#![no_main]

use std::str::FromStr;

use atlas_macros_impl::atlas_endpoint;
use libfuzzer_sys::fuzz_target;
use proc_macro2::{TokenStream, TokenTree};

const DEFAULT_ITEM: &str = "pub struct X { pub org_id: String }";

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (args, item) = match text.split_once("\n---\n") {
        Some((args, fields)) => match fields.strip_prefix('@') {
            Some(whole) => (args, whole.to_owned()),
            None => (args, format!("pub struct X {{ {fields} }}")),
        },
        None => (&*text, DEFAULT_ITEM.to_owned()),
    };
    let (Ok(args), Ok(item)) = (TokenStream::from_str(args), TokenStream::from_str(&item)) else {
        return;
    };

    let started = std::time::Instant::now();
    let output = atlas_endpoint(args.clone(), item.clone());
    // Patterns whose DFA nears the size limit take seconds: compare those only once.
    let slow = started.elapsed() > std::time::Duration::from_millis(20);
    let printed = output.to_string();
    if std::env::var_os("ATLAS_FUZZ_PRINT").is_some() {
        eprintln!("args: {args}\nitem: {item}\nexpansion:\n{printed}");
    }
    if let Err(e) = TokenStream::from_str(&printed) {
        panic!("the expansion does not tokenize again ({e}):\n{printed}");
    }
    if let Ok(input) = syn::parse2::<syn::DeriveInput>(item.clone()) {
        let name = input.ident.to_string();
        assert!(
            declares(&output, &name),
            "the expansion lost the item `{name}`:\n{printed}"
        );
    }
    if !slow {
        let again = atlas_endpoint(args, item).to_string();
        assert_eq!(printed, again, "two expansions of one input differ");
    }
});

/// Whether `tokens` has the ident `name` right after `struct`, `enum` or `union`.
fn declares(tokens: &TokenStream, name: &str) -> bool {
    let mut after_keyword = false;
    for tree in tokens.clone() {
        match &tree {
            TokenTree::Ident(ident) if after_keyword && *ident == name => return true,
            TokenTree::Ident(ident) => {
                after_keyword = ["struct", "enum", "union"].iter().any(|k| ident == k);
            }
            _ => after_keyword = false,
        }
    }
    false
}
