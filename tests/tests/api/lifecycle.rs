//! The process's life: graceful shutdown, readiness that follows the database, start-up errors
//! as one line with the contract's exit code, structured logs.

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::api::support::{postgres_admin, spawn_app, spawn_app_with, Engine};

#[tokio::test]
async fn sigterm_lets_the_request_in_flight_finish_and_exits_0() {
    // An expensive hash makes the login take a noticeable time.
    let mut app = spawn_app_with(
        Engine::Sqlite,
        &[("GENESIS__ARGON2__MEMORY_KIB", "131072"), ("GENESIS__ARGON2__ITERATIONS", "6")],
    )
    .await;
    let (_, username, password) = app.new_user().await;
    let (client, url) = (app.client.clone(), app.url("/token"));
    let in_flight = tokio::spawn(async move {
        let form = [
            ("grant_type", "password"),
            ("username", username.as_str()),
            ("password", password.as_str()),
        ];
        let started = Instant::now();
        let status = client.post(url).form(&form).send().await.map(|r| r.status().as_u16());
        (status, started.elapsed())
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    let code = tokio::task::spawn_blocking(move || {
        let code = app.terminate();
        (code, app)
    })
    .await
    .unwrap();
    let (status, took) = in_flight.await.unwrap();
    assert_eq!(status.ok(), Some(200), "the request in flight completed (after {took:?})");
    assert_eq!(code.0, Some(0), "exit 0 after a graceful shutdown");
}

#[tokio::test]
async fn readiness_follows_the_database_down_and_up_without_a_restart() {
    let app = spawn_app(Engine::Postgres).await;
    let (_, token) = app.user_token().await;
    assert_eq!(app.get("/ready").await.status(), 200);
    let name = app.database_name();
    postgres_admin(&format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false")).await;
    postgres_admin(&format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()")).await;
    let started = Instant::now();
    let ready = app.get("/ready").await;
    assert_eq!(ready.status(), 503);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "readiness answers promptly during an outage"
    );
    let me = app.get_with_token("/users/me", &token).await;
    assert_eq!(me.status(), 503, "a request that needs the database gets 503");
    assert!(me.headers().get("retry-after").is_some());
    assert_eq!(app.get("/health").await.status(), 200, "liveness does not depend on the database");

    postgres_admin(&format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true")).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    while app.get("/ready").await.status() != 200 {
        assert!(Instant::now() < deadline, "readiness did not come back");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        app.get_with_token("/users/me", &token).await.status(),
        200,
        "recovered without a restart"
    );
}

fn serve(env: &[(&str, &str)]) -> std::process::Output {
    let dir = std::env::temp_dir().join(crate::api::support::unique("genesis-start-"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_genesis-under-test"));
    command.arg("serve").current_dir(&dir).env_clear();
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    output
}

#[tokio::test]
async fn start_up_errors_are_one_line_with_the_contract_exit_code() {
    let app = spawn_app(Engine::Sqlite).await;
    let taken = app.base.trim_start_matches("http://").to_owned();
    let port_taken = serve(&[("GENESIS__SERVER__BIND", &taken)]);
    assert_eq!(port_taken.status.code(), Some(1));
    let database_down = serve(&[
        ("GENESIS__DATABASE__URL", "postgres://postgres@127.0.0.1:1/none"),
        ("GENESIS__SERVER__BIND", "127.0.0.1:0"),
    ]);
    assert_eq!(database_down.status.code(), Some(1));
    let redis_down = serve(&[
        ("GENESIS__REDIS__URL", "redis://127.0.0.1:1/0"),
        ("GENESIS__SERVER__BIND", "127.0.0.1:0"),
    ]);
    assert_eq!(redis_down.status.code(), Some(1));
    for output in [port_taken, database_down, redis_down] {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().last().unwrap_or_default();
        assert!(last.starts_with("genesis: "), "{stderr}");
        assert!(!stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"), "{stderr}");
    }
}

#[tokio::test]
async fn json_logs_carry_one_structured_line_per_request() {
    let app = spawn_app_with(Engine::Sqlite, &[("GENESIS__LOG__FORMAT", "json")]).await;
    let (_, token) = app.user_token().await;
    let response = app
        .client
        .get(app.url("/users/me"))
        .bearer_auth(&token)
        .header("x-request-id", "trace-me-1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let stderr = std::fs::read_to_string(app.workdir.join("stderr.log")).unwrap();
    let lines: Vec<Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}")))
        .collect();
    let served = lines
        .iter()
        .find(|l| l["message"] == "served" && l.to_string().contains("trace-me-1"))
        .expect("a line for the request");
    let text = served.to_string();
    for field in ["\"route\":\"/users/me\"", "\"status\":200", "\"method\":\"GET\"", "latency_ms"] {
        assert!(text.contains(field), "{field} missing in {text}");
    }
    assert!(!stderr.contains(&token));
}
