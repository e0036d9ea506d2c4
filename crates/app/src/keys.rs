//! Keep a signing key ready: on start, make sure an active key of the configured algorithm
//! exists (generating and storing one the first time), then load every published key.

use genesis_domain::{
    AuditEvent, AuditKind, KeyState, Outcome, Party, RequestContext, SigningAlgorithm,
};
use genesis_ports::KeyError;

use crate::{Infrastructure, Ports};

/// Why the signing keys could not be made ready.
#[derive(Debug, thiserror::Error)]
pub enum SigningKeysError {
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Infrastructure(#[from] Infrastructure),
}

/// The signing-key use cases.
pub struct SigningKeys {
    ports: Ports,
}

impl SigningKeys {
    /// Builds the use cases.
    pub fn new(ports: Ports) -> Self {
        Self { ports }
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
        let generated = if has_active { None } else { Some(self.rotate(algorithm).await?) };
        self.reload().await?;
        Ok(generated)
    }

    /// Generates a new active key of `algorithm`; the previous active key stays published.
    pub async fn rotate(&self, algorithm: SigningAlgorithm) -> Result<String, SigningKeysError> {
        let now = self.ports.clock.now();
        let kid = self.ports.ids.new_id().simple().to_string();
        let key = self.ports.key_material.generate(algorithm, &kid, now)?;
        let audit = AuditEvent::new(
            AuditKind::KeyRotated,
            Outcome::Success,
            Party::Anonymous,
            &RequestContext::default(),
            now,
        )
        .target(Party::Key(kid.clone()))
        .detail("algorithm", algorithm.as_str());
        self.ports.keys.activate(key, audit).await.map_err(Infrastructure::from)?;
        Ok(kid)
    }

    /// Loads the stored keys into the signer and verifier.
    pub async fn reload(&self) -> Result<(), SigningKeysError> {
        let keys = self.ports.keys.list().await.map_err(Infrastructure::from)?;
        self.ports.key_material.load(&keys)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use genesis_domain::StoredKey;

    use super::*;
    use crate::test_support::{at, TestPorts};

    fn key(state: KeyState) -> StoredKey {
        StoredKey {
            kid: "k1".into(),
            algorithm: SigningAlgorithm::EdDsa,
            state,
            created_at: at(0),
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
}
