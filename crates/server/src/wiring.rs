//! Building adapters and use cases from the settings.

use std::sync::Arc;
use std::time::Duration;

use genesis_app::{
    AdminUsers, AuditTrail, Authenticate, Authorize, ClientCredentials, Clients, CurrentUser,
    Introspect, PasswordLogin, Ports, Profiles, RefreshGrant, Register, Revoke, SelfService,
    Sessions, SigningKeys, TokenPolicies,
};
use genesis_argon::{Argon2Hasher, Argon2Settings};
use genesis_domain::{
    AccessTokenPolicy, Client, ClientKind, GrantType, LockoutPolicy, PasswordPolicy, RateLimit,
    RefreshPolicy, Scope, SecretToken, SigningAlgorithm,
};
use genesis_http::{HttpState, Site};
use genesis_jose::{JoseKeyRing, VerifyPolicy};
use genesis_ports::{LoginThrottle, RandomIds, RateLimiter, SystemClock};
use genesis_store::{ConnectError, Store};
use genesis_throttle::{
    Limits, MemoryRateLimiter, MirroredLoginThrottle, RedisLoginThrottle, RedisRateLimiter,
};

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
        revocations: store.clone(),
        clients: store.clone(),
        keys: store.clone(),
        audit: store.clone(),
        throttle: store,
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

/// The clients of the configuration's `[[clients]]` tables (validated at load).
fn configured_clients(settings: &Settings) -> Vec<Client> {
    settings
        .clients
        .iter()
        .filter_map(|c| {
            let kind = ClientKind::parse(&c.kind)?;
            let grants = if c.grants.is_empty() {
                GrantType::defaults_for(kind)
            } else {
                c.grants.iter().filter_map(|g| GrantType::parse(g)).collect()
            };
            Some(Client {
                id: c.id.clone(),
                kind,
                allowed_scopes: Scope::parse(&c.scopes.join(" ")).unwrap_or_default(),
                grants,
                secret_digest: c
                    .secret
                    .as_deref()
                    .and_then(SecretToken::presented)
                    .map(|s| s.digest()),
            })
        })
        .collect()
}

/// Every client this server knows.
pub(crate) fn clients(settings: &Settings, ports: &Ports) -> Clients {
    Clients::new(configured_clients(settings), ports.clients.clone())
}

fn seconds(value: u64) -> time::Duration {
    time::Duration::seconds(i64::try_from(value).unwrap_or(i64::MAX))
}

/// The token lifetimes and claims.
pub(crate) fn token_policies(settings: &Settings) -> Result<TokenPolicies, Failure> {
    let access = AccessTokenPolicy::new(
        settings.tokens.access_ttl_seconds,
        &settings.public_url(),
        &settings.tokens.audience,
    )
    .map_err(|e| Failure::Config(format!("configuration error: tokens: {e}")))?;
    let refresh = RefreshPolicy {
        idle_ttl: seconds(settings.tokens.refresh_idle_ttl_seconds),
        absolute_ttl: seconds(settings.tokens.refresh_absolute_ttl_seconds),
    };
    Ok(TokenPolicies { access, refresh })
}

/// The account throttling policy.
fn lockout(settings: &Settings) -> LockoutPolicy {
    LockoutPolicy {
        max_failures: settings.lockout.max_failures,
        base_delay: seconds(settings.lockout.base_delay_seconds),
        max_delay: seconds(settings.lockout.max_delay_seconds),
    }
}

/// The rate limits.
fn limits(settings: &Settings) -> Limits {
    let l = &settings.limits;
    Limits {
        token: RateLimit { per_minute: l.token_per_minute, burst: l.token_burst },
        register: RateLimit { per_minute: l.register_per_minute, burst: l.register_burst },
        account_writes: RateLimit { per_minute: l.profile_per_minute, burst: l.profile_burst },
    }
}

