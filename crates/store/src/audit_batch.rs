//! Group commit for audit records that stand alone (an introspection, a failed login, an admin
//! read): records that arrive while a batch is being written wait, and the next writer appends
//! all of them in one transaction — one turn of the chain head's lock and one commit for many
//! callers. Each caller still returns only once its own record is committed, so "an
//! acknowledged action has its record" holds as before.

use std::sync::Mutex;

use genesis_domain::AuditEvent;
use genesis_ports::{AuditError, StoreError};
use tokio::sync::oneshot;

use crate::{audit, Store};

/// Most records in one transaction; the rest wait for the next one.
const MAX_BATCH: usize = 256;

/// Records waiting to be written, and the turn to write them.
#[derive(Default)]
pub(crate) struct GroupCommit {
    waiting: Mutex<Vec<Waiting>>,
    turn: tokio::sync::Mutex<()>,
}

struct Waiting {
    event: AuditEvent,
    written: oneshot::Sender<Result<(), BatchFailure>>,
}

/// Why a batch was not written, told to each of its callers.
#[derive(Debug, Clone)]
enum BatchFailure {
    Unavailable(String),
    Unexpected(String),
}

impl From<BatchFailure> for AuditError {
    fn from(failure: BatchFailure) -> Self {
        match failure {
            BatchFailure::Unavailable(why) => AuditError::Unavailable(anyhow::anyhow!(why)),
            BatchFailure::Unexpected(why) => AuditError::Unexpected(anyhow::anyhow!(why)),
        }
    }
}

impl From<StoreError> for BatchFailure {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Unavailable(e) => BatchFailure::Unavailable(format!("{e:#}")),
            StoreError::Unexpected(e) => BatchFailure::Unexpected(format!("{e:#}")),
        }
    }
}

impl Store {
    /// Appends `event` in the next batch and returns once that batch is committed.
    pub(crate) async fn record_in_batch(&self, event: AuditEvent) -> Result<(), AuditError> {
        let (written, mut outcome) = oneshot::channel();
        self.batch.enqueue(Waiting { event, written })?;
        let turn = self.batch.turn.lock().await;
        // A writer before us may have taken our record already.
        match outcome.try_recv() {
            Ok(result) => return result.map_err(AuditError::from),
            Err(oneshot::error::TryRecvError::Closed) => return Err(abandoned()),
            Err(oneshot::error::TryRecvError::Empty) => {}
        }
        let batch = self.batch.take()?;
        if !batch.is_empty() {
            // Written by a task of its own, so a caller that goes away mid-write (a closed
            // connection) never abandons the records of the others.
            let store = self.clone();
            let _ = tokio::spawn(async move { store.write_batch(batch).await }).await;
        }
        drop(turn);
        outcome.await.map_err(|_| abandoned())?.map_err(AuditError::from)
    }

    async fn write_batch(&self, batch: Vec<Waiting>) {
        let (events, callers): (Vec<AuditEvent>, Vec<_>) =
            batch.into_iter().map(|w| (w.event, w.written)).unzip();
        let result = async {
            let (txn, _turn) = self.begin_write().await?;
            let appended = audit::append_all(&txn, &events).await?;
            self.commit(txn, appended, "committing audit records").await
        }
        .await
        .map_err(BatchFailure::from);
        for caller in callers {
            let _ = caller.send(result.clone());
        }
    }
}

impl GroupCommit {
    fn enqueue(&self, waiting: Waiting) -> Result<(), AuditError> {
        self.waiting.lock().map_err(|_| poisoned())?.push(waiting);
        Ok(())
    }

    fn take(&self) -> Result<Vec<Waiting>, AuditError> {
        let mut waiting = self.waiting.lock().map_err(|_| poisoned())?;
        let oldest = waiting.len().min(MAX_BATCH);
        Ok(waiting.drain(..oldest).collect())
    }
}

fn abandoned() -> AuditError {
    AuditError::Unavailable(anyhow::anyhow!("the audit batch was abandoned before it committed"))
}

fn poisoned() -> AuditError {
    AuditError::Unexpected(anyhow::anyhow!("the audit queue's lock is poisoned"))
}
