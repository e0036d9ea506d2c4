//! Logs: tracing to standard error, human-readable in `dev` and JSON lines in `prod` (or as
//! `log.format` says), filtered by `RUST_LOG` or `log.level`.

use tracing_subscriber::EnvFilter;

use crate::Settings;

/// Installs the global subscriber once; later calls do nothing.
pub(crate) fn init(settings: &Settings) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&settings.log.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let json = match settings.log.format.as_deref() {
        Some(format) => format == "json",
        None => settings.is_prod(),
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false);
    let _ = if json { builder.json().flatten_event(true).try_init() } else { builder.try_init() };
}
