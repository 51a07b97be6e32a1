//! `-o '{{ … }}'`: the answer through a template. The official CLI takes Go's
//! `text/template` (`{{.name}}`); Rust users have Jinja through minijinja, so the answer's
//! JSON is the template's context: `{{ name }}`, `{% for r in results %}{{ r.id }}
//! {% endfor %}`, and the whole answer as `answer`.
//!
//! A template is a program, so it runs bounded: at most [`FUEL`] instructions and
//! [`MAX_OUTPUT_BYTES`] of output, then it stops with an error.

use crate::exit::CliError;

/// The instructions a template may run (minijinja's fuel, about one an instruction): ten
/// million, well over a loop over every item of the largest answer, and under a few
/// seconds of work.
pub const FUEL: u64 = 10_000_000;

/// The most a template may write: 64 MiB, the runtime's own bound on an answer's body
/// ([`atlas_runtime::DEFAULT_BODY_LIMIT`]).
pub const MAX_OUTPUT_BYTES: usize = 64 * 1024 * 1024;

/// Renders `template` over the JSON `body`.
pub fn render(template: &str, body: &[u8]) -> Result<String, CliError> {
    let answer: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        CliError::Failed(format!(
            "the answer is not JSON, so no template applies: {e}"
        ))
    })?;
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

/// A buffer that refuses to grow past [`MAX_OUTPUT_BYTES`].
#[derive(Default)]
struct Capped {
    bytes: Vec<u8>,
    over: bool,
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
            "{{ totalCount }}:{% for r in results %} {{ r.id }}{% endfor %}",
            body,
        )
        .unwrap();
        assert_eq!(out, "2: a b\n");
    }

    #[test]
    fn output_is_bounded() {
        // 100 strings of 1 MB: little fuel, too much output.
        let err = super::render(
            r#"{% for i in range(100) %}{{ "x" * 1000000 }}{% endfor %}"#,
            b"{}",
        )
        .unwrap_err();
        assert!(err.to_string().contains("more than 64 MiB"), "{err}");
    }
}
