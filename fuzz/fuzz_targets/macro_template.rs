//! `#[atlas_endpoint]`'s path-template parser (`macros/impl/src/template.rs`) on any string
//! (lossy UTF-8), and the name conversions applied to placeholders.
//!
//! Checked besides "never panics": a template reported without problems is given back
//! whole by its pieces; pieces never hold an empty literal nor two literals in a row;
//! placeholders are identifiers (ASCII letters, digits, `_`, not starting with a digit)
//! and unique; `snake_case` leaves no ASCII capital, `camel_case` no `_`.

#![no_main]

use atlas_macros_impl::{Piece, camel_case, parse_template, snake_case};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let template = String::from_utf8_lossy(data);
    let (pieces, problems) = parse_template(&template);
    for p in &problems {
        assert!(!p.is_empty());
    }

    let mut names: Vec<&str> = Vec::new();
    let mut previous_literal = false;
    let mut rebuilt = String::new();
    for piece in &pieces {
        match piece {
            Piece::Literal(text) => {
                assert!(!text.is_empty(), "empty literal in {pieces:?}");
                assert!(!previous_literal, "two literals in a row in {pieces:?}");
                previous_literal = true;
                rebuilt.push_str(text);
            }
            Piece::Placeholder(name) => {
                previous_literal = false;
                let mut chars = name.chars();
                assert!(
                    chars
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_'),
                    "placeholder {name:?} is not an identifier"
                );
                assert!(
                    !names.contains(&name.as_str()),
                    "{name:?} twice in {pieces:?}"
                );
                names.push(name);
                rebuilt.push('{');
                rebuilt.push_str(name);
                rebuilt.push('}');

                let snake = snake_case(name);
                assert!(!snake.bytes().any(|b| b.is_ascii_uppercase()), "{snake:?}");
                assert!(!camel_case(&snake).contains('_'), "{snake:?}");
            }
        }
    }
    if problems.is_empty() {
        assert_eq!(rebuilt, template, "pieces {pieces:?}");
    }
    // The conversions on the raw text too (field names reach them unchecked).
    let _ = (snake_case(&template), camel_case(&template));
});
