//! `tests/it/generated_maximal.rs`: a maximal instance of every model a request body
//! reaches (every member set) and of every request with a body, each with the members the
//! rule of [`crate::models::own_flag`] says a request sends. `tests/it/maximal_wire.rs`
//! serializes them as the client does and checks that each of those members is on the wire:
//! a member the rule sends but the emitted code drops fails there.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::emit::{HEADER, member_is_optional, union_arm_names};
use crate::models::{Kind, Models, Ty};
use crate::names::tag_names;
use crate::plan::{Plan, ReqField};

/// Deeper than this, optional members that lead to named types are left unset (the
/// spec's recursive schemas).
const MAX_DEPTH: u32 = 3;

/// Above this many required values, a request's `new` takes them by name
/// (`named_new`, a `<Type>Required` struct): six `i32`s in a row, or a username beside a
/// project id, are too easy to swap in a positional call.
pub const MAX_POSITIONAL: usize = 3;

struct Writer<'a, 'm> {
    models: &'a Models<'m>,
    plan: &'a Plan,
}

impl Writer<'_, '_> {
    /// `atlas_endpoints::<module>::<name>`.
    fn path(&self, name: &str) -> String {
        let module = self
            .plan
            .usage
            .get(name)
            .and_then(|u| u.module_tag())
            .map_or_else(|| "shared".to_string(), |t| tag_names(t).0);
        format!("atlas_endpoints::{module}::{name}")
    }

    /// An expression of type `t` with every member set, at depth `d` (a variable).
    fn value(&self, t: &Ty) -> String {
        match t {
            Ty::Str => "\"x\".to_string()".into(),
            Ty::Secret => "secrecy::SecretString::from(\"x\")".into(),
            Ty::Bool => "true".into(),
            Ty::I32 | Ty::I64 => "1".into(),
            Ty::F64 => "1.5".into(),
            Ty::Timestamp => "jiff::Timestamp::UNIX_EPOCH".into(),
            Ty::Json => "serde_json::json!({\"k\": 1})".into(),
            Ty::Id(n) => format!("atlas_runtime::{n}::new(\"x\")"),
            Ty::Overlay(o) => o
                .sample
                .replace("{}", &format!("atlas_endpoints::{}::{}", o.module, o.name)),
            Ty::Vec(t) => format!("vec![{}]", self.value(t)),
            Ty::Map(t) => format!(
                "std::collections::BTreeMap::from([(\"k\".to_string(), {})])",
                self.value(t)
            ),
            Ty::Named(n) => match self.models.types.get(n).map(|d| &d.kind) {
                Some(Kind::Enum(values)) => {
                    format!("{}::from({:?})", self.path(n), values[0])
                }
                _ => format!("maximal_{n}(d + 1)"),
            },
        }
    }

    /// Whether building a value of `t` calls a `maximal_…` function (and so may recurse).
    fn deep(&self, t: &Ty) -> bool {
        match t {
            Ty::Named(n) => !matches!(
                self.models.types.get(n).map(|d| &d.kind),
                Some(Kind::Enum(_))
            ),
            Ty::Vec(t) | Ty::Map(t) => self.deep(t),
            _ => false,
        }
    }

    fn optional(&self, t: &Ty, boxed: bool) -> String {
        let mut v = self.value(t);
        if boxed {
            v = format!("Box::new({v})");
        }
        if self.deep(t) {
            format!("(d < {MAX_DEPTH}).then(|| {v})")
        } else {
            format!("Some({v})")
        }
    }

    /// The value a request's `new` argument or setter takes for `f`.
    fn request_value(&self, f: &ReqField) -> String {
        let value = match &f.ty {
            Ty::Secret if f.patch => self.value(&Ty::Str),
            Ty::Secret => "atlas_endpoints::shared::SentSecret::from(\"x\")".into(),
            other => self.value(other),
        };
        if f.patch {
            format!("atlas_runtime::Patch::Set({value})")
        } else {
            value
        }
    }

    /// `Type::new(…)` with every required member, then every setter.
    fn request(&self, path: &str, fields: &[ReqField]) -> String {
        let required: Vec<&ReqField> = fields.iter().filter(|f| f.required).collect();
        let mut s = if required.len() > MAX_POSITIONAL {
            // `new(<Type>Required { … })`, as the macro declares it.
            let members: Vec<String> = required
                .iter()
                .map(|f| format!("{}: {}", f.rust, self.request_value(f)))
                .collect();
            format!("{path}::new({path}Required {{ {} }})", members.join(", "))
        } else {
            let args: Vec<String> = required.iter().map(|f| self.request_value(f)).collect();
            format!("{path}::new({})", args.join(", "))
        };
        for f in fields.iter().filter(|f| !f.required) {
            let _ = write!(s, ".{}({})", f.rust, self.request_value(f));
        }
        s
    }
}

