//! # genesis-bench
//!
//! The benchmark harness's Rust parts: `benches/primitives.rs` measures the raw cost floor
//! (argon2id at the server's cost on one and two threads, Ed25519 and RS256 signing and
//! verification through the server's own key ring, SHA-256 of a refresh token) with criterion,
//! and the `refresh-load` binary drives refresh-token rotation, where every request must use the
//! token the previous one returned (a flow a generic load generator cannot follow).
//! `bench/run.py` runs both, drives the other scenarios with wrk, and writes
//! `docs/performance.md`.
//!
//! **May depend on:** anything; nothing depends on it.
