//! Step 2: patterns of the shape `^ LITERAL? C{m,n} $`, found in the HIR, become a
//! [`CharRun`](super::CharRun); for the DFA, `^C{m,n}$` is split into `^C*$` and bounds.

use regex_syntax::hir::{self, Hir, HirKind, Look};

/// `^ LITERAL? C{m,n} $` found in a pattern's HIR.
#[derive(Debug)]
pub(super) struct RunShape<'a> {
    /// The `^` (`\A`).
    pub(super) start: &'a Hir,
    /// The `$` (`\z`).
    pub(super) end: &'a Hir,
    /// The literal before the class, as UTF-8.
    pub(super) prefix: Vec<u8>,
    /// `C`.
    pub(super) class: hir::ClassUnicode,
    /// `m`.
    pub(super) min: u32,
    /// `n`; `None` for `C{m,}`.
    pub(super) max: Option<u32>,
}

/// Recognizes a pattern that is exactly `^ LITERAL? C{m,n} $`, after translation (so `C+`
/// is `C{1,}`, `(?:…)` is gone, adjacent literals are one, and case folding under `(?i)`
/// has already turned a letter into a class): the start of the text (`^` or `\A` without
/// `(?m)`), then optionally a literal (plain chars: `mdb_sa_id_`), then one counted item
/// that matches exactly one char — a class (bracketed, Perl, Unicode, `.`, a single-char
/// alternation like `(a|b)` that `regex-syntax` turns into a class) with a count (`{m,n}`,
/// `{m,}`, `{m}`, `*`, `+`, `?`), a one-char literal with a count, or a class alone
/// (exactly one) — then the end of the text (`$` or `\z` without `(?m)`). Capture groups
/// are ignored wherever they are: they do not change what matches.
///
/// Such a pattern matches a text exactly when the text starts with the literal and the rest
/// has between `m` and `n` chars, every one in `C`. Anything else (a second class, a look
/// in the middle, `(?m)`, an alternation at the top, a multi-char item under the count, a
/// literal that `(?i)` turned into classes) is `None`.
pub(super) fn run_shape(hir: &Hir) -> Option<RunShape<'_>> {
    let mut items = Vec::new();
    flatten_concat(hir, &mut items);
    let (&start, rest) = items.split_first()?;
    let (&end, middle) = rest.split_last()?;
    if *start.kind() != HirKind::Look(Look::Start) || *end.kind() != HirKind::Look(Look::End) {
        return None;
    }
    let (&counted, literals) = middle.split_last()?;
    let mut prefix = Vec::new();
    for item in literals {
        let HirKind::Literal(hir::Literal(bytes)) = item.kind() else {
            return None;
        };
        prefix.extend_from_slice(bytes);
    }
    std::str::from_utf8(&prefix).ok()?;
    let (class, min, max) = match counted.kind() {
        HirKind::Repetition(repetition) => (
            one_char_class(strip_captures(&repetition.sub))?,
            repetition.min,
            repetition.max,
        ),
        HirKind::Class(_) => (one_char_class(counted)?, 1, Some(1)),
        _ => return None,
    };
    Some(RunShape {
        start,
        end,
        prefix,
        class,
        min,
        max,
    })
}

/// The items of `hir` as one concatenation: nested concatenations and capture groups
/// opened, empty items dropped.
fn flatten_concat<'a>(hir: &'a Hir, out: &mut Vec<&'a Hir>) {
    match hir.kind() {
        HirKind::Capture(capture) => flatten_concat(&capture.sub, out),
        HirKind::Concat(items) => {
            for item in items {
                flatten_concat(item, out);
            }
        }
        HirKind::Empty => {}
        _ => out.push(hir),
    }
}

