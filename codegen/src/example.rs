//! Each tag module's example: its most used operation, called as a user would, written
//! from our template (never the spec's prose). Most used is this table where it names one
//! (what tools and Terraform modules call most, see the notes on which resources are used
//! most), else the tag's first list walked page by page, else its first read.

use std::fmt::Write as _;

use crate::models::{Kind, Models, Ty};
use crate::names::tag_names;
use crate::plan::{Endpoint, ReqField};

/// The operation each of the most used tags shows.
const MOST_USED: &[(&str, &str)] = &[
    ("Clusters", "listGroupClusters"),
    ("Projects", "listGroups"),
    ("Database Users", "listGroupDatabaseUsers"),
    ("Project IP Access List", "listGroupAccessListEntries"),
    ("Organizations", "listOrgs"),
    ("Alerts", "listGroupAlerts"),
    ("Alert Configurations", "listGroupAlertConfigs"),
    ("Teams", "listOrgTeams"),
    ("Events", "listGroupEvents"),
    ("Streams", "listGroupStreamWorkspaces"),
    ("Cloud Backups", "listGroupClusterBackupSnapshots"),
    ("Atlas Search", "listGroupClusterSearchIndexes"),
    ("Network Peering", "listGroupPeers"),
    (
        "Private Endpoint Services",
        "listGroupPrivateEndpointEndpointService",
    ),
    ("Third-Party Integrations", "listGroupIntegrations"),
];

/// A value of `ty` for the example, if it is one a reader can write inline.
fn value(models: &Models, f: &ReqField) -> Option<String> {
    Some(match &f.ty {
        Ty::Id("ClientId") => "\"mdb_sa_id_32b6e34b3d91647abb20e7b8\"".into(),
        Ty::Id(_) => "\"32b6e34b3d91647abb20e7b8\"".into(),
        Ty::Str if f.api.contains("lusterName") || f.api == "name" => "\"Cluster0\"".into(),
        Ty::Str => format!(
            "\"my-{}\"",
            crate::names::snake_case(&f.api).replace('_', "-")
        ),
        Ty::I32 | Ty::I64 => "1".into(),
        Ty::Bool => "true".into(),
        Ty::Named(n) => match models.types.get(n).map(|d| &d.kind) {
            Some(Kind::Enum(values)) => format!("{n}::from({:?})", values[0]),
            _ => return None,
        },
        _ => return None,
    })
}

/// The `new(…)` arguments, if every required one can be written inline.
fn arguments(models: &Models, e: &Endpoint) -> Option<Vec<String>> {
    e.fields
        .iter()
        .filter(|f| f.required)
        .map(|f| value(models, f))
        .collect()
}

fn json(e: &Endpoint) -> bool {
    e.version.formats.is_empty() || e.version.formats.contains("json")
}

/// The example operation of a tag: see the module docs.
pub fn chosen<'e>(models: &Models, tag: &str, endpoints: &[&'e Endpoint]) -> Option<&'e Endpoint> {
    let usable = |e: &&&Endpoint| {
        json(e)
            && !e.op.deprecated
            && e.version.sunset.is_none()
            && arguments(models, e).is_some_and(|a| a.len() <= 3)
    };
    let named = MOST_USED
        .iter()
        .find(|(t, _)| *t == tag)
        .and_then(|(_, id)| {
            endpoints
                .iter()
                .filter(usable)
                .find(|e| e.op.operation_id == *id)
        });
    named
        .or_else(|| endpoints.iter().filter(usable).find(|e| e.paginated))
        .or_else(|| {
            endpoints
                .iter()
                .filter(usable)
                .find(|e| e.op.method == "GET")
        })
        .or_else(|| endpoints.iter().find(usable))
        .copied()
}

/// `//!` lines: a heading and a `no_run` example of the chosen operation.
pub fn module_example(models: &Models, tag: &str, endpoints: &[&Endpoint]) -> String {
    let Some(e) = chosen(models, tag, endpoints) else {
        return String::new();
    };
    let args = arguments(models, e).unwrap_or_default().join(", ");
    let (module, _) = tag_names(tag);
    let mut s = String::new();
    let _ = writeln!(
        s,
        "//!\n//! # Example\n//!\n//! [`{}`] (`{} {}`):\n//!\n//! ```no_run",
        e.type_name, e.op.method, e.op.template
    );
    let mut code = String::new();
    let _ = writeln!(code, "use atlas_endpoints::{module}::prelude::*;");
    code.push_str("use atlas_runtime::{Client, Credentials};\n\n");
    code.push_str(
        "let client = Client::builder()\n    .credentials(Credentials::bearer(\"…\"))\n    .build()?;\n",
    );
    if e.paginated {
        let _ = writeln!(
            code,
            "for item in {}::new({args}).items(&client) {{\n    println!(\"{{:?}}\", item?);\n}}",
            e.type_name
        );
    } else if e.response.is_some() {
        let _ = writeln!(
            code,
            "let answer = {}::new({args}).send(&client)?;\nprintln!(\"{{answer:?}}\");",
            e.type_name
        );
    } else {
        let _ = writeln!(code, "{}::new({args}).send(&client)?;", e.type_name);
    }
    code.push_str("# Ok::<(), Box<dyn std::error::Error>>(())\n");
    for line in code.lines() {
        if line.is_empty() {
            s.push_str("//!\n");
        } else {
            let _ = writeln!(s, "//! {line}");
        }
    }
    s.push_str("//! ```\n");
    s
}
