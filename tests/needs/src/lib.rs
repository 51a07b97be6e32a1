//! `#[needs(prism, spec)]` in place of `#[test]`: a test that needs peers the build script
//! (`tests/build.rs`) looks for, ignored with the reason of the first one it did not find.
//!
//! ```text
//! #[atlas_test_needs::needs(apache, tinyproxy)]
//! fn through_the_proxy() { /* starts both */ }
//! ```
//!
//! It writes `#[test]` and one `#[cfg_attr(…, ignore = "needs …")]` per peer, each applying
//! only when every peer before it was found, so a test carries at most one `ignore` (two
//! would make rustc warn of an unused attribute) and says what to install. Under CI the
//! build script fails instead when a peer is missing, so nothing is ignored there.

use proc_macro::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};

mod peers {
    include!("peers.rs");
}
use peers::{PEERS, Peer};

/// Marks a test that needs the named peers (see the crate docs); replaces `#[test]`.
#[proc_macro_attribute]
pub fn needs(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut peers: Vec<&Peer> = Vec::new();
    let mut errors = TokenStream::new();
    for tree in args {
        match tree {
            TokenTree::Ident(ident) => {
                let name = ident.to_string();
                match PEERS.iter().find(|p| p.name == name) {
                    Some(peer) if peers.iter().any(|p| p.name == peer.name) => {
                        errors.extend(error(ident.span(), &format!("`{name}` is named twice")));
                    }
                    Some(peer) => peers.push(peer),
                    None => {
                        let known: Vec<&str> = PEERS.iter().map(|p| p.name).collect();
                        errors.extend(error(
                            ident.span(),
                            &format!("unknown peer `{name}`; one of: {}", known.join(", ")),
                        ));
                    }
                }
            }
            TokenTree::Punct(p) if p.as_char() == ',' => {}
            other => errors.extend(error(
                other.span(),
                "expected peer names, such as `prism, spec`",
            )),
        }
    }
    if peers.is_empty() && errors.is_empty() {
        errors.extend(error(
            Span::call_site(),
            "name at least one peer: `#[needs(prism)]`",
        ));
    }
    if has_test_attribute(&item) {
        errors.extend(error(
            Span::call_site(),
            "`#[needs]` writes `#[test]` itself: remove the `#[test]` (left after `#[needs]`, it would be expanded before the `ignore` is added)",
        ));
    }
    let mut out = errors;
    out.extend(attribute(TokenStream::from_iter([TokenTree::Ident(
        Ident::new("test", Span::call_site()),
    )])));
    let mut found: Vec<&str> = Vec::new();
    for peer in &peers {
        out.extend(ignore_unless(&found, peer));
        found.push(peer.cfg);
    }
    out.extend(item);
    out
}

/// `#[cfg_attr(all(<found…>, not(<cfg>)), ignore = "needs <what>: <install>")]`.
fn ignore_unless(found: &[&str], peer: &Peer) -> TokenStream {
    let mut condition = TokenStream::new();
    for cfg in found {
        condition.extend([ident(cfg), punct(',')]);
    }
    condition.extend([
        ident("not"),
        group(
            Delimiter::Parenthesis,
            TokenStream::from_iter([ident(peer.cfg)]),
        ),
    ]);
    let reason = format!("needs {}: {}", peer.what, peer.install);
    let inner = TokenStream::from_iter([
        ident("all"),
        group(Delimiter::Parenthesis, condition),
        punct(','),
        ident("ignore"),
        punct('='),
        TokenTree::Literal(Literal::string(&reason)),
    ]);
    attribute(TokenStream::from_iter([
        ident("cfg_attr"),
        group(Delimiter::Parenthesis, inner),
    ]))
}

/// Whether the item's own attributes hold `#[test]`.
fn has_test_attribute(item: &TokenStream) -> bool {
    let mut trees = item.clone().into_iter().peekable();
    while let Some(tree) = trees.next() {
        match tree {
            TokenTree::Punct(p) if p.as_char() == '#' => {
                if let Some(TokenTree::Group(g)) = trees.next()
                    && g.delimiter() == Delimiter::Bracket
                    && g.stream().to_string().trim() == "test"
                {
                    return true;
                }
            }
            _ => return false,
        }
    }
    false
}

fn attribute(inner: TokenStream) -> TokenStream {
    TokenStream::from_iter([punct('#'), group(Delimiter::Bracket, inner)])
}

fn ident(name: &str) -> TokenTree {
    TokenTree::Ident(Ident::new(name, Span::call_site()))
}

fn punct(c: char) -> TokenTree {
    TokenTree::Punct(Punct::new(c, Spacing::Alone))
}

fn group(delimiter: Delimiter, stream: TokenStream) -> TokenTree {
    TokenTree::Group(Group::new(delimiter, stream))
}

/// `compile_error!("…")` at `span`.
fn error(span: Span, message: &str) -> TokenStream {
    let mut lit = Literal::string(message);
    lit.set_span(span);
    let mut bang = Punct::new('!', Spacing::Alone);
    bang.set_span(span);
    let mut body = Group::new(
        Delimiter::Parenthesis,
        TokenStream::from_iter([TokenTree::Literal(lit)]),
    );
    body.set_span(span);
    let mut semi = Punct::new(';', Spacing::Alone);
    semi.set_span(span);
    TokenStream::from_iter([
        TokenTree::Ident(Ident::new("compile_error", span)),
        TokenTree::Punct(bang),
        TokenTree::Group(body),
        TokenTree::Punct(semi),
    ])
}
