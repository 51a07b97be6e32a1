//! The waiter table: for every write whose effect the spec lets us observe, the GET that
//! observes it, the state member and what its values mean, the goal, and where each of
//! the GET's path values comes from.
//!
//! The rules, in one place:
//! - a *stateful GET* is a GET whose answer (at its newest version) has a top-level
//!   `state`, `stateName`, `status` or `statusName` member with a string enum, in any of
//!   its forms (`oneOf`); the overlay says what each value means
//!   ([`overlay::lifecycles`](crate::overlay::lifecycles)) or why it is no lifecycle;
//! - a write is *observable* through a lifecycle GET when it acts on the GET's path
//!   (PUT, PATCH, DELETE, POST), POSTs to its parent collection (the GET's path minus its
//!   last `{placeholder}` segment), or is a custom method of it (`…/{clusterName}:pin…`);
//!   the overlay pairs the few whose paths say nothing ([`PAIRS`]);
//! - a delete waits for the GET to answer 404 or a *gone* value; anything else for a
//!   *ready* value;
//! - each GET path value is the write's path value of the same name, else a member of
//!   the write's answer: the same name, `name` for `…Name`, `id` or `_id` for `…Id` (in
//!   each form of a union answer: a role is `roleId` on AWS, `_id` on Azure), or the
//!   overlay's ([`ANSWER_IDS`]).

use std::collections::BTreeSet;

use serde_json::Value;

use crate::models::{collect_props, string_enum};
use crate::overlay::lifecycles::{
    ANSWER_IDS, LIFECYCLES, Lifecycle, NO_WAITER, NOT_LIFECYCLES, PAIRS,
};
use crate::plan::{Endpoint, Plan};
use crate::spec::resolve;

/// The members a state is read from.
pub const STATE_MEMBERS: &[&str] = &["state", "stateName", "status", "statusName"];

/// A GET's state members, each with its values.
pub type Members = Vec<(String, Vec<String>)>;

/// Where a GET path value comes from: `Ok(the write's path value)`, or `Err(members of the
/// write's answer)`, the first present winning.
pub type IdSource = Result<String, Vec<String>>;

/// One waiter, for one request type of a write.
#[derive(Debug, Clone)]
pub struct WaiterPlan {
    /// The write's request type and tag.
    pub write_type: String,
    pub write_op: String,
    pub write_tag: String,
    pub write_preview: bool,
    /// The observing GET's request type (its plain, newest stable one) and tag.
    pub observer_type: String,
    pub observer_tag: String,
    pub observer_preview: bool,
    pub lifecycle: &'static Lifecycle,
    /// `Goal::Gone` (a delete) or `Goal::Ready`.
    pub gone: bool,
    /// Each GET path value: `(placeholder, Ok(write's path value) | Err(answer members,
    /// the first present wins))`.
    pub ids: Vec<(String, IdSource)>,
}

/// Every stateful GET of the plan: (its endpoint, its state members with their values).
pub fn stateful_gets<'p>(spec: &Value, plan: &'p Plan) -> Vec<(&'p Endpoint, Members)> {
    let mut out = Vec::new();
    for e in plain(plan) {
        if e.op.method != "GET" {
            continue;
        }
        let Some(schema) = &e.version.response else {
            continue;
        };
        let members = state_members(spec, schema);
        if !members.is_empty() {
            out.push((e, members));
        }
    }
    out
}

/// The state members of an answer's schema, with their values, through `allOf`, `$ref`
/// and the forms of a `oneOf`.
fn state_members(spec: &Value, schema: &Value) -> Members {
    let mut out: Members = Vec::new();
    for form in &forms(spec, schema) {
        let mut props = Vec::new();
        let mut required = BTreeSet::new();
        collect_props(spec, form, &mut props, &mut required, 0);
        for (name, prop) in props {
            if !STATE_MEMBERS.contains(&name.as_str()) {
                continue;
            }
            let Some(values) = string_enum(spec, &prop).or_else(|| {
                // `allOf: [{$ref: enum}]` beside a description.
                resolve(spec, &prop)
                    .get("allOf")
                    .and_then(Value::as_array)
                    .and_then(|a| a.iter().find_map(|s| string_enum(spec, s)))
            }) else {
                continue;
            };
            match out.iter_mut().find(|(n, _)| *n == name) {
                Some((_, have)) => {
                    for v in values {
                        if !have.contains(&v) {
                            have.push(v);
                        }
                    }
                }
                None => out.push((name, values)),
            }
        }
    }
    out
}

