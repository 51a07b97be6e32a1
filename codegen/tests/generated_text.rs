//! The checked-in output read as a reviewer reads it (issue 22 §2): each enum value is
//! written once, each `#[atlas_endpoint]` argument sits on its own line, and an operation's
//! reference link is written once, as the macro's `docs = …` argument (the macro turns it
//! into the doc line). `atlas-codegen --check` keeps these files equal to what the
//! generator writes, so checking them checks the generator.

use std::path::{Path, PathBuf};

fn generated_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../endpoints/src/generated")
}

/// Every `.rs` file under `dir`, with its text, sorted by path.
fn rust_files(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path, text));
            }
        }
    }
    out.sort();
    assert!(out.len() > 10, "no generated files under {}", dir.display());
    out
}

/// The string literals of `line`, unescaped no further than needed to compare them.
fn string_literals(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'"' {
            let start = i + 1;
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            out.push(&line[start..i.min(line.len())]);
        }
        i += 1;
    }
    out
}

/// Each enum's text: from its `pub enum` line (or the `open_enum!` invocation holding it)
/// to the next type. Attribute and comment lines are left out (a `cfg` names its features
/// once per item).
fn enums(text: &str) -> Vec<(String, Vec<&str>)> {
    let mut out: Vec<(String, Vec<&str>)> = Vec::new();
    let mut current: Option<usize> = None;
    // rustfmt spreads a long attribute over lines: skip to its end.
    let mut attribute_depth = 0;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if attribute_depth > 0 || trimmed.starts_with("#[") {
            attribute_depth += bracket_depth(line);
            continue;
        }
        let starts_type = trimmed.starts_with("pub struct ") || trimmed.starts_with("pub type ");
        if trimmed.ends_with("open_enum! {") {
            out.push((String::new(), Vec::new()));
            current = Some(out.len() - 1);
            continue;
        }
        if let Some(name) = trimmed.strip_prefix("pub enum ") {
            let name = name.trim_end_matches(" {").to_string();
            match current {
                // The enum inside the `open_enum!` just opened.
                Some(i) if out[i].0.is_empty() => out[i].0 = name,
                _ => {
                    out.push((name, Vec::new()));
                    current = Some(out.len() - 1);
                }
            }
            continue;
        }
        if starts_type {
            current = None;
        }
        if trimmed.starts_with("//") {
            continue;
        }
        if let Some(i) = current {
            out[i].1.push(line);
        }
    }
    out
}

#[test]
fn each_enum_value_is_written_once() {
    let mut checked = 0;
    let mut repeated = Vec::new();
    for (path, text) in rust_files(&generated_dir()) {
        for (name, lines) in enums(&text) {
            let mut seen = std::collections::BTreeMap::<&str, usize>::new();
            for literal in lines.iter().flat_map(|l| string_literals(l)) {
                *seen.entry(literal).or_default() += 1;
            }
            checked += 1;
            for (value, n) in seen.into_iter().filter(|(_, n)| *n > 1) {
                repeated.push(format!("{}: {name}: {value:?} {n} times", path.display()));
            }
        }
    }
    assert!(
        checked > 300,
        "only {checked} enums found: is the parser stale?"
    );
    assert!(
        repeated.is_empty(),
        "{} enum values written more than once, e.g.\n{}",
        repeated.len(),
        repeated[..repeated.len().min(10)].join("\n")
    );
}

/// The argument list of every `#[atlas_endpoint(…)]`, as the lines it spans.
fn endpoint_attributes(text: &str) -> Vec<Vec<&str>> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if !line.trim_start().starts_with("#[atlas_endpoint(") {
            continue;
        }
        let mut attr = vec![line];
        if !line.trim_end().ends_with(")]") {
            for line in lines.by_ref() {
                attr.push(line);
                if line.trim() == ")]" {
                    break;
                }
            }
        }
        out.push(attr);
    }
    out
}

