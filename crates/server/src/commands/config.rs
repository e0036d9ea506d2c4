//! `genesis config`.

use crate::exit::Failure;
use crate::{output, Settings};

/// Prints the effective configuration as TOML, every secret redacted.
pub(crate) fn run(settings: &Settings) -> Result<(), Failure> {
    let mut redacted = settings.redacted();
    redacted.server.public_url = Some(settings.public_url());
    let text = toml::to_string(&redacted)
        .map_err(|e| Failure::runtime("rendering the configuration", e))?;
    output::line(text.trim_end());
    Ok(())
}
