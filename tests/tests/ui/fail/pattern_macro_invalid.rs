//! `pattern!` refuses what the attribute refuses, on the literal, with the same words.

use atlas_runtime::{Pattern, pattern};

const LOOKAHEAD: Pattern = pattern!("(?=a)b");
const NOT_A_LITERAL: Pattern = pattern!(LOOKAHEAD);

fn main() {
    let _ = (LOOKAHEAD, NOT_A_LITERAL);
}
