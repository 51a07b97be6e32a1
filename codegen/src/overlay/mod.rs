//! What the spec cannot say and the generator writes anyway: a small table of our own,
//! read by [`plan`](crate::plan) (names, types, rules) and [`emit`](crate::emit) (docs and
//! re-exports). Everything else comes from the spec.
//!
//! An overlay refines a declaration; it never replaces one. The files it names are
//! hand-written and compiled with the crate:
//! - `endpoints/src/overlay/<module>.rs`: types and functions the tag's declarations use
//!   (re-exported from the tag's module);
//! - `endpoints/docs/tags/<module>.md`: more module docs (our own text and examples);
//! - `endpoints/docs/examples/<operationId>.md`: an operation's doc example.

use crate::models::Ty;

pub mod lifecycles;

/// Generated type names replaced by a better one: the name the generator would give
/// (after its own case rules) → the name written. The spec names the organization roles'
/// enum after the first schema that uses it, a federation setting.
pub const TYPE_NAMES: &[(&str, &str)] = &[("ConnectedOrgConfigPostAuthRoleGrantsItem", "OrgRole")];

/// A hand-written type of an overlay module, used where the spec's type is too loose.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct OverlayType {
    /// The overlay module (`endpoints/src/overlay/<module>.rs`), which is also the tag's.
    pub module: &'static str,
    /// The type's name there.
    pub name: &'static str,
    /// A value of it for the generated wire tests, `{}` standing for the type's path.
    pub sample: &'static str,
}

/// One request field the overlay refines, by operation and the name Atlas uses.
pub struct FieldOverlay {
    pub operation_id: &'static str,
    pub api: &'static str,
    /// Replaces the items of the field's array type.
    pub items: Option<&'static OverlayType>,
    /// More `#[atlas(…)]` arguments, written after the spec's rules.
    pub rules: &'static [&'static str],
    /// What they add, for the field's doc.
    pub fact: &'static str,
}

/// One entry of a Service Account's access list: a range or an address, each checked
/// against the spec's pattern of its form (the spec's item type has both members
/// optional and its patterns apply only when a member is present).
const ACCESS_LIST_ENTRY: OverlayType = OverlayType {
    module: "service_accounts",
    name: "AccessListEntry",
    sample: "{}::ip(\"192.0.2.1\")",
};

/// The two patterns the access-list creates hold each entry to, one per form.
const ACCESS_LIST_RULES: &[&str] = &[
    "pattern = crate::overlay::service_accounts::TAGGED_CIDR_BLOCK_PATTERN",
    "pattern = crate::overlay::service_accounts::TAGGED_IP_ADDRESS_PATTERN",
];

const ACCESS_LIST_FACT: &str =
    "each entry matches the spec's pattern of its form (`cidrBlock` or `ipAddress`)";

/// The spec's `uniqueItems`, which the generator does not enforce in general, where a
/// repeated value is a mistake Atlas refuses.
const EACH_ONCE: &[&str] = &["validate_with = \"crate::overlay::each_once\""];

pub const FIELDS: &[FieldOverlay] = &[
    FieldOverlay {
        operation_id: "createOrgServiceAccountAccessList",
        api: "body",
        items: Some(&ACCESS_LIST_ENTRY),
        rules: ACCESS_LIST_RULES,
        fact: ACCESS_LIST_FACT,
    },
    FieldOverlay {
        operation_id: "createGroupServiceAccountAccessList",
        api: "body",
        items: Some(&ACCESS_LIST_ENTRY),
        rules: ACCESS_LIST_RULES,
        fact: ACCESS_LIST_FACT,
    },
    FieldOverlay {
        operation_id: "inviteGroupServiceAccount",
        api: "roles",
        items: None,
        rules: EACH_ONCE,
        fact: "each value at most once",
    },
];

/// A tag with hand-written additions.
pub struct TagOverlay {
    /// The tag's module; `endpoints/src/overlay/<module>.rs` and
    /// `endpoints/docs/tags/<module>.md` exist.
    pub module: &'static str,
    /// The operations with a hand-written example, `endpoints/docs/examples/<id>.md`.
    pub examples: &'static [&'static str],
}

pub const TAGS: &[TagOverlay] = &[TagOverlay {
    module: "service_accounts",
    examples: &[
        "listOrgServiceAccounts",
        "createOrgServiceAccount",
        "getOrgServiceAccount",
        "updateOrgServiceAccount",
        "deleteOrgServiceAccount",
        "getOrgServiceAccountGroups",
        "createOrgServiceAccountSecret",
        "deleteOrgServiceAccountSecret",
        "listOrgServiceAccountAccessList",
        "createOrgServiceAccountAccessList",
        "deleteOrgServiceAccountAccessListEntry",
        "createGroupServiceAccount",
        "inviteGroupServiceAccount",
        "createGroupServiceAccountSecret",
        "createGroupServiceAccountAccessList",
    ],
}];

/// The name to write for a type the generator would call `name`.
pub fn type_name(name: &str) -> Option<&'static str> {
    TYPE_NAMES
        .iter()
        .find(|(from, _)| *from == name)
        .map(|(_, to)| *to)
}

/// The overlay of one request field, if any.
pub fn field(operation_id: &str, api: &str) -> Option<&'static FieldOverlay> {
    FIELDS
        .iter()
        .find(|f| f.operation_id == operation_id && f.api == api)
}

/// The overlay of the tag whose module is `module`, if any.
pub fn tag(module: &str) -> Option<&'static TagOverlay> {
    TAGS.iter().find(|t| t.module == module)
}

/// Whether `operation_id` has a hand-written example.
pub fn has_example(operation_id: &str) -> bool {
    TAGS.iter().any(|t| t.examples.contains(&operation_id))
}

/// `ty` with its array items replaced by the overlay's type.
pub fn refine_items(ty: &Ty, items: &'static OverlayType) -> Ty {
    match ty {
        Ty::Vec(_) => Ty::Vec(Box::new(Ty::Overlay(items))),
        other => other.clone(),
    }
}

/// Every file the overlay names, relative to the workspace, for the generator to check.
pub fn files() -> Vec<String> {
    let mut files = Vec::new();
    for t in TAGS {
        files.push(format!("endpoints/src/overlay/{}.rs", t.module));
        files.push(format!("endpoints/docs/tags/{}.md", t.module));
        for op in t.examples {
            files.push(format!("endpoints/docs/examples/{op}.md"));
        }
    }
    files
}

/// Fails when an entry of the overlay no longer meets what it refines (the spec renamed an
/// operation or a member): an overlay that silently stops applying would loosen a rule.
pub fn check(plan: &crate::plan::Plan) -> Result<(), String> {
    let has = |op: &str| plan.endpoints.iter().any(|e| e.op.operation_id == op);
    for f in FIELDS {
        let applied = plan.endpoints.iter().any(|e| {
            e.op.operation_id == f.operation_id && e.fields.iter().any(|x| x.api == f.api)
        });
        if !applied {
            return Err(format!(
                "the overlay refines `{}` of {}, which the plan does not have",
                f.api, f.operation_id
            ));
        }
    }
    for t in TAGS {
        for op in t.examples {
            if !has(op) {
                return Err(format!(
                    "the overlay has an example for {op}, which the plan does not have"
                ));
            }
        }
    }
    Ok(())
}
