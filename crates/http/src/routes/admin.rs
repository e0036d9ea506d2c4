//! Administering users: `GET /users`, `GET/PATCH/DELETE /users/{id}`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use genesis_app::AdminError;
use genesis_domain::{Role, UserId};
use genesis_ports::AdminChange;
use serde_json::json;

use crate::authz::Admin;
use crate::context::request_context;
use crate::dto::{AdminPatchBody, UserBody, UserListQuery};
use crate::error::ApiError;
use crate::openapi::{Problem, UserPageBody};
use crate::HttpState;

fn mapped(err: AdminError) -> ApiError {
    match err {
        AdminError::Invalid(why) => ApiError::problem(StatusCode::UNPROCESSABLE_ENTITY, why),
        AdminError::NotFound => ApiError::problem(StatusCode::NOT_FOUND, "No user has this id."),
        AdminError::Infrastructure(e) => ApiError::infrastructure(e, false),
    }
}

fn user_id(raw: &str) -> Result<UserId, ApiError> {
    UserId::parse(raw).map_err(|_| mapped(AdminError::NotFound))
}

/// `GET /users?limit=&cursor=&q=`: a page of users by username.
#[utoipa::path(get, path = "/users", tag = "administration", security(("bearer" = [])), params(UserListQuery), responses((status = 200, body = UserPageBody), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn list(
    state: web::Data<HttpState>,
    admin: Admin,
    req: HttpRequest,
    query: web::Query<UserListQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let page = state
        .admin_users
        .list(
            &admin.user,
            query.limit,
            query.cursor.as_deref(),
            query.q.as_deref(),
            &request_context(&req),
        )
        .await
        .map_err(mapped)?;
    let items: Vec<UserBody> = page.items.iter().map(UserBody::from).collect();
    Ok(HttpResponse::Ok().json(json!({"items": items, "next_cursor": page.next_cursor})))
}

/// `GET /users/{id}`.
#[utoipa::path(get, path = "/users/{id}", tag = "administration", security(("bearer" = [])), params(("id" = String, Path, description = "User id (UUID)")), responses((status = 200, body = UserBody), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn get(
    state: web::Data<HttpState>,
    admin: Admin,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user = state
        .admin_users
        .get(&admin.user, user_id(&id)?, &request_context(&req))
        .await
        .map_err(mapped)?;
    Ok(HttpResponse::Ok().json(UserBody::from(&user)))
}

/// `PATCH /users/{id}` with `{role?, disabled?}`: disabling ends every session of the user.
#[utoipa::path(patch, path = "/users/{id}", tag = "administration", security(("bearer" = [])), params(("id" = String, Path, description = "User id (UUID)")), request_body = AdminPatchBody, responses((status = 200, body = UserBody), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub(crate) async fn patch(
    state: web::Data<HttpState>,
    admin: Admin,
    req: HttpRequest,
    id: web::Path<String>,
    body: web::Json<AdminPatchBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let role = match body.role.as_deref() {
        None => None,
        Some(raw) => Some(Role::parse(raw).map_err(|_| {
            ApiError::problem(StatusCode::UNPROCESSABLE_ENTITY, "role must be 'user' or 'admin'.")
        })?),
    };
    let change = AdminChange { role, disabled: body.disabled };
    let user = state
        .admin_users
        .update(&admin.user, user_id(&id)?, change, &request_context(&req))
        .await
        .map_err(mapped)?;
    Ok(HttpResponse::Ok().json(UserBody::from(&user)))
}

/// `DELETE /users/{id}`: the user, their profile and sessions, in one transaction.
#[utoipa::path(delete, path = "/users/{id}", tag = "administration", security(("bearer" = [])), params(("id" = String, Path, description = "User id (UUID)")), responses((status = 204, description = "Deleted with profile and sessions"), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub(crate) async fn delete(
    state: web::Data<HttpState>,
    admin: Admin,
    req: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    state
        .admin_users
        .delete(&admin.user, user_id(&id)?, &request_context(&req))
        .await
        .map_err(mapped)?;
    Ok(HttpResponse::NoContent().finish())
}
