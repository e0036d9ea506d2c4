//! The audit trail: appended inside the transaction of the change it describes.

use async_trait::async_trait;
use genesis_domain::AuditEvent;
use genesis_ports::{AuditError, AuditLog, StoreError};
use sea_orm::{ActiveModelTrait, ConnectionTrait, NotSet, Set};

use crate::convert::seconds;
use crate::entity::audit_event;
use crate::error::store_error;
use crate::Store;

/// Longest user agent kept, in characters.
const MAX_USER_AGENT_CHARS: usize = 256;

/// Appends `event` on `conn` (a transaction when it accompanies a change).
pub(crate) async fn append<C: ConnectionTrait>(
    conn: &C,
    event: &AuditEvent,
) -> Result<(), StoreError> {
    let detail: serde_json::Map<String, serde_json::Value> = event
        .detail
        .iter()
        .map(|(k, v)| ((*k).to_owned(), serde_json::Value::String(v.clone())))
        .collect();
    let row = audit_event::ActiveModel {
        id: NotSet,
        occurred_at: Set(seconds(event.time)),
        event_type: Set(event.kind.as_str().to_owned()),
        outcome: Set(event.outcome.as_str().to_owned()),
        actor_kind: Set(event.actor.kind().to_owned()),
        actor_id: Set(event.actor.id().map(str::to_owned)),
        target_kind: Set(event.target.as_ref().map(|t| t.kind().to_owned())),
        target_id: Set(event.target.as_ref().and_then(|t| t.id()).map(str::to_owned)),
        client_id: Set(event.client_id.clone()),
        ip: Set(event.context.ip.clone()),
        user_agent: Set(event
            .context
            .user_agent
            .as_ref()
            .map(|ua| ua.chars().take(MAX_USER_AGENT_CHARS).collect())),
        request_id: Set(event.context.request_id.chars().take(64).collect()),
        detail: Set(serde_json::Value::Object(detail).to_string()),
    };
    row.insert(conn).await.map_err(store_error("appending an audit event"))?;
    Ok(())
}

#[async_trait]
impl AuditLog for Store {
    async fn record(&self, event: AuditEvent) -> Result<(), AuditError> {
        append(&self.db, &event).await.map_err(|err| match err {
            StoreError::Unavailable(e) => AuditError::Unavailable(e),
            StoreError::Unexpected(e) => AuditError::Unexpected(e),
        })
    }
}
