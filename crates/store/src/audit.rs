//! The audit trail: hash-chained, appended inside the transaction of the change it describes,
//! serialised through the chain head's row lock, and handed to the sink (if any) after commit.

use async_trait::async_trait;
use genesis_domain::{AuditEvent, ChainBreak, ChainVerifier, ChainedRecord};
use genesis_ports::{AuditError, AuditLog, AuditQuery, StoreError};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, DatabaseTransaction, EntityTrait, NotSet, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::Value;

use crate::convert::seconds;
use crate::entity::{audit_event, audit_head};
use crate::error::store_error;
use crate::Store;

/// Longest user agent kept, in characters.
const MAX_USER_AGENT_CHARS: usize = 256;
/// Records read per round trip when verifying.
const VERIFY_PAGE: u64 = 1000;

/// A committed record, ready for the stdout sink.
pub(crate) struct Appended(ChainedRecord);

fn unavailable(doing: &'static str) -> impl Fn(sea_orm::DbErr) -> StoreError {
    // An audit record that cannot be written means the action cannot be acknowledged: the
    // caller answers 503 and nothing is committed.
    move |err| StoreError::Unavailable(anyhow::anyhow!(err).context(doing))
}

/// Appends `event` inside `txn`: takes the chain head (its row lock serialises appends), chains
/// the record from it, stores both. The returned record goes to the sink after commit.
pub(crate) async fn append(
    txn: &DatabaseTransaction,
    event: &AuditEvent,
) -> Result<Appended, StoreError> {
    let mut appended = append_all(txn, std::slice::from_ref(event)).await?;
    appended.pop().ok_or_else(|| StoreError::Unexpected(anyhow::anyhow!("no record was appended")))
}

/// Appends `events`, in order, inside `txn` with one round trip to the chain head for all of
/// them: the head moves forward by their number (taking its row lock), the records are chained
/// from the old head and inserted in one statement, and the head takes the last hash.
pub(crate) async fn append_all(
    txn: &DatabaseTransaction,
    events: &[AuditEvent],
) -> Result<Vec<Appended>, StoreError> {
    let Ok(count) = i64::try_from(events.len()) else {
        return Err(StoreError::Unexpected(anyhow::anyhow!("too many audit records at once")));
    };
    if count == 0 {
        return Ok(Vec::new());
    }
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Seq, Expr::col(audit_head::Column::Seq).add(count))
        .filter(audit_head::Column::Id.eq(1))
        .exec(txn)
        .await
        .map_err(unavailable("taking the audit chain head"))?;
    let head = audit_head::Entity::find_by_id(1)
        .one(txn)
        .await
        .map_err(unavailable("reading the audit chain head"))?;
    let head = head.ok_or_else(|| {
        StoreError::Unavailable(anyhow::anyhow!("the audit chain head is missing"))
    })?;
    let mut seq = head.seq - count;
    let mut prev_hash = head.hash;
    let mut records = Vec::with_capacity(events.len());
    for event in events {
        seq += 1;
        let record = chained(event, seq, prev_hash);
        prev_hash = record.hash.clone();
        records.push(record);
    }
    audit_event::Entity::insert_many(records.iter().map(row_of))
        .exec_without_returning(txn)
        .await
        .map_err(unavailable("appending audit records"))?;
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::Hash, Expr::value(prev_hash))
        .filter(audit_head::Column::Id.eq(1))
        .exec(txn)
        .await
        .map_err(unavailable("advancing the audit chain head"))?;
    Ok(records.into_iter().map(Appended).collect())
}

