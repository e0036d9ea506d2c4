//! The OpenAPI 3.1 document of every route, generated from the handlers' annotations and the
//! DTOs (utoipa), served at `GET /openapi.json` and checked in as `docs/openapi.json`.

#![allow(dead_code)] // the types below exist to be described, not built

use actix_web::HttpResponse;
use serde::Serialize;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::dto::{SessionBody, UserBody};

/// An RFC 9457 problem (every error outside the OAuth endpoints).
#[derive(Serialize, ToSchema)]
pub(crate) struct Problem {
    #[serde(rename = "type")]
    kind: String,
    title: String,
    status: u16,
    detail: String,
    request_id: String,
    /// Field errors of a 422, never echoing a value.
    errors: Option<Vec<FieldErrorBody>>,
}

/// One invalid field.
#[derive(Serialize, ToSchema)]
pub(crate) struct FieldErrorBody {
    field: String,
    message: String,
}

/// An RFC 6749 §5.2 error.
#[derive(Serialize, ToSchema)]
pub(crate) struct OAuthErrorBody {
    /// `invalid_request`, `invalid_client`, `invalid_grant`, `invalid_scope`,
    /// `unauthorized_client`, `unsupported_grant_type`, `temporarily_unavailable`, `server_error`.
    error: String,
    error_description: Option<String>,
}

/// `GET /health`.
#[derive(Serialize, ToSchema)]
pub(crate) struct HealthBody {
    status: String,
    service: String,
}

/// `GET /ready`.
#[derive(Serialize, ToSchema)]
pub(crate) struct ReadyBody {
    status: String,
}

/// A JSON Web Key Set of public keys.
#[derive(Serialize, ToSchema)]
pub(crate) struct Jwks {
    keys: Vec<serde_json::Value>,
}

/// RFC 8414 authorization-server metadata (only what is implemented).
#[derive(Serialize, ToSchema)]
pub(crate) struct ServerMetadata {
    issuer: String,
    token_endpoint: String,
    jwks_uri: String,
    revocation_endpoint: String,
    introspection_endpoint: String,
    grant_types_supported: Vec<String>,
    response_types_supported: Vec<String>,
    token_endpoint_auth_methods_supported: Vec<String>,
    revocation_endpoint_auth_methods_supported: Vec<String>,
    introspection_endpoint_auth_methods_supported: Vec<String>,
    scopes_supported: Vec<String>,
    access_token_signing_alg_values_supported: Vec<String>,
}

/// RFC 7662: `{"active": false}` for anything not live; the claims otherwise.
#[derive(Serialize, ToSchema)]
pub(crate) struct IntrospectionBody {
    active: bool,
    token_type: Option<String>,
    scope: Option<String>,
    client_id: Option<String>,
    sub: Option<String>,
    iss: Option<String>,
    aud: Option<String>,
    iat: Option<i64>,
    exp: Option<i64>,
    jti: Option<String>,
    sid: Option<String>,
}

/// `GET /auth/sessions`.
#[derive(Serialize, ToSchema)]
pub(crate) struct SessionListBody {
    items: Vec<SessionBody>,
}

/// `GET /users`.
#[derive(Serialize, ToSchema)]
pub(crate) struct UserPageBody {
    items: Vec<UserBody>,
    next_cursor: Option<String>,
}

/// A party of an audit event.
#[derive(Serialize, ToSchema)]
pub(crate) struct PartyBody {
    /// `user`, `client`, `anonymous`, `key` or `session`.
    kind: String,
    id: Option<String>,
}

/// An audit event (CONTRACT §5).
#[derive(Serialize, ToSchema)]
pub(crate) struct AuditEventBody {
    id: i64,
    time: String,
    #[serde(rename = "type")]
    kind: String,
    outcome: String,
    actor: PartyBody,
    target: Option<PartyBody>,
    client_id: Option<String>,
    ip: Option<String>,
    user_agent: Option<String>,
    request_id: String,
    detail: serde_json::Value,
}

/// `GET /audit`.
#[derive(Serialize, ToSchema)]
pub(crate) struct AuditPageBody {
    items: Vec<AuditEventBody>,
    next_cursor: Option<String>,
}

/// The bearer and client-credential security schemes, and the aliases served by the same
/// handlers.
struct Completion;

impl Modify for Completion {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                Http::builder().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build(),
            ),
        );
        components.add_security_scheme(
            "client_basic",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Basic)),
        );
        let aliases = [
            ("/token", "/oauth/token"),
            ("/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"),
        ];
        for (original, alias) in aliases {
            if let Some(item) = openapi.paths.paths.get(original).cloned() {
                openapi.paths.paths.insert(alias.to_owned(), item);
            }
        }
    }
}

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(title = "Genesis", description = "An OAuth2 authorization server: identity, profiles, tokens, sessions, audit."),
    paths(
        crate::routes::health::health, crate::routes::health::ready, crate::routes::jwks::jwks,
        crate::routes::discovery::metadata, crate::routes::users::register, crate::routes::users::me,
        crate::routes::users::rename, crate::routes::users::change_password, crate::routes::users::delete_me,
        crate::routes::admin::list, crate::routes::admin::get, crate::routes::admin::patch, crate::routes::admin::delete,
        crate::routes::token::token, crate::routes::token::refresh_alias, crate::routes::oauth::revoke,
        crate::routes::oauth::introspect, crate::routes::sessions::list, crate::routes::sessions::revoke_one,
        crate::routes::sessions::revoke_others, crate::routes::sessions::logout, crate::routes::profile::create,
        crate::routes::profile::read, crate::routes::profile::replace, crate::routes::profile::patch,
        crate::routes::profile::delete, crate::routes::audit::list, crate::routes::metrics::metrics, openapi_json,
    ),
    components(schemas(Problem, FieldErrorBody, OAuthErrorBody)),
    modifiers(&Completion),
    tags(
        (name = "identity", description = "Registration and the caller's own account"),
        (name = "profiles", description = "The caller's own profile (OpenID Connect claim names)"),
        (name = "oauth", description = "Token endpoint, revocation (RFC 7009), introspection (RFC 7662)"),
        (name = "sessions", description = "The caller's sessions and logout"),
        (name = "administration", description = "Administrators only"),
        (name = "discovery", description = "RFC 8414 metadata and the JWKS"),
        (name = "operations", description = "Health, readiness, metrics, this document"),
    )
)]
pub(crate) struct ApiDoc;

/// The document as pretty JSON (what `docs/openapi.json` holds).
pub fn openapi_json_text() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}

#[utoipa::path(get, path = "/openapi.json", tag = "operations", responses((status = 200, description = "This document", content_type = "application/json")))]
pub(crate) async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().content_type("application/json").body(openapi_json_text())
}
