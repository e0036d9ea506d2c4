//! `genesis clients create | list`.

use std::io::Read;

use genesis_app::{ClientAdmin, ClientAdminError, NewClientRequest};
use genesis_domain::{Client, ClientKind, GrantType, SecretToken};
use serde_json::json;

use super::cli_context::cli_context;
use crate::exit::Failure;
use crate::{output, wiring, Settings};

/// What `clients create` was asked for.
pub(crate) struct CreateArgs {
    pub id: String,
    pub kind: String,
    pub secret_stdin: bool,
    pub grants: Vec<String>,
    pub scopes: Vec<String>,
}

/// Registers a client. For a service client without `--secret-stdin`, a 256-bit secret is
/// generated and printed once (`secret: …`); only its digest is stored.
pub(crate) async fn create(settings: Settings, args: CreateArgs) -> Result<(), Failure> {
    let kind = ClientKind::parse(&args.kind)
        .ok_or_else(|| Failure::Config("--kind must be browser, native or service".into()))?;
    let secret = if args.secret_stdin { Some(read_secret()?) } else { None };
    let store = wiring::open_store(&settings, true).await?;
    let ports = wiring::ports(&settings, &store)?;
    let admin = ClientAdmin::new(ports.clone(), wiring::clients(&settings, &ports));
    let request =
        NewClientRequest { id: args.id, kind, secret, grants: args.grants, scopes: args.scopes };
    let result = admin.create(request, &cli_context()).await;
    store.close().await;
    let (client, secret) = result.map_err(|err| match err {
        ClientAdminError::Invalid(why) => Failure::Config(format!("invalid client: {why}")),
        ClientAdminError::Duplicate => Failure::Runtime("a client with this id exists".into()),
        ClientAdminError::Infrastructure(e) => Failure::runtime("creating the client", e),
    })?;
    output::line(&client.id);
    if let (Some(secret), false) = (secret, args.secret_stdin) {
        output::line(&format!("secret: {}", secret.expose()));
    }
    Ok(())
}

/// Prints every client: configured ones and registered ones (JSON lines with `--json`).
pub(crate) async fn list(settings: Settings, as_json: bool) -> Result<(), Failure> {
    let store = wiring::open_store(&settings, true).await?;
    let ports = wiring::ports(&settings, &store)?;
    let registered =
        ClientAdmin::new(ports.clone(), wiring::clients(&settings, &ports)).list().await;
    store.close().await;
    let registered = registered.map_err(|e| Failure::runtime("listing clients", e))?;
    let configured = settings
        .clients
        .iter()
        .map(|c| (c.id.clone(), c.kind.clone(), c.scopes.join(" "), c.grants.join(" "), "config"));
    let stored = registered.iter().map(|c: &Client| {
        let grants: Vec<&str> = c.grants.iter().map(GrantType::as_str).collect();
        (
            c.id.clone(),
            c.kind.as_str().to_owned(),
            c.allowed_scopes.to_string(),
            grants.join(" "),
            "database",
        )
    });
    for (id, kind, scopes, grants, source) in configured.chain(stored) {
        if as_json {
            output::line(&json!({"id": id, "kind": kind, "scopes": scopes, "grants": grants, "source": source}).to_string());
        } else {
            output::line(&format!("{id}\t{kind}\t{scopes}\t{grants}\t{source}"));
        }
    }
    Ok(())
}

fn read_secret() -> Result<SecretToken, Failure> {
    let mut raw = String::new();
    std::io::stdin()
        .take(4096)
        .read_to_string(&mut raw)
        .map_err(|_| Failure::Config("the secret on standard input must be UTF-8 text".into()))?;
    let trimmed = raw.strip_suffix("\r\n").or_else(|| raw.strip_suffix('\n')).unwrap_or(&raw);
    SecretToken::presented(trimmed)
        .ok_or_else(|| Failure::Config("the secret must be printable ASCII without spaces".into()))
}
