//! # genesis-domain
//!
//! The vocabulary of Genesis: parsed value types (`Username`, `Email`, `Password`, `UserId`,
//! `Role`), entities (`User` vs `NewUser`, `Profile`), the access-token policy and the claims an
//! access token carries, and one typed error per operation.
//!
//! **May depend on:** pure data crates only (`uuid`, `time`, `secrecy`, `thiserror`,
//! `unicode-normalization`, `email_address`). Never on anything async, on I/O, on a framework or
//! on another Genesis crate.
//!
//! **Key decision:** parse, don't validate. Every value that crosses a trust boundary becomes a
//! newtype with a private field, built only by a `parse` constructor that returns a typed error,
//! so a `Username` in hand is always a valid one. Time arrives as a parameter: nothing here reads
//! a clock.

mod audit;
mod audit_chain;
mod client;
mod email;
mod key;
mod limits;
mod password;
mod profile;
mod role;
mod secret_token;
mod session;
mod token;
mod user;
mod username;

pub use audit::{AuditEvent, AuditKind, Outcome, Party, RequestContext};
pub use audit_chain::{ChainBreak, ChainVerifier, ChainedRecord, CHAIN_START};
pub use client::{Client, ClientKind, GrantType, BROWSER_CLIENT_ID};
pub use email::{Email, EmailError};
pub use key::{KeyState, SigningAlgorithm, StoredKey};
pub use limits::{LockoutPolicy, RateBucket, RateDecision, RateLimit};
pub use password::{Password, PasswordError, PasswordPolicy, MAX_PASSWORD_BYTES};
pub use profile::{NewProfile, Profile, ProfileError, ProfileField, ProfilePatch};
pub use role::{Role, RoleError};
pub use secret_token::{SecretDigest, SecretToken, SECRET_BYTES};
pub use session::{NewRefreshToken, NewSession, RefreshPolicy, Session, SessionId};
pub use token::{
    AccessClaims, AccessGrant, AccessTokenPolicy, Scope, TokenPolicyError,
    DEFAULT_ACCESS_TTL_SECONDS, MAX_ACCESS_TTL_SECONDS,
};
pub use user::{NewUser, PasswordHash, User, UserId, UserIdError};
pub use username::{Username, UsernameError};
