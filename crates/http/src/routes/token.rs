//! The token endpoint (`/token`, `/oauth/token`).

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use genesis_app::{LoginError, LoginRequest, BROWSER_CLIENT_ID};

use crate::context::request_context;
use crate::dto::{TokenBody, TokenForm};
use crate::error::{ApiError, OAuthCode};
use crate::HttpState;

/// `POST /token`: `grant_type=password` (also when `grant_type` is missing but a username and
/// password are present). Every credential failure is the same `400 invalid_grant`.
pub(crate) async fn token(
    state: web::Data<HttpState>,
    req: HttpRequest,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, ApiError> {
    let form = form.into_inner();
    let grant = match form.grant_type.as_deref() {
        Some(grant) => grant,
        None if form.username.is_some() && form.password.is_some() => "password",
        None => return Err(ApiError::oauth(OAuthCode::InvalidRequest, "grant_type is required.")),
    };
    match grant {
        "password" => password_grant(&state, &req, form).await,
        _ => Err(ApiError::oauth(
            OAuthCode::UnsupportedGrantType,
            "This grant type is not supported.",
        )),
    }
}

async fn password_grant(
    state: &HttpState,
    req: &HttpRequest,
    form: TokenForm,
) -> Result<HttpResponse, ApiError> {
    let (Some(username), Some(password)) = (form.username, form.password) else {
        return Err(ApiError::oauth(
            OAuthCode::InvalidRequest,
            "username and password are required.",
        ));
    };
    let request = LoginRequest {
        username,
        password: password.into(),
        client_id: form.client_id.unwrap_or_else(|| BROWSER_CLIENT_ID.to_owned()),
        scope: form.scope,
    };
    match state.login.execute(request, &request_context(req)).await {
        Ok(issued) => Ok(HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .insert_header((header::PRAGMA, "no-cache"))
            .json(TokenBody {
                access_token: issued.access_token,
                token_type: "Bearer",
                expires_in: issued.expires_in,
                scope: issued.scope.to_string(),
            })),
        Err(LoginError::InvalidGrant) => {
            Err(ApiError::oauth(OAuthCode::InvalidGrant, "The credentials are not valid."))
        }
        Err(LoginError::InvalidClient) => {
            Err(ApiError::oauth(OAuthCode::InvalidClient, "The client is not known."))
        }
        Err(LoginError::InvalidScope) => {
            Err(ApiError::oauth(OAuthCode::InvalidScope, "The requested scope is not allowed."))
        }
        Err(LoginError::Busy) => Err(ApiError::Unavailable { oauth: true }),
        Err(LoginError::Infrastructure(e)) => Err(ApiError::infrastructure(e, true)),
    }
}
