//! Go's `text/template`, the syntax of the official CLI's `-o '{{.id}}'`, over a JSON
//! answer: our own implementation of the part of it that renders data (no crate of Go
//! templates is kept up), with a clear error for the rest.
//!
//! Supported: text and actions with `{{-`/`-}}` trimming and `{{/* comments */}}`; fields
//! (`.a.b`, `$.a`, `$x.a`, `(pipeline).a`); variables (`$x := …`, `$x = …`); pipelines
//! (`a | b`); `if`/`else if`/`else`, `range` (over lists and objects, with `$i, $e :=`,
//! `else`, `break`, `continue`), `with`/`else with`; literals (strings with Go escapes, raw
//! strings, numbers, `true`, `false`, `nil`); the builtins `and`, `or`, `not`, `len`,
//! `index`, `slice`, `eq`, `ne`, `lt`, `le`, `gt`, `ge`, `print`, `println`, `printf` (verbs
//! `v s d f F e E g G q t x X c %`, with flags, width and precision), `html`, `js`,
//! `urlquery`. Values print as Go prints the JSON Go decodes (`[a b]`, `map[k:v]`, a
//! missing member or `null` as `<no value>`).
//!
//! Not supported, each an error naming it: `define`, `template`, `block`, `call`, and
//! functions of Go packages (sprig and the like). Numbers compare by value whatever their
//! kind (Go refuses `eq 1.0 1`).
//!
//! A template is a program, so it runs bounded: every step spends fuel, and output is
//! capped (see [`crate::template`]).

use std::fmt::Write as _;

use serde_json::Value;

/// A parse or run error, for people.
pub type Failure = String;

// ---- Lexing --------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Dot,
    Field(String),
    /// `.b` right after a value (`.a.b`, `$x.b`, `(…).b`): a member of it.
    Chain(String),
    Var(String),
    Ident(String),
    Str(String),
    Num(f64, bool),
    Bool(bool),
    Nil,
    Pipe,
    LParen,
    RParen,
    Declare,
    Assign,
    Comma,
}

/// A piece of the template: text, or an action's tokens with its position.
enum Piece {
    Text(String),
    Action(Vec<Tok>, usize),
}

