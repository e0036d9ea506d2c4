//! Three `genesis serve` processes over one MariaDB database and one Redis: every guarantee
//! holds whichever instance a request reaches, and a Redis outage allows no extra guesses.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::Response;
use serde_json::json;

use crate::api::support::{
    json_of, jwt, spawn_app_with, strong_password, unique, Engine, TestApp, NATIVE_CLIENT,
};

/// A Redis server of the test's own, on a free port, keeping nothing on disk.
struct Redis {
    port: u16,
    child: Child,
}

impl Redis {
    fn start_on(port: u16) -> Self {
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("redis-server is needed for the scale-out tests (apt-get install redis-server): {e}"));
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start on port {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { port, child }
    }

    fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        Self::start_on(port)
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The value of the unlabelled metric `name` on `instance`'s `/metrics` (0 when absent).
async fn metric(instance: &TestApp, name: &str) -> u64 {
    let text = instance.get("/metrics").await.text().await.unwrap();
    let prefix = format!("{name} ");
    text.lines()
        .find_map(|line| line.strip_prefix(prefix.as_str()))
        .map_or(0, |value| value.trim().parse().unwrap())
}

/// How many key-change notices `instance` has received.
async fn key_notices(instance: &TestApp) -> u64 {
    metric(instance, "genesis_key_change_notices_total").await
}

/// Waits until every instance is subscribed to key-change notices.
async fn await_subscriptions(instances: &[&TestApp]) {
    let deadline = Instant::now() + Duration::from_secs(20);
    for instance in instances {
        while metric(instance, "genesis_key_notices_subscribed").await != 1 {
            assert!(
                Instant::now() < deadline,
                "an instance did not subscribe to key-change notices"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// Rotates the signing key through `via`'s CLI and waits until every instance publishes it,
/// having been told over Redis (the poll alone would not move the notice counter).
async fn rotate_and_await_publication(
    redis_url: &str,
    via: &TestApp,
    instances: &[&TestApp],
) -> String {
    await_subscriptions(instances).await;
    let mut before = Vec::new();
    for instance in instances {
        before.push(key_notices(instance).await);
    }
    let rotated = via.cli_with(&["keys", "rotate"], "", &[("GENESIS__REDIS__URL", redis_url)]);
    assert!(rotated.status.success(), "{}", String::from_utf8_lossy(&rotated.stderr));
    let said = String::from_utf8_lossy(&rotated.stderr);
    assert!(!said.contains("not notified"), "{said}");
    let kid = String::from_utf8(rotated.stdout).unwrap().trim().to_owned();
    let deadline = Instant::now() + Duration::from_secs(10);
    for (instance, before) in instances.iter().zip(before) {
        loop {
            let jwks = instance.jwks().await;
            let published =
                jwks["keys"].as_array().unwrap().iter().any(|k| k["kid"] == kid.as_str());
            if published && key_notices(instance).await > before {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "an instance was not notified of the rotated key, or did not publish it, within 10 s"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    kid
}

async fn guess(instance: &TestApp) -> Response {
    instance.login("nobody", "a guessed password").await
}

/// One MariaDB-backed instance and two siblings sharing its database, keys and issuer.
async fn three_instances(env: &[(&str, &str)]) -> (TestApp, TestApp, TestApp) {
    let first = spawn_app_with(Engine::MariaDb, env).await;
    let mut sibling_env: Vec<(&str, &str)> = env.to_vec();
    sibling_env.push(("GENESIS__SERVER__PUBLIC_URL", first.base.as_str()));
    let second = first.spawn_sibling(&sibling_env);
    let third = first.spawn_sibling(&sibling_env);
    (first, second, third)
}

#[tokio::test]
async fn three_instances_share_every_security_guarantee() {
    let redis = Redis::start();
    let url = redis.url();
    let env = [
        ("GENESIS__REDIS__URL", url.as_str()),
        ("GENESIS__LOCKOUT__MAX_FAILURES", "3"),
        ("GENESIS__LOCKOUT__BASE_DELAY_SECONDS", "60"),
    ];
    let (a, b, c) = three_instances(&env).await;

    // A throttled account is throttled on every instance.
    let (_, username, password) = a.new_user().await;
    for instance in [&a, &b, &c] {
        assert_eq!(instance.login(&username, "wrong password here").await.status(), 400);
    }
    for instance in [&a, &b, &c] {
        assert_eq!(
            instance.login(&username, &password).await.status(),
            400,
            "throttled everywhere"
        );
    }

    // Logout on one instance kills the access token on the others within a second.
    let (_, other, other_password) = a.new_user().await;
    let token = json_of(a.login(&other, &other_password).await).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(b.get_with_token("/users/me", &token).await.status(), 200);
    assert_eq!(
        a.client.post(a.url("/logout")).bearer_auth(&token).send().await.unwrap().status(),
        204
    );
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(b.get_with_token("/users/me", &token).await.status(), 401);
    assert_eq!(c.get_with_token("/users/me", &token).await.status(), 401);

    // A refresh token rotated on one instance and replayed on another revokes the chain.
    let native = json_of(a.native_login(&other, &other_password).await).await;
    let first = native["refresh_token"].as_str().unwrap().to_owned();
    let rotated = json_of(b.refresh(&first, NATIVE_CLIENT).await).await;
    let second = rotated["refresh_token"].as_str().unwrap().to_owned();
    let replay = c.refresh(&first, NATIVE_CLIENT).await;
    assert_eq!(json_of(replay).await["error"], "invalid_grant");
    let dead = a.refresh(&second, NATIVE_CLIENT).await;
    assert_eq!(
        json_of(dead).await["error"],
        "invalid_grant",
        "the newest token of the chain died too"
    );

    // 30 concurrent identical registrations spread over the instances: one 201.
    let name = unique("race");
    let body = json!({"username": name, "email": format!("{name}@example.com"), "password": strong_password()});
    let attempts: Vec<_> = (0..30)
        .map(|i| {
            let instance = [&a, &b, &c][i % 3];
            let (client, url, body) =
                (instance.client.clone(), instance.url("/users"), body.clone());
            tokio::spawn(async move {
                client.post(url).json(&body).send().await.unwrap().status().as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for attempt in attempts {
        statuses.push(attempt.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{statuses:?}");

    // A key rotated through the CLI is announced over Redis and published by every instance,
    // and tokens verify everywhere.
    let (_, old_token) = a.user_token().await;
    let kid = rotate_and_await_publication(&url, &a, &[&a, &b, &c]).await;
    let (_, new_token) = b.user_token().await;
    assert_eq!(jwt::parts(&new_token).0["kid"], kid.as_str());
    for instance in [&a, &b, &c] {
        assert_eq!(instance.get_with_token("/users/me", &old_token).await.status(), 200);
        assert_eq!(instance.get_with_token("/users/me", &new_token).await.status(), 200);
    }

    // The audit chain verifies after concurrent writes from all three.
    let (_, writer, writer_password) = a.new_user().await;
    let logins: Vec<_> = (0..30)
        .map(|i| {
            let instance = [&a, &b, &c][i % 3];
            let (client, url, writer, writer_password) = (
                instance.client.clone(),
                instance.url("/token"),
                writer.clone(),
                writer_password.clone(),
            );
            tokio::spawn(async move {
                let form = [
                    ("grant_type", "password"),
                    ("username", writer.as_str()),
                    ("password", writer_password.as_str()),
                ];
                client.post(url).form(&form).send().await.unwrap().status().as_u16()
            })
        })
        .collect();
    for login in logins {
        assert_eq!(login.await.unwrap(), 200);
    }
    let verified = a.cli(&["audit", "verify"], "");
    assert!(verified.status.success(), "{}", String::from_utf8_lossy(&verified.stderr));
}

/// Waits out the seconds after Redis returns during which rate-limited routes answer 503, and
/// gives the first login answer that is not 503.
async fn login_once_redis_is_back(instance: &TestApp, username: &str, password: &str) -> u16 {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let status = instance.login(username, password).await.status().as_u16();
        if status != 503 {
            return status;
        }
        assert!(Instant::now() < deadline, "the instance did not recover after Redis returned");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test]
async fn account_throttling_is_shared_through_redis_and_kept_by_the_database() {
    let mut redis = Redis::start();
    let url = redis.url();
    let env = [
        ("GENESIS__REDIS__URL", url.as_str()),
        ("GENESIS__LOCKOUT__MAX_FAILURES", "3"),
        ("GENESIS__LOCKOUT__BASE_DELAY_SECONDS", "60"),
    ];
    // Two instances that share Redis but not a database: only Redis can carry the count.
    let a = spawn_app_with(Engine::Sqlite, &env).await;
    let b = spawn_app_with(Engine::Sqlite, &env).await;
    let (_, username, password) = b.new_user().await;
    for _ in 0..3 {
        assert_eq!(a.login(&username, "wrong password here").await.status(), 400);
    }
    assert_eq!(
        b.login(&username, &password).await.status(),
        400,
        "failures counted on another instance throttle the account here"
    );

    // Redis forgets everything when it restarts; the database still remembers the throttle.
    let (_, kept, kept_password) = a.new_user().await;
    for _ in 0..3 {
        assert_eq!(a.login(&kept, "wrong password here").await.status(), 400);
    }
    redis.stop();
    let _redis = Redis::start_on(redis.port);
    assert_eq!(
        login_once_redis_is_back(&a, &kept, &kept_password).await,
        400,
        "a Redis restart gives no fresh guesses"
    );
}

#[tokio::test]
async fn rate_limits_are_global_and_a_redis_outage_allows_no_extra_guesses() {
    let mut redis = Redis::start();
    let url = redis.url();
    let env = [
        ("GENESIS__REDIS__URL", url.as_str()),
        ("GENESIS__LIMITS__TOKEN_PER_MINUTE", "1"),
        ("GENESIS__LIMITS__TOKEN_BURST", "6"),
    ];
    let (a, b, c) = three_instances(&env).await;
    for instance in [&a, &b, &c, &a, &b, &c] {
        assert_eq!(guess(instance).await.status(), 400);
    }
    for instance in [&a, &b, &c] {
        let limited = guess(instance).await;
        assert_eq!(limited.status(), 429, "the per-address limit is global");
        assert!(limited.headers().get("retry-after").is_some());
    }

    // Redis goes away: the limit cannot be checked, so no guess is let through.
    redis.stop();
    for instance in [&a, &b, &c] {
        let started = Instant::now();
        let refused = guess(instance).await;
        assert_eq!(refused.status(), 503, "no security check is silently skipped");
        assert!(refused.headers().get("retry-after").is_some());
        assert!(started.elapsed() < Duration::from_secs(5), "an outage never hangs a request");
    }
    assert_eq!(a.get("/health").await.status(), 200);

    // Redis returns (empty: it keeps nothing on disk): every instance recovers by itself.
    let _redis = Redis::start_on(redis.port);
    let deadline = Instant::now() + Duration::from_secs(15);
    for instance in [&a, &b, &c] {
        loop {
            let status = guess(instance).await.status();
            if status != 503 {
                assert!(status == 400 || status == 429, "{status}");
                break;
            }
            assert!(Instant::now() < deadline, "an instance did not recover after Redis returned");
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
    // ...and listens for key-change notices again (its subscription gauge says when).
    rotate_and_await_publication(&url, &a, &[&a, &b, &c]).await;
}
