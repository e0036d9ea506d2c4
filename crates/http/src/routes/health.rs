//! Liveness and readiness.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde_json::json;

use crate::error::problem_response;
use crate::openapi::{HealthBody, Problem, ReadyBody};
use crate::HttpState;

/// `GET /health`: the process is serving.
#[utoipa::path(get, path = "/health", tag = "operations", responses((status = 200, description = "The process serves", body = HealthBody)))]
pub(crate) async fn health() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok", "service": "genesis-iam"}))
}

/// `GET /ready`: 200 when the database answers, 503 otherwise.
#[utoipa::path(get, path = "/ready", tag = "operations", responses((status = 200, description = "The database answers", body = ReadyBody), (status = 503, description = "The database does not answer", body = Problem)))]
pub(crate) async fn ready(state: web::Data<HttpState>) -> HttpResponse {
    if state.readiness.is_ready().await {
        HttpResponse::Ok().json(json!({"status": "ready"}))
    } else {
        let mut response = problem_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "The database does not answer.",
            None,
        );
        response.headers_mut().insert(
            actix_web::http::header::RETRY_AFTER,
            actix_web::http::header::HeaderValue::from_static("5"),
        );
        response
    }
}
