//! Configuration: defaults → TOML file (`--config` / `GENESIS_CONFIG`) → `GENESIS__SECTION__KEY`
//! environment variables, loaded once and validated before anything starts.

mod validate;

use std::path::Path;

use config::{Config, Environment, File, FileFormat};
use serde::{Deserialize, Serialize};

pub use validate::{parse_cidr, validate};

/// Every key the contract names (CONTRACT §2). Unknown keys are refused, so a typo in a
/// security setting cannot pass silently.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub redis: RedisSettings,
    pub tokens: TokenSettings,
    pub keys: KeySettings,
    pub cors: CorsSettings,
    pub limits: LimitSettings,
    pub lockout: LockoutSettings,
    pub passwords: PasswordSettings,
    pub argon2: Argon2Config,
    pub audit: AuditSettings,
    pub log: LogSettings,
    pub clients: Vec<ClientSettings>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerSettings {
    pub bind: String,
    /// The token issuer; defaults to `http://{bind}` in `dev`.
    pub public_url: Option<String>,
    pub profile: String,
    pub tls_cert: Option<String>,
    pub tls_key: Option<String>,
    pub trusted_proxies: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseSettings {
    pub url: String,
    pub max_connections: u32,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RedisSettings {
    pub url: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct TokenSettings {
    pub algorithm: String,
    pub audience: String,
    pub access_ttl_seconds: u64,
    pub refresh_idle_ttl_seconds: u64,
    pub refresh_absolute_ttl_seconds: u64,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct KeySettings {
    /// Base64 of 32 bytes. Secret: redacted by `genesis config`.
    pub kek: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct CorsSettings {
    pub allowed_origins: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitSettings {
    pub token_per_minute: u32,
    pub token_burst: u32,
    pub register_per_minute: u32,
    pub register_burst: u32,
    pub profile_per_minute: u32,
    pub profile_burst: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct LockoutSettings {
    pub max_failures: u32,
    pub base_delay_seconds: u64,
    pub max_delay_seconds: u64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct PasswordSettings {
    pub min_length: usize,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Argon2Config {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
    pub max_concurrent: usize,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuditSettings {
    pub stdout: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogSettings {
    /// A tracing filter (`info`, `genesis=debug,info`); `RUST_LOG` wins when set.
    pub level: String,
    /// `text` or `json`; defaults to text in `dev` and JSON in `prod`.
    pub format: Option<String>,
}

/// One `[[clients]]` table.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ClientSettings {
    pub id: String,
    pub kind: String,
    /// Secret of a `service` client (at least 32 characters). Redacted by `genesis config`.
    pub secret: Option<String>,
    pub scopes: Vec<String>,
    pub grants: Vec<String>,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            public_url: None,
            profile: "dev".into(),
            tls_cert: None,
            tls_key: None,
            trusted_proxies: Vec::new(),
        }
    }
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self { url: "sqlite://genesis.db?mode=rwc".into(), max_connections: 10 }
    }
}

impl Default for TokenSettings {
    fn default() -> Self {
        Self {
            algorithm: "EdDSA".into(),
            audience: "genesis-api".into(),
            access_ttl_seconds: 900,
            refresh_idle_ttl_seconds: 1_209_600,
            refresh_absolute_ttl_seconds: 2_592_000,
        }
    }
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self {
            token_per_minute: 30,
            token_burst: 10,
            register_per_minute: 10,
            register_burst: 5,
            profile_per_minute: 60,
            profile_burst: 20,
        }
    }
}

impl Default for LockoutSettings {
    fn default() -> Self {
        Self { max_failures: 10, base_delay_seconds: 60, max_delay_seconds: 900 }
    }
}

impl Default for PasswordSettings {
    fn default() -> Self {
        Self { min_length: 12 }
    }
}

impl Default for Argon2Config {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map(usize::from).unwrap_or(1);
        Self { memory_kib: 19_456, iterations: 2, parallelism: 1, max_concurrent: 2 * cores }
    }
}

impl Default for AuditSettings {
    fn default() -> Self {
        Self { stdout: true }
    }
}

impl Default for LogSettings {
    fn default() -> Self {
        Self { level: "info".into(), format: None }
    }
}

/// Why the configuration could not be loaded. The message names the key and never a secret.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SettingsError(pub String);

/// Keys whose environment values are comma-separated lists.
const LIST_KEYS: [&str; 2] = ["server.trusted_proxies", "cors.allowed_origins"];

/// Loads the layered configuration. `file` must exist when given.
pub fn load(file: Option<&Path>) -> Result<Settings, SettingsError> {
    let defaults = Config::try_from(&Settings::default())
        .map_err(|e| SettingsError(format!("defaults: {e}")))?;
    let mut builder = Config::builder().add_source(defaults);
    if let Some(path) = file {
        if !path.is_file() {
            return Err(SettingsError(format!(
                "configuration file {} does not exist",
                path.display()
            )));
        }
        let text = std::fs::read_to_string(path)
            .map_err(|e| SettingsError(format!("configuration file {}: {e}", path.display())))?;
        builder = builder.add_source(File::from_str(&text, FileFormat::Toml));
    }
    let mut environment = Environment::with_prefix("GENESIS")
        .prefix_separator("__")
        .separator("__")
        .list_separator(",")
        .try_parsing(true);
    for key in LIST_KEYS {
        environment = environment.with_list_parse_key(key);
    }
    let config = builder
        .add_source(environment)
        .build()
        .map_err(|e| SettingsError(one_line(&e.to_string())))?;
    config.try_deserialize().map_err(|e| SettingsError(one_line(&e.to_string())))
}

fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Settings {
    /// The token issuer: `server.public_url`, or `http://{bind}` when unset.
    pub fn public_url(&self) -> String {
        self.server.public_url.clone().unwrap_or_else(|| format!("http://{}", self.server.bind))
    }

    /// True in the `prod` profile.
    pub fn is_prod(&self) -> bool {
        self.server.profile == "prod"
    }

    /// A copy with every secret replaced by `<redacted>`.
    pub fn redacted(&self) -> Self {
        let mut copy = self.clone();
        let hide = |value: &mut Option<String>| {
            if value.is_some() {
                *value = Some("<redacted>".into());
            }
        };
        hide(&mut copy.keys.kek);
        for client in &mut copy.clients {
            hide(&mut client.secret);
        }
        copy.database.url = redact_url_password(&copy.database.url);
        if let Some(url) = copy.redis.url.as_mut() {
            *url = redact_url_password(url);
        }
        copy
    }
}

/// `scheme://user:secret@host` → `scheme://user:<redacted>@host`.
fn redact_url_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let Some((credentials, host)) = rest.rsplit_once('@') else { return url.to_owned() };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:<redacted>@{host}"),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_passwords_are_redacted() {
        assert_eq!(
            redact_url_password("mysql://root:pw@db:3306/x"),
            "mysql://root:<redacted>@db:3306/x"
        );
        assert_eq!(
            redact_url_password("sqlite://genesis.db?mode=rwc"),
            "sqlite://genesis.db?mode=rwc"
        );
    }
}