/// A schema and, for a union, each of its forms.
fn forms(spec: &Value, schema: &Value) -> Vec<Value> {
    let mut forms = vec![schema.clone()];
    let resolved = resolve(spec, schema);
    for key in ["oneOf", "anyOf"] {
        if let Some(alts) = resolved.get(key).and_then(Value::as_array) {
            forms.extend(alts.iter().cloned());
        }
    }
    forms
}

/// The plan's request types under their plain names (newest stable version, or the
/// preview when there is no other), one per operation.
fn plain(plan: &Plan) -> impl Iterator<Item = &Endpoint> {
    plan.endpoints
        .iter()
        .filter(|e| e.type_name == crate::names::upper_first(&e.op.operation_id))
}

/// The waiter table, checked against the overlay.
///
/// # Errors
/// A stateful GET the overlay neither classifies nor excludes, a value in no set or two,
/// a set naming a value the spec does not have, an overlay row that no longer applies,
/// or an observable write whose GET path values cannot all be found.
pub fn plan(spec: &Value, plan: &Plan) -> Result<Vec<WaiterPlan>, String> {
    let stateful = stateful_gets(spec, plan);
    let mut lifecycles: Vec<(&Endpoint, &'static Lifecycle)> = Vec::new();
    for (get, members) in &stateful {
        let id = get.op.operation_id.as_str();
        if NOT_LIFECYCLES.iter().any(|(g, _)| *g == id) {
            continue;
        }
        let Some(row) = LIFECYCLES.iter().find(|l| l.get == id) else {
            return Err(format!(
                "{id} has a state member ({}); say what its values mean in \
                 codegen/src/overlay/lifecycles.rs, or why it is no lifecycle",
                members
                    .iter()
                    .map(|(n, v)| format!("{n}: {}", v.join(", ")))
                    .collect::<Vec<_>>()
                    .join("; ")
            ));
        };
        check_row(row, members)?;
        lifecycles.push((get, row));
    }
    for row in LIFECYCLES {
        if !lifecycles.iter().any(|(_, r)| r.get == row.get) {
            return Err(format!(
                "the overlay classifies {}, which is no stateful GET of the plan",
                row.get
            ));
        }
    }
    for (g, _) in NOT_LIFECYCLES {
        if !stateful.iter().any(|(e, _)| e.op.operation_id == *g) {
            return Err(format!(
                "the overlay says {g} is no lifecycle, but it is no stateful GET of the plan"
            ));
        }
    }

    let mut out = Vec::new();
    let mut writes_seen: BTreeSet<&str> = BTreeSet::new();
    for w in plain(plan) {
        if w.op.method == "GET" {
            continue;
        }
        let observers: Vec<&(&Endpoint, &Lifecycle)> = lifecycles
            .iter()
            .filter(|(g, _)| observes(&g.op.template, &w.op.template, &w.op.method))
            .chain(lifecycles.iter().filter(|(g, _)| {
                PAIRS
                    .iter()
                    .any(|(wr, get)| *wr == w.op.operation_id && *get == g.op.operation_id)
            }))
            .collect();
        let (get, row) = match observers.as_slice() {
            [] => continue,
            [one] => **one,
            many => {
                return Err(format!(
                    "{} is observable through {}; pair it with one in PAIRS",
                    w.op.operation_id,
                    many.iter()
                        .map(|(g, _)| g.op.operation_id.as_str())
                        .collect::<Vec<_>>()
                        .join(" and ")
                ));
            }
        };
        writes_seen.insert(w.op.operation_id.as_str());
        if NO_WAITER.iter().any(|(n, _)| *n == w.op.operation_id) {
            continue;
        }
        let ids = ids(spec, w, get)?;
        for version in plan
            .endpoints
            .iter()
            .filter(|e| e.op.operation_id == w.op.operation_id)
        {
            out.push(WaiterPlan {
                write_type: version.type_name.clone(),
                write_op: w.op.operation_id.clone(),
                write_tag: w.op.tag.clone(),
                write_preview: version.preview,
                observer_type: get.type_name.clone(),
                observer_tag: get.op.tag.clone(),
                observer_preview: get.preview,
                lifecycle: row,
                gone: w.op.method == "DELETE",
                ids: ids.clone(),
            });
        }
    }
    for (wr, get) in PAIRS {
        if !writes_seen.contains(wr) || !lifecycles.iter().any(|(g, _)| g.op.operation_id == *get) {
            return Err(format!(
                "the overlay pairs {wr} with {get}, which the plan does not have"
            ));
        }
    }
    for (wr, ph, _) in ANSWER_IDS {
        if !out.iter().any(|w: &WaiterPlan| {
            w.write_op == *wr && w.ids.iter().any(|(p, from)| p == ph && from.is_err())
        }) {
            return Err(format!(
                "the overlay finds {{{ph}}} of {wr}'s GET in its answer, but no waiter needs it"
            ));
        }
    }
    for (wr, _) in NO_WAITER {
        if !writes_seen.contains(wr) {
            return Err(format!(
                "the overlay says {wr} has no waiter, but it is no observable write"
            ));
        }
    }
    Ok(out)
}

/// Whether a write at `write` (method `method`) acts on the resource at `get`.
pub fn observes(get: &str, write: &str, method: &str) -> bool {
    if get == write {
        return true;
    }
    if let Some((base, _action)) = write.rsplit_once(':')
        && base == get
        && !base.contains(':')
    {
        return true;
    }
    method == "POST"
        && get
            .strip_prefix(write)
            .and_then(|rest| rest.strip_prefix("/{"))
            .is_some_and(|rest| rest.ends_with('}') && !rest.contains('/'))
}

/// Every value of the spec's enums in exactly one set, and no other value.
fn check_row(row: &Lifecycle, members: &[(String, Vec<String>)]) -> Result<(), String> {
    let spec_members: Vec<&str> = members.iter().map(|(n, _)| n.as_str()).collect();
    if row.members != spec_members.as_slice() {
        return Err(format!(
            "{}: the overlay reads {:?}, the spec has {spec_members:?}",
            row.get, row.members
        ));
    }
    let values: BTreeSet<&str> = members
        .iter()
        .flat_map(|(_, v)| v.iter().map(String::as_str))
        .collect();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for v in row
        .ready
        .iter()
        .chain(row.failed)
        .chain(row.pending)
        .chain(row.gone)
    {
        if !seen.insert(v) {
            return Err(format!("{}: {v} is in two sets", row.get));
        }
        if !values.contains(v) {
            return Err(format!("{}: the spec has no value {v}", row.get));
        }
    }
    if let Some(v) = values.iter().find(|v| !seen.contains(*v)) {
        return Err(format!("{}: {v} is in no set", row.get));
    }
    Ok(())
}

/// Where each of `get`'s path values comes from for `write`.
fn ids(spec: &Value, write: &Endpoint, get: &Endpoint) -> Result<Vec<(String, IdSource)>, String> {
    let write_path: Vec<&str> = write
        .op
        .params
        .iter()
        .filter(|p| p.location == "path")
        .map(|p| p.name.as_str())
        .collect();
    // The answer's members, form by form (a union's forms name an id differently: a
    // cloud provider's role is `roleId` on AWS and GCP, `_id` on Azure).
    let mut per_form: Vec<Vec<String>> = Vec::new();
    if let Some(schema) = &write.version.response {
        let all = forms(spec, schema);
        let alts = if all.len() > 1 { &all[1..] } else { &all[..] };
        for form in alts {
            let mut props = Vec::new();
            let mut required = BTreeSet::new();
            collect_props(spec, schema, &mut props, &mut required, 0);
            collect_props(spec, form, &mut props, &mut required, 0);
            per_form.push(props.into_iter().map(|(n, _)| n).collect());
        }
    }
    let has = |m: &str| per_form.iter().any(|f| f.iter().any(|n| n == m));
    let mut out = Vec::new();
    for p in get.op.params.iter().filter(|p| p.location == "path") {
        let name = p.name.as_str();
        if write_path.contains(&name) {
            out.push((name.to_string(), Ok(name.to_string())));
            continue;
        }
        let overlay = ANSWER_IDS
            .iter()
            .find(|(w, ph, _)| *w == write.op.operation_id && *ph == name)
            .map(|(_, _, m)| *m);
        let candidates: Vec<&str> = match overlay {
            Some(m) => vec![m],
            None => [
                Some(name),
                name.ends_with("Name").then_some("name"),
                name.ends_with("Id").then_some("id"),
                name.ends_with("Id").then_some("_id"),
            ]
            .into_iter()
            .flatten()
            .collect(),
        };
        // Each form's first candidate, in the order the forms come.
        let mut members: Vec<String> = Vec::new();
        for form in &per_form {
            if let Some(m) = candidates.iter().find(|c| form.iter().any(|n| n == *c))
                && !members.iter().any(|x| x == m)
            {
                members.push((*m).to_string());
            }
        }
        if members.is_empty() || overlay.is_some_and(|m| !has(m)) {
            return Err(format!(
                "{} is observed by {}, whose {{{name}}} is neither a path value of the write \
                 nor a member of its answer; name the member in ANSWER_IDS",
                write.op.operation_id, get.op.operation_id
            ));
        }
        out.push((name.to_string(), Err(members)));
    }
    Ok(out)
}
