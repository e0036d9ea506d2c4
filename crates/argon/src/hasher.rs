//! The argon2id hasher.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, Context};
use argon2::password_hash::{Output, ParamsString, PasswordHash as Phc, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use async_trait::async_trait;
use genesis_domain::{Password, PasswordHash};
use genesis_ports::{HashError, PasswordHasher};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::pool::BlockPool;

const OUTPUT_BYTES: usize = 32;
const SALT_BYTES: usize = 16;

/// The configured cost and bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Argon2Settings {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
    /// How many hashes may run at once.
    pub max_concurrent: usize,
    /// How long a request may wait for a hashing slot before it is shed.
    pub max_wait: Duration,
}

/// Settings argon2 refuses.
#[derive(Debug, thiserror::Error)]
#[error("invalid argon2 settings: {0}")]
pub struct SettingsError(String);

/// argon2id behind a semaphore, on the blocking pool, with pooled memory.
#[derive(Clone)]
pub struct Argon2Hasher {
    inner: Arc<Inner>,
}

struct Inner {
    params: Params,
    permits: Arc<Semaphore>,
    pool: BlockPool,
    dummy: String,
    max_wait: Duration,
}

impl Argon2Hasher {
    /// Builds the hasher and computes its dummy hash (one hash of work, at start-up).
    pub fn new(settings: Argon2Settings) -> Result<Self, SettingsError> {
        let params = Params::new(
            settings.memory_kib,
            settings.iterations,
            settings.parallelism,
            Some(OUTPUT_BYTES),
        )
        .map_err(|e| SettingsError(e.to_string()))?;
        if settings.max_concurrent == 0 {
            return Err(SettingsError("max_concurrent must be at least 1".into()));
        }
        let pool = BlockPool::new(params.block_count());
        let mut dummy_secret = [0u8; 32];
        getrandom::getrandom(&mut dummy_secret).map_err(|e| SettingsError(e.to_string()))?;
        // The dummy hash uses a throwaway area: an idle server keeps no argon2 memory (the pool
        // fills on demand, at most one area per permitted concurrent hash).
        let throwaway = BlockPool::new(params.block_count());
        let dummy = compute_phc(&params, &dummy_secret, &throwaway)
            .map_err(|e| SettingsError(e.to_string()))?;
        drop(throwaway);
        Ok(Self {
            inner: Arc::new(Inner {
                params,
                permits: Arc::new(Semaphore::new(settings.max_concurrent)),
                pool,
                dummy,
                max_wait: settings.max_wait,
            }),
        })
    }

    async fn slot(&self) -> Result<OwnedSemaphorePermit, HashError> {
        let acquire = Arc::clone(&self.inner.permits).acquire_owned();
        let waiting = metrics::gauge!("genesis_argon2_waiting");
        waiting.increment(1.0);
        let started = std::time::Instant::now();
        let outcome = tokio::time::timeout(self.inner.max_wait, acquire).await;
        waiting.decrement(1.0);
        metrics::histogram!("genesis_argon2_wait_seconds").record(started.elapsed().as_secs_f64());
        match outcome {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(closed)) => Err(HashError::Unexpected(anyhow!(closed))),
            Err(_elapsed) => {
                metrics::counter!("genesis_argon2_shed_total").increment(1);
                Err(HashError::Busy)
            }
        }
    }

    /// Runs `work` on the blocking pool while holding a slot; the slot is released when the
    /// work ends, even if the request that asked for it has gone.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Inner) -> anyhow::Result<T> + Send + 'static,
    ) -> Result<T, HashError> {
        let permit = self.slot().await?;
        let inner = Arc::clone(&self.inner);
        let joined = tokio::task::spawn_blocking(move || {
            let result = work(&inner);
            drop(permit);
            result
        })
        .await;
        joined.map_err(|e| HashError::Unexpected(anyhow!(e)))?.map_err(HashError::Unexpected)
    }
}

#[async_trait]
impl PasswordHasher for Argon2Hasher {
    async fn hash(&self, password: &Password) -> Result<PasswordHash, HashError> {
        let secret = password.expose().as_bytes().to_vec();
        let phc = self.run(move |inner| compute_phc(&inner.params, &secret, &inner.pool)).await?;
        Ok(PasswordHash::from_phc(phc))
    }

    async fn verify(&self, password: &Password, hash: &PasswordHash) -> Result<bool, HashError> {
        let secret = password.expose().as_bytes().to_vec();
        let phc = hash.as_phc().to_owned();
        self.run(move |inner| verify_phc(&phc, &secret, &inner.pool)).await
    }

    async fn verify_dummy(&self, password: &Password) -> Result<(), HashError> {
        let secret = password.expose().as_bytes().to_vec();
        self.run(move |inner| verify_phc(&inner.dummy, &secret, &inner.pool).map(|_| ())).await
    }
}

fn argon(params: &Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
}

fn raw_hash(
    params: &Params,
    secret: &[u8],
    salt: &[u8],
    pool: &BlockPool,
) -> anyhow::Result<[u8; OUTPUT_BYTES]> {
    let mut out = [0u8; OUTPUT_BYTES];
    let mut area = pool.take(params.block_count());
    let result = argon(params).hash_password_into_with_memory(secret, salt, &mut out, &mut area);
    pool.give_back(area);
    result.map_err(|e| anyhow!("argon2: {e}"))?;
    Ok(out)
}

