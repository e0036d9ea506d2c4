//! The routes, one module per resource.

pub(crate) mod admin;
pub(crate) mod audit;
pub(crate) mod discovery;
pub(crate) mod health;
pub(crate) mod jwks;
pub(crate) mod metrics;
pub(crate) mod oauth;
pub(crate) mod profile;
pub(crate) mod sessions;
pub(crate) mod token;
pub(crate) mod users;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse, Resource};

use crate::error::problem_response;

/// Registers every route. Each resource answers other methods with a problem+json 405.
pub(crate) fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/health").route(web::get().to(health::health)))
        .service(resource("/audit").route(web::get().to(audit::list)))
        .service(resource("/metrics").route(web::get().to(metrics::metrics)))
        .service(resource("/openapi.json").route(web::get().to(crate::openapi::openapi_json)))
        .service(resource("/ready").route(web::get().to(health::ready)))
        .service(resource("/.well-known/jwks.json").route(web::get().to(jwks::jwks)))
        .service(
            resource("/users")
                .route(web::post().to(users::register))
                .route(web::get().to(admin::list)),
        )
        .service(
            resource("/users/me")
                .route(web::get().to(users::me))
                .route(web::patch().to(users::rename))
                .route(web::delete().to(users::delete_me)),
        )
        .service(resource("/users/me/password").route(web::put().to(users::change_password)))
        .service(
            resource("/users/{id}")
                .route(web::get().to(admin::get))
                .route(web::patch().to(admin::patch))
                .route(web::delete().to(admin::delete)),
        )
        .service(resource("/token").route(web::post().to(token::token)))
        .service(resource("/oauth/token").route(web::post().to(token::token)))
        .service(resource("/refresh_token").route(web::post().to(token::refresh_alias)))
        .service(resource("/oauth/revoke").route(web::post().to(oauth::revoke)))
        .service(resource("/oauth/introspect").route(web::post().to(oauth::introspect)))
        .service(resource("/logout").route(web::post().to(sessions::logout)))
        .service(
            resource("/auth/sessions")
                .route(web::get().to(sessions::list))
                .route(web::delete().to(sessions::revoke_others)),
        )
        .service(resource("/auth/sessions/{id}").route(web::delete().to(sessions::revoke_one)))
        .service(
            resource("/.well-known/oauth-authorization-server")
                .route(web::get().to(discovery::metadata)),
        )
        .service(
            resource("/.well-known/openid-configuration").route(web::get().to(discovery::metadata)),
        )
        .service(resource("/profile").route(web::post().to(profile::create)))
        .service(
            resource("/profile/me")
                .route(web::get().to(profile::read))
                .route(web::put().to(profile::replace))
                .route(web::patch().to(profile::patch))
                .route(web::delete().to(profile::delete)),
        );
}

fn resource(path: &str) -> Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

async fn method_not_allowed() -> HttpResponse {
    problem_response(
        StatusCode::METHOD_NOT_ALLOWED,
        "This method is not allowed on this resource.",
        None,
    )
}

/// The fallback for every path no route matches.
pub(crate) async fn not_found() -> HttpResponse {
    problem_response(StatusCode::NOT_FOUND, "No resource lives at this path.", None)
}