/// The class of an item that matches exactly one char: a Unicode class or a one-char
/// literal.
fn one_char_class(hir: &Hir) -> Option<hir::ClassUnicode> {
    match hir.kind() {
        HirKind::Class(hir::Class::Unicode(class)) => Some(class.clone()),
        HirKind::Literal(hir::Literal(bytes)) => {
            let mut chars = std::str::from_utf8(bytes).ok()?.chars();
            let c = chars.next()?;
            chars
                .next()
                .is_none()
                .then(|| hir::ClassUnicode::new([hir::ClassUnicodeRange::new(c, c)]))
        }
        _ => None,
    }
}

/// `^C{m,n}$` split into `^C*$` and bounds on the number of chars.
#[derive(Debug)]
pub(super) struct CharCount {
    /// `^C*$`.
    pub(super) star: Hir,
    /// `m`.
    pub(super) min: usize,
    /// `n`; `None` for `^C{m,}$`.
    pub(super) max: Option<usize>,
}

/// For the DFA: a run without prefix (`^C{m,n}$`, see [`run_shape`]) is compiled as
/// `^C*$` plus bounds on the number of chars, which the runtime checks before walking the
/// tables: the DFA of `^C*$` is one copy of `C`'s UTF-8 decoder, where that of `^C{m,n}$`
/// has about `n` of them. `compile` gives such patterns a run instead; this keeps the
/// tables small when they are built anyway (the tests compare both).
pub(super) fn split_char_count(hir: &Hir) -> Option<CharCount> {
    let shape = run_shape(hir)?;
    if !shape.prefix.is_empty() {
        return None;
    }
    let star = Hir::concat(vec![
        shape.start.clone(),
        Hir::repetition(hir::Repetition {
            min: 0,
            max: None,
            greedy: true,
            sub: Box::new(Hir::class(hir::Class::Unicode(shape.class))),
        }),
        shape.end.clone(),
    ]);
    Some(CharCount {
        star,
        min: usize::try_from(shape.min).ok()?,
        max: match shape.max {
            Some(max) => Some(usize::try_from(max).ok()?),
            None => None,
        },
    })
}

/// `hir` without the capture groups around it (they do not change what matches).
fn strip_captures(mut hir: &Hir) -> &Hir {
    while let HirKind::Capture(capture) = hir.kind() {
        hir = &capture.sub;
    }
    hir
}

#[cfg(test)]
mod tests {
    use crate::pattern::tests::{
        assert_minimal, both, check_against_reference, check_invariants, check_run, check_strings,
    };
    use crate::pattern::{CompiledPattern, RANGE_BYTES, compile, compile_dfa, compile_uncached};

    /// The organization and project name pattern, used 9 times in the specification.
    const NAME: &str = r"^[\p{L}\p{N}\-_.(),:&@+']{1,64}$";
    /// The other name pattern.
    const NAME_STAR: &str = r"^[\p{L}\p{N}\-_.,' ]*$";

    /// Strings of 0 to 5 chars and around the counts 24, 64 and 65, over a few chars of 1 to
    /// 4 bytes, some in and some out of the usual classes.
    fn counted_strings() -> Vec<String> {
        let chars = [
            "a",
            "x",
            "Z",
            "0",
            "_",
            "'",
            "é",
            "東",
            "𝟘",
            "٣",
            "!",
            " ",
            "\n",
            "ab",
            "\u{7F}",
            "\u{80}",
            "\u{10FFFF}",
        ];
        let mut strings = vec![String::new()];
        for len in 1..=5 {
            for (i, c) in chars.iter().enumerate() {
                strings.push(c.repeat(len));
                strings.push(format!(
                    "{}{c}",
                    chars[(i + len) % chars.len()].repeat(len - 1)
                ));
            }
        }
        for len in [16, 17, 23, 24, 25, 32, 33, 63, 64, 65, 66, 128, 256, 257] {
            for c in chars {
                strings.push(c.repeat(len));
                strings.push(format!("{}!", c.repeat(len - 1)));
                strings.push(format!("é{}東", c.repeat(len - 2)));
                strings.push(format!("{}é", c.repeat(len - 1)));
            }
        }
        strings
    }

