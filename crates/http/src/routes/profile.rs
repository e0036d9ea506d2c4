//! The caller's own profile.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use genesis_app::ProfileOpError;
use genesis_domain::Profile;

use crate::authz::Me;
use crate::context::request_context;
use crate::dto::{ProfileBody, ProfilePatchBody, ProfileWriteBody};
use crate::error::ApiError;
use crate::openapi::Problem;
use crate::{limits, HttpState};

fn mapped(err: ProfileOpError) -> ApiError {
    match err {
        ProfileOpError::Invalid(errors) => ApiError::invalid(errors),
        ProfileOpError::Duplicate => {
            ApiError::problem(StatusCode::CONFLICT, "You have a profile already.")
        }
        ProfileOpError::NotFound => {
            ApiError::problem(StatusCode::NOT_FOUND, "You have no profile.")
        }
        ProfileOpError::UserGone => ApiError::Unauthorized { presented: true },
        ProfileOpError::Infrastructure(e) => ApiError::infrastructure(e, false),
    }
}

fn ok(profile: Profile) -> HttpResponse {
    HttpResponse::Ok().json(ProfileBody::from(profile))
}

/// `POST /profile`: 201, or 409 when the caller has one.
#[utoipa::path(post, path = "/profile", tag = "profiles", security(("bearer" = [])), request_body = ProfileWriteBody, responses((status = 201, body = ProfileBody), (status = 401, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub(crate) async fn create(
    state: web::Data<HttpState>,
    who: Me,
    req: HttpRequest,
    body: web::Json<ProfileWriteBody>,
) -> Result<HttpResponse, ApiError> {
    limits::per_user(&state, &who.0).await?;
    let profile = state
        .profiles
        .create(&who.0, body.into_inner().into_domain(), &request_context(&req))
        .await
        .map_err(mapped)?;
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::LOCATION, "/profile/me"))
        .json(ProfileBody::from(profile)))
}

/// `GET /profile/me`: 404 when the caller has none.
#[utoipa::path(get, path = "/profile/me", tag = "profiles", security(("bearer" = [])), responses((status = 200, body = ProfileBody), (status = 401, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn read(state: web::Data<HttpState>, who: Me) -> Result<HttpResponse, ApiError> {
    state.profiles.read(&who.0).await.map(ok).map_err(mapped)
}

/// `PUT /profile/me`: replaces every field.
#[utoipa::path(put, path = "/profile/me", tag = "profiles", security(("bearer" = [])), request_body = ProfileWriteBody, responses((status = 200, body = ProfileBody), (status = 401, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub(crate) async fn replace(
    state: web::Data<HttpState>,
    who: Me,
    req: HttpRequest,
    body: web::Json<ProfileWriteBody>,
) -> Result<HttpResponse, ApiError> {
    limits::per_user(&state, &who.0).await?;
    state
        .profiles
        .replace(&who.0, body.into_inner().into_domain(), &request_context(&req))
        .await
        .map(ok)
        .map_err(mapped)
}

/// `PATCH /profile/me`: changes the fields present; `null` clears an optional one.
#[utoipa::path(patch, path = "/profile/me", tag = "profiles", security(("bearer" = [])), request_body = ProfilePatchBody, responses((status = 200, body = ProfileBody), (status = 401, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub(crate) async fn patch(
    state: web::Data<HttpState>,
    who: Me,
    req: HttpRequest,
    body: web::Json<ProfilePatchBody>,
) -> Result<HttpResponse, ApiError> {
    limits::per_user(&state, &who.0).await?;
    let patch = body.into_inner().into_domain().map_err(ApiError::invalid)?;
    state.profiles.patch(&who.0, patch, &request_context(&req)).await.map(ok).map_err(mapped)
}

/// `DELETE /profile/me`: 204.
#[utoipa::path(delete, path = "/profile/me", tag = "profiles", security(("bearer" = [])), responses((status = 204, description = "Deleted"), (status = 401, body = Problem), (status = 404, body = Problem), (status = 429, body = Problem)))]
pub(crate) async fn delete(
    state: web::Data<HttpState>,
    who: Me,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    limits::per_user(&state, &who.0).await?;
    state.profiles.delete(&who.0, &request_context(&req)).await.map_err(mapped)?;
    Ok(HttpResponse::NoContent().finish())
}
