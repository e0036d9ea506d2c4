//! The request id of the request being served, visible to error rendering.

use actix_web::HttpRequest;
use genesis_domain::RequestContext;

tokio::task_local! {
    /// Set by the request-id middleware around each request's handling.
    pub(crate) static REQUEST_ID: String;
}

/// The current request's id, or `unknown` outside a request.
pub(crate) fn current_request_id() -> String {
    REQUEST_ID.try_with(Clone::clone).unwrap_or_else(|_| "unknown".to_owned())
}

/// Longest user agent passed on to the audit trail, in characters.
const MAX_USER_AGENT_CHARS: usize = 256;

/// Who is asking, for the audit trail: request id, peer address, user agent.
pub(crate) fn request_context(req: &HttpRequest) -> RequestContext {
    let user_agent = req
        .headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(MAX_USER_AGENT_CHARS).collect());
    let proxies = req
        .app_data::<actix_web::web::Data<crate::HttpState>>()
        .map(|s| s.site.trusted_proxies.clone())
        .unwrap_or_default();
    RequestContext {
        request_id: current_request_id(),
        ip: crate::forwarded::client_ip(req, &proxies).map(|ip| ip.to_string()),
        user_agent,
    }
}
