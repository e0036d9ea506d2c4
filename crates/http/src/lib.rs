//! # genesis-http
//!
//! The actix-web driving adapter: routes, request and response DTOs, the one `ApiError` that
//! maps every use-case outcome to a status and a hand-written body, the bearer extractor, and
//! the middleware every response passes through (request ids, security headers, trailing-slash
//! normalisation, body limits).
//!
//! **May depend on:** `genesis-app`, `genesis-ports`, `genesis-domain`, `actix-web`, `serde`.
//! Never on an adapter: the binary hands it ready-made use cases.
//!
//! **Key decision:** HTTP mapping happens once, in `error.rs`. Public text is written by hand,
//! never `err.to_string()`; the cause chain is logged once at that boundary, and every error body
//! (problem+json, or RFC 6749 §5.2 on the token endpoint) carries the request id.

mod audit_json;
mod authz;
mod client_auth;
mod context;
mod cookie;
mod dto;
mod error;
mod extract;
mod forwarded;
mod limits;
mod middleware;
mod openapi;
mod routes;
mod server;
mod state;

pub use audit_json::{audit_record_line, audit_record_value};
pub use openapi::openapi_json_text;
pub use server::{bind, load_tls, serve, HttpOptions, ServeError, TlsFiles};
pub use state::{HttpState, Site};
