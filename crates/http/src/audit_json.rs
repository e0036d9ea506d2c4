//! The wire form of an audit record (CONTRACT §5): the `GET /audit` item and the stdout sink's
//! line. serde_json escapes every control character, so text a caller controls (a user agent, a
//! typed username) can never forge or split a line of the sink.

use genesis_domain::ChainedRecord;
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The record as the JSON object of CONTRACT §5.
pub fn audit_record_value(record: &ChainedRecord) -> Value {
    let party = |kind: Option<&String>, id: Option<&String>| match kind {
        Some(kind) => json!({"kind": kind, "id": id}),
        None => Value::Null,
    };
    let time =
        OffsetDateTime::from_unix_timestamp(record.time).ok().and_then(|t| t.format(&Rfc3339).ok());
    json!({
        "id": record.seq,
        "time": time,
        "type": record.kind,
        "outcome": record.outcome,
        "actor": party(Some(&record.actor_kind), record.actor_id.as_ref()),
        "target": party(record.target_kind.as_ref(), record.target_id.as_ref()),
        "client_id": record.client_id,
        "ip": record.ip,
        "user_agent": record.user_agent,
        "request_id": record.request_id,
        "detail": serde_json::from_str::<Value>(&record.detail).unwrap_or(Value::Null),
    })
}

/// The record as one JSON line (no trailing newline).
pub fn audit_record_line(record: &ChainedRecord) -> String {
    audit_record_value(record).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caller_text_cannot_forge_a_sink_line() {
        let record = ChainedRecord {
            seq: 1,
            time: 0,
            kind: "login.failed".into(),
            outcome: "failure".into(),
            actor_kind: "anonymous".into(),
            actor_id: None,
            target_kind: None,
            target_id: None,
            client_id: None,
            ip: None,
            user_agent: Some("evil\n{\"type\":\"login.succeeded\"}\r".into()),
            request_id: "r".into(),
            detail: r#"{"username":"a\nb"}"#.into(),
            prev_hash: String::new(),
            hash: String::new(),
        };
        let line = audit_record_line(&record);
        assert!(!line.contains('\n') && !line.contains('\r'), "{line}");
    }
}