fn split(src: &str) -> Result<Vec<Piece>, Failure> {
    let mut pieces = Vec::new();
    let mut rest = src;
    let mut offset = 0;
    let mut trim_next_text = false;
    loop {
        let Some(open) = rest.find("{{") else {
            let mut text = rest.to_string();
            if trim_next_text {
                text = text.trim_start().to_string();
            }
            if !text.is_empty() {
                pieces.push(Piece::Text(text));
            }
            break;
        };
        let mut text = rest[..open].to_string();
        if trim_next_text {
            text = text.trim_start().to_string();
        }
        let after_open = &rest[open + 2..];
        let trim_left = after_open.starts_with("- ")
            || after_open.starts_with("-\t")
            || after_open.starts_with("-\n");
        if trim_left {
            text = text.trim_end().to_string();
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        let body_start = if trim_left { 1 } else { 0 };
        let body_src = &after_open[body_start..];
        let at = offset + open;
        // Comments: {{/* … */}}, possibly trimmed.
        let trimmed = body_src.trim_start();
        if trimmed.starts_with("/*") {
            let Some(end) = trimmed.find("*/") else {
                return Err(format!("unclosed comment at {}", position(src, at)));
            };
            let after = trimmed[end + 2..].trim_start();
            let (close_len, trim_right) = if after.starts_with("-}}") {
                (3, true)
            } else if after.starts_with("}}") {
                (2, false)
            } else {
                return Err(format!("comment ends before }} at {}", position(src, at)));
            };
            let consumed = after_open.len() - after.len() + close_len;
            trim_next_text = trim_right;
            offset += open + 2 + consumed;
            rest = &rest[open + 2 + consumed..];
            continue;
        }
        let (tokens, used, trim_right) =
            lex_action(body_src).map_err(|e| format!("{e} at {}", position(src, at)))?;
        pieces.push(Piece::Action(tokens, at));
        trim_next_text = trim_right;
        let consumed = body_start + used;
        offset += open + 2 + consumed;
        rest = &rest[open + 2 + consumed..];
    }
    Ok(pieces)
}

/// `line L, column C` of byte `at` of `src`.
fn position(src: &str, at: usize) -> String {
    let before = src.get(..at).unwrap_or(src);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    format!("line {line}, column {column}")
}

/// The tokens of one action, the bytes it used up to and including `}}`, and whether it
/// ended with ` -}}`.
fn lex_action(src: &str) -> Result<(Vec<Tok>, usize, bool), Failure> {
    let chars: Vec<(usize, char)> = src.char_indices().collect();
    let mut i = 0;
    let mut toks = Vec::new();
    let at = |i: usize| chars.get(i).map(|c| c.1);
    let ident_char = |c: char| c.is_alphanumeric() || c == '_';
    loop {
        let Some(c) = at(i) else {
            return Err("unclosed action (no }})".into());
        };
        let byte = chars[i].0;
        if src[byte..].starts_with(" -}}")
            || src[byte..].starts_with("\t-}}")
            || src[byte..].starts_with("\n-}}")
        {
            return Ok((toks, byte + 4, true));
        }
        if src[byte..].starts_with("}}") {
            return Ok((toks, byte + 2, false));
        }
        match c {
            ' ' | '\t' | '\r' | '\n' => i += 1,
            '|' => {
                toks.push(Tok::Pipe);
                i += 1;
            }
            '(' => {
                toks.push(Tok::LParen);
                i += 1;
            }
            ')' => {
                toks.push(Tok::RParen);
                i += 1;
            }
            ',' => {
                toks.push(Tok::Comma);
                i += 1;
            }
            ':' if at(i + 1) == Some('=') => {
                toks.push(Tok::Declare);
                i += 2;
            }
            '=' => {
                toks.push(Tok::Assign);
                i += 1;
            }
            '.' if at(i + 1).is_some_and(|c| c.is_alphabetic() || c == '_') => {
                let mut j = i + 1;
                while at(j).is_some_and(ident_char) {
                    j += 1;
                }
                let name: String = chars[i + 1..j].iter().map(|c| c.1).collect();
                let attached = i > 0
                    && !chars[i - 1].1.is_whitespace()
                    && matches!(
                        toks.last(),
                        Some(Tok::Field(_) | Tok::Chain(_) | Tok::Var(_) | Tok::RParen)
                    );
                toks.push(if attached {
                    Tok::Chain(name)
                } else {
                    Tok::Field(name)
                });
                i = j;
            }
            '.' if !at(i + 1).is_some_and(|c| c.is_ascii_digit()) => {
                toks.push(Tok::Dot);
                i += 1;
            }
            '$' => {
                let mut j = i + 1;
                while at(j).is_some_and(ident_char) {
                    j += 1;
                }
                toks.push(Tok::Var(chars[i + 1..j].iter().map(|c| c.1).collect()));
                i = j;
            }
            '"' => {
                let mut j = i + 1;
                let mut text = String::new();
                loop {
                    match at(j) {
                        None | Some('\n') => return Err("unterminated string".into()),
                        Some('"') => break,
                        Some('\\') => {
                            let (ch, used) = escape(&chars[j + 1..])?;
                            text.push(ch);
                            j += 1 + used;
                        }
                        Some(ch) => {
                            text.push(ch);
                            j += 1;
                        }
                    }
                }
                toks.push(Tok::Str(text));
                i = j + 1;
            }
            '`' => {
                let mut j = i + 1;
                while at(j).is_some_and(|c| c != '`') {
                    j += 1;
                }
                if at(j).is_none() {
                    return Err("unterminated raw string".into());
                }
                toks.push(Tok::Str(chars[i + 1..j].iter().map(|c| c.1).collect()));
                i = j + 1;
            }
            c if c.is_ascii_digit()
                || ((c == '-' || c == '+' || c == '.')
                    && at(i + 1).is_some_and(|d| d.is_ascii_digit())) =>
            {
                let mut j = i + 1;
                while at(j).is_some_and(|c| {
                    c.is_ascii_alphanumeric()
                        || c == '.'
                        || c == '_'
                        || ((c == '-' || c == '+') && matches!(at(j - 1), Some('e' | 'E')))
                }) {
                    j += 1;
                }
                let text: String = chars[i..j]
                    .iter()
                    .map(|c| c.1)
                    .filter(|c| *c != '_')
                    .collect();
                let number = if let Some(hex) = text.strip_prefix("0x") {
                    i64::from_str_radix(hex, 16).ok().map(|n| (n as f64, true))
                } else if let Ok(n) = text.parse::<i64>() {
                    Some((n as f64, true))
                } else {
                    text.parse::<f64>().ok().map(|f| (f, false))
                };
                let Some((n, int)) = number else {
                    return Err(format!("bad number {text}"));
                };
                toks.push(Tok::Num(n, int));
                i = j;
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut j = i + 1;
                while at(j).is_some_and(ident_char) {
                    j += 1;
                }
                let word: String = chars[i..j].iter().map(|c| c.1).collect();
                toks.push(match word.as_str() {
                    "true" => Tok::Bool(true),
                    "false" => Tok::Bool(false),
                    "nil" => Tok::Nil,
                    _ => Tok::Ident(word),
                });
                i = j;
            }
            other => return Err(format!("unexpected {other:?} in action")),
        }
    }
}

/// One escape after a backslash in a Go string: the character and the chars used.
fn escape(rest: &[(usize, char)]) -> Result<(char, usize), Failure> {
    let c = rest.first().map(|c| c.1).ok_or("unterminated string")?;
    let simple = match c {
        'n' => Some('\n'),
        't' => Some('\t'),
        'r' => Some('\r'),
        '\\' => Some('\\'),
        '"' => Some('"'),
        '\'' => Some('\''),
        'a' => Some('\u{7}'),
        'b' => Some('\u{8}'),
        'f' => Some('\u{c}'),
        'v' => Some('\u{b}'),
        _ => None,
    };
    if let Some(ch) = simple {
        return Ok((ch, 1));
    }
    let digits = match c {
        'x' => 2,
        'u' => 4,
        'U' => 8,
        _ => return Err(format!("unknown escape \\{c}")),
    };
    let hex: String = rest.iter().skip(1).take(digits).map(|c| c.1).collect();
    let code = u32::from_str_radix(&hex, 16).map_err(|_| format!("bad escape \\{c}{hex}"))?;
    let ch = char::from_u32(code).ok_or_else(|| format!("bad escape \\{c}{hex}"))?;
    Ok((ch, 1 + digits))
}

// ---- Parsing -------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Operand {
    Dot,
    /// `.a.b` on dot.
    Fields(Vec<String>),
    /// `$x.a.b` (`$` is the root).
    Var(String, Vec<String>),
    /// `(pipeline).a.b`
    Sub(Box<Pipeline>, Vec<String>),
    Lit(Value),
    Func(String),
}

#[derive(Debug, Clone)]
struct Command {
    args: Vec<Operand>,
}

#[derive(Debug, Clone)]
struct Pipeline {
    /// `$x :=` or `$i, $e :=` (declare) or `$x =` (assign).
    vars: Vec<String>,
    declare: bool,
    commands: Vec<Command>,
}

#[derive(Debug, Clone)]
enum Node {
    Text(String),
    Print(Pipeline),
    If(Vec<(Pipeline, Vec<Node>)>, Vec<Node>),
    With(Vec<(Pipeline, Vec<Node>)>, Vec<Node>),
    Range(Pipeline, Vec<Node>, Vec<Node>),
    Break,
    Continue,
}

const FUNCTIONS: &[&str] = &[
    "and", "or", "not", "len", "index", "slice", "eq", "ne", "lt", "le", "gt", "ge", "print",
    "println", "printf", "html", "js", "urlquery",
];
const KEYWORDS: &[&str] = &["if", "else", "end", "range", "with", "break", "continue"];
const UNSUPPORTED: &[&str] = &["define", "template", "block", "call"];

