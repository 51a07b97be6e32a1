//! Patterns compiled at build time: character runs and byte DFAs.
//!
//! `#[atlas_endpoint]` parses every `pattern` with `regex-syntax`, rejects what Atlas's
//! server would read differently, and emits constants that decide it. No regex is
//! compiled at run time, ever, so the first `send()` costs what every other one does.
//!
//! Most patterns of the specification have one shape, `^ LITERAL? C{m,n} $` (an object id
//! `^([a-f0-9]{24})$`, a client id `^mdb_sa_id_[a-fA-F\d]{24}$`, the name patterns
//! `^[\p{L}\p{N}\-_.,' ]*$` and `^[\p{L}\p{N}\-_.(),:&@+']{1,64}$`). Those come as a
//! **run**: the prefix, the class `C` (a byte table for its ASCII part, sorted char ranges
//! for the rest) and the bounds on the number of chars. A text matches when it starts with
//! the prefix and the rest is `m..=n` chars of `C`: one table load per ASCII byte, a
//! binary search per other char. Every other pattern comes as the tables of a minimized
//! DFA, walked one byte at a time.
//!
//! Meaning follows the Atlas server, not Rust's `regex` defaults: a pattern is an
//! unanchored search (as in JSON Schema, so `^…$` are needed to pin it), and `\d`, `\w`,
//! `\s` and `\b` are ASCII, as in Java.

use std::fmt;

/// The state after a match was seen: absorbing, since only existence matters. State 0 is
/// the dead state, from which no match can follow; both end the walk early.
const MATCH: u16 = 1;

/// Bytes per entry of a run's ranges: the first and the last char, 3 bytes each,
/// little-endian.
const RANGE_BYTES: usize = 6;

/// A pattern checked at compile time, with what decides it.
///
/// Built only by the macro and `pattern!` (atlas-runtime re-exports it); read by
/// atlas-runtime's `Constraint::Pattern`.
#[derive(Clone, Copy)]
pub struct Pattern {
    source: &'static str,
    matcher: Matcher<'static>,
}

#[derive(Clone, Copy)]
enum Matcher<'a> {
    Run(Run<'a>),
    Tables(Tables<'a>),
}

/// `^ LITERAL? C{m,n} $`.
#[derive(Clone, Copy)]
struct Run<'a> {
    /// The text starts with these bytes (whole chars).
    prefix: &'a [u8],
    /// Byte → 1 if it is an ASCII char of the class, else 0 (always 0 from `0x80` on).
    ascii: &'a [u8; 256],
    /// The chars `>= 0x80` of the class: sorted, disjoint ranges of [`RANGE_BYTES`] each.
    /// Empty for an ASCII class.
    ranges: &'a [u8],
    /// Fewest chars after the prefix.
    min_chars: usize,
    /// Most chars after the prefix (`usize::MAX`: no limit).
    max_chars: usize,
}

/// A minimized byte DFA.
#[derive(Clone, Copy)]
struct Tables<'a> {
    /// Byte → equivalence class.
    classes: &'a [u8; 256],
    /// `states × stride` transitions, row-major, each a little-endian `u16` (two bytes):
    /// a byte string is one token in generated code, where a `[u16]` is one per entry.
    transitions: &'a [u8],
    /// Number of byte classes (row width).
    stride: usize,
    start: u16,
    /// Per state: does the end of input complete a match (`1`) or not (`0`)? Bytes, for
    /// the reason `transitions` are.
    eoi_match: &'a [u8],
    /// Fewest chars (Unicode scalar values) a matching text has; 0 if the tables decide.
    min_chars: usize,
    /// Most chars a matching text has; `usize::MAX` if the tables decide.
    max_chars: usize,
}

