//! The OpenAPI document: served, 3.1, complete, and identical to the checked-in
//! `docs/openapi.json` (regenerate with `GENESIS_UPDATE_OPENAPI=1 cargo test -p genesis-tests
//! openapi`).

use serde_json::Value;

use crate::api::support::{spawn_app, Engine};

#[tokio::test]
async fn the_served_document_is_openapi_3_1_and_matches_the_checked_in_file() {
    let app = spawn_app(Engine::Sqlite).await;
    let response = app.get("/openapi.json").await;
    assert_eq!(response.status(), 200);
    let served: Value = response.json().await.unwrap();
    assert!(served["openapi"].as_str().unwrap().starts_with("3.1"), "{}", served["openapi"]);

    let paths = served["paths"].as_object().unwrap();
    for path in [
        "/users",
        "/users/me",
        "/users/me/password",
        "/users/{id}",
        "/profile",
        "/profile/me",
        "/token",
        "/oauth/token",
        "/refresh_token",
        "/oauth/revoke",
        "/oauth/introspect",
        "/logout",
        "/auth/sessions",
        "/auth/sessions/{id}",
        "/.well-known/jwks.json",
        "/.well-known/oauth-authorization-server",
        "/.well-known/openid-configuration",
        "/health",
        "/ready",
        "/metrics",
        "/openapi.json",
        "/audit",
    ] {
        assert!(paths.contains_key(path), "{path} is not documented");
    }
    let schemes = &served["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert!(served["components"]["schemas"]["Problem"].is_object());

    let file = crate::api::support::manifest_dir().parent().unwrap().join("docs/openapi.json");
    if std::env::var("GENESIS_UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(&file, serde_json::to_string_pretty(&served).unwrap() + "\n").unwrap();
    }
    let checked_in: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert!(checked_in == served, "docs/openapi.json is stale: regenerate it with GENESIS_UPDATE_OPENAPI=1 cargo test -p genesis-tests openapi");
}
