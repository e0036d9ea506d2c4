//! Reading the audit trail (administrators) and verifying its chain (operators).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use genesis_domain::{ChainBreak, ChainedRecord};
use genesis_ports::AuditQuery;
use time::OffsetDateTime;

use crate::{Infrastructure, Ports};

/// Default and largest page sizes.
const DEFAULT_LIMIT: u64 = 50;
const MAX_LIMIT: u64 = 500;

/// Filters of `GET /audit`, as received.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub kind: Option<String>,
    pub subject: Option<String>,
    pub since: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
    /// Clamped to 1–500.
    pub limit: Option<u64>,
    pub cursor: Option<String>,
}

/// A page of records, newest first.
#[derive(Debug, Clone)]
pub struct AuditPage {
    pub items: Vec<ChainedRecord>,
    pub next_cursor: Option<String>,
}

/// Why the trail could not be read.
#[derive(Debug, thiserror::Error)]
pub enum AuditReadError {
    #[error("{0}")]
    Invalid(&'static str),
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// The audit-trail use cases.
pub struct AuditTrail {
    ports: Ports,
}

impl AuditTrail {
    /// Builds the use cases.
    pub fn new(ports: Ports) -> Self {
        Self { ports }
    }

    /// A page of records matching `filter`, newest first. Huge limits are clamped.
    pub async fn read(&self, filter: AuditFilter) -> Result<AuditPage, AuditReadError> {
        let limit = filter.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
        if let (Some(since), Some(until)) = (filter.since, filter.until) {
            if since > until {
                return Err(AuditReadError::Invalid("since must not be after until"));
            }
        }
        let before_seq = match filter.cursor {
            None => None,
            Some(cursor) => Some(
                decode_cursor(&cursor)
                    .ok_or(AuditReadError::Invalid("cursor is not one this server issued"))?,
            ),
        };
        let query = AuditQuery {
            limit: limit + 1,
            before_seq,
            kind: filter.kind,
            subject: filter.subject,
            since: filter.since,
            until: filter.until,
        };
        let mut items = self.ports.audit.query(query).await.map_err(Infrastructure::from)?;
        let next_cursor = if items.len() as u64 > limit {
            items.truncate(limit as usize);
            items.last().map(|r| URL_SAFE_NO_PAD.encode(r.seq.to_string()))
        } else {
            None
        };
        Ok(AuditPage { items, next_cursor })
    }

    /// Walks the chain: the number of records when intact, else the first break.
    pub async fn verify(&self) -> Result<Result<i64, ChainBreak>, Infrastructure> {
        Ok(self.ports.audit.verify().await?)
    }
}

fn decode_cursor(cursor: &str) -> Option<i64> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    String::from_utf8(bytes).ok()?.parse().ok()
}
