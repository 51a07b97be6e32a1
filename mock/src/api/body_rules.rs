//! What Atlas refuses in the bodies of the stateful families beyond what the generated
//! tables check (the spec's required members and member types, at the top level only):
//! the nested members a cluster cannot be built without, and ids that contradict the path.
//!
//! | body | answer |
//! | --- | --- |
//! | a cluster created at `2023-02-01` or later without `replicationSpecs` (or with none) | 400 `MISSING_ATTRIBUTE` `replicationSpecs` |
//! | a replication spec without `regionConfigs` (or with none) | 400 `MISSING_ATTRIBUTE` `regionConfigs` |
//! | a region config without `providerName`, or without `regionName` | 400 `MISSING_ATTRIBUTE` naming it |
//! | a `providerName` that is not `AWS`, `AZURE`, `GCP` or `TENANT` | 400 `INVALID_ENUM_VALUE` |
//! | `replicationSpecs`, `regionConfigs` or a region config that is not an array or object | 400 `INVALID_ATTRIBUTE` |
//! | a `groupId` (in the object, or in an item of an array body) other than the path's | 400 `INVALID_ATTRIBUTE` `groupId` |
//!
//! Atlas names a missing nested member by its own name (`The required attribute
//! regionName was not specified.`, as its answers quoted in the Terraform provider's
//! issues show). The spec marks none of these members required: `providerName` is the
//! discriminator of the region config's `oneOf`, which Atlas cannot resolve without it.
//! Which code Atlas gives a contradicting `groupId` is not documented; the emulator
//! answers `INVALID_ATTRIBUTE`, Atlas's code for an attribute whose value it refuses.
//!
//! Members Atlas accepts in a region config are left alone, whatever the spec says of
//! them: `analyticsSpecs` and `readOnlySpecs` (whose schema the spec marks read-only),
//! `autoScaling.compute.minInstanceSize` and `maxInstanceSize`, and the rest.

use serde_json::{Map, Value};

use crate::errors::ApiError;

/// The values of a region config's `providerName` (the spec's discriminator mapping of
/// `CloudRegionConfig20240805`; a conformance test holds this list to the spec).
pub(crate) const PROVIDER_NAMES: [&str; 4] = ["AWS", "AZURE", "GCP", "TENANT"];

/// The first version whose cluster bodies describe nodes in `replicationSpecs`
/// (`AdvancedClusterDescription`); `2023-01-01` is the legacy shape.
const ADVANCED_SINCE: &str = "2023-02-01";

/// A `groupId` in `body`, or in any item of an array body, must be the path's.
pub(crate) fn project_id_agrees(body: &Value, group_id: &str) -> Result<(), ApiError> {
    let items: Vec<&Value> = match body {
        Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    for item in items {
        match item.get("groupId") {
            None | Some(Value::Null) => {}
            Some(Value::String(g)) if g == group_id => {}
            Some(_) => return Err(ApiError::invalid_attribute("groupId")),
        }
    }
    Ok(())
}

/// The nested shape of a cluster body at `version`: on creation `replicationSpecs` is
/// required; whenever it is sent, every replication spec needs region configs and every
/// region config a known provider and a region.
pub(crate) fn cluster(
    body: &Map<String, Value>,
    version: &str,
    creating: bool,
) -> Result<(), ApiError> {
    if version != "preview" && version < ADVANCED_SINCE {
        return Ok(());
    }
    let specs = match body.get("replicationSpecs") {
        None | Some(Value::Null) if creating => {
            return Err(ApiError::missing_attribute("replicationSpecs"));
        }
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Array(specs)) if specs.is_empty() => {
            return Err(ApiError::missing_attribute("replicationSpecs"));
        }
        Some(Value::Array(specs)) => specs,
        Some(_) => return Err(ApiError::invalid_attribute("replicationSpecs")),
    };
    for spec in specs {
        let spec = spec
            .as_object()
            .ok_or_else(|| ApiError::invalid_attribute("replicationSpecs"))?;
        let configs = match spec.get("regionConfigs") {
            Some(Value::Array(configs)) if !configs.is_empty() => configs,
            None | Some(Value::Null) | Some(Value::Array(_)) => {
                return Err(ApiError::missing_attribute("regionConfigs"));
            }
            Some(_) => return Err(ApiError::invalid_attribute("regionConfigs")),
        };
        for config in configs {
            region_config(config)?;
        }
    }
    Ok(())
}

