//! Revocation (RFC 7009) and introspection (RFC 7662).

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use genesis_app::Introspection;
use serde_json::json;

use crate::client_auth::{authenticated_client, client_credentials, resolved_client};
use crate::context::request_context;
use crate::dto::TokenLookupForm;
use crate::error::{ApiError, OAuthCode};
use crate::openapi::{IntrospectionBody, OAuthErrorBody};
use crate::HttpState;

fn required_token(form: &TokenLookupForm) -> Result<&str, ApiError> {
    form.token
        .as_deref()
        .filter(|t| !t.is_empty())
        .ok_or_else(|| ApiError::oauth(OAuthCode::InvalidRequest, "token is required."))
}

/// `POST /oauth/revoke`: 200 whether or not the token was known. Public clients name
/// themselves with `client_id` (the browser client when absent); service clients authenticate.
#[utoipa::path(post, path = "/oauth/revoke", tag = "oauth", request_body(content = TokenLookupForm, content_type = "application/x-www-form-urlencoded"), responses((status = 200, description = "Revoked, or unknown"), (status = 400, body = OAuthErrorBody), (status = 401, body = OAuthErrorBody)))]
pub(crate) async fn revoke(
    state: web::Data<HttpState>,
    req: HttpRequest,
    form: web::Form<TokenLookupForm>,
) -> Result<HttpResponse, ApiError> {
    let form = form.into_inner();
    let credentials =
        client_credentials(&req, form.client_id.as_deref(), form.client_secret.as_deref())?;
    let token = required_token(&form)?;
    let client = resolved_client(&state, &credentials).await?;
    state
        .revoke
        .execute(
            token,
            form.token_type_hint.as_deref(),
            &client,
            &state.authenticate,
            &request_context(&req),
        )
        .await
        .map_err(|e| ApiError::infrastructure(e, true))?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).finish())
}

/// `POST /oauth/introspect`: for authenticated service clients only. Anything not live is
/// exactly `{"active": false}`.
#[utoipa::path(post, path = "/oauth/introspect", tag = "oauth", security(("client_basic" = [])), request_body(content = TokenLookupForm, content_type = "application/x-www-form-urlencoded"), responses((status = 200, body = IntrospectionBody), (status = 400, body = OAuthErrorBody), (status = 401, body = OAuthErrorBody)))]
pub(crate) async fn introspect(
    state: web::Data<HttpState>,
    req: HttpRequest,
    form: web::Form<TokenLookupForm>,
) -> Result<HttpResponse, ApiError> {
    let form = form.into_inner();
    let credentials =
        client_credentials(&req, form.client_id.as_deref(), form.client_secret.as_deref())?;
    let caller = authenticated_client(&state, credentials).await?;
    let token = required_token(&form)?;
    let found = state
        .introspect
        .execute(
            token,
            form.token_type_hint.as_deref(),
            &caller,
            &state.authenticate,
            &request_context(&req),
        )
        .await
        .map_err(|e| ApiError::infrastructure(e, true))?;
    let body = match found {
        Introspection::Inactive => json!({"active": false}),
        Introspection::Access(claims) => {
            let mut body = json!({
                "active": true,
                "token_type": "access_token",
                "scope": claims.scope.to_string(),
                "client_id": claims.client_id,
                "sub": claims.subject,
                "iss": claims.issuer,
                "aud": claims.audience,
                "iat": claims.issued_at.unix_timestamp(),
                "exp": claims.expires_at.unix_timestamp(),
                "jti": claims.token_id.hyphenated().to_string(),
            });
            if let (Some(sid), Some(map)) = (claims.session_id, body.as_object_mut()) {
                map.insert("sid".into(), json!(sid.to_string()));
            }
            body
        }
        Introspection::Refresh(state) => json!({
            "active": true,
            "token_type": "refresh_token",
            "scope": state.session.scope.to_string(),
            "client_id": state.session.client_id,
            "sub": state.session.user_id.to_string(),
            "exp": state.expires_at.unix_timestamp(),
            "sid": state.session.id.to_string(),
        }),
    };
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "no-store")).json(body))
}
