//! Signing keys: make sure an active key exists, rotate, retire, and keep every instance's key
//! ring in step with the store.

use std::sync::Mutex;

use genesis_domain::{
    AuditEvent, AuditKind, KeyState, Outcome, Party, RequestContext, SigningAlgorithm, StoredKey,
};
use genesis_ports::{KeyError, RetireOutcome};
use time::{Duration, OffsetDateTime};

use crate::{Infrastructure, Ports};

/// The least time between two reloads forced by tokens naming an unknown kid, so a flood of
/// forged kids cannot turn into a flood of database reads.
const UNKNOWN_KID_RELOAD_INTERVAL: Duration = Duration::seconds(1);

/// Why a key operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SigningKeysError {
    #[error(transparent)]
    Key(#[from] KeyError),
    /// `retire` named the active key: rotate first.
    #[error("the key is active; rotate before retiring it")]
    Active,
    /// `retire` named no published key.
    #[error("no published key has this kid")]
    NotFound,
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// The signing-key use cases.
pub struct SigningKeys {
    ports: Ports,
    loaded: Mutex<Option<String>>,
    last_forced_reload: Mutex<Option<OffsetDateTime>>,
}

/// The audit context of something the server does by itself.
fn system_context(what: &str) -> RequestContext {
    RequestContext { request_id: what.to_owned(), ip: None, user_agent: None }
}

fn fingerprint(keys: &[StoredKey]) -> String {
    keys.iter().map(|k| format!("{}:{};", k.kid, k.state.as_str())).collect()
}

impl SigningKeys {
    /// Builds the use cases.
    pub fn new(ports: Ports) -> Self {
        Self { ports, loaded: Mutex::new(None), last_forced_reload: Mutex::new(None) }
    }

    /// Ensures an active key of `algorithm` exists and loads the published keys into the
    /// signer and verifier. Returns the kid of the key that was generated, if one was.
    pub async fn ensure_active(
        &self,
        algorithm: SigningAlgorithm,
    ) -> Result<Option<String>, SigningKeysError> {
        let keys = self.ports.keys.list().await.map_err(Infrastructure::from)?;
        let has_active =
            keys.iter().any(|k| k.state == KeyState::Active && k.algorithm == algorithm);
        let generated = if has_active {
            None
        } else {
            Some(self.rotate(algorithm, &system_context("startup")).await?)
        };
        self.reload().await?;
        Ok(generated)
    }

    /// Generates a new active key of `algorithm`; the previous active key stays published.
    pub async fn rotate(
        &self,
        algorithm: SigningAlgorithm,
        context: &RequestContext,
    ) -> Result<String, SigningKeysError> {
        let now = self.ports.clock.now();
        let kid = self.ports.ids.new_id().simple().to_string();
        let key = self.ports.key_material.generate(algorithm, &kid, now)?;
        let audit = AuditEvent::new(
            AuditKind::KeyRotated,
            Outcome::Success,
            Party::Anonymous,
            context,
            now,
        )
        .target(Party::Key(kid.clone()))
        .detail("algorithm", algorithm.as_str());
        self.ports.keys.activate(key, audit).await.map_err(Infrastructure::from)?;
        Ok(kid)
    }

    /// Unpublishes a previous key. Tokens it signed stop verifying.
    pub async fn retire(
        &self,
        kid: &str,
        context: &RequestContext,
    ) -> Result<(), SigningKeysError> {
        let audit = AuditEvent::new(
            AuditKind::KeyRetired,
            Outcome::Success,
            Party::Anonymous,
            context,
            self.ports.clock.now(),
        )
        .target(Party::Key(kid.to_owned()));
        match self.ports.keys.retire(kid, audit).await.map_err(Infrastructure::from)? {
            RetireOutcome::Retired => Ok(()),
            RetireOutcome::Active => Err(SigningKeysError::Active),
            RetireOutcome::NotFound => Err(SigningKeysError::NotFound),
        }
    }

    /// Retires previous keys that stopped signing longer ago than `longest_token_life`: every
    /// token they signed has expired. Returns the kids retired.
    pub async fn sweep(
        &self,
        longest_token_life: Duration,
    ) -> Result<Vec<String>, SigningKeysError> {
        let now = self.ports.clock.now();
        let keys = self.ports.keys.list().await.map_err(Infrastructure::from)?;
        let mut retired = Vec::new();
        for key in keys.iter().filter(|k| k.state == KeyState::Previous) {
            if key.demoted_at.is_some_and(|at| at + longest_token_life < now) {
                let audit = AuditEvent::new(
                    AuditKind::KeyRetired,
                    Outcome::Success,
                    Party::Anonymous,
                    &system_context("upkeep"),
                    now,
                )
                .target(Party::Key(key.kid.clone()))
                .detail("reason", "every token it signed has expired");
                if self.ports.keys.retire(&key.kid, audit).await.map_err(Infrastructure::from)?
                    == RetireOutcome::Retired
                {
                    retired.push(key.kid.clone());
                }
            }
        }
        Ok(retired)
    }

    /// Loads the stored keys into the signer and verifier.
    pub async fn reload(&self) -> Result<(), SigningKeysError> {
        let keys = self.ports.keys.list().await.map_err(Infrastructure::from)?;
        self.install(&keys)
    }

    /// Reloads only when the stored keys changed since the last load; true when it did.
    pub async fn reload_if_changed(&self) -> Result<bool, SigningKeysError> {
        let keys = self.ports.keys.list().await.map_err(Infrastructure::from)?;
        let changed = self
            .loaded
            .lock()
            .map(|loaded| loaded.as_deref() != Some(fingerprint(&keys).as_str()))
            .unwrap_or(true);
        if changed {
            self.install(&keys)?;
        }
        Ok(changed)
    }

    /// A token named a kid we do not know: reload, at most once per interval. True when a
    /// reload happened (so verifying again may succeed).
    pub async fn reload_for_unknown_kid(&self) -> bool {
        let now = self.ports.clock.now();
        {
            let Ok(mut last) = self.last_forced_reload.lock() else { return false };
            if last.is_some_and(|at| now - at < UNKNOWN_KID_RELOAD_INTERVAL) {
                return false;
            }
            *last = Some(now);
        }
        match self.reload_if_changed().await {
            Ok(changed) => changed,
            Err(err) => {
                tracing::warn!(error = %err, "reloading signing keys for an unknown kid failed");
                false
            }
        }
    }

    fn install(&self, keys: &[StoredKey]) -> Result<(), SigningKeysError> {
        self.ports.key_material.load(keys)?;
        if let Ok(mut loaded) = self.loaded.lock() {
            *loaded = Some(fingerprint(keys));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{at, TestPorts};

    fn key(state: KeyState) -> StoredKey {
        StoredKey {
            kid: "k1".into(),
            algorithm: SigningAlgorithm::EdDsa,
            state,
            created_at: at(0),
            demoted_at: None,
            public_jwk: "{}".into(),
            sealed_private_key: "sealed".into(),
        }
    }

    #[tokio::test]
    async fn the_first_start_generates_and_stores_a_key() {
        let mut ports = TestPorts::new();
        let mut listed = 0;
        ports.keys.expect_list().returning(move || {
            listed += 1;
            Ok(if listed == 1 { vec![] } else { vec![key(KeyState::Active)] })
        });
        ports
            .key_material
            .expect_generate()
            .times(1)
            .returning(|_, _, _| Ok(key(KeyState::Active)));
        ports.keys.expect_activate().times(1).returning(|_, _| Ok(()));
        ports.key_material.expect_load().times(1).returning(|_| Ok(()));
        let generated =
            SigningKeys::new(ports.build()).ensure_active(SigningAlgorithm::EdDsa).await.unwrap();
        assert!(generated.is_some());
    }

    #[tokio::test]
    async fn a_later_start_reuses_the_stored_key() {
        let mut ports = TestPorts::new();
        ports.keys.expect_list().returning(|| Ok(vec![key(KeyState::Active)]));
        ports.key_material.expect_load().times(1).returning(|_| Ok(()));
        let generated =
            SigningKeys::new(ports.build()).ensure_active(SigningAlgorithm::EdDsa).await.unwrap();
        assert_eq!(generated, None);
    }

    #[tokio::test]
    async fn an_unchanged_store_is_not_reloaded() {
        let mut ports = TestPorts::new();
        ports.keys.expect_list().returning(|| Ok(vec![key(KeyState::Active)]));
        ports.key_material.expect_load().times(1).returning(|_| Ok(()));
        let keys = SigningKeys::new(ports.build());
        assert!(keys.reload_if_changed().await.unwrap());
        assert!(!keys.reload_if_changed().await.unwrap());
    }

    #[tokio::test]
    async fn unknown_kids_force_at_most_one_reload_per_interval() {
        let mut ports = TestPorts::new();
        ports.keys.expect_list().times(1).returning(|| Ok(vec![key(KeyState::Active)]));
        ports.key_material.expect_load().returning(|_| Ok(()));
        let keys = SigningKeys::new(ports.build());
        assert!(keys.reload_for_unknown_kid().await);
        assert!(!keys.reload_for_unknown_kid().await, "the fixed test clock has not moved");
    }

    #[tokio::test]
    async fn previous_keys_are_retired_once_their_tokens_have_expired() {
        let mut ports = TestPorts::new();
        let mut old = key(KeyState::Previous);
        old.demoted_at = Some(at(0));
        let mut recent = key(KeyState::Previous);
        recent.kid = "k2".into();
        recent.demoted_at = Some(at(1_800_000_000 - 60));
        ports.keys.expect_list().returning(move || Ok(vec![old.clone(), recent.clone()]));
        ports
            .keys
            .expect_retire()
            .times(1)
            .withf(|kid, _| kid == "k1")
            .returning(|_, _| Ok(RetireOutcome::Retired));
        let retired = SigningKeys::new(ports.build()).sweep(Duration::seconds(3630)).await.unwrap();
        assert_eq!(retired, ["k1"]);
    }

    #[tokio::test]
    async fn the_active_key_cannot_be_retired() {
        let mut ports = TestPorts::new();
        ports.keys.expect_retire().returning(|_, _| Ok(RetireOutcome::Active));
        let result = SigningKeys::new(ports.build()).retire("k1", &RequestContext::default()).await;
        assert!(matches!(result, Err(SigningKeysError::Active)));
    }
}