fn region_config(config: &Value) -> Result<(), ApiError> {
    let config = config
        .as_object()
        .ok_or_else(|| ApiError::invalid_attribute("regionConfigs"))?;
    match config.get("providerName") {
        None | Some(Value::Null) => return Err(ApiError::missing_attribute("providerName")),
        Some(Value::String(p)) if PROVIDER_NAMES.contains(&p.as_str()) => {}
        Some(other) => {
            let shown = other
                .as_str()
                .map_or_else(|| other.to_string(), str::to_owned);
            return Err(ApiError::new(
                400,
                "INVALID_ENUM_VALUE",
                format!("An invalid enumeration value {shown} was specified."),
            )
            .param(shown)
            .field("providerName", "is not one of AWS, AZURE, GCP, TENANT"));
        }
    }
    match config.get("regionName") {
        None | Some(Value::Null) => Err(ApiError::missing_attribute("regionName")),
        Some(Value::String(_)) => Ok(()),
        Some(_) => Err(ApiError::invalid_attribute("regionName")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    fn code(r: Result<(), ApiError>) -> Option<(&'static str, Value)> {
        r.err().map(|e| (e.code, Value::Array(e.parameters)))
    }

    #[test]
    fn a_cluster_needs_replication_specs_region_configs_and_providers() {
        let ok = json!({"name": "c", "replicationSpecs": [{"regionConfigs": [{
            "providerName": "AWS", "regionName": "US_EAST_1", "priority": 7,
            "electableSpecs": {"instanceSize": "M10", "nodeCount": 3},
            "readOnlySpecs": {"instanceSize": "M10", "nodeCount": 1},
            "analyticsSpecs": {"instanceSize": "M10", "nodeCount": 1},
            "autoScaling": {"compute": {"enabled": true, "minInstanceSize": "M10", "maxInstanceSize": "M30"}}
        }]}]});
        assert!(cluster(&obj(ok.clone()), "2024-10-23", true).is_ok());
        assert_eq!(
            code(cluster(&obj(json!({"name": "c"})), "2024-10-23", true)),
            Some(("MISSING_ATTRIBUTE", json!(["replicationSpecs"])))
        );
        assert_eq!(
            code(cluster(
                &obj(json!({"replicationSpecs": []})),
                "2023-02-01",
                true
            )),
            Some(("MISSING_ATTRIBUTE", json!(["replicationSpecs"])))
        );
        // The legacy version describes nodes elsewhere; an update may leave specs out.
        assert!(cluster(&obj(json!({"name": "c"})), "2023-01-01", true).is_ok());
        assert!(cluster(&obj(json!({"paused": true})), "2024-10-23", false).is_ok());

        let mut no_configs = ok.clone();
        no_configs["replicationSpecs"][0] = json!({"zoneName": "z"});
        assert_eq!(
            code(cluster(&obj(no_configs), "2024-10-23", false)),
            Some(("MISSING_ATTRIBUTE", json!(["regionConfigs"])))
        );
        for (member, expected) in [
            ("providerName", "MISSING_ATTRIBUTE"),
            ("regionName", "MISSING_ATTRIBUTE"),
        ] {
            let mut body = ok.clone();
            body["replicationSpecs"][0]["regionConfigs"][0]
                .as_object_mut()
                .unwrap()
                .remove(member);
            assert_eq!(
                code(cluster(&obj(body), "2024-08-05", true)),
                Some((expected, json!([member])))
            );
        }
        let mut bad = ok.clone();
        bad["replicationSpecs"][0]["regionConfigs"][0]["providerName"] = json!("AWZ");
        assert_eq!(
            code(cluster(&obj(bad), "2024-10-23", true)),
            Some(("INVALID_ENUM_VALUE", json!(["AWZ"])))
        );
        let mut not_list = ok;
        not_list["replicationSpecs"][0]["regionConfigs"] = json!({"providerName": "AWS"});
        assert_eq!(
            code(cluster(&obj(not_list), "2024-10-23", true)),
            Some(("INVALID_ATTRIBUTE", json!(["regionConfigs"])))
        );
    }

    #[test]
    fn a_group_id_must_agree_with_the_path() {
        let g = "32b6e34b3d91647abb20e7b8";
        assert!(project_id_agrees(&json!({"groupId": g}), g).is_ok());
        assert!(project_id_agrees(&json!({"username": "u"}), g).is_ok());
        assert_eq!(
            code(project_id_agrees(
                &json!({"groupId": "aaaaaaaaaaaaaaaaaaaaaaaa"}),
                g
            )),
            Some(("INVALID_ATTRIBUTE", json!(["groupId"])))
        );
        assert!(project_id_agrees(&json!([{"groupId": g}, {"ipAddress": "192.0.2.1"}]), g).is_ok());
        assert!(
            project_id_agrees(&json!([{"ipAddress": "192.0.2.1"}, {"groupId": 7}]), g).is_err()
        );
    }
}
