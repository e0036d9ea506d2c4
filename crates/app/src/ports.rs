//! The bundle of port implementations the use cases are built from.

use std::sync::Arc;

use genesis_ports::{
    AuditLog, Clock, IdGenerator, KeyMaterial, KeyStore, PasswordHasher, ProfileRepository,
    SessionStore, TokenSigner, TokenVerifier, UserRepository,
};

/// Every port, as shared trait objects. The binary fills it with adapters; tests with mocks.
#[derive(Clone)]
pub struct Ports {
    pub users: Arc<dyn UserRepository>,
    pub profiles: Arc<dyn ProfileRepository>,
    pub sessions: Arc<dyn SessionStore>,
    pub keys: Arc<dyn KeyStore>,
    pub audit: Arc<dyn AuditLog>,
    pub hasher: Arc<dyn PasswordHasher>,
    pub signer: Arc<dyn TokenSigner>,
    pub verifier: Arc<dyn TokenVerifier>,
    pub key_material: Arc<dyn KeyMaterial>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdGenerator>,
}