fn compute_phc(params: &Params, secret: &[u8], pool: &BlockPool) -> anyhow::Result<String> {
    let mut salt = [0u8; SALT_BYTES];
    getrandom::getrandom(&mut salt).map_err(|e| anyhow!("salt: {e}"))?;
    let out = raw_hash(params, secret, &salt, pool)?;
    let salt_string = SaltString::encode_b64(&salt).map_err(|e| anyhow!("salt: {e}"))?;
    let phc = Phc {
        algorithm: argon2::ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(|e| anyhow!("params: {e}"))?,
        salt: Some(salt_string.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| anyhow!("output: {e}"))?),
    };
    Ok(phc.to_string())
}

fn verify_phc(phc: &str, secret: &[u8], pool: &BlockPool) -> anyhow::Result<bool> {
    let parsed = Phc::new(phc).map_err(|e| anyhow!("stored hash is not a PHC string: {e}"))?;
    if parsed.algorithm != argon2::ARGON2ID_IDENT {
        return Err(anyhow!("stored hash is not argon2id"));
    }
    let params = Params::try_from(&parsed).map_err(|e| anyhow!("stored hash parameters: {e}"))?;
    let mut salt_buf = [0u8; 64];
    let salt = parsed
        .salt
        .context("stored hash has no salt")?
        .decode_b64(&mut salt_buf)
        .map_err(|e| anyhow!("salt: {e}"))?;
    let expected = parsed.hash.context("stored hash has no output")?;
    let params =
        Params::new(params.m_cost(), params.t_cost(), params.p_cost(), Some(expected.len()))
            .map_err(|e| anyhow!("stored hash parameters: {e}"))?;
    let mut out = vec![0u8; expected.len()];
    let mut area = pool.take(params.block_count());
    let result = argon(&params).hash_password_into_with_memory(secret, salt, &mut out, &mut area);
    pool.give_back(area);
    result.map_err(|e| anyhow!("argon2: {e}"))?;
    // `Output`'s equality is constant-time.
    Ok(Output::new(&out).map_err(|e| anyhow!("output: {e}"))? == expected)
}

#[cfg(test)]
mod tests {
    use genesis_domain::PasswordPolicy;

    use super::*;

    fn hasher(max_concurrent: usize, max_wait: Duration) -> Argon2Hasher {
        Argon2Hasher::new(Argon2Settings {
            memory_kib: 1024,
            iterations: 1,
            parallelism: 1,
            max_concurrent,
            max_wait,
        })
        .unwrap()
    }

    fn password(raw: &str) -> Password {
        PasswordPolicy::new(1).parse_new(raw).unwrap()
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_no_other() {
        let hasher = hasher(2, Duration::from_secs(5));
        let hash = hasher.hash(&password("correct horse")).await.unwrap();
        assert!(hash.as_phc().starts_with("$argon2id$v=19$m=1024,t=1,p=1$"));
        assert!(hasher.verify(&password("correct horse"), &hash).await.unwrap());
        assert!(!hasher.verify(&password("correct horsE"), &hash).await.unwrap());
    }

    #[tokio::test]
    async fn the_same_password_hashes_differently_each_time() {
        let hasher = hasher(2, Duration::from_secs(5));
        let a = hasher.hash(&password("same")).await.unwrap();
        let b = hasher.hash(&password("same")).await.unwrap();
        assert_ne!(a, b);
    }

    #[tokio::test]
    async fn passwords_sharing_their_first_72_bytes_are_different_passwords() {
        let hasher = hasher(2, Duration::from_secs(5));
        let stem = "x".repeat(72);
        let hash = hasher.hash(&password(&format!("{stem}a"))).await.unwrap();
        assert!(!hasher.verify(&password(&format!("{stem}b")), &hash).await.unwrap());
    }

    #[tokio::test]
    async fn a_hash_made_at_another_cost_still_verifies() {
        let old = Argon2Hasher::new(Argon2Settings {
            memory_kib: 2048,
            iterations: 2,
            parallelism: 1,
            max_concurrent: 1,
            max_wait: Duration::from_secs(5),
        })
        .unwrap();
        let hash = old.hash(&password("upgrade me")).await.unwrap();
        assert!(hasher(1, Duration::from_secs(5))
            .verify(&password("upgrade me"), &hash)
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn a_hash_is_shed_when_no_slot_frees_within_the_wait() {
        let hasher = hasher(1, Duration::from_millis(20));
        let _held = hasher.slot().await.unwrap();
        assert!(matches!(hasher.hash(&password("waiting")).await, Err(HashError::Busy)));
    }

    #[tokio::test]
    async fn the_dummy_verification_succeeds_without_matching() {
        let hasher = hasher(1, Duration::from_secs(5));
        hasher.verify_dummy(&password("anything")).await.unwrap();
    }

    #[tokio::test]
    async fn a_corrupt_stored_hash_is_an_error_not_a_match() {
        let hasher = hasher(1, Duration::from_secs(5));
        let corrupt = PasswordHash::from_phc("$argon2id$garbage".into());
        assert!(hasher.verify(&password("x"), &corrupt).await.is_err());
    }
}
