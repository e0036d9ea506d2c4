//! The command line, as an operator uses it.

use crate::api::support::{spawn_app, strong_password, unique, Engine};
use serde_json::Value;

#[tokio::test]
async fn users_create_reads_the_password_from_stdin_and_prints_the_id() {
    let app = spawn_app(Engine::Sqlite).await;
    let name = unique("cli");
    let password = strong_password();
    let output = app.cli(
        &[
            "users",
            "create",
            "--username",
            &name,
            "--email",
            &format!("{name}@example.com"),
            "--role",
            "admin",
            "--password-stdin",
        ],
        &format!("{password}\r\n"),
    );
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let id = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    let login = app.login(&name, &password).await;
    assert_eq!(login.status(), 200, "only the trailing CRLF was stripped");
    let token = login.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_owned();
    let me: Value = app.get_with_token("/users/me", &token).await.json().await.unwrap();
    assert_eq!(me["id"], id.as_str());
    assert_eq!(me["role"], "admin");

    let duplicate = app.cli(
        &[
            "users",
            "create",
            "--username",
            &name,
            "--email",
            "other@example.com",
            "--password-stdin",
        ],
        &password,
    );
    assert_eq!(duplicate.status.code(), Some(1));
    let weak = app.cli(
        &[
            "users",
            "create",
            "--username",
            &unique("w"),
            "--email",
            "w@example.com",
            "--password-stdin",
        ],
        "short",
    );
    assert_eq!(weak.status.code(), Some(2));
    assert!(
        !String::from_utf8_lossy(&weak.stderr).contains("short"),
        "the password is never echoed"
    );
}

#[tokio::test]
async fn configuration_errors_exit_2_naming_the_key() {
    let app = spawn_app(Engine::Sqlite).await;
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_genesis-under-test"))
        .arg("migrate")
        .current_dir(&app.workdir)
        .env_clear()
        .env("GENESIS__TOKENS__ACCESS_TTL_SECONDS", "not-a-number")
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("access_ttl_seconds"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");

    let missing_file = std::process::Command::new(env!("CARGO_BIN_EXE_genesis-under-test"))
        .args(["--config", "/nonexistent/genesis.toml", "config"])
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(missing_file.status.code(), Some(2));
    let unknown_flag = app.cli(&["serve", "--no-such-flag"], "");
    assert_eq!(unknown_flag.status.code(), Some(2));
}

#[tokio::test]
async fn config_prints_the_effective_settings_with_secrets_redacted() {
    let app = spawn_app(Engine::Sqlite).await;
    let kek = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_genesis-under-test"))
        .arg("config")
        .current_dir(&app.workdir)
        .env_clear()
        .env("GENESIS__KEYS__KEK", kek)
        .env("GENESIS__DATABASE__URL", "mysql://root:hunter2@127.0.0.1:3306/x")
        .output()
        .unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("access_ttl_seconds = 900"));
    assert!(!text.contains(kek) && !text.contains("hunter2"), "{text}");
}

#[tokio::test]
async fn keys_rotate_publishes_the_new_key_beside_the_old() {
    let app = spawn_app(Engine::Sqlite).await;
    let (_, old_token) = app.user_token().await;
    let rotated = app.cli(&["keys", "rotate"], "");
    assert!(rotated.status.success(), "{}", String::from_utf8_lossy(&rotated.stderr));
    let listed = app.cli(&["keys", "list", "--json"], "");
    let states: Vec<Value> = String::from_utf8(listed.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(states.len(), 2);
    assert_eq!(states.iter().filter(|k| k["state"] == "active").count(), 1);
    assert_eq!(states.iter().filter(|k| k["state"] == "previous").count(), 1);
    // A restarted server (which reloads keys) publishes both and still accepts the old token.
    let restarted = app.spawn_sibling(&[("GENESIS__SERVER__PUBLIC_URL", &app.base)]);
    assert_eq!(restarted.jwks().await["keys"].as_array().unwrap().len(), 2);
    assert_eq!(restarted.get_with_token("/users/me", &old_token).await.status(), 200);
}

#[tokio::test]
async fn a_rotation_succeeds_when_redis_cannot_be_told() {
    let app = spawn_app(Engine::Sqlite).await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let redis = format!("redis://127.0.0.1:{closed}/0");
    let rotated = app.cli_with(&["keys", "rotate"], "", &[("GENESIS__REDIS__URL", redis.as_str())]);
    let said = String::from_utf8_lossy(&rotated.stderr);
    assert!(rotated.status.success(), "{said}");
    assert!(said.contains("not notified"), "the operator is told: {said}");
    let kid = String::from_utf8(rotated.stdout).unwrap().trim().to_owned();
    // The change is committed, and the server's poll publishes it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !app.jwks().await["keys"].as_array().unwrap().iter().any(|k| k["kid"] == kid.as_str()) {
        assert!(std::time::Instant::now() < deadline, "the poll did not publish the key in 10 s");
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
}