/// `(depth, commas)` of `text`: how much deeper in brackets it ends than it starts, and
/// its commas outside brackets and string literals.
fn scan(text: &str) -> (i32, usize) {
    let (mut depth, mut in_str, mut escaped, mut commas) = (0i32, false, false, 0);
    let mut previous = ' ';
    for c in text.chars() {
        let before = std::mem::replace(&mut previous, c);
        if in_str {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '(' | '[' | '{' | '<' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            // `->` and `=>` are not brackets.
            '>' if before != '-' && before != '=' => depth -= 1,
            ',' if depth == 0 => commas += 1,
            _ => {}
        }
    }
    (depth, commas)
}

fn bracket_depth(line: &str) -> i32 {
    let (mut depth, mut in_str) = (0, false);
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' if in_str => {
                chars.next();
            }
            '"' => in_str = !in_str,
            '(' | '[' if !in_str => depth += 1,
            ')' | ']' if !in_str => depth -= 1,
            _ => {}
        }
    }
    depth
}

#[test]
fn endpoint_arguments_one_per_line() {
    let mut checked = 0;
    let mut crowded = Vec::new();
    for (path, text) in rust_files(&generated_dir()) {
        for attr in endpoint_attributes(&text) {
            checked += 1;
            let (open, rest) = attr.split_first().unwrap();
            let (close, args) = rest.split_last().unwrap_or((open, &[]));
            // Each argument starts a line and ends one (rustfmt may spread a long one, such
            // as `roles(…)`, over several): join the lines of each, then count its commas.
            let mut arguments: Vec<String> = Vec::new();
            let mut depth = 0;
            for line in args {
                if depth == 0 {
                    arguments.push(String::new());
                }
                let current = arguments.last_mut().unwrap();
                current.push_str(line.trim());
                depth += scan(line).0;
            }
            // rustfmt leaves the last argument without its comma.
            let last = arguments.len().saturating_sub(1);
            let one_each = open.trim() == "#[atlas_endpoint("
                && close.trim() == ")]"
                && depth == 0
                && arguments.iter().enumerate().all(|(i, a)| {
                    let commas = scan(a).1;
                    commas == 1 && a.ends_with(',') || i == last && commas == 0
                });
            if !one_each {
                crowded.push(format!("{}:\n{}", path.display(), attr.join("\n")));
            }
        }
    }
    assert!(
        checked > 500,
        "only {checked} declarations found: is the parser stale?"
    );
    assert!(
        crowded.is_empty(),
        "{} declarations with more than one argument on a line, e.g.\n{}",
        crowded.len(),
        crowded[..crowded.len().min(3)].join("\n\n")
    );
}

const REFERENCE: &str = "https://mongodb.com/docs/atlas/reference/api-resources-spec/v2/";

#[test]
fn reference_link_written_once() {
    let mut links = 0;
    let mut declarations = 0;
    let mut twice = Vec::new();
    for (path, text) in rust_files(&generated_dir()) {
        for attr in endpoint_attributes(&text) {
            declarations += 1;
            let docs: Vec<&&str> = attr.iter().filter(|l| l.contains(REFERENCE)).collect();
            if docs.len() != 1 || !docs[0].trim_start().starts_with("docs = \"") {
                twice.push(format!("{}: {}", path.display(), attr.join("\n")));
            }
        }
        for line in text.lines().filter(|l| l.contains(REFERENCE)) {
            links += 1;
            if line.trim_start().starts_with("//") {
                twice.push(format!("{}: written in a comment: {line}", path.display()));
            }
        }
    }
    assert!(declarations > 500);
    assert_eq!(
        links, declarations,
        "every declaration names its page once, in `docs = …`, and nothing else does"
    );
    assert!(
        twice.is_empty(),
        "{} links not written once, as `docs = …`, e.g.\n{}",
        twice.len(),
        twice[..twice.len().min(3)].join("\n\n")
    );
}
