//! Checks that need more than a type: ranges, enumerations, profile rules. Each failure names
//! its key.

use std::net::SocketAddr;

use genesis_domain::{SigningAlgorithm, MAX_ACCESS_TTL_SECONDS};

use super::{Settings, SettingsError};

fn fail(message: impl Into<String>) -> Result<(), SettingsError> {
    Err(SettingsError(message.into()))
}

/// Refuses unusable or (in `prod`) unsafe settings.
pub fn validate(s: &Settings) -> Result<(), SettingsError> {
    if !matches!(s.server.profile.as_str(), "dev" | "prod") {
        return fail("server.profile must be 'dev' or 'prod'");
    }
    let Ok(bind) = s.server.bind.parse::<SocketAddr>() else {
        return fail("server.bind must be an address and port such as 127.0.0.1:8080");
    };
    if !(1..=MAX_ACCESS_TTL_SECONDS).contains(&s.tokens.access_ttl_seconds) {
        return fail("tokens.access_ttl_seconds must be between 1 and 3600");
    }
    if SigningAlgorithm::parse(&s.tokens.algorithm).is_none() {
        return fail("tokens.algorithm must be 'EdDSA' or 'RS256'");
    }
    if s.tokens.audience.trim().is_empty() {
        return fail("tokens.audience must not be empty");
    }
    if s.tokens.refresh_idle_ttl_seconds == 0 || s.tokens.refresh_absolute_ttl_seconds == 0 {
        return fail("tokens.refresh_idle_ttl_seconds and tokens.refresh_absolute_ttl_seconds must be positive");
    }
    let public_url = s.public_url();
    if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
        return fail("server.public_url must be an http:// or https:// URL");
    }
    if s.database.max_connections == 0 {
        return fail("database.max_connections must be at least 1");
    }
    if s.cors.allowed_origins.iter().any(|o| o.trim() == "*") {
        return fail("cors.allowed_origins must list exact origins; '*' is refused");
    }
    if let Some(kek) = &s.keys.kek {
        if genesis_jose::Kek::from_base64(kek).is_err() {
            return fail("keys.kek must be base64 of exactly 32 bytes");
        }
    }
    if s.argon2.max_concurrent == 0 {
        return fail("argon2.max_concurrent must be at least 1");
    }
    if s.argon2.memory_kib < 8 * s.argon2.parallelism.max(1)
        || s.argon2.iterations == 0
        || s.argon2.parallelism == 0
    {
        return fail("argon2.memory_kib, argon2.iterations and argon2.parallelism are outside argon2's limits");
    }
    if s.passwords.min_length == 0 || s.passwords.min_length > 256 {
        return fail("passwords.min_length must be between 1 and 256");
    }
    if s.lockout.max_failures == 0
        || s.lockout.base_delay_seconds == 0
        || s.lockout.max_delay_seconds < s.lockout.base_delay_seconds
    {
        return fail("lockout.max_failures and lockout.base_delay_seconds must be positive and lockout.max_delay_seconds at least the base delay");
    }
    for (key, value) in [
        ("limits.token_per_minute", s.limits.token_per_minute),
        ("limits.token_burst", s.limits.token_burst),
        ("limits.register_per_minute", s.limits.register_per_minute),
        ("limits.register_burst", s.limits.register_burst),
        ("limits.profile_per_minute", s.limits.profile_per_minute),
        ("limits.profile_burst", s.limits.profile_burst),
    ] {
        if value == 0 {
            return fail(format!("{key} must be at least 1"));
        }
    }
    if let Some(format) = &s.log.format {
        if !matches!(format.as_str(), "text" | "json") {
            return fail("log.format must be 'text' or 'json'");
        }
    }
    if s.server.tls_cert.is_some() != s.server.tls_key.is_some() {
        return fail("server.tls_cert and server.tls_key must be set together");
    }
    if s.redis
        .url
        .as_deref()
        .is_some_and(|url| !(url.starts_with("redis://") || url.starts_with("rediss://")))
    {
        return fail("redis.url must be a redis:// or rediss:// URL");
    }
    if s.server.trusted_proxies.iter().any(|cidr| parse_cidr(cidr).is_none()) {
        return fail(
            "server.trusted_proxies must list CIDRs such as 10.0.0.0/8 or single addresses",
        );
    }
    validate_clients(s)?;
    if s.is_prod() {
        validate_prod(s)
    } else if !bind.ip().is_loopback() {
        fail("server.bind must be a loopback address in the dev profile (use server.profile = \"prod\" to serve others)")
    } else {
        Ok(())
    }
}

