//! `expand-macros SRC DST`: copies the Rust files of `SRC` (a crate's `src/`) to `DST`,
//! each `#[atlas_endpoint(…)] struct` replaced by the macro's expansion and each
//! `#[derive(…, atlas_runtime::Decode, …)]` by the derive's impl written out: the crate
//! "with the macro's expansion written out by hand" that `cargo xtask compile-time expanded`
//! builds against the crate itself.
//!
//! The macro's logic is the library `atlas-macros-impl`, run here outside a compiler
//! (proc_macro2's fallback), so the expansion is the macro's own, token for token.
//! Comments are dropped and the output is not formatted: neither changes what rustc
//! compiles.
//!
//! Derives that stay (serde's, the standard ones) are left for rustc, as a person writing
//! the expansion out would leave them. When `Decode` was a struct's only serde derive, its
//! `#[serde(…)]` attributes go too, or are kept under the `cfg_attr` that derives
//! `Serialize`, since nothing else would accept them.

use std::path::Path;

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};

fn main() {
    let mut argv = std::env::args().skip(1);
    let (Some(src), Some(dst)) = (argv.next(), argv.next()) else {
        eprintln!("usage: expand-macros SRC_DIR DST_DIR");
        std::process::exit(2);
    };
    let mut counts = Counts::default();
    copy_dir(Path::new(&src), Path::new(&dst), &mut counts);
    eprintln!(
        "expand-macros: {} #[atlas_endpoint] and {} #[derive(Decode)] written out",
        counts.endpoints, counts.decodes
    );
}

#[derive(Default)]
struct Counts {
    endpoints: usize,
    decodes: usize,
}

fn copy_dir(src: &Path, dst: &Path, counts: &mut Counts) {
    std::fs::create_dir_all(dst).expect("create the output directory");
    for entry in std::fs::read_dir(src).expect("read the source directory") {
        let entry = entry.expect("read a directory entry");
        let (from, to) = (entry.path(), dst.join(entry.file_name()));
        if from.is_dir() {
            copy_dir(&from, &to, counts);
        } else if from.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&from).expect("read a source file");
            let tokens: TokenStream = text
                .parse()
                .unwrap_or_else(|e| panic!("{}: {e:?}", from.display()));
            let out = transform(tokens, counts);
            std::fs::write(&to, out.to_string()).expect("write a file");
        } else {
            std::fs::copy(&from, &to).expect("copy a file");
        }
    }
}

/// One outer attribute: its `#`, its bracket group, and what it says.
struct Attr {
    tokens: [TokenTree; 2],
    body: TokenStream,
}

impl Attr {
    /// The attribute's path as text, without spaces (`atlas_endpoint`, `derive`, …).
    fn path(&self) -> String {
        self.body
            .clone()
            .into_iter()
            .take_while(|t| !matches!(t, TokenTree::Group(_)))
            .map(|t| t.to_string())
            .collect()
    }

    /// The parenthesized arguments (`atlas_endpoint(…)`, `derive(…)`).
    fn args(&self) -> Option<TokenStream> {
        self.body.clone().into_iter().find_map(|t| match t {
            TokenTree::Group(g) if g.delimiter() == Delimiter::Parenthesis => Some(g.stream()),
            _ => None,
        })
    }

    fn stream(&self) -> TokenStream {
        self.tokens.iter().cloned().collect()
    }
}

/// Walks `tokens`, writing out the two macros wherever they occur (in modules too).
fn transform(tokens: TokenStream, counts: &mut Counts) -> TokenStream {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = TokenStream::new();
    let mut i = 0;
    while i < tokens.len() {
        let mut attrs = Vec::new();
        while let (Some(TokenTree::Punct(p)), Some(TokenTree::Group(g))) =
            (tokens.get(i), tokens.get(i + 1))
        {
            if p.as_char() != '#' || g.delimiter() != Delimiter::Bracket {
                break;
            }
            attrs.push(Attr {
                tokens: [tokens[i].clone(), tokens[i + 1].clone()],
                body: g.stream(),
            });
            i += 2;
        }
        let is_endpoint = attrs.iter().any(|a| a.path().ends_with("atlas_endpoint"));
        let is_decode = attrs
            .iter()
            .any(|a| a.path() == "derive" && derives_decode(a));
        if (is_endpoint || is_decode) && is_struct_at(&tokens, i) {
            // The struct: up to its field group (or `;`).
            let start = i;
            while i < tokens.len() {
                let end = matches!(&tokens[i], TokenTree::Group(g) if g.delimiter() == Delimiter::Brace)
                    || matches!(&tokens[i], TokenTree::Punct(p) if p.as_char() == ';');
                i += 1;
                if end {
                    break;
                }
            }
            let item: Vec<TokenTree> = tokens[start..i].to_vec();
            let expansion = if is_endpoint {
                counts.endpoints += 1;
                endpoint(&attrs, &item)
            } else {
                counts.decodes += 1;
                decode(&attrs, &item)
            };
            out.extend(under_cfgs(&attrs, expansion));
            continue;
        }
        for a in &attrs {
            out.extend(a.stream());
        }
        if let Some(t) = tokens.get(i) {
            out.extend([recurse(t, counts)]);
            i += 1;
        }
    }
    out
}