/// `event` as the record at `seq`, chained from `prev_hash`.
fn chained(event: &AuditEvent, seq: i64, prev_hash: String) -> ChainedRecord {
    let detail: serde_json::Map<String, Value> =
        event.detail.iter().map(|(k, v)| ((*k).to_owned(), Value::String(v.clone()))).collect();
    let mut record = ChainedRecord {
        seq,
        time: seconds(event.time),
        kind: event.kind.as_str().to_owned(),
        outcome: event.outcome.as_str().to_owned(),
        actor_kind: event.actor.kind().to_owned(),
        actor_id: event.actor.id().map(str::to_owned),
        target_kind: event.target.as_ref().map(|t| t.kind().to_owned()),
        target_id: event.target.as_ref().and_then(|t| t.id()).map(str::to_owned),
        client_id: event.client_id.clone(),
        ip: event.context.ip.clone(),
        user_agent: event
            .context
            .user_agent
            .as_ref()
            .map(|ua| ua.chars().take(MAX_USER_AGENT_CHARS).collect()),
        request_id: event.context.request_id.chars().take(64).collect(),
        detail: Value::Object(detail).to_string(),
        prev_hash,
        hash: String::new(),
    };
    record.hash = record.expected_hash();
    record
}

fn row_of(record: &ChainedRecord) -> audit_event::ActiveModel {
    audit_event::ActiveModel {
        id: NotSet,
        occurred_at: Set(record.time),
        event_type: Set(record.kind.clone()),
        outcome: Set(record.outcome.clone()),
        actor_kind: Set(record.actor_kind.clone()),
        actor_id: Set(record.actor_id.clone()),
        target_kind: Set(record.target_kind.clone()),
        target_id: Set(record.target_id.clone()),
        client_id: Set(record.client_id.clone()),
        ip: Set(record.ip.clone()),
        user_agent: Set(record.user_agent.clone()),
        request_id: Set(record.request_id.clone()),
        detail: Set(record.detail.clone()),
        seq: Set(Some(record.seq)),
        prev_hash: Set(Some(record.prev_hash.clone())),
        hash: Set(Some(record.hash.clone())),
    }
}

fn record_from_row(row: audit_event::Model) -> ChainedRecord {
    ChainedRecord {
        seq: row.seq.unwrap_or(0),
        time: row.occurred_at,
        kind: row.event_type,
        outcome: row.outcome,
        actor_kind: row.actor_kind,
        actor_id: row.actor_id,
        target_kind: row.target_kind,
        target_id: row.target_id,
        client_id: row.client_id,
        ip: row.ip,
        user_agent: row.user_agent,
        request_id: row.request_id,
        detail: row.detail,
        prev_hash: row.prev_hash.unwrap_or_default(),
        hash: row.hash.unwrap_or_default(),
    }
}

impl Store {
    /// Commits `txn`, then mirrors its audit records to the stdout sink.
    pub(crate) async fn commit(
        &self,
        txn: DatabaseTransaction,
        appended: Vec<Appended>,
        doing: &'static str,
    ) -> Result<(), StoreError> {
        txn.commit().await.map_err(store_error(doing))?;
        if let Some(sink) = &self.audit_sink {
            for Appended(record) in &appended {
                sink(record);
            }
        }
        Ok(())
    }

