//! `#[derive(Decode)]` reads exactly what serde's derive reads: each case is decoded by a
//! `Decode` struct and by its twin with `#[derive(serde::Deserialize)]`, and both must
//! give the same value or the same error message. A property test does the same over
//! generated objects (member names known and unknown, repeated, wrong types, `null`).

use atlas_runtime::Decode;
use proptest::prelude::*;
use serde_json::{Value, json};

/// Every shape of member the generated models use: required and optional, renamed by the
/// rule and by hand, a raw identifier, a trailing underscore, boxed, nested, arrays, maps.
macro_rules! twins {
    ($($derive:path => $name:ident, $inner:ident;)*) => {$(
        #[derive(Debug, PartialEq, $derive)]
        #[serde(rename_all = "camelCase")]
        pub struct $inner {
            pub metric_name: String,
            pub threshold: Option<f64>,
        }

        #[derive(Debug, PartialEq, $derive)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            pub group_id: String,
            pub r#type: Option<String>,
            pub kind_: Option<i64>,
            #[serde(rename = "IP")]
            pub ip: Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            pub count: Option<i32>,
            pub enabled: bool,
            pub nested: Box<$inner>,
            pub items: Option<Vec<$inner>>,
            pub labels: Option<std::collections::BTreeMap<String, String>>,
            pub any: Option<Value>,
        }
    )*};
}

twins! {
    Decode => Lean, LeanInner;
    serde::Deserialize => Serde, SerdeInner;
}

/// Both decodings of `text`, as `Ok(debug text)` or `Err(message)`.
fn both(text: &str) -> (Result<String, String>, Result<String, String>) {
    let lean = serde_json::from_str::<Lean>(text)
        .map(|v| format!("{v:?}").replace("Lean", "X"))
        .map_err(|e| e.to_string().replace("Lean", "X"));
    let serde = serde_json::from_str::<Serde>(text)
        .map(|v| format!("{v:?}").replace("Serde", "X"))
        .map_err(|e| e.to_string().replace("Serde", "X"));
    (lean, serde)
}

/// Whether the two decodings agree. The one difference allowed: serde's derive also reads
/// a struct from a JSON array, by position, and `Decode` reads objects only (Atlas never
/// sends a struct as an array); where a struct is given an array, both must refuse it,
/// in their own words.
fn agree(lean: &Result<String, String>, serde: &Result<String, String>) -> bool {
    let positional = |r: &Result<String, String>| {
        r.as_ref()
            .err()
            .is_some_and(|e| e.contains("invalid type: sequence, expected struct"))
    };
    lean == serde || (positional(lean) && serde.is_err())
}

fn valid() -> Value {
    json!({
        "groupId": "g", "type": "t", "kind": 3, "IP": "10.0.0.1", "count": 2, "enabled": true,
        "nested": {"metricName": "CPU", "threshold": 1.5},
        "items": [{"metricName": "A"}, {"metricName": "B", "threshold": null}],
        "labels": {"k": "v"}, "any": {"free": [1, "x"]}, "unknown": {"deep": [null]},
    })
}

#[test]
fn same_value_and_same_errors_as_serde() {
    let mut cases = vec![
        valid(),
        json!({}),
        json!([]),
        json!("text"),
        json!(null),
        json!(1),
    ];
    let mut edit = |f: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut v = valid();
        f(v.as_object_mut().expect("an object"));
        cases.push(v);
    };
    edit(&|m| {
        m.remove("groupId");
    });
    edit(&|m| {
        m.insert("count".into(), Value::Null);
    });
    edit(&|m| {
        m.insert("count".into(), json!("two"));
    });
    edit(&|m| {
        m.insert("enabled".into(), Value::Null);
    });
    edit(&|m| {
        m.insert("nested".into(), json!({"threshold": 1}));
    });
    edit(&|m| {
        m.insert("items".into(), json!([{"metricName": 1}]));
    });
    edit(&|m| {
        m.insert("labels".into(), json!({"k": 1}));
    });
    for case in &cases {
        let (lean, serde) = both(&case.to_string());
        assert!(agree(&lean, &serde), "{case}: {lean:?} against {serde:?}");
    }
    // The positional difference is the only one, and is a refusal.
    let (lean, serde) = both("[]");
    assert_eq!(
        lean.unwrap_err(),
        "invalid type: sequence, expected struct X at line 1 column 0"
    );
    assert!(serde.is_err());
    let (ok, _) = both(&valid().to_string());
    let ok = ok.expect("the valid object decodes");
    assert!(
        ok.contains("kind_: Some(3)")
            && ok.contains("type: Some(\"t\")")
            && ok.contains("ip: Some(\"10.0.0.1\")"),
        "{ok}"
    );
    // A member given twice: serde's words.
    let twice =
        r#"{"groupId": "a", "groupId": "b", "enabled": true, "nested": {"metricName": "m"}}"#;
    let lean = serde_json::from_str::<Lean>(twice).unwrap_err().to_string();
    let serde = serde_json::from_str::<Serde>(twice)
        .unwrap_err()
        .to_string();
    assert_eq!(lean, serde);
    assert!(lean.starts_with("duplicate field `groupId`"), "{lean}");
}

fn member_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i32>().prop_map(Value::from),
        "[a-z]{0,3}".prop_map(Value::from),
        Just(json!({"metricName": "m"})),
        Just(json!([{"metricName": "m", "threshold": 2}])),
        Just(json!({"k": "v"})),
    ]
}

proptest! {
    #[test]
    fn any_object_decodes_as_serde_decodes_it(
        members in prop::collection::vec(
            (prop::sample::select(vec![
                "groupId", "type", "kind", "kind_", "IP", "ip", "count", "enabled", "nested", "items", "labels",
                "any", "other", "metricName",
            ]), member_value()),
            0..12,
        )
    ) {
        // Written by hand so that a repeated name stays repeated.
        let body = members
            .iter()
            .map(|(k, v)| format!("{}:{v}", Value::from(*k)))
            .collect::<Vec<_>>()
            .join(",");
        let text = format!("{{{body}}}");
        let (lean, serde) = both(&text);
        prop_assert!(agree(&lean, &serde), "{}: {:?} against {:?}", text, lean, serde);
    }
}
