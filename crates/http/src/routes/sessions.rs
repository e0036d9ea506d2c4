//! The caller's own sessions, and logout.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use genesis_app::SessionOpError;
use genesis_domain::SessionId;
use serde_json::json;

use crate::authz::Me;
use crate::context::request_context;
use crate::cookie::cleared_refresh_cookie;
use crate::dto::SessionBody;
use crate::error::ApiError;
use crate::openapi::{Problem, SessionListBody};
use crate::HttpState;

fn mapped(err: SessionOpError) -> ApiError {
    match err {
        SessionOpError::NotFound => {
            ApiError::problem(StatusCode::NOT_FOUND, "You have no live session with this id.")
        }
        SessionOpError::Infrastructure(e) => ApiError::infrastructure(e, false),
    }
}

/// `GET /auth/sessions`: the caller's live sessions, the current one marked.
#[utoipa::path(get, path = "/auth/sessions", tag = "sessions", security(("bearer" = [])), responses((status = 200, body = SessionListBody), (status = 401, body = Problem)))]
pub(crate) async fn list(state: web::Data<HttpState>, who: Me) -> Result<HttpResponse, ApiError> {
    let sessions = state.sessions.list(&who.0).await.map_err(mapped)?;
    let items: Vec<SessionBody> =
        sessions.iter().map(|s| SessionBody::new(s, who.0.session_id)).collect();
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

/// `DELETE /auth/sessions/{id}`: 204; 404 for an unknown id or another user's session.
#[utoipa::path(delete, path = "/auth/sessions/{id}", tag = "sessions", security(("bearer" = [])), params(("id" = String, Path, description = "Session id (the sid claim)")), responses((status = 204, description = "Ended"), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn revoke_one(
    state: web::Data<HttpState>,
    who: Me,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = SessionId::parse(&id).ok_or_else(|| mapped(SessionOpError::NotFound))?;
    state.sessions.revoke(&who.0, id, &request_context(&req)).await.map_err(mapped)?;
    Ok(HttpResponse::NoContent().finish())
}

/// `DELETE /auth/sessions`: revokes every session of the caller but the current one.
#[utoipa::path(delete, path = "/auth/sessions", tag = "sessions", security(("bearer" = [])), responses((status = 204, description = "Every other session ended"), (status = 401, body = Problem)))]
pub(crate) async fn revoke_others(
    state: web::Data<HttpState>,
    who: Me,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    state.sessions.revoke_others(&who.0, &request_context(&req)).await.map_err(mapped)?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /logout`: ends the session, revokes the presented access token, clears the cookie.
#[utoipa::path(post, path = "/logout", tag = "sessions", security(("bearer" = [])), responses((status = 204, description = "Session ended, token revoked, cookie cleared"), (status = 401, body = Problem)))]
pub(crate) async fn logout(
    state: web::Data<HttpState>,
    who: Me,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    state.sessions.logout(&who.0, &request_context(&req)).await.map_err(mapped)?;
    Ok(HttpResponse::NoContent().cookie(cleared_refresh_cookie()).finish())
}
