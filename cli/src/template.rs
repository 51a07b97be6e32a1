//! `-o '{{ … }}'`: the answer through a template. The official CLI takes Go's
//! `text/template` (`{{.name}}`); Rust users have Jinja through minijinja, so the answer's
//! JSON is the template's context: `{{ name }}`, `{% for r in results %}{{ r.id }}
//! {% endfor %}`, and the whole answer as `answer`.

use crate::exit::CliError;

/// Renders `template` over the JSON `body`.
pub fn render(template: &str, body: &[u8]) -> Result<String, CliError> {
    let answer: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        CliError::Failed(format!(
            "the answer is not JSON, so no template applies: {e}"
        ))
    })?;
    let mut env = minijinja::Environment::new();
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
    let mut text = tmpl
        .render(minijinja::Value::from_serialize(&context))
        .map_err(|e| CliError::Usage(format!("the template failed: {e}")))?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
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
}
