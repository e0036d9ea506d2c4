//! Authorization-server metadata (RFC 8414), also served as the OpenID configuration path.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::openapi::ServerMetadata;
use crate::HttpState;

/// `GET /.well-known/oauth-authorization-server` and `/.well-known/openid-configuration`:
/// only what is implemented. There is no authorization endpoint, so no response type.
#[utoipa::path(get, path = "/.well-known/oauth-authorization-server", tag = "discovery", responses((status = 200, description = "RFC 8414 metadata (also at /.well-known/openid-configuration)", body = ServerMetadata)))]
pub(crate) async fn metadata(state: web::Data<HttpState>) -> HttpResponse {
    let issuer = state.site.issuer.trim_end_matches('/');
    let auth_methods = ["client_secret_basic", "client_secret_post", "none"];
    HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "public, max-age=300")).json(json!({
        "issuer": state.site.issuer,
        "token_endpoint": format!("{issuer}/oauth/token"),
        "jwks_uri": format!("{issuer}/.well-known/jwks.json"),
        "revocation_endpoint": format!("{issuer}/oauth/revoke"),
        "introspection_endpoint": format!("{issuer}/oauth/introspect"),
        "grant_types_supported": ["password", "refresh_token", "client_credentials"],
        "response_types_supported": [],
        "token_endpoint_auth_methods_supported": auth_methods,
        "revocation_endpoint_auth_methods_supported": auth_methods,
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "scopes_supported": state.site.scopes,
        "access_token_signing_alg_values_supported": [state.site.signing_algorithm],
    }))
}
