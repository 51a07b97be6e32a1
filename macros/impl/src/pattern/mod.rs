//! Compiling `pattern` constraints at macro-expansion time: into a character run for the
//! common shape `^ LITERAL? C{m,n} $`, into byte-DFA tables otherwise.
//!
//! # Why
//!
//! `#[atlas_endpoint]` accepts `pattern(orgId = "^([a-f0-9]{24})$")` and
//! `#[atlas(pattern = "…")]`. Checking such a pattern must not cost a regex compilation at
//! run time (nor a `regex` dependency in every user's binary): the macro does all the work
//! here, once, and emits constants that `atlas_runtime::Pattern::is_match` reads. A
//! pattern that cannot be compiled is reported by the macro, at the pattern literal, with a
//! one-line message.
//!
//! # Meaning
//!
//! The patterns come from the Atlas Admin API specification (JSON Schema) and are enforced
//! by the Atlas server, which is written in Java. We follow Java, which here agrees with
//! JSON Schema's ECMA-262 dialect and differs from Rust's `regex` defaults:
//!
//! * A pattern is an unanchored **search**: `\d+` accepts `"xx1234yy"`. Nothing is added
//!   around the pattern; `^` and `$` pin it to the start and end of the text (no
//!   multi-line mode unless the pattern asks for it with `(?m)`). `$` is the very end:
//!   unlike Java's, it does not also match before a final line terminator, so
//!   `^[a-f0-9]{24}$` rejects an id followed by `"\n"` (as ECMA-262 does).
//! * `\d`, `\w`, `\s`, `\b` (and their negations) are **ASCII**, as in Java:
//!   `\d` = `[0-9]`, `\w` = `[a-zA-Z_0-9]`, `\s` = `[ \t\n\x0B\f\r]`, `\b` is the boundary
//!   between `\w` and `\W`. Unicode properties (`\p{L}`, `\p{N}`, …) and literal non-ASCII
//!   characters keep their Unicode meaning, so `^[\p{L}\p{N}\-_.,' ]*$` accepts
//!   `"Zoë 東京"` while `^[\d]{3}$` rejects the Arabic-Indic digit `٣`.
//! * A few more constructs are given their Java meaning where Rust's syntax reads them
//!   differently: `.` does not match Java's line terminators (`\n`, `\r`, U+0085, U+2028,
//!   U+2029) unless `(?s)` is on; `\v` is Java's vertical-whitespace class; `\<` and `\>` are
//!   the literal characters; the POSIX names `\p{Alpha}`, `\p{Digit}`, `\p{Punct}`, … are
//!   ASCII classes.
//! * Constructs that Java reads differently and that we cannot express are rejected rather
//!   than silently given another meaning: `[[:alpha:]]`, the class operators `--` and `~~`,
//!   `\b{start}`-style boundaries, possessive quantifiers (`a++`, which `regex-syntax`
//!   would read as `(?:a+)+`), stacked quantifiers, the flags `U` and `R` and turning `u`
//!   off. Look-around and backreferences cannot be compiled to a finite automaton and are
//!   rejected too.
//! * Known remaining difference: `(?i)` folds case with Unicode's simple case folding, as
//!   Java's `(?iu)` does; Java's plain `(?i)` folds ASCII letters only.
//!
//! # How
//!
//! 1. Parse with `regex_syntax::ast`, then rewrite the AST in place (keeping the original
//!    spans, so later errors still point into the user's text): Perl classes become the
//!    equivalent ASCII bracket classes, `\b`/`\B` become `(?-u:\b)`/`(?-u:\B)`, and so on.
//! 2. Translate to HIR. A pattern that is an optional literal and one counted character
//!    class, anchored at both ends, `^ LITERAL? C{m,n} $` (see `run_shape`; most of the
//!    specification's patterns: ids, client ids, names) becomes a [`CharRun`]: the prefix,
//!    `C` as a 128-bit ASCII bitmap plus sorted non-ASCII char ranges, and the bounds
//!    `m..=n` on the number of chars after the prefix. The runtime compares the prefix and
//!    tests each char (a table load per ASCII byte, a binary search per other char), and
//!    the expansion carries three byte-string literals instead of tables: the Unicode
//!    name class `[\p{L}\p{N}…]` is 767 ranges (4.6 KB, one token), where its DFA was
//!    331 states × 95 classes (32,000 literals). Steps 3 to 5 are for every other pattern.
//!    (When tables are built for `^C{m,n}$` anyway — tests do, to compare — they are those
//!    of `^C*$` plus the bounds, see `split_char_count`: counting in the DFA would copy
//!    `C`'s UTF-8 decoder once per count.)
//! 3. Compile a Thompson NFA, determinize it with
//!    `regex_automata::dfa::dense` (unanchored start, size-limited, Unicode word boundaries
//!    off so no "quit" state can exist).
//! 4. Walk the DFA from its unanchored start state over one representative byte per byte
//!    class. `regex-automata` reports matches one byte late, so *any* match state (or a
//!    match after end of input) means "a match exists": all of them become our absorbing
//!    `MATCH` state, and the end-of-input transition becomes `eoi_match`.
//! 5. Minimize the result for *our* semantics (Hopcroft), drop byte classes that behave the
//!    same, and number the states: 0 = `DEAD`, 1 = `MATCH`, then breadth-first from the
//!    start. The output is deterministic, so expansion is reproducible.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use regex_automata::{
    Anchored,
    dfa::{Automaton, StartKind, dense},
    nfa::thompson::{self, WhichCaptures},
    util::{primitives::StateID, start},
};
use regex_syntax::{
    ast::{
        self, AssertionKind, Ast, ClassBracketed, ClassPerl, ClassPerlKind, ClassSet,
        ClassSetBinaryOpKind, ClassSetItem, ClassSetRange, ClassSetUnion, ClassUnicode,
        ClassUnicodeKind, Flag, Flags, FlagsItem, FlagsItemKind, GroupKind, LiteralKind,
        RepetitionKind, Span, SpecialLiteralKind,
    },
    hir::{self, Hir, HirKind, Look},
};

/// The dense DFA built by `regex-automata`.
type DenseDfa = dense::DFA<Vec<u32>>;

/// The state that can never reach a match (all its transitions lead to itself).
const DEAD: u32 = 0;
/// The state after a match was seen: absorbing, since only existence matters.
const MATCH: u32 = 1;

/// Limit on the Thompson NFA built from the pattern.
const NFA_SIZE_LIMIT: usize = 2 << 20;
/// Limit on the memory used by determinization.
const DETERMINIZE_SIZE_LIMIT: usize = 2 << 20;
/// Limit on the dense DFA itself (`u32` transitions, rows padded to a power of two).
///
/// Every pattern of the official spec fits well inside: the big ones (counted Unicode
/// classes such as the organization-name `^[\p{L}\p{N}\-_.(),:&@+']{1,64}$`) are
/// character runs (`run_shape`) and never reach the DFA builder. The limits were 16 MiB;
/// fuzzing found patterns near that size taking seconds of expansion before being refused,
/// so a pattern that large is now refused quickly (a counted Unicode class in the middle
/// of a pattern, `^x\p{L}{1,64}y$`, is the kind that hits it).
const DFA_SIZE_LIMIT: usize = 2 << 20;
/// Our state ids are `u16`.
const MAX_STATES: usize = u16::MAX as usize + 1;

/// Bytes per entry of a run's packed ranges, as the runtime reads them: the first and the
/// last char of the range, 3 bytes each, little-endian (every char fits in 21 bits).
const RANGE_BYTES: usize = 6;

/// A pattern compiled for `atlas_runtime::Pattern`: a character run when the pattern has
/// that shape, byte-DFA tables otherwise.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CompiledPattern {
    /// `^ LITERAL? C{m,n} $`: a prefix compare and a membership test per char.
    Run(CharRun),
    /// Every other pattern.
    Tables(Box<Tables>),
}

impl CompiledPattern {
    /// Tokens for a pattern constructor call, usable in a `const` initializer; `private`
    /// is the path of `atlas_runtime::__private` as the expansion names it.
    pub fn to_tokens(&self, private: &syn::Path, source: &syn::LitStr) -> TokenStream {
        match self {
            CompiledPattern::Run(run) => run.to_tokens(private, source),
            CompiledPattern::Tables(tables) => tables.to_tokens(private, source),
        }
    }

