//! `GET /metrics`: Prometheus text, for loopback and trusted proxies only.

use std::net::IpAddr;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use ipnet::IpNet;

use crate::openapi::Problem;
use crate::routes::not_found;
use crate::HttpState;

/// True for a peer on the loopback or in `server.trusted_proxies` (the peer itself: forwarding
/// headers do not count here).
fn may_scrape(peer: Option<IpAddr>, trusted: &[IpNet]) -> bool {
    peer.is_some_and(|ip| ip.is_loopback() || trusted.iter().any(|net| net.contains(&ip)))
}

/// The exposition, or the same 404 as an unknown path for anyone else.
#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, description = "Prometheus text exposition (loopback and trusted proxies only)", content_type = "text/plain"), (status = 404, body = Problem)))]
pub(crate) async fn metrics(state: web::Data<HttpState>, req: HttpRequest) -> HttpResponse {
    match (&state.metrics, may_scrape(req.peer_addr().map(|p| p.ip()), &state.site.trusted_proxies))
    {
        (Some(render), true) => HttpResponse::Ok()
            .content_type("text/plain; version=0.0.4; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(render()),
        _ => not_found().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_and_trusted_peers_may_scrape() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        assert!(may_scrape(Some("127.0.0.1".parse().unwrap()), &trusted));
        assert!(may_scrape(Some("::1".parse().unwrap()), &trusted));
        assert!(may_scrape(Some("10.1.2.3".parse().unwrap()), &trusted));
        assert!(!may_scrape(Some("203.0.113.5".parse().unwrap()), &trusted));
        assert!(!may_scrape(None, &trusted));
    }
}
