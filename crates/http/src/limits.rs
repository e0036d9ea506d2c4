//! Rate limits at the edge: per client address on the token and registration endpoints, per
//! user on profile and account writes.

use actix_web::HttpRequest;
use genesis_app::Principal;
use genesis_domain::{RateBucket, RateDecision};

use crate::error::ApiError;
use crate::forwarded::client_ip;
use crate::HttpState;

async fn check(
    state: &HttpState,
    bucket: RateBucket,
    key: &str,
    oauth: bool,
) -> Result<(), ApiError> {
    match state.rate_limiter.check(bucket, key).await {
        Ok(RateDecision::Allowed) => Ok(()),
        Ok(RateDecision::Limited { retry_after_seconds }) => {
            tracing::info!(bucket = bucket.as_str(), "rate limited");
            metrics::counter!("genesis_rate_limited_total", "bucket" => bucket.as_str())
                .increment(1);
            Err(ApiError::RateLimited { retry_after_seconds, oauth })
        }
        // No limit is silently skipped: without its state the request is refused.
        Err(err) => Err(ApiError::infrastructure(genesis_app::Infrastructure::from(err), oauth)),
    }
}

/// Takes one token from the client address's bucket (the address as trusted proxies report it).
pub(crate) async fn per_client(
    state: &HttpState,
    req: &HttpRequest,
    bucket: RateBucket,
    oauth: bool,
) -> Result<(), ApiError> {
    let ip = client_ip(req, &state.site.trusted_proxies)
        .map(|ip| ip.to_string())
        .unwrap_or_else(|| "unknown".to_owned());
    check(state, bucket, &ip, oauth).await
}

/// Takes one token from the user's bucket of profile and account writes.
pub(crate) async fn per_user(state: &HttpState, who: &Principal) -> Result<(), ApiError> {
    check(state, RateBucket::AccountWrites, &who.user_id.to_string(), false).await
}