    /// `prefix`, and near misses of it (cut short, a char missing, doubled, changed or in
    /// another case, something before it), each alone and followed by `tails`.
    fn prefixed_strings(prefix: &str, tails: &[String]) -> Vec<String> {
        let chars: Vec<char> = prefix.chars().collect();
        let mut heads = vec![
            String::new(),
            prefix.to_owned(),
            prefix.to_uppercase(),
            prefix.repeat(2),
            format!("x{prefix}"),
            format!("\n{prefix}"),
        ];
        let collect = |chars: &[char]| chars.iter().collect::<String>();
        for i in 0..chars.len() {
            heads.push(collect(&chars[..i]));
            let mut missing = chars.clone();
            missing.remove(i);
            heads.push(collect(&missing));
            let mut doubled = chars.clone();
            doubled.insert(i, chars[i]);
            heads.push(collect(&doubled));
            for c in ['x', 'é', '\n', '東', '\u{0}'] {
                let mut changed = chars.clone();
                changed[i] = c;
                heads.push(collect(&changed));
            }
        }
        heads.sort();
        heads.dedup();
        let mut strings = Vec::new();
        for head in &heads {
            strings.push(head.clone());
            strings.extend(tails.iter().map(|tail| format!("{head}{tail}")));
        }
        strings
    }

    /// Hex strings around 24 digits, for the id patterns.
    fn hex_strings() -> Vec<String> {
        let mut strings = Vec::new();
        for len in [0, 1, 16, 17, 23, 24, 25, 48] {
            let digits: String = "5e2211c17a3e5a48f5497de3"
                .chars()
                .cycle()
                .take(len)
                .collect();
            strings.push(digits.clone());
            strings.push(digits.to_uppercase());
            if len > 0 {
                for bad in ["g", "G", "é", "٣", "\n", "\u{0}", "𝟘"] {
                    strings.push(format!("{bad}{}", &digits[1..]));
                    strings.push(format!("{}{bad}", &digits[..len - 1]));
                    strings.push(format!(
                        "{}{bad}{}",
                        &digits[..len / 2],
                        &digits[len / 2 + 1..]
                    ));
                    strings.push(format!("{digits}{bad}"));
                }
            }
        }
        strings
    }

    #[test]
    fn name_patterns_are_runs() {
        for (pattern, bounds) in [(NAME, (1, Some(64))), (NAME_STAR, (0, None))] {
            let start = std::time::Instant::now();
            let p = compile_uncached(pattern).unwrap();
            let elapsed = start.elapsed();
            let CompiledPattern::Run(run) = &p else {
                panic!("{pattern}: not a run")
            };
            check_run(run);
            assert!(run.prefix.is_empty());
            assert_eq!((run.min_chars, run.max_chars), bounds);
            let punctuation = &pattern[r"^[\p{L}\p{N}".len()..pattern.find(']').unwrap()];
            for c in 0..0x80u8 {
                let expected = c.is_ascii_alphanumeric()
                    || punctuation.replace('\\', "").contains(char::from(c));
                assert_eq!(run.contains(char::from(c)), expected, "{pattern}: {c:?}");
            }
            // Far fewer than the DFA's transitions.
            assert!(
                (500..1000).contains(&run.ranges.len()),
                "{}",
                run.ranges.len()
            );
            let dfa_start = std::time::Instant::now();
            let dfa = compile_dfa(pattern).unwrap();
            let dfa_elapsed = dfa_start.elapsed();
            assert!(dfa.states() * dfa.stride < 40_000);
            eprintln!(
                "{pattern}: a run of {} non-ASCII ranges ({} bytes packed) compiled in \
                 {elapsed:?}; as tables {} states × {} classes, in {dfa_elapsed:?}",
                run.ranges.len(),
                run.packed_ranges().len(),
                dfa.states(),
                dfa.stride,
            );
        }

        let p = both(NAME).unwrap();
        for c in ["a", "Z", "0", "é", "東", "٣", "𝟘", "(", "'", "@"] {
            assert!(!p.is_match(""), "{c:?}");
            assert!(p.is_match(c), "{c:?}");
            assert!(p.is_match(&c.repeat(64)), "{c:?}");
            assert!(!p.is_match(&c.repeat(65)), "{c:?}");
            assert!(p.is_match(&format!("é{}東", c.repeat(62))), "{c:?}");
            assert!(!p.is_match(&format!("é{}東", c.repeat(63))), "{c:?}");
            assert!(!p.is_match(&format!("{}!", c.repeat(10))), "{c:?}");
            assert!(!p.is_match(&format!("{}\n", c.repeat(10))), "{c:?}");
        }
        for text in ["!", "a!", "!a", "a b", "a\tb", "Acme, Inc. (EU)"] {
            assert!(!p.is_match(text), "{text:?}");
        }
        assert!(p.is_match("Acme,Inc.(EU)&Zoë-東京_1+2:@'"));
        check_strings(NAME, &counted_strings());
        check_strings(NAME_STAR, &counted_strings());
    }

