//! JSON as Python's `json.dump(value, indent=2)` writes it, so that the result files keep
//! the format the measuring program had when it was Python (the former
//! `scripts/compile_time.py`).

/// A JSON value; objects keep their insertion order, as Python's dicts do.
pub enum Json {
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    pub fn object<const N: usize>(members: [(&str, Json); N]) -> Json {
        Json::Object(
            members
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }

    pub fn floats(xs: &[f64]) -> Json {
        Json::List(xs.iter().map(|&x| Json::Float(x)).collect())
    }

    /// The text, indented by two spaces a level, no newline at the end.
    pub fn dump(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0);
        out
    }

    fn write(&self, out: &mut String, level: usize) {
        match self {
            Json::Int(i) => out.push_str(&i.to_string()),
            Json::Float(x) => out.push_str(&python_float(*x)),
            Json::Str(s) => string(out, s),
            Json::List(items) if items.is_empty() => out.push_str("[]"),
            Json::Object(members) if members.is_empty() => out.push_str("{}"),
            Json::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    out.push_str(if i == 0 { "\n" } else { ",\n" });
                    indent(out, level + 1);
                    item.write(out, level + 1);
                }
                out.push('\n');
                indent(out, level);
                out.push(']');
            }
            Json::Object(members) => {
                out.push('{');
                for (i, (key, value)) in members.iter().enumerate() {
                    out.push_str(if i == 0 { "\n" } else { ",\n" });
                    indent(out, level + 1);
                    string(out, key);
                    out.push_str(": ");
                    value.write(out, level + 1);
                }
                out.push('\n');
                indent(out, level);
                out.push('}');
            }
        }
    }
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("  ");
    }
}

/// A string as `json.dumps` writes it (`ensure_ascii`: anything not ASCII as `\uXXXX`).
fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Python's `repr(float)`: the shortest text that reads back the same, `.0` on whole
/// numbers, an exponent (`1e-05`, `1e+16`) below 1e-4 and from 1e16 on.
pub fn python_float(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    // Rust's Debug form is the shortest round-trip text, with an exponent in the same
    // ranges; only the exponent is written differently.
    let text = format!("{x:?}");
    match text.split_once('e') {
        Some((mantissa, exponent)) => {
            let (sign, digits) = match exponent.strip_prefix('-') {
                Some(digits) => ('-', digits),
                None => ('+', exponent),
            };
            format!("{mantissa}e{sign}{digits:0>2}")
        }
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::{Json, python_float};

    #[test]
    fn floats_as_python_writes_them() {
        assert_eq!(python_float(1.0), "1.0");
        assert_eq!(python_float(0.1), "0.1");
        assert_eq!(python_float(12.345678901234567), "12.345678901234567");
        assert_eq!(python_float(0.00001), "1e-05");
        assert_eq!(python_float(0.0001), "0.0001");
        assert_eq!(python_float(1e16), "1e+16");
        assert_eq!(python_float(-2.5e-7), "-2.5e-07");
        assert_eq!(python_float(1e300), "1e+300");
    }

    #[test]
    fn indented_as_json_dump_indent_2() {
        let value = Json::object([
            ("runs", Json::Int(3)),
            ("sizes", Json::List(vec![Json::Int(5), Json::Int(10)])),
            ("empty", Json::List(vec![])),
            (
                "machine",
                Json::object([("cpu", Json::Str("Zoë \"x\"".into()))]),
            ),
            (
                "points",
                Json::List(vec![Json::List(vec![Json::Int(5), Json::Float(1.5)])]),
            ),
        ]);
        assert_eq!(
            value.dump(),
            "{\n  \"runs\": 3,\n  \"sizes\": [\n    5,\n    10\n  ],\n  \"empty\": [],\n  \
             \"machine\": {\n    \"cpu\": \"Zo\\u00eb \\\"x\\\"\"\n  },\n  \"points\": [\n    \
             [\n      5,\n      1.5\n    ]\n  ]\n}"
        );
    }
}