/// Every item of `expansion` under the struct's `#[cfg(…)]` attributes. rustc evaluates
/// them before it expands a derive or an attribute after them, so when one is false
/// nothing of the expansion exists; the macros copy them onto the struct only, so the
/// written-out impls need them too (else `--features` short of `full` leaves impls of
/// structs that are not there).
fn under_cfgs(attrs: &[Attr], expansion: TokenStream) -> TokenStream {
    let cfgs: TokenStream = attrs
        .iter()
        .filter(|a| a.path() == "cfg")
        .flat_map(Attr::stream)
        .collect();
    if cfgs.is_empty() {
        return expansion;
    }
    let mut out = TokenStream::new();
    for item in items(expansion) {
        out.extend(cfgs.clone());
        out.extend(item);
    }
    out
}

/// The top-level items of a macro's output: attributes, then tokens up to a `;`, or up to
/// the brace group that closes an item (`impl`, `struct`, `enum`, `fn`, `mod`, `trait`)
/// for items that do not end with `;` (`const`, `static`, `use`, `type` do, braces or not).
fn items(tokens: TokenStream) -> Vec<TokenStream> {
    let mut items = Vec::new();
    let mut current: Vec<TokenTree> = Vec::new();
    let mut ends_with_semi = false;
    let mut in_attrs = true;
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if in_attrs {
            if let (TokenTree::Punct(p), Some(TokenTree::Group(g))) = (t, tokens.get(i + 1))
                && p.as_char() == '#'
                && g.delimiter() == Delimiter::Bracket
            {
                current.extend([t.clone(), tokens[i + 1].clone()]);
                i += 2;
                continue;
            }
            in_attrs = false;
        }
        // `const` of `const fn` / `const unsafe fn` does not count.
        let const_fn = matches!(tokens.get(i + 1), Some(TokenTree::Ident(n)) if n == "fn" || n == "unsafe" || n == "async" || n == "extern");
        if let TokenTree::Ident(id) = t
            && ["const", "static", "use", "type"].contains(&id.to_string().as_str())
            && !(id == "const" && const_fn)
            && !current
                .iter()
                .any(|c| matches!(c, TokenTree::Ident(x) if x == "impl" || x == "fn"))
        {
            ends_with_semi = true;
        }
        current.push(t.clone());
        i += 1;
        let end = match t {
            TokenTree::Punct(p) => p.as_char() == ';',
            TokenTree::Group(g) => g.delimiter() == Delimiter::Brace && !ends_with_semi,
            _ => false,
        };
        if end {
            items.push(current.drain(..).collect());
            ends_with_semi = false;
            in_attrs = true;
        }
    }
    if !current.is_empty() {
        items.push(current.into_iter().collect());
    }
    items
}

/// A group's content is walked too (an inline `mod { … }`).
fn recurse(t: &TokenTree, counts: &mut Counts) -> TokenTree {
    match t {
        TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
            let mut group = Group::new(g.delimiter(), transform(g.stream(), counts));
            group.set_span(g.span());
            TokenTree::Group(group)
        }
        other => other.clone(),
    }
}

/// `[pub[(…)]] struct` at `i`.
fn is_struct_at(tokens: &[TokenTree], mut i: usize) -> bool {
    if matches!(tokens.get(i), Some(TokenTree::Ident(id)) if id == "pub") {
        i += 1;
        if matches!(tokens.get(i), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis)
        {
            i += 1;
        }
    }
    matches!(tokens.get(i), Some(TokenTree::Ident(id)) if id == "struct")
}

fn derives_decode(a: &Attr) -> bool {
    a.args().is_some_and(|args| {
        args.into_iter()
            .any(|t| matches!(t, TokenTree::Ident(id) if id == "Decode"))
    })
}