/// A CIDR, or a single address as a /32 or /128.
pub fn parse_cidr(text: &str) -> Option<ipnet::IpNet> {
    let text = text.trim();
    text.parse::<ipnet::IpNet>()
        .ok()
        .or_else(|| text.parse::<std::net::IpAddr>().ok().map(ipnet::IpNet::from))
}

fn validate_clients(s: &Settings) -> Result<(), SettingsError> {
    let mut seen = std::collections::HashSet::new();
    for client in &s.clients {
        if client.id.is_empty()
            || client.id.len() > 128
            || !client.id.bytes().all(|b| b.is_ascii_graphic())
        {
            return fail("clients.id must be 1 to 128 printable ASCII characters");
        }
        if !seen.insert(client.id.as_str()) {
            return fail(format!("clients.id '{}' is listed twice", client.id));
        }
        match client.kind.as_str() {
            "service" => {
                if client.secret.as_deref().is_none_or(|secret| secret.chars().count() < 32) {
                    return fail(format!(
                        "clients.secret of service client '{}' must be at least 32 characters",
                        client.id
                    ));
                }
            }
            "browser" | "native" => {
                if client.secret.is_some() {
                    return fail(format!(
                        "clients.secret is only for service clients ('{}' is {})",
                        client.id, client.kind
                    ));
                }
            }
            _ => {
                return fail(format!(
                    "clients.kind of '{}' must be browser, native or service",
                    client.id
                ))
            }
        }
        if client.scopes.iter().any(|scope| {
            genesis_domain::Scope::parse(scope).is_none_or(|p| p.tokens().count() != 1)
        }) {
            return fail(format!("clients.scopes of '{}' must be single scope tokens", client.id));
        }
    }
    Ok(())
}

fn validate_prod(s: &Settings) -> Result<(), SettingsError> {
    if s.server.tls_cert.is_none() && s.server.trusted_proxies.is_empty() {
        return fail("server.tls_cert (or server.trusted_proxies behind a TLS proxy) is required in the prod profile");
    }
    if s.keys.kek.is_none() {
        return fail("keys.kek is required in the prod profile");
    }
    if !s.server.public_url.as_deref().is_some_and(|u| u.starts_with("https://")) {
        return fail("server.public_url must be an https:// URL in the prod profile");
    }
    if s.argon2.memory_kib < 19_456 || s.argon2.iterations < 2 {
        return fail("argon2.memory_kib must be at least 19456 and argon2.iterations at least 2 in the prod profile");
    }
    if s.passwords.min_length < 8 {
        return fail("passwords.min_length must be at least 8 in the prod profile");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid() {
        validate(&Settings::default()).unwrap();
    }

    #[test]
    fn an_access_lifetime_over_an_hour_names_its_key() {
        let mut s = Settings::default();
        s.tokens.access_ttl_seconds = 3601;
        assert!(validate(&s).unwrap_err().0.contains("tokens.access_ttl_seconds"));
    }

    #[test]
    fn a_wildcard_origin_is_refused() {
        let mut s = Settings::default();
        s.cors.allowed_origins = vec!["*".into()];
        assert!(validate(&s).unwrap_err().0.contains("cors.allowed_origins"));
    }

    #[test]
    fn dev_refuses_a_public_bind() {
        let mut s = Settings::default();
        s.server.bind = "0.0.0.0:8080".into();
        assert!(validate(&s).unwrap_err().0.contains("server.bind"));
    }

    #[test]
    fn prod_without_tls_or_proxies_is_refused() {
        let mut s = Settings::default();
        s.server.profile = "prod".into();
        assert!(validate(&s).unwrap_err().0.contains("server.tls_cert"));
    }

    #[test]
    fn a_service_client_needs_a_long_secret() {
        let mut s = Settings::default();
        s.clients.push(super::super::ClientSettings {
            id: "svc".into(),
            kind: "service".into(),
            secret: Some("short".into()),
            ..Default::default()
        });
        assert!(validate(&s).unwrap_err().0.contains("clients.secret"));
    }
}
