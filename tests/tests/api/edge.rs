//! The edge: CORS, HTTPS with HSTS, profiles that refuse unsafe settings, and error bodies that
//! leak nothing. Edge behaviour does not depend on the database, so these run on SQLite.

use reqwest::Method;
use serde_json::Value;

use crate::api::support::{spawn_app, spawn_app_with, Engine};

#[tokio::test]
async fn cors_allows_exactly_the_listed_origins() {
    let app = spawn_app_with(
        Engine::Sqlite,
        &[("GENESIS__CORS__ALLOWED_ORIGINS", "https://app.example,https://admin.example")],
    )
    .await;
    let (_, token) = app.user_token().await;
    let preflight = |origin: &'static str| {
        app.client
            .request(Method::OPTIONS, app.url("/users/me"))
            .header("origin", origin)
            .header("access-control-request-method", "GET")
            .header("access-control-request-headers", "authorization")
            .send()
    };
    let allowed = preflight("https://app.example").await.unwrap();
    assert!(allowed.status().is_success());
    assert_eq!(allowed.headers()["access-control-allow-origin"], "https://app.example");
    assert_eq!(allowed.headers()["access-control-allow-credentials"], "true");
    assert!(allowed.headers()["vary"].to_str().unwrap().contains("Origin"));
    let denied = preflight("https://evil.example").await.unwrap();
    assert!(denied.headers().get("access-control-allow-origin").is_none());
    assert!(denied.headers()["vary"].to_str().unwrap().contains("Origin"));

    let actual = app
        .client
        .get(app.url("/users/me"))
        .bearer_auth(&token)
        .header("origin", "https://admin.example")
        .send()
        .await
        .unwrap();
    assert_eq!(actual.status(), 200);
    assert_eq!(actual.headers()["access-control-allow-origin"], "https://admin.example");
    let foreign = app
        .client
        .get(app.url("/users/me"))
        .bearer_auth(&token)
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(foreign.headers().get("access-control-allow-origin").is_none());
    assert!(foreign.headers()["vary"].to_str().unwrap().contains("Origin"));
}

