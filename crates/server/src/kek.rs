//! Finding the key-encryption key: `keys.kek`, or in `dev` the file `genesis.kek` (created on
//! first start with mode 0600, with a warning).

use std::io::Write;
use std::path::Path;

use genesis_jose::Kek;

use crate::exit::Failure;
use crate::Settings;

/// Where the dev profile keeps its generated KEK.
const DEV_KEK_FILE: &str = "genesis.kek";

pub(crate) fn resolve(settings: &Settings) -> Result<Kek, Failure> {
    if let Some(text) = &settings.keys.kek {
        return Kek::from_base64(text).map_err(|_| {
            Failure::Config(
                "configuration error: keys.kek must be base64 of exactly 32 bytes".into(),
            )
        });
    }
    if settings.is_prod() {
        return Err(Failure::Config(
            "configuration error: keys.kek is required in the prod profile".into(),
        ));
    }
    let path = Path::new(DEV_KEK_FILE);
    if path.exists() {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::runtime("reading genesis.kek", e))?;
        return Kek::from_base64(&text)
            .map_err(|_| Failure::Runtime("genesis.kek does not hold base64 of 32 bytes".into()));
    }
    let kek =
        Kek::generate().map_err(|e| Failure::runtime("generating a key-encryption key", e))?;
    write_private(path, &kek.to_base64())
        .map_err(|e| Failure::runtime("writing genesis.kek", e))?;
    tracing::warn!(
        file = DEV_KEK_FILE,
        "generated a key-encryption key for the dev profile; set keys.kek (GENESIS__KEYS__KEK) from a secret store in production"
    );
    Ok(kek)
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()
}