impl Pattern {
    /// For generated code (through `__private::pattern_tables`); the tables come from the
    /// macro's DFA builder. A text matches when it has `min_chars..=max_chars` chars and the
    /// tables accept it.
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)]
    pub const fn from_tables(
        source: &'static str,
        classes: &'static [u8; 256],
        transitions: &'static [u8],
        stride: usize,
        start: u16,
        eoi_match: &'static [u8],
        min_chars: usize,
        max_chars: usize,
    ) -> Self {
        Pattern {
            source,
            matcher: Matcher::Tables(Tables {
                classes,
                transitions,
                stride,
                start,
                eoi_match,
                min_chars,
                max_chars,
            }),
        }
    }

    /// For generated code (through `__private::pattern_run`), for a pattern `^ LITERAL? C{m,n} $`: a text matches
    /// when it starts with `prefix` (UTF-8) and the rest is `min_chars..=max_chars` chars,
    /// each in `C`. `ascii[b]` is 1 when the ASCII char `b` is in `C` and 0 otherwise (0 for
    /// every byte from `0x80` on); `ranges` holds the other chars of `C` as sorted,
    /// disjoint ranges of 6 bytes each (first and last char, 3 bytes little-endian each).
    ///
    /// The `ascii` table is not re-checked here: the macro, pinned to this crate's version
    /// with `=`, is its only writer (and its tests check it), and a 256-step check in
    /// every pattern's `const` cost each declaration about a millisecond of const
    /// evaluation. A table holding other values gives wrong answers, never undefined
    /// behaviour.
    ///
    /// # Panics
    /// At compile time (in a `const`), if the ranges are malformed.
    #[doc(hidden)]
    pub const fn from_run(
        source: &'static str,
        prefix: &'static [u8],
        ascii: &'static [u8; 256],
        ranges: &'static [u8],
        min_chars: usize,
        max_chars: usize,
    ) -> Self {
        assert!(
            ranges.len().is_multiple_of(RANGE_BYTES),
            "atlas-runtime: malformed pattern ranges (atlas-macros and atlas-runtime versions differ?)"
        );
        Pattern {
            source,
            matcher: Matcher::Run(Run {
                prefix,
                ascii,
                ranges,
                min_chars,
                max_chars,
            }),
        }
    }

    /// The pattern as written in the declaration.
    pub const fn source(&self) -> &'static str {
        self.source
    }

    /// Whether `text` contains a match (search semantics, ASCII `\d`/`\w`/`\s`/`\b`).
    #[inline]
    pub fn is_match(&self, text: &str) -> bool {
        match &self.matcher {
            Matcher::Run(run) => run.is_match(text),
            Matcher::Tables(tables) => tables.is_match(text),
        }
    }
}

impl Run<'_> {
    #[inline]
    fn is_match(&self, text: &str) -> bool {
        let bytes = text.as_bytes();
        if bytes.len() < self.prefix.len() || !same_bytes(&bytes[..self.prefix.len()], self.prefix)
        {
            return false;
        }
        let rest = &bytes[self.prefix.len()..];
        if self.ranges.is_empty() {
            // An ASCII class: a char of the run is one byte, and a byte from `0x80` on
            // (part of another char) is not in the class.
            return self.min_chars <= rest.len()
                && rest.len() <= self.max_chars
                && all_in(self.ascii, rest);
        }
        self.is_match_unicode(rest)
    }

    /// `rest` (after the prefix, so on a char boundary of a `str`) is `min..=max` chars,
    /// each in the class.
    fn is_match_unicode(&self, rest: &[u8]) -> bool {
        // A char takes 1 to 4 bytes.
        if rest.len() < self.min_chars || rest.len().div_ceil(4) > self.max_chars {
            return false;
        }
        let mut chars = 0usize;
        let mut i = 0;
        while i < rest.len() {
            let byte = rest[i];
            if self.ascii[byte as usize] != 0 {
                i += 1;
            } else if byte < 0x80 {
                return false;
            } else {
                let (c, width) = decode(rest, i);
                if !in_ranges(self.ranges, c) {
                    return false;
                }
                i += width;
            }
            chars += 1;
        }
        self.min_chars <= chars && chars <= self.max_chars
    }
}

/// `a == b` for slices of the same (short) length, without a call to `memcmp`.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let mut diff = 0;
    for (x, y) in a.iter().zip(b) {
        diff |= x ^ y;
    }
    diff == 0
}