/// Whether `src` reads as a Go template rather than a Jinja one: no `{%`/`{#`, and every
/// action starts as only Go's can (`.`, `$`, `(`, a literal, a comment, or one of Go's
/// keywords and builtins).
pub fn looks_like_go(src: &str) -> bool {
    if src.contains("{%") || src.contains("{#") {
        return false;
    }
    let mut rest = src;
    let mut any = false;
    while let Some(open) = rest.find("{{") {
        any = true;
        let body = rest[open + 2..].trim_start_matches('-').trim_start();
        let first = body.chars().next();
        let go_start = match first {
            Some('.' | '$' | '(' | '"' | '`' | '/') => true,
            Some(c) if c.is_ascii_digit() => true,
            Some(c) if c.is_alphabetic() => {
                let word: String = body
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                FUNCTIONS.contains(&word.as_str())
                    || KEYWORDS.contains(&word.as_str())
                    || UNSUPPORTED.contains(&word.as_str())
                    || matches!(word.as_str(), "true" | "false" | "nil")
            }
            _ => false,
        };
        if !go_start {
            return false;
        }
        rest = &rest[open + 2..];
    }
    any
}

struct Parser {
    pieces: std::vec::IntoIter<Piece>,
    src: String,
}

/// What ended a list of nodes.
enum End {
    Eof,
    #[allow(clippy::enum_variant_names)]
    End,
    Else(Vec<Tok>, usize),
}

impl Parser {
    fn list(&mut self) -> Result<(Vec<Node>, End), Failure> {
        let mut nodes = Vec::new();
        while let Some(piece) = self.pieces.next() {
            let (toks, at) = match piece {
                Piece::Text(t) => {
                    nodes.push(Node::Text(t));
                    continue;
                }
                Piece::Action(toks, at) => (toks, at),
            };
            let src = self.src.clone();
            let here = || position(&src, at);
            match toks.first() {
                Some(Tok::Ident(w)) if w == "end" => return Ok((nodes, End::End)),
                Some(Tok::Ident(w)) if w == "else" => {
                    return Ok((nodes, End::Else(toks[1..].to_vec(), at)));
                }
                Some(Tok::Ident(w)) if w == "if" || w == "with" => {
                    let kind = w.clone();
                    let node = self.conditional(&kind, &toks[1..], at)?;
                    nodes.push(node);
                }
                Some(Tok::Ident(w)) if w == "range" => {
                    let pipe = pipeline(&toks[1..]).map_err(|e| format!("{e} at {}", here()))?;
                    let (body, end) = self.list()?;
                    let otherwise = match end {
                        End::End => Vec::new(),
                        End::Else(rest, at) if rest.is_empty() => {
                            let (otherwise, end) = self.list()?;
                            if !matches!(end, End::End) {
                                return Err(format!(
                                    "range's else has no {{{{end}}}} at {}",
                                    position(&self.src, at)
                                ));
                            }
                            otherwise
                        }
                        End::Else(_, at) => {
                            return Err(format!(
                                "range takes a plain {{{{else}}}} at {}",
                                position(&self.src, at)
                            ));
                        }
                        End::Eof => return Err(format!("range has no {{{{end}}}} at {}", here())),
                    };
                    nodes.push(Node::Range(pipe, body, otherwise));
                }
                Some(Tok::Ident(w)) if w == "break" => nodes.push(Node::Break),
                Some(Tok::Ident(w)) if w == "continue" => nodes.push(Node::Continue),
                Some(Tok::Ident(w)) if UNSUPPORTED.contains(&w.as_str()) => {
                    return Err(format!(
                        "{{{{{w}}}}} is not supported by atlas-rs's Go templates (at {}): they render one answer, with no named templates",
                        here()
                    ));
                }
                _ => {
                    let pipe = pipeline(&toks).map_err(|e| format!("{e} at {}", here()))?;
                    nodes.push(Node::Print(pipe));
                }
            }
        }
        Ok((nodes, End::Eof))
    }

    /// `if`/`with` with their `else if`/`else with` chain and `else`.
    fn conditional(&mut self, kind: &str, first: &[Tok], at: usize) -> Result<Node, Failure> {
        let mut branches = Vec::new();
        let mut cond =
            pipeline(first).map_err(|e| format!("{e} at {}", position(&self.src, at)))?;
        loop {
            let (body, end) = self.list()?;
            branches.push((cond, body));
            match end {
                End::End => {
                    return Ok(build(kind, branches, Vec::new()));
                }
                End::Else(rest, at) if rest.is_empty() => {
                    let (otherwise, end) = self.list()?;
                    if !matches!(end, End::End) {
                        return Err(format!(
                            "{kind}'s else has no {{{{end}}}} at {}",
                            position(&self.src, at)
                        ));
                    }
                    return Ok(build(kind, branches, otherwise));
                }
                End::Else(rest, at) => match rest.first() {
                    Some(Tok::Ident(w)) if w == kind => {
                        cond = pipeline(&rest[1..])
                            .map_err(|e| format!("{e} at {}", position(&self.src, at)))?;
                    }
                    _ => {
                        return Err(format!(
                            "else in {kind} takes nothing or `{kind} …` at {}",
                            position(&self.src, at)
                        ));
                    }
                },
                End::Eof => {
                    return Err(format!(
                        "{kind} has no {{{{end}}}} at {}",
                        position(&self.src, at)
                    ));
                }
            }
        }
    }
}

fn build(kind: &str, branches: Vec<(Pipeline, Vec<Node>)>, otherwise: Vec<Node>) -> Node {
    if kind == "if" {
        Node::If(branches, otherwise)
    } else {
        Node::With(branches, otherwise)
    }
}

fn pipeline(toks: &[Tok]) -> Result<Pipeline, Failure> {
    let (mut vars, mut declare, mut start) = (Vec::new(), false, 0);
    // `$x :=`, `$x =`, `$i, $e :=`
    let decl_at = toks
        .iter()
        .position(|t| matches!(t, Tok::Declare | Tok::Assign));
    if let Some(d) = decl_at
        && toks[..d]
            .iter()
            .all(|t| matches!(t, Tok::Var(_) | Tok::Comma))
        && d > 0
    {
        for t in &toks[..d] {
            if let Tok::Var(v) = t {
                vars.push(v.clone());
            }
        }
        declare = matches!(toks[d], Tok::Declare);
        start = d + 1;
    }
    let mut commands = Vec::new();
    let mut pos = start;
    loop {
        let (command, next) = command(toks, pos)?;
        commands.push(command);
        pos = next;
        match toks.get(pos) {
            None => break,
            Some(Tok::Pipe) => pos += 1,
            Some(t) => return Err(format!("unexpected {t:?}")),
        }
    }
    Ok(Pipeline {
        vars,
        declare,
        commands,
    })
}

