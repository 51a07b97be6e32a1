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
//!
//! The steps live in `java` (1), `run` (2), `dfa` (3, 4) and `minimise` (5); this module
//! holds what they produce (the compiled forms) and [`compile`], which runs them.

mod dfa;
mod java;
mod minimise;
mod run;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::Mutex;

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use regex_syntax::{
    ast::{self, Span},
    hir::{self, Hir},
};

use dfa::{RawTables, build_dfa};
use java::JavaRewriter;
use run::{CharCount, RunShape, run_shape, split_char_count};

/// The state that can never reach a match (all its transitions lead to itself).
const DEAD: u32 = 0;
/// The state after a match was seen: absorbing, since only existence matters.
const MATCH: u32 = 1;

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

    /// The bytes this pattern emits, made once, for tests that ask many questions.
    #[cfg(test)]
    fn emitted(&self) -> Emitted {
        match self {
            CompiledPattern::Run(run) => run.emitted(),
            CompiledPattern::Tables(tables) => tables.emitted(),
        }
    }
}

/// What a compiled pattern emits (the arguments of `pattern_run` or `pattern_tables`),
/// read by atlas-rules' matcher, the table format's one reader: the tests hold every
/// compiled pattern to the answers the runtime will give.
#[cfg(test)]
enum Emitted {
    Run {
        prefix: Vec<u8>,
        ascii: [u8; 256],
        ranges: Vec<u8>,
        min_chars: usize,
        max_chars: usize,
    },
    Tables {
        classes: [u8; 256],
        transitions: Vec<u8>,
        stride: usize,
        start: u16,
        eoi_match: Vec<u8>,
        min_chars: usize,
        max_chars: usize,
    },
}

#[cfg(test)]
impl Emitted {
    fn is_match(&self, text: &str) -> bool {
        match self {
            Emitted::Run {
                prefix,
                ascii,
                ranges,
                min_chars,
                max_chars,
            } => atlas_rules::pattern::run_matches(
                prefix, ascii, ranges, *min_chars, *max_chars, text,
            ),
            Emitted::Tables {
                classes,
                transitions,
                stride,
                start,
                eoi_match,
                min_chars,
                max_chars,
            } => atlas_rules::pattern::tables_match(
                classes,
                transitions,
                *stride,
                *start,
                eoi_match,
                *min_chars,
                *max_chars,
                text,
            ),
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

    /// Whether `c` is in the class (the tests' view of a class before it is packed).
    #[cfg(test)]
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

    /// The bytes [`CharRun::to_tokens`] emits.
    #[cfg(test)]
    fn emitted(&self) -> Emitted {
        Emitted::Run {
            prefix: self.prefix.clone(),
            ascii: self.byte_table(),
            ranges: self.packed_ranges(),
            min_chars: self.min_chars,
            max_chars: self.max_chars.unwrap_or(usize::MAX),
        }
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
        let transitions = Literal::byte_string(&self.transition_bytes());
        let stride = Literal::usize_unsuffixed(self.stride);
        let start = Literal::u16_unsuffixed(self.start);
        let eoi = Literal::byte_string(&self.eoi_bytes());
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

    /// The transitions as the runtime reads them: little-endian `u16`s.
    fn transition_bytes(&self) -> Vec<u8> {
        self.transitions
            .iter()
            .flat_map(|t| t.to_le_bytes())
            .collect()
    }

    /// The end-of-input flags as the runtime reads them: 0 or 1.
    fn eoi_bytes(&self) -> Vec<u8> {
        self.eoi_match.iter().map(|&m| u8::from(m)).collect()
    }

    /// The bytes [`Tables::to_tokens`] emits.
    #[cfg(test)]
    fn emitted(&self) -> Emitted {
        Emitted::Tables {
            classes: self.classes,
            transitions: self.transition_bytes(),
            stride: self.stride,
            start: self.start,
            eoi_match: self.eoi_bytes(),
            min_chars: self.min_chars,
            max_chars: self.max_chars.unwrap_or(usize::MAX),
        }
    }

    /// Whether `text` contains a match, by the runtime's matcher over what these tables
    /// emit.
    #[cfg(test)]
    fn is_match(&self, text: &str) -> bool {
        self.emitted().is_match(text)
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
