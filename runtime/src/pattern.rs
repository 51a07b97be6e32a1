//! Patterns compiled at build time into byte DFAs.
//!
//! `#[atlas_endpoint]` parses every `pattern` with `regex-syntax`, rejects what Atlas's
//! server would read differently, and turns it into a minimized DFA whose tables it emits
//! as constants. At run time a match is one table walk over the value's UTF-8 bytes: no
//! regex is compiled, ever, so the first `send()` costs what every other one does.
//!
//! A pattern that is one counted class anchored at both ends, like the specification's
//! `^[\p{L}\p{N}\-_.(),:&@+']{1,64}$`, comes as the tables of `^C*$` plus bounds on the
//! number of chars: counting in the DFA would repeat `C`'s UTF-8 decoder for every count.
//!
//! Meaning follows the Atlas server, not Rust's `regex` defaults: a pattern is an
//! unanchored search (as in JSON Schema, so `^…$` are needed to pin it), and `\d`, `\w`,
//! `\s` and `\b` are ASCII, as in Java.

use std::fmt;

/// The state after a match was seen: absorbing, since only existence matters. State 0 is
/// the dead state, from which no match can follow; both end the walk early.
const MATCH: u16 = 1;

/// A pattern checked at compile time, with the tables that decide it.
///
/// Built only by the macro (through a hidden constructor); read by
/// [`Constraint::Pattern`](crate::Constraint::Pattern).
#[derive(Clone, Copy)]
pub struct Pattern {
    source: &'static str,
    /// Byte → equivalence class.
    classes: &'static [u8; 256],
    /// `states × stride` transitions, row-major.
    transitions: &'static [u16],
    /// Number of byte classes (row width).
    stride: usize,
    start: u16,
    /// Per state: does the end of input complete a match?
    eoi_match: &'static [bool],
    /// Fewest chars (Unicode scalar values) a matching text has; 0 if the tables decide.
    min_chars: usize,
    /// Most chars a matching text has; `usize::MAX` if the tables decide.
    max_chars: usize,
}

impl Pattern {
    /// Used by generated code only; the tables come from the macro's DFA builder. A text
    /// matches when it has `min_chars..=max_chars` chars and the tables accept it.
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)]
    pub const fn __from_tables(
        source: &'static str,
        classes: &'static [u8; 256],
        transitions: &'static [u16],
        stride: usize,
        start: u16,
        eoi_match: &'static [bool],
        min_chars: usize,
        max_chars: usize,
    ) -> Self {
        Pattern {
            source,
            classes,
            transitions,
            stride,
            start,
            eoi_match,
            min_chars,
            max_chars,
        }
    }

    /// The pattern as written in the declaration.
    pub const fn source(&self) -> &'static str {
        self.source
    }

    /// Whether `text` contains a match (search semantics, ASCII `\d`/`\w`/`\s`/`\b`).
    #[inline]
    pub fn is_match(&self, text: &str) -> bool {
        if !self.char_count_allowed(text) {
            return false;
        }
        let mut state = self.start;
        if state <= MATCH {
            return state == MATCH;
        }
        for &byte in text.as_bytes() {
            let class = self.classes[byte as usize] as usize;
            state = self.transitions[state as usize * self.stride + class];
            if state <= MATCH {
                return state == MATCH;
            }
        }
        self.eoi_match[state as usize]
    }

    /// Whether the number of chars in `text` is within the bounds. A char takes 1 to 4
    /// bytes, so the byte length usually decides without counting (always, for patterns
    /// without bounds).
    #[inline]
    fn char_count_allowed(&self, text: &str) -> bool {
        let (fewest, most) = (text.len().div_ceil(4), text.len());
        if most < self.min_chars || fewest > self.max_chars {
            return false;
        }
        if fewest >= self.min_chars && most <= self.max_chars {
            return true;
        }
        (self.min_chars..=self.max_chars).contains(&text.chars().count())
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Pattern").field(&self.source).finish()
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.source)
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

impl Eq for Pattern {}

#[cfg(test)]
mod tests {
    use super::*;

    /// `^a+$` by hand: start(2) -a-> 3 -a-> 3; eoi in 3 matches.
    const CLASSES: [u8; 256] = {
        let mut c = [0u8; 256];
        c[b'a' as usize] = 1;
        c
    };
    const A_PLUS: Pattern = Pattern::__from_tables(
        "^a+$",
        &CLASSES,
        &[0, 0, 1, 1, 0, 3, 0, 3],
        2,
        2,
        &[false, true, false, true],
        0,
        usize::MAX,
    );

    /// `^.{2,3}$` (any char, `\n` too) as the macro emits it: the tables of `^.*$` (one
    /// class; start(2) -any-> 2; eoi in 2 matches) and char-count bounds.
    const ANY_2_3: Pattern = Pattern::__from_tables(
        "^.{2,3}$",
        &[0; 256],
        &[0, 1, 2],
        1,
        2,
        &[false, true, true],
        2,
        3,
    );

    #[test]
    fn walks_tables() {
        assert!(A_PLUS.is_match("a"));
        assert!(A_PLUS.is_match("aaa"));
        assert!(!A_PLUS.is_match(""));
        assert!(!A_PLUS.is_match("ab"));
        assert_eq!(A_PLUS.source(), "^a+$");
        assert_eq!(format!("{A_PLUS:?}"), "Pattern(\"^a+$\")");
    }

    #[test]
    fn counts_chars_not_bytes() {
        for (text, expected) in [
            ("", false),
            ("a", false),
            ("é", false),
            ("東", false),
            ("𝟘", false),
            ("ab", true),
            ("é東", true),
            ("𝟘𝟘", true),
            ("abc", true),
            ("東東東", true),
            ("𝟘𝟘𝟘", true),
            ("a\nb", true),
            ("abcd", false),
            ("éééé", false),
            ("𝟘𝟘𝟘𝟘", false),
            ("abcdefghijklm", false),
        ] {
            assert_eq!(ANY_2_3.is_match(text), expected, "{text:?}");
        }
        assert_eq!(format!("{ANY_2_3:?}"), "Pattern(\"^.{2,3}$\")");
        assert_eq!(ANY_2_3.to_string(), "^.{2,3}$");
    }
}
