//! The audit trail's hash chain: each record's hash covers its canonical form and the hash of
//! the record before it, so changing, deleting or reordering any record breaks every hash after
//! it.

use sha2::{Digest, Sha256};

/// The hash the first record chains from.
pub const CHAIN_START: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One record as stored, every field as text (absent fields are empty).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainedRecord {
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    pub time: i64,
    pub kind: String,
    pub outcome: String,
    pub actor_kind: String,
    pub actor_id: Option<String>,
    pub target_kind: Option<String>,
    pub target_id: Option<String>,
    pub client_id: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: String,
    /// The detail object as stored (JSON text).
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl ChainedRecord {
    /// The canonical form: every field, length-prefixed, in a fixed order, so no two distinct
    /// records share one.
    pub fn canonical(&self) -> String {
        let optional = |value: &Option<String>| {
            value.clone().map(|v| format!("+{v}")).unwrap_or_else(|| "-".to_owned())
        };
        let fields = [
            self.seq.to_string(),
            self.time.to_string(),
            self.kind.clone(),
            self.outcome.clone(),
            self.actor_kind.clone(),
            optional(&self.actor_id),
            optional(&self.target_kind),
            optional(&self.target_id),
            optional(&self.client_id),
            optional(&self.ip),
            optional(&self.user_agent),
            self.request_id.clone(),
            self.detail.clone(),
            self.prev_hash.clone(),
        ];
        fields.iter().map(|f| format!("{}:{f}", f.len())).collect::<Vec<_>>().join("|")
    }

    /// SHA-256 (hex) of the canonical form.
    pub fn expected_hash(&self) -> String {
        Sha256::digest(self.canonical().as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Where and why a chain is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainBreak {
    /// The sequence number of the first record that does not verify (or that is missing).
    pub seq: i64,
    pub reason: &'static str,
}

/// Walks records in stored order, checking each against its predecessor. `head` is the chain
/// head as stored (last sequence number and hash), which catches a deleted tail.
#[derive(Debug)]
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self { expected_seq: 1, prev_hash: CHAIN_START.to_owned() }
    }
}

impl ChainVerifier {
    /// Checks the next record.
    pub fn check(&mut self, record: &ChainedRecord) -> Result<(), ChainBreak> {
        if record.seq != self.expected_seq {
            let reason = if record.seq > self.expected_seq {
                "a record is missing before this one"
            } else {
                "records are out of order"
            };
            return Err(ChainBreak { seq: self.expected_seq.min(record.seq), reason });
        }
        if record.prev_hash != self.prev_hash {
            return Err(ChainBreak {
                seq: record.seq,
                reason: "it does not chain from the record before it",
            });
        }
        if record.hash != record.expected_hash() {
            return Err(ChainBreak { seq: record.seq, reason: "its content was changed" });
        }
        self.expected_seq += 1;
        self.prev_hash = record.hash.clone();
        Ok(())
    }

    /// Checks the end of the walk against the stored head; returns how many records verified.
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<i64, ChainBreak> {
        let verified = self.expected_seq - 1;
        if head_seq != verified || head_hash != self.prev_hash {
            return Err(ChainBreak {
                seq: verified + 1,
                reason: "records at the end of the trail are missing",
            });
        }
        Ok(verified)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<ChainedRecord> {
        let mut prev = CHAIN_START.to_owned();
        (1..=n)
            .map(|seq| {
                let mut record = ChainedRecord {
                    seq,
                    time: 1_000 + seq,
                    kind: "login.succeeded".into(),
                    outcome: "success".into(),
                    actor_kind: "user".into(),
                    actor_id: Some(format!("user-{seq}")),
                    target_kind: None,
                    target_id: None,
                    client_id: Some("browser".into()),
                    ip: Some("127.0.0.1".into()),
                    user_agent: None,
                    request_id: format!("r{seq}"),
                    detail: "{}".into(),
                    prev_hash: prev.clone(),
                    hash: String::new(),
                };
                record.hash = record.expected_hash();
                prev = record.hash.clone();
                record
            })
            .collect()
    }

    fn verify(records: &[ChainedRecord], head: (i64, &str)) -> Result<i64, ChainBreak> {
        let mut verifier = ChainVerifier::default();
        for record in records {
            verifier.check(record)?;
        }
        verifier.finish(head.0, head.1)
    }

    #[test]
    fn an_intact_chain_verifies() {
        let records = chain(5);
        assert_eq!(verify(&records, (5, &records[4].hash)), Ok(5));
    }

    #[test]
    fn a_changed_record_is_named() {
        let mut records = chain(5);
        records[2].actor_id = Some("someone-else".into());
        assert_eq!(verify(&records, (5, &records[4].hash.clone())).unwrap_err().seq, 3);
    }

    #[test]
    fn a_deleted_record_is_named() {
        let mut records = chain(5);
        let head = records[4].hash.clone();
        records.remove(1);
        assert_eq!(verify(&records, (5, &head)).unwrap_err().seq, 2);
    }

    #[test]
    fn a_deleted_tail_is_caught_by_the_head() {
        let records = chain(5);
        assert_eq!(verify(&records[..4], (5, &records[4].hash)).unwrap_err().seq, 5);
    }

    #[test]
    fn reordered_records_are_caught() {
        let mut records = chain(4);
        records.swap(1, 2);
        assert!(verify(&records, (4, &records[3].hash.clone())).is_err());
    }

    #[test]
    fn a_recomputed_forgery_still_breaks_the_next_link() {
        let mut records = chain(4);
        records[1].detail = r#"{"forged":"yes"}"#.into();
        records[1].hash = records[1].expected_hash();
        assert_eq!(verify(&records, (4, &records[3].hash.clone())).unwrap_err().seq, 3);
    }
}
