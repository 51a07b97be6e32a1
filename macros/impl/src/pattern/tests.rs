//! The patterns' tests: the shared harness (the `regex` crate as the reference, on
//! generated and mutated strings, every answer checked both ways: run and tables) and
//! the tests of [`compile`](super::compile) end to end. The tests of one step sit beside
//! it (`java`, `run`, `minimise`) and use this harness.

use super::*;

/// Every `pattern:` of the Atlas Admin API v2 specification
/// (`/work/shared/atlas-openapi/v2.yaml`), deduplicated, as the YAML decodes them.
pub(super) const SPEC_PATTERNS: &[&str] = &[
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
pub(super) const EXTRA_PATTERNS: &[&str] = &[
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
                let c = char::from_u32(start + rng.below(span + 1) as u32).unwrap_or(range.start());
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
pub(super) struct Both {
    /// What `compile`'s result emits.
    compiled: Emitted,
    dfa: Tables,
    /// What `dfa` emits.
    dfa_emitted: Emitted,
}

impl Both {
    pub(super) fn is_match(&self, text: &str) -> bool {
        let answer = self.compiled.is_match(text);
        assert_eq!(
            answer,
            self.dfa_emitted.is_match(text),
            "run and tables on {text:?}"
        );
        answer
    }
}

pub(super) fn both(pattern: &str) -> Result<Both, String> {
    let compiled = compile(pattern)?;
    check_invariants(&compiled);
    let dfa = match &compiled {
        CompiledPattern::Tables(tables) => (**tables).clone(),
        CompiledPattern::Run(_) => compile_dfa(pattern)?,
    };
    check_tables(&dfa);
    Ok(Both {
        compiled: compiled.emitted(),
        dfa_emitted: dfa.emitted(),
        dfa,
    })
}

/// Compares with the `regex` crate on many strings, both ways.
pub(super) fn check_against_reference(pattern: &str, seed: u64) {
    check_strings(pattern, &test_strings(pattern, seed));
}

pub(super) fn check_invariants(p: &CompiledPattern) {
    match p {
        CompiledPattern::Run(run) => check_run(run),
        CompiledPattern::Tables(tables) => check_tables(tables),
    }
}

pub(super) fn check_run(run: &CharRun) {
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
pub(super) fn assert_minimal(p: &Tables) {
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

/// Compares with the `regex` crate on the given strings, both ways.
pub(super) fn check_strings(pattern: &str, strings: &[String]) {
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