/// One command from `pos`: operands up to a `|`, `)` or the end.
fn command(toks: &[Tok], mut pos: usize) -> Result<(Command, usize), Failure> {
    let mut args = Vec::new();
    while let Some(t) = toks.get(pos) {
        if matches!(t, Tok::Pipe | Tok::RParen) {
            break;
        }
        let (operand, next) = operand(toks, pos)?;
        args.push(operand);
        pos = next;
    }
    if args.is_empty() {
        return Err("missing value for command".into());
    }
    Ok((Command { args }, pos))
}

fn fields_after(toks: &[Tok], mut pos: usize) -> (Vec<String>, usize) {
    let mut fields = Vec::new();
    while let Some(Tok::Chain(f)) = toks.get(pos) {
        fields.push(f.clone());
        pos += 1;
    }
    (fields, pos)
}

fn operand(toks: &[Tok], pos: usize) -> Result<(Operand, usize), Failure> {
    let t = &toks[pos];
    Ok(match t {
        Tok::Dot => (Operand::Dot, pos + 1),
        Tok::Field(first) => {
            let (mut fields, next) = fields_after(toks, pos + 1);
            fields.insert(0, first.clone());
            (Operand::Fields(fields), next)
        }
        Tok::Var(v) => {
            let (fields, next) = fields_after(toks, pos + 1);
            (Operand::Var(v.clone(), fields), next)
        }
        Tok::LParen => {
            let close = matching_paren(toks, pos)?;
            let inner = pipeline(&toks[pos + 1..close])?;
            let (fields, next) = fields_after(toks, close + 1);
            (Operand::Sub(Box::new(inner), fields), next)
        }
        Tok::Str(s) => (Operand::Lit(Value::String(s.clone())), pos + 1),
        Tok::Num(n, int) => {
            let v = if *int {
                Value::from(*n as i64)
            } else {
                serde_json::Number::from_f64(*n).map_or(Value::Null, Value::Number)
            };
            (Operand::Lit(v), pos + 1)
        }
        Tok::Bool(b) => (Operand::Lit(Value::Bool(*b)), pos + 1),
        Tok::Nil => (Operand::Lit(Value::Null), pos + 1),
        Tok::Ident(name) => {
            if UNSUPPORTED.contains(&name.as_str()) {
                return Err(format!(
                    "function {name:?} is not supported by atlas-rs's Go templates"
                ));
            }
            if !FUNCTIONS.contains(&name.as_str()) {
                return Err(format!(
                    "function {name:?} not defined (atlas-rs's Go templates have {}; for Jinja syntax write -o 'jinja=…')",
                    FUNCTIONS.join(", ")
                ));
            }
            (Operand::Func(name.clone()), pos + 1)
        }
        other => return Err(format!("unexpected {other:?}")),
    })
}

fn matching_paren(toks: &[Tok], open: usize) -> Result<usize, Failure> {
    let mut depth = 0;
    for (i, t) in toks.iter().enumerate().skip(open) {
        match t {
            Tok::LParen => depth += 1,
            Tok::RParen => {
                depth -= 1;
                if depth == 0 {
                    return Ok(i);
                }
            }
            _ => {}
        }
    }
    Err("unclosed left paren".into())
}

// ---- Running -------------------------------------------------------------------------

/// What stopped a run early.
enum Stop {
    Fail(Failure),
    Break,
    Continue,
}

impl From<Failure> for Stop {
    fn from(f: Failure) -> Stop {
        Stop::Fail(f)
    }
}

/// The output sink and limits of one run.
pub trait Out {
    /// Appends text; `Err` when the output grew past its bound.
    fn put(&mut self, text: &str) -> Result<(), Failure>;
    /// Spends one step; `Err` when the fuel is gone.
    fn step(&mut self) -> Result<(), Failure>;
}

struct Run<'a, O: Out> {
    out: &'a mut O,
    root: &'a Value,
    vars: Vec<(String, Value)>,
}

/// Parses `src` and renders it over `data` into `out`.
pub fn render(src: &str, data: &Value, out: &mut impl Out) -> Result<(), Failure> {
    let pieces = split(src)?;
    let mut parser = Parser {
        pieces: pieces.into_iter(),
        src: src.to_string(),
    };
    let (nodes, end) = parser.list()?;
    match end {
        End::Eof => {}
        End::End => return Err("unexpected {{end}}".into()),
        End::Else(_, at) => {
            return Err(format!("unexpected {{{{else}}}} at {}", position(src, at)));
        }
    }
    let mut run = Run {
        out,
        root: data,
        vars: vec![("".into(), data.clone())],
    };
    match run.nodes(&nodes, data) {
        Ok(()) => Ok(()),
        Err(Stop::Fail(f)) => Err(f),
        Err(Stop::Break | Stop::Continue) => Err("break or continue outside range".into()),
    }
}

