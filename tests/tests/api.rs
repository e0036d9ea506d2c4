//! Black-box tests of the real server over HTTP. Each scenario runs on SQLite, MariaDB and
//! PostgreSQL unless it says why not.
//!
//! This whole crate is test code: a failed step panics with what went wrong.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod api {
    pub mod support;

    pub mod abuse;
    pub mod access;
    pub mod audit;
    pub mod cli;
    pub mod deployment;
    pub mod edge;
    pub mod errors;
    pub mod fuzz;
    pub mod identity;
    pub mod interop;
    pub mod lifecycle;
    pub mod metrics;
    pub mod openapi;
    pub mod profiles;
    pub mod refresh;
    pub mod revocation;
    pub mod scale;
    pub mod tokens;
}
