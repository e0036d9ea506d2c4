//! Registration and the current user.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use genesis_app::{CurrentUserError, RegisterError, Registration, SelfServiceError};
use genesis_domain::Role;
use secrecy::SecretString;

use crate::authz::Me;
use crate::context::request_context;
use crate::dto::{PasswordChangeBody, ReauthenticationBody, RegisterBody, RenameBody, UserBody};
use crate::error::ApiError;
use crate::openapi::Problem;
use crate::{limits, HttpState};

/// `POST /users`: 201 with the user; 409 when the username or e-mail is taken (without saying
/// which); 422 with field errors that never echo the password.
#[utoipa::path(post, path = "/users", tag = "identity", request_body = RegisterBody, responses((status = 201, body = UserBody), (status = 400, body = Problem), (status = 409, description = "Username or e-mail not available", body = Problem), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem), (status = 503, body = Problem)))]
pub(crate) async fn register(
    state: web::Data<HttpState>,
    req: HttpRequest,
    body: web::Json<RegisterBody>,
) -> Result<HttpResponse, ApiError> {
    limits::per_client(&state, &req, genesis_domain::RateBucket::Register, false).await?;
    let body = body.into_inner();
    let input = Registration {
        username: body.username,
        email: body.email,
        password: body.password.into(),
        role: Role::User,
    };
    match state.register.execute(input, &request_context(&req)).await {
        Ok(user) => Ok(HttpResponse::Created()
            .insert_header((actix_web::http::header::LOCATION, "/users/me"))
            .json(UserBody::from(&user))),
        Err(RegisterError::Invalid(errors)) => Err(ApiError::invalid(errors)),
        Err(RegisterError::Duplicate) => Err(ApiError::problem(
            actix_web::http::StatusCode::CONFLICT,
            "The username or e-mail address is not available.",
        )),
        Err(RegisterError::Busy) => Err(ApiError::Unavailable { oauth: false }),
        Err(RegisterError::Infrastructure(e)) => Err(ApiError::infrastructure(e, false)),
    }
}

/// `GET /users/me`: the caller's own record.
#[utoipa::path(get, path = "/users/me", tag = "identity", security(("bearer" = [])), responses((status = 200, body = UserBody), (status = 401, body = Problem)))]
pub(crate) async fn me(state: web::Data<HttpState>, who: Me) -> Result<HttpResponse, ApiError> {
    match state.current_user.execute(&who.0).await {
        Ok(user) => Ok(HttpResponse::Ok().json(UserBody::from(&user))),
        Err(CurrentUserError::Gone) => Err(ApiError::Unauthorized { presented: true }),
        Err(CurrentUserError::Infrastructure(e)) => Err(ApiError::infrastructure(e, false)),
    }
}

fn self_service_error(err: SelfServiceError) -> ApiError {
    match err {
        SelfServiceError::Invalid(errors) => ApiError::invalid(errors),
        SelfServiceError::WrongPassword => {
            ApiError::problem(StatusCode::FORBIDDEN, "The current password is not correct.")
        }
        SelfServiceError::Duplicate => ApiError::problem(
            StatusCode::CONFLICT,
            "The username or e-mail address is not available.",
        ),
        SelfServiceError::Gone => ApiError::Unauthorized { presented: true },
        SelfServiceError::Busy => ApiError::Unavailable { oauth: false },
        SelfServiceError::Infrastructure(e) => ApiError::infrastructure(e, false),
    }
}

/// `PATCH /users/me` with `{username?, email?, current_password}`.
#[utoipa::path(patch, path = "/users/me", tag = "identity", security(("bearer" = [])), request_body = RenameBody, responses((status = 200, body = UserBody), (status = 401, body = Problem), (status = 403, description = "Wrong current password", body = Problem), (status = 409, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub(crate) async fn rename(
    state: web::Data<HttpState>,
    who: Me,
    req: HttpRequest,
    body: web::Json<RenameBody>,
) -> Result<HttpResponse, ApiError> {
    limits::per_user(&state, &who.0).await?;
    let body = body.into_inner();
    let current = SecretString::from(body.current_password);
    let user = state
        .self_service
        .rename(&who.0, body.username, body.email, &current, &request_context(&req))
        .await
        .map_err(self_service_error)?;
    Ok(HttpResponse::Ok().json(UserBody::from(&user)))
}

/// `PUT /users/me/password` with `{current_password, new_password}`: 204; every other session
/// of the user ends.
#[utoipa::path(put, path = "/users/me/password", tag = "identity", security(("bearer" = [])), request_body = PasswordChangeBody, responses((status = 204, description = "Changed; every other session ended"), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub(crate) async fn change_password(
    state: web::Data<HttpState>,
    who: Me,
    req: HttpRequest,
    body: web::Json<PasswordChangeBody>,
) -> Result<HttpResponse, ApiError> {
    limits::per_user(&state, &who.0).await?;
    let body = body.into_inner();
    let (current, new) =
        (SecretString::from(body.current_password), SecretString::from(body.new_password));
    state
        .self_service
        .change_password(&who.0, &current, &new, &request_context(&req))
        .await
        .map_err(self_service_error)?;
    Ok(HttpResponse::NoContent().finish())
}

/// `DELETE /users/me` with `{current_password}`: 204; the user, profile and sessions go in one
/// transaction.
#[utoipa::path(delete, path = "/users/me", tag = "identity", security(("bearer" = [])), request_body = ReauthenticationBody, responses((status = 204, description = "Deleted with profile and sessions"), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub(crate) async fn delete_me(
    state: web::Data<HttpState>,
    who: Me,
    req: HttpRequest,
    body: web::Json<ReauthenticationBody>,
) -> Result<HttpResponse, ApiError> {
    limits::per_user(&state, &who.0).await?;
    let current = SecretString::from(body.into_inner().current_password);
    state
        .self_service
        .delete(&who.0, &current, &request_context(&req))
        .await
        .map_err(self_service_error)?;
    Ok(HttpResponse::NoContent().cookie(crate::cookie::cleared_refresh_cookie()).finish())
}
