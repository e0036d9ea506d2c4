//! The key ring: loaded keys, signing, verification and the JWKS.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use anyhow::anyhow;
use genesis_domain::{AccessClaims, KeyState, SigningAlgorithm, StoredKey};
use genesis_ports::{KeyError, KeyMaterial, SignError, TokenSigner, TokenVerifier, VerifyError};
use josekit::jwk::{Jwk, KeyPair};
use josekit::jws::{EdDSA, JwsHeader, JwsSigner, JwsVerifier, RS256};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use crate::claims::{self, Checked, Expectations};
use crate::{seal, verify, Kek};

/// RSA modulus size for RS256 keys.
const RSA_BITS: u32 = 2048;
/// Most verified tokens remembered per key-ring load (a few MiB at most).
const VERIFIED_CAPACITY: usize = 8192;

/// What every verified token must carry.
#[derive(Debug, Clone)]
pub struct VerifyPolicy {
    pub issuer: String,
    pub audience: String,
    /// Leeway on `exp`, `nbf` and `iat`, at most 30 s.
    pub leeway_seconds: i64,
}

/// Signs with the active key of the configured algorithm; verifies with any published key of
/// that algorithm; publishes every non-retired key.
pub struct JoseKeyRing {
    kek: Kek,
    algorithm: SigningAlgorithm,
    policy: VerifyPolicy,
    loaded: RwLock<Arc<Loaded>>,
}

struct Loaded {
    active: Option<(String, Box<dyn JwsSigner>)>,
    verifiers: HashMap<String, Box<dyn JwsVerifier>>,
    jwks: String,
    /// Tokens whose signature and claims were verified with these keys, by SHA-256 of the
    /// token (tokens themselves are never kept). A hit skips only the signature: times are
    /// checked again at every use, the caller still checks revocation, and loading other keys
    /// starts a new, empty cache, so a retired key's tokens stop verifying at once.
    verified: quick_cache::sync::Cache<[u8; 32], Checked>,
}

impl Default for Loaded {
    fn default() -> Self {
        Self {
            active: None,
            verifiers: HashMap::new(),
            jwks: json!({"keys": []}).to_string(),
            verified: quick_cache::sync::Cache::new(VERIFIED_CAPACITY),
        }
    }
}

impl JoseKeyRing {
    /// An empty ring; `KeyMaterial::load` fills it.
    pub fn new(kek: Kek, algorithm: SigningAlgorithm, mut policy: VerifyPolicy) -> Self {
        policy.leeway_seconds = policy.leeway_seconds.clamp(0, 30);
        Self { kek, algorithm, policy, loaded: RwLock::new(Arc::new(Loaded::default())) }
    }

    fn current(&self) -> Arc<Loaded> {
        match self.loaded.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    fn build(&self, keys: &[StoredKey]) -> Result<Loaded, KeyError> {
        let mut loaded = Loaded::default();
        let mut published = Vec::new();
        for key in keys.iter().filter(|k| k.state != KeyState::Retired) {
            let jwk_value: Value = serde_json::from_str(&key.public_jwk)
                .map_err(|e| KeyError::Unexpected(anyhow!(e)))?;
            published.push(jwk_value);
            if key.algorithm != self.algorithm {
                continue; // published for relying parties, but never accepted here: one algorithm only
            }
            let jwk = Jwk::from_bytes(key.public_jwk.as_bytes())
                .map_err(|e| KeyError::Unexpected(anyhow!(e)))?;
            loaded.verifiers.insert(key.kid.clone(), verifier_for(key.algorithm, &jwk)?);
            if key.state == KeyState::Active {
                let pem = seal::open(&self.kek, &key.kid, &key.sealed_private_key)?;
                loaded.active = Some((key.kid.clone(), signer_for(key.algorithm, &pem)?));
            }
        }
        loaded.jwks = json!({ "keys": published }).to_string();
        Ok(loaded)
    }
}

fn signer_for(algorithm: SigningAlgorithm, pem: &[u8]) -> Result<Box<dyn JwsSigner>, KeyError> {
    let err = |e: josekit::JoseError| KeyError::Unexpected(anyhow!(e));
    Ok(match algorithm {
        SigningAlgorithm::EdDsa => Box::new(EdDSA.signer_from_pem(pem).map_err(err)?),
        SigningAlgorithm::Rs256 => Box::new(RS256.signer_from_pem(pem).map_err(err)?),
    })
}

fn verifier_for(algorithm: SigningAlgorithm, jwk: &Jwk) -> Result<Box<dyn JwsVerifier>, KeyError> {
    let err = |e: josekit::JoseError| KeyError::Unexpected(anyhow!(e));
    Ok(match algorithm {
        SigningAlgorithm::EdDsa => Box::new(EdDSA.verifier_from_jwk(jwk).map_err(err)?),
        SigningAlgorithm::Rs256 => Box::new(RS256.verifier_from_jwk(jwk).map_err(err)?),
    })
}

impl KeyMaterial for JoseKeyRing {
    fn generate(
        &self,
        algorithm: SigningAlgorithm,
        kid: &str,
        now: OffsetDateTime,
    ) -> Result<StoredKey, KeyError> {
        let err = |e: josekit::JoseError| KeyError::Unexpected(anyhow!(e));
        let (mut public, private_pem) = match algorithm {
            SigningAlgorithm::EdDsa => {
                let pair = EdDSA
                    .generate_key_pair(josekit::jwk::alg::ed::EdCurve::Ed25519)
                    .map_err(err)?;
                (pair.to_jwk_public_key(), pair.to_pem_private_key())
            }
            SigningAlgorithm::Rs256 => {
                let pair = RS256.generate_key_pair(RSA_BITS).map_err(err)?;
                (pair.to_jwk_public_key(), pair.to_pem_private_key())
            }
        };
        public.set_key_id(kid);
        public.set_algorithm(algorithm.as_str());
        public.set_key_use("sig");
        Ok(StoredKey {
            kid: kid.to_owned(),
            algorithm,
            state: KeyState::Active,
            created_at: now,
            demoted_at: None,
            public_jwk: public.to_string(),
            sealed_private_key: seal::seal(&self.kek, kid, &private_pem)?,
        })
    }