    /// Whether `text` contains a match: the reference interpreter of
    /// `atlas_runtime::Pattern::is_match`.
    // Only tests call it; it is kept public so macro tests can check generated code.
    #[cfg_attr(not(test), allow(dead_code))]
    pub fn is_match(&self, text: &str) -> bool {
        match self {
            CompiledPattern::Run(run) => run.is_match(text),
            CompiledPattern::Tables(tables) => tables.is_match(text),
        }
    }
}

/// A pattern of the shape `^ LITERAL? C{m,n} $` (see `run_shape`): a text matches when
/// it starts with `prefix` and the rest is `min_chars..=max_chars` chars, each in the
/// class `C`.
///
/// Invariants: `prefix` is UTF-8; `ranges` are sorted, disjoint and not adjacent, within
/// `0x80..=0x10FFFF`; `min_chars <= max_chars` when bounded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CharRun {
    /// The literal the text starts with (UTF-8; often empty).
    pub prefix: Vec<u8>,
    /// The ASCII part of the class: bit `c % 64` of word `c / 64` for each char `c < 0x80`.
    pub ascii: [u64; 2],
    /// The rest of the class: inclusive ranges of chars, all `>= 0x80`.
    pub ranges: Vec<(u32, u32)>,
    /// Fewest chars after the prefix.
    pub min_chars: usize,
    /// Most chars after the prefix; `None` for `C{m,}`, `C*`, `C+`.
    pub max_chars: Option<usize>,
}

impl CharRun {
    /// The run of a pattern that has the shape.
    fn new(shape: RunShape<'_>) -> Option<CharRun> {
        let mut ascii = [0u64; 2];
        let mut ranges: Vec<(u32, u32)> = Vec::new();
        for range in shape.class.ranges() {
            let (first, last) = (u32::from(range.start()), u32::from(range.end()));
            for c in first..=last.min(0x7F) {
                ascii[(c >> 6) as usize] |= 1 << (c & 63);
            }
            if last >= 0x80 {
                ranges.push((first.max(0x80), last));
            }
        }
        // `regex-syntax` keeps a class canonical already; make sure of it.
        ranges.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
        for (first, last) in ranges {
            match merged.last_mut() {
                Some(prev) if first <= prev.1.saturating_add(1) => prev.1 = prev.1.max(last),
                _ => merged.push((first, last)),
            }
        }
        Some(CharRun {
            prefix: shape.prefix,
            ascii,
            ranges: merged,
            min_chars: usize::try_from(shape.min).ok()?,
            max_chars: match shape.max {
                Some(max) => Some(usize::try_from(max).ok()?),
                None => None,
            },
        })
    }