fn run(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let dir = std::env::temp_dir().join(crate::api::support::unique("genesis-edge-"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_genesis-under-test"));
    command
        .args(args)
        .current_dir(&dir)
        .env_clear()
        .env("GENESIS__DATABASE__URL", format!("sqlite://{}?mode=rwc", dir.join("x.db").display()));
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    output
}

#[test]
fn unsafe_settings_are_refused_at_start_up_with_exit_2() {
    let kek = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    let cases: [(&[(&str, &str)], &str); 5] = [
        (&[("GENESIS__CORS__ALLOWED_ORIGINS", "*")], "cors.allowed_origins"),
        (
            &[
                ("GENESIS__SERVER__PROFILE", "prod"),
                ("GENESIS__KEYS__KEK", kek),
                ("GENESIS__SERVER__PUBLIC_URL", "https://id.example"),
            ],
            "server.tls_cert",
        ),
        (
            &[
                ("GENESIS__SERVER__PROFILE", "prod"),
                ("GENESIS__SERVER__TRUSTED_PROXIES", "10.0.0.0/8"),
                ("GENESIS__SERVER__PUBLIC_URL", "https://id.example"),
            ],
            "keys.kek",
        ),
        (
            &[
                ("GENESIS__SERVER__PROFILE", "prod"),
                ("GENESIS__SERVER__TRUSTED_PROXIES", "10.0.0.0/8"),
                ("GENESIS__KEYS__KEK", kek),
                ("GENESIS__SERVER__PUBLIC_URL", "http://id.example"),
            ],
            "server.public_url",
        ),
        (&[("GENESIS__SERVER__BIND", "0.0.0.0:0")], "server.bind"),
    ];
    for (env, key) in cases {
        let output = run(&["serve"], env);
        assert_eq!(output.status.code(), Some(2), "{env:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(key), "{env:?}: {stderr}");
        assert!(!stderr.contains(kek), "the KEK is never echoed");
    }
}

#[tokio::test]
async fn https_is_served_natively_with_hsts() {
    let dir = std::env::temp_dir().join(crate::api::support::unique("genesis-tls-"));
    std::fs::create_dir_all(&dir).unwrap();
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
    let app = spawn_app_with(
        Engine::Sqlite,
        &[
            ("GENESIS__SERVER__TLS_CERT", cert.to_str().unwrap()),
            ("GENESIS__SERVER__TLS_KEY", key.to_str().unwrap()),
        ],
    )
    .await;
    assert!(app.base.starts_with("https://"), "{}", app.base);
    let client = reqwest::Client::builder()
        .no_proxy()
        .add_root_certificate(
            reqwest::Certificate::from_pem(certified.cert.pem().as_bytes()).unwrap(),
        )
        .build()
        .unwrap();
    let health = client.get(app.url("/health")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert!(health.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .starts_with("max-age="));
    let metadata: Value = client
        .get(app.url("/.well-known/oauth-authorization-server"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(metadata["issuer"], app.base.as_str());
    // Plain HTTP gets no HSTS (a network attacker could strip it anyway; it is meaningful only
    // over HTTPS), and a spoofed X-Forwarded-Proto from an untrusted peer changes nothing.
    let plain = spawn_app(Engine::Sqlite).await;
    let spoofed = plain
        .client
        .get(plain.url("/health"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    assert!(spoofed.headers().get("strict-transport-security").is_none());
    let trusted =
        spawn_app_with(Engine::Sqlite, &[("GENESIS__SERVER__TRUSTED_PROXIES", "127.0.0.1/32")])
            .await;
    let proxied = trusted
        .client
        .get(trusted.url("/health"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    assert!(proxied.headers().get("strict-transport-security").is_some());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn error_bodies_never_leak_internals() {
    let app = spawn_app(Engine::Sqlite).await;
    let (_, token) = app.user_token().await;
    let forbidden = [
        "sqlx",
        "sea_orm",
        "sea-orm",
        "SELECT",
        "INSERT",
        "panicked",
        ".rs:",
        "/root/",
        "/home/",
        "actix",
        "josekit",
        "argon2",
        "serde",
        "Traceback",
        "at line",
        "$argon2id$",
    ];
    let mut responses = Vec::new();
    let raw = |method: Method, path: &str, content_type: &str, body: &str| {
        app.client
            .request(method, app.url(path))
            .header("content-type", content_type.to_owned())
            .body(body.to_owned())
            .send()
    };
    responses.push(
        raw(
            Method::POST,
            "/users",
            "application/json",
            "{\"username\": \"a\", \"password\": \"x\", \"email\": 7}",
        )
        .await
        .unwrap(),
    );
    responses.push(raw(Method::POST, "/users", "application/json", "{not json").await.unwrap());
    responses.push(raw(Method::POST, "/users", "text/xml", "<a/>").await.unwrap());
    responses.push(
        raw(
            Method::POST,
            "/token",
            "application/x-www-form-urlencoded",
            "grant_type=password&username=%FF%FE&password=x",
        )
        .await
        .unwrap(),
    );
    responses.push(
        raw(
            Method::POST,
            "/token",
            "application/x-www-form-urlencoded",
            "grant_type=refresh_token&refresh_token=%00%01",
        )
        .await
        .unwrap(),
    );
    responses.push(
        raw(Method::POST, "/oauth/introspect", "application/x-www-form-urlencoded", "token=x")
            .await
            .unwrap(),
    );
    responses.push(
        app.client
            .get(app.url("/users/me"))
            .bearer_auth("eyJhbGciOiJub25lIn0.e30.")
            .send()
            .await
            .unwrap(),
    );
    responses.push(
        app.client
            .get(app.url("/users/me"))
            .header("authorization", "Basic Zm9vOmJhcg==")
            .send()
            .await
            .unwrap(),
    );
    responses.push(
        app.client.get(app.url("/users?limit=abc")).bearer_auth(&token).send().await.unwrap(),
    );
    responses.push(
        app.client
            .get(app.url("/auth/sessions/not-a-session"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    );
    responses.push(
        app.client
            .delete(app.url("/auth/sessions/not-a-session"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap(),
    );
    responses.push(
        app.client
            .request(Method::PUT, app.url("/users/me/password"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"current_password": "wrong", "new_password": "x"}))
            .send()
            .await
            .unwrap(),
    );
    responses.push(app.client.get(app.url("/%2e%2e/%2e%2e/etc/passwd")).send().await.unwrap());
    for response in responses {
        let status = response.status();
        assert!(status.is_client_error(), "{status}");
        assert!(response.headers().get("x-request-id").is_some());
        let body = response.text().await.unwrap();
        for needle in forbidden {
            assert!(!body.contains(needle), "{status} body contains {needle}: {body}");
        }
        assert!(!body.contains(&token));
    }
}
