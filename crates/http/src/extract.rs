//! Extractors: the bearer principal, and the body-parsing error mapping.

use std::future::Future;
use std::pin::Pin;

use actix_web::error::{JsonPayloadError, UrlencodedError};
use actix_web::http::header::AUTHORIZATION;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest};
use genesis_app::{AuthenticateError, Principal};

use crate::error::{problem_response, ApiError, OAuthCode};
use crate::HttpState;

/// Largest JSON body accepted.
pub(crate) const MAX_JSON_BYTES: usize = 64 * 1024;
/// Largest form body accepted on the token endpoint.
pub(crate) const MAX_FORM_BYTES: usize = 16 * 1024;

/// The principal of a verified, unrevoked bearer access token taken from the `Authorization`
/// header only (never the query string, never a cookie). Only `authz` calls this.
pub(crate) fn authenticate(
    req: &HttpRequest,
) -> Pin<Box<dyn Future<Output = Result<Principal, ApiError>>>> {
    let state = req.app_data::<web::Data<HttpState>>().cloned();
    let token = bearer_token(req);
    Box::pin(async move {
        let state = state.ok_or(ApiError::Internal { oauth: false })?;
        let token = token?;
        match state.authenticate.execute(&token).await {
            Ok(principal) => Ok(principal),
            Err(AuthenticateError::Infrastructure(e)) => Err(ApiError::infrastructure(e, false)),
            Err(err) => {
                tracing::info!(reason = %err, "bearer token refused");
                Err(ApiError::Unauthorized { presented: true })
            }
        }
    })
}

/// The bearer token of the `Authorization` header.
fn bearer_token(req: &HttpRequest) -> Result<String, ApiError> {
    let Some(header) = req.headers().get(AUTHORIZATION) else {
        return Err(ApiError::Unauthorized { presented: false });
    };
    header
        .to_str()
        .ok()
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned())
        .filter(|token| !token.is_empty())
        .ok_or(ApiError::Unauthorized { presented: true })
}

/// JSON bodies: 64 KiB, `application/json` required; syntax errors 400, a wrong content type
/// 415, too large 413, well-formed JSON that does not fit the DTO 422. Messages never echo a
/// value from the body.
pub(crate) fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(MAX_JSON_BYTES)
        .content_type_required(true)
        .content_type(|mime| mime.subtype() == "json" || mime.suffix().is_some_and(|s| s == "json"))
        .error_handler(|err, _req| {
            let response = match &err {
                JsonPayloadError::ContentType => problem_response(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "The body must be application/json.",
                    None,
                ),
                JsonPayloadError::Overflow { .. }
                | JsonPayloadError::OverflowKnownLength { .. } => problem_response(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "The body is larger than 64 KiB.",
                    None,
                ),
                JsonPayloadError::Deserialize(e) if e.is_data() => problem_response(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &describe_data_error(&e.to_string()),
                    None,
                ),
                _ => problem_response(
                    StatusCode::BAD_REQUEST,
                    "The body is not well-formed JSON.",
                    None,
                ),
            };
            actix_web::error::InternalError::from_response(err, response).into()
        })
}

/// A serde data error without any value it may quote: unknown and missing fields are named
/// (names come from our DTOs or are the caller's own keys), anything else is generic.
fn describe_data_error(message: &str) -> String {
    for prefix in ["unknown field", "missing field", "duplicate field"] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let name: String =
                rest.trim_start().chars().take_while(|c| *c != ',').take(80).collect();
            let name: String = name.chars().filter(|c| !c.is_control()).collect();
            return format!("{prefix} {name}: the request has fields that are not allowed or lacks required ones.");
        }
    }
    "A field has a value of the wrong type.".to_owned()
}

/// Query strings: a malformed one is a 422 naming no value.
pub(crate) fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err, _req| {
        let response = problem_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            "The query parameters are invalid.",
            None,
        );
        actix_web::error::InternalError::from_response(err, response).into()
    })
}

/// Form bodies on the token endpoint: errors are RFC 6749 `invalid_request`.
pub(crate) fn form_config() -> web::FormConfig {
    web::FormConfig::default().limit(MAX_FORM_BYTES).error_handler(|err, _req| {
        let description = match err {
            UrlencodedError::Overflow { .. } => "The request body is too large.",
            UrlencodedError::ContentType => "The body must be application/x-www-form-urlencoded.",
            _ => "The request parameters are malformed or repeated.",
        };
        ApiError::oauth(OAuthCode::InvalidRequest, description).into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_errors_name_fields_but_never_quote_values() {
        assert!(describe_data_error("unknown field `role`, expected one of `a`, `b`")
            .contains("`role`"));
        let quoted = describe_data_error(
            "invalid type: string \"hunter2\", expected u32 at line 1 column 9",
        );
        assert!(!quoted.contains("hunter2"));
    }
}