    /// Whether `c` is in the class.
    fn contains(&self, c: char) -> bool {
        let c = u32::from(c);
        if c < 0x80 {
            return self.ascii[(c >> 6) as usize] >> (c & 63) & 1 == 1;
        }
        self.ranges
            .binary_search_by(|&(first, last)| {
                if last < c {
                    std::cmp::Ordering::Less
                } else if first > c {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }

    /// The ASCII part as the runtime walks it: byte → 1 if in the class, else 0 (always 0
    /// for bytes `>= 0x80`).
    fn byte_table(&self) -> [u8; 256] {
        let mut table = [0u8; 256];
        for (c, slot) in table.iter_mut().enumerate().take(0x80) {
            *slot = u8::from(self.ascii[c >> 6] >> (c & 63) & 1 == 1);
        }
        table
    }

    /// The ranges as the runtime reads them: [`RANGE_BYTES`] bytes each.
    fn packed_ranges(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.ranges.len() * RANGE_BYTES);
        for &(first, last) in &self.ranges {
            out.extend_from_slice(&first.to_le_bytes()[..3]);
            out.extend_from_slice(&last.to_le_bytes()[..3]);
        }
        out
    }

    /// Tokens for `#private::pattern_run(source, b"prefix", b"…256 bytes…",
    /// b"…packed ranges…", min_chars, max_chars)`: byte-string literals, one token per
    /// table whatever the class (the Unicode classes have hundreds of ranges). An unbounded
    /// `max_chars` is `usize::MAX` (spelled as a path: the target's `usize` may be narrower
    /// than ours).
    fn to_tokens(&self, private: &syn::Path, source: &syn::LitStr) -> TokenStream {
        let prefix = Literal::byte_string(&self.prefix);
        let table = Literal::byte_string(&self.byte_table());
        let ranges = Literal::byte_string(&self.packed_ranges());
        let min_chars = Literal::usize_unsuffixed(self.min_chars);
        let max_chars = max_chars_tokens(self.max_chars);
        quote! {
            #private::pattern_run(#source, #prefix, #table, #ranges, #min_chars, #max_chars)
        }
    }

    /// Whether `text` matches: the prefix, then only chars of the class, as many as
    /// allowed.
    #[cfg_attr(not(test), allow(dead_code))]
    fn is_match(&self, text: &str) -> bool {
        let Some(rest) = text
            .as_bytes()
            .strip_prefix(self.prefix.as_slice())
            .and_then(|rest| std::str::from_utf8(rest).ok())
        else {
            return false;
        };
        let mut chars = 0usize;
        for c in rest.chars() {
            if !self.contains(c) {
                return false;
            }
            chars += 1;
        }
        chars >= self.min_chars && self.max_chars.is_none_or(|max| chars <= max)
    }
}

fn max_chars_tokens(max_chars: Option<usize>) -> TokenStream {
    match max_chars {
        Some(max) => {
            let max = Literal::usize_unsuffixed(max);
            quote!(#max)
        }
        None => quote!(::core::primitive::usize::MAX),
    }
}

/// A pattern compiled to the byte-DFA tables read by `atlas_runtime::Pattern`.
///
/// Invariants: `transitions.len() == states × stride`; state 0 is `DEAD` and state 1 is
/// `MATCH` (both absorbing); every `classes` entry is `< stride`; every transition and
/// `start` is `< states`; `eoi_match.len() == states`, `eoi_match[0] == false`,
/// `eoi_match[1] == true`; `min_chars <= max_chars` when bounded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tables {
    /// Byte → equivalence class.
    pub classes: [u8; 256],
    /// Number of byte classes (row width).
    pub stride: usize,
    /// `states × stride` transitions, row-major.
    pub transitions: Vec<u16>,
    /// The state before any byte is read.
    pub start: u16,
    /// Per state: does the end of input complete a match?
    pub eoi_match: Vec<bool>,
    /// A text with fewer chars (Unicode scalar values) does not match, whatever the tables
    /// say: the `m` of `^C{m,n}$`, 0 for other patterns.
    pub min_chars: usize,
    /// A text with more chars does not match: the `n` of `^C{m,n}$`, `None` for `^C{m,}$`
    /// and other patterns.
    pub max_chars: Option<usize>,
}

impl Tables {
    /// Tokens for
    /// `#private::pattern_tables(source, b"..classes..", b"..transitions..", stride,
    /// start, b"..eoi..", min_chars, max_chars)`, usable in a `const` initializer; an
    /// unbounded `max_chars` is `usize::MAX`.
    fn to_tokens(&self, private: &syn::Path, source: &syn::LitStr) -> TokenStream {
        // Byte strings, one token each, not a literal per entry to lex, parse and
        // type-check per use: the transitions as little-endian `u16`s, the end-of-input
        // flags as 0/1.
        let classes = Literal::byte_string(&self.classes);
        let transitions: Vec<u8> = self
            .transitions
            .iter()
            .flat_map(|t| t.to_le_bytes())
            .collect();
        let transitions = Literal::byte_string(&transitions);
        let stride = Literal::usize_unsuffixed(self.stride);
        let start = Literal::u16_unsuffixed(self.start);
        let eoi: Vec<u8> = self.eoi_match.iter().map(|&m| u8::from(m)).collect();
        let eoi = Literal::byte_string(&eoi);
        let min_chars = Literal::usize_unsuffixed(self.min_chars);
        let max_chars = max_chars_tokens(self.max_chars);
        quote! {
            #private::pattern_tables(
                #source,
                #classes,
                #transitions,
                #stride,
                #start,
                #eoi,
                #min_chars,
                #max_chars,
            )
        }
    }

    /// Whether `text` contains a match: the same algorithm as the runtime's table walk.
    #[cfg_attr(not(test), allow(dead_code))]
    fn is_match(&self, text: &str) -> bool {
        if !self.char_count_allowed(text) {
            return false;
        }
        let mut state = self.start;
        if u32::from(state) <= MATCH {
            return u32::from(state) == MATCH;
        }
        for &byte in text.as_bytes() {
            let class = usize::from(self.classes[usize::from(byte)]);
            state = self.transitions[usize::from(state) * self.stride + class];
            if u32::from(state) <= MATCH {
                return u32::from(state) == MATCH;
            }
        }
        self.eoi_match[usize::from(state)]
    }

    /// Whether the number of chars in `text` is within the bounds. A char takes 1 to 4
    /// bytes, so the byte length usually decides without counting.
    #[cfg_attr(not(test), allow(dead_code))]
    fn char_count_allowed(&self, text: &str) -> bool {
        let max = self.max_chars.unwrap_or(usize::MAX);
        let (fewest, most) = (text.len().div_ceil(4), text.len());
        if most < self.min_chars || fewest > max {
            return false;
        }
        if fewest >= self.min_chars && most <= max {
            return true;
        }
        (self.min_chars..=max).contains(&text.chars().count())
    }

    /// Number of states (including `DEAD` and `MATCH`).
    #[cfg(test)]
    fn states(&self) -> usize {
        self.eoi_match.len()
    }
}

/// Most memory (bytes, roughly) the results [`compile`] remembers may take.
const CACHE_BYTES: usize = 16 << 20;

/// What [`compile`] remembers: results by source, and their approximate size.
struct Cache {
    results: HashMap<String, Result<CompiledPattern, String>>,
    bytes: usize,
}

/// Checks `source` and compiles it; `Err` is a one-line message meant to be shown at the
/// pattern literal.
///
/// The result depends on `source` alone, and a crate declares the same few patterns many
/// times (an object id on most endpoints), so results are kept for the life of the macro
/// process (one `rustc` run; a long-running proc-macro server starts over when they reach
/// [`CACHE_BYTES`]): a DFA is built once per pattern, not once per declaration.
pub fn compile(source: &str) -> Result<CompiledPattern, String> {
    static CACHE: Mutex<Option<Cache>> = Mutex::new(None);
    let hit = CACHE
        .lock()
        .ok()
        .and_then(|cache| cache.as_ref()?.results.get(source).cloned());
    if let Some(hit) = hit {
        return hit;
    }
    let result = compile_uncached(source);
    if let Ok(mut cache) = CACHE.lock() {
        let cache = cache.get_or_insert_with(|| Cache {
            results: HashMap::new(),
            bytes: 0,
        });
        let size = source.len()
            + match &result {
                Ok(CompiledPattern::Run(run)) => run.prefix.len() + run.ranges.len() * 8 + 64,
                Ok(CompiledPattern::Tables(tables)) => {
                    tables.transitions.len() * 2 + tables.eoi_match.len() + 320
                }
                Err(message) => message.len(),
            };
        if cache.bytes + size > CACHE_BYTES {
            cache.results.clear();
            cache.bytes = 0;
        }
        if size <= CACHE_BYTES {
            cache.bytes += size;
            cache.results.insert(source.to_owned(), result.clone());
        }
    }
    result
}

fn compile_uncached(source: &str) -> Result<CompiledPattern, String> {
    let hir = translate(source)?;
    if let Some(run) = run_shape(&hir).and_then(CharRun::new) {
        return Ok(CompiledPattern::Run(run));
    }
    compile_tables(hir).map(|tables| CompiledPattern::Tables(Box::new(tables)))
}

/// Parses `source`, gives it Java's meaning (see the module documentation) and
/// translates it to HIR.
fn translate(source: &str) -> Result<Hir, String> {
    let mut ast = ast::parse::ParserBuilder::new()
        .build()
        .parse(source)
        .map_err(|err| parse_error(source, &err))?;
    JavaRewriter::default()
        .rewrite(&mut ast)
        .map_err(|(span, message)| with_snippet(message, source, &span))?;
    hir::translate::TranslatorBuilder::new()
        .unicode(true)
        .utf8(true)
        .build()
        .translate(source, &ast)
        .map_err(|err| with_snippet(format!("invalid regex: {}", err.kind()), source, err.span()))
}

/// The byte-DFA tables of a translated pattern.
fn compile_tables(hir: Hir) -> Result<Tables, String> {
    let (hir, min_chars, max_chars) = match split_char_count(&hir) {
        Some(CharCount { star, min, max }) => (star, min, max),
        None => (hir, 0, None),
    };
    let dfa = build_dfa(&hir)?;
    let raw = RawTables::walk(&dfa)?;
    let tables = raw.minimize().finish()?;
    Ok(Tables {
        min_chars,
        max_chars,
        ..tables
    })
}

/// The tables `source` compiles to when the run is not used (tests compare both).
#[cfg(test)]
fn compile_dfa(source: &str) -> Result<Tables, String> {
    compile_tables(translate(source)?)
}

// ----------------------------------------------------------------------------------------
// Character runs and counted classes

/// `^ LITERAL? C{m,n} $` found in a pattern's HIR.
#[derive(Debug)]
struct RunShape<'a> {
    /// The `^` (`\A`).
    start: &'a Hir,
    /// The `$` (`\z`).
    end: &'a Hir,
    /// The literal before the class, as UTF-8.
    prefix: Vec<u8>,
    /// `C`.
    class: hir::ClassUnicode,
    /// `m`.
    min: u32,
    /// `n`; `None` for `C{m,}`.
    max: Option<u32>,
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
fn run_shape(hir: &Hir) -> Option<RunShape<'_>> {
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
struct CharCount {
    /// `^C*$`.
    star: Hir,
    /// `m`.
    min: usize,
    /// `n`; `None` for `^C{m,}$`.
    max: Option<usize>,
}

/// For the DFA: a run without prefix (`^C{m,n}$`, see [`run_shape`]) is compiled as
/// `^C*$` plus bounds on the number of chars, which the runtime checks before walking the
/// tables: the DFA of `^C*$` is one copy of `C`'s UTF-8 decoder, where that of `^C{m,n}$`
/// has about `n` of them. `compile` gives such patterns a run instead; this keeps the
/// tables small when they are built anyway (the tests compare both).
fn split_char_count(hir: &Hir) -> Option<CharCount> {
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

// ----------------------------------------------------------------------------------------
// Errors

/// Maps a `regex-syntax` parse error to our message (its kind's text, not the multi-line
/// rendering of `Display for ast::Error`).
fn parse_error(source: &str, err: &ast::Error) -> String {
    let span = err.span();
    let snippet = snippet(source, span);
    let message = match err.kind() {
        ast::ErrorKind::UnsupportedLookAround => "look-around is not supported: \
             `(?=…)`, `(?!…)`, `(?<=…)` and `(?<!…)` cannot be checked by a finite automaton; \
             rewrite the pattern without it (e.g. spell out the alternatives)"
            .to_owned(),
        ast::ErrorKind::UnsupportedBackreference => "backreferences are not supported: \
             they cannot be checked by a finite automaton"
            .to_owned(),
        ast::ErrorKind::EscapeUnrecognized if snippet == "\\k" => {
            "backreferences are not supported: `\\k<name>` cannot be checked by a finite \
             automaton"
                .to_owned()
        }
        kind => format!("invalid regex: {kind}"),
    };
    with_snippet(message, source, span)
}

/// The text of `span` in `source`, or "" if the span does not fall on char boundaries.
fn snippet<'a>(source: &'a str, span: &Span) -> &'a str {
    source.get(span.start.offset..span.end.offset).unwrap_or("")
}

/// Appends "(at `…`)" when the span covers some text, and keeps the message on one line.
fn with_snippet(message: String, source: &str, span: &Span) -> String {
    let snippet = snippet(source, span);
    let message = if snippet.is_empty() || snippet == source {
        message
    } else {
        // Control characters escaped, backslashes kept as written.
        let snippet: String = snippet
            .chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect();
        format!("{message} (at `{snippet}`)")
    };
    message.replace(['\n', '\r'], " ")
}

fn too_large(detail: impl std::fmt::Display) -> String {
    format!(
        "pattern is too large to compile into a DFA ({detail}); \
         simplify it, e.g. use smaller repetition counts"
    )
}

// ----------------------------------------------------------------------------------------
// Java semantics: AST rewriting

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
struct JavaRewriter {
    dot_all: bool,
}

