//! sea-orm entities, one per table (the schema itself is `genesis-migration`).

pub(crate) mod audit_event;
pub(crate) mod audit_head;
pub(crate) mod client;
pub(crate) mod login_throttle;
pub(crate) mod profile;
pub(crate) mod refresh_token;
pub(crate) mod revoked_token;
pub(crate) mod session;
pub(crate) mod signing_key;
pub(crate) mod user;