impl<O: Out> Run<'_, O> {
    fn nodes(&mut self, nodes: &[Node], dot: &Value) -> Result<(), Stop> {
        for node in nodes {
            self.out.step()?;
            match node {
                Node::Text(t) => self.out.put(t)?,
                Node::Print(p) => {
                    let v = self.pipeline(p, dot)?;
                    if p.vars.is_empty() {
                        let text = print_value(&v);
                        self.out.put(&text)?;
                    }
                }
                Node::If(branches, otherwise) => {
                    let mark = self.vars.len();
                    let mut taken = false;
                    for (cond, body) in branches {
                        let v = self.pipeline(cond, dot)?;
                        if truth(&v) {
                            self.nodes(body, dot)?;
                            taken = true;
                            break;
                        }
                    }
                    if !taken {
                        self.nodes(otherwise, dot)?;
                    }
                    self.vars.truncate(mark);
                }
                Node::With(branches, otherwise) => {
                    let mark = self.vars.len();
                    let mut taken = false;
                    for (cond, body) in branches {
                        let v = self.pipeline(cond, dot)?;
                        if truth(&v) {
                            self.nodes(body, &v)?;
                            taken = true;
                            break;
                        }
                    }
                    if !taken {
                        self.nodes(otherwise, dot)?;
                    }
                    self.vars.truncate(mark);
                }
                Node::Range(p, body, otherwise) => {
                    let mark = self.vars.len();
                    let mut plain = p.clone();
                    let names = std::mem::take(&mut plain.vars);
                    let over = self.pipeline(&plain, dot)?;
                    let items: Vec<(Value, Value)> = match &over {
                        Value::Array(a) => a
                            .iter()
                            .enumerate()
                            .map(|(i, v)| (Value::from(i), v.clone()))
                            .collect(),
                        Value::Object(m) => {
                            let mut keys: Vec<&String> = m.keys().collect();
                            keys.sort();
                            keys.into_iter()
                                .map(|k| (Value::String(k.clone()), m[k].clone()))
                                .collect()
                        }
                        Value::Null => Vec::new(),
                        Value::Number(n) if n.as_u64().is_some() => (0..n.as_u64().unwrap_or(0))
                            .map(|i| (Value::from(i), Value::from(i)))
                            .collect(),
                        other => {
                            return Err(Stop::Fail(format!(
                                "range can't iterate over {}",
                                print_value(other)
                            )));
                        }
                    };
                    if items.is_empty() {
                        self.nodes(otherwise, dot)?;
                    }
                    for (key, item) in items {
                        self.vars.truncate(mark);
                        match names.as_slice() {
                            [] => {}
                            [e] => self.vars.push((e.clone(), item.clone())),
                            [i, e, ..] => {
                                self.vars.push((i.clone(), key));
                                self.vars.push((e.clone(), item.clone()));
                            }
                        }
                        match self.nodes(body, &item) {
                            Ok(()) | Err(Stop::Continue) => {}
                            Err(Stop::Break) => break,
                            Err(e) => return Err(e),
                        }
                    }
                    self.vars.truncate(mark);
                }
                Node::Break => return Err(Stop::Break),
                Node::Continue => return Err(Stop::Continue),
            }
        }
        Ok(())
    }

    fn pipeline(&mut self, p: &Pipeline, dot: &Value) -> Result<Value, Failure> {
        let mut last: Option<Value> = None;
        for command in &p.commands {
            self.out.step()?;
            last = Some(self.command(command, dot, last)?);
        }
        let value = last.unwrap_or(Value::Null);
        if p.declare {
            for v in &p.vars {
                self.vars.push((v.clone(), value.clone()));
            }
        } else {
            for name in &p.vars {
                let Some(slot) = self.vars.iter_mut().rev().find(|(n, _)| n == name) else {
                    return Err(format!("undefined variable ${name}"));
                };
                slot.1 = value.clone();
            }
        }
        Ok(value)
    }

    fn command(
        &mut self,
        c: &Command,
        dot: &Value,
        piped: Option<Value>,
    ) -> Result<Value, Failure> {
        if let Operand::Func(name) = &c.args[0] {
            let mut args = Vec::with_capacity(c.args.len());
            for a in &c.args[1..] {
                args.push(self.operand(a, dot)?);
            }
            args.extend(piped);
            return call(name, args);
        }
        if c.args.len() > 1 || piped.is_some() {
            return Err(format!(
                "can't give arguments to a non-function {}",
                describe(&c.args[0])
            ));
        }
        self.operand(&c.args[0], dot)
    }

    fn operand(&mut self, o: &Operand, dot: &Value) -> Result<Value, Failure> {
        Ok(match o {
            Operand::Dot => dot.clone(),
            Operand::Fields(f) => walk(dot, f)?,
            Operand::Var(name, f) => {
                let base = if name.is_empty() {
                    self.root.clone()
                } else {
                    self.vars
                        .iter()
                        .rev()
                        .find(|(n, _)| n == name)
                        .map(|(_, v)| v.clone())
                        .ok_or_else(|| format!("undefined variable ${name}"))?
                };
                walk(&base, f)?
            }
            Operand::Sub(p, f) => {
                let v = self.pipeline(p, dot)?;
                walk(&v, f)?
            }
            Operand::Lit(v) => v.clone(),
            Operand::Func(name) => call(name, Vec::new())?,
        })
    }
}

fn describe(o: &Operand) -> String {
    match o {
        Operand::Dot => ".".into(),
        Operand::Fields(f) => format!(".{}", f.join(".")),
        Operand::Var(v, _) => format!("${v}"),
        _ => "value".into(),
    }
}

/// `.a.b` on `v`: a missing member, or one of `null`, is "no value" (`null`); a member of
/// something that is not an object is an error, as in Go.
fn walk(v: &Value, fields: &[String]) -> Result<Value, Failure> {
    let mut cur = v.clone();
    for f in fields {
        cur = match cur {
            Value::Object(mut m) => m.remove(f).unwrap_or(Value::Null),
            Value::Null => Value::Null,
            other => {
                return Err(format!(
                    "can't evaluate field {f} in type {}",
                    go_type(&other)
                ));
            }
        };
    }
    Ok(cur)
}

fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "interface {}",
        Value::Bool(_) => "bool",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

/// Go's truth: false, 0, nil and empty values are false.
fn truth(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
}