/// `#[atlas_endpoint(args)]` and the item (its other attributes and the struct), expanded.
fn endpoint(attrs: &[Attr], item: &[TokenTree]) -> TokenStream {
    let mut args = TokenStream::new();
    let mut rest = TokenStream::new();
    for a in attrs {
        if a.path().ends_with("atlas_endpoint") {
            args = a.args().unwrap_or_default();
        } else {
            rest.extend(a.stream());
        }
    }
    rest.extend(item.iter().cloned());
    atlas_macros_impl::atlas_endpoint(args, rest)
}

/// The struct with `Decode` taken out of its derive list, and the derive's impl.
fn decode(attrs: &[Attr], item: &[TokenTree]) -> TokenStream {
    let mut input: TokenStream = attrs.iter().flat_map(Attr::stream).collect();
    input.extend(item.iter().cloned());
    let generated = atlas_macros_impl::derive_decode(input);

    let mut kept: Vec<TokenStream> = Vec::new();
    let mut serde_derive = false;
    let mut serialize_cfg: Option<TokenStream> = None;
    for a in attrs {
        match a.path().as_str() {
            "derive" => {
                let remaining = without_decode(a.args().unwrap_or_default());
                serde_derive |= remaining.to_string().contains("serde");
                if !remaining.is_empty() {
                    kept.push(quote::quote!(#[derive(#remaining)]));
                }
            }
            "cfg_attr" if a.body.to_string().contains("Serialize") => {
                // `cfg_attr(PRED, derive(serde::Serialize))`: PRED is what comes before
                // the last top-level comma.
                let args: Vec<TokenTree> = a.args().unwrap_or_default().into_iter().collect();
                let comma = args
                    .iter()
                    .rposition(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ','))
                    .unwrap_or(0);
                serialize_cfg = Some(args[..comma].iter().cloned().collect());
                kept.push(a.stream());
            }
            _ => kept.push(a.stream()),
        }
    }
    let serde_attr = |a: TokenStream| -> TokenStream {
        if serde_derive {
            return a;
        }
        // `#[serde(…)]` only if something still reads it.
        let body: Vec<TokenTree> = a.clone().into_iter().collect();
        let Some(TokenTree::Group(g)) = body.get(1) else {
            return a;
        };
        match &serialize_cfg {
            Some(pred) => {
                let inner = g.stream();
                quote::quote!(#[cfg_attr(#pred, #inner)])
            }
            None => TokenStream::new(),
        }
    };
    let mut out = TokenStream::new();
    for a in kept {
        if a.to_string().starts_with("# [serde") {
            out.extend(serde_attr(a));
        } else {
            out.extend(a);
        }
    }
    for t in item {
        match t {
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
                out.extend([TokenTree::Group(Group::new(
                    Delimiter::Brace,
                    fields_serde(g.stream(), &serde_attr),
                ))]);
            }
            other => out.extend([other.clone()]),
        }
    }
    out.extend(generated);
    out
}

/// A derive list without `Decode` (and its path and comma).
fn without_decode(args: TokenStream) -> TokenStream {
    let tokens: Vec<TokenTree> = args.into_iter().collect();
    let mut paths: Vec<Vec<TokenTree>> = vec![Vec::new()];
    for t in tokens {
        match &t {
            TokenTree::Punct(p) if p.as_char() == ',' => paths.push(Vec::new()),
            _ => paths.last_mut().expect("one path").push(t),
        }
    }
    let kept: Vec<TokenStream> = paths
        .into_iter()
        .filter(|p| !p.is_empty())
        .filter(|p| !matches!(p.last(), Some(TokenTree::Ident(id)) if id == "Decode"))
        .map(|p| p.into_iter().collect())
        .collect();
    quote::quote!(#(#kept),*)
}

/// The members' `#[serde(…)]` attributes through `serde_attr`.
fn fields_serde(
    fields: TokenStream,
    serde_attr: &dyn Fn(TokenStream) -> TokenStream,
) -> TokenStream {
    let tokens: Vec<TokenTree> = fields.into_iter().collect();
    let mut out = TokenStream::new();
    let mut i = 0;
    while i < tokens.len() {
        if let (TokenTree::Punct(p), Some(TokenTree::Group(g))) = (&tokens[i], tokens.get(i + 1))
            && p.as_char() == '#'
            && g.delimiter() == Delimiter::Bracket
        {
            let attr: TokenStream = tokens[i..i + 2].iter().cloned().collect();
            if g.stream().to_string().starts_with("serde") {
                out.extend(serde_attr(attr));
            } else {
                out.extend(attr);
            }
            i += 2;
            continue;
        }
        out.extend([tokens[i].clone()]);
        i += 1;
    }
    out
}