    fn load(&self, keys: &[StoredKey]) -> Result<(), KeyError> {
        let loaded = self.build(keys)?;
        match self.loaded.write() {
            Ok(mut guard) => *guard = Arc::new(loaded),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(loaded),
        }
        Ok(())
    }

    fn jwks(&self) -> String {
        self.current().jwks.clone()
    }
}

impl TokenSigner for JoseKeyRing {
    fn sign(&self, claims: &AccessClaims) -> Result<String, SignError> {
        let loaded = self.current();
        let (kid, signer) = loaded.active.as_ref().ok_or(SignError::NoActiveKey)?;
        let mut header = JwsHeader::new();
        header.set_token_type("at+jwt");
        header.set_key_id(kid.as_str());
        let payload = claims::to_payload(claims).map_err(|e| SignError::Unexpected(anyhow!(e)))?;
        josekit::jwt::encode_with_signer(&payload, &header, signer.as_ref())
            .map_err(|e| SignError::Unexpected(anyhow!(e)))
    }
}

impl TokenVerifier for JoseKeyRing {
    fn verify(&self, token: &str, now: OffsetDateTime) -> Result<AccessClaims, VerifyError> {
        if token.len() > verify::MAX_TOKEN_BYTES {
            return Err(VerifyError::Malformed);
        }
        let loaded = self.current();
        let fingerprint: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        if let Some(checked) = loaded.verified.get(&fingerprint) {
            return checked.valid_at(now, self.policy.leeway_seconds);
        }
        let kid = verify::acceptable_kid(token, self.algorithm.as_str())?;
        let verifier = loaded.verifiers.get(&kid).ok_or(VerifyError::UnknownKey)?;
        let (payload, _header) = josekit::jwt::decode_with_verifier(token, verifier.as_ref())
            .map_err(|_| VerifyError::Signature)?;
        let expect = Expectations { issuer: &self.policy.issuer, audience: &self.policy.audience };
        let checked = claims::from_payload(&payload, &expect)?;
        let claims = checked.valid_at(now, self.policy.leeway_seconds)?;
        loaded.verified.insert(fingerprint, checked);
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use genesis_domain::{AccessGrant, AccessTokenPolicy, Role, Scope, UserId};
    use uuid::Uuid;

    use super::*;

    fn at(unix: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(unix).unwrap()
    }

    fn ring(algorithm: SigningAlgorithm) -> JoseKeyRing {
        let policy = VerifyPolicy {
            issuer: "http://issuer".into(),
            audience: "genesis-api".into(),
            leeway_seconds: 30,
        };
        JoseKeyRing::new(Kek::generate().unwrap(), algorithm, policy)
    }

    fn claims(now: OffsetDateTime) -> AccessClaims {
        let policy = AccessTokenPolicy::new(900, "http://issuer", "genesis-api").unwrap();
        let scope = Scope::parse("read").unwrap();
        policy.claims_for(
            AccessGrant {
                subject: &UserId::from_uuid(Uuid::from_u128(5)).to_string(),
                client_id: "browser",
                token_id: Uuid::from_u128(6),
                scope: &scope,
                session_id: None,
                role: Some(Role::User),
            },
            now,
        )
    }

    fn loaded(algorithm: SigningAlgorithm) -> (JoseKeyRing, StoredKey) {
        let ring = ring(algorithm);
        let key = ring.generate(algorithm, "kid-1", at(0)).unwrap();
        ring.load(std::slice::from_ref(&key)).unwrap();
        (ring, key)
    }

    #[test]
    fn a_signed_token_verifies_with_its_claims_intact() {
        for algorithm in [SigningAlgorithm::EdDsa, SigningAlgorithm::Rs256] {
            let (ring, _) = loaded(algorithm);
            let token = ring.sign(&claims(at(1_000_000))).unwrap();
            assert_eq!(ring.verify(&token, at(1_000_100)).unwrap(), claims(at(1_000_000)));
        }
    }

    #[test]
    fn an_expired_token_is_refused_after_the_leeway() {
        let (ring, _) = loaded(SigningAlgorithm::EdDsa);
        let token = ring.sign(&claims(at(1_000_000))).unwrap();
        assert!(ring.verify(&token, at(1_000_000 + 900 + 29)).is_ok());
        assert_eq!(ring.verify(&token, at(1_000_000 + 900 + 30)), Err(VerifyError::Time));
    }

    #[test]
    fn a_remembered_token_still_expires() {
        let (ring, _) = loaded(SigningAlgorithm::EdDsa);
        let token = ring.sign(&claims(at(1_000_000))).unwrap();
        assert!(ring.verify(&token, at(1_000_001)).is_ok());
        assert!(ring.verify(&token, at(1_000_002)).is_ok(), "served from the cache");
        assert_eq!(ring.verify(&token, at(1_000_000 + 900 + 30)), Err(VerifyError::Time));
        assert_eq!(ring.verify(&token, at(999_000)), Err(VerifyError::Time), "issued later");
    }

    #[test]
    fn a_remembered_token_with_one_byte_changed_is_verified_afresh_and_refused() {
        let (ring, _) = loaded(SigningAlgorithm::EdDsa);
        let token = ring.sign(&claims(at(1_000_000))).unwrap();
        assert!(ring.verify(&token, at(1_000_001)).is_ok());
        let mut forged = token.into_bytes();
        let last = forged.len() - 2;
        forged[last] = if forged[last] == b'A' { b'B' } else { b'A' };
        let forged = String::from_utf8(forged).unwrap();
        assert_eq!(ring.verify(&forged, at(1_000_001)), Err(VerifyError::Signature));
    }

    #[test]
    fn loading_keys_forgets_every_remembered_token() {
        let (ring, mut key) = loaded(SigningAlgorithm::EdDsa);
        let token = ring.sign(&claims(at(1_000_000))).unwrap();
        assert!(ring.verify(&token, at(1_000_001)).is_ok());
        key.state = KeyState::Retired;
        ring.load(&[key]).unwrap();
        assert_eq!(ring.verify(&token, at(1_000_002)), Err(VerifyError::UnknownKey));
    }

    #[test]
    fn a_token_from_another_ring_is_unknown_or_forged() {
        let (ring, _) = loaded(SigningAlgorithm::EdDsa);
        let (other, _) = loaded(SigningAlgorithm::EdDsa); // same kid, another key
        let token = other.sign(&claims(at(1_000_000))).unwrap();
        assert_eq!(ring.verify(&token, at(1_000_001)), Err(VerifyError::Signature));
    }

    #[test]
    fn the_jwks_publishes_public_halves_only() {
        let (ring, key) = loaded(SigningAlgorithm::EdDsa);
        let jwks: Value = serde_json::from_str(&ring.jwks()).unwrap();
        let published = &jwks["keys"][0];
        assert_eq!(published["kid"], "kid-1");
        assert_eq!(published["alg"], "EdDSA");
        assert_eq!(published["use"], "sig");
        assert!(published.get("d").is_none());
        assert!(!key.sealed_private_key.contains("PRIVATE"));
    }

    #[test]
    fn a_key_sealed_under_another_kek_does_not_load() {
        let (_, key) = loaded(SigningAlgorithm::EdDsa);
        assert!(matches!(ring(SigningAlgorithm::EdDsa).load(&[key]), Err(KeyError::WrongKek)));
    }

    #[test]
    fn without_an_active_key_nothing_is_signed() {
        assert!(matches!(
            ring(SigningAlgorithm::EdDsa).sign(&claims(at(0))),
            Err(SignError::NoActiveKey)
        ));
    }
}