fn call(name: &str, args: Vec<Value>) -> Result<Value, Failure> {
    let want = |n: usize| -> Result<(), Failure> {
        if args.len() == n {
            Ok(())
        } else {
            Err(format!(
                "wrong number of args for {name}: want {n} got {}",
                args.len()
            ))
        }
    };
    match name {
        "and" => {
            if args.is_empty() {
                return Err("wrong number of args for and: want at least 1 got 0".into());
            }
            Ok(args
                .iter()
                .find(|a| !truth(a))
                .unwrap_or(&args[args.len() - 1])
                .clone())
        }
        "or" => {
            if args.is_empty() {
                return Err("wrong number of args for or: want at least 1 got 0".into());
            }
            Ok(args
                .iter()
                .find(|a| truth(a))
                .unwrap_or(&args[args.len() - 1])
                .clone())
        }
        "not" => {
            want(1)?;
            Ok(Value::Bool(!truth(&args[0])))
        }
        "len" => {
            want(1)?;
            let n = match &args[0] {
                Value::String(s) => s.len(),
                Value::Array(a) => a.len(),
                Value::Object(m) => m.len(),
                Value::Null => 0,
                other => return Err(format!("len of type {}", go_type(other))),
            };
            Ok(Value::from(n))
        }
        "index" => {
            let mut it = args.into_iter();
            let mut cur = it
                .next()
                .ok_or("wrong number of args for index: want at least 1 got 0")?;
            for key in it {
                cur = match (&cur, &key) {
                    (Value::Array(a), k) => {
                        let i = number(k)
                            .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                            .ok_or_else(|| {
                                format!("cannot index slice/array with {}", print_value(k))
                            })? as usize;
                        a.get(i).cloned().ok_or_else(|| {
                            format!("error calling index: index out of range: {i}")
                        })?
                    }
                    (Value::Object(m), Value::String(k)) => {
                        m.get(k).cloned().unwrap_or(Value::Null)
                    }
                    (Value::Null, _) => Value::Null,
                    (other, _) => {
                        return Err(format!("can't index item of type {}", go_type(other)));
                    }
                };
            }
            Ok(cur)
        }
        "slice" => {
            let mut it = args.into_iter();
            let item = it
                .next()
                .ok_or("wrong number of args for slice: want at least 1 got 0")?;
            let bounds: Vec<usize> = it
                .map(|b| {
                    number(&b)
                        .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                        .map(|f| f as usize)
                        .ok_or_else(|| format!("cannot slice with {}", print_value(&b)))
                })
                .collect::<Result<_, _>>()?;
            let cut = |len: usize| -> Result<(usize, usize), Failure> {
                let lo = bounds.first().copied().unwrap_or(0);
                let hi = bounds.get(1).copied().unwrap_or(len);
                if lo > hi || hi > len {
                    return Err(format!("error calling slice: index out of range: {hi}"));
                }
                Ok((lo, hi))
            };
            match item {
                Value::String(s) => {
                    let (lo, hi) = cut(s.len())?;
                    s.get(lo..hi)
                        .map(|t| Value::String(t.to_string()))
                        .ok_or_else(|| "error calling slice: not at a character boundary".into())
                }
                Value::Array(a) => {
                    let (lo, hi) = cut(a.len())?;
                    Ok(Value::Array(a[lo..hi].to_vec()))
                }
                other => Err(format!("can't slice item of type {}", go_type(&other))),
            }
        }
        "eq" => {
            if args.len() < 2 {
                return Err("wrong number of args for eq: want at least 2".into());
            }
            Ok(Value::Bool(args[1..].iter().any(|b| equal(&args[0], b))))
        }
        "ne" => {
            want(2)?;
            Ok(Value::Bool(!equal(&args[0], &args[1])))
        }
        "lt" | "le" | "gt" | "ge" => {
            want(2)?;
            let ord = match (&args[0], &args[1]) {
                (Value::String(a), Value::String(b)) => a.partial_cmp(b),
                (a, b) => match (number(a), number(b)) {
                    (Some(x), Some(y)) => x.partial_cmp(&y),
                    _ => None,
                },
            }
            .ok_or_else(|| format!("incompatible types for comparison in {name}"))?;
            use std::cmp::Ordering::*;
            Ok(Value::Bool(match name {
                "lt" => ord == Less,
                "le" => ord != Greater,
                "gt" => ord == Greater,
                _ => ord != Less,
            }))
        }
        "print" => Ok(Value::String(sprint(&args, false))),
        "println" => Ok(Value::String(sprint(&args, true))),
        "printf" => {
            let mut it = args.into_iter();
            let Some(Value::String(format)) = it.next() else {
                return Err("printf needs a format string first".into());
            };
            Ok(Value::String(printf(&format, &it.collect::<Vec<_>>())?))
        }
        "html" => Ok(Value::String(
            sprint(&args, false)
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&#34;")
                .replace('\'', "&#39;"),
        )),
        "js" => {
            let mut out = String::new();
            for c in sprint(&args, false).chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '\'' => out.push_str("\\'"),
                    '"' => out.push_str("\\\""),
                    '<' => out.push_str("\\u003C"),
                    '>' => out.push_str("\\u003E"),
                    '&' => out.push_str("\\u0026"),
                    '=' => out.push_str("\\u003D"),
                    c if (c as u32) < 0x20 => {
                        let _ = write!(out, "\\u{:04X}", c as u32);
                    }
                    c => out.push(c),
                }
            }
            Ok(Value::String(out))
        }
        "urlquery" => {
            let mut out = String::new();
            for b in sprint(&args, false).bytes() {
                match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                        out.push(char::from(b))
                    }
                    b' ' => out.push('+'),
                    b => {
                        let _ = write!(out, "%{b:02X}");
                    }
                }
            }
            Ok(Value::String(out))
        }
        other => Err(format!("function {other:?} not defined")),
    }
}

fn equal(a: &Value, b: &Value) -> bool {
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// `fmt.Sprint` (spaces between operands when neither is a string) or `fmt.Sprintln`.
fn sprint(args: &[Value], line: bool) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        let is_str = |v: &Value| matches!(v, Value::String(_));
        if i > 0 && (line || (!is_str(a) && !is_str(&args[i - 1]))) {
            out.push(' ');
        }
        out.push_str(&print_value(a));
    }
    if line {
        out.push('\n');
    }
    out
}

/// A value as Go's `fmt` prints the JSON `encoding/json` decodes into `interface{}`.
pub fn print_value(v: &Value) -> String {
    match v {
        Value::Null => "<no value>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => go_number(n),
        Value::String(s) => s.clone(),
        Value::Array(a) => {
            let items: Vec<String> = a.iter().map(inner_value).collect();
            format!("[{}]", items.join(" "))
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let items: Vec<String> = keys
                .iter()
                .map(|k| format!("{k}:{}", inner_value(&m[*k])))
                .collect();
            format!("map[{}]", items.join(" "))
        }
    }
}

