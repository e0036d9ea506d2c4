//! Running the HTTP server.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::middleware::{from_fn, NormalizePath};
use actix_web::{web, App, HttpServer};

use crate::extract::{form_config, json_config};
use crate::middleware::edge;
use crate::{routes, HttpState};

/// Server-level limits.
#[derive(Debug, Clone, Copy)]
pub struct HttpOptions {
    /// Worker threads (at least one).
    pub workers: usize,
    /// How long in-flight requests may run after SIGTERM/SIGINT before the server stops.
    pub shutdown_timeout: Duration,
    /// How long a client may take to send its request head.
    pub client_request_timeout: Duration,
    /// How long an idle keep-alive connection is kept.
    pub keep_alive: Duration,
}

/// Binds the listening socket (port 0 picks a free port; `local_addr` tells which).
pub fn bind(address: &str) -> std::io::Result<TcpListener> {
    TcpListener::bind(address)
}

/// Serves until SIGTERM or SIGINT, then stops accepting, lets in-flight requests finish within
/// the shutdown timeout, and returns.
pub async fn serve(
    listener: TcpListener,
    state: Arc<HttpState>,
    options: HttpOptions,
) -> std::io::Result<()> {
    let data = web::Data::from(state);
    HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(json_config())
            .app_data(form_config())
            .configure(routes::configure)
            .default_service(web::to(routes::not_found))
            .wrap(NormalizePath::trim())
            .wrap(from_fn(edge))
    })
    .workers(options.workers.max(1))
    .shutdown_timeout(options.shutdown_timeout.as_secs())
    .client_request_timeout(options.client_request_timeout)
    .keep_alive(options.keep_alive)
    .listen(listener)?
    .run()
    .await
}
