//! The public signing keys.

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use crate::openapi::Jwks;
use crate::HttpState;

/// `GET /.well-known/jwks.json`: public halves of the active and previous keys. Cached for a
/// minute at most, so a rotation reaches relying parties promptly.
#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "discovery", responses((status = 200, description = "Public signing keys", body = Jwks, content_type = "application/jwk-set+json")))]
pub(crate) async fn jwks(state: web::Data<HttpState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/jwk-set+json")
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .body(state.keys.jwks())
}
