//! Registration and the current user.

use actix_web::{web, HttpRequest, HttpResponse};
use genesis_app::{CurrentUserError, RegisterError, Registration};
use genesis_domain::Role;

use crate::context::request_context;
use crate::dto::{RegisterBody, UserBody};
use crate::error::ApiError;
use crate::extract::Authenticated;
use crate::HttpState;

/// `POST /users`: 201 with the user; 409 when the username or e-mail is taken (without saying
/// which); 422 with field errors that never echo the password.
pub(crate) async fn register(
    state: web::Data<HttpState>,
    req: HttpRequest,
    body: web::Json<RegisterBody>,
) -> Result<HttpResponse, ApiError> {
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
pub(crate) async fn me(
    state: web::Data<HttpState>,
    who: Authenticated,
) -> Result<HttpResponse, ApiError> {
    match state.current_user.execute(&who.0).await {
        Ok(user) => Ok(HttpResponse::Ok().json(UserBody::from(&user))),
        Err(CurrentUserError::Gone) => Err(ApiError::Unauthorized { presented: true }),
        Err(CurrentUserError::Infrastructure(e)) => Err(ApiError::infrastructure(e, false)),
    }
}
