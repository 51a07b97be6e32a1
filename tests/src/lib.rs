//! The integration suite's package (`it/`, `tests/ui`, the fleet and proxy helper
//! binaries in `src/bin/`). Its support library is `atlas-test-support` (`support/`);
//! this library holds only the README's code blocks, as doctests.

/// The README's code blocks, as doctests: each compiles, and those without `no_run`
/// (the download in "More than the body") run, on the embedded emulator.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
