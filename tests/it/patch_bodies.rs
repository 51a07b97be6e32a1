//! The exact JSON an update sends for leave / set / clear on every kind of body member:
//! a member left alone is never sent (a `null` would clear it in Atlas), with no
//! `skip_serializing_if` written in the declaration.

use atlas_runtime::{
    Patch, RequestOptions, atlas_endpoint,
    implement::{RequestContext, build_request},
};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
struct Window {
    day_of_week: u8,
    hour_of_day: u8,
}

#[atlas_endpoint(PATCH, "/groups/{groupId}/things/{name}", version = "2024-08-05")]
struct UpdateThing {
    group_id: String,
    name: String,
    /// Option<T>: None leaves it, Some sets it.
    limit: Option<i32>,
    /// Patch<T>.
    description: Patch<String>,
    /// Patch<Vec<T>>.
    tags: Patch<Vec<String>>,
    /// A nested struct, as a Patch and as an Option.
    window: Patch<Window>,
    backup_window: Option<Window>,
    /// A renamed member.
    #[serde(rename = "mongoDBMajorVersion")]
    mongo_db_major_version: Patch<String>,
    /// An Option declared to send null for None.
    #[atlas(send_null)]
    comment: Option<String>,
    /// A member whose own serde attribute decides: the macro adds nothing.
    #[serde(skip_serializing_if = "is_zero")]
    weight: Option<u32>,
}

fn is_zero(v: &Option<u32>) -> bool {
    *v == Some(0)
}

fn body(call: &UpdateThing) -> String {
    let request = build_request(call, &RequestContext::default(), &RequestOptions::new()).unwrap();
    String::from_utf8(request.body().clone()).unwrap()
}

fn base() -> UpdateThing {
    UpdateThing::new("32b6e34b3d91647abb20e7b8", "thing")
}

#[test]
fn leave_everything() {
    // Only the send_null member (null) and the self-skipping one (None is not 0).
    assert_eq!(body(&base()), r#"{"comment":null,"weight":null}"#);
}

#[test]
fn set_every_kind() {
    let call = base()
        .limit(3)
        .description("new text")
        .tags(vec!["a".to_string(), "b".to_string()])
        .window(Window {
            day_of_week: 1,
            hour_of_day: 2,
        })
        .backup_window(Window {
            day_of_week: 7,
            hour_of_day: 23,
        })
        .mongo_db_major_version("8.0")
        .comment("hi")
        .weight(0u32);
    assert_eq!(
        body(&call),
        concat!(
            r#"{"limit":3,"description":"new text","tags":["a","b"],"#,
            r#""window":{"dayOfWeek":1,"hourOfDay":2},"backupWindow":{"dayOfWeek":7,"hourOfDay":23},"#,
            r#""mongoDBMajorVersion":"8.0","comment":"hi"}"#
        )
    );
}

#[test]
fn clear_every_patch() {
    let call = base()
        .description(Patch::Clear)
        .tags(Patch::Clear)
        .window(Patch::Clear)
        .mongo_db_major_version(Patch::Clear)
        .weight(5u32);
    assert_eq!(
        body(&call),
        r#"{"description":null,"tags":null,"window":null,"mongoDBMajorVersion":null,"comment":null,"weight":5}"#
    );
}

#[test]
fn patch_string_setters_take_text() {
    let owned = String::from("owned");
    let call = base().description(owned.as_str());
    assert_eq!(call.description, Patch::Set("owned".to_string()));
    let call = base()
        .description(owned)
        .mongo_db_major_version(Patch::Set("7.0".into()));
    assert_eq!(call.description.as_set().map(String::as_str), Some("owned"));
    assert_eq!(call.mongo_db_major_version, Patch::Set("7.0".to_string()));
    // A Patch member is optional: it is not a constructor argument, and not required.
    let info = UpdateThing::INFO;
    assert!(!info.param("description").unwrap().required);
    assert!(!info.param("mongoDBMajorVersion").unwrap().required);
}

/// Members whose serde attributes the member-by-member writer does not read
/// (`serialize_with`) make the macro write the body through serde's derive instead; `skip`
/// and `skip_serializing` are honoured on both paths. Either way the body is what serde
/// would write for the same members.
#[atlas_endpoint(POST, "/groups/{groupId}/notes", version = "2024-08-05")]
struct CreateNote {
    group_id: String,
    text: String,
    #[serde(skip)]
    #[atlas(default)]
    draft: bool,
    #[serde(skip_serializing)]
    #[atlas(default)]
    local_only: Option<String>,
}

#[atlas_endpoint(POST, "/groups/{groupId}/shouts", version = "2024-08-05")]
struct CreateShout {
    group_id: String,
    #[serde(serialize_with = "upper")]
    text: String,
    #[serde(skip_serializing)]
    #[atlas(default)]
    local_only: Option<String>,
    volume: Option<u8>,
}

fn upper<S: serde::Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&text.to_uppercase())
}

fn body_of<E: atlas_runtime::Endpoint>(call: &E) -> String {
    let request = build_request(call, &RequestContext::default(), &RequestOptions::new()).unwrap();
    String::from_utf8(request.body().clone()).unwrap()
}

#[test]
fn skipped_members_are_never_sent() {
    let mut call = CreateNote::new("32b6e34b3d91647abb20e7b8", "hello");
    call.draft = true;
    call.local_only = Some("mine".into());
    assert_eq!(body_of(&call), r#"{"text":"hello"}"#);
}

#[test]
fn serialize_with_goes_through_serde() {
    let mut call = CreateShout::new("32b6e34b3d91647abb20e7b8", "hello");
    call.local_only = Some("mine".into());
    assert_eq!(body_of(&call), r#"{"text":"HELLO"}"#);
    let call = CreateShout::new("32b6e34b3d91647abb20e7b8", "hi").volume(11);
    assert_eq!(body_of(&call), r#"{"text":"HI","volume":11}"#);
}