/// The text of `tests/it/generated_maximal.rs`.
pub fn test_data(models: &Models, plan: &Plan) -> String {
    let w = Writer { models, plan };
    let mut s = String::from(HEADER);
    s.push_str(
        "//! A maximal instance of every model a request body reaches and of every request with\n\
         //! a body, with the members a request sends (`tests/it/maximal_wire.rs` checks them).\n\n\
         #![allow(deprecated, dead_code, non_snake_case, clippy::all)]\n\n\
         use crate::maximal_wire::{Sent, model, request};\n\n",
    );
    let sent: BTreeMap<&String, _> = plan.usage.iter().filter(|(_, u)| u.sent).collect();
    let shapes = crate::variants::shared_shapes(models, plan);
    let mut functions = String::new();
    let mut model_rows = String::new();
    for (name, usage) in &sent {
        let Some(def) = models.types.get(*name) else {
            continue;
        };
        let path = w.path(name);
        match &def.kind {
            Kind::Struct(fields) => {
                let _ = writeln!(
                    functions,
                    "fn maximal_{name}(d: u32) -> {path} {{\nlet _ = d;\n{path} {{"
                );
                // A variant of a shared shape: its discriminator is a member that holds
                // nothing but its type.
                if let Some(shape) = shapes.get(*name) {
                    let _ = writeln!(functions, "{}: Default::default(),", shape.member);
                }
                for f in fields {
                    let v = if member_is_optional(f, usage) {
                        w.optional(&f.ty, f.boxed)
                    } else if f.boxed {
                        format!("Box::new({})", w.value(&f.ty))
                    } else {
                        w.value(&f.ty)
                    };
                    let _ = writeln!(functions, "{}: {v},", f.rust);
                }
                functions.push_str("}\n}\n\n");
                let mut members: Vec<String> = fields
                    .iter()
                    .filter(|f| !f.read_only)
                    .map(|f| format!("{:?}", f.api))
                    .collect();
                // A variant's implied discriminator is on the wire too.
                if let Some((property, _)) = &def.tag {
                    members.push(format!("{property:?}"));
                }
                let _ = writeln!(
                    model_rows,
                    "model({name:?}, &maximal_{name}(0), &[{}]),",
                    members.join(", ")
                );
            }
            Kind::Union { variants, .. } => {
                let arms = union_arm_names(variants);
                let (Some(v), Some(arm)) = (variants.first(), arms.first()) else {
                    continue;
                };
                let inner = match &v.ty {
                    Ty::Named(_) => format!("Box::new({})", w.value(&v.ty)),
                    other => w.value(other),
                };
                let _ = writeln!(
                    functions,
                    "fn maximal_{name}(d: u32) -> {path} {{\n{path}::{arm}({inner})\n}}\n"
                );
            }
            Kind::Enum(_) => {}
        }
    }
    let mut request_rows = String::new();
    for e in &plan.endpoints {
        let members: Vec<&ReqField> = e.fields.iter().filter(|f| f.role == "member").collect();
        let whole = e.fields.iter().find(|f| f.role == "body");
        if members.is_empty() && whole.is_none() {
            continue;
        }
        let path = format!(
            "atlas_endpoints::{}::{}",
            tag_names(&e.op.tag).0,
            e.type_name
        );
        let whole_model = whole.and_then(|f| match &f.ty {
            Ty::Named(n) => Some(n),
            Ty::Vec(t) => match &**t {
                Ty::Named(n) => Some(n),
                _ => None,
            },
            _ => None,
        });
        let expected: Vec<String> = match (whole, whole_model) {
            // A whole body that is a model (or an array of one): its own members.
            (_, Some(n)) => match models.types.get(n) {
                Some(
                    def @ crate::models::TypeDef {
                        kind: Kind::Struct(fields),
                        ..
                    },
                ) => fields
                    .iter()
                    .filter(|f| !f.read_only)
                    .map(|f| format!("{:?}", f.api))
                    .chain(def.tag.iter().map(|(p, _)| format!("{p:?}")))
                    .collect(),
                _ => Vec::new(),
            },
            (Some(_), None) => Vec::new(),
            (None, None) => members
                .iter()
                .map(|f| format!("{:?}", f.api))
                .chain(
                    e.fields
                        .iter()
                        .filter(|f| f.in_body)
                        .map(|f| format!("{:?}", f.api)),
                )
                .collect(),
        };
        let _ = writeln!(
            request_rows,
            "{{\nlet d = 0;\nlet _ = d;\nrequest({:?}, &{}, &[{}])\n}},",
            e.type_name,
            w.request(&path, &e.fields),
            expected.join(", ")
        );
    }
    s.push_str(
        "/// Every model a request body reaches, set in full, with the members it must send.\n\
         pub fn models() -> Vec<Sent> {\nvec![\n",
    );
    s.push_str(&model_rows);
    s.push_str("]\n}\n\n");
    s.push_str(
        "/// Every request with a body, set in full, with the members its body must carry.\n\
         pub fn requests() -> Vec<Sent> {\nvec![\n",
    );
    s.push_str(&request_rows);
    s.push_str("]\n}\n\n");
    s.push_str(&functions);
    s
}
