//! Who the client is and whether it speaks HTTPS, believing forwarding headers only from the
//! proxies in `server.trusted_proxies`.

use std::net::IpAddr;

use actix_web::HttpRequest;
use ipnet::IpNet;

fn trusted(ip: &IpAddr, proxies: &[IpNet]) -> bool {
    proxies.iter().any(|net| net.contains(ip))
}

/// The client's address: the peer's, unless the peer is a trusted proxy, in which case the
/// right-most address of `X-Forwarded-For` that is not itself a trusted proxy.
pub(crate) fn client_ip(req: &HttpRequest, proxies: &[IpNet]) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    if !trusted(&peer, proxies) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map_while(|hop| hop.trim().parse::<IpAddr>().ok())
        .collect();
    Some(forwarded.into_iter().rev().find(|hop| !trusted(hop, proxies)).unwrap_or(peer))
}

/// True over native TLS, or when a trusted proxy says the client used HTTPS.
pub(crate) fn is_https(req: &HttpRequest, proxies: &[IpNet]) -> bool {
    if req.app_config().secure() {
        return true;
    }
    let from_trusted = req.peer_addr().is_some_and(|peer| trusted(&peer.ip(), proxies));
    from_trusted
        && req
            .headers()
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn proxies() -> Vec<IpNet> {
        vec!["10.0.0.0/8".parse().unwrap()]
    }

    #[test]
    fn an_untrusted_peer_cannot_claim_another_address() {
        let req = TestRequest::default()
            .peer_addr("203.0.113.9:4000".parse().unwrap())
            .insert_header(("x-forwarded-for", "198.51.100.1"))
            .to_http_request();
        assert_eq!(client_ip(&req, &proxies()), Some("203.0.113.9".parse().unwrap()));
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_spoofed_hops_are_skipped() {
        let req = TestRequest::default()
            .peer_addr("10.0.0.2:4000".parse().unwrap())
            .insert_header(("x-forwarded-for", "1.2.3.4, 198.51.100.7, 10.0.0.3"))
            .to_http_request();
        // The client prepended 1.2.3.4 itself; the first untrusted hop from the right is real.
        assert_eq!(client_ip(&req, &proxies()), Some("198.51.100.7".parse().unwrap()));
    }

    #[test]
    fn forwarded_proto_counts_only_from_a_trusted_proxy() {
        let spoofed = TestRequest::default()
            .peer_addr("203.0.113.9:4000".parse().unwrap())
            .insert_header(("x-forwarded-proto", "https"))
            .to_http_request();
        assert!(!is_https(&spoofed, &proxies()));
        let proxied = TestRequest::default()
            .peer_addr("10.1.2.3:4000".parse().unwrap())
            .insert_header(("x-forwarded-proto", "https"))
            .to_http_request();
        assert!(is_https(&proxied, &proxies()));
    }
}