    /// Chains records written before the chain existed (older versions), in id order.
    pub(crate) async fn adopt_unchained_records(&self) -> Result<u64, StoreError> {
        let (txn, _turn) = self.begin_write().await?;
        let legacy = audit_event::Entity::find()
            .filter(audit_event::Column::Seq.is_null())
            .order_by_asc(audit_event::Column::Id)
            .all(&txn)
            .await
            .map_err(store_error("reading unchained audit records"))?;
        let count = legacy.len() as u64;
        for row in legacy {
            let id = row.id;
            audit_head::Entity::update_many()
                .col_expr(audit_head::Column::Seq, Expr::col(audit_head::Column::Seq).add(1))
                .filter(audit_head::Column::Id.eq(1))
                .exec(&txn)
                .await
                .map_err(store_error("taking the audit chain head"))?;
            let head = audit_head::Entity::find_by_id(1)
                .one(&txn)
                .await
                .map_err(store_error("reading the chain head"))?;
            let head = head.ok_or_else(|| {
                StoreError::Unexpected(anyhow::anyhow!("the audit chain head is missing"))
            })?;
            let mut record = record_from_row(row);
            record.seq = head.seq;
            record.prev_hash = head.hash;
            record.hash = record.expected_hash();
            audit_event::Entity::update_many()
                .col_expr(audit_event::Column::Seq, Expr::value(record.seq))
                .col_expr(audit_event::Column::PrevHash, Expr::value(record.prev_hash.clone()))
                .col_expr(audit_event::Column::Hash, Expr::value(record.hash.clone()))
                .filter(audit_event::Column::Id.eq(id))
                .exec(&txn)
                .await
                .map_err(store_error("chaining an audit record"))?;
            audit_head::Entity::update_many()
                .col_expr(audit_head::Column::Hash, Expr::value(record.hash))
                .filter(audit_head::Column::Id.eq(1))
                .exec(&txn)
                .await
                .map_err(store_error("advancing the chain head"))?;
        }
        txn.commit().await.map_err(store_error("committing the chain"))?;
        Ok(count)
    }
}

#[async_trait]
impl AuditLog for Store {
    async fn record(&self, event: AuditEvent) -> Result<(), AuditError> {
        self.record_in_batch(event).await
    }

    async fn query(&self, query: AuditQuery) -> Result<Vec<ChainedRecord>, StoreError> {
        let mut select = audit_event::Entity::find()
            .filter(audit_event::Column::Seq.is_not_null())
            .order_by_desc(audit_event::Column::Seq)
            .limit(query.limit);
        if let Some(before) = query.before_seq {
            select = select.filter(audit_event::Column::Seq.lt(before));
        }
        if let Some(kind) = query.kind {
            select = select.filter(audit_event::Column::EventType.eq(kind));
        }
        if let Some(subject) = query.subject {
            select = select.filter(
                Condition::any()
                    .add(audit_event::Column::ActorId.eq(subject.clone()))
                    .add(audit_event::Column::TargetId.eq(subject)),
            );
        }
        if let Some(since) = query.since {
            select = select.filter(audit_event::Column::OccurredAt.gte(seconds(since)));
        }
        if let Some(until) = query.until {
            select = select.filter(audit_event::Column::OccurredAt.lte(seconds(until)));
        }
        let rows = select.all(&self.db).await.map_err(store_error("querying the audit trail"))?;
        Ok(rows.into_iter().map(record_from_row).collect())
    }

    async fn verify(&self) -> Result<Result<i64, ChainBreak>, StoreError> {
        let unplaced = audit_event::Entity::find()
            .filter(audit_event::Column::Seq.is_null())
            .order_by_asc(audit_event::Column::Id)
            .one(&self.db)
            .await
            .map_err(store_error("reading the audit trail"))?;
        if let Some(row) = unplaced {
            return Ok(Err(ChainBreak {
                seq: row.id,
                reason: "a record was inserted outside the chain (its row id is given)",
            }));
        }
        let mut verifier = ChainVerifier::default();
        let mut after = 0_i64;
        loop {
            let page = audit_event::Entity::find()
                .filter(audit_event::Column::Seq.gt(after))
                .order_by_asc(audit_event::Column::Seq)
                .limit(VERIFY_PAGE)
                .all(&self.db)
                .await
                .map_err(store_error("reading the audit trail"))?;
            let Some(last) = page.last().and_then(|r| r.seq) else { break };
            for row in page {
                if let Err(broken) = verifier.check(&record_from_row(row)) {
                    return Ok(Err(broken));
                }
            }
            after = last;
        }
        let head = audit_head::Entity::find_by_id(1)
            .one(&self.db)
            .await
            .map_err(store_error("reading the chain head"))?;
        let head = head.ok_or_else(|| {
            StoreError::Unexpected(anyhow::anyhow!("the audit chain head is missing"))
        })?;
        Ok(verifier.finish(head.seq, &head.hash))
    }
}
