//! Spawning the real server.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::{Client, Response};
use serde_json::{json, Value};

use super::database::{Engine, TestDatabase};

/// A running server with its own database and working directory.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`, also the token issuer.
    pub base: String,
    pub client: Client,
    pub db: Engine,
    pub workdir: PathBuf,
    child: Child,
    database: TestDatabase,
    /// False for a sibling sharing another app's database and working directory.
    owns_resources: bool,
}

/// A unique lower-case name: letters and digits.
pub fn unique(prefix: &str) -> String {
    format!("{prefix}{}", &uuid::Uuid::new_v4().simple().to_string()[..12])
}

/// A password that satisfies the default policy.
pub fn strong_password() -> String {
    format!("Pw-{}-long-enough", uuid::Uuid::new_v4().simple())
}

/// Starts `genesis serve` on `db` with test-friendly settings (cheap argon2).
pub async fn spawn_app(db: Engine) -> TestApp {
    spawn_app_with(db, &[]).await
}

/// Starts `genesis serve` with extra `GENESIS__...` variables.
pub async fn spawn_app_with(db: Engine, env: &[(&str, &str)]) -> TestApp {
    let workdir = std::env::temp_dir().join(unique("genesis-test-"));
    std::fs::create_dir_all(&workdir).unwrap();
    let database = TestDatabase::create(db, &workdir).await;
    launch(db, workdir, database, env, true)
}

/// The `[[clients]]` every test server knows.
pub const NATIVE_CLIENT: &str = "test-native";
pub const SERVICE_CLIENT: &str = "test-service";
pub const SERVICE_SECRET: &str = "test-service-secret-0123456789-abcdef";

/// `POST url` (an introspection endpoint) for `token`, as the test service client.
pub async fn introspect_with(client: &Client, url: String, token: &str) -> Response {
    client
        .post(url)
        .basic_auth(SERVICE_CLIENT, Some(SERVICE_SECRET))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap()
}
const TEST_CONFIG: &str = r#"
[[clients]]
id = "test-native"
kind = "native"
scopes = ["profile", "read"]

[[clients]]
id = "test-service"
kind = "service"
secret = "test-service-secret-0123456789-abcdef"
scopes = ["reports.read"]
"#;

fn launch(
    db: Engine,
    workdir: PathBuf,
    database: TestDatabase,
    env: &[(&str, &str)],
    owns_resources: bool,
) -> TestApp {
    let config = workdir.join("genesis.toml");
    std::fs::write(&config, TEST_CONFIG).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_genesis-under-test"));
    command
        .arg("serve")
        .arg("--config")
        .arg(&config)
        .current_dir(&workdir)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "info")
        .env("GENESIS__SERVER__BIND", "127.0.0.1:0")
        .env("GENESIS__DATABASE__URL", &database.url)
        .env("GENESIS__ARGON2__MEMORY_KIB", "8192")
        .env("GENESIS__ARGON2__ITERATIONS", "1")
        .env("GENESIS__DATABASE__MAX_CONNECTIONS", "5")
        // Generous abuse limits by default; the abuse tests set small ones.
        .env("GENESIS__LIMITS__TOKEN_PER_MINUTE", "100000")
        .env("GENESIS__LIMITS__TOKEN_BURST", "100000")
        .env("GENESIS__LIMITS__REGISTER_PER_MINUTE", "100000")
        .env("GENESIS__LIMITS__REGISTER_BURST", "100000")
        .env("GENESIS__LIMITS__PROFILE_PER_MINUTE", "100000")
        .env("GENESIS__LIMITS__PROFILE_BURST", "100000")
        .env("GENESIS__LOCKOUT__MAX_FAILURES", "1000")
        .stdin(Stdio::null())
        .stdout(log_file(&workdir, "stdout", owns_resources))
        .stderr(log_file(&workdir, "stderr", owns_resources));
    for (key, value) in env {
        command.env(key, value);
    }
    let child = command.spawn().expect("the server under test starts");
    let mut app = TestApp {
        base: String::new(),
        client: Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap(),
        db,
        workdir,
        child,
        database,
        owns_resources,
    };
    app.base = app.wait_until_listening();
    app
}

fn log_file(workdir: &std::path::Path, stream: &str, owner: bool) -> std::fs::File {
    let name = if owner { format!("{stream}.log") } else { format!("{stream}.sibling.log") };
    std::fs::File::create(workdir.join(name)).unwrap()
}

