//! # genesis (the binary's library)
//!
//! Configuration, telemetry, the CLI and the wiring of adapters into use cases. No business
//! logic lives here: each command loads the settings, builds what it needs, and hands over.
//!
//! **May depend on:** every Genesis crate, `clap`, `config`, `tracing-subscriber`, `tokio`.
//!
//! **Key decision:** `main` is a page. Settings are loaded and validated once, up front, and a
//! bad value exits 2 with one line naming the key before any port is opened; runtime failures
//! exit 1 with one line; nothing ever prints a panic trace or a secret.

mod cli;
mod commands;
mod exit;
mod kek;
mod metrics;
mod output;
mod settings;
mod telemetry;
mod upkeep;
mod wiring;

pub use settings::{load as load_settings, Settings};

/// Runs the CLI and returns the process exit code (0 success, 1 runtime failure, 2 usage or
/// configuration error).
pub fn main() -> std::process::ExitCode {
    cli::run()
}
