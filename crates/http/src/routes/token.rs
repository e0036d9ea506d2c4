//! The token endpoint (`/token`, `/oauth/token`, and `/refresh_token` for the refresh grant).

use actix_web::http::header::{self, ORIGIN};
use actix_web::{web, HttpRequest, HttpResponse};
use genesis_app::{IssuedToken, LoginRequest, RefreshDelivery, RefreshRequest};
use genesis_domain::{RateBucket, SecretToken};

use crate::client_auth::{authenticated_client, client_credentials, resolved_client};
use crate::context::request_context;
use crate::cookie::{presented_refresh_cookie, refresh_cookie};
use crate::dto::{TokenBody, TokenForm};
use crate::error::{ApiError, OAuthCode};
use crate::openapi::OAuthErrorBody;
use crate::{limits, HttpState};

/// `POST /token`: the `password`, `refresh_token` and `client_credentials` grants. A missing
/// `grant_type` with a username and a password is the password grant.
#[utoipa::path(post, path = "/token", tag = "oauth", request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"), responses((status = 200, description = "Tokens (also at /oauth/token); browser clients get the refresh token in the __Host-genesis_rt cookie", body = TokenBody), (status = 400, body = OAuthErrorBody), (status = 401, body = OAuthErrorBody), (status = 429, body = OAuthErrorBody), (status = 503, body = OAuthErrorBody)))]
pub(crate) async fn token(
    state: web::Data<HttpState>,
    req: HttpRequest,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, ApiError> {
    limits::per_client(&state, &req, RateBucket::Token, true).await?;
    let form = form.into_inner();
    let grant = match form.grant_type.as_deref() {
        Some(grant) => grant.to_owned(),
        None if form.username.is_some() && form.password.is_some() => "password".to_owned(),
        None => return Err(ApiError::oauth(OAuthCode::InvalidRequest, "grant_type is required.")),
    };
    match grant.as_str() {
        "password" => password_grant(&state, &req, form).await,
        "refresh_token" => refresh_grant(&state, &req, form).await,
        "client_credentials" => client_credentials_grant(&state, &req, form).await,
        _ => Err(ApiError::oauth(
            OAuthCode::UnsupportedGrantType,
            "This grant type is not supported.",
        )),
    }
}

/// `POST /refresh_token`: the refresh grant, whatever `grant_type` says.
#[utoipa::path(post, path = "/refresh_token", tag = "oauth", request_body(content = TokenForm, content_type = "application/x-www-form-urlencoded"), responses((status = 200, body = TokenBody), (status = 400, body = OAuthErrorBody), (status = 401, body = OAuthErrorBody), (status = 429, body = OAuthErrorBody)))]
pub(crate) async fn refresh_alias(
    state: web::Data<HttpState>,
    req: HttpRequest,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, ApiError> {
    limits::per_client(&state, &req, RateBucket::Token, true).await?;
    refresh_grant(&state, &req, form.into_inner()).await
}

async fn password_grant(
    state: &HttpState,
    req: &HttpRequest,
    form: TokenForm,
) -> Result<HttpResponse, ApiError> {
    let credentials =
        client_credentials(req, form.client_id.as_deref(), form.client_secret.as_deref())?;
    let (Some(username), Some(password)) = (form.username, form.password) else {
        return Err(ApiError::oauth(
            OAuthCode::InvalidRequest,
            "username and password are required.",
        ));
    };
    let client = resolved_client(state, &credentials).await?;
    let request = LoginRequest { username, password: password.into(), client, scope: form.scope };
    let issued =
        state.login.execute(request, &request_context(req)).await.map_err(ApiError::grant)?;
    Ok(token_response(issued))
}

async fn refresh_grant(
    state: &HttpState,
    req: &HttpRequest,
    form: TokenForm,
) -> Result<HttpResponse, ApiError> {
    let credentials =
        client_credentials(req, form.client_id.as_deref(), form.client_secret.as_deref())?;
    let raw = match form.refresh_token {
        Some(token) => token,
        None => {
            let cookie = presented_refresh_cookie(req).ok_or_else(|| {
                ApiError::oauth(OAuthCode::InvalidRequest, "refresh_token is required.")
            })?;
            refuse_cross_site(state, req)?;
            cookie
        }
    };
    let refresh_token = SecretToken::presented(&raw)
        .ok_or_else(|| ApiError::oauth(OAuthCode::InvalidGrant, "The grant is not valid."))?;
    let client = resolved_client(state, &credentials).await?;
    let issued = state
        .refresh
        .execute(RefreshRequest { refresh_token, client }, &request_context(req))
        .await
        .map_err(ApiError::grant)?;
    Ok(token_response(issued))
}

/// A cookie-borne refresh from another site's page is refused: the cookie is `SameSite=Strict`,
/// and this holds even for browsers that ignore that.
fn refuse_cross_site(state: &HttpState, req: &HttpRequest) -> Result<(), ApiError> {
    let Some(origin) = req.headers().get(ORIGIN) else { return Ok(()) };
    let origin = origin.to_str().unwrap_or("");
    let allowed =
        origin == state.site.own_origin() || state.site.allowed_origins.iter().any(|o| o == origin);
    if allowed {
        Ok(())
    } else {
        Err(ApiError::oauth(OAuthCode::InvalidRequest, "Cross-site refresh requests are refused."))
    }
}

async fn client_credentials_grant(
    state: &HttpState,
    req: &HttpRequest,
    form: TokenForm,
) -> Result<HttpResponse, ApiError> {
    let credentials =
        client_credentials(req, form.client_id.as_deref(), form.client_secret.as_deref())?;
    let client = authenticated_client(state, credentials).await?;
    let issued = state
        .client_credentials
        .execute(&client, form.scope.as_deref())
        .map_err(ApiError::grant)?;
    Ok(token_response(issued))
}

fn token_response(issued: IssuedToken) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::PRAGMA, "no-cache"));
    let mut body_refresh = None;
    if let Some(refresh) = issued.refresh {
        match refresh.delivery {
            RefreshDelivery::Body => body_refresh = Some(refresh.token.expose().to_owned()),
            RefreshDelivery::Cookie => {
                response
                    .cookie(refresh_cookie(refresh.token.expose(), refresh.session_seconds_left));
            }
        }
    }
    response.json(TokenBody {
        access_token: issued.access_token,
        token_type: "Bearer",
        expires_in: issued.expires_in,
        scope: issued.scope.to_string(),
        refresh_token: body_refresh,
    })
}