impl JavaRewriter {
    fn rewrite(&mut self, node: &mut Ast) -> Result<(), RewriteError> {
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

// ----------------------------------------------------------------------------------------
// DFA construction

fn build_dfa(hir: &Hir) -> Result<DenseDfa, String> {
    let nfa = thompson::Compiler::new()
        .configure(
            thompson::Config::new()
                .nfa_size_limit(Some(NFA_SIZE_LIMIT))
                .which_captures(WhichCaptures::None),
        )
        .build_from_hir(hir)
        .map_err(|err| match err.size_limit() {
            Some(limit) => too_large(format_args!("its NFA exceeds {} MiB", limit >> 20)),
            None => format!("cannot compile pattern: {err}"),
        })?;
    dense::Builder::new()
        .configure(
            dense::Config::new()
                .start_kind(StartKind::Unanchored)
                // We minimize ourselves, for our own (coarser) notion of equivalence.
                .minimize(false)
                .accelerate(false)
                .specialize_start_states(false)
                // `\b` was rewritten to ASCII; a Unicode one must fail, not quit.
                .unicode_word_boundary(false)
                .dfa_size_limit(Some(DFA_SIZE_LIMIT))
                .determinize_size_limit(Some(DETERMINIZE_SIZE_LIMIT)),
        )
        .build_from_nfa(&nfa)
        .map_err(|err| {
            if err.is_size_limit_exceeded() {
                too_large(format_args!(
                    "its DFA exceeds {} MiB",
                    DFA_SIZE_LIMIT.max(DETERMINIZE_SIZE_LIMIT) >> 20
                ))
            } else {
                format!("cannot compile pattern: {err}")
            }
        })
}

/// Tables in our format, before minimization (`u32` ids, no state limit yet).
struct RawTables {
    /// Byte → class.
    classes: [u8; 256],
    stride: usize,
    transitions: Vec<u32>,
    start: u32,
    eoi_match: Vec<bool>,
}

/// Breadth-first renumbering of DFA states into [`RawTables`].
struct Walker<'a> {
    dfa: &'a DenseDfa,
    stride: usize,
    tables: RawTables,
    ids: HashMap<StateID, u32>,
    /// States numbered but whose rows are not filled yet.
    queue: VecDeque<(StateID, u32)>,
}

impl Walker<'_> {
    /// Our id for a DFA state: every match state is `MATCH` (a match exists, whatever
    /// follows), the dead state is `DEAD`, others are numbered on first sight.
    fn id_of(&mut self, sid: StateID) -> Result<u32, String> {
        if self.dfa.is_quit_state(sid) {
            return Err("internal error: the DFA has a quit state".to_owned());
        }
        if self.dfa.is_match_state(sid) {
            return Ok(MATCH);
        }
        if self.dfa.is_dead_state(sid) {
            return Ok(DEAD);
        }
        if let Some(&id) = self.ids.get(&sid) {
            return Ok(id);
        }
        let id =
            u32::try_from(self.tables.eoi_match.len()).map_err(|_| too_large("too many states"))?;
        self.tables
            .transitions
            .extend(std::iter::repeat_n(DEAD, self.stride));
        self.tables.eoi_match.push(false);
        self.ids.insert(sid, id);
        self.queue.push_back((sid, id));
        Ok(id)
    }
}

impl RawTables {
    /// Renumbers the states reachable from the unanchored start state into our format.
    fn walk(dfa: &DenseDfa) -> Result<RawTables, String> {
        // One representative byte per class, classes numbered by first byte.
        let byte_classes = dfa.byte_classes();
        let mut class_of_dfa_class: HashMap<u8, u8> = HashMap::new();
        let mut representatives: Vec<u8> = Vec::new();
        let mut classes = [0u8; 256];
        for byte in 0..=u8::MAX {
            let dfa_class = byte_classes.get(byte);
            let class = *class_of_dfa_class.entry(dfa_class).or_insert_with(|| {
                representatives.push(byte);
                // Classes are numbered by first byte, so this id is at most `byte`.
                u8::try_from(representatives.len() - 1).unwrap_or(byte)
            });
            classes[usize::from(byte)] = class;
        }
        let stride = representatives.len();

        let mut walker = Walker {
            dfa,
            stride,
            tables: RawTables {
                classes,
                stride,
                transitions: [vec![DEAD; stride], vec![MATCH; stride]].concat(),
                start: DEAD,
                eoi_match: vec![false, true],
            },
            ids: HashMap::new(),
            queue: VecDeque::new(),
        };
        let start_config = start::Config::new().anchored(Anchored::No);
        let start = dfa
            .start_state(&start_config)
            .map_err(|err| format!("internal error: no start state: {err}"))?;
        walker.tables.start = walker.id_of(start)?;
        while let Some((sid, id)) = walker.queue.pop_front() {
            let row = id as usize * stride;
            for (class, &byte) in representatives.iter().enumerate() {
                let next = walker.id_of(dfa.next_state(sid, byte))?;
                walker.tables.transitions[row + class] = next;
            }
            walker.tables.eoi_match[id as usize] = dfa.is_match_state(dfa.next_eoi_state(sid));
        }
        let tables = walker.tables;
        Ok(tables)
    }

    /// Merges equivalent states (Hopcroft's algorithm). Two states are equivalent when
    /// they accept the same suffixes, acceptance being `eoi_match` at the end of input;
    /// `DEAD` and `MATCH` are ordinary states for this purpose (absorbing, rejecting
    /// resp. accepting everything), so the early exits of `is_match` stay correct. Returns
    /// the block of every state.
    fn minimize(self) -> Minimized {
        let n = self.eoi_match.len();
        let k = self.stride;
        // Inverse transitions: for (class c, target t), the sources, at
        // `inverse[offsets[c * n + t]..offsets[c * n + t + 1]]`.
        let mut offsets = vec![0usize; k * n + 1];
        for s in 0..n {
            for c in 0..k {
                let t = self.transitions[s * k + c] as usize;
                offsets[c * n + t + 1] += 1;
            }
        }
        for i in 1..offsets.len() {
            offsets[i] += offsets[i - 1];
        }
        let mut inverse = vec![0usize; n * k];
        let mut fill = offsets.clone();
        for s in 0..n {
            for c in 0..k {
                let key = c * n + self.transitions[s * k + c] as usize;
                inverse[fill[key]] = s;
                fill[key] += 1;
            }
        }

        // Refinable partition: each block is a range of `elements`; `position` is the
        // inverse of `elements`. Marked elements of a block sit at its front.
        let mut elements: Vec<usize> = (0..n).filter(|&s| self.eoi_match[s]).collect();
        let accepting = elements.len();
        elements.extend((0..n).filter(|&s| !self.eoi_match[s]));
        let mut position = vec![0usize; n];
        for (i, &s) in elements.iter().enumerate() {
            position[s] = i;
        }
        // MATCH accepts and DEAD does not, so both initial blocks are non-empty.
        let mut blocks: Vec<(usize, usize)> = vec![(0, accepting), (accepting, n)];
        let mut block_of: Vec<usize> = (0..n).map(|s| usize::from(!self.eoi_match[s])).collect();
        let mut marked = vec![0usize; 2];
        let mut in_work = vec![false; 2];
        // Splitting by a block or by its complement is the same: start with the smaller.
        let first = usize::from(accepting > n - accepting);
        let mut work = vec![first];
        in_work[first] = true;

        let mut splitter = Vec::new();
        let mut touched = Vec::new();
        while let Some(a) = work.pop() {
            in_work[a] = false;
            splitter.clear();
            splitter.extend_from_slice(&elements[blocks[a].0..blocks[a].1]);
            for c in 0..k {
                for &t in &splitter {
                    let key = c * n + t;
                    // Each state has one transition per class: marked at most once here.
                    for &s in &inverse[offsets[key]..offsets[key + 1]] {
                        let b = block_of[s];
                        if marked[b] == 0 {
                            touched.push(b);
                        }
                        let (from, other) = (position[s], elements[blocks[b].0 + marked[b]]);
                        let to = blocks[b].0 + marked[b];
                        elements.swap(from, to);
                        position[other] = from;
                        position[s] = to;
                        marked[b] += 1;
                    }
                }
                for b in touched.drain(..) {
                    let (begin, end) = blocks[b];
                    let count = std::mem::take(&mut marked[b]);
                    if count == end - begin {
                        continue;
                    }
                    let new = blocks.len();
                    blocks.push((begin, begin + count));
                    blocks[b] = (begin + count, end);
                    marked.push(0);
                    in_work.push(false);
                    for &s in &elements[begin..begin + count] {
                        block_of[s] = new;
                    }
                    let add = if in_work[b] || count <= end - begin - count {
                        new
                    } else {
                        b
                    };
                    if !in_work[add] {
                        in_work[add] = true;
                        work.push(add);
                    }
                }
            }
        }
        Minimized {
            tables: self,
            block_of,
            blocks: blocks.len(),
        }
    }
}

