//! Bad input: a clear 4xx in problem+json (or RFC 6749 on the token endpoint), nothing
//! written, never a 5xx; and the headers every response carries.
//!
//! Input handling happens before any storage, so these run on SQLite only.

use crate::api::support::{spawn_app, strong_password, unique, Engine, TestApp};
use serde_json::{json, Value};

async fn assert_problem(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status(), status);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("application/problem+json"), "{content_type}");
    let request_id = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert_eq!(body["request_id"], request_id.as_str());
    assert!(body["title"].is_string());
    body
}

async fn post_raw(
    app: &TestApp,
    path: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> reqwest::Response {
    let mut request = app.client.post(app.url(path)).body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn malformed_bodies_get_clear_4xx_answers() {
    let app = spawn_app(Engine::Sqlite).await;
    let json_type = Some("application/json");
    assert_problem(post_raw(&app, "/users", json_type, b"{\"username\":".to_vec()).await, 400)
        .await;
    assert_problem(post_raw(&app, "/users", json_type, Vec::new()).await, 400).await;
    assert_problem(post_raw(&app, "/users", json_type, b"[1,2]".to_vec()).await, 422).await;
    assert_problem(
        post_raw(&app, "/users", json_type, b"{\"username\":\"\xff\xfe\"}".to_vec()).await,
        400,
    )
    .await;
    assert_problem(post_raw(&app, "/users", Some("text/plain"), b"{}".to_vec()).await, 415).await;
    assert_problem(post_raw(&app, "/users", None, b"{}".to_vec()).await, 415).await;
    let huge = format!("{{\"username\":\"{}\"}}", "a".repeat(70 * 1024));
    assert_problem(post_raw(&app, "/users", json_type, huge.into_bytes()).await, 413).await;
    // Deep nesting is refused at its first bracket (wrong shape), never recursed into.
    let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert_problem(post_raw(&app, "/users", json_type, nested.into_bytes()).await, 422).await;
    let wrong_type =
        json!({"username": 12, "email": "a@example.com", "password": 123456789012345_u64});
    let body = assert_problem(app.post_json("/users", &wrong_type).await, 422).await;
    assert!(!body.to_string().contains("123456789012345"), "the value is never echoed");
    let nul = json!({"username": "nul\u{0}name", "email": "nul@example.com", "password": strong_password()});
    assert_problem(app.post_json("/users", &nul).await, 422).await;
    let long = json!({"username": "a".repeat(65), "email": format!("{}@example.com", "b".repeat(250)), "password": "x".repeat(1025)});
    assert_problem(app.post_json("/users", &long).await, 422).await;
    // The server is still healthy.
    assert_eq!(app.get("/health").await.status(), 200);
}

#[tokio::test]
async fn the_token_endpoint_answers_in_rfc_6749_terms() {
    let app = spawn_app(Engine::Sqlite).await;
    type Form<'a> = &'a [(&'a str, &'a str)];
    let cases: [(Form, u16, &str); 5] = [
        (&[("grant_type", "magic")], 400, "unsupported_grant_type"),
        (&[], 400, "invalid_request"),
        (&[("grant_type", "password"), ("username", "u")], 400, "invalid_request"),
        (
            &[
                ("grant_type", "password"),
                ("username", "u"),
                ("password", "p"),
                ("client_id", "nobody"),
            ],
            401,
            "invalid_client",
        ),
        (
            &[("grant_type", "password"), ("username", "u"), ("password", "p"), ("scope", "admin")],
            400,
            "invalid_scope",
        ),
    ];
    for (form, status, code) in cases {
        let response = app.post_form("/token", form).await;
        assert_eq!(response.status(), status, "{form:?}");
        assert_eq!(response.headers()["cache-control"], "no-store");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], code, "{form:?}");
    }
    let repeated = app
        .client
        .post(app.url("/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("grant_type=password&grant_type=password&username=a&password=b")
        .send()
        .await
        .unwrap();
    assert_eq!(repeated.status(), 400);
    let json_body = app.post_json("/token", &json!({"grant_type": "password"})).await;
    assert_eq!(json_body.status(), 400);
    let body: Value = json_body.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn every_response_carries_the_edge_headers() {
    let app = spawn_app(Engine::Sqlite).await;
    for path in ["/health", "/ready", "/no-such-route", "/.well-known/jwks.json", "/users/me"] {
        let response = app.get(path).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert!(headers.get("server").is_none(), "{path}");
        assert!(headers.get("x-request-id").is_some(), "{path}");
    }
    assert_problem(app.get("/no-such-route").await, 404).await;
    assert_problem(app.client.delete(app.url("/health")).send().await.unwrap(), 405).await;

    let echoed = app
        .client
        .get(app.url("/health"))
        .header("x-request-id", "trace-123.abc_DEF")
        .send()
        .await
        .unwrap();
    assert_eq!(echoed.headers()["x-request-id"], "trace-123.abc_DEF");
    let replaced = app
        .client
        .get(app.url("/health"))
        .header("x-request-id", "bad id\twith<junk>")
        .send()
        .await
        .unwrap();
    assert_ne!(replaced.headers()["x-request-id"], "bad id\twith<junk>");

    let health: Value = app.get("/health").await.json().await.unwrap();
    assert_eq!(health, json!({"status": "ok", "service": "genesis-iam"}));
    assert_eq!(app.get("/ready").await.status(), 200);
    assert_eq!(app.get("/health/").await.status(), 200, "trailing slash is optional");
}

#[tokio::test]
async fn no_secret_reaches_the_logs() {
    let app = spawn_app(Engine::Sqlite).await;
    let username = unique("logged");
    let password = strong_password();
    let created = app
        .post_json("/users", &json!({"username": username, "email": format!("{username}@example.com"), "password": password}))
        .await;
    assert_eq!(created.status(), 201);
    let _ = app.login(&username, "a wrong password that must not be logged").await;
    let body: Value = app.login(&username, &password).await.json().await.unwrap();
    let token = body["access_token"].as_str().unwrap().to_owned();
    let _ = app.get_with_token("/users/me", &token).await;
    let _ = app.get_with_token("/users/me", &format!("{token}x")).await;
    let logs = app.logs();
    assert!(logs.contains("served"), "the server logged its requests");
    for secret in [
        password.as_str(),
        "a wrong password that must not be logged",
        token.as_str(),
        "$argon2id$",
    ] {
        assert!(!logs.contains(secret), "a secret reached the logs");
    }
    let signature = token.rsplit('.').next().unwrap();
    assert!(!logs.contains(signature));
}
