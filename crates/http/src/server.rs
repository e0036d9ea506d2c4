//! Running the HTTP server: plain HTTP or native TLS (rustls), CORS, and the middleware stack.

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use actix_cors::Cors;
use actix_web::http::header;
use actix_web::middleware::{from_fn, NormalizePath};
use actix_web::{web, App, HttpServer};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use crate::extract::{form_config, json_config, query_config};
use crate::middleware::edge;
use crate::{routes, HttpState};

/// PEM files for native HTTPS.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// Server-level limits.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Worker threads (at least one).
    pub workers: usize,
    /// How long in-flight requests may run after SIGTERM/SIGINT before the server stops.
    pub shutdown_timeout: Duration,
    /// How long a client may take to send its request head.
    pub client_request_timeout: Duration,
    /// How long an idle keep-alive connection is kept.
    pub keep_alive: Duration,
    /// Serve HTTPS with these files instead of plain HTTP.
    pub tls: Option<TlsFiles>,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("TLS: {0}")]
    Tls(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Binds the listening socket (port 0 picks a free port; `local_addr` tells which).
pub fn bind(address: &str) -> std::io::Result<TcpListener> {
    TcpListener::bind(address)
}

/// Reads the certificate chain and private key and builds the TLS configuration.
pub fn load_tls(files: &TlsFiles) -> Result<rustls::ServerConfig, ServeError> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&files.cert)
        .map_err(|e| ServeError::Tls(format!("server.tls_cert {}: {e}", files.cert.display())))?
        .collect::<Result<_, _>>()
        .map_err(|e| ServeError::Tls(format!("server.tls_cert {}: {e}", files.cert.display())))?;
    if chain.is_empty() {
        return Err(ServeError::Tls(format!(
            "server.tls_cert {} holds no certificate",
            files.cert.display()
        )));
    }
    let key = PrivateKeyDer::from_pem_file(&files.key)
        .map_err(|e| ServeError::Tls(format!("server.tls_key {}: {e}", files.key.display())))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ServeError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|e| {
            ServeError::Tls(format!("server.tls_cert and server.tls_key do not match: {e}"))
        })
}

/// CORS for the exact origins configured: credentials allowed for them only, nothing for
/// anyone else (their requests still get an answer, without CORS headers, so same-origin rules
/// in the browser apply).
fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            header::HeaderName::from_static("x-request-id"),
        ])
        .expose_headers([
            header::HeaderName::from_static("x-request-id"),
            header::WWW_AUTHENTICATE,
            header::RETRY_AFTER,
        ])
        .supports_credentials()
        .block_on_origin_mismatch(false)
        .max_age(600);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}

/// Serves until SIGTERM or SIGINT, then stops accepting, lets in-flight requests finish within
/// the shutdown timeout, and returns.
pub async fn serve(
    listener: TcpListener,
    state: Arc<HttpState>,
    options: HttpOptions,
) -> Result<(), ServeError> {
    let tls = options.tls.as_ref().map(load_tls).transpose()?;
    let origins = state.site.allowed_origins.clone();
    let data = web::Data::from(state);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(json_config())
            .app_data(form_config())
            .app_data(query_config())
            .configure(routes::configure)
            .default_service(web::to(routes::not_found))
            .wrap(cors(&origins))
            .wrap(NormalizePath::trim())
            .wrap(from_fn(edge))
    })
    .workers(options.workers.max(1))
    .shutdown_timeout(options.shutdown_timeout.as_secs())
    .client_request_timeout(options.client_request_timeout)
    .keep_alive(options.keep_alive);
    let server = match tls {
        Some(config) => server.listen_rustls_0_23(listener, config)?,
        None => server.listen(listener)?,
    };
    server.run().await?;
    Ok(())
}
