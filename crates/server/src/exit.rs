//! The ways a command ends badly, each with its exit code.

use std::process::ExitCode;

/// A failed command: its one-line message and exit code.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failure {
    /// Usage or configuration error: exit 2.
    #[error("{0}")]
    Config(String),
    /// Runtime failure: exit 1.
    #[error("{0}")]
    Runtime(String),
}

impl Failure {
    pub(crate) fn runtime(context: &str, err: impl std::fmt::Display) -> Self {
        Self::Runtime(format!("{context}: {err}"))
    }

    pub(crate) fn code(&self) -> ExitCode {
        match self {
            Self::Config(_) => ExitCode::from(2),
            Self::Runtime(_) => ExitCode::from(1),
        }
    }
}

impl From<crate::settings::SettingsError> for Failure {
    fn from(err: crate::settings::SettingsError) -> Self {
        Self::Config(format!("configuration error: {}", err.0))
    }
}
