//! The 22 Service Accounts operations are written by hand (the reference the generator is
//! held to); each must be what `atlas-codegen` would declare for it: same method,
//! template, version, operationId, and the same parameters with the same
//! places, presence and rules. The hand-written ones may be stricter only where a
//! difference below is listed with its reason.

use atlas_codegen::reference::{Declaration, Parameter};
use atlas_runtime::{
    EndpointInfo,
    implement::{Constraint, Location, ParamInfo},
};
use atlas_test_needs::needs;

/// Where the hand-written declarations knowingly differ from the generated form:
/// (operationId, API name, what, why).
const DELIBERATE: &[(&str, &str, &str, &str)] = &[
    (
        "createOrgServiceAccountAccessList",
        "entries",
        "pattern",
        "each entry's cidrBlock/ipAddress is checked before sending; the generator leaves \
         the rules of an array body's item members to the server",
    ),
    (
        "createGroupServiceAccountAccessList",
        "entries",
        "pattern",
        "as for the organization's access list",
    ),
];

fn hand_written() -> &'static [EndpointInfo] {
    atlas_endpoints::ENDPOINTS
}

#[needs(spec)]
fn every_hand_written_operation_is_what_the_generator_would_declare() {
    let spec = atlas_tests::spec::spec();
    let generated = atlas_codegen::reference::declarations(spec, "Service Accounts");
    assert_eq!(
        generated.len(),
        22,
        "the spec's Service Accounts operations"
    );
    let mut differences = Vec::new();
    for info in hand_written() {
        let Some(g) = generated
            .iter()
            .find(|g| Some(g.operation_id.as_str()) == info.operation_id)
        else {
            differences.push(format!(
                "{}: the generator declares no such operation",
                info.type_name
            ));
            continue;
        };
        compare(info, g, &mut differences);
    }
    for g in &generated {
        if !hand_written()
            .iter()
            .any(|i| i.operation_id == Some(g.operation_id.as_str()))
        {
            differences.push(format!("{}: not written by hand", g.operation_id));
        }
    }
    differences.retain(|d| {
        !DELIBERATE
            .iter()
            .any(|(op, name, what, _)| d.starts_with(&format!("{op}: `{name}` {what}")))
    });
    assert!(
        differences.is_empty(),
        "{} difference(s) from the generated form:\n{}",
        differences.len(),
        differences.join("\n")
    );
}

fn compare(info: &EndpointInfo, g: &Declaration, out: &mut Vec<String>) {
    let op = &g.operation_id;
    let mut differ = |what: &str, hand: String, generated: String| {
        if hand != generated {
            out.push(format!(
                "{op}: {what}: by hand {hand}, generated {generated}"
            ));
        }
    };
    differ("method", info.method.to_string(), g.method.clone());
    differ("template", info.template.to_string(), g.template.clone());
    differ(
        "version",
        format!("{:?}", info.version),
        format!("{:?}", Some(&g.version)),
    );
    for p in info.params {
        // The whole body has no API name: its field is named freely.
        let same = |q: &&Parameter| match p.location {
            Location::WholeBody => q.location == "whole body",
            _ => q.api_name == p.api_name,
        };
        match g.params.iter().find(same) {
            Some(q) => compare_param(op, p, q, out),
            None => out.push(format!(
                "{op}: `{}` is declared by hand but not generated",
                p.api_name
            )),
        }
    }
    for q in &g.params {
        let declared = match q.location {
            "whole body" => info.params_in(Location::WholeBody).next().is_some(),
            _ => info.param(&q.api_name).is_some(),
        };
        if !declared {
            out.push(format!(
                "{op}: `{}` is generated but not declared by hand",
                q.api_name
            ));
        }
    }
}

fn compare_param(op: &str, p: &ParamInfo, q: &Parameter, out: &mut Vec<String>) {
    let name = p.api_name;
    let mut differ = |what: &str, hand: String, generated: String| {
        if hand != generated {
            out.push(format!(
                "{op}: `{name}` {what}: by hand {hand}, generated {generated}"
            ));
        }
    };
    differ(
        "location",
        p.location.as_str().to_string(),
        q.location.to_string(),
    );
    differ("required", p.required.to_string(), q.required.to_string());
    differ("encoded", p.encoded.to_string(), q.encoded.to_string());
    let patterns: Vec<&str> = p.patterns().map(|x| x.source()).collect();
    differ(
        "pattern",
        format!("{patterns:?}"),
        format!("{:?}", q.pattern.iter().collect::<Vec<_>>()),
    );
    let mut min = None;
    let mut max = None;
    let mut min_length = None;
    let mut max_length = None;
    for c in p.constraints {
        match c {
            Constraint::Range { min: lo, max: hi } => {
                min = lo.map(|b| (b.value.to_string(), b.exclusive));
                max = hi.map(|b| (b.value.to_string(), b.exclusive));
            }
            Constraint::Length { min: lo, max: hi } => {
                min_length = *lo;
                max_length = *hi;
            }
            _ => {}
        }
    }
    let number = |b: Option<(f64, bool)>| b.map(|(v, x)| (v.to_string(), x));
    differ(
        "minimum",
        format!("{min:?}"),
        format!("{:?}", number(q.min)),
    );
    differ(
        "maximum",
        format!("{max:?}"),
        format!("{:?}", number(q.max)),
    );
    differ(
        "minimum length",
        format!("{min_length:?}"),
        format!("{:?}", q.min_length.map(|v| v as usize)),
    );
    differ(
        "maximum length",
        format!("{max_length:?}"),
        format!("{:?}", q.max_length.map(|v| v as usize)),
    );
}