/// Whether `table[b] == 1` for every byte `b` of `bytes`, the table holding only 0 and 1:
/// eight independent loads per step, one branch.
#[inline]
fn all_in(table: &[u8; 256], bytes: &[u8]) -> bool {
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut all = 1;
        for &b in chunk {
            all &= table[b as usize];
        }
        if all == 0 {
            return false;
        }
    }
    let mut all = 1;
    for &b in chunks.remainder() {
        all &= table[b as usize];
    }
    all != 0
}

/// The char starting at `bytes[i]`, a lead byte `>= 0x80` of valid UTF-8, and its width.
#[inline]
fn decode(bytes: &[u8], i: usize) -> (u32, usize) {
    let lead = u32::from(bytes[i]);
    let next = |k: usize| bytes.get(i + k).map_or(0, |&b| u32::from(b & 0x3F));
    if lead < 0xE0 {
        (((lead & 0x1F) << 6) | next(1), 2)
    } else if lead < 0xF0 {
        (((lead & 0x0F) << 12) | (next(1) << 6) | next(2), 3)
    } else {
        (
            ((lead & 0x07) << 18) | (next(1) << 12) | (next(2) << 6) | next(3),
            4,
        )
    }
}

/// Whether `c` is in one of the packed ranges (binary search).
fn in_ranges(ranges: &[u8], c: u32) -> bool {
    let char_at = |e: &[u8; RANGE_BYTES], at: usize| {
        u32::from(e[at]) | u32::from(e[at + 1]) << 8 | u32::from(e[at + 2]) << 16
    };
    let (entries, _) = ranges.as_chunks::<RANGE_BYTES>();
    entries
        .binary_search_by(|e| {
            if char_at(e, 3) < c {
                std::cmp::Ordering::Less
            } else if char_at(e, 0) > c {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

impl Tables<'_> {
    #[inline]
    fn is_match(&self, text: &str) -> bool {
        if !self.char_count_allowed(text) {
            return false;
        }
        let mut state = self.start;
        if state <= MATCH {
            return state == MATCH;
        }
        for &byte in text.as_bytes() {
            let class = self.classes[byte as usize] as usize;
            let at = 2 * (state as usize * self.stride + class);
            state = u16::from_le_bytes([self.transitions[at], self.transitions[at + 1]]);
            if state <= MATCH {
                return state == MATCH;
            }
        }
        self.eoi_match[state as usize] == 1
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

/// Whether `text` matches the run that `from_run`'s arguments describe, read as
/// [`Pattern::is_match`] reads it: the macro's tests check what it emits with this, so the
/// table format has one reader.
#[doc(hidden)]
pub fn run_matches(
    prefix: &[u8],
    ascii: &[u8; 256],
    ranges: &[u8],
    min_chars: usize,
    max_chars: usize,
    text: &str,
) -> bool {
    Run {
        prefix,
        ascii,
        ranges,
        min_chars,
        max_chars,
    }
    .is_match(text)
}

/// Whether `text` matches the tables that `from_tables`' arguments describe, read as
/// [`Pattern::is_match`] reads them (see [`run_matches`]).
#[doc(hidden)]
#[allow(clippy::too_many_arguments)]
pub fn tables_match(
    classes: &[u8; 256],
    transitions: &[u8],
    stride: usize,
    start: u16,
    eoi_match: &[u8],
    min_chars: usize,
    max_chars: usize,
    text: &str,
) -> bool {
    Tables {
        classes,
        transitions,
        stride,
        start,
        eoi_match,
        min_chars,
        max_chars,
    }
    .is_match(text)
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
    const A_PLUS: Pattern = Pattern::from_tables(
        "^a+$",
        &CLASSES,
        b"\0\0\0\0\x01\0\x01\0\0\0\x03\0\0\0\x03\0",
        2,
        2,
        b"\0\x01\0\x01",
        0,
        usize::MAX,
    );

    /// `^.{2,3}$` (any char, `\n` too) as tables: those of `^.*$` (one class; start(2)
    /// -any-> 2; eoi in 2 matches) and char-count bounds.
    const ANY_2_3: Pattern = Pattern::from_tables(
        "^.{2,3}$",
        &[0; 256],
        b"\0\0\x01\0\x02\0",
        1,
        2,
        b"\0\x01\x01",
        2,
        3,
    );

    /// The byte table of a set of ASCII ranges.
    const fn table(ranges: &[(u8, u8)]) -> [u8; 256] {
        let mut t = [0u8; 256];
        let mut i = 0;
        while i < ranges.len() {
            let mut b = ranges[i].0;
            while b <= ranges[i].1 {
                t[b as usize] = 1;
                b += 1;
            }
            i += 1;
        }
        t
    }

    const HEX_LOWER: [u8; 256] = table(&[(b'0', b'9'), (b'a', b'f')]);
    const HEX: [u8; 256] = table(&[(b'0', b'9'), (b'A', b'F'), (b'a', b'f')]);
    const LOWER: [u8; 256] = table(&[(b'a', b'z')]);

    /// `^([a-f0-9]{24})$` as the macro emits it.
    const OBJECT_ID: Pattern = Pattern::from_run("^([a-f0-9]{24})$", b"", &HEX_LOWER, b"", 24, 24);
    /// `^mdb_sa_id_[a-fA-F\d]{24}$`.
    const CLIENT_ID: Pattern = Pattern::from_run(
        r"^mdb_sa_id_[a-fA-F\d]{24}$",
        b"mdb_sa_id_",
        &HEX,
        b"",
        24,
        24,
    );
    /// `^é:[a-zé東𝟘]{2,3}$`: a non-ASCII prefix, and chars of 1 to 4 bytes in the class.
    const MIXED: Pattern = Pattern::from_run(
        "^é:[a-zé東𝟘]{2,3}$",
        "é:".as_bytes(),
        &LOWER,
        &[
            0xE9, 0, 0, 0xE9, 0, 0, // é
            0x71, 0x67, 0, 0x71, 0x67, 0, // 東 U+6771
            0xD8, 0xD7, 0x01, 0xD8, 0xD7, 0x01, // 𝟘 U+1D7D8
        ],
        2,
        3,
    );
    /// `^[a-z\x{80}-\x{10FFFF}]*$`: every non-ASCII char, no bound.
    const ANY_NON_ASCII: Pattern = Pattern::from_run(
        r"^[a-z\x{80}-\x{10FFFF}]*$",
        b"",
        &LOWER,
        &[0x80, 0, 0, 0xFF, 0xFF, 0x10],
        0,
        usize::MAX,
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

    #[test]
    fn ascii_runs() {
        let id = "5e2211c17a3e5a48f5497de3";
        assert!(OBJECT_ID.is_match(id));
        for text in [
            "",
            "5e2211c17a3e5a48f5497de",
            "5e2211c17a3e5a48f5497de3a",
            "5E2211C17A3E5A48F5497DE3",
            "5e2211c17a3e5a48f5497de\n",
            "5e2211c17a3e5a48f5497de3\n",
            "5e2211c17a3e5a48f5497dé",
            "5e2211c17a3e5a48f5497d٣",
            "g00000000000000000000000",
            "0000000000000000000000g0",
            "0000000000000000g0000000",
            "000000000000000000000\u{0}00",
        ] {
            assert!(!OBJECT_ID.is_match(text), "{text:?}");
        }
        // A non-ASCII char of the right byte length is refused, not miscounted.
        assert!(!OBJECT_ID.is_match("5e2211c17a3e5a48f5497é"));

        let client = "mdb_sa_id_5e2211c17a3e5a48f5497de3";
        assert!(CLIENT_ID.is_match(client));
        assert!(CLIENT_ID.is_match("mdb_sa_id_5E2211C17A3E5A48F5497DE3"));
        for text in [
            "",
            "mdb_sa_id_",
            "mdb_sa_id",
            "mdb_sa_id_5e2211c17a3e5a48f5497de",
            "mdb_sa_id_5e2211c17a3e5a48f5497de3a",
            "mdb_sa_id_5e2211c17a3e5a48f5497de٣",
            "mdb_sa_id_5e2211c17a3e5a48f5497dg3",
            "mdb_sa_ix_5e2211c17a3e5a48f5497de3",
            "ndb_sa_id_5e2211c17a3e5a48f5497de3",
            "MDB_SA_ID_5e2211c17a3e5a48f5497de3",
            "xmdb_sa_id_5e2211c17a3e5a48f5497de",
            "5e2211c17a3e5a48f5497de3",
        ] {
            assert!(!CLIENT_ID.is_match(text), "{text:?}");
        }
        assert_eq!(CLIENT_ID.source(), r"^mdb_sa_id_[a-fA-F\d]{24}$");
        assert_eq!(
            format!("{CLIENT_ID:?}"),
            r#"Pattern("^mdb_sa_id_[a-fA-F\\d]{24}$")"#
        );
        assert_eq!(CLIENT_ID.to_string(), r"^mdb_sa_id_[a-fA-F\d]{24}$");
        assert_eq!(CLIENT_ID, CLIENT_ID);
        assert_ne!(CLIENT_ID, OBJECT_ID);
    }

    #[test]
    fn unicode_runs() {
        for (text, expected) in [
            ("é:ab", true),
            ("é:abc", true),
            ("é:é東", true),
            ("é:東𝟘é", true),
            ("é:𝟘𝟘", true),
            ("é:a𝟘", true),
            ("é:𝟘a東", true),
            ("é:", false),
            ("é:a", false),
            ("é:𝟘", false),
            ("é:abcd", false),
            ("é:𝟘𝟘𝟘𝟘", false),
            ("é:éééé", false),
            ("é:aB", false),
            ("é:a٣", false),
            ("é:a\n", false),
            ("é:ÿa", false),
            ("é;ab", false),
            ("e:ab", false),
            ("ab", false),
            ("", false),
            ("é", false),
            ("é:ab\u{1D7D9}", false),
            ("é:ab\u{6770}", false),
            ("é:ab\u{6772}", false),
            ("é:ab\u{E8}", false),
            ("é:ab\u{EA}", false),
        ] {
            assert_eq!(MIXED.is_match(text), expected, "{text:?}");
        }
        assert!(ANY_NON_ASCII.is_match(""));
        assert!(ANY_NON_ASCII.is_match("abc\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}"));
        assert!(!ANY_NON_ASCII.is_match("abc\u{7F}"));
        assert!(!ANY_NON_ASCII.is_match("A\u{10FFFF}"));
    }

    #[test]
    fn decodes_every_char() {
        let mut buf = [0u8; 8];
        for c in (0x80..=0x10FFFF).filter_map(char::from_u32) {
            let len = c.encode_utf8(&mut buf[1..]).len();
            assert_eq!(decode(&buf[..1 + len], 1), (u32::from(c), len), "{c:?}");
        }
    }

    #[test]
    fn searches_ranges() {
        // Every third char of 0x80..0x3080 alone, then 0x4000..=0x10FFFF.
        let mut packed = Vec::new();
        let mut push = |first: u32, last: u32| {
            packed.extend_from_slice(&first.to_le_bytes()[..3]);
            packed.extend_from_slice(&last.to_le_bytes()[..3]);
        };
        for c in (0x80..0x3080).step_by(3) {
            push(c, c);
        }
        push(0x4000, 0x10FFFF);
        for c in 0x80..=0x10FFFF {
            let expected = (c < 0x3080 && (c - 0x80) % 3 == 0) || c >= 0x4000;
            assert_eq!(in_ranges(&packed, c), expected, "{c:#x}");
        }
        assert!(!in_ranges(&[], 0x80));
    }

    #[test]
    #[should_panic(expected = "malformed pattern ranges")]
    fn rejects_truncated_ranges() {
        let _ = Pattern::from_run("x", b"", &LOWER, &[0x80, 0, 0, 0xFF], 0, 1);
    }
}
