//! Mocked ports for the use-case tests.

use std::sync::Arc;

use genesis_domain::{AccessTokenPolicy, NewUser, RefreshPolicy, User};
use genesis_ports::{
    MockAuditLog, MockClientRepository, MockClock, MockIdGenerator, MockKeyMaterial, MockKeyStore,
    MockLoginThrottle, MockPasswordHasher, MockProfileRepository, MockRevocationList,
    MockSessionStore, MockTokenSigner, MockTokenVerifier, MockUserRepository,
};
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::Ports;

/// A fixed instant for tests.
pub(crate) fn at(unix: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(unix).unwrap()
}

/// Default token policies.
pub(crate) fn policies() -> crate::TokenPolicies {
    crate::TokenPolicies {
        access: AccessTokenPolicy::new(900, "http://issuer", "genesis-api").unwrap(),
        refresh: RefreshPolicy { idle_ttl: Duration::days(14), absolute_ttl: Duration::days(30) },
    }
}

/// The user the store would return for `new`.
pub(crate) fn stored(new: NewUser) -> User {
    User {
        id: new.id,
        username: new.username,
        email: new.email,
        password_hash: new.password_hash,
        role: new.role,
        disabled: false,
        created_at: new.created_at,
        updated_at: new.created_at,
        last_login_at: None,
    }
}

/// One mock per port; the clock and id generator answer fixed values.
pub(crate) struct TestPorts {
    pub users: MockUserRepository,
    pub profiles: MockProfileRepository,
    pub sessions: MockSessionStore,
    pub revocations: MockRevocationList,
    pub clients: MockClientRepository,
    pub keys: MockKeyStore,
    pub audit: MockAuditLog,
    pub throttle: MockLoginThrottle,
    pub hasher: MockPasswordHasher,
    pub signer: MockTokenSigner,
    pub verifier: MockTokenVerifier,
    pub key_material: MockKeyMaterial,
}

impl TestPorts {
    pub fn new() -> Self {
        Self {
            users: MockUserRepository::new(),
            profiles: MockProfileRepository::new(),
            sessions: MockSessionStore::new(),
            revocations: MockRevocationList::new(),
            clients: MockClientRepository::new(),
            keys: MockKeyStore::new(),
            audit: MockAuditLog::new(),
            throttle: MockLoginThrottle::new(),
            hasher: MockPasswordHasher::new(),
            signer: MockTokenSigner::new(),
            verifier: MockTokenVerifier::new(),
            key_material: MockKeyMaterial::new(),
        }
    }

    pub fn build(self) -> Ports {
        let mut clock = MockClock::new();
        clock.expect_now().returning(|| at(1_800_000_000));
        let mut ids = MockIdGenerator::new();
        ids.expect_new_id().returning(Uuid::new_v4);
        ids.expect_secret()
            .returning(|| *Uuid::new_v4().as_bytes().repeat(2).first_chunk::<32>().unwrap());
        Ports {
            users: Arc::new(self.users),
            profiles: Arc::new(self.profiles),
            sessions: Arc::new(self.sessions),
            revocations: Arc::new(self.revocations),
            clients: Arc::new(self.clients),
            keys: Arc::new(self.keys),
            audit: Arc::new(self.audit),
            throttle: Arc::new(self.throttle),
            hasher: Arc::new(self.hasher),
            signer: Arc::new(self.signer),
            verifier: Arc::new(self.verifier),
            key_material: Arc::new(self.key_material),
            clock: Arc::new(clock),
            ids: Arc::new(ids),
        }
    }
}
