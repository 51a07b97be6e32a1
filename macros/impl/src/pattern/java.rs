//! Step 1: the AST rewritten in place so that `regex-syntax` gives a pattern Java's
//! meaning (see the parent module's documentation).

use regex_syntax::ast::{
    self, AssertionKind, Ast, ClassBracketed, ClassPerl, ClassPerlKind, ClassSet,
    ClassSetBinaryOpKind, ClassSetItem, ClassSetRange, ClassSetUnion, ClassUnicode,
    ClassUnicodeKind, Flag, Flags, FlagsItem, FlagsItemKind, GroupKind, LiteralKind,
    RepetitionKind, Span, SpecialLiteralKind,
};

/// Java's `\d`.
const DIGIT: &[(char, char)] = &[('0', '9')];
/// Java's `\w`.
const WORD: &[(char, char)] = &[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
/// Java's `\s`: `[ \t\n\x0B\f\r]`.
const SPACE: &[(char, char)] = &[('\t', '\r'), (' ', ' ')];
/// Java's line terminators, which `.` does not match without `(?s)`.
const LINE_TERMINATORS: &[(char, char)] = &[
    ('\n', '\n'),
    ('\r', '\r'),
    ('\u{85}', '\u{85}'),
    ('\u{2028}', '\u{2029}'),
];
/// Java's `\v` (vertical whitespace), not Rust's vertical tab.
const VERTICAL_SPACE: &[(char, char)] =
    &[('\n', '\r'), ('\u{85}', '\u{85}'), ('\u{2028}', '\u{2029}')];

/// Java's POSIX property names (`\p{Alpha}`, …), which are ASCII-only in Java; the same
/// names mean Unicode properties to `regex-syntax`. Java matches them case-sensitively.
fn java_posix_class(name: &str) -> Option<&'static [(char, char)]> {
    Some(match name {
        "ASCII" => &[('\0', '\x7F')],
        "Alnum" => &[('0', '9'), ('A', 'Z'), ('a', 'z')],
        "Alpha" => &[('A', 'Z'), ('a', 'z')],
        "Blank" => &[('\t', '\t'), (' ', ' ')],
        "Cntrl" => &[('\0', '\x1F'), ('\x7F', '\x7F')],
        "Digit" => DIGIT,
        "Graph" => &[('!', '~')],
        "Lower" => &[('a', 'z')],
        "Print" => &[(' ', '~')],
        "Punct" => &[('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
        "Space" => SPACE,
        "Upper" => &[('A', 'Z')],
        "XDigit" => &[('0', '9'), ('A', 'F'), ('a', 'f')],
        _ => return None,
    })
}

fn literal(span: Span, c: char) -> ast::Literal {
    ast::Literal {
        span,
        kind: LiteralKind::Verbatim,
        c,
    }
}

/// A bracket class `[…]` (or `[^…]`) of the given ranges, every node carrying `span`.
fn bracket(span: Span, negated: bool, ranges: &[(char, char)]) -> ClassBracketed {
    let items = ranges
        .iter()
        .map(|&(start, end)| {
            if start == end {
                ClassSetItem::Literal(literal(span, start))
            } else {
                ClassSetItem::Range(ClassSetRange {
                    span,
                    start: literal(span, start),
                    end: literal(span, end),
                })
            }
        })
        .collect();
    ClassBracketed {
        span,
        negated,
        kind: ClassSet::Item(ClassSetItem::Union(ClassSetUnion { span, items })),
    }
}

fn perl_bracket(class: &ClassPerl) -> ClassBracketed {
    let ranges = match class.kind {
        ClassPerlKind::Digit => DIGIT,
        ClassPerlKind::Word => WORD,
        ClassPerlKind::Space => SPACE,
    };
    bracket(class.span, class.negated, ranges)
}

fn posix_bracket(class: &ClassUnicode) -> Option<ClassBracketed> {
    match &class.kind {
        ClassUnicodeKind::Named(name) => {
            java_posix_class(name).map(|ranges| bracket(class.span, class.is_negated(), ranges))
        }
        _ => None,
    }
}

fn is_vertical_tab(lit: &ast::Literal) -> bool {
    lit.kind == LiteralKind::Special(SpecialLiteralKind::VerticalTab)
}

/// A rejected construct: where, and why.
type RewriteError = (Span, String);

/// Rewrites an AST in place so that `regex-syntax` gives it Java's meaning (see the module
/// documentation), tracking the `s` flag the way the translator scopes flags (until the end
/// of the enclosing group, across `|`).
#[derive(Default)]
pub(super) struct JavaRewriter {
    dot_all: bool,
}

impl JavaRewriter {
    pub(super) fn rewrite(&mut self, node: &mut Ast) -> Result<(), RewriteError> {
        let replacement = match node {
            Ast::Empty(_) => None,
            Ast::Literal(lit) => is_vertical_tab(lit)
                .then(|| Ast::class_bracketed(bracket(lit.span, false, VERTICAL_SPACE))),
            Ast::Flags(set) => {
                self.apply_flags(&set.flags)?;
                None
            }
            Ast::Dot(span) => (!self.dot_all)
                .then(|| Ast::class_bracketed(bracket(**span, true, LINE_TERMINATORS))),
            Ast::Assertion(assertion) => match assertion.kind {
                AssertionKind::StartLine
                | AssertionKind::EndLine
                | AssertionKind::StartText
                | AssertionKind::EndText => None,
                // `(?-u:\b)`: ASCII word boundary, whatever the surrounding flags.
                AssertionKind::WordBoundary | AssertionKind::NotWordBoundary => {
                    let span = assertion.span;
                    let item = |kind| FlagsItem { span, kind };
                    Some(Ast::group(ast::Group {
                        span,
                        kind: GroupKind::NonCapturing(Flags {
                            span,
                            items: vec![
                                item(FlagsItemKind::Negation),
                                item(FlagsItemKind::Flag(Flag::Unicode)),
                            ],
                        }),
                        ast: Box::new(Ast::assertion((**assertion).clone())),
                    }))
                }
                // Java reads `\<` and `\>` as the escaped characters.
                AssertionKind::WordBoundaryStartAngle => {
                    Some(Ast::literal(literal(assertion.span, '<')))
                }
                AssertionKind::WordBoundaryEndAngle => {
                    Some(Ast::literal(literal(assertion.span, '>')))
                }
                AssertionKind::WordBoundaryStart
                | AssertionKind::WordBoundaryEnd
                | AssertionKind::WordBoundaryStartHalf
                | AssertionKind::WordBoundaryEndHalf => {
                    return Err((
                        assertion.span,
                        "`\\b{start}`, `\\b{end}`, `\\b{start-half}` and `\\b{end-half}` are \
                         not supported (not Java syntax); use `\\b`"
                            .to_owned(),
                    ));
                }
            },
            Ast::ClassUnicode(class) => posix_bracket(class).map(Ast::class_bracketed),
            Ast::ClassPerl(class) => Some(Ast::class_bracketed(perl_bracket(class))),
            Ast::ClassBracketed(class) => {
                rewrite_class_set(&mut class.kind)?;
                None
            }
            Ast::Repetition(repetition) => {
                // `regex-syntax` reads `a++` as `(?:a+)+`; Java reads a possessive
                // quantifier (which can change whether there is a match), or rejects
                // `a**`, `a{2}{3}`.
                if let Ast::Repetition(_) = *repetition.ast {
                    let message = if repetition.op.kind == RepetitionKind::OneOrMore {
                        "possessive quantifiers (`*+`, `++`, `?+`, `{n,m}+`) are not \
                         supported; use the plain quantifier"
                    } else {
                        "a quantifier cannot directly follow another (not Java syntax); \
                         put the first one in a group"
                    };
                    return Err((repetition.op.span, message.to_owned()));
                }
                self.rewrite(&mut repetition.ast)?;
                None
            }
            Ast::Group(group) => {
                let saved = self.dot_all;
                if let GroupKind::NonCapturing(flags) = &group.kind {
                    self.apply_flags(flags)?;
                }
                self.rewrite(&mut group.ast)?;
                self.dot_all = saved;
                None
            }
            Ast::Alternation(alternation) => {
                for branch in &mut alternation.asts {
                    self.rewrite(branch)?;
                }
                None
            }
            Ast::Concat(concat) => {
                for item in &mut concat.asts {
                    self.rewrite(item)?;
                }
                None
            }
        };
        if let Some(replacement) = replacement {
            *node = replacement;
        }
        Ok(())
    }

    /// Records `s`, and rejects the flags Java reads differently from `regex-syntax`.
    fn apply_flags(&mut self, flags: &Flags) -> Result<(), RewriteError> {
        let mut negated = false;
        for item in &flags.items {
            let flag = match item.kind {
                FlagsItemKind::Negation => {
                    negated = true;
                    continue;
                }
                FlagsItemKind::Flag(flag) => flag,
            };
            let rejected = match (flag, negated) {
                (Flag::DotMatchesNewLine, _) => {
                    self.dot_all = !negated;
                    None
                }
                (Flag::SwapGreed, false) => Some(
                    "the `U` flag is not supported: Java reads it as \
                     UNICODE_CHARACTER_CLASS, but `\\d`, `\\w`, `\\s` and `\\b` are ASCII here",
                ),
                (Flag::Unicode, true) => Some(
                    "turning the `u` flag off is not supported: Unicode classes and \
                     characters always keep their Unicode meaning",
                ),
                (Flag::CRLF, _) => Some("the `R` flag is not supported (not Java syntax)"),
                _ => None,
            };
            if let Some(message) = rejected {
                return Err((item.span, message.to_owned()));
            }
        }
        Ok(())
    }
}

/// The bracket-class part of [`JavaRewriter`]: Perl classes, POSIX names and `\v` inside
/// `[…]` become nested classes; syntax Java reads differently is rejected.
fn rewrite_class_set(set: &mut ClassSet) -> Result<(), RewriteError> {
    match set {
        ClassSet::Item(item) => rewrite_class_item(item),
        ClassSet::BinaryOp(op) => {
            if op.kind != ClassSetBinaryOpKind::Intersection {
                return Err((
                    op.span,
                    "the class operators `--` and `~~` are not supported (not Java syntax); \
                     use `&&` with a negated class"
                        .to_owned(),
                ));
            }
            rewrite_class_set(&mut op.lhs)?;
            rewrite_class_set(&mut op.rhs)
        }
    }
}

fn rewrite_class_item(item: &mut ClassSetItem) -> Result<(), RewriteError> {
    let replacement = match item {
        ClassSetItem::Empty(_) => None,
        ClassSetItem::Literal(lit) => {
            is_vertical_tab(lit).then(|| bracket(lit.span, false, VERTICAL_SPACE))
        }
        ClassSetItem::Range(range) => {
            if is_vertical_tab(&range.start) || is_vertical_tab(&range.end) {
                return Err((
                    range.span,
                    "`\\v` is a class (vertical whitespace) in Java and cannot end a range; \
                     use `\\x0B` for the vertical tab"
                        .to_owned(),
                ));
            }
            None
        }
        ClassSetItem::Ascii(ascii) => {
            return Err((
                ascii.span,
                "POSIX bracket classes like `[[:alpha:]]` are not supported (Java reads them \
                 as sets of characters); use `\\p{Alpha}`, `\\p{Digit}`, …"
                    .to_owned(),
            ));
        }
        ClassSetItem::Unicode(class) => posix_bracket(class),
        ClassSetItem::Perl(class) => Some(perl_bracket(class)),
        ClassSetItem::Bracketed(class) => {
            rewrite_class_set(&mut class.kind)?;
            None
        }
        ClassSetItem::Union(union) => {
            for item in &mut union.items {
                rewrite_class_item(item)?;
            }
            None
        }
    };
    if let Some(replacement) = replacement {
        *item = ClassSetItem::Bracketed(Box::new(replacement));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::pattern::tests::both;

    #[test]
    fn client_id_digits_are_ascii() {
        let p = both(r"^mdb_sa_id_[a-fA-F\d]{24}$").unwrap();
        assert!(p.is_match("mdb_sa_id_5e2211c17a3e5a48f5497de3"));
        assert!(p.is_match("mdb_sa_id_5E2211C17A3E5A48F5497DE3"));
        assert!(!p.is_match("mdb_sa_id_5e2211c17a3e5a48f5497de٣"));
        assert!(!p.is_match("mdb_sa_id_٣e2211c17a3e5a48f5497de3"));
        assert!(!p.is_match("mdb_sa_id_5e2211c17a3e5a48f5497de𝟘"));
        assert!(!p.is_match("mdb_sa_id_5e2211c17a3e5a48f5497de"));
    }

    #[test]
    fn unicode_properties_stay_unicode() {
        let p = both(r"^[\p{L}\p{N}\-_.,' ]*$").unwrap();
        assert!(p.is_match("Zoë 東京"));
        assert!(p.is_match("O'Brien-Smith, Jr."));
        assert!(p.is_match("١٢٣"));
        assert!(p.is_match(""));
        assert!(!p.is_match("Zoë 東京!"));
        assert!(!p.is_match("a\tb"));
    }

    #[test]
    fn word_boundaries_are_ascii() {
        let p = both(r"\bfoo\b").unwrap();
        assert!(p.is_match("foo"));
        assert!(p.is_match("a foo."));
        assert!(p.is_match("éfooé"));
        assert!(!p.is_match("afoo"));
        assert!(!p.is_match("foo_"));
        assert!(!p.is_match("fo"));
    }

    #[test]
    fn java_specific_meanings() {
        let space = both(r"^\s$").unwrap();
        for c in [" ", "\t", "\n", "\x0B", "\x0C", "\r"] {
            assert!(space.is_match(c), "{c:?}");
        }
        for c in ["\u{85}", "\u{A0}", "\u{2003}", "\u{3000}", "x"] {
            assert!(!space.is_match(c), "{c:?}");
        }
        let word = both(r"^\w+$").unwrap();
        assert!(word.is_match("abc_XYZ_019"));
        assert!(!word.is_match("é"));
        // `.` excludes Java's line terminators, unless `(?s)`.
        let dot = both(r"^a.c$").unwrap();
        assert!(dot.is_match("abc") && dot.is_match("aéc") && dot.is_match("a東c"));
        for c in ["a\nc", "a\rc", "a\u{85}c", "a\u{2028}c", "a\u{2029}c"] {
            assert!(!dot.is_match(c), "{c:?}");
        }
        let dot_all = both(r"(?s)^a.c$").unwrap();
        assert!(dot_all.is_match("a\nc") && dot_all.is_match("a\u{2028}c"));
        // The flag is scoped to its group.
        let across = both(r"^(?:a(?s).|b.)$").unwrap();
        assert!(across.is_match("b\n") && across.is_match("a\n"));
        let scoped = both(r"^(?:(?s)a.)b.$").unwrap();
        assert!(scoped.is_match("a\nbx"));
        assert!(!scoped.is_match("a\nb\n"));
        // `\v` is vertical whitespace.
        let v = both(r"^\v$").unwrap();
        for c in ["\n", "\x0B", "\x0C", "\r", "\u{85}", "\u{2028}", "\u{2029}"] {
            assert!(v.is_match(c), "{c:?}");
        }
        assert!(!v.is_match(" "));
        let v = both(r"^[\vx]$").unwrap();
        assert!(v.is_match("\u{2029}") && v.is_match("x") && !v.is_match("y"));
        // `\<` and `\>` are characters.
        let angle = both(r"^\<a\>$").unwrap();
        assert!(angle.is_match("<a>") && !angle.is_match("a"));
        // POSIX names are ASCII.
        let alpha = both(r"^\p{Alpha}+$").unwrap();
        assert!(alpha.is_match("abcXYZ") && !alpha.is_match("é"));
        let punct = both(r"^[\p{Punct}]+$").unwrap();
        assert!(punct.is_match("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"));
        assert!(!punct.is_match("«"));
        let not_digit = both(r"^\P{Digit}$").unwrap();
        assert!(not_digit.is_match("٣") && !not_digit.is_match("3"));
        // Non-POSIX names keep their Unicode meaning.
        let letter = both(r"^\p{L}$").unwrap();
        assert!(letter.is_match("é"));
        // Negated Perl classes inside brackets.
        let p = both(r"^[^\D]$").unwrap();
        assert!(p.is_match("7") && !p.is_match("٣") && !p.is_match("x"));
        let p = both(r"^[\W]$").unwrap();
        assert!(p.is_match("é") && p.is_match("-") && !p.is_match("a"));
        // Case-insensitive Perl classes and intersections.
        let p = both(r"(?i)^[\w&&[^_]]+$").unwrap();
        assert!(p.is_match("aZ9") && !p.is_match("a_"));
    }
}