impl TestApp {
    fn wait_until_listening(&mut self) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let logs = self.logs();
            if let Some(rest) = logs.split("listening on ").nth(1) {
                let url: String =
                    rest.chars().take_while(|c| !c.is_whitespace() && *c != '"').collect();
                if url.contains("://")
                    && url.rsplit(':').next().is_some_and(|port| port.parse::<u16>().is_ok())
                {
                    return url;
                }
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("genesis serve exited with {status} before listening:\n{logs}");
            }
            if Instant::now() > deadline {
                panic!("genesis serve did not listen within 60 s:\n{logs}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Everything the server wrote to stdout and stderr so far.
    pub fn logs(&self) -> String {
        let mut text = String::new();
        let suffix = if self.owns_resources { "" } else { ".sibling" };
        for name in [format!("stdout{suffix}.log"), format!("stderr{suffix}.log")] {
            if let Ok(mut file) = std::fs::File::open(self.workdir.join(&name)) {
                let _ = file.read_to_string(&mut text);
            }
        }
        text
    }

    /// Another server process on the same database, working directory and key-encryption key,
    /// with extra variables (e.g. another issuer or audience).
    pub fn spawn_sibling(&self, env: &[(&str, &str)]) -> TestApp {
        let database = TestDatabase { url: self.database.url.clone(), drop_with: None };
        launch(self.db, self.workdir.clone(), database, env, false)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    pub async fn get_with_token(&self, path: &str, token: &str) -> Response {
        self.client.get(self.url(path)).bearer_auth(token).send().await.unwrap()
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.client.post(self.url(path)).json(body).send().await.unwrap()
    }

    pub async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
        body: &Value,
    ) -> Response {
        self.client
            .request(method, self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.client.post(self.url(path)).form(form).send().await.unwrap()
    }

    /// Registers a fresh user; returns (id, username, password).
    pub async fn new_user(&self) -> (String, String, String) {
        let username = unique("u");
        let password = strong_password();
        let response = self
            .post_json("/users", &json!({"username": username, "email": format!("{username}@example.com"), "password": password}))
            .await;
        assert_eq!(
            response.status(),
            201,
            "registration failed: {}",
            response.text().await.unwrap()
        );
        let body: Value = response.json().await.unwrap();
        (body["id"].as_str().unwrap().to_owned(), username, password)
    }

    /// Logs in with the password grant as the native test client.
    pub async fn native_login(&self, username: &str, password: &str) -> Response {
        self.post_form(
            "/token",
            &[
                ("grant_type", "password"),
                ("username", username),
                ("password", password),
                ("client_id", NATIVE_CLIENT),
            ],
        )
        .await
    }

    /// Logs in with the password grant.
    /// Spends `token` at the token endpoint (`refresh_token` grant) for `client_id`.
    pub async fn refresh(&self, token: &str, client_id: &str) -> Response {
        self.post_form(
            "/token",
            &[("grant_type", "refresh_token"), ("refresh_token", token), ("client_id", client_id)],
        )
        .await
    }

    /// Introspects `token` as the test service client.
    pub async fn introspect(&self, token: &str) -> Response {
        introspect_with(&self.client, self.url("/oauth/introspect"), token).await
    }

    pub async fn login(&self, username: &str, password: &str) -> Response {
        self.post_form(
            "/token",
            &[("grant_type", "password"), ("username", username), ("password", password)],
        )
        .await
    }

    /// A fresh user's access token; returns (user id, token).
    pub async fn user_token(&self) -> (String, String) {
        let (id, username, password) = self.new_user().await;
        let response = self.login(&username, &password).await;
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        (id, body["access_token"].as_str().unwrap().to_owned())
    }

    /// A fresh administrator (created with `genesis users create --role admin`): (id, token).
    pub async fn admin_token(&self) -> (String, String) {
        let name = unique("admin");
        let password = strong_password();
        let created = self.cli(
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
            &password,
        );
        assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
        let id = String::from_utf8(created.stdout).unwrap().trim().to_owned();
        let body: Value = self.login(&name, &password).await.json().await.unwrap();
        (id, body["access_token"].as_str().unwrap().to_owned())
    }

    /// Runs SQL directly on this app's database, as an administrator with database access
    /// (or an attacker who has it) would.
    pub async fn sql(&self, statement: &str) {
        use sea_orm::ConnectionTrait;
        let conn = sea_orm::Database::connect(self.database.url.as_str()).await.unwrap();
        conn.execute_unprepared(statement).await.unwrap();
        conn.close().await.unwrap();
    }

    /// Sends SIGTERM and waits (at most 30 s) for the process to exit; returns its exit code.
    pub fn terminate(&mut self) -> Option<i32> {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The name of this app's database (MariaDB and PostgreSQL).
    pub fn database_name(&self) -> String {
        self.database.url.rsplit('/').next().unwrap_or_default().to_owned()
    }

    /// Kills the server process with SIGKILL: no graceful shutdown, no flush.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The server's JWKS.
    pub async fn jwks(&self) -> Value {
        self.get("/.well-known/jwks.json").await.json().await.unwrap()
    }

    /// Runs `genesis ARGS...` against this app's database and working directory.
    pub fn cli(&self, args: &[&str], stdin: &str) -> std::process::Output {
        self.cli_with(args, stdin, &[])
    }

    /// `cli` with extra environment (configuration overrides such as `GENESIS__REDIS__URL`).
    pub fn cli_with(
        &self,
        args: &[&str],
        stdin: &str,
        env: &[(&str, &str)],
    ) -> std::process::Output {
        use std::io::Write;
        let mut child = Command::new(env!("CARGO_BIN_EXE_genesis-under-test"))
            .args(args)
            .arg("--config")
            .arg(self.workdir.join("genesis.toml"))
            .current_dir(&self.workdir)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("GENESIS__DATABASE__URL", &self.database.url)
            .env("GENESIS__ARGON2__MEMORY_KIB", "8192")
            .env("GENESIS__ARGON2__ITERATIONS", "1")
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if self.owns_resources {
            self.database.drop_now();
            let _ = std::fs::remove_dir_all(&self.workdir);
        }
    }
}
