//! The table at the top of `it/main.rs` is the map of this suite: every module has its row,
//! and every row names a module that exists.

use std::collections::BTreeSet;

#[test]
fn every_module_has_a_row_in_the_index() {
    let main = include_str!("main.rs");
    let modules: BTreeSet<&str> = main
        .lines()
        .filter_map(|l| l.strip_prefix("mod ")?.strip_suffix(';'))
        .collect();
    let rows: BTreeSet<&str> = main
        .lines()
        .filter_map(|l| l.strip_prefix("//! | [`")?.split_once("`]").map(|(m, _)| m))
        .collect();
    assert!(modules.len() > 40, "the suite's modules were not found");
    let unlisted: Vec<_> = modules.difference(&rows).collect();
    let stale: Vec<_> = rows.difference(&modules).collect();
    assert!(
        unlisted.is_empty() && stale.is_empty(),
        "it/main.rs's index: modules without a row {unlisted:?}, rows without a module {stale:?}"
    );
}
