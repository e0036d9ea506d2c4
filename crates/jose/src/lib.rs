//! # genesis-jose
//!
//! The signing adapter: generates EdDSA (Ed25519) or RS256 key pairs, seals their private
//! halves under the key-encryption key, signs RFC 9068 access tokens (`typ: at+jwt`, `kid`),
//! verifies them strictly and publishes the JWKS. Implements `TokenSigner`, `TokenVerifier` and
//! `KeyMaterial`.
//!
//! **May depend on:** `genesis-ports`, `genesis-domain`, `josekit`, `serde_json`, `base64`,
//! `getrandom`. Never on another adapter.
//!
//! **Key decision:** the header is parsed and judged by our own code *before* josekit touches the
//! signature: exactly the configured algorithm, `typ` `at+jwt`, a `kid` naming one of our keys,
//! and no `jwk`, `jku`, `x5u`, `x5c` or `crit`. The key that verifies is chosen from our key
//! ring, never from the token. Private keys at rest are JWE (`dir`, `A256GCM`) under the KEK
//! with the `kid` in the authenticated header, so a sealed key cannot be swapped between rows.

mod claims;
mod kek;
mod keyring;
mod seal;
mod verify;

pub use kek::{Kek, KekError};
pub use keyring::{JoseKeyRing, VerifyPolicy};