/// Inside a list or map Go prints a nil as `<nil>`.
fn inner_value(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        other => print_value(other),
    }
}

/// A JSON number as Go's `%v` prints a float64 (`1`, `1.5`, `1e+21`); integers that
/// JSON carries exactly print whole.
fn go_number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    go_float(n.as_f64().unwrap_or(0.0))
}

/// `%v` of a float64: the shortest form, with an exponent below 1e-4 or from 1e21.
fn go_float(f: f64) -> String {
    if f == 0.0 {
        return "0".into();
    }
    let exp = f.abs().log10().floor() as i32;
    if (-4..21).contains(&exp) {
        let text = format!("{f}");
        text
    } else {
        let text = format!("{f:e}");
        // Rust: 1e21, 1.5e-7; Go: 1e+21, 1.5e-07.
        let (mantissa, e) = text.split_once('e').unwrap_or((&text, "0"));
        let e: i32 = e.parse().unwrap_or(0);
        format!("{mantissa}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
    }
}

/// Go's `fmt.Sprintf` for the verbs listed in the module's docs.
fn printf(format: &str, args: &[Value]) -> Result<String, Failure> {
    let mut out = String::new();
    let mut chars = format.chars().peekable();
    let mut next = 0;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = chars.peek() {
            if "+-# 0".contains(f) {
                flags.push(f);
                chars.next();
            } else {
                break;
            }
        }
        let mut width = String::new();
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            width.push(d);
            chars.next();
        }
        let mut precision: Option<usize> = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                p.push(d);
                chars.next();
            }
            precision = Some(p.parse().unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(next) else {
            let _ = write!(out, "%!{verb}(MISSING)");
            continue;
        };
        next += 1;
        let text = match verb {
            'v' => print_value(arg),
            's' => match precision {
                Some(p) => print_value(arg).chars().take(p).collect(),
                None => print_value(arg),
            },
            'q' => serde_json::to_string(&print_value(arg)).unwrap_or_default(),
            't' => match arg {
                Value::Bool(b) => b.to_string(),
                other => format!("%!t({})", print_value(other)),
            },
            'd' => match number(arg) {
                Some(f) if f.fract() == 0.0 => {
                    let s = format!("{}", f as i64);
                    if flags.contains('+') && f >= 0.0 {
                        format!("+{s}")
                    } else {
                        s
                    }
                }
                _ => format!("%!d(float64={})", print_value(arg)),
            },
            'f' | 'F' => match number(arg) {
                Some(f) => {
                    let s = format!("{:.*}", precision.unwrap_or(6), f);
                    if flags.contains('+') && f >= 0.0 {
                        format!("+{s}")
                    } else {
                        s
                    }
                }
                None => format!("%!{verb}({})", print_value(arg)),
            },
            'e' | 'E' => match number(arg) {
                Some(f) => {
                    let s = format!("{:.*e}", precision.unwrap_or(6), f);
                    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
                    let e: i32 = e.parse().unwrap_or(0);
                    let s = format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
                    if verb == 'E' { s.to_uppercase() } else { s }
                }
                None => format!("%!{verb}({})", print_value(arg)),
            },
            'g' | 'G' => match number(arg) {
                Some(f) => go_float(f),
                None => format!("%!{verb}({})", print_value(arg)),
            },
            'x' | 'X' => {
                let s = match arg {
                    Value::Number(_) => match number(arg) {
                        Some(f) if f.fract() == 0.0 => format!("{:x}", f as i64),
                        _ => return Err("printf: %x of a fraction is not supported".into()),
                    },
                    other => print_value(other)
                        .bytes()
                        .map(|b| format!("{b:02x}"))
                        .collect(),
                };
                if verb == 'X' { s.to_uppercase() } else { s }
            }
            'c' => match number(arg).and_then(|f| char::from_u32(f as u32)) {
                Some(ch) => ch.to_string(),
                None => format!("%!c({})", print_value(arg)),
            },
            other => {
                return Err(format!(
                    "printf verb %{other} is not supported by atlas-rs's Go templates (v s q t d f F e E g G x X c %)"
                ));
            }
        };
        let width: usize = width.parse().unwrap_or(0);
        let len = text.chars().count();
        if len < width {
            let pad = width - len;
            if flags.contains('-') {
                out.push_str(&text);
                out.extend(std::iter::repeat_n(' ', pad));
            } else if flags.contains('0')
                && matches!(verb, 'd' | 'f' | 'F' | 'e' | 'E' | 'g' | 'G' | 'x' | 'X')
            {
                let (sign, digits) = match text.strip_prefix('-') {
                    Some(d) => ("-", d),
                    None => ("", text.as_str()),
                };
                out.push_str(sign);
                out.extend(std::iter::repeat_n('0', pad));
                out.push_str(digits);
            } else {
                out.extend(std::iter::repeat_n(' ', pad));
                out.push_str(&text);
            }
        } else {
            out.push_str(&text);
        }
    }
    if next < args.len() {
        let extra: Vec<String> = args[next..].iter().map(print_value).collect();
        let _ = write!(out, "%!(EXTRA {})", extra.join(", "));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Buf(String, u64);
    impl Out for Buf {
        fn put(&mut self, text: &str) -> Result<(), Failure> {
            self.0.push_str(text);
            Ok(())
        }
        fn step(&mut self) -> Result<(), Failure> {
            self.1 += 1;
            if self.1 > 100_000 {
                return Err("out of fuel".into());
            }
            Ok(())
        }
    }

    fn go(src: &str, data: &str) -> Result<String, Failure> {
        let data: Value = serde_json::from_str(data).unwrap();
        let mut out = Buf(String::new(), 0);
        render(src, &data, &mut out)?;
        Ok(out.0)
    }

    const ANSWER: &str = r#"{"id":"5f1","name":"ci","totalCount":3,"ratio":0.25,"big":1e21,
        "results":[{"id":"a","n":1,"tags":["x","y"]},{"id":"b","n":2},{"id":"c","n":3,"on":true}],
        "labels":{"b":"2","a":"1"},"none":null}"#;

    #[test]
    fn fields_and_values_print_as_go_prints_them() {
        assert_eq!(go("{{.id}}", ANSWER).unwrap(), "5f1");
        assert_eq!(go("{{ .name }}-{{.totalCount}}", ANSWER).unwrap(), "ci-3");
        assert_eq!(go("{{.ratio}} {{.big}}", ANSWER).unwrap(), "0.25 1e+21");
        assert_eq!(
            go("{{.missing}}|{{.none}}", ANSWER).unwrap(),
            "<no value>|<no value>"
        );
        assert_eq!(go("{{(index .results 0).tags}}", ANSWER).unwrap(), "[x y]");
        assert_eq!(go("{{.labels}}", ANSWER).unwrap(), "map[a:1 b:2]");
        assert_eq!(
            go("{{$.id}}{{.missing.deeper}}", ANSWER).unwrap(),
            "5f1<no value>"
        );
        assert!(
            go("{{.name.first}}", ANSWER)
                .unwrap_err()
                .contains("can't evaluate field first in type string")
        );
    }

    #[test]
    fn control_flow() {
        assert_eq!(
            go("{{range .results}}{{.id}}\n{{end}}", ANSWER).unwrap(),
            "a\nb\nc\n"
        );
        assert_eq!(
            go(
                "{{range $i, $r := .results}}{{$i}}={{$r.id}} {{end}}",
                ANSWER
            )
            .unwrap(),
            "0=a 1=b 2=c "
        );
        assert_eq!(
            go(
                "{{range .results}}{{if .on}}{{.id}}{{else if eq .n 1}}one{{else}}-{{end}}{{end}}",
                ANSWER
            )
            .unwrap(),
            "one-c"
        );
        assert_eq!(
            go("{{range .nothing}}x{{else}}empty{{end}}", ANSWER).unwrap(),
            "empty"
        );
        assert_eq!(
            go(
                "{{with .labels}}{{.a}}{{end}}{{with .none}}x{{else}}y{{end}}",
                ANSWER
            )
            .unwrap(),
            "1y"
        );
        assert_eq!(
            go("{{range .results}}{{if eq .id \"b\"}}{{continue}}{{end}}{{if eq .id \"c\"}}{{break}}{{end}}{{.id}}{{end}}", ANSWER).unwrap(),
            "a"
        );
        assert_eq!(
            go("{{range $k, $v := .labels}}{{$k}}{{$v}}{{end}}", ANSWER).unwrap(),
            "a1b2"
        );
        assert_eq!(
            go("{{$n := len .results}}{{$n}}{{$n = 7}}{{$n}}", ANSWER).unwrap(),
            "37"
        );
    }

    #[test]
    fn trimming_comments_and_functions() {
        assert_eq!(go("a  {{- .id -}}  b", ANSWER).unwrap(), "a5f1b");
        assert_eq!(
            go("{{/* note */}}x{{- /* trimmed */ -}} y", ANSWER).unwrap(),
            "xy"
        );
        assert_eq!(
            go(
                r#"{{printf "%s has %d (%.1f%%)" .name .totalCount 12.345}}"#,
                ANSWER
            )
            .unwrap(),
            "ci has 3 (12.3%)"
        );
        assert_eq!(
            go(r#"{{printf "%-4s|%5d|%05d|%q" "ab" 42 7 "x"}}"#, ANSWER).unwrap(),
            "ab  |   42|00007|\"x\""
        );
        assert_eq!(go(r#"{{.name | printf "<%s>"}}"#, ANSWER).unwrap(), "<ci>");
        assert_eq!(
            go(
                "{{len .name}} {{index .labels \"a\"}} {{not .none}} {{and 1 0}} {{or 0 \"x\"}}",
                ANSWER
            )
            .unwrap(),
            "2 1 true 0 x"
        );
        assert_eq!(
            go("{{print 1 2 \"a\" 3}} {{slice .name 1}}", ANSWER).unwrap(),
            "1 2a3 i"
        );
        assert_eq!(
            go(
                "{{if and (gt .totalCount 2) (lt .ratio 1)}}ok{{end}}",
                ANSWER
            )
            .unwrap(),
            "ok"
        );
        assert_eq!(
            go("{{\"tab\\there\"}}{{`raw\\n`}}", ANSWER).unwrap(),
            "tab\thereraw\\n"
        );
    }

    #[test]
    fn what_is_not_supported_says_so() {
        for (src, says) in [
            ("{{define \"x\"}}{{end}}", "not supported"),
            ("{{template \"x\"}}", "not supported"),
            ("{{upper .name}}", "function \"upper\" not defined"),
            ("{{if .id}}x", "has no {{end}}"),
            ("{{.id", "unclosed action"),
            ("{{end}}", "unexpected {{end}}"),
            ("{{printf \"%p\" .id}}", "verb %p is not supported"),
            ("{{.id 1}}", "non-function"),
        ] {
            let e = go(src, ANSWER).unwrap_err();
            assert!(e.contains(says), "{src}: {e}");
        }
        assert!(
            go("{{\n.id x}}", ANSWER)
                .unwrap_err()
                .contains("line 1, column 1")
        );
    }

    #[test]
    fn go_or_jinja() {
        for go_like in [
            "{{.id}}",
            "{{ .id }}",
            "{{range .results}}{{end}}",
            "{{- $.x}}",
            "{{len .results}}",
            "x{{/* c */}}",
            "{{printf \"%s\" .id}}",
        ] {
            assert!(looks_like_go(go_like), "{go_like}");
        }
        for jinja in [
            "{{ id }}",
            "{{ totalCount }}",
            "{% for r in results %}{{ r.id }}{% endfor %}",
            "{{ results|length }}",
            "no template",
        ] {
            assert!(!looks_like_go(jinja), "{jinja}");
        }
    }

    #[test]
    fn runs_are_bounded() {
        let e = go("{{range .results}}{{range $.results}}{{range $.results}}{{range $.results}}{{range $.results}}{{range $.results}}{{range $.results}}{{range $.results}}{{range $.results}}{{range $.results}}{{range $.results}}x{{end}}{{end}}{{end}}{{end}}{{end}}{{end}}{{end}}{{end}}{{end}}{{end}}{{end}}", ANSWER).unwrap_err();
        assert!(e.contains("fuel"), "{e}");
    }
}