    /// Every char, in and out of the name class: the run against the `regex` crate.
    #[test]
    fn name_class_every_char() {
        let CompiledPattern::Run(run) = compile(NAME).unwrap() else {
            panic!("not a run")
        };
        let reference = regex::Regex::new(r"^[\p{L}\p{N}\-_.(),:&@+']$").unwrap();
        let mut buf = [0u8; 4];
        let mut inside = 0;
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let expected = reference.is_match(c.encode_utf8(&mut buf));
            assert_eq!(run.contains(c), expected, "{c:?}");
            inside += usize::from(expected);
        }
        // Decoding the packed ranges as the runtime does gives the ranges back.
        let packed = run.packed_ranges();
        let u24 = |b: &[u8]| u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16;
        let unpacked: Vec<(u32, u32)> = packed
            .chunks_exact(RANGE_BYTES)
            .map(|e| (u24(&e[..3]), u24(&e[3..])))
            .collect();
        assert_eq!(unpacked, run.ranges);
        eprintln!("{NAME}: {inside} chars in the class");
    }

    #[test]
    fn runs_agree_with_regex() {
        /// `(prefix, min_chars, max_chars)` when the pattern is a run.
        type Shape = (&'static str, usize, Option<usize>);
        let cases: &[(&str, Option<Shape>)] = &[
            (r"^a{2,3}$", Some(("", 2, Some(3)))),
            (r"^a{2,3}?$", Some(("", 2, Some(3)))),
            (r"^[ab]{0,2}$", Some(("", 0, Some(2)))),
            (r"^(x{1,5})$", Some(("", 1, Some(5)))),
            (r"^(?:x{1,5})$", Some(("", 1, Some(5)))),
            (r"(^[a-c]{2}$)", Some(("", 2, Some(2)))),
            (r"(^[a-c]{2})$", Some(("", 2, Some(2)))),
            (r"^é{2}$", Some(("", 2, Some(2)))),
            (r"^東{1,}$", Some(("", 1, None))),
            (r"^a+$", Some(("", 1, None))),
            (r"^a*$", Some(("", 0, None))),
            (r"^a?$", Some(("", 0, Some(1)))),
            (r"^[a-f]$", Some(("", 1, Some(1)))),
            (r"^[a-f]{1}$", Some(("", 1, Some(1)))),
            (r"^\s$", Some(("", 1, Some(1)))),
            (r"^\w{2}$", Some(("", 2, Some(2)))),
            (r"^\W{2}$", Some(("", 2, Some(2)))),
            (r"\A[é東x]{2,3}\z", Some(("", 2, Some(3)))),
            (r"^.{1,3}$", Some(("", 1, Some(3)))),
            (r"(?s)^.{2,}$", Some(("", 2, None))),
            (r"^\p{L}{1,4}$", Some(("", 1, Some(4)))),
            (r"^\d{3}$", Some(("", 3, Some(3)))),
            (r"^[^\n]{0,3}$", Some(("", 0, Some(3)))),
            (r"^[^a]{2}$", Some(("", 2, Some(2)))),
            (r"^[\x{80}-\x{10FFFF}]*$", Some(("", 0, None))),
            (r"(?i)^k{2}$", Some(("", 2, Some(2)))),
            (r"(?i)^[a-f]{2}$", Some(("", 2, Some(2)))),
            (r"^(a|b){1,3}$", Some(("", 1, Some(3)))),
            (r"^(a|é|東){2,4}$", Some(("", 2, Some(4)))),
            (r"^[\p{L}\p{N}\-_.(),:&@+']{3}$", Some(("", 3, Some(3)))),
            (r"^[\p{L}\p{N}\-_.(),:&@+']{0,64}$", Some(("", 0, Some(64)))),
            (r"^([a-f0-9]{24})$", Some(("", 24, Some(24)))),
            (r"^[a-fA-F0-9]{24}$", Some(("", 24, Some(24)))),
            (r"^ba{2}$", Some(("b", 2, Some(2)))),
            (
                r"^mdb_sa_id_[a-fA-F\d]{24}$",
                Some(("mdb_sa_id_", 24, Some(24))),
            ),
            (
                r"^(mdb_)(?:sa_)([a-f]{2,3})$",
                Some(("mdb_sa_", 2, Some(3))),
            ),
            (r"^é:[a-zé東𝟘]{2,3}$", Some(("é:", 2, Some(3)))),
            (r"^東京\p{N}*$", Some(("東京", 0, None))),
            (r"^p-[0-9a-z]{24}$", Some(("p-", 24, Some(24)))),
            (r"^vpce-[0-9a-f]{17}$", Some(("vpce-", 17, Some(17)))),
            (r"^x[\p{L}\p{N}]{0,3}$", Some(("x", 0, Some(3)))),
            // The empty class is gone from the HIR: `^x$`.
            (r"^x[^\x00-\x{10FFFF}]*$", None),
            (r"(?s)^x.$", Some(("x", 1, Some(1)))),
            // Not the shape: tables.
            (r"a{2,3}", None),
            (r"^a{2,3}", None),
            (r"a{2,3}$", None),
            (r"^a{2}b$", None),
            (r"^(ab){1,3}$", None),
            (r"^(a|bc){1,3}$", None),
            (r"(?m)^a{2}$", None),
            (r"^a{2}$|^b{3}$", None),
            (r"^a{2}$$", None),
            (r"^^a{2}$", None),
            (r"^a$", None),
            (r"^mdb_$", None),
            (r"^$", None),
            (r"^(a{1,2}){2}$", None),
            (r"^[\p{L}\p{N}]{1,8}\.$", None),
            (r"(?i)^mdb_[a-f]{2}$", None),
            (r"^\ba{2}$", None),
            (r"^[ab][cd]{2}$", None),
            (r"^a{2}[b]{2}$", None),
            (r"^[a-zA-Z0-9][a-zA-Z0-9-]{0,63}$", None),
        ];
        let counted = counted_strings();
        let hex = hex_strings();
        for (i, &(pattern, shape)) in cases.iter().enumerate() {
            let compiled = compile(pattern).unwrap_or_else(|err| panic!("{pattern:?}: {err}"));
            check_invariants(&compiled);
            let found = match &compiled {
                CompiledPattern::Run(run) => Some((
                    std::str::from_utf8(&run.prefix).unwrap().to_owned(),
                    run.min_chars,
                    run.max_chars,
                )),
                CompiledPattern::Tables(_) => None,
            };
            let expected = shape.map(|(prefix, min, max)| (prefix.to_owned(), min, max));
            assert_eq!(found, expected, "{pattern:?}");
            let dfa = compile_dfa(pattern).unwrap();
            assert_minimal(&dfa);
            let prefix = shape.map_or("", |(prefix, ..)| prefix);
            let mut strings = prefixed_strings(prefix, &counted);
            strings.extend(prefixed_strings(prefix, &hex));
            check_strings(pattern, &strings);
            check_against_reference(pattern, 2000 + i as u64);
        }
    }
}
