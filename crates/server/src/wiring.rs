//! Building adapters and use cases from the settings.

use std::sync::Arc;
use std::time::Duration;

use genesis_app::{
    Authenticate, Client, ClientKind, ClientRegistry, CurrentUser, PasswordLogin, Ports, Profiles,
    Register, SessionPolicy, SigningKeys,
};
use genesis_argon::{Argon2Hasher, Argon2Settings};
use genesis_domain::{AccessTokenPolicy, PasswordPolicy, Scope, SigningAlgorithm};
use genesis_http::HttpState;
use genesis_jose::{JoseKeyRing, VerifyPolicy};
use genesis_ports::{RandomIds, SystemClock};
use genesis_store::{ConnectError, Store};

use crate::exit::Failure;
use crate::{kek, Settings};

/// How long a login may wait for a hashing slot before it is shed with a 503.
const HASH_SLOT_WAIT: Duration = Duration::from_secs(2);
/// Clock skew tolerated on `exp`, `nbf` and `iat`.
const TOKEN_LEEWAY_SECONDS: i64 = 30;

/// Opens the database (and applies migrations when asked).
pub(crate) async fn open_store(settings: &Settings, migrate: bool) -> Result<Store, Failure> {
    let store = genesis_store::connect(&settings.database.url, settings.database.max_connections)
        .await
        .map_err(connect_failure)?;
    if migrate {
        genesis_store::migrate(&store).await.map_err(connect_failure)?;
    }
    Ok(store)
}

fn connect_failure(err: ConnectError) -> Failure {
    match err {
        ConnectError::Scheme => Failure::Config(
            "configuration error: database.url must start with sqlite:, mysql: or postgres:".into(),
        ),
        other => {
            let cause =
                std::error::Error::source(&other).map(ToString::to_string).unwrap_or_default();
            Failure::Runtime(format!("{other}: {cause}"))
        }
    }
}

/// The configured signing algorithm (validated at load).
pub(crate) fn algorithm(settings: &Settings) -> SigningAlgorithm {
    SigningAlgorithm::parse(&settings.tokens.algorithm).unwrap_or(SigningAlgorithm::EdDsa)
}

/// Every port, over the store and the crypto adapters.
pub(crate) fn ports(settings: &Settings, store: &Store) -> Result<Ports, Failure> {
    let hasher = Argon2Hasher::new(Argon2Settings {
        memory_kib: settings.argon2.memory_kib,
        iterations: settings.argon2.iterations,
        parallelism: settings.argon2.parallelism,
        max_concurrent: settings.argon2.max_concurrent,
        max_wait: HASH_SLOT_WAIT,
    })
    .map_err(|e| Failure::Config(format!("configuration error: argon2: {e}")))?;
    let key_ring = Arc::new(JoseKeyRing::new(
        kek::resolve(settings)?,
        algorithm(settings),
        VerifyPolicy {
            issuer: settings.public_url(),
            audience: settings.tokens.audience.clone(),
            leeway_seconds: TOKEN_LEEWAY_SECONDS,
        },
    ));
    let store = Arc::new(store.clone());
    Ok(Ports {
        users: store.clone(),
        profiles: store.clone(),
        sessions: store.clone(),
        keys: store.clone(),
        audit: store,
        hasher: Arc::new(hasher),
        signer: key_ring.clone(),
        verifier: key_ring.clone(),
        key_material: key_ring,
        clock: Arc::new(SystemClock),
        ids: Arc::new(RandomIds),
    })
}

/// The registration use case (shared by `POST /users` and `genesis users create`).
pub(crate) fn register(settings: &Settings, ports: &Ports) -> Register {
    Register::new(ports.clone(), PasswordPolicy::new(settings.passwords.min_length))
}

fn clients(settings: &Settings) -> ClientRegistry {
    let scopes = |list: &[String]| Scope::parse(&list.join(" ")).unwrap_or_default();
    let configured = settings
        .clients
        .iter()
        .filter_map(|c| {
            Some(Client {
                id: c.id.clone(),
                kind: ClientKind::parse(&c.kind)?,
                allowed_scopes: scopes(&c.scopes),
            })
        })
        .collect();
    ClientRegistry::new(Scope::default(), configured)
}

/// The HTTP adapter's state.
pub(crate) fn http_state(
    settings: &Settings,
    ports: &Ports,
    store: &Store,
) -> Result<HttpState, Failure> {
    let tokens = AccessTokenPolicy::new(
        settings.tokens.access_ttl_seconds,
        &settings.public_url(),
        &settings.tokens.audience,
    )
    .map_err(|e| Failure::Config(format!("configuration error: tokens: {e}")))?;
    let absolute = i64::try_from(settings.tokens.refresh_absolute_ttl_seconds).unwrap_or(i64::MAX);
    let sessions = SessionPolicy { absolute_ttl: time::Duration::seconds(absolute) };
    Ok(HttpState {
        register: register(settings, ports),
        login: PasswordLogin::new(ports.clone(), clients(settings), tokens, sessions),
        authenticate: Authenticate::new(ports.clone()),
        current_user: CurrentUser::new(ports.clone()),
        profiles: Profiles::new(ports.clone()),
        keys: ports.key_material.clone(),
        readiness: Arc::new(store.clone()),
    })
}

/// Makes sure a signing key exists and is loaded.
pub(crate) async fn ready_keys(settings: &Settings, ports: &Ports) -> Result<(), Failure> {
    match SigningKeys::new(ports.clone()).ensure_active(algorithm(settings)).await {
        Ok(Some(kid)) => {
            tracing::info!(kid = %kid, algorithm = %settings.tokens.algorithm, "generated the first signing key");
            Ok(())
        }
        Ok(None) => Ok(()),
        Err(err) => Err(Failure::runtime("loading signing keys", err)),
    }
}
