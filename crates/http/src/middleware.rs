//! Middleware every response passes through: request id, panic containment, security headers,
//! access log.

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse, ResponseError};
use futures_util::FutureExt;
use tracing::Instrument;

use crate::context::REQUEST_ID;
use crate::error::problem_response;
use crate::forwarded::is_https;
use crate::HttpState;

const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");
/// Largest total size of request header names and values accepted.
const MAX_HEADER_BYTES: usize = 16 * 1024;
const HSTS: &str = "max-age=63072000; includeSubDomains";

/// The client's request id when it is `[A-Za-z0-9._-]{1,64}`, otherwise a fresh one.
fn request_id_for(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            (1..=64).contains(&v.len())
                && v.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        })
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string())
}

/// The headers every response carries.
fn secure(headers: &mut HeaderMap, request_id: &str, https: bool) {
    if let Ok(value) = HeaderValue::from_str(request_id) {
        headers.insert(REQUEST_ID_HEADER, value);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
    );
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    let varies_by_origin = headers
        .get_all(header::VARY)
        .any(|v| v.to_str().is_ok_and(|v| v.to_ascii_lowercase().contains("origin")));
    if !varies_by_origin {
        headers.append(header::VARY, HeaderValue::from_static("Origin"));
    }
    if https {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    headers.remove(header::SERVER);
}

/// A request whose handling panicked: answered with a generic 500 that still carries the
/// request id and the security headers. The worker keeps serving.
#[derive(Debug, thiserror::Error)]
#[error("a request handler panicked")]
struct Contained {
    request_id: String,
    https: bool,
}

impl ResponseError for Contained {
    fn status_code(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        let mut response = REQUEST_ID.sync_scope(self.request_id.clone(), || {
            problem_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "An unexpected error occurred.",
                None,
            )
        });
        secure(response.headers_mut(), &self.request_id, self.https);
        response
    }
}

/// Assigns the request id (visible to error rendering through a task-local), contains panics,
/// logs one line per request without headers or bodies, and sets the headers every response
/// carries (HSTS over HTTPS, native or through a trusted proxy).
pub(crate) async fn edge(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let request_id = request_id_for(&req);
    let proxies = req
        .app_data::<web::Data<HttpState>>()
        .map(|s| s.site.trusted_proxies.clone())
        .unwrap_or_default();
    let https = is_https(req.request(), &proxies);
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %req.method(),
        route = tracing::field::Empty,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    let started = Instant::now();
    let header_bytes: usize =
        req.headers().iter().map(|(name, value)| name.as_str().len() + value.len()).sum();
    if header_bytes > MAX_HEADER_BYTES {
        let detail = "The request headers are larger than 16 KiB.";
        let mut response = REQUEST_ID.sync_scope(request_id.clone(), || {
            problem_response(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, detail, None)
        });
        secure(response.headers_mut(), &request_id, https);
        span.in_scope(|| tracing::info!(status = 431, "refused oversized headers"));
        return Ok(req.into_response(response));
    }
    // Handlers and extractors render their errors inside this scope, so every error body
    // carries the request id. (The request must not be cloned here: routing needs it unshared.)
    let handled = AssertUnwindSafe(
        REQUEST_ID.scope(request_id.clone(), next.call(req).instrument(span.clone())),
    )
    .catch_unwind()
    .await;
    let mut response = match handled {
        Ok(result) => result?.map_into_boxed_body(),
        Err(_panic) => {
            span.in_scope(|| tracing::error!("a request handler panicked; answered 500"));
            return Err(Contained { request_id, https }.into());
        }
    };
    let route = response.request().match_pattern().unwrap_or_else(|| "unmatched".to_owned());
    span.record("route", route.as_str());
    span.record("status", response.status().as_u16());
    span.record("latency_ms", started.elapsed().as_millis() as u64);
    let (method, status) =
        (response.request().method().to_string(), response.status().as_u16().to_string());
    metrics::counter!("genesis_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("genesis_http_request_duration_seconds", "method" => method, "route" => route.clone())
        .record(started.elapsed().as_secs_f64());
    span.in_scope(|| tracing::info!("served"));
    secure(response.headers_mut(), &request_id, https);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use actix_web::middleware::from_fn;
    use actix_web::{test, App};

    use super::*;

    #[actix_web::test]
    #[allow(clippy::panic, unreachable_code)]
    async fn a_panicking_handler_gets_a_generic_500_with_the_request_id_and_the_server_keeps_serving(
    ) {
        let app = test::init_service(
            App::new()
                .route(
                    "/boom",
                    web::get().to(|| async {
                        panic!("secret detail from deep inside");
                        HttpResponse::Ok().finish()
                    }),
                )
                .route("/fine", web::get().to(|| async { HttpResponse::Ok().finish() }))
                .wrap(from_fn(edge)),
        )
        .await;
        let request = test::TestRequest::get()
            .uri("/boom")
            .insert_header(("x-request-id", "req-42"))
            .to_request();
        let response = match test::try_call_service(&app, request).await {
            Ok(response) => response.map_into_boxed_body(),
            Err(err) => ServiceResponse::new(
                test::TestRequest::default().to_http_request(),
                err.error_response(),
            ),
        };
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(response.headers().get("x-request-id").unwrap(), "req-42");
        assert_eq!(response.headers().get("x-content-type-options").unwrap(), "nosniff");
        let body = test::read_body(response).await;
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert!(
            text.contains("\"request_id\":\"req-42\"") && !text.contains("secret detail"),
            "{text}"
        );
        let fine =
            test::call_service(&app, test::TestRequest::get().uri("/fine").to_request()).await;
        assert_eq!(fine.status(), StatusCode::OK);
    }
}
