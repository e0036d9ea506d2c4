//! # genesis-tests
//!
//! The black-box tests of Genesis (`tests/api.rs` and its harness in `tests/support/`):
//! `spawn_app` starts this binary — the `genesis` entry point, built beside the tests so that
//! `cargo test` always runs the current code (Cargo exposes its path to the tests as
//! `CARGO_BIN_EXE_genesis-under-test`) — on port 0 with a fresh database, and tests talk HTTP
//! to it and nothing else.
//!
//! **May depend on:** `genesis` (the entry point), and for the harness `reqwest`, `tokio`,
//! `sea-orm` (only to create and drop test databases) and `josekit` (only to verify and forge
//! tokens as a relying party or an attacker would).
//!
//! **Key decision:** a database that cannot be reached FAILS the test with the command that
//! starts it; nothing is skipped silently.

fn main() -> std::process::ExitCode {
    genesis::main()
}
