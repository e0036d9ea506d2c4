//! The one place where outcomes become HTTP: problem+json (RFC 9457) everywhere, RFC 6749
//! §5.2 bodies on the token endpoint.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use genesis_app::{FieldErrors, Infrastructure};
use serde_json::json;

use crate::context::current_request_id;

/// Seconds a client should wait before retrying after a 503.
const RETRY_AFTER_SECONDS: &str = "5";

/// Every error response Genesis sends.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ApiError {
    /// A problem+json response.
    #[error("{status}: {detail}")]
    Problem { status: StatusCode, detail: &'static str, errors: Option<FieldErrors> },
    /// A 401 for a protected route. `presented` says whether a token was sent (and refused).
    #[error("unauthorized")]
    Unauthorized { presented: bool },
    /// An RFC 6749 error from the token endpoint.
    #[error("oauth error {code}")]
    OAuth { status: StatusCode, code: OAuthCode, description: &'static str },
    /// A backing service is down or saturated (503 with Retry-After).
    #[error("unavailable")]
    Unavailable { oauth: bool },
    /// Over a rate limit (429 with Retry-After).
    #[error("rate limited")]
    RateLimited { retry_after_seconds: u64, oauth: bool },
    /// A bug: a generic 500 (the cause is logged where this is built).
    #[error("internal")]
    Internal { oauth: bool },
}

/// RFC 6749 §5.2 error codes (and RFC 6750's `invalid_token`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OAuthCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    InvalidScope,
    UnauthorizedClient,
    UnsupportedGrantType,
    TemporarilyUnavailable,
    ServerError,
}

impl std::fmt::Display for OAuthCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::InvalidScope => "invalid_scope",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
            Self::ServerError => "server_error",
        })
    }
}

impl ApiError {
    pub(crate) fn problem(status: StatusCode, detail: &'static str) -> Self {
        Self::Problem { status, detail, errors: None }
    }

    pub(crate) fn invalid(errors: FieldErrors) -> Self {
        Self::Problem {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            detail: "The request has invalid fields.",
            errors: Some(errors),
        }
    }

    pub(crate) fn oauth(code: OAuthCode, description: &'static str) -> Self {
        let status = match code {
            OAuthCode::InvalidClient => StatusCode::UNAUTHORIZED,
            OAuthCode::TemporarilyUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            OAuthCode::ServerError => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        };
        Self::OAuth { status, code, description }
    }

    /// The RFC 6749 answer to a failed grant.
    pub(crate) fn grant(err: genesis_app::GrantError) -> Self {
        use genesis_app::GrantError;
        match err {
            GrantError::InvalidGrant => {
                Self::oauth(OAuthCode::InvalidGrant, "The grant is not valid.")
            }
            GrantError::InvalidClient => {
                Self::oauth(OAuthCode::InvalidClient, "Client authentication failed.")
            }
            GrantError::UnauthorizedClient => {
                Self::oauth(OAuthCode::UnauthorizedClient, "The client may not use this grant.")
            }
            GrantError::InvalidScope => {
                Self::oauth(OAuthCode::InvalidScope, "The requested scope is not allowed.")
            }
            GrantError::Busy => Self::Unavailable { oauth: true },
            GrantError::Infrastructure(e) => Self::infrastructure(e, true),
        }
    }

    /// Logs the cause once and returns the public error for it.
    pub(crate) fn infrastructure(err: Infrastructure, oauth: bool) -> Self {
        match err {
            Infrastructure::Unavailable(cause) => {
                tracing::warn!(error = %format!("{cause:#}"), "backing service unavailable");
                Self::Unavailable { oauth }
            }
            Infrastructure::Unexpected(cause) => {
                tracing::error!(error = %format!("{cause:#}"), "unexpected failure");
                Self::Internal { oauth }
            }
        }
    }
}

fn problem_body(
    status: StatusCode,
    detail: &str,
    errors: Option<&FieldErrors>,
) -> serde_json::Value {
    let mut body = json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": detail,
        "request_id": current_request_id(),
    });
    if let (Some(errors), Some(map)) = (errors, body.as_object_mut()) {
        let list: Vec<_> =
            errors.0.iter().map(|e| json!({"field": e.field, "message": e.message})).collect();
        map.insert("errors".into(), json!(list));
    }
    body
}

/// A problem+json response (also used by the 404/405 fallbacks and the body-parsing errors).
pub(crate) fn problem_response(
    status: StatusCode,
    detail: &str,
    errors: Option<&FieldErrors>,
) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/problem+json")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(problem_body(status, detail, errors).to_string())
}

fn oauth_response(status: StatusCode, code: OAuthCode, description: &str) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    response
        .content_type("application/json")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"));
    if code == OAuthCode::InvalidClient {
        response.insert_header((header::WWW_AUTHENTICATE, r#"Basic realm="genesis""#));
    }
    response.body(json!({"error": code.to_string(), "error_description": description}).to_string())
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Problem { status, .. } | Self::OAuth { status, .. } => *status,
            Self::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
            Self::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            Self::Problem { status, detail, errors } => {
                problem_response(*status, detail, errors.as_ref())
            }
            Self::OAuth { status, code, description } => {
                oauth_response(*status, *code, description)
            }
            Self::Unauthorized { presented } => {
                let challenge = if *presented {
                    r#"Bearer realm="genesis", error="invalid_token""#
                } else {
                    r#"Bearer realm="genesis""#
                };
                let mut response = problem_response(
                    StatusCode::UNAUTHORIZED,
                    "A valid bearer access token is required.",
                    None,
                );
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
                response
            }
            Self::Unavailable { oauth } => {
                let mut response = if *oauth {
                    oauth_response(
                        StatusCode::SERVICE_UNAVAILABLE,
                        OAuthCode::TemporarilyUnavailable,
                        "The service is temporarily unavailable; retry later.",
                    )
                } else {
                    problem_response(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "The service is temporarily unavailable; retry later.",
                        None,
                    )
                };
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER_SECONDS));
                response
            }
            Self::RateLimited { retry_after_seconds, oauth } => {
                let status = StatusCode::TOO_MANY_REQUESTS;
                let detail = "Too many requests; retry after the delay in Retry-After.";
                let mut response = if *oauth {
                    oauth_response(status, OAuthCode::TemporarilyUnavailable, detail)
                } else {
                    problem_response(status, detail, None)
                };
                if let Ok(value) = HeaderValue::from_str(&retry_after_seconds.to_string()) {
                    response.headers_mut().insert(header::RETRY_AFTER, value);
                }
                response
            }
            Self::Internal { oauth: true } => oauth_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                OAuthCode::ServerError,
                "An unexpected error occurred.",
            ),
            Self::Internal { oauth: false } => problem_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "An unexpected error occurred.",
                None,
            ),
        }
    }
}
