//! The bundle of port implementations the use cases are built from.

use std::sync::Arc;

use genesis_ports::{
    AuditLog, ClientRepository, Clock, IdGenerator, KeyMaterial, KeyStore, LoginThrottle,
    PasswordHasher, ProfileRepository, RevocationList, SessionStore, TokenSigner, TokenVerifier,
    UserRepository,
};

/// Every port, as shared trait objects. The binary fills it with adapters; tests with mocks.
#[derive(Clone)]
pub struct Ports {
    pub users: Arc<dyn UserRepository>,
    pub profiles: Arc<dyn ProfileRepository>,
    pub sessions: Arc<dyn SessionStore>,
    pub revocations: Arc<dyn RevocationList>,
    pub clients: Arc<dyn ClientRepository>,
    pub keys: Arc<dyn KeyStore>,
    pub audit: Arc<dyn AuditLog>,
    pub throttle: Arc<dyn LoginThrottle>,
    pub hasher: Arc<dyn PasswordHasher>,
    pub signer: Arc<dyn TokenSigner>,
    pub verifier: Arc<dyn TokenVerifier>,
    pub key_material: Arc<dyn KeyMaterial>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdGenerator>,
}
