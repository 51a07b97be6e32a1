//! The trybuild suite: each case in `tests/tests/ui/fail/` must fail to compile with the
//! `.stderr` beside it, each in `tests/tests/ui/pass/` must compile and run. Regenerate
//! with `TRYBUILD=overwrite` and read the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