/// Raw tables with the equivalence classes of their states.
struct Minimized {
    tables: RawTables,
    block_of: Vec<usize>,
    blocks: usize,
}

impl Minimized {
    /// Numbers the blocks (`DEAD` = 0, `MATCH` = 1, then breadth-first from the start),
    /// merges byte classes whose columns are equal, and checks the `u16` limit.
    fn finish(self) -> Result<Tables, String> {
        let Minimized {
            tables,
            block_of,
            blocks,
        } = self;
        let k = tables.stride;
        let block = |s: u32| block_of[s as usize];

        // A representative state per block, and the new id of each block.
        let mut representative = vec![usize::MAX; blocks];
        for (s, &b) in block_of.iter().enumerate().rev() {
            representative[b] = s;
        }
        let mut new_id: Vec<Option<usize>> = vec![None; blocks];
        let mut order: Vec<usize> = Vec::new();
        let mut queue = VecDeque::new();
        for b in [block(DEAD), block(MATCH), block(tables.start)] {
            if new_id[b].is_none() {
                new_id[b] = Some(order.len());
                order.push(b);
                queue.push_back(b);
            }
        }
        while let Some(b) = queue.pop_front() {
            let row = representative[b] * k;
            for &t in &tables.transitions[row..row + k] {
                let tb = block(t);
                if new_id[tb].is_none() {
                    new_id[tb] = Some(order.len());
                    order.push(tb);
                    queue.push_back(tb);
                }
            }
        }
        if order.len() > MAX_STATES {
            return Err(too_large(format_args!(
                "it needs {} states, at most {MAX_STATES} are supported",
                order.len()
            )));
        }
        let id = |s: u32| -> u16 {
            // Every reachable block got an id < MAX_STATES above.
            new_id[block(s)]
                .and_then(|id| u16::try_from(id).ok())
                .unwrap_or(0)
        };

        // Rows in the new numbering, still over the raw classes.
        let mut rows = Vec::with_capacity(order.len() * k);
        let mut eoi_match = Vec::with_capacity(order.len());
        for &b in &order {
            let s = representative[b];
            rows.extend(
                tables.transitions[s * k..(s + 1) * k]
                    .iter()
                    .map(|&t| id(t)),
            );
            eoi_match.push(tables.eoi_match[s]);
        }

        // Merge classes with identical columns; number them by first byte.
        let mut column_ids: HashMap<Vec<u16>, u8> = HashMap::new();
        let mut class_map = vec![0u8; k];
        let mut kept = Vec::new();
        for (c, slot) in class_map.iter_mut().enumerate() {
            let column: Vec<u16> = (0..order.len()).map(|s| rows[s * k + c]).collect();
            let next = column_ids.len();
            *slot = *column_ids.entry(column).or_insert_with(|| {
                kept.push(c);
                // There are at most 256 raw classes.
                u8::try_from(next).unwrap_or(u8::MAX)
            });
        }
        let stride = kept.len();
        let mut transitions = Vec::with_capacity(order.len() * stride);
        for s in 0..order.len() {
            transitions.extend(kept.iter().map(|&c| rows[s * k + c]));
        }
        let mut classes = [0u8; 256];
        for (byte, class) in classes.iter_mut().enumerate() {
            *class = class_map[usize::from(tables.classes[byte])];
        }
        // Raw classes were numbered by first byte, so merged ones still are.
        Ok(Tables {
            classes,
            stride,
            transitions,
            start: id(tables.start),
            eoi_match,
            min_chars: 0,
            max_chars: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `pattern:` of the Atlas Admin API v2 specification
    /// (`/work/shared/atlas-openapi/v2.yaml`), deduplicated, as the YAML decodes them.
    const SPEC_PATTERNS: &[&str] = &[
        r#"(?:(?:\\+?1\\s*(?:[.-]\\s*)?)?(?:(\\s*([2-9]1[02-9]|[2-9][02-8]1|[2-9][02-8][02-9])\\s*)|([2-9]1[02-9]|[2-9][02-8]1|[2-9][02-8][02-9]))\\s*(?:[.-]\\s*)?)([2-9]1[02-9]|[2-9][02-9]1|[2-9][02-9]{2})\\s*(?:[.-]\\s*)?([0-9]{4})$"#,
        r#"([\d]+\.[\d]+\.[\d]+)"#,
        r#"/exported_snapshots/\{ORG-NAME\}/\{PROJECT-NAME\}/\{CLUSTER-NAME\}/\{SNAPSHOT-INITIATION-DATE\}/\{TIMESTAMP\}"#,
        r#"1199145600"#,
        r#"[0-9a-f]+"#,
        r#"[a-z]([-a-z0-9]{0,62}[a-z0-9]{0,1})?"#,
        r#"^((([0-9]{1,3}\.){3}[0-9]{1,3})|(:{0,2}([0-9a-f]{1,4}:){0,7}[0-9a-f]{1,4}[:]{0,2}))((%2[fF]|/)[0-9]{1,3})+$"#,
        r#"^((25[0-5]|(2[0-4]|1\d|[1-9]|)\d)(\.(?!$)|$)){4}|([0-9a-f]{1,4}:){7}[0-9a-f]{1,4}$"#,
        r#"^(?:(?<cn>CN=(?<name>[^,]*)),)?(?:(?<path>(?:(?:CN|OU)=[^,]+,?)+),)?(?<domain>(?:DC=[^,]+,?)+)$"#,
        r#"^(?:[1-9]\\d{3}-(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1\\d|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)|(?:[1-9]\\d(?:0[48]|[2468][048]|[13579][26])|(?:[2468][048]|[13579][26])00)-02-29)T(?:[01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d{1,9})?(?:Z|[+-][01]\\d:[0-5]\\d)$"#,
        r#"^([-\w._()])+$"#,
        r#"^([0-9]*/)?sg-([0-9]*)"#,
        r#"^([0-9]{1,3}\.){3}[0-9]{1,3}(%2[fF][0-9]{1,3})?|([0-9a-f]{1,4}\:){7}[0-9a-f]{1,4}(%2[fF][0-9]{1,3})?|([0-9a-f]{1,4}\:){1,6}\:(%2[fF][0-9]{1,3})?$"#,
        r#"^([0-9]{1,3}\.){3}[0-9]{1,3}(%2[fF][0-9]{1,3})?|([0-9a-f]{1,4}\:){7}[0-9a-f]{1,4}(%2[fF][0-9]{1,3})?|([0-9a-f]{1,4}\:){1,6}\:(%2[fF][0-9]{1,3})|(sg\-[a-f0-9]{8})?$"#,
        r#"^([0-9]{1,3}\.){3}[0-9]{1,3}|([0-9a-f]{1,4}:){7}([0-9a-f]{1,4})|(([a-z0-9]+\.){1,10}[a-z]+)?$"#,
        r#"^([0-9]{1,3}\.){3}[0-9]{1,3}|([0-9a-f]{1,4}\:){7}([0-9a-f]{1,4})|(([a-z0-9]+\.){1,10}[a-z]+)?(\:[0-9]{4,5})$"#,
        r#"^([0-9a-f]){40}$"#,
        r#"^([A-Z]{2})$"#,
        r#"^([a-f0-9]{20})$"#,
        r#"^([a-f0-9]{24})$"#,
        r#"^([a-f0-9]{8,32})$"#,
        r#"^([a-fA-F0-9]{64})$"#,
        r#"^/subscriptions/[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}/resource[gG]roups/private[Ll]ink/providers/Microsoft\.Network/privateEndpoints/[-\w._()]+$"#,
        r#"^[0-9]{12}$"#,
        r#"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"#,
        r#"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}%2[fF]([-\w._()]+)%2[fF]([-\w._()]+)"#,
        r#"^[\p{L}\p{N}\-_.(),:&@+']{1,64}$"#,
        r#"^[\p{L}\p{N}\-_.,' ]*$"#,
        r#"^[a-fA-F0-9]{24}$"#,
        r#"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$"#,
        r#"^[a-zA-Z0-9][a-zA-Z0-9-]*$"#,
        r#"^[a-z][0-9a-z-]{4,28}[0-9a-z]{1}"#,
        r#"^\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/resource[gG]roups\/([-\w._()]+)\/providers\/Microsoft\.Network\/privateEndpoints\/([-\w._()]+)"#,
        r#"^arn:aws:kafka"#,
        r#"^com\.amazonaws\.vpce\.[a-z-0-9]+\.vpce-svc-[0-9a-f]{17}"#,
        r#"^com\.amazonaws\.vpce\.[a-z-0-9]+\.vpce-svc-[0-9a-f]{17}|pls_[0-9a-f]{24}$"#,
        r#"^mdb_sa_id_[a-fA-F\d]{24}$"#,
        r#"^mongodb-atlas-[0-9a-z]{16}@p-[0-9a-z]{24}.iam.gserviceaccount.com$"#,
        r#"^nt-[0-9a-f]{24}-[0-9a-z]{8}$"#,
        r#"^p-[0-9a-z]{24}$"#,
        r#"^pls_[0-9a-f]{24}$"#,
        r#"^vpc-[0-9a-f]{17}$"#,
        r#"^vpce-[0-9a-f]{17}$"#,
        r#"^vpce-[0-9a-f]{17}|^%2[fF]subscriptions%2[fF][0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}%2[fF]resource[gG]roups%2[fF]([-\w._()]+)%2[fF]providers%2[fF]Microsoft\.Network%2[fF]privateEndpoints%2[fF]([-\w._()]+)"#,
        r#"https:\/\/([a-z0-9\.]+)+\.[a-z]{2,}(\/[a-z0-9\-]+)+\/projects\/p-[a-z0-9]+\/regions\/[a-z\-0-9]+\/serviceAttachments\/[a-z0-9\-]+"#,
    ];

    /// Patterns not in the specification that exercise particular features.
    const EXTRA_PATTERNS: &[&str] = &[
        r"^([a-f0-9]{24})$",
        r"^mdb_sa_id_[a-fA-F\d]{24}$",
        r"^[\p{L}\p{N}\-_.,' ]*$",
        r"\d+",
        r"^a|b$",
        r"\bfoo\b",
        r"\Bfoo\B",
        r"^$",
        r"",
        r"^\w+\s\W\S\D$",
        r"[^\d\s]+x",
        r"^[\w&&[^_]]+$",
        r"^a.c$",
        r"(?s)^a.c$",
        r"^(?:a(?s).|b.)$",
        r"^(?i)abc$",
        r"^[a-f[0-9]]{3}$",
        r"\p{Lu}\p{Ll}+",
        r"^\P{L}*$",
        r"é+",
        r"^(foo|foobar)$",
        r"a*",
        r"x{2,}y?",
        r"\Aab\z",
    ];

    /// Rewrites `\d \D \w \W \s \S \b \B .` in a pattern string to their Java meaning, by
    /// scanning the text (independently of the AST rewriting under test).
    fn reference_rewrite(pattern: &str) -> String {
        let mut out = String::new();
        let mut chars = pattern.chars();
        let mut depth = 0usize;
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    let Some(e) = chars.next() else {
                        out.push('\\');
                        break;
                    };
                    let replacement = match e {
                        'd' => "[0-9]",
                        'D' => "[^0-9]",
                        'w' => "[0-9A-Za-z_]",
                        'W' => "[^0-9A-Za-z_]",
                        's' => r"[\t\n\x0B\x0C\r ]",
                        'S' => r"[^\t\n\x0B\x0C\r ]",
                        'b' if depth == 0 => r"(?-u:\b)",
                        'B' if depth == 0 => r"(?-u:\B)",
                        _ => {
                            out.push('\\');
                            out.push(e);
                            continue;
                        }
                    };
                    out.push_str(replacement);
                }
                '[' => {
                    depth += 1;
                    out.push(c);
                }
                ']' if depth > 0 => {
                    depth -= 1;
                    out.push(c);
                }
                '.' if depth == 0 => out.push_str(r"[^\n\r\x{85}\x{2028}\x{2029}]"),
                _ => out.push(c),
            }
        }
        // `(?s)` in the test patterns: undo the dot rewrite after it.
        if let Some(at) = out.find("(?s)") {
            let (head, tail) = out.split_at(at);
            return format!(
                "{head}{}",
                tail.replace(r"[^\n\r\x{85}\x{2028}\x{2029}]", ".")
            );
        }
        out
    }

