//! The generated models (atlas-endpoints' `generated` modules) as serde sees them:
//! discriminated unions that keep their tag inside the variant, enums that keep values
//! they do not know, credentials that never show in `Debug`.

use atlas_endpoints::shared::SentSecret;
use atlas_endpoints::streams::{
    StreamsAWSKinesisDataStreamsConnectionState as State, StreamsConnection,
};
use serde_json::json;

#[test]
fn a_discriminated_union_reads_the_tag_inside_its_variant_and_writes_it_once() {
    let wire = json!({
        "type": "Kafka",
        "name": "events",
        "bootstrapServers": "broker-1:9092",
        "config": { "auto.offset.reset": "earliest" }
    });
    let connection: StreamsConnection = serde_json::from_value(wire.clone()).unwrap();
    let StreamsConnection::StreamsKafkaConnection(kafka) = &connection else {
        panic!("not the Kafka variant: {connection:?}");
    };
    assert_eq!(kafka.name.as_deref(), Some("events"));
    assert_eq!(kafka.bootstrap_servers.as_deref(), Some("broker-1:9092"));
    assert_eq!(
        kafka.config.as_ref().unwrap()["auto.offset.reset"],
        "earliest"
    );
    // Written back: the same members, the tag once.
    let text = serde_json::to_string(&connection).unwrap();
    assert_eq!(text.matches("\"type\"").count(), 1, "{text}");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&text).unwrap(),
        wire
    );
}

#[test]
fn an_unknown_tag_is_kept_whole() {
    let wire = json!({ "type": "Carrier pigeon", "name": "coo", "wings": 2 });
    let connection: StreamsConnection = serde_json::from_value(wire.clone()).unwrap();
    assert!(matches!(&connection, StreamsConnection::Unknown(v) if *v == wire));
    assert_eq!(serde_json::to_value(&connection).unwrap(), wire);
}

#[test]
fn a_bad_variant_body_is_an_error_not_a_fallback() {
    // A known tag whose members have the wrong types is refused, naming the problem.
    let wire = json!({ "type": "Kafka", "name": 7 });
    let err = serde_json::from_value::<StreamsConnection>(wire).unwrap_err();
    assert!(err.to_string().contains("invalid type"), "{err}");
}

#[test]
fn enums_keep_values_added_after_this_crate() {
    let known: State = serde_json::from_value(json!("READY")).unwrap();
    assert_eq!(known, State::Ready);
    let new: State = serde_json::from_value(json!("HIBERNATING")).unwrap();
    assert_eq!(new, State::Unknown("HIBERNATING".into()));
    assert_eq!(serde_json::to_value(&new).unwrap(), json!("HIBERNATING"));
    assert_eq!(new.as_str(), "HIBERNATING");
}

#[test]
fn a_sent_credential_is_redacted_in_debug_and_sent_as_text() {
    let secret = SentSecret::from("hunter2-hunter2");
    assert_eq!(format!("{secret:?}"), atlas_runtime::implement::REDACTED);
    assert_eq!(
        serde_json::to_string(&secret).unwrap(),
        "\"hunter2-hunter2\""
    );
}