/// The rate limiter: shared through Redis when `redis.url` is set (so limits are global across
/// instances), else in this process's memory.
pub(crate) async fn rate_limiter(settings: &Settings) -> Result<Arc<dyn RateLimiter>, Failure> {
    match &settings.redis.url {
        Some(url) => {
            let limiter = RedisRateLimiter::connect(url, limits(settings))
                .await
                .map_err(|e| Failure::Runtime(format!("redis is unreachable at start: {e}")))?;
            Ok(Arc::new(limiter))
        }
        None => Ok(Arc::new(MemoryRateLimiter::new(limits(settings)))),
    }
}

/// The account throttle: the database's alone, or, when `redis.url` is set, mirrored in Redis
/// so that every instance on that Redis shares it at once (the database still remembers it
/// across Redis restarts).
pub(crate) async fn login_throttle(
    settings: &Settings,
    durable: Arc<dyn LoginThrottle>,
) -> Result<Arc<dyn LoginThrottle>, Failure> {
    let Some(url) = &settings.redis.url else { return Ok(durable) };
    let shared = RedisLoginThrottle::connect(url)
        .await
        .map_err(|e| Failure::Runtime(format!("redis is unreachable at start: {e}")))?;
    Ok(Arc::new(MirroredLoginThrottle::new(Arc::new(shared), durable)))
}

/// The HTTP adapter's state.
pub(crate) fn http_state(
    settings: &Settings,
    ports: &Ports,
    store: &Store,
    keys: Arc<SigningKeys>,
    rate_limiter: Arc<dyn RateLimiter>,
) -> Result<HttpState, Failure> {
    let policies = token_policies(settings)?;
    let mut scopes: Vec<String> =
        settings.clients.iter().flat_map(|c| c.scopes.iter().cloned()).collect();
    scopes.sort();
    scopes.dedup();
    Ok(HttpState {
        register: register(settings, ports),
        login: PasswordLogin::new(ports.clone(), policies.clone(), lockout(settings)),
        refresh: RefreshGrant::new(ports.clone(), policies.clone()),
        client_credentials: ClientCredentials::new(ports.clone(), policies),
        clients: clients(settings, ports),
        authenticate: Authenticate::new(ports.clone(), keys),
        authorize: Authorize::new(ports.clone()),
        admin_users: AdminUsers::new(ports.clone()),
        audit_trail: AuditTrail::new(ports.clone()),
        self_service: SelfService::new(
            ports.clone(),
            PasswordPolicy::new(settings.passwords.min_length),
        ),
        revoke: Revoke::new(ports.clone()),
        introspect: Introspect::new(ports.clone()),
        sessions: Sessions::new(ports.clone()),
        current_user: CurrentUser::new(ports.clone()),
        profiles: Profiles::new(ports.clone()),
        keys: ports.key_material.clone(),
        readiness: Arc::new(store.clone()),
        rate_limiter,
        metrics: None,
        site: Site {
            issuer: settings.public_url(),
            signing_algorithm: settings.tokens.algorithm.clone(),
            allowed_origins: settings.cors.allowed_origins.clone(),
            scopes,
            trusted_proxies: settings
                .server
                .trusted_proxies
                .iter()
                .filter_map(|c| crate::settings::parse_cidr(c))
                .collect(),
        },
    })
}

/// Makes sure a signing key exists and is loaded; returns the key use cases, shared with the
/// bearer authentication and the key watcher.
pub(crate) async fn ready_keys(
    settings: &Settings,
    ports: &Ports,
) -> Result<Arc<SigningKeys>, Failure> {
    let keys = Arc::new(SigningKeys::new(ports.clone()));
    match keys.ensure_active(algorithm(settings)).await {
        Ok(Some(kid)) => {
            tracing::info!(kid = %kid, algorithm = %settings.tokens.algorithm, "generated the first signing key");
        }
        Ok(None) => {}
        Err(err) => return Err(Failure::runtime("loading signing keys", err)),
    }
    Ok(keys)
}
