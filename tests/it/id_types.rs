//! Ids that carry their rule, named patterns and derived query values, used as a user
//! declares them: the rule is checked in `validate()` and shows in `ParamInfo` wherever
//! the id travels (path, query, header), with no `pattern(…)` written.

use atlas_runtime::{
    ClientId, Endpoint, GroupId, OrgId, Pattern, QueryValue, RequestOptions, atlas_endpoint,
    implement::{RequestContext, Rule, build_request},
    pattern,
};

const CLUSTER_NAME: Pattern = pattern!("^[a-zA-Z0-9][a-zA-Z0-9-]{0,63}$");

#[derive(Debug, Clone, Copy, QueryValue)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
enum Granularity {
    OneMinute,
    #[serde(rename = "PT1H")]
    Hour,
}

#[atlas_endpoint(GET, "/orgs/{orgId}/clusters/{clusterName}", version = "2024-08-05",
    pattern(clusterName = CLUSTER_NAME))]
struct GetThing {
    org_id: OrgId,
    cluster_name: String,
    #[atlas(query)]
    group_id: Option<GroupId>,
    #[atlas(query)]
    also: Vec<ClientId>,
    #[atlas(header = "X-Client")]
    client: Option<ClientId>,
    #[atlas(query)]
    granularity: Option<Granularity>,
}

const ORG: &str = "32b6e34b3d91647abb20e7b8";
const CLIENT: &str = "mdb_sa_id_1234567890abcdef12345678";

#[test]
fn rules_show_in_param_info() {
    let sources = |name: &str| -> Vec<&str> {
        GetThing::INFO
            .param(name)
            .unwrap()
            .patterns()
            .map(|p| p.source())
            .collect()
    };
    assert_eq!(sources("orgId"), [OrgId::PATTERN.source()]);
    assert_eq!(sources("clusterName"), [CLUSTER_NAME.source()]);
    assert_eq!(sources("groupId"), [GroupId::PATTERN.source()]);
    assert_eq!(sources("also"), [ClientId::PATTERN.source()]);
    assert_eq!(sources("X-Client"), [ClientId::PATTERN.source()]);
    assert!(sources("granularity").is_empty());
}

#[test]
fn every_id_is_checked_where_it_travels() {
    let good = GetThing::new(ORG, "Cluster0")
        .group_id(GroupId::from(ORG))
        .also(vec![ClientId::from(CLIENT)])
        .client(ClientId::from(CLIENT))
        .granularity(Granularity::Hour);
    assert!(good.validate().is_ok());
    let request = build_request(&good, &RequestContext::default(), &RequestOptions::new()).unwrap();
    assert_eq!(
        request.uri().path_and_query().unwrap().as_str(),
        format!(
            "/api/atlas/v2/orgs/{ORG}/clusters/Cluster0?groupId={ORG}&also={CLIENT}&granularity=PT1H"
        )
    );
    assert_eq!(request.headers()["X-Client"], CLIENT);

    let bad = GetThing::new("ORG", "-bad")
        .group_id(GroupId::from("not-hex"))
        .also(vec![ClientId::from(CLIENT), ClientId::from("mdb_sa_id_x")])
        .client(ClientId::from("x"))
        .granularity(Granularity::OneMinute);
    let e = bad.validate().unwrap_err();
    let params: Vec<&str> = e.violations.iter().map(|v| v.param).collect();
    assert_eq!(
        params,
        ["orgId", "clusterName", "groupId", "also", "X-Client"]
    );
    assert!(
        e.violations
            .iter()
            .all(|v| matches!(v.rule, Rule::Pattern(_)))
    );
    assert_eq!(e.violations[3].value.as_deref(), Some("mdb_sa_id_x"));
}

#[test]
fn ids_parse_checked_and_convert_unchecked() {
    assert!(ORG.parse::<OrgId>().is_ok());
    assert!("32B6".parse::<OrgId>().is_err());
    let id = OrgId::from("anything");
    assert!(!id.is_valid());
    assert_eq!(id.as_str(), "anything");
}