    fn reference(pattern: &str) -> regex::bytes::Regex {
        let rewritten = reference_rewrite(pattern);
        regex::bytes::RegexBuilder::new(&rewritten)
            .build()
            .unwrap_or_else(|err| panic!("reference for {pattern:?} ({rewritten:?}): {err}"))
    }

    /// SplitMix64: small, deterministic.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn pick<T: Copy>(&mut self, items: &[T]) -> T {
            items[self.below(items.len())]
        }
    }

    /// Generates a string that (mostly) matches `hir`, ignoring look-around.
    fn generate(hir: &Hir, rng: &mut Rng, out: &mut String) {
        use regex_syntax::hir::{Class, HirKind};
        match hir.kind() {
            HirKind::Empty | HirKind::Look(_) => {}
            HirKind::Literal(lit) => out.push_str(&String::from_utf8_lossy(&lit.0)),
            HirKind::Class(Class::Unicode(class)) => {
                let ranges = class.ranges();
                if !ranges.is_empty() {
                    let range = rng.pick(ranges);
                    let (start, end) = (u32::from(range.start()), u32::from(range.end()));
                    // Stay near the start of big ranges, where the interesting bytes are.
                    let span = (end - start).min(300) as usize;
                    let c =
                        char::from_u32(start + rng.below(span + 1) as u32).unwrap_or(range.start());
                    out.push(c);
                }
            }
            HirKind::Class(Class::Bytes(class)) => {
                if let Some(range) = class.ranges().first() {
                    out.push(char::from(range.start()));
                }
            }
            HirKind::Repetition(rep) => {
                let max = rep.max.unwrap_or(rep.min + 3).min(rep.min + 3);
                let count = rep.min as usize + rng.below((max - rep.min) as usize + 1);
                for _ in 0..count {
                    generate(&rep.sub, rng, out);
                }
            }
            HirKind::Capture(capture) => generate(&capture.sub, rng, out),
            HirKind::Concat(items) => {
                for item in items {
                    generate(item, rng, out);
                }
            }
            HirKind::Alternation(branches) => {
                let branch = &branches[rng.below(branches.len())];
                generate(branch, rng, out);
            }
        }
    }

    /// Near-misses of `s`: one char removed, replaced, inserted, duplicated.
    fn mutate(s: &str, rng: &mut Rng, alphabet: &[char]) -> String {
        let mut chars: Vec<char> = s.chars().collect();
        let at = rng.below(chars.len() + 1);
        match rng.below(4) {
            0 if at < chars.len() => {
                chars.remove(at);
            }
            1 if at < chars.len() => chars[at] = rng.pick(alphabet),
            3 if at < chars.len() => chars.insert(at, chars[at]),
            _ => chars.insert(at, rng.pick(alphabet)),
        }
        chars.into_iter().collect()
    }

    fn test_strings(pattern: &str, seed: u64) -> Vec<String> {
        let mut rng = Rng(seed);
        let mut alphabet: Vec<char> =
            "0123456789abcdefxyzABCFZ_-.,:/%@' \n\t\r\x0B\u{85}éÉ東٣𝟘\u{2028}"
                .chars()
                .collect();
        alphabet.extend(pattern.chars().filter(|c| !c.is_ascii_control()));
        alphabet.sort_unstable();
        alphabet.dedup();

        let mut strings: Vec<String> = [
            "",
            "\n",
            "a",
            "0",
            "foo",
            " foo ",
            "foo_bar",
            "éfooé",
            "xx1234yy",
            "b",
            "ab",
            "abc",
            "aBc",
            "a\nc",
            "a\rc",
            "a\u{85}c",
            "a\u{2028}c",
            "aéc",
            "Zoë 東京",
            "Zoë 東京!",
            "١٢٣",
            "5e2211c17a3e5a48f5497de3",
            "5e2211c17a3e5a48f5497de",
            "5e2211c17a3e5a48f5497de3a",
            "5E2211C17A3E5A48F5497DE3",
            "5e2211c17a3e5a48f5497de3\n",
            "mdb_sa_id_5e2211c17a3e5a48f5497de3",
            "mdb_sa_id_5E2211C17a3e5a48f5497DE3",
            "mdb_sa_id_5e2211c17a3e5a48f5497de",
            "mdb_sa_id_5e2211c17a3e5a48f5497de٣",
            "mdb_sa_id_5e2211c17a3e5a48f5497de3\n",
            "mdb_sa_id_5e2211c17a3e5a48f5497dg3",
            "1.2.3",
            "10.0.0.1",
            "10.0.0.1%2F24",
            "fe80:0:0:0:0:0:0:1",
            "user@example.com",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();

        for _ in 0..1500 {
            let len = rng.below(30);
            strings.push((0..len).map(|_| rng.pick(&alphabet)).collect());
        }
        let reference = reference_rewrite(pattern);
        if let Ok(hir) = regex_syntax::ParserBuilder::new().build().parse(&reference) {
            for _ in 0..500 {
                let mut s = String::new();
                generate(&hir, &mut rng, &mut s);
                strings.push(mutate(&s, &mut rng, &alphabet));
                strings.push(format!("{}{s}", rng.pick(&alphabet)));
                strings.push(format!("{s}{}", rng.pick(&alphabet)));
                strings.push(s);
            }
        }
        strings
    }

    /// A pattern compiled both ways: as `compile` does (a run when it has the shape), and
    /// as tables; every answer is checked to be the same.
    struct Both {
        compiled: CompiledPattern,
        dfa: Tables,
    }

    impl Both {
        fn is_match(&self, text: &str) -> bool {
            let answer = self.compiled.is_match(text);
            assert_eq!(
                answer,
                self.dfa.is_match(text),
                "run and tables on {text:?}"
            );
            answer
        }
    }

    fn both(pattern: &str) -> Result<Both, String> {
        let compiled = compile(pattern)?;
        check_invariants(&compiled);
        let dfa = match &compiled {
            CompiledPattern::Tables(tables) => (**tables).clone(),
            CompiledPattern::Run(_) => compile_dfa(pattern)?,
        };
        check_tables(&dfa);
        Ok(Both { compiled, dfa })
    }

    /// Compares with the `regex` crate on many strings, both ways.
    fn check_against_reference(pattern: &str, seed: u64) {
        check_strings(pattern, &test_strings(pattern, seed));
    }

    fn check_invariants(p: &CompiledPattern) {
        match p {
            CompiledPattern::Run(run) => check_run(run),
            CompiledPattern::Tables(tables) => check_tables(tables),
        }
    }

    fn check_run(run: &CharRun) {
        assert!(std::str::from_utf8(&run.prefix).is_ok());
        assert!(run.max_chars.is_none_or(|max| run.min_chars <= max));
        for pair in run.ranges.windows(2) {
            assert!(
                pair[0].1 + 1 < pair[1].0,
                "ranges not sorted and merged: {pair:?}"
            );
        }
        for &(first, last) in &run.ranges {
            assert!((0x80..=0x10FFFF).contains(&first) && first <= last && last <= 0x10FFFF);
        }
        let table = run.byte_table();
        assert!(table.iter().all(|&b| b <= 1) && table[0x80..].iter().all(|&b| b == 0));
        assert_eq!(run.packed_ranges().len(), run.ranges.len() * RANGE_BYTES);
    }

    fn check_tables(p: &Tables) {
        let n = p.states();
        assert!((2..=MAX_STATES).contains(&n));
        assert!(p.stride >= 1 && p.stride <= 256);
        assert_eq!(p.transitions.len(), n * p.stride);
        assert!(p.classes.iter().all(|&c| usize::from(c) < p.stride));
        // Every class is used by some byte, numbered by first byte.
        let mut next = 0u8;
        for &c in &p.classes {
            assert!(c <= next);
            if c == next {
                next += 1;
            }
        }
        assert_eq!(usize::from(next), p.stride);
        assert!(p.transitions.iter().all(|&t| usize::from(t) < n));
        assert!(usize::from(p.start) < n);
        assert!(p.transitions[..p.stride].iter().all(|&t| t == 0));
        assert!(
            p.transitions[p.stride..2 * p.stride]
                .iter()
                .all(|&t| t == 1)
        );
        assert!(!p.eoi_match[0] && p.eoi_match[1]);
        assert!(p.max_chars.is_none_or(|max| p.min_chars <= max));
    }

    /// Naive check that no two states are equivalent (Moore's refinement to a fixpoint).
    fn assert_minimal(p: &Tables) {
        let n = p.states();
        let mut class: Vec<usize> = p.eoi_match.iter().map(|&e| usize::from(e)).collect();
        loop {
            let mut ids: HashMap<Vec<usize>, usize> = HashMap::new();
            let next: Vec<usize> = (0..n)
                .map(|s| {
                    let mut key = vec![class[s]];
                    key.extend(
                        p.transitions[s * p.stride..(s + 1) * p.stride]
                            .iter()
                            .map(|&t| class[usize::from(t)]),
                    );
                    let len = ids.len();
                    *ids.entry(key).or_insert(len)
                })
                .collect();
            let done = ids.len() == class.iter().collect::<std::collections::HashSet<_>>().len();
            class = next;
            if done {
                break;
            }
        }
        let distinct: std::collections::HashSet<_> = class.iter().collect();
        assert_eq!(distinct.len(), n, "tables are not minimal");
        // No two classes behave the same either.
        let columns: std::collections::HashSet<Vec<u16>> = (0..p.stride)
            .map(|c| (0..n).map(|s| p.transitions[s * p.stride + c]).collect())
            .collect();
        assert_eq!(columns.len(), p.stride, "byte classes are not minimal");
    }

    fn is_look_around(pattern: &str) -> bool {
        ["(?=", "(?!", "(?<=", "(?<!"]
            .iter()
            .any(|prefix| pattern.contains(prefix))
    }

    #[test]
    fn spec_patterns_agree_with_regex() {
        let mut look_around = 0;
        for (i, pattern) in SPEC_PATTERNS.iter().enumerate() {
            if is_look_around(pattern) {
                look_around += 1;
                let err = compile(pattern).unwrap_err();
                assert!(err.starts_with("look-around is not supported:"), "{err}");
                continue;
            }
            check_against_reference(pattern, i as u64);
        }
        assert_eq!(look_around, 1);
    }

    #[test]
    fn extra_patterns_agree_with_regex() {
        for (i, pattern) in EXTRA_PATTERNS.iter().enumerate() {
            check_against_reference(pattern, 1000 + i as u64);
        }
    }

    #[test]
    fn tables_are_minimal() {
        for pattern in SPEC_PATTERNS.iter().chain(EXTRA_PATTERNS) {
            // The naive check is quadratic: skip huge tables (there are none any more).
            match compile_dfa(pattern) {
                Ok(compiled) if compiled.states() < 5000 => assert_minimal(&compiled),
                _ => {}
            }
        }
    }

    #[test]
    fn object_id() {
        let p = compile(r"^([a-f0-9]{24})$").unwrap();
        let CompiledPattern::Run(run) = &p else {
            panic!("not a run: {p:?}")
        };
        assert_eq!(
            run,
            &CharRun {
                prefix: Vec::new(),
                ascii: [0x03FF << 48, 0x7E << 32],
                ranges: Vec::new(),
                min_chars: 24,
                max_chars: Some(24),
            }
        );
        let p = both(r"^([a-f0-9]{24})$").unwrap();
        assert!(p.is_match("5e2211c17a3e5a48f5497de3"));
        assert!(!p.is_match("5e2211c17a3e5a48f5497de"));
        assert!(!p.is_match("5e2211c17a3e5a48f5497de3a"));
        assert!(!p.is_match("5E2211C17A3E5A48F5497DE3"));
        assert!(!p.is_match("5e2211c17a3e5a48f5497de3\n"));
        assert!(!p.is_match("5e2211c17a3e5a48f5497dé"));
        assert!(!p.is_match(""));
        // As tables: `^[a-f0-9]*$` (DEAD, MATCH, start) and exactly 24 chars.
        assert_eq!((p.dfa.states(), p.dfa.stride), (3, 2));
        assert_eq!((p.dfa.min_chars, p.dfa.max_chars), (24, Some(24)));
    }

    #[test]
    fn client_id() {
        let CompiledPattern::Run(run) = compile(r"^mdb_sa_id_[a-fA-F\d]{24}$").unwrap() else {
            panic!("not a run")
        };
        assert_eq!(run.prefix, b"mdb_sa_id_");
        assert_eq!(run.ascii, [0x03FF << 48, 0x7E << 32 | 0x7E]);
        assert!(run.ranges.is_empty());
        assert_eq!((run.min_chars, run.max_chars), (24, Some(24)));
    }

    /// The organization and project name pattern, used 9 times in the specification.
    const NAME: &str = r"^[\p{L}\p{N}\-_.(),:&@+']{1,64}$";
    /// The other name pattern.
    const NAME_STAR: &str = r"^[\p{L}\p{N}\-_.,' ]*$";

    /// Compares with the `regex` crate on the given strings, both ways.
    fn check_strings(pattern: &str, strings: &[String]) {
        let compiled = both(pattern).unwrap_or_else(|err| panic!("{pattern:?}: {err}"));
        let reference = reference(pattern);
        for text in strings {
            assert_eq!(
                compiled.is_match(text),
                reference.is_match(text.as_bytes()),
                "pattern {pattern:?} on {text:?}"
            );
        }
    }

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
    fn search_semantics() {
        let p = both(r"\d+").unwrap();
        assert!(p.is_match("xx1234yy"));
        assert!(!p.is_match("xx٣yy"));
        assert!(!p.is_match(""));

        let p = both(r"^a|b$").unwrap();
        assert!(p.is_match("axx"));
        assert!(p.is_match("xxb"));
        assert!(!p.is_match("xax"));
        assert!(!p.is_match("bx"));

        let p = compile_dfa("").unwrap();
        assert!(p.is_match(""));
        assert!(p.is_match("anything"));
        assert_eq!(p.start, 1);
        assert_eq!((p.states(), p.stride), (2, 1));

        let p = both("^$").unwrap();
        assert!(p.is_match(""));
        assert!(!p.is_match("a"));
        assert!(!p.is_match("\n"));
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

    #[test]
    fn errors() {
        let cases = [
            (r"(?=x)", "look-around is not supported: "),
            (r"(?!x)", "look-around is not supported: "),
            (r"(?<=x)y", "look-around is not supported: "),
            (r"(?<!x)y", "look-around is not supported: "),
            (r"(a)\1", "backreferences are not supported"),
            (r"(?<n>a)\k<n>", "backreferences are not supported"),
            (r"[a-", "invalid regex: unclosed character class"),
            (
                r"a{2,1}",
                "invalid regex: invalid repetition count range, the start must be <= the end",
            ),
            (r"a++", "possessive quantifiers"),
            (r"\p{Foo}", "invalid regex: Unicode property not found"),
            (r"[[:alpha:]]", "POSIX bracket classes"),
            (r"[a-z--c]", "the class operators `--` and `~~`"),
            (r"\b{start}x", "`\\b{start}`"),
            (r"(?U)a", "the `U` flag is not supported"),
            (r"(?-u)a", "turning the `u` flag off is not supported"),
            (r"(?R)a", "the `R` flag is not supported"),
            (r"[\v-z]", "`\\v` is a class"),
            (r"1[01]{20}$", "pattern is too large"),
            (r"1[01]{16}$", "pattern is too large"),
        ];
        for (pattern, expected) in cases {
            let err = compile(pattern).unwrap_err();
            assert!(err.starts_with(expected), "{pattern:?}: {err}");
            assert!(!err.contains('\n'), "{pattern:?}: {err}");
        }
        assert_eq!(
            compile(r"(?<n>a)\k<n>").unwrap_err(),
            "backreferences are not supported: `\\k<name>` cannot be checked by a finite \
             automaton (at `\\k`)"
        );
        assert_eq!(
            compile(r"a{2,1}").unwrap_err(),
            "invalid regex: invalid repetition count range, the start must be <= the end \
             (at `{2,1}`)"
        );
    }

    /// No panic, whatever the input.
    #[test]
    fn never_panics() {
        let mut rng = Rng(7);
        let pieces = [
            "a",
            "é",
            "\\",
            "\\d",
            "\\b",
            "\\p{L}",
            "\\P",
            "\\v",
            "\\<",
            "(",
            ")",
            "(?",
            "(?i)",
            "(?s",
            "(?-u",
            "[",
            "]",
            "[^",
            "-",
            "&&",
            "--",
            "{",
            "}",
            "{2}",
            "{1,3}",
            ",",
            "*",
            "+",
            "?",
            "|",
            "^",
            "$",
            ".",
            ":",
            "[:alpha:]",
            "=",
            "!",
            "<",
            ">",
            "x",
            "0",
            "9",
            "\n",
        ];
        for _ in 0..3000 {
            let len = rng.below(8);
            let pattern: String = (0..len).map(|_| rng.pick(&pieces)).collect();
            if let Ok(p) = both(&pattern) {
                for text in ["", "aé0 x\n", "a", "aa", "é", "0x"] {
                    p.is_match(text);
                }
            }
        }
    }

    #[test]
    fn remembers_results() {
        for pattern in [
            r"^([a-f0-9]{24})$",
            r"^[\p{L}\p{N}\-_.,' ]*$",
            r"\d+",
            r"(?=x)",
            "[",
        ] {
            let first = compile(pattern);
            assert_eq!(compile(pattern), first, "{pattern:?}");
            assert_eq!(compile_uncached(pattern), first, "{pattern:?}");
        }
    }

    #[test]
    fn tokens() {
        let krate: syn::Path = syn::parse_quote!(::atlas_runtime::__private);
        let source = |pattern: &str| syn::LitStr::new(pattern, proc_macro2::Span::call_site());
        let tokens = |pattern: &str| {
            compile(pattern)
                .unwrap()
                .to_tokens(&krate, &source(pattern))
                .to_string()
        };
        let bytes = |b: &[u8]| proc_macro2::Literal::byte_string(b).to_string();
        // The classes are one byte-string token.
        let classes = {
            let mut c = [0u8; 256];
            c[usize::from(b'a')] = 1;
            let literal = proc_macro2::Literal::byte_string(&c).to_string();
            assert!(literal.starts_with("b\"\\0") && literal.contains("\\x01"));
            literal
        };
        // Plain tables: start(2) -a-> 3 -a-> 3; no bounds.
        assert_eq!(
            tokens("^aa*"),
            format!(
                ":: atlas_runtime :: __private :: pattern_tables (\"^aa*\" , {classes} , \
                 {} , 2 , 2 , {} , 0 , :: core :: primitive :: usize :: MAX ,)",
                bytes(&[0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0]),
                bytes(&[0, 1, 0]),
            )
        );
        // As tables: `^a*$` and at least one char.
        assert_eq!(
            compile_dfa("^a+$")
                .unwrap()
                .to_tokens(&krate, &source("^a+$"))
                .to_string(),
            format!(
                ":: atlas_runtime :: __private :: pattern_tables (\"^a+$\" , {classes} , \
                 {} , 2 , 2 , {} , 1 , :: core :: primitive :: usize :: MAX ,)",
                bytes(&[0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 2, 0]),
                bytes(&[0, 1, 1]),
            )
        );
        assert!(
            compile_dfa("^a{2,3}$")
                .unwrap()
                .to_tokens(&krate, &source("^a{2,3}$"))
                .to_string()
                .ends_with(&format!("{} , 2 , 3 ,)", bytes(&[0, 1, 1])))
        );
        // Runs: byte strings, one token each.
        let table = |bytes: &[u8]| {
            let mut t = [0u8; 256];
            for &b in bytes {
                t[usize::from(b)] = 1;
            }
            Literal::byte_string(&t).to_string()
        };
        assert_eq!(
            tokens("^a+$"),
            format!(
                ":: atlas_runtime :: __private :: pattern_run (\"^a+$\" , b\"\" , {} , b\"\" , \
                 1 , :: core :: primitive :: usize :: MAX)",
                table(b"a")
            )
        );
        assert_eq!(
            tokens(r"^mdb_[a-c]{2,3}$"),
            format!(
                ":: atlas_runtime :: __private :: pattern_run (\"^mdb_[a-c]{{2,3}}$\" , \
                 b\"mdb_\" , {} , b\"\" , 2 , 3)",
                table(b"abc")
            )
        );
        // é (U+E9) and 東 (U+6771): first and last char, 3 bytes little-endian each.
        assert_eq!(
            tokens(r"^[é東]{1,2}$"),
            format!(
                ":: atlas_runtime :: __private :: pattern_run (\"^[é東]{{1,2}}$\" , b\"\" , {} , \
                 {} , 1 , 2)",
                table(b""),
                Literal::byte_string(&[0xE9, 0, 0, 0xE9, 0, 0, 0x71, 0x67, 0, 0x71, 0x67, 0])
            )
        );
    }
}
