//! `-o '{{ … }}'`: the answer through a template, in one of two syntaxes:
//!
//! - Go's `text/template`, the official CLI's (`{{.name}}`, `{{range .results}}{{.id}}
//!   {{end}}`): [`crate::gotemplate`];
//! - Jinja, through minijinja, with the answer's members as top-level names
//!   (`{{ name }}`, `{% for r in results %}{{ r.id }}{% endfor %}`) and the whole answer
//!   as `answer`.
//!
//! `-o 'go-template=…'` and `-o 'jinja=…'` say which; otherwise a template is Go's when
//! every action starts as only Go's can (`.`, `$`, a Go keyword or builtin) and it has no
//! `{% … %}` ([`crate::gotemplate::looks_like_go`]), else Jinja.
//!
//! A template is a program, so it runs bounded: at most [`FUEL`] steps and
//! [`MAX_OUTPUT_BYTES`] of output, then it stops with an error.

use crate::exit::CliError;

/// The instructions a template may run (minijinja's fuel, about one an instruction): ten
/// million, well over a loop over every item of the largest answer, and under a few
/// seconds of work.
pub const FUEL: u64 = 10_000_000;

/// The most a template may write: 64 MiB, the runtime's own bound on an answer's body
/// ([`atlas_runtime::defaults::DEFAULT_BODY_LIMIT`]).
pub const MAX_OUTPUT_BYTES: usize = 64 * 1024 * 1024;

/// The two syntaxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Go,
    Jinja,
}

/// Whether `-o` holds a template, and which: `Some((syntax, template))`.
pub fn parse_option(text: &str) -> Option<(Syntax, &str)> {
    if let Some(t) = text.strip_prefix("go-template=") {
        return Some((Syntax::Go, t));
    }
    if let Some(t) = text.strip_prefix("jinja=") {
        return Some((Syntax::Jinja, t));
    }
    if !(text.contains("{{") || text.contains("{%")) {
        return None;
    }
    if crate::gotemplate::looks_like_go(text) {
        Some((Syntax::Go, text))
    } else {
        Some((Syntax::Jinja, text))
    }
}

/// Renders `template` (in `syntax`) over the JSON `body`.
pub fn render(syntax: Syntax, template: &str, body: &[u8]) -> Result<String, CliError> {
    let answer: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        CliError::Failed(format!(
            "the answer is not JSON, so no template applies: {e}"
        ))
    })?;
    if syntax == Syntax::Go {
        return render_go(template, &answer);
    }
    let mut env = minijinja::Environment::new();
    env.set_fuel(Some(FUEL));
    env.add_template("output", template)
        .map_err(|e| CliError::Usage(format!("invalid template: {e}")))?;
    let tmpl = env
        .get_template("output")
        .map_err(|e| CliError::Usage(format!("invalid template: {e}")))?;
    let mut context = match &answer {
        serde_json::Value::Object(map) => map.clone(),
        _ => serde_json::Map::new(),
    };
    context.insert("answer".into(), answer);
    let mut out = Capped::default();
    let rendered = tmpl.render_captured_to(&context, &mut out);
    match rendered {
        Ok(_) => {}
        Err(_) if out.over => {
            return Err(CliError::Usage(format!(
                "the template wrote more than {} MiB; stopped",
                MAX_OUTPUT_BYTES / (1024 * 1024)
            )));
        }
        Err(e) if e.kind() == minijinja::ErrorKind::OutOfFuel => {
            return Err(CliError::Usage(format!(
                "the template ran more than {FUEL} instructions; stopped"
            )));
        }
        Err(e) => return Err(CliError::Usage(format!("the template failed: {e}"))),
    }
    let mut text = String::from_utf8_lossy(&out.bytes).into_owned();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

/// A Go template over the answer, with the same bounds.
fn render_go(template: &str, answer: &serde_json::Value) -> Result<String, CliError> {
    let mut out = Capped::default();
    crate::gotemplate::render(template, answer, &mut out).map_err(|e| {
        if out.over {
            CliError::Usage(format!(
                "the template wrote more than {} MiB; stopped",
                MAX_OUTPUT_BYTES / (1024 * 1024)
            ))
        } else if out.fuel_out {
            CliError::Usage(format!("the template ran more than {FUEL} steps; stopped"))
        } else {
            CliError::Usage(format!("template (Go syntax): {e}"))
        }
    })?;
    let mut text = String::from_utf8_lossy(&out.bytes).into_owned();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

impl crate::gotemplate::Out for Capped {
    fn put(&mut self, text: &str) -> Result<(), String> {
        use std::io::Write as _;
        self.write_all(text.as_bytes())
            .map_err(|_| "output too large".to_string())
    }

    fn step(&mut self) -> Result<(), String> {
        self.steps += 1;
        if self.steps > FUEL {
            self.fuel_out = true;
            return Err("out of fuel".into());
        }
        Ok(())
    }
}

/// A buffer that refuses to grow past [`MAX_OUTPUT_BYTES`].
#[derive(Default)]
struct Capped {
    bytes: Vec<u8>,
    over: bool,
    /// Steps a Go template ran, and whether it ran out.
    steps: u64,
    fuel_out: bool,
}

impl std::io::Write for Capped {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > MAX_OUTPUT_BYTES {
            self.over = true;
            return Err(std::io::Error::other("template output too large"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn renders_members_and_loops() {
        let body = br#"{"results":[{"id":"a"},{"id":"b"}],"totalCount":2}"#;
        let out = super::render(
            super::Syntax::Jinja,
            "{{ totalCount }}:{% for r in results %} {{ r.id }}{% endfor %}",
            body,
        )
        .unwrap();
        assert_eq!(out, "2: a b\n");
        // The official syntax, as written.
        let (syntax, t) =
            super::parse_option("{{.totalCount}}:{{range .results}} {{.id}}{{end}}").unwrap();
        assert_eq!(super::render(syntax, t, body).unwrap(), "2: a b\n");
        let (syntax, t) = super::parse_option("go-template={{ .totalCount }}").unwrap();
        assert_eq!((syntax, t), (super::Syntax::Go, "{{ .totalCount }}"));
        assert_eq!(
            super::parse_option("jinja={{ x }}").unwrap().0,
            super::Syntax::Jinja
        );
        assert_eq!(super::parse_option("json"), None);
    }

    #[test]
    fn output_is_bounded() {
        // 100 strings of 1 MB: little fuel, too much output.
        let err = super::render(
            super::Syntax::Jinja,
            r#"{% for i in range(100) %}{{ "x" * 1000000 }}{% endfor %}"#,
            b"{}",
        )
        .unwrap_err();
        assert!(err.to_string().contains("more than 64 MiB"), "{err}");
        // Go: output and steps are bounded the same way.
        let big = r#"{{range .a}}{{printf "%1000000d" 1}}{{end}}"#;
        let body = serde_json::json!({"a": vec![0; 100]}).to_string();
        let err = super::render(super::Syntax::Go, big, body.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("more than 64 MiB"), "{err}");
        let body = serde_json::json!({"a": vec![0; 10_000]}).to_string();
        let err = super::render(
            super::Syntax::Go,
            "{{range .a}}{{range $.a}}x{{end}}{{end}}",
            body.as_bytes(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("steps; stopped"), "{err}");
    }
}
